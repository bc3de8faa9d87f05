//! Hiding interpretations from units that cannot see them, as Ivy does: a
//! sort's `interpret` (or range declaration) only holds in the units where
//! the object declaring it is present. Elsewhere the sort is uninterpreted:
//! its numerals become rigid constants and its operators uninterpreted
//! symbols (`<` a relation, with `<=`, `>`, `>=` derived from it as Ivy
//! does on uninterpreted sorts; `+ - * /` functions), so the unit only
//! knows what the specification says about them. Dropping theory facts
//! only weakens the unit's hypotheses, so this is sound.

use ivyc_base::Symbol;
use ivyc_logic::{
    BuiltinOp, Role, Signature, SortId, SortKind, SymId, SymbolDecl, System, Term, TermKind,
};
use std::collections::{BTreeSet, HashMap};

/// Makes `sorts` uninterpreted in `system`: rewrites every numeral, string
/// literal and builtin operation on them, then changes their kind.
pub(crate) fn uninterpret(system: &mut System, sorts: &BTreeSet<SortId>) {
    if sorts.is_empty() {
        return;
    }
    let mut syms = Symbols {
        sig: system.sig.clone(),
        made: HashMap::new(),
    };
    let old = system.sig.clone();
    system.map_terms(&mut |t| rewrite(t, &old, sorts, &mut syms));
    for &s in sorts {
        syms.sig.set_sort_kind(s, SortKind::Uninterpreted);
    }
    system.sig = syms.sig;
}

/// The symbols standing for numerals and operators, made on first use.
struct Symbols {
    sig: Signature,
    made: HashMap<(String, SortId), SymId>,
}

impl Symbols {
    /// The rigid symbol `name` with arguments `args` on sort `s`: an
    /// existing 0-ary symbol of that name and sort (a numeral sema already
    /// declared) or a new one.
    fn get(&mut self, name: &str, s: SortId, args: Vec<SortId>, ret: SortId) -> SymId {
        if let Some(&id) = self.made.get(&(name.to_owned(), s)) {
            return id;
        }
        let interned = Symbol::intern(name);
        let existing = self
            .sig
            .symbols_named(interned)
            .iter()
            .copied()
            .find(|&id| {
                let d = self.sig.symbol(id);
                d.args == args && d.ret == ret && d.role == Role::Rigid
            });
        let id = existing.unwrap_or_else(|| {
            self.sig
                .add_symbol(SymbolDecl::new(interned, args, ret, Role::Rigid))
        });
        self.made.insert((name.to_owned(), s), id);
        id
    }
}

/// `t` with every numeral, string literal and builtin on `sorts` replaced
/// (sorts are computed on the original terms, in `old`).
fn rewrite(t: &Term, old: &Signature, sorts: &BTreeSet<SortId>, syms: &mut Symbols) -> Term {
    let kind = match &t.kind {
        TermKind::Num(n, s) if sorts.contains(s) => {
            let c = syms.get(&n.to_string(), *s, vec![], *s);
            TermKind::App(c, vec![])
        }
        TermKind::Str(text, s) if sorts.contains(s) => {
            let c = syms.get(&format!("\"{text}\""), *s, vec![], *s);
            TermKind::App(c, vec![])
        }
        TermKind::Builtin(op, xs) => {
            let s = xs.first().map(|x| x.sort_of(old));
            let ys: Vec<Term> = xs.iter().map(|x| rewrite(x, old, sorts, syms)).collect();
            match s {
                Some(s) if sorts.contains(&s) => return operator(*op, s, ys, t, syms),
                _ => TermKind::Builtin(*op, ys),
            }
        }
        _ => return t.map_children(&mut |c| rewrite(c, old, sorts, syms)),
    };
    Term::new(kind).with_span(t.span)
}

/// The builtin `op` on the hidden sort `s` applied to `args` (already
/// rewritten), over the uninterpreted symbols.
fn operator(op: BuiltinOp, s: SortId, args: Vec<Term>, t: &Term, syms: &mut Symbols) -> Term {
    let span = t.span;
    let lt = |syms: &mut Symbols, a: Term, b: Term| {
        let r = syms.get("<", s, vec![s, s], SortId::BOOL);
        Term::app(r, vec![a, b]).with_span(span)
    };
    let mut it = args.into_iter();
    let (Some(a), b) = (it.next(), it.next()) else {
        return t.clone();
    };
    let out = match (op, b) {
        (BuiltinOp::Lt, Some(b)) => lt(syms, a, b),
        (BuiltinOp::Gt, Some(b)) => lt(syms, b, a),
        (BuiltinOp::Le, Some(b)) => Term::or([lt(syms, a.clone(), b.clone()), Term::eq(a, b)]),
        (BuiltinOp::Ge, Some(b)) => Term::or([lt(syms, b.clone(), a.clone()), Term::eq(a, b)]),
        (op, b) => {
            let args: Vec<Term> = std::iter::once(a).chain(b).collect();
            let sorts = vec![s; args.len()];
            let f = syms.get(op.as_str(), s, sorts, s);
            Term::app(f, args)
        }
    };
    out.with_span(span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{Property, Var};

    /// `forall X:t. 0 <= X` over `interpret t -> nat` becomes
    /// `forall X:t. <(0, X) | 0 = X` over an uninterpreted `t`, with `0` a
    /// rigid constant.
    #[test]
    fn numerals_and_comparisons_become_symbols() {
        let mut sig = Signature::new();
        let t = sig.add_uninterpreted_sort("t");
        sig.set_sort_kind(t, SortKind::Nat);
        let x = Var::new("X", t);
        let le = Term::builtin(BuiltinOp::Le, vec![Term::num(0, t), Term::var(x)]);
        let mut sys = System::new(sig);
        sys.axioms
            .push(Property::new(Some("pos"), Term::forall(vec![x], le), None));
        uninterpret(&mut sys, &BTreeSet::from([t]));
        assert_eq!(*sys.sig.sort_kind(t), SortKind::Uninterpreted);
        let text = sys.axioms[0].formula.pretty(&sys.sig);
        assert_eq!(text, "forall X:t. 0 < X | 0 = X");
        let zero = sys.sig.lookup_symbol("0").map(|s| sys.sig.symbol(s).role);
        assert_eq!(zero, Some(Role::Rigid));
    }
}
