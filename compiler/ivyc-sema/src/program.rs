//! The checked, flattened program produced by [`crate::check`]: every name is
//! resolved to an `ivyc_logic` id (sorts, symbols, actions), modules and
//! objects are expanded, monitors are woven into their actions, and action
//! bodies are a small resolved statement tree over logic [`Term`]s.
//!
//! Conventions (stable; later versions only add items):
//!
//! * **Names.** Every sort and symbol in [`Program::sig`] has its full dotted
//!   name (`proto.leader`, `ring.btw`). Roles: `State` for mutable
//!   relations/functions/individuals/`var`s; `Rigid` for immutable ones:
//!   symbols mentioned in an axiom (assigning them is an error), `parameter`s,
//!   definitions whose body mentions only rigid symbols, numerals and `<`/`+`
//!   on uninterpreted sorts; `EnumCtor` for enum constructors; `Local` for
//!   action parameters/returns/locals and the `old` snapshots.
//! * **Overloaded operators.** `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `/` on
//!   an interpreted sort become [`ivyc_logic::BuiltinOp`]s. On an uninterpreted
//!   sort `t`, `<` is the rigid relation named `<` with arguments `(t, t)`
//!   (one symbol per sort, all named `<`), declared by sema on first use unless
//!   the program declares it; `>`, `<=` and `>=` on such sorts are rewritten
//!   with `<` exactly as Ivy does (`x > y` is `y < x`, `x <= y` is
//!   `x < y | x = y`). Numerals on an uninterpreted sort are rigid constants
//!   named by the numeral (`0`, `1`, ...).
//! * **Spans.** Every term keeps the span of its source application /
//!   quantifier / operator (`Term::span`).
//! * **Free variables.** Axioms, invariants and properties are closed: free
//!   capitalised variables are universally quantified at the top.
//! * **`old`.** `old f(args)` (allowed in `ensure` and in `after` monitors)
//!   refers to a snapshot: for every symbol `f` read under `old` in an action,
//!   sema declares a `Local` symbol `f#k` of the same arity and sorts (recorded
//!   in [`ActionDef::olds`] as `(snapshot, original)`) and the action body
//!   starts with the statements `f#k(X1..Xn) := f(X1..Xn)` (kind
//!   [`StmtKind::Assign`] with variable arguments). `old e` is then `f#k(e')`.
//! * **Monitors.** `before` monitors are woven in at the start of the action
//!   body (after the `old` snapshots), in declaration order; `implement`
//!   supplies the body; `after` monitors are appended at the end, in
//!   declaration order, and see the return values (the monitor's names for
//!   parameters/returns are mapped to the action's symbols). Statements that
//!   came from monitors carry the monitor's spans.
//! * **Calls.** `call a(x)`, `a(x)` as a statement, `y := a(x)`,
//!   `(y, z) := a(x)` and calls to actions nested in expressions are
//!   [`StmtKind::Call`]s; results are always 0-ary symbols (`Local` temporaries
//!   introduced by sema when the target is not a plain individual/local, with
//!   a following `Assign`). Calls are not inlined.
//! * **Definitions.** `definition f(X) = e`, `function f(X:t):u = e`,
//!   `relation r(X:t) = e` and `derived` are [`Definition`]s; their symbol is
//!   declared in the signature (role `Rigid` if the body mentions only rigid
//!   symbols, `State` otherwise — such derived symbols are never assigned, the
//!   lowering must expand or constrain them in every state).
//! * **Structs.** `type t = struct { f : s }` declares an uninterpreted sort
//!   `t` and a `Rigid` destructor `f(X:t) : s` named in the scope of the type
//!   (listed in [`Program::destructors`]); `x.f` is `f(x)`. A field
//!   assignment `x.f := v` (also `f(x) := v`, nested `x.f.g := v`) becomes
//!   `n := *; assume f(n) = v & g(n) = g(x) & ...; x := n` with a fresh
//!   `Local` `n` (inside a [`StmtKind::Local`]), as in Ivy: the root `x`
//!   changes, the destructors do not. [`Program::field_updates`] records,
//!   for each such `n`, the assignment it came from (for extraction).

use ivyc_base::{Span, Symbol};
use ivyc_logic::{Property, Signature, SortId, SymId, Term, Var};
use std::collections::HashMap;

/// Index of an action in [`Program::actions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId(pub u32);

impl ActionId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The section of an object a declaration was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Section {
    /// Outside any `specification`/`implementation`/`private` section.
    #[default]
    Common,
    Specification,
    Implementation,
    Private,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Common => "common",
            Section::Specification => "specification",
            Section::Implementation => "implementation",
            Section::Private => "private",
        }
    }
}

/// Where a member was declared: the enclosing object (full dotted name, or
/// `None` at top level) and section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Origin {
    pub object: Option<Symbol>,
    pub section: Section,
}

/// Where a sort gets its interpretation (`interpret t -> ...` or a range
/// type `type t = {lo..hi}`): units where that object is not present see
/// the sort uninterpreted, as in Ivy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpretation {
    pub sort: SortId,
    pub origin: Origin,
}

/// A defined symbol: `sym(params) = body` for all values of the params.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    pub sym: SymId,
    /// One variable per argument of `sym`, in order.
    pub params: Vec<Var>,
    pub body: Term,
    pub span: Span,
    /// Where the definition is written: units that do not see that object
    /// keep `sym` undefined (as Ivy does).
    pub origin: Origin,
    /// `explicit definition` (Ivy: a definition schema): used only by the
    /// units whose isolate names the defined symbol or the definition's
    /// label in its `with` list; elsewhere `sym` stays undefined.
    pub explicit: bool,
    /// The definition's label (full dotted name), if any.
    pub label: Option<Symbol>,
}

/// A block of statements.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Block {
    pub stmts: Vec<Stmt>,
}

impl Block {
    pub fn new(stmts: Vec<Stmt>) -> Block {
        Block { stmts }
    }

    pub fn is_empty(&self) -> bool {
        self.stmts.is_empty()
    }

    /// Calls `f` on every statement of the block and of the blocks nested
    /// in it (a statement before its nested ones). With `ghost == false`
    /// the statements inside [`StmtKind::Ghost`] are skipped.
    pub fn walk<'a>(&'a self, ghost: bool, f: &mut impl FnMut(&'a Stmt)) {
        Block::walk_stmts(&self.stmts, ghost, f)
    }

    /// [`Block::walk`] over a run of statements (e.g. one part of an
    /// action's body).
    pub fn walk_stmts<'a>(stmts: &'a [Stmt], ghost: bool, f: &mut impl FnMut(&'a Stmt)) {
        for s in stmts {
            f(s);
            match &s.kind {
                StmtKind::If { then_, else_, .. } | StmtKind::IfSome { then_, else_, .. } => {
                    then_.walk(ghost, f);
                    else_.walk(ghost, f);
                }
                StmtKind::Choice(bs) => bs.iter().for_each(|b| b.walk(ghost, f)),
                StmtKind::While { body, .. } | StmtKind::Local { body, .. } => body.walk(ghost, f),
                StmtKind::Ghost(body) if ghost => body.walk(ghost, f),
                StmtKind::Ghost(_)
                | StmtKind::Assign { .. }
                | StmtKind::Havoc { .. }
                | StmtKind::Call { .. }
                | StmtKind::Assert { .. }
                | StmtKind::Assume(_)
                | StmtKind::Native(_) => {}
            }
        }
    }

    /// The actions called in the block (in order, with repetitions);
    /// `ghost` as for [`Block::walk`].
    pub fn calls(&self, ghost: bool) -> Vec<ActionId> {
        let mut out = Vec::new();
        self.walk(ghost, &mut |s| {
            if let StmtKind::Call { action, .. } = &s.kind {
                out.push(*action);
            }
        });
        out
    }
}

/// A resolved statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    /// The terms written in the statement itself (not in its nested
    /// blocks): conditions, arguments, values, asserted formulas, loop
    /// invariants and the measure of a loop variant.
    pub fn terms(&self) -> Vec<&Term> {
        match &self.kind {
            StmtKind::Assign { args, value, .. } => args.iter().chain([value]).collect(),
            StmtKind::Havoc { args, .. } | StmtKind::Call { args, .. } => args.iter().collect(),
            StmtKind::If { cond, .. } | StmtKind::IfSome { cond, .. } => vec![cond],
            StmtKind::While {
                cond,
                invariants,
                assumed,
                variant,
                ..
            } => [cond]
                .into_iter()
                .chain(invariants.iter().map(|p| &p.formula))
                .chain(assumed.iter().map(|p| &p.formula))
                .chain(variant.iter().map(|v| &v.measure))
                .collect(),
            StmtKind::Assert { formula, .. } | StmtKind::Assume(formula) => vec![formula],
            StmtKind::Choice(_)
            | StmtKind::Local { .. }
            | StmtKind::Ghost(_)
            | StmtKind::Native(_) => Vec::new(),
        }
    }
}

/// The kind of a checked assertion statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssertKind {
    Assert,
    Ensure,
    Require,
    /// `ensures` (Ivy 1.6 and older): checked wherever its code is present,
    /// even where other assertions are assumed.
    Ensures,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `sym(args) := value`. `args` may contain variables (a parameterised
    /// update `r(X, n) := e` updates `r` at every `X`, with `n` fixed; `value`
    /// may mention the same variables). `args` is empty for individuals.
    Assign {
        sym: SymId,
        args: Vec<Term>,
        value: Term,
    },
    /// `sym(args) := *` (args may contain variables, as for `Assign`).
    Havoc {
        sym: SymId,
        args: Vec<Term>,
    },
    If {
        cond: Term,
        then_: Block,
        else_: Block,
    },
    /// `if some x:t. cond { then_ } else { else_ }`: `vars` are fresh
    /// `Local` 0-ary symbols mentioned by `cond` and `then_`. Meaning: if
    /// some values of the locals satisfy `cond`, pick such values and run
    /// `then_`, else run `else_` (where the locals are unconstrained).
    IfSome {
        vars: Vec<SymId>,
        cond: Term,
        /// With `minimizing`/`maximizing`, `cond` includes the optimality of
        /// the witness and this is the condition without it: as in Ivy, the
        /// `else` branch is taken when no value satisfies this one.
        base: Option<Term>,
        then_: Block,
        else_: Block,
    },
    /// `if * { a } else { b }`: nondeterministic choice between the blocks.
    Choice(Vec<Block>),
    /// `while cond invariant ... decreases e { body }`.
    While {
        cond: Term,
        /// Checked on entry and after the body; assumed at the head
        /// unless `explicit` (the goals of an invariant's proof).
        invariants: Vec<Property>,
        /// Assumed at the head only: the loop invariants with a proof
        /// (their goals are in `invariants`).
        assumed: Vec<Property>,
        /// The loop variant of `decreases e`, if any.
        variant: Option<Variant>,
        body: Block,
    },
    /// A call of an action (not inlined). `results` receive the return
    /// values, in order (either empty, or exactly the callee's returns).
    Call {
        action: ActionId,
        args: Vec<Term>,
        results: Vec<SymId>,
    },
    /// Local variables (`Local` 0-ary symbols, unconstrained on entry)
    /// scoped over `body`. Also produced for `var x := e` (followed by an
    /// `Assign`) and for temporaries introduced by sema.
    Local {
        syms: Vec<SymId>,
        body: Block,
    },
    Assert {
        kind: AssertKind,
        /// The formula, free variables universally quantified (as it is
        /// checked).
        formula: Term,
        /// How Ivy reads it where it is assumed, if that differs: a leading
        /// `exists` binds outside the free variables (see
        /// `docs/verification.md`).
        assumed: Option<Term>,
        label: Option<Symbol>,
    },
    Assume(Term),
    /// Statements of a `before`/`after` monitor declared in a
    /// `specification` section: part of the verified model (the interface
    /// contract and its ghost state), not of the extracted code.
    Ghost(Block),
    /// A native body `<<< ... >>>` (the statement's span covers it). As in
    /// Ivy it cannot be verified: a unit that would inline or check it is
    /// an error, so it must sit in code no unit verifies (a trusted
    /// isolate, an implementation the verified code only calls through its
    /// specification). Extraction emits the code.
    Native(crate::native::NativeCode),
}

/// The loop variant `decreases e` of a `while` loop, with the two formulas
/// Ivy checks (ms-ivy's `WhileAction.expand`): `bounded` is `~(e < 0)`,
/// asserted when an iteration starts, and `decreases` is `e < rank`,
/// asserted after the body, where `rank` is a `Local` 0-ary symbol set to
/// `e` at the start of the iteration. `<` and `0` are the measure sort's
/// own: the builtins on int, nat, bit-vector and range sorts; on an
/// uninterpreted sort its rigid `<` relation and its numeral `0` (a rigid
/// constant, see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub measure: Term,
    pub rank: SymId,
    pub bounded: Term,
    pub decreases: Term,
    /// The measure's span.
    pub span: Span,
}

/// An action (or exported/imported interface action) of the flattened
/// program. Monitors are woven in (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDef {
    /// Full dotted name, e.g. `proto.send`.
    pub name: Symbol,
    /// Parameters: `Local` 0-ary symbols, in order (for actions of
    /// parameterised objects the object parameter comes first).
    pub params: Vec<SymId>,
    /// Return values: `Local` 0-ary symbols, in order.
    pub returns: Vec<SymId>,
    pub body: Block,
    pub exported: bool,
    pub imported: bool,
    /// `(snapshot, original)` for every symbol read under `old`; the first
    /// statements of `body` initialise the snapshots.
    pub olds: Vec<(SymId, SymId)>,
    /// True if the action was declared without a body (`action a(x:t)` or
    /// `= *`) and got none from an `implement`.
    pub abstract_: bool,
    /// `delegate a`: the assertions of its implementation are
    /// preconditions, guaranteed by the caller (assumed when the
    /// environment calls it), like `require`s.
    pub delegated: bool,
    pub origin: Origin,
    pub span: Span,
    /// Where the top-level statements of `body` came from, in order: the
    /// `old` snapshots, each `before` monitor, the implementation, each
    /// `after` monitor. Isolates use it to replace a call by the callee's
    /// specification (its monitors) when the implementation is not in scope.
    pub parts: Vec<BodyPart>,
}

/// What a stretch of an action's woven body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// Initialisation of the `old` snapshots.
    Olds,
    Before,
    /// The action's own body or its `implement`.
    Implementation,
    After,
}

/// A stretch `stmts` of the top-level statements of an action's body, with
/// the object whose code it is (the monitor's or `implement`'s object).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyPart {
    pub kind: PartKind,
    pub object: Option<Symbol>,
    pub section: Section,
    pub stmts: std::ops::Range<usize>,
    /// The action of a `mixin m before|after a` monitor (full name).
    pub mixer: Option<Symbol>,
}

impl ActionDef {
    /// The statements of one part of the body.
    pub fn part_stmts(&self, part: &BodyPart) -> &[Stmt] {
        self.body.stmts.get(part.stmts.clone()).unwrap_or(&[])
    }

    /// The object of the action's implementation: the object of its
    /// `implement` if it has one, else the object declaring the action.
    pub fn implementation_object(&self) -> Option<Symbol> {
        self.parts
            .iter()
            .find(|p| p.kind == PartKind::Implementation)
            .map(|p| p.object)
            .unwrap_or(self.origin.object)
    }
}

/// An `isolate` declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsolateDef {
    /// Full dotted name.
    pub name: Symbol,
    /// Full dotted names of the objects/actions/properties it verifies.
    pub members: Vec<Symbol>,
    /// Full dotted names of the `with` list.
    pub with: Vec<Symbol>,
    pub trusted: bool,
    pub span: Span,
}

/// An `attribute NAME = VALUE` declaration: `name` is the full dotted
/// name (the enclosing objects' prefix, then the written name, e.g.
/// `iso.method`), `value` the written value (`mc`, `true`, `bmc[3]`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: Symbol,
    pub value: String,
    pub span: Span,
}

impl Program {
    /// The value of attribute `attr` of isolate `isolate` as Ivy looks it
    /// up: `ISOLATE.ATTR`, or for an isolate named `X.iso` also `X.ATTR`;
    /// for the whole program (`None` or `this`), the top-level `ATTR`. The
    /// last declaration wins.
    pub fn isolate_attribute(&self, isolate: Option<Symbol>, attr: &str) -> Option<&str> {
        self.isolate_attribute_decl(isolate, attr)
            .map(|a| a.value.as_str())
    }

    /// `U` when the isolate's `method` is `bmc[N][U]`: its loops are
    /// unrolled `U` times (bounded model checking, as ms-ivy).
    pub fn loop_unrolling(&self, isolate: Option<Symbol>) -> Option<usize> {
        let value = self.isolate_attribute(isolate, "method")?;
        match parse_bmc_method(value)? {
            Ok((_, unroll)) => unroll,
            Err(_) => None,
        }
    }

    /// The declaration [`Program::isolate_attribute`] reads.
    pub fn isolate_attribute_decl(
        &self,
        isolate: Option<Symbol>,
        attr: &str,
    ) -> Option<&Attribute> {
        let mut names = Vec::new();
        match isolate.map(|s| s.as_str()) {
            None | Some("this") => names.push(attr.to_string()),
            Some(iso) => {
                names.push(format!("{iso}.{attr}"));
                if let Some(parent) = iso.strip_suffix(".iso") {
                    names.push(format!("{parent}.{attr}"));
                }
            }
        }
        names
            .iter()
            .find_map(|n| self.attributes.iter().rev().find(|a| a.name.as_str() == n))
    }
}

/// The checked, flattened program.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Program {
    /// All sorts and symbols (see the module docs for names and roles).
    pub sig: Signature,
    /// Axioms (assumed), closed, in source order. An `explicit` axiom
    /// (`Property::explicit`) is assumed only by the units whose isolate
    /// names its label in its `with` list (as in Ivy).
    pub axioms: Vec<Property>,
    /// Top-level `property`/`theorem` formulas to be proved from the axioms
    /// and definitions (not inductive invariants), closed, in source order.
    pub properties: Vec<Property>,
    pub definitions: Vec<Definition>,
    /// `after init` blocks, in order.
    pub inits: Vec<Block>,
    /// Where each `after init` block is written, aligned with `inits`: as
    /// in Ivy, each block is an action of its object, run by the
    /// environment (its `require`s are assumptions) and verified only by
    /// the unit that verifies that object (`docs/isolates.md`).
    pub init_origins: Vec<Origin>,
    pub actions: Vec<ActionDef>,
    /// `invariant`/`conjecture` formulas, closed, in source order. An
    /// `explicit` invariant is checked but never assumed (as in Ivy).
    pub invariants: Vec<Property>,
    pub isolates: Vec<IsolateDef>,
    /// `extract NAME = obj, ...` declarations (extraction units; no
    /// effect on verification).
    pub extracts: Vec<crate::extract_unit::ExtractUnit>,
    /// Origin of each axiom, aligned with `axioms`.
    pub axiom_origins: Vec<Origin>,
    /// The goals left by the proof of a property or theorem, by index
    /// into `properties` (`docs/proofs.md`): where the property is
    /// checked, these goals are checked instead, and the property is
    /// assumed after them.
    pub proof_goals: std::collections::BTreeMap<usize, Vec<ivyc_logic::ProofGoal>>,
    /// The goals left by the proof of an invariant, by index into
    /// `invariants` (`docs/proofs.md`): where the invariant is checked,
    /// each goal, as the formula `premises -> conclusion`, is checked
    /// (initiation and consecution) instead of it; the invariant is still
    /// assumed in pre-states.
    pub inv_proof_goals: std::collections::BTreeMap<usize, Vec<ivyc_logic::ProofGoal>>,
    /// Origin of each property, aligned with `properties`.
    pub property_origins: Vec<Origin>,
    /// Origin of each invariant, aligned with `invariants`.
    pub invariant_origins: Vec<Origin>,
    /// Origin of every declared (non-`Local`) symbol.
    pub symbol_origins: HashMap<SymId, Origin>,
    /// Destructors: the fields of `struct` sorts and `destructor`
    /// declarations, in declaration order.
    pub destructors: Vec<Destructor>,
    /// The sorts declared `type t = struct {...}` (also those with no
    /// fields), in declaration order.
    pub struct_sorts: Vec<SortId>,
    /// Each sort with variants (`variant s of t`) and its variants, in
    /// declaration order (see `variant.rs`; read by ivyc-ir).
    pub variants: Vec<(SortId, Vec<SortId>)>,
    /// Each field assignment's fresh value `n` (the `Local` symbol of the
    /// module docs' `n := *; assume ...; x := n`), with what was assigned:
    /// the `assume` it is declared for is verification's meaning, this is
    /// the same update for code generators (ivyc-ir).
    pub field_updates: HashMap<SymId, FieldUpdate>,
    /// Where each interpreted sort's interpretation is declared, by sort.
    pub interpretations: Vec<Interpretation>,
    /// Top-level native code blocks `<<< ... >>>` (ignored by
    /// verification, placed by extraction).
    pub natives: Vec<crate::native::NativeBlock>,
    /// Native types `interpret t -> <<< ... >>>` (uninterpreted for
    /// verification, refused by extraction).
    pub native_types: Vec<Span>,
    /// Temporal properties (with their proofs) and temporal axioms, over
    /// placeholder symbols (see `ivyc_logic::temporal`).
    pub temporal: ivyc_logic::Temporal,
    /// `attribute NAME = VALUE` declarations, in source order (read by the
    /// pipeline: `method = mc` asks for model checking, docs/mc.md).
    pub attributes: Vec<Attribute>,
    /// The language version of the root file; [`crate::version::Semantics`]
    /// says what it changes.
    pub version: ivyc_syntax::LangVersion,
    /// `init` conditions (Ivy 1.6 and older), closed, in source order:
    /// the state before the `after init` blocks run satisfies them.
    pub init_conds: Vec<Property>,
    /// Origin of each `init` condition, aligned with `init_conds`.
    pub init_cond_origins: Vec<Origin>,
    /// Objects declared `private NAME` (Ivy 1.5 and 1.6), full names.
    pub privates: Vec<Symbol>,
    /// Symbols that axioms mention and actions assign (allowed before Ivy
    /// 1.7; they keep role `State` and the axioms hold in every state).
    pub assigned_axiom_syms: Vec<SymId>,
    /// Definitions by choice over state symbols (`function f(X) = some Y.
    /// p(X,Y)` with `p` over state): as in Ivy, `f` is state chosen again
    /// after every write of a symbol in `deps` (what `p` depends on,
    /// through definitions and other choices), the chosen value being
    /// constrained by `constraint` (also an axiom, so it holds initially).
    pub state_choices: Vec<StateChoice>,
    /// `delegate m -> o`: the mixer `m` (full action name) and `o` (full
    /// name). As in Ivy, the `assert`s of the monitor `m` are checked (not
    /// assumed) in every unit that verifies `o`.
    pub delegated_to: Vec<(Symbol, Symbol)>,
}

/// A definition by choice over state symbols (see
/// [`Program::state_choices`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChoice {
    pub sym: SymId,
    /// Ivy's constraint on `sym`, closed.
    pub constraint: Term,
    /// The symbols whose writes make Ivy choose `sym` again.
    pub deps: std::collections::BTreeSet<SymId>,
}

/// A destructor `sym(X:sort, ...) : u`: a field of a `struct` sort (or a
/// `destructor` declaration). Its symbol has role `Rigid`: assigning
/// `x.f := v` gives `x` a fresh value whose fields equal the old ones
/// except `f` (see the module docs), the destructor itself never changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destructor {
    pub sym: SymId,
    /// The sort of the first argument (the struct sort).
    pub sort: SortId,
    /// Whether it is a field of a `type t = struct {...}` (else a
    /// `destructor` declaration).
    pub field: bool,
    pub span: Span,
}

/// A field assignment `base.field(extra) := value` (`value` is `None`
/// for `:= *`) giving the fresh value `n(vars)`: `n(vars)` equals `base`
/// except at the field. `base` and `value` may mention `vars` (the
/// variables of `a(X).f := v(X)`), and `base` may be the fresh value of an
/// enclosing assignment's inner field (`x.f.g := v`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldUpdate {
    pub vars: Vec<Var>,
    pub base: Term,
    pub field: SymId,
    pub extra: Vec<Term>,
    pub value: Option<Term>,
}

impl Program {
    /// What the program's language version changes in its meaning.
    pub fn semantics(&self) -> crate::version::Semantics {
        crate::version::Semantics::new(self.version)
    }

    /// The action with this full dotted name.
    pub fn action(&self, name: &str) -> Option<(ActionId, &ActionDef)> {
        let n = Symbol::intern(name);
        self.actions
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == n)
            .map(|(i, a)| (ActionId(u32::try_from(i).unwrap_or(u32::MAX)), a))
    }

    /// The action with this id.
    pub fn action_def(&self, id: ActionId) -> Option<&ActionDef> {
        self.actions.get(id.index())
    }

    /// Exported actions, in order.
    pub fn exported_actions(&self) -> impl Iterator<Item = (ActionId, &ActionDef)> {
        self.actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.exported)
            .map(|(i, a)| (ActionId(u32::try_from(i).unwrap_or(u32::MAX)), a))
    }

    /// The definition of a symbol, if it is defined.
    pub fn definition(&self, sym: SymId) -> Option<&Definition> {
        self.definitions.iter().find(|d| d.sym == sym)
    }
}

/// `method = bmc[N]` or `bmc[N][U]` (bounded model checking to `N` steps,
/// loops unrolled `U` times): `None` for another method, an error message
/// for a malformed one.
pub fn parse_bmc_method(value: &str) -> Option<Result<(usize, Option<usize>), String>> {
    let rest = value.strip_prefix("bmc[")?;
    let bad = || {
        Err(format!(
            "`method = {value}`: expected `bmc[STEPS]` or `bmc[STEPS][UNROLL]`, each a number"
        ))
    };
    let number = |s: &str| s.trim().parse::<usize>().ok();
    let Some((n, after)) = rest.split_once(']') else {
        return Some(bad());
    };
    let Some(n) = number(n) else {
        return Some(bad());
    };
    if after.is_empty() {
        return Some(Ok((n, None)));
    }
    match after
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .and_then(number)
    {
        Some(u) => Some(Ok((n, Some(u)))),
        None => Some(bad()),
    }
}

#[cfg(test)]
mod bmc_method_tests {
    use super::parse_bmc_method;

    #[test]
    fn bmc_methods_parse() {
        assert_eq!(parse_bmc_method("bmc[5]"), Some(Ok((5, None))));
        assert_eq!(parse_bmc_method("bmc[5][3]"), Some(Ok((5, Some(3)))));
        assert_eq!(parse_bmc_method("mc"), None);
        for bad in ["bmc[", "bmc[x]", "bmc[5][", "bmc[5]x", "bmc[5][y]"] {
            assert!(matches!(parse_bmc_method(bad), Some(Err(_))), "{bad}");
        }
    }
}
