// ivyc/udp.hpp -- the network and timer runtime of extracted code:
// ivyc::udp_endpoint (a non-blocking POSIX UDP socket on 127.0.0.1 whose port
// is base_port + id) and ivyc::event_loop (a poll()-based loop dispatching
// received datagrams and repeating timers to callbacks).
#ifndef IVYC_UDP_HPP
#define IVYC_UDP_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ivyc/checks.hpp"

namespace ivyc {

// One received datagram.
struct datagram {
    uint32_t src_id;            // sender port - base_port
    std::vector<uint8_t> data;  // payload
};

// A UDP socket bound to 127.0.0.1:(base_port + id). Endpoint ids map to ports
// the same way for every peer, so send_to(dest_id) reaches the endpoint
// constructed with that id. Move-only; closes the socket on destruction.
class udp_endpoint {
public:
    // Throws ivyc::runtime_error (with the errno text) if the socket cannot be
    // created or bound, or if base_port + id exceeds 65535.
    udp_endpoint(uint32_t id, uint16_t base_port);
    ~udp_endpoint();
    udp_endpoint(udp_endpoint&& other) noexcept;
    udp_endpoint& operator=(udp_endpoint&& other) noexcept;
    udp_endpoint(const udp_endpoint&) = delete;
    udp_endpoint& operator=(const udp_endpoint&) = delete;

    // Sends one datagram to endpoint dest_id. Returns false if the kernel
    // dropped it for lack of buffer space (UDP may lose packets anyway);
    // throws ivyc::runtime_error on any other error.
    bool send_to(uint32_t dest_id, const std::vector<uint8_t>& data);

    // Non-blocking receive: the next pending datagram, or nullopt if none.
    // Datagrams from ports below base_port are dropped. Throws
    // ivyc::runtime_error on socket errors.
    std::optional<datagram> try_receive();

    int fd() const noexcept { return fd_; }
    uint32_t id() const noexcept { return id_; }
    uint16_t base_port() const noexcept { return base_port_; }
    uint16_t port() const noexcept { return static_cast<uint16_t>(base_port_ + id_); }

private:
    int fd_ = -1;
    uint32_t id_ = 0;
    uint16_t base_port_ = 0;
};

// Single-threaded poll() loop over registered endpoints and timers. Callbacks
// may register further timers, cancel timers or call stop(). Endpoints must
// outlive the loop (or the run_* call using them).
class event_loop {
public:
    using receive_fn = std::function<void(uint32_t src_id, std::vector<uint8_t> data)>;
    using timer_fn = std::function<void()>;
    using timer_id = uint64_t;

    event_loop() = default;
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    // Calls on_receive for every datagram arriving at ep.
    void add_endpoint(udp_endpoint& ep, receive_fn on_receive);

    // Calls fn every `period` (first call one period from now). A zero or
    // negative period is treated as 1 ms. Returns an id for cancel_timer.
    timer_id add_timer(std::chrono::milliseconds period, timer_fn fn);
    void cancel_timer(timer_id id);

    // Runs for `duration` (or until stop()).
    void run_for(std::chrono::milliseconds duration);
    // Runs until should_stop() returns true (checked before waiting and after
    // every callback), stop() is called, or max_duration elapses. Returns
    // whether should_stop() returned true.
    bool run_until(const std::function<bool()>& should_stop, std::chrono::milliseconds max_duration);
    // Makes the current run_* call return after the running callback.
    void stop() noexcept { stop_requested_ = true; }

private:
    using clock = std::chrono::steady_clock;
    struct endpoint_entry {
        udp_endpoint* ep;
        std::shared_ptr<receive_fn> fn;
    };
    struct timer_entry {
        clock::duration period;
        clock::time_point next;
        std::shared_ptr<timer_fn> fn;
    };

    bool done(const std::function<bool()>& should_stop, bool& satisfied) const;

    std::vector<endpoint_entry> endpoints_;
    std::map<timer_id, timer_entry> timers_;
    timer_id next_timer_id_ = 1;
    bool stop_requested_ = false;
};

}  // namespace ivyc

#endif  // IVYC_UDP_HPP
