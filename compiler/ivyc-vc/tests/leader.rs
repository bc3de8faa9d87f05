//! VC generation tests on tiny hand-built systems (leader election toy),
//! discharged with the brute-force finite-model solver, plus ordering of
//! `discharge_all` with a fake solver.
#![allow(clippy::unwrap_used)]

use ivyc_base::{FileId, Span, Symbol};
use ivyc_logic::brute::BruteForce;
use ivyc_logic::*;
use ivyc_vc::*;

struct Leader {
    sys: System,
}

fn sp(a: usize) -> Option<Span> {
    Some(Span::new(FileId(0), a, a + 1))
}

/// type node; relation leader(N:node)
/// after init { leader(N) := false }
/// action elect(n:node) = { require ~leader(N); leader(n) := true }
/// invariant [one_leader] leader(X) & leader(Y) -> X = Y
fn leader(with_require: bool, extra: Vec<Cmd>) -> Leader {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let ld = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("leader"),
        vec![node],
        SortId::BOOL,
        Role::State,
    ));
    let n = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("elect.n"),
        vec![],
        node,
        Role::Local,
    ));
    let (x, y) = (Var::new("X", node), Var::new("Y", node));
    let (tx, ty) = (Term::var(x), Term::var(y));
    let init = Cmd::assign(ld, vec![x], Term::fls());
    let mut body = Vec::new();
    if with_require {
        body.push(Cmd::Assert(
            Term::forall(vec![x], Term::not(Term::app(ld, vec![tx.clone()]))),
            AssertInfo::new(AssertKind::Require, sp(10)),
        ));
    }
    body.push(Cmd::assign(
        ld,
        vec![x],
        Term::ite(
            Term::eq(tx.clone(), Term::constant(n)),
            Term::tru(),
            Term::app(ld, vec![tx.clone()]),
        ),
    ));
    body.extend(extra);
    let inv = Term::forall(
        vec![x, y],
        Term::implies(
            Term::and([
                Term::app(ld, vec![tx.clone()]),
                Term::app(ld, vec![ty.clone()]),
            ]),
            Term::eq(tx, ty),
        ),
    );
    let mut sys = System::new(sig);
    sys.init = init;
    sys.actions.push(Action {
        name: Symbol::intern("elect"),
        params: vec![n],
        returns: vec![],
        body: Cmd::seq(body),
        span: sp(5),
        exported: true,
        internal: false,
    });
    sys.invariants
        .push(Property::new(Some("one_leader"), inv, sp(20)));
    Leader { sys }
}

fn brute() -> BruteForce {
    BruteForce {
        exhaustive_means_unsat: true,
        ..BruteForce::default()
    }
}

fn all_pretty(obs: &[Obligation]) -> String {
    obs.iter()
        .map(|o| o.pretty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn leader_obligations() {
    let l = leader(true, vec![]);
    let obs = obligations(&l.sys);
    insta::assert_snapshot!(all_pretty(&obs), @r"
    #0 initiation of [one_leader] in init
      hyp  forall X:node. ~leader#1(X)
      goal forall X:node, Y:node. leader#1(X) & leader#1(Y) -> X = Y
      post leader->leader#1

    #1 consecution of [one_leader] in elect
      hyp  forall X:node, Y:node. leader(X) & leader(Y) -> X = Y
      hyp  forall X:node. ~leader(X)
      hyp  forall X:node. leader#1(X) <-> (true if X = elect.n else leader(X))
      goal forall X:node, Y:node. leader#1(X) & leader#1(Y) -> X = Y
      post leader->leader#1
    ");
    let outs: Vec<Outcome> = obs
        .iter()
        .map(|o| discharge(o, &mut brute(), 1000))
        .collect();
    assert!(outs.iter().all(Outcome::is_proved), "{outs:?}");
}

#[test]
fn leader_without_require_fails_with_pre_and_post() {
    let l = leader(false, vec![]);
    let obs = obligations(&l.sys);
    assert_eq!(obs.len(), 2);
    assert!(discharge(&obs[0], &mut brute(), 1000).is_proved());
    let Outcome::Failed(cex) = discharge(&obs[1], &mut brute(), 1000) else {
        panic!("expected a counterexample")
    };
    insta::assert_snapshot!(cex.pretty(&obs[1].sig), @r"
    node = {node0, node1}
    action elect(elect.n = node0)
    pre-state:
        leader(node0) = false
        leader(node1) = true
    post-state:
        leader(node0) = true
        leader(node1) = true
    @X = node0
    @Y = node1
    false: #0 forall X:node, Y:node. leader(X) & leader(Y) -> X = Y
    ");
    assert_eq!(cex.failed_conjuncts.len(), 1);
}

#[test]
fn assertions_are_checked_with_earlier_ones_assumed() {
    // After the update: assert leader(n) (true), then ensure ~leader(n) (false).
    let base = leader(true, vec![]);
    let ld = base.sys.sig.lookup_symbol("leader").unwrap();
    let n = base.sys.sig.lookup_symbol("elect.n").unwrap();
    let ln = Term::app(ld, vec![Term::constant(n)]);
    let l = leader(
        true,
        vec![
            Cmd::Assert(ln.clone(), AssertInfo::new(AssertKind::Assert, sp(30))),
            Cmd::Assert(Term::not(ln), AssertInfo::new(AssertKind::Ensure, sp(40))),
        ],
    );
    let obs = obligations(&l.sys);
    assert_eq!(obs.len(), 4);
    insta::assert_snapshot!(obs[2].pretty() + "\n" + &obs[3].pretty(), @r"
    #2 assertion (assert) of leader(elect.n) in elect
      hyp  forall X:node, Y:node. leader(X) & leader(Y) -> X = Y
      hyp  forall X:node. ~leader(X)
      hyp  forall X:node. leader#1(X) <-> (true if X = elect.n else leader(X))
      goal leader#1(elect.n)
      post leader->leader#1

    #3 assertion (ensure) of ~leader(elect.n) in elect
      hyp  forall X:node, Y:node. leader(X) & leader(Y) -> X = Y
      hyp  forall X:node. ~leader(X)
      hyp  forall X:node. leader#1(X) <-> (true if X = elect.n else leader(X))
      hyp  leader#1(elect.n)
      goal ~leader#1(elect.n)
      post leader->leader#1
    ");
    let outs = discharge_all(&obs, brute, 2, 1000);
    assert!(outs[0].is_proved() && outs[1].is_proved() && outs[2].is_proved());
    let Outcome::Failed(cex) = &outs[3] else {
        panic!("ensure must fail")
    };
    assert_eq!(cex.args.len(), 1);
    assert!(cex.failed_conjuncts.len() == 1);
}

#[test]
fn assertion_inside_choice_and_loop() {
    // if leader(n) { assert leader(n) } else { skip }; while ~leader(n) inv one_leader { leader(n) := true }
    let base = leader(true, vec![]);
    let sig = &base.sys.sig;
    let ld = sig.lookup_symbol("leader").unwrap();
    let n = sig.lookup_symbol("elect.n").unwrap();
    let node = sig.lookup_sort("node").unwrap();
    let x = Var::new("X", node);
    let ln = Term::app(ld, vec![Term::constant(n)]);
    let upd = Cmd::assign(
        ld,
        vec![x],
        Term::ite(
            Term::eq(Term::var(x), Term::constant(n)),
            Term::tru(),
            Term::app(ld, vec![Term::var(x)]),
        ),
    );
    // Inductive for the loop: every leader is n.
    let only_n = Term::forall(
        vec![x],
        Term::implies(
            Term::app(ld, vec![Term::var(x)]),
            Term::eq(Term::var(x), Term::constant(n)),
        ),
    );
    let l = leader(
        true,
        vec![
            Cmd::if_then_else(
                ln.clone(),
                Cmd::Assert(ln.clone(), AssertInfo::new(AssertKind::Assert, sp(50))),
                Cmd::Skip,
            ),
            Cmd::while_loop(
                Term::not(ln.clone()),
                vec![(only_n, AssertInfo::new(AssertKind::LoopInvariant, sp(60)))],
                None,
                upd.clone(),
            ),
            Cmd::Assert(ln.clone(), AssertInfo::new(AssertKind::Assert, sp(70))),
        ],
    );
    let obs = obligations(&l.sys);
    // init + consecution + assert@50 + loop invariant@60 (two occurrences, one
    // obligation) + assert@70.
    assert_eq!(obs.len(), 5);
    assert_eq!(obs[3].assert_kind, Some(AssertKind::LoopInvariant));
    let outs = discharge_all(&obs, brute, 3, 1000);
    assert!(outs.iter().all(Outcome::is_proved), "{outs:?}");

    // The safety invariant alone is not a loop invariant: the failure is
    // reported in the state after the loop body, not at loop entry.
    let inv = base.sys.invariants[0].formula.clone();
    let l = leader(
        true,
        vec![Cmd::while_loop(
            Term::not(ln),
            vec![(inv, AssertInfo::new(AssertKind::LoopInvariant, sp(60)))],
            None,
            upd,
        )],
    );
    let obs = obligations(&l.sys);
    assert_eq!(obs.len(), 3);
    assert_eq!(obs[2].other_posts.len(), 1);
    let Outcome::Failed(cex) = discharge(&obs[2], &mut brute(), 1000) else {
        panic!("loop invariant must fail")
    };
    insta::assert_snapshot!(cex.pretty(&obs[2].sig), @r"
    node = {node0, node1}
    action elect(elect.n = node1)
    pre-state:
        leader(node0) = false
        leader(node1) = false
    post-state:
        leader(node0) = true
        leader(node1) = true
    @X = node0
    @Y = node1
    false: #0 forall X:node, Y:node. leader(X) & leader(Y) -> X = Y
    ");
}

/// A fake solver: answers from the goal size, sleeping a little so threads
/// interleave; never proves anything it was not told is unsat.
struct Fake;

impl Solver for Fake {
    fn check(&mut self, _sig: &Signature, hyps: &[Term], _goal: &Term, _t: u64) -> Answer {
        std::thread::sleep(std::time::Duration::from_millis(
            (hyps.len() as u64 * 7) % 5,
        ));
        if hyps.len().is_multiple_of(2) {
            Answer::Unsat
        } else {
            Answer::Unknown(Reason::Timeout)
        }
    }
}

#[test]
fn discharge_all_is_ordered() {
    let l = leader(true, vec![]);
    let mut obs = Vec::new();
    for _ in 0..10 {
        obs.extend(obligations(&l.sys));
    }
    let seq: Vec<Outcome> = obs.iter().map(|o| discharge(o, &mut Fake, 0)).collect();
    for jobs in [1, 3, 8, 100] {
        assert_eq!(discharge_all(&obs, || Fake, jobs, 0), seq);
    }
    assert!(discharge_all(&[], || Fake, 4, 0).is_empty());
}

struct Panicky;

impl Solver for Panicky {
    fn check(&mut self, _sig: &Signature, _h: &[Term], _g: &Term, _t: u64) -> Answer {
        panic!("boom")
    }
}

#[test]
fn panicking_solver_is_unknown_not_proved() {
    let l = leader(true, vec![]);
    let obs = obligations(&l.sys);
    let outs = discharge_all(&obs, || Panicky, 2, 0);
    assert!(outs
        .iter()
        .all(|o| matches!(o, Outcome::Unknown(Reason::Error(_)))));
}

#[test]
fn program_assertions_are_ignored_by_consecution() {
    // Ivy 1.7: `leader(n) := true; assert false` without require fails both
    // the invariant (the assert is not assumed) and the assertion.
    let l = leader(
        false,
        vec![Cmd::Assert(
            Term::fls(),
            AssertInfo::new(AssertKind::Assert, sp(7)),
        )],
    );
    let obs = obligations(&l.sys);
    let kinds: Vec<ObligationKind> = obs.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ObligationKind::Initiation,
            ObligationKind::Consecution,
            ObligationKind::Assertion
        ]
    );
    let outs = discharge_all(&obs, brute, 2, 1000);
    assert!(outs[0].is_proved());
    assert!(matches!(outs[1], Outcome::Failed(_)));
    assert!(matches!(outs[2], Outcome::Failed(_)));
}

#[test]
fn init_assertions_assume_axioms_only() {
    let mut l = leader(true, vec![]);
    let ld = l.sys.sig.lookup_symbol("leader").unwrap();
    let node = l.sys.sig.lookup_sort("node").unwrap();
    let x = Var::new("X", node);
    let none = Term::forall(vec![x], Term::not(Term::app(ld, vec![Term::var(x)])));
    l.sys.init = Cmd::seq([
        l.sys.init.clone(),
        Cmd::Assert(none, AssertInfo::new(AssertKind::Assert, sp(3))),
    ]);
    let obs = obligations(&l.sys);
    assert_eq!(obs[1].kind, ObligationKind::Assertion);
    assert_eq!(obs[1].action, None);
    assert!(!obs[1].has_pre);
    insta::assert_snapshot!(obs[1].pretty(), @r"
    #1 assertion (assert) of forall X:node. ~leader(X) in init
      hyp  forall X:node. ~leader#1(X)
      goal forall X:node. ~leader#1(X)
      post leader->leader#1
    ");
    assert!(discharge(&obs[1], &mut brute(), 0).is_proved());
}

/// A property is one obligation from the axioms and the lemmas only, then a
/// hypothesis of every other obligation (after the axioms, before the
/// invariants), with its source recorded for the fragment checker.
#[test]
fn properties_are_proved_once_then_assumed() {
    let mut l = leader(true, vec![]);
    let node = l.sys.sig.lookup_sort("node").unwrap();
    let x = Var::new("X", node);
    let trivial = Term::forall(vec![x], Term::eq(Term::var(x), Term::var(x)));
    l.sys
        .axioms
        .push(Property::new(Some("ax"), Term::tru(), sp(1)));
    l.sys
        .properties
        .push(Property::new(Some("p"), trivial.clone(), sp(2)));
    l.sys
        .lemmas
        .push(Property::new(Some("q"), trivial.clone(), sp(3)));
    let obs = obligations(&l.sys);
    assert_eq!(obs[0].kind, ObligationKind::Property);
    assert_eq!(
        obs[0].hyp_sources[..],
        [HypSource::Axiom(0), HypSource::Property(1)],
        "a property is proved from the axioms and the lemmas"
    );
    assert!(obs[1..].iter().all(|o| o.kind != ObligationKind::Property));
    let cons = obs
        .iter()
        .find(|o| o.kind == ObligationKind::Consecution)
        .unwrap();
    assert_eq!(
        &cons.hyp_sources[..4],
        &[
            HypSource::Axiom(0),
            HypSource::Property(0),
            HypSource::Property(1),
            HypSource::Invariant(0)
        ]
    );
    assert_eq!(cons.hypotheses[1], trivial);
}
