//! Pruning candidates on reachable states: the bounded search of ivyc-bmc
//! looks for a reachable state (within a depth, under small bounds on the
//! sorts) that violates some live candidate of a chunk; every candidate
//! false in some state of the trace it finds is dropped, and the search
//! runs again until no candidate of any chunk is violated. A violation of one of the program's own
//! invariants or assertions is a real bug, returned with its trace.

use crate::{candidate_index, with_candidates};
use ivyc_bmc::{BmcOptions, BmcResult, SortBounds, Trace};
use ivyc_logic::{Evaluator, IncrementalSolver, Model, System, Term};
use std::time::Instant;

/// How the pruning ended.
pub enum SampleResult {
    /// No live candidate is violated within the depth and bounds.
    Done { rounds: usize },
    /// The deadline came first (the candidates left are not all checked).
    OutOfTime { rounds: usize },
    /// The solver could not decide a search (the rest is left to Houdini).
    Undecided { rounds: usize },
    /// The program's own invariant or assertion fails in a reachable state.
    RealBug(Box<Trace>),
}

/// The states of a trace (after init, after each step) as models over
/// the system's vocabulary.
fn trace_states(trace: &Trace) -> Vec<Model> {
    let mut base = Model::new();
    for (s, elems) in &trace.universes {
        base.universes
            .insert(*s, u32::try_from(elems.len()).unwrap_or(u32::MAX));
    }
    for t in &trace.rigid {
        for (args, v) in &t.rows {
            base.set(t.sym, args.clone(), v.clone());
        }
    }
    let states = std::iter::once(&trace.initial).chain(trace.steps.iter().map(|s| &s.state));
    states
        .map(|tables| {
            let mut m = base.clone();
            for t in tables {
                for (args, v) in &t.rows {
                    m.set(t.sym, args.clone(), v.clone());
                }
            }
            m
        })
        .collect()
}

/// Drops (in `alive`) the candidates false in some state of `trace`;
/// returns how many.
fn drop_false(trace: &Trace, cands: &[Term], alive: &mut [bool]) -> usize {
    let states = trace_states(trace);
    let mut dropped = 0;
    for (i, c) in cands.iter().enumerate() {
        if !alive[i] {
            continue;
        }
        let false_somewhere = states.iter().any(|m| {
            let mut ev = Evaluator::new(m, &trace.sig);
            matches!(ev.eval_bool(c), Ok(false))
        });
        if false_somewhere {
            alive[i] = false;
            dropped += 1;
        }
    }
    dropped
}

/// How many live candidates one bounded search checks: a trace found
/// prunes every candidate (they are all evaluated on its states), but
/// the search's query grows with the properties it checks.
const CHUNK: usize = 200;

/// Prunes `alive` on the states reachable within `depth` steps under the
/// default small bounds of `sys`'s sorts.
pub fn sample<S: IncrementalSolver>(
    sys: &System,
    cands: &[Term],
    alive: &mut [bool],
    depth: usize,
    deadline: Instant,
    mut new_solver: impl FnMut() -> S,
) -> SampleResult {
    let bounds = ivyc_bmc::default_bounds(sys);
    let mut rounds = 0;
    // The first candidate of the chunk being searched.
    let mut from = 0;
    loop {
        if Instant::now() >= deadline {
            return SampleResult::OutOfTime { rounds };
        }
        // The next chunk of live candidates, from `from` on.
        let chunk: Vec<usize> = (from..cands.len())
            .filter(|&i| alive[i])
            .take(CHUNK)
            .collect();
        let Some(&last) = chunk.last() else {
            return SampleResult::Done { rounds };
        };
        let mut mask = vec![false; cands.len()];
        for &i in &chunk {
            mask[i] = true;
        }
        rounds += 1;
        let s = with_candidates(sys, cands, &mask);
        let opts = BmcOptions {
            depth,
            bounds: SortBounds::Fixed(bounds.clone()),
            deadline: Some(deadline),
            ..BmcOptions::default()
        };
        let mut solver = new_solver();
        match ivyc_bmc::search(&s, &opts, &mut solver, |_, _| {}) {
            // This chunk holds within the depth: on to the next one.
            BmcResult::NoViolation { .. } => from = last + 1,
            BmcResult::Violation(trace) => {
                let violated = trace
                    .violation
                    .as_ref()
                    .map(|v| v.label.and_then(|l| candidate_index(l.as_str())).ok_or(()));
                match violated {
                    // The program's own invariant or assertion.
                    Some(Err(())) => return SampleResult::RealBug(trace),
                    Some(Ok(v)) => {
                        if drop_false(&trace, cands, alive) == 0 {
                            // The evaluator could not decide the candidate
                            // the search found false: drop that one.
                            if let Some(a) = alive.get_mut(v) {
                                *a = false;
                            }
                        }
                    }
                    None => {
                        if drop_false(&trace, cands, alive) == 0 {
                            return SampleResult::Undecided { rounds };
                        }
                    }
                }
            }
            BmcResult::Unknown { .. } if Instant::now() >= deadline => {
                return SampleResult::OutOfTime { rounds }
            }
            BmcResult::Unknown { .. } | BmcResult::InternalError(_) => {
                return SampleResult::Undecided { rounds }
            }
        }
    }
}
