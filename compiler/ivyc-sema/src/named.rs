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
//! A definition by choice, `function f(X) = some Y. p(X,Y) [in e else
//! d]`, is Ivy's constraint on `f` (`ivy_logic.Definition.to_constraint`):
//! `p(X,Y) -> p(X, f(X))`, or with `in e else d`: `p(X,Y) -> exists Y.
//! p(X,Y) & f(X) = e`, and `(exists Y. p(X,Y)) | f(X) = d`.
//!
//! The name of a property is rigid: the formula may mention only rigid
//! symbols. A definition by choice over state symbols is state that Ivy
//! chooses again after every statement writing a symbol the formula
//! depends on (even with the same value); otherwise it keeps its value.
//! ivyc does the same: `Program::state_choices`, applied by lowering
//! (`Cmd::choose_after_writes`), with the constraint assumed after each
//! re-choice and as an axiom (so the initial state satisfies it).

use crate::check::{Checker, Env};
use crate::elab::{Binding, Cx, VarKey};
use crate::error::BoolContext;
use crate::error::SemaError;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Property, Role, SortId, SymId, Term, TermKind, Var};
use ivyc_syntax::ast;
use std::collections::BTreeSet;
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
        self.named_common(lhs, prop, label, fspan, false, env);
    }

    /// `temporal property [l] fmla named lhs`: as in Ivy, the name is
    /// declared with the shape checks of a property's, but the temporal
    /// property is not rewritten with it and no fact about it is assumed
    /// (ms-ivy admits temporal properties unchanged); the symbol is state
    /// that every statement writing a symbol the formula depends on
    /// chooses again (Ivy's `NamedUpdate`), `Temporal::named`.
    pub(crate) fn named_temporal_property(
        &mut self,
        lhs: &ast::DefnLhs,
        prop: &Term,
        fspan: Span,
        env: &Rc<Env>,
    ) {
        self.named_common(lhs, prop, None, fspan, true, env);
    }

    fn named_common(
        &mut self,
        lhs: &ast::DefnLhs,
        prop: &Term,
        label: Option<Symbol>,
        fspan: Span,
        temporal: bool,
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
        if temporal {
            let sorts: Vec<SortId> = objvars.iter().chain(&params).map(|v| v.sort).collect();
            let Some(f) = self.declare_sym(
                name.to_dotted().as_str(),
                name.span,
                sorts,
                y.sort,
                Role::State,
                env,
            ) else {
                return;
            };
            let deps = self.temporal_deps(prop);
            self.temporal.data.named.push((f, deps));
            return;
        }
        let rigid = prop.symbols().iter().all(|s| {
            self.sym(*s).map(|d| d.role != Role::State).unwrap_or(true)
                || self.axiom_syms.contains_key(s)
        });
        if !rigid {
            self.unsupported_because(
                "a named property over state symbols",
                STATE_CHOICE,
                span,
                env,
            );
            return;
        }
        let sorts: Vec<SortId> = params.iter().map(|v| v.sort).collect();
        let Some(f) = self.declare_sym(
            name.to_dotted().as_str(),
            name.span,
            sorts,
            y.sort,
            Role::Rigid,
            env,
        ) else {
            return;
        };
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
                explicit: false,
            },
            env.origin(),
        ));
    }

    /// `f(params) = some Y. fmla [in e else d]` (after all symbols).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn some_definition(
        &mut self,
        f: ivyc_logic::SymId,
        params: &[ast::Binder],
        binder: &ast::Binder,
        fmla: &ast::Expr,
        in_else: Option<(&ast::Expr, &ast::Expr)>,
        span: Span,
        env: &Rc<Env>,
    ) {
        let Some(d) = self.sym(f).cloned() else {
            return;
        };
        let mut cx = Cx::new(env.clone());
        cx.allow_free = false;
        let mut xs = Vec::new();
        for (b, &s) in params.iter().zip(&d.args) {
            let key = VarKey::Bound(b.span);
            cx.var_sorts.insert(key, (s, b.span));
            cx.scope.push((b.name.name, Binding::Var(key), b.name.span));
            xs.push(Var {
                name: b.name.name,
                sort: s,
            });
        }
        // The chosen value has the sort of `f` unless annotated otherwise.
        let ysort = match &binder.sort {
            Some(p) => match self.resolve_sort(p, env) {
                Some(s) => s,
                None => return,
            },
            None => d.ret,
        };
        let ykey = VarKey::Bound(binder.span);
        cx.var_sorts.insert(ykey, (ysort, binder.span));
        cx.scope
            .push((binder.name.name, Binding::Var(ykey), binder.name.span));
        let y = Var {
            name: binder.name.name,
            sort: ysort,
        };
        let Some(p) = self.elab_bool(&mut cx, fmla, BoolContext::Axiom) else {
            return;
        };
        let fx = Term::app(f, xs.iter().map(|v| Term::var(*v)).collect());
        let constraint = match in_else {
            None => {
                if ysort != d.ret {
                    let (expected, found) = (self.sort_name(d.ret), self.sort_name(ysort));
                    self.err(
                        SemaError::SortMismatch {
                            expected,
                            found,
                            span: binder.span,
                            decl: d.span.map(|s| (d.name, s)),
                        },
                        env,
                    );
                    return;
                }
                let map: HashMap<Var, Term> = [(y, fx.clone())].into_iter().collect();
                Term::implies(p.clone(), p.subst_vars(&map))
            }
            Some((e, dflt)) => {
                let Some((ev, es)) = self.elab_infer(&mut cx, e, Some(d.ret)) else {
                    return;
                };
                cx.scope.pop();
                let Some((dv, ds)) = self.elab_infer(&mut cx, dflt, Some(d.ret)) else {
                    return;
                };
                if es != d.ret || ds != d.ret {
                    let found = self.sort_name(if es != d.ret { es } else { ds });
                    let expected = self.sort_name(d.ret);
                    self.err(
                        SemaError::SortMismatch {
                            expected,
                            found,
                            span,
                            decl: d.span.map(|s| (d.name, s)),
                        },
                        env,
                    );
                    return;
                }
                // The existential witness, apart from the universal `Y`.
                let w = Var {
                    name: Symbol::intern(&format!("{}#some", y.name)),
                    sort: y.sort,
                };
                let to_w: HashMap<Var, Term> = [(y, Term::var(w))].into_iter().collect();
                let (pw, ew) = (p.subst_vars(&to_w), ev.subst_vars(&to_w));
                Term::and([
                    Term::implies(
                        p.clone(),
                        Term::exists(vec![w], Term::and([pw.clone(), Term::eq(fx.clone(), ew)])),
                    ),
                    Term::or([Term::exists(vec![w], pw), Term::eq(fx, dv)]),
                ])
            }
        };
        let rigid = constraint.symbols().iter().filter(|s| **s != f).all(|s| {
            self.sym(*s).map(|x| x.role != Role::State).unwrap_or(true)
                || self.axiom_syms.contains_key(s)
        });
        self.defined_syms.insert(f);
        // Over state symbols `f` stays state, chosen again after each
        // write of what it depends on (`finish_state_choices`, lowering);
        // the axiom makes it a choice in the initial state.
        if let Some(x) = self.syms.get_mut(f.index()) {
            x.role = if rigid { Role::Rigid } else { Role::State };
        }
        let mut all = xs;
        all.push(y);
        let formula = Term::forall(all, constraint).with_span(Some(span));
        if !rigid {
            self.state_choices.push((f, formula.clone()));
        }
        self.axioms.push((
            Property {
                label: None,
                formula,
                span: Some(span),
                explicit: false,
            },
            env.origin(),
        ));
    }

    /// The dependencies of the definitions by choice over state symbols
    /// (once every definition is elaborated): the symbols of the
    /// constraint, through definitions and other such choices,
    /// transitively.
    pub(crate) fn finish_state_choices(&mut self) {
        let choices = std::mem::take(&mut self.state_choices);
        let constraints: HashMap<SymId, &Term> = choices.iter().map(|(f, c)| (*f, c)).collect();
        let mut out = Vec::new();
        for (f, c) in &choices {
            let mut deps = BTreeSet::new();
            let mut todo: Vec<SymId> = c.symbols().into_iter().collect();
            while let Some(s) = todo.pop() {
                if !deps.insert(s) {
                    continue;
                }
                for d in self.definitions.iter().filter(|d| d.sym == s) {
                    todo.extend(d.body.symbols());
                }
                if let Some(k) = constraints.get(&s) {
                    todo.extend(k.symbols());
                }
            }
            deps.remove(f);
            out.push(crate::program::StateChoice {
                sym: *f,
                constraint: c.clone(),
                deps,
            });
        }
        self.state_choice_deps = out;
    }

    /// The symbols a temporal formula depends on: its own, those of the
    /// temporal operators' bodies, and those of the definitions it uses,
    /// transitively (placeholders and defined symbols themselves are
    /// never assigned).
    fn temporal_deps(&self, t: &Term) -> BTreeSet<SymId> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<SymId> = t.symbols().into_iter().collect();
        while let Some(s) = todo.pop() {
            if !out.insert(s) {
                continue;
            }
            if let Some(op) = self.temporal.data.ops.get(&s) {
                todo.extend(op.body.symbols());
                if let Some(c) = &op.cond {
                    todo.extend(c.symbols());
                }
            }
            for d in self.definitions.iter().filter(|d| d.sym == s) {
                todo.extend(d.body.symbols());
            }
        }
        out
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

const STATE_CHOICE: &str = "Ivy chooses the witness again whenever an assignment changes the state it depends on; ivyc supports choices over rigid symbols (types, axiomatised symbols, parameters) only";
