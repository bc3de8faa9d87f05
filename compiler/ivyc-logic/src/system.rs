//! The verification input produced by sema: signature, axioms, the initial
//! command, actions and invariants (`System`, `Action`, `Property`).

use crate::cmd::Cmd;
use crate::signature::{Signature, SymId};
use crate::temporal::Temporal;
use crate::term::{Lambda, Term};
use ivyc_base::{Span, Symbol};
use std::collections::{BTreeMap, HashMap};

/// A named closed formula: an axiom or an invariant (free capitalised
/// variables already universally quantified).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub label: Option<Symbol>,
    pub formula: Term,
    pub span: Option<Span>,
    /// Declared `explicit` (Ivy). For an invariant of
    /// [`System::invariants`]: it is checked (initiation, consecution) but,
    /// as in Ivy, never assumed, not even in its own consecution's
    /// pre-state. Explicit axioms and definitions are dropped by sema
    /// unless the unit names them, and `explicit` on a property changes
    /// nothing without proofs, so in the other lists this is informative.
    pub explicit: bool,
}

impl Property {
    pub fn new(label: Option<&str>, formula: Term, span: Option<Span>) -> Property {
        Property {
            label: label.map(Symbol::intern),
            formula,
            span,
            explicit: false,
        }
    }
}

/// A proof goal left by Ivy's tactics (`ivyc-proof`): valid iff the
/// conclusion follows from the premises (and the background: the
/// axioms and the properties proved elsewhere) for every value of its
/// fresh symbols, which are rigid symbols of the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofGoal {
    /// The label of the goal (the property's, or a premise's after
    /// `apply`).
    pub label: Option<Symbol>,
    /// The formula or proof step the goal comes from.
    pub span: Option<Span>,
    /// What the goal is, for reports: `theorem [t] goal 2 of 3 after
    /// apply ind[t]`.
    pub title: Symbol,
    /// The premises, closed formulas (labelled when the premise is).
    pub premises: Vec<Property>,
    /// The conclusion, a closed formula.
    pub conclusion: Term,
}

/// An action after inlining of calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Full dotted name, e.g. `proto.send`.
    pub name: Symbol,
    /// Parameters: `Local` 0-ary symbols, in order.
    pub params: Vec<SymId>,
    /// Return values: `Local` 0-ary symbols, in order.
    pub returns: Vec<SymId>,
    pub body: Cmd,
    pub span: Option<Span>,
    /// Exported actions are the environment's entry points and are verified.
    pub exported: bool,
    /// An entry point called from code outside the isolate rather than by
    /// the environment: its pre-state is a mid-execution state of the
    /// caller, where only the invariants checked here (which outside code
    /// cannot break) may be assumed — not `System::assumed`.
    pub internal: bool,
}

/// A whole verification problem.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct System {
    pub sig: Signature,
    pub axioms: Vec<Property>,
    /// All `after init` blocks in order (Skip if none).
    pub init: Cmd,
    pub actions: Vec<Action>,
    /// Conjectures / invariants, in source order.
    pub invariants: Vec<Property>,
    /// Invariants proved elsewhere (another isolate): assumed in the
    /// pre-state of every action called by the environment, never checked
    /// here.
    pub assumed: Vec<Property>,
    /// Invariants of objects inside this unit's members that have an
    /// isolate of their own (proved there): assumed in the pre-state of
    /// every entry, also those called from other isolates, since only
    /// their own actions change their state.
    pub nested: Vec<Property>,
    /// `property` declarations checked here: each is proved once from the
    /// axioms and `lemmas` (a theorem of the background theory, as in Ivy),
    /// then assumed like an axiom by every other obligation.
    pub properties: Vec<Property>,
    /// Properties proved elsewhere (another isolate): assumed like axioms.
    pub lemmas: Vec<Property>,
    /// The definitions expanded into every formula of the system
    /// ([`System::expand_definitions`]), bodies closed (they mention no
    /// defined symbol). The formulas no longer mention these symbols: a
    /// model gives them no meaning, their values in a state are the
    /// bodies evaluated there (counterexamples, traces).
    pub definitions: BTreeMap<SymId, Lambda>,
    /// Temporal properties checked in this unit, their proofs and the
    /// temporal axioms (only the liveness-to-safety stage reads them; the
    /// obligations of the system itself ignore them).
    pub temporal: Temporal,
    /// Proof goals checked here (`ProofGoal`), each from the background
    /// (axioms and lemmas) and its own premises.
    pub goals: Vec<ProofGoal>,
    /// Facts established by proofs whose goals are in `goals` (or
    /// elsewhere): assumed like properties by every obligation but the
    /// properties' and the goals' own.
    pub proved: Vec<Property>,
}

impl System {
    pub fn new(sig: Signature) -> System {
        System {
            sig,
            ..System::default()
        }
    }

    pub fn action(&self, name: &str) -> Option<&Action> {
        let n = Symbol::intern(name);
        self.actions.iter().find(|a| a.name == n)
    }

    pub fn exported_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| a.exported)
    }

    /// Expands non-recursive definitions `sym(params) = body` (macro
    /// substitution) in the axioms, invariants, init and every action.
    /// Definitions may use each other. Returns `Err(sym)` for a definition
    /// that (transitively) refers to itself; the system is then unchanged.
    /// The closed definitions are kept in [`System::definitions`].
    pub fn expand_definitions(&mut self, defs: &HashMap<SymId, Lambda>) -> Result<(), SymId> {
        let closed = close_definitions(defs)?;
        self.map_terms(&mut |t| t.subst_symbols(&closed));
        self.definitions.extend(closed);
        Ok(())
    }

    /// Applies `f` to every formula of the system: axioms, invariants,
    /// assumed invariants, the formulas and values of init and actions, and
    /// the bodies of the expanded definitions.
    pub fn map_terms(&mut self, f: &mut impl FnMut(&Term) -> Term) {
        for d in self.definitions.values_mut() {
            d.body = f(&d.body);
        }
        for p in self
            .axioms
            .iter_mut()
            .chain(self.invariants.iter_mut())
            .chain(self.assumed.iter_mut())
            .chain(self.nested.iter_mut())
            .chain(self.properties.iter_mut())
            .chain(self.lemmas.iter_mut())
            .chain(self.proved.iter_mut())
        {
            p.formula = f(&p.formula);
        }
        for g in &mut self.goals {
            for p in &mut g.premises {
                p.formula = f(&p.formula);
            }
            g.conclusion = f(&g.conclusion);
        }
        self.init = self.init.map_terms(f);
        for a in &mut self.actions {
            a.body = a.body.map_terms(f);
        }
        self.temporal.map_terms(f);
    }
}

/// Substitutes definitions into each other until no body mentions a
/// defined symbol; `Err(sym)` if `sym` is (mutually) recursive.
pub fn close_definitions(defs: &HashMap<SymId, Lambda>) -> Result<HashMap<SymId, Lambda>, SymId> {
    // Cycles first: substituting a recursive definition round after round
    // doubles its body each time (a library's recursive `lexord_rec` ran
    // out of memory before the round limit).
    if let Some(sym) = recursive_definition(defs) {
        return Err(sym);
    }
    let mut cur = defs.clone();
    for _ in 0..=defs.len() {
        let mentions = |l: &Lambda| l.body.symbols().into_iter().any(|s| defs.contains_key(&s));
        if !cur.values().any(mentions) {
            return Ok(cur);
        }
        cur = cur
            .iter()
            .map(|(&s, l)| (s, Lambda::new(l.params.clone(), l.body.subst_symbols(&cur))))
            .collect();
    }
    let mut bad: Vec<SymId> = cur
        .iter()
        .filter(|(_, l)| l.body.symbols().into_iter().any(|s| defs.contains_key(&s)))
        .map(|(&s, _)| s)
        .collect();
    bad.sort();
    Err(bad.first().copied().unwrap_or(SymId(0)))
}

/// The least defined symbol whose definition (transitively) mentions
/// itself, if any.
fn recursive_definition(defs: &HashMap<SymId, Lambda>) -> Option<SymId> {
    let deps: HashMap<SymId, Vec<SymId>> = defs
        .iter()
        .map(|(&s, l)| {
            let mut d: Vec<SymId> = l
                .body
                .symbols()
                .into_iter()
                .filter(|x| defs.contains_key(x))
                .collect();
            d.sort();
            d.dedup();
            (s, d)
        })
        .collect();
    let mut syms: Vec<SymId> = defs.keys().copied().collect();
    syms.sort();
    syms.into_iter().find(|&start| {
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<SymId> = deps.get(&start).cloned().unwrap_or_default();
        while let Some(x) = stack.pop() {
            if x == start {
                return true;
            }
            if seen.insert(x) {
                stack.extend(deps.get(&x).into_iter().flatten().copied());
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(body: Term) -> Lambda {
        Lambda::new(Vec::new(), body)
    }

    #[test]
    fn chains_close_and_cycles_are_named() {
        let (a, b, c, d) = (SymId(1), SymId(2), SymId(3), SymId(4));
        let mut defs = HashMap::new();
        defs.insert(a, def(Term::app(b, vec![])));
        defs.insert(b, def(Term::app(c, vec![])));
        defs.insert(c, def(Term::app(SymId(9), vec![])));
        let closed = close_definitions(&defs).expect("no cycle");
        assert_eq!(closed[&a].body, Term::app(SymId(9), vec![]));
        // d -> d and c -> d: the least symbol on a cycle is d (c only
        // leads to one).
        defs.insert(c, def(Term::app(d, vec![])));
        defs.insert(
            d,
            def(Term::and([Term::app(d, vec![]), Term::app(d, vec![])])),
        );
        assert_eq!(close_definitions(&defs).err(), Some(d));
        // Many doubling self-references fail at once instead of growing.
        for i in 10..60 {
            let s = SymId(i);
            defs.insert(
                s,
                def(Term::and([Term::app(s, vec![]), Term::app(a, vec![])])),
            );
        }
        assert_eq!(close_definitions(&defs).err(), Some(d));
    }
}
