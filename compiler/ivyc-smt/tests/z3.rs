//! End-to-end tests of ivyc-smt against the real Z3: sat/unsat of
//! propositional and EPR formulas, leader election consecution, theories
//! (nat, bit vectors, enums), unknown answers, model decoding,
//! minimisation, session reuse and per-thread solvers.
#![allow(clippy::unwrap_used)]

use ivyc_base::Symbol;
use ivyc_logic::*;
use ivyc_smt::{render_model, with_fresh_context, Z3Options, Z3Solver};

// ---------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------

fn sym(sig: &mut Signature, name: &str, args: Vec<SortId>, ret: SortId, role: Role) -> SymId {
    sig.add_symbol(SymbolDecl::new(Symbol::intern(name), args, ret, role))
}

fn c(s: SymId) -> Term {
    Term::constant(s)
}

fn app(s: SymId, args: Vec<Term>) -> Term {
    Term::app(s, args)
}

fn v(x: Var) -> Term {
    Term::var(x)
}

fn num(n: i128, s: SortId) -> Term {
    Term::num(n, s)
}

fn op(o: BuiltinOp, a: Term, b: Term) -> Term {
    Term::builtin(o, vec![a, b])
}

fn model_of(a: &Answer) -> &Model {
    match a {
        Answer::Sat(m) => m,
        other => panic!("expected sat, got {other:?}"),
    }
}

/// The model satisfies all hyps and falsifies the goal (finite domains).
fn assert_countermodel(sig: &Signature, m: &Model, hyps: &[Term], goal: &Term) {
    for h in hyps {
        assert_eq!(
            m.eval_bool(sig, &h.clone().close_forall()),
            Ok(true),
            "hypothesis {} not satisfied",
            h.pretty(sig)
        );
    }
    assert_eq!(m.eval_bool(sig, &goal.clone().close_forall()), Ok(false));
}

const T: u64 = 10_000;

// ---------------------------------------------------------------------
// Propositional and EPR
// ---------------------------------------------------------------------

#[test]
fn propositional_sat_unsat() {
    let mut sig = Signature::new();
    let p = sym(&mut sig, "p", vec![], SortId::BOOL, Role::State);
    let q = sym(&mut sig, "q", vec![], SortId::BOOL, Role::State);
    let mut s = Z3Solver::new();
    // p, p -> q |= q
    let hyps = [c(p), Term::implies(c(p), c(q))];
    assert_eq!(s.check(&sig, &hyps, &c(q), T), Answer::Unsat);
    // p |/= q
    let a = s.check(&sig, &[c(p)], &c(q), T);
    let m = model_of(&a);
    assert_eq!(m.lookup(p, &[]), Some(&Value::Bool(true)));
    assert_eq!(m.lookup(q, &[]), Some(&Value::Bool(false)));
    // check_sat of a contradiction / of a satisfiable conjunction
    assert_eq!(
        s.check_sat(&sig, &[c(p), Term::not(c(p))], T),
        Answer::Unsat
    );
    assert!(matches!(
        s.check_sat(&sig, &[Term::or([c(p), c(q)])], T),
        Answer::Sat(_)
    ));
    // empty hypotheses, valid goal
    assert_eq!(
        s.check(&sig, &[], &Term::or([c(p), Term::not(c(p))]), T),
        Answer::Unsat
    );
}

#[test]
fn quantified_epr() {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let r = sym(&mut sig, "r", vec![node], SortId::BOOL, Role::State);
    let a = sym(&mut sig, "a", vec![], node, Role::Local);
    let x = Var::new("X", node);
    let mut s = Z3Solver::new();
    // forall X. r(X) |= r(a)
    let all = Term::forall(vec![x], app(r, vec![v(x)]));
    assert_eq!(s.check(&sig, &[all], &app(r, vec![c(a)]), T), Answer::Unsat);
    // exists X. r(X) |/= r(a): a countermodel has >= 2 elements
    let ex = Term::exists(vec![x], app(r, vec![v(x)]));
    let goal = app(r, vec![c(a)]);
    let ans = s.check(&sig, std::slice::from_ref(&ex), &goal, T);
    let m = model_of(&ans);
    assert!(m.universes[&node] >= 2);
    assert_countermodel(&sig, m, &[ex], &goal);
    // free variables in hypotheses are universally closed
    let free = app(r, vec![v(x)]);
    assert_eq!(
        s.check(&sig, &[free], &app(r, vec![c(a)]), T),
        Answer::Unsat
    );
    // the goal too: r(X) is not valid
    assert!(matches!(
        s.check(&sig, &[], &app(r, vec![v(x)]), T),
        Answer::Sat(_)
    ));
}

// ---------------------------------------------------------------------
// Leader election in a ring
// ---------------------------------------------------------------------

struct Leader {
    sig: Signature,
    node: SortId,
    id: SortId,
    leader_p: SymId,
    n: SymId,
    axioms: Vec<Term>,
    inv: Vec<Term>,
    send: Term,
    recv_ok: Term,
    recv_broken: Term,
    inv_p: Vec<Term>,
}

fn leader_election() -> Leader {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let id = sig.add_uninterpreted_sort("id");
    let b = SortId::BOOL;
    let le = sym(&mut sig, "le", vec![id, id], b, Role::Rigid);
    let idn = sym(&mut sig, "idn", vec![node], id, Role::Rigid);
    let btw = sym(&mut sig, "btw", vec![node, node, node], b, Role::Rigid);
    let leader = sym(&mut sig, "leader", vec![node], b, Role::State);
    let pending = sym(&mut sig, "pending", vec![id, node], b, Role::State);
    let leader_p = sig.fresh_copy(leader, Role::State);
    let pending_p = sig.fresh_copy(pending, Role::State);
    let n = sym(&mut sig, "n", vec![], node, Role::Local);
    let next = sym(&mut sig, "next", vec![], node, Role::Local);
    let m = sym(&mut sig, "m", vec![], id, Role::Local);

    let (ix, iy, iz) = (Var::new("I", id), Var::new("J", id), Var::new("K", id));
    let (w, x, y, z) = (
        Var::new("W", node),
        Var::new("X", node),
        Var::new("Y", node),
        Var::new("Z", node),
    );
    let le_ = |a: Term, b: Term| app(le, vec![a, b]);
    let idn_ = |a: Term| app(idn, vec![a]);
    let btw_ = |a: Term, b: Term, c: Term| app(btw, vec![a, b, c]);
    let axioms = vec![
        le_(v(ix), v(ix)),
        Term::implies(
            Term::and([le_(v(ix), v(iy)), le_(v(iy), v(iz))]),
            le_(v(ix), v(iz)),
        ),
        Term::implies(
            Term::and([le_(v(ix), v(iy)), le_(v(iy), v(ix))]),
            Term::eq(v(ix), v(iy)),
        ),
        Term::or([le_(v(ix), v(iy)), le_(v(iy), v(ix))]),
        Term::implies(Term::eq(idn_(v(x)), idn_(v(y))), Term::eq(v(x), v(y))),
        Term::implies(
            Term::and([btw_(v(w), v(x), v(y)), btw_(v(w), v(y), v(z))]),
            btw_(v(w), v(x), v(z)),
        ),
        Term::implies(btw_(v(w), v(x), v(y)), Term::not(btw_(v(w), v(y), v(x)))),
        Term::or([
            btw_(v(w), v(x), v(y)),
            btw_(v(w), v(y), v(x)),
            Term::eq(v(w), v(x)),
            Term::eq(v(w), v(y)),
            Term::eq(v(x), v(y)),
        ]),
        Term::implies(btw_(v(x), v(y), v(z)), btw_(v(y), v(z), v(x))),
    ];
    let inv_over = |leader: SymId, pending: SymId| -> Vec<Term> {
        let (s_, d_, n_) = (
            Var::new("S", node),
            Var::new("D", node),
            Var::new("N", node),
        );
        vec![
            Term::implies(
                Term::and([app(leader, vec![v(x)]), app(leader, vec![v(y)])]),
                Term::eq(v(x), v(y)),
            ),
            Term::implies(app(leader, vec![v(x)]), le_(idn_(v(y)), idn_(v(x)))),
            Term::implies(
                app(pending, vec![idn_(v(x)), v(x)]),
                le_(idn_(v(y)), idn_(v(x))),
            ),
            Term::implies(
                Term::and([
                    app(pending, vec![idn_(v(s_)), v(d_)]),
                    btw_(v(s_), v(n_), v(d_)),
                ]),
                le_(idn_(v(n_)), idn_(v(s_))),
            ),
        ]
        .into_iter()
        .map(Term::close_forall)
        .collect()
    };
    let inv = inv_over(leader, pending);
    let inv_p = inv_over(leader_p, pending_p);
    // next is the successor of n
    let succ = Term::forall(
        vec![z],
        Term::implies(
            Term::and([
                Term::not(Term::eq(v(z), c(n))),
                Term::not(Term::eq(v(z), c(next))),
            ]),
            btw_(c(n), c(next), v(z)),
        ),
    );
    let frame_leader = |extra: Term| {
        Term::forall(
            vec![x],
            Term::iff(
                app(leader_p, vec![v(x)]),
                Term::or([app(leader, vec![v(x)]), extra]),
            ),
        )
    };
    let frame_pending = |extra: Term| {
        Term::forall(
            vec![ix, x],
            Term::iff(
                app(pending_p, vec![v(ix), v(x)]),
                Term::or([app(pending, vec![v(ix), v(x)]), extra]),
            ),
        )
    };
    let send = Term::and([
        succ.clone(),
        frame_leader(Term::fls()),
        frame_pending(Term::and([
            Term::eq(v(ix), idn_(c(n))),
            Term::eq(v(x), c(next)),
        ])),
    ]);
    let forward = Term::and([
        Term::not(Term::eq(c(m), idn_(c(n)))),
        le_(idn_(c(n)), c(m)),
        Term::eq(v(ix), c(m)),
        Term::eq(v(x), c(next)),
    ]);
    let recv_ok = Term::and([
        succ.clone(),
        app(pending, vec![c(m), c(n)]),
        frame_leader(Term::and([
            Term::eq(v(x), c(n)),
            Term::eq(c(m), idn_(c(n))),
        ])),
        frame_pending(forward.clone()),
    ]);
    // Bug: any received id makes the receiver leader.
    let recv_broken = Term::and([
        succ,
        app(pending, vec![c(m), c(n)]),
        frame_leader(Term::eq(v(x), c(n))),
        frame_pending(forward),
    ]);
    Leader {
        sig,
        node,
        id,
        leader_p,
        n,
        axioms,
        inv,
        send,
        recv_ok,
        recv_broken,
        inv_p,
    }
}

fn consecution(l: &Leader, recv: &Term) -> (Vec<Term>, Term) {
    let mut hyps = l.axioms.clone();
    hyps.extend(l.inv.iter().cloned());
    hyps.push(Term::or([l.send.clone(), recv.clone()]));
    (hyps, Term::and(l.inv_p.iter().cloned()))
}

#[test]
fn leader_election_consecution_unsat() {
    let l = leader_election();
    let (hyps, goal) = consecution(&l, &l.recv_ok);
    let mut s = Z3Solver::new();
    assert_eq!(s.check(&l.sig, &hyps, &goal, 30_000), Answer::Unsat);
    // each invariant separately (the session is reused)
    for g in &l.inv_p {
        assert_eq!(s.check(&l.sig, &hyps, g, 30_000), Answer::Unsat);
    }
}

#[test]
fn leader_election_broken_countermodel() {
    let l = leader_election();
    let (hyps, goal) = consecution(&l, &l.recv_broken);
    let (raw, min) = with_fresh_context(|| {
        let mut s = Z3Solver::new();
        let raw = s.check(&l.sig, &hyps, &goal, 30_000);
        let min = s.check_minimized(&l.sig, &hyps, &goal, 30_000);
        (raw, min)
    });
    let raw = model_of(&raw);
    assert_countermodel(&l.sig, raw, &hyps, &goal);
    let m = model_of(&min);
    assert_countermodel(&l.sig, m, &hyps, &goal);
    // Smallest counterexample: two nodes with two distinct ids.
    assert_eq!(m.universes[&l.node], 2);
    assert_eq!(m.universes[&l.id], 2);
    // The receiver n became leader without having the largest id.
    let n_val = m.lookup(l.n, &[]).unwrap().clone();
    assert_eq!(m.lookup(l.leader_p, &[n_val]), Some(&Value::Bool(true)));
    let table = m.table(&l.sig, l.leader_p);
    assert_eq!(table.len(), 2);
    insta::assert_snapshot!("leader_broken_min", render_model(&l.sig, m));
}

// ---------------------------------------------------------------------
// Theories
// ---------------------------------------------------------------------

#[test]
fn nat_truncated_subtraction() {
    let mut sig = Signature::new();
    let nat = sig.add_sort(SortDecl {
        name: Symbol::intern("nat"),
        kind: SortKind::Nat,
        span: None,
    });
    let x = sym(&mut sig, "x", vec![], nat, Role::State);
    let y = sym(&mut sig, "y", vec![], nat, Role::State);
    let d = sym(&mut sig, "d", vec![], nat, Role::State);
    let f = sym(&mut sig, "f", vec![nat], nat, Role::State);
    let mut s = Z3Solver::new();
    use BuiltinOp::*;
    // 3 - 5 = 0
    let g = Term::eq(op(Sub, num(3, nat), num(5, nat)), num(0, nat));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // x - y >= 0 and (x <= y -> x - y = 0)
    let g = op(Ge, op(Sub, c(x), c(y)), num(0, nat));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    let g = Term::implies(
        op(Le, c(x), c(y)),
        Term::eq(op(Sub, c(x), c(y)), num(0, nat)),
    );
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // nat symbols are >= 0, also function values
    assert_eq!(
        s.check(&sig, &[], &op(Ge, c(x), num(0, nat)), T),
        Answer::Unsat
    );
    let g = op(Ge, app(f, vec![c(x)]), num(0, nat));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // quantifiers over nat are guarded: exists N. N < 0 is false
    let nv = Var::new("N", nat);
    let g = Term::not(Term::exists(vec![nv], op(Lt, v(nv), num(0, nat))));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // forall N. N >= 0 holds
    let g = Term::forall(vec![nv], op(Ge, v(nv), num(0, nat)));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // a model: d = x - y with x = 2, y = 5 gives d = 0
    let hyps = [
        Term::eq(c(x), num(2, nat)),
        Term::eq(c(y), num(5, nat)),
        Term::eq(c(d), op(Sub, c(x), c(y))),
    ];
    let a = s.check(&sig, &hyps, &Term::fls(), T);
    let m = model_of(&a);
    assert_eq!(m.lookup(d, &[]), Some(&Value::Int(0)));
    assert_eq!(m.lookup(x, &[]), Some(&Value::Int(2)));
    // negative nat numerals are rejected
    let a = s.check(&sig, &[], &Term::eq(c(x), num(-1, nat)), T);
    assert!(matches!(a, Answer::Unknown(Reason::Error(_))), "{a:?}");
}

#[test]
fn int_functions_tabulated_at_model_values() {
    let mut sig = Signature::new();
    let int = sig.add_sort(SortDecl {
        name: Symbol::intern("int"),
        kind: SortKind::Int,
        span: None,
    });
    let f = sym(&mut sig, "f", vec![int], int, Role::State);
    let a = sym(&mut sig, "a", vec![], int, Role::State);
    use BuiltinOp::*;
    let hyps = [
        Term::eq(c(a), num(-7, int)),
        Term::eq(app(f, vec![c(a)]), num(3, int)),
        Term::eq(app(f, vec![num(10, int)]), op(Mul, c(a), c(a))),
    ];
    let mut s = Z3Solver::new();
    let ans = s.check_sat(&sig, &hyps, T);
    let m = model_of(&ans);
    assert_eq!(m.lookup(a, &[]), Some(&Value::Int(-7)));
    assert_eq!(m.lookup(f, &[Value::Int(-7)]), Some(&Value::Int(3)));
    assert_eq!(m.lookup(f, &[Value::Int(10)]), Some(&Value::Int(49)));
    // Integer division is Euclidean, as in ivyc-logic's evaluator.
    let g = Term::eq(op(Div, num(-7, int), num(2, int)), num(-4, int));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
}

#[test]
fn bitvector_wraparound() {
    let mut sig = Signature::new();
    let bv = sig.add_sort(SortDecl {
        name: Symbol::intern("byte"),
        kind: SortKind::BitVec(8),
        span: None,
    });
    let x = sym(&mut sig, "x", vec![], bv, Role::State);
    let mut s = Z3Solver::new();
    use BuiltinOp::*;
    let valid = |s: &mut Z3Solver, g: Term| assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    valid(
        &mut s,
        Term::eq(op(Add, num(255, bv), num(1, bv)), num(0, bv)),
    );
    valid(
        &mut s,
        Term::eq(op(Sub, num(0, bv), num(1, bv)), num(255, bv)),
    );
    valid(
        &mut s,
        Term::eq(op(Mul, num(16, bv), num(17, bv)), num(16, bv)),
    );
    valid(
        &mut s,
        Term::eq(op(Div, num(200, bv), num(3, bv)), num(66, bv)),
    );
    // numerals are taken modulo 2^8
    valid(&mut s, Term::eq(num(256, bv), num(0, bv)));
    valid(&mut s, Term::eq(num(-1, bv), num(255, bv)));
    // comparisons are unsigned
    valid(&mut s, op(Gt, num(200, bv), num(100, bv)));
    valid(
        &mut s,
        Term::eq(op(BvAnd, num(0b1100, bv), num(0b1010, bv)), num(0b1000, bv)),
    );
    valid(
        &mut s,
        Term::eq(
            Term::builtin(BvNot, vec![num(0b1111_0000, bv)]),
            num(0b0000_1111, bv),
        ),
    );
    // x < x + 1 fails exactly at 255
    let g = op(Lt, c(x), op(Add, c(x), num(1, bv)));
    let a = s.check(&sig, &[], &g, T);
    let m = model_of(&a);
    assert_eq!(m.lookup(x, &[]), Some(&Value::Int(255)));
    assert_eq!(m.eval_bool(&sig, &g), Ok(false));
}

#[test]
fn wide_bitvectors() {
    let mut sig = Signature::new();
    let bv = sig.add_sort(SortDecl {
        name: Symbol::intern("u128"),
        kind: SortKind::BitVec(128),
        span: None,
    });
    let x = sym(&mut sig, "x", vec![], bv, Role::State);
    let mut s = Z3Solver::new();
    use BuiltinOp::*;
    // -1 is the all-ones vector: x <= -1 always
    let g = op(Le, c(x), num(-1, bv));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    let hyps = [Term::eq(c(x), num(i128::MAX, bv))];
    let a = s.check_sat(&sig, &hyps, T);
    assert_eq!(model_of(&a).lookup(x, &[]), Some(&Value::Int(i128::MAX)));
}

#[test]
fn enum_distinct_and_closed() {
    let mut sig = Signature::new();
    let names = ["red", "green", "blue"].map(Symbol::intern);
    let (color, ctors) = sig.add_enum_sort(Symbol::intern("color"), &names, None);
    let k = sym(&mut sig, "k", vec![], color, Role::State);
    let paint = sym(&mut sig, "paint", vec![color], SortId::BOOL, Role::State);
    let mut s = Z3Solver::new();
    // distinctness
    let g = Term::not(Term::eq(c(ctors[0]), c(ctors[1])));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // closure
    let cv = Var::new("C", color);
    let g = Term::forall(
        vec![cv],
        Term::or(ctors.iter().map(|&x| Term::eq(v(cv), c(x)))),
    );
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    // a model: k is neither red nor green, so blue
    let hyps = [
        Term::not(Term::eq(c(k), c(ctors[0]))),
        Term::not(Term::eq(c(k), c(ctors[1]))),
        app(paint, vec![c(ctors[0])]),
    ];
    let a = s.check_sat(&sig, &hyps, T);
    let m = model_of(&a);
    assert_eq!(m.lookup(k, &[]), Some(&Value::Enum(color, 2)));
    assert_eq!(m.lookup(k, &[]).unwrap().name(&sig), "blue");
    // relations over enums are tabulated on all constructors
    assert_eq!(m.table(&sig, paint).len(), 3);
    assert_eq!(
        m.lookup(paint, &[Value::Enum(color, 0)]),
        Some(&Value::Bool(true))
    );
    for h in &hyps {
        assert_eq!(m.eval_bool(&sig, h), Ok(true));
    }
}

#[test]
fn strings_are_z3_strings() {
    let mut sig = Signature::new();
    let st = sig.add_sort(SortDecl {
        name: Symbol::intern("str"),
        kind: SortKind::Str,
        span: None,
    });
    let x = sym(&mut sig, "x", vec![], st, Role::State);
    let lit = |s: &str| Term::new(TermKind::Str(Symbol::intern(s), st));
    let mut s = Z3Solver::new();
    let g = Term::not(Term::eq(lit("a"), lit("b")));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
    let a = s.check_sat(&sig, &[Term::eq(c(x), lit("hello"))], T);
    assert_eq!(
        model_of(&a).lookup(x, &[]),
        Some(&Value::Str(Symbol::intern("hello")))
    );
}

// ---------------------------------------------------------------------
// Unknown, errors
// ---------------------------------------------------------------------

#[test]
fn nonlinear_timeout_is_unknown() {
    let mut sig = Signature::new();
    let int = sig.add_sort(SortDecl {
        name: Symbol::intern("int"),
        kind: SortKind::Int,
        span: None,
    });
    let [x, y, z] = ["x", "y", "z"].map(|n| sym(&mut sig, n, vec![], int, Role::State));
    use BuiltinOp::*;
    let cube = |t: SymId| op(Mul, c(t), op(Mul, c(t), c(t)));
    // x^3 + y^3 = z^3 has no positive solution; Z3 cannot show it.
    let hyps = [
        op(Gt, c(x), num(0, int)),
        op(Gt, c(y), num(0, int)),
        op(Gt, c(z), num(0, int)),
    ];
    let goal = Term::not(Term::eq(op(Add, cube(x), cube(y)), cube(z)));
    let mut s = Z3Solver::new();
    let a = s.check(&sig, &hyps, &goal, 1);
    // Either the 1 ms budget runs out or Z3 gives up on nonlinear arithmetic
    // ("(incomplete (theory arithmetic))"), depending on load.
    assert!(
        matches!(a, Answer::Unknown(Reason::Timeout | Reason::Incomplete(_))),
        "{a:?}"
    );
    // The session is still usable afterwards.
    let g = op(Ge, op(Mul, c(x), c(x)), num(0, int));
    assert_eq!(s.check(&sig, &[], &g, T), Answer::Unsat);
}

#[test]
fn pigeonhole_times_out() {
    // 11 pigeons, 10 holes: unsat, but exponential for CDCL.
    let (np, nh) = (11, 10);
    let mut sig = Signature::new();
    let mut p = vec![];
    for i in 0..np {
        let row: Vec<SymId> = (0..nh)
            .map(|j| {
                sym(
                    &mut sig,
                    &format!("p{i}_{j}"),
                    vec![],
                    SortId::BOOL,
                    Role::State,
                )
            })
            .collect();
        p.push(row);
    }
    let mut hyps = vec![];
    for row in &p {
        hyps.push(Term::or(row.iter().map(|&x| c(x))));
    }
    for j in 0..nh {
        let col: Vec<SymId> = p.iter().map(|row| row[j]).collect();
        for (i, &a) in col.iter().enumerate() {
            for &b in &col[i + 1..] {
                hyps.push(Term::or([Term::not(c(a)), Term::not(c(b))]));
            }
        }
    }
    let mut s = Z3Solver::new();
    let t0 = std::time::Instant::now();
    let a = s.check_sat(&sig, &hyps, 200);
    assert_eq!(a, Answer::Unknown(Reason::Timeout));
    assert!(t0.elapsed() < std::time::Duration::from_secs(20));
    // the session is reusable after a timeout
    let q = Term::or([c(p[0][0]), Term::not(c(p[0][0]))]);
    assert_eq!(s.check(&sig, &[], &q, T), Answer::Unsat);
}

#[test]
fn quantified_arithmetic_is_unknown() {
    let mut sig = Signature::new();
    let int = sig.add_sort(SortDecl {
        name: Symbol::intern("int"),
        kind: SortKind::Int,
        span: None,
    });
    let f = sym(&mut sig, "f", vec![int], int, Role::State);
    let xv = Var::new("X", int);
    use BuiltinOp::*;
    // f strictly decreasing and bounded below on the integers: unsat, but
    // not by quantifier instantiation; Z3 times out or gives up.
    let hyps = [
        Term::forall(
            vec![xv],
            op(
                Gt,
                app(f, vec![v(xv)]),
                app(f, vec![op(Add, v(xv), num(1, int))]),
            ),
        ),
        Term::forall(vec![xv], op(Ge, app(f, vec![v(xv)]), num(0, int))),
    ];
    let mut s = Z3Solver::new();
    let a = s.check(&sig, &hyps, &Term::fls(), 500);
    assert!(matches!(a, Answer::Unknown(_)), "{a:?}");
}

#[test]
fn encoding_errors_are_unknown_errors() {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let a = sym(&mut sig, "a", vec![], node, Role::State);
    let p = sym(&mut sig, "p", vec![], SortId::BOOL, Role::State);
    let mut s = Z3Solver::new();
    // numeral on an uninterpreted sort
    let ans = s.check(&sig, &[], &Term::eq(c(a), num(1, node)), T);
    assert!(matches!(ans, Answer::Unknown(Reason::Error(_))), "{ans:?}");
    // ill-sorted equality
    let ans = s.check(&sig, &[], &Term::eq(c(a), c(p)), T);
    assert!(matches!(ans, Answer::Unknown(Reason::Error(_))), "{ans:?}");
    // wrong arity
    let ans = s.check(&sig, &[], &Term::app(p, vec![c(a)]), T);
    assert!(matches!(ans, Answer::Unknown(Reason::Error(_))), "{ans:?}");
    // the session still works
    assert_eq!(s.check(&sig, &[c(p)], &c(p), T), Answer::Unsat);
}

#[test]
fn classify_unknown_reasons() {
    use ivyc_smt::classify_unknown;
    assert_eq!(classify_unknown("timeout"), Reason::Timeout);
    assert_eq!(classify_unknown("canceled"), Reason::Timeout);
    assert_eq!(
        classify_unknown("out of memory"),
        Reason::OutOfMemory { limit_mb: None }
    );
    assert_eq!(
        classify_unknown("max. memory exceeded"),
        Reason::OutOfMemory { limit_mb: None }
    );
    assert_eq!(
        classify_unknown("(incomplete quantifiers)"),
        Reason::Incomplete("(incomplete quantifiers)".into())
    );
}

// ---------------------------------------------------------------------
// Minimisation
// ---------------------------------------------------------------------

#[test]
fn minimisation_shrinks_universe() {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let p = sym(&mut sig, "p", vec![], SortId::BOOL, Role::State);
    let cs: Vec<SymId> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| sym(&mut sig, n, vec![], node, Role::State))
        .collect();
    let r = sym(&mut sig, "r", vec![node], SortId::BOOL, Role::State);
    // pairwise distinct unless p; r holds somewhere
    let mut hyps = Vec::new();
    for i in 0..cs.len() {
        for j in i + 1..cs.len() {
            hyps.push(Term::or([Term::not(Term::eq(c(cs[i]), c(cs[j]))), c(p)]));
        }
    }
    let x = Var::new("X", node);
    hyps.push(Term::exists(vec![x], app(r, vec![v(x)])));
    let (raw, min) = with_fresh_context(|| {
        let mut s = Z3Solver::new();
        let raw = s.check_sat(&sig, &hyps, T);
        let min = s.check_sat_minimized(&sig, &hyps, T);
        (raw, min)
    });
    let raw = model_of(&raw);
    assert!(raw.universes[&node] >= 3, "{}", render_model(&sig, raw));
    let m = model_of(&min);
    assert_eq!(m.universes[&node], 1);
    assert_eq!(m.lookup(p, &[]), Some(&Value::Bool(true)));
    for h in &hyps {
        assert_eq!(m.eval_bool(&sig, h), Ok(true));
    }
    insta::assert_snapshot!("minimised_four_constants", render_model(&sig, m));

    // Via the option on the trait method as well.
    let mut s = Z3Solver::with_options(Z3Options {
        minimize: true,
        ..Z3Options::default()
    });
    let a = s.check(&sig, &hyps, &Term::fls(), T);
    assert_eq!(model_of(&a).universes[&node], 1);
}

#[test]
fn minimisation_stops_at_two() {
    // r(a) & ~r(b) forces two elements.
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let r = sym(&mut sig, "r", vec![node], SortId::BOOL, Role::State);
    let cs: Vec<SymId> = ["a", "b", "c", "d"]
        .iter()
        .map(|n| sym(&mut sig, n, vec![], node, Role::State))
        .collect();
    let hyps = vec![
        app(r, vec![c(cs[0])]),
        Term::not(app(r, vec![c(cs[1])])),
        Term::not(Term::eq(c(cs[2]), c(cs[3]))),
        Term::not(Term::eq(c(cs[0]), c(cs[2]))),
        Term::not(Term::eq(c(cs[1]), c(cs[3]))),
    ];
    let mut s = Z3Solver::new();
    let a = s.check_sat_minimized(&sig, &hyps, T);
    let m = model_of(&a);
    assert_eq!(m.universes[&node], 2);
    for h in &hyps {
        assert_eq!(m.eval_bool(&sig, h), Ok(true));
    }
}

// ---------------------------------------------------------------------
// Sessions and threads
// ---------------------------------------------------------------------

#[test]
fn session_reuse_across_signatures() {
    let mut s = Z3Solver::new();
    // Same sort and symbol names with different meanings in two signatures.
    let mut sig1 = Signature::new();
    let (col1, c1) = sig1.add_enum_sort(
        Symbol::intern("color"),
        &[Symbol::intern("red"), Symbol::intern("green")],
        None,
    );
    let k1 = sym(&mut sig1, "k", vec![], col1, Role::State);
    let mut sig2 = Signature::new();
    let (col2, c2) = sig2.add_enum_sort(
        Symbol::intern("color"),
        &[
            Symbol::intern("cyan"),
            Symbol::intern("magenta"),
            Symbol::intern("yellow"),
        ],
        None,
    );
    let k2 = sym(&mut sig2, "k", vec![], col2, Role::State);
    let closed1 = Term::or([Term::eq(c(k1), c(c1[0])), Term::eq(c(k1), c(c1[1]))]);
    let closed2 = Term::or([Term::eq(c(k2), c(c2[0])), Term::eq(c(k2), c(c2[1]))]);
    for _ in 0..3 {
        assert_eq!(s.check(&sig1, &[], &closed1, T), Answer::Unsat);
        let a = s.check(&sig2, &[], &closed2, T);
        assert_eq!(model_of(&a).lookup(k2, &[]), Some(&Value::Enum(col2, 2)));
    }
    // A growing signature: fresh symbols added between queries.
    let node = sig1.add_uninterpreted_sort("node");
    let r = sym(&mut sig1, "r", vec![node], SortId::BOOL, Role::State);
    let r1 = sig1.fresh_copy(r, Role::State);
    let x = Var::new("X", node);
    let same = Term::forall(vec![x], Term::iff(app(r, vec![v(x)]), app(r1, vec![v(x)])));
    let a = sym(&mut sig1, "a", vec![], node, Role::Local);
    let g = Term::implies(app(r, vec![c(a)]), app(r1, vec![c(a)]));
    assert_eq!(s.check(&sig1, &[same], &g, T), Answer::Unsat);
    assert_eq!(s.check(&sig1, &[], &closed1, T), Answer::Unsat);
}

#[test]
fn overloaded_names_are_kept_apart() {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    // two different symbols with the same name and sorts
    let p1 = sym(&mut sig, "p", vec![node], SortId::BOOL, Role::State);
    let p2 = sym(&mut sig, "p", vec![node], SortId::BOOL, Role::State);
    let a = sym(&mut sig, "a", vec![], node, Role::State);
    let mut s = Z3Solver::new();
    let g = Term::implies(app(p1, vec![c(a)]), app(p2, vec![c(a)]));
    assert!(matches!(s.check(&sig, &[], &g, T), Answer::Sat(_)));
}

#[test]
fn two_threads_two_solvers_same_answers() {
    fn work() -> Vec<Answer> {
        let l = leader_election();
        let mut s = Z3Solver::new();
        let (hyps, goal) = consecution(&l, &l.recv_ok);
        let (bhyps, bgoal) = consecution(&l, &l.recv_broken);
        vec![
            s.check(&l.sig, &hyps, &goal, 30_000),
            s.check_minimized(&l.sig, &bhyps, &bgoal, 30_000),
            s.check(&l.sig, &hyps, &goal, 30_000),
        ]
    }
    let h1 = std::thread::spawn(work);
    let h2 = std::thread::spawn(work);
    let a1 = h1.join().unwrap();
    let a2 = h2.join().unwrap();
    assert_eq!(a1[0], Answer::Unsat);
    assert!(matches!(a1[1], Answer::Sat(_)));
    assert_eq!(a1[2], Answer::Unsat);
    assert_eq!(a1, a2);
}
