//! `ivyc infer`: `--write` adds the invariants found to the file, marked,
//! and the file then verifies with `ivyc verify` (and is left alone when
//! nothing is found); `--format json` reports the same invariants.

use crate::common::{ivyc, repo_root};

fn temp_copy(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::copy(repo_root().join("tests/data/infer").join(name), &path).expect("copy");
    (dir, path)
}

#[test]
fn write_adds_invariants_that_verify() {
    let (_dir, path) = temp_copy("client_server_mutex.ivy");
    let file = path.to_string_lossy().to_string();
    let (code, out, err) = ivyc(&["verify", &file]);
    assert_eq!(code, 1, "not inductive before: {out}{err}");
    let (code, out, err) = ivyc(&["infer", "--write", &file]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(&path).expect("read back");
    let added: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with("# inferred by ivyc infer"))
        .collect();
    assert!(!added.is_empty(), "{text}");
    assert!(added.iter().all(|l| l.starts_with("invariant [inferred_")));
    let (code, out, err) = ivyc(&["verify", &file]);
    assert_eq!(code, 0, "verifies after: {out}{err}");
    // Running it again: nothing left to infer, the file is unchanged.
    let (code, out, _) = ivyc(&["infer", "--write", &file]);
    assert_eq!(code, 0);
    assert!(out.contains("already inductive"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn write_leaves_the_file_alone_when_nothing_is_found() {
    let (_dir, path) = temp_copy("client_server_mutex_bug.ivy");
    let before = std::fs::read_to_string(&path).expect("read");
    let (code, _, _) = ivyc(&["infer", "--write", &path.to_string_lossy()]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
}

#[test]
fn json_lists_the_invariants() {
    let (code, out, err) = ivyc(&[
        "infer",
        "--format",
        "json",
        "tests/data/infer/client_server_mutex.ivy",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["outcome"], "found");
    let invs = doc["invariants"].as_array().expect("invariants");
    assert_eq!(invs.len(), 1, "{doc}");
    assert!(invs[0]
        .as_str()
        .is_some_and(|s| s.contains("~link(C0, S0) | ~semaphore(S0)")));
    assert!(doc["stats"]["candidates"].as_u64().is_some_and(|n| n > 1));
}
