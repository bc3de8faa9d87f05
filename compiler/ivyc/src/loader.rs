//! Reading the input file (or standard input, `-`) into the source map;
//! the `SourceLoader` for `include` (next to the including file, then each
//! `-I` directory, then the embedded standard library) is the pipeline's
//! [`DiskLoader`]. Bytes that are not UTF-8 are replaced (U+FFFD) so the
//! lexer can point at them.

use ivyc_base::{FileId, SourceMap};
use std::path::Path;

/// The file name that means standard input.
pub const STDIN: &str = "-";

/// Read `path` into `sources` (`-`: standard input, named `<stdin>`, its
/// includes looked up from the current directory), returning its id, or a
/// message on failure.
pub fn load(sources: &mut SourceMap, path: &Path) -> Result<FileId, String> {
    if path == Path::new(STDIN) {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        let text = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        // `<stdin>` has the empty parent: includes are found from the
        // current directory.
        return Ok(sources.add("<stdin>".to_string(), text));
    }
    let text = ivyc_pipeline::loader::read_lossy(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(sources.add(path.display().to_string(), text))
}

pub use ivyc_pipeline::loader::DiskLoader;
