//! A brute-force finite-model `Solver` for tests and tiny problems: it
//! enumerates every interpretation over small universes. Solver-free
//! crates use it to test VC generation end to end without Z3.
//! `BruteSession` is the incremental variant (an assertion stack), whose
//! enumeration backtracks as soon as a partial interpretation falsifies an
//! assertion (three-valued evaluation), so that tests can search models of
//! unrolled systems.

use crate::answer::{Answer, IncrementalSolver, Reason, Solver};
use crate::model::{cartesian, Model, Value};
use crate::signature::{Role, Signature, SymId};
use crate::sort::{SortId, SortKind};
use crate::term::Term;

/// Enumerates all models with universes of 1..=`max_universe` elements per
/// uninterpreted sort. Finds a model of `hyps ∧ ¬goal` if one exists within
/// the bound; otherwise answers `Unsat` if `exhaustive_means_unsat` is set
/// (sound only when the small-model bound is known to suffice, as in tests)
/// and `Unknown(Incomplete)` if not. Interpreted sorts (int, ...) and
/// problems with more than `max_models` candidate models give `Unknown`.
#[derive(Clone, Debug)]
pub struct BruteForce {
    pub max_universe: u32,
    pub max_models: u64,
    pub exhaustive_means_unsat: bool,
}

impl Default for BruteForce {
    fn default() -> Self {
        BruteForce {
            max_universe: 3,
            max_models: 2_000_000,
            exhaustive_means_unsat: false,
        }
    }
}

impl Solver for BruteForce {
    fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, _timeout_ms: u64) -> Answer {
        let mut syms: Vec<SymId> = Vec::new();
        for t in hyps.iter().chain(std::iter::once(goal)) {
            for s in t.symbols() {
                if !syms.contains(&s) && sig.symbol(s).role != Role::EnumCtor {
                    syms.push(s);
                }
            }
        }
        syms.sort();
        let usorts: Vec<SortId> = sig
            .sorts()
            .filter(|(_, d)| d.kind == SortKind::Uninterpreted)
            .map(|(id, _)| id)
            .collect();
        for (_, d) in sig.sorts() {
            if d.kind.is_interpreted() {
                let used = syms.iter().any(|&s| {
                    let sd = sig.symbol(s);
                    sd.args
                        .iter()
                        .chain(std::iter::once(&sd.ret))
                        .any(|&x| sig.sort_kind(x).is_interpreted())
                });
                if used {
                    return Answer::Unknown(Reason::Incomplete(
                        "brute force: interpreted sorts unsupported".into(),
                    ));
                }
            }
        }
        let size_choices: Vec<Vec<Value>> = usorts
            .iter()
            .map(|_| {
                (1..=self.max_universe)
                    .map(|n| Value::Int(n as i128))
                    .collect()
            })
            .collect();
        let mut budget = self.max_models;
        for sizes in cartesian(&size_choices) {
            let mut base = Model::new();
            for (&s, n) in usorts.iter().zip(&sizes) {
                if let Value::Int(n) = n {
                    base.universes.insert(s, u32::try_from(*n).unwrap_or(1));
                }
            }
            // Slots: (symbol, argument tuple, possible values).
            let mut slots: Vec<(SymId, Vec<Value>, Vec<Value>)> = Vec::new();
            for &s in &syms {
                let d = sig.symbol(s);
                let doms: Option<Vec<Vec<Value>>> =
                    d.args.iter().map(|&a| base.domain(sig, a)).collect();
                let (Some(doms), Some(vals)) = (doms, base.domain(sig, d.ret)) else {
                    return Answer::Unknown(Reason::Incomplete("infinite domain".into()));
                };
                for tuple in cartesian(&doms) {
                    slots.push((s, tuple, vals.clone()));
                }
            }
            let mut counter = vec![0usize; slots.len()];
            loop {
                if budget == 0 {
                    return Answer::Unknown(Reason::Incomplete(
                        "brute force: too many models".into(),
                    ));
                }
                budget -= 1;
                let mut m = base.clone();
                for ((s, tuple, vals), &c) in slots.iter().zip(&counter) {
                    m.set(*s, tuple.clone(), vals[c].clone());
                }
                let ok = hyps.iter().all(|h| m.eval_bool(sig, h) == Ok(true))
                    && m.eval_bool(sig, goal) == Ok(false);
                if ok {
                    return Answer::Sat(m);
                }
                // Next assignment (mixed radix).
                let mut i = 0;
                loop {
                    if i == slots.len() {
                        break;
                    }
                    counter[i] += 1;
                    if counter[i] < slots[i].2.len() {
                        break;
                    }
                    counter[i] = 0;
                    i += 1;
                }
                if i == slots.len() {
                    break;
                }
            }
        }
        if self.exhaustive_means_unsat {
            Answer::Unsat
        } else {
            Answer::Unknown(Reason::Incomplete(format!(
                "no model with universes up to {}",
                self.max_universe
            )))
        }
    }
}

impl BruteForce {
    /// A model of the conjunction of `assertions` with universes of
    /// 1..=`max_universe` elements, found by depth-first enumeration of the
    /// symbol tables that backtracks as soon as the (three-valued)
    /// evaluation of an assertion over the partial tables is `false`.
    /// `max_models` bounds the number of partial assignments tried. No
    /// model: `Unsat` if `exhaustive_means_unsat`, else `Unknown`.
    pub fn find_model(&self, sig: &Signature, assertions: &[Term]) -> Answer {
        let mut syms: Vec<SymId> = Vec::new();
        for t in assertions {
            for s in t.symbols() {
                if !syms.contains(&s) && sig.symbol(s).role != Role::EnumCtor {
                    syms.push(s);
                }
            }
        }
        syms.sort();
        let interpreted = syms.iter().any(|&s| {
            let d = sig.symbol(s);
            d.args
                .iter()
                .chain(std::iter::once(&d.ret))
                .any(|&x| sig.sort_kind(x).is_interpreted())
        });
        if interpreted {
            return Answer::Unknown(Reason::Incomplete(
                "brute force: interpreted sorts unsupported".into(),
            ));
        }
        // The assertions to re-evaluate when a symbol gets a value.
        let watch: Vec<Vec<usize>> = syms
            .iter()
            .map(|&s| {
                (0..assertions.len())
                    .filter(|&i| assertions[i].mentions(s))
                    .collect()
            })
            .collect();
        let usorts: Vec<SortId> = sig
            .sorts()
            .filter(|(_, d)| d.kind == SortKind::Uninterpreted)
            .map(|(id, _)| id)
            .collect();
        let size_choices: Vec<Vec<Value>> = usorts
            .iter()
            .map(|_| {
                (1..=self.max_universe)
                    .map(|n| Value::Int(n as i128))
                    .collect()
            })
            .collect();
        let mut budget = self.max_models;
        for sizes in cartesian(&size_choices) {
            let mut model = Model::new();
            for (&s, n) in usorts.iter().zip(&sizes) {
                if let Value::Int(n) = n {
                    model.universes.insert(s, u32::try_from(*n).unwrap_or(1));
                }
            }
            // Slots: (index into syms, argument tuple, possible values).
            let mut slots: Vec<(usize, Vec<Value>, Vec<Value>)> = Vec::new();
            for (k, &s) in syms.iter().enumerate() {
                let d = sig.symbol(s);
                let doms: Option<Vec<Vec<Value>>> =
                    d.args.iter().map(|&a| model.domain(sig, a)).collect();
                let (Some(doms), Some(vals)) = (doms, model.domain(sig, d.ret)) else {
                    return Answer::Unknown(Reason::Incomplete("infinite domain".into()));
                };
                for tuple in cartesian(&doms) {
                    slots.push((k, tuple, vals.clone()));
                }
            }
            // Assertions without symbols are decided once.
            let closed_false = assertions
                .iter()
                .any(|a| a.symbols().is_empty() && model.eval_bool(sig, a) == Ok(false));
            if closed_false {
                continue;
            }
            let mut choice = vec![0usize; slots.len()];
            let mut i = 0usize;
            // Depth-first: slot `i` takes `choice[i]`; on a falsified
            // assertion try the next value, and backtrack when none is left.
            loop {
                if i == slots.len() {
                    return Answer::Sat(model);
                }
                let (k, tuple, vals) = &slots[i];
                if choice[i] == vals.len() {
                    if let Some(interp) = model.interps.get_mut(&syms[*k]) {
                        interp.entries.remove(tuple);
                    }
                    choice[i] = 0;
                    if i == 0 {
                        break;
                    }
                    i -= 1;
                    choice[i] += 1;
                    continue;
                }
                if budget == 0 {
                    return Answer::Unknown(Reason::Incomplete(
                        "brute force: too many models".into(),
                    ));
                }
                budget -= 1;
                model.set(syms[*k], tuple.clone(), vals[choice[i]].clone());
                let falsified = watch[*k]
                    .iter()
                    .any(|&a| model.eval_bool(sig, &assertions[a]) == Ok(false));
                if falsified {
                    choice[i] += 1;
                } else {
                    i += 1;
                }
            }
        }
        if self.exhaustive_means_unsat {
            Answer::Unsat
        } else {
            Answer::Unknown(Reason::Incomplete(format!(
                "no model with universes up to {}",
                self.max_universe
            )))
        }
    }
}

/// An [`IncrementalSolver`] over [`BruteForce::find_model`]: a stack of
/// assertion levels, every check enumerating models of all of them.
#[derive(Clone, Debug)]
pub struct BruteSession {
    pub config: BruteForce,
    levels: Vec<Vec<Term>>,
}

impl BruteSession {
    pub fn new(config: BruteForce) -> BruteSession {
        BruteSession {
            config,
            levels: vec![Vec::new()],
        }
    }
}

impl IncrementalSolver for BruteSession {
    fn push(&mut self) {
        self.levels.push(Vec::new());
    }

    fn pop(&mut self) {
        if self.levels.len() > 1 {
            self.levels.pop();
        }
    }

    fn assert(&mut self, _sig: &Signature, terms: &[Term]) {
        if let Some(l) = self.levels.last_mut() {
            l.extend(terms.iter().map(|t| t.clone().close_forall()));
        }
    }

    fn check(&mut self, sig: &Signature, _timeout_ms: u64) -> Answer {
        let all: Vec<Term> = self.levels.concat();
        self.config.find_model(sig, &all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Var;
    use ivyc_base::Symbol;

    fn config() -> BruteForce {
        BruteForce {
            max_universe: 3,
            max_models: 1_000_000,
            exhaustive_means_unsat: true,
        }
    }

    #[test]
    fn session_levels_add_and_remove_assertions() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let a = sig.fresh_symbol(Symbol::intern("a"), vec![], node, Role::Rigid);
        let x = Var::new("X", node);
        let mut s = BruteSession::new(config());
        s.assert(&sig, &[Term::app(r, vec![Term::constant(a)])]);
        let Answer::Sat(m) = s.check(&sig, 0) else {
            panic!("satisfiable");
        };
        assert_eq!(
            m.eval_bool(&sig, &Term::app(r, vec![Term::constant(a)])),
            Ok(true)
        );
        s.push();
        s.assert(
            &sig,
            &[Term::forall(vec![x], Term::not(Term::app_vars(r, &[x])))],
        );
        assert_eq!(s.check(&sig, 0), Answer::Unsat);
        s.pop();
        assert!(matches!(s.check(&sig, 0), Answer::Sat(_)));
    }

    #[test]
    fn pruned_search_finds_models_that_need_three_elements() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let cs: Vec<SymId> = (0..3)
            .map(|i| sig.fresh_symbol(Symbol::intern(&format!("c{i}")), vec![], node, Role::Rigid))
            .collect();
        let distinct: Vec<Term> = (0..3)
            .flat_map(|i| (i + 1..3).map(move |j| (i, j)))
            .map(|(i, j)| Term::not(Term::eq(Term::constant(cs[i]), Term::constant(cs[j]))))
            .collect();
        let Answer::Sat(m) = config().find_model(&sig, &distinct) else {
            panic!("three distinct nodes fit in a universe of 3");
        };
        assert_eq!(m.universes.get(&node), Some(&3));
        let two = BruteForce {
            max_universe: 2,
            ..config()
        };
        assert_eq!(two.find_model(&sig, &distinct), Answer::Unsat);
    }
}
