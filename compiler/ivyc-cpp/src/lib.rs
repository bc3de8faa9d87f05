//! C++ code generation: renders an [`ivyc_ir::Module`] through the tera
//! templates in `templates/` (embedded in the binary) into a header with
//! the protocol class, a REPL driver and a `CMakeLists.txt` ([`generate`]),
//! or the header and the randomized test driver of `ivyc test`
//! ([`generate_test`]). Rust code here
//! only prepares the template context and registers two filters: `cstr`
//! (a C++ string literal with every non-printable byte escaped) and
//! `short` (the last segment of a dotted Ivy name).

pub mod faults;

use ivyc_ir::Module;
use serde_json::Value;
use std::collections::HashMap;

/// Options of one generation.
#[derive(Clone, Debug)]
pub struct Options {
    /// File stem of the outputs (`<stem>.hpp`, `<stem>_repl.cpp`).
    pub stem: String,
    /// Name of the Ivy source, for the header comment.
    pub source: String,
    /// Default for `IVYC_RUNTIME_DIR` in the generated CMakeLists.txt ("" for none).
    pub runtime_dir: String,
}

/// One generated file: a name relative to the output directory and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// A template failed to render (a bug in ivyc, not in the input).
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    ("macros.tera", include_str!("../templates/macros.tera")),
    (
        "module.hpp.tera",
        include_str!("../templates/module.hpp.tera"),
    ),
    ("repl.cpp.tera", include_str!("../templates/repl.cpp.tera")),
    (
        "test_macros.tera",
        include_str!("../templates/test_macros.tera"),
    ),
    ("test.cpp.tera", include_str!("../templates/test.cpp.tera")),
    (
        "test_CMakeLists.txt.tera",
        include_str!("../templates/test_CMakeLists.txt.tera"),
    ),
    (
        "CMakeLists.txt.tera",
        include_str!("../templates/CMakeLists.txt.tera"),
    ),
];

/// A C++ string literal for `s`: printable ASCII as is (with `"`, `\` and
/// `?` escaped, the latter against trigraphs), everything else as octal
/// escapes.
pub fn c_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'?' => out.push_str("\\?"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

fn cstr_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(Value::String(c_string(&s)))
}

fn short_filter(v: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = v.as_str().unwrap_or_default();
    Ok(Value::String(s.rsplit('.').next().unwrap_or(s).to_owned()))
}

fn engine() -> Result<tera::Tera, RenderError> {
    let mut t = tera::Tera::default();
    t.autoescape_on(vec![]);
    t.add_raw_templates(TEMPLATES.iter().copied())
        .map_err(|e| RenderError(error_chain(&e)))?;
    t.register_filter("cstr", cstr_filter);
    t.register_filter("short", short_filter);
    Ok(t)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Render every output file of `module`.
pub fn generate(module: &Module, opts: &Options) -> Result<Vec<File>, RenderError> {
    let ctx = base_context(module, opts, false);
    render_files(
        &ctx,
        &[
            (format!("{}.hpp", opts.stem), "module.hpp.tera"),
            (format!("{}_repl.cpp", opts.stem), "repl.cpp.tera"),
            ("CMakeLists.txt".to_owned(), "CMakeLists.txt.tera"),
        ],
    )
}

/// The template context both outputs share: the module, the options and
/// whether the header defines `violated_invariant()`.
fn base_context(module: &Module, opts: &Options, with_invariants: bool) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("m", module);
    ctx.insert("stem", &opts.stem);
    ctx.insert("source", &opts.source);
    ctx.insert("runtime_dir", &opts.runtime_dir);
    ctx.insert("version", env!("CARGO_PKG_VERSION"));
    ctx.insert("with_invariants", &with_invariants);
    ctx
}

/// Renders each `(file name, template)` pair with `ctx`.
fn render_files(ctx: &tera::Context, files: &[(String, &str)]) -> Result<Vec<File>, RenderError> {
    let t = engine()?;
    files
        .iter()
        .map(|(name, template)| {
            let text = t
                .render(template, ctx)
                .map_err(|e| RenderError(error_chain(&e)))?;
            Ok(File {
                name: name.clone(),
                text,
            })
        })
        .collect()
}

/// A step of the test driver is followed by a network fault with
/// probability 1/`FAULT_ODDS` while the run's fault budget lasts.
pub const FAULT_ODDS: u32 = 4;

/// How hard the test driver tries.
#[derive(Clone, Copy, Debug)]
pub struct TestLimits {
    /// Calls drawn per step before the run is declared stuck (each failed
    /// `require` of the environment restores the state and draws again).
    pub retries: u32,
    /// Random parameter assignments tried until the checkable axioms hold.
    pub param_tries: u32,
}

/// Render the files of `ivyc test`: the header (with
/// `violated_invariant()` over [`Module::invariants`]), `<stem>_test.cpp`
/// (the randomized driver, see `templates/test.cpp.tera`) and a
/// `CMakeLists.txt` building it in Release mode with `-O2`. `faults` are
/// the faults the driver may inject ([`faults::faults`]).
pub fn generate_test(
    module: &Module,
    opts: &Options,
    limits: TestLimits,
    faults: &faults::Faults,
) -> Result<Vec<File>, RenderError> {
    let mut ctx = base_context(module, opts, true);
    let exported: Vec<&ivyc_ir::ir::Func> = module.actions.iter().filter(|f| f.exported).collect();
    ctx.insert("exported", &exported);
    ctx.insert("env_checks", &environment_checks(module));
    ctx.insert("retries", &limits.retries);
    ctx.insert("param_tries", &limits.param_tries);
    ctx.insert("channels", &faults.channels);
    ctx.insert("crash", &faults.crash);
    ctx.insert("fault_odds", &FAULT_ODDS);
    render_files(
        &ctx,
        &[
            (format!("{}.hpp", opts.stem), "module.hpp.tera"),
            (format!("{}_test.cpp", opts.stem), "test.cpp.tera"),
            ("CMakeLists.txt".to_owned(), "test_CMakeLists.txt.tera"),
        ],
    )
}

/// The messages of the runtime checks whose failure means that the
/// environment broke an assumption (the test driver then discards the
/// call): the `require`s written in the bodies of exported actions (not in
/// the actions they call: there a failing `require` is the caller's bug),
/// every `assume` and every search for a value satisfying assumptions.
pub fn environment_checks(module: &Module) -> Vec<String> {
    use ivyc_ir::ir::{CheckKind, Stmt};
    fn walk(ss: &[Stmt], own: bool, out: &mut Vec<String>) {
        for s in ss {
            match s {
                Stmt::Check { kind, message, .. } => {
                    let env = *kind == CheckKind::Assume || (own && *kind == CheckKind::Require);
                    if env && !out.contains(message) {
                        out.push(message.clone());
                    }
                }
                Stmt::Search { message, .. } if !out.contains(message) => {
                    out.push(message.clone());
                }
                Stmt::If { then_, else_, .. } | Stmt::IfSome { then_, else_, .. } => {
                    walk(then_, own, out);
                    walk(else_, own, out);
                }
                Stmt::Choice { branches, .. } => {
                    for b in branches {
                        walk(b, own, out);
                    }
                }
                Stmt::While { body, .. } | Stmt::Block { body, .. } => walk(body, own, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&module.init, true, &mut out);
    for f in &module.actions {
        walk(&f.body, f.exported, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_strings_are_escaped() {
        assert_eq!(c_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(c_string("??="), "\"\\?\\?=\"");
        assert_eq!(c_string("x\ny"), "\"x\\012y\"");
        assert_eq!(c_string("é"), "\"\\303\\251\"");
    }

    fn func(name: &str, exported: bool, body: Vec<ivyc_ir::ir::Stmt>) -> ivyc_ir::ir::Func {
        ivyc_ir::ir::Func {
            name: name.to_owned(),
            ident: name.to_owned(),
            exported,
            params: Vec::new(),
            returns: Vec::new(),
            locals: Vec::new(),
            body,
        }
    }

    fn check(kind: ivyc_ir::ir::CheckKind, message: &str) -> ivyc_ir::ir::Stmt {
        ivyc_ir::ir::Stmt::Check {
            kind,
            cond: ivyc_ir::ir::Expr::Bool { value: true },
            message: message.to_owned(),
        }
    }

    fn module(actions: Vec<ivyc_ir::ir::Func>) -> Module {
        Module {
            name: "m".into(),
            ident: "m".into(),
            actions,
            ..Module::default()
        }
    }

    #[test]
    fn environment_checks_are_the_exported_requires_and_every_assume() {
        use ivyc_ir::ir::{CheckKind, Stmt};
        let exported = func(
            "go",
            true,
            vec![
                check(CheckKind::Require, "m.ivy:1:1"),
                Stmt::If {
                    cond: ivyc_ir::ir::Expr::Bool { value: true },
                    then_: vec![check(CheckKind::Require, "m.ivy:2:1")],
                    else_: vec![check(CheckKind::Assert, "m.ivy:3:1")],
                },
            ],
        );
        let called = func(
            "inner",
            false,
            vec![
                check(CheckKind::Require, "m.ivy:4:1"),
                check(CheckKind::Assume, "assumption at m.ivy:5:1"),
            ],
        );
        let m = module(vec![exported, called]);
        assert_eq!(
            environment_checks(&m),
            vec!["m.ivy:1:1", "m.ivy:2:1", "assumption at m.ivy:5:1"]
        );
        let limits = TestLimits {
            retries: 1,
            param_tries: 1,
        };
        let opts = Options {
            stem: "m".into(),
            source: "m.ivy".into(),
            runtime_dir: String::new(),
        };
        let files = generate_test(&m, &opts, limits, &faults::Faults::default()).expect("renders");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["m.hpp", "m_test.cpp", "CMakeLists.txt"]);
        assert!(files[0]
            .text
            .contains("std::size_t violated_invariant() const"));
        assert!(files[0].text.contains("bool pre_go() const"));
        // A `require` of a called action is the caller's bug, not the
        // environment's.
        assert!(!files[1].text.contains("\"m.ivy:4:1\""));
        // The extract header has neither.
        let plain = generate(&m, &opts).expect("renders");
        assert!(!plain[0].text.contains("violated_invariant"));
    }

    #[test]
    fn templates_parse() {
        assert!(engine().is_ok(), "{:?}", engine().err());
    }
}
