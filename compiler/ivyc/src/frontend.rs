//! The command line's side of the front end: read the input file from
//! disk, run the pipeline's analysis with the disk loader, and render its
//! diagnostics.

use crate::cli::InputArgs;
use crate::loader::{self, DiskLoader};
use crate::render::Renderer;
use ivyc_base::{FileId, SourceMap};
use ivyc_sema::Program;

/// Read the input file; on failure the error is rendered.
pub fn read(input: &InputArgs, sources: &mut SourceMap, out: &mut Renderer) -> Option<FileId> {
    match loader::load(sources, &input.file) {
        Ok(f) => Some(f),
        Err(msg) => {
            out.plain_error("unreadable-file", &msg);
            None
        }
    }
}

/// Read, parse and check the input with its includes, rendering every
/// diagnostic. Returns the program when there were no errors.
pub fn program(input: &InputArgs, sources: &mut SourceMap, out: &mut Renderer) -> Option<Program> {
    let root = read(input, sources, out)?;
    let mut disk = DiskLoader::new(&input.include_dirs);
    let analysis = ivyc_pipeline::front::analyse(sources, root, &mut disk);
    out.diagnostics(sources, &analysis.diagnostics);
    analysis.program
}

/// The input file's name without its directory (for generated headers);
/// empty for standard input.
pub fn source_file_name(input: &InputArgs) -> String {
    input
        .file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The name of the extracted module: the input file's stem.
pub fn module_name(input: &InputArgs) -> String {
    input
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| s != crate::loader::STDIN)
        .unwrap_or_else(|| "protocol".to_owned())
}
