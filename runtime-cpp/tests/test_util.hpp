// tests/test_util.hpp -- minimal assertion macros shared by the runtime
// tests (no external framework): CHECK, CHECK_THROWS and test_result().
#ifndef IVYC_TEST_UTIL_HPP
#define IVYC_TEST_UTIL_HPP

#include <cstdio>

namespace ivyc_test {
inline int failures = 0;
inline int checks = 0;

// Value returned from main(): prints a summary, 0 iff every check passed.
inline int test_result(const char* name) {
    if (failures == 0) {
        std::printf("%s: all %d checks passed\n", name, checks);
        return 0;
    }
    std::fprintf(stderr, "%s: %d of %d checks FAILED\n", name, failures, checks);
    return 1;
}
}  // namespace ivyc_test

#define CHECK(...)                                                                    \
    do {                                                                              \
        ++ivyc_test::checks;                                                          \
        if (!(__VA_ARGS__)) {                                                         \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #__VA_ARGS__); \
            ++ivyc_test::failures;                                                    \
        }                                                                             \
    } while (0)

#define CHECK_THROWS(stmt, exc_type)                                                   \
    do {                                                                               \
        ++ivyc_test::checks;                                                           \
        bool caught_ = false;                                                          \
        try {                                                                          \
            stmt;                                                                      \
        } catch (const exc_type&) {                                                    \
            caught_ = true;                                                            \
        } catch (...) {                                                                \
        }                                                                              \
        if (!caught_) {                                                                \
            std::fprintf(stderr, "%s:%d: expected %s from: %s\n", __FILE__, __LINE__,  \
                         #exc_type, #stmt);                                            \
            ++ivyc_test::failures;                                                     \
        }                                                                              \
    } while (0)

#endif  // IVYC_TEST_UTIL_HPP
