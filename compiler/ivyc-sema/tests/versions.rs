//! Language versions in semantic analysis: the program takes the root
//! file's version, included files are read in it (and must not name
//! another), the loader is told it, and the 1.6-only declarations reach
//! the program. Verdicts of whole programs are in `tests/data/*/lang*.ivy`.
#![allow(clippy::unwrap_used)]

use ivyc_base::{FileId, SourceMap};
use ivyc_sema::{check, LoadError, MemoryLoader, Program, SemaError, SourceLoader};
use ivyc_syntax::LangVersion;

fn run(src: &str, loader: &mut dyn SourceLoader) -> (Option<Program>, Vec<SemaError>) {
    let mut sources = SourceMap::new();
    let id = sources.add("main.ivy", src.to_string());
    check(id, &mut sources, loader)
}

fn codes(errs: &[SemaError]) -> Vec<String> {
    errs.iter()
        .map(|e| match e {
            SemaError::Syntax(s) => s.code_str().to_string(),
            e => ivyc_base::IntoDiagnostic::code(e).to_string(),
        })
        .collect()
}

const LIB_16: &str = "#lang ivy1.6\nmodule flag = {\n individual up : bool\n init ~up\n}\n";
const LIB_BARE: &str = "#lang ivy\nmodule flag = {\n individual up : bool\n init ~up\n}\n";

#[test]
fn included_file_of_another_version_is_refused() {
    let mut l = MemoryLoader::new().with("lib", LIB_16);
    let (_, errs) = run("#lang ivy1.7\ninclude lib\ninstance f : flag\n", &mut l);
    assert_eq!(codes(&errs), vec!["include-lang-mismatch"]);
    let mut l = MemoryLoader::new().with("lib", LIB_16);
    let (p, errs) = run("#lang ivy1.6\ninclude lib\ninstance f : flag\n", &mut l);
    assert!(errs.is_empty(), "{:?}", codes(&errs));
    assert_eq!(p.unwrap().init_conds.len(), 1);
}

#[test]
fn included_file_without_a_version_takes_the_programs() {
    // `init` is a 1.6 declaration: fine in a 1.6 program ...
    let mut l = MemoryLoader::new().with("lib", LIB_BARE);
    let (p, errs) = run("#lang ivy1.6\ninclude lib\ninstance f : flag\n", &mut l);
    assert!(errs.is_empty(), "{:?}", codes(&errs));
    assert_eq!(p.unwrap().version, LangVersion::V1_6);
    // ... and not part of the 1.7 the same file is read in otherwise
    let mut l = MemoryLoader::new().with("lib", LIB_BARE);
    let (_, errs) = run("#lang ivy1.7\ninclude lib\ninstance f : flag\n", &mut l);
    assert_eq!(codes(&errs), vec!["not-in-lang-version"]);
}

/// A loader that records the version it is asked for.
struct Recording {
    inner: MemoryLoader,
    seen: Vec<LangVersion>,
}

impl SourceLoader for Recording {
    fn load(
        &mut self,
        name: &str,
        from: FileId,
        version: LangVersion,
        sources: &mut SourceMap,
    ) -> Result<FileId, LoadError> {
        self.seen.push(version);
        self.inner.load(name, from, version, sources)
    }
}

#[test]
fn the_loader_is_told_the_programs_version() {
    let mut l = Recording {
        inner: MemoryLoader::new().with("lib", LIB_BARE),
        seen: Vec::new(),
    };
    let _ = run("#lang ivy1.5\ninclude lib\n", &mut l);
    assert_eq!(l.seen, vec![LangVersion::V1_5]);
    l.seen.clear();
    let _ = run("#lang ivy\ninclude lib\n", &mut l);
    assert_eq!(l.seen, vec![LangVersion::V1_7]);
}

#[test]
fn semantics_follow_the_root_version() {
    let src = |v: &str| {
        format!("#lang ivy{v}\ntype t\nindividual a : t\naction noop = {{ }}\nexport noop\nconjecture a <= a\n")
    };
    // 1.5: `<=` is a relation of its own
    let (p, errs) = run(&src("1.5"), &mut MemoryLoader::new());
    assert!(errs.is_empty(), "{:?}", codes(&errs));
    let p = p.unwrap();
    assert!(!p.semantics().derived_orders());
    assert!(p.sig.symbols().any(|(_, d)| d.name.as_str() == "<="));
    // 1.6: `<=` is `<` or `=`
    let (p, _) = run(&src("1.6"), &mut MemoryLoader::new());
    let p = p.unwrap();
    assert!(p.semantics().derived_orders());
    assert!(!p.sig.symbols().any(|(_, d)| d.name.as_str() == "<="));
    assert!(p.semantics().ensures_always_checked() && !p.semantics().isolates_1_7());
}

#[test]
fn axiom_symbols_are_assignable_before_1_7() {
    let src = |v: &str, init: &str| {
        format!("#lang ivy{v}\nindividual x : bool\naxiom ~x\n{init}\naction set = {{ x := true }}\nexport set\n")
    };
    let (p, errs) = run(&src("1.6", "init ~x"), &mut MemoryLoader::new());
    assert!(errs.is_empty(), "{:?}", codes(&errs));
    assert_eq!(p.unwrap().assigned_axiom_syms.len(), 1);
    let (_, errs) = run(
        &src("1.7", "after init { x := false }"),
        &mut MemoryLoader::new(),
    );
    assert!(codes(&errs).contains(&"immutable-assignment".to_string()));
}
