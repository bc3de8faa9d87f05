//! Assignments to struct fields (`x.f := v`, `f(x) := v`, `x.f.g := v`,
//! `x.f := *`, `a(X).f := v(X)`), with Ivy's semantics: the destructors
//! never change; the root `x` gets a fresh value whose field `f` is `v` and
//! whose other fields equal the old ones (for a root with variables, a
//! fresh value per instance of the variables).

use crate::check::Checker;
use crate::elab::Cx;
use crate::error::SemaError;
use crate::program::{FieldUpdate, Stmt, StmtKind};
use ivyc_base::Span;
use ivyc_logic::{Role, SortId, SymId, SymbolDecl, Term, TermKind, Var};
use std::collections::HashSet;

impl Checker<'_> {
    /// Whether `f` is a destructor (a struct field).
    pub(crate) fn is_destructor(&self, f: SymId) -> bool {
        self.destructor(f).is_some()
    }

    /// `lhs := value` (`value == None` for `lhs := *`) where `lhs` is a
    /// destructor application `d(base, extra...)`: a fresh local `n` of the
    /// struct sort with `d(n, extra) = value` and every other field of `n`
    /// equal to that of `base`, then `base := n` (recursively when `base` is
    /// itself a field). The fresh locals are pushed on `cx.temps` (so the
    /// statements end up in a `Local`); the statements go to `out`.
    pub(crate) fn field_assign(
        &mut self,
        cx: &mut Cx,
        lhs: &Term,
        value: Option<Term>,
        span: Span,
        out: &mut Vec<Stmt>,
    ) -> Option<()> {
        let env = cx.env.clone();
        let TermKind::App(d, args) = &lhs.kind else {
            self.err(SemaError::InvalidAssignTarget { span }, &env);
            return None;
        };
        let sort = self.destructor(*d)?.sort;
        let (base, extra) = args.split_first()?;
        // `a(X).f := e`: the fresh value is a function of the root's
        // variables, `n(X)`, and the update is parameterised.
        let mut bvars: Vec<Var> = Vec::new();
        for v in base.free_vars() {
            if !bvars.contains(&v) {
                bvars.push(v);
            }
        }
        let name = self.fresh_name(&format!("{}.{}", cx.owner, self.sort_name(sort)));
        let fresh = self.add_sym(
            SymbolDecl::new(
                name,
                bvars.iter().map(|v| v.sort).collect(),
                sort,
                Role::Local,
            )
            .with_span(Some(span)),
        );
        cx.temps.push(fresh);
        let n =
            Term::app(fresh, bvars.iter().map(|v| Term::var(*v)).collect()).with_span(Some(span));
        let mut used: HashSet<Var> = lhs.free_vars().into_iter().collect();
        if let Some(v) = &value {
            used.extend(v.free_vars());
        }
        let mut conds = Vec::new();
        for g in self.fields_of(sort) {
            let Some(gd) = self.sym(g).cloned() else {
                continue;
            };
            // One variable per extra argument of the field; for the
            // assigned field, the arguments given (variables stay, other
            // terms become equations).
            let mut vars = Vec::new();
            let mut eqs = Vec::new();
            let mut gargs = Vec::new();
            for (i, &s) in gd.args.iter().enumerate().skip(1) {
                let given = if g == *d { extra.get(i - 1) } else { None };
                match given.map(|t| &t.kind) {
                    Some(TermKind::Var(v)) if !vars.contains(v) => {
                        vars.push(*v);
                        gargs.push(Term::var(*v));
                    }
                    _ => {
                        let v = self.fresh_var(s, &mut used);
                        gargs.push(Term::var(v));
                        if let Some(t) = given {
                            eqs.push(Term::eq(Term::var(v), t.clone()));
                        }
                        vars.push(v);
                    }
                }
            }
            let at = |x: &Term| {
                let mut a = vec![x.clone()];
                a.extend(gargs.iter().cloned());
                Term::app(g, a).with_span(Some(span))
            };
            let same = equal(at(&n), at(base), gd.ret);
            if g != *d {
                conds.push(Term::forall(vars, same));
                continue;
            }
            let hit = Term::and(eqs.clone());
            if let Some(v) = &value {
                let set = equal(at(&n), v.clone(), gd.ret);
                conds.push(Term::forall(vars.clone(), Term::implies(hit.clone(), set)));
            }
            if !eqs.is_empty() {
                conds.push(Term::forall(vars, Term::implies(Term::not(hit), same)));
            }
        }
        self.field_updates.insert(
            fresh,
            FieldUpdate {
                vars: bvars.clone(),
                base: base.clone(),
                field: *d,
                extra: extra.to_vec(),
                value: value.clone(),
            },
        );
        out.push(Stmt {
            kind: StmtKind::Assume(Term::forall(bvars, Term::and(conds)).with_span(Some(span))),
            span,
        });
        match &base.kind {
            TermKind::App(h, _) if self.is_destructor(*h) => {
                self.field_assign(cx, base, Some(n), span, out)
            }
            TermKind::App(root, rargs) => {
                if let Some(why) = self.immutable(*root) {
                    let decl = self.sym(*root).cloned();
                    self.err(
                        SemaError::ImmutableAssignment {
                            name: decl.as_ref().map(|d| d.name).unwrap_or(name),
                            span,
                            why,
                            decl: decl.and_then(|d| d.span),
                        },
                        &env,
                    );
                    return None;
                }
                out.push(Stmt {
                    kind: StmtKind::Assign {
                        sym: *root,
                        args: rargs.clone(),
                        value: n,
                    },
                    span,
                });
                Some(())
            }
            _ => {
                self.err(SemaError::InvalidAssignTarget { span }, &env);
                None
            }
        }
    }

    /// A variable of sort `s` named apart from `used` (and added to it).
    fn fresh_var(&mut self, s: SortId, used: &mut HashSet<Var>) -> Var {
        let mut k = 0usize;
        loop {
            let v = Var::new(&format!("F{k}"), s);
            if !used.iter().any(|u| u.name == v.name) {
                used.insert(v);
                return v;
            }
            k += 1;
        }
    }
}

/// `a = b`, or `a <-> b` on `bool`.
fn equal(a: Term, b: Term, sort: SortId) -> Term {
    if sort == SortId::BOOL {
        Term::iff(a, b)
    } else {
        Term::eq(a, b)
    }
}
