//! The verification cache through the real binary (docs/cache.md): each
//! test has its own temporary `IVYC_CACHE_DIR` (and removes the test
//! helper's `IVYC_NO_CACHE`), so no run sees another test's entries or
//! the user's cache. Hits are counted in the JSON report.

use crate::common::ivyc_command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A lock protocol: 3 invariants, 3 actions (12 obligations).
const LOCK: &str = "#lang ivy1.7
type client

relation holds(C:client)
relation asked(C:client)
individual free : bool

after init {
    holds(C) := false;
    asked(C) := false;
    free := true
}

action ask(c:client) = {
    asked(c) := true
}

action grant(c:client) = {
    require free;
    require asked(c);
    free := false;
    asked(c) := false;
    holds(c) := true
}

action release(c:client) = {
    require holds(c);
    holds(c) := false;
    free := true
}

export ask
export grant
export release

invariant [mutex] holds(C) & holds(D) -> C = D
invariant [free_or_held] free -> ~holds(C)
invariant [held_not_free] holds(C) -> ~free
";

/// A temporary directory with `lock.ivy` and a cache directory.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(text: &str) -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("lock.ivy"), text).expect("write program");
        Case { dir }
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("lock.ivy")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn edit(&self, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.file()).expect("read program");
        assert!(text.contains(from), "{from}");
        std::fs::write(self.file(), text.replace(from, to)).expect("write program");
    }

    /// `ivyc verify ARGS lock.ivy` with this case's cache: exit code,
    /// stdout, stderr.
    fn verify(&self, args: &[&str]) -> (i32, String, String) {
        verify_with(&self.cache(), &self.file(), args)
    }

    /// The JSON report of `verify --format json ARGS`.
    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let (code, out, err) = self.verify(&all);
        let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, doc)
    }

    /// The cache's files.
    fn files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        collect_files(&self.cache(), &mut out);
        out.sort();
        out
    }

    /// The keys stored (the lines of the packs that are keys).
    fn keys(&self) -> usize {
        self.files()
            .iter()
            .map(|f| {
                std::fs::read_to_string(f)
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| l.len() == 64)
                    .count()
            })
            .sum()
    }
}

fn verify_with(cache: &Path, file: &Path, args: &[&str]) -> (i32, String, String) {
    let out = ivyc_command()
        .env_remove("IVYC_NO_CACHE")
        .env("IVYC_CACHE_DIR", cache)
        .arg("verify")
        .args(["-j", "2"])
        .args(args)
        .arg(file)
        .output()
        .expect("run ivyc");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn obligations(doc: &Value) -> &Vec<Value> {
    doc["obligations"].as_array().expect("obligations")
}

fn cached_count(doc: &Value) -> u64 {
    doc["summary"]["cached"].as_u64().expect("summary.cached")
}

/// The report without what legitimately differs between runs (times and
/// the `cached` flags).
fn verdicts(doc: &Value) -> Vec<Value> {
    obligations(doc)
        .iter()
        .map(|o| {
            let mut o = o.clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("time_ms");
                m.remove("cached");
            }
            o
        })
        .collect()
}

/// Human output with the per-obligation times and the summary's time and
/// cache count blanked.
fn without_times(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = match l.rfind("  ") {
                Some(i) if l.ends_with(" ms") || l.ends_with("  cached") => &l[..i],
                _ => l,
            };
            let l = match l.rfind(" (") {
                Some(i) if l.ends_with(" s)") => &l[..i],
                _ => l,
            };
            // ` (N from cache)`
            match (l.find(" proved ("), l.find(" from cache)")) {
                (Some(a), Some(b)) if a < b => {
                    format!(
                        "{}{}",
                        &l[..a + " proved".len()],
                        &l[b + " from cache)".len()..]
                    )
                }
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_second_run_takes_every_proof_from_the_cache() {
    let case = Case::new(LOCK);
    let (code, cold) = case.json(&[]);
    assert_eq!(code, 0, "{cold}");
    assert_eq!(obligations(&cold).len(), 12);
    assert_eq!(cached_count(&cold), 0);
    assert!(obligations(&cold).iter().all(|o| o["cached"] == false));
    assert_eq!(case.keys(), 12, "one key per proof");

    let (code, warm) = case.json(&[]);
    assert_eq!(code, 0, "{warm}");
    assert_eq!(cached_count(&warm), 12);
    assert!(obligations(&warm).iter().all(|o| o["cached"] == true));
    assert_eq!(verdicts(&cold), verdicts(&warm));

    // The human report (`-v`: every obligation): the same lines, `cached`
    // instead of a time, and the count in the summary.
    let (code, human, _) = case.verify(&["-v"]);
    assert_eq!(code, 0);
    assert!(
        human.contains("12 obligations: 12 proved (12 from cache), 0 failed"),
        "{human}"
    );
    assert!(
        human.contains("✓ consecution of grant preserves invariant [mutex]"),
        "{human}"
    );
    assert!(human.lines().any(|l| l.ends_with("  cached")), "{human}");
    let (_, uncached, _) = case.verify(&["-v", "--no-cache"]);
    assert_eq!(without_times(&human), without_times(&uncached));
    // By default a line per action says how many came from the cache.
    let (_, summary, _) = case.verify(&[]);
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("action ") && l.contains("from cache)")),
        "{summary}"
    );
}

#[test]
fn editing_one_action_solves_only_its_obligations_again() {
    let case = Case::new(LOCK);
    let (code, _) = case.json(&[]);
    assert_eq!(code, 0);
    // A new guard in `ask` (and a blank line that moves every span below).
    case.edit(
        "action ask(c:client) = {\n    asked(c) := true",
        "\naction ask(c:client) = {\n    require ~holds(c);\n    asked(c) := true",
    );
    let (code, doc) = case.json(&[]);
    assert_eq!(code, 0, "{doc}");
    for o in obligations(&doc) {
        let in_ask = o["action"] == "ask";
        assert_eq!(o["cached"], !in_ask, "{o}");
        assert_eq!(o["outcome"], "proved");
    }
    assert_eq!(cached_count(&doc), 9);
}

#[test]
fn no_cache_solves_everything_and_writes_nothing() {
    let case = Case::new(LOCK);
    let (code, doc) = case.json(&["--no-cache"]);
    assert_eq!(code, 0);
    assert_eq!(cached_count(&doc), 0);
    assert!(case.files().is_empty());
    // With a warm cache, --no-cache still solves every obligation.
    case.json(&[]);
    assert_eq!(case.keys(), 12);
    let (_, doc) = case.json(&["--no-cache"]);
    assert_eq!(cached_count(&doc), 0);
    // IVYC_NO_CACHE=1 is the same.
    let out = ivyc_command()
        .env("IVYC_CACHE_DIR", case.cache())
        .args(["verify", "--format", "json"])
        .arg(case.file())
        .output()
        .expect("run ivyc");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(cached_count(&doc), 0);
}

#[test]
fn a_corrupt_cache_is_a_miss_and_is_written_again() {
    for damage in ["empty", "truncated", "garbage", "flipped"] {
        let case = Case::new(LOCK);
        case.json(&[]);
        let packs = case.files();
        assert_eq!(packs.len(), 1, "{packs:?}");
        for p in &packs {
            let text = std::fs::read(p).expect("pack");
            let damaged: Vec<u8> = match damage {
                "empty" => Vec::new(),
                "truncated" => text[..text.len() / 2].to_vec(),
                "garbage" => b"\xff\xfe not a pack".to_vec(),
                _ => {
                    // One hex digit of a key changed.
                    let mut t = text.clone();
                    t[20] = if t[20] == b'0' { b'1' } else { b'0' };
                    t
                }
            };
            std::fs::write(p, damaged).expect("damage");
        }
        let (code, doc) = case.json(&[]);
        assert_eq!(code, 0, "{doc}");
        assert_eq!(cached_count(&doc), 0, "{damage}");
        assert!(obligations(&doc).iter().all(|o| o["outcome"] == "proved"));
        let (_, doc) = case.json(&[]);
        assert_eq!(
            cached_count(&doc),
            12,
            "{damage}: the proofs were written again"
        );
        assert_eq!(case.files().len(), 1, "{damage}: the damaged pack is gone");
    }
}

#[test]
fn a_failure_renders_the_same_counterexample_with_the_cache() {
    // `release` frees the lock but the client keeps holding it: two
    // consecutions fail.
    let case = Case::new(&LOCK.replace(
        "    holds(c) := false;\n    free := true\n",
        "    free := true\n",
    ));
    let (code, out1, err1) = case.verify(&[]);
    assert_eq!(code, 1, "{out1}{err1}");
    let (code, out2, err2) = case.verify(&[]);
    assert_eq!(code, 1);
    // Failures are never cached: they are solved again, the proofs come
    // from the cache, and the counterexamples are the same text.
    assert!(out2.contains("(10 from cache), 2 failed"), "{out2}");
    assert_eq!(err1, err2);
    let (_, out3, err3) = case.verify(&["--no-cache"]);
    assert_eq!(err1, err3);
    assert_eq!(without_times(&out2), without_times(&out3));
    assert_eq!(without_times(&out1), without_times(&out3));
    let (_, cold) = case.json(&["--no-cache"]);
    let (_, warm) = case.json(&[]);
    assert_eq!(verdicts(&cold), verdicts(&warm));
    for o in obligations(&warm) {
        assert_eq!(o["cached"], o["outcome"] == "proved", "{o}");
    }
}

#[test]
fn other_options_do_not_share_entries() {
    let case = Case::new(LOCK);
    case.json(&[]);
    let (_, doc) = case.json(&["--timeout", "30"]);
    assert_eq!(cached_count(&doc), 0, "another time limit is another key");
    let (_, doc) = case.json(&["--timeout", "30"]);
    assert_eq!(cached_count(&doc), 12);
}

#[test]
fn an_unwritable_cache_is_a_warning_and_the_verdicts_stand() {
    let case = Case::new(LOCK);
    // A file where the directory should be.
    let blocker = case.dir.path().join("blocker");
    std::fs::write(&blocker, "not a directory").expect("write");
    let (code, out, err) = verify_with(&blocker, &case.file(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("12 proved, 0 failed"), "{out}");
    assert!(err.contains("cache-unwritable"), "{err}");
}
