//! Parse the Ivy files given on the command line and print their syntax
//! diagnostics (a developer tool for checking the grammar against corpora).

use codespan_reporting::term::{self, Config};
use ivyc_base::{IntoDiagnostic, SourceMap};

fn main() {
    let mut failed = 0;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for path in &args {
        let Ok(src) = std::fs::read_to_string(path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let mut sm = SourceMap::new();
        let id = sm.add(path.clone(), src.clone());
        let (_file, errors) = ivyc_syntax::parse(id, &src);
        let real: Vec<_> = errors.iter().filter(|e| !e.is_warning()).collect();
        if real.is_empty() {
            println!("ok   {path}");
        } else {
            failed += 1;
            println!("FAIL {path} ({} errors)", real.len());
            for e in real.iter().take(3) {
                let d = e.into_diagnostic();
                match term::emit_into_string(&Config::default(), &sm, &d) {
                    Ok(s) => print!("{s}"),
                    Err(_) => println!("{e:?}"),
                }
            }
        }
    }
    println!("{} files, {} failed", args.len(), failed);
}
