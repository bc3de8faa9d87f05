//! `ivyc extract --cpp DIR`: verify the file (unless `--no-verify`), lower
//! the checked program to the IR (refusing what cannot run, with
//! diagnostics), render the C++ and write it into DIR.

use crate::cli::{ExtractArgs, ReportFormat, VerifyArgs};
use crate::exit::Exit;
use crate::frontend;
use crate::render::Renderer;
use crate::verify;
use ivyc_base::{IntoDiagnostic, SourceMap};
use std::path::{Path, PathBuf};

/// The runtime-cpp directory of the source tree this binary was built
/// from, if it is still there.
pub(crate) fn default_runtime_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../runtime-cpp");
    dir.join("CMakeLists.txt")
        .is_file()
        .then(|| dir.canonicalize().ok())
        .flatten()
}

pub fn run(args: &ExtractArgs) -> Exit {
    if !args.no_verify {
        let v = VerifyArgs {
            input: args.input.clone(),
            format: ReportFormat::Human,
            solver: args.solver.clone(),
            jobs: None,
            no_fragment_check: false,
            no_minimize: false,
            timings: false,
            isolate: None,
            bmc: None,
        };
        // The whole program is verified even when one isolate is extracted:
        // its guarantees rest on the other isolates' proofs.
        let verdict = verify::run(&v);
        if verdict != Exit::Success {
            eprintln!("error[not-verified]: nothing extracted: the program did not verify (use --no-verify to extract anyway)");
            return verdict;
        }
    }
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let Some(program) = frontend::program(&args.input, &mut sources, &mut out) else {
        out.summary();
        return Exit::InputError;
    };
    let name = frontend::module_name(&args.input);
    let isolate = match &args.isolate {
        None => None,
        Some(want) => match program.isolates.iter().find(|i| i.name.as_str() == want) {
            Some(i) => Some(i),
            None => {
                let names: Vec<&str> = program.isolates.iter().map(|i| i.name.as_str()).collect();
                out.plain_error(
                    "unknown-isolate",
                    &format!(
                        "no isolate `{want}` in this program (isolates: {})",
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        }
                    ),
                );
                return Exit::InputError;
            }
        },
    };
    let name = match isolate {
        Some(i) => format!("{name}_{}", i.name),
        None => name,
    };
    let module = match ivyc_ir::lower(&program, &sources, &name, isolate) {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors {
                out.diagnostic(&sources, &e.into_diagnostic());
            }
            out.summary();
            return Exit::InputError;
        }
    };
    let runtime_dir = args
        .runtime_dir
        .clone()
        .or_else(default_runtime_dir)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let opts = ivyc_cpp::Options {
        stem: module.ident.clone(),
        source: args
            .input
            .file
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        runtime_dir,
    };
    let files = match ivyc_cpp::generate(&module, &opts) {
        Ok(f) => f,
        Err(e) => {
            out.plain_error("internal", &format!("code generation failed: {e}"));
            return Exit::InternalError;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.cpp) {
        out.plain_error(
            "io",
            &format!("cannot create `{}`: {e}", args.cpp.display()),
        );
        return Exit::InputError;
    }
    for f in &files {
        let path = args.cpp.join(&f.name);
        if let Err(e) = std::fs::write(&path, &f.text) {
            out.plain_error("io", &format!("cannot write `{}`: {e}", path.display()));
            return Exit::InputError;
        }
    }
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    println!(
        "extracted `{}` to {}: {}",
        module.name,
        args.cpp.display(),
        names.join(", ")
    );
    if !module.ghost.is_empty() {
        println!("specification state left out: {}", module.ghost.join(", "));
    }
    Exit::Success
}
