//! Action macros: `macro m(x, y) = { stmts }` and `instantiate m(a, b)`
//! inside an action. As in ms-ivy (`ivy_actions.instantiate_macro`), the
//! instantiation is the macro's text with every parameter name replaced by
//! the argument expression (so a parameter may be assigned, and an argument
//! is re-read where the text reads it), elaborated in place, in the scope
//! of the action that instantiates it.

use crate::check::{dotted, Checker, Env};
use crate::elab::Cx;
use crate::error::NameKind;
use crate::program::Stmt;
use ivyc_base::{Span, Symbol};
use ivyc_syntax::ast::{self, Expr, ExprKind, StmtKind as S};
use std::collections::HashMap;
use std::rc::Rc;

/// A declared macro: parameter names and body.
pub(crate) struct MacroDef<'a> {
    pub params: Vec<Symbol>,
    pub body: &'a ast::Block,
    pub span: Span,
}

impl<'a> Checker<'a> {
    /// Records `macro m(x, ...) = { ... }`.
    pub(crate) fn declare_macro(
        &mut self,
        name: &ast::CallSegment,
        body: &'a ast::Block,
        span: Span,
        env: &Rc<Env>,
    ) {
        let mut params = Vec::new();
        for a in name.args.iter().flatten() {
            match &a.kind {
                ExprKind::App { func, args: None } if func.segments.len() == 1 => {
                    params.push(func.segments[0].name)
                }
                ExprKind::Var(id) => params.push(id.name),
                _ => {
                    self.unsupported("this form of macro parameter", a.span, env);
                    return;
                }
            }
        }
        let full = dotted(&env.prefix, name.name.as_str());
        self.macros.insert(full, MacroDef { params, body, span });
    }

    /// `instantiate m(args)` in an action: the macro's text with the
    /// arguments substituted, elaborated here.
    pub(crate) fn instantiate_macro(
        &mut self,
        cx: &mut Cx,
        call: &ast::CallAtom,
        span: Span,
    ) -> Vec<Stmt> {
        let env = cx.env.clone();
        let name: Vec<&str> = call.segments.iter().map(|s| s.name.as_str()).collect();
        let tail = name.join(".");
        let found = (0..=env.prefix.len())
            .rev()
            .map(|i| dotted(env.prefix.get(..i).unwrap_or(&[]), &tail))
            .find(|c| self.macros.contains_key(c));
        let Some(full) = found else {
            self.undefined(NameKind::Action, &tail, call.span, &env);
            return Vec::new();
        };
        let args: Vec<Expr> = call
            .segments
            .last()
            .and_then(|s| s.args.clone())
            .unwrap_or_default();
        let Some(m) = self.macros.get(&full) else {
            return Vec::new();
        };
        if m.params.len() != args.len() {
            let (expected, decl) = (m.params.len(), m.span);
            self.err(
                crate::error::SemaError::ArityMismatch {
                    name: full,
                    expected,
                    found: args.len(),
                    span,
                    decl: Some(decl),
                },
                &env,
            );
            return Vec::new();
        }
        let subst: HashMap<Symbol, Expr> = m.params.iter().copied().zip(args).collect();
        let body = m.body;
        if self.macro_depth > 32 {
            self.unsupported("recursive macro instantiation", span, &env);
            return Vec::new();
        }
        let stmts: Vec<ast::Stmt> = body.stmts.iter().map(|s| stmt(s, &subst)).collect();
        self.macro_depth += 1;
        let n = cx.scope.len();
        let out = self.elab_stmts(cx, &stmts);
        cx.scope.truncate(n);
        self.macro_depth -= 1;
        out
    }
}

/// `e` with the parameter names replaced.
fn expr(e: &Expr, s: &HashMap<Symbol, Expr>) -> Expr {
    let span = e.span;
    let b = |x: &Expr| Box::new(expr(x, s));
    let kind = match &e.kind {
        ExprKind::App { func, args } => {
            let args = args
                .as_ref()
                .map(|a| a.iter().map(|x| expr(x, s)).collect());
            let first = func.segments.first().map(|i| i.name);
            match first.and_then(|f| s.get(&f)) {
                // `x`, `x.f`, `x.f(a)` with `x` a parameter.
                Some(actual) => {
                    let mut out = actual.clone();
                    let rest = func.segments.get(1..).unwrap_or(&[]);
                    let n = rest.len();
                    if n == 0 {
                        if args.is_some() {
                            // `x(a)`: only a name can be applied.
                            if let ExprKind::App {
                                func: af,
                                args: None,
                            } = &actual.kind
                            {
                                return Expr {
                                    kind: ExprKind::App {
                                        func: af.clone(),
                                        args,
                                    },
                                    span,
                                };
                            }
                        }
                        return out;
                    }
                    for (i, seg) in rest.iter().enumerate() {
                        let a = if i + 1 == n { args.clone() } else { None };
                        out = member(out, seg.clone(), a, span);
                    }
                    return out;
                }
                None => ExprKind::App {
                    func: func.clone(),
                    args,
                },
            }
        }
        ExprKind::Dot {
            base,
            member: m,
            args,
        } => ExprKind::Dot {
            base: b(base),
            member: m.clone(),
            args: args
                .as_ref()
                .map(|a| a.iter().map(|x| expr(x, s)).collect()),
        },
        ExprKind::Var(id) => match s.get(&id.name) {
            Some(actual) => return actual.clone(),
            None => ExprKind::Var(id.clone()),
        },
        ExprKind::Old(x) => ExprKind::Old(b(x)),
        ExprKind::Unary { op, expr: x } => ExprKind::Unary {
            op: *op,
            expr: b(x),
        },
        ExprKind::Binary { op, lhs, rhs } => ExprKind::Binary {
            op: *op,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        ExprKind::Ite { then_, cond, else_ } => ExprKind::Ite {
            then_: b(then_),
            cond: b(cond),
            else_: b(else_),
        },
        ExprKind::Annot { expr: x, sort } => ExprKind::Annot {
            expr: b(x),
            sort: sort.clone(),
        },
        ExprKind::Isa { expr: x, sort } => ExprKind::Isa {
            expr: b(x),
            sort: sort.clone(),
        },
        ExprKind::Quant {
            quant,
            binders,
            parens,
            body,
        } => {
            // A bound variable shadows a parameter of the same name.
            let inner: HashMap<Symbol, Expr> = s
                .iter()
                .filter(|(k, _)| !binders.iter().any(|bd| bd.name.name == **k))
                .map(|(k, v)| (*k, v.clone()))
                .collect();
            ExprKind::Quant {
                quant: *quant,
                binders: binders.clone(),
                parens: *parens,
                body: Box::new(expr(body, &inner)),
            }
        }
        ExprKind::NamedBinder {
            name,
            binders,
            body,
            applied,
        } => ExprKind::NamedBinder {
            name: name.clone(),
            binders: binders.clone(),
            body: b(body),
            applied: applied
                .as_ref()
                .map(|a| a.iter().map(|x| expr(x, s)).collect()),
        },
        ExprKind::Paren(x) => ExprKind::Paren(b(x)),
        k @ (ExprKind::Num(_)
        | ExprKind::Str(_)
        | ExprKind::True
        | ExprKind::False
        | ExprKind::Error) => k.clone(),
    };
    Expr { kind, span }
}

/// `base.m(args)`: a longer path when `base` is an unapplied name.
fn member(base: Expr, m: ast::Ident, args: Option<Vec<Expr>>, span: Span) -> Expr {
    let kind = match base.kind {
        ExprKind::App {
            mut func,
            args: None,
        } => {
            func.segments.push(m);
            ExprKind::App { func, args }
        }
        kind => ExprKind::Dot {
            base: Box::new(Expr {
                kind,
                span: base.span,
            }),
            member: m,
            args,
        },
    };
    Expr { kind, span }
}

fn lf(f: &ast::LabeledFmla, s: &HashMap<Symbol, Expr>) -> ast::LabeledFmla {
    ast::LabeledFmla {
        label: f.label.clone(),
        fmla: expr(&f.fmla, s),
        span: f.span,
    }
}

fn block(b: &ast::Block, s: &HashMap<Symbol, Expr>) -> ast::Block {
    ast::Block {
        stmts: b.stmts.iter().map(|x| stmt(x, s)).collect(),
        span: b.span,
    }
}

/// A call atom with parameters substituted in its arguments (and in its
/// first segment, when that names a parameter standing for a name).
fn callatom(c: &ast::CallAtom, s: &HashMap<Symbol, Expr>) -> ast::CallAtom {
    let mut segments: Vec<ast::CallSegment> = c
        .segments
        .iter()
        .map(|seg| ast::CallSegment {
            name: seg.name.clone(),
            args: seg
                .args
                .as_ref()
                .map(|a| a.iter().map(|x| expr(x, s)).collect()),
            span: seg.span,
        })
        .collect();
    if let Some(first) = segments.first().cloned() {
        if let Some(Expr {
            kind: ExprKind::App { func, args: None },
            ..
        }) = s.get(&first.name.name)
        {
            let mut new: Vec<ast::CallSegment> = func
                .segments
                .iter()
                .map(|i| ast::CallSegment {
                    name: i.clone(),
                    args: None,
                    span: i.span,
                })
                .collect();
            if let Some(last) = new.last_mut() {
                last.args = first.args.clone();
            }
            new.extend(segments.drain(1..));
            segments = new;
        }
    }
    ast::CallAtom {
        segments,
        span: c.span,
    }
}

fn cond(c: &ast::Cond, s: &HashMap<Symbol, Expr>) -> ast::Cond {
    match c {
        ast::Cond::Expr(e) => ast::Cond::Expr(expr(e, s)),
        ast::Cond::Assign { lhs, rhs } => ast::Cond::Assign {
            lhs: lhs.clone(),
            rhs: expr(rhs, s),
        },
        ast::Cond::Some {
            params,
            parens,
            fmla,
            optimize,
            span,
        } => ast::Cond::Some {
            params: params.clone(),
            parens: *parens,
            fmla: expr(fmla, s),
            optimize: optimize.as_ref().map(|(d, e)| (*d, expr(e, s))),
            span: *span,
        },
    }
}

fn invs(xs: &[ast::LoopInvariant], s: &HashMap<Symbol, Expr>) -> Vec<ast::LoopInvariant> {
    xs.iter()
        .map(|i| ast::LoopInvariant {
            fmla: lf(&i.fmla, s),
            proof: i.proof.clone(),
            span: i.span,
        })
        .collect()
}

/// `st` with the parameter names replaced.
fn stmt(st: &ast::Stmt, s: &HashMap<Symbol, Expr>) -> ast::Stmt {
    let e = |x: &Expr| expr(x, s);
    let kind = match &st.kind {
        S::Assume(f) => S::Assume(lf(f, s)),
        S::Assert { kind, fmla, proof } => S::Assert {
            kind: *kind,
            fmla: lf(fmla, s),
            proof: proof.clone(),
        },
        S::Assign { lhs, rhs } => S::Assign {
            lhs: e(lhs),
            rhs: e(rhs),
        },
        S::Havoc { lhs } => S::Havoc { lhs: e(lhs) },
        S::TupleAssign { lhs, call } => S::TupleAssign {
            lhs: lhs.iter().map(e).collect(),
            call: callatom(call, s),
        },
        S::Expr(x) => S::Expr(e(x)),
        S::Call { returns, callee } => S::Call {
            returns: returns.iter().map(|r| callatom(r, s)).collect(),
            callee: callatom(callee, s),
        },
        S::If {
            cond: c,
            then_,
            else_,
        } => S::If {
            cond: cond(c, s),
            then_: block(then_, s),
            else_: else_.as_ref().map(|x| Box::new(stmt(x, s))),
        },
        S::IfStar { then_, else_ } => S::IfStar {
            then_: block(then_, s),
            else_: Box::new(stmt(else_, s)),
        },
        S::While {
            cond: c,
            invariants,
            decreases,
            body,
        } => S::While {
            cond: cond(c, s),
            invariants: invs(invariants, s),
            decreases: decreases.as_ref().map(e),
            body: block(body, s),
        },
        S::Instantiate(c) => S::Instantiate(callatom(c, s)),
        S::For {
            index,
            value,
            collection,
            invariants,
            decreases,
            body,
        } => S::For {
            index: index.clone(),
            value: value.clone(),
            collection: e(collection),
            invariants: invs(invariants, s),
            decreases: decreases.as_ref().map(e),
            body: block(body, s),
        },
        S::Local { params, body } => S::Local {
            params: params.clone(),
            body: block(body, s),
        },
        S::Var { name, init } => S::Var {
            name: name.clone(),
            init: init.as_ref().map(e),
        },
        S::Thunk {
            label,
            name,
            params,
            sort,
            body,
        } => S::Thunk {
            label: label.clone(),
            name: name.clone(),
            params: params.clone(),
            sort: sort.clone(),
            body: block(body, s),
        },
        S::Let { eqns, body } => S::Let {
            eqns: eqns.clone(),
            body: block(body, s),
        },
        S::Block(b) => S::Block(block(b, s)),
        S::Unprovable(x) => S::Unprovable(Box::new(stmt(x, s))),
        S::Debug { text, args } => S::Debug {
            text: text.clone(),
            args: args.iter().map(|(n, x)| (n.clone(), e(x))).collect(),
        },
        S::Error => S::Error,
    };
    ast::Stmt {
        kind,
        span: st.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::FileId;

    /// The formula of `axiom <src>` with `x := <arg>` substituted, printed.
    fn subst(src: &str, arg: &str) -> String {
        let parse = |t: &str| {
            let (f, errs) = ivyc_syntax::parse(FileId(0), &format!("#lang ivy1.7\naxiom {t}\n"));
            assert!(errs.is_empty(), "{t}: {errs:?}");
            match &f.decls[0].kind {
                ast::DeclKind::Axiom { prop, .. } => match &prop.prop {
                    ast::Prop::Fmla(e) => e.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        };
        let s: HashMap<Symbol, Expr> = [(Symbol::intern("x"), parse(arg))].into_iter().collect();
        ivyc_syntax::pretty::expr(&expr(&parse(src), &s))
    }

    #[test]
    fn parameters_are_replaced_by_the_argument_text() {
        assert_eq!(subst("r(x) & x = c", "a"), subst("r(a) & a = c", "a"));
        // A member of the parameter extends the argument's path.
        assert_eq!(subst("x.f = c", "o.a"), subst("o.a.f = c", "o.a"));
        // An applied argument becomes the base of a member.
        assert_eq!(subst("x.f = c", "g(b)"), subst("g(b).f = c", "g(b)"));
        // A bound variable of the same name is not replaced.
        assert_eq!(subst("forall X. X = X", "a"), subst("forall X. X = X", "a"));
    }
}
