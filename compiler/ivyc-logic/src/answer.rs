//! The solver-facing contract shared by ivyc-smt and ivyc-vc: the `Answer`
//! of a validity query and the `Solver` trait.

use crate::model::Model;
use crate::signature::Signature;
use crate::term::Term;

/// Why the solver could not decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    Timeout,
    /// The solver ran out of memory: it reached its memory limit (`limit_mb`,
    /// when one was set) or could not allocate.
    OutOfMemory {
        limit_mb: Option<u32>,
    },
    /// The solver answered `unknown` (incompleteness, quantifiers, ...).
    Incomplete(String),
    /// Anything else (encoding failure, solver crash, ...).
    Error(String),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Timeout => f.write_str("timeout"),
            Reason::OutOfMemory { limit_mb: Some(mb) } => {
                write!(f, "out of memory (limit {mb} MB)")
            }
            Reason::OutOfMemory { limit_mb: None } => f.write_str("out of memory"),
            Reason::Incomplete(s) => write!(f, "solver returned unknown: {s}"),
            Reason::Error(s) => write!(f, "solver error: {s}"),
        }
    }
}

/// Result of checking the satisfiability of `hyps ∧ ¬goal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// `hyps ⇒ goal` is valid.
    Unsat,
    /// A model of `hyps ∧ ¬goal`, interpreting every symbol of the signature
    /// that occurs in the query (others may be absent).
    Sat(Model),
    Unknown(Reason),
}

/// A decision procedure for closed formulas over a [`Signature`].
/// Implemented by ivyc-smt (Z3); one instance per thread.
pub trait Solver {
    /// Checks `hyps ∧ ¬goal` (all closed formulas) for satisfiability.
    fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> Answer;

    /// Whether `hyps ∧ ¬goal` is unsatisfiable, without building a model
    /// when it is not (`false` also for unknown).
    fn is_unsat(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> bool {
        matches!(self.check(sig, hyps, goal, timeout_ms), Answer::Unsat)
    }

    /// Use random seed `seed` for the following queries (0 is the solver's
    /// default). Returns false if the solver has no randomness to vary:
    /// then asking a query again would repeat the same search (the restart
    /// policy of ivyc-vc does not restart such a solver).
    fn set_seed(&mut self, _seed: u32) -> bool {
        false
    }

    /// Give each following query a deterministic budget of `units` solver
    /// resource units (None: no budget); a query that exhausts it is
    /// `Unknown(Reason::Timeout)`. Returns false if the solver has no such
    /// budget: then the restart policy cuts attempts by wall-clock time.
    fn set_attempt_budget(&mut self, _units: Option<u64>) -> bool {
        false
    }

    /// Checks `hyps ∧ ¬goal` for each goal; the answers are in the order of
    /// `goals`. Solvers may share the work on the common hypotheses.
    fn check_many(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<Answer> {
        goals
            .iter()
            .map(|g| self.check(sig, hyps, g, timeout_ms))
            .collect()
    }

    /// As [`Solver::check_many`], with the time the check of each goal
    /// took (work shared by all goals, such as asserting the hypotheses,
    /// is not included).
    fn check_many_timed(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<(Answer, std::time::Duration)> {
        goals
            .iter()
            .map(|g| {
                let start = std::time::Instant::now();
                let a = self.check(sig, hyps, g, timeout_ms);
                (a, start.elapsed())
            })
            .collect()
    }
}
