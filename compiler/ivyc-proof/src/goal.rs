//! Proof goals: a label, premises (fresh symbols and sorts, and facts,
//! which are goals themselves) and a conclusion whose free variables are
//! implicitly universal; alpha-equivalence of formulas; and the
//! flattening of a goal into the `ivyc_logic::ProofGoal` judgement that
//! is handed to the solver.

use ivyc_base::{Span, Symbol};
use ivyc_logic::{ProofGoal, Property, SortId, SymId, SymbolDecl, Term, TermKind, Var};
use std::collections::HashMap;

/// The symbol table the tactics work in (sema's, while it elaborates).
pub trait Symbols {
    /// The declaration of a symbol.
    fn decl(&self, s: SymId) -> Option<&SymbolDecl>;
    /// Adds a fresh (rigid) symbol.
    fn add(&mut self, decl: SymbolDecl) -> SymId;
    /// A formula as the user would write it (for messages).
    fn pretty(&self, t: &Term) -> String;
}

/// A premise of a goal.
#[derive(Clone, Debug, PartialEq)]
pub enum Prem {
    /// A symbol the goal binds (`individual x:t`, `relation p(X:t)`).
    Sym(SymId),
    /// A sort the goal binds (`type q`).
    Sort(SortId),
    /// A fact: a formula, or a schema with premises of its own.
    Fact(Goal),
}

/// A proof goal (or a fact, or a schema: they have the same shape).
#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    pub label: Option<Symbol>,
    pub span: Option<Span>,
    pub prems: Vec<Prem>,
    /// The conclusion; its free variables are universally quantified.
    pub conc: Term,
    /// Declared `explicit`: used by proofs only where instantiated.
    pub explicit: bool,
    /// A definition (`forall X. f(X) = e`), for `unfold`.
    pub definition: bool,
    /// The proof step that last changed the goal (for reports).
    pub via: Option<Symbol>,
}

impl Goal {
    /// A goal without premises.
    pub fn fact(label: Option<Symbol>, span: Option<Span>, conc: Term) -> Goal {
        Goal {
            label,
            span,
            prems: Vec::new(),
            conc,
            explicit: false,
            definition: false,
            via: None,
        }
    }

    /// The symbols the goal binds.
    pub fn bound_syms(&self) -> Vec<SymId> {
        self.prems
            .iter()
            .filter_map(|p| match p {
                Prem::Sym(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    /// The sorts the goal binds.
    pub fn bound_sorts(&self) -> Vec<SortId> {
        self.prems
            .iter()
            .filter_map(|p| match p {
                Prem::Sort(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    /// The facts among the premises.
    pub fn facts(&self) -> impl Iterator<Item = &Goal> {
        self.prems.iter().filter_map(|p| match p {
            Prem::Fact(g) => Some(g),
            _ => None,
        })
    }

    /// The free variables of the premises' formulas and of the
    /// conclusion, in order of first occurrence.
    pub fn free_vars(&self) -> Vec<Var> {
        let mut out: Vec<Var> = Vec::new();
        for f in self.facts() {
            for v in f.free_vars() {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        for v in self.conc.free_vars() {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// Applies `f` to every formula (premises, recursively, and the
    /// conclusion).
    pub fn map_terms(&self, f: &mut dyn FnMut(&Term) -> Term) -> Goal {
        let prems = self
            .prems
            .iter()
            .map(|p| match p {
                Prem::Fact(g) => Prem::Fact(g.map_terms(f)),
                other => other.clone(),
            })
            .collect();
        Goal {
            prems,
            conc: f(&self.conc),
            ..self.clone()
        }
    }

    /// The goal as one closed formula: `premises -> conclusion`, with the
    /// individuals it binds universally quantified (the other symbols it
    /// binds stay free: a formula valid for every value of them).
    pub fn to_formula(&self, syms: &dyn Symbols) -> Term {
        let hyps: Vec<Term> = self.facts().map(|f| f.to_formula(syms)).collect();
        let body = if hyps.is_empty() {
            self.conc.clone()
        } else {
            Term::implies(Term::and(hyps), self.conc.clone())
        };
        let body = body.close_forall();
        // Bound individuals become variables.
        let mut map = HashMap::new();
        let mut vars = Vec::new();
        for s in self.bound_syms() {
            if let Some(d) = syms.decl(s) {
                if d.args.is_empty() {
                    let v = Var {
                        name: Symbol::intern(&format!("{}#p", d.name)),
                        sort: d.ret,
                    };
                    map.insert(s, Term::var(v));
                    vars.push(v);
                }
            }
        }
        Term::forall(vars, body.replace_constants(&map))
    }

    /// The judgement handed to the solver: each fact a premise (closed),
    /// the conclusion closed over its free variables.
    pub fn judgement(&self, title: Symbol, syms: &dyn Symbols) -> ProofGoal {
        let premises = self
            .facts()
            .map(|f| Property {
                label: f.label,
                formula: f.to_formula(syms),
                span: f.span,
                explicit: false,
            })
            .collect();
        ProofGoal {
            label: self.label,
            span: self.span,
            title,
            premises,
            conclusion: self.conc.clone().close_forall(),
        }
    }
}

/// Alpha-equivalence of two formulas (bound variables renamed
/// consistently; spans ignored).
pub fn alpha_eq(a: &Term, b: &Term) -> bool {
    fn go(a: &Term, b: &Term, env: &mut Vec<(Var, Var)>) -> bool {
        use TermKind as K;
        match (&a.kind, &b.kind) {
            (K::Var(x), K::Var(y)) => {
                for (p, q) in env.iter().rev() {
                    if p == x || q == y {
                        return p == x && q == y;
                    }
                }
                x == y
            }
            (K::Forall(xs, p), K::Forall(ys, q)) | (K::Exists(xs, p), K::Exists(ys, q)) => {
                if xs.len() != ys.len() || xs.iter().zip(ys).any(|(x, y)| x.sort != y.sort) {
                    return false;
                }
                let n = env.len();
                env.extend(xs.iter().copied().zip(ys.iter().copied()));
                let r = go(p, q, env);
                env.truncate(n);
                r
            }
            (K::App(f, xs), K::App(g, ys)) => f == g && all(xs, ys, env),
            (K::Builtin(o, xs), K::Builtin(p, ys)) => o == p && all(xs, ys, env),
            (K::And(xs), K::And(ys)) | (K::Or(xs), K::Or(ys)) => all(xs, ys, env),
            (K::Eq(a1, a2), K::Eq(b1, b2))
            | (K::Implies(a1, a2), K::Implies(b1, b2))
            | (K::Iff(a1, a2), K::Iff(b1, b2)) => go(a1, b1, env) && go(a2, b2, env),
            (K::Not(x), K::Not(y)) => go(x, y, env),
            (K::Ite(c, t, e), K::Ite(d, u, f)) => go(c, d, env) && go(t, u, env) && go(e, f, env),
            (x, y) => x == y,
        }
    }
    fn all(xs: &[Term], ys: &[Term], env: &mut Vec<(Var, Var)>) -> bool {
        xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| go(x, y, env))
    }
    go(a, b, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::SortId;

    #[test]
    fn alpha_equivalence_renames_bound_variables_only() {
        let s = SortId::BOOL;
        let (x, y) = (Var::new("X", s), Var::new("Y", s));
        let a = Term::forall(vec![x], Term::var(x));
        let b = Term::forall(vec![y], Term::var(y));
        assert!(alpha_eq(&a, &b));
        assert!(!alpha_eq(&Term::var(x), &Term::var(y)));
        let c = Term::forall(vec![y], Term::var(x));
        assert!(!alpha_eq(&a, &c));
    }
}
