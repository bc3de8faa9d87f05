//! Terms and formulas: logical variables, the `Term` tree (with spans),
//! smart constructors, sorts of terms, free variables, capture-avoiding
//! substitution of variables and of symbols by lambdas, symbol collection.

use crate::signature::{Signature, SymId};
use crate::sort::{SortId, SortKind};
use ivyc_base::{Span, Symbol};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// A logical variable (bound by a quantifier, or free in a formula that is
/// implicitly universally quantified). Identity is name *and* sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var {
    pub name: Symbol,
    pub sort: SortId,
}

impl Var {
    pub fn new(name: &str, sort: SortId) -> Var {
        Var {
            name: Symbol::intern(name),
            sort,
        }
    }
}

/// Interpreted operators on interpreted (numeric / bit-vector) sorts. The
/// operands all have the same sort; comparisons return bool, the others
/// return the operand sort. On `nat`, `Sub` is truncated at 0 (as in Ivy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuiltinOp {
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    /// Bitwise and (`bvand`), bit vectors only.
    BvAnd,
    /// Bitwise or (`bvor`), bit vectors only.
    BvOr,
    /// Bitwise not (`bvnot`, unary), bit vectors only.
    BvNot,
}

impl BuiltinOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BuiltinOp::Lt | BuiltinOp::Le | BuiltinOp::Gt | BuiltinOp::Ge
        )
    }

    /// Ivy surface syntax of the operator.
    pub fn as_str(self) -> &'static str {
        match self {
            BuiltinOp::Lt => "<",
            BuiltinOp::Le => "<=",
            BuiltinOp::Gt => ">",
            BuiltinOp::Ge => ">=",
            BuiltinOp::Add => "+",
            BuiltinOp::Sub => "-",
            BuiltinOp::Mul => "*",
            BuiltinOp::Div => "/",
            BuiltinOp::BvAnd => "bvand",
            BuiltinOp::BvOr => "bvor",
            BuiltinOp::BvNot => "bvnot",
        }
    }
}

/// A term or formula (formulas are terms of sort bool). Equality and hashing
/// ignore spans: two terms are equal iff they are syntactically identical.
#[derive(Clone, Debug)]
pub struct Term {
    pub kind: TermKind,
    pub span: Option<Span>,
}

impl PartialEq for Term {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for Term {}

impl Hash for Term {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TermKind {
    Bool(bool),
    /// A numeral of an interpreted numeric sort (int, nat, bv). Numerals on
    /// uninterpreted sorts are not `Num`: sema declares them as `Rigid`
    /// constants named by the numeral (as Ivy does).
    Num(i128, SortId),
    /// A string literal of a `strlit`-interpreted sort.
    Str(Symbol, SortId),
    Var(Var),
    /// Application of a symbol (0-ary for individuals/constants).
    App(SymId, Vec<Term>),
    Eq(Box<Term>, Box<Term>),
    Not(Box<Term>),
    And(Vec<Term>),
    Or(Vec<Term>),
    Implies(Box<Term>, Box<Term>),
    Iff(Box<Term>, Box<Term>),
    /// `if c then t else e`, of the sort of `t`.
    Ite(Box<Term>, Box<Term>, Box<Term>),
    Forall(Vec<Var>, Box<Term>),
    Exists(Vec<Var>, Box<Term>),
    Builtin(BuiltinOp, Vec<Term>),
}

impl From<TermKind> for Term {
    fn from(kind: TermKind) -> Term {
        Term { kind, span: None }
    }
}

// ------------------------------------------------------------------------
// Constructors
// ------------------------------------------------------------------------

impl Term {
    /// A term without span.
    pub fn new(kind: TermKind) -> Term {
        Term { kind, span: None }
    }

    pub fn with_span(mut self, span: Option<Span>) -> Term {
        self.span = span;
        self
    }

    pub fn tru() -> Term {
        Term::new(TermKind::Bool(true))
    }

    pub fn fls() -> Term {
        Term::new(TermKind::Bool(false))
    }

    pub fn bool(b: bool) -> Term {
        Term::new(TermKind::Bool(b))
    }

    pub fn num(n: i128, sort: SortId) -> Term {
        Term::new(TermKind::Num(n, sort))
    }

    pub fn var(v: Var) -> Term {
        Term::new(TermKind::Var(v))
    }

    pub fn app(sym: SymId, args: Vec<Term>) -> Term {
        Term::new(TermKind::App(sym, args))
    }

    /// A 0-ary application.
    pub fn constant(sym: SymId) -> Term {
        Term::app(sym, vec![])
    }

    /// `sym(X1, .., Xn)` over the given variables.
    pub fn app_vars(sym: SymId, vars: &[Var]) -> Term {
        Term::app(sym, vars.iter().map(|&v| Term::var(v)).collect())
    }

    pub fn builtin(op: BuiltinOp, args: Vec<Term>) -> Term {
        Term::new(TermKind::Builtin(op, args))
    }

    /// `a = b`; syntactically identical sides give `true`.
    pub fn eq(a: Term, b: Term) -> Term {
        if a == b {
            return Term::tru();
        }
        Term::new(TermKind::Eq(Box::new(a), Box::new(b)))
    }

    /// Negation; removes double negation and folds constants.
    #[allow(clippy::should_implement_trait)]
    pub fn not(a: Term) -> Term {
        match a.kind {
            TermKind::Bool(b) => Term::bool(!b).with_span(a.span),
            TermKind::Not(inner) => *inner,
            kind => Term::new(TermKind::Not(Box::new(Term { kind, span: a.span }))),
        }
    }

    /// Conjunction: flattens nested `And`, drops `true`, `false` absorbs;
    /// empty gives `true`, singleton gives the element. Duplicates removed.
    pub fn and(items: impl IntoIterator<Item = Term>) -> Term {
        let mut acc = Dedup::default();
        for t in items {
            match t.kind {
                TermKind::Bool(true) => {}
                TermKind::Bool(false) => return Term::fls(),
                TermKind::And(xs) => {
                    for x in xs {
                        acc.push(x)
                    }
                }
                _ => acc.push(t),
            }
        }
        let mut out = acc.items;
        match out.len() {
            0 => Term::tru(),
            1 => out.pop().unwrap_or_else(Term::tru),
            _ => Term::new(TermKind::And(out)),
        }
    }

    /// Disjunction, dual of [`Term::and`].
    pub fn or(items: impl IntoIterator<Item = Term>) -> Term {
        let mut acc = Dedup::default();
        for t in items {
            match t.kind {
                TermKind::Bool(false) => {}
                TermKind::Bool(true) => return Term::tru(),
                TermKind::Or(xs) => {
                    for x in xs {
                        acc.push(x)
                    }
                }
                _ => acc.push(t),
            }
        }
        let mut out = acc.items;
        match out.len() {
            0 => Term::fls(),
            1 => out.pop().unwrap_or_else(Term::fls),
            _ => Term::new(TermKind::Or(out)),
        }
    }

    /// `a -> b` with constant folding.
    pub fn implies(a: Term, b: Term) -> Term {
        match (&a.kind, &b.kind) {
            (TermKind::Bool(true), _) => b,
            (TermKind::Bool(false), _) | (_, TermKind::Bool(true)) => Term::tru(),
            (_, TermKind::Bool(false)) => Term::not(a),
            _ => Term::new(TermKind::Implies(Box::new(a), Box::new(b))),
        }
    }

    /// `a <-> b` with constant folding.
    pub fn iff(a: Term, b: Term) -> Term {
        match (&a.kind, &b.kind) {
            (TermKind::Bool(true), _) => b,
            (_, TermKind::Bool(true)) => a,
            (TermKind::Bool(false), _) => Term::not(b),
            (_, TermKind::Bool(false)) => Term::not(a),
            _ if a == b => Term::tru(),
            _ => Term::new(TermKind::Iff(Box::new(a), Box::new(b))),
        }
    }

    /// `t if c else e` as written, without simplification: a conditional
    /// term of the source keeps its shape, as in Ivy, whose fragment check
    /// treats `X if c else X` over a universal `X` unlike `X`.
    pub fn ite_as_written(c: Term, t: Term, e: Term) -> Term {
        Term::new(TermKind::Ite(Box::new(c), Box::new(t), Box::new(e)))
    }

    /// `if c then t else e` with constant condition / equal branches folded.
    pub fn ite(c: Term, t: Term, e: Term) -> Term {
        match c.kind {
            TermKind::Bool(true) => t,
            TermKind::Bool(false) => e,
            _ if t == e => t,
            _ => Term::new(TermKind::Ite(Box::new(c), Box::new(t), Box::new(e))),
        }
    }

    /// `forall vars. body`; no binders gives `body`; a constant body is
    /// returned as is; nested foralls are merged.
    pub fn forall(vars: Vec<Var>, body: Term) -> Term {
        if vars.is_empty() || matches!(body.kind, TermKind::Bool(_)) {
            return body;
        }
        match body.kind {
            TermKind::Forall(inner, b) if inner.iter().all(|v| !vars.contains(v)) => {
                let mut all = vars;
                all.extend(inner);
                Term::new(TermKind::Forall(all, b))
            }
            kind => Term::new(TermKind::Forall(
                vars,
                Box::new(Term {
                    kind,
                    span: body.span,
                }),
            )),
        }
    }

    /// `exists vars. body`, dual of [`Term::forall`].
    pub fn exists(vars: Vec<Var>, body: Term) -> Term {
        if vars.is_empty() || matches!(body.kind, TermKind::Bool(_)) {
            return body;
        }
        match body.kind {
            TermKind::Exists(inner, b) if inner.iter().all(|v| !vars.contains(v)) => {
                let mut all = vars;
                all.extend(inner);
                Term::new(TermKind::Exists(all, b))
            }
            kind => Term::new(TermKind::Exists(
                vars,
                Box::new(Term {
                    kind,
                    span: body.span,
                }),
            )),
        }
    }

    /// Universal closure over the free variables (in first-occurrence order).
    pub fn close_forall(self) -> Term {
        let fv = self.free_vars();
        Term::forall(fv, self)
    }

    // --------------------------------------------------------------------
    // Queries
    // --------------------------------------------------------------------

    pub fn is_true(&self) -> bool {
        matches!(self.kind, TermKind::Bool(true))
    }

    pub fn is_false(&self) -> bool {
        matches!(self.kind, TermKind::Bool(false))
    }

    /// The conjuncts of a formula (itself if it is not a conjunction).
    pub fn conjuncts(&self) -> Vec<&Term> {
        match &self.kind {
            TermKind::And(xs) => xs.iter().collect(),
            _ => vec![self],
        }
    }

    /// The sort of the term. Ill-sorted terms get the sort of their most
    /// natural reading (no checking is done here; see [`Term::check_sorts`]).
    pub fn sort_of(&self, sig: &Signature) -> SortId {
        match &self.kind {
            TermKind::Num(_, s) | TermKind::Str(_, s) => *s,
            TermKind::Var(v) => v.sort,
            TermKind::App(f, _) => sig.symbol(*f).ret,
            TermKind::Ite(_, t, _) => t.sort_of(sig),
            TermKind::Builtin(op, args) => {
                if op.is_comparison() {
                    SortId::BOOL
                } else {
                    args.first().map(|a| a.sort_of(sig)).unwrap_or(SortId::BOOL)
                }
            }
            _ => SortId::BOOL,
        }
    }

    /// Immediate subterms, in order.
    pub fn children(&self) -> Vec<&Term> {
        match &self.kind {
            TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) | TermKind::Var(_) => {
                vec![]
            }
            TermKind::App(_, xs)
            | TermKind::And(xs)
            | TermKind::Or(xs)
            | TermKind::Builtin(_, xs) => xs.iter().collect(),
            TermKind::Eq(a, b) | TermKind::Implies(a, b) | TermKind::Iff(a, b) => {
                vec![a, b]
            }
            TermKind::Not(a) | TermKind::Forall(_, a) | TermKind::Exists(_, a) => vec![a],
            TermKind::Ite(c, t, e) => vec![c, t, e],
        }
    }

    /// Calls `f` on every subterm (pre-order, including `self`). Iterative.
    pub fn visit(&self, mut f: impl FnMut(&Term)) {
        let mut stack = vec![self];
        while let Some(t) = stack.pop() {
            f(t);
            let ch = t.children();
            stack.extend(ch.into_iter().rev());
        }
    }

    /// Free variables in first-occurrence order, without duplicates.
    pub fn free_vars(&self) -> Vec<Var> {
        let mut out = Vec::new();
        let mut bound = Vec::new();
        free_vars_rec(self, &mut bound, &mut out);
        out
    }

    pub fn is_closed(&self) -> bool {
        self.free_vars().is_empty()
    }

    /// Symbols occurring in the term, in first-occurrence order.
    pub fn symbols(&self) -> Vec<SymId> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        self.visit(|t| {
            if let TermKind::App(f, _) = &t.kind {
                if seen.insert(*f) {
                    out.push(*f)
                }
            }
        });
        out
    }

    pub fn mentions(&self, sym: SymId) -> bool {
        let mut found = false;
        self.visit(|t| {
            if let TermKind::App(f, _) = &t.kind {
                found |= *f == sym;
            }
        });
        found
    }

    /// Number of nodes (for blow-up diagnostics and tests).
    pub fn size(&self) -> usize {
        let mut n = 0;
        self.visit(|_| n += 1);
        n
    }

    /// Checks well-sortedness against the signature.
    pub fn check_sorts(&self, sig: &Signature) -> Result<(), SortError> {
        check_sorts_rec(self, sig)
    }

    // --------------------------------------------------------------------
    // Transformations
    // --------------------------------------------------------------------

    /// The term with every variable named with an internal `#` (`V#0`,
    /// made by a construction such as l2s) renamed to a name the user can
    /// read and type: the name without the `#` (`V0`), or the first of
    /// `V0_1`, `V0_2`, ... that neither the term nor `taken` (e.g. words
    /// of the symbol names printed with it) uses. The renaming is global
    /// and injective, so binders and their occurrences stay together and
    /// nothing is captured.
    pub fn readable_var_names(&self, taken: &HashSet<String>) -> Term {
        let mut used: HashSet<String> = taken.clone();
        let mut internal: Vec<Var> = Vec::new();
        self.visit(|t| {
            let vs: Vec<Var> = match &t.kind {
                TermKind::Var(v) => vec![*v],
                TermKind::Forall(vs, _) | TermKind::Exists(vs, _) => vs.clone(),
                _ => Vec::new(),
            };
            for v in vs {
                if v.name.as_str().contains('#') {
                    if !internal.contains(&v) {
                        internal.push(v);
                    }
                } else {
                    used.insert(v.name.as_str().to_string());
                }
            }
        });
        if internal.is_empty() {
            return self.clone();
        }
        let mut map: HashMap<Var, Var> = HashMap::new();
        for v in internal {
            let base = v.name.as_str().replace('#', "");
            let mut name = base.clone();
            let mut k = 0;
            while used.contains(&name) {
                k += 1;
                name = format!("{base}_{k}");
            }
            used.insert(name.clone());
            map.insert(v, Var::new(&name, v.sort));
        }
        let rename = |v: &Var| map.get(v).copied().unwrap_or(*v);
        self.map_bottom_up(&mut |t| {
            let kind = match t.kind {
                TermKind::Var(v) => TermKind::Var(rename(&v)),
                TermKind::Forall(vs, b) => TermKind::Forall(vs.iter().map(rename).collect(), b),
                TermKind::Exists(vs, b) => TermKind::Exists(vs.iter().map(rename).collect(), b),
                k => k,
            };
            Term { kind, span: t.span }
        })
    }

    /// Rebuilds the term bottom-up, applying `f` to every rebuilt node
    /// (post-order). Binders are not renamed: `f` must not capture.
    pub fn map_bottom_up(&self, f: &mut impl FnMut(Term) -> Term) -> Term {
        let t = self.map_children(&mut |c| c.map_bottom_up(f));
        f(t)
    }

    /// The same node with `f` applied to each direct subterm (binders kept,
    /// not renamed).
    pub fn map_children(&self, f: &mut impl FnMut(&Term) -> Term) -> Term {
        let mut g = |x: &Term| Box::new(f(x));
        let kind = match &self.kind {
            TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) | TermKind::Var(_) => {
                self.kind.clone()
            }
            TermKind::App(s, xs) => TermKind::App(*s, xs.iter().map(|x| *g(x)).collect()),
            TermKind::Builtin(o, xs) => TermKind::Builtin(*o, xs.iter().map(|x| *g(x)).collect()),
            TermKind::And(xs) => TermKind::And(xs.iter().map(|x| *g(x)).collect()),
            TermKind::Or(xs) => TermKind::Or(xs.iter().map(|x| *g(x)).collect()),
            TermKind::Eq(a, b) => TermKind::Eq(g(a), g(b)),
            TermKind::Implies(a, b) => TermKind::Implies(g(a), g(b)),
            TermKind::Iff(a, b) => TermKind::Iff(g(a), g(b)),
            TermKind::Not(a) => TermKind::Not(g(a)),
            TermKind::Ite(c, t, e) => TermKind::Ite(g(c), g(t), g(e)),
            TermKind::Forall(vs, b) => TermKind::Forall(vs.clone(), g(b)),
            TermKind::Exists(vs, b) => TermKind::Exists(vs.clone(), g(b)),
        };
        Term {
            kind,
            span: self.span,
        }
    }

    /// Renames symbols (e.g. state symbols to their primed / SSA copies).
    /// The renamed symbols must have the same sorts.
    pub fn rename_symbols(&self, map: &HashMap<SymId, SymId>) -> Term {
        if map.is_empty() {
            return self.clone();
        }
        self.map_bottom_up(&mut |t| match t.kind {
            TermKind::App(s, xs) => match map.get(&s) {
                Some(&s2) => Term {
                    kind: TermKind::App(s2, xs),
                    span: t.span,
                },
                None => Term {
                    kind: TermKind::App(s, xs),
                    span: t.span,
                },
            },
            kind => Term { kind, span: t.span },
        })
    }

    /// Replaces every 0-ary application of a symbol in `map` by the given
    /// term (typically a logical variable). The replacement terms' free
    /// variables are protected from capture.
    pub fn replace_constants(&self, map: &HashMap<SymId, Term>) -> Term {
        let lam: HashMap<SymId, Lambda> = map
            .iter()
            .map(|(&s, t)| {
                (
                    s,
                    Lambda {
                        params: vec![],
                        body: t.clone(),
                    },
                )
            })
            .collect();
        self.subst_symbols(&lam)
    }

    /// Capture-avoiding substitution of free variables. Bound variables
    /// that would capture a free variable of a substituted term are renamed
    /// (`X` becomes `X#1`, ...).
    pub fn subst_vars(&self, map: &HashMap<Var, Term>) -> Term {
        if map.is_empty() {
            return self.clone();
        }
        let mut avoid: HashSet<Symbol> = HashSet::new();
        for t in map.values() {
            for v in t.free_vars() {
                avoid.insert(v.name);
            }
        }
        subst_rec(self, map, &HashMap::new(), &avoid)
    }

    /// Substitutes each application `f(t1..tn)` with `f` in `map` by the
    /// lambda body with parameters bound to the (substituted) arguments:
    /// the substitution of a symbol by `lambda X1..Xn. body` used for
    /// parameterised updates `f(X) := body(X)`. Capture-avoiding: binders of
    /// `self` are renamed if they would capture free variables of a body
    /// other than its parameters.
    pub fn subst_symbols(&self, map: &HashMap<SymId, Lambda>) -> Term {
        if map.is_empty() {
            return self.clone();
        }
        let mut avoid: HashSet<Symbol> = HashSet::new();
        for l in map.values() {
            for v in l.body.free_vars() {
                if !l.params.contains(&v) {
                    avoid.insert(v.name);
                }
            }
        }
        subst_rec(self, &HashMap::new(), map, &avoid)
    }
}

/// Order-preserving duplicate removal keyed by structural hash.
#[derive(Default)]
struct Dedup {
    items: Vec<Term>,
    seen: HashMap<u64, Vec<usize>>,
}

impl Dedup {
    fn push(&mut self, t: Term) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        t.hash(&mut h);
        let slot = self.seen.entry(h.finish()).or_default();
        if slot.iter().any(|&i| self.items[i] == t) {
            return;
        }
        slot.push(self.items.len());
        self.items.push(t);
    }
}

/// `lambda params. body`, the value of a parameterised update.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lambda {
    pub params: Vec<Var>,
    pub body: Term,
}

impl Lambda {
    pub fn new(params: Vec<Var>, body: Term) -> Lambda {
        Lambda { params, body }
    }

    /// `body[params := args]`.
    pub fn apply(&self, args: &[Term]) -> Term {
        let m: HashMap<Var, Term> = self
            .params
            .iter()
            .copied()
            .zip(args.iter().cloned())
            .collect();
        self.body.subst_vars(&m)
    }
}

/// A sort error found by [`Term::check_sorts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortError {
    pub message: String,
    pub span: Option<Span>,
}

fn free_vars_rec(t: &Term, bound: &mut Vec<Var>, out: &mut Vec<Var>) {
    match &t.kind {
        TermKind::Var(v) => {
            if !bound.contains(v) && !out.contains(v) {
                out.push(*v)
            }
        }
        TermKind::Forall(vs, b) | TermKind::Exists(vs, b) => {
            let n = bound.len();
            bound.extend(vs.iter().copied());
            free_vars_rec(b, bound, out);
            bound.truncate(n);
        }
        _ => {
            for c in t.children() {
                free_vars_rec(c, bound, out)
            }
        }
    }
}

/// Picks a variable name not in `avoid` derived from `v`.
fn fresh_var(v: Var, avoid: &HashSet<Symbol>) -> Var {
    let root = crate::signature::strip_fresh_suffix(v.name.as_str());
    let mut k = 1usize;
    loop {
        let name = Symbol::intern(&format!("{root}#{k}"));
        if !avoid.contains(&name) {
            return Var { name, sort: v.sort };
        }
        k += 1;
    }
}

/// Shared worker of variable and symbol substitution. `vmap` maps free
/// variables; `smap` maps symbols to lambdas. `avoid` are the names of the
/// free variables of the replacement terms that must not be captured.
fn subst_rec(
    t: &Term,
    vmap: &HashMap<Var, Term>,
    smap: &HashMap<SymId, Lambda>,
    avoid: &HashSet<Symbol>,
) -> Term {
    let span = t.span;
    let mk = |kind| Term { kind, span };
    let go = |x: &Term| subst_rec(x, vmap, smap, avoid);
    match &t.kind {
        TermKind::Var(v) => match vmap.get(v) {
            Some(r) => r.clone(),
            None => t.clone(),
        },
        TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) => t.clone(),
        TermKind::App(f, xs) => {
            let args: Vec<Term> = xs.iter().map(go).collect();
            match smap.get(f) {
                Some(l) => {
                    let mut r = l.apply(&args);
                    if r.span.is_none() {
                        r.span = span;
                    }
                    r
                }
                None => mk(TermKind::App(*f, args)),
            }
        }
        TermKind::Builtin(o, xs) => mk(TermKind::Builtin(*o, xs.iter().map(go).collect())),
        TermKind::And(xs) => mk(TermKind::And(xs.iter().map(go).collect())),
        TermKind::Or(xs) => mk(TermKind::Or(xs.iter().map(go).collect())),
        TermKind::Eq(a, b) => mk(TermKind::Eq(Box::new(go(a)), Box::new(go(b)))),
        TermKind::Implies(a, b) => mk(TermKind::Implies(Box::new(go(a)), Box::new(go(b)))),
        TermKind::Iff(a, b) => mk(TermKind::Iff(Box::new(go(a)), Box::new(go(b)))),
        TermKind::Not(a) => mk(TermKind::Not(Box::new(go(a)))),
        TermKind::Ite(c, x, e) => mk(TermKind::Ite(
            Box::new(go(c)),
            Box::new(go(x)),
            Box::new(go(e)),
        )),
        TermKind::Forall(vs, b) | TermKind::Exists(vs, b) => {
            let is_forall = matches!(t.kind, TermKind::Forall(..));
            // Bound variables shadow the variable map.
            let mut inner_vmap: Option<HashMap<Var, Term>> = None;
            if vs.iter().any(|v| vmap.contains_key(v)) {
                let mut m = vmap.clone();
                for v in vs {
                    m.remove(v);
                }
                inner_vmap = Some(m);
            }
            let vmap2 = inner_vmap.as_ref().unwrap_or(vmap);
            // Rename binders that would capture.
            let mut new_vs = Vec::with_capacity(vs.len());
            let mut rename: HashMap<Var, Term> = HashMap::new();
            let mut avoid2: Option<HashSet<Symbol>> = None;
            for v in vs {
                if avoid.contains(&v.name) {
                    let a = avoid2.get_or_insert_with(|| {
                        let mut a = avoid.clone();
                        for w in b.free_vars() {
                            a.insert(w.name);
                        }
                        for w in vs {
                            a.insert(w.name);
                        }
                        a
                    });
                    let nv = fresh_var(*v, a);
                    a.insert(nv.name);
                    rename.insert(*v, Term::var(nv));
                    new_vs.push(nv);
                } else {
                    new_vs.push(*v);
                }
            }
            let body = if rename.is_empty() {
                subst_rec(b, vmap2, smap, avoid)
            } else {
                let new_names: HashSet<Symbol> = new_vs.iter().map(|v| v.name).collect();
                let renamed = subst_rec(b, &rename, &HashMap::new(), &new_names);
                subst_rec(&renamed, vmap2, smap, avoid)
            };
            if is_forall {
                mk(TermKind::Forall(new_vs, Box::new(body)))
            } else {
                mk(TermKind::Exists(new_vs, Box::new(body)))
            }
        }
    }
}

fn check_sorts_rec(t: &Term, sig: &Signature) -> Result<(), SortError> {
    let err = |message: String| SortError {
        message,
        span: t.span,
    };
    for c in t.children() {
        check_sorts_rec(c, sig)?;
    }
    let want_bool = |x: &Term| -> Result<(), SortError> {
        if x.sort_of(sig) != SortId::BOOL {
            return Err(SortError {
                message: "expected a formula".into(),
                span: x.span.or(t.span),
            });
        }
        Ok(())
    };
    match &t.kind {
        TermKind::App(f, xs) => {
            let d = sig.symbol(*f);
            if d.args.len() != xs.len() {
                return Err(err(format!(
                    "{} expects {} arguments, got {}",
                    d.name,
                    d.args.len(),
                    xs.len()
                )));
            }
            for (x, &s) in xs.iter().zip(&d.args) {
                if x.sort_of(sig) != s {
                    return Err(err(format!(
                        "argument of {} has sort {}, expected {}",
                        d.name,
                        sig.sort_name(x.sort_of(sig)),
                        sig.sort_name(s)
                    )));
                }
            }
        }
        TermKind::Eq(a, b) => {
            if a.sort_of(sig) != b.sort_of(sig) {
                return Err(err("sides of = have different sorts".into()));
            }
        }
        TermKind::Not(a) => want_bool(a)?,
        TermKind::And(xs) | TermKind::Or(xs) => {
            for x in xs {
                want_bool(x)?
            }
        }
        TermKind::Implies(a, b) | TermKind::Iff(a, b) => {
            want_bool(a)?;
            want_bool(b)?;
        }
        TermKind::Ite(c, x, e) => {
            want_bool(c)?;
            if x.sort_of(sig) != e.sort_of(sig) {
                return Err(err("branches of ite have different sorts".into()));
            }
        }
        TermKind::Forall(_, b) | TermKind::Exists(_, b) => want_bool(b)?,
        TermKind::Builtin(op, xs) => {
            let s = xs.first().map(|x| x.sort_of(sig));
            if let Some(s) = s {
                if !sig.sort_kind(s).is_numeric() && !matches!(sig.sort_kind(s), SortKind::Str) {
                    return Err(err(format!(
                        "{} applied to uninterpreted sort {}",
                        op.as_str(),
                        sig.sort_name(s)
                    )));
                }
                if xs.iter().any(|x| x.sort_of(sig) != s) {
                    return Err(err(format!(
                        "operands of {} have different sorts",
                        op.as_str()
                    )));
                }
            }
        }
        TermKind::Num(_, s) => {
            if !sig.sort_kind(*s).is_numeric() {
                return Err(err(format!(
                    "numeral of non-numeric sort {}",
                    sig.sort_name(*s)
                )));
            }
        }
        TermKind::Bool(_) | TermKind::Str(..) | TermKind::Var(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_variable_names_become_readable_without_capture() {
        let s = SortId(1);
        let internal = Var::new("V#0", s);
        let user = Var::new("V0", s);
        // forall V#0. V#0 = V0 (V0 free): V#0 must not become V0.
        let t = Term::forall(
            vec![internal],
            Term::eq(Term::var(internal), Term::var(user)),
        );
        let r = t.readable_var_names(&HashSet::new());
        let TermKind::Forall(vs, body) = &r.kind else {
            panic!("{r:?}")
        };
        assert_eq!(vs[0].name.as_str(), "V0_1");
        assert_eq!(
            **body,
            Term::eq(Term::var(Var::new("V0_1", s)), Term::var(user))
        );
        // Without a clash the `#` just goes.
        let other = Var::new("Y", s);
        let t = Term::exists(
            vec![internal],
            Term::eq(Term::var(internal), Term::var(other)),
        );
        let TermKind::Exists(vs, _) = &t.readable_var_names(&HashSet::new()).kind else {
            panic!("not an exists")
        };
        assert_eq!(vs[0].name.as_str(), "V0");
    }
}
