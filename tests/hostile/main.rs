//! Hostile input: the real `ivyc` binary on generated files that are huge,
//! deeply nested, not UTF-8, self-including, escaping the project through
//! `include`, or full of C++ keywords. Every case must end in a clear
//! diagnostic (exit 2) or a correct result, never a crash (exit 101 or a
//! signal), within a generous memory bound. The child's peak RSS (VmHWM,
//! sampled from `/proc/<pid>/status` while it runs) is printed; run with
//! `--nocapture` to see it.

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak resident memory allowed to any ivyc run here.
const MAX_RSS_KB: u64 = 1 << 20;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_kb: u64,
    time: Duration,
}

/// VmHWM (peak resident set) of a live process, in kB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Run ivyc with `args` in `dir`, sampling its peak RSS until it exits.
fn ivyc(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out_path = dir.join(".stdout");
    let err_path = dir.join(".stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ivyc"))
        .env("IVYC_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("failed to start ivyc");
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = vm_hwm(child.id()) {
            peak_kb = peak_kb.max(kb);
        }
        match child.try_wait().expect("wait for ivyc") {
            Some(status) => break status,
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Run {
        code: status.code(),
        stdout: read(&out_path),
        stderr: read(&err_path),
        peak_kb,
        time: start.elapsed(),
    }
}

/// Asserts the common guarantees and prints the measurements.
fn check(case: &str, r: &Run, exit: i32, code: Option<&str>) {
    println!(
        "hostile {case}: exit {:?}, peak RSS >= {} MB (sampled), {:.2} s",
        r.code,
        r.peak_kb / 1024,
        r.time.as_secs_f64()
    );
    let head: String = r.stderr.chars().take(2000).collect();
    assert!(
        r.code.is_some() && r.code != Some(101),
        "{case}: ivyc crashed (exit {:?})\n{head}",
        r.code
    );
    assert!(
        !r.stderr.contains("internal error"),
        "{case}: panic\n{head}"
    );
    assert!(!r.stderr.contains("overflow"), "{case}: overflow\n{head}");
    assert_eq!(
        r.code,
        Some(exit),
        "{case}: exit code\n{head}\n{}",
        r.stdout
    );
    if let Some(c) = code {
        assert!(
            r.stderr.contains(&format!("error[{c}]")),
            "{case}: expected error[{c}]\n{head}"
        );
    }
    assert!(
        r.peak_kb < MAX_RSS_KB,
        "{case}: peak RSS {} kB over the bound",
        r.peak_kb
    );
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    std::fs::write(dir.join(name), bytes).expect("write test input");
    name.to_owned()
}

#[test]
fn one_megabyte_single_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut line = String::from("#lang ivy1.7\ntype t ");
    let mut i = 0;
    while line.len() < 1 << 20 {
        line.push_str(&format!("relation r{i}(X:t) "));
        i += 1;
    }
    line.push('\n');
    let f = write(tmp.path(), "line.ivy", &line);
    check("1 MB line", &ivyc(tmp.path(), &["check", &f]), 0, None);
    // The same line cut in the middle of a declaration: a syntax error.
    let f = write(tmp.path(), "cut.ivy", &line[..line.len() - 4]);
    check(
        "1 MB line, cut",
        &ivyc(tmp.path(), &["check", &f]),
        2,
        Some("unclosed-delimiter"),
    );
}

/// 50,000 errors on one 1 MB line: each diagnostic shows a window of the
/// line (not the whole megabyte) and only the first few of one code are
/// shown, so time and output stay small.
#[test]
fn fifty_thousand_errors_on_one_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut line = String::from(
        "#lang ivy1.7
",
    );
    for i in 0..50_000 {
        line.push_str(&format!("relation r{i}(X:undeclared) "));
    }
    line.push('\n');
    assert!(line.len() > 1 << 20);
    let f = write(tmp.path(), "errors.ivy", &line);
    let r = ivyc(tmp.path(), &["check", &f]);
    check(
        "50,000 errors on a 1 MB line",
        &r,
        2,
        Some("undefined-sort"),
    );
    let output = r.stdout.len() + r.stderr.len();
    assert!(
        output < 200_000,
        "output is {output} bytes:\n{}",
        r.stderr.chars().take(3000).collect::<String>()
    );
    assert!(
        r.stderr
            .contains("more `undefined-sort` diagnostics not shown"),
        "{}",
        r.stderr.chars().rev().take(2000).collect::<String>()
    );
    assert!(
        r.time < Duration::from_secs(60),
        "took {:.1} s",
        r.time.as_secs_f64()
    );
}

#[test]
fn ten_thousand_nested_parentheses() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = 10_000;
    let text = format!(
        "#lang ivy1.7\ntype t\nrelation r(X:t)\naxiom {}r(X){}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    let f = write(tmp.path(), "parens.ivy", text);
    check(
        "10000 parentheses",
        &ivyc(tmp.path(), &["verify", &f]),
        2,
        Some("nesting-too-deep"),
    );
    let text = format!(
        "#lang ivy1.7\ntype t\nrelation r(X:t)\naxiom {}r(X)\n",
        "~".repeat(n)
    );
    let f = write(tmp.path(), "nots.ivy", text);
    check(
        "10000 negations",
        &ivyc(tmp.path(), &["verify", &f]),
        2,
        Some("nesting-too-deep"),
    );
}

#[test]
fn ten_thousand_nested_blocks_and_ifs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let n = 10_000;
    let text = format!(
        "#lang ivy1.7\ntype t\nrelation r(X:t)\naction a(x:t) = {}r(x) := true{}\nexport a\n",
        "{".repeat(n),
        "}".repeat(n)
    );
    let f = write(tmp.path(), "blocks.ivy", text);
    check(
        "10000 blocks",
        &ivyc(tmp.path(), &["verify", &f]),
        2,
        Some("nesting-too-deep"),
    );
    let text = format!(
        "#lang ivy1.7\ntype t\nrelation r(X:t)\naction a(x:t) = {{\n{}r(x) := true{}}}\nexport a\n",
        "if r(x) {\n".repeat(n),
        "}\n".repeat(n)
    );
    let f = write(tmp.path(), "ifs.ivy", text);
    check(
        "10000 ifs",
        &ivyc(tmp.path(), &["verify", &f]),
        2,
        Some("nesting-too-deep"),
    );
    // Just under the limit is accepted and verified (this overflowed the
    // 2 MiB stack of a solver worker thread before the workers got more).
    let text = format!(
        "#lang ivy1.7\ntype t\nrelation r(X:t)\naction a(x:t) = {{\n{}r(x) := true{}}}\nexport a\ninvariant r(X) | ~r(X)\n",
        "if r(x) {\n".repeat(250),
        "}\n".repeat(250)
    );
    let f = write(tmp.path(), "ifs250.ivy", text);
    check(
        "250 nested ifs (verify)",
        &ivyc(tmp.path(), &["verify", &f]),
        0,
        None,
    );
}

#[test]
fn hundred_thousand_declarations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("#lang ivy1.7\ntype t\n");
    for i in 0..100_000 {
        text.push_str(&format!("relation r{i}(X:t)\n"));
    }
    text.push_str("action a(x:t) = { r99999(x) := true }\nexport a\ninvariant r0(X) -> r0(X)\n");
    let f = write(tmp.path(), "decls.ivy", text);
    let r = ivyc(tmp.path(), &["check", &f]);
    check("100000 declarations (check)", &r, 0, None);
    // Generous: the debug build takes about 2 s here.
    assert!(r.time < Duration::from_secs(60), "too slow: {:?}", r.time);
}

#[test]
fn bytes_that_are_not_utf8() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = write(
        tmp.path(),
        "bytes.ivy",
        b"#lang ivy1.7\ntype t\xff\xfe\nrelation r(X:t\x80)\n\xc3\x28\x00\n",
    );
    let r = ivyc(tmp.path(), &["check", &f]);
    check("non-UTF-8", &r, 2, Some("invalid-character"));
    assert!(r.stderr.contains("bytes.ivy:2:7"), "{}", r.stderr);
}

#[test]
fn includes_itself_and_paths_out_of_the_project() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = write(tmp.path(), "me.ivy", "#lang ivy1.7\ninclude me\ntype t\n");
    check(
        "self include",
        &ivyc(tmp.path(), &["check", &f]),
        2,
        Some("include-cycle"),
    );
    let f = write(
        tmp.path(),
        "escape.ivy",
        "#lang ivy1.7\ninclude \"../../etc/passwd\"\ntype t\n",
    );
    check(
        "include a quoted path",
        &ivyc(tmp.path(), &["check", &f]),
        2,
        Some("include-path"),
    );
    let f = write(
        tmp.path(),
        "escape2.ivy",
        "#lang ivy1.7\ninclude ../../etc/passwd\ntype t\n",
    );
    check(
        "include an unquoted path",
        &ivyc(tmp.path(), &["check", &f]),
        2,
        Some("syntax-error"),
    );
}

const CPP_NAMES: &str = "#lang ivy1.7
type t
type struct_t = {union, enum_, default}
relation namespace(X:t, Y:t)
relation virtual(X:t)
individual a__b : t
individual a_b : t
individual a_b_2 : t
individual _Foo : t
individual __c : t
individual c : t
individual std : t
individual main : t
individual u : struct_t
function template(X:t) : bool
object o = {
    individual b : t
}
action delete(x:t) = {
    virtual(x) := true;
    a__b := x;
    a_b := a__b;
    a_b_2 := o.b;
    __c := c;
    u := union
}
action new(operator:t) returns (return:bool) = {
    return := virtual(operator) | template(operator)
}
action public(this_:t) = {
    var auto : t;
    auto := this_;
    namespace(auto, a__b) := true
}
action switch(case:t, int:bool) = {
    if int { std := case }
}
export delete
export new
export public
export switch
";

#[test]
fn cpp_keywords_and_double_underscores_compile() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = write(tmp.path(), "kw.ivy", CPP_NAMES);
    let out = tmp.path().join("out");
    let out_s = out.to_string_lossy().into_owned();
    let r = ivyc(tmp.path(), &["extract", "--cpp", &out_s, &f]);
    check("C++ keywords (extract)", &r, 0, None);
    let header = std::fs::read_to_string(out.join("kw.hpp")).expect("kw.hpp");
    for bad in [" delete(", " namespace(", " a__b", " __c", " new("] {
        assert!(!header.contains(bad), "`{bad}` emitted as a C++ name");
    }
    let runtime = format!(
        "-DIVYC_RUNTIME_DIR={}",
        common::repo_root().join("runtime-cpp").display()
    );
    common::cmake_build(&out, &tmp.path().join("build"), "Debug", &[runtime]);
}

/// A reader that goes away (`ivyc verify --format json | head -1`) is not a
/// crash: ivyc stops quietly with 141, as a program killed by SIGPIPE.
#[test]
fn closed_stdout_is_not_an_internal_error() {
    let root = common::repo_root();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ivyc"))
        .env("IVYC_NO_CACHE", "1")
        .args(["verify", "--format", "json", "examples/lock_server.ivy"])
        .current_dir(&root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start ivyc");
    // Close our end of stdout before ivyc writes its report.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for ivyc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("internal error"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
