//! End-to-end tests: run the real `ivyc` binary over data files.
//!
//! Every `.ivy` file under `tests/data/` and `examples/` is a test. Within
//! its first lines a header says what to run and what to expect:
//!
//! ```text
//! # test: check --parse-only => exit 2
//! # codes: syntax-error, unterminated-string
//! # errors: 3
//! # output: unknown: timeout
//! ```
//!
//! The exit code, the diagnostic codes, the error count and the text that
//! the output must contain (`# output:`, before any filtering) are asserted
//! first; then stdout and stderr are snapshotted (temp paths and timings
//! filtered out).
//!
//! `{file}` in the arguments stands for the file named by a `# file: PATH`
//! header (relative to the repo root; the data file itself if absent) and
//! replaces the file argument ivyc gets last otherwise: `tests/data/bmc`
//! runs `ivyc bmc` over the examples this way.

mod cache;
#[path = "../common/mod.rs"]
mod common;
mod frictions;
mod infer;
mod vmt;

use common::{ivy_files, ivyc, repo_root, Header};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Whether `ivyc verify` exists yet (issue 4); until then verify headers
/// are exercised with `check --parse-only`.
const VERIFY_AVAILABLE: bool = true;

/// Run ivyc with `args` on `file` (path given relative to the repo root so
/// that snapshots are stable).
fn run(args: &[String], rel: Option<&Path>) -> (i32, String, String) {
    let mut args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    args.extend(rel.map(Path::as_os_str));
    ivyc(&args)
}

/// Diagnostic codes in human output: `error[code]:` / `warning[code]:`.
fn codes_in(stderr: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for line in stderr.lines() {
        for prefix in ["error[", "warning["] {
            if let Some(rest) = line.strip_prefix(prefix) {
                if let Some((code, _)) = rest.split_once(']') {
                    codes.push(code.to_owned());
                }
            }
        }
    }
    codes
}

fn check_file(path: &Path) {
    let root = repo_root();
    let rel = path
        .canonicalize()
        .expect("canonical path")
        .strip_prefix(root.canonicalize().expect("canonical root"))
        .expect("file inside repo")
        .to_path_buf();
    let bytes = std::fs::read(path).expect("readable test file");
    let text = String::from_utf8_lossy(&bytes);
    let mut h = common::header(path, &text);
    if !VERIFY_AVAILABLE && h.args.first().is_some_and(|a| a == "verify") {
        // Until `ivyc verify` lands, examples are at least parsed.
        h = Header {
            args: vec!["check".into(), "--parse-only".into()],
            exit: 0,
            codes: vec![],
            errors: None,
            file: None,
            output: None,
        };
    }
    // `{tmp}` in the arguments is a fresh directory (e.g. `extract --cpp {tmp}`).
    let tmp = tempfile::tempdir().expect("tempdir");
    let tmp_str = tmp.path().to_string_lossy().into_owned();
    let target = h
        .file
        .clone()
        .unwrap_or_else(|| rel.to_string_lossy().into_owned());
    let explicit = h.args.iter().any(|a| a.contains("{file}"));
    let args: Vec<String> = h
        .args
        .iter()
        .map(|a| a.replace("{tmp}", &tmp_str).replace("{file}", &target))
        .collect();
    let (code, stdout, stderr) = run(&args, (!explicit).then_some(rel.as_path()));
    let stdout = stdout.replace(&tmp_str, "{tmp}");
    let stderr = stderr.replace(&tmp_str, "{tmp}");
    assert!(
        !stderr.contains("internal error"),
        "{}: ivyc panicked:\n{stderr}",
        rel.display()
    );
    assert_eq!(
        code,
        h.exit,
        "{}: expected exit {}, got {code}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        rel.display(),
        h.exit
    );
    let found = codes_in(&stderr);
    for c in &h.codes {
        assert!(
            found.contains(c),
            "{}: expected diagnostic code `{c}`, found {found:?}\n{stderr}",
            rel.display()
        );
    }
    if let Some(n) = h.errors {
        let errs = stderr.lines().filter(|l| l.starts_with("error")).count();
        assert_eq!(errs, n, "{}: expected {n} errors\n{stderr}", rel.display());
    }
    if let Some(text) = &h.output {
        assert!(
            stdout.contains(text.as_str()) || stderr.contains(text.as_str()),
            "{}: expected the output to contain `{text}`\nstdout:\n{stdout}\nstderr:\n{stderr}",
            rel.display()
        );
    }
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\b\d+(\.\d+)? ?(ms|s)\b", "[time]");
    // `--format json` reports (`tests/data/soundness/variant_json_bad.ivy`).
    settings.add_filter(r#""time_ms": \d+"#, r#""time_ms": "[time]""#);
    // Z3 words its reasons for `unknown` differently under load.
    settings.add_filter(r"unknown: .*", "unknown: [reason]");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(root.join("tests/e2e/snapshots"));
    settings.set_input_file(path);
    let name = rel.to_string_lossy().replace(['/', '\\'], "__");
    settings.bind(|| {
        insta::assert_snapshot!(
            name,
            format!(
                "$ ivyc {}{}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
                h.args.join(" ").replace("{file}", &target),
                if explicit {
                    String::new()
                } else {
                    format!(" {}", rel.display())
                }
            )
        );
    });
}

fn check_all(files: Vec<PathBuf>) {
    // `E2E_FILTER=text` runs only the files whose path contains `text`.
    let files: Vec<PathBuf> = match std::env::var("E2E_FILTER") {
        Ok(f) if !f.is_empty() => files
            .into_iter()
            .filter(|p| p.to_string_lossy().contains(&f))
            .collect(),
        _ => files,
    };
    let mut failures = Vec::new();
    for f in &files {
        let r = std::panic::catch_unwind(|| check_file(f));
        if let Err(e) = r {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {msg}", f.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn data_files() {
    let files = ivy_files(&repo_root().join("tests/data"), true);
    assert!(!files.is_empty(), "no test data found");
    check_all(files);
}

#[test]
fn examples() {
    let root = repo_root();
    let mut files = ivy_files(&root.join("examples"), false);
    files.extend(ivy_files(&root.join("examples/bugs"), false));
    check_all(files);
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = ivyc(&["frobnicate"]);
    assert_eq!(code, 2);
    let (code, _, stderr) = ivyc(&["check", "/nonexistent/file.ivy"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("error[unreadable-file]"));
}

/// The JSON report without timings, for comparisons.
fn json_without_times(text: &str) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(text).expect("verify --format json prints JSON");
    if let Some(obs) = v["obligations"].as_array_mut() {
        for o in obs {
            o["time_ms"] = serde_json::Value::Null;
        }
    }
    v["summary"]["time_ms"] = serde_json::Value::Null;
    v
}

#[test]
fn parallel_and_sequential_runs_agree() {
    for file in [
        "examples/lock_server.ivy",
        "examples/bugs/lock_server_grant_without_lock.ivy",
    ] {
        let (c1, o1, _) = ivyc(&["verify", "--format", "json", "-j", "1", file]);
        let (c4, o4, _) = ivyc(&["verify", "--format", "json", "-j", "4", file]);
        assert_eq!(c1, c4, "{file}: exit codes differ between -j1 and -j4");
        assert_eq!(
            json_without_times(&o1),
            json_without_times(&o4),
            "{file}: reports differ between -j1 and -j4"
        );
    }
}

#[test]
fn json_report_of_a_failure() {
    let (code, out, _) = ivyc(&[
        "verify",
        "--format",
        "json",
        "examples/bugs/client_server_disconnect_any.ivy",
    ]);
    assert_eq!(code, 1);
    let v = json_without_times(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["failed"], 1);
    let failed: Vec<&serde_json::Value> = v["obligations"]
        .as_array()
        .expect("obligations array")
        .iter()
        .filter(|o| o["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["property"], "link_takes_semaphore");
    assert_eq!(failed[0]["action"], "disconnect");
    assert!(failed[0]["counterexample"]["universes"]["server"].is_array());
    insta::assert_snapshot!(
        "json_report_client_server_disconnect_any",
        serde_json::to_string_pretty(&v).unwrap_or_default()
    );
}

#[test]
fn message_format_json_diagnostics() {
    let (code, out, _) = ivyc(&[
        "check",
        "--parse-only",
        "--message-format",
        "json",
        "tests/data/syntax/multi_error_decls.ivy",
    ]);
    assert_eq!(code, 2);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(lines.len() >= 2, "several errors expected: {out}");
    for d in &lines {
        assert_eq!(d["version"], 1);
        assert_eq!(d["severity"], "error");
        assert!(d["line"].as_u64().is_some_and(|l| l > 0));
        assert!(d["col"].as_u64().is_some_and(|c| c > 0));
        assert!(d["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("multi_error_decls.ivy")));
        assert!(!d["labels"].as_array().expect("labels").is_empty());
    }
}

/// The hidden hook `IVYC_DEBUG_CORRUPT_MODEL=1` corrupts every model Z3
/// gives before the independent check: each command must then report an
/// internal error naming the formula (exit 101), never show the model as a
/// counterexample or trace, and never exit 0 or 1.
#[test]
fn corrupted_models_are_internal_errors() {
    let file = "examples/bugs/lock_server_grant_without_lock.ivy";
    let run = |args: &[&str]| {
        let out = common::ivyc_command()
            .args(args)
            .env("IVYC_DEBUG_CORRUPT_MODEL", "1")
            .output()
            .expect("failed to start ivyc");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Without the hook the file fails with a counterexample.
    let (code, _, stderr) = ivyc(&["verify", file]);
    assert_eq!(code, 1);
    assert!(stderr.contains("counterexample:"), "{stderr}");

    let (code, stdout, stderr) = run(&["verify", file]);
    assert_eq!(code, 101, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("bug[internal-error]: internal error: the counterexample Z3 gave for"),
        "{stderr}"
    );
    assert!(stderr.contains("this is a bug in ivyc"), "{stderr}");
    assert!(!stderr.contains("counterexample:"), "{stderr}");
    assert!(stdout.contains("internal error"), "{stdout}");
    // The label points into the file at the formula not satisfied.
    assert!(
        stderr.contains("lock_server_grant_without_lock.ivy:"),
        "{stderr}"
    );

    let (code, stdout, _) = run(&["verify", "--format", "json", file]);
    assert_eq!(code, 101);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(v["summary"]["failed"], 0, "{stdout}");
    assert!(
        v["summary"]["internal_error"].as_u64() >= Some(1),
        "{stdout}"
    );
    let bad = v["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .find(|o| o["outcome"] == "internal-error")
        .expect("an internal-error outcome");
    assert!(bad["counterexample"].is_null());
    assert!(bad["internal_error"]
        .as_str()
        .is_some_and(|m| m.contains("does not satisfy")));

    let (code, stdout, stderr) = run(&["bmc", "--depth", "4", file]);
    assert_eq!(code, 101, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("internal error: the trace Z3 gave at depth"),
        "{stderr}"
    );
    assert!(!stdout.contains("violation at depth"), "{stdout}");
}

/// `--timings`: the phases, then the slowest obligations (at most 10,
/// slowest first) with their query sizes. Times, percentages and the worker
/// count vary between runs and are normalised; the obligation lines are
/// sorted by their text for the snapshot (their order follows the times).
#[test]
fn timings_list_the_slowest_obligations_with_their_sizes() {
    let (code, stdout, stderr) = ivyc(&["verify", "--timings", "examples/client_server.ivy"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("9 obligations: 9 proved"), "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.starts_with("slowest "))
        .expect("a `slowest N obligations` section");
    // At most 10 are listed; the file has 9.
    assert!(
        lines[head].starts_with(
            "slowest 9 obligations (solver time; query size: quantifiers, terms, symbols)"
        ),
        "{stderr}"
    );
    for phase in [
        "front end",
        "obligations",
        "fragment check",
        "solving (wall)",
        "total",
    ] {
        assert!(
            lines[..head]
                .iter()
                .any(|l| l.trim_start().starts_with(phase)),
            "no `{phase}` line in\n{stderr}"
        );
    }
    // `  <ms> ms  <q> q  <t> t  <s> s  <title>`: all 9 obligations (fewer
    // than 10), slowest first, every size positive.
    let entries: Vec<(f64, [u64; 3], String)> = lines[head + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert!(w.len() > 8, "short line `{l}`");
            assert_eq!((w[1], w[3], w[5], w[7]), ("ms", "q", "t", "s"), "`{l}`");
            let num = |s: &str| {
                s.parse::<u64>()
                    .unwrap_or_else(|_| panic!("`{s}` in `{l}`"))
            };
            let ms: f64 = w[0].parse().expect("time");
            (ms, [num(w[2]), num(w[4]), num(w[6])], w[8..].join(" "))
        })
        .collect();
    assert_eq!(entries.len(), 9, "{stderr}");
    assert!(
        entries.windows(2).all(|p| p[0].0 >= p[1].0),
        "not slowest first:\n{stderr}"
    );
    assert!(entries.iter().all(|(_, s, _)| s.iter().all(|&n| n > 0)));
    // The snapshot: phases with times normalised, then the entries sorted.
    let mut phases: Vec<String> = lines[..head]
        .iter()
        .map(|l| {
            let name: Vec<&str> = l
                .split_whitespace()
                .take_while(|w| w.parse::<f64>().is_err())
                .collect();
            let rest = if l.contains("sum over") {
                " [time]  (sum over [n] workers)"
            } else if l.contains('%') {
                " [time] [pct]"
            } else if l.trim_end().ends_with(':') {
                ""
            } else {
                " [time]"
            };
            format!("{}{rest}", name.join(" "))
        })
        .collect();
    let mut sorted: Vec<String> = entries
        .iter()
        .map(|(_, [q, t, s], title)| format!("[time] {q} q {t} t {s} s  {title}"))
        .collect();
    sorted.sort();
    phases.push(lines[head].to_string());
    phases.extend(sorted);
    insta::assert_snapshot!("timings_client_server", phases.join("\n"));
}
