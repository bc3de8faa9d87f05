//! The generated C++ under AddressSanitizer and UndefinedBehaviorSanitizer:
//! every example in `examples/*.ivy` is extracted (verified first), built
//! with `-fsanitize=address,undefined -fno-sanitize-recover=all` together
//! with the runtime (one CMake project), and its REPL driver is fed a seeded
//! random sequence of 10 000 action calls with in-range arguments (the
//! argument kinds come from the driver's `--list`). A failed `require` is the
//! random environment breaking a precondition and is fine; a sanitizer
//! report, a crash, a failed `assert` (verified code) or any other error
//! fails the test. Parameters constrained by axioms (rings, orders,
//! quorums) are set first by a per-example preamble, also seeded.

#[path = "../common/mod.rs"]
mod common;

use common::{cmake, repo_root, run_ok, stem_of, Rng};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Action calls per example.
const CALLS: usize = 10_000;
/// Size of every uninterpreted sort.
const SIZE: u64 = 4;
const SEED: u64 = 0x1f3d_5b79_a2c4_e608;

/// One `action`/`param` line of the driver's `--list`.
#[derive(Debug)]
struct Sig {
    name: String,
    kinds: Vec<String>,
}

fn parse_list(text: &str) -> (Vec<Sig>, Vec<Sig>) {
    let (mut params, mut actions) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let what = w.next().expect("kind word");
        let sig = Sig {
            name: w.next().expect("name").to_owned(),
            kinds: w.map(str::to_owned).collect(),
        };
        match what {
            "param" => params.push(sig),
            "action" => actions.push(sig),
            // State setters (`NAME(args) := value`): the driver only calls
            // actions.
            "state" => {}
            other => panic!("unexpected --list line `{other}`"),
        }
    }
    (params, actions)
}

/// A random value of the argument kind `kind` (as printed by `--list`).
fn random_arg(kind: &str, rng: &mut Rng) -> String {
    match kind {
        "bool" => (rng.below(2) == 1).to_string(),
        "int" => (rng.below(17) as i64 - 8).to_string(),
        "nat" => rng.below(9).to_string(),
        "str" => format!("s{}", rng.below(3)),
        _ => {
            if let Some(ctors) = kind.strip_prefix("enum:") {
                let c: Vec<&str> = ctors.split('|').collect();
                c[rng.below(c.len() as u64) as usize].to_owned()
            } else if let Some((lo, hi)) =
                kind.strip_prefix("range:").and_then(|r| r.split_once(".."))
            {
                let lo: i64 = lo.parse().expect("range lower bound");
                let hi: i64 = hi.parse().expect("range upper bound");
                let width = u64::try_from(hi - lo).unwrap_or(0).min(1000) + 1;
                (lo + rng.below(width) as i64).to_string()
            } else if let Some(w) = kind.strip_prefix("bv:") {
                let w: u32 = w.parse().expect("bv width");
                let max = if w >= 63 { 1000 } else { (1u64 << w).min(1000) };
                rng.below(max).to_string()
            } else {
                let (_, n) = kind.rsplit_once(':').expect("SORT:N");
                rng.below(n.parse().expect("size")).to_string()
            }
        }
    }
}

/// Parameter settings satisfying the example's axioms, randomised by `rng`;
/// `params` are the setters the driver offers (all must be covered).
fn preamble(stem: &str, params: &[Sig], rng: &mut Rng) -> Vec<String> {
    let n = SIZE as usize;
    let mut lines = Vec::new();
    match stem {
        "leader_election_ring" | "leader_election_udp" => {
            // idn: a random injection node -> id; le: the order on ids;
            // btw: a random ring.
            let mut ids: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut ids);
            for (node, id) in ids.iter().enumerate() {
                lines.push(format!("set_idn({node}, {id})"));
            }
            for x in 0..n {
                for y in 0..n {
                    lines.push(format!("set_le({x}, {y}, {})", x <= y));
                }
            }
            let mut ring: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut ring);
            let mut pos = vec![0; n];
            for (i, node) in ring.iter().enumerate() {
                pos[*node] = i;
            }
            for w in 0..n {
                for x in 0..n {
                    for y in 0..n {
                        let d = |a: usize| (pos[a] + n - pos[w]) % n;
                        let b = w != x && w != y && x != y && d(x) < d(y);
                        lines.push(format!("set_btw({w}, {x}, {y}, {b})"));
                    }
                }
            }
        }
        "toy_consensus" => {
            // Every quorum contains one common node, plus random others.
            let common = rng.below(SIZE);
            for node in 0..SIZE {
                for q in 0..SIZE {
                    let m = node == common || rng.below(2) == 1;
                    lines.push(format!("set_member({node}, {q}, {m})"));
                }
            }
        }
        "learning_switch" => {
            // A random symmetric, irreflexive link relation.
            for x in 0..n {
                for y in x + 1..n {
                    let l = rng.below(2) == 1;
                    lines.push(format!("set_link({x}, {y}, {l})"));
                    lines.push(format!("set_link({y}, {x}, {l})"));
                }
            }
        }
        _ => {}
    }
    for p in params {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{}(", p.name))),
            "{stem}: no preamble sets parameter `{}`: add one to preamble() in tests/sanitize/main.rs",
            p.name
        );
    }
    lines
}

/// What a driver session produced, by kind of output line.
#[derive(Default, Debug)]
struct Tally {
    ok: usize,
    require_failed: usize,
}

/// Runs `exe` on `script` and checks the session; returns the tally.
fn drive(stem: &str, exe: &Path, sizes: &[String], script: &[String]) -> Tally {
    let mut child = Command::new(exe)
        .arg("--echo")
        .args(sizes)
        .env("ASAN_OPTIONS", "abort_on_error=0:halt_on_error=1")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start repl");
    let input = script.join("\n") + "\n";
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The driver may die early (that is reported below); ignore EPIPE.
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("repl output");
    writer.join().expect("writer thread");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail = |s: &str| -> String {
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    };
    assert!(
        !stderr.contains("Sanitizer") && !stderr.contains("runtime error:"),
        "{stem}: sanitizer report:\n{stderr}\nlast output:\n{}",
        tail(&stdout)
    );
    let code = out.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "{stem}: the driver crashed ({:?}):\n{stderr}\nlast output:\n{}",
        out.status,
        tail(&stdout)
    );
    let mut tally = Tally::default();
    let mut echoed = 0;
    let mut last = "";
    for line in stdout.lines() {
        if let Some(l) = line.strip_prefix("> ") {
            echoed += 1;
            last = l;
            tally.ok += 1;
        } else if line.starts_with("error: require failed") {
            tally.ok -= 1;
            tally.require_failed += 1;
        } else if line.starts_with("error: ") {
            panic!(
                "{stem}: `{last}` failed: {line}\nlast output:\n{}",
                tail(&stdout)
            );
        }
    }
    assert_eq!(
        echoed,
        script.len(),
        "{stem}: the driver stopped early:\n{}",
        tail(&stdout)
    );
    tally
}

#[test]
fn examples_under_asan_and_ubsan_with_random_calls() {
    cmake(); // fail early, before extracting, when cmake is missing
    let start = Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut top = String::from(
        "cmake_minimum_required(VERSION 3.16)\nproject(sanitized_examples LANGUAGES CXX)\n",
    );
    top.push_str(&format!(
        "add_subdirectory(\"{}\" ivyc_runtime)\n",
        repo_root().join("runtime-cpp").display()
    ));
    let examples = common::examples();
    for ex in &examples {
        let stem = stem_of(ex);
        let gen = tmp.path().join("gen").join(&stem);
        common::extract(ex, &gen, true);
        top.push_str(&format!("add_subdirectory(\"{}\" {stem})\n", gen.display()));
    }
    std::fs::write(tmp.path().join("CMakeLists.txt"), top).expect("write");
    let build = tmp.path().join("build");
    let flags =
        "-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all";
    common::cmake_build(
        tmp.path(),
        &build,
        "",
        &[
            format!("-DCMAKE_CXX_FLAGS={flags}"),
            "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined".to_owned(),
        ],
    );
    let built = start.elapsed();

    let mut report = String::new();
    for (k, ex) in examples.iter().enumerate() {
        let stem = stem_of(ex);
        let exe = build.join(&stem).join(format!("{stem}_repl"));
        // The driver really is instrumented.
        let help = run_ok(
            Command::new(&exe)
                .arg("--list")
                .env("ASAN_OPTIONS", "help=1"),
            "--list",
        );
        assert!(
            String::from_utf8_lossy(&help.stderr).contains("AddressSanitizer"),
            "{stem}: the driver is not built with AddressSanitizer"
        );
        // Learn the sorts from the argument kinds, then fix their sizes.
        let list = run_ok(Command::new(&exe).arg("--list"), "--list");
        let mut sorts = BTreeMap::new();
        for kind in String::from_utf8_lossy(&list.stdout).split_whitespace() {
            if let Some((sort, n)) = kind.rsplit_once(':') {
                if n.parse::<u64>().is_ok() && !matches!(sort, "bv") {
                    sorts.insert(sort.to_owned(), format!("{sort}={SIZE}"));
                }
            }
        }
        let sizes: Vec<String> = sorts.into_values().collect();
        let list = run_ok(Command::new(&exe).arg("--list").args(&sizes), "--list");
        let (params, actions) = parse_list(&String::from_utf8_lossy(&list.stdout));
        assert!(!actions.is_empty(), "{stem}: no exported actions");
        let mut rng = Rng(SEED ^ (k as u64).wrapping_mul(0x9e37_79b9));
        let mut script = preamble(&stem, &params, &mut rng);
        let setup = script.len();
        for _ in 0..CALLS {
            let a = &actions[rng.below(actions.len() as u64) as usize];
            let args: Vec<String> = a.kinds.iter().map(|k| random_arg(k, &mut rng)).collect();
            script.push(format!("{}({})", a.name, args.join(", ")));
        }
        let t = drive(&stem, &exe, &sizes, &script);
        assert_eq!(
            t.require_failed + t.ok,
            script.len(),
            "{stem}: tally does not add up"
        );
        report.push_str(&format!(
            "{stem}: {} parameter settings, {CALLS} calls: {} ran, {} stopped by a require\n",
            setup,
            t.ok - setup,
            t.require_failed
        ));
        assert!(t.ok > setup, "{stem}: no random call got past its requires");
    }
    eprintln!(
        "{report}build {:.1} s, total {:.1} s",
        built.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}
