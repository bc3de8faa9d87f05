//! Lowering of a checked [`Program`] to the verification input
//! [`ivyc_logic::System`]: calls are inlined with fresh copies of the
//! callee's locals, statements become logic commands, definitions are
//! expanded, and mixed parameterised updates (`r(n, Y) := e`) become whole
//! symbol updates guarded by the fixed arguments.

use crate::program::{ActionDef, ActionId, AssertKind, Block, Program, Stmt, StmtKind};
use ivyc_base::diagnostic::{error, primary, secondary};
use ivyc_base::{Diagnostic, IntoDiagnostic, Span, Symbol};
use ivyc_logic::AssertKind as LKind;
use ivyc_logic::Property;
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
    /// An action outside an isolate writes state that the isolate's
    /// invariants depend on: the isolate's proof would not cover it.
    Interference {
        isolate: Symbol,
        action: Symbol,
        symbol: Symbol,
        write: Span,
        isolate_span: Span,
    },
}

impl IntoDiagnostic for LowerError {
    fn code(&self) -> &'static str {
        match self {
            LowerError::RecursiveCall { .. } => "unsupported",
            LowerError::RecursiveDefinition { .. } => "recursive-definition",
            LowerError::Interference { .. } => "isolate-interference",
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
            LowerError::Interference {
                isolate,
                action,
                symbol,
                write,
                isolate_span,
            } => error(
                self.code(),
                format!(
                    "action `{action}` outside isolate `{isolate}` modifies `{symbol}`, which the isolate's invariants depend on"
                ),
            )
            .with_labels(vec![
                primary(*write, format!("`{symbol}` modified here")),
                secondary(*isolate_span, "isolate declared here"),
            ])
            .with_notes(vec![
                "help: modify the state through an action of the isolate, or add the action's object to the isolate".into(),
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
    let plan = Plan {
        entries: program
            .exported_actions()
            .map(|(id, _)| (id, true))
            .collect(),
        checked: |_: usize| true,
    };
    lower_with(program, &plan)
}

/// What one system checks: its entry actions (with whether their own
/// assertions are checked here or only assumed) and which invariants (by
/// index into `Program::invariants` followed by `Program::properties`) are
/// checked; the others are assumed.
struct Plan<F: Fn(usize) -> bool> {
    entries: Vec<(ActionId, bool)>,
    checked: F,
}

fn lower_with<F: Fn(usize) -> bool>(
    program: &Program,
    plan: &Plan<F>,
) -> Result<System, Vec<LowerError>> {
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
    for &(id, check_assertions) in &plan.entries {
        let Some(a) = program.action_def(id) else {
            continue;
        };
        l.stack.push(id);
        let mut body = l.action_body(a, &HashMap::new(), false);
        l.stack.pop();
        if !check_assertions {
            body = body.map_asserts(&mut |t, info| match info.kind {
                LKind::Require => Cmd::Assert(t.clone(), *info),
                _ => Cmd::Assume(t.clone()),
            });
        }
        actions.push(Action {
            name: a.name,
            params: a.params.clone(),
            returns: a.returns.clone(),
            body,
            span: Some(a.span),
            exported: true,
            internal: !a.exported,
        });
    }
    let (mut invariants, mut assumed) = (Vec::new(), Vec::new());
    for (i, p) in program
        .invariants
        .iter()
        .chain(&program.properties)
        .enumerate()
    {
        if (plan.checked)(i) {
            invariants.push(p.clone());
        } else {
            assumed.push(p.clone());
        }
    }
    let mut system = System {
        sig: l.sig,
        axioms: program.axioms.clone(),
        init,
        actions,
        invariants,
        assumed,
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

/// One unit of verification: an isolate, the rest of the program (`this`),
/// or the whole program when it declares no isolates.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The isolate's name; `None` for the whole program / `this`.
    pub name: Option<Symbol>,
    pub span: Option<Span>,
    pub system: System,
    /// Entry actions whose `require`s are assumed here although the
    /// environment does not call them: they are called from outside the
    /// isolate, and their callers' isolates check those `require`s.
    pub internal_entries: Vec<Symbol>,
}

/// Whether the object path `obj` lies within one of `roots`.
fn within(name: Symbol, roots: &[Symbol]) -> bool {
    let n = name.as_str();
    roots.iter().any(|r| {
        let r = r.as_str();
        n == r || (n.starts_with(r) && n.as_bytes().get(r.len()) == Some(&b'.'))
    })
}

fn action_within(a: &ActionDef, roots: &[Symbol]) -> bool {
    within(a.name, roots) || a.origin.object.is_some_and(|o| within(o, roots))
}

/// The verification units of a program: one per (untrusted) isolate, plus
/// `this` for invariants outside every isolate; or the whole program when
/// there are no isolates. Calls are always inlined (also into objects
/// outside an isolate's `with` list), which is sound and at least as precise
/// as Ivy's use of the callee's specification.
pub fn lower_units(program: &Program) -> Result<Vec<Unit>, Vec<LowerError>> {
    if program.isolates.is_empty() {
        return Ok(vec![Unit {
            name: None,
            span: None,
            system: lower(program)?,
            internal_entries: Vec::new(),
        }]);
    }
    let n_inv = program.invariants.len();
    let origin_of = |i: usize| {
        if i < n_inv {
            program.invariant_origins.get(i).and_then(|o| o.object)
        } else {
            program
                .property_origins
                .get(i - n_inv)
                .and_then(|o| o.object)
        }
    };
    let props: Vec<&Property> = program
        .invariants
        .iter()
        .chain(&program.properties)
        .collect();
    let in_isolate = |i: usize, roots: &[Symbol]| {
        origin_of(i).is_some_and(|o| within(o, roots))
            || props.get(i).and_then(|p| p.label).is_some_and(|l| {
                let full = match origin_of(i) {
                    Some(o) => Symbol::intern(&format!("{o}.{l}")),
                    None => l,
                };
                within(full, roots)
            })
    };
    let mut units = Vec::new();
    let mut errors = Vec::new();
    let all_members: Vec<Symbol> = program
        .isolates
        .iter()
        .flat_map(|iso| iso.members.iter().copied())
        .collect();
    for iso in program.isolates.iter().filter(|i| !i.trusted) {
        let scope: Vec<Symbol> = iso.members.iter().chain(&iso.with).copied().collect();
        let checked = |i: usize| in_isolate(i, &iso.members);
        // Entry points: actions of the isolate (or its `with` objects) that
        // the environment or code outside the isolate calls.
        let called_from_outside = called_from(program, |a| !action_within(a, &scope));
        let mut entries = Vec::new();
        let mut internal = Vec::new();
        for (i, a) in program.actions.iter().enumerate() {
            let id = ActionId(u32::try_from(i).unwrap_or(u32::MAX));
            if !action_within(a, &scope) {
                continue;
            }
            let outside_call = called_from_outside.contains(&id);
            if a.exported || outside_call {
                if !a.exported {
                    internal.push(a.name);
                }
                entries.push((id, action_within(a, &iso.members)));
            }
        }
        // Code outside the isolate must not write what its invariants read.
        let read: Vec<SymId> = (0..props.len())
            .filter(|i| checked(*i))
            .filter_map(|i| props.get(i))
            .flat_map(|p| p.formula.symbols())
            .filter(|s| program.sig.symbol(*s).role == Role::State)
            .collect();
        for a in program.actions.iter().filter(|a| !action_within(a, &scope)) {
            for (sym, span) in own_writes(&a.body) {
                if read.contains(&sym) {
                    errors.push(LowerError::Interference {
                        isolate: iso.name,
                        action: a.name,
                        symbol: program.sig.symbol(sym).name,
                        write: span,
                        isolate_span: iso.span,
                    });
                }
            }
        }
        let plan = Plan { entries, checked };
        match lower_with(program, &plan) {
            Ok(system) => units.push(Unit {
                name: Some(iso.name),
                span: Some(iso.span),
                system,
                internal_entries: internal,
            }),
            Err(e) => errors.extend(e),
        }
    }
    // `this`: invariants outside every isolate, against every exported
    // action; assertions of actions inside isolates are checked there.
    let rest = |i: usize| {
        !in_isolate(i, &all_members)
            && !program
                .isolates
                .iter()
                .any(|iso| iso.trusted && in_isolate(i, &iso.members))
    };
    let entries: Vec<(ActionId, bool)> = program
        .exported_actions()
        .map(|(id, a)| (id, !action_within(a, &all_members)))
        .collect();
    let has_work = (0..props.len()).any(rest)
        || entries.iter().any(|(id, check)| {
            *check
                && program
                    .action_def(*id)
                    .is_some_and(|a| block_has_assertions(&a.body))
        });
    if has_work {
        match lower_with(
            program,
            &Plan {
                entries,
                checked: rest,
            },
        ) {
            Ok(system) => units.push(Unit {
                name: Some(Symbol::intern("this")),
                span: None,
                system,
                internal_entries: Vec::new(),
            }),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(errors)
    }
}

/// Actions called (directly) from actions satisfying `pred`.
fn called_from(program: &Program, pred: impl Fn(&ActionDef) -> bool) -> Vec<ActionId> {
    let mut out = Vec::new();
    for a in program.actions.iter().filter(|a| pred(a)) {
        out.extend(a.body.calls(true));
    }
    out
}

/// State written by an action's own statements (not by the actions it calls).
fn own_writes(b: &Block) -> Vec<(SymId, Span)> {
    let mut out = Vec::new();
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Assign { sym, .. } | StmtKind::Havoc { sym, .. } => out.push((*sym, s.span)),
            StmtKind::Call { results, .. } => out.extend(results.iter().map(|r| (*r, s.span))),
            StmtKind::If { then_, else_, .. } | StmtKind::IfSome { then_, else_, .. } => {
                out.extend(own_writes(then_));
                out.extend(own_writes(else_));
            }
            StmtKind::Choice(bs) => bs.iter().for_each(|b| out.extend(own_writes(b))),
            StmtKind::While { body, .. } | StmtKind::Local { body, .. } | StmtKind::Ghost(body) => {
                out.extend(own_writes(body))
            }
            StmtKind::Assert { .. } | StmtKind::Assume(_) => {}
        }
    }
    out
}

fn block_has_assertions(b: &Block) -> bool {
    b.stmts.iter().any(|s| match &s.kind {
        StmtKind::Assert { .. } | StmtKind::Call { .. } | StmtKind::While { .. } => true,
        StmtKind::If { then_, else_, .. } | StmtKind::IfSome { then_, else_, .. } => {
            block_has_assertions(then_) || block_has_assertions(else_)
        }
        StmtKind::Choice(bs) => bs.iter().any(block_has_assertions),
        StmtKind::Local { body, .. } | StmtKind::Ghost(body) => block_has_assertions(body),
        _ => false,
    })
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
            StmtKind::Ghost(body) => self.block(body, ren, inlined),
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
            StmtKind::Ghost(body) => collect_symbols(body, out),
        }
    }
}
