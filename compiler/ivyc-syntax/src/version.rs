//! Ivy language versions (`#lang ivyN.N`): the version type, the words each
//! version reserves, and the constructs each version's grammar has (checked
//! after parsing by [`check_constructs`]). Every fact here is ms-ivy
//! 1.8.26's: `ivy_lexer.py` (`LexerVersion` deletes words from the reserved
//! set by version) and the rules of `ivy_parser.py` / `ivy_logic_parser.py`
//! guarded by `iu.get_numeric_version()`; docs/language.md lists them per
//! version with their sources. Semantic differences live in
//! `ivyc-sema/src/version.rs`.

use crate::ast::*;
use crate::error::SyntaxError;
use ivyc_base::Span;
use std::cmp::Ordering;
use std::fmt;

/// A language version as written after `#lang ivy` (`1.6`, `1.7`, ...),
/// ordered like ms-ivy orders them (component lists compared
/// lexicographically: `1.7 < 1.7.1 < 1.8`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LangVersion {
    parts: [u16; 4],
    len: u8,
}

impl Ord for LangVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.components().cmp(other.components())
    }
}

impl PartialOrd for LangVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for LangVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.components().iter().map(|p| p.to_string()).collect();
        write!(f, "{}", parts.join("."))
    }
}

impl fmt::Debug for LangVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LangVersion({self})")
    }
}

impl Default for LangVersion {
    fn default() -> Self {
        LangVersion::DEFAULT
    }
}

impl LangVersion {
    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> LangVersion {
        LangVersion {
            parts: [major, minor, 0, 0],
            len: 2,
        }
    }

    pub const V1_3: LangVersion = LangVersion::new(1, 3);
    pub const V1_4: LangVersion = LangVersion::new(1, 4);
    pub const V1_5: LangVersion = LangVersion::new(1, 5);
    pub const V1_6: LangVersion = LangVersion::new(1, 6);
    pub const V1_7: LangVersion = LangVersion::new(1, 7);
    pub const V1_8: LangVersion = LangVersion::new(1, 8);

    /// The version of a file without a version on its `#lang` line (and,
    /// in ivyc, of a file without `#lang`): ms-ivy's default, 1.7.
    pub const DEFAULT: LangVersion = LangVersion::V1_7;
    /// The oldest version ivyc reads. ms-ivy also reads 1.2 (an early
    /// dialect: `a:b` for `a.b`, no arithmetic, a default sort for
    /// unsorted variables); it cannot build its parser for 1.1 and older.
    pub const OLDEST: LangVersion = LangVersion::V1_3;
    /// The newest version with its own rules; later ones (`1.9`, `2.0`)
    /// read as 1.8, as in ms-ivy, whose rules test `<= 1.7` or `>= 1.7`.
    pub const NEWEST: LangVersion = LangVersion::V1_8;

    /// Parse the text after `#lang ivy` (`1.6`, `1.7.1`): dot-separated
    /// decimal numbers, at most four.
    pub fn parse(text: &str) -> Option<LangVersion> {
        let mut v = LangVersion {
            parts: [0; 4],
            len: 0,
        };
        for (i, p) in text.split('.').enumerate() {
            if i >= 4 || p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u16 = p.parse().ok()?;
            if let Some(slot) = v.parts.get_mut(i) {
                *slot = n;
            }
            v.len = u8::try_from(i + 1).ok()?;
        }
        Some(v)
    }

    fn components(&self) -> &[u16] {
        self.parts.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// `self <= major.minor` (ms-ivy's `get_numeric_version() <= [major,minor]`).
    pub fn at_most(self, major: u16, minor: u16) -> bool {
        self <= LangVersion::new(major, minor)
    }

    /// `self >= major.minor` (ms-ivy's `version_le("major.minor", v)`).
    pub fn at_least(self, major: u16, minor: u16) -> bool {
        self >= LangVersion::new(major, minor)
    }

    /// Ivy 1.6 and older, whose semantics differ from 1.7's in the ways
    /// `ivyc-sema/src/version.rs` lists.
    pub fn pre_1_7(self) -> bool {
        self.at_most(1, 6)
    }

    /// Whether ivyc reads this version.
    pub fn supported(self) -> bool {
        self >= LangVersion::OLDEST
    }

    /// Whether `word` is a reserved word in this version (ms-ivy's
    /// `LexerVersion`: the full table minus the words each version range
    /// deletes). Only meaningful for versions ivyc reads (1.2 and newer).
    pub fn reserves(self, word: &str) -> bool {
        if !ALL_RESERVED.contains(&word) {
            return false;
        }
        // The 1.1-only words (`state`, `set`, `null`, `match`) are deleted
        // from 1.2 on; ivyc reads no older version.
        if ["state", "set", "null", "match"].contains(&word) {
            return false;
        }
        let deleted = |v: LangVersion, words: &[&str]| words.contains(&word) && self <= v;
        if deleted(LangVersion::new(1, 4), UNTIL_1_4)
            || deleted(LangVersion::new(1, 5), UNTIL_1_5)
            || deleted(LangVersion::new(1, 6), UNTIL_1_6)
            || deleted(LangVersion::new(1, 7), UNTIL_1_7)
        {
            return false;
        }
        // From 1.8 on, `requires` and `ensures` are names again.
        !(self > LangVersion::V1_7 && (word == "requires" || word == "ensures"))
    }

    /// The first version (1.3 to 1.8) that reserves `word`, if one does.
    pub fn reserved_since(word: &str) -> Option<LangVersion> {
        [
            LangVersion::V1_3,
            LangVersion::V1_4,
            LangVersion::V1_5,
            LangVersion::V1_6,
            LangVersion::V1_7,
            LangVersion::V1_8,
        ]
        .into_iter()
        .find(|v| v.reserves(word))
    }
}

/// ms-ivy's full reserved-word table (`ivy_lexer.py`, `all_reserved`).
const ALL_RESERVED: &[&str] = &[
    "relation",
    "individual",
    "function",
    "axiom",
    "conjecture",
    "schema",
    "instantiate",
    "instance",
    "derived",
    "concept",
    "init",
    "action",
    "method",
    "field",
    "state",
    "assume",
    "assert",
    "set",
    "null",
    "old",
    "from",
    "update",
    "params",
    "in",
    "match",
    "ensures",
    "requires",
    "modifies",
    "true",
    "false",
    "fresh",
    "module",
    "template",
    "object",
    "class",
    "type",
    "if",
    "else",
    "local",
    "let",
    "call",
    "entry",
    "macro",
    "interpret",
    "forall",
    "exists",
    "returns",
    "mixin",
    "execute",
    "before",
    "after",
    "isolate",
    "with",
    "export",
    "delegate",
    "import",
    "using",
    "include",
    "progress",
    "rely",
    "mixord",
    "extract",
    "process",
    "destructor",
    "some",
    "maximizing",
    "minimizing",
    "private",
    "implement",
    "property",
    "while",
    "invariant",
    "struct",
    "definition",
    "ghost",
    "alias",
    "trusted",
    "this",
    "var",
    "attribute",
    "variant",
    "of",
    "scenario",
    "proof",
    "named",
    "temporal",
    "globally",
    "eventually",
    "decreases",
    "specification",
    "implementation",
    "global",
    "common",
    "ensure",
    "require",
    "around",
    "parameter",
    "apply",
    "theorem",
    "showgoals",
    "defergoal",
    "spoil",
    "explicit",
    "thunk",
    "isa",
    "autoinstance",
    "constructor",
    "finite",
    "tactic",
    "unfold",
    "forget",
    "debug",
    "for",
    "subclass",
    "whenfirst",
    "whenlast",
    "whenprev",
    "whennext",
    "unprovable",
    "trigger",
];

/// Not reserved in 1.4 and older. (ms-ivy deletes `maximizing` twice and
/// never `minimizing`, which stays reserved.)
const UNTIL_1_4: &[&str] = &[
    "function",
    "class",
    "object",
    "method",
    "execute",
    "destructor",
    "some",
    "maximizing",
    "private",
    "implement",
    "using",
    "property",
    "while",
    "invariant",
    "struct",
    "definition",
    "ghost",
    "alias",
    "trusted",
    "this",
    "var",
    "attribute",
    "scenario",
    "proof",
    "named",
    "fresh",
];

/// Not reserved in 1.5 and older.
const UNTIL_1_5: &[&str] = &["variant", "of", "globally", "eventually", "temporal"];

/// Not reserved in 1.6 and older.
const UNTIL_1_6: &[&str] = &[
    "decreases",
    "specification",
    "implementation",
    "require",
    "ensure",
    "around",
    "parameter",
    "apply",
    "theorem",
    "showgoals",
    "spoil",
    "explicit",
    "thunk",
    "isa",
    "autoinstance",
    "constructor",
    "tactic",
    "finite",
    "unfold",
    "forget",
];

/// Not reserved in 1.7 and older.
const UNTIL_1_7: &[&str] = &[
    "global",
    "common",
    "debug",
    "field",
    "for",
    "process",
    "subclass",
    "template",
    "whenfirst",
    "whenlast",
    "whennext",
    "whenprev",
    "unprovable",
    "trigger",
];

/// A construct that only some versions' grammars have (beyond what the
/// reserved words already decide).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Construct {
    /// `init fmla` (a 1.6-and-older declaration; 1.7 uses `after init`).
    InitDecl,
    /// `private name` (1.6 and older; 1.7 has `private { ... }`).
    PrivateName,
    /// `ensures fmla` as a statement (1.6 and older).
    EnsuresStmt,
    /// `invariant fmla` as a declaration (1.7; before, `conjecture`).
    InvariantDecl,
    /// `specification`/`implementation`/`private { ... }` sections (1.7).
    Section,
    /// `axiom` with a schema body `{ ... }` (1.7).
    AxiomSchema,
    /// `definition [label] ...` or `definition { ... }` (1.7).
    DefinitionForms,
    /// `assert fmla proof ...` and `invariant ... proof` in loops (1.7).
    AssertionProof,
    /// `if x := e { ... }` (1.7; ms-ivy's 1.5 and 1.6 grammars have the
    /// rule, but it fails on every use: it reads the sort of an `Atom`,
    /// which 1.6 formulas do not have).
    AssignCondition,
    /// `var x := e` statements (1.6).
    VarStmt,
    /// `this` as an action or object name (1.6).
    ThisCallAtom,
    /// `^x:t` reference parameters (1.7).
    RefParam,
    /// `e : sort` on anything but a variable (1.7).
    Annotation,
    /// `e.f` where `e` is not a name or an application (1.7).
    DotOnTerm,
    /// `forall (X:t) e` with parentheses (1.7).
    ParenQuantifier,
}

impl Construct {
    /// The versions that have the construct: (oldest, newest).
    pub fn versions(self) -> (LangVersion, Option<LangVersion>) {
        use Construct::*;
        match self {
            InitDecl | PrivateName | EnsuresStmt => (LangVersion::OLDEST, Some(LangVersion::V1_6)),
            VarStmt | ThisCallAtom => (LangVersion::V1_6, None),
            InvariantDecl | Section | AxiomSchema | DefinitionForms | AssertionProof | RefParam
            | Annotation | DotOnTerm | ParenQuantifier | AssignCondition => {
                (LangVersion::V1_7, None)
            }
        }
    }

    /// Whether version `v` has the construct.
    pub fn available(self, v: LangVersion) -> bool {
        let (lo, hi) = self.versions();
        v >= lo && hi.is_none_or(|h| v <= h)
    }

    /// What the construct is, in words.
    pub fn describe(self) -> &'static str {
        use Construct::*;
        match self {
            InitDecl => "a top-level `init` declaration",
            PrivateName => "`private NAME`",
            EnsuresStmt => "an `ensures` statement",
            InvariantDecl => "an `invariant` declaration",
            Section => "a `private { ... }` section",
            AxiomSchema => "an axiom schema `axiom { ... }`",
            DefinitionForms => "a labelled or braced `definition`",
            AssertionProof => "a `proof` of an assertion",
            AssignCondition => "a condition binding a local (`if x := e`)",
            VarStmt => "a `var` statement",
            ThisCallAtom => "`this` as an action or object",
            RefParam => "a reference parameter `^x:t`",
            Annotation => "a sort annotation on something other than a variable",
            DotOnTerm => "`.` after something other than a name or application",
            ParenQuantifier => "a quantifier with parenthesised variables",
        }
    }

    /// What to write instead in a version that lacks the construct.
    pub fn instead(self, v: LangVersion) -> Option<&'static str> {
        use Construct::*;
        Some(match self {
            InitDecl => "use `after init { ... }` (1.7 and later)",
            PrivateName => "use a `private { ... }` section (1.7 and later)",
            EnsuresStmt => "use `ensure` (1.7 and later)",
            InvariantDecl if v.pre_1_7() => "use `conjecture` (before 1.7)",
            Section if v.pre_1_7() => "use `private NAME` on the names to hide (Ivy 1.5 and 1.6)",
            AssignCondition | VarStmt => "declare a `local` instead",
            Annotation | DotOnTerm | ParenQuantifier | RefParam | AxiomSchema | DefinitionForms
            | AssertionProof | ThisCallAtom | InvariantDecl | Section => return None,
        })
    }
}

/// Report every construct of `decls` that version `v` does not have.
pub fn check_constructs(decls: &[Decl], v: LangVersion, errors: &mut Vec<SyntaxError>) {
    let mut c = Checker { v, errors };
    for d in decls {
        c.decl(d);
    }
}

struct Checker<'e> {
    v: LangVersion,
    errors: &'e mut Vec<SyntaxError>,
}

impl Checker<'_> {
    fn need(&mut self, construct: Construct, span: Span) {
        if !construct.available(self.v) {
            self.errors.push(SyntaxError::NotInVersion {
                span,
                construct,
                version: self.v,
            });
        }
    }

    fn decls(&mut self, ds: &[Decl]) {
        for d in ds {
            self.decl(d);
        }
    }

    fn decl(&mut self, d: &Decl) {
        use DeclKind as K;
        match &d.kind {
            K::Init(f) => {
                self.need(Construct::InitDecl, d.span);
                self.expr(&f.fmla);
            }
            K::PrivateName(_) => self.need(Construct::PrivateName, d.span),
            K::Invariant { fmla, .. } => {
                self.need(Construct::InvariantDecl, d.span);
                self.expr(&fmla.fmla);
            }
            K::Conjecture(f) => self.expr(&f.fmla),
            K::Axiom { prop, .. } => match &prop.prop {
                Prop::Fmla(e) => self.expr(e),
                Prop::Schema(s) => self.need(Construct::AxiomSchema, s.span),
            },
            K::Property { fmla, .. } => self.expr(&fmla.fmla),
            K::Definition {
                label,
                defn,
                braces,
                ..
            } => {
                if label.is_some() || *braces {
                    self.need(Construct::DefinitionForms, d.span);
                }
                self.defn(defn);
            }
            K::Derived(ds) | K::Progress(ds) | K::Concept(ds) => {
                ds.iter().for_each(|x| self.defn(x))
            }
            K::Relation(ss) | K::Function(ss) => {
                for s in ss {
                    if let Some(rhs) = &s.def {
                        self.defn_rhs(rhs);
                    }
                }
            }
            K::Section { kind, body } => {
                if matches!(
                    kind,
                    SectionKind::Private | SectionKind::Specification | SectionKind::Implementation
                ) {
                    self.need(Construct::Section, d.span);
                }
                self.decls(body);
            }
            K::Module { body, .. }
            | K::Object { body, .. }
            | K::IsolateObject { body, .. }
            | K::ExtractObject { body, .. } => self.decls(body),
            K::Action { params, body, .. } => {
                self.params(params);
                if let Some(ActionDef::Body(b)) = body {
                    self.action_body(b);
                }
            }
            K::Monitor { params, body, .. } | K::AfterInit { params, body } => {
                self.params(params);
                self.action_body(body);
            }
            K::Around { params, body, .. } => {
                self.params(params);
                self.stmts(&body.before);
                self.stmts(&body.after);
            }
            K::Macro { body, .. } => self.block(body),
            K::Isolate { targets, with, .. } => {
                self.call_atoms(targets);
                self.call_atoms(with);
            }
            K::Extract { targets, .. } => self.call_atoms(targets),
            K::ImportExport { action, .. } => self.call_atom(action),
            K::Delegate { actions, to } => {
                self.call_atoms(actions);
                if let Some(t) = to {
                    self.call_atom(t);
                }
            }
            _ => {}
        }
    }

    fn params(&mut self, ps: &[Param]) {
        for p in ps {
            if p.caret {
                self.need(Construct::RefParam, p.span);
            }
        }
    }

    fn call_atoms(&mut self, cs: &[CallAtom]) {
        cs.iter().for_each(|c| self.call_atom(c));
    }

    fn call_atom(&mut self, c: &CallAtom) {
        for s in &c.segments {
            if s.name.as_str() == "this" && self.v.reserves("this") {
                self.need(Construct::ThisCallAtom, s.span);
            }
            if let Some(args) = &s.args {
                args.iter().for_each(|a| self.expr(a));
            }
        }
    }

    fn defn(&mut self, d: &Defn) {
        self.defn_rhs(&d.rhs);
    }

    fn defn_rhs(&mut self, r: &DefnRhs) {
        match r {
            DefnRhs::Expr(e) => self.expr(e),
            DefnRhs::Some {
                fmla, in_, else_, ..
            } => {
                self.expr(fmla);
                in_.iter().chain(else_).for_each(|e| self.expr(e));
            }
            DefnRhs::Native(_) => {}
        }
    }

    fn action_body(&mut self, b: &ActionBody) {
        if let ActionBody::Block(b) = b {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        self.stmts(&b.stmts);
    }

    fn stmts(&mut self, ss: &[Stmt]) {
        ss.iter().for_each(|s| self.stmt(s));
    }

    fn cond(&mut self, c: &Cond, span: Span) {
        match c {
            Cond::Expr(e) => self.expr(e),
            Cond::Assign { lhs, rhs } => {
                self.need(Construct::AssignCondition, span);
                self.expr(lhs);
                self.expr(rhs);
            }
            Cond::Some { fmla, optimize, .. } => {
                self.expr(fmla);
                if let Some((_, e)) = optimize {
                    self.expr(e);
                }
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Assume(f) => self.expr(&f.fmla),
            StmtKind::Assert { kind, fmla, proof } => {
                if *kind == AssertKind::Ensures {
                    self.need(Construct::EnsuresStmt, s.span);
                }
                if proof.is_some() {
                    self.need(Construct::AssertionProof, s.span);
                }
                self.expr(&fmla.fmla);
            }
            StmtKind::Assign { lhs, rhs } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            StmtKind::Havoc { lhs } => self.expr(lhs),
            StmtKind::TupleAssign { lhs, call } => {
                lhs.iter().for_each(|e| self.expr(e));
                self.call_atom(call);
            }
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Call { returns, callee } => {
                self.call_atoms(returns);
                self.call_atom(callee);
            }
            StmtKind::If { cond, then_, else_ } => {
                self.cond(cond, s.span);
                self.block(then_);
                if let Some(e) = else_ {
                    self.stmt(e);
                }
            }
            StmtKind::IfStar { then_, else_ } => {
                self.block(then_);
                self.stmt(else_);
            }
            StmtKind::While {
                cond,
                invariants,
                decreases,
                body,
            } => {
                self.cond(cond, s.span);
                for i in invariants {
                    if i.proof.is_some() {
                        self.need(Construct::AssertionProof, i.span);
                    }
                    self.expr(&i.fmla.fmla);
                }
                if let Some(d) = decreases {
                    self.expr(d);
                }
                self.block(body);
            }
            StmtKind::For {
                collection, body, ..
            } => {
                self.expr(collection);
                self.block(body);
            }
            StmtKind::Instantiate(c) => self.call_atom(c),
            StmtKind::Local { params, body } => {
                self.params(params);
                self.block(body);
            }
            StmtKind::Var { init, .. } => {
                self.need(Construct::VarStmt, s.span);
                if let Some(e) = init {
                    self.expr(e);
                }
            }
            StmtKind::Thunk { body, .. } | StmtKind::Let { body, .. } => self.block(body),
            StmtKind::Block(b) => self.block(b),
            // 1.8 only (their keywords are names before).
            StmtKind::Unprovable(inner) => self.stmt(inner),
            StmtKind::Debug { args, .. } => args.iter().for_each(|(_, e)| self.expr(e)),
            StmtKind::Error => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        // Only the 1.6-and-older grammar lacks expression forms.
        if !self.v.pre_1_7() {
            return;
        }
        match &e.kind {
            ExprKind::App { args, .. } => {
                if let Some(a) = args {
                    a.iter().for_each(|x| self.expr(x));
                }
            }
            ExprKind::Dot { base, args, .. } => {
                let named = matches!(
                    base.kind,
                    ExprKind::App { .. } | ExprKind::Dot { .. } | ExprKind::Old(_)
                );
                if !named {
                    self.need(Construct::DotOnTerm, e.span);
                }
                self.expr(base);
                if let Some(a) = args {
                    a.iter().for_each(|x| self.expr(x));
                }
            }
            ExprKind::Old(x) | ExprKind::Paren(x) => self.expr(x),
            ExprKind::Unary { expr, .. } => self.expr(expr),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Ite { then_, cond, else_ } => {
                self.expr(then_);
                self.expr(cond);
                self.expr(else_);
            }
            ExprKind::Annot { expr, .. } => {
                if !matches!(expr.kind, ExprKind::Var(_)) {
                    self.need(Construct::Annotation, e.span);
                }
                self.expr(expr);
            }
            ExprKind::Isa { expr, .. } => self.expr(expr),
            ExprKind::Quant { parens, body, .. } => {
                if *parens {
                    self.need(Construct::ParenQuantifier, e.span);
                }
                self.expr(body);
            }
            ExprKind::NamedBinder { body, applied, .. } => {
                self.expr(body);
                if let Some(a) = applied {
                    a.iter().for_each(|x| self.expr(x));
                }
            }
            ExprKind::Var(_)
            | ExprKind::Num(_)
            | ExprKind::Str(_)
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Error => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> LangVersion {
        LangVersion::parse(s).unwrap_or_default()
    }

    #[test]
    fn versions_order_like_lists() {
        assert!(v("1.6") < v("1.7"));
        assert!(v("1.7") < v("1.7.1"));
        assert!(v("1.7.1") < v("1.8"));
        assert!(v("1.10") > v("1.9"));
        assert!(v("2.0") > v("1.8"));
        assert_eq!(LangVersion::parse("1.x"), None);
        assert_eq!(LangVersion::parse(""), None);
        assert_eq!(LangVersion::parse("1..2"), None);
        assert_eq!(v("1.6").to_string(), "1.6");
        assert!(v("1.6").pre_1_7() && !v("1.7").pre_1_7());
        assert!(!v("1.2").supported() && v("1.3").supported());
    }

    #[test]
    fn reserved_words_by_version() {
        // 1.7 words that 1.6 does not reserve
        for w in ["require", "ensure", "specification", "around", "explicit"] {
            assert!(v("1.7").reserves(w), "{w}");
            assert!(!v("1.6").reserves(w), "{w}");
        }
        // 1.5 lacks `variant`, 1.4 lacks `function` and `object`
        assert!(v("1.6").reserves("variant") && !v("1.5").reserves("variant"));
        assert!(v("1.5").reserves("function") && !v("1.4").reserves("function"));
        assert!(!v("1.3").reserves("object"));
        // ms-ivy keeps `minimizing` and `defergoal` in every version
        assert!(v("1.3").reserves("minimizing") && !v("1.3").reserves("maximizing"));
        assert!(v("1.3").reserves("defergoal"));
        // 1.8: `for` and `process` reserved, `requires`/`ensures` freed
        assert!(v("1.8").reserves("for") && !v("1.7").reserves("for"));
        assert!(v("1.7").reserves("requires") && !v("1.8").reserves("requires"));
        assert!(v("1.9").reserves("for") && !v("1.9").reserves("ensures"));
        // always reserved
        for w in ["init", "conjecture", "individual", "action", "ensures"] {
            assert!(v("1.3").reserves(w), "{w}");
        }
        assert!(!v("1.7").reserves("state") && !v("1.7").reserves("foo"));
        assert_eq!(
            LangVersion::reserved_since("require"),
            Some(LangVersion::V1_7)
        );
        assert_eq!(
            LangVersion::reserved_since("function"),
            Some(LangVersion::V1_5)
        );
        assert_eq!(LangVersion::reserved_since("init"), Some(LangVersion::V1_3));
    }

    #[test]
    fn construct_ranges() {
        assert!(Construct::InitDecl.available(v("1.3")));
        assert!(Construct::InitDecl.available(v("1.6")));
        assert!(!Construct::InitDecl.available(v("1.7")));
        assert!(!Construct::InvariantDecl.available(v("1.6")));
        assert!(Construct::InvariantDecl.available(v("1.8")));
        assert!(!Construct::VarStmt.available(v("1.5")));
        assert!(!Construct::AssignCondition.available(v("1.6")));
    }
}
