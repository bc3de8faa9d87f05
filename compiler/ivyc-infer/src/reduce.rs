//! Removing candidates the others do not need: greedily, largest clauses
//! first, a candidate is left out when the program's invariants and the
//! remaining candidates are still inductive without it (every query of
//! the initializer and of each action unsat).

use crate::houdini::{post_invariants, representatives};
use crate::with_candidates;
use ivyc_logic::{Answer, Solver, System, Term};
use std::time::Instant;

/// Whether the program's invariants with the `alive` candidates are
/// inductive (`None`: the solver could not decide).
fn inductive(
    sys: &System,
    cands: &[Term],
    alive: &[bool],
    solver: &mut impl Solver,
    timeout_ms: u64,
) -> Option<bool> {
    let s = with_candidates(sys, cands, alive);
    let obs = ivyc_vc::obligations(&s);
    for ob in representatives(&obs) {
        let goal = Term::and(post_invariants(&s, ob));
        match solver.check(&ob.sig, &ob.hypotheses, &goal, timeout_ms) {
            Answer::Unsat => {}
            Answer::Sat(_) => return Some(false),
            Answer::Unknown(_) => return None,
        }
    }
    Some(true)
}

/// The greedy pass both reductions share: the live candidates, largest
/// first (the small clauses are the readable ones), each left out while
/// `dropped(alive, i)` says the rest do without it (`alive[i]` is already
/// false when it is asked), until `deadline`; returns how many were left
/// out.
fn drop_greedily(
    cands: &[Term],
    alive: &mut [bool],
    deadline: Instant,
    mut dropped: impl FnMut(&[bool], usize) -> bool,
) -> usize {
    let mut order: Vec<usize> = (0..cands.len()).filter(|&i| alive[i]).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cands[i].size()));
    let mut count = 0;
    for i in order {
        if Instant::now() >= deadline {
            break;
        }
        alive[i] = false;
        if dropped(alive, i) {
            count += 1;
        } else {
            alive[i] = true;
        }
    }
    count
}

/// Drops from `alive` the candidates not needed (until `deadline`);
/// returns how many were dropped. `alive` must be inductive on entry.
pub fn reduce(
    sys: &System,
    cands: &[Term],
    alive: &mut [bool],
    solver: &mut impl Solver,
    timeout_ms: u64,
    deadline: Instant,
) -> usize {
    drop_greedily(cands, alive, deadline, |alive, _| {
        inductive(sys, cands, alive, solver, timeout_ms) == Some(true)
    })
}

/// Drops from `alive` the candidates that follow from the axioms, the
/// program's invariants and the other live candidates (largest first, so
/// the small clauses that imply the large ones stay); returns how many.
/// The set stays inductive: what is dropped holds in every state the rest
/// allows.
pub fn drop_implied(
    sys: &System,
    cands: &[Term],
    alive: &mut [bool],
    solver: &mut impl Solver,
    timeout_ms: u64,
    deadline: Instant,
) -> usize {
    drop_greedily(cands, alive, deadline, |alive, i| {
        let hyps: Vec<Term> = sys
            .axioms
            .iter()
            .chain(&sys.properties)
            .chain(&sys.lemmas)
            .chain(&sys.invariants)
            .map(|p| p.formula.clone())
            .chain(
                cands
                    .iter()
                    .zip(alive)
                    .filter(|(_, a)| **a)
                    .map(|(c, _)| c.clone()),
            )
            .collect();
        solver.is_unsat(&sys.sig, &hyps, &cands[i], timeout_ms)
    })
}
