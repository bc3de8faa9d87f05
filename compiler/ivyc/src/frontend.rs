//! The shared front half of `check` and `verify`: read the file, parse and
//! analyse it with its includes, lower it to a verification system, and
//! render every diagnostic on the way.

use crate::cli::InputArgs;
use crate::loader::{self, DiskLoader};
use crate::render::Renderer;
use ivyc_base::{FileId, IntoDiagnostic, SourceMap};
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

/// Parse and check the input with its includes. Returns the program when
/// there were no errors (warnings are rendered and allowed).
pub fn program(input: &InputArgs, sources: &mut SourceMap, out: &mut Renderer) -> Option<Program> {
    let root = read(input, sources, out)?;
    let mut disk = DiskLoader::new(&input.include_dirs);
    let (program, errors) = ivyc_sema::check(root, sources, &mut disk);
    let before = out.errors();
    for e in &errors {
        out.diagnostic(sources, &e.into_diagnostic());
    }
    if out.errors() > before {
        return None;
    }
    program
}

/// Lower a checked program to its verification units (one per isolate).
pub fn units(
    program: &Program,
    sources: &SourceMap,
    out: &mut Renderer,
) -> Option<Vec<ivyc_sema::lower::Unit>> {
    match ivyc_sema::lower::lower_units(program) {
        Ok(u) => Some(u),
        Err(errors) => {
            for e in &errors {
                out.diagnostic(sources, &e.into_diagnostic());
            }
            None
        }
    }
}

/// The whole program as one unit, every call inlined and only exported
/// actions as steps: exactly the reachable behaviour, for bounded search.
/// (Isolate units treat calls from other isolates as entries from any
/// state, which a bounded search would report as unreachable "bugs".)
pub fn whole_program(
    program: &Program,
    sources: &SourceMap,
    out: &mut Renderer,
) -> Option<Vec<ivyc_sema::lower::Unit>> {
    if program.isolates.is_empty() {
        return units(program, sources, out);
    }
    match ivyc_sema::lower::lower(program) {
        Ok(system) => Some(vec![ivyc_sema::lower::Unit {
            name: None,
            span: None,
            system,
            internal_entries: Vec::new(),
            checked_actions: Vec::new(),
            summaries: Vec::new(),
        }]),
        Err(errors) => {
            for e in &errors {
                out.diagnostic(sources, &e.into_diagnostic());
            }
            None
        }
    }
}

/// Keeps the units of `--isolate NAME`; `None` (after an error) if none.
pub fn select_isolate(
    units: Vec<ivyc_sema::lower::Unit>,
    isolate: Option<&str>,
    out: &mut Renderer,
) -> Option<Vec<ivyc_sema::lower::Unit>> {
    let Some(name) = isolate else {
        return Some(units);
    };
    let known: Vec<String> = units
        .iter()
        .filter_map(|u| u.name.map(|n| n.to_string()))
        .collect();
    let kept: Vec<ivyc_sema::lower::Unit> = units
        .into_iter()
        .filter(|u| u.name.is_some_and(|n| n.as_str() == name))
        .collect();
    if kept.is_empty() {
        out.plain_error(
            "unknown-isolate",
            &format!(
                "no isolate named `{name}`; the isolates are: {}",
                if known.is_empty() {
                    "(none)".to_string()
                } else {
                    known.join(", ")
                }
            ),
        );
        return None;
    }
    Some(kept)
}

/// The name of the extracted module: the input file's stem.
pub fn module_name(input: &InputArgs) -> String {
    input
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "protocol".to_owned())
}
