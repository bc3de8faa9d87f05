//! Long source lines in diagnostics: a view of the source map in which a
//! line longer than [`MAX_LINE`] bytes that carries a label is cut to a
//! window around its labels, so rendering one diagnostic costs what the
//! window costs, not what the line costs (a 1 MB line with 50,000 errors
//! on it renders in linear time). Line and column numbers stay those of
//! the real file.

use codespan_reporting::files::{self, Files};
use ivyc_base::{Diagnostic, FileId, SourceMap};
use std::collections::HashMap;
use std::ops::Range;

/// Lines up to this many bytes are shown whole.
pub const MAX_LINE: usize = 240;
/// Context kept on each side of the labels in a window.
const CONTEXT: usize = 60;

/// The source map with some lines narrowed to windows.
pub struct Windowed<'a> {
    sources: &'a SourceMap,
    windows: HashMap<(FileId, usize), Range<usize>>,
}

impl<'a> Windowed<'a> {
    /// The view for one diagnostic, and a note per narrowed line (empty
    /// when no labelled line is long).
    pub fn new(sources: &'a SourceMap, diag: &Diagnostic) -> (Windowed<'a>, Vec<String>) {
        let mut spans: HashMap<(FileId, usize), Range<usize>> = HashMap::new();
        for l in &diag.labels {
            let Ok(start_line) = sources.line_index(l.file_id, l.range.start) else {
                continue;
            };
            let Ok(end_line) = sources.line_index(l.file_id, l.range.end) else {
                continue;
            };
            if start_line != end_line {
                // A label over several lines is shown as codespan shows it.
                spans.insert((l.file_id, start_line), 0..usize::MAX);
                continue;
            }
            let e = spans
                .entry((l.file_id, start_line))
                .or_insert(l.range.clone());
            e.start = e.start.min(l.range.start);
            e.end = e.end.max(l.range.end);
        }
        let mut windows = HashMap::new();
        let mut notes = Vec::new();
        for ((file, line), covered) in spans {
            let Ok(full) = sources.line_range(file, line) else {
                continue;
            };
            if full.len() <= MAX_LINE || covered.end == usize::MAX {
                continue;
            }
            let text = sources.source(file);
            let mut start = covered.start.saturating_sub(CONTEXT).max(full.start);
            let mut end = covered.end.saturating_add(CONTEXT).min(full.end);
            while start > full.start && !text.is_char_boundary(start) {
                start -= 1;
            }
            while end < full.end && !text.is_char_boundary(end) {
                end += 1;
            }
            let col = |b: usize| text.get(full.start..b).map_or(0, |s| s.chars().count()) + 1;
            notes.push(format!(
                "line {} is {} bytes long; showing columns {}–{}",
                line + 1,
                full.len(),
                col(start),
                col(end).saturating_sub(1).max(col(start))
            ));
            windows.insert((file, line), start..end);
        }
        notes.sort();
        (Windowed { sources, windows }, notes)
    }
}

impl<'a> Files<'a> for Windowed<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Files::name(self.sources, id)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Files::source(self.sources, id)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        self.sources.line_index(id, byte_index)
    }

    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        self.sources.column_number(id, line_index, byte_index)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        match self.windows.get(&(id, line_index)) {
            Some(w) => Ok(w.clone()),
            None => self.sources.line_range(id, line_index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::{self, Config};
    use ivyc_base::diagnostic::{error, primary};
    use ivyc_base::Span;

    #[test]
    fn a_long_line_is_windowed_with_true_positions() {
        let mut sources = SourceMap::new();
        let line = format!("{}target{}", "x ".repeat(5000), " y".repeat(5000));
        let f = sources.add("long.ivy", format!("first\n{line}\n"));
        let at = 6 + 10_000;
        let diag = error("e", "here").with_labels(vec![primary(Span::new(f, at, at + 6), "this")]);
        let (view, notes) = Windowed::new(&sources, &diag);
        assert_eq!(notes.len(), 1, "{notes:?}");
        let text = term::emit_into_string(&Config::default(), &view, &diag.with_notes(notes))
            .unwrap_or_default();
        assert!(text.contains("long.ivy:2:10001"), "{text}");
        assert!(text.contains("target"), "{text}");
        assert!(text.len() < 2_000, "{} bytes:\n{text}", text.len());
    }

    #[test]
    fn short_lines_are_untouched() {
        let mut sources = SourceMap::new();
        let f = sources.add("s.ivy", "type t\n");
        let diag = error("e", "here").with_labels(vec![primary(Span::new(f, 5, 6), "this")]);
        let (_, notes) = Windowed::new(&sources, &diag);
        assert!(notes.is_empty());
    }
}
