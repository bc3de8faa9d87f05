//! Variant sorts, Ivy's subtyping: `variant s of t [= sort]` declares a
//! sort `s` whose values can be converted to values of `t`.
//!
//! Meaning (as ms-ivy encodes it, `ivy_logic.exclusivity`,
//! `ivy_actions.mk_variant_assign_clauses`): for each pair of a sort `t`
//! and a sort `s` there is a rigid relation `*>(X:t, Y:s)` ("the `t` value
//! `X` is the `s` value `Y`"). For every variant `s` of `t` the axioms say
//! that `*>` is a partial injective function from `t` to `s`, and that a
//! `t` value points to values of at most one variant. Then:
//!
//! * `e isa s` is `exists V:s. e *> V`; `a *> b` is the relation itself;
//! * a value `e` of a variant `s` used where its parent `t` is expected
//!   (assigned to a `t` target, passed to a `t` parameter, returned into a
//!   `t` target, initialising a `var` of sort `t`) is *upcast*: a fresh
//!   `t` value `n` with `forall X:s. n *> X <-> X = e` and `~(n *> X)` for
//!   the other variants of `t`;
//! * `if x:s := e {...}` (and `while x:s := e`) is `if some x:s. e *> x`;
//! * a method call `e.m(...)` with `e` of sort `t` dispatches on the
//!   variant: if `e *> x` for an `x` of a variant `s` that has its own
//!   action `s.m`, that action is called with `x` instead of `e`.

use crate::check::{Checker, Env};
use crate::elab::{Cx, OldMode};
use crate::error::SemaError;
use crate::program::{Stmt, StmtKind};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Property, Role, SortId, SortKind, SymId, SymbolDecl, Term, Var};
use ivyc_syntax::ast::{self, Expr};
use std::rc::Rc;

type Elab = Option<(Term, SortId)>;

impl Checker<'_> {
    /// Resolves the parents of the `variant` declarations (after every sort
    /// is declared) and adds the exclusivity axioms of each parent.
    pub(crate) fn resolve_variants(&mut self) {
        let pending = std::mem::take(&mut self.pending_variants);
        for (child, of, span, env) in pending {
            let Some(parent) = self.resolve_sort(of, &env) else {
                continue;
            };
            // As in Ivy, only uninterpreted sorts (structs included) are
            // variants of each other; for other sorts the declaration
            // only declares the sort.
            let uninterpreted = |c: &Self, s: SortId| *c.sort_kind(s) == SortKind::Uninterpreted;
            if !uninterpreted(self, parent) || !uninterpreted(self, child) || parent == child {
                continue;
            }
            match self.variants.iter_mut().find(|(p, _)| *p == parent) {
                Some((_, vs)) => vs.push(child),
                None => self.variants.push((parent, vec![child])),
            }
            self.variant_spans.push((child, span));
        }
        let all = self.variants.clone();
        for (parent, vs) in all {
            self.exclusivity(parent, &vs);
        }
    }

    /// The variants of `t`, in declaration order.
    pub(crate) fn variants_of(&self, t: SortId) -> Vec<SortId> {
        self.variants
            .iter()
            .find(|(p, _)| *p == t)
            .map(|(_, vs)| vs.clone())
            .unwrap_or_default()
    }

    /// Whether `child` is a variant of `parent`.
    pub(crate) fn is_variant(&self, parent: SortId, child: SortId) -> bool {
        self.variants
            .iter()
            .any(|(p, vs)| *p == parent && vs.contains(&child))
    }

    /// The parent of a variant sort.
    fn parent_of(&self, child: SortId) -> Option<SortId> {
        self.variants
            .iter()
            .find(|(_, vs)| vs.contains(&child))
            .map(|(p, _)| *p)
    }

    /// The rigid relation `*>(X:t, Y:s)` (declared on first use).
    pub(crate) fn pto_symbol(&mut self, t: SortId, s: SortId, span: Option<Span>) -> SymId {
        if let Some(x) = self.pto.get(&(t, s)) {
            return *x;
        }
        let id = self.add_sym(
            SymbolDecl::new(Symbol::intern("*>"), vec![t, s], SortId::BOOL, Role::Rigid)
                .with_span(span),
        );
        self.pto.insert((t, s), id);
        id
    }

    /// Ivy's exclusivity axioms of `t` and its variants `vs`: `*>` is a
    /// partial function from `t` to each variant, injective, and a `t`
    /// value points into at most one variant.
    fn exclusivity(&mut self, t: SortId, vs: &[SortId]) {
        let span = vs
            .first()
            .and_then(|c| self.variant_spans.iter().find(|(s, _)| s == c))
            .map(|(_, sp)| *sp);
        let x = Var::new("X", t);
        let y = Var::new("Y", t);
        let mut conj = Vec::new();
        for &s in vs {
            let p = self.pto_symbol(t, s, span);
            let (z1, z2) = (Var::new("Z", s), Var::new("W", s));
            let app = |a: Var, b: Var| Term::app(p, vec![Term::var(a), Term::var(b)]);
            // X *> Z & X *> W -> Z = W
            conj.push(Term::forall(
                vec![x, z1, z2],
                Term::implies(
                    Term::and([app(x, z1), app(x, z2)]),
                    Term::eq(Term::var(z1), Term::var(z2)),
                ),
            ));
            // X *> Z & Y *> Z -> X = Y
            conj.push(Term::forall(
                vec![x, y, z1],
                Term::implies(
                    Term::and([app(x, z1), app(y, z1)]),
                    Term::eq(Term::var(x), Term::var(y)),
                ),
            ));
        }
        for (i, &s1) in vs.iter().enumerate() {
            for &s2 in vs.iter().take(i) {
                let (p1, p2) = (self.pto_symbol(t, s1, span), self.pto_symbol(t, s2, span));
                let (a, b) = (Var::new("Y", s1), Var::new("Z", s2));
                conj.push(Term::forall(
                    vec![x, a, b],
                    Term::not(Term::and([
                        Term::app(p1, vec![Term::var(x), Term::var(a)]),
                        Term::app(p2, vec![Term::var(x), Term::var(b)]),
                    ])),
                ));
            }
        }
        let name = self.sort_name(t);
        let formula = Term::and(conj).with_span(span);
        self.axioms.push((
            Property {
                label: Some(Symbol::intern(&format!("{name}.variants"))),
                formula,
                span,
                explicit: false,
            },
            crate::program::Origin::default(),
        ));
    }

    /// `e isa s`: `exists V:s. e *> V`.
    pub(crate) fn elab_isa(&mut self, cx: &mut Cx, e: &Expr, sort: &ast::Path, span: Span) -> Elab {
        let env = cx.env.clone();
        let s = self.resolve_sort(sort, &env)?;
        let (t, ts) = self.elab(cx, e, self.parent_of(s))?;
        let p = self.pto_symbol(ts, s, Some(span));
        let v = Var::new("V#isa", s);
        let body = Term::app(p, vec![t, Term::var(v)]).with_span(Some(span));
        Some((
            Term::exists(vec![v], body).with_span(Some(span)),
            SortId::BOOL,
        ))
    }

    /// `a *> b`: the relation `*>` of the sorts of `a` and `b`. A missing
    /// sort is inferred from the other side's variant relation.
    pub(crate) fn elab_pto(&mut self, cx: &mut Cx, lhs: &Expr, rhs: &Expr, span: Span) -> Elab {
        self.silent += 1;
        let l0 = self.elab(cx, lhs, None).map(|x| x.1);
        let r0 = self.elab(cx, rhs, None).map(|x| x.1);
        self.silent -= 1;
        let lhint = l0.or_else(|| r0.and_then(|r| self.parent_of(r)));
        let rhint = r0.or_else(|| {
            let vs = self.variants_of(lhint?);
            (vs.len() == 1).then(|| vs[0])
        });
        let (l, ls) = self.elab(cx, lhs, lhint)?;
        let (r, rs) = self.elab(cx, rhs, rhint)?;
        let p = self.pto_symbol(ls, rs, Some(span));
        Some((Term::app(p, vec![l, r]).with_span(Some(span)), SortId::BOOL))
    }

    /// `n *> X <-> X = value` for the variant `from` of `to`, and `~(n *>
    /// X)` for the other variants of `to`: what makes `n` the upcast of
    /// `value`.
    fn upcast_constraint(&mut self, n: Term, value: Term, from: SortId, to: SortId) -> Term {
        let span = value.span;
        let mut conj = Vec::new();
        let x = Var::new("X#up", from);
        let p = self.pto_symbol(to, from, span);
        conj.push(Term::forall(
            vec![x],
            Term::iff(
                Term::app(p, vec![n.clone(), Term::var(x)]),
                Term::eq(Term::var(x), value),
            ),
        ));
        for other in self.variants_of(to) {
            if other == from {
                continue;
            }
            let q = self.pto_symbol(to, other, span);
            let y = Var::new("X#up", other);
            conj.push(Term::forall(
                vec![y],
                Term::not(Term::app(q, vec![n.clone(), Term::var(y)])),
            ));
        }
        Term::and(conj).with_span(span)
    }

    /// Converts `value` of sort `from` to sort `to` where a `to` is
    /// expected: the value itself if the sorts agree, the upcast of it if
    /// `from` is a variant of `to` (a fresh temporary constrained by
    /// statements lifted before the current statement), else `None`.
    pub(crate) fn coerce(
        &mut self,
        cx: &mut Cx,
        value: Term,
        from: SortId,
        to: SortId,
    ) -> Option<Term> {
        if from == to {
            return Some(value);
        }
        if !cx.stmt || cx.old == OldMode::Inside || !self.is_variant(to, from) {
            return None;
        }
        let span = value.span.unwrap_or_default();
        if self.silent > 0 {
            return Some(Term::num(0, to).with_span(Some(span)));
        }
        let tname = self.fresh_name(&format!("{}.up", cx.owner));
        let n = self.add_local(tname, to, Some(span));
        cx.temps.push(n);
        let c = self.upcast_constraint(Term::constant(n), value, from, to);
        cx.lifted.push(Stmt {
            kind: StmtKind::Assume(c),
            span,
        });
        Some(Term::constant(n).with_span(Some(span)))
    }

    /// Statements assigning the upcast of the local `from_sym` (of a variant
    /// sort) to `target` (of its parent sort): for call results.
    pub(crate) fn upcast_into(&mut self, target: SymId, from_sym: SymId, span: Span) -> Vec<Stmt> {
        let (Some(to), Some(from)) = (
            self.sym(target).map(|d| d.ret),
            self.sym(from_sym).map(|d| d.ret),
        ) else {
            return Vec::new();
        };
        let tname = self.fresh_name("up");
        let n = self.add_local(tname, to, Some(span));
        let c = self.upcast_constraint(Term::constant(n), Term::constant(from_sym), from, to);
        vec![Stmt {
            kind: StmtKind::Local {
                syms: vec![n],
                body: crate::program::Block::new(vec![
                    Stmt {
                        kind: StmtKind::Assume(c),
                        span,
                    },
                    Stmt {
                        kind: StmtKind::Assign {
                            sym: target,
                            args: Vec::new(),
                            value: Term::constant(n),
                        },
                        span,
                    },
                ]),
            },
            span,
        }]
    }

    /// The witness of `if x:s := e` / `while x:s := e`: a fresh local of
    /// the annotated sort (or of the only variant of `e`'s sort), bound in
    /// the scope, and the condition `e *> x`. Returns the local and the
    /// condition.
    pub(crate) fn downcast_cond(
        &mut self,
        cx: &mut Cx,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Option<(SymId, ast::Ident, Term)> {
        let env: Rc<Env> = cx.env.clone();
        let (id, sort) = match &lhs.kind {
            ast::ExprKind::Annot { expr, sort } => (name_of(expr)?, Some(sort)),
            _ => (name_of(lhs)?, None),
        };
        let stmt = cx.stmt;
        cx.stmt = false;
        cx.allow_free = false;
        cx.reset_free();
        let declared = match sort {
            Some(s) => Some(self.resolve_sort(s, &env)?),
            None => None,
        };
        let hint = declared.and_then(|s| self.parent_of(s));
        let r = self.elab_infer(cx, rhs, hint);
        cx.allow_free = true;
        cx.stmt = stmt;
        let (e, es) = r?;
        let s = match declared {
            Some(s) => s,
            None => match self.variants_of(es).as_slice() {
                [only] => *only,
                _ => {
                    self.err(
                        SemaError::CannotInferSort {
                            name: id.name,
                            span: id.span,
                        },
                        &env,
                    );
                    return None;
                }
            },
        };
        let name = self.fresh_name(&format!("{}.{}", cx.owner, id.as_str()));
        let x = self.add_local(name, s, Some(id.span));
        let p = self.pto_symbol(es, s, Some(rhs.span));
        let cond = Term::app(p, vec![e, Term::constant(x)]).with_span(Some(lhs.span.to(rhs.span)));
        Some((x, id.clone(), cond))
    }

    /// Method dispatch on variants (as Ivy does for `e.m(...)`): if the
    /// base argument `args[0]` of a call of `action` has a sort with
    /// variants that have their own `m`, the call becomes `if some x:s. e
    /// *> x { call s.m(x, ...) } else { ... }` over those variants.
    pub(crate) fn dispatch(&mut self, call: Stmt, owner: Symbol) -> Stmt {
        let StmtKind::Call {
            action,
            args,
            results,
        } = &call.kind
        else {
            return call;
        };
        let Some(base) = args.first() else {
            return call;
        };
        let Some(info) = self.actions.get(action.index()) else {
            return call;
        };
        let aname = info.def.name;
        let Some(t) = info
            .def
            .params
            .first()
            .and_then(|p| self.sym(*p))
            .map(|d| d.ret)
        else {
            return call;
        };
        let method = aname
            .as_str()
            .rsplit_once('.')
            .map(|x| x.1)
            .unwrap_or(aname.as_str())
            .to_string();
        let mut out = call.clone();
        for s in self.variants_of(t) {
            let sname = self.sort_name(s);
            let own = Symbol::intern(&format!("{sname}.{method}"));
            let sibling = match sname.as_str().rsplit_once('.') {
                Some((parent, _)) => Symbol::intern(&format!("{parent}.{method}")),
                None => Symbol::intern(&method),
            };
            let found =
                [own, sibling]
                    .into_iter()
                    .find_map(|n| match self.names.get(&n).map(|x| x.0) {
                        Some(crate::check::Entity::Action(a)) => Some(a),
                        _ => None,
                    });
            let Some(va) = found.filter(|a| a != action) else {
                continue;
            };
            // The variant's action must take an `s` first and agree in shape.
            let ok = self.actions.get(va.index()).is_some_and(|vi| {
                vi.def.params.len() == args.len()
                    && vi.def.returns.len() == results.len()
                    && vi
                        .def
                        .params
                        .first()
                        .and_then(|p| self.sym(*p))
                        .map(|d| d.ret)
                        == Some(s)
            });
            if !ok {
                continue;
            }
            let xname = self.fresh_name(&format!("{owner}.self"));
            let x = self.add_local(xname, s, Some(call.span));
            let p = self.pto_symbol(t, s, Some(call.span));
            let mut vargs = args.clone();
            vargs[0] = Term::constant(x);
            let vcall = Stmt {
                kind: StmtKind::Call {
                    action: va,
                    args: vargs,
                    results: results.clone(),
                },
                span: call.span,
            };
            out = Stmt {
                kind: StmtKind::IfSome {
                    vars: vec![x],
                    cond: Term::app(p, vec![base.clone(), Term::constant(x)]),
                    base: None,
                    then_: crate::program::Block::new(vec![vcall]),
                    else_: crate::program::Block::new(vec![out]),
                },
                span: call.span,
            };
        }
        out
    }
}

/// The name of `x` in `if x := e` (a plain lowercase name).
fn name_of(e: &Expr) -> Option<&ast::Ident> {
    match &e.kind {
        ast::ExprKind::App { func, args: None } if func.segments.len() == 1 => {
            func.segments.first()
        }
        ast::ExprKind::Paren(x) => name_of(x),
        _ => None,
    }
}
