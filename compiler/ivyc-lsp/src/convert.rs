//! ivyc values to LSP values: file ids to URIs, spans to locations (UTF-16
//! positions), codespan diagnostics to LSP diagnostics. A file without a
//! URI (the embedded `<stdlib>/...`) cannot be shown by an editor: what
//! points there is reported on the root document, with the place named in
//! the message.

use crate::text::LineIndex;
use ivyc_base::diagnostic::Label;
use ivyc_base::{Diagnostic, FileId, Severity, SourceMap, Span};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Url,
};
use std::collections::HashMap;

/// The files of one analysis, with the URI of each.
pub struct Files<'a> {
    pub sources: &'a SourceMap,
    pub root: FileId,
    pub root_uri: &'a Url,
    lines: std::cell::RefCell<HashMap<FileId, std::rc::Rc<LineIndex<'a>>>>,
}

impl<'a> Files<'a> {
    pub fn new(sources: &'a SourceMap, root: FileId, root_uri: &'a Url) -> Self {
        Files {
            sources,
            root,
            root_uri,
            lines: Default::default(),
        }
    }

    /// The URI of a file: the document's for the root, `file://` for files
    /// on disk, none for the embedded library.
    pub fn uri(&self, file: FileId) -> Option<Url> {
        if file == self.root {
            return Some(self.root_uri.clone());
        }
        let name = self.sources.name(file);
        if name.starts_with('<') {
            return None;
        }
        Url::from_file_path(name).ok()
    }

    fn index(&self, file: FileId) -> std::rc::Rc<LineIndex<'a>> {
        self.lines
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| std::rc::Rc::new(LineIndex::new(self.sources.source(file))))
            .clone()
    }

    pub fn range(&self, span: Span) -> Range {
        self.index(span.file)
            .range(span.start as usize, span.end as usize)
    }

    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location::new(self.uri(span.file)?, self.range(span)))
    }

    /// `name:line:col` of a span (1-based, as the command line shows it).
    pub fn place(&self, span: Span) -> String {
        let p = self.range(span).start;
        format!(
            "{}:{}:{}",
            self.sources.name(span.file),
            p.line + 1,
            p.character + 1
        )
    }
}

fn label_span(l: &Label) -> Span {
    Span {
        file: l.file_id,
        start: l.range.start as u32,
        end: l.range.end as u32,
    }
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Bug | Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
        Severity::Help => DiagnosticSeverity::HINT,
    }
}

/// One codespan diagnostic as an LSP diagnostic and the URI it belongs
/// to. The primary label gives the range; its text, the notes and the
/// labels that cannot be linked go into the message; the other labels
/// become related information.
pub fn diagnostic(files: &Files, d: &Diagnostic) -> (Url, lsp_types::Diagnostic) {
    use codespan_reporting::diagnostic::LabelStyle;
    let primary = d
        .labels
        .iter()
        .find(|l| l.style == LabelStyle::Primary)
        .or_else(|| d.labels.first());
    let mut message = d.message.clone();
    let (uri, range) = match primary {
        Some(l) => {
            let span = label_span(l);
            if !l.message.is_empty() && l.message != d.message {
                message.push_str(&format!("\n{}", l.message));
            }
            match files.location(span) {
                Some(loc) => (loc.uri, loc.range),
                None => {
                    message.push_str(&format!("\n(at {})", files.place(span)));
                    (files.root_uri.clone(), Range::default())
                }
            }
        }
        None => (files.root_uri.clone(), Range::default()),
    };
    let mut related = Vec::new();
    for l in d.labels.iter() {
        if primary.is_some_and(|p| std::ptr::eq(p, l)) {
            continue;
        }
        let span = label_span(l);
        match files.location(span) {
            Some(location) => related.push(DiagnosticRelatedInformation {
                location,
                message: if l.message.is_empty() {
                    "see here".into()
                } else {
                    l.message.clone()
                },
            }),
            None => message.push_str(&format!("\n{}: {}", files.place(span), l.message)),
        }
    }
    for n in &d.notes {
        message.push('\n');
        message.push_str(n);
    }
    let diag = lsp_types::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: d.code.clone().map(NumberOrString::String),
        source: Some("ivyc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    };
    (uri, diag)
}

/// The start of the document: where diagnostics without a place go.
pub fn origin() -> Range {
    Range::new(Position::new(0, 0), Position::new(0, 0))
}
