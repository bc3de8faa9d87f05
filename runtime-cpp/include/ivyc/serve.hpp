// ivyc/serve.hpp -- the loop of a generated REPL driver run as a network
// node (`--me N`) or with timers (`--timers`): REPL lines from a file
// descriptor, datagrams from a UDP endpoint (if any) and periodic timers,
// served as they arrive or expire by one poll() loop.
#ifndef IVYC_SERVE_HPP
#define IVYC_SERVE_HPP

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "ivyc/repl.hpp"
#include "ivyc/udp.hpp"

namespace ivyc {

// A callback run every `period` (the first time one period after serving
// starts), e.g. a timer of `include timeout`. `name` names it in errors.
struct periodic {
    std::string name;
    std::chrono::milliseconds period;
    std::function<void()> fn;
};

// Runs the lines read from `in_fd` through `r` (as repl::run does: "> LINE"
// first with echo, errors printed, the session goes on) and, in between,
// passes every datagram arriving at `ep` (unless ep is nullptr: no
// network) to on_datagram, and runs each of `timers` every its period (a
// period below 1 ms counts as 1 ms): its deadline is kept on the steady
// clock and advances by the period after each call, so calls do not
// drift; expiries missed while the process was busy for more than a
// period are not made up (the next call is then one period later). An
// exception on_datagram throws is printed on
// `out` as "error: received from SRC: WHAT", one a timer throws as
// "error: timer NAME: WHAT"; neither changes the status. Returns at the
// end of the input (a last line without '\n' is run too) with 0 if every
// line succeeded, 1 otherwise; throws ivyc::runtime_error if the input or
// the socket fails.
int serve_repl(repl& r, int in_fd, std::ostream& out, udp_endpoint* ep,
               const std::function<void(const datagram&)>& on_datagram,
               const std::vector<periodic>& timers, bool echo);

}  // namespace ivyc

#endif  // IVYC_SERVE_HPP
