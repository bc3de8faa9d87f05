//! Shared helpers for the ivyc-syntax integration tests: parsing with
//! assertions, rendering diagnostics to plain text, and a compact
//! s-expression printer for expressions.
#![allow(dead_code, clippy::unwrap_used)]

use codespan_reporting::term::{self, Config};
use ivyc_base::{FileId, IntoDiagnostic, SourceMap};
use ivyc_syntax::ast::*;
use ivyc_syntax::SyntaxError;

/// Parse `src` (with a `#lang ivy1.7` line prepended) and assert no errors.
pub fn parse_ok(src: &str) -> Vec<Decl> {
    let full = format!("#lang ivy1.7\n{src}");
    let (file, errors) = ivyc_syntax::parse(FileId(0), &full);
    assert!(
        errors.is_empty(),
        "unexpected errors for {src:?}: {errors:#?}"
    );
    file.decls
}

/// Parse a full source (no header added).
pub fn parse_raw(src: &str) -> (File, Vec<SyntaxError>) {
    ivyc_syntax::parse(FileId(0), src)
}

/// Render all diagnostics for `src` (file name `test.ivy`) as plain text.
pub fn render(src: &str) -> (Vec<&'static str>, String) {
    let mut sm = SourceMap::new();
    let id = sm.add("test.ivy", src.to_string());
    let (_f, errors) = ivyc_syntax::parse(id, src);
    let mut out = String::new();
    let mut codes = Vec::new();
    for e in &errors {
        codes.push(e.code_str());
        let d = e.into_diagnostic();
        out.push_str(&term::emit_into_string(&Config::default(), &sm, &d).unwrap());
    }
    (codes, out)
}

/// A compact s-expression for an expression.
pub fn sx(e: &Expr) -> String {
    let list = |xs: &[Expr]| xs.iter().map(sx).collect::<Vec<_>>().join(" ");
    match &e.kind {
        ExprKind::App { func, args: None } => func.to_dotted(),
        ExprKind::App {
            func,
            args: Some(a),
        } => format!("({} {})", func.to_dotted(), list(a)).replace(" )", ")"),
        ExprKind::Dot { base, member, args } => match args {
            None => format!("(. {} {})", sx(base), member.as_str()),
            Some(a) => format!("(. {} ({} {}))", sx(base), member.as_str(), list(a)),
        },
        ExprKind::Var(v) => v.as_str().to_string(),
        ExprKind::Num(n) => n.as_str().to_string(),
        ExprKind::Str(s) => format!("{:?}", s.as_str()),
        ExprKind::True => "true".into(),
        ExprKind::False => "false".into(),
        ExprKind::Old(x) => format!("(old {})", sx(x)),
        ExprKind::Unary { op, expr } => format!("({op:?} {})", sx(expr)),
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.as_str(), sx(lhs), sx(rhs)),
        ExprKind::Ite { then_, cond, else_ } => {
            format!("(ite {} {} {})", sx(cond), sx(then_), sx(else_))
        }
        ExprKind::Annot { expr, sort } => format!("(: {} {})", sx(expr), sort.to_dotted()),
        ExprKind::Isa { expr, sort } => format!("(isa {} {})", sx(expr), sort.to_dotted()),
        ExprKind::Quant {
            quant,
            binders,
            body,
            ..
        } => format!(
            "({quant:?} [{}] {})",
            binders
                .iter()
                .map(|b| match &b.sort {
                    Some(s) => format!("{}:{}", b.name.as_str(), s.to_dotted()),
                    None => b.name.as_str().to_string(),
                })
                .collect::<Vec<_>>()
                .join(" "),
            sx(body)
        ),
        ExprKind::NamedBinder {
            name,
            binders,
            body,
            applied,
        } => format!(
            "($ {} [{}] {}{})",
            name.as_str(),
            binders
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            sx(body),
            applied
                .as_ref()
                .map(|a| format!(" applied({})", list(a)))
                .unwrap_or_default()
        ),
        ExprKind::Paren(x) => format!("[{}]", sx(x)),
        ExprKind::Error => "<error>".into(),
    }
}
