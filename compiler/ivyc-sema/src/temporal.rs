//! Temporal properties and axioms (Ivy's liveness): elaboration of
//! `globally` / `eventually` / `whenX` and of the l2s vocabulary (`$l2s_w`,
//! `$l2s_s`, `$was`, `$happened`, `l2s_waiting`, `l2s_d(X)`, Skolem
//! constants) into placeholder symbols with their meaning recorded in
//! [`ivyc_logic::Temporal`] (see `ivyc_logic::temporal`), and of the proof
//! steps Ivy uses for them (`tactic skolemize`, `tactic l2s with invariant
//! ...`, `tactic invariance`). Temporal operators anywhere else are refused.

use crate::check::{dotted, Checker, Env};
use crate::elab::{Binding, Cx, VarKey};
use crate::error::{BoolContext, SemaError, TemporalError};
use crate::lower::Unit;
use crate::program::Program;
use crate::temporal_auto::AutoVariant;
use ivyc_base::{Span, Symbol};
use ivyc_logic::temporal::skolemize;
use ivyc_logic::{
    BinderName, FairCycleProof, L2sBuiltin, Lambda, Property, Role, SortId, SortKind, SymId,
    SymbolDecl, Tactic, Temporal, TemporalKind, TemporalOp, TemporalProperty, Term, TermKind, Var,
    WhenKind,
};
use ivyc_syntax::ast::{self, Expr, ExprKind, ProofStep, ProofStepKind, TacticItem, TacticWith};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// Where temporal constructs may appear in the formula being elaborated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TemporalMode {
    /// A `temporal property` / `temporal axiom`: temporal operators.
    Formula,
    /// An invariant of a temporal proof: also named binders, the l2s
    /// state and the Skolem symbols of the goal.
    Proof,
}

/// The temporal context of a formula (in [`Cx::temporal`]).
#[derive(Clone, Debug)]
pub(crate) struct TemporalScope {
    pub mode: TemporalMode,
    /// Skolem symbols of the goal, by name.
    pub skolems: Vec<(Symbol, SymId)>,
}

/// The temporal data collected by the checker.
#[derive(Default)]
pub(crate) struct TemporalState {
    pub data: Temporal,
    builtins: HashMap<L2sBuiltin, SymId>,
    /// Proofs of fair-cycle assertions, run once every fact is known.
    pending: Vec<PendingFairCycle>,
}

/// `tactic l2s with ... proof {...}`: the proof of the fair-cycle
/// assertion, to run after the program's proofs (its facts are those of
/// any proof).
struct PendingFairCycle {
    /// Index of the property in `Temporal::properties`, of the tactic in
    /// its `tactics`.
    property: usize,
    tactic: usize,
    label: Option<Symbol>,
    /// The fair-cycle assertion in sema's vocabulary.
    goal: Term,
    step: ProofStep,
    env: Rc<Env>,
    /// The names the proof's formulas may use besides the program's:
    /// the goal's Skolem symbols, the tactic's definitions, the monitor's
    /// state.
    scope: Vec<(Symbol, SymId)>,
    defs: HashMap<SymId, Lambda>,
    span: Span,
}

impl TemporalState {
    pub fn finish(self) -> Temporal {
        self.data
    }
}

type Elab = Option<(Term, SortId)>;

fn sp(t: Term, span: Span) -> Term {
    t.with_span(Some(span))
}

/// The tactics ms-ivy has that ivyc does not run.
const OTHER_TACTICS: &[&str] = &["ranking", "ranking_infer", "mc", "vmt", "mypyvy", "duoai"];

impl Checker<'_> {
    /// A closed formula in a temporal context.
    fn closed_temporal(
        &mut self,
        fmla: &Expr,
        ctx: BoolContext,
        env: &Rc<Env>,
        scope: TemporalScope,
    ) -> Option<Term> {
        let mut cx = Cx::new(env.clone());
        cx.temporal = Some(Rc::new(scope));
        let pvars = self.bind_object_params(&mut cx, env);
        let t = self.elab_closed(&mut cx, fmla, ctx)?;
        let span = t.span;
        Some(Term::forall(pvars, t).with_span(span))
    }

    /// `temporal axiom [l] fmla`.
    pub(crate) fn temporal_axiom(
        &mut self,
        prop: &ast::LabeledProp,
        explicit: bool,
        env: &Rc<Env>,
    ) {
        let ast::Prop::Fmla(f) = &prop.prop else {
            // A schema: as in Ivy, a schema of proofs like any axiom
            // schema (its formulas are non-temporal: ms-ivy refuses
            // temporal operators in it, so does the elaboration).
            match &prop.label {
                Some(l) => {
                    let name = dotted(&env.prefix, l.as_str());
                    self.proof_schema(name, &prop.prop, env);
                }
                None => self.proof_schema(crate::proof::unlabelled_schema_name(), &prop.prop, env),
            }
            return;
        };
        let scope = TemporalScope {
            mode: TemporalMode::Formula,
            skolems: vec![],
        };
        if let Some(t) = self.closed_temporal(f, BoolContext::Axiom, env, scope) {
            let label = prop.label.as_ref().map(|l| dotted(&env.prefix, l.as_str()));
            self.temporal.data.axioms.push(Property {
                label,
                formula: t,
                span: Some(prop.span),
                explicit,
            });
        }
    }

    /// `temporal property [l] fmla proof { ... }`.
    pub(crate) fn temporal_property(
        &mut self,
        fmla: &ast::LabeledFmla,
        named: Option<&ast::DefnLhs>,
        proof: Option<&ProofStep>,
        env: &Rc<Env>,
    ) {
        let scope = TemporalScope {
            mode: TemporalMode::Formula,
            skolems: vec![],
        };
        let Some(t) = self.closed_temporal(&fmla.fmla, BoolContext::Property, env, scope) else {
            return;
        };
        if let Some(lhs) = named {
            self.named_temporal_property(lhs, &t, fmla.span, env);
        }
        let label = fmla.label.as_ref().map(|l| dotted(&env.prefix, l.as_str()));
        let property = Property {
            label,
            formula: t.clone(),
            span: Some(fmla.span),
            explicit: false,
        };
        let Some(proof) = proof else {
            self.err(
                SemaError::Temporal(TemporalError::NoProof {
                    label,
                    span: fmla.span,
                }),
                env,
            );
            return;
        };
        let mut steps = Vec::new();
        flatten_steps(proof, &mut steps);
        let mut goal = t;
        let mut skolems: Vec<SymId> = Vec::new();
        let mut tactics = Vec::new();
        let mut pending = Vec::new();
        let mut ok = true;
        for step in steps {
            let ProofStepKind::Tactic { name, with, proof } = &step.kind else {
                self.err(
                    SemaError::Temporal(TemporalError::UnsupportedStep { span: step.span }),
                    env,
                );
                ok = false;
                continue;
            };
            let tname = name.as_str();
            let is_l2s = tname == "l2s" || tname == "l2s_full" || AutoVariant::of(tname).is_some();
            if let (Some(p), false) = (proof, is_l2s) {
                let span = p.first().map(|s| s.span).unwrap_or(step.span);
                self.unsupported(
                    "a proof attached to a tactic other than `l2s` (liveness)",
                    span,
                    env,
                );
                ok = false;
            }
            match tname {
                "skolemize" | "skolemizenp" => {
                    if with.is_some() {
                        self.err(
                            SemaError::Temporal(TemporalError::TacticTakesNothing {
                                tactic: name.name,
                                span: step.span,
                            }),
                            env,
                        );
                    }
                    let prenex = tname == "skolemize";
                    let (g, sks) = self.skolemize_goal(&goal, prenex, step.span);
                    goal = g;
                    skolems.extend(sks);
                    tactics.push(Tactic::Skolemize { span: step.span });
                }
                // ms-ivy's goal rewrites of the transition system:
                // `macro_expand` replaces the defined symbols by their
                // definitions (ivyc's definitions are macros already),
                // `flatten_structs` the struct-valued symbols by one
                // symbol per field (the same problem for the solver);
                // `auto_inst` without triggers adds no instance. The
                // goal means the same after them.
                "macro_expand" | "flatten_structs" | "auto_inst" => {
                    if with.is_some() {
                        if tname == "auto_inst" {
                            self.unsupported(
                                "triggers of `tactic auto_inst` in a temporal proof (liveness)",
                                step.span,
                                env,
                            );
                            ok = false;
                        } else {
                            self.err(
                                SemaError::Temporal(TemporalError::TacticTakesNothing {
                                    tactic: name.name,
                                    span: step.span,
                                }),
                                env,
                            );
                            ok = false;
                        }
                    }
                }
                "vcgen" => {
                    self.err(
                        SemaError::Proof(ivyc_proof::ProofError::TacticGoal {
                            tactic: name.name,
                            what: "applies only to safety properties",
                            span: name.span,
                        }),
                        env,
                    );
                    ok = false;
                }
                "tempcase" | "tempind" => {
                    let lets: &[ast::Match] = match with {
                        None => &[],
                        Some(TacticWith::Lets(ms)) => ms,
                        Some(TacticWith::Items { .. }) => {
                            self.err(
                                SemaError::Temporal(TemporalError::TacticTakesLets {
                                    tactic: name.name,
                                    span: step.span,
                                }),
                                env,
                            );
                            ok = false;
                            // Later steps would see the wrong goal.
                            break;
                        }
                    };
                    let Some(lets) = self.tactic_lets(name.name, lets, &goal, &skolems, env) else {
                        ok = false;
                        // Later steps would see the wrong goal.
                        break;
                    };
                    let rewritten = if tname == "tempcase" {
                        self.tempcase(name.name, &goal, &lets, step.span, env)
                    } else {
                        Some(self.tempind(&goal, &lets))
                    };
                    // A variable of `t` bound elsewhere in the goal than
                    // around the rewritten `globally` would end up free.
                    if let Some(v) = rewritten
                        .as_ref()
                        .and_then(|g| g.free_vars().first().copied())
                    {
                        self.err(
                            SemaError::Temporal(TemporalError::TacticLetInvalid {
                                tactic: name.name,
                                what: format!(
                                    "variable `{}` is not bound where the goal is rewritten",
                                    v.name
                                ),
                                span: step.span,
                            }),
                            env,
                        );
                        ok = false;
                        // Later steps would see the wrong goal.
                        break;
                    }
                    match rewritten {
                        Some(g) => goal = g,
                        None => {
                            ok = false;
                            // Later steps would see the wrong goal.
                            break;
                        }
                    }
                    tactics.push(Tactic::Rewrite {
                        tactic: name.name,
                        span: step.span,
                    });
                }
                _ if is_l2s || tname == "invariance" => {
                    let items: &[TacticItem] = match with {
                        None => &[],
                        Some(TacticWith::Items { items, .. }) => items,
                        Some(TacticWith::Lets(_)) => {
                            self.err(
                                SemaError::Temporal(TemporalError::TacticLets {
                                    tactic: name.name,
                                    span: step.span,
                                }),
                                env,
                            );
                            ok = false;
                            continue;
                        }
                    };
                    let mut scope = TemporalScope {
                        mode: TemporalMode::Proof,
                        skolems: skolems
                            .iter()
                            .filter_map(|&s| self.sym(s).map(|d| (d.name, s)))
                            .collect(),
                    };
                    let mut invariants = Vec::new();
                    // The tactic's definitions, expanded in the invariants
                    // (and in later definitions) once elaborated.
                    let mut defs: HashMap<SymId, Lambda> = HashMap::new();
                    let mut named_defs: Vec<(Symbol, Lambda)> = Vec::new();
                    for item in items {
                        match item {
                            TacticItem::Invariant(f) => {
                                let t = self.closed_temporal(
                                    &f.fmla,
                                    BoolContext::Invariant,
                                    env,
                                    scope.clone(),
                                );
                                let t = t.map(|t| t.subst_symbols(&defs));
                                match t {
                                    Some(t) => invariants.push(Property {
                                        label: f
                                            .label
                                            .as_ref()
                                            .map(|l| dotted(&env.prefix, l.as_str())),
                                        formula: t,
                                        span: Some(f.span),
                                        explicit: false,
                                    }),
                                    None => ok = false,
                                }
                            }
                            TacticItem::Definition { lhs, rhs, span } => {
                                match self.tactic_definition(lhs, rhs, *span, &scope, env) {
                                    Some((name, sym, lambda)) => {
                                        let body = lambda.body.subst_symbols(&defs);
                                        let lambda = Lambda::new(lambda.params, body);
                                        named_defs.push((name, lambda.clone()));
                                        defs.insert(sym, lambda);
                                        scope.skolems.push((name, sym));
                                    }
                                    None => ok = false,
                                }
                            }
                            TacticItem::Trigger { span, .. } => {
                                self.unsupported(
                                    "triggers in a tactic's `with` list (liveness)",
                                    *span,
                                    env,
                                );
                                ok = false;
                            }
                        }
                    }
                    if tname == "l2s_full" && !self.l2s_full_allowed(name.span, env) {
                        ok = false;
                        continue;
                    }
                    if let Some(variant) = AutoVariant::of(tname) {
                        if !ok {
                            continue;
                        }
                        match self.l2s_auto_invariants(
                            variant,
                            name.name,
                            &named_defs,
                            &goal,
                            &skolems,
                            step.span,
                            env,
                        ) {
                            Some(auto) => invariants.extend(auto),
                            None => {
                                ok = false;
                                continue;
                            }
                        }
                    }
                    if is_l2s {
                        if let Some(p) = proof {
                            let goal = self.fair_cycle_goal(&invariants);
                            let span = p.first().map(|s| s.span).unwrap_or(step.span);
                            let step = ProofStep {
                                kind: ProofStepKind::Group(p.clone()),
                                span,
                            };
                            pending.push(PendingFairCycle {
                                property: self.temporal.data.properties.len(),
                                tactic: tactics.len(),
                                label,
                                goal,
                                step,
                                env: env.clone(),
                                scope: scope.skolems.clone(),
                                defs: defs.clone(),
                                span,
                            });
                        }
                        tactics.push(Tactic::L2s {
                            invariants,
                            span: step.span,
                            fair_cycle: None,
                            full: tname == "l2s_full",
                        });
                    } else {
                        tactics.push(Tactic::Invariance {
                            invariants,
                            span: step.span,
                        });
                    }
                }
                _ => {
                    let known = OTHER_TACTICS.contains(&tname);
                    self.err(
                        SemaError::Temporal(TemporalError::UnsupportedTactic {
                            tactic: name.name,
                            known,
                            span: name.span,
                        }),
                        env,
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return;
        }
        if !tactics
            .iter()
            .any(|t| matches!(t, Tactic::L2s { .. } | Tactic::Invariance { .. }))
        {
            self.err(
                SemaError::Temporal(TemporalError::NotReduced {
                    label,
                    span: proof.span,
                }),
                env,
            );
            return;
        }
        self.temporal.pending.extend(pending);
        self.temporal.data.properties.push(TemporalProperty {
            property,
            goal,
            skolems,
            tactics,
            object: env.object(),
        });
    }

    /// The fair-cycle assertion of `tactic l2s` as ms-ivy builds it, in
    /// sema's vocabulary: not (`l2s_saved`, no `$l2s_w` binder of the
    /// invariants waiting, and every `$l2s_s` binder of the invariants
    /// equal to its current value on the frozen domain). The construction
    /// builds the same formula from its own binders (and checks it anyway,
    /// `ivyc-l2s`).
    fn fair_cycle_goal(&mut self, invariants: &[Property]) -> Term {
        // The binders the invariants mention, also through the bodies of
        // the binders they mention; `$was . p` saves the atoms of `p`,
        // `$happened . p` waits for `p`.
        let mut seen: BTreeSet<SymId> = BTreeSet::new();
        let mut stack: Vec<SymId> = invariants
            .iter()
            .flat_map(|p| p.formula.symbols())
            .collect();
        stack.reverse();
        let mut waits: Vec<(Vec<Var>, SymId)> = Vec::new();
        let mut saves: Vec<(Vec<Var>, SymId, Term)> = Vec::new();
        while let Some(s) = stack.pop() {
            if !seen.insert(s) {
                continue;
            }
            let Some(op) = self.temporal.data.ops.get(&s).cloned() else {
                continue;
            };
            stack.extend(op.body.symbols());
            if let Some(c) = &op.cond {
                stack.extend(c.symbols());
            }
            match op.kind {
                TemporalKind::Binder(BinderName::Wait) => waits.push((op.params.clone(), s)),
                TemporalKind::Binder(BinderName::Saved) => {
                    saves.push((op.params.clone(), s, op.body.clone()))
                }
                TemporalKind::Binder(BinderName::Happened) => {
                    let vs = op.body.free_vars();
                    let w = self.placeholder(
                        TemporalOp {
                            kind: TemporalKind::Binder(BinderName::Wait),
                            params: vs.clone(),
                            body: op.body.clone(),
                            cond: None,
                            span: op.span,
                        },
                        SortId::BOOL,
                    );
                    seen.insert(w);
                    waits.push((vs, w));
                }
                TemporalKind::Binder(BinderName::Was) => {
                    let mut atoms = Vec::new();
                    was_atoms(&op.body, &mut atoms);
                    for a in atoms {
                        let vs = a.free_vars();
                        let sv = self.placeholder(
                            TemporalOp {
                                kind: TemporalKind::Binder(BinderName::Saved),
                                params: vs.clone(),
                                body: a.clone(),
                                cond: None,
                                span: op.span,
                            },
                            SortId::BOOL,
                        );
                        seen.insert(sv);
                        saves.push((vs, sv, a));
                    }
                }
                _ => {}
            }
        }
        let saved = self.builtin(L2sBuiltin::Saved, vec![]);
        let mut fair = vec![Term::constant(saved)];
        for (vs, w) in &waits {
            fair.push(Term::forall(vs.clone(), Term::not(Term::app_vars(*w, vs))));
        }
        for (vs, sv, body) in &saves {
            let guards: Vec<Term> = vs
                .iter()
                .filter_map(|v| self.frozen_guard(Term::var(*v), v.sort))
                .collect();
            let app = Term::app_vars(*sv, vs);
            let ret = self.sym(*sv).map(|d| d.ret).unwrap_or(SortId::BOOL);
            let kind = self.sort_kind(ret).clone();
            let same = match kind {
                SortKind::Bool => Some(Term::implies(
                    Term::and(guards),
                    Term::iff(app, body.clone()),
                )),
                SortKind::Uninterpreted
                | SortKind::Int
                | SortKind::Nat
                | SortKind::Str
                | SortKind::BitVec(_) => {
                    let mut g = guards;
                    let (a1, a2) = (
                        self.frozen_guard(app.clone(), ret),
                        self.frozen_guard(body.clone(), ret),
                    );
                    if let (Some(a1), Some(a2)) = (a1, a2) {
                        g.push(Term::or([a1, a2]));
                    }
                    Some(Term::implies(Term::and(g), Term::eq(app, body.clone())))
                }
                SortKind::Enum(_) | SortKind::Range { .. } => None,
            };
            if let Some(t) = same {
                fair.push(Term::forall(vs.clone(), t));
            }
        }
        Term::not(Term::and(fair))
    }

    /// `l2s_a(t)` for a term of a sort whose elements the construction
    /// tracks (infinite, not `finite type`).
    fn frozen_guard(&mut self, t: Term, s: SortId) -> Option<Term> {
        let tracked = matches!(
            self.sort_kind(s),
            SortKind::Uninterpreted | SortKind::Int | SortKind::Nat | SortKind::Str
        ) && !self.temporal.data.finite_sorts.contains(&s);
        if !tracked {
            return None;
        }
        let a = self.builtin(L2sBuiltin::A(s), vec![s]);
        Some(Term::app(a, vec![t]))
    }

    /// The proofs of the fair-cycle assertions (`tactic l2s with ...
    /// proof {...}`), once every fact is known: as in ms-ivy, the
    /// assertion is the goal of the proof, and the goals left are checked
    /// where the assertion is (the construction then assumes it).
    pub(crate) fn run_fair_cycle_proofs(&mut self) {
        let pending = std::mem::take(&mut self.temporal.pending);
        for p in pending {
            let mut names = p.scope.clone();
            for b in [L2sBuiltin::Waiting, L2sBuiltin::Frozen, L2sBuiltin::Saved] {
                let sym = self.builtin(b, vec![]);
                names.push((Symbol::intern(b.name()), sym));
            }
            let scope: Vec<(Symbol, Binding, Span)> = names
                .iter()
                .map(|&(n, s)| (n, Binding::Local(s), p.span))
                .collect();
            let saved = std::mem::replace(&mut self.proof_scope, scope);
            let what = match p.label {
                Some(l) => format!("fair cycle of temporal property [{l}]"),
                None => "fair cycle of temporal property".to_string(),
            };
            let goal = ivyc_proof::Goal::fact(p.label, Some(p.span), p.goal.clone());
            let goals = self.run_proof(goal, &p.step, &what, &p.env);
            self.proof_scope = saved;
            let Some(goals) = goals else { continue };
            let subgoals: Vec<Property> = goals
                .into_iter()
                .map(|g| {
                    let formula = if g.premises.is_empty() {
                        g.conclusion
                    } else {
                        Term::implies(
                            Term::and(g.premises.into_iter().map(|h| h.formula)),
                            g.conclusion,
                        )
                    };
                    Property {
                        label: p.label,
                        formula: formula.subst_symbols(&p.defs),
                        span: g.span.or(Some(p.span)),
                        explicit: false,
                    }
                })
                .collect();
            let tactic = self
                .temporal
                .data
                .properties
                .get_mut(p.property)
                .and_then(|prop| prop.tactics.get_mut(p.tactic));
            if let Some(Tactic::L2s { fair_cycle, .. }) = tactic {
                *fair_cycle = Some(FairCycleProof {
                    goal: p.goal,
                    subgoals,
                });
            }
        }
    }

    /// The `with X = t, ...` of `tempcase`/`tempind`: each `t` over the
    /// goal's vocabulary (its symbols, its Skolem symbols and the variables
    /// its quantifiers bind), `X` a new variable of `t`'s sort.
    fn tactic_lets(
        &mut self,
        tactic: Symbol,
        lets: &[ast::Match],
        goal: &Term,
        skolems: &[SymId],
        env: &Rc<Env>,
    ) -> Option<Vec<(Var, Term)>> {
        let mut bound: Vec<Var> = Vec::new();
        collect_bound(goal, &mut bound);
        let scope = TemporalScope {
            mode: TemporalMode::Proof,
            skolems: skolems
                .iter()
                .filter_map(|&s| self.sym(s).map(|d| (d.name, s)))
                .collect(),
        };
        let mut out = Vec::new();
        for m in lets {
            let ast::Match::Var { var, value, span } = m else {
                let span = match m {
                    ast::Match::Defn(d) => d.span,
                    ast::Match::Var { span, .. } => *span,
                };
                self.err(
                    SemaError::Temporal(TemporalError::TacticTakesLets { tactic, span }),
                    env,
                );
                return None;
            };
            let mut cx = Cx::new(env.clone());
            cx.temporal = Some(Rc::new(scope.clone()));
            cx.allow_free = false;
            for v in &bound {
                cx.var_sorts
                    .entry(VarKey::Free(v.name))
                    .or_insert((v.sort, *span));
            }
            let want = match &var.sort {
                Some(s) => Some(self.resolve_sort(s, env)?),
                None => None,
            };
            self.elab_infer(&mut cx, value, want);
            let (t, ts) = self.elab(&mut cx, value, want)?;
            if let Some(w) = want {
                if w != ts {
                    let (expected, found) = (self.sort_name(w), self.sort_name(ts));
                    self.err(
                        SemaError::SortMismatch {
                            expected,
                            found,
                            span: value.span,
                            decl: None,
                        },
                        env,
                    );
                    return None;
                }
            }
            let l2s = t.symbols().iter().any(|s| {
                self.temporal.data.ops.contains_key(s)
                    || self.temporal.data.builtins.contains_key(s)
            });
            if l2s {
                self.err(
                    SemaError::Temporal(TemporalError::TacticLetInvalid {
                        tactic,
                        what: "the term is temporal or mentions the l2s construction".into(),
                        span: value.span,
                    }),
                    env,
                );
                return None;
            }
            if out
                .iter()
                .any(|(x, _): &(Var, Term)| x.name == var.name.name)
            {
                self.err(
                    SemaError::Temporal(TemporalError::TacticLetInvalid {
                        tactic,
                        what: format!("variable `{}` is defined twice", var.name.name),
                        span: var.span,
                    }),
                    env,
                );
                return None;
            }
            out.push((
                Var {
                    name: var.name.name,
                    sort: ts,
                },
                t,
            ));
        }
        Some(out)
    }

    /// `definition d(X:s, ...) [: r] = e` in the `with` list of `l2s` /
    /// `invariance`: a symbol the later items of the list may use, local
    /// to the tactic, whose meaning is `lambda X. e` (a definition in the
    /// safety problem, as ms-ivy adds it; ivyc expands it). `e` is
    /// elaborated like an invariant of the proof (temporal operators,
    /// binders, the l2s state, the Skolem symbols).
    fn tactic_definition(
        &mut self,
        lhs: &ast::TypedDefnLhs,
        rhs: &Expr,
        span: Span,
        scope: &TemporalScope,
        env: &Rc<Env>,
    ) -> Option<(Symbol, SymId, Lambda)> {
        let ast::DefnLhs::Name { name, args, .. } = &lhs.lhs else {
            self.unsupported("an infix definition in a tactic's `with` list", span, env);
            return None;
        };
        let [seg] = name.segments.as_slice() else {
            self.unsupported("a dotted name defined in a tactic's `with` list", span, env);
            return None;
        };
        let mut cx = Cx::new(env.clone());
        cx.temporal = Some(Rc::new(scope.clone()));
        cx.allow_free = true;
        let mut names: Vec<(Symbol, Span)> = Vec::new();
        for a in args.as_deref().unwrap_or(&[]) {
            let (n, sort, aspan) = match a {
                ast::DefArg::Var(b) => (b.name.name, b.sort.as_ref(), b.span),
                ast::DefArg::Param(p) => (p.name.name, Some(&p.sort), p.span),
            };
            if names.iter().any(|(m, _)| *m == n) {
                self.err(
                    SemaError::Temporal(TemporalError::TacticLetInvalid {
                        tactic: Symbol::intern("definition"),
                        what: format!("parameter `{n}` is repeated"),
                        span: aspan,
                    }),
                    env,
                );
                return None;
            }
            if let Some(sp) = sort {
                let sid = self.resolve_sort(sp, env)?;
                cx.var_sorts.insert(VarKey::Free(n), (sid, aspan));
            }
            names.push((n, aspan));
        }
        let want = match &lhs.sort {
            Some(p) => Some(self.resolve_sort(p, env)?),
            None => None,
        };
        self.elab_infer(&mut cx, rhs, want);
        let (body, bs) = self.elab(&mut cx, rhs, want)?;
        if let Some(w) = want {
            if w != bs {
                let (expected, found) = (self.sort_name(w), self.sort_name(bs));
                self.err(
                    SemaError::SortMismatch {
                        expected,
                        found,
                        span: rhs.span,
                        decl: None,
                    },
                    env,
                );
                return None;
            }
        }
        let mut params = Vec::new();
        for (n, aspan) in &names {
            match cx.var_sorts.get(&VarKey::Free(*n)) {
                Some((s, _)) => params.push(Var { name: *n, sort: *s }),
                None => {
                    self.err(
                        SemaError::CannotInferSort {
                            name: *n,
                            span: *aspan,
                        },
                        env,
                    );
                    return None;
                }
            }
        }
        if let Some(v) = body.free_vars().into_iter().find(|v| !params.contains(v)) {
            self.err(
                SemaError::Temporal(TemporalError::TacticLetInvalid {
                    tactic: Symbol::intern("definition"),
                    what: format!("variable `{}` is not a parameter of `{}`", v.name, seg.name),
                    span: rhs.span,
                }),
                env,
            );
            return None;
        }
        let sym = self.add_sym(
            SymbolDecl::new(
                seg.name,
                params.iter().map(|v| v.sort).collect(),
                bs,
                Role::Local,
            )
            .with_span(Some(span)),
        );
        Some((seg.name, sym, Lambda::new(params, body)))
    }

    /// Ivy's `tempcase`: under the goal's universal quantifiers and
    /// implications, `globally p` becomes `forall X. globally (X = t ->
    /// p)` (the value of `t` at each instant is some `X`; after
    /// `skolemize`, `_X` is a fixed value to reason about).
    fn tempcase(
        &mut self,
        tactic: Symbol,
        goal: &Term,
        lets: &[(Var, Term)],
        at: Span,
        env: &Rc<Env>,
    ) -> Option<Term> {
        let span = goal.span;
        match &goal.kind {
            TermKind::Forall(vs, body) => {
                if let Some(v) = vs
                    .iter()
                    .find(|v| lets.iter().any(|(x, _)| x.name == v.name))
                {
                    self.err(
                        SemaError::Temporal(TemporalError::TacticLetInvalid {
                            tactic,
                            what: format!(
                                "variable `{}` would be captured by a quantifier of the goal",
                                v.name
                            ),
                            span: at,
                        }),
                        env,
                    );
                    return None;
                }
                let b = self.tempcase(tactic, body, lets, at, env)?;
                Some(Term::forall(vs.clone(), b).with_span(span))
            }
            TermKind::Implies(a, b) => {
                let b = self.tempcase(tactic, b, lets, at, env)?;
                Some(Term::new(TermKind::Implies(a.clone(), Box::new(b))).with_span(span))
            }
            TermKind::App(s, args) if self.is_op(*s, TemporalKind::Globally) => {
                let (_, body, _) = self.temporal.data.instantiate(*s, args)?;
                let cond = Term::and(lets.iter().map(|(x, t)| Term::eq(Term::var(*x), t.clone())));
                let g = self.globally_of(Term::implies(cond, body), span);
                let vs: Vec<Var> = lets.iter().map(|(x, _)| *x).collect();
                Some(Term::forall(vs, g).with_span(span))
            }
            _ => Some(goal.clone()),
        }
    }

    /// Ivy's `tempind` (temporal induction): under the goal's universal
    /// quantifiers `vs` (those an implication's premise does not mention
    /// move inside it), `globally p(vs)` becomes `forall vs. globally p(vs)
    /// | (p(vs) whennext ~forall vs. p(vs))`: either `p(vs)` always holds,
    /// or it holds at the first instant where some instance fails — so no
    /// instance fails first. With `with X = t`, `p` is `X = t -> p`.
    fn tempind(&mut self, goal: &Term, lets: &[(Var, Term)]) -> Term {
        self.tempind_rec(goal, lets, Vec::new())
    }

    fn tempind_rec(&mut self, t: &Term, lets: &[(Var, Term)], vs: Vec<Var>) -> Term {
        let span = t.span;
        match &t.kind {
            TermKind::Forall(ws, body) => {
                let mut vs = vs;
                vs.extend(ws.iter().copied());
                self.tempind_rec(body, lets, vs)
            }
            TermKind::Implies(a, b) => {
                let prem: BTreeSet<Symbol> = all_var_names(a);
                let (outer, inner): (Vec<Var>, Vec<Var>) =
                    vs.into_iter().partition(|v| prem.contains(&v.name));
                let c = self.tempind_rec(b, lets, inner);
                let res = Term::new(TermKind::Implies(a.clone(), Box::new(c))).with_span(span);
                Term::forall(outer, res).with_span(span)
            }
            TermKind::App(s, args)
                if (!vs.is_empty() || !lets.is_empty())
                    && self.is_op(*s, TemporalKind::Globally) =>
            {
                let Some((_, body, _)) = self.temporal.data.instantiate(*s, args) else {
                    return Term::forall(vs, t.clone()).with_span(span);
                };
                let p = if lets.is_empty() {
                    body.clone()
                } else {
                    let cond =
                        Term::and(lets.iter().map(|(x, e)| Term::eq(Term::var(*x), e.clone())));
                    Term::implies(cond, body.clone())
                };
                let g = self.globally_of(p.clone(), span);
                let when_cond = Term::not(Term::forall(vs.clone(), body));
                let w = self.when_next(p, when_cond, span);
                let mut all = vs;
                all.extend(lets.iter().map(|(x, _)| *x));
                Term::forall(all, Term::or([g, w])).with_span(span)
            }
            _ => Term::forall(vs, t.clone()).with_span(span),
        }
    }

    fn is_op(&self, s: SymId, kind: TemporalKind) -> bool {
        self.temporal
            .data
            .ops
            .get(&s)
            .is_some_and(|o| o.kind == kind)
    }

    /// A new `globally body` placeholder applied to body's free variables.
    fn globally_of(&mut self, body: Term, span: Option<Span>) -> Term {
        let params = body.free_vars();
        let args = params.iter().map(|&v| Term::var(v)).collect();
        let sym = self.placeholder(
            TemporalOp {
                kind: TemporalKind::Globally,
                params,
                body,
                cond: None,
                span,
            },
            SortId::BOOL,
        );
        Term::app(sym, args).with_span(span)
    }

    /// A new `value whennext cond` placeholder (a formula `value`).
    fn when_next(&mut self, value: Term, cond: Term, span: Option<Span>) -> Term {
        let mut params = value.free_vars();
        for x in cond.free_vars() {
            if !params.contains(&x) {
                params.push(x);
            }
        }
        let args = params.iter().map(|&v| Term::var(v)).collect();
        let sym = self.placeholder(
            TemporalOp {
                kind: TemporalKind::When(WhenKind::Next),
                params,
                body: value,
                cond: Some(cond),
                span,
            },
            SortId::BOOL,
        );
        Term::app(sym, args).with_span(span)
    }

    /// Ivy's `skolemize` of the goal, declaring the Skolem symbols.
    fn skolemize_goal(&mut self, goal: &Term, prenex: bool, span: Span) -> (Term, Vec<SymId>) {
        let mut fresh = |name: &str, args: Vec<SortId>, ret: SortId| {
            let mut n = Symbol::intern(name);
            let mut k = 0usize;
            while self.used_names.contains(&n) || self.names.contains_key(&n) {
                n = Symbol::intern(&format!("{name}{k}"));
                k += 1;
            }
            self.add_sym(SymbolDecl::new(n, args, ret, Role::Local).with_span(Some(span)))
        };
        skolemize(goal, prenex, &mut fresh)
    }

    /// A placeholder symbol standing for a temporal operator.
    pub(crate) fn placeholder(&mut self, op: TemporalOp, ret: SortId) -> SymId {
        let base = match op.kind {
            TemporalKind::Globally => "$globally".to_string(),
            TemporalKind::Eventually => "$eventually".to_string(),
            TemporalKind::Binder(b) => format!("${}", b.as_str()),
            TemporalKind::When(w) => format!("${}", w.as_str()),
        };
        let name = self.fresh_name(&base);
        let args = op.params.iter().map(|v| v.sort).collect();
        let sym = self.add_sym(SymbolDecl::new(name, args, ret, Role::Local).with_span(op.span));
        self.temporal.data.ops.insert(sym, op);
        sym
    }

    /// The refusal of a temporal construct outside a temporal formula.
    fn not_temporal(&mut self, cx: &Cx, what: &'static str, span: Span, binder: bool) {
        let in_formula = cx.temporal.is_some();
        self.err(
            SemaError::Temporal(TemporalError::NotTemporalPosition {
                what,
                span,
                binder,
                in_formula,
            }),
            &cx.env.clone(),
        );
    }

    /// `globally e` / `eventually e`.
    pub(crate) fn elab_temporal_unary(
        &mut self,
        cx: &mut Cx,
        op: ast::UnOp,
        expr: &Expr,
        span: Span,
    ) -> Elab {
        let (kind, what) = match op {
            ast::UnOp::Globally => (TemporalKind::Globally, "globally"),
            _ => (TemporalKind::Eventually, "eventually"),
        };
        if cx.temporal.is_none() {
            self.not_temporal(cx, what, span, false);
            return None;
        }
        let body = self.elab_bool_operand(cx, expr)?;
        if self.silent > 0 {
            return Some((sp(Term::tru(), span), SortId::BOOL));
        }
        let params = body.free_vars();
        let args = params.iter().map(|&v| Term::var(v)).collect();
        let sym = self.placeholder(
            TemporalOp {
                kind,
                params,
                body,
                cond: None,
                span: Some(span),
            },
            SortId::BOOL,
        );
        Some((sp(Term::app(sym, args), span), SortId::BOOL))
    }

    /// `value whenX cond` (Ivy 1.8).
    pub(crate) fn elab_when(
        &mut self,
        cx: &mut Cx,
        op: ast::WhenKind,
        value: &Expr,
        cond: &Expr,
        span: Span,
        expected: Option<SortId>,
    ) -> Elab {
        let kind = match op {
            ast::WhenKind::First => WhenKind::First,
            ast::WhenKind::Next => WhenKind::Next,
            ast::WhenKind::Prev => WhenKind::Prev,
            ast::WhenKind::Last => WhenKind::Last,
        };
        if cx.temporal.is_none() {
            self.not_temporal(cx, kind.as_str(), span, false);
            return None;
        }
        let (v, vs) = self.elab(cx, value, expected)?;
        let c = self.elab_bool_operand(cx, cond)?;
        if self.silent > 0 {
            return Some((v, vs));
        }
        let mut params = v.free_vars();
        for x in c.free_vars() {
            if !params.contains(&x) {
                params.push(x);
            }
        }
        let args = params.iter().map(|&x| Term::var(x)).collect();
        let sym = self.placeholder(
            TemporalOp {
                kind: TemporalKind::When(kind),
                params,
                body: v,
                cond: Some(c),
                span: Some(span),
            },
            vs,
        );
        Some((sp(Term::app(sym, args), span), vs))
    }

    fn elab_bool_operand(&mut self, cx: &mut Cx, e: &Expr) -> Option<Term> {
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

    /// `$name X. body`, `$name $ body`, `($name X. body)(args)`.
    pub(crate) fn elab_named_binder(
        &mut self,
        cx: &mut Cx,
        e: &Expr,
        expected: Option<SortId>,
    ) -> Elab {
        let ExprKind::NamedBinder {
            name,
            binders,
            body,
            applied,
        } = &e.kind
        else {
            return None;
        };
        let span = e.span;
        let env = cx.env.clone();
        if !matches!(cx.temporal.as_deref(), Some(s) if s.mode == TemporalMode::Proof) {
            self.not_temporal(cx, "named binders", span, true);
            return None;
        }
        let Some(bname) = BinderName::from_name(name.as_str()) else {
            self.err(
                SemaError::Temporal(TemporalError::UnknownBinder {
                    name: name.name,
                    span: name.span,
                }),
                &env,
            );
            return None;
        };
        if bname.is_observation() && !binders.is_empty() {
            self.err(
                SemaError::Temporal(TemporalError::BinderTakesNoVariables {
                    name: name.name,
                    span: name.span,
                }),
                &env,
            );
            return None;
        }
        // The binder's variables, as a quantifier's.
        let n = cx.scope.len();
        let mut keys = Vec::new();
        for b in binders {
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
        let want = match bname {
            BinderName::Saved | BinderName::Init => None,
            _ => Some(SortId::BOOL),
        };
        let body_t = self.elab(cx, body, want);
        cx.scope.truncate(n);
        let mut vars = Vec::new();
        for (vname, key, bspan) in keys {
            match cx.var_sorts.get(&key) {
                Some((s, _)) => vars.push(Var {
                    name: vname,
                    sort: *s,
                }),
                None if cx.bad_vars.contains(&key) => return None,
                None => {
                    self.err(
                        SemaError::CannotInferSort {
                            name: vname,
                            span: bspan,
                        },
                        &env,
                    );
                    return None;
                }
            }
        }
        let (b, bs) = body_t?;
        if want == Some(SortId::BOOL) && bs != SortId::BOOL {
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
        // The applied arguments (sorts of the binder's variables).
        let mut args = Vec::new();
        match applied {
            Some(actuals) => {
                if actuals.len() != vars.len() {
                    self.err(
                        SemaError::ArityMismatch {
                            name: name.name,
                            expected: vars.len(),
                            found: actuals.len(),
                            span,
                            decl: None,
                        },
                        &env,
                    );
                    return None;
                }
                for (a, v) in actuals.iter().zip(&vars) {
                    let (t, ts) = self.elab(cx, a, Some(v.sort))?;
                    if ts != v.sort {
                        let (expected, found) = (self.sort_name(v.sort), self.sort_name(ts));
                        self.err(
                            SemaError::SortMismatch {
                                expected,
                                found,
                                span: a.span,
                                decl: None,
                            },
                            &env,
                        );
                        return None;
                    }
                    args.push(t);
                }
            }
            None if !vars.is_empty() => {
                // `$l2s_w X. p(X)` unapplied denotes a relation, which Ivy
                // only uses applied.
                self.err(
                    SemaError::Temporal(TemporalError::BinderNotApplied {
                        name: name.name,
                        span,
                    }),
                    &env,
                );
                return None;
            }
            None => {}
        }
        let _ = expected;
        if self.silent > 0 {
            // Only sorts matter in the inference passes.
            let t = if bs == SortId::BOOL {
                Term::tru()
            } else {
                b.clone()
            };
            return Some((sp(t, span), bs));
        }
        let mut params = vars.clone();
        let free: Vec<Var> = b
            .free_vars()
            .into_iter()
            .filter(|v| !vars.contains(v))
            .collect();
        if bname.is_observation() {
            // `$was. p(X)`: over the free variables of the body.
            params = free.clone();
            args = free.iter().map(|&v| Term::var(v)).collect();
        } else if let Some(v) = free.first() {
            self.err(
                SemaError::Temporal(TemporalError::BinderFreeVariable {
                    name: name.name,
                    var: v.name,
                    span: body.span,
                }),
                &env,
            );
            return None;
        }
        let sym = self.placeholder(
            TemporalOp {
                kind: TemporalKind::Binder(bname),
                params,
                body: b,
                cond: None,
                span: Some(span),
            },
            bs,
        );
        Some((sp(Term::app(sym, args), span), bs))
    }

    /// The l2s state (`l2s_waiting`, `l2s_frozen`, `l2s_saved`,
    /// `l2s_d(X)`, `l2s_a(X)`) and the Skolem symbols of the goal, in the
    /// invariants of a temporal proof. `None` when `func` is none of them.
    pub(crate) fn elab_l2s_name(
        &mut self,
        cx: &mut Cx,
        func: &ast::Path,
        args: Option<&[Expr]>,
        span: Span,
    ) -> Option<Elab> {
        let [seg] = func.segments.as_slice() else {
            return None;
        };
        let scope = cx.temporal.clone()?;
        if scope.mode != TemporalMode::Proof {
            return None;
        }
        if let Some(&(_, sk)) = scope.skolems.iter().find(|(n, _)| *n == seg.name) {
            return Some(self.apply_sym(cx, sk, func.span, args, span));
        }
        let scalar = match seg.as_str() {
            "l2s_waiting" => Some(L2sBuiltin::Waiting),
            "l2s_frozen" => Some(L2sBuiltin::Frozen),
            "l2s_saved" => Some(L2sBuiltin::Saved),
            _ => None,
        };
        if let Some(b) = scalar {
            let sym = self.builtin(b, vec![]);
            return Some(self.apply_sym(cx, sym, func.span, args, span));
        }
        let set = match seg.as_str() {
            "l2s_d" => L2sBuiltin::D as fn(SortId) -> L2sBuiltin,
            "l2s_a" => L2sBuiltin::A as fn(SortId) -> L2sBuiltin,
            _ => return None,
        };
        let env = cx.env.clone();
        let [arg] = args.unwrap_or(&[]) else {
            self.err(
                SemaError::ArityMismatch {
                    name: seg.name,
                    expected: 1,
                    found: args.map(|a| a.len()).unwrap_or(0),
                    span,
                    decl: None,
                },
                &env,
            );
            return Some(None);
        };
        let Some((t, s)) = self.elab(cx, arg, None) else {
            return Some(None);
        };
        let sym = self.builtin(set(s), vec![s]);
        Some(Some((sp(Term::app(sym, vec![t]), span), SortId::BOOL)))
    }

    pub(crate) fn builtin(&mut self, b: L2sBuiltin, args: Vec<SortId>) -> SymId {
        if let Some(&s) = self.temporal.builtins.get(&b) {
            return s;
        }
        let sym = self.add_sym(SymbolDecl::new(
            Symbol::intern(b.name()),
            args,
            SortId::BOOL,
            Role::Local,
        ));
        self.temporal.builtins.insert(b, sym);
        self.temporal.data.builtins.insert(sym, b);
        sym
    }
}

/// The atoms `$was . p` saves: those of `p` under `~ & | -> <->`.
fn was_atoms(t: &Term, out: &mut Vec<Term>) {
    match &t.kind {
        TermKind::Not(a) => was_atoms(a, out),
        TermKind::And(xs) | TermKind::Or(xs) => xs.iter().for_each(|x| was_atoms(x, out)),
        TermKind::Implies(a, b) | TermKind::Iff(a, b) => {
            was_atoms(a, out);
            was_atoms(b, out);
        }
        _ => out.push(t.clone()),
    }
}

/// The variables bound by the quantifiers of `t`, first binding of each
/// name.
fn collect_bound(t: &Term, out: &mut Vec<Var>) {
    if let TermKind::Forall(vs, _) | TermKind::Exists(vs, _) = &t.kind {
        for v in vs {
            if !out.iter().any(|w| w.name == v.name) {
                out.push(*v);
            }
        }
    }
    for c in t.children() {
        collect_bound(c, out);
    }
}

/// The names of the variables occurring in `t`, free or bound (Ivy's
/// `variables_ast`).
fn all_var_names(t: &Term) -> BTreeSet<Symbol> {
    let mut out = BTreeSet::new();
    let mut bound = Vec::new();
    collect_bound(t, &mut bound);
    out.extend(bound.iter().map(|v| v.name));
    out.extend(t.free_vars().iter().map(|v| v.name));
    out
}

/// The steps of a proof in order (groups flattened).
fn flatten_steps<'p>(step: &'p ProofStep, out: &mut Vec<&'p ProofStep>) {
    match &step.kind {
        ProofStepKind::Group(steps) => {
            for s in steps {
                flatten_steps(s, out);
            }
        }
        _ => out.push(step),
    }
}

/// The isolate (untrusted, by name) whose members contain the temporal
/// property's object or label; `None` if no isolate does.
fn home(
    program: &Program,
    p: &TemporalProperty,
    within: impl Fn(Symbol, &[Symbol]) -> bool,
) -> Option<Symbol> {
    program
        .isolates
        .iter()
        .filter(|iso| !iso.trusted)
        .find(|iso| {
            p.object.is_some_and(|o| within(o, &iso.members))
                || p.property.label.is_some_and(|l| within(l, &iso.members))
        })
        .map(|iso| iso.name)
}

/// Whether some temporal property lies outside every isolate (it is then
/// checked in the unit `this`).
pub(crate) fn outside_isolates(program: &Program, inside: impl Fn(Symbol) -> bool) -> bool {
    program
        .temporal
        .properties
        .iter()
        .any(|p| !p.object.is_some_and(&inside) && !p.property.label.is_some_and(&inside))
}

/// Keeps in each unit the temporal properties it checks: those of its
/// isolate's members, and in `this` the others (lowering copied them all).
pub(crate) fn assign_units(
    program: &Program,
    units: &mut [Unit],
    within: impl Fn(Symbol, &[Symbol]) -> bool + Copy,
) {
    let this = Symbol::intern("this");
    for u in units.iter_mut() {
        let name = u.name;
        u.system.temporal.properties.retain(|p| {
            let h = home(program, p, within);
            match name {
                Some(n) if n == this => h.is_none(),
                Some(n) => h == Some(n),
                None => true,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{check, MemoryLoader};
    use ivyc_base::{IntoDiagnostic, SourceMap};
    use ivyc_logic::{BinderName, L2sBuiltin, Tactic, TemporalKind};

    const SERVER: &str = "#lang ivy1.7
type client
relation waiting(C:client)
relation granted(C:client)
after init { waiting(C) := false; granted(C) := false }
action serve(c:client) = { waiting(c) := false; granted(c) := true }
export serve
";

    fn run(src: &str) -> (Option<crate::Program>, Vec<&'static str>) {
        let mut sources = SourceMap::new();
        let id = sources.add("main.ivy", src.to_string());
        let (p, errs) = check(id, &mut sources, &mut MemoryLoader::new());
        (p, errs.iter().map(|e| e.code()).collect())
    }

    #[test]
    fn property_with_l2s_proof() {
        let src = format!(
            "{SERVER}temporal property [p] forall C:client. globally (waiting(C) -> eventually granted(C))
proof {{
    tactic skolemize;
    tactic l2s with
        invariant [a] l2s_waiting -> globally ~granted(_C)
        invariant [b] l2s_saved -> ($l2s_w . granted(_C)) & ($was. waiting(_C))
        invariant [c] forall X:client. l2s_frozen -> l2s_a(X)
}}
"
        );
        let (p, codes) = run(&src);
        assert!(codes.is_empty(), "{codes:?}");
        let p = p.unwrap();
        let t = &p.temporal;
        assert_eq!(t.properties.len(), 1);
        let prop = &t.properties[0];
        assert_eq!(prop.skolems.len(), 1);
        assert_eq!(p.sig.symbol_name(prop.skolems[0]), "_C");
        let Some(Tactic::L2s { invariants, .. }) = prop.reduction() else {
            panic!("no l2s tactic")
        };
        assert_eq!(invariants.len(), 3);
        let kinds: Vec<TemporalKind> = t.ops.values().map(|o| o.kind).collect();
        assert!(kinds.contains(&TemporalKind::Globally));
        assert!(kinds.contains(&TemporalKind::Eventually));
        assert!(kinds.contains(&TemporalKind::Binder(BinderName::Wait)));
        assert!(kinds.contains(&TemporalKind::Binder(BinderName::Was)));
        let builtins: Vec<L2sBuiltin> = t.builtins.values().copied().collect();
        assert!(builtins.contains(&L2sBuiltin::Waiting));
        assert!(builtins.contains(&L2sBuiltin::Saved));
        assert!(builtins.iter().any(|b| matches!(b, L2sBuiltin::A(_))));
        // The goal mentions the Skolem constant, not a variable.
        assert!(prop.goal.free_vars().is_empty());
        assert!(prop.goal.symbols().contains(&prop.skolems[0]));
    }

    #[test]
    fn proof_of_the_fair_cycle_assertion() {
        let src = format!(
            "{SERVER}axiom [all] {{ individual c:client property ~waiting(c) | waiting(c) }}
temporal property [p] forall C:client. globally (waiting(C) -> eventually granted(C))
proof {{
    tactic skolemize;
    tactic l2s with
        invariant [b] l2s_saved -> ($l2s_w . granted(_C)) & ($was. waiting(_C))
    proof {{
        instantiate all with c = _C
    }}
}}
"
        );
        let (p, codes) = run(&src);
        assert!(codes.is_empty(), "{codes:?}");
        let p = p.unwrap();
        let Some(Tactic::L2s {
            fair_cycle: Some(fc),
            ..
        }) = p.temporal.properties[0].reduction()
        else {
            panic!("no proof of the fair-cycle assertion")
        };
        assert_eq!(fc.subgoals.len(), 1);
        // The goal waits for the `$l2s_w` binder and compares the atom
        // `$was` saved.
        let kinds: Vec<TemporalKind> = fc
            .goal
            .symbols()
            .iter()
            .filter_map(|s| p.temporal.ops.get(s).map(|o| o.kind))
            .collect();
        assert!(kinds.contains(&TemporalKind::Binder(BinderName::Wait)));
        assert!(kinds.contains(&TemporalKind::Binder(BinderName::Saved)));
        // A proof on another tactic is refused.
        let (_, codes) = run(&format!(
            "{SERVER}temporal property forall C:client. globally granted(C)\nproof {{ tactic skolemize proof {{ showgoals }}; tactic l2s with invariant true }}\n"
        ));
        assert_eq!(codes, vec!["unsupported"]);
    }

    #[test]
    fn temporal_operator_in_invariant_is_refused() {
        let src = format!("{SERVER}invariant globally ~granted(C)\n");
        let (_, codes) = run(&src);
        assert_eq!(codes, vec!["temporal-position"]);
    }

    #[test]
    fn named_binder_in_property_is_refused() {
        let src = format!(
            "{SERVER}temporal property ($was. granted(X))\nproof {{ tactic l2s with invariant true }}\n"
        );
        let (_, codes) = run(&src);
        assert_eq!(codes, vec!["temporal-position"]);
    }

    #[test]
    fn missing_proof_and_unsupported_tactics() {
        let (_, codes) = run(&format!(
            "{SERVER}temporal property eventually granted(X)\n"
        ));
        assert_eq!(codes, vec!["temporal-no-proof"]);
        let (_, codes) = run(&format!(
            "{SERVER}temporal property eventually granted(X)\nproof {{ tactic ranking with invariant true }}\n"
        ));
        assert_eq!(codes, vec!["unsupported"]);
        let (_, codes) = run(&format!(
            "{SERVER}temporal property eventually granted(X)\nproof {{ tactic skolemize }}\n"
        ));
        assert_eq!(codes, vec!["temporal-not-reduced"]);
    }

    #[test]
    fn tempcase_rewrites_the_goal() {
        let src = format!(
            "{SERVER}function f(C:client) : client\ntemporal property [p] forall C:client. globally (waiting(C) -> granted(f(C)))
proof {{ tactic tempcase with D = f(C); tactic skolemize; tactic l2s with invariant true }}
"
        );
        let (p, codes) = run(&src);
        assert!(codes.is_empty(), "{codes:?}");
        let p = p.unwrap();
        let prop = &p.temporal.properties[0];
        // `_C` and `_D`.
        assert_eq!(prop.skolems.len(), 2);
        assert!(matches!(prop.tactics[0], Tactic::Rewrite { .. }));
        assert!(matches!(prop.reduction(), Some(Tactic::L2s { .. })));
    }

    #[test]
    fn tempcase_and_tempind_arguments() {
        let (_, codes) = run(&format!(
            "{SERVER}temporal property forall C:client. globally granted(C)\nproof {{ tactic tempcase with invariant true; tactic l2s with invariant true }}\n"
        ));
        assert_eq!(codes, vec!["tactic-arguments"]);
        // `C` would be captured by the goal's `forall C`.
        let (_, codes) = run(&format!(
            "{SERVER}individual c0 : client\ntemporal property forall C:client. globally granted(C)\nproof {{ tactic tempcase with C = c0; tactic l2s with invariant true }}\n"
        ));
        assert_eq!(codes, vec!["tactic-arguments"]);
        // An unbound variable in the term.
        let (_, codes) = run(&format!(
            "{SERVER}temporal property forall C:client. globally granted(C)\nproof {{ tactic tempind with D = Y; tactic l2s with invariant true }}\n"
        ));
        assert!(!codes.is_empty());
        let (p, codes) = run(&format!(
            "{SERVER}temporal property forall C:client. globally granted(C)\nproof {{ tactic tempind; tactic skolemize; tactic l2s with invariant true }}\n"
        ));
        assert!(codes.is_empty(), "{codes:?}");
        let t = &p.unwrap().temporal;
        assert!(t
            .ops
            .values()
            .any(|o| o.kind == TemporalKind::When(ivyc_logic::WhenKind::Next)));
    }

    #[test]
    fn tactic_definitions_are_expanded() {
        let (p, codes) = run(&format!(
            "{SERVER}temporal property [p] forall C:client. globally granted(C)\nproof {{ tactic skolemize; tactic l2s with definition ok(C:client) = granted(C) | waiting(C) invariant [a] ok(_C) }}\n"
        ));
        assert!(codes.is_empty(), "{codes:?}");
        let p = p.unwrap();
        let Some(Tactic::L2s { invariants, .. }) = p.temporal.properties[0].reduction() else {
            panic!("no l2s tactic")
        };
        let names: Vec<&str> = invariants[0]
            .formula
            .symbols()
            .iter()
            .map(|s| p.sig.symbol_name(*s))
            .collect();
        assert!(
            names.contains(&"granted") && !names.contains(&"ok"),
            "{names:?}"
        );
        // A variable that is not a parameter.
        let (_, codes) = run(&format!(
            "{SERVER}temporal property [p] forall C:client. globally granted(C)\nproof {{ tactic l2s with definition ok = granted(D) invariant [a] ok }}\n"
        ));
        assert_eq!(codes.first(), Some(&"tactic-arguments"), "{codes:?}");
    }

    #[test]
    fn named_temporal_property_declares_a_state_symbol() {
        let (p, codes) = run(&format!(
            "{SERVER}temporal property [p] exists C:client. globally ~granted(C) named w\nproof {{ tactic skolemize; tactic l2s with invariant true }}\n"
        ));
        assert!(codes.is_empty(), "{codes:?}");
        let p = p.unwrap();
        let [(w, deps)] = p.temporal.named.as_slice() else {
            panic!("{:?}", p.temporal.named)
        };
        assert_eq!(p.sig.symbol_name(*w), "w");
        assert_eq!(p.sig.symbol(*w).role, ivyc_logic::Role::State);
        assert!(deps.iter().any(|s| p.sig.symbol_name(*s) == "granted"));
        // Not existential.
        let (_, codes) = run(&format!(
            "{SERVER}temporal property [p] forall C:client. globally ~granted(C) named w\nproof {{ tactic skolemize; tactic l2s with invariant true }}\n"
        ));
        assert_eq!(codes.len(), 1, "{codes:?}");
    }

    #[test]
    fn binder_with_free_variable_is_refused() {
        let src = format!(
            "{SERVER}temporal property globally granted(X)\nproof {{ tactic l2s with invariant ($l2s_w . granted(Y)) }}\n"
        );
        let (_, codes) = run(&src);
        assert_eq!(codes, vec!["binder-free-variable"]);
        let _ = crate::SemaError::Temporal(crate::error::TemporalError::UnsupportedStep {
            span: ivyc_base::Span::new(ivyc_base::FileId(0), 0, 0),
        })
        .into_diagnostic();
    }
}
