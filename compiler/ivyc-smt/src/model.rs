//! Decoding of Z3 models into `ivyc_logic::Model`: universes of
//! uninterpreted sorts (elements renamed `node0`, `node1`, ...), symbol
//! tables evaluated with model completion, and a readable rendering.

use crate::encode::{Encoder, SortInfo};
use ivyc_base::Symbol;
use ivyc_logic::{Interp, Model, Role, Signature, SortId, SortKind, SymId, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use z3::ast::{Ast, Bool, Dynamic, Int};

/// Argument tuples evaluated per symbol at most; larger tables are
/// truncated (the remaining tuples are uninterpreted in the result).
pub const MAX_TUPLES_PER_SYMBOL: usize = 100_000;

/// Values of an infinite (int / nat / bit-vector / string) argument sort at
/// which functions are tabulated, at most.
pub const MAX_VALUES_PER_INFINITE_SORT: usize = 64;

/// Decodes `z3m` into a [`Model`] of `sig`.
///
/// * Every uninterpreted sort the query used gets a universe: the Z3 sort
///   universe, ordered by first appearance as the value of a 0-ary symbol
///   of `used` (in symbol order), then in Z3's order. Element `i` is
///   `Value::Elem(sort, i)`, displayed `node<i>`.
/// * Every symbol in `used` (the symbols of the query) is tabulated by
///   evaluating it, with model completion, on all tuples of its argument
///   domains. Finite argument sorts (bool, enum, uninterpreted) are
///   enumerated completely. For an infinite argument sort (int, nat,
///   bit-vector, string), only the values that occur in the model are used:
///   values of 0-ary symbols of that sort and the argument values listed in
///   Z3's function interpretations (at most
///   [`MAX_VALUES_PER_INFINITE_SORT`]); for such symbols the Z3 "else"
///   value, when it is a constant and every tuple Z3 lists was tabulated,
///   becomes the interpretation's default (otherwise the evaluator says
///   "not checkable" at the missing tuples rather than use a wrong value).
/// * Every other symbol of the signature (not in the query, hence
///   unconstrained) gets a constant default interpretation: `false`, `0`,
///   the first constructor, element 0 or the empty string. Enumeration
///   constructors are left out (`Model::eval` knows them).
pub fn decode_model(
    enc: &mut Encoder,
    sig: &Signature,
    z3m: &z3::Model,
    used: &[SymId],
) -> Result<Model, String> {
    let mut used: Vec<SymId> = used
        .iter()
        .copied()
        .filter(|&s| sig.symbol(s).role != Role::EnumCtor)
        .collect();
    // The symbolic bounds of range sorts (`{0..max}`): the encoding's
    // guards and clamps read them even where no term names them, and the
    // evaluator needs their values.
    used.extend(
        sig.sorts()
            .filter_map(|(_, d)| d.kind.bound_symbol())
            .filter(|s| s.index() < sig.num_symbols()),
    );
    used.sort();
    used.dedup();
    let mut d = Decoder {
        enc,
        sig,
        z3m,
        elems: HashMap::new(),
        univ: BTreeMap::new(),
    };
    // Elements: first values of constants, then the Z3 universes.
    for &s in &used {
        let decl = sig.symbol(s);
        if decl.args.is_empty() && *sig.sort_kind(decl.ret) == SortKind::Uninterpreted {
            let fd = d.enc.func_decl(sig, s).map_err(|e| e.to_string())?;
            let v = d.eval(&fd.apply(&[]))?;
            d.element(decl.ret, &v);
        }
    }
    let mut usorts: BTreeSet<SortId> = BTreeSet::new();
    for &s in &used {
        let decl = sig.symbol(s);
        for &a in decl.args.iter().chain(std::iter::once(&decl.ret)) {
            if *sig.sort_kind(a) == SortKind::Uninterpreted {
                usorts.insert(a);
            }
        }
    }
    for &sort in &usorts {
        let z3s = d.enc.z3_sort(sig, sort).map_err(|e| e.to_string())?;
        if let Some(u) = z3m.get_sort_universe(&z3s) {
            for e in u.to_vec() {
                d.element(sort, &e);
            }
        }
        if d.univ.get(&sort).is_none_or(|v| v.is_empty()) {
            // Not in the model: any value of the sort (model completion).
            let c = Dynamic::fresh_const("elem", &z3s);
            let v = d.eval(&c)?;
            d.element(sort, &v);
        }
    }

    // Tabulate; if evaluation reveals new elements, tabulate again.
    let mut model = Model::new();
    for _round in 0..4 {
        let before: usize = d.univ.values().map(Vec::len).sum();
        model = Model::new();
        let inf = d.infinite_values(&used)?;
        for &s in &used {
            let interp = d.tabulate(s, &inf)?;
            model.interps.insert(s, interp);
        }
        let after: usize = d.univ.values().map(Vec::len).sum();
        if after == before {
            break;
        }
    }
    for (&sort, elems) in &d.univ {
        model
            .universes
            .insert(sort, u32::try_from(elems.len()).unwrap_or(u32::MAX));
    }
    // Unused symbols: constant defaults.
    for (s, decl) in sig.symbols() {
        if decl.role == Role::EnumCtor || model.interps.contains_key(&s) {
            continue;
        }
        let v = match sig.sort_kind(decl.ret) {
            SortKind::Bool => Value::Bool(false),
            SortKind::Uninterpreted => {
                model.universes.entry(decl.ret).or_insert(1);
                Value::Elem(decl.ret, 0)
            }
            SortKind::Enum(_) => Value::Enum(decl.ret, 0),
            SortKind::Int | SortKind::Nat | SortKind::BitVec(_) => Value::Int(0),
            SortKind::Range { lo, .. } => Value::Int(*lo),
            SortKind::Str => Value::Str(Symbol::intern("")),
        };
        model.interps.insert(s, Interp::constant(v));
    }
    Ok(model)
}

struct Decoder<'a> {
    enc: &'a mut Encoder,
    sig: &'a Signature,
    z3m: &'a z3::Model,
    /// Z3 value -> element index, per uninterpreted sort.
    elems: HashMap<(SortId, Dynamic), u32>,
    /// Z3 values of the elements, in index order.
    univ: BTreeMap<SortId, Vec<Dynamic>>,
}

impl Decoder<'_> {
    fn eval(&self, t: &Dynamic) -> Result<Dynamic, String> {
        self.z3m
            .eval(t, true)
            .ok_or_else(|| format!("Z3 could not evaluate {t}"))
    }

    /// The index of a Z3 value of an uninterpreted sort (new values are
    /// appended to the universe).
    fn element(&mut self, sort: SortId, v: &Dynamic) -> u32 {
        if let Some(&i) = self.elems.get(&(sort, v.clone())) {
            return i;
        }
        let u = self.univ.entry(sort).or_default();
        let i = u32::try_from(u.len()).unwrap_or(u32::MAX);
        u.push(v.clone());
        self.elems.insert((sort, v.clone()), i);
        i
    }

    /// Decodes a Z3 value of our sort `sort`.
    fn value(&mut self, sort: SortId, v: &Dynamic) -> Result<Value, String> {
        let bad = || {
            format!(
                "cannot decode Z3 value {v} of sort {}",
                self.sig.sort_name(sort)
            )
        };
        let info = self
            .enc
            .sort_info(self.sig, sort)
            .map_err(|e| e.to_string())?;
        Ok(match info {
            SortInfo::Bool => Value::Bool(v.as_bool().and_then(|b| b.as_bool()).ok_or_else(bad)?),
            SortInfo::Int { .. } => {
                Value::Int(v.as_int().and_then(|i| i.as_i128()).ok_or_else(bad)?)
            }
            SortInfo::BitVec(_) => {
                let b = v.as_bv().ok_or_else(bad)?;
                match b.as_u64() {
                    Some(n) => Value::Int(i128::from(n)),
                    None => Value::Int(
                        Int::from_bv(&b, false)
                            .simplify()
                            .as_i128()
                            .ok_or_else(bad)?,
                    ),
                }
            }
            SortInfo::Str => Value::Str(Symbol::intern(
                &v.as_string().and_then(|s| s.as_string()).ok_or_else(bad)?,
            )),
            SortInfo::Uninterpreted(_) => Value::Elem(sort, self.element(sort, v)),
            SortInfo::Enum { names, .. } => {
                let name = v.safe_decl().map_err(|_| bad())?.name();
                let i = names.iter().position(|n| *n == name).ok_or_else(bad)?;
                Value::Enum(sort, u32::try_from(i).unwrap_or(u32::MAX))
            }
        })
    }

    /// The Z3 AST of one of our values.
    fn ast(&mut self, v: &Value, sort: SortId) -> Result<Dynamic, String> {
        Ok(match v {
            Value::Bool(b) => Bool::from_bool(*b).into(),
            Value::Elem(s, i) => self
                .univ
                .get(s)
                .and_then(|u| u.get(*i as usize))
                .cloned()
                .ok_or_else(|| format!("no element {i} of sort {}", self.sig.sort_name(*s)))?,
            Value::Enum(s, i) => match self
                .enc
                .sort_info(self.sig, *s)
                .map_err(|e| e.to_string())?
            {
                SortInfo::Enum { ctors, .. } => ctors
                    .get(*i as usize)
                    .ok_or_else(|| "constructor out of range".to_string())?
                    .apply(&[]),
                _ => return Err("enum value of a non-enum sort".into()),
            },
            Value::Int(n) => self
                .enc
                .numeral(self.sig, *n, sort)
                .map_err(|e| e.to_string())?,
            Value::Str(s) => {
                let lit: z3::ast::String = s
                    .as_str()
                    .parse()
                    .map_err(|_| "string value contains NUL".to_string())?;
                lit.into()
            }
        })
    }

    /// For every infinite sort occurring as an argument sort of a used
    /// symbol: the values at which to tabulate.
    fn infinite_values(&mut self, used: &[SymId]) -> Result<HashMap<SortId, Vec<Value>>, String> {
        let sig = self.sig;
        let mut out: HashMap<SortId, BTreeSet<Value>> = HashMap::new();
        for &s in used {
            for &a in &sig.symbol(s).args {
                if is_infinite(sig, a) {
                    out.entry(a).or_default();
                }
            }
        }
        if out.is_empty() {
            return Ok(HashMap::new());
        }
        for &s in used {
            let decl = sig.symbol(s);
            let fd = self.enc.func_decl(sig, s).map_err(|e| e.to_string())?;
            if decl.args.is_empty() {
                if out.contains_key(&decl.ret) {
                    let v = self.eval(&fd.apply(&[]))?;
                    let v = self.value(decl.ret, &v)?;
                    if let Some(set) = out.get_mut(&decl.ret) {
                        set.insert(v);
                    }
                }
                continue;
            }
            let Some(fi) = self.z3m.get_func_interp(&fd) else {
                continue;
            };
            for entry in fi.get_entries() {
                for (&a, x) in decl.args.iter().zip(entry.get_args()) {
                    if out.contains_key(&a) {
                        if let Ok(v) = self.value(a, &x) {
                            if let Some(set) = out.get_mut(&a) {
                                set.insert(v);
                            }
                        }
                    }
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(k, set)| {
                let mut vals: Vec<Value> = set.into_iter().collect();
                if vals.is_empty() {
                    vals.push(match sig.sort_kind(k) {
                        SortKind::Str => Value::Str(Symbol::intern("")),
                        SortKind::Range { lo, .. } => Value::Int(*lo),
                        _ => Value::Int(0),
                    });
                }
                vals.truncate(MAX_VALUES_PER_INFINITE_SORT);
                (k, vals)
            })
            .collect())
    }

    fn domain(&self, sort: SortId, inf: &HashMap<SortId, Vec<Value>>) -> Vec<Value> {
        match self.sig.sort_kind(sort) {
            SortKind::Bool => vec![Value::Bool(false), Value::Bool(true)],
            SortKind::Enum(cs) => (0..cs.len())
                .map(|i| Value::Enum(sort, u32::try_from(i).unwrap_or(u32::MAX)))
                .collect(),
            SortKind::Uninterpreted => {
                let n = self.univ.get(&sort).map_or(0, Vec::len);
                (0..n)
                    .map(|i| Value::Elem(sort, u32::try_from(i).unwrap_or(u32::MAX)))
                    .collect()
            }
            _ => inf.get(&sort).cloned().unwrap_or_default(),
        }
    }

    fn tabulate(&mut self, s: SymId, inf: &HashMap<SortId, Vec<Value>>) -> Result<Interp, String> {
        let sig = self.sig;
        let decl = sig.symbol(s);
        let fd = self.enc.func_decl(sig, s).map_err(|e| e.to_string())?;
        let doms: Vec<Vec<Value>> = decl.args.iter().map(|&a| self.domain(a, inf)).collect();
        let mut interp = Interp::default();
        for tuple in tuples(&doms, MAX_TUPLES_PER_SYMBOL) {
            let args: Vec<Dynamic> = tuple
                .iter()
                .zip(&decl.args)
                .map(|(v, &a)| self.ast(v, a))
                .collect::<Result<_, _>>()?;
            let refs: Vec<&dyn Ast> = args.iter().map(|a| a as &dyn Ast).collect();
            let r = self.eval(&fd.apply(&refs))?;
            let v = self.value(decl.ret, &r)?;
            interp.entries.insert(tuple, v);
        }
        if decl.args.iter().any(|&a| is_infinite(sig, a)) {
            if let Some(fi) = self.z3m.get_func_interp(&fd) {
                // The "else" value holds for every tuple Z3 does not list:
                // a sound default only if every listed tuple was tabulated
                // (the values per sort are capped).
                let listed = fi.get_entries().iter().all(|entry| {
                    let args: Result<Vec<Value>, String> = decl
                        .args
                        .iter()
                        .zip(entry.get_args())
                        .map(|(&a, x)| self.value(a, &x))
                        .collect();
                    args.is_ok_and(|a| interp.entries.contains_key(&a))
                });
                match fi.get_else() {
                    Some(e) if listed && (e.is_const() || e.kind() == z3::AstKind::Numeral) => {
                        if let Ok(v) = self.value(decl.ret, &e) {
                            interp.default = Some(v);
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(interp)
    }
}

/// The first `cap` tuples of the cartesian product of `doms`, in
/// lexicographic order (first coordinate slowest), built lazily.
fn tuples(doms: &[Vec<Value>], cap: usize) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    if doms.iter().any(Vec::is_empty) {
        return out;
    }
    let mut idx = vec![0usize; doms.len()];
    while out.len() < cap {
        out.push(idx.iter().zip(doms).map(|(&i, d)| d[i].clone()).collect());
        // Increment the mixed-radix counter, last coordinate fastest.
        let mut k = doms.len();
        loop {
            if k == 0 {
                return out;
            }
            k -= 1;
            idx[k] += 1;
            if idx[k] < doms[k].len() {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

fn is_infinite(sig: &Signature, s: SortId) -> bool {
    sig.sort_kind(s).is_interpreted()
}

/// A deterministic, readable rendering of a model: one line per
/// uninterpreted universe (`node = {node0, node1}`), then one line per
/// symbol entry (`r(node0, node1) = true`, `c = node1`), symbols in
/// declaration order. Symbols that are only defaulted are shown as
/// `f(*) = default`.
pub fn render_model(sig: &Signature, m: &Model) -> String {
    let mut out = String::new();
    for (&s, &n) in &m.universes {
        let elems: Vec<String> = (0..n).map(|i| Value::Elem(s, i).name(sig)).collect();
        let _ = writeln!(out, "{} = {{{}}}", sig.sort_name(s), elems.join(", "));
    }
    for (&s, interp) in &m.interps {
        let name = sig.symbol_name(s);
        for (args, v) in &interp.entries {
            if args.is_empty() {
                let _ = writeln!(out, "{name} = {}", v.name(sig));
            } else {
                let a: Vec<String> = args.iter().map(|x| x.name(sig)).collect();
                let _ = writeln!(out, "{name}({}) = {}", a.join(", "), v.name(sig));
            }
        }
        if let Some(v) = &interp.default {
            if sig.symbol(s).args.is_empty() && interp.entries.is_empty() {
                let _ = writeln!(out, "{name} = {}", v.name(sig));
            } else {
                let _ = writeln!(out, "{name}(*) = {}", v.name(sig));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuples_lexicographic_and_capped() {
        let b = vec![Value::Bool(false), Value::Bool(true)];
        let i = vec![Value::Int(0), Value::Int(1), Value::Int(2)];
        let all = tuples(&[b.clone(), i.clone()], usize::MAX);
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], vec![Value::Bool(false), Value::Int(0)]);
        assert_eq!(all[1], vec![Value::Bool(false), Value::Int(1)]);
        assert_eq!(all[5], vec![Value::Bool(true), Value::Int(2)]);
        assert_eq!(tuples(&[b.clone(), i], 4).len(), 4);
        // the empty product has one empty tuple; an empty domain none
        assert_eq!(tuples(&[], 10), vec![Vec::<Value>::new()]);
        assert!(tuples(&[b, vec![]], 10).is_empty());
    }
}
