//! `ivyc replay TRACE FILE`: extract FILE to C++ (without verifying), build
//! it with cmake into a temporary directory, feed the trace's parameters
//! and steps to the generated REPL driver, and say whether the C++ fails
//! the same check at the same step (exit 1 "reproduced"), does not (exit 0
//! "not reproduced: ..."), or the trace cannot be replayed (exit 2
//! "unsupported: ..."; e.g. nondeterminism the REPL cannot steer). An
//! invariant violation, which extracted code does not check, is replayed by
//! asking the REPL for its state (`?state`) after the violating step and
//! comparing it with the trace's state there; a deadlock by
//! `crate::replay_deadlock`. A trace with network faults (`ivyc test
//! --max-faults`) is replayed on the C++ with its `specification` state
//! and monitors (as the test driver runs), each fault an assignment
//! `NAME(args) := false|true` after its step's action.

use crate::cli::ReplayArgs;
use crate::exit::Exit;
use crate::extract::default_runtime_dir;
use crate::frontend;
use crate::render::Renderer;
use crate::trace_file::span_text;
use crate::trace_file::{Entry, TraceFile};
use ivyc_base::diagnostic::list_or_none;
use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_ir::ir::{Module, Storage, Type, Var};
use ivyc_logic::{Role, SymId};
use ivyc_sema::Program;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// One line of the REPL script and what it stands for.
pub(crate) struct Line {
    pub(crate) text: String,
    /// The trace step (1-based) of an action line, or the step after which
    /// a `?state` line asks for the state; `None` for parameters.
    pub(crate) step: Option<usize>,
    /// A `?state` query rather than an action.
    pub(crate) query: bool,
}

/// What the REPL printed for one script line.
#[derive(Default, Clone)]
pub(crate) struct Output {
    /// The first `error: ...` message.
    pub(crate) error: Option<String>,
    /// Every other line.
    pub(crate) lines: Vec<String>,
}

fn unsupported(msg: &str) -> Exit {
    println!("unsupported: {msg}");
    Exit::InputError
}

/// A trace value as REPL text: elements `node3` become their id `3`.
fn repl_value(universes: &BTreeMap<String, Vec<String>>, v: &str) -> String {
    for elems in universes.values() {
        if let Some(i) = elems.iter().position(|e| e == v) {
            return i.to_string();
        }
    }
    v.to_owned()
}

/// The script: parameters from the initial state, then one line per step.
pub(crate) fn script(trace: &TraceFile, module: &Module) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    let val = |v: &str| repl_value(&trace.universes, v);
    for p in &module.params {
        match trace.initial.get(&p.name) {
            None => {}
            Some(Entry::Value(v)) if v.is_empty() => {}
            Some(Entry::Value(v)) => lines.push(Line {
                text: format!("set_{}({})", p.name, val(v)),
                step: None,
                query: false,
            }),
            Some(Entry::Rows(rows)) => {
                for r in rows {
                    let mut args: Vec<String> = r.args.iter().map(|a| val(a)).collect();
                    args.push(val(&r.value));
                    lines.push(Line {
                        text: format!("set_{}({})", p.name, args.join(", ")),
                        step: None,
                        query: false,
                    });
                }
            }
        }
    }
    for (i, step) in trace.steps.iter().enumerate() {
        let Some(f) = module
            .actions
            .iter()
            .find(|f| f.exported && f.name == step.action)
        else {
            return Err(format!(
                "step {}: `{}` is not an exported action of the extracted code",
                i + 1,
                step.action
            ));
        };
        let mut args = Vec::new();
        for &p in &f.params {
            let name = f.locals.get(p).map(|l| l.name.as_str()).unwrap_or("");
            let short = name.rsplit('.').next().unwrap_or(name);
            match step.args.get(short) {
                Some(v) if !v.is_empty() => args.push(val(v)),
                _ => {
                    return Err(format!(
                        "step {}: the trace gives no value for parameter `{short}` of `{}`",
                        i + 1,
                        step.action
                    ))
                }
            }
        }
        lines.push(Line {
            text: format!("{}({})", step.action, args.join(", ")),
            step: Some(i + 1),
            query: false,
        });
        // Faults (`ivyc test --max-faults`): assignments to the
        // specification's message relations, or to a crashed node's state,
        // after the action.
        for f in &step.faults {
            let sets: Vec<(&str, &[String], String)> = match f.kind.as_str() {
                "drop" | "duplicate" => {
                    let value = if f.kind == "drop" { "false" } else { "true" };
                    vec![(f.symbol.as_str(), f.args.as_slice(), value.to_owned())]
                }
                "crash" => f
                    .reset
                    .iter()
                    .map(|r| (r.symbol.as_str(), r.args.as_slice(), val(&r.value)))
                    .collect(),
                other => {
                    return Err(format!("step {}: unknown fault kind `{other}`", i + 1));
                }
            };
            for (symbol, fargs, value) in sets {
                match module.state.iter().find(|v| v.name == symbol) {
                    Some(var) if var.args.len() == fargs.len() => {}
                    _ => {
                        return Err(format!(
                            "step {}: the trace's {} sets `{symbol}` with {} argument(s), which is not a state symbol of the program with as many",
                            i + 1,
                            f.kind,
                            fargs.len()
                        ))
                    }
                }
                let args: Vec<String> = fargs.iter().map(|a| val(a)).collect();
                lines.push(Line {
                    text: format!("{symbol}({}) := {value}", args.join(", ")),
                    step: Some(i + 1),
                    query: false,
                });
            }
        }
    }
    Ok(lines)
}

/// Writes, configures and builds the C++; returns the REPL executable.
pub(crate) fn build(
    module: &Module,
    dir: &Path,
    source: &str,
    runtime: &Path,
) -> Result<std::path::PathBuf, String> {
    let opts = ivyc_cpp::Options {
        stem: module.ident.clone(),
        source: source.to_owned(),
        runtime_dir: runtime.display().to_string(),
    };
    let files =
        ivyc_cpp::generate(module, &opts).map_err(|e| format!("code generation failed: {e}"))?;
    let build = crate::cmake::build(&files, dir, false)?;
    Ok(build.join(format!("{}_repl", module.ident)))
}

/// Runs the REPL with `--echo`; returns, per script line, what it printed.
pub(crate) fn run_repl(
    exe: &Path,
    sizes: &[String],
    lines: &[Line],
) -> Result<Vec<Output>, String> {
    let mut child = Command::new(exe)
        .arg("--echo")
        .args(sizes)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the REPL: {e}"))?;
    let input: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .map_err(|e| format!("cannot feed the REPL: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("the REPL failed: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut outputs: Vec<Output> = vec![Output::default(); lines.len()];
    let mut current: Option<usize> = None;
    for l in text.lines() {
        if l.starts_with("> ") {
            current = Some(current.map_or(0, |c| c + 1));
        } else if let Some(slot) = current.and_then(|c| outputs.get_mut(c)) {
            match l.strip_prefix("error: ") {
                Some(e) => {
                    slot.error.get_or_insert_with(|| e.to_owned());
                }
                None => slot.lines.push(l.to_owned()),
            }
        }
    }
    Ok(outputs)
}

/// Whether the C++ message `assert failed: FILE:L:C` names the trace's span.
fn same_place(message: &str, span: &str) -> bool {
    let tail = |s: &str| -> Option<(String, String)> {
        let mut parts = s.rsplitn(3, ':');
        let col = parts.next()?.trim().to_owned();
        let line = parts.next()?.trim().to_owned();
        let file = parts.next()?;
        let base = file.rsplit(['/', ' ']).next().unwrap_or(file).to_owned();
        Some((format!("{line}:{col}"), base))
    };
    matches!((tail(message), tail(span)), (Some(a), Some(b)) if a == b)
}

pub fn run(args: &ReplayArgs) -> Exit {
    let mut out = Renderer::new(args.input.message_format);
    let text = match std::fs::read_to_string(&args.trace) {
        Ok(t) => t,
        Err(e) => {
            out.plain_error(
                "unreadable-file",
                &format!("cannot read `{}`: {e}", args.trace.display()),
            );
            return Exit::InputError;
        }
    };
    let trace: TraceFile = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            out.plain_error(
                "bad-trace",
                &format!("`{}` is not a bmc trace: {e}", args.trace.display()),
            );
            return Exit::InputError;
        }
    };
    let mut sources = SourceMap::new();
    let Some(program) = frontend::program(&args.input, &mut sources, &mut out) else {
        out.summary();
        return Exit::InputError;
    };
    let name = frontend::module_name(&args.input);
    // A trace of `ivyc test --max-faults` changes the specification's
    // network state: the C++ then holds and runs the specification, as the
    // test driver did.
    let faulty = trace.steps.iter().any(|s| !s.faults.is_empty());
    let lowered = if faulty {
        ivyc_ir::lower_with_invariants(&program, &sources, &name, None)
    } else {
        ivyc_ir::lower(&program, &sources, &name, None)
    };
    let module = match lowered {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors {
                out.diagnostic(&sources, &e.into_diagnostic());
            }
            out.summary();
            return unsupported("the program cannot be extracted to C++ (see the errors above)");
        }
    };
    if module.choice_sites > 0 {
        return unsupported(&format!(
            "the extracted code makes {} nondeterministic choice(s) (`*`, `if *`, a search for a value satisfying an assumption) that the REPL resolves by itself; the trace's choices cannot be steered",
            module.choice_sites
        ));
    }
    let v = &trace.violation;
    let invariant = v.kind == "invariant";
    let deadlock = trace.deadlock;
    let lasso = trace.loop_start.is_some();
    if v.step == 0 && trace.steps.is_empty() && !invariant && !deadlock && !lasso {
        return unsupported(
            "the violation is in the initializer and the trace has no step to run it",
        );
    }
    if invariant {
        if let Err(msg) = check_invariant(&program, &sources, &module, &trace) {
            return unsupported(&msg);
        }
    }
    let mut lines = match script(&trace, &module) {
        Ok(l) => l,
        Err(msg) => return unsupported(&msg),
    };
    if invariant {
        // Run the steps up to the violating one, then ask for the state.
        let keep = lines
            .iter()
            .position(|l| l.step.is_some_and(|s| s > v.step))
            .unwrap_or(lines.len());
        lines.truncate(keep);
        lines.push(Line {
            text: "?state".to_owned(),
            step: Some(v.step),
            query: true,
        });
    }
    let Some(runtime) = args.runtime_dir.clone().or_else(default_runtime_dir) else {
        out.plain_error(
            "no-runtime",
            "no runtime-cpp directory found; pass --runtime-dir DIR",
        );
        return Exit::InputError;
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            out.plain_error("io", &format!("cannot create a temporary directory: {e}"));
            return Exit::InputError;
        }
    };
    let source = frontend::source_file_name(&args.input);
    let exe = match build(&module, dir.path(), &source, &runtime) {
        Ok(e) => e,
        Err(msg) => {
            out.plain_error("replay-build", &msg);
            return Exit::InputError;
        }
    };
    let sizes: Vec<String> = module
        .sorts
        .iter()
        .filter(|s| s.used)
        .map(|s| {
            let n = trace.universes.get(&s.name).map_or(1, |u| u.len().max(1));
            format!("{}={n}", s.name)
        })
        .collect();
    if deadlock {
        return crate::replay_deadlock::verdict(&trace, &module, &exe, &sizes, &lines);
    }
    if let Some(l) = trace.loop_start {
        return crate::replay_deadlock::lasso_verdict(&trace, &module, &exe, &sizes, &lines, l);
    }
    let outputs = match run_repl(&exe, &sizes, &lines) {
        Ok(e) => e,
        Err(msg) => {
            out.plain_error("replay-run", &msg);
            return Exit::InputError;
        }
    };
    verdict(&trace, &module, &lines, &outputs)
}

/// The symbols `formula` depends on, definitions unfolded.
fn dependencies(program: &Program, formula: &ivyc_logic::Term) -> BTreeSet<SymId> {
    let mut seen = BTreeSet::new();
    let mut todo = formula.symbols();
    while let Some(f) = todo.pop() {
        if !seen.insert(f) {
            continue;
        }
        if let Some(d) = program.definitions.iter().find(|d| d.sym == f) {
            todo.extend(d.body.symbols());
        }
    }
    seen
}

/// Whether the C++ state can decide the trace's invariant: every state
/// symbol the invariant depends on must be extracted (not specification
/// state) and comparable (not over an unbounded sort).
fn check_invariant(
    program: &Program,
    sources: &SourceMap,
    module: &Module,
    trace: &TraceFile,
) -> Result<(), String> {
    let v = &trace.violation;
    let span = v.span.as_deref().unwrap_or("");
    let property = program
        .invariants
        .iter()
        .chain(&program.properties)
        .find(|p| {
            p.span
                .is_some_and(|s| same_place(&span_text(sources, s), span))
        });
    let Some(property) = property else {
        return Err(format!(
            "the trace violates invariant {} at `{span}`, but the program has no invariant there",
            v.label
        ));
    };
    let mut ghost = Vec::new();
    let mut unbounded = Vec::new();
    for f in dependencies(program, &property.formula) {
        let decl = program.sig.symbol(f);
        if decl.role != Role::State {
            continue;
        }
        let name = decl.name.as_str();
        match module.state.iter().find(|s| s.name == name) {
            None => ghost.push(name.to_owned()),
            Some(s) if s.storage == Storage::Hash => unbounded.push(name.to_owned()),
            Some(_) => {}
        }
    }
    if !ghost.is_empty() {
        return Err(format!(
            "invariant {} depends on {}, specification state that the extracted code does not hold; the C++ state cannot show the violation",
            v.label,
            ghost.join(", ")
        ));
    }
    if !unbounded.is_empty() {
        return Err(format!(
            "invariant {} depends on {}, over an unbounded sort; the trace lists only some of its values, so the states cannot be compared",
            v.label,
            unbounded.join(", ")
        ));
    }
    Ok(())
}

/// A tuple as `?state` prints it: `a` for one item, `(a, b)` otherwise.
fn tuple_text(items: &[String]) -> String {
    if items.len() == 1 {
        items.concat()
    } else {
        format!("({})", items.join(", "))
    }
}

/// A trace value of type `ty` as `?state` prints it, with its position in
/// the C++ iteration order (ids, enum constructors, false before true).
fn value_text(trace: &TraceFile, module: &Module, ty: &Type, v: &str) -> (String, u64) {
    match ty {
        Type::Id { sort } => {
            let id = module
                .sorts
                .get(*sort)
                .and_then(|s| trace.universes.get(&s.name))
                .and_then(|u| u.iter().position(|e| e == v));
            match id {
                Some(i) => (i.to_string(), i as u64),
                None => (repl_value(&trace.universes, v), u64::MAX),
            }
        }
        Type::Enum { sort } => {
            let short = v.rsplit('.').next().unwrap_or(v);
            let pos = module.enums.get(*sort).and_then(|e| {
                e.ctor_names
                    .iter()
                    .position(|c| c.rsplit('.').next().unwrap_or(c) == short)
            });
            (short.to_owned(), pos.map_or(u64::MAX, |p| p as u64))
        }
        Type::Bool => (v.to_owned(), u64::from(v == "true")),
        _ => (v.to_owned(), 0),
    }
}

/// The trace's value of state symbol `var` in the `?state` format.
fn expected_text(
    trace: &TraceFile,
    module: &Module,
    var: &Var,
    entry: &Entry,
) -> Result<String, String> {
    match (entry, var.storage) {
        (Entry::Value(v), Storage::Scalar) => Ok(value_text(trace, module, &var.ret, v).0),
        (Entry::Rows(rows), Storage::Dense) => {
            let mut items: Vec<(Vec<u64>, String)> = Vec::new();
            for r in rows {
                if r.args.len() != var.args.len() {
                    return Err("the trace's rows have the wrong number of arguments".into());
                }
                let (texts, keys): (Vec<String>, Vec<u64>) = r
                    .args
                    .iter()
                    .zip(&var.args)
                    .map(|(a, t)| value_text(trace, module, t, a))
                    .unzip();
                let key = tuple_text(&texts);
                if var.ret == Type::Bool {
                    if r.value == "true" {
                        items.push((keys, key));
                    }
                } else {
                    let value = value_text(trace, module, &var.ret, &r.value).0;
                    items.push((keys, format!("{key} -> {value}")));
                }
            }
            items.sort();
            let items: Vec<String> = items.into_iter().map(|(_, t)| t).collect();
            Ok(format!("{{{}}}", items.join(", ")))
        }
        _ => Err("the trace's value has a different shape".into()),
    }
}

/// Compares the C++ state printed by `?state` with the trace's state after
/// step `step`: the differences, what was compared and what was skipped.
pub(crate) fn compare_states(
    trace: &TraceFile,
    module: &Module,
    step: usize,
    printed: &[String],
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let expected_state = match step.checked_sub(1) {
        None => &trace.initial,
        Some(i) => match trace.steps.get(i) {
            Some(s) => &s.state,
            None => &trace.initial,
        },
    };
    let got: BTreeMap<&str, &str> = printed.iter().filter_map(|l| l.split_once(" = ")).collect();
    let (mut diffs, mut compared, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for var in &module.state {
        if var.storage == Storage::Hash {
            skipped.push(format!("{} (over an unbounded sort)", var.name));
            continue;
        }
        let Some(entry) = expected_state.get(&var.name) else {
            skipped.push(format!("{} (not in the trace)", var.name));
            continue;
        };
        let expected = match expected_text(trace, module, var, entry) {
            Ok(e) => e,
            Err(why) => {
                skipped.push(format!("{} ({why})", var.name));
                continue;
            }
        };
        compared.push(var.name.clone());
        match got.get(var.name.as_str()) {
            Some(g) if *g == expected => {}
            Some(g) => diffs.push(format!("{}: expected {expected}, got {g}", var.name)),
            None => diffs.push(format!(
                "{}: expected {expected}, got nothing (`?state` did not print it)",
                var.name
            )),
        }
    }
    let mutable: BTreeSet<&str> = match trace.steps.first() {
        Some(s) => s.state.keys().map(String::as_str).collect(),
        None => expected_state.keys().map(String::as_str).collect(),
    };
    for name in mutable {
        let extracted = module.state.iter().any(|v| v.name == name)
            || module.params.iter().any(|p| p.name == name);
        if !extracted {
            skipped.push(format!("{name} (not in the extracted code)"));
        }
    }
    (diffs, compared, skipped)
}

/// The verdict on an invariant violation: the C++ state after the
/// violating step against the trace's.
fn invariant_verdict(
    trace: &TraceFile,
    module: &Module,
    lines: &[Line],
    outputs: &[Output],
) -> Exit {
    let v = &trace.violation;
    let what = format!("{} {}", v.kind, v.label);
    let span = v.span.as_deref().unwrap_or("");
    let failed = lines
        .iter()
        .zip(outputs)
        .find_map(|(l, o)| o.error.as_ref().map(|e| (l, e)));
    match failed {
        Some((l, e)) if l.query => {
            println!(
                "not reproduced: asking the C++ for its state after step {} failed with `{e}`",
                v.step
            );
            return Exit::Success;
        }
        Some((l, e)) if l.step.is_none() => {
            println!(
                "not reproduced: setting the parameters failed in the C++ (`{}`: {e})",
                l.text
            );
            return Exit::Success;
        }
        Some((l, e)) if is_assumption(e) => {
            return cannot_follow(l, e);
        }
        Some((l, e)) => {
            println!(
                "not reproduced: step {} (`{}`) failed in the C++ with `{e}`, but the trace violates {what} only after step {}",
                l.step.unwrap_or(0),
                l.text,
                v.step
            );
            return Exit::Success;
        }
        None => {}
    }
    let printed = lines
        .iter()
        .zip(outputs)
        .find(|(l, _)| l.query)
        .map(|(_, o)| o.lines.as_slice())
        .unwrap_or(&[]);
    let (diffs, compared, skipped) = compare_states(trace, module, v.step, printed);
    let after = if v.step == 0 {
        "after the initializer".to_owned()
    } else {
        format!("after step {}", v.step)
    };
    let code = if let Some((first, rest)) = diffs.split_first() {
        println!("not reproduced: {after} the C++ state differs: {first}");
        for d in rest {
            println!("  {d}");
        }
        Exit::Success
    } else {
        println!(
            "reproduced: {after} the C++ is in the trace's state, which violates {what} at {span}"
        );
        Exit::CheckFailed
    };
    println!("  compared: {}", list_or_none(&compared));
    println!("  skipped: {}", list_or_none(&skipped));
    code
}

/// Whether a REPL error is an `assume` of the program that the C++ could
/// not satisfy (the runtime says "require failed: assumption at ...").
fn is_assumption(error: &str) -> bool {
    error.contains("failed: assumption at ")
}

/// The C++ could not follow the trace: an `assume` failed where the trace
/// goes on. Not a verdict on the trace (exit 2).
fn cannot_follow(l: &Line, e: &str) -> Exit {
    unsupported(&format!(
        "the C++ cannot follow the trace: step {} (`{}`) stops at `{e}`; the generated code resolved a nondeterministic choice differently from the trace, so this says nothing about the violation",
        l.step.unwrap_or(0),
        l.text
    ))
}

/// Compares the REPL's errors with the trace's violation.
fn verdict(trace: &TraceFile, module: &Module, lines: &[Line], outputs: &[Output]) -> Exit {
    let v = &trace.violation;
    if v.kind == "invariant" {
        return invariant_verdict(trace, module, lines, outputs);
    }
    let errors: Vec<Option<String>> = outputs.iter().map(|o| o.error.clone()).collect();
    let first = lines
        .iter()
        .zip(&errors)
        .find_map(|(l, e)| e.as_ref().map(|e| (l, e)));
    // An initializer check fails when the first action runs initialize().
    let expected_step = v.step.max(1);
    let what = format!("{} {}", v.kind, v.label);
    match first {
        Some((l, e)) if l.step.is_none() => {
            println!(
                "not reproduced: setting the parameters failed in the C++ (`{}`: {e})",
                l.text
            );
            Exit::Success
        }
        None => {
            println!(
                "not reproduced: the C++ ran all {} steps without failing; the trace violates {what} at step {}",
                trace.steps.len(),
                v.step
            );
            Exit::Success
        }
        Some((l, e)) => {
            let step = l.step.unwrap_or(0);
            let span = v.span.as_deref().unwrap_or("");
            if step == expected_step && same_place(e, span) {
                println!("reproduced: step {step} (`{}`) fails in the C++ with `{e}`, the violation of {what} at {span}", l.text);
                Exit::CheckFailed
            } else if is_assumption(e) {
                cannot_follow(l, e)
            } else {
                println!(
                    "not reproduced: step {step} (`{}`) fails in the C++ with `{e}`; the trace violates {what} at {span} in step {}",
                    l.text, v.step
                );
                Exit::Success
            }
        }
    }
}
