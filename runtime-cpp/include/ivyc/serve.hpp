// ivyc/serve.hpp -- the loop of a generated REPL driver run as a network
// node (`--me N`): REPL lines from a file descriptor and datagrams from a
// UDP endpoint, served as they arrive by one poll() loop.
#ifndef IVYC_SERVE_HPP
#define IVYC_SERVE_HPP

#include <functional>
#include <ostream>

#include "ivyc/repl.hpp"
#include "ivyc/udp.hpp"

namespace ivyc {

// Runs the lines read from `in_fd` through `r` (as repl::run does: "> LINE"
// first with echo, errors printed, the session goes on) and, in between,
// passes every datagram arriving at `ep` to on_datagram. An exception it
// throws is printed as "error: received from SRC: WHAT" and does not
// change the status. Returns at the end of the input (a last line without
// '\n' is run too) with 0 if every line succeeded, 1 otherwise; throws
// ivyc::runtime_error if the input or the socket fails.
int serve_repl(repl& r, int in_fd, std::ostream& out, udp_endpoint& ep,
               const std::function<void(const datagram&)>& on_datagram, bool echo);

}  // namespace ivyc

#endif  // IVYC_SERVE_HPP
