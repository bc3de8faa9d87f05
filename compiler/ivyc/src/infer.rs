//! `ivyc infer FILE`: run the pipeline's invariant inference with the disk
//! loader and the command line's options, render what it returns (for
//! people, or as one JSON document), and with `--write` add the invariants
//! found to the file.

use crate::cli::{InferArgs, ReportFormat};
use crate::exit::Exit;
use crate::frontend;
use crate::loader::DiskLoader;
use crate::render::{self, Renderer};
use ivyc_base::SourceMap;
use ivyc_pipeline::infer::{InferOptions, InferStats, Inferred};
use serde_json::json;
use std::time::{Duration, Instant};

fn stats_line(s: &InferStats) -> String {
    format!(
        "{} candidates: {} hold on the reachable states sampled ({} rounds, {:.1}s), {} inductive ({} rounds, {:.1}s), {} kept ({:.1}s)",
        s.candidates,
        s.after_sampling,
        s.sampling_rounds,
        s.sampling.as_secs_f64(),
        s.after_houdini,
        s.houdini_rounds,
        s.houdini.as_secs_f64(),
        s.after_reduction,
        s.reduction.as_secs_f64()
    )
}

pub fn run(args: &InferArgs) -> Exit {
    let start = Instant::now();
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let Some(root) = frontend::read(&args.input, &mut sources, &mut out) else {
        out.summary();
        return Exit::InputError;
    };
    let defaults = InferOptions::default();
    let opts = InferOptions {
        isolate: args.isolate.clone(),
        time: Duration::from_secs(args.time),
        sample_depth: args.depth,
        templates: ivyc_infer::Templates {
            max_literals: usize::try_from(args.max_literals).unwrap_or(3),
            max_vars: usize::try_from(args.max_vars).unwrap_or(3),
            vars_per_sort: usize::try_from(args.vars_per_sort).unwrap_or(2),
            ..defaults.templates
        },
        ..defaults
    };
    let mut disk = DiskLoader::new(&args.input.include_dirs);
    let run = ivyc_pipeline::infer::infer(&mut sources, root, &mut disk, &opts);
    out.diagnostics(&sources, &run.diagnostics);
    let mut status = run.status();
    let elapsed = start.elapsed().as_secs_f64();
    if args.format == ReportFormat::Json {
        let cti_text = match &run.outcome {
            Inferred::NotFound { cti: Some(c), .. } => {
                Some(render::counterexample_text(&c.0.sig, &c.1))
            }
            _ => None,
        };
        let (outcome, invariants, why) = match &run.outcome {
            Inferred::InputErrors => ("input-errors", Vec::new(), None),
            Inferred::AlreadyInductive => ("already-inductive", Vec::new(), None),
            Inferred::Found { invariants, .. } => ("found", invariants.clone(), None),
            Inferred::Violated(t) => ("violated", Vec::new(), Some(render::bmc_trace_text(t))),
            Inferred::NotFound { why, partial, .. } => {
                ("not-found", partial.clone(), Some(why.clone()))
            }
            Inferred::NotVerified { invariants, .. } => ("not-verified", invariants.clone(), None),
            Inferred::NotPlaced { invariants } => ("not-placed", invariants.clone(), None),
        };
        let s = &run.stats;
        let doc = json!({
            "version": 1,
            "file": args.input.file.display().to_string(),
            "outcome": outcome,
            "invariants": invariants,
            "detail": why,
            "cti_text": cti_text,
            "stats": {"candidates": s.candidates, "after_sampling": s.after_sampling,
                      "sampling_rounds": s.sampling_rounds, "after_houdini": s.after_houdini,
                      "houdini_rounds": s.houdini_rounds, "kept": s.after_reduction,
                      "time_ms": start.elapsed().as_millis() as u64},
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    let human = args.format == ReportFormat::Human;
    match &run.outcome {
        Inferred::InputErrors => out.summary(),
        Inferred::AlreadyInductive => {
            if human {
                out.line("the invariants are already inductive: nothing to infer (`ivyc verify` proves the program)");
            }
        }
        Inferred::Found { invariants, text } => {
            if human {
                out.line(&format!(
                    "found {} invariant{} with which `ivyc verify` proves the program ({elapsed:.2}s; {})",
                    invariants.len(),
                    if invariants.len() == 1 { "" } else { "s" },
                    stats_line(&run.stats)
                ));
                for inv in invariants {
                    out.line(inv);
                }
            }
            if args.write {
                match std::fs::write(&args.input.file, text) {
                    Ok(()) if human => out.line(&format!(
                        "added to {} (marked `# inferred by ivyc infer`)",
                        args.input.file.display()
                    )),
                    Ok(()) => {}
                    Err(e) => {
                        out.plain_error(
                            "io",
                            &format!("cannot write `{}`: {e}", args.input.file.display()),
                        );
                        status = Exit::InputError;
                    }
                }
            }
        }
        Inferred::Violated(trace) => {
            if human {
                out.line("the program's own invariants do not hold: a violation is reachable");
                out.line(render::bmc_trace_text(trace).trim_end());
            }
            out.diagnostic(&sources, &render::bmc_violation_diagnostic(&sources, trace));
        }
        Inferred::NotFound { why, partial, cti } => {
            if human {
                out.line(&format!(
                    "no inductive invariant found ({elapsed:.2}s; {}): {why}",
                    stats_line(&run.stats)
                ));
                if !partial.is_empty() {
                    out.line(&format!(
                        "the {} candidates left (not enough to prove the program):",
                        partial.len()
                    ));
                    for inv in partial.iter().take(20) {
                        out.line(&format!("  {inv}"));
                    }
                    if partial.len() > 20 {
                        out.line(&format!("  ... and {} more", partial.len() - 20));
                    }
                }
                if let Some(c) = cti {
                    let (ob, cex) = &**c;
                    out.line(&format!(
                        "the counterexample to induction that stopped it ({}, with the candidates above assumed):",
                        render::obligation_title(&sources, ob)
                    ));
                    out.line(render::counterexample_text(&ob.sig, cex).trim_end());
                }
            }
        }
        Inferred::NotPlaced { invariants } => {
            if human {
                out.line(&format!(
                    "found {} candidate invariant{} for the isolate, not verified: ivyc could not place them in the program to re-verify it (the error says why):",
                    invariants.len(),
                    if invariants.len() == 1 { "" } else { "s" },
                ));
                for inv in invariants {
                    out.line(&format!("  {inv}"));
                }
            }
            out.summary();
        }
        Inferred::NotVerified { invariants, status } => {
            out.plain_error(
                "internal",
                &format!(
                    "internal error: the {} invariants inferred do not make `ivyc verify` succeed ({status:?}); this is a bug in ivyc, nothing is claimed",
                    invariants.len()
                ),
            );
        }
    }
    status
}
