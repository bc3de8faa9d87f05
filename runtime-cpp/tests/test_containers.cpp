// tests/test_containers.cpp -- tests of ivyc::relation, dense_function,
// hash_function, ivyc::hash and the nat / bit-vector helpers.
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>

#include "ivyc/arith.hpp"
#include "ivyc/containers.hpp"
#include "test_util.hpp"

namespace {

enum class color { red, green, blue };

void test_relation() {
    ivyc::relation r({3, 4});
    CHECK(r.size() == 12);
    CHECK(r.dims().size() == 2);
    CHECK(!r.get({2, 3}));
    r.set({2, 3}, true);
    CHECK(r.get({2, 3}));
    CHECK(r.get(2, 3));
    CHECK(r(2u, 3u));
    CHECK(!r.get(1, 0));
    CHECK(r.count() == 1);
    r.put(true, 0, 1);
    r.put(false, 2, 3);
    CHECK(r.get(0, 1) && !r.get(2, 3));
    int seen = 0;
    r.for_each_true([&](const std::vector<uint32_t>& idx) {
        ++seen;
        CHECK(idx.size() == 2 && idx[0] == 0 && idx[1] == 1);
    });
    CHECK(seen == 1);

    CHECK_THROWS(r.get({3, 0}), ivyc::runtime_error);
    CHECK_THROWS(r.get({0, 4}), ivyc::runtime_error);
    CHECK_THROWS(r.get({0}), ivyc::runtime_error);
    CHECK_THROWS(r.get(0, 0, 0), ivyc::runtime_error);
    CHECK_THROWS(r.get(-1, 0), ivyc::runtime_error);
    CHECK_THROWS(r.set({0, 9}, true), ivyc::runtime_error);
    CHECK_THROWS(r.put(true, int64_t{1} << 40, 0), ivyc::runtime_error);

    r.fill(true);
    CHECK(r.count() == 12);
    ivyc::relation r2({3, 4}, true);
    CHECK(r == r2);
    r2.set({1, 1}, false);
    CHECK(r != r2);
    CHECK(ivyc::relation({3, 4}) != ivyc::relation({4, 3}));

    // Nullary relation: a single boolean.
    ivyc::relation flag;
    CHECK(flag.size() == 1);
    CHECK(!flag.get());
    flag.put(true);
    CHECK(flag.get({}));

    // Enum indices, ternary relation.
    ivyc::relation t({2, 3, 2});
    t.put(true, 1, color::blue, 0);
    CHECK(t.get({1, 2, 0}));
    CHECK(t.count() == 1);

    // Empty sort.
    ivyc::relation e({0, 5});
    CHECK(e.size() == 0);
    CHECK_THROWS(e.get(0, 0), ivyc::runtime_error);

    CHECK_THROWS(ivyc::relation({0xffffffffu, 0xffffffffu, 0xffffffffu}), ivyc::runtime_error);
}

void test_dense_function() {
    ivyc::dense_function<int64_t> f({2, 2}, 7);
    CHECK(f.get(1, 1) == 7);
    f.set({1, 0}, 3);
    CHECK(f.get({1, 0}) == 3);
    f.at(0, 1) = 9;
    CHECK(f(0, 1) == 9);
    f.put(-4, 1, 1);
    CHECK(f.get(1, 1) == -4);
    CHECK_THROWS(f.get(2, 0), ivyc::runtime_error);
    CHECK_THROWS(f.at({0}), ivyc::runtime_error);
    auto g = f;
    CHECK(f == g);
    g.clear();
    CHECK(f != g);
    CHECK(g.get(1, 0) == 7);
    f.fill(1);
    int cells = 0;
    f.for_each([&](const std::vector<uint32_t>&, const int64_t& v) {
        ++cells;
        CHECK(v == 1);
    });
    CHECK(cells == 4);

    ivyc::dense_function<bool> b({3});
    b.at(2) = true;  // no vector<bool> proxy
    CHECK(b.get(2) && !b.get(0));

    ivyc::dense_function<std::string> s({2}, "x");
    s.at(1) += "y";
    CHECK(s.get(1) == "xy" && s.get(0) == "x");
    CHECK(s.default_value() == "x");
}

void test_hash_function() {
    ivyc::hash_function<int64_t, int64_t> f;
    CHECK(f.get(42) == 0);
    f.set(42, 5);
    CHECK(f(42) == 5);
    CHECK(f.size() == 1);
    f.set(42, 0);
    CHECK(f.size() == 0 && f.empty());

    using key = std::tuple<int64_t, uint32_t, bool>;
    ivyc::hash_function<key, std::string> g("none");
    ivyc::hash_function<key, std::string> h("none");
    CHECK(g == h);
    g.set({1, 2, true}, "a");
    g.set({1, 2, false}, "b");
    CHECK(g.get({1, 2, true}) == "a");
    CHECK(g.get({1, 2, false}) == "b");
    CHECK(g.get({2, 1, true}) == "none");
    CHECK(g != h);
    h.set({1, 2, false}, "b");
    h.set({1, 2, true}, "tmp");
    h.set({1, 2, true}, "a");
    CHECK(g == h);
    g.set({1, 2, true}, "none");  // back to default: erased
    h.set({1, 2, true}, "none");
    CHECK(g == h && g.size() == 1);
    size_t n = 0;
    for (const auto& kv : g) {
        ++n;
        CHECK(kv.second == "b");
    }
    CHECK(n == 1);
    CHECK(ivyc::hash_function<int, int>(0) != ivyc::hash_function<int, int>(1));

    // Hash quality smoke test: distinct small tuples rarely collide.
    ivyc::hash<std::tuple<int, int>> hasher;
    CHECK(hasher({1, 2}) != hasher({2, 1}));
    CHECK(ivyc::hash<std::pair<int, int>>{}({1, 2}) != ivyc::hash<std::pair<int, int>>{}({2, 1}));
    CHECK(ivyc::hash<std::vector<int>>{}({1, 2}) != ivyc::hash<std::vector<int>>{}({1, 2, 0}));

    ivyc::hash_function<std::pair<int, color>, bool> p;
    p.set({3, color::green}, true);
    CHECK(p.get({3, color::green}) && !p.get({3, color::red}));
}

void test_arith() {
    CHECK(ivyc::nat_sub(5, 3) == 2);
    CHECK(ivyc::nat_sub(3, 5) == 0);
    CHECK(ivyc::nat_sub(3, 3) == 0);
    CHECK(ivyc::nat_sub(std::numeric_limits<int64_t>::max(), -1) ==
          std::numeric_limits<int64_t>::max());
    CHECK(ivyc::nat_sub(std::numeric_limits<int64_t>::min(), 0) == 0);
    static_assert(ivyc::nat_sub(10, 4) == 6);

    // Range sorts saturate at their bounds, exactly even near int64 limits.
    static_assert(ivyc::range_add(7, 5, 0, 10) == 10);
    static_assert(ivyc::range_sub(2, 3, 0, 10) == 0);
    static_assert(ivyc::range_mul(-3, 4, -5, 5) == -5);
    CHECK(ivyc::range_add(std::numeric_limits<int64_t>::max(), 1, 0,
                          std::numeric_limits<int64_t>::max()) ==
          std::numeric_limits<int64_t>::max());
    CHECK(ivyc::range_mul(std::numeric_limits<int64_t>::min(), -1, 0, 9) == 9);
    CHECK(ivyc::range_div(-7, 2, -10, 10) == -4);
    CHECK(ivyc::range_div(9, 2, 0, 3) == 3);
    CHECK_THROWS(ivyc::range_div(1, 0, 0, 3), ivyc::runtime_error);
    CHECK(ivyc::range_pick(0, 3, 5) == 3);
    CHECK(ivyc::range_pick(4, 3, 5) == 4);
    CHECK(ivyc::range_pick(~uint64_t{0}, std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::max()) ==
          std::numeric_limits<int64_t>::max());
    CHECK_THROWS(ivyc::check_range(6, 1, 5, "x"), ivyc::runtime_error);
    ivyc::check_range(5, 1, 5, "x");

    static_assert(std::is_same_v<ivyc::bv_t<1>, uint8_t>);
    static_assert(std::is_same_v<ivyc::bv_t<8>, uint8_t>);
    static_assert(std::is_same_v<ivyc::bv_t<9>, uint16_t>);
    static_assert(std::is_same_v<ivyc::bv_t<16>, uint16_t>);
    static_assert(std::is_same_v<ivyc::bv_t<17>, uint32_t>);
    static_assert(std::is_same_v<ivyc::bv_t<32>, uint32_t>);
    static_assert(std::is_same_v<ivyc::bv_t<33>, uint64_t>);
    static_assert(std::is_same_v<ivyc::bv_t<64>, uint64_t>);
    CHECK(ivyc::bv_mask<1>(3) == 1);
    CHECK(ivyc::bv_mask<4>(0x1f) == 0xf);
    CHECK(ivyc::bv_mask<8>(255 + 2) == 1);
    CHECK(ivyc::bv_mask<12>(0xffff) == 0xfff);
    CHECK(ivyc::bv_mask<32>(0x1'0000'0005ULL) == 5);
    CHECK(ivyc::bv_mask<63>(~uint64_t{0}) == (~uint64_t{0} >> 1));
    CHECK(ivyc::bv_mask<64>(~uint64_t{0}) == ~uint64_t{0});
    static_assert(ivyc::bv_mask<3>(9) == 1);
}

}  // namespace

int main() {
    test_relation();
    test_dense_function();
    test_hash_function();
    test_arith();
    return ivyc_test::test_result("test_containers");
}
