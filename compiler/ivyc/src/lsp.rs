//! `ivyc lsp`: the language server of `ivyc-lsp` on stdin/stdout. Nothing
//! is printed to stdout here: it carries JSON-RPC only.

use crate::cli::LspArgs;
use crate::exit::Exit;

pub fn run(args: &LspArgs) -> Exit {
    let opts = ivyc_lsp::Options {
        include_dirs: args.include_dirs.clone(),
    };
    match ivyc_lsp::run_stdio(opts) {
        Ok(()) => Exit::Success,
        Err(e) => {
            eprintln!("ivyc lsp: {e}");
            Exit::InputError
        }
    }
}
