//! Why a temporal property cannot be reduced to safety (`L2sError`), as
//! data, with its diagnostic.

use ivyc_base::diagnostic::{error, primary, Diagnostic, IntoDiagnostic};
use ivyc_base::{Span, Symbol};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L2sError {
    /// An index past the system's temporal properties (a caller bug).
    NoSuchProperty { index: usize },
    /// The proof has no `l2s` / `invariance` tactic (sema refuses these).
    NotReduced {
        label: Option<Symbol>,
        span: Option<Span>,
    },
    /// `tactic invariance` on a goal that is not `globally p` with `p`
    /// non-temporal.
    InvarianceNotGlobally { span: Span },
}

impl IntoDiagnostic for L2sError {
    fn code(&self) -> &'static str {
        match self {
            L2sError::NoSuchProperty { .. } | L2sError::NotReduced { .. } => "temporal-not-reduced",
            L2sError::InvarianceNotGlobally { .. } => "invariance-not-globally",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            L2sError::NoSuchProperty { index } => {
                error(code, format!("no temporal property number {index}"))
            }
            L2sError::NotReduced { label, span } => {
                let name = label.map(|l| format!(" [{l}]")).unwrap_or_default();
                let d = error(
                    code,
                    format!("the proof of temporal property{name} does not reduce it to safety"),
                );
                match span {
                    Some(s) => d.with_labels(vec![primary(*s, "no `l2s` or `invariance` tactic")]),
                    None => d,
                }
            }
            L2sError::InvarianceNotGlobally { span } => error(
                code,
                "tactic `invariance` applies only to a goal `globally p` with `p` non-temporal",
            )
            .with_labels(vec![primary(*span, "this tactic")])
            .with_notes(vec![
                "help: use `tactic l2s with invariant ...` for other temporal goals".into(),
            ]),
        }
    }
}
