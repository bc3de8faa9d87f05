//! The Z3 session: `Z3Solver`, one incremental Z3 solver (and encoder
//! caches) per thread, implementing `ivyc_logic::Solver`; queries run
//! between push/pop with a per-query timeout; answers and unknown reasons.

use crate::encode::{EncodeError, Encoder};
use crate::minimize::minimize;
use crate::model::decode_model;
use crate::params::{apply_global, Z3Param};
use ivyc_logic::{Answer, Reason, Signature, Solver, SymId, Term};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use z3::ast::Bool;
use z3::{Params, SatResult};

/// Options of a [`Z3Solver`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Z3Options {
    /// Minimise the universes of counterexample models (see
    /// [`Z3Solver::check_minimized`]) in [`Solver::check`] and
    /// [`Z3Solver::check_sat`].
    pub minimize: bool,
    /// Z3's `memory_max_size` in megabytes. This is a *process-wide* Z3
    /// parameter: it is set when the solver is created and affects all
    /// Z3 contexts.
    pub memory_max_mb: Option<u32>,
    /// Z3's `random_seed` (solver parameter): set by the restart policy
    /// (`Solver::set_seed`) and for reproducibility studies.
    pub random_seed: Option<u32>,
    /// Z3's `rlimit` (solver parameter): a deterministic budget in Z3's
    /// resource units for each check, set by the restart policy
    /// (`Solver::set_attempt_budget`) so that whether an attempt is cut
    /// short does not depend on the machine's load.
    pub attempt_rlimit: Option<u32>,
    /// Z3 parameters set as global parameters before the solver is created
    /// (process-wide, like `memory_max_mb`): ivyc's defaults
    /// ([`crate::default_params`]) and experiments (`IVYC_Z3_PARAMS`).
    pub params: Vec<Z3Param>,
}

impl Default for Z3Options {
    fn default() -> Self {
        Z3Options {
            minimize: false,
            memory_max_mb: None,
            random_seed: None,
            attempt_rlimit: None,
            params: crate::default_params(),
        }
    }
}

/// A Z3 session. Z3 objects live in the calling thread's implicit Z3
/// context, so a `Z3Solver` is neither `Send` nor `Sync`: create one per
/// worker thread and reuse it for any number of queries. Each query runs
/// inside a `push`/`pop` pair on one incremental Z3 solver; sorts and
/// declarations are cached across queries (see [`Encoder`]).
#[derive(Debug)]
pub struct Z3Solver {
    solver: z3::Solver,
    enc: Encoder,
    options: Z3Options,
    /// A seed was set since the solver was created (see `check_raw`).
    seeded: bool,
    /// A resource limit was set since the solver was created.
    rlimited: bool,
}

impl Default for Z3Solver {
    fn default() -> Self {
        Z3Solver::new()
    }
}

impl Z3Solver {
    pub fn new() -> Z3Solver {
        Z3Solver::with_options(Z3Options::default())
    }

    /// A session with `options`. Panics if Z3 cannot create a context
    /// (e.g. under a tiny `memory_max_mb`); see [`Z3Solver::try_with_options`].
    pub fn with_options(options: Z3Options) -> Z3Solver {
        match Z3Solver::try_with_options(options) {
            Ok(s) => s,
            Err(r) => panic!("cannot start Z3: {r}"),
        }
    }

    /// A session with `options`, or why Z3 could not start one (the z3
    /// bindings panic when Z3 fails to create a context, which happens when
    /// the memory limit is already reached).
    pub fn try_with_options(options: Z3Options) -> Result<Z3Solver, Reason> {
        if let Some(mb) = options.memory_max_mb {
            z3::set_global_param("memory_max_size", &mb.to_string());
        }
        apply_global(&options.params).map_err(|e| Reason::Error(e.to_string()))?;
        let limit_mb = options.memory_max_mb;
        let solver = catch_unwind(z3::Solver::new).map_err(|p| failure_reason(&p, limit_mb))?;
        Ok(Z3Solver {
            solver,
            enc: Encoder::new(),
            options,
            seeded: false,
            rlimited: false,
        })
    }

    pub fn options(&self) -> &Z3Options {
        &self.options
    }

    pub fn options_mut(&mut self) -> &mut Z3Options {
        &mut self.options
    }

    /// Satisfiability of the conjunction of `assertions` (closed formulas;
    /// free variables are universally closed per assertion): `Unsat`,
    /// `Sat(model)` or `Unknown`. Minimises the model if the option is set.
    /// A `timeout_ms` of 0 means no timeout.
    pub fn check_sat(&mut self, sig: &Signature, assertions: &[Term], timeout_ms: u64) -> Answer {
        let min = self.options.minimize;
        self.run(sig, assertions.to_vec(), timeout_ms, min)
    }

    /// Like [`Solver::check`] (satisfiability of `hyps ∧ ¬goal`), and on
    /// `Sat` shrinks the universes of the uninterpreted sorts one sort at a
    /// time (see [`crate::minimize`]). The returned model is a model of the
    /// original query.
    pub fn check_minimized(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goal: &Term,
        timeout_ms: u64,
    ) -> Answer {
        self.run(sig, validity_query(hyps, goal), timeout_ms, true)
    }

    /// Like [`Z3Solver::check_sat`], always minimising.
    pub fn check_sat_minimized(
        &mut self,
        sig: &Signature,
        assertions: &[Term],
        timeout_ms: u64,
    ) -> Answer {
        self.run(sig, assertions.to_vec(), timeout_ms, true)
    }

    fn run(
        &mut self,
        sig: &Signature,
        assertions: Vec<Term>,
        timeout_ms: u64,
        min: bool,
    ) -> Answer {
        // Encoding happens before anything is asserted, so an encoding
        // error leaves the solver untouched.
        let encoded = catch_unwind(AssertUnwindSafe(|| self.encode(sig, &assertions)));
        let (asserts, used) = match encoded {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => return Answer::Unknown(Reason::Error(e.to_string())),
            Err(p) => return self.recover(p),
        };
        let res = catch_unwind(AssertUnwindSafe(|| {
            self.solver.push();
            for a in &asserts {
                self.solver.assert(a);
            }
            let ans = self.solve(sig, &used, timeout_ms, min);
            self.solver.pop(1);
            ans
        }));
        match res {
            Ok(a) => a,
            Err(p) => self.recover(p),
        }
    }

    /// After a panic inside the z3 bindings (a Z3 error they do not
    /// report): fresh solver, fresh caches, `Unknown(Error)`.
    fn recover(&mut self, p: Box<dyn std::any::Any + Send>) -> Answer {
        // If even a fresh solver cannot be made (memory exhausted), the old
        // one stays: it is still a valid Z3 object.
        if let Ok(fresh) = catch_unwind(z3::Solver::new) {
            self.solver = fresh;
        }
        self.enc = Encoder::new();
        Answer::Unknown(failure_reason(&p, self.options.memory_max_mb))
    }

    fn encode(
        &mut self,
        sig: &Signature,
        assertions: &[Term],
    ) -> Result<(Vec<Bool>, Vec<SymId>), EncodeError> {
        let mut used: BTreeSet<SymId> = BTreeSet::new();
        let mut out = Vec::with_capacity(assertions.len());
        for t in assertions {
            let t = t.clone().close_forall();
            used.extend(t.symbols());
            out.push(self.enc.encode_formula(sig, &t)?);
        }
        let used: Vec<SymId> = used.into_iter().collect();
        out.extend(self.enc.axioms_for(sig, &used)?);
        Ok((out, used))
    }

    /// Checks the asserted query; on sat decodes (and maybe minimises).
    fn solve(&mut self, sig: &Signature, used: &[SymId], timeout_ms: u64, min: bool) -> Answer {
        let start = std::time::Instant::now();
        let result = self.check_raw(timeout_ms);
        let elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        match result {
            SatResult::Unsat => Answer::Unsat,
            SatResult::Unknown => Answer::Unknown(self.unknown_reason(timeout_ms, elapsed_ms)),
            SatResult::Sat => {
                let Some(z3m) = self.solver.get_model() else {
                    return Answer::Unknown(Reason::Error("sat, but Z3 gave no model".into()));
                };
                let model = match decode_model(&mut self.enc, sig, &z3m, used) {
                    Ok(m) => m,
                    Err(e) => {
                        return Answer::Unknown(Reason::Error(format!(
                            "sat, but the model could not be decoded: {e}"
                        )))
                    }
                };
                if !min {
                    return Answer::Sat(model);
                }
                match minimize(self, sig, used, model, timeout_ms) {
                    Ok(m) => Answer::Sat(m),
                    Err(e) => Answer::Unknown(Reason::Error(format!(
                        "sat, but the minimised model could not be decoded: {e}"
                    ))),
                }
            }
        }
    }

    /// `check` with the per-query parameters.
    pub(crate) fn check_raw(&mut self, timeout_ms: u64) -> SatResult {
        let mut p = Params::new();
        let t = if timeout_ms == 0 {
            u32::MAX
        } else {
            u32::try_from(timeout_ms).unwrap_or(u32::MAX)
        };
        p.set_u32("timeout", t);
        // Once a seed was set, it is set on every check: solver parameters
        // accumulate, so going back to the default must be explicit.
        if self.options.random_seed.is_some() || self.seeded {
            p.set_u32("random_seed", self.options.random_seed.unwrap_or(0));
        }
        if self.options.attempt_rlimit.is_some() || self.rlimited {
            // 0 is Z3's "no limit"; the limit counts from the check's start.
            p.set_u32("rlimit", self.options.attempt_rlimit.unwrap_or(0));
            self.rlimited = true;
        }
        self.solver.set_params(&p);
        self.solver.check()
    }

    /// Why the last `check` said unknown. `elapsed_ms` is how long it took:
    /// Z3 4.8.12 sometimes reports its last incompleteness (e.g.
    /// `(incomplete (theory arithmetic))`) when it was actually stopped by
    /// the timeout, so an unknown that used up the time limit is a timeout.
    fn unknown_reason(&self, timeout_ms: u64, elapsed_ms: u64) -> Reason {
        let limit_mb = self.options.memory_max_mb;
        let r = self.solver.get_reason_unknown().unwrap_or_default();
        match classify_unknown(&r) {
            Reason::OutOfMemory { .. } => Reason::OutOfMemory { limit_mb },
            // Z3 gives a reason for every unknown; none at all means it
            // could not even allocate the string.
            Reason::Incomplete(_) if limit_mb.is_some() && is_blank_reason(&r) => {
                Reason::OutOfMemory { limit_mb }
            }
            Reason::Incomplete(_)
                if timeout_ms > 0 && elapsed_ms >= timeout_ms - timeout_ms / 50 =>
            {
                Reason::Timeout
            }
            // A check under a resource budget that stops early was stopped
            // by the budget (Z3 says `canceled`), unless it is near the
            // memory limit.
            Reason::Timeout
                if self.options.attempt_rlimit.is_some()
                    && r.contains("cancel")
                    && !self.near_memory_limit() =>
            {
                Reason::Timeout
            }
            // Z3 5 stops at its memory limit with `canceled`, like a timeout:
            // under a memory limit, a cancellation well before the time
            // limit is the memory limit.
            Reason::Timeout
                if limit_mb.is_some()
                    && r.contains("cancel")
                    && (timeout_ms == 0 || elapsed_ms < timeout_ms - timeout_ms / 50) =>
            {
                Reason::OutOfMemory { limit_mb }
            }
            other => other,
        }
    }

    /// Z3's peak memory has come within 10% of the memory limit (false
    /// without a limit).
    fn near_memory_limit(&self) -> bool {
        let Some(limit) = self.options.memory_max_mb else {
            return false;
        };
        let stats = self.solver.get_statistics();
        let peak = match stats.value("max memory") {
            Some(z3::StatisticsValue::Double(d)) => d,
            Some(z3::StatisticsValue::UInt(u)) => f64::from(u),
            None => return true,
        };
        peak >= f64::from(limit) * 0.9
    }

    pub(crate) fn z3(&self) -> &z3::Solver {
        &self.solver
    }

    pub(crate) fn encoder(&mut self) -> &mut Encoder {
        &mut self.enc
    }
}

/// Maps Z3's `reason_unknown` to a [`Reason`]: timeouts and cancellations
/// are `Timeout`, memory exhaustion (`out of memory`, `max. memory
/// exceeded`) is `OutOfMemory` (without the limit, which the caller knows),
/// anything else `Incomplete(reason)`.
pub fn classify_unknown(reason: &str) -> Reason {
    let r = reason.trim();
    if is_memory_out(r) {
        Reason::OutOfMemory { limit_mb: None }
    } else if r.contains("timeout") || r.contains("canceled") || r.contains("cancelled") {
        Reason::Timeout
    } else if r.is_empty() {
        Reason::Incomplete("unknown".into())
    } else {
        Reason::Incomplete(r.to_string())
    }
}

/// The reason of a failure inside the z3 bindings (a panic payload).
fn failure_reason(p: &Box<dyn std::any::Any + Send>, limit_mb: Option<u32>) -> Reason {
    let msg = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    // Under a memory limit, the bindings' failures (a null context, AST or
    // string unwrapped) are Z3 refusing to allocate.
    if is_memory_out(&msg) || (limit_mb.is_some() && msg.contains("on a `None` value")) {
        Reason::OutOfMemory { limit_mb }
    } else {
        Reason::Error(format!("Z3 failure: {msg}"))
    }
}

fn is_blank_reason(r: &str) -> bool {
    let r = r.trim();
    r.is_empty() || r == "unknown"
}

/// Whether a Z3 message (reason unknown, or an error) says memory ran out.
fn is_memory_out(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    m.contains("out of memory") || m.contains("memory exceeded") || m.contains("memout")
}

/// `hyps ∧ ¬goal` (the goal universally closed before negation).
fn validity_query(hyps: &[Term], goal: &Term) -> Vec<Term> {
    let mut q: Vec<Term> = hyps.to_vec();
    q.push(Term::not(goal.clone().close_forall()));
    q
}

impl Z3Solver {
    /// Several goals under the same hypotheses: the hypotheses are encoded
    /// and asserted once, each negated goal is checked in its own push/pop.
    fn run_many(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
        min: bool,
    ) -> Vec<(Answer, Duration)> {
        let n = goals.len();
        let mut all: Vec<Term> = hyps.to_vec();
        all.extend(goals.iter().map(|g| Term::not(g.clone().close_forall())));
        let encoded = catch_unwind(AssertUnwindSafe(|| self.encode(sig, &all)));
        let (asserts, used) = match encoded {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => {
                return vec![
                    (
                        Answer::Unknown(Reason::Error(e.to_string())),
                        Duration::ZERO
                    );
                    n
                ]
            }
            Err(p) => {
                let a = self.recover(p);
                return vec![(a, Duration::ZERO); n];
            }
        };
        // `asserts` = hypotheses, negated goals, then side axioms.
        let nh = hyps.len();
        let (shared, negated): (Vec<&Bool>, Vec<&Bool>) = {
            let mut shared = Vec::new();
            let mut negated = Vec::new();
            for (i, a) in asserts.iter().enumerate() {
                if i >= nh && i < nh + n {
                    negated.push(a);
                } else {
                    shared.push(a);
                }
            }
            (shared, negated)
        };
        let res = catch_unwind(AssertUnwindSafe(|| {
            self.solver.push();
            for a in &shared {
                self.solver.assert(*a);
            }
            let mut out = Vec::with_capacity(n);
            for g in &negated {
                let start = Instant::now();
                self.solver.push();
                self.solver.assert(*g);
                let a = self.solve(sig, &used, timeout_ms, min);
                self.solver.pop(1);
                out.push((a, start.elapsed()));
            }
            self.solver.pop(1);
            out
        }));
        match res {
            Ok(a) => a,
            Err(p) => {
                let a = self.recover(p);
                vec![(a, Duration::ZERO); n]
            }
        }
    }
}

impl Z3Solver {
    /// Only the verdict: `true` iff Z3 answers unsat.
    fn decide_unsat(&mut self, sig: &Signature, assertions: &[Term], timeout_ms: u64) -> bool {
        let encoded = catch_unwind(AssertUnwindSafe(|| self.encode(sig, assertions)));
        let asserts = match encoded {
            Ok(Ok((a, _))) => a,
            Ok(Err(_)) => return false,
            Err(p) => {
                self.recover(p);
                return false;
            }
        };
        let res = catch_unwind(AssertUnwindSafe(|| {
            self.solver.push();
            for a in &asserts {
                self.solver.assert(a);
            }
            let r = self.check_raw(timeout_ms);
            self.solver.pop(1);
            r
        }));
        match res {
            Ok(r) => r == SatResult::Unsat,
            Err(p) => {
                self.recover(p);
                false
            }
        }
    }
}

impl Solver for Z3Solver {
    fn set_seed(&mut self, seed: u32) -> bool {
        self.options.random_seed = (seed != 0).then_some(seed);
        self.seeded = true;
        true
    }

    fn set_attempt_budget(&mut self, units: Option<u64>) -> bool {
        self.options.attempt_rlimit = units.map(|u| u32::try_from(u).unwrap_or(u32::MAX));
        true
    }

    fn is_unsat(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> bool {
        self.decide_unsat(sig, &validity_query(hyps, goal), timeout_ms)
    }

    fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> Answer {
        let min = self.options.minimize;
        self.run(sig, validity_query(hyps, goal), timeout_ms, min)
    }

    fn check_many(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<Answer> {
        self.check_many_timed(sig, hyps, goals, timeout_ms)
            .into_iter()
            .map(|(a, _)| a)
            .collect()
    }

    fn check_many_timed(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<(Answer, Duration)> {
        let min = self.options.minimize;
        self.run_many(sig, hyps, goals, timeout_ms, min)
    }
}

/// A solver whose counterexamples depend only on the query, not on what the
/// worker thread solved before: verdicts come from a per-thread session
/// (reused with push/pop, fast), and when the answer is `sat` the query is
/// solved again in a fresh Z3 context so the model is the same whatever
/// thread or order the obligations ran in.
pub struct FreshZ3Solver {
    /// The thread's session, or why Z3 could not start one (then every
    /// query is `Unknown` with that reason).
    session: Result<Z3Solver, Reason>,
}

impl FreshZ3Solver {
    pub fn with_options(options: Z3Options) -> FreshZ3Solver {
        FreshZ3Solver {
            session: Z3Solver::try_with_options(options),
        }
    }
}

/// Re-solve in a fresh context; a context that cannot be created is an
/// unknown answer, not a panic.
fn fresh_check(
    mut options: Z3Options,
    sig: &Signature,
    hyps: &[Term],
    goal: &Term,
    t: u64,
) -> Answer {
    // The query is known to be satisfiable: the re-solve runs to the end
    // (same seed, no resource budget).
    options.attempt_rlimit = None;
    let limit_mb = options.memory_max_mb;
    let run = AssertUnwindSafe(move || {
        crate::with_fresh_context(move || match Z3Solver::try_with_options(options) {
            Ok(mut s) => s.check(sig, hyps, goal, t),
            Err(r) => Answer::Unknown(r),
        })
    });
    catch_unwind(run).unwrap_or_else(|p| Answer::Unknown(failure_reason(&p, limit_mb)))
}

impl Solver for FreshZ3Solver {
    fn set_seed(&mut self, seed: u32) -> bool {
        match &mut self.session {
            Ok(s) => s.set_seed(seed),
            Err(_) => false,
        }
    }

    fn set_attempt_budget(&mut self, units: Option<u64>) -> bool {
        match &mut self.session {
            Ok(s) => s.set_attempt_budget(units),
            Err(_) => false,
        }
    }

    fn is_unsat(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> bool {
        match &mut self.session {
            Ok(s) => s.is_unsat(sig, hyps, goal, timeout_ms),
            Err(_) => false,
        }
    }

    fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> Answer {
        let session = match &mut self.session {
            Ok(s) => s,
            Err(r) => return Answer::Unknown(r.clone()),
        };
        let options = session.options().clone();
        // Decide with the thread's session, without minimising yet.
        session.options_mut().minimize = false;
        let first = session.check(sig, hyps, goal, timeout_ms);
        session.options_mut().minimize = options.minimize;
        match first {
            Answer::Sat(_) => fresh_check(options, sig, hyps, goal, timeout_ms),
            other => other,
        }
    }

    fn check_many(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<Answer> {
        self.check_many_timed(sig, hyps, goals, timeout_ms)
            .into_iter()
            .map(|(a, _)| a)
            .collect()
    }

    fn check_many_timed(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<(Answer, Duration)> {
        let session = match &mut self.session {
            Ok(s) => s,
            Err(r) => return vec![(Answer::Unknown(r.clone()), Duration::ZERO); goals.len()],
        };
        let options = session.options().clone();
        session.options_mut().minimize = false;
        let first = session.check_many_timed(sig, hyps, goals, timeout_ms);
        session.options_mut().minimize = options.minimize;
        first
            .into_iter()
            .zip(goals)
            .map(|((a, d), goal)| match a {
                Answer::Sat(_) => {
                    let start = Instant::now();
                    let a = fresh_check(options.clone(), sig, hyps, goal, timeout_ms);
                    (a, d + start.elapsed())
                }
                other => (other, d),
            })
            .collect()
    }
}

/// The query `hyps ∧ ¬goal` as an SMT-LIB script (for `ivyc verify
/// --dump-smt`): ivyc's Z3 parameters as `set-option` commands, the
/// declarations and assertions exactly as ivyc builds them (encoded in a
/// fresh Z3 context, so names do not depend on earlier queries), then
/// `(check-sat)`.
pub fn to_smtlib(sig: &Signature, hyps: &[Term], goal: &Term) -> Result<String, String> {
    let params = crate::default_params();
    let run = AssertUnwindSafe(move || {
        crate::with_fresh_context(move || {
            let mut s = Z3Solver::try_with_options(Z3Options {
                params: Vec::new(),
                ..Z3Options::default()
            })
            .map_err(|r| r.to_string())?;
            let (asserts, _) = s
                .encode(sig, &validity_query(hyps, goal))
                .map_err(|e| e.to_string())?;
            let out = z3::Solver::new();
            for a in &asserts {
                out.assert(a);
            }
            Ok::<String, String>(out.to_string())
        })
    });
    let body = catch_unwind(run).map_err(|p| failure_reason(&p, None).to_string())??;
    let mut text = String::from("; an ivyc proof obligation: unsat means it holds\n");
    for p in params {
        text.push_str(&format!("(set-option :{} {})\n", p.name, p.value));
    }
    text.push_str(&body);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("(check-sat)\n");
    Ok(text)
}
