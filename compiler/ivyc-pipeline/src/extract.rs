//! Extraction as data: the checked program lowered to the imperative IR
//! (refusals as diagnostics) and rendered to C++ files, which the caller
//! writes.

use ivyc_base::diagnostic::error as error_diag;
use ivyc_base::{Diagnostic, IntoDiagnostic, SourceMap};
use ivyc_sema::Program;

use crate::Status;

/// What to extract and how to name it.
pub struct ExtractRequest<'a> {
    /// The module name (the input file's stem).
    pub name: &'a str,
    /// Extract only this isolate.
    pub isolate: Option<&'a str>,
    /// The source file name, for the header comment.
    pub source: &'a str,
    /// Default for `IVYC_RUNTIME_DIR` in the generated CMakeLists.txt.
    pub runtime_dir: &'a str,
}

/// The generated files and what the user should know about them.
pub struct Extraction {
    /// The Ivy-level module name.
    pub module: String,
    /// Specification state left out of the code.
    pub ghost: Vec<String>,
    pub files: Vec<ivyc_cpp::File>,
}

/// Why nothing was extracted.
pub struct Refused {
    pub status: Status,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lower and render `program` (already verified, or not, as the caller
/// decided).
pub fn extract(
    program: &Program,
    sources: &SourceMap,
    req: &ExtractRequest,
) -> Result<Extraction, Refused> {
    let isolate = match req.isolate {
        None => None,
        Some(want) => match program.isolates.iter().find(|i| i.name.as_str() == want) {
            Some(i) => Some(i),
            None => {
                let names: Vec<&str> = program.isolates.iter().map(|i| i.name.as_str()).collect();
                return Err(Refused {
                    status: Status::InputError,
                    diagnostics: vec![error_diag(
                        "unknown-isolate",
                        format!(
                            "no isolate `{want}` in this program (isolates: {})",
                            if names.is_empty() {
                                "none".to_owned()
                            } else {
                                names.join(", ")
                            }
                        ),
                    )],
                });
            }
        },
    };
    let name = match isolate {
        Some(i) => format!("{}_{}", req.name, i.name),
        None => req.name.to_owned(),
    };
    let module = ivyc_ir::lower(program, sources, &name, isolate).map_err(|errors| Refused {
        status: Status::InputError,
        diagnostics: errors.iter().map(|e| e.into_diagnostic()).collect(),
    })?;
    let opts = ivyc_cpp::Options {
        stem: module.ident.clone(),
        source: req.source.to_owned(),
        runtime_dir: req.runtime_dir.to_owned(),
    };
    let files = ivyc_cpp::generate(&module, &opts).map_err(|e| Refused {
        status: Status::InternalError,
        diagnostics: vec![error_diag(
            "internal",
            format!("code generation failed: {e}"),
        )],
    })?;
    Ok(Extraction {
        module: module.name.clone(),
        ghost: module.ghost.clone(),
        files,
    })
}
