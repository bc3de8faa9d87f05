//! Semantic errors as data (`SemaError`) and their rendering into
//! diagnostics, in one place: message, labels, notes and stable codes.

use ivyc_base::diagnostic::{error, primary, secondary, warning, Diagnostic, IntoDiagnostic};
use ivyc_base::{Span, Symbol};
use ivyc_syntax::SyntaxError;

/// What kind of thing a name was expected to denote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A term-level name (symbol, local, parameter, object).
    Value,
    Sort,
    Action,
    Module,
}

impl NameKind {
    fn as_str(self) -> &'static str {
        match self {
            NameKind::Value => "name",
            NameKind::Sort => "sort",
            NameKind::Action => "action",
            NameKind::Module => "module",
        }
    }
}

/// Why a symbol may not be assigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Immutable {
    /// Mentioned in the axiom at the span.
    Axiom(Span),
    EnumCtor,
    Parameter,
    Definition,
    /// A numeral or an operator such as `<`.
    Constant,
    /// A bound or free logical variable.
    Variable,
}

/// How a name that is not an action was used as one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionUse {
    Call,
    Export,
    Import,
    /// Named by a `before`/`after` monitor.
    Monitor,
    /// Named by `implement`.
    Implement,
    /// Named by `delegate`.
    Delegate,
}

impl ActionUse {
    fn as_str(self) -> &'static str {
        match self {
            ActionUse::Call => "called",
            ActionUse::Export => "exported",
            ActionUse::Import => "imported",
            ActionUse::Monitor => "monitored",
            ActionUse::Implement => "implemented",
            ActionUse::Delegate => "delegated",
        }
    }
}

/// Where a formula/condition must be boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolContext {
    Condition,
    Invariant,
    Axiom,
    Assertion,
    Operand,
    Property,
    InitCondition,
}

impl BoolContext {
    fn as_str(self) -> &'static str {
        match self {
            BoolContext::Condition => "a condition",
            BoolContext::Invariant => "an invariant",
            BoolContext::Axiom => "an axiom",
            BoolContext::Assertion => "an assertion",
            BoolContext::Operand => "an operand of a logical operator",
            BoolContext::Property => "a property",
            BoolContext::InitCondition => "an `init` condition",
        }
    }
}

/// A name suggested in "did you mean" hints, with its declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub name: Symbol,
    pub decl: Option<Span>,
}

/// Context attached to errors found inside instantiated module text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceNote {
    /// Instance name (`None` for an anonymous `instantiate m(..)`).
    pub instance: Option<Symbol>,
    pub module: Symbol,
    pub span: Span,
}

/// A semantic error.
#[derive(Clone, Debug, PartialEq)]
pub enum SemaError {
    /// A syntax error in the root file or an included file.
    Syntax(SyntaxError),
    IncludeNotFound {
        name: Symbol,
        span: Span,
    },
    /// `include` of something that is not a module name (a path, a quoted
    /// name with `/`, `\` or `..`): includes never leave the search dirs.
    IncludePath {
        name: Symbol,
        span: Span,
    },
    /// An included file's `#lang` version differs from the root file's
    /// (ms-ivy: "#lang ivyN.N expected in included file").
    IncludeLangMismatch {
        name: Symbol,
        /// The `include` declaration.
        span: Span,
        /// The included file's `#lang` line.
        lang: Span,
        found: Symbol,
        expected: Symbol,
    },
    /// Two `before` (or `after`) monitors of one action in one scope, which
    /// Ivy 1.6 and older name alike (`a[after]`, `init[after]`).
    DuplicateMonitor {
        name: Symbol,
        span: Span,
        previous: Span,
        version: ivyc_syntax::LangVersion,
    },
    IncludeCycle {
        name: Symbol,
        span: Span,
        /// The include chain from the root to the repeated file.
        chain: Vec<Symbol>,
    },
    UndefinedName {
        kind: NameKind,
        name: Symbol,
        span: Span,
        suggestions: Vec<Suggestion>,
    },
    DuplicateDeclaration {
        name: Symbol,
        span: Span,
        previous: Option<Span>,
    },
    SortMismatch {
        expected: Symbol,
        found: Symbol,
        span: Span,
        /// The symbol whose declaration fixes the expected sort.
        decl: Option<(Symbol, Span)>,
    },
    ArityMismatch {
        name: Symbol,
        expected: usize,
        found: usize,
        span: Span,
        decl: Option<Span>,
    },
    CannotInferSort {
        name: Symbol,
        span: Span,
    },
    NumeralSort {
        text: Symbol,
        sort: Symbol,
        span: Span,
        /// A string literal (`"text"`) rather than a numeral.
        string: bool,
    },
    InvalidNumeral {
        text: Symbol,
        span: Span,
    },
    ImmutableAssignment {
        name: Symbol,
        span: Span,
        why: Immutable,
        decl: Option<Span>,
    },
    OldOutsideEnsure {
        span: Span,
    },
    MissingReturns {
        action: Symbol,
        span: Span,
        decl: Option<Span>,
    },
    ResultCountMismatch {
        action: Symbol,
        expected: usize,
        found: usize,
        span: Span,
        decl: Option<Span>,
    },
    NotAnAction {
        name: Symbol,
        span: Span,
        decl: Option<Span>,
        used: ActionUse,
    },
    ActionInFormula {
        name: Symbol,
        span: Span,
        decl: Option<Span>,
    },
    NotBoolean {
        context: BoolContext,
        found: Symbol,
        span: Span,
    },
    ShadowedVariable {
        name: Symbol,
        span: Span,
        previous: Span,
    },
    VariableSortConflict {
        name: Symbol,
        first: Symbol,
        second: Symbol,
        span: Span,
        previous: Span,
    },
    NotASort {
        name: Symbol,
        span: Span,
        decl: Option<Span>,
    },
    NotAModule {
        name: Symbol,
        span: Span,
    },
    ModuleArity {
        name: Symbol,
        expected: usize,
        found: usize,
        span: Span,
        decl: Span,
    },
    InstanceCycle {
        module: Symbol,
        span: Span,
    },
    NoOperator {
        op: &'static str,
        sort: Symbol,
        span: Span,
    },
    /// The measure of a loop's `decreases` has a sort without an order:
    /// Ivy checks a variant with the sort's own `<` and `0`, which `bool`,
    /// enumerated and string sorts do not have in ivyc (ms-ivy treats `<`
    /// on them as an unknown relation, so such a variant can never be
    /// proved there).
    VariantSort {
        sort: Symbol,
        span: Span,
    },
    InvalidAssignTarget {
        span: Span,
    },
    UnboundVariable {
        name: Symbol,
        span: Span,
    },
    ThisOutsideObject {
        span: Span,
    },
    DuplicateInterpretation {
        sort: Symbol,
        span: Span,
        previous: Span,
    },
    UnknownTheory {
        name: Symbol,
        span: Span,
    },
    /// A bound of a range sort `{lo..hi}` that ivyc refuses (after module
    /// parameters are replaced by their actuals): a lower bound that is a
    /// name (`text`, `lower`; ms-ivy refuses it too), or an expression
    /// (`text` `None`; ms-ivy accepts an upper bound `{0..n+1}` over
    /// declared symbols). An upper bound that is a name declares that name
    /// (see `RangeBoundRedeclared`).
    RangeBound {
        text: Option<String>,
        lower: bool,
        span: Span,
    },
    /// A name declared by the symbolic upper bound of a range sort
    /// (`interpret t -> {0..max}` declares `max : t`, as ms-ivy does)
    /// declared again (ms-ivy: "redefining max").
    RangeBoundRedeclared {
        name: Symbol,
        sort: Symbol,
        span: Span,
        previous: Span,
    },
    /// A name in the list of an isolate that is never checked (trusted,
    /// or verifying nothing) that names no object, action, sort, symbol or
    /// label (a warning: ms-ivy only checks these names in the isolates it
    /// verifies, so such lists occur in real files, e.g. its own library).
    UnknownIsolateName {
        name: String,
        span: Span,
    },
    /// An error (or the `sorry` warning) of a proof step.
    Proof(ivyc_proof::ProofError),
    /// A range sort `{lo..hi}` with `lo > hi`.
    EmptyRange {
        lo: i128,
        hi: i128,
        span: Span,
    },
    DuplicateImplementation {
        action: Symbol,
        span: Span,
        previous: Span,
    },
    MonitorSignature {
        action: Symbol,
        expected: usize,
        found: usize,
        span: Span,
        decl: Option<Span>,
    },
    NotAFunction {
        name: Symbol,
        span: Span,
        decl: Option<Span>,
    },
    Unsupported {
        what: &'static str,
        span: Span,
        help: Option<&'static str>,
    },
    /// `x.f` where the sort of `x` has no field or member `f`: `fields` are
    /// the fields of the sort if it is a struct (`is_struct`).
    UnknownField {
        field: Symbol,
        sort: Symbol,
        is_struct: bool,
        fields: Vec<Symbol>,
        span: Span,
        sort_decl: Option<Span>,
    },
    /// `destructor d(...) : u` whose first argument is missing (`found ==
    /// None`) or not of an uninterpreted (struct-like) sort.
    InvalidDestructor {
        name: Symbol,
        found: Option<Symbol>,
        span: Span,
    },
    /// `property ... named f(X)` that Ivy cannot skolemise: the formula is
    /// not `forall ... exists Y. body` with one `Y` (`var == None`), or a
    /// universally quantified variable `var` is not an argument of `f`.
    InvalidNamed {
        name: Symbol,
        var: Option<Symbol>,
        span: Span,
        fmla: Span,
    },
    /// A parameter of `after init(x:t)` used in its body: Ivy gives it no
    /// value.
    InitParameterUsed {
        name: Symbol,
        span: Span,
        decl: Span,
    },
    /// An `interpret` that Ivy cannot apply (`why` says why).
    InvalidInterpretation {
        name: Symbol,
        span: Span,
        why: &'static str,
    },
    /// A `field`, `method` or sortless `constructor` outside an object
    /// with a sort of its own (a `class`, or an object with `type this`).
    NoObjectSort {
        what: &'static str,
        span: Span,
    },
    /// An isolate member or `with` atom applied to an argument (`arg`) that
    /// is not a parameter of the isolate (ms-ivy: "unbound isolate
    /// parameter").
    UnboundIsolateParam {
        arg: String,
        span: Span,
    },
    /// Any error found inside instantiated module text, with the instance chain.
    InInstance {
        inner: Box<SemaError>,
        notes: Vec<InstanceNote>,
    },
    /// Errors of temporal properties and their proofs.
    Temporal(TemporalError),
}

fn q(s: impl std::fmt::Display) -> String {
    format!("`{s}`")
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("{n} {what}")
    } else {
        format!("{n} {what}s")
    }
}

impl SemaError {
    /// The primary span of the error.
    pub fn span(&self) -> Option<Span> {
        use SemaError::*;
        Some(match self {
            Syntax(_) => return None,
            InInstance { inner, .. } => return inner.span(),
            Temporal(e) => return Some(e.span()),
            Proof(e) => return Some(e.span()),
            IncludeNotFound { span, .. }
            | IncludePath { span, .. }
            | IncludeCycle { span, .. }
            | IncludeLangMismatch { span, .. }
            | DuplicateMonitor { span, .. }
            | UndefinedName { span, .. }
            | DuplicateDeclaration { span, .. }
            | SortMismatch { span, .. }
            | ArityMismatch { span, .. }
            | CannotInferSort { span, .. }
            | NumeralSort { span, .. }
            | InvalidNumeral { span, .. }
            | ImmutableAssignment { span, .. }
            | OldOutsideEnsure { span }
            | MissingReturns { span, .. }
            | ResultCountMismatch { span, .. }
            | NotAnAction { span, .. }
            | ActionInFormula { span, .. }
            | NotBoolean { span, .. }
            | ShadowedVariable { span, .. }
            | VariableSortConflict { span, .. }
            | NotASort { span, .. }
            | NotAModule { span, .. }
            | ModuleArity { span, .. }
            | InstanceCycle { span, .. }
            | NoOperator { span, .. }
            | VariantSort { span, .. }
            | InvalidAssignTarget { span }
            | UnboundVariable { span, .. }
            | ThisOutsideObject { span }
            | DuplicateInterpretation { span, .. }
            | UnknownTheory { span, .. }
            | RangeBound { span, .. }
            | RangeBoundRedeclared { span, .. }
            | UnknownIsolateName { span, .. }
            | EmptyRange { span, .. }
            | DuplicateImplementation { span, .. }
            | MonitorSignature { span, .. }
            | NotAFunction { span, .. }
            | UnknownField { span, .. }
            | InvalidDestructor { span, .. }
            | InvalidNamed { span, .. }
            | InitParameterUsed { span, .. }
            | InvalidInterpretation { span, .. }
            | NoObjectSort { span, .. }
            | UnboundIsolateParam { span, .. }
            | Unsupported { span, .. } => *span,
        })
    }

    /// Wraps the error with the instance context (no-op when empty).
    pub fn in_instances(self, notes: &[InstanceNote]) -> SemaError {
        if notes.is_empty() || matches!(self, SemaError::Syntax(_)) {
            return self;
        }
        match self {
            SemaError::InInstance {
                inner,
                notes: mut n,
            } => {
                n.extend(notes.iter().cloned());
                SemaError::InInstance { inner, notes: n }
            }
            e => SemaError::InInstance {
                inner: Box::new(e),
                notes: notes.to_vec(),
            },
        }
    }
}

impl IntoDiagnostic for SemaError {
    fn code(&self) -> &'static str {
        use SemaError::*;
        match self {
            Syntax(e) => e.code(),
            InInstance { inner, .. } => inner.code(),
            Temporal(e) => e.code(),
            IncludeNotFound { .. } => "include-not-found",
            IncludeLangMismatch { .. } => "include-lang-mismatch",
            DuplicateMonitor { .. } => "duplicate-monitor",
            IncludePath { .. } => "include-path",
            IncludeCycle { .. } => "include-cycle",
            UndefinedName { kind, .. } => match kind {
                NameKind::Value => "undefined-name",
                NameKind::Sort => "undefined-sort",
                NameKind::Action => "undefined-action",
                NameKind::Module => "undefined-module",
            },
            DuplicateDeclaration { .. } => "duplicate-declaration",
            SortMismatch { .. } => "sort-mismatch",
            ArityMismatch { .. } => "arity-mismatch",
            CannotInferSort { .. } => "cannot-infer-sort",
            NumeralSort { .. } => "numeral-sort",
            InvalidNumeral { .. } => "invalid-numeral",
            ImmutableAssignment { .. } => "immutable-assignment",
            OldOutsideEnsure { .. } => "old-outside-ensure",
            MissingReturns { .. } => "missing-returns",
            ResultCountMismatch { .. } => "result-count-mismatch",
            NotAnAction { .. } => "not-an-action",
            ActionInFormula { .. } => "action-in-formula",
            NotBoolean { .. } => "non-boolean",
            ShadowedVariable { .. } => "shadowed-variable",
            VariableSortConflict { .. } => "variable-sort-conflict",
            NotASort { .. } => "not-a-sort",
            NotAModule { .. } => "not-a-module",
            ModuleArity { .. } => "module-arity",
            InstanceCycle { .. } => "instance-cycle",
            NoOperator { .. } => "no-operator",
            VariantSort { .. } => "variant-sort",
            InvalidAssignTarget { .. } => "invalid-assign-target",
            UnboundVariable { .. } => "unbound-variable",
            ThisOutsideObject { .. } => "this-outside-object",
            DuplicateInterpretation { .. } => "duplicate-interpretation",
            UnknownTheory { .. } => "unknown-theory",
            RangeBound { .. } => "range-bound",
            RangeBoundRedeclared { .. } => "range-bound-redeclared",
            UnknownIsolateName { .. } => "unknown-isolate-name",
            Proof(e) => e.code(),
            EmptyRange { .. } => "empty-range",
            DuplicateImplementation { .. } => "duplicate-implementation",
            MonitorSignature { .. } => "monitor-signature",
            NotAFunction { .. } => "not-a-function",
            UnknownField { .. } => "unknown-field",
            InvalidDestructor { .. } => "invalid-destructor",
            InvalidNamed { .. } => "invalid-named",
            InitParameterUsed { .. } => "init-parameter-used",
            InvalidInterpretation { .. } => "invalid-interpretation",
            NoObjectSort { .. } => "no-object-sort",
            UnboundIsolateParam { .. } => "unbound-isolate-parameter",
            Unsupported { .. } => "unsupported",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        use SemaError::*;
        let code = self.code();
        match self {
            Syntax(e) => e.into_diagnostic(),
            Temporal(e) => e.into_diagnostic(),
            InInstance { inner, notes } => {
                let mut d = inner.into_diagnostic();
                for n in notes {
                    let what = match n.instance {
                        Some(i) => format!("in instance {} of module {}", q(i), q(n.module)),
                        None => format!("in this instantiation of module {}", q(n.module)),
                    };
                    d.labels
                        .push(secondary(n.span, format!("{what}, instantiated here")));
                }
                d
            }
            IncludeNotFound { name, span } => {
                error(code, format!("cannot find included file {}", q(name)))
                    .with_labels(vec![primary(*span, "not found")])
                    .with_notes(vec![format!(
                        "help: looked for `{name}.ivy` next to this file, in the include directories and in the standard library"
                    )])
            }
            IncludeLangMismatch {
                name,
                span,
                lang,
                found,
                expected,
            } => error(
                code,
                format!(
                    "included file {} is `#lang ivy{found}`, but the program is `#lang ivy{expected}`",
                    q(name)
                ),
            )
            .with_labels(vec![
                primary(*span, "included here"),
                secondary(*lang, format!("`#lang ivy{found}`")),
            ])
            .with_notes(vec![
                "note: a program is read in one language version, the root file's; ms-ivy refuses an included file with another version".to_string(),
                format!("help: write the included file in Ivy {expected} (or start it with `#lang ivy`, which takes the version of the file including it)"),
            ]),
            DuplicateMonitor {
                name,
                span,
                previous,
                version,
            } => error(
                code,
                format!("second monitor {} in the same scope", q(name)),
            )
            .with_labels(vec![
                primary(*span, "second monitor"),
                secondary(*previous, "first monitor"),
            ])
            .with_notes(vec![
                format!("note: Ivy {version} names a monitor after its action and kind only, so one scope may hold one `before` and one `after` monitor per action (Ivy 1.7 lifts this)"),
                "help: merge the two monitors into one".to_string(),
            ]),
            IncludePath { name, span } => error(
                code,
                format!("`include` takes a module name, not a path: {}", q(name)),
            )
            .with_labels(vec![primary(*span, "not a module name")])
            .with_notes(vec![
                "help: `include NAME` reads `NAME.ivy` next to the including file, in the -I directories or in the standard library; to use a file elsewhere, pass its directory with -I".to_string(),
            ]),
            IncludeCycle { name, span, chain } => {
                let path: Vec<&str> = chain.iter().map(|s| s.as_str()).collect();
                error(code, format!("include cycle: {} includes itself", q(name)))
                    .with_labels(vec![primary(*span, "this include closes the cycle")])
                    .with_notes(vec![format!("note: include chain: {}", path.join(" -> "))])
            }
            UndefinedName {
                kind,
                name,
                span,
                suggestions,
            } => {
                let mut labels = vec![primary(*span, "not found in this scope")];
                for s in suggestions {
                    if let Some(d) = s.decl {
                        labels.push(secondary(d, format!("similar name {} declared here", q(s.name))));
                    }
                }
                let mut d = error(
                    code,
                    format!("cannot find {} {} in this scope", kind.as_str(), q(name)),
                )
                .with_labels(labels);
                if !suggestions.is_empty() {
                    let names: Vec<String> = suggestions.iter().map(|s| q(s.name)).collect();
                    d = d.with_notes(vec![format!("help: did you mean {}?", names.join(", "))]);
                }
                d
            }
            DuplicateDeclaration {
                name,
                span,
                previous,
            } => {
                let mut labels = vec![primary(*span, format!("{} redeclared here", q(name)))];
                if let Some(p) = previous {
                    labels.push(secondary(*p, "previous declaration here"));
                }
                error(code, format!("{} is declared more than once", q(name))).with_labels(labels)
            }
            SortMismatch {
                expected,
                found,
                span,
                decl,
            } => {
                let mut labels = vec![primary(
                    *span,
                    format!("expected sort {}, found {}", q(expected), q(found)),
                )];
                if let Some((n, s)) = decl {
                    labels.push(secondary(*s, format!("{} declared here", q(n))));
                }
                error(code, "sort mismatch").with_labels(labels)
            }
            ArityMismatch {
                name,
                expected,
                found,
                span,
                decl,
            } => {
                let mut labels = vec![primary(
                    *span,
                    format!("expected {}, found {}", plural(*expected, "argument"), found),
                )];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(name))));
                }
                error(
                    code,
                    format!("{} takes {}", q(name), plural(*expected, "argument")),
                )
                .with_labels(labels)
            }
            CannotInferSort { name, span } => {
                error(code, format!("cannot infer the sort of {}", q(name)))
                    .with_labels(vec![primary(*span, "sort unknown")])
                    .with_notes(vec![format!("help: add a sort annotation, e.g. `{name}:t`")])
            }
            NumeralSort {
                text,
                sort,
                span,
                string,
            } => {
                let what = if *string { "string literal" } else { "numeral" };
                error(
                    code,
                    format!("{what} {} cannot have sort {}", q(text), q(sort)),
                )
                .with_labels(vec![primary(*span, format!("{what} used here"))])
            }
            InvalidNumeral { text, span } => error(code, format!("invalid numeral {}", q(text)))
                .with_labels(vec![primary(*span, "not a representable number")]),
            ImmutableAssignment {
                name,
                span,
                why,
                decl,
            } => {
                let mut labels = vec![primary(*span, "cannot be assigned")];
                let reason = match why {
                    Immutable::Axiom(a) => {
                        labels.push(secondary(*a, format!("{} is constrained by this axiom", q(name))));
                        "it is constrained by an axiom"
                    }
                    Immutable::EnumCtor => "it is a constructor of an enumerated sort",
                    Immutable::Parameter => "it is a `parameter`",
                    Immutable::Definition => "it is defined",
                    Immutable::Constant => "it is a constant",
                    Immutable::Variable => "it is a logical variable",
                };
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(name))));
                }
                error(
                    code,
                    format!("cannot assign to {}: {}", q(name), reason),
                )
                .with_labels(labels)
            }
            OldOutsideEnsure { span } => error(
                code,
                "`old` is only allowed in the code of actions and initialisers",
            )
            .with_labels(vec![primary(*span, "`old` used here")])
            .with_notes(vec![
                "note: `old e` is the value of `e` when the action (or initialisation) started; a formula outside code has no such state".into(),
            ]),
            MissingReturns { action, span, decl } => {
                let mut labels = vec![primary(*span, "its value is used here")];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared without `returns`", q(action))));
                }
                error(code, format!("action {} does not return a value", q(action)))
                    .with_labels(labels)
            }
            ResultCountMismatch {
                action,
                expected,
                found,
                span,
                decl,
            } => {
                let mut labels = vec![primary(
                    *span,
                    format!("{} assigned here", plural(*found, "result")),
                )];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(action))));
                }
                error(
                    code,
                    format!("action {} returns {}", q(action), plural(*expected, "value")),
                )
                .with_labels(labels)
            }
            NotAnAction {
                name,
                span,
                decl,
                used,
            } => {
                let mut labels = vec![primary(*span, "not an action")];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(name))));
                }
                error(
                    code,
                    format!("{} is not an action and cannot be {}", q(name), used.as_str()),
                )
                .with_labels(labels)
            }
            ActionInFormula { name, span, decl } => {
                let mut labels = vec![primary(*span, "action used as a term")];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("action {} declared here", q(name))));
                }
                error(
                    code,
                    format!("action {} cannot be called inside a formula", q(name)),
                )
                .with_labels(labels)
            }
            NotBoolean {
                context,
                found,
                span,
            } => error(
                code,
                format!("{} must be a formula", context.as_str()),
            )
            .with_labels(vec![primary(
                *span,
                format!("expected `bool`, found {}", q(found)),
            )]),
            ShadowedVariable {
                name,
                span,
                previous,
            } => error(code, format!("variable {} is already bound", q(name))).with_labels(vec![
                primary(*span, "rebound here"),
                secondary(*previous, "first bound here"),
            ]),
            VariableSortConflict {
                name,
                first,
                second,
                span,
                previous,
            } => error(
                code,
                format!("variable {} is used with two different sorts", q(name)),
            )
            .with_labels(vec![
                primary(*span, format!("used as {} here", q(second))),
                secondary(*previous, format!("used as {} here", q(first))),
            ]),
            NotASort { name, span, decl } => {
                let mut labels = vec![primary(*span, "expected a sort")];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(name))));
                }
                error(code, format!("{} is not a sort", q(name))).with_labels(labels)
            }
            NotAModule { name, span } => error(code, format!("{} is not a module", q(name)))
                .with_labels(vec![primary(*span, "expected a module")]),
            ModuleArity {
                name,
                expected,
                found,
                span,
                decl,
            } => error(
                code,
                format!("module {} takes {}", q(name), plural(*expected, "parameter")),
            )
            .with_labels(vec![
                primary(*span, format!("{} given", plural(*found, "argument"))),
                secondary(*decl, format!("module {} declared here", q(name))),
            ]),
            InstanceCycle { module, span } => error(
                code,
                format!("module {} is instantiated inside itself", q(module)),
            )
            .with_labels(vec![primary(*span, "recursive instantiation")]),
            NoOperator { op, sort, span } => error(
                code,
                format!("operator `{op}` is not defined on sort {}", q(sort)),
            )
            .with_labels(vec![primary(*span, format!("operands have sort {}", q(sort)))]),
            VariantSort { sort, span } => error(
                code,
                format!("the measure of `decreases` has sort {}, which has no order `<`", q(sort)),
            )
            .with_labels(vec![primary(*span, format!("this measure has sort {}", q(sort)))])
            .with_notes(vec![
                "note: as in Ivy, a loop variant is checked with its sort's `<` and `0`: the measure is not below 0 when an iteration starts and the body makes it smaller".into(),
                "help: use a measure of sort int or nat (interpreted), a bit-vector, a range, or an uninterpreted sort whose `<` is given by axioms".into(),
            ]),
            InvalidAssignTarget { span } => error(code, "invalid left-hand side of assignment")
                .with_labels(vec![primary(
                    *span,
                    "expected a state symbol or local, possibly applied",
                )]),
            UnboundVariable { name, span } => error(
                code,
                format!("variable {} is not bound here", q(name)),
            )
            .with_labels(vec![primary(*span, "unbound variable")])
            .with_notes(vec![
                "note: in statements, capitalised variables may only appear as arguments of the assigned symbol".into(),
            ]),
            ThisOutsideObject { span } => error(code, "`this` used outside of an object")
                .with_labels(vec![primary(*span, "no enclosing object")]),
            DuplicateInterpretation {
                sort,
                span,
                previous,
            } => error(code, format!("sort {} is interpreted twice", q(sort))).with_labels(vec![
                primary(*span, "second interpretation"),
                secondary(*previous, "first interpretation"),
            ]),
            UnknownTheory { name, span } => error(code, format!("unknown theory {}", q(name)))
                .with_labels(vec![primary(*span, "expected `int`, `nat`, `bv[N]`, `strbv[N]`, `intbv[..][N]` or `strlit`")]),
            RangeBound { text, lower, span } => error(
                code,
                match (text, lower) {
                    (Some(t), true) => format!("lower range bound {} is not a numeral", q(t)),
                    (Some(t), false) => format!("range bound {} is not a numeral", q(t)),
                    (None, _) => "unsupported: a range bound that is an expression".into(),
                },
            )
            .with_labels(vec![primary(
                *span,
                if *lower {
                    "expected an integer numeral"
                } else {
                    "expected an integer numeral or a new name"
                },
            )])
            .with_notes(vec![if text.is_some() && *lower {
                "help: write the lower bound as a numeral (ms-ivy stops with \"bounds for range sort are not interpreted as int\" on a symbolic lower bound; only the upper bound may be a name, which declares a parameter of the sort)".into()
            } else if text.is_none() {
                "help: write the bound as a numeral, or the upper bound as a new name (a parameter of the sort); ms-ivy also accepts an upper bound that is an expression over declared symbols (`{0..n+1}`), which ivyc does not".into()
            } else {
                "help: write the bound as a numeral or a name; a name declares a new parameter of the range sort (`interpret t -> {0..max}` declares `max : t`), as in ms-ivy, and an axiom can relate it to other symbols".into()
            }]),
            RangeBoundRedeclared {
                name,
                sort,
                span,
                previous,
            } => error(
                code,
                format!(
                    "{} is declared by the range bound of {} and cannot be declared again",
                    q(name),
                    q(sort)
                ),
            )
            .with_labels(vec![
                primary(*span, format!("{} redeclared here", q(name))),
                secondary(*previous, format!("this bound declares {} as a parameter of sort {}", q(name), q(sort))),
            ])
            .with_notes(vec![format!(
                "help: remove this declaration; the range bound already declares {} (ms-ivy reports \"redefining {}\")",
                q(name),
                name
            )]),
            UnknownIsolateName { name, span } => {
                warning(code, format!("`{name}` in this isolate's list names nothing; ignored"))
                    .with_labels(vec![primary(*span, "no object, action, sort, symbol or label of this name")])
                    .with_notes(vec![
                        "help: the isolate is never checked (it is trusted or verifies nothing), so, as in Ivy, the name has no effect; remove it or correct it".into(),
                    ])
            }
            Proof(e) => e.into_diagnostic(),
            EmptyRange { lo, hi, span } => error(code, format!("empty range `{{{lo}..{hi}}}`"))
                .with_labels(vec![primary(*span, "the lower bound exceeds the upper bound")])
                .with_notes(vec![
                    "help: a range sort needs `lo <= hi`; an empty sort would make every property hold vacuously".into(),
                ]),
            DuplicateImplementation {
                action,
                span,
                previous,
            } => error(code, format!("action {} has two bodies", q(action))).with_labels(vec![
                primary(*span, "second body"),
                secondary(*previous, "first body"),
            ]),
            MonitorSignature {
                action,
                expected,
                found,
                span,
                decl,
            } => {
                let mut labels = vec![primary(
                    *span,
                    format!("{} here", plural(*found, "parameter")),
                )];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(action))));
                }
                error(
                    code,
                    format!(
                        "monitor of {} must have {}",
                        q(action),
                        plural(*expected, "parameter")
                    ),
                )
                .with_labels(labels)
            }
            NotAFunction { name, span, decl } => {
                let mut labels = vec![primary(*span, "cannot be applied")];
                if let Some(d) = decl {
                    labels.push(secondary(*d, format!("{} declared here", q(name))));
                }
                error(code, format!("{} is not a function or relation", q(name)))
                    .with_labels(labels)
            }
            UnknownField {
                field,
                sort,
                is_struct,
                fields,
                span,
                sort_decl,
            } => {
                let mut labels = vec![primary(*span, "unknown field")];
                if let Some(d) = sort_decl {
                    labels.push(secondary(*d, format!("{} declared here", q(sort))));
                }
                let note = if !*is_struct {
                    format!("{} is not a struct type and has no member {}", q(sort), q(field))
                } else if fields.is_empty() {
                    format!("struct {} has no fields", q(sort))
                } else {
                    let fs: Vec<String> = fields.iter().map(q).collect();
                    format!("the fields of {} are {}", q(sort), fs.join(", "))
                };
                error(code, format!("no field {} on sort {}", q(field), q(sort)))
                    .with_labels(labels)
                    .with_notes(vec![note])
            }
            InvalidDestructor { name, found, span } => {
                let (msg, note) = match found {
                    None => (
                        format!("destructor {} has no argument", q(name)),
                        "a destructor `d(X:t, ...) : u` takes a value of its struct sort `t` first"
                            .to_string(),
                    ),
                    Some(s) => (
                        format!(
                            "destructor {} takes a {} first, not a value of an uninterpreted sort",
                            q(name),
                            q(s)
                        ),
                        "the first argument of a destructor is the value it takes apart".into(),
                    ),
                };
                error(code, msg)
                    .with_labels(vec![primary(*span, "invalid destructor")])
                    .with_notes(vec![note])
            }
            InvalidNamed {
                name,
                var,
                span,
                fmla,
            } => {
                let (msg, note) = match var {
                    None => (
                        format!("cannot name the witness of this property {}", q(name)),
                        "`named f(X, ...)` needs a property `forall X, ... exists Y. p` with one existential variable `Y`; `f(X, ...)` then names the `Y`".to_string(),
                    ),
                    Some(v) => (
                        format!("variable {} must be a parameter of {}", q(v), q(name)),
                        "the witness may depend on every universally quantified variable of the property, so each must be an argument of the name".to_string(),
                    ),
                };
                error(code, msg)
                    .with_labels(vec![
                        primary(*span, "the name"),
                        secondary(*fmla, "the property"),
                    ])
                    .with_notes(vec![note])
            }
            UnboundIsolateParam { arg, span } => error(
                code,
                format!("{} is not a parameter of this isolate", q(arg)),
            )
            .with_labels(vec![primary(*span, "an isolate's members may only be applied to its parameters")])
            .with_notes(vec![
                "help: give the isolate a parameter (`isolate iso(x:t) = obj(x)`) and apply the member to it; the isolate then covers every instance".into(),
            ]),
            NoObjectSort { what, span } => {
                error(code, format!("{what} needs an object with a sort of its own"))
                    .with_labels(vec![primary(*span, "declared here")])
                    .with_notes(vec![
                        "help: declare it in a `class`, or in an object that declares `type this`"
                            .into(),
                    ])
            }
            InvalidInterpretation { name, span, why } => {
                error(code, format!("cannot interpret {}", q(name)))
                    .with_labels(vec![primary(*span, "this interpretation")])
                    .with_notes(vec![format!("note: {why}")])
            }
            InitParameterUsed { name, span, decl } => error(
                code,
                format!("parameter {} of `after init` has no value", q(name)),
            )
            .with_labels(vec![
                primary(*span, "used here"),
                secondary(*decl, "declared here"),
            ])
            .with_notes(vec![
                "note: initialisation is not called with arguments; Ivy accepts parameters of `after init` but cannot check a program that uses them (\"multiply assigned\")".into(),
                "help: use a local (`var x : t;`) for an arbitrary value".into(),
            ]),
            Unsupported { what, span, help } => {
                let mut d = error(code, format!("unsupported: {what}"))
                    .with_labels(vec![primary(*span, "not supported by ivyc")]);
                if let Some(h) = help {
                    d = d.with_notes(vec![format!("help: {h}")]);
                }
                d
            }
        }
    }
}

/// Errors of temporal properties (Ivy's liveness) and of their proofs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemporalError {
    /// A temporal operator (`globally`, `eventually`, `whenX`) or a named
    /// binder where it is not allowed: outside temporal properties and
    /// axioms (named binders: outside the invariants of their proofs).
    NotTemporalPosition {
        what: &'static str,
        span: Span,
        /// A named binder (`$l2s_w ...`).
        binder: bool,
        /// In a temporal formula (but not a proof invariant).
        in_formula: bool,
    },
    /// `$name` that is not one of Ivy's binders.
    UnknownBinder { name: Symbol, span: Span },
    /// `$was X. ...` / `$happened X. ...`.
    BinderTakesNoVariables { name: Symbol, span: Span },
    /// `$l2s_w X. p(X)` not applied to arguments.
    BinderNotApplied { name: Symbol, span: Span },
    /// The body of a binder mentions a variable it does not bind.
    BinderFreeVariable {
        name: Symbol,
        var: Symbol,
        span: Span,
    },
    /// A temporal property without `proof`.
    NoProof { label: Option<Symbol>, span: Span },
    /// A proof whose tactics never reduce the goal to safety.
    NotReduced { label: Option<Symbol>, span: Span },
    /// A proof step other than a tactic in a temporal proof.
    UnsupportedStep { span: Span },
    /// A tactic ivyc does not run (`known`: one of ms-ivy's).
    UnsupportedTactic {
        tactic: Symbol,
        known: bool,
        span: Span,
    },
    /// `tactic l2s with X = e`.
    TacticLets { tactic: Symbol, span: Span },
    /// `tactic skolemize with ...`.
    TacticTakesNothing { tactic: Symbol, span: Span },
    /// `tactic tempcase with invariant ...` (it takes `with X = t`).
    TacticTakesLets { tactic: Symbol, span: Span },
    /// A `with X = t` of `tempcase`/`tempind` that cannot be used: `what`
    /// says why.
    TacticLetInvalid {
        tactic: Symbol,
        what: String,
        span: Span,
    },
}

impl TemporalError {
    pub fn span(&self) -> Span {
        use TemporalError::*;
        match self {
            NotTemporalPosition { span, .. }
            | UnknownBinder { span, .. }
            | BinderTakesNoVariables { span, .. }
            | BinderNotApplied { span, .. }
            | BinderFreeVariable { span, .. }
            | NoProof { span, .. }
            | NotReduced { span, .. }
            | UnsupportedStep { span }
            | UnsupportedTactic { span, .. }
            | TacticLets { span, .. }
            | TacticTakesNothing { span, .. }
            | TacticTakesLets { span, .. }
            | TacticLetInvalid { span, .. } => *span,
        }
    }
}

impl IntoDiagnostic for TemporalError {
    fn code(&self) -> &'static str {
        use TemporalError::*;
        match self {
            NotTemporalPosition { .. } => "temporal-position",
            UnknownBinder { .. } => "unknown-binder",
            BinderTakesNoVariables { .. } | BinderNotApplied { .. } => "binder-arity",
            BinderFreeVariable { .. } => "binder-free-variable",
            NoProof { .. } => "temporal-no-proof",
            NotReduced { .. } => "temporal-not-reduced",
            UnsupportedStep { .. } | UnsupportedTactic { .. } => "unsupported",
            TacticLets { .. }
            | TacticTakesNothing { .. }
            | TacticTakesLets { .. }
            | TacticLetInvalid { .. } => "tactic-arguments",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        use TemporalError::*;
        let code = self.code();
        let name = |l: &Option<Symbol>| match l {
            Some(l) => format!(" [{l}]"),
            None => String::new(),
        };
        match self {
            NotTemporalPosition {
                what,
                span,
                binder: true,
                in_formula,
            } => error(
                code,
                format!("{what} (`$l2s_w`, `$was`, ...) are allowed only in the invariants of a temporal proof"),
            )
            .with_labels(vec![primary(*span, if *in_formula {
                "named binder in a temporal formula"
            } else {
                "named binder outside a temporal proof"
            })])
            .with_notes(vec![
                "help: the l2s vocabulary describes the state of the liveness-to-safety construction; use it in `proof { tactic l2s with invariant ... }` of a `temporal property`".into(),
            ]),
            NotTemporalPosition { what, span, .. } => error(
                code,
                format!("temporal operator `{what}` in a non-temporal formula"),
            )
            .with_labels(vec![primary(*span, "not allowed here")])
            .with_notes(vec![
                "help: temporal operators are allowed only in `temporal property`, `temporal axiom` and the invariants of their proofs; an invariant is already a `globally` property".into(),
            ]),
            UnknownBinder { name, span } => error(code, format!("unknown named binder `${name}`"))
                .with_labels(vec![primary(*span, "not a binder of the l2s construction")])
                .with_notes(vec![
                    "help: the binders are `$l2s_w` (waiting for), `$l2s_s` (saved value), `$l2s_g`, `$l2s_init`, `$was` and `$happened`".into(),
                ]),
            BinderTakesNoVariables { name, span } => {
                error(code, format!("`${name}` binds no variables"))
                    .with_labels(vec![primary(*span, "write `$" .to_string() + name.as_str() + ". formula`")])
            }
            BinderNotApplied { name, span } => error(
                code,
                format!("`${name}` with variables must be applied to arguments"),
            )
            .with_labels(vec![primary(*span, "write `($name X. body)(args)`".replace("name", name.as_str()))]),
            BinderFreeVariable { name, var, span } => error(
                code,
                format!("the body of `${name}` mentions variable `{var}`, which the binder does not bind"),
            )
            .with_labels(vec![primary(*span, format!("`{var}` is free here"))])
            .with_notes(vec![format!(
                "help: bind it and apply the binder: `(${name} {var}. ...)({var})`"
            )]),
            NoProof { label, span } => error(
                code,
                format!("temporal property{} has no proof", name(label)),
            )
            .with_labels(vec![primary(*span, "no proof given")])
            .with_notes(vec![
                "help: as in Ivy, prove it by liveness to safety: `proof { tactic skolemize; tactic l2s with invariant ... }`".into(),
            ]),
            NotReduced { label, span } => error(
                code,
                format!("the proof of temporal property{} does not reduce it to safety", name(label)),
            )
            .with_labels(vec![primary(*span, "no `l2s` or `invariance` tactic")])
            .with_notes(vec![
                "help: end the proof with `tactic l2s with invariant ...`".into(),
            ]),
            UnsupportedStep { span } => error(code, "unsupported: this proof step in a temporal proof (liveness)")
                .with_labels(vec![primary(*span, "not supported by ivyc")])
                .with_notes(vec![
                    "help: temporal proofs may use `tactic skolemize`, `tactic l2s with ...` and `tactic invariance with ...`".into(),
                ]),
            UnsupportedTactic {
                tactic,
                known,
                span,
            } => {
                let runs = "ivyc runs the tactics `skolemize`, `skolemizenp`, `tempcase`, `tempind`, `l2s`, `l2s_full`, `l2s_auto` ... `l2s_auto5` and `invariance`";
                let mut notes = Vec::new();
                if let Some(why) = other_tactic_reason(tactic.as_str()) {
                    notes.push(format!("note: {why}"));
                }
                notes.push(if *known {
                    format!("help: {runs}")
                } else {
                    format!("help: this is not one of Ivy's tactics; {runs}")
                });
                error(code, format!("unsupported: tactic `{tactic}` (liveness)"))
                    .with_labels(vec![primary(*span, "not supported by ivyc")])
                    .with_notes(notes)
            }
            TacticLets { tactic, span } => error(
                code,
                format!("tactic `{tactic}` does not take `with X = e`"),
            )
            .with_labels(vec![primary(*span, "give invariants: `with invariant [name] formula`")]),
            TacticTakesNothing { tactic, span } => {
                error(code, format!("tactic `{tactic}` takes no `with` list"))
                    .with_labels(vec![primary(*span, "remove the `with` list")])
            }
            TacticTakesLets { tactic, span } => error(
                code,
                format!("tactic `{tactic}` takes only `with X = term, ...`"),
            )
            .with_labels(vec![primary(*span, "not a list of `X = term`")]),
            TacticLetInvalid { tactic, what, span } => {
                error(code, format!("tactic `{tactic}`: {what}"))
                    .with_labels(vec![primary(*span, "here")])
            }
        }
    }
}

/// Why ivyc does not run one of ms-ivy's other tactics in a temporal proof.
fn other_tactic_reason(tactic: &str) -> Option<&'static str> {
    Some(match tactic {
        "ranking" => "ms-ivy's `ranking` is a different reduction (lexicographic relational rankings, checked as postconditions of every step over the state before it), which ivyc does not implement; prove the property with `tactic l2s_auto` (the same `work_*` definitions) or `tactic l2s` with invariants",
        "ranking_infer" => "ms-ivy's `ranking_infer` infers a ranking for its `ranking` reduction, which ivyc does not implement (and ms-ivy 1.8.26 fails with a Python KeyError when the goal is not `globally p`); use `tactic l2s_auto` or `tactic l2s` with invariants",
        "mc" => "in a temporal proof ms-ivy's `mc` applies `tempind`, `skolemizenp` and `l2s_full`, then model-checks the result with ABC after giving every sort a few elements: a bounded check, not a proof for unbounded sorts, and ms-ivy 1.8.26 fails with a Python TypeError in its trace hook when the check fails; for finite sorts use `tactic l2s_full with invariant ...`, to search for a counterexample `ivyc bmc --liveness`",
        "vmt" | "mypyvy" | "duoai" => "this tactic hands the problem to an external model checker or invariant-inference tool, which ivyc does not run",
        _ => return None,
    })
}
