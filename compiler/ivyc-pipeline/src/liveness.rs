//! Temporal properties in `verify`: each unit's temporal properties become
//! extra units (their liveness-to-safety systems, `ivyc-l2s`) whose
//! obligations are checked like any other, and the data a report needs to
//! speak of them in the user's terms (which property, which reduction,
//! which symbols are the construction's).

use ivyc_base::{Diagnostic, IntoDiagnostic, Span, Symbol};
use ivyc_l2s::{L2sSymbol, Reduction};
use ivyc_logic::SymId;
use ivyc_sema::lower::Unit;
use std::collections::BTreeMap;

/// One temporal property reduced to safety.
#[derive(Clone, Debug)]
pub struct Liveness {
    /// The unit (in `VerifyRun::units`) holding the safety problem.
    pub unit: usize,
    /// The unit the property belongs to (its isolate).
    pub base: usize,
    pub label: Option<Symbol>,
    pub span: Option<Span>,
    pub reduction: Reduction,
    /// The construction's symbols, for counterexamples.
    pub symbols: BTreeMap<SymId, L2sSymbol>,
    /// `l2s_waiting`, `l2s_frozen`, `l2s_saved` (l2s only).
    pub phase: Option<[SymId; 3]>,
    /// The monitor's action (l2s only).
    pub idle: Option<Symbol>,
}

impl Liveness {
    /// `[label]`, or `(line N)` for a property without one.
    pub fn name(&self) -> String {
        match self.label {
            Some(l) => format!("[{l}]"),
            None => "temporal property".to_string(),
        }
    }
}

/// Appends to `units` the safety problem of every temporal property of
/// every unit; returns what each one is, or the reasons some cannot be
/// reduced.
pub fn add_units(units: &mut Vec<Unit>) -> Result<Vec<Liveness>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut extra = Vec::new();
    for (base, u) in units.iter().enumerate() {
        for r in ivyc_l2s::units(&u.system) {
            match r {
                Ok(l) => {
                    let unit = units.len() + extra.len();
                    out.push(Liveness {
                        unit,
                        base,
                        label: l.label,
                        span: l.span,
                        reduction: l.reduction,
                        symbols: l.symbols,
                        phase: l.phase,
                        idle: l.idle,
                    });
                    extra.push(Unit {
                        name: u.name,
                        span: u.span,
                        system: l.system,
                        internal_entries: u.internal_entries.clone(),
                        checked_actions: Vec::new(),
                        summaries: Vec::new(),
                    });
                }
                Err(e) => errors.push(e.into_diagnostic()),
            }
        }
    }
    units.extend(extra);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
