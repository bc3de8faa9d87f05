//! `ivyc check`: parse (and, unless `--parse-only`, analyse) a file and
//! report every diagnostic found; `--fragment` also runs the decidability
//! check on every obligation without solving.

use crate::cli::CheckArgs;
use crate::exit::Exit;
use crate::frontend;
use crate::render::Renderer;
use ivyc_base::SourceMap;
use ivyc_pipeline::{fragment, front};

pub fn run(args: &CheckArgs) -> Exit {
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let exit = if args.parse_only {
        match frontend::read(&args.input, &mut sources, &mut out) {
            None => Exit::InputError,
            Some(root) => {
                let diagnostics = front::parse(&sources, root);
                out.diagnostics(&sources, &diagnostics);
                if front::has_errors(&diagnostics) {
                    Exit::InputError
                } else {
                    Exit::Success
                }
            }
        }
    } else {
        match frontend::program(&args.input, &mut sources, &mut out) {
            None => Exit::InputError,
            Some(_) if !args.fragment => Exit::Success,
            Some(program) => match front::units(&program) {
                Err(errors) => {
                    out.diagnostics(&sources, &errors);
                    Exit::InputError
                }
                Ok(units) => {
                    let obligations: Vec<_> = units
                        .iter()
                        .enumerate()
                        .flat_map(|(i, u)| {
                            ivyc_vc::obligations(&u.system)
                                .into_iter()
                                .map(move |o| (i, o))
                        })
                        .collect();
                    let report = fragment::report(&units, &obligations);
                    out.diagnostics(&sources, &report.diagnostics);
                    if report.outside {
                        Exit::OutsideFragment
                    } else {
                        out.line(&format!(
                            "all {} obligations are in the decidable fragment",
                            report.total
                        ));
                        Exit::Success
                    }
                }
            },
        }
    };
    out.summary();
    exit
}
