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
use std::sync::{Arc, Mutex};
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
    let conj = ConjStats::default();
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
                discharge_unit(obs, unit, &mut solver, timeout_ms, restarts, &conj)
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

/// Equal shared values: the same allocation (as `obligations` shares them),
/// else equal contents.
fn same<T: PartialEq + ?Sized>(a: &Arc<T>, b: &Arc<T>) -> bool {
    Arc::ptr_eq(a, b) || a == b
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
                        && same(&first.hypotheses, &ob.hypotheses)
                        && same(&first.sig, &ob.sig)
                });
        match out.last_mut() {
            Some(u) if shares => u.push(i),
            _ => out.push(vec![i]),
        }
    }
    out
}

/// The most time the first attempt at the conjunction of a unit's goals
/// may take before the goals are checked one by one.
const CONJ_BUDGET_MAX_MS: u64 = 200;

/// How the conjunction attempts of one run went, shared by the workers.
/// On some files every attempt succeeds (the learning switch: one query per
/// unit), on others none does (the Chord ring of the `real` set: giving
/// up after two saves 0.3 s of CPU on a 1.9 s run), so
/// once [`CONJ_GIVE_UP_AFTER`] attempts have failed and failures outnumber
/// successes two to one, the remaining units skip the attempt. Only an
/// attempt's `unsat` is used, so this changes times, never a verdict.
#[derive(Default)]
struct ConjStats {
    failed: AtomicUsize,
    proved: AtomicUsize,
}

/// Failed conjunction attempts before [`ConjStats`] may give up on them.
const CONJ_GIVE_UP_AFTER: usize = 2;

impl ConjStats {
    fn worth_trying(&self) -> bool {
        let failed = self.failed.load(Ordering::Relaxed);
        failed < CONJ_GIVE_UP_AFTER || failed <= 2 * self.proved.load(Ordering::Relaxed)
    }

    fn record(&self, proved: bool) {
        let counter = if proved { &self.proved } else { &self.failed };
        counter.fetch_add(1, Ordering::Relaxed);
    }
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
    conj: &ConjStats,
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
            if conj.worth_trying() && goals.iter().all(is_universal) {
                let all = Term::and(goals.iter().map(|g| g.clone().close_forall()));
                // A short budget: when the conjunction is hard, the goals
                // one by one are usually easier. The conjunctions that get
                // proved are proved fast (30-80 ms on the learning switch of
                // the `real` benchmark set under a load of 10); one that is
                // not may need more than 30 s (Chord's, 50 goals), so the
                // budget stops growing at CONJ_BUDGET_MAX_MS
                // (docs/performance.md, "Query shape").
                let n = u64::try_from(goals.len()).unwrap_or(u64::MAX);
                let budget = 100u64
                    .saturating_add(n.saturating_mul(20))
                    .min(CONJ_BUDGET_MAX_MS);
                let budget = if timeout_ms == 0 {
                    budget
                } else {
                    budget.min(timeout_ms)
                };
                let proved = solver.is_unsat(&first.sig, &first.hypotheses, &all, budget);
                conj.record(proved);
                if proved {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::obligation::obligations;
    use ivyc_base::Symbol;
    use ivyc_logic::brute::BruteForce;
    use ivyc_logic::{Action, Cmd, Property, Role, Signature, SortId, System, Var};

    /// Records the time limit of every conjunction attempt (`is_unsat`).
    struct Recording {
        inner: BruteForce,
        budgets: Vec<u64>,
    }

    impl Solver for Recording {
        fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, t: u64) -> Answer {
            self.inner.check(sig, hyps, goal, t)
        }
        fn is_unsat(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, t: u64) -> bool {
            self.budgets.push(t);
            self.inner.is_unsat(sig, hyps, goal, t)
        }
    }

    /// `r(node)`, initially false, set by `add(n)`; `k` universal invariants
    /// `forall X. r(X) | ~r(X)`.
    fn system(k: usize) -> System {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let n = sig.fresh_symbol(Symbol::intern("add.n"), vec![], node, Role::Local);
        let x = Var::new("X", node);
        let rx = Term::app(r, vec![Term::var(x)]);
        let mut sys = System::new(sig);
        sys.init = Cmd::assign(r, vec![x], Term::fls());
        sys.actions.push(Action {
            name: Symbol::intern("add"),
            params: vec![n],
            returns: vec![],
            body: Cmd::assign(
                r,
                vec![x],
                Term::or([Term::eq(Term::var(x), Term::constant(n)), rx.clone()]),
            ),
            span: None,
            exported: true,
            internal: false,
        });
        for _ in 0..k {
            let inv = Term::forall(vec![x], Term::or([rx.clone(), Term::not(rx.clone())]));
            sys.invariants.push(Property::new(None, inv, None));
        }
        sys
    }

    fn budgets(k: usize, timeout_ms: u64) -> Vec<u64> {
        let sys = system(k);
        let obs = obligations(&sys);
        let mut solver = Recording {
            inner: BruteForce {
                max_universe: 2,
                max_models: 100_000,
                exhaustive_means_unsat: true,
            },
            budgets: Vec::new(),
        };
        for unit in units(&obs) {
            let outs = discharge_unit(
                &obs,
                &unit,
                &mut solver,
                timeout_ms,
                &RestartPolicy::none(),
                &ConjStats::default(),
            );
            assert!(outs.iter().all(|(o, _)| *o == Outcome::Proved), "{outs:?}");
        }
        solver.budgets
    }

    #[test]
    fn conjunction_attempts_stop_when_they_mostly_fail() {
        let c = ConjStats::default();
        assert!(c.worth_trying());
        c.record(false);
        assert!(c.worth_trying(), "one failure is not enough");
        c.record(false);
        assert!(!c.worth_trying(), "two failures, no success");
        let c = ConjStats::default();
        for _ in 0..3 {
            c.record(true);
        }
        for _ in 0..6 {
            c.record(false);
        }
        assert!(
            c.worth_trying(),
            "6 failures against 3 successes: keep trying"
        );
        c.record(false);
        assert!(!c.worth_trying());
    }

    #[test]
    fn the_conjunction_budget_grows_with_the_goals_up_to_a_cap() {
        // initiation and consecution in `add`: one attempt each
        assert_eq!(budgets(2, 60_000), vec![140, 140]);
        assert_eq!(budgets(50, 60_000), vec![CONJ_BUDGET_MAX_MS; 2]);
        // never more than the obligation's own limit
        assert_eq!(budgets(50, 150), vec![150, 150]);
    }
}
