//! The generated C++ builds with clang++ too: every example and every
//! `tests/data/extract` file that extracts (its `# test:` line expects
//! exit 0) is extracted and compiled with `clang++ -Wall -Wextra -Werror`
//! (the flags the generated CMakeLists set for GNU and Clang alike),
//! together with the runtime, in one CMake project. `tests/extract` does
//! the same with the default compiler (g++ on Debian).
//!
//! `scripts/test.sh` installs clang and sets `IVYC_REQUIRE_CLANG=1`, so in
//! CI a missing clang++ fails the test; elsewhere it is skipped with a
//! message.

#[path = "../common/mod.rs"]
mod common;

use common::{ivyc_command, repo_root, run_ok, stem_of};
use std::path::{Path, PathBuf};

/// The arguments of `ivyc` for a `# test: extract ... => exit 0` header,
/// with `{tmp}` as `out` and the file (or the `# file:` one) appended unless
/// placed by `{file}`.
fn extract_args(file: &Path, out: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(file).ok()?;
    if !text
        .lines()
        .take(8)
        .any(|l| l.trim().starts_with("# test:"))
    {
        return None;
    }
    let h = common::header(file, &text);
    if h.exit != 0 || h.args.first().map(String::as_str) != Some("extract") {
        return None;
    }
    let file = match &h.file {
        Some(other) => repo_root().join(other),
        None => file.to_path_buf(),
    };
    let mut args = h.args;
    let placed = args.iter().any(|a| a == "{file}");
    for a in &mut args {
        if a == "{tmp}" {
            *a = out.display().to_string();
        } else if a == "{file}" {
            *a = file.display().to_string();
        }
    }
    if !placed {
        args.push(file.display().to_string());
    }
    Some(args)
}

/// What is extracted: (name of the CMake subdirectory, ivyc arguments).
fn sources(gen: &Path) -> Vec<(String, Vec<String>)> {
    let mut v = Vec::new();
    for ex in common::examples() {
        let stem = stem_of(&ex);
        let out = gen.join(&stem);
        v.push((
            stem,
            vec![
                "extract".into(),
                "--no-verify".into(),
                "--cpp".into(),
                out.display().to_string(),
                ex.display().to_string(),
            ],
        ));
    }
    let dir = repo_root().join("tests/data/extract");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/extract")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ivy"))
        .collect();
    files.sort();
    for f in files {
        let stem = format!("data_{}", stem_of(&f));
        if let Some(args) = extract_args(&f, &gen.join(&stem)) {
            v.push((stem, args));
        }
    }
    v
}

#[test]
fn generated_code_builds_with_clang() {
    let Ok(clang) = which::which("clang++") else {
        assert!(
            std::env::var_os("IVYC_REQUIRE_CLANG").is_none(),
            "clang++ is required (IVYC_REQUIRE_CLANG is set): apt-get install clang"
        );
        eprintln!("clang++ not found: skipped (scripts/test.sh installs clang)");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let gen = tmp.path().join("gen");
    let mut top =
        String::from("cmake_minimum_required(VERSION 3.16)\nproject(all_clang LANGUAGES CXX)\n");
    top.push_str(&format!(
        "add_subdirectory(\"{}\" ivyc_runtime)\n",
        repo_root().join("runtime-cpp").display()
    ));
    let all = sources(&gen);
    assert!(all.len() >= 10, "too few programs: {}", all.len());
    for (stem, args) in &all {
        run_ok(ivyc_command().args(args), &format!("extracting for {stem}"));
        // The CMake project is in the output directory (the `--cpp` value).
        let out = args
            .iter()
            .position(|a| a == "--cpp")
            .and_then(|i| args.get(i + 1))
            .expect("--cpp DIR");
        top.push_str(&format!("add_subdirectory(\"{out}\" {stem})\n"));
    }
    std::fs::write(tmp.path().join("CMakeLists.txt"), top).expect("write");
    common::cmake_build(
        tmp.path(),
        &tmp.path().join("build"),
        "Release",
        &[format!("-DCMAKE_CXX_COMPILER={}", clang.display())],
    );
}
