// tests/test_serialize.cpp -- tests of ivyc::writer / reader, the builtin
// ivyc_write / ivyc_read hooks, user-defined overloads found by ADL, and
// malformed input (truncation, bad values, huge length prefixes, random
// bytes) which must be rejected without crashing.
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ivyc/serialize.hpp"
#include "test_util.hpp"

// What generated code looks like: its own types plus hook overloads.
namespace proto {

enum class msg_kind : uint32_t { grant, release, ping };

struct msg {
    msg_kind kind = msg_kind::ping;
    uint32_t src = 0;
    int64_t stamp = 0;
    std::vector<std::string> notes;
    bool operator==(const msg& o) const {
        return kind == o.kind && src == o.src && stamp == o.stamp && notes == o.notes;
    }
};

inline void ivyc_write(ivyc::writer& w, const msg& m) {
    ivyc_write(w, m.kind);
    ivyc_write(w, m.src);
    ivyc_write(w, m.stamp);
    ivyc_write(w, m.notes);
}
inline bool ivyc_read(ivyc::reader& r, msg& m) {
    return ivyc_read(r, m.kind) && ivyc_read(r, m.src) && ivyc_read(r, m.stamp) &&
           ivyc_read(r, m.notes);
}

}  // namespace proto

template <>
struct ivyc::enum_info<proto::msg_kind> {
    static constexpr uint32_t count = 3;
};

namespace {

template <class T>
void check_roundtrip(const T& v) {
    const std::vector<uint8_t> bytes = ivyc::encode(v);
    const std::optional<T> back = ivyc::decode<T>(bytes);
    CHECK(back.has_value());
    CHECK(back && *back == v);
    // Every strict prefix is truncated input and must be rejected.
    for (size_t n = 0; n < bytes.size(); ++n) {
        CHECK(!ivyc::decode<T>(bytes.data(), n).has_value());
    }
    // Trailing garbage is rejected too.
    std::vector<uint8_t> longer = bytes;
    longer.push_back(0);
    CHECK(!ivyc::decode<T>(longer).has_value());
}

void test_writer_reader() {
    ivyc::writer w;
    w.write_bool(true);
    w.write_u32(0x01020304u);
    w.write_i64(-2);
    w.write_u64(0x1122334455667788ULL);
    w.write_enum(2);
    w.write_string("hi");
    const std::vector<uint8_t> expected = {
        1,                                                   // bool
        0x04, 0x03, 0x02, 0x01,                              // u32 LE
        0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,      // i64 -2
        0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,      // u64 LE
        2, 0, 0, 0,                                          // enum
        2, 0, 0, 0, 'h', 'i'};                               // string
    CHECK(w.bytes() == expected);

    ivyc::reader r(w.bytes());
    bool b = false;
    uint32_t u = 0;
    int64_t i = 0;
    uint64_t q = 0;
    uint32_t e = 0;
    std::string s;
    CHECK(r.read_bool(b) && b);
    CHECK(r.read_u32(u) && u == 0x01020304u);
    CHECK(r.read_i64(i) && i == -2);
    CHECK(r.read_u64(q) && q == 0x1122334455667788ULL);
    CHECK(!r.read_enum(e, 2));  // 2 is not < 2; position unchanged
    CHECK(r.read_enum(e, 3) && e == 2);
    CHECK(r.read_string(s) && s == "hi");
    CHECK(r.at_end());
    CHECK(!r.read_bool(b) && !r.read_u32(u) && !r.read_i64(i) && !r.read_string(s));

    // Null span.
    ivyc::reader z(nullptr, 10);
    CHECK(z.at_end() && z.remaining() == 0 && !z.read_bool(b));
}

void test_roundtrips() {
    check_roundtrip(true);
    check_roundtrip(false);
    check_roundtrip(int64_t{-123456789012345});
    check_roundtrip(std::numeric_limits<int64_t>::min());
    check_roundtrip(std::numeric_limits<int32_t>::min());
    check_roundtrip(uint32_t{4000000000u});
    check_roundtrip(std::numeric_limits<uint64_t>::max());
    check_roundtrip(uint8_t{200});
    check_roundtrip(int16_t{-300});
    check_roundtrip(std::string("hello, world"));
    check_roundtrip(std::string());
    check_roundtrip(std::vector<uint8_t>{0, 1, 255});
    check_roundtrip(std::vector<int64_t>{-1, 0, 1});
    check_roundtrip(std::vector<std::vector<bool>>{{true}, {}, {false, true}});
    check_roundtrip(std::make_pair(uint32_t{7}, std::string("x")));
    check_roundtrip(std::make_tuple(true, int64_t{-5}, proto::msg_kind::release));
    proto::msg m;
    m.kind = proto::msg_kind::grant;
    m.src = 3;
    m.stamp = -99;
    m.notes = {"a", "", "ccc"};
    check_roundtrip(m);
    check_roundtrip(std::vector<proto::msg>{m, proto::msg{}, m});
}

void test_malformed() {
    using bytes = std::vector<uint8_t>;
    CHECK(!ivyc::decode<bool>(bytes{2}));
    CHECK(!ivyc::decode<bool>(bytes{}));
    CHECK(ivyc::decode<bool>(bytes{1}) == std::optional<bool>(true));
    // Enum out of range.
    CHECK(!ivyc::decode<proto::msg_kind>(bytes{3, 0, 0, 0}));
    CHECK(!ivyc::decode<proto::msg_kind>(bytes{0xff, 0xff, 0xff, 0xff}));
    CHECK(ivyc::decode<proto::msg_kind>(bytes{1, 0, 0, 0}) == proto::msg_kind::release);
    // Narrow integer types reject values that do not fit.
    CHECK(!ivyc::decode<uint8_t>(bytes{0, 1, 0, 0}));
    CHECK(!ivyc::decode<int8_t>(ivyc::encode(int64_t{128})));
    CHECK(!ivyc::decode<int32_t>(ivyc::encode(int64_t{1} << 40)));
    // Length prefixes larger than the input.
    CHECK(!ivyc::decode<std::string>(bytes{0xff, 0xff, 0xff, 0xff, 'a'}));
    CHECK(!ivyc::decode<std::string>(bytes{2, 0, 0, 0, 'a'}));
    CHECK(!ivyc::decode<std::vector<uint8_t>>(bytes{5, 0, 0, 0, 1, 2}));
    CHECK(!ivyc::decode<std::vector<int64_t>>(bytes{0xff, 0xff, 0xff, 0x7f}));
    CHECK(!ivyc::decode<std::vector<std::vector<std::string>>>(bytes{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}));
    // Count fits the remaining bytes but the elements do not.
    CHECK(!ivyc::decode<std::vector<int64_t>>(bytes{4, 0, 0, 0, 1, 2, 3, 4}));
    CHECK(!ivyc::decode<std::vector<bool>>(bytes{2, 0, 0, 0, 1, 7}));
}

// Random byte strings: decode must return (either way) without crashing.
template <class T>
size_t fuzz_one(const std::vector<uint8_t>& input) {
    const auto v = ivyc::decode<T>(input);
    if (v) {
        // Anything accepted must re-encode to exactly the input (canonical format).
        CHECK(ivyc::encode(*v) == input);
        return 1;
    }
    return 0;
}

void test_fuzz() {
    std::mt19937_64 rng(12345);
    size_t accepted = 0;
    std::vector<uint8_t> input;
    const std::vector<uint8_t> valid = ivyc::encode(std::vector<proto::msg>{
        proto::msg{proto::msg_kind::release, 9, 42, {"abc", "d"}}, proto::msg{}});
    for (int iter = 0; iter < 100000; ++iter) {
        if (iter % 2 == 0) {
            // Short random strings biased towards small bytes (plausible lengths).
            const size_t len = rng() % 24;
            input.resize(len);
            for (auto& b : input) b = static_cast<uint8_t>(rng() % 4 == 0 ? rng() : rng() % 4);
        } else {
            // Mutations of a valid encoding: flip, truncate or extend.
            input = valid;
            const int edits = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < edits; ++k) {
                switch (rng() % 3) {
                    case 0:
                        input[rng() % input.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
                        break;
                    case 1:
                        input.resize(rng() % (input.size() + 1));
                        break;
                    default:
                        input.push_back(static_cast<uint8_t>(rng()));
                        break;
                }
                if (input.empty()) input.push_back(0);
            }
        }
        accepted += fuzz_one<bool>(input);
        accepted += fuzz_one<int64_t>(input);
        accepted += fuzz_one<uint32_t>(input);
        accepted += fuzz_one<proto::msg_kind>(input);
        accepted += fuzz_one<std::string>(input);
        accepted += fuzz_one<std::vector<int64_t>>(input);
        accepted += fuzz_one<std::vector<std::string>>(input);
        accepted += fuzz_one<std::tuple<bool, uint32_t, std::vector<bool>>>(input);
        accepted += fuzz_one<proto::msg>(input);
        accepted += fuzz_one<std::vector<proto::msg>>(input);
    }
    std::printf("fuzz: %zu of %d decodes accepted\n", accepted, 100000 * 10);
    CHECK(accepted > 0);
}

}  // namespace

int main() {
    test_writer_reader();
    test_roundtrips();
    test_malformed();
    test_fuzz();
    return ivyc_test::test_result("test_serialize");
}
