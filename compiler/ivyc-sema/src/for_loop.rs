//! `for it:t, v:u in e invariant ... { body }` (Ivy 1.8), expanded as
//! ms-ivy's parser does into an ordinary loop over the collection's
//! iterator interface:
//!
//! ```text
//! var it:t := e.begin;  var end:t := e.end;
//! while it < end invariant ... { var v:u := e.value(it); body; it := it.next }
//! ```
//!
//! `e.begin`, `e.end`, `e.value(i)` and `i.next` resolve like any member
//! access (functions or actions of the collection's and the index's sorts).

use crate::check::Checker;
use crate::elab::Cx;
use crate::program::Stmt;
use ivyc_base::{Span, Symbol};
use ivyc_syntax::ast::{self, BinOp, Expr, ExprKind, StmtKind as S};

/// `base.member(args)` as an expression (a path extended when `base` is an
/// unapplied name, as ms-ivy's `methcall` does).
fn member(base: &Expr, name: &str, args: Option<Vec<Expr>>, span: Span) -> Expr {
    let m = ast::Ident {
        name: Symbol::intern(name),
        span,
    };
    let kind = match &base.kind {
        ExprKind::App { func, args: None } => {
            let mut func = func.clone();
            func.segments.push(m);
            ExprKind::App { func, args }
        }
        _ => ExprKind::Dot {
            base: Box::new(base.clone()),
            member: m,
            args,
        },
    };
    Expr { kind, span }
}

fn name_expr(id: &ast::Ident) -> Expr {
    Expr {
        kind: ExprKind::App {
            func: ast::Path::single(id.clone()),
            args: None,
        },
        span: id.span,
    }
}

fn stmt(kind: S, span: Span) -> ast::Stmt {
    ast::Stmt { kind, span }
}

impl Checker<'_> {
    /// Elaborates a `for` loop through its expansion.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn elab_for(
        &mut self,
        cx: &mut Cx,
        index: &ast::TypedName,
        value: &ast::TypedName,
        collection: &Expr,
        invariants: &[ast::LoopInvariant],
        decreases: Option<&Expr>,
        body: &ast::Block,
        span: Span,
    ) -> Vec<Stmt> {
        let (ast::TypedHead::Name { name: it, .. }, ast::TypedHead::Name { .. }) =
            (&index.head, &value.head)
        else {
            self.unsupported("this form of `for` variable", index.span, &cx.env.clone());
            return Vec::new();
        };
        let end = ast::Ident {
            name: Symbol::intern("for#end"),
            span: index.span,
        };
        let end_var = ast::TypedName {
            head: ast::TypedHead::Name {
                name: end.clone(),
                args: None,
            },
            sort: index.sort.clone(),
            span: index.span,
        };
        let cspan = collection.span;
        let init_it = stmt(
            S::Var {
                name: index.clone(),
                init: Some(member(collection, "begin", None, cspan)),
            },
            span,
        );
        let init_end = stmt(
            S::Var {
                name: end_var,
                init: Some(member(collection, "end", None, cspan)),
            },
            span,
        );
        let get = stmt(
            S::Var {
                name: value.clone(),
                init: Some(member(
                    collection,
                    "value",
                    Some(vec![name_expr(it)]),
                    cspan,
                )),
            },
            value.span,
        );
        let step = stmt(
            S::Assign {
                lhs: name_expr(it),
                rhs: member(&name_expr(it), "next", None, it.span),
            },
            it.span,
        );
        let loop_body = ast::Block {
            stmts: vec![get, stmt(S::Block(body.clone()), body.span), step],
            span: body.span,
        };
        let cond = Expr {
            kind: ExprKind::Binary {
                op: BinOp::Lt,
                lhs: Box::new(name_expr(it)),
                rhs: Box::new(name_expr(&end)),
            },
            span: index.span,
        };
        let while_ = stmt(
            S::While {
                cond: ast::Cond::Expr(cond),
                invariants: invariants.to_vec(),
                decreases: decreases.cloned(),
                body: loop_body,
            },
            span,
        );
        let n = cx.scope.len();
        let out = self.elab_stmts(cx, &[init_it, init_end, while_]);
        cx.scope.truncate(n);
        out
    }
}
