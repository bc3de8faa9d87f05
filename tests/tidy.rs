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
    ("ivyc-proof", &["ivyc-base", "ivyc-logic"]),
    (
        "ivyc-sema",
        &["ivyc-base", "ivyc-syntax", "ivyc-logic", "ivyc-proof"],
    ),
    ("ivyc-fragment", &["ivyc-base", "ivyc-logic", "petgraph"]),
    ("ivyc-smt", &["ivyc-base", "ivyc-logic", "z3"]),
    ("ivyc-vc", &["ivyc-base", "ivyc-logic", "ivyc-smt"]),
    ("ivyc-ir", &["ivyc-base", "ivyc-sema", "ivyc-logic"]),
    ("ivyc-cpp", &["ivyc-base", "ivyc-ir", "tera"]),
    ("ivyc-bmc", &["ivyc-base", "ivyc-logic", "ivyc-vc"]),
    ("ivyc-l2s", &["ivyc-base", "ivyc-logic", "ivyc-proof"]),
    (
        "ivyc-mc",
        &["ivyc-base", "ivyc-logic", "ivyc-vc", "ivyc-bmc"],
    ),
    (
        "ivyc-infer",
        &["ivyc-base", "ivyc-logic", "ivyc-vc", "ivyc-bmc"],
    ),
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
            "ivyc-l2s",
            "ivyc-mc",
            "ivyc-ir",
            "ivyc-cpp",
            "ivyc-infer",
        ],
    ),
    (
        "ivyc-lsp",
        &[
            "ivyc-base",
            "ivyc-syntax",
            "ivyc-sema",
            "ivyc-logic",
            "ivyc-vc",
            "ivyc-pipeline",
        ],
    ),
    // the program generator stands alone (its tests use base and sema)
    ("ivyc-progen", &[]),
];

/// Crates that only one crate may use.
const EXCLUSIVE: &[(&str, &str)] = &[
    ("z3", "ivyc-smt"),
    ("petgraph", "ivyc-fragment"),
    ("logos", "ivyc-syntax"),
    ("tera", "ivyc-cpp"),
    ("lsp-server", "ivyc-lsp"),
    ("lsp-types", "ivyc-lsp"),
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

/// Every diagnostic code the compiler can emit, as found in its source: the
/// string literals of `fn code(&self)` / `fn code_str(&self)` bodies,
/// `CODE_*` constants, and the first argument of the diagnostic builders
/// (`error(..)`, `warning(..)`, `error_diag(..)`, `plain_error(..)`,
/// `plain(Severity::.., ..)`, `with_code(..)`) outside test modules.
fn emitted_codes() -> std::collections::BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&root().join("compiler"), &mut files);
    let mut codes = std::collections::BTreeMap::new();
    let is_code = |s: &str| {
        !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    for f in files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "tests"))
    {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let text = match text.find("#[cfg(test)]") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        let name = f.display().to_string();
        let mut add = |lit: &str| {
            if is_code(lit) {
                codes.entry(lit.to_owned()).or_insert_with(|| name.clone());
            }
        };
        // Bodies of `fn code(&self)` / `fn code_str(&self)`.
        for head in [
            "fn code(&self) -> &'static str {",
            "fn code_str(&self) -> &'static str {",
        ] {
            let mut rest = text;
            while let Some(i) = rest.find(head) {
                let body = &rest[i + head.len()..];
                let mut depth = 1usize;
                let mut end = body.len();
                for (j, c) in body.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = j;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                for lit in body[..end].split('"').skip(1).step_by(2) {
                    add(lit);
                }
                rest = &body[end..];
            }
        }
        // `const CODE_X: &str = "..."` and the builders' first argument.
        let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for part in squeezed.split("const CODE_").skip(1) {
            if let Some(lit) = part.split('"').nth(1) {
                add(lit);
            }
        }
        for pat in [
            "error(\"",
            "warning(\"",
            "error_diag(\"",
            "plain_error(\"",
            "with_code(\"",
            "Severity::Note, \"",
            "Severity::Error, \"",
            "Severity::Warning, \"",
            "error( \"",
            "warning( \"",
            "error_diag( \"",
            "plain_error( \"",
        ] {
            for part in squeezed.split(pat).skip(1) {
                if let Some(lit) = part.split('"').next() {
                    add(lit);
                }
            }
        }
    }
    codes
}

/// The codes listed in docs/diagnostics.md (first column of its tables).
fn documented_codes() -> std::collections::BTreeSet<String> {
    let doc = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap_or_default();
    doc.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_diagnostic_code_is_documented_and_every_documented_code_exists() {
    let emitted = emitted_codes();
    assert!(
        emitted.len() > 40,
        "scanner found only {:?}",
        emitted.keys()
    );
    let documented = documented_codes();
    let undocumented: Vec<String> = emitted
        .iter()
        .filter(|(c, _)| !documented.contains(*c))
        .map(|(c, f)| format!("{c} (emitted in {f})"))
        .collect();
    let stale: Vec<&String> = documented
        .iter()
        .filter(|c| !emitted.contains_key(*c))
        .collect();
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "codes emitted but not in docs/diagnostics.md:\n  {}\ncodes in docs/diagnostics.md that nothing emits:\n  {:?}",
        undocumented.join("\n  "),
        stale
    );
}
