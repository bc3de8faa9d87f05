//! Extraction as data: the checked program lowered to the imperative IR
//! (refusals as diagnostics) and rendered to C++ files, which the caller
//! writes.

use ivyc_base::diagnostic::{error as error_diag, list_or_none};
use ivyc_base::{Diagnostic, IntoDiagnostic, SourceMap};
use ivyc_sema::{IsolateDef, Program};

use crate::Status;

/// What to extract and how to name it.
pub struct ExtractRequest<'a> {
    /// The module name (the input file's stem).
    pub name: &'a str,
    /// Extract only this isolate.
    pub isolate: Option<&'a str>,
    /// Extract the unit of this `extract NAME = ...` declaration.
    pub unit: Option<&'a str>,
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

/// The `extract NAME = obj, ...` unit named `want` as the isolate that
/// extraction runs with (`None`: the whole program, for a unit that lists
/// `this`), with its name.
fn unit_isolate(
    program: &Program,
    want: &str,
) -> Result<(String, Option<ivyc_sema::IsolateDef>), Refused> {
    let refused = |diagnostics: Vec<Diagnostic>| Refused {
        status: Status::InputError,
        diagnostics,
    };
    let Some(u) = program.extracts.iter().find(|u| u.name.as_str() == want) else {
        let names: Vec<&str> = program.extracts.iter().map(|u| u.name.as_str()).collect();
        let mut d = error_diag(
            "unknown-extract",
            format!(
                "no `extract {want} = ...` declaration in this program (extract declarations: {})",
                list_or_none(&names)
            ),
        );
        d.notes.push(
            "help: name one of the program's `extract` declarations, or leave NAME out to extract the whole program".into(),
        );
        return Err(refused(vec![d]));
    };
    let label = |span, msg: &str| ivyc_base::diagnostic::primary(span, msg.to_owned());
    if let Some((name, span)) = u.unknown.first() {
        return Err(refused(vec![error_diag(
            "not-executable",
            format!("the extract declaration `{want}` names `{name}`, which is not declared"),
        )
        .with_labels(vec![label(
            *span,
            "no object, action or isolate of this name",
        )])
        .with_notes(vec![
            "help: list the objects that make up the extracted process".into(),
        ])]));
    }
    if u.parameterised {
        return Err(refused(vec![error_diag(
            "unsupported",
            format!(
                "unsupported: the parameterised extract declaration `{want}` in extracted code"
            ),
        )
        .with_labels(vec![label(u.span, "one process per parameter value")])
        .with_notes(vec![
            "help: declare an extract without parameters, or extract with `--isolate`".into(),
        ])]));
    }
    let iso = if u.members.iter().any(|m| m.as_str() == "this") {
        None
    } else {
        Some(ivyc_sema::IsolateDef {
            name: u.name,
            members: u.members.clone(),
            with: Vec::new(),
            trusted: false,
            span: u.span,
        })
    };
    Ok((want.to_owned(), iso))
}

/// The isolate named `want`, or the `unknown-isolate` error listing the
/// program's isolates.
pub fn find_isolate<'p>(program: &'p Program, want: &str) -> Result<&'p IsolateDef, Diagnostic> {
    program
        .isolates
        .iter()
        .find(|i| i.name.as_str() == want)
        .ok_or_else(|| {
            let names: Vec<&str> = program.isolates.iter().map(|i| i.name.as_str()).collect();
            error_diag(
                "unknown-isolate",
                format!(
                    "no isolate `{want}` in this program (isolates: {})",
                    list_or_none(&names)
                ),
            )
        })
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
        Some(want) => Some(find_isolate(program, want).map_err(|d| Refused {
            status: Status::InputError,
            diagnostics: vec![d],
        })?),
    };
    let from_unit = match req.unit {
        None => None,
        Some(want) => Some(unit_isolate(program, want)?),
    };
    let isolate = match &from_unit {
        Some((_, iso)) => iso.as_ref(),
        None => isolate,
    };
    let name = match (&from_unit, isolate) {
        (Some((unit, _)), _) => format!("{}_{unit}", req.name),
        (None, Some(i)) => format!("{}_{}", req.name, i.name),
        (None, None) => req.name.to_owned(),
    };
    // A definition by choice over state symbols is chosen again whenever
    // what it depends on changes; the code generator has no such update.
    if let Some(c) = program.state_choices.first() {
        let d = program.sig.symbol(c.sym);
        let mut diag = error_diag(
            "unsupported",
            format!(
                "cannot extract `{}`: a definition by `some` over state symbols is not executable",
                d.name
            ),
        )
        .with_notes(vec![
            "Ivy chooses its value again whenever the state it depends on changes; ivyc verifies such definitions but does not generate code for them".to_owned(),
        ]);
        if let Some(span) = d.span {
            diag = diag.with_labels(vec![ivyc_base::diagnostic::primary(
                span,
                "defined by choice over state",
            )]);
        }
        return Err(Refused {
            status: Status::InputError,
            diagnostics: vec![diag],
        });
    }
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
