// ivyc/arith.hpp -- arithmetic of extracted code: int64 operations that
// throw ivyc::runtime_error instead of overflowing (Ivy's `int` is
// unbounded, so an overflow is a value the C++ cannot represent), division
// with Ivy/SMT-LIB conventions, and bit-vector operations modulo 2^N.
#ifndef IVYC_ARITH_HPP
#define IVYC_ARITH_HPP

#include <cstdint>
#include <limits>
#include <string>

#include "ivyc/checks.hpp"
#include "ivyc/containers.hpp"

namespace ivyc {

[[noreturn]] inline void overflow(const char* op) {
    throw runtime_error(std::string("integer overflow in ") + op);
}

inline int64_t checked_add(int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) overflow("+");
    return r;
}

inline int64_t checked_sub(int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r)) overflow("-");
    return r;
}

inline int64_t checked_mul(int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) overflow("*");
    return r;
}

// Integer division rounding toward negative infinity's SMT-LIB cousin:
// SMT-LIB `div` is Euclidean (remainder >= 0). Division by zero, which the
// logic leaves unspecified, is an error here.
inline int64_t checked_div(int64_t a, int64_t b) {
    if (b == 0) throw runtime_error("division by zero");
    if (a == std::numeric_limits<int64_t>::min() && b == -1) overflow("/");
    int64_t q = a / b;
    int64_t r = a % b;
    if (r < 0) q = b > 0 ? q - 1 : q + 1;
    return q;
}

// Ivy range sorts {lo..hi}: results are clamped into [lo, hi] (saturating
// arithmetic), computed exactly in 128 bits, so they never overflow.
// Division by zero is an error, as for int.
constexpr int64_t range_clamp(__int128 v, int64_t lo, int64_t hi) noexcept {
    return v < lo ? lo : (v > hi ? hi : static_cast<int64_t>(v));
}
constexpr int64_t range_add(int64_t a, int64_t b, int64_t lo, int64_t hi) noexcept {
    return range_clamp(static_cast<__int128>(a) + b, lo, hi);
}
constexpr int64_t range_sub(int64_t a, int64_t b, int64_t lo, int64_t hi) noexcept {
    return range_clamp(static_cast<__int128>(a) - b, lo, hi);
}
constexpr int64_t range_mul(int64_t a, int64_t b, int64_t lo, int64_t hi) noexcept {
    return range_clamp(static_cast<__int128>(a) * b, lo, hi);
}
inline int64_t range_div(int64_t a, int64_t b, int64_t lo, int64_t hi) {
    if (b == 0) throw runtime_error("division by zero");
    // Euclidean division as checked_div, exact in 128 bits.
    const __int128 x = a;
    __int128 q = x / b;
    if (x % b < 0) q = b > 0 ? q - 1 : q + 1;
    return range_clamp(q, lo, hi);
}
// An arbitrary value of the range from 64 random bits.
constexpr int64_t range_pick(uint64_t r, int64_t lo, int64_t hi) noexcept {
    const unsigned __int128 width = static_cast<unsigned __int128>(
                                        static_cast<__int128>(hi) - lo) + 1;
    return static_cast<int64_t>(static_cast<__int128>(lo) +
                                static_cast<__int128>(r % width));
}

// Bit-vector operations on bv_t<N> values, wrapping modulo 2^N.
template <unsigned N>
constexpr bv_t<N> bv_add(uint64_t a, uint64_t b) noexcept { return bv_mask<N>(a + b); }
template <unsigned N>
constexpr bv_t<N> bv_sub(uint64_t a, uint64_t b) noexcept { return bv_mask<N>(a - b); }
template <unsigned N>
constexpr bv_t<N> bv_mul(uint64_t a, uint64_t b) noexcept { return bv_mask<N>(a * b); }
// SMT-LIB bvudiv: division by zero gives all ones.
template <unsigned N>
constexpr bv_t<N> bv_div(uint64_t a, uint64_t b) noexcept {
    return b == 0 ? bv_mask<N>(~uint64_t{0}) : bv_mask<N>(a / b);
}
template <unsigned N>
constexpr bv_t<N> bv_and(uint64_t a, uint64_t b) noexcept { return bv_mask<N>(a & b); }
template <unsigned N>
constexpr bv_t<N> bv_or(uint64_t a, uint64_t b) noexcept { return bv_mask<N>(a | b); }
template <unsigned N>
constexpr bv_t<N> bv_not(uint64_t a) noexcept { return bv_mask<N>(~a); }

// Range checks of values handed in by the host (always on).
[[noreturn]] IVYC_COLD inline void throw_argument_range(uint64_t v, uint64_t count,
                                                       const char* what) {
    throw runtime_error(std::string("argument out of range: ") + what + " = " +
                        std::to_string(v) + ", sort size " + std::to_string(count));
}

[[noreturn]] IVYC_COLD inline void throw_negative_nat(const char* what) {
    throw runtime_error(std::string("negative value for a nat: ") + what);
}

[[noreturn]] IVYC_COLD inline void throw_not_initialized(const char* action) {
    throw runtime_error(std::string("call initialize() before `") + action + "`");
}

inline void check_index(uint64_t v, uint64_t count, const char* what) {
    if (v >= count) throw_argument_range(v, count, what);
}

inline void check_nat(int64_t v, const char* what) {
    if (v < 0) throw_negative_nat(what);
}

[[noreturn]] IVYC_COLD inline void throw_outside_range(int64_t v, int64_t lo, int64_t hi,
                                                      const char* what) {
    throw runtime_error(std::string("value outside its range sort: ") + what + " = " +
                        std::to_string(v) + ", range {" + std::to_string(lo) + ".." +
                        std::to_string(hi) + "}");
}

inline void check_range(int64_t v, int64_t lo, int64_t hi, const char* what) {
    if (v < lo || v > hi) throw_outside_range(v, lo, hi, what);
}

}  // namespace ivyc

#endif  // IVYC_ARITH_HPP
