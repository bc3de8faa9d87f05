//! Runs sema over the repository's examples and standard library.

use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_sema::{check, MemoryLoader};
use std::path::Path;

fn render(sources: &SourceMap, errs: &[ivyc_sema::SemaError]) -> String {
    let mut out = String::new();
    for e in errs {
        let d = e.into_diagnostic();
        out.push_str(
            &codespan_reporting::term::emit_into_string(
                &codespan_reporting::term::Config::default(),
                sources,
                &d,
            )
            .unwrap_or_default(),
        );
    }
    out
}

fn check_dir(dir: &Path) -> Vec<(String, String)> {
    let mut bad = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return bad;
    };
    let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    paths.sort();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stdlib");
    for p in paths {
        if p.extension().and_then(|e| e.to_str()) != Some("ivy") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let mut sources = SourceMap::new();
        let mut loader = MemoryLoader::new();
        if let Ok(rd) = std::fs::read_dir(&root) {
            for e in rd.flatten() {
                let q = e.path();
                if let (Some(stem), Ok(t)) = (
                    q.file_stem().and_then(|s| s.to_str()),
                    std::fs::read_to_string(&q),
                ) {
                    loader.files.insert(stem.to_string(), t);
                }
            }
        }
        let id = sources.add(p.display().to_string(), text);
        let (prog, errs) = check(id, &mut sources, &mut loader);
        let errs: Vec<_> = errs
            .into_iter()
            .filter(|e| !matches!(e, ivyc_sema::SemaError::Syntax(s) if s.is_warning()))
            .collect();
        if prog.is_none() || !errs.is_empty() {
            bad.push((p.display().to_string(), render(&sources, &errs)));
        }
    }
    bad
}

#[test]
fn examples_check_cleanly() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut bad = check_dir(&base);
    bad.extend(check_dir(&base.join("bugs")));
    for (p, e) in &bad {
        eprintln!("== {p}\n{e}");
    }
    assert!(bad.is_empty(), "{} example(s) failed", bad.len());
}

#[test]
fn stdlib_checks_cleanly() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stdlib");
    let bad = check_dir(&base);
    for (p, e) in &bad {
        eprintln!("== {p}\n{e}");
    }
    assert!(bad.is_empty(), "{} stdlib file(s) failed", bad.len());
}
