// tests/test_udp.cpp -- tests of ivyc::udp_endpoint and ivyc::event_loop:
// two endpoints on 127.0.0.1 exchange datagrams through the loop, timers
// fire and can be cancelled, stop() and run_until work, errors throw.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ivyc/serialize.hpp"
#include "ivyc/udp.hpp"
#include "test_util.hpp"

using namespace std::chrono_literals;

namespace {

// Two endpoints (ids 0 and 1) on a base port derived from the pid; retries
// other bases if a port is taken.
bool make_pair_of_endpoints(std::unique_ptr<ivyc::udp_endpoint>& a,
                            std::unique_ptr<ivyc::udp_endpoint>& b, uint16_t& base) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        base = static_cast<uint16_t>(20000 + (getpid() + attempt * 997) % 20000);
        try {
            a = std::make_unique<ivyc::udp_endpoint>(0, base);
            b = std::make_unique<ivyc::udp_endpoint>(1, base);
            return true;
        } catch (const ivyc::runtime_error& e) {
            std::fprintf(stderr, "base %u unavailable (%s), retrying\n", base, e.what());
            a.reset();
            b.reset();
        }
    }
    return false;
}

void test_exchange() {
    std::unique_ptr<ivyc::udp_endpoint> a, b;
    uint16_t base = 0;
    if (!make_pair_of_endpoints(a, b, base)) {
        CHECK(false);
        return;
    }
    CHECK(a->id() == 0 && b->id() == 1);
    CHECK(a->port() == base && b->port() == base + 1);
    CHECK(a->fd() >= 0 && b->fd() >= 0);
    CHECK(!a->try_receive().has_value());  // non-blocking, nothing pending

    // Binding an occupied port fails with an errno message.
    CHECK_THROWS(ivyc::udp_endpoint(0, base), ivyc::runtime_error);
    // Ports beyond 65535.
    CHECK_THROWS(ivyc::udp_endpoint(100, 65500), ivyc::runtime_error);
    CHECK_THROWS(a->send_to(70000, {1}), ivyc::runtime_error);

    // Ping-pong: a sends ping(k) to 1, b answers pong(k) to 0, until 20 pongs.
    ivyc::event_loop loop;
    int pongs = 0;
    int pings = 0;
    bool order_ok = true;
    loop.add_endpoint(*b, [&](uint32_t src, std::vector<uint8_t> data) {
        CHECK(src == 0);
        auto k = ivyc::decode<int64_t>(data);
        CHECK(k.has_value());
        if (!k) return;
        ++pings;
        b->send_to(src, ivyc::encode(std::string("pong ") + std::to_string(*k)));
    });
    loop.add_endpoint(*a, [&](uint32_t src, std::vector<uint8_t> data) {
        CHECK(src == 1);
        auto s = ivyc::decode<std::string>(data);
        CHECK(s.has_value());
        if (!s) return;
        if (*s != "pong " + std::to_string(pongs)) order_ok = false;
        ++pongs;
        if (pongs < 20) a->send_to(1, ivyc::encode(int64_t{pongs}));
    });
    CHECK(a->send_to(1, ivyc::encode(int64_t{0})));
    const bool reached = loop.run_until([&] { return pongs == 20; }, 5000ms);
    CHECK(reached);
    CHECK(pongs == 20 && pings == 20);
    CHECK(order_ok);  // loopback keeps order for this lock-step exchange

    // Empty datagram and a large one.
    std::vector<uint8_t> big(60000, 0xab);
    size_t got_big = 0;
    int got_empty = 0;
    ivyc::event_loop loop2;
    loop2.add_endpoint(*b, [&](uint32_t src, std::vector<uint8_t> data) {
        CHECK(src == 0);
        if (data.empty()) ++got_empty;
        else got_big = data.size();
    });
    CHECK(a->send_to(1, {}));
    CHECK(a->send_to(1, big));
    CHECK(loop2.run_until([&] { return got_empty == 1 && got_big == big.size(); }, 3000ms));

    // Moving an endpoint keeps the socket.
    ivyc::udp_endpoint moved(std::move(*a));
    CHECK(moved.fd() >= 0 && a->fd() == -1);
    CHECK(moved.port() == base);
}

void test_timers() {
    ivyc::event_loop loop;
    int fast = 0, slow = 0, cancelled = 0;
    loop.add_timer(10ms, [&] { ++fast; });
    loop.add_timer(50ms, [&] { ++slow; });
    const auto id = loop.add_timer(20ms, [&] { ++cancelled; });
    loop.cancel_timer(id);
    const auto start = std::chrono::steady_clock::now();
    loop.run_for(260ms);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::printf("timers: fast=%d slow=%d in %lld ms\n", fast, slow,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
    CHECK(elapsed >= 250ms);
    CHECK(fast >= 8 && fast <= 27);
    CHECK(slow >= 2 && slow <= 6);
    CHECK(cancelled == 0);

    // stop() from a timer callback; a timer cancelling itself; a timer added
    // from a callback.
    ivyc::event_loop loop2;
    int ticks = 0, self_cancel = 0, added = 0;
    ivyc::event_loop::timer_id self_id = 0;
    self_id = loop2.add_timer(5ms, [&] {
        ++self_cancel;
        loop2.cancel_timer(self_id);
        loop2.add_timer(5ms, [&] { ++added; });
    });
    loop2.add_timer(10ms, [&] {
        if (++ticks == 5) loop2.stop();
    });
    const bool satisfied = loop2.run_until([] { return false; }, 5000ms);
    CHECK(!satisfied);
    CHECK(ticks == 5);
    CHECK(self_cancel == 1);
    CHECK(added >= 3);

    // run_until with an already-true predicate returns immediately.
    CHECK(loop2.run_until([] { return true; }, 5000ms));
    // Zero duration returns.
    loop2.run_for(0ms);
}

}  // namespace

int main() {
    try {
        test_exchange();
        test_timers();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        return 1;
    }
    return ivyc_test::test_result("test_udp");
}
