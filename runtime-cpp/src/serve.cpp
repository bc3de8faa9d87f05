// src/serve.cpp -- ivyc::serve_repl: one poll() loop over the REPL input, a
// UDP endpoint and periodic timers, for generated drivers run as network
// nodes or with timers.
#include "ivyc/serve.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <string>

namespace ivyc {

int serve_repl(repl& r, int in_fd, std::ostream& out, udp_endpoint* ep,
               const std::function<void(const datagram&)>& on_datagram,
               const std::vector<periodic>& timers, bool echo) {
    using clock = std::chrono::steady_clock;
    int status = 0;
    std::string pending;
    auto run_line = [&](const std::string& line) {
        if (echo) out << "> " << line << '\n' << std::flush;
        if (!r.execute_line(line, out)) status = 1;
    };
    std::vector<clock::duration> periods;
    std::vector<clock::time_point> deadlines;
    const clock::time_point start = clock::now();
    for (const periodic& t : timers) {
        periods.push_back(std::max<clock::duration>(t.period, std::chrono::milliseconds(1)));
        deadlines.push_back(start + periods.back());
    }
    for (;;) {
        // Timers that are due, each once; then wait for the next deadline.
        int wait_ms = -1;
        if (!timers.empty()) {
            const clock::time_point now = clock::now();
            for (size_t k = 0; k < timers.size(); ++k) {
                if (deadlines[k] > now) continue;
                try {
                    timers[k].fn();
                } catch (const std::exception& e) {
                    out << "error: timer " << timers[k].name << ": " << e.what() << '\n' << std::flush;
                }
                deadlines[k] += periods[k];
                if (deadlines[k] <= now) deadlines[k] = now + periods[k];
            }
            const clock::time_point next = *std::min_element(deadlines.begin(), deadlines.end());
            const clock::time_point after = clock::now();
            if (next <= after) {
                wait_ms = 0;
            } else {
                // Rounded up, so as not to wake up before the deadline.
                const auto left = std::chrono::ceil<std::chrono::milliseconds>(next - after).count();
                wait_ms = static_cast<int>(std::min<decltype(left)>(left, INT_MAX));
            }
        }
        pollfd fds[2] = {{in_fd, POLLIN, 0}, {ep != nullptr ? ep->fd() : -1, POLLIN, 0}};
        const int n = ::poll(fds, ep != nullptr ? 2 : 1, wait_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw runtime_error(std::string("poll failed: ") + std::strerror(errno));
        }
        if (n == 0) continue;  // a timer is due
        // Datagrams first: a line may depend on what arrived before it.
        if (ep != nullptr && (fds[1].revents & (POLLIN | POLLERR)) != 0) {
            while (auto d = ep->try_receive()) {
                try {
                    on_datagram(*d);
                } catch (const std::exception& e) {
                    out << "error: received from " << d->src_id << ": " << e.what() << '\n' << std::flush;
                }
            }
        }
        if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        char buf[4096];
        const ssize_t got = ::read(in_fd, buf, sizeof buf);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw runtime_error(std::string("cannot read the input: ") + std::strerror(errno));
        }
        if (got == 0) {
            if (!pending.empty()) run_line(pending);
            return status;
        }
        pending.append(buf, static_cast<size_t>(got));
        size_t start_of_line = 0;
        for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start_of_line)) {
            run_line(pending.substr(start_of_line, nl - start_of_line));
            start_of_line = nl + 1;
        }
        pending.erase(0, start_of_line);
    }
}

}  // namespace ivyc
