//! Evaluation of terms in a finite model, independent of any solver:
//! three-valued (Kleene) connectives so that one undecidable part does not
//! hide a definite answer, quantifiers over the finite domains of the model
//! (and over the values a model mentions for interpreted sorts), builtin
//! arithmetic with the meaning the Z3 encoding gives it (saturating ranges,
//! truncated `nat` subtraction, bit-vector wrap-around), and a step budget.

use crate::model::{Env, Model, Value};
use crate::signature::{Signature, SymId};
use crate::sort::{Bound, SortId, SortKind};
use crate::term::{BuiltinOp, Term, TermKind, Var};
use ivyc_base::Symbol;
use std::collections::{BTreeSet, HashMap};

/// Evaluation steps (term nodes and quantifier instances) one [`Evaluator`]
/// may take before giving up with [`EvalError::TooLarge`].
pub const DEFAULT_BUDGET: u64 = 20_000_000;

/// Interpreted sorts with at most this many values (ranges, narrow
/// bit-vectors) are quantified over completely.
pub const MAX_ENUMERATED_VALUES: i128 = 4096;

/// Why a term could not be evaluated (the evaluator does not know the
/// answer; it never means "false").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// The symbol has no interpretation (or none at these arguments).
    Uninterpreted(SymId),
    /// A free variable without a value.
    UnboundVar(Var),
    /// Quantification over an infinite sort (int, nat, ...), not settled by
    /// the values the model mentions.
    InfiniteDomain(SortId),
    /// Integer division by zero: the solver may give it any value.
    DivisionByZero,
    /// The evaluation took more than its step budget.
    TooLarge,
    /// Sort confusion or unsupported operator.
    Ill(String),
}

impl EvalError {
    /// A short explanation naming symbols and sorts of `sig`.
    pub fn describe(&self, sig: &Signature) -> String {
        match self {
            EvalError::Uninterpreted(s) => format!(
                "the model does not give `{}` a value at the arguments needed",
                crate::signature::display_name(sig, *s)
            ),
            EvalError::UnboundVar(v) => format!("variable `{}` has no value", v.name),
            EvalError::InfiniteDomain(s) => format!(
                "a quantifier over the infinite sort `{}`",
                sig.sort_name(*s)
            ),
            EvalError::DivisionByZero => "a division by zero".into(),
            EvalError::TooLarge => "the model is too large to evaluate the formula".into(),
            EvalError::Ill(m) => format!("an ill-formed term ({m})"),
        }
    }
}

/// Evaluates terms in one model. Connectives are three-valued: `false & ?`
/// is `false`, `true | ?` is `true`, so an `Err` means that the answer
/// really depends on something the evaluator cannot decide.
pub struct Evaluator<'a> {
    model: &'a Model,
    sig: &'a Signature,
    budget: u64,
    known: HashMap<SortId, Vec<Value>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(model: &'a Model, sig: &'a Signature) -> Evaluator<'a> {
        Evaluator::with_budget(model, sig, DEFAULT_BUDGET)
    }

    pub fn with_budget(model: &'a Model, sig: &'a Signature, budget: u64) -> Evaluator<'a> {
        Evaluator {
            model,
            sig,
            budget,
            known: HashMap::new(),
        }
    }

    /// Sets the number of steps left (e.g. a fresh budget per formula).
    pub fn set_budget(&mut self, budget: u64) {
        self.budget = budget;
    }

    fn tick(&mut self) -> Result<(), EvalError> {
        if self.budget == 0 {
            return Err(EvalError::TooLarge);
        }
        self.budget -= 1;
        Ok(())
    }

    /// Evaluates a closed formula to a boolean.
    pub fn eval_bool(&mut self, t: &Term) -> Result<bool, EvalError> {
        let v = self.eval_in(t, &mut Env::new())?;
        as_bool(v)
    }

    /// The values of an interpreted sort that the model mentions: argument
    /// and result values of every interpretation (and defaults). Every one
    /// is a genuine value of the sort.
    pub fn known_values(&mut self, sort: SortId) -> Vec<Value> {
        if let Some(v) = self.known.get(&sort) {
            return v.clone();
        }
        let mut set: BTreeSet<Value> = BTreeSet::new();
        for (&sym, interp) in &self.model.interps {
            if sym.index() >= self.sig.num_symbols() {
                continue;
            }
            let d = self.sig.symbol(sym);
            for (args, v) in &interp.entries {
                for (a, &s) in args.iter().zip(&d.args) {
                    if s == sort {
                        set.insert(a.clone());
                    }
                }
                if d.ret == sort {
                    set.insert(v.clone());
                }
            }
            if d.ret == sort {
                if let Some(v) = &interp.default {
                    set.insert(v.clone());
                }
            }
        }
        let out: Vec<Value> = set.into_iter().collect();
        self.known.insert(sort, out.clone());
        out
    }

    /// The values a quantifier over `sort` ranges over, and whether they
    /// are all the values of the sort.
    fn quant_domain(&mut self, sort: SortId) -> (Vec<Value>, bool) {
        if let Some(d) = self.model.domain(self.sig, sort) {
            return (d, true);
        }
        let kind = self.sig.sort_kind(sort);
        // A symbolic upper bound has the model's value of its symbol.
        let hi = match kind {
            SortKind::Range { .. } => self.range_hi(kind).ok().flatten(),
            _ => None,
        };
        let full = match (kind, hi) {
            (SortKind::Range { lo, .. }, Some(hi))
                if hi.saturating_sub(*lo) < MAX_ENUMERATED_VALUES =>
            {
                Some((*lo..=hi.max(*lo - 1)).map(Value::Int).collect())
            }
            (SortKind::BitVec(w), _) if (1i128 << (*w).min(100)) <= MAX_ENUMERATED_VALUES => {
                Some((0..(1i128 << *w)).map(Value::Int).collect())
            }
            _ => None,
        };
        match full {
            Some(d) => (d, true),
            None => (self.known_values(sort), false),
        }
    }

    /// The upper bound of a range sort: its numeral, or the model's value
    /// of its bound symbol (`interpret t -> {0..max}`); `None` for other
    /// sorts.
    fn range_hi(&self, kind: &SortKind) -> Result<Option<i128>, EvalError> {
        match kind {
            SortKind::Range {
                hi: Bound::Num(h), ..
            } => Ok(Some(*h)),
            SortKind::Range {
                hi: Bound::Sym(s), ..
            } => match self.model.lookup(*s, &[]) {
                Some(Value::Int(v)) => Ok(Some(*v)),
                Some(_) => Err(EvalError::Ill(
                    "a range bound that is not an integer".into(),
                )),
                None => Err(EvalError::Uninterpreted(*s)),
            },
            _ => Ok(None),
        }
    }

    /// A numeral of a sort as the encoding gives it: clamped into a range
    /// (with the model's value of a symbolic bound), taken modulo `2^w`
    /// for a bit-vector.
    fn numeral(&self, kind: &SortKind, n: i128) -> Result<i128, EvalError> {
        Ok(match kind {
            SortKind::BitVec(w) if *w < 127 => n.rem_euclid(1i128 << *w),
            SortKind::Range { .. } => match self.range_hi(kind)? {
                Some(hi) => kind.clamp_with(n, hi),
                None => n,
            },
            _ => n,
        })
    }

    /// Evaluates a term under a variable assignment.
    pub fn eval_in(&mut self, t: &Term, env: &mut Env) -> Result<Value, EvalError> {
        self.tick()?;
        Ok(match &t.kind {
            TermKind::Bool(x) => Value::Bool(*x),
            TermKind::Num(n, s) => Value::Int(self.numeral(self.sig.sort_kind(*s), *n)?),
            TermKind::Str(s, _) => Value::Str(*s),
            TermKind::Var(v) => env.get(v).cloned().ok_or(EvalError::UnboundVar(*v))?,
            TermKind::App(f, xs) => {
                if let Some(i) = self.sig.enum_ctor_index(*f) {
                    if !self.model.interps.contains_key(f) {
                        return Ok(Value::Enum(
                            self.sig.symbol(*f).ret,
                            u32::try_from(i).unwrap_or(u32::MAX),
                        ));
                    }
                }
                let args = xs
                    .iter()
                    .map(|x| self.eval_in(x, env))
                    .collect::<Result<Vec<_>, _>>()?;
                self.model
                    .lookup(*f, &args)
                    .cloned()
                    .ok_or(EvalError::Uninterpreted(*f))?
            }
            TermKind::Eq(x, y) => {
                let a = self.eval_in(x, env)?;
                Value::Bool(a == self.eval_in(y, env)?)
            }
            TermKind::Not(x) => Value::Bool(!as_bool(self.eval_in(x, env)?)?),
            TermKind::And(xs) => Value::Bool(self.junction(xs.iter(), false, env)?),
            TermKind::Or(xs) => Value::Bool(self.junction(xs.iter(), true, env)?),
            TermKind::Implies(x, y) => {
                let a = self.eval_in(x, env).and_then(as_bool);
                if a == Ok(false) {
                    return Ok(Value::Bool(true));
                }
                let b = self.eval_in(y, env).and_then(as_bool);
                match (a, b) {
                    (_, Ok(true)) => Value::Bool(true),
                    (Ok(true), Ok(false)) => Value::Bool(false),
                    (Err(e), _) | (_, Err(e)) => return Err(e),
                    (Ok(false), _) => Value::Bool(true),
                }
            }
            TermKind::Iff(x, y) => {
                let a = as_bool(self.eval_in(x, env)?)?;
                Value::Bool(a == as_bool(self.eval_in(y, env)?)?)
            }
            TermKind::Ite(c, x, y) => match self.eval_in(c, env).and_then(as_bool) {
                Ok(true) => self.eval_in(x, env)?,
                Ok(false) => self.eval_in(y, env)?,
                // Both branches agree: the condition does not matter.
                Err(e) => {
                    let a = self.eval_in(x, env)?;
                    if a == self.eval_in(y, env)? {
                        a
                    } else {
                        return Err(e);
                    }
                }
            },
            TermKind::Forall(vs, body) => Value::Bool(self.quantifier(vs, body, true, env)?),
            TermKind::Exists(vs, body) => Value::Bool(self.quantifier(vs, body, false, env)?),
            TermKind::Builtin(op, xs) => {
                let sort = xs.first().map(|x| x.sort_of(self.sig));
                let args = xs
                    .iter()
                    .map(|x| self.eval_in(x, env))
                    .collect::<Result<Vec<_>, _>>()?;
                let kind = sort.map(|s| self.sig.sort_kind(s));
                let hi = match kind {
                    Some(k) => self.range_hi(k)?,
                    None => None,
                };
                eval_builtin(*op, &args, kind, hi)?
            }
        })
    }

    /// `&` (`dominant` false) or `|` (`dominant` true): the dominant value
    /// anywhere decides; otherwise the first error, if any.
    fn junction<'t>(
        &mut self,
        xs: impl Iterator<Item = &'t Term>,
        dominant: bool,
        env: &mut Env,
    ) -> Result<bool, EvalError> {
        let mut err = None;
        for x in xs {
            match self.eval_in(x, env).and_then(as_bool) {
                Ok(b) if b == dominant => return Ok(dominant),
                Ok(_) => {}
                Err(EvalError::TooLarge) => return Err(EvalError::TooLarge),
                Err(e) => {
                    err.get_or_insert(e);
                }
            }
        }
        match err {
            Some(e) => Err(e),
            None => Ok(!dominant),
        }
    }

    /// `forall` (`universal`) or `exists` over the quantifier domains: an
    /// instance with the dominant value decides (also over the incomplete
    /// domain of an infinite sort); otherwise the answer is known only if
    /// every instance was evaluated over complete domains.
    fn quantifier(
        &mut self,
        vs: &[Var],
        body: &Term,
        universal: bool,
        env: &mut Env,
    ) -> Result<bool, EvalError> {
        let dominant = !universal;
        let mut doms = Vec::with_capacity(vs.len());
        let mut err: Option<EvalError> = None;
        for v in vs {
            let (d, complete) = self.quant_domain(v.sort);
            if !complete {
                err.get_or_insert(EvalError::InfiniteDomain(v.sort));
            }
            doms.push(d);
        }
        let saved: Vec<Option<Value>> = vs.iter().map(|v| env.get(v).cloned()).collect();
        let (mut decided, mut too_large) = (false, false);
        if !doms.iter().any(Vec::is_empty) {
            // Mixed-radix counter over the domains, last variable fastest.
            let mut idx = vec![0usize; doms.len()];
            'instances: loop {
                if self.tick().is_err() {
                    too_large = true;
                    break;
                }
                for ((v, d), &i) in vs.iter().zip(&doms).zip(&idx) {
                    env.insert(*v, d[i].clone());
                }
                match self.eval_in(body, env).and_then(as_bool) {
                    Ok(b) if b == dominant => {
                        decided = true;
                        break;
                    }
                    Ok(_) => {}
                    Err(EvalError::TooLarge) => {
                        too_large = true;
                        break;
                    }
                    Err(e) => {
                        err.get_or_insert(e);
                    }
                }
                let mut k = doms.len();
                loop {
                    if k == 0 {
                        break 'instances;
                    }
                    k -= 1;
                    idx[k] += 1;
                    if idx[k] < doms[k].len() {
                        break;
                    }
                    idx[k] = 0;
                }
            }
        }
        for (v, old) in vs.iter().zip(saved) {
            match old {
                Some(x) => env.insert(*v, x),
                None => env.remove(v),
            };
        }
        if decided {
            return Ok(dominant);
        }
        if too_large {
            return Err(EvalError::TooLarge);
        }
        match err {
            Some(e) => Err(e),
            None => Ok(!dominant),
        }
    }
}

fn as_bool(v: Value) -> Result<bool, EvalError> {
    v.as_bool()
        .ok_or_else(|| EvalError::Ill("expected a boolean".into()))
}

/// A builtin applied to values; `hi` is the upper bound of a range sort
/// `kind` (its numeral or the value of its bound symbol).
fn eval_builtin(
    op: BuiltinOp,
    args: &[Value],
    kind: Option<&SortKind>,
    hi: Option<i128>,
) -> Result<Value, EvalError> {
    if let [Value::Str(a), Value::Str(b)] = args {
        let (a, b) = (a.as_str(), b.as_str());
        return Ok(match op {
            BuiltinOp::Lt => Value::Bool(a < b),
            BuiltinOp::Le => Value::Bool(a <= b),
            BuiltinOp::Gt => Value::Bool(a > b),
            BuiltinOp::Ge => Value::Bool(a >= b),
            BuiltinOp::Add => Value::Str(Symbol::intern(&format!("{a}{b}"))),
            _ => return Err(EvalError::Ill(format!("{} on strings", op.as_str()))),
        });
    }
    let ints: Vec<i128> = args
        .iter()
        .map(|a| match a {
            Value::Int(n) => Ok(*n),
            _ => Err(EvalError::Ill(format!("{} on a non-number", op.as_str()))),
        })
        .collect::<Result<_, _>>()?;
    let two = || -> Result<(i128, i128), EvalError> {
        match ints.as_slice() {
            [a, b] => Ok((*a, *b)),
            _ => Err(EvalError::Ill(format!(
                "{} expects 2 operands",
                op.as_str()
            ))),
        }
    };
    let wrap = |n: i128| -> i128 {
        match kind {
            Some(SortKind::BitVec(w)) if *w < 127 => n.rem_euclid(1i128 << *w),
            Some(SortKind::Nat) => n.max(0),
            Some(k @ SortKind::Range { .. }) => match hi {
                Some(h) => k.clamp_with(n, h),
                None => n,
            },
            _ => n,
        }
    };
    Ok(match op {
        BuiltinOp::Lt => Value::Bool(two()?.0 < two()?.1),
        BuiltinOp::Le => Value::Bool(two()?.0 <= two()?.1),
        BuiltinOp::Gt => Value::Bool(two()?.0 > two()?.1),
        BuiltinOp::Ge => Value::Bool(two()?.0 >= two()?.1),
        BuiltinOp::Add => {
            let (a, b) = two()?;
            Value::Int(wrap(a.wrapping_add(b)))
        }
        BuiltinOp::Sub => {
            let (a, b) = two()?;
            Value::Int(wrap(a.wrapping_sub(b)))
        }
        BuiltinOp::Mul => {
            let (a, b) = two()?;
            Value::Int(wrap(a.wrapping_mul(b)))
        }
        BuiltinOp::Div => {
            let (a, b) = two()?;
            match kind {
                // SMT-LIB: unsigned division by zero is all ones.
                Some(SortKind::BitVec(w)) if *w < 127 => {
                    if b == 0 {
                        Value::Int((1i128 << *w) - 1)
                    } else {
                        Value::Int(wrap(a / b))
                    }
                }
                _ if b == 0 => return Err(EvalError::DivisionByZero),
                // SMT-LIB `div` is Euclidean: the remainder is never negative.
                _ => Value::Int(wrap(a.div_euclid(b))),
            }
        }
        BuiltinOp::BvAnd => {
            let (a, b) = two()?;
            Value::Int(a & b)
        }
        BuiltinOp::BvOr => {
            let (a, b) = two()?;
            Value::Int(a | b)
        }
        BuiltinOp::BvNot => match ints.as_slice() {
            [a] => Value::Int(wrap(!*a)),
            _ => return Err(EvalError::Ill("bvnot expects 1 operand".into())),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sort::SortDecl;

    fn sort(sig: &mut Signature, name: &str, kind: SortKind) -> SortId {
        sig.add_sort(SortDecl {
            name: Symbol::intern(name),
            kind,
            span: None,
        })
    }

    #[test]
    fn connectives_are_three_valued() {
        let mut sig = Signature::new();
        let p = sig.fresh_symbol(
            Symbol::intern("p"),
            vec![],
            SortId::BOOL,
            crate::Role::State,
        );
        let m = Model::new(); // `p` has no value
        let unknown = Term::constant(p);
        let e = |t: &Term| m.eval_bool(&sig, t);
        assert_eq!(e(&Term::and([Term::fls(), unknown.clone()])), Ok(false));
        assert_eq!(e(&Term::or([unknown.clone(), Term::tru()])), Ok(true));
        assert_eq!(e(&Term::implies(Term::fls(), unknown.clone())), Ok(true));
        assert_eq!(e(&Term::implies(unknown.clone(), Term::tru())), Ok(true));
        assert_eq!(
            e(&Term::and([Term::tru(), unknown.clone()])),
            Err(EvalError::Uninterpreted(p))
        );
        assert!(e(&Term::not(unknown)).is_err());
    }

    #[test]
    fn a_symbolic_range_bound_takes_the_models_value() {
        // `type r = {0..max}`: `max : r` is a rigid symbol of the sort.
        let mut sig = Signature::new();
        let r = sort(&mut sig, "r", SortKind::Uninterpreted);
        let max = sig.fresh_symbol(Symbol::intern("max"), vec![], r, crate::Role::Rigid);
        sig.set_sort_kind(
            r,
            SortKind::Range {
                lo: 0,
                hi: crate::sort::Bound::Sym(max),
            },
        );
        let mut m = Model::new();
        // Without a value of `max`, clamping cannot be decided.
        assert_eq!(
            m.eval(&sig, &Term::num(9, r)),
            Err(EvalError::Uninterpreted(max))
        );
        m.set(max, vec![], Value::Int(2));
        let ev = |t: Term| m.eval(&sig, &t);
        assert_eq!(ev(Term::num(9, r)), Ok(Value::Int(2)));
        assert_eq!(ev(Term::num(1, r)), Ok(Value::Int(1)));
        assert_eq!(
            ev(Term::builtin(
                BuiltinOp::Add,
                vec![Term::constant(max), Term::num(1, r)]
            )),
            Ok(Value::Int(2))
        );
        // Quantifiers range over 0..=2.
        let x = Var::new("X", r);
        let below = Term::forall(
            vec![x],
            Term::builtin(BuiltinOp::Le, vec![Term::var(x), Term::constant(max)]),
        );
        assert_eq!(m.eval_bool(&sig, &below), Ok(true));
        let three = Term::exists(
            vec![x],
            Term::builtin(
                BuiltinOp::Gt,
                vec![
                    Term::var(x),
                    Term::builtin(BuiltinOp::Add, vec![Term::num(1, r), Term::num(1, r)]),
                ],
            ),
        );
        assert_eq!(m.eval_bool(&sig, &three), Ok(false));
    }

    #[test]
    fn numerals_and_arithmetic_follow_the_encoding() {
        let mut sig = Signature::new();
        let r = sort(
            &mut sig,
            "r",
            SortKind::Range {
                lo: 0,
                hi: crate::sort::Bound::Num(3),
            },
        );
        let b = sort(&mut sig, "b", SortKind::BitVec(4));
        let n = sort(&mut sig, "n", SortKind::Nat);
        let i = sort(&mut sig, "i", SortKind::Int);
        let m = Model::new();
        let ev = |t: Term| m.eval(&sig, &t);
        use BuiltinOp::*;
        assert_eq!(ev(Term::num(9, r)), Ok(Value::Int(3)));
        assert_eq!(ev(Term::num(17, b)), Ok(Value::Int(1)));
        assert_eq!(
            ev(Term::builtin(Add, vec![Term::num(2, r), Term::num(2, r)])),
            Ok(Value::Int(3))
        );
        assert_eq!(
            ev(Term::builtin(Sub, vec![Term::num(2, n), Term::num(5, n)])),
            Ok(Value::Int(0))
        );
        assert_eq!(
            ev(Term::builtin(Sub, vec![Term::num(0, b), Term::num(1, b)])),
            Ok(Value::Int(15))
        );
        assert_eq!(
            ev(Term::builtin(Div, vec![Term::num(7, b), Term::num(0, b)])),
            Ok(Value::Int(15))
        );
        assert_eq!(
            ev(Term::builtin(Div, vec![Term::num(-7, i), Term::num(2, i)])),
            Ok(Value::Int(-4))
        );
        assert_eq!(
            ev(Term::builtin(Div, vec![Term::num(1, i), Term::num(0, i)])),
            Err(EvalError::DivisionByZero)
        );
    }

    #[test]
    fn ranges_and_narrow_bitvectors_are_quantified_completely() {
        let mut sig = Signature::new();
        let r = sort(
            &mut sig,
            "r",
            SortKind::Range {
                lo: 1,
                hi: crate::sort::Bound::Num(4),
            },
        );
        let b = sort(&mut sig, "b", SortKind::BitVec(2));
        let i = sort(&mut sig, "i", SortKind::Int);
        let m = Model::new();
        let x = Var::new("X", r);
        let in_range = Term::forall(
            vec![x],
            Term::builtin(BuiltinOp::Le, vec![Term::var(x), Term::num(4, r)]),
        );
        assert_eq!(m.eval_bool(&sig, &in_range), Ok(true));
        let y = Var::new("Y", b);
        let some3 = Term::exists(vec![y], Term::eq(Term::var(y), Term::num(3, b)));
        assert_eq!(m.eval_bool(&sig, &some3), Ok(true));
        let z = Var::new("Z", i);
        let all_pos = Term::forall(
            vec![z],
            Term::builtin(BuiltinOp::Ge, vec![Term::var(z), Term::num(0, i)]),
        );
        assert_eq!(
            m.eval_bool(&sig, &all_pos),
            Err(EvalError::InfiniteDomain(i))
        );
    }

    #[test]
    fn the_budget_bounds_the_work() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let mut m = Model::new();
        m.universes.insert(node, 50);
        let vs: Vec<Var> = (0..5).map(|k| Var::new(&format!("X{k}"), node)).collect();
        // Never true, so every one of the 50^5 instances is visited.
        let eq = |a: usize, b: usize| Term::eq(Term::var(vs[a]), Term::var(vs[b]));
        let chain = Term::and([eq(0, 1), eq(1, 2), eq(2, 3), eq(3, 4), Term::not(eq(0, 4))]);
        let t = Term::exists(vs.clone(), chain);
        let mut ev = Evaluator::with_budget(&m, &sig, 1000);
        assert_eq!(ev.eval_bool(&t), Err(EvalError::TooLarge));
        assert_eq!(
            m.eval_bool(&sig, &Term::forall(vs[..2].to_vec(), Term::tru())),
            Ok(true)
        );
    }

    #[test]
    fn strings_compare_and_concatenate() {
        let mut sig = Signature::new();
        let s = sort(&mut sig, "s", SortKind::Str);
        let m = Model::new();
        let lit = |x: &str| Term::new(TermKind::Str(Symbol::intern(x), s));
        let cat = Term::builtin(BuiltinOp::Add, vec![lit("ab"), lit("c")]);
        assert_eq!(m.eval_bool(&sig, &Term::eq(cat, lit("abc"))), Ok(true));
        assert_eq!(
            m.eval_bool(
                &sig,
                &Term::builtin(BuiltinOp::Lt, vec![lit("ab"), lit("b")])
            ),
            Ok(true)
        );
    }
}
