// bench/bench_extracted.cpp -- the lock server extracted by `ivyc extract
// --cpp DIR examples/lock_server.ivy` (class ivyc_lock_server::protocol,
// header DIR/lock_server.hpp) running the workload of bench_loop.hpp, the
// same as bench_handwritten. Built only when IVYC_BENCH_GENERATED_DIR is set
// (see bench/CMakeLists.txt and scripts/bench-extract.sh).
//
// Usage: bench_extracted [calls] [nodes]   (defaults 20000000, 16)
#include <cstdint>
#include <optional>

#include "bench_loop.hpp"
#include "lock_server.hpp"

namespace {

// Calls the exported actions a_NAME of the generated class directly.
class lock_server {
public:
    void init(uint32_t nodes) {
        p.emplace(nodes);
        p->initialize();
    }

    void send_lock(uint32_t n) { p->a_send_lock(n); }
    void recv_lock(uint32_t n) { p->a_recv_lock(n); }
    void recv_grant(uint32_t n) { p->a_recv_grant(n); }
    void unlock(uint32_t n) { p->a_unlock(n); }
    void recv_unlock(uint32_t n) { p->a_recv_unlock(n); }

    uint64_t checksum(uint32_t nodes) const {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (uint32_t i = 0; i < nodes; ++i) {
            h = ivyc_bench::mix(h, static_cast<uint64_t>(p->state_lock_msg(i)) |
                                       static_cast<uint64_t>(p->state_grant_msg(i)) << 1 |
                                       static_cast<uint64_t>(p->state_unlock_msg(i)) << 2 |
                                       static_cast<uint64_t>(p->state_holds_lock(i)) << 3);
        }
        return ivyc_bench::mix(h, p->state_server_holds_lock());
    }

private:
    std::optional<ivyc_lock_server::protocol> p;  // in place, like the vectors of bench_handwritten
};

}  // namespace

int main(int argc, char** argv) {
    lock_server s;
    return ivyc_bench::run("bench_extracted", s, argc, argv);
}
