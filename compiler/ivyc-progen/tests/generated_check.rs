//! The generator cannot rot: 200 programs from fixed seeds must parse,
//! pass semantic analysis and lower to verification units in ivyc with no
//! error (no Z3 involved), be reproducible from their seed, and together
//! use every shape the generator knows.

use ivyc_base::{IntoDiagnostic, Severity, SourceMap};
use ivyc_progen::{generate, Features};
use ivyc_sema::{check, lower::lower_units, MemoryLoader};

const SEEDS: &[u64] = &[1, 2, 3, 4];
const PER_SEED: u64 = 50;

fn errors_of(name: &str, text: &str) -> Vec<String> {
    let mut sources = SourceMap::new();
    let root = sources.add(name, text);
    let mut loader = MemoryLoader::new();
    let (program, errors) = check(root, &mut sources, &mut loader);
    let mut out: Vec<String> = errors
        .iter()
        .map(|e| e.into_diagnostic())
        .filter(|d| d.severity >= Severity::Error)
        .map(|d| format!("{}: {}", d.code.unwrap_or_default(), d.message))
        .collect();
    match program {
        Some(p) if out.is_empty() => {
            if let Err(es) = lower_units(&p) {
                out.extend(es.iter().map(|e| {
                    let d = e.into_diagnostic();
                    format!("lower {}: {}", d.code.unwrap_or_default(), d.message)
                }));
            }
        }
        Some(_) => {}
        None if out.is_empty() => out.push("no program and no error".into()),
        None => {}
    }
    out
}

#[test]
fn generated_programs_check_without_errors() {
    let feat = Features::default();
    let mut failures = Vec::new();
    let mut all = String::new();
    for &seed in SEEDS {
        for index in 0..PER_SEED {
            let text = generate(seed, index, &feat);
            assert!(
                text.contains(&format!("seed {seed}, index {index}")),
                "program {seed}/{index} does not say its seed and index"
            );
            assert_eq!(text, generate(seed, index, &feat), "not deterministic");
            let errs = errors_of(&ivyc_progen::file_name(seed, index), &text);
            if !errs.is_empty() {
                failures.push(format!(
                    "--- seed {seed} index {index}:\n{}\n{text}",
                    errs.join("\n")
                ));
            }
            all.push_str(&text);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} generated programs have errors:\n{}",
        failures.len(),
        SEEDS.len() as u64 * PER_SEED,
        failures.join("\n")
    );
    for shape in [
        "object ",
        "isolate ",
        "interpret ",
        "= {",
        "if some ",
        "var ",
        "local ",
        "assert ",
        "call ",
        "require ",
        "function ",
        "individual ",
        "axiom ",
        "exists ",
        "} else {",
        "#lang ivy1.8",
        "export action",
        "conjecture ",
        "module ",
        "instance ",
        "after ",
        "before ",
        "definition ",
        "while ",
        "property ",
    ] {
        assert!(all.contains(shape), "no generated program uses `{shape}`");
    }
}

#[test]
fn excluded_features_do_not_appear() {
    let feat = Features::excluding("objects,isolates,arith,quorum,order,modules,lang18")
        .expect("features");
    for index in 0..60 {
        let text = generate(9, index, &feat);
        for shape in [
            "object ",
            "isolate ",
            "interpret ",
            "axiom ",
            "#lang ivy1.8",
        ] {
            assert!(
                !text.contains(shape),
                "index {index} uses `{shape}` although it is excluded:\n{text}"
            );
        }
    }
}
