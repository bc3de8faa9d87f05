//! VC generation for loop variants (`decreases`: two `Variant` obligations
//! per loop, apart from the loop invariants) and for `explicit` invariants
//! (checked, never assumed), on tiny hand-built systems discharged with the
//! brute-force finite-model solver.
#![allow(clippy::unwrap_used)]

use ivyc_base::{FileId, Span, Symbol};
use ivyc_logic::brute::BruteForce;
use ivyc_logic::*;
use ivyc_vc::*;

fn sp(a: usize) -> Option<Span> {
    Some(Span::new(FileId(0), a, a + 1))
}

/// Universes of at most two elements: enough for these counterexamples,
/// and few enough models for `<` and `pred`.
fn brute() -> BruteForce {
    BruteForce {
        max_universe: 2,
        exhaustive_means_unsat: true,
        ..BruteForce::default()
    }
}

/// How the loop body changes the measure `i`.
#[derive(Clone, Copy)]
enum Step {
    /// `i := pred(i)`: decreases (by the axiom) and stays above `zero`.
    Pred,
    /// `i := i`: does not decrease.
    Stay,
}

/// ```text
/// type node; relation (X:node < Y:node); individual zero:node;
/// function pred(X:node):node
/// axiom ~(X < zero)                      (when `floor`)
/// axiom X ~= zero -> pred(X) < X
/// action down(k:node) = {
///     var i := k;
///     while i ~= zero decreases i { i := pred(i) }   (or `i := i`)
/// }
/// ```
fn down(step: Step, floor: bool) -> System {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let rigid = |sig: &mut Signature, name: &str, args: Vec<SortId>, ret: SortId| {
        sig.add_symbol(SymbolDecl::new(
            Symbol::intern(name),
            args,
            ret,
            Role::Rigid,
        ))
    };
    let lt = rigid(&mut sig, "<", vec![node, node], SortId::BOOL);
    let zero = rigid(&mut sig, "zero", vec![], node);
    let pred = rigid(&mut sig, "pred", vec![node], node);
    let local = |sig: &mut Signature, name: &str| {
        sig.add_symbol(SymbolDecl::new(
            Symbol::intern(name),
            vec![],
            node,
            Role::Local,
        ))
    };
    let k = local(&mut sig, "down.k");
    let i = local(&mut sig, "down.i");
    let rank = local(&mut sig, "down.$rank");
    let x = Var::new("X", node);
    let less = |a: Term, b: Term| Term::app(lt, vec![a, b]);
    let (tx, tz, ti) = (Term::var(x), Term::constant(zero), Term::constant(i));
    let mut sys = System::new(sig);
    if floor {
        sys.axioms.push(Property::new(
            Some("floor"),
            Term::forall(vec![x], Term::not(less(tx.clone(), tz.clone()))),
            None,
        ));
    }
    sys.axioms.push(Property::new(
        Some("pred_less"),
        Term::forall(
            vec![x],
            Term::implies(
                Term::not(Term::eq(tx.clone(), tz.clone())),
                less(Term::app(pred, vec![tx.clone()]), tx),
            ),
        ),
        None,
    ));
    let variant = LoopVariant {
        rank,
        measure: ti.clone(),
        bounded: (
            Term::not(less(ti.clone(), tz.clone())),
            AssertInfo::new(AssertKind::VariantBounded, sp(30)),
        ),
        decreases: (
            less(ti.clone(), Term::constant(rank)),
            AssertInfo::new(AssertKind::VariantDecreases, sp(30)),
        ),
    };
    let next = match step {
        Step::Pred => Term::app(pred, vec![ti.clone()]),
        Step::Stay => ti.clone(),
    };
    let body = Cmd::seq([
        Cmd::assign(i, vec![], Term::constant(k)),
        Cmd::while_loop(
            Term::not(Term::eq(ti, tz)),
            vec![],
            Some(variant),
            Cmd::assign(i, vec![], next),
        ),
    ]);
    sys.actions.push(Action {
        name: Symbol::intern("down"),
        params: vec![k],
        returns: vec![],
        body,
        span: sp(5),
        exported: true,
        internal: false,
    });
    sys
}

#[test]
fn a_variant_is_two_obligations_of_its_own_kind() {
    let obs = obligations(&down(Step::Pred, true));
    let kinds: Vec<(ObligationKind, Option<AssertKind>)> =
        obs.iter().map(|o| (o.kind, o.assert_kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (ObligationKind::Variant, Some(AssertKind::VariantBounded)),
            (ObligationKind::Variant, Some(AssertKind::VariantDecreases)),
        ]
    );
    assert_eq!(ObligationKind::Variant.as_str(), "variant");
    assert_eq!(
        obs[0].title(),
        "variant (bounded) of ~down.i < zero in down"
    );
    assert_eq!(
        obs[1].title(),
        "variant (decreases) of down.i < down.$rank in down"
    );
    assert!(obs.iter().all(|o| o.property_span == sp(30)));
    let outs: Vec<Outcome> = obs
        .iter()
        .map(|o| discharge(o, &mut brute(), 1000))
        .collect();
    assert!(outs.iter().all(Outcome::is_proved), "{outs:?}");
}

#[test]
fn a_measure_that_does_not_decrease_fails() {
    let obs = obligations(&down(Step::Stay, true));
    assert!(discharge(&obs[0], &mut brute(), 1000).is_proved());
    assert!(matches!(
        discharge(&obs[1], &mut brute(), 1000),
        Outcome::Failed(_)
    ));
}

#[test]
fn a_measure_below_zero_fails() {
    // Without the axiom that nothing is below `zero`, the measure may be
    // below it when an iteration starts; it still decreases.
    let obs = obligations(&down(Step::Pred, false));
    assert!(matches!(
        discharge(&obs[0], &mut brute(), 1000),
        Outcome::Failed(_)
    ));
    assert!(discharge(&obs[1], &mut brute(), 1000).is_proved());
}

#[test]
fn consecution_ignores_variants() {
    // With an invariant, consecution does not check the variant (as Ivy,
    // program assertions are neither assumed nor checked there).
    let mut sys = down(Step::Stay, true);
    let zero = sys.sig.lookup_symbol("zero").unwrap();
    sys.invariants.push(Property::new(
        Some("t"),
        Term::eq(Term::constant(zero), Term::constant(zero)),
        sp(40),
    ));
    let obs = obligations(&sys);
    let kinds: Vec<ObligationKind> = obs.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ObligationKind::Initiation,
            ObligationKind::Consecution,
            ObligationKind::Variant,
            ObligationKind::Variant,
        ]
    );
    assert!(discharge(&obs[1], &mut brute(), 1000).is_proved());
}

/// `relation r(X:node)`, `after init { r(X) := true }`, an action that
/// changes nothing and `assert r(n)`, with the invariant `r(X)` (explicit
/// or not) and an unrelated invariant before it.
fn keep(explicit: bool) -> System {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let r = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("r"),
        vec![node],
        SortId::BOOL,
        Role::State,
    ));
    let n = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("a.n"),
        vec![],
        node,
        Role::Local,
    ));
    let x = Var::new("X", node);
    let mut sys = System::new(sig);
    sys.init = Cmd::assign(r, vec![x], Term::tru());
    sys.actions.push(Action {
        name: Symbol::intern("a"),
        params: vec![n],
        returns: vec![],
        body: Cmd::Assert(
            Term::app(r, vec![Term::constant(n)]),
            AssertInfo::new(AssertKind::Assert, sp(50)),
        ),
        span: sp(5),
        exported: true,
        internal: false,
    });
    sys.invariants
        .push(Property::new(Some("triv"), Term::tru(), sp(60)));
    let mut inv = Property::new(
        Some("all"),
        Term::forall(vec![x], Term::app(r, vec![Term::var(x)])),
        sp(70),
    );
    inv.explicit = explicit;
    sys.invariants.push(inv);
    sys
}

#[test]
fn explicit_invariants_are_checked_but_never_assumed() {
    for explicit in [false, true] {
        let obs = obligations(&keep(explicit));
        let titles: Vec<String> = obs.iter().map(|o| o.title()).collect();
        assert_eq!(
            titles,
            vec![
                "initiation of [triv] in init",
                "initiation of [all] in init",
                "consecution of [triv] in a",
                "consecution of [all] in a",
                "assertion (assert) of r(a.n) in a",
            ]
        );
        let proved: Vec<bool> = obs
            .iter()
            .map(|o| discharge(o, &mut brute(), 1000).is_proved())
            .collect();
        // Explicit: initiation holds, but neither its own consecution nor
        // the assertion may assume it (ms-ivy fails both).
        let expect = if explicit {
            vec![true, true, true, false, false]
        } else {
            vec![true; 5]
        };
        assert_eq!(proved, expect, "explicit = {explicit}");
        // The hypotheses' sources skip the explicit invariant.
        let pre: Vec<HypSource> = obs[4]
            .hyp_sources
            .iter()
            .copied()
            .filter(|s| matches!(s, HypSource::Invariant(_)))
            .collect();
        let expect = if explicit {
            vec![HypSource::Invariant(0)]
        } else {
            vec![HypSource::Invariant(0), HypSource::Invariant(1)]
        };
        assert_eq!(pre, expect);
        assert_eq!(obs[4].hyp_sources.len(), obs[4].hypotheses.len());
    }
}
