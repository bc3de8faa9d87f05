//! The decidable fragment, checked on exactly what Z3 would see: the
//! violations of each obligation (with where each formula came from, so the
//! explanation points at the user's text), and the report of a whole run
//! with each distinct explanation once.

use ivyc_base::{Diagnostic, IntoDiagnostic};
use ivyc_fragment::{Origin, OriginKind, Origins};
use ivyc_logic::{System, Term};
use ivyc_sema::lower::Unit;
use ivyc_vc::{HypSource, Obligation, ObligationKind};

/// The fragment violations of one obligation, if any.
pub fn errors(system: &System, ob: &Obligation) -> Option<Vec<ivyc_fragment::FragmentError>> {
    // As in Ivy, a property assumed as an axiom is not part of the fragment
    // check (its own proof obligation is): the query may then be beyond the
    // fragment, and Z3 may answer unknown (exit 3), never a wrong verdict.
    let keep: Vec<bool> = ob
        .hyp_sources
        .iter()
        .map(|s| !matches!(s, HypSource::Property(_)))
        .chain(std::iter::repeat(true))
        .take(ob.hypotheses.len())
        .collect();
    let hyps: Vec<Term> = ob
        .hypotheses
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(h, _)| h.clone())
        .collect();
    let mut origins = origins(system, ob);
    origins.hyps = origins
        .hyps
        .into_iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(o, _)| o)
        .collect();
    ivyc_fragment::check(&ob.sig, &hyps, &ob.goal, &origins).err()
}

/// The fragment violations of every obligation as diagnostics, each
/// distinct explanation once with the obligations it concerns (in a note);
/// and how many obligations are outside the fragment.
pub struct FragmentReport {
    pub refused: usize,
    pub total: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every obligation (`(unit index, obligation)`) against the
/// decidable fragment.
pub fn report(units: &[Unit], obligations: &[(usize, Obligation)]) -> FragmentReport {
    let mut refused = 0;
    let mut shown: Vec<(String, Diagnostic, Vec<String>)> = Vec::new();
    for (u, ob) in obligations {
        let Some(unit) = units.get(*u) else {
            continue;
        };
        let Some(errors) = errors(&unit.system, ob) else {
            continue;
        };
        refused += 1;
        for e in dedup_errors(errors) {
            let diag = e.into_diagnostic();
            let key = format!("{:?}{:?}", diag.message, diag.labels);
            match shown.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, obs)) => obs.push(ob.title()),
                None => shown.push((key, diag, vec![ob.title()])),
            }
        }
    }
    let diagnostics = shown
        .into_iter()
        .map(|(_, diag, obs)| {
            let more = if obs.len() > 3 {
                format!(" and {} more", obs.len() - 3)
            } else {
                String::new()
            };
            let note = format!(
                "in: {}{more}",
                obs.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
            );
            diag.with_notes(vec![note])
        })
        .collect();
    FragmentReport {
        refused,
        total: obligations.len(),
        diagnostics,
    }
}

/// The same cycle is often found in many obligations of one action: report
/// each distinct explanation once per obligation.
fn dedup_errors(
    mut errors: Vec<ivyc_fragment::FragmentError>,
) -> Vec<ivyc_fragment::FragmentError> {
    let mut seen = Vec::new();
    errors.retain(|e| {
        let key = format!("{e:?}");
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    errors
}

/// Where each formula of an obligation came from, for the fragment checker.
fn origins(system: &System, ob: &Obligation) -> Origins {
    let action = ob.action.map(|a| a.as_str().to_owned());
    let hyps = ob
        .hyp_sources
        .iter()
        .map(|src| {
            Some(match src {
                HypSource::Axiom(i) => {
                    let p = system.axioms.get(*i);
                    let mut o = Origin::new(OriginKind::Axiom).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Property(i) => {
                    let p = system.properties.iter().chain(&system.lemmas).nth(*i);
                    let mut o = Origin::new(OriginKind::Property).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Invariant(i) => {
                    let p = system.invariants.get(*i);
                    let mut o =
                        Origin::new(OriginKind::Invariant).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Assumed(i) => {
                    let p = system.nested.iter().chain(&system.assumed).nth(*i);
                    let mut o =
                        Origin::new(OriginKind::Invariant).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Transition => {
                    let o = match ob.kind {
                        ObligationKind::Initiation => Origin::new(OriginKind::Init),
                        _ => Origin::new(OriginKind::Transition).with_span(ob.action_span),
                    };
                    match &action {
                        Some(a) => o.with_action(a),
                        None => o,
                    }
                }
            })
        })
        .collect();
    let mut goal = Origin::new(match ob.kind {
        ObligationKind::Assertion => OriginKind::Assertion,
        ObligationKind::Property => OriginKind::Property,
        _ => OriginKind::Invariant,
    })
    .with_span(ob.property_span);
    goal.label = ob.property_label;
    if let Some(a) = &action {
        goal = goal.with_action(a);
    }
    Origins {
        hyps,
        goal: Some(goal),
    }
}
