//! The independent check of a solver's model before it is shown: every
//! formula the solver was given (axioms, properties, invariants assumed in
//! the pre-state, the transition with its requires and assumptions, and the
//! negated goal) is evaluated in Rust over the decoded finite model. A
//! formula with the wrong value is an internal error ([`ModelRejected`]);
//! one the evaluator cannot decide (a quantifier over an infinite sort, a
//! value the model does not give) is recorded as not checkable. Also the
//! mutations of a model used to test the check, and [`Corrupting`], the
//! debug hook that corrupts a solver's models (`IVYC_DEBUG_CORRUPT_MODEL`),
//! and [`CorruptingSession`], its incremental counterpart.

use crate::error::{FormulaRef, FormulaRole, ModelRejected, Subject};
use crate::obligation::{HypSource, Obligation};
use ivyc_logic::model::{Model, Value};
use ivyc_logic::{
    Answer, EvalError, Evaluator, IncrementalSolver, Signature, Solver, SortKind, Term,
};

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
                HypSource::Property(_) | HypSource::Premise(..) => FormulaRole::Property,
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

/// The incremental counterpart of [`Corrupting`]: a session whose models
/// are corrupted against everything asserted at the open levels (kept in a
/// shadow stack), for the bounded search's `IVYC_DEBUG_CORRUPT_MODEL=1`.
pub struct CorruptingSession<S> {
    pub inner: S,
    levels: Vec<Vec<Term>>,
}

impl<S: IncrementalSolver> CorruptingSession<S> {
    pub fn new(inner: S) -> CorruptingSession<S> {
        CorruptingSession {
            inner,
            levels: vec![Vec::new()],
        }
    }
}

impl<S: IncrementalSolver> IncrementalSolver for CorruptingSession<S> {
    fn push(&mut self) {
        self.inner.push();
        self.levels.push(Vec::new());
    }

    fn pop(&mut self) {
        self.inner.pop();
        if self.levels.len() > 1 {
            self.levels.pop();
        }
    }

    fn assert(&mut self, sig: &Signature, terms: &[Term]) {
        self.inner.assert(sig, terms);
        if let Some(l) = self.levels.last_mut() {
            l.extend(terms.iter().map(|t| t.clone().close_forall()));
        }
    }

    fn decide(&mut self, sig: &Signature, timeout_ms: u64) -> Answer {
        self.inner.decide(sig, timeout_ms)
    }

    fn check(&mut self, sig: &Signature, timeout_ms: u64) -> Answer {
        match self.inner.check(sig, timeout_ms) {
            Answer::Sat(m) => {
                let all: Vec<Term> = self.levels.concat();
                Answer::Sat(corrupt(sig, &all, &Term::fls(), &m).unwrap_or(m))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discharge::{discharge, Outcome};
    use crate::obligation::{obligations, ObligationKind};
    use ivyc_base::Symbol;
    use ivyc_logic::brute::BruteForce;
    use ivyc_logic::{Action, Cmd, Lambda, Property, Role, SortId, SymId, System, Var};
    use std::collections::HashMap;

    struct Fx {
        sig: Signature,
        r: SymId,
        f: SymId,
        c: SymId,
        x: Var,
    }

    /// `node`, `r(node)`, `f(node): node`, `c: node`.
    fn fx() -> Fx {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let f = sig.fresh_symbol(Symbol::intern("f"), vec![node], node, Role::State);
        let c = sig.fresh_symbol(Symbol::intern("c"), vec![], node, Role::State);
        let x = Var::new("X", node);
        Fx { sig, r, f, c, x }
    }

    fn el(fx: &Fx, i: u32) -> Value {
        Value::Elem(fx.sig.symbol(fx.c).ret, i)
    }

    /// Hypotheses `r(c)`, `f(X) ~= X`, `r(X) -> X = c`; goal `forall X. r(X)`.
    fn formulas(fx: &Fx) -> (Vec<Term>, Term) {
        let (x, c) = (Term::var(fx.x), Term::constant(fx.c));
        let rx = Term::app(fx.r, vec![x.clone()]);
        let hyps = vec![
            Term::app(fx.r, vec![c.clone()]),
            Term::not(Term::eq(Term::app(fx.f, vec![x.clone()]), x.clone())),
            Term::implies(rx.clone(), Term::eq(x, c)),
        ];
        (hyps, rx)
    }

    /// The model: node = {node0, node1}, c = node0, r = {node0}, f swaps.
    fn model(fx: &Fx) -> Model {
        let mut m = Model::new();
        m.universes.insert(fx.sig.symbol(fx.c).ret, 2);
        m.set(fx.c, vec![], el(fx, 0));
        m.set(fx.r, vec![el(fx, 0)], Value::Bool(true));
        m.set(fx.r, vec![el(fx, 1)], Value::Bool(false));
        m.set(fx.f, vec![el(fx, 0)], el(fx, 1));
        m.set(fx.f, vec![el(fx, 1)], el(fx, 0));
        m
    }

    fn items<'a>(hyps: &'a [Term], goal: &'a Term) -> Vec<(&'a Term, bool)> {
        let mut v: Vec<(&Term, bool)> = hyps.iter().map(|h| (h, true)).collect();
        v.push((goal, false));
        v
    }

    #[test]
    fn the_true_model_is_accepted() {
        let fx = fx();
        let (hyps, goal) = formulas(&fx);
        let m = model(&fx);
        assert_eq!(
            check_formulas(&fx.sig, &m, &items(&hyps, &goal)),
            Ok(vec![])
        );
    }

    #[test]
    fn each_corrupted_model_is_rejected() {
        let fx = fx();
        let (hyps, goal) = formulas(&fx);
        let m = model(&fx);
        let items = items(&hyps, &goal);
        let check = |m: &Model| check_formulas(&fx.sig, m, &items);
        // A relation tuple flipped: r(node1) makes `r(X) -> X = c` false.
        let mut flipped = m.clone();
        flipped.set(fx.r, vec![el(&fx, 1)], Value::Bool(true));
        assert_eq!(check(&flipped), Err(2));
        // r(node0) flipped: `r(c)` is false.
        let mut flipped = m.clone();
        flipped.set(fx.r, vec![el(&fx, 0)], Value::Bool(false));
        assert_eq!(check(&flipped), Err(0));
        // A function value changed: f(node0) = node0.
        let mut moved = m.clone();
        moved.set(fx.f, vec![el(&fx, 0)], el(&fx, 0));
        assert_eq!(check(&moved), Err(1));
        // A constant changed: c = node1.
        let mut moved = m.clone();
        moved.set(fx.c, vec![], el(&fx, 1));
        assert_eq!(check(&moved), Err(0));
        // An element dropped: f has no fixpoint-free interpretation on one element.
        let dropped = mutate(&fx.sig, &m, &Mutation::Drop { sort: 0 }).expect("drop");
        assert_eq!(dropped.universes.values().next(), Some(&1));
        assert_eq!(check(&dropped), Err(1));
        // Every single mutation of this model is caught.
        let all = mutations(&m);
        assert_eq!(all.len(), 1 + 2 + 2 + 1, "{all:?}");
        for mu in &all {
            let bad = mutate(&fx.sig, &m, mu).expect("mutation applies");
            assert!(check(&bad).is_err(), "{mu:?} not caught");
        }
        assert!(corrupt(&fx.sig, &hyps, &goal, &m).is_some());
    }

    #[test]
    fn undecidable_formulas_are_not_checkable_but_counter_instances_decide() {
        let mut sig = Signature::new();
        let int = sig.add_sort(ivyc_logic::SortDecl {
            name: Symbol::intern("int"),
            kind: SortKind::Int,
            span: None,
        });
        let g = sig.fresh_symbol(Symbol::intern("g"), vec![int], int, Role::Rigid);
        let i = Var::new("I", int);
        let gi = Term::app(g, vec![Term::var(i)]);
        let mut m = Model::new();
        m.set(g, vec![Value::Int(3)], Value::Int(1));
        m.set_default(g, Value::Int(7));
        // forall I. g(I) >= 0 is true at every value the model mentions,
        // but int is infinite: not checkable.
        let nonneg = Term::forall(
            vec![i],
            Term::builtin(
                ivyc_logic::BuiltinOp::Ge,
                vec![gi.clone(), Term::num(0, int)],
            ),
        );
        let r = check_formulas(&sig, &m, &[(&nonneg, true)]);
        assert_eq!(r, Ok(vec![(0, EvalError::InfiniteDomain(int))]));
        // forall I. g(I) > 5 is false at I = 3: decided, and wrong.
        let big = Term::forall(
            vec![i],
            Term::builtin(ivyc_logic::BuiltinOp::Gt, vec![gi, Term::num(5, int)]),
        );
        assert_eq!(check_formulas(&sig, &m, &[(&big, true)]), Err(0));
        assert_eq!(check_formulas(&sig, &m, &[(&big, false)]), Ok(vec![]));
    }

    /// `token(node)` with a defined `alone(N) = token(N) & forall M.
    /// token(M) -> M = N`; `add(n)` sets `token(n)`; invariant
    /// `token(X) -> alone(X)` (with `alone` expanded, as sema does).
    fn token_system() -> (System, SymId) {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let token = sig.fresh_symbol(
            Symbol::intern("token"),
            vec![node],
            SortId::BOOL,
            Role::State,
        );
        let alone = sig.fresh_symbol(
            Symbol::intern("alone"),
            vec![node],
            SortId::BOOL,
            Role::State,
        );
        let n = sig.fresh_symbol(Symbol::intern("add.n"), vec![], node, Role::Local);
        let (x, y) = (Var::new("X", node), Var::new("M", node));
        let tok = |v: Term| Term::app(token, vec![v]);
        let body = Term::and([
            tok(Term::var(x)),
            Term::forall(
                vec![y],
                Term::implies(tok(Term::var(y)), Term::eq(Term::var(y), Term::var(x))),
            ),
        ]);
        let mut sys = System::new(sig);
        sys.init = Cmd::assign(token, vec![x], Term::fls());
        sys.actions.push(Action {
            name: Symbol::intern("add"),
            params: vec![n],
            returns: vec![],
            body: Cmd::assign(
                token,
                vec![x],
                Term::or([Term::eq(Term::var(x), Term::constant(n)), tok(Term::var(x))]),
            ),
            span: None,
            exported: true,
            internal: false,
        });
        let inv = Term::forall(
            vec![x],
            Term::implies(tok(Term::var(x)), Term::app(alone, vec![Term::var(x)])),
        );
        sys.invariants
            .push(Property::new(Some("unique"), inv, None));
        let defs: HashMap<SymId, Lambda> = [(alone, Lambda::new(vec![x], body))].into();
        sys.expand_definitions(&defs).expect("not recursive");
        (sys, alone)
    }

    fn brute() -> BruteForce {
        BruteForce {
            max_universe: 2,
            max_models: 1_000_000,
            exhaustive_means_unsat: true,
        }
    }

    #[test]
    fn counterexamples_are_checked_and_show_definitions() {
        let (sys, alone) = token_system();
        let obs = obligations(&sys);
        let ob = obs
            .iter()
            .find(|o| o.kind == ObligationKind::Consecution)
            .expect("consecution");
        let Outcome::Failed(cex) = discharge(ob, &mut brute(), 1000) else {
            panic!("expected a counterexample");
        };
        assert_eq!(cex.check, ModelCheck::Checked);
        // `alone` is evaluated in each state: one holder before, two after.
        let table = |ts: &[crate::SymbolTable]| {
            ts.iter().find(|t| t.sym == alone).map(|t| {
                t.rows
                    .iter()
                    .filter(|(_, v)| *v == Value::Bool(true))
                    .count()
            })
        };
        assert_eq!(table(&cex.pre), Some(1), "{:?}", cex.pre);
        assert_eq!(table(&cex.post), Some(0), "{:?}", cex.post);
    }

    #[test]
    fn a_corrupted_solver_gives_an_internal_error_naming_the_formula() {
        let (sys, _) = token_system();
        let obs = obligations(&sys);
        let ob = obs
            .iter()
            .find(|o| o.kind == ObligationKind::Consecution)
            .expect("consecution");
        let mut solver = Corrupting(brute());
        let Outcome::InternalError(rejected) = discharge(ob, &mut solver, 1000) else {
            panic!("expected an internal error");
        };
        assert_eq!(
            rejected.subject,
            Subject::Obligation("consecution of [unique] in add".into())
        );
        let msg = rejected.message();
        assert!(msg.starts_with("internal error: the counterexample Z3 gave for consecution of [unique] in add does not satisfy"), "{msg}");
        assert!(msg.ends_with("this is a bug in ivyc"), "{msg}");
    }
}
