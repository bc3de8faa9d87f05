//! The context of named facts and the tactics, each a transformer of the
//! list of open goals (the first goal is the one worked on): `apply`
//! (schema instantiation by matching; premises become subgoals),
//! `instantiate`/`assume` (a fact instance becomes a premise), witnesses
//! for existentials, `unfold`, `let`, `if` (case split), cuts
//! (`property ... proof`), local definitions (`function f = e`),
//! `defergoal`, `forget`, and the goal's final judgement.

use crate::error::ProofError;
use crate::goal::{alpha_eq, Goal, Prem, Symbols};
use crate::matching::{match_terms, Binding, Subst, Unknowns};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Lambda, SortId, SymId, Term, TermKind, Var};
use std::collections::{HashMap, HashSet};

/// The named facts a proof may use: axioms (explicit ones too),
/// definitions, schemata, theorems, and the properties proved so far.
#[derive(Clone, Debug, Default)]
pub struct Context {
    facts: Vec<(Symbol, Goal)>,
}

impl Context {
    /// Adds a fact (a later one with the same name hides the earlier).
    pub fn admit(&mut self, name: Symbol, fact: Goal) {
        self.facts.push((name, fact));
    }

    pub fn lookup(&self, name: Symbol) -> Option<&Goal> {
        self.facts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, g)| g)
    }

    /// Whether a fact has this name.
    pub fn has(&self, name: Symbol) -> bool {
        self.lookup(name).is_some()
    }
}

/// The goal a step works on.
pub fn first(goals: &[Goal], span: Span) -> Result<&Goal, ProofError> {
    goals.first().ok_or(ProofError::NoGoal { span })
}

/// The premise of the goal named `name`.
pub fn premise(goal: &Goal, name: Symbol) -> Option<&Goal> {
    goal.facts().filter(|f| f.label == Some(name)).last()
}

/// `apply schema`: matches the schema's conclusion (after the user's
/// bindings) with the goal's; the goal is replaced by the instances of
/// the schema's premises that are neither premises of the goal nor
/// trivial.
pub fn apply(
    goals: &mut Vec<Goal>,
    name: Symbol,
    schema: &Goal,
    bindings: &[Binding],
    span: Span,
    syms: &dyn Symbols,
) -> Result<(), ProofError> {
    let goal = first(goals, span)?.clone();
    let subst = Subst::from_bindings(bindings);
    let unknowns = Unknowns {
        syms: schema
            .bound_syms()
            .into_iter()
            .filter(|s| !subst.syms.contains_key(s))
            .collect(),
        vars: schema
            .free_vars()
            .into_iter()
            .filter(|v| !subst.vars.contains_key(v))
            .collect(),
    };
    let pat = subst.apply(&schema.conc);
    let mut m = Subst::default();
    let ok = match_terms(&pat, &goal.conc, &unknowns, &mut m, syms);
    // The user's bindings, then the match.
    let inst = m.apply_goal(&subst.apply_goal(schema));
    if !ok || !alpha_eq(&inst.conc, &goal.conc) {
        return Err(ProofError::NoMatch {
            schema: name,
            goal: syms.pretty(&goal.conc),
            conclusion: syms.pretty(&inst.conc),
            span,
        });
    }
    // Symbols of the schema left unknown stay bound in every subgoal.
    let left: Vec<Prem> = inst
        .prems
        .iter()
        .filter(|p| matches!(p, Prem::Sym(_) | Prem::Sort(_)))
        .cloned()
        .collect();
    let mut subgoals = Vec::new();
    for f in inst.facts() {
        if goal
            .facts()
            .any(|g| g.prems.len() == f.prems.len() && g == f)
            || goal
                .facts()
                .any(|g| g.prems.is_empty() && f.prems.is_empty() && alpha_eq(&g.conc, &f.conc))
        {
            continue;
        }
        let mut prems = goal.prems.clone();
        prems.extend(left.iter().cloned());
        prems.extend(f.prems.iter().cloned());
        let sub = Goal {
            label: f.label.or(goal.label),
            span: Some(span),
            prems,
            conc: f.conc.clone(),
            explicit: false,
            definition: false,
            via: None,
        };
        if trivial(&sub) {
            continue;
        }
        subgoals.push(sub);
    }
    goals.splice(0..1, subgoals);
    Ok(())
}

/// A goal whose conclusion is one of its premises.
fn trivial(g: &Goal) -> bool {
    g.facts()
        .any(|f| f.prems.is_empty() && alpha_eq(&f.conc, &g.conc))
}

/// `instantiate [label] fact with ...` / `assume fact with ...`: the
/// instance of the fact becomes a premise of the goal. Variables bound
/// by a leading `forall` of the fact may be given values too; the
/// instance's own unknown symbols stay bound by the premise.
#[allow(clippy::too_many_arguments)]
pub fn assume(
    goals: &mut [Goal],
    name: Symbol,
    fact: &Goal,
    bindings: &[Binding],
    label: Option<Symbol>,
    remove_premise: bool,
    span: Span,
) -> Result<(), ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    let mut subst = Subst::default();
    let mut witnesses = Vec::new();
    let free: HashSet<Var> = fact.free_vars().into_iter().collect();
    for b in bindings {
        match b {
            Binding::Sym(f, l) => {
                subst.syms.insert(*f, l.clone());
            }
            Binding::Var(v, t) if free.contains(v) => {
                subst.vars.insert(*v, t.clone());
            }
            Binding::Var(v, t) => witnesses.push((*v, t.clone())),
        }
    }
    let mut inst = subst.apply_goal(fact);
    for (v, t) in witnesses {
        inst.conc = instantiate_forall(&inst.conc, v, &t).ok_or(ProofError::NotInSchema {
            name: v.name,
            schema: name,
            span,
        })?;
    }
    inst.explicit = false;
    inst.definition = false;
    inst.span = Some(span);
    let new_label = label.or(Some(name));
    if remove_premise && label.is_none() {
        goal.prems
            .retain(|p| !matches!(p, Prem::Fact(f) if f.label == Some(name)));
    } else if let Some(l) = label {
        if premise(goal, l).is_some() {
            return Err(ProofError::Clash { name: l, span });
        }
    }
    inst.label = new_label;
    goal.prems.push(Prem::Fact(inst));
    Ok(())
}

/// `forall X1..Xn. body` with `v` among the `Xi`: the formula with `v`
/// replaced by `t` (the other variables stay quantified). Looks through
/// a leading chain of universal quantifiers.
pub(crate) fn instantiate_forall(f: &Term, v: Var, t: &Term) -> Option<Term> {
    match &f.kind {
        TermKind::Forall(vs, body) => {
            if vs.contains(&v) {
                let rest: Vec<Var> = vs.iter().copied().filter(|x| *x != v).collect();
                let map = [(v, t.clone())].into_iter().collect();
                Some(Term::forall(rest, body.subst_vars(&map)))
            } else {
                let inner = instantiate_forall(body, v, t)?;
                Some(Term::forall(vs.clone(), inner))
            }
        }
        _ => None,
    }
}

/// `instantiate with X = e`: the existential `X` of the conclusion
/// (at its front) gets the witness `e`.
pub fn witness(goals: &mut [Goal], wits: &[(Var, Term)], span: Span) -> Result<(), ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    for (v, t) in wits {
        goal.conc = instantiate_exists(&goal.conc, *v, t)
            .ok_or(ProofError::NotExistential { var: v.name, span })?;
    }
    Ok(())
}

fn instantiate_exists(f: &Term, v: Var, t: &Term) -> Option<Term> {
    match &f.kind {
        TermKind::Exists(vs, body) => {
            if vs.contains(&v) {
                let rest: Vec<Var> = vs.iter().copied().filter(|x| *x != v).collect();
                let map = [(v, t.clone())].into_iter().collect();
                Some(Term::exists(rest, body.subst_vars(&map)))
            } else {
                let inner = instantiate_exists(body, v, t)?;
                Some(Term::exists(vs.clone(), inner))
            }
        }
        _ => None,
    }
}

/// The lambda of a definition fact `forall X. f(X) = e` (or `<->`).
pub fn definition_lambda(def: &Goal) -> Option<(ivyc_logic::SymId, Lambda)> {
    let mut f = &def.conc;
    while let TermKind::Forall(_, b) = &f.kind {
        f = b;
    }
    let (lhs, rhs) = match &f.kind {
        TermKind::Eq(a, b) | TermKind::Iff(a, b) => (a, b),
        _ => return None,
    };
    let TermKind::App(sym, args) = &lhs.kind else {
        return None;
    };
    let mut params = Vec::new();
    for a in args {
        match &a.kind {
            TermKind::Var(v) if !params.contains(v) => params.push(*v),
            _ => return None,
        }
    }
    Some((*sym, Lambda::new(params, (**rhs).clone())))
}

/// One definition to unfold: the defined symbol and its bodies. The
/// occurrences of the symbol, innermost and leftmost first (the order
/// in which Ivy visits them), take the bodies in turn; the last body
/// serves the rest. Without renamings there is one body.
pub type Unfolding = (SymId, Vec<Lambda>);

/// `unfold [prem] with f, g`: the definitions' right-hand sides replace
/// the defined symbols in the conclusion (or in the premise), one
/// definition after the other (so a body unfolded first may mention a
/// symbol unfolded after it).
pub fn unfold(
    goals: &mut [Goal],
    prem: Option<Symbol>,
    defs: &[Unfolding],
    span: Span,
) -> Result<(), ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    match prem {
        None => {
            for (sym, lams) in defs {
                let mut queue = lams.clone();
                goal.conc = unfold_term(&goal.conc, *sym, &mut queue);
            }
        }
        Some(p) => {
            let mut found = false;
            for x in goal.prems.iter_mut() {
                if let Prem::Fact(f) = x {
                    if f.label == Some(p) {
                        for (sym, lams) in defs {
                            let mut queue = lams.clone();
                            *f = unfold_goal(f, *sym, &mut queue);
                        }
                        found = true;
                    }
                }
            }
            if !found {
                return Err(ProofError::NoPremise { name: p, span });
            }
        }
    }
    Ok(())
}

fn unfold_goal(g: &Goal, sym: SymId, queue: &mut Vec<Lambda>) -> Goal {
    let prems = g
        .prems
        .iter()
        .map(|p| match p {
            Prem::Fact(f) => Prem::Fact(unfold_goal(f, sym, queue)),
            other => other.clone(),
        })
        .collect();
    let conc = unfold_term(&g.conc, sym, queue);
    Goal {
        prems,
        conc,
        ..g.clone()
    }
}

/// The occurrences of `sym` in `t` replaced by the bodies of `queue`
/// (post-order; the last body stays for the remaining occurrences).
fn unfold_term(t: &Term, sym: SymId, queue: &mut Vec<Lambda>) -> Term {
    let t = t.map_children(&mut |c| unfold_term(c, sym, queue));
    match &t.kind {
        TermKind::App(f, args) if *f == sym => {
            let lam = if queue.len() > 1 {
                queue.remove(0)
            } else {
                match queue.first() {
                    Some(l) => l.clone(),
                    None => return t,
                }
            };
            if lam.params.len() != args.len() {
                return t;
            }
            lam.apply(args).with_span(t.span)
        }
        _ => t,
    }
}

/// `f<new/old, ...>` in `unfold`: the definition with its bound
/// variables named `old` renamed `new` (Ivy's alpha-renaming; names
/// that are no bound variable of the definition change nothing). A
/// renaming that would capture a variable free at that place is the
/// error: the name is returned.
pub fn rename_bound(lam: &Lambda, names: &[(Symbol, Symbol)]) -> Result<Lambda, Symbol> {
    let to = |v: Var| -> Var {
        match names.iter().find(|(_, old)| *old == v.name) {
            Some((new, _)) => Var {
                name: *new,
                sort: v.sort,
            },
            None => v,
        }
    };
    let free: Vec<Var> = lam
        .body
        .free_vars()
        .into_iter()
        .filter(|v| !lam.params.contains(v))
        .collect();
    let params: Vec<Var> = lam.params.iter().map(|v| to(*v)).collect();
    if let Some(v) = params.iter().find(|p| free.contains(p)) {
        return Err(v.name);
    }
    let mut vmap: HashMap<Var, Var> = HashMap::new();
    for (a, b) in lam.params.iter().zip(&params) {
        vmap.insert(*a, *b);
    }
    let body = rename_bound_rec(&lam.body, &vmap, &to)?;
    Ok(Lambda::new(params, body))
}

fn rename_bound_rec(
    t: &Term,
    vmap: &HashMap<Var, Var>,
    to: &dyn Fn(Var) -> Var,
) -> Result<Term, Symbol> {
    match &t.kind {
        TermKind::Var(v) => Ok(match vmap.get(v) {
            Some(w) => Term::var(*w).with_span(t.span),
            None => t.clone(),
        }),
        TermKind::Forall(vs, b) | TermKind::Exists(vs, b) => {
            let new: Vec<Var> = vs.iter().map(|v| to(*v)).collect();
            let forbidden: Vec<Var> = t
                .free_vars()
                .into_iter()
                .map(|v| vmap.get(&v).copied().unwrap_or(v))
                .collect();
            if let Some(v) = new.iter().find(|v| forbidden.contains(v)) {
                return Err(v.name);
            }
            let mut inner = vmap.clone();
            for (a, b) in vs.iter().zip(&new) {
                inner.insert(*a, *b);
            }
            let body = Box::new(rename_bound_rec(b, &inner, to)?);
            let kind = match &t.kind {
                TermKind::Forall(..) => TermKind::Forall(new, body),
                _ => TermKind::Exists(new, body),
            };
            Ok(Term { kind, span: t.span })
        }
        _ => {
            let mut err = None;
            let out = t.map_children(&mut |c| match rename_bound_rec(c, vmap, to) {
                Ok(x) => x,
                Err(e) => {
                    err.get_or_insert(e);
                    c.clone()
                }
            });
            match err {
                Some(e) => Err(e),
                None => Ok(out),
            }
        }
    }
}

/// `let X = e, ...`: the conclusion holds under the equations.
pub fn let_(goals: &mut [Goal], eqs: Vec<Term>, span: Span) -> Result<(), ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    goal.conc = Term::implies(Term::and(eqs), goal.conc.clone());
    Ok(())
}

/// `if c { A } else { B }`: the goal under `c` and under `~c`.
pub fn case_split(goal: &Goal, cond: &Term) -> (Goal, Goal) {
    let mut yes = goal.clone();
    yes.conc = Term::implies(cond.clone(), goal.conc.clone());
    let mut no = goal.clone();
    no.conc = Term::implies(Term::not(cond.clone()), goal.conc.clone());
    (yes, no)
}

/// `property [l] p`: the goal gains the premise `p`, and `p` (under the
/// goal's premises) becomes a goal of its own.
pub fn cut(goal: &Goal, label: Option<Symbol>, prop: Term, span: Span) -> (Goal, Goal) {
    cut_fact(goal, Goal::fact(label, Some(span), prop), span)
}

/// `theorem [l] { ... }` in a proof: the fact (a schema, with symbols
/// and premises of its own, or a formula) becomes a premise of the goal,
/// and a goal of its own under the goal's premises followed by its own
/// (its symbols stand for anything, its premises are assumed).
pub fn cut_fact(goal: &Goal, mut fact: Goal, span: Span) -> (Goal, Goal) {
    fact.span = Some(span);
    fact.explicit = false;
    fact.definition = false;
    let mut sub = goal.clone();
    sub.label = fact.label;
    sub.span = Some(span);
    sub.prems.extend(fact.prems.iter().cloned());
    sub.conc = fact.conc.clone();
    let mut main = goal.clone();
    main.prems.push(Prem::Fact(fact));
    (main, sub)
}

/// `property [l] fmla named f(X)`: `fmla` is `forall X. exists Y. body`
/// (with `X` universal, possibly free). The goal binds the fresh symbol
/// `f` and gains the premise `body[Y := f(X)]`; the subgoal is `fmla`
/// itself (Ivy's Skolemization of a cut).
pub fn cut_named(
    goal: &Goal,
    label: Option<Symbol>,
    prop: Term,
    sym: SymId,
    skolem: Term,
    span: Span,
) -> (Goal, Goal) {
    let (_, sub) = cut(goal, label, prop, span);
    let mut main = goal.clone();
    main.prems.push(Prem::Sym(sym));
    main.prems
        .push(Prem::Fact(Goal::fact(label, Some(span), skolem)));
    (main, sub)
}

/// `function f(X:t):u = e`: the goal binds the fresh symbol `f` and gains
/// its definition as a premise.
pub fn define(
    goals: &mut [Goal],
    sym: ivyc_logic::SymId,
    def: Term,
    span: Span,
) -> Result<(), ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    goal.prems.push(Prem::Sym(sym));
    let mut fact = Goal::fact(None, Some(span), def);
    fact.definition = true;
    goal.prems.push(Prem::Fact(fact));
    Ok(())
}

/// `forget a, b`: drops the premises so named.
pub fn forget(goals: &mut [Goal], names: &[Symbol], span: Span) -> Result<(), ProofError> {
    let goal = goals.first_mut().ok_or(ProofError::NoGoal { span })?;
    goal.prems
        .retain(|p| !matches!(p, Prem::Fact(f) if f.label.is_some_and(|l| names.contains(&l))));
    Ok(())
}

/// `defergoal`: the first goal goes last.
pub fn defer(goals: &mut [Goal]) {
    if !goals.is_empty() {
        goals.rotate_left(1);
    }
}

/// Instantiates the sorts a schema binds (`type s`) from the goal: the
/// conclusions are walked side by side and each term of a bound sort
/// gives that sort the sort of the goal's term at the same place. The
/// schema's symbols over those sorts become fresh symbols over the
/// goal's sorts. Sorts the walk does not determine stay bound.
pub fn instantiate_sorts(schema: &Goal, target: &Term, syms: &mut dyn Symbols) -> Goal {
    let bound = schema.bound_sorts();
    if bound.is_empty() {
        return schema.clone();
    }
    let mut map: HashMap<SortId, SortId> = HashMap::new();
    sort_walk(&schema.conc, target, &bound, &mut map, syms);
    instantiate_sorts_map(schema, &map, syms)
}

/// Instantiates sorts the schema binds (`type s`) with the given sorts:
/// its symbols over them become fresh symbols over the given sorts, its
/// variables and numerals change sort, and the sorts given are no longer
/// bound. Sorts the schema does not bind are left alone.
pub fn instantiate_sorts_map(
    schema: &Goal,
    map: &HashMap<SortId, SortId>,
    syms: &mut dyn Symbols,
) -> Goal {
    let bound = schema.bound_sorts();
    let map: HashMap<SortId, SortId> = map
        .iter()
        .filter(|(k, v)| bound.contains(k) && k != v)
        .map(|(k, v)| (*k, *v))
        .collect();
    if map.is_empty() {
        return schema.clone();
    }
    let map = &map;
    let sub = |s: SortId| map.get(&s).copied().unwrap_or(s);
    let mut renames: HashMap<SymId, SymId> = HashMap::new();
    for s in schema.bound_syms() {
        let Some(d) = syms.decl(s).cloned() else {
            continue;
        };
        let args: Vec<SortId> = d.args.iter().map(|a| sub(*a)).collect();
        let ret = sub(d.ret);
        if args != d.args || ret != d.ret {
            let mut nd = d.clone();
            nd.args = args;
            nd.ret = ret;
            renames.insert(s, syms.add(nd));
        }
    }
    let resort = |v: Var| Var {
        name: v.name,
        sort: sub(v.sort),
    };
    let mut f = |t: &Term| {
        t.rename_symbols(&renames).map_bottom_up(&mut |n: Term| {
            let kind = match n.kind {
                TermKind::Var(v) => TermKind::Var(resort(v)),
                TermKind::Forall(vs, b) => {
                    TermKind::Forall(vs.into_iter().map(resort).collect(), b)
                }
                TermKind::Exists(vs, b) => {
                    TermKind::Exists(vs.into_iter().map(resort).collect(), b)
                }
                TermKind::Num(k, s) => TermKind::Num(k, sub(s)),
                other => other,
            };
            Term { kind, span: n.span }
        })
    };
    let mut out = schema.map_terms(&mut f);
    fn fix_prems(g: &mut Goal, renames: &HashMap<SymId, SymId>, map: &HashMap<SortId, SortId>) {
        g.prems
            .retain(|p| !matches!(p, Prem::Sort(s) if map.contains_key(s)));
        for p in g.prems.iter_mut() {
            match p {
                Prem::Sym(s) => {
                    if let Some(n) = renames.get(s) {
                        *s = *n;
                    }
                }
                Prem::Fact(f) => fix_prems(f, renames, map),
                Prem::Sort(_) => {}
            }
        }
    }
    fix_prems(&mut out, &renames, map);
    out
}

fn sort_walk(
    pat: &Term,
    inst: &Term,
    bound: &[SortId],
    map: &mut HashMap<SortId, SortId>,
    syms: &dyn Symbols,
) {
    use crate::matching::SortOf;
    if let (Some(p), Some(i)) = (pat.sort_of_with(syms), inst.sort_of_with(syms)) {
        if bound.contains(&p) && p != i {
            map.entry(p).or_insert(i);
        }
    }
    let (a, b) = (pat.children(), inst.children());
    let same_shape = std::mem::discriminant(&pat.kind) == std::mem::discriminant(&inst.kind)
        || matches!(pat.kind, TermKind::App(..));
    if same_shape && a.len() == b.len() {
        for (x, y) in a.into_iter().zip(b) {
            sort_walk(x, y, bound, map, syms);
        }
    }
    // Quantified variables at the same places.
    if let (TermKind::Forall(xs, _), TermKind::Forall(ys, _))
    | (TermKind::Exists(xs, _), TermKind::Exists(ys, _)) = (&pat.kind, &inst.kind)
    {
        for (x, y) in xs.iter().zip(ys) {
            if bound.contains(&x.sort) && x.sort != y.sort {
                map.entry(x.sort).or_insert(y.sort);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::SortId;

    fn setup() -> (SymId, SymId, Var, Lambda) {
        // f(X) := exists Y. r(X, Y)
        let t = SortId(5);
        let (f, r) = (SymId(0), SymId(1));
        let x = Var::new("X", t);
        let y = Var::new("Y", t);
        let body = Term::exists(vec![y], Term::app(r, vec![Term::var(x), Term::var(y)]));
        (f, r, x, Lambda::new(vec![x], body))
    }

    #[test]
    fn renaming_a_bound_variable_of_a_definition() {
        let (_, r, x, lam) = setup();
        let z = Var::new("Z", x.sort);
        let names = [(Symbol::intern("Z"), Symbol::intern("Y"))];
        let l = rename_bound(&lam, &names).expect("no capture");
        let want = Term::exists(vec![z], Term::app(r, vec![Term::var(x), Term::var(z)]));
        assert_eq!(l.body, want);
        // Renaming Y to X would capture the parameter X.
        let bad = [(Symbol::intern("X"), Symbol::intern("Y"))];
        assert_eq!(rename_bound(&lam, &bad), Err(Symbol::intern("X")));
        // A name that is no bound variable changes nothing.
        let none = [(Symbol::intern("W"), Symbol::intern("V"))];
        assert_eq!(rename_bound(&lam, &none).ok(), Some(lam));
    }

    #[test]
    fn renamed_bodies_go_to_the_first_occurrences_in_order() {
        let (f, _, _, lam) = setup();
        let z = rename_bound(&lam, &[(Symbol::intern("Z"), Symbol::intern("Y"))])
            .unwrap_or_else(|_| lam.clone());
        let c = |k: u32| Term::app(SymId(10 + k), vec![]);
        let conc = Term::and(vec![
            Term::app(f, vec![c(0)]),
            Term::app(f, vec![c(1)]),
            Term::app(f, vec![c(2)]),
        ]);
        let mut goals = vec![Goal::fact(None, None, conc)];
        unfold(
            &mut goals,
            None,
            &[(f, vec![z.clone(), lam.clone()])],
            Span::default(),
        )
        .expect("a goal");
        let want = Term::and(vec![
            z.apply(&[c(0)]),
            lam.apply(&[c(1)]),
            lam.apply(&[c(2)]),
        ]);
        assert!(alpha_eq(&goals[0].conc, &want));
        assert_eq!(goals[0].conc, want);
    }
}
