// ivyc/runtime.hpp -- umbrella header of the ivyc C++ runtime: includes every
// public header (checks, containers, serialization, UDP/event loop, REPL,
// the REPL served with a UDP endpoint).
#ifndef IVYC_RUNTIME_HPP
#define IVYC_RUNTIME_HPP

#include "ivyc/arith.hpp"
#include "ivyc/checks.hpp"
#include "ivyc/containers.hpp"
#include "ivyc/repl.hpp"
#include "ivyc/serialize.hpp"
#include "ivyc/serve.hpp"
#include "ivyc/udp.hpp"

#endif  // IVYC_RUNTIME_HPP
