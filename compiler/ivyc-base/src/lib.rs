//! Shared foundations of ivyc: file ids, spans, the source map, the symbol
//! interner and the `IntoDiagnostic` trait. Knows nothing about Ivy.

pub mod diagnostic;
pub mod source;
pub mod span;
pub mod symbol;

pub use diagnostic::{Diagnostic, IntoDiagnostic, Label, Severity};
pub use source::SourceMap;
pub use span::{FileId, Span, Spanned};
pub use symbol::Symbol;
