//! `ivyc test FILE`: randomized testing of the generated C++ (Ivy's
//! `target=test`). Lowers FILE as `extract --no-verify` does, with its
//! invariants ([`ivyc_ir::lower_with_invariants`]), renders the test driver
//! ([`ivyc_cpp::generate_test`]), builds it with cmake (Release, `-O2`) in a
//! temporary directory (or `--keep DIR`), runs `--workers` driver processes
//! that share the runs, and reports: a clean summary (exit 0) or the first
//! violating run's steps and violated property (exit 1), optionally as a
//! trace in the `bmc --trace-out` format for `ivyc replay`. With
//! `--max-faults N` each run may inject up to N faults (drop or duplicate
//! a message on the specification's channels, crash and restart a node;
//! [`ivyc_cpp::faults`]), listed under their step and in the trace. The
//! driver's output protocol is described at the top of
//! `templates/test.cpp.tera`.

use crate::cli::TestArgs;
use crate::exit::Exit;
use crate::extract::default_runtime_dir;
use crate::frontend;
use crate::render::Renderer;
use crate::trace_file::{
    Entry, FaultEntry, ResetEntry, Row, StepEntry, TraceFile, ViolationEntry, TRACE_VERSION,
};
use ivyc_base::diagnostic::list_or_none;
use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_cpp::faults::Faults;
use ivyc_ir::Module;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// Default size of an uninterpreted sort.
const DEFAULT_SIZE: u32 = 3;

/// The `R` line of a driver process.
#[derive(Default, Clone, Copy)]
struct Totals {
    runs: u64,
    steps: u64,
    discarded: u64,
    stuck: u64,
    secs: f64,
    drops: u64,
    duplicates: u64,
    crashes: u64,
}

/// What one driver process printed.
#[derive(Default)]
struct WorkerOutput {
    totals: Option<Totals>,
    violation: Option<Violation>,
    /// `E` line: the parameters could not be drawn.
    error: Option<String>,
}

/// A violating run, as recorded by the driver.
#[derive(Default)]
struct Violation {
    kind: String,
    /// The check's message, or `LABEL\tSPAN` for an invariant.
    message: String,
    step: u64,
    run: u64,
    run_seed: u64,
    /// Parameter values: name, arguments, value.
    params: Vec<(String, Vec<String>, String)>,
    steps: Vec<RecordedStep>,
    /// Callback calls made by the initializer.
    init_calls: Vec<String>,
    /// The state after the violating step (invariant violations).
    state: Vec<(String, Vec<String>, String)>,
}

#[derive(Default)]
struct RecordedStep {
    call: String,
    args: Vec<(String, String)>,
    callbacks: Vec<String>,
    /// Network faults injected after the action.
    faults: Vec<RecordedFault>,
}

/// An `F` line: a fault injected after a step's action.
struct RecordedFault {
    /// `drop`, `duplicate` or `crash`.
    kind: String,
    /// What it did: a REPL assignment (`net.pending(1) := false`), or
    /// `node 1 restarted`.
    line: String,
    /// The relation (the node sort for a crash).
    symbol: String,
    /// Its arguments (the node) as trace values.
    args: Vec<String>,
    /// `K` lines of a crash: the entries set back to their initial values.
    reset: Vec<(String, Vec<String>, String)>,
}

fn parse_output(text: &str) -> WorkerOutput {
    let mut out = WorkerOutput::default();
    let mut v = Violation::default();
    let row = |fields: &[&str]| -> Option<(String, Vec<String>, String)> {
        let (value, rest) = fields.split_last()?;
        let (name, args) = rest.split_first()?;
        Some((
            (*name).to_owned(),
            args.iter().map(|a| (*a).to_owned()).collect(),
            (*value).to_owned(),
        ))
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["P", rest @ ..] => v.params.extend(row(rest)),
            ["X", rest @ ..] => v.state.extend(row(rest)),
            ["S", call] => v.steps.push(RecordedStep {
                call: (*call).to_owned(),
                ..RecordedStep::default()
            }),
            ["A", name, value] => {
                if let Some(s) = v.steps.last_mut() {
                    s.args.push(((*name).to_owned(), (*value).to_owned()));
                }
            }
            ["C", call] => match v.steps.last_mut() {
                Some(s) => s.callbacks.push((*call).to_owned()),
                None => v.init_calls.push((*call).to_owned()),
            },
            ["F", kind, line, symbol, args @ ..] => {
                if let Some(s) = v.steps.last_mut() {
                    s.faults.push(RecordedFault {
                        kind: (*kind).to_owned(),
                        line: (*line).to_owned(),
                        symbol: (*symbol).to_owned(),
                        args: args.iter().map(|a| (*a).to_owned()).collect(),
                        reset: Vec::new(),
                    });
                }
            }
            ["K", rest @ ..] => {
                let f = v.steps.last_mut().and_then(|s| s.faults.last_mut());
                if let (Some(f), Some(r)) = (f, row(rest)) {
                    f.reset.push(r);
                }
            }
            ["E", why] => out.error = Some((*why).to_owned()),
            ["R", runs, steps, discarded, stuck, secs, drops, duplicates, crashes] => {
                out.totals = Some(Totals {
                    runs: runs.parse().unwrap_or(0),
                    steps: steps.parse().unwrap_or(0),
                    discarded: discarded.parse().unwrap_or(0),
                    stuck: stuck.parse().unwrap_or(0),
                    secs: secs.parse().unwrap_or(0.0),
                    drops: drops.parse().unwrap_or(0),
                    duplicates: duplicates.parse().unwrap_or(0),
                    crashes: crashes.parse().unwrap_or(0),
                });
            }
            ["V", kind, middle @ .., step, run, seed] if !middle.is_empty() => {
                v.kind = (*kind).to_owned();
                v.message = middle.join("\t");
                v.step = step.parse().unwrap_or(0);
                v.run = run.parse().unwrap_or(0);
                v.run_seed = seed.parse().unwrap_or(0);
                out.violation = Some(std::mem::take(&mut v));
            }
            _ => {}
        }
    }
    out
}

/// Lowers the program (with its invariants) for the selected isolate;
/// also returns its network channels (where faults are injected).
fn lower(
    args: &TestArgs,
    out: &mut Renderer,
    sources: &mut SourceMap,
) -> Result<(Module, Faults), Exit> {
    let Some(program) = frontend::program(&args.input, sources, out) else {
        out.summary();
        return Err(Exit::InputError);
    };
    let base = frontend::module_name(&args.input);
    let isolate = match &args.isolate {
        None => None,
        Some(want) => match ivyc_pipeline::extract::find_isolate(&program, want) {
            Ok(i) => Some(i),
            Err(d) => {
                out.diagnostic(sources, &d);
                return Err(Exit::InputError);
            }
        },
    };
    let name = match isolate {
        Some(i) => format!("{base}_{}", i.name),
        None => base,
    };
    let module =
        ivyc_ir::lower_with_invariants(&program, sources, &name, isolate).map_err(|errors| {
            for e in &errors {
                out.diagnostic(sources, &e.into_diagnostic());
            }
            out.summary();
            Exit::InputError
        })?;
    // The specification state: symbols declared in `specification`
    // sections (what extraction leaves out).
    let spec: Vec<String> = program
        .symbol_origins
        .iter()
        .filter(|(_, o)| o.section == ivyc_sema::program::Section::Specification)
        .map(|(sym, _)| program.sig.symbol_name(*sym).to_owned())
        .collect();
    let faults = ivyc_cpp::faults::faults(&module, &spec);
    Ok((module, faults))
}

/// The size of every used sort, in module order: `SORT=N` or the default.
fn sizes(args: &TestArgs, module: &Module) -> Result<Vec<(String, u32)>, String> {
    let used: Vec<&str> = module
        .sorts
        .iter()
        .filter(|s| s.used)
        .map(|s| s.name.as_str())
        .collect();
    for (name, _) in &args.sizes {
        if !used.contains(&name.as_str()) {
            return Err(format!(
                "`{name}` is not an uninterpreted sort of the extracted code (sorts: {})",
                list_or_none(&used)
            ));
        }
    }
    Ok(used
        .iter()
        .map(|s| {
            let n = args
                .sizes
                .iter()
                .rev()
                .find(|(n, _)| n == s)
                .map_or(DEFAULT_SIZE, |(_, n)| *n);
            ((*s).to_owned(), n)
        })
        .collect())
}

pub fn run(args: &TestArgs) -> Exit {
    let mut out = Renderer::new(args.input.message_format);
    let mut sources = SourceMap::new();
    let (module, faults) = match lower(args, &mut out, &mut sources) {
        Ok(m) => m,
        Err(e) => return e,
    };
    let sizes = match sizes(args, &module) {
        Ok(s) => s,
        Err(msg) => {
            out.plain_error("unknown-sort", &msg);
            return Exit::InputError;
        }
    };
    let Some(runtime) = args.runtime_dir.clone().or_else(default_runtime_dir) else {
        out.plain_error(
            "no-runtime",
            "no runtime-cpp directory found; pass --runtime-dir DIR",
        );
        return Exit::InputError;
    };
    let source = frontend::source_file_name(&args.input);
    let opts = ivyc_cpp::Options {
        stem: module.ident.clone(),
        source: source.clone(),
        runtime_dir: runtime.display().to_string(),
    };
    let limits = ivyc_cpp::TestLimits {
        retries: 100,
        param_tries: 10_000,
    };
    let files = match ivyc_cpp::generate_test(&module, &opts, limits, &faults) {
        Ok(f) => f,
        Err(e) => {
            out.plain_error("internal", &format!("code generation failed: {e}"));
            return Exit::InternalError;
        }
    };
    let temp;
    let dir: PathBuf = match &args.keep {
        Some(d) => {
            if let Err(e) = std::fs::create_dir_all(d) {
                out.plain_error("io", &format!("cannot create `{}`: {e}", d.display()));
                return Exit::InputError;
            }
            d.clone()
        }
        None => match tempfile::tempdir() {
            Ok(d) => {
                temp = d;
                temp.path().to_path_buf()
            }
            Err(e) => {
                out.plain_error("io", &format!("cannot create a temporary directory: {e}"));
                return Exit::InputError;
            }
        },
    };
    let exe = match crate::cmake::build(&files, &dir, true) {
        Ok(build) => build.join(format!("{}_test", module.ident)),
        Err(msg) => {
            out.plain_error("test-build", &msg);
            return Exit::InputError;
        }
    };
    // The workers share the runs: worker i does runs i, i + W, ...
    let mut children = Vec::new();
    for w in 0..args.workers {
        let child = Command::new(&exe)
            .arg(args.seed.to_string())
            .arg(args.runs.to_string())
            .arg(args.steps.to_string())
            .arg(w.to_string())
            .arg(args.workers.to_string())
            .arg(args.max_faults.to_string())
            .args(sizes.iter().map(|(_, n)| n.to_string()))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        match child {
            Ok(c) => children.push(c),
            Err(e) => {
                out.plain_error("test-run", &format!("cannot run the test driver: {e}"));
                return Exit::InputError;
            }
        }
    }
    let mut outputs = Vec::new();
    for c in children {
        match c.wait_with_output() {
            Ok(o) => {
                let parsed = parse_output(&String::from_utf8_lossy(&o.stdout));
                if parsed.totals.is_none() && parsed.violation.is_none() && parsed.error.is_none() {
                    out.plain_error(
                        "test-run",
                        &format!(
                            "the test driver stopped without a result ({}): {}",
                            o.status,
                            String::from_utf8_lossy(&o.stderr).trim()
                        ),
                    );
                    return Exit::InputError;
                }
                outputs.push(parsed);
            }
            Err(e) => {
                out.plain_error("test-run", &format!("the test driver failed: {e}"));
                return Exit::InputError;
            }
        }
    }
    if let Some(why) = outputs.iter().find_map(|o| o.error.as_ref()) {
        out.plain_error(
            "test-params",
            &format!(
                "cannot test: {why}; set the parameters in a host (`docs/extract.md`) instead"
            ),
        );
        return Exit::InputError;
    }
    let sizes_text: Vec<String> = sizes.iter().map(|(s, n)| format!("{s}={n}")).collect();
    let faults_text = if args.max_faults > 0 {
        format!(", up to {} fault(s) per run", args.max_faults)
    } else {
        String::new()
    };
    println!(
        "testing `{}` (seed {}, {} runs of up to {} steps{faults_text}, {} worker(s){}{})",
        module.name,
        args.seed,
        args.runs,
        args.steps,
        args.workers,
        if sizes_text.is_empty() { "" } else { ", " },
        sizes_text.join(", ")
    );
    if args.max_faults > 0 {
        report_channels(&module, &faults);
    }
    let first = outputs
        .iter_mut()
        .filter_map(|o| o.violation.take())
        .min_by_key(|v| v.run);
    let code = match first {
        Some(v) => {
            report_violation(&v, &sources, args);
            if let Some(path) = &args.trace_out {
                let trace = trace_of(&v, &sources, &sizes, args);
                let text = match serde_json::to_string_pretty(&trace) {
                    Ok(t) => t,
                    Err(e) => {
                        out.plain_error("io", &format!("cannot encode the trace: {e}"));
                        return Exit::InputError;
                    }
                };
                if let Err(e) = std::fs::write(path, text + "\n") {
                    out.plain_error("io", &format!("cannot write `{}`: {e}", path.display()));
                    return Exit::InputError;
                }
                println!("trace written to {}", path.display());
            }
            Exit::CheckFailed
        }
        None => {
            let mut t = Totals::default();
            for o in outputs.iter().filter_map(|o| o.totals) {
                t.runs += o.runs;
                t.steps += o.steps;
                t.discarded += o.discarded;
                t.stuck += o.stuck;
                t.secs = t.secs.max(o.secs);
                t.drops += o.drops;
                t.duplicates += o.duplicates;
                t.crashes += o.crashes;
            }
            let Totals {
                runs,
                steps,
                discarded,
                stuck,
                secs,
                drops,
                duplicates,
                crashes,
            } = t;
            println!(
                "clean: {runs} runs, {steps} steps, {discarded} discarded calls (a `require` of the environment failed), {stuck} runs ended early (no call satisfied the requires)"
            );
            if args.max_faults > 0 {
                println!(
                    "faults injected: {drops} drop(s), {duplicates} duplicate(s), {crashes} crash(es)"
                );
            }
            let rate = if secs > 0.0 {
                format!("{:.0}", steps as f64 / secs)
            } else {
                "-".to_owned()
            };
            println!("time: {secs:.3} s, {rate} steps/s");
            Exit::Success
        }
    };
    println!(
        "invariants checked after every step: {}",
        module.invariants.len()
    );
    for i in &module.invariants {
        println!("  {} at {}", i.label, i.span);
    }
    if !module.unchecked_invariants.is_empty() {
        println!("not checked: {}", module.unchecked_invariants.len());
        for i in &module.unchecked_invariants {
            println!("  not checked: {} at {} ({})", i.label, i.span, i.why);
        }
    }
    if let Some(d) = &args.keep {
        println!("build kept in {}", d.display());
    }
    code
}

/// The channels faults are injected on (or why there are none).
fn report_channels(module: &Module, faults: &Faults) {
    let channels = &faults.channels;
    if channels.is_empty() {
        println!("no network channel: no fault can be injected (a channel is a `specification` relation set by a send and required by an exported delivery; docs/testing-generated-code.md)");
        return;
    }
    let names: Vec<String> = channels
        .iter()
        .filter_map(|c| {
            let v = module.state.get(c.var)?;
            Some(if c.consumed {
                format!("{} (drop, duplicate)", v.name)
            } else {
                format!(
                    "{} (drop; the specification already lets it be delivered again)",
                    v.name
                )
            })
        })
        .collect();
    println!("fault channels: {}", names.join(", "));
    match (&faults.crash, &faults.no_crash) {
        (Some(c), _) => {
            let sort = module.sorts.get(c.sort).map_or("?", |s| s.name.as_str());
            let vars: Vec<&str> = c
                .vars
                .iter()
                .filter_map(|v| module.state.get(*v).map(|v| v.name.as_str()))
                .collect();
            println!(
                "crash and restart of a `{sort}`: its entries of {}",
                vars.join(", ")
            );
        }
        (None, Some(why)) => println!("no crash: {why}"),
        (None, None) => {}
    }
}

/// The location at the end of a check's message (`... FILE:L:C`).
fn message_span(message: &str) -> Option<String> {
    let last = message.rsplit(' ').next()?;
    (last.matches(':').count() >= 2).then(|| last.to_owned())
}

/// The source text at `FILE:L:C` (its line from the column on, without
/// the keyword), as `bmc` names an unlabelled property.
fn source_text(sources: &SourceMap, at: &str) -> Option<String> {
    let mut parts = at.rsplitn(3, ':');
    let col: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    let id = (0..sources.len())
        .map(|i| ivyc_base::FileId(i as u32))
        .find(|f| sources.name(*f) == file)?;
    let text = sources.source(id).lines().nth(line.checked_sub(1)?)?;
    let text = text.get(col.checked_sub(1)?..)?.trim();
    let text = ["assert ", "ensure ", "require ", "assume ", "invariant "]
        .iter()
        .find_map(|k| text.strip_prefix(k))
        .unwrap_or(text);
    Some(text.trim_end_matches(';').trim().to_owned())
}

/// `[label]` at the start of a check's message (after `ensure ` or
/// `loop invariant `), if it has one.
fn message_label(message: &str) -> Option<String> {
    let m = message
        .strip_prefix("ensure ")
        .or_else(|| message.strip_prefix("loop invariant "))
        .unwrap_or(message);
    match (m.starts_with('['), m.find(']')) {
        (true, Some(i)) => Some(m[..=i].to_owned()),
        _ => None,
    }
}

fn report_violation(v: &Violation, sources: &SourceMap, args: &TestArgs) {
    println!(
        "violation in run {} (seed {}, run seed {}):",
        v.run, args.seed, v.run_seed
    );
    println!("  init");
    for c in &v.init_calls {
        println!("      < {c}");
    }
    for (i, s) in v.steps.iter().enumerate() {
        println!("  {:>3}  {}", i + 1, s.call);
        for c in &s.callbacks {
            println!("      < {c}");
        }
        for f in &s.faults {
            println!("      ! {}: {}", f.kind, f.line);
        }
    }
    if args.max_faults > 0 {
        let faults: Vec<&RecordedFault> = v.steps.iter().flat_map(|s| &s.faults).collect();
        let count = |k: &str| faults.iter().filter(|f| f.kind == k).count();
        println!(
            "faults in this run: {} drop(s), {} duplicate(s), {} crash(es)",
            count("drop"),
            count("duplicate"),
            count("crash")
        );
    }
    let when = if v.step == 0 {
        "in the initializer".to_owned()
    } else if v.kind == "invariant" {
        format!("after step {}", v.step)
    } else {
        format!("in step {}", v.step)
    };
    match (v.kind.as_str(), v.message.split_once('\t')) {
        ("invariant", Some((label, span))) => {
            println!("violated: invariant {label} at {span} {when}");
        }
        ("runtime error", _) => println!("runtime error {when}: {}", v.message),
        (kind, _) => {
            let span = message_span(&v.message).unwrap_or_default();
            match message_label(&v.message).or_else(|| source_text(sources, &span)) {
                Some(l) => println!("violated: {kind} {l} at {span} {when}"),
                None => println!("violated: {kind} at {span} {when}"),
            }
        }
    }
}

/// The violating run as a `bmc --trace-out` trace.
fn trace_of(
    v: &Violation,
    sources: &SourceMap,
    sizes: &[(String, u32)],
    args: &TestArgs,
) -> TraceFile {
    let universes: BTreeMap<String, Vec<String>> = sizes
        .iter()
        .map(|(s, n)| (s.clone(), (0..*n).map(|i| format!("{s}{i}")).collect()))
        .collect();
    let entries = |rows: &[(String, Vec<String>, String)]| {
        let mut m: BTreeMap<String, Entry> = BTreeMap::new();
        for (name, a, value) in rows {
            if a.is_empty() {
                m.insert(name.clone(), Entry::Value(value.clone()));
            } else {
                let e = m
                    .entry(name.clone())
                    .or_insert_with(|| Entry::Rows(Vec::new()));
                if let Entry::Rows(rs) = e {
                    rs.push(Row {
                        args: a.clone(),
                        value: value.clone(),
                    });
                }
            }
        }
        m
    };
    let mut initial = entries(&v.params);
    let state = entries(&v.state);
    let mut steps: Vec<StepEntry> = v
        .steps
        .iter()
        .map(|s| StepEntry {
            action: s
                .call
                .split_once('(')
                .map_or(s.call.as_str(), |(a, _)| a)
                .to_owned(),
            args: s.args.iter().cloned().collect(),
            state: BTreeMap::new(),
            faults: s
                .faults
                .iter()
                .map(|f| FaultEntry {
                    kind: f.kind.clone(),
                    symbol: f.symbol.clone(),
                    args: f.args.clone(),
                    reset: f
                        .reset
                        .iter()
                        .map(|(symbol, args, value)| ResetEntry {
                            symbol: symbol.clone(),
                            args: args.clone(),
                            value: value.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    if v.step == 0 {
        initial.extend(state);
    } else if let Some(s) = steps.get_mut(v.step as usize - 1) {
        s.state = state;
    }
    let (label, kind, span) = match (v.kind.as_str(), v.message.split_once('\t')) {
        ("invariant", Some((l, s))) => (l.to_owned(), "invariant".to_owned(), Some(s.to_owned())),
        (k, _) => {
            let span = message_span(&v.message);
            let label = message_label(&v.message)
                .or_else(|| span.as_deref().and_then(|s| source_text(sources, s)))
                .unwrap_or_else(|| "(unlabelled)".to_owned());
            (label, k.to_owned(), span)
        }
    };
    let action = (v.kind != "invariant" && v.step > 0)
        .then(|| steps.get(v.step as usize - 1).map(|s| s.action.clone()))
        .flatten();
    TraceFile {
        version: TRACE_VERSION,
        file: args.input.file.display().to_string(),
        isolate: args.isolate.clone(),
        depth: steps.len(),
        universes,
        initial,
        steps,
        deadlock: false,
        loop_start: None,
        violation: ViolationEntry {
            label,
            kind,
            span,
            step: v.step as usize,
            action,
        },
    }
}
