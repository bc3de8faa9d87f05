//! Robustness of semantic analysis: mutated real programs (tokens and lines
//! deleted, duplicated, swapped or replaced) must never make `check` panic;
//! it returns errors or a program. Also renders every error, since
//! rendering is part of what users see.

use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_sema::{check, MemoryLoader};
use proptest::prelude::*;
use std::path::Path;

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["examples", "tests/data/verify", "tests/data/isolates"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for p in files {
                if p.extension().is_some_and(|x| x == "ivy") {
                    if let Ok(s) = std::fs::read_to_string(&p) {
                        out.push(s);
                    }
                }
            }
        }
    }
    out
}

const WORDS: &[&str] = &[
    "relation",
    "function",
    "individual",
    "type",
    "action",
    "export",
    "import",
    "invariant",
    "axiom",
    "object",
    "module",
    "instance",
    "isolate",
    "with",
    "after",
    "before",
    "init",
    "require",
    "ensure",
    "assume",
    "assert",
    "if",
    "else",
    "while",
    "local",
    "var",
    "call",
    "returns",
    "forall",
    "exists",
    "old",
    "this",
    "X",
    "Y",
    "n",
    "node",
    "bool",
    "int",
    ":=",
    "=",
    "~=",
    "<",
    "+",
    "&",
    "|",
    "->",
    "~",
    "(",
    ")",
    "{",
    "}",
    ";",
    ",",
    ".",
    ":",
    "*",
    "0",
    "1",
    "interpret",
    "->",
    "nat",
    "bv[8]",
    "{a,b}",
    "struct",
    "specification",
    "implementation",
    "private",
    "implement",
    "definition",
    "property",
    "some",
    "true",
    "false",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteToken(usize),
    DuplicateToken(usize),
    ReplaceToken(usize, usize),
    InsertToken(usize, usize),
    SwapLines(usize, usize),
    DeleteLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteToken),
        any::<usize>().prop_map(Mutation::DuplicateToken),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(a, b)| Mutation::ReplaceToken(a, b)),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(a, b)| Mutation::InsertToken(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::DeleteLine),
    ]
}

fn apply(src: &str, m: &Mutation) -> String {
    match m {
        Mutation::SwapLines(a, b) | Mutation::DeleteLine(a @ b) if !src.is_empty() => {
            let mut lines: Vec<&str> = src.lines().collect();
            let n = lines.len().max(1);
            let (i, j) = (a % n, b % n);
            if matches!(m, Mutation::DeleteLine(_)) {
                if i < lines.len() {
                    lines.remove(i);
                }
            } else if i < lines.len() && j < lines.len() {
                lines.swap(i, j);
            }
            lines.join("\n")
        }
        _ => {
            let mut toks: Vec<String> = src
                .split_inclusive(char::is_whitespace)
                .map(str::to_owned)
                .collect();
            let n = toks.len().max(1);
            match m {
                Mutation::DeleteToken(i) if !toks.is_empty() => {
                    toks.remove(i % n);
                }
                Mutation::DuplicateToken(i) if !toks.is_empty() => {
                    let t = toks[i % n].clone();
                    toks.insert(i % n, t);
                }
                Mutation::ReplaceToken(i, w) if !toks.is_empty() => {
                    toks[i % n] = format!("{} ", WORDS[*w]);
                }
                Mutation::InsertToken(i, w) => {
                    toks.insert(i % n, format!("{} ", WORDS[*w]));
                }
                _ => {}
            }
            toks.concat()
        }
    }
}

fn run(src: &str) {
    let mut sources = SourceMap::new();
    let root = sources.add("fuzz.ivy", src);
    let mut loader = MemoryLoader::new();
    let (_program, errors) = check(root, &mut sources, &mut loader);
    for e in &errors {
        let d = e.into_diagnostic();
        let _ = codespan_reporting::term::emit_into_string(
            &codespan_reporting::term::Config::default(),
            &sources,
            &d,
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_programs_never_panic(
        pick in any::<usize>(),
        muts in proptest::collection::vec(mutation(), 1..6),
    ) {
        let corpus = corpus();
        prop_assume!(!corpus.is_empty());
        let mut src = corpus[pick % corpus.len()].clone();
        for m in &muts {
            src = apply(&src, m);
        }
        run(&src);
    }
}

#[test]
fn every_corpus_program_survives_every_single_token_deletion_sample() {
    // A deterministic sweep: delete each 7th token of every program.
    for src in corpus() {
        let toks: Vec<&str> = src.split_inclusive(char::is_whitespace).collect();
        for i in (0..toks.len()).step_by(7) {
            let mutated: String = toks
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| *t)
                .collect();
            run(&mutated);
        }
    }
}
