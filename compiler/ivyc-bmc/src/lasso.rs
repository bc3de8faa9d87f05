//! Lasso counterexamples to temporal properties (`ivyc bmc --liveness`,
//! docs/liveness.md): a temporal formula evaluated on a lasso — states
//! `s0 .. s(n-1)` after the initializer and steps `1 .. n-1`, step `n`
//! returning to the state `s(l)` of a loop start `l` chosen by one-hot
//! boolean selectors — as a first-order formula over the SSA versions of
//! those states. `globally p` at position `i` is `p` at every position
//! reachable from `i` (`j >= i`, or `j >= l`: the loop), `eventually p` at
//! one of them; other connectives and quantifiers are pointwise.

use ivyc_base::{Span, Symbol};
use ivyc_logic::temporal::{Temporal, TemporalKind};
use ivyc_logic::{Signature, SymId, System, Term, TermKind, Var};
use std::collections::HashMap;

/// The temporal property a lasso search refutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LassoGoal {
    pub label: Option<Symbol>,
    pub span: Option<Span>,
    /// The property as written (closed; temporal operators as placeholders
    /// of `System::temporal`).
    pub property: Term,
    /// The `temporal axiom`s (fairness), assumed at position 0.
    pub premises: Vec<Term>,
}

/// The lasso goals of a system: each `temporal property` with the
/// temporal axioms as premises; `Err` names a temporal operator the lasso
/// search does not evaluate (named binders, `whenX`).
pub fn goals(sys: &System) -> Result<Vec<LassoGoal>, String> {
    let t = &sys.temporal;
    let premises: Vec<Term> = t.axioms.iter().map(|a| a.formula.clone()).collect();
    let mut out = Vec::new();
    for p in &t.properties {
        for f in premises.iter().chain(std::iter::once(&p.property.formula)) {
            supported(&sys.sig, t, f)?;
        }
        out.push(LassoGoal {
            label: p.property.label,
            span: p.property.span,
            property: p.property.formula.clone(),
            premises: premises.clone(),
        });
    }
    Ok(out)
}

fn supported(sig: &Signature, t: &Temporal, f: &Term) -> Result<(), String> {
    // The placeholders `f` mentions, and those their bodies mention.
    let mut todo = vec![f.clone()];
    let mut seen: Vec<SymId> = Vec::new();
    while let Some(x) = todo.pop() {
        for s in x.symbols() {
            let Some(op) = t.ops.get(&s) else { continue };
            if seen.contains(&s) {
                continue;
            }
            seen.push(s);
            if !matches!(op.kind, TemporalKind::Globally | TemporalKind::Eventually) {
                return Err(format!(
                    "the lasso search evaluates `globally` and `eventually` only, not `{}`",
                    sig.symbol_name(s)
                ));
            }
            todo.push(op.body.clone());
        }
    }
    Ok(())
}

/// The formula "the lasso with `n` positions (`versions[i]`: the SSA
/// renaming of the state at position `i`, `i <= n`; `loops[l]`: the
/// selector of loop start `l < n`) is fair and violates the goal".
pub fn lasso_formula(
    sig: &Signature,
    temporal: &Temporal,
    state: &[SymId],
    goal: &LassoGoal,
    versions: &[HashMap<SymId, SymId>],
    loops: &[SymId],
) -> Term {
    let n = loops.len();
    let mut parts = Vec::new();
    // Exactly one loop start.
    parts.push(Term::or(loops.iter().map(|&l| Term::constant(l))));
    for (i, &a) in loops.iter().enumerate() {
        for &b in &loops[i + 1..] {
            parts.push(Term::not(Term::and([Term::constant(a), Term::constant(b)])));
        }
    }
    // The last step returns to the loop start's state.
    let last = versions.get(n).cloned().unwrap_or_default();
    for (l, &sel) in loops.iter().enumerate() {
        let at_l = versions.get(l).cloned().unwrap_or_default();
        let same = state.iter().map(|&s| {
            let (a, b) = (
                last.get(&s).copied().unwrap_or(s),
                at_l.get(&s).copied().unwrap_or(s),
            );
            let decl = sig.symbol(s);
            let vars: Vec<Var> = decl
                .args
                .iter()
                .enumerate()
                .map(|(k, &sort)| Var::new(&format!("L{k}"), sort))
                .collect();
            Term::forall(
                vars.clone(),
                Term::eq(Term::app_vars(a, &vars), Term::app_vars(b, &vars)),
            )
        });
        parts.push(Term::implies(Term::constant(sel), Term::and(same)));
    }
    let ev = Eval {
        t: temporal,
        versions,
        loops,
    };
    for p in &goal.premises {
        parts.push(ev.at(p, 0));
    }
    parts.push(Term::not(ev.at(&goal.property, 0)));
    Term::and(parts)
}

struct Eval<'a> {
    t: &'a Temporal,
    versions: &'a [HashMap<SymId, SymId>],
    loops: &'a [SymId],
}

impl Eval<'_> {
    /// Position `j` is reachable from position `i`: `j >= i`, or `j` is
    /// on the loop (`j >= l`).
    fn reach(&self, i: usize, j: usize) -> Term {
        if j >= i {
            Term::tru()
        } else {
            Term::or(self.loops.iter().take(j + 1).map(|&l| Term::constant(l)))
        }
    }

    /// `f` at position `i`.
    fn at(&self, f: &Term, i: usize) -> Term {
        if let TermKind::App(s, args) = &f.kind {
            if let Some((kind, body, _)) = self.t.instantiate(*s, args) {
                let n = self.loops.len();
                return match kind {
                    TemporalKind::Eventually => {
                        Term::or((0..n).map(|j| Term::and([self.reach(i, j), self.at(&body, j)])))
                    }
                    // `goals` refused the others.
                    _ => Term::and(
                        (0..n).map(|j| Term::implies(self.reach(i, j), self.at(&body, j))),
                    ),
                };
            }
        }
        let mapped = f.map_children(&mut |c| self.at(c, i));
        match &mapped.kind {
            TermKind::App(s, args) => match self.versions.get(i).and_then(|v| v.get(s)) {
                Some(&v) => Term::app(v, args.clone()).with_span(mapped.span),
                None => mapped,
            },
            _ => mapped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{search, BmcOptions, BmcResult};
    use ivyc_logic::brute::{BruteForce, BruteSession};
    use ivyc_logic::temporal::{TemporalOp, TemporalProperty};
    use ivyc_logic::{Action, Cmd, Property, Role, SortId};

    /// `individual on : bool`, init `on := false`; exported `tick`
    /// (`on := on`, or with `flips`, `on := ~on`); temporal property
    /// `globally eventually on`.
    fn system(flips: bool) -> System {
        let mut sig = Signature::new();
        let on = sig.fresh_symbol(Symbol::intern("on"), vec![], SortId::BOOL, Role::State);
        let ev = sig.fresh_symbol(Symbol::intern("ev#1"), vec![], SortId::BOOL, Role::Local);
        let gl = sig.fresh_symbol(Symbol::intern("gl#1"), vec![], SortId::BOOL, Role::Local);
        let mut sys = System::new(sig);
        sys.init = Cmd::assign(on, vec![], Term::fls());
        let next = if flips {
            Term::not(Term::constant(on))
        } else {
            Term::constant(on)
        };
        sys.actions.push(Action {
            name: Symbol::intern("tick"),
            params: vec![],
            returns: vec![],
            body: Cmd::assign(on, vec![], next),
            span: None,
            exported: true,
            internal: false,
        });
        let op = |kind, body| TemporalOp {
            kind,
            params: vec![],
            body,
            cond: None,
            span: None,
        };
        sys.temporal
            .ops
            .insert(ev, op(TemporalKind::Eventually, Term::constant(on)));
        sys.temporal
            .ops
            .insert(gl, op(TemporalKind::Globally, Term::constant(ev)));
        sys.temporal.properties.push(TemporalProperty {
            property: Property::new(Some("often"), Term::constant(gl), None),
            goal: Term::constant(gl),
            skolems: vec![],
            tactics: vec![],
            object: None,
        });
        sys
    }

    fn run(sys: &System, depth: usize) -> BmcResult {
        let goal = goals(sys).expect("supported").remove(0);
        let opts = BmcOptions {
            depth,
            timeout_ms: 1000,
            lasso: Some(goal),
            ..BmcOptions::default()
        };
        let mut s = BruteSession::new(BruteForce {
            max_universe: 2,
            max_models: 1_000_000,
            exhaustive_means_unsat: true,
        });
        search(sys, &opts, &mut s, |_, _| {})
    }

    #[test]
    fn a_system_that_stays_off_has_a_lasso_of_one_step() {
        let r = run(&system(false), 3);
        let BmcResult::Violation(t) = r else {
            panic!("expected a lasso, got {r:?}");
        };
        assert_eq!(t.depth, 1);
        assert_eq!(t.loop_start, Some(0));
        assert_eq!(t.lasso, Some((Some(Symbol::intern("often")), None)));
        assert_eq!(t.check, ivyc_vc::ModelCheck::Checked);
    }

    #[test]
    fn a_system_that_flips_has_none() {
        // off, on, off, ...: every lasso passes through `on`.
        let r = run(&system(true), 3);
        assert!(matches!(r, BmcResult::NoViolation { .. }), "{r:?}");
    }
}
