// bench/bench_handwritten.cpp -- hand-written C++ baseline for extracted
// code: the lock server of examples/lock_server.ivy written by hand over
// plain byte vectors, the `require`s as if statements that throw (compiled
// out with IVYC_NO_RUNTIME_CHECKS, like the extracted code's). Runs the
// workload of bench_loop.hpp; compare with bench_extracted
// (scripts/bench-extract.sh, docs/performance.md).
//
// Usage: bench_handwritten [calls] [nodes]   (defaults 20000000, 16)
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_loop.hpp"

namespace {

#ifdef IVYC_NO_RUNTIME_CHECKS
#define REQUIRE(cond, what) static_cast<void>(0)
#else
[[noreturn]] __attribute__((noinline)) void require_failed(const char* what) {
    throw std::runtime_error(std::string("require failed: ") + what);
}
#define REQUIRE(cond, what) \
    do {                    \
        if (!(cond)) require_failed(what); \
    } while (0)
#endif

// State: lock_msg, grant_msg, unlock_msg, holds_lock (per node) and
// server_holds_lock.
class lock_server {
public:
    void init(uint32_t nodes) {
        lock_msg.assign(nodes, 0);
        grant_msg.assign(nodes, 0);
        unlock_msg.assign(nodes, 0);
        holds_lock.assign(nodes, 0);
        server_holds_lock = true;
    }

    void send_lock(uint32_t n) { lock_msg[n] = 1; }
    void recv_lock(uint32_t n) {
        REQUIRE(server_holds_lock, "recv_lock: server_holds_lock");
        REQUIRE(lock_msg[n], "recv_lock: lock_msg(n)");
        server_holds_lock = false;
        lock_msg[n] = 0;
        grant_msg[n] = 1;
    }
    void recv_grant(uint32_t n) {
        REQUIRE(grant_msg[n], "recv_grant: grant_msg(n)");
        grant_msg[n] = 0;
        holds_lock[n] = 1;
    }
    void unlock(uint32_t n) {
        REQUIRE(holds_lock[n], "unlock: holds_lock(n)");
        holds_lock[n] = 0;
        unlock_msg[n] = 1;
    }
    void recv_unlock(uint32_t n) {
        REQUIRE(unlock_msg[n], "recv_unlock: unlock_msg(n)");
        unlock_msg[n] = 0;
        server_holds_lock = true;
    }

    uint64_t checksum(uint32_t nodes) const {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (uint32_t i = 0; i < nodes; ++i) {
            h = ivyc_bench::mix(h, lock_msg[i] | grant_msg[i] << 1 | unlock_msg[i] << 2 | holds_lock[i] << 3);
        }
        return ivyc_bench::mix(h, server_holds_lock);
    }

private:
    std::vector<uint8_t> lock_msg, grant_msg, unlock_msg, holds_lock;
    bool server_holds_lock = true;
};

}  // namespace

int main(int argc, char** argv) {
    lock_server s;
    return ivyc_bench::run("bench_handwritten", s, argc, argv);
}
