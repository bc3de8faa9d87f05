//! Solver-agnostic first-order models: values, finite universes, symbol
//! interpretation tables, element naming (`node0`, `node1`, ...) and
//! evaluation of terms in a model.

use crate::signature::{Signature, SymId};
use crate::sort::{SortId, SortKind};
use crate::term::{BuiltinOp, Term, TermKind, Var};
use ivyc_base::Symbol;
use std::collections::{BTreeMap, HashMap};

/// A value of some sort in a model.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Bool(bool),
    /// Element `i` of the finite universe of an uninterpreted sort.
    Elem(SortId, u32),
    /// Constructor number `i` of an enumerated sort.
    Enum(SortId, u32),
    /// A value of an int / nat / bit-vector sort.
    Int(i128),
    /// A value of a strlit sort.
    Str(Symbol),
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Display name: `true`, `node0`, `red`, `42`, `"abc"`.
    pub fn name(&self, sig: &Signature) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Elem(s, i) => elem_name(sig, *s, *i),
            Value::Enum(s, i) => match sig.sort_kind(*s) {
                SortKind::Enum(cs) => cs
                    .get(*i as usize)
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_else(|| format!("{}!{i}", sig.sort_name(*s))),
                _ => format!("{}!{i}", sig.sort_name(*s)),
            },
            Value::Int(n) => n.to_string(),
            Value::Str(s) => format!("{:?}", s.as_str()),
        }
    }
}

/// The name of element `i` of an uninterpreted sort: the last component of
/// the sort name followed by the index (`node0`, `id.t` -> `t0`).
pub fn elem_name(sig: &Signature, sort: SortId, i: u32) -> String {
    let name = sig.sort_name(sort);
    let short = name.rsplit('.').next().unwrap_or(name);
    format!("{short}{i}")
}

/// The interpretation of one symbol: explicit entries plus a default value
/// for argument tuples not listed (solver "else" branch). For a 0-ary symbol
/// the single entry has an empty argument tuple (or only the default is set).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Interp {
    pub entries: BTreeMap<Vec<Value>, Value>,
    pub default: Option<Value>,
}

impl Interp {
    pub fn constant(v: Value) -> Interp {
        Interp {
            entries: BTreeMap::new(),
            default: Some(v),
        }
    }

    pub fn get(&self, args: &[Value]) -> Option<&Value> {
        self.entries.get(args).or(self.default.as_ref())
    }
}

/// Why a term could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// The symbol has no interpretation (or none at these arguments).
    Uninterpreted(SymId),
    /// A free variable without a value.
    UnboundVar(Var),
    /// Quantification over an infinite sort (int, nat, ...).
    InfiniteDomain(SortId),
    /// Sort confusion or unsupported operator.
    Ill(String),
}

/// A finite first-order structure.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Model {
    /// Universe size of each uninterpreted sort occurring in the model; its
    /// elements are `Value::Elem(sort, 0..n)`.
    pub universes: BTreeMap<SortId, u32>,
    pub interps: BTreeMap<SymId, Interp>,
}

/// Variable assignment used during evaluation.
pub type Env = HashMap<Var, Value>;

impl Model {
    pub fn new() -> Model {
        Model::default()
    }

    /// Sets `sym(args) = value`.
    pub fn set(&mut self, sym: SymId, args: Vec<Value>, value: Value) {
        self.interps
            .entry(sym)
            .or_default()
            .entries
            .insert(args, value);
    }

    /// Sets the default value of `sym` (its value for a constant).
    pub fn set_default(&mut self, sym: SymId, value: Value) {
        self.interps.entry(sym).or_default().default = Some(value);
    }

    /// Value of `sym(args)` if interpreted.
    pub fn lookup(&self, sym: SymId, args: &[Value]) -> Option<&Value> {
        self.interps.get(&sym)?.get(args)
    }

    /// All values of a sort if the sort is finite in the model (bool, enum,
    /// uninterpreted with a universe; an uninterpreted sort absent from
    /// `universes` has a single element).
    pub fn domain(&self, sig: &Signature, sort: SortId) -> Option<Vec<Value>> {
        match sig.sort_kind(sort) {
            SortKind::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
            SortKind::Enum(cs) => Some(
                (0..cs.len())
                    .map(|i| Value::Enum(sort, u32::try_from(i).unwrap_or(u32::MAX)))
                    .collect(),
            ),
            SortKind::Uninterpreted => {
                let n = self.universes.get(&sort).copied().unwrap_or(1);
                Some((0..n).map(|i| Value::Elem(sort, i)).collect())
            }
            _ => None,
        }
    }

    /// The full table of a symbol: every argument tuple over finite domains
    /// (lexicographic order) with its value; for symbols with an infinite
    /// argument sort, the explicit entries only.
    pub fn table(&self, sig: &Signature, sym: SymId) -> Vec<(Vec<Value>, Value)> {
        let d = sig.symbol(sym);
        let Some(interp) = self.interps.get(&sym) else {
            return vec![];
        };
        let doms: Option<Vec<Vec<Value>>> = d.args.iter().map(|&s| self.domain(sig, s)).collect();
        match doms {
            Some(doms) => {
                let mut out = Vec::new();
                for tuple in cartesian(&doms) {
                    if let Some(v) = interp.get(&tuple) {
                        out.push((tuple, v.clone()));
                    }
                }
                out
            }
            None => interp
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Evaluates a closed term.
    pub fn eval(&self, sig: &Signature, t: &Term) -> Result<Value, EvalError> {
        self.eval_in(sig, t, &mut Env::new())
    }

    /// Evaluates a closed formula to a boolean.
    pub fn eval_bool(&self, sig: &Signature, t: &Term) -> Result<bool, EvalError> {
        self.eval(sig, t)?
            .as_bool()
            .ok_or_else(|| EvalError::Ill("not a formula".into()))
    }

    /// Evaluates a term under a variable assignment.
    pub fn eval_in(&self, sig: &Signature, t: &Term, env: &mut Env) -> Result<Value, EvalError> {
        let b = |v: Value| -> Result<bool, EvalError> {
            v.as_bool()
                .ok_or_else(|| EvalError::Ill("expected a boolean".into()))
        };
        Ok(match &t.kind {
            TermKind::Bool(x) => Value::Bool(*x),
            TermKind::Num(n, _) => Value::Int(*n),
            TermKind::Str(s, _) => Value::Str(*s),
            TermKind::Var(v) => env.get(v).cloned().ok_or(EvalError::UnboundVar(*v))?,
            TermKind::App(f, xs) => {
                if let Some(i) = sig.enum_ctor_index(*f) {
                    if !self.interps.contains_key(f) {
                        return Ok(Value::Enum(
                            sig.symbol(*f).ret,
                            u32::try_from(i).unwrap_or(u32::MAX),
                        ));
                    }
                }
                let args = xs
                    .iter()
                    .map(|x| self.eval_in(sig, x, env))
                    .collect::<Result<Vec<_>, _>>()?;
                self.lookup(*f, &args)
                    .cloned()
                    .ok_or(EvalError::Uninterpreted(*f))?
            }
            TermKind::Eq(x, y) => {
                Value::Bool(self.eval_in(sig, x, env)? == self.eval_in(sig, y, env)?)
            }
            TermKind::Not(x) => Value::Bool(!b(self.eval_in(sig, x, env)?)?),
            TermKind::And(xs) => {
                for x in xs {
                    if !b(self.eval_in(sig, x, env)?)? {
                        return Ok(Value::Bool(false));
                    }
                }
                Value::Bool(true)
            }
            TermKind::Or(xs) => {
                for x in xs {
                    if b(self.eval_in(sig, x, env)?)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Value::Bool(false)
            }
            TermKind::Implies(x, y) => {
                Value::Bool(!b(self.eval_in(sig, x, env)?)? || b(self.eval_in(sig, y, env)?)?)
            }
            TermKind::Iff(x, y) => {
                Value::Bool(b(self.eval_in(sig, x, env)?)? == b(self.eval_in(sig, y, env)?)?)
            }
            TermKind::Ite(c, x, y) => {
                if b(self.eval_in(sig, c, env)?)? {
                    self.eval_in(sig, x, env)?
                } else {
                    self.eval_in(sig, y, env)?
                }
            }
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let is_forall = matches!(t.kind, TermKind::Forall(..));
                let doms = vs
                    .iter()
                    .map(|v| {
                        self.domain(sig, v.sort)
                            .ok_or(EvalError::InfiniteDomain(v.sort))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let saved: Vec<Option<Value>> = vs.iter().map(|v| env.get(v).cloned()).collect();
                let mut result = is_forall;
                for tuple in cartesian(&doms) {
                    for (v, x) in vs.iter().zip(tuple) {
                        env.insert(*v, x);
                    }
                    let r = self.eval_in(sig, body, env);
                    let r = match r {
                        Ok(v) => b(v),
                        Err(e) => Err(e),
                    };
                    match r {
                        Ok(r) if r != is_forall => {
                            result = !is_forall;
                            break;
                        }
                        Ok(_) => {}
                        Err(e) => {
                            restore(env, vs, saved);
                            return Err(e);
                        }
                    }
                }
                restore(env, vs, saved);
                Value::Bool(result)
            }
            TermKind::Builtin(op, xs) => {
                let sort = xs.first().map(|x| x.sort_of(sig));
                let args = xs
                    .iter()
                    .map(|x| self.eval_in(sig, x, env))
                    .collect::<Result<Vec<_>, _>>()?;
                eval_builtin(*op, &args, sort.map(|s| sig.sort_kind(s)))?
            }
        })
    }
}

fn restore(env: &mut Env, vs: &[Var], saved: Vec<Option<Value>>) {
    for (v, old) in vs.iter().zip(saved) {
        match old {
            Some(x) => {
                env.insert(*v, x);
            }
            None => {
                env.remove(v);
            }
        }
    }
}

fn eval_builtin(
    op: BuiltinOp,
    args: &[Value],
    kind: Option<&SortKind>,
) -> Result<Value, EvalError> {
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
            Some(k @ SortKind::Range { .. }) => k.clamp(n),
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
            if b == 0 {
                return Err(EvalError::Ill("division by zero".into()));
            }
            match kind {
                Some(SortKind::BitVec(_)) => Value::Int(wrap(a / b)),
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

/// All tuples of the cartesian product, lexicographic (first coordinate
/// slowest). The empty product has one empty tuple.
pub fn cartesian(doms: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = vec![vec![]];
    for d in doms {
        let mut next = Vec::with_capacity(out.len() * d.len());
        for prefix in &out {
            for x in d {
                let mut t = prefix.clone();
                t.push(x.clone());
                next.push(t);
            }
        }
        out = next;
    }
    out
}
