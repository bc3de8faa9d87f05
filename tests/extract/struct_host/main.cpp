// tests/extract/struct_host/main.cpp -- checks the generated structs of
// struct_channel.ivy (nested structs, a range field, int, bool, an id) and
// struct_lock.ivy (an enum field): encode/decode round trips, every strict
// prefix and out-of-range fields rejected by the decoder, the total order,
// std::hash in an unordered_set, to_string, and a struct argument with an
// out-of-range id refused at the module's entry point. Prints the number of
// checks and exits 1 on any failure.
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <unordered_set>
#include <vector>

#include "struct_channel.hpp"
#include "struct_lock.hpp"

namespace {

int checks = 0;
int failures = 0;

void check(bool ok, const char* what, int line) {
    ++checks;
    if (!ok) {
        ++failures;
        std::cerr << "main.cpp:" << line << ": check failed: " << what << "\n";
    }
}

#define CHECK(c) check((c), #c, __LINE__)

template <class T>
void round_trip(const T& v) {
    const std::vector<uint8_t> bytes = ivyc::encode(v);
    const std::optional<T> back = ivyc::decode<T>(bytes);
    CHECK(back.has_value() && *back == v);
    for (size_t n = 0; n < bytes.size(); ++n) CHECK(!ivyc::decode<T>(bytes.data(), n).has_value());
    std::vector<uint8_t> longer = bytes;
    longer.push_back(0);
    CHECK(!ivyc::decode<T>(longer).has_value());
}

}  // namespace

int main() {
    namespace ch = ivyc_struct_channel;
    namespace lk = ivyc_struct_lock;

    ch::st_packet p;
    p.f_src.f_host = 2;
    p.f_src.f_chan = 7;
    p.f_dst.f_host = 1;
    p.f_seq = -5;
    p.f_urgent = true;
    round_trip(p);
    round_trip(ch::st_packet{});
    CHECK(ch::to_string(p) == "{src:{host:2,chan:7},dst:{host:1,chan:0},seq:-5,urgent:true}");

    // The range field `chan` (0..7) follows the 4-byte host id.
    std::vector<uint8_t> bad = ivyc::encode(p);
    bad.at(4) = 8;
    CHECK(!ivyc::decode<ch::st_packet>(bad).has_value());
    bad.at(4) = 6;
    CHECK(ivyc::decode<ch::st_packet>(bad).has_value());

    ch::st_packet q = p;
    q.f_seq = -4;
    CHECK(p < q && q > p && p != q && p <= p && p >= p && !(q < p));
    ch::st_packet r = p;
    r.f_src.f_host = 0;  // the first field decides
    CHECK(r < p);
    std::unordered_set<ch::st_packet> set{p, q, p, r};
    CHECK(set.size() == 3);
    CHECK(set.count(q) == 1);

    lk::st_msg m{lk::e_mtype::c_unlock_msg, 1};
    round_trip(m);
    CHECK(lk::to_string(m) == "{kind:unlock_msg,owner:1}");
    std::vector<uint8_t> bad_enum = ivyc::encode(m);
    bad_enum.at(0) = 3;  // mtype has 3 constructors
    CHECK(!ivyc::decode<lk::st_msg>(bad_enum).has_value());

    // A struct argument is range-checked where it enters the module.
    lk::protocol h(2);
    h.initialize();
    bool refused = false;
    try {
        h.a_grant(lk::st_msg{lk::e_mtype::c_lock_req, 5});
    } catch (const std::exception&) {
        refused = true;
    }
    CHECK(refused);
    h.a_request(1);
    CHECK(h.state_sent(lk::st_msg{lk::e_mtype::c_lock_req, 1}));
    CHECK(!h.state_sent(lk::st_msg{lk::e_mtype::c_lock_req, 0}));
    const lk::st_msg grant{lk::e_mtype::c_grant_msg, 1};
    h.a_grant(lk::st_msg{lk::e_mtype::c_lock_req, 1});
    CHECK(h.state_sent(grant) && h.state_held());
    h.a_accept(grant);
    CHECK(h.state_has_lock(1));
    CHECK(h.a_release(1) == (lk::st_msg{lk::e_mtype::c_unlock_msg, 1}));

    std::cout << "struct host: " << checks << " checks, " << failures << " failed\n";
    return failures == 0 ? 0 : 1;
}
