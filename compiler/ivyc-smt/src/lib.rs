//! ivyc-smt: the Z3 back end — encoding of ivyc-logic signatures and terms
//! into Z3 ASTs, incremental solver sessions implementing
//! `ivyc_logic::Solver`, decoding of Z3 models, and counterexample
//! minimisation. See docs/smt.md for the encoding choices.

pub mod encode;
pub mod horn;
pub mod minimize;
pub mod model;
pub mod session;

pub use encode::{EncodeError, Encoder};
pub use horn::Z3Horn;
pub use minimize::cardinality_bound;
pub use model::{decode_model, render_model};
pub use session::{classify_unknown, FreshZ3Solver, Z3Options, Z3Solver};

/// Runs `f` with a fresh Z3 context as the calling thread's implicit
/// context (restored afterwards). Solvers created inside are isolated from
/// (and deterministic regardless of) earlier Z3 use on the thread.
pub fn with_fresh_context<R: Send + Sync>(f: impl FnOnce() -> R + Send + Sync) -> R {
    z3::with_z3_config(&z3::Config::new(), f)
}
