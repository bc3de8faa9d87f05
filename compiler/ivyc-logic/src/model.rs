//! Solver-agnostic first-order models: values, finite universes, symbol
//! interpretation tables, element naming (`node0`, `node1`, ...); terms are
//! evaluated in a model by `crate::eval`.

pub use crate::eval::{EvalError, Evaluator};
use crate::signature::{Signature, SymId};
use crate::sort::{SortId, SortKind};
use crate::term::{Lambda, Term, Var};
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
        Evaluator::new(self, sig).eval_bool(t)
    }

    /// Evaluates a term under a variable assignment (see [`Evaluator`]).
    pub fn eval_in(&self, sig: &Signature, t: &Term, env: &mut Env) -> Result<Value, EvalError> {
        Evaluator::new(self, sig).eval_in(t, env)
    }

    /// The table of a defined symbol `params => body` in this model: the
    /// body evaluated at every argument tuple (finite argument sorts
    /// enumerated, interpreted ones at the values the model mentions, see
    /// [`Evaluator::known_values`]); tuples where the body cannot be
    /// evaluated are left out.
    pub fn definition_table(&self, sig: &Signature, def: &Lambda) -> Vec<(Vec<Value>, Value)> {
        let mut ev = Evaluator::new(self, sig);
        let doms: Vec<Vec<Value>> = def
            .params
            .iter()
            .map(|v| {
                self.domain(sig, v.sort)
                    .unwrap_or_else(|| ev.known_values(v.sort))
            })
            .collect();
        let mut out = Vec::new();
        for tuple in cartesian(&doms) {
            let mut env: Env = def.params.iter().copied().zip(tuple.clone()).collect();
            if let Ok(v) = ev.eval_in(&def.body, &mut env) {
                out.push((tuple, v));
            }
        }
        out
    }
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
