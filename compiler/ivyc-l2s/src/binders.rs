//! The binders of the l2s construction: every temporal subformula and named
//! binder of the property, the temporal axioms and the proof's invariants
//! becomes one state symbol of the transformed system, applied to the
//! variables its body mentions. Bodies are normalized as Ivy normalizes
//! them (variables renamed `V#0`, `V#1`, ... in order), so that the same
//! formula written twice (`globally p(X)`, `globally p(Y)`) is one symbol.
//! `eventually p` is `~globally ~p`; `$was. p` saves the atoms of `p`
//! (`l2s_saved & $l2s_s ...`); `$happened. p` is `l2s_saved & ~$l2s_w . p`;
//! `v whenfirst c` is the initial value of `v whennext c`.

use ivyc_base::Symbol;
use ivyc_logic::{
    BinderName, Role, Signature, SortId, SymId, SymbolDecl, Temporal, TemporalKind, Term, TermKind,
    Var, WhenKind,
};
use std::collections::{BTreeSet, HashMap};

/// The kind of a binder of the construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `globally body`: the tableau variable.
    Globally,
    /// `$l2s_w`: waiting for `body` (an eventuality not yet fulfilled).
    Wait,
    /// `$l2s_s`: the value of `body` when the state was saved.
    Saved,
    /// `$l2s_init`: the value of `body` in the initial state.
    Init,
    /// `body whennext cond` / `whenprev` / `whenlast`.
    When(WhenKind),
}

/// One binder: `sym(params) = kind(body)`.
#[derive(Clone, Debug)]
pub struct Binder {
    pub kind: Kind,
    /// Normalized variables `V#0`, ...
    pub params: Vec<Var>,
    pub body: Term,
    /// The condition of a `when` binder.
    pub cond: Option<Term>,
    pub sym: SymId,
    /// The symbols the body (and condition) mention, also through the
    /// binders nested in it: a statement writing one of them is an event
    /// of this binder.
    pub deep: BTreeSet<SymId>,
    /// Display text in Ivy syntax.
    pub text: String,
}

impl Binder {
    /// `sym(V#0, ...)`.
    pub fn app(&self) -> Term {
        Term::app_vars(self.sym, &self.params)
    }
}

/// The binders of one construction.
pub struct Binders<'t> {
    temporal: &'t Temporal,
    pub list: Vec<Binder>,
    index: HashMap<(Kind, Vec<SortId>, Term, Option<Term>), usize>,
    pub by_sym: HashMap<SymId, usize>,
    /// Sema's l2s vocabulary placeholders -> the construction's symbols.
    builtins: HashMap<SymId, SymId>,
    /// `l2s_saved` (for `$was` / `$happened`).
    saved: SymId,
}

fn vars(vs: &[Var]) -> Vec<Term> {
    vs.iter().map(|&v| Term::var(v)).collect()
}

/// Renames `params` to `V#0`, `V#1`, ... in `body` (and `cond`).
fn normalize(params: &[Var], body: &Term, cond: Option<&Term>) -> (Vec<Var>, Term, Option<Term>) {
    let nparams: Vec<Var> = params
        .iter()
        .enumerate()
        .map(|(i, v)| Var {
            name: Symbol::intern(&format!("V#{i}")),
            sort: v.sort,
        })
        .collect();
    let map: HashMap<Var, Term> = params
        .iter()
        .zip(&nparams)
        .map(|(p, n)| (*p, Term::var(*n)))
        .collect();
    (
        nparams,
        body.subst_vars(&map),
        cond.map(|c| c.subst_vars(&map)),
    )
}

/// The free variables of the terms, in first-occurrence order.
fn free_vars_of(ts: &[&Term]) -> Vec<Var> {
    let mut out: Vec<Var> = Vec::new();
    for t in ts {
        for v in t.free_vars() {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

impl<'t> Binders<'t> {
    pub fn new(temporal: &'t Temporal, builtins: HashMap<SymId, SymId>, saved: SymId) -> Self {
        Binders {
            temporal,
            list: Vec::new(),
            index: HashMap::new(),
            by_sym: HashMap::new(),
            builtins,
            saved,
        }
    }

    /// The binder of `sym`, if it is one.
    pub fn get(&self, sym: SymId) -> Option<&Binder> {
        self.by_sym.get(&sym).and_then(|&i| self.list.get(i))
    }

    /// The binder `kind(params. body)` (created on first use) applied to
    /// `args`.
    pub fn make(
        &mut self,
        sig: &mut Signature,
        kind: Kind,
        params: &[Var],
        body: Term,
        cond: Option<Term>,
        args: Vec<Term>,
    ) -> Term {
        let (nparams, nbody, ncond) = normalize(params, &body, cond.as_ref());
        let sorts: Vec<SortId> = nparams.iter().map(|v| v.sort).collect();
        let key = (kind, sorts.clone(), nbody.clone(), ncond.clone());
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let ret = nbody.sort_of(sig);
                let text = self.display(sig, kind, &nparams, &nbody, ncond.as_ref());
                let name = Symbol::intern(&text);
                let name = if sig.symbols_named(name).is_empty() {
                    name
                } else {
                    sig.fresh_name(name)
                };
                let sym = sig.add_symbol(SymbolDecl::new(name, sorts, ret, Role::State));
                let mut deep = BTreeSet::new();
                for t in std::iter::once(&nbody).chain(ncond.as_ref()) {
                    for s in t.symbols() {
                        deep.insert(s);
                        if let Some(b) = self.get(s) {
                            deep.extend(b.deep.iter().copied());
                        }
                    }
                }
                let i = self.list.len();
                self.list.push(Binder {
                    kind,
                    params: nparams,
                    body: nbody,
                    cond: ncond,
                    sym,
                    deep,
                    text,
                });
                self.index.insert(key, i);
                self.by_sym.insert(sym, i);
                i
            }
        };
        Term::app(self.list[i].sym, args)
    }

    /// The display text of a binder, in Ivy syntax with `V0`, `V1`, ...
    fn display(
        &self,
        sig: &Signature,
        kind: Kind,
        params: &[Var],
        body: &Term,
        cond: Option<&Term>,
    ) -> String {
        let vs: Vec<String> = (0..params.len()).map(|i| format!("V{i}")).collect();
        let clean = |t: &Term| t.pretty(sig).replace("V#", "V");
        let head = |name: &str| {
            if vs.is_empty() {
                format!("${name} .")
            } else {
                format!("${name} {}.", vs.join(","))
            }
        };
        match kind {
            Kind::Globally if vs.is_empty() => format!("globally {}", clean(body)),
            Kind::Globally => format!("{} {}", head("l2s_g"), clean(body)),
            Kind::Wait => format!("{} {}", head("l2s_w"), clean(body)),
            Kind::Saved => format!("{} {}", head("l2s_s"), clean(body)),
            Kind::Init => format!("{} {}", head("l2s_init"), clean(body)),
            Kind::When(w) => {
                // Operands other than atoms in parentheses: `(p -> q)
                // whennext (~r)` reads as Ivy parses it.
                let operand = |t: &Term| {
                    let s = clean(t);
                    if s.contains(' ') {
                        format!("({s})")
                    } else {
                        s
                    }
                };
                format!(
                    "({} {} {})",
                    operand(body),
                    w.as_str(),
                    cond.map(operand).unwrap_or_default()
                )
            }
        }
    }

    /// `globally body`, over the free variables of `body`.
    pub fn globally(&mut self, sig: &mut Signature, body: Term) -> Term {
        let vs = body.free_vars();
        let args = vars(&vs);
        self.make(sig, Kind::Globally, &vs, body, None, args)
    }

    /// `eventually body` = `~globally ~body`.
    pub fn eventually(&mut self, sig: &mut Signature, body: Term) -> Term {
        Term::not(self.globally(sig, Term::not(body)))
    }

    /// Replaces every temporal placeholder of `t` (and sema's l2s names)
    /// by the construction's binders.
    pub fn lower(&mut self, sig: &mut Signature, t: &Term) -> Term {
        let temporal = self.temporal;
        let TermKind::App(s, args) = &t.kind else {
            return t.map_children(&mut |c| self.lower(sig, c));
        };
        let args: Vec<Term> = args.iter().map(|a| self.lower(sig, a)).collect();
        if let Some(&b) = self.builtins.get(s) {
            return Term::app(b, args).with_span(t.span);
        }
        let Some(op) = temporal.ops.get(s) else {
            return Term::app(*s, args).with_span(t.span);
        };
        let inst = |args: &[Term]| temporal.instantiate(*s, args);
        let out = match op.kind {
            TemporalKind::Globally => match inst(&args) {
                Some((_, body, _)) => {
                    let body = self.lower(sig, &body);
                    self.globally(sig, body)
                }
                None => Term::tru(),
            },
            TemporalKind::Eventually => match inst(&args) {
                Some((_, body, _)) => {
                    let body = self.lower(sig, &body);
                    self.eventually(sig, body)
                }
                None => Term::tru(),
            },
            TemporalKind::Binder(BinderName::Was) => match inst(&args) {
                Some((_, body, _)) => {
                    let was = self.apply_was(sig, &body);
                    Term::and([Term::constant(self.saved), was])
                }
                None => Term::tru(),
            },
            TemporalKind::Binder(BinderName::Happened) => match inst(&args) {
                Some((_, body, _)) => {
                    let vs = body.free_vars();
                    let lowered = self.lower(sig, &body);
                    let w = self.make(sig, Kind::Wait, &vs, lowered, None, vars(&vs));
                    Term::and([Term::constant(self.saved), Term::not(w)])
                }
                None => Term::tru(),
            },
            TemporalKind::Binder(b) => {
                let kind = match b {
                    BinderName::Wait => Kind::Wait,
                    BinderName::Saved => Kind::Saved,
                    BinderName::Init => Kind::Init,
                    _ => Kind::Globally,
                };
                let body = self.lower(sig, &op.body);
                self.make(sig, kind, &op.params, body, None, args)
            }
            TemporalKind::When(w) => match inst(&args) {
                Some((_, value, Some(cond))) => {
                    let value = self.lower(sig, &value);
                    let cond = self.lower(sig, &cond);
                    let vs = free_vars_of(&[&cond, &value]);
                    match w {
                        WhenKind::First => {
                            let next = self.make(
                                sig,
                                Kind::When(WhenKind::Next),
                                &vs,
                                value,
                                Some(cond),
                                vars(&vs),
                            );
                            self.make(sig, Kind::Init, &vs, next, None, vars(&vs))
                        }
                        w => self.make(sig, Kind::When(w), &vs, value, Some(cond), vars(&vs)),
                    }
                }
                _ => Term::tru(),
            },
        };
        out.with_span(t.span)
    }

    /// `$was. p`: the atoms of `p` (under `~ & | -> <->`) replaced by their
    /// saved values.
    fn apply_was(&mut self, sig: &mut Signature, e: &Term) -> Term {
        match &e.kind {
            TermKind::Not(a) => Term::not(self.apply_was(sig, a)),
            TermKind::And(xs) => {
                let xs: Vec<Term> = xs.iter().map(|x| self.apply_was(sig, x)).collect();
                Term::and(xs)
            }
            TermKind::Or(xs) => {
                let xs: Vec<Term> = xs.iter().map(|x| self.apply_was(sig, x)).collect();
                Term::or(xs)
            }
            TermKind::Implies(a, b) => {
                let a = self.apply_was(sig, a);
                let b = self.apply_was(sig, b);
                Term::implies(a, b)
            }
            TermKind::Iff(a, b) => {
                let a = self.apply_was(sig, a);
                let b = self.apply_was(sig, b);
                Term::iff(a, b)
            }
            _ => {
                let vs = e.free_vars();
                let lowered = self.lower(sig, e);
                self.make(sig, Kind::Saved, &vs, lowered, None, vars(&vs))
            }
        }
    }

    /// The binders mentioned by the terms, also through the bodies of the
    /// binders they mention, in creation order.
    pub fn reachable(&self, terms: &[&Term]) -> Vec<usize> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<SymId> = terms.iter().flat_map(|t| t.symbols()).collect();
        while let Some(s) = stack.pop() {
            if let Some(&i) = self.by_sym.get(&s) {
                if seen.insert(i) {
                    let b = &self.list[i];
                    stack.extend(b.body.symbols());
                    if let Some(c) = &b.cond {
                        stack.extend(c.symbols());
                    }
                }
            }
        }
        seen.into_iter().collect()
    }

    /// Indices of the binders of one kind, in creation order.
    pub fn of_kind(&self, kind: Kind) -> Vec<usize> {
        (0..self.list.len())
            .filter(|&i| self.list[i].kind == kind)
            .collect()
    }
}
