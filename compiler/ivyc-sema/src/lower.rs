//! Lowering of a checked [`Program`] to the verification input
//! [`ivyc_logic::System`]: calls are inlined with fresh copies of the
//! callee's locals, statements become logic commands, definitions are
//! expanded, and mixed parameterised updates (`r(n, Y) := e`) become whole
//! symbol updates guarded by the fixed arguments.

use crate::program::{ActionDef, ActionId, AssertKind, Block, Program, Stmt, StmtKind};
use ivyc_base::diagnostic::{error, primary, secondary};
use ivyc_base::{Diagnostic, IntoDiagnostic, Span, Symbol};
use ivyc_logic::AssertKind as LKind;
use ivyc_logic::{
    Action, AssertInfo, Cmd, Lambda, Role, Signature, SymId, System, Term, TermKind, Var,
};
use std::collections::HashMap;

/// Why a checked program cannot be turned into a verification problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerError {
    /// An action calls itself (directly or through others): calls are
    /// inlined, so recursion is not supported.
    RecursiveCall {
        action: Symbol,
        call: Span,
        declared: Span,
    },
    /// A definition refers to itself.
    RecursiveDefinition { name: Symbol, span: Option<Span> },
}

impl IntoDiagnostic for LowerError {
    fn code(&self) -> &'static str {
        match self {
            LowerError::RecursiveCall { .. } => "unsupported",
            LowerError::RecursiveDefinition { .. } => "recursive-definition",
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        match self {
            LowerError::RecursiveCall {
                action,
                call,
                declared,
            } => error(
                self.code(),
                format!("unsupported: recursive call of action `{action}`"),
            )
            .with_labels(vec![
                primary(*call, "this call re-enters the action"),
                secondary(*declared, "action declared here"),
            ])
            .with_notes(vec![
                "help: calls are verified by inlining; rewrite the recursion as a `while` loop with an invariant".into(),
            ]),
            LowerError::RecursiveDefinition { name, span } => {
                let d = error(
                    self.code(),
                    format!("definition of `{name}` refers to itself"),
                );
                match span {
                    Some(s) => d.with_labels(vec![primary(*s, "recursive definition")]),
                    None => d,
                }
                .with_notes(vec![
                    "help: recursive definitions cannot be expanded; axiomatise the function instead".into(),
                ])
            }
        }
    }
}

/// Turn a checked program into a system whose exported actions have every
/// call inlined. Top-level `property` declarations are verified as
/// invariants (a stronger, sound check).
pub fn lower(program: &Program) -> Result<System, Vec<LowerError>> {
    let mut l = Lowerer {
        program,
        sig: program.sig.clone(),
        stack: Vec::new(),
        errors: Vec::new(),
    };
    let init = Cmd::seq(
        program
            .inits
            .iter()
            .map(|b| l.block(b, &HashMap::new(), false)),
    );
    let mut actions = Vec::new();
    for (id, a) in program.exported_actions() {
        l.stack.push(id);
        let body = l.action_body(a, &HashMap::new(), false);
        l.stack.pop();
        actions.push(Action {
            name: a.name,
            params: a.params.clone(),
            returns: a.returns.clone(),
            body,
            span: Some(a.span),
            exported: true,
        });
    }
    let mut invariants = program.invariants.clone();
    invariants.extend(program.properties.iter().cloned());
    let mut system = System {
        sig: l.sig,
        axioms: program.axioms.clone(),
        init,
        actions,
        invariants,
    };
    let defs: HashMap<SymId, Lambda> = program
        .definitions
        .iter()
        .map(|d| (d.sym, Lambda::new(d.params.clone(), d.body.clone())))
        .collect();
    if let Err(sym) = system.expand_definitions(&defs) {
        let decl = system.sig.symbol(sym);
        l.errors.push(LowerError::RecursiveDefinition {
            name: decl.name,
            span: program.definition(sym).map(|d| d.span).or(decl.span),
        });
    }
    if l.errors.is_empty() {
        Ok(system)
    } else {
        Err(l.errors)
    }
}

struct Lowerer<'p> {
    program: &'p Program,
    sig: Signature,
    /// Actions being inlined, innermost last (for recursion detection).
    stack: Vec<ActionId>,
    errors: Vec<LowerError>,
}

/// Renaming of a callee's local symbols for one inlined call.
type Renaming = HashMap<SymId, SymId>;

impl Lowerer<'_> {
    fn action_body(&mut self, a: &ActionDef, ren: &Renaming, inlined: bool) -> Cmd {
        self.block(&a.body, ren, inlined)
    }

    fn block(&mut self, b: &Block, ren: &Renaming, inlined: bool) -> Cmd {
        Cmd::seq(
            b.stmts
                .iter()
                .map(|s| self.stmt(s, ren, inlined))
                .collect::<Vec<_>>(),
        )
    }

    fn sym(ren: &Renaming, s: SymId) -> SymId {
        ren.get(&s).copied().unwrap_or(s)
    }

    fn term(ren: &Renaming, t: &Term) -> Term {
        if ren.is_empty() {
            t.clone()
        } else {
            t.rename_symbols(ren)
        }
    }

    fn stmt(&mut self, s: &Stmt, ren: &Renaming, inlined: bool) -> Cmd {
        match &s.kind {
            StmtKind::Assign { sym, args, value } => {
                let sym = Self::sym(ren, *sym);
                let args: Vec<Term> = args.iter().map(|a| Self::term(ren, a)).collect();
                let value = Self::term(ren, value);
                self.update(sym, &args, value)
            }
            StmtKind::Havoc { sym, args } => {
                let sym = Self::sym(ren, *sym);
                if args.is_empty() {
                    return Cmd::Havoc(sym);
                }
                // sym(args) := h(args) for a fresh unconstrained copy h.
                let h = self.sig.fresh_copy(sym, Role::Local);
                let args: Vec<Term> = args.iter().map(|a| Self::term(ren, a)).collect();
                let value = Term::app(h, args.clone());
                Cmd::seq([Cmd::Havoc(h), self.update(sym, &args, value)])
            }
            StmtKind::If { cond, then_, else_ } => Cmd::if_then_else(
                Self::term(ren, cond),
                self.block(then_, ren, inlined),
                self.block(else_, ren, inlined),
            ),
            StmtKind::IfSome {
                vars,
                cond,
                then_,
                else_,
            } => {
                let vars: Vec<SymId> = vars.iter().map(|v| Self::sym(ren, *v)).collect();
                let cond = Self::term(ren, cond);
                // ~exists V. cond[vars := V]
                let qvars: Vec<Var> = vars
                    .iter()
                    .map(|v| {
                        let d = self.sig.symbol(*v);
                        Var::new(&format!("{}#w", d.name.as_str().to_uppercase()), d.ret)
                    })
                    .collect();
                let map: HashMap<SymId, Term> = vars
                    .iter()
                    .zip(&qvars)
                    .map(|(s, v)| (*s, Term::var(*v)))
                    .collect();
                let none = Term::not(Term::exists(qvars, cond.replace_constants(&map)))
                    .with_span(cond.span);
                let havoc = || vars.iter().map(|v| Cmd::Havoc(*v)).collect::<Vec<_>>();
                let mut yes = havoc();
                yes.push(Cmd::Assume(cond));
                yes.push(self.block(then_, ren, inlined));
                let mut no = vec![Cmd::Assume(none)];
                no.extend(havoc());
                no.push(self.block(else_, ren, inlined));
                Cmd::choice(vec![Cmd::seq(yes), Cmd::seq(no)])
            }
            StmtKind::Choice(blocks) => {
                Cmd::choice(blocks.iter().map(|b| self.block(b, ren, inlined)).collect())
            }
            StmtKind::While {
                cond,
                invariants,
                body,
            } => {
                let invs = invariants
                    .iter()
                    .map(|p| {
                        let mut info = AssertInfo::new(LKind::LoopInvariant, p.span);
                        info.label = p.label;
                        (Self::term(ren, &p.formula), info)
                    })
                    .collect();
                let body = self.block(body, ren, inlined);
                Cmd::while_loop(Self::term(ren, cond), invs, body)
            }
            StmtKind::Call {
                action,
                args,
                results,
            } => self.call(s.span, *action, args, results, ren),
            StmtKind::Local { syms, body } => {
                let mut cmds: Vec<Cmd> = syms
                    .iter()
                    .map(|v| Cmd::Havoc(Self::sym(ren, *v)))
                    .collect();
                cmds.push(self.block(body, ren, inlined));
                Cmd::seq(cmds)
            }
            StmtKind::Assert {
                kind,
                formula,
                label,
            } => {
                let lkind = match kind {
                    AssertKind::Assert => LKind::Assert,
                    AssertKind::Ensure => LKind::Ensure,
                    AssertKind::Require if inlined => LKind::CallRequire,
                    AssertKind::Require => LKind::Require,
                };
                let mut info = AssertInfo::new(lkind, Some(s.span));
                info.label = *label;
                Cmd::Assert(Self::term(ren, formula), info)
            }
            StmtKind::Assume(t) => Cmd::Assume(Self::term(ren, t)),
        }
    }

    /// `sym(args) := value` where args may mix variables and terms.
    fn update(&mut self, sym: SymId, args: &[Term], value: Term) -> Cmd {
        let decl = self.sig.symbol(sym).clone();
        let mut params = Vec::with_capacity(args.len());
        let mut guards = Vec::new();
        let mut var_map: HashMap<Var, Term> = HashMap::new();
        for (i, (a, sort)) in args.iter().zip(&decl.args).enumerate() {
            match &a.kind {
                TermKind::Var(v) if !var_map.contains_key(v) => {
                    params.push(*v);
                    var_map.insert(*v, Term::var(*v));
                }
                _ => {
                    let p = Var::new(&format!("A#{i}"), *sort);
                    params.push(p);
                    guards.push((p, a.clone()));
                }
            }
        }
        if guards.is_empty() {
            return Cmd::assign(sym, params, value);
        }
        // Guard terms may mention the parameter variables of other positions.
        let cond = Term::and(
            guards
                .iter()
                .map(|(p, t)| Term::eq(Term::var(*p), t.subst_vars(&var_map))),
        );
        let old = Term::app_vars(sym, &params);
        Cmd::assign(sym, params, Term::ite(cond, value, old))
    }

    fn call(
        &mut self,
        span: Span,
        id: ActionId,
        args: &[Term],
        results: &[SymId],
        ren: &Renaming,
    ) -> Cmd {
        let Some(callee) = self.program.action_def(id) else {
            return Cmd::Skip;
        };
        if self.stack.contains(&id) {
            self.errors.push(LowerError::RecursiveCall {
                action: callee.name,
                call: span,
                declared: callee.span,
            });
            return Cmd::Skip;
        }
        // Fresh copies of every local symbol of the callee.
        let mut inner: Renaming = HashMap::new();
        for s in local_symbols(&self.program.sig, callee) {
            let fresh = self.sig.fresh_copy(s, Role::Local);
            inner.insert(s, fresh);
        }
        let mut cmds = Vec::new();
        for (p, a) in callee.params.iter().zip(args) {
            cmds.push(Cmd::assign(
                Self::sym(&inner, *p),
                vec![],
                Self::term(ren, a),
            ));
        }
        self.stack.push(id);
        cmds.push(self.action_body(callee, &inner, true));
        self.stack.pop();
        for (r, target) in callee.returns.iter().zip(results) {
            let value = Term::constant(Self::sym(&inner, *r));
            cmds.push(Cmd::assign(Self::sym(ren, *target), vec![], value));
        }
        Cmd::seq(cmds)
    }
}

/// Every `Local` symbol an action mentions: parameters, returns, `old`
/// snapshots, locals, temporaries and `if some` witnesses.
fn local_symbols(sig: &Signature, a: &ActionDef) -> Vec<SymId> {
    let mut out: Vec<SymId> = a.params.iter().chain(&a.returns).copied().collect();
    out.extend(a.olds.iter().map(|(snap, _)| *snap));
    collect_symbols(&a.body, &mut out);
    out.retain(|s| sig.symbol(*s).role == Role::Local);
    out.sort();
    out.dedup();
    out
}

fn collect_symbols(b: &Block, out: &mut Vec<SymId>) {
    for s in &b.stmts {
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
            StmtKind::Local { syms, body } => {
                out.extend(syms);
                collect_symbols(body, out);
            }
            StmtKind::IfSome {
                vars,
                cond,
                then_,
                else_,
            } => {
                out.extend(vars);
                out.extend(cond.symbols());
                collect_symbols(then_, out);
                collect_symbols(else_, out);
            }
            StmtKind::If { cond, then_, else_ } => {
                out.extend(cond.symbols());
                collect_symbols(then_, out);
                collect_symbols(else_, out);
            }
            StmtKind::Choice(bs) => bs.iter().for_each(|b| collect_symbols(b, out)),
            StmtKind::While {
                cond,
                invariants,
                body,
            } => {
                out.extend(cond.symbols());
                invariants
                    .iter()
                    .for_each(|p| out.extend(p.formula.symbols()));
                collect_symbols(body, out);
            }
            StmtKind::Call { args, results, .. } => {
                args.iter().for_each(|a| out.extend(a.symbols()));
                out.extend(results);
            }
            StmtKind::Assert { formula, .. } => out.extend(formula.symbols()),
            StmtKind::Assume(t) => out.extend(t.symbols()),
        }
    }
}
