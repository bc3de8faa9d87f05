//! The decidable fragment as Ivy checks it: per verification unit, all
//! the unit's formulas in one graph (`ivyc_vc::fragment_view`, see
//! docs/fragment.md), each formula with where it came from so the
//! explanation points at the user's text; and the report of a whole run
//! with each distinct explanation once.

use ivyc_base::{Diagnostic, IntoDiagnostic};
use ivyc_fragment::{Origin, OriginKind};
use ivyc_logic::{Property, System};
use ivyc_sema::lower::Unit;
use ivyc_vc::{HypSource, Obligation, ViewSource};

/// The fragment violations of a unit, if any: Ivy's check of an isolate,
/// over all its formulas at once (`ivyc_vc::fragment_view`). As in Ivy,
/// properties assumed as axioms are not hypotheses of the check (they are
/// asserted, as they are proved), and the initialiser is not part of it:
/// a query beyond the fragment may then end `unknown` (exit 3), never with
/// a wrong verdict.
pub fn unit_errors(system: &System) -> Option<Vec<ivyc_fragment::FragmentError>> {
    let view = ivyc_vc::fragment_view(system);
    let hyp_origins: Vec<Option<Origin>> = view
        .hyp_sources
        .iter()
        .map(|s| view_origin(system, s))
        .collect();
    let goal_origins: Vec<Option<Origin>> = view
        .goal_sources
        .iter()
        .map(|s| view_origin(system, s))
        .collect();
    ivyc_fragment::check_all(
        &view.sig,
        &view.hyps,
        &view.goals,
        &hyp_origins,
        &goal_origins,
    )
    .err()
}

/// The fragment violations of an obligation checked on its own (the
/// deadlock-freedom obligation of `verify --deadlock`, whose goal is no
/// formula of the unit): `hypotheses ⇒ goal` after Skolemisation. "Some
/// action is enabled" quantifies arguments existentially; under the
/// universally quantified invariants that is a ∀∃ alternation, which
/// leaves the fragment when it closes a cycle of sorts.
pub fn obligation_errors(
    system: &System,
    ob: &Obligation,
) -> Option<Vec<ivyc_fragment::FragmentError>> {
    let mut origins = ivyc_fragment::Origins::with_goal(
        Origin::new(OriginKind::Other)
            .with_label("deadlock freedom (some exported action is enabled)"),
    );
    for s in ob.hyp_sources.iter() {
        origins = origins.hyp(
            view_origin(system, &ViewSource::Hyp(*s))
                .unwrap_or_else(|| Origin::new(OriginKind::Other)),
        );
    }
    ivyc_fragment::check(&ob.sig, &ob.hypotheses, &ob.goal, &origins).err()
}

/// The fragment report of a run.
pub struct FragmentReport {
    /// Some unit is outside the fragment (possibly one without
    /// obligations, whose axioms are outside).
    pub outside: bool,
    /// Obligations refused: all those of the units outside.
    pub refused: usize,
    /// Obligations in the run.
    pub total: usize,
    /// Each distinct explanation once, with the obligations it concerns
    /// in a note.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every unit against the decidable fragment; `obligations` are
/// the run's `(unit index, obligation)` pairs (for the notes and counts).
pub fn report(units: &[Unit], obligations: &[(usize, Obligation)]) -> FragmentReport {
    let mut refused = 0;
    let mut outside = false;
    let mut shown: Vec<(String, Diagnostic, Vec<String>)> = Vec::new();
    // Deadlock-freedom obligations, checked on their own (their unit's
    // check does not see their goal), when their unit is inside.
    for (u, ob) in obligations {
        if ob.kind != ivyc_vc::ObligationKind::DeadlockFreedom {
            continue;
        }
        let Some(unit) = units.get(*u) else { continue };
        if unit_errors(&unit.system).is_some() {
            continue;
        }
        let Some(errors) = obligation_errors(&unit.system, ob) else {
            continue;
        };
        outside = true;
        refused += 1;
        let title = match unit.name {
            Some(n) => format!("{} (isolate {n})", ob.title()),
            None => ob.title(),
        };
        for e in dedup_errors(errors) {
            let diag = e.into_diagnostic();
            let key = format!("{:?}{:?}", diag.message, diag.labels);
            shown.push((
                key,
                diag.with_notes(vec![
                    "the deadlock-freedom obligation leaves the decidable fragment: \"some action is enabled\" quantifies the action's arguments and choices existentially, under the universally quantified invariants (a ∀∃ alternation); `--no-fragment-check` sends it to Z3 anyway".to_string(),
                ]),
                vec![title.clone()],
            ));
        }
    }
    for (u, unit) in units.iter().enumerate() {
        let Some(errors) = unit_errors(&unit.system) else {
            continue;
        };
        outside = true;
        let mut titles: Vec<String> = obligations
            .iter()
            .filter(|(i, _)| *i == u)
            .map(|(_, ob)| ob.title())
            .collect();
        refused += titles.len();
        if titles.is_empty() {
            titles.push(match unit.name {
                Some(n) => format!("the axioms of isolate {n}"),
                None => "the axioms".to_string(),
            });
        }
        for e in dedup_errors(errors) {
            let diag = e.into_diagnostic();
            let key = format!("{:?}{:?}", diag.message, diag.labels);
            match shown.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, obs)) => obs.extend(titles.iter().cloned()),
                None => shown.push((key, diag, titles.clone())),
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
        outside,
        refused,
        total: obligations.len(),
        diagnostics,
    }
}

/// The same cycle is often found in many formulas of one unit: report
/// each distinct explanation once.
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

/// Where a formula of a unit's fragment view came from.
fn view_origin(system: &System, src: &ViewSource) -> Option<Origin> {
    let labeled = |kind: OriginKind, p: Option<&Property>| {
        let mut o = Origin::new(kind).with_span(p.and_then(|p| p.span));
        o.label = p.and_then(|p| p.label);
        o
    };
    Some(match src {
        ViewSource::Hyp(HypSource::Axiom(i)) => labeled(OriginKind::Axiom, system.axioms.get(*i)),
        ViewSource::Hyp(HypSource::Property(i)) | ViewSource::Property(i) => labeled(
            OriginKind::Property,
            system
                .properties
                .iter()
                .chain(&system.lemmas)
                .chain(&system.proved)
                .nth(*i),
        ),
        ViewSource::Hyp(HypSource::Premise(i, j)) => labeled(
            OriginKind::Property,
            system.goals.get(*i).and_then(|g| g.premises.get(*j)),
        ),
        ViewSource::Goal(i) => {
            let g = system.goals.get(*i);
            let mut o = Origin::new(OriginKind::Property).with_span(g.and_then(|g| g.span));
            o.label = g.and_then(|g| g.label);
            o
        }
        ViewSource::Hyp(HypSource::Invariant(i)) | ViewSource::Invariant(i) => {
            labeled(OriginKind::Invariant, system.invariants.get(*i))
        }
        ViewSource::Hyp(HypSource::Assumed(i)) => labeled(
            OriginKind::Invariant,
            system.nested.iter().chain(&system.assumed).nth(*i),
        ),
        ViewSource::Hyp(HypSource::Transition) => Origin::new(OriginKind::Transition),
        ViewSource::Transition { action, span } => Origin::new(OriginKind::Transition)
            .with_span(*span)
            .with_action(action.as_str()),
        ViewSource::Failure { action, assertion } => Origin::new(OriginKind::Assertion)
            .with_span(*assertion)
            .with_action(action.as_str()),
    })
}
