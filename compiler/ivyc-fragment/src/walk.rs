//! The traversal of `hyps ∧ ¬goal`: tracks quantifier polarity (which
//! quantifiers are universal and which are Skolemised, and on what), Ivy's
//! literal polarity for the theory rule, adds function, Skolem and
//! conditional-term edges to the sort graph, and collects interpreted-theory violations.

use crate::graph::{EdgeOrigin, FunctionEdge, IteEdge, SkolemEdge, SortEdge, SortGraph, Written};
use crate::origin::Origin;
use crate::theory::{self, ArgInfo, TPol, TheoryMisuse, TheoryOp};
use ivyc_base::{Span, Symbol};
use ivyc_logic::signature::strip_fresh_suffix;
use ivyc_logic::{Signature, SortId, SortKind, Term, TermKind, Var};
use std::collections::HashSet;

/// Whether variables of a sort are tracked: uninterpreted sorts and the
/// infinite interpreted sorts `int`/`nat` (Ivy: `is_uninterpreted_sort or
/// has_infinite_interpretation`). Finite sorts (bool, enumerations, bit
/// vectors, ranges) and `strlit` (which Ivy treats as decidable) are not: their
/// variables are never universal nodes or Skolem arguments, and a cycle of
/// the sort graph must pass through a tracked sort to count.
pub fn is_tracked_sort(sig: &Signature, s: SortId) -> bool {
    matches!(
        sig.sort_kind(s),
        SortKind::Uninterpreted | SortKind::Int | SortKind::Nat
    )
}

/// Quantifier polarity: whether a subformula occurs under an even or odd
/// number of negations in `hyps ∧ ¬goal`, or both (under `<->`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QPol {
    Pos,
    Neg,
    Both,
}

impl QPol {
    fn negate(self) -> QPol {
        match self {
            QPol::Pos => QPol::Neg,
            QPol::Neg => QPol::Pos,
            QPol::Both => QPol::Both,
        }
    }
}

/// What a variable in scope stands for after Skolemisation.
#[derive(Clone, Debug)]
enum Binding {
    /// A universally quantified variable. `tracked` if its sort takes part
    /// in stratification; `span` is its quantifier. `nested` if it is bound
    /// below another universal variable: Ivy's `universal_variables` does
    /// not count it, so the theory rule does not apply to it (it is still
    /// an argument of Skolem functions).
    Universal {
        tracked: bool,
        nested: bool,
        span: Option<Span>,
        written: Written,
    },
    /// A Skolem function of the given (tracked) universal variables.
    Skolem { deps: Vec<Var> },
    /// A Skolem constant (existential at top level, or free in the goal).
    Constant,
}

/// The analysis state shared across all formulas of one query.
pub(crate) struct Analysis<'a> {
    pub sig: &'a Signature,
    pub graph: SortGraph,
    pub misuses: Vec<TheoryMisuse>,
    seen_misuses: HashSet<TheoryMisuse>,
    seen_functions: HashSet<(Symbol, Option<Span>, SortId, SortId)>,
}

/// Per-formula context.
struct Ctx<'o> {
    origin: Option<&'o Origin>,
    in_goal: bool,
    scope: Vec<(Var, Binding)>,
}

impl Ctx<'_> {
    fn lookup(&self, v: &Var) -> Option<&Binding> {
        self.scope
            .iter()
            .rev()
            .find(|(w, _)| w == v)
            .map(|(_, b)| b)
    }
}

/// The span `forall X:node. ` of a quantified term: from its start to the
/// start of its body (falls back to the whole term).
fn head_span(t: &Term, body: &Term) -> Option<Span> {
    match (t.span, body.span) {
        (Some(a), Some(b)) if a.file == b.file && a.start < b.start && b.start <= a.end => {
            Some(Span {
                file: a.file,
                start: a.start,
                end: b.start,
            })
        }
        (s, _) => s,
    }
}

impl<'a> Analysis<'a> {
    pub(crate) fn new(sig: &'a Signature) -> Analysis<'a> {
        Analysis {
            sig,
            graph: SortGraph::new(),
            misuses: Vec::new(),
            seen_misuses: HashSet::new(),
            seen_functions: HashSet::new(),
        }
    }

    /// Records whether a sort of the graph is infinite.
    fn mark(&mut self, s: SortId) {
        if is_tracked_sort(self.sig, s) {
            self.graph.set_infinite(s);
        }
    }

    fn sort_name(&self, s: SortId) -> Symbol {
        self.sig.sort(s).name
    }

    /// A hypothesis: free variables are universally quantified.
    pub(crate) fn hypothesis(&mut self, t: &Term, origin: Option<&Origin>) {
        let scope = t
            .free_vars()
            .into_iter()
            .map(|v| {
                let tracked = is_tracked_sort(self.sig, v.sort);
                (
                    v,
                    Binding::Universal {
                        tracked,
                        nested: false,
                        span: None,
                        written: Written::Forall,
                    },
                )
            })
            .collect();
        let mut cx = Ctx {
            origin,
            in_goal: false,
            scope,
        };
        self.walk(&mut cx, t, QPol::Pos, TPol::Even);
    }

    /// The goal: it is negated, so its free variables (implicitly
    /// universal) become Skolem constants and its quantifiers flip. The
    /// theory polarity starts even, as in Ivy (see docs/fragment.md).
    pub(crate) fn goal(&mut self, t: &Term, origin: Option<&Origin>) {
        let scope = t
            .free_vars()
            .into_iter()
            .map(|v| (v, Binding::Constant))
            .collect();
        let mut cx = Ctx {
            origin,
            in_goal: true,
            scope,
        };
        self.walk(&mut cx, t, QPol::Neg, TPol::Even);
    }

    fn walk(&mut self, cx: &mut Ctx<'_>, t: &Term, q: QPol, p: TPol) {
        match &t.kind {
            TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) | TermKind::Var(_) => {}
            TermKind::App(f, args) => {
                if !args.is_empty() {
                    self.function_edge(cx, *f, t.span);
                }
                for a in args {
                    self.walk(cx, a, QPol::Both, TPol::Unknown);
                }
            }
            TermKind::Eq(a, b) => {
                let s = a.sort_of(self.sig);
                if self.sig.sort_kind(s).is_interpreted() {
                    self.theory_app(cx, t, TheoryOp::Eq, &[a, b], s, p);
                }
                self.walk(cx, a, QPol::Both, TPol::Unknown);
                self.walk(cx, b, QPol::Both, TPol::Unknown);
            }
            TermKind::Builtin(op, args) => {
                if let Some(first) = args.first() {
                    let s = first.sort_of(self.sig);
                    let refs: Vec<&Term> = args.iter().collect();
                    self.theory_app(cx, t, TheoryOp::Builtin(*op), &refs, s, p);
                }
                for a in args {
                    self.walk(cx, a, QPol::Both, TPol::Unknown);
                }
            }
            TermKind::Not(a) => self.walk(cx, a, q.negate(), p.negate()),
            TermKind::And(xs) | TermKind::Or(xs) => {
                for x in xs {
                    self.walk(cx, x, q, p);
                }
            }
            TermKind::Implies(a, b) => {
                self.walk(cx, a, q.negate(), p.negate());
                self.walk(cx, b, q, p);
            }
            TermKind::Iff(a, b) => {
                self.walk(cx, a, QPol::Both, TPol::Unknown);
                self.walk(cx, b, QPol::Both, TPol::Unknown);
            }
            TermKind::Ite(c, x, e) => {
                if x.sort_of(self.sig) != SortId::BOOL {
                    self.ite_edges(cx, t);
                }
                self.walk(cx, c, QPol::Both, TPol::Unknown);
                self.walk(cx, x, q, p);
                self.walk(cx, e, q, p);
            }
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let is_forall = matches!(t.kind, TermKind::Forall(..));
                match q {
                    QPol::Pos | QPol::Neg => {
                        let universal = is_forall == (q == QPol::Pos);
                        self.quantifier(cx, t, vs, body, universal, q, p);
                    }
                    QPol::Both => {
                        // `φ <-> ψ` is `(φ -> ψ) & (ψ -> φ)`: the quantifier
                        // occurs once universally and once existentially.
                        self.quantifier(cx, t, vs, body, true, q, p);
                        self.quantifier(cx, t, vs, body, false, q, p);
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn quantifier(
        &mut self,
        cx: &mut Ctx<'_>,
        t: &Term,
        vs: &[Var],
        body: &Term,
        universal: bool,
        q: QPol,
        p: TPol,
    ) {
        let n = cx.scope.len();
        let written = if matches!(t.kind, TermKind::Exists(..)) {
            Written::Exists
        } else {
            Written::Forall
        };
        if universal {
            let span = head_span(t, body);
            let nested = cx
                .scope
                .iter()
                .any(|(_, b)| matches!(b, Binding::Universal { .. }));
            for v in vs {
                let tracked = is_tracked_sort(self.sig, v.sort);
                cx.scope.push((
                    *v,
                    Binding::Universal {
                        tracked,
                        nested,
                        span,
                        written,
                    },
                ));
            }
        } else {
            let deps = self.dependencies(cx, t);
            for v in vs {
                if deps.is_empty() {
                    cx.scope.push((*v, Binding::Constant));
                } else {
                    self.skolem_edges(cx, t, body, *v, &deps, written);
                    cx.scope.push((*v, Binding::Skolem { deps: deps.clone() }));
                }
            }
        }
        self.walk(cx, body, q, p);
        cx.scope.truncate(n);
    }

    /// The tracked universal variables a Skolem function for the
    /// quantified term `t` takes as arguments: those free in `t`, directly
    /// or through Skolem variables that depend on them, in scope order.
    fn dependencies(&self, cx: &Ctx<'_>, t: &Term) -> Vec<Var> {
        let mut found: HashSet<Var> = HashSet::new();
        for v in t.free_vars() {
            match cx.lookup(&v) {
                Some(Binding::Universal { tracked: true, .. }) => {
                    found.insert(v);
                }
                Some(Binding::Skolem { deps }) => found.extend(deps.iter().copied()),
                _ => {}
            }
        }
        let mut out: Vec<Var> = Vec::new();
        for (v, b) in &cx.scope {
            if matches!(b, Binding::Universal { tracked: true, .. })
                && found.contains(v)
                && !out.contains(v)
            {
                out.push(*v);
            }
        }
        out
    }

    fn skolem_edges(
        &mut self,
        cx: &Ctx<'_>,
        t: &Term,
        body: &Term,
        v: Var,
        deps: &[Var],
        written: Written,
    ) {
        let arg_sorts: Vec<Symbol> = deps.iter().map(|d| self.sort_name(d.sort)).collect();
        let mut done: HashSet<SortId> = HashSet::new();
        for d in deps {
            if !done.insert(d.sort) {
                continue;
            }
            let (universal_span, universal_written) = match cx.lookup(d) {
                Some(Binding::Universal { span, written, .. }) => (*span, *written),
                _ => (None, Written::Forall),
            };
            self.graph.set_infinite(d.sort);
            self.mark(v.sort);
            self.graph.add_edge(SortEdge {
                from: d.sort,
                to: v.sort,
                from_name: self.sort_name(d.sort),
                to_name: self.sort_name(v.sort),
                origin: EdgeOrigin::Skolem(SkolemEdge {
                    var: v.name,
                    var_sort: self.sort_name(v.sort),
                    quant_span: head_span(t, body),
                    written,
                    universal: d.name,
                    universal_sort: self.sort_name(d.sort),
                    universal_span,
                    universal_written,
                    arg_sorts: arg_sorts.clone(),
                    property: cx.origin.cloned(),
                    in_goal: cx.in_goal,
                }),
            });
        }
    }

    /// The edges of a conditional term (not boolean) over universally
    /// quantified variables: one from each variable's sort (directly or
    /// through a Skolem variable that depends on it) to the term's sort.
    fn ite_edges(&mut self, cx: &Ctx<'_>, t: &Term) {
        let deps = self.dependencies(cx, t);
        let sort = t.sort_of(self.sig);
        let mut done: HashSet<SortId> = HashSet::new();
        for d in deps {
            if !done.insert(d.sort) {
                continue;
            }
            self.mark(d.sort);
            self.mark(sort);
            self.graph.add_edge(SortEdge {
                from: d.sort,
                to: sort,
                from_name: self.sort_name(d.sort),
                to_name: self.sort_name(sort),
                origin: EdgeOrigin::Ite(IteEdge {
                    var: d.name,
                    var_sort: self.sort_name(d.sort),
                    sort: self.sort_name(sort),
                    span: t.span,
                    property: cx.origin.cloned(),
                    in_goal: cx.in_goal,
                }),
            });
        }
    }

    fn function_edge(&mut self, cx: &Ctx<'_>, f: ivyc_logic::SymId, use_span: Option<Span>) {
        let d = self.sig.symbol(f);
        if d.ret == SortId::BOOL {
            return;
        }
        let name = Symbol::intern(strip_fresh_suffix(d.name.as_str()));
        let arg_sorts: Vec<Symbol> = d.args.iter().map(|&s| self.sort_name(s)).collect();
        let mut done: HashSet<SortId> = HashSet::new();
        for &s in &d.args {
            if !done.insert(s) {
                continue;
            }
            // SSA copies `f#k` of one declared function give one edge.
            if !self.seen_functions.insert((name, d.span, s, d.ret)) {
                continue;
            }
            self.mark(s);
            self.mark(d.ret);
            self.graph.add_edge(SortEdge {
                from: s,
                to: d.ret,
                from_name: self.sort_name(s),
                to_name: self.sort_name(d.ret),
                origin: EdgeOrigin::Function(FunctionEdge {
                    sym: f,
                    name,
                    arg_sorts: arg_sorts.clone(),
                    ret_sort: self.sort_name(d.ret),
                    decl_span: d.span,
                    use_span,
                    used_in: cx.origin.cloned(),
                }),
            });
        }
    }

    /// Ivy's `check_interpreted`: every argument that is a universal
    /// variable must be part of an arithmetic literal.
    fn theory_app(
        &mut self,
        cx: &Ctx<'_>,
        t: &Term,
        op: TheoryOp,
        args: &[&Term],
        sort: SortId,
        p: TPol,
    ) {
        let infos: Vec<ArgInfo> = args
            .iter()
            .map(|a| ArgInfo {
                top_var: self.top_var(cx, a).is_some(),
                dependent: self.dependent(cx, a),
            })
            .collect();
        let integer = theory::is_integer_sort(self.sig.sort_kind(sort));
        for (pos, a) in args.iter().enumerate() {
            let Some((v, span, binder_written)) = self.top_var(cx, a) else {
                continue;
            };
            if let Err(reason) = theory::arithmetic_literal(op, integer, p, &infos, pos) {
                let m = TheoryMisuse {
                    op,
                    reason,
                    var: v.name,
                    var_sort: self.sort_name(v.sort),
                    app_span: t.span,
                    binder_span: span,
                    binder_written,
                    property: cx.origin.cloned(),
                    in_goal: cx.in_goal,
                };
                if self.seen_misuses.insert(m.clone()) {
                    self.misuses.push(m);
                }
            }
        }
    }

    /// Ivy's "node" of a term: the tracked universal variable it is (an
    /// `if` term counts as its branches).
    fn top_var(&self, cx: &Ctx<'_>, t: &Term) -> Option<(Var, Option<Span>, Written)> {
        match &t.kind {
            TermKind::Var(v) => match cx.lookup(v) {
                Some(Binding::Universal {
                    tracked: true,
                    nested: false,
                    span,
                    written,
                }) => Some((*v, *span, *written)),
                _ => None,
            },
            TermKind::Ite(_, x, e) => self.top_var(cx, x).or_else(|| self.top_var(cx, e)),
            _ => None,
        }
    }

    /// Whether a term that is not itself a universal variable depends on
    /// universal variables (Ivy's non-empty "uvs"): it mentions one, or a
    /// Skolem variable with arguments.
    fn dependent(&self, cx: &Ctx<'_>, t: &Term) -> bool {
        if matches!(t.kind, TermKind::Var(_)) && self.top_var(cx, t).is_some() {
            return false;
        }
        t.free_vars().iter().any(|v| {
            matches!(
                cx.lookup(v),
                Some(Binding::Universal {
                    tracked: true,
                    nested: false,
                    ..
                }) | Some(Binding::Skolem { .. })
            )
        })
    }
}
