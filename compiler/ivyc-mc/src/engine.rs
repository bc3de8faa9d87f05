//! The two engines over a [`FiniteSystem`]: Spacer (the system as
//! constrained Horn clauses over one predicate, the reachable states,
//! decided by a [`HornSolver`]) and k-induction with simple-path
//! constraints (base and step queries for k = 0, 1, ... through any
//! [`Solver`]). Both answer safe, unsafe or unknown; neither builds the
//! trace (the caller finds it by bounded model checking).

use crate::ts::FiniteSystem;
use ivyc_base::Symbol;
use ivyc_logic::{
    Answer, HornAnswer, HornClause, HornProblem, HornSolver, Reason, Role, Signature, Solver,
    SymId, Term,
};
use std::collections::HashMap;

/// Which engine decides safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Z3's Spacer (IC3/PDR for constrained Horn clauses): the default.
    Spacer,
    /// k-induction with simple-path constraints, up to a bound on k.
    KInduction,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Spacer => "spacer",
            Engine::KInduction => "k-induction",
        }
    }
}

/// What an engine concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every reachable state satisfies the invariants and no step from one
    /// fails an assertion. `invariant`: an inductive invariant over the
    /// state scalars, when the engine gives one; `k`: the induction depth
    /// (k-induction).
    Safe {
        invariant: Option<Term>,
        k: Option<usize>,
    },
    /// A violation is reachable (within `depth` steps when known).
    Unsafe {
        depth: Option<usize>,
    },
    Unknown(Reason),
}

/// The Horn clauses of the system (see the module comment).
pub fn horn_problem(fs: &FiniteSystem) -> HornProblem {
    let pre: Vec<Term> = fs.state.iter().map(|&s| Term::constant(s)).collect();
    let post = |v: &[SymId]| -> Vec<Term> { v.iter().map(|&s| Term::constant(s)).collect() };
    let with_bg = |t: &Term| Term::and([fs.background.clone(), t.clone()]);
    let mut clauses = vec![
        HornClause {
            body: None,
            constraint: with_bg(&fs.init),
            head: Some(post(&fs.init_post)),
        },
        HornClause {
            body: None,
            constraint: with_bg(&fs.init_fail),
            head: None,
        },
        HornClause {
            body: Some(pre.clone()),
            constraint: with_bg(&fs.trans),
            head: Some(post(&fs.trans_post)),
        },
        HornClause {
            body: Some(pre.clone()),
            constraint: with_bg(&fs.trans_fail),
            head: None,
        },
    ];
    if !fs.invariants.is_empty() {
        clauses.push(HornClause {
            body: Some(pre),
            constraint: with_bg(&Term::not(Term::and(fs.invariants.iter().cloned()))),
            head: None,
        });
    }
    clauses.retain(|c| !c.constraint.is_false());
    HornProblem {
        pred_sorts: fs.state.iter().map(|&s| fs.sig.symbol(s).ret).collect(),
        clauses,
    }
}

/// Decides the system with a Horn solver.
pub fn spacer(fs: &FiniteSystem, solver: &mut impl HornSolver, timeout_ms: u64) -> Verdict {
    let problem = horn_problem(fs);
    match solver.solve(&fs.sig, &problem, timeout_ms) {
        HornAnswer::Safe { invariant, .. } => {
            // Back from the argument variables to the state scalars.
            let invariant = invariant.map(|t| {
                let map = fs
                    .state
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| {
                        (
                            ivyc_logic::Var::new(&format!("A{i}"), fs.sig.symbol(s).ret),
                            Term::constant(s),
                        )
                    })
                    .collect();
                t.subst_vars(&map)
            });
            Verdict::Safe { invariant, k: None }
        }
        HornAnswer::Unsafe { .. } => Verdict::Unsafe { depth: None },
        HornAnswer::Unknown(r) => Verdict::Unknown(r),
    }
}

/// Copies of the system's formulas for one frame of an unrolling.
struct Unroller<'a> {
    fs: &'a FiniteSystem,
    sig: Signature,
    /// `states[j]`: the scalars of state j.
    states: Vec<Vec<SymId>>,
    frames: usize,
}

impl<'a> Unroller<'a> {
    fn new(fs: &'a FiniteSystem) -> Unroller<'a> {
        Unroller {
            fs,
            sig: fs.sig.clone(),
            states: Vec::new(),
            frames: 0,
        }
    }

    fn state(&mut self, j: usize) -> Vec<SymId> {
        while self.states.len() <= j {
            let k = self.states.len();
            let copies = self
                .fs
                .state
                .iter()
                .map(|&s| self.copy(s, &format!("@{k}")))
                .collect();
            self.states.push(copies);
        }
        self.states[j].clone()
    }

    fn copy(&mut self, s: SymId, tag: &str) -> SymId {
        let d = self.sig.symbol(s).clone();
        let name = Symbol::intern(&format!("{}{tag}", d.name));
        self.sig.fresh_symbol(name, vec![], d.ret, Role::Rigid)
    }

    /// `t` with `pre` → state `from`, `post` → state `from + 1` (or only
    /// `pre` → state `from` when `post` is `None`), every other variable a
    /// fresh copy of its own; plus equalities for the state scalars that
    /// `t` leaves unchanged.
    fn frame(&mut self, t: &Term, from: usize, post: Option<&[SymId]>) -> Term {
        self.frames += 1;
        let tag = format!("@f{}", self.frames);
        let pre_state = self.state(from);
        let mut map: HashMap<SymId, Term> = HashMap::new();
        let mut eqs = Vec::new();
        match post {
            None => {
                for (i, &s) in self.fs.state.iter().enumerate() {
                    map.insert(s, Term::constant(pre_state[i]));
                }
            }
            Some(post) => {
                let post_state = self.state(from + 1);
                for (i, &s) in self.fs.state.iter().enumerate() {
                    map.insert(s, Term::constant(pre_state[i]));
                    if post[i] == s {
                        eqs.push(Term::eq(
                            Term::constant(post_state[i]),
                            Term::constant(pre_state[i]),
                        ));
                    } else {
                        map.insert(post[i], Term::constant(post_state[i]));
                    }
                }
            }
        }
        for s in t.symbols() {
            let d = self.fs.sig.symbol(s);
            if d.args.is_empty() && d.role != Role::EnumCtor && !map.contains_key(&s) {
                let c = self.copy(s, &tag);
                map.insert(s, Term::constant(c));
            }
        }
        eqs.push(t.replace_constants(&map));
        Term::and(eqs)
    }

    /// The initializer into state 0 (its pre-state variables fresh).
    fn init(&mut self) -> Term {
        self.frames += 1;
        let tag = format!("@f{}", self.frames);
        let s0 = self.state(0);
        let mut map: HashMap<SymId, Term> = HashMap::new();
        for (i, &p) in self.fs.init_post.iter().enumerate() {
            map.insert(p, Term::constant(s0[i]));
        }
        let t = Term::and([self.fs.background.clone(), self.fs.init.clone()]);
        for s in t.symbols() {
            let d = self.fs.sig.symbol(s);
            if d.args.is_empty() && d.role != Role::EnumCtor && !map.contains_key(&s) {
                let c = self.copy(s, &tag);
                map.insert(s, Term::constant(c));
            }
        }
        t.replace_constants(&map)
    }

    /// The state `j` violates an invariant or a step from it fails.
    fn bad(&mut self, j: usize) -> Term {
        let inv = Term::not(Term::and(self.fs.invariants.iter().cloned()));
        let bad_inv = self.frame(&inv, j, None);
        let fail = Term::and([self.fs.background.clone(), self.fs.trans_fail.clone()]);
        let bad_step = self.frame(&fail, j, None);
        Term::or([bad_inv, bad_step])
    }

    fn good(&mut self, j: usize) -> Term {
        let inv = Term::and(self.fs.invariants.iter().cloned());
        self.frame(&inv, j, None)
    }

    fn step(&mut self, j: usize) -> Term {
        let t = Term::and([self.fs.background.clone(), self.fs.trans.clone()]);
        let post = self.fs.trans_post.clone();
        self.frame(&t, j, Some(&post))
    }

    fn distinct(&mut self, i: usize, j: usize) -> Term {
        let (a, b) = (self.state(i), self.state(j));
        Term::or(
            a.iter()
                .zip(&b)
                .map(|(&x, &y)| Term::not(Term::eq(Term::constant(x), Term::constant(y)))),
        )
    }
}

fn sat(solver: &mut impl Solver, sig: &Signature, hyps: &[Term], timeout_ms: u64) -> Answer {
    solver.check(sig, hyps, &Term::fls(), timeout_ms)
}

/// k-induction for k = 0 ..= `max_k`.
pub fn k_induction(
    fs: &FiniteSystem,
    solver: &mut impl Solver,
    max_k: usize,
    timeout_ms: u64,
) -> Verdict {
    // The initializer failing an assertion: a violation at depth 0.
    let fail = Term::and([fs.background.clone(), fs.init_fail.clone()]);
    match sat(solver, &fs.sig, &[fail], timeout_ms) {
        Answer::Sat(_) => return Verdict::Unsafe { depth: Some(0) },
        Answer::Unsat => {}
        Answer::Unknown(r) => return Verdict::Unknown(r),
    }
    let mut base = Unroller::new(fs);
    let mut base_path = vec![base.init()];
    let mut ind = Unroller::new(fs);
    let mut ind_path: Vec<Term> = Vec::new();
    for k in 0..=max_k {
        // Base: a violation at depth k.
        let mut hyps = base_path.clone();
        hyps.push(base.bad(k));
        match sat(solver, &base.sig, &hyps, timeout_ms) {
            Answer::Sat(_) => return Verdict::Unsafe { depth: Some(k) },
            Answer::Unsat => {}
            Answer::Unknown(r) => return Verdict::Unknown(r),
        }
        // Step: k+1 distinct states, the first k+1 good, then bad.
        ind_path.push(ind.good(k));
        ind_path.push(ind.step(k));
        for i in 0..=k {
            ind_path.push(ind.distinct(i, k + 1));
        }
        let mut hyps = ind_path.clone();
        hyps.push(ind.bad(k + 1));
        match sat(solver, &ind.sig, &hyps, timeout_ms) {
            Answer::Unsat => {
                return Verdict::Safe {
                    invariant: None,
                    k: Some(k + 1),
                }
            }
            Answer::Sat(_) => {}
            Answer::Unknown(r) => return Verdict::Unknown(r),
        }
        base_path.push(base.step(k));
    }
    Verdict::Unknown(Reason::Incomplete(format!(
        "k-induction did not decide the property up to k = {max_k}"
    )))
}
