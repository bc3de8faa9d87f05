//! Guarded commands: the loop-free imperative language actions are lowered
//! to (assume/assert/assign/havoc/seq/choice), `while` encoding, and the
//! set of symbols a command modifies.

use crate::signature::SymId;
use crate::term::{Lambda, Term, Var};
use ivyc_base::{Span, Symbol};
use std::collections::HashSet;
use std::collections::{BTreeSet, HashMap};

/// Which source construct an assertion comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssertKind {
    /// `require` of the action itself (an assumption when the action is
    /// exported; the VC turns it into `assume`).
    Require,
    /// `ensure` (checked at the end of the action).
    Ensure,
    /// `assert` statement.
    Assert,
    /// A `while` loop invariant (checked on entry and after the body).
    LoopInvariant,
    /// The `require` of a called action, checked at the call site.
    CallRequire,
    /// Half of a `while` loop's `decreases e` (loop variant): the measure
    /// is not below `0` (of its sort) when an iteration starts.
    VariantBounded,
    /// The other half: the body makes the measure smaller (`<` of its
    /// sort) than at the start of the iteration.
    VariantDecreases,
}

impl AssertKind {
    /// One of the two checks of a loop variant.
    pub fn is_variant(self) -> bool {
        matches!(
            self,
            AssertKind::VariantBounded | AssertKind::VariantDecreases
        )
    }
}

/// Provenance of an assertion, for reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AssertInfo {
    pub kind: AssertKind,
    pub span: Option<Span>,
    pub label: Option<Symbol>,
}

impl AssertInfo {
    pub fn new(kind: AssertKind, span: Option<Span>) -> AssertInfo {
        AssertInfo {
            kind,
            span,
            label: None,
        }
    }
}

/// The loop variant (`decreases e`) of a `while` loop, as Ivy checks it.
/// `rank` is a fresh `Local` 0-ary symbol of the measure's sort holding
/// the measure at the start of an iteration; `bounded` is `~(e < 0)` and
/// `decreases` is `e < rank`, with the measure sort's own `<` and `0`
/// (built by sema, which knows the sort's operators).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoopVariant {
    pub rank: SymId,
    pub measure: Term,
    pub bounded: (Term, AssertInfo),
    pub decreases: (Term, AssertInfo),
}

/// A guarded command.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Cmd {
    #[default]
    Skip,
    /// Blocks executions where the formula is false.
    Assume(Term),
    /// Fails executions where the formula is false.
    Assert(Term, AssertInfo),
    /// `sym(params) := value` for every tuple of parameter values at once
    /// (params empty for an individual). `value` may mention `params` and
    /// the pre-values of any symbol (including `sym`). Updates at specific
    /// arguments such as `r(n, X) := t` are lowered by sema to
    /// `r(Y, X) := t if Y = n else r(Y, X)`.
    Assign {
        sym: SymId,
        params: Vec<Var>,
        value: Term,
    },
    /// Gives the symbol an arbitrary new interpretation.
    Havoc(SymId),
    Seq(Vec<Cmd>),
    /// Nondeterministic choice between the branches.
    Choice(Vec<Cmd>),
}

impl Cmd {
    /// A sequence, flattening nested sequences and dropping `Skip`.
    pub fn seq(cmds: impl IntoIterator<Item = Cmd>) -> Cmd {
        let mut out = Vec::new();
        for c in cmds {
            match c {
                Cmd::Skip => {}
                Cmd::Seq(cs) => out.extend(cs),
                c => out.push(c),
            }
        }
        match out.len() {
            0 => Cmd::Skip,
            1 => out.pop().unwrap_or(Cmd::Skip),
            _ => Cmd::Seq(out),
        }
    }

    /// A choice (a single branch is returned as is; no branch is `assume false`).
    pub fn choice(cmds: Vec<Cmd>) -> Cmd {
        let mut cmds = cmds;
        match cmds.len() {
            0 => Cmd::Assume(Term::fls()),
            1 => cmds.pop().unwrap_or(Cmd::Skip),
            _ => Cmd::Choice(cmds),
        }
    }

    /// `if c { t } else { e }` as `{assume c; t} or {assume ~c; e}`.
    pub fn if_then_else(cond: Term, then: Cmd, els: Cmd) -> Cmd {
        let neg = Term::not(cond.clone()).with_span(cond.span);
        Cmd::Choice(vec![
            Cmd::seq([Cmd::Assume(cond), then]),
            Cmd::seq([Cmd::Assume(neg), els]),
        ])
    }

    pub fn assign(sym: SymId, params: Vec<Var>, value: Term) -> Cmd {
        Cmd::Assign { sym, params, value }
    }

    /// `while cond invariant inv_1 ... inv_n decreases e { body }`,
    /// encoded as Ivy does (`WhileAction.expand` of ms-ivy):
    ///
    /// ```text
    /// assert inv;             # invariant holds on entry
    /// havoc M;                # M = symbols modified by the body
    /// assume inv;             # an arbitrary iteration
    /// havoc rank; assume rank = e;          # with a variant only
    /// { assume cond;
    ///   assert ~(e < 0);      # with a variant only: bounded below
    ///   body;
    ///   assert e < rank;      # with a variant only: it decreased
    ///   assert inv; assume false }
    /// or { assume ~cond }     # loop exit
    /// ```
    ///
    /// Each invariant carries its own [`AssertInfo`] (normally of kind
    /// `LoopInvariant`), used for both checks.
    pub fn while_loop(
        cond: Term,
        invariants: Vec<(Term, AssertInfo)>,
        variant: Option<LoopVariant>,
        body: Cmd,
    ) -> Cmd {
        let assumed = invariants.iter().map(|(t, _)| t.clone()).collect();
        Cmd::while_loop_assuming(cond, invariants, assumed, variant, body)
    }

    /// [`Cmd::while_loop`] where the formulas checked on entry and after
    /// the body (`checked`) are not those assumed at the head
    /// (`assumed`): a loop invariant with a proof has its goals checked
    /// and is itself assumed (ms-ivy's `apply_assert_proofs`).
    pub fn while_loop_assuming(
        cond: Term,
        invariants: Vec<(Term, AssertInfo)>,
        assumed: Vec<Term>,
        variant: Option<LoopVariant>,
        body: Cmd,
    ) -> Cmd {
        let modified = body.modified_symbols();
        let mut out = Vec::new();
        for (inv, info) in &invariants {
            out.push(Cmd::Assert(inv.clone(), *info));
        }
        out.extend(modified.into_iter().map(Cmd::Havoc));
        for inv in assumed {
            out.push(Cmd::Assume(inv));
        }
        let neg = Term::not(cond.clone()).with_span(cond.span);
        let mut iter = vec![Cmd::Assume(cond)];
        match variant {
            Some(v) => {
                let span = v.measure.span;
                let at_start = Term::eq(Term::constant(v.rank), v.measure).with_span(span);
                out.push(Cmd::Havoc(v.rank));
                out.push(Cmd::Assume(at_start));
                iter.push(Cmd::Assert(v.bounded.0, v.bounded.1));
                iter.push(body);
                iter.push(Cmd::Assert(v.decreases.0, v.decreases.1));
            }
            None => iter.push(body),
        }
        for (inv, info) in &invariants {
            iter.push(Cmd::Assert(inv.clone(), *info));
        }
        iter.push(Cmd::Assume(Term::fls()));
        out.push(Cmd::Choice(vec![Cmd::seq(iter), Cmd::Assume(neg)]));
        Cmd::seq(out)
    }

    /// Symbols assigned or havocked anywhere in the command, in
    /// first-occurrence order.
    pub fn modified_symbols(&self) -> Vec<SymId> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        self.visit(&mut |c| {
            if let Cmd::Assign { sym: s, .. } | Cmd::Havoc(s) = c {
                if seen.insert(*s) {
                    out.push(*s)
                }
            }
        });
        out
    }

    /// Rebuilds the command with `Havoc(sym)` after every assignment or
    /// havoc of a symbol in `deps` (Ivy's update of a symbol chosen again
    /// whenever what it depends on changes).
    pub fn havoc_after_writes(&self, deps: &BTreeSet<SymId>, sym: SymId) -> Cmd {
        self.choose_after_writes(deps, sym, None)
    }

    /// [`Cmd::havoc_after_writes`], with `assume constraint` after each
    /// such `Havoc(sym)` when a constraint is given (Ivy's definition by
    /// choice over state symbols: `sym` is some value satisfying it).
    pub fn choose_after_writes(
        &self,
        deps: &BTreeSet<SymId>,
        sym: SymId,
        constraint: Option<&Term>,
    ) -> Cmd {
        match self {
            Cmd::Assign { sym: s, .. } | Cmd::Havoc(s) if deps.contains(s) && *s != sym => {
                let mut cs = vec![self.clone(), Cmd::Havoc(sym)];
                cs.extend(constraint.map(|t| Cmd::Assume(t.clone())));
                Cmd::Seq(cs)
            }
            Cmd::Seq(cs) => Cmd::Seq(
                cs.iter()
                    .map(|c| c.choose_after_writes(deps, sym, constraint))
                    .collect(),
            ),
            Cmd::Choice(cs) => Cmd::Choice(
                cs.iter()
                    .map(|c| c.choose_after_writes(deps, sym, constraint))
                    .collect(),
            ),
            c => c.clone(),
        }
    }

    /// Calls `f` on every command node, pre-order.
    pub fn visit(&self, f: &mut impl FnMut(&Cmd)) {
        f(self);
        if let Cmd::Seq(cs) | Cmd::Choice(cs) = self {
            for c in cs {
                c.visit(f)
            }
        }
    }

    /// All assertions, in pre-order (program text order).
    pub fn assertions(&self) -> Vec<(&Term, &AssertInfo)> {
        fn go<'a>(c: &'a Cmd, out: &mut Vec<(&'a Term, &'a AssertInfo)>) {
            match c {
                Cmd::Assert(t, i) => out.push((t, i)),
                Cmd::Seq(cs) | Cmd::Choice(cs) => {
                    for c in cs {
                        go(c, out)
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        go(self, &mut out);
        out
    }

    /// Rebuilds the command, replacing every `Assert` by `f(formula, info)`.
    pub fn map_asserts(&self, f: &mut impl FnMut(&Term, &AssertInfo) -> Cmd) -> Cmd {
        match self {
            Cmd::Assert(t, i) => f(t, i),
            Cmd::Seq(cs) => Cmd::Seq(cs.iter().map(|c| c.map_asserts(f)).collect()),
            Cmd::Choice(cs) => Cmd::Choice(cs.iter().map(|c| c.map_asserts(f)).collect()),
            c => c.clone(),
        }
    }

    /// Applies [`Term::subst_symbols`] to every formula and assigned value
    /// (used to expand definitions). Assigned/havocked symbols are kept.
    pub fn subst_symbols(&self, map: &HashMap<SymId, Lambda>) -> Cmd {
        self.map_terms(&mut |t| t.subst_symbols(map))
    }

    /// Rebuilds the command with `f` applied to every formula and assigned
    /// value. Assigned/havocked symbols and parameters are kept.
    pub fn map_terms(&self, f: &mut impl FnMut(&Term) -> Term) -> Cmd {
        match self {
            Cmd::Skip | Cmd::Havoc(_) => self.clone(),
            Cmd::Assume(t) => Cmd::Assume(f(t)),
            Cmd::Assert(t, i) => Cmd::Assert(f(t), *i),
            Cmd::Assign { sym, params, value } => Cmd::Assign {
                sym: *sym,
                params: params.clone(),
                value: f(value),
            },
            Cmd::Seq(cs) => Cmd::Seq(cs.iter().map(|c| c.map_terms(f)).collect()),
            Cmd::Choice(cs) => Cmd::Choice(cs.iter().map(|c| c.map_terms(f)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{Role, Signature, SymbolDecl};
    use crate::sort::SortId;

    #[test]
    fn havoc_after_writes_follows_each_write_of_a_dependency() {
        let mut sig = Signature::new();
        let mut add = |n: &str| {
            sig.add_symbol(SymbolDecl::new(
                Symbol::intern(n),
                vec![],
                SortId::BOOL,
                Role::State,
            ))
        };
        let (p, q, w) = (add("p"), add("q"), add("w"));
        let deps: BTreeSet<SymId> = [p].into_iter().collect();
        let c = Cmd::Seq(vec![
            Cmd::assign(q, vec![], Term::tru()),
            Cmd::Choice(vec![Cmd::assign(p, vec![], Term::fls()), Cmd::Skip]),
        ]);
        let expect = Cmd::Seq(vec![
            Cmd::assign(q, vec![], Term::tru()),
            Cmd::Choice(vec![
                Cmd::Seq(vec![Cmd::assign(p, vec![], Term::fls()), Cmd::Havoc(w)]),
                Cmd::Skip,
            ]),
        ]);
        assert_eq!(c.havoc_after_writes(&deps, w), expect);
        // With a constraint, it is assumed right after each re-choice.
        let k = Term::constant(w);
        let expect = Cmd::Seq(vec![
            Cmd::assign(q, vec![], Term::tru()),
            Cmd::Choice(vec![
                Cmd::Seq(vec![
                    Cmd::assign(p, vec![], Term::fls()),
                    Cmd::Havoc(w),
                    Cmd::Assume(k.clone()),
                ]),
                Cmd::Skip,
            ]),
        ]);
        assert_eq!(c.choose_after_writes(&deps, w, Some(&k)), expect);
    }

    /// A loop whose checked formulas (a proof's goal) differ from the
    /// one assumed at the head (the invariant).
    #[test]
    fn while_loop_assuming_checks_goals_and_assumes_the_invariant() {
        let mut sig = Signature::new();
        let mut add = |n: &str| {
            sig.add_symbol(SymbolDecl::new(
                Symbol::intern(n),
                vec![],
                SortId::BOOL,
                Role::State,
            ))
        };
        let (c, g, i) = (add("c"), add("g"), add("i"));
        let info = AssertInfo::new(AssertKind::LoopInvariant, None);
        let body = Cmd::assign(c, vec![], Term::fls());
        let lp = Cmd::while_loop_assuming(
            Term::constant(c),
            vec![(Term::constant(g), info)],
            vec![Term::constant(i)],
            None,
            body.clone(),
        );
        let expect = Cmd::Seq(vec![
            Cmd::Assert(Term::constant(g), info),
            Cmd::Havoc(c),
            Cmd::Assume(Term::constant(i)),
            Cmd::Choice(vec![
                Cmd::Seq(vec![
                    Cmd::Assume(Term::constant(c)),
                    body,
                    Cmd::Assert(Term::constant(g), info),
                    Cmd::Assume(Term::fls()),
                ]),
                Cmd::Assume(Term::not(Term::constant(c))),
            ]),
        ]);
        assert_eq!(lp, expect);
    }
}
