//! ivyc values to LSP values: file ids to URIs, spans to locations (UTF-16
//! positions), codespan diagnostics to LSP diagnostics. A diagnostic is
//! published on a document the user has (the root or an included file on
//! disk); one whose place is in the embedded library (`<stdlib>/...`) is
//! reported on the root document with the place named in the message.
//! Navigation (go to definition, references, related information) links
//! into the library through a read-only copy of the file written on first
//! use (see [`library_copy`]).

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

    /// Where navigation goes: [`Files::location`], and for a file of the
    /// embedded library its read-only copy on disk.
    pub fn link_location(&self, span: Span) -> Option<Location> {
        let uri = self.uri(span.file).or_else(|| {
            let path = library_copy(self.sources.name(span.file), self.sources.source(span.file))?;
            Url::from_file_path(path).ok()
        })?;
        Some(Location::new(uri, self.range(span)))
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

/// The read-only copy on disk of the embedded library file shown as
/// `name` (`<stdlib>/order.ivy`, `<stdlib>/1.6/udp.ivy`) with contents
/// `text`, so that an editor can open it: under `stdlib/VERSION/` in the
/// verification cache directory (docs/cache.md), or in the system's
/// temporary directory when the cache is off. Written when missing or
/// different; `None` for any other name or when it cannot be written.
pub fn library_copy(name: &str, text: &str) -> Option<std::path::PathBuf> {
    use std::sync::{Mutex, OnceLock};
    static WRITTEN: OnceLock<Mutex<HashMap<String, Option<std::path::PathBuf>>>> = OnceLock::new();
    let rest = name.strip_prefix("<stdlib>/")?;
    if rest
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return None;
    }
    let mut written = WRITTEN.get_or_init(Default::default).lock().ok()?;
    if let Some(known) = written.get(name) {
        return known.clone();
    }
    let base = ivyc_pipeline::cache::configured_dir()
        .unwrap_or_else(|| std::env::temp_dir().join("ivyc"))
        .join("stdlib")
        .join(env!("CARGO_PKG_VERSION"));
    let path = base.join(rest);
    let write = || -> std::io::Result<()> {
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if let Ok(meta) = std::fs::metadata(&path) {
            let mut perms = meta.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&path, perms)?;
        }
        std::fs::write(&path, text)?;
        let mut perms = std::fs::metadata(&path)?.permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms)
    };
    let result = write().ok().map(|()| path);
    written.insert(name.to_string(), result.clone());
    result
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
        match files.link_location(span) {
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
