//! ivyc-fragment: the EPR decidability check of a verification condition
//! `hyps ⇒ goal` — the sort graph of `hyps ∧ ¬goal` after Skolemisation must
//! be acyclic, and interpreted symbols may take universally quantified
//! variables only in arithmetic literals (Ivy's FAU rule). Every edge and
//! error carries its origin so diagnostics point at declarations and
//! quantifiers. See `docs/fragment.md` for the rule and how it relates to Ivy's
//! `ivy_fragment.py`. Never calls a solver.
//!
//! ```text
//! check(&sig, &hyps, &goal, &origins)  -> Result<(), Vec<FragmentError>>
//! check_all(&sig, &hyps, &goals, ..)   -> the same for many goals at once
//! sort_graph(&sig, &hyps, &goal, &origins) -> SortGraph   (tests / debugging)
//! ```

pub mod error;
pub mod feu;
pub mod graph;
pub mod origin;
pub mod theory;
mod walk;

pub use error::{FragmentError, CODE_NOT_EPR, CODE_THEORY, MESSAGE};
pub use graph::{
    Cycle, EdgeOrigin, FunctionEdge, IteEdge, SkolemEdge, SortEdge, SortGraph, Written,
};
pub use origin::{Origin, OriginKind, Origins};
pub use theory::{MisuseReason, TheoryMisuse, TheoryOp};
pub use walk::is_tracked_sort;

use ivyc_logic::{Signature, Term};

/// Checks a set of formulas together, as Ivy checks all the formulas of an
/// isolate at once (`ivy_fragment.check_fragment`): the hypotheses are
/// assumed (free variables universal), every goal is negated (free
/// variables constants; theory polarity as for [`check`]). `hyp_origins[i]`
/// and `goal_origins[i]` name them. Errors as for [`check`].
pub fn check_all(
    sig: &Signature,
    hyps: &[Term],
    goals: &[Term],
    hyp_origins: &[Option<Origin>],
    goal_origins: &[Option<Origin>],
) -> Result<(), Vec<FragmentError>> {
    let mut a = walk::Analysis::new(sig);
    for (i, h) in hyps.iter().enumerate() {
        a.hypothesis(h, hyp_origins.get(i).and_then(|o| o.as_ref()));
    }
    for (i, g) in goals.iter().enumerate() {
        a.goal(g, goal_origins.get(i).and_then(|o| o.as_ref()));
    }
    let first = goal_origins.first().cloned().flatten();
    verdict(a, feu::cycle_all(sig, hyps, goals), first)
}

/// Runs the traversal over all hypotheses and the goal.
fn analyze<'a>(
    sig: &'a Signature,
    hyps: &[Term],
    goal: &Term,
    origins: &Origins,
) -> walk::Analysis<'a> {
    let mut a = walk::Analysis::new(sig);
    for (i, h) in hyps.iter().enumerate() {
        a.hypothesis(h, origins.of_hyp(i));
    }
    a.goal(goal, origins.goal.as_ref());
    a
}

/// The sort graph of `hyps ∧ ¬goal` (see [`SortGraph`]): an edge `S → T`
/// for every declared function used in the query and every Skolem function
/// with an `S` argument and result `T`, over the sorts that take part in
/// stratification ([`is_tracked_sort`]).
pub fn sort_graph(sig: &Signature, hyps: &[Term], goal: &Term, origins: &Origins) -> SortGraph {
    analyze(sig, hyps, goal, origins).graph
}

/// Checks that the validity query `hyps ⇒ goal` is in the decidable
/// fragment. `origins.hyps[i]` names `hyps[i]`, `origins.goal` the goal.
/// Free variables of hypotheses are universally quantified; free variables
/// of the goal become constants (the goal is negated).
///
/// Errors: interpreted-theory misuses first (in traversal order), then, if
/// Ivy's stratification graph ([`feu`]) has a cycle, one
/// [`FragmentError::Cycle`] per strongly connected component of the sort
/// graph that contains a cycle, as the explanation.
pub fn check(
    sig: &Signature,
    hyps: &[Term],
    goal: &Term,
    origins: &Origins,
) -> Result<(), Vec<FragmentError>> {
    let a = analyze(sig, hyps, goal, origins);
    verdict(
        a,
        feu::cycle_all(sig, hyps, std::slice::from_ref(goal)),
        origins.goal.clone(),
    )
}

/// The errors of an analysis: its theory misuses, then (if Ivy's graph has
/// a cycle) the cycles of the sort graph that explain it.
/// The labels of the terms that close Ivy's cycle (those with a span).
fn ivy_terms(sig: &Signature, arcs: &[feu::IvyArc]) -> Vec<(ivyc_base::Span, String)> {
    let mut out: Vec<(ivyc_base::Span, String)> = Vec::new();
    for a in arcs {
        let Some(span) = a.span else { continue };
        let place = match a.symbol {
            Some(f) => format!(
                "argument {} of `{}`",
                a.position + 1,
                ivyc_logic::signature::display_name(sig, f)
            ),
            None => "a side of this equality".to_owned(),
        };
        let text = format!("{place} holds a term over a quantified variable: Ivy's graph of argument positions closes its cycle here");
        if !out.iter().any(|(s, _)| *s == span) {
            out.push((span, text));
        }
    }
    out
}

fn verdict(
    a: walk::Analysis<'_>,
    cycle: Option<Vec<feu::IvyArc>>,
    goal: Option<Origin>,
) -> Result<(), Vec<FragmentError>> {
    let sig = a.sig;
    let mut errs: Vec<FragmentError> = a
        .misuses
        .into_iter()
        .map(FragmentError::InterpretedTheoryMisuse)
        .collect();
    // The verdict on cycles is Ivy's finer stratification graph; the sort
    // graph's cycles explain it (every cycle of the former is one of the
    // latter, see `feu`, except those through arithmetic on a universal
    // variable, which is a theory misuse reported above); should nothing
    // explain it, the verdict stands all the same.
    if let Some(arcs) = cycle {
        let mut cycles = a.graph.cycles();
        if let Some(c) = cycles.first_mut() {
            c.ivy_terms = ivy_terms(sig, &arcs);
        }
        if cycles.is_empty() && errs.is_empty() {
            errs.push(FragmentError::UnexplainedCycle(goal));
        }
        errs.extend(cycles.into_iter().map(FragmentError::Cycle));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}
