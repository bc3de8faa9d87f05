//! The replay of a trace in the evaluator before it is shown: over the
//! query's model, the axioms (and properties) hold, the side conditions
//! hold, every step's conjuncts hold (step 0 the initializer, step k the
//! chosen action's transition, with the invariants and assumptions after
//! it), the chosen action's branch of every step before the last holds on
//! its own, and the last state violates a checked property (the negated
//! goal; for a deadlock, that no exported action is enabled in the last
//! state). A formula with the wrong value rejects the trace (an internal
//! error); one the evaluator cannot decide is recorded as not checkable.

use crate::search::{mode_of, Query};
use crate::trace::Trace;
use ivyc_base::{Span, Symbol};
use ivyc_logic::passive::PNode;
use ivyc_logic::{AssertInfo, System, Term};
use ivyc_vc::{
    check_formulas, FormulaRef, FormulaRole, ModelCheck, ModelRejected, Subject, Unchecked,
};

/// Replays `trace` (decoded from the model of `q`): the trace with its
/// `check` filled in, or the first formula it does not satisfy.
pub fn check_trace(
    sys: &System,
    q: &Query,
    mut trace: Trace,
) -> Result<Box<Trace>, Box<ModelRejected>> {
    let tags = &q.unrolled.tags;
    // The modes of the query (so that the conjunct counts line up).
    let mode =
        |_: &AssertInfo, i: usize| mode_of(tags.get(i), q.depth, q.property, q.whole_steps());
    let blocks: Vec<&PNode> = match &q.passive.body {
        PNode::Seq(xs) => xs.iter().collect(),
        other => vec![other],
    };
    // The step each path conjunct comes from: whole blocks before the
    // last, then the prefix of the last block.
    let mut step_of: Vec<usize> = Vec::new();
    for (k, b) in blocks.iter().enumerate().take(q.depth) {
        step_of.extend(std::iter::repeat_n(k, b.transition_conjuncts(&mode).len()));
    }
    let action_of = |step: usize| -> (Option<Symbol>, Option<Span>) {
        let a = step
            .checked_sub(1)
            .and_then(|i| trace.chosen.get(i).copied().flatten())
            .and_then(|i| sys.actions.get(i));
        (a.map(|a| a.name), a.and_then(|a| a.span))
    };
    let background: Vec<_> = sys
        .axioms
        .iter()
        .map(|p| (FormulaRole::Axiom, p))
        .chain(
            sys.properties
                .iter()
                .chain(&sys.lemmas)
                .map(|p| (FormulaRole::Property, p)),
        )
        .collect();
    let describe = |i: usize, t: &Term| -> FormulaRef {
        let formula = t.pretty(&q.sig).to_string();
        if i < q.background {
            let (role, p) = background
                .get(i)
                .map(|(r, p)| (r.clone(), Some(*p)))
                .unwrap_or((FormulaRole::Axiom, None));
            return FormulaRef {
                role,
                label: p.and_then(|p| p.label),
                span: p.and_then(|p| p.span),
                formula,
            };
        }
        if i < q.background + q.side {
            return FormulaRef {
                role: FormulaRole::SearchAxiom,
                label: None,
                span: None,
                formula,
            };
        }
        if i >= q.hyps.len() {
            let v = trace.violation.as_ref();
            return FormulaRef {
                role: FormulaRole::Violation { depth: q.depth },
                label: v.and_then(|v| v.label),
                span: v.and_then(|v| v.span),
                formula,
            };
        }
        let step = step_of
            .get(i - q.background - q.side)
            .copied()
            .unwrap_or(q.depth);
        let (action, span) = action_of(step);
        FormulaRef {
            role: FormulaRole::Step { step, action },
            label: None,
            span,
            formula,
        }
    };
    // The chosen branch of each step before the last, on its own.
    let mut branches: Vec<(usize, Term)> = Vec::new();
    // (A deadlock query's last step is a whole transition too.)
    let whole = q.depth + usize::from(q.whole_steps());
    for (k, b) in blocks.iter().enumerate().take(whole).skip(1) {
        let chosen = trace.chosen.get(k - 1).copied().flatten();
        let exported = sys.actions.iter().enumerate().filter(|(_, a)| a.exported);
        let Some(pos) = exported.map(|(i, _)| i).position(|i| Some(i) == chosen) else {
            continue;
        };
        let PNode::Seq(items) = b else { continue };
        let Some(PNode::Choice(arms)) = items.first() else {
            continue;
        };
        if let Some(arm) = arms.get(pos) {
            branches.push((k, arm.transition(&mode)));
        }
    }
    let mut items: Vec<(&Term, bool)> = q.hyps.iter().map(|h| (h, true)).collect();
    items.push((&q.goal, false));
    let n = items.len();
    items.extend(branches.iter().map(|(_, t)| (t, true)));
    let refer = |i: usize| -> FormulaRef {
        match i.checked_sub(n).and_then(|j| branches.get(j)) {
            Some((step, t)) => {
                let (action, span) = action_of(*step);
                FormulaRef {
                    role: FormulaRole::Step {
                        step: *step,
                        action,
                    },
                    label: None,
                    span,
                    formula: t.pretty(&q.sig).to_string(),
                }
            }
            None => describe(i, items[i].0),
        }
    };
    match check_formulas(&q.sig, &trace.model, &items) {
        Err(i) => Err(Box::new(ModelRejected {
            subject: Subject::Trace { depth: q.depth },
            formula: refer(i),
        })),
        Ok(unknown) => {
            trace.check = if unknown.is_empty() {
                ModelCheck::Checked
            } else {
                ModelCheck::NotCheckable(
                    unknown
                        .into_iter()
                        .map(|(i, e)| Unchecked {
                            formula: refer(i),
                            reason: e.describe(&q.sig),
                        })
                        .collect(),
                )
            };
            Ok(Box::new(trace))
        }
    }
}
