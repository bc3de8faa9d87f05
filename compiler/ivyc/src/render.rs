//! The only place ivyc prints: diagnostics for people (codespan-reporting)
//! or as JSON lines for tools, and plain report lines on stdout.

use crate::cli::{Detail, MessageFormat};
use codespan_reporting::diagnostic::{LabelStyle, Severity};
use codespan_reporting::term::{self, Config};
use ivyc_base::{Diagnostic, SourceMap};
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;

use crate::window::Windowed;

mod liveness;

/// Version of the JSON diagnostic format (see docs/cli.md).
pub const JSON_DIAGNOSTIC_VERSION: u32 = 1;

/// At most this many diagnostics of one code are shown; the rest are
/// counted (hostile input can produce thousands of the same error).
pub const MAX_PER_CODE: usize = 50;

/// Collects counts and prints diagnostics in the chosen format.
pub struct Renderer {
    format: MessageFormat,
    config: Config,
    errors: usize,
    warnings: usize,
    /// Diagnostics shown so far, by code.
    shown: HashMap<String, usize>,
}

impl Renderer {
    pub fn new(format: MessageFormat) -> Self {
        Renderer {
            format,
            config: Config::default(),
            errors: 0,
            warnings: 0,
            shown: HashMap::new(),
        }
    }

    /// Print diagnostics in order (see [`Renderer::diagnostic`]).
    pub fn diagnostics(&mut self, sources: &SourceMap, diags: &[Diagnostic]) {
        for d in diags {
            self.diagnostic(sources, d);
        }
    }

    /// Print one diagnostic to stderr (human) or stdout (json). A
    /// diagnostic without labels or notes is a plain one-line message.
    /// After [`MAX_PER_CODE`] of one code, the rest are only counted.
    pub fn diagnostic(&mut self, sources: &SourceMap, diag: &Diagnostic) {
        self.diagnostic_with(sources, diag, serde_json::Map::new());
    }

    /// [`Renderer::diagnostic`], with `extra` fields added to the JSON
    /// object (what a person reads after the diagnostic, e.g. the
    /// counterexample, so that each JSON line is self-contained).
    pub fn diagnostic_with(
        &mut self,
        sources: &SourceMap,
        diag: &Diagnostic,
        extra: serde_json::Map<String, serde_json::Value>,
    ) {
        match diag.severity {
            Severity::Bug | Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note | Severity::Help => {}
        }
        let code = diag.code.clone().unwrap_or_default();
        let shown = self.shown.entry(code).or_insert(0);
        *shown += 1;
        if *shown > MAX_PER_CODE {
            return;
        }
        if diag.labels.is_empty() && diag.notes.is_empty() {
            self.plain(
                diag.severity,
                diag.code.as_deref().unwrap_or(""),
                &diag.message,
            );
            return;
        }
        match self.format {
            MessageFormat::Human => {
                let (view, notes) = Windowed::new(sources, diag);
                let text = if notes.is_empty() {
                    term::emit_into_string(&self.config, &view, diag)
                } else {
                    let mut d = diag.clone();
                    d.notes.extend(notes);
                    term::emit_into_string(&self.config, &view, &d)
                };
                let text =
                    text.unwrap_or_else(|e| format!("{}: {}\n", severity_word(diag.severity), e));
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
            MessageFormat::Json => {
                let mut line = json_diagnostic(sources, diag);
                if let Some(obj) = line.as_object_mut() {
                    obj.extend(extra);
                }
                println!("{line}");
            }
        }
    }

    /// A closing summary line for people (nothing in JSON mode), after a
    /// count of the diagnostics not shown.
    pub fn summary(&mut self) {
        let mut hidden: Vec<(String, usize)> = self
            .shown
            .iter()
            .filter(|(_, n)| **n > MAX_PER_CODE)
            .map(|(c, n)| (c.clone(), n - MAX_PER_CODE))
            .collect();
        hidden.sort();
        for (code, n) in hidden {
            self.shown.insert(code.clone(), MAX_PER_CODE);
            let message = format!(
                "{n} more `{code}` diagnostic{} not shown (only the first {MAX_PER_CODE} of a kind are)",
                plural(n)
            );
            self.plain(Severity::Note, "diagnostics-not-shown", &message);
        }
        if self.format == MessageFormat::Human && (self.errors > 0 || self.warnings > 0) {
            eprintln!(
                "{} error{}, {} warning{} emitted",
                self.errors,
                plural(self.errors),
                self.warnings,
                plural(self.warnings)
            );
        }
    }

    /// A line of a report for people on stdout.
    pub fn line(&self, text: &str) {
        if self.format == MessageFormat::Human {
            println!("{text}");
        }
    }

    /// An error that is not tied to a source file (e.g. an unreadable path).
    pub fn plain_error(&mut self, code: &str, message: &str) {
        self.errors += 1;
        self.plain(Severity::Error, code, message);
    }

    /// A one-line message without a source location.
    fn plain(&self, severity: Severity, code: &str, message: &str) {
        let word = severity_word(severity);
        match self.format {
            MessageFormat::Human => eprintln!("{word}[{code}]: {message}"),
            MessageFormat::Json => println!(
                "{}",
                json!({"version": JSON_DIAGNOSTIC_VERSION, "severity": word,
                       "code": code, "message": message, "labels": []})
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Bug => "bug",
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
        Severity::Help => "help",
    }
}

/// One diagnostic as a JSON object: the primary location first, then labels.
pub fn json_diagnostic(sources: &SourceMap, diag: &Diagnostic) -> serde_json::Value {
    let labels: Vec<serde_json::Value> = diag
        .labels
        .iter()
        .map(|l| {
            let (line, col) = sources.line_col(l.file_id, l.range.start);
            let (end_line, end_col) = sources.line_col(l.file_id, l.range.end);
            json!({
                "file": sources.name(l.file_id),
                "line": line, "col": col,
                "end_line": end_line, "end_col": end_col,
                "primary": l.style == LabelStyle::Primary,
                "message": l.message,
            })
        })
        .collect();
    let primary = diag
        .labels
        .iter()
        .find(|l| l.style == LabelStyle::Primary)
        .or(diag.labels.first());
    let mut obj = json!({
        "version": JSON_DIAGNOSTIC_VERSION,
        "severity": severity_word(diag.severity),
        "code": diag.code,
        "message": diag.message,
        "labels": labels,
        "notes": diag.notes,
    });
    if let Some(l) = primary {
        let (line, col) = sources.line_col(l.file_id, l.range.start);
        let (end_line, end_col) = sources.line_col(l.file_id, l.range.end);
        obj["file"] = json!(sources.name(l.file_id));
        obj["line"] = json!(line);
        obj["col"] = json!(col);
        obj["end"] = json!({"line": end_line, "col": end_col});
    }
    obj
}

// ---- verification reports -------------------------------------------------

use ivyc_base::diagnostic::{error as error_diag, primary, secondary};
use ivyc_base::IntoDiagnostic;
use ivyc_logic::{Reason, Signature, SymId, Value};
use ivyc_pipeline::liveness::Liveness;
use ivyc_pipeline::verify::{Checked, VerifyRun};
use ivyc_sema::lower::Unit;
use ivyc_vc::{Counterexample, ModelCheck, ObligationKind, Outcome, SymbolTable};
use std::fmt::Write as _;
use std::time::Duration;

/// Why an obligation is undecided, in the words of the command line.
fn reason_text(r: &Reason) -> String {
    match r {
        Reason::OutOfMemory { limit_mb: Some(mb) } => {
            format!("out of memory (--memory-limit {mb} MB)")
        }
        other => other.to_string(),
    }
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// `(line N)` for a span, or nothing.
fn at_line(sources: &SourceMap, span: Option<ivyc_base::Span>) -> String {
    match span {
        Some(s) => format!(" (line {})", sources.line_col(s.file, s.start as usize).0),
        None => String::new(),
    }
}

/// One line describing an obligation, e.g.
/// `consecution of elect preserves invariant [one] (line 10)`.
pub fn obligation_line(sources: &SourceMap, c: &Checked) -> String {
    let mut s = obligation_title(sources, &c.obligation);
    if c.outside_fragment {
        s.push_str(" (outside the decidable fragment)");
    }
    s
}

/// What an obligation proves, e.g.
/// `consecution of elect preserves invariant [one] (line 10)`.
pub fn obligation_title(sources: &SourceMap, ob: &ivyc_vc::Obligation) -> String {
    let what = property_name(sources, ob);
    let line = at_line(sources, ob.property_span);
    let action = ob
        .action
        .map(|a| a.to_string())
        .unwrap_or_else(|| "init".into());
    match ob.kind {
        ObligationKind::Property => format!("property {what}{line} follows from the axioms"),
        ObligationKind::ProofGoal => format!("{}{line}", ob.title()),
        ObligationKind::DeadlockFreedom => {
            "deadlock freedom: the invariants imply that some exported action is enabled".into()
        }
        ObligationKind::Initiation => format!("initiation establishes invariant {what}{line}"),
        ObligationKind::Consecution => {
            format!("consecution of {action} preserves invariant {what}{line}")
        }
        ObligationKind::Assertion => {
            let kind = ob.assert_kind.map(assert_word).unwrap_or("assertion");
            format!("{kind} {what}{line} holds in {action}")
        }
        ObligationKind::Variant => match ob.assert_kind {
            Some(ivyc_logic::AssertKind::VariantBounded) => {
                format!("loop variant {what}{line} is not below 0 in {action}")
            }
            _ => format!("loop variant {what}{line} decreases in {action}"),
        },
    }
}

/// How a property is named in reports: `[label]`, else the user's own text
/// (first line, keyword stripped, shortened), else the pretty-printed
/// formula (`formula`, called only then).
fn source_name(
    sources: &SourceMap,
    label: Option<ivyc_base::Symbol>,
    span: Option<ivyc_base::Span>,
    formula: impl FnOnce() -> String,
) -> String {
    if let Some(l) = label {
        return format!("[{l}]");
    }
    let text = span
        .map(|s| sources.snippet(s))
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    let text = [
        "assert ",
        "ensure ",
        "require ",
        "invariant ",
        "conjecture ",
        "assume ",
    ]
    .iter()
    .find_map(|k| text.strip_prefix(k))
    .unwrap_or(text)
    .trim_end_matches(';')
    .trim();
    if text.is_empty() {
        return format!("`{}`", formula());
    }
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("`{short}…`")
    } else {
        format!("`{short}`")
    }
}

fn property_name(sources: &SourceMap, ob: &ivyc_vc::Obligation) -> String {
    source_name(sources, ob.property_label, ob.property_span, || {
        ob.property.pretty(&ob.sig)
    })
}

fn assert_word(k: ivyc_logic::AssertKind) -> &'static str {
    match k {
        ivyc_logic::AssertKind::Require => "require",
        ivyc_logic::AssertKind::CallRequire => "require at call site",
        ivyc_logic::AssertKind::Ensure => "ensure",
        ivyc_logic::AssertKind::Assert => "assert",
        ivyc_logic::AssertKind::LoopInvariant => "loop invariant",
        ivyc_logic::AssertKind::VariantBounded => "loop variant (bounded below)",
        ivyc_logic::AssertKind::VariantDecreases => "loop variant (decreases)",
    }
}

/// The obligations of a report in groups, in order: each group is the
/// obligations of one isolate (`Some` when it starts a new isolate) with
/// one heading (`init`, `action a`, `properties`, `deadlock`).
fn report_groups<'a>(checked: &[&'a Checked]) -> Vec<(Option<usize>, String, Vec<&'a Checked>)> {
    let mut groups: Vec<(Option<usize>, String, Vec<&'a Checked>)> = Vec::new();
    let mut unit: Option<usize> = None;
    for c in checked {
        let g = match c.obligation.action {
            Some(a) => format!("action {a}"),
            None if matches!(
                c.obligation.kind,
                ObligationKind::Property | ObligationKind::ProofGoal
            ) =>
            {
                "properties".to_string()
            }
            None if c.obligation.kind == ObligationKind::DeadlockFreedom => "deadlock".to_string(),
            None => "init".to_string(),
        };
        let new_unit = unit != Some(c.unit);
        match groups.last_mut() {
            Some((_, last, members)) if !new_unit && *last == g => members.push(c),
            _ => groups.push((new_unit.then_some(c.unit), g, vec![c])),
        }
        unit = Some(c.unit);
    }
    groups
}

/// `3 proved, 1 failed`: the outcomes that occur, without marks so that a
/// summary line is not mistaken for an obligation line.
fn counts_text(members: &[&Checked]) -> String {
    let mut proved = 0;
    let mut failed = 0;
    let mut unknown = 0;
    let mut internal = 0;
    for c in members {
        match &c.outcome {
            Outcome::Proved => proved += 1,
            Outcome::Failed(_) => failed += 1,
            Outcome::Unknown(_) => unknown += 1,
            Outcome::InternalError(_) => internal += 1,
        }
    }
    let mut parts = Vec::new();
    let cached = members.iter().filter(|c| c.cached).count();
    if proved > 0 && cached > 0 {
        parts.push(format!("{proved} proved ({cached} from cache)"));
    } else if proved > 0 {
        parts.push(format!("{proved} proved"));
    }
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    if unknown > 0 {
        parts.push(format!("{unknown} unknown"));
    }
    if internal > 0 {
        parts.push(format!("{internal} internal error{}", plural(internal)));
    }
    parts.join(", ")
}

/// An obligation's report line: mark, description, time, and why it is
/// unknown.
fn checked_line(sources: &SourceMap, c: &Checked) -> String {
    let mark = match &c.outcome {
        Outcome::Proved => "✓",
        Outcome::Failed(_) => "✗",
        Outcome::Unknown(_) => "?",
        Outcome::InternalError(_) => "!",
    };
    let time = if c.cached {
        "cached".to_string()
    } else {
        millis(c.time)
    };
    let mut line = format!("{mark} {}  {time}", obligation_line(sources, c));
    if let Outcome::Unknown(r) = &c.outcome {
        let _ = write!(line, "  unknown: {}", reason_text(r));
    }
    if let Outcome::InternalError(_) = &c.outcome {
        line.push_str("  internal error");
    }
    line
}

/// The human report: obligations grouped by isolate and action, failures
/// explained with a diagnostic and the counterexample, then a summary line.
pub fn verify_report(
    out: &mut Renderer,
    sources: &SourceMap,
    units: &[Unit],
    lives: &[Liveness],
    checked: &[Checked],
    total: Duration,
    detail: Detail,
) {
    let show_units = units.iter().any(|u| u.name.is_some());
    let indent = if show_units { "  " } else { "" };
    let of_liveness = |c: &Checked| lives.iter().find(|l| l.unit == c.unit);
    let safety: Vec<&Checked> = checked
        .iter()
        .filter(|c| of_liveness(c).is_none())
        .collect();
    for (unit, group, members) in report_groups(&safety) {
        if show_units && detail != Detail::Quiet && unit.is_some() {
            if let Some(u) = unit.and_then(|u| units.get(u)) {
                unit_header(out, sources, u);
            }
        }
        match detail {
            Detail::Verbose => out.line(&format!("{indent}{group}")),
            Detail::Summary => out.line(&format!(
                "{indent}{group}: {}  {}",
                counts_text(&members),
                millis(members.iter().map(|c| c.time).sum())
            )),
            Detail::Quiet => {}
        }
        for c in members {
            if detail != Detail::Verbose && c.outcome.is_proved() {
                continue;
            }
            let indent = if detail == Detail::Quiet { "" } else { indent };
            out.line(&format!("{indent}  {}", checked_line(sources, c)));
        }
    }
    liveness::report(out, sources, lives, checked);
    for c in checked {
        if let Outcome::Failed(cex) = &c.outcome {
            let live = of_liveness(c);
            let diag = match live {
                Some(l) => liveness::failure_diagnostic(sources, c, l),
                None => failure_diagnostic(sources, c),
            };
            let mut text = match live {
                Some(l) => liveness::counterexample_text(&c.obligation.sig, cex, l),
                None => counterexample_text(&c.obligation.sig, cex),
            };
            if let Some(note) = not_checkable_text(&cex.check) {
                text.push_str(&note);
            }
            let mut extra = serde_json::Map::new();
            extra.insert(
                "counterexample".into(),
                counterexample_json(&c.obligation.sig, cex),
            );
            extra.insert("counterexample_text".into(), json!(text));
            out.diagnostic_with(sources, &diag, extra);
            if out.format == MessageFormat::Human {
                eprint!("{text}");
                eprintln!();
            }
        }
        if let Outcome::InternalError(rejected) = &c.outcome {
            out.diagnostic(sources, &rejected.into_diagnostic());
        }
    }
    let proved = checked.iter().filter(|c| c.outcome.is_proved()).count();
    let failed = checked
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
        .count();
    let internal = checked
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::InternalError(_)))
        .count();
    let unknown = checked.len() - proved - failed - internal;
    let cached = checked.iter().filter(|c| c.cached).count();
    let mut summary = format!(
        "{} obligation{}: {proved} proved",
        checked.len(),
        plural(checked.len())
    );
    if cached > 0 {
        let _ = write!(summary, " ({cached} from cache)");
    }
    let _ = write!(summary, ", {failed} failed");
    if unknown > 0 {
        let _ = write!(summary, ", {unknown} unknown");
    }
    if internal > 0 {
        let _ = write!(summary, ", {internal} internal error{}", plural(internal));
    }
    let _ = write!(summary, " ({:.2} s)", total.as_secs_f64());
    out.line(&summary);
}

/// `isolate NAME (line N)` and what the isolate assumes.
fn unit_header(out: &Renderer, sources: &SourceMap, u: &Unit) {
    let name = u
        .name
        .map(|n| n.to_string())
        .unwrap_or_else(|| "this".into());
    out.line(&format!("isolate {name}{}", at_line(sources, u.span)));
    let names = |ps: &[ivyc_logic::Property]| -> Vec<String> {
        ps.iter()
            .map(|p| match p.label {
                Some(l) => format!("[{l}]"),
                None => format!("`{}`", p.formula.pretty(&u.system.sig)),
            })
            .collect()
    };
    let lemmas = names(&u.system.lemmas);
    if !lemmas.is_empty() {
        out.line(&format!(
            "  assumes the properties (proved in other isolates): {}",
            lemmas.join(", ")
        ));
    }
    let nested = names(&u.system.nested);
    if !nested.is_empty() {
        out.line(&format!(
            "  assumes the invariants of nested isolates (proved there): {}",
            nested.join(", ")
        ));
    }
    let labels = names(&u.system.assumed);
    let env_entries = u.system.actions.iter().any(|a| !a.internal);
    if !labels.is_empty() && env_entries {
        out.line(&format!(
            "  assumes before environment calls (proved in other isolates): {}",
            labels.join(", ")
        ));
    }
    if !u.internal_entries.is_empty() {
        let names: Vec<String> = u.internal_entries.iter().map(|n| n.to_string()).collect();
        out.line(&format!(
            "  assumes the requires of {} (checked where they are called)",
            names.join(", ")
        ));
    }
    for (inlined, text) in [
        (
            false,
            "uses only the specification of {} (checks their before monitors and leading requires, assumes their after monitors)",
        ),
        (
            true,
            "assumes the assertions of {} (verified in their own isolates; their requires are checked here)",
        ),
    ] {
        let mut names: Vec<String> = Vec::new();
        for s in u.summaries.iter().filter(|s| s.inlined == inlined) {
            let entry = format!("{} (from {})", s.callee, s.caller);
            if !names.contains(&entry) {
                names.push(entry);
            }
        }
        if !names.is_empty() {
            out.line(&format!("  {}", text.replace("{}", &names.join(", "))));
        }
    }
}

/// The diagnostic for a failed obligation: the property, and the action.
fn failure_diagnostic(sources: &SourceMap, c: &Checked) -> Diagnostic {
    let ob = &c.obligation;
    let what = property_name(sources, ob);
    let action = ob.action.map(|a| a.to_string());
    let (message, label) = match (ob.kind, &action) {
        (ObligationKind::Property, _) => (
            format!("property {what} does not follow from the axioms"),
            "this property can be false",
        ),
        (ObligationKind::ProofGoal, _) => (
            format!("proof goal fails: {}", ob.title()),
            "the goal left by the proof can be false",
        ),
        (ObligationKind::DeadlockFreedom, _) => (
            "deadlock freedom is not proved: the invariants allow a state where no exported action is enabled".to_string(),
            "",
        ),
        (ObligationKind::Initiation, _) => (
            format!("invariant {what} does not hold initially"),
            "this invariant is false after init",
        ),
        (ObligationKind::Consecution, Some(a)) => (
            format!("invariant {what} is not preserved by action `{a}`"),
            "this invariant can become false",
        ),
        (ObligationKind::Consecution, None) => (
            format!("invariant {what} is not preserved"),
            "this invariant can become false",
        ),
        (ObligationKind::Assertion, a) => (
            format!(
                "{} {what} can fail{}",
                ob.assert_kind.map(assert_word).unwrap_or("assertion"),
                a.as_ref()
                    .map(|a| format!(" in action `{a}`"))
                    .unwrap_or_default()
            ),
            "this can be false",
        ),
        (ObligationKind::Variant, a) => {
            let in_action = a
                .as_ref()
                .map(|a| format!(" in action `{a}`"))
                .unwrap_or_default();
            match ob.assert_kind {
                Some(ivyc_logic::AssertKind::VariantBounded) => (
                    format!("loop variant {what} can be below 0{in_action}"),
                    "this measure can be below 0 when an iteration starts",
                ),
                _ => (
                    format!("loop variant {what} may not decrease{in_action}"),
                    "an iteration may not make this measure smaller",
                ),
            }
        }
    };
    let mut labels = Vec::new();
    if let Some(s) = ob.property_span {
        labels.push(primary(s, label));
    }
    if let (Some(s), Some(a)) = (ob.action_span, &action) {
        labels.push(secondary(s, format!("in action `{a}`")));
    }
    let _ = sources;
    error_diag("check-failed", message).with_labels(labels).with_notes(vec![match ob.kind {
        ObligationKind::Consecution => "a counterexample to induction follows: a state satisfying all invariants from which the action reaches a state violating this one".into(),
        ObligationKind::Initiation => "a counterexample follows: an initial state violating the invariant".into(),
        ObligationKind::Property => "a counterexample follows: a state satisfying the axioms (and the properties proved elsewhere) in which the property is false".into(),
        ObligationKind::ProofGoal => "a counterexample follows: a state satisfying the axioms, the properties proved elsewhere and the goal's premises in which its conclusion is false".into(),
        ObligationKind::Assertion => "a counterexample follows: a state and action arguments under which the assertion fails".into(),
        ObligationKind::DeadlockFreedom => "a counterexample follows: a state satisfying the axioms and the invariants in which no exported action is enabled (it may be unreachable: strengthen the invariants, or look for a real deadlock with `ivyc bmc --deadlock`)".into(),
        ObligationKind::Variant => match ob.assert_kind {
            Some(ivyc_logic::AssertKind::VariantBounded) => "a counterexample follows: a state and action arguments under which an iteration of the loop starts with the measure below 0",
            _ => "a counterexample follows: a state and action arguments under which an iteration of the loop does not make the measure smaller",
        }.into(),
    }])
}

/// The name of a symbol in a counterexample table: an overloaded name
/// (`<` on two sorts, say) carries its argument sorts, `<[pid]`.
fn table_name(sig: &Signature, sym: SymId) -> String {
    let d = sig.symbol(sym);
    let name = sig.symbol_name(sym);
    if sig.symbols_named(d.name).len() > 1 && !d.args.is_empty() {
        let sorts: Vec<&str> = d.args.iter().map(|&a| sig.sort_name(a)).collect();
        let mut uniq = sorts.clone();
        uniq.dedup();
        format!("{name}[{}]", uniq.join(", "))
    } else {
        name.to_string()
    }
}

fn value_name(sig: &Signature, v: &Value) -> String {
    v.name(sig)
}

fn tuple(sig: &Signature, args: &[Value]) -> String {
    args.iter()
        .map(|a| value_name(sig, a))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A compact rendering of one symbol's table: relations as the set of true
/// tuples, functions as `args ↦ value`.
fn table_text(sig: &Signature, t: &SymbolTable) -> String {
    let decl = sig.symbol(t.sym);
    if decl.args.is_empty() {
        return t
            .rows
            .first()
            .map(|(_, v)| value_name(sig, v))
            .unwrap_or_else(|| "?".into());
    }
    // Argument tuples of two or more values are parenthesised.
    let args = |a: &[Value]| {
        if a.len() == 1 {
            tuple(sig, a)
        } else {
            format!("({})", tuple(sig, a))
        }
    };
    let items: Vec<String> = if decl.is_relation() {
        t.rows
            .iter()
            .filter(|(_, v)| matches!(v, Value::Bool(true)))
            .map(|(a, _)| args(a))
            .collect()
    } else {
        t.rows
            .iter()
            .map(|(a, v)| format!("{} ↦ {}", args(a), value_name(sig, v)))
            .collect()
    };
    format!("{{{}}}", items.join(", "))
}

/// The counterexample as text: universes, action and arguments, then every
/// state symbol before and after, with changed entries marked `→`.
pub fn counterexample_text(sig: &Signature, cex: &Counterexample) -> String {
    let mut s = String::from("counterexample:\n");
    for (sort, elems) in &cex.universes {
        let names: Vec<String> = elems.iter().map(|e| value_name(sig, e)).collect();
        let _ = writeln!(s, "  {} = {{{}}}", sig.sort_name(*sort), names.join(", "));
    }
    for t in &cex.rigid {
        let _ = writeln!(s, "  {} = {}", table_name(sig, t.sym), table_text(sig, t));
    }
    if let Some(a) = cex.action {
        let args: Vec<String> = cex
            .args
            .iter()
            .map(|(p, v)| {
                let name = sig.symbol_name(*p);
                let short = name.rsplit('.').next().unwrap_or(name);
                format!(
                    "{short} = {}",
                    v.as_ref()
                        .map(|v| value_name(sig, v))
                        .unwrap_or_else(|| "?".into())
                )
            })
            .collect();
        let _ = writeln!(s, "  action {a}({})", args.join(", "));
    }
    if cex.post.is_empty() {
        if !cex.pre.is_empty() {
            let _ = writeln!(s, "  state:");
        }
        for t in &cex.pre {
            let _ = writeln!(s, "    {} = {}", table_name(sig, t.sym), table_text(sig, t));
        }
    } else {
        let header = if cex.pre.is_empty() {
            "  state after init:"
        } else {
            "  state (before → after):"
        };
        let _ = writeln!(s, "{header}");
        for post in &cex.post {
            let name = table_name(sig, post.sym);
            let after = table_text(sig, post);
            match cex.pre.iter().find(|p| p.sym == post.sym) {
                Some(pre) => {
                    let before = table_text(sig, pre);
                    if before == after {
                        let _ = writeln!(s, "    {name} = {before}");
                    } else {
                        let _ = writeln!(s, "    {name} = {before} → {after}");
                        changed_entries(&mut s, sig, &name, pre, post);
                    }
                }
                None => {
                    let _ = writeln!(s, "    {name} = {after}");
                }
            }
        }
    }
    for (r, v) in &cex.returns {
        let _ = writeln!(
            s,
            "  returns {} = {}",
            sig.symbol_name(*r),
            v.as_ref()
                .map(|v| value_name(sig, v))
                .unwrap_or_else(|| "?".into())
        );
    }
    if !cex.witness.is_empty() {
        let w: Vec<String> = cex
            .witness
            .iter()
            .map(|(v, x)| format!("{} = {}", v.name, value_name(sig, x)))
            .collect();
        let _ = writeln!(s, "  violated for {}", w.join(", "));
    }
    for (i, c) in &cex.failed_conjuncts {
        let (usig, uc) = user_view(sig, c);
        let _ = writeln!(s, "  false conjunct #{i}: {}", uc.pretty(&usig));
    }
    s
}

/// A formula over an obligation's signature with the user's names for the
/// SSA versions it mentions: an action's parameter or local `a.n#1` is
/// `n`, a state symbol's later value `count#2` is `count'`, the value
/// `old count` refers to (`old.count#1`) is `old count`; variables of a
/// construction (`V#0` of l2s) get readable names (`V0`).
fn user_view(sig: &Signature, t: &ivyc_logic::Term) -> (Signature, ivyc_logic::Term) {
    let mut shown = sig.clone();
    let mut map = std::collections::HashMap::new();
    for sym in t.symbols() {
        let d = sig.symbol(sym);
        let display = ivyc_logic::signature::display_name(sig, sym);
        if display == d.name.as_str() {
            continue;
        }
        let decl = ivyc_logic::SymbolDecl::new(
            ivyc_base::Symbol::intern(&display),
            d.args.clone(),
            d.ret,
            d.role,
        );
        map.insert(sym, shown.add_symbol(decl));
    }
    // Words of the printed symbol names (`$l2s_w V0. sched(V0)`) are
    // taken too, so a renamed variable never reads like one of them.
    let words: std::collections::HashSet<String> = t
        .symbols()
        .iter()
        .flat_map(|&s| {
            shown
                .symbol_name(map.get(&s).copied().unwrap_or(s))
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let renamed = t.rename_symbols(&map).readable_var_names(&words);
    (shown, renamed)
}

/// The last line of a run refused as outside the decidable fragment.
pub fn fragment_refused_line(report: &ivyc_pipeline::fragment::FragmentReport) -> String {
    if report.total == 0 {
        "the axioms and definitions are outside the decidable fragment (there is no obligation)"
            .to_string()
    } else {
        format!(
            "{} of {} obligations are outside the decidable fragment; nothing was sent to the solver (use --no-fragment-check to try anyway)",
            report.refused, report.total
        )
    }
}

/// Version of the `verify --format json` document (see docs/verify-json.md).
pub const VERIFY_JSON_VERSION: u32 = 1;

fn span_json(sources: &SourceMap, span: Option<ivyc_base::Span>) -> serde_json::Value {
    match span {
        None => serde_json::Value::Null,
        Some(s) => {
            let (line, col) = sources.line_col(s.file, s.start as usize);
            let (end_line, end_col) = sources.line_col(s.file, s.end as usize);
            json!({"file": sources.name(s.file), "line": line, "col": col,
                   "end_line": end_line, "end_col": end_col})
        }
    }
}

fn table_json(sig: &Signature, t: &SymbolTable) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = t
        .rows
        .iter()
        .map(|(a, v)| {
            json!({"args": a.iter().map(|x| value_name(sig, x)).collect::<Vec<_>>(),
                   "value": value_name(sig, v)})
        })
        .collect();
    json!({"symbol": sig.symbol_name(t.sym), "rows": rows})
}

fn counterexample_json(sig: &Signature, cex: &Counterexample) -> serde_json::Value {
    let universes: serde_json::Map<String, serde_json::Value> = cex
        .universes
        .iter()
        .map(|(s, e)| {
            (
                sig.sort_name(*s).to_string(),
                json!(e.iter().map(|x| value_name(sig, x)).collect::<Vec<_>>()),
            )
        })
        .collect();
    let opt = |v: &Option<Value>| v.as_ref().map(|v| value_name(sig, v));
    json!({
        "universes": universes,
        "action": cex.action.map(|a| a.to_string()),
        "arguments": cex.args.iter().map(|(p, v)| json!({"name": sig.symbol_name(*p), "value": opt(v)})).collect::<Vec<_>>(),
        "returns": cex.returns.iter().map(|(p, v)| json!({"name": sig.symbol_name(*p), "value": opt(v)})).collect::<Vec<_>>(),
        "rigid": cex.rigid.iter().map(|t| table_json(sig, t)).collect::<Vec<_>>(),
        "pre": cex.pre.iter().map(|t| table_json(sig, t)).collect::<Vec<_>>(),
        "post": cex.post.iter().map(|t| table_json(sig, t)).collect::<Vec<_>>(),
        "false_conjuncts": cex.failed_conjuncts.iter().map(|(i, c)| json!({"index": i, "formula": c.pretty(sig).to_string()})).collect::<Vec<_>>(),
        "model_check": model_check_json(&cex.check),
    })
}

/// What the independent check of a model found, as JSON:
/// `{"checked": true}` or `{"checked": false, "not_checkable": [...]}`.
pub fn model_check_json(check: &ModelCheck) -> serde_json::Value {
    match check {
        ModelCheck::Checked => json!({"checked": true}),
        ModelCheck::NotCheckable(list) => json!({
            "checked": false,
            "not_checkable": list.iter().map(|u| json!({
                "formula": u.formula.describe(),
                "reason": u.reason,
            })).collect::<Vec<_>>(),
        }),
    }
}

/// The note under a counterexample or trace whose model could not be
/// checked completely (nothing when it was).
pub fn not_checkable_text(check: &ModelCheck) -> Option<String> {
    let ModelCheck::NotCheckable(list) = check else {
        return None;
    };
    let mut s = String::from(
        "  note: this model was checked independently of Z3 only in part; not checkable:\n",
    );
    for u in list.iter().take(3) {
        let _ = writeln!(s, "    {}: {}", u.formula.describe(), u.reason);
    }
    if list.len() > 3 {
        let _ = writeln!(s, "    and {} more", list.len() - 3);
    }
    Some(s)
}

/// The machine-readable report: one JSON document on stdout.
pub fn verify_json(
    sources: &SourceMap,
    file: &std::path::Path,
    run: &VerifyRun,
    vmt_dir: &std::path::Path,
    total: Duration,
) {
    let units = &run.units;
    let lives = &run.liveness;
    let checked = run.checked();
    let model_checked = run.model_checked();
    let bounded = run.bounded();
    let obligations: Vec<serde_json::Value> = checked
        .iter()
        .map(|c| {
            let ob = &c.obligation;
            let (outcome, detail) = match &c.outcome {
                Outcome::Proved => ("proved", serde_json::Value::Null),
                Outcome::Failed(cex) => ("failed", counterexample_json(&ob.sig, cex)),
                Outcome::Unknown(r) => ("unknown", json!(reason_text(r))),
                Outcome::InternalError(r) => ("internal-error", json!(r.message())),
            };
            let live = lives.iter().find(|l| l.unit == c.unit);
            let mut doc = json!({
                "isolate": units.get(c.unit).and_then(|u| u.name).map(|n| n.to_string()),
                "index": ob.index,
                "kind": ob.kind.as_str(),
                "assert_kind": ob.assert_kind.map(assert_word),
                "action": ob.action.map(|a| a.to_string()),
                "property": ob.property_label.map(|l| l.to_string()),
                "formula": ob.property.pretty(&ob.sig).to_string(),
                "span": span_json(sources, ob.property_span),
                "outcome": outcome,
                "outside_fragment": c.outside_fragment,
                "time_ms": c.time.as_millis() as u64,
                "cached": c.cached,
                "counterexample": if outcome == "failed" { detail.clone() } else { serde_json::Value::Null },
                "reason": if outcome == "unknown" { detail.clone() } else { serde_json::Value::Null },
                "internal_error": if outcome == "internal-error" { detail } else { serde_json::Value::Null },
            });
            // Only the obligations of a temporal property's reduction say
            // which property and reduction they come from.
            if let (Some(l), Some(obj)) = (live, doc.as_object_mut()) {
                obj.insert("temporal_property".into(), json!(l.name()));
                obj.insert("reduction".into(), json!(l.reduction.as_str()));
            }
            // Proof goals name themselves (`theorem [t] goal 1 of 2 after apply ...`).
            if let (Some(t), Some(m)) = (ob.proof_title, doc.as_object_mut()) {
                m.insert("goal".into(), json!(t.as_str()));
            }
            doc
        })
        .collect();
    let count = |o: &str| {
        checked
            .iter()
            .filter(|c| match &c.outcome {
                Outcome::Proved => o == "proved",
                Outcome::Failed(_) => o == "failed",
                Outcome::Unknown(_) => o == "unknown",
                Outcome::InternalError(_) => o == "internal-error",
            })
            .count()
    };
    let doc = json!({
        "version": VERIFY_JSON_VERSION,
        "file": file.display().to_string(),
        "obligations": obligations,
        "model_checked": model_checked_json(sources, units, model_checked),
        "bounded": bounded_json(units, bounded),
        "exported": exported_json(units, run.exported(), vmt_dir),
        "summary": {"total": checked.len(), "proved": count("proved"), "failed": count("failed"),
                    "unknown": count("unknown"), "internal_error": count("internal-error"),
                    "cached": checked.iter().filter(|c| c.cached).count(),
                    "time_ms": total.as_millis() as u64},
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}

/// The `--timings` table, on stderr so it never mixes with JSON output:
/// the phases, then the slowest obligations with the size of their query.
pub fn timings(
    sources: &SourceMap,
    checked: &[Checked],
    t: &Timings,
    report: Duration,
    total: Duration,
) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let all = ms(total).max(f64::EPSILON);
    let rows = [
        ("front end (parse + sema)", t.front_end),
        ("lowering", t.lowering),
        ("obligations", t.obligations),
        ("fragment check", t.fragment),
        ("cache (keys, read, write)", t.cache),
        ("solving (wall)", t.solving),
        ("report", report),
    ];
    eprintln!("timings:");
    for (name, d) in rows {
        eprintln!(
            "  {name:<26} {:>9.1} ms  {:>5.1}%",
            ms(d),
            100.0 * ms(d) / all
        );
    }
    eprintln!(
        "  {:<26} {:>9.1} ms  (sum over {} worker{})",
        "solver time",
        ms(t.solver_sum),
        t.jobs,
        plural(t.jobs)
    );
    eprintln!("  {:<26} {:>9.1} ms", "total", ms(total));
    if t.slowest.is_empty() {
        return;
    }
    eprintln!(
        "slowest {} obligation{} (solver time; query size: quantifiers, terms, symbols):",
        t.slowest.len(),
        plural(t.slowest.len())
    );
    for c in &t.slowest {
        let Some(ch) = checked.get(c.index) else {
            continue;
        };
        eprintln!(
            "  {:>9.1} ms  {:>4} q {:>7} t {:>5} s  {}",
            ms(c.time),
            c.size.quantifiers,
            c.size.terms,
            c.size.symbols,
            obligation_line(sources, ch)
        );
    }
}

// ---- bounded model checking traces ----------------------------------------

use ivyc_bmc::{BmcResult, Trace, ViolationKind};
use ivyc_pipeline::bmc::{BmcRun, Covered, NamedBounds, UnitSearch};
use ivyc_pipeline::verify::Timings;

/// `node ≤ 3, value ≤ 2`.
pub fn bounds_text(bounds: &NamedBounds) -> String {
    let parts: Vec<String> = bounds.iter().map(|(s, n)| format!("{s} ≤ {n}")).collect();
    parts.join(", ")
}

/// ` with node ≤ 3, value ≤ 2` (empty for no bounds).
fn with_bounds(bounds: &NamedBounds) -> String {
    if bounds.is_empty() {
        String::new()
    } else {
        format!(" with {}", bounds_text(bounds))
    }
}

/// The line said before a search that starts from default bounds.
pub fn bmc_announce(out: &mut Renderer, defaults: &NamedBounds) {
    out.line(&format!(
        "searching with {}; use --bound to change",
        bounds_text(defaults)
    ));
}

/// `--progress`: `depth 4: no violation with node ≤ 3 (1.26s)` on stderr
/// (`no deadlock`, `no lasso` with `--deadlock`, `--liveness`; prefixed
/// by the isolate's name when it has one).
pub fn bmc_progress(
    found: &str,
    unit: Option<ivyc_base::Symbol>,
    bounds: &NamedBounds,
    depth: usize,
    t: Duration,
) {
    let unit = unit.map(|u| format!("{u}: ")).unwrap_or_default();
    let what = if bounds.is_empty() {
        " with any number of elements".to_string()
    } else {
        with_bounds(bounds)
    };
    eprintln!(
        "{unit}depth {depth}: no {found}{what} ({:.2}s)",
        t.as_secs_f64()
    );
}

/// One pass's coverage: `depth ≤ 6 with node ≤ 3 (depth 7: timeout)`.
fn covered_text(c: &Covered) -> String {
    let what = if c.bounds.is_empty() {
        "any number of elements".to_string()
    } else {
        bounds_text(&c.bounds)
    };
    let upto = match c.depth {
        Some(d) => format!("depth ≤ {d} with {what}"),
        None => format!("no depth with {what}"),
    };
    match (&c.stopped, c.depth) {
        (Some(r), d) => format!("{upto} (depth {}: {r})", d.map_or(0, |d| d + 1)),
        (None, _) => upto,
    }
}

/// The claim of a search that found no violation: the strongest pass that
/// reached the depth, then, when later passes stopped short, what each
/// pass covered.
pub fn bmc_no_violation(
    out: &mut Renderer,
    run: &BmcRun,
    depth: usize,
    elapsed: std::time::Duration,
) {
    let strongest = |u: &UnitSearch| u.strongest().map(|c| with_bounds(&c.bounds));
    let claims: Vec<String> = run.units.iter().filter_map(strongest).collect();
    let found = if run.deadlock {
        "deadlock"
    } else if run.liveness {
        "lasso"
    } else {
        "violation"
    };
    let claim = if claims.iter().all(|c| c.is_empty()) {
        String::new()
    } else if claims.windows(2).all(|w| w[0] == w[1]) {
        claims.first().cloned().unwrap_or_default()
    } else {
        " under the bounds below".to_string()
    };
    out.line(&format!(
        "no {found} up to depth {depth}{claim} ({:.2}s)",
        elapsed.as_secs_f64()
    ));
    for u in &run.units {
        if u.covered.iter().all(|c| c.stopped.is_none()) {
            continue;
        }
        for c in &u.covered {
            out.line(&format!("  covered: {}", covered_text(c)));
        }
    }
}

/// `bmc: no violation reachable within K steps` (with the bounds of the
/// strongest pass) for `verify --bmc K`.
pub fn bmc_verify_line(run: &BmcRun, depth: usize) -> String {
    let bounds = run
        .units
        .iter()
        .filter_map(|u| u.strongest())
        .map(|c| with_bounds(&c.bounds))
        .find(|b| !b.is_empty())
        .unwrap_or_default();
    format!("bmc: no violation reachable within {depth} steps{bounds}")
}

/// A bounded search: request errors, then per unit (named when there are
/// several isolates) what was decided, and the trace and diagnostic of
/// the violation found.
pub fn bmc_run(out: &mut Renderer, sources: &SourceMap, run: &BmcRun) {
    out.diagnostics(sources, &run.errors);
    for u in &run.units {
        if run.show_units {
            out.line(&format!(
                "isolate {}",
                u.name.map(|n| n.to_string()).as_deref().unwrap_or("this")
            ));
        }
        match &u.result {
            BmcResult::NoViolation { .. } => {}
            BmcResult::Unknown { depth, reason, .. } => {
                let bounds = u
                    .covered
                    .first()
                    .map(|c| with_bounds(&c.bounds))
                    .unwrap_or_default();
                out.line(&format!(
                    "undecided at depth {depth}{bounds}: {reason} (no violation up to depth {})",
                    depth.saturating_sub(1)
                ));
                if *depth == 0 {
                    out.line("  (not even depth 0 was decided)");
                }
            }
            BmcResult::InternalError(rejected) => {
                out.diagnostic(sources, &rejected.into_diagnostic());
            }
            BmcResult::Violation(trace) => {
                out.line(bmc_trace_text(trace).trim_end());
                if let Some(note) = not_checkable_text(&trace.check) {
                    out.line(note.trim_end());
                }
                let mut d = if trace.deadlock {
                    bmc_deadlock_diagnostic(trace, &u.exported)
                } else if trace.lasso.is_some() {
                    bmc_lasso_diagnostic(sources, trace)
                } else {
                    bmc_violation_diagnostic(sources, trace)
                };
                if !u.found_with.is_empty() {
                    d.notes.push(format!(
                        "found{}: the shortest trace within these bounds (a shorter one may need more elements)",
                        with_bounds(&u.found_with)
                    ));
                }
                out.diagnostic_with(sources, &d, trace_extra(trace));
            }
        }
    }
}

/// The trace a violation diagnostic refers to, for its JSON form (the
/// text a person reads above the diagnostic).
fn trace_extra(trace: &Trace) -> serde_json::Map<String, serde_json::Value> {
    let mut text = bmc_trace_text(trace);
    if let Some(note) = not_checkable_text(&trace.check) {
        text.push_str(&note);
    }
    let mut extra = serde_json::Map::new();
    extra.insert("trace_text".into(), json!(text));
    extra
}

/// How the temporal property of a lasso is named.
pub fn lasso_property_name(
    sources: &SourceMap,
    label: Option<ivyc_base::Symbol>,
    span: Option<ivyc_base::Span>,
) -> String {
    source_name(sources, label, span, || "(unnamed)".into())
}

/// How a violated property is named: `[label]`, else its source text.
pub fn bmc_property_name(sources: &SourceMap, trace: &Trace) -> String {
    let Some(v) = &trace.violation else {
        return "(unidentified)".into();
    };
    source_name(sources, v.label, v.span, || v.formula.pretty(&trace.sig))
}

/// The word for a violation kind: `invariant`, `assert`, `ensure`, ...
pub fn violation_kind_word(k: ViolationKind) -> &'static str {
    match k {
        ViolationKind::Invariant => "invariant",
        ViolationKind::Assertion(a) => assert_word(a),
    }
}

/// One line per entry of a relation or function whose value differs
/// between `pre` and `post`: `name(args): old → new`.
fn changed_entries(
    s: &mut String,
    sig: &Signature,
    name: &str,
    pre: &SymbolTable,
    post: &SymbolTable,
) {
    for (args, v) in post.rows.iter().filter(|(args, _)| !args.is_empty()) {
        let old = pre.rows.iter().find(|(a, _)| a == args).map(|(_, v)| v);
        if old != Some(v) {
            let _ = writeln!(
                s,
                "        {name}({}): {} → {}",
                tuple(sig, args),
                old.map(|o| value_name(sig, o))
                    .unwrap_or_else(|| "?".into()),
                value_name(sig, v)
            );
        }
    }
}

/// A symbol's table, changed entries marked, against the previous state.
fn state_lines(
    s: &mut String,
    sig: &Signature,
    before: Option<&[SymbolTable]>,
    after: &[SymbolTable],
) {
    let mut changed = 0;
    for post in after {
        let name = table_name(sig, post.sym);
        let now = table_text(sig, post);
        let Some(pre) = before.and_then(|b| b.iter().find(|p| p.sym == post.sym)) else {
            let _ = writeln!(s, "    {name} = {now}");
            continue;
        };
        let was = table_text(sig, pre);
        if was == now {
            continue;
        }
        changed += 1;
        let _ = writeln!(s, "    {name} = {was} → {now}");
        changed_entries(s, sig, &name, pre, post);
    }
    if before.is_some() && changed == 0 {
        let _ = writeln!(s, "    (no change)");
    }
}

/// The trace for people: universes, parameters, the initial state, then
/// each step's action and arguments with what changed.
pub fn bmc_trace_text(trace: &Trace) -> String {
    let sig = &trace.sig;
    let mut s = match trace.loop_start {
        Some(l) => format!(
            "lasso at depth {}: the last step returns to the state {}\n",
            trace.depth,
            if l == 0 {
                "after init".to_string()
            } else {
                format!("after step {l}")
            }
        ),
        None if trace.deadlock => format!("deadlock at depth {}:\n", trace.depth),
        None => format!("violation at depth {}:\n", trace.depth),
    };
    for (sort, elems) in &trace.universes {
        let names: Vec<String> = elems.iter().map(|e| value_name(sig, e)).collect();
        let _ = writeln!(s, "  {} = {{{}}}", sig.sort_name(*sort), names.join(", "));
    }
    for t in &trace.rigid {
        let _ = writeln!(s, "  {} = {}", table_name(sig, t.sym), table_text(sig, t));
    }
    let _ = writeln!(
        s,
        "  initial state:{}",
        if trace.loop_start == Some(0) {
            "  (loop start)"
        } else {
            ""
        }
    );
    state_lines(&mut s, sig, None, &trace.initial);
    let mut before: &[SymbolTable] = &trace.initial;
    for (i, step) in trace.steps.iter().enumerate() {
        let args: Vec<String> = step
            .args
            .iter()
            .map(|(p, v)| {
                let name = sig.symbol_name(*p);
                let short = name.rsplit('.').next().unwrap_or(name);
                let v = v
                    .as_ref()
                    .map(|v| value_name(sig, v))
                    .unwrap_or_else(|| "?".into());
                format!("{short} = {v}")
            })
            .collect();
        let mark = match trace.loop_start {
            Some(l) if l == i + 1 => "  (loop start)",
            Some(_) if i + 1 == trace.depth => "  (back to the loop start)",
            _ => "",
        };
        let _ = writeln!(
            s,
            "  step {}: {}({}){mark}",
            i + 1,
            step.action,
            args.join(", ")
        );
        let fails_here = trace
            .violation
            .as_ref()
            .is_some_and(|v| v.step == i + 1 && matches!(v.kind, ViolationKind::Assertion(_)));
        if fails_here {
            let _ = writeln!(
                s,
                "    (fails during the step; the state at the failing check:)"
            );
        }
        state_lines(&mut s, sig, Some(before), &step.state);
        before = &step.state;
    }
    s
}

/// The diagnostic of a deadlock (`ivyc bmc --deadlock`): the last state
/// of the trace has no enabled exported action (`exported`: their names).
pub fn bmc_deadlock_diagnostic(trace: &Trace, exported: &[String]) -> Diagnostic {
    let when = match trace.depth {
        0 => "after init".to_string(),
        n => format!("after step {n}"),
    };
    let mut labels = Vec::new();
    if let Some((sp, a)) = trace
        .steps
        .last()
        .and_then(|s| s.action_span.map(|sp| (sp, s.action)))
    {
        labels.push(primary(
            sp,
            format!("step {} runs `{a}`, reaching the deadlock", trace.depth),
        ));
    }
    let why = if exported.is_empty() {
        "the program has no exported action: every state is a deadlock".to_string()
    } else {
        format!(
            "for every argument, no execution of {} completes from the last state (a `require`, `assume` or assertion fails)",
            exported
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    error_diag(
        "bmc-deadlock",
        format!("deadlock {when}: no exported action is enabled"),
    )
    .with_labels(labels)
    .with_notes(vec![
        why,
        format!(
            "reachable: the trace above runs init and {} step{} from an initial state",
            trace.depth,
            plural(trace.depth)
        ),
    ])
}

/// The diagnostic of a lasso (`ivyc bmc --liveness`): the temporal
/// property fails on the trace's loop, repeated forever, while the
/// temporal axioms hold.
pub fn bmc_lasso_diagnostic(sources: &SourceMap, trace: &Trace) -> Diagnostic {
    let (label, span) = trace.lasso.unwrap_or((None, None));
    let what = source_name(sources, label, span, || "(unnamed)".into());
    let back = match trace.loop_start {
        Some(0) | None => "the steps from the initial state return to it".to_string(),
        Some(l) => format!("the steps after step {l} return to the state after step {l}"),
    };
    let mut labels = Vec::new();
    if let Some(sp) = span {
        labels.push(primary(sp, "false on this lasso"));
    }
    error_diag(
        "bmc-lasso",
        format!("temporal property {what} fails on a lasso of {} steps", trace.depth),
    )
    .with_labels(labels)
    .with_notes(vec![
        format!(
            "{back}: repeating them forever gives an infinite execution on which the property is false and every `temporal axiom` (fairness) holds"
        ),
        "reachable: the prefix runs init and the steps before the loop from an initial state".into(),
    ])
}

/// The diagnostic at the violated invariant or assertion.
pub fn bmc_violation_diagnostic(sources: &SourceMap, trace: &Trace) -> Diagnostic {
    let what = bmc_property_name(sources, trace);
    let Some(v) = &trace.violation else {
        return error_diag(
            "bmc-violation",
            format!(
                "a check fails at depth {} (the model does not say which)",
                trace.depth
            ),
        );
    };
    let word = violation_kind_word(v.kind);
    let when = match (v.step, v.kind) {
        (0, ViolationKind::Invariant) => "after init".to_string(),
        (0, _) => "in init".to_string(),
        (n, ViolationKind::Invariant) => format!("after step {n}"),
        (n, _) => format!(
            "in step {n}{}",
            v.action.map(|a| format!(" (`{a}`)")).unwrap_or_default()
        ),
    };
    let mut labels = Vec::new();
    if let Some(sp) = v.span {
        labels.push(primary(sp, format!("false {when}")));
    }
    let last = trace.steps.last().filter(|_| v.step > 0);
    if let Some((sp, a)) = last.and_then(|s| s.action_span.map(|sp| (sp, s.action))) {
        labels.push(secondary(sp, format!("step {} runs `{a}`", v.step)));
    }
    error_diag("bmc-violation", format!("{word} {what} is violated {when}"))
        .with_labels(labels)
        .with_notes(vec![format!(
            "reachable: the trace above runs init and {} step{} from an initial state",
            trace.depth,
            plural(trace.depth)
        )])
}

use ivyc_mc::McResult;
use ivyc_pipeline::verify::{BoundedChecked, ModelChecked, VmtExported};

/// The name of a unit for the model-checking lines.
fn unit_name(units: &[Unit], i: usize) -> String {
    units
        .get(i)
        .and_then(|u| u.name)
        .map(|n| n.to_string())
        .unwrap_or_else(|| "this".into())
}

/// The human report of the units decided by the model checker
/// (`attribute method = mc`, docs/mc.md): one line per unit, then the
/// trace of a violation as `ivyc bmc` prints it.
pub fn model_checked_report(
    out: &mut Renderer,
    sources: &SourceMap,
    units: &[Unit],
    model_checked: &[ModelChecked],
) {
    for m in model_checked {
        let head = format!(
            "isolate {} model checked ({}, {} state variable{})",
            unit_name(units, m.unit),
            m.run.engine.name(),
            m.run.state_scalars,
            plural(m.run.state_scalars)
        );
        out.line(&head);
        let line = match &m.run.result {
            McResult::Proved { k, .. } => format!(
                "  ✓ every reachable state is safe{}  {}",
                k.map(|k| format!(" ({k}-inductive)")).unwrap_or_default(),
                millis(m.time)
            ),
            McResult::Violation(t) => format!(
                "  ✗ a violation is reachable in {} step{}  {}",
                t.depth,
                plural(t.depth),
                millis(m.time)
            ),
            McResult::Unknown(r) => {
                format!(
                    "  ? undecided  {}  unknown: {}",
                    millis(m.time),
                    reason_text(r)
                )
            }
            McResult::InternalError(_) => format!("  ! internal error  {}", millis(m.time)),
        };
        out.line(&line);
        match &m.run.result {
            McResult::Violation(trace) => {
                out.line(bmc_trace_text(trace).trim_end());
                if let Some(note) = not_checkable_text(&trace.check) {
                    out.line(note.trim_end());
                }
                out.diagnostic_with(
                    sources,
                    &bmc_violation_diagnostic(sources, trace),
                    trace_extra(trace),
                );
            }
            McResult::InternalError(rejected) => {
                out.diagnostic(sources, &rejected.into_diagnostic());
            }
            _ => {}
        }
    }
    if !model_checked.is_empty() {
        let proved = model_checked
            .iter()
            .filter(|m| matches!(m.run.result, McResult::Proved { .. }))
            .count();
        let failed = model_checked
            .iter()
            .filter(|m| matches!(m.run.result, McResult::Violation(_)))
            .count();
        let other = model_checked.len() - proved - failed;
        let mut s = format!(
            "{} isolate{} model checked: {proved} proved, {failed} failed",
            model_checked.len(),
            plural(model_checked.len())
        );
        if other > 0 {
            let _ = write!(s, ", {other} undecided or internal error");
        }
        out.line(&s);
    }
}

/// The units searched by bounded model checking (`method = bmc[N]`):
/// per unit a heading, the result line, and the trace and diagnostic of a
/// violation (as `ivyc bmc` prints them).
pub fn bounded_report(
    out: &mut Renderer,
    sources: &SourceMap,
    units: &[Unit],
    bounded: &[BoundedChecked],
) {
    for b in bounded {
        let (method, loops) = match b.unroll {
            Some(u) => (
                format!("bmc[{}][{u}]", b.depth),
                format!(
                    ", loops unrolled {u} time{} (runs of a loop beyond that are not explored)",
                    plural(u)
                ),
            ),
            None => (format!("bmc[{}]", b.depth), String::new()),
        };
        out.line(&format!(
            "isolate {} bounded model checked (method = {method}: every run of at most {} step{}{loops}, sorts of any size)",
            unit_name(units, b.unit),
            b.depth,
            plural(b.depth)
        ));
        let line = match b.run.units.first().map(|u| &u.result) {
            Some(BmcResult::NoViolation { .. }) => format!(
                "  ✓ no violation within {} step{} (bounded: not a proof for longer runs)  {}",
                b.depth,
                plural(b.depth),
                millis(b.time)
            ),
            Some(BmcResult::Violation(t)) => format!(
                "  ✗ a violation is reachable in {} step{}  {}",
                t.depth,
                plural(t.depth),
                millis(b.time)
            ),
            Some(BmcResult::Unknown { .. }) | None => format!("  ? undecided  {}", millis(b.time)),
            Some(BmcResult::InternalError(_)) => format!("  ! internal error  {}", millis(b.time)),
        };
        out.line(&line);
        bmc_run(out, sources, &b.run);
    }
    if !bounded.is_empty() && units.len() > bounded.len() {
        out.line(
            "note: the isolates with method = bmc[N] are checked to a bound, not proved; what other isolates assume of them rests on that bound (ms-ivy says BOUNDED)",
        );
    }
}

/// The units written as VMT-LIB files (`method = vmt`, docs/vmt.md): one
/// line each, never a verdict, and the help to check them.
pub fn exported_report(
    out: &mut Renderer,
    units: &[Unit],
    exported: &[VmtExported],
    dir: &std::path::Path,
) {
    for e in exported {
        out.line(&format!(
            "isolate {} exported to {}, not checked (method = vmt: {} state variable{}, {} propert{})",
            unit_name(units, e.unit),
            dir.join(&e.file.file_name).display(),
            e.file.state_vars,
            plural(e.file.state_vars),
            e.file.properties,
            if e.file.properties == 1 { "y" } else { "ies" }
        ));
    }
    if !exported.is_empty() {
        out.line(&format!(
            "{} isolate{} exported to VMT-LIB, not checked: this run cannot report success",
            exported.len(),
            plural(exported.len())
        ));
        out.line("help: check the file with a VMT model checker (e.g. ic3ia, AVR), or use `attribute method = mc` (finite sorts) or invariants to have ivyc check the isolate");
    }
}

/// The `exported` entries of `verify --format json`.
pub fn exported_json(
    units: &[Unit],
    exported: &[VmtExported],
    dir: &std::path::Path,
) -> serde_json::Value {
    let items: Vec<serde_json::Value> = exported
        .iter()
        .map(|e| {
            json!({
                "isolate": units.get(e.unit).and_then(|u| u.name).map(|n| n.to_string()),
                "file": dir.join(&e.file.file_name).display().to_string(),
                "outcome": "not-checked",
                "state_variables": e.file.state_vars,
                "properties": e.file.properties,
            })
        })
        .collect();
    json!(items)
}

/// The `bounded` entries of `verify --format json`.
pub fn bounded_json(units: &[Unit], bounded: &[BoundedChecked]) -> serde_json::Value {
    let items: Vec<serde_json::Value> = bounded
        .iter()
        .map(|b| {
            let (outcome, trace) = match b.run.units.first().map(|u| &u.result) {
                Some(BmcResult::NoViolation { .. }) => ("no-violation", None),
                Some(BmcResult::Violation(t)) => ("failed", Some(bmc_trace_text(t))),
                Some(BmcResult::InternalError(_)) => ("internal-error", None),
                Some(BmcResult::Unknown { .. }) | None => ("unknown", None),
            };
            json!({
                "isolate": units.get(b.unit).and_then(|u| u.name).map(|n| n.to_string()),
                "depth": b.depth,
                "unroll": b.unroll,
                "outcome": outcome,
                "trace_text": trace,
                "time_ms": b.time.as_millis() as u64,
            })
        })
        .collect();
    json!(items)
}

/// The model-checked units as JSON (the `model_checked` field of the
/// verify report).
pub fn model_checked_json(
    sources: &SourceMap,
    units: &[Unit],
    model_checked: &[ModelChecked],
) -> serde_json::Value {
    let items: Vec<serde_json::Value> = model_checked
        .iter()
        .map(|m| {
            let (outcome, k, trace, reason) = match &m.run.result {
                McResult::Proved { k, .. } => ("proved", *k, None, None),
                McResult::Violation(t) => (
                    "failed",
                    None,
                    Some(crate::trace_file::TraceFile::from_trace(
                        sources,
                        "",
                        units
                            .get(m.unit)
                            .and_then(|u| u.name)
                            .map(|n| n.to_string()),
                        t,
                    )),
                    None,
                ),
                McResult::Unknown(r) => ("unknown", None, None, Some(reason_text(r))),
                McResult::InternalError(r) => ("internal-error", None, None, Some(r.message())),
            };
            json!({
                "isolate": units.get(m.unit).and_then(|u| u.name).map(|n| n.to_string()),
                "engine": m.run.engine.name(),
                "state_variables": m.run.state_scalars,
                "outcome": outcome,
                "k": k,
                "trace": trace.and_then(|t| serde_json::to_value(t).ok()),
                "reason": reason,
                "time_ms": m.time.as_millis() as u64,
            })
        })
        .collect();
    json!(items)
}
