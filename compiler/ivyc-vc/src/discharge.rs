//! Discharging obligations with a `Solver`: one obligation at a time, or all
//! of them on N worker threads (one solver per thread), results in order.

use crate::check::check_model;
use crate::counterexample::Counterexample;
use crate::error::ModelRejected;
use crate::obligation::{Obligation, ObligationKind};
use crate::restart::{check_with_restarts, RestartPolicy};
use ivyc_logic::answer::{Answer, Reason, Solver};
use ivyc_logic::{Term, TermKind};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Stack size of a solver worker thread (256 MiB of address space).
const WORKER_STACK: usize = 256 << 20;

/// The verdict on one obligation. `Proved` only ever comes from `Unsat`;
/// `Failed` only with a model the independent check did not reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Proved,
    Failed(Box<Counterexample>),
    Unknown(Reason),
    /// The solver's model does not satisfy the query (`crate::check`): a
    /// bug in ivyc; the model is not shown.
    InternalError(Box<ModelRejected>),
}

impl Outcome {
    pub fn is_proved(&self) -> bool {
        matches!(self, Outcome::Proved)
    }
}

/// Checks one obligation.
pub fn discharge<S: Solver + ?Sized>(ob: &Obligation, solver: &mut S, timeout_ms: u64) -> Outcome {
    outcome(
        ob,
        solver.check(&ob.sig, &ob.hypotheses, &ob.goal, timeout_ms),
    )
}

/// Checks all obligations on `jobs` threads (at least 1, at most one per
/// obligation). Each thread builds its own solver with `make_solver` and
/// pulls the next unchecked obligation; the result vector is in the order
/// of `obs`. A panic while checking an obligation yields `Unknown(Error)` for it
/// (and a fresh solver for the thread).
pub fn discharge_all<S, F>(
    obs: &[Obligation],
    make_solver: F,
    jobs: usize,
    timeout_ms: u64,
) -> Vec<Outcome>
where
    S: Solver,
    F: Fn() -> S + Sync,
{
    discharge_all_timed(obs, make_solver, jobs, timeout_ms, &RestartPolicy::none())
        .into_iter()
        .map(|(o, _)| o)
        .collect()
}

/// As [`discharge_all`], with the wall time each obligation took, and
/// queries that time out within the `restarts` policy's budgets asked again
/// with another seed (see [`crate::restart`]).
///
/// Obligations that share their hypotheses (initiation of each invariant;
/// consecution of each invariant in one action) form one unit of work: the
/// solver asserts the hypotheses once and checks each goal in turn
/// ([`Solver::check_many`]). An obligation's time is its share of the
/// unit's common work plus its own checks.
pub fn discharge_all_timed<S, F>(
    obs: &[Obligation],
    make_solver: F,
    jobs: usize,
    timeout_ms: u64,
    restarts: &RestartPolicy,
) -> Vec<(Outcome, Duration)>
where
    S: Solver,
    F: Fn() -> S + Sync,
{
    let units = units(obs);
    let jobs = jobs.clamp(1, units.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<(Outcome, Duration)>>> = Mutex::new(vec![None; obs.len()]);
    // The work of one worker thread.
    let work = || {
        let mut solver = make_solver();
        loop {
            let u = next.fetch_add(1, Ordering::SeqCst);
            let Some(unit) = units.get(u) else { break };
            let start = Instant::now();
            let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                discharge_unit(obs, unit, &mut solver, timeout_ms, restarts)
            }));
            let outs = match run {
                Ok(o) => o,
                Err(_) => {
                    // The solver may be in a bad state: start afresh.
                    solver = make_solver();
                    let share = start.elapsed() / u32::try_from(unit.len().max(1)).unwrap_or(1);
                    vec![
                        (
                            Outcome::Unknown(Reason::Error("solver panicked".into())),
                            share
                        );
                        unit.len()
                    ]
                }
            };
            // What the per-goal times do not cover (encoding, the shared
            // hypotheses, the conjunction attempt) is shared evenly.
            let own: Duration = outs.iter().map(|(_, d)| *d).sum();
            let common =
                start.elapsed().saturating_sub(own) / u32::try_from(unit.len().max(1)).unwrap_or(1);
            if let Ok(mut r) = results.lock() {
                for (i, (out, d)) in unit.iter().zip(outs) {
                    if let Some(slot) = r.get_mut(*i) {
                        *slot = Some((out, d + common));
                    }
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            // Terms of deeply nested programs are encoded recursively: a
            // large stack (only touched pages are allocated); if the thread
            // cannot be created, the work runs here.
            let spawned = std::thread::Builder::new()
                .name("ivyc-solver".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, work);
            if spawned.is_err() {
                work();
            }
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                (
                    Outcome::Unknown(Reason::Error("worker thread failed".into())),
                    Duration::ZERO,
                )
            })
        })
        .collect()
}

/// Groups consecutive obligations with the same hypotheses (initiation, or
/// consecution in the same action) into units of work.
fn units(obs: &[Obligation]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, ob) in obs.iter().enumerate() {
        let shares = ob.kind != ObligationKind::Assertion
            && out
                .last()
                .and_then(|u| u.first())
                .and_then(|&j| obs.get(j))
                .is_some_and(|first| {
                    first.kind == ob.kind
                        && first.action == ob.action
                        && first.hypotheses == ob.hypotheses
                        && first.sig == ob.sig
                });
        match out.last_mut() {
            Some(u) if shares => u.push(i),
            _ => out.push(vec![i]),
        }
    }
    out
}

/// Checks one unit: a single obligation, or several sharing hypotheses.
/// Each outcome comes with the time of the checks of its own goal (zero
/// when the conjunction of the goals was proved at once).
fn discharge_unit<S: Solver + ?Sized>(
    obs: &[Obligation],
    unit: &[usize],
    solver: &mut S,
    timeout_ms: u64,
    restarts: &RestartPolicy,
) -> Vec<(Outcome, Duration)> {
    let members: Vec<&Obligation> = unit.iter().filter_map(|i| obs.get(*i)).collect();
    match members.as_slice() {
        [] => Vec::new(),
        [one] if *restarts == RestartPolicy::none() => {
            let start = Instant::now();
            let o = discharge(one, solver, timeout_ms);
            vec![(o, start.elapsed())]
        }
        [one] => {
            let mut res = check_with_restarts(
                solver,
                restarts,
                &one.sig,
                &one.hypotheses,
                std::slice::from_ref(&one.goal),
                timeout_ms,
            );
            let (a, d) = res.pop().unwrap_or((
                Answer::Unknown(Reason::Error("no answer".into())),
                Duration::ZERO,
            ));
            vec![(outcome(one, a), d)]
        }
        [first, ..] => {
            let goals: Vec<_> = members.iter().map(|o| o.goal.clone()).collect();
            // Universal goals add only constants when negated, so their
            // conjunction has the quantifier structure of each one: one
            // query proves them all when it is unsat.
            if goals.iter().all(is_universal) {
                let all = Term::and(goals.iter().map(|g| g.clone().close_forall()));
                // A short budget: when the conjunction is hard, the goals
                // one by one are usually easier.
                let n = u64::try_from(goals.len()).unwrap_or(u64::MAX);
                let budget = 100u64.saturating_add(n.saturating_mul(20));
                let budget = if timeout_ms == 0 {
                    budget
                } else {
                    budget.min(timeout_ms)
                };
                if solver.is_unsat(&first.sig, &first.hypotheses, &all, budget) {
                    return vec![(Outcome::Proved, Duration::ZERO); members.len()];
                }
            }
            let answers = check_with_restarts(
                solver,
                restarts,
                &first.sig,
                &first.hypotheses,
                &goals,
                timeout_ms,
            );
            members
                .iter()
                .zip(answers)
                .map(|(ob, (a, d))| (outcome(ob, a), d))
                .collect()
        }
    }
}

fn outcome(ob: &Obligation, a: Answer) -> Outcome {
    match a {
        Answer::Unsat => Outcome::Proved,
        Answer::Sat(model) => match check_model(ob, &model) {
            Ok(check) => Outcome::Failed(Box::new(Counterexample::from_model(ob, model, check))),
            Err(rejected) => Outcome::InternalError(rejected),
        },
        Answer::Unknown(r) => Outcome::Unknown(r),
    }
}

/// Whether a closed formula is universal: no `exists` in a positive position,
/// no `forall` in a negative one, no quantifier under `<->` or an `if`.
fn is_universal(t: &Term) -> bool {
    fn go(t: &Term, positive: Option<bool>) -> bool {
        match &t.kind {
            TermKind::Forall(_, b) => positive == Some(true) && go(b, positive),
            TermKind::Exists(_, b) => positive == Some(false) && go(b, positive),
            TermKind::Not(a) => go(a, positive.map(|p| !p)),
            TermKind::Implies(a, b) => go(a, positive.map(|p| !p)) && go(b, positive),
            TermKind::And(xs) | TermKind::Or(xs) => xs.iter().all(|x| go(x, positive)),
            TermKind::Iff(a, b) | TermKind::Eq(a, b) => go(a, None) && go(b, None),
            TermKind::Ite(c, a, b) => go(c, None) && go(a, positive) && go(b, positive),
            _ => t.children().into_iter().all(|c| go(c, None)),
        }
    }
    go(t, Some(true))
}
