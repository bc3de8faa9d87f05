//! The l2s construction of Ivy's `tactic l2s` over a `System`: the monitor
//! (`l2s_waiting` → `l2s_frozen` → `l2s_saved`), the domain of the elements
//! seen (`l2s_d`) and its frozen copy (`l2s_a`), the tableau events of the
//! `globally` binders around every statement that writes what they read,
//! the eventualities waited for (`$l2s_w`) and the saved values (`$l2s_s`)
//! the invariants mention, the `idle` action that moves the monitor and
//! asserts that no fair cycle closes, and the negated property assumed
//! initially. Program assertions other than `require`s become
//! assumptions: the safety unit of the same system checks them.

use crate::binders::{Binder, Binders, Kind};
use crate::error::L2sError;
use crate::{L2sSymbol, L2sUnit, Phase, Reduction};
use ivyc_base::Symbol;
use ivyc_logic::{
    Action, AssertInfo, AssertKind, Cmd, FairCycleProof, L2sBuiltin, Property, Role, Signature,
    SortId, SortKind, SymId, SymbolDecl, System, Term, TermKind, Var, WhenKind,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Sorts whose elements the construction tracks (`l2s_d`, `l2s_a`): the
/// infinite ones (uninterpreted, `int`, `nat`, strings), as in Ivy, but
/// those declared `finite type` (`Temporal::finite_sorts`).
pub(crate) fn infinite(sig: &Signature, s: SortId) -> bool {
    matches!(
        sig.sort_kind(s),
        SortKind::Uninterpreted | SortKind::Int | SortKind::Nat | SortKind::Str
    )
}

/// The program's assertions become assumptions: the unit's own safety
/// obligations check them (over the same reachable states), and as in
/// Ivy an assertion holds after it is passed. The `require`s of entries
/// stay as they are (assumptions of the entry).
pub(crate) fn strip_assertions(c: &Cmd) -> Cmd {
    c.map_asserts(&mut |t, info| {
        if info.kind == AssertKind::Require {
            Cmd::Assert(t.clone(), *info)
        } else {
            Cmd::Assume(t.clone())
        }
    })
}

/// A state symbol of the construction with a readable name.
fn named(sig: &mut Signature, name: &str, args: Vec<SortId>, ret: SortId, role: Role) -> SymId {
    sig.add_symbol(SymbolDecl::new(Symbol::intern(name), args, ret, role))
}

struct Ctx<'t> {
    sig: Signature,
    binders: Binders<'t>,
    domain: BTreeMap<SortId, SymId>,
    frozen_domain: BTreeMap<SortId, SymId>,
    /// `_old_` copies of the `globally` binders (locals of the events).
    old: HashMap<SymId, SymId>,
    /// `l2s_old` copies of the `whennext` conditions.
    old_cond: HashMap<SymId, SymId>,
    /// Fresh values for the `when` binders' updates.
    fresh: HashMap<SymId, SymId>,
    /// Binder indices: `globally`, waited, saved, `when`, initial values.
    gs: Vec<usize>,
    waits: Vec<usize>,
    whens: Vec<usize>,
}

impl Ctx<'_> {
    fn b(&self, i: usize) -> &Binder {
        &self.binders.list[i]
    }

    /// `l2s_d(v)` for a variable of an infinite sort.
    fn guard(&self, v: &Var, domain: &BTreeMap<SortId, SymId>) -> Option<Term> {
        domain
            .get(&v.sort)
            .map(|&d| Term::app(d, vec![Term::var(*v)]))
    }

    /// `l2s_d(X) := l2s_d(X) | X = t` for a term of an infinite sort.
    fn add_to_domain(&self, t: Term, sort: SortId) -> Option<Cmd> {
        let d = *self.domain.get(&sort)?;
        let x = Var::new("X", sort);
        let value = Term::or([Term::app(d, vec![Term::var(x)]), Term::eq(Term::var(x), t)]);
        Some(Cmd::assign(d, vec![x], value))
    }

    /// `assume forall V. g(V) -> body` for every `globally` binder.
    fn assume_g_axioms(&self) -> Vec<Cmd> {
        self.gs
            .iter()
            .map(|&i| {
                let b = self.b(i);
                Cmd::Assume(Term::forall(
                    b.params.clone(),
                    Term::implies(b.app(), b.body.clone()),
                ))
            })
            .collect()
    }

    /// `assume forall V. cond -> when(V) = value` for every `when` binder.
    fn assume_when_axioms(&self) -> Vec<Cmd> {
        self.whens
            .iter()
            .map(|&i| {
                let b = self.b(i);
                let cond = b.cond.clone().unwrap_or_else(Term::tru);
                Cmd::Assume(Term::forall(
                    b.params.clone(),
                    Term::implies(cond, Term::eq(b.app(), b.body.clone())),
                ))
            })
            .collect()
    }

    /// `~globally ~t` over the wait binder's variables (the eventuality
    /// is still to come).
    fn eventually_body(&mut self, i: usize) -> Term {
        let body = self.b(i).body.clone();
        self.binders.eventually(&mut self.sig, body)
    }

    /// `w(V) := guards & ~t & eventually t` (a reset of the wait).
    fn reset_wait(&mut self, i: usize) -> Cmd {
        let ev = self.eventually_body(i);
        let b = self.b(i);
        let mut conj: Vec<Term> = b
            .params
            .iter()
            .filter_map(|v| self.guard(v, &self.domain))
            .collect();
        conj.push(Term::not(b.body.clone()));
        conj.push(ev);
        Cmd::assign(b.sym, b.params.clone(), Term::and(conj))
    }

    /// `w(V) := w(V) & ~t & eventually t` (an event of the wait).
    fn update_wait(&mut self, i: usize) -> Cmd {
        let ev = self.eventually_body(i);
        let b = self.b(i);
        let value = Term::and([b.app(), Term::not(b.body.clone()), ev]);
        Cmd::assign(b.sym, b.params.clone(), value)
    }

    /// The tableau instrumentation of a statement: for the binders that
    /// read a symbol the statement writes, events before and after it
    /// (Ivy instruments every statement, compound ones included).
    fn instrument(&mut self, c: &Cmd) -> Cmd {
        let inner = match c {
            Cmd::Seq(cs) => Cmd::Seq(cs.iter().map(|x| self.instrument(x)).collect()),
            Cmd::Choice(cs) => Cmd::Choice(cs.iter().map(|x| self.instrument(x)).collect()),
            other => other.clone(),
        };
        let modified: BTreeSet<SymId> = c.modified_symbols().into_iter().collect();
        if modified.is_empty() {
            return inner;
        }
        let touches = |b: &Binder| !b.deep.is_disjoint(&modified);
        let props: Vec<usize> = self
            .gs
            .iter()
            .copied()
            .filter(|&i| touches(self.b(i)))
            .collect();
        let whens: Vec<usize> = self
            .whens
            .iter()
            .copied()
            .filter(|&i| touches(self.b(i)))
            .collect();
        let waits: Vec<usize> = self
            .waits
            .iter()
            .copied()
            .filter(|&i| touches(self.b(i)))
            .collect();
        if props.is_empty() && whens.is_empty() && waits.is_empty() {
            return inner;
        }
        let mut pre = Vec::new();
        let mut post = Vec::new();
        // `whennext`: remember whether the condition held before.
        for &i in &whens {
            let b = self.b(i);
            if b.kind == Kind::When(WhenKind::Next) {
                if let (Some(&oc), Some(cond)) = (self.old_cond.get(&b.sym), &b.cond) {
                    pre.push(Cmd::assign(oc, b.params.clone(), cond.clone()));
                }
            }
        }
        for &i in &props {
            let b = self.b(i);
            if let Some(&old) = self.old.get(&b.sym) {
                pre.push(Cmd::assign(old, b.params.clone(), b.app()));
                pre.push(Cmd::Havoc(b.sym));
            }
        }
        for &i in &props {
            let b = self.b(i);
            if let Some(&old) = self.old.get(&b.sym) {
                let old_app = Term::app_vars(old, &b.params);
                pre.push(Cmd::Assume(Term::forall(
                    b.params.clone(),
                    Term::implies(old_app.clone(), b.app()),
                )));
                pre.push(Cmd::Assume(Term::forall(
                    b.params.clone(),
                    Term::implies(
                        Term::and([Term::not(old_app), b.body.clone()]),
                        Term::not(b.app()),
                    ),
                )));
            }
            post.push(Cmd::Assume(Term::forall(
                b.params.clone(),
                Term::implies(b.app(), b.body.clone()),
            )));
        }
        for &i in &whens {
            let b = self.b(i);
            let changes = match b.kind {
                Kind::When(WhenKind::Next) => self
                    .old_cond
                    .get(&b.sym)
                    .map(|&oc| Term::app_vars(oc, &b.params)),
                Kind::When(WhenKind::Prev) => b.cond.clone(),
                _ => None,
            };
            if let (Some(ch), Some(&fresh)) = (changes, self.fresh.get(&b.sym)) {
                post.push(Cmd::Havoc(fresh));
                post.push(Cmd::assign(
                    b.sym,
                    b.params.clone(),
                    Term::ite(ch, Term::app_vars(fresh, &b.params), b.app()),
                ));
            }
        }
        post.extend(self.whens_axioms_of(&whens));
        for &i in &waits {
            let c = self.update_wait(i);
            post.push(c);
        }
        let mut out = pre;
        out.push(inner);
        out.extend(post);
        Cmd::seq(out)
    }

    fn whens_axioms_of(&self, whens: &[usize]) -> Vec<Cmd> {
        whens
            .iter()
            .map(|&i| {
                let b = self.b(i);
                let cond = b.cond.clone().unwrap_or_else(Term::tru);
                Cmd::Assume(Term::forall(
                    b.params.clone(),
                    Term::implies(cond, Term::eq(b.app(), b.body.clone())),
                ))
            })
            .collect()
    }
}

/// The temporal premises of property `index`: the (non-explicit) temporal
/// axioms and the temporal properties proved before it.
fn premises(sys: &System, index: usize) -> Vec<&Property> {
    sys.temporal
        .axioms
        .iter()
        .filter(|a| !a.explicit)
        .chain(
            sys.temporal
                .properties
                .iter()
                .take(index)
                .map(|p| &p.property),
        )
        .collect()
}

/// Whether `goal`, of the form `~(c1 & ... & cn)`, implies `~(f1 & ... &
/// fm)`: every `ci` is one of the `fj` up to the names of bound variables
/// (then `f1 & ... & fm` implies `c1 & ... & cn`).
fn implies_fair_cycle(goal: &Term, fair: &[Term]) -> bool {
    let TermKind::Not(inner) = &goal.kind else {
        return false;
    };
    let fair: Vec<&Term> = fair.iter().flat_map(|f| f.conjuncts()).collect();
    inner
        .conjuncts()
        .iter()
        .all(|c| fair.iter().any(|f| ivyc_proof::alpha_eq(c, f)))
}

pub(crate) fn l2s(
    sys: &System,
    index: usize,
    invariants: &[Property],
    fair_cycle: Option<&FairCycleProof>,
    full: bool,
) -> Result<L2sUnit, L2sError> {
    let Some(prop) = sys.temporal.properties.get(index) else {
        return Err(L2sError::NoSuchProperty { index });
    };
    let mut sig = sys.sig.clone();
    let mut symbols = BTreeMap::new();
    for &s in &prop.skolems {
        sig.set_role(s, Role::Rigid);
    }

    // ---- the construction's state ----
    let waiting = named(&mut sig, "l2s_waiting", vec![], SortId::BOOL, Role::State);
    let frozen = named(&mut sig, "l2s_frozen", vec![], SortId::BOOL, Role::State);
    let saved = named(&mut sig, "l2s_saved", vec![], SortId::BOOL, Role::State);
    symbols.insert(waiting, L2sSymbol::Phase(Phase::Waiting));
    symbols.insert(frozen, L2sSymbol::Phase(Phase::Frozen));
    symbols.insert(saved, L2sSymbol::Phase(Phase::Saved));
    let sorts: Vec<SortId> = sig
        .sorts()
        .map(|(id, _)| id)
        .filter(|&s| infinite(&sig, s) && !sys.temporal.finite_sorts.contains(&s))
        .collect();
    let mut domain = BTreeMap::new();
    let mut frozen_domain = BTreeMap::new();
    for &s in &sorts {
        let d = named(&mut sig, "l2s_d", vec![s], SortId::BOOL, Role::State);
        let a = named(&mut sig, "l2s_a", vec![s], SortId::BOOL, Role::State);
        symbols.insert(d, L2sSymbol::Domain);
        symbols.insert(a, L2sSymbol::FrozenDomain);
        domain.insert(s, d);
        frozen_domain.insert(s, a);
    }
    // Sema's names for them; `l2s_d` over a finite sort is a symbol the
    // construction never updates (as in Ivy).
    let mut builtins = HashMap::new();
    for (&ph, &b) in &sys.temporal.builtins {
        let ours = match b {
            L2sBuiltin::Waiting => waiting,
            L2sBuiltin::Frozen => frozen,
            L2sBuiltin::Saved => saved,
            L2sBuiltin::D(s) | L2sBuiltin::A(s) => {
                let table = if matches!(b, L2sBuiltin::D(_)) {
                    &mut domain
                } else {
                    &mut frozen_domain
                };
                match table.get(&s) {
                    Some(&x) => x,
                    None => {
                        let x = named(&mut sig, b.name(), vec![s], SortId::BOOL, Role::State);
                        symbols.insert(x, L2sSymbol::Domain);
                        x
                    }
                }
            }
        };
        builtins.insert(ph, ours);
    }
    // The constants whose values are in the domain after every step: the
    // user's individuals and constants and this goal's Skolem constants.
    let other_skolems: BTreeSet<SymId> = sys
        .temporal
        .properties
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .flat_map(|(_, p)| p.skolems.iter().copied())
        .collect();
    let consts: Vec<(SymId, SortId)> = sys
        .sig
        .symbols()
        .filter(|(id, d)| {
            d.args.is_empty()
                && (matches!(d.role, Role::State | Role::Rigid) || prop.skolems.contains(id))
                && infinite(&sys.sig, d.ret)
                && !sys.temporal.finite_sorts.contains(&d.ret)
                && !sys.temporal.ops.contains_key(id)
                && !sys.temporal.builtins.contains_key(id)
                && !other_skolems.contains(id)
                && !d.name.as_str().starts_with(|c: char| c.is_ascii_digit())
        })
        .map(|(id, d)| (id, d.ret))
        .collect();

    let mut binders = Binders::new(&sys.temporal, builtins, saved);

    // ---- the goal with its premises, the invariants, the assumptions ----
    let prems = premises(sys, index);
    let fmla = if prems.is_empty() {
        prop.goal.clone()
    } else {
        Term::implies(
            Term::and(prems.iter().map(|p| p.formula.clone())),
            prop.goal.clone(),
        )
    };
    // Premises `globally p` are invariants of the system: assumed.
    let mut asms = Vec::new();
    for p in &prems {
        if let TermKind::App(s, args) = &p.formula.kind {
            if let Some(op) = sys.temporal.ops.get(s) {
                if op.kind == ivyc_logic::TemporalKind::Globally {
                    if let Some((_, body, _)) = sys.temporal.instantiate(*s, args) {
                        let formula = binders.lower(&mut sig, &body);
                        asms.push(Property {
                            label: p.label,
                            formula,
                            span: p.span,
                            explicit: false,
                        });
                    }
                }
            }
        }
    }
    let invs: Vec<Property> = invariants
        .iter()
        .map(|p| Property {
            formula: binders.lower(&mut sig, &p.formula),
            ..p.clone()
        })
        .collect();
    let not_lf = binders.lower(&mut sig, &Term::not(fmla));

    // What the invariants mention decides what is waited for and saved.
    let inv_terms: Vec<&Term> = invs.iter().map(|p| &p.formula).collect();
    let used = binders.reachable(&inv_terms);
    let waits: Vec<usize> = used
        .iter()
        .copied()
        .filter(|&i| binders.list[i].kind == Kind::Wait)
        .collect();
    let saves: Vec<usize> = used
        .iter()
        .copied()
        .filter(|&i| binders.list[i].kind == Kind::Saved)
        .collect();
    let mut inits: Vec<usize> = used
        .iter()
        .copied()
        .filter(|&i| binders.list[i].kind == Kind::Init)
        .collect();
    let (mut waits, mut saves) = (waits, saves);
    if full {
        // `tactic l2s_full` (ms-ivy's `full` mode): every state symbol of
        // the program is saved, every `globally p` of the negated goal is
        // waited for (`~p`), and its `$l2s_init` binders are defined.
        let goal_binders = binders.reachable(&[&not_lf]);
        for &i in &goal_binders {
            let b = binders.list[i].clone();
            match b.kind {
                Kind::Globally => {
                    let args = b.params.iter().map(|&v| Term::var(v)).collect();
                    let w = binders.make(
                        &mut sig,
                        Kind::Wait,
                        &b.params,
                        Term::not(b.body.clone()),
                        None,
                        args,
                    );
                    if let TermKind::App(ws, _) = &w.kind {
                        if let Some(&j) = binders.by_sym.get(ws) {
                            if !waits.contains(&j) {
                                waits.push(j);
                            }
                        }
                    }
                }
                Kind::Init if !inits.contains(&i) => inits.push(i),
                _ => {}
            }
        }
        let state: Vec<(SymId, Vec<SortId>)> = sys
            .sig
            .symbols()
            .filter(|(id, d)| {
                d.role == Role::State
                    && !sys.temporal.ops.contains_key(id)
                    && !sys.temporal.builtins.contains_key(id)
            })
            .map(|(id, d)| (id, d.args.clone()))
            .collect();
        for (f, args) in state {
            let params: Vec<Var> = args
                .iter()
                .enumerate()
                .map(|(k, &s)| Var::new(&format!("X{k}"), s))
                .collect();
            let body = Term::app_vars(f, &params);
            let vs = params.iter().map(|&v| Term::var(v)).collect();
            let t = binders.make(&mut sig, Kind::Saved, &params, body, None, vs);
            if let TermKind::App(ss, _) = &t.kind {
                if let Some(&j) = binders.by_sym.get(ss) {
                    if !saves.contains(&j) {
                        saves.push(j);
                    }
                }
            }
        }
    }

    let mut cx = Ctx {
        sig,
        binders,
        domain,
        frozen_domain,
        old: HashMap::new(),
        old_cond: HashMap::new(),
        fresh: HashMap::new(),
        gs: Vec::new(),
        waits: waits.clone(),
        whens: Vec::new(),
    };
    // The resets of the waits create the `globally ~t` binders they read:
    // build them before listing the `globally` binders.
    let reset_w: Vec<Cmd> = waits.iter().map(|&i| cx.reset_wait(i)).collect();
    cx.gs = cx.binders.of_kind(Kind::Globally);
    cx.whens = (0..cx.binders.list.len())
        .filter(|&i| matches!(cx.b(i).kind, Kind::When(_)))
        .collect();
    for &i in &cx.gs.clone() {
        let b = cx.b(i).clone();
        let old = cx.sig.fresh_symbol(
            Symbol::intern(&format!("_old_{}", b.text)),
            b.params.iter().map(|v| v.sort).collect(),
            SortId::BOOL,
            Role::Local,
        );
        symbols.insert(old, L2sSymbol::OldGlobally);
        cx.old.insert(b.sym, old);
    }
    for &i in &cx.whens.clone() {
        let b = cx.b(i).clone();
        let args: Vec<SortId> = b.params.iter().map(|v| v.sort).collect();
        let ret = b.body.sort_of(&cx.sig);
        let fresh = cx.sig.fresh_symbol(
            Symbol::intern("l2s_when_value"),
            args.clone(),
            ret,
            Role::Local,
        );
        cx.fresh.insert(b.sym, fresh);
        if b.kind == Kind::When(WhenKind::Next) {
            let oc =
                cx.sig
                    .fresh_symbol(Symbol::intern("l2s_old"), args, SortId::BOOL, Role::Local);
            cx.old_cond.insert(b.sym, oc);
        }
    }
    for b in &cx.binders.list {
        symbols.insert(b.sym, L2sSymbol::Binder(b.text.clone()));
    }

    // ---- building blocks ----
    let assume_g = cx.assume_g_axioms();
    let assume_when = cx.assume_when_axioms();
    let assume_w: Vec<Cmd> = waits
        .iter()
        .map(|&i| {
            let b = cx.b(i);
            Cmd::Assume(Term::forall(
                b.params.clone(),
                Term::not(Term::and([b.body.clone(), b.app()])),
            ))
        })
        .collect();
    let assume_init: Vec<Cmd> = inits
        .iter()
        .map(|&i| {
            let b = cx.b(i);
            Cmd::Assume(Term::forall(
                b.params.clone(),
                Term::eq(b.app(), b.body.clone()),
            ))
        })
        .collect();
    let add_consts: Vec<Cmd> = consts
        .iter()
        .filter_map(|&(c, s)| cx.add_to_domain(Term::constant(c), s))
        .collect();
    let reset_a: Vec<Cmd> = sorts
        .iter()
        .filter_map(|s| {
            let (d, a) = (*cx.domain.get(s)?, *cx.frozen_domain.get(s)?);
            let x = Var::new("X", *s);
            Some(Cmd::assign(a, vec![x], Term::app(d, vec![Term::var(x)])))
        })
        .collect();
    let save_state: Vec<Cmd> = saves
        .iter()
        .map(|&i| {
            let b = cx.b(i);
            Cmd::assign(b.sym, b.params.clone(), b.body.clone())
        })
        .collect();
    let done_waiting: Vec<Term> = waits
        .iter()
        .map(|&i| {
            let b = cx.b(i);
            Term::forall(b.params.clone(), Term::not(b.app()))
        })
        .collect();

    // The fair cycle: saved, nothing waited for, and the frozen part of
    // the state equal to the saved one.
    let mut fair = vec![Term::constant(saved)];
    fair.extend(done_waiting.iter().cloned());
    for &i in &saves {
        let b = cx.b(i);
        let guards: Vec<Term> = b
            .params
            .iter()
            .filter_map(|v| cx.guard(v, &cx.frozen_domain))
            .collect();
        let ret = b.body.sort_of(&cx.sig);
        let same = match cx.sig.sort_kind(ret) {
            SortKind::Bool => Some(Term::iff(b.app(), b.body.clone())),
            SortKind::Uninterpreted
            | SortKind::Int
            | SortKind::Nat
            | SortKind::Str
            | SortKind::BitVec(_) => {
                let mut g = guards.clone();
                if let Some(&a) = cx.frozen_domain.get(&ret) {
                    g.push(Term::or([
                        Term::app(a, vec![b.app()]),
                        Term::app(a, vec![b.body.clone()]),
                    ]));
                }
                Some(Term::implies(
                    Term::and(g),
                    Term::eq(b.app(), b.body.clone()),
                ))
                .map(|t| Term::forall(b.params.clone(), t))
            }
            SortKind::Enum(_) | SortKind::Range { .. } => None,
        };
        if let Some(t) = same {
            let t = match cx.sig.sort_kind(ret) {
                SortKind::Bool => {
                    Term::forall(b.params.clone(), Term::implies(Term::and(guards), t))
                }
                _ => t,
            };
            fair.push(t);
        }
    }
    let no_fair_cycle = Cmd::Assert(
        Term::not(Term::and(fair.clone())).with_span(prop.property.span),
        AssertInfo {
            kind: AssertKind::Assert,
            span: prop.property.span,
            label: prop.property.label,
        },
    );
    // A proof of the fair-cycle assertion (`tactic l2s with ... proof
    // {...}`), run by sema: as in ms-ivy, the goals it left are checked
    // where the assertion is, then the assertion (as sema wrote it) is
    // assumed. The construction's own assertion follows unless the
    // assumption visibly implies it, so no check is lost if the two were
    // written differently.
    let mut fair_cycle_checks = Vec::new();
    let mut fair_cycle_implied = false;
    if let Some(fc) = fair_cycle {
        let known = cx.binders.list.len();
        for g in &fc.subgoals {
            let f = cx.binders.lower(&mut cx.sig, &g.formula);
            fair_cycle_checks.push(Cmd::Assert(
                f.with_span(g.span),
                AssertInfo {
                    kind: AssertKind::Assert,
                    span: g.span,
                    label: g.label,
                },
            ));
        }
        let goal = cx.binders.lower(&mut cx.sig, &fc.goal);
        // Only an assumption over the binders the construction maintains:
        // a binder made here would be an unconstrained symbol, and assuming
        // a formula over it could hide states.
        let maintained = goal
            .symbols()
            .iter()
            .all(|s| cx.binders.by_sym.get(s).is_none_or(|&i| i < known));
        if maintained {
            // When the assumption is the construction's assertion (each of
            // its conjuncts one of the assertion's, up to bound variable
            // names), the assertion is not checked again.
            let same = implies_fair_cycle(&goal, &fair);
            fair_cycle_checks.push(Cmd::Assume(goal));
            fair_cycle_implied = same;
        }
    }

    // ---- the monitor and the idle action ----
    let edge = |from: SymId, to: SymId| {
        vec![
            Cmd::Assume(Term::constant(from)),
            Cmd::assign(from, vec![], Term::fls()),
            Cmd::assign(to, vec![], Term::tru()),
        ]
    };
    let mut freeze = edge(waiting, frozen);
    freeze.extend(done_waiting.iter().cloned().map(Cmd::Assume));
    freeze.extend(reset_a);
    let mut save = edge(frozen, saved);
    save.extend(save_state);
    save.extend(reset_w.iter().cloned());
    let monitor = Cmd::Choice(vec![Cmd::seq(freeze), Cmd::seq(save), Cmd::Skip]);
    let mut idle_body = vec![monitor];
    idle_body.extend(assume_g.iter().cloned());
    idle_body.extend(add_consts.iter().cloned());
    idle_body.extend(fair_cycle_checks);
    if !fair_cycle_implied {
        idle_body.push(no_fair_cycle);
    }
    let idle_name = {
        let mut n = Symbol::intern("idle");
        let mut k = 1;
        while sys.actions.iter().any(|a| a.name == n) {
            n = Symbol::intern(&format!("idle#{k}"));
            k += 1;
        }
        n
    };

    // ---- init ----
    let mut init = vec![strip_assertions(&sys.init)];
    init.push(Cmd::assign(waiting, vec![], Term::tru()));
    init.push(Cmd::assign(frozen, vec![], Term::fls()));
    init.push(Cmd::assign(saved, vec![], Term::fls()));
    init.extend(add_consts.iter().cloned());
    init.extend(reset_w);
    init.extend(assume_g.iter().cloned());
    init.extend(assume_init);
    init.push(Cmd::Assume(not_lf));

    // ---- the actions ----
    let mut actions = Vec::new();
    for a in &sys.actions {
        let mut body: Vec<Cmd> = a
            .params
            .iter()
            .filter_map(|&p| {
                let s = cx.sig.symbol(p).ret;
                cx.add_to_domain(Term::constant(p), s)
            })
            .collect();
        body.extend(assume_g.iter().cloned());
        body.extend(assume_when.iter().cloned());
        body.extend(assume_w.iter().cloned());
        let stripped = strip_assertions(&a.body);
        body.push(cx.instrument(&stripped));
        body.extend(add_consts.iter().cloned());
        actions.push(Action {
            body: Cmd::seq(body),
            ..a.clone()
        });
    }
    actions.push(Action {
        name: idle_name,
        params: vec![],
        returns: vec![],
        body: Cmd::seq(idle_body),
        span: prop.property.span,
        exported: true,
        internal: false,
    });

    // ---- the system ----
    let mut nested = sys.nested.clone();
    nested.extend(sys.invariants.iter().filter(|p| !p.explicit).cloned());
    let mut assumed = sys.assumed.clone();
    assumed.extend(asms);
    let mut lemmas = sys.properties.clone();
    lemmas.extend(sys.lemmas.iter().cloned());
    let system = System {
        sig: cx.sig,
        axioms: sys.axioms.clone(),
        init: Cmd::seq(init),
        actions,
        invariants: invs,
        assumed,
        nested,
        properties: Vec::new(),
        lemmas,
        definitions: sys.definitions.clone(),
        temporal: Default::default(),
        // Facts proved elsewhere stay assumed; the goals are checked by
        // the unit's own obligations.
        goals: Vec::new(),
        proved: sys.proved.clone(),
    };
    Ok(L2sUnit {
        property: index,
        label: prop.property.label,
        span: prop.property.span,
        reduction: Reduction::L2s,
        system,
        symbols,
        phase: Some([waiting, frozen, saved]),
        idle: Some(idle_name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fair_cycle_goal_implies_the_assertion_up_to_bound_names() {
        let mut sig = Signature::new();
        let n = sig.add_uninterpreted_sort("node");
        let saved = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("l2s_saved"),
            vec![],
            SortId::BOOL,
            Role::State,
        ));
        let w = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("w"),
            vec![n],
            SortId::BOOL,
            Role::State,
        ));
        let (x, y) = (Var::new("X", n), Var::new("Y", n));
        let wait = |v: Var| Term::forall(vec![v], Term::not(Term::app_vars(w, &[v])));
        let fair = vec![Term::constant(saved), wait(x)];
        let goal = Term::not(Term::and([wait(y), Term::constant(saved)]));
        assert!(implies_fair_cycle(&goal, &fair));
        // A conjunct the assertion does not have: not implied.
        let other = Term::not(Term::and([wait(y), Term::app(w, vec![Term::var(y)])]));
        assert!(!implies_fair_cycle(&other, &fair));
        assert!(!implies_fair_cycle(&Term::constant(saved), &fair));
    }

    #[test]
    fn infinite_sorts_are_the_uninterpreted_and_integer_ones() {
        let mut sig = Signature::new();
        let n = sig.add_uninterpreted_sort("node");
        assert!(infinite(&sig, n));
        assert!(!infinite(&sig, SortId::BOOL));
    }
}
