//! `ivyc test` (randomized testing of the generated C++, built with the
//! real cmake and g++): it finds the violation of `examples/bugs/` files
//! that `ivyc bmc` shows reachable, runs clean on examples, gives the same
//! report for the same seed, writes a trace that `ivyc replay` reproduces,
//! runs the `specification` monitors (inputs constrained by them, their
//! state's invariants checked, their failures found), lists the
//! invariants it cannot evaluate (and, with `--isolate`, those of
//! other isolates), and refuses bad input with exit
//! 2. The clean report of one example and one violation report are
//! snapshots (the time line, which varies, is left out).

#[path = "../common/mod.rs"]
mod common;

use common::ivyc;

/// The report without its `time:` line (steps/s vary from run to run).
fn stable(out: &str) -> String {
    out.lines()
        .filter(|l| !l.starts_with("time: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A temporary directory with the paths of a trace file and of a kept
/// build directory in it (removed when dropped).
struct Scratch {
    _dir: tempfile::TempDir,
    trace: String,
    /// A second trace file, for comparisons.
    trace2: String,
    keep: String,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = |name: &str| {
            dir.path()
                .join(name)
                .to_str()
                .expect("utf-8 temp path")
                .to_owned()
        };
        let (trace, trace2, keep) = (path("trace.json"), path("trace2.json"), path("build"));
        Scratch {
            _dir: dir,
            trace,
            trace2,
            keep,
        }
    }
}

#[test]
fn clean_on_the_lock_server() {
    common::cmake();
    let (code, out, err) = ivyc(&["test", "examples/lock_server.ivy", "--runs", "50"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("\ntime: "), "{out}");
    insta::assert_snapshot!("lock_server_clean", stable(&out));
}

#[test]
fn clean_on_two_phase_commit_with_workers() {
    common::cmake();
    let (code, out, err) = ivyc(&[
        "test",
        "examples/two_phase_commit.ivy",
        "--runs",
        "40",
        "--workers",
        "2",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("clean: 40 runs"), "{out}");
}

/// Every example runs clean (the lock server, two-phase commit and the
/// UDP leader election are tested above and below).
#[test]
fn clean_on_the_other_examples() {
    common::cmake();
    let mut files: Vec<String> = std::fs::read_dir(common::repo_root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ivy"))
        .filter(|n| {
            ![
                "lock_server.ivy",
                "two_phase_commit.ivy",
                "leader_election_udp.ivy",
            ]
            .contains(&n.as_str())
        })
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    for f in files {
        let path = format!("examples/{f}");
        let (code, out, err) = ivyc(&["test", &path, "--runs", "20"]);
        assert_eq!(code, 0, "{path}\n{out}\n{err}");
        assert!(out.contains("clean: 20 runs"), "{path}\n{out}");
    }
}

/// The network's promise (only sent messages arrive) is a `specification`
/// monitor: the driver holds its state and runs it, so `recv` delivers
/// only what was sent (without it, two leaders are elected) and the
/// invariants over the network's state are checked.
#[test]
fn specification_monitors_constrain_and_are_checked() {
    common::cmake();
    for (file, checked) in [
        ("examples/leader_election_udp.ivy", 4),
        ("tests/data/gentest/token_ring_spec.ivy", 3),
    ] {
        let (code, out, err) = ivyc(&["test", file, "--runs", "50"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.contains("clean: 50 runs, 5000 steps"), "{out}");
        assert!(
            out.contains(&format!("invariants checked after every step: {checked}\n")),
            "{out}"
        );
        assert!(!out.contains("not checked"), "{out}");
    }
    // The broken variant sends to a node with a message in flight: the
    // monitor of the imported `net.send` fails at the call.
    let file = "tests/data/gentest/token_ring_spec_bad.ivy";
    let (code, out, err) = ivyc(&["test", file, "--runs", "50"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("violated: require at call site ~in_flight(dst) at tests/data/gentest/token_ring_spec_bad.ivy:23:13"),
        "{out}"
    );
}

/// An assertion reached by random calls (`ivyc bmc --depth 3 --bound
/// client=3` finds it too): the report lists the steps with the callback
/// calls, the violated assertion and the invariant that is not checked;
/// the trace replays; with two clients the program is correct.
#[test]
fn assertion_violation_with_callbacks_is_replayed() {
    common::cmake();
    let file = "tests/data/gentest/ticket_counter.ivy";
    let scratch = Scratch::new();
    let (t, k) = (scratch.trace.as_str(), scratch.keep.as_str());
    let (code, out, err) = ivyc(&["test", file, "--trace-out", t, "--keep", k]);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = out.replace(k, "{build}").replace(t, "{trace}");
    insta::assert_snapshot!("ticket_counter_violation", report);
    let (code, out, err) = ivyc(&["replay", t, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.starts_with("reproduced: step "), "{out}");
    let (code, out, err) = ivyc(&["test", file, "client=2", "--keep", k]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("clean: 100 runs, 10000 steps"), "{out}");
}

/// The bug of `lock_server_grant_without_lock` (reachable: `ivyc bmc
/// --depth 4` finds it) is found; the same seed gives the same report; the
/// trace replays in the C++ (the state after the violating step is the
/// trace's).
#[test]
fn invariant_violation_is_found_reproducibly_and_replayed() {
    common::cmake();
    let file = "examples/bugs/lock_server_grant_without_lock.ivy";
    let scratch = Scratch::new();
    let (t, k) = (scratch.trace.as_str(), scratch.keep.as_str());
    let (code, out, err) = ivyc(&["test", file, "--trace-out", t, "--keep", k]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("\nviolated: invariant [one_grant] at "),
        "{out}"
    );
    // Same seed, same report (the build directory is reused).
    let (code2, out2, _) = ivyc(&["test", file, "--trace-out", t, "--keep", k]);
    assert_eq!(code2, 1);
    assert_eq!(out, out2);
    // Three workers share the runs: the same first violating run.
    let (code3, out3, _) = ivyc(&["test", file, "--workers", "3", "--keep", k]);
    assert_eq!(code3, 1);
    // From `violation in run` to the `violated:` line.
    let tail = |o: &str| -> Vec<String> {
        o.lines()
            .skip_while(|l| !l.starts_with("violation in run"))
            .take_while(|l| !l.starts_with("trace written") && !l.starts_with("invariants checked"))
            .map(str::to_owned)
            .collect()
    };
    assert!(tail(&out).len() > 3, "{out}");
    assert_eq!(tail(&out), tail(&out3), "{out3}");
    // The bug is reachable: bmc finds it too.
    let (code, bmc, err) = ivyc(&["bmc", "--depth", "4", file]);
    assert_eq!(code, 1, "{bmc}\n{err}");
    let (code, out, err) = ivyc(&["replay", t, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.starts_with("reproduced: after step "), "{out}");
}

/// Other bug files with a violation `ivyc bmc` shows reachable.
#[test]
fn violations_in_other_bug_files() {
    common::cmake();
    for file in [
        "examples/bugs/toy_consensus_double_vote.ivy",
        // The ring and the order on ids are parameters drawn by the driver.
        "examples/bugs/leader_election_ring_forward_all.ivy",
    ] {
        let (code, out, err) = ivyc(&["test", file]);
        assert_eq!(code, 1, "{file}\n{out}\n{err}");
        assert!(out.contains("\nviolated: "), "{file}\n{out}");
        let (code, bmc, err) = ivyc(&["bmc", "--depth", "2", file]);
        assert_eq!(code, 1, "bmc finds it too: {file}\n{bmc}\n{err}");
    }
}

/// Messages of a variant sort: random arguments are variant values (`none`
/// or one of the variants, `TAG{...}`); the correct protocol runs clean,
/// and the server that grants every request is caught (`ivyc bmc` finds it
/// too, `tests/data/gentest/variant_grant_twice.ivy`).
#[test]
fn variant_messages_clean_and_bug_found() {
    common::cmake();
    let (code, out, err) = ivyc(&[
        "test",
        "tests/data/extract/variant_messages.ivy",
        "--runs",
        "30",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("clean: 30 runs"), "{out}");
    let file = "tests/data/gentest/variant_grant_twice.ivy";
    let (code, out, err) = ivyc(&["test", file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("violated: invariant holds(C1) & holds(C2) -> C1 = C2"),
        "{out}"
    );
    assert!(out.contains("receive(grant{owner:"), "{out}");
}

/// With `--isolate`, the isolate's entry points are called and the
/// invariants of other isolates are listed as not checked (calling
/// `counter.mark` directly breaks `user`'s invariant, which is `user`'s
/// isolate's to keep).
#[test]
fn isolate_checks_its_own_invariants() {
    common::cmake();
    let file = "tests/data/extract/isolate_entry.ivy";
    let (code, out, err) = ivyc(&["test", file, "--isolate", "iso_c", "--runs", "5"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("  [counter.cinv] at tests/data/extract/isolate_entry.ivy:15:15\n"),
        "{out}"
    );
    assert!(
        out.contains("  not checked: [user.uinv] at tests/data/extract/isolate_entry.ivy:26:15 (it belongs to another isolate)\n"),
        "{out}"
    );
}

/// `--max-faults` (docs/testing-generated-code.md, "Faults"): a token ring
/// whose network specification delivers every message exactly once runs
/// clean without faults; with faults a dropped message loses the token, a
/// duplicated one is held and in flight, a restarted first node makes a
/// second token. The same seed gives the same report and trace, and `ivyc
/// replay` reproduces a drop and a restart.
#[test]
fn faults_break_a_protocol_that_needs_a_reliable_network() {
    common::cmake();
    let file = "tests/data/gentest/token_ring_reliable.ivy";
    let scratch = Scratch::new();
    let (t, t2, k) = (
        scratch.trace.as_str(),
        scratch.trace2.as_str(),
        scratch.keep.as_str(),
    );
    let (code, out, err) = ivyc(&["test", file, "--keep", k]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(!out.contains("fault"), "{out}");
    let faulty = |seed: &str, trace: &str| {
        ivyc(&[
            "test",
            file,
            "--keep",
            k,
            "--max-faults",
            "10",
            "--seed",
            seed,
            "--trace-out",
            trace,
        ])
    };
    let (code, out, err) = faulty("1", t);
    assert_eq!(code, 1, "{out}\n{err}");
    let report = out.replace(k, "{build}").replace(t, "{trace}");
    insta::assert_snapshot!("token_ring_reliable_drop", report);
    // Same seed, same run and trace.
    let (code2, out2, _) = faulty("1", t2);
    assert_eq!(code2, 1);
    assert_eq!(out.replace(t, "{trace}"), out2.replace(t2, "{trace}"));
    let read = |p: &str| std::fs::read_to_string(p).expect("trace written");
    assert_eq!(read(t), read(t2));
    assert!(read(t).contains("\"kind\": \"drop\""), "{}", read(t));
    let (code, out, err) = ivyc(&["replay", t, file]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.starts_with("reproduced: after step 3 "), "{out}");
    // Seed 12 duplicates a message, seed 13 restarts the first node.
    for (seed, fault, violated) in [
        (
            "12",
            "! duplicate: net.in_flight(0) := true",
            "[held_or_sent]",
        ),
        ("13", "! crash: node 0 restarted", "[one_token]"),
    ] {
        let (code, out, err) = faulty(seed, t);
        assert_eq!(code, 1, "{out}\n{err}");
        assert!(out.contains(fault), "{out}");
        assert!(
            out.contains(&format!("violated: invariant {violated}")),
            "{out}"
        );
        // Each replay builds the REPL (about 20 s in a debug build): the
        // drop above and the restart are replayed, the duplicate is applied
        // by the same code path as the drop.
        if seed == "13" {
            let (code, out, err) = ivyc(&["replay", t, file]);
            assert_eq!(code, 1, "{out}\n{err}");
            assert!(out.starts_with("reproduced: after step "), "{out}");
        }
    }
}

/// A protocol robust to an unreliable network (values sent again until
/// known, idempotent delivery) stays clean with every kind of fault.
#[test]
fn faults_leave_a_robust_protocol_clean() {
    common::cmake();
    let file = "tests/data/gentest/announce_retransmit.ivy";
    let (code, out, err) = ivyc(&["test", file, "--max-faults", "10", "--runs", "50"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("\nfault channels: net.in_flight (drop, duplicate)\ncrash and restart of a `node`: its entries of proto.known\n"),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.starts_with("faults injected: "))
        .unwrap_or_default();
    let counts: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(counts.len(), 3, "{out}");
    assert!(counts.iter().all(|&n| n > 0), "{out}");
    assert_eq!(counts.iter().sum::<u64>(), 500, "{out}");
}

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["test", "examples/lock_server.ivy", "nosuchsort=3"],
        vec!["test", "examples/lock_server.ivy", "node=0"],
        vec!["test", "examples/lock_server.ivy", "--runs", "0"],
        vec!["test", "examples/lock_server.ivy", "--workers", "x"],
        vec!["test", "examples/no_such_file.ivy"],
        vec!["test", "examples/lock_server.ivy", "--isolate", "nope"],
    ] {
        let (code, out, err) = ivyc(&args);
        assert_eq!(code, 2, "{args:?}\n{out}\n{err}");
    }
}
