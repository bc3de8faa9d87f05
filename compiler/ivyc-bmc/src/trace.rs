//! A violating execution decoded from a model of a BMC query: universes,
//! parameters, the state after init and after every step, the action and
//! arguments of every step, and the violated invariant or assertion (or,
//! for a deadlock, none: the last state has no enabled action).

use crate::search::{mode_of, Query};
use crate::unroll::Tag;
use ivyc_base::{Span, Symbol};
use ivyc_logic::model::{Model, Value};
use ivyc_logic::passive::{AssertMode, PNode, Versions};
use ivyc_logic::{AssertInfo, AssertKind, Signature, SortId, SymId, System, Term};
use ivyc_vc::{rigid_tables, state_table, universes, ModelCheck, SymbolTable};
use std::collections::HashMap;

/// What was violated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    Invariant,
    /// An `assert`, `ensure`, call-site `require`, loop invariant, or a
    /// `require` of the initializer.
    Assertion(AssertKind),
}

/// The violated property and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub kind: ViolationKind,
    pub label: Option<Symbol>,
    pub span: Option<Span>,
    /// The formula over the system vocabulary.
    pub formula: Term,
    /// The step at which it fails (0 = in or right after the initializer).
    pub step: usize,
    /// The action running when an assertion fails (None: the initializer
    /// or an invariant after the step).
    pub action: Option<Symbol>,
}

/// One action step of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub action: Symbol,
    pub action_span: Option<Span>,
    /// Parameters (system symbols) and their values.
    pub args: Vec<(SymId, Option<Value>)>,
    /// Every state symbol after the step (at the failing assertion for the
    /// last step when an assertion of the action fails).
    pub state: Vec<SymbolTable>,
}

/// A violating execution of a system.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Number of action steps.
    pub depth: usize,
    /// The query signature (names every symbol and value of the trace).
    pub sig: Signature,
    pub universes: Vec<(SortId, Vec<Value>)>,
    /// Immutable symbols of the system (parameters, numerals, orders).
    pub rigid: Vec<SymbolTable>,
    /// Every state symbol after the initializer (at the failing assertion if
    /// one of the initializer fails).
    pub initial: Vec<SymbolTable>,
    pub steps: Vec<Step>,
    /// `None` only if the model did not say which check failed (a model the
    /// evaluator cannot handle, e.g. quantifiers over integers).
    pub violation: Option<Violation>,
    /// The action chosen at each step `1..=depth` (index into
    /// `System::actions`), as the model's selectors say.
    pub chosen: Vec<Option<usize>>,
    /// The raw model of the query.
    pub model: Model,
    /// What the replay of the model in the evaluator found
    /// (`crate::check`; `Checked` until it has run).
    pub check: ModelCheck,
    /// The bounds the search ran under when it found the trace (sorts not
    /// listed: any number of elements).
    pub bounds: Vec<(SortId, u32)>,
    /// A deadlock trace (`ivyc bmc --deadlock`): no exported action is
    /// enabled in the last state; `violation` is `None`.
    pub deadlock: bool,
    /// A lasso (`ivyc bmc --liveness`): the loop starts at the state after
    /// this step (0: the initial state) and the last step returns to it;
    /// `violation` is `None`.
    pub loop_start: Option<usize>,
    /// For a lasso: the label and span of the temporal property it
    /// refutes.
    pub lasso: Option<(Option<Symbol>, Option<Span>)>,
}

/// Every assertion node of the passive body: (index, formula, versions).
pub(crate) fn assert_nodes<'a>(n: &'a PNode, out: &mut Vec<(usize, &'a Term, &'a Versions)>) {
    match n {
        PNode::Assert {
            formula,
            index,
            versions,
            ..
        } => out.push((*index, formula, versions)),
        PNode::Seq(xs) | PNode::Choice(xs) => xs.iter().for_each(|x| assert_nodes(x, out)),
        PNode::Assume(_) => {}
    }
}

enum Run {
    Continue,
    Blocked,
    Failed(usize),
}

/// Runs a passive node in the model: which checked assertion fails first
/// on an execution the model describes. Formulas the evaluator cannot
/// decide count as true (assumptions) / not failing (checks).
fn run(
    n: &PNode,
    model: &Model,
    sig: &Signature,
    mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
) -> Run {
    let holds = |t: &Term| !matches!(model.eval_bool(sig, t), Ok(false));
    match n {
        PNode::Assume(t) => {
            if holds(t) {
                Run::Continue
            } else {
                Run::Blocked
            }
        }
        PNode::Assert {
            formula,
            info,
            index,
            ..
        } => match mode(info, *index) {
            AssertMode::Ignore => Run::Continue,
            AssertMode::Assume if holds(formula) => Run::Continue,
            AssertMode::Assume => Run::Blocked,
            AssertMode::Check if holds(formula) => Run::Continue,
            AssertMode::Check => Run::Failed(*index),
        },
        PNode::Seq(xs) => {
            for x in xs {
                match run(x, model, sig, mode) {
                    Run::Continue => {}
                    other => return other,
                }
            }
            Run::Continue
        }
        PNode::Choice(xs) => {
            let mut any = false;
            for x in xs {
                match run(x, model, sig, mode) {
                    Run::Failed(i) => return Run::Failed(i),
                    Run::Continue => any = true,
                    Run::Blocked => {}
                }
            }
            if any {
                Run::Continue
            } else {
                Run::Blocked
            }
        }
    }
}

/// The failing check: run the blocks that contain checks (the earlier
/// ones hold in the model: they are hypotheses of the query).
fn failing_index(q: &Query, model: &Model, property: Option<Symbol>) -> Option<usize> {
    let tags = &q.unrolled.tags;
    let mode = |_: &AssertInfo, i: usize| mode_of(tags.get(i), q.depth, property, q.whole_steps());
    let blocks: Vec<&PNode> = match &q.passive.body {
        PNode::Seq(xs) => xs.iter().collect(),
        other => vec![other],
    };
    for b in blocks.into_iter().filter(|b| b.has_check(&mode)) {
        if let Run::Failed(i) = run(b, model, &q.sig, &mode) {
            return Some(i);
        }
    }
    None
}

fn tables(
    sys: &System,
    sig: &Signature,
    model: &Model,
    state: &[SymId],
    v: Option<&Versions>,
) -> Vec<SymbolTable> {
    let ren: HashMap<SymId, SymId> = v
        .map(|v| v.iter().map(|(&a, &b)| (a, b)).collect())
        .unwrap_or_default();
    state
        .iter()
        .map(|&s| state_table(sig, model, &sys.definitions, s, &ren))
        .collect()
}

/// Decodes a model of the query `q` into a trace.
pub fn decode(sys: &System, q: &Query, property: Option<Symbol>, model: Model) -> Trace {
    let sig = &q.sig;
    let tags = &q.unrolled.tags;
    let mut nodes = Vec::new();
    assert_nodes(&q.passive.body, &mut nodes);
    let versions: HashMap<usize, &Versions> = nodes.iter().map(|&(i, _, v)| (i, v)).collect();
    let tag_versions = |want: &Tag| -> Option<&Versions> {
        tags.iter()
            .position(|t| t == want)
            .and_then(|i| versions.get(&i).copied())
    };
    let state = sys.sig.state_symbols();
    let universes = universes(sig, &model);
    // The system's rigid symbols only (the unrolling adds rigid selectors).
    let rigid = rigid_tables(&sys.sig, sig, &model, &sys.definitions);

    let failing = failing_index(q, &model, property);
    let violation = failing.and_then(|i| match tags.get(i)? {
        Tag::Program { step, action, info } => Some(Violation {
            kind: ViolationKind::Assertion(info.kind),
            label: info.label,
            span: info.span,
            formula: sys_formula(sys, *action, i, tags),
            step: *step,
            action: action.and_then(|a| sys.actions.get(a)).map(|a| a.name),
        }),
        Tag::Invariant { step, index, .. } => {
            let inv = sys.invariants.get(*index)?;
            Some(Violation {
                kind: ViolationKind::Invariant,
                label: inv.label,
                span: inv.span,
                formula: inv.formula.clone(),
                step: *step,
                action: None,
            })
        }
        _ => None,
    });
    // The state shown for the last step: at the failing assertion if one
    // of the action (or initializer) fails, else after the step.
    let at_failure = match (failing, &violation) {
        (Some(i), Some(v)) if matches!(v.kind, ViolationKind::Assertion(_)) => {
            versions.get(&i).copied()
        }
        _ => None,
    };
    let state_after = |step: usize| -> Option<&Versions> {
        if step == q.depth && at_failure.is_some() {
            at_failure
        } else {
            tag_versions(&Tag::State { step })
        }
    };
    let initial = tables(sys, sig, &model, &state, state_after(0));
    let mut steps = Vec::new();
    let mut chosen_all = Vec::new();
    for step in 1..=q.depth {
        let sels = q.unrolled.selectors.get(step - 1);
        let chosen = match sels {
            Some(s) if !s.is_empty() => s
                .iter()
                .find(|&&(_, sel)| model.lookup(sel, &[]) == Some(&Value::Bool(true)))
                .map(|&(a, _)| a),
            _ => sys.actions.iter().position(|a| a.exported),
        };
        chosen_all.push(chosen);
        let Some(ai) = chosen else { continue };
        let Some(a) = sys.actions.get(ai) else {
            continue;
        };
        let start = tag_versions(&Tag::ActionStart { step, action: ai });
        let args = a
            .params
            .iter()
            .map(|&p| {
                let v = start.and_then(|v| v.get(&p)).copied().unwrap_or(p);
                (p, model.lookup(v, &[]).cloned())
            })
            .collect();
        steps.push(Step {
            action: a.name,
            action_span: a.span,
            args,
            state: tables(sys, sig, &model, &state, state_after(step)),
        });
    }
    let loop_start = q.loops.as_ref().and_then(|ls| {
        ls.iter()
            .position(|&l| model.lookup(l, &[]) == Some(&Value::Bool(true)))
    });
    Trace {
        depth: q.depth,
        sig: q.sig.clone(),
        universes,
        rigid,
        initial,
        steps,
        violation,
        chosen: chosen_all,
        model,
        check: ModelCheck::Checked,
        bounds: Vec::new(),
        deadlock: q.deadlock,
        loop_start,
        lasso: None,
    }
}

/// The source formula of the program assertion with unrolled index `i`:
/// its position among the assertions of its command.
fn sys_formula(sys: &System, action: Option<usize>, i: usize, tags: &[Tag]) -> Term {
    let (step, cmd) = match tags.get(i) {
        Some(Tag::Program { step, .. }) => match action {
            None => (*step, &sys.init),
            Some(a) => match sys.actions.get(a) {
                Some(act) => (*step, &act.body),
                None => return Term::tru(),
            },
        },
        _ => return Term::tru(),
    };
    let first = tags
        .iter()
        .position(
            |t| matches!(t, Tag::Program { step: s, action: a, .. } if *s == step && *a == action),
        )
        .unwrap_or(i);
    cmd.assertions()
        .get(i - first)
        .map(|(t, _)| (*t).clone())
        .unwrap_or_else(Term::tru)
}
