//! `ivyc check`: parse (and, unless `--parse-only`, analyse) a file and
//! report every diagnostic found; `--fragment` also runs the decidability
//! check on every obligation without solving.

use crate::cli::CheckArgs;
use crate::exit::Exit;
use crate::frontend;
use crate::render::Renderer;
use crate::verify;
use ivyc_base::{IntoDiagnostic, SourceMap};

pub fn run(args: &CheckArgs) -> Exit {
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let exit = if args.parse_only {
        parse_only(args, &mut sources, &mut out)
    } else if args.fragment {
        let units = frontend::program(&args.input, &mut sources, &mut out)
            .and_then(|p| frontend::units(&p, &sources, &mut out));
        match units {
            None => Exit::InputError,
            Some(units) => {
                let obligations: Vec<_> = units
                    .iter()
                    .enumerate()
                    .flat_map(|(i, u)| {
                        ivyc_vc::obligations(&u.system)
                            .into_iter()
                            .map(move |o| (i, o))
                    })
                    .collect();
                let refused = verify::report_fragment(&units, &obligations, &sources, &mut out);
                if refused.is_some() {
                    Exit::OutsideFragment
                } else {
                    out.line(&format!(
                        "all {} obligations are in the decidable fragment",
                        obligations.len()
                    ));
                    Exit::Success
                }
            }
        }
    } else {
        match frontend::program(&args.input, &mut sources, &mut out) {
            Some(_) => Exit::Success,
            None => Exit::InputError,
        }
    };
    out.summary();
    exit
}

fn parse_only(args: &CheckArgs, sources: &mut SourceMap, out: &mut Renderer) -> Exit {
    let Some(file) = frontend::read(&args.input, sources, out) else {
        return Exit::InputError;
    };
    let (_ast, errors) = ivyc_syntax::parse(file, sources.source(file));
    for e in &errors {
        out.diagnostic(sources, &e.into_diagnostic());
    }
    if out.errors() > 0 {
        Exit::InputError
    } else {
        Exit::Success
    }
}
