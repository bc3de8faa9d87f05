//! What the server knows of one document version: its text analysed by
//! the pipeline (parse, sema with includes and the embedded stdlib, the
//! decidable-fragment check), with the source map the diagnostics and
//! spans refer to. The fragment explanations are warnings here: they
//! say verification will be refused, not that the text is wrong.

use ivyc_base::{Diagnostic, FileId, Severity, SourceMap};
use ivyc_pipeline::loader::DiskLoader;
use ivyc_pipeline::{fragment, front};
use ivyc_sema::Program;
use std::collections::HashMap;
use std::path::PathBuf;

/// How to read a document: its name in the source map (a path, so that
/// includes are found next to it), its text, the open buffers that shadow
/// files on disk, and the include directories.
#[derive(Clone)]
pub struct Input {
    pub name: String,
    pub text: String,
    pub overlay: HashMap<PathBuf, String>,
    pub include_dirs: Vec<PathBuf>,
}

impl Input {
    /// A source map with the root document, and the loader for includes.
    pub fn load(&self) -> (SourceMap, FileId, DiskLoader) {
        let mut sources = SourceMap::new();
        let root = sources.add(self.name.clone(), self.text.clone());
        let loader = DiskLoader::new(&self.include_dirs).with_overlay(self.overlay.clone());
        (sources, root, loader)
    }
}

/// The result of analysing one version of a document.
pub struct Analysis {
    pub sources: SourceMap,
    pub root: FileId,
    /// The checked program, when there was no error.
    pub program: Option<Program>,
    /// Syntax, sema, lowering and fragment diagnostics, in that order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse, check and fragment-check the document.
pub fn analyse(input: &Input) -> Analysis {
    let (mut sources, root, mut loader) = input.load();
    let front = front::analyse(&mut sources, root, &mut loader);
    let mut diagnostics = front.diagnostics;
    if let Some(program) = &front.program {
        diagnostics.extend(fragment_diagnostics(program));
    }
    Analysis {
        sources,
        root,
        program: front.program,
        diagnostics,
    }
}

/// Lowering errors, then the fragment explanations (as warnings) of the
/// program's obligations.
fn fragment_diagnostics(program: &Program) -> Vec<Diagnostic> {
    let units = match front::units(program) {
        Ok(u) => u,
        Err(errors) => return errors,
    };
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
    report.diagnostics.into_iter().map(as_warning).collect()
}

/// The diagnostic with severity at most `warning`.
pub fn as_warning(mut d: Diagnostic) -> Diagnostic {
    if matches!(d.severity, Severity::Error | Severity::Bug) {
        d.severity = Severity::Warning;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> Input {
        Input {
            name: "/nonexistent/t.ivy".into(),
            text: text.into(),
            overlay: HashMap::new(),
            include_dirs: Vec::new(),
        }
    }

    #[test]
    fn a_clean_file_has_a_program() {
        let a = analyse(&input(
            "#lang ivy1.7\ninclude order\ntype t\nrelation r(X:t)\ninvariant ~r(X)\n",
        ));
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
        assert!(a.program.is_some());
    }

    #[test]
    fn errors_are_reported() {
        let a = analyse(&input("#lang ivy1.7\nrelation r(X:nosuch)\n"));
        assert!(a.program.is_none());
        assert!(!a.diagnostics.is_empty());
    }
}
