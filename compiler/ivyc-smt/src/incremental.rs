//! `Z3Incremental`: one Z3 solver whose assertions persist between checks,
//! in nested levels (push/pop), implementing
//! `ivyc_logic::IncrementalSolver` for the incremental bounded search.
//! Formulas are encoded as in `session.rs` (the side axioms of a symbol are
//! asserted at the level where it is first used); models are decoded, and
//! minimised when the option is set, inside the level being checked.

use crate::session::{failure_reason, Z3Options, Z3Solver};
use ivyc_logic::{Answer, IncrementalSolver, Reason, Signature, SymId, Term};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What one level added.
#[derive(Debug, Default)]
struct Level {
    /// Symbols first asserted about at this level (their side axioms are
    /// asserted with them).
    used: BTreeSet<SymId>,
    /// A formula of this level could not be encoded.
    error: Option<Reason>,
}

/// An incremental Z3 session (see the module comment). Like [`Z3Solver`] it
/// lives in the calling thread's Z3 context.
#[derive(Debug)]
pub struct Z3Incremental {
    session: Result<Z3Solver, Reason>,
    /// `levels[0]` is the base level, never popped.
    levels: Vec<Level>,
    /// The bindings failed inside Z3 (the solver was replaced, so what was
    /// asserted is gone): every later check is unknown.
    broken: Option<Reason>,
}

impl Z3Incremental {
    pub fn with_options(options: Z3Options) -> Z3Incremental {
        Z3Incremental {
            session: Z3Solver::try_with_options(options),
            levels: vec![Level::default()],
            broken: None,
        }
    }

    /// Number of open levels above the base.
    pub fn depth(&self) -> usize {
        self.levels.len() - 1
    }

    fn used(&self) -> Vec<SymId> {
        let mut all = BTreeSet::new();
        for l in &self.levels {
            all.extend(l.used.iter().copied());
        }
        all.into_iter().collect()
    }

    fn error(&self) -> Option<Reason> {
        if let Err(r) = &self.session {
            return Some(r.clone());
        }
        self.broken
            .clone()
            .or_else(|| self.levels.iter().find_map(|l| l.error.clone()))
    }

    fn break_with(&mut self, p: Box<dyn std::any::Any + Send>) -> Reason {
        let limit = self
            .session
            .as_ref()
            .ok()
            .and_then(|s| s.options().memory_max_mb);
        let r = failure_reason(&p, limit);
        self.broken = Some(r.clone());
        r
    }
}

impl IncrementalSolver for Z3Incremental {
    fn push(&mut self) {
        if let Ok(s) = &mut self.session {
            if self.broken.is_none() && catch_unwind(AssertUnwindSafe(|| s.z3().push())).is_err() {
                self.broken = Some(Reason::Error("Z3 failure in push".into()));
            }
        }
        self.levels.push(Level::default());
    }

    fn pop(&mut self) {
        if self.levels.len() <= 1 {
            return;
        }
        self.levels.pop();
        if let Ok(s) = &mut self.session {
            if self.broken.is_none() && catch_unwind(AssertUnwindSafe(|| s.z3().pop(1))).is_err() {
                self.broken = Some(Reason::Error("Z3 failure in pop".into()));
            }
        }
    }

    fn assert(&mut self, sig: &Signature, terms: &[Term]) {
        if self.error().is_some() {
            return;
        }
        let known: BTreeSet<SymId> = self.used().into_iter().collect();
        let Ok(s) = &mut self.session else { return };
        let encoded = catch_unwind(AssertUnwindSafe(|| {
            let mut new: BTreeSet<SymId> = BTreeSet::new();
            let mut out = Vec::with_capacity(terms.len());
            for t in terms {
                let t = t.clone().close_forall();
                new.extend(t.symbols().into_iter().filter(|x| !known.contains(x)));
                out.push(s.encoder().encode_formula(sig, &t)?);
            }
            let new: Vec<SymId> = new.into_iter().collect();
            out.extend(s.encoder().axioms_for(sig, &new)?);
            for a in &out {
                s.z3().assert(a);
            }
            Ok::<_, crate::EncodeError>(new)
        }));
        match encoded {
            Ok(Ok(new)) => {
                if let Some(l) = self.levels.last_mut() {
                    l.used.extend(new);
                }
            }
            Ok(Err(e)) => {
                if let Some(l) = self.levels.last_mut() {
                    l.error = Some(Reason::Error(e.to_string()));
                }
            }
            Err(p) => {
                self.break_with(p);
            }
        }
    }

    fn check(&mut self, sig: &Signature, timeout_ms: u64) -> Answer {
        let min = self.session.as_ref().is_ok_and(|s| s.options().minimize);
        self.run(sig, timeout_ms, min)
    }

    fn decide(&mut self, sig: &Signature, timeout_ms: u64) -> Answer {
        self.run(sig, timeout_ms, false)
    }
}

impl Z3Incremental {
    fn run(&mut self, sig: &Signature, timeout_ms: u64, min: bool) -> Answer {
        if let Some(r) = self.error() {
            return Answer::Unknown(r);
        }
        let used = self.used();
        let Ok(s) = &mut self.session else {
            return Answer::Unknown(Reason::Error("no Z3 session".into()));
        };
        match catch_unwind(AssertUnwindSafe(|| s.solve(sig, &used, timeout_ms, min))) {
            Ok(a) => a,
            Err(p) => Answer::Unknown(self.break_with(p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::Symbol;
    use ivyc_logic::{Role, SortId, Var};

    #[test]
    fn levels_keep_and_drop_assertions() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let a = sig.fresh_symbol(Symbol::intern("a"), vec![], node, Role::Rigid);
        let x = Var::new("X", node);
        let mut s = Z3Incremental::with_options(Z3Options::default());
        let ra = Term::app(r, vec![Term::constant(a)]);
        s.assert(&sig, std::slice::from_ref(&ra));
        let Answer::Sat(m) = s.check(&sig, 10_000) else {
            panic!("satisfiable");
        };
        assert_eq!(m.eval_bool(&sig, &ra), Ok(true));
        s.push();
        assert_eq!(s.depth(), 1);
        s.assert(
            &sig,
            &[Term::forall(vec![x], Term::not(Term::app_vars(r, &[x])))],
        );
        assert_eq!(s.check(&sig, 10_000), Answer::Unsat);
        s.pop();
        assert_eq!(s.depth(), 0);
        assert!(matches!(s.check(&sig, 10_000), Answer::Sat(_)));
        // A symbol first used after the pop still gets a model.
        let b = sig.fresh_symbol(Symbol::intern("b"), vec![], node, Role::Rigid);
        s.assert(&sig, &[Term::not(Term::app(r, vec![Term::constant(b)]))]);
        let Answer::Sat(m) = s.check(&sig, 10_000) else {
            panic!("satisfiable");
        };
        assert!(m.lookup(b, &[]).is_some());
    }

    #[test]
    fn an_encoding_error_makes_the_level_unknown_until_popped() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let x = Var::new("X", node);
        let mut s = Z3Incremental::with_options(Z3Options::default());
        s.push();
        // A numeral of an uninterpreted sort cannot be encoded.
        s.assert(&sig, &[Term::eq(Term::var(x), Term::num(1, node))]);
        assert!(matches!(
            s.check(&sig, 1000),
            Answer::Unknown(Reason::Error(_))
        ));
        s.pop();
        assert!(matches!(s.check(&sig, 1000), Answer::Sat(_)));
    }
}
