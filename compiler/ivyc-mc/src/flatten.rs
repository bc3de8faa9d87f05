//! Flattening a formula over finite sorts into a propositional-like one:
//! quantifiers become conjunctions/disjunctions over the values of their
//! sorts, and every application `f(args)` of a function or relation over
//! finite sorts becomes a 0-ary *scalar* symbol `f(v1,...,vn)` when the
//! arguments are values, or a decision table (`ite` over the argument
//! values) when they are not (Ivy's model checker does the same: table
//! lookups and quantifier expansion).

use crate::error::McError;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Role, Signature, SortId, SortKind, SymId, Term, TermKind, Var};
use std::collections::HashMap;

/// At most this many values are enumerated for one sort (bit vectors of
/// more than 16 bits are refused where they must be enumerated).
pub const MAX_VALUES: usize = 1 << 16;

/// At most this many scalars (state bits and their versions) or
/// quantifier instances in one flattening.
pub const MAX_INSTANCES: usize = 2_000_000;

/// The values of a finite sort, as terms (`None` if the sort is not
/// finite, or has more than [`MAX_VALUES`] values).
pub fn values(sig: &Signature, sort: SortId) -> Option<Vec<Term>> {
    match sig.sort_kind(sort) {
        SortKind::Bool => Some(vec![Term::fls(), Term::tru()]),
        SortKind::Enum(ctors) => (0..ctors.len())
            .map(|i| sig.enum_ctor(sort, i).map(Term::constant))
            .collect(),
        SortKind::Range { lo, hi } => {
            // A symbolic upper bound has no fixed set of values.
            let hi = hi.num()?;
            let n = usize::try_from(hi.checked_sub(*lo)?.checked_add(1)?).ok()?;
            (n <= MAX_VALUES).then(|| (*lo..=hi).map(|i| Term::num(i, sort)).collect())
        }
        SortKind::BitVec(w) if *w <= 16 => {
            Some((0..(1i128 << w)).map(|i| Term::num(i, sort)).collect())
        }
        _ => None,
    }
}

/// Whether values of the sort are finitely many (however many). A range
/// whose upper bound is a symbol (`{0..max}`) is not: its values depend on
/// the parameter, which may be any integer `>= lo`.
pub fn is_finite(sig: &Signature, sort: SortId) -> bool {
    match sig.sort_kind(sort) {
        SortKind::Range { hi, .. } => hi.num().is_some(),
        k => matches!(k, SortKind::Bool | SortKind::Enum(_) | SortKind::BitVec(_)),
    }
}

/// The index of `t` among [`values`] of its sort, if `t` is a value.
fn value_index(sig: &Signature, sort: SortId, t: &Term) -> Option<usize> {
    match (&t.kind, sig.sort_kind(sort)) {
        (TermKind::Bool(b), SortKind::Bool) => Some(usize::from(*b)),
        (TermKind::App(c, args), SortKind::Enum(_)) if args.is_empty() => sig.enum_ctor_index(*c),
        (TermKind::Num(n, _), SortKind::Range { lo, hi }) if hi.num().is_some() => {
            usize::try_from(n - lo).ok()
        }
        (TermKind::Num(n, _), SortKind::BitVec(_)) => usize::try_from(*n).ok(),
        _ => None,
    }
}

/// The short text of a value, for scalar names.
fn value_text(sig: &Signature, t: &Term) -> String {
    match &t.kind {
        TermKind::Bool(b) => b.to_string(),
        TermKind::Num(n, _) => n.to_string(),
        TermKind::App(c, _) => sig.symbol_name(*c).to_string(),
        _ => "?".into(),
    }
}

/// Flattens terms into a growing signature (the input signature plus the
/// scalars), remembering what each scalar stands for.
pub struct Flattener {
    pub sig: Signature,
    scalars: HashMap<(SymId, Vec<usize>), SymId>,
    /// For every scalar: the symbol and the argument values it stands for.
    pub origin: HashMap<SymId, (SymId, Vec<Term>)>,
    work: usize,
}

impl Flattener {
    pub fn new(sig: Signature) -> Flattener {
        Flattener {
            sig,
            scalars: HashMap::new(),
            origin: HashMap::new(),
            work: 0,
        }
    }

    fn spend(&mut self, n: usize, span: Option<Span>) -> Result<(), McError> {
        self.work = self.work.saturating_add(n);
        if self.work > MAX_INSTANCES {
            return Err(McError::TooLarge {
                what: "quantifier instances and state bits".into(),
                limit: MAX_INSTANCES,
                span,
            });
        }
        Ok(())
    }

    /// The values of `sort`, or the error naming `what` needs it.
    pub fn domain(
        &self,
        sort: SortId,
        what: impl FnOnce() -> String,
        span: Option<Span>,
    ) -> Result<Vec<Term>, McError> {
        match values(&self.sig, sort) {
            Some(v) => Ok(v),
            None if is_finite(&self.sig, sort) => Err(McError::TooLarge {
                what: format!(
                    "the sort `{}` has too many values",
                    self.sig.sort_name(sort)
                ),
                limit: MAX_VALUES,
                span,
            }),
            None => Err(McError::InfiniteSort {
                sort: Symbol::intern(self.sig.sort_name(sort)),
                what: what(),
                span,
            }),
        }
    }

    /// The scalar standing for `sym(vals)` (`vals` are values of the
    /// argument sorts, `idx` their indices).
    pub fn scalar(&mut self, sym: SymId, vals: &[Term], idx: Vec<usize>) -> SymId {
        if vals.is_empty() {
            return sym;
        }
        if let Some(&s) = self.scalars.get(&(sym, idx.clone())) {
            return s;
        }
        let d = self.sig.symbol(sym).clone();
        let args: Vec<String> = vals.iter().map(|v| value_text(&self.sig, v)).collect();
        let name = Symbol::intern(&format!("{}({})", d.name, args.join(",")));
        let role = if d.role == Role::EnumCtor {
            Role::Rigid
        } else {
            d.role
        };
        // `r(a)` as the scalar's name, unless the program has that name.
        let s = if self.sig.lookup_symbol(name.as_str()).is_none() {
            self.sig
                .add_symbol(ivyc_logic::SymbolDecl::new(name, vec![], d.ret, role))
        } else {
            self.sig.fresh_symbol(name, vec![], d.ret, role)
        };
        self.scalars.insert((sym, idx), s);
        self.origin.insert(s, (sym, vals.to_vec()));
        s
    }

    /// Every scalar of `sym` (one per tuple of argument values), with the
    /// argument values and their indices, in lexicographic order.
    #[allow(clippy::type_complexity)]
    pub fn all_scalars(
        &mut self,
        sym: SymId,
        span: Option<Span>,
    ) -> Result<Vec<(SymId, Vec<Term>, Vec<usize>)>, McError> {
        let d = self.sig.symbol(sym).clone();
        let name = d.name;
        let mut doms = Vec::new();
        for &a in &d.args {
            doms.push(self.domain(a, || format!("the symbol `{name}`"), span)?);
        }
        let mut out = Vec::new();
        for tuple in product(&doms) {
            self.spend(1, span)?;
            let vals: Vec<Term> = tuple.iter().map(|&(i, _)| doms[i.0][i.1].clone()).collect();
            let idx: Vec<usize> = tuple.iter().map(|&(i, _)| i.1).collect();
            out.push((self.scalar(sym, &vals, idx.clone()), vals, idx));
        }
        Ok(out)
    }

    /// The flattened form of a closed formula or term.
    pub fn flat(&mut self, t: &Term) -> Result<Term, McError> {
        match &t.kind {
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let forall = matches!(t.kind, TermKind::Forall(..));
                let mut doms = Vec::new();
                for v in vs {
                    doms.push(self.domain(
                        v.sort,
                        || format!("the variable `{}`", v.name),
                        t.span,
                    )?);
                }
                let mut insts = Vec::new();
                for tuple in product(&doms) {
                    self.spend(1, t.span)?;
                    let map: HashMap<Var, Term> = vs
                        .iter()
                        .zip(&tuple)
                        .map(|(v, &(i, _))| (*v, doms[i.0][i.1].clone()))
                        .collect();
                    insts.push(self.flat(&body.subst_vars(&map))?);
                }
                Ok(if forall {
                    Term::and(insts)
                } else {
                    Term::or(insts)
                })
            }
            TermKind::App(f, args) if !args.is_empty() => {
                let mut fargs = Vec::with_capacity(args.len());
                for a in args {
                    fargs.push(self.flat(a)?);
                }
                self.lookup(*f, fargs, t.span)
            }
            _ => {
                let mut err = None;
                let out = t.map_children(&mut |c| match self.flat(c) {
                    Ok(x) => x,
                    Err(e) => {
                        err.get_or_insert(e);
                        Term::tru()
                    }
                });
                match err {
                    Some(e) => Err(e),
                    None => Ok(out),
                }
            }
        }
    }

    /// `f(args)` (arguments flattened): a scalar, or a decision table over
    /// the arguments that are not values.
    fn lookup(&mut self, f: SymId, args: Vec<Term>, span: Option<Span>) -> Result<Term, McError> {
        let d = self.sig.symbol(f).clone();
        let name = d.name;
        let mut doms = Vec::new();
        let mut fixed = Vec::new();
        for (a, &s) in args.iter().zip(&d.args) {
            match value_index(&self.sig, s, a) {
                Some(i) => {
                    fixed.push(Some(i));
                    doms.push(vec![a.clone()]);
                }
                None => {
                    fixed.push(None);
                    doms.push(self.domain(s, || format!("the symbol `{name}`"), span)?);
                }
            }
        }
        let mut leaves = Vec::new();
        for tuple in product(&doms) {
            self.spend(1, span)?;
            let vals: Vec<Term> = tuple.iter().map(|&(i, _)| doms[i.0][i.1].clone()).collect();
            let idx: Vec<usize> = tuple
                .iter()
                .zip(&fixed)
                .map(|(&(i, _), fx)| fx.unwrap_or(i.1))
                .collect();
            let cond = Term::and(
                args.iter()
                    .zip(&vals)
                    .zip(&fixed)
                    .filter(|(_, fx)| fx.is_none())
                    .map(|((a, v), _)| Term::eq(a.clone(), v.clone())),
            );
            let s = self.scalar(f, &vals, idx);
            leaves.push((cond, Term::constant(s)));
        }
        let Some((_, last)) = leaves.pop() else {
            return Ok(Term::app(f, args));
        };
        Ok(leaves
            .into_iter()
            .rev()
            .fold(last, |acc, (c, v)| Term::ite(c, v, acc)))
    }
}

/// The cartesian product of the domains, as tuples of
/// `((domain, index), ())` (indices into `doms`).
#[allow(clippy::type_complexity)]
fn product(doms: &[Vec<Term>]) -> Vec<Vec<((usize, usize), ())>> {
    let mut out: Vec<Vec<((usize, usize), ())>> = vec![Vec::new()];
    for (d, dom) in doms.iter().enumerate() {
        let mut next = Vec::with_capacity(out.len() * dom.len());
        for prefix in &out {
            for i in 0..dom.len() {
                let mut p = prefix.clone();
                p.push(((d, i), ()));
                next.push(p);
            }
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::BuiltinOp;

    #[test]
    fn quantifiers_expand_and_applications_become_scalars() {
        let mut sig = Signature::new();
        let (c, _) = sig.add_enum_sort(
            Symbol::intern("c"),
            &[Symbol::intern("a"), Symbol::intern("b")],
            None,
        );
        let r = sig.add_symbol(ivyc_logic::SymbolDecl::new(
            Symbol::intern("r"),
            vec![c],
            SortId::BOOL,
            Role::State,
        ));
        let x = Var::new("X", c);
        let t = Term::forall(vec![x], Term::app_vars(r, &[x]));
        let mut f = Flattener::new(sig);
        let flat = f.flat(&t).expect("finite");
        assert_eq!(f.sig.symbol_name(flat.symbols()[0]), "r(a)");
        assert_eq!(flat.symbols().len(), 2);
        assert!(flat.free_vars().is_empty());
    }

    #[test]
    fn a_non_value_argument_gives_a_table() {
        let mut sig = Signature::new();
        let s = sig.add_sort(ivyc_logic::SortDecl {
            name: Symbol::intern("s"),
            kind: SortKind::Range {
                lo: 0,
                hi: ivyc_logic::Bound::Num(2),
            },
            span: None,
        });
        let f = sig.fresh_symbol(Symbol::intern("f"), vec![s], s, Role::State);
        let n = sig.fresh_symbol(Symbol::intern("n"), vec![], s, Role::Local);
        let t = Term::builtin(
            BuiltinOp::Lt,
            vec![Term::app(f, vec![Term::constant(n)]), Term::num(2, s)],
        );
        let mut fl = Flattener::new(sig);
        let flat = fl.flat(&t).expect("finite");
        // f(0), f(1), f(2) and n.
        assert_eq!(flat.symbols().len(), 4);
    }

    #[test]
    fn uninterpreted_sorts_are_refused() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let x = Var::new("X", node);
        let t = Term::forall(vec![x], Term::app_vars(r, &[x]));
        let e = Flattener::new(sig).flat(&t).expect_err("infinite");
        assert!(matches!(e, McError::InfiniteSort { .. }), "{e:?}");
    }
}
