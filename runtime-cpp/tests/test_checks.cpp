// tests/test_checks.cpp -- tests of IVYC_REQUIRE / IVYC_ASSERT and the
// ivyc::assertion_failed / runtime_error types (checks enabled).
#include <string>

#include "ivyc/checks.hpp"
#include "test_util.hpp"

int main() {
    int evaluated = 0;
    IVYC_REQUIRE((++evaluated, true), "never");
    IVYC_ASSERT((++evaluated, true), std::string("never"));
    CHECK(evaluated == 2);
    CHECK_THROWS(IVYC_REQUIRE(1 + 1 == 3, "x.ivy: line 1"), ivyc::assertion_failed);
    CHECK_THROWS(IVYC_ASSERT(false, "x"), ivyc::runtime_error);
    CHECK_THROWS(IVYC_ASSERT(false, "x"), std::runtime_error);
    try {
        IVYC_ASSERT(evaluated == 0, std::string("lock.ivy: line ") + std::to_string(12));
        CHECK(false);
    } catch (const ivyc::assertion_failed& e) {
        CHECK(std::string(e.what()) == "assert failed: lock.ivy: line 12");
        CHECK(e.kind() == "assert");
        CHECK(e.message() == "lock.ivy: line 12");
        CHECK(e.line() > 0 && !e.file().empty());
    }
    try {
        IVYC_REQUIRE(false, "pre");
        CHECK(false);
    } catch (const ivyc::assertion_failed& e) {
        CHECK(std::string(e.what()) == "require failed: pre");
    }
    // Usable as a statement in if/else without braces.
    if (evaluated == 2)
        IVYC_REQUIRE(true, "a");
    else
        IVYC_REQUIRE(true, "b");
    return ivyc_test::test_result("test_checks");
}
