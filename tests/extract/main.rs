//! End-to-end tests of `ivyc extract`: every example is extracted and the
//! generated C++ is compiled with the real `cmake` and C++ compiler
//! (`-Wall -Wextra -Werror`) against `runtime-cpp/`; the REPLs of the lock
//! server, the range sorts, the struct programs, the variant messages, the ticket lock, the
//! native-code program and the two units of `extract_unit.ivy` are
//! driven through scripted sessions (transcript snapshots; `--help`, bad
//! options, `--script FILE`, setters `NAME(args) := v` and havocs resolved
//! by search included); the leader
//! election runs as five OS processes talking UDP on 127.0.0.1 and must
//! elect exactly the node with the largest id; the ping/pong of
//! `udp_ping.ivy` (`include udp`, no host program) runs as three REPL
//! processes (`--me N`) exchanging datagrams. Generated headers are
//! snapshots too.

#[path = "../common/mod.rs"]
mod common;

use common::{extract, repo_root, stem_of};
use std::path::Path;
use std::process::{Command, Stdio};

/// Configure (Release) and build the CMake project in `src` into `build`.
fn build(src: &Path, build: &Path, defs: &[String]) {
    common::cmake_build(src, build, "Release", defs);
}

/// The examples, and the construct test of the code generator, as paths
/// relative to the repo.
fn examples() -> Vec<String> {
    let root = repo_root();
    let mut v: Vec<String> = common::examples()
        .iter()
        .map(|p| {
            p.strip_prefix(&root)
                .expect("example inside the repo")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.push("tests/data/extract/constructs.ivy".to_owned());
    v.push("tests/data/extract/struct_lock.ivy".to_owned());
    v.push("tests/data/extract/struct_channel.ivy".to_owned());
    v.push("tests/data/extract/ticket_lock.ivy".to_owned());
    v.push("tests/data/extract/native.ivy".to_owned());
    v.push("tests/data/extract/variant_messages.ivy".to_owned());
    v.push("tests/data/extract/variant_forms.ivy".to_owned());
    v.push("tests/data/extract/udp_ping.ivy".to_owned());
    v
}

/// Every example extracts and its header compiles warning-free (one CMake
/// project holding all of them, so the runtime is built once); the headers
/// are snapshots.
#[test]
fn every_example_extracts_and_compiles() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut top =
        String::from("cmake_minimum_required(VERSION 3.16)\nproject(all_examples LANGUAGES CXX)\n");
    top.push_str(&format!(
        "add_subdirectory(\"{}\" ivyc_runtime)\n",
        repo_root().join("runtime-cpp").display()
    ));
    for ex in examples() {
        let stem = stem_of(&ex);
        let out = tmp.path().join("gen").join(&stem);
        extract(&ex, &out, false);
        top.push_str(&format!("add_subdirectory(\"{}\" {stem})\n", out.display()));
        let hpp = std::fs::read_to_string(out.join(format!("{stem}.hpp"))).expect("header");
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path(repo_root().join("tests/extract/snapshots"));
        s.set_prepend_module_to_snapshot(false);
        s.bind(|| insta::assert_snapshot!(format!("{stem}.hpp"), hpp));
    }
    std::fs::write(tmp.path().join("CMakeLists.txt"), top).expect("write");
    build(tmp.path(), &tmp.path().join("build"), &[]);
}

/// Extracts and builds `source`; returns the temporary directory (kept
/// alive by the caller) and the path of its REPL driver.
fn build_repl(source: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let gen = tmp.path().join("gen");
    extract(source, &gen, true);
    let b = tmp.path().join("build");
    build(&gen, &b, &[]);
    let exe = b.join(format!("{}_repl", stem_of(source)));
    (tmp, exe)
}

/// The transcript of one run: the command line shown as `shown`, stdout,
/// stderr and the exit code.
fn transcript(shown: &str, out: &std::process::Output) -> String {
    format!(
        "$ {shown}\n--- stdout\n{}--- stderr\n{}--- exit: {}\n",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        out.status.code().unwrap_or(-1)
    )
}

fn snapshot(name: &str, text: &str) {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(repo_root().join("tests/extract/snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.bind(|| insta::assert_snapshot!(name, text));
}

/// Runs `exe` with `args`, `script` on stdin.
fn run_with_stdin(exe: &Path, args: &[&str], script: &str) -> std::process::Output {
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start repl");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(script.as_bytes()).expect("write script");
    }
    child.wait_with_output().expect("repl output")
}

/// Extracts and builds `source`, runs its REPL `--echo` with `args` on
/// `script` and snapshots the transcript as `name`.
fn repl_session(source: &str, args: &[&str], script: &str, name: &str) {
    let (_tmp, exe) = build_repl(source);
    let repl = format!("{}_repl", stem_of(source));
    let mut all = vec!["--echo"];
    all.extend_from_slice(args);
    let out = run_with_stdin(&exe, &all, script);
    let shown = format!(
        "{repl} --echo{} < script",
        args.iter().map(|a| format!(" {a}")).collect::<String>()
    );
    snapshot(name, &transcript(&shown, &out));
}

/// The lock server's REPL driven by a script; the transcript is a snapshot.
#[test]
fn lock_server_repl_session() {
    let script = "\
?state
send_lock(0)
send_lock(1)
recv_lock(1)
recv_lock(0)
recv_grant(1)
?state
unlock(0)
unlock(1)
recv_unlock(1)
recv_lock(0)
recv_grant(0)
unlock(5)
grant(0)
unlock
?nope
";
    repl_session(
        "examples/lock_server.ivy",
        &["node=3"],
        script,
        "lock_server_repl_session",
    );
}

/// Native code: the `header`/`impl` helpers, the `member` fields, the
/// `init` block (it writes the journal's first line and `journal.lines`)
/// and the native bodies of `journal.record` (calling the Ivy action
/// `journal.bump` through its backquoted name) and `journal.text` run in
/// the REPL; the transcript is a snapshot (so is the header, in
/// `every_example_extracts_and_compiles`).
#[test]
fn native_repl_session() {
    let script = "\
journal_text
draw(0, red)
draw(1, green)
?state
journal_text
";
    repl_session(
        "tests/data/extract/native.ivy",
        &["client=2"],
        script,
        "native_repl_session",
    );
}

/// `extract server_proc = server`: the unit builds on its own; its public
/// method is `server.request` (called from the client, outside the unit)
/// and the call back into the client is a host callback, which the REPL
/// prints. The client's unit is the mirror image.
#[test]
fn extract_unit_repl_session() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut transcript_all = String::new();
    for (unit, script) in [
        ("server_proc", "server.request(1)\n?state\nclient.ask(0)\n"),
        ("client_proc", "client.ask(0)\nclient.grant(1)\n?state\n"),
    ] {
        let gen = tmp.path().join(unit);
        common::run_ok(
            common::ivyc_command()
                .args(["extract", "--no-verify", "--cpp"])
                .arg(&gen)
                .args(["tests/data/extract/extract_unit.ivy", unit]),
            "extracting a unit",
        );
        let b = tmp.path().join(format!("{unit}_build"));
        build(&gen, &b, &[]);
        let exe = b.join(format!("extract_unit_{unit}_repl"));
        let out = run_with_stdin(&exe, &["--echo", "id=2"], script);
        transcript_all.push_str(&transcript(
            &format!("extract_unit_{unit}_repl --echo id=2 < script"),
            &out,
        ));
    }
    snapshot("extract_unit_repl_session", &transcript_all);
}

/// Range sorts in C++: the token bucket of range_saturation.ivy starts at
/// the clamped 10, saturates at 10 and 0, and refuses an argument outside
/// the client sort.
#[test]
fn range_sort_repl_session() {
    let script = "\
?state
take(0)
take(1)
take(0)
take(0)
take(0)
take(0)
take(0)
?state
refill
refill
?state
refill
?state
take(2)
";
    repl_session(
        "tests/data/verify/range_saturation.ivy",
        &["client=2"],
        script,
        "range_saturation_repl_session",
    );
}

/// Struct messages in C++: the lock server whose network is a relation over
/// message structs, driven with struct arguments `{kind:...,owner:...}`
/// (bad field order, missing field, out-of-range field and a non-struct
/// argument are errors) and printing a struct result.
#[test]
fn struct_lock_repl_session() {
    let script = "\
?state
request(0)
request(1)
?state
grant({kind:lock_req,owner:1})
grant({kind:lock_req, owner:0})
?state
accept({ kind : grant_msg , owner : 1 })
release(1)
unlock({kind:unlock_msg,owner:1})
?state
grant({owner:0,kind:lock_req})
grant({kind:lock_req,owner:7})
grant({kind:lock_req})
grant(3)
grant({kind:lock_req,owner:0)
";
    repl_session(
        "tests/data/extract/struct_lock.ivy",
        &["client=2"],
        script,
        "struct_lock_repl_session",
    );
}

/// Nested structs, state of struct sort, a table of structs updated one
/// field at a time (one entry, and every entry), struct equality, and
/// errors naming the nested field that is out of range.
#[test]
fn struct_channel_repl_session() {
    let p0 = "{src:{host:0,chan:3},dst:{host:1,chan:3},seq:0,urgent:false}";
    let p0u = "{src:{host:0,chan:3},dst:{host:1,chan:3},seq:0,urgent:true}";
    let p1 = "{src:{host:0,chan:7},dst:{host:2,chan:7},seq:1,urgent:true}";
    let script = format!(
        "\
?state
send(0, 1, 3)
send(0, 2, 7)
mark_urgent
?state
deliver({p0})
deliver({p1})
?state
clear_inboxes
?state
same({p0}, {p0})
same({p0}, {p0u})
deliver({p0})
deliver({{src:{{host:0,chan:9}},dst:{{host:1,chan:3}},seq:0,urgent:false}})
deliver({{src:{{host:5,chan:1}},dst:{{host:1,chan:3}},seq:0,urgent:false}})
"
    );
    repl_session(
        "tests/data/extract/struct_channel.ivy",
        &["node=3"],
        &script,
        "struct_channel_repl_session",
    );
}

/// Messages of a variant sort (`tests/data/extract/variant_messages.ivy`):
/// requests upcast into `msg` and sent (a relation keyed by messages, the
/// host's `transmit` printing them), downcast by `if some r:req. m *> r`
/// and tested with `isa`, a message returned, `none` (a `msg` that is none
/// of the variants), state set to a variant value, and bad variant values
/// (unknown tag, missing braces, a bad field of the variant, not a variant).
#[test]
fn variant_messages_repl_session() {
    let script = "\
?state
request(0)
request(1)
?state
serve(req{src:0,seq:0})
serve(req{ src : 1 , seq : 0 })
?state
receive(grant{owner:0})
receive(deny{refused:1,reason:0})
?state
serve(req{src:0,seq:0})
kind(none)
kind(req{src:2,seq:9})
kind(grant{owner:2})
kind(deny{refused:0,reason:1})
make_request(1, 5)
last := deny{refused:2,reason:4}
?state
serve(ack{owner:1})
serve(req)
serve(req{src:9,seq:0})
serve(req{seq:0,src:0})
serve(3)
serve(req{src:0,seq:0)
";
    repl_session(
        "tests/data/extract/variant_messages.ivy",
        &["client=3"],
        script,
        "variant_messages_repl_session",
    );
}

/// Other variant forms (`tests/data/extract/variant_forms.ivy`): a variant
/// that is an uninterpreted sort (`token{ID}`, its id range-checked), a
/// struct holding a variant value, method dispatch on the variant, and
/// downcasts inside `exists`/`forall`.
#[test]
fn variant_forms_repl_session() {
    let script = "\
put({body:ping{src:1},hops:true}, 2, 1)
put({body:ping{src:1},hops:true}, 2, 0)
?state
check(token{2})
check(token{1})
check(ping{src:0})
check(ping{src:1})
check(none)
check(token{5})
";
    repl_session(
        "tests/data/extract/variant_forms.ivy",
        &[],
        script,
        "variant_forms_repl_session",
    );
}

/// The ticket lock (`tests/data/extract/ticket_lock.ivy`): `--help`, bad
/// command lines (exit 2), then a session run as a script (`--script
/// FILE`, errors naming the file line): the order `le` and `zero` set
/// with `:=`, tickets taken with `var n:ticket; assume succ(next_ticket,
/// n)` and served with `serving := *; require succ(s, serving)` (both
/// resolved by searching the ticket sort), the search failing when the
/// tickets run out, state set with `:=` (checked like arguments) to
/// continue from a chosen state, and `if some`; `some_holder` (`var d;
/// assume exists T. holds(d, T)`) answers the first holder by default and
/// pseudo-random holders with `--seed N`, and `two_holders` (two havocs,
/// one assumption: nested loops) a pair of different holders.
#[test]
fn ticket_lock_repl_script() {
    let (tmp, exe) = build_repl("tests/data/extract/ticket_lock.ivy");
    let mut text = String::new();
    let run = |args: &[&str]| {
        Command::new(&exe)
            .args(args)
            .current_dir(tmp.path())
            .output()
            .expect("run repl")
    };
    for args in [
        &["--help"][..],
        &["--bogus"],
        &["ticket=0"],
        &["color=2"],
        &["--script"],
        &["--script", "missing.txt"],
    ] {
        let out = run(args);
        text.push_str(&transcript(
            &format!("ticket_lock_repl {}", args.join(" ")),
            &out,
        ));
    }
    let script = "\
# the order on tickets 0 < 1 < 2 (parameters, before the first action)
le(0, 0) := true
le(1, 1) := true
le(2, 2) := true
le(0, 1) := true
le(0, 2) := true
set_le(1, 2, true)
zero := 0
waiting
take(1)
take(0)
take(0)
?state
waiting
enter(0)
enter(1)
leave(1)
enter(0)
# the tickets run out: no n with succ(next_ticket, n)
take(1)
?state
# continue from a chosen state: 2 is served, no ticket comes after it
serving := 2
holds(0, 2) := true
leave(0)
?state
next_ticket := 0
serving := 0
critical(0) := false
holds(0, 1) := false
holds(0, 2) := false
take(1)
?state
# setters check like arguments
serving := 3
holds(2, 0) := true
critical := true
critical(0) := maybe
nope(1) := true
le(0, 1) := false
";
    // The choice policy decides among the values the assumption allows:
    // the first one by default, a pseudo-random one with --seed.
    let holders = "\
le(0, 0) := true
le(1, 1) := true
le(2, 2) := true
le(3, 3) := true
le(0, 1) := true
le(0, 2) := true
le(0, 3) := true
le(1, 2) := true
le(1, 3) := true
le(2, 3) := true
zero := 0
take(4)
take(1)
take(3)
some_holder
some_holder
some_holder
two_holders
two_holders
";
    for seed in [None, Some("1"), Some("2"), Some("3")] {
        let mut args = vec!["client=5", "ticket=4"];
        if let Some(s) = seed {
            args.extend(["--seed", s]);
        }
        let out = run_with_stdin(&exe, &args, holders);
        text.push_str(&transcript(
            &format!("ticket_lock_repl {} < holders", args.join(" ")),
            &out,
        ));
    }
    std::fs::write(tmp.path().join("session.txt"), script).expect("write script");
    let out = run(&["--script", "session.txt", "--echo", "client=2"]);
    text.push_str(&transcript(
        "ticket_lock_repl --script session.txt --echo client=2",
        &out,
    ));
    snapshot("ticket_lock_repl_script", &text);
}

/// Setting state of every storage kind with `:=`: an individual struct, a
/// dense function of structs, a relation over structs (a hash table), a
/// struct value checked field by field.
#[test]
fn struct_channel_repl_setters() {
    let p0 = "{src:{host:0,chan:3},dst:{host:1,chan:3},seq:0,urgent:false}";
    let script = format!(
        "\
last := {p0}
inbox(2) := {p0}
delivered({p0}) := true
next_seq(1) := 4
?state
send(0, 1, 3)
?state
delivered({p0}) := false
last := {{src:{{host:3,chan:0}},dst:{{host:1,chan:3}},seq:0,urgent:false}}
inbox(3) := {p0}
next_seq(0) := -1
?state
"
    );
    repl_session(
        "tests/data/extract/struct_channel.ivy",
        &["node=3"],
        &script,
        "struct_channel_repl_setters",
    );
}

/// The generated structs and variant sorts in a host program
/// (`tests/extract/struct_host`): serializer round trips with truncated,
/// over-long and out-of-range input rejected, order, hashing, text, struct
/// and variant arguments range-checked, and variant messages sent through
/// the host's callback as bytes and decoded back.
#[test]
fn struct_host_program() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut dirs = Vec::new();
    for stem in ["struct_channel", "struct_lock", "variant_messages"] {
        let out = tmp.path().join(stem);
        extract(format!("tests/data/extract/{stem}.ivy"), &out, false);
        dirs.push(out.display().to_string());
    }
    let b = tmp.path().join("build");
    build(
        &repo_root().join("tests/extract/struct_host"),
        &b,
        &[format!("-DIVYC_GENERATED_DIRS={}", dirs.join(";"))],
    );
    let out = Command::new(b.join("struct_host"))
        .output()
        .expect("run struct_host");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "struct_host failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" checks, 0 failed"), "{stdout}");
}

/// Five processes, each a node of the extracted leader election, talk UDP
/// on 127.0.0.1: exactly one node, the one with the largest id, is leader.
#[test]
fn leader_election_over_udp_with_five_processes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let gen = tmp.path().join("gen");
    extract("examples/leader_election_udp.ivy", &gen, true);
    let b = tmp.path().join("build");
    build(
        &repo_root().join("examples/hosts/leader_election_udp"),
        &b,
        &[format!("-DIVYC_GENERATED_DIR={}", gen.display())],
    );
    let ids = ["3", "0", "4", "1", "2"];
    // A base port unlikely to collide with parallel runs.
    let base = 20000 + (std::process::id() % 20000) as u16 / 8 * 8;
    let children: Vec<_> = (0..5)
        .map(|i| {
            let mut c = Command::new(b.join("election_node"));
            c.arg(i.to_string())
                .arg("5")
                .arg(base.to_string())
                .arg("1500")
                .args(ids)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            c.spawn().expect("start node")
        })
        .collect();
    let mut leaders = Vec::new();
    let mut report = String::new();
    for c in children {
        let out = c.wait_with_output().expect("node output");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        report.push_str(&text);
        report.push_str(&String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "a node failed:\n{report}");
        if text.contains("leader yes") {
            leaders.push(text.clone());
        }
    }
    assert_eq!(leaders.len(), 1, "expected exactly one leader:\n{report}");
    assert!(
        leaders[0].starts_with("node 2 id 4 "),
        "the leader must be node 2 (id 4):\n{report}"
    );
}

/// A port `base` such that UDP ports `base..base + n` of 127.0.0.1 are
/// free now (bound and released; another process could take one before
/// the nodes bind it, then a node fails to start and the test says so).
fn free_udp_base(n: u16) -> u16 {
    let start = 21000 + (std::process::id() % 2000) as u16 * 16;
    (0..200u16)
        .map(|k| start.wrapping_add(k * 16) % 40000 + 20000)
        .find(|&base| {
            let socks: Vec<_> = (0..n)
                .map(|i| std::net::UdpSocket::bind(("127.0.0.1", base + i)))
                .collect();
            socks.iter().all(Result::is_ok)
        })
        .expect("a free range of UDP ports")
}

/// One REPL process run as a network node: its stdin, and its stdout and
/// stderr lines as they arrive.
struct Node {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Node {
    fn start(exe: &Path, me: u16, base: u16) -> Node {
        let me = me.to_string();
        let base = base.to_string();
        Node::spawn(exe, &["--me", &me, "--port-base", &base, "node=3"])
    }

    /// Runs `exe` with `args`, its stdin a pipe.
    fn spawn(exe: &Path, args: &[&str]) -> Node {
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start node");
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        for (pipe, prefix) in [
            (Box::new(out) as Box<dyn std::io::Read + Send>, ""),
            (Box::new(err), "stderr: "),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(format!("{prefix}{line}")).is_err() {
                        break;
                    }
                }
            });
        }
        let stdin = child.stdin.take();
        Node {
            child,
            stdin,
            lines: rx,
            seen: Vec::new(),
        }
    }

    fn send(&mut self, line: &str) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{line}").expect("write to node");
        stdin.flush().expect("flush");
    }

    /// Waits (at most 10 s) until the node printed `line`.
    fn expect(&mut self, line: &str) {
        self.expect_where(line, |l| l == line);
    }

    /// Waits (at most 10 s) until the node printed a line satisfying `ok`
    /// (`what` describes it).
    fn expect_where(&mut self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !self.seen.iter().any(|l| ok(l)) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!(
                    "no line `{what}`; the node printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Waits (at most 10 s) for a line satisfying `ok` among those printed
    /// after the first `from` (`what` describes it) and returns it.
    fn expect_after(&mut self, from: usize, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(l) = self.seen.iter().skip(from).find(|l| ok(l)) {
                return l.clone();
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!(
                    "no line `{what}`; the node printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Closes the input (the node exits) and returns its exit status.
    fn finish(mut self) -> std::process::ExitStatus {
        self.stdin = None;
        let status = self.child.wait().expect("node exit");
        self.seen.extend(self.lines.try_iter());
        status
    }
}

/// `udp_ping.ivy` includes `udp` and has no host program: its REPL, run as
/// three processes with `--me N`, sends the pings and pongs as datagrams
/// on 127.0.0.1 and delivers the ones it receives to `net.recv`;
/// malformed and out-of-range datagrams are dropped or refused without
/// stopping the node.
#[test]
fn udp_ping_over_udp_with_three_processes() {
    let (_tmp, exe) = build_repl("tests/data/extract/udp_ping.ivy");
    let base = free_udp_base(4);
    let mut nodes: Vec<Node> = (0..3).map(|i| Node::start(&exe, i, base)).collect();
    // A node answers `?state` once its socket is bound and served.
    for n in &mut nodes {
        n.send("?state");
        n.expect("app.pinged = {}");
    }
    nodes[1].send("app.ping(1, 0)");
    nodes[1].send("app.ping(1, 2)");
    nodes[1].expect("< app.got_pong(1,0)");
    nodes[1].expect("< app.got_pong(1,2)");
    nodes[0].send("app.ping(0, 2)");
    nodes[0].expect("< app.got_pong(0,2)");
    for (i, pinged) in [(0, "{(0, 1)}"), (2, "{(2, 0), (2, 1)}")] {
        nodes[i].send("?state");
        nodes[i].expect(&format!("app.pinged = {pinged}"));
    }
    nodes[1].send("?state");
    nodes[1].expect("app.ponged = {(1, 0), (1, 2)}");

    // Datagrams from endpoint 3 (not a node): one too short to be a
    // `msg`, one naming node 7 of 3 (`{knd:ping_msg,src:7}` encoded: two
    // u32 LE).
    let sock = std::net::UdpSocket::bind(("127.0.0.1", base + 3)).expect("test socket");
    sock.send_to(&[1], ("127.0.0.1", base)).expect("send");
    sock.send_to(&[0, 0, 0, 0, 7, 0, 0, 0], ("127.0.0.1", base))
        .expect("send");
    nodes[0].expect("stderr: dropped a malformed datagram from endpoint 3");
    nodes[0].expect_where("error: received from 3: ... 7 ...", |l| {
        l.starts_with("error: received from 3: ") && l.contains('7')
    });
    // Still serving.
    nodes[2].send("app.ping(2, 0)");
    nodes[2].expect("< app.got_pong(2,0)");

    for n in nodes {
        let status = n.finish();
        assert!(status.success(), "a node failed: {status}");
    }

    // No `include timeout`: `--timers` is a usage error.
    let out = run_with_stdin(&exe, &["--timers"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        transcript("--timers", &out)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: --timers: this module has no `include timeout` timer"),
        "{err}"
    );
}

/// The value `{key} -> N` of a `?state` line of a function into numbers
/// (`app.ticks = {0 -> 2, 1 -> 0}`), if present.
fn state_entry(line: &str, key: &str) -> Option<u64> {
    let body = line.split_once(" = {")?.1.strip_suffix('}')?;
    body.split(", ").find_map(|e| {
        let (k, v) = e.split_once(" -> ")?;
        if k == key {
            v.parse().ok()
        } else {
            None
        }
    })
}

/// `timeout_heartbeat.ivy` includes `timeout` and `udp`: run as three
/// nodes (`--me N`, real processes on the real clock), each node's timer
/// (`tmr.timeout(N)`) fires about once a second and sends a heartbeat to
/// its successor on the ring, which counts it. After ~2.5 s every node
/// has ticked and heard from its predecessor (at least once: tolerant to
/// a loaded machine). A program with a timer not taking a node fires it
/// with `--timers` and never without; `--timers` on the node-timer
/// program without `--me` is refused.
#[test]
fn timeout_heartbeat_over_udp_with_timers() {
    let (_tmp, exe) = build_repl("tests/data/extract/timeout_heartbeat.ivy");
    let base = free_udp_base(3);
    let mut nodes: Vec<Node> = (0..3).map(|i| Node::start(&exe, i, base)).collect();
    for (i, n) in nodes.iter_mut().enumerate() {
        n.send(&format!("app.peer({i}) := {}", (i + 1) % 3));
        n.send("?state");
        // The last line of the state: all of it has been read.
        n.expect_where("app.heard = ...", |l| l.starts_with("app.heard = "));
    }
    std::thread::sleep(std::time::Duration::from_millis(2500));
    for (i, n) in nodes.iter_mut().enumerate() {
        let from = n.seen.len();
        n.send("?state");
        let me = i.to_string();
        let pred = (i + 2) % 3;
        let ticks = n.expect_after(from, "app.ticks = ...", |l| l.starts_with("app.ticks = "));
        let beats = n.expect_after(from, "app.beats = ...", |l| l.starts_with("app.beats = "));
        let heard = n.expect_after(from, "app.heard = ...", |l| l.starts_with("app.heard = "));
        assert!(
            state_entry(&ticks, &me).is_some_and(|t| t >= 1),
            "node {i} never ticked: {ticks}"
        );
        assert!(
            state_entry(&beats, &me).is_some_and(|b| b >= 1),
            "node {i} got no heartbeat: {beats}"
        );
        assert!(
            heard.contains(&format!("({i}, {pred})")),
            "node {i} did not hear from {pred}: {heard}"
        );
    }
    for n in nodes {
        let status = n.finish();
        assert!(status.success(), "a node failed: {status}");
    }
    let out = run_with_stdin(&exe, &["--timers"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        transcript("--timers", &out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("error: --timers: timer `tmr.impl` fires for a node; give --me N"),
        "{}",
        transcript("--timers", &out)
    );

    // A timer of the whole process (`instance tmr : timeout_sec`, no
    // network): `--timers` fires it, the plain REPL does not.
    let (_tmp2, exe2) = build_repl("tests/data/stdlib/timeout_timeout_sec.ivy");
    let mut timed = Node::spawn(&exe2, &["--timers"]);
    let mut plain = Node::spawn(&exe2, &[]);
    timed.send("?state");
    timed.expect("ticks = false"); // the whole state: one line
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let from = timed.seen.len();
    timed.send("?state");
    timed.expect_after(from, "ticks = true", |l| l == "ticks = true");
    plain.send("?state");
    plain.expect("ticks = false");
    for n in [timed, plain] {
        let status = n.finish();
        assert!(status.success(), "a process failed: {status}");
    }
}
