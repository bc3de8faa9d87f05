//! Syntax errors of the Ivy front end as plain data, and their rendering
//! to diagnostics through [`IntoDiagnostic`].
//!
//! # Diagnostic codes
//!
//! | code | severity | meaning |
//! |------|----------|---------|
//! | `syntax-error` | error | an unexpected token: `expected <what>, found <token>` |
//! | `unexpected-eof` | error | the file ended in the middle of a construct |
//! | `unclosed-delimiter` | error | a `(`, `{` or `[` is never closed |
//! | `unexpected-closing-delimiter` | error | a `)`, `}` or `]` without a matching opener |
//! | `invalid-character` | error | bytes that cannot start any Ivy token |
//! | `unterminated-string` | error | a `"` quoted name without a closing `"` on the same line |
//! | `unterminated-native` | error | a `<<<` native quote without a closing `>>>` |
//! | `missing-lang` | warning | the file does not start with `#lang ivyN.N` (1.7 is assumed) |
//! | `unsupported-lang-version` | error | `#lang ivyN.M` with a version older than 1.3 |
//! | `newer-lang-version` | warning | `#lang ivyN.M` newer than 1.8 (read as 1.8, as ms-ivy does) |
//! | `not-in-lang-version` | error | a construct the file's language version does not have (e.g. `init` in 1.7) |
//! | `malformed-lang` | error | a `#lang` line that is not `#lang ivy<version>` |
//! | `nesting-too-deep` | error | brackets or operators nested deeper than the limit (256) |
//! | `schema-missing-conclusion` | error | a schema `{ ... }` not ending in `property` or `definition` |
//! | `too-many-errors` | error | more than 100 syntax errors: the rest are not reported |

use ivyc_base::diagnostic::{error, primary, secondary, warning};
use ivyc_base::{Diagnostic, IntoDiagnostic, Span};

/// One syntax problem. Plain data: spans, token descriptions and lists of
/// expected things in human words (e.g. ``"`:=`"``, `"an expression"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    /// An unexpected token.
    UnexpectedToken {
        span: Span,
        /// Human description of the token found (``keyword `relation` ``).
        found: String,
        /// Human words for what could have come instead.
        expected: Vec<String>,
        /// An optional hint.
        help: Option<String>,
    },
    /// Unexpected end of file.
    UnexpectedEof { span: Span, expected: Vec<String> },
    /// A delimiter opened at `open` is still open at end of file.
    UnclosedDelimiter {
        open: Span,
        delimiter: char,
        eof: Span,
    },
    /// A declaration keyword (`at`) reached while a delimiter opened at
    /// `open` is still open, and never closed in the file: the delimiter
    /// is the error, the keyword where it shows.
    UnclosedBeforeDecl {
        open: Span,
        delimiter: char,
        at: Span,
        keyword: String,
    },
    /// A closing delimiter with no matching opener.
    UnexpectedClosingDelimiter { span: Span, delimiter: char },
    /// Bytes that are not part of any token (a run of them).
    InvalidCharacter { span: Span, ch: char },
    /// `"...` with no closing quote on the line.
    UnterminatedString { span: Span },
    /// `<<<` with no closing `>>>`.
    UnterminatedNative { span: Span },
    /// No `#lang ivy1.7` line (a warning; 1.7 is assumed).
    MissingLang { span: Span },
    /// `#lang ivyX.Y` for a version older than ivyc reads.
    UnsupportedLangVersion { span: Span, version: String },
    /// `#lang ivyX.Y` newer than 1.8 (a warning: read as 1.8).
    NewerLangVersion { span: Span, version: String },
    /// A construct that the file's language version does not have.
    NotInVersion {
        span: Span,
        construct: crate::version::Construct,
        version: crate::LangVersion,
    },
    /// A `#lang` line not of the form `#lang ivyX.Y`.
    MalformedLang { span: Span },
    /// Nesting deeper than `limit`.
    NestingTooDeep { span: Span, limit: usize },
    /// A schema body without a final `property`/`definition`.
    SchemaMissingConclusion { span: Span },
    /// A `scenario` transition naming its action's parameters differently
    /// from the first transition of the same action that names them.
    ScenarioParams { span: Span, first: Span },
    /// Reporting stopped after `shown` errors (`total` were found).
    TooManyErrors {
        span: Span,
        shown: usize,
        total: usize,
    },
}

impl SyntaxError {
    /// The stable kebab-case code.
    pub fn code_str(&self) -> &'static str {
        match self {
            SyntaxError::UnexpectedToken { .. } => "syntax-error",
            SyntaxError::UnexpectedEof { .. } => "unexpected-eof",
            SyntaxError::UnclosedDelimiter { .. } | SyntaxError::UnclosedBeforeDecl { .. } => {
                "unclosed-delimiter"
            }
            SyntaxError::UnexpectedClosingDelimiter { .. } => "unexpected-closing-delimiter",
            SyntaxError::InvalidCharacter { .. } => "invalid-character",
            SyntaxError::UnterminatedString { .. } => "unterminated-string",
            SyntaxError::UnterminatedNative { .. } => "unterminated-native",
            SyntaxError::MissingLang { .. } => "missing-lang",
            SyntaxError::UnsupportedLangVersion { .. } => "unsupported-lang-version",
            SyntaxError::NewerLangVersion { .. } => "newer-lang-version",
            SyntaxError::NotInVersion { .. } => "not-in-lang-version",
            SyntaxError::MalformedLang { .. } => "malformed-lang",
            SyntaxError::NestingTooDeep { .. } => "nesting-too-deep",
            SyntaxError::SchemaMissingConclusion { .. } => "schema-missing-conclusion",
            SyntaxError::ScenarioParams { .. } => "scenario-params",
            SyntaxError::TooManyErrors { .. } => "too-many-errors",
        }
    }

    /// True for problems that do not prevent further processing.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            SyntaxError::MissingLang { .. } | SyntaxError::NewerLangVersion { .. }
        )
    }

    /// The main span of the problem.
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::UnexpectedToken { span, .. }
            | SyntaxError::UnexpectedEof { span, .. }
            | SyntaxError::UnexpectedClosingDelimiter { span, .. }
            | SyntaxError::InvalidCharacter { span, .. }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::UnterminatedNative { span }
            | SyntaxError::MissingLang { span }
            | SyntaxError::UnsupportedLangVersion { span, .. }
            | SyntaxError::NewerLangVersion { span, .. }
            | SyntaxError::NotInVersion { span, .. }
            | SyntaxError::MalformedLang { span }
            | SyntaxError::NestingTooDeep { span, .. }
            | SyntaxError::SchemaMissingConclusion { span }
            | SyntaxError::ScenarioParams { span, .. }
            | SyntaxError::TooManyErrors { span, .. } => *span,
            SyntaxError::UnclosedDelimiter { open, .. }
            | SyntaxError::UnclosedBeforeDecl { open, .. } => *open,
        }
    }
}

/// The text with its first letter in upper case.
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `a`, `a or b`, `a, b or c`.
pub fn join_words(words: &[String]) -> String {
    match words {
        [] => "something else".to_string(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn closing(c: char) -> char {
    match c {
        '(' => ')',
        '{' => '}',
        '[' => ']',
        other => other,
    }
}

impl IntoDiagnostic for SyntaxError {
    fn code(&self) -> &'static str {
        self.code_str()
    }

    fn into_diagnostic(&self) -> Diagnostic {
        let code = self.code_str();
        match self {
            SyntaxError::UnexpectedToken {
                span,
                found,
                expected,
                help,
            } => {
                let d = error(
                    code,
                    format!("expected {}, found {}", join_words(expected), found),
                )
                .with_labels(vec![primary(*span, format!("unexpected {found}"))]);
                match help {
                    Some(h) => d.with_notes(vec![format!("help: {h}")]),
                    None => d,
                }
            }
            SyntaxError::UnexpectedEof { span, expected } => error(
                code,
                format!("expected {}, found end of file", join_words(expected)),
            )
            .with_labels(vec![primary(*span, "file ends here")]),
            SyntaxError::UnclosedDelimiter {
                open,
                delimiter,
                eof,
            } => error(code, format!("unclosed delimiter `{delimiter}`"))
                .with_labels(vec![
                    primary(*open, "this delimiter is never closed"),
                    secondary(*eof, "file ends here"),
                ])
                .with_notes(vec![format!(
                    "help: add a matching `{}`",
                    closing(*delimiter)
                )]),
            SyntaxError::UnclosedBeforeDecl {
                open,
                delimiter,
                at,
                keyword,
            } => error(code, format!("unclosed delimiter `{delimiter}`"))
                .with_labels(vec![
                    primary(*open, "this delimiter is never closed"),
                    secondary(*at, format!("`{keyword}` starts a new declaration inside it")),
                ])
                .with_notes(vec![format!(
                    "help: add a matching `{}` before `{keyword}`",
                    closing(*delimiter)
                )]),
            SyntaxError::UnexpectedClosingDelimiter { span, delimiter } => {
                error(code, format!("unexpected closing delimiter `{delimiter}`"))
                    .with_labels(vec![primary(*span, "no matching opening delimiter")])
            }
            SyntaxError::InvalidCharacter { span, ch } => {
                error(code, format!("invalid character {ch:?} in Ivy source"))
                    .with_labels(vec![primary(*span, "not part of any Ivy token")])
            }
            SyntaxError::UnterminatedString { span } => error(code, "unterminated quoted name")
                .with_labels(vec![primary(*span, "missing closing `\"`")])
                .with_notes(vec![
                    "help: quoted names must be closed on the same line".to_string()
                ]),
            SyntaxError::UnterminatedNative { span } => {
                error(code, "unterminated native quote `<<<`")
                    .with_labels(vec![primary(*span, "no matching `>>>`")])
            }
            SyntaxError::MissingLang { span } => warning(code, "missing `#lang ivy1.7` line")
                .with_labels(vec![primary(*span, "expected `#lang ivy1.7` here")])
                .with_notes(vec![
                    "note: assuming Ivy language version 1.7".to_string(),
                    "help: start the file with `#lang ivy1.7` (or the version it is written in, e.g. `#lang ivy1.6`)".to_string(),
                ]),
            SyntaxError::UnsupportedLangVersion { span, version } => error(
                code,
                format!("unsupported Ivy language version `{version}`"),
            )
            .with_labels(vec![primary(
                *span,
                "ivyc reads the versions 1.3 to 1.8",
            )])
            .with_notes(vec![
                "note: ms-ivy reads 1.2 as an early dialect (`a:b` for `a.b`, no arithmetic) and cannot read 1.1 or older".to_string(),
                "help: port the file to `#lang ivy1.3` or later".to_string(),
            ]),
            SyntaxError::NewerLangVersion { span, version } => warning(
                code,
                format!("Ivy language version `{version}` is newer than 1.8"),
            )
            .with_labels(vec![primary(*span, "read as `#lang ivy1.8`")])
            .with_notes(vec![
                "note: ms-ivy reads every version after 1.7 with its 1.8 rules".to_string(),
            ]),
            SyntaxError::NotInVersion {
                span,
                construct,
                version,
            } => {
                let (lo, hi) = construct.versions();
                let range = match hi {
                    Some(h) => format!("Ivy {lo} to {h}"),
                    None => format!("Ivy {lo} and later"),
                };
                let mut notes = vec![format!(
                    "note: {} belongs to {range}; this file is `#lang ivy{version}`",
                    construct.describe()
                )];
                if let Some(i) = construct.instead(*version) {
                    notes.push(format!("help: {i}"));
                }
                error(
                    code,
                    format!(
                        "{} is not part of Ivy {version}",
                        capitalise(construct.describe())
                    ),
                )
                .with_labels(vec![primary(*span, format!("not in Ivy {version}"))])
                .with_notes(notes)
            }
            SyntaxError::MalformedLang { span } => error(code, "malformed `#lang` line")
                .with_labels(vec![primary(*span, "expected `#lang ivy1.7`")]),
            SyntaxError::NestingTooDeep { span, limit } => {
                error(code, format!("nesting deeper than {limit} levels"))
                    .with_labels(vec![primary(*span, "nested too deeply")])
                    .with_notes(vec![
                        "help: split the expression or declaration into smaller parts".to_string(),
                    ])
            }
            SyntaxError::SchemaMissingConclusion { span } => {
                error(code, "schema without a conclusion").with_labels(vec![primary(
                    *span,
                    "the last item must be a `property` or `definition`",
                )])
            }
            SyntaxError::ScenarioParams { span, first } => error(
                code,
                "the transitions of one action in a `scenario` must name its parameters alike",
            )
            .with_labels(vec![
                primary(*span, "these parameters differ"),
                secondary(*first, "from the parameters named here"),
            ])
            .with_notes(vec![
                "help: use the same parameter names (or none) in every transition of the action"
                    .to_string(),
            ]),
            SyntaxError::TooManyErrors { span, shown, total } => error(
                code,
                format!("too many syntax errors: showing the first {shown} of {total}"),
            )
            .with_labels(vec![primary(*span, "reporting stopped here")]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::FileId;

    #[test]
    fn words_are_joined() {
        let w = |xs: &[&str]| join_words(&xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&[]), "something else");
        assert_eq!(w(&["`;`"]), "`;`");
        assert_eq!(w(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn missing_lang_is_the_only_warning() {
        let span = Span::new(FileId(0), 0, 1);
        assert!(SyntaxError::MissingLang { span }.is_warning());
        assert!(!SyntaxError::UnterminatedString { span }.is_warning());
        let d = SyntaxError::MissingLang { span }.into_diagnostic();
        assert_eq!(d.code.as_deref(), Some("missing-lang"));
    }
}
