//! The imperative IR: a module's types, state, host-supplied parameters,
//! definitions, init code, actions (methods) and imported actions
//! (callbacks), with statements and expressions that a code generator can
//! print one to one. Every name is an index into a table of the module;
//! tables carry a sanitised identifier stem (`[A-Za-z0-9_]`, never `__`,
//! unique per table) that generators prefix to make their identifiers.

use serde::Serialize;

/// How values of a sort are represented.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "k")]
pub enum Type {
    Bool,
    /// An uninterpreted sort: ids `0..size`, the size given at construction.
    /// `sort` indexes [`Module::sorts`].
    Id {
        sort: usize,
    },
    /// An enumerated sort; `sort` indexes [`Module::enums`].
    Enum {
        sort: usize,
    },
    Int,
    /// Natural numbers: subtraction truncates at 0.
    Nat,
    /// An Ivy range sort `{lo..hi}`: values in `[lo, hi]`, arithmetic
    /// results clamped into it (saturating).
    Range {
        lo: i64,
        hi: i64,
    },
    /// Bit vectors of the given width (1..=64).
    Bv {
        width: u32,
    },
    Str,
    /// A struct sort (a record with one member per field); `sort` indexes
    /// [`Module::structs`].
    Struct {
        sort: usize,
    },
}

impl Type {
    /// Whether the values of the type can be enumerated at run time (the
    /// domain of a dense table, the range of a quantifier loop).
    pub fn is_finite(&self) -> bool {
        matches!(self, Type::Bool | Type::Id { .. } | Type::Enum { .. })
    }
}

/// An uninterpreted sort.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SortInfo {
    /// Ivy name (`node`, `proto.id`).
    pub name: String,
    pub ident: String,
    /// Whether the extracted code uses the sort (only used sorts have a
    /// size parameter).
    pub used: bool,
}

/// An enumerated sort.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnumInfo {
    pub name: String,
    pub ident: String,
    /// Constructor identifier stems, in declaration order.
    pub ctors: Vec<String>,
    /// Constructor Ivy names, in declaration order.
    pub ctor_names: Vec<String>,
}

/// A struct sort (a record type), or a sort with variants (a tagged
/// union: `variant req of msg`, see `variant.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StructInfo {
    pub name: String,
    pub ident: String,
    /// The fields, in declaration order; for a sort with variants, its
    /// alternatives: one per variant sort, in declaration order, `name`
    /// the variant sort, `short` the tag the REPL reads and prints.
    pub fields: Vec<FieldInfo>,
    /// A sort with variants: a value is none of them (tag 0) or the value
    /// of one alternative (tag `k + 1` for `fields[k]`).
    pub variant: bool,
    /// Whether the extracted code uses the struct (its id fields then need
    /// the sizes of their sorts).
    pub used: bool,
}

/// A field of a struct (a destructor without extra arguments).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    /// Ivy name (`pt.x`).
    pub name: String,
    /// The last segment of the name (`x`), as the REPL reads and prints it.
    pub short: String,
    pub ident: String,
    pub ty: Type,
}

/// A field of a struct: [`Module::structs`]`[strct].fields[field]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FieldRef {
    pub strct: usize,
    pub field: usize,
}

/// How a symbol with arguments is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Storage {
    /// No arguments: a plain value.
    Scalar,
    /// Every argument sort is finite: a dense table sized at construction.
    Dense,
    /// Some argument sort is unbounded: a hash map with a default value.
    Hash,
}

/// A state variable, a host-supplied parameter or a local: a relation,
/// function or individual.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Var {
    /// Ivy name.
    pub name: String,
    pub ident: String,
    pub args: Vec<Type>,
    pub ret: Type,
    pub storage: Storage,
}

/// A definition `f(params) = body`, compiled as a function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Def {
    pub name: String,
    pub ident: String,
    /// Locals of the definition: its parameters and quantified variables.
    pub locals: Vec<Local>,
    /// The parameters (indices into `locals`).
    pub params: Vec<usize>,
    pub ret: Type,
    pub body: Expr,
}

/// A local variable (parameter, return value, `var`, quantifier or loop
/// variable). Locals are unique within their action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Local {
    pub name: String,
    pub ident: String,
    pub ty: Type,
    /// Non-empty for an `old` snapshot of a symbol with arguments (a copy
    /// of the whole table): the argument types.
    pub args: Vec<Type>,
    pub storage: Storage,
    /// Bound by a quantifier or an update loop (declared by that loop), as
    /// opposed to declared at the top of the function.
    pub bound: bool,
}

/// Where a value is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "k")]
pub enum Place {
    /// A state variable (index into [`Module::state`]).
    State { var: usize },
    /// A local of the enclosing function (index into its locals).
    Local { local: usize },
}

/// An expression. Evaluation has no side effects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "k")]
pub enum Expr {
    Bool {
        value: bool,
    },
    /// A numeral of an interpreted sort.
    Num {
        value: String,
        ty: Type,
    },
    Str {
        value: String,
    },
    EnumLit {
        sort: usize,
        ctor: usize,
    },
    /// Read a state variable / local, at arguments (none for a scalar).
    Read {
        place: Place,
        args: Vec<Expr>,
    },
    /// Read a host-supplied parameter (index into [`Module::params`]).
    Param {
        param: usize,
        args: Vec<Expr>,
    },
    /// Call a definition (index into [`Module::defs`]).
    Def {
        def: usize,
        args: Vec<Expr>,
    },
    Eq {
        a: Box<Expr>,
        b: Box<Expr>,
    },
    Not {
        a: Box<Expr>,
    },
    And {
        items: Vec<Expr>,
    },
    Or {
        items: Vec<Expr>,
    },
    Implies {
        a: Box<Expr>,
        b: Box<Expr>,
    },
    Iff {
        a: Box<Expr>,
        b: Box<Expr>,
    },
    Ite {
        c: Box<Expr>,
        t: Box<Expr>,
        e: Box<Expr>,
        ty: Type,
    },
    /// A quantifier over finite types: loops over the bound locals.
    Forall {
        vars: Vec<usize>,
        body: Box<Expr>,
    },
    Exists {
        vars: Vec<usize>,
        body: Box<Expr>,
    },
    /// Whether a value of a sort with variants is of the variant
    /// `alt` (`e isa s`).
    Isa {
        base: Box<Expr>,
        alt: FieldRef,
    },
    /// A value of a variant converted to its parent sort (the upcast):
    /// the parent's value tagged `alt`.
    Upcast {
        value: Box<Expr>,
        alt: FieldRef,
    },
    /// The field `field` of a struct value; on a sort with variants, the
    /// alternative `field` (the downcast, read only where [`Expr::Isa`]
    /// holds).
    Field {
        base: Box<Expr>,
        field: FieldRef,
    },
    /// An interpreted operator; `ty` is the sort of the operands.
    Op {
        op: Op,
        ty: Type,
        args: Vec<Expr>,
    },
}

/// Interpreted operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    BvAnd,
    BvOr,
    BvNot,
}

/// Which runtime check a statement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CheckKind {
    Require,
    Ensure,
    Assert,
    Assume,
    LoopInvariant,
}

/// A statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "k")]
pub enum Stmt {
    /// `place(args).fields := value` for every value of the `loops` locals
    /// (finite types, bound by this statement) that occur among `args`;
    /// `fields` is a path into a struct value (empty: the whole value).
    /// When the value reads the place being updated, the lowering first
    /// copies it with a [`Stmt::Snapshot`] and the value reads the copy.
    Assign {
        place: Place,
        loops: Vec<usize>,
        args: Vec<Expr>,
        fields: Vec<FieldRef>,
        value: Expr,
    },
    /// Every entry of a table-valued place set to `value` (a parameterised
    /// update over all arguments with a value that does not depend on them).
    Fill {
        place: Place,
        value: Expr,
    },
    /// Copy a whole state variable into a local (`old` snapshots).
    Snapshot {
        local: usize,
        var: usize,
    },
    /// `place.fields := *` on a scalar: the host's choice (see `choose`);
    /// `ty` is the type of the value chosen.
    Havoc {
        place: Place,
        fields: Vec<FieldRef>,
        ty: Type,
        site: usize,
    },
    /// Havocs over finite types constrained right away by assumptions
    /// (`n := *; assume p(n)`, `var n:t; assume p(n)`): each target runs
    /// over its type starting at the host's choice for its site (then the
    /// following values, wrapping around) until every `conds` holds; when
    /// no combination does, a failed `require` with `message`.
    Search {
        targets: Vec<SearchTarget>,
        conds: Vec<Expr>,
        message: String,
    },
    If {
        cond: Expr,
        then_: Vec<Stmt>,
        else_: Vec<Stmt>,
    },
    /// Search the finite domains of `vars` for the first witness of `cond`.
    IfSome {
        vars: Vec<usize>,
        cond: Expr,
        then_: Vec<Stmt>,
        else_: Vec<Stmt>,
    },
    /// `if *`: the host's choice among the branches (see `choose`).
    Choice {
        site: usize,
        branches: Vec<Vec<Stmt>>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
    },
    /// Call an action of the module (index into [`Module::actions`]).
    Call {
        action: usize,
        args: Vec<Expr>,
        results: Vec<Place>,
    },
    /// Call an imported action: the host's callback.
    Callback {
        callback: usize,
        args: Vec<Expr>,
        results: Vec<Place>,
    },
    /// Locals scoped over the body (declared with a default value).
    Block {
        locals: Vec<usize>,
        body: Vec<Stmt>,
    },
    /// A runtime check; `message` says what and where (`file:line:col`).
    Check {
        kind: CheckKind,
        cond: Expr,
        message: String,
    },
    /// Native C++ statements (a `<<< ... >>>` action body), printed as
    /// written with their references to Ivy names substituted.
    Native {
        code: Vec<NativePiece>,
    },
    /// Send `value` (serialised) as one datagram to endpoint `dst` of the
    /// network [`Module::udp`]`[net]`: the code of `send` of an `include
    /// udp` network (`udp.rs`).
    UdpSend {
        net: usize,
        dst: Expr,
        value: Expr,
    },
}

/// A network of `include udp`: an object marked `attribute ivyc_udp =
/// true` (an instance of the standard library's `udp_wrapper`). Its
/// `send` is a [`Stmt::UdpSend`]; a process delivers each datagram it
/// receives by calling `recv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UdpNet {
    /// Ivy name of the marked object (`net.impl`).
    pub object: String,
    /// The type of endpoint ids (an uninterpreted sort).
    pub addr: Type,
    /// The type of packets.
    pub pkt: Type,
    /// The exported action delivering a packet (`OBJECT.handle_recv`),
    /// index into [`Module::actions`]; `None` if it is not extracted.
    pub recv: Option<usize>,
    /// Whether `recv` takes the receiving endpoint's id first (the object
    /// is parameterised by the endpoint, as in `udp_simple`).
    pub recv_takes_me: bool,
}

/// A timer of `include timeout`: an object marked `attribute ivyc_timer =
/// true` (an instance of the standard library's `timeout_wrapper`). A
/// process calls its `handle_timeout` every `period_ms` milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Timer {
    /// Ivy name of the marked object (`tmr.impl`).
    pub object: String,
    /// The action run at each expiry (`OBJECT.handle_timeout`), index into
    /// [`Module::actions`]; `None` if it is not extracted (outside the
    /// extracted isolate).
    pub action: Option<usize>,
    /// The type of the node id `action` takes, if any (the timer is
    /// parameterised by a node, `instance tmr(X:node) : timeout_sec`, an
    /// uninterpreted sort): it then fires only in a process that is node
    /// `N` of the program's network (`--me N`), with `N`.
    pub me: Option<Type>,
    /// The period, in milliseconds.
    pub period_ms: u32,
}

/// A piece of native code: text, or a reference to an Ivy name, printed
/// as the C++ identifier the generator gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "k")]
pub enum NativePiece {
    Text {
        text: String,
    },
    State {
        var: usize,
    },
    Param {
        param: usize,
    },
    Def {
        def: usize,
    },
    /// A struct field: its member name (`f_NAME`).
    Field {
        field: FieldRef,
    },
    /// A local of the enclosing function.
    Local {
        local: usize,
    },
    /// An action: its method (`a_NAME`).
    Action {
        action: usize,
    },
    /// An action the host implements: its callback (`cb_NAME`).
    Callback {
        callback: usize,
    },
    EnumLit {
        sort: usize,
        ctor: usize,
    },
    /// A sort: its C++ type.
    Type {
        ty: Type,
    },
}

/// Where a top-level native block goes (ms-ivy's placement words).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Placement {
    /// At the top of the header, before the module's namespace (`#include`s).
    Header,
    /// After the class, outside the namespace; names are qualified.
    Impl,
    /// Inside the class (public members).
    Member,
    /// At the start of `initialize()`, once the parameters are set and
    /// before the `after init` code.
    Init,
}

/// A top-level native block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Native {
    pub placement: Placement,
    pub code: Vec<NativePiece>,
}

/// A value a [`Stmt::Search`] chooses: `place.fields`, of finite type
/// `ty`, enumerated from the host's choice at `site`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchTarget {
    pub place: Place,
    pub fields: Vec<FieldRef>,
    pub ty: Type,
    pub site: usize,
}

/// An action: a method of the generated class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Func {
    pub name: String,
    pub ident: String,
    /// Exported: a public method (and a REPL command).
    pub exported: bool,
    pub params: Vec<usize>,
    pub returns: Vec<usize>,
    pub locals: Vec<Local>,
    pub body: Vec<Stmt>,
}

/// An imported action: implemented by the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Callback {
    pub name: String,
    pub ident: String,
    pub params: Vec<Local>,
    pub returns: Vec<Local>,
}

/// An axiom the host's parameters must satisfy, evaluable at run time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Axiom {
    pub message: String,
    /// Locals of the quantifiers.
    pub locals: Vec<Local>,
    pub cond: Expr,
}

/// An invariant a test driver evaluates on the state (only lowered for
/// `ivyc test`, see [`crate::lower::lower_with_invariants`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invariant {
    /// `[label]`, or the source text of the formula.
    pub label: String,
    /// `file:line:col` of the invariant.
    pub span: String,
    /// Locals of the quantifiers.
    pub locals: Vec<Local>,
    pub cond: Expr,
}

/// An invariant that cannot be evaluated on the C++ state, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UncheckedInvariant {
    pub label: String,
    pub span: String,
    pub why: String,
}

/// A whole module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Module {
    /// Name of the module (the input file's stem or the isolate).
    pub name: String,
    pub ident: String,
    pub sorts: Vec<SortInfo>,
    pub enums: Vec<EnumInfo>,
    /// Struct sorts, each after the structs its fields contain.
    pub structs: Vec<StructInfo>,
    pub state: Vec<Var>,
    /// Immutable symbols without a definition: supplied by the host.
    pub params: Vec<Var>,
    pub defs: Vec<Def>,
    /// Axioms over the parameters that can be checked at run time.
    pub axioms: Vec<Axiom>,
    /// Axioms that cannot be evaluated (unbounded quantifiers): the host
    /// is trusted to satisfy them. Their source text positions.
    pub unchecked_axioms: Vec<String>,
    /// Locals of the init code.
    pub init_locals: Vec<Local>,
    pub init: Vec<Stmt>,
    pub actions: Vec<Func>,
    pub callbacks: Vec<Callback>,
    /// Number of `choose` sites (havocs, searches and `if *`).
    pub choice_sites: usize,
    /// State symbols of `specification` sections left out (ghost).
    pub ghost: Vec<String>,
    /// Invariants evaluable on the state (empty unless lowered with
    /// invariants, for test drivers).
    pub invariants: Vec<Invariant>,
    /// Invariants that cannot be evaluated on the state (idem).
    pub unchecked_invariants: Vec<UncheckedInvariant>,
    /// Top-level native blocks, in declaration order (identical header
    /// and impl blocks once, as ms-ivy does for module instances).
    pub natives: Vec<Native>,
    /// The `include udp` networks of the program (at most one for now).
    pub udp: Vec<UdpNet>,
    /// The `include timeout` timers of the program, in declaration order.
    pub timers: Vec<Timer>,
}
