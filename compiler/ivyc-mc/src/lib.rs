//! ivyc-mc: finite-state model checking of a verification unit (`attribute
//! method = mc`, docs/mc.md). `ts.rs` builds the unit's finite transition
//! system (initializer and one step in passive form, flattened over the
//! finite sorts by `flatten.rs` into scalar state symbols); `engine.rs`
//! decides it with Spacer (constrained Horn clauses through any
//! `ivyc_logic::HornSolver`) or k-induction (through any
//! `ivyc_logic::Solver`); a violation is then found as a shortest trace by
//! `ivyc_bmc::search` on the unit itself and replayed in the evaluator, the
//! same trace `ivyc bmc` prints. Solver-agnostic: the driver plugs Z3 in.
//! `vmt.rs` builds the first-order transition system written as a VMT-LIB
//! file for `method = vmt` (docs/vmt.md), checked by nobody here.
//!
//! The entry point for a proof tactic (`tactic mc`) is [`check`] on the
//! `System` of the goal.

pub mod engine;
pub mod error;
pub mod flatten;
pub mod ts;
pub mod vmt;

pub use engine::{Engine, Verdict};
pub use error::McError;
pub use ts::FiniteSystem;

use ivyc_bmc::{BmcOptions, BmcResult, Trace};
use ivyc_logic::{HornSolver, IncrementalSolver, Reason, Solver, System};
use ivyc_vc::ModelRejected;

/// How to model check.
#[derive(Clone, Debug)]
pub struct McOptions {
    pub engine: Engine,
    /// Time limit of the engine, and of each query of the trace search.
    pub timeout_ms: u64,
    /// k-induction: the largest k tried.
    pub max_k: usize,
    /// The deepest trace searched for after the engine found a violation.
    pub trace_depth: usize,
}

impl Default for McOptions {
    fn default() -> Self {
        McOptions {
            engine: Engine::Spacer,
            timeout_ms: 60_000,
            max_k: 20,
            trace_depth: 64,
        }
    }
}

/// The outcome of model checking one unit.
#[derive(Clone, Debug)]
pub enum McResult {
    /// Every reachable state satisfies the invariants and no exported
    /// action fails an assertion. `invariant`: the inductive invariant the
    /// engine found, printed over the state scalars (Spacer, when it could
    /// be read back); `k`: the induction depth (k-induction).
    Proved {
        invariant: Option<String>,
        k: Option<usize>,
    },
    /// A shortest violating execution, replayed in the evaluator.
    Violation(Box<Trace>),
    Unknown(Reason),
    /// The trace's model does not replay: a bug in ivyc.
    InternalError(Box<ModelRejected>),
}

/// One model-checking run.
#[derive(Clone, Debug)]
pub struct McRun {
    pub engine: Engine,
    /// The number of state scalars (each a value of a finite sort).
    pub state_scalars: usize,
    pub result: McResult,
}

/// Model checks `sys` over its finite instance: `Err` when it has none
/// (a sort without a finite size) or it is too large.
pub fn check(
    sys: &System,
    opts: &McOptions,
    horn: &mut impl HornSolver,
    smt: &mut impl Solver,
    tracer: &mut impl IncrementalSolver,
) -> Result<McRun, McError> {
    let fs = ts::build(sys)?;
    let verdict = match opts.engine {
        Engine::Spacer => engine::spacer(&fs, horn, opts.timeout_ms),
        Engine::KInduction => engine::k_induction(&fs, smt, opts.max_k, opts.timeout_ms),
    };
    let result = match verdict {
        Verdict::Safe { invariant, k } => McResult::Proved {
            invariant: invariant.map(|t| t.pretty(&fs.sig).to_string()),
            k,
        },
        Verdict::Unknown(r) => McResult::Unknown(r),
        Verdict::Unsafe { depth } => trace(sys, opts, depth, tracer),
    };
    Ok(McRun {
        engine: opts.engine,
        state_scalars: fs.state.len(),
        result,
    })
}

/// The shortest trace to the violation the engine found.
fn trace(
    sys: &System,
    opts: &McOptions,
    depth: Option<usize>,
    tracer: &mut impl IncrementalSolver,
) -> McResult {
    let bmc = BmcOptions {
        depth: depth.unwrap_or(opts.trace_depth),
        bounds: ivyc_bmc::SortBounds::Fixed(Vec::new()),
        property: None,
        timeout_ms: opts.timeout_ms,
        ..BmcOptions::default()
    };
    match ivyc_bmc::search(sys, &bmc, tracer, |_, _| {}) {
        BmcResult::Violation(t) => McResult::Violation(t),
        BmcResult::InternalError(r) => McResult::InternalError(r),
        BmcResult::Unknown { reason, .. } => McResult::Unknown(reason),
        BmcResult::NoViolation { depth, .. } => McResult::Unknown(Reason::Error(format!(
            "the model checker found a violation, but no trace of at most {depth} steps reaches it"
        ))),
    }
}
