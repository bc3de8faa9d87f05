//! `--bound SORT=N`: the cardinality axiom `forall X. X = c1 | ... | X = cN`
//! over fresh constants, limiting an uninterpreted sort to at most N
//! elements.

use ivyc_base::Symbol;
use ivyc_logic::{Role, Signature, SortId, SymId, Term, Var};

/// Adds fresh rigid constants `c1..cN` of `sort` to `sig` and returns the
/// axiom saying every element is one of them, with the constants (so
/// callers can hide them from traces). `n` is at least 1.
pub fn cardinality_axiom(sig: &mut Signature, sort: SortId, n: u32) -> (Term, Vec<SymId>) {
    let base = Symbol::intern(&format!("{}.bound", sig.sort_name(sort)));
    let consts: Vec<SymId> = (0..n.max(1))
        .map(|_| sig.fresh_symbol(base, vec![], sort, Role::Rigid))
        .collect();
    let x = Var::new("X", sort);
    let body = Term::or(
        consts
            .iter()
            .map(|&c| Term::eq(Term::var(x), Term::constant(c))),
    );
    (Term::forall(vec![x], body), consts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::brute::BruteForce;
    use ivyc_logic::{Answer, Solver};

    #[test]
    fn bound_limits_the_universe() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let (ax, consts) = cardinality_axiom(&mut sig, node, 1);
        assert_eq!(consts.len(), 1);
        // With at most one node, two nodes are always equal.
        let a = sig.fresh_symbol(Symbol::intern("a"), vec![], node, Role::Rigid);
        let b = sig.fresh_symbol(Symbol::intern("b"), vec![], node, Role::Rigid);
        let goal = Term::eq(Term::constant(a), Term::constant(b));
        let mut s = BruteForce {
            exhaustive_means_unsat: true,
            ..BruteForce::default()
        };
        assert_eq!(s.check(&sig, &[ax], &goal, 1000), Answer::Unsat);
        assert!(matches!(s.check(&sig, &[], &goal, 1000), Answer::Sat(_)));
    }
}
