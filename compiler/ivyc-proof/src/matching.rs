//! Matching a schema's conclusion against a goal's: the schema's symbols
//! and free variables are the unknowns; a symbol applied to arguments
//! matches any term, as the lambda that abstracts the arguments'
//! occurrences (Ivy's second-order pattern matching); bound variables
//! match bound variables. A match is a substitution (`Subst`), applied
//! to the whole schema; the caller checks that the instance's conclusion
//! is the goal's up to alpha-equivalence, so a match can only be
//! incomplete, never unsound.

use crate::goal::{Goal, Prem, Symbols};
use ivyc_base::Symbol;
use ivyc_logic::{Lambda, SymId, Term, TermKind, Var};
use std::collections::{HashMap, HashSet};

/// A value given to an unknown of a schema (`with` bindings or matching).
#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    /// A symbol of the schema: `p(X) = e`, `x = e`.
    Sym(SymId, Lambda),
    /// A variable of the schema: `X = e`.
    Var(Var, Term),
}

/// A substitution of symbols by lambdas and variables by terms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Subst {
    pub syms: HashMap<SymId, Lambda>,
    pub vars: HashMap<Var, Term>,
}

impl Subst {
    pub fn from_bindings(bs: &[Binding]) -> Subst {
        let mut s = Subst::default();
        for b in bs {
            match b {
                Binding::Sym(f, l) => {
                    s.syms.insert(*f, l.clone());
                }
                Binding::Var(v, t) => {
                    s.vars.insert(*v, t.clone());
                }
            }
        }
        s
    }

    pub fn apply(&self, t: &Term) -> Term {
        t.subst_symbols(&self.syms).subst_vars(&self.vars)
    }

    /// Applies the substitution to a goal; the symbols it gives a value
    /// are no longer bound by the goal.
    pub fn apply_goal(&self, g: &Goal) -> Goal {
        let prems = g
            .prems
            .iter()
            .filter(|p| !matches!(p, Prem::Sym(s) if self.syms.contains_key(s)))
            .map(|p| match p {
                Prem::Fact(f) => Prem::Fact(self.apply_goal(f)),
                other => other.clone(),
            })
            .collect();
        Goal {
            prems,
            conc: self.apply(&g.conc),
            ..g.clone()
        }
    }
}

/// The unknowns of a match.
pub struct Unknowns {
    pub syms: HashSet<SymId>,
    pub vars: HashSet<Var>,
}

/// Matches `pat` (over the unknowns) against `inst`, extending `subst`.
/// Returns false when they cannot match.
pub fn match_terms(
    pat: &Term,
    inst: &Term,
    unknowns: &Unknowns,
    subst: &mut Subst,
    syms: &dyn Symbols,
) -> bool {
    // First-order pass: variables to the terms at the same place
    // (ignoring the places under unknown symbols), then the full match.
    let mut fo = subst.clone();
    if go(pat, inst, unknowns, &mut fo, &mut Vec::new(), syms, true) {
        *subst = fo;
    }
    go(pat, inst, unknowns, subst, &mut Vec::new(), syms, false)
}

#[allow(clippy::too_many_arguments)]
fn go(
    pat: &Term,
    inst: &Term,
    u: &Unknowns,
    s: &mut Subst,
    bound: &mut Vec<(Var, Var)>,
    syms: &dyn Symbols,
    first_order: bool,
) -> bool {
    use TermKind as K;
    let inst_bound: Vec<Var> = bound.iter().map(|(_, b)| *b).collect();
    let closed_here = |t: &Term| t.free_vars().iter().all(|v| !inst_bound.contains(v));
    match (&pat.kind, &inst.kind) {
        (K::Var(x), _) => {
            if let Some((_, y)) = bound.iter().rev().find(|(p, _)| p == x) {
                return matches!(&inst.kind, K::Var(z) if z == y);
            }
            if u.vars.contains(x) {
                if let Some(v) = s.vars.get(x) {
                    return crate::goal::alpha_eq(v, inst);
                }
                if !closed_here(inst) || inst.sort_of_with(syms) != Some(x.sort) {
                    return first_order;
                }
                s.vars.insert(*x, inst.clone());
                return true;
            }
            matches!(&inst.kind, K::Var(y) if y == x && !inst_bound.contains(y))
        }
        (K::App(f, args), _) if u.syms.contains(f) => {
            if first_order {
                return true;
            }
            let args: Vec<Term> = args.iter().map(|a| s.apply(a)).collect();
            let Some(lam) = abstract_terms(inst, &args, syms) else {
                return false;
            };
            if !closed_here(&lam.body) {
                return false;
            }
            match s.syms.get(f) {
                Some(old) => lambda_eq(old, &lam),
                None => {
                    s.syms.insert(*f, lam);
                    true
                }
            }
        }
        (K::App(f, xs), K::App(g, ys)) => {
            if f != g {
                return first_order;
            }
            all(xs, ys, u, s, bound, syms, first_order)
        }
        (K::Builtin(o, xs), K::Builtin(p, ys)) => {
            if o != p {
                return first_order;
            }
            all(xs, ys, u, s, bound, syms, first_order)
        }
        (K::And(xs), K::And(ys)) | (K::Or(xs), K::Or(ys)) => {
            all(xs, ys, u, s, bound, syms, first_order)
        }
        (K::Eq(a1, a2), K::Eq(b1, b2))
        | (K::Implies(a1, a2), K::Implies(b1, b2))
        | (K::Iff(a1, a2), K::Iff(b1, b2)) => {
            go(a1, b1, u, s, bound, syms, first_order) && go(a2, b2, u, s, bound, syms, first_order)
        }
        (K::Not(x), K::Not(y)) => go(x, y, u, s, bound, syms, first_order),
        (K::Ite(c, t, e), K::Ite(d, v, f)) => {
            go(c, d, u, s, bound, syms, first_order)
                && go(t, v, u, s, bound, syms, first_order)
                && go(e, f, u, s, bound, syms, first_order)
        }
        (K::Forall(xs, p), K::Forall(ys, q)) | (K::Exists(xs, p), K::Exists(ys, q)) => {
            if xs.len() != ys.len() || xs.iter().zip(ys).any(|(x, y)| x.sort != y.sort) {
                return first_order;
            }
            let n = bound.len();
            bound.extend(xs.iter().copied().zip(ys.iter().copied()));
            let r = go(p, q, u, s, bound, syms, first_order);
            bound.truncate(n);
            r
        }
        (x, y) => x == y || first_order,
    }
}

#[allow(clippy::too_many_arguments)]
fn all(
    xs: &[Term],
    ys: &[Term],
    u: &Unknowns,
    s: &mut Subst,
    bound: &mut Vec<(Var, Var)>,
    syms: &dyn Symbols,
    first_order: bool,
) -> bool {
    if xs.len() != ys.len() {
        return first_order;
    }
    xs.iter()
        .zip(ys)
        .all(|(x, y)| go(x, y, u, s, bound, syms, first_order))
}

/// Two lambdas equal up to the names of their parameters.
fn lambda_eq(a: &Lambda, b: &Lambda) -> bool {
    if a.params.len() != b.params.len() {
        return false;
    }
    let args: Vec<Term> = a.params.iter().map(|v| Term::var(*v)).collect();
    crate::goal::alpha_eq(&a.body, &b.apply(&args))
}

/// `lambda V1..Vn. body` with `body[Vi := args[i]] = inst`: the
/// occurrences of each argument in `inst` replaced by a fresh variable.
fn abstract_terms(inst: &Term, args: &[Term], syms: &dyn Symbols) -> Option<Lambda> {
    let mut used: HashSet<Symbol> = inst.free_vars().iter().map(|v| v.name).collect();
    let mut params = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let sort = a.sort_of_with(syms)?;
        let mut k = i;
        let name = loop {
            let n = Symbol::intern(&format!("V{k}"));
            if !used.contains(&n) {
                break n;
            }
            k += 1;
        };
        used.insert(name);
        params.push(Var { name, sort });
    }
    let body = replace(inst, args, &params);
    Some(Lambda::new(params, body))
}

fn replace(t: &Term, args: &[Term], params: &[Var]) -> Term {
    for (a, v) in args.iter().zip(params) {
        if t == a {
            return Term::var(*v).with_span(t.span);
        }
    }
    if let TermKind::Forall(vs, _) | TermKind::Exists(vs, _) = &t.kind {
        // An argument mentioning a variable bound here cannot occur below.
        let keep: Vec<(Term, Var)> = args
            .iter()
            .zip(params)
            .filter(|(a, _)| a.free_vars().iter().all(|x| !vs.contains(x)))
            .map(|(a, p)| (a.clone(), *p))
            .collect();
        let (a2, p2): (Vec<Term>, Vec<Var>) = keep.into_iter().unzip();
        return t.map_children(&mut |c| replace(c, &a2, &p2));
    }
    t.map_children(&mut |c| replace(c, args, params))
}

/// The sort of a term given the symbol table.
pub trait SortOf {
    fn sort_of_with(&self, syms: &dyn Symbols) -> Option<ivyc_logic::SortId>;
}

impl SortOf for Term {
    fn sort_of_with(&self, syms: &dyn Symbols) -> Option<ivyc_logic::SortId> {
        use ivyc_logic::SortId;
        Some(match &self.kind {
            TermKind::Num(_, s) | TermKind::Str(_, s) => *s,
            TermKind::Var(v) => v.sort,
            TermKind::App(f, _) => syms.decl(*f)?.ret,
            TermKind::Ite(_, t, _) => t.sort_of_with(syms)?,
            TermKind::Builtin(op, args) => {
                if op.is_comparison() {
                    SortId::BOOL
                } else {
                    args.first()?.sort_of_with(syms)?
                }
            }
            _ => SortId::BOOL,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{Role, SortId, SymbolDecl};

    struct Table(Vec<SymbolDecl>);
    impl Symbols for Table {
        fn decl(&self, s: SymId) -> Option<&SymbolDecl> {
            self.0.get(s.index())
        }
        fn add(&mut self, d: SymbolDecl) -> SymId {
            self.0.push(d);
            SymId(u32::try_from(self.0.len() - 1).unwrap_or(0))
        }
        fn pretty(&self, t: &Term) -> String {
            format!("{t:?}")
        }
    }

    #[test]
    fn second_order_unknown_matches_by_abstraction() {
        let t = SortId(5);
        let mut tab = Table(Vec::new());
        let p = tab.add(SymbolDecl::new(
            Symbol::intern("p"),
            vec![t],
            SortId::BOOL,
            Role::Rigid,
        ));
        let q = tab.add(SymbolDecl::new(
            Symbol::intern("q"),
            vec![t, t],
            SortId::BOOL,
            Role::Rigid,
        ));
        let x = Var::new("X", t);
        let y = Var::new("Y", t);
        let pat = Term::app(p, vec![Term::var(x)]);
        let inst = Term::app(q, vec![Term::var(x), Term::var(y)]);
        let u = Unknowns {
            syms: [p].into_iter().collect(),
            vars: [x].into_iter().collect(),
        };
        let mut s = Subst::default();
        assert!(match_terms(&pat, &inst, &u, &mut s, &tab));
        assert!(crate::goal::alpha_eq(&s.apply(&pat), &inst));
    }
}
