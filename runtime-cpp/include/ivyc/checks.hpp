// ivyc/checks.hpp -- runtime error types and the require/assert checks of
// extracted code: ivyc::runtime_error, ivyc::assertion_failed and the macros
// IVYC_REQUIRE / IVYC_ASSERT (disabled by defining IVYC_NO_RUNTIME_CHECKS).
#ifndef IVYC_CHECKS_HPP
#define IVYC_CHECKS_HPP

#include <stdexcept>
#include <string>

namespace ivyc {

// Base of every exception thrown by the runtime (bounds violations, socket
// errors, malformed REPL arguments, ...).
class runtime_error : public std::runtime_error {
public:
    explicit runtime_error(const std::string& what) : std::runtime_error(what) {}
};

// Thrown when a `require` (precondition) or `assert` of the Ivy program does
// not hold at run time. what() is "<kind> failed: <message>".
class assertion_failed : public runtime_error {
public:
    assertion_failed(const char* kind, const std::string& message,
                     const char* file = "", int line = 0)
        : runtime_error(std::string(kind) + " failed: " + message),
          kind_(kind), message_(message), file_(file), line_(line) {}

    // "require" or "assert".
    const std::string& kind() const noexcept { return kind_; }
    // The message given to the macro (typically the Ivy source location).
    const std::string& message() const noexcept { return message_; }
    // C++ location of the failing check.
    const std::string& file() const noexcept { return file_; }
    int line() const noexcept { return line_; }

private:
    std::string kind_;
    std::string message_;
    std::string file_;
    int line_;
};

}  // namespace ivyc

// IVYC_REQUIRE(cond, msg) / IVYC_ASSERT(cond, msg): throw
// ivyc::assertion_failed when cond is false. msg is anything convertible to
// std::string. With IVYC_NO_RUNTIME_CHECKS defined neither argument is
// evaluated (they are still compiled, so variables used only in checks do not
// trigger unused-variable warnings).
#ifdef IVYC_NO_RUNTIME_CHECKS
#define IVYC_REQUIRE(cond, msg)            \
    do {                                   \
        if (false) {                       \
            static_cast<void>(cond);       \
            static_cast<void>(msg);        \
        }                                  \
    } while (0)
#define IVYC_ASSERT(cond, msg) IVYC_REQUIRE(cond, msg)
#else
#define IVYC_CHECK_IMPL_(kind, cond, msg)                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            throw ::ivyc::assertion_failed(kind, msg, __FILE__, __LINE__); \
        }                                                                  \
    } while (0)
#define IVYC_REQUIRE(cond, msg) IVYC_CHECK_IMPL_("require", cond, msg)
#define IVYC_ASSERT(cond, msg) IVYC_CHECK_IMPL_("assert", cond, msg)
#endif

#endif  // IVYC_CHECKS_HPP
