//! Iterative deepening: for depth 0, 1, ..., K one query "some checked
//! assertion or invariant fails at the last step" over the unrolled system,
//! with everything checked at smaller depths assumed (it was just shown
//! not to fail); the first satisfiable depth gives a shortest trace.

use crate::bound::cardinality_axiom;
use crate::check::check_trace;
use crate::trace::{decode, Trace};
use crate::unroll::{unroll, Tag, Unrolled};
use ivyc_base::Symbol;
use ivyc_logic::passive::{passify, AssertMode, Passive};
use ivyc_logic::{
    Answer, AssertInfo, AssertKind, Reason, Signature, Solver, SortId, SymId, System, Term,
};
use ivyc_vc::ModelRejected;

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct BmcOptions {
    /// The largest number of action steps after the initializer.
    pub depth: usize,
    /// At most N elements in each of these uninterpreted sorts.
    pub bounds: Vec<(SortId, u32)>,
    /// Check only the invariants and assertions with this label (others
    /// are assumed, invariants ignored).
    pub property: Option<Symbol>,
    /// Solver time limit per query.
    pub timeout_ms: u64,
}

/// The outcome of a bounded search.
#[derive(Clone, Debug)]
pub enum BmcResult {
    /// Every query up to `depth` was unsatisfiable.
    NoViolation { depth: usize },
    /// A shortest violating execution.
    Violation(Box<Trace>),
    /// The solver did not decide the query of `depth` (all smaller depths
    /// were unsatisfiable).
    Unknown { depth: usize, reason: Reason },
    /// The solver's model of the query of some depth does not replay in the
    /// evaluator (`crate::check`): a bug in ivyc; no trace is shown.
    InternalError(Box<ModelRejected>),
}

/// One solver query of the search.
pub struct Query {
    pub depth: usize,
    pub unrolled: Unrolled,
    pub passive: Passive,
    /// The unrolled signature with the SSA versions and bound constants.
    pub sig: Signature,
    pub hyps: Vec<Term>,
    pub goal: Term,
    /// Symbols added for the search (selectors, bound constants): never shown.
    pub hidden: Vec<SymId>,
    /// `hyps` starts with this many axioms, properties and lemmas (in
    /// `System` order), then `side` side conditions (bounds, selector
    /// exclusions), then the path conjuncts of the unrolled command.
    pub background: usize,
    pub side: usize,
    /// The `--property` the query checks (others assumed or ignored).
    pub property: Option<Symbol>,
}

/// Whether `label` names an invariant or an assertion of `sys`.
pub fn has_property(sys: &System, label: Symbol) -> bool {
    let asserted = |c: &ivyc_logic::Cmd| c.assertions().iter().any(|(_, i)| i.label == Some(label));
    sys.invariants.iter().any(|p| p.label == Some(label))
        || asserted(&sys.init)
        || sys.actions.iter().any(|a| asserted(&a.body))
}

/// How the query of depth `depth` treats the assertion tagged `tag`.
pub fn mode_of(tag: Option<&Tag>, depth: usize, property: Option<Symbol>) -> AssertMode {
    let selected = |info: &AssertInfo| property.is_none_or(|p| info.label == Some(p));
    match tag {
        None | Some(Tag::State { .. }) | Some(Tag::ActionStart { .. }) => AssertMode::Ignore,
        Some(Tag::Program { step, info, .. }) => {
            // The environment respects the requires of exported actions.
            let env_require = *step > 0 && info.kind == AssertKind::Require;
            if env_require || *step < depth || !selected(info) {
                AssertMode::Assume
            } else {
                AssertMode::Check
            }
        }
        Some(Tag::Invariant { label, .. }) if property.is_some_and(|p| *label != Some(p)) => {
            AssertMode::Ignore
        }
        Some(Tag::Invariant { step, .. }) if *step < depth => AssertMode::Assume,
        Some(Tag::Invariant { .. }) => AssertMode::Check,
    }
}

/// Builds the query of one depth.
pub fn query(sys: &System, opts: &BmcOptions, depth: usize) -> Query {
    let unrolled = unroll(sys, depth);
    let mut sig = unrolled.sig.clone();
    let passive = passify(&mut sig, &unrolled.cmd);
    let mut hidden: Vec<SymId> = unrolled
        .selectors
        .iter()
        .flatten()
        .map(|&(_, s)| s)
        .collect();
    // Properties are theorems of the axioms (proved by `verify`): assumed.
    let mut hyps: Vec<Term> = sys
        .axioms
        .iter()
        .chain(&sys.properties)
        .chain(&sys.lemmas)
        .map(|p| p.formula.clone())
        .collect();
    let background = hyps.len();
    for &(sort, n) in &opts.bounds {
        let (ax, consts) = cardinality_axiom(&mut sig, sort, n);
        hyps.push(ax);
        hidden.extend(consts);
    }
    hyps.extend(unrolled.hyps.iter().cloned());
    let side = hyps.len() - background;
    let tags = &unrolled.tags;
    let mode = |_: &AssertInfo, i: usize| mode_of(tags.get(i), depth, opts.property);
    let (path, goal, _) = passive.body.split_failure(&mode);
    hyps.extend(path);
    Query {
        depth,
        unrolled,
        passive,
        sig,
        hyps,
        goal,
        hidden,
        background,
        side,
        property: opts.property,
    }
}

/// Searches depths 0..=`opts.depth` in order; stops at the first violation
/// or the first undecided query. `on_depth` is called after each depth is
/// shown to have no violation.
pub fn search(
    sys: &System,
    opts: &BmcOptions,
    solver: &mut impl Solver,
    mut on_depth: impl FnMut(usize),
) -> BmcResult {
    for depth in 0..=opts.depth {
        let q = query(sys, opts, depth);
        match solver.check(&q.sig, &q.hyps, &q.goal, opts.timeout_ms) {
            Answer::Unsat => on_depth(depth),
            Answer::Sat(model) => {
                let trace = decode(sys, &q, opts.property, model);
                return match check_trace(sys, &q, trace) {
                    Ok(t) => BmcResult::Violation(t),
                    Err(rejected) => BmcResult::InternalError(rejected),
                };
            }
            Answer::Unknown(reason) => return BmcResult::Unknown { depth, reason },
        }
    }
    BmcResult::NoViolation { depth: opts.depth }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::ViolationKind;
    use ivyc_logic::brute::BruteForce;
    use ivyc_logic::{Action, Cmd, Property, Role, Value, Var};

    /// `relation r(node)`, init `r(X) := false`, exported `set(n)` doing
    /// `r(n) := true` (and, with `two`, `clear` doing `r(X) := false`);
    /// invariant `r(X) & r(Y) -> X = Y`: violated after two `set`s.
    fn system(two: bool) -> System {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let n = sig.fresh_symbol(Symbol::intern("set.n"), vec![], node, Role::Local);
        let x = Var::new("X", node);
        let y = Var::new("Y", node);
        let mut sys = System::new(sig);
        sys.init = Cmd::assign(r, vec![x], Term::fls());
        let rx = Term::app_vars(r, &[x]);
        let set = Cmd::assign(
            r,
            vec![x],
            Term::or([Term::eq(Term::var(x), Term::constant(n)), rx.clone()]),
        );
        let action = |name: &str, params, body| Action {
            name: Symbol::intern(name),
            params,
            returns: vec![],
            body,
            span: None,
            exported: true,
            internal: false,
        };
        sys.actions.push(action("set", vec![n], set));
        if two {
            sys.actions.push(action(
                "clear",
                vec![],
                Cmd::assign(r, vec![x], Term::fls()),
            ));
        }
        let inv = Term::forall(
            vec![x, y],
            Term::implies(
                Term::and([rx, Term::app_vars(r, &[y])]),
                Term::eq(Term::var(x), Term::var(y)),
            ),
        );
        sys.invariants.push(Property::new(Some("one"), inv, None));
        sys
    }

    fn brute() -> BruteForce {
        BruteForce {
            max_universe: 2,
            max_models: 5_000_000,
            exhaustive_means_unsat: true,
        }
    }

    #[test]
    fn tags_follow_the_preorder_of_assertions() {
        let sys = system(true);
        let u = unroll(&sys, 2);
        assert_eq!(u.tags.len(), u.cmd.assertions().len());
        // init: state marker, invariant; per step: 2 action starts, state, invariant.
        assert_eq!(u.tags.len(), 2 + 2 * 4);
        assert_eq!(u.selectors.len(), 2);
        assert_eq!(u.hyps.len(), 2, "one exclusion per step");
    }

    #[test]
    fn shortest_violation_is_found_at_depth_two() {
        let sys = system(false);
        let opts = BmcOptions {
            depth: 3,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let mut safe = Vec::new();
        let r = search(&sys, &opts, &mut brute(), |d| safe.push(d));
        assert_eq!(safe, vec![0, 1]);
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.depth, 2);
        assert_eq!(t.steps.len(), 2);
        let v = t.violation.as_ref().expect("identified violation");
        assert_eq!(v.kind, ViolationKind::Invariant);
        assert_eq!(v.step, 2);
        assert_eq!(v.label, Some(Symbol::intern("one")));
        // The two steps set different nodes.
        let a0 = &t.steps[0].args[0].1;
        let a1 = &t.steps[1].args[0].1;
        assert!(a0.is_some() && a0 != a1, "{a0:?} {a1:?}");
    }

    #[test]
    fn no_violation_below_the_bug_depth() {
        let sys = system(false);
        let opts = BmcOptions {
            depth: 1,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut brute(), |_| {});
        assert!(matches!(r, BmcResult::NoViolation { depth: 1 }), "{r:?}");
    }

    #[test]
    fn a_bound_of_one_hides_the_bug() {
        let sys = system(false);
        let node = sys.sig.lookup_sort("node").expect("node");
        let opts = BmcOptions {
            depth: 2,
            bounds: vec![(node, 1)],
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut brute(), |_| {});
        assert!(matches!(r, BmcResult::NoViolation { .. }), "{r:?}");
    }

    #[test]
    fn property_selects_the_checks() {
        let sys = system(false);
        let opts = |p: &str| BmcOptions {
            depth: 2,
            property: Some(Symbol::intern(p)),
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts("one"), &mut brute(), |_| {});
        assert!(matches!(r, BmcResult::Violation(_)), "{r:?}");
        let r = search(&sys, &opts("other"), &mut brute(), |_| {});
        assert!(matches!(r, BmcResult::NoViolation { .. }), "{r:?}");
        assert!(has_property(&sys, Symbol::intern("one")));
        assert!(!has_property(&sys, Symbol::intern("other")));
    }

    #[test]
    fn selectors_name_the_action_taken() {
        let sys = system(true);
        let q = query(&sys, &BmcOptions::default(), 1);
        assert_eq!(q.hidden.len(), 2);
        // A failing assertion checked in `clear` is reported in `clear`.
        let mut sys = sys;
        let info = AssertInfo::new(AssertKind::Assert, None);
        sys.actions[1].body =
            Cmd::seq([sys.actions[1].body.clone(), Cmd::Assert(Term::fls(), info)]);
        sys.invariants.clear();
        let opts = BmcOptions {
            depth: 1,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut brute(), |_| {});
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.steps.len(), 1);
        assert_eq!(t.steps[0].action, Symbol::intern("clear"));
        let v = t.violation.expect("violation");
        assert_eq!(v.kind, ViolationKind::Assertion(AssertKind::Assert));
        assert_eq!(v.action, Some(Symbol::intern("clear")));
    }

    #[test]
    fn traces_are_replayed_and_corrupted_ones_rejected() {
        let sys = system(false);
        let opts = BmcOptions {
            depth: 2,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut brute(), |_| {});
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.check, ivyc_vc::ModelCheck::Checked);
        assert_eq!(t.chosen.len(), t.depth);
        // The same search with every model corrupted: never a trace.
        let r = search(&sys, &opts, &mut ivyc_vc::Corrupting(brute()), |_| {});
        let BmcResult::InternalError(rejected) = r else {
            panic!("expected an internal error, got {r:?}");
        };
        assert_eq!(rejected.subject, ivyc_vc::Subject::Trace { depth: 2 });
        assert!(rejected.message().contains("does not satisfy"));
        // A hand-corrupted model: every version of `r` empty, so no state
        // of the trace violates the invariant (or a step is broken).
        let q = query(&sys, &opts, 2);
        let mut m = t.model.clone();
        for (&s, interp) in m.interps.iter_mut() {
            if q.sig.symbol_name(s).starts_with("r#") {
                interp
                    .entries
                    .values_mut()
                    .for_each(|v| *v = Value::Bool(false));
            }
        }
        let bad = crate::trace::decode(&sys, &q, None, m);
        let rejected = crate::check::check_trace(&sys, &q, bad).expect_err("rejected");
        assert!(
            matches!(
                rejected.formula.role,
                ivyc_vc::FormulaRole::Violation { depth: 2 } | ivyc_vc::FormulaRole::Step { .. }
            ),
            "{rejected:?}"
        );
    }
}
