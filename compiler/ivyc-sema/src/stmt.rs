//! Elaboration of action bodies and `after init` blocks into resolved
//! statements: assignments (incl. parameterised updates), calls (lifted out
//! of expressions), locals, conditionals, loops, and the weaving of
//! `before`/`after` monitors and `old` snapshots.

use crate::check::{Checker, Entity, Env, MonitorBody};
use crate::elab::{Binding, Cx, OldMode};
use crate::error::{ActionUse, BoolContext, NameKind, SemaError};
use crate::program::{
    ActionId, AssertKind, Block, BodyPart, PartKind, Section, Stmt, StmtKind, Variant,
};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Property, SortId, SortKind, SymId, Term, TermKind, Var};
use ivyc_syntax::ast::{self, Expr, ExprKind};
use std::rc::Rc;

impl<'a> Checker<'a> {
    pub(crate) fn elab_init(
        &mut self,
        params: &[ast::Param],
        body: &'a ast::ActionBody,
        env: &Rc<Env>,
    ) -> Option<Block> {
        let ast::ActionBody::Block(b) = body else {
            return Some(Block::new(self.native_body(body, &[], env)));
        };
        let mut cx = Cx::new(env.clone());
        cx.stmt = true;
        // `after init(x:t)`: Ivy accepts the parameters but gives them no
        // value (its checks fail with "multiply assigned" when one is
        // used), so a use is an error here.
        let mut init_params = Vec::new();
        for p in params {
            let srt = self.resolve_sort(&p.sort, env).unwrap_or(SortId::BOOL);
            let name = self.fresh_name(&format!("init.{}", p.name.as_str()));
            let x = self.add_local(name, srt, Some(p.name.span));
            cx.scope.push((p.name.name, Binding::Local(x), p.name.span));
            init_params.push((x, p.name.clone()));
        }
        // `old x` in initialisation is the value before all of it (Ivy):
        // the snapshots are shared by every `after init` block.
        cx.old = OldMode::Allowed;
        cx.olds = std::mem::take(&mut self.init_olds);
        // In a parameterised object, initialisation is for every value of
        // the parameters: they are variables, so updates are parameterised.
        self.bind_object_params(&mut cx, env);
        let stmts = self.elab_stmts(&mut cx, &b.stmts);
        self.init_olds = std::mem::take(&mut cx.olds);
        if !init_params.is_empty() {
            let mut used = Vec::new();
            let block = Block::new(stmts.clone());
            block.walk(true, &mut |s| used.extend(stmt_symbols(s)));
            for (x, id) in &init_params {
                if let Some(at) = used.iter().find(|(s, _)| s == x).map(|(_, sp)| *sp) {
                    self.err(
                        SemaError::InitParameterUsed {
                            name: id.name,
                            span: at,
                            decl: id.span,
                        },
                        env,
                    );
                }
            }
        }
        if env.section == Section::Specification && !stmts.is_empty() {
            // Initialisation of specification state: verified, not extracted.
            return Some(Block::new(vec![Stmt {
                kind: StmtKind::Ghost(Block::new(stmts)),
                span: b.span,
            }]));
        }
        Some(Block::new(stmts))
    }

    /// A native body `<<< ... >>>` as one [`StmtKind::Native`] statement:
    /// accepted here, refused by any unit that would verify it (as in
    /// Ivy), emitted by extraction. Its backquoted names resolve against
    /// `locals` (the action's parameters and returns) then `env`; a first
    /// line `impure` is dropped (ms-ivy's mark of native code with side
    /// effects).
    fn native_body(
        &mut self,
        body: &ast::ActionBody,
        locals: &[(Symbol, SymId)],
        env: &Env,
    ) -> Vec<Stmt> {
        match body {
            ast::ActionBody::Native { code, span } => {
                let from = match code.text.split_once('\n') {
                    Some((first, _)) if first.trim() == "impure" => first.len() + 1,
                    _ => 0,
                };
                vec![Stmt {
                    kind: StmtKind::Native(self.native_code(code, from, locals, env)),
                    span: *span,
                }]
            }
            ast::ActionBody::Block(_) => Vec::new(),
        }
    }

    /// A local that redeclares an enclosing local of another sort: refused
    /// as ms-ivy refuses it ("redefining symbol"; the same sort, a sibling
    /// scope or a parameter is fine there).
    fn check_redeclared(&mut self, cx: &Cx, name: Symbol, srt: SortId, span: Span) {
        if let Some(&(_, _, previous)) = cx
            .declared_locals
            .iter()
            .rev()
            .find(|(n, s, _)| *n == name && *s != srt)
        {
            let env = cx.env.clone();
            self.err(
                SemaError::DuplicateDeclaration {
                    name,
                    span,
                    previous: Some(previous),
                },
                &env,
            );
        }
    }

    fn bind_io(&self, cx: &mut Cx, names: &[Symbol], syms: &[SymId]) {
        for (n, s) in names.iter().zip(syms) {
            let span = self.sym(*s).and_then(|d| d.span).unwrap_or_default();
            cx.scope.push((*n, Binding::Local(*s), span));
        }
    }

    pub(crate) fn elab_action(&mut self, id: ActionId) {
        let Some(info) = self.actions.get_mut(id.index()) else {
            return;
        };
        let body = info.body.take();
        let befores = std::mem::take(&mut info.befores);
        let afters = std::mem::take(&mut info.afters);
        let (name, params, returns) = (
            info.def.name,
            info.def.params.clone(),
            info.def.returns.clone(),
        );
        // A return named like a parameter (`action set(a:t) returns (a:t)`)
        // is an in/out parameter: it starts with the argument's value.
        let inout: Vec<(SymId, SymId)> = info
            .return_names
            .iter()
            .zip(&returns)
            .filter_map(|(rn, r)| {
                let i = info.param_names.iter().position(|pn| pn == rn)?;
                params.get(i).map(|p| (*r, *p))
            })
            .collect();
        let inout: Vec<(SymId, SymId)> = inout
            .into_iter()
            .filter(|(r, p)| {
                let sort = |s: SymId| self.sym(s).map(|d| d.ret);
                sort(*r).is_some() && sort(*r) == sort(*p)
            })
            .collect();
        let mut olds: Vec<(SymId, SymId)> = Vec::new();
        let mut stmts = Vec::new();
        let run = |this: &mut Self,
                   b: MonitorBody<'a>,
                   env: &Rc<Env>,
                   pn: &[Symbol],
                   rn: &[Symbol],
                   old: OldMode,
                   olds: &mut Vec<(SymId, SymId)>,
                   out: &mut Vec<Stmt>,
                   monitor: bool| {
            let (body_stmts, body_span) = match b {
                MonitorBody::Action(ast::ActionBody::Block(blk)) => (&blk.stmts[..], blk.span),
                MonitorBody::Action(other) => {
                    let locals: Vec<(Symbol, SymId)> = pn
                        .iter()
                        .copied()
                        .zip(params.iter().copied())
                        .chain(rn.iter().copied().zip(returns.iter().copied()))
                        .collect();
                    out.extend(this.native_body(other, &locals, env));
                    return;
                }
                MonitorBody::Stmts(stmts, span) => (stmts, span),
            };
            let mut cx = Cx::new(env.clone());
            cx.stmt = true;
            cx.owner = name;
            cx.old = old;
            cx.olds = std::mem::take(olds);
            cx.params = params.clone();
            cx.inout = inout.clone();
            this.bind_io(&mut cx, pn, &params);
            this.bind_io(&mut cx, rn, &returns);
            let stmts = this.elab_stmts(&mut cx, body_stmts);
            *olds = cx.olds;
            if monitor && env.section == Section::Specification && !stmts.is_empty() {
                out.push(Stmt {
                    kind: StmtKind::Ghost(Block::new(stmts)),
                    span: body_span,
                });
            } else {
                out.extend(stmts);
            }
        };
        // Ranges of `stmts` per monitor / implementation (see `BodyPart`).
        let mut parts: Vec<BodyPart> = Vec::new();
        let mut part =
            |kind: PartKind, env: &Env, from: usize, to: usize, mixer: Option<Symbol>| {
                parts.push(BodyPart {
                    kind,
                    object: env.object(),
                    section: env.section,
                    stmts: from..to,
                    mixer,
                })
            };
        for m in &befores {
            let from = stmts.len();
            run(
                self,
                m.body,
                &m.env,
                &m.params,
                &m.returns,
                OldMode::Allowed,
                &mut olds,
                &mut stmts,
                true,
            );
            part(PartKind::Before, &m.env, from, stmts.len(), m.mixer);
        }
        if let Some((b, env, pn, rn)) = &body {
            let from = stmts.len();
            run(
                self,
                MonitorBody::Action(b),
                env,
                pn,
                rn,
                OldMode::Allowed,
                &mut olds,
                &mut stmts,
                false,
            );
            part(PartKind::Implementation, env, from, stmts.len(), None);
        }
        for m in &afters {
            let from = stmts.len();
            run(
                self,
                m.body,
                &m.env,
                &m.params,
                &m.returns,
                OldMode::Allowed,
                &mut olds,
                &mut stmts,
                true,
            );
            part(PartKind::After, &m.env, from, stmts.len(), m.mixer);
        }
        let decl_span = self
            .actions
            .get(id.index())
            .map(|a| a.decl_span)
            .unwrap_or_default();
        let mut pre: Vec<Stmt> = inout
            .iter()
            .map(|(r, p)| Stmt {
                kind: StmtKind::Assign {
                    sym: *r,
                    args: Vec::new(),
                    value: Term::constant(*p),
                },
                span: decl_span,
            })
            .collect();
        pre.extend(self.snapshots(&olds, decl_span));
        let shift = pre.len();
        let mut all_parts = vec![BodyPart {
            kind: PartKind::Olds,
            object: None,
            section: Section::Common,
            stmts: 0..shift,
            mixer: None,
        }];
        all_parts.extend(parts.into_iter().map(|p| BodyPart {
            stmts: p.stmts.start + shift..p.stmts.end + shift,
            ..p
        }));
        pre.extend(stmts);
        if let Some(info) = self.actions.get_mut(id.index()) {
            info.def.body = Block::new(pre);
            info.def.olds = olds;
            info.def.parts = all_parts;
        }
    }

    /// The statements `snap(X..) := orig(X..)` that take the `old`
    /// snapshots.
    pub(crate) fn snapshots(&self, olds: &[(SymId, SymId)], span: Span) -> Vec<Stmt> {
        let mut out = Vec::new();
        for (snap, orig) in olds {
            let Some(d) = self.sym(*orig) else {
                continue;
            };
            let vars: Vec<Var> = d
                .args
                .iter()
                .enumerate()
                .map(|(i, s)| Var::new(&format!("X{i}"), *s))
                .collect();
            out.push(Stmt {
                kind: StmtKind::Assign {
                    sym: *snap,
                    args: vars.iter().map(|v| Term::var(*v)).collect(),
                    value: Term::app_vars(*orig, &vars),
                },
                span,
            });
        }
        out
    }

    /// `cond & forall Y. cond[Y] -> ~(e[Y] < e)` for `if some vars. cond
    /// minimizing e` (`~(e < e[Y])` for maximizing).
    pub(crate) fn optimal_witness(
        &mut self,
        cx: &mut Cx,
        vars: &[SymId],
        cond: &Term,
        dir: ast::Optimize,
        e: &Expr,
        env: &Env,
    ) -> Option<Term> {
        let (o, s) = self.elab(cx, e, None)?;
        let ys: Vec<Var> = vars
            .iter()
            .filter_map(|v| {
                let d = self.sym(*v)?;
                Some(Var::new(
                    &format!("{}#opt", d.name.as_str().to_uppercase()),
                    d.ret,
                ))
            })
            .collect();
        let map: std::collections::HashMap<SymId, Term> = vars
            .iter()
            .zip(&ys)
            .map(|(v, y)| (*v, Term::var(*y)))
            .collect();
        let (other_cond, other_o) = (cond.replace_constants(&map), o.replace_constants(&map));
        let better = match dir {
            ast::Optimize::Minimizing => self.less_than(other_o, o, s, e.span, env)?,
            ast::Optimize::Maximizing => self.less_than(o, other_o, s, e.span, env)?,
        };
        let no_better = Term::forall(ys, Term::implies(other_cond, Term::not(better)));
        Some(Term::and([cond.clone(), no_better]).with_span(cond.span))
    }

    pub(crate) fn elab_stmts(&mut self, cx: &mut Cx, stmts: &[ast::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for (i, s) in stmts.iter().enumerate() {
            if let ast::StmtKind::Var { name, init } = &s.kind {
                let rest = stmts.get(i + 1..).unwrap_or(&[]);
                if let Some(st) = self.elab_var_decl(cx, name, init.as_ref(), rest, s.span) {
                    out.push(st);
                }
                return out;
            }
            let (nl, nt) = (cx.lifted.len(), cx.temps.len());
            let mut res = Vec::new();
            self.elab_stmt(cx, s, &mut res);
            let lifted: Vec<Stmt> = cx.lifted.drain(nl..).collect();
            let temps: Vec<SymId> = cx.temps.drain(nt..).collect();
            if temps.is_empty() && lifted.is_empty() {
                out.extend(res);
            } else {
                let mut body = lifted;
                body.extend(res);
                out.push(Stmt {
                    kind: StmtKind::Local {
                        syms: temps,
                        body: Block::new(body),
                    },
                    span: s.span,
                });
            }
        }
        out
    }

    fn elab_var_decl(
        &mut self,
        cx: &mut Cx,
        name: &ast::TypedName,
        init: Option<&Expr>,
        rest: &[ast::Stmt],
        span: Span,
    ) -> Option<Stmt> {
        let env = cx.env.clone();
        let id = match &name.head {
            ast::TypedHead::Name {
                name: id,
                args: None,
            } => id,
            // `var f(X:t) : u`: a local function (havocked on entry).
            ast::TypedHead::Name {
                name: id,
                args: Some(binders),
            } if init.is_none() => {
                let mut sorts = Vec::new();
                for b in binders {
                    let Some(bs) = &b.sort else {
                        self.err(
                            SemaError::CannotInferSort {
                                name: b.name.name,
                                span: b.span,
                            },
                            &env,
                        );
                        return None;
                    };
                    sorts.push(self.resolve_sort(bs, &env)?);
                }
                let ret = match &name.sort {
                    Some(s) => self.resolve_sort(s, &env)?,
                    None => SortId::BOOL,
                };
                let lname = Symbol::intern(&format!("{}.{}", cx.owner, id.as_str()));
                let x = self.add_sym(
                    ivyc_logic::SymbolDecl::new(lname, sorts, ret, ivyc_logic::Role::Local)
                        .with_span(Some(id.span)),
                );
                let n = cx.scope.len();
                cx.scope.push((id.name, Binding::Local(x), id.span));
                let body = self.elab_stmts(cx, rest);
                cx.scope.truncate(n);
                return Some(Stmt {
                    kind: StmtKind::Local {
                        syms: vec![x],
                        body: Block::new(body),
                    },
                    span,
                });
            }
            _ => {
                self.unsupported("this form of `var`", name.span, &env);
                return None;
            }
        };
        let declared = match &name.sort {
            Some(s) => Some(self.resolve_sort(s, &env)?),
            None => None,
        };
        let (nl, nt) = (cx.lifted.len(), cx.temps.len());
        let init_t = match init {
            Some(e) => {
                cx.allow_free = false;
                let r = self.elab_infer(cx, e, declared);
                cx.allow_free = true;
                Some(r?)
            }
            None => None,
        };
        let init_t = match (declared, init_t) {
            (Some(s), Some((t, is))) if is != s => match self.coerce(cx, t.clone(), is, s) {
                Some(up) => Some((up, s)),
                None => Some((t, is)),
            },
            (_, x) => x,
        };
        let sort = match (declared, &init_t) {
            (Some(s), Some((_, is))) => {
                if *is != s {
                    let (expected, found) = (self.sort_name(s), self.sort_name(*is));
                    self.err(
                        SemaError::SortMismatch {
                            expected,
                            found,
                            span: init.map(|e| e.span).unwrap_or(span),
                            decl: None,
                        },
                        &env,
                    );
                    return None;
                }
                s
            }
            (Some(s), None) => s,
            (None, Some((_, is))) => *is,
            (None, None) => {
                self.err(
                    SemaError::CannotInferSort {
                        name: id.name,
                        span: id.span,
                    },
                    &env,
                );
                return None;
            }
        };
        let lname = Symbol::intern(&format!("{}.{}", cx.owner, id.as_str()));
        let x = self.add_local(lname, sort, Some(id.span));
        let mut body: Vec<Stmt> = cx.lifted.drain(nl..).collect();
        let mut syms = vec![x];
        syms.extend(cx.temps.drain(nt..));
        if let Some((t, _)) = init_t {
            body.push(Stmt {
                kind: StmtKind::Assign {
                    sym: x,
                    args: vec![],
                    value: t,
                },
                span,
            });
        }
        let n = cx.scope.len();
        let nd = cx.declared_locals.len();
        if let Some(d) = self.sym(x) {
            let srt = d.ret;
            self.check_redeclared(cx, id.name, srt, id.span);
            cx.declared_locals.push((id.name, srt, id.span));
        }
        cx.scope.push((id.name, Binding::Local(x), id.span));
        body.extend(self.elab_stmts(cx, rest));
        cx.scope.truncate(n);
        cx.declared_locals.truncate(nd);
        Some(Stmt {
            kind: StmtKind::Local {
                syms,
                body: Block::new(body),
            },
            span,
        })
    }

    fn elab_block(&mut self, cx: &mut Cx, b: &ast::Block) -> Block {
        let n = cx.scope.len();
        let r = self.elab_stmts(cx, &b.stmts);
        cx.scope.truncate(n);
        Block::new(r)
    }

    fn elab_else(&mut self, cx: &mut Cx, s: Option<&ast::Stmt>) -> Block {
        match s {
            None => Block::default(),
            Some(ast::Stmt {
                kind: ast::StmtKind::Block(b),
                ..
            }) => self.elab_block(cx, b),
            Some(s) => {
                let n = cx.scope.len();
                let r = self.elab_stmts(cx, std::slice::from_ref(s));
                cx.scope.truncate(n);
                Block::new(r)
            }
        }
    }

    /// A condition: no free variables; calls are lifted.
    pub(crate) fn condition(&mut self, cx: &mut Cx, e: &Expr) -> Option<Term> {
        cx.allow_free = false;
        cx.reset_free();
        let r = self.elab_bool(cx, e, BoolContext::Condition);
        cx.allow_free = true;
        r
    }

    /// The loop variant of `decreases e` (see [`Variant`]): `e` has no free
    /// variables and a sort with an order; `<` and `0` are the sort's own,
    /// as in Ivy (`$rank` is a fresh local).
    fn loop_variant(&mut self, cx: &mut Cx, e: &Expr) -> Option<Variant> {
        let env = cx.env.clone();
        cx.allow_free = false;
        cx.reset_free();
        let measure = self.elab_infer(cx, e, None);
        cx.allow_free = true;
        let (measure, s) = measure?;
        let kind = self.sort_kind(s).clone();
        let zero = if kind.is_numeric() {
            // Not clamped into a range sort, as Ivy compares with 0 itself.
            Term::num(0, s).with_span(Some(e.span))
        } else if kind == SortKind::Uninterpreted {
            self.elab_num(cx, Symbol::intern("0"), e.span, Some(s))?.0
        } else {
            let sort = self.sort_name(s);
            self.err(SemaError::VariantSort { sort, span: e.span }, &env);
            return None;
        };
        // `$rank` as in ms-ivy's traces (`owner.$rank`, then `#k` copies).
        let base = format!("{}.$rank", cx.owner);
        let plain = Symbol::intern(&base);
        let name = if self.used_names.insert(plain) {
            plain
        } else {
            self.fresh_name(&base)
        };
        let rank = self.add_local(name, s, Some(e.span));
        let below = self.less_than(measure.clone(), zero, s, e.span, &env)?;
        let bounded = Term::not(below).with_span(Some(e.span));
        let decreases = self.less_than(measure.clone(), Term::constant(rank), s, e.span, &env)?;
        Some(Variant {
            measure,
            rank,
            bounded,
            decreases,
            span: e.span,
        })
    }

    fn elab_stmt(&mut self, cx: &mut Cx, s: &ast::Stmt, out: &mut Vec<Stmt>) {
        use ast::StmtKind as S;
        let env = cx.env.clone();
        let span = s.span;
        let mut push = |kind| out.push(Stmt { kind, span });
        match &s.kind {
            S::Assume(f) => {
                // Always assumed: in Ivy's reading (see `elab_closed_assumed`).
                if let Some((t, a)) = self.elab_closed_assumed(cx, &f.fmla, BoolContext::Assertion)
                {
                    push(StmtKind::Assume(a.unwrap_or(t)));
                }
            }
            S::Assert {
                kind,
                fmla,
                proof: Some(step),
            } => {
                // The goals the proof leaves are checked here, then the
                // formula is assumed (`proof.rs`).
                let kind = match kind {
                    ast::AssertKind::Assert => AssertKind::Assert,
                    ast::AssertKind::Ensure => AssertKind::Ensure,
                    ast::AssertKind::Require => AssertKind::Require,
                    ast::AssertKind::Ensures => AssertKind::Ensures,
                };
                let label = fmla.label.as_ref().map(|l| l.name);
                for (formula, gspan) in self.stmt_proof(cx, &fmla.fmla, label, step) {
                    out.push(Stmt {
                        kind: StmtKind::Assert {
                            kind,
                            formula,
                            assumed: None,
                            label,
                        },
                        span: gspan,
                    });
                }
                if let Some((t, a)) =
                    self.elab_closed_assumed(cx, &fmla.fmla, BoolContext::Assertion)
                {
                    out.push(Stmt {
                        kind: StmtKind::Assume(a.unwrap_or(t)),
                        span,
                    });
                }
            }
            S::Assert { kind, fmla, .. } => {
                let old = cx.old;
                let ensure = matches!(kind, ast::AssertKind::Ensure | ast::AssertKind::Ensures);
                if ensure && old == OldMode::Forbidden {
                    cx.old = OldMode::Allowed;
                }
                let t = self.elab_closed_assumed(cx, &fmla.fmla, BoolContext::Assertion);
                cx.old = old;
                if let Some((t, assumed)) = t {
                    push(StmtKind::Assert {
                        kind: match kind {
                            ast::AssertKind::Assert => AssertKind::Assert,
                            ast::AssertKind::Ensure => AssertKind::Ensure,
                            ast::AssertKind::Require => AssertKind::Require,
                            ast::AssertKind::Ensures => AssertKind::Ensures,
                        },
                        formula: t,
                        assumed,
                        label: fmla.label.as_ref().map(|l| l.name),
                    });
                }
            }
            S::Assign { lhs, rhs } => {
                if let Some((t, ret)) = self.field_target(cx, lhs) {
                    cx.allow_free = false;
                    let v = self.elab_infer(cx, rhs, Some(ret));
                    cx.allow_free = true;
                    cx.reset_free();
                    let Some((v, vs)) = v else { return };
                    let Some(v) = self.coerce(cx, v, vs, ret) else {
                        let (expected, found) = (self.sort_name(ret), self.sort_name(vs));
                        self.err(
                            SemaError::SortMismatch {
                                expected,
                                found,
                                span: rhs.span,
                                decl: None,
                            },
                            &env,
                        );
                        return;
                    };
                    self.field_assign(cx, &t, Some(v), span, out);
                    return;
                }
                let Some((f, args, ret)) = self.target(cx, lhs) else {
                    return;
                };
                let (nl, nt) = (cx.lifted.len(), cx.temps.len());
                cx.allow_free = false;
                let v = self.elab_infer(cx, rhs, Some(ret));
                cx.allow_free = true;
                cx.reset_free();
                let Some((v, vs)) = v else { return };
                let Some(v) = self.coerce(cx, v, vs, ret) else {
                    let (expected, found) = (self.sort_name(ret), self.sort_name(vs));
                    let decl = self.sym(f).and_then(|d| d.span.map(|s| (d.name, s)));
                    self.err(
                        SemaError::SortMismatch {
                            expected,
                            found,
                            span: rhs.span,
                            decl,
                        },
                        &env,
                    );
                    return;
                };
                // `x := a(y)`: the call's result goes to `x` directly.
                if args.is_empty() && cx.temps.len() == nt + 1 && cx.lifted.len() == nl + 1 {
                    if let (Some(&tmp), TermKind::App(t, targs)) = (cx.temps.last(), &v.kind) {
                        if *t == tmp && targs.is_empty() {
                            if let Some(Stmt {
                                kind: StmtKind::Call { results, .. },
                                ..
                            }) = cx.lifted.last_mut()
                            {
                                *results = vec![f];
                                cx.temps.pop();
                                return;
                            }
                        }
                    }
                }
                push(StmtKind::Assign {
                    sym: f,
                    args,
                    value: v,
                });
            }
            S::Havoc { lhs } => {
                if let Some((t, _)) = self.field_target(cx, lhs) {
                    cx.reset_free();
                    self.field_assign(cx, &t, None, span, out);
                    return;
                }
                if let Some((f, args, _)) = self.target(cx, lhs) {
                    cx.reset_free();
                    push(StmtKind::Havoc { sym: f, args });
                }
            }
            S::TupleAssign { lhs, call } => {
                let Some((results, post)) = self.call_targets(cx, lhs, span) else {
                    return;
                };
                let Some(e) = callatom_expr(call) else {
                    self.unsupported("arguments in this position", call.span, &env);
                    return;
                };
                if let Some(st) = self.call_stmt(cx, &e, results, span) {
                    out.push(st);
                    out.extend(post);
                }
            }
            S::Expr(e) => {
                if let Some(st) = self.call_stmt(cx, e, vec![], span) {
                    out.push(st);
                }
            }
            S::Call { returns, callee } => {
                let mut targets = Vec::new();
                for r in returns {
                    let Some(p) = callatom_expr(r) else {
                        self.err(SemaError::InvalidAssignTarget { span: r.span }, &env);
                        return;
                    };
                    targets.push(p);
                }
                let Some((results, post)) = self.call_targets(cx, &targets, span) else {
                    return;
                };
                let Some(e) = callatom_expr(callee) else {
                    self.unsupported("arguments in this position", callee.span, &env);
                    return;
                };
                if let Some(st) = self.call_stmt(cx, &e, results, span) {
                    out.push(st);
                    out.extend(post);
                }
            }
            S::If { cond, then_, else_ } => match cond {
                ast::Cond::Expr(c) => {
                    let c = self.condition(cx, c);
                    let t = self.elab_block(cx, then_);
                    let e = self.elab_else(cx, else_.as_deref());
                    if let Some(c) = c {
                        push(StmtKind::If {
                            cond: c,
                            then_: t,
                            else_: e,
                        });
                    }
                }
                ast::Cond::Some { .. } | ast::Cond::Assign { .. } => {
                    let n = cx.scope.len();
                    let w = self.witness_cond_base(cx, cond);
                    let t = self.elab_block(cx, then_);
                    cx.scope.truncate(n);
                    let e = self.elab_else(cx, else_.as_deref());
                    if let Some((vars, c, base)) = w {
                        push(StmtKind::IfSome {
                            vars,
                            cond: c,
                            base,
                            then_: t,
                            else_: e,
                        });
                    }
                }
            },
            S::IfStar { then_, else_ } => {
                let t = self.elab_block(cx, then_);
                let e = self.elab_else(cx, Some(else_));
                push(StmtKind::Choice(vec![t, e]));
            }
            S::While {
                cond,
                invariants,
                decreases,
                body,
            } => {
                let stmt = cx.stmt;
                cx.stmt = false;
                let (mut invs, mut assumed) = (Vec::new(), Vec::new());
                for inv in invariants {
                    let label = inv.fmla.label.as_ref().map(|l| l.name);
                    if let Some(step) = &inv.proof {
                        // As in ms-ivy, the goals of the proof are checked
                        // (on entry and after the body) but not assumed;
                        // the invariant is assumed at the head.
                        for (formula, gspan) in self.stmt_proof(cx, &inv.fmla.fmla, label, step) {
                            invs.push(Property {
                                label,
                                formula,
                                span: Some(gspan),
                                explicit: true,
                            });
                        }
                    }
                    if let Some(t) = self.elab_closed(cx, &inv.fmla.fmla, BoolContext::Invariant) {
                        let p = Property {
                            label,
                            formula: t,
                            span: Some(inv.span),
                            explicit: false,
                        };
                        match inv.proof {
                            Some(_) => assumed.push(p),
                            None => invs.push(p),
                        }
                    }
                }
                let variant = decreases.as_ref().map(|e| self.loop_variant(cx, e));
                let n = cx.scope.len();
                // `while some x. p(x)` / `while x:s := e`: the witnesses
                // are bound in the body only.
                let (witness, c) = match cond {
                    ast::Cond::Expr(c) => (Vec::new(), self.condition(cx, c)),
                    _ => match self.witness_cond(cx, cond) {
                        Some((vars, c)) => (vars, Some(c)),
                        None => (Vec::new(), None),
                    },
                };
                cx.stmt = stmt;
                let b = self.elab_block(cx, body);
                cx.scope.truncate(n);
                let c = c.map(|c| self.witness_loop(witness, c, b, span));
                // A `decreases` that failed to check was reported (and the
                // loop is dropped: the program is rejected).
                match (c, variant) {
                    (Some((c, b)), None) => push(StmtKind::While {
                        cond: c,
                        invariants: invs,
                        assumed,
                        variant: None,
                        body: b,
                    }),
                    (Some((c, b)), Some(Some(v))) => push(StmtKind::While {
                        cond: c,
                        invariants: invs,
                        assumed,
                        variant: Some(v),
                        body: b,
                    }),
                    _ => {}
                }
            }
            S::Local { params, body } => {
                let n = cx.scope.len();
                let mut syms = Vec::new();
                let nd = cx.declared_locals.len();
                for p in params {
                    let srt = self.resolve_sort(&p.sort, &env).unwrap_or(SortId::BOOL);
                    self.check_redeclared(cx, p.name.name, srt, p.name.span);
                    let name = Symbol::intern(&format!("{}.{}", cx.owner, p.name.as_str()));
                    let x = self.add_local(name, srt, Some(p.name.span));
                    cx.scope.push((p.name.name, Binding::Local(x), p.name.span));
                    cx.declared_locals.push((p.name.name, srt, p.name.span));
                    syms.push(x);
                }
                let b = Block::new(self.elab_stmts(cx, &body.stmts));
                cx.scope.truncate(n);
                cx.declared_locals.truncate(nd);
                push(StmtKind::Local { syms, body: b });
            }
            S::Block(b) => {
                let b = self.elab_block(cx, b);
                out.extend(b.stmts);
            }
            S::Var { .. } => {}
            S::Instantiate(c) => {
                let stmts = self.instantiate_macro(cx, c, span);
                out.extend(stmts);
            }
            S::Thunk { .. } => self.unsupported_because(
                "`thunk`",
                "ms-ivy 1.8.26 cannot check a program with a thunk either (it stops with \"must use debug=true to enable debug output\")",
                span,
                &env,
            ),
            S::Let { .. } => self.unsupported_because(
                "`let` statements",
                "a legacy form: ms-ivy 1.8.26 crashes on it (use `var`, or the names themselves)",
                span,
                &env,
            ),
            // `unprovable assert ...`: ms-ivy drops it unless run with
            // `unprovable=true` (which checks that it fails).
            S::Unprovable(_) => {}
            // `debug "text" with ...`: a trace of extracted code, nothing
            // to verification (ms-ivy: a no-op).
            S::Debug { .. } => {}
            S::For {
                index,
                value,
                collection,
                invariants,
                decreases,
                body,
            } => {
                let stmts = self.elab_for(
                    cx,
                    index,
                    value,
                    collection,
                    invariants,
                    decreases.as_ref(),
                    body,
                    span,
                );
                out.extend(stmts);
            }
            S::Error => {}
        }
    }

    /// The result symbols of a call assigning `targets`: a plain individual
    /// or local receives its result directly; a struct field (`p.x`) or an
    /// applied symbol (`r(a)`) receives it through a temporary (on
    /// `cx.temps`) and the statements returned after the call.
    fn call_targets(
        &mut self,
        cx: &mut Cx,
        targets: &[Expr],
        span: Span,
    ) -> Option<(Vec<SymId>, Vec<Stmt>)> {
        let env = cx.env.clone();
        let mut results = Vec::new();
        let mut post = Vec::new();
        for l in targets {
            if let Some((t, sort)) = self.field_target(cx, l) {
                cx.reset_free();
                let name = self.fresh_name(&format!("{}.res", cx.owner));
                let tmp = self.add_local(name, sort, Some(l.span));
                cx.temps.push(tmp);
                results.push(tmp);
                self.field_assign(cx, &t, Some(Term::constant(tmp)), span, &mut post)?;
                continue;
            }
            let (f, args, sort) = self.target(cx, l)?;
            cx.reset_free();
            if args.is_empty() {
                results.push(f);
                continue;
            }
            if args.iter().any(|a| !a.free_vars().is_empty()) {
                self.err(SemaError::InvalidAssignTarget { span: l.span }, &env);
                return None;
            }
            let name = self.fresh_name(&format!("{}.res", cx.owner));
            let tmp = self.add_local(name, sort, Some(l.span));
            cx.temps.push(tmp);
            results.push(tmp);
            post.push(Stmt {
                kind: StmtKind::Assign {
                    sym: f,
                    args,
                    value: Term::constant(tmp),
                },
                span,
            });
        }
        Some((results, post))
    }

    /// The assigned symbol and arguments of an assignment's left-hand side.
    /// Capitalised variables in the arguments are allowed (parameterised
    /// update) and stay available to the right-hand side.
    fn target(&mut self, cx: &mut Cx, lhs: &Expr) -> Option<(SymId, Vec<Term>, SortId)> {
        let env = cx.env.clone();
        match &lhs.kind {
            ExprKind::Paren(x) => return self.target(cx, x),
            ExprKind::Var(id) => {
                self.err(
                    SemaError::ImmutableAssignment {
                        name: id.name,
                        span: lhs.span,
                        why: crate::error::Immutable::Variable,
                        decl: None,
                    },
                    &env,
                );
                return None;
            }
            ExprKind::App { .. } | ExprKind::Dot { .. } => {}
            _ => {
                self.err(SemaError::InvalidAssignTarget { span: lhs.span }, &env);
                return None;
            }
        }
        let (t, s) = self.target_term(cx, lhs)?;
        let TermKind::App(f, args) = t.kind else {
            self.err(SemaError::InvalidAssignTarget { span: lhs.span }, &env);
            return None;
        };
        if self.is_destructor(f) {
            self.unsupported("a struct field as the result of a call", lhs.span, &env);
            return None;
        }
        if let Some(why) = self.immutable(f) {
            let d = self.sym(f).cloned();
            self.err(
                SemaError::ImmutableAssignment {
                    name: d
                        .as_ref()
                        .map(|d| d.name)
                        .unwrap_or_else(|| Symbol::intern("?")),
                    span: lhs.span,
                    why,
                    decl: d.and_then(|d| d.span),
                },
                &env,
            );
            return None;
        }
        Some((f, args, s))
    }

    /// The elaborated left-hand side of an assignment (variables allowed).
    /// Action calls in its arguments (`r(f(y)) := true`) are lifted before
    /// the statement, as in Ivy.
    fn target_term(&mut self, cx: &mut Cx, lhs: &Expr) -> Option<(Term, SortId)> {
        cx.reset_free();
        cx.allow_free = true;
        self.elab_infer(cx, lhs, None)
    }

    /// The left-hand side of `:=` / `:= *` if it is a struct field
    /// (`x.f`, `f(x)`, `x.f.g`): the term and its sort. Otherwise `None`
    /// without reporting (the caller goes on with [`Self::target`]).
    fn field_target(&mut self, cx: &mut Cx, lhs: &Expr) -> Option<(Term, SortId)> {
        match &lhs.kind {
            ExprKind::Paren(x) => return self.field_target(cx, x),
            ExprKind::App { .. } | ExprKind::Dot { .. } => {}
            _ => return None,
        }
        self.silent += 1;
        let r = self.target_term(cx, lhs);
        self.silent -= 1;
        let (t, _) = r?;
        match &t.kind {
            TermKind::App(f, _) if self.is_destructor(*f) => self.target_term(cx, lhs),
            _ => None,
        }
    }

    /// A call statement `a(x)` / `x.a(y)` with result targets.
    fn call_stmt(
        &mut self,
        cx: &mut Cx,
        e: &Expr,
        results: Vec<SymId>,
        span: Span,
    ) -> Option<Stmt> {
        let env = cx.env.clone();
        // `o(X).a(Y)`: the action `o.a` with the arguments `X, Y`.
        let instance: Option<(ActionId, Symbol, Vec<Expr>)> = match &e.kind {
            ExprKind::Dot { base, member, args } => match self.object_instance(cx, base) {
                Some((obj, mut all)) => {
                    let full = Symbol::intern(&format!("{obj}.{}", member.as_str()));
                    all.extend(args.iter().flatten().cloned());
                    match self.names.get(&full).map(|x| x.0) {
                        Some(Entity::Action(a)) => Some((a, full, all)),
                        _ => return self.not_action(cx, e, span),
                    }
                }
                None => None,
            },
            _ => None,
        };
        let (action, name, base, args, pspan) = match &e.kind {
            ExprKind::App { func, args } => {
                let segs: Vec<&str> = func.segments.iter().map(|s| s.as_str()).collect();
                let first = func.segments.first()?.name;
                if let Some((b, _)) = cx.lookup(first).filter(|_| segs.len() > 1) {
                    // `x.a(y)` on a local `x:t` calls `t.a(x, y)`.
                    let (t, srt) = match b {
                        Binding::Local(s) => (
                            Term::constant(s).with_span(Some(func.span)),
                            self.sym(s)?.ret,
                        ),
                        Binding::Var(k) => {
                            let srt = cx.var_sorts.get(&k)?.0;
                            (
                                Term::var(Var {
                                    name: first,
                                    sort: srt,
                                }),
                                srt,
                            )
                        }
                    };
                    let full = Symbol::intern(&format!(
                        "{}.{}",
                        self.sort_name(srt),
                        segs.get(1..).unwrap_or(&[]).join(".")
                    ));
                    match self.names.get(&full).map(|x| x.0) {
                        Some(Entity::Action(a)) => (a, full, Some(t), args.as_deref(), func.span),
                        _ => return self.not_action(cx, e, span),
                    }
                } else {
                    match self.resolve_full(&segs, &env) {
                        Some((full, Entity::Action(a))) => {
                            (a, full, None, args.as_deref(), func.span)
                        }
                        Some(_) => return self.not_action(cx, e, span),
                        None => {
                            // Maybe `c.a(y)` on an individual: elaborate generally.
                            let mut found = None;
                            for k in (1..segs.len()).rev() {
                                if let Some((_, Entity::Sym(c))) =
                                    self.resolve_full(segs.get(..k).unwrap_or(&[]), &env)
                                {
                                    if let Some(d) = self.sym(c).filter(|d| d.args.is_empty()) {
                                        let full = Symbol::intern(&format!(
                                            "{}.{}",
                                            self.sort_name(d.ret),
                                            segs.get(k..).unwrap_or(&[]).join(".")
                                        ));
                                        if let Some(Entity::Action(a)) =
                                            self.names.get(&full).map(|x| x.0)
                                        {
                                            found = Some((
                                                a,
                                                full,
                                                Some(Term::constant(c).with_span(Some(func.span))),
                                            ));
                                        }
                                    }
                                    break;
                                }
                            }
                            match found {
                                Some((a, full, b)) => (a, full, b, args.as_deref(), func.span),
                                None => {
                                    self.undefined(
                                        NameKind::Action,
                                        &func.to_dotted(),
                                        func.span,
                                        &env,
                                    );
                                    return None;
                                }
                            }
                        }
                    }
                }
            }
            ExprKind::Dot { base, member, args } => {
                // `o(X).a(Y)` on an instance of a parameterised object.
                if let Some((a, full, all)) = &instance {
                    (*a, *full, None, Some(all.as_slice()), member.span)
                } else {
                    let (b, bs) = self.elab(cx, base, None)?;
                    let full =
                        Symbol::intern(&format!("{}.{}", self.sort_name(bs), member.as_str()));
                    match self.names.get(&full).map(|x| x.0) {
                        Some(Entity::Action(a)) => (a, full, Some(b), args.as_deref(), member.span),
                        _ => return self.not_action(cx, e, span),
                    }
                }
            }
            ExprKind::Paren(x) => return self.call_stmt(cx, x, results, span),
            _ => return self.not_action(cx, e, span),
        };
        let (decl, nret) = {
            let info = self.actions.get(action.index())?;
            (info.decl_span, info.def.returns.len())
        };
        let mut results = results;
        let mut upcasts: Vec<(SymId, SymId)> = Vec::new();
        let method = base.is_some();
        if !results.is_empty() {
            if nret == 0 {
                self.err(
                    SemaError::MissingReturns {
                        action: name,
                        span,
                        decl: Some(decl),
                    },
                    &env,
                );
                return None;
            }
            if nret != results.len() {
                self.err(
                    SemaError::ResultCountMismatch {
                        action: name,
                        expected: nret,
                        found: results.len(),
                        span,
                        decl: Some(decl),
                    },
                    &env,
                );
                return None;
            }
            let want: Vec<SortId> = self
                .actions
                .get(action.index())?
                .def
                .returns
                .iter()
                .filter_map(|r| self.sym(*r).map(|d| d.ret))
                .collect();
            for (r, w) in results.iter_mut().zip(want) {
                let got = self.sym(*r)?.ret;
                if got != w && self.is_variant(got, w) {
                    // A result of a variant sort into a target of its
                    // parent: received in a temporary, then upcast.
                    let tname = self.fresh_name(&format!("{}.res", cx.owner));
                    let tmp = self.add_local(tname, w, Some(span));
                    upcasts.push((*r, tmp));
                    *r = tmp;
                    continue;
                }
                if got != w {
                    let (expected, found) = (self.sort_name(got), self.sort_name(w));
                    let d = self.sym(*r).and_then(|d| d.span.map(|s| (d.name, s)));
                    self.err(
                        SemaError::SortMismatch {
                            expected,
                            found,
                            span: pspan,
                            decl: d,
                        },
                        &env,
                    );
                    return None;
                }
            }
        }
        cx.allow_free = false;
        let args = self.call_args(cx, action, name, base, args, e.span);
        cx.allow_free = true;
        let mut call = Stmt {
            kind: StmtKind::Call {
                action,
                args: args?,
                results,
            },
            span,
        };
        if method {
            call = self.dispatch(call, cx.owner);
        }
        if upcasts.is_empty() {
            return Some(call);
        }
        let mut body = vec![call];
        let mut temps = Vec::new();
        for (target, tmp) in upcasts {
            body.extend(self.upcast_into(target, tmp, span));
            temps.push(tmp);
        }
        Some(Stmt {
            kind: StmtKind::Local {
                syms: temps,
                body: Block::new(body),
            },
            span,
        })
    }

    fn not_action(&mut self, cx: &mut Cx, e: &Expr, _span: Span) -> Option<Stmt> {
        let env = cx.env.clone();
        let (name, pspan) = match &e.kind {
            ExprKind::App { func, .. } => (Symbol::intern(&func.to_dotted()), func.span),
            ExprKind::Dot { member, .. } => (member.name, member.span),
            _ => (Symbol::intern("expression"), e.span),
        };
        // Resolve the name to point at its declaration, if any.
        let decl = match &e.kind {
            ExprKind::App { func, .. } => {
                let segs: Vec<&str> = func.segments.iter().map(|s| s.as_str()).collect();
                self.resolve_full(&segs, &env)
                    .and_then(|(f, _)| self.names.get(&f).and_then(|x| x.1))
            }
            _ => None,
        };
        self.err(
            SemaError::NotAnAction {
                name,
                span: pspan,
                decl,
                used: ActionUse::Call,
            },
            &env,
        );
        None
    }
}

/// `a.b(x)` as an expression (only the last segment may have arguments).
fn callatom_expr(c: &ast::CallAtom) -> Option<Expr> {
    // Segments up to the first with arguments form a path; each later
    // segment selects a member of what precedes it (`o(x).a(y)`).
    let first_args = c
        .segments
        .iter()
        .position(|s| s.args.is_some())
        .unwrap_or(c.segments.len().saturating_sub(1));
    let head = c.segments.get(..=first_args)?;
    let last = head.last()?;
    let path = ast::Path {
        segments: head.iter().map(|s| s.name.clone()).collect(),
        span: Span::new(
            c.span.file,
            c.span.start as usize,
            last.name.span.end as usize,
        ),
    };
    let mut e = Expr {
        kind: ExprKind::App {
            func: path,
            args: last.args.clone(),
        },
        span: Span::new(c.span.file, c.span.start as usize, last.span.end as usize),
    };
    for seg in c.segments.get(first_args + 1..).unwrap_or(&[]) {
        e = Expr {
            span: Span::new(c.span.file, c.span.start as usize, seg.span.end as usize),
            kind: ExprKind::Dot {
                base: Box::new(e),
                member: seg.name.clone(),
                args: seg.args.clone(),
            },
        };
    }
    Some(e)
}

/// The symbols a statement reads or writes itself (not in nested blocks),
/// with the statement's span.
fn stmt_symbols(s: &Stmt) -> Vec<(SymId, Span)> {
    let mut out: Vec<SymId> = Vec::new();
    match &s.kind {
        StmtKind::Assign { sym, args, value } => {
            out.push(*sym);
            args.iter().for_each(|a| out.extend(a.symbols()));
            out.extend(value.symbols());
        }
        StmtKind::Havoc { sym, args } => {
            out.push(*sym);
            args.iter().for_each(|a| out.extend(a.symbols()));
        }
        StmtKind::If { cond, .. } | StmtKind::While { cond, .. } => out.extend(cond.symbols()),
        StmtKind::IfSome { cond, .. } => out.extend(cond.symbols()),
        StmtKind::Call { args, results, .. } => {
            args.iter().for_each(|a| out.extend(a.symbols()));
            out.extend(results.iter().copied());
        }
        StmtKind::Assert { formula, .. } | StmtKind::Assume(formula) => {
            out.extend(formula.symbols())
        }
        StmtKind::Local { .. } | StmtKind::Choice(_) | StmtKind::Ghost(_) | StmtKind::Native(_) => {
        }
    }
    out.into_iter().map(|x| (x, s.span)).collect()
}
