//! What Ivy's decidability check sees of a system: the formulas that
//! `ivy_fragment.check_fragment` puts in one stratification graph for a
//! whole isolate, before anything is proved. As in Ivy
//! (`get_assumes_and_asserts`):
//!
//! * assumed: the axioms, every invariant (in the pre-state), and for every
//!   exported action (entries included) its transition relation — the
//!   `require`s and `assume`s it assumes, its updates, its program
//!   assertions neither assumed nor checked — and the condition under which
//!   each of its assertions fails (the path to it, other assertions again
//!   ignored, and the negated assertion);
//! * asserted (negated): the properties (proved here or assumed) and the
//!   invariants the unit checks;
//! * not at all: the initialiser (its queries go to the solver unchecked).
//!
//! One [`FragmentView`] per system; all actions are passified into one
//! signature so that their intermediate SSA versions stay apart, while the
//! post-state of each state symbol is one symbol shared by every action,
//! as Ivy's `new_r` is: the stratification graph joins argument positions
//! through it (a term of one action's post-state meets one of another's).

use crate::obligation::HypSource;
use ivyc_base::{Span, Symbol};
use ivyc_logic::passive::{passify, AssertMode, PNode};
use ivyc_logic::{AssertInfo, AssertKind, Role, Signature, SymId, System, Term, TermKind};
use std::collections::HashMap;

/// Where a formula of a [`FragmentView`] comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewSource {
    /// A hypothesis as in an obligation (axiom, invariant, assumed
    /// invariant; `Transition` is not used here).
    Hyp(HypSource),
    /// The transition relation of an exported action.
    Transition { action: Symbol, span: Option<Span> },
    /// The failure of an assertion of an exported action (the path to it
    /// and its negation), asserted.
    Failure {
        action: Symbol,
        assertion: Option<Span>,
    },
    /// `System::properties[i]` then `System::lemmas[i - properties.len()]`
    /// then `System::proved`, asserted.
    Property(usize),
    /// `System::invariants[i]`, asserted.
    Invariant(usize),
    /// `System::goals[i]` (premises implying the conclusion), asserted.
    Goal(usize),
}

/// The formulas of one unit that Ivy checks against its fragment together.
#[derive(Clone, Debug)]
pub struct FragmentView {
    /// The system's signature with the SSA versions of every action.
    pub sig: Signature,
    /// Assumed formulas (free variables universal).
    pub hyps: Vec<Term>,
    pub hyp_sources: Vec<ViewSource>,
    /// Asserted formulas (negated; free variables constants).
    pub goals: Vec<Term>,
    pub goal_sources: Vec<ViewSource>,
}

/// The formulas of `sys` that Ivy's fragment check sees (module docs).
pub fn fragment_view(sys: &System) -> FragmentView {
    let mut v = FragmentView {
        sig: sys.sig.clone(),
        hyps: Vec::new(),
        hyp_sources: Vec::new(),
        goals: Vec::new(),
        goal_sources: Vec::new(),
    };
    for (i, a) in sys.axioms.iter().enumerate() {
        v.hyps.push(a.formula.clone());
        v.hyp_sources.push(ViewSource::Hyp(HypSource::Axiom(i)));
    }
    for (i, p) in sys.invariants.iter().enumerate() {
        v.hyps.push(p.formula.clone());
        v.hyp_sources.push(ViewSource::Hyp(HypSource::Invariant(i)));
    }
    for (i, p) in sys.nested.iter().chain(&sys.assumed).enumerate() {
        v.hyps.push(p.formula.clone());
        v.hyp_sources.push(ViewSource::Hyp(HypSource::Assumed(i)));
    }
    for (i, p) in sys
        .properties
        .iter()
        .chain(&sys.lemmas)
        .chain(&sys.proved)
        .enumerate()
    {
        v.goals.push(p.formula.clone());
        v.goal_sources.push(ViewSource::Property(i));
    }
    for (i, g) in sys.goals.iter().enumerate() {
        let prems: Vec<Term> = g.premises.iter().map(|p| p.formula.clone()).collect();
        let f = if prems.is_empty() {
            g.conclusion.clone()
        } else {
            Term::implies(Term::and(prems), g.conclusion.clone())
        };
        v.goals.push(f);
        v.goal_sources.push(ViewSource::Goal(i));
    }
    for (i, p) in sys.invariants.iter().enumerate() {
        v.goals.push(p.formula.clone());
        v.goal_sources.push(ViewSource::Invariant(i));
    }
    // The shared post-state symbol of each state symbol: the final version
    // in the first action that modifies it.
    let mut post: HashMap<SymId, SymId> = HashMap::new();
    for action in sys.exported_actions() {
        let p = passify(&mut v.sig, &action.body);
        let mut shared: HashMap<SymId, SymId> = HashMap::new();
        for (&orig, &fin) in &p.final_versions {
            if v.sig.symbol(orig).role != Role::State {
                continue;
            }
            match post.get(&orig) {
                Some(&s) => {
                    shared.insert(fin, s);
                }
                None => {
                    post.insert(orig, fin);
                }
            }
        }
        let share = |t: Term| {
            if shared.is_empty() {
                t
            } else {
                t.rename_symbols(&shared)
            }
        };
        let trans_mode = |info: &AssertInfo, _: usize| {
            if info.kind == AssertKind::Require {
                AssertMode::Assume
            } else {
                AssertMode::Ignore
            }
        };
        let mut trans = p.body.transition_conjuncts(&trans_mode);
        dead_assumptions(&v.sig, &p.body, &trans_mode, &mut trans);
        for t in trans {
            v.hyps.push(share(t));
            v.hyp_sources.push(ViewSource::Transition {
                action: action.name,
                span: action.span,
            });
        }
        // One failure condition per assertion (per source span, as the
        // obligations group them); the other assertions are ignored.
        let asserts = action.body.assertions();
        let mut groups: Vec<(Option<Span>, Vec<usize>)> = Vec::new();
        for (i, (_, info)) in asserts.iter().enumerate() {
            if info.kind == AssertKind::Require {
                continue;
            }
            match groups
                .iter_mut()
                .find(|(s, _)| s.is_some() && *s == info.span)
            {
                Some((_, g)) => g.push(i),
                None => groups.push((info.span, vec![i])),
            }
        }
        for (key, group) in &groups {
            let mode = |_: &AssertInfo, i: usize| {
                if group.contains(&i) {
                    AssertMode::Check
                } else {
                    AssertMode::Ignore
                }
            };
            let (path, goal, _) = p.body.split_failure(&mode);
            let source = ViewSource::Failure {
                action: action.name,
                assertion: *key,
            };
            for t in path {
                v.hyps.push(share(t));
                v.hyp_sources.push(source);
            }
            v.goals.push(share(goal));
            v.goal_sources.push(source);
        }
    }
    v
}

/// The updates of the branches of `node` that can never run (`if false {
/// … }`) that Ivy's fragment check still sees. ivyc's transition relation
/// folds such a branch to `false`; Ivy's update keeps the definition of
/// every intermediate value of a symbol (one a later assignment on the same
/// path overwrites) unconditionally, while the branch's own constraints and
/// the definitions of the values it ends with are guarded by the branch's
/// condition and vanish with it. Those intermediate definitions are added
/// here as hypotheses of their own (the same polarity as inside the
/// disjunction).
fn dead_assumptions(
    sig: &Signature,
    node: &PNode,
    mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
    out: &mut Vec<Term>,
) {
    match node {
        // As `transition_conjuncts`: the statements of the top-level
        // sequence are conjuncts of their own.
        PNode::Seq(xs) => xs.iter().for_each(|x| dead_assumptions(sig, x, mode, out)),
        PNode::Choice(_) => dead_inside(sig, node, mode, out),
        PNode::Assume(_) | PNode::Assert { .. } => {}
    }
}

/// [`dead_assumptions`] below a conjunct: a branch whose transition
/// folded to `false` gives its intermediate definitions.
fn dead_inside(
    sig: &Signature,
    node: &PNode,
    mode: &impl Fn(&AssertInfo, usize) -> AssertMode,
    out: &mut Vec<Term>,
) {
    if let PNode::Seq(xs) | PNode::Choice(xs) = node {
        if node.transition(mode).is_false() {
            intermediate_definitions(sig, node, out);
        } else {
            xs.iter().for_each(|x| dead_inside(sig, x, mode, out));
        }
    }
}

/// The definitions in `node` of versions that a later definition of the
/// same symbol in the same sequence overwrites.
fn intermediate_definitions(sig: &Signature, node: &PNode, out: &mut Vec<Term>) {
    match node {
        PNode::Seq(xs) => {
            let mut last: HashMap<String, &Term> = HashMap::new();
            for x in xs {
                match x {
                    PNode::Assume(t) => {
                        if let Some(base) = defined_base(sig, t) {
                            if let Some(older) = last.insert(base, t) {
                                out.push(older.clone());
                            }
                        }
                    }
                    other => intermediate_definitions(sig, other, out),
                }
            }
        }
        PNode::Choice(xs) => xs
            .iter()
            .for_each(|x| intermediate_definitions(sig, x, out)),
        PNode::Assume(_) | PNode::Assert { .. } => {}
    }
}

/// The symbol (its name without the version) that `t` defines, if `t` is
/// the definitional equation of an assignment (`forall X. r#2(X) <-> φ`).
fn defined_base(sig: &Signature, t: &Term) -> Option<String> {
    let body = match &t.kind {
        TermKind::Forall(_, b) => b,
        _ => t,
    };
    // `r#2(X) <-> true` and `<-> false` are simplified to `r#2(X)` and
    // `~r#2(X)`.
    let lhs = match &body.kind {
        TermKind::Iff(l, _) | TermKind::Eq(l, _) | TermKind::Not(l) => l,
        TermKind::App(..) => body,
        _ => return None,
    };
    let TermKind::App(f, _) = &lhs.kind else {
        return None;
    };
    let d = sig.symbol(*f);
    let name = d.name.as_str();
    let base = ivyc_logic::signature::strip_fresh_suffix(name);
    // A definition defines a new version (`r#2`), never the original.
    if d.role != Role::State || base.len() == name.len() {
        return None;
    }
    Some(base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{Action, Cmd, Property, Role, SortDecl, SortKind, SymbolDecl, Var};

    /// A system with one action `a(n)`: `require exists Y. r(n, Y); r(n, n)
    /// := true; assert r(n, n)`, one axiom, one invariant.
    fn system() -> System {
        let mut sig = Signature::new();
        let node = sig.add_sort(SortDecl {
            name: Symbol::intern("node"),
            kind: SortKind::Uninterpreted,
            span: None,
        });
        let r = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("r"),
            vec![node, node],
            ivyc_logic::SortId::BOOL,
            Role::State,
        ));
        let n = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("n"),
            vec![],
            node,
            Role::Local,
        ));
        let (x, y) = (Var::new("X", node), Var::new("Y", node));
        let rn = |a: Term, b: Term| Term::app(r, vec![a, b]);
        let body = Cmd::seq([
            Cmd::Assume(Term::exists(vec![y], rn(Term::constant(n), Term::var(y)))),
            Cmd::assign(r, vec![x, y], Term::tru()),
            Cmd::Assert(
                rn(Term::constant(n), Term::constant(n)),
                AssertInfo::new(AssertKind::Assert, None),
            ),
        ]);
        System {
            sig,
            axioms: vec![Property::new(None, rn(Term::var(x), Term::var(x)), None)],
            init: Cmd::Skip,
            actions: vec![Action {
                name: Symbol::intern("a"),
                params: vec![n],
                returns: vec![],
                body,
                span: None,
                exported: true,
                internal: false,
            }],
            invariants: vec![Property::new(None, rn(Term::var(x), Term::var(y)), None)],
            assumed: vec![],
            nested: vec![],
            properties: vec![],
            lemmas: vec![],
            definitions: Default::default(),
            ..System::default()
        }
    }

    #[test]
    fn ivy_sees_axioms_invariants_transitions_and_failures() {
        let v = fragment_view(&system());
        let kinds: Vec<&str> = v
            .hyp_sources
            .iter()
            .map(|s| match s {
                ViewSource::Hyp(HypSource::Axiom(_)) => "axiom",
                ViewSource::Hyp(HypSource::Invariant(_)) => "invariant",
                ViewSource::Transition { .. } => "transition",
                ViewSource::Failure { .. } => "failure path",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds.first(), Some(&"axiom"));
        assert_eq!(kinds.get(1), Some(&"invariant"));
        assert!(kinds.contains(&"transition"));
        // Goals: the invariant (asserted), then the assertion's failure.
        assert!(matches!(
            v.goal_sources.as_slice(),
            [ViewSource::Invariant(0), ViewSource::Failure { .. }]
        ));
        // The assertion is not part of the transition (Ivy ignores program
        // assertions there), the `require`'s assumption is.
        let trans: Vec<String> = v
            .hyps
            .iter()
            .zip(&v.hyp_sources)
            .filter(|(_, s)| matches!(s, ViewSource::Transition { .. }))
            .map(|(t, _)| t.pretty(&v.sig))
            .collect();
        assert!(trans.iter().any(|t| t.contains("exists")), "{trans:?}");
    }
}
