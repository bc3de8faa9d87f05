//! Why a checked program cannot be turned into executable code, rendered
//! as diagnostics (code `not-executable`, or `unsupported`).

use ivyc_base::diagnostic::{error, primary, secondary};
use ivyc_base::{Diagnostic, IntoDiagnostic, Span};

/// A construct that has no executable meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IrError {
    /// A quantifier whose variable ranges over an unbounded sort.
    UnboundedQuantifier { sort: String, span: Span },
    /// `r(X) := e` where `X` ranges over an unbounded sort and the update
    /// is not the same value everywhere.
    UnboundedUpdate { sort: String, span: Span },
    /// Code outside `specification` reads or writes a symbol declared in a
    /// `specification` section.
    GhostAccess {
        symbol: String,
        write: bool,
        span: Span,
        decl: Option<Span>,
    },
    /// A call of an action that has no body and is not imported.
    NoBody {
        action: String,
        span: Span,
        decl: Span,
    },
    /// An imported action with code outside `specification`.
    ImportedWithCode { action: String, span: Span },
    /// `f(X) := *` on a symbol with arguments.
    HavocTable { symbol: String, span: Span },
    /// A destructor with extra arguments: a table inside each struct value.
    TableField { field: String, span: Span },
    /// A struct whose fields contain the struct itself.
    RecursiveStruct { sort: String, span: Span },
    /// A construct the code generator does not handle yet.
    Unsupported { what: &'static str, span: Span },
    /// A backquoted name in native code that names nothing visible there.
    NativeUnknownName { name: String, span: Span },
    /// A backquoted name in native code that has no C++ name here (a ghost
    /// symbol, a local outside an action, ...).
    NativeName {
        name: String,
        why: &'static str,
        span: Span,
    },
    /// A backquoted form extraction does not handle.
    NativeForm { what: &'static str, span: Span },
    /// A top-level native block with a placement word ivyc does not know.
    NativePlacement { word: String, span: Span },
}

impl IntoDiagnostic for IrError {
    fn code(&self) -> &'static str {
        match self {
            IrError::Unsupported { .. }
            | IrError::NativeForm { .. }
            | IrError::TableField { .. }
            | IrError::RecursiveStruct { .. } => "unsupported",
            _ => "not-executable",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        let d = |msg: String| error(self.code(), msg);
        match self {
            IrError::UnboundedQuantifier { sort, span } => d(format!(
                "cannot execute a quantifier over the unbounded sort `{sort}`"
            ))
            .with_labels(vec![primary(*span, "this quantifier would loop over every value of the sort")])
            .with_notes(vec![
                "help: only quantifiers over uninterpreted, enumerated and boolean sorts are executable; keep this formula in a `specification` section or an invariant".into(),
            ]),
            IrError::UnboundedUpdate { sort, span } => d(format!(
                "cannot execute an update at every value of the unbounded sort `{sort}`"
            ))
            .with_labels(vec![primary(*span, "this update ranges over an unbounded sort")])
            .with_notes(vec![
                "help: an update of all arguments with one value (`f(X) := 0`) is executable; otherwise update specific arguments".into(),
            ]),
            IrError::GhostAccess {
                symbol,
                write,
                span,
                decl,
            } => {
                let verb = if *write { "writes" } else { "reads" };
                let mut labels = vec![primary(
                    *span,
                    format!("`{symbol}` is specification state, which is not extracted"),
                )];
                if let Some(decl) = decl {
                    labels.push(secondary(*decl, "declared in a `specification` section here"));
                }
                d(format!("extracted code {verb} specification state `{symbol}`"))
                    .with_labels(labels)
                    .with_notes(vec![
                        "help: move this code into a monitor of the `specification` section, or declare the symbol outside it".into(),
                    ])
            }
            IrError::NoBody { action, span, decl } => {
                d(format!("action `{action}` has no body to execute"))
                    .with_labels(vec![
                        primary(*span, "called here"),
                        secondary(*decl, "declared without a body here"),
                    ])
                    .with_notes(vec![
                        "help: give it a body with `implement`, or `import` it so the host program supplies it".into(),
                    ])
            }
            IrError::ImportedWithCode { action, span } => d(format!(
                "imported action `{action}` has code outside `specification`"
            ))
            .with_labels(vec![primary(*span, "the host implements imported actions; this code would not run")])
            .with_notes(vec![
                "help: put monitors of imported actions in a `specification` section".into(),
            ]),
            IrError::HavocTable { symbol, span } => d(format!(
                "cannot execute `{symbol}(...) := *`: a nondeterministic table"
            ))
            .with_labels(vec![primary(*span, "nondeterministic update of a relation or function")])
            .with_notes(vec!["help: assign a value; only individuals and locals can be `*`".into()]),
            IrError::TableField { field, span } => d(format!(
                "unsupported: the struct field `{field}` has extra arguments (a table inside every value) in extracted code"
            ))
            .with_labels(vec![primary(*span, "a destructor with more than one argument")])
            .with_notes(vec![
                "help: declare the table as a function of the struct value and the index (`function val(V:vec, I:idx) : id` as state), or give the struct one field per index".into(),
            ]),
            IrError::RecursiveStruct { sort, span } => d(format!(
                "unsupported: the struct `{sort}` contains itself in extracted code"
            ))
            .with_labels(vec![primary(*span, "a C++ struct cannot contain itself")])
            .with_notes(vec![
                "help: refer to the inner value through an uninterpreted sort (an id) and a function from ids to values".into(),
            ]),
            IrError::NativeUnknownName { name, span } => d(format!(
                "unknown name `{name}` in native code"
            ))
            .with_labels(vec![primary(*span, "no Ivy symbol, sort, action, parameter or local of this name is visible here")])
            .with_notes(vec![
                "help: a backquoted name is resolved like a name in Ivy code at this place (the action's parameters and locals, then the enclosing objects); write the name as Ivy would".into(),
            ]),
            IrError::NativeName { name, why, span } => d(format!(
                "`{name}` has no C++ name in this native code: {why}"
            ))
            .with_labels(vec![primary(*span, "referred to here")])
            .with_notes(vec![
                "help: native code may name state, parameters, definitions, actions, sorts, enum constructors and, in an action body, the action's parameters and returns".into(),
            ]),
            IrError::NativeForm { what, span } => d(format!(
                "unsupported: {what} in native code"
            ))
            .with_labels(vec![primary(*span, "not supported by `extract`")])
            .with_notes(vec![
                "help: backquote a plain (dotted) Ivy name: `x`, `obj.f`, `node`".into(),
            ]),
            IrError::NativePlacement { word, span } => d(format!(
                "unknown placement `{word}` of a native block"
            ))
            .with_labels(vec![primary(*span, "the first line of a multi-line native block says where it goes")])
            .with_notes(vec![
                "help: start the block with `<<< header`, `<<< impl`, `<<< member` or `<<< init` on its own line (a blank first line means `member`)".into(),
            ]),
            IrError::Unsupported { what, span } => {
                d(format!("unsupported: {what} in extracted code"))
                    .with_labels(vec![primary(*span, "not supported by `extract`")])
            }
        }
    }
}
