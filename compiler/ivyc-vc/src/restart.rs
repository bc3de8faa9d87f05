//! The restart policy against Z3's heavy-tailed search times: a query that
//! runs past a short budget is stopped and asked again with another random
//! seed and a larger budget (budgets grow geometrically, all within the
//! obligation's time limit). Soundness is unchanged: every answer comes
//! from one complete solver call; only a timeout of an attempt that was not
//! the last one is retried. See docs/performance.md ("Tail latency").

use ivyc_logic::answer::{Answer, Reason, Solver};
use ivyc_logic::{Signature, Term};
use std::time::{Duration, Instant};

/// When to give up on an attempt and start again with another seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestartPolicy {
    /// Budget of the first attempt in milliseconds; 0 disables restarts
    /// (one attempt with the whole time limit).
    pub first_ms: u64,
    /// Each further attempt gets this many times the previous budget (at
    /// least 1).
    pub factor: u64,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        RestartPolicy {
            first_ms: 2_000,
            factor: 2,
        }
    }
}

impl RestartPolicy {
    /// No restarts: one attempt with the whole time limit.
    pub fn none() -> RestartPolicy {
        RestartPolicy {
            first_ms: 0,
            factor: 1,
        }
    }

    /// The budgets of the successive attempts under an obligation time
    /// limit of `timeout_ms` (0: none). They add up to the limit: the last
    /// attempt gets what is left (and with no limit, the attempt after the
    /// budgets have grown past ten minutes runs without one, as `0`).
    pub fn budgets(&self, timeout_ms: u64) -> Vec<u64> {
        const UNBOUNDED_AFTER: u64 = 600_000;
        if self.first_ms == 0 || (timeout_ms != 0 && timeout_ms <= self.first_ms) {
            return vec![timeout_ms];
        }
        let factor = self.factor.max(1);
        let mut out = Vec::new();
        let mut spent: u64 = 0;
        let mut b = self.first_ms;
        loop {
            if timeout_ms == 0 {
                if b > UNBOUNDED_AFTER || (factor == 1 && out.len() >= 8) {
                    out.push(0);
                    return out;
                }
            } else {
                let left = timeout_ms - spent;
                // The last attempt: what is left, unless a short remainder
                // is better spent continuing the previous attempt's budget.
                if b >= left || left - b < b {
                    out.push(left);
                    return out;
                }
            }
            out.push(b);
            spent += b;
            b = b.saturating_mul(factor);
        }
    }
}

/// Z3 resource units per millisecond of a budget: measured on the
/// consecution checks of `examples/learning_switch.ivy` and its bug variants
/// under Z3 5.4.1 (3,700–4,100 units per ms on the slow satisfiable
/// queries; docs/performance.md "Tail latency"). Attempts are cut by this
/// many units, not by the clock, so whether a query is restarted (and so
/// which seed finds its counterexample) does not depend on the machine's
/// load.
pub const UNITS_PER_MS: u64 = 4_000;

/// One unit of work under the restart policy: the goals (all under the
/// same hypotheses) are checked with the first budget; those that run out
/// of it are checked again, with the next seed and budget, until the
/// budgets are used up. A budget is a deterministic amount of solver work
/// (`Solver::set_attempt_budget`, [`UNITS_PER_MS`] units per millisecond)
/// when the solver has one, else wall-clock time; every attempt also stops
/// at what is left of the obligation's time limit. Returns each goal's
/// answer and the time spent on it (its own checks plus a share of each
/// attempt's common work). The solver's seed and budget are set back to
/// the defaults at the end.
pub fn check_with_restarts<S: Solver + ?Sized>(
    solver: &mut S,
    policy: &RestartPolicy,
    sig: &Signature,
    hyps: &[Term],
    goals: &[Term],
    timeout_ms: u64,
) -> Vec<(Answer, Duration)> {
    let mut budgets = policy.budgets(timeout_ms);
    // A solver without seeds would only repeat the same search: one
    // attempt with the whole limit.
    if budgets.len() > 1 && !solver.set_seed(0) {
        budgets = vec![timeout_ms];
    }
    let n = goals.len();
    let mut answers: Vec<Option<Answer>> = vec![None; n];
    let mut times: Vec<Duration> = vec![Duration::ZERO; n];
    let mut pending: Vec<usize> = (0..n).collect();
    let mut reseeded = false;
    let mut budgeted = false;
    let began = Instant::now();
    for (attempt, budget) in budgets.iter().enumerate() {
        if pending.is_empty() {
            break;
        }
        let mut last = attempt + 1 == budgets.len();
        // What is left of the obligation's limit (0: no limit).
        let left = if timeout_ms == 0 {
            0
        } else {
            let spent = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
            match timeout_ms.checked_sub(spent) {
                Some(l) if l > 0 => l,
                _ => break,
            }
        };
        if attempt > 0 {
            solver.set_seed(u32::try_from(attempt).unwrap_or(u32::MAX));
            reseeded = true;
        }
        let mut cut_by_work = false;
        let wall = if last {
            if budgeted {
                solver.set_attempt_budget(None);
            }
            if timeout_ms == 0 {
                *budget
            } else if budgeted {
                // Earlier attempts were cut by work, not time: all that
                // is left.
                left
            } else {
                (*budget).min(left)
            }
        } else if solver.set_attempt_budget(Some(budget.saturating_mul(UNITS_PER_MS))) {
            budgeted = true;
            cut_by_work = true;
            left
        } else {
            (*budget).min(if left == 0 { u64::MAX } else { left })
        };
        // An attempt given all that is left is the last one.
        if timeout_ms != 0 && !cut_by_work && wall >= left {
            last = true;
        }
        let batch: Vec<Term> = pending.iter().map(|&i| goals[i].clone()).collect();
        let start = Instant::now();
        let res = solver.check_many_timed(sig, hyps, &batch, wall);
        // The attempt's shared work (asserting the hypotheses) is split.
        let own: Duration = res.iter().map(|(_, d)| *d).sum();
        let share =
            start.elapsed().saturating_sub(own) / u32::try_from(batch.len().max(1)).unwrap_or(1);
        let mut still = Vec::new();
        for (&i, (a, d)) in pending.iter().zip(res) {
            times[i] += share + d;
            let retry = !last && matches!(a, Answer::Unknown(Reason::Timeout));
            if retry {
                still.push(i);
            }
            answers[i] = Some(a);
        }
        pending = still;
    }
    if budgeted {
        solver.set_attempt_budget(None);
    }
    if reseeded {
        solver.set_seed(0);
    }
    answers
        .into_iter()
        .zip(times)
        .map(|(a, t)| {
            (
                a.unwrap_or_else(|| Answer::Unknown(Reason::Error("no answer".into()))),
                t,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{Model, TermKind};
    use std::collections::HashMap;

    #[test]
    fn budgets_grow_and_add_up_to_the_limit() {
        let p = RestartPolicy {
            first_ms: 2_000,
            factor: 2,
        };
        assert_eq!(p.budgets(60_000), vec![2_000, 4_000, 8_000, 16_000, 30_000]);
        assert_eq!(p.budgets(60_000).iter().sum::<u64>(), 60_000);
        // A remainder shorter than the budget it would follow joins the
        // last attempt.
        assert_eq!(p.budgets(10_000), vec![2_000, 4_000, 4_000]);
        assert_eq!(p.budgets(7_000), vec![2_000, 5_000]);
        // A limit within the first budget: one attempt.
        assert_eq!(p.budgets(2_000), vec![2_000]);
        assert_eq!(p.budgets(300), vec![300]);
        // No limit: grows, then one unbounded attempt.
        let b = p.budgets(0);
        assert_eq!(b.last(), Some(&0));
        assert_eq!(b[..3], [2_000, 4_000, 8_000]);
        assert!(b.len() < 20);
        // Restarts off.
        assert_eq!(RestartPolicy::none().budgets(60_000), vec![60_000]);
        assert_eq!(RestartPolicy::none().budgets(0), vec![0]);
        // A factor of 1: equal budgets.
        let flat = RestartPolicy {
            first_ms: 1_000,
            factor: 1,
        };
        assert_eq!(flat.budgets(3_000), vec![1_000, 1_000, 1_000]);
        assert_eq!(flat.budgets(0).last(), Some(&0));
    }

    /// A fake solver whose search time depends on the seed: each goal (by
    /// its label, a boolean constant's id) takes `cost[goal][seed]`
    /// milliseconds of "search"; a budget below that is a timeout. No time
    /// passes really: the solver records what it was asked.
    struct SeedDependent {
        seed: u32,
        cost: HashMap<bool, Vec<u64>>,
        answer: HashMap<bool, Answer>,
        calls: Vec<(u32, usize, u64)>,
        seeds: bool,
    }

    impl SeedDependent {
        fn new(seeds: bool) -> SeedDependent {
            let mut cost = HashMap::new();
            // `true` is hard with seed 0 and 1, easy with seed 2.
            cost.insert(true, vec![50_000, 9_000, 100]);
            // `false` is easy with every seed.
            cost.insert(false, vec![10, 10, 10]);
            let mut answer = HashMap::new();
            answer.insert(true, Answer::Unsat);
            answer.insert(false, Answer::Sat(Model::default()));
            SeedDependent {
                seed: 0,
                cost,
                answer,
                calls: Vec::new(),
                seeds,
            }
        }
    }

    impl Solver for SeedDependent {
        fn check(&mut self, _s: &Signature, _h: &[Term], goal: &Term, t: u64) -> Answer {
            let TermKind::Bool(key) = goal.kind else {
                return Answer::Unknown(Reason::Error("bad goal".into()));
            };
            let cost = self.cost[&key][self.seed as usize % 3];
            self.calls.push((self.seed, 1, t));
            if t != 0 && cost > t {
                Answer::Unknown(Reason::Timeout)
            } else {
                self.answer[&key].clone()
            }
        }

        fn set_seed(&mut self, seed: u32) -> bool {
            if self.seeds {
                self.seed = seed;
            }
            self.seeds
        }
    }

    fn policy() -> RestartPolicy {
        RestartPolicy {
            first_ms: 1_000,
            factor: 2,
        }
    }

    #[test]
    fn a_timeout_is_retried_with_the_next_seed() {
        let mut s = SeedDependent::new(true);
        let sig = Signature::default();
        let goals = [Term::bool(true), Term::bool(false)];
        let out = check_with_restarts(&mut s, &policy(), &sig, &[], &goals, 60_000);
        // `true`: seed 0 (1 s) times out, seed 1 (2 s) times out, seed 2 proves it.
        assert_eq!(out[0].0, Answer::Unsat);
        assert!(matches!(out[1].0, Answer::Sat(_)));
        let asked: Vec<(u32, u64)> = s.calls.iter().map(|(sd, _, t)| (*sd, *t)).collect();
        assert_eq!(
            asked,
            vec![(0, 1_000), (0, 1_000), (1, 2_000), (2, 4_000)],
            "only the goal that timed out is retried"
        );
        // The seed is back to the default.
        assert_eq!(s.seed, 0);
    }

    #[test]
    fn the_last_attempt_keeps_its_timeout() {
        let mut s = SeedDependent::new(true);
        let sig = Signature::default();
        // 1 s + 2 s: seed 1 needs 9 s, so the goal stays unknown.
        let out = check_with_restarts(&mut s, &policy(), &sig, &[], &[Term::bool(true)], 3_000);
        assert_eq!(out[0].0, Answer::Unknown(Reason::Timeout));
        assert_eq!(s.calls.len(), 2);
        let total: u64 = s.calls.iter().map(|c| c.2).sum();
        assert!(total <= 3_000, "attempts stay within the limit");
    }

    #[test]
    fn a_solver_without_seeds_is_not_restarted() {
        let mut s = SeedDependent::new(false);
        let sig = Signature::default();
        let out = check_with_restarts(&mut s, &policy(), &sig, &[], &[Term::bool(true)], 60_000);
        // Seed 0 needs 50 s: one attempt with the whole minute proves it.
        assert_eq!(out[0].0, Answer::Unsat);
        let asked: Vec<u64> = s.calls.iter().map(|c| c.2).collect();
        assert_eq!(asked, vec![60_000], "one attempt with the whole limit");
    }

    /// A solver with deterministic budgets: each goal needs
    /// `units[seed]` resource units; it records (seed, wall limit, budget).
    struct Budgeted {
        seed: u32,
        budget: Option<u64>,
        units: Vec<u64>,
        calls: Vec<(u32, u64, Option<u64>)>,
    }

    impl Solver for Budgeted {
        fn check(&mut self, _s: &Signature, _h: &[Term], _g: &Term, t: u64) -> Answer {
            self.calls.push((self.seed, t, self.budget));
            match self.budget {
                Some(b) if self.units[self.seed as usize % self.units.len()] > b => {
                    Answer::Unknown(Reason::Timeout)
                }
                _ => Answer::Unsat,
            }
        }
        fn set_seed(&mut self, seed: u32) -> bool {
            self.seed = seed;
            true
        }
        fn set_attempt_budget(&mut self, units: Option<u64>) -> bool {
            self.budget = units;
            true
        }
    }

    #[test]
    fn attempts_are_cut_by_work_not_by_the_clock() {
        let mut s = Budgeted {
            seed: 0,
            budget: None,
            // Seed 0 needs 3 s worth of work, seed 1 half a second.
            units: vec![3_000 * UNITS_PER_MS, 500 * UNITS_PER_MS],
            calls: Vec::new(),
        };
        let out = check_with_restarts(
            &mut s,
            &policy(),
            &Signature::default(),
            &[],
            &[Term::bool(true)],
            60_000,
        );
        assert_eq!(out[0].0, Answer::Unsat);
        assert_eq!(s.calls.len(), 2);
        // Each attempt has a work budget and, as wall-clock limit, what is
        // left of the minute (no real time passes here).
        assert_eq!(s.calls[0].0, 0);
        assert_eq!(s.calls[0].2, Some(1_000 * UNITS_PER_MS));
        assert_eq!(s.calls[1].0, 1);
        assert_eq!(s.calls[1].2, Some(2_000 * UNITS_PER_MS));
        assert!(s.calls.iter().all(|c| c.1 > 59_000 && c.1 <= 60_000));
        // Seed and budget are back to the defaults.
        assert_eq!((s.seed, s.budget), (0, None));
    }

    #[test]
    fn other_unknowns_are_final() {
        struct Incomplete(usize);
        impl Solver for Incomplete {
            fn check(&mut self, _s: &Signature, _h: &[Term], _g: &Term, _t: u64) -> Answer {
                self.0 += 1;
                Answer::Unknown(Reason::Incomplete("(incomplete quantifiers)".into()))
            }
            fn set_seed(&mut self, _seed: u32) -> bool {
                true
            }
        }
        let mut s = Incomplete(0);
        let out = check_with_restarts(
            &mut s,
            &policy(),
            &Signature::default(),
            &[],
            &[Term::bool(true)],
            60_000,
        );
        assert!(matches!(out[0].0, Answer::Unknown(Reason::Incomplete(_))));
        assert_eq!(s.0, 1);
    }
}
