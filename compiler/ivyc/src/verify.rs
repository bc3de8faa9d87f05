//! `ivyc verify`: run the pipeline's `verify` with the disk loader and the
//! command line's options on each file given, then render what it returns
//! (for people, or as one JSON document per file).

use crate::cli::{InputArgs, McEngine, MessageFormat, ReportFormat, VerifyArgs};
use crate::exit::Exit;
use crate::frontend;
use crate::loader::DiskLoader;
use crate::render::{self, Renderer};
use ivyc_base::SourceMap;
use ivyc_pipeline::verify::{Ended, VerifyOptions};
use ivyc_smt::Z3Options;
use std::time::Instant;

/// The pipeline's options from the command line.
fn options(args: &VerifyArgs) -> VerifyOptions {
    let defaults = VerifyOptions::default();
    VerifyOptions {
        isolate: args.isolate.clone(),
        bmc_depth: args.bmc,
        fragment_check: !args.no_fragment_check,
        z3: Z3Options {
            minimize: !args.no_minimize,
            memory_max_mb: args.solver.memory_limit,
            params: args.solver.z3_params(),
            ..Z3Options::default()
        },
        jobs: args.jobs.map(usize::from).unwrap_or(defaults.jobs),
        timeout_ms: args.solver.timeout_ms(),
        debug_corrupt_models: corrupt_models(),
        restarts: args.solver.restarts(),
        dump_smt: args.dump_smt.is_some(),
        deadlock: args.deadlock,
        cache_dir: if args.no_cache {
            None
        } else {
            ivyc_pipeline::cache::configured_dir()
        },
        mc_engine: match args.mc_engine {
            McEngine::Spacer => ivyc_mc::Engine::Spacer,
            McEngine::KInduction => ivyc_mc::Engine::KInduction,
        },
    }
}

/// The test hook `IVYC_DEBUG_CORRUPT_MODEL=1` (not in `--help`; used by
/// one end-to-end test): every model the solver gives is corrupted before
/// the independent check, which must then report an internal error.
pub fn corrupt_models() -> bool {
    std::env::var_os("IVYC_DEBUG_CORRUPT_MODEL").is_some_and(|v| v == "1")
}

/// Verifies each file of the command line on its own, in order; with
/// several files, the human report of each starts with a `==> FILE <==`
/// line. The exit status is the worst of the files'.
pub fn run(args: &VerifyArgs) -> Exit {
    if args.more_files.is_empty() {
        return run_file(args, &args.input);
    }
    let files = std::iter::once(&args.input.file).chain(&args.more_files);
    let mut worst = Exit::Success;
    for (i, file) in files.enumerate() {
        let input = InputArgs {
            file: file.clone(),
            ..args.input.clone()
        };
        if args.format == ReportFormat::Human && args.input.message_format == MessageFormat::Human {
            if i > 0 {
                println!();
            }
            println!("==> {} <==", file.display());
        }
        worst = worst.max(run_file(args, &input));
    }
    worst
}

/// `verify` of one file (`input`; the other options from `args`).
fn run_file(args: &VerifyArgs, input: &InputArgs) -> Exit {
    let start = Instant::now();
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(input.message_format);
    let Some(root) = frontend::read(input, &mut sources, &mut out) else {
        out.summary();
        return Exit::InputError;
    };
    let opts = options(args);
    // Z3 settings that Z3 does not know are a usage error, before any work.
    if let Err(e) = ivyc_smt::params::apply_global(&opts.z3.params) {
        out.plain_error("z3-params", &e.to_string());
        return Exit::InputError;
    }
    let mut disk = DiskLoader::new(&input.include_dirs);
    let run = ivyc_pipeline::verify::verify(&mut sources, root, &mut disk, &opts);
    if let Some(dir) = &args.dump_smt {
        if let Err(e) = write_dumps(dir, &run.smt_dumps) {
            out.plain_error("dump-smt", &e);
            return Exit::InputError;
        }
    }
    let mut status = run.status();
    if let Some(path) = &args.trace_out {
        let violation = run
            .model_checked()
            .iter()
            .find_map(|m| match &m.run.result {
                ivyc_mc::McResult::Violation(t) => {
                    Some((run.units.get(m.unit).and_then(|u| u.name), t))
                }
                _ => None,
            });
        if let Some((name, trace)) = violation {
            let file = input.file.display().to_string();
            let doc = crate::trace_file::TraceFile::from_trace(
                &sources,
                &file,
                name.map(|n| n.to_string()),
                trace,
            );
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            if let Err(e) = std::fs::write(path, text + "\n") {
                out.plain_error("io", &format!("cannot write `{}`: {e}", path.display()));
                status = Exit::InputError;
            }
        }
    }
    // `method = vmt`: the files, in the current directory or `--vmt-dir`.
    let vmt_dir = args
        .vmt_dir
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    if let Err(e) = write_vmt(&vmt_dir, run.exported()) {
        out.plain_error("io", &e);
        status = Exit::InputError;
    }
    out.diagnostics(&sources, &run.diagnostics);
    if let (Some(bmc), Some(depth)) = (&run.bmc, args.bmc) {
        render::bmc_run(&mut out, &sources, bmc);
        match &run.ended {
            Ended::Reachable => {}
            _ if bmc.status() == Exit::Undecided => out
                .line("bmc: the bounded search was not decided; going on with the inductive check"),
            _ => out.line(&render::bmc_verify_line(bmc, depth)),
        }
    }
    let report_start = Instant::now();
    match &run.ended {
        Ended::InputErrors => out.summary(),
        Ended::Reachable => {
            let depth = run
                .bmc
                .as_ref()
                .and_then(|b| b.violation())
                .map(|(_, t)| t.depth)
                .unwrap_or_default();
            out.line(&format!(
                "reachable violation at depth {depth}: a real bug (not a counterexample to induction); the inductive check was not run"
            ));
            out.summary();
        }
        Ended::OutsideFragment(report) => {
            out.diagnostics(&sources, &report.diagnostics);
            out.summary();
            out.line(&render::fragment_refused_line(report));
        }
        Ended::Discharged {
            checked,
            model_checked,
            bounded,
            exported,
            never_checked,
        } => {
            out.diagnostics(&sources, never_checked);
            if !never_checked.is_empty() {
                out.line(&format!(
                    "{} assumption{} never checked: the isolates do not add up to a proof",
                    never_checked.len(),
                    if never_checked.len() == 1 {
                        " is"
                    } else {
                        "s are"
                    }
                ));
            }
            match args.format {
                ReportFormat::Human => {
                    render::model_checked_report(&mut out, &sources, &run.units, model_checked);
                    render::bounded_report(&mut out, &sources, &run.units, bounded);
                    render::exported_report(&mut out, &run.units, exported, &vmt_dir);
                    if !checked.is_empty()
                        || (model_checked.is_empty() && bounded.is_empty() && exported.is_empty())
                    {
                        render::verify_report(
                            &mut out,
                            &sources,
                            &run.units,
                            &run.liveness,
                            checked,
                            start.elapsed(),
                            args.detail(),
                        )
                    }
                }
                ReportFormat::Json => {
                    render::verify_json(&sources, &input.file, &run, &vmt_dir, start.elapsed())
                }
            }
            if let (Some(depth), ReportFormat::Human) = (args.bmc, args.format) {
                if checked
                    .iter()
                    .any(|c| matches!(c.outcome, ivyc_vc::Outcome::Failed(_)))
                {
                    out.line(&format!(
                        "the failures above are counterexamples to induction (CTI): no violation is reachable within {depth} steps, so an invariant may need strengthening (or the bug lies deeper)"
                    ));
                }
            }
        }
    }
    if args.timings {
        render::timings(
            &sources,
            run.checked(),
            &run.timings,
            report_start.elapsed(),
            start.elapsed(),
        );
    }
    status
}

/// Writes the VMT-LIB files of the `method = vmt` isolates into `dir`
/// (created if missing).
fn write_vmt(
    dir: &std::path::Path,
    exported: &[ivyc_pipeline::verify::VmtExported],
) -> Result<(), String> {
    if exported.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for e in exported {
        let path = dir.join(&e.file.file_name);
        std::fs::write(&path, &e.file.text)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    Ok(())
}

/// Writes the SMT-LIB dumps into `dir` (created if missing).
fn write_dumps(
    dir: &std::path::Path,
    dumps: &[ivyc_pipeline::verify::SmtDump],
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for d in dumps {
        let path = dir.join(&d.name);
        std::fs::write(&path, &d.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
