//! Unit tests of ivyc-logic: constructors, printing, substitution, wlp,
//! passive form, model evaluation and the brute-force solver.
#![allow(clippy::unwrap_used)]

use ivyc_base::Symbol;
use ivyc_logic::brute::BruteForce;
use ivyc_logic::passive::passify;
use ivyc_logic::wp::wlp;
use ivyc_logic::*;
use std::collections::HashMap;

struct Fix {
    sig: Signature,
    node: SortId,
    r: SymId,
    n: SymId,
    f: SymId,
    x: Var,
    y: Var,
}

fn fix() -> Fix {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let r = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("r"),
        vec![node],
        SortId::BOOL,
        Role::State,
    ));
    let n = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("n"),
        vec![],
        node,
        Role::Local,
    ));
    let f = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("f"),
        vec![node],
        node,
        Role::State,
    ));
    Fix {
        sig,
        node,
        r,
        n,
        f,
        x: Var::new("X", node),
        y: Var::new("Y", node),
    }
}

#[test]
fn smart_constructors() {
    let fx = fix();
    let a = Term::app(fx.r, vec![Term::var(fx.x)]);
    assert_eq!(Term::and([Term::tru(), a.clone()]), a);
    assert!(Term::and([Term::fls(), a.clone()]).is_false());
    assert_eq!(Term::not(Term::not(a.clone())), a);
    assert_eq!(Term::forall(vec![], a.clone()), a);
    assert!(Term::implies(Term::fls(), a.clone()).is_true());
    let nested = Term::and([Term::and([a.clone(), Term::tru()]), Term::not(a.clone())]);
    assert_eq!(nested.conjuncts().len(), 2);
    assert!(Term::or(Vec::<Term>::new()).is_false());
    // Spans are ignored by equality.
    let sp = ivyc_base::Span::new(ivyc_base::FileId(0), 1, 2);
    assert_eq!(a.clone().with_span(Some(sp)), a);
}

#[test]
fn pretty_printing() {
    let fx = fix();
    let (x, y) = (Term::var(fx.x), Term::var(fx.y));
    let rx = Term::app(fx.r, vec![x.clone()]);
    let ry = Term::app(fx.r, vec![y.clone()]);
    let inv = Term::forall(
        vec![fx.x, fx.y],
        Term::implies(Term::and([rx.clone(), ry]), Term::eq(x.clone(), y.clone())),
    );
    assert_eq!(
        inv.pretty(&fx.sig),
        "forall X:node, Y:node. r(X) & r(Y) -> X = Y"
    );
    let n = Term::constant(fx.n);
    let t = Term::and([
        Term::or([rx.clone(), Term::not(Term::eq(x.clone(), n.clone()))]),
        Term::not(Term::and([rx.clone(), rx.clone().with_span(None)])),
        Term::exists(vec![fx.y], Term::eq(Term::app(fx.f, vec![y]), n.clone())),
    ]);
    assert_eq!(
        t.pretty(&fx.sig),
        "(r(X) | X ~= n) & ~r(X) & (exists Y:node. f(Y) = n)"
    );
    let ite = Term::ite(Term::eq(x.clone(), n.clone()), Term::tru(), rx.clone());
    assert_eq!(ite.pretty(&fx.sig), "(true if X = n else r(X))");
    let rn = Term::app(fx.r, vec![n.clone()]);
    let imp = Term::implies(
        Term::implies(rx.clone(), rn.clone()),
        Term::iff(rx.clone(), rn.clone()),
    );
    assert_eq!(imp.pretty(&fx.sig), "(r(X) -> r(n)) -> (r(X) <-> r(n))");
    let imp2 = Term::implies(rx.clone(), Term::implies(rn.clone(), rx));
    assert_eq!(imp2.pretty(&fx.sig), "r(X) -> r(n) -> r(X)");
}

#[test]
fn free_vars_and_symbols() {
    let fx = fix();
    let t = Term::and([
        Term::app(fx.r, vec![Term::var(fx.x)]),
        Term::forall(
            vec![fx.x],
            Term::eq(Term::app(fx.f, vec![Term::var(fx.x)]), Term::var(fx.y)),
        ),
    ]);
    assert_eq!(t.free_vars(), vec![fx.x, fx.y]);
    assert_eq!(t.symbols(), vec![fx.r, fx.f]);
    assert!(t.check_sorts(&fx.sig).is_ok());
    let bad = Term::app(fx.r, vec![Term::tru()]);
    assert!(bad.check_sorts(&fx.sig).is_err());
}

#[test]
fn substitution_avoids_capture() {
    let fx = fix();
    // (forall Y. f(X) = Y)[X := Y]  ==>  forall Y#1. f(Y) = Y#1
    let t = Term::forall(
        vec![fx.y],
        Term::eq(Term::app(fx.f, vec![Term::var(fx.x)]), Term::var(fx.y)),
    );
    let mut m = HashMap::new();
    m.insert(fx.x, Term::var(fx.y));
    let s = t.subst_vars(&m);
    assert_eq!(s.pretty(&fx.sig), "forall Y#1:node. f(Y) = Y#1");
    // Bound occurrences are not substituted.
    let mut m = HashMap::new();
    m.insert(fx.y, Term::constant(fx.n));
    assert_eq!(t.subst_vars(&m), t);
}

#[test]
fn symbol_substitution_by_lambda() {
    let fx = fix();
    // r(X) := X = n | r(X), applied to forall Y. r(f(Y))
    let x = Term::var(fx.x);
    let upd = Lambda::new(
        vec![fx.x],
        Term::or([
            Term::eq(x.clone(), Term::constant(fx.n)),
            Term::app(fx.r, vec![x]),
        ]),
    );
    let t = Term::forall(
        vec![fx.y],
        Term::app(fx.r, vec![Term::app(fx.f, vec![Term::var(fx.y)])]),
    );
    let mut m = HashMap::new();
    m.insert(fx.r, upd);
    assert_eq!(
        t.subst_symbols(&m).pretty(&fx.sig),
        "forall Y:node. f(Y) = n | r(f(Y))"
    );
}

fn leader_update(fx: &Fix) -> Cmd {
    let x = Term::var(fx.x);
    Cmd::assign(
        fx.r,
        vec![fx.x],
        Term::ite(
            Term::eq(x.clone(), Term::constant(fx.n)),
            Term::tru(),
            Term::app(fx.r, vec![x]),
        ),
    )
}

fn at_most_one(fx: &Fix) -> Term {
    let (x, y) = (Term::var(fx.x), Term::var(fx.y));
    Term::forall(
        vec![fx.x, fx.y],
        Term::implies(
            Term::and([
                Term::app(fx.r, vec![x.clone()]),
                Term::app(fx.r, vec![y.clone()]),
            ]),
            Term::eq(x, y),
        ),
    )
}

#[test]
fn wlp_of_update_and_havoc() {
    let mut fx = fix();
    let cmd = Cmd::seq([
        Cmd::Assume(Term::forall(
            vec![fx.x],
            Term::not(Term::app(fx.r, vec![Term::var(fx.x)])),
        )),
        leader_update(&fx),
    ]);
    let post = at_most_one(&fx);
    let w = wlp(&mut fx.sig, &cmd, post.clone());
    insta::assert_snapshot!(w.pretty(&fx.sig), @"(forall X:node. ~r(X)) -> (forall X:node, Y:node. (true if X = n else r(X)) & (true if Y = n else r(Y)) -> X = Y)");
    let h = wlp(&mut fx.sig, &Cmd::Havoc(fx.r), post);
    assert!(h.pretty(&fx.sig).contains("r#1(X)"));
}

#[test]
fn passive_form_of_choice() {
    let mut fx = fix();
    let n = Term::constant(fx.n);
    let cmd = Cmd::seq([
        Cmd::if_then_else(
            Term::app(fx.r, vec![n.clone()]),
            leader_update(&fx),
            Cmd::Havoc(fx.f),
        ),
        Cmd::Assert(
            Term::app(fx.r, vec![n]),
            AssertInfo::new(AssertKind::Assert, None),
        ),
    ]);
    let p = passify(&mut fx.sig, &cmd);
    let mode = |_: &AssertInfo, _: usize| AssertMode::Assume;
    let n_formula = p.body.transition(&mode);
    insta::assert_snapshot!(n_formula.pretty(&fx.sig), @"(r(n) & (forall X:node. r#1(X) <-> (true if X = n else r(X))) & (forall X0:node. r#2(X0) <-> r#1(X0)) & (forall X0:node. f#2(X0) = f(X0)) | ~r(n) & (forall X0:node. r#2(X0) <-> r(X0)) & (forall X0:node. f#2(X0) = f#1(X0))) & r#2(n)");
    assert_eq!(
        p.final_versions
            .values()
            .map(|&s| fx.sig.symbol_name(s))
            .collect::<Vec<_>>(),
        vec!["r#2", "f#2"]
    );
    let check = |_: &AssertInfo, _: usize| AssertMode::Check;
    let (hyps, goal, versions) = p.body.split_failure(&check);
    assert_eq!(hyps.len(), 1);
    assert_eq!(goal.pretty(&fx.sig), "r#2(n)");
    assert!(versions.is_some());
}

#[test]
fn model_evaluation() {
    let fx = fix();
    let mut m = Model::new();
    m.universes.insert(fx.node, 2);
    let e = |i| Value::Elem(fx.node, i);
    m.set(fx.r, vec![e(0)], Value::Bool(true));
    m.set(fx.r, vec![e(1)], Value::Bool(true));
    m.set_default(fx.n, e(1));
    assert!(!m.eval_bool(&fx.sig, &at_most_one(&fx)).unwrap());
    let rn = Term::app(fx.r, vec![Term::constant(fx.n)]);
    assert!(m.eval_bool(&fx.sig, &rn).unwrap());
    assert_eq!(e(1).name(&fx.sig), "node1");
    assert_eq!(m.table(&fx.sig, fx.r).len(), 2);
    assert_eq!(
        m.eval(&fx.sig, &Term::app(fx.f, vec![Term::constant(fx.n)])),
        Err(EvalError::Uninterpreted(fx.f))
    );
}

#[test]
fn brute_force_solver() {
    let fx = fix();
    let mut s = BruteForce {
        exhaustive_means_unsat: true,
        ..BruteForce::default()
    };
    // r(n) & at_most_one => forall X. r(X) -> X = n : valid.
    let rn = Term::app(fx.r, vec![Term::constant(fx.n)]);
    let goal = Term::forall(
        vec![fx.x],
        Term::implies(
            Term::app(fx.r, vec![Term::var(fx.x)]),
            Term::eq(Term::var(fx.x), Term::constant(fx.n)),
        ),
    );
    let hyps = vec![rn.clone(), at_most_one(&fx)];
    assert_eq!(s.check(&fx.sig, &hyps, &goal, 0), Answer::Unsat);
    // Without at_most_one it fails, with two elements.
    match s.check(&fx.sig, &[rn], &goal, 0) {
        Answer::Sat(m) => assert_eq!(m.universes.get(&fx.node), Some(&2)),
        other => panic!("expected sat, got {other:?}"),
    }
}

#[test]
fn while_loop_encoding() {
    let fx = fix();
    let cond = Term::not(Term::app(fx.r, vec![Term::constant(fx.n)]));
    let inv = (
        at_most_one(&fx),
        AssertInfo::new(AssertKind::LoopInvariant, None),
    );
    let c = Cmd::while_loop(cond, vec![inv], None, leader_update(&fx));
    assert_eq!(c.modified_symbols(), vec![fx.r]);
    assert_eq!(c.assertions().len(), 2);
    insta::assert_snapshot!(c.pretty(&fx.sig), @r"
    assert[invariant] forall X:node, Y:node. r(X) & r(Y) -> X = Y
    havoc r
    assume forall X:node, Y:node. r(X) & r(Y) -> X = Y
    {
        assume ~r(n)
        r(X) := (true if X = n else r(X))
        assert[invariant] forall X:node, Y:node. r(X) & r(Y) -> X = Y
        assume false
    } or {
        assume r(n)
    }
    ");
}

/// `while 0 < i decreases i { i := i - d }` over `int`, with the rank
/// symbol and the two variant checks built as sema builds them.
fn countdown(d: i128) -> (Signature, Cmd, SymId) {
    // (The brute-force solver has no integers: the checks themselves are
    // tested with Z3 end to end, tests/data/soundness.)
    let mut sig = Signature::new();
    let int = sig.add_sort(SortDecl {
        name: Symbol::intern("int"),
        kind: SortKind::Int,
        span: None,
    });
    let local = |sig: &mut Signature, name: &str| {
        sig.add_symbol(SymbolDecl::new(
            Symbol::intern(name),
            vec![],
            int,
            Role::Local,
        ))
    };
    let i = local(&mut sig, "i");
    let rank = local(&mut sig, "$rank");
    let iv = Term::constant(i);
    let zero = Term::num(0, int);
    let lt = |a: Term, b: Term| Term::builtin(BuiltinOp::Lt, vec![a, b]);
    let variant = LoopVariant {
        rank,
        measure: iv.clone(),
        bounded: (
            Term::not(lt(iv.clone(), zero.clone())),
            AssertInfo::new(AssertKind::VariantBounded, None),
        ),
        decreases: (
            lt(iv.clone(), Term::constant(rank)),
            AssertInfo::new(AssertKind::VariantDecreases, None),
        ),
    };
    let body = Cmd::assign(
        i,
        vec![],
        Term::builtin(BuiltinOp::Sub, vec![iv.clone(), Term::num(d, int)]),
    );
    let c = Cmd::while_loop(lt(zero, iv), vec![], Some(variant), body);
    (sig, c, i)
}

#[test]
fn while_loop_with_variant_encoding() {
    let (sig, c, i) = countdown(1);
    // The rank is set after the havoc of the modified state, checked
    // before (bounded) and after (decreases) the body.
    assert_eq!(
        c.modified_symbols(),
        vec![i, sig.lookup_symbol("$rank").unwrap()]
    );
    let kinds: Vec<AssertKind> = c.assertions().iter().map(|(_, k)| k.kind).collect();
    assert_eq!(
        kinds,
        vec![AssertKind::VariantBounded, AssertKind::VariantDecreases]
    );
    assert!(kinds.iter().all(|k| k.is_variant()));
    insta::assert_snapshot!(c.pretty(&sig), @r"
    havoc i
    havoc $rank
    assume $rank = i
    {
        assume 0 < i
        assert[variant-bounded] ~i < 0
        i := i - 1
        assert[variant-decreases] i < $rank
        assume false
    } or {
        assume ~0 < i
    }
    ");
}

#[test]
fn substitution_renames_nested_binders_consistently() {
    let fx = fix();
    let y1 = Var::new("Y#1", fx.node);
    // (forall Y. exists Y#1. f(X) = Y & Y#1 = Y)[X := Y]
    let t = Term::forall(
        vec![fx.y],
        Term::exists(
            vec![y1],
            Term::and([
                Term::eq(Term::app(fx.f, vec![Term::var(fx.x)]), Term::var(fx.y)),
                Term::eq(Term::var(y1), Term::var(fx.y)),
            ]),
        ),
    );
    let mut m = HashMap::new();
    m.insert(fx.x, Term::var(fx.y));
    assert_eq!(
        t.subst_vars(&m).pretty(&fx.sig),
        "forall Y#1:node. exists Y#2:node. f(Y) = Y#1 & Y#2 = Y#1"
    );
}

#[test]
fn enum_sorts_evaluate() {
    let mut sig = Signature::new();
    let (color, ctors) = sig.add_enum_sort(
        Symbol::intern("color"),
        &[Symbol::intern("red"), Symbol::intern("green")],
        None,
    );
    let c = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("c"),
        vec![],
        color,
        Role::State,
    ));
    let v = Var::new("V", color);
    let mut m = Model::new();
    m.set_default(c, Value::Enum(color, 1));
    let is_green = Term::eq(Term::constant(c), Term::constant(ctors[1]));
    assert!(m.eval_bool(&sig, &is_green).unwrap());
    let two = Term::forall(
        vec![v],
        Term::or([
            Term::eq(Term::var(v), Term::constant(ctors[0])),
            Term::eq(Term::var(v), Term::constant(ctors[1])),
        ]),
    );
    assert!(m.eval_bool(&sig, &two).unwrap());
    assert_eq!(Value::Enum(color, 0).name(&sig), "red");
}

#[test]
fn passive_form_is_linear_in_sequential_ifs() {
    let mut fx = fix();
    let n = Term::constant(fx.n);
    let k = 200;
    let mut cmds = Vec::new();
    for _ in 0..k {
        cmds.push(Cmd::if_then_else(
            Term::app(fx.r, vec![n.clone()]),
            leader_update(&fx),
            Cmd::assign(fx.f, vec![fx.x], Term::constant(fx.n)),
        ));
    }
    cmds.push(Cmd::Assert(
        Term::app(fx.r, vec![n]),
        AssertInfo::new(AssertKind::Assert, None),
    ));
    let cmd = Cmd::seq(cmds);
    let p = passify(&mut fx.sig, &cmd);
    let mode = |_: &AssertInfo, _: usize| AssertMode::Check;
    let size = p.body.transition(&mode).size() + p.body.failure(&mode).size();
    assert!(size < 200 * k, "size {size}");
    let (hyps, goal, _) = p.body.split_failure(&mode);
    assert_eq!(hyps.len(), k);
    assert!(goal.size() < 10);
}

#[test]
fn wlp_and_passive_agree_on_small_models() {
    // For a few commands, `wlp(c, Q)` is valid iff `N(c) => Q[final]` is
    // (checked by brute force over tiny universes).
    let fx = fix();
    let n = Term::constant(fx.n);
    let cmds = vec![
        leader_update(&fx),
        Cmd::seq([Cmd::Havoc(fx.r), leader_update(&fx)]),
        Cmd::if_then_else(
            Term::app(fx.r, vec![n.clone()]),
            Cmd::Skip,
            leader_update(&fx),
        ),
        Cmd::seq([
            Cmd::Assume(Term::forall(
                vec![fx.x],
                Term::not(Term::app(fx.r, vec![Term::var(fx.x)])),
            )),
            leader_update(&fx),
        ]),
    ];
    let posts = vec![at_most_one(&fx), Term::app(fx.r, vec![n])];
    let mut solver = BruteForce {
        exhaustive_means_unsat: true,
        ..BruteForce::default()
    };
    for c in &cmds {
        for q in &posts {
            let mut s1 = fx.sig.clone();
            let w = wlp(&mut s1, c, q.clone());
            let a1 = solver.check(&s1, &[], &w, 0);
            let mut s2 = fx.sig.clone();
            let p = passify(&mut s2, c);
            let mode = |_: &AssertInfo, _: usize| AssertMode::Assume;
            let ren: HashMap<SymId, SymId> =
                p.final_versions.iter().map(|(&a, &b)| (a, b)).collect();
            let a2 = solver.check(
                &s2,
                &p.body.transition_conjuncts(&mode),
                &q.rename_symbols(&ren),
                0,
            );
            assert_eq!(
                a1 == Answer::Unsat,
                a2 == Answer::Unsat,
                "{}",
                c.pretty(&fx.sig)
            );
        }
    }
}

#[test]
fn definitions_expand() {
    let mut fx = fix();
    // d(X) = r(X) & e(X);  e(X) = X = n
    let d = fx.sig.add_symbol(SymbolDecl::new(
        Symbol::intern("d"),
        vec![fx.node],
        SortId::BOOL,
        Role::State,
    ));
    let e = fx.sig.add_symbol(SymbolDecl::new(
        Symbol::intern("e"),
        vec![fx.node],
        SortId::BOOL,
        Role::Rigid,
    ));
    let x = Term::var(fx.x);
    let mut defs = HashMap::new();
    defs.insert(
        d,
        Lambda::new(
            vec![fx.x],
            Term::and([
                Term::app(fx.r, vec![x.clone()]),
                Term::app(e, vec![x.clone()]),
            ]),
        ),
    );
    defs.insert(
        e,
        Lambda::new(vec![fx.x], Term::eq(x.clone(), Term::constant(fx.n))),
    );
    let mut sys = System::new(fx.sig.clone());
    sys.invariants.push(Property::new(
        None,
        Term::forall(vec![fx.y], Term::app(d, vec![Term::var(fx.y)])),
        None,
    ));
    sys.expand_definitions(&defs).unwrap();
    assert_eq!(
        sys.invariants[0].formula.pretty(&sys.sig),
        "forall Y:node. r(Y) & Y = n"
    );
    let mut rec = HashMap::new();
    rec.insert(d, Lambda::new(vec![fx.x], Term::app(d, vec![x])));
    assert_eq!(sys.expand_definitions(&rec), Err(d));
}
