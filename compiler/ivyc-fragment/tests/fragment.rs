//! End-to-end tests of the fragment check on hand-built signatures and
//! terms whose spans point into a fake Ivy source: in-fragment queries,
//! sort-graph cycles (functions, Skolem functions, negated goals) and
//! interpreted-theory misuse, with the cycle paths asserted explicitly and
//! the rendered diagnostics snapshotted.

#![allow(clippy::unwrap_used)]

use codespan_reporting::term::{emit_into_string, Config};
use ivyc_base::{FileId, IntoDiagnostic, SourceMap, Span, Symbol};
use ivyc_fragment::{
    check, check_all, sort_graph, EdgeOrigin, FragmentError, MisuseReason, Origin, OriginKind,
    Origins, TheoryOp, Written,
};
use ivyc_logic::{
    BuiltinOp, Role, Signature, SortDecl, SortId, SortKind, SymId, SymbolDecl, Term, TermKind, Var,
};

/// A signature whose declarations carry spans into a fake Ivy file.
struct Fx {
    sm: SourceMap,
    file: FileId,
    src: String,
    sig: Signature,
}

impl Fx {
    fn new(src: &str) -> Fx {
        let mut sm = SourceMap::new();
        let file = sm.add("test.ivy", src);
        Fx {
            sm,
            file,
            src: src.to_owned(),
            sig: Signature::new(),
        }
    }

    /// The span of the first occurrence of `needle` after the first
    /// occurrence of `after` (use `""` for the start of the file).
    fn span_after(&self, after: &str, needle: &str) -> Span {
        let base = self.src.find(after).unwrap();
        let at = base + self.src[base..].find(needle).unwrap();
        Span::new(self.file, at, at + needle.len())
    }

    fn span(&self, needle: &str) -> Span {
        self.span_after("", needle)
    }

    fn sort(&mut self, name: &str, kind: SortKind) -> SortId {
        let span = Some(self.span(&format!("type {name}")));
        self.sig.add_sort(SortDecl {
            name: Symbol::intern(name),
            kind,
            span,
        })
    }

    /// Declares a symbol; its span is the name at the end of `decl_text`
    /// (`function f`).
    fn sym(&mut self, name: &str, args: &[SortId], ret: SortId, decl_text: &str) -> SymId {
        let at = self.src.find(decl_text).unwrap() + decl_text.rfind(name).unwrap();
        let span = Some(Span::new(self.file, at, at + name.len()));
        self.sig.add_symbol(
            SymbolDecl::new(Symbol::intern(name), args.to_vec(), ret, Role::State).with_span(span),
        )
    }

    fn render(&self, e: &FragmentError) -> String {
        emit_into_string(&Config::default(), &self.sm, &e.into_diagnostic()).unwrap()
    }

    fn render_all(&self, es: &[FragmentError]) -> String {
        es.iter()
            .map(|e| self.render(e))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn v(x: Var) -> Term {
    Term::var(x)
}

fn app(f: SymId, args: Vec<Term>) -> Term {
    Term::app(f, args)
}

fn forall(vs: &[Var], body: Term, span: Option<Span>) -> Term {
    Term::new(TermKind::Forall(vs.to_vec(), Box::new(body))).with_span(span)
}

fn exists(vs: &[Var], body: Term, span: Option<Span>) -> Term {
    Term::new(TermKind::Exists(vs.to_vec(), Box::new(body))).with_span(span)
}

fn implies(a: Term, b: Term) -> Term {
    Term::new(TermKind::Implies(Box::new(a), Box::new(b)))
}

fn names(path: &[Symbol]) -> Vec<&'static str> {
    path.iter().map(|s| s.as_str()).collect()
}

fn cycles(errs: &[FragmentError]) -> Vec<Vec<&'static str>> {
    errs.iter()
        .filter_map(|e| match e {
            FragmentError::Cycle(c) => Some(names(&c.sort_names())),
            _ => None,
        })
        .collect()
}

fn edge_names(fx: &Fx, g: &ivyc_fragment::SortGraph) -> Vec<(String, String)> {
    g.edge_pairs()
        .iter()
        .map(|&(a, b)| {
            (
                fx.sig.sort_name(a).to_owned(),
                fx.sig.sort_name(b).to_owned(),
            )
        })
        .collect()
}

// ------------------------------------------------------------------------
// Uninterpreted sorts
// ------------------------------------------------------------------------

const SRC_BASIC: &str = "#lang ivy1.7
type node
type id
type round
function f(X:node) : id
function g(Y:id) : node
function rnd(X:node) : round
relation r(X:node, Y:id)
relation s(X:node, Y:node)
relation p(X:node)
individual n : node
invariant [i1] forall X:node. exists Y:id. r(X,Y)
invariant [i2] forall Y:id. exists X:node. r(X,Y)
invariant [i3] forall X:node. exists R:round. rnd(X) = R
invariant [i4] forall X:node. exists Y:node. s(X,Y)
invariant [i5] exists X:node. forall Y:node. s(X,Y)
invariant [i6] forall X:node. p(X) -> p(g(f(X)))
axiom [onto] forall R:round. exists X:node. rnd(X) = R
";

struct Basic {
    fx: Fx,
    node: SortId,
    id: SortId,
    round: SortId,
    f: SymId,
    g: SymId,
    rnd: SymId,
    r: SymId,
    s: SymId,
    p: SymId,
    n: SymId,
}

fn basic() -> Basic {
    let mut fx = Fx::new(SRC_BASIC);
    let node = fx.sort("node", SortKind::Uninterpreted);
    let id = fx.sort("id", SortKind::Uninterpreted);
    let round = fx.sort("round", SortKind::Uninterpreted);
    let f = fx.sym("f", &[node], id, "function f");
    let g = fx.sym("g", &[id], node, "function g");
    let rnd = fx.sym("rnd", &[node], round, "function rnd");
    let r = fx.sym("r", &[node, id], SortId::BOOL, "relation r");
    let s = fx.sym("s", &[node, node], SortId::BOOL, "relation s");
    let p = fx.sym("p", &[node], SortId::BOOL, "relation p");
    let n = fx.sym("n", &[], node, "individual n");
    Basic {
        fx,
        node,
        id,
        round,
        f,
        g,
        rnd,
        r,
        s,
        p,
        n,
    }
}

impl Basic {
    /// `forall A:sa. exists B:sb. rel(..)` written in invariant `label`,
    /// with spans on both quantifiers.
    fn forall_exists(&self, label: &str, a: Var, b: Var, body: Term) -> Term {
        let line = format!("invariant [{label}]");
        let fa = self.fx.span_after(&line, "forall");
        let ex = self.fx.span_after(&line, "exists");
        let end = self.fx.span_after(&line, "\n").start as usize;
        let after_ex = &self.fx.src[ex.start as usize..end];
        let body_start = ex.start as usize + after_ex.find(". ").unwrap() + 2;
        // `exists B:sb. body`: from `exists` to the end of the line.
        let ex_body = body.with_span(Some(Span::new(self.fx.file, body_start, end)));
        let inner = exists(
            &[b],
            ex_body,
            Some(Span::new(self.fx.file, ex.start as usize, end)),
        );
        forall(
            &[a],
            inner,
            Some(Span::new(self.fx.file, fa.start as usize, end)),
        )
    }
}

#[test]
fn pure_epr_is_in_fragment() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.id);
    let z = Var::new("Z", b.node);
    // forall X,Z. s(X,Z) -> s(Z,X)   ⇒   forall X:node. exists Y:id. r(X,Y)
    // (the goal's ∀∃ becomes ∃∀ once negated: constants only).
    let hyp = forall(
        &[x, z],
        implies(app(b.s, vec![v(x), v(z)]), app(b.s, vec![v(z), v(x)])),
        None,
    );
    let goal = forall(&[x], exists(&[y], app(b.r, vec![v(x), v(y)]), None), None);
    let hyps = [hyp];
    assert_eq!(check(&b.fx.sig, &hyps, &goal, &Origins::none()), Ok(()));
    assert!(sort_graph(&b.fx.sig, &hyps, &goal, &Origins::none())
        .edges()
        .is_empty());
}

#[test]
fn function_without_cycle_is_in_fragment() {
    let b = basic();
    let x = Var::new("X", b.node);
    // forall X. r(X, f(X))  ⇒  r(n, f(n))
    let hyp = forall(&[x], app(b.r, vec![v(x), app(b.f, vec![v(x)])]), None);
    let goal = app(
        b.r,
        vec![Term::constant(b.n), app(b.f, vec![Term::constant(b.n)])],
    );
    let hyps = [hyp];
    let g = sort_graph(&b.fx.sig, &hyps, &goal, &Origins::none());
    assert_eq!(edge_names(&b.fx, &g), vec![("node".into(), "id".into())]);
    assert!(matches!(g.edges()[0].origin, EdgeOrigin::Function(ref e) if e.sym == b.f));
    assert_eq!(check(&b.fx.sig, &hyps, &goal, &Origins::none()), Ok(()));
}

#[test]
fn forall_exists_without_cycle_is_in_fragment() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.id);
    let hyp = b.forall_exists("i1", x, y, app(b.r, vec![v(x), v(y)]));
    let goal = app(b.p, vec![Term::constant(b.n)]);
    let hyps = [hyp];
    let origins = Origins::with_goal(Origin::invariant("safety")).hyp(Origin::invariant("i1"));
    let g = sort_graph(&b.fx.sig, &hyps, &goal, &origins);
    assert_eq!(edge_names(&b.fx, &g), vec![("node".into(), "id".into())]);
    let EdgeOrigin::Skolem(sk) = &g.edges()[0].origin else {
        panic!("expected a Skolem edge");
    };
    assert_eq!(sk.var.as_str(), "Y");
    assert_eq!(sk.universal.as_str(), "X");
    assert_eq!(sk.written, Written::Exists);
    assert_eq!(sk.property, Some(Origin::invariant("i1")));
    assert!(g.is_acyclic());
    assert_eq!(check(&b.fx.sig, &hyps, &goal, &origins), Ok(()));
}

#[test]
fn top_level_exists_is_a_constant() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.node);
    // exists X. forall Y. s(X,Y): X is a Skolem constant.
    let h1 = exists(&[x], forall(&[y], app(b.s, vec![v(x), v(y)]), None), None);
    // forall Y. exists X. p(X): X does not depend on Y (not free in the
    // exists), so it is a constant too, as in Ivy.
    let h2 = forall(&[y], exists(&[x], app(b.p, vec![v(x)]), None), None);
    let goal = Term::fls();
    let hyps = [h1, h2];
    assert!(sort_graph(&b.fx.sig, &hyps, &goal, &Origins::none())
        .edges()
        .is_empty());
    assert_eq!(check(&b.fx.sig, &hyps, &goal, &Origins::none()), Ok(()));
}

#[test]
fn forall_in_goal_becomes_a_constant() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.node);
    // Goal forall X. exists Y. s(X,Y): negated, exists X. forall Y. ~s(X,Y).
    let goal = forall(&[x], exists(&[y], app(b.s, vec![v(x), v(y)]), None), None);
    assert!(sort_graph(&b.fx.sig, &[], &goal, &Origins::none())
        .edges()
        .is_empty());
    assert_eq!(check(&b.fx.sig, &[], &goal, &Origins::none()), Ok(()));
    // A free variable of the goal is a constant as well.
    let goal = exists(&[y], app(b.s, vec![v(x), v(y)]), None);
    assert_eq!(check(&b.fx.sig, &[], &goal, &Origins::none()), Ok(()));
}

#[test]
fn function_cycle() {
    let b = basic();
    let x = Var::new("X", b.node);
    let line = "invariant [i6]";
    let fa = b.fx.span_after(line, "forall");
    let end = b.fx.span_after(line, "\n").start as usize;
    let use_f = b.fx.span_after(line, "f(X)");
    let use_g = b.fx.span_after(line, "g(f(X))");
    let body = implies(
        app(b.p, vec![v(x)]),
        app(
            b.p,
            vec![app(b.g, vec![app(b.f, vec![v(x)]).with_span(Some(use_f))]).with_span(Some(use_g))],
        ),
    );
    let hyp = forall(
        &[x],
        body,
        Some(Span::new(b.fx.file, fa.start as usize, end)),
    );
    let hyps = [hyp];
    let goal = app(b.p, vec![Term::constant(b.n)]);
    let origins = Origins::with_goal(Origin::invariant("i6")).hyp(Origin::invariant("i6"));
    let errs = check(&b.fx.sig, &hyps, &goal, &origins).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "id", "node"]]);
    let FragmentError::Cycle(c) = &errs[0] else {
        panic!()
    };
    assert_eq!(c.sorts(), vec![b.node, b.id, b.node]);
    assert_eq!(c.path_string(), "node → id → node");
    let syms: Vec<SymId> = c
        .edges
        .iter()
        .map(|e| match &e.origin {
            EdgeOrigin::Function(f) => f.sym,
            EdgeOrigin::Skolem(_) | EdgeOrigin::Ite(_) => panic!("expected functions"),
        })
        .collect();
    assert_eq!(syms, vec![b.f, b.g]);
    assert_eq!(errs[0].code(), "not-epr");
    insta::assert_snapshot!("function_cycle", b.fx.render_all(&errs));
}

#[test]
fn forall_exists_through_relation_is_a_self_loop() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.node);
    let hyp = b.forall_exists("i4", x, y, app(b.s, vec![v(x), v(y)]));
    let goal = app(b.p, vec![Term::constant(b.n)]);
    // Alone, Ivy's stratification (variables and argument positions) has
    // no cycle: ivy_check accepts it, and so do we.
    let alone = Origins::with_goal(Origin::invariant("i6")).hyp(Origin::invariant("i4"));
    assert!(check(&b.fx.sig, std::slice::from_ref(&hyp), &goal, &alone).is_ok());
    // Symmetry links the two argument positions of s: now a cycle.
    let sym = implies(app(b.s, vec![v(x), v(y)]), app(b.s, vec![v(y), v(x)]));
    let hyps = [sym, hyp];
    let origins = Origins::with_goal(Origin::invariant("i6"))
        .hyp(Origin::axiom())
        .hyp(Origin::invariant("i4"));
    let errs = check(&b.fx.sig, &hyps, &goal, &origins).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "node"]]);
    let FragmentError::Cycle(c) = &errs[0] else {
        panic!()
    };
    assert_eq!(c.edges.len(), 1);
    assert!(matches!(&c.edges[0].origin, EdgeOrigin::Skolem(s) if s.var.as_str() == "Y"));
    insta::assert_snapshot!("self_loop", b.fx.render_all(&errs));
}

#[test]
fn skolem_cycle_from_two_invariants() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.id);
    let i1 = b.forall_exists("i1", x, y, app(b.r, vec![v(x), v(y)]));
    let i2 = b.forall_exists("i2", y, x, app(b.r, vec![v(x), v(y)]));
    let hyps = [i1, i2];
    let goal = app(b.p, vec![Term::constant(b.n)]);
    let origins = Origins::with_goal(Origin::invariant("i6"))
        .hyp(Origin::invariant("i1"))
        .hyp(Origin::invariant("i2"));
    let errs = check(&b.fx.sig, &hyps, &goal, &origins).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(cycles(&errs), vec![vec!["node", "id", "node"]]);
    let FragmentError::Cycle(c) = &errs[0] else {
        panic!()
    };
    let props: Vec<String> = c
        .edges
        .iter()
        .map(|e| match &e.origin {
            EdgeOrigin::Skolem(s) => s.property.as_ref().unwrap().to_string(),
            EdgeOrigin::Function(_) | EdgeOrigin::Ite(_) => panic!("expected Skolem edges"),
        })
        .collect();
    assert_eq!(props, vec!["invariant [i1]", "invariant [i2]"]);
    insta::assert_snapshot!("skolem_cycle", b.fx.render_all(&errs));
}

#[test]
fn function_and_skolem_cycle() {
    // rnd : node → round declared; forall R:round. exists X:node in an
    // axiom closes the cycle node → round → node.
    let b = basic();
    let x = Var::new("X", b.node);
    let rr = Var::new("R", b.round);
    let i3 = b.forall_exists("i3", x, rr, Term::eq(app(b.rnd, vec![v(x)]), v(rr)));
    let line = "axiom [onto]";
    let end = b.fx.span_after(line, "\n").start as usize;
    let fa = b.fx.span_after(line, "forall").start as usize;
    let ex = b.fx.span_after(line, "exists").start as usize;
    let body_at = b.fx.span_after(line, "rnd(X) = R");
    let ax = forall(
        &[rr],
        exists(
            &[x],
            Term::eq(app(b.rnd, vec![v(x)]), v(rr)).with_span(Some(body_at)),
            Some(Span::new(b.fx.file, ex, end)),
        ),
        Some(Span::new(b.fx.file, fa, end)),
    );
    let hyps = [ax, i3];
    let goal = app(b.p, vec![Term::constant(b.n)]);
    let origins = Origins::with_goal(Origin::invariant("i6"))
        .hyp(Origin::axiom().with_label("onto"))
        .hyp(Origin::invariant("i3"));
    let g = sort_graph(&b.fx.sig, &hyps, &goal, &origins);
    // round → node (Skolem, axiom), node → round (function rnd, and the
    // Skolem function of i3).
    assert_eq!(
        edge_names(&b.fx, &g),
        vec![
            ("round".into(), "node".into()),
            ("node".into(), "round".into()),
            ("node".into(), "round".into()),
        ]
    );
    let errs = check(&b.fx.sig, &hyps, &goal, &origins).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "round", "node"]]);
    let FragmentError::Cycle(c) = &errs[0] else {
        panic!()
    };
    // The first-inserted edge node → round is the function rnd.
    assert!(matches!(&c.edges[0].origin, EdgeOrigin::Function(f) if f.sym == b.rnd));
    assert!(matches!(&c.edges[1].origin, EdgeOrigin::Skolem(s) if s.var.as_str() == "X"));
    insta::assert_snapshot!("function_and_skolem_cycle", b.fx.render_all(&errs));
}

#[test]
fn exists_forall_goal_is_negated_into_an_edge() {
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.node);
    let line = "invariant [i5]";
    let ex = b.fx.span_after(line, "exists");
    let fa = b.fx.span_after(line, "forall");
    let body_at = b.fx.span_after(line, "s(X,Y)");
    let end = b.fx.span_after(line, "\n").start as usize;
    let body = app(b.s, vec![v(x), v(y)]).with_span(Some(body_at));
    let goal = exists(
        &[x],
        forall(
            &[y],
            body,
            Some(Span::new(b.fx.file, fa.start as usize, end)),
        ),
        Some(Span::new(b.fx.file, ex.start as usize, end)),
    );
    let origins = Origins::with_goal(Origin::invariant("i5"));
    // Alone, the negated goal's Skolem function closes no cycle in Ivy's
    // graph (ivy_check accepts); with symmetry of s it does.
    assert!(check(&b.fx.sig, &[], &goal, &origins).is_ok());
    let sym = implies(app(b.s, vec![v(x), v(y)]), app(b.s, vec![v(y), v(x)]));
    let origins = origins.hyp(Origin::axiom());
    let errs = check(&b.fx.sig, &[sym], &goal, &origins).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "node"]]);
    let FragmentError::Cycle(c) = &errs[0] else {
        panic!()
    };
    let EdgeOrigin::Skolem(s) = &c.edges[0].origin else {
        panic!()
    };
    assert_eq!(s.written, Written::Forall);
    assert!(s.in_goal);
    assert_eq!((s.var.as_str(), s.universal.as_str()), ("Y", "X"));
    insta::assert_snapshot!("negated_goal", b.fx.render_all(&errs));
}

#[test]
fn forall_on_the_left_of_an_implication_is_existential() {
    // forall X:node. (forall Y:id. r(X,Y)) -> p(X): the inner forall is
    // negative, i.e. exists Y:id under forall X:node: edge node → id.
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.id);
    let hyp = forall(
        &[x],
        implies(
            forall(&[y], app(b.r, vec![v(x), v(y)]), None),
            app(b.p, vec![v(x)]),
        ),
        None,
    );
    let g = sort_graph(&b.fx.sig, &[hyp], &Term::fls(), &Origins::none());
    assert_eq!(edge_names(&b.fx, &g), vec![("node".into(), "id".into())]);
    assert!(
        matches!(&g.edges()[0].origin, EdgeOrigin::Skolem(s) if s.written == Written::Forall && !s.in_goal)
    );
}

#[test]
fn quantifier_under_iff_counts_both_ways() {
    // forall Y:id. ((forall X:node. r(X,Y)) <-> p(n)): one direction makes
    // X existential under Y: edge id → node.
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.id);
    let hyp = forall(
        &[y],
        Term::new(TermKind::Iff(
            Box::new(forall(&[x], app(b.r, vec![v(x), v(y)]), None)),
            Box::new(app(b.p, vec![Term::constant(b.n)])),
        )),
        None,
    );
    let g = sort_graph(&b.fx.sig, &[hyp], &Term::fls(), &Origins::none());
    assert_eq!(edge_names(&b.fx, &g), vec![("id".into(), "node".into())]);
}

#[test]
fn skolem_dependencies_are_transitive() {
    // forall X:node. exists Y:id. r(X,Y) & exists Z:node. r(Z,Y):
    // Z depends on Y, which depends on X: Z = sk(X), edge node → node.
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.id);
    let z = Var::new("Z", b.node);
    let hyp = forall(
        &[x],
        exists(
            &[y],
            Term::and([
                app(b.r, vec![v(x), v(y)]),
                exists(&[z], app(b.r, vec![v(z), v(y)]), None),
            ]),
            None,
        ),
        None,
    );
    let hyps = [hyp];
    let g = sort_graph(&b.fx.sig, &hyps, &Term::fls(), &Origins::none());
    assert_eq!(
        edge_names(&b.fx, &g),
        vec![("node".into(), "id".into()), ("node".into(), "node".into())]
    );
    // Ivy records only the universals free in each existential formula (Z
    // does not depend on X there), so its graph has no cycle and ivy_check
    // accepts; we follow its verdict.
    assert!(check(&b.fx.sig, &hyps, &Term::fls(), &Origins::none()).is_ok());
}

#[test]
fn ssa_copies_of_a_function_give_one_edge() {
    let mut b = basic();
    let f1 = b.fx.sig.fresh_copy(b.f, Role::State);
    let x = Var::new("X", b.node);
    let hyp = forall(
        &[x],
        Term::eq(app(f1, vec![v(x)]), app(b.f, vec![v(x)])),
        None,
    );
    let g = sort_graph(&b.fx.sig, &[hyp], &Term::fls(), &Origins::none());
    assert_eq!(edge_names(&b.fx, &g), vec![("node".into(), "id".into())]);
    let EdgeOrigin::Function(fe) = &g.edges()[0].origin else {
        panic!()
    };
    assert_eq!(fe.name.as_str(), "f");
}

#[test]
fn two_independent_cycles_give_two_errors() {
    let b = basic();
    let x = Var::new("X", b.node);
    let rr = Var::new("R", b.round);
    let y = Var::new("Y", b.id);
    // round → round self-loop via forall R. exists R2:round.
    let r2 = Var::new("R2", b.round);
    let h1 = forall(&[rr], exists(&[r2], Term::eq(v(rr), v(r2)), None), None);
    // id → node → id via g and f.
    let h2 = forall(
        &[y],
        app(b.p, vec![app(b.g, vec![app(b.f, vec![v(x)])])]),
        None,
    );
    let errs = check(&b.fx.sig, &[h1, h2], &Term::fls(), &Origins::none()).unwrap_err();
    let mut cs = cycles(&errs);
    cs.sort();
    assert_eq!(cs, vec![vec!["node", "id", "node"], vec!["round", "round"]]);
}

#[test]
fn diagnostics_without_spans_use_notes() {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let id = sig.add_uninterpreted_sort("id");
    let f = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("f"),
        vec![node],
        id,
        Role::Rigid,
    ));
    let r = sig.add_symbol(SymbolDecl::new(
        Symbol::intern("r"),
        vec![node, id],
        SortId::BOOL,
        Role::State,
    ));
    let x = Var::new("X", node);
    let y = Var::new("Y", id);
    let hyps = [
        forall(&[x], app(r, vec![v(x), app(f, vec![v(x)])]), None),
        forall(&[y], exists(&[x], app(r, vec![v(x), v(y)]), None), None),
    ];
    let origins = Origins::none().hyp(Origin::new(OriginKind::Transition).with_action("send"));
    let errs = check(&sig, &hyps, &Term::fls(), &origins).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "id", "node"]]);
    let sm = SourceMap::new();
    let text = emit_into_string(&Config::default(), &sm, &errs[0].into_diagnostic()).unwrap();
    insta::assert_snapshot!("no_spans", text);
}

// ------------------------------------------------------------------------
// Finite sorts
// ------------------------------------------------------------------------

#[test]
fn cycles_need_an_infinite_sort() {
    let mut sig = Signature::new();
    let node = sig.add_uninterpreted_sort("node");
    let (color, _) = sig.add_enum_sort(
        Symbol::intern("color"),
        &[Symbol::intern("red"), Symbol::intern("green")],
        None,
    );
    let byte = sig.add_sort(SortDecl {
        name: Symbol::intern("byte"),
        kind: SortKind::BitVec(8),
        span: None,
    });
    let mk = |sig: &mut Signature, name: &str, a: SortId, r: SortId| {
        sig.add_symbol(SymbolDecl::new(
            Symbol::intern(name),
            vec![a],
            r,
            Role::Rigid,
        ))
    };
    let next = mk(&mut sig, "next", color, color);
    let inc = mk(&mut sig, "inc", byte, byte);
    let c = mk(&mut sig, "c", node, color);
    let d = mk(&mut sig, "d", color, node);
    let x = Var::new("X", node);
    let k = Var::new("K", color);
    let b = Var::new("B", byte);
    // Cycles among finite sorts only are harmless (Ivy tracks no variables
    // of finite sorts).
    let finite = forall(
        &[k, b],
        Term::and([
            Term::eq(app(next, vec![app(next, vec![v(k)])]), v(k)),
            Term::eq(app(inc, vec![v(b)]), v(b)),
        ]),
        None,
    );
    let hyps = [finite];
    let g = sort_graph(&sig, &hyps, &Term::fls(), &Origins::none());
    assert_eq!(g.edges().len(), 2);
    assert!(!g.is_infinite(color) && !g.is_infinite(byte));
    assert_eq!(check(&sig, &hyps, &Term::fls(), &Origins::none()), Ok(()));
    // A cycle through an infinite sort counts even if it passes through a
    // finite one: forall X:node. d(c(X)) = X  (Ivy rejects it too).
    let through = forall(&[x], Term::eq(app(d, vec![app(c, vec![v(x)])]), v(x)), None);
    let errs = check(&sig, &[through], &Term::fls(), &Origins::none()).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "color", "node"]]);
}

// ------------------------------------------------------------------------
// Interpreted theories
// ------------------------------------------------------------------------

const SRC_INT: &str = "#lang ivy1.7
type t
interpret t -> int
type node
function val(X:node) : t
relation q(X:t)
individual c : t
invariant [j1] forall X:t. q(X) -> q(X + 1)
invariant [j2] forall X:t, Y:t. X < Y -> q(X)
invariant [j3] forall X:t, Y:t. X <= Y -> q(X)
invariant [j4] forall Y:t. exists X:t. X < Y
invariant [j5] forall X:t. X > c -> q(X)
invariant [j6] forall N:node. val(N) + 1 > 0
invariant [j7] exists X:t, Y:t. X < Y & q(X)
";

struct Ints {
    fx: Fx,
    t: SortId,
    node: SortId,
    val: SymId,
    q: SymId,
    c: SymId,
}

fn ints() -> Ints {
    let mut fx = Fx::new(SRC_INT);
    let t = fx.sort("t", SortKind::Int);
    let node = fx.sort("node", SortKind::Uninterpreted);
    let val = fx.sym("val", &[node], t, "function val");
    let q = fx.sym("q", &[t], SortId::BOOL, "relation q");
    let c = fx.sym("c", &[], t, "individual c");
    Ints {
        fx,
        t,
        node,
        val,
        q,
        c,
    }
}

impl Ints {
    fn line(&self, label: &str) -> (usize, usize) {
        let l = format!("invariant [{label}]");
        let fa = self.fx.span_after(&l, "forall");
        let end = self.fx.span_after(&l, "\n").start as usize;
        (fa.start as usize, end)
    }

    fn sp(&self, label: &str, needle: &str) -> Option<Span> {
        Some(self.fx.span_after(&format!("invariant [{label}]"), needle))
    }

    fn bi(&self, op: BuiltinOp, a: Term, b: Term, span: Option<Span>) -> Term {
        Term::builtin(op, vec![a, b]).with_span(span)
    }
}

fn misuses(errs: &[FragmentError]) -> Vec<(TheoryOp, MisuseReason, &'static str)> {
    errs.iter()
        .filter_map(|e| match e {
            FragmentError::InterpretedTheoryMisuse(m) => Some((m.op, m.reason, m.var.as_str())),
            _ => None,
        })
        .collect()
}

#[test]
fn arithmetic_on_a_universal_variable() {
    let b = ints();
    let x = Var::new("X", b.t);
    let (s, e) = b.line("j1");
    let body_start = b.sp("j1", "q(X) ->").unwrap().start as usize;
    let body = implies(
        app(b.q, vec![v(x)]),
        app(
            b.q,
            vec![b.bi(BuiltinOp::Add, v(x), Term::num(1, b.t), b.sp("j1", "X + 1"))],
        ),
    )
    .with_span(Some(Span::new(b.fx.file, body_start, e)));
    let hyp = forall(&[x], body, Some(Span::new(b.fx.file, s, e)));
    let origins = Origins::none().hyp(Origin::invariant("j1"));
    let errs = check(&b.fx.sig, &[hyp], &Term::fls(), &origins).unwrap_err();
    assert_eq!(
        misuses(&errs),
        vec![(
            TheoryOp::Builtin(BuiltinOp::Add),
            MisuseReason::NotAComparison,
            "X"
        )]
    );
    assert_eq!(errs[0].code(), "interpreted-theory-misuse");
    insta::assert_snapshot!("theory_add", b.fx.render_all(&errs));
}

#[test]
fn comparison_between_variables_needs_strictness() {
    let b = ints();
    let x = Var::new("X", b.t);
    let y = Var::new("Y", b.t);
    // j2: X < Y on the left of -> is non-strict once negated: rejected.
    let (s, e) = b.line("j2");
    let body_start = b.sp("j2", "X < Y ->").unwrap().start as usize;
    let j2 = forall(
        &[x, y],
        implies(
            b.bi(BuiltinOp::Lt, v(x), v(y), b.sp("j2", "X < Y")),
            app(b.q, vec![v(x)]),
        )
        .with_span(Some(Span::new(b.fx.file, body_start, e))),
        Some(Span::new(b.fx.file, s, e)),
    );
    // j3: X <= Y on the left of -> is strict once negated: accepted.
    let j3 = forall(
        &[x, y],
        implies(
            b.bi(BuiltinOp::Le, v(x), v(y), b.sp("j3", "X <= Y")),
            app(b.q, vec![v(x)]),
        ),
        None,
    );
    assert_eq!(
        check(&b.fx.sig, &[j3], &Term::fls(), &Origins::none()),
        Ok(())
    );
    let origins = Origins::none().hyp(Origin::invariant("j2"));
    let errs = check(&b.fx.sig, &[j2], &Term::fls(), &origins).unwrap_err();
    assert_eq!(
        misuses(&errs),
        vec![
            (
                TheoryOp::Builtin(BuiltinOp::Lt),
                MisuseReason::NonStrictBetweenVariables,
                "X"
            ),
            (
                TheoryOp::Builtin(BuiltinOp::Lt),
                MisuseReason::NonStrictBetweenVariables,
                "Y"
            )
        ]
    );
    insta::assert_snapshot!("theory_non_strict", b.fx.render(&errs[0]));
}

#[test]
fn comparison_with_a_skolem_term() {
    // forall Y:t. exists X:t. X < Y: X is a Skolem function of Y, so the
    // other side of `<` is not ground (Ivy rejects this).
    let b = ints();
    let x = Var::new("X", b.t);
    let y = Var::new("Y", b.t);
    let (s, e) = b.line("j4");
    let ex = b.sp("j4", "exists").unwrap().start as usize;
    let cmp_at = b.sp("j4", "X < Y");
    let hyp = forall(
        &[y],
        exists(
            &[x],
            b.bi(BuiltinOp::Lt, v(x), v(y), cmp_at).with_span(cmp_at),
            Some(Span::new(b.fx.file, ex, e)),
        ),
        Some(Span::new(b.fx.file, s, e)),
    );
    let origins = Origins::none().hyp(Origin::invariant("j4"));
    let hyps = [hyp];
    let errs = check(&b.fx.sig, &hyps, &Term::fls(), &origins).unwrap_err();
    // The theory error only: the Skolem term sits under `<`, an
    // interpreted symbol, so Ivy's graph has no arc for it.
    assert_eq!(
        misuses(&errs),
        vec![(
            TheoryOp::Builtin(BuiltinOp::Lt),
            MisuseReason::OtherSideNotGround,
            "Y"
        )]
    );
    assert!(cycles(&errs).is_empty());
    insta::assert_snapshot!("theory_skolem", b.fx.render_all(&errs));
}

#[test]
fn equality_between_int_variables() {
    let b = ints();
    let x = Var::new("X", b.t);
    let y = Var::new("Y", b.t);
    let hyp = forall(
        &[x, y],
        implies(Term::eq(v(x), v(y)), app(b.q, vec![v(x)])),
        None,
    );
    let errs = check(&b.fx.sig, &[hyp], &Term::fls(), &Origins::none()).unwrap_err();
    assert_eq!(
        misuses(&errs),
        vec![
            (TheoryOp::Eq, MisuseReason::NonStrictBetweenVariables, "X"),
            (TheoryOp::Eq, MisuseReason::NonStrictBetweenVariables, "Y")
        ]
    );
    insta::assert_snapshot!("theory_eq_no_spans", b.fx.render(&errs[0]));
}

#[test]
fn arithmetic_literals_are_in_fragment() {
    let b = ints();
    let x = Var::new("X", b.t);
    let nv = Var::new("N", b.node);
    // j5: forall X. X > c -> q(X)   (ground other side)
    let j5 = forall(
        &[x],
        implies(
            b.bi(BuiltinOp::Gt, v(x), Term::constant(b.c), None),
            app(b.q, vec![v(x)]),
        ),
        None,
    );
    // j6: forall N:node. val(N) + 1 > 0   (no variable directly under +)
    let j6 = forall(
        &[nv],
        b.bi(
            BuiltinOp::Gt,
            b.bi(
                BuiltinOp::Add,
                app(b.val, vec![v(nv)]),
                Term::num(1, b.t),
                None,
            ),
            Term::num(0, b.t),
            None,
        ),
        None,
    );
    // forall X. X = c + 1 | q(X)
    let eq = forall(
        &[x],
        Term::or([
            Term::eq(
                v(x),
                b.bi(BuiltinOp::Add, Term::constant(b.c), Term::num(1, b.t), None),
            ),
            app(b.q, vec![v(x)]),
        ]),
        None,
    );
    let hyps = [j5, j6, eq];
    let g = sort_graph(&b.fx.sig, &hyps, &Term::fls(), &Origins::none());
    assert_eq!(edge_names(&b.fx, &g), vec![("node".into(), "t".into())]);
    assert_eq!(
        check(&b.fx.sig, &hyps, &Term::fls(), &Origins::none()),
        Ok(())
    );
}

#[test]
fn goal_comparisons_use_ivy_polarity() {
    // Ivy evaluates the theory polarity of a goal without its negation:
    // `exists X,Y. X < Y & q(X)` as a goal is accepted (j7), while
    // `exists X,Y. X <= Y & q(X)` is rejected.
    let b = ints();
    let x = Var::new("X", b.t);
    let y = Var::new("Y", b.t);
    let goal = |op| {
        exists(
            &[x, y],
            Term::and([b.bi(op, v(x), v(y), None), app(b.q, vec![v(x)])]),
            None,
        )
    };
    assert_eq!(
        check(&b.fx.sig, &[], &goal(BuiltinOp::Lt), &Origins::none()),
        Ok(())
    );
    let errs = check(&b.fx.sig, &[], &goal(BuiltinOp::Le), &Origins::none()).unwrap_err();
    assert_eq!(
        misuses(&errs),
        vec![
            (
                TheoryOp::Builtin(BuiltinOp::Le),
                MisuseReason::NonStrictBetweenVariables,
                "X"
            ),
            (
                TheoryOp::Builtin(BuiltinOp::Le),
                MisuseReason::NonStrictBetweenVariables,
                "Y"
            )
        ]
    );
    assert!(matches!(&errs[0], FragmentError::InterpretedTheoryMisuse(m) if m.in_goal));
}

#[test]
fn nested_universal_is_not_a_node_as_in_ivy() {
    // Ivy's `universal_variables` stops at the first universal quantifier:
    // `forall Y. p(Y) -> p(g(f(Y)))` is a cycle node -> id -> node, but
    // under `forall X. p(X) -> ...` the Y is not a node of Ivy's graph and
    // the formula is accepted (checked with ivy_check).
    let b = basic();
    let x = Var::new("X", b.node);
    let y = Var::new("Y", b.node);
    let back = |w: Var| {
        implies(
            app(b.p, vec![v(w)]),
            app(b.p, vec![app(b.g, vec![app(b.f, vec![v(w)])])]),
        )
    };
    let top = forall(&[y], back(y), None);
    let goal = Term::tru();
    assert!(check(
        &b.fx.sig,
        std::slice::from_ref(&top),
        &goal,
        &Origins::none()
    )
    .is_err());
    let nested = forall(&[x], implies(app(b.p, vec![v(x)]), top), None);
    assert_eq!(check(&b.fx.sig, &[nested], &goal, &Origins::none()), Ok(()));
}

#[test]
fn check_all_puts_every_formula_in_one_graph() {
    // Two hypotheses that are each in the fragment, and together form the
    // cycle node -> id -> node of two Skolem functions; a goal is negated.
    let b = basic();
    let (x, y) = (Var::new("X", b.node), Var::new("Y", b.id));
    let has_id = b.forall_exists("i1", x, y, app(b.r, vec![v(x), v(y)]));
    let has_node = forall(&[y], exists(&[x], app(b.r, vec![v(x), v(y)]), None), None);
    let goal = Term::tru();
    assert_eq!(
        check(
            &b.fx.sig,
            std::slice::from_ref(&has_id),
            &goal,
            &Origins::none()
        ),
        Ok(())
    );
    assert_eq!(
        check(
            &b.fx.sig,
            std::slice::from_ref(&has_node),
            &goal,
            &Origins::none()
        ),
        Ok(())
    );
    assert!(check_all(
        &b.fx.sig,
        &[has_id.clone(), has_node.clone()],
        &[],
        &[],
        &[]
    )
    .is_err());
    // The same cycle with one side as a goal: `exists Y. forall X. ~r(X,Y)`
    // negated is `forall Y. exists X. r(X,Y)`.
    let neg = exists(
        &[y],
        forall(&[x], Term::not(app(b.r, vec![v(x), v(y)])), None),
        None,
    );
    let errs = check_all(&b.fx.sig, &[has_id], &[neg], &[], &[]).unwrap_err();
    assert_eq!(cycles(&errs), vec![vec!["node", "id", "node"]]);
}

#[test]
fn conditional_term_over_a_variable_is_a_function() {
    // `p(X) -> p(X if p(X) else n)`, and `X if p(X) else X` (kept as
    // written): Ivy maps the conditional term to its variable branch with
    // the variables below it as arguments, so `p`'s argument position gets
    // an arc from X and is unified with X: a self-loop node → node. The
    // sort graph shows it as an edge of the conditional term.
    let b = basic();
    let x = Var::new("X", b.node);
    let cond = app(b.p, vec![v(x)]);
    let span = Some(b.fx.span("individual n"));
    for other in [Term::constant(b.n), v(x)] {
        let ite = Term::ite_as_written(cond.clone(), v(x), other).with_span(span);
        let hyp = implies(app(b.p, vec![v(x)]), app(b.p, vec![ite]));
        let goal = app(b.p, vec![Term::constant(b.n)]);
        let origins = Origins::with_goal(Origin::invariant("i6")).hyp(Origin::invariant("i4"));
        let errs = check(&b.fx.sig, std::slice::from_ref(&hyp), &goal, &origins).unwrap_err();
        assert_eq!(cycles(&errs), vec![vec!["node", "node"]]);
        let FragmentError::Cycle(c) = &errs[0] else {
            panic!()
        };
        assert!(matches!(&c.edges[0].origin, EdgeOrigin::Ite(i) if i.var.as_str() == "X"));
        let text = b.fx.render_all(&errs);
        assert!(text.contains("conditional term over X:node"), "{text}");
        assert!(text.contains("as a case split"), "{text}");
    }
    // Over constants only, it is no function: in the fragment.
    let ite = Term::ite_as_written(
        app(b.p, vec![Term::constant(b.n)]),
        Term::constant(b.n),
        Term::constant(b.n),
    );
    let hyp = implies(app(b.p, vec![v(x)]), app(b.p, vec![ite]));
    let goal = app(b.p, vec![Term::constant(b.n)]);
    let origins = Origins::with_goal(Origin::invariant("i6")).hyp(Origin::invariant("i4"));
    assert!(check(&b.fx.sig, std::slice::from_ref(&hyp), &goal, &origins).is_ok());
}

#[test]
fn unexplained_cycle_is_still_an_error() {
    let fx = Fx::new("invariant [i6] p(n)\n");
    let mut o = Origin::invariant("i6");
    o.span = Some(fx.span("p(n)"));
    let text = fx.render(&FragmentError::UnexplainedCycle(Some(o)));
    assert!(text.contains("error[not-epr]"), "{text}");
    assert!(text.contains("checking invariant [i6]"), "{text}");
    let text = fx.render(&FragmentError::UnexplainedCycle(None));
    assert!(text.contains("please report"), "{text}");
}
