//! The invariants of `tactic l2s_auto` (and `l2s_auto2` ... `l2s_auto5`):
//! ms-ivy 1.8's l2s tactic that writes the liveness-to-safety invariants
//! itself from definitions the user gives in the tactic's `with` list:
//! `work_created(X)` (the work items that exist), `work_needed(X)` (those
//! that must be done for the goal), `work_done(X)`, `work_progress(P)`
//! (a fair event: between two such events some needed item gets done),
//! optionally `work_start` (when the work begins; by default the negation
//! of the goal's `globally` body), `work_end(X)`, `work_invar` and (for
//! `l2s_auto5`) `work_helpful(P)`. A suffix after the name (`work_done2`)
//! makes a second task. The invariants are those of ms-ivy's
//! `ivy_l2s.py` ("Add invariants for l2s_auto tactic"), built here as
//! formulas of sema (placeholders for the temporal operators and binders,
//! `docs/liveness.md`), then checked like the user's: the tactic only
//! proposes invariants, so a wrong definition costs a failed check, never
//! soundness.

use crate::check::{Checker, Env};
use crate::error::{SemaError, TemporalError};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{
    BinderName, L2sBuiltin, Lambda, Property, Role, SortId, SortKind, SymId, TemporalKind,
    TemporalOp, Term, TermKind, Var, WhenKind,
};
use std::collections::{BTreeMap, HashSet};

/// The numbered variants of `l2s_auto` (`l2s_auto` is 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AutoVariant(pub u8);

impl AutoVariant {
    pub(crate) fn of(tactic: &str) -> Option<AutoVariant> {
        Some(AutoVariant(match tactic {
            "l2s_auto" => 1,
            "l2s_auto2" => 2,
            "l2s_auto3" => 3,
            "l2s_auto4" => 4,
            "l2s_auto5" => 5,
            _ => return None,
        }))
    }
}

/// The definitions of one task (one suffix).
#[derive(Default)]
struct Task {
    created: Option<Lambda>,
    needed: Option<Lambda>,
    done: Option<Lambda>,
    progress: Option<Lambda>,
    end: Option<Lambda>,
    invar: Option<Lambda>,
    helpful: Option<Lambda>,
}

const KINDS: &[&str] = &[
    "work_created",
    "work_needed",
    "work_done",
    "work_progress",
    "work_end",
    "work_invar",
    "work_helpful",
    "work_start",
];

struct Gen<'c, 'a> {
    ck: &'c mut Checker<'a>,
    span: Span,
    waiting: Term,
    saved: Term,
    /// `globally`/`eventually` formulas `init_globally` met (their
    /// `$l2s_init` invariant is written there).
    known_inits: HashSet<Term>,
}

impl Checker<'_> {
    /// The invariants `tactic l2s_auto*` adds to the user's for the goal
    /// `goal` (after the earlier tactics), from the tactic's definitions
    /// `defs` (in the order written). `None` after an error.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn l2s_auto_invariants(
        &mut self,
        variant: AutoVariant,
        tactic: Symbol,
        defs: &[(Symbol, Lambda)],
        goal: &Term,
        skolems: &[SymId],
        span: Span,
        env: &Env,
    ) -> Option<Vec<Property>> {
        let v = variant.0;
        let bad = |what: String| {
            SemaError::Temporal(TemporalError::TacticLetInvalid { tactic, what, span })
        };
        if self
            .temporal
            .data
            .ops
            .values()
            .any(|o| o.kind == TemporalKind::When(WhenKind::First))
        {
            self.unsupported_because(
                "tactic `l2s_auto` with `whenfirst` (liveness)",
                "ms-ivy adds invariants for `whenfirst` operators that ivyc does not write; use `tactic l2s` with the invariants",
                span,
                env,
            );
            return None;
        }
        // The tasks, by suffix, and the start conditions.
        let mut tasks: BTreeMap<String, Task> = BTreeMap::new();
        let mut triggers: Vec<(String, Lambda)> = Vec::new();
        for (name, lam) in defs {
            let n = name.as_str();
            for &k in KINDS {
                let Some(sfx) = n.strip_prefix(k) else {
                    continue;
                };
                if k == "work_helpful" && v != 5 {
                    continue;
                }
                let sfx = sfx.to_string();
                if k == "work_start" {
                    if !lam.params.is_empty() {
                        self.unsupported_because(
                            "a `work_start` definition with parameters (liveness)",
                            "ms-ivy waits for its body with a binder that has no variables; give `work_start` without parameters",
                            span,
                            env,
                        );
                        return None;
                    }
                    triggers.retain(|(s, _)| *s != sfx);
                    triggers.push((sfx, lam.clone()));
                    continue;
                }
                let t = tasks.entry(sfx).or_default();
                let slot = match k {
                    "work_created" => &mut t.created,
                    "work_needed" => &mut t.needed,
                    "work_done" => &mut t.done,
                    "work_progress" => &mut t.progress,
                    "work_end" => &mut t.end,
                    "work_invar" => &mut t.invar,
                    _ => &mut t.helpful,
                };
                *slot = Some(lam.clone());
            }
        }
        // The goal with its premises, as ms-ivy's `fmla`.
        let prems: Vec<Term> = self
            .temporal
            .data
            .axioms
            .iter()
            .filter(|a| !a.explicit)
            .map(|a| a.formula.clone())
            .chain(
                self.temporal
                    .data
                    .properties
                    .iter()
                    .map(|p| p.property.formula.clone()),
            )
            .collect();
        let fmla = if prems.is_empty() {
            goal.clone()
        } else {
            Term::new(TermKind::Implies(
                Box::new(Term::and(prems)),
                Box::new(goal.clone()),
            ))
        };
        let waiting = self.l2s_flag(L2sBuiltin::Waiting);
        let saved = self.l2s_flag(L2sBuiltin::Saved);
        let mut g = Gen {
            ck: self,
            span,
            waiting,
            saved,
            known_inits: HashSet::new(),
        };
        // The first task's start, when not given: the negated body of the
        // goal's `globally` (under its implications).
        if let Some(first) = tasks.keys().next().cloned() {
            if !triggers.iter().any(|(s, _)| *s == first) {
                let mut gf = &fmla;
                while let TermKind::Implies(_, b) = &gf.kind {
                    gf = b;
                }
                if let Some((TemporalKind::Globally, body)) = g.op(gf) {
                    triggers.push((first, Lambda::new(vec![], Term::not(body))));
                }
            }
        }
        if v == 5 {
            for t in tasks.values_mut() {
                if t.needed.is_some() && t.done.is_none() {
                    let params = t
                        .needed
                        .as_ref()
                        .map(|l| l.params.clone())
                        .unwrap_or_default();
                    t.done = Some(Lambda::new(params, Term::fls()));
                }
            }
        }
        for (sfx, t) in &tasks {
            let missing = [
                ("work_created", t.created.is_none()),
                ("work_needed", t.needed.is_none()),
                ("work_done", t.done.is_none()),
                ("work_progress", t.progress.is_none()),
                ("work_helpful", v == 5 && t.helpful.is_none()),
            ];
            if let Some((k, _)) = missing.iter().find(|(_, m)| *m) {
                g.ck.err(bad(format!("requires a definition of `{k}{sfx}`")), env);
                return None;
            }
        }

        let mut invs: Vec<(String, Term)> = Vec::new();
        let sorted: Vec<String> = tasks.keys().cloned().collect();
        let trigger = |s: &str| {
            triggers
                .iter()
                .find(|(t, _)| t == s)
                .map(|(_, l)| l.clone())
        };
        let mut not_all_done_preds: Vec<Term> = Vec::new();
        let mut not_all_was_done_preds: Vec<Term> = Vec::new();
        let mut sched_exists_preds: Vec<Term> = Vec::new();
        let mut es_last = Term::tru();
        for (idx, sfx) in sorted.iter().enumerate() {
            let Some(t) = tasks.get(sfx) else { continue };
            let (Some(created), Some(needed), Some(done), Some(progress)) =
                (&t.created, &t.needed, &t.done, &t.progress)
            else {
                continue;
            };
            let sorts = |l: &Lambda| l.params.iter().map(|p| p.sort).collect::<Vec<_>>();
            if sorts(created) != sorts(needed) || sorts(created) != sorts(done) {
                g.ck.err(
                    bad(format!(
                        "`work_created{sfx}`, `work_needed{sfx}` and `work_done{sfx}` must have the same parameter sorts"
                    )),
                    env,
                );
                return None;
            }
            if let Some(h) = &t.helpful {
                if sorts(h) != sorts(progress) {
                    g.ck.err(
                        bad(format!(
                            "`work_helpful{sfx}` and `work_progress{sfx}` must have the same parameter sorts"
                        )),
                        env,
                    );
                    return None;
                }
            }
            if let Some(e) = &t.end {
                if sorts(e) != sorts(done) {
                    g.ck.err(
                        bad(format!(
                            "`work_end{sfx}` and `work_done{sfx}` must have the same parameter sorts"
                        )),
                        env,
                    );
                    return None;
                }
            }
            if t.invar.as_ref().is_some_and(|l| !l.params.is_empty()) {
                g.ck.err(
                    bad(format!("`work_invar{sfx}` may not have parameters")),
                    env,
                );
                return None;
            }
            let dv = done.params.clone();
            let pa = progress.params.clone();
            if v != 5 && (pa.len() > dv.len() || pa[..] != dv[..pa.len()]) {
                g.ck.err(
                    bad(format!(
                        "the parameters of `work_progress{sfx}` must be the first parameters of `work_done{sfx}` (same names and sorts)"
                    )),
                    env,
                );
                return None;
            }
            let at = |l: &Lambda| l.apply(&dv.iter().map(|&x| Term::var(x)).collect::<Vec<_>>());
            let created_d = at(created);
            let needed_d = at(needed);
            let done_d = done.body.clone();
            let is_done_needed = Term::implies(needed_d.clone(), done_d.clone());
            let start = trigger(sfx);
            let es = match &start {
                Some(s) => g.eventually_start(s),
                None => Term::tru(),
            };
            es_last = es.clone();
            let nws = match &start {
                Some(s) => {
                    let w = g.binder(BinderName::Wait, vec![], s.body.clone());
                    Term::and([
                        es.clone(),
                        Term::or([Term::not(g.waiting.clone()), Term::not(w)]),
                    ])
                }
                None => Term::tru(),
            };
            let all_d = |g: &mut Gen, body: Term| {
                let cons = g.domain(L2sBuiltin::D, &dv);
                Term::implies(body, cons)
            };
            let was_done_of = |g: &mut Gen| {
                if v < 3 {
                    let s = g.binder(BinderName::Saved, dv.clone(), done_d.clone());
                    Term::implies(needed_d.clone(), s)
                } else {
                    g.binder(BinderName::Saved, dv.clone(), is_done_needed.clone())
                }
            };
            // l2s_needed_when_start
            let body = if v != 5 {
                Term::implies(needed_d.clone(), created_d.clone())
            } else {
                all_d(&mut g, needed_d.clone())
            };
            invs.push((
                format!("l2s_needed_when_start{sfx}"),
                Term::implies(nws.clone(), body),
            ));
            // l2s_created
            let c = all_d(&mut g, created_d.clone());
            invs.push((format!("l2s_created{sfx}"), c));
            // l2s_needed_are_frozen (and were_frozen)
            let not_waiting = Term::not(g.waiting.clone());
            if v < 4 {
                let cons = g.domain(L2sBuiltin::A, &dv);
                invs.push((
                    format!("l2s_needed_are_frozen{sfx}"),
                    Term::implies(
                        Term::and([es.clone(), not_waiting.clone()]),
                        Term::implies(needed_d.clone(), cons),
                    ),
                ));
            } else {
                let cons = g.domain(L2sBuiltin::A, &dv);
                invs.push((
                    format!("l2s_needed_are_frozen{sfx}"),
                    Term::implies(
                        Term::and([es.clone(), not_waiting.clone()]),
                        Term::implies(Term::not(is_done_needed.clone()), cons.clone()),
                    ),
                ));
                let wd = was_done_of(&mut g);
                invs.push((
                    format!("l2s_needed_were_frozen{sfx}"),
                    Term::implies(
                        Term::and([es.clone(), g.saved.clone()]),
                        Term::implies(Term::not(wd), cons),
                    ),
                ));
            }
            // l2s_done_implies_created
            if v < 3 {
                invs.push((
                    format!("l2s_done_implies_created{sfx}"),
                    Term::implies(done_d.clone(), created_d.clone()),
                ));
            }
            // l2s_needed_implies_created
            if v != 5 {
                invs.push((
                    format!("l2s_needed_implies_created{sfx}"),
                    Term::implies(
                        nws.clone(),
                        Term::implies(needed_d.clone(), created_d.clone()),
                    ),
                ));
            }
            // l2s_work_preserved
            let (was_done, is_done) = if v < 4 {
                (
                    g.binder(BinderName::Saved, dv.clone(), done_d.clone()),
                    done_d.clone(),
                )
            } else {
                (was_done_of(&mut g), is_done_needed.clone())
            };
            let mut wp = Term::implies(
                Term::and([g.saved.clone(), was_done.clone()]),
                is_done.clone(),
            );
            if v == 5 {
                wp = Term::implies(es.clone(), wp);
            }
            invs.push((format!("l2s_work_preserved{sfx}"), wp));
            // l2s_progress_made
            let next_trigger = sorted.get(idx + 1).and_then(|s| trigger(s));
            if start.is_some() {
                not_all_was_done_preds.clear();
            }
            let waiting_for_progress =
                g.binder(BinderName::Wait, pa.clone(), progress.body.clone());
            let not_all_was_done = |g: &mut Gen, skip: usize| {
                let wd = was_done_of(g);
                Term::not(Term::forall(dv[skip.min(dv.len())..].to_vec(), wd))
            };
            let progressed = |rest: Vec<Var>| {
                Term::exists(
                    rest,
                    Term::and([Term::not(was_done.clone()), is_done.clone()]),
                )
            };
            let depends = |l: &Option<Lambda>| {
                l.as_ref()
                    .map(|h| h.apply(&pa.iter().map(|&x| Term::var(x)).collect::<Vec<_>>()))
                    .unwrap_or_else(Term::tru)
            };
            if v != 3 {
                let pm = if v == 5 {
                    let nad0 = depends(&t.helpful);
                    let mut nad = g.binder(BinderName::Saved, pa.clone(), nad0);
                    if let Some(nt) = &next_trigger {
                        let nes = g.eventually_start(nt);
                        nad = Term::and([Term::not(nes), nad]);
                    }
                    let nawd = not_all_was_done(&mut g, 0);
                    Term::implies(
                        Term::and([
                            g.saved.clone(),
                            es.clone(),
                            Term::exists(pa.clone(), nad.clone()),
                            nawd,
                            Term::forall(
                                pa.clone(),
                                Term::implies(nad, Term::not(waiting_for_progress.clone())),
                            ),
                        ]),
                        progressed(dv.clone()),
                    )
                } else if !pa.is_empty() || tasks.len() > 1 {
                    let nawd = not_all_was_done(&mut g, pa.len());
                    let mut nad =
                        Term::and([nawd, Term::not(Term::or(not_all_was_done_preds.clone()))]);
                    if let Some(nt) = &next_trigger {
                        let nes = g.eventually_start(nt);
                        nad = Term::and([Term::not(nes), nad]);
                    }
                    Term::forall(
                        pa.clone(),
                        Term::implies(
                            Term::and([
                                nad,
                                g.saved.clone(),
                                es.clone(),
                                Term::not(waiting_for_progress.clone()),
                            ]),
                            progressed(dv[pa.len()..].to_vec()),
                        ),
                    )
                } else {
                    Term::implies(
                        Term::and([g.saved.clone(), Term::not(waiting_for_progress.clone())]),
                        progressed(dv.clone()),
                    )
                };
                invs.push((format!("l2s_progress_made{sfx}"), pm));
            }
            // l2s_progress_invar
            let ev = g.temporal(TemporalKind::Eventually, progress.body.clone());
            let gev = g.temporal(TemporalKind::Globally, ev);
            let ini = g.binder(BinderName::Init, pa.clone(), gev.clone());
            invs.push((format!("l2s_progress_invar{sfx}"), Term::implies(ini, gev)));
            // l2s_not_all_done
            let mut nd = is_done_needed.clone();
            if let Some(e) = &t.end {
                nd = Term::implies(at(e), nd);
            }
            if let Some(i) = &t.invar {
                nd = Term::implies(i.body.clone(), nd);
            }
            let mut nd = Term::not(Term::forall(dv.clone(), nd));
            if v >= 2 {
                nd = Term::or([Term::not(nws.clone()), nd]);
            }
            not_all_done_preds.push(nd);
            if let Some(nt) = &next_trigger {
                let nes = g.eventually_start(nt);
                invs.push((
                    format!("l2s_not_all_done{sfx}"),
                    Term::implies(Term::not(nes), Term::or(not_all_done_preds.clone())),
                ));
                not_all_done_preds.clear();
            }
            let nawd = not_all_was_done(&mut g, 0);
            not_all_was_done_preds.push(nawd);
            // l2s_sched_stable
            if v == 5 {
                let nad = depends(&t.helpful);
                let was_nad = g.binder(BinderName::Saved, pa.clone(), nad.clone());
                invs.push((
                    format!("l2s_sched_stable{sfx}"),
                    Term::forall(
                        pa.clone(),
                        Term::implies(
                            Term::and([
                                was_nad.clone(),
                                g.saved.clone(),
                                es.clone(),
                                waiting_for_progress.clone(),
                            ]),
                            nad,
                        ),
                    ),
                ));
                sched_exists_preds.push(Term::exists(pa.clone(), was_nad));
            }
        }
        invs.push(("l2s_not_all_done".into(), Term::or(not_all_done_preds)));
        if v == 5 {
            invs.push((
                "l2s_sched_exists".into(),
                Term::implies(
                    Term::and([g.saved.clone(), es_last]),
                    Term::or(sched_exists_preds),
                ),
            ));
        }
        // The tableau of the negated goal, and of the start conditions.
        let mut ninvs = Vec::new();
        g.init_globally(&fmla, &mut ninvs, false);
        for (_, trig) in &triggers {
            let arg = trig.body.clone();
            let evf = g.temporal(TemporalKind::Eventually, arg.clone());
            let initf = g.binder(BinderName::Init, vec![], evf.clone());
            ninvs.push(Term::or([initf.clone(), Term::not(evf.clone())]));
            let w = g.binder(BinderName::Wait, vec![], arg.clone());
            let not_waiting = Term::or([Term::not(g.waiting.clone()), Term::not(w)]);
            ninvs.push(Term::implies(
                Term::and([initf.clone(), Term::not(evf)]),
                not_waiting.clone(),
            ));
            let mut tinvs = Vec::new();
            g.init_globally(&arg, &mut tinvs, true);
            for tinv in tinvs {
                ninvs.push(Term::implies(
                    Term::and([initf.clone(), not_waiting.clone()]),
                    tinv,
                ));
            }
        }
        for (i, n) in ninvs.into_iter().enumerate() {
            invs.push((format!("l2s_globally_{i}"), n));
        }
        // The monitor's phases.
        let frozen = g.ck.l2s_flag(L2sBuiltin::Frozen);
        let (w, s) = (g.waiting.clone(), g.saved.clone());
        invs.push((
            "l2s_status_0".into(),
            Term::or([w.clone(), frozen.clone(), s.clone()]),
        ));
        for (i, (a, b)) in [(&w, &frozen), (&w, &s), (&frozen, &s)]
            .into_iter()
            .enumerate()
        {
            invs.push((
                format!("l2s_status_{}", i + 1),
                Term::or([Term::not(a.clone()), Term::not(b.clone())]),
            ));
        }
        // The constants are in the domain.
        let consts: Vec<(SymId, SortId)> = (0..g.ck.syms_len())
            .map(|i| SymId(i as u32))
            .filter_map(|id| {
                let d = g.ck.sym(id)?;
                let ok = d.args.is_empty()
                    && (matches!(d.role, Role::State | Role::Rigid) || skolems.contains(&id))
                    && !d.name.as_str().starts_with(|c: char| c.is_ascii_digit());
                ok.then_some((id, d.ret))
            })
            .filter(|(id, s)| {
                g.tracked(*s)
                    && !g.ck.temporal.data.ops.contains_key(id)
                    && !g.ck.temporal.data.builtins.contains_key(id)
            })
            .collect();
        let cd = Term::and(
            consts
                .into_iter()
                .map(|(c, s)| {
                    let d = g.ck.l2s_set(L2sBuiltin::D(s), s);
                    Term::app(d, vec![Term::constant(c)])
                })
                .collect::<Vec<_>>(),
        );
        invs.push(("l2s_consts_d".into(), cd));
        // The initial values of the goal's temporal formulas.
        let mut iinvs = Vec::new();
        let conv = g.convert_to_init(&fmla, &mut iinvs);
        for (i, n) in iinvs.into_iter().enumerate() {
            invs.push((format!("l2s_init_glob_{i}"), n));
        }
        invs.push(("neg_prop_init".into(), Term::not(conv)));
        Some(
            invs.into_iter()
                .map(|(l, f)| Property {
                    label: Some(Symbol::intern(&l)),
                    formula: f.close_forall().with_span(Some(span)),
                    span: Some(span),
                    explicit: false,
                })
                .collect(),
        )
    }

    /// `tactic l2s_full` treats every sort as finite (ms-ivy's `full`
    /// mode, meant for model checking after finite instantiation): a sort
    /// whose elements the construction would track (uninterpreted, not
    /// declared `finite type`; `int`, `nat`, strings) makes it unsound,
    /// since a run that never repeats a state is then not a fair cycle.
    /// Refused for a program that uses one. `false` after the error.
    pub(crate) fn l2s_full_allowed(&mut self, span: Span, env: &Env) -> bool {
        let n = self.syms_len();
        let infinite = (0..n).any(|i| {
            self.sym(SymId(i as u32)).is_some_and(|d| {
                d.args
                    .iter()
                    .chain(std::iter::once(&d.ret))
                    .any(|&s| self.tracked_sort(s))
            })
        });
        if infinite {
            self.unsupported_because(
                "tactic `l2s_full` on a program with an infinite sort (liveness)",
                "l2s_full treats every sort as finite (ms-ivy uses it to model-check after a finite instantiation): over an infinite sort a run that never repeats a state is not a fair cycle, so false properties would be proved; declare the sorts `finite type`, or use `tactic l2s` (or `l2s_auto`) with invariants",
                span,
                env,
            );
        }
        !infinite
    }

    fn tracked_sort(&self, s: SortId) -> bool {
        matches!(
            self.sort_kind(s),
            SortKind::Uninterpreted | SortKind::Int | SortKind::Nat | SortKind::Str
        ) && !self.temporal.data.finite_sorts.contains(&s)
    }

    fn l2s_flag(&mut self, b: L2sBuiltin) -> Term {
        let s = self.builtin(b, vec![]);
        Term::app(s, vec![])
    }

    fn l2s_set(&mut self, b: L2sBuiltin, s: SortId) -> SymId {
        self.builtin(b, vec![s])
    }

    fn syms_len(&self) -> usize {
        let mut n = 0usize;
        while self.sym(SymId(n as u32)).is_some() {
            n += 1;
        }
        n
    }
}

impl Gen<'_, '_> {
    /// The kind and the instantiated body of a temporal operator's
    /// placeholder application.
    fn op(&self, t: &Term) -> Option<(TemporalKind, Term)> {
        let TermKind::App(s, args) = &t.kind else {
            return None;
        };
        let op = self.ck.temporal.data.ops.get(s)?;
        if !matches!(op.kind, TemporalKind::Globally | TemporalKind::Eventually) {
            return None;
        }
        Some((
            op.kind,
            Lambda::new(op.params.clone(), op.body.clone()).apply(args),
        ))
    }

    fn tracked(&self, s: SortId) -> bool {
        self.ck.tracked_sort(s)
    }

    /// `l2s_d(v1) & ...` (or `l2s_a`) over the tracked sorts of `vs`.
    fn domain(&mut self, b: fn(SortId) -> L2sBuiltin, vs: &[Var]) -> Term {
        let mut cons = Vec::new();
        for &x in vs {
            if self.tracked(x.sort) {
                let s = self.ck.l2s_set(b(x.sort), x.sort);
                cons.push(Term::app(s, vec![Term::var(x)]));
            }
        }
        Term::and(cons)
    }

    /// `globally body` / `eventually body` over body's free variables.
    fn temporal(&mut self, kind: TemporalKind, body: Term) -> Term {
        let params = body.free_vars();
        let args = params.iter().map(|&x| Term::var(x)).collect();
        let sym = self.ck.placeholder(
            TemporalOp {
                kind,
                params,
                body,
                cond: None,
                span: Some(self.span),
            },
            SortId::BOOL,
        );
        Term::app(sym, args)
    }

    /// `($name vs. body)(vs)`; the body's other free variables become
    /// binder variables too (as ms-ivy's `l2s_init` of a formula does).
    fn binder(&mut self, name: BinderName, vs: Vec<Var>, body: Term) -> Term {
        let mut params = vs;
        for x in body.free_vars() {
            if !params.contains(&x) {
                params.push(x);
            }
        }
        let args = params.iter().map(|&x| Term::var(x)).collect();
        let sym = self.ck.placeholder(
            TemporalOp {
                kind: TemporalKind::Binder(name),
                params,
                body,
                cond: None,
                span: Some(self.span),
            },
            SortId::BOOL,
        );
        Term::app(sym, args)
    }

    /// `forall vs. ($l2s_init vs. eventually start)(vs)`.
    fn eventually_start(&mut self, start: &Lambda) -> Term {
        let ev = self.temporal(TemporalKind::Eventually, start.body.clone());
        let ini = self.binder(BinderName::Init, start.params.clone(), ev);
        Term::forall(start.params.clone(), ini)
    }

    fn not_waiting_for(&mut self, body: Term) -> Term {
        let vs = body.free_vars();
        let w = self.binder(BinderName::Wait, vs, body);
        Term::or([Term::not(self.waiting.clone()), Term::not(w)])
    }

    /// ms-ivy's `init_globally`: facts about the `globally`/`eventually`
    /// subformulas of a formula assumed initially (`pos` false: of its
    /// negation).
    fn init_globally(&mut self, prop: &Term, res: &mut Vec<Term>, pos: bool) {
        let op = self.op(prop);
        if op.is_some() {
            self.known_inits.insert(prop.clone());
        }
        match (&prop.kind, op, pos) {
            (_, Some((TemporalKind::Globally, body)), true) => {
                res.push(prop.clone());
                self.init_globally(&body, res, pos);
            }
            (_, Some((TemporalKind::Eventually, body)), false) => {
                res.push(Term::not(prop.clone()));
                self.init_globally(&body, res, pos);
            }
            (_, Some((TemporalKind::Eventually, arg)), true) => {
                let vs = arg.free_vars();
                let nw = self.not_waiting_for(arg.clone());
                res.push(Term::implies(Term::not(prop.clone()), nw.clone()));
                if self.is_globally_like(&arg, TemporalKind::Globally) {
                    res.push(Term::implies(nw, arg));
                }
                res.push(self.binder(BinderName::Init, vs, prop.clone()));
            }
            (_, Some((TemporalKind::Globally, arg)), false) => {
                let vs = arg.free_vars();
                let neg = Term::not(arg.clone());
                let nw = self.not_waiting_for(neg.clone());
                res.push(Term::implies(prop.clone(), nw.clone()));
                if self.is_globally_like(&arg, TemporalKind::Eventually) {
                    res.push(Term::implies(nw, neg));
                }
                let np = Term::not(prop.clone());
                res.push(self.binder(BinderName::Init, vs, np));
            }
            (TermKind::Implies(a, b), _, false) => {
                self.init_globally(a, res, true);
                self.init_globally(b, res, false);
            }
            (TermKind::And(xs), _, true) | (TermKind::Or(xs), _, false) => {
                for x in xs {
                    self.init_globally(x, res, pos);
                }
            }
            (TermKind::Forall(_, b), _, true) | (TermKind::Exists(_, b), _, false) => {
                self.init_globally(b, res, pos);
            }
            (TermKind::Not(a), _, _) => self.init_globally(a, res, !pos),
            _ => {}
        }
    }

    /// `arg` is `kind p`, or `~dual p` (`globally`: `~eventually`).
    fn is_globally_like(&self, arg: &Term, kind: TemporalKind) -> bool {
        if self.op(arg).is_some_and(|(k, _)| k == kind) {
            return true;
        }
        let dual = if kind == TemporalKind::Globally {
            TemporalKind::Eventually
        } else {
            TemporalKind::Globally
        };
        matches!(&arg.kind, TermKind::Not(a) if self.op(a).is_some_and(|(k, _)| k == dual))
    }

    /// ms-ivy's `convert_to_init`: the formula over the initial values of
    /// its atoms (`$l2s_init`), with `init -> globally p` and `eventually
    /// p -> init` for the operators `init_globally` did not meet.
    fn convert_to_init(&mut self, t: &Term, iinvs: &mut Vec<Term>) -> Term {
        match &t.kind {
            TermKind::And(_)
            | TermKind::Or(_)
            | TermKind::Not(_)
            | TermKind::Implies(..)
            | TermKind::Iff(..)
            | TermKind::Forall(..)
            | TermKind::Exists(..) => t.map_children(&mut |c| self.convert_to_init(c, iinvs)),
            _ => {
                let vs = t.free_vars();
                let ini = self.binder(BinderName::Init, vs, t.clone());
                if let Some((k, _)) = self.op(t) {
                    if self.known_inits.insert(t.clone()) {
                        iinvs.push(if k == TemporalKind::Globally {
                            Term::implies(ini.clone(), t.clone())
                        } else {
                            Term::implies(t.clone(), ini.clone())
                        });
                    }
                }
                ini
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::{check, MemoryLoader};
    use ivyc_base::{IntoDiagnostic, SourceMap};
    use ivyc_logic::Tactic;

    const QUEUE: &str = "#lang ivy1.7
type job
relation pending(J:job)
relation done(J:job)
relation sched
after init { pending(J) := false; done(J) := false; sched := false }
action create(j:job) = { pending(j) := true; sched := false }
action work = { sched := true; done(J) := done(J) | pending(J); pending(J) := false }
export create
export work
temporal axiom [fair] globally eventually sched
temporal property [fin] forall J:job. globally (pending(J) -> eventually done(J))
proof {
    tactic skolemize;
";

    fn run(src: &str) -> (Option<crate::Program>, Vec<&'static str>) {
        let mut sources = SourceMap::new();
        let id = sources.add("main.ivy", src.to_string());
        let (p, errs) = check(id, &mut sources, &mut MemoryLoader::new());
        (p, errs.iter().map(|e| e.code()).collect())
    }

    fn labels(p: &crate::Program) -> Vec<String> {
        let Some(Tactic::L2s { invariants, .. }) = p.temporal.properties[0].tactics.last() else {
            panic!("no l2s tactic");
        };
        invariants
            .iter()
            .map(|i| i.label.map(|l| l.as_str().to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn l2s_auto_writes_the_invariants_of_its_variant() {
        let defs = "definition work_created(J:job) = pending(J) | done(J)
        definition work_needed(J:job) = J = _J
        definition work_done(J:job) = done(J)
        definition work_progress = sched
}
";
        let (p, codes) = run(&format!("{QUEUE}tactic l2s_auto with\n{defs}"));
        assert!(codes.is_empty(), "{codes:?}");
        let l = labels(&p.unwrap());
        for want in [
            "l2s_needed_when_start",
            "l2s_created",
            "l2s_needed_are_frozen",
            "l2s_done_implies_created",
            "l2s_needed_implies_created",
            "l2s_work_preserved",
            "l2s_progress_made",
            "l2s_progress_invar",
            "l2s_not_all_done",
            "l2s_globally_0",
            "l2s_status_3",
            "l2s_consts_d",
            "neg_prop_init",
        ] {
            assert!(l.iter().any(|x| x == want), "{want} missing from {l:?}");
        }
        // `l2s_auto4`: no `done_implies_created`, the needed items that
        // are not done are frozen (and were).
        let (p, codes) = run(&format!("{QUEUE}tactic l2s_auto4 with\n{defs}"));
        assert!(codes.is_empty(), "{codes:?}");
        let l = labels(&p.unwrap());
        assert!(l.iter().any(|x| x == "l2s_needed_were_frozen"));
        assert!(!l.iter().any(|x| x == "l2s_done_implies_created"));
    }

    #[test]
    fn l2s_auto_needs_its_definitions() {
        let (_, codes) = run(&format!(
            "{QUEUE}tactic l2s_auto with definition work_created(J:job) = pending(J)\n}}\n"
        ));
        assert_eq!(codes, vec!["tactic-arguments"]);
        // The progress parameters must start the done parameters.
        let (_, codes) = run(&format!(
            "{QUEUE}tactic l2s_auto with
        definition work_created(J:job) = true
        definition work_needed(J:job) = true
        definition work_done(J:job) = done(J)
        definition work_progress(K:job) = sched
}}
"
        ));
        assert_eq!(codes, vec!["tactic-arguments"]);
    }

    #[test]
    fn l2s_full_only_over_finite_sorts() {
        let (_, codes) = run(&format!("{QUEUE}tactic l2s_full\n}}\n"));
        assert_eq!(codes, vec!["unsupported"]);
        let finite = QUEUE.replace("type job", "finite type job");
        let (p, codes) = run(&format!("{finite}tactic l2s_full\n}}\n"));
        assert!(codes.is_empty(), "{codes:?}");
        let p = p.unwrap();
        assert!(matches!(
            p.temporal.properties[0].tactics.last(),
            Some(Tactic::L2s { full: true, .. })
        ));
    }
}
