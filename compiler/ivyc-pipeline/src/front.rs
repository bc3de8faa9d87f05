//! The front half shared by every subcommand: parse, analyse (with
//! includes through the caller's loader), lower to verification units, and
//! select an isolate. Each step returns its result and its diagnostics.

use ivyc_base::diagnostic::error as error_diag;
use ivyc_base::{Diagnostic, FileId, IntoDiagnostic, Severity, SourceMap};
use ivyc_sema::lower::Unit;
use ivyc_sema::{Program, SourceLoader};

/// The checked program (when there were no errors) and every diagnostic
/// of parsing and analysis, warnings included, in the order found.
pub struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    pub program: Option<Program>,
}

/// Whether any diagnostic is an error (or worse).
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| matches!(d.severity, Severity::Error | Severity::Bug))
}

/// Parse the root file only: its syntax diagnostics.
pub fn parse(sources: &SourceMap, root: FileId) -> Vec<Diagnostic> {
    let (_ast, errors) = ivyc_syntax::parse(root, sources.source(root));
    errors.iter().map(|e| e.into_diagnostic()).collect()
}

/// Parse and analyse the root file with its includes.
pub fn analyse(sources: &mut SourceMap, root: FileId, loader: &mut dyn SourceLoader) -> Analysis {
    let (program, errors) = ivyc_sema::check(root, sources, loader);
    let diagnostics: Vec<Diagnostic> = errors.iter().map(|e| e.into_diagnostic()).collect();
    let program = if has_errors(&diagnostics) {
        None
    } else {
        program
    };
    Analysis {
        diagnostics,
        program,
    }
}

/// The verification units of a checked program (one per isolate).
pub fn units(program: &Program) -> Result<Vec<Unit>, Vec<Diagnostic>> {
    ivyc_sema::lower::lower_units(program)
        .map_err(|errors| errors.iter().map(|e| e.into_diagnostic()).collect())
}

/// The whole program as one unit, every call inlined and only exported
/// actions as steps: exactly the reachable behaviour, for bounded search.
/// (Isolate units treat calls from other isolates as entries from any
/// state, which a bounded search would report as unreachable "bugs".)
pub fn whole_program(program: &Program) -> Result<Vec<Unit>, Vec<Diagnostic>> {
    if program.isolates.is_empty() {
        return units(program);
    }
    match ivyc_sema::lower::lower(program) {
        Ok(system) => Ok(vec![Unit {
            name: None,
            span: None,
            system,
            internal_entries: Vec::new(),
            checked_actions: Vec::new(),
            summaries: Vec::new(),
        }]),
        Err(errors) => Err(errors.iter().map(|e| e.into_diagnostic()).collect()),
    }
}

/// Keeps the units of isolate `name` (all units for `None`); an
/// `unknown-isolate` error naming the isolates there are otherwise.
pub fn select_isolate(units: Vec<Unit>, name: Option<&str>) -> Result<Vec<Unit>, Diagnostic> {
    let Some(name) = name else {
        return Ok(units);
    };
    let known: Vec<String> = units
        .iter()
        .filter_map(|u| u.name.map(|n| n.to_string()))
        .collect();
    let kept: Vec<Unit> = units
        .into_iter()
        .filter(|u| match u.name {
            Some(n) => n.as_str() == name,
            // The unit of a program without isolates is Ivy's `this`.
            None => name == "this",
        })
        .collect();
    if kept.is_empty() {
        return Err(error_diag(
            "unknown-isolate",
            format!(
                "no isolate named `{name}`; the isolates are: {}",
                if known.is_empty() {
                    "(none)".to_string()
                } else {
                    known.join(", ")
                }
            ),
        ));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::Symbol;
    use ivyc_sema::MemoryLoader;

    fn analysed(text: &str) -> (SourceMap, Analysis) {
        let mut sources = SourceMap::new();
        let root = sources.add("t.ivy", text);
        let mut loader = MemoryLoader::new();
        let a = analyse(&mut sources, root, &mut loader);
        (sources, a)
    }

    #[test]
    fn errors_mean_no_program() {
        let (_, a) = analysed("#lang ivy1.7\nrelation r(X:undeclared)\n");
        assert!(a.program.is_none());
        assert!(has_errors(&a.diagnostics));
    }

    #[test]
    fn unknown_isolate_names_the_known_ones() {
        let (_, a) = analysed(
            "#lang ivy1.7\ntype t\nrelation r(X:t)\nobject o = { action a = { r(X) := false } }\nisolate iso = o\nexport o.a\n",
        );
        let Some(p) = a.program else {
            panic!("program expected: {:?}", a.diagnostics);
        };
        let Ok(u) = units(&p) else {
            panic!("units expected");
        };
        let Err(d) = select_isolate(u, Some("nope")) else {
            panic!("unknown isolate accepted");
        };
        assert_eq!(d.code.as_deref(), Some("unknown-isolate"));
        assert!(d.message.contains("iso"), "{}", d.message);
    }

    #[test]
    fn this_selects_the_unit_of_a_program_without_isolates() {
        let unit = |name: Option<&str>| Unit {
            name: name.map(Symbol::intern),
            span: None,
            system: Default::default(),
            internal_entries: Vec::new(),
            checked_actions: Vec::new(),
            summaries: Vec::new(),
        };
        let kept = select_isolate(vec![unit(None)], Some("this")).expect("this");
        assert_eq!(kept.len(), 1);
        assert!(select_isolate(vec![unit(None)], Some("other")).is_err());
    }
}
