//! The Ivy 1.7 abstract syntax tree: a faithful, span-carrying tree of what
//! was written (no desugaring, parentheses kept), produced by [`crate::parse`].
//!
//! Conventions:
//! * every node has a `span` (byte offsets into one file);
//! * names are interned [`Symbol`]s; an [`Ident`] may carry Ivy's bracketed
//!   parameter suffix verbatim (`bv[8]`, `arr[t.idx]`, `X[a]`) in its text,
//!   quoted names keep their quotes (`"abc"`), and `this` is an ordinary
//!   identifier whose text is `this`;
//! * dotted names are a [`Path`];
//! * `Error` variants mark places where the parser recovered from a syntax
//!   error (the error itself is reported separately).
//!
//! The depth of every tree returned by the parser is bounded (see
//! [`crate::MAX_NESTING`]), so recursive `Drop`, `Debug`, `Clone` and
//! `PartialEq` on it are safe.

// AST nodes are built once and matched often; keeping variants unboxed
// keeps pattern matching simple for consumers.
#![allow(clippy::large_enum_variant)]

use ivyc_base::{Span, Symbol};
use strum::{EnumDiscriminants, EnumIter, IntoStaticStr};

/// A simple name with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: Symbol,
    pub span: Span,
}

impl Ident {
    pub fn new(name: &str, span: Span) -> Ident {
        Ident {
            name: Symbol::intern(name),
            span,
        }
    }

    pub fn as_str(&self) -> &'static str {
        self.name.as_str()
    }
}

/// A dotted name `a.b.c` (at least one segment).
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    pub fn single(id: Ident) -> Path {
        let span = id.span;
        Path {
            segments: vec![id],
            span,
        }
    }

    /// The segments joined with `.`.
    pub fn to_dotted(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.as_str()).collect();
        parts.join(".")
    }

    /// The last segment.
    pub fn last(&self) -> Option<&Ident> {
        self.segments.last()
    }
}

/// A whole source file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// The `#lang ivyN.N` header, if present.
    pub lang: Option<LangLine>,
    /// The language version the file was read in: the one on its `#lang`
    /// line, else the including file's (the default, 1.7, for a root file).
    pub version: crate::LangVersion,
    /// Identifiers of the declarations the parser could not read (see
    /// `recover::unparsed_names`): names those may declare.
    pub unparsed_names: Vec<ivyc_base::Symbol>,
    pub decls: Vec<Decl>,
    pub span: Span,
}

/// The `#lang ivy1.7` first line.
#[derive(Debug, Clone, PartialEq)]
pub struct LangLine {
    /// The version text after `#lang ivy` (e.g. `1.7`), `None` for a bare `#lang ivy`.
    pub version: Option<Symbol>,
    pub span: Span,
}

/// `<<< ... >>>` native code (text between the delimiters, verbatim).
#[derive(Debug, Clone, PartialEq)]
pub struct NativeQuote {
    pub text: String,
    pub span: Span,
}

/// `[label]` (the text between the brackets; may be `this`).
pub type Label = Ident;

/// A formula with an optional `[label]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledFmla {
    pub label: Option<Label>,
    pub fmla: Expr,
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

/// A term or formula (Ivy 1.7 does not distinguish them syntactically).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(ExprTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum ExprKind {
    /// A (possibly dotted) lowercase/quoted name, applied if written with
    /// parentheses: `f`, `a.b.c`, `f(x,y)`, `a.b(x)`, `f()`.
    /// `args` is `None` when there are no parentheses.
    App { func: Path, args: Option<Vec<Expr>> },
    /// `base.member` or `base.member(args)` where `base` is not a plain
    /// dotted name (e.g. `f(x).g`, `(a).b`, `X.f`, `(old x).y`).
    Dot {
        base: Box<Expr>,
        member: Ident,
        args: Option<Vec<Expr>>,
    },
    /// A capitalised (free or bound) variable `X`.
    Var(Ident),
    /// A numeral (a name starting with a digit: `0`, `42`, `0xff`).
    Num(Symbol),
    /// A quoted name/string literal `"abc"`, text without the quotes.
    Str(Symbol),
    /// `true`
    True,
    /// `false`
    False,
    /// `old e` (in Ivy 1.7 `e` is always a name or application).
    Old(Box<Expr>),
    /// A prefix operator: `~e`, `globally e`, `eventually e`.
    Unary { op: UnOp, expr: Box<Expr> },
    /// An infix operator.
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `then_ if cond else else_`
    Ite {
        then_: Box<Expr>,
        cond: Box<Expr>,
        else_: Box<Expr>,
    },
    /// `e : sort`
    Annot { expr: Box<Expr>, sort: Path },
    /// `e isa sort`
    Isa { expr: Box<Expr>, sort: Path },
    /// `forall X,Y:t. body` (`parens == false`) or `forall (X:t, Y) body`
    /// (`parens == true`); likewise for `exists`.
    Quant {
        quant: Quantifier,
        binders: Vec<Binder>,
        parens: bool,
        body: Box<Expr>,
    },
    /// Named binders: `$name X. body`, `$name $ body` (`binders` empty,
    /// `applied == None`) and `($name X,Y. body)(args)` (`applied == Some`).
    NamedBinder {
        name: Ident,
        binders: Vec<Binder>,
        body: Box<Expr>,
        applied: Option<Vec<Expr>>,
    },
    /// `(e)`
    Paren(Box<Expr>),
    /// Placeholder where the parser recovered from an error.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, IntoStaticStr)]
pub enum UnOp {
    /// `~`
    Not,
    /// `globally` / `□`
    Globally,
    /// `eventually` / `◇`
    Eventually,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `&`
    And,
    /// `|`
    Or,
    /// `->`
    Implies,
    /// `<->`
    Iff,
    /// `=`
    Eq,
    /// `~=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `*>`
    Pto,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `whenfirst`, `whenlast`, `whennext`, `whenprev` (Ivy 1.8 temporal
    /// operators, in temporal formulas only).
    When(WhenKind),
}

/// The temporal `when` operators of Ivy 1.8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WhenKind {
    First,
    Last,
    Next,
    Prev,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Implies => "->",
            BinOp::Iff => "<->",
            BinOp::Eq => "=",
            BinOp::Neq => "~=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Pto => "*>",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::When(WhenKind::First) => "whenfirst",
            BinOp::When(WhenKind::Last) => "whenlast",
            BinOp::When(WhenKind::Next) => "whennext",
            BinOp::When(WhenKind::Prev) => "whenprev",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Forall,
    Exists,
}

/// A bound variable `X` or `X:sort`.
#[derive(Debug, Clone, PartialEq)]
pub struct Binder {
    pub name: Ident,
    pub sort: Option<Path>,
    pub span: Span,
}

/// An operator used as a name: in `interpret`, instance arguments,
/// `relation (X:t < Y:t)` and `function (X:t + Y:t) : t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpName {
    pub op: BinOp,
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Parameters and typed names
// ---------------------------------------------------------------------------

/// An action/object/local parameter `x:t` (or `^x:t`, a "reference" param).
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub sort: Path,
    /// Written with a leading `^`.
    pub caret: bool,
    pub span: Span,
}

/// An argument in a definition left-hand side: `x:t` or `X` / `X:t`.
#[derive(Debug, Clone, PartialEq)]
pub enum DefArg {
    Param(Param),
    Var(Binder),
}

/// The name being declared in `individual`, `var`, `destructor`, `function`-
/// like "typed terms": `f`, `f(X:t,Y)`, `(X:t + Y:t)`, each optionally `: sort`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedName {
    pub head: TypedHead,
    pub sort: Option<Path>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypedHead {
    /// `f` (`args == None`) or `f(X:t, ...)` (possibly `f()`).
    Name {
        name: Ident,
        args: Option<Vec<Binder>>,
    },
    /// `(X:t op Y:t)`
    Infix {
        lhs: Binder,
        op: OpName,
        rhs: Binder,
    },
}

/// The left-hand side of a definition or relation/function declaration:
/// `a.b`, `a.b(args)`, `(a op b)`.
#[derive(Debug, Clone, PartialEq)]
pub enum DefnLhs {
    Name {
        name: Path,
        args: Option<Vec<DefArg>>,
        span: Span,
    },
    Infix {
        lhs: DefArg,
        op: OpName,
        rhs: DefArg,
        span: Span,
    },
}

/// `lhs [: sort]`
#[derive(Debug, Clone, PartialEq)]
pub struct TypedDefnLhs {
    pub lhs: DefnLhs,
    pub sort: Option<Path>,
    pub span: Span,
}

/// `lhs [: sort] = rhs`
#[derive(Debug, Clone, PartialEq)]
pub struct Defn {
    pub lhs: TypedDefnLhs,
    pub rhs: DefnRhs,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(DefnRhsTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum DefnRhs {
    Expr(Expr),
    /// `some X:t. fmla [in e] [else e]`
    Some {
        binder: Binder,
        fmla: Expr,
        in_: Option<Expr>,
        else_: Option<Expr>,
        span: Span,
    },
    Native(NativeQuote),
}

/// An item of a `relation` or `function` declaration (with or without `= def`).
#[derive(Debug, Clone, PartialEq)]
pub struct SymbolDecl {
    pub lhs: TypedDefnLhs,
    pub def: Option<DefnRhs>,
    pub span: Span,
}

/// A `callatom`: `a.b(x).c`, `this`, used in `isolate`, `export`, `call` ...
#[derive(Debug, Clone, PartialEq)]
pub struct CallAtom {
    pub segments: Vec<CallSegment>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallSegment {
    pub name: Ident,
    pub args: Option<Vec<Expr>>,
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Statements (action bodies)
// ---------------------------------------------------------------------------

/// `{ stmts }`
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssertKind {
    Assert,
    Ensure,
    Require,
    /// `ensures` (Ivy 1.6 and older): an assertion always checked.
    Ensures,
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(StmtTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum StmtKind {
    /// `assume [l] fmla`
    Assume(LabeledFmla),
    /// `assert|ensure|require [l] fmla [proof step]`
    Assert {
        kind: AssertKind,
        fmla: LabeledFmla,
        proof: Option<ProofStep>,
    },
    /// `lhs := rhs` (lhs may be `r(X,Y)`, `a.f`, ...)
    Assign { lhs: Expr, rhs: Expr },
    /// `lhs := *`
    Havoc { lhs: Expr },
    /// `(a, b) := f(x)`
    TupleAssign { lhs: Vec<Expr>, call: CallAtom },
    /// A bare term used as a call: `f(x)`, `x.f(y)`.
    Expr(Expr),
    /// `call [r1, r2 :=] f(x)`
    Call {
        returns: Vec<CallAtom>,
        callee: CallAtom,
    },
    /// `if cond { ... } [else stmt]` (`else if` is `else_` = an `If`).
    If {
        cond: Cond,
        then_: Block,
        else_: Option<Box<Stmt>>,
    },
    /// `if * { ... } else stmt`
    IfStar { then_: Block, else_: Box<Stmt> },
    /// `while cond invariant ... decreases e { ... }`
    While {
        cond: Cond,
        invariants: Vec<LoopInvariant>,
        decreases: Option<Expr>,
        body: Block,
    },
    /// `instantiate m(x)` inside an action.
    Instantiate(CallAtom),
    /// `for it:t, v:u in e invariant ... { ... }` (Ivy 1.8 only)
    For {
        index: TypedName,
        value: TypedName,
        collection: Expr,
        invariants: Vec<LoopInvariant>,
        decreases: Option<Expr>,
        body: Block,
    },
    /// `local x:t, y:u { ... }`
    Local { params: Vec<Param>, body: Block },
    /// `var x[:t] [:= e]`
    Var { name: TypedName, init: Option<Expr> },
    /// `thunk [l] f(x:t) : s := { ... }`
    Thunk {
        label: Label,
        name: Ident,
        params: Vec<Param>,
        sort: Path,
        body: Block,
    },
    /// `let a = b, c = d { ... }`
    Let {
        eqns: Vec<(Ident, Ident)>,
        body: Block,
    },
    /// A nested block `{ ... }`.
    Block(Block),
    /// `unprovable assert|ensure|require ...` (Ivy 1.8): an assertion that
    /// is only checked (to fail) under ms-ivy's `unprovable=true`.
    Unprovable(Box<Stmt>),
    /// `debug "text" [with x = e, ...]` (Ivy 1.8): a trace message of
    /// extracted code.
    Debug {
        text: Ident,
        args: Vec<(Ident, Expr)>,
    },
    /// Placeholder where the parser recovered from an error.
    Error,
}

/// The condition of `if`/`while`.
#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(CondTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum Cond {
    Expr(Expr),
    /// `if x := e { ... }` (bind a local to e)
    Assign {
        lhs: Expr,
        rhs: Expr,
    },
    /// `some x:t. fmla` / `some (x:t,...) fmla` with optional
    /// `minimizing e` / `maximizing e`.
    Some {
        params: Vec<Param>,
        parens: bool,
        fmla: Expr,
        optimize: Option<(Optimize, Expr)>,
        span: Span,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Optimize {
    Minimizing,
    Maximizing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoopInvariant {
    pub fmla: LabeledFmla,
    pub proof: Option<ProofStep>,
    pub span: Span,
}

/// The body of an action: a block, `{ <<< native >>> }`.
#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(ActionBodyTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum ActionBody {
    Block(Block),
    Native { code: NativeQuote, span: Span },
}

// ---------------------------------------------------------------------------
// Proofs and schemata
// ---------------------------------------------------------------------------

/// `< a/b, X/Y >`
#[derive(Debug, Clone, PartialEq)]
pub struct Renaming {
    pub items: Vec<(Ident, Ident)>,
    pub span: Span,
}

/// `x = e` / `X = e` in proof `with` lists and `let`.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Defn(Defn),
    Var {
        var: Binder,
        value: Expr,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProofStep {
    pub kind: ProofStepKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(ProofStepTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum ProofStepKind {
    /// `apply|assume|instantiate [l] name [<renaming>] [with matches]`
    Apply {
        kind: ApplyKind,
        label: Option<Label>,
        name: Path,
        renaming: Option<Renaming>,
        with: Vec<Match>,
    },
    /// `instantiate with X = e, ...`
    Witness(Vec<Match>),
    /// `showgoals`
    ShowGoals,
    /// `defergoal`
    DeferGoal,
    /// `spoil name`
    Spoil(Path),
    /// `tactic name [with ...] [proof { ... }]`
    Tactic {
        name: Ident,
        with: Option<TacticWith>,
        proof: Option<Vec<ProofStep>>,
    },
    /// `[temporal] property [l] fmla [named lhs] [proof { ... }]`
    Property {
        temporal: bool,
        fmla: LabeledFmla,
        named: Option<DefnLhs>,
        proof: Option<Vec<ProofStep>>,
    },
    /// `function f(X:t):t [= e], ...`
    Function(Vec<SymbolDecl>),
    /// `theorem [l] prop [proof { ... }]`
    Theorem {
        prop: LabeledProp,
        proof: Option<Vec<ProofStep>>,
    },
    /// `proof [l] { ... }`
    Proof {
        label: Label,
        group: Vec<ProofStep>,
    },
    /// `unfold [name] with f <r>, ...`
    Unfold {
        name: Option<Path>,
        specs: Vec<(CallAtom, Vec<Renaming>)>,
    },
    /// `forget a, b`
    Forget(Vec<CallAtom>),
    /// `let X = e, ...`
    Let(Vec<Match>),
    /// `if fmla { ... } else { ... }`
    If {
        cond: Expr,
        then_: Vec<ProofStep>,
        else_: Vec<ProofStep>,
    },
    /// `{ step; step }`
    Group(Vec<ProofStep>),
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplyKind {
    Apply,
    Assume,
    Instantiate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TacticWith {
    /// `with X = e, ...`
    Lets(Vec<Match>),
    /// `with invariant ... definition ... trigger ...` (optionally in braces)
    Items {
        items: Vec<TacticItem>,
        braces: bool,
    },
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(TacticItemTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum TacticItem {
    Invariant(LabeledFmla),
    Definition {
        lhs: TypedDefnLhs,
        rhs: Expr,
        span: Span,
    },
    Trigger {
        name: Path,
        terms: Vec<Expr>,
        span: Span,
    },
}

/// `[label] prop` where prop is a formula or a schema body `{ ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledProp {
    pub label: Option<Label>,
    pub prop: Prop,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Fmla(Expr),
    Schema(SchemaBody),
}

/// `{ decls... conclusion }`; the last item is the conclusion (a `property`
/// or `definition`).
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaBody {
    pub items: Vec<SchemaItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchemaItem {
    pub kind: SchemaItemKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(SchemaItemTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum SchemaItemKind {
    /// `[fresh] function ...`
    Function { fresh: bool, decls: Vec<SymbolDecl> },
    /// `[fresh] individual ...`
    Individual { fresh: bool, decls: Vec<SymbolDecl> },
    /// `[fresh] relation ...`
    Relation { fresh: bool, decls: Vec<SymbolDecl> },
    /// `type t`
    Type(Ident),
    /// `[explicit] property [l] prop`
    Property { explicit: bool, prop: LabeledProp },
    /// `theorem [l] prop`
    Theorem(LabeledProp),
    /// `definition lhs = rhs`
    Definition(Defn),
    /// A nested schema `{ ... }`.
    Nested(SchemaBody),
}

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct Decl {
    pub kind: DeclKind,
    pub span: Span,
}

/// The right-hand side of `type t = ...` / `variant t of u = ...`.
#[derive(Debug, Clone, PartialEq)]
pub enum Sort {
    /// `{a, b, c}`
    Enum(Vec<Ident>),
    /// `{lo .. hi}`
    Range { lo: Ident, hi: Ident },
    /// `struct { f:t, g(X:u):v }`
    Struct(Vec<TypedName>),
}

/// `interpret` operands: a sort/function name, an operator, or native code.
#[derive(Debug, Clone, PartialEq)]
pub enum Oper {
    Name(Path),
    Op(OpName),
    Native(NativeQuote),
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(InterpretTargetTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum InterpretTarget {
    /// `-> int`, `-> bv[8]`, `-> <<<...>>>`, `-> +`
    Oper(Oper),
    /// `-> {lo .. hi}`
    Range { lo: Expr, hi: Expr },
    /// `-> {a, b, c}`
    Enum(Vec<Ident>),
}

/// An instance/module argument.
#[derive(Debug, Clone, PartialEq)]
pub enum ModuleArg {
    Name(Path),
    Var(Binder),
    Op(OpName),
    True(Span),
    False(Span),
}

/// `name` or `name(args)` naming a module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleRef {
    pub name: Path,
    pub args: Option<Vec<ModuleArg>>,
    pub span: Span,
}

/// One item of `instance`/`instantiate`/`autoinstance`:
/// `module_ref` or `name : module_ref`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub name: Option<ModuleRef>,
    pub module: ModuleRef,
    pub span: Span,
}

/// The section kind in `specification { ... }` and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Specification,
    Implementation,
    Private,
    /// `global { ... }` (accepted as an extension: ms-ivy 1.7 rejects it)
    Global,
    /// `common { ... }` (accepted as an extension: ms-ivy 1.7 rejects it)
    Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportExport {
    Import,
    Export,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MonitorKind {
    Before,
    After,
    Implement,
}

/// What `around` wraps: statements before and after the `...`.
#[derive(Debug, Clone, PartialEq)]
pub struct AroundBody {
    pub before: Vec<Stmt>,
    pub after: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttributeValue {
    Atom(CallAtom),
    True(Span),
    False(Span),
}

/// `module` category: `module object m = ...` / `module isolate m = ...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModuleCategory {
    Object,
    Isolate,
}

/// `object` or `class`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Object,
    Class,
}

/// `parameter` right-hand side default value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamDefault {
    True(Span),
    False(Span),
    Name(Ident),
}

#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(DeclTag), derive(Hash, EnumIter, IntoStaticStr))]
pub enum DeclKind {
    /// `include name`
    Include(Ident),
    /// `using name`
    Using(Ident),
    /// `[finite] [ghost] type name [= sort]` (`name` may be `this`)
    Type {
        finite: bool,
        ghost: bool,
        name: Ident,
        sort: Option<Sort>,
    },
    /// `variant t of u [= sort]`
    Variant {
        name: Ident,
        of: Path,
        sort: Option<Sort>,
    },
    /// `interpret oper -> target`
    Interpret { oper: Oper, target: InterpretTarget },
    /// `relation r(X:t), s(x:t) = ...`
    Relation(Vec<SymbolDecl>),
    /// `function f(X:t) : u [= def], ...`
    Function(Vec<SymbolDecl>),
    /// `individual x:t, y:u`
    Individual(Vec<TypedName>),
    /// `var x:t` (state variable at declaration level)
    Var(Vec<TypedName>),
    /// `destructor f(X:t):u`
    Destructor(Vec<TypedName>),
    /// `constructor f(X:t):u`
    Constructor(Vec<TypedName>),
    /// `parameter x:t [= default]`
    Parameter {
        name: TypedName,
        default: Option<ParamDefault>,
    },
    /// `derived d(X) = e, ...`
    Derived(Vec<Defn>),
    /// `[explicit] definition [l] defn [proof ...]`, `definition { defn }`
    Definition {
        explicit: bool,
        label: Option<Label>,
        defn: Defn,
        braces: bool,
        proof: Option<ProofStep>,
    },
    /// `[explicit] [temporal] axiom [l] prop`
    Axiom {
        explicit: bool,
        temporal: bool,
        prop: LabeledProp,
    },
    /// `[explicit] [temporal] property [l] fmla [named lhs] [proof ...]`
    Property {
        explicit: bool,
        temporal: bool,
        fmla: LabeledFmla,
        named: Option<DefnLhs>,
        proof: Option<ProofStep>,
    },
    /// `conjecture [l] fmla`
    Conjecture(LabeledFmla),
    /// `init [l] fmla` (Ivy 1.6 and older): the initial state satisfies it.
    Init(LabeledFmla),
    /// `private a.b` (Ivy 1.5 and 1.6): hides the object from isolates
    /// that do not name it.
    PrivateName(CallAtom),
    /// `[explicit] invariant [l] fmla [proof ...]`
    Invariant {
        explicit: bool,
        fmla: LabeledFmla,
        proof: Option<ProofStep>,
    },
    /// `schema name(args) = { ... }`
    Schema { lhs: DefnLhs, body: Prop },
    /// `theorem name = { ... } [proof ...]` or `theorem [l] { ... } [proof ...]`
    Theorem {
        name: TheoremName,
        body: Prop,
        proof: Option<ProofStep>,
    },
    /// `proof [l] step` not attached to a preceding declaration (a
    /// `proof` directly following a `property`, `invariant`, `definition`
    /// or `theorem` is attached to it instead, as in Ivy).
    Proof {
        label: Option<Label>,
        step: ProofStep,
    },
    /// `instance|instantiate x : m(a), ...`
    Instantiate(Vec<Instance>),
    /// `autoinstance x : m(a), ...`
    Autoinstance(Vec<Instance>),
    /// `module [object|isolate] m(p, ...) [with a, b] = { ... }`
    Module {
        category: Option<ModuleCategory>,
        name: Ident,
        /// The formal parameters as written (`t`, `X`, ...), `None` without parentheses.
        params: Option<Vec<Expr>>,
        with: Vec<CallAtom>,
        body: Vec<Decl>,
    },
    /// `object o(p:t) = { [...] ... }` / `class c = { ... }`
    Object {
        kind: ObjectKind,
        name: Ident,
        params: Vec<Param>,
        continuation: bool,
        body: Vec<Decl>,
    },
    /// `macro m(x) = { ... }`
    Macro { name: CallSegment, body: Block },
    /// `[import|export] action|method name(params) [returns(params)] [= body | = *]`
    Action {
        import_export: Option<ImportExport>,
        method: bool,
        name: Ident,
        params: Vec<Param>,
        returns: Vec<Param>,
        body: Option<ActionDef>,
    },
    /// `mixin a before|after b`
    Mixin {
        mixer: CallAtom,
        kind: MonitorKind,
        mixee: CallAtom,
    },
    /// `before|after|implement a.b(params) [returns(..)] { ... }`
    Monitor {
        kind: MonitorKind,
        action: Path,
        params: Vec<Param>,
        returns: Vec<Param>,
        body: ActionBody,
    },
    /// `around a.b(params) [returns(..)] { before ... after }`
    Around {
        action: Path,
        params: Vec<Param>,
        returns: Vec<Param>,
        body: AroundBody,
    },
    /// `after init [(params)] { ... }`
    AfterInit {
        params: Vec<Param>,
        body: ActionBody,
    },
    /// `implement type t with u`
    ImplementType { ty: Ident, with: Ident },
    /// `[trusted] isolate name(params) = a, b [with c, d]`
    Isolate {
        trusted: bool,
        name: Ident,
        params: Vec<Param>,
        targets: Vec<CallAtom>,
        with: Vec<CallAtom>,
    },
    /// `[trusted] isolate name(params) = { ... } [with c, d]`
    IsolateObject {
        trusted: bool,
        name: Ident,
        params: Vec<Param>,
        body: Vec<Decl>,
        with: Vec<CallAtom>,
    },
    /// `extract name(params) = a, b`
    Extract {
        name: Ident,
        params: Vec<Param>,
        targets: Vec<CallAtom>,
    },
    /// `extract name(params) = { ... } [with ...]`
    ExtractObject {
        name: Ident,
        params: Vec<Param>,
        body: Vec<Decl>,
        with: Vec<CallAtom>,
    },
    /// `export a.b` / `import a.b`
    ImportExport {
        kind: ImportExport,
        action: CallAtom,
    },
    /// `delegate a, b [-> c]`
    Delegate {
        actions: Vec<CallAtom>,
        to: Option<CallAtom>,
    },
    /// `specification { ... }`, `implementation { ... }`, `private { ... }`
    Section { kind: SectionKind, body: Vec<Decl> },
    /// `alias name = a.b`
    Alias { name: Ident, target: CallAtom },
    /// `attribute a.b = value`
    Attribute {
        target: CallAtom,
        value: AttributeValue,
    },
    /// Top-level `<<< ... >>>` native code.
    Native(NativeQuote),
    /// `progress d = e, ...`
    Progress(Vec<Defn>),
    /// `concept c(X) = e, ...`: a concept of ms-ivy's legacy graphical
    /// interface (no effect on checking).
    Concept(Vec<Defn>),
    /// `rely a [-> b]`
    Rely {
        lhs: CallSegment,
        rhs: Option<CallSegment>,
    },
    /// `mixord a -> b`
    Mixord { lhs: CallAtom, rhs: CallAtom },
    /// `unprovable property ...` / `unprovable invariant ...` (Ivy 1.8).
    Unprovable(Box<Decl>),
    /// `subclass c of t = { ... }` (Ivy 1.8): a class whose sort is a
    /// variant of `t`.
    Subclass {
        name: Ident,
        of: Path,
        continuation: bool,
        body: Vec<Decl>,
    },
    /// `field f : t, ...` (Ivy 1.8, in a class): a destructor of the
    /// class's sort.
    Field(Vec<TypedName>),
    /// Placeholder where the parser recovered from an error.
    Error,
}

/// How a theorem is named: `theorem name(args) = ...` or `theorem [l] ...`.
#[derive(Debug, Clone, PartialEq)]
pub enum TheoremName {
    Lhs(DefnLhs),
    Label(Label),
}

/// The definition of an action.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionDef {
    /// `= { ... }` or `= { <<< native >>> }`
    Body(ActionBody),
    /// `= *`
    Star(Span),
}
