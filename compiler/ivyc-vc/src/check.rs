//! The independent check of a solver's model before it is shown: every
//! formula the solver was given (axioms, properties, invariants assumed in
//! the pre-state, the transition with its requires and assumptions, and the
//! negated goal) is evaluated in Rust over the decoded finite model. A
//! formula with the wrong value is an internal error ([`ModelRejected`]);
//! one the evaluator cannot decide (a quantifier over an infinite sort, a
//! value the model does not give) is recorded as not checkable. Also the
//! mutations of a model used to test the check, and [`Corrupting`], the
//! debug hook that corrupts a solver's models (`IVYC_DEBUG_CORRUPT_MODEL`).

use crate::error::{FormulaRef, FormulaRole, ModelRejected, Subject};
use crate::obligation::{HypSource, Obligation};
use ivyc_logic::model::{Model, Value};
use ivyc_logic::{Answer, EvalError, Evaluator, Signature, Solver, SortKind, Term};

/// Evaluation steps allowed per formula.
const STEPS_PER_FORMULA: u64 = 20_000_000;

/// What the check of a model found (when no formula had a wrong value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelCheck {
    /// Every formula was evaluated and has the value the query requires.
    Checked,
    /// Every formula the evaluator could decide has the right value; these
    /// could not be decided.
    NotCheckable(Vec<Unchecked>),
}

impl ModelCheck {
    pub fn is_checked(&self) -> bool {
        matches!(self, ModelCheck::Checked)
    }
}

/// A formula the evaluator could not decide, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unchecked {
    pub formula: FormulaRef,
    /// Why (e.g. "a quantifier over the infinite sort `int`").
    pub reason: String,
}

/// Evaluates each `(formula, required value)` (closed universally first)
/// in `model`. `Err(i)`: formula `i` has the other value. `Ok(list)`: the
/// formulas the evaluator could not decide, with why.
pub fn check_formulas(
    sig: &Signature,
    model: &Model,
    items: &[(&Term, bool)],
) -> Result<Vec<(usize, EvalError)>, usize> {
    let mut ev = Evaluator::new(model, sig);
    let mut unknown = Vec::new();
    for (i, (t, want)) in items.iter().enumerate() {
        ev.set_budget(STEPS_PER_FORMULA);
        match ev.eval_bool(&(*t).clone().close_forall()) {
            Ok(v) if v == *want => {}
            Ok(_) => return Err(i),
            Err(e) => unknown.push((i, e)),
        }
    }
    Ok(unknown)
}

/// The role of hypothesis `i` of `ob` (or of its goal, `i = len`), for
/// messages.
fn formula_ref(ob: &Obligation, i: usize) -> FormulaRef {
    match (ob.hypotheses.get(i), ob.hyp_sources.get(i)) {
        (Some(h), Some(src)) => {
            let (label, span) = ob.hyp_origins.get(i).copied().unwrap_or((None, None));
            let role = match src {
                HypSource::Axiom(_) => FormulaRole::Axiom,
                HypSource::Property(_) => FormulaRole::Property,
                HypSource::Invariant(_) => FormulaRole::Invariant,
                HypSource::Assumed(_) => FormulaRole::AssumedInvariant,
                HypSource::Transition => FormulaRole::Transition { action: ob.action },
            };
            FormulaRef {
                role,
                label,
                span,
                formula: h.pretty(&ob.sig).to_string(),
            }
        }
        _ => FormulaRef {
            role: FormulaRole::Goal { kind: ob.kind },
            label: ob.property_label,
            span: ob.property_span,
            formula: ob.goal.pretty(&ob.sig).to_string(),
        },
    }
}

/// Checks that `model` satisfies the hypotheses of `ob` and falsifies its
/// goal.
pub fn check_model(ob: &Obligation, model: &Model) -> Result<ModelCheck, Box<ModelRejected>> {
    let mut items: Vec<(&Term, bool)> = ob.hypotheses.iter().map(|h| (h, true)).collect();
    items.push((&ob.goal, false));
    match check_formulas(&ob.sig, model, &items) {
        Err(i) => Err(Box::new(ModelRejected {
            subject: Subject::Obligation(ob.title()),
            formula: formula_ref(ob, i),
        })),
        Ok(unknown) if unknown.is_empty() => Ok(ModelCheck::Checked),
        Ok(unknown) => Ok(ModelCheck::NotCheckable(
            unknown
                .into_iter()
                .map(|(i, e)| Unchecked {
                    formula: formula_ref(ob, i),
                    reason: e.describe(&ob.sig),
                })
                .collect(),
        )),
    }
}

// ---- mutations (tests and the debug hook) ---------------------------------

/// One small change to a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// Entry `entry` (in order) of the `sym`-th interpretation changed to
    /// another value of its sort (a relation tuple flipped, a function or
    /// constant moved to the next element).
    Entry { sym: usize, entry: usize },
    /// The default value of the `sym`-th interpretation changed.
    Default { sym: usize },
    /// The last element of the `sort`-th universe dropped (entries at it
    /// removed, values equal to it moved to element 0).
    Drop { sort: usize },
}

/// Another value of the sort of `v`: booleans flipped, the next element or
/// constructor (cyclically), numbers plus one, strings extended.
fn other_value(sig: &Signature, model: &Model, v: &Value) -> Option<Value> {
    Some(match v {
        Value::Bool(b) => Value::Bool(!b),
        Value::Elem(s, i) => {
            let n = model.universes.get(s).copied().unwrap_or(1);
            if n < 2 {
                return None;
            }
            Value::Elem(*s, (i + 1) % n)
        }
        Value::Enum(s, i) => {
            let n = match sig.sort_kind(*s) {
                SortKind::Enum(cs) => u32::try_from(cs.len()).unwrap_or(u32::MAX),
                _ => 0,
            };
            if n < 2 {
                return None;
            }
            Value::Enum(*s, (i + 1) % n)
        }
        Value::Int(n) => Value::Int(n.wrapping_add(1)),
        Value::Str(s) => Value::Str(ivyc_base::Symbol::intern(&format!("{}x", s.as_str()))),
    })
}

/// Every single mutation of `model`, in a fixed order.
pub fn mutations(model: &Model) -> Vec<Mutation> {
    let mut out = Vec::new();
    for (k, interp) in model.interps.values().enumerate() {
        out.extend((0..interp.entries.len()).map(|e| Mutation::Entry { sym: k, entry: e }));
        if interp.default.is_some() {
            out.push(Mutation::Default { sym: k });
        }
    }
    out.extend((0..model.universes.len()).map(|s| Mutation::Drop { sort: s }));
    out
}

/// `model` with mutation `m` applied (`None` if it changes nothing).
pub fn mutate(sig: &Signature, model: &Model, m: &Mutation) -> Option<Model> {
    let mut out = model.clone();
    match *m {
        Mutation::Entry { sym, entry } => {
            let interp = out.interps.values_mut().nth(sym)?;
            let (_, v) = interp.entries.iter_mut().nth(entry)?;
            *v = other_value(sig, model, v)?;
        }
        Mutation::Default { sym } => {
            let interp = out.interps.values_mut().nth(sym)?;
            let v = interp.default.as_mut()?;
            *v = other_value(sig, model, v)?;
        }
        Mutation::Drop { sort } => {
            let (&s, n) = out.universes.iter_mut().nth(sort)?;
            if *n < 2 {
                return None;
            }
            *n -= 1;
            let gone = Value::Elem(s, *n);
            let fix = |v: &mut Value| {
                if *v == gone {
                    *v = Value::Elem(s, 0);
                }
            };
            for interp in out.interps.values_mut() {
                let entries = std::mem::take(&mut interp.entries);
                interp.entries = entries
                    .into_iter()
                    .filter(|(args, _)| !args.contains(&gone))
                    .map(|(args, mut v)| {
                        fix(&mut v);
                        (args, v)
                    })
                    .collect();
                if let Some(d) = interp.default.as_mut() {
                    fix(d);
                }
            }
        }
    }
    Some(out)
}

/// The first single mutation of `model` that the check of
/// `hyps ∧ ¬goal` rejects, if any.
pub fn corrupt(sig: &Signature, hyps: &[Term], goal: &Term, model: &Model) -> Option<Model> {
    let mut items: Vec<(&Term, bool)> = hyps.iter().map(|h| (h, true)).collect();
    items.push((goal, false));
    mutations(model)
        .iter()
        .filter_map(|m| mutate(sig, model, m))
        .find(|m| check_formulas(sig, m, &items).is_err())
}

/// A solver whose models are corrupted ([`corrupt`]) before they are
/// returned: the test hook behind `IVYC_DEBUG_CORRUPT_MODEL=1`, which shows
/// that a wrong model is reported as an internal error, never shown.
pub struct Corrupting<S>(pub S);

impl<S: Solver> Corrupting<S> {
    fn spoil(sig: &Signature, hyps: &[Term], goal: &Term, a: Answer) -> Answer {
        match a {
            Answer::Sat(m) => Answer::Sat(corrupt(sig, hyps, goal, &m).unwrap_or(m)),
            other => other,
        }
    }
}

impl<S: Solver> Solver for Corrupting<S> {
    fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> Answer {
        let a = self.0.check(sig, hyps, goal, timeout_ms);
        Self::spoil(sig, hyps, goal, a)
    }

    fn is_unsat(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> bool {
        self.0.is_unsat(sig, hyps, goal, timeout_ms)
    }

    fn check_many(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<Answer> {
        let answers = self.0.check_many(sig, hyps, goals, timeout_ms);
        answers
            .into_iter()
            .zip(goals)
            .map(|(a, g)| Self::spoil(sig, hyps, g, a))
            .collect()
    }
}
