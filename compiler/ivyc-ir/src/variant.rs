//! Variant sorts in the IR: recognising, in the checked program's terms,
//! what sema (`ivyc-sema/src/variant.rs`) made of upcasts and downcasts.
//!
//! Sema speaks of variants only through the rigid relations `*>(X:t,
//! Y:s)`. A sort `t` with variants is lowered to a tagged record whose
//! alternatives are the variant sorts (`ir::StructInfo::variant`); each
//! `*>` symbol of `t` and a variant `s` is the alternative of `s`
//! ([`PtoMap`]). Then:
//!
//! * an upcast is sema's `assume (forall X:s. n *> X <-> X = e) & (forall
//!   Y:o. ~(n *> Y)) ...` on a fresh `n` ([`upcast`]): `n := Upcast(e)`;
//! * a conjunct `e *> x` binding a variable `x` (of `if some x:s. ...`,
//!   `exists X:s. ...`, or the antecedent of `forall X:s. ... -> ...`) is a
//!   downcast ([`downcast`]): the variable is `e`'s alternative, guarded by
//!   `Isa(e)`, and is not searched for (variant sorts are unbounded);
//! * any other `a *> b` is `Isa(a) & Field(a) = b` (in `lower.rs`).

use crate::ir::FieldRef;
use ivyc_logic::{SymId, Term, TermKind, Var};
use std::collections::HashMap;

/// Each `*>` symbol between a sort with variants and one of its variants:
/// the alternative it selects.
pub(crate) type PtoMap = HashMap<SymId, FieldRef>;

/// The conjuncts of `t` (itself if it is not a conjunction).
pub(crate) fn conjuncts(t: &Term) -> Vec<&Term> {
    match &t.kind {
        TermKind::And(xs) => xs.iter().flat_map(conjuncts).collect(),
        _ => vec![t],
    }
}

/// A bound name a downcast may define: a quantified variable or a local
/// symbol (the witness of `if some`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    Var(Var),
    Sym(SymId),
}

impl Bound {
    fn is(&self, t: &Term) -> bool {
        match (self, &t.kind) {
            (Bound::Var(v), TermKind::Var(w)) => v == w,
            (Bound::Sym(s), TermKind::App(f, args)) => s == f && args.is_empty(),
            _ => false,
        }
    }

    fn occurs_in(&self, t: &Term) -> bool {
        match self {
            Bound::Var(v) => t.free_vars().contains(v),
            Bound::Sym(s) => t.mentions(*s),
        }
    }
}

/// A downcast found among the conjuncts of a condition: conjunct
/// `conjunct` is `base *> bound` (alternative `alt`).
#[derive(Clone, Debug)]
pub(crate) struct Downcast<'t> {
    pub bound: Bound,
    pub conjunct: usize,
    pub base: &'t Term,
    pub alt: FieldRef,
}

/// The downcasts defining some of `bounds` among `conj`: at most one per
/// bound name and per conjunct; a base never mentions a name defined by a
/// downcast (so they can be evaluated in any order).
pub(crate) fn downcasts<'t>(
    conj: &[&'t Term],
    bounds: &[Bound],
    pto: &PtoMap,
) -> Vec<Downcast<'t>> {
    let mut out: Vec<Downcast<'t>> = Vec::new();
    for (i, c) in conj.iter().enumerate() {
        let TermKind::App(p, args) = &c.kind else {
            continue;
        };
        let (Some(&alt), [base, x]) = (pto.get(p), args.as_slice()) else {
            continue;
        };
        let Some(b) = bounds.iter().find(|b| b.is(x)) else {
            continue;
        };
        if out.iter().any(|d| d.bound == *b) {
            continue;
        }
        out.push(Downcast {
            bound: *b,
            conjunct: i,
            base,
            alt,
        });
    }
    // Drop those whose base mentions a defined name (iterate: dropping one
    // may make another's base acceptable, never the reverse).
    loop {
        let defined: Vec<Bound> = out.iter().map(|d| d.bound).collect();
        let before = out.len();
        out.retain(|d| !defined.iter().any(|b| b.occurs_in(d.base)));
        if out.len() == before {
            return out;
        }
    }
}

/// Sema's upcast of `value` (of a variant) into the fresh local `n` (of
/// its parent sort): `(forall X:s. n *> X <-> X = value) & (forall Y:o.
/// ~(n *> Y)) & ...`. Returns `n`, `value` and the alternative of `s`.
pub(crate) fn upcast<'t>(t: &'t Term, pto: &PtoMap) -> Option<(SymId, &'t Term, FieldRef)> {
    let conj = conjuncts(t);
    let (first, rest) = conj.split_first()?;
    let TermKind::Forall(vs, body) = &first.kind else {
        return None;
    };
    let [x] = vs.as_slice() else {
        return None;
    };
    let TermKind::Iff(lhs, rhs) = &body.kind else {
        return None;
    };
    let (n, alt) = pto_app(lhs, x, pto)?;
    let TermKind::Eq(a, b) = &rhs.kind else {
        return None;
    };
    let value = match (&a.kind, &b.kind) {
        (TermKind::Var(v), _) if v == x => &**b,
        (_, TermKind::Var(v)) if v == x => &**a,
        _ => return None,
    };
    if value.free_vars().contains(x) {
        return None;
    }
    // The other conjuncts only say that `n` is no other variant.
    let others = rest.iter().all(|c| match &c.kind {
        TermKind::Forall(vs, body) => match (vs.as_slice(), &body.kind) {
            ([y], TermKind::Not(inner)) => pto_app(inner, y, pto).is_some_and(|(m, _)| m == n),
            _ => false,
        },
        _ => false,
    });
    others.then_some((n, value, alt))
}

/// `n *> x` for a local constant `n` and the variable `x`.
fn pto_app(t: &Term, x: &Var, pto: &PtoMap) -> Option<(SymId, FieldRef)> {
    let TermKind::App(p, args) = &t.kind else {
        return None;
    };
    let alt = *pto.get(p)?;
    match args.as_slice() {
        [n, y] if matches!(&y.kind, TermKind::Var(v) if v == x) => match &n.kind {
            TermKind::App(n, nargs) if nargs.is_empty() => Some((*n, alt)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::Symbol;
    use ivyc_logic::{Role, Signature, SymbolDecl};

    struct Fixture {
        pto: PtoMap,
        p_req: SymId,
        p_ack: SymId,
        n: SymId,
        e: SymId,
        msg: ivyc_logic::SortId,
        req: ivyc_logic::SortId,
        ack: ivyc_logic::SortId,
    }

    fn fixture() -> Fixture {
        let mut sig = Signature::new();
        let msg = sig.add_uninterpreted_sort("msg");
        let req = sig.add_uninterpreted_sort("req");
        let ack = sig.add_uninterpreted_sort("ack");
        let bool_ = ivyc_logic::SortId::BOOL;
        let pto = Symbol::intern("*>");
        let p_req = sig.add_symbol(SymbolDecl::new(pto, vec![msg, req], bool_, Role::Rigid));
        let p_ack = sig.add_symbol(SymbolDecl::new(pto, vec![msg, ack], bool_, Role::Rigid));
        let n = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("n"),
            vec![],
            msg,
            Role::Local,
        ));
        let e = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("e"),
            vec![],
            req,
            Role::Local,
        ));
        let mut pto = PtoMap::new();
        pto.insert(p_req, FieldRef { strct: 0, field: 0 });
        pto.insert(p_ack, FieldRef { strct: 0, field: 1 });
        Fixture {
            pto,
            p_req,
            p_ack,
            n,
            e,
            msg,
            req,
            ack,
        }
    }

    #[test]
    fn recognises_sema_upcast() {
        let f = fixture();
        let x = Var::new("X", f.req);
        let y = Var::new("Y", f.ack);
        let t = Term::and([
            Term::forall(
                vec![x],
                Term::iff(
                    Term::app(f.p_req, vec![Term::constant(f.n), Term::var(x)]),
                    Term::eq(Term::var(x), Term::constant(f.e)),
                ),
            ),
            Term::forall(
                vec![y],
                Term::not(Term::app(f.p_ack, vec![Term::constant(f.n), Term::var(y)])),
            ),
        ]);
        let (n, value, alt) = upcast(&t, &f.pto).expect("an upcast");
        assert_eq!(n, f.n);
        assert_eq!(value, &Term::constant(f.e));
        assert_eq!(alt, FieldRef { strct: 0, field: 0 });
        // An assumption that is not an upcast.
        let other = Term::app(f.p_req, vec![Term::constant(f.n), Term::constant(f.e)]);
        assert!(upcast(&other, &f.pto).is_none());
        let _ = f.msg;
    }

    #[test]
    fn finds_downcasts_whose_base_is_not_defined() {
        let f = fixture();
        let r = Var::new("R", f.req);
        let a = Var::new("A", f.ack);
        let m = Term::constant(f.n);
        let c1 = Term::app(f.p_req, vec![m.clone(), Term::var(r)]);
        let c2 = Term::app(f.p_ack, vec![m, Term::var(a)]);
        let conj = [&c1, &c2];
        let ds = downcasts(&conj, &[Bound::Var(r), Bound::Var(a)], &f.pto);
        assert_eq!(ds.len(), 2);
        assert_eq!(ds[1].alt, FieldRef { strct: 0, field: 1 });
        // `R *> A` with `R` itself defined by a downcast: only `R` is kept.
        let c3 = Term::app(f.p_ack, vec![Term::var(r), Term::var(a)]);
        let conj = [&c1, &c3];
        let ds = downcasts(&conj, &[Bound::Var(r), Bound::Var(a)], &f.pto);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].bound, Bound::Var(r));
    }
}
