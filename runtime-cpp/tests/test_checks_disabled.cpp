// tests/test_checks_disabled.cpp -- with IVYC_NO_RUNTIME_CHECKS defined (by
// CMake for this target), IVYC_REQUIRE / IVYC_ASSERT evaluate nothing and
// never throw, and variables used only in checks cause no warnings.
#ifndef IVYC_NO_RUNTIME_CHECKS
#error "this test must be compiled with IVYC_NO_RUNTIME_CHECKS"
#endif

#include "ivyc/checks.hpp"
#include "test_util.hpp"

int main() {
    int evaluated = 0;
    const int only_in_check = 3;
    IVYC_REQUIRE((++evaluated, false), "never evaluated");
    IVYC_ASSERT(only_in_check == 4, "never evaluated");
    IVYC_ASSERT([&] { return ++evaluated > 100; }(), "lambdas are allowed");
    CHECK(evaluated == 0);
    return ivyc_test::test_result("test_checks_disabled");
}
