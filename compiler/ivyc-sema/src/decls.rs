//! The declaration passes over the flattened items: sorts and
//! interpretations, symbols and action signatures, monitors and
//! import/export, then formulas (axioms, properties, invariants,
//! definitions) and isolates.

use crate::check::{dotted, ActionInfo, Checker, Entity, Env, Item, Monitor, MonitorBody};
use crate::elab::{Binding, Cx, VarKey};
use crate::error::{ActionUse, BoolContext, NameKind, SemaError};
use crate::program::{ActionDef, ActionId, Block, Definition, Destructor, IsolateDef, Section};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Bound, Property, Role, SortId, SortKind, SymId, SymbolDecl, Term, Var};
use ivyc_syntax::ast::{self, DeclKind as K};
use std::collections::HashSet;
use std::rc::Rc;

/// A bound of a range sort as written: a numeral, or a name (full, with
/// its span and the scope it is declared in) for the upper bound.
enum BoundArg {
    Num(i128),
    Name(Symbol, Span, Rc<Env>),
    /// A name, once declared as the bound symbol.
    Sym(SymId),
}

/// Why `proof [iso]` is refused (docs/proofs.md).
const ISOLATE_PROOF_HELP: &str = "ms-ivy 1.8 checks an isolate with a proof without its properties (a false `property` passes), so there is no sound behaviour to follow; prove the invariants and properties with proofs of their own";

impl<'a> Checker<'a> {
    pub(crate) fn run_passes(&mut self) {
        let items: Vec<(&'a ast::Decl, Rc<Env>)> = self
            .items
            .iter()
            .map(|i: &Item<'a>| (i.decl, i.env.clone()))
            .collect();
        for (d, env) in &items {
            self.pass_sorts(d, env);
        }
        // `alias t = this`: sort aliases are needed by interpretations and
        // symbol declarations, aliases of symbols and actions only after them.
        let mut pending = Vec::new();
        for (d, env) in &items {
            if let K::Alias { name, target } = &d.kind {
                if !self.alias(name, target, env, false) {
                    pending.push((name, target, env.clone()));
                }
            }
        }
        for (d, env) in &items {
            if let K::Interpret { oper, target } = &d.kind {
                self.interpret(oper, target, d.span, env);
            }
        }
        self.resolve_variants();
        for (sort, fields, env) in std::mem::take(&mut self.pending_structs) {
            self.struct_fields(sort, fields, &env);
        }
        for (d, env) in &items {
            self.pass_symbols(d, env);
        }
        for (tn, env) in std::mem::take(&mut self.pending_constructors) {
            self.declare_constructor(tn, &env);
        }
        for (p, target, span, env) in std::mem::take(&mut self.pending_sym_interps) {
            self.interpret_symbol(p, target, span, &env);
        }
        for (name, target, env) in pending {
            self.alias(name, target, &env, true);
        }
        for (path, env) in std::mem::take(&mut self.missing_modules) {
            let segs: Vec<&str> = path.segments.iter().map(|s| s.as_str()).collect();
            match self.resolve_full(&segs, &env) {
                Some((name, _)) => self.err(
                    SemaError::NotAModule {
                        name,
                        span: path.span,
                    },
                    &env,
                ),
                None => self.undefined(NameKind::Module, &path.to_dotted(), path.span, &env),
            }
        }
        for (d, env) in &items {
            self.pass_monitors(d, env);
        }
        self.pass_mixins();
        for (d, env) in &items {
            let label = match &d.kind {
                K::Axiom { prop, .. } => prop.label.as_ref(),
                K::Property { fmla, .. } | K::Invariant { fmla, .. } | K::Conjecture(fmla) => {
                    fmla.label.as_ref()
                }
                K::Definition { label, .. } => label.as_ref(),
                _ => None,
            };
            if let Some(l) = label {
                self.labels.insert(dotted(&env.prefix, l.as_str()));
            }
        }
        for (d, env) in &items {
            self.pass_formulas(d, env);
            self.pass_version(d, env);
        }
        self.resolve_isolate_labels();
        self.check_relies();
        self.pass_definitions();
        self.run_proofs();
        self.run_fair_cycle_proofs();
        // `global { ... }`: present in every isolate.
        if !self.global_roots.is_empty() {
            let roots = self.global_roots.clone();
            for iso in &mut self.isolates {
                for r in &roots {
                    if !iso.with.contains(r) && !iso.members.contains(r) {
                        iso.with.push(*r);
                    }
                }
            }
        }
        for (d, env) in &items {
            if let K::AfterInit { params, body } = &d.kind {
                if let Some(b) = self.elab_init(params, body, env) {
                    self.inits.push(b);
                    self.init_origins.push(env.origin());
                }
            }
        }
        // `old` in initialisation: the snapshots are taken first.
        if !self.init_olds.is_empty() {
            let olds = std::mem::take(&mut self.init_olds);
            let span = items
                .iter()
                .find(|(d, _)| matches!(d.kind, K::AfterInit { .. }))
                .map(|(d, _)| d.span)
                .unwrap_or_default();
            let snaps = self.snapshots(&olds, span);
            self.inits.insert(0, Block::new(snaps));
        }
        for i in 0..self.actions.len() {
            self.elab_action(ActionId(u32::try_from(i).unwrap_or(u32::MAX)));
        }
    }

    fn pass_sorts(&mut self, d: &'a ast::Decl, env: &Rc<Env>) {
        match &d.kind {
            K::Type {
                name, sort, finite, ..
            } => {
                let id = self.declare_type(name, sort.as_ref(), d.span, env);
                // `finite type t`: the liveness-to-safety construction
                // treats `t` as finite (ivyc_logic::Temporal::finite_sorts).
                if let (Some(id), true, None) = (id, *finite, sort) {
                    self.temporal.data.finite_sorts.insert(id);
                }
            }
            K::Variant { name, of, sort } => {
                if let Some(id) = self.declare_type(name, sort.as_ref(), d.span, env) {
                    self.pending_variants.push((id, of, d.span, env.clone()));
                }
            }
            K::Object { name, .. } | K::Subclass { name, .. } => self.class_sort(d, name, env),
            _ => {}
        }
    }

    /// `type name [= sort]` (also the sort of a `variant`): declares the
    /// sort and returns it (`None` if it could not be declared).
    fn declare_type(
        &mut self,
        name: &ast::Ident,
        sort: Option<&'a ast::Sort>,
        span: Span,
        env: &Rc<Env>,
    ) -> Option<SortId> {
        let full = if name.as_str() == "this" {
            if env.prefix.is_empty() {
                self.err(SemaError::ThisOutsideObject { span: name.span }, env);
                return None;
            }
            crate::check::join(&env.prefix)
        } else {
            dotted(&env.prefix, name.as_str())
        };
        match sort {
            None => {
                let id = self.add_sort(full, SortKind::Uninterpreted, Some(name.span));
                self.declare(full, Entity::Sort(id), name.span, env)
                    .then_some(id)
            }
            Some(ast::Sort::Enum(ctors)) => {
                let names: Vec<Symbol> = ctors
                    .iter()
                    .map(|c| dotted(&env.prefix, c.as_str()))
                    .collect();
                let id = self.add_sort(full, SortKind::Enum(names), Some(name.span));
                if !self.declare(full, Entity::Sort(id), name.span, env) {
                    return None;
                }
                // Enum constructors are named within the enclosing object.
                for c in ctors {
                    let cfull = dotted(&env.prefix, c.as_str());
                    let s = self.add_sym(
                        SymbolDecl::new(cfull, vec![], id, Role::EnumCtor).with_span(Some(c.span)),
                    );
                    self.declare(cfull, Entity::Sym(s), c.span, env);
                }
                Some(id)
            }
            Some(ast::Sort::Range { lo, hi }) => {
                let lo = self.range_bound(lo.name.as_str(), lo.span, env, true);
                let hi = self.range_bound(hi.name.as_str(), hi.span, env, false);
                // Declared first: a symbolic bound is a symbol of this sort.
                let id = self.add_sort(full, SortKind::Uninterpreted, Some(name.span));
                if !self.declare(full, Entity::Sort(id), name.span, env) {
                    return None;
                }
                match self.range_kind(id, lo, hi, span, env) {
                    Some(kind) => {
                        self.interpret_origins.insert(id, env.origin());
                        if let Some(d) = self.sorts.get_mut(id.index()) {
                            d.kind = kind;
                        }
                        Some(id)
                    }
                    // Reported; left uninterpreted so its uses do not cascade.
                    None => None,
                }
            }
            Some(ast::Sort::Struct(fields)) => {
                let id = self.add_sort(full, SortKind::Uninterpreted, Some(name.span));
                self.struct_sorts.insert(id);
                if !self.declare(full, Entity::Sort(id), name.span, env) {
                    return None;
                }
                self.pending_structs.push((id, fields, env.clone()));
                Some(id)
            }
        }
    }

    /// The fields of `type t = struct { f : s, g(X:u) : v }`: one destructor
    /// `f(V:t) : s` per field, declared in the scope of the type (as Ivy
    /// does: `x.f` finds it as a sibling of the sort).
    fn struct_fields(&mut self, sort: SortId, fields: &[ast::TypedName], env: &Rc<Env>) {
        for tn in fields {
            self.declare_destructor(tn, Some(sort), env);
        }
    }

    /// A destructor: a field of struct sort `sort`, or (for `sort == None`)
    /// a `destructor d(X:t, ...) : u` declaration, whose struct sort is
    /// that of its first argument.
    pub(crate) fn declare_destructor(
        &mut self,
        tn: &ast::TypedName,
        sort: Option<SortId>,
        env: &Env,
    ) {
        let (name, args) = match &tn.head {
            ast::TypedHead::Name { name, args } => (name, args),
            // `destructor (X:t + Y:u) : v`: the operator, as a destructor.
            ast::TypedHead::Infix { lhs, op, rhs } => {
                let ret = match &tn.sort {
                    Some(s) => self.resolve_sort(s, env),
                    None => Some(SortId::BOOL),
                };
                let binders = [lhs.clone(), rhs.clone()];
                let Some(ret) = ret else { return };
                let first = binders.first().and_then(|b| b.sort.as_ref());
                let base = first.and_then(|s| self.resolve_sort(s, env));
                if let (Some(s), Some(base)) =
                    (self.declare_infix(&binders, op, ret, false, env), base)
                {
                    self.destructors.push(Destructor {
                        sym: s,
                        sort: sort.unwrap_or(base),
                        field: sort.is_some(),
                        span: op.span,
                    });
                }
                return;
            }
        };
        let Some(ret) = (match &tn.sort {
            Some(s) => self.resolve_sort(s, env),
            None => {
                self.err(
                    SemaError::CannotInferSort {
                        name: name.name,
                        span: tn.span,
                    },
                    env,
                );
                None
            }
        }) else {
            return;
        };
        let Some(mut sorts) = self.binder_sorts(args.as_deref().unwrap_or(&[]), env) else {
            return;
        };
        let base = match sort {
            Some(s) => {
                sorts.insert(0, s);
                s
            }
            None => match sorts.first() {
                Some(&s) if *self.sort_kind(s) == SortKind::Uninterpreted => s,
                first => {
                    let found = first.map(|&s| self.sort_name(s));
                    self.err(
                        SemaError::InvalidDestructor {
                            name: name.name,
                            found,
                            span: tn.span,
                        },
                        env,
                    );
                    return;
                }
            },
        };
        // As in ms-ivy, a destructor (a struct field) does not take the
        // parameters of an enclosing parameterised object.
        let plain = env.without_params();
        if let Some(s) = self.declare_sym(name.as_str(), name.span, sorts, ret, Role::Rigid, &plain)
        {
            self.destructors.push(Destructor {
                sym: s,
                sort: base,
                field: sort.is_some(),
                span: name.span,
            });
        }
    }

    /// A bound of a range sort: a numeral, a module parameter whose actual
    /// is one (`type domain = {0..max}` in `vector_bounded(range, max)`),
    /// or, for the upper bound, a name (after module parameters are
    /// replaced by their actuals), which declares a new parameter of the
    /// sort as ms-ivy does. Anything else is reported.
    fn range_bound(
        &mut self,
        text: &str,
        span: Span,
        env: &Rc<Env>,
        lower: bool,
    ) -> Option<BoundArg> {
        let mut name = Symbol::intern(text);
        let mut scope: Rc<Env> = env.clone();
        for _ in 0..64 {
            match scope.subst.get(&name).cloned() {
                Some((ast::ModuleArg::Name(p), aenv)) if p.segments.len() == 1 => {
                    name = p.segments[0].name;
                    scope = aenv;
                }
                _ => break,
            }
        }
        let t = name.as_str();
        let numeral = t.starts_with(|c: char| c.is_ascii_digit());
        let v = match t.strip_prefix("0x") {
            Some(h) => i128::from_str_radix(h, 16).ok(),
            None if numeral => t.parse().ok(),
            None => None,
        };
        match v {
            Some(v) => Some(BoundArg::Num(v)),
            // A numeral too large for the logic (or malformed).
            None if numeral => {
                self.err(SemaError::InvalidNumeral { text: name, span }, env);
                None
            }
            None if lower || t.contains('.') => {
                self.err(
                    SemaError::RangeBound {
                        text: Some(text.to_string()),
                        lower,
                        span,
                    },
                    env,
                );
                None
            }
            None => Some(BoundArg::Name(dotted(&scope.prefix, t), span, scope)),
        }
    }

    /// A bound of `interpret t -> {lo..hi}`: a numeral or a name.
    fn range_bound_expr(&mut self, e: &ast::Expr, env: &Rc<Env>, lower: bool) -> Option<BoundArg> {
        match &e.kind {
            ast::ExprKind::Num(n) => self.range_bound(n.as_str(), e.span, env, lower),
            ast::ExprKind::App { func, args: None } if func.segments.len() == 1 => {
                self.range_bound(func.segments[0].name.as_str(), e.span, env, lower)
            }
            _ => {
                let text = None;
                self.err(
                    SemaError::RangeBound {
                        text,
                        lower,
                        span: e.span,
                    },
                    env,
                );
                None
            }
        }
    }

    /// The kind of the range sort `sort = {lo..hi}`, or `None` (reported)
    /// if a bound is missing or the range is empty. A name as the upper
    /// bound is declared here as a rigid, immutable 0-ary symbol of `sort`
    /// (ms-ivy makes it a parameter: `interpret idx -> {0..max}` declares
    /// `max : idx`, so `lo <= max` holds like for every value of `idx`).
    fn range_kind(
        &mut self,
        sort: SortId,
        lo: Option<BoundArg>,
        hi: Option<BoundArg>,
        span: Span,
        env: &Rc<Env>,
    ) -> Option<SortKind> {
        // A name is declared even if the lower bound is refused, so that
        // its uses do not cascade into more errors.
        let hi = match hi? {
            BoundArg::Name(full, bspan, scope) => {
                let s = self.add_sym(
                    SymbolDecl::new(full, vec![], sort, Role::Rigid).with_span(Some(bspan)),
                );
                if !self.declare(full, Entity::Sym(s), bspan, &scope) {
                    return None;
                }
                let sort_name = self.sort_name(sort);
                self.range_bound_names.insert(full, sort_name);
                self.param_syms.insert(s);
                BoundArg::Sym(s)
            }
            b => b,
        };
        let BoundArg::Num(lo) = lo? else {
            return None;
        };
        match hi {
            BoundArg::Num(hi) => {
                if lo > hi {
                    self.err(SemaError::EmptyRange { lo, hi, span }, env);
                    return None;
                }
                Some(SortKind::Range {
                    lo,
                    hi: Bound::Num(hi),
                })
            }
            BoundArg::Sym(s) => Some(SortKind::Range {
                lo,
                hi: Bound::Sym(s),
            }),
            BoundArg::Name(..) => None,
        }
    }

    fn interpret(
        &mut self,
        oper: &'a ast::Oper,
        target: &'a ast::InterpretTarget,
        span: Span,
        env: &Rc<Env>,
    ) {
        let p = match oper {
            ast::Oper::Name(p) => p,
            // ms-ivy: "undefined: +".
            ast::Oper::Op(o) => {
                self.undefined(NameKind::Value, o.op.as_str(), o.span, env);
                return;
            }
            ast::Oper::Native(q) => {
                self.undefined(NameKind::Sort, "<<< ... >>>", q.span, env);
                return;
            }
        };
        let segs: Vec<&str> = p.segments.iter().map(|s| s.as_str()).collect();
        let sort = match self.resolve_full(&segs, env) {
            Some((_, Entity::Sort(s))) => s,
            // A function symbol (declared later): see `interp.rs`.
            _ => {
                self.pending_sym_interps
                    .push((p, target, span, env.clone()));
                return;
            }
        };
        let kind = match target {
            ast::InterpretTarget::Oper(ast::Oper::Name(t)) => {
                // A module parameter in the theory position (`interpret this
                // -> interp` in `module m(interp)`) stands for its actual.
                let mut name = t.to_dotted();
                let mut scope: Rc<Env> = env.clone();
                for _ in 0..64 {
                    let Some((ast::ModuleArg::Name(actual), aenv)) =
                        scope.subst.get(&Symbol::intern(&name)).cloned()
                    else {
                        break;
                    };
                    name = actual.to_dotted();
                    scope = aenv;
                }
                // `bv[length]` with `length` a module parameter.
                if let Some(inner) = name.strip_prefix("bv[").and_then(|r| r.strip_suffix(']')) {
                    if inner.parse::<u32>().is_err() {
                        if let Some((ast::ModuleArg::Name(actual), _)) =
                            scope.subst.get(&Symbol::intern(inner)).cloned()
                        {
                            name = format!("bv[{}]", actual.to_dotted());
                        }
                    }
                }
                match name.as_str() {
                    "int" => Some(SortKind::Int),
                    "nat" => Some(SortKind::Nat),
                    "strlit" => Some(SortKind::Str),
                    n => bit_vector_width(n).map(SortKind::BitVec),
                }
                .ok_or((Symbol::intern(&name), t.span))
            }
            ast::InterpretTarget::Oper(ast::Oper::Native(q)) => {
                self.interpret_native(sort, q, span, env);
                return;
            }
            ast::InterpretTarget::Enum(ctors) => {
                self.interpret_enum(sort, ctors, span, env);
                return;
            }
            ast::InterpretTarget::Range { lo, hi } => {
                let lo = self.range_bound_expr(lo, env, true);
                let hi = self.range_bound_expr(hi, env, false);
                match self.range_kind(sort, lo, hi, span, env) {
                    Some(k) => Ok(k),
                    None => return,
                }
            }
            ast::InterpretTarget::Oper(ast::Oper::Op(o)) => {
                Err((Symbol::intern(o.op.as_str()), o.span))
            }
        };
        match kind {
            Err((name, tspan)) => self.err(SemaError::UnknownTheory { name, span: tspan }, env),
            Ok(k) => {
                self.set_interpretation(sort, k, span, env);
            }
        }
    }

    pub(crate) fn binder_sorts(
        &mut self,
        binders: &[ast::Binder],
        env: &Env,
    ) -> Option<Vec<SortId>> {
        let mut out = Vec::new();
        let mut ok = true;
        for b in binders {
            match &b.sort {
                Some(s) => match self.resolve_sort(s, env) {
                    Some(x) => out.push(x),
                    None => ok = false,
                },
                None => {
                    self.err(
                        SemaError::CannotInferSort {
                            name: b.name.name,
                            span: b.span,
                        },
                        env,
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    pub(crate) fn defarg_binders(args: &[ast::DefArg]) -> Vec<ast::Binder> {
        args.iter()
            .map(|a| match a {
                ast::DefArg::Var(b) => b.clone(),
                ast::DefArg::Param(p) => ast::Binder {
                    name: p.name.clone(),
                    sort: Some(p.sort.clone()),
                    span: p.span,
                },
            })
            .collect()
    }

    /// Declares one symbol; returns it.
    pub(crate) fn declare_sym(
        &mut self,
        name: &str,
        nspan: Span,
        args: Vec<SortId>,
        ret: SortId,
        role: Role,
        env: &Env,
    ) -> Option<SymId> {
        let full = dotted(&env.prefix, name);
        let mut all_args = Vec::new();
        for p in &env.obj_params {
            all_args.push(self.resolve_sort(&p.sort, env)?);
        }
        all_args.extend(args);
        let s = self.add_sym(SymbolDecl::new(full, all_args, ret, role).with_span(Some(nspan)));
        if !env.obj_params.is_empty() {
            let names = env.obj_params.iter().map(|p| p.name.name).collect();
            self.implicit.insert(s, names);
        }
        self.symbol_origins.insert(s, env.origin());
        self.declare(full, Entity::Sym(s), nspan, env).then_some(s)
    }

    fn declare_lhs(
        &mut self,
        lhs: &ast::TypedDefnLhs,
        is_relation: bool,
        def: Option<&ast::DefnRhs>,
        env: &Rc<Env>,
    ) -> Option<(SymId, Vec<ast::Binder>)> {
        // `function done(X,Y) = e`: argument sorts inferred from the body.
        if let (ast::DefnLhs::Name { name, args, .. }, Some(rhs @ ast::DefnRhs::Expr(_))) =
            (&lhs.lhs, def)
        {
            let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
            if binders.iter().any(|b| b.sort.is_none()) {
                let want = match &lhs.sort {
                    Some(s) => Some(self.resolve_sort(s, env)?),
                    None if is_relation => Some(SortId::BOOL),
                    None => None,
                };
                let dotted = name.to_dotted();
                let (sorts, ret) =
                    self.infer_def_sorts(&dotted, name.span, &binders, rhs, want, env)?;
                let s = self.declare_sym(&dotted, name.span, sorts, ret, Role::State, env)?;
                return Some((s, binders));
            }
        }
        let ret = if is_relation {
            if let Some(s) = &lhs.sort {
                self.resolve_sort(s, env);
            }
            SortId::BOOL
        } else {
            match &lhs.sort {
                Some(s) => self.resolve_sort(s, env)?,
                None => match self.infer_result_sort(lhs, def, env) {
                    Some(s) => s,
                    // ms-ivy: "unspecified type".
                    None => {
                        let name = match &lhs.lhs {
                            ast::DefnLhs::Name { name, .. } => Symbol::intern(&name.to_dotted()),
                            ast::DefnLhs::Infix { op, .. } => Symbol::intern(op.op.as_str()),
                        };
                        self.err(
                            SemaError::CannotInferSort {
                                name,
                                span: lhs.span,
                            },
                            env,
                        );
                        return None;
                    }
                },
            }
        };
        match &lhs.lhs {
            ast::DefnLhs::Name { name, args, .. } => {
                let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
                let sorts = self.binder_sorts(&binders, env)?;
                let s =
                    self.declare_sym(&name.to_dotted(), name.span, sorts, ret, Role::State, env)?;
                Some((s, binders))
            }
            ast::DefnLhs::Infix {
                lhs: l, op, rhs: r, ..
            } => {
                let binders = Self::defarg_binders(&[l.clone(), r.clone()]);
                let s = self.declare_infix(&binders, op, ret, def.is_some(), env)?;
                Some((s, binders))
            }
        }
    }

    /// An operator declared on two values: `relation (X:t < Y:t)`,
    /// `function (X:t + Y:t) : t`, `individual (X:t - Y:t) : t`. On an
    /// uninterpreted sort `t` it is the operator symbol of `t` (returned);
    /// as in Ivy, `<=`, `>`, `>=` are always written with `<` (declaring
    /// one declares `<`), and an operator on an interpreted sort is the
    /// theory's own. Other shapes (operands of two sorts, a result of
    /// another sort) declare nothing: Ivy accepts them but cannot use them.
    /// With a definition (`defined`), `<=`, `>` and `>=` are symbols of
    /// their own, as in Ivy (the definition is used where they are).
    fn declare_infix(
        &mut self,
        binders: &[ast::Binder],
        op: &ast::OpName,
        ret: SortId,
        defined: bool,
        env: &Env,
    ) -> Option<SymId> {
        let sorts = self.binder_sorts(binders, env)?;
        let (a, b) = (sorts.first().copied()?, sorts.get(1).copied()?);
        if a != b || *self.sort_kind(a) != SortKind::Uninterpreted {
            return None;
        }
        let relational = matches!(
            op.op,
            ast::BinOp::Lt | ast::BinOp::Le | ast::BinOp::Gt | ast::BinOp::Ge
        );
        if relational {
            if ret != SortId::BOOL {
                return None;
            }
            if op.op != ast::BinOp::Lt && !defined {
                self.op_symbol("<", a, SortId::BOOL, op.span);
                return None;
            }
        } else if ret != a
            || !matches!(
                op.op,
                ast::BinOp::Add | ast::BinOp::Sub | ast::BinOp::Mul | ast::BinOp::Div
            )
        {
            return None;
        }
        let opname: &'static str = op.op.as_str();
        if let Some(prev) = self.ops.get(&(opname, a)) {
            let previous = self.sym(*prev).and_then(|d| d.span);
            self.err(
                SemaError::DuplicateDeclaration {
                    name: Symbol::intern(opname),
                    span: op.span,
                    previous,
                },
                env,
            );
            return None;
        }
        let s = self.add_sym(
            SymbolDecl::new(Symbol::intern(opname), sorts, ret, Role::Rigid)
                .with_span(Some(op.span)),
        );
        self.ops.insert((opname, a), s);
        Some(s)
    }

    fn declare_typed(&mut self, tn: &ast::TypedName, role: Role, env: &Env) -> Option<SymId> {
        let ret = match &tn.sort {
            Some(s) => self.resolve_sort(s, env)?,
            None => SortId::BOOL,
        };
        match &tn.head {
            ast::TypedHead::Name { name, args } => {
                let sorts = self.binder_sorts(args.as_deref().unwrap_or(&[]), env)?;
                self.declare_sym(name.as_str(), name.span, sorts, ret, role, env)
            }
            // `individual (X:t - Y:t) : t` declares the operator.
            ast::TypedHead::Infix { lhs, op, rhs } => {
                self.declare_infix(&[lhs.clone(), rhs.clone()], op, ret, false, env)
            }
        }
    }

    fn pass_symbols(&mut self, d: &'a ast::Decl, env: &Rc<Env>) {
        match &d.kind {
            K::Relation(decls) | K::Function(decls) => {
                let is_rel = matches!(d.kind, K::Relation(_));
                for sd in decls {
                    if let Some((s, binders)) =
                        self.declare_lhs(&sd.lhs, is_rel, sd.def.as_ref(), env)
                    {
                        if let Some(def) = &sd.def {
                            self.pending_defs
                                .push((s, binders, def, sd.span, env.clone()));
                            self.defined_syms.insert(s);
                        }
                    }
                }
            }
            K::Individual(tns) | K::Var(tns) => {
                for tn in tns {
                    if tn.sort.is_none() {
                        self.err(
                            SemaError::CannotInferSort {
                                name: Symbol::intern(&match &tn.head {
                                    ast::TypedHead::Name { name, .. } => name.as_str().to_string(),
                                    ast::TypedHead::Infix { op, .. } => op.op.as_str().to_string(),
                                }),
                                span: tn.span,
                            },
                            env,
                        );
                        continue;
                    }
                    self.declare_typed(tn, Role::State, env);
                }
            }
            // The default value of a parameter (`parameter p : t = v`) is
            // the value extracted code starts with when none is given on
            // the command line; verification holds for every value.
            K::Parameter { name, .. } => {
                if let Some(s) = self.declare_typed(name, Role::Rigid, env) {
                    self.param_syms.insert(s);
                }
            }
            K::Destructor(tns) => {
                for tn in tns {
                    self.declare_destructor(tn, None, env);
                }
            }
            K::Constructor(tns) => {
                for tn in tns {
                    self.pending_constructors.push((tn, env.clone()));
                }
            }
            K::Field(tns) => self.class_fields(tns, d.span, env),
            K::Macro { name, body } => self.declare_macro(name, body, d.span, env),
            K::Derived(defs) => {
                for df in defs {
                    self.declare_definition(df, env);
                }
            }
            K::Definition {
                explicit,
                label,
                defn,
                proof,
                ..
            } => {
                // ms-ivy uses a definition's proof only to admit a
                // recursive definition (matched against a recursion
                // schema); a non-recursive one needs none, and recursive
                // ones are refused below.
                let _ = proof;
                let before = self.pending_defs.len();
                self.declare_definition(defn, env);
                if self.pending_defs.len() > before {
                    if let Some(sym) = self.pending_defs.last().map(|d| d.0) {
                        let label = label.as_ref().map(|l| dotted(&env.prefix, l.as_str()));
                        self.def_meta.insert(sym, (*explicit, label));
                    }
                }
            }
            K::Action {
                import_export,
                method,
                name,
                params,
                returns,
                body,
            } => {
                let full = dotted(&env.prefix, name.as_str());
                // `method m(x:t)` takes the object's value `self` first.
                let this = if *method {
                    match self.method_self(name, d.span, env) {
                        Some(p) => Some(p),
                        None => return,
                    }
                } else {
                    None
                };
                // Actions of parameterised objects take the object
                // parameters first.
                let all_params: Vec<ast::Param> = env
                    .obj_params
                    .iter()
                    .chain(this.iter())
                    .chain(params.iter())
                    .cloned()
                    .collect();
                let params = &all_params;
                let ps = self.action_params(full, params, env);
                let rs = self.action_params(full, returns, env);
                let id = ActionId(u32::try_from(self.actions.len()).unwrap_or(u32::MAX));
                if let Some((Entity::Action(prev), _)) = self.names.get(&full).copied() {
                    // A second declaration of the same action.
                    let previous = self.actions.get(prev.index()).map(|a| a.decl_span);
                    self.err(
                        SemaError::DuplicateDeclaration {
                            name: full,
                            span: name.span,
                            previous,
                        },
                        env,
                    );
                    return;
                }
                if !self.declare(full, Entity::Action(id), name.span, env) {
                    return;
                }
                if !env.obj_params.is_empty() {
                    let names = env.obj_params.iter().map(|p| p.name.name).collect();
                    self.implicit_actions.insert(id, names);
                }
                let (abody, bspan) = match body {
                    Some(ast::ActionDef::Body(b)) => (Some(b), Some(action_body_span(b))),
                    _ => (None, None),
                };
                let pn: Vec<Symbol> = params.iter().map(|p| p.name.name).collect();
                let rn: Vec<Symbol> = returns.iter().map(|p| p.name.name).collect();
                self.actions.push(ActionInfo {
                    def: ActionDef {
                        name: full,
                        params: ps,
                        returns: rs,
                        body: Block::default(),
                        exported: *import_export == Some(ast::ImportExport::Export),
                        imported: *import_export == Some(ast::ImportExport::Import),
                        olds: Vec::new(),
                        abstract_: abody.is_none(),
                        origin: env.origin(),
                        span: name.span,
                        parts: Vec::new(),
                        delegated: false,
                    },
                    param_names: pn.clone(),
                    return_names: rn.clone(),
                    body: abody.map(|b| (b, env.clone(), pn, rn)),
                    befores: Vec::new(),
                    afters: Vec::new(),
                    decl_span: name.span,
                    body_span: bspan,
                });
            }
            _ => {}
        }
    }

    fn action_params(&mut self, full: Symbol, params: &[ast::Param], env: &Env) -> Vec<SymId> {
        let mut out = Vec::new();
        for (i, p) in params.iter().enumerate() {
            if params.iter().take(i).any(|q| q.name.name == p.name.name) {
                self.err(
                    SemaError::DuplicateDeclaration {
                        name: p.name.name,
                        span: p.name.span,
                        previous: params
                            .iter()
                            .find(|q| q.name.name == p.name.name)
                            .map(|q| q.name.span),
                    },
                    env,
                );
            }
            let s = self.resolve_sort(&p.sort, env).unwrap_or(SortId::BOOL);
            let name = Symbol::intern(&format!("{full}.{}", p.name.as_str()));
            out.push(self.add_local(name, s, Some(p.name.span)));
        }
        out
    }

    fn declare_definition(&mut self, df: &'a ast::Defn, env: &Rc<Env>) {
        let (name, nspan, binders) = match &df.lhs.lhs {
            ast::DefnLhs::Name { name, args, .. } => (
                name.to_dotted(),
                name.span,
                Self::defarg_binders(args.as_deref().unwrap_or(&[])),
            ),
            ast::DefnLhs::Infix { lhs, op, rhs, .. } => {
                let binders = Self::defarg_binders(&[lhs.clone(), rhs.clone()]);
                self.declare_operator_definition(df, op, binders, env);
                return;
            }
        };
        let segs: Vec<&str> = name.split('.').collect();
        // `definition f(X) = e` for a declared `f` defines it; otherwise it
        // declares it.
        let existing = match self.resolve_full(&segs, env) {
            Some((_, Entity::Sym(s))) if !self.defined_syms.contains(&s) => Some(s),
            _ => None,
        };
        let sym = match existing {
            Some(s) => s,
            None => {
                let want = match &df.lhs.sort {
                    Some(s) => self.resolve_sort(s, env),
                    None => None,
                };
                let Some((sorts, ret)) =
                    self.infer_def_sorts(&name, nspan, &binders, &df.rhs, want, env)
                else {
                    return;
                };
                match self.declare_sym(&name, nspan, sorts, ret, Role::State, env) {
                    Some(s) => s,
                    None => return,
                }
            }
        };
        self.defined_syms.insert(sym);
        self.pending_defs
            .push((sym, binders, &df.rhs, df.span, env.clone()));
    }

    /// The argument sorts and the result sort of a definition: from the
    /// binders' annotations and `want`, else inferred from the body (as
    /// Ivy does for `function done(X,Y) = is_end(Y) | X < val(Y)`).
    fn infer_def_sorts(
        &mut self,
        name: &str,
        nspan: Span,
        binders: &[ast::Binder],
        rhs: &ast::DefnRhs,
        want: Option<SortId>,
        env: &Rc<Env>,
    ) -> Option<(Vec<SortId>, SortId)> {
        let mut cx = Cx::new(env.clone());
        cx.allow_free = false;
        let mut ok = true;
        for b in binders {
            let key = VarKey::Bound(b.span);
            if let Some(s) = &b.sort {
                match self.resolve_sort(s, env) {
                    Some(x) => {
                        cx.var_sorts.insert(key, (x, b.span));
                    }
                    None => ok = false,
                }
            }
            cx.scope.push((b.name.name, Binding::Var(key), b.name.span));
        }
        if !ok {
            return None;
        }
        let mut ret = want;
        if let ast::DefnRhs::Expr(e) = rhs {
            let unsorted = binders.iter().any(|b| b.sort.is_none());
            if unsorted || ret.is_none() {
                self.silent += 1;
                let r = self.elab_infer(&mut cx, e, want);
                self.silent -= 1;
                if ret.is_none() {
                    ret = r.map(|(_, s)| s);
                }
            }
        } else if ret.is_none() {
            ret = Some(SortId::BOOL);
        }
        let mut sorts = Vec::new();
        for b in binders {
            match cx.var_sorts.get(&VarKey::Bound(b.span)) {
                Some((s, _)) => sorts.push(*s),
                None => {
                    self.err(
                        SemaError::CannotInferSort {
                            name: b.name.name,
                            span: b.span,
                        },
                        env,
                    );
                    ok = false;
                }
            }
        }
        let Some(ret) = ret else {
            if ok {
                self.err(
                    SemaError::CannotInferSort {
                        name: Symbol::intern(name),
                        span: nspan,
                    },
                    env,
                );
            }
            return None;
        };
        ok.then_some((sorts, ret))
    }

    /// `definition (X < Y) = e` (also `+`, ...): defines the operator on the
    /// (uninterpreted) sort of its operands, inferred from the body.
    fn declare_operator_definition(
        &mut self,
        df: &'a ast::Defn,
        op: &ast::OpName,
        binders: Vec<ast::Binder>,
        env: &Rc<Env>,
    ) {
        let opname: &'static str = op.op.as_str();
        let want = match op.op {
            ast::BinOp::Lt | ast::BinOp::Le | ast::BinOp::Gt | ast::BinOp::Ge => Some(SortId::BOOL),
            _ => None,
        };
        let Some((sorts, ret)) =
            self.infer_def_sorts(opname, op.span, &binders, &df.rhs, want, env)
        else {
            return;
        };
        let (Some(&a), Some(&b)) = (sorts.first(), sorts.get(1)) else {
            return;
        };
        let arith = matches!(
            op.op,
            ast::BinOp::Add | ast::BinOp::Sub | ast::BinOp::Mul | ast::BinOp::Div
        );
        let relational = matches!(
            op.op,
            ast::BinOp::Lt | ast::BinOp::Le | ast::BinOp::Gt | ast::BinOp::Ge
        );
        if a != b
            || *self.sort_kind(a) != SortKind::Uninterpreted
            || !((relational && ret == SortId::BOOL) || (arith && ret == a))
        {
            self.unsupported("this operator definition", df.lhs.span, env);
            return;
        }
        let sym = match self.ops.get(&(opname, a)).copied() {
            Some(prev) if self.defined_syms.contains(&prev) => {
                let previous = self.sym(prev).and_then(|d| d.span);
                self.err(
                    SemaError::DuplicateDeclaration {
                        name: Symbol::intern(opname),
                        span: op.span,
                        previous,
                    },
                    env,
                );
                return;
            }
            Some(prev) => prev,
            None => {
                let s = self.add_sym(
                    SymbolDecl::new(Symbol::intern(opname), sorts, ret, Role::State)
                        .with_span(Some(op.span)),
                );
                self.ops.insert((opname, a), s);
                s
            }
        };
        self.defined_syms.insert(sym);
        self.pending_defs
            .push((sym, binders, &df.rhs, df.span, env.clone()));
    }

    /// Attaches a `before`/`after` monitor or an `implement` to its action.
    fn add_monitor(
        &mut self,
        kind: ast::MonitorKind,
        action: &ast::Path,
        params: &[ast::Param],
        returns: &[ast::Param],
        body: MonitorBody<'a>,
        env: &Rc<Env>,
    ) {
        let used = match kind {
            ast::MonitorKind::Implement => ActionUse::Implement,
            ast::MonitorKind::Before | ast::MonitorKind::After => ActionUse::Monitor,
        };
        let Some(id) = self.resolve_action(action, used, env) else {
            return;
        };
        let Some(info) = self.actions.get(id.index()) else {
            return;
        };
        let (np, nr, decl) = (
            info.def.params.len(),
            info.def.returns.len(),
            info.decl_span,
        );
        let aname = info.def.name;
        // Inside a parameterised object, a monitor of an action of
        // another object takes the object's parameters first
        // (`object p(self:t) = { implement net.recv(m) {...} }`).
        let implicit: Vec<Symbol> = if !params.is_empty()
            && !env.obj_params.is_empty()
            && params.len() + env.obj_params.len() == np
        {
            env.obj_params.iter().map(|p| p.name.name).collect()
        } else {
            Vec::new()
        };
        if !params.is_empty() && params.len() + implicit.len() != np {
            self.err(
                SemaError::MonitorSignature {
                    action: aname,
                    expected: np,
                    found: params.len(),
                    span: action.span,
                    decl: Some(decl),
                },
                env,
            );
            return;
        }
        if !returns.is_empty() && returns.len() != nr {
            self.err(
                SemaError::ResultCountMismatch {
                    action: aname,
                    expected: nr,
                    found: returns.len(),
                    span: action.span,
                    decl: Some(decl),
                },
                env,
            );
            return;
        }
        let Some(info) = self.actions.get_mut(id.index()) else {
            return;
        };
        let pn = if params.is_empty() {
            info.param_names.clone()
        } else {
            implicit
                .iter()
                .copied()
                .chain(params.iter().map(|p| p.name.name))
                .collect()
        };
        let rn = if returns.is_empty() {
            info.return_names.clone()
        } else {
            returns.iter().map(|p| p.name.name).collect()
        };
        let m = Monitor {
            body,
            env: env.clone(),
            params: pn,
            returns: rn,
            mixer: None,
        };
        match kind {
            ast::MonitorKind::Before => info.befores.push(m),
            ast::MonitorKind::After => info.afters.push(m),
            ast::MonitorKind::Implement => {
                if let Some(prev) = info.body_span {
                    let e = SemaError::DuplicateImplementation {
                        action: aname,
                        span: action.span,
                        previous: prev,
                    };
                    self.err(e, env);
                    return;
                }
                info.body_span = Some(action.span);
                info.def.abstract_ = false;
                let MonitorBody::Action(b) = body else {
                    return;
                };
                info.body = Some((b, env.clone(), m.params, m.returns));
            }
        }
    }

    fn pass_monitors(&mut self, d: &'a ast::Decl, env: &Rc<Env>) {
        match &d.kind {
            K::Monitor {
                kind,
                action,
                params,
                returns,
                body,
            } => self.add_monitor(
                *kind,
                action,
                params,
                returns,
                MonitorBody::Action(body),
                env,
            ),
            K::Around {
                action,
                params,
                returns,
                body,
            } => {
                // `around a { before ... after }` is a `before` and an
                // `after` monitor; a local of the first half would have to
                // live across the action body.
                if let Some(v) = body
                    .before
                    .iter()
                    .find(|s| matches!(s.kind, ast::StmtKind::Var { .. }))
                {
                    self.unsupported("a local declared before `...` in `around`", v.span, env);
                    return;
                }
                let halves = [
                    (ast::MonitorKind::Before, &body.before),
                    (ast::MonitorKind::After, &body.after),
                ];
                for (kind, stmts) in halves {
                    let b = MonitorBody::Stmts(stmts, body.span);
                    self.add_monitor(kind, action, params, returns, b, env);
                }
            }
            // Resolved after every monitor (see `mixin.rs`).
            K::Mixin { .. } | K::Mixord { .. } => self.pending_mixins.push((d, env.clone())),
            K::ImportExport { kind, action } => {
                let Some(path) = self.callatom_path(action, env) else {
                    return;
                };
                let used = match kind {
                    ast::ImportExport::Export => ActionUse::Export,
                    ast::ImportExport::Import => ActionUse::Import,
                };
                let Some(id) = self.resolve_action(&path, used, env) else {
                    return;
                };
                if let Some(info) = self.actions.get_mut(id.index()) {
                    match kind {
                        ast::ImportExport::Export => info.def.exported = true,
                        ast::ImportExport::Import => info.def.imported = true,
                    }
                }
            }
            K::Delegate { actions, to: None } => {
                for a in actions {
                    let Some(path) = self.callatom_path(a, env) else {
                        continue;
                    };
                    let Some(id) = self.resolve_action(&path, ActionUse::Delegate, env) else {
                        continue;
                    };
                    if let Some(info) = self.actions.get_mut(id.index()) {
                        info.def.delegated = true;
                    }
                }
            }
            // `delegate m -> o`: the assertions of the monitor `m` are
            // checked wherever `o` is verified.
            K::Delegate {
                actions,
                to: Some(o),
            } => {
                let Some(opath) = self.callatom_path(o, env) else {
                    return;
                };
                let segs: Vec<&str> = opath.segments.iter().map(|s| s.as_str()).collect();
                let Some((oname, _)) = self.resolve_full(&segs, env) else {
                    self.undefined(NameKind::Value, &opath.to_dotted(), opath.span, env);
                    return;
                };
                for a in actions {
                    let Some(path) = self.callatom_path(a, env) else {
                        continue;
                    };
                    let Some(id) = self.resolve_action(&path, ActionUse::Delegate, env) else {
                        continue;
                    };
                    if let Some(info) = self.actions.get(id.index()) {
                        self.delegated_to.push((info.def.name, oname));
                    }
                }
            }
            _ => {}
        }
    }

    /// A call atom without arguments as a path.
    /// A call atom naming an action or object (`export o(X).a`, `mixin`,
    /// `alias`, ...): arguments name instances of parameterised objects
    /// and are dropped, as ms-ivy does (`export o(X).w` exports `o.w`,
    /// for every instance).
    pub(crate) fn callatom_path(&mut self, c: &ast::CallAtom, _env: &Env) -> Option<ast::Path> {
        Some(ast::Path {
            segments: c.segments.iter().map(|s| s.name.clone()).collect(),
            span: c.span,
        })
    }

    pub(crate) fn resolve_action(
        &mut self,
        path: &ast::Path,
        used: ActionUse,
        env: &Env,
    ) -> Option<ActionId> {
        let segs: Vec<&str> = path.segments.iter().map(|s| s.as_str()).collect();
        match self.resolve_full(&segs, env) {
            Some((_, Entity::Action(a))) => Some(a),
            Some((full, _)) => {
                let decl = self.names.get(&full).and_then(|x| x.1);
                self.err(
                    SemaError::NotAnAction {
                        name: full,
                        span: path.span,
                        decl,
                        used,
                    },
                    env,
                );
                None
            }
            None => {
                self.undefined(NameKind::Action, &path.to_dotted(), path.span, env);
                None
            }
        }
    }

    /// The result sort of `function f(X:t, ...) = e` written without one,
    /// read off the definition where that is syntactic: a parameter, the
    /// branches of an `if`, a declared symbol, or a formula (bool).
    fn infer_result_sort(
        &mut self,
        lhs: &ast::TypedDefnLhs,
        def: Option<&ast::DefnRhs>,
        env: &Env,
    ) -> Option<SortId> {
        let Some(ast::DefnRhs::Expr(e)) = def else {
            return None;
        };
        let ast::DefnLhs::Name { args, .. } = &lhs.lhs else {
            return None;
        };
        let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
        self.expr_sort_hint(e, &binders, env)
    }

    fn expr_sort_hint(
        &mut self,
        e: &ast::Expr,
        binders: &[ast::Binder],
        env: &Env,
    ) -> Option<SortId> {
        use ast::ExprKind as E;
        match &e.kind {
            E::Paren(x) => self.expr_sort_hint(x, binders, env),
            E::Ite { then_, else_, .. } => self
                .expr_sort_hint(then_, binders, env)
                .or_else(|| self.expr_sort_hint(else_, binders, env)),
            E::Annot { sort, .. } => self.resolve_sort(sort, env),
            E::Var(id) => {
                let b = binders.iter().find(|b| b.name.name == id.name)?;
                self.resolve_sort(b.sort.as_ref()?, env)
            }
            E::App { func, args: None } if func.segments.len() == 1 => {
                let name = func.segments.first()?.name;
                match binders.iter().find(|b| b.name.name == name) {
                    Some(b) => self.resolve_sort(b.sort.as_ref()?, env),
                    None => self.symbol_sort_hint(func, env),
                }
            }
            E::App { func, .. } => self.symbol_sort_hint(func, env),
            E::True | E::False | E::Quant { .. } | E::Unary { .. } => Some(SortId::BOOL),
            E::Binary { op, lhs, .. } => match op {
                ast::BinOp::Add | ast::BinOp::Sub | ast::BinOp::Mul | ast::BinOp::Div => {
                    self.expr_sort_hint(lhs, binders, env)
                }
                _ => Some(SortId::BOOL),
            },
            _ => None,
        }
    }

    fn symbol_sort_hint(&mut self, func: &ast::Path, env: &Env) -> Option<SortId> {
        let segs: Vec<&str> = func.segments.iter().map(|s| s.as_str()).collect();
        match self.resolve_full(&segs, env)? {
            (_, Entity::Sym(f)) => self.sym(f).map(|d| d.ret),
            _ => None,
        }
    }

    /// `alias name = target`: `name` denotes what `target` denotes. Returns
    /// false (and reports only if `report`) when the target is unknown yet.
    fn alias(
        &mut self,
        name: &ast::Ident,
        target: &ast::CallAtom,
        env: &Env,
        report: bool,
    ) -> bool {
        let Some(path) = self.callatom_path(target, env) else {
            return true;
        };
        let segs: Vec<&str> = path.segments.iter().map(|s| s.as_str()).collect();
        match self.resolve_full(&segs, env) {
            Some((_, ent)) => {
                let full = dotted(&env.prefix, name.as_str());
                self.declare(full, ent, name.span, env);
                true
            }
            None => {
                if report {
                    self.undefined(NameKind::Value, &path.to_dotted(), path.span, env);
                }
                false
            }
        }
    }

    pub(crate) fn closed(
        &mut self,
        fmla: &ast::Expr,
        ctx: BoolContext,
        env: &Rc<Env>,
    ) -> Option<Term> {
        let mut cx = Cx::new(env.clone());
        // Inside a parameterised object, the formula holds for every value
        // of the object's parameters.
        let pvars = self.bind_object_params(&mut cx, env);
        let t = self.elab_closed(&mut cx, fmla, ctx)?;
        let span = t.span;
        Some(Term::forall(pvars, t).with_span(span))
    }

    fn pass_formulas(&mut self, d: &'a ast::Decl, env: &Rc<Env>) {
        let label = |l: &Option<ast::Label>| l.as_ref().map(|l| dotted(&env.prefix, l.as_str()));
        match &d.kind {
            K::Axiom {
                explicit,
                temporal,
                prop,
            } => {
                if *temporal {
                    self.temporal_axiom(prop, *explicit, env);
                    return;
                }
                match &prop.prop {
                    ast::Prop::Fmla(f) => {
                        if let Some(t) = self.closed(f, BoolContext::Axiom, env) {
                            self.note_axiom_syms(&t, prop.span);
                            let p = Property {
                                label: label(&prop.label),
                                formula: t,
                                span: Some(prop.span),
                                explicit: *explicit,
                            };
                            self.axioms.push((p, env.origin()));
                        }
                    }
                    // An axiom schema is a fact of proofs only.
                    ast::Prop::Schema(_) => match &prop.label {
                        Some(l) => {
                            let name = dotted(&env.prefix, l.as_str());
                            self.proof_schema(name, &prop.prop, env);
                        }
                        None => self.proof_schema(
                            crate::proof::unlabelled_schema_name(),
                            &prop.prop,
                            env,
                        ),
                    },
                }
            }
            K::Property {
                explicit,
                temporal,
                fmla,
                named,
                proof,
            } => {
                if *temporal {
                    self.temporal_property(fmla, named.as_ref(), proof.as_ref(), env);
                    return;
                }
                self.label_clash(&fmla.label, env);
                if let Some(t) = self.closed(&fmla.fmla, BoolContext::Property, env) {
                    if let Some(l) = &fmla.label {
                        let full = dotted(&env.prefix, l.name.as_str());
                        self.proof_targets.push((
                            full,
                            self.properties.len(),
                            &fmla.fmla,
                            *explicit,
                        ));
                    }
                    if let Some(step) = proof {
                        // Proved by its proof's goals (`proof.rs`).
                        self.pending_proofs
                            .push(crate::proof::PendingProof::Property {
                                index: self.properties.len(),
                                label: fmla.label.as_ref().map(|l| l.name),
                                fmla: &fmla.fmla,
                                explicit: *explicit,
                                step,
                                env: env.clone(),
                            });
                    }
                    // `explicit` changes nothing for ms-ivy's checks of a
                    // property without a proof: it is proved, then assumed
                    // like the others (docs/verification.md).
                    if let Some(lhs) = named {
                        self.named_property(lhs, &t, label(&fmla.label), fmla.span, env);
                    }
                    let p = Property {
                        label: label(&fmla.label),
                        formula: t,
                        span: Some(fmla.span),
                        explicit: *explicit,
                    };
                    self.properties.push((p, env.origin()));
                }
            }
            K::Invariant {
                explicit,
                fmla,
                proof,
            } => {
                let index = self.invariants.len();
                if self.invariant(fmla, *explicit, env) {
                    if let Some(l) = &fmla.label {
                        let full = dotted(&env.prefix, l.name.as_str());
                        self.inv_proof_targets.push((full, index, &fmla.fmla));
                    }
                    if let Some(step) = proof {
                        // Checked by its proof's goals (`proof.rs`); the
                        // invariant itself is assumed in pre-states.
                        self.pending_proofs
                            .push(crate::proof::PendingProof::Invariant {
                                index,
                                label: fmla.label.as_ref().map(|l| l.name),
                                fmla: &fmla.fmla,
                                step,
                                env: env.clone(),
                            });
                    }
                }
            }
            K::Conjecture(fmla) => {
                self.invariant(fmla, false, env);
            }
            K::Theorem { name, body, proof } => {
                let (n, span) = match name {
                    // `theorem t(X, Y) = ...`: as in ms-ivy, the
                    // parameters name nothing (the theorem's free
                    // variables are universal anyway), so they are
                    // ignored.
                    ast::TheoremName::Lhs(ast::DefnLhs::Name { name, span, .. }) => {
                        (name.to_dotted(), *span)
                    }
                    ast::TheoremName::Label(l) => (l.name.as_str().to_string(), l.span),
                    ast::TheoremName::Lhs(ast::DefnLhs::Infix { .. }) => {
                        self.unsupported("infix theorem names", d.span, env);
                        return;
                    }
                };
                self.pending_proofs
                    .push(crate::proof::PendingProof::Theorem {
                        name: dotted(&env.prefix, &n.to_string()),
                        body,
                        span,
                        step: proof.as_ref(),
                        env: env.clone(),
                    });
            }
            K::Proof {
                label: Some(l),
                step,
            } => {
                // `proof [l] step` (Ivy 1.7): the proof of the property
                // labelled `l`, declared earlier.
                let full = dotted(&env.prefix, l.name.as_str());
                let target = self
                    .proof_targets
                    .iter()
                    .rev()
                    .find(|(n, ..)| *n == full || *n == l.name)
                    .map(|(_, i, f, x)| (*i, *f, *x));
                match target {
                    Some((index, fmla, explicit)) => {
                        self.pending_proofs
                            .push(crate::proof::PendingProof::Property {
                                index,
                                label: Some(l.name),
                                fmla,
                                explicit,
                                step,
                                env: env.clone(),
                            })
                    }
                    None => {
                        let inv = self
                            .inv_proof_targets
                            .iter()
                            .rev()
                            .find(|(n, ..)| *n == full || *n == l.name)
                            .map(|(_, i, f)| (*i, *f));
                        let isolate = l.name.as_str() == "this"
                            || self
                                .isolates
                                .iter()
                                .any(|i| i.name == full || i.name == l.name);
                        match inv {
                            Some((index, fmla)) => {
                                self.pending_proofs
                                    .push(crate::proof::PendingProof::Invariant {
                                        index,
                                        label: Some(l.name),
                                        fmla,
                                        step,
                                        env: env.clone(),
                                    })
                            }
                            // `proof [iso]`: ms-ivy's proof of a whole
                            // isolate.
                            None if isolate => self.unsupported_because(
                                "proofs of a whole isolate (`proof [iso]`)",
                                ISOLATE_PROOF_HELP,
                                d.span,
                                env,
                            ),
                            None => self.err(
                                SemaError::Proof(ivyc_proof::ProofError::UnknownFact {
                                    name: l.name,
                                    span: l.span,
                                }),
                                env,
                            ),
                        }
                    }
                }
            }
            K::Proof { .. } => self.unsupported_because(
                "proofs of a whole isolate",
                ISOLATE_PROOF_HELP,
                d.span,
                env,
            ),
            K::Schema { lhs, body } => match lhs {
                ast::DefnLhs::Name {
                    name, args: None, ..
                } => {
                    let n = dotted(&env.prefix, &name.to_dotted().to_string());
                    self.proof_schema(n, body, env);
                }
                _ => self.unsupported("schemata with parameters", d.span, env),
            },
            K::Extract {
                name,
                params,
                targets,
            } => self.extract_unit(name, params, targets, env),
            K::Isolate {
                trusted,
                name,
                params,
                targets,
                with,
            } => {
                let members = self.isolate_names(targets, params, false, env);
                let with = self.isolate_names(with, params, true, env);
                self.isolates.push(IsolateDef {
                    name: dotted(&env.prefix, name.as_str()),
                    members,
                    with,
                    trusted: *trusted,
                    span: name.span,
                });
            }
            // An instance of a `module isolate`: `isolate iso = this with
            // ...` inside the instance.
            K::Module { with, .. } => {
                let members = vec![env.object().unwrap_or_else(|| Symbol::intern("this"))];
                let with = self.isolate_names(with, &[], true, env);
                self.isolates.push(IsolateDef {
                    name: dotted(&env.prefix, "iso"),
                    members,
                    with,
                    trusted: false,
                    span: d.span,
                });
            }
            K::IsolateObject {
                trusted,
                name,
                params,
                with,
                ..
            } => {
                let full = dotted(&env.prefix, name.as_str());
                let with = self.isolate_names(with, params, true, env);
                self.isolates.push(IsolateDef {
                    name: full,
                    members: vec![full],
                    with,
                    trusted: *trusted,
                    span: name.span,
                });
            }
            // Native declarations (C++ headers, helpers) mean nothing to
            // verification (Ivy ignores them there); extraction places them.
            K::Native(q) => {
                let b = self.native_block(q, env);
                self.natives.push(b);
            }
            K::Using(_) => {}
            K::Attribute { target, value } => {
                let written: Vec<&str> = target.segments.iter().map(|g| g.name.as_str()).collect();
                let value = match value {
                    ast::AttributeValue::True(_) => "true".to_string(),
                    ast::AttributeValue::False(_) => "false".to_string(),
                    // Arguments (`bmc[3]`) are not kept: only names matter here.
                    ast::AttributeValue::Atom(c) => c
                        .segments
                        .iter()
                        .map(|g| g.name.as_str())
                        .collect::<Vec<_>>()
                        .join("."),
                };
                self.attributes.push(crate::program::Attribute {
                    name: dotted(&env.prefix, &written.join(".")),
                    value,
                    span: d.span,
                });
            }
            // `implement type t with u`: in the units that see it, ms-ivy
            // identifies `t` with `u` (an uninterpreted refinement); ivyc
            // keeps `t` abstract, which proves less, never more.
            K::ImplementType { ty, with } => {
                for n in [ty, with] {
                    self.resolve_sort(&ast::Path::single(n.clone()), env);
                }
            }
            // Resolved with the monitors.
            K::Delegate { .. } => {}
            // Resolved in `run_passes`.
            K::Alias { .. } => {}
            // Used by ms-ivy only in generated test code; its checker
            // resolves and sort-checks them and then ignores them.
            K::Progress(defns) | K::Concept(defns) => {
                for df in defns {
                    self.check_progress(df, env);
                }
            }
            K::Rely { lhs, rhs } => {
                self.pending_relies.push((lhs, env.clone()));
                if let Some(r) = rhs {
                    self.pending_relies.push((r, env.clone()));
                }
            }
            // `unprovable property/invariant`: ms-ivy drops it unless run
            // with `unprovable=true` (which checks that it fails).
            K::Unprovable(_) => {}
            // Declared with the sorts and symbols (`class.rs`).
            K::Subclass { .. } | K::Field(_) => {}
            // Declared with the symbols.
            K::Macro { .. } => {}
            _ => {}
        }
        let _ = Section::Common;
    }

    /// As in ms-ivy ("redefining NAME"), the label of an invariant or a
    /// property may not be the name of a sort, symbol or action of the
    /// same scope.
    fn label_clash(&mut self, label: &Option<ast::Label>, env: &Rc<Env>) {
        let Some(l) = label else { return };
        let full = dotted(&env.prefix, l.as_str());
        if let Some((Entity::Sort(_) | Entity::Sym(_) | Entity::Action(_), previous)) =
            self.names.get(&full)
        {
            let previous = *previous;
            self.err(
                SemaError::DuplicateDeclaration {
                    name: full,
                    span: l.span,
                    previous,
                },
                env,
            );
        }
    }

    /// Declares an invariant; false when its formula is in error.
    fn invariant(&mut self, fmla: &ast::LabeledFmla, explicit: bool, env: &Rc<Env>) -> bool {
        self.label_clash(&fmla.label, env);
        let label = fmla.label.as_ref().map(|l| dotted(&env.prefix, l.as_str()));
        let Some(t) = self.closed(&fmla.fmla, BoolContext::Invariant, env) else {
            return false;
        };
        let p = Property {
            label,
            formula: t,
            span: Some(fmla.span),
            explicit,
        };
        self.invariants.push((p, env.origin()));
        true
    }

    /// The objects named by an isolate's member or `with` atoms (of the
    /// isolate about to be pushed). In a
    /// parameterised isolate (`isolate iso(me:id) = proc(me)`) an atom may
    /// apply an object to the isolate's parameters; the isolate then covers
    /// every instance at once (docs/isolates.md), so the arguments are
    /// dropped. Other arguments are errors, as in ms-ivy. A name that is not
    /// declared may be the label of an axiom, property, invariant or
    /// definition (`with ax` makes an `explicit axiom [ax]` available):
    /// those are resolved by [`Self::resolve_isolate_labels`].
    fn isolate_names(
        &mut self,
        atoms: &[ast::CallAtom],
        params: &[ast::Param],
        in_with: bool,
        env: &Rc<Env>,
    ) -> Vec<Symbol> {
        let mut out = Vec::new();
        for a in atoms {
            let by_param = |e: &ast::Expr| match &e.kind {
                ast::ExprKind::App { func, args: None } => {
                    func.segments.len() == 1
                        && params.iter().any(|p| p.name.name == func.segments[0].name)
                }
                _ => false,
            };
            let unbound = a
                .segments
                .iter()
                .flat_map(|s| s.args.iter().flatten())
                .find(|e| !by_param(e));
            if let Some(e) = unbound {
                let arg = ivyc_syntax::pretty::expr(e);
                self.err(SemaError::UnboundIsolateParam { arg, span: e.span }, env);
                continue;
            }
            let p = ast::Path {
                segments: a.segments.iter().map(|s| s.name.clone()).collect(),
                span: a.span,
            };
            let segs: Vec<&str> = p.segments.iter().map(|s| s.as_str()).collect();
            if segs == ["this"] && env.prefix.is_empty() {
                // `with this`: the whole program.
                out.push(Symbol::intern("this"));
                continue;
            }
            match self.resolve_full(&segs, env) {
                Some((full, _)) => out.push(full),
                None => self.pending_isolate_names.push((
                    self.isolates.len(),
                    in_with,
                    p.to_dotted(),
                    p.span,
                    env.clone(),
                )),
            }
        }
        out
    }

    /// Resolves the isolate names left by [`Self::isolate_names`] against
    /// the labels of facts (searched from the isolate's object outwards, as
    /// names are); reports the others as undefined.
    pub(crate) fn resolve_isolate_labels(&mut self) {
        let labels: HashSet<Symbol> = self
            .axioms
            .iter()
            .chain(&self.properties)
            .chain(&self.invariants)
            .filter_map(|(p, _)| p.label)
            .chain(self.def_meta.values().filter_map(|(_, l)| *l))
            .chain(self.labels.iter().copied())
            .collect();
        let pending = std::mem::take(&mut self.pending_isolate_names);
        // Isolates with a member (before `with`) still unresolved here: they
        // verify something even if no member resolved yet.
        let named_members: HashSet<usize> = pending
            .iter()
            .filter(|(_, in_with, ..)| !in_with)
            .map(|(iso, ..)| *iso)
            .collect();
        for (iso, in_with, name, span, env) in pending {
            let found = (0..=env.prefix.len())
                .rev()
                .map(|i| dotted(env.prefix.get(..i).unwrap_or(&[]), &name))
                .find(|c| labels.contains(c));
            match (found, self.isolates.get_mut(iso)) {
                (Some(full), Some(def)) => {
                    if in_with {
                        def.with.push(full)
                    } else {
                        def.members.push(full)
                    }
                }
                // ms-ivy checks the names of an isolate only when it
                // verifies it: in a trusted isolate, or one verifying
                // nothing, an unknown name is ignored.
                (None, Some(def))
                    if def.trusted || (def.members.is_empty() && !named_members.contains(&iso)) =>
                {
                    self.err(
                        SemaError::UnknownIsolateName {
                            name: name.to_string(),
                            span,
                        },
                        &env,
                    )
                }
                _ => self.undefined(NameKind::Value, &name, span, &env),
            }
        }
    }

    /// `progress d(X) = e`: the body is elaborated as a formula over the
    /// program's symbols (errors as for any formula); the name is recorded
    /// for `rely` but declares no symbol (ms-ivy removes it from the
    /// signature).
    fn check_progress(&mut self, df: &'a ast::Defn, env: &Rc<Env>) {
        let ast::DefnLhs::Name { name, args, .. } = &df.lhs.lhs else {
            return self.unsupported("an infix `progress` definition", df.span, env);
        };
        let ast::DefnRhs::Expr(e) = &df.rhs else {
            return self.unsupported(
                "a `progress` definition that is not a formula",
                df.span,
                env,
            );
        };
        let binders = Self::defarg_binders(args.as_deref().unwrap_or(&[]));
        let full = dotted(&env.prefix, &name.to_dotted()).to_string();
        self.progress_names.insert(full, (binders.len(), name.span));
        let Some((sorts, _)) = self.infer_def_sorts(
            &name.to_dotted(),
            name.span,
            &binders,
            &df.rhs,
            Some(SortId::BOOL),
            env,
        ) else {
            return;
        };
        let mut cx = Cx::new(env.clone());
        cx.allow_free = false;
        for (b, &s) in binders.iter().zip(&sorts) {
            let key = VarKey::Bound(b.span);
            cx.var_sorts.insert(key, (s, b.span));
            cx.scope.push((b.name.name, Binding::Var(key), b.name.span));
        }
        let _ = self.elab_bool(&mut cx, e, BoolContext::Property);
    }

    /// The atoms of `rely` declarations name a `progress` definition or a
    /// symbol of the program, with as many arguments (as ms-ivy requires);
    /// nothing else is done with them.
    fn check_relies(&mut self) {
        for (atom, env) in std::mem::take(&mut self.pending_relies) {
            let name = atom.name.name.as_str().to_owned();
            let found = atom.args.as_ref().map_or(0, Vec::len);
            let progress = self
                .progress_names
                .get(dotted(&env.prefix, &name).as_str())
                .or_else(|| self.progress_names.get(&name))
                .copied();
            let declared = match progress {
                Some((arity, span)) => Some((arity, Some(span))),
                None => {
                    let segs: Vec<&str> = name.split('.').collect();
                    match self.resolve_full(&segs, &env) {
                        Some((_, Entity::Sym(s))) => self.sym(s).map(|d| (d.args.len(), d.span)),
                        _ => None,
                    }
                }
            };
            match declared {
                None => self.undefined(NameKind::Value, &name, atom.span, &env),
                Some((expected, decl)) if expected != found => self.err(
                    SemaError::ArityMismatch {
                        name: atom.name.name,
                        expected,
                        found,
                        span: atom.span,
                        decl,
                    },
                    &env,
                ),
                Some(_) => {}
            }
        }
    }

    /// Elaborates the bodies of definitions (after all symbols exist).
    pub(crate) fn pass_definitions(&mut self) {
        let defs = std::mem::take(&mut self.pending_defs);
        for (sym, binders, rhs, span, env) in defs {
            let Some(d) = self.sym(sym).cloned() else {
                continue;
            };
            let ast::DefnRhs::Expr(e) = rhs else {
                match rhs {
                    // `f(X) = some Y. p(X,Y) [in e else d]`: see `named.rs`.
                    ast::DefnRhs::Some {
                        binder,
                        fmla,
                        in_,
                        else_,
                        ..
                    } => self.some_definition(
                        sym,
                        &binders,
                        binder,
                        fmla,
                        in_.as_ref().zip(else_.as_ref()),
                        span,
                        &env,
                    ),
                    ast::DefnRhs::Native(q) => self.unsupported("native definitions", q.span, &env),
                    ast::DefnRhs::Expr(_) => {}
                }
                continue;
            };
            if binders.len() != d.args.len() {
                self.err(
                    SemaError::ArityMismatch {
                        name: d.name,
                        expected: d.args.len(),
                        found: binders.len(),
                        span,
                        decl: d.span,
                    },
                    &env,
                );
                continue;
            }
            let mut cx = Cx::new(env.clone());
            cx.allow_free = false;
            let mut params = Vec::new();
            for (b, &s) in binders.iter().zip(&d.args) {
                let key = VarKey::Bound(b.span);
                cx.var_sorts.insert(key, (s, b.span));
                cx.scope.push((b.name.name, Binding::Var(key), b.name.span));
                params.push(Var {
                    name: b.name.name,
                    sort: s,
                });
            }
            let Some((body, bs)) = self.elab_infer(&mut cx, e, Some(d.ret)) else {
                continue;
            };
            if bs != d.ret {
                let (expected, found) = (self.sort_name(d.ret), self.sort_name(bs));
                self.err(
                    SemaError::SortMismatch {
                        expected,
                        found,
                        span: e.span,
                        decl: d.span.map(|s| (d.name, s)),
                    },
                    &env,
                );
                continue;
            }
            let rigid = body.symbols().iter().all(|s| {
                self.sym(*s).map(|x| x.role != Role::State).unwrap_or(true)
                    || self.axiom_syms.contains_key(s)
            });
            if rigid {
                if let Some(x) = self.syms.get_mut(sym.index()) {
                    x.role = Role::Rigid;
                }
            }
            let (explicit, label) = self.def_meta.get(&sym).cloned().unwrap_or_default();
            self.definitions.push(Definition {
                sym,
                params,
                body,
                span,
                origin: env.origin(),
                explicit,
                label,
            });
        }
        self.finish_state_choices();
    }
}

fn action_body_span(b: &ast::ActionBody) -> Span {
    match b {
        ast::ActionBody::Block(b) => b.span,
        ast::ActionBody::Native { span, .. } => *span,
    }
}

/// The width of a bit-vector theory: `bv[N]`, and the theories ms-ivy
/// verifies as `N`-bit vectors, `strbv[N]` (strings) and `intbv[..][N]`
/// (integers; the width is the last bracket).
fn bit_vector_width(name: &str) -> Option<u32> {
    let inner = name
        .strip_prefix("bv[")
        .or_else(|| name.strip_prefix("strbv["))
        .and_then(|r| r.strip_suffix(']'))
        .or_else(|| {
            let rest = name.strip_prefix("intbv[")?.strip_suffix(']')?;
            Some(rest.rsplit("][").next().unwrap_or(rest))
        })?;
    inner.parse::<u32>().ok().filter(|w| (1..=1024).contains(w))
}

#[cfg(test)]
mod tests {
    use super::bit_vector_width;

    #[test]
    fn bit_vector_theories_and_their_widths() {
        assert_eq!(bit_vector_width("bv[16]"), Some(16));
        assert_eq!(bit_vector_width("strbv[8]"), Some(8));
        assert_eq!(bit_vector_width("intbv[1][0][8]"), Some(8));
        assert_eq!(bit_vector_width("intbv[32]"), Some(32));
        assert_eq!(bit_vector_width("bv[0]"), None);
        assert_eq!(bit_vector_width("bv[n]"), None);
        assert_eq!(bit_vector_width("intbv[]"), None);
        assert_eq!(bit_vector_width("real"), None);
    }
}
