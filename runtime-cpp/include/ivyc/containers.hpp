// ivyc/containers.hpp -- state storage for extracted Ivy programs: dense
// relations and functions over finite (uninterpreted) sorts, hash-backed
// functions over unbounded domains, ivyc::hash for tuple keys, and the
// arithmetic helpers for nat (truncating subtraction) and bit vectors.
#ifndef IVYC_CONTAINERS_HPP
#define IVYC_CONTAINERS_HPP

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ivyc/checks.hpp"

namespace ivyc {

namespace detail {

#if defined(__GNUC__) || defined(__clang__)
#define IVYC_COLD __attribute__((noinline, cold))
#else
#define IVYC_COLD
#endif

// The throwing halves of the index checks, kept out of line so that the
// checks themselves inline into generated code as one compare and branch.
[[noreturn]] IVYC_COLD inline void throw_negative_index(long long i) {
    throw runtime_error("ivyc: negative index " + std::to_string(i));
}
[[noreturn]] IVYC_COLD inline void throw_large_index(unsigned long long i) {
    throw runtime_error("ivyc: index " + std::to_string(i) + " out of range");
}
[[noreturn]] IVYC_COLD inline void throw_arity(size_t got, size_t expected) {
    throw runtime_error("ivyc: wrong number of indices: got " + std::to_string(got) +
                        ", expected " + std::to_string(expected));
}
[[noreturn]] IVYC_COLD inline void throw_out_of_range(uint32_t i, uint32_t dim, size_t k) {
    throw runtime_error("ivyc: index " + std::to_string(i) + " out of range [0, " +
                        std::to_string(dim) + ") in dimension " + std::to_string(k));
}

// Converts one index argument to uint32_t, rejecting negative or too large
// values (so a bad index is a runtime_error, never a wrap-around).
template <class I>
inline uint32_t to_index(I i) {
    static_assert(std::is_integral_v<I> || std::is_enum_v<I>,
                  "indices must be integers or enums");
    if constexpr (std::is_enum_v<I>) {
        return to_index(static_cast<std::underlying_type_t<I>>(i));
    } else if constexpr (std::is_same_v<I, bool>) {
        return i ? 1u : 0u;
    } else {
        if constexpr (std::is_signed_v<I>) {
            if (i < 0) throw_negative_index(static_cast<long long>(i));
        }
        if constexpr (sizeof(I) > sizeof(uint32_t)) {
            if (static_cast<std::make_unsigned_t<I>>(i) > std::numeric_limits<uint32_t>::max()) {
                throw_large_index(static_cast<unsigned long long>(i));
            }
        }
        return static_cast<uint32_t>(i);
    }
}

// An index value as uint32_t, unchecked (see offset_unchecked).
template <class I>
constexpr uint32_t raw_index(I i) noexcept {
    if constexpr (std::is_enum_v<I>) {
        return static_cast<uint32_t>(static_cast<std::underlying_type_t<I>>(i));
    } else {
        return static_cast<uint32_t>(i);
    }
}

// Row-major shape shared by relation and dense_function: the dimension sizes,
// their strides and the bounds-checked flattening of an index tuple.
class dense_shape {
public:
    dense_shape() = default;
    explicit dense_shape(std::vector<uint32_t> dims) : dims_(std::move(dims)), strides_(dims_.size()) {
        size_t total = 1;
        for (size_t k = dims_.size(); k-- > 0;) {
            strides_[k] = total;
            if (dims_[k] != 0 && total > std::numeric_limits<size_t>::max() / dims_[k]) {
                throw runtime_error("ivyc: dense table too large");
            }
            total *= dims_[k];
        }
        size_ = total;
    }

    const std::vector<uint32_t>& dims() const noexcept { return dims_; }
    size_t cells() const noexcept { return size_; }

    size_t offset(const uint32_t* idx, size_t n) const {
        if (n != dims_.size()) throw_arity(n, dims_.size());
        const uint32_t* dims = dims_.data();
        const size_t* strides = strides_.data();
        size_t off = 0;
        for (size_t k = 0; k < n; ++k) {
            if (idx[k] >= dims[k]) throw_out_of_range(idx[k], dims[k], k);
            off += static_cast<size_t>(idx[k]) * strides[k];
        }
        return off;
    }
    size_t offset(std::initializer_list<uint32_t> idx) const {
        return offset(idx.begin(), idx.size());
    }
    // `offset` inlines (its throw paths are out of line), so with the
    // arity a compile-time constant here its loop unrolls.
    template <class... Is>
    size_t offset_of(Is... is) const {
        const std::array<uint32_t, sizeof...(Is)> idx{to_index(is)...};
        return offset(idx.data(), idx.size());
    }

    // Flattening without bounds checks, for indices the caller has already
    // range-checked (generated code checks every id where it enters the
    // module). Debug builds (no NDEBUG) still check.
    template <class... Is>
    size_t offset_unchecked(Is... is) const noexcept {
#ifndef NDEBUG
        return offset_of(is...);
#else
        constexpr size_t n = sizeof...(Is);
        if constexpr (n == 0) {
            return 0;
        } else {
            const std::array<uint32_t, n> idx{raw_index(is)...};
            // The last dimension's stride is 1: a 1-dimensional table needs
            // no stride at all.
            size_t off = idx[n - 1];
            if constexpr (n > 1) {
                const size_t* strides = strides_.data();
                for (size_t k = 0; k + 1 < n; ++k) off += static_cast<size_t>(idx[k]) * strides[k];
            }
            return off;
        }
#endif
    }

    // Inverse of offset: the index tuple of cell `off` (off < cells()).
    std::vector<uint32_t> unflatten(size_t off) const {
        std::vector<uint32_t> idx(dims_.size());
        for (size_t k = 0; k < dims_.size(); ++k) {
            idx[k] = static_cast<uint32_t>(off / strides_[k]);
            off %= strides_[k];
        }
        return idx;
    }

    bool operator==(const dense_shape& o) const noexcept { return dims_ == o.dims_; }

private:
    std::vector<uint32_t> dims_;
    std::vector<size_t> strides_;
    size_t size_ = 1;
};

template <class... Is>
inline constexpr bool all_indices_v = (... && (std::is_integral_v<Is> || std::is_enum_v<Is>));

}  // namespace detail

// A relation r(s1, ..., sk) over finite sorts whose sizes are known at run
// time (e.g. {node_count, node_count}). Every cell starts false. A relation
// with no dimensions holds a single boolean. Out-of-range or wrong-arity
// indices throw ivyc::runtime_error.
class relation {
public:
    relation() : relation(std::vector<uint32_t>{}) {}
    explicit relation(std::vector<uint32_t> dims, bool initial = false)
        : shape_(std::move(dims)), cells_(shape_.cells(), initial ? cell::yes : cell::no) {}

    // r.get({a, b})
    bool get(std::initializer_list<uint32_t> idx) const { return cells_[shape_.offset(idx)] != cell::no; }
    // r.get(a, b) / r(a, b) with any integer or enum index types.
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    bool get(Is... is) const {
        return cells_[shape_.offset_of(is...)] != cell::no;
    }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    bool operator()(Is... is) const {
        return get(is...);
    }

    // r.set({a, b}, v)
    void set(std::initializer_list<uint32_t> idx, bool value) {
        cells_[shape_.offset(idx)] = value ? cell::yes : cell::no;
    }
    // r.put(v, a, b): variadic form of set (value first).
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    void put(bool value, Is... is) {
        cells_[shape_.offset_of(is...)] = value ? cell::yes : cell::no;
    }

    // Unchecked forms for indices known to be in range (generated code).
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    bool get_unchecked(Is... is) const noexcept {
        return cells_[shape_.offset_unchecked(is...)] != cell::no;
    }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    void put_unchecked(bool value, Is... is) noexcept {
        cells_[shape_.offset_unchecked(is...)] = value ? cell::yes : cell::no;
    }

    void fill(bool value) { std::fill(cells_.begin(), cells_.end(), value ? cell::yes : cell::no); }

    const std::vector<uint32_t>& dims() const noexcept { return shape_.dims(); }
    // Number of cells (product of the dimensions).
    size_t size() const noexcept { return cells_.size(); }
    // Number of true cells.
    size_t count() const noexcept {
        size_t n = 0;
        for (cell c : cells_) n += c == cell::yes ? 1 : 0;
        return n;
    }
    // Calls f(const std::vector<uint32_t>& idx) for every true cell, in
    // row-major order.
    template <class F>
    void for_each_true(F&& f) const {
        for (size_t off = 0; off < cells_.size(); ++off) {
            if (cells_[off] != cell::no) f(shape_.unflatten(off));
        }
    }

    friend bool operator==(const relation& a, const relation& b) {
        return a.shape_ == b.shape_ && a.cells_ == b.cells_;
    }
    friend bool operator!=(const relation& a, const relation& b) { return !(a == b); }

private:
    detail::dense_shape shape_;
    // One byte per cell (faster than vector<bool>). Not a character type,
    // so stores to cells do not alias the shape: its dimensions and
    // strides stay in registers across a sequence of accesses.
    enum class cell : uint8_t { no = 0, yes = 1 };
    std::vector<cell> cells_;
};

// A function f(s1, ..., sk) -> V over finite sorts, one V per index tuple,
// every cell initialised to a default value. Same indexing rules as relation.
template <class V>
class dense_function {
public:
    dense_function() : dense_function(std::vector<uint32_t>{}) {}
    explicit dense_function(std::vector<uint32_t> dims, V default_value = V{})
        : shape_(std::move(dims)), default_(std::move(default_value)),
          cells_(shape_.cells(), cell{default_}) {}

    const V& get(std::initializer_list<uint32_t> idx) const { return cells_[shape_.offset(idx)].v; }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    const V& get(Is... is) const {
        return cells_[shape_.offset_of(is...)].v;
    }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    const V& operator()(Is... is) const {
        return get(is...);
    }
    // Mutable access to one cell: f.at(a, b) = v; f.at(a).field = x;
    V& at(std::initializer_list<uint32_t> idx) { return cells_[shape_.offset(idx)].v; }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    V& at(Is... is) {
        return cells_[shape_.offset_of(is...)].v;
    }

    // Unchecked forms for indices known to be in range (generated code).
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    const V& get_unchecked(Is... is) const noexcept {
        return cells_[shape_.offset_unchecked(is...)].v;
    }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    void put_unchecked(V value, Is... is) {
        cells_[shape_.offset_unchecked(is...)].v = std::move(value);
    }

    void set(std::initializer_list<uint32_t> idx, V value) { at(idx) = std::move(value); }
    template <class... Is, class = std::enable_if_t<detail::all_indices_v<Is...>>>
    void put(V value, Is... is) {
        at(is...) = std::move(value);
    }

    void fill(const V& value) {
        for (cell& c : cells_) c.v = value;
    }
    // Resets every cell to the default value.
    void clear() { fill(default_); }

    const V& default_value() const noexcept { return default_; }
    const std::vector<uint32_t>& dims() const noexcept { return shape_.dims(); }
    size_t size() const noexcept { return cells_.size(); }
    // Calls f(const std::vector<uint32_t>& idx, const V& value) for every cell.
    template <class F>
    void for_each(F&& f) const {
        for (size_t off = 0; off < cells_.size(); ++off) f(shape_.unflatten(off), cells_[off].v);
    }

    friend bool operator==(const dense_function& a, const dense_function& b) {
        if (!(a.shape_ == b.shape_)) return false;
        for (size_t i = 0; i < a.cells_.size(); ++i) {
            if (!(a.cells_[i].v == b.cells_[i].v)) return false;
        }
        return true;
    }
    friend bool operator!=(const dense_function& a, const dense_function& b) { return !(a == b); }

private:
    // Wrapper so that dense_function<bool> does not use vector<bool>.
    struct cell {
        V v;
    };
    detail::dense_shape shape_;
    V default_;
    std::vector<cell> cells_;
};

// ---------------------------------------------------------------------------
// Hashing

// Combines a hash value into a seed (boost::hash_combine, 64-bit constant).
inline void hash_combine(size_t& seed, size_t h) noexcept {
    seed ^= h + static_cast<size_t>(0x9e3779b97f4a7c15ULL) + (seed << 6) + (seed >> 2);
}

// ivyc::hash<T>: std::hash by default, plus std::tuple, std::pair and
// std::vector of hashable elements. Generated code may specialise it (or
// std::hash) for its own structs.
template <class T, class = void>
struct hash {
    size_t operator()(const T& v) const { return std::hash<T>{}(v); }
};

template <class... Ts>
struct hash<std::tuple<Ts...>> {
    size_t operator()(const std::tuple<Ts...>& t) const {
        size_t seed = sizeof...(Ts);
        std::apply([&seed](const Ts&... xs) { (hash_combine(seed, hash<Ts>{}(xs)), ...); }, t);
        return seed;
    }
};

template <class A, class B>
struct hash<std::pair<A, B>> {
    size_t operator()(const std::pair<A, B>& p) const {
        size_t seed = 2;
        hash_combine(seed, hash<A>{}(p.first));
        hash_combine(seed, hash<B>{}(p.second));
        return seed;
    }
};

template <class T, class Alloc>
struct hash<std::vector<T, Alloc>> {
    size_t operator()(const std::vector<T, Alloc>& v) const {
        size_t seed = v.size();
        for (const auto& x : v) hash_combine(seed, hash<T>{}(x));
        return seed;
    }
};

// A function K -> V over an unbounded domain (e.g. int or a tuple of them):
// only non-default entries are stored. set() to the default value erases the
// entry, so two hash_functions are == exactly when they agree everywhere.
template <class K, class V, class Hash = ivyc::hash<K>>
class hash_function {
public:
    using map_type = std::unordered_map<K, V, Hash>;
    using const_iterator = typename map_type::const_iterator;

    explicit hash_function(V default_value = V{}) : default_(std::move(default_value)) {}

    const V& get(const K& key) const {
        auto it = map_.find(key);
        return it == map_.end() ? default_ : it->second;
    }
    const V& operator()(const K& key) const { return get(key); }

    void set(const K& key, V value) {
        if (value == default_) {
            map_.erase(key);
        } else {
            map_.insert_or_assign(key, std::move(value));
        }
    }
    // Resets every key to the default value.
    void clear() noexcept { map_.clear(); }

    const V& default_value() const noexcept { return default_; }
    // Number of non-default entries.
    size_t size() const noexcept { return map_.size(); }
    bool empty() const noexcept { return map_.empty(); }
    // Iteration over the non-default entries (unspecified order).
    const_iterator begin() const noexcept { return map_.begin(); }
    const_iterator end() const noexcept { return map_.end(); }

    friend bool operator==(const hash_function& a, const hash_function& b) {
        return a.default_ == b.default_ && a.map_ == b.map_;
    }
    friend bool operator!=(const hash_function& a, const hash_function& b) { return !(a == b); }

private:
    V default_;
    map_type map_;
};

// ---------------------------------------------------------------------------
// Arithmetic helpers

// Ivy `nat` subtraction: max(a - b, 0), saturating instead of overflowing.
constexpr int64_t nat_sub(int64_t a, int64_t b) noexcept {
    if (a <= b) return 0;
    const uint64_t d = static_cast<uint64_t>(a) - static_cast<uint64_t>(b);
    return d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(d);
}

// bv_t<N>: the smallest unsigned type holding N bits (1 <= N <= 64).
template <unsigned N>
using bv_t = std::conditional_t<
    (N <= 8), uint8_t,
    std::conditional_t<(N <= 16), uint16_t, std::conditional_t<(N <= 32), uint32_t, uint64_t>>>;

// Keeps the low N bits of v (bit-vector wrap-around), as a bv_t<N>.
template <unsigned N>
constexpr bv_t<N> bv_mask(uint64_t v) noexcept {
    static_assert(N >= 1 && N <= 64, "bit-vector width must be in [1, 64]");
    if constexpr (N == 64) {
        return v;
    } else {
        return static_cast<bv_t<N>>(v & ((uint64_t{1} << N) - 1));
    }
}

}  // namespace ivyc

#endif  // IVYC_CONTAINERS_HPP
