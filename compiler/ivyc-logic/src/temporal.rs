//! Temporal formulas as logic data: the temporal operators, named binders
//! and l2s vocabulary of a system's `temporal property` declarations, their
//! proofs (tactics), and Ivy's `skolemize` of a temporal goal.
//!
//! Temporal operators may occur anywhere inside a formula (under `&`, in an
//! equality, as the argument of a function for `$l2s_s`), so sema does not
//! build a separate tree: each occurrence is replaced by an application of
//! a fresh *placeholder* symbol (role `Local`, so that no counterexample
//! of the system shows it; never seen by obligations) to
//! the variables its body mentions, and [`Temporal::ops`] says what the
//! placeholder stands for. `globally p(X)` under `forall X` is
//! `g#1(X)` with `g#1 = TemporalOp { kind: Globally, params: [X], body:
//! p(X) }`; bodies may mention other placeholders (nesting). The
//! liveness-to-safety transformation (crate `ivyc-l2s`) expands them.

use crate::signature::SymId;
use crate::sort::SortId;
use crate::system::Property;
use crate::term::{Lambda, Term, TermKind, Var};
use ivyc_base::{Span, Symbol};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The named binders of Ivy's l2s vocabulary (`$name V. body`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BinderName {
    /// `$l2s_w V. p`: still waiting for `p` (since the last reset).
    Wait,
    /// `$l2s_s V. t`: the value `t` had when the state was saved.
    Saved,
    /// `$l2s_g V. p`: the tableau variable of `globally p`.
    Globally,
    /// `$l2s_init V. t`: the value of `t` in the initial state.
    Init,
    /// `$was. p`: `p` held in the saved state (`l2s_saved & saved atoms`).
    Was,
    /// `$happened. p`: `p` has held since the state was saved.
    Happened,
}

impl BinderName {
    /// The binder's name as written after `$`.
    pub fn as_str(self) -> &'static str {
        match self {
            BinderName::Wait => "l2s_w",
            BinderName::Saved => "l2s_s",
            BinderName::Globally => "l2s_g",
            BinderName::Init => "l2s_init",
            BinderName::Was => "was",
            BinderName::Happened => "happened",
        }
    }

    pub fn from_name(name: &str) -> Option<BinderName> {
        Some(match name {
            "l2s_w" => BinderName::Wait,
            "l2s_s" => BinderName::Saved,
            "l2s_g" => BinderName::Globally,
            "l2s_init" => BinderName::Init,
            "was" => BinderName::Was,
            "happened" => BinderName::Happened,
            _ => return None,
        })
    }

    /// `$was` and `$happened` bind no variables: their free variables are
    /// the placeholder's parameters.
    pub fn is_observation(self) -> bool {
        matches!(self, BinderName::Was | BinderName::Happened)
    }
}

/// Ivy 1.8's `value whenX cond` operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WhenKind {
    /// `whenfirst`: the value at the first time `cond` holds.
    First,
    /// `whennext`: the value at the next time `cond` holds.
    Next,
    /// `whenprev`: the value at the last time `cond` held.
    Prev,
    /// `whenlast`.
    Last,
}

impl WhenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WhenKind::First => "whenfirst",
            WhenKind::Next => "whennext",
            WhenKind::Prev => "whenprev",
            WhenKind::Last => "whenlast",
        }
    }
}

/// What a placeholder symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TemporalKind {
    Globally,
    Eventually,
    Binder(BinderName),
    /// `body whenX cond` (see [`TemporalOp::cond`]).
    When(WhenKind),
}

/// The meaning of one placeholder: `placeholder(params) = kind(body)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemporalOp {
    pub kind: TemporalKind,
    /// The placeholder's arguments, in order: the variables bound by a
    /// named binder, else the free variables of the body (and condition).
    pub params: Vec<Var>,
    /// The operand (a formula, except for `$l2s_s`, `$l2s_init` and the
    /// value of a `when` operator, which may be of any sort).
    pub body: Term,
    /// The condition of a `when` operator.
    pub cond: Option<Term>,
    pub span: Option<Span>,
}

/// The state symbols of the l2s construction a proof may mention by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum L2sBuiltin {
    /// `l2s_waiting`: before the state is frozen.
    Waiting,
    /// `l2s_frozen`: the domain is frozen, the state not saved yet.
    Frozen,
    /// `l2s_saved`: the state is saved; a fair cycle may close.
    Saved,
    /// `l2s_d(X)`: the elements seen so far (one per sort).
    D(SortId),
    /// `l2s_a(X)`: the frozen domain (one per sort).
    A(SortId),
}

impl L2sBuiltin {
    pub fn name(self) -> &'static str {
        match self {
            L2sBuiltin::Waiting => "l2s_waiting",
            L2sBuiltin::Frozen => "l2s_frozen",
            L2sBuiltin::Saved => "l2s_saved",
            L2sBuiltin::D(_) => "l2s_d",
            L2sBuiltin::A(_) => "l2s_a",
        }
    }
}

/// A proof step of a temporal property, as ivyc runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tactic {
    /// `tactic skolemize` / `skolemizenp`: already applied by sema (the
    /// goal mentions the Skolem symbols); kept for the report.
    Skolemize { span: Span },
    /// `tactic tempcase with X = t` / `tactic tempind [with X = t]`: a
    /// rewrite of the goal, already applied by sema (the goal is the
    /// rewritten one); kept for the report.
    Rewrite { tactic: Symbol, span: Span },
    /// `tactic l2s with invariant ... [proof ...]`: liveness to safety.
    L2s {
        invariants: Vec<Property>,
        span: Span,
        /// The proof attached to the tactic, already run by sema: ms-ivy
        /// proves the construction's fair-cycle assertion with it.
        fair_cycle: Option<FairCycleProof>,
        /// `tactic l2s_full`: every state symbol is saved and every
        /// `globally` of the negated goal waited for, every sort treated
        /// as finite (only allowed when every tracked sort is finite).
        full: bool,
    },
    /// `tactic invariance with invariant ...` for a goal `globally p`.
    Invariance {
        invariants: Vec<Property>,
        span: Span,
    },
}

/// A proof of the l2s fair-cycle assertion (`tactic l2s with ... proof
/// {...}`), run by sema: the assertion as sema wrote it (in the
/// placeholder vocabulary) and the goals the proof left. The construction
/// asserts each goal where the fair-cycle assertion is, then assumes
/// `goal`, then asserts its own fair-cycle formula unless `goal` is
/// visibly the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FairCycleProof {
    pub goal: Term,
    /// Each goal left, closed (`premises -> conclusion`).
    pub subgoals: Vec<Property>,
}

/// A `temporal property` with its proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemporalProperty {
    /// As written (free variables universally closed).
    pub property: Property,
    /// The goal the last tactic proves: the property after `skolemize`.
    pub goal: Term,
    /// The Skolem constants and functions introduced by `skolemize` (role
    /// `Local` in the system; the l2s construction makes them `Rigid`).
    pub skolems: Vec<SymId>,
    /// The proof's steps, in order (the last is the reduction to safety).
    pub tactics: Vec<Tactic>,
    /// The object the property is declared in (decides its isolate).
    pub object: Option<Symbol>,
}

impl TemporalProperty {
    /// The tactic that reduces the goal to safety (the last one).
    pub fn reduction(&self) -> Option<&Tactic> {
        self.tactics
            .iter()
            .rev()
            .find(|t| !matches!(t, Tactic::Skolemize { .. } | Tactic::Rewrite { .. }))
    }
}

/// The temporal part of a system (empty for most).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Temporal {
    /// Placeholder symbol -> what it stands for.
    pub ops: BTreeMap<SymId, TemporalOp>,
    /// The l2s vocabulary the proofs mention, by placeholder symbol.
    pub builtins: BTreeMap<SymId, L2sBuiltin>,
    /// `temporal axiom`s (assumptions of every temporal property), closed.
    pub axioms: Vec<Property>,
    /// `temporal property` declarations checked in this unit.
    pub properties: Vec<TemporalProperty>,
    /// Uninterpreted sorts declared `finite type`: as in Ivy, the
    /// liveness-to-safety construction does not track their elements
    /// (`l2s_d`, `l2s_a`) but treats them like enumerated sorts, every
    /// element at once (sound only for sorts that are finite, which the
    /// declaration asserts).
    pub finite_sorts: BTreeSet<SortId>,
    /// The names of `temporal property ... named f(X)`, each with the
    /// symbols its formula depends on. As in Ivy, nothing is known about
    /// `f` (the property is not rewritten with it) and every statement
    /// that writes one of those symbols chooses `f` again (a havoc).
    pub named: Vec<(SymId, BTreeSet<SymId>)>,
}

impl Temporal {
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty() && self.axioms.is_empty()
    }

    /// Applies `f` to every formula: operator bodies and conditions,
    /// axioms, properties, goals and tactic invariants.
    pub fn map_terms(&mut self, f: &mut impl FnMut(&Term) -> Term) {
        for op in self.ops.values_mut() {
            op.body = f(&op.body);
            if let Some(c) = &op.cond {
                op.cond = Some(f(c));
            }
        }
        for a in &mut self.axioms {
            a.formula = f(&a.formula);
        }
        for p in &mut self.properties {
            p.property.formula = f(&p.property.formula);
            p.goal = f(&p.goal);
            for t in &mut p.tactics {
                if let Tactic::L2s { invariants, .. } | Tactic::Invariance { invariants, .. } = t {
                    for i in invariants {
                        i.formula = f(&i.formula);
                    }
                }
                if let Tactic::L2s {
                    fair_cycle: Some(fc),
                    ..
                } = t
                {
                    fc.goal = f(&fc.goal);
                    for g in &mut fc.subgoals {
                        g.formula = f(&g.formula);
                    }
                }
            }
        }
    }

    /// Whether `t` mentions a temporal operator or named binder.
    pub fn is_temporal(&self, t: &Term) -> bool {
        t.symbols().iter().any(|s| self.ops.contains_key(s))
    }

    /// The placeholder application `sym(args)` expanded one level: the
    /// operator with its parameters replaced by `args`.
    pub fn instantiate(
        &self,
        sym: SymId,
        args: &[Term],
    ) -> Option<(TemporalKind, Term, Option<Term>)> {
        let op = self.ops.get(&sym)?;
        let map: HashMap<Var, Term> = op
            .params
            .iter()
            .copied()
            .zip(args.iter().cloned())
            .collect();
        let body = op.body.subst_vars(&map);
        let cond = op.cond.as_ref().map(|c| c.subst_vars(&map));
        Some((op.kind, body, cond))
    }
}

/// Ivy's `skolemize` of a goal: universally quantified variables in
/// positive positions (existential in negative ones), outside temporal
/// operators, become fresh symbols `_X` (functions of the enclosing
/// variables that stay quantified); with `prenex`, those remaining
/// variables are pulled to the front (`exists` for the goal). Quantifiers
/// under temporal operators, `<->` and other non-propositional positions
/// are left alone. `fresh(name, arg sorts, sort)` declares a symbol.
pub fn skolemize(
    goal: &Term,
    prenex: bool,
    fresh: &mut impl FnMut(&str, Vec<SortId>, SortId) -> SymId,
) -> (Term, Vec<SymId>) {
    struct Sk<'f, F> {
        fresh: &'f mut F,
        prenex: bool,
        outer: Vec<Var>,
        univs: Vec<Var>,
        skolems: Vec<SymId>,
    }
    impl<F: FnMut(&str, Vec<SortId>, SortId) -> SymId> Sk<'_, F> {
        fn rec(&mut self, t: &Term, pos: bool) -> Term {
            let span = t.span;
            match &t.kind {
                TermKind::Not(a) => Term::not(self.rec(a, !pos)).with_span(span),
                TermKind::Implies(a, b) => {
                    let a = self.rec(a, !pos);
                    let b = self.rec(b, pos);
                    Term::new(TermKind::Implies(Box::new(a), Box::new(b))).with_span(span)
                }
                TermKind::And(xs) => {
                    Term::new(TermKind::And(xs.iter().map(|x| self.rec(x, pos)).collect()))
                        .with_span(span)
                }
                TermKind::Or(xs) => {
                    Term::new(TermKind::Or(xs.iter().map(|x| self.rec(x, pos)).collect()))
                        .with_span(span)
                }
                TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                    let universal = matches!(t.kind, TermKind::Forall(..));
                    if universal == pos {
                        // A Skolem symbol per variable, over the enclosing
                        // variables it may depend on.
                        let fvs: Vec<Var> = t
                            .free_vars()
                            .into_iter()
                            .filter(|v| self.outer.contains(v))
                            .collect();
                        let mut map = HashMap::new();
                        for v in vs {
                            let name = format!("_{}", v.name);
                            let sym =
                                (self.fresh)(&name, fvs.iter().map(|w| w.sort).collect(), v.sort);
                            self.skolems.push(sym);
                            let args = fvs.iter().map(|&w| Term::var(w)).collect();
                            map.insert(*v, Term::app(sym, args));
                        }
                        let body = body.subst_vars(&map);
                        self.rec(&body, pos)
                    } else {
                        // Variables pulled to the front get names unique
                        // among the pulled ones (as Ivy's uniquifier).
                        let mut map = HashMap::new();
                        let mut vs = vs.clone();
                        for v in &mut vs {
                            let clash = |w: &Var| w.name == v.name;
                            if self.univs.iter().any(clash) || self.outer.iter().any(clash) {
                                let mut k = 1;
                                let fresh = loop {
                                    let cand = Var {
                                        name: Symbol::intern(&format!("{}#{k}", v.name)),
                                        sort: v.sort,
                                    };
                                    if !self.univs.contains(&cand) && !self.outer.contains(&cand) {
                                        break cand;
                                    }
                                    k += 1;
                                };
                                map.insert(*v, Term::var(fresh));
                                *v = fresh;
                            }
                        }
                        let body = body.subst_vars(&map);
                        let n = self.outer.len();
                        self.outer.extend(vs.iter().copied());
                        if self.prenex {
                            self.univs.extend(vs.iter().copied());
                        }
                        let b = self.rec(&body, pos);
                        self.outer.truncate(n);
                        if self.prenex {
                            b
                        } else if universal {
                            Term::forall(vs.clone(), b).with_span(span)
                        } else {
                            Term::exists(vs.clone(), b).with_span(span)
                        }
                    }
                }
                _ => t.clone(),
            }
        }
    }
    let mut sk = Sk {
        fresh,
        prenex,
        outer: Vec::new(),
        univs: Vec::new(),
        skolems: Vec::new(),
    };
    let body = sk.rec(goal, true);
    let span = goal.span;
    let out = Term::exists(sk.univs, body).with_span(span);
    (out, sk.skolems)
}

/// Expands every placeholder of `temporal` in `t` with `expand`, applied
/// bottom-up to each placeholder application once its arguments are
/// rewritten: `expand(sym, args)`. Placeholders inside operator bodies are
/// the caller's business (it sees the body through [`Temporal::instantiate`]).
pub fn map_placeholders(
    t: &Term,
    temporal: &Temporal,
    expand: &mut impl FnMut(SymId, Vec<Term>) -> Term,
) -> Term {
    t.map_bottom_up(&mut |n| match n.kind {
        TermKind::App(s, args) if temporal.ops.contains_key(&s) => {
            let span = n.span;
            expand(s, args).with_span(span)
        }
        kind => Term { kind, span: n.span },
    })
}

/// `lambda params. body` for a placeholder (used to substitute it).
pub fn as_lambda(op: &TemporalOp) -> Lambda {
    Lambda::new(op.params.clone(), op.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Role, Signature, SymbolDecl};

    #[test]
    fn skolemize_positive_forall_gives_constants() {
        let mut sig = Signature::new();
        let c = sig.add_uninterpreted_sort("client");
        let p = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("p"),
            vec![c],
            crate::sort::SortId::BOOL,
            Role::State,
        ));
        let x = Var::new("X", c);
        let goal = Term::forall(vec![x], Term::app(p, vec![Term::var(x)]));
        let (g, sks) = skolemize(&goal, true, &mut |n, args, ret| {
            sig.add_symbol(SymbolDecl::new(Symbol::intern(n), args, ret, Role::Rigid))
        });
        assert_eq!(sks.len(), 1);
        assert_eq!(sig.symbol_name(sks[0]), "_X");
        assert_eq!(g, Term::app(p, vec![Term::constant(sks[0])]));
    }

    #[test]
    fn skolemize_negative_forall_is_pulled_out_as_exists() {
        let mut sig = Signature::new();
        let c = sig.add_uninterpreted_sort("client");
        let p = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("p"),
            vec![c],
            crate::sort::SortId::BOOL,
            Role::State,
        ));
        let x = Var::new("X", c);
        let px = Term::app(p, vec![Term::var(x)]);
        // (forall X. p(X)) -> forall X. p(X)
        let goal = Term::new(TermKind::Implies(
            Box::new(Term::forall(vec![x], px.clone())),
            Box::new(Term::forall(vec![x], px.clone())),
        ));
        let (g, sks) = skolemize(&goal, true, &mut |n, args, ret| {
            sig.add_symbol(SymbolDecl::new(Symbol::intern(n), args, ret, Role::Rigid))
        });
        assert_eq!(sks.len(), 1);
        let expect = Term::exists(
            vec![x],
            Term::new(TermKind::Implies(
                Box::new(px),
                Box::new(Term::app(p, vec![Term::constant(sks[0])])),
            )),
        );
        assert_eq!(g, expect);
    }
}
