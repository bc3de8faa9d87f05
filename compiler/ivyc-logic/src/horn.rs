//! The solver contract of model checking with constrained Horn clauses:
//! one unknown predicate (the set of reachable states) over a list of
//! argument sorts, clauses over terms of a [`Signature`], and the
//! [`HornSolver`] trait (implemented by ivyc-smt with Z3's Spacer engine).

use crate::answer::Reason;
use crate::signature::Signature;
use crate::sort::SortId;
use crate::term::Term;

/// `body(args) ∧ constraint ⇒ head(args)`. Every 0-ary symbol of the
/// clause that is not an enumeration constructor is a variable of the
/// clause, universally quantified over the clause alone (so two clauses
/// never share a value through a symbol). `body: None` is a fact (an
/// initial clause); `head: None` is a query (`⇒ false`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HornClause {
    pub body: Option<Vec<Term>>,
    pub constraint: Term,
    pub head: Option<Vec<Term>>,
}

/// Clauses over one unknown predicate `Inv(pred_sorts)`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HornProblem {
    pub pred_sorts: Vec<SortId>,
    pub clauses: Vec<HornClause>,
}

/// The answer of a Horn solver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HornAnswer {
    /// Some interpretation of the predicate satisfies every clause: no
    /// query clause is reachable. `invariant` is that interpretation over
    /// the argument terms of `pred_sorts` (as `Var`s named `A0`, `A1`, ...)
    /// when the solver gave one it could translate back.
    Safe {
        invariant: Option<Term>,
        /// The solver's own statistics worth showing (levels explored...).
        detail: String,
    },
    /// A query clause is reachable (no witness: callers find the trace
    /// with bounded model checking).
    Unsafe {
        detail: String,
    },
    Unknown(Reason),
}

/// Decides a [`HornProblem`].
pub trait HornSolver {
    fn solve(&mut self, sig: &Signature, problem: &HornProblem, timeout_ms: u64) -> HornAnswer;
}
