// tests/extract/struct_host/main.cpp -- checks the generated structs of
// struct_channel.ivy (nested structs, a range field, int, bool, an id) and
// struct_lock.ivy (an enum field): encode/decode round trips, every strict
// prefix and out-of-range fields rejected by the decoder, the total order,
// std::hash in an unordered_set, to_string, and a struct argument with an
// out-of-range id refused at the module's entry point; and the variant sort
// `msg` of variant_messages.ivy (a tag and one member per variant): round
// trips of every variant and of `none`, a tag past the variants rejected,
// order by tag then value, hashing, text, an out-of-range id inside a
// variant refused at the entry point, and a host whose `transmit` callback
// encodes each message, the bytes decoded and delivered back. Prints the
// number of checks and exits 1 on any failure.
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <unordered_set>
#include <vector>

#include "struct_channel.hpp"
#include "struct_lock.hpp"
#include "variant_messages.hpp"

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

namespace vm = ivyc_variant_messages;

// A process of variant_messages.ivy whose network is a byte queue: every
// message the protocol transmits is encoded, and delivered later decoded.
class wire_host final : public vm::protocol {
public:
    using protocol::protocol;
    std::vector<std::vector<uint8_t>> wire;

protected:
    void cb_transmit(vm::st_msg m) override { wire.push_back(ivyc::encode(m)); }
};

void variant_checks() {
    vm::st_req rq;
    rq.f_src = 2;
    rq.f_seq = 7;
    vm::st_grant gr;
    gr.f_owner = 1;
    const vm::st_msg a = vm::st_msg::mk_req(rq);
    const vm::st_msg b = vm::st_msg::mk_grant(gr);
    const vm::st_msg none{};
    for (const vm::st_msg& m : {a, b, none}) round_trip(m);
    CHECK(vm::to_string(a) == "req{src:2,seq:7}");
    CHECK(vm::to_string(b) == "grant{owner:1}");
    CHECK(vm::to_string(none) == "none");
    // The tag comes first (4 bytes); msg has 3 variants.
    std::vector<uint8_t> bad = ivyc::encode(b);
    bad.at(0) = 4;
    CHECK(!ivyc::decode<vm::st_msg>(bad).has_value());
    // A negative `seq` (a nat) inside a request is rejected.
    std::vector<uint8_t> neg = ivyc::encode(a);
    for (size_t i = 8; i < 16; ++i) neg.at(i) = 0xff;
    CHECK(!ivyc::decode<vm::st_msg>(neg).has_value());
    // Order: none, then req, grant, deny (declaration order), then by value.
    vm::st_req rq2 = rq;
    rq2.f_seq = 8;
    const vm::st_msg a2 = vm::st_msg::mk_req(rq2);
    CHECK(none < a && a < a2 && a2 < b && !(b < a) && a != a2 && a == vm::st_msg::mk_req(rq));
    // Only the tagged member counts.
    vm::st_msg b2 = b;
    b2.f_req = rq2;
    CHECK(b2 == b && std::hash<vm::st_msg>{}(b2) == std::hash<vm::st_msg>{}(b));
    std::unordered_set<vm::st_msg> set{a, b, none, a2, b2, a};
    CHECK(set.size() == 4);

    wire_host h(2);
    h.initialize();
    bool refused = false;
    try {
        vm::st_req far;
        far.f_src = 5;
        h.a_serve(vm::st_msg::mk_req(far));
    } catch (const std::exception&) {
        refused = true;
    }
    CHECK(refused);
    // Two requests; the server answers each; the clients read the answers.
    h.a_request(0);
    h.a_request(1);
    CHECK(h.wire.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        const std::optional<vm::st_msg> m = ivyc::decode<vm::st_msg>(h.wire.at(i));
        CHECK(m.has_value() && m->tag == 1u && m->f_req.f_src == i);
        if (m) h.a_serve(*m);
    }
    CHECK(h.wire.size() == 4);
    for (size_t i = 2; i < 4; ++i) {
        const std::optional<vm::st_msg> m = ivyc::decode<vm::st_msg>(h.wire.at(i));
        CHECK(m.has_value());
        if (m) h.a_receive(*m);
    }
    CHECK(h.state_holds(0) && !h.state_holds(1) && h.state_held());
    CHECK(vm::to_string(h.state_last()) == "deny{refused:1,reason:0}");
    CHECK(h.a_kind(h.state_last()) == 3 && h.a_kind(none) == 0);
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

    variant_checks();

    std::cout << "struct host: " << checks << " checks, " << failures << " failed\n";
    return failures == 0 ? 0 : 1;
}
