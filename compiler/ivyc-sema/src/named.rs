//! Named witnesses of properties: `property [l] forall X. exists Y. p(X,Y)
//! named f(X)` declares `f` and gives it the meaning `p(X, f(X))`.
//!
//! Ivy proves the property, then assumes its skolemised form `forall X.
//! p(X, f(X))`. ivyc proves the property as usual and adds the axiom
//! `(forall X. exists Y. p(X,Y)) -> forall X. p(X, f(X))`: it holds for a
//! suitable `f` whatever the other symbols are (so it is safe to assume
//! everywhere, also while proving the property itself), and once the
//! property is proved it gives exactly Ivy's `p(X, f(X))`.
//!
//! The name is a rigid symbol when the property mentions only rigid
//! symbols. A property over state symbols would need `f` to change with
//! them (Ivy havocs `f` when an action writes them); there ivyc declares
//! `f` as state without the axiom, which only proves less.

use crate::check::{Checker, Env};
use crate::error::SemaError;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Property, Role, SortId, Term, TermKind, Var};
use ivyc_syntax::ast;
use std::collections::HashMap;
use std::rc::Rc;

impl Checker<'_> {
    /// Declares the name of `property prop named lhs` and adds its axiom.
    /// `prop` is the closed property, `fspan` its span.
    pub(crate) fn named_property(
        &mut self,
        lhs: &ast::DefnLhs,
        prop: &Term,
        label: Option<Symbol>,
        fspan: Span,
        env: &Rc<Env>,
    ) {
        let (name, args, span) = match lhs {
            ast::DefnLhs::Name { name, args, span } => {
                (name, args.as_deref().unwrap_or(&[]), *span)
            }
            ast::DefnLhs::Infix { op, span, .. } => {
                self.err(
                    SemaError::InvalidNamed {
                        name: Symbol::intern(op.op.as_str()),
                        var: None,
                        span: *span,
                        fmla: fspan,
                    },
                    env,
                );
                return;
            }
        };
        let fname = Symbol::intern(&name.to_dotted());
        // forall X... exists Y. body
        let mut universals: Vec<Var> = Vec::new();
        let mut t = prop;
        while let TermKind::Forall(vs, b) = &t.kind {
            universals.extend(vs.iter().copied());
            t = b;
        }
        let TermKind::Exists(ys, body) = &t.kind else {
            return self.bad_named(fname, None, span, fspan, env);
        };
        let [y] = ys.as_slice() else {
            return self.bad_named(fname, None, span, fspan, env);
        };
        // The parameters of enclosing parameterised objects come first
        // (implicit arguments of the name).
        let implicit = env.obj_params.len().min(universals.len());
        let (objvars, universals) = universals.split_at(implicit);
        let mut params: Vec<Var> = Vec::new();
        for a in args {
            let b = match a {
                ast::DefArg::Var(b) => b.clone(),
                ast::DefArg::Param(p) => ast::Binder {
                    name: p.name.clone(),
                    sort: Some(p.sort.clone()),
                    span: p.span,
                },
            };
            let v = match universals.iter().find(|v| v.name == b.name.name) {
                Some(v) => *v,
                None => {
                    let Some(s) = &b.sort else {
                        self.err(
                            SemaError::CannotInferSort {
                                name: b.name.name,
                                span: b.span,
                            },
                            env,
                        );
                        return;
                    };
                    let Some(sort) = self.resolve_sort(s, env) else {
                        return;
                    };
                    Var {
                        name: b.name.name,
                        sort,
                    }
                }
            };
            params.push(v);
        }
        if let Some(v) = universals.iter().find(|v| !params.contains(v)) {
            return self.bad_named(fname, Some(v.name), span, fspan, env);
        }
        let rigid = prop.symbols().iter().all(|s| {
            self.sym(*s).map(|d| d.role != Role::State).unwrap_or(true)
                || self.axiom_syms.contains_key(s)
        });
        let role = if rigid { Role::Rigid } else { Role::State };
        let sorts: Vec<SortId> = params.iter().map(|v| v.sort).collect();
        let Some(f) = self.declare_sym(
            name.to_dotted().as_str(),
            name.span,
            sorts,
            y.sort,
            role,
            env,
        ) else {
            return;
        };
        if !rigid {
            return;
        }
        let all: Vec<Var> = objvars.iter().chain(&params).copied().collect();
        let witness = Term::app(f, all.iter().map(|v| Term::var(*v)).collect());
        let map: HashMap<Var, Term> = [(*y, witness)].into_iter().collect();
        let skolem = Term::forall(all, body.subst_vars(&map));
        let axiom = Term::implies(prop.clone(), skolem).with_span(Some(fspan));
        self.axioms.push((
            Property {
                label: label.map(|l| Symbol::intern(&format!("{l}.named"))),
                formula: axiom,
                span: Some(fspan),
            },
            env.origin(),
        ));
    }

    fn bad_named(&mut self, name: Symbol, var: Option<Symbol>, span: Span, fspan: Span, env: &Env) {
        self.err(
            SemaError::InvalidNamed {
                name,
                var,
                span,
                fmla: fspan,
            },
            env,
        );
    }
}
