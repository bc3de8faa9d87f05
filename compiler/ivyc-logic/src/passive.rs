//! Passive (SSA) form of guarded commands: every assignment or havoc
//! introduces a fresh version of the symbol constrained by a definitional
//! equation, so the transition formula and failure formula of a command are
//! linear in its size and a model shows every intermediate state.

use crate::cmd::{AssertInfo, Cmd};
use crate::signature::{Signature, SymId};
use crate::sort::SortId;
use crate::term::Term;
use std::collections::{BTreeMap, HashMap};

/// Current version of each symbol modified so far (absent = original).
pub type Versions = BTreeMap<SymId, SymId>;

/// A command in passive form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PNode {
    /// A constraint: an `assume`, the definitional equation of an assignment
    /// (`forall X. r#1(X) <-> phi(X)`), or a join equation of a choice.
    Assume(Term),
    /// An assertion, its formula over the versions current at that point.
    Assert {
        formula: Term,
        info: AssertInfo,
        /// Pre-order index of the assertion in the original command (the
        /// order of [`Cmd::assertions`]).
        index: usize,
        /// The symbol versions current at the assertion.
        versions: Versions,
    },
    Seq(Vec<PNode>),
    /// Branches; each ends with the equations joining its versions with the
    /// versions after the choice.
    Choice(Vec<PNode>),
}

/// A passified command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passive {
    pub body: PNode,
    /// Final version of every symbol the command modifies.
    pub final_versions: Versions,
}

/// How the passive encodings treat one assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertMode {
    /// As `skip`: neither assumed nor checked (Ivy's treatment of program
    /// assertions when checking invariant preservation).
    Ignore,
    /// As `assume`.
    Assume,
    /// A failure point.
    Check,
}

/// Converts `cmd` to passive form; fresh versions `r#k` (same role as `r`)
/// are added to `sig`.
pub fn passify(sig: &mut Signature, cmd: &Cmd) -> Passive {
    let mut versions = Versions::new();
    let mut index = 0usize;
    let body = passify_rec(sig, cmd, &mut versions, &mut index);
    Passive {
        body,
        final_versions: versions,
    }
}

fn rename_map(v: &Versions) -> HashMap<SymId, SymId> {
    v.iter().map(|(&a, &b)| (a, b)).collect()
}

fn current(v: &Versions, s: SymId) -> SymId {
    v.get(&s).copied().unwrap_or(s)
}

/// `forall X. new(X) = old(X)` (`<->` for relations).
fn equal_symbols(sig: &Signature, new: SymId, old: SymId) -> Term {
    let d = sig.symbol(new);
    let params: Vec<crate::term::Var> = d
        .args
        .iter()
        .enumerate()
        .map(|(i, &s)| crate::term::Var::new(&format!("X{i}"), s))
        .collect();
    let l = Term::app_vars(new, &params);
    let r = Term::app_vars(old, &params);
    let body = if d.ret == SortId::BOOL {
        Term::iff(l, r)
    } else {
        Term::eq(l, r)
    };
    Term::forall(params, body)
}

fn passify_rec(sig: &mut Signature, cmd: &Cmd, v: &mut Versions, index: &mut usize) -> PNode {
    match cmd {
        Cmd::Skip => PNode::Seq(vec![]),
        Cmd::Assume(q) => PNode::Assume(q.rename_symbols(&rename_map(v))),
        Cmd::Assert(q, info) => {
            let i = *index;
            *index += 1;
            PNode::Assert {
                formula: q.rename_symbols(&rename_map(v)),
                info: *info,
                index: i,
                versions: v.clone(),
            }
        }
        Cmd::Assign { sym, params, value } => {
            let value = value.rename_symbols(&rename_map(v));
            let role = sig.symbol(*sym).role;
            let new = sig.fresh_copy(*sym, role);
            v.insert(*sym, new);
            let lhs = Term::app_vars(new, params);
            let eq = if sig.symbol(new).ret == SortId::BOOL {
                Term::iff(lhs, value)
            } else {
                Term::eq(lhs, value)
            };
            PNode::Assume(Term::forall(params.clone(), eq))
        }
        Cmd::Havoc(sym) => {
            let role = sig.symbol(*sym).role;
            let new = sig.fresh_copy(*sym, role);
            v.insert(*sym, new);
            PNode::Seq(vec![])
        }
        Cmd::Seq(cs) => PNode::Seq(cs.iter().map(|c| passify_rec(sig, c, v, index)).collect()),
        Cmd::Choice(cs) => {
            let start = v.clone();
            let mut branches = Vec::with_capacity(cs.len());
            let mut ends = Vec::with_capacity(cs.len());
            for c in cs {
                let mut bv = start.clone();
                branches.push(passify_rec(sig, c, &mut bv, index));
                ends.push(bv);
            }
            // Symbols whose version differs between branches get a join version.
            let mut changed: Vec<SymId> = Vec::new();
            for e in &ends {
                for (&s, &ver) in e {
                    if start.get(&s) != Some(&ver) && !changed.contains(&s) {
                        changed.push(s);
                    }
                }
            }
            changed.sort();
            let mut joins = Vec::new();
            for &s in &changed {
                let role = sig.symbol(s).role;
                let j = sig.fresh_copy(s, role);
                joins.push((s, j));
            }
            let branches = branches
                .into_iter()
                .zip(&ends)
                .map(|(b, e)| {
                    if ends_in_false(&b) || joins.is_empty() {
                        return b;
                    }
                    let mut items = match b {
                        PNode::Seq(xs) => xs,
                        other => vec![other],
                    };
                    for &(s, j) in &joins {
                        items.push(PNode::Assume(equal_symbols(sig, j, current(e, s))));
                    }
                    PNode::Seq(items)
                })
                .collect();
            for (s, j) in joins {
                v.insert(s, j);
            }
            PNode::Choice(branches)
        }
    }
}

/// True if the node certainly blocks (contains a top-level `assume false`).
fn ends_in_false(n: &PNode) -> bool {
    match n {
        PNode::Assume(t) => t.is_false(),
        PNode::Seq(xs) => xs.iter().any(ends_in_false),
        _ => false,
    }
}

impl PNode {
    /// True if some assertion below is treated as `Check`.
    pub fn has_check(&self, mode: &impl Fn(&AssertInfo, usize) -> AssertMode) -> bool {
        match self {
            PNode::Assume(_) => false,
            PNode::Assert { info, index, .. } => mode(info, *index) == AssertMode::Check,
            PNode::Seq(xs) | PNode::Choice(xs) => xs.iter().any(|x| x.has_check(mode)),
        }
    }

    /// The normal-termination formula `N`: relates the original symbols
    /// with all versions; satisfiable exactly by the executions that reach
    /// the end (checked assertions are assumed to pass).
    pub fn transition(&self, mode: &impl Fn(&AssertInfo, usize) -> AssertMode) -> Term {
        match self {
            PNode::Assume(t) => t.clone(),
            PNode::Assert {
                formula,
                info,
                index,
                ..
            } => match mode(info, *index) {
                AssertMode::Ignore => Term::tru(),
                AssertMode::Assume | AssertMode::Check => formula.clone(),
            },
            PNode::Seq(xs) => Term::and(xs.iter().map(|x| x.transition(mode))),
            PNode::Choice(xs) => Term::or(xs.iter().map(|x| x.transition(mode))),
        }
    }

    /// The top-level conjuncts of [`PNode::transition`], one per statement
    /// (trivial `true`s dropped): convenient as separate hypotheses.
    pub fn transition_conjuncts(
        &self,
        mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
    ) -> Vec<Term> {
        let mut out = Vec::new();
        self.push_conjuncts(mode, &mut out);
        out
    }

    fn push_conjuncts(
        &self,
        mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
        out: &mut Vec<Term>,
    ) {
        match self {
            PNode::Seq(xs) => {
                for x in xs {
                    x.push_conjuncts(mode, out)
                }
            }
            _ => {
                let t = self.transition(mode);
                match t.kind {
                    crate::term::TermKind::Bool(true) => {}
                    crate::term::TermKind::And(xs) => out.extend(xs),
                    _ => out.push(t),
                }
            }
        }
    }

    /// The failure formula `W`: satisfiable exactly by the executions in
    /// which some `Check` assertion fails (earlier `Assume` assertions hold).
    /// `W(s1; s2) = W(s1) | (N(s1) & W(s2))`, `W(c1 or c2) = W(c1) | W(c2)`.
    pub fn failure(&self, mode: &impl Fn(&AssertInfo, usize) -> AssertMode) -> Term {
        match self {
            PNode::Assume(_) => Term::fls(),
            PNode::Assert {
                formula,
                info,
                index,
                ..
            } => match mode(info, *index) {
                AssertMode::Check => Term::not(formula.clone()),
                _ => Term::fls(),
            },
            PNode::Seq(xs) => {
                let mut w = Term::fls();
                for x in xs.iter().rev() {
                    if !x.has_check(mode) && w.is_false() {
                        continue;
                    }
                    w = Term::or([x.failure(mode), Term::and([x.transition(mode), w])]);
                }
                w
            }
            PNode::Choice(xs) => Term::or(xs.iter().map(|x| x.failure(mode))),
        }
    }

    /// Splits "no checked assertion fails" into hypotheses and a goal:
    /// `hyps => goal` is valid iff no `Check` assertion can fail. Descends
    /// along the unique path to the checked assertion when there is one
    /// (hypotheses = the statements before it, goal = its formula);
    /// otherwise the goal is `~W`. Also returns the versions current at the
    /// (first) checked assertion.
    pub fn split_failure(
        &self,
        mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
    ) -> (Vec<Term>, Term, Option<Versions>) {
        let mut hyps = Vec::new();
        let mut node = self;
        loop {
            match node {
                PNode::Assert {
                    formula,
                    info,
                    index,
                    versions,
                } if mode(info, *index) == AssertMode::Check => {
                    return (hyps, formula.clone(), Some(versions.clone()));
                }
                PNode::Seq(xs) => {
                    let with: Vec<usize> =
                        (0..xs.len()).filter(|&i| xs[i].has_check(mode)).collect();
                    if with.len() != 1 {
                        break;
                    }
                    for x in &xs[..with[0]] {
                        x.push_conjuncts(mode, &mut hyps);
                    }
                    node = &xs[with[0]];
                }
                PNode::Choice(xs) => {
                    let with: Vec<usize> =
                        (0..xs.len()).filter(|&i| xs[i].has_check(mode)).collect();
                    if with.len() != 1 {
                        break;
                    }
                    node = &xs[with[0]];
                }
                _ => break,
            }
        }
        let versions = node.first_check_versions(mode);
        (hyps, Term::not(node.failure(mode)), versions)
    }

    /// The versions current at each `Check` assertion, in pre-order.
    pub fn check_versions(
        &self,
        mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
    ) -> Vec<Versions> {
        let mut out = Vec::new();
        self.push_check_versions(mode, &mut out);
        out
    }

    fn push_check_versions(
        &self,
        mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
        out: &mut Vec<Versions>,
    ) {
        match self {
            PNode::Assert {
                info,
                index,
                versions,
                ..
            } if mode(info, *index) == AssertMode::Check => out.push(versions.clone()),
            PNode::Seq(xs) | PNode::Choice(xs) => {
                for x in xs {
                    x.push_check_versions(mode, out)
                }
            }
            _ => {}
        }
    }

    fn first_check_versions(
        &self,
        mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
    ) -> Option<Versions> {
        match self {
            PNode::Assert {
                info,
                index,
                versions,
                ..
            } if mode(info, *index) == AssertMode::Check => Some(versions.clone()),
            PNode::Seq(xs) | PNode::Choice(xs) => {
                xs.iter().find_map(|x| x.first_check_versions(mode))
            }
            _ => None,
        }
    }
}
