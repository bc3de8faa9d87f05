//! Lowering of a checked [`Program`] to the imperative IR: which symbols are
//! state, host parameters, definitions or ghost; quantifiers and
//! parameterised updates as loops over finite sorts; monitors of
//! `specification` sections dropped (kept and run for the test drivers of
//! `ivyc test`); calls to imported actions as
//! callbacks; assertions as runtime checks. Everything that cannot be
//! executed is an [`IrError`] at its span.

use crate::error::IrError;
use crate::ir::{
    Axiom, Callback, CheckKind, Def, EnumInfo, Expr, FieldInfo, FieldRef, Func, Invariant, Local,
    Module, Native, NativePiece, Op, Place, Placement, SortInfo, Stmt, Storage, StructInfo, Timer,
    Type, UdpNet, UncheckedInvariant, Var,
};
use crate::names::Names;
use crate::search;
use crate::timer;
use crate::udp;
use crate::variant::{self, Bound, PtoMap};
use ivyc_base::IntoDiagnostic;
use ivyc_base::{SourceMap, Span};
use ivyc_logic::{BuiltinOp, Role, SortId, SortKind, SymId, Term, TermKind};
use ivyc_sema::native::{NativeCode, NativeTarget};
use ivyc_sema::program::{AssertKind, Block, IsolateDef, PartKind, Section, StmtKind};
use ivyc_sema::{ActionId, Program};
use std::collections::{HashMap, HashSet};

/// Lower `program` to a module named `name`. With `isolate`, only that
/// isolate is extracted: its exported actions are the entry points, and
/// calls to actions outside it and its `with` objects become callbacks the
/// host implements.
pub fn lower(
    program: &Program,
    sources: &SourceMap,
    name: &str,
    isolate: Option<&IsolateDef>,
) -> Result<Module, Vec<IrError>> {
    lower_impl(program, sources, name, isolate, false)
}

/// [`lower()`] for the test drivers of `ivyc test`: the `specification`
/// sections are executed too (their state is held, their monitors run, so
/// a monitor's `require` on an exported action constrains the test's
/// inputs and its `ensure`s are checked, as in Ivy's specification-based
/// testing; an imported action with monitors becomes a function that runs
/// them around the host's callback), and the program's invariants are
/// lowered: [`Module::invariants`] gets those that read only executed
/// state and quantify over finite sorts, [`Module::unchecked_invariants`]
/// the others with the reason. The state and definitions they read are
/// added to the module.
pub fn lower_with_invariants(
    program: &Program,
    sources: &SourceMap,
    name: &str,
    isolate: Option<&IsolateDef>,
) -> Result<Module, Vec<IrError>> {
    lower_impl(program, sources, name, isolate, true)
}

fn lower_impl(
    program: &Program,
    sources: &SourceMap,
    name: &str,
    isolate: Option<&IsolateDef>,
    with_invariants: bool,
) -> Result<Module, Vec<IrError>> {
    // A destructor with extra arguments is a table inside each value.
    if let Some(d) = program
        .destructors
        .iter()
        .find(|d| program.sig.symbol(d.sym).args.len() > 1)
    {
        return Err(vec![IrError::TableField {
            field: program.sig.symbol_name(d.sym).to_owned(),
            span: d.span,
        }]);
    }
    if let Some(&span) = program.native_types.first() {
        return Err(vec![IrError::Unsupported {
            what: "native types (`interpret t -> <<< ... >>>`)",
            span,
        }]);
    }
    // Ivy 1.6 `init` conditions describe the initial state instead of
    // building it (ms-ivy solves for such a state when it extracts).
    if let Some(span) = program.init_conds.first().and_then(|c| c.span) {
        return Err(vec![IrError::Unsupported {
            what: "`init` declarations (Ivy 1.6 and older)",
            span,
        }]);
    }
    // A sort with both fields and variants has no tagged representation.
    if let Some(span) = program
        .variants
        .iter()
        .find(|(t, _)| {
            program.struct_sorts.contains(t) || program.destructors.iter().any(|d| d.sort == *t)
        })
        .map(|(t, _)| program.sig.sort(*t).span.unwrap_or_default())
    {
        return Err(vec![IrError::Unsupported {
            what: "a sort with both fields and variants",
            span,
        }]);
    }
    let mut lx = Lowerer::new(program, sources, name);
    lx.isolate = isolate.map(|i| {
        let own: Vec<String> = i.members.iter().map(|m| m.as_str().to_owned()).collect();
        let with: Vec<String> = i.with.iter().map(|m| m.as_str().to_owned()).collect();
        (own, with)
    });
    lx.with_invariants = with_invariants;
    lx.run();
    if lx.errors.is_empty() {
        Ok(lx.module)
    } else {
        Err(lx.errors)
    }
}

/// What a signature symbol became.
#[derive(Clone, Copy, Debug)]
enum SymKind {
    State(usize),
    Param(usize),
    Def(usize),
    Ghost,
}

/// Locals of the function being lowered.
#[derive(Default)]
struct Fx {
    locals: Vec<Local>,
    names: Names,
    syms: HashMap<SymId, usize>,
    vars: HashMap<ivyc_logic::Var, usize>,
    /// `old` snapshot locals read by the code.
    used_olds: HashSet<SymId>,
    /// Quantified variables and `if some` witnesses defined by a downcast:
    /// read as that expression (`variant.rs`).
    var_subst: HashMap<ivyc_logic::Var, Expr>,
    sym_subst: HashMap<SymId, Expr>,
}

struct Lowerer<'p> {
    p: &'p Program,
    sources: &'p SourceMap,
    module: Module,
    errors: Vec<IrError>,
    sort_ix: HashMap<SortId, Type>,
    used_sorts: HashSet<usize>,
    used_structs: HashSet<usize>,
    /// Each destructor (struct field) symbol's place in `module.structs`.
    field_ix: HashMap<SymId, FieldRef>,
    /// Each `*>` symbol's alternative of a sort with variants.
    pto: PtoMap,
    syms: HashMap<SymId, SymKind>,
    state_names: Names,
    param_names: Names,
    def_names: Names,
    action_ix: HashMap<ActionId, usize>,
    callback_ix: HashMap<ActionId, usize>,
    defs: HashMap<SymId, &'p ivyc_sema::program::Definition>,
    /// The extracted isolate's members and `with` list (full dotted names).
    isolate: Option<(Vec<String>, Vec<String>)>,
    /// Lower the invariants too, and execute the `specification`
    /// sections ([`lower_with_invariants`]).
    with_invariants: bool,
    /// Imported actions whose monitors run around the host's callback
    /// (only with `with_invariants`): they have both an action and a
    /// callback.
    wrapped_imports: HashSet<ActionId>,
}

impl<'p> Lowerer<'p> {
    fn new(p: &'p Program, sources: &'p SourceMap, name: &str) -> Self {
        let mut names = Names::new();
        let module = Module {
            name: name.to_owned(),
            ident: names.fresh(name),
            sorts: Vec::new(),
            enums: Vec::new(),
            structs: Vec::new(),
            state: Vec::new(),
            params: Vec::new(),
            defs: Vec::new(),
            axioms: Vec::new(),
            unchecked_axioms: Vec::new(),
            init_locals: Vec::new(),
            init: Vec::new(),
            actions: Vec::new(),
            callbacks: Vec::new(),
            choice_sites: 0,
            ghost: Vec::new(),
            invariants: Vec::new(),
            unchecked_invariants: Vec::new(),
            natives: Vec::new(),
            udp: Vec::new(),
            timers: Vec::new(),
        };
        let mut lx = Lowerer {
            p,
            sources,
            module,
            errors: Vec::new(),
            sort_ix: HashMap::new(),
            used_sorts: HashSet::new(),
            used_structs: HashSet::new(),
            field_ix: HashMap::new(),
            pto: PtoMap::new(),
            syms: HashMap::new(),
            state_names: Names::new(),
            param_names: Names::new(),
            def_names: Names::new(),
            action_ix: HashMap::new(),
            callback_ix: HashMap::new(),
            defs: p.definitions.iter().map(|d| (d.sym, d)).collect(),
            isolate: None,
            with_invariants: false,
            wrapped_imports: HashSet::new(),
        };
        lx.sorts();
        lx
    }

    /// Struct sorts (declared `struct`, or with destructors) ordered so
    /// that every struct comes after the structs its fields contain; a
    /// struct that contains itself is refused.
    fn struct_order(&mut self) -> Vec<SortId> {
        let mut structs: Vec<SortId> = self.p.struct_sorts.clone();
        for d in &self.p.destructors {
            if !structs.contains(&d.sort) {
                structs.push(d.sort);
            }
        }
        for (t, _) in &self.p.variants {
            if !structs.contains(t) {
                structs.push(*t);
            }
        }
        structs.sort();
        let deps = |s: SortId| -> Vec<SortId> {
            self.p
                .destructors
                .iter()
                .filter(|d| d.sort == s)
                .map(|d| self.p.sig.symbol(d.sym).ret)
                .chain(self.variants_of(s).iter().copied())
                .filter(|r| structs.contains(r))
                .collect()
        };
        // Depth-first post-order; `open` holds the structs being visited.
        let mut order: Vec<SortId> = Vec::new();
        let mut open: Vec<SortId> = Vec::new();
        let mut cyclic: Option<SortId> = None;
        fn visit(
            s: SortId,
            deps: &dyn Fn(SortId) -> Vec<SortId>,
            order: &mut Vec<SortId>,
            open: &mut Vec<SortId>,
            cyclic: &mut Option<SortId>,
        ) {
            if order.contains(&s) {
                return;
            }
            if open.contains(&s) {
                cyclic.get_or_insert(s);
                return;
            }
            open.push(s);
            for d in deps(s) {
                visit(d, deps, order, open, cyclic);
            }
            open.pop();
            order.push(s);
        }
        for &s in &structs {
            visit(s, &deps, &mut order, &mut open, &mut cyclic);
        }
        if let Some(s) = cyclic {
            let decl = self.p.sig.sort(s);
            self.errors.push(IrError::RecursiveStruct {
                sort: decl.name.as_str().to_owned(),
                span: decl.span.unwrap_or_default(),
            });
        }
        order
    }

    fn sorts(&mut self) {
        let mut snames = Names::new();
        let mut enames = Names::new();
        let mut stnames = Names::new();
        let structs = self.struct_order();
        for (ix, s) in structs.iter().enumerate() {
            let name = self.p.sig.sort_name(*s).to_owned();
            self.module.structs.push(StructInfo {
                ident: stnames.fresh(&name),
                name,
                fields: Vec::new(),
                used: false,
                variant: !self.variants_of(*s).is_empty(),
            });
            self.sort_ix.insert(*s, Type::Struct { sort: ix });
        }
        for (id, decl) in self.p.sig.sorts() {
            if self.sort_ix.contains_key(&id) {
                continue;
            }
            let name = decl.name.as_str();
            let ty = match &decl.kind {
                SortKind::Bool => Type::Bool,
                SortKind::Uninterpreted => {
                    let sort = self.module.sorts.len();
                    self.module.sorts.push(SortInfo {
                        name: name.to_owned(),
                        ident: snames.fresh(name),
                        used: false,
                    });
                    Type::Id { sort }
                }
                SortKind::Enum(ctors) => {
                    let sort = self.module.enums.len();
                    let mut cn = Names::new();
                    self.module.enums.push(EnumInfo {
                        name: name.to_owned(),
                        ident: enames.fresh(name),
                        ctors: ctors
                            .iter()
                            .map(|c| cn.fresh(last_segment(c.as_str())))
                            .collect(),
                        ctor_names: ctors.iter().map(|c| c.as_str().to_owned()).collect(),
                    });
                    Type::Enum { sort }
                }
                SortKind::Int => Type::Int,
                SortKind::Nat => Type::Nat,
                // A symbolic upper bound (`interpret t -> {0..max}`) would be
                // a constructor parameter of the generated class, as in
                // ms-ivy; extraction refuses it rather than guess a value.
                SortKind::Range {
                    hi: ivyc_logic::Bound::Sym(b),
                    ..
                } => {
                    // At the bound (`max` in `{0..max}`), else at the sort.
                    let at = (b.index() < self.p.sig.num_symbols())
                        .then(|| self.p.sig.symbol(*b).span)
                        .flatten();
                    if let Some(span) = at.or(decl.span) {
                        self.errors.push(IrError::Unsupported {
                            what: "a range sort whose upper bound is a symbol (ms-ivy makes the bound a parameter of the generated class; ivyc has no way to set it yet)",
                            span,
                        });
                    }
                    Type::Int
                }
                SortKind::Range {
                    lo,
                    hi: ivyc_logic::Bound::Num(hi),
                } => match (i64::try_from(*lo), i64::try_from(*hi)) {
                    (Ok(lo), Ok(hi)) => Type::Range { lo, hi },
                    _ => {
                        if let Some(span) = decl.span {
                            self.errors.push(IrError::Unsupported {
                                what: "range sorts with bounds beyond 64 bits",
                                span,
                            });
                        }
                        Type::Int
                    }
                },
                SortKind::BitVec(w) => Type::Bv {
                    width: (*w).clamp(1, 64),
                },
                SortKind::Str => Type::Str,
            };
            self.sort_ix.insert(id, ty);
        }
        // The fields, once every sort has its type.
        for (ix, s) in structs.iter().enumerate() {
            let mut fnames = Names::new();
            let mut fields = Vec::new();
            for d in self.p.destructors.iter().filter(|d| d.sort == *s) {
                let decl = self.p.sig.symbol(d.sym);
                let name = decl.name.as_str();
                let short = last_segment(name);
                self.field_ix.insert(
                    d.sym,
                    FieldRef {
                        strct: ix,
                        field: fields.len(),
                    },
                );
                fields.push(FieldInfo {
                    name: name.to_owned(),
                    short: short.to_owned(),
                    ident: fnames.fresh(short),
                    ty: self.sort_ix.get(&decl.ret).cloned().unwrap_or(Type::Bool),
                });
            }
            // The alternatives of a sort with variants: tags by short
            // name, or by full name when two short names collide.
            let vs = self.variants_of(*s).to_vec();
            for v in &vs {
                let name = self.p.sig.sort_name(*v);
                let short = last_segment(name);
                let clash = vs
                    .iter()
                    .filter(|w| last_segment(self.p.sig.sort_name(**w)) == short)
                    .count()
                    > 1;
                let alt = FieldRef {
                    strct: ix,
                    field: fields.len(),
                };
                if let Some(p) = self
                    .p
                    .sig
                    .symbols_named(ivyc_base::Symbol::intern("*>"))
                    .iter()
                    .find(|p| self.p.sig.symbol(**p).args.as_slice() == [*s, *v])
                {
                    self.pto.insert(*p, alt);
                }
                fields.push(FieldInfo {
                    name: name.to_owned(),
                    short: if clash { name } else { short }.to_owned(),
                    ident: fnames.fresh(short),
                    ty: self.sort_ix.get(v).cloned().unwrap_or(Type::Bool),
                });
            }
            if let Some(st) = self.module.structs.get_mut(ix) {
                st.fields = fields;
            }
        }
    }

    /// The variants of sort `s` (none if it has none).
    fn variants_of(&self, s: SortId) -> &'p [SortId] {
        self.p
            .variants
            .iter()
            .find(|(t, _)| *t == s)
            .map(|(_, vs)| vs.as_slice())
            .unwrap_or(&[])
    }

    /// Marks the sorts and structs that the fields of used structs contain
    /// as used.
    fn close_used_structs(&mut self) {
        let mut todo: Vec<usize> = self.used_structs.iter().copied().collect();
        while let Some(ix) = todo.pop() {
            let Some(st) = self.module.structs.get_mut(ix) else {
                continue;
            };
            st.used = true;
            for f in &st.fields {
                match f.ty {
                    Type::Id { sort } => {
                        self.used_sorts.insert(sort);
                    }
                    Type::Struct { sort } if self.used_structs.insert(sort) => {
                        todo.push(sort);
                    }
                    _ => {}
                }
            }
        }
    }

    fn ty(&mut self, s: SortId) -> Type {
        let t = self.sort_ix.get(&s).cloned().unwrap_or(Type::Bool);
        match t {
            Type::Id { sort } => {
                self.used_sorts.insert(sort);
            }
            Type::Struct { sort } => {
                self.used_structs.insert(sort);
            }
            _ => {}
        }
        t
    }

    fn loc(&self, span: Span) -> String {
        if (span.file.0 as usize) >= self.sources.len() {
            return String::from("?");
        }
        let (l, c) = self.sources.line_col(span.file, span.start as usize);
        format!("{}:{}:{}", self.sources.name(span.file), l, c)
    }

    /// Whether action `name` is extracted as code: always without an
    /// isolate; with one, if it belongs to a member (or, `with_too`, to the
    /// `with` list).
    fn in_isolate(&self, name: &str, with_too: bool) -> bool {
        let Some((own, with)) = &self.isolate else {
            return true;
        };
        let under = |m: &String| name == m || name.starts_with(&format!("{m}."));
        own.iter().any(under) || (with_too && with.iter().any(under))
    }

    fn run(&mut self) {
        // Which actions are reachable from the exported ones and from init.
        let mut todo: Vec<ActionId> = self
            .p
            .exported_actions()
            .filter(|(_, a)| self.in_isolate(a.name.as_str(), false))
            .map(|(id, _)| id)
            .collect();
        // With an isolate, its actions called from outside it are entry
        // points too (public methods).
        let mut entries: HashSet<ActionId> = HashSet::new();
        if self.isolate.is_some() {
            for a in &self.p.actions {
                if self.in_isolate(a.name.as_str(), false) {
                    continue;
                }
                // Calls in specification monitors are not executed.
                for c in a.body.calls(false) {
                    if let Some(cd) = self.p.action_def(c) {
                        if self.in_isolate(cd.name.as_str(), false) {
                            entries.insert(c);
                            todo.push(c);
                        }
                    }
                }
            }
        }
        for b in &self.p.inits {
            todo.extend(b.calls(false));
            todo.extend(native_actions(b));
        }
        // The timers' handlers run (`timer.rs`; ms-ivy's native code names
        // them).
        let timer_roots = timer::roots(self.p);
        for (_, id) in &timer_roots {
            if let Some(a) = self.p.action_def(*id) {
                if self.in_isolate(a.name.as_str(), false) {
                    todo.push(*id);
                }
            }
        }
        // Actions named in native code run (ms-ivy extracts them too).
        for n in &self.p.natives {
            todo.extend(n.code.refs.iter().filter_map(|r| match r.target {
                NativeTarget::Action(a) => Some(a),
                _ => None,
            }));
        }
        let mut reach: HashSet<ActionId> = HashSet::new();
        while let Some(id) = todo.pop() {
            if !reach.insert(id) {
                continue;
            }
            if let Some(a) = self.p.action_def(id) {
                if !a.imported && self.in_isolate(a.name.as_str(), true) {
                    todo.extend(a.body.calls(false));
                    todo.extend(native_actions(&a.body));
                }
            }
        }
        let mut order: Vec<ActionId> = reach.into_iter().collect();
        order.sort();
        let mut anames = Names::new();
        let mut cnames = Names::new();
        for id in &order {
            let Some(a) = self.p.action_def(*id) else {
                continue;
            };
            let outside = !self.in_isolate(a.name.as_str(), true);
            if (a.imported && !a.exported) || outside {
                self.callback_ix.insert(*id, self.module.callbacks.len());
                let ident = cnames.fresh(a.name.as_str());
                let mut fx = Fx::default();
                let params = a
                    .params
                    .iter()
                    .map(|s| self.local_decl(&mut fx, *s))
                    .collect();
                let returns = a
                    .returns
                    .iter()
                    .map(|s| self.local_decl(&mut fx, *s))
                    .collect();
                if a.imported && !outside && has_code(&a.body) {
                    self.errors.push(IrError::ImportedWithCode {
                        action: a.name.as_str().to_owned(),
                        span: a.span,
                    });
                }
                self.module.callbacks.push(Callback {
                    name: a.name.as_str().to_owned(),
                    ident,
                    params,
                    returns,
                });
                if self.with_invariants && a.imported && !outside && has_ghost(&a.body) {
                    self.wrapped_imports.insert(*id);
                    self.action_ix.insert(*id, self.module.actions.len());
                    self.module.actions.push(Func {
                        name: a.name.as_str().to_owned(),
                        ident: anames.fresh(a.name.as_str()),
                        exported: false,
                        params: Vec::new(),
                        returns: Vec::new(),
                        locals: Vec::new(),
                        body: Vec::new(),
                    });
                }
            } else {
                self.action_ix.insert(*id, self.module.actions.len());
                self.module.actions.push(Func {
                    name: a.name.as_str().to_owned(),
                    ident: anames.fresh(a.name.as_str()),
                    exported: a.exported || entries.contains(id),
                    params: Vec::new(),
                    returns: Vec::new(),
                    locals: Vec::new(),
                    body: Vec::new(),
                });
            }
        }
        // Init code.
        let mut fx = Fx::default();
        let mut init = Vec::new();
        for b in &self.p.inits {
            let mut s = self.block(&mut fx, b);
            init.append(&mut s);
        }
        self.module.init = init;
        self.module.init_locals = fx.locals;

        // Action bodies.
        let marked = udp::marked_objects(self.p, udp::ATTRIBUTE);
        for id in &order {
            let Some(&ix) = self.action_ix.get(id) else {
                continue;
            };
            let Some(a) = self.p.action_def(*id) else {
                continue;
            };
            let mut fx = Fx {
                used_olds: used_olds(&a.body, self.with_invariants),
                ..Fx::default()
            };
            let params: Vec<usize> = a.params.iter().map(|s| self.local(&mut fx, *s)).collect();
            let returns: Vec<usize> = a.returns.iter().map(|s| self.local(&mut fx, *s)).collect();
            let udp_object = udp::send_object(a, &marked);
            let body = match self.callback_ix.get(id) {
                Some(&callback) if self.wrapped_imports.contains(id) => {
                    self.wrapped_import(&mut fx, a, callback, &params, &returns)
                }
                None if udp_object.is_some() => {
                    let object = udp_object.unwrap_or_default();
                    self.udp_send(&mut fx, a, object, &params)
                }
                _ => self.block(&mut fx, &a.body),
            };
            if let Some(f) = self.module.actions.get_mut(ix) {
                f.params = params;
                f.returns = returns;
                f.locals = fx.locals;
                f.body = body;
            }
        }

        self.udp_receivers();
        self.timers(&timer_roots);
        self.natives();
        self.axioms();
        if self.with_invariants {
            self.invariants();
        }
        self.close_used_structs();
        for s in self.used_sorts.clone() {
            if let Some(si) = self.module.sorts.get_mut(s) {
                si.used = true;
            }
        }
        let mut ghost: Vec<String> = self
            .syms
            .iter()
            .filter(|(_, k)| matches!(k, SymKind::Ghost))
            .map(|(s, _)| self.p.sig.symbol_name(*s).to_owned())
            .collect();
        ghost.sort();
        self.module.ghost = ghost;
    }

    /// Top-level native blocks by placement; identical `header` and `impl`
    /// blocks (from several instances of a module) once.
    fn natives(&mut self) {
        let mut seen: Vec<(bool, Vec<NativePiece>)> = Vec::new();
        for n in &self.p.natives {
            let placement = match n.placement.as_str() {
                "header" => Placement::Header,
                "impl" => Placement::Impl,
                "member" => Placement::Member,
                "init" => Placement::Init,
                "inline" => {
                    self.errors.push(IrError::Unsupported {
                        what: "`<<< inline` native blocks",
                        span: n.placement_span,
                    });
                    continue;
                }
                w if w.starts_with("encode") => {
                    self.errors.push(IrError::Unsupported {
                        what: "`<<< encode` native blocks (custom serializers)",
                        span: n.placement_span,
                    });
                    continue;
                }
                w => {
                    self.errors.push(IrError::NativePlacement {
                        word: w.to_owned(),
                        span: n.placement_span,
                    });
                    continue;
                }
            };
            if n.parameterised {
                self.errors.push(IrError::Unsupported {
                    what: "native code in a parameterised object",
                    span: n.code.span,
                });
                continue;
            }
            let code = self.native_pieces(None, &n.code);
            let once = matches!(placement, Placement::Header | Placement::Impl);
            let key = (placement == Placement::Header, code.clone());
            if once && seen.contains(&key) {
                continue;
            }
            if once {
                seen.push(key);
            }
            self.module.natives.push(Native { placement, code });
        }
    }

    /// The pieces of native code; `fx` is the enclosing function (none at
    /// top level, where locals have no C++ name).
    fn native_pieces(&mut self, mut fx: Option<&mut Fx>, code: &NativeCode) -> Vec<NativePiece> {
        let mut out = Vec::new();
        for (i, text) in code.text.iter().enumerate() {
            if !text.is_empty() {
                out.push(NativePiece::Text { text: text.clone() });
            }
            let Some(r) = code.refs.get(i) else {
                continue;
            };
            let name_error = |why: &'static str| IrError::NativeName {
                name: r.name.clone(),
                why,
                span: r.span,
            };
            let piece = match r.target {
                NativeTarget::Unknown => Err(IrError::NativeUnknownName {
                    name: r.name.clone(),
                    span: r.span,
                }),
                NativeTarget::Unsupported(what) => Err(IrError::NativeForm { what, span: r.span }),
                NativeTarget::Sort(s) => Ok(NativePiece::Type { ty: self.ty(s) }),
                NativeTarget::Action(a) => {
                    if let Some(&action) = self.action_ix.get(&a) {
                        Ok(NativePiece::Action { action })
                    } else if let Some(&callback) = self.callback_ix.get(&a) {
                        Ok(NativePiece::Callback { callback })
                    } else {
                        Err(name_error("the action is not extracted"))
                    }
                }
                NativeTarget::Sym(s) => {
                    let d = self.p.sig.symbol(s);
                    if let Some(&field) = self.field_ix.get(&s) {
                        Ok(NativePiece::Field { field })
                    } else if d.role == Role::Local {
                        match fx.as_deref_mut() {
                            Some(fx) => Ok(NativePiece::Local {
                                local: self.local(fx, s),
                            }),
                            None => Err(name_error("a local outside an action")),
                        }
                    } else if d.role == Role::EnumCtor {
                        match self.ty(d.ret) {
                            Type::Enum { sort } => Ok(NativePiece::EnumLit {
                                sort,
                                ctor: self.p.sig.enum_ctor_index(s).unwrap_or(0),
                            }),
                            _ => Err(name_error("a constructor of a sort that is not an enum")),
                        }
                    } else {
                        match self.classify(s) {
                            SymKind::State(var) => Ok(NativePiece::State { var }),
                            SymKind::Param(param) => Ok(NativePiece::Param { param }),
                            SymKind::Def(def) => Ok(NativePiece::Def { def }),
                            SymKind::Ghost => Err(name_error(
                                "it is specification state, which is not extracted",
                            )),
                        }
                    }
                }
            };
            match piece {
                Ok(p) => out.push(p),
                Err(e) => self.errors.push(e),
            }
        }
        out
    }

    /// Axioms that constrain only host parameters and quantify over finite
    /// sorts become runtime checks of the parameters.
    fn axioms(&mut self) {
        for ax in &self.p.axioms {
            let syms = ax.formula.symbols();
            let all_params = syms.iter().all(|s| {
                matches!(self.syms.get(s), Some(SymKind::Param(_)))
                    || self.p.sig.symbol(*s).role == Role::EnumCtor
            });
            if !all_params || syms.is_empty() {
                continue;
            }
            let what = match ax.label {
                Some(l) => format!("axiom [{l}] at {}", self.loc(ax.span.unwrap_or_default())),
                None => format!("axiom at {}", self.loc(ax.span.unwrap_or_default())),
            };
            let mut fx = Fx::default();
            let before = self.errors.len();
            let cond = self.expr(&mut fx, &ax.formula);
            if self.errors.len() > before {
                // Not evaluable (unbounded quantifier): trusted.
                self.errors.truncate(before);
                self.module.unchecked_axioms.push(what);
                continue;
            }
            self.module.axioms.push(Axiom {
                message: what,
                locals: fx.locals,
                cond,
            });
        }
    }

    /// Invariants as expressions over the state; one that cannot be
    /// evaluated (specification state, an unbounded quantifier) leaves the
    /// module as it was and is listed with the reason.
    fn invariants(&mut self) {
        for (i, inv) in self.p.invariants.iter().enumerate() {
            let span = inv.span.unwrap_or_default();
            let label = match inv.label {
                Some(l) => format!("[{l}]"),
                None if (span.file.0 as usize) < self.sources.len() => {
                    let text = self
                        .sources
                        .snippet(span)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .trim();
                    let text = ["invariant ", "conjecture "]
                        .iter()
                        .find_map(|k| text.strip_prefix(k))
                        .unwrap_or(text);
                    text.trim().to_owned()
                }
                None => String::from("(invariant)"),
            };
            let at = self.loc(span);
            // With an isolate, the invariants of its members and `with`
            // objects: the others are another isolate's to keep.
            let object = self
                .p
                .invariant_origins
                .get(i)
                .and_then(|o| o.object)
                .map(|o| o.as_str().to_owned());
            if self.isolate.is_some()
                && !object.as_deref().is_some_and(|o| self.in_isolate(o, true))
            {
                self.module.unchecked_invariants.push(UncheckedInvariant {
                    label,
                    span: at,
                    why: "it belongs to another isolate".to_owned(),
                });
                continue;
            }
            let saved = (
                self.module.clone(),
                self.syms.clone(),
                self.state_names.clone(),
                self.param_names.clone(),
                self.def_names.clone(),
                self.used_sorts.clone(),
                self.used_structs.clone(),
            );
            let before = self.errors.len();
            let mut fx = Fx::default();
            let cond = self.expr(&mut fx, &inv.formula);
            if let Some(e) = self.errors.get(before) {
                let why = match e {
                    IrError::GhostAccess { symbol, .. } => format!(
                        "it reads specification state `{symbol}`, which the extracted code does not hold"
                    ),
                    IrError::UnboundedQuantifier { sort, .. } => {
                        format!("it quantifies over the unbounded sort `{sort}`")
                    }
                    other => other.into_diagnostic().message,
                };
                self.errors.truncate(before);
                (
                    self.module,
                    self.syms,
                    self.state_names,
                    self.param_names,
                    self.def_names,
                    self.used_sorts,
                    self.used_structs,
                ) = saved;
                self.module.unchecked_invariants.push(UncheckedInvariant {
                    label,
                    span: at,
                    why,
                });
                continue;
            }
            self.module.invariants.push(Invariant {
                label,
                span: at,
                locals: fx.locals,
                cond,
            });
        }
    }

    fn storage(args: &[Type]) -> Storage {
        if args.is_empty() {
            Storage::Scalar
        } else if args.iter().all(Type::is_finite) {
            Storage::Dense
        } else {
            Storage::Hash
        }
    }

    fn var_of(&mut self, sym: SymId, names: Names) -> (Var, Names) {
        let mut names = names;
        let d = self.p.sig.symbol(sym).clone();
        let args: Vec<Type> = d.args.iter().map(|s| self.ty(*s)).collect();
        let ret = self.ty(d.ret);
        let v = Var {
            name: d.name.as_str().to_owned(),
            ident: names.fresh(d.name.as_str()),
            storage: Self::storage(&args),
            args,
            ret,
        };
        (v, names)
    }

    /// What a non-local symbol is, registering it on first use.
    fn classify(&mut self, sym: SymId) -> SymKind {
        if let Some(k) = self.syms.get(&sym) {
            return *k;
        }
        let decl = self.p.sig.symbol(sym).clone();
        let section = self
            .p
            .symbol_origins
            .get(&sym)
            .map(|o| o.section)
            .unwrap_or_default();
        let k = if section == Section::Specification && !self.with_invariants {
            SymKind::Ghost
        } else if let Some(def) = self.defs.get(&sym).copied() {
            let ix = self.module.defs.len();
            self.syms.insert(sym, SymKind::Def(ix));
            let ident = self.def_names.fresh(decl.name.as_str());
            let ret = self.ty(decl.ret);
            self.module.defs.push(Def {
                name: decl.name.as_str().to_owned(),
                ident,
                locals: Vec::new(),
                params: Vec::new(),
                ret,
                body: Expr::Bool { value: false },
            });
            let mut fx = Fx::default();
            let params: Vec<usize> = def
                .params
                .iter()
                .map(|v| {
                    let ty = self.ty(v.sort);
                    let i = push_local(&mut fx, v.name.as_str(), ty);
                    fx.vars.insert(*v, i);
                    i
                })
                .collect();
            let body = self.expr(&mut fx, &def.body);
            if let Some(d) = self.module.defs.get_mut(ix) {
                d.locals = fx.locals;
                d.params = params;
                d.body = body;
            }
            return SymKind::Def(ix);
        } else if decl.role == Role::State {
            let names = std::mem::take(&mut self.state_names);
            let (v, names) = self.var_of(sym, names);
            self.state_names = names;
            self.module.state.push(v);
            SymKind::State(self.module.state.len() - 1)
        } else {
            let names = std::mem::take(&mut self.param_names);
            let (v, names) = self.var_of(sym, names);
            self.param_names = names;
            self.module.params.push(v);
            SymKind::Param(self.module.params.len() - 1)
        };
        self.syms.insert(sym, k);
        k
    }

    fn local_decl(&mut self, fx: &mut Fx, sym: SymId) -> Local {
        let i = self.local(fx, sym);
        fx.locals.get(i).cloned().unwrap_or(Local {
            name: String::new(),
            ident: String::from("x"),
            ty: Type::Bool,
            args: Vec::new(),
            storage: Storage::Scalar,
            bound: false,
        })
    }

    /// The local for a `Local` symbol, declared on first use.
    fn local(&mut self, fx: &mut Fx, sym: SymId) -> usize {
        if let Some(i) = fx.syms.get(&sym) {
            return *i;
        }
        let d = self.p.sig.symbol(sym).clone();
        let ty = self.ty(d.ret);
        let args: Vec<Type> = d.args.iter().map(|s| self.ty(*s)).collect();
        let name = d.name.as_str();
        let i = fx.locals.len();
        fx.locals.push(Local {
            name: name.to_owned(),
            ident: fx.names.fresh(last_segment(name)),
            ty,
            storage: Self::storage(&args),
            args,
            bound: false,
        });
        fx.syms.insert(sym, i);
        i
    }

    fn place(&mut self, fx: &mut Fx, sym: SymId, span: Span) -> Option<Place> {
        let d = self.p.sig.symbol(sym);
        if d.role == Role::Local {
            return Some(Place::Local {
                local: self.local(fx, sym),
            });
        }
        match self.classify(sym) {
            SymKind::State(var) => Some(Place::State { var }),
            SymKind::Ghost => {
                self.ghost_error(sym, true, span);
                None
            }
            _ => {
                self.errors.push(IrError::Unsupported {
                    what: "assignment to an immutable symbol",
                    span,
                });
                None
            }
        }
    }

    fn ghost_error(&mut self, sym: SymId, write: bool, span: Span) {
        let d = self.p.sig.symbol(sym);
        self.errors.push(IrError::GhostAccess {
            symbol: d.name.as_str().to_owned(),
            write,
            span,
            decl: d.span,
        });
    }

    /// The body of an imported action whose monitors run (see
    /// [`lower_with_invariants`]): its `old` snapshots and `before`
    /// monitors, the host's callback, then its `after` monitors.
    fn wrapped_import(
        &mut self,
        fx: &mut Fx,
        a: &ivyc_sema::ActionDef,
        callback: usize,
        params: &[usize],
        returns: &[usize],
    ) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut called = false;
        for part in &a.parts {
            if part.kind == PartKind::After && !called {
                out.push(Self::host_call(callback, params, returns));
                called = true;
            }
            for s in a.part_stmts(part) {
                self.stmt(fx, s, &mut out);
            }
        }
        if !called {
            out.push(Self::host_call(callback, params, returns));
        }
        let mut cx = search::Cx {
            state: &self.module.state,
            locals: &fx.locals,
            sites: &mut self.module.choice_sites,
        };
        search::resolve(out, &mut cx)
    }

    /// The body of `send` of an `include udp` network (implemented by
    /// marked `object`): its monitors, then a datagram carrying the last
    /// parameter to the endpoint given by the one before (`udp.rs`).
    fn udp_send(
        &mut self,
        fx: &mut Fx,
        a: &ivyc_sema::ActionDef,
        object: &str,
        params: &[usize],
    ) -> Vec<Stmt> {
        let [.., dst, pkt] = params else {
            self.errors.push(IrError::Unsupported {
                what: "an `include udp` `send` without a destination and a packet",
                span: a.span,
            });
            return Vec::new();
        };
        let local_ty = |l: usize| fx.locals.get(l).map(|l| l.ty.clone());
        let (Some(addr), Some(pkt_ty)) = (local_ty(*dst), local_ty(*pkt)) else {
            return Vec::new();
        };
        if !matches!(addr, Type::Id { .. }) {
            self.errors.push(IrError::Unsupported {
                what:
                    "an `include udp` network whose endpoint ids are not of an uninterpreted sort",
                span: a.span,
            });
            return Vec::new();
        }
        let net = match self.module.udp.iter().position(|n| n.object == object) {
            Some(n) => n,
            None => {
                if !self.module.udp.is_empty() {
                    self.errors.push(IrError::Unsupported {
                        what: "more than one `include udp` network in a program",
                        span: a.span,
                    });
                }
                self.module.udp.push(UdpNet {
                    object: object.to_owned(),
                    addr,
                    pkt: pkt_ty,
                    recv: None,
                    recv_takes_me: false,
                });
                self.module.udp.len() - 1
            }
        };
        let read = |local: usize| Expr::Read {
            place: Place::Local { local },
            args: Vec::new(),
        };
        let mut out = Vec::new();
        for part in &a.parts {
            for s in a.part_stmts(part) {
                self.stmt(fx, s, &mut out);
            }
            if part.kind == PartKind::Implementation {
                out.push(Stmt::UdpSend {
                    net,
                    dst: read(*dst),
                    value: read(*pkt),
                });
            }
        }
        let mut cx = search::Cx {
            state: &self.module.state,
            locals: &fx.locals,
            sites: &mut self.module.choice_sites,
        };
        search::resolve(out, &mut cx)
    }

    /// Each network's exported `OBJECT.handle_recv`, the action a process
    /// calls with the packets it receives.
    fn udp_receivers(&mut self) {
        for net in &mut self.module.udp {
            let name = format!("{}.handle_recv", net.object);
            let Some(ix) = self
                .module
                .actions
                .iter()
                .position(|f| f.exported && f.name == name)
            else {
                continue;
            };
            let Some(f) = self.module.actions.get(ix) else {
                continue;
            };
            let types: Vec<&Type> = f
                .params
                .iter()
                .filter_map(|&p| f.locals.get(p).map(|l| &l.ty))
                .collect();
            let fits = match types.as_slice() {
                [x] => **x == net.pkt,
                [me, x] => **me == net.addr && **x == net.pkt,
                _ => false,
            };
            if fits {
                net.recv = Some(ix);
                net.recv_takes_me = types.len() == 2;
            }
        }
    }

    /// The program's timers (`timer.rs`): each marked object with its
    /// extracted `handle_timeout`, which takes no parameter or a node id
    /// (of an uninterpreted sort).
    fn timers(&mut self, roots: &[(String, ActionId)]) {
        for (object, id) in roots {
            let action = self.action_ix.get(id).copied();
            let mut me = None;
            if let Some(f) = action.and_then(|ix| self.module.actions.get(ix)) {
                let types: Vec<&Type> = f
                    .params
                    .iter()
                    .filter_map(|&p| f.locals.get(p).map(|l| &l.ty))
                    .collect();
                match types.as_slice() {
                    [] => {}
                    [t @ Type::Id { .. }] => me = Some((*t).clone()),
                    _ => {
                        let span = self.p.action_def(*id).map(|a| a.span).unwrap_or_default();
                        self.errors.push(IrError::Unsupported {
                            what:
                                "an `include timeout` timer with parameters other than one node id",
                            span,
                        });
                        continue;
                    }
                }
            }
            self.module.timers.push(Timer {
                object: object.clone(),
                action,
                me,
                period_ms: timer::PERIOD_MS,
            });
        }
    }

    /// The call of the host's `callback` with the enclosing function's
    /// `params`, results into its `returns`.
    fn host_call(callback: usize, params: &[usize], returns: &[usize]) -> Stmt {
        Stmt::Callback {
            callback,
            args: params
                .iter()
                .map(|&local| Expr::Read {
                    place: Place::Local { local },
                    args: Vec::new(),
                })
                .collect(),
            results: returns
                .iter()
                .map(|&local| Place::Local { local })
                .collect(),
        }
    }

    fn block(&mut self, fx: &mut Fx, b: &Block) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in &b.stmts {
            self.stmt(fx, s, &mut out);
        }
        let mut cx = search::Cx {
            state: &self.module.state,
            locals: &fx.locals,
            sites: &mut self.module.choice_sites,
        };
        search::resolve(out, &mut cx)
    }

    fn check(&mut self, fx: &mut Fx, kind: CheckKind, what: &str, f: &Term, span: Span) -> Stmt {
        let cond = self.expr(fx, f);
        // The runtime prefixes "require failed: " / "assert failed: ".
        let message = match kind {
            CheckKind::Require | CheckKind::Assert => {
                format!("{}{}", what, self.loc(span))
            }
            _ => format!("{what} at {}", self.loc(span)),
        };
        Stmt::Check {
            kind,
            cond,
            message,
        }
    }

    fn stmt(&mut self, fx: &mut Fx, s: &ivyc_sema::program::Stmt, out: &mut Vec<Stmt>) {
        let span = s.span;
        match &s.kind {
            StmtKind::Ghost(b) => {
                if self.with_invariants {
                    for s in &b.stmts {
                        self.stmt(fx, s, out);
                    }
                }
            }
            StmtKind::Assign { sym, args, value } => {
                let d = self.p.sig.symbol(*sym);
                // `old` snapshots: only those the code reads.
                if d.role == Role::Local && d.name.as_str().contains('#') {
                    if !fx.used_olds.contains(sym) {
                        return;
                    }
                    if !args.is_empty() {
                        if let TermKind::App(orig, _) = &value.kind {
                            let local = self.local(fx, *sym);
                            match self.classify(*orig) {
                                SymKind::State(var) => out.push(Stmt::Snapshot { local, var }),
                                SymKind::Ghost => self.ghost_error(*orig, false, span),
                                _ => {}
                            }
                            return;
                        }
                    }
                }
                self.assign(fx, *sym, args, value, span, out);
            }
            StmtKind::Havoc { sym, args } => {
                if !args.is_empty() {
                    self.errors.push(IrError::HavocTable {
                        symbol: self.p.sig.symbol_name(*sym).to_owned(),
                        span,
                    });
                    return;
                }
                let ty = self.ty(self.p.sig.symbol(*sym).ret);
                if let Some(place) = self.place(fx, *sym, span) {
                    let site = self.site();
                    out.push(Stmt::Havoc {
                        place,
                        fields: Vec::new(),
                        ty,
                        site,
                    });
                }
            }
            StmtKind::If { cond, then_, else_ } => {
                let cond = self.expr(fx, cond);
                let then_ = self.block(fx, then_);
                let else_ = self.block(fx, else_);
                out.push(Stmt::If { cond, then_, else_ });
            }
            StmtKind::IfSome {
                vars,
                cond,
                then_,
                else_,
                ..
            } => {
                // Witnesses defined by a downcast `e *> x` are not searched.
                let bounds: Vec<Bound> = vars.iter().map(|v| Bound::Sym(*v)).collect();
                let conj = variant::conjuncts(cond);
                let downs = variant::downcasts(&conj, &bounds, &self.pto);
                let mut guards = Vec::new();
                let mut binds = Vec::new();
                for d in &downs {
                    let Bound::Sym(x) = d.bound else { continue };
                    let base = self.expr(fx, d.base);
                    let local = self.local(fx, x);
                    guards.push(Expr::Isa {
                        base: Box::new(base.clone()),
                        alt: d.alt,
                    });
                    let value = Expr::Field {
                        base: Box::new(base),
                        field: d.alt,
                    };
                    binds.push(Stmt::Assign {
                        place: Place::Local { local },
                        loops: Vec::new(),
                        args: Vec::new(),
                        fields: Vec::new(),
                        value: value.clone(),
                    });
                    fx.sym_subst.insert(x, value);
                }
                let mut ids = Vec::new();
                for v in vars {
                    if downs.iter().any(|d| d.bound == Bound::Sym(*v)) {
                        continue;
                    }
                    let i = self.local(fx, *v);
                    let sort = self.p.sig.sort_name(self.p.sig.symbol(*v).ret);
                    self.require_finite(fx, i, sort, span, true);
                    ids.push(i);
                }
                let cond = if downs.is_empty() {
                    self.expr(fx, cond)
                } else {
                    let mut items = guards;
                    for (i, c) in conj.iter().enumerate() {
                        if !downs.iter().any(|d| d.conjunct == i) {
                            items.push(self.expr(fx, c));
                        }
                    }
                    Expr::And { items }
                };
                for d in &downs {
                    if let Bound::Sym(x) = d.bound {
                        fx.sym_subst.remove(&x);
                    }
                }
                let mut then_b = binds;
                then_b.extend(self.block(fx, then_));
                let else_ = self.block(fx, else_);
                if ids.is_empty() && !downs.is_empty() {
                    out.push(Stmt::If {
                        cond,
                        then_: then_b,
                        else_,
                    });
                } else {
                    out.push(Stmt::IfSome {
                        vars: ids,
                        cond,
                        then_: then_b,
                        else_,
                    });
                }
            }
            StmtKind::Choice(bs) => {
                let site = self.site();
                let branches = bs.iter().map(|b| self.block(fx, b)).collect();
                out.push(Stmt::Choice { site, branches });
            }
            // The loop variant is a proof obligation only: ms-ivy's C++
            // extraction does not check `decreases` either.
            // A loop invariant with a proof is checked itself, not its
            // goals (which may name the symbols of a schema).
            StmtKind::While {
                cond,
                invariants,
                assumed,
                body,
                variant: _,
            } => {
                let cond = self.expr(fx, cond);
                let checks: Vec<Stmt> = invariants
                    .iter()
                    .filter(|p| !p.explicit)
                    .chain(assumed)
                    .map(|p| {
                        let sp = p.span.unwrap_or(span);
                        self.check(
                            fx,
                            CheckKind::LoopInvariant,
                            "loop invariant",
                            &p.formula,
                            sp,
                        )
                    })
                    .collect();
                let mut b = checks.clone();
                b.extend(self.block(fx, body));
                out.push(Stmt::While { cond, body: b });
                out.extend(checks);
            }
            StmtKind::Call {
                action,
                args,
                results,
            } => {
                let args: Vec<Expr> = args.iter().map(|a| self.expr(fx, a)).collect();
                let results: Vec<Place> = results
                    .iter()
                    .filter_map(|r| self.place(fx, *r, span))
                    .collect();
                if let Some(&callback) = self
                    .callback_ix
                    .get(action)
                    .filter(|_| !self.wrapped_imports.contains(action))
                {
                    out.push(Stmt::Callback {
                        callback,
                        args,
                        results,
                    });
                } else if let Some(&ix) = self.action_ix.get(action) {
                    if let Some(a) = self.p.action_def(*action) {
                        if a.abstract_ && !a.exported && !a.imported {
                            self.errors.push(IrError::NoBody {
                                action: a.name.as_str().to_owned(),
                                span,
                                decl: a.span,
                            });
                        }
                    }
                    out.push(Stmt::Call {
                        action: ix,
                        args,
                        results,
                    });
                }
            }
            StmtKind::Local { syms, body } => {
                let locals: Vec<usize> = syms.iter().map(|v| self.local(fx, *v)).collect();
                let mut body = self.block(fx, body);
                // `var n:t` starts arbitrary: assumptions right after it
                // choose its value.
                let mut cx = search::Cx {
                    state: &self.module.state,
                    locals: &fx.locals,
                    sites: &mut self.module.choice_sites,
                };
                search::resolve_block_locals(&locals, &mut body, &mut cx);
                out.push(Stmt::Block { locals, body });
            }
            StmtKind::Assert {
                kind,
                formula,
                label,
                ..
            } => {
                let (k, what) = match kind {
                    AssertKind::Assert => (CheckKind::Assert, ""),
                    AssertKind::Ensure | AssertKind::Ensures => (CheckKind::Ensure, "ensure"),
                    AssertKind::Require => (CheckKind::Require, ""),
                };
                let what = match (label, what) {
                    (Some(l), "") => format!("[{l}] "),
                    (Some(l), w) => format!("{w} [{l}]"),
                    (None, w) => w.to_owned(),
                };
                let c = self.check(fx, k, &what, formula, span);
                out.push(c);
            }
            StmtKind::Assume(t) => {
                if let Some(n) = self.field_temp(t) {
                    self.field_update(fx, n, span, out);
                    return;
                }
                if let Some((n, value, alt)) = variant::upcast(t, &self.pto) {
                    let value = self.expr(fx, value);
                    if let Some(place) = self.place(fx, n, span) {
                        out.push(Stmt::Assign {
                            place,
                            loops: Vec::new(),
                            args: Vec::new(),
                            fields: Vec::new(),
                            value: Expr::Upcast {
                                value: Box::new(value),
                                alt,
                            },
                        });
                    }
                    return;
                }
                let c = self.check(fx, CheckKind::Assume, "assumption", t, span);
                out.push(c);
            }
            StmtKind::Native(code) => {
                let code = self.native_pieces(Some(fx), code);
                out.push(Stmt::Native { code });
            }
        }
    }

    /// The fresh value a field assignment's `assume` defines (sema's
    /// `n := *; assume f(n) = v & g(n) = g(x); x := n`): the field
    /// assignment value it mentions that is not the assigned value of
    /// another one it mentions (`x.f.g := v` defines the inner value first,
    /// and the outer `assume` mentions both).
    fn field_temp(&self, t: &Term) -> Option<SymId> {
        if self.p.field_updates.is_empty() {
            return None;
        }
        let temps: Vec<SymId> = t
            .symbols()
            .into_iter()
            .filter(|s| self.p.field_updates.contains_key(s))
            .collect();
        temps.iter().copied().find(|n| {
            !temps.iter().any(|m| {
                m != n
                    && self.p.field_updates.get(m).is_some_and(|u| {
                        u.value.as_ref().is_some_and(|v| v.mentions(*n)) || u.base.mentions(*n)
                    })
            })
        })
    }

    /// The field assignment that defines fresh value `n`: `n := base;
    /// n.f := value` (or `n.f := *`); for `a(X).f := v(X)`, a copy of the
    /// table `a` updated at every `X`. The `x := n` that follows is an
    /// ordinary assignment.
    fn field_update(&mut self, fx: &mut Fx, n: SymId, span: Span, out: &mut Vec<Stmt>) {
        let Some(u) = self.p.field_updates.get(&n) else {
            return;
        };
        let Some(&field) = self.field_ix.get(&u.field) else {
            self.errors.push(IrError::Unsupported {
                what: "an assignment to this field",
                span,
            });
            return;
        };
        let place = Place::Local {
            local: self.local(fx, n),
        };
        let fields = vec![field];
        if u.vars.is_empty() {
            let base = self.expr(fx, &u.base);
            out.push(Stmt::Assign {
                place: place.clone(),
                loops: Vec::new(),
                args: Vec::new(),
                fields: Vec::new(),
                value: base,
            });
            match &u.value {
                Some(v) => {
                    let value = self.expr(fx, v);
                    out.push(Stmt::Assign {
                        place,
                        loops: Vec::new(),
                        args: Vec::new(),
                        fields,
                        value,
                    });
                }
                None => {
                    let ty = self.field_type(field);
                    let site = self.site();
                    out.push(Stmt::Havoc {
                        place,
                        fields,
                        ty,
                        site,
                    });
                }
            }
            return;
        }
        // `a(X).f := v(X)`: copy `a`, update the copy at every `X`.
        let root = match &u.base.kind {
            TermKind::App(root, rargs)
                if rargs.len() == u.vars.len()
                    && rargs
                        .iter()
                        .zip(&u.vars)
                        .all(|(a, v)| matches!(&a.kind, TermKind::Var(w) if w == v)) =>
            {
                Some(*root)
            }
            _ => None,
        };
        let var = match root.map(|r| (r, self.classify(r))) {
            Some((_, SymKind::State(var))) => var,
            Some((r, SymKind::Ghost)) => {
                self.ghost_error(r, false, span);
                return;
            }
            _ => {
                self.errors.push(IrError::Unsupported {
                    what: "a field assignment at every argument of something other than a relation or function (`a(X).f.g := v`)",
                    span,
                });
                return;
            }
        };
        let Some(value) = &u.value else {
            self.errors.push(IrError::HavocTable {
                symbol: self.p.sig.symbol_name(n).to_owned(),
                span,
            });
            return;
        };
        let Place::Local { local } = place else {
            return;
        };
        out.push(Stmt::Snapshot { local, var });
        let mut loops = Vec::new();
        let mut saved = Vec::new();
        for v in &u.vars {
            let ty = self.ty(v.sort);
            let i = push_local(fx, v.name.as_str(), ty);
            saved.push((*v, fx.vars.insert(*v, i)));
            loops.push(i);
        }
        // Unbounded variables are reported by the assignment `a(X) := n(X)`
        // that follows.
        let finite = loops
            .iter()
            .all(|l| fx.locals.get(*l).is_some_and(|l| l.ty.is_finite()));
        let args: Vec<Expr> = loops
            .iter()
            .map(|l| Expr::Read {
                place: Place::Local { local: *l },
                args: Vec::new(),
            })
            .collect();
        let value = self.expr(fx, value);
        for (v, prev) in saved {
            match prev {
                Some(p) => fx.vars.insert(v, p),
                None => fx.vars.remove(&v),
            };
        }
        if finite {
            out.push(Stmt::Assign {
                place,
                loops,
                args,
                fields,
                value,
            });
        }
    }

    fn field_type(&self, f: FieldRef) -> Type {
        self.module
            .structs
            .get(f.strct)
            .and_then(|s| s.fields.get(f.field))
            .map(|f| f.ty.clone())
            .unwrap_or(Type::Bool)
    }

    /// A local holding a copy of state variable `var`.
    fn snapshot_local(&mut self, fx: &mut Fx, var: usize) -> usize {
        let v = self.module.state.get(var).cloned();
        let (name, ty, args, storage) = match v {
            Some(v) => (format!("{}_pre", v.name), v.ret, v.args, v.storage),
            None => (String::from("pre"), Type::Bool, Vec::new(), Storage::Scalar),
        };
        fx.locals.push(Local {
            ident: fx.names.fresh(&name),
            name,
            ty,
            args,
            storage,
            bound: false,
        });
        fx.locals.len() - 1
    }

    fn site(&mut self) -> usize {
        self.module.choice_sites += 1;
        self.module.choice_sites - 1
    }

    fn require_finite(
        &mut self,
        fx: &Fx,
        local: usize,
        sort_name: &str,
        span: Span,
        quantifier: bool,
    ) -> bool {
        let Some(l) = fx.locals.get(local) else {
            return false;
        };
        if l.ty.is_finite() {
            return true;
        }
        let sort = sort_name.to_owned();
        self.errors.push(if quantifier {
            IrError::UnboundedQuantifier { sort, span }
        } else {
            IrError::UnboundedUpdate { sort, span }
        });
        false
    }

    fn assign(
        &mut self,
        fx: &mut Fx,
        sym: SymId,
        args: &[Term],
        value: &Term,
        span: Span,
        out: &mut Vec<Stmt>,
    ) {
        let Some(place) = self.place(fx, sym, span) else {
            // Still lower the value to report what it reads.
            let _ = self.expr(fx, value);
            return;
        };
        // Variables among the arguments range over their sort.
        let mut loops = Vec::new();
        let mut saved = Vec::new();
        for a in args {
            if let TermKind::Var(v) = &a.kind {
                if fx.vars.contains_key(v) && loops.iter().any(|(l, _)| fx.vars.get(v) == Some(l)) {
                    continue;
                }
                let ty = self.ty(v.sort);
                let i = push_local(fx, v.name.as_str(), ty);
                saved.push((*v, fx.vars.insert(*v, i)));
                loops.push((i, v.sort));
            }
        }
        let all_vars = !args.is_empty()
            && loops.len() == args.len()
            && args.iter().all(|a| matches!(a.kind, TermKind::Var(_)));
        let value_uses_vars = value.free_vars().iter().any(|v| {
            args.iter()
                .any(|a| matches!(&a.kind, TermKind::Var(w) if w == v))
        });
        let ex = self.expr(fx, value);
        if all_vars && !value_uses_vars && !value.mentions(sym) {
            out.push(Stmt::Fill { place, value: ex });
        } else {
            let mut ok = true;
            for (l, sort) in &loops {
                let name = self.p.sig.sort_name(*sort);
                ok &= self.require_finite(fx, *l, name, span, false);
            }
            let loops: Vec<usize> = loops.iter().map(|(l, _)| *l).collect();
            let argx: Vec<Expr> = args.iter().map(|a| self.expr(fx, a)).collect();
            let mut ex = ex;
            if let (false, true, Place::State { var }) =
                (loops.is_empty(), value.mentions(sym), &place)
            {
                // The value reads the pre-state of the table being updated.
                let var = *var;
                let copy = self.snapshot_local(fx, var);
                out.push(Stmt::Snapshot { local: copy, var });
                ex = read_from_copy(ex, var, copy);
            }
            if ok {
                out.push(Stmt::Assign {
                    place,
                    loops,
                    args: argx,
                    fields: Vec::new(),
                    value: ex,
                });
            }
        }
        for (v, prev) in saved {
            match prev {
                Some(p) => fx.vars.insert(v, p),
                None => fx.vars.remove(&v),
            };
        }
    }

    /// `a *> b`: `a` is of the variant of `b` and its alternative is `b`.
    fn pto_expr(&mut self, fx: &mut Fx, f: SymId, args: &[Term], span: Span) -> Expr {
        let (Some(&alt), [a, b]) = (self.pto.get(&f), args) else {
            self.errors.push(IrError::Unsupported {
                what: "`*>` between sorts that are not a sort and one of its variants",
                span,
            });
            return Expr::Bool { value: false };
        };
        let a = self.expr(fx, a);
        let b = self.expr(fx, b);
        Expr::And {
            items: vec![
                Expr::Isa {
                    base: Box::new(a.clone()),
                    alt,
                },
                Expr::Eq {
                    a: Box::new(Expr::Field {
                        base: Box::new(a),
                        field: alt,
                    }),
                    b: Box::new(b),
                },
            ],
        }
    }

    /// The conjuncts of a quantifier's condition where downcasts may define
    /// its variables (`exists X. c & ...`, `forall X. c & ... -> q`), with
    /// its variables and the conclusion of a `forall`.
    fn quantified_downcast<'t>(
        &self,
        t: &'t Term,
    ) -> Option<(Vec<ivyc_logic::Var>, Vec<&'t Term>, Option<&'t Term>)> {
        let (vs, conj, concl) = match &t.kind {
            TermKind::Exists(vs, body) => (vs, variant::conjuncts(body), None),
            TermKind::Forall(vs, body) => match &body.kind {
                TermKind::Implies(a, b) => (vs, variant::conjuncts(a), Some(&**b)),
                _ => return None,
            },
            _ => return None,
        };
        let bounds: Vec<Bound> = vs.iter().map(|v| Bound::Var(*v)).collect();
        if variant::downcasts(&conj, &bounds, &self.pto).is_empty() {
            return None;
        }
        Some((vs.clone(), conj, concl))
    }

    /// A quantifier some of whose variables are downcasts: those variables
    /// read the alternative (guarded by `Isa`), the others are looped over.
    fn quantifier_with_downcasts(&mut self, fx: &mut Fx, t: &Term, span: Span) -> Expr {
        let Some((vs, conj, concl)) = self.quantified_downcast(t) else {
            return Expr::Bool { value: false };
        };
        let bounds: Vec<Bound> = vs.iter().map(|v| Bound::Var(*v)).collect();
        let downs = variant::downcasts(&conj, &bounds, &self.pto);
        // Loop variables first: the bases may read them.
        let mut saved = Vec::new();
        let mut vars = Vec::new();
        for v in &vs {
            if downs.iter().any(|d| d.bound == Bound::Var(*v)) {
                continue;
            }
            let ty = self.ty(v.sort);
            let i = push_local(fx, v.name.as_str(), ty);
            let sort = self.p.sig.sort_name(v.sort);
            self.require_finite(fx, i, sort, span, true);
            saved.push((*v, fx.vars.insert(*v, i)));
            vars.push(i);
        }
        let mut items = Vec::new();
        let mut defined = Vec::new();
        for d in &downs {
            let Bound::Var(v) = d.bound else { continue };
            let base = self.expr(fx, d.base);
            items.push(Expr::Isa {
                base: Box::new(base.clone()),
                alt: d.alt,
            });
            defined.push((
                v,
                Expr::Field {
                    base: Box::new(base),
                    field: d.alt,
                },
            ));
        }
        for (v, e) in defined {
            fx.var_subst.insert(v, e);
        }
        for (i, c) in conj.iter().enumerate() {
            if !downs.iter().any(|d| d.conjunct == i) {
                items.push(self.expr(fx, c));
            }
        }
        let cond = Expr::And { items };
        let body = match concl {
            Some(q) => Expr::Implies {
                a: Box::new(cond),
                b: Box::new(self.expr(fx, q)),
            },
            None => cond,
        };
        for d in &downs {
            if let Bound::Var(v) = d.bound {
                fx.var_subst.remove(&v);
            }
        }
        for (v, prev) in saved {
            match prev {
                Some(p) => fx.vars.insert(v, p),
                None => fx.vars.remove(&v),
            };
        }
        match (concl.is_some(), vars.is_empty()) {
            (_, true) => body,
            (true, false) => Expr::Forall {
                vars,
                body: Box::new(body),
            },
            (false, false) => Expr::Exists {
                vars,
                body: Box::new(body),
            },
        }
    }

    fn expr(&mut self, fx: &mut Fx, t: &Term) -> Expr {
        let span = t.span.unwrap_or_default();
        match &t.kind {
            TermKind::Bool(b) => Expr::Bool { value: *b },
            TermKind::Num(n, s) => Expr::Num {
                value: n.to_string(),
                ty: self.ty(*s),
            },
            TermKind::Str(s, _) => Expr::Str {
                value: s.as_str().to_owned(),
            },
            TermKind::Var(v) if fx.var_subst.contains_key(v) => fx.var_subst[v].clone(),
            TermKind::Var(v) => match fx.vars.get(v) {
                Some(i) => Expr::Read {
                    place: Place::Local { local: *i },
                    args: Vec::new(),
                },
                None => {
                    self.errors.push(IrError::Unsupported {
                        what: "a free variable",
                        span,
                    });
                    Expr::Bool { value: false }
                }
            },
            TermKind::App(f, args) if args.is_empty() && fx.sym_subst.contains_key(f) => {
                fx.sym_subst[f].clone()
            }
            TermKind::App(f, args) if self.p.sig.symbol(*f).name.as_str() == "*>" => {
                self.pto_expr(fx, *f, args, span)
            }
            TermKind::App(f, args) => {
                let mut argx: Vec<Expr> = args.iter().map(|a| self.expr(fx, a)).collect();
                if let Some(&field) = self.field_ix.get(f) {
                    // `x.f` (extra arguments were refused up front).
                    let base = if argx.is_empty() {
                        Expr::Bool { value: false }
                    } else {
                        argx.swap_remove(0)
                    };
                    return Expr::Field {
                        base: Box::new(base),
                        field,
                    };
                }
                let d = self.p.sig.symbol(*f);
                match d.role {
                    Role::Local => Expr::Read {
                        place: Place::Local {
                            local: self.local(fx, *f),
                        },
                        args: argx,
                    },
                    Role::EnumCtor => {
                        let sort = self.ty(d.ret);
                        let ctor = self.p.sig.enum_ctor_index(*f).unwrap_or(0);
                        match sort {
                            Type::Enum { sort } => Expr::EnumLit { sort, ctor },
                            _ => Expr::Bool { value: false },
                        }
                    }
                    _ => match self.classify(*f) {
                        SymKind::State(var) => Expr::Read {
                            place: Place::State { var },
                            args: argx,
                        },
                        SymKind::Param(param) => Expr::Param { param, args: argx },
                        SymKind::Def(def) => Expr::Def { def, args: argx },
                        SymKind::Ghost => {
                            self.ghost_error(*f, false, span);
                            Expr::Bool { value: false }
                        }
                    },
                }
            }
            TermKind::Eq(a, b) => Expr::Eq {
                a: Box::new(self.expr(fx, a)),
                b: Box::new(self.expr(fx, b)),
            },
            TermKind::Not(a) => Expr::Not {
                a: Box::new(self.expr(fx, a)),
            },
            TermKind::And(xs) => Expr::And {
                items: xs.iter().map(|x| self.expr(fx, x)).collect(),
            },
            TermKind::Or(xs) => Expr::Or {
                items: xs.iter().map(|x| self.expr(fx, x)).collect(),
            },
            TermKind::Implies(a, b) => Expr::Implies {
                a: Box::new(self.expr(fx, a)),
                b: Box::new(self.expr(fx, b)),
            },
            TermKind::Iff(a, b) => Expr::Iff {
                a: Box::new(self.expr(fx, a)),
                b: Box::new(self.expr(fx, b)),
            },
            TermKind::Ite(c, a, b) => {
                let ty = self.ty(a.sort_of(&self.p.sig));
                Expr::Ite {
                    c: Box::new(self.expr(fx, c)),
                    t: Box::new(self.expr(fx, a)),
                    e: Box::new(self.expr(fx, b)),
                    ty,
                }
            }
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body)
                if self.quantified_downcast(t).is_some() =>
            {
                self.quantifier_with_downcasts(fx, t, span)
            }
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let mut saved = Vec::new();
                let mut vars = Vec::new();
                for v in vs {
                    let ty = self.ty(v.sort);
                    let i = push_local(fx, v.name.as_str(), ty);
                    let sort = self.p.sig.sort_name(v.sort);
                    self.require_finite(fx, i, sort, span, true);
                    saved.push((*v, fx.vars.insert(*v, i)));
                    vars.push(i);
                }
                let body = Box::new(self.expr(fx, body));
                for (v, prev) in saved {
                    match prev {
                        Some(p) => fx.vars.insert(v, p),
                        None => fx.vars.remove(&v),
                    };
                }
                if matches!(t.kind, TermKind::Forall(..)) {
                    Expr::Forall { vars, body }
                } else {
                    Expr::Exists { vars, body }
                }
            }
            TermKind::Builtin(op, args) => {
                let ty = match args.first() {
                    Some(a) => self.ty(a.sort_of(&self.p.sig)),
                    None => Type::Int,
                };
                let op = match op {
                    BuiltinOp::Lt => Op::Lt,
                    BuiltinOp::Le => Op::Le,
                    BuiltinOp::Gt => Op::Gt,
                    BuiltinOp::Ge => Op::Ge,
                    BuiltinOp::Add => Op::Add,
                    BuiltinOp::Sub => Op::Sub,
                    BuiltinOp::Mul => Op::Mul,
                    BuiltinOp::Div => Op::Div,
                    BuiltinOp::BvAnd => Op::BvAnd,
                    BuiltinOp::BvOr => Op::BvOr,
                    BuiltinOp::BvNot => Op::BvNot,
                };
                Expr::Op {
                    op,
                    ty,
                    args: args.iter().map(|a| self.expr(fx, a)).collect(),
                }
            }
        }
    }
}

/// `e` with every read of state variable `var` redirected to local `copy`.
fn read_from_copy(e: Expr, var: usize, copy: usize) -> Expr {
    let r = |e: Expr| read_from_copy(e, var, copy);
    let rb = |e: Box<Expr>| Box::new(read_from_copy(*e, var, copy));
    let rv = |es: Vec<Expr>| es.into_iter().map(r).collect::<Vec<_>>();
    match e {
        Expr::Read { place, args } => {
            let place = match place {
                Place::State { var: v } if v == var => Place::Local { local: copy },
                p => p,
            };
            Expr::Read {
                place,
                args: rv(args),
            }
        }
        Expr::Param { param, args } => Expr::Param {
            param,
            args: rv(args),
        },
        Expr::Def { def, args } => Expr::Def {
            def,
            args: rv(args),
        },
        Expr::Eq { a, b } => Expr::Eq { a: rb(a), b: rb(b) },
        Expr::Not { a } => Expr::Not { a: rb(a) },
        Expr::And { items } => Expr::And { items: rv(items) },
        Expr::Or { items } => Expr::Or { items: rv(items) },
        Expr::Implies { a, b } => Expr::Implies { a: rb(a), b: rb(b) },
        Expr::Iff { a, b } => Expr::Iff { a: rb(a), b: rb(b) },
        Expr::Ite { c, t, e, ty } => Expr::Ite {
            c: rb(c),
            t: rb(t),
            e: rb(e),
            ty,
        },
        Expr::Forall { vars, body } => Expr::Forall {
            vars,
            body: rb(body),
        },
        Expr::Exists { vars, body } => Expr::Exists {
            vars,
            body: rb(body),
        },
        Expr::Op { op, ty, args } => Expr::Op {
            op,
            ty,
            args: rv(args),
        },
        Expr::Field { base, field } => Expr::Field {
            base: rb(base),
            field,
        },
        Expr::Isa { base, alt } => Expr::Isa {
            base: rb(base),
            alt,
        },
        Expr::Upcast { value, alt } => Expr::Upcast {
            value: rb(value),
            alt,
        },
        e => e,
    }
}

fn push_local(fx: &mut Fx, name: &str, ty: Type) -> usize {
    fx.locals.push(Local {
        name: name.to_owned(),
        ident: fx.names.fresh(name),
        ty,
        args: Vec::new(),
        storage: Storage::Scalar,
        bound: true,
    });
    fx.locals.len() - 1
}

fn last_segment(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Whether a block has statements outside `specification` monitors (other
/// than `old` snapshots).
fn has_code(b: &Block) -> bool {
    b.stmts
        .iter()
        .any(|s| !matches!(&s.kind, StmtKind::Ghost(_) | StmtKind::Assign { .. }))
}

/// Whether a block has `specification` monitor code.
fn has_ghost(b: &Block) -> bool {
    b.stmts
        .iter()
        .any(|s| matches!(&s.kind, StmtKind::Ghost(g) if !g.stmts.is_empty()))
}

/// `old` snapshot locals (`f#k`) read by the code (in `specification`
/// monitors too when `ghost`). Snapshot initialisers `f#k(X) := f(X)` only
/// write them, so the assigned symbol itself is not counted.
fn used_olds(b: &Block, ghost: bool) -> HashSet<SymId> {
    let mut out = HashSet::new();
    b.walk(ghost, &mut |s| {
        let mut read = |t: &Term| out.extend(t.symbols());
        match &s.kind {
            StmtKind::Assign { args, value, .. } => {
                args.iter().for_each(&mut read);
                read(value);
            }
            StmtKind::Havoc { args, .. } | StmtKind::Call { args, .. } => {
                args.iter().for_each(&mut read)
            }
            StmtKind::If { cond, .. } | StmtKind::IfSome { cond, .. } => read(cond),
            StmtKind::While {
                cond,
                invariants,
                assumed,
                ..
            } => {
                read(cond);
                invariants.iter().for_each(|p| read(&p.formula));
                assumed.iter().for_each(|p| read(&p.formula));
            }
            StmtKind::Assert { formula, .. } => read(formula),
            StmtKind::Assume(t) => read(t),
            StmtKind::Choice(_)
            | StmtKind::Local { .. }
            | StmtKind::Ghost(_)
            | StmtKind::Native(_) => {}
        }
    });
    out
}

/// The actions named in the native code of a block.
fn native_actions(b: &Block) -> Vec<ActionId> {
    let mut out = Vec::new();
    b.walk(false, &mut |s| {
        if let StmtKind::Native(code) = &s.kind {
            out.extend(code.refs.iter().filter_map(|r| match r.target {
                NativeTarget::Action(a) => Some(a),
                _ => None,
            }));
        }
    });
    out
}
