//! A brute-force finite-model `Solver` for tests and tiny problems: it
//! enumerates every interpretation over small universes. Solver-free
//! crates use it to test VC generation end to end without Z3.

use crate::answer::{Answer, Reason, Solver};
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
