//! ivyc-bmc: bounded model checking of an `ivyc_logic::System` — the
//! initializer followed by up to K steps, each a nondeterministic choice of
//! one exported action, unrolled in passive (SSA) form and asserted step by
//! step into one incremental solver session (each depth's failure checked
//! under push/pop, so a trace found is shortest), under bounds on
//! uninterpreted sorts with quantifiers grounded and symmetry broken; and
//! the decoding of a model into a readable trace, replayed in the
//! evaluator before it is shown. Solver-agnostic: any
//! `ivyc_logic::IncrementalSolver` decides the queries. See docs/bmc.md.

pub mod bound;
pub mod check;
pub mod lasso;
pub mod search;
pub mod symmetry;
pub mod trace;
pub mod unroll;

pub use bound::{cardinality_axiom, default_bounds, Grounding};
pub use check::check_trace;
pub use lasso::LassoGoal;
pub use search::{search, BmcOptions, BmcResult, Coverage, SortBounds};
pub use trace::{Step, Trace, Violation, ViolationKind};
pub use unroll::{unroll, Tag, Unrolled};
