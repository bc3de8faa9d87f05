//! `ivyc replay TRACE FILE`: extract FILE to C++ (without verifying), build
//! it with cmake into a temporary directory, feed the trace's parameters
//! and steps to the generated REPL driver, and say whether the C++ fails
//! the same check at the same step (exit 1 "reproduced"), does not (exit 0
//! "not reproduced: ..."), or the trace cannot be replayed (exit 2
//! "unsupported: ..."; e.g. an invariant violation, which extracted code
//! does not check, or nondeterminism the REPL cannot steer).

use crate::cli::ReplayArgs;
use crate::exit::Exit;
use crate::extract::default_runtime_dir;
use crate::frontend;
use crate::render::Renderer;
use crate::trace_file::{Entry, TraceFile};
use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_ir::ir::Module;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// One line of the REPL script and what it stands for.
struct Line {
    text: String,
    /// The trace step (1-based) of an action line; `None` for parameters.
    step: Option<usize>,
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
fn script(trace: &TraceFile, module: &Module) -> Result<Vec<Line>, String> {
    let mut lines = Vec::new();
    let val = |v: &str| repl_value(&trace.universes, v);
    for p in &module.params {
        match trace.initial.get(&p.name) {
            None => {}
            Some(Entry::Value(v)) if v.is_empty() => {}
            Some(Entry::Value(v)) => lines.push(Line {
                text: format!("set_{}({})", p.name, val(v)),
                step: None,
            }),
            Some(Entry::Rows(rows)) => {
                for r in rows {
                    let mut args: Vec<String> = r.args.iter().map(|a| val(a)).collect();
                    args.push(val(&r.value));
                    lines.push(Line {
                        text: format!("set_{}({})", p.name, args.join(", ")),
                        step: None,
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
        });
    }
    Ok(lines)
}

fn run_tool(cmd: &mut Command, what: &str) -> Result<(), String> {
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let out = String::from_utf8_lossy(&o.stdout);
            let tail: Vec<&str> = err.lines().chain(out.lines()).rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Err(format!("{what} failed:\n{}", tail.join("\n")))
        }
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

/// Writes, configures and builds the C++; returns the REPL executable.
fn build(
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
    for f in &files {
        std::fs::write(dir.join(&f.name), &f.text)
            .map_err(|e| format!("cannot write `{}`: {e}", f.name))?;
    }
    let build = dir.join("build");
    run_tool(
        Command::new("cmake")
            .arg("-S")
            .arg(dir)
            .arg("-B")
            .arg(&build),
        "cmake configure",
    )?;
    run_tool(
        Command::new("cmake").arg("--build").arg(&build).arg("-j2"),
        "cmake build",
    )?;
    Ok(build.join(format!("{}_repl", module.ident)))
}

/// Runs the REPL with `--echo`; returns, per script line, the first
/// `error: ...` it printed.
fn run_repl(exe: &Path, sizes: &[String], lines: &[Line]) -> Result<Vec<Option<String>>, String> {
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
    let mut errors: Vec<Option<String>> = vec![None; lines.len()];
    let mut current: Option<usize> = None;
    for l in text.lines() {
        if l.starts_with("> ") {
            current = Some(current.map_or(0, |c| c + 1));
        } else if let Some(e) = l.strip_prefix("error: ") {
            if let Some(slot) = current.and_then(|c| errors.get_mut(c)) {
                slot.get_or_insert_with(|| e.to_owned());
            }
        }
    }
    Ok(errors)
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
    let name = args
        .input
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "protocol".to_owned());
    let module = match ivyc_ir::lower(&program, &sources, &name, None) {
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
            "the extracted code makes {} nondeterministic choice(s) (`*`, `if *`, `if some`) that the REPL resolves by itself; the trace's choices cannot be steered",
            module.choice_sites
        ));
    }
    let v = &trace.violation;
    if v.step == 0 && trace.steps.is_empty() {
        return unsupported(
            "the violation is in the initializer and the trace has no step to run it",
        );
    }
    let lines = match script(&trace, &module) {
        Ok(l) => l,
        Err(msg) => return unsupported(&msg),
    };
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
    let source = args
        .input
        .file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
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
    let errors = match run_repl(&exe, &sizes, &lines) {
        Ok(e) => e,
        Err(msg) => {
            out.plain_error("replay-run", &msg);
            return Exit::InputError;
        }
    };
    verdict(&trace, &lines, &errors)
}

/// Compares the REPL's errors with the trace's violation.
fn verdict(trace: &TraceFile, lines: &[Line], errors: &[Option<String>]) -> Exit {
    let v = &trace.violation;
    let first = lines
        .iter()
        .zip(errors)
        .find_map(|(l, e)| e.as_ref().map(|e| (l, e)));
    // An initializer check fails when the first action runs initialize().
    let expected_step = v.step.max(1);
    let what = format!("{} {}", v.kind, v.label);
    match first {
        Some((l, e)) if l.step.is_none() => {
            println!("not reproduced: setting the parameters failed in the C++ (`{}`: {e})", l.text);
            Exit::Success
        }
        Some((l, e)) if v.kind == "invariant" => {
            println!(
                "not reproduced: step {} (`{}`) failed in the C++ with `{e}`, but the trace violates {what} only after step {}",
                l.step.unwrap_or(0),
                l.text,
                v.step
            );
            Exit::Success
        }
        None if v.kind == "invariant" => unsupported(&format!(
            "the trace violates {what}, and extracted code does not check invariants; all {} steps ran in the C++ without error",
            trace.steps.len()
        )),
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
