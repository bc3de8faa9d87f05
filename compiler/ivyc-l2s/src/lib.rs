//! ivyc-l2s: liveness to safety. A temporal property of a system, with its
//! proof (`tactic l2s with invariant ...`), becomes a safety problem — a new
//! [`ivyc_logic::System`] whose obligations go through the normal pipeline —
//! built as Ivy's `l2s` tactic builds it (Padon et al., "Reducing liveness
//! to safety in first-order logic", POPL 2018): a monitor (waiting → frozen
//! → saved), the finite domain `l2s_d` of the elements seen and its frozen
//! copy `l2s_a`, the tableau of the `globally` subformulas, the eventualities
//! waited for (`$l2s_w`), the saved state (`$l2s_s`), and an `idle` action
//! asserting that no fair cycle closes. `tactic invariance` (a `globally p`
//! goal proved by invariants) is the other reduction.
//!
//! Only the system is read: nothing here knows Ivy syntax or a solver.

pub mod binders;
mod construct;
pub mod error;
mod invariance;

pub use error::L2sError;

use ivyc_base::{Span, Symbol};
use ivyc_logic::{SymId, System, Tactic};
use std::collections::BTreeMap;

/// What a symbol of the transformed system is, for reports that must speak
/// the user's vocabulary rather than the construction's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L2sSymbol {
    /// One of the monitor's phase flags.
    Phase(Phase),
    /// `l2s_d` of one sort: the elements seen so far.
    Domain,
    /// `l2s_a` of one sort: the domain frozen when the monitor froze.
    FrozenDomain,
    /// The tableau variable of a `globally` subformula as it was before a
    /// statement (a local of the instrumentation).
    OldGlobally,
    /// A binder of the construction: its display text (Ivy syntax, e.g.
    /// `globally ~granted(_C)` or `$l2s_w . scheduled(_C)`).
    Binder(String),
}

/// The phases of the l2s monitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Before the domain is frozen (`l2s_waiting`).
    Waiting,
    /// Domain frozen, state not saved yet (`l2s_frozen`).
    Frozen,
    /// State saved: a fair cycle back to it would refute the property
    /// (`l2s_saved`).
    Saved,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Waiting => "waiting",
            Phase::Frozen => "frozen",
            Phase::Saved => "saved",
        }
    }
}

/// The safety problem of one temporal property.
#[derive(Clone, Debug)]
pub struct L2sUnit {
    /// Index of the property in the source system's `temporal.properties`.
    pub property: usize,
    /// The property's label and span.
    pub label: Option<Symbol>,
    pub span: Option<Span>,
    /// Which reduction produced it.
    pub reduction: Reduction,
    pub system: System,
    /// The construction's symbols (all others are the user's).
    pub symbols: BTreeMap<SymId, L2sSymbol>,
    /// The monitor phase flags (`l2s` only).
    pub phase: Option<[SymId; 3]>,
    /// The name of the `idle` action (`l2s` only).
    pub idle: Option<Symbol>,
}

/// The tactic that reduced the property to safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    L2s,
    Invariance,
}

impl Reduction {
    pub fn as_str(self) -> &'static str {
        match self {
            Reduction::L2s => "l2s",
            Reduction::Invariance => "invariance",
        }
    }
}

/// The safety problems of all temporal properties of `sys`, in order.
/// Earlier properties are assumed by later ones (as Ivy admits a proved
/// temporal property into the proof context).
pub fn units(sys: &System) -> Vec<Result<L2sUnit, L2sError>> {
    (0..sys.temporal.properties.len())
        .map(|i| transform(sys, i))
        .collect()
}

/// The safety problem of temporal property `index` of `sys`.
pub fn transform(sys: &System, index: usize) -> Result<L2sUnit, L2sError> {
    let Some(prop) = sys.temporal.properties.get(index) else {
        return Err(L2sError::NoSuchProperty { index });
    };
    match prop.reduction() {
        Some(Tactic::L2s {
            invariants,
            fair_cycle,
            full,
            ..
        }) => construct::l2s(sys, index, invariants, fair_cycle.as_ref(), *full),
        Some(Tactic::Invariance { invariants, span }) => {
            invariance::invariance(sys, index, invariants, *span)
        }
        _ => Err(L2sError::NotReduced {
            label: prop.property.label,
            span: prop.property.span,
        }),
    }
}
