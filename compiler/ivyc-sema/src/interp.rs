//! Interpretations other than a sort as a theory (`decls.rs` has those):
//!
//! * `interpret t -> <<< code >>>`: a native type for extracted code. For
//!   verification the sort stays uninterpreted (also `<<< int >>>`, for
//!   which ms-ivy only adds the proof schemata of `int`). Extraction
//!   refuses the native text.
//! * `interpret t -> {a, b, c}`: `t` becomes an enumerated sort with those
//!   constructors.
//! * `interpret f -> op`: the declared function `f` is the theory
//!   operation `op` of its (interpreted) sorts: `+ - * /`, `bvand`,
//!   `bvor`, `bvnot`. As in ms-ivy a relation cannot be interpreted (its
//!   range `bool` is not a theory sort), nor an operator such as `+`.

use crate::check::{dotted, Checker, Entity, Env};
use crate::error::{NameKind, SemaError};
use crate::program::Definition;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{BuiltinOp, Role, SortId, SortKind, SymbolDecl, Term, Var};
use ivyc_syntax::ast;
use std::rc::Rc;

impl<'a> Checker<'a> {
    /// `interpret t -> <<< code >>>`.
    pub(crate) fn interpret_native(
        &mut self,
        sort: SortId,
        q: &ast::NativeQuote,
        span: Span,
        env: &Rc<Env>,
    ) {
        // Extraction refuses native types; verification ignores the text
        // (ms-ivy: even `<<< int >>>` only brings the proof schemata of
        // `int`, the solver sees an uninterpreted sort). A second
        // interpretation is still an error.
        self.native_types.push(q.span);
        if let Some(prev) = self.interpreted.get(&sort) {
            let (s, previous) = (self.sort_name(sort), *prev);
            self.err(
                SemaError::DuplicateInterpretation {
                    sort: s,
                    span,
                    previous,
                },
                env,
            );
            return;
        }
        self.interpreted.insert(sort, span);
    }

    /// `interpret t -> {a, b, c}`.
    pub(crate) fn interpret_enum(
        &mut self,
        sort: SortId,
        ctors: &[ast::Ident],
        span: Span,
        env: &Rc<Env>,
    ) {
        let names: Vec<Symbol> = ctors
            .iter()
            .map(|c| dotted(&env.prefix, c.as_str()))
            .collect();
        if !self.set_interpretation(sort, SortKind::Enum(names), span, env) {
            return;
        }
        for c in ctors {
            let cfull = dotted(&env.prefix, c.as_str());
            let s = self.add_sym(
                SymbolDecl::new(cfull, vec![], sort, Role::EnumCtor).with_span(Some(c.span)),
            );
            self.declare(cfull, Entity::Sym(s), c.span, env);
        }
    }

    /// Gives the uninterpreted `sort` the interpretation `kind`; reports a
    /// second interpretation. Returns whether it was set.
    pub(crate) fn set_interpretation(
        &mut self,
        sort: SortId,
        kind: SortKind,
        span: Span,
        env: &Rc<Env>,
    ) -> bool {
        if let Some(prev) = self.interpreted.get(&sort) {
            let s = self.sort_name(sort);
            let previous = *prev;
            self.err(
                SemaError::DuplicateInterpretation {
                    sort: s,
                    span,
                    previous,
                },
                env,
            );
            return false;
        }
        if !matches!(self.sort_kind(sort), SortKind::Uninterpreted) {
            let s = self.sort_name(sort);
            self.err(
                SemaError::InvalidInterpretation {
                    name: s,
                    span,
                    why: "it is not an uninterpreted sort",
                },
                env,
            );
            return false;
        }
        self.interpreted.insert(sort, span);
        self.interpret_origins.insert(sort, env.origin());
        if let Some(d) = self.sorts.get_mut(sort.index()) {
            d.kind = kind;
        }
        true
    }

    /// `interpret f -> op` for the function `f` (after all symbols are
    /// declared): `f(X..) = op(X..)`.
    pub(crate) fn interpret_symbol(
        &mut self,
        path: &ast::Path,
        target: &ast::InterpretTarget,
        span: Span,
        env: &Rc<Env>,
    ) {
        let segs: Vec<&str> = path.segments.iter().map(|s| s.as_str()).collect();
        let f = match self.resolve_full(&segs, env) {
            Some((_, Entity::Sym(f))) => f,
            Some((_, Entity::Sort(_))) => return,
            _ => {
                self.undefined(NameKind::Value, &path.to_dotted(), path.span, env);
                return;
            }
        };
        let Some(d) = self.sym(f).cloned() else {
            return;
        };
        let op = match target {
            ast::InterpretTarget::Oper(ast::Oper::Op(o)) => match o.op {
                ast::BinOp::Add => Some(BuiltinOp::Add),
                ast::BinOp::Sub => Some(BuiltinOp::Sub),
                ast::BinOp::Mul => Some(BuiltinOp::Mul),
                ast::BinOp::Div => Some(BuiltinOp::Div),
                ast::BinOp::Lt => Some(BuiltinOp::Lt),
                ast::BinOp::Le => Some(BuiltinOp::Le),
                ast::BinOp::Gt => Some(BuiltinOp::Gt),
                ast::BinOp::Ge => Some(BuiltinOp::Ge),
                _ => None,
            },
            ast::InterpretTarget::Oper(ast::Oper::Name(p)) => match p.to_dotted().as_str() {
                "bvand" => Some(BuiltinOp::BvAnd),
                "bvor" => Some(BuiltinOp::BvOr),
                "bvnot" => Some(BuiltinOp::BvNot),
                "concat" | "arrsel" | "arrupd" => {
                    self.unsupported(
                        "interpreting a function as `concat`, `arrsel` or `arrupd` (ivyc has no theory of bit-vector concatenation or arrays)",
                        span,
                        env,
                    );
                    return;
                }
                n if n.starts_with("bfe[") => {
                    self.unsupported(
                        "interpreting a function as a bit-field extraction `bfe[..]`",
                        span,
                        env,
                    );
                    return;
                }
                _ => None,
            },
            _ => None,
        };
        let Some(op) = op else {
            return self.bad_interpretation(d.name, span, "the target is not a theory operation (`+`, `-`, `*`, `/`, `bvand`, `bvor`, `bvnot`)", env);
        };
        if d.ret == SortId::BOOL {
            return self.bad_interpretation(
                d.name,
                span,
                "a relation cannot be interpreted (its range `bool` is not a theory sort)",
                env,
            );
        }
        let arity = if op == BuiltinOp::BvNot { 1 } else { 2 };
        let bv_only = matches!(op, BuiltinOp::BvAnd | BuiltinOp::BvOr | BuiltinOp::BvNot);
        let fits = |c: &Self, s: SortId| {
            let k = c.sort_kind(s);
            if bv_only {
                matches!(k, SortKind::BitVec(_))
            } else {
                k.is_numeric()
            }
        };
        if d.args.len() != arity
            || !d.args.iter().all(|s| *s == d.ret)
            || !fits(self, d.ret)
            || op.is_comparison()
        {
            return self.bad_interpretation(
                d.name,
                span,
                "its arguments and result must all be of one interpreted sort the operation applies to",
                env,
            );
        }
        if self.defined_syms.contains(&f) {
            return self.bad_interpretation(d.name, span, "it already has a definition", env);
        }
        let params: Vec<Var> = d
            .args
            .iter()
            .enumerate()
            .map(|(i, s)| Var::new(&format!("X{i}"), *s))
            .collect();
        let body =
            Term::builtin(op, params.iter().map(|v| Term::var(*v)).collect()).with_span(Some(span));
        self.defined_syms.insert(f);
        if let Some(x) = self.syms.get_mut(f.index()) {
            x.role = Role::Rigid;
        }
        self.definitions.push(Definition {
            sym: f,
            params,
            body,
            span,
            origin: env.origin(),
            explicit: false,
            label: None,
        });
    }

    fn bad_interpretation(&mut self, name: Symbol, span: Span, why: &'static str, env: &Env) {
        self.err(SemaError::InvalidInterpretation { name, span, why }, env);
    }
}
