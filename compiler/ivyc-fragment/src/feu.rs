//! Ivy's exact stratification test (the verdict of [`crate::check`]): the
//! Ge–de Moura graph over universally quantified variables and function
//! argument positions that `ivy_fragment.py` builds, which is finer than
//! the sort graph used for explanations.
//!
//! Nodes are `S_v` for every universal variable `v` of an infinite sort,
//! `A_{f,j}` for argument position `j` of every uninterpreted symbol `f`
//! (relations included) and `S_s` for equality at sort `s`. `S_v` and
//! `A_{f,j}` are unified (union-find) when `v` is the `j`th argument of `f`
//! (or a side of an equality at `s`); an arc `S_v → A_{f,j}` is added when a
//! term containing `v` *below its top* is the `j`th argument of `f`. An
//! existential (after polarity) variable under universals behaves like a
//! Skolem term of those universals. The query is in the fragment iff the
//! graph over union-find classes has no cycle.
//!
//! As in Ivy, the definitions of new state versions in the transition
//! relation (`forall X. r#2(X) <-> φ(X)`) are formulas of the graph like
//! any other (Ivy turns its `Definition`s into constraints with
//! `to_constraint` before the check; only user definitions are macros
//! there, and ivyc has expanded those already). The equality node of
//! `t = u` is keyed by `t`, as Ivy's `strat_map[Symbol('=', t)]`.
//!
//! Every arc of this graph corresponds to a function from one sort to
//! another (declared, Skolem, or a conditional term over a variable, which
//! Ivy maps to its variable branch with the variables below it as
//! arguments), so a cycle here is also a cycle of the sort graph (which
//! explains it to people); the converse does not hold: `forall X. exists Y.
//! r(X, Y)` alone, or a ground use of `next : node → node`, are fine here.

use ivyc_base::{Span, Symbol};
use ivyc_logic::{Signature, SortId, SortKind, SymId, Term, TermKind, Var};
use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;
use std::collections::{BTreeSet, HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// A universally quantified variable.
    Var(Var),
    /// Argument position of an uninterpreted symbol.
    Arg(SymId, usize),
    /// The equality node of Ivy's `=`: keyed (as `strat_map[Symbol('=',
    /// lhs)]` in `ivy_fragment.py`) by the left-hand term, by index into
    /// `Graph::eq_terms`.
    Eq(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pol {
    Pos,
    Neg,
    Both,
}

impl Pol {
    fn flip(self) -> Pol {
        match self {
            Pol::Pos => Pol::Neg,
            Pol::Neg => Pol::Pos,
            Pol::Both => Pol::Both,
        }
    }
}

type Mapped = (Option<usize>, BTreeSet<usize>);

/// Where an arc of Ivy's graph comes from: a term of the formulas that puts
/// a term over a quantified variable into an argument position (of
/// `symbol`, or of an equality when `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IvyArc {
    pub span: Option<Span>,
    pub symbol: Option<SymId>,
    /// The argument position, from 0.
    pub position: usize,
}

struct Graph<'s> {
    sig: &'s Signature,
    nodes: HashMap<Key, usize>,
    parent: Vec<usize>,
    /// Arcs `from → to` and the index of their origin in `why`.
    arcs: Vec<(usize, usize, usize)>,
    why: Vec<IvyArc>,
    /// Universally quantified variables (unique names after renaming).
    universal: HashSet<Var>,
    /// Existential variables: the nodes they depend on.
    deps: HashMap<Var, BTreeSet<usize>>,
    fresh: u32,
    /// Left-hand terms of equalities (see `Key::Eq`).
    eq_terms: Vec<String>,
}

impl<'s> Graph<'s> {
    fn node(&mut self, k: Key) -> usize {
        if let Some(n) = self.nodes.get(&k) {
            return *n;
        }
        let n = self.parent.len();
        self.parent.push(n);
        self.nodes.insert(k, n);
        n
    }

    fn find(&mut self, mut n: usize) -> usize {
        while let Some(&p) = self.parent.get(n) {
            if p == n {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(n) {
                *slot = gp;
            }
            n = p;
        }
        n
    }

    fn unify(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            if let Some(slot) = self.parent.get_mut(ra) {
                *slot = rb;
            }
        }
    }

    fn infinite(&self, sort: SortId) -> bool {
        matches!(
            self.sig.sort_kind(sort),
            SortKind::Uninterpreted | SortKind::Int | SortKind::Nat | SortKind::Str
        )
    }

    // ---- alpha renaming -------------------------------------------------

    /// Gives every bound variable a name of its own (`X@k`), so variables
    /// can be told apart without scopes.
    fn uniquify(&mut self, t: &Term, env: &mut Vec<(Var, Var)>) -> Term {
        let kind = match &t.kind {
            TermKind::Var(v) => match env.iter().rev().find(|(w, _)| w == v) {
                Some((_, u)) => TermKind::Var(*u),
                None => TermKind::Var(*v),
            },
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let mark = env.len();
                let mut fresh = Vec::with_capacity(vs.len());
                for v in vs {
                    self.fresh += 1;
                    let u = Var {
                        name: Symbol::intern(&format!("{}@{}", v.name, self.fresh)),
                        sort: v.sort,
                    };
                    env.push((*v, u));
                    fresh.push(u);
                }
                let body = Box::new(self.uniquify(body, env));
                env.truncate(mark);
                if matches!(t.kind, TermKind::Forall(..)) {
                    TermKind::Forall(fresh, body)
                } else {
                    TermKind::Exists(fresh, body)
                }
            }
            TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) => t.kind.clone(),
            TermKind::App(f, args) => {
                TermKind::App(*f, args.iter().map(|a| self.uniquify(a, env)).collect())
            }
            TermKind::Eq(a, b) => TermKind::Eq(
                Box::new(self.uniquify(a, env)),
                Box::new(self.uniquify(b, env)),
            ),
            TermKind::Not(a) => TermKind::Not(Box::new(self.uniquify(a, env))),
            TermKind::And(xs) => TermKind::And(xs.iter().map(|x| self.uniquify(x, env)).collect()),
            TermKind::Or(xs) => TermKind::Or(xs.iter().map(|x| self.uniquify(x, env)).collect()),
            TermKind::Implies(a, b) => TermKind::Implies(
                Box::new(self.uniquify(a, env)),
                Box::new(self.uniquify(b, env)),
            ),
            TermKind::Iff(a, b) => TermKind::Iff(
                Box::new(self.uniquify(a, env)),
                Box::new(self.uniquify(b, env)),
            ),
            TermKind::Ite(c, a, b) => TermKind::Ite(
                Box::new(self.uniquify(c, env)),
                Box::new(self.uniquify(a, env)),
                Box::new(self.uniquify(b, env)),
            ),
            TermKind::Builtin(op, args) => {
                TermKind::Builtin(*op, args.iter().map(|a| self.uniquify(a, env)).collect())
            }
        };
        Term { kind, span: t.span }
    }

    // ---- Skolemisation --------------------------------------------------

    /// Marks universal variables and records, for each existential one, the
    /// universal variables in scope that occur free in its quantified
    /// formula (it stands for a Skolem term of them).
    ///
    /// As Ivy's `universal_variables`, only the first universal quantifier
    /// on a path counts: the variables of a universal quantifier nested in
    /// another (`forall X. p(X) -> forall Y. q(Y)`) are not nodes of the
    /// graph (`under` is set below a universal quantifier); they still
    /// count as arguments of Skolem functions.
    fn skolems(&mut self, t: &Term, pol: Pol, univs: &mut Vec<Var>) {
        let upos = pol != Pol::Neg;
        self.skolems_in(t, pol, upos, univs, false);
    }

    /// `pol` is the polarity for Skolemisation (Ivy's `make_skolems`, where
    /// `<->` counts both ways); `upos` the one of Ivy's
    /// `universal_variables`, which only `~` and the left of `->` flip.
    fn skolems_in(&mut self, t: &Term, pol: Pol, upos: bool, univs: &mut Vec<Var>, under: bool) {
        match &t.kind {
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let is_forall = matches!(t.kind, TermKind::Forall(..));
                let (universal, existential) = match pol {
                    Pol::Pos => (is_forall, !is_forall),
                    Pol::Neg => (!is_forall, is_forall),
                    Pol::Both => (true, true),
                };
                if existential {
                    let free: Vec<Var> = t.free_vars();
                    let deps: BTreeSet<usize> = univs
                        .clone()
                        .into_iter()
                        .filter(|u| free.contains(u))
                        .map(|u| self.node(Key::Var(u)))
                        .collect();
                    for v in vs {
                        self.deps
                            .entry(*v)
                            .or_default()
                            .extend(deps.iter().copied());
                    }
                }
                let infinite: Vec<Var> = vs
                    .iter()
                    .filter(|v| self.infinite(v.sort))
                    .copied()
                    .collect();
                // Ivy's `universal_variables`: the first quantifier on a
                // path that is universal (at `upos`) gives the nodes;
                // nothing below it does.
                let marks = upos == is_forall;
                if marks && !under {
                    self.universal.extend(infinite.iter().copied());
                }
                let mark = univs.len();
                if universal {
                    univs.extend(infinite);
                }
                self.skolems_in(body, pol, upos, univs, under || marks);
                univs.truncate(mark);
            }
            TermKind::Not(a) => self.skolems_in(a, pol.flip(), !upos, univs, under),
            TermKind::Implies(a, b) => {
                self.skolems_in(a, pol.flip(), !upos, univs, under);
                self.skolems_in(b, pol, upos, univs, under);
            }
            TermKind::Iff(a, b) => {
                self.skolems_in(a, Pol::Both, upos, univs, under);
                self.skolems_in(b, Pol::Both, upos, univs, under);
            }
            TermKind::Ite(c, a, b) => {
                self.skolems_in(c, Pol::Both, upos, univs, under);
                self.skolems_in(a, pol, upos, univs, under);
                self.skolems_in(b, pol, upos, univs, under);
            }
            TermKind::Eq(a, b) if a.sort_of(self.sig) == SortId::BOOL => {
                self.skolems_in(a, Pol::Both, upos, univs, under);
                self.skolems_in(b, Pol::Both, upos, univs, under);
            }
            _ => {
                for c in t.children() {
                    self.skolems_in(c, pol, upos, univs, under);
                }
            }
        }
    }

    // ---- the graph ------------------------------------------------------

    fn map(&mut self, t: &Term) -> Mapped {
        match &t.kind {
            TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) => (None, BTreeSet::new()),
            TermKind::Var(v) => {
                if self.universal.contains(v) {
                    let n = self.node(Key::Var(*v));
                    let deps = self.deps.get(v).cloned().unwrap_or_default();
                    (Some(n), deps)
                } else {
                    (None, self.deps.get(v).cloned().unwrap_or_default())
                }
            }
            TermKind::Forall(_, body) | TermKind::Exists(_, body) => self.map(body),
            TermKind::Ite(c, a, b) => {
                let c = self.map(c);
                let x = self.map(a);
                let y = self.map(b);
                if let (Some(p), Some(q)) = (x.0, y.0) {
                    self.unify(p, q);
                }
                let node = x.0.or(y.0);
                (node, union([c, x, y]))
            }
            TermKind::Eq(a, b) => {
                let sort = a.sort_of(self.sig);
                let x = self.map(a);
                let y = self.map(b);
                if matches!(
                    self.sig.sort_kind(sort),
                    SortKind::Uninterpreted | SortKind::Enum(_)
                ) {
                    let key = a.pretty(self.sig);
                    let k = match self.eq_terms.iter().position(|t| *t == key) {
                        Some(k) => k,
                        None => {
                            self.eq_terms.push(key);
                            self.eq_terms.len() - 1
                        }
                    };
                    let s = self.node(Key::Eq(k));
                    for (j, (n, uvs)) in [&x, &y].into_iter().enumerate() {
                        if let Some(n) = n {
                            self.unify(*n, s);
                        }
                        if !uvs.is_empty() {
                            let w = self.origin(t.span, None, j);
                            for v in uvs {
                                self.arcs.push((*v, s, w));
                            }
                        }
                    }
                }
                (None, union([x, y]))
            }
            TermKind::App(f, args) => {
                let parts: Vec<Mapped> = args.iter().map(|a| self.map(a)).collect();
                for (j, (n, uvs)) in parts.iter().enumerate() {
                    let a = self.node(Key::Arg(*f, j));
                    if let Some(n) = n {
                        self.unify(a, *n);
                    }
                    if !uvs.is_empty() {
                        let w = self.origin(t.span, Some(*f), j);
                        for v in uvs {
                            self.arcs.push((*v, a, w));
                        }
                    }
                }
                (None, union(parts))
            }
            _ => {
                let parts: Vec<Mapped> = t.children().into_iter().map(|c| self.map(c)).collect();
                (None, union(parts))
            }
        }
    }

    fn origin(&mut self, span: Option<Span>, symbol: Option<SymId>, position: usize) -> usize {
        self.why.push(IvyArc {
            span,
            symbol,
            position,
        });
        self.why.len() - 1
    }

    /// The origins of the arcs of one cycle over union-find classes, if
    /// there is a cycle.
    fn cycle(&mut self) -> Option<Vec<IvyArc>> {
        let arcs: Vec<(usize, usize, usize)> = self
            .arcs
            .clone()
            .into_iter()
            .map(|(a, b, w)| (self.find(a), self.find(b), w))
            .collect();
        let why = |w: usize| self.why.get(w).copied();
        if let Some(&(_, _, w)) = arcs.iter().find(|(a, b, _)| a == b) {
            return Some(why(w).into_iter().collect());
        }
        let mut g: DiGraph<usize, usize> = DiGraph::new();
        let mut idx = HashMap::new();
        for &(a, b, w) in &arcs {
            let na = *idx.entry(a).or_insert_with(|| g.add_node(a));
            let nb = *idx.entry(b).or_insert_with(|| g.add_node(b));
            g.add_edge(na, nb, w);
        }
        let scc = tarjan_scc(&g).into_iter().find(|scc| scc.len() > 1)?;
        // A path from the first node of the component back to it, by a
        // breadth-first search inside the component.
        let inside: HashSet<_> = scc.iter().copied().collect();
        let start = *scc.first()?;
        let mut back: HashMap<petgraph::graph::NodeIndex, (petgraph::graph::NodeIndex, usize)> =
            HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            for e in g.edges(n) {
                use petgraph::visit::EdgeRef;
                let m = e.target();
                if !inside.contains(&m) || back.contains_key(&m) {
                    continue;
                }
                back.insert(m, (n, *e.weight()));
                if m == start {
                    queue.clear();
                    break;
                }
                queue.push_back(m);
            }
        }
        let mut path = Vec::new();
        let mut at = start;
        while let Some(&(prev, w)) = back.get(&at) {
            path.extend(why(w));
            at = prev;
            if at == start || path.len() > scc.len() {
                break;
            }
        }
        path.reverse();
        Some(path)
    }
}

/// The variables of a result: its own node and those below it.
fn union(parts: impl IntoIterator<Item = Mapped>) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for (n, uvs) in parts {
        out.extend(n);
        out.extend(uvs);
    }
    out
}

/// Whether `hyps ∧ ¬goal` is outside Ivy's fragment because its
/// stratification graph has a cycle. Free variables of hypotheses are
/// universal; free variables of the goal are constants.
pub fn has_cycle(sig: &Signature, hyps: &[Term], goal: &Term) -> bool {
    cycle_all(sig, hyps, std::slice::from_ref(goal)).is_some()
}

/// Whether `hyps ∧ ¬goal1 ∧ ¬goal2 ∧ …` has a cycle (one graph for all the
/// formulas, as Ivy builds for an isolate).
pub fn has_cycle_all(sig: &Signature, hyps: &[Term], goals: &[Term]) -> bool {
    cycle_all(sig, hyps, goals).is_some()
}

/// The cycle of [`has_cycle_all`], as the terms that make its arcs (in
/// order along the cycle), or `None` without a cycle.
pub fn cycle_all(sig: &Signature, hyps: &[Term], goals: &[Term]) -> Option<Vec<IvyArc>> {
    let mut g = Graph {
        sig,
        nodes: HashMap::new(),
        parent: Vec::new(),
        arcs: Vec::new(),
        why: Vec::new(),
        universal: HashSet::new(),
        deps: HashMap::new(),
        fresh: 0,
        eq_terms: Vec::new(),
    };
    // Unique variable names; free variables of hypotheses are universal.
    // As Ivy's `close_formula`: one new quantifier around the formula (not
    // merged with a quantifier the formula starts with, which is then a
    // nested one).
    let formulas: Vec<Term> = hyps
        .iter()
        .map(|h| {
            let free = h.free_vars();
            let closed = if free.is_empty() {
                h.clone()
            } else {
                Term {
                    kind: TermKind::Forall(free, Box::new(h.clone())),
                    span: h.span,
                }
            };
            g.uniquify(&closed, &mut Vec::new())
        })
        .collect();
    let goals: Vec<Term> = goals
        .iter()
        .map(|t| g.uniquify(t, &mut Vec::new()))
        .collect();
    for f in &formulas {
        g.skolems(f, Pol::Pos, &mut Vec::new());
    }
    for goal in &goals {
        g.skolems(goal, Pol::Neg, &mut Vec::new());
    }
    for f in formulas.iter().chain(&goals) {
        g.map(f);
    }
    g.cycle()
}
