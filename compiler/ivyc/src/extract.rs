//! `ivyc extract --cpp DIR`: verify the file (unless `--no-verify`), lower
//! the checked program to the IR (refusing what cannot run, with
//! diagnostics), render the C++ and write it into DIR.

use crate::cli::{ExtractArgs, ReportFormat, VerifyArgs};
use crate::exit::Exit;
use crate::frontend;
use crate::render::Renderer;
use crate::verify;
use ivyc_base::SourceMap;
use ivyc_pipeline::extract::ExtractRequest;
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
            more_files: Vec::new(),
            verbose: false,
            quiet: false,
            format: ReportFormat::Human,
            solver: args.solver.clone(),
            jobs: None,
            no_fragment_check: args.no_fragment_check,
            no_minimize: false,
            timings: false,
            dump_smt: None,
            isolate: None,
            bmc: None,
            mc_engine: crate::cli::McEngine::Spacer,
            trace_out: None,
            vmt_dir: None,
            deadlock: false,
            no_cache: args.no_cache,
        };
        // The whole program is verified even when one isolate is extracted:
        // its guarantees rest on the other isolates' proofs.
        let verdict = verify::run(&v);
        if verdict != Exit::Success {
            Renderer::new(args.input.message_format).plain_error(
                "not-verified",
                "nothing extracted: the program did not verify (use --no-verify to extract anyway)",
            );
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
    let runtime_dir = args
        .runtime_dir
        .clone()
        .or_else(default_runtime_dir)
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let source = frontend::source_file_name(&args.input);
    let req = ExtractRequest {
        name: &name,
        isolate: args.isolate.as_deref(),
        unit: args.unit.as_deref(),
        source: &source,
        runtime_dir: &runtime_dir,
    };
    let extraction = match ivyc_pipeline::extract::extract(&program, &sources, &req) {
        Ok(x) => x,
        Err(refused) => {
            out.diagnostics(&sources, &refused.diagnostics);
            if refused.status == Exit::InputError {
                out.summary();
            }
            return refused.status;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.cpp) {
        out.plain_error(
            "io",
            &format!("cannot create `{}`: {e}", args.cpp.display()),
        );
        return Exit::InputError;
    }
    for f in &extraction.files {
        let path = args.cpp.join(&f.name);
        if let Err(e) = std::fs::write(&path, &f.text) {
            out.plain_error("io", &format!("cannot write `{}`: {e}", path.display()));
            return Exit::InputError;
        }
    }
    let names: Vec<&str> = extraction.files.iter().map(|f| f.name.as_str()).collect();
    out.line(&format!(
        "extracted `{}` to {}: {}",
        extraction.module,
        args.cpp.display(),
        names.join(", ")
    ));
    if !extraction.ghost.is_empty() {
        out.line(&format!(
            "specification state left out: {}",
            extraction.ghost.join(", ")
        ));
    }
    Exit::Success
}
