//! The only place ivyc prints: diagnostics for people (codespan-reporting)
//! or as JSON lines for tools, and plain report lines on stdout.

use crate::cli::MessageFormat;
use codespan_reporting::diagnostic::{LabelStyle, Severity};
use codespan_reporting::term::{self, Config};
use ivyc_base::{Diagnostic, SourceMap};
use serde_json::json;
use std::io::Write;

/// Version of the JSON diagnostic format (see docs/cli.md).
pub const JSON_DIAGNOSTIC_VERSION: u32 = 1;

/// Collects counts and prints diagnostics in the chosen format.
pub struct Renderer {
    format: MessageFormat,
    config: Config,
    errors: usize,
    warnings: usize,
}

impl Renderer {
    pub fn new(format: MessageFormat) -> Self {
        Renderer {
            format,
            config: Config::default(),
            errors: 0,
            warnings: 0,
        }
    }

    pub fn errors(&self) -> usize {
        self.errors
    }

    /// Print one diagnostic to stderr (human) or stdout (json).
    pub fn diagnostic(&mut self, sources: &SourceMap, diag: &Diagnostic) {
        match diag.severity {
            Severity::Bug | Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note | Severity::Help => {}
        }
        match self.format {
            MessageFormat::Human => {
                let text = term::emit_into_string(&self.config, sources, diag)
                    .unwrap_or_else(|e| format!("{}: {}\n", severity_word(diag.severity), e));
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
            MessageFormat::Json => {
                let line = json_diagnostic(sources, diag);
                println!("{line}");
            }
        }
    }

    pub fn diagnostics(&mut self, sources: &SourceMap, diags: &[Diagnostic]) {
        for d in diags {
            self.diagnostic(sources, d);
        }
    }

    /// A closing summary line for people (nothing in JSON mode).
    pub fn summary(&self) {
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

    /// A message that is not tied to a source file (e.g. an unreadable path).
    pub fn plain_error(&mut self, code: &str, message: &str) {
        self.errors += 1;
        match self.format {
            MessageFormat::Human => eprintln!("error[{code}]: {message}"),
            MessageFormat::Json => println!(
                "{}",
                json!({"version": JSON_DIAGNOSTIC_VERSION, "severity": "error",
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
