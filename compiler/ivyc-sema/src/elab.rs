//! Elaboration of expressions into sorted logic terms: name resolution in
//! scope, overloaded operators, numerals, quantifiers, `old`, member access
//! (`x.f` -> `t.f(x)`), and sort inference for capitalised variables by a
//! small fixpoint over bidirectional checking.

use crate::check::{Checker, Entity, Env};
use crate::error::{BoolContext, Immutable, NameKind, SemaError};
use crate::program::{ActionId, Stmt, StmtKind};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{BuiltinOp, Role, SortId, SortKind, SymId, SymbolDecl, Term, TermKind, Var};
use ivyc_syntax::ast::{self, BinOp, Expr, ExprKind};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The key of a logical variable for sort inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum VarKey {
    /// A quantifier binder (by the binder's span).
    Bound(Span),
    /// A free (implicitly universal) variable, by name.
    Free(Symbol),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Binding {
    Local(SymId),
    Var(VarKey),
}

/// Whether `old` may be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OldMode {
    Forbidden,
    Allowed,
    Inside,
}

/// Elaboration context of one formula / action body.
pub(crate) struct Cx {
    pub env: Rc<Env>,
    pub scope: Vec<(Symbol, Binding, Span)>,
    /// The sort of each variable and the span that fixed it (the binder's
    /// annotation, or the first use of the variable).
    pub var_sorts: HashMap<VarKey, (SortId, Span)>,
    /// Variables whose sort could not be determined, already reported
    /// (an annotation naming an unknown sort, or nothing to infer it from):
    /// their uses are not reported again.
    pub bad_vars: HashSet<VarKey>,
    pub free_order: Vec<(Symbol, Span)>,
    pub allow_free: bool,
    pub old: OldMode,
    pub olds: Vec<(SymId, SymId)>,
    /// In a statement: action calls inside expressions are lifted.
    pub stmt: bool,
    pub lifted: Vec<Stmt>,
    pub temps: Vec<SymId>,
    /// Name of the enclosing action, for temporaries.
    pub owner: Symbol,
    /// The action's parameters. As in Ivy they may be assigned: each call
    /// works on its own copy of the argument (callers never see the
    /// change). Under `old` a parameter means its value at the call.
    pub params: Vec<SymId>,
    /// In/out parameters (`f(x:t) returns (x:t)`): return symbol ->
    /// parameter symbol. Under `old`, the name means the parameter (the
    /// value at the call), not the return's current value.
    pub inout: Vec<(SymId, SymId)>,
    /// In a temporal formula or proof: what temporal constructs may be
    /// used (`None`: none, see `temporal.rs`).
    pub temporal: Option<Rc<crate::temporal::TemporalScope>>,
    /// Locals declared by `var`/`local` (not parameters), innermost last:
    /// ms-ivy refuses one that redeclares an enclosing one with another
    /// sort ("redefining symbol").
    pub declared_locals: Vec<(Symbol, SortId, Span)>,
}

impl Cx {
    pub fn new(env: Rc<Env>) -> Cx {
        Cx {
            env,
            scope: Vec::new(),
            var_sorts: HashMap::new(),
            bad_vars: HashSet::new(),
            free_order: Vec::new(),
            allow_free: true,
            old: OldMode::Forbidden,
            olds: Vec::new(),
            stmt: false,
            lifted: Vec::new(),
            temps: Vec::new(),
            owner: Symbol::intern("init"),
            params: Vec::new(),
            inout: Vec::new(),
            temporal: None,
            declared_locals: Vec::new(),
        }
    }

    pub fn lookup(&self, name: Symbol) -> Option<(Binding, Span)> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _, _)| *n == name)
            .map(|(_, b, s)| (*b, *s))
    }

    /// Forgets the free variables (between two formulas).
    pub fn reset_free(&mut self) {
        self.free_order.clear();
        self.var_sorts.retain(|k, _| matches!(k, VarKey::Bound(_)));
        self.bad_vars.retain(|k| matches!(k, VarKey::Bound(_)));
    }
}

type Elab = Option<(Term, SortId)>;

/// Whether the sort of variable `key` was inferred from a use (at
/// `fixed`) rather than given by its binder's annotation.
fn inferred_var(key: VarKey, fixed: Span) -> bool {
    match key {
        VarKey::Free(_) => true,
        VarKey::Bound(binder) => binder != fixed,
    }
}

fn sp(t: Term, span: Span) -> Term {
    t.with_span(Some(span))
}

impl Checker<'_> {
    /// Binds the parameters of the enclosing parameterised objects as
    /// logical variables (for formulas and initialisers, which hold for
    /// every value of them); returns the variables.
    pub(crate) fn bind_object_params(&mut self, cx: &mut Cx, env: &Env) -> Vec<Var> {
        let mut out = Vec::new();
        for p in &env.obj_params {
            let Some(sort) = self.resolve_sort(&p.sort, env) else {
                continue;
            };
            let key = VarKey::Bound(p.name.span);
            cx.var_sorts.insert(key, (sort, p.name.span));
            cx.scope.push((p.name.name, Binding::Var(key), p.name.span));
            out.push(Var {
                name: p.name.name,
                sort,
            });
        }
        out
    }

    /// The implicit leading arguments of a member of a parameterised object
    /// used inside it: the object parameters in scope, if all are.
    fn implicit_args(&self, cx: &Cx, names: &[Symbol]) -> Option<Vec<Term>> {
        names
            .iter()
            .map(|n| match cx.lookup(*n)? {
                (Binding::Local(sym), _) => Some(Term::constant(sym)),
                (Binding::Var(k), _) => cx
                    .var_sorts
                    .get(&k)
                    .map(|(s, _)| Term::var(Var { name: *n, sort: *s })),
            })
            .collect()
    }

    /// Elaborates with sort inference of variables (runs silent passes first).
    pub(crate) fn elab_infer(&mut self, cx: &mut Cx, e: &Expr, expected: Option<SortId>) -> Elab {
        self.silent += 1;
        let (nl, nt, no) = (cx.lifted.len(), cx.temps.len(), cx.free_order.len());
        for _ in 0..6 {
            let before = cx.var_sorts.len();
            self.elab(cx, e, expected);
            cx.lifted.truncate(nl);
            cx.temps.truncate(nt);
            cx.free_order.truncate(no);
            if cx.var_sorts.len() == before {
                break;
            }
        }
        self.silent -= 1;
        self.elab(cx, e, expected)
    }

    /// A closed formula: free variables universally quantified.
    pub(crate) fn elab_closed(&mut self, cx: &mut Cx, e: &Expr, ctx: BoolContext) -> Option<Term> {
        cx.reset_free();
        let t = self.elab_bool(cx, e, ctx)?;
        let vars = self.free_vars_of(cx);
        cx.reset_free();
        Some(sp(Term::forall(vars, t), e.span))
    }

    /// A statement formula as [`Self::elab_closed`] closes it (for when it
    /// is checked), and, if different, as Ivy reads it when it is assumed:
    /// the variables of a leading `exists` are bound outside the free
    /// variables (Ivy turns them into constants before it quantifies the
    /// free variables), so `require exists T. p(T) & q(T, X)` assumes
    /// `exists T. forall X. p(T) & q(T, X)`.
    pub(crate) fn elab_closed_assumed(
        &mut self,
        cx: &mut Cx,
        e: &Expr,
        ctx: BoolContext,
    ) -> Option<(Term, Option<Term>)> {
        cx.reset_free();
        let t = self.elab_bool(cx, e, ctx)?;
        let vars = self.free_vars_of(cx);
        cx.reset_free();
        let assumed = exists_first(&vars, &t).map(|a| sp(a, e.span));
        Some((sp(Term::forall(vars, t), e.span), assumed))
    }

    /// The free variables collected so far, as logic variables.
    pub(crate) fn free_vars_of(&mut self, cx: &Cx) -> Vec<Var> {
        let mut out = Vec::new();
        for (n, _) in &cx.free_order {
            if let Some((s, _)) = cx.var_sorts.get(&VarKey::Free(*n)) {
                out.push(Var { name: *n, sort: *s });
            }
        }
        out
    }

    pub(crate) fn elab_bool(&mut self, cx: &mut Cx, e: &Expr, ctx: BoolContext) -> Option<Term> {
        let (t, s) = self.elab_infer(cx, e, Some(SortId::BOOL))?;
        if s != SortId::BOOL {
            let found = self.sort_name(s);
            self.err(
                SemaError::NotBoolean {
                    context: ctx,
                    found,
                    span: e.span,
                },
                &cx.env.clone(),
            );
            return None;
        }
        Some(t)
    }

    fn expect(
        &mut self,
        cx: &Cx,
        got: SortId,
        want: Option<SortId>,
        span: Span,
        decl: Option<SymId>,
    ) -> bool {
        let Some(w) = want else { return true };
        if got == w {
            return true;
        }
        let decl = decl.and_then(|d| self.sym(d).and_then(|x| x.span.map(|s| (x.name, s))));
        let (expected, found) = (self.sort_name(w), self.sort_name(got));
        self.err(
            SemaError::SortMismatch {
                expected,
                found,
                span,
                decl,
            },
            &cx.env.clone(),
        );
        false
    }

    pub(crate) fn elab(&mut self, cx: &mut Cx, e: &Expr, expected: Option<SortId>) -> Elab {
        let span = e.span;
        let env = cx.env.clone();
        match &e.kind {
            ExprKind::True => Some((sp(Term::tru(), span), SortId::BOOL)),
            ExprKind::False => Some((sp(Term::fls(), span), SortId::BOOL)),
            ExprKind::Paren(x) => self.elab(cx, x, expected),
            ExprKind::Error => None,
            ExprKind::Var(id) => self.elab_var(cx, id, expected),
            ExprKind::Num(n) => self.elab_num(cx, *n, span, expected),
            ExprKind::Str(s) => {
                let Some(w) = expected else {
                    self.err(SemaError::CannotInferSort { name: *s, span }, &env);
                    return None;
                };
                if *self.sort_kind(w) != SortKind::Str {
                    let sort = self.sort_name(w);
                    self.err(
                        SemaError::NumeralSort {
                            text: *s,
                            sort,
                            span,
                            string: true,
                        },
                        &env,
                    );
                    return None;
                }
                Some((sp(Term::new(TermKind::Str(*s, w)), span), w))
            }
            ExprKind::Old(x) => {
                match cx.old {
                    OldMode::Forbidden => {
                        self.err(SemaError::OldOutsideEnsure { span }, &env);
                        return None;
                    }
                    OldMode::Inside => return self.elab(cx, x, expected),
                    OldMode::Allowed => {}
                }
                cx.old = OldMode::Inside;
                let r = self.elab(cx, x, expected);
                cx.old = OldMode::Allowed;
                r
            }
            ExprKind::Unary { op, expr } => match op {
                ast::UnOp::Not => {
                    let t = self.elab_operand(cx, expr)?;
                    Some((sp(Term::not(t), span), SortId::BOOL))
                }
                _ => self.elab_temporal_unary(cx, *op, expr, span),
            },
            ExprKind::Binary { op, lhs, rhs } => {
                self.elab_binary(cx, *op, lhs, rhs, span, expected)
            }
            ExprKind::Ite { then_, cond, else_ } => {
                let c = self.elab_operand(cx, cond);
                let (t, ts) = match self.elab(cx, then_, expected) {
                    Some(x) => x,
                    None => {
                        let (el, es) = self.elab(cx, else_, expected)?;
                        let (t, ts) = self.elab(cx, then_, Some(es))?;
                        return Some((sp(Term::ite_as_written(c?, t, el), span), ts));
                    }
                };
                let (el, es) = self.elab(cx, else_, Some(ts))?;
                if !self.expect(cx, es, Some(ts), else_.span, None) {
                    return None;
                }
                Some((sp(Term::ite_as_written(c?, t, el), span), ts))
            }
            ExprKind::Annot { expr, sort } => {
                let s = self.resolve_sort(sort, &env)?;
                let (t, ts) = self.elab(cx, expr, Some(s))?;
                if !self.expect(cx, ts, Some(s), expr.span, None) {
                    return None;
                }
                Some((t, ts))
            }
            ExprKind::Isa { expr, sort } => self.elab_isa(cx, expr, sort, span),
            ExprKind::NamedBinder { .. } => self.elab_named_binder(cx, e, expected),
            ExprKind::Quant {
                quant,
                binders,
                body,
                ..
            } => {
                let n = cx.scope.len();
                let mut keys = Vec::new();
                for b in binders {
                    if let Some((Binding::Var(_), prev)) = cx.lookup(b.name.name) {
                        self.err(
                            SemaError::ShadowedVariable {
                                name: b.name.name,
                                span: b.name.span,
                                previous: prev,
                            },
                            &env,
                        );
                    }
                    let key = VarKey::Bound(b.span);
                    if let Some(s) = &b.sort {
                        match self.resolve_sort(s, &env) {
                            Some(sid) => {
                                cx.var_sorts.insert(key, (sid, b.span));
                            }
                            None => {
                                cx.bad_vars.insert(key);
                            }
                        }
                    }
                    cx.scope.push((b.name.name, Binding::Var(key), b.name.span));
                    keys.push((b.name.name, key, b.name.span));
                }
                let body_t = self.elab(cx, body, Some(SortId::BOOL));
                cx.scope.truncate(n);
                let mut vars = Vec::new();
                for (name, key, bspan) in keys {
                    match cx.var_sorts.get(&key) {
                        Some((s, _)) => vars.push(Var { name, sort: *s }),
                        // The annotation's sort is unknown (reported).
                        None if cx.bad_vars.contains(&key) => return None,
                        None => {
                            self.err(SemaError::CannotInferSort { name, span: bspan }, &env);
                            return None;
                        }
                    }
                }
                let (b, bs) = body_t?;
                if bs != SortId::BOOL {
                    let found = self.sort_name(bs);
                    self.err(
                        SemaError::NotBoolean {
                            context: BoolContext::Operand,
                            found,
                            span: body.span,
                        },
                        &env,
                    );
                    return None;
                }
                let t = match quant {
                    ast::Quantifier::Forall => Term::new(TermKind::Forall(vars, Box::new(b))),
                    ast::Quantifier::Exists => Term::new(TermKind::Exists(vars, Box::new(b))),
                };
                Some((sp(t, span), SortId::BOOL))
            }
            ExprKind::App { func, args } => {
                if let Some(r) = self.elab_l2s_name(cx, func, args.as_deref(), span) {
                    return r;
                }
                let segs: Vec<Symbol> = func.segments.iter().map(|s| s.name).collect();
                self.elab_path(cx, &segs, func.span, args.as_deref(), span, expected)
            }
            ExprKind::Dot { base, member, args } => {
                // `o(X).f(Y)`: a member of an instance of a parameterised
                // object is `o.f(X, Y)`.
                if let Some((obj, mut all)) = self.object_instance(cx, base) {
                    let full = Symbol::intern(&format!("{obj}.{}", member.as_str()));
                    all.extend(args.iter().flatten().cloned());
                    return match self.names.get(&full).map(|x| x.0) {
                        Some(Entity::Sym(f)) => {
                            self.apply_sym(cx, f, member.span, Some(&all), span)
                        }
                        Some(Entity::Action(a)) => {
                            self.call_in_expr(cx, a, full, None, member.span, Some(&all), span)
                        }
                        _ => {
                            self.undefined(NameKind::Value, full.as_str(), member.span, &env);
                            None
                        }
                    };
                }
                let (b, bs) = self.elab(cx, base, None)?;
                self.elab_member(
                    cx,
                    b,
                    bs,
                    &[member.name],
                    member.span,
                    args.as_deref(),
                    span,
                    expected,
                )
            }
        }
    }

    /// `o(X)` (also `o(X).p(Y)` for a parameterised `p` inside `o`) where
    /// `o` is a parameterised object (or instance): the object's full name
    /// and its arguments, in order.
    pub(crate) fn object_instance(&self, cx: &Cx, e: &Expr) -> Option<(Symbol, Vec<Expr>)> {
        match &e.kind {
            ExprKind::Paren(x) => self.object_instance(cx, x),
            ExprKind::App {
                func,
                args: Some(args),
            } => {
                let first = func.segments.first()?.name;
                if cx.lookup(first).is_some() {
                    return None;
                }
                let segs: Vec<&str> = func.segments.iter().map(|s| s.as_str()).collect();
                match self.resolve_full(&segs, &cx.env)? {
                    (full, Entity::Object) => Some((full, args.clone())),
                    _ => None,
                }
            }
            ExprKind::Dot {
                base,
                member,
                args: Some(args),
            } => {
                let (obj, mut all) = self.object_instance(cx, base)?;
                let full = Symbol::intern(&format!("{obj}.{}", member.as_str()));
                match self.names.get(&full)?.0 {
                    Entity::Object => {
                        all.extend(args.iter().cloned());
                        Some((full, all))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn elab_operand(&mut self, cx: &mut Cx, e: &Expr) -> Option<Term> {
        let (t, s) = self.elab(cx, e, Some(SortId::BOOL))?;
        if s != SortId::BOOL {
            let found = self.sort_name(s);
            self.err(
                SemaError::NotBoolean {
                    context: BoolContext::Operand,
                    found,
                    span: e.span,
                },
                &cx.env.clone(),
            );
            return None;
        }
        Some(t)
    }

    fn elab_var(&mut self, cx: &mut Cx, id: &ast::Ident, expected: Option<SortId>) -> Elab {
        let env = cx.env.clone();
        let key = match cx.lookup(id.name) {
            Some((Binding::Local(s), _)) => {
                let sort = self.sym(s)?.ret;
                return Some((sp(Term::constant(s), id.span), sort));
            }
            Some((Binding::Var(k), _)) => k,
            None => {
                let k = VarKey::Free(id.name);
                if !cx.allow_free && !cx.var_sorts.contains_key(&k) {
                    self.err(
                        SemaError::UnboundVariable {
                            name: id.name,
                            span: id.span,
                        },
                        &env,
                    );
                    return None;
                }
                if !cx.free_order.iter().any(|(n, _)| *n == id.name) {
                    cx.free_order.push((id.name, id.span));
                }
                k
            }
        };
        if cx.bad_vars.contains(&key) {
            return None;
        }
        match (cx.var_sorts.get(&key).copied(), expected) {
            (Some((s, first)), Some(w)) if s != w && inferred_var(key, first) => {
                let (first_sort, second) = (self.sort_name(s), self.sort_name(w));
                self.err(
                    SemaError::VariableSortConflict {
                        name: id.name,
                        first: first_sort,
                        second,
                        span: id.span,
                        previous: first,
                    },
                    &env,
                );
                None
            }
            (Some((s, _)), _) => Some((
                sp(
                    Term::var(Var {
                        name: id.name,
                        sort: s,
                    }),
                    id.span,
                ),
                s,
            )),
            (None, Some(w)) => {
                cx.var_sorts.insert(key, (w, id.span));
                Some((
                    sp(
                        Term::var(Var {
                            name: id.name,
                            sort: w,
                        }),
                        id.span,
                    ),
                    w,
                ))
            }
            (None, None) => {
                if self.silent == 0 {
                    self.err(
                        SemaError::CannotInferSort {
                            name: id.name,
                            span: id.span,
                        },
                        &env,
                    );
                    // Report once.
                    cx.bad_vars.insert(key);
                }
                None
            }
        }
    }

    pub(crate) fn elab_num(
        &mut self,
        cx: &mut Cx,
        n: Symbol,
        span: Span,
        expected: Option<SortId>,
    ) -> Elab {
        let env = cx.env.clone();
        let Some(w) = expected else {
            if self.silent == 0 {
                self.err(SemaError::CannotInferSort { name: n, span }, &env);
            }
            return None;
        };
        let kind = self.sort_kind(w).clone();
        match kind {
            SortKind::Int | SortKind::Nat | SortKind::Range { .. } | SortKind::BitVec(_) => {
                let text = n.as_str();
                let v = if let Some(h) = text.strip_prefix("0x") {
                    i128::from_str_radix(h, 16).ok()
                } else {
                    text.parse::<i128>().ok()
                };
                let Some(v) = v else {
                    self.err(SemaError::InvalidNumeral { text: n, span }, &env);
                    return None;
                };
                // Bit-vector numerals wrap around, range numerals are clamped
                // into the range, as in Ivy.
                let v = match kind {
                    SortKind::BitVec(width) if width < 127 => v.rem_euclid(1i128 << width),
                    // A symbolic bound: the encoding and the evaluator
                    // clamp with the bound's value.
                    _ => kind.clamp(v).unwrap_or(v),
                };
                Some((sp(Term::num(v, w), span), w))
            }
            SortKind::Uninterpreted => {
                let sym = match self.numerals.get(&(n, w)) {
                    Some(s) => *s,
                    None => {
                        let s = self.add_sym(
                            SymbolDecl::new(n, vec![], w, Role::Rigid).with_span(Some(span)),
                        );
                        self.numerals.insert((n, w), s);
                        s
                    }
                };
                Some((sp(Term::constant(sym), span), w))
            }
            _ => {
                let sort = self.sort_name(w);
                self.err(
                    SemaError::NumeralSort {
                        text: n,
                        sort,
                        span,
                        string: false,
                    },
                    &env,
                );
                None
            }
        }
    }

    /// The sort both operands of a polymorphic binary operator share.
    fn elab_pair(
        &mut self,
        cx: &mut Cx,
        lhs: &Expr,
        rhs: &Expr,
        hint: Option<SortId>,
    ) -> Option<(Term, Term, SortId)> {
        self.silent += 1;
        let l0 = self.elab(cx, lhs, hint);
        let r0 = if l0.is_none() {
            self.elab(cx, rhs, hint)
        } else {
            None
        };
        self.silent -= 1;
        let s = match (&l0, &r0) {
            (Some((_, s)), _) | (_, Some((_, s))) => Some(*s),
            _ => hint,
        };
        let (l, ls) = self.elab(cx, lhs, s)?;
        let (r, rs) = self.elab(cx, rhs, Some(ls))?;
        if !self.expect(cx, rs, Some(ls), rhs.span, None) {
            return None;
        }
        Some((l, r, ls))
    }

    /// `l < r` on sort `s` (numeric: the builtin; uninterpreted: the
    /// sort's `<` relation); `None` (reported) for other sorts.
    pub(crate) fn less_than(
        &mut self,
        l: Term,
        r: Term,
        s: SortId,
        span: Span,
        env: &Env,
    ) -> Option<Term> {
        let kind = self.sort_kind(s).clone();
        if kind.is_numeric() {
            return Some(sp(Term::builtin(BuiltinOp::Lt, vec![l, r]), span));
        }
        if kind != SortKind::Uninterpreted {
            let sort = self.sort_name(s);
            self.err(
                SemaError::NoOperator {
                    op: "<",
                    sort,
                    span,
                },
                env,
            );
            return None;
        }
        let lt = self.op_symbol("<", s, SortId::BOOL, span);
        Some(sp(Term::app(lt, vec![l, r]), span))
    }

    fn elab_binary(
        &mut self,
        cx: &mut Cx,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        expected: Option<SortId>,
    ) -> Elab {
        let env = cx.env.clone();
        match op {
            BinOp::And | BinOp::Or | BinOp::Implies | BinOp::Iff => {
                let l = self.elab_operand(cx, lhs);
                let r = self.elab_operand(cx, rhs);
                let (l, r) = (l?, r?);
                let t = match op {
                    BinOp::And => Term::new(TermKind::And(vec![l, r])),
                    BinOp::Or => Term::new(TermKind::Or(vec![l, r])),
                    BinOp::Implies => Term::new(TermKind::Implies(Box::new(l), Box::new(r))),
                    _ => Term::new(TermKind::Iff(Box::new(l), Box::new(r))),
                };
                Some((sp(t, span), SortId::BOOL))
            }
            BinOp::Eq | BinOp::Neq => {
                let (l, r, _) = self.elab_pair(cx, lhs, rhs, None)?;
                let eq = sp(Term::new(TermKind::Eq(Box::new(l), Box::new(r))), span);
                if op == BinOp::Eq {
                    Some((eq, SortId::BOOL))
                } else {
                    Some((
                        sp(Term::new(TermKind::Not(Box::new(eq))), span),
                        SortId::BOOL,
                    ))
                }
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (l, r, s) = self.elab_pair(cx, lhs, rhs, None)?;
                let kind = self.sort_kind(s).clone();
                if kind.is_numeric() {
                    let b = match op {
                        BinOp::Lt => BuiltinOp::Lt,
                        BinOp::Le => BuiltinOp::Le,
                        BinOp::Gt => BuiltinOp::Gt,
                        _ => BuiltinOp::Ge,
                    };
                    return Some((sp(Term::builtin(b, vec![l, r]), span), SortId::BOOL));
                }
                if kind != SortKind::Uninterpreted {
                    let sort = self.sort_name(s);
                    self.err(
                        SemaError::NoOperator {
                            op: op.as_str(),
                            sort,
                            span,
                        },
                        &env,
                    );
                    return None;
                }
                // A defined `<=`, `>` or `>=` is used as defined (Ivy);
                // otherwise they are written with `<`.
                if let Some(&own) = self.ops.get(&(op.as_str(), s)) {
                    if op != BinOp::Lt && self.defined_syms.contains(&own) {
                        return Some((sp(Term::app(own, vec![l, r]), span), SortId::BOOL));
                    }
                }
                if !self.semantics().derived_orders() {
                    // Ivy 1.5 and older: `<=`, `>`, `>=` are relations of
                    // their own on an uninterpreted sort (see version.rs).
                    let rel = self.op_symbol(op.as_str(), s, SortId::BOOL, span);
                    return Some((sp(Term::app(rel, vec![l, r]), span), SortId::BOOL));
                }
                let lt = self.op_symbol("<", s, SortId::BOOL, span);
                let t = match op {
                    BinOp::Lt => Term::app(lt, vec![l, r]),
                    BinOp::Gt => Term::app(lt, vec![r, l]),
                    BinOp::Le => Term::or([
                        sp(Term::app(lt, vec![l.clone(), r.clone()]), span),
                        sp(Term::new(TermKind::Eq(Box::new(l), Box::new(r))), span),
                    ]),
                    _ => Term::or([
                        sp(Term::app(lt, vec![r.clone(), l.clone()]), span),
                        sp(Term::new(TermKind::Eq(Box::new(l), Box::new(r))), span),
                    ]),
                };
                Some((sp(t, span), SortId::BOOL))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let hint = expected.filter(|&s| s != SortId::BOOL);
                let (l, r, s) = self.elab_pair(cx, lhs, rhs, hint)?;
                let kind = self.sort_kind(s).clone();
                let b = match op {
                    BinOp::Add => BuiltinOp::Add,
                    BinOp::Sub => BuiltinOp::Sub,
                    BinOp::Mul => BuiltinOp::Mul,
                    _ => BuiltinOp::Div,
                };
                if kind.is_numeric() {
                    return Some((sp(Term::builtin(b, vec![l, r]), span), s));
                }
                if kind != SortKind::Uninterpreted {
                    let sort = self.sort_name(s);
                    self.err(
                        SemaError::NoOperator {
                            op: op.as_str(),
                            sort,
                            span,
                        },
                        &env,
                    );
                    return None;
                }
                let f = self.op_symbol(op.as_str(), s, s, span);
                Some((sp(Term::app(f, vec![l, r]), span), s))
            }
            BinOp::Pto => self.elab_pto(cx, lhs, rhs, span),
            BinOp::When(k) => self.elab_when(cx, k, lhs, rhs, span, expected),
        }
    }

    /// The symbol of an overloaded operator on an uninterpreted sort
    /// (declared on first use).
    pub(crate) fn op_symbol(
        &mut self,
        op: &'static str,
        s: SortId,
        ret: SortId,
        span: Span,
    ) -> SymId {
        if let Some(x) = self.ops.get(&(op, s)) {
            return *x;
        }
        let id = self.add_sym(
            SymbolDecl::new(Symbol::intern(op), vec![s, s], ret, Role::Rigid).with_span(Some(span)),
        );
        self.ops.insert((op, s), id);
        id
    }

    /// `a.b.c(args)`: locals, member access on locals, global symbols,
    /// action calls (lifted in statements).
    #[allow(clippy::too_many_arguments)]
    fn elab_path(
        &mut self,
        cx: &mut Cx,
        segs: &[Symbol],
        pspan: Span,
        args: Option<&[Expr]>,
        span: Span,
        expected: Option<SortId>,
    ) -> Elab {
        let env = cx.env.clone();
        let &first = segs.first()?;
        // A module parameter whose actual is a numeral (`instance n : m(0)`)
        // or a parameter of the enclosing parameterised instance
        // (`instance impl(X:addr) : m(X)`).
        if segs.len() == 1 && args.is_none() && cx.lookup(first).is_none() {
            let actual = match env.subst.get(&first) {
                Some((ast::ModuleArg::Name(p), _)) => match p.segments.as_slice() {
                    [seg] => Some(seg.name),
                    _ => None,
                },
                Some((ast::ModuleArg::Var(b), _)) if b.sort.is_none() => Some(b.name.name),
                _ => None,
            };
            if let Some(name) = actual {
                if name.as_str().bytes().all(|b| b.is_ascii_digit()) {
                    return self.elab_num(cx, name, span, expected);
                }
                if name != first && cx.lookup(name).is_some() {
                    return self.elab_path(cx, &[name], pspan, None, span, expected);
                }
            }
        }
        if let Some((b, _)) = cx.lookup(first) {
            // A local function (`var f(X:t) : u`) applied.
            if let (Binding::Local(sym), 1, Some(_)) = (b, segs.len(), args) {
                if self.sym(sym).is_some_and(|d| !d.args.is_empty()) {
                    return self.apply_sym(cx, sym, pspan, args, span);
                }
            }
            let (t, s) = match b {
                Binding::Local(sym) => {
                    let sym = match cx.inout.iter().find(|(r, _)| *r == sym) {
                        Some(&(_, param)) if cx.old == OldMode::Inside => param,
                        _ => sym,
                    };
                    let sym = if cx.old == OldMode::Inside && cx.params.contains(&sym) {
                        self.param_at_call(cx, sym)
                    } else {
                        sym
                    };
                    (sp(Term::constant(sym), pspan), self.sym(sym)?.ret)
                }
                Binding::Var(k) => {
                    let s = cx.var_sorts.get(&k)?.0;
                    (
                        sp(
                            Term::var(Var {
                                name: first,
                                sort: s,
                            }),
                            pspan,
                        ),
                        s,
                    )
                }
            };
            if segs.len() == 1 {
                if args.is_some() {
                    self.err(
                        SemaError::NotAFunction {
                            name: first,
                            span: pspan,
                            decl: None,
                        },
                        &env,
                    );
                    return None;
                }
                return Some((t, s));
            }
            return self.elab_member(
                cx,
                t,
                s,
                segs.get(1..).unwrap_or(&[]),
                pspan,
                args,
                span,
                expected,
            );
        }
        let strs: Vec<&str> = segs.iter().map(|s| s.as_str()).collect();
        match self.resolve_full(&strs, &env) {
            Some((_, Entity::Sym(f))) => self.apply_sym(cx, f, pspan, args, span),
            Some((full, Entity::Action(a))) => {
                self.call_in_expr(cx, a, full, None, pspan, args, span)
            }
            Some((full, _)) => {
                let decl = self.names.get(&full).and_then(|x| x.1);
                self.err(
                    SemaError::NotAFunction {
                        name: full,
                        span: pspan,
                        decl,
                    },
                    &env,
                );
                None
            }
            None => {
                // A prefix may be an individual: `c.f` with `c : t` is `t.f(c)`.
                for k in (1..segs.len()).rev() {
                    let head = strs.get(..k).unwrap_or(&[]);
                    if let Some((_, Entity::Sym(c))) = self.resolve_full(head, &env) {
                        // An individual, or a member of the enclosing
                        // parameterised object (its parameters implicit).
                        let implicit = self.implicit.get(&c).map_or(0, |v| v.len());
                        if self.sym(c).map(|d| d.args.len()) == Some(implicit) {
                            let (t, s) = self.apply_sym(cx, c, pspan, None, pspan)?;
                            return self.elab_member(
                                cx,
                                t,
                                s,
                                segs.get(k..).unwrap_or(&[]),
                                pspan,
                                args,
                                span,
                                expected,
                            );
                        }
                    }
                }
                if segs.len() == 1 && first.as_str() == "this" {
                    self.err(SemaError::ThisOutsideObject { span: pspan }, &env);
                    return None;
                }
                self.undefined(NameKind::Value, &strs.join("."), pspan, &env);
                None
            }
        }
    }

    /// `base.member(args)` where `base` has sort `s`: `s.member(base, args)`.
    #[allow(clippy::too_many_arguments)]
    fn elab_member(
        &mut self,
        cx: &mut Cx,
        base: Term,
        s: SortId,
        rest: &[Symbol],
        mspan: Span,
        args: Option<&[Expr]>,
        span: Span,
        _expected: Option<SortId>,
    ) -> Elab {
        let env = cx.env.clone();
        // `x.f.g`: take `x.f` first when `f` is a unary member of the sort.
        if let (Some(&head), Some(more)) = (rest.first(), rest.get(1..)) {
            if !more.is_empty() {
                let whole = Symbol::intern(&format!(
                    "{}.{}",
                    self.sort_name(s),
                    rest.iter()
                        .map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(".")
                ));
                if !self.names.contains_key(&whole) {
                    if let Some(f) = self.member_sym(s, head) {
                        if self.sym(f).map(|d| d.args.len()) == Some(1) {
                            let f = self.maybe_old(cx, f);
                            let ret = self.sym(f)?.ret;
                            let t = sp(Term::app(f, vec![base]), mspan);
                            return self
                                .elab_member(cx, t, ret, more, mspan, args, span, _expected);
                        }
                    }
                }
            }
        }
        let tail: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
        let sname = self.sort_name(s);
        let mut full = Symbol::intern(&format!("{sname}.{}", tail.join(".")));
        // As in Ivy: a member of the sort (`t.f`), else a sibling of the
        // sort (`f` next to `t`), which is where struct fields live.
        if !self.names.contains_key(&full) {
            let sibling = match sname.as_str().rsplit_once('.') {
                Some((parent, _)) => format!("{parent}.{}", tail.join(".")),
                None => tail.join("."),
            };
            let sib = Symbol::intern(&sibling);
            let first_arg = |c: &Self, f: SymId| c.sym(f).and_then(|d| d.args.first().copied());
            match self.names.get(&sib).map(|x| x.0) {
                Some(Entity::Sym(f)) if first_arg(self, f) == Some(s) => full = sib,
                Some(Entity::Action(_)) => full = sib,
                _ => {}
            }
        }
        match self.names.get(&full).map(|x| x.0) {
            Some(Entity::Sym(f)) => {
                let mut all = vec![base];
                let nargs = args.map(|a| a.len()).unwrap_or(0);
                let d = self.sym(f)?.clone();
                if d.args.len() != nargs + 1 {
                    self.err(
                        SemaError::ArityMismatch {
                            name: d.name,
                            expected: d.args.len().saturating_sub(1),
                            found: nargs,
                            span,
                            decl: d.span,
                        },
                        &env,
                    );
                    return None;
                }
                if let Some(b0) = d.args.first() {
                    if !self.expect(cx, s, Some(*b0), mspan, Some(f)) {
                        return None;
                    }
                }
                for (a, &want) in args.unwrap_or(&[]).iter().zip(d.args.iter().skip(1)) {
                    let (t, ts) = self.elab(cx, a, Some(want))?;
                    if !self.expect(cx, ts, Some(want), a.span, Some(f)) {
                        return None;
                    }
                    all.push(t);
                }
                let f = self.maybe_old(cx, f);
                Some((sp(Term::app(f, all), span), d.ret))
            }
            Some(Entity::Action(a)) => {
                self.call_in_expr(cx, a, full, Some(base), mspan, args, span)
            }
            _ => {
                let fields = self.fields_of(s);
                let is_struct = self.destructors.iter().any(|d| d.sort == s && d.field)
                    || self.struct_sorts.contains(&s);
                if is_struct || !matches!(self.sort_kind(s), SortKind::Uninterpreted) {
                    let names = fields
                        .iter()
                        .filter_map(|f| self.sym(*f))
                        .map(|d| {
                            let n = d.name.as_str();
                            Symbol::intern(n.rsplit_once('.').map(|x| x.1).unwrap_or(n))
                        })
                        .collect();
                    let sort_decl = self.sorts.get(s.index()).and_then(|d| d.span);
                    self.err(
                        SemaError::UnknownField {
                            field: Symbol::intern(&tail.join(".")),
                            sort: sname,
                            is_struct,
                            fields: names,
                            span: mspan,
                            sort_decl,
                        },
                        &env,
                    );
                } else {
                    self.undefined(NameKind::Value, full.as_str(), mspan, &env);
                }
                None
            }
        }
    }

    /// The symbol `name` is as a member of sort `s`: `s.name`, else the
    /// sibling `name` of the sort taking an `s` first (as in Ivy).
    fn member_sym(&self, s: SortId, name: Symbol) -> Option<SymId> {
        let sname = self.sort_name(s);
        let own = Symbol::intern(&format!("{sname}.{name}"));
        if let Some((Entity::Sym(f), _)) = self.names.get(&own) {
            return Some(*f);
        }
        let sibling = match sname.as_str().rsplit_once('.') {
            Some((parent, _)) => Symbol::intern(&format!("{parent}.{name}")),
            None => name,
        };
        match self.names.get(&sibling) {
            Some((Entity::Sym(f), _))
                if self.sym(*f).and_then(|d| d.args.first().copied()) == Some(s) =>
            {
                Some(*f)
            }
            _ => None,
        }
    }

    /// Replaces a state symbol by its `old` snapshot when inside `old`.
    fn maybe_old(&mut self, cx: &mut Cx, f: SymId) -> SymId {
        if cx.old != OldMode::Inside {
            return f;
        }
        let Some(d) = self.sym(f).cloned() else {
            return f;
        };
        if d.role != Role::State || self.axiom_syms.contains_key(&f) {
            return f;
        }
        if let Some((snap, _)) = cx.olds.iter().find(|(_, o)| *o == f) {
            return *snap;
        }
        let name = self.fresh_name(&format!("old.{}", d.name));
        let snap = self
            .add_sym(SymbolDecl::new(name, d.args.clone(), d.ret, Role::Local).with_span(d.span));
        cx.olds.push((snap, f));
        snap
    }

    /// `old p` for an action parameter `p`: a snapshot of its value at the
    /// call, taken before the body runs (the body may assign `p`).
    fn param_at_call(&mut self, cx: &mut Cx, p: SymId) -> SymId {
        if let Some((snap, _)) = cx.olds.iter().find(|(_, o)| *o == p) {
            return *snap;
        }
        let Some(d) = self.sym(p).cloned() else {
            return p;
        };
        let name = self.fresh_name(&format!("old.{}", d.name));
        let snap =
            self.add_sym(SymbolDecl::new(name, Vec::new(), d.ret, Role::Local).with_span(d.span));
        cx.olds.push((snap, p));
        snap
    }

    pub(crate) fn apply_sym(
        &mut self,
        cx: &mut Cx,
        f: SymId,
        pspan: Span,
        args: Option<&[Expr]>,
        span: Span,
    ) -> Elab {
        let env = cx.env.clone();
        let d = self.sym(f)?.clone();
        let nargs = args.map(|a| a.len()).unwrap_or(0);
        // A member of a parameterised object used inside it: the object
        // parameters are passed implicitly.
        let mut out = Vec::new();
        if let Some(names) = self.implicit.get(&f).cloned() {
            if nargs + names.len() == d.args.len() {
                if let Some(imp) = self.implicit_args(cx, &names) {
                    out = imp;
                }
            }
        }
        let skip = out.len();
        if d.args.len() != nargs + skip {
            self.err(
                SemaError::ArityMismatch {
                    name: d.name,
                    expected: d.args.len(),
                    found: nargs,
                    span,
                    decl: d.span,
                },
                &env,
            );
            return None;
        }
        let mut ok = true;
        for (a, &want) in args.unwrap_or(&[]).iter().zip(d.args.iter().skip(skip)) {
            match self.elab(cx, a, Some(want)) {
                Some((t, ts)) => {
                    ok &= self.expect(cx, ts, Some(want), a.span, Some(f));
                    out.push(t);
                }
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        let f = self.maybe_old(cx, f);
        Some((
            sp(Term::app(f, out), if args.is_some() { span } else { pspan }),
            d.ret,
        ))
    }

    /// Elaborates call arguments against the action's parameters.
    pub(crate) fn call_args(
        &mut self,
        cx: &mut Cx,
        a: ActionId,
        name: Symbol,
        base: Option<Term>,
        args: Option<&[Expr]>,
        span: Span,
    ) -> Option<Vec<Term>> {
        let env = cx.env.clone();
        let info = self.actions.get(a.index())?;
        let psyms = info.def.params.clone();
        let params: Vec<SortId> = psyms
            .iter()
            .filter_map(|p| self.sym(*p).map(|d| d.ret))
            .collect();
        let decl = Some(info.decl_span);
        let mut out: Vec<Term> = base.into_iter().collect();
        let nargs = args.map(|a| a.len()).unwrap_or(0);
        if out.is_empty() {
            if let Some(names) = self.implicit_actions.get(&a).cloned() {
                if nargs + names.len() == params.len() {
                    if let Some(imp) = self.implicit_args(cx, &names) {
                        out = imp;
                    }
                }
            }
        }
        let given = out.len() + nargs;
        if given != params.len() {
            self.err(
                SemaError::ArityMismatch {
                    name,
                    expected: params.len(),
                    found: given,
                    span,
                    decl,
                },
                &env,
            );
            return None;
        }
        let mut ok = true;
        let skip = out.len();
        for ((a, &want), &p) in args
            .unwrap_or(&[])
            .iter()
            .zip(params.iter().skip(skip))
            .zip(psyms.iter().skip(skip))
        {
            match self.elab(cx, a, Some(want)) {
                Some((t, ts)) => match self.coerce(cx, t.clone(), ts, want) {
                    // A value of a variant passed for its parent sort.
                    Some(up) => out.push(up),
                    None => {
                        ok &= self.expect(cx, ts, Some(want), a.span, Some(p));
                        out.push(t);
                    }
                },
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn call_in_expr(
        &mut self,
        cx: &mut Cx,
        a: ActionId,
        name: Symbol,
        base: Option<Term>,
        pspan: Span,
        args: Option<&[Expr]>,
        span: Span,
    ) -> Elab {
        let env = cx.env.clone();
        let (decl, rets) = {
            let info = self.actions.get(a.index())?;
            (info.decl_span, info.def.returns.clone())
        };
        if !cx.stmt || cx.old == OldMode::Inside {
            self.err(
                SemaError::ActionInFormula {
                    name,
                    span: pspan,
                    decl: Some(decl),
                },
                &env,
            );
            return None;
        }
        let Some(&ret) = rets.first() else {
            self.err(
                SemaError::MissingReturns {
                    action: name,
                    span,
                    decl: Some(decl),
                },
                &env,
            );
            return None;
        };
        if rets.len() != 1 {
            self.err(
                SemaError::ResultCountMismatch {
                    action: name,
                    expected: rets.len(),
                    found: 1,
                    span,
                    decl: Some(decl),
                },
                &env,
            );
            return None;
        }
        let rs = self.sym(ret)?.ret;
        let method = base.is_some();
        let targs = self.call_args(cx, a, name, base, args, span)?;
        // A call in an assertion is lifted before it: its arguments may not
        // mention the formula's variables.
        if targs.iter().any(|t| !t.free_vars().is_empty()) {
            self.err(
                SemaError::ActionInFormula {
                    name,
                    span: pspan,
                    decl: Some(decl),
                },
                &env,
            );
            return None;
        }
        if self.silent > 0 {
            return Some((sp(Term::num(0, rs), span), rs));
        }
        let tname = self.fresh_name(&format!("{}.tmp", cx.owner));
        let tmp = self.add_local(tname, rs, Some(span));
        cx.temps.push(tmp);
        let mut call = Stmt {
            kind: StmtKind::Call {
                action: a,
                args: targs,
                results: vec![tmp],
            },
            span,
        };
        if method {
            call = self.dispatch(call, cx.owner);
        }
        cx.lifted.push(call);
        Some((sp(Term::constant(tmp), span), rs))
    }

    /// Why a symbol may not be assigned, if it may not.
    pub(crate) fn immutable(&self, f: SymId) -> Option<Immutable> {
        if let Some(a) = self.axiom_syms.get(&f) {
            if self.semantics().axiom_symbols_immutable() {
                return Some(Immutable::Axiom(*a));
            }
        }
        if self.param_syms.contains(&f) {
            return Some(Immutable::Parameter);
        }
        if self.defined_syms.contains(&f) {
            return Some(Immutable::Definition);
        }
        match self.sym(f).map(|d| d.role) {
            Some(Role::EnumCtor) => Some(Immutable::EnumCtor),
            Some(Role::Rigid) => Some(Immutable::Constant),
            _ => None,
        }
    }
}

/// `exists Y. forall X. φ` for the body `exists Y. φ` of a formula with
/// free variables `X` (leading `exists` chains are bound first), if the
/// body starts with `exists` and there are free variables.
pub(crate) fn exists_first(free: &[Var], t: &Term) -> Option<Term> {
    if free.is_empty() {
        return None;
    }
    let mut ys = Vec::new();
    let mut body = t;
    while let TermKind::Exists(vs, b) = &body.kind {
        ys.extend(vs.iter().copied());
        body = b;
    }
    if ys.is_empty() {
        return None;
    }
    Some(Term::exists(ys, Term::forall(free.to_vec(), body.clone())))
}
