//! `ivyc check`: parse (and, unless `--parse-only`, analyse) a file and
//! report every diagnostic found.

use crate::cli::CheckArgs;
use crate::exit::Exit;
use crate::loader;
use crate::render::Renderer;
use ivyc_base::{IntoDiagnostic, SourceMap};

pub fn run(args: &CheckArgs) -> Exit {
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let file = match loader::load(&mut sources, &args.input.file) {
        Ok(f) => f,
        Err(msg) => {
            out.plain_error("unreadable-file", &msg);
            return Exit::InputError;
        }
    };
    let (_ast, errors) = ivyc_syntax::parse(file, sources.source(file));
    let diags: Vec<_> = errors.iter().map(|e| e.into_diagnostic()).collect();
    out.diagnostics(&sources, &diags);
    out.summary();
    if out.errors() > 0 {
        Exit::InputError
    } else {
        Exit::Success
    }
}
