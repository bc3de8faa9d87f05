// src/serve.cpp -- ivyc::serve_repl: one poll() loop over the REPL input and
// a UDP endpoint, for generated drivers run as network nodes.
#include "ivyc/serve.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

namespace ivyc {

int serve_repl(repl& r, int in_fd, std::ostream& out, udp_endpoint& ep,
               const std::function<void(const datagram&)>& on_datagram, bool echo) {
    int status = 0;
    std::string pending;
    auto run_line = [&](const std::string& line) {
        if (echo) out << "> " << line << '\n' << std::flush;
        if (!r.execute_line(line, out)) status = 1;
    };
    for (;;) {
        pollfd fds[2] = {{in_fd, POLLIN, 0}, {ep.fd(), POLLIN, 0}};
        const int n = ::poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw runtime_error(std::string("poll failed: ") + std::strerror(errno));
        }
        // Datagrams first: a line may depend on what arrived before it.
        if ((fds[1].revents & (POLLIN | POLLERR)) != 0) {
            while (auto d = ep.try_receive()) {
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
        size_t start = 0;
        for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
            run_line(pending.substr(start, nl - start));
            start = nl + 1;
        }
        pending.erase(0, start);
    }
}

}  // namespace ivyc
