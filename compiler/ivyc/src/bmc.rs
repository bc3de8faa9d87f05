//! `ivyc bmc FILE --depth K` (and the search behind `verify --bmc K`):
//! bounded model checking of every verification unit with Z3, the trace of
//! a shortest violation printed (and written as JSON with `--trace-out`).

use crate::cli::BmcArgs;
use crate::exit::Exit;
use crate::frontend;
use crate::render::{self, Renderer};
use crate::trace_file::TraceFile;
use ivyc_base::{IntoDiagnostic, SourceMap, Symbol};
use ivyc_bmc::{BmcOptions, BmcResult};
use ivyc_logic::{SortId, SortKind};
use ivyc_sema::lower::Unit;
use ivyc_smt::{FreshZ3Solver, Z3Options};
use std::path::Path;
use std::time::Instant;

/// What to search for, before sort names are resolved per unit.
pub struct Request<'a> {
    pub depth: usize,
    pub bounds: &'a [(String, u32)],
    pub property: Option<&'a str>,
    pub timeout_secs: u64,
    /// The input file as given (for the trace file).
    pub file: &'a Path,
    pub trace_out: Option<&'a Path>,
}

/// `--bound` resolved in one unit's signature; `Err` names an unknown or
/// interpreted sort.
fn resolve_bounds(unit: &Unit, bounds: &[(String, u32)]) -> Result<Vec<(SortId, u32)>, String> {
    bounds
        .iter()
        .map(|(name, n)| {
            let sig = &unit.system.sig;
            match sig.lookup_sort(name) {
                Some(s) if matches!(sig.sort_kind(s), SortKind::Uninterpreted) => Ok((s, *n)),
                Some(_) => Err(format!(
                    "`--bound {name}={n}`: `{name}` is not an uninterpreted sort"
                )),
                None => {
                    let names: Vec<&str> = sig
                        .sorts()
                        .filter(|(_, d)| matches!(d.kind, SortKind::Uninterpreted))
                        .map(|(id, _)| sig.sort_name(id))
                        .collect();
                    Err(format!(
                        "`--bound {name}={n}`: no sort named `{name}` (uninterpreted sorts: {})",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ))
                }
            }
        })
        .collect()
}

/// Searches every unit; prints the trace and diagnostic of the first
/// violation (and writes `--trace-out`). Returns `Success` when every
/// query up to the depth was unsatisfiable, `CheckFailed` for a violation,
/// `Undecided` when the solver could not decide some depth (and found no
/// violation), `InputError` for a bad `--bound`, `--property` or a trace
/// file that cannot be written; with the depth of the violation found.
pub fn search_units(
    units: &[Unit],
    req: &Request,
    sources: &SourceMap,
    out: &mut Renderer,
) -> (Exit, Option<usize>) {
    let mut per_unit = Vec::new();
    for u in units {
        match resolve_bounds(u, req.bounds) {
            Ok(b) => per_unit.push(b),
            Err(msg) => {
                out.plain_error("unknown-sort", &msg);
                return (Exit::InputError, None);
            }
        }
    }
    let property = req.property.map(Symbol::intern);
    if let Some(p) = property {
        if !units
            .iter()
            .any(|u| ivyc_bmc::search::has_property(&u.system, p))
        {
            out.plain_error(
                "unknown-property",
                &format!("no invariant or assertion is labelled `{p}`"),
            );
            return (Exit::InputError, None);
        }
    }
    let show_units = units.iter().any(|u| u.name.is_some());
    let mut exit = Exit::Success;
    let options = Z3Options {
        minimize: true,
        ..Z3Options::default()
    };
    let mut solver = FreshZ3Solver::with_options(options.clone());
    let mut corrupting = crate::verify::corrupt_models()
        .then(|| ivyc_vc::Corrupting(FreshZ3Solver::with_options(options)));
    for (u, bounds) in units.iter().zip(per_unit) {
        let name = u.name.map(|n| n.to_string());
        if show_units {
            out.line(&format!("isolate {}", name.as_deref().unwrap_or("this")));
        }
        let opts = BmcOptions {
            depth: req.depth,
            bounds,
            property,
            timeout_ms: req.timeout_secs.saturating_mul(1000),
        };
        let result = match corrupting.as_mut() {
            Some(s) => ivyc_bmc::search(&u.system, &opts, s, |_| {}),
            None => ivyc_bmc::search(&u.system, &opts, &mut solver, |_| {}),
        };
        match result {
            BmcResult::NoViolation { .. } => {}
            BmcResult::InternalError(rejected) => {
                out.diagnostic(sources, &rejected.into_diagnostic());
                return (Exit::InternalError, None);
            }
            BmcResult::Unknown { depth, reason } => {
                out.line(&format!(
                    "undecided at depth {depth}: {reason} (no violation up to depth {})",
                    depth.saturating_sub(1)
                ));
                if depth == 0 {
                    out.line("  (not even depth 0 was decided)");
                }
                exit = exit.max(Exit::Undecided);
            }
            BmcResult::Violation(trace) => {
                out.line(render::bmc_trace_text(&trace).trim_end());
                if let Some(note) = render::not_checkable_text(&trace.check) {
                    out.line(note.trim_end());
                }
                out.diagnostic(sources, &render::bmc_violation_diagnostic(sources, &trace));
                if let Some(path) = req.trace_out {
                    let file = req.file.display().to_string();
                    let doc = TraceFile::from_trace(sources, &file, name, &trace);
                    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
                    if let Err(e) = std::fs::write(path, text + "\n") {
                        out.plain_error("io", &format!("cannot write `{}`: {e}", path.display()));
                        return (Exit::InputError, None);
                    }
                }
                return (Exit::CheckFailed, Some(trace.depth));
            }
        }
    }
    (exit, None)
}

pub fn run(args: &BmcArgs) -> Exit {
    let start = Instant::now();
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let program = frontend::program(&args.input, &mut sources, &mut out);
    // Without --isolate, the whole program (exact reachability); with it,
    // the isolate's unit (its entries from any state: may over-approximate).
    let units = program.and_then(|p| match args.isolate {
        None => frontend::whole_program(&p, &sources, &mut out),
        Some(_) => frontend::units(&p, &sources, &mut out),
    });
    let Some(units) = units else {
        out.summary();
        return Exit::InputError;
    };
    let Some(units) = frontend::select_isolate(units, args.isolate.as_deref(), &mut out) else {
        return Exit::InputError;
    };
    let req = Request {
        depth: args.depth,
        bounds: &args.bounds,
        property: args.property.as_deref(),
        timeout_secs: args.timeout,
        file: &args.input.file,
        trace_out: args.trace_out.as_deref(),
    };
    let (exit, _) = search_units(&units, &req, &sources, &mut out);
    match exit {
        Exit::Success => out.line(&format!(
            "no violation up to depth {} ({:.2}s)",
            args.depth,
            start.elapsed().as_secs_f64()
        )),
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
