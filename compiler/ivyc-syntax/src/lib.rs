//! ivyc-syntax: the Ivy front end — lexer, LR(1) grammar, span-carrying
//! AST and syntax errors with recovery, for the language versions 1.3 to
//! 1.8 ([`LangVersion`]). Entry points: [`parse`], [`parse_in`].
//!
//! ```
//! use ivyc_base::FileId;
//! let (file, errors) = ivyc_syntax::parse(FileId(0), "#lang ivy1.7\ntype t\nrelation r(X:t)\n");
//! assert!(errors.is_empty());
//! assert_eq!(file.decls.len(), 2);
//! ```

pub mod ast;
pub mod error;
pub mod lexer;
pub mod pretty;
mod recover;
mod scenario;
mod support;
pub mod version;

#[allow(
    clippy::all,
    clippy::pedantic,
    clippy::unwrap_used,
    unused_parens,
    dead_code,
    unused_imports,
    unused_variables,
    missing_docs
)]
mod grammar {
    //! The generated LALRPOP parser.
    include!(concat!(env!("OUT_DIR"), "/grammar.rs"));
}

pub use error::SyntaxError;
pub use version::LangVersion;

use ivyc_base::{FileId, Span, Symbol};

/// Maximum nesting depth of brackets, expressions and statements.
pub const MAX_NESTING: usize = 256;

/// At most this many diagnostics are reported per file.
pub const MAX_ERRORS: usize = 100;

/// Parse one Ivy source file. Never panics and always returns a tree:
/// declarations that could not be parsed become [`ast::DeclKind::Error`]
/// (or are skipped), and every problem is reported in the error list
/// (warnings included: see [`SyntaxError::is_warning`]). The language
/// version is the one on the `#lang` line, else the default (1.7).
pub fn parse(file: FileId, src: &str) -> (ast::File, Vec<SyntaxError>) {
    parse_in(file, src, LangVersion::DEFAULT)
}

/// Like [`parse`] for a file read in the context of version `context`
/// (an included file): a `#lang ivy` line without a version, or no
/// `#lang` line, means `context`, as in ms-ivy.
pub fn parse_in(file: FileId, src: &str, context: LangVersion) -> (ast::File, Vec<SyntaxError>) {
    let mut errors = Vec::new();
    let lang = check_lang(file, src, &mut errors);
    let version = lang
        .as_ref()
        .and_then(|l| l.version)
        .and_then(|v| LangVersion::parse(v.as_str()))
        .map(|v| v.max(LangVersion::OLDEST))
        .unwrap_or(context);
    let lexed = lexer::lex_version(file, src, version, &mut errors);
    let mut decls = recover::parse_tokens(file, src, &lexed, version, &mut errors);
    recover::attach_proofs(&mut decls);
    version::check_constructs(&decls, version, &mut errors);
    errors.sort_by_key(|e| (e.span().start, e.span().end));
    errors.dedup();
    if errors.len() > MAX_ERRORS {
        let total = errors.len();
        errors.truncate(MAX_ERRORS);
        let span = errors.last().map(|e| e.span()).unwrap_or_default();
        errors.push(SyntaxError::TooManyErrors {
            span,
            shown: MAX_ERRORS,
            total,
        });
    }
    let unparsed_names = recover::unparsed_names(&lexed.tokens, &errors);
    let f = ast::File {
        lang,
        version,
        unparsed_names,
        decls,
        span: Span::new(file, 0, src.len()),
    };
    (f, errors)
}

/// Read the `#lang` first line (ms-ivy requires `#lang ivyN.N`).
fn check_lang(file: FileId, src: &str, errors: &mut Vec<SyntaxError>) -> Option<ast::LangLine> {
    let first_len = src.find('\n').unwrap_or(src.len());
    let first = src.get(..first_len).unwrap_or("");
    let trimmed_start = first.len() - first.trim_start().len();
    let line = first.trim();
    let span = Span::new(file, trimmed_start, trimmed_start + line.len());
    if !line.starts_with("#lang") {
        let end = if line.is_empty() {
            0
        } else {
            first_len.min(src.len())
        };
        errors.push(SyntaxError::MissingLang {
            span: Span::new(file, 0, end),
        });
        return None;
    }
    let Some(rest) = line.strip_prefix("#lang ivy") else {
        errors.push(SyntaxError::MalformedLang { span });
        return None;
    };
    let version = rest.trim();
    if version.is_empty() {
        return Some(ast::LangLine {
            version: None,
            span,
        });
    }
    match LangVersion::parse(version) {
        None => errors.push(SyntaxError::MalformedLang { span }),
        Some(v) if !v.supported() => errors.push(SyntaxError::UnsupportedLangVersion {
            span,
            version: version.to_string(),
        }),
        Some(v) if v > LangVersion::NEWEST => errors.push(SyntaxError::NewerLangVersion {
            span,
            version: version.to_string(),
        }),
        Some(_) => {}
    }
    Some(ast::LangLine {
        version: Some(Symbol::intern(version)),
        span,
    })
}
