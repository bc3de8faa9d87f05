//! ivyc-bmc: bounded model checking of an `ivyc_logic::System` — the
//! initializer followed by up to K steps, each a nondeterministic choice of
//! one exported action, unrolled in passive (SSA) form with one solver
//! query per depth (iterative deepening, so a trace found is shortest), and
//! the decoding of a model into a readable trace, replayed in the
//! evaluator before it is shown. Solver-agnostic: any
//! `ivyc_logic::Solver` decides the queries. See docs/bmc.md.

pub mod bound;
pub mod check;
pub mod search;
pub mod trace;
pub mod unroll;

pub use bound::cardinality_axiom;
pub use check::check_trace;
pub use search::{search, BmcOptions, BmcResult};
pub use trace::{Step, Trace, Violation, ViolationKind};
pub use unroll::{unroll, Tag, Unrolled};
