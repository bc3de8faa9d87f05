//! Helpers shared by the integration test binaries (`tests/*/main.rs`):
//! the repository root, running the real `ivyc` binary, listing `.ivy`
//! files and the examples, running a command that must succeed, locating
//! `cmake` and building a CMake project with it, extracting C++, the
//! seeded SplitMix64 generator, and the `# test:` header of data files. Each binary includes this file with
//! `#[path = "../common/mod.rs"] mod common;`.

// Every test binary compiles its own copy of this module and uses only a
// subset of it; the rest would be dead code in that binary.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (canonical).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// A command running the real `ivyc` binary from the repo root, without
/// the verification cache (`IVYC_NO_CACHE=1`): every run solves every
/// obligation, whatever earlier runs left in the user's cache; the cache's
/// own tests (`tests/e2e/cache.rs`) remove the variable and give each run
/// a temporary `IVYC_CACHE_DIR`.
pub fn ivyc_command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ivyc"));
    c.current_dir(repo_root());
    c.env("IVYC_NO_CACHE", "1");
    c
}

/// Runs ivyc with `args` from the repo root: the exit code (-1 if killed
/// by a signal), stdout and stderr.
pub fn ivyc<S: AsRef<OsStr>>(args: &[S]) -> (i32, String, String) {
    let out = ivyc_command()
        .args(args)
        .output()
        .expect("failed to start ivyc");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `cmd`, which must succeed; `what` names it in the failure message.
pub fn run_ok(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The `.ivy` files in `dir` (and below it if `recursive`), sorted.
pub fn ivy_files(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && recursive {
            out.extend(ivy_files(&p, true));
        } else if p.extension().is_some_and(|x| x == "ivy") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The examples, `examples/*.ivy` (not `examples/bugs/`), sorted.
pub fn examples() -> Vec<PathBuf> {
    ivy_files(&repo_root().join("examples"), false)
}

/// The file name of `path` without its extension.
pub fn stem_of(path: impl AsRef<Path>) -> String {
    path.as_ref()
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .expect("file stem")
}

/// The `cmake` executable; the tests that build C++ cannot run without it.
pub fn cmake() -> PathBuf {
    which::which("cmake").unwrap_or_else(|_| {
        panic!("cmake is needed by the C++ tests: run scripts/test.sh as root, or apt-get install cmake g++")
    })
}

/// Configures the CMake project in `src` into `build` with
/// `-DCMAKE_BUILD_TYPE=<build_type>` and the definitions `defs`, then
/// builds it (`-j2`).
pub fn cmake_build(src: &Path, build: &Path, build_type: &str, defs: &[String]) {
    let cmake = cmake();
    let mut c = Command::new(&cmake);
    c.arg("-S").arg(src).arg("-B").arg(build);
    c.arg(format!("-DCMAKE_BUILD_TYPE={build_type}"));
    c.args(defs);
    run_ok(&mut c, "cmake configure");
    run_ok(
        Command::new(&cmake).arg("--build").arg(build).arg("-j2"),
        "cmake build",
    );
}

/// `ivyc extract --cpp OUT EXAMPLE` (with `--no-verify` unless `verify`);
/// `example` is absolute or relative to the repo root.
pub fn extract(example: impl AsRef<Path>, out: &Path, verify: bool) {
    let example = example.as_ref();
    run_ok(
        ivyc_command()
            .arg("extract")
            .arg("--cpp")
            .arg(out)
            .args((!verify).then_some("--no-verify"))
            .arg(example),
        &format!("extracting {}", example.display()),
    );
}

/// SplitMix64: small and deterministic, for seeded random choices.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 if `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Fisher-Yates shuffle of `v`.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

/// The header of a test data file: `# test: ARGS => exit N`, `# codes:`,
/// `# errors:`, `# file:`, `# output:` (tests/e2e/main.rs documents them).
pub struct Header {
    pub args: Vec<String>,
    pub exit: i32,
    pub codes: Vec<String>,
    pub errors: Option<usize>,
    /// `# file: PATH`: the file `{file}` stands for.
    pub file: Option<String>,
    pub output: Option<String>,
}

pub fn header(path: &Path, text: &str) -> Header {
    let mut args = None;
    let mut codes = Vec::new();
    let mut errors = None;
    let mut file = None;
    let mut output = None;
    for line in text.lines().take(8) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("# test:") {
            let (cmd, exit) = rest
                .split_once("=>")
                .unwrap_or_else(|| panic!("{}: `# test:` needs `=> exit N`", path.display()));
            let exit = exit
                .trim()
                .strip_prefix("exit")
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{}: bad exit code in header", path.display()));
            args = Some((cmd.split_whitespace().map(str::to_owned).collect(), exit));
        } else if let Some(rest) = line.strip_prefix("# codes:") {
            codes = rest
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect();
        } else if let Some(rest) = line.strip_prefix("# errors:") {
            errors = rest.trim().parse().ok();
        } else if let Some(rest) = line.strip_prefix("# file:") {
            file = Some(rest.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("# output:") {
            output = Some(rest.trim().to_owned());
        }
    }
    let (args, exit) = args
        .unwrap_or_else(|| panic!("{}: missing `# test: ... => exit N` header", path.display()));
    Header {
        args,
        exit,
        codes,
        errors,
        file,
        output,
    }
}
