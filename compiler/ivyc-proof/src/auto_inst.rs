//! `tactic auto_inst with trigger ax with t1, ..., tn`: ms-ivy's
//! instantiation of axioms by triggers. Each pattern `ti` (whose
//! variables are the axiom's free variables) is matched against every
//! subterm of the goal's conclusion and of the conclusions of its
//! premises; each combination of matches that agree on the variables
//! they share gives one instance of the axiom, which becomes a premise
//! of the goal. Without triggers the goal does not change.

use crate::error::ProofError;
use crate::goal::{alpha_eq, Goal, Prem};
use crate::tactic::instantiate_forall;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Term, TermKind, Var};
use std::collections::HashMap;

/// One `trigger ax with t1, ..., tn`: the axiom and its patterns.
#[derive(Clone, Debug)]
pub struct Trigger {
    pub name: Symbol,
    pub fact: Goal,
    pub patterns: Vec<Term>,
}

type Match = HashMap<Var, Term>;

/// Adds the instances of the triggers' axioms to the first goal.
/// Returns the number of instances added.
pub fn auto_inst(
    goals: &mut [Goal],
    triggers: &[Trigger],
    span: Span,
) -> Result<usize, ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    let mut fmlas: Vec<Term> = goal.facts().map(|f| f.conc.clone()).collect();
    fmlas.push(goal.conc.clone());
    let mut added: Vec<Term> = Vec::new();
    let mut new_prems = Vec::new();
    for trig in triggers {
        let per_pattern: Vec<Vec<Match>> = trig
            .patterns
            .iter()
            .map(|p| {
                let mut out = Vec::new();
                for f in &fmlas {
                    matches_in(p, f, &mut out);
                }
                out
            })
            .collect();
        for m in merge(&per_pattern) {
            let conc = instance(&trig.fact.conc, &m);
            if added.iter().any(|a| alpha_eq(a, &conc)) {
                continue;
            }
            added.push(conc.clone());
            let mut inst = trig.fact.clone();
            inst.conc = conc;
            inst.explicit = false;
            inst.definition = false;
            inst.span = Some(span);
            inst.label = Some(trig.name);
            new_prems.push(Prem::Fact(inst));
        }
    }
    let n = new_prems.len();
    goal.prems.extend(new_prems);
    Ok(n)
}

/// The axiom under the match: its free variables and the variables of
/// its leading universal quantifiers (ivyc closes axioms written with
/// free variables) take their values; the others stay universal.
fn instance(ax: &Term, m: &Match) -> Term {
    let mut t = ax.subst_vars(m);
    let mut vars: Vec<&Var> = m.keys().collect();
    vars.sort_by_key(|v| v.name.as_str());
    for v in vars {
        if let Some(u) = instantiate_forall(&t, *v, &m[v]) {
            t = u;
        }
    }
    t
}

/// The matches of `pat` at every subterm of `t` (children first, as
/// ms-ivy visits them; quantifier bodies included).
fn matches_in(pat: &Term, t: &Term, out: &mut Vec<Match>) {
    for c in t.children() {
        matches_in(pat, c, out);
    }
    let mut m = Match::new();
    if match_term(pat, t, &mut m) {
        out.push(m);
    }
}

/// First-order matching of a pattern: its variables match any term of
/// their sort (consistently), symbols match themselves, equations in
/// either orientation; a quantified pattern matches nothing.
fn match_term(pat: &Term, t: &Term, m: &mut Match) -> bool {
    use TermKind as K;
    match (&pat.kind, &t.kind) {
        (K::Var(v), _) => match m.get(v) {
            Some(old) => alpha_eq(old, t),
            None => {
                m.insert(*v, t.clone());
                true
            }
        },
        (K::Forall(..) | K::Exists(..), _) => false,
        (K::App(f, xs), K::App(g, ys)) => f == g && match_all(xs, ys, m),
        (K::Eq(p1, p2), K::Eq(e1, e2)) => {
            let save = m.clone();
            if match_term(p1, e1, m) && match_term(p2, e2, m) {
                return true;
            }
            *m = save;
            match_term(p1, e2, m) && match_term(p2, e1, m)
        }
        (K::Builtin(o, xs), K::Builtin(p, ys)) => o == p && match_all(xs, ys, m),
        (K::Not(_), K::Not(_))
        | (K::And(_), K::And(_))
        | (K::Or(_), K::Or(_))
        | (K::Implies(..), K::Implies(..))
        | (K::Iff(..), K::Iff(..))
        | (K::Ite(..), K::Ite(..)) => {
            let (xs, ys) = (pat.children(), t.children());
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| match_term(x, y, m))
        }
        _ => alpha_eq(pat, t),
    }
}

fn match_all(xs: &[Term], ys: &[Term], m: &mut Match) -> bool {
    xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| match_term(x, y, m))
}

/// The combinations of one match per pattern that agree on their shared
/// variables, merged.
fn merge(lists: &[Vec<Match>]) -> Vec<Match> {
    let mut acc = vec![Match::new()];
    for list in lists {
        let mut next = Vec::new();
        for a in &acc {
            'm: for b in list {
                let mut c = a.clone();
                for (v, t) in b {
                    match c.get(v) {
                        Some(old) if !alpha_eq(old, t) => continue 'm,
                        Some(_) => {}
                        None => {
                            c.insert(*v, t.clone());
                        }
                    }
                }
                next.push(c);
            }
        }
        acc = next;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{SortId, SymId};

    #[test]
    fn pattern_instantiates_axiom_at_each_match() {
        let s = SortId(5);
        let x = Var::new("X", s);
        let (f, r, c, d) = (SymId(1), SymId(2), SymId(3), SymId(4));
        // axiom r(X) ; goal r(f(c)) & r(f(d)) ; trigger f(X)
        let fact = Goal::fact(None, None, Term::app(r, vec![Term::var(x)]));
        let fc = Term::app(f, vec![Term::constant(c)]);
        let fd = Term::app(f, vec![Term::constant(d)]);
        let goal = Goal::fact(
            None,
            None,
            Term::and(vec![Term::app(r, vec![fc.clone()]), Term::app(r, vec![fd])]),
        );
        let mut goals = vec![goal];
        let trig = Trigger {
            name: Symbol::intern("ax"),
            fact,
            patterns: vec![Term::app(f, vec![Term::var(x)])],
        };
        let n = auto_inst(&mut goals, &[trig], Span::default()).expect("a goal");
        assert_eq!(n, 2);
        let first = goals[0].facts().next().expect("an instance");
        // `f(X)` matched `f(c)` first: the instance is `r(c)`.
        assert!(alpha_eq(
            &first.conc,
            &Term::app(r, vec![Term::constant(c)])
        ));
        let _ = fc;
    }

    #[test]
    fn patterns_must_agree_on_shared_variables() {
        let s = SortId(5);
        let x = Var::new("X", s);
        let (c, d) = (SymId(3), SymId(4));
        let m1 = vec![[(x, Term::constant(c))].into_iter().collect()];
        let m2 = vec![[(x, Term::constant(d))].into_iter().collect::<Match>()];
        assert!(merge(&[m1.clone(), m2]).is_empty());
        assert_eq!(merge(&[m1.clone(), m1]).len(), 1);
    }
}
