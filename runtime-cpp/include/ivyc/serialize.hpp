// ivyc/serialize.hpp -- the wire format of extracted code: ivyc::writer
// (append-only little-endian encoder), ivyc::reader (bounds-checked decoder
// that reports malformed input as a false return, never UB), the overloadable
// ivyc_write / ivyc_read hooks for builtin types, and ivyc::encode / decode.
//
// Format: bool = 1 byte (0 or 1); u32 = 4 bytes LE; i64/u64 = 8 bytes LE;
// enum = u32 checked against ivyc::enum_info<E>::count; string/bytes = u32
// length + raw bytes; vector = u32 count + elements; pair/tuple = fields in
// order. Signed integers travel as i64, unsigned ones of at most 32 bits as
// u32 and 64-bit unsigned ones as u64; reads check the value fits the type.
//
// Generated code adds, for each of its own types T (in T's namespace, found
// by argument-dependent lookup):
//     void ivyc_write(ivyc::writer& w, const T& v);
//     bool ivyc_read(ivyc::reader& r, T& v);   // false on malformed input
// and, for each enum E, a specialisation
//     template <> struct ivyc::enum_info<E> { static constexpr uint32_t count = K; };
// Every encoded value must occupy at least one byte (a vector count larger
// than the remaining input is rejected to bound allocations), so empty
// structs should write a placeholder byte (e.g. w.write_bool(false)).
#ifndef IVYC_SERIALIZE_HPP
#define IVYC_SERIALIZE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ivyc/checks.hpp"

namespace ivyc {

// Appends encoded values to an owned byte buffer.
class writer {
public:
    writer() = default;

    void write_bool(bool v) { buf_.push_back(v ? 1 : 0); }
    void write_u8(uint8_t v) { buf_.push_back(v); }
    void write_u32(uint32_t v) { put_le(v, 4); }
    void write_u64(uint64_t v) { put_le(v, 8); }
    void write_i64(int64_t v) { put_le(static_cast<uint64_t>(v), 8); }
    void write_enum(uint32_t v) { write_u32(v); }
    // Length-prefixed (u32) byte string.
    void write_bytes(const uint8_t* data, size_t size) {
        write_length(size);
        buf_.insert(buf_.end(), data, data + size);
    }
    void write_bytes(const std::vector<uint8_t>& v) { write_bytes(v.data(), v.size()); }
    void write_string(std::string_view s) {
        write_length(s.size());
        buf_.insert(buf_.end(), s.begin(), s.end());
    }
    // A u32 count (for sequences); throws ivyc::runtime_error above 2^32-1.
    void write_length(size_t n) {
        if (n > std::numeric_limits<uint32_t>::max()) {
            throw runtime_error("ivyc::writer: sequence too long to encode");
        }
        write_u32(static_cast<uint32_t>(n));
    }

    const std::vector<uint8_t>& bytes() const noexcept { return buf_; }
    std::vector<uint8_t> take() noexcept { return std::move(buf_); }
    size_t size() const noexcept { return buf_.size(); }
    void clear() noexcept { buf_.clear(); }

private:
    void put_le(uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    std::vector<uint8_t> buf_;
};

// Decodes values from a byte span it does not own. Every read_* returns false
// (and leaves the position unchanged) when the input is too short or the value
// is invalid; nothing ever reads outside [data, data + size).
class reader {
public:
    reader(const uint8_t* data, size_t size) noexcept : data_(data), size_(data ? size : 0) {}
    explicit reader(const std::vector<uint8_t>& v) noexcept : reader(v.data(), v.size()) {}

    bool read_bool(bool& out) noexcept {
        if (remaining() < 1 || data_[pos_] > 1) return false;
        out = data_[pos_++] == 1;
        return true;
    }
    bool read_u8(uint8_t& out) noexcept {
        if (remaining() < 1) return false;
        out = data_[pos_++];
        return true;
    }
    bool read_u32(uint32_t& out) noexcept {
        uint64_t v = 0;
        if (!get_le(v, 4)) return false;
        out = static_cast<uint32_t>(v);
        return true;
    }
    bool read_u64(uint64_t& out) noexcept { return get_le(out, 8); }
    bool read_i64(int64_t& out) noexcept {
        uint64_t v = 0;
        if (!get_le(v, 8)) return false;
        out = static_cast<int64_t>(v);  // two's complement (well defined since C++20, and on g++)
        return true;
    }
    // An enum value, valid when < count.
    bool read_enum(uint32_t& out, uint32_t count) noexcept {
        const size_t start = pos_;
        uint32_t v = 0;
        if (!read_u32(v)) return false;
        if (v >= count) {
            pos_ = start;
            return false;
        }
        out = v;
        return true;
    }
    // A u32 count that is at most remaining() (each element takes >= 1 byte).
    bool read_length(uint32_t& out) noexcept {
        const size_t start = pos_;
        uint32_t n = 0;
        if (!read_u32(n)) return false;
        if (n > remaining()) {
            pos_ = start;
            return false;
        }
        out = n;
        return true;
    }
    bool read_bytes(std::vector<uint8_t>& out) {
        const size_t start = pos_;
        uint32_t n = 0;
        if (!read_length(n)) return false;
        try {
            out.assign(data_ + pos_, data_ + pos_ + n);
        } catch (...) {
            pos_ = start;
            return false;
        }
        pos_ += n;
        return true;
    }
    bool read_string(std::string& out) {
        const size_t start = pos_;
        uint32_t n = 0;
        if (!read_length(n)) return false;
        try {
            out.assign(reinterpret_cast<const char*>(data_ + pos_), n);
        } catch (...) {
            pos_ = start;
            return false;
        }
        pos_ += n;
        return true;
    }

    size_t remaining() const noexcept { return size_ - pos_; }
    size_t position() const noexcept { return pos_; }
    bool at_end() const noexcept { return pos_ == size_; }

private:
    bool get_le(uint64_t& out, unsigned n) noexcept {
        if (remaining() < n) return false;
        uint64_t v = 0;
        for (unsigned i = 0; i < n; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
        pos_ += n;
        out = v;
        return true;
    }

    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

// Number of values of enum E (valid encodings are 0 .. count-1). Generated
// code specialises this for every enum it serialises.
template <class E>
struct enum_info;

// ---------------------------------------------------------------------------
// Hooks for builtin types. All calls are unqualified so that ADL (on
// ivyc::writer / ivyc::reader and on the value type) finds every overload.

inline void ivyc_write(writer& w, bool v) { w.write_bool(v); }
inline bool ivyc_read(reader& r, bool& v) { return r.read_bool(v); }

template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
void ivyc_write(writer& w, T v) {
    if constexpr (std::is_signed_v<T>) {
        w.write_i64(static_cast<int64_t>(v));
    } else if constexpr (sizeof(T) <= 4) {
        w.write_u32(static_cast<uint32_t>(v));
    } else {
        w.write_u64(static_cast<uint64_t>(v));
    }
}

template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
bool ivyc_read(reader& r, T& v) {
    if constexpr (std::is_signed_v<T>) {
        int64_t x = 0;
        reader save = r;
        if (!r.read_i64(x)) return false;
        if (x < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
            x > static_cast<int64_t>(std::numeric_limits<T>::max())) {
            r = save;
            return false;
        }
        v = static_cast<T>(x);
        return true;
    } else if constexpr (sizeof(T) <= 4) {
        uint32_t x = 0;
        reader save = r;
        if (!r.read_u32(x)) return false;
        if (x > static_cast<uint32_t>(std::numeric_limits<T>::max())) {
            r = save;
            return false;
        }
        v = static_cast<T>(x);
        return true;
    } else {
        uint64_t x = 0;
        if (!r.read_u64(x)) return false;
        v = static_cast<T>(x);
        return true;
    }
}

template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
void ivyc_write(writer& w, E v) {
    w.write_enum(static_cast<uint32_t>(v));
}

template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
bool ivyc_read(reader& r, E& v) {
    uint32_t x = 0;
    if (!r.read_enum(x, enum_info<E>::count)) return false;
    v = static_cast<E>(x);
    return true;
}

inline void ivyc_write(writer& w, const std::string& v) { w.write_string(v); }
inline bool ivyc_read(reader& r, std::string& v) { return r.read_string(v); }

inline void ivyc_write(writer& w, const std::vector<uint8_t>& v) { w.write_bytes(v); }
inline bool ivyc_read(reader& r, std::vector<uint8_t>& v) { return r.read_bytes(v); }

template <class T, class A>
void ivyc_write(writer& w, const std::vector<T, A>& v) {
    w.write_length(v.size());
    for (const auto& x : v) ivyc_write(w, x);
}

template <class T, class A>
bool ivyc_read(reader& r, std::vector<T, A>& v) {
    uint32_t n = 0;
    if (!r.read_length(n)) return false;
    std::vector<T, A> out;
    out.reserve(n);  // n <= remaining bytes, so bounded by the input size
    for (uint32_t i = 0; i < n; ++i) {
        T x{};
        if (!ivyc_read(r, x)) return false;
        out.push_back(std::move(x));
    }
    v = std::move(out);
    return true;
}

template <class A, class B>
void ivyc_write(writer& w, const std::pair<A, B>& v) {
    ivyc_write(w, v.first);
    ivyc_write(w, v.second);
}

template <class A, class B>
bool ivyc_read(reader& r, std::pair<A, B>& v) {
    return ivyc_read(r, v.first) && ivyc_read(r, v.second);
}

template <class... Ts>
void ivyc_write(writer& w, const std::tuple<Ts...>& v) {
    std::apply([&w](const Ts&... xs) { (ivyc_write(w, xs), ...); }, v);
}

template <class... Ts>
bool ivyc_read(reader& r, std::tuple<Ts...>& v) {
    return std::apply([&r](Ts&... xs) { return (... && ivyc_read(r, xs)); }, v);
}

// ---------------------------------------------------------------------------
// Entry points

template <class T>
std::vector<uint8_t> encode(const T& value) {
    writer w;
    ivyc_write(w, value);
    return w.take();
}

// Decodes exactly one T spanning the whole input. Returns nullopt on any
// malformed, truncated or over-long input; never throws.
template <class T>
std::optional<T> decode(const uint8_t* data, size_t size) noexcept {
    try {
        reader r(data, size);
        T value{};
        if (!ivyc_read(r, value) || !r.at_end()) return std::nullopt;
        return std::optional<T>(std::move(value));
    } catch (...) {
        return std::nullopt;
    }
}

template <class T>
std::optional<T> decode(const std::vector<uint8_t>& bytes) noexcept {
    return decode<T>(bytes.data(), bytes.size());
}

}  // namespace ivyc

#endif  // IVYC_SERIALIZE_HPP
