//! Expression precedence and associativity tests against Ivy 1.7's yacc
//! table (each case checked by hand against `ivy_logic_parser.py`).
#![allow(clippy::unwrap_used)]

mod common;
use common::{parse_ok, sx};
use ivyc_syntax::ast::DeclKind;

fn expr(src: &str) -> String {
    let decls = parse_ok(&format!("axiom {src}"));
    match &decls[0].kind {
        DeclKind::Axiom { prop, .. } => match &prop.prop {
            ivyc_syntax::ast::Prop::Fmla(e) => sx(e),
            other => panic!("not a formula: {other:?}"),
        },
        other => panic!("not an axiom: {other:?}"),
    }
}

#[test]
fn boolean_connectives() {
    assert_eq!(expr("a & b | c"), "(| (& a b) c)");
    assert_eq!(expr("a | b & c"), "(| a (& b c))");
    assert_eq!(expr("a -> b | c"), "(-> a (| b c))");
    // `->` and `<->` are left-associative at the same level in 1.7
    assert_eq!(expr("a -> b -> c"), "(-> (-> a b) c)");
    assert_eq!(expr("a <-> b -> c"), "(-> (<-> a b) c)");
    assert_eq!(expr("a -> b <-> c"), "(<-> (-> a b) c)");
}

#[test]
fn negation_binds_between_and_and_equality() {
    assert_eq!(expr("~a & b"), "(& (Not a) b)");
    assert_eq!(expr("~a = b"), "(Not (= a b))");
    assert_eq!(expr("~ ~a"), "(Not (Not a))");
    // a prefix `~` in the right operand of `=` swallows the rest of the
    // equality chain but not `&` (yacc shift/reduce behaviour)
    assert_eq!(expr("a = ~b = c"), "(= a (Not (= b c)))");
    assert_eq!(expr("a = ~b & c"), "(& (= a (Not b)) c)");
}

#[test]
fn comparisons() {
    assert_eq!(expr("a = b = c"), "(= (= a b) c)");
    assert_eq!(expr("a < b = c"), "(= (< a b) c)");
    // `~=` binds tighter than `=`
    assert_eq!(expr("a = b ~= c"), "(= a (~= b c))");
    assert_eq!(expr("a ~= b = c"), "(= (~= a b) c)");
    assert_eq!(expr("X <= Y & Y < Z"), "(& (<= X Y) (< Y Z))");
    assert_eq!(expr("a *> b"), "(*> a b)");
}

#[test]
fn arithmetic() {
    assert_eq!(expr("a + b * c = d"), "(= (+ a (* b c)) d)");
    assert_eq!(expr("a - b - c"), "(- (- a b) c)");
    assert_eq!(expr("a / b * c"), "(* (/ a b) c)");
    assert_eq!(expr("(a + b) * c"), "(* [(+ a b)] c)");
}

#[test]
fn if_else_terms() {
    assert_eq!(expr("x = a if c else b"), "(= x (ite c a b))");
    assert_eq!(expr("a + b if c else d"), "(ite c (+ a b) d)");
    assert_eq!(expr("a if c else b + d"), "(ite c a (+ b d))");
    assert_eq!(expr("a if c else b = d"), "(= (ite c a b) d)");
    assert_eq!(expr("a if c else b if d else e"), "(ite d (ite c a b) e)");
    assert_eq!(expr("a if x = y & z else b"), "(ite (& (= x y) z) a b)");
}

#[test]
fn annotations_and_isa() {
    assert_eq!(expr("X:t = Y"), "(= (: X t) Y)");
    assert_eq!(expr("a + b : t"), "(: (+ a b) t)");
    assert_eq!(expr("a = b : t"), "(= a (: b t))");
    assert_eq!(expr("X:a.b.t = Y"), "(= (: X a.b.t) Y)");
    // `isa` has no yacc precedence in Ivy: everything on its left is
    // reduced first (ms-ivy 1.8.26 shows `a + a isa u` as
    // `exists V. *>(a + a, V:u)`).
    assert_eq!(expr("x isa t & y"), "(& (isa x t) y)");
    assert_eq!(expr("a + b isa t"), "(isa (+ a b) t)");
    assert_eq!(expr("y & x isa t"), "(isa (& y x) t)");
    assert_eq!(expr("forall X. X isa t"), "(isa (Forall [X] X) t)");
}

#[test]
fn when_operators_are_loosest_and_right_associative() {
    // Ivy 1.8 only; `when...` tokens have no yacc precedence.
    let e = |src: &str| {
        let text = format!("#lang ivy1.8\naxiom {src}\n");
        let (f, errs) = ivyc_syntax::parse(ivyc_base::FileId(0), &text);
        assert!(errs.is_empty(), "{src}: {errs:?}");
        match &f.decls[0].kind {
            ivyc_syntax::ast::DeclKind::Axiom { prop, .. } => match &prop.prop {
                ivyc_syntax::ast::Prop::Fmla(x) => sx(x),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(e("a & b whenfirst c -> d"), "(whenfirst (& a b) (-> c d))");
    assert_eq!(
        e("a whenfirst b whenlast c"),
        "(whenfirst a (whenlast b c))"
    );
    assert_eq!(e("globally a whennext b"), "(whennext (Globally a) b)");
}

#[test]
fn quantifiers_extend_to_the_right() {
    assert_eq!(
        expr("forall X,Y:t. p(X) -> q(Y)"),
        "(Forall [X Y:t] (-> (p X) (q Y)))"
    );
    assert_eq!(expr("a & forall X. b & c"), "(& a (Forall [X] (& b c)))");
    assert_eq!(expr("p -> exists X. q(X)"), "(-> p (Exists [X] (q X)))");
    assert_eq!(
        expr("forall (X:t, Y) X = Y | Z"),
        "(Forall [X:t Y] (| (= X Y) Z))"
    );
    assert_eq!(expr("globally p -> q"), "(Globally (-> p q))");
    assert_eq!(expr("a & globally p"), "(& a (Globally p))");
    assert_eq!(expr("$ l . p & q"), "($ l [] (& p q))");
    assert_eq!(
        expr("($ l X . p(X))(y) & q"),
        "(& ($ l [X] (p X) applied(y)) q)"
    );
}

#[test]
fn dots_and_old() {
    assert_eq!(expr("a.b.c(x)"), "(a.b.c x)");
    assert_eq!(expr("f(x).g"), "(. (f x) g)");
    assert_eq!(expr("f(x).g(y) = z"), "(= (. (f x) (g y)) z)");
    assert_eq!(expr("old x.f = y"), "(= (. (old x) f) y)");
    assert_eq!(expr("old r(X) -> r(X)"), "(-> (old (r X)) (r X))");
    assert_eq!(expr("X.f"), "(. X f)");
    assert_eq!(expr("arr[t](x)"), "(arr[t] x)");
    assert_eq!(expr("0 < 12 & s = \"abc\""), "(& (< 0 12) (= s \"abc\"))");
    assert_eq!(expr("true & ~false"), "(& true (Not false))");
}

/// The formula of `axiom <src>` in a file of language version `version`.
fn expr_in(version: &str, src: &str) -> String {
    let text = format!("#lang ivy{version}\naxiom {src}\n");
    let (file, errors) = ivyc_syntax::parse(ivyc_base::FileId(0), &text);
    assert!(errors.is_empty(), "{errors:?}");
    match &file.decls[0].kind {
        DeclKind::Axiom { prop, .. } => match &prop.prop {
            ivyc_syntax::ast::Prop::Fmla(e) => sx(e),
            other => panic!("not a formula: {other:?}"),
        },
        other => panic!("not an axiom: {other:?}"),
    }
}

#[test]
fn arrows_group_right_before_1_7() {
    // `->`/`<->` have no precedence in the 1.3-1.6 table: yacc shifts
    assert_eq!(expr_in("1.6", "a -> b -> c"), "(-> a (-> b c))");
    assert_eq!(expr_in("1.6", "a <-> b -> c"), "(<-> a (-> b c))");
    assert_eq!(expr_in("1.6", "a -> b <-> c"), "(-> a (<-> b c))");
    assert_eq!(expr_in("1.6", "a | b -> c"), "(-> (| a b) c)");
    assert_eq!(expr_in("1.6", "a -> b | c"), "(-> a (| b c))");
    assert_eq!(expr_in("1.6", "~a -> b"), "(-> (Not a) b)");
    assert_eq!(expr_in("1.6", "globally a -> b"), "(-> (Globally a) b)");
    assert_eq!(
        expr_in("1.6", "forall X. a -> b -> c"),
        "(Forall [X] (-> a (-> b c)))"
    );
    assert_eq!(expr_in("1.7", "a -> b -> c"), "(-> (-> a b) c)");
    assert_eq!(expr_in("1.8", "a -> b -> c"), "(-> (-> a b) c)");
}

#[test]
fn arithmetic_levels_before_1_7() {
    // `+` < `-` < `*` < `/`, each left-associative
    assert_eq!(expr_in("1.6", "a + b - c = d"), "(= (+ a (- b c)) d)");
    assert_eq!(expr_in("1.6", "a - b + c = d"), "(= (+ (- a b) c) d)");
    assert_eq!(expr_in("1.6", "a - b - c = d"), "(= (- (- a b) c) d)");
    assert_eq!(expr_in("1.6", "a * b / c = d"), "(= (* a (/ b c)) d)");
    assert_eq!(expr_in("1.6", "a / b * c = d"), "(= (* (/ a b) c) d)");
    assert_eq!(expr_in("1.3", "a + b * c = d"), "(= (+ a (* b c)) d)");
    assert_eq!(expr_in("1.7", "a + b - c = d"), "(= (- (+ a b) c) d)");
    assert_eq!(expr_in("1.7", "a * b / c = d"), "(= (/ (* a b) c) d)");
}
