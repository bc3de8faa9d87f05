//! Ivy's `tactic invariance`: a goal `globally p` (p non-temporal) proved
//! by invariants. `p` joins the tactic's invariants and is asserted after
//! every statement that writes what it reads (Ivy treats the states inside
//! an action as instants of the temporal operators); temporal premises
//! `globally q` are assumed invariants, and assumed after such statements.

use crate::construct::strip_assertions;
use crate::error::L2sError;
use crate::{L2sUnit, Reduction};
use ivyc_base::Span;
use ivyc_logic::{
    Action, AssertInfo, AssertKind, Cmd, Property, SymId, System, TemporalKind, Term, TermKind,
};
use std::collections::{BTreeMap, BTreeSet};

/// `p` if `t` is `globally p` with `p` non-temporal.
fn globally_body(sys: &System, t: &Term) -> Option<Term> {
    let TermKind::App(s, args) = &t.kind else {
        return None;
    };
    let op = sys.temporal.ops.get(s)?;
    if op.kind != TemporalKind::Globally {
        return None;
    }
    let (_, body, _) = sys.temporal.instantiate(*s, args)?;
    (!sys.temporal.is_temporal(&body)).then_some(body)
}

/// After every statement writing a symbol of `(formula, cmd)`, `cmd`.
fn events(c: &Cmd, watched: &[(BTreeSet<SymId>, Cmd)]) -> Cmd {
    let inner = match c {
        Cmd::Seq(cs) => Cmd::Seq(cs.iter().map(|x| events(x, watched)).collect()),
        Cmd::Choice(cs) => Cmd::Choice(cs.iter().map(|x| events(x, watched)).collect()),
        other => other.clone(),
    };
    let modified: BTreeSet<SymId> = c.modified_symbols().into_iter().collect();
    let after: Vec<Cmd> = watched
        .iter()
        .filter(|(syms, _)| !syms.is_disjoint(&modified))
        .map(|(_, e)| e.clone())
        .collect();
    if after.is_empty() {
        return inner;
    }
    let mut out = vec![inner];
    out.extend(after);
    Cmd::seq(out)
}

pub(crate) fn invariance(
    sys: &System,
    index: usize,
    invariants: &[Property],
    span: Span,
) -> Result<L2sUnit, L2sError> {
    let Some(prop) = sys.temporal.properties.get(index) else {
        return Err(L2sError::NoSuchProperty { index });
    };
    let Some(goal) = globally_body(sys, &prop.goal) else {
        return Err(L2sError::InvarianceNotGlobally { span });
    };
    if invariants
        .iter()
        .any(|p| sys.temporal.is_temporal(&p.formula))
    {
        return Err(L2sError::InvarianceNotGlobally { span });
    }
    // Premises `globally q`: assumed, and re-assumed after writes.
    let premises = sys.temporal.axioms.iter().filter(|a| !a.explicit).chain(
        sys.temporal
            .properties
            .iter()
            .take(index)
            .map(|p| &p.property),
    );
    let mut assumed = sys.assumed.clone();
    let mut watched = Vec::new();
    for p in premises {
        if let Some(q) = globally_body(sys, &p.formula) {
            watched.push((q.symbols().into_iter().collect(), Cmd::Assume(q.clone())));
            assumed.push(Property {
                formula: q,
                ..p.clone()
            });
        }
    }
    let info = AssertInfo {
        kind: AssertKind::Assert,
        span: prop.property.span,
        label: prop.property.label,
    };
    watched.push((
        goal.symbols().into_iter().collect(),
        Cmd::Assert(goal.clone(), info),
    ));
    let mut invs = invariants.to_vec();
    invs.push(Property {
        label: prop.property.label,
        formula: goal,
        span: prop.property.span,
        explicit: false,
    });
    let actions = sys
        .actions
        .iter()
        .map(|a| Action {
            body: events(&strip_assertions(&a.body), &watched),
            ..a.clone()
        })
        .collect();
    let mut nested = sys.nested.clone();
    nested.extend(sys.invariants.iter().filter(|p| !p.explicit).cloned());
    let mut lemmas = sys.properties.clone();
    lemmas.extend(sys.lemmas.iter().cloned());
    let mut sig = sys.sig.clone();
    for &s in &prop.skolems {
        sig.set_role(s, ivyc_logic::Role::Rigid);
    }
    let system = System {
        sig,
        axioms: sys.axioms.clone(),
        init: strip_assertions(&sys.init),
        actions,
        invariants: invs,
        assumed,
        nested,
        properties: Vec::new(),
        lemmas,
        definitions: sys.definitions.clone(),
        temporal: Default::default(),
        // Facts proved elsewhere stay assumed; the goals are checked by
        // the unit's own obligations.
        goals: Vec::new(),
        proved: sys.proved.clone(),
    };
    Ok(L2sUnit {
        property: index,
        label: prop.property.label,
        span: prop.property.span,
        reduction: Reduction::Invariance,
        system,
        symbols: BTreeMap::new(),
        phase: None,
        idle: None,
    })
}
