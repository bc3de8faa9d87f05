//! The source map: every file ivyc reads, addressed by `FileId`, usable as
//! codespan-reporting `Files` for rendering and for line/column lookups.

use crate::span::{FileId, Span};
use codespan_reporting::files::{self, Files, SimpleFile};

/// All source files of one run.
#[derive(Default)]
pub struct SourceMap {
    files: Vec<SimpleFile<String, String>>,
}

impl SourceMap {
    pub fn new() -> Self {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, source: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SimpleFile::new(name.into(), source.into()));
        id
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn source(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, byte: usize) -> (usize, usize) {
        match self.location(id, byte) {
            Ok(loc) => (loc.line_number, loc.column_number),
            Err(_) => (1, 1),
        }
    }

    /// The text a span covers (empty if out of range).
    pub fn snippet(&self, span: Span) -> &str {
        self.source(span.file).get(span.range()).unwrap_or("")
    }

    fn get(&self, id: FileId) -> Result<&SimpleFile<String, String>, files::Error> {
        self.files
            .get(id.0 as usize)
            .ok_or(files::Error::FileMissing)
    }
}

impl<'a> Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.get(id)?.name().as_str())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        Ok(self.get(id)?.source().as_str())
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        self.get(id)?.line_index((), byte_index)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, files::Error> {
        self.get(id)?.line_range((), line_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_lookup() {
        let mut sm = SourceMap::new();
        let f = sm.add("a.ivy", "type t\nrelation r(X:t)\n");
        assert_eq!(sm.line_col(f, 0), (1, 1));
        assert_eq!(sm.line_col(f, 9), (2, 3));
        assert_eq!(sm.snippet(Span::new(f, 0, 4)), "type");
    }
}
