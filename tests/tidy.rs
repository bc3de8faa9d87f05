//! Tidy checks over the source tree: every Rust file opens with a `//!`
//! module comment, and each crate depends only on what the architecture
//! table allows (docs/ARCHITECTURE.md).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() && name != "target" && name != "snapshots" {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_rust_file_has_a_module_comment() {
    let mut files = Vec::new();
    rust_files(&root().join("compiler"), &mut files);
    rust_files(&root().join("tests"), &mut files);
    assert!(files.len() > 5);
    let missing: Vec<_> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` module comment:\n{}",
        missing.join("\n")
    );
}

/// The dependency rules: which workspace crates and which notable external
/// crates each crate may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("ivyc-base", &["codespan-reporting", "lasso"]),
    (
        "ivyc-syntax",
        &["ivyc-base", "logos", "lalrpop-util", "lalrpop"],
    ),
    ("ivyc-logic", &["ivyc-base"]),
    ("ivyc-sema", &["ivyc-base", "ivyc-syntax", "ivyc-logic"]),
    ("ivyc-fragment", &["ivyc-base", "ivyc-logic", "petgraph"]),
    ("ivyc-smt", &["ivyc-base", "ivyc-logic", "z3"]),
    ("ivyc-vc", &["ivyc-base", "ivyc-logic", "ivyc-smt"]),
    ("ivyc-ir", &["ivyc-base", "ivyc-sema", "ivyc-logic"]),
    ("ivyc-cpp", &["ivyc-base", "ivyc-ir", "tera"]),
    ("ivyc-bmc", &["ivyc-base", "ivyc-logic", "ivyc-vc"]),
    ("ivyc-mc", &["ivyc-base", "ivyc-logic", "ivyc-vc", "ivyc-bmc"]),
    (
        "ivyc-pipeline",
        &[
            "ivyc-base",
            "ivyc-syntax",
            "ivyc-sema",
            "ivyc-logic",
            "ivyc-fragment",
            "ivyc-smt",
            "ivyc-vc",
            "ivyc-bmc",
            "ivyc-mc",
            "ivyc-ir",
            "ivyc-cpp",
        ],
    ),
];

/// Crates that only one crate may use.
const EXCLUSIVE: &[(&str, &str)] = &[
    ("z3", "ivyc-smt"),
    ("petgraph", "ivyc-fragment"),
    ("logos", "ivyc-syntax"),
    ("tera", "ivyc-cpp"),
];

fn dependencies(manifest: &str) -> Vec<String> {
    let mut deps = Vec::new();
    let mut in_deps = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]" || line == "[build-dependencies]";
            continue;
        }
        if in_deps {
            if let Some((name, _)) = line.split_once(['=', '.']) {
                let name = name.trim();
                if !name.is_empty() && !name.starts_with('#') {
                    deps.push(name.to_owned());
                }
            }
        }
    }
    deps
}

#[test]
fn crates_respect_the_dependency_table() {
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(root().join("compiler")) else {
        panic!("no compiler/ directory");
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let manifest = std::fs::read_to_string(e.path().join("Cargo.toml")).unwrap_or_default();
        let deps = dependencies(&manifest);
        if let Some((_, allowed)) = ALLOWED.iter().find(|(c, _)| *c == name) {
            for d in deps.iter().filter(|d| d.starts_with("ivyc")) {
                if !allowed.contains(&d.as_str()) {
                    problems.push(format!("{name} must not depend on {d}"));
                }
            }
        }
        for (ext, owner) in EXCLUSIVE {
            if deps.iter().any(|d| d == ext) && name != *owner {
                problems.push(format!("only {owner} may use {ext}, but {name} does"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
