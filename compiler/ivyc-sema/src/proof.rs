//! Elaboration of Ivy's proofs into `ivyc-proof` goals: schemata,
//! theorems and axiom schemata become facts of the proof context (with
//! the theory schemata `ind[t]` of `int`/`nat` sorts, the axioms, the
//! definitions and the properties proved so far), then each `proof`
//! is run step by step — expressions elaborated in the vocabulary of
//! the goal they act on — and the goals left become `ProofGoal`s of
//! the property (`Checker::proof_goals`) or assertions of the action
//! (`assert ... proof ...`). See docs/proofs.md.

use crate::check::{dotted, Checker, Env};
use crate::elab::{Binding as B, Cx, VarKey};
use crate::error::{BoolContext, SemaError};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{
    BuiltinOp, Lambda, ProofGoal, Role, Signature, SortId, SortKind, SymId, SymbolDecl, Term, Var,
};
use ivyc_proof::{auto_inst, tactic, Binding, Goal, Prem, ProofError, Symbols};
use ivyc_syntax::ast::{self, ProofStep, ProofStepKind as P};
use std::rc::Rc;

/// A proof to run once every fact is known.
pub(crate) enum PendingProof<'a> {
    /// `property [l] f proof ...`: index into `Checker::properties`.
    Property {
        index: usize,
        label: Option<Symbol>,
        fmla: &'a ast::Expr,
        explicit: bool,
        step: &'a ProofStep,
        env: Rc<Env>,
    },
    /// `invariant [l] f proof ...`: index into `Checker::invariants`.
    Invariant {
        index: usize,
        label: Option<Symbol>,
        fmla: &'a ast::Expr,
        step: &'a ProofStep,
        env: Rc<Env>,
    },
    /// `theorem [l] { ... } [proof ...]`.
    Theorem {
        name: Symbol,
        body: &'a ast::Prop,
        span: Span,
        step: Option<&'a ProofStep>,
        env: Rc<Env>,
    },
}

impl Symbols for Checker<'_> {
    fn decl(&self, s: SymId) -> Option<&SymbolDecl> {
        self.sym(s)
    }
    fn add(&mut self, decl: SymbolDecl) -> SymId {
        self.add_sym(decl)
    }
    fn pretty(&self, t: &Term) -> String {
        let mut sig = Signature::new();
        for s in self.sorts.iter().skip(1) {
            sig.add_sort(s.clone());
        }
        for s in &self.syms {
            sig.add_symbol(s.clone());
        }
        t.pretty(&sig)
    }
}

impl<'a> Checker<'a> {
    fn proof_err(&mut self, e: ProofError, env: &Env) {
        self.err(SemaError::Proof(e), env);
    }

    /// A fresh rigid symbol named as the user wrote it (made unique).
    fn fresh_sym(&mut self, name: &str, args: Vec<SortId>, ret: SortId, span: Span) -> SymId {
        let mut n = Symbol::intern(name);
        let mut k = 1;
        while self.used_names.contains(&n) || self.names.contains_key(&n) {
            n = Symbol::intern(&format!("{name}#{k}"));
            k += 1;
        }
        self.add_sym(SymbolDecl::new(n, args, ret, Role::Rigid).with_span(Some(span)))
    }

    /// An elaboration context for formulas of a goal: its symbols by
    /// name, its free variables with their sorts.
    fn goal_cx(&self, goal: &Goal, env: &Rc<Env>) -> Cx {
        let mut cx = Cx::new(env.clone());
        cx.scope.extend(self.proof_scope.iter().copied());
        self.bind_goal(&mut cx, goal);
        cx
    }

    fn bind_goal(&self, cx: &mut Cx, goal: &Goal) {
        for s in goal.bound_syms() {
            if let Some(d) = self.sym(s) {
                let user = ivyc_logic::signature::strip_fresh_suffix(d.name.as_str());
                cx.scope.push((
                    Symbol::intern(user),
                    B::Local(s),
                    d.span.unwrap_or_default(),
                ));
            }
        }
        for v in goal.free_vars() {
            cx.var_sorts
                .insert(VarKey::Free(v.name), (v.sort, Span::default()));
        }
    }

    /// The formula a proof starts from (a property's or an invariant's),
    /// free variables kept (universal); inside a parameterised object it
    /// holds for every value of the object's parameters.
    fn target_formula(&mut self, fmla: &ast::Expr, env: &Rc<Env>) -> Option<Term> {
        let mut cx = Cx::new(env.clone());
        let pvars = self.bind_object_params(&mut cx, env);
        let t = self.goal_formula(&mut cx, fmla)?;
        let span = t.span;
        Some(Term::forall(pvars, t).with_span(span))
    }

    /// A formula of a goal, free variables kept (universal).
    fn goal_formula(&mut self, cx: &mut Cx, e: &ast::Expr) -> Option<Term> {
        cx.free_order.clear();
        self.elab_bool(cx, e, BoolContext::Property)
    }

    // ------------------------------------------------------------------
    // Schemata
    // ------------------------------------------------------------------

    /// A schema body `{ decls; premises; conclusion }` as a goal, in
    /// `outer`'s vocabulary.
    pub(crate) fn elab_schema(
        &mut self,
        body: &ast::SchemaBody,
        label: Option<Symbol>,
        outer: &Goal,
        env: &Rc<Env>,
    ) -> Option<Goal> {
        let mut goal = Goal::fact(label, Some(body.span), Term::tru());
        let mut scope = outer.clone();
        let n = body.items.len();
        let mut conc_set = false;
        let saved_sorts = self.proof_sorts.len();
        for (i, item) in body.items.iter().enumerate() {
            let last = i + 1 == n;
            use ast::SchemaItemKind as S;
            match &item.kind {
                S::Function { decls, .. } | S::Individual { decls, .. } => {
                    for d in decls {
                        if let Some(s) = self.schema_symbol(d, false, env) {
                            goal.prems.push(Prem::Sym(s));
                            scope.prems.push(Prem::Sym(s));
                        }
                    }
                }
                S::Relation { decls, .. } => {
                    for d in decls {
                        if let Some(s) = self.schema_symbol(d, true, env) {
                            goal.prems.push(Prem::Sym(s));
                            scope.prems.push(Prem::Sym(s));
                        }
                    }
                }
                S::Type(name) => {
                    let id = self.add_sort(
                        Symbol::intern(name.as_str()),
                        SortKind::Uninterpreted,
                        Some(name.span),
                    );
                    self.proof_sorts.push((name.name, id));
                    goal.prems.push(Prem::Sort(id));
                    scope.prems.push(Prem::Sort(id));
                }
                S::Property { prop, explicit } => {
                    let l = prop.label.as_ref().map(|l| l.name);
                    let f = match &prop.prop {
                        ast::Prop::Fmla(e) => {
                            let mut cx = self.goal_cx(&scope, env);
                            let t = self.goal_formula(&mut cx, e)?;
                            let mut g = Goal::fact(l, Some(prop.span), t);
                            g.explicit = *explicit;
                            g
                        }
                        ast::Prop::Schema(b) => self.elab_schema(b, l, &scope, env)?,
                    };
                    if last && f.prems.is_empty() {
                        goal.conc = f.conc;
                        conc_set = true;
                    } else {
                        goal.prems.push(Prem::Fact(f));
                    }
                }
                S::Theorem(prop) => {
                    let l = prop.label.as_ref().map(|l| l.name);
                    let f = match &prop.prop {
                        ast::Prop::Fmla(e) => {
                            let mut cx = self.goal_cx(&scope, env);
                            let t = self.goal_formula(&mut cx, e)?;
                            Goal::fact(l, Some(prop.span), t)
                        }
                        ast::Prop::Schema(b) => self.elab_schema(b, l, &scope, env)?,
                    };
                    goal.prems.push(Prem::Fact(f));
                }
                S::Nested(b) => {
                    let f = self.elab_schema(b, None, &scope, env)?;
                    goal.prems.push(Prem::Fact(f));
                }
                S::Definition(df) => {
                    let (sym, t) = self.schema_definition(df, &scope, env)?;
                    let _ = sym;
                    if last {
                        goal.conc = t;
                        conc_set = true;
                    } else {
                        let mut f = Goal::fact(None, Some(df.span), t);
                        f.definition = true;
                        goal.prems.push(Prem::Fact(f));
                    }
                }
            }
        }
        self.proof_sorts.truncate(saved_sorts);
        if !conc_set {
            // A schema whose last item is not a property concludes `true`.
            goal.conc = Term::tru();
        }
        Some(goal)
    }

    /// `function f(X:t) : u` / `relation r(X:t)` / `individual x:t` of a
    /// schema: a fresh symbol.
    fn schema_symbol(&mut self, d: &ast::SymbolDecl, rel: bool, env: &Rc<Env>) -> Option<SymId> {
        let ast::DefnLhs::Name { name, args, .. } = &d.lhs.lhs else {
            self.unsupported_because(
                "infix symbols declared in schemata",
                "ms-ivy 1.8 does not instantiate them: `apply` of a schema declaring `relation (X:s < Y:s)` leaves the goal itself as its subgoals (with the schema's individuals unbound), and a binding `(X:t < Y:t) = e` is \"Match is inconsistent\"; there is no behaviour to follow. Declare the symbol with a name (`relation lt(X:t, Y:t)`) and bind it with `with lt(X,Y) = X:t < Y:t`",
                d.span,
                env,
            );
            return None;
        };
        let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
        let sorts = self.binder_sorts(&binders, env)?;
        let ret = if rel {
            SortId::BOOL
        } else {
            match &d.lhs.sort {
                Some(s) => self.resolve_sort(s, env)?,
                None => SortId::BOOL,
            }
        };
        Some(self.fresh_sym(&name.to_dotted().to_string(), sorts, ret, d.span))
    }

    /// `definition f(X) = e` in a schema or proof: `forall X. f(X) = e`.
    fn schema_definition(
        &mut self,
        df: &ast::Defn,
        scope: &Goal,
        env: &Rc<Env>,
    ) -> Option<(SymId, Term)> {
        let mut cx = self.goal_cx(scope, env);
        let ast::DefnLhs::Name { name, args, .. } = &df.lhs.lhs else {
            self.unsupported("infix definitions in proofs", df.span, env);
            return None;
        };
        let ast::DefnRhs::Expr(rhs) = &df.rhs else {
            self.unsupported("`some` definitions in proofs", df.span, env);
            return None;
        };
        let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
        let (sym, _) = match self.resolve_value_sym(name, &cx) {
            Some(s) => s,
            None => {
                self.undefined(
                    crate::error::NameKind::Value,
                    &name.to_dotted().to_string(),
                    name.span,
                    env,
                );
                return None;
            }
        };
        let decl = self.sym(sym)?.clone();
        let mut vars = Vec::new();
        for (b, s) in binders.iter().zip(&decl.args) {
            let v = Var {
                name: b.name.name,
                sort: *s,
            };
            cx.var_sorts.insert(VarKey::Bound(b.span), (*s, b.span));
            cx.scope
                .push((b.name.name, B::Var(VarKey::Bound(b.span)), b.span));
            vars.push(v);
        }
        let (r, _) = self.elab_infer(&mut cx, rhs, Some(decl.ret))?;
        let lhs = Term::app_vars(sym, &vars);
        let eq = if decl.ret == SortId::BOOL {
            Term::iff(lhs, r)
        } else {
            Term::eq(lhs, r)
        };
        Some((sym, Term::forall(vars, eq)))
    }

    /// The symbol a path names in a goal's scope or globally.
    fn resolve_value_sym(&mut self, name: &ast::Path, cx: &Cx) -> Option<(SymId, Symbol)> {
        if let [seg] = name.segments.as_slice() {
            if let Some((B::Local(s), _)) = cx.lookup(seg.name) {
                return Some((s, seg.name));
            }
        }
        let segs: Vec<&str> = name.segments.iter().map(|s| s.as_str()).collect();
        match self.resolve_full(&segs, &cx.env) {
            Some((full, crate::check::Entity::Sym(s))) => Some((s, full)),
            _ => None,
        }
    }

    // ------------------------------------------------------------------
    // The context
    // ------------------------------------------------------------------

    /// Declares a schema (`schema n = {...}`, `axiom [n] {...}`).
    pub(crate) fn proof_schema(&mut self, name: Symbol, body: &ast::Prop, env: &Rc<Env>) {
        let g = match body {
            ast::Prop::Schema(b) => {
                self.elab_schema(b, Some(name), &Goal::fact(None, None, Term::tru()), env)
            }
            ast::Prop::Fmla(e) => {
                let mut cx = Cx::new(env.clone());
                self.goal_formula(&mut cx, e)
                    .map(|t| Goal::fact(Some(name), Some(e.span), t))
            }
        };
        if let Some(g) = g {
            self.proof_ctx.admit(name, g);
        }
    }

    /// The facts every proof may use, then the proofs in declaration
    /// order (each proved property or theorem becomes a fact).
    pub(crate) fn run_proofs(&mut self) {
        let pending = std::mem::take(&mut self.pending_proofs);
        // The theory schemata `ind[t]` of the integer sorts are made
        // when a proof names them (`lookup_fact`), so that their symbols
        // exist only in programs that use them.
        let axioms: Vec<(Symbol, Goal)> = self
            .axioms
            .iter()
            .filter_map(|(p, o)| {
                let l = p.label?;
                let full = match o.object {
                    Some(ob) => Symbol::intern(&format!("{ob}.{l}")),
                    None => l,
                };
                let mut g = Goal::fact(Some(l), p.span, open_forall(&p.formula));
                g.explicit = p.explicit;
                Some((full, g))
            })
            .collect();
        for (n, g) in axioms {
            self.proof_ctx.admit(n, g.clone());
            if let Some(l) = g.label {
                if l != n {
                    self.proof_ctx.admit(l, g);
                }
            }
        }
        let defs: Vec<(Symbol, Goal)> = self
            .definitions
            .iter()
            .filter_map(|d| {
                let decl = self.sym(d.sym)?;
                let lhs = Term::app_vars(d.sym, &d.params);
                let eq = if decl.ret == SortId::BOOL {
                    Term::iff(lhs, d.body.clone())
                } else {
                    Term::eq(lhs, d.body.clone())
                };
                let mut g = Goal::fact(
                    Some(decl.name),
                    Some(d.span),
                    Term::forall(d.params.clone(), eq),
                );
                g.definition = true;
                Some((decl.name, g))
            })
            .collect();
        for (n, g) in defs {
            self.proof_ctx.admit(n, g);
        }
        for p in pending {
            match p {
                PendingProof::Property {
                    index,
                    label,
                    fmla,
                    explicit,
                    step,
                    env,
                } => {
                    let Some(t) = self.target_formula(fmla, &env) else {
                        continue;
                    };
                    let goal = Goal::fact(label, Some(fmla.span), t);
                    let what = match label {
                        Some(l) => format!("property [{l}]"),
                        None => "property".to_string(),
                    };
                    if let Some(goals) = self.run_proof(goal.clone(), step, &what, &env) {
                        self.proof_goals.push((index, goals));
                    }
                    let mut fact = goal;
                    fact.explicit = explicit;
                    if let Some(l) = label {
                        self.proof_ctx
                            .admit(dotted(&env.prefix, l.as_str()), fact.clone());
                        self.proof_ctx.admit(l, fact);
                    }
                }
                PendingProof::Invariant {
                    index,
                    label,
                    fmla,
                    step,
                    env,
                } => {
                    // As in ms-ivy, the proof turns the invariant into
                    // goals; each goal left, as the formula `premises ->
                    // conclusion` (its symbols: fresh rigid ones), is
                    // checked for initiation and consecution instead of the
                    // invariant, which is still assumed in pre-states.
                    let Some(t) = self.target_formula(fmla, &env) else {
                        continue;
                    };
                    let goal = Goal::fact(label, Some(fmla.span), t);
                    let what = match label {
                        Some(l) => dotted(&env.prefix, l.as_str()).to_string(),
                        None => "invariant".to_string(),
                    };
                    if let Some(goals) = self.run_proof(goal, step, &what, &env) {
                        self.inv_proof_goals.push((index, goals));
                    }
                }
                PendingProof::Theorem {
                    name,
                    body,
                    span,
                    step,
                    env,
                } => {
                    let g = match body {
                        ast::Prop::Schema(b) => self.elab_schema(
                            b,
                            Some(name),
                            &Goal::fact(None, None, Term::tru()),
                            &env,
                        ),
                        ast::Prop::Fmla(e) => {
                            let mut cx = Cx::new(env.clone());
                            self.goal_formula(&mut cx, e)
                                .map(|t| Goal::fact(Some(name), Some(span), t))
                        }
                    };
                    let Some(g) = g else { continue };
                    let what = format!("theorem [{name}]");
                    let goals = match step {
                        Some(s) => self.run_proof(g.clone(), s, &what, &env),
                        None => Some(vec![g.judgement(Symbol::intern(&what), self)]),
                    };
                    if let Some(goals) = goals {
                        // A theorem is checked where its object is.
                        let index = self.properties.len();
                        self.properties.push((
                            ivyc_logic::Property {
                                label: Some(name),
                                formula: Term::tru(),
                                span: Some(span),
                                explicit: true,
                            },
                            env.origin(),
                        ));
                        self.proof_goals.push((index, goals));
                    }
                    self.proof_ctx
                        .admit(dotted(&env.prefix, name.as_str()), g.clone());
                    self.proof_ctx.admit(name, g);
                }
            }
        }
    }

    /// `ind[t]` for an integer sort `t` (Ivy 1.7's form): from
    /// `x <= 0 -> p(x)` and `p(x) -> p(x+1)` for every `x`, conclude
    /// `p(X)`.
    fn induction_schema(&mut self, t: SortId) -> Goal {
        let p = self.fresh_sym("p", vec![t], SortId::BOOL, Span::default());
        let x = self.fresh_sym("x", vec![], t, Span::default());
        let xt = Term::constant(x);
        let zero = Term::num(0, t);
        let one = Term::num(1, t);
        let mut base = Goal::fact(
            Some(Symbol::intern("base")),
            None,
            Term::implies(
                Term::builtin(BuiltinOp::Le, vec![xt.clone(), zero]),
                Term::app(p, vec![xt.clone()]),
            ),
        );
        base.prems.push(Prem::Sym(x));
        let mut step = Goal::fact(
            Some(Symbol::intern("step")),
            None,
            Term::implies(
                Term::app(p, vec![xt.clone()]),
                Term::app(p, vec![Term::builtin(BuiltinOp::Add, vec![xt, one])]),
            ),
        );
        step.prems.push(Prem::Sym(x));
        let xv = Var::new("X", t);
        Goal {
            label: Some(Symbol::intern("ind")),
            span: None,
            prems: vec![Prem::Sym(p), Prem::Fact(base), Prem::Fact(step)],
            conc: Term::app(p, vec![Term::var(xv)]),
            explicit: false,
            definition: false,
            via: None,
        }
    }

    // ------------------------------------------------------------------
    // Running a proof
    // ------------------------------------------------------------------

    /// `assert f proof ...` in an action: the formulas to check there
    /// (each goal left as one closed formula) with their spans.
    pub(crate) fn stmt_proof(
        &mut self,
        cx: &mut Cx,
        fmla: &ast::Expr,
        label: Option<Symbol>,
        step: &ProofStep,
    ) -> Vec<(Term, Span)> {
        let env = cx.env.clone();
        cx.reset_free();
        let t = self.elab_bool(cx, fmla, BoolContext::Assertion);
        cx.reset_free();
        let Some(t) = t else { return Vec::new() };
        let saved = std::mem::replace(
            &mut self.proof_scope,
            cx.scope
                .iter()
                .filter(|(_, b, _)| matches!(b, B::Local(_)))
                .copied()
                .collect(),
        );
        let mut goals = vec![Goal::fact(label, Some(fmla.span), t)];
        let mut last = String::new();
        let ok = self.step(&mut goals, step, &mut last, &env);
        self.proof_scope = saved;
        if !ok {
            return Vec::new();
        }
        goals
            .iter()
            .map(|g| (g.to_formula(self), g.span.unwrap_or(fmla.span)))
            .collect()
    }

    /// Runs `step` on `goal`; the goals left, as judgements titled
    /// `what goal i of n after ...`. `None` after an error (reported).
    pub(crate) fn run_proof(
        &mut self,
        goal: Goal,
        step: &ProofStep,
        what: &str,
        env: &Rc<Env>,
    ) -> Option<Vec<ProofGoal>> {
        let (goal_label, goal_span) = (goal.label, goal.span);
        let mut goals = vec![goal];
        let mut last = String::new();
        if !self.step(&mut goals, step, &mut last, env) {
            return None;
        }
        let n = goals.len();
        if n == 0 {
            // Every goal closed by the tactics: the report still shows the
            // proof (a trivial obligation).
            return Some(vec![ProofGoal {
                label: goal_label,
                span: goal_span,
                title: Symbol::intern(&format!("{what} closed by {last}")),
                premises: Vec::new(),
                conclusion: Term::tru(),
            }]);
        }
        let out = goals
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let via = g.via.map_or(last.clone(), |v| v.as_str().to_string());
                let sub = match g.label {
                    Some(l) if Some(l) != goal_label => format!(" [{l}]"),
                    _ => String::new(),
                };
                let title = if n == 1 {
                    format!("{what} goal{sub} after {via}")
                } else {
                    format!("{what} goal {} of {n}{sub} after {via}", i + 1)
                };
                g.judgement(Symbol::intern(&title), self)
            })
            .collect();
        Some(out)
    }

    fn steps(
        &mut self,
        goals: &mut Vec<Goal>,
        steps: &[ProofStep],
        last: &mut String,
        env: &Rc<Env>,
    ) -> bool {
        for s in steps {
            if goals.is_empty() {
                // ms-ivy stops at the first step with no goal left.
                return true;
            }
            if !self.step(goals, s, last, env) {
                return false;
            }
        }
        true
    }

    /// One step; false after an error (reported). The goals it changes
    /// remember it (`Goal::via`).
    fn step(
        &mut self,
        goals: &mut Vec<Goal>,
        step: &ProofStep,
        last: &mut String,
        env: &Rc<Env>,
    ) -> bool {
        let container = matches!(step.kind, P::Group(_) | P::Proof { .. } | P::If { .. });
        let before = if container { Vec::new() } else { goals.clone() };
        let ok = self.step_inner(goals, step, last, env);
        if ok && !container {
            let via = Symbol::intern(last);
            for g in goals.iter_mut() {
                if !before.contains(g) {
                    g.via = Some(via);
                }
            }
        }
        ok
    }

    fn step_inner(
        &mut self,
        goals: &mut Vec<Goal>,
        step: &ProofStep,
        last: &mut String,
        env: &Rc<Env>,
    ) -> bool {
        let span = step.span;
        let r: Result<(), ProofError> = match &step.kind {
            P::Group(ss) => return self.steps(goals, ss, last, env),
            P::Error => return false,
            P::Apply {
                kind,
                label,
                name,
                renaming,
                with,
            } => {
                let Some(goal) = goals.first().cloned() else {
                    self.proof_err(ProofError::NoGoal { span }, env);
                    return false;
                };
                let dotted_name = Symbol::intern(&name.to_dotted().to_string());
                let local = matches!(kind, ast::ApplyKind::Instantiate)
                    .then(|| tactic::premise(&goal, dotted_name).cloned())
                    .flatten();
                let from_premise = local.is_some();
                // `apply` looks at the goal's premises (a theorem
                // declared in the proof, say) after the declared facts.
                let schema = local
                    .or_else(|| self.lookup_fact(dotted_name, env))
                    .or_else(|| tactic::premise(&goal, dotted_name).cloned());
                let Some(schema) = schema else {
                    if is_generated_axiom_label(dotted_name)
                        && self.proof_ctx.has(unlabelled_schema_name())
                    {
                        self.unsupported_because(
                            "naming an unlabelled axiom schema by ms-ivy's generated label",
                            "ms-ivy labels an unlabelled axiom `axiomN`, where N counts every unlabelled declaration, assertion and definition it has parsed so far; ivyc does not reproduce that count. Give the schema a label: `axiom [name] { ... }`",
                            name.span,
                            env,
                        );
                        return false;
                    }
                    self.proof_err(
                        ProofError::UnknownFact {
                            name: dotted_name,
                            span: name.span,
                        },
                        env,
                    );
                    return false;
                };
                let schema = match renaming {
                    Some(r) => self.rename_schema(&schema, r),
                    None => schema,
                };
                // The schema's own sorts (`type s`) from the goal.
                let schema = if matches!(kind, ast::ApplyKind::Apply) {
                    tactic::instantiate_sorts(&schema, &goal.conc, self)
                } else {
                    schema
                };
                // The sorts it still binds from the `with` bindings.
                let schema = if schema.bound_sorts().is_empty() || with.is_empty() {
                    schema
                } else {
                    let Some(map) = self.binding_sorts(&schema, &goal, with, env) else {
                        return false;
                    };
                    tactic::instantiate_sorts_map(&schema, &map, self)
                };
                let Some(bindings) = self.bindings(&schema, dotted_name, &goal, with, env) else {
                    return false;
                };
                match kind {
                    ast::ApplyKind::Apply => {
                        *last = format!("apply {dotted_name}");
                        tactic::apply(goals, dotted_name, &schema, &bindings, span, self)
                    }
                    ast::ApplyKind::Assume | ast::ApplyKind::Instantiate => {
                        *last = format!("instantiate {dotted_name}");
                        tactic::assume(
                            goals,
                            dotted_name,
                            &schema,
                            &bindings,
                            label.as_ref().map(|l| l.name),
                            from_premise,
                            span,
                        )
                    }
                }
            }
            P::Witness(ms) => {
                let Some(goal) = goals.first().cloned() else {
                    self.proof_err(ProofError::NoGoal { span }, env);
                    return false;
                };
                let mut wits = Vec::new();
                for m in ms {
                    let ast::Match::Var { var, value, .. } = m else {
                        continue;
                    };
                    let Some(v) = bound_var(&goal.conc, var.name.name) else {
                        self.proof_err(
                            ProofError::NotExistential {
                                var: var.name.name,
                                span: var.span,
                            },
                            env,
                        );
                        return false;
                    };
                    let mut cx = self.goal_cx(&goal, env);
                    let Some((t, _)) = self.elab_infer(&mut cx, value, Some(v.sort)) else {
                        return false;
                    };
                    wits.push((v, t));
                }
                *last = "instantiate with".into();
                tactic::witness(goals, &wits, span)
            }
            P::ShowGoals => Ok(()),
            P::DeferGoal => {
                tactic::defer(goals);
                Ok(())
            }
            P::Spoil(_) => {
                self.unsupported_because(
                    "`spoil`",
                    "ms-ivy 1.8 parses `spoil` but gives it no meaning (its proof checker stops with an internal error on it), so there is no behaviour to follow",
                    span,
                    env,
                );
                return false;
            }
            P::Tactic { name, with, proof } => {
                *last = format!("tactic {}", name.as_str());
                if let Some(p) = proof {
                    // Only ms-ivy's `l2s` reads a proof attached to a
                    // tactic (docs/liveness.md); elsewhere it would be
                    // dropped.
                    let at = p.first().map(|s| s.span).unwrap_or(span);
                    self.unsupported_because(
                        "a proof attached to a tactic in a property's proof",
                        "ms-ivy reads the proof attached to a tactic only in `tactic l2s` of a temporal property, and ignores it elsewhere; ivyc does not drop it silently. Write its steps after the tactic",
                        at,
                        env,
                    );
                    return false;
                }
                if with.is_some() && matches!(name.as_str(), "skolemize" | "skolemizenp" | "sorry")
                {
                    self.proof_err(
                        ProofError::TacticArgument {
                            tactic: name.name,
                            takes: "no `with` list (ms-ivy ignores one)",
                            span,
                        },
                        env,
                    );
                    return false;
                }
                match name.as_str() {
                    // Skolemizing a goal does not change its validity: the
                    // solver sees the same problem.
                    "skolemize" | "skolemizenp" => Ok(()),
                    "sorry" => {
                        self.proof_err(ProofError::Sorry { span }, env);
                        if !goals.is_empty() {
                            goals.remove(0);
                        }
                        Ok(())
                    }
                    "l2s" | "l2s_full" | "l2s_auto" | "l2s_auto2" | "l2s_auto3" | "l2s_auto4"
                    | "l2s_auto5" | "ranking" | "ranking_infer" | "tempind" | "tempcase"
                    | "invariance" => {
                        // Liveness tactics: the liveness work plugs in here.
                        self.unsupported("this tactic (liveness)", span, env);
                        return false;
                    }
                    "mc" => {
                        // ms-ivy's `tactic mc` on a property goal model
                        // checks a module without actions or initial
                        // states, and passes goals that do not hold: there
                        // is nothing sound to follow.
                        self.unsupported_because(
                            "tactic mc (model checking) in a proof",
                            "ms-ivy 1.8 passes goals that do not hold with it (`property c = red proof { tactic mc }` passes for an arbitrary `c`), so ivyc does not follow it; model-check an isolate with `attribute method = mc` instead (docs/mc.md)",
                            span,
                            env,
                        );
                        return false;
                    }
                    // ms-ivy's goal rewrites of transition systems: a
                    // property's goal is a formula, where ms-ivy stops
                    // with an error.
                    "vcgen" => Err(ProofError::TacticGoal {
                        tactic: name.name,
                        what: "applies only to safety properties",
                        span: name.span,
                    }),
                    "flatten_structs" | "macro_expand" => Err(ProofError::TacticGoal {
                        tactic: name.name,
                        what: "applies only to invariance or temporal properties",
                        span: name.span,
                    }),
                    "auto_inst" => {
                        let Some(triggers) = self.triggers(goals, with, span, env) else {
                            return false;
                        };
                        auto_inst::auto_inst(goals, &triggers, span).map(|_| ())
                    }
                    "mypyvy" => {
                        self.unsupported_because(
                            "tactic mypyvy (the external tool mypyvy)",
                            "ms-ivy hands the goal to the external tool mypyvy (it writes a `.pyv` file and runs `mypyvy`), which ivyc does not have; on a property's goal ms-ivy 1.8 fails with a Python exception before running it. Prove the goal with ivyc's tactics instead",
                            span,
                            env,
                        );
                        return false;
                    }
                    "duoai" => {
                        self.unsupported_because(
                            "tactic duoai (the external invariant inference tool DuoAI)",
                            "ms-ivy hands the goal to the external tool DuoAI (it writes a `_duoai.ivy` file and runs it), which ivyc does not have; on a property's goal ms-ivy 1.8 fails with a Python exception before running it. Write the invariants, or try `ivyc infer`",
                            span,
                            env,
                        );
                        return false;
                    }
                    "vmt" => {
                        self.unsupported("this tactic (it works on isolate goals)", span, env);
                        return false;
                    }
                    _ => Err(ProofError::UnknownTactic {
                        name: name.name,
                        span: name.span,
                    }),
                }
            }
            P::Property {
                temporal,
                fmla,
                named,
                proof,
            } => {
                if *temporal {
                    self.unsupported("temporal properties (liveness)", span, env);
                    return false;
                }
                let Some(goal) = goals.first().cloned() else {
                    self.proof_err(ProofError::NoGoal { span }, env);
                    return false;
                };
                let mut cx = self.goal_cx(&goal, env);
                let Some(t) = self.goal_formula(&mut cx, &fmla.fmla) else {
                    return false;
                };
                let label = fmla.label.as_ref().map(|l| l.name);
                let (main, sub) = match named {
                    None => tactic::cut(&goal, label, t, span),
                    Some(lhs) => {
                        let Some((f, skolem)) = self.named_in_proof(&goal, &t, lhs, &cx, env)
                        else {
                            return false;
                        };
                        tactic::cut_named(&goal, label, t, f, skolem, span)
                    }
                };
                let mut subs = vec![sub];
                if let Some(p) = proof {
                    let mut l2 = String::new();
                    if !self.steps(&mut subs, p, &mut l2, env) {
                        return false;
                    }
                }
                goals[0] = main;
                goals.extend(subs);
                *last = "property".into();
                Ok(())
            }
            P::Theorem { prop, proof } => match &prop.prop {
                ast::Prop::Fmla(e) => {
                    let Some(goal) = goals.first().cloned() else {
                        self.proof_err(ProofError::NoGoal { span }, env);
                        return false;
                    };
                    let mut cx = self.goal_cx(&goal, env);
                    let Some(t) = self.goal_formula(&mut cx, e) else {
                        return false;
                    };
                    let label = prop.label.as_ref().map(|l| l.name);
                    let (main, sub) = tactic::cut(&goal, label, t, span);
                    let mut subs = vec![sub];
                    if let Some(p) = proof {
                        let mut l2 = String::new();
                        if !self.steps(&mut subs, p, &mut l2, env) {
                            return false;
                        }
                    }
                    goals[0] = main;
                    goals.extend(subs);
                    *last = "theorem".into();
                    Ok(())
                }
                ast::Prop::Schema(b) => {
                    let Some(goal) = goals.first().cloned() else {
                        self.proof_err(ProofError::NoGoal { span }, env);
                        return false;
                    };
                    let label = prop.label.as_ref().map(|l| l.name);
                    let Some(fact) = self.elab_schema(b, label, &goal, env) else {
                        return false;
                    };
                    let (main, sub) = tactic::cut_fact(&goal, fact, span);
                    let mut subs = vec![sub];
                    if let Some(p) = proof {
                        let mut l2 = String::new();
                        if !self.steps(&mut subs, p, &mut l2, env) {
                            return false;
                        }
                    }
                    goals[0] = main;
                    goals.extend(subs);
                    *last = "theorem".into();
                    Ok(())
                }
            },
            P::Function(decls) => {
                let Some(goal) = goals.first().cloned() else {
                    self.proof_err(ProofError::NoGoal { span }, env);
                    return false;
                };
                for d in decls {
                    let ast::DefnLhs::Name { name, args, .. } = &d.lhs.lhs else {
                        self.unsupported("infix functions in proofs", d.span, env);
                        return false;
                    };
                    let Some(ast::DefnRhs::Expr(rhs)) = &d.def else {
                        self.unsupported("functions without a definition in proofs", d.span, env);
                        return false;
                    };
                    let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
                    let Some(sorts) = self.binder_sorts(&binders, env) else {
                        return false;
                    };
                    let mut cx = self.goal_cx(&goal, env);
                    let mut vars = Vec::new();
                    for (b, s) in binders.iter().zip(&sorts) {
                        cx.var_sorts.insert(VarKey::Bound(b.span), (*s, b.span));
                        cx.scope
                            .push((b.name.name, B::Var(VarKey::Bound(b.span)), b.span));
                        vars.push(Var {
                            name: b.name.name,
                            sort: *s,
                        });
                    }
                    let want = match &d.lhs.sort {
                        Some(s) => self.resolve_sort(s, env),
                        None => None,
                    };
                    let Some((body, ret)) = self.elab_infer(&mut cx, rhs, want) else {
                        return false;
                    };
                    let fname = name.to_dotted().to_string();
                    if goal
                        .bound_syms()
                        .iter()
                        .any(|s| self.sym(*s).is_some_and(|x| x.name.as_str() == fname))
                    {
                        self.proof_err(
                            ProofError::Redefinition {
                                name: Symbol::intern(&fname),
                                span: name.span,
                            },
                            env,
                        );
                        return false;
                    }
                    let f = self.fresh_sym(&fname, sorts, ret, d.span);
                    let lhs = Term::app_vars(f, &vars);
                    let def = if ret == SortId::BOOL {
                        Term::iff(lhs, body)
                    } else {
                        Term::eq(lhs, body)
                    };
                    if let Err(e) = tactic::define(goals, f, Term::forall(vars, def), span) {
                        self.proof_err(e, env);
                        return false;
                    }
                }
                *last = "function".into();
                Ok(())
            }
            P::Proof { label, group } => {
                let Some(i) = goals.iter().position(|g| g.label == Some(label.name)) else {
                    self.proof_err(
                        ProofError::NoPremise {
                            name: label.name,
                            span: label.span,
                        },
                        env,
                    );
                    return false;
                };
                let g = goals.remove(i);
                let mut sub = vec![g];
                if !self.steps(&mut sub, group, last, env) {
                    return false;
                }
                goals.extend(sub);
                Ok(())
            }
            P::Unfold { name, specs } => {
                let mut defs = Vec::new();
                for (atom, renamings) in specs {
                    let n = Symbol::intern(&callatom_name(atom));
                    let Some(fact) = self.lookup_fact(n, env) else {
                        self.proof_err(
                            ProofError::UnknownFact {
                                name: n,
                                span: atom.span,
                            },
                            env,
                        );
                        return false;
                    };
                    let Some(d) = tactic::definition_lambda(&fact) else {
                        self.proof_err(
                            ProofError::NotADefinition {
                                name: n,
                                span: atom.span,
                            },
                            env,
                        );
                        return false;
                    };
                    // `f<a/b><c/d>`: the first occurrences take the
                    // renamed copies, in order; the rest the definition.
                    let (sym, lam) = d;
                    let mut lams = Vec::new();
                    for r in renamings {
                        let names: Vec<(Symbol, Symbol)> = r
                            .items
                            .iter()
                            .map(|(to, from)| (to.name, from.name))
                            .collect();
                        match tactic::rename_bound(&lam, &names) {
                            Ok(l) => lams.push(l),
                            Err(v) => {
                                self.proof_err(
                                    ProofError::Capture {
                                        name: v,
                                        span: r.span,
                                    },
                                    env,
                                );
                                return false;
                            }
                        }
                    }
                    lams.push(lam);
                    defs.push((sym, lams));
                }
                *last = "unfold".into();
                let prem = name
                    .as_ref()
                    .map(|p| Symbol::intern(&p.to_dotted().to_string()));
                tactic::unfold(goals, prem, &defs, span)
            }
            P::Forget(atoms) => {
                let names: Vec<Symbol> = atoms
                    .iter()
                    .map(|a| Symbol::intern(&callatom_name(a)))
                    .collect();
                tactic::forget(goals, &names, span)
            }
            P::Let(ms) => {
                let Some(goal) = goals.first().cloned() else {
                    self.proof_err(ProofError::NoGoal { span }, env);
                    return false;
                };
                let mut eqs = Vec::new();
                for m in ms {
                    let ast::Match::Var { var, value, .. } = m else {
                        continue;
                    };
                    let mut cx = self.goal_cx(&goal, env);
                    let Some((t, s)) = self.elab_infer(&mut cx, value, None) else {
                        return false;
                    };
                    let v = Var {
                        name: var.name.name,
                        sort: s,
                    };
                    eqs.push(Term::eq(Term::var(v), t));
                }
                *last = "let".into();
                tactic::let_(goals, eqs, span)
            }
            P::If { cond, then_, else_ } => {
                let Some(goal) = goals.first().cloned() else {
                    self.proof_err(ProofError::NoGoal { span }, env);
                    return false;
                };
                let mut cx = self.goal_cx(&goal, env);
                let Some(c) = self.goal_formula(&mut cx, cond) else {
                    return false;
                };
                let (yes, no) = tactic::case_split(&goal, &c);
                let (mut a, mut b) = (vec![yes], vec![no]);
                if !self.steps(&mut a, then_, last, env) || !self.steps(&mut b, else_, last, env) {
                    return false;
                }
                goals.remove(0);
                let rest: Vec<Goal> = std::mem::take(goals);
                goals.extend(a);
                goals.extend(b);
                goals.extend(rest);
                *last = "if".into();
                Ok(())
            }
        };
        match r {
            Ok(()) => true,
            Err(e) => {
                self.proof_err(e, env);
                false
            }
        }
    }

    /// `property fmla named f(X, ...)` in a proof: the fresh symbol `f`
    /// and the formula `body[Y := f(X, ...)]`, where `fmla` is `forall
    /// X... exists Y. body` (its universals, leading or free, must all be
    /// parameters of `f`; other parameters need a sort).
    fn named_in_proof(
        &mut self,
        goal: &Goal,
        prop: &Term,
        lhs: &ast::DefnLhs,
        cx: &Cx,
        env: &Rc<Env>,
    ) -> Option<(SymId, Term)> {
        use ivyc_logic::TermKind;
        let ast::DefnLhs::Name { name, args, span } = lhs else {
            self.unsupported("infix names of properties", lhs_span(lhs), env);
            return None;
        };
        let fname = Symbol::intern(&name.to_dotted());
        let bad = |var: Option<Symbol>| ProofError::BadNamed {
            name: fname,
            var,
            span: *span,
        };
        let mut t = prop;
        while let TermKind::Forall(_, b) = &t.kind {
            t = b;
        }
        let TermKind::Exists(ys, body) = &t.kind else {
            self.proof_err(bad(None), env);
            return None;
        };
        let [y] = ys.as_slice() else {
            self.proof_err(bad(None), env);
            return None;
        };
        // The universals: the variables free under the existential.
        let universals = t.free_vars();
        let mut params: Vec<Var> = Vec::new();
        for a in args.as_deref().unwrap_or(&[]) {
            let b = match a {
                ast::DefArg::Var(b) => b.clone(),
                ast::DefArg::Param(p) => ast::Binder {
                    name: p.name.clone(),
                    sort: Some(p.sort.clone()),
                    span: p.span,
                },
            };
            if params.iter().any(|v| v.name == b.name.name) {
                self.proof_err(bad(Some(b.name.name)), env);
                return None;
            }
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
                        return None;
                    };
                    let sort = self.resolve_sort(s, env)?;
                    Var {
                        name: b.name.name,
                        sort,
                    }
                }
            };
            params.push(v);
        }
        if let Some(v) = universals.iter().find(|v| !params.contains(v)) {
            self.proof_err(bad(Some(v.name)), env);
            return None;
        }
        // The name must be fresh: neither a symbol of the program nor one
        // the goal binds.
        let taken = self.resolve_value_sym(name, cx).is_some()
            || goal.bound_syms().iter().any(|s| {
                self.sym(*s).is_some_and(|d| {
                    ivyc_logic::signature::strip_fresh_suffix(d.name.as_str()) == fname.as_str()
                })
            });
        if taken {
            self.proof_err(
                ProofError::Redefinition {
                    name: fname,
                    span: *span,
                },
                env,
            );
            return None;
        }
        let sorts = params.iter().map(|v| v.sort).collect();
        let f = self.fresh_sym(fname.as_str(), sorts, y.sort, *span);
        let witness = Term::app(f, params.iter().map(|v| Term::var(*v)).collect());
        let map = [(*y, witness)].into_iter().collect();
        Some((f, body.subst_vars(&map)))
    }

    /// The `with` list of `tactic auto_inst`: `trigger ax with t, ...`
    /// items, each pattern elaborated with the axiom's free variables.
    fn triggers(
        &mut self,
        goals: &[Goal],
        with: &Option<ast::TacticWith>,
        span: Span,
        env: &Rc<Env>,
    ) -> Option<Vec<auto_inst::Trigger>> {
        let items = match with {
            None => return Some(Vec::new()),
            Some(ast::TacticWith::Items { items, .. }) => items,
            Some(ast::TacticWith::Lets(_)) => {
                self.proof_err(
                    ProofError::TacticArgument {
                        tactic: Symbol::intern("auto_inst"),
                        takes: "triggers: `with trigger ax with t, ...`",
                        span,
                    },
                    env,
                );
                return None;
            }
        };
        let Some(goal) = goals.first().cloned() else {
            self.proof_err(ProofError::NoGoal { span }, env);
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            let ast::TacticItem::Trigger {
                name,
                terms,
                span: item_span,
            } = item
            else {
                let item_span = match item {
                    ast::TacticItem::Invariant(f) => f.span,
                    ast::TacticItem::Definition { span, .. } => *span,
                    ast::TacticItem::Trigger { span, .. } => *span,
                };
                self.proof_err(
                    ProofError::TacticArgument {
                        tactic: Symbol::intern("auto_inst"),
                        takes: "triggers: `with trigger ax with t, ...`",
                        span: item_span,
                    },
                    env,
                );
                return None;
            };
            let dotted_name = Symbol::intern(&name.to_dotted().to_string());
            let fact = self
                .lookup_fact(dotted_name, env)
                .filter(|f| f.prems.is_empty());
            let Some(fact) = fact else {
                self.proof_err(
                    ProofError::UnknownFact {
                        name: dotted_name,
                        span: *item_span,
                    },
                    env,
                );
                return None;
            };
            let mut cx = self.goal_cx(&goal, env);
            for v in fact.free_vars() {
                cx.var_sorts
                    .insert(VarKey::Free(v.name), (v.sort, Span::default()));
            }
            let mut patterns = Vec::new();
            for t in terms {
                let (p, _) = self.elab_infer(&mut cx, t, None)?;
                patterns.push(p);
            }
            out.push(auto_inst::Trigger {
                name: dotted_name,
                fact,
                patterns,
            });
        }
        Some(out)
    }

    /// A fact by name: as written, then inside the enclosing objects;
    /// `ind[t]` for an integer sort `t` is Ivy's induction schema.
    fn lookup_fact(&mut self, name: Symbol, env: &Env) -> Option<Goal> {
        if let Some(g) = self.lookup_fact_declared(name, env) {
            return Some(g);
        }
        let sort = name.as_str().strip_prefix("ind[")?.strip_suffix(']')?;
        let id = self.sorts.iter().position(|d| {
            d.name.as_str() == sort
                && matches!(
                    d.kind,
                    SortKind::Int | SortKind::Nat | SortKind::Range { .. }
                )
        })?;
        let g = self.induction_schema(SortId(u32::try_from(id).ok()?));
        self.proof_ctx.admit(name, g.clone());
        Some(g)
    }

    fn lookup_fact_declared(&self, name: Symbol, env: &Env) -> Option<Goal> {
        let mut prefix = env.prefix.clone();
        loop {
            let full = dotted(&prefix, name.as_str());
            if let Some(g) = self.proof_ctx.lookup(full) {
                return Some(g.clone());
            }
            prefix.pop()?;
        }
    }

    /// `<a/b, X/Y>`: renames the schema's symbols and free variables.
    fn rename_schema(&mut self, schema: &Goal, r: &ast::Renaming) -> Goal {
        let mut out = schema.clone();
        // `<new/old>` (as in Ivy): `old` is renamed `new`.
        for (to, from) in &r.items {
            for s in schema.bound_syms() {
                let same = self.sym(s).is_some_and(|d| {
                    ivyc_logic::signature::strip_fresh_suffix(d.name.as_str()) == from.as_str()
                });
                if same {
                    if let Some(d) = self.sym(s).cloned() {
                        let n = self.fresh_sym(
                            to.as_str(),
                            d.args.clone(),
                            d.ret,
                            d.span.unwrap_or_default(),
                        );
                        let map = [(s, n)].into_iter().collect();
                        out = out.map_terms(&mut |t| t.rename_symbols(&map));
                        for p in out.prems.iter_mut() {
                            if *p == Prem::Sym(s) {
                                *p = Prem::Sym(n);
                            }
                        }
                    }
                }
            }
            for v in schema.free_vars() {
                if v.name == from.name {
                    let map = [(
                        v,
                        Term::var(Var {
                            name: to.name,
                            sort: v.sort,
                        }),
                    )]
                    .into_iter()
                    .collect();
                    out = out.map_terms(&mut |t| t.subst_vars(&map));
                }
            }
        }
        out
    }

    /// What a `with` binding may name in `schema`: its bound symbols (by
    /// their names as written) and its variables (free, or universally
    /// quantified at the front of its conclusion).
    fn schema_names(&self, schema: &Goal) -> (Vec<(String, SymId)>, Vec<ivyc_logic::Var>) {
        let syms = schema
            .bound_syms()
            .into_iter()
            .filter_map(|s| {
                let d = self.sym(s)?;
                Some((
                    ivyc_logic::signature::strip_fresh_suffix(d.name.as_str()).to_string(),
                    s,
                ))
            })
            .collect();
        let mut vars = schema.free_vars();
        let mut c = &schema.conc;
        while let ivyc_logic::TermKind::Forall(vs, b) = &c.kind {
            vars.extend(vs.iter().copied());
            c = b;
        }
        (syms, vars)
    }

    /// The sorts bound by a schema (`type s`) that its `with` bindings
    /// determine: `x = e` gives `x`'s sort the sort of `e`, `p(X) = e`
    /// gives the sorts of the parameters as `e` uses them and the sort of
    /// `e`, `X = e` the sort of `e`. Names that are not the schema's are
    /// left to [`Self::bindings`] to report.
    fn binding_sorts(
        &mut self,
        schema: &Goal,
        goal: &Goal,
        with: &[ast::Match],
        env: &Rc<Env>,
    ) -> Option<std::collections::HashMap<SortId, SortId>> {
        let bound = schema.bound_sorts();
        let mut map = std::collections::HashMap::new();
        let note =
            |from: SortId, to: SortId, map: &mut std::collections::HashMap<SortId, SortId>| {
                if bound.contains(&from) && from != to {
                    map.entry(from).or_insert(to);
                }
            };
        let (schema_syms, schema_vars) = self.schema_names(schema);
        for m in with {
            let (name, args, value) = match m {
                ast::Match::Var { var, value, .. } => {
                    (var.name.name.as_str().to_string(), None, value)
                }
                ast::Match::Defn(df) => {
                    let (ast::DefnLhs::Name { name, args, .. }, ast::DefnRhs::Expr(rhs)) =
                        (&df.lhs.lhs, &df.rhs)
                    else {
                        continue;
                    };
                    (name.to_dotted().to_string(), args.as_deref(), rhs)
                }
            };
            let mut cx = self.goal_cx(goal, env);
            if let Some((_, s)) = schema_syms.iter().find(|(n, _)| *n == name) {
                let d = self.sym(*s)?.clone();
                if !d.args.iter().chain([&d.ret]).any(|x| bound.contains(x)) {
                    continue;
                }
                let binders = Self::defarg_binders(args.unwrap_or(&[]));
                for (b, srt) in binders.iter().zip(&d.args) {
                    // `p(X:t) = e` says the sort; `p(X) = e` leaves it to `e`.
                    let given = match &b.sort {
                        Some(x) => Some(self.resolve_sort(x, env)?),
                        None => (!bound.contains(srt)).then_some(*srt),
                    };
                    if let Some(g) = given {
                        cx.var_sorts.insert(VarKey::Bound(b.span), (g, b.span));
                    }
                    cx.scope
                        .push((b.name.name, B::Var(VarKey::Bound(b.span)), b.span));
                }
                let want = (!bound.contains(&d.ret)).then_some(d.ret);
                let (_, ret) = self.elab_infer(&mut cx, value, want)?;
                note(d.ret, ret, &mut map);
                for (b, srt) in binders.iter().zip(&d.args) {
                    if let Some((x, _)) = cx.var_sorts.get(&VarKey::Bound(b.span)) {
                        note(*srt, *x, &mut map);
                    }
                }
            } else if args.is_none() {
                if let Some(v) = schema_vars.iter().find(|v| v.name.as_str() == name) {
                    if bound.contains(&v.sort) {
                        let (_, srt) = self.elab_infer(&mut cx, value, None)?;
                        note(v.sort, srt, &mut map);
                    }
                }
            }
        }
        Some(map)
    }

    /// The `with` bindings of an `apply`/`instantiate`: left-hand sides in
    /// the schema's vocabulary, right-hand sides in the goal's.
    fn bindings(
        &mut self,
        schema: &Goal,
        schema_name: Symbol,
        goal: &Goal,
        with: &[ast::Match],
        env: &Rc<Env>,
    ) -> Option<Vec<Binding>> {
        let mut out = Vec::new();
        let (schema_syms, schema_vars) = self.schema_names(schema);
        for m in with {
            match m {
                ast::Match::Var { var, value, span } => {
                    let name = var.name.name;
                    if let Some((_, s)) = schema_syms.iter().find(|(n, _)| n == name.as_str()) {
                        let d = self.sym(*s)?.clone();
                        let mut cx = self.goal_cx(goal, env);
                        let (t, _) = self.elab_infer(&mut cx, value, Some(d.ret))?;
                        out.push(Binding::Sym(*s, Lambda::new(vec![], t)));
                        continue;
                    }
                    let Some(v) = schema_vars.iter().find(|v| v.name == name).copied() else {
                        self.proof_err(
                            ProofError::NotInSchema {
                                name,
                                schema: schema_name,
                                span: *span,
                            },
                            env,
                        );
                        return None;
                    };
                    let mut cx = self.goal_cx(goal, env);
                    let (t, _) = self.elab_infer(&mut cx, value, Some(v.sort))?;
                    out.push(Binding::Var(v, t));
                }
                ast::Match::Defn(df) => {
                    let ast::DefnLhs::Name { name, args, .. } = &df.lhs.lhs else {
                        self.unsupported_because(
                            "infix bindings in proofs",
                            "an infix binding `(X:t < Y:t) = e` can only bind an infix symbol declared in the schema, which ms-ivy 1.8 does not instantiate (\"Match is inconsistent\", or \"cannot infer sort\" without sorts); declare the schema's symbol with a name (`relation lt(X:t, Y:t)`) and bind it with `with lt(X,Y) = X:t < Y:t`",
                            df.span,
                            env,
                        );
                        return None;
                    };
                    let ast::DefnRhs::Expr(rhs) = &df.rhs else {
                        self.unsupported("`some` bindings in proofs", df.span, env);
                        return None;
                    };
                    let n = name.to_dotted().to_string();
                    let Some((_, s)) = schema_syms.iter().find(|(x, _)| *x == n) else {
                        // `X = e` parsed as a definition of a variable.
                        if args.is_none() {
                            if let Some(v) =
                                schema_vars.iter().find(|v| v.name.as_str() == n).copied()
                            {
                                let mut cx = self.goal_cx(goal, env);
                                let (t, _) = self.elab_infer(&mut cx, rhs, Some(v.sort))?;
                                out.push(Binding::Var(v, t));
                                continue;
                            }
                        }
                        self.proof_err(
                            ProofError::NotInSchema {
                                name: Symbol::intern(&n),
                                schema: schema_name,
                                span: name.span,
                            },
                            env,
                        );
                        return None;
                    };
                    let d = self.sym(*s)?.clone();
                    let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
                    let mut cx = self.goal_cx(goal, env);
                    let mut params = Vec::new();
                    for (b, srt) in binders.iter().zip(&d.args) {
                        cx.var_sorts.insert(VarKey::Bound(b.span), (*srt, b.span));
                        cx.scope
                            .push((b.name.name, B::Var(VarKey::Bound(b.span)), b.span));
                        params.push(Var {
                            name: b.name.name,
                            sort: *srt,
                        });
                    }
                    let (t, _) = self.elab_infer(&mut cx, rhs, Some(d.ret))?;
                    out.push(Binding::Sym(*s, Lambda::new(params, t)));
                }
            }
        }
        Some(out)
    }
}

/// `forall X. body` opened: the variables become free (as Ivy keeps
/// them in a fact's formula).
/// The name under which the unlabelled axiom schemata are facts: no
/// proof can write it (ms-ivy names each `axiomN`, N counting every
/// unlabelled declaration it parses, see `unlabelled_schema_refused`).
pub(crate) fn unlabelled_schema_name() -> Symbol {
    Symbol::intern("axiom#unlabelled")
}

/// `axiomN` (ms-ivy's generated label of an unlabelled axiom).
fn is_generated_axiom_label(name: Symbol) -> bool {
    name.as_str()
        .rsplit('.')
        .next()
        .and_then(|n| n.strip_prefix("axiom"))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

fn open_forall(t: &Term) -> Term {
    t.clone()
}

/// The variable named `name` bound by the leading quantifiers.
fn bound_var(t: &Term, name: Symbol) -> Option<Var> {
    match &t.kind {
        ivyc_logic::TermKind::Exists(vs, b) | ivyc_logic::TermKind::Forall(vs, b) => vs
            .iter()
            .find(|v| v.name == name)
            .copied()
            .or_else(|| bound_var(b, name)),
        _ => None,
    }
}

fn lhs_span(l: &ast::DefnLhs) -> Span {
    match l {
        ast::DefnLhs::Name { span, .. } | ast::DefnLhs::Infix { span, .. } => *span,
    }
}

fn callatom_name(a: &ast::CallAtom) -> String {
    a.segments
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}
