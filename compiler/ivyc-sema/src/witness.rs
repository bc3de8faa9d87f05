//! Conditions that bind witnesses, in `if` and `while`: `some x:t, y:u.
//! fmla [minimizing e]` and the variant downcast `x:s := e` (`e *> x`,
//! see `variant.rs`). As in Ivy, the witnesses are fresh locals visible in
//! the `then` branch (the loop body) only.

use crate::check::Checker;
use crate::elab::{Binding, Cx};
use crate::program::{Block, Stmt, StmtKind};
use ivyc_base::Span;
use ivyc_logic::{SortId, SymId, Term, Var};
use ivyc_syntax::ast;
use std::collections::HashMap;

impl Checker<'_> {
    /// The witnesses and the condition of `cond` (a `some` or `x := e`
    /// condition), with the witnesses bound in `cx`'s scope (the caller
    /// truncates the scope after the branch that sees them).
    pub(crate) fn witness_cond(
        &mut self,
        cx: &mut Cx,
        cond: &ast::Cond,
    ) -> Option<(Vec<SymId>, Term)> {
        self.witness_cond_base(cx, cond).map(|(v, c, _)| (v, c))
    }

    /// [`Self::witness_cond`], with the condition before `minimizing` /
    /// `maximizing` strengthened it (`None` without them).
    pub(crate) fn witness_cond_base(
        &mut self,
        cx: &mut Cx,
        cond: &ast::Cond,
    ) -> Option<(Vec<SymId>, Term, Option<Term>)> {
        let env = cx.env.clone();
        match cond {
            ast::Cond::Expr(_) => None,
            ast::Cond::Assign { lhs, rhs } => {
                let (x, id, c) = self.downcast_cond(cx, lhs, rhs)?;
                cx.scope.push((id.name, Binding::Local(x), id.span));
                Some((vec![x], c, None))
            }
            ast::Cond::Some {
                params,
                fmla,
                optimize,
                ..
            } => {
                let mut vars = Vec::new();
                for p in params {
                    let srt = self.resolve_sort(&p.sort, &env).unwrap_or(SortId::BOOL);
                    let name = self.fresh_name(&format!("{}.{}", cx.owner, p.name.as_str()));
                    let x = self.add_local(name, srt, Some(p.name.span));
                    cx.scope.push((p.name.name, Binding::Local(x), p.name.span));
                    vars.push(x);
                }
                let stmt = cx.stmt;
                cx.stmt = false;
                let mut c = self.condition(cx, fmla);
                let mut base = None;
                // `minimizing e`: no other witness has a smaller `e`
                // (`maximizing`: a larger one).
                if let (Some(cond), Some((dir, e))) = (&c, optimize) {
                    base = Some(cond.clone());
                    c = self.optimal_witness(cx, &vars, cond, *dir, e, &env);
                }
                cx.stmt = stmt;
                Some((vars, c?, base))
            }
        }
    }

    /// `while <witness cond> { body }` as an ordinary loop: the loop runs
    /// while some witness exists, and each iteration picks one, i.e.
    /// `while exists X. c[X] { if some x. c { body } }` (Ivy's own
    /// expansion tests the `some` condition at the top of each iteration).
    pub(crate) fn witness_loop(
        &mut self,
        witness: Vec<SymId>,
        cond: Term,
        body: Block,
        span: Span,
    ) -> (Term, Block) {
        if witness.is_empty() {
            return (cond, body);
        }
        let qvars: Vec<Var> = witness
            .iter()
            .filter_map(|v| {
                let d = self.sym(*v)?;
                Some(Var::new(
                    &format!("{}#w", d.name.as_str().to_uppercase()),
                    d.ret,
                ))
            })
            .collect();
        let map: HashMap<SymId, Term> = witness
            .iter()
            .zip(&qvars)
            .map(|(s, v)| (*s, Term::var(*v)))
            .collect();
        let exists = Term::exists(qvars, cond.replace_constants(&map)).with_span(cond.span);
        let pick = Stmt {
            kind: StmtKind::IfSome {
                vars: witness,
                cond,
                base: None,
                then_: body,
                else_: Block::default(),
            },
            span,
        };
        (exists, Block::new(vec![pick]))
    }
}
