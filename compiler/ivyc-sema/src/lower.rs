//! Lowering of a checked [`Program`] to the verification input
//! [`ivyc_logic::System`]: calls are inlined with fresh copies of the
//! callee's locals, statements become logic commands, definitions are
//! expanded, and mixed parameterised updates (`r(n, Y) := e`) become whole
//! symbol updates guarded by the fixed arguments.

use crate::program::{
    ActionDef, ActionId, AssertKind, Block, PartKind, Program, Section, Stmt, StmtKind,
};
use crate::uninterpret::uninterpret;
use ivyc_base::diagnostic::{error, primary, secondary};
use ivyc_base::{Diagnostic, IntoDiagnostic, Span, Symbol};
use ivyc_logic::AssertKind as LKind;
use ivyc_logic::Property;
use ivyc_logic::{
    Action, AssertInfo, Cmd, Lambda, LoopVariant, Role, Signature, SortId, SymId, System, Term,
    TermKind, Var,
};
use std::collections::BTreeSet;
use std::collections::HashMap;

mod legacy;

pub use legacy::LegacyWarning;

/// What no unit checks, possible only in an Ivy 1.6 program with isolates
/// (there is no isolate `this`): conjectures no isolate keeps, and actions
/// of no isolate writing what a unit's conjectures read; reported as
/// warnings (ms-ivy says OK without checking them).
pub fn legacy_warnings(program: &Program, units: &[Unit]) -> Vec<LegacyWarning> {
    legacy::legacy_warnings(program, units)
}

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
    /// Native code (`<<< ... >>>`) that a unit would inline or check.
    NativeCode { span: Span, unit: Option<Symbol> },
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
            LowerError::NativeCode { .. } => "native-code",
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
            LowerError::NativeCode { span, unit } => error(
                self.code(),
                match unit {
                    Some(u) => format!("native code cannot be verified (in isolate `{u}`)"),
                    None => "native code cannot be verified".to_string(),
                },
            )
            .with_labels(vec![primary(*span, "native code in checked code")])
            .with_notes(vec![
                "help: as in Ivy, native code must sit in a `trusted isolate`, or in an implementation that the checked code only calls through its specification".into(),
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
/// call inlined: everything is present and verified, every invariant and
/// property checked.
pub fn lower(program: &Program) -> Result<System, Vec<LowerError>> {
    lower_whole(program).map(|l| l.system)
}

/// The whole program as one unit (see [`lower`]).
fn lower_whole(program: &Program) -> Result<Lowered, Vec<LowerError>> {
    let mut entries: Vec<(ActionId, bool)> = program
        .exported_actions()
        .map(|(id, _)| (id, true))
        .collect();
    for id in env_called(program, |_| false) {
        if !entries.iter().any(|(e, _)| *e == id) {
            entries.push((id, true));
        }
    }
    let plan = Plan {
        entries,
        checked: |_: usize| true,
        nested: &|_: usize| false,
        verified: Scope::All,
        present: Scope::All,
        named: &[],
        hidden: &|_: usize| false,
        init_conds: &|_: usize| true,
        unroll: program.loop_unrolling(None),
    };
    lower_with(program, &plan).map_err(once_per_native)
}

/// The object owning `a`'s private implementation object, if `a` is
/// implemented in one: from Ivy 1.7, an object named `impl` below the top
/// level (`timer.impl`, and everything inside it) is private to its
/// parent `timer` (ms-ivy's `set_privates`). Only the isolate verifying
/// the parent sees it; for every other unit, the program's implicit one
/// included, its code stands for the environment (typically the native
/// code of the standard library, as `timeout_wrapper`'s timer), so what
/// it calls is called from outside.
fn impl_parent(a: &ActionDef) -> Option<String> {
    let o = a.implementation_object()?;
    let segs: Vec<&str> = o.as_str().split('.').collect();
    let i = segs.iter().skip(1).position(|seg| *seg == "impl")? + 1;
    Some(segs[..i].join("."))
}

/// The actions called from private implementation objects
/// ([`impl_parent`]) that the unit does not see (`sees(parent)` is false),
/// which are not such actions themselves: entries of the unit, as
/// exported actions are (Ivy 1.7 and later; before, `impl` objects are not
/// private). Without this, an `implement timer.timeout` that breaks an
/// invariant was never checked (`include timeout`: the runtime calls it
/// through `timer.impl`).
fn env_called(program: &Program, sees: impl Fn(&str) -> bool) -> Vec<ActionId> {
    if !program.semantics().isolates_1_7() {
        return Vec::new();
    }
    let hidden = |a: &ActionDef| impl_parent(a).is_some_and(|p| !sees(&p));
    let mut out: Vec<ActionId> = Vec::new();
    for id in called_from(program, hidden) {
        let public = program.action_def(id).is_some_and(|a| !hidden(a));
        if public && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The result of lowering one unit.
struct Lowered {
    system: System,
    summaries: Vec<Summary>,
    /// Verified actions inlined at a call (their assertions checked there).
    verified_calls: Vec<Symbol>,
}

/// A set of actions and objects, for what a unit verifies and what it sees.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// Everything (a program without isolates).
    All,
    /// The objects under these roots (an isolate's members), except those
    /// under the second list (objects with an isolate of their own).
    Within(&'a [Symbol], &'a [Symbol]),
    /// What an isolate sees: its members (except `nested`), and what is not
    /// an implementation detail (see `Public`) in its `with` list and in
    /// `nested`, the objects inside its members that have an isolate of
    /// their own (as in Ivy, only their specification is present).
    Isolate {
        members: &'a [Symbol],
        with: &'a [Symbol],
        nested: &'a [Symbol],
    },
    /// Everything outside these roots (what the unit `this` verifies).
    Outside(&'a [Symbol]),
    /// Everything but implementation details: objects named `impl` and
    /// `implementation`/`private` sections (what the unit `this` sees).
    Public,
}

impl Scope<'_> {
    /// Whether `a` (its implementation) is in the scope.
    fn has_action(self, a: &ActionDef) -> bool {
        match self {
            Scope::All => true,
            Scope::Within(roots, except) => action_within(a, roots) && !action_within(a, except),
            Scope::Isolate {
                members,
                with,
                nested,
            } => {
                Scope::Within(members, nested).has_action(a)
                    || ((action_within(a, with) || action_within(a, nested))
                        && Scope::Public.has_action(a))
            }
            Scope::Outside(roots) => !action_within(a, roots),
            Scope::Public => {
                let part = a.parts.iter().find(|p| p.kind == PartKind::Implementation);
                let section = part.map_or(a.origin.section, |p| p.section);
                is_public(a.implementation_object(), section)
            }
        }
    }

    /// Whether code of `object` (`None`: the top level) in `section` is in
    /// the scope.
    fn has_code(self, object: Option<Symbol>, section: Section) -> bool {
        match (self, object) {
            (Scope::All, _) => true,
            (Scope::Within(roots, except), Some(o)) => within(o, roots) && !within(o, except),
            (Scope::Within(roots, _), None) => roots.iter().any(|r| r.as_str() == "this"),
            (
                Scope::Isolate {
                    members,
                    with,
                    nested,
                },
                _,
            ) => {
                Scope::Within(members, nested).has_code(object, section)
                    || ((Scope::Within(with, &[]).has_code(object, section)
                        || Scope::Within(nested, &[]).has_code(object, section))
                        && is_public(object, section))
            }
            (Scope::Outside(roots), Some(o)) => !within(o, roots),
            (Scope::Outside(_), None) => true,
            (Scope::Public, _) => is_public(object, section),
        }
    }
}

/// Not an implementation detail: outside `impl` objects and
/// `implementation`/`private` sections.
fn is_public(object: Option<Symbol>, section: Section) -> bool {
    !matches!(section, Section::Implementation | Section::Private)
        && !object.is_some_and(|o| o.as_str().split('.').any(|seg| seg == "impl"))
}

/// A call whose callee's assertions a unit assumes: either replaced by the
/// callee's specification (its implementation is not visible), or inlined
/// with its assertions assumed (visible, but verified in another unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// True if the implementation was inlined (assertions assumed), false
    /// if it was replaced by the specification.
    pub inlined: bool,
    pub callee: Symbol,
    /// The entry action of the unit the call was reached from.
    pub caller: Symbol,
    pub call: Span,
    /// The callee's assertions assumed here (`after` monitors, and for an
    /// inlined callee also those of its implementation).
    pub assumed: Vec<Span>,
    /// `require`s of a summarised callee that could not be checked at the
    /// call (not at the start of its body), although its unit assumes them.
    pub unchecked_requires: Vec<Span>,
}

/// What one system checks: its entry actions (with whether their own
/// assertions are checked here or only assumed) and which invariants (by
/// index into `Program::invariants` followed by `Program::properties`) are
/// checked; the others are assumed.
struct Plan<'a, F: Fn(usize) -> bool> {
    entries: Vec<(ActionId, bool)>,
    checked: F,
    /// Unchecked invariants that belong to nested isolates (see
    /// `System::nested`).
    nested: &'a dyn Fn(usize) -> bool,
    /// Actions whose assertions the unit checks.
    verified: Scope<'a>,
    /// Actions whose implementation the unit sees (inlined at calls).
    present: Scope<'a>,
    /// The names the unit's isolate lists in `with`: the `explicit` axioms
    /// and definitions named there exactly are used (Ivy's `exact_present`).
    named: &'a [Symbol],
    /// Invariants (indexed like `checked`) absent from the unit, neither
    /// checked nor assumed (Ivy 1.6's isolates keep only some conjectures).
    hidden: &'a dyn Fn(usize) -> bool,
    /// `init` conditions (indices into `Program::init_conds`) the unit
    /// assumes in the initial state (Ivy 1.6 and older).
    init_conds: &'a dyn Fn(usize) -> bool,
    /// `method = bmc[N][U]`: loops are unrolled `U` times instead of cut
    /// by their invariants ([`Program::loop_unrolling`]).
    unroll: Option<usize>,
}

impl<F: Fn(usize) -> bool> Plan<'_, F> {
    /// Whether a fact labelled `label` is named in the `with` list.
    fn names(&self, label: Option<Symbol>) -> bool {
        label.is_some_and(|l| self.named.contains(&l))
    }
}

fn lower_with<F: Fn(usize) -> bool>(
    program: &Program,
    plan: &Plan<'_, F>,
) -> Result<Lowered, Vec<LowerError>> {
    let mut l = Lowerer {
        program,
        sig: program.sig.clone(),
        stack: Vec::new(),
        errors: Vec::new(),
        verified: plan.verified,
        present: plan.present,
        summaries: Vec::new(),
        frame: Frame {
            verified: true,
            caller_verified: true,
            in_before: false,
            assume_all: false,
            delegated: false,
        },
        verified_calls: BTreeSet::new(),
        unroll: plan.unroll,
    };
    // Axioms over symbols that actions assign (Ivy 1.6 and older allow
    // it) hold in every state: assumed again after each step.
    let post_axioms: Vec<Cmd> = program
        .axioms
        .iter()
        .filter(|a| {
            a.formula
                .symbols()
                .iter()
                .any(|s| program.assigned_axiom_syms.contains(s))
        })
        .map(|a| Cmd::Assume(a.formula.clone()))
        .collect();
    // `init` conditions (Ivy 1.6 and older) hold before `after init` runs.
    let mut inits: Vec<Cmd> = program
        .init_conds
        .iter()
        .enumerate()
        .filter(|(i, _)| (plan.init_conds)(*i))
        .map(|(_, c)| Cmd::Assume(c.formula.clone()))
        .collect();
    // As in Ivy, each `after init` block is an action of the object it is
    // written in, which the environment runs: its `require`s are assumed
    // (the caller is not verified code), its other assertions are checked
    // only where that object is verified and assumed elsewhere (e.g. in an
    // isolate that has the object in its `with` list). Every block is part
    // of the initial state of every unit.
    for (i, b) in program.inits.iter().enumerate() {
        let origin = program.init_origins.get(i);
        let (object, section) = origin.map_or((None, Section::Common), |o| (o.object, o.section));
        let frame = Frame {
            verified: plan.verified.has_code(object, section),
            caller_verified: false,
            in_before: false,
            assume_all: false,
            delegated: false,
        };
        inits.push(l.with_frame(frame, |l| l.block(b, &HashMap::new(), false)));
    }
    inits.extend(post_axioms.iter().cloned());
    let init = Cmd::seq(inits);
    let mut actions = Vec::new();
    for &(id, check_assertions) in &plan.entries {
        let Some(a) = program.action_def(id) else {
            continue;
        };
        l.stack.push(id);
        // The environment (or unverified code) calls an entry: its
        // preconditions are assumed.
        let frame = Frame {
            verified: check_assertions,
            caller_verified: false,
            in_before: false,
            assume_all: false,
            delegated: false,
        };
        let body = l.with_frame(frame, |l| l.parts(a, &HashMap::new(), false));
        let body = if post_axioms.is_empty() {
            body
        } else {
            Cmd::seq(std::iter::once(body).chain(post_axioms.iter().cloned()))
        };
        l.stack.pop();
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
    let (mut invariants, mut assumed, mut nested) = (Vec::new(), Vec::new(), Vec::new());
    let (mut properties, mut lemmas) = (Vec::new(), Vec::new());
    let (mut goals, mut proved) = (Vec::new(), Vec::new());
    let n_inv = program.invariants.len();
    for (i, p) in program
        .invariants
        .iter()
        .chain(&program.properties)
        .enumerate()
    {
        if (plan.hidden)(i) {
            continue;
        }
        let (checked, elsewhere) = if i >= n_inv {
            (&mut properties, &mut lemmas)
        } else if (plan.nested)(i) {
            (&mut invariants, &mut nested)
        } else {
            (&mut invariants, &mut assumed)
        };
        if (plan.checked)(i) {
            // A property with a proof: its goals are checked here, and it
            // is assumed by everything but properties and goals.
            if let Some(gs) = i
                .checked_sub(n_inv)
                .and_then(|j| program.proof_goals.get(&j))
            {
                goals.extend(gs.iter().cloned());
                proved.push(p.clone());
                continue;
            }
            // An invariant with a proof: its goals are checked (initiation,
            // consecution) but not assumed, the invariant is assumed in
            // every pre-state where a checked one is (as in ms-ivy).
            if let Some(gs) = (i < n_inv)
                .then(|| program.inv_proof_goals.get(&i))
                .flatten()
            {
                for g in gs {
                    let prems: Vec<Term> = g.premises.iter().map(|q| q.formula.clone()).collect();
                    let formula = if prems.is_empty() {
                        g.conclusion.clone()
                    } else {
                        Term::implies(Term::and(prems), g.conclusion.clone())
                    };
                    invariants.push(Property {
                        label: Some(g.title),
                        formula,
                        span: g.span.or(p.span),
                        explicit: true,
                    });
                }
                if !p.explicit {
                    nested.push(p.clone());
                }
                continue;
            }
            checked.push(p.clone());
        } else if i >= n_inv || !p.explicit {
            // An explicit invariant is never assumed (as in Ivy, even
            // where named); an explicit property is assumed like others.
            elsewhere.push(p.clone());
        }
    }
    // An explicit axiom is assumed only where the isolate names it.
    let axioms = program
        .axioms
        .iter()
        .filter(|a| !a.explicit || plan.names(a.label))
        .cloned()
        .collect();
    // The names of temporal properties are chosen again whenever a
    // statement writes what their formula depends on (as in Ivy).
    let (mut init, mut actions) = (init, actions);
    for (f, deps) in &program.temporal.named {
        init = init.havoc_after_writes(deps, *f);
        for a in &mut actions {
            a.body = a.body.havoc_after_writes(deps, *f);
        }
    }
    // So are definitions by choice over state symbols, constrained by
    // their definition after each choice.
    for c in &program.state_choices {
        let constraint = Some(&c.constraint);
        init = init.choose_after_writes(&c.deps, c.sym, constraint);
        for a in &mut actions {
            a.body = a.body.choose_after_writes(&c.deps, c.sym, constraint);
        }
    }
    let mut system = System {
        sig: l.sig,
        axioms,
        init,
        actions,
        invariants,
        assumed,
        nested,
        properties,
        lemmas,
        definitions: Default::default(),
        temporal: program.temporal.clone(),
        goals,
        proved,
    };
    // Definitions written in objects the unit does not see leave their
    // symbol undefined there unless the isolate names the symbol in its
    // `with` list (Ivy's rule); explicit definitions (Ivy's definition
    // schemata) are used only where the symbol or the label is named.
    let defs: HashMap<SymId, Lambda> = program
        .definitions
        .iter()
        .filter(|d| {
            let named = plan.names(Some(program.sig.symbol(d.sym).name));
            (named || plan.present.has_code(d.origin.object, d.origin.section))
                && (!d.explicit || named || plan.names(d.label))
        })
        .map(|d| (d.sym, Lambda::new(d.params.clone(), d.body.clone())))
        .collect();
    if let Err(sym) = system.expand_definitions(&defs) {
        let decl = system.sig.symbol(sym);
        l.errors.push(LowerError::RecursiveDefinition {
            name: decl.name,
            span: program.definition(sym).map(|d| d.span).or(decl.span),
        });
    }
    // Interpretations declared in objects the unit does not see are
    // hidden from it, unless the unit names the sort itself in its `with`
    // list and the sort is not also an object (Ivy's rule: `isolate iso =
    // {...} with num` sees `num`'s `interpret` wherever it is declared; a
    // module's `type this`, named like its object, does not).
    let hidden: BTreeSet<SortId> = program
        .interpretations
        .iter()
        .filter(|i| !plan.present.has_code(i.origin.object, i.origin.section))
        .filter(|i| {
            let name = program.sig.sort_name(i.sort);
            !plan.named.contains(&Symbol::intern(name)) || is_object(program, name)
        })
        .map(|i| i.sort)
        .collect();
    uninterpret(&mut system, &hidden);
    if l.errors.is_empty() {
        Ok(Lowered {
            system,
            summaries: l.summaries,
            verified_calls: l.verified_calls.into_iter().collect(),
        })
    } else {
        Err(l.errors)
    }
}

/// Whether `name` is also an object: some symbol or action is declared
/// inside it (`name.x`).
fn is_object(program: &Program, name: &str) -> bool {
    let inside =
        |n: &str| n.len() > name.len() && n.starts_with(name) && n[name.len()..].starts_with('.');
    program.sig.symbols().any(|(_, d)| inside(d.name.as_str()))
        || program.actions.iter().any(|a| inside(a.name.as_str()))
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
    /// Actions whose assertions are checked here: verified entries (for
    /// every argument satisfying their `require`s) and verified actions
    /// inlined at calls.
    pub checked_actions: Vec<Symbol>,
    /// Calls replaced by the callee's specification.
    pub summaries: Vec<Summary>,
}

/// An assumption of some unit that no unit proves: the `after` monitor
/// assertions of an action whose implementation is summarised where it is
/// called, but which is not an entry of any unit that checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeverChecked {
    pub unit: Option<Symbol>,
    pub callee: Symbol,
    pub caller: Symbol,
    pub call: Span,
    pub assertion: Span,
    /// A `require` of the callee that cannot be checked at the call (the
    /// callee's implementation is not visible and the `require` is not at
    /// the start of its body), rather than an assumed `after` assertion.
    pub require: bool,
    /// An assertion of an action the environment calls that no isolate
    /// verifies (possible before Ivy 1.7, which has no isolate `this`);
    /// `call` is then the action.
    pub entry: bool,
    /// A precondition of an action called from a private implementation
    /// object (`X.impl`, see [`impl_parent`]) that no isolate verifies;
    /// `caller` is the action of `X.impl` making the call.
    pub private_caller: bool,
}

impl IntoDiagnostic for NeverChecked {
    fn code(&self) -> &'static str {
        "unchecked-assumption"
    }

    fn into_diagnostic(&self) -> Diagnostic {
        let unit = self
            .unit
            .map(|u| u.to_string())
            .unwrap_or_else(|| "this".into());
        let (message, assumed, at_call, help) = if self.private_caller {
            let object = self
                .caller
                .as_str()
                .rsplit_once('.')
                .map_or_else(|| self.caller.to_string(), |(o, _)| o.to_string());
            (
                format!(
                    "requirement of `{}` is never checked: `{}` calls it from the private implementation object `{object}`, which no isolate verifies",
                    self.callee, self.caller
                ),
                "never checked",
                "called here",
                "help: verify the object that owns the `impl` object in an isolate of its own (`isolate iso = OBJECT`), which sees its `impl` as ordinary code, or drop the `require` (Ivy 1.7 and later)".to_string(),
            )
        } else if self.entry {
            (
                format!(
                    "assertion in `{}` is never checked: the environment calls it, but no isolate verifies it",
                    self.callee
                ),
                "never checked",
                "exported here",
                format!(
                    "help: add the object of `{}` to an isolate's members (before Ivy 1.7 there is no isolate `this` for the rest of the program)",
                    self.callee
                ),
            )
        } else if self.require {
            (
                format!(
                    "requirement of `{}` is never checked: isolate `{unit}` sees only its specification where `{}` calls it",
                    self.callee, self.caller
                ),
                "not checked at the call",
                "called here",
                format!(
                    "help: move the `require` to the start of `{}` or into a `before` monitor, or add its object to the isolate's `with` list",
                    self.callee
                ),
            )
        } else {
            (
                format!(
                    "assumption in `{}` is never checked: isolate `{unit}` assumes it when `{}` calls it, but no isolate proves it",
                    self.callee, self.caller
                ),
                "assumed, never proved",
                "assumed at this call",
                format!(
                    "help: verify the implementation of `{}` in an isolate (add its object to an isolate's members), or mark the isolate that owns it `trusted`",
                    self.callee
                ),
            )
        };
        error(self.code(), message)
            .with_labels(vec![
                primary(self.assertion, assumed),
                secondary(self.call, at_call),
            ])
            .with_notes(vec![help])
    }
}

/// The assumptions of the units that no unit checks. An action's `after`
/// assertions assumed at a summarised call are checked when the action is
/// an entry of some unit that checks its assertions, or trusted when its
/// implementation lies in a trusted isolate; an imported action's monitors
/// are the environment's promise.
pub fn never_checked(program: &Program, units: &[Unit]) -> Vec<NeverChecked> {
    let checked: BTreeSet<Symbol> = units
        .iter()
        .flat_map(|u| u.checked_actions.iter().copied())
        .collect();
    let trusted: Vec<Symbol> = program
        .isolates
        .iter()
        .filter(|i| i.trusted)
        .flat_map(|i| i.members.iter().copied())
        .collect();
    let mut out = Vec::new();
    for u in units {
        for s in &u.summaries {
            for &assertion in &s.unchecked_requires {
                out.push(NeverChecked {
                    unit: u.name,
                    callee: s.callee,
                    caller: s.caller,
                    call: s.call,
                    assertion,
                    require: true,
                    entry: false,
                    private_caller: false,
                });
            }
            if checked.contains(&s.callee) {
                continue;
            }
            let Some(a) = program.actions.iter().find(|a| a.name == s.callee) else {
                continue;
            };
            if a.imported || action_within(a, &trusted) {
                continue;
            }
            for &assertion in &s.assumed {
                let n = NeverChecked {
                    unit: u.name,
                    callee: s.callee,
                    caller: s.caller,
                    call: s.call,
                    assertion,
                    require: false,
                    entry: false,
                    private_caller: false,
                };
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    // Before Ivy 1.7 only the declared isolates are checked: assertions of
    // an exported action none of them verifies are never checked.
    if !program.isolates.is_empty() && !program.semantics().isolates_1_7() {
        for a in program.actions.iter().filter(|a| a.exported) {
            if checked.contains(&a.name) || a.imported || action_within(a, &trusted) {
                continue;
            }
            // The preconditions (`before` monitors) are the environment's
            // to meet; the rest are the action's guarantees.
            for part in a.parts.iter().filter(|p| p.kind != PartKind::Before) {
                Block::walk_stmts(a.part_stmts(part), true, &mut |s| {
                    if let StmtKind::Assert { .. } = s.kind {
                        out.push(NeverChecked {
                            unit: None,
                            callee: a.name,
                            caller: a.name,
                            call: a.span,
                            assertion: s.span,
                            require: false,
                            entry: true,
                            private_caller: false,
                        });
                    }
                });
            }
        }
    }
    out.extend(private_preconditions(program));
    out
}

/// The preconditions (`require`s, assertions of `before` monitors) of the
/// actions called from a private implementation object `X.impl` when no
/// isolate, trusted or not, has `X` or `X.impl` among its members: the code making the
/// call is verified nowhere, so they are never checked (ms-ivy: "assertion
/// is not checked ... when called from X.impl.a"). Ivy 1.7 and later.
fn private_preconditions(program: &Program) -> Vec<NeverChecked> {
    let mut out = Vec::new();
    if !program.semantics().isolates_1_7() {
        return out;
    }
    let members: Vec<Symbol> = program
        .isolates
        .iter()
        .flat_map(|i| i.members.iter().copied())
        .collect();
    // `X.impl` itself may be an isolate's member (the standard library's
    // `trusted isolate iso = impl with spec`): then that isolate answers
    // for its calls.
    let hidden = |a: &ActionDef| {
        impl_parent(a).is_some_and(|x| !within(Symbol::intern(&format!("{x}.impl")), &members))
    };
    for caller in program.actions.iter().filter(|a| hidden(a)) {
        caller.body.walk(true, &mut |s| {
            let StmtKind::Call { action, .. } = &s.kind else {
                return;
            };
            let Some(callee) = program.action_def(*action) else {
                return;
            };
            if hidden(callee) || callee.imported {
                return;
            }
            for part in &callee.parts {
                let before = part.kind == PartKind::Before;
                Block::walk_stmts(callee.part_stmts(part), true, &mut |st| {
                    if let StmtKind::Assert { kind, .. } = st.kind {
                        if before || kind == AssertKind::Require {
                            let n = NeverChecked {
                                unit: None,
                                callee: callee.name,
                                caller: caller.name,
                                call: s.span,
                                assertion: st.span,
                                require: true,
                                entry: false,
                                private_caller: true,
                            };
                            if !out.contains(&n) {
                                out.push(n);
                            }
                        }
                    }
                });
            }
        });
    }
    out
}

/// Whether the object path `obj` lies within one of `roots`.
/// The root `this` (`with this`, a `module isolate` instantiated at the
/// top level) holds everything.
fn within(name: Symbol, roots: &[Symbol]) -> bool {
    let n = name.as_str();
    roots.iter().any(|r| {
        let r = r.as_str();
        r == "this" || n == r || (n.starts_with(r) && n.as_bytes().get(r.len()) == Some(&b'.'))
    })
}

/// Whether `a` belongs to the objects under `roots`: by its name, the
/// object declaring it, or the object implementing it.
fn action_within(a: &ActionDef, roots: &[Symbol]) -> bool {
    within(a.name, roots)
        || a.origin.object.is_some_and(|o| within(o, roots))
        || a.implementation_object().is_some_and(|o| within(o, roots))
}

/// The verification units of a program: one per (untrusted) isolate, plus
/// `this` for invariants outside every isolate; or the whole program when
/// there are no isolates. Calls to actions whose implementation a unit
/// sees are inlined, others replaced by the callee's specification
/// (docs/isolates.md).
pub fn lower_units(program: &Program) -> Result<Vec<Unit>, Vec<LowerError>> {
    if !program.isolates.is_empty() && !program.semantics().isolates_1_7() {
        return legacy::lower_units(program);
    }
    if program.isolates.is_empty() {
        let l = lower_whole(program)?;
        let mut checked = l.verified_calls;
        checked.extend(l.system.actions.iter().map(|a| a.name));
        let internal = env_called(program, |_| false)
            .into_iter()
            .filter_map(|id| program.action_def(id))
            .filter(|a| !a.exported)
            .map(|a| a.name)
            .collect();
        return Ok(vec![Unit {
            name: None,
            span: None,
            checked_actions: checked,
            system: l.system,
            internal_entries: internal,
            summaries: l.summaries,
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
        // Objects inside the members with an isolate of their own (trusted
        // or not): verified there; here only their specification is seen.
        let nested: Vec<Symbol> = program
            .isolates
            .iter()
            .filter(|j| !std::ptr::eq(*j, iso))
            .flat_map(|j| j.members.iter().copied())
            .filter(|m| within(*m, &iso.members) && !iso.members.contains(m))
            .collect();
        let own = Scope::Within(&iso.members, &nested);
        let scope: Vec<Symbol> = iso.members.iter().chain(&iso.with).copied().collect();
        let checked = |i: usize| in_isolate(i, &iso.members) && !in_isolate(i, &nested);
        let nested_inv = |i: usize| in_isolate(i, &nested);
        // Entry points: actions of the isolate (or its `with` objects) that
        // the environment or code outside the isolate calls.
        let mut called_from_outside = called_from(program, |a| !action_within(a, &scope));
        called_from_outside.extend(env_called(program, |p| {
            within(Symbol::intern(p), &iso.members)
        }));
        called_from_outside.extend(called_from_inits(program, |o| {
            !o.is_some_and(|o| within(o, &scope))
        }));
        let mut entries = Vec::new();
        let mut internal = Vec::new();
        for (i, a) in program.actions.iter().enumerate() {
            let id = ActionId(u32::try_from(i).unwrap_or(u32::MAX));
            // Actions of nested isolates that the environment or outside
            // code calls stay entries here (unchecked), so that their
            // effect on this isolate's invariants is checked.
            if !action_within(a, &scope) {
                continue;
            }
            let outside_call = called_from_outside.contains(&id);
            if a.exported || outside_call {
                if !a.exported {
                    internal.push(a.name);
                }
                entries.push((id, own.has_action(a)));
            }
        }
        // Code outside the isolate must not write what its invariants read.
        let mut read: Vec<SymId> = (0..props.len())
            .filter(|i| checked(*i))
            .filter_map(|i| props.get(i))
            .flat_map(|p| p.formula.symbols())
            .filter(|s| program.sig.symbol(*s).role == Role::State)
            .collect();
        // A definition by choice over state changes with what it depends on.
        let chosen: Vec<SymId> = program
            .state_choices
            .iter()
            .filter(|c| read.contains(&c.sym))
            .flat_map(|c| c.deps.iter().copied())
            .filter(|s| program.sig.symbol(*s).role == Role::State)
            .collect();
        read.extend(chosen);
        let unit_scope = Scope::Isolate {
            members: &iso.members,
            with: &iso.with,
            nested: &nested,
        };
        // Nested isolates count as inside: their actions are entries here
        // or called from here (then summarised with a havoc of their
        // writes), so their writes are covered by this unit's checks.
        let write_scope = Scope::Isolate {
            members: &iso.members,
            with: &iso.with,
            nested: &[],
        };
        for a in &program.actions {
            for (sym, span) in outside_writes(a, write_scope) {
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
        let checked_entries = checked_names(program, &entries);
        let plan = Plan {
            entries,
            checked,
            nested: &nested_inv,
            verified: own,
            present: unit_scope,
            named: &iso.with,
            hidden: &|_: usize| false,
            init_conds: &|_: usize| true,
            unroll: program.loop_unrolling(Some(iso.name)),
        };
        match lower_with(program, &plan) {
            Ok(l) => units.push(Unit {
                name: Some(iso.name),
                span: Some(iso.span),
                system: l.system,
                internal_entries: internal,
                checked_actions: [checked_entries, l.verified_calls].concat(),
                summaries: l.summaries,
            }),
            Err(e) => errors.extend(in_unit(e, iso.name)),
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
    let this_scope = Scope::Outside(&all_members);
    let mut entries: Vec<(ActionId, bool)> = program
        .exported_actions()
        .map(|(id, a)| (id, !action_within(a, &all_members)))
        .collect();
    // What private implementation objects call is called by the
    // environment, as exported actions are: an entry here too.
    let mut this_internal = Vec::new();
    for id in env_called(program, |_| false) {
        let Some(a) = program.action_def(id) else {
            continue;
        };
        if !entries.iter().any(|(e, _)| *e == id) {
            this_internal.push(a.name);
            entries.push((id, !action_within(a, &all_members)));
        }
    }
    // Actions outside every isolate that isolates call: checked here for
    // every call, as internal entries.
    let mut called_from_isolates = called_from(program, |a| !this_scope.has_action(a));
    called_from_isolates.extend(called_from_inits(program, |o| {
        !this_scope.has_code(o, Section::Common)
    }));
    for id in called_from_isolates {
        let Some(a) = program.action_def(id) else {
            continue;
        };
        if this_scope.has_action(a) && !entries.iter().any(|(e, _)| *e == id) {
            this_internal.push(a.name);
            entries.push((id, true));
        }
    }
    // Assertions of `after init` blocks outside every isolate are checked
    // here too.
    let init_work = program.inits.iter().enumerate().any(|(i, b)| {
        let o = program.init_origins.get(i);
        let (object, section) = o.map_or((None, Section::Common), |o| (o.object, o.section));
        this_scope.has_code(object, section) && block_has_assertions(b)
    });
    let has_work = (0..props.len()).any(rest)
        || crate::temporal::outside_isolates(program, |o| within(o, &all_members))
        || init_work
        || entries.iter().any(|(id, check)| {
            *check
                && program
                    .action_def(*id)
                    .is_some_and(|a| block_has_assertions(&a.body))
        });
    if has_work {
        let checked_entries = checked_names(program, &entries);
        match lower_with(
            program,
            &Plan {
                entries,
                checked: rest,
                nested: &|_: usize| false,
                verified: this_scope,
                present: Scope::Public,
                named: &[],
                hidden: &|_: usize| false,
                init_conds: &|_: usize| true,
                unroll: program.loop_unrolling(None),
            },
        ) {
            Ok(l) => units.push(Unit {
                name: Some(Symbol::intern("this")),
                span: None,
                system: l.system,
                internal_entries: this_internal,
                checked_actions: [checked_entries, l.verified_calls].concat(),
                summaries: l.summaries,
            }),
            Err(e) => errors.extend(in_unit(e, Symbol::intern("this"))),
        }
    }
    crate::temporal::assign_units(program, &mut units, within);
    if errors.is_empty() {
        Ok(units)
    } else {
        Err(once_per_native(errors))
    }
}

/// The same native code reached from several entries or units is reported
/// once.
fn once_per_native(mut errors: Vec<LowerError>) -> Vec<LowerError> {
    let mut seen = BTreeSet::new();
    errors.retain(|e| match e {
        LowerError::NativeCode { span, .. } => seen.insert(*span),
        _ => true,
    });
    errors
}

/// Names the unit in its errors that concern it.
fn in_unit(errors: Vec<LowerError>, unit: Symbol) -> Vec<LowerError> {
    errors
        .into_iter()
        .map(|e| match e {
            LowerError::NativeCode { span, .. } => LowerError::NativeCode {
                span,
                unit: Some(unit),
            },
            e => e,
        })
        .collect()
}

/// The names of the entries whose assertions are checked.
fn checked_names(program: &Program, entries: &[(ActionId, bool)]) -> Vec<Symbol> {
    entries
        .iter()
        .filter(|(_, check)| *check)
        .filter_map(|(id, _)| program.action_def(*id).map(|a| a.name))
        .collect()
}

/// Actions called (directly) from actions satisfying `pred`.
fn called_from(program: &Program, pred: impl Fn(&ActionDef) -> bool) -> Vec<ActionId> {
    let mut out = Vec::new();
    for a in program.actions.iter().filter(|a| pred(a)) {
        out.extend(a.body.calls(true));
    }
    out
}

/// The actions called from `after init` blocks written in objects for which
/// `pred(object)` holds (`None`: the top level). As in Ivy, an initialiser
/// is an action of its object: its calls into a unit are entries there.
fn called_from_inits(program: &Program, pred: impl Fn(Option<Symbol>) -> bool) -> Vec<ActionId> {
    let mut out = Vec::new();
    for (i, b) in program.inits.iter().enumerate() {
        let object = program.init_origins.get(i).and_then(|o| o.object);
        if pred(object) {
            out.extend(b.calls(true));
        }
    }
    out
}

/// State written by the statements of `a` that are code outside `scope`:
/// its implementation if the action is outside, and monitors of objects
/// outside (not by the actions it calls).
fn outside_writes(a: &ActionDef, scope: Scope<'_>) -> Vec<(SymId, Span)> {
    let inside = scope.has_action(a);
    let mut out = Vec::new();
    for part in &a.parts {
        let part_inside = match part.kind {
            PartKind::Olds | PartKind::Implementation => inside,
            PartKind::Before | PartKind::After => match part.object {
                Some(_) => scope.has_code(part.object, part.section),
                None => inside,
            },
        };
        if !part_inside {
            out.extend(own_writes(a.part_stmts(part)));
        }
    }
    out
}

/// State written by statements themselves (not by the actions they call).
fn own_writes(stmts: &[Stmt]) -> Vec<(SymId, Span)> {
    let mut out = Vec::new();
    Block::walk_stmts(stmts, true, &mut |s| match &s.kind {
        StmtKind::Assign { sym, .. } | StmtKind::Havoc { sym, .. } => out.push((*sym, s.span)),
        StmtKind::Call { results, .. } => out.extend(results.iter().map(|r| (*r, s.span))),
        _ => {}
    });
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
    verified: Scope<'p>,
    present: Scope<'p>,
    summaries: Vec<Summary>,
    /// Whose assertions the statements being lowered are.
    frame: Frame,
    /// Verified actions inlined at calls (their assertions checked there).
    verified_calls: BTreeSet<Symbol>,
    /// See [`Plan::unroll`].
    unroll: Option<usize>,
}

/// Who is responsible for the assertions of the code being lowered: a
/// precondition (`require`, assertion of a `before` monitor) is checked iff
/// the caller is verified code of the unit; any other assertion iff the
/// code itself is. Unchecked assertions are assumed (Ivy's assume-guarantee
/// rule: each is checked in the unit that verifies its owner).
#[derive(Clone, Copy, Debug)]
struct Frame {
    verified: bool,
    caller_verified: bool,
    /// Lowering a `before` monitor, or the implementation of a `delegate`d
    /// action (whose assertions are all preconditions).
    in_before: bool,
    /// Every assertion is assumed (the `after` monitors of a summarised
    /// callee, and what they call).
    assume_all: bool,
    /// Lowering a monitor delegated (`delegate m -> o`) to an object the
    /// unit verifies: its `assert`s are checked.
    delegated: bool,
}

/// Renaming of a callee's local symbols for one inlined call.
type Renaming = HashMap<SymId, SymId>;

impl Lowerer<'_> {
    /// Whether the monitor of `mixer` is delegated (`delegate m -> o`) to
    /// an object this unit verifies.
    fn delegated_to_verified(&self, mixer: Option<Symbol>) -> bool {
        mixer.is_some_and(|m| {
            self.program
                .delegated_to
                .iter()
                .any(|(d, o)| *d == m && self.verified.has_code(Some(*o), Section::Common))
        })
    }

    /// Lowers `f` under `frame`.
    fn with_frame<T>(&mut self, frame: Frame, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.frame, frame);
        let out = f(self);
        self.frame = saved;
        out
    }

    /// The body of `a`, part by part (`before` monitors flagged).
    fn parts(&mut self, a: &ActionDef, ren: &Renaming, inlined: bool) -> Cmd {
        let mut cmds = Vec::new();
        for part in &a.parts {
            let frame = Frame {
                in_before: part.kind == PartKind::Before
                    || (a.delegated && part.kind == PartKind::Implementation),
                delegated: self.delegated_to_verified(part.mixer),
                ..self.frame
            };
            let stmts = a.part_stmts(part);
            cmds.push(self.with_frame(frame, |l| {
                Cmd::seq(
                    stmts
                        .iter()
                        .map(|s| l.stmt(s, ren, inlined))
                        .collect::<Vec<_>>(),
                )
            }));
        }
        Cmd::seq(cmds)
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
                base,
                then_,
                else_,
            } => {
                let vars: Vec<SymId> = vars.iter().map(|v| Self::sym(ren, *v)).collect();
                let cond = Self::term(ren, cond);
                let base = match base {
                    Some(b) => Self::term(ren, b),
                    None => cond.clone(),
                };
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
                let none = Term::not(Term::exists(qvars, base.replace_constants(&map)))
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
                assumed,
                variant,
                body,
            } => {
                // Assumed at the head: the invariants but the goals of a
                // proof (`explicit`), and the invariants with a proof.
                let heads: Vec<Term> = invariants
                    .iter()
                    .filter(|p| !p.explicit)
                    .chain(assumed)
                    .map(|p| Self::term(ren, &p.formula))
                    .collect();
                let invs = invariants
                    .iter()
                    .map(|p| {
                        let mut info = AssertInfo::new(LKind::LoopInvariant, p.span);
                        info.label = p.label;
                        (Self::term(ren, &p.formula), info)
                    })
                    .collect();
                // Checked wherever the loop is, like its invariants.
                let variant = variant.as_ref().map(|v| LoopVariant {
                    rank: Self::sym(ren, v.rank),
                    measure: Self::term(ren, &v.measure),
                    bounded: (
                        Self::term(ren, &v.bounded),
                        AssertInfo::new(LKind::VariantBounded, Some(v.span)),
                    ),
                    decreases: (
                        Self::term(ren, &v.decreases),
                        AssertInfo::new(LKind::VariantDecreases, Some(v.span)),
                    ),
                });
                let body = self.block(body, ren, inlined);
                let cond = Self::term(ren, cond);
                match self.unroll {
                    // Bounded model checking with unrolling (ms-ivy's
                    // `WhileAction.unroll`): `if cond { body; if cond {
                    // ... if cond { assume false } } }`, U bodies deep;
                    // invariants and variant are not used.
                    Some(u) => {
                        let mut unrolled =
                            Cmd::if_then_else(cond.clone(), Cmd::Assume(Term::fls()), Cmd::Skip);
                        for _ in 0..u {
                            unrolled = Cmd::if_then_else(
                                cond.clone(),
                                Cmd::seq([body.clone(), unrolled]),
                                Cmd::Skip,
                            );
                        }
                        unrolled
                    }
                    None => Cmd::while_loop_assuming(cond, invs, heads, variant, body),
                }
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
                assumed,
                label,
            } => {
                let pre = self.frame.in_before || *kind == AssertKind::Require;
                let checked = !self.frame.assume_all
                    && if self.frame.delegated && *kind == AssertKind::Assert {
                        // `delegate m -> o`, `o` verified here (Ivy checks
                        // the monitor's `assert`s, not its `require`s).
                        true
                    } else if *kind == AssertKind::Ensures {
                        // Ivy 1.6's `ensures`: checked wherever present.
                        true
                    } else if pre {
                        self.frame.caller_verified
                    } else {
                        self.frame.verified
                    };
                if !checked {
                    // Assumed, in Ivy's reading of an assumption.
                    return Cmd::Assume(Self::term(ren, assumed.as_ref().unwrap_or(formula)));
                }
                let lkind = match kind {
                    AssertKind::Assert => LKind::Assert,
                    AssertKind::Ensure | AssertKind::Ensures => LKind::Ensure,
                    AssertKind::Require if inlined => LKind::CallRequire,
                    AssertKind::Require => LKind::Require,
                };
                let mut info = AssertInfo::new(lkind, Some(s.span));
                info.label = *label;
                Cmd::Assert(Self::term(ren, formula), info)
            }
            StmtKind::Assume(t) => Cmd::Assume(Self::term(ren, t)),
            StmtKind::Ghost(body) => self.block(body, ren, inlined),
            StmtKind::Native(_) => {
                self.errors.push(LowerError::NativeCode {
                    span: s.span,
                    unit: None,
                });
                Cmd::Skip
            }
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
        let summarize = callee.imported || !self.present.has_action(callee);
        let verified = !summarize && self.verified.has_action(callee);
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
        let frame = Frame {
            verified,
            caller_verified: self.frame.verified,
            in_before: false,
            assume_all: self.frame.assume_all,
            delegated: false,
        };
        if summarize {
            cmds.push(self.with_frame(frame, |l| l.summary(span, callee, &inner)));
        } else {
            if verified {
                self.verified_calls.insert(callee.name);
            } else {
                self.record_inlined(span, callee);
            }
            cmds.push(self.with_frame(frame, |l| l.parts(callee, &inner, true)));
        }
        self.stack.pop();
        for (r, target) in callee.returns.iter().zip(results) {
            let value = Term::constant(Self::sym(&inner, *r));
            cmds.push(Cmd::assign(Self::sym(ren, *target), vec![], value));
        }
        Cmd::seq(cmds)
    }
}

impl Lowerer<'_> {
    /// A call of an action whose implementation is outside the unit (or is
    /// the environment's): its `before` monitors run with their assertions
    /// checked (guarantees of the caller), the implementation is replaced by
    /// a havoc of the returns and of every state symbol it may write, and
    /// the `after` monitors run with their assertions assumed.
    fn summary(&mut self, span: Span, callee: &ActionDef, ren: &Renaming) -> Cmd {
        let mut cmds = Vec::new();
        let mut assumed = Vec::new();
        let mut unchecked = Vec::new();
        for part in &callee.parts {
            let stmts = callee.part_stmts(part);
            match part.kind {
                PartKind::Olds | PartKind::Before => {
                    let frame = Frame {
                        in_before: part.kind == PartKind::Before,
                        delegated: false,
                        ..self.frame
                    };
                    let lowered = self.with_frame(frame, |l| {
                        stmts
                            .iter()
                            .map(|s| l.stmt(s, ren, true))
                            .collect::<Vec<_>>()
                    });
                    cmds.extend(lowered);
                }
                PartKind::Implementation => {
                    // The callee's leading `require`s are checked here; its
                    // unit assumes every `require` of it.
                    let is_pre = |s: &Stmt| match s.kind {
                        StmtKind::Assert { kind, .. } => {
                            kind == AssertKind::Require || callee.delegated
                        }
                        _ => false,
                    };
                    let lead = stmts.iter().take_while(|s| is_pre(s)).count();
                    for s in stmts.iter().take(lead) {
                        cmds.push(self.stmt(s, ren, true));
                    }
                    Block::walk_stmts(stmts.get(lead..).unwrap_or(&[]), true, &mut |s| {
                        if is_pre(s) {
                            unchecked.push(s.span);
                        }
                    });
                    let mut written = BTreeSet::new();
                    let mut seen = BTreeSet::new();
                    state_writes(self.program, stmts, &mut written, &mut seen);
                    cmds.extend(written.into_iter().map(Cmd::Havoc));
                    cmds.extend(
                        callee
                            .returns
                            .iter()
                            .map(|r| Cmd::Havoc(Self::sym(ren, *r))),
                    );
                }
                PartKind::After => {
                    Block::walk_stmts(stmts, true, &mut |s| {
                        if matches!(s.kind, StmtKind::Assert { .. }) {
                            assumed.push(s.span);
                        }
                    });
                    let frame = Frame {
                        assume_all: true,
                        delegated: false,
                        ..self.frame
                    };
                    for s in stmts {
                        let c = self.with_frame(frame, |l| l.stmt(s, ren, true));
                        cmds.push(c.map_asserts(&mut |t, _| Cmd::Assume(t.clone())));
                    }
                }
            }
        }
        if !callee
            .parts
            .iter()
            .any(|p| p.kind == PartKind::Implementation)
        {
            cmds.extend(
                callee
                    .returns
                    .iter()
                    .map(|r| Cmd::Havoc(Self::sym(ren, *r))),
            );
        }
        self.record(false, span, callee, assumed, unchecked);
        Cmd::seq(cmds)
    }
}

impl Lowerer<'_> {
    /// Notes a call of an action the unit sees but does not verify: its
    /// assertions other than preconditions are assumed here.
    fn record_inlined(&mut self, span: Span, callee: &ActionDef) {
        let mut assumed = Vec::new();
        for part in &callee.parts {
            if matches!(part.kind, PartKind::Implementation | PartKind::After) {
                Block::walk_stmts(callee.part_stmts(part), true, &mut |s| match s.kind {
                    StmtKind::Assert {
                        kind: AssertKind::Require,
                        ..
                    } => {}
                    StmtKind::Assert { .. } => assumed.push(s.span),
                    _ => {}
                });
            }
        }
        self.record(true, span, callee, assumed, Vec::new());
    }

    /// Notes that the unit assumes the assertions `assumed` of `callee`.
    fn record(
        &mut self,
        inlined: bool,
        span: Span,
        callee: &ActionDef,
        assumed: Vec<Span>,
        unchecked_requires: Vec<Span>,
    ) {
        let caller = self
            .stack
            .first()
            .and_then(|id| self.program.action_def(*id))
            .map_or(callee.name, |a| a.name);
        let summary = Summary {
            inlined,
            callee: callee.name,
            caller,
            call: span,
            assumed,
            unchecked_requires,
        };
        if !self.summaries.contains(&summary) {
            self.summaries.push(summary);
        }
    }
}

/// The state symbols that `stmts` and the actions they call (transitively,
/// monitors included) may assign.
fn state_writes(
    program: &Program,
    stmts: &[Stmt],
    out: &mut BTreeSet<SymId>,
    seen: &mut BTreeSet<ActionId>,
) {
    let mut calls = Vec::new();
    Block::walk_stmts(stmts, true, &mut |s| match &s.kind {
        StmtKind::Assign { sym, .. } | StmtKind::Havoc { sym, .. } => {
            out.insert(*sym);
        }
        StmtKind::Call {
            action, results, ..
        } => {
            out.extend(results.iter().copied());
            calls.push(*action);
        }
        _ => {}
    });
    out.retain(|s| program.sig.symbol(*s).role == Role::State);
    for id in calls {
        if seen.insert(id) {
            if let Some(a) = program.action_def(id) {
                state_writes(program, &a.body.stmts, out, seen);
            }
        }
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
                ..
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
                assumed,
                variant,
                body,
            } => {
                out.extend(cond.symbols());
                invariants
                    .iter()
                    .chain(assumed)
                    .for_each(|p| out.extend(p.formula.symbols()));
                if let Some(v) = variant {
                    out.push(v.rank);
                    out.extend(v.measure.symbols());
                    out.extend(v.bounded.symbols());
                    out.extend(v.decreases.symbols());
                }
                collect_symbols(body, out);
            }
            StmtKind::Call { args, results, .. } => {
                args.iter().for_each(|a| out.extend(a.symbols()));
                out.extend(results);
            }
            StmtKind::Assert { formula, .. } => out.extend(formula.symbols()),
            StmtKind::Assume(t) => out.extend(t.symbols()),
            StmtKind::Ghost(body) => collect_symbols(body, out),
            StmtKind::Native(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{check, MemoryLoader};
    use ivyc_base::SourceMap;

    fn program(src: &str) -> Program {
        let mut sources = SourceMap::new();
        let id = sources.add("main.ivy", src.to_string());
        let (p, errs) = check(id, &mut sources, &mut MemoryLoader::new());
        let codes: Vec<&str> = errs.iter().map(|e| e.code()).collect();
        assert!(codes.is_empty(), "unexpected errors: {codes:?}");
        p.unwrap()
    }

    fn unit<'u>(units: &'u [Unit], name: &str) -> &'u System {
        &units
            .iter()
            .find(|u| u.name.map(|n| n.as_str()) == Some(name))
            .unwrap()
            .system
    }

    fn labels(ps: &[Property]) -> Vec<&'static str> {
        ps.iter()
            .map(|p| p.label.map(|l| l.as_str()).unwrap_or("?"))
            .collect()
    }

    /// A loop in an action called twice: each inlined copy has its own
    /// rank symbol, checked by two variant assertions on the measure.
    #[test]
    fn variants_are_lowered_per_inlined_copy() {
        // ms-ivy: OK
        let p = program(
            r#"#lang ivy1.7
type num
interpret num -> int
action down(k:num) = {
    var i := k;
    while i > 0
    decreases i
    {
        i := i - 1
    }
}
action twice(k:num) = {
    call down(k);
    call down(k)
}
export twice
"#,
        );
        let sys = lower(&p).unwrap();
        let a = sys.action("twice").unwrap();
        let kinds: Vec<LKind> = a.body.assertions().iter().map(|(_, i)| i.kind).collect();
        assert_eq!(
            kinds,
            vec![
                LKind::VariantBounded,
                LKind::VariantDecreases,
                LKind::VariantBounded,
                LKind::VariantDecreases
            ]
        );
        let ranks: BTreeSet<SymId> = a
            .body
            .modified_symbols()
            .into_iter()
            .filter(|s| sys.sig.symbol_name(*s).contains("$rank"))
            .collect();
        assert_eq!(ranks.len(), 2, "one rank per inlined loop");
    }

    /// `explicit axiom`: assumed only by units whose isolate names it.
    #[test]
    fn explicit_axioms_only_where_named() {
        // ms-ivy: FAIL (iso_obj and the whole program lack the axiom)
        let src = r#"#lang ivy1.7
type t
relation r(X:t)
object facts = {
    explicit axiom [ax] r(X)
    axiom [plain] r(X) | ~r(X)
}
object user = {
    action a(x:t) = { assert r(x) }
}
export user.a
isolate iso_named = user with facts.ax
isolate iso_obj = user with facts
"#;
        let units = lower_units(&program(src)).unwrap();
        assert_eq!(
            labels(&unit(&units, "iso_named").axioms),
            ["facts.ax", "facts.plain"]
        );
        assert_eq!(labels(&unit(&units, "iso_obj").axioms), ["facts.plain"]);
        let whole = src.replace("isolate iso_named = user with facts.ax\n", "");
        let whole = whole.replace("isolate iso_obj = user with facts\n", "");
        let sys = lower(&program(&whole)).unwrap();
        assert_eq!(labels(&sys.axioms), ["facts.plain"]);
    }

    /// An invariant with a proof: its goal is checked (an explicit
    /// invariant), the invariant itself is assumed (`nested`); a loop
    /// invariant with a proof: its goal is checked on entry and after
    /// the body.
    #[test]
    fn invariant_proofs_check_goals_and_assume_the_invariant() {
        // ms-ivy: OK
        let p = program(
            r#"#lang ivy1.8
type node
type idx
interpret idx -> int
relation le(X:node, Y:node)
individual root : node
axiom [root_least] {
    individual x : node
    property le(root, x)
}
relation joined(X:node)
after init { joined(X) := X = root }
action join(n:node) = {
    var i : idx := 0;
    while i < 1
    invariant [loop] joined(X) -> le(root, X)
    proof { instantiate root_least with x = root }
    {
        i := i + 1
    };
    joined(n) := true
}
export join
invariant [rooted] joined(X) -> le(root, X)
proof { instantiate root_least with x = X }
"#,
        );
        let sys = lower(&p).unwrap();
        assert_eq!(
            labels(&sys.invariants),
            ["rooted goal after instantiate root_least"]
        );
        assert!(sys.invariants[0].explicit);
        assert_eq!(labels(&sys.nested), ["rooted"]);
        assert_ne!(sys.invariants[0].formula, sys.nested[0].formula);
        let a = sys.action("join").unwrap();
        let loops: Vec<&Term> = a
            .body
            .assertions()
            .into_iter()
            .filter(|(_, i)| i.kind == LKind::LoopInvariant)
            .map(|(t, _)| t)
            .collect();
        assert_eq!(loops.len(), 2);
        // The goal `forall X. le(root, root) -> joined(X) -> le(root, X)`,
        // not the invariant.
        let goal = |t: &Term| match &t.kind {
            TermKind::Forall(_, b) => match &b.kind {
                TermKind::Implies(_, c) => matches!(c.kind, TermKind::Implies(..)),
                _ => false,
            },
            _ => false,
        };
        assert!(loops.iter().all(|t| goal(t)));
    }

    /// `explicit invariant`: checked where it belongs, never assumed (not
    /// among another unit's assumed or nested invariants).
    #[test]
    fn explicit_invariants_are_never_assumed() {
        // ms-ivy: FAIL (the explicit invariant is not assumed anywhere)
        let p = program(
            r#"#lang ivy1.7
type t
relation r(X:t)
object spec = {
    after init { r(X) := true }
    explicit invariant [inv] r(X)
    invariant [plain] r(X) | ~r(X)
}
object user = {
    action a(x:t) = { assert r(x) }
}
export user.a
isolate iso_user = user with spec.inv
"#,
        );
        let units = lower_units(&p).unwrap();
        let user = unit(&units, "iso_user");
        assert_eq!(labels(&user.assumed), ["spec.plain"]);
        let this = unit(&units, "this");
        assert_eq!(labels(&this.invariants), ["spec.inv", "spec.plain"]);
        assert!(this.invariants[0].explicit && !this.invariants[1].explicit);
    }

    /// `explicit definition`: expanded only where the isolate names the
    /// symbol (or the label); a plain definition outside the unit's objects
    /// is used when its symbol is named.
    #[test]
    fn explicit_definitions_only_where_named() {
        // ms-ivy: FAIL (iso_plain cannot use the explicit definition)
        let p = program(
            r#"#lang ivy1.7
type t
relation r(X:t)
relation s(X:t)
relation q(X:t)
explicit definition s(X) = r(X)
definition q(X) = r(X)
object user = {
    action a(x:t) = { require r(x); assert s(x) & q(x) }
}
export user.a
isolate iso_s = user with s, q
isolate iso_plain = user
"#,
        );
        let units = lower_units(&p).unwrap();
        let text = |sys: &System| {
            let a = sys.action("user.a").unwrap();
            a.body
                .assertions()
                .iter()
                .map(|(t, _)| t.pretty(&sys.sig))
                .collect::<Vec<_>>()
                .join("; ")
        };
        assert_eq!(text(unit(&units, "iso_s")), "r(user.a.x) & r(user.a.x)");
        assert_eq!(text(unit(&units, "iso_plain")), "s(user.a.x) & q(user.a.x)");
    }
}
