//! `ivyc bmc FILE --depth K`: run the pipeline's bounded search over the
//! whole program (or one isolate), render the shortest violation found and
//! write it as JSON with `--trace-out`.

use crate::cli::BmcArgs;
use crate::exit::Exit;
use crate::frontend;
use crate::render::{self, Renderer};
use crate::trace_file::TraceFile;
use ivyc_base::SourceMap;
use ivyc_pipeline::bmc::BmcRequest;
use ivyc_pipeline::front;
use std::time::Instant;

pub fn run(args: &BmcArgs) -> Exit {
    let start = Instant::now();
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let Some(program) = frontend::program(&args.input, &mut sources, &mut out) else {
        out.summary();
        return Exit::InputError;
    };
    // Without --isolate, the whole program (exact reachability); with it,
    // the isolate's unit (its entries from any state: may over-approximate).
    let units = match args.isolate {
        None => front::whole_program(&program),
        Some(_) => front::units(&program),
    };
    let units = match units {
        Ok(u) => u,
        Err(errors) => {
            out.diagnostics(&sources, &errors);
            out.summary();
            return Exit::InputError;
        }
    };
    let units = match front::select_isolate(units, args.isolate.as_deref()) {
        Ok(u) => u,
        Err(d) => {
            out.diagnostics(&sources, &[d]);
            return Exit::InputError;
        }
    };
    // What `--progress` says each depth is free of.
    let found = if args.deadlock {
        "deadlock"
    } else if args.liveness {
        "lasso"
    } else {
        "violation"
    };
    let progress =
        move |u: Option<ivyc_base::Symbol>,
              b: &ivyc_pipeline::bmc::NamedBounds,
              d: usize,
              t: std::time::Duration| { render::bmc_progress(found, u, b, d, t) };
    let req = BmcRequest {
        depth: args.depth,
        bounds: &args.bounds,
        unbounded: args.unbounded,
        property: args.property.as_deref(),
        budget_ms: args.timeout.saturating_mul(1000),
        debug_corrupt_models: crate::verify::corrupt_models(),
        symmetry: !args.no_symmetry,
        deadlock: args.deadlock,
        liveness: args.liveness,
        progress: if args.progress { Some(&progress) } else { None },
    };
    // Say which bounds the search starts from before it runs.
    for defaults in ivyc_pipeline::bmc::announced_bounds(&units, &req)
        .iter()
        .flatten()
    {
        render::bmc_announce(&mut out, defaults);
    }
    let run = ivyc_pipeline::bmc::search_units(&units, &req);
    render::bmc_run(&mut out, &sources, &run);
    let mut exit = run.status();
    if let (Some(path), Some((name, trace))) = (&args.trace_out, run.violation()) {
        let file = args.input.file.display().to_string();
        let doc = TraceFile::from_trace(&sources, &file, name.map(|n| n.to_string()), trace);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            out.plain_error("io", &format!("cannot write `{}`: {e}", path.display()));
            exit = Exit::InputError;
        }
    }
    match exit {
        Exit::Success => render::bmc_no_violation(&mut out, &run, args.depth, start.elapsed()),
        Exit::Undecided => out.line(&format!(
            "undecided: the solver could not decide every depth up to {} ({:.2}s)",
            args.depth,
            start.elapsed().as_secs_f64()
        )),
        _ => {}
    }
    out.summary();
    exit
}
