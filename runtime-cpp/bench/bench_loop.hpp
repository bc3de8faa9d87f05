// bench/bench_loop.hpp -- the workload shared by bench_handwritten and
// bench_extracted, so that both run exactly the same calls: the lock-server
// round send_lock(n), recv_lock(n), recv_grant(n), unlock(n), recv_unlock(n)
// with n cycling over 0..nodes-1 (every require holds), `calls` action calls
// in total (the last round may be partial). Prints one line
//   NAME: C calls over N nodes in S s = R calls/s (checksum X)
// that scripts/bench-extract.sh parses.
//
// Server must provide send_lock, recv_lock, recv_grant, unlock, recv_unlock
// (uint32_t) and checksum() (a hash of the whole state, read after the loop
// so that the work cannot be optimised away).
#ifndef IVYC_BENCH_LOOP_HPP
#define IVYC_BENCH_LOOP_HPP

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// Compiler barrier between two calls: each call of an action loop is a
// separate event (a message, a REPL line), so the optimiser must not merge
// consecutive calls (e.g. forward send_lock's store into recv_lock's require
// and drop both). Costs no instruction; applied identically to both servers.
#define IVYC_BENCH_BARRIER() asm volatile("" ::: "memory")

namespace ivyc_bench {

template <class Server>
int run(const char* name, Server& s, int argc, char** argv) {
    const uint64_t calls = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000000ULL;
    const auto nodes = static_cast<uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 16);
    if (nodes == 0 || calls == 0) {
        std::fprintf(stderr, "%s: calls and nodes must be positive\n", name);
        return 2;
    }
    s.init(nodes);
    uint64_t done = 0;
    uint32_t n = 0;
    const auto start = std::chrono::steady_clock::now();
    // Full rounds, then the remaining calls one by one.
    for (; done + 5 <= calls; done += 5) {
        s.send_lock(n);
        IVYC_BENCH_BARRIER();
        s.recv_lock(n);
        IVYC_BENCH_BARRIER();
        s.recv_grant(n);
        IVYC_BENCH_BARRIER();
        s.unlock(n);
        IVYC_BENCH_BARRIER();
        s.recv_unlock(n);
        IVYC_BENCH_BARRIER();
        n = n + 1 == nodes ? 0 : n + 1;
    }
    const uint64_t rest = calls - done;
    if (rest > 0) s.send_lock(n);
    if (rest > 1) s.recv_lock(n);
    if (rest > 2) s.recv_grant(n);
    if (rest > 3) s.unlock(n);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %llu calls over %u nodes in %.3f s = %.0f calls/s (checksum %llx)\n", name,
                static_cast<unsigned long long>(calls), nodes, secs,
                secs > 0 ? static_cast<double>(calls) / secs : 0.0,
                static_cast<unsigned long long>(s.checksum(nodes)));
    return 0;
}

// FNV-1a step, for the state checksums.
inline uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

}  // namespace ivyc_bench

#endif  // IVYC_BENCH_LOOP_HPP
