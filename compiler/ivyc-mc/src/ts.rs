//! The finite transition system of a unit: the initializer and one step
//! (a choice of the exported actions, arguments and locals havocked, the
//! invariants proved elsewhere assumed after it) in passive form, each as
//! a transition formula and a failure formula (some checked assertion
//! fails), the invariants, and the axioms — all flattened over the finite
//! sorts into formulas over scalar state symbols.

use crate::error::McError;
use crate::flatten::{is_finite, Flattener};
use ivyc_logic::passive::{passify, AssertMode, Versions};
use ivyc_logic::{
    AssertInfo, AssertKind, Cmd, Role, Signature, SortId, SymId, System, Term, TermKind,
};
use std::collections::BTreeSet;

/// A finite transition system over scalar state symbols.
#[derive(Clone, Debug)]
pub struct FiniteSystem {
    /// The unit's signature plus SSA versions and scalars.
    pub sig: Signature,
    /// The state scalars (pre-state names), in a fixed order: every
    /// argument tuple of every state and rigid symbol the unit uses.
    pub state: Vec<SymId>,
    /// Axioms, properties and lemmas (they constrain the rigid scalars).
    pub background: Term,
    /// The initializer with its checked assertions holding, from the
    /// arbitrary values of `state` to `init_post`.
    pub init: Term,
    /// The scalar holding each state scalar's value after the initializer
    /// (the same symbol when the initializer does not change it).
    pub init_post: Vec<SymId>,
    /// The initializer fails a checked assertion.
    pub init_fail: Term,
    /// One step (no checked assertion failing), from `state` to `trans_post`.
    pub trans: Term,
    pub trans_post: Vec<SymId>,
    /// One step from `state` fails a checked assertion.
    pub trans_fail: Term,
    /// The unit's invariants over `state`, in order.
    pub invariants: Vec<Term>,
}

/// How many state scalars each original symbol contributes, for reports.
pub fn state_bits(fs: &FiniteSystem) -> usize {
    fs.state.len()
}

/// The `Local` symbols an action mentions (parameters, returns, locals of
/// inlined callees): havocked at the start of the step.
pub(crate) fn locals_of(sig: &Signature, a: &ivyc_logic::Action) -> Vec<SymId> {
    let mut out: Vec<SymId> = a.params.iter().chain(&a.returns).copied().collect();
    let add = |s: SymId, out: &mut Vec<SymId>| {
        if sig.symbol(s).role == Role::Local && !out.contains(&s) {
            out.push(s);
        }
    };
    a.body.visit(&mut |c| match c {
        Cmd::Assume(t) | Cmd::Assert(t, _) => {
            t.symbols().into_iter().for_each(|s| add(s, &mut out))
        }
        Cmd::Assign { sym, value, .. } => {
            add(*sym, &mut out);
            value.symbols().into_iter().for_each(|s| add(s, &mut out));
        }
        Cmd::Havoc(sym) => add(*sym, &mut out),
        Cmd::Skip | Cmd::Seq(_) | Cmd::Choice(_) => {}
    });
    out
}

/// The step command: a choice of the exported actions (locals havocked),
/// then the invariants proved elsewhere assumed (as `ivyc bmc` does).
pub fn step_command(sys: &System) -> Cmd {
    let branches: Vec<Cmd> = sys
        .actions
        .iter()
        .filter(|a| a.exported)
        .map(|a| {
            let mut b: Vec<Cmd> = locals_of(&sys.sig, a).into_iter().map(Cmd::Havoc).collect();
            b.push(a.body.clone());
            Cmd::Seq(b)
        })
        .collect();
    step_of_branches(sys, branches)
}

/// A choice of `branches` (one per exported action of `sys`), then the
/// invariants proved elsewhere assumed; no step at all without branches.
pub(crate) fn step_of_branches(sys: &System, branches: Vec<Cmd>) -> Cmd {
    if branches.is_empty() {
        return Cmd::Assume(Term::fls());
    }
    let mut items = vec![Cmd::Choice(branches)];
    items.extend(
        sys.assumed
            .iter()
            .chain(&sys.nested)
            .map(|p| Cmd::Assume(p.formula.clone())),
    );
    Cmd::Seq(items)
}

/// Assertions of the initializer are all checked; in a step, the
/// `require`s of the exported actions are the environment's promise.
pub(crate) fn init_mode(_: &AssertInfo, _: usize) -> AssertMode {
    AssertMode::Check
}

pub(crate) fn step_mode(info: &AssertInfo, _: usize) -> AssertMode {
    if info.kind == AssertKind::Require {
        AssertMode::Assume
    } else {
        AssertMode::Check
    }
}

/// Every formula of the system, for collecting the symbols it uses.
pub(crate) fn all_terms(sys: &System) -> Vec<Term> {
    let mut out: Vec<Term> = sys
        .axioms
        .iter()
        .chain(&sys.invariants)
        .chain(&sys.assumed)
        .chain(&sys.nested)
        .chain(&sys.properties)
        .chain(&sys.lemmas)
        .map(|p| p.formula.clone())
        .collect();
    let mut cmds = vec![&sys.init];
    cmds.extend(sys.actions.iter().filter(|a| a.exported).map(|a| &a.body));
    for c in cmds {
        c.visit(&mut |c| match c {
            Cmd::Assume(t) | Cmd::Assert(t, _) => out.push(t.clone()),
            Cmd::Assign { sym, value, .. } => {
                out.push(value.clone());
                out.push(Term::constant(*sym));
            }
            Cmd::Havoc(s) => out.push(Term::constant(*s)),
            _ => {}
        });
    }
    out
}

/// Builds the finite transition system of `sys`, or says why it has none.
pub fn build(sys: &System) -> Result<FiniteSystem, McError> {
    // ms-ivy: "model checking not supported for property yet".
    if let Some(p) = sys.properties.first() {
        return Err(McError::Unsupported {
            what: "a `property` to prove (ms-ivy refuses it too)".into(),
            span: p.span,
        });
    }
    let mut sig = sys.sig.clone();
    let pinit = passify(&mut sig, &sys.init);
    let step = step_command(sys);
    let pstep = passify(&mut sig, &step);

    // The state and rigid symbols the unit uses, in id order.
    let mut used: BTreeSet<SymId> = BTreeSet::new();
    for t in all_terms(sys) {
        used.extend(t.symbols());
    }
    let mut fl = Flattener::new(sig);
    let mut state = Vec::new();
    let mut init_post = Vec::new();
    let mut trans_post = Vec::new();
    for &s in &used {
        let d = fl.sig.symbol(s).clone();
        if !matches!(d.role, Role::State | Role::Rigid) {
            continue;
        }
        if !is_finite(&fl.sig, d.ret) {
            return Err(infinite(&fl.sig, s, d.ret));
        }
        let post = |v: &Versions| v.get(&s).copied().unwrap_or(s);
        let (pi, ps) = (post(&pinit.final_versions), post(&pstep.final_versions));
        for (scalar, vals, idx) in fl.all_scalars(s, d.span)? {
            state.push(scalar);
            init_post.push(fl.scalar(pi, &vals, idx.clone()));
            trans_post.push(fl.scalar(ps, &vals, idx));
        }
    }
    let background = fl.flat(&Term::and(
        sys.axioms
            .iter()
            .chain(&sys.lemmas)
            .map(|p| p.formula.clone()),
    ))?;
    let init = fl.flat(&pinit.body.transition(&init_mode))?;
    let init_fail = fl.flat(&pinit.body.failure(&init_mode))?;
    let trans = fl.flat(&pstep.body.transition(&step_mode))?;
    let trans_fail = fl.flat(&pstep.body.failure(&step_mode))?;
    let mut invariants = Vec::new();
    for p in &sys.invariants {
        invariants.push(fl.flat(&p.formula)?);
    }
    let fs = FiniteSystem {
        sig: fl.sig,
        state,
        background,
        init,
        init_post,
        init_fail,
        trans,
        trans_post,
        trans_fail,
        invariants,
    };
    check_finite(&fs)?;
    Ok(fs)
}

fn infinite(sig: &Signature, s: SymId, sort: SortId) -> McError {
    let d = sig.symbol(s);
    McError::InfiniteSort {
        sort: ivyc_base::Symbol::intern(sig.sort_name(sort)),
        what: format!(
            "the symbol `{}`",
            ivyc_logic::signature::strip_fresh_suffix(d.name.as_str())
        ),
        span: d.span,
    }
}

/// Every symbol left in the flattened formulas is 0-ary of a finite sort
/// (locals and parameters of infinite sorts are refused here).
fn check_finite(fs: &FiniteSystem) -> Result<(), McError> {
    let mut terms = vec![
        &fs.background,
        &fs.init,
        &fs.init_fail,
        &fs.trans,
        &fs.trans_fail,
    ];
    terms.extend(&fs.invariants);
    for t in terms {
        let mut bad = None;
        t.visit(|u| {
            if bad.is_some() {
                return;
            }
            match &u.kind {
                TermKind::App(s, _) => {
                    let d = fs.sig.symbol(*s);
                    if !is_finite(&fs.sig, d.ret) {
                        bad = Some(infinite(&fs.sig, *s, d.ret));
                    }
                }
                TermKind::Num(_, sort) | TermKind::Str(_, sort) if !is_finite(&fs.sig, *sort) => {
                    bad = Some(McError::InfiniteSort {
                        sort: ivyc_base::Symbol::intern(fs.sig.sort_name(*sort)),
                        what: "a literal".into(),
                        span: u.span,
                    });
                }
                _ => {}
            }
        });
        if let Some(e) = bad {
            return Err(e);
        }
    }
    Ok(())
}
