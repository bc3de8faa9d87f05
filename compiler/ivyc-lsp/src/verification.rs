//! Verification on save, run on a worker thread: the pipeline's `verify`
//! over a snapshot of the document, turned into plain data the main loop
//! can publish (LSP diagnostics with their URIs) and keep for hover and
//! code lenses (each obligation's property, action and status). Results
//! carry the document version they were computed for; the main loop drops
//! those of a version that is no longer current.

use crate::analysis::{as_warning, Input};
use crate::convert::{self, Files};
use ivyc_base::IntoDiagnostic;
use ivyc_logic::{Signature, Term};
use ivyc_pipeline::verify::{self, Checked, Ended, VerifyOptions};
use ivyc_vc::{Counterexample, ObligationKind, Outcome, SymbolTable};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The code of an obligation the solver could not decide (a warning).
pub const CODE_UNDECIDED: &str = "check-undecided";

/// A verification to run.
pub struct Job {
    pub uri: Url,
    pub version: i32,
    pub input: Input,
    /// Set by the main loop when the document changes: the solver queries
    /// not yet started are skipped.
    pub cancel: Arc<AtomicBool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObStatus {
    Proved,
    Failed,
    Undecided,
    InternalError,
}

/// One obligation's result.
#[derive(Clone, Debug)]
pub struct ObligationResult {
    /// Where the invariant or assertion is written.
    pub property: Option<Location>,
    pub kind: ObligationKind,
    /// The exported action (`None`: the initialiser, or no action).
    pub action: Option<String>,
    pub title: String,
    pub status: ObStatus,
    /// For a failure, the compact counterexample; for an undecided one,
    /// the reason.
    pub detail: Option<String>,
}

/// What a verification found, for one document version.
pub struct Report {
    pub uri: Url,
    pub version: i32,
    /// Diagnostics to publish, with their documents.
    pub diagnostics: Vec<(Url, lsp_types::Diagnostic)>,
    pub obligations: Vec<ObligationResult>,
    /// One line: `12 obligations: 11 proved, 1 failed`.
    pub summary: String,
}

/// Run the pipeline's verification of the job's text.
pub fn run(job: &Job) -> Report {
    let (mut sources, root, mut loader) = job.input.load();
    let opts = VerifyOptions {
        jobs: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(4),
        // Saving again re-solves only what changed (docs/cache.md).
        cache_dir: ivyc_pipeline::cache::configured_dir(),
        ..VerifyOptions::default()
    };
    let run = verify::verify_cancellable(&mut sources, root, &mut loader, &opts, &job.cancel);
    let files = Files::new(&sources, root, &job.uri);
    let mut diagnostics: Vec<_> = run
        .diagnostics
        .iter()
        .map(|d| convert::diagnostic(&files, d))
        .collect();
    let mut obligations = Vec::new();
    let summary = match &run.ended {
        Ended::InputErrors => "not verified: the program has errors".to_string(),
        Ended::Reachable => "a reachable violation was found".to_string(),
        Ended::OutsideFragment(report) => {
            for d in &report.diagnostics {
                diagnostics.push(convert::diagnostic(&files, &as_warning(d.clone())));
            }
            format!(
                "not verified: {} of {} obligations are outside the decidable fragment",
                report.refused, report.total
            )
        }
        Ended::Discharged {
            checked,
            model_checked,
            bounded,
            exported,
            never_checked,
        } => {
            for c in checked {
                let r = result(&files, c);
                if let Some(d) = obligation_diagnostic(&files, c, &r) {
                    diagnostics.push(d);
                }
                obligations.push(r);
            }
            // Units model checked (`method = mc`) or searched to a bound
            // (`method = bmc[N]`): a diagnostic on the isolate when they fail.
            let searched = model_checked
                .iter()
                .map(|m| (m.unit, m.status(), "model checking"))
                .chain(
                    bounded
                        .iter()
                        .map(|b| (b.unit, b.status(), "bounded model checking")),
                );
            for (unit, status, how) in searched {
                if matches!(
                    status,
                    ivyc_pipeline::Status::CheckFailed | ivyc_pipeline::Status::InternalError
                ) {
                    let unit = run.units.get(unit);
                    let name = unit
                        .and_then(|u| u.name)
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "this".into());
                    let d = ivyc_base::diagnostic::error(
                        "bmc-violation",
                        format!("{how} of isolate `{name}` found a violation (run `ivyc verify` for the trace)"),
                    );
                    let d = match unit.and_then(|u| u.span) {
                        Some(s) => d.with_labels(vec![ivyc_base::diagnostic::primary(s, "")]),
                        None => d,
                    };
                    diagnostics.push(convert::diagnostic(&files, &d));
                }
            }
            for d in never_checked {
                diagnostics.push(convert::diagnostic(&files, d));
            }
            let count = |s| obligations.iter().filter(|o| o.status == s).count();
            let cached = checked.iter().filter(|c| c.cached).count();
            let vmt = if exported.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} isolate(s) exported to VMT-LIB, not checked",
                    exported.len()
                )
            };
            format!(
                "{} obligations: {} proved{}, {} failed, {} undecided{vmt}",
                obligations.len(),
                count(ObStatus::Proved),
                if cached > 0 {
                    format!(" ({cached} from cache)")
                } else {
                    String::new()
                },
                count(ObStatus::Failed),
                count(ObStatus::Undecided)
            )
        }
    };
    Report {
        uri: job.uri.clone(),
        version: job.version,
        diagnostics,
        obligations,
        summary,
    }
}

fn result(files: &Files, c: &Checked) -> ObligationResult {
    let ob = &c.obligation;
    let (status, detail) = match &c.outcome {
        Outcome::Proved => (ObStatus::Proved, None),
        Outcome::Failed(cex) => (ObStatus::Failed, Some(summary(&ob.sig, cex))),
        Outcome::Unknown(r) => (ObStatus::Undecided, Some(r.to_string())),
        Outcome::InternalError(e) => (ObStatus::InternalError, Some(e.message())),
    };
    ObligationResult {
        property: ob.property_span.and_then(|s| files.location(s)),
        kind: ob.kind,
        action: ob.action.map(|a| a.to_string()),
        title: ob.title(),
        status,
        detail,
    }
}

/// A user's name for an SSA or dotted local name: `consume.n#1` → `n`.
fn user_name(name: &str) -> &str {
    let base = ivyc_logic::signature::strip_fresh_suffix(name);
    base.rsplit('.').next().unwrap_or(base)
}

/// A one-line counterexample: the action call, the values that falsify
/// the property, and the first false conjunct.
pub fn summary(sig: &Signature, cex: &Counterexample) -> String {
    let mut parts = Vec::new();
    if let Some(a) = cex.action {
        let args: Vec<String> = cex
            .args
            .iter()
            .map(|(p, v)| {
                let value = v
                    .as_ref()
                    .map(|v| v.name(sig))
                    .unwrap_or_else(|| "?".into());
                format!("{} = {value}", user_name(sig.symbol_name(*p)))
            })
            .collect();
        parts.push(format!("{a}({})", args.join(", ")));
    }
    // The state the action starts from (the initial state for initiation).
    let (word, tables) = if cex.pre.is_empty() {
        ("after init", &cex.post)
    } else {
        ("from", &cex.pre)
    };
    if !tables.is_empty() {
        let shown: Vec<String> = tables
            .iter()
            .take(MAX_TABLES)
            .map(|t| format!("{} = {}", user_name(sig.symbol_name(t.sym)), table(sig, t)))
            .collect();
        let more = if tables.len() > MAX_TABLES {
            ", …"
        } else {
            ""
        };
        parts.push(format!("{word} {}{more}", shown.join(", ")));
    }
    if !cex.witness.is_empty() {
        let w: Vec<String> = cex
            .witness
            .iter()
            .map(|(v, x)| format!("{} = {}", v.name, x.name(sig)))
            .collect();
        parts.push(format!("violated for {}", w.join(", ")));
    }
    if let Some((_, c)) = cex.failed_conjuncts.first() {
        parts.push(format!("false: {}", conjunct(sig, c)));
    }
    parts.join("; ")
}

/// At most this many state symbols in a counterexample summary.
const MAX_TABLES: usize = 8;

/// A symbol's value: a constant's value, a relation's true tuples, a
/// function's `args ↦ value` entries.
fn table(sig: &Signature, t: &SymbolTable) -> String {
    let decl = sig.symbol(t.sym);
    let tuple = |a: &[ivyc_logic::Value]| {
        let items: Vec<String> = a.iter().map(|v| v.name(sig)).collect();
        if items.len() == 1 {
            items.join("")
        } else {
            format!("({})", items.join(", "))
        }
    };
    if decl.args.is_empty() {
        return t
            .rows
            .first()
            .map(|(_, v)| v.name(sig))
            .unwrap_or_else(|| "?".into());
    }
    let items: Vec<String> = if decl.is_relation() {
        t.rows
            .iter()
            .filter(|(_, v)| matches!(v, ivyc_logic::Value::Bool(true)))
            .map(|(a, _)| tuple(a))
            .collect()
    } else {
        t.rows
            .iter()
            .map(|(a, v)| format!("{} ↦ {}", tuple(a), v.name(sig)))
            .collect()
    };
    format!("{{{}}}", items.join(", "))
}

fn conjunct(sig: &Signature, t: &Term) -> String {
    let s = t.pretty(sig);
    let short: String = s.chars().take(120).collect();
    if short.len() < s.len() {
        format!("{short}…")
    } else {
        s
    }
}

/// The diagnostic of a failed or undecided obligation, on the property.
fn obligation_diagnostic(
    files: &Files,
    c: &Checked,
    r: &ObligationResult,
) -> Option<(Url, lsp_types::Diagnostic)> {
    let ob = &c.obligation;
    if let Outcome::InternalError(e) = &c.outcome {
        return Some(convert::diagnostic(
            files,
            &e.as_ref().clone().into_diagnostic(),
        ));
    }
    let in_action = r
        .action
        .as_ref()
        .map(|a| format!(" in action `{a}`"))
        .unwrap_or_default();
    let what = match ob.property_label {
        Some(l) => format!("[{l}]"),
        None => format!("`{}`", conjunct(&ob.sig, &ob.property)),
    };
    let (severity, code, mut message) = match (r.status, ob.kind) {
        (ObStatus::Proved, _) | (ObStatus::InternalError, _) => return None,
        (ObStatus::Failed, ObligationKind::Initiation) => (
            DiagnosticSeverity::ERROR,
            "check-failed",
            format!("invariant {what} does not hold initially"),
        ),
        (ObStatus::Failed, ObligationKind::Consecution) => (
            DiagnosticSeverity::ERROR,
            "check-failed",
            match &r.action {
                Some(a) => format!("invariant {what} is not preserved by action `{a}`"),
                None => format!("invariant {what} is not preserved"),
            },
        ),
        (ObStatus::Failed, _) => (
            DiagnosticSeverity::ERROR,
            "check-failed",
            format!("{} fails{in_action}", r.title),
        ),
        (ObStatus::Undecided, _) => (
            DiagnosticSeverity::WARNING,
            CODE_UNDECIDED,
            format!("could not decide: {}{in_action}", r.title),
        ),
    };
    if let Some(d) = &r.detail {
        let word = if r.status == ObStatus::Failed {
            "counterexample"
        } else {
            "reason"
        };
        message.push_str(&format!("\n{word}: {d}"));
    }
    if c.outside_fragment {
        message.push_str("\n(outside the decidable fragment)");
    }
    let mut related = Vec::new();
    if let (Some(span), Some(a)) = (ob.action_span, &r.action) {
        if let Some(location) = files.link_location(span) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: match (&r.detail, r.status) {
                    (Some(d), ObStatus::Failed) => format!("in action `{a}`: {d}"),
                    _ => format!("in action `{a}`"),
                },
            });
        }
    }
    let (uri, range) = match ob.property_span.and_then(|s| files.location(s)) {
        Some(l) => (l.uri, l.range),
        None => (files.root_uri.clone(), convert::origin()),
    };
    Some((
        uri,
        lsp_types::Diagnostic {
            range,
            severity: Some(severity),
            code: Some(NumberOrString::String(code.into())),
            source: Some("ivyc".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        },
    ))
}
