//! The checker's state and its declaration passes: flattening of objects,
//! modules and instances into environment-tagged items, name tables and
//! scoped lookup, declaration of sorts/symbols/actions, and the final
//! assembly of the [`Program`].

use crate::error::{InstanceNote, NameKind, SemaError, Suggestion};
use crate::program::{
    ActionDef, ActionId, Block, Definition, Destructor, Interpretation, IsolateDef, Origin,
    Program, Section,
};
use ivyc_base::{FileId, Span, Symbol};
use ivyc_logic::{Property, Role, Signature, SortDecl, SortId, SortKind, SymId, SymbolDecl, Term};
use ivyc_syntax::ast;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Maximum depth of nested module instantiation.
const MAX_INSTANCE_DEPTH: usize = 64;

/// The environment a declaration is checked in.
#[derive(Debug, Default)]
pub(crate) struct Env {
    /// Full dotted name segments of the enclosing object.
    pub prefix: Vec<Symbol>,
    pub section: Section,
    /// Module parameter substitution: formal name -> actual (in its env).
    pub subst: HashMap<Symbol, (ast::ModuleArg, Rc<Env>)>,
    pub notes: Vec<InstanceNote>,
    /// Parameters of the enclosing parameterised objects (outermost first):
    /// every member declared here takes them as leading arguments.
    pub obj_params: Vec<ast::Param>,
}

impl Env {
    pub fn object(&self) -> Option<Symbol> {
        if self.prefix.is_empty() {
            None
        } else {
            Some(join(&self.prefix))
        }
    }

    pub fn origin(&self) -> Origin {
        Origin {
            object: self.object(),
            section: self.section,
        }
    }

    /// The same scope without the parameters of enclosing parameterised
    /// objects (sorts and their destructors do not depend on them).
    pub fn without_params(&self) -> Env {
        Env {
            prefix: self.prefix.clone(),
            section: self.section,
            subst: self.subst.clone(),
            notes: self.notes.clone(),
            obj_params: Vec::new(),
        }
    }

    fn child(&self, seg: Symbol) -> Env {
        let mut prefix = self.prefix.clone();
        prefix.push(seg);
        Env {
            prefix,
            section: self.section,
            subst: self.subst.clone(),
            notes: self.notes.clone(),
            obj_params: self.obj_params.clone(),
        }
    }
}

pub(crate) fn join(segs: &[Symbol]) -> Symbol {
    let parts: Vec<&str> = segs.iter().map(|s| s.as_str()).collect();
    Symbol::intern(&parts.join("."))
}

pub(crate) fn dotted(prefix: &[Symbol], name: &str) -> Symbol {
    if prefix.is_empty() {
        Symbol::intern(name)
    } else {
        Symbol::intern(&format!("{}.{}", join(prefix), name))
    }
}

/// A declaration together with the environment it appears in.
pub(crate) struct Item<'a> {
    pub decl: &'a ast::Decl,
    pub env: Rc<Env>,
}

/// What a full name denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entity {
    Sort(SortId),
    Sym(SymId),
    Action(ActionId),
    Object,
    Module,
}

pub(crate) struct ModuleInfo<'a> {
    pub params: Vec<Symbol>,
    pub body: &'a [ast::Decl],
    pub span: Span,
    /// The declaration of a `module isolate`: each instance gets an
    /// isolate `iso` of itself with the module's `with` list.
    pub isolate: Option<&'a ast::Decl>,
}

/// An action body with its environment and the source names of the
/// parameters and returns it uses.
pub(crate) type ActionBodyRef<'a> = (&'a ast::ActionBody, Rc<Env>, Vec<Symbol>, Vec<Symbol>);

/// A definition whose body is elaborated after all declarations.
pub(crate) type PendingDef<'a> = (SymId, Vec<ast::Binder>, &'a ast::DefnRhs, Span, Rc<Env>);

/// Per-action information kept during checking.
pub(crate) struct ActionInfo<'a> {
    pub def: ActionDef,
    /// Source names of params and returns (last segments).
    pub param_names: Vec<Symbol>,
    pub return_names: Vec<Symbol>,
    pub body: Option<ActionBodyRef<'a>>,
    pub befores: Vec<Monitor<'a>>,
    pub afters: Vec<Monitor<'a>>,
    pub decl_span: Span,
    pub body_span: Option<Span>,
}

/// The code of a monitor: a whole body, or one half of an `around`.
#[derive(Clone, Copy)]
pub(crate) enum MonitorBody<'a> {
    Action(&'a ast::ActionBody),
    Stmts(&'a [ast::Stmt], Span),
}

pub(crate) struct Monitor<'a> {
    pub body: MonitorBody<'a>,
    pub env: Rc<Env>,
    pub params: Vec<Symbol>,
    pub returns: Vec<Symbol>,
    /// The action mixed in by `mixin m before|after a` (for `mixord`).
    pub mixer: Option<Symbol>,
}

pub(crate) struct Checker<'a> {
    pub errors: Vec<SemaError>,
    pub includes: &'a HashMap<Span, FileId>,
    pub files: &'a HashMap<FileId, ast::File>,
    pub included: HashSet<FileId>,
    pub items: Vec<Item<'a>>,
    pub modules: HashMap<Symbol, ModuleInfo<'a>>,
    pub names: HashMap<Symbol, (Entity, Option<Span>)>,
    pub sorts: Vec<SortDecl>,
    pub syms: Vec<SymbolDecl>,
    /// Sorts interpreted so far, with the span of the `interpret`.
    pub interpreted: HashMap<SortId, Span>,
    /// Where each interpretation is declared (for per-unit hiding).
    pub interpret_origins: HashMap<SortId, Origin>,
    /// Top-level native code blocks.
    pub natives: Vec<crate::native::NativeBlock>,
    /// Native types `interpret t -> <<< ... >>>`.
    pub native_types: Vec<Span>,
    /// `attribute NAME = VALUE` declarations (full dotted names).
    pub attributes: Vec<crate::program::Attribute>,
    /// `(operator, operand sort)` -> symbol, for `<`, `+` ... on
    /// uninterpreted sorts.
    pub ops: HashMap<(&'static str, SortId), SymId>,
    /// `(numeral, sort)` -> rigid constant, for numerals on uninterpreted sorts.
    pub numerals: HashMap<(Symbol, SortId), SymId>,
    /// Symbols mentioned in axioms (with the axiom's span).
    pub axiom_syms: HashMap<SymId, Span>,
    pub param_syms: HashSet<SymId>,
    /// Names declared by the symbolic upper bound of a range sort
    /// (`interpret t -> {0..max}` declares `max : t`): the sort's name.
    pub range_bound_names: HashMap<Symbol, Symbol>,
    /// Members of parameterised objects: the object parameters they take
    /// implicitly (by name) as leading arguments when used inside.
    pub implicit: HashMap<SymId, Vec<Symbol>>,
    pub implicit_actions: HashMap<ActionId, Vec<Symbol>>,
    pub defined_syms: HashSet<SymId>,
    pub actions: Vec<ActionInfo<'a>>,
    pub axioms: Vec<(Property, Origin)>,
    pub properties: Vec<(Property, Origin)>,
    pub invariants: Vec<(Property, Origin)>,
    pub definitions: Vec<Definition>,
    pub inits: Vec<Block>,
    /// Where each `after init` block is written, aligned with `inits`.
    pub init_origins: Vec<Origin>,
    pub isolates: Vec<IsolateDef>,
    /// `extract NAME = ...` declarations.
    pub extracts: Vec<crate::extract_unit::ExtractUnit>,
    pub symbol_origins: HashMap<SymId, Origin>,
    pub used_names: HashSet<Symbol>,
    /// Set while the errors of an inference pass are discarded.
    pub silent: u32,
    /// Definitions whose bodies are elaborated after all declarations.
    pub missing_modules: Vec<(ast::Path, Rc<Env>)>,
    pub pending_defs: Vec<PendingDef<'a>>,
    /// Definitions by choice over state symbols: the symbol and its
    /// closed constraint (their dependencies are found once every
    /// definition is elaborated).
    pub state_choices: Vec<(SymId, Term)>,
    /// The same with their dependencies, for the program.
    pub state_choice_deps: Vec<crate::program::StateChoice>,
    /// `delegate m -> o` (see `Program::delegated_to`).
    pub delegated_to: Vec<(Symbol, Symbol)>,
    /// Names declared by `progress` (full dotted): checked, then
    /// forgotten, as in ms-ivy, whose checker ignores them.
    /// With their arity and the span of the name.
    pub progress_names: HashMap<String, (usize, Span)>,
    /// The atoms of `rely` declarations, resolved once every `progress`
    /// is known.
    pub pending_relies: Vec<(&'a ast::CallSegment, Rc<Env>)>,
    /// `definition` declarations: whether `explicit`, and the label (full
    /// dotted name), by defined symbol.
    pub def_meta: HashMap<SymId, (bool, Option<Symbol>)>,
    /// Isolate member / `with` names that are not declared names: resolved
    /// against the labels of axioms, properties, invariants and definitions
    /// once all are known (isolate index, in `with`?, dotted name, span,
    /// environment).
    pub pending_isolate_names: Vec<(usize, bool, String, Span, Rc<Env>)>,
    /// `type t = struct {...}` declarations whose fields are declared after
    /// all sorts exist.
    pub pending_structs: Vec<(SortId, &'a [ast::TypedName], Rc<Env>)>,
    /// `variant s of t` declarations whose parent `t` is resolved after all
    /// sorts exist: `(s, t, declaration span, env)`.
    pub pending_variants: Vec<(SortId, &'a ast::Path, Span, Rc<Env>)>,
    /// The variants of each sort, in declaration order (see `variant.rs`).
    pub variants: Vec<(SortId, Vec<SortId>)>,
    /// The `*>` relation of each pair (sort, variant sort).
    pub pto: HashMap<(SortId, SortId), SymId>,
    /// `(snapshot, original)` of the symbols read under `old` in `after
    /// init` blocks (taken before the first block).
    pub init_olds: Vec<(SymId, SymId)>,
    /// Full names of the labels of axioms, properties, invariants and
    /// definitions (which an isolate's lists may name).
    pub labels: HashSet<Symbol>,
    /// `interpret f -> op` of symbols, resolved after the symbols exist.
    pub pending_sym_interps: Vec<(&'a ast::Path, &'a ast::InterpretTarget, Span, Rc<Env>)>,
    /// `constructor` declarations, declared after every destructor.
    pub pending_constructors: Vec<(&'a ast::TypedName, Rc<Env>)>,
    /// Names declared in `global { ... }` sections (added to the `with`
    /// list of every isolate).
    pub global_roots: Vec<Symbol>,
    /// Action macros (`macro m(x) = {...}`), by full name.
    pub macros: HashMap<Symbol, crate::macros::MacroDef<'a>>,
    /// Depth of macro instantiation (bounds recursive macros).
    pub macro_depth: u32,
    /// `mixin m before|after a`, resolved after the monitors.
    pub pending_mixins: Vec<(&'a ast::Decl, Rc<Env>)>,
    /// `mixord a -> b` (mixer `a` runs before mixer `b`).
    pub mixords: Vec<(Symbol, Symbol)>,
    /// The declaration of each variant sort.
    pub variant_spans: Vec<(SortId, Span)>,
    /// Destructors (struct fields and `destructor` declarations), in
    /// declaration order.
    pub destructors: Vec<Destructor>,
    /// The sorts declared `struct` (also those with no fields).
    pub struct_sorts: HashSet<SortId>,
    /// The field assignments, by their fresh value (`Program::field_updates`).
    pub field_updates: HashMap<SymId, crate::program::FieldUpdate>,
    instance_stack: Vec<Symbol>,
    /// `autoinstance` items seen so far, and the automatic instances
    /// created (by full name); see `autoinst.rs`.
    pub(crate) autos: Vec<crate::autoinst::AutoInst<'a>>,
    /// The facts proofs may use (`proof.rs`).
    pub(crate) proof_ctx: ivyc_proof::Context,
    /// Sorts bound by the schema being elaborated (`type q`).
    pub(crate) proof_sorts: Vec<(Symbol, SortId)>,
    /// The action's locals while an `assert ... proof` runs.
    pub(crate) proof_scope: Vec<(Symbol, crate::elab::Binding, Span)>,
    /// Proofs of properties and theorems, run after every declaration.
    pub(crate) pending_proofs: Vec<crate::proof::PendingProof<'a>>,
    /// Labelled properties a later `proof [l] ...` may prove: full
    /// label, index into `properties`, formula, explicit.
    pub(crate) proof_targets: Vec<(Symbol, usize, &'a ast::Expr, bool)>,
    /// The same for labelled invariants (index into `invariants`).
    pub(crate) inv_proof_targets: Vec<(Symbol, usize, &'a ast::Expr)>,
    /// The goals left by the proof of each property (index into
    /// `properties`).
    pub(crate) proof_goals: Vec<(usize, Vec<ivyc_logic::ProofGoal>)>,
    /// The goals left by the proof of each invariant (index into
    /// `invariants`).
    pub(crate) inv_proof_goals: Vec<(usize, Vec<ivyc_logic::ProofGoal>)>,
    pub(crate) auto_done: HashSet<String>,
    /// Temporal properties and axioms (`temporal.rs`).
    pub(crate) temporal: crate::temporal::TemporalState,
    /// The language version of the root file (see `version.rs`).
    pub version: ivyc_syntax::LangVersion,
    /// What only some versions declare (`init`, `private NAME`, ...).
    pub(crate) legacy: crate::version::VersionState,
}

impl<'a> Checker<'a> {
    pub fn new(includes: &'a HashMap<Span, FileId>, files: &'a HashMap<FileId, ast::File>) -> Self {
        Checker {
            errors: Vec::new(),
            includes,
            files,
            included: HashSet::new(),
            items: Vec::new(),
            modules: HashMap::new(),
            names: HashMap::new(),
            sorts: vec![SortDecl {
                name: Symbol::intern("bool"),
                kind: SortKind::Bool,
                span: None,
            }],
            syms: Vec::new(),
            interpreted: HashMap::new(),
            interpret_origins: HashMap::new(),
            natives: Vec::new(),
            native_types: Vec::new(),
            attributes: Vec::new(),
            ops: HashMap::new(),
            numerals: HashMap::new(),
            axiom_syms: HashMap::new(),
            param_syms: HashSet::new(),
            range_bound_names: HashMap::new(),
            implicit: HashMap::new(),
            implicit_actions: HashMap::new(),
            defined_syms: HashSet::new(),
            actions: Vec::new(),
            axioms: Vec::new(),
            properties: Vec::new(),
            invariants: Vec::new(),
            definitions: Vec::new(),
            inits: Vec::new(),
            init_origins: Vec::new(),
            isolates: Vec::new(),
            extracts: Vec::new(),
            symbol_origins: HashMap::new(),
            used_names: HashSet::new(),
            silent: 0,
            pending_defs: Vec::new(),
            state_choices: Vec::new(),
            state_choice_deps: Vec::new(),
            delegated_to: Vec::new(),
            progress_names: HashMap::new(),
            pending_relies: Vec::new(),
            def_meta: HashMap::new(),
            pending_isolate_names: Vec::new(),
            missing_modules: Vec::new(),
            pending_structs: Vec::new(),
            pending_variants: Vec::new(),
            variants: Vec::new(),
            pto: HashMap::new(),
            variant_spans: Vec::new(),
            init_olds: Vec::new(),
            labels: HashSet::new(),
            pending_sym_interps: Vec::new(),
            pending_constructors: Vec::new(),
            global_roots: Vec::new(),
            macros: HashMap::new(),
            macro_depth: 0,
            pending_mixins: Vec::new(),
            mixords: Vec::new(),
            destructors: Vec::new(),
            struct_sorts: HashSet::new(),
            field_updates: HashMap::new(),
            instance_stack: Vec::new(),
            autos: Vec::new(),
            proof_ctx: Default::default(),
            proof_sorts: Vec::new(),
            proof_scope: Vec::new(),
            pending_proofs: Vec::new(),
            proof_targets: Vec::new(),
            inv_proof_targets: Vec::new(),
            proof_goals: Vec::new(),
            inv_proof_goals: Vec::new(),
            auto_done: HashSet::new(),
            temporal: Default::default(),
            version: ivyc_syntax::LangVersion::DEFAULT,
            legacy: crate::version::VersionState::default(),
        }
    }

    pub fn err(&mut self, e: SemaError, env: &Env) {
        if self.silent > 0 {
            return;
        }
        self.errors.push(e.in_instances(&env.notes));
    }

    pub fn unsupported(&mut self, what: &'static str, span: Span, env: &Env) {
        self.err(
            SemaError::Unsupported {
                what,
                span,
                help: None,
            },
            env,
        );
    }

    /// An unsupported construct, with a note on why (`help`).
    pub fn unsupported_because(
        &mut self,
        what: &'static str,
        help: &'static str,
        span: Span,
        env: &Env,
    ) {
        self.err(
            SemaError::Unsupported {
                what,
                span,
                help: Some(help),
            },
            env,
        );
    }

    // ------------------------------------------------------------------
    // Tables
    // ------------------------------------------------------------------

    pub fn sort_kind(&self, s: SortId) -> &SortKind {
        self.sorts
            .get(s.index())
            .map(|d| &d.kind)
            .unwrap_or(&SortKind::Bool)
    }

    pub fn sort_name(&self, s: SortId) -> Symbol {
        self.sorts
            .get(s.index())
            .map(|d| d.name)
            .unwrap_or_else(|| Symbol::intern("?"))
    }

    /// The destructor record of symbol `f`, if `f` is a destructor.
    pub fn destructor(&self, f: SymId) -> Option<&Destructor> {
        self.destructors.iter().find(|d| d.sym == f)
    }

    /// The destructors of sort `s`, in declaration order.
    pub fn fields_of(&self, s: SortId) -> Vec<SymId> {
        self.destructors
            .iter()
            .filter(|d| d.sort == s)
            .map(|d| d.sym)
            .collect()
    }

    pub fn sym(&self, s: SymId) -> Option<&SymbolDecl> {
        self.syms.get(s.index())
    }

    pub fn add_sort(&mut self, name: Symbol, kind: SortKind, span: Option<Span>) -> SortId {
        let id = SortId(u32::try_from(self.sorts.len()).unwrap_or(u32::MAX));
        self.sorts.push(SortDecl { name, kind, span });
        id
    }

    pub fn add_sym(&mut self, decl: SymbolDecl) -> SymId {
        let id = SymId(u32::try_from(self.syms.len()).unwrap_or(u32::MAX));
        self.used_names.insert(decl.name);
        self.syms.push(decl);
        id
    }

    /// A `Local` symbol.
    pub fn add_local(&mut self, name: Symbol, sort: SortId, span: Option<Span>) -> SymId {
        self.add_sym(SymbolDecl::new(name, vec![], sort, Role::Local).with_span(span))
    }

    /// A name derived from `base` not used by any symbol yet (`base#k`).
    pub fn fresh_name(&mut self, base: &str) -> Symbol {
        let mut k = 1usize;
        loop {
            let cand = Symbol::intern(&format!("{base}#{k}"));
            if !self.used_names.contains(&cand) {
                self.used_names.insert(cand);
                return cand;
            }
            k += 1;
        }
    }

    /// Registers a full name; reports a duplicate.
    pub fn declare(&mut self, full: Symbol, ent: Entity, span: Span, env: &Env) -> bool {
        if let Some((old, prev)) = self.names.get(&full) {
            // Objects may be reopened; `type this` declares the object's sort.
            let ok = matches!((old, ent), (Entity::Object, Entity::Object))
                || matches!((old, ent), (Entity::Object, Entity::Sort(_)))
                || matches!((old, ent), (Entity::Sort(_), Entity::Object));
            if ok {
                if matches!(ent, Entity::Sort(_)) {
                    self.names.insert(full, (ent, Some(span)));
                }
                return true;
            }
            let previous = *prev;
            if let (Some(sort), Some(previous)) = (self.range_bound_names.get(&full), previous) {
                let sort = *sort;
                self.err(
                    SemaError::RangeBoundRedeclared {
                        name: full,
                        sort,
                        span,
                        previous,
                    },
                    env,
                );
                return false;
            }
            self.err(
                SemaError::DuplicateDeclaration {
                    name: full,
                    span,
                    previous,
                },
                env,
            );
            return false;
        }
        self.names.insert(full, (ent, Some(span)));
        true
    }

    /// Resolves a dotted name: module parameters, `this`, then the enclosing
    /// objects from the innermost outwards. Returns the full name.
    pub fn resolve_full(&self, segs: &[&str], env: &Env) -> Option<(Symbol, Entity)> {
        let first = *segs.first()?;
        let rest = segs.get(1..).unwrap_or(&[]);
        if first.contains('[') {
            if let Some(mut full) = self.autoinstance_name(first, env) {
                for r in rest {
                    full.push('.');
                    full.push_str(r);
                }
                let sym = Symbol::intern(&full);
                return self.names.get(&sym).map(|(e, _)| (sym, *e));
            }
        }
        if let Some((arg, aenv)) = env.subst.get(&Symbol::intern(first)) {
            let base: String = match arg {
                ast::ModuleArg::Name(p) => {
                    let s: Vec<&str> = p.segments.iter().map(|s| s.as_str()).collect();
                    match self.resolve_full(&s, aenv) {
                        Some((full, _)) => full.as_str().to_string(),
                        None => p.to_dotted(),
                    }
                }
                ast::ModuleArg::Op(op) => op.op.as_str().to_string(),
                ast::ModuleArg::Var(b) => b.name.as_str().to_string(),
                ast::ModuleArg::True(_) => "true".into(),
                ast::ModuleArg::False(_) => "false".into(),
            };
            let mut full = base;
            for r in rest {
                full.push('.');
                full.push_str(r);
            }
            let sym = Symbol::intern(&full);
            return self.names.get(&sym).map(|(e, _)| (sym, *e));
        }
        if first == "this" {
            if env.prefix.is_empty() {
                return None;
            }
            let mut full = join(&env.prefix).as_str().to_string();
            for r in rest {
                full.push('.');
                full.push_str(r);
            }
            let sym = Symbol::intern(&full);
            return self.names.get(&sym).map(|(e, _)| (sym, *e));
        }
        let tail = segs.join(".");
        for i in (0..=env.prefix.len()).rev() {
            let cand = dotted(env.prefix.get(..i).unwrap_or(&[]), &tail);
            if let Some((e, _)) = self.names.get(&cand) {
                return Some((cand, *e));
            }
        }
        None
    }

    /// Up to three similar names visible from `env`, for "did you mean".
    pub fn suggestions(&self, name: &str, env: &Env, want: NameKind) -> Vec<Suggestion> {
        let mut cands: Vec<(usize, Symbol, Option<Span>)> = Vec::new();
        let limit = (name.len() / 3).max(1);
        let mut prefixes: Vec<String> = Vec::new();
        for i in (0..=env.prefix.len()).rev() {
            let p = join(env.prefix.get(..i).unwrap_or(&[]));
            prefixes.push(if i == 0 {
                String::new()
            } else {
                format!("{p}.")
            });
        }
        let mut seen = HashSet::new();
        for (full, (ent, span)) in &self.names {
            let kind_ok = match want {
                NameKind::Sort => matches!(ent, Entity::Sort(_)),
                NameKind::Action => matches!(ent, Entity::Action(_)),
                NameKind::Module => matches!(ent, Entity::Module),
                NameKind::Value => matches!(ent, Entity::Sym(_) | Entity::Action(_)),
            };
            if !kind_ok {
                continue;
            }
            for p in &prefixes {
                if let Some(rel) = full.as_str().strip_prefix(p.as_str()) {
                    if rel.is_empty() || rel == name {
                        continue;
                    }
                    let d = edit_distance(name, rel);
                    if d <= limit && seen.insert(rel.to_string()) {
                        cands.push((d, Symbol::intern(rel), *span));
                    }
                    break;
                }
            }
        }
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.as_str().cmp(b.1.as_str())));
        cands
            .into_iter()
            .take(3)
            .map(|(_, name, decl)| Suggestion { name, decl })
            .collect()
    }

    pub fn undefined(&mut self, kind: NameKind, name: &str, span: Span, env: &Env) {
        // A name of a declaration the parser could not read: the syntax
        // error is reported already.
        let sym = Symbol::intern(name.rsplit('.').next().unwrap_or(name));
        if self.files.values().any(|f| f.unparsed_names.contains(&sym)) {
            return;
        }
        let suggestions = self.suggestions(name, env, kind);
        self.err(
            SemaError::UndefinedName {
                kind,
                name: Symbol::intern(name),
                span,
                suggestions,
            },
            env,
        );
    }

    /// Resolves a sort name.
    pub fn resolve_sort(&mut self, path: &ast::Path, env: &Env) -> Option<SortId> {
        if let [seg] = path.segments.as_slice() {
            if let Some(&(_, s)) = self.proof_sorts.iter().rev().find(|(n, _)| *n == seg.name) {
                return Some(s);
            }
        }
        let segs: Vec<&str> = path.segments.iter().map(|s| s.as_str()).collect();
        if segs == ["bool"] {
            return Some(SortId::BOOL);
        }
        match self.resolve_full(&segs, env) {
            Some((_, Entity::Sort(s))) => Some(s),
            Some((full, _)) => {
                let decl = self.names.get(&full).and_then(|x| x.1);
                self.err(
                    SemaError::NotASort {
                        name: full,
                        span: path.span,
                        decl,
                    },
                    env,
                );
                None
            }
            None => {
                if segs.len() == 1 && env.prefix.is_empty() && segs[0] == "this" {
                    self.err(SemaError::ThisOutsideObject { span: path.span }, env);
                    return None;
                }
                self.undefined(NameKind::Sort, &path.to_dotted(), path.span, env);
                None
            }
        }
    }

    // ------------------------------------------------------------------
    // Pass 1: flattening
    // ------------------------------------------------------------------

    pub fn flatten(&mut self, decls: &'a [ast::Decl], env: Rc<Env>) {
        for d in decls {
            self.flatten_one(d, &env);
        }
    }

    fn flatten_one(&mut self, d: &'a ast::Decl, env: &Rc<Env>) {
        use ast::DeclKind as K;
        match &d.kind {
            K::Include(id) => {
                if let Some(&fid) = self.includes.get(&id.span) {
                    if self.included.insert(fid) {
                        if let Some(f) = self.files.get(&fid) {
                            self.flatten(&f.decls, Rc::new(Env::default()));
                        }
                    }
                }
            }
            K::Module {
                category,
                name,
                params,
                with,
                body,
            } => {
                // `module object m` is a module; `module isolate m(..) with
                // a, b` also declares `isolate iso = this with a, b` in each
                // instance (see `instantiate`). Without a category the
                // `with` list means nothing (as in Ivy).
                let _ = with;
                let full = dotted(&env.prefix, name.as_str());
                let mut ps = Vec::new();
                for p in params.iter().flatten() {
                    match &p.kind {
                        ast::ExprKind::App { func, args: None } if func.segments.len() == 1 => {
                            if let Some(s) = func.last() {
                                ps.push(s.name)
                            }
                        }
                        ast::ExprKind::Var(id) => ps.push(id.name),
                        _ => self.unsupported("this form of module parameter", p.span, env),
                    }
                }
                if self.declare(full, Entity::Module, name.span, env) {
                    let isolate = (*category == Some(ast::ModuleCategory::Isolate)).then_some(d);
                    self.modules.insert(
                        full,
                        ModuleInfo {
                            params: ps,
                            body,
                            span: name.span,
                            isolate,
                        },
                    );
                }
            }
            K::Instantiate(insts) => {
                self.autoinstances_of(d, env);
                for inst in insts {
                    self.instantiate(inst, env);
                }
            }
            K::Autoinstance(insts) => self.record_autoinstances(insts),
            K::Object {
                kind,
                name,
                params,
                body,
                ..
            } => {
                let full = dotted(&env.prefix, name.as_str());
                self.declare(full, Entity::Object, name.span, env);
                if *kind == ast::ObjectKind::Class {
                    // `class c = {...}` is `object c = { type this; ... }`:
                    // its sort is declared before its members (`class.rs`).
                    self.items.push(Item {
                        decl: d,
                        env: env.clone(),
                    });
                }
                let mut child = env.child(name.name);
                // `object o(self:id) = {...}`: members take `self` first.
                child.obj_params.extend(params.iter().cloned());
                self.flatten(body, Rc::new(child));
            }
            // `subclass d of c = {...}` is `object d = { type this; variant
            // this of c; ... }`.
            K::Subclass { name, body, .. } => {
                let full = dotted(&env.prefix, name.as_str());
                self.declare(full, Entity::Object, name.span, env);
                self.items.push(Item {
                    decl: d,
                    env: env.clone(),
                });
                self.flatten(body, Rc::new(env.child(name.name)));
            }
            K::Section { kind, body } => {
                if *kind == ast::SectionKind::Global {
                    // What a `global { ... }` section declares is present in
                    // every isolate (ms-ivy adds it to every `with` list).
                    for g in body {
                        for n in declared_names(g) {
                            self.global_roots.push(dotted(&env.prefix, n.as_str()));
                        }
                    }
                }
                let e = Env {
                    prefix: env.prefix.clone(),
                    section: match kind {
                        ast::SectionKind::Specification => Section::Specification,
                        ast::SectionKind::Implementation => Section::Implementation,
                        ast::SectionKind::Private => Section::Private,
                        _ => Section::Common,
                    },
                    subst: env.subst.clone(),
                    notes: env.notes.clone(),
                    obj_params: env.obj_params.clone(),
                };
                self.flatten(body, Rc::new(e));
            }
            K::IsolateObject {
                name, params, body, ..
            } => {
                let full = dotted(&env.prefix, name.as_str());
                self.declare(full, Entity::Object, name.span, env);
                // `isolate o(self:id) = {...}`: a parameterised object.
                let mut child = env.child(name.name);
                child.obj_params.extend(params.iter().cloned());
                self.flatten(body, Rc::new(child));
                self.items.push(Item {
                    decl: d,
                    env: env.clone(),
                });
            }
            // `extract e = { decls }` (1.8 also `process`) declares the
            // object `e` with those members, as ms-ivy's parser does; only
            // the extraction unit it also names means nothing to
            // verification. (Dropping the body dropped its invariants and
            // exported actions: the sweep of issue 17 found it.)
            K::ExtractObject {
                name, params, body, ..
            } => {
                let full = dotted(&env.prefix, name.as_str());
                self.declare(full, Entity::Object, name.span, env);
                let mut child = env.child(name.name);
                child.obj_params.extend(params.iter().cloned());
                self.flatten(body, Rc::new(child));
            }
            // Extraction units have no effect on verification; their
            // names are resolved with the formulas (`extract_unit.rs`).
            _ => {
                self.autoinstances_of(d, env);
                self.items.push(Item {
                    decl: d,
                    env: env.clone(),
                })
            }
        }
    }

    pub(crate) fn instantiate(&mut self, inst: &ast::Instance, env: &Rc<Env>) {
        let mpath = &inst.module.name;
        let msegs: Vec<&str> = mpath.segments.iter().map(|s| s.as_str()).collect();
        let full = match self.resolve_full(&msegs, env) {
            Some((full, Entity::Module)) => full,
            Some((full, _)) => {
                self.err(
                    SemaError::NotAModule {
                        name: full,
                        span: mpath.span,
                    },
                    env,
                );
                return;
            }
            None => {
                // Reported after all declarations are known (it may name a
                // sort or symbol, which is not a module).
                self.missing_modules.push((mpath.clone(), env.clone()));
                return;
            }
        };
        if self.instance_stack.contains(&full) || self.instance_stack.len() > MAX_INSTANCE_DEPTH {
            self.err(
                SemaError::InstanceCycle {
                    module: full,
                    span: inst.span,
                },
                env,
            );
            return;
        }
        let Some(m) = self.modules.get(&full) else {
            return;
        };
        let (params, body, mspan, iso) = (m.params.clone(), m.body, m.span, m.isolate);
        let args: Vec<ast::ModuleArg> = inst.module.args.clone().unwrap_or_default();
        if args.len() != params.len() {
            self.err(
                SemaError::ModuleArity {
                    name: full,
                    expected: params.len(),
                    found: args.len(),
                    span: inst.module.span,
                    decl: mspan,
                },
                env,
            );
            return;
        }
        // `instance p(self:id) : m(...)` is `object p(self:id) = { instantiate m(...) }`.
        let mut inst_params = Vec::new();
        let (prefix, iname) = match &inst.name {
            Some(r) => {
                for a in r.args.iter().flatten() {
                    match a {
                        ast::ModuleArg::Var(ast::Binder {
                            name,
                            sort: Some(sort),
                            span,
                        }) => inst_params.push(ast::Param {
                            name: name.clone(),
                            sort: sort.clone(),
                            caret: false,
                            span: *span,
                        }),
                        // ms-ivy: "unspecified type".
                        other => {
                            let name = match other {
                                ast::ModuleArg::Var(b) => b.name.name,
                                ast::ModuleArg::Name(p) => Symbol::intern(&p.to_dotted()),
                                _ => Symbol::intern("?"),
                            };
                            self.err(SemaError::CannotInferSort { name, span: r.span }, env);
                            return;
                        }
                    }
                }
                let mut p = env.prefix.clone();
                p.extend(r.name.segments.iter().map(|s| s.name));
                let ifull = join(&p);
                self.declare(ifull, Entity::Object, r.name.span, env);
                (p, Some(Symbol::intern(&r.name.to_dotted())))
            }
            None => (env.prefix.clone(), None),
        };
        let mut subst = HashMap::new();
        for (p, a) in params.iter().zip(args) {
            subst.insert(*p, (a, env.clone()));
        }
        let mut notes = vec![InstanceNote {
            instance: iname,
            module: full,
            span: inst.span,
        }];
        notes.extend(env.notes.iter().cloned());
        let child = Rc::new(Env {
            prefix,
            section: env.section,
            subst,
            notes,
            obj_params: env.obj_params.iter().cloned().chain(inst_params).collect(),
        });
        self.instance_stack.push(full);
        self.flatten(body, child.clone());
        self.instance_stack.pop();
        if let Some(d) = iso {
            // Resolved with the isolates, in the instance's scope.
            self.items.push(Item {
                decl: d,
                env: child,
            });
        }
    }

    // ------------------------------------------------------------------
    // Final assembly
    // ------------------------------------------------------------------

    pub fn finish(mut self) -> (Program, Vec<SemaError>) {
        if !self.semantics().axiom_symbols_immutable() {
            self.legacy.assigned_axiom_syms = crate::version::assigned_axiom_syms(&self);
        }
        let mut sig = Signature::new();
        for s in self.sorts.iter().skip(1) {
            sig.add_sort(s.clone());
        }
        // Rigid symbols: mentioned in axioms, parameters, rigid definitions
        // (before 1.7, symbols in axioms that actions assign stay state).
        for (&s, _) in self.axiom_syms.iter() {
            if self.legacy.assigned_axiom_syms.contains(&s) {
                continue;
            }
            if let Some(d) = self.syms.get_mut(s.index()) {
                if d.role == Role::State {
                    d.role = Role::Rigid;
                }
            }
        }
        for s in &self.syms {
            sig.add_symbol(s.clone());
        }
        let mut p = Program {
            sig,
            ..Program::default()
        };
        for (a, o) in self.axioms {
            p.axioms.push(a);
            p.axiom_origins.push(o);
        }
        for (a, o) in self.properties {
            p.properties.push(a);
            p.property_origins.push(o);
        }
        p.proof_goals = self.proof_goals.into_iter().collect();
        p.inv_proof_goals = self.inv_proof_goals.into_iter().collect();
        for (a, o) in self.invariants {
            p.invariants.push(a);
            p.invariant_origins.push(o);
        }
        p.definitions = self.definitions;
        p.inits = self.inits;
        p.init_origins = self.init_origins;
        p.actions = self.actions.into_iter().map(|a| a.def).collect();
        p.isolates = self.isolates;
        p.extracts = self.extracts;
        p.symbol_origins = self.symbol_origins;
        p.destructors = self.destructors;
        let mut structs: Vec<SortId> = self.struct_sorts.into_iter().collect();
        structs.sort();
        p.struct_sorts = structs;
        p.variants = self.variants;
        p.field_updates = self.field_updates;
        let mut interps: Vec<Interpretation> = self
            .interpret_origins
            .into_iter()
            .map(|(sort, origin)| Interpretation { sort, origin })
            .collect();
        interps.sort_by_key(|i| i.sort);
        p.interpretations = interps;
        p.natives = self.natives;
        p.native_types = self.native_types;
        p.temporal = self.temporal.finish();
        p.attributes = self.attributes;
        p.version = self.version;
        for (c, o) in self.legacy.init_conds {
            p.init_conds.push(c);
            p.init_cond_origins.push(o);
        }
        p.privates = self.legacy.privates;
        let mut assigned: Vec<SymId> = self.legacy.assigned_axiom_syms.into_iter().collect();
        assigned.sort();
        p.assigned_axiom_syms = assigned;
        p.state_choices = self.state_choice_deps;
        p.delegated_to = self.delegated_to;
        (p, self.errors)
    }

    /// Marks the rigid role of symbols that appear in axiom `t`.
    pub fn note_axiom_syms(&mut self, t: &Term, span: Span) {
        for s in t.symbols() {
            self.axiom_syms.entry(s).or_insert(span);
        }
    }
}

/// The names a declaration introduces at its level (objects, instances,
/// sorts, symbols, actions), for `global` sections.
fn declared_names(d: &ast::Decl) -> Vec<Symbol> {
    use ast::DeclKind as K;
    match &d.kind {
        K::Object { name, .. }
        | K::Subclass { name, .. }
        | K::IsolateObject { name, .. }
        | K::Type { name, .. }
        | K::Variant { name, .. }
        | K::Action { name, .. } => vec![name.name],
        K::Instantiate(insts) => insts
            .iter()
            .filter_map(|i| i.name.as_ref())
            .map(|r| Symbol::intern(&r.name.to_dotted()))
            .collect(),
        K::Relation(ds) | K::Function(ds) => ds
            .iter()
            .filter_map(|sd| match &sd.lhs.lhs {
                ast::DefnLhs::Name { name, .. } => Some(Symbol::intern(&name.to_dotted())),
                ast::DefnLhs::Infix { .. } => None,
            })
            .collect(),
        K::Individual(tns) | K::Var(tns) => tns
            .iter()
            .filter_map(|tn| match &tn.head {
                ast::TypedHead::Name { name, .. } => Some(name.name),
                ast::TypedHead::Infix { .. } => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Edit distance (by characters) for "did you mean".
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    // Optimal string alignment: insertions, deletions, substitutions and
    // transpositions of neighbours each cost 1 (`tabel` is one from `table`).
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, x) in d.iter_mut().enumerate().take(w) {
        *x = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("tabel", "table"), 1);
        assert_eq!(edit_distance("recv_transfr", "recv_transfer"), 1);
    }
}
