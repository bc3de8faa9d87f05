//! `attribute method = vmt` and `ivyc export --vmt`: the VMT-LIB file is
//! written where it should be, Z3 reads it, and it means what the program
//! means — the initial states satisfy (or violate) the properties, a step
//! preserves them (or a one-step bug breaks them, through the error flag
//! of a failing assertion), checked by Z3 on the file's own definitions
//! with the `:next` names substituted. The text of one small program is
//! snapshotted.

use crate::common::{ivyc, ivyc_command, repo_root};

const TIMEOUT_MS: u64 = 60_000;

fn data(name: &str) -> String {
    format!("tests/data/vmt/{name}")
}

/// `ivyc export --vmt` of a data file: its text.
fn export(name: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out.vmt");
    let out_s = out.to_string_lossy().to_string();
    let (code, stdout, stderr) = ivyc(&["export", "--vmt", &out_s, &data(name)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("not checked"), "{stdout}");
    std::fs::read_to_string(&out).expect("the VMT file is written")
}

/// SMT-LIB tokens: parentheses and atoms (`|…|` kept whole).
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if quoted {
            cur.push(c);
            quoted = c != '|';
            continue;
        }
        match c {
            '|' => {
                cur.push(c);
                quoted = true;
            }
            '(' | ')' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                out.push(c.to_string());
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The `:next` pairs of the state variables: `(current, next)` names.
fn next_names(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| l.starts_with("(define-fun .") && l.contains(":next"))
        .map(|l| {
            let t = tokens(l);
            let after = |word: &str| {
                let i = t.iter().position(|x| x == word).expect(word);
                t[i + 1..]
                    .iter()
                    .find(|x| *x != "(")
                    .cloned()
                    .expect("a name")
            };
            (after("!"), after(":next"))
        })
        .collect()
}

/// The formula of `(define-fun NAME () Bool (! FORMULA :ANNOTATION ...))`.
fn body(text: &str, name: &str) -> Vec<String> {
    let head = format!("(define-fun {name} () Bool ");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        + head.len();
    let t = tokens(&text[start..]);
    // `(` `!` FORMULA... `:annotation` value `)`.
    assert_eq!(&t[..2], ["(", "!"], "{name}");
    let mut depth = 0usize;
    let mut out = Vec::new();
    for x in &t[2..] {
        if depth == 0 && x.starts_with(':') {
            break;
        }
        match x.as_str() {
            "(" => depth += 1,
            ")" => depth -= 1,
            _ => {}
        }
        out.push(x.clone());
    }
    out
}

/// A formula over the next state: every state variable renamed.
fn primed(formula: &[String], next: &[(String, String)]) -> String {
    formula
        .iter()
        .map(|x| {
            next.iter()
                .find(|(c, _)| c == x)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| x.clone())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Z3 on the file with `extra` assertions: `Some(true)` sat.
fn solve(text: &str, extra: &[String]) -> Option<bool> {
    let mut script = text.to_string();
    for e in extra {
        script.push_str(&format!("(assert {e})\n"));
    }
    ivyc_smt::smtlib::check_script(&script, TIMEOUT_MS).unwrap_or_else(|e| panic!("{e}:\n{script}"))
}

/// `init ∧ ¬property.i`: `Some(true)` when an initial state violates it.
fn init_violates(text: &str, i: usize) -> Option<bool> {
    solve(text, &["init".into(), format!("(not property.{i})")])
}

/// The properties (all of them, `:invar-property` 0..n) with their
/// next-state copies.
fn properties(text: &str) -> Vec<(String, String)> {
    let next = next_names(text);
    (0..)
        .map(|i| format!("property.{i}"))
        .take_while(|p| text.contains(&format!("(define-fun {p} ")))
        .map(|p| {
            let f = body(text, &p);
            (p, primed(&f, &next))
        })
        .collect()
}

#[test]
fn a_correct_ring_starts_safe_and_stays_safe() {
    let text = export("token_ring.ivy");
    assert_eq!(
        solve(&text, &[]),
        Some(true),
        "the file alone is consistent"
    );
    assert_eq!(init_violates(&text, 0), Some(false));
    // The invariant is inductive: no step from a safe state breaks it.
    let props = properties(&text);
    assert_eq!(props.len(), 1);
    let (p, p_next) = &props[0];
    let step = solve(
        &text,
        &["trans".into(), p.clone(), format!("(not {p_next})")],
    );
    assert_eq!(step, Some(false), "{text}");
}

#[test]
fn an_initializer_that_violates_the_invariant_is_caught() {
    let text = export("bad_init.ivy");
    assert_eq!(init_violates(&text, 0), Some(true), "{text}");
}

#[test]
fn a_failing_assertion_sets_the_error_flag_in_one_step() {
    let text = export("counter_assert.ivy");
    let props = properties(&text);
    // [nonneg], then `not err` for the assertions.
    assert_eq!(props.len(), 2, "{text}");
    assert!(text.contains("; property [assertions]"), "{text}");
    assert_eq!(init_violates(&text, 0), Some(false));
    assert_eq!(init_violates(&text, 1), Some(false));
    let (_, no_err_next) = &props[1];
    let from_init = |action: &str| {
        solve(
            &text,
            &[
                "init".into(),
                "trans".into(),
                action.into(),
                format!("(not {no_err_next})"),
            ],
        )
    };
    // `take` from count = 0 fails its assertion; `put` never does.
    assert_eq!(from_init("take"), Some(true), "{text}");
    assert_eq!(from_init("put"), Some(false), "{text}");
    // The counter over `int`: `put` keeps it nonnegative.
    let (_, nonneg_next) = &props[0];
    let put_breaks = solve(
        &text,
        &[
            "init".into(),
            "trans".into(),
            "put".into(),
            format!("(not {nonneg_next})"),
        ],
    );
    assert_eq!(put_breaks, Some(false), "{text}");
}

#[test]
fn verify_writes_the_isolate_file_and_is_undecided() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = repo_root().join(data("lock_server.ivy"));
    // Without --vmt-dir: in the current directory, named after the isolate.
    let out = ivyc_command()
        .current_dir(dir.path())
        .args(["verify".as_ref(), file.as_os_str()])
        .output()
        .expect("ivyc runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("exported to ./iso.vmt, not checked"),
        "{stdout}"
    );
    assert!(!stdout.contains("proved"), "{stdout}");
    let text = std::fs::read_to_string(dir.path().join("iso.vmt")).expect("iso.vmt written");
    // The two invariants hold initially and together are inductive.
    assert_eq!(init_violates(&text, 0), Some(false));
    assert_eq!(init_violates(&text, 1), Some(false));
    let props = properties(&text);
    assert_eq!(props.len(), 2, "{text}");
    for (_, p_next) in &props {
        let step = solve(
            &text,
            &[
                "trans".into(),
                props[0].0.clone(),
                props[1].0.clone(),
                format!("(not {p_next})"),
            ],
        );
        assert_eq!(step, Some(false), "{p_next}\n{text}");
    }
}

#[test]
fn the_json_report_says_not_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().to_string_lossy().to_string();
    let (code, stdout, stderr) = ivyc(&[
        "verify",
        "--format",
        "json",
        "--vmt-dir",
        &d,
        &data("lock_server.ivy"),
    ]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let exported = &doc["exported"][0];
    assert_eq!(exported["isolate"], "iso");
    assert_eq!(exported["outcome"], "not-checked");
    assert!(dir.path().join("iso.vmt").exists());
}

#[test]
fn export_of_one_isolate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("iso.vmt");
    let out_s = out.to_string_lossy().to_string();
    let (code, stdout, stderr) = ivyc(&[
        "export",
        "--vmt",
        &out_s,
        "--isolate",
        "iso_flags",
        &data("mixed_failing.ivy"),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.starts_with("; isolate iso_flags:"), "{text}");
    assert_eq!(init_violates(&text, 0), Some(false));
}

#[test]
fn snapshot_of_a_small_program() {
    let text = export("token_ring.ivy");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(repo_root().join("tests/e2e/snapshots"));
    settings.bind(|| insta::assert_snapshot!("vmt_token_ring", text));
}
