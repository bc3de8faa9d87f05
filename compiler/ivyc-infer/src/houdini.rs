//! The Houdini fixed point: the largest subset of the candidates that,
//! with the program's own invariants, is inductive. One query per
//! initializer and per exported action asks whether every invariant holds
//! after it, assuming all of them before; a model answers with a state
//! satisfying them all whose successor violates some, and every candidate
//! false in that successor is dropped (it is not preserved by any subset
//! of the current set, since the state satisfies every subset). When a
//! program invariant is false there, no subset can help: the templates
//! are too weak.

use crate::{candidate_index, with_candidates};
use ivyc_logic::{Answer, Evaluator, Solver, SymId, System, Term};
use ivyc_vc::{Obligation, ObligationKind};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Time limit of the query that checks every invariant after a step at
/// once; past it, each is checked alone (with the caller's limit).
const CONJUNCTION_MS: u64 = 2_000;

/// How the fixed point ended.
#[derive(Debug)]
pub enum HoudiniResult {
    /// The live candidates and the program's invariants are inductive
    /// (every query answered unsat).
    Inductive { rounds: usize },
    /// A program invariant is not preserved (or not established) even
    /// with the live candidates: `label` (if any), the action (`None`: the
    /// initializer).
    TooWeak {
        label: Option<String>,
        action: Option<String>,
    },
    /// The deadline came, or the solver could not decide.
    Stopped { rounds: usize, why: String },
}

/// One obligation per set of shared hypotheses: the initializer and each
/// exported action.
pub(crate) fn representatives(obs: &[Obligation]) -> Vec<&Obligation> {
    let mut out: Vec<&Obligation> = Vec::new();
    for ob in obs {
        if !matches!(
            ob.kind,
            ObligationKind::Initiation | ObligationKind::Consecution
        ) {
            continue;
        }
        if !out
            .iter()
            .any(|o| Arc::ptr_eq(&o.hypotheses, &ob.hypotheses))
        {
            out.push(ob);
        }
    }
    out
}

/// The invariants of `s` after the obligation's step.
pub(crate) fn post_invariants(s: &System, ob: &Obligation) -> Vec<Term> {
    let post: HashMap<SymId, SymId> = ob.post.iter().copied().collect();
    s.invariants
        .iter()
        .map(|p| p.formula.rename_symbols(&post))
        .collect()
}

/// Runs the fixed point over `alive` (updated in place).
pub fn houdini(
    sys: &System,
    cands: &[Term],
    alive: &mut [bool],
    solver: &mut impl Solver,
    timeout_ms: u64,
    deadline: Instant,
) -> HoudiniResult {
    let mut rounds = 0;
    loop {
        rounds += 1;
        let s = with_candidates(sys, cands, alive);
        let obs = ivyc_vc::obligations(&s);
        let mut dropped_any = false;
        for ob in representatives(&obs) {
            if Instant::now() >= deadline {
                return HoudiniResult::Stopped {
                    rounds,
                    why: "out of time".into(),
                };
            }
            let posts = post_invariants(&s, ob);
            let goal = Term::and(posts.iter().cloned());
            // The conjunction at once, briefly; one by one when it is hard.
            let brief = timeout_ms.min(CONJUNCTION_MS);
            match solver.check(&ob.sig, &ob.hypotheses, &goal, brief) {
                Answer::Unsat => {}
                Answer::Sat(model) => {
                    let mut ev = Evaluator::new(&model, &ob.sig);
                    let false_ones: Vec<usize> = posts
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| matches!(ev.eval_bool(t), Ok(false)))
                        .map(|(i, _)| i)
                        .collect();
                    let mut dropped = 0;
                    for i in &false_ones {
                        let label = s.invariants[*i].label.map(|l| l.to_string());
                        match label.as_deref().and_then(candidate_index) {
                            Some(c) => {
                                alive[c] = false;
                                dropped += 1;
                            }
                            None => {
                                return HoudiniResult::TooWeak {
                                    label,
                                    action: ob.action.map(|a| a.to_string()),
                                }
                            }
                        }
                    }
                    if dropped == 0 {
                        // The evaluator decided none of them: ask one by
                        // one (each proved: the step preserves them all).
                        match one_by_one(&s, ob, &posts, alive, solver, timeout_ms) {
                            Ok(n) => dropped += n,
                            Err(r) => return r,
                        }
                    }
                    dropped_any |= dropped > 0;
                }
                Answer::Unknown(_) => match one_by_one(&s, ob, &posts, alive, solver, timeout_ms) {
                    Ok(n) => dropped_any |= n > 0,
                    Err(r) => return r,
                },
            }
            // Later queries of this round would assume dropped candidates.
            if dropped_any {
                break;
            }
        }
        if !dropped_any {
            return HoudiniResult::Inductive { rounds };
        }
    }
}

/// Checks each invariant after the step alone; drops the candidates not
/// proved (failed or undecided). `Err` when a program invariant fails.
fn one_by_one(
    s: &System,
    ob: &Obligation,
    posts: &[Term],
    alive: &mut [bool],
    solver: &mut impl Solver,
    timeout_ms: u64,
) -> Result<usize, HoudiniResult> {
    let mut dropped = 0;
    let answers = solver.check_many(&ob.sig, &ob.hypotheses, posts, timeout_ms);
    for (i, a) in answers.iter().enumerate() {
        if matches!(a, Answer::Unsat) {
            continue;
        }
        let label = s.invariants[i].label.map(|l| l.to_string());
        match label.as_deref().and_then(candidate_index) {
            Some(c) => {
                alive[c] = false;
                dropped += 1;
            }
            None if matches!(a, Answer::Unknown(_)) => {
                return Err(HoudiniResult::Stopped {
                    rounds: 0,
                    why: format!(
                        "the solver could not decide invariant {}",
                        label.as_deref().unwrap_or("(unlabelled)")
                    ),
                })
            }
            None => {
                return Err(HoudiniResult::TooWeak {
                    label,
                    action: ob.action.map(|a| a.to_string()),
                })
            }
        }
    }
    Ok(dropped)
}
