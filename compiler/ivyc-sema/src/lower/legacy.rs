//! The verification units of a program in Ivy 1.6 or older that declares
//! isolates (`ivy_isolate.py` and `ivy_check.py` before 1.7, see
//! `crate::version::Semantics::isolates_1_7`): one unit per untrusted
//! isolate and no unit `this`; a unit keeps the conjectures declared at
//! top level without a label and those of the objects it names or is given
//! `with` (a labelled top-level conjecture only when it names `this`), and
//! checks every conjecture it keeps; `init` conditions are kept by the same
//! rule; objects with an isolate of their own stay verified inside an
//! enclosing isolate. Calls, entries, assertions and the interference check
//! are those of 1.7 (`lower_units`).

use super::{
    action_within, called_from, checked_names, in_unit, lower_with, once_per_native,
    outside_writes, within, LowerError, Plan, Scope, Unit,
};
use crate::program::{ActionId, Program};
use crate::version::legacy_within;
use ivyc_base::diagnostic::{primary, warning};
use ivyc_base::{Diagnostic, IntoDiagnostic, Span, Symbol};
use ivyc_logic::{Property, Role, SymId};

/// One unit per untrusted isolate (see the module docs).
pub(super) fn lower_units(program: &Program) -> Result<Vec<Unit>, Vec<LowerError>> {
    let n_inv = program.invariants.len();
    let props: Vec<&Property> = program
        .invariants
        .iter()
        .chain(&program.properties)
        .collect();
    // The name Ivy files a formula under: its (full) label, else its
    // object; `None` for an unlabelled top-level formula.
    let name_of = |i: usize| -> Option<Symbol> {
        let origin = if i < n_inv {
            program.invariant_origins.get(i)
        } else {
            program.property_origins.get(i - n_inv)
        };
        props
            .get(i)
            .and_then(|p| p.label)
            .or_else(|| origin.and_then(|o| o.object))
    };
    let init_name = |i: usize| -> Option<Symbol> {
        program
            .init_conds
            .get(i)
            .and_then(|c| c.label)
            .or_else(|| program.init_cond_origins.get(i).and_then(|o| o.object))
    };
    let mut units = Vec::new();
    let mut errors = Vec::new();
    for iso in program
        .isolates
        .iter()
        .filter(|i| !i.trusted && !i.members.is_empty())
    {
        let scope: Vec<Symbol> = iso.members.iter().chain(&iso.with).copied().collect();
        let keep =
            |name: Option<Symbol>| name.is_none_or(|n| legacy_within(n, &scope, &program.privates));
        let hidden = |i: usize| !keep(name_of(i));
        // Conjectures kept are all checked; a property is proved where its
        // object is verified (or when it has no name), else assumed.
        let checked = |i: usize| {
            keep(name_of(i))
                && (i < n_inv
                    || name_of(i).is_none_or(|n| legacy_within(n, &iso.members, &program.privates)))
        };
        let init_conds = |i: usize| keep(init_name(i));
        let own = Scope::Within(&iso.members, &[]);
        let unit_scope = Scope::Isolate {
            members: &iso.members,
            with: &iso.with,
            nested: &[],
        };
        let called_from_outside = called_from(program, |a| !action_within(a, &scope));
        let mut entries = Vec::new();
        let mut internal = Vec::new();
        for (i, a) in program.actions.iter().enumerate() {
            let id = ActionId(u32::try_from(i).unwrap_or(u32::MAX));
            // An object declared `private` belongs to an isolate only when
            // the isolate names it (or something inside it).
            let hidden_object = program.privates.iter().any(|p| {
                action_within(a, std::slice::from_ref(p))
                    && !scope.iter().any(|r| within(*r, std::slice::from_ref(p)))
            });
            if !action_within(a, &scope) || hidden_object {
                continue;
            }
            let outside_call = called_from_outside.contains(&id);
            if a.exported || outside_call {
                if !a.exported {
                    internal.push(a.name);
                }
                entries.push((id, own.has_action(a)));
            }
        }
        // Code outside the isolate that writes what its conjectures read is
        // not an error before 1.7: ms-ivy checks only the declared isolates'
        // actions (a warning says so, `legacy_warnings`).
        let checked_entries = checked_names(program, &entries);
        let plan = Plan {
            entries,
            checked,
            nested: &|_: usize| false,
            verified: own,
            present: unit_scope,
            named: &iso.with,
            hidden: &hidden,
            init_conds: &init_conds,
            unroll: program.loop_unrolling(Some(iso.name)),
        };
        match lower_with(program, &plan) {
            Ok(l) => units.push(Unit {
                name: Some(iso.name),
                span: Some(iso.span),
                system: l.system,
                internal_entries: internal,
                checked_actions: [checked_entries, l.verified_calls].concat(),
                summaries: l.summaries,
            }),
            Err(e) => errors.extend(in_unit(e, iso.name)),
        }
    }
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(once_per_native(errors))
    }
}

/// What an Ivy 1.6 program with isolates leaves unchecked: ms-ivy checks
/// only the declared isolates (there is no isolate `this`), and so does
/// ivyc, but it says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyWarning {
    /// A conjecture that no isolate keeps.
    UncheckedConjecture { label: Option<Symbol>, span: Span },
    /// An action of no isolate writes what an isolate's conjectures read:
    /// nothing checks that the action preserves them.
    UncheckedWrite {
        isolate: Symbol,
        action: Symbol,
        symbol: Symbol,
        write: Span,
        isolate_span: Span,
    },
}

const LEGACY_NOTE: &str = "note: before Ivy 1.7 only the declared isolates are checked; an isolate keeps the conjectures of the objects it names or is given `with`, and the unlabelled top-level ones";

impl IntoDiagnostic for LegacyWarning {
    fn code(&self) -> &'static str {
        match self {
            LegacyWarning::UncheckedConjecture { .. } => "unchecked-conjecture",
            LegacyWarning::UncheckedWrite { .. } => "unchecked-write",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        match self {
            LegacyWarning::UncheckedConjecture { label, span } => {
                let what = match label {
                    Some(l) => format!("conjecture [{l}]"),
                    None => "this conjecture".to_string(),
                };
                warning(self.code(), format!("{what} is checked by no isolate"))
                    .with_labels(vec![primary(*span, "never checked")])
                    .with_notes(vec![
                        LEGACY_NOTE.to_string(),
                        "help: name its object in an isolate (or remove the label of a top-level conjecture, or add `this` to an isolate)".to_string(),
                    ])
            }
            LegacyWarning::UncheckedWrite {
                isolate,
                action,
                symbol,
                write,
                isolate_span,
            } => warning(
                self.code(),
                format!(
                    "no isolate checks that action `{action}` preserves the conjectures of isolate `{isolate}`, which read `{symbol}`"
                ),
            )
            .with_labels(vec![
                primary(*write, format!("`{symbol}` modified here")),
                ivyc_base::diagnostic::secondary(*isolate_span, "isolate declared here"),
            ])
            .with_notes(vec![
                LEGACY_NOTE.to_string(),
                "help: add the action's object to an isolate (ms-ivy, like ivyc, reports OK without checking it)".to_string(),
            ]),
        }
    }
}

/// What a 1.6 program with isolates leaves unchecked: conjectures no unit
/// checks, and writes by actions of no isolate to what a unit's
/// conjectures read.
pub(super) fn legacy_warnings(program: &Program, units: &[Unit]) -> Vec<LegacyWarning> {
    if program.isolates.is_empty() || program.semantics().isolates_1_7() {
        return Vec::new();
    }
    let checked: Vec<Span> = units
        .iter()
        .flat_map(|u| u.system.invariants.iter().filter_map(|p| p.span))
        .collect();
    let mut out: Vec<LegacyWarning> = program
        .invariants
        .iter()
        .filter_map(|p| p.span.map(|s| (p.label, s)))
        .filter(|(_, s)| !checked.contains(s))
        .map(|(label, span)| LegacyWarning::UncheckedConjecture { label, span })
        .collect();
    for unit in units {
        let Some(iso) = program.isolates.iter().find(|i| Some(i.name) == unit.name) else {
            continue;
        };
        let scope: Vec<Symbol> = iso.members.iter().chain(&iso.with).copied().collect();
        let unit_scope = Scope::Isolate {
            members: &iso.members,
            with: &iso.with,
            nested: &[],
        };
        // The unit's signature extends the program's (same symbol ids).
        let read: Vec<SymId> = unit
            .system
            .invariants
            .iter()
            .flat_map(|p| p.formula.symbols())
            .filter(|s| program.sig.symbol(*s).role == Role::State)
            .collect();
        for a in program.actions.iter().filter(|a| !action_within(a, &scope)) {
            for (sym, span) in outside_writes(a, unit_scope) {
                if read.contains(&sym) {
                    out.push(LegacyWarning::UncheckedWrite {
                        isolate: iso.name,
                        action: a.name,
                        symbol: program.sig.symbol(sym).name,
                        write: span,
                        isolate_span: iso.span,
                    });
                }
            }
        }
    }
    out
}
