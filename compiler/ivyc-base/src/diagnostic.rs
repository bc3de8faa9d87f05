//! The bridge from each stage's error enums to rendered diagnostics: the
//! `IntoDiagnostic` trait and helpers to build codespan diagnostics from spans.

use crate::span::{FileId, Span};
pub use codespan_reporting::diagnostic::Severity;

/// A codespan diagnostic over our file ids.
pub type Diagnostic = codespan_reporting::diagnostic::Diagnostic<FileId>;
/// A codespan label over our file ids.
pub type Label = codespan_reporting::diagnostic::Label<FileId>;

/// Every stage's error type implements this; the driver renders the result.
pub trait IntoDiagnostic {
    /// A stable kebab-case code listed in `docs/diagnostics.md`.
    fn code(&self) -> &'static str;
    /// Errors stay usable after rendering, hence `&self`.
    #[allow(clippy::wrong_self_convention)]
    fn into_diagnostic(&self) -> Diagnostic;
}

/// The primary label on a span.
pub fn primary(span: Span, message: impl Into<String>) -> Label {
    Label::primary(span.file, span.range()).with_message(message.into())
}

/// A secondary label on a span.
pub fn secondary(span: Span, message: impl Into<String>) -> Label {
    Label::secondary(span.file, span.range()).with_message(message.into())
}

/// An error diagnostic with a code and a message.
pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error()
        .with_code(code)
        .with_message(message.into())
}

/// A warning diagnostic with a code and a message.
pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::warning()
        .with_code(code)
        .with_message(message.into())
}

/// `items` joined with ", " for a message, or "none" when there are none.
pub fn list_or_none<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::list_or_none;

    #[test]
    fn lists_say_none_when_empty() {
        assert_eq!(list_or_none::<&str>(&[]), "none");
        assert_eq!(list_or_none(&["a", "b"]), "a, b");
        assert_eq!(list_or_none(&["x".to_owned()]), "x");
    }
}
