//! Reading the input file from disk into the source map; the
//! `SourceLoader` for `include` (next to the including file, then each
//! `-I` directory, then the embedded standard library) is the pipeline's
//! [`DiskLoader`]. Bytes that are not UTF-8 are replaced (U+FFFD) so the
//! lexer can point at them.

use ivyc_base::{FileId, SourceMap};
use std::path::Path;

/// Read `path` into `sources`, returning its id, or a message on failure.
pub fn load(sources: &mut SourceMap, path: &Path) -> Result<FileId, String> {
    let text = ivyc_pipeline::loader::read_lossy(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(sources.add(path.display().to_string(), text))
}

pub use ivyc_pipeline::loader::DiskLoader;
