//! Why a unit cannot be model checked: a sort with no finite size (Ivy's
//! model checker abstracts those; we refuse them), or an instance too large
//! to enumerate. Each error carries the span of the symbol or quantifier
//! that needs the sort.

use ivyc_base::diagnostic::{error, primary, Diagnostic, IntoDiagnostic};
use ivyc_base::{Span, Symbol};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum McError {
    /// A symbol or a quantified variable of a sort that is not finite
    /// (uninterpreted, `int`, `nat`, strings).
    InfiniteSort {
        sort: Symbol,
        /// What needs the sort: `relation r`, `a quantifier`, ...
        what: String,
        span: Option<Span>,
    },
    /// A construct the model checker does not handle (ms-ivy refuses it
    /// too, or checks it with its abstraction of infinite sorts).
    Unsupported { what: String, span: Option<Span> },
    /// Enumerating the finite instance would create more than `limit`
    /// state bits or instances (`what` says which).
    TooLarge {
        what: String,
        limit: usize,
        span: Option<Span>,
    },
}

impl IntoDiagnostic for McError {
    fn code(&self) -> &'static str {
        match self {
            McError::InfiniteSort { .. } => "mc-infinite-sort",
            McError::TooLarge { .. } => "mc-too-large",
            McError::Unsupported { .. } => "mc-unsupported",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        match self {
            McError::InfiniteSort { sort, what, span } => error(
                self.code(),
                format!("unsupported: model checking over the sort `{sort}`, which has no finite size"),
            )
            .with_labels(
                span.map(|s| primary(s, format!("{what} needs the sort `{sort}`")))
                    .into_iter()
                    .collect(),
            )
            .with_notes(vec![
                "ivyc model checks (`attribute method = mc`) only isolates whose state and quantifiers range over finite sorts: bool, enumerated types, ranges `{lo..hi}` with numeral bounds and bit vectors (a range whose upper bound is a symbol, `{0..max}`, has as many values as the parameter `max` says, which may be any number)".into(),
                "help: give the sort a finite interpretation (e.g. `interpret node -> {0..2}` or `type node = {n0, n1, n2}`), or verify the isolate with invariants (remove `method = mc`)".into(),
            ]),
            McError::Unsupported { what, span } => error(
                self.code(),
                format!("unsupported: model checking {what}"),
            )
            .with_labels(
                span.map(|s| primary(s, "not model checked")).into_iter().collect(),
            )
            .with_notes(vec![
                "help: verify it with invariants (in an isolate without a `method` attribute), or with `method = mc` over finite sorts".into(),
            ]),
            McError::TooLarge { what, limit, span } => error(
                self.code(),
                format!("the finite instance is too large to model check: {what} (the limit is {limit})"),
            )
            .with_labels(
                span.map(|s| primary(s, "this is enumerated")).into_iter().collect(),
            )
            .with_notes(vec![
                "help: use smaller finite sorts, or verify the isolate with invariants".into(),
            ]),
        }
    }
}
