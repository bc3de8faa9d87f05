//! Command-line conveniences a new user reached for (issue 22's
//! frictions): standard input as `-`, `--isolate this` without isolates,
//! "did you mean" for transposed letters, `extract --no-fragment-check`,
//! JSON diagnostics that carry their counterexample or trace.

use crate::common::{ivyc_command, repo_root};
use std::io::Write;
use std::process::Stdio;

/// Runs ivyc with `args` and `stdin` as its standard input.
fn ivyc_stdin(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = ivyc_command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ivyc");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("ivyc output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn standard_input_is_a_file_named_dash() {
    let text =
        std::fs::read_to_string(repo_root().join("examples/lock_server.ivy")).expect("example");
    let (code, out, err) = ivyc_stdin(&["verify", "-"], &text);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = ivyc_stdin(&["check", "-"], "#lang ivy1.7\ntype t\nrelation r(X:u)\n");
    assert_eq!(code, 2);
    assert!(err.contains("<stdin>:3:"), "{err}");
}

#[test]
fn isolate_this_names_a_program_without_isolates() {
    let (code, out, err) =
        crate::common::ivyc(&["verify", "--isolate", "this", "examples/lock_server.ivy"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("proved"), "{out}");
}

#[test]
fn did_you_mean_covers_transposed_letters() {
    let src = "#lang ivy1.7\ntype t\nrelation table(X:t)\nindividual c : t\n\
               after init { table(X) := false }\ninvariant ~tabel(c)\n";
    let (code, _, err) = ivyc_stdin(&["check", "-"], src);
    assert_eq!(code, 2);
    assert!(
        err.contains("did you mean") && err.contains("table"),
        "{err}"
    );
}

#[test]
fn extract_can_skip_the_fragment_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("cpp");
    let out_arg = out_dir.to_string_lossy().into_owned();
    let (code, out, err) = crate::common::ivyc(&[
        "extract",
        "--no-fragment-check",
        "--cpp",
        &out_arg,
        "examples/lock_server.ivy",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let written = out_dir.read_dir().map(|d| d.count()).unwrap_or(0);
    assert!(written > 0, "nothing extracted");
    let (code, _, _) = crate::common::ivyc(&[
        "extract",
        "--no-fragment-check",
        "--no-verify",
        "--cpp",
        &out_arg,
        "examples/lock_server.ivy",
    ]);
    assert_eq!(code, 2, "the two options contradict each other");
}

#[test]
fn json_diagnostics_carry_their_counterexample_and_trace() {
    let file = "examples/bugs/lock_server_grant_without_lock.ivy";
    let (code, out, _) = crate::common::ivyc(&["verify", "--message-format", "json", file]);
    assert_eq!(code, 1);
    let failed: Vec<serde_json::Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|d: &serde_json::Value| d["code"] == "check-failed")
        .collect();
    assert!(!failed.is_empty(), "{out}");
    for d in &failed {
        assert!(d["counterexample"].is_object(), "{d}");
        let text = d["counterexample_text"].as_str().unwrap_or("");
        assert!(text.starts_with("counterexample:"), "{d}");
    }
    let (code, out, _) =
        crate::common::ivyc(&["bmc", "--depth", "4", "--message-format", "json", file]);
    assert_eq!(code, 1);
    let d: serde_json::Value = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|d: &serde_json::Value| d["code"] == "bmc-violation")
        .expect("a bmc-violation line");
    let text = d["trace_text"].as_str().unwrap_or("");
    assert!(text.starts_with("violation at depth"), "{d}");
}

#[test]
fn verify_takes_several_files_and_reports_the_worst() {
    let (code, out, err) = crate::common::ivyc(&[
        "verify",
        "examples/lock_server.ivy",
        "examples/bugs/lock_server_grant_without_lock.ivy",
        "examples/client_server.ivy",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!(
        headers,
        [
            "==> examples/lock_server.ivy <==",
            "==> examples/bugs/lock_server_grant_without_lock.ivy <==",
            "==> examples/client_server.ivy <==",
        ],
        "{out}"
    );
    // One summary per file, and the failure belongs to the broken file.
    assert_eq!(out.matches(" obligations: ").count(), 3, "{out}");
    let broken = out.split("==> ").nth(2).unwrap_or_default();
    assert!(broken.contains("  ✗ "), "{out}");
    // An unreadable file is an input error, whatever the others did.
    let (code, _, err) =
        crate::common::ivyc(&["verify", "examples/lock_server.ivy", "no/such/file.ivy"]);
    assert_eq!(code, 2, "{err}");
    // JSON: one document per file, each naming its file.
    let (code, out, _) = crate::common::ivyc(&[
        "verify",
        "--format",
        "json",
        "examples/lock_server.ivy",
        "examples/client_server.ivy",
    ]);
    assert_eq!(code, 0);
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&out)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("a stream of JSON documents");
    let files: Vec<&str> = docs.iter().filter_map(|d| d["file"].as_str()).collect();
    assert_eq!(
        files,
        ["examples/lock_server.ivy", "examples/client_server.ivy"]
    );
}

#[test]
fn verify_reports_a_line_per_action_unless_verbose_or_quiet() {
    let file = "examples/bugs/lock_server_grant_without_lock.ivy";
    let (_, summary, _) = crate::common::ivyc(&["verify", file]);
    let (_, verbose, _) = crate::common::ivyc(&["verify", "-v", file]);
    let (_, quiet, _) = crate::common::ivyc(&["verify", "--quiet", file]);
    let count = |text: &str, mark: &str| text.lines().filter(|l| l.contains(mark)).count();
    // Every obligation in -v, only the failures otherwise.
    assert!(count(&verbose, "✓ ") > 5, "{verbose}");
    assert_eq!(count(&summary, "✓ "), 0, "{summary}");
    assert_eq!(count(&quiet, "✓ "), 0, "{quiet}");
    let failed = count(&verbose, "✗ ");
    assert!(failed > 0);
    assert_eq!(count(&summary, "✗ "), failed, "{summary}");
    assert_eq!(count(&quiet, "✗ "), failed, "{quiet}");
    // The default has a counted line per action; -q has none.
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("action ") && l.contains(" proved")),
        "{summary}"
    );
    assert!(!quiet.lines().any(|l| l.starts_with("action ")), "{quiet}");
    // The totals are the same in all three.
    let total = |text: &str| {
        text.lines()
            .find(|l| l.contains(" obligations: "))
            .map(|l| l.split(" (").next().unwrap_or_default().to_string())
    };
    assert_eq!(total(&summary), total(&verbose));
    assert_eq!(total(&quiet), total(&verbose));
}

/// Friction 1: the false conjunct of a counterexample (and the note on a
/// model that cannot be evaluated) names an action's parameters and locals
/// as the user wrote them (`n`, not the SSA version `consume.n#1`), other
/// versions as `x'`, and the variables of the liveness construction
/// readably (`V0`, not `V#0`). Checked over every recorded report.
#[test]
fn counterexamples_use_the_users_names() {
    let dir = repo_root().join("tests/e2e/snapshots");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("snapshots").flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text
            .lines()
            .filter(|l| l.contains("false conjunct #") || l.contains("does not give"))
        {
            checked += 1;
            // A name (a symbol or a variable) followed by `#` and digits.
            let ssa = line.char_indices().any(|(i, c)| {
                c == '#'
                    && line[..i].ends_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_')
                    && line[i + 1..].starts_with(|d: char| d.is_ascii_digit())
            });
            assert!(!ssa, "{}: {line}", entry.path().display());
        }
    }
    assert!(checked > 50, "only {checked} false conjuncts found");
}
