//! ivyc-smt: the Z3 back end — encoding of ivyc-logic signatures and terms
//! into Z3 ASTs, incremental solver sessions implementing
//! `ivyc_logic::Solver`, an incremental session implementing
//! `ivyc_logic::IncrementalSolver` (bounded model checking), decoding of Z3
//! models, and counterexample minimisation. See docs/smt.md for the encoding choices.

mod dump;
pub mod encode;
pub mod horn;
pub mod incremental;
pub mod interrupt;
pub mod minimize;
pub mod model;
pub mod params;
pub mod session;
pub mod smtlib;

pub use encode::{EncodeError, Encoder};
pub use horn::Z3Horn;
pub use incremental::Z3Incremental;
pub use interrupt::with_interrupt;
pub use minimize::cardinality_bound;
pub use model::{decode_model, render_model};
pub use params::{merge_params, parse_params, ParamError, Z3Param};
pub use session::{classify_unknown, to_smtlib, FreshZ3Solver, Z3Options, Z3Solver};

/// The version of the Z3 library in use, as Z3 itself reports it at run
/// time (e.g. `Z3 5.4.1.0`): the library actually loaded, whichever way it
/// was linked.
pub fn z3_version() -> String {
    z3::full_version().to_string()
}

/// ivyc's default Z3 settings (docs/performance.md, "Solver
/// configuration"), applied as global parameters before any solver is
/// created; `IVYC_Z3_PARAMS` settings are merged over them.
pub fn default_params() -> Vec<Z3Param> {
    // Definitional equations of updated relations (`forall X. r'(X) <->
    // φ(X)`) become macros instead of quantifiers to instantiate, as in
    // ms-ivy: faster or equal on every file measured.
    vec![Z3Param::new("smt.macro_finder", "true")]
}

/// Runs `f` with a fresh Z3 context as the calling thread's implicit
/// context (restored afterwards). Solvers created inside are isolated from
/// (and deterministic regardless of) earlier Z3 use on the thread.
pub fn with_fresh_context<R: Send + Sync>(f: impl FnOnce() -> R + Send + Sync) -> R {
    z3::with_z3_config(&z3::Config::new(), f)
}
