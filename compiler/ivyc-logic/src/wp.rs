//! Weakest liberal preconditions of guarded commands by substitution
//! (`wlp`). Exact but possibly exponential (choices duplicate the
//! postcondition); the VC generator uses the linear passive form of
//! [`crate::passive`] instead, `wlp` serves small commands and cross-checks.

use crate::cmd::Cmd;
use crate::signature::Signature;
use crate::term::{Lambda, Term};
use std::collections::HashMap;

/// `wlp(cmd, post)`:
///
/// * `wlp(skip, R) = R`
/// * `wlp(assume Q, R) = Q -> R`
/// * `wlp(assert Q, R) = Q & R`
/// * `wlp(f(X) := t, R) = R[f := lambda X. t]` (every `f(u)` becomes `t[X:=u]`)
/// * `wlp(havoc f, R) = R[f := f#k]` with `f#k` fresh (added to `sig`), which
///   is implicitly universally quantified when the result is checked valid
/// * `wlp(c1; c2, R) = wlp(c1, wlp(c2, R))`
/// * `wlp(c1 or c2, R) = wlp(c1, R) & wlp(c2, R)`
pub fn wlp(sig: &mut Signature, cmd: &Cmd, post: Term) -> Term {
    match cmd {
        Cmd::Skip => post,
        Cmd::Assume(q) => Term::implies(q.clone(), post),
        Cmd::Assert(q, _) => Term::and([q.clone(), post]),
        Cmd::Assign { sym, params, value } => {
            let mut m = HashMap::new();
            m.insert(*sym, Lambda::new(params.clone(), value.clone()));
            post.subst_symbols(&m)
        }
        Cmd::Havoc(sym) => {
            let role = sig.symbol(*sym).role;
            let fresh = sig.fresh_copy(*sym, role);
            let mut m = HashMap::new();
            m.insert(*sym, fresh);
            post.rename_symbols(&m)
        }
        Cmd::Seq(cs) => {
            let mut r = post;
            for c in cs.iter().rev() {
                r = wlp(sig, c, r);
            }
            r
        }
        Cmd::Choice(cs) => {
            let parts: Vec<Term> = cs.iter().map(|c| wlp(sig, c, post.clone())).collect();
            Term::and(parts)
        }
    }
}
