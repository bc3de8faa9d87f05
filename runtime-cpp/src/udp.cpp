// src/udp.cpp -- implementation of ivyc::udp_endpoint (POSIX sockets) and
// ivyc::event_loop (poll()-based dispatch of datagrams and timers).
#include "ivyc/udp.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace ivyc {

namespace {

[[noreturn]] void throw_errno(const std::string& what, int err) {
    throw runtime_error("ivyc::udp: " + what + ": " + std::strerror(err));
}

sockaddr_in loopback(uint32_t port) {
    sockaddr_in addr;
    std::memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

uint32_t checked_port(uint16_t base_port, uint32_t id) {
    const uint64_t port = static_cast<uint64_t>(base_port) + id;
    if (port > 65535) {
        throw runtime_error("ivyc::udp: port " + std::to_string(port) + " (base " +
                            std::to_string(base_port) + " + id " + std::to_string(id) +
                            ") exceeds 65535");
    }
    return static_cast<uint32_t>(port);
}

constexpr size_t max_datagram = 65536;

}  // namespace

udp_endpoint::udp_endpoint(uint32_t id, uint16_t base_port) : id_(id), base_port_(base_port) {
    const uint32_t port = checked_port(base_port, id);
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw_errno("socket", errno);
    const sockaddr_in addr = loopback(port);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw_errno("bind 127.0.0.1:" + std::to_string(port), err);
    }
}

udp_endpoint::~udp_endpoint() {
    if (fd_ >= 0) ::close(fd_);
}

udp_endpoint::udp_endpoint(udp_endpoint&& other) noexcept
    : fd_(other.fd_), id_(other.id_), base_port_(other.base_port_) {
    other.fd_ = -1;
}

udp_endpoint& udp_endpoint::operator=(udp_endpoint&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        id_ = other.id_;
        base_port_ = other.base_port_;
        other.fd_ = -1;
    }
    return *this;
}

bool udp_endpoint::send_to(uint32_t dest_id, const std::vector<uint8_t>& data) {
    if (fd_ < 0) throw runtime_error("ivyc::udp: send_to on a closed endpoint");
    const sockaddr_in addr = loopback(checked_port(base_port_, dest_id));
    for (;;) {
        const ssize_t n = ::sendto(fd_, data.data(), data.size(), 0,
                                   reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
        if (n >= 0) return true;
        const int err = errno;
        if (err == EINTR) continue;
        if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == ECONNREFUSED) {
            return false;
        }
        throw_errno("sendto port " + std::to_string(ntohs(addr.sin_port)), err);
    }
}

std::optional<datagram> udp_endpoint::try_receive() {
    if (fd_ < 0) throw runtime_error("ivyc::udp: receive on a closed endpoint");
    std::vector<uint8_t> buf(max_datagram);
    for (;;) {
        sockaddr_in from;
        socklen_t from_len = sizeof from;
        std::memset(&from, 0, sizeof from);
        const ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) {
            const int err = errno;
            if (err == EINTR || err == ECONNREFUSED) continue;
            if (err == EAGAIN || err == EWOULDBLOCK) return std::nullopt;
            throw_errno("recvfrom", err);
        }
        const uint16_t src_port = ntohs(from.sin_port);
        if (from.sin_family != AF_INET || src_port < base_port_) continue;  // not a peer
        buf.resize(static_cast<size_t>(n));
        return datagram{static_cast<uint32_t>(src_port - base_port_), std::move(buf)};
    }
}

// ---------------------------------------------------------------------------

void event_loop::add_endpoint(udp_endpoint& ep, receive_fn on_receive) {
    endpoints_.push_back({&ep, std::make_shared<receive_fn>(std::move(on_receive))});
}

event_loop::timer_id event_loop::add_timer(std::chrono::milliseconds period, timer_fn fn) {
    clock::duration p = period;
    if (p <= clock::duration::zero()) p = std::chrono::milliseconds(1);
    const timer_id id = next_timer_id_++;
    timers_.emplace(id, timer_entry{p, clock::now() + p, std::make_shared<timer_fn>(std::move(fn))});
    return id;
}

void event_loop::cancel_timer(timer_id id) { timers_.erase(id); }

void event_loop::run_for(std::chrono::milliseconds duration) {
    run_until([] { return false; }, duration);
}

bool event_loop::done(const std::function<bool()>& should_stop, bool& satisfied) const {
    if (should_stop()) {
        satisfied = true;
        return true;
    }
    return stop_requested_;
}

bool event_loop::run_until(const std::function<bool()>& should_stop,
                           std::chrono::milliseconds max_duration) {
    stop_requested_ = false;
    bool satisfied = false;
    const clock::time_point end = clock::now() + max_duration;
    std::vector<pollfd> fds;
    std::vector<endpoint_entry> polled;
    std::vector<timer_id> due;

    while (!done(should_stop, satisfied)) {
        clock::time_point now = clock::now();
        if (now >= end) break;

        // Wait until the earliest of: end of run, next timer.
        clock::time_point wake = end;
        for (const auto& [id, t] : timers_) wake = std::min(wake, t.next);
        int timeout_ms = 0;
        if (wake > now) {
            const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - now);
            timeout_ms = static_cast<int>(std::min<std::chrono::milliseconds::rep>(wait.count(), 1 << 30));
        }

        polled = endpoints_;  // callbacks may register more endpoints
        fds.clear();
        for (const auto& e : polled) fds.push_back(pollfd{e.ep->fd(), POLLIN, 0});
        const int rc = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout_ms);
        if (rc < 0) {
            const int err = errno;
            if (err == EINTR) continue;
            throw_errno("poll", err);
        }

        // Datagrams: drain each readable endpoint.
        bool stopped = false;
        for (size_t i = 0; i < polled.size() && rc > 0 && !stopped; ++i) {
            if ((fds[i].revents & (POLLIN | POLLERR)) == 0) continue;
            while (auto d = polled[i].ep->try_receive()) {
                (*polled[i].fn)(d->src_id, std::move(d->data));
                if (done(should_stop, satisfied)) {
                    stopped = true;
                    break;
                }
            }
        }
        if (stopped) break;

        // Timers whose deadline has passed, in id order.
        now = clock::now();
        due.clear();
        for (const auto& [id, t] : timers_) {
            if (t.next <= now) due.push_back(id);
        }
        for (timer_id id : due) {
            auto it = timers_.find(id);
            if (it == timers_.end()) continue;  // cancelled by an earlier callback
            timer_entry& t = it->second;
            t.next += t.period;
            if (t.next <= now) t.next = now + t.period;  // fell behind: do not burst
            std::shared_ptr<timer_fn> fn = t.fn;         // keep alive if cancelled inside
            (*fn)();
            if (done(should_stop, satisfied)) {
                stopped = true;
                break;
            }
        }
        if (stopped) break;
    }
    return satisfied;
}

}  // namespace ivyc
