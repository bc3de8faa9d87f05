//! Symmetry breaking for bounded sorts: the elements of a bounded sort are
//! interchangeable, so the search only looks at executions that use them
//! in order. The bound constants `c1..cN` are ordered (distinct up to the
//! universe size, then repeating the last), and in a sequence of guarded
//! ground terms (the constants of the system, then the parameters of each
//! step's action, guarded by its selector) a term that takes an element no
//! earlier active term took must take the least unused constant. Any model
//! of the bounded query can be made to satisfy these constraints by
//! choosing what the (hidden) bound constants denote, so no violation is
//! lost; docs/bmc.md has the argument.

use ivyc_logic::{SymId, Term};

/// `c_i = c_(i-1) | c_i differs from every c_j, j < i` and
/// `c_i = c_(i-1) -> c_(i+1) = c_i`: the constants name distinct elements
/// up to some point, then all name the last one.
pub fn ordered_constants(consts: &[SymId]) -> Vec<Term> {
    let c = |i: usize| Term::constant(consts[i]);
    let mut out = Vec::new();
    for i in 1..consts.len() {
        let same = Term::eq(c(i), c(i - 1));
        out.push(Term::or([
            same.clone(),
            Term::and((0..i).map(|j| Term::not(Term::eq(c(i), c(j))))),
        ]));
        if i + 1 < consts.len() {
            out.push(Term::implies(same, Term::eq(c(i + 1), c(i))));
        }
    }
    out
}

/// The first-use constraints of the terms `new` (each `(guard, term)`),
/// which follow the terms `earlier` in the sequence: for every new term
/// `t` (guard `g`) and `i >= 2`,
/// `g & t = c_i & t != c_(i-1) -> (some active term before t is c_(i-1))`.
/// With [`ordered_constants`], `t = c_i & t != c_(i-1)` says `c_i` is the
/// first constant naming `t`, so `t` takes a new element only if every
/// smaller constant was taken before it.
pub fn first_use(consts: &[SymId], earlier: &[(Term, Term)], new: &[(Term, Term)]) -> Vec<Term> {
    let c = |i: usize| Term::constant(consts[i]);
    let mut out = Vec::new();
    let mut before: Vec<&(Term, Term)> = earlier.iter().collect();
    for item in new {
        let (guard, t) = item;
        for i in 1..consts.len() {
            let fresh = Term::and([
                guard.clone(),
                Term::eq(t.clone(), c(i)),
                Term::not(Term::eq(t.clone(), c(i - 1))),
            ]);
            let used = Term::or(
                before
                    .iter()
                    .map(|(g, u)| Term::and([g.clone(), Term::eq(u.clone(), c(i - 1))])),
            );
            out.push(Term::implies(fresh, used));
        }
        before.push(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::Symbol;
    use ivyc_logic::brute::BruteForce;
    use ivyc_logic::{Answer, Role, Signature, SortId};

    fn setup(n: usize, terms: usize) -> (Signature, Vec<SymId>, Vec<SymId>, Term) {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let (ax, consts) = crate::bound::cardinality_axiom(&mut sig, node, n as u32);
        let ts: Vec<SymId> = (0..terms)
            .map(|i| sig.fresh_symbol(Symbol::intern(&format!("t{i}")), vec![], node, Role::Rigid))
            .collect();
        (sig, consts, ts, ax)
    }

    fn brute(n: u32) -> BruteForce {
        BruteForce {
            max_universe: n,
            max_models: 2_000_000,
            exhaustive_means_unsat: true,
        }
    }

    fn unguarded(ts: &[SymId]) -> Vec<(Term, Term)> {
        ts.iter()
            .map(|&t| (Term::tru(), Term::constant(t)))
            .collect()
    }

    #[test]
    fn three_distinct_terms_still_fit_in_three_elements() {
        let (sig, consts, ts, ax) = setup(3, 3);
        let mut all = vec![ax];
        all.extend(ordered_constants(&consts));
        all.extend(first_use(&consts, &[], &unguarded(&ts)));
        for i in 0..3 {
            for j in i + 1..3 {
                all.push(Term::not(Term::eq(
                    Term::constant(ts[i]),
                    Term::constant(ts[j]),
                )));
            }
        }
        let Answer::Sat(m) = brute(3).find_model(&sig, &all) else {
            panic!("three distinct terms with three elements");
        };
        // The terms take the constants in order.
        for (t, c) in ts.iter().zip(&consts) {
            assert_eq!(m.lookup(*t, &[]), m.lookup(*c, &[]));
        }
    }

    #[test]
    fn the_first_term_takes_the_first_constant() {
        let (sig, consts, ts, ax) = setup(3, 2);
        let mut all = vec![ax];
        all.extend(ordered_constants(&consts));
        all.extend(first_use(&consts, &[], &unguarded(&ts)));
        all.push(Term::not(Term::eq(
            Term::constant(ts[0]),
            Term::constant(consts[0]),
        )));
        assert_eq!(brute(3).find_model(&sig, &all), Answer::Unsat);
        // Nor may the second term skip c2 for c3.
        let (sig, consts, ts, ax) = setup(3, 2);
        let mut all = vec![ax];
        all.extend(ordered_constants(&consts));
        all.extend(first_use(&consts, &[], &unguarded(&ts)));
        all.push(Term::eq(Term::constant(ts[1]), Term::constant(consts[2])));
        all.push(Term::not(Term::eq(
            Term::constant(consts[2]),
            Term::constant(consts[1]),
        )));
        assert_eq!(brute(3).find_model(&sig, &all), Answer::Unsat);
    }

    #[test]
    fn inactive_terms_are_free() {
        // Guarded by `false`, t0 does not count as a use.
        let (mut sig, consts, ts, ax) = setup(2, 2);
        let g = sig.fresh_symbol(Symbol::intern("g"), vec![], SortId::BOOL, Role::Rigid);
        let seq = vec![
            (Term::constant(g), Term::constant(ts[0])),
            (Term::tru(), Term::constant(ts[1])),
        ];
        let mut all = vec![ax, Term::not(Term::constant(g))];
        all.extend(ordered_constants(&consts));
        all.extend(first_use(&consts, &[], &seq));
        all.push(Term::not(Term::eq(
            Term::constant(ts[1]),
            Term::constant(consts[0]),
        )));
        // t1 is the first active term: it must be c1.
        assert_eq!(brute(2).find_model(&sig, &all), Answer::Unsat);
    }
}
