//! Temporal properties in the `verify` report: one line per property
//! proved by liveness to safety (`✓ [p] via l2s: 14 obligations`), the
//! obligations of a failed proof, and failures explained in the user's
//! terms: which l2s invariant broke, in which phase of the monitor, with
//! the construction's symbols shown as the formulas they stand for.

use super::{at_line, error_diag, millis, obligation_line, plural, primary, secondary};
use super::{counterexample_text as plain_counterexample_text, Renderer};
use ivyc_base::{Diagnostic, SourceMap};
use ivyc_l2s::{L2sSymbol, Phase, Reduction};
use ivyc_logic::{Signature, SymId, Value};
use ivyc_pipeline::liveness::Liveness;
use ivyc_pipeline::verify::Checked;
use ivyc_vc::{Counterexample, ObligationKind, Outcome, SymbolTable};

fn mark(o: &Outcome) -> &'static str {
    match o {
        Outcome::Proved => "✓",
        Outcome::Failed(_) => "✗",
        Outcome::Unknown(_) => "?",
        Outcome::InternalError(_) => "!",
    }
}

/// Whether `c` is the fair-cycle check of the monitor.
fn is_fair_cycle(c: &Checked, l: &Liveness) -> bool {
    c.obligation.kind == ObligationKind::Assertion
        && l.reduction == Reduction::L2s
        && c.obligation.action.is_some()
        && c.obligation.action == l.idle
}

/// Whether `c` is a goal left by the proof of the fair-cycle assertion
/// (`tactic l2s with ... proof {...}`): an assertion of the monitor at the
/// proof rather than at the property.
fn is_fair_cycle_goal(c: &Checked, l: &Liveness) -> bool {
    is_fair_cycle(c, l)
        && c.obligation.property_span.is_some()
        && c.obligation.property_span != l.span
}

/// One obligation of a temporal property, in words.
fn line(sources: &SourceMap, c: &Checked, l: &Liveness) -> String {
    if is_fair_cycle_goal(c, l) {
        let at = at_line(sources, c.obligation.property_span);
        return format!("goal of the proof of the fair-cycle assertion{at} (checked in idle)");
    }
    if is_fair_cycle(c, l) {
        return "no fair cycle closes (the monitor's check in idle)".to_string();
    }
    if l.reduction == Reduction::Invariance && c.obligation.kind == ObligationKind::Assertion {
        let action = c
            .obligation
            .action
            .map(|a| a.to_string())
            .unwrap_or_else(|| "init".into());
        return format!("{} holds after every write in {action}", l.name());
    }
    obligation_line(sources, c)
}

/// The lines of the temporal properties: one per property when all its
/// obligations are proved, its obligations otherwise.
pub(super) fn report(out: &Renderer, sources: &SourceMap, lives: &[Liveness], checked: &[Checked]) {
    for l in lives {
        let cs: Vec<&Checked> = checked.iter().filter(|c| c.unit == l.unit).collect();
        let n = cs.len();
        let proved = cs.iter().filter(|c| c.outcome.is_proved()).count();
        let at = at_line(sources, l.span);
        let via = l.reduction.as_str();
        if proved == n {
            out.line(&format!(
                "✓ {}{at} via {via}: {n} obligation{}",
                l.name(),
                plural(n)
            ));
            continue;
        }
        out.line(&format!("temporal property {}{at} via {via}", l.name()));
        let mut group: Option<String> = None;
        for c in &cs {
            let g = match c.obligation.action {
                Some(a) => format!("  action {a}"),
                None => "  init".to_string(),
            };
            if group.as_ref() != Some(&g) {
                out.line(&g);
                group = Some(g);
            }
            out.line(&format!(
                "    {} {}  {}",
                mark(&c.outcome),
                line(sources, c, l),
                millis(c.time)
            ));
        }
        let failed = cs
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
            .count();
        let summary = if failed > 0 {
            format!(
                "✗ {} via {via}: {failed} of {n} obligations failed",
                l.name()
            )
        } else {
            format!(
                "? {} via {via}: {} of {n} obligations not proved",
                l.name(),
                n - proved
            )
        };
        out.line(&summary);
    }
}

/// The diagnostic for a failed obligation of a temporal property.
pub(super) fn failure_diagnostic(sources: &SourceMap, c: &Checked, l: &Liveness) -> Diagnostic {
    let ob = &c.obligation;
    let what = super::property_name(sources, ob);
    let prop = l.name();
    let via = l.reduction.as_str();
    let in_action = match ob.action {
        Some(a) if Some(a) == l.idle => " by a step of the l2s monitor (`idle`)".to_string(),
        Some(a) => format!(" by action `{a}`"),
        None => String::new(),
    };
    let (message, label, note) = if is_fair_cycle_goal(c, l) {
        (
            format!("a goal left by the proof of the {via} fair-cycle assertion of temporal property {prop} does not hold"),
            "this proof leaves a goal that can be false".to_string(),
            "a counterexample follows: a state of the monitor's step `idle` satisfying the invariants in which the goal (premises -> conclusion) is false".to_string(),
        )
    } else if is_fair_cycle(c, l) {
        (
            format!("the {via} proof of temporal property {prop} does not rule out a fair cycle"),
            "this property may fail on a fair lasso".to_string(),
            "a counterexample follows: a state in phase `saved` where every awaited eventuality ($l2s_w) has happened and the frozen part of the state (l2s_a) equals the saved one ($l2s_s); strengthen the invariants so that no such state is reachable — or the property is false".to_string(),
        )
    } else {
        match ob.kind {
            ObligationKind::Initiation => (
                format!("{via} invariant {what} of temporal property {prop} does not hold initially"),
                "this invariant is false after init".to_string(),
                "a counterexample follows: an initial state of the transformed system (the negated property assumed) violating the invariant".to_string(),
            ),
            ObligationKind::Consecution => (
                format!("{via} invariant {what} of temporal property {prop} is not preserved{in_action}"),
                "this invariant can become false".to_string(),
                "a counterexample to induction of the transformed system follows; `l2s phase` is the monitor's phase before → after".to_string(),
            ),
            _ => (
                format!("temporal property {prop} can be false{in_action}"),
                "false after a write".to_string(),
                "a counterexample follows: a state satisfying the invariants from which the action reaches a state violating the property".to_string(),
            ),
        }
    };
    let mut labels = Vec::new();
    if let Some(s) = ob.property_span {
        labels.push(primary(s, label));
    }
    if let Some(s) = l.span {
        if Some(s) != ob.property_span {
            labels.push(secondary(s, format!("temporal property {prop}")));
        }
    }
    if let (Some(s), Some(a)) = (ob.action_span, ob.action) {
        if Some(a) != l.idle {
            labels.push(secondary(s, format!("in action `{a}`")));
        }
    }
    error_diag("check-failed", message)
        .with_labels(labels)
        .with_notes(vec![note])
}

/// The value of a 0-ary boolean in a state's tables.
fn flag(tables: &[SymbolTable], sym: SymId) -> Option<bool> {
    tables
        .iter()
        .find(|t| t.sym == sym)
        .and_then(|t| t.rows.first())
        .and_then(|(_, v)| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        })
}

/// The monitor's phase in a state.
fn phase(tables: &[SymbolTable], flags: [SymId; 3]) -> Option<Phase> {
    let [w, f, s] = flags;
    let phases = [
        (flag(tables, w), Phase::Waiting),
        (flag(tables, f), Phase::Frozen),
        (flag(tables, s), Phase::Saved),
    ];
    let on: Vec<Phase> = phases
        .iter()
        .filter(|(v, _)| *v == Some(true))
        .map(|(_, p)| *p)
        .collect();
    match on.as_slice() {
        [p] => Some(*p),
        _ => None,
    }
}

fn phase_text(tables: &[SymbolTable], flags: [SymId; 3]) -> String {
    match phase(tables, flags) {
        Some(p) => p.as_str().to_string(),
        None => {
            let names = ["waiting", "frozen", "saved"];
            let on: Vec<&str> = flags
                .iter()
                .zip(names)
                .filter(|(s, _)| flag(tables, **s) == Some(true))
                .map(|(_, n)| n)
                .collect();
            if on.is_empty() {
                "none".into()
            } else {
                on.join(" and ")
            }
        }
    }
}

/// The counterexample of an obligation of a temporal property: the
/// monitor's phase on one line instead of its three flags, the other
/// construction symbols under the formulas they stand for.
pub(super) fn counterexample_text(sig: &Signature, cex: &Counterexample, l: &Liveness) -> String {
    let Some(flags) = l.phase else {
        return plain_counterexample_text(sig, cex);
    };
    let is_flag = |s: SymId| flags.contains(&s);
    let mut shown = cex.clone();
    shown.pre.retain(|t| !is_flag(t.sym));
    shown.post.retain(|t| !is_flag(t.sym));
    let text = plain_counterexample_text(sig, &shown);
    let phase_line = if cex.post.is_empty() {
        format!("  l2s phase: {}\n", phase_text(&cex.pre, flags))
    } else if cex.pre.is_empty() {
        format!("  l2s phase after init: {}\n", phase_text(&cex.post, flags))
    } else {
        format!(
            "  l2s phase: {} → {}\n",
            phase_text(&cex.pre, flags),
            phase_text(&cex.post, flags)
        )
    };
    let mut out = String::new();
    let mut inserted = false;
    for line in text.split_inclusive('\n') {
        if !inserted && line.starts_with("  state") {
            out.push_str(&phase_line);
            inserted = true;
        }
        out.push_str(line);
    }
    if !inserted {
        out.push_str(&phase_line);
    }
    let _ = L2sSymbol::Domain;
    out
}
