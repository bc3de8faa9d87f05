//! Parser + semantic analysis + lowering to verification units (the
//! `ivyc check` pipeline, with an in-memory loader that knows one include).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = ivyc_base::SourceMap::new();
    let root = sources.add("fuzz.ivy", text);
    let mut loader = ivyc_sema::MemoryLoader::new()
        .with("inc", "#lang ivy1.7\ntype inc_t\nrelation inc_r(X:inc_t)\n");
    let (program, errors) = ivyc_sema::check(root, &mut sources, &mut loader);
    for e in &errors {
        let _ = ivyc_base::IntoDiagnostic::into_diagnostic(e);
    }
    if let Some(p) = program {
        let _ = ivyc_sema::lower::lower_units(&p);
    }
});
