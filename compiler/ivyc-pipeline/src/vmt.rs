//! VMT-LIB text of verification units (`attribute method = vmt` in
//! `verify`, and `ivyc export --vmt`; docs/vmt.md): the transition system
//! ivyc-mc builds (`ivyc_mc::vmt`) written as SMT-LIB2 declarations and
//! annotated definitions — `:next` per state variable, `:action` per
//! exported action's selector, `:init`, `:trans`, `:invar-property` per
//! property — with the axioms as assertions. Formulas are printed by Z3
//! from the encoding the solver uses (`ivyc_smt::smtlib`). Nothing is
//! checked here and nothing is written: the caller writes the text.

use ivyc_base::diagnostic::error;
use ivyc_base::{Diagnostic, FileId, IntoDiagnostic, SourceMap};
use ivyc_logic::{Role, SortKind, SymId, Term};
use ivyc_mc::vmt::VmtSystem;
use ivyc_sema::lower::Unit;
use ivyc_sema::SourceLoader;
use ivyc_smt::smtlib::{formulas_text, quoted, sort_text, symbol_name};
use std::collections::BTreeSet;
use std::fmt::Write;

use crate::{front, Status};

/// The VMT-LIB file of one unit.
#[derive(Clone, Debug)]
pub struct VmtFile {
    /// The isolate (`None`: the whole program, Ivy's `this`).
    pub isolate: Option<String>,
    /// `ISOLATE.vmt`, or `STEM.vmt` for the whole program (the file's
    /// stem, as ms-ivy names it).
    pub file_name: String,
    pub text: String,
    /// The number of state variables (functions count once).
    pub state_vars: usize,
    /// The number of `:invar-property` definitions.
    pub properties: usize,
}

/// The file name of a unit's VMT file: the isolate's name, or the stem of
/// the input file for the whole program.
pub fn file_name(isolate: Option<&str>, stem: &str) -> String {
    format!("{}.vmt", isolate.unwrap_or(stem))
}

/// The stem naming the whole program's file: the input file's name without
/// directory and extension (`stdin` for standard input).
pub fn stem(source_name: &str) -> String {
    if source_name.starts_with('<') || source_name == "-" {
        return "stdin".into();
    }
    std::path::Path::new(source_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this".into())
}

/// The VMT file of `unit`; a diagnostic for what it cannot express.
pub fn unit_file(unit: &Unit, stem: &str) -> Result<VmtFile, Diagnostic> {
    let isolate = unit.name.map(|n| n.to_string());
    let vs = ivyc_mc::vmt::build(&unit.system).map_err(|e| e.into_diagnostic())?;
    let what = match &isolate {
        Some(n) => format!("isolate {n}"),
        None => format!("{stem} (the whole program)"),
    };
    let text = render(&vs, &what).map_err(|why| {
        error(
            "vmt-unsupported",
            format!("unsupported: writing {what} as VMT-LIB: {why}"),
        )
        .with_labels(
            unit.span
                .map(|s| ivyc_base::diagnostic::primary(s, "this isolate"))
                .into_iter()
                .collect(),
        )
    })?;
    Ok(VmtFile {
        file_name: file_name(isolate.as_deref(), stem),
        isolate,
        text,
        state_vars: vs.state.len(),
        properties: vs.properties.len(),
    })
}

/// A symbol's name as written in the file.
fn name(vs: &VmtSystem, s: SymId) -> Result<String, String> {
    quoted(&symbol_name(&vs.sig, s))
}

/// The VMT-LIB text of `vs`; `what` names it in the heading comment.
pub fn render(vs: &VmtSystem, what: &str) -> Result<String, String> {
    let sig = &vs.sig;
    // Every symbol the formulas mention, with the state variables and the
    // selectors (declared even if no formula mentions them).
    let mut syms: BTreeSet<SymId> = BTreeSet::new();
    for t in vs
        .axioms
        .iter()
        .chain([&vs.init, &vs.trans])
        .chain(vs.properties.iter().map(|p| &p.formula))
    {
        syms.extend(t.symbols());
    }
    syms.extend(vs.state.iter().flat_map(|v| [v.current, v.next]));
    syms.extend(vs.actions.iter().map(|(s, _)| *s));
    syms.retain(|&s| sig.symbol(s).role != Role::EnumCtor);

    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "; {what}: a transition system in VMT-LIB, written by ivyc"
    );
    let _ = writeln!(
        w,
        "; not checked: decide it with a VMT model checker (e.g. ic3ia, AVR)"
    );
    for (_, d) in sig.sorts() {
        match &d.kind {
            SortKind::Uninterpreted => {
                let _ = writeln!(w, "(declare-sort {} 0)", quoted(d.name.as_str())?);
            }
            SortKind::Enum(ctors) => {
                let ctors = ctors
                    .iter()
                    .map(|c| quoted(c.as_str()).map(|c| format!("({c})")))
                    .collect::<Result<Vec<_>, _>>()?;
                let _ = writeln!(
                    w,
                    "(declare-datatypes (({} 0)) (({})))",
                    quoted(d.name.as_str())?,
                    ctors.join(" ")
                );
            }
            _ => {}
        }
    }
    for &s in &syms {
        let d = sig.symbol(s);
        let args = d
            .args
            .iter()
            .map(|&a| sort_text(sig, a))
            .collect::<Result<Vec<_>, _>>()?;
        let _ = writeln!(
            w,
            "(declare-fun {} ({}) {})",
            name(vs, s)?,
            args.join(" "),
            sort_text(sig, d.ret)?
        );
    }
    for v in &vs.state {
        let d = sig.symbol(v.current);
        let params: Vec<(String, String)> = d
            .args
            .iter()
            .enumerate()
            .map(|(i, &a)| Ok((format!("X{i}"), sort_text(sig, a)?)))
            .collect::<Result<_, String>>()?;
        let binders: Vec<String> = params.iter().map(|(x, s)| format!("({x} {s})")).collect();
        let app = |f: String| {
            if params.is_empty() {
                f
            } else {
                let xs: Vec<&str> = params.iter().map(|(x, _)| x.as_str()).collect();
                format!("({f} {})", xs.join(" "))
            }
        };
        let _ = writeln!(
            w,
            "(define-fun {} ({}) {} (! {} :next {}))",
            quoted(&format!(".{}", symbol_name(sig, v.current)))?,
            binders.join(" "),
            sort_text(sig, d.ret)?,
            app(name(vs, v.current)?),
            app(name(vs, v.next)?)
        );
    }
    for (i, (s, action)) in vs.actions.iter().enumerate() {
        let _ = writeln!(w, "; action {action}");
        let _ = writeln!(
            w,
            "(define-fun {} () Bool (! {} :action {i}))",
            quoted(&format!(".{}", symbol_name(sig, *s)))?,
            name(vs, *s)?
        );
    }
    // The formulas, with the bounds of `nat` and range symbols: on the
    // immutable symbols in the axioms, on every other symbol where it
    // occurs (current and next state in `trans`).
    let rigid: Vec<SymId> = syms
        .iter()
        .copied()
        .filter(|&s| sig.symbol(s).role == Role::Rigid)
        .collect();
    let occurring = |t: &Term, extra: &[SymId]| -> Vec<SymId> {
        let mut s: BTreeSet<SymId> = t.symbols().into_iter().collect();
        s.extend(extra);
        s.into_iter()
            .filter(|&s| !matches!(sig.symbol(s).role, Role::Rigid | Role::EnumCtor))
            .collect()
    };
    let currents: Vec<SymId> = vs.state.iter().map(|v| v.current).collect();
    let both: Vec<SymId> = vs.state.iter().flat_map(|v| [v.current, v.next]).collect();
    let mut items: Vec<(Term, Vec<SymId>)> = Vec::new();
    items.push((Term::and(vs.axioms.iter().cloned()), rigid));
    items.push((vs.init.clone(), occurring(&vs.init, &currents)));
    items.push((vs.trans.clone(), occurring(&vs.trans, &both)));
    for p in &vs.properties {
        items.push((p.formula.clone(), Vec::new()));
    }
    let texts = formulas_text(sig, &items)?;
    let mut texts = texts.into_iter();
    let mut next = || {
        texts
            .next()
            .ok_or_else(|| "a formula was not printed".to_string())
    };
    let axioms = next()?;
    if axioms != "true" {
        let _ = writeln!(w, "(assert {axioms})");
    }
    let _ = writeln!(w, "(define-fun init () Bool (! {} :init true))", next()?);
    let _ = writeln!(w, "(define-fun trans () Bool (! {} :trans true))", next()?);
    for (i, p) in vs.properties.iter().enumerate() {
        let _ = writeln!(w, "; property [{}]", p.label);
        let _ = writeln!(
            w,
            "(define-fun {} () Bool (! {} :invar-property {i}))",
            quoted(&format!("property.{i}"))?,
            next()?
        );
    }
    Ok(out)
}

/// What `ivyc export --vmt` produced.
pub struct ExportRun {
    /// The front end's diagnostics, then the request's.
    pub diagnostics: Vec<Diagnostic>,
    /// The file, when there were no errors.
    pub file: Option<VmtFile>,
}

impl ExportRun {
    pub fn status(&self) -> Status {
        if self.file.is_some() {
            Status::Success
        } else {
            Status::InputError
        }
    }
}

/// The VMT file of the program rooted at `root` (`isolate`: of that
/// isolate only; `stem`: the input file's stem, naming the whole program).
pub fn export(
    sources: &mut SourceMap,
    root: FileId,
    loader: &mut dyn SourceLoader,
    isolate: Option<&str>,
    stem: &str,
) -> ExportRun {
    let analysis = front::analyse(sources, root, loader);
    let mut diagnostics = analysis.diagnostics;
    let Some(program) = analysis.program else {
        return ExportRun {
            diagnostics,
            file: None,
        };
    };
    let units = match isolate {
        None => front::whole_program(&program),
        Some(_) => front::units(&program),
    };
    let units = match units {
        Ok(u) => u,
        Err(errors) => {
            diagnostics.extend(errors);
            return ExportRun {
                diagnostics,
                file: None,
            };
        }
    };
    let units = match front::select_isolate(units, isolate) {
        Ok(u) => u,
        Err(d) => {
            diagnostics.push(d);
            return ExportRun {
                diagnostics,
                file: None,
            };
        }
    };
    let file = match units.as_slice() {
        [unit] => match unit_file(unit, stem) {
            Ok(f) => Some(f),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        },
        _ => {
            diagnostics.push(error(
                "vmt-unsupported",
                format!(
                    "unsupported: the program has {} verification units here; one VMT file holds one (choose one with --isolate)",
                    units.len()
                ),
            ));
            None
        }
    };
    ExportRun { diagnostics, file }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_sema::MemoryLoader;

    fn exported(text: &str, isolate: Option<&str>) -> ExportRun {
        let mut sources = SourceMap::new();
        let root = sources.add("dir/prog.ivy", text);
        let mut loader = MemoryLoader::new();
        export(&mut sources, root, &mut loader, isolate, "prog")
    }

    const COUNTER: &str = "#lang ivy1.7
type t
interpret t -> nat
individual n : t
after init { n := 0 }
action inc = { n := n + 1 }
export inc
invariant [pos] n >= 0
";

    #[test]
    fn stems() {
        assert_eq!(stem("a/b/ring.ivy"), "ring");
        assert_eq!(stem("<stdin>"), "stdin");
        assert_eq!(file_name(Some("iso"), "ring"), "iso.vmt");
        assert_eq!(file_name(None, "ring"), "ring.vmt");
    }

    #[test]
    fn a_nat_counter_is_written_with_its_bounds() {
        let run = exported(COUNTER, None);
        let Some(f) = &run.file else {
            panic!("written: {:?}", run.diagnostics);
        };
        assert_eq!(run.status(), Status::Success);
        assert_eq!(f.file_name, "prog.vmt");
        assert_eq!((f.state_vars, f.properties), (1, 1));
        let t = &f.text;
        assert!(t.contains("(declare-fun n () Int)"), "{t}");
        assert!(
            t.contains("(define-fun .n () Int (! n :next n.next))"),
            "{t}"
        );
        assert!(
            t.contains("(define-fun .inc () Bool (! inc :action 0))"),
            "{t}"
        );
        assert!(t.contains(":init true"), "{t}");
        assert!(t.contains(":trans true"), "{t}");
        assert!(t.contains(":invar-property 0"), "{t}");
        // `nat`: the next value is bounded in the step.
        assert!(t.contains("(>= n.next 0)"), "{t}");
        assert!(!t.contains(":weight"), "{t}");
        // Z3 reads it back.
        assert_eq!(ivyc_smt::smtlib::check_script(t, 10_000), Ok(Some(true)));
    }

    #[test]
    fn an_unknown_isolate_is_an_input_error() {
        let run = exported(COUNTER, Some("nope"));
        assert!(run.file.is_none());
        assert_eq!(run.status(), Status::InputError);
        assert!(run
            .diagnostics
            .iter()
            .any(|d| d.code.as_deref() == Some("unknown-isolate")));
    }

    #[test]
    fn a_program_with_errors_writes_nothing() {
        let run = exported("#lang ivy1.7\nrelation r(X:undeclared)\n", None);
        assert!(run.file.is_none());
        assert_eq!(run.status(), Status::InputError);
    }
}
