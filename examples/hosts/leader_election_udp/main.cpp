// Host of the extracted leader election (examples/leader_election_udp.ivy):
// one ring node per process. Node I of N binds 127.0.0.1:(BASE+I), supplies
// the parameters of the protocol (its id table, the order on ids, the ring)
// and runs an event loop: every 50 ms it calls proto.start (lost datagrams
// are thus retried), each datagram received is decoded and handed to
// proto.recv, and the imported action net.send becomes a UDP datagram to the
// destination node. After DURATION ms it prints its final state:
//   node I id X leader yes|no
//
// usage: election_node I N BASE_PORT DURATION_MS ID_0 ... ID_{N-1}
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <ivyc/runtime.hpp>

#include "leader_election_udp.hpp"

namespace {

class node final : public ivyc_leader_election_udp::protocol {
public:
    node(uint32_t n, ivyc::udp_endpoint& ep) : protocol(n, n), ep_(ep) {}

protected:
    void cb_net_send(uint32_t dst, uint32_t v) override {
        ep_.send_to(dst, ivyc::encode(v));
    }

private:
    ivyc::udp_endpoint& ep_;
};

uint32_t arg(const char* s, uint32_t max) {
    const auto v = ivyc::parse_int(s);
    if (!v || *v < 0 || *v > max) {
        std::cerr << "bad argument `" << s << "`\n";
        std::exit(2);
    }
    return static_cast<uint32_t>(*v);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: election_node I N BASE_PORT DURATION_MS ID_0 ... ID_{N-1}\n";
        return 2;
    }
    const uint32_t n = arg(argv[2], 1000);
    const uint32_t me = arg(argv[1], n - 1);
    const uint32_t base = arg(argv[3], 65000);
    const uint32_t duration = arg(argv[4], 600000);
    if (n < 1 || argc != 5 + static_cast<int>(n)) {
        std::cerr << "expected " << n << " ids\n";
        return 2;
    }
    std::vector<uint32_t> ids;
    for (uint32_t i = 0; i < n; ++i) ids.push_back(arg(argv[5 + i], n - 1));

    try {
        ivyc::udp_endpoint ep(me, static_cast<uint16_t>(base));
        node p(n, ep);
        // Parameters: ids, the usual order on them, the ring 0 -> 1 -> ... -> 0.
        for (uint32_t i = 0; i < n; ++i) p.set_param_idn(i, ids[i]);
        for (uint32_t a = 0; a < n; ++a)
            for (uint32_t b = 0; b < n; ++b) p.set_param_le(a, b, a <= b);
        auto dist = [n](uint32_t a, uint32_t b) { return (b + n - a) % n; };
        for (uint32_t x = 0; x < n; ++x)
            for (uint32_t y = 0; y < n; ++y)
                for (uint32_t z = 0; z < n; ++z) {
                    const bool distinct = x != y && y != z && x != z;
                    p.set_param_btw(x, y, z, distinct && dist(x, y) < dist(x, z));
                }
        p.initialize();  // checks the parameters against the axioms
        const uint32_t next = (me + 1) % n;

        ivyc::event_loop loop;
        loop.add_endpoint(ep, [&](uint32_t, std::vector<uint8_t> data) {
            const auto v = ivyc::decode<uint32_t>(data);
            if (!v || *v >= n) return;  // malformed datagram: ignored
            try {
                p.a_proto_recv(me, *v, next);
            } catch (const ivyc::runtime_error& e) {
                std::cerr << "node " << me << ": " << e.what() << "\n";
            }
        });
        loop.add_timer(std::chrono::milliseconds(50), [&]() { p.a_proto_start(me, next); });
        p.a_proto_start(me, next);
        loop.run_for(std::chrono::milliseconds(duration));
        std::cout << "node " << me << " id " << ids[me] << " leader "
                  << (p.state_proto_leader(me) ? "yes" : "no") << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "node " << me << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
