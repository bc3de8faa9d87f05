//! Reading source files from disk into the source map. Bytes that are not
//! UTF-8 are replaced (U+FFFD) so the lexer can point at them.

use ivyc_base::{FileId, SourceMap};
use std::path::Path;

/// Read `path` into `sources`, returning its id, or a message on failure.
pub fn load(sources: &mut SourceMap, path: &Path) -> Result<FileId, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(sources.add(path.display().to_string(), text))
}
