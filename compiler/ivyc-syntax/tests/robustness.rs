//! The parser never panics, never overflows the stack and always returns:
//! property tests over random bytes and random token soups, plus
//! pathological inputs (deep nesting, long chains, 1 MB lines).
#![allow(clippy::unwrap_used)]

use ivyc_base::{FileId, IntoDiagnostic};
use proptest::prelude::*;

fn parse(src: &str) -> (ivyc_syntax::ast::File, Vec<ivyc_syntax::SyntaxError>) {
    let (f, errs) = ivyc_syntax::parse(FileId(0), src);
    // rendering and debug-printing must not panic either
    for e in &errs {
        let _ = e.into_diagnostic();
    }
    let _ = format!("{f:?}");
    let _ = ivyc_syntax::pretty::file(&f);
    let _ = f.clone() == f;
    (f, errs)
}

/// Run `f` on a thread with a small (2 MiB, the default for spawned threads) stack to catch deep recursion.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn codes(errs: &[ivyc_syntax::SyntaxError]) -> Vec<&'static str> {
    errs.iter().map(|e| e.code_str()).collect()
}

#[test]
fn ten_thousand_parens() {
    small_stack(|| {
        let src = format!(
            "#lang ivy1.7\naxiom {}x{}\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        );
        let (_, errs) = parse(&src);
        assert_eq!(codes(&errs), vec!["nesting-too-deep"]);
    });
}

#[test]
fn ten_thousand_unclosed_braces() {
    small_stack(|| {
        let src = format!("#lang ivy1.7\n{}", "object o = {".repeat(10_000));
        let (_, errs) = parse(&src);
        assert!(codes(&errs).contains(&"nesting-too-deep"));
    });
}

#[test]
fn long_operator_chains() {
    small_stack(|| {
        for op in ["+", "&", "->", "=", "*"] {
            let body = vec!["x"; 20_000].join(op);
            let (_, errs) = parse(&format!("#lang ivy1.7\naxiom {body}\n"));
            assert_eq!(codes(&errs), vec!["nesting-too-deep"], "op {op}");
        }
        let (_, errs) = parse(&format!("#lang ivy1.7\naxiom {}x\n", "~".repeat(20_000)));
        assert_eq!(codes(&errs), vec!["nesting-too-deep"]);
        let (_, errs) = parse(&format!(
            "#lang ivy1.7\naxiom {}p\n",
            "forall X. ".repeat(5_000)
        ));
        assert_eq!(codes(&errs), vec!["nesting-too-deep"]);
    });
}

#[test]
fn moderate_chains_are_fine() {
    small_stack(|| {
        let body = vec!["x"; 200].join(" + ");
        let (_, errs) = parse(&format!("#lang ivy1.7\naxiom {body} = y\n"));
        assert!(errs.is_empty(), "{errs:?}");
    });
}

#[test]
fn long_else_if_chain() {
    small_stack(|| {
        let mut body = String::from("if c {}");
        for _ in 0..10_000 {
            body.push_str(" else if c {}");
        }
        let (_, errs) = parse(&format!("#lang ivy1.7\naction a = {{ {body} }}\n"));
        assert_eq!(codes(&errs), vec!["nesting-too-deep"]);
    });
}

#[test]
fn one_megabyte_single_line() {
    let decl = "relation r(X:t) ";
    let src = format!("#lang ivy1.7\n{}", decl.repeat(1_000_000 / decl.len()));
    let start = std::time::Instant::now();
    let (f, errs) = parse(&src);
    assert!(errs.is_empty());
    assert_eq!(f.decls.len(), 1_000_000 / decl.len());
    assert!(start.elapsed().as_secs() < 20);
    let junk = "@".repeat(1_000_000);
    let (_, errs) = parse(&junk);
    assert_eq!(codes(&errs), vec!["missing-lang", "invalid-character"]);
}

#[test]
fn many_errors_are_capped() {
    let src = format!("#lang ivy1.7\n{}", "type = \n".repeat(5_000));
    let (_, errs) = parse(&src);
    assert!(!errs.is_empty());
    assert!(errs.len() <= 200, "{}", errs.len());
}

const TOKENS: &[&str] = &[
    "type",
    "t",
    "relation",
    "r",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "X",
    "Y:t",
    ",",
    ".",
    "..",
    ":",
    ":=",
    "=",
    "~",
    "&",
    "|",
    "->",
    "<->",
    "<",
    "+",
    "*",
    ";",
    "if",
    "else",
    "forall",
    "exists",
    "action",
    "object",
    "isolate",
    "with",
    "proof",
    "property",
    "invariant",
    "assert",
    "call",
    "old",
    "$",
    "<<<x>>>",
    "\"s\"",
    "0",
    "1",
    "this",
    "some",
    "while",
    "local",
    "var",
    "module",
    "instance",
    "export",
    "after",
    "init",
    "...",
    "global",
    "#c\n",
    "\n",
    "isa",
    "□",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let s = String::from_utf8_lossy(&bytes).into_owned();
        let _ = parse(&s);
    }

    #[test]
    fn random_token_soup_never_panics(idx in proptest::collection::vec(0..TOKENS.len(), 0..120)) {
        let body: Vec<&str> = idx.iter().map(|&i| TOKENS[i]).collect();
        let src = format!("#lang ivy1.7\n{}", body.join(" "));
        let _ = parse(&src);
    }

    #[test]
    fn random_prefix_of_valid_program_never_panics(cut in 0usize..400) {
        let prog = "#lang ivy1.7\ntype t\nrelation r(X:t)\nobject o = { action a(x:t) returns (y:t) = { if r(x) { y := x } else { y := *; assert r(y) } } }\ninvariant [i] forall X. r(X) -> r(X)\n";
        let cut = cut.min(prog.len());
        let _ = parse(prog.get(..cut).unwrap_or(prog));
    }
}
