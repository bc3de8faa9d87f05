//! The first-order transition system of a unit for a VMT-LIB file
//! (`attribute method = vmt`, `ivyc export --vmt`; docs/vmt.md): every
//! state and immutable symbol the unit uses is a state variable with a
//! `next` copy (immutable ones framed), the initial states are the
//! initializer's post-states, one step is one exported action chosen by a
//! boolean selector per action, and the properties are the unit's
//! invariants plus, when some assertion can fail, `not err` for an error
//! flag that a failing assertion sets. Nothing is flattened: sorts stay as
//! they are (the writer maps them to SMT-LIB). Solver-agnostic; the text is
//! printed by the pipeline (`ivyc-pipeline/src/vmt.rs`).

use crate::ts::{all_terms, init_mode, locals_of, step_mode};
use ivyc_base::diagnostic::{error, primary, Diagnostic, IntoDiagnostic};
use ivyc_base::Span;
use ivyc_base::Symbol;
use ivyc_logic::passive::passify;
use ivyc_logic::{Cmd, Role, Signature, SortId, SymId, SymbolDecl, System, Term, Var};
use std::collections::{BTreeSet, HashMap};

/// A state variable and its next-state copy.
#[derive(Clone, Debug)]
pub struct StateVar {
    pub current: SymId,
    pub next: SymId,
    /// Immutable (framed: `next = current` in every step).
    pub rigid: bool,
}

/// One property to prove in every reachable state.
#[derive(Clone, Debug)]
pub struct VmtProperty {
    /// The invariant's label, or `assertions` for the error flag.
    pub label: String,
    pub formula: Term,
}

/// A transition system over the unit's own (first-order) symbols.
#[derive(Clone, Debug)]
pub struct VmtSystem {
    /// The unit's signature plus SSA versions, next copies, the selectors
    /// and the error flag.
    pub sig: Signature,
    pub state: Vec<StateVar>,
    /// One boolean selector per exported action, with the action's name:
    /// exactly one is true in each step.
    pub actions: Vec<(SymId, String)>,
    /// Axioms and facts proved elsewhere, over the immutable symbols.
    pub axioms: Vec<Term>,
    /// The initial states, over the current state variables (and inputs).
    pub init: Term,
    /// One step, over current and next state variables (and inputs).
    pub trans: Term,
    pub properties: Vec<VmtProperty>,
    /// The error flag (a state variable), when some assertion is checked.
    pub err: Option<SymId>,
}

/// What a VMT file of the unit cannot express (refused rather than left
/// out of the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmtError {
    pub what: String,
    pub span: Option<Span>,
}

impl IntoDiagnostic for VmtError {
    fn code(&self) -> &'static str {
        "vmt-unsupported"
    }

    fn into_diagnostic(&self) -> Diagnostic {
        error(
            self.code(),
            format!("unsupported: {} in a VMT-LIB file", self.what),
        )
        .with_labels(
            self.span
                .map(|s| primary(s, "not expressible as a state property"))
                .into_iter()
                .collect(),
        )
        .with_notes(vec![
            "help: verify this isolate with invariants (remove `method = vmt`), or move the construct to another isolate".into(),
        ])
    }
}

/// A new symbol named `name` if that name is free, else `name#k`.
fn named(sig: &mut Signature, name: &str, args: Vec<SortId>, ret: SortId, role: Role) -> SymId {
    let sym = Symbol::intern(name);
    if sig.symbols_named(sym).is_empty() {
        sig.add_symbol(SymbolDecl::new(sym, args, ret, role))
    } else {
        sig.fresh_symbol(sym, args, ret, role)
    }
}

/// `forall X. a(X) = b(X)` (`<->` for relations).
fn same(sig: &Signature, a: SymId, b: SymId) -> Term {
    let d = sig.symbol(a);
    let vars: Vec<Var> = d
        .args
        .iter()
        .enumerate()
        .map(|(i, &s)| Var::new(&format!("X{i}"), s))
        .collect();
    let (l, r) = (Term::app_vars(a, &vars), Term::app_vars(b, &vars));
    let body = if d.ret == SortId::BOOL {
        Term::iff(l, r)
    } else {
        Term::eq(l, r)
    };
    Term::forall(vars, body)
}

/// Builds the transition system of `sys`, or says what it cannot express.
pub fn build(sys: &System) -> Result<VmtSystem, VmtError> {
    if let Some(p) = sys.properties.first() {
        return Err(VmtError {
            what: "a `property` to prove (a theorem of the axioms, not a state invariant)".into(),
            span: p.span,
        });
    }
    if let Some(g) = sys.goals.first() {
        return Err(VmtError {
            what: "a proof goal".into(),
            span: g.span,
        });
    }
    let mut sig = sys.sig.clone();
    // The state and immutable symbols the unit uses, in id order.
    let mut used: BTreeSet<SymId> = BTreeSet::new();
    for t in all_terms(sys) {
        used.extend(t.symbols());
    }
    let vars: Vec<SymId> = used
        .into_iter()
        .filter(|&s| matches!(sig.symbol(s).role, Role::State | Role::Rigid))
        .collect();

    // The initializer: its post-state is the initial state; the values
    // before it are inputs.
    let pinit = passify(&mut sig, &sys.init);
    let mut rename: HashMap<SymId, SymId> = HashMap::new();
    for &s in &vars {
        if let Some(&v) = pinit.final_versions.get(&s) {
            let pre = sig.fresh_copy(s, Role::Local);
            rename.insert(s, pre);
            rename.insert(v, s);
        }
    }
    let init_ok = pinit.body.transition(&init_mode).rename_symbols(&rename);
    let init_fail = pinit.body.failure(&init_mode).rename_symbols(&rename);

    // One step: exactly one exported action, chosen by its selector, then
    // the invariants proved elsewhere assumed (as `ivyc bmc` does).
    let mut actions = Vec::new();
    let mut branches = Vec::new();
    for a in sys.actions.iter().filter(|a| a.exported) {
        let name = a.name.as_str();
        let sel = named(&mut sig, name, Vec::new(), SortId::BOOL, Role::Local);
        actions.push((sel, name.to_string()));
        let mut b = vec![Cmd::Assume(Term::constant(sel))];
        b.extend(locals_of(&sys.sig, a).into_iter().map(Cmd::Havoc));
        b.push(a.body.clone());
        branches.push(Cmd::Seq(b));
    }
    let step = crate::ts::step_of_branches(sys, branches);
    let pstep = passify(&mut sig, &step);
    let mut state = Vec::new();
    let mut rename: HashMap<SymId, SymId> = HashMap::new();
    let mut frame = Vec::new();
    for &s in &vars {
        let d = sig.symbol(s).clone();
        let next = named(
            &mut sig,
            &format!("{}.next", d.name.as_str()),
            d.args.clone(),
            d.ret,
            d.role,
        );
        match pstep.final_versions.get(&s) {
            Some(&v) => {
                rename.insert(v, next);
            }
            None => frame.push(same(&sig, next, s)),
        }
        state.push(StateVar {
            current: s,
            next,
            rigid: d.role == Role::Rigid,
        });
    }
    let step_ok = Term::and(
        std::iter::once(pstep.body.transition(&step_mode).rename_symbols(&rename))
            .chain(frame.iter().cloned()),
    );
    let step_fail = pstep.body.failure(&step_mode).rename_symbols(&rename);
    // Exactly one selector.
    let sels: Vec<Term> = actions.iter().map(|(s, _)| Term::constant(*s)).collect();
    let mut one = vec![Term::or(sels.clone())];
    for (i, a) in sels.iter().enumerate() {
        for b in sels.iter().skip(i + 1) {
            one.push(Term::not(Term::and([a.clone(), b.clone()])));
        }
    }
    let one = Term::and(one);

    let mut properties: Vec<VmtProperty> = sys
        .invariants
        .iter()
        .enumerate()
        .map(|(i, p)| VmtProperty {
            label: p
                .label
                .map(|l| l.as_str().to_string())
                .unwrap_or_else(|| format!("invariant{i}")),
            formula: p.formula.clone(),
        })
        .collect();
    let (init, trans, err) = if init_fail.is_false() && step_fail.is_false() {
        (init_ok, Term::and([one, step_ok]), None)
    } else {
        // A failing assertion sets the error flag, which stays set.
        let err = named(&mut sig, "err", Vec::new(), SortId::BOOL, Role::State);
        let err_next = named(&mut sig, "err.next", Vec::new(), SortId::BOOL, Role::State);
        let (e, en) = (Term::constant(err), Term::constant(err_next));
        let init = Term::or([
            Term::and([init_ok, Term::not(e.clone())]),
            Term::and([init_fail, e.clone()]),
        ]);
        let trans = Term::and([
            one,
            Term::or([
                Term::and([step_ok, Term::iff(en.clone(), e.clone())]),
                Term::and([step_fail, en]),
            ]),
        ]);
        state.push(StateVar {
            current: err,
            next: err_next,
            rigid: false,
        });
        properties.push(VmtProperty {
            label: "assertions".into(),
            formula: Term::not(e),
        });
        (init, trans, Some(err))
    };
    let axioms = sys
        .axioms
        .iter()
        .chain(&sys.lemmas)
        .chain(&sys.proved)
        .map(|p| p.formula.clone())
        .collect();
    let mut vs = VmtSystem {
        sig,
        state,
        actions,
        axioms,
        init,
        trans,
        properties,
        err,
    };
    rename_reserved(&mut vs);
    Ok(vs)
}

/// Whether a symbol's name is one the file defines itself (`init`,
/// `trans`, `property.i`, the `.x` annotations).
fn reserved(name: &str) -> bool {
    name == "init" || name == "trans" || name.starts_with("property.") || name.starts_with('.')
}

/// Program symbols named like the file's own definitions (a relation
/// `trans`, say) get fresh names (`trans#1`) everywhere.
fn rename_reserved(vs: &mut VmtSystem) {
    let clashing: Vec<SymId> = vs
        .sig
        .symbols()
        .filter(|(_, d)| d.role != Role::EnumCtor && reserved(d.name.as_str()))
        .map(|(s, _)| s)
        .collect();
    if clashing.is_empty() {
        return;
    }
    let mut map = HashMap::new();
    for s in clashing {
        let role = vs.sig.symbol(s).role;
        map.insert(s, vs.sig.fresh_copy(s, role));
    }
    let r = |s: &mut SymId| {
        if let Some(n) = map.get(s) {
            *s = *n;
        }
    };
    for v in &mut vs.state {
        r(&mut v.current);
        r(&mut v.next);
    }
    for (s, _) in &mut vs.actions {
        r(s);
    }
    if let Some(e) = &mut vs.err {
        r(e);
    }
    for t in vs
        .axioms
        .iter_mut()
        .chain([&mut vs.init, &mut vs.trans])
        .chain(vs.properties.iter_mut().map(|p| &mut p.formula))
    {
        *t = t.rename_symbols(&map);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{Action, AssertInfo, AssertKind, Property};

    /// `relation r(c)`, an immutable `k : c`, `after init { r(X) := false }`
    /// and one exported action `set`, with `assert ~r(k)` if `checked`.
    fn system(checked: bool) -> System {
        let mut sys = System::default();
        let (c, _) = sys.sig.add_enum_sort(
            Symbol::intern("c"),
            &[Symbol::intern("a"), Symbol::intern("b")],
            None,
        );
        let r = sys.sig.add_symbol(SymbolDecl::new(
            Symbol::intern("r"),
            vec![c],
            SortId::BOOL,
            Role::State,
        ));
        let k = sys
            .sig
            .add_symbol(SymbolDecl::new(Symbol::intern("k"), vec![], c, Role::Rigid));
        let x = Var::new("X", c);
        sys.init = Cmd::Assign {
            sym: r,
            params: vec![x],
            value: Term::fls(),
        };
        let mut body = Vec::new();
        if checked {
            body.push(Cmd::Assert(
                Term::not(Term::app(r, vec![Term::constant(k)])),
                AssertInfo::new(AssertKind::Assert, None),
            ));
        }
        body.push(Cmd::Assign {
            sym: r,
            params: vec![x],
            value: Term::or([
                Term::app_vars(r, std::slice::from_ref(&x)),
                Term::eq(Term::var(x), Term::constant(k)),
            ]),
        });
        sys.actions.push(Action {
            name: Symbol::intern("set"),
            params: vec![],
            returns: vec![],
            body: Cmd::Seq(body),
            span: None,
            exported: true,
            internal: false,
        });
        sys.invariants.push(Property {
            label: Some(Symbol::intern("inv")),
            formula: Term::or([Term::app(r, vec![Term::constant(k)]), Term::tru()]),
            span: None,
            explicit: false,
        });
        sys
    }

    #[test]
    fn state_selectors_and_frames() {
        let Ok(vs) = build(&system(false)) else {
            panic!("builds");
        };
        let names: Vec<&str> = vs
            .state
            .iter()
            .map(|v| vs.sig.symbol_name(v.current))
            .collect();
        assert_eq!(names, ["r", "k"]);
        let next: Vec<&str> = vs
            .state
            .iter()
            .map(|v| vs.sig.symbol_name(v.next))
            .collect();
        assert_eq!(next, ["r.next", "k.next"]);
        assert!(!vs.state[0].rigid && vs.state[1].rigid);
        assert_eq!(vs.actions.len(), 1);
        assert_eq!(vs.actions[0].1, "set");
        // The step mentions the selector, r's next copy and k's frame.
        let (r_next, k, k_next) = (vs.state[0].next, vs.state[1].current, vs.state[1].next);
        assert!(vs.trans.mentions(vs.actions[0].0));
        assert!(vs.trans.mentions(r_next));
        assert!(vs.trans.mentions(k_next) && vs.trans.mentions(k));
        // The initial state is over r itself, no next copy.
        assert!(vs.init.mentions(vs.state[0].current) && !vs.init.mentions(r_next));
        assert!(vs.err.is_none());
        assert_eq!(vs.properties.len(), 1);
        assert_eq!(vs.properties[0].label, "inv");
    }

    #[test]
    fn a_checked_assertion_adds_the_error_flag() {
        let Ok(vs) = build(&system(true)) else {
            panic!("builds");
        };
        let Some(err) = vs.err else {
            panic!("an error flag");
        };
        assert_eq!(vs.sig.symbol_name(err), "err");
        assert!(vs.state.iter().any(|v| v.current == err));
        let last = vs.properties.last().map(|p| p.label.as_str());
        assert_eq!(last, Some("assertions"));
        assert!(vs.init.mentions(err) && vs.trans.mentions(err));
    }

    #[test]
    fn names_the_file_defines_are_renamed() {
        let mut sys = system(false);
        let t = sys.sig.add_symbol(SymbolDecl::new(
            Symbol::intern("trans"),
            vec![],
            SortId::BOOL,
            Role::State,
        ));
        sys.invariants.push(Property {
            label: None,
            formula: Term::or([Term::constant(t), Term::not(Term::constant(t))]),
            span: None,
            explicit: false,
        });
        let Ok(vs) = build(&sys) else {
            panic!("builds");
        };
        let names: Vec<&str> = vs
            .state
            .iter()
            .map(|v| vs.sig.symbol_name(v.current))
            .collect();
        assert_eq!(names, ["r", "k", "trans#1"]);
        let Some(p) = vs.properties.last() else {
            panic!("a property");
        };
        assert!(p
            .formula
            .symbols()
            .iter()
            .all(|&s| vs.sig.symbol_name(s) != "trans"));
    }

    #[test]
    fn a_property_to_prove_is_refused() {
        let mut sys = system(false);
        sys.properties.push(Property {
            label: None,
            formula: Term::tru(),
            span: None,
            explicit: false,
        });
        let Err(e) = build(&sys) else {
            panic!("refused");
        };
        assert_eq!(e.code(), "vmt-unsupported");
    }
}
