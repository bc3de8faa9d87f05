// bench/bench_handwritten.cpp -- hand-written baseline for extracted code:
// a lock server over ivyc::relation (grant / unlock actions with require
// checks) called N times in a loop; prints calls per second.
//
// Usage: bench_handwritten [calls] [nodes]   (defaults 20000000, 16)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "ivyc/checks.hpp"
#include "ivyc/containers.hpp"

namespace {

// State of the lock server: link(client, server), semaphore(server).
struct lock_server {
    explicit lock_server(uint32_t nodes) : n(nodes), link({nodes, nodes}), semaphore({nodes}, true) {}

    // connect(x, y): require semaphore(y); link(x,y) := true; semaphore(y) := false
    bool grant(uint32_t x, uint32_t y) {
        if (!semaphore.get(y)) return false;
        link.put(true, x, y);
        semaphore.put(false, y);
        return true;
    }
    // disconnect(x, y): require link(x, y); link(x,y) := false; semaphore(y) := true
    bool unlock(uint32_t x, uint32_t y) {
        if (!link.get(x, y)) return false;
        link.put(false, x, y);
        semaphore.put(true, y);
        return true;
    }
    // mutual exclusion: link(x,y) & link(z,y) -> x = z
    void check_invariant() const {
        for (uint32_t y = 0; y < n; ++y) {
            uint32_t holders = 0;
            for (uint32_t x = 0; x < n; ++x) holders += link.get(x, y) ? 1u : 0u;
            IVYC_ASSERT(holders <= 1, "mutual exclusion");
        }
    }

    uint32_t n;
    ivyc::relation link;
    ivyc::relation semaphore;
};

}  // namespace

int main(int argc, char** argv) {
    const uint64_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000000ULL;
    const auto nodes = static_cast<uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 16);
    if (nodes == 0) {
        std::fprintf(stderr, "nodes must be positive\n");
        return 2;
    }
    lock_server s(nodes);
    uint64_t rng = 0x9e3779b97f4a7c15ULL;  // xorshift64: cheap deterministic choices
    uint64_t granted = 0;
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < calls; ++i) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        const auto x = static_cast<uint32_t>(rng % nodes);
        const auto y = static_cast<uint32_t>((rng >> 32) % nodes);
        granted += (i & 1) ? s.unlock(x, y) : s.grant(x, y);
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    s.check_invariant();
    std::printf("bench_handwritten: %llu calls over %u nodes in %.3f s = %.0f calls/s (%llu succeeded)\n",
                static_cast<unsigned long long>(calls), nodes, secs, secs > 0 ? static_cast<double>(calls) / secs : 0.0,
                static_cast<unsigned long long>(granted));
    return 0;
}
