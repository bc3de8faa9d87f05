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
        // Code outside the isolate must not write what its conjectures read.
        let read: Vec<SymId> = (0..props.len())
            .filter(|i| checked(*i))
            .filter_map(|i| props.get(i))
            .flat_map(|p| p.formula.symbols())
            .filter(|s| program.sig.symbol(*s).role == Role::State)
            .collect();
        for a in &program.actions {
            for (sym, span) in outside_writes(a, unit_scope) {
                if read.contains(&sym) {
                    errors.push(LowerError::Interference {
                        isolate: iso.name,
                        action: a.name,
                        symbol: program.sig.symbol(sym).name,
                        write: span,
                        isolate_span: iso.span,
                    });
                }
            }
        }
        let checked_entries = checked_names(program, &entries);
        let plan = Plan {
            entries,
            checked,
            nested: &|_: usize| false,
            verified: own,
            present: unit_scope,
            hidden: &hidden,
            init_conds: &init_conds,
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

/// A conjecture of an Ivy 1.6 program with isolates that no isolate
/// keeps: ms-ivy never checks it (there is no isolate `this`), and neither
/// does ivyc, but it says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncheckedConjecture {
    pub label: Option<Symbol>,
    pub span: Span,
}

impl IntoDiagnostic for UncheckedConjecture {
    fn code(&self) -> &'static str {
        "unchecked-conjecture"
    }

    fn into_diagnostic(&self) -> Diagnostic {
        let what = match self.label {
            Some(l) => format!("conjecture [{l}]"),
            None => "this conjecture".to_string(),
        };
        warning(
            self.code(),
            format!("{what} is checked by no isolate"),
        )
        .with_labels(vec![primary(self.span, "never checked")])
        .with_notes(vec![
            "note: before Ivy 1.7 only the declared isolates are checked; an isolate keeps the conjectures of the objects it names or is given `with`, and the unlabelled top-level ones".to_string(),
            "help: name its object in an isolate (or remove the label of a top-level conjecture, or add `this` to an isolate)".to_string(),
        ])
    }
}

/// The conjectures of a 1.6 program with isolates that no unit checks.
pub(super) fn unchecked_conjectures(program: &Program, units: &[Unit]) -> Vec<UncheckedConjecture> {
    if program.isolates.is_empty() || program.semantics().isolates_1_7() {
        return Vec::new();
    }
    let checked: Vec<Span> = units
        .iter()
        .flat_map(|u| u.system.invariants.iter().filter_map(|p| p.span))
        .collect();
    program
        .invariants
        .iter()
        .filter_map(|p| p.span.map(|s| (p.label, s)))
        .filter(|(_, s)| !checked.contains(s))
        .map(|(label, span)| UncheckedConjecture { label, span })
        .collect()
}
