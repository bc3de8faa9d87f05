//! Counterexample minimisation: shrink the universe of each uninterpreted
//! sort in turn with cardinality bounds, re-checking the (still asserted)
//! query, so that the final model is a smallest-found model of the query.

use crate::model::decode_model;
use crate::session::Z3Solver;
use ivyc_logic::{Model, Signature, SortId, SymId};
use z3::ast::{Ast, Bool, Dynamic};
use z3::SatResult;

/// The cardinality bound `|sort| <= k` as fresh constants `c1..ck` and the
/// axiom `forall y. y = c1 | ... | y = ck`.
pub fn cardinality_bound(sort: &z3::Sort, k: u32) -> Bool {
    let cs: Vec<Dynamic> = (0..k).map(|_| Dynamic::fresh_const("card", sort)).collect();
    let y = Dynamic::fresh_const("y", sort);
    let eqs: Vec<Bool> = cs.iter().map(|c| y.eq(c)).collect();
    z3::ast::forall_const(&[&y as &dyn Ast], &[], &Bool::or(&eqs))
}

/// Minimises `model`, a decoded model of the query currently asserted in
/// `s` (inside its push). For each uninterpreted sort in sort order whose
/// universe has `n >= 2` elements, tries `k = 1, 2, .., n-1`: pushes the
/// bound `|sort| <= k` and re-checks with the same timeout. The first
/// `sat` wins: its model becomes the current one and the bound stays
/// asserted while later sorts are minimised. `unsat` pops the bound and
/// tries `k + 1`; `unknown` pops it and gives up on that sort (keeping the
/// current model). All bounds are popped at the end. Every model returned
/// is a model of the query plus some bounds, hence of the query.
pub(crate) fn minimize(
    s: &mut Z3Solver,
    sig: &Signature,
    used: &[SymId],
    model: Model,
    timeout_ms: u64,
) -> Result<Model, String> {
    let mut best = model;
    let mut pushed = 0u32;
    let sorts: Vec<SortId> = best.universes.keys().copied().collect();
    let mut result = Ok(());
    'sorts: for sort in sorts {
        let n = best.universes.get(&sort).copied().unwrap_or(1);
        let z3s = match s.encoder().z3_sort(sig, sort) {
            Ok(z) => z,
            Err(e) => {
                result = Err(e.to_string());
                break 'sorts;
            }
        };
        for k in 1..n {
            s.z3().push();
            s.z3().assert(cardinality_bound(&z3s, k));
            match s.check_raw(timeout_ms) {
                SatResult::Sat => {
                    let Some(z3m) = s.z3().get_model() else {
                        s.z3().pop(1);
                        break;
                    };
                    match decode_model(s.encoder(), sig, &z3m, used) {
                        Ok(m) => best = m,
                        Err(e) => {
                            s.z3().pop(1);
                            result = Err(e);
                            break 'sorts;
                        }
                    }
                    pushed += 1;
                    break;
                }
                SatResult::Unsat => s.z3().pop(1),
                SatResult::Unknown => {
                    s.z3().pop(1);
                    break;
                }
            }
        }
    }
    if pushed > 0 {
        s.z3().pop(pushed);
    }
    result.map(|()| best)
}
