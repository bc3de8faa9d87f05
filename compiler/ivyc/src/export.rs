//! `ivyc export --vmt FILE`: the pipeline's VMT-LIB text of the program
//! (or of one isolate), written to the file given; nothing is checked.

use crate::cli::ExportArgs;
use crate::exit::Exit;
use crate::frontend;
use crate::loader::DiskLoader;
use crate::render::Renderer;
use ivyc_base::SourceMap;

pub fn run(args: &ExportArgs) -> Exit {
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let Some(root) = frontend::read(&args.input, &mut sources, &mut out) else {
        out.summary();
        return Exit::InputError;
    };
    let stem = ivyc_pipeline::vmt::stem(sources.name(root));
    let mut disk = DiskLoader::new(&args.input.include_dirs);
    let run = ivyc_pipeline::vmt::export(
        &mut sources,
        root,
        &mut disk,
        args.isolate.as_deref(),
        &stem,
    );
    out.diagnostics(&sources, &run.diagnostics);
    let Some(file) = &run.file else {
        out.summary();
        return run.status();
    };
    if let Err(e) = std::fs::write(&args.vmt, &file.text) {
        out.plain_error("io", &format!("cannot write `{}`: {e}", args.vmt.display()));
        return Exit::InputError;
    }
    out.line(&format!(
        "{} written to {} ({} state variable{}, {} propert{}); not checked",
        match &file.isolate {
            Some(n) => format!("isolate {n}"),
            None => "the program".to_string(),
        },
        args.vmt.display(),
        file.state_vars,
        if file.state_vars == 1 { "" } else { "s" },
        file.properties,
        if file.properties == 1 { "y" } else { "ies" },
    ));
    run.status()
}
