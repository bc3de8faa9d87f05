//! `ivyc replay` of a deadlock trace (`ivyc bmc --deadlock`): the C++ runs
//! the trace's steps and reaches the trace's last state (`?state`
//! compared symbol by symbol), and from that state every call of every
//! exported action, with every argument over the trace's universes (each
//! probe in a fresh REPL run after the steps), fails: no action is
//! enabled in the C++ either. And of a lasso (`ivyc bmc --liveness`): the
//! C++ runs the prefix and the loop, then the loop again, and is back in
//! the loop start's state after each pass.

use crate::exit::Exit;
use crate::replay::{compare_states, run_repl, Line};
use crate::trace_file::TraceFile;
use ivyc_base::diagnostic::list_or_none;
use ivyc_ir::ir::{Module, Type};
use std::path::Path;

/// At most this many probe calls (REPL runs).
const MAX_PROBES: usize = 512;

/// The REPL texts of every value of a parameter type, or why they cannot
/// be listed.
fn values(trace: &TraceFile, module: &Module, ty: &Type) -> Result<Vec<String>, String> {
    match ty {
        Type::Bool => Ok(vec!["false".into(), "true".into()]),
        Type::Id { sort } => {
            let name = module
                .sorts
                .get(*sort)
                .map(|s| s.name.as_str())
                .unwrap_or("");
            let n = trace.universes.get(name).map_or(1, |u| u.len().max(1));
            Ok((0..n).map(|i| i.to_string()).collect())
        }
        Type::Enum { sort } => Ok(module
            .enums
            .get(*sort)
            .map(|e| {
                e.ctor_names
                    .iter()
                    .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned())
                    .collect()
            })
            .unwrap_or_default()),
        Type::Range { lo, hi } if hi.saturating_sub(*lo) < 64 => {
            Ok((*lo..=*hi).map(|i| i.to_string()).collect())
        }
        other => Err(format!("{other:?} has too many values to try every one")),
    }
}

/// Every call `action(args)` of every exported action.
fn probes(trace: &TraceFile, module: &Module) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for f in module.actions.iter().filter(|f| f.exported) {
        let mut tuples: Vec<Vec<String>> = vec![Vec::new()];
        for &p in &f.params {
            let Some(local) = f.locals.get(p) else {
                return Err(format!("`{}`: a parameter is missing", f.name));
            };
            let vals = values(trace, module, &local.ty)
                .map_err(|why| format!("parameter `{}` of `{}`: {why}", local.name, f.name))?;
            tuples = tuples
                .into_iter()
                .flat_map(|t| {
                    vals.iter().map(move |v| {
                        let mut t = t.clone();
                        t.push(v.clone());
                        t
                    })
                })
                .collect();
            if tuples.len() > MAX_PROBES {
                return Err(format!("more than {MAX_PROBES} calls to try"));
            }
        }
        out.extend(
            tuples
                .into_iter()
                .map(|t| format!("{}({})", f.name, t.join(", "))),
        );
        if out.len() > MAX_PROBES {
            return Err(format!("more than {MAX_PROBES} calls to try"));
        }
    }
    Ok(out)
}

/// The verdict on a deadlock trace (`lines`: the parameters and steps).
pub fn verdict(
    trace: &TraceFile,
    module: &Module,
    exe: &Path,
    sizes: &[String],
    lines: &[Line],
) -> Exit {
    let depth = trace.steps.len();
    let after = if depth == 0 {
        "after the initializer".to_owned()
    } else {
        format!("after step {depth}")
    };
    let calls = match probes(trace, module) {
        Ok(c) => c,
        Err(why) => {
            println!("unsupported: cannot try every call of the exported actions: {why}");
            return Exit::InputError;
        }
    };
    // The steps, then the state.
    let mut script: Vec<Line> = lines
        .iter()
        .map(|l| Line {
            text: l.text.clone(),
            step: l.step,
            query: l.query,
        })
        .collect();
    script.push(Line {
        text: "?state".into(),
        step: Some(depth),
        query: true,
    });
    let outputs = match run_repl(exe, sizes, &script) {
        Ok(o) => o,
        Err(msg) => {
            println!("unsupported: {msg}");
            return Exit::InputError;
        }
    };
    if let Some((l, e)) = script
        .iter()
        .zip(&outputs)
        .find_map(|(l, o)| o.error.as_ref().map(|e| (l, e)))
    {
        match l.step {
            _ if l.query => {
                println!("not reproduced: asking the C++ for its state {after} failed with `{e}`")
            }
            None => println!(
                "not reproduced: setting the parameters failed in the C++ (`{}`: {e})",
                l.text
            ),
            Some(k) => println!(
                "not reproduced: step {k} (`{}`) failed in the C++ with `{e}`",
                l.text
            ),
        }
        return Exit::Success;
    }
    let printed = outputs.last().map(|o| o.lines.as_slice()).unwrap_or(&[]);
    let (diffs, compared, skipped) = compare_states(trace, module, depth, printed);
    let tail = |code: Exit| {
        println!("  compared: {}", list_or_none(&compared));
        println!("  skipped: {}", list_or_none(&skipped));
        code
    };
    if let Some((first, rest)) = diffs.split_first() {
        println!("not reproduced: {after} the C++ state differs: {first}");
        for d in rest {
            println!("  {d}");
        }
        return tail(Exit::Success);
    }
    // Every call from the last state, each in a run of its own.
    for call in &calls {
        let mut probe: Vec<Line> = lines
            .iter()
            .map(|l| Line {
                text: l.text.clone(),
                step: l.step,
                query: false,
            })
            .collect();
        probe.push(Line {
            text: call.clone(),
            step: Some(depth + 1),
            query: false,
        });
        let outputs = match run_repl(exe, sizes, &probe) {
            Ok(o) => o,
            Err(msg) => {
                println!("unsupported: {msg}");
                return Exit::InputError;
            }
        };
        if outputs.last().is_some_and(|o| o.error.is_none()) {
            println!(
                "not reproduced: {after} the C++ is in the trace's state, but `{call}` runs without failing there (the action is enabled)"
            );
            return tail(Exit::Success);
        }
    }
    println!(
        "reproduced: {after} the C++ is in the trace's state and no exported action is enabled: all {} call{} fail",
        calls.len(),
        if calls.len() == 1 { "" } else { "s" }
    );
    tail(Exit::CheckFailed)
}

/// The verdict on a lasso whose loop starts after step `l`: the steps,
/// `?state`, the loop's steps again, `?state`; both states must be the
/// trace's state after step `l`.
pub fn lasso_verdict(
    trace: &TraceFile,
    module: &Module,
    exe: &Path,
    sizes: &[String],
    lines: &[Line],
    l: usize,
) -> Exit {
    let n = trace.steps.len();
    let copy = |x: &Line, step: Option<usize>| Line {
        text: x.text.clone(),
        step,
        query: false,
    };
    let mut script: Vec<Line> = lines.iter().map(|x| copy(x, x.step)).collect();
    script.push(Line {
        text: "?state".into(),
        step: Some(n),
        query: true,
    });
    let loop_steps: Vec<&Line> = lines
        .iter()
        .filter(|x| x.step.is_some_and(|s| s > l))
        .collect();
    for x in &loop_steps {
        script.push(copy(x, x.step.map(|s| s + n - l)));
    }
    script.push(Line {
        text: "?state".into(),
        step: Some(2 * n - l),
        query: true,
    });
    let outputs = match run_repl(exe, sizes, &script) {
        Ok(o) => o,
        Err(msg) => {
            println!("unsupported: {msg}");
            return Exit::InputError;
        }
    };
    if let Some((x, e)) = script
        .iter()
        .zip(&outputs)
        .find_map(|(x, o)| o.error.as_ref().map(|e| (x, e)))
    {
        println!(
            "not reproduced: `{}` (step {}) failed in the C++ with `{e}`",
            x.text,
            x.step.unwrap_or(0)
        );
        return Exit::Success;
    }
    let at = if l == 0 {
        "the initial state".to_string()
    } else {
        format!("the state after step {l}")
    };
    let mut compared = Vec::new();
    let mut skipped = Vec::new();
    for (pass, (x, o)) in script
        .iter()
        .zip(&outputs)
        .filter(|(x, _)| x.query)
        .enumerate()
    {
        let (diffs, c, s) = compare_states(trace, module, l, &o.lines);
        if let Some((first, rest)) = diffs.split_first() {
            println!(
                "not reproduced: after step {} (loop pass {}) the C++ is not back in {at}: {first}",
                x.step.unwrap_or(0),
                pass + 1
            );
            for d in rest {
                println!("  {d}");
            }
            println!("  compared: {}", list_or_none(&c));
            println!("  skipped: {}", list_or_none(&s));
            return Exit::Success;
        }
        compared = c;
        skipped = s;
    }
    println!(
        "reproduced: the C++ runs the prefix and the loop twice (steps {}..{n}) and is back in {at} after each pass: the loop repeats forever",
        l + 1
    );
    println!("  compared: {}", list_or_none(&compared));
    println!("  skipped: {}", list_or_none(&skipped));
    Exit::CheckFailed
}
