//! The unrolled command of one BMC depth: the initializer, then `depth`
//! steps, each a choice between the exported actions (arguments and locals
//! havocked, a boolean selector per branch so a model says which action
//! ran), with the invariants asserted after init and after every step.
//! Marker assertions (`assert true`) record the SSA versions of the state
//! after each step and of the arguments at the start of each action; the
//! `tags` say what every assertion, by pre-order index, stands for.

use ivyc_base::Symbol;
use ivyc_logic::{AssertInfo, AssertKind, Cmd, Role, Signature, SymId, System, Term};

/// What an assertion of the unrolled command (by pre-order index, the
/// index `passify` gives it) stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// Marker: the state after step `step` (0 = after the initializer).
    State { step: usize },
    /// Marker: the start of `System::actions[action]` at `step` (≥ 1),
    /// after its parameters were havocked.
    ActionStart { step: usize, action: usize },
    /// An assertion of the initializer (`step` 0, `action` None) or of the
    /// action `System::actions[action]` run at `step`.
    Program {
        step: usize,
        action: Option<usize>,
        info: AssertInfo,
    },
    /// `System::invariants[index]` (labelled `label`) in the state after `step`.
    Invariant {
        step: usize,
        index: usize,
        label: Option<Symbol>,
    },
}

impl Tag {
    pub fn step(&self) -> usize {
        match *self {
            Tag::State { step }
            | Tag::ActionStart { step, .. }
            | Tag::Program { step, .. }
            | Tag::Invariant { step, .. } => step,
        }
    }
}

/// The unrolled command with its bookkeeping.
#[derive(Clone, Debug)]
pub struct Unrolled {
    /// The system signature plus the selectors.
    pub sig: Signature,
    pub cmd: Cmd,
    /// One per assertion of `cmd`, in pre-order.
    pub tags: Vec<Tag>,
    /// `selectors[s - 1]`: for step `s`, `(action index, selector)` of each
    /// branch. Empty lists when there is a single exported action.
    pub selectors: Vec<Vec<(usize, SymId)>>,
    /// `exclusions[s - 1]`: at most one selector of step `s` is true.
    pub exclusions: Vec<Vec<Term>>,
}

fn marker(tags: &mut Vec<Tag>, tag: Tag) -> Cmd {
    tags.push(tag);
    Cmd::Assert(Term::tru(), AssertInfo::new(AssertKind::Assert, None))
}

/// Unrolls `sys` to `depth` steps (see the module comment). Only exported
/// actions are steps; invariants proved elsewhere (`System::assumed`) are
/// assumed after every step.
pub fn unroll(sys: &System, depth: usize) -> Unrolled {
    let mut sig = sys.sig.clone();
    let mut tags = Vec::new();
    let exported: Vec<usize> = (0..sys.actions.len())
        .filter(|&i| sys.actions[i].exported)
        .collect();
    let locals: Vec<Vec<SymId>> = exported
        .iter()
        .map(|&i| ivyc_logic::enabled::locals_of(&sys.sig, &sys.actions[i]))
        .collect();
    let mut top = Vec::new();
    let mut selectors = Vec::new();
    let mut exclusions = Vec::new();

    // Step 0: the initializer.
    for (_, info) in sys.init.assertions() {
        tags.push(Tag::Program {
            step: 0,
            action: None,
            info: *info,
        });
    }
    let mut block = vec![sys.init.clone(), marker(&mut tags, Tag::State { step: 0 })];
    block.extend(invariant_checks(sys, 0, &mut tags));
    top.push(Cmd::Seq(block));

    for step in 1..=depth {
        let mut sels = Vec::new();
        let mut branches = Vec::new();
        for (k, &ai) in exported.iter().enumerate() {
            let a = &sys.actions[ai];
            let mut branch = Vec::new();
            if exported.len() > 1 {
                let name = Symbol::intern(&format!("step{step}.{}", a.name));
                let sel = sig.fresh_symbol(name, vec![], ivyc_logic::SortId::BOOL, Role::Rigid);
                sels.push((ai, sel));
                branch.push(Cmd::Assume(Term::constant(sel)));
            }
            branch.extend(locals[k].iter().map(|&l| Cmd::Havoc(l)));
            branch.push(marker(&mut tags, Tag::ActionStart { step, action: ai }));
            for (_, info) in a.body.assertions() {
                tags.push(Tag::Program {
                    step,
                    action: Some(ai),
                    info: *info,
                });
            }
            branch.push(a.body.clone());
            branches.push(Cmd::Seq(branch));
        }
        let mut excl = Vec::new();
        for (i, &(_, a)) in sels.iter().enumerate() {
            for &(_, b) in &sels[i + 1..] {
                excl.push(Term::not(Term::and([Term::constant(a), Term::constant(b)])));
            }
        }
        exclusions.push(excl);
        selectors.push(sels);
        let mut block = vec![
            Cmd::Choice(branches),
            marker(&mut tags, Tag::State { step }),
        ];
        block.extend(
            sys.assumed
                .iter()
                .chain(&sys.nested)
                .map(|p| Cmd::Assume(p.formula.clone())),
        );
        block.extend(invariant_checks(sys, step, &mut tags));
        top.push(Cmd::Seq(block));
    }
    Unrolled {
        sig,
        cmd: Cmd::Seq(top),
        tags,
        selectors,
        exclusions,
    }
}

fn invariant_checks(sys: &System, step: usize, tags: &mut Vec<Tag>) -> Vec<Cmd> {
    sys.invariants
        .iter()
        .enumerate()
        .map(|(index, inv)| {
            tags.push(Tag::Invariant {
                step,
                index,
                label: inv.label,
            });
            let mut info = AssertInfo::new(AssertKind::Assert, inv.span);
            info.label = inv.label;
            Cmd::Assert(inv.formula.clone(), info)
        })
        .collect()
}
