//! Bounded sorts: the `--bound SORT=N` cardinality axiom
//! `forall X. X = c1 | ... | X = cN` over fresh constants; the default
//! bounds chosen when the user gives none; and the grounding of quantifiers
//! over bounded (and enumerated) sorts into finite conjunctions and
//! disjunctions over those constants, which the cardinality axiom makes
//! equivalent (see docs/bmc.md).

use ivyc_base::Symbol;
use ivyc_logic::{Role, Signature, SortId, SortKind, SymId, System, Term, TermKind, Var};
use std::collections::HashMap;

/// Adds fresh rigid constants `c1..cN` of `sort` to `sig` and returns the
/// axiom saying every element is one of them, with the constants (so
/// callers can hide them from traces). `n` is at least 1.
pub fn cardinality_axiom(sig: &mut Signature, sort: SortId, n: u32) -> (Term, Vec<SymId>) {
    let base = Symbol::intern(&format!("{}.bound", sig.sort_name(sort)));
    let consts: Vec<SymId> = (0..n.max(1))
        .map(|_| sig.fresh_symbol(base, vec![], sort, Role::Rigid))
        .collect();
    let x = Var::new("X", sort);
    let body = Term::or(
        consts
            .iter()
            .map(|&c| Term::eq(Term::var(x), Term::constant(c))),
    );
    (Term::forall(vec![x], body), consts)
}

/// The bound a sort gets when the user gives none: 3 elements, or 2 for a
/// sort that no symbol of the system and no action takes two arguments of
/// (a sort whose elements are only told apart, such as values: two suffice
/// to show that two things differ). Every uninterpreted sort of the system
/// gets one, in signature order.
pub fn default_bounds(sys: &System) -> Vec<(SortId, u32)> {
    let sig = &sys.sig;
    let twice = |sort: SortId| {
        let symbols = sig.symbols().any(|(_, d)| {
            d.role != Role::Local && d.args.iter().filter(|&&a| a == sort).count() >= 2
        });
        let actions = sys.actions.iter().any(|a| {
            a.params
                .iter()
                .filter(|&&p| sig.symbol(p).ret == sort)
                .count()
                >= 2
        });
        symbols || actions
    };
    sig.sorts()
        .filter(|(_, d)| matches!(d.kind, SortKind::Uninterpreted))
        .map(|(s, _)| (s, if twice(s) { 3 } else { 2 }))
        .collect()
}

/// A quantifier whose expansion would have more than this many term nodes
/// stays a quantifier (still exact: the solver instantiates it).
const MAX_EXPANSION: usize = 200_000;

/// The grounding of quantifiers over finite sorts: a bounded sort's
/// elements are among its bound constants (by the cardinality axiom), an
/// enumerated sort's are its constructors, so `forall X. φ` is equivalent
/// to the conjunction of `φ[c/X]` over those terms and `exists X. φ` to the
/// disjunction.
#[derive(Clone, Debug, Default)]
pub struct Grounding {
    elems: HashMap<SortId, Vec<Term>>,
}

impl Grounding {
    /// Grounding over the given bounded sorts (with their bound constants)
    /// and every enumerated sort of `sig`.
    pub fn new(sig: &Signature, bounded: &[(SortId, Vec<SymId>)]) -> Grounding {
        let mut elems: HashMap<SortId, Vec<Term>> = HashMap::new();
        for (sort, consts) in bounded {
            elems.insert(*sort, consts.iter().map(|&c| Term::constant(c)).collect());
        }
        for (sort, d) in sig.sorts() {
            if let SortKind::Enum(ctors) = &d.kind {
                let terms: Option<Vec<Term>> = (0..ctors.len())
                    .map(|i| sig.enum_ctor(sort, i).map(Term::constant))
                    .collect();
                if let Some(terms) = terms {
                    elems.insert(sort, terms);
                }
            }
        }
        Grounding { elems }
    }

    /// `t` with every quantifier over a finite sort expanded (quantifiers
    /// over other sorts kept, their bodies grounded).
    pub fn ground(&self, t: &Term) -> Term {
        if self.elems.is_empty() {
            return t.clone();
        }
        self.rec(t, &HashMap::new())
    }

    /// Whether [`Grounding::ground`] would leave a quantifier in `t` (one
    /// over an infinite sort, or one whose expansion is too large): decided
    /// without grounding.
    pub fn keeps_quantifier(&self, t: &Term) -> bool {
        let mut keeps = false;
        let mut stack = vec![t];
        while let Some(x) = stack.pop() {
            match &x.kind {
                TermKind::Forall(vs, b) | TermKind::Exists(vs, b) => {
                    if !self.expands_all(vs, b) {
                        keeps = true;
                        break;
                    }
                    stack.push(b);
                }
                TermKind::App(_, xs) | TermKind::Builtin(_, xs) => stack.extend(xs.iter()),
                TermKind::And(xs) | TermKind::Or(xs) => stack.extend(xs.iter()),
                TermKind::Eq(a, b) | TermKind::Implies(a, b) | TermKind::Iff(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                TermKind::Not(a) => stack.push(a),
                TermKind::Ite(c, a, b) => {
                    stack.push(c);
                    stack.push(a);
                    stack.push(b);
                }
                TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) | TermKind::Var(_) => {}
            }
        }
        keeps
    }

    /// Whether a quantifier over `vs` with `body` is expanded entirely.
    fn expands_all(&self, vs: &[Var], body: &Term) -> bool {
        if self.elems.is_empty() || !vs.iter().all(|v| self.elems.contains_key(&v.sort)) {
            return false;
        }
        vs.iter()
            .try_fold(1usize, |n, v| {
                n.checked_mul(self.elems.get(&v.sort).map_or(1, Vec::len))
            })
            .and_then(|n| n.checked_mul(body.size()))
            .is_some_and(|size| size <= MAX_EXPANSION)
    }

    fn rec(&self, t: &Term, env: &HashMap<Var, Term>) -> Term {
        let g = |x: &Term| self.rec(x, env);
        match &t.kind {
            TermKind::Bool(_) | TermKind::Num(..) | TermKind::Str(..) => t.clone(),
            TermKind::Var(v) => env.get(v).cloned().unwrap_or_else(|| t.clone()),
            TermKind::App(s, xs) => Term::app(*s, xs.iter().map(g).collect()),
            TermKind::Builtin(o, xs) => Term::builtin(*o, xs.iter().map(g).collect()),
            TermKind::Eq(a, b) => Term::eq(g(a), g(b)),
            TermKind::Not(a) => Term::not(g(a)),
            TermKind::And(xs) => Term::and(xs.iter().map(g)),
            TermKind::Or(xs) => Term::or(xs.iter().map(g)),
            TermKind::Implies(a, b) => Term::implies(g(a), g(b)),
            TermKind::Iff(a, b) => Term::iff(g(a), g(b)),
            TermKind::Ite(c, a, b) => Term::ite(g(c), g(a), g(b)),
            TermKind::Forall(vs, b) => self.quantifier(vs, b, env, true),
            TermKind::Exists(vs, b) => self.quantifier(vs, b, env, false),
        }
    }

    fn quantifier(
        &self,
        vs: &[Var],
        body: &Term,
        env: &HashMap<Var, Term>,
        universal: bool,
    ) -> Term {
        // The binders shadow outer bindings of the same variables.
        let mut inner = env.clone();
        for v in vs {
            inner.remove(v);
        }
        let (expand, keep): (Vec<Var>, Vec<Var>) =
            vs.iter().partition(|v| self.elems.contains_key(&v.sort));
        let instances = expand.iter().try_fold(1usize, |n, v| {
            n.checked_mul(self.elems.get(&v.sort).map_or(1, Vec::len))
        });
        let small = instances
            .and_then(|n| n.checked_mul(body.size()))
            .is_some_and(|size| size <= MAX_EXPANSION);
        let wrap = |keep: Vec<Var>, b: Term| {
            if universal {
                Term::forall(keep, b)
            } else {
                Term::exists(keep, b)
            }
        };
        if expand.is_empty() || !small {
            return wrap(vs.to_vec(), self.rec(body, &inner));
        }
        let mut parts = Vec::new();
        let mut choice = vec![0usize; expand.len()];
        'all: loop {
            let mut env2 = inner.clone();
            for (v, &c) in expand.iter().zip(&choice) {
                if let Some(e) = self.elems.get(&v.sort).and_then(|es| es.get(c)) {
                    env2.insert(*v, e.clone());
                }
            }
            parts.push(self.rec(body, &env2));
            // Next combination (the last variable fastest).
            let mut i = expand.len();
            loop {
                if i == 0 {
                    break 'all;
                }
                i -= 1;
                choice[i] += 1;
                if choice[i] < self.elems.get(&expand[i].sort).map_or(1, Vec::len) {
                    break;
                }
                choice[i] = 0;
            }
        }
        let joined = if universal {
            Term::and(parts)
        } else {
            Term::or(parts)
        };
        wrap(keep, joined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::brute::BruteForce;
    use ivyc_logic::{Answer, Solver};

    #[test]
    fn bound_limits_the_universe() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let (ax, consts) = cardinality_axiom(&mut sig, node, 1);
        assert_eq!(consts.len(), 1);
        // With at most one node, two nodes are always equal.
        let a = sig.fresh_symbol(Symbol::intern("a"), vec![], node, Role::Rigid);
        let b = sig.fresh_symbol(Symbol::intern("b"), vec![], node, Role::Rigid);
        let goal = Term::eq(Term::constant(a), Term::constant(b));
        let mut s = BruteForce {
            exhaustive_means_unsat: true,
            ..BruteForce::default()
        };
        assert_eq!(s.check(&sig, &[ax], &goal, 1000), Answer::Unsat);
        assert!(matches!(s.check(&sig, &[], &goal, 1000), Answer::Sat(_)));
    }

    #[test]
    fn grounding_expands_bounded_and_enumerated_quantifiers_only() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let id = sig.add_uninterpreted_sort("id");
        let (color, _) = sig.add_enum_sort(
            Symbol::intern("color"),
            &[Symbol::intern("red"), Symbol::intern("green")],
            None,
        );
        let r = sig.fresh_symbol(
            Symbol::intern("r"),
            vec![node, id],
            SortId::BOOL,
            Role::State,
        );
        let p = sig.fresh_symbol(Symbol::intern("p"), vec![color], SortId::BOOL, Role::State);
        let (_, consts) = cardinality_axiom(&mut sig, node, 2);
        let g = Grounding::new(&sig, &[(node, consts.clone())]);
        let (x, y, c) = (Var::new("X", node), Var::new("Y", id), Var::new("C", color));
        // forall X:node, Y:id. r(X, Y)  ->  forall Y. r(c1, Y) & r(c2, Y)
        let t = Term::forall(vec![x, y], Term::app_vars(r, &[x, y]));
        let expected = Term::forall(
            vec![y],
            Term::and(
                consts
                    .iter()
                    .map(|&k| Term::app(r, vec![Term::constant(k), Term::var(y)])),
            ),
        );
        assert_eq!(g.ground(&t), expected);
        // Y ranges over an unbounded sort: a quantifier stays.
        assert!(g.keeps_quantifier(&t));
        assert!(!g.keeps_quantifier(&Term::exists(vec![c], Term::app_vars(p, &[c]))));
        // exists C:color. p(C)  ->  p(red) | p(green)
        let e = g.ground(&Term::exists(vec![c], Term::app_vars(p, &[c])));
        let TermKind::Or(xs) = &e.kind else {
            panic!("a disjunction: {e:?}");
        };
        assert_eq!(xs.len(), 2);
        assert!(e.free_vars().is_empty());
        // A free variable stays free; an inner binder shadows an outer one.
        let shadow = Term::forall(
            vec![x],
            Term::and([
                Term::app_vars(r, &[x, y]),
                Term::exists(vec![x], Term::app_vars(r, &[x, y])),
            ]),
        );
        let gs = g.ground(&shadow);
        assert_eq!(gs.free_vars(), vec![y]);
        let mut quantified = false;
        gs.visit(|t| quantified |= matches!(t.kind, TermKind::Forall(..) | TermKind::Exists(..)));
        assert!(!quantified, "{gs:?}");
        assert!(!g.keeps_quantifier(&shadow));
    }

    #[test]
    fn default_bounds_give_three_to_sorts_taken_twice() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let value = sig.add_uninterpreted_sort("value");
        sig.fresh_symbol(
            Symbol::intern("link"),
            vec![node, node],
            SortId::BOOL,
            Role::State,
        );
        sig.fresh_symbol(
            Symbol::intern("holds"),
            vec![node, value],
            SortId::BOOL,
            Role::State,
        );
        let sys = System::new(sig);
        assert_eq!(default_bounds(&sys), vec![(node, 3), (value, 2)]);
    }
}
