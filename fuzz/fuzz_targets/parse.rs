//! Lexer + parser on arbitrary bytes (lossily decoded, as the driver does):
//! must never panic, overflow or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut sources = ivyc_base::SourceMap::new();
    let file = sources.add("fuzz.ivy", text.into_owned());
    let _ = ivyc_syntax::parse(file, sources.source(file));
});
