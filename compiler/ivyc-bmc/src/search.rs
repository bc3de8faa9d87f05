//! The bounded search, incremental: one solver session per pass, the
//! unrolling asserted step by step. At depth d the session holds the
//! background, the side conditions and the transitions of steps 0..d-1
//! (their checks assumed: the earlier depths showed they cannot fail); the
//! failure of step d is checked inside a push/pop, and when it cannot
//! happen step d's transition is kept. So the first satisfiable depth
//! gives a shortest trace (within the pass's bounds). A pass runs under
//! bounds on uninterpreted sorts (cardinality axioms, quantifiers over
//! bounded sorts grounded, symmetry broken); with `SortBounds::Auto` the
//! passes are small default bounds, wider bounds, then no bounds, while
//! the deadline allows.

use crate::bound::{cardinality_axiom, default_bounds, Grounding};
use crate::check::check_trace;
use crate::lasso::LassoGoal;
use crate::symmetry::{first_use, ordered_constants};
use crate::trace::{assert_nodes, decode, Trace};
use crate::unroll::{unroll, Tag, Unrolled};
use ivyc_base::Symbol;
use ivyc_logic::passive::{passify, AssertMode, PNode, Passive, Versions};
use ivyc_logic::{
    Answer, AssertInfo, AssertKind, IncrementalSolver, Reason, Role, Signature, SortId, SymId,
    System, Term, TermKind,
};
use ivyc_vc::ModelRejected;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// Which bounds the search uses on uninterpreted sorts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortBounds {
    /// Exactly these bounds (other sorts unbounded), in one pass.
    Fixed(Vec<(SortId, u32)>),
    /// Small default bounds ([`default_bounds`]), then each one larger by
    /// one, then no bounds: a pass each, while the deadline allows (with
    /// no deadline, only the first pass).
    Auto,
}

impl Default for SortBounds {
    fn default() -> Self {
        SortBounds::Fixed(Vec::new())
    }
}

/// What to search for.
#[derive(Clone, Debug)]
pub struct BmcOptions {
    /// The largest number of action steps after the initializer.
    pub depth: usize,
    pub bounds: SortBounds,
    /// Check only the invariants and assertions with this label (others
    /// are assumed, invariants ignored).
    pub property: Option<Symbol>,
    /// Solver time limit per query (0: none).
    pub timeout_ms: u64,
    /// When the whole search must stop (each query gets what is left).
    pub deadline: Option<Instant>,
    /// When the passes after the first must stop (also bounded by
    /// `deadline`).
    pub widen_deadline: Option<Instant>,
    /// Break the symmetry of bounded sorts (`crate::symmetry`).
    pub symmetry: bool,
    /// Search for a deadlock instead of a violation: the formula (over the
    /// system's vocabulary) saying that no exported action is enabled
    /// (`ivyc_logic::enabled::deadlock`). Program assertions are then
    /// assumptions (an execution failing one does not go on) and
    /// invariants are ignored.
    pub deadlock: Option<Term>,
    /// Search for a lasso refuting this temporal property instead of a
    /// violation (`crate::lasso`); assertions and invariants as for
    /// `deadlock`.
    pub lasso: Option<LassoGoal>,
}

impl Default for BmcOptions {
    fn default() -> Self {
        BmcOptions {
            depth: 0,
            bounds: SortBounds::default(),
            property: None,
            timeout_ms: 0,
            deadline: None,
            widen_deadline: None,
            symmetry: true,
            deadlock: None,
            lasso: None,
        }
    }
}

/// What one pass of the search covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// The bounds of the pass (sorts not listed: any number of elements).
    pub bounds: Vec<(SortId, u32)>,
    /// Depths `0..=d` have no violation under these bounds (`None`: not
    /// even depth 0 was decided).
    pub depth: Option<usize>,
    /// Why the pass stopped before the requested depth.
    pub stopped: Option<Reason>,
}

/// The outcome of a bounded search.
#[derive(Clone, Debug)]
pub enum BmcResult {
    /// The first pass showed every depth up to `depth` free of violations;
    /// `covered` says what each pass covered.
    NoViolation {
        depth: usize,
        covered: Vec<Coverage>,
    },
    /// A shortest violating execution (within the bounds of its pass).
    Violation(Box<Trace>),
    /// The solver did not decide the query of `depth` in the first pass
    /// (all smaller depths were unsatisfiable).
    Unknown {
        depth: usize,
        reason: Reason,
        covered: Vec<Coverage>,
    },
    /// The solver's model of the query of some depth does not replay in the
    /// evaluator (`crate::check`): a bug in ivyc; no trace is shown.
    InternalError(Box<ModelRejected>),
}

/// One depth's query, as a whole (what the incremental session holds when
/// it finds a model): decoded and replayed in the evaluator.
pub struct Query {
    pub depth: usize,
    pub unrolled: Unrolled,
    /// The passive form of steps `0..=depth`.
    pub passive: Passive,
    /// The unrolled signature with the SSA versions and bound constants.
    pub sig: Signature,
    pub hyps: Vec<Term>,
    pub goal: Term,
    /// Symbols added for the search (selectors, bound constants): never shown.
    pub hidden: Vec<SymId>,
    /// `hyps` starts with this many axioms, properties and lemmas (in
    /// `System` order), then `side` side conditions (bounds, symmetry
    /// breaking, selector exclusions), then the path conjuncts of the
    /// unrolled command.
    pub background: usize,
    pub side: usize,
    /// The `--property` the query checks (others assumed or ignored).
    pub property: Option<Symbol>,
    /// A deadlock query: the goal says some action is enabled after the
    /// last step (every step, the last included, is a whole transition).
    pub deadlock: bool,
    /// A lasso query: the loop-start selectors of its depth (the goal says
    /// the lasso is unfair or satisfies the property).
    pub loops: Option<Vec<SymId>>,
}

impl Query {
    /// Every step, the last included, is a whole transition (deadlock and
    /// lasso queries).
    pub fn whole_steps(&self) -> bool {
        self.deadlock || self.loops.is_some()
    }
}

/// Whether `label` names an invariant or an assertion of `sys`.
pub fn has_property(sys: &System, label: Symbol) -> bool {
    let asserted = |c: &ivyc_logic::Cmd| c.assertions().iter().any(|(_, i)| i.label == Some(label));
    sys.invariants.iter().any(|p| p.label == Some(label))
        || asserted(&sys.init)
        || sys.actions.iter().any(|a| asserted(&a.body))
}

/// How the query of depth `depth` treats the assertion tagged `tag`.
pub fn mode_of(
    tag: Option<&Tag>,
    depth: usize,
    property: Option<Symbol>,
    deadlock: bool,
) -> AssertMode {
    if deadlock {
        return match tag {
            Some(Tag::Program { .. }) => AssertMode::Assume,
            _ => AssertMode::Ignore,
        };
    }
    let selected = |info: &AssertInfo| property.is_none_or(|p| info.label == Some(p));
    match tag {
        None | Some(Tag::State { .. }) | Some(Tag::ActionStart { .. }) => AssertMode::Ignore,
        Some(Tag::Program { step, info, .. }) => {
            // The environment respects the requires of exported actions.
            let env_require = *step > 0 && info.kind == AssertKind::Require;
            if env_require || *step < depth || !selected(info) {
                AssertMode::Assume
            } else {
                AssertMode::Check
            }
        }
        Some(Tag::Invariant { label, .. }) if property.is_some_and(|p| *label != Some(p)) => {
            AssertMode::Ignore
        }
        Some(Tag::Invariant { step, .. }) if *step < depth => AssertMode::Assume,
        Some(Tag::Invariant { .. }) => AssertMode::Check,
    }
}

/// The system unrolled to the largest depth of a pass, under its bounds:
/// every depth's query is a prefix of it.
pub struct Unrolling {
    pub depth: usize,
    pub unrolled: Unrolled,
    pub passive: Passive,
    /// The blocks of the passive body: step 0 (the initializer), 1, ...
    pub blocks: Vec<PNode>,
    pub sig: Signature,
    /// Axioms, properties and lemmas.
    pub background: Vec<Term>,
    /// One cardinality axiom per bounded sort.
    pub bound_axioms: Vec<Term>,
    /// `side[k]`: the side conditions of step `k` (step 0: the order of
    /// the bound constants and the first use of the system's constants;
    /// step `k >= 1`: the selector exclusions and the first use of the
    /// step's parameters).
    pub side: Vec<Vec<Term>>,
    pub hidden: Vec<SymId>,
    pub grounding: Grounding,
    pub property: Option<Symbol>,
    /// The deadlock formula (see [`BmcOptions::deadlock`]).
    pub deadlock: Option<Term>,
    /// The lasso goal (see [`BmcOptions::lasso`]) and, per depth `d >= 1`,
    /// the loop-start selectors `loops[d][l]` (`l < d`), with what the
    /// lasso formula needs of the system.
    pub lasso: Option<LassoGoal>,
    pub loops: Vec<Vec<SymId>>,
    pub temporal: ivyc_logic::temporal::Temporal,
    pub state: Vec<SymId>,
    /// The bounds of the pass.
    pub bounds: Vec<(SortId, u32)>,
    /// The bound constants of each bounded sort.
    pub consts: Vec<(SortId, Vec<SymId>)>,
    /// What the solver is given, grounded: the background and the side
    /// conditions (the transition and failure of each step are grounded
    /// when the search reaches the step: [`Unrolling::ground_transition`],
    /// [`Unrolling::ground_failure`]).
    pub ground_background: Vec<Term>,
    pub ground_side: Vec<Vec<Term>>,
    /// Every grounded formula is quantifier-free (and some sort is
    /// bounded): the search then replaces the cardinality axioms by the
    /// closure constraints of the ground terms (`closures`), and asserts
    /// the axioms only to get the model of a violation.
    pub quantifier_free: bool,
}

impl Unrolling {
    /// Unrolls `sys` to `depth` steps under `bounds`, breaking the
    /// symmetry of the bounded sorts if `symmetry`.
    pub fn new(
        sys: &System,
        depth: usize,
        bounds: &[(SortId, u32)],
        property: Option<Symbol>,
        symmetry: bool,
        deadlock: Option<&Term>,
        lasso: Option<&LassoGoal>,
    ) -> Unrolling {
        let unrolled = unroll(sys, depth);
        let mut sig = unrolled.sig.clone();
        let passive = passify(&mut sig, &unrolled.cmd);
        let blocks: Vec<PNode> = match &passive.body {
            PNode::Seq(xs) => xs.clone(),
            other => vec![other.clone()],
        };
        let mut hidden: Vec<SymId> = unrolled
            .selectors
            .iter()
            .flatten()
            .map(|&(_, s)| s)
            .collect();
        // Properties are theorems of the axioms (proved by `verify`): assumed.
        let background: Vec<Term> = sys
            .axioms
            .iter()
            .chain(&sys.properties)
            .chain(&sys.lemmas)
            .map(|p| p.formula.clone())
            .collect();
        let mut loops: Vec<Vec<SymId>> = vec![Vec::new(); depth + 1];
        if lasso.is_some() {
            for (d, ls) in loops.iter_mut().enumerate() {
                for l in 0..d {
                    let name = Symbol::intern(&format!("loop{d}.{l}"));
                    let sel = sig.fresh_symbol(name, vec![], SortId::BOOL, Role::Rigid);
                    hidden.push(sel);
                    ls.push(sel);
                }
            }
        }
        let mut bound_axioms = Vec::new();
        let mut consts: Vec<(SortId, Vec<SymId>)> = Vec::new();
        for &(sort, n) in bounds {
            let (ax, cs) = cardinality_axiom(&mut sig, sort, n);
            bound_axioms.push(ax);
            hidden.extend(cs.iter().copied());
            consts.push((sort, cs));
        }
        let mut side: Vec<Vec<Term>> = vec![Vec::new(); depth + 1];
        for (k, excl) in unrolled.exclusions.iter().enumerate() {
            if let Some(s) = side.get_mut(k + 1) {
                s.extend(excl.iter().cloned());
            }
        }
        if symmetry {
            let seq = first_use_sequences(sys, &unrolled, &passive, &consts, depth);
            for ((_, cs), per_step) in consts.iter().zip(seq) {
                if let Some(s) = side.get_mut(0) {
                    s.extend(ordered_constants(cs));
                }
                let mut earlier: Vec<(Term, Term)> = Vec::new();
                for (k, items) in per_step.into_iter().enumerate() {
                    if let Some(s) = side.get_mut(k) {
                        s.extend(first_use(cs, &earlier, &items));
                    }
                    earlier.extend(items);
                }
            }
        }
        let grounding = Grounding::new(&sig, &consts);
        let mut u = Unrolling {
            depth,
            unrolled,
            passive,
            blocks,
            sig,
            background,
            bound_axioms,
            side,
            hidden,
            grounding,
            property,
            deadlock: deadlock.cloned(),
            lasso: lasso.cloned(),
            loops,
            temporal: if lasso.is_some() {
                sys.temporal.clone()
            } else {
                Default::default()
            },
            state: sys.sig.state_symbols(),
            bounds: bounds.to_vec(),
            consts,
            ground_background: Vec::new(),
            ground_side: Vec::new(),
            quantifier_free: false,
        };
        u.ground_background = u.ground(&u.background);
        u.ground_side = u.side.iter().map(|s| u.ground(s)).collect();
        // Decided on the formulas before grounding (cheap): grounding every
        // step up front would cost time the deadline does not bound.
        let keeps = |ts: &[Term]| ts.iter().any(|t| u.grounding.keeps_quantifier(t));
        u.quantifier_free = !u.consts.is_empty()
            && !keeps(&u.background)
            && !u.side.iter().any(|s| keeps(s))
            && !(0..=depth).any(|k| {
                let (prefix, goal) = u.failure(k);
                keeps(&u.transition(k))
                    || keeps(&prefix)
                    || (!goal.is_true() && keeps(&[Term::not(goal.close_forall())]))
            });
        u
    }

    /// The closure constraints `t = c1 | ... | t = cN` of the ground terms
    /// `t` of bounded sorts in `terms` that are not in `closed` yet (then
    /// added to it). When every formula is quantifier-free they replace
    /// the cardinality axioms: in a model of the grounded formulas and the
    /// closures, keeping only the elements the bound constants name gives
    /// a model of the original formulas under the bounds (docs/bmc.md).
    fn closures(&self, terms: &[Term], closed: &mut HashSet<Term>) -> Vec<Term> {
        let consts: HashMap<SortId, &Vec<SymId>> =
            self.consts.iter().map(|(s, cs)| (*s, cs)).collect();
        let mut out = Vec::new();
        for t in terms {
            t.visit(|x| {
                let TermKind::App(f, _) = &x.kind else { return };
                let Some(cs) = consts.get(&self.sig.symbol(*f).ret) else {
                    return;
                };
                if cs.contains(f) || closed.contains(x) {
                    return;
                }
                closed.insert(x.clone());
                out.push(Term::or(
                    cs.iter().map(|&c| Term::eq(x.clone(), Term::constant(c))),
                ));
            });
        }
        out
    }

    /// How the query of `depth` treats each assertion (by index).
    fn mode(&self, depth: usize) -> impl Fn(&AssertInfo, usize) -> AssertMode + '_ {
        let tags = &self.unrolled.tags;
        let property = self.property;
        let deadlock = self.deadlock.is_some() || self.lasso.is_some();
        move |_: &AssertInfo, i: usize| mode_of(tags.get(i), depth, property, deadlock)
    }

    /// Step `step`'s failure, split into the conjuncts before the checked
    /// assertion and the goal (as `PNode::split_failure`).
    fn failure(&self, step: usize) -> (Vec<Term>, Term) {
        if let Some(d) = &self.deadlock {
            // The whole step, then: some action is enabled in its state.
            let goal = Term::not(self.at_state(d, step));
            return (self.transition(step), goal);
        }
        if let Some(g) = &self.lasso {
            // A lasso needs a step (the one that closes the loop).
            let goal = match self.loops.get(step) {
                Some(ls) if !ls.is_empty() => {
                    let versions: Vec<HashMap<SymId, SymId>> =
                        (0..=step).map(|k| self.versions_at(k)).collect();
                    Term::not(crate::lasso::lasso_formula(
                        &self.sig,
                        &self.temporal,
                        &self.state,
                        g,
                        &versions,
                        ls,
                    ))
                }
                _ => Term::tru(),
            };
            return (self.transition(step), goal);
        }
        match self.blocks.get(step) {
            Some(b) => {
                let (prefix, goal, _) = b.split_failure(&self.mode(step));
                (prefix, goal)
            }
            None => (Vec::new(), Term::tru()),
        }
    }

    /// The SSA renaming of the state after `step`.
    fn versions_at(&self, step: usize) -> HashMap<SymId, SymId> {
        let mut nodes = Vec::new();
        assert_nodes(&self.passive.body, &mut nodes);
        let want = Tag::State { step };
        self.unrolled
            .tags
            .iter()
            .position(|x| *x == want)
            .and_then(|i| nodes.iter().find(|(j, _, _)| *j == i).map(|x| x.2))
            .map(|v| v.iter().map(|(&a, &b)| (a, b)).collect())
            .unwrap_or_default()
    }

    /// `t` (over the system's vocabulary) in the state after `step`.
    fn at_state(&self, t: &Term, step: usize) -> Term {
        t.rename_symbols(&self.versions_at(step))
    }

    /// Step `step`'s transition with its checks assumed (as in every query
    /// of a larger depth).
    fn transition(&self, step: usize) -> Vec<Term> {
        match self.blocks.get(step) {
            Some(b) => b.transition_conjuncts(&self.mode(step + 1)),
            None => Vec::new(),
        }
    }

    /// The whole query of `depth` (`depth <= self.depth`).
    pub fn query(&self, depth: usize) -> Query {
        let mut hyps: Vec<Term> = self.background.clone();
        let background = hyps.len();
        hyps.extend(self.bound_axioms.iter().cloned());
        for s in self.side.iter().take(depth + 1) {
            hyps.extend(s.iter().cloned());
        }
        let side = hyps.len() - background;
        for step in 0..depth {
            hyps.extend(self.transition(step));
        }
        let (prefix, goal) = self.failure(depth);
        hyps.extend(prefix);
        let body = PNode::Seq(self.blocks.iter().take(depth + 1).cloned().collect());
        Query {
            depth,
            unrolled: self.unrolled.clone(),
            passive: Passive {
                body,
                final_versions: self.passive.final_versions.clone(),
            },
            sig: self.sig.clone(),
            hyps,
            goal,
            hidden: self.hidden.clone(),
            background,
            side,
            property: self.property,
            deadlock: self.deadlock.is_some(),
            loops: self
                .lasso
                .as_ref()
                .map(|_| self.loops.get(depth).cloned().unwrap_or_default()),
        }
    }

    /// Step `step`'s transition, grounded.
    pub fn ground_transition(&self, step: usize) -> Vec<Term> {
        self.ground(&self.transition(step))
    }

    /// Step `step`'s failure (the conjuncts before its check and the
    /// negated goal), grounded.
    pub fn ground_failure(&self, step: usize) -> Vec<Term> {
        let (prefix, goal) = self.failure(step);
        let mut f = self.ground(&prefix);
        if !goal.is_true() {
            f.push(self.grounding.ground(&Term::not(goal.close_forall())));
        }
        f
    }

    fn ground(&self, ts: &[Term]) -> Vec<Term> {
        ts.iter().map(|t| self.grounding.ground(t)).collect()
    }
}

/// Asserts `terms`, with the closure constraints of their new ground
/// terms when the pass replaces the cardinality axioms by them.
fn assert_closed(
    u: &Unrolling,
    solver: &mut impl IncrementalSolver,
    terms: &[Term],
    closed: &mut HashSet<Term>,
) {
    if u.quantifier_free {
        let mut all = terms.to_vec();
        all.extend(u.closures(terms, closed));
        solver.assert(&u.sig, &all);
    } else {
        solver.assert(&u.sig, terms);
    }
}

/// For each bounded sort, per step, the guarded ground terms whose first
/// use is ordered: step 0 the system's 0-ary rigid and state symbols of
/// the sort (state ones as after the initializer), step `k` the parameters
/// of each exported action of that sort (guarded by its selector).
fn first_use_sequences(
    sys: &System,
    unrolled: &Unrolled,
    passive: &Passive,
    consts: &[(SortId, Vec<SymId>)],
    depth: usize,
) -> Vec<Vec<Vec<(Term, Term)>>> {
    let mut nodes = Vec::new();
    assert_nodes(&passive.body, &mut nodes);
    let versions: HashMap<usize, &Versions> = nodes.iter().map(|&(i, _, v)| (i, v)).collect();
    let at = |want: &Tag| -> Option<&Versions> {
        unrolled
            .tags
            .iter()
            .position(|t| t == want)
            .and_then(|i| versions.get(&i).copied())
    };
    let current = |v: Option<&Versions>, s: SymId| v.and_then(|v| v.get(&s)).copied().unwrap_or(s);
    let exported: Vec<usize> = (0..sys.actions.len())
        .filter(|&i| sys.actions[i].exported)
        .collect();
    consts
        .iter()
        .map(|&(sort, _)| {
            let mut per_step = Vec::with_capacity(depth + 1);
            let after_init = at(&Tag::State { step: 0 });
            let initial: Vec<(Term, Term)> = sys
                .sig
                .symbols()
                .filter(|(_, d)| {
                    d.args.is_empty()
                        && d.ret == sort
                        && matches!(d.role, Role::Rigid | Role::State)
                })
                .map(|(s, _)| (Term::tru(), Term::constant(current(after_init, s))))
                .collect();
            per_step.push(initial);
            for step in 1..=depth {
                let sels = unrolled.selectors.get(step - 1);
                let mut items = Vec::new();
                for &ai in &exported {
                    let guard = sels
                        .and_then(|s| s.iter().find(|&&(a, _)| a == ai))
                        .map(|&(_, sel)| Term::constant(sel))
                        .unwrap_or_else(Term::tru);
                    let start = at(&Tag::ActionStart { step, action: ai });
                    for &p in &sys.actions[ai].params {
                        if sys.sig.symbol(p).ret == sort {
                            items.push((guard.clone(), Term::constant(current(start, p))));
                        }
                    }
                }
                per_step.push(items);
            }
            per_step
        })
        .collect()
}

/// Builds the query of one depth under fixed bounds (for tests and
/// tools; the search builds queries from its pass's unrolling).
pub fn query(sys: &System, opts: &BmcOptions, depth: usize) -> Query {
    let bounds = match &opts.bounds {
        SortBounds::Fixed(b) => b.clone(),
        SortBounds::Auto => default_bounds(sys),
    };
    Unrolling::new(
        sys,
        depth,
        &bounds,
        opts.property,
        opts.symmetry,
        opts.deadlock.as_ref(),
        opts.lasso.as_ref(),
    )
    .query(depth)
}

/// `bounds` with every bound one larger.
pub fn widen(bounds: &[(SortId, u32)]) -> Vec<(SortId, u32)> {
    bounds
        .iter()
        .map(|&(s, n)| (s, n.saturating_add(1)))
        .collect()
}

/// The passes of a search: their bounds, in order.
pub fn passes(sys: &System, bounds: &SortBounds) -> Vec<Vec<(SortId, u32)>> {
    match bounds {
        SortBounds::Fixed(b) => vec![b.clone()],
        SortBounds::Auto => {
            let b = default_bounds(sys);
            if b.is_empty() {
                vec![Vec::new()]
            } else {
                let wider = widen(&b);
                vec![b, wider, Vec::new()]
            }
        }
    }
}

/// The time a query may take: the per-query limit, cut to what is left
/// before the deadline; `None` when the deadline has passed.
fn time_left(opts: &BmcOptions, deadline: Option<Instant>) -> Option<u64> {
    let Some(deadline) = deadline else {
        return Some(opts.timeout_ms);
    };
    let left = deadline
        .saturating_duration_since(Instant::now())
        .as_millis();
    let left = u64::try_from(left).unwrap_or(u64::MAX);
    if left == 0 {
        return None;
    }
    Some(if opts.timeout_ms == 0 {
        left
    } else {
        opts.timeout_ms.min(left)
    })
}

/// How one pass ended.
enum Pass {
    /// Every depth is free of violations.
    Complete,
    /// A violation (or a rejected model).
    Found(BmcResult),
    /// The query of `depth` was not decided.
    Stopped { depth: usize, reason: Reason },
}

/// One pass under `bounds`, in a level of its own of the session.
fn run_pass(
    sys: &System,
    opts: &BmcOptions,
    deadline: Option<Instant>,
    bounds: &[(SortId, u32)],
    solver: &mut impl IncrementalSolver,
    on_depth: &mut impl FnMut(&[(SortId, u32)], usize),
) -> Pass {
    let u = Unrolling::new(
        sys,
        opts.depth,
        bounds,
        opts.property,
        opts.symmetry,
        opts.deadlock.as_ref(),
        opts.lasso.as_ref(),
    );
    solver.push();
    let pass = run_depths(sys, opts, deadline, &u, solver, on_depth);
    solver.pop();
    pass
}

fn run_depths(
    sys: &System,
    opts: &BmcOptions,
    deadline: Option<Instant>,
    u: &Unrolling,
    solver: &mut impl IncrementalSolver,
    on_depth: &mut impl FnMut(&[(SortId, u32)], usize),
) -> Pass {
    // The ground terms whose closure is asserted at the pass's level.
    let mut closed: HashSet<Term> = HashSet::new();
    if !u.quantifier_free {
        // The cardinality axioms stay quantified: they make the grounding
        // of everything else exact.
        solver.assert(&u.sig, &u.bound_axioms);
    }
    assert_closed(u, solver, &u.ground_background, &mut closed);
    let stopped = |depth: usize| Pass::Stopped {
        depth,
        reason: Reason::Timeout,
    };
    for depth in 0..=u.depth {
        if time_left(opts, deadline).is_none() {
            return stopped(depth);
        }
        if let Some(side) = u.ground_side.get(depth) {
            assert_closed(u, solver, side, &mut closed);
        }
        // Nothing is checked at this depth (e.g. `--property` of another step).
        let nothing_checked = matches!(u.failure(depth).1.kind, TermKind::Bool(true));
        let answer = if nothing_checked {
            Answer::Unsat
        } else {
            let failing = u.ground_failure(depth);
            solver.push();
            let mut local = closed.clone();
            assert_closed(u, solver, &failing, &mut local);
            // Grounding and encoding took their time: what is left now.
            let Some(timeout) = time_left(opts, deadline) else {
                solver.pop();
                return stopped(depth);
            };
            let mut a = if u.quantifier_free {
                solver.decide(&u.sig, timeout)
            } else {
                solver.check(&u.sig, timeout)
            };
            if u.quantifier_free && matches!(a, Answer::Sat(_)) {
                // A model where the bound constants name every element.
                solver.assert(&u.sig, &u.bound_axioms);
                a = solver.check(&u.sig, time_left(opts, deadline).unwrap_or(1));
            }
            solver.pop();
            a
        };
        match answer {
            Answer::Unsat => {
                on_depth(&u.bounds, depth);
                if depth < u.depth {
                    let t = u.ground_transition(depth);
                    assert_closed(u, solver, &t, &mut closed);
                }
            }
            Answer::Sat(model) => {
                let q = u.query(depth);
                let mut trace = decode(sys, &q, opts.property, model);
                trace.bounds = u.bounds.clone();
                trace.lasso = opts.lasso.as_ref().map(|g| (g.label, g.span));
                return Pass::Found(match check_trace(sys, &q, trace) {
                    Ok(t) => BmcResult::Violation(t),
                    Err(rejected) => BmcResult::InternalError(rejected),
                });
            }
            Answer::Unknown(reason) => return Pass::Stopped { depth, reason },
        }
    }
    Pass::Complete
}

/// Searches depths 0..=`opts.depth`, pass after pass (see
/// [`SortBounds`]); stops at the first violation, or when the first pass
/// cannot decide a depth, or when a later pass stops. `on_depth` is called
/// with the pass's bounds after each depth of each pass is shown to have
/// no violation.
pub fn search(
    sys: &System,
    opts: &BmcOptions,
    solver: &mut impl IncrementalSolver,
    mut on_depth: impl FnMut(&[(SortId, u32)], usize),
) -> BmcResult {
    let mut covered = Vec::new();
    for (i, bounds) in passes(sys, &opts.bounds).into_iter().enumerate() {
        let deadline = match (i, opts.deadline, opts.widen_deadline) {
            (0, d, _) => d,
            (_, Some(a), Some(b)) => Some(a.min(b)),
            (_, a, b) => a.or(b),
        };
        // Without a time limit the search does not widen: the passes after
        // the first (no bounds at last) need not end.
        if i > 0 && deadline.is_none() {
            break;
        }
        match run_pass(sys, opts, deadline, &bounds, solver, &mut on_depth) {
            Pass::Complete => covered.push(Coverage {
                bounds,
                depth: Some(opts.depth),
                stopped: None,
            }),
            Pass::Found(result) => return result,
            Pass::Stopped { depth, reason } => {
                covered.push(Coverage {
                    bounds,
                    depth: depth.checked_sub(1),
                    stopped: Some(reason.clone()),
                });
                if i == 0 {
                    return BmcResult::Unknown {
                        depth,
                        reason,
                        covered,
                    };
                }
                break;
            }
        }
    }
    BmcResult::NoViolation {
        depth: opts.depth,
        covered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::ViolationKind;
    use ivyc_logic::brute::{BruteForce, BruteSession};
    use ivyc_logic::{Action, Cmd, Property, Role, Value, Var};

    /// `relation r(node)`, init `r(X) := false`, exported `set(n)` doing
    /// `r(n) := true` (and, with `two`, `clear` doing `r(X) := false`);
    /// invariant `r(X) & r(Y) -> X = Y`: violated after two `set`s.
    fn system(two: bool) -> System {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let n = sig.fresh_symbol(Symbol::intern("set.n"), vec![], node, Role::Local);
        let x = Var::new("X", node);
        let y = Var::new("Y", node);
        let mut sys = System::new(sig);
        sys.init = Cmd::assign(r, vec![x], Term::fls());
        let rx = Term::app_vars(r, &[x]);
        let set = Cmd::assign(
            r,
            vec![x],
            Term::or([Term::eq(Term::var(x), Term::constant(n)), rx.clone()]),
        );
        let action = |name: &str, params, body| Action {
            name: Symbol::intern(name),
            params,
            returns: vec![],
            body,
            span: None,
            exported: true,
            internal: false,
        };
        sys.actions.push(action("set", vec![n], set));
        if two {
            sys.actions.push(action(
                "clear",
                vec![],
                Cmd::assign(r, vec![x], Term::fls()),
            ));
        }
        let inv = Term::forall(
            vec![x, y],
            Term::implies(
                Term::and([rx, Term::app_vars(r, &[y])]),
                Term::eq(Term::var(x), Term::var(y)),
            ),
        );
        sys.invariants.push(Property::new(Some("one"), inv, None));
        sys
    }

    fn brute() -> BruteForce {
        BruteForce {
            max_universe: 2,
            max_models: 5_000_000,
            exhaustive_means_unsat: true,
        }
    }

    fn session() -> BruteSession {
        BruteSession::new(brute())
    }

    #[test]
    fn tags_follow_the_preorder_of_assertions() {
        let sys = system(true);
        let u = unroll(&sys, 2);
        assert_eq!(u.tags.len(), u.cmd.assertions().len());
        // init: state marker, invariant; per step: 2 action starts, state, invariant.
        assert_eq!(u.tags.len(), 2 + 2 * 4);
        assert_eq!(u.selectors.len(), 2);
        assert_eq!(
            u.exclusions.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![1, 1],
            "one exclusion per step"
        );
    }

    #[test]
    fn shortest_violation_is_found_at_depth_two() {
        let sys = system(false);
        let opts = BmcOptions {
            depth: 3,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let mut safe = Vec::new();
        let r = search(&sys, &opts, &mut session(), |_, d| safe.push(d));
        assert_eq!(safe, vec![0, 1]);
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.depth, 2);
        assert_eq!(t.steps.len(), 2);
        let v = t.violation.as_ref().expect("identified violation");
        assert_eq!(v.kind, ViolationKind::Invariant);
        assert_eq!(v.step, 2);
        assert_eq!(v.label, Some(Symbol::intern("one")));
        // The two steps set different nodes.
        let a0 = &t.steps[0].args[0].1;
        let a1 = &t.steps[1].args[0].1;
        assert!(a0.is_some() && a0 != a1, "{a0:?} {a1:?}");
    }

    #[test]
    fn no_violation_below_the_bug_depth() {
        let sys = system(false);
        let opts = BmcOptions {
            depth: 1,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut session(), |_, _| {});
        assert!(
            matches!(r, BmcResult::NoViolation { depth: 1, .. }),
            "{r:?}"
        );
    }

    #[test]
    fn a_bound_of_one_hides_the_bug() {
        let sys = system(false);
        let node = sys.sig.lookup_sort("node").expect("node");
        let opts = BmcOptions {
            depth: 2,
            bounds: SortBounds::Fixed(vec![(node, 1)]),
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut session(), |_, _| {});
        assert!(matches!(r, BmcResult::NoViolation { .. }), "{r:?}");
    }

    #[test]
    fn default_bounds_find_the_bug_and_say_under_which_bounds() {
        let sys = system(false);
        let node = sys.sig.lookup_sort("node").expect("node");
        assert_eq!(
            passes(&sys, &SortBounds::Auto),
            vec![vec![(node, 2)], vec![(node, 3)], vec![]]
        );
        let opts = BmcOptions {
            depth: 3,
            bounds: SortBounds::Auto,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let mut seen = Vec::new();
        let r = search(&sys, &opts, &mut session(), |b, d| {
            seen.push((b.to_vec(), d))
        });
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.depth, 2);
        assert_eq!(t.bounds, vec![(node, 2)]);
        assert_eq!(seen, vec![(vec![(node, 2)], 0), (vec![(node, 2)], 1)]);
        // Without a deadline only the first pass runs.
        let opts = BmcOptions { depth: 1, ..opts };
        let r = search(&sys, &opts, &mut session(), |_, _| {});
        let BmcResult::NoViolation { covered, .. } = r else {
            panic!("expected no violation, got {r:?}");
        };
        assert_eq!(
            covered,
            vec![Coverage {
                bounds: vec![(node, 2)],
                depth: Some(1),
                stopped: None
            }]
        );
    }

    #[test]
    fn symmetry_breaking_keeps_the_bug() {
        // The bug needs two distinct nodes: with symmetry broken the two
        // `set` steps must use c1 then c2, and that is still found.
        let sys = system(false);
        let node = sys.sig.lookup_sort("node").expect("node");
        for symmetry in [true, false] {
            let opts = BmcOptions {
                depth: 2,
                bounds: SortBounds::Fixed(vec![(node, 2)]),
                timeout_ms: 1000,
                symmetry,
                ..BmcOptions::default()
            };
            let r = search(&sys, &opts, &mut session(), |_, _| {});
            assert!(matches!(r, BmcResult::Violation(_)), "{symmetry}: {r:?}");
        }
    }

    #[test]
    fn property_selects_the_checks() {
        let sys = system(false);
        let opts = |p: &str| BmcOptions {
            depth: 2,
            property: Some(Symbol::intern(p)),
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts("one"), &mut session(), |_, _| {});
        assert!(matches!(r, BmcResult::Violation(_)), "{r:?}");
        let r = search(&sys, &opts("other"), &mut session(), |_, _| {});
        assert!(matches!(r, BmcResult::NoViolation { .. }), "{r:?}");
        assert!(has_property(&sys, Symbol::intern("one")));
        assert!(!has_property(&sys, Symbol::intern("other")));
    }

    #[test]
    fn selectors_name_the_action_taken() {
        let sys = system(true);
        let q = query(&sys, &BmcOptions::default(), 1);
        assert_eq!(q.hidden.len(), 2);
        // A failing assertion checked in `clear` is reported in `clear`.
        let mut sys = sys;
        let info = AssertInfo::new(AssertKind::Assert, None);
        sys.actions[1].body =
            Cmd::seq([sys.actions[1].body.clone(), Cmd::Assert(Term::fls(), info)]);
        sys.invariants.clear();
        let opts = BmcOptions {
            depth: 1,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut session(), |_, _| {});
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.steps.len(), 1);
        assert_eq!(t.steps[0].action, Symbol::intern("clear"));
        let v = t.violation.expect("violation");
        assert_eq!(v.kind, ViolationKind::Assertion(AssertKind::Assert));
        assert_eq!(v.action, Some(Symbol::intern("clear")));
    }

    #[test]
    fn deadlocks_are_found_at_the_shortest_depth() {
        // `set(n)` requires `~r(n)`: once every node is set nothing is
        // enabled. With one node that happens after one step.
        let mut sys = system(false);
        let n = sys.actions[0].params[0];
        let r = sys.sig.state_symbols()[0];
        let info = AssertInfo::new(AssertKind::Require, None);
        sys.actions[0].body = Cmd::seq([
            Cmd::Assert(Term::not(Term::app(r, vec![Term::constant(n)])), info),
            sys.actions[0].body.clone(),
        ]);
        sys.invariants.clear();
        let deadlock = ivyc_logic::enabled::deadlock(&sys).expect("formula");
        let node = sys.sig.lookup_sort("node").expect("node");
        let opts = |depth: usize| BmcOptions {
            depth,
            bounds: SortBounds::Fixed(vec![(node, 2)]),
            timeout_ms: 1000,
            deadlock: Some(deadlock.clone()),
            ..BmcOptions::default()
        };
        let r0 = search(&sys, &opts(0), &mut session(), |_, _| {});
        assert!(matches!(r0, BmcResult::NoViolation { .. }), "{r0:?}");
        let r2 = search(&sys, &opts(2), &mut session(), |_, _| {});
        let BmcResult::Violation(t) = r2 else {
            panic!("expected a deadlock, got {r2:?}");
        };
        assert!(t.deadlock);
        assert_eq!(t.depth, 1);
        assert!(t.violation.is_none());
        assert_eq!(t.check, ivyc_vc::ModelCheck::Checked);
        // Without the require, `set` is always enabled.
        let free = system(false);
        let deadlock = ivyc_logic::enabled::deadlock(&free).expect("formula");
        let opts = BmcOptions {
            deadlock: Some(deadlock),
            ..opts(2)
        };
        let r = search(&free, &opts, &mut session(), |_, _| {});
        assert!(matches!(r, BmcResult::NoViolation { .. }), "{r:?}");
    }

    #[test]
    fn traces_are_replayed_and_corrupted_ones_rejected() {
        let sys = system(false);
        let opts = BmcOptions {
            depth: 2,
            timeout_ms: 1000,
            ..BmcOptions::default()
        };
        let r = search(&sys, &opts, &mut session(), |_, _| {});
        let BmcResult::Violation(t) = r else {
            panic!("expected a violation, got {r:?}");
        };
        assert_eq!(t.check, ivyc_vc::ModelCheck::Checked);
        assert_eq!(t.chosen.len(), t.depth);
        // The same search with every model corrupted: never a trace.
        let r = search(
            &sys,
            &opts,
            &mut ivyc_vc::CorruptingSession::new(session()),
            |_, _| {},
        );
        let BmcResult::InternalError(rejected) = r else {
            panic!("expected an internal error, got {r:?}");
        };
        assert_eq!(rejected.subject, ivyc_vc::Subject::Trace { depth: 2 });
        assert!(rejected.message().contains("does not satisfy"));
        // A hand-corrupted model: every version of `r` empty, so no state
        // of the trace violates the invariant (or a step is broken).
        let q = query(&sys, &opts, 2);
        let mut m = t.model.clone();
        for (&s, interp) in m.interps.iter_mut() {
            if q.sig.symbol_name(s).starts_with("r#") {
                interp
                    .entries
                    .values_mut()
                    .for_each(|v| *v = Value::Bool(false));
            }
        }
        let bad = crate::trace::decode(&sys, &q, None, m);
        let rejected = crate::check::check_trace(&sys, &q, bad).expect_err("rejected");
        assert!(
            matches!(
                rejected.formula.role,
                ivyc_vc::FormulaRole::Violation { depth: 2 } | ivyc_vc::FormulaRole::Step { .. }
            ),
            "{rejected:?}"
        );
    }
}
