//! Round trip of `ivyc bmc --trace-out` and `ivyc replay`: the trace of a
//! reachable assertion failure is written as JSON, checked, and replayed
//! against the extracted C++ (built with the real cmake and g++), which
//! must fail the same assertion at the same step; an invariant violation is
//! reproduced when the C++ state after the violating step (`?state`) is the
//! trace's; edited traces are not reproduced; an invariant over
//! specification state is reported as unsupported; the trace of a
//! `method = mc` isolate written by `verify --trace-out` replays the same
//! way; a trace the C++ cannot follow (an `assume` it cannot satisfy with
//! its own choices) is unsupported, not a verdict, and so is a program
//! whose C++ searches for a value satisfying an assumption; a deadlock trace
//! (`bmc --deadlock`) is reproduced when the C++ reaches its last state and
//! every call of every action fails there; a lasso (`bmc --liveness`) when
//! the C++ returns to the loop start's state after the loop, twice.

#[path = "../common/mod.rs"]
mod common;

use common::ivyc;
use std::path::Path;

fn write_trace(file: &str, depth: &str, path: &Path) -> serde_json::Value {
    let p = path.to_str().expect("utf-8 temp path");
    let (code, out, err) = ivyc(&["bmc", "--depth", depth, "--trace-out", p, file]);
    assert_eq!(code, 1, "bmc should find the bug\n{out}\n{err}");
    serde_json::from_str(&std::fs::read_to_string(path).expect("trace written"))
        .expect("the trace is JSON")
}

#[test]
fn deadlock_trace_is_reproduced_by_the_cpp() {
    common::cmake();
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "tests/data/deadlock/two_locks_opposite_order.ivy";
    let path = tmp.path().join("trace.json");
    let p = path.to_str().expect("utf-8 temp path");
    let (code, out, err) = ivyc(&["bmc", "--deadlock", "--depth", "4", "--trace-out", p, file]);
    assert_eq!(code, 1, "bmc should find the deadlock\n{out}\n{err}");
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("trace written"))
            .expect("the trace is JSON");
    assert_eq!(t["deadlock"], true);
    assert_eq!(t["violation"]["kind"], "deadlock");
    assert_eq!(t["depth"], 3);
    assert_eq!(t["steps"].as_array().map(Vec::len), Some(3));
    let (code, out, err) = ivyc(&["replay", p, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.starts_with("reproduced: after step 3 the C++ is in the trace's state and no exported action is enabled: all 7 calls fail"),
        "{out}"
    );
    // One step fewer: `take_first(w2)` is still enabled.
    let mut edited = t.clone();
    if let Some(s) = edited["steps"].as_array_mut() {
        s.pop();
    }
    edited["depth"] = 2.into();
    edited["violation"]["step"] = 2.into();
    let short = tmp.path().join("short.json");
    std::fs::write(&short, edited.to_string()).expect("write");
    let (code, out, err) = ivyc(&["replay", short.to_str().expect("utf-8"), file]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with("not reproduced: after step 2 the C++ is in the trace's state, but `take_first(w2)` runs"),
        "{out}"
    );
}

#[test]
fn lasso_trace_is_reproduced_by_the_cpp() {
    common::cmake();
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "tests/data/liveness/token_ring_busy.ivy";
    let path = tmp.path().join("trace.json");
    let p = path.to_str().expect("utf-8 temp path");
    let (code, out, err) = ivyc(&["bmc", "--liveness", "--depth", "5", "--trace-out", p, file]);
    assert_eq!(code, 1, "bmc should find a lasso\n{out}\n{err}");
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("trace written"))
            .expect("the trace is JSON");
    assert_eq!(t["loop_start"], 2);
    assert_eq!(t["depth"], 4);
    assert_eq!(t["violation"]["kind"], "temporal property");
    assert_eq!(t["violation"]["label"], "[moves]");
    let (code, out, err) = ivyc(&["replay", p, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.starts_with("reproduced: the C++ runs the prefix and the loop twice (steps 3..4) and is back in the state after step 2"),
        "{out}"
    );
    // A wrong loop start: the C++ is not back in that state.
    let mut edited = t.clone();
    edited["loop_start"] = 1.into();
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, edited.to_string()).expect("write");
    let (code, out, err) = ivyc(&["replay", bad.to_str().expect("utf-8"), file]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.starts_with("not reproduced: after step 4 (loop pass 1) the C++ is not back in the state after step 1"), "{out}");
}

#[test]
fn assertion_trace_is_reproduced_by_the_cpp() {
    // `ivyc replay` builds the extracted C++ with cmake.
    common::cmake();
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "tests/data/bmc/assert_release.ivy";
    let path = tmp.path().join("trace.json");
    let t = write_trace(file, "4", &path);
    assert_eq!(t["version"], 1);
    assert_eq!(t["file"], file);
    assert_eq!(t["depth"], 4);
    assert_eq!(t["universes"]["client"].as_array().map(Vec::len), Some(2));
    assert_eq!(t["initial"]["busy"], "false");
    let steps = t["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[3]["action"], "release");
    assert!(steps[3]["args"]["c"]
        .as_str()
        .is_some_and(|c| c.starts_with("client")));
    assert_eq!(t["violation"]["kind"], "assert");
    assert_eq!(t["violation"]["step"], 4);
    assert_eq!(
        t["violation"]["span"],
        "tests/data/bmc/assert_release.ivy:26:5"
    );

    let p = path.to_str().expect("utf-8 temp path");
    let (code, out, err) = ivyc(&["replay", p, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.starts_with("reproduced: step 4"), "{out}");

    // Without step 3 (the release that clears `busy`) the last release
    // succeeds in the C++: not reproduced.
    let mut edited = t.clone();
    if let Some(s) = edited["steps"].as_array_mut() {
        s.remove(2);
    }
    let edited_path = tmp.path().join("edited.json");
    std::fs::write(&edited_path, edited.to_string()).expect("write");
    let (code, out, err) = ivyc(&["replay", edited_path.to_str().expect("utf-8"), file]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.starts_with("not reproduced:"), "{out}");
}

#[test]
fn invariant_trace_is_reproduced_by_the_cpp_state() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "examples/bugs/lock_server_grant_without_lock.ivy";
    let path = tmp.path().join("trace.json");
    let t = write_trace(file, "4", &path);
    assert_eq!(t["violation"]["kind"], "invariant");
    assert_eq!(t["violation"]["label"], "[one_grant]");
    assert_eq!(t["violation"]["step"], 4);
    let (code, out, err) = ivyc(&["replay", path.to_str().expect("utf-8"), file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.starts_with(
            "reproduced: after step 4 the C++ is in the trace's state, which violates invariant [one_grant] at examples/bugs/lock_server_grant_without_lock.ivy:76:11\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "  compared: lock_msg, grant_msg, unlock_msg, holds_lock, server_holds_lock\n"
        ),
        "{out}"
    );
    assert!(out.contains("  skipped: none\n"), "{out}");

    // The trace's last state edited: two grant messages become one, and
    // the C++ state no longer matches.
    let mut edited = t.clone();
    let rows = edited["steps"][3]["state"]["grant_msg"]
        .as_array_mut()
        .expect("grant_msg rows");
    let flipped = rows
        .iter_mut()
        .find(|r| r["value"] == "true")
        .expect("a true grant_msg row");
    flipped["value"] = "false".into();
    let edited_path = tmp.path().join("edited.json");
    std::fs::write(&edited_path, edited.to_string()).expect("write");
    let (code, out, err) = ivyc(&["replay", edited_path.to_str().expect("utf-8"), file]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with(
            "not reproduced: after step 4 the C++ state differs: grant_msg: expected {"
        ),
        "{out}"
    );
    assert!(out.contains(", got {0, 1}"), "{out}");
}

#[test]
fn model_checker_trace_is_reproduced_by_the_cpp_state() {
    common::cmake();
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "tests/data/mc/mutex_peterson_keeps_turn.ivy";
    let path = tmp.path().join("trace.json");
    let p = path.to_str().expect("utf-8 temp path");
    let (code, out, err) = ivyc(&["verify", "--trace-out", p, file]);
    assert_eq!(
        code, 1,
        "the model checker should find the bug\n{out}\n{err}"
    );
    let t: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("trace written"))
            .expect("the trace is JSON");
    assert_eq!(t["isolate"], "iso");
    assert_eq!(t["depth"], 4);
    assert_eq!(t["violation"]["kind"], "invariant");
    let (code, out, err) = ivyc(&["replay", p, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.starts_with("reproduced: after step 4"), "{out}\n{err}");
}

#[test]
fn invariant_over_specification_state_is_unsupported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "examples/bugs/leader_election_udp_forward_all.ivy";
    let path = tmp.path().join("trace.json");
    let t = write_trace(file, "4", &path);
    assert_eq!(t["violation"]["kind"], "invariant");
    let (code, out, err) = ivyc(&["replay", path.to_str().expect("utf-8"), file]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        out.starts_with(
            "unsupported: invariant [own_id_max] depends on net.pending, specification state"
        ),
        "{out}"
    );
}

#[test]
fn an_assume_the_cpp_cannot_satisfy_is_unsupported_not_a_verdict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "tests/replay/nondeterministic_pick.ivy";
    let path = tmp.path().join("trace.json");
    write_trace(file, "3", &path);
    let (code, out, err) = ivyc(&["replay", path.to_str().expect("utf-8"), file]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        out.starts_with("unsupported: the C++ cannot follow the trace: step 2"),
        "{out}"
    );
}

#[test]
fn a_searched_choice_is_unsupported_not_a_verdict() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = "tests/replay/searched_pick.ivy";
    let path = tmp.path().join("trace.json");
    write_trace(file, "3", &path);
    let (code, out, err) = ivyc(&["replay", path.to_str().expect("utf-8"), file]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        out.starts_with("unsupported: the extracted code makes 1 nondeterministic choice(s)"),
        "{out}"
    );
}

#[test]
fn bad_trace_files_are_input_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("bad.json");
    std::fs::write(&path, "{\"not\": \"a trace\"}").expect("write");
    let (code, _, err) = ivyc(&[
        "replay",
        path.to_str().expect("utf-8"),
        "examples/lock_server.ivy",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("error[bad-trace]"), "{err}");
}
