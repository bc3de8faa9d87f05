//! The verification input produced by sema: signature, axioms, the initial
//! command, actions and invariants (`System`, `Action`, `Property`).

use crate::cmd::Cmd;
use crate::signature::{Signature, SymId};
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
    }
}

/// Substitutes definitions into each other until no body mentions a
/// defined symbol; `Err(sym)` if `sym` is (mutually) recursive.
pub fn close_definitions(defs: &HashMap<SymId, Lambda>) -> Result<HashMap<SymId, Lambda>, SymId> {
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
