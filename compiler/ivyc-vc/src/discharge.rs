//! Discharging obligations with a `Solver`: one obligation at a time, or all
//! of them on N worker threads (one solver per thread), results in order.

use crate::counterexample::Counterexample;
use crate::obligation::Obligation;
use ivyc_logic::answer::{Answer, Reason, Solver};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The verdict on one obligation. `Proved` only ever comes from `Unsat`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Proved,
    Failed(Box<Counterexample>),
    Unknown(Reason),
}

impl Outcome {
    pub fn is_proved(&self) -> bool {
        matches!(self, Outcome::Proved)
    }
}

/// Checks one obligation.
pub fn discharge<S: Solver + ?Sized>(ob: &Obligation, solver: &mut S, timeout_ms: u64) -> Outcome {
    match solver.check(&ob.sig, &ob.hypotheses, &ob.goal, timeout_ms) {
        Answer::Unsat => Outcome::Proved,
        Answer::Sat(model) => Outcome::Failed(Box::new(Counterexample::from_model(ob, model))),
        Answer::Unknown(r) => Outcome::Unknown(r),
    }
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
    discharge_all_timed(obs, make_solver, jobs, timeout_ms)
        .into_iter()
        .map(|(o, _)| o)
        .collect()
}

/// As [`discharge_all`], with the wall time each obligation took.
pub fn discharge_all_timed<S, F>(
    obs: &[Obligation],
    make_solver: F,
    jobs: usize,
    timeout_ms: u64,
) -> Vec<(Outcome, Duration)>
where
    S: Solver,
    F: Fn() -> S + Sync,
{
    let jobs = jobs.clamp(1, obs.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<(Outcome, Duration)>>> = Mutex::new(vec![None; obs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut solver = make_solver();
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(ob) = obs.get(i) else { break };
                    let start = Instant::now();
                    let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        discharge(ob, &mut solver, timeout_ms)
                    }));
                    let out = match run {
                        Ok(o) => o,
                        Err(_) => {
                            // The solver may be in a bad state: start afresh.
                            solver = make_solver();
                            Outcome::Unknown(Reason::Error("solver panicked".into()))
                        }
                    };
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some((out, start.elapsed()));
                    }
                }
            });
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
