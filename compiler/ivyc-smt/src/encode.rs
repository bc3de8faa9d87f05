//! Encoding of ivyc-logic sorts, symbols and terms into Z3 ASTs (built as
//! terms through the z3 API, never as SMT-LIB text), with per-session caches
//! of Z3 sorts and function declarations.

use ivyc_logic::{Bound, BuiltinOp, Role, Signature, SortDecl, SortId, SortKind, SymId};
use ivyc_logic::{Term, TermKind, Var};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use z3::ast::{Ast, Bool, Dynamic, Int, BV};
use z3::{FuncDecl, Sort};

/// Why a term could not be encoded (ill-sorted term, numeral on an
/// uninterpreted sort, unbound variable, unsupported operator, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError(pub String);

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode for Z3: {}", self.0)
    }
}

impl std::error::Error for EncodeError {}

fn err<T>(msg: impl Into<String>) -> Result<T, EncodeError> {
    Err(EncodeError(msg.into()))
}

/// The Z3 side of one of our sorts.
#[derive(Clone, Debug)]
pub(crate) enum SortInfo {
    Bool,
    /// `int`, `nat` and range sorts, all Z3 `Int`; values of `nat` and
    /// ranges are constrained to their bounds (see [`IntKind::guards`]).
    Int(IntKind),
    BitVec(u32),
    /// Z3's sequence-of-characters string sort.
    Str,
    Uninterpreted(Sort),
    /// A Z3 enumeration datatype; `ctors[i]` is constructor `i`, and
    /// `names[i]` its Z3 name.
    Enum {
        sort: Sort,
        ctors: Vec<Rc<FuncDecl>>,
        names: Vec<String>,
    },
}

impl SortInfo {
    pub(crate) fn z3_sort(&self) -> Sort {
        match self {
            SortInfo::Bool => Sort::bool(),
            SortInfo::Int { .. } => Sort::int(),
            SortInfo::BitVec(w) => Sort::bitvector(*w),
            SortInfo::Str => Sort::string(),
            SortInfo::Uninterpreted(s) | SortInfo::Enum { sort: s, .. } => s.clone(),
        }
    }
}

/// At most this many combinations of constructors replace the variables
/// of enumerated sorts of one quantifier (see `Encoder::expand_enum_vars`).
const ENUM_EXPANSION: usize = 64;

/// Which integer sort a Z3 `Int` stands for.
#[derive(Clone, Debug)]
pub(crate) enum IntKind {
    Int,
    /// Natural numbers: `>= 0`, subtraction truncated at 0.
    Nat,
    /// Ivy's range sort `{lo..hi}`: values in `[lo, hi]`, numerals and
    /// arithmetic results clamped into it. `hi` is a numeral or, for a
    /// symbolic bound (`interpret t -> {0..max}`), the Z3 constant of the
    /// bound symbol (the same declaration as the symbol's own).
    Range(i128, Int),
}

impl IntKind {
    /// The constraints every value `x` of the sort satisfies.
    pub(crate) fn guards(&self, x: &Int) -> Vec<Bool> {
        match self {
            IntKind::Int => vec![],
            IntKind::Nat => vec![x.ge(Int::from_i64(0))],
            IntKind::Range(lo, hi) => vec![x.ge(Int::from_i128(*lo)), x.le(hi)],
        }
    }

    /// An arithmetic result as Ivy defines it on the sort: clamped into a
    /// range (`If(r > hi, hi, If(r < lo, lo, r))`), unchanged otherwise.
    fn saturate(&self, r: Int) -> Int {
        match self {
            IntKind::Range(lo, hi) => {
                let lo = Int::from_i128(*lo);
                r.gt(hi).ite(hi, &r.lt(&lo).ite(&lo, &r))
            }
            _ => r,
        }
    }

    /// A numeral of the sort: clamped into a range as Ivy does
    /// (`If(n < lo, lo, If(hi < n, hi, n))`), with a symbolic bound too.
    fn numeral(&self, n: i128) -> Int {
        match self {
            IntKind::Range(lo, hi) => match hi.as_i64() {
                Some(h) => Int::from_i128(n.clamp(*lo, i128::from(h).max(*lo))),
                None if n < *lo => Int::from_i128(*lo),
                None => {
                    let v = Int::from_i128(n);
                    hi.lt(&v).ite(hi, &v)
                }
            },
            _ => Int::from_i128(n),
        }
    }
}

/// A cached symbol declaration.
#[derive(Clone, Debug)]
pub(crate) struct SymInfo {
    pub(crate) decl: Rc<FuncDecl>,
    /// For symbols returning `nat` or a range: `forall args. f(args) >= 0`
    /// (resp. `lo <= f(args) <= hi`).
    pub(crate) bounds_axiom: Option<Bool>,
}

/// Cache key of a sort: its name and kind (spans are irrelevant), and the
/// Z3 name of a symbolic range bound (its id differs between signatures).
type SortKey = (ivyc_base::Symbol, SortKind, Option<String>);

fn sort_key(sig: &Signature, d: &SortDecl) -> SortKey {
    let bound = d
        .kind
        .bound_symbol()
        .filter(|s| s.index() < sig.num_symbols())
        .map(|s| crate::smtlib::symbol_name(sig, s));
    (d.name, d.kind.clone(), bound)
}

/// Cache key of a symbol: everything that determines its Z3 declaration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SymKey {
    z3_name: String,
    args: Vec<SortKey>,
    ret: SortKey,
    ctor: bool,
}

/// Translates ivyc-logic sorts, symbols and terms into Z3 objects of the
/// current thread's Z3 context. Sorts and declarations are cached by
/// content (sort name and kind; symbol name and sorts), not by id, so one
/// `Encoder` can serve any sequence of (growing or unrelated) signatures:
/// an entry is reused exactly when the declaration is identical. An
/// enumerated sort redeclared with other constructors becomes a new Z3
/// datatype named `name@k`.
#[derive(Debug, Default)]
pub struct Encoder {
    sorts: HashMap<SortKey, SortInfo>,
    syms: HashMap<SymKey, SymInfo>,
    /// How many enumeration sorts were created per sort name (Z3 datatype
    /// names are made unique by suffixing `@k`).
    enum_names: HashMap<String, u32>,
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder::default()
    }

    /// The Z3 sort of one of our sorts (declared on first use).
    pub fn z3_sort(&mut self, sig: &Signature, sort: SortId) -> Result<Sort, EncodeError> {
        Ok(self.sort_info(sig, sort)?.z3_sort())
    }

    pub(crate) fn sort_info(
        &mut self,
        sig: &Signature,
        sort: SortId,
    ) -> Result<SortInfo, EncodeError> {
        if sort.index() >= sig.num_sorts() {
            return err(format!("unknown sort id {}", sort.0));
        }
        let decl = sig.sort(sort);
        let key = sort_key(sig, decl);
        if let Some(info) = self.sorts.get(&key) {
            return Ok(info.clone());
        }
        let name = decl.name.as_str();
        let info = match &decl.kind {
            SortKind::Bool => SortInfo::Bool,
            SortKind::Int => SortInfo::Int(IntKind::Int),
            SortKind::Nat => SortInfo::Int(IntKind::Nat),
            SortKind::Range { lo, hi } => SortInfo::Int(IntKind::Range(
                *lo,
                match hi {
                    Bound::Num(h) => Int::from_i128(*h),
                    Bound::Sym(s) => {
                        if s.index() >= sig.num_symbols() || !sig.symbol(*s).args.is_empty() {
                            return err(format!("bad upper bound of range sort {name}"));
                        }
                        // The bound symbol's own declaration (0-ary, Int).
                        Int::new_const(crate::smtlib::symbol_name(sig, *s))
                    }
                },
            )),
            SortKind::BitVec(0) => return err(format!("bit-vector sort {name} of width 0")),
            SortKind::BitVec(w) => SortInfo::BitVec(*w),
            SortKind::Str => SortInfo::Str,
            SortKind::Uninterpreted => {
                SortInfo::Uninterpreted(Sort::uninterpreted(z3::Symbol::String(name.to_string())))
            }
            SortKind::Enum(ctors) => {
                if ctors.is_empty() {
                    return err(format!("enumerated sort {name} has no constructors"));
                }
                let k = self.enum_names.entry(name.to_string()).or_insert(0);
                *k += 1;
                let z3_name = if *k == 1 {
                    name.to_string()
                } else {
                    format!("{name}@{k}")
                };
                let names: Vec<String> = ctors.iter().map(|c| c.as_str().to_string()).collect();
                let syms: Vec<z3::Symbol> = names
                    .iter()
                    .map(|c| z3::Symbol::String(c.clone()))
                    .collect();
                let (sort, ctors, _testers) = Sort::enumeration(z3::Symbol::String(z3_name), &syms);
                SortInfo::Enum {
                    sort,
                    ctors: ctors.into_iter().map(Rc::new).collect(),
                    names,
                }
            }
        };
        self.sorts.insert(key, info.clone());
        Ok(info)
    }

    /// The Z3 declaration of a symbol (declared on first use). Enumeration
    /// constructors map to the constructors of the Z3 datatype.
    pub fn func_decl(&mut self, sig: &Signature, sym: SymId) -> Result<Rc<FuncDecl>, EncodeError> {
        Ok(self.sym_info(sig, sym)?.decl)
    }

    pub(crate) fn sym_info(&mut self, sig: &Signature, sym: SymId) -> Result<SymInfo, EncodeError> {
        if sym.index() >= sig.num_symbols() {
            return err(format!("unknown symbol id {}", sym.0));
        }
        let decl = sig.symbol(sym);
        // Symbol names are not unique in a signature (overloads); Z3
        // identifies declarations by name and sorts, so disambiguate.
        let z3_name = crate::smtlib::symbol_name(sig, sym);
        let key = SymKey {
            z3_name: z3_name.clone(),
            args: decl
                .args
                .iter()
                .map(|&a| sort_key(sig, sig.sort(a)))
                .collect(),
            ret: sort_key(sig, sig.sort(decl.ret)),
            ctor: decl.role == Role::EnumCtor,
        };
        if let Some(info) = self.syms.get(&key) {
            return Ok(info.clone());
        }
        let info = if decl.role == Role::EnumCtor {
            let Some(i) = sig.enum_ctor_index(sym) else {
                return err(format!(
                    "{} is not a constructor of its sort",
                    decl.name.as_str()
                ));
            };
            let SortInfo::Enum { ctors, .. } = self.sort_info(sig, decl.ret)? else {
                return err(format!(
                    "{} is not of an enumerated sort",
                    decl.name.as_str()
                ));
            };
            if i >= ctors.len() {
                return err(format!("constructor {} out of range", decl.name.as_str()));
            }
            SymInfo {
                decl: Rc::clone(&ctors[i]),
                bounds_axiom: None,
            }
        } else {
            let args: Vec<SortInfo> = decl
                .args
                .iter()
                .map(|&s| self.sort_info(sig, s))
                .collect::<Result<_, _>>()?;
            let ret = self.sort_info(sig, decl.ret)?;
            let arg_sorts: Vec<Sort> = args.iter().map(SortInfo::z3_sort).collect();
            let arg_refs: Vec<&Sort> = arg_sorts.iter().collect();
            let fd = FuncDecl::new(z3_name, &arg_refs, &ret.z3_sort());
            let bounds_axiom = match ret {
                SortInfo::Int(k @ (IntKind::Nat | IntKind::Range(..))) => {
                    let bound: Vec<Dynamic> = arg_sorts
                        .iter()
                        .map(|s| Dynamic::fresh_const("x", s))
                        .collect();
                    let bound_refs: Vec<&dyn Ast> = bound.iter().map(|b| b as &dyn Ast).collect();
                    let app = fd.apply(&bound_refs);
                    let Some(app) = app.as_int() else {
                        return err("bounded integer symbol does not return an integer");
                    };
                    // The arguments' own bounds guard the axiom as in a
                    // quantifier over their sorts.
                    let mut guards = Vec::new();
                    for (b, a) in bound.iter().zip(&args) {
                        if let (SortInfo::Int(ak), Some(bi)) = (a, b.as_int()) {
                            guards.extend(ak.guards(&bi));
                        }
                    }
                    let body = Bool::and(&k.guards(&app));
                    let body = if guards.is_empty() {
                        body
                    } else {
                        Bool::and(&guards).implies(&body)
                    };
                    Some(if bound_refs.is_empty() {
                        body
                    } else {
                        z3::ast::forall_const(&bound_refs, &[], &body)
                    })
                }
                _ => None,
            };
            SymInfo {
                decl: Rc::new(fd),
                bounds_axiom,
            }
        };
        self.syms.insert(key, info.clone());
        Ok(info)
    }

    /// Background constraints for the given symbols: `f(args) >= 0` for
    /// every symbol returning a `nat` sort, `lo <= f(args) <= hi` for every
    /// symbol returning a range sort.
    pub fn axioms_for(
        &mut self,
        sig: &Signature,
        syms: &[SymId],
    ) -> Result<Vec<Bool>, EncodeError> {
        let mut out = Vec::new();
        for &s in syms {
            if let Some(ax) = self.sym_info(sig, s)?.bounds_axiom {
                out.push(ax);
            }
        }
        Ok(out)
    }

    /// Encodes a formula. Free variables are an error (close the formula
    /// first, e.g. with [`Term::close_forall`]).
    pub fn encode_formula(&mut self, sig: &Signature, t: &Term) -> Result<Bool, EncodeError> {
        let mut scope = Vec::new();
        self.formula(sig, t, &mut scope)
    }

    /// Encodes a closed term of any sort.
    pub fn encode_term(&mut self, sig: &Signature, t: &Term) -> Result<Dynamic, EncodeError> {
        let mut scope = Vec::new();
        Ok(self.term(sig, t, &mut scope)?.0)
    }

    fn formula(
        &mut self,
        sig: &Signature,
        t: &Term,
        scope: &mut Vec<(Var, Dynamic)>,
    ) -> Result<Bool, EncodeError> {
        let (d, s) = self.term(sig, t, scope)?;
        if s != SortId::BOOL {
            return err(format!(
                "expected a formula, got a term of sort {}",
                sort_name(sig, s)
            ));
        }
        d.as_bool()
            .ok_or_else(|| EncodeError("boolean term is not a Z3 Bool".into()))
    }

    /// Encodes `t`, returning the Z3 AST and our sort of `t`.
    fn term(
        &mut self,
        sig: &Signature,
        t: &Term,
        scope: &mut Vec<(Var, Dynamic)>,
    ) -> Result<(Dynamic, SortId), EncodeError> {
        match &t.kind {
            TermKind::Bool(b) => Ok((Bool::from_bool(*b).into(), SortId::BOOL)),
            TermKind::Num(n, s) => Ok((self.numeral(sig, *n, *s)?, *s)),
            TermKind::Str(text, s) => {
                if !matches!(self.sort_info(sig, *s)?, SortInfo::Str) {
                    return err(format!(
                        "string literal of non-string sort {}",
                        sort_name(sig, *s)
                    ));
                }
                let lit: z3::ast::String = text
                    .as_str()
                    .parse()
                    .map_err(|_| EncodeError("string literal contains NUL".into()))?;
                Ok((lit.into(), *s))
            }
            TermKind::Var(v) => match scope.iter().rev().find(|(w, _)| w == v) {
                Some((_, d)) => Ok((d.clone(), v.sort)),
                None => err(format!("unbound variable {}", v.name.as_str())),
            },
            TermKind::App(f, xs) => {
                let info = self.sym_info(sig, *f)?;
                let d = sig.symbol(*f);
                if d.args.len() != xs.len() {
                    return err(format!(
                        "{} expects {} arguments, got {}",
                        d.name.as_str(),
                        d.args.len(),
                        xs.len()
                    ));
                }
                let mut args = Vec::with_capacity(xs.len());
                for (x, &want) in xs.iter().zip(&d.args) {
                    let (a, s) = self.term(sig, x, scope)?;
                    if s != want {
                        return err(format!(
                            "argument of {} has sort {}, expected {}",
                            d.name.as_str(),
                            sort_name(sig, s),
                            sort_name(sig, want)
                        ));
                    }
                    args.push(a);
                }
                let refs: Vec<&dyn Ast> = args.iter().map(|a| a as &dyn Ast).collect();
                Ok((info.decl.apply(&refs), d.ret))
            }
            TermKind::Eq(a, b) => {
                let (x, sx) = self.term(sig, a, scope)?;
                let (y, sy) = self.term(sig, b, scope)?;
                if sx != sy {
                    return err(format!(
                        "sides of = have different sorts {} and {}",
                        sort_name(sig, sx),
                        sort_name(sig, sy)
                    ));
                }
                let e = x
                    .safe_eq(&y)
                    .map_err(|e| EncodeError(format!("ill-sorted equality: {e}")))?;
                Ok((e.into(), SortId::BOOL))
            }
            TermKind::Not(a) => Ok((self.formula(sig, a, scope)?.not().into(), SortId::BOOL)),
            TermKind::And(xs) | TermKind::Or(xs) => {
                let parts: Vec<Bool> = xs
                    .iter()
                    .map(|x| self.formula(sig, x, scope))
                    .collect::<Result<_, _>>()?;
                let r = if matches!(t.kind, TermKind::And(_)) {
                    Bool::and(&parts)
                } else {
                    Bool::or(&parts)
                };
                Ok((r.into(), SortId::BOOL))
            }
            TermKind::Implies(a, b) => {
                let x = self.formula(sig, a, scope)?;
                let y = self.formula(sig, b, scope)?;
                Ok((x.implies(&y).into(), SortId::BOOL))
            }
            TermKind::Iff(a, b) => {
                let x = self.formula(sig, a, scope)?;
                let y = self.formula(sig, b, scope)?;
                Ok((x.iff(&y).into(), SortId::BOOL))
            }
            TermKind::Ite(c, a, b) => {
                let c = self.formula(sig, c, scope)?;
                let (x, sx) = self.term(sig, a, scope)?;
                let (y, sy) = self.term(sig, b, scope)?;
                if sx != sy {
                    return err(format!(
                        "branches of ite have different sorts {} and {}",
                        sort_name(sig, sx),
                        sort_name(sig, sy)
                    ));
                }
                Ok((c.ite(&x, &y), sx))
            }
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                let is_forall = matches!(t.kind, TermKind::Forall(..));
                // Variables of small enumerated sorts are expanded: `forall
                // Q:e. φ(Q)` is the conjunction of `φ(c)` over the
                // constructors (no quantifier to instantiate, and no
                // matching loop through functions over the enumeration).
                if let Some(q) = self.expand_enum_vars(sig, vs, body, is_forall, scope)? {
                    return Ok((q.into(), SortId::BOOL));
                }
                let mut bound = Vec::with_capacity(vs.len());
                let mut guards = Vec::new();
                for v in vs {
                    let info = self.sort_info(sig, v.sort)?;
                    let c = Dynamic::fresh_const(v.name.as_str(), &info.z3_sort());
                    if let (SortInfo::Int(k), Some(i)) = (&info, c.as_int()) {
                        guards.extend(k.guards(&i));
                    }
                    bound.push(c);
                }
                let n = scope.len();
                scope.extend(vs.iter().copied().zip(bound.iter().cloned()));
                let b = self.formula(sig, body, scope);
                scope.truncate(n);
                let b = b?;
                let refs: Vec<&dyn Ast> = bound.iter().map(|c| c as &dyn Ast).collect();
                let q = if is_forall {
                    let b = if guards.is_empty() {
                        b
                    } else {
                        Bool::and(&guards).implies(&b)
                    };
                    z3::ast::forall_const(&refs, &[], &b)
                } else {
                    guards.push(b);
                    z3::ast::exists_const(&refs, &[], &Bool::and(&guards))
                };
                Ok((q.into(), SortId::BOOL))
            }
            TermKind::Builtin(op, xs) => self.builtin(sig, *op, xs, scope),
        }
    }

    /// `forall vs. body` (or `exists`) with the variables of enumerated
    /// sorts replaced by each combination of their constructors, when
    /// there are some and at most [`ENUM_EXPANSION`] combinations; the
    /// other variables stay quantified (inside). `None`: not expanded.
    fn expand_enum_vars(
        &mut self,
        sig: &Signature,
        vs: &[Var],
        body: &Term,
        is_forall: bool,
        scope: &mut Vec<(Var, Dynamic)>,
    ) -> Result<Option<Bool>, EncodeError> {
        let mut enums: Vec<(Var, Vec<Dynamic>)> = Vec::new();
        let mut rest: Vec<Var> = Vec::new();
        let mut combos: usize = 1;
        for v in vs {
            match self.sort_info(sig, v.sort)? {
                SortInfo::Enum { ctors, .. } => {
                    combos = combos.saturating_mul(ctors.len());
                    let values: Vec<Dynamic> = ctors.iter().map(|c| c.apply(&[])).collect();
                    enums.push((*v, values));
                }
                _ => rest.push(*v),
            }
        }
        if enums.is_empty() || combos > ENUM_EXPANSION {
            return Ok(None);
        }
        let inner = if rest.is_empty() {
            body.clone()
        } else if is_forall {
            Term::forall(rest, body.clone())
        } else {
            Term::exists(rest, body.clone())
        };
        let mut parts = Vec::with_capacity(combos);
        for k in 0..combos {
            let n = scope.len();
            let mut idx = k;
            for (v, values) in &enums {
                let i = idx % values.len();
                idx /= values.len();
                scope.push((*v, values[i].clone()));
            }
            let b = self.formula(sig, &inner, scope);
            scope.truncate(n);
            parts.push(b?);
        }
        Ok(Some(if is_forall {
            Bool::and(&parts)
        } else {
            Bool::or(&parts)
        }))
    }

    /// A numeral of an interpreted numeric sort.
    pub(crate) fn numeral(
        &mut self,
        sig: &Signature,
        n: i128,
        sort: SortId,
    ) -> Result<Dynamic, EncodeError> {
        match self.sort_info(sig, sort)? {
            SortInfo::Int(k) => {
                if matches!(k, IntKind::Nat) && n < 0 {
                    return err(format!(
                        "negative numeral {n} of nat sort {}",
                        sort_name(sig, sort)
                    ));
                }
                Ok(k.numeral(n).into())
            }
            SortInfo::BitVec(w) => Ok(bv_numeral(n, w)?.into()),
            _ => err(format!(
                "numeral {n} of non-numeric sort {}",
                sort_name(sig, sort)
            )),
        }
    }

    fn builtin(
        &mut self,
        sig: &Signature,
        op: BuiltinOp,
        xs: &[Term],
        scope: &mut Vec<(Var, Dynamic)>,
    ) -> Result<(Dynamic, SortId), EncodeError> {
        let mut args = Vec::with_capacity(xs.len());
        let mut sort = None;
        for x in xs {
            let (a, s) = self.term(sig, x, scope)?;
            match sort {
                None => sort = Some(s),
                Some(s0) if s0 != s => {
                    return err(format!("operands of {} have different sorts", op.as_str()))
                }
                Some(_) => {}
            }
            args.push(a);
        }
        let Some(sort) = sort else {
            return err(format!("{} without operands", op.as_str()));
        };
        let arity = if op == BuiltinOp::BvNot { 1 } else { 2 };
        if args.len() != arity {
            return err(format!(
                "{} expects {arity} operands, got {}",
                op.as_str(),
                args.len()
            ));
        }
        let ret = if op.is_comparison() {
            SortId::BOOL
        } else {
            sort
        };
        let bad = || {
            err::<Dynamic>(format!(
                "{} is not supported on sort {}",
                op.as_str(),
                sort_name(sig, sort)
            ))
        };
        let r: Dynamic = match self.sort_info(sig, sort)? {
            SortInfo::Int(k) => {
                let a: Vec<Int> = args
                    .iter()
                    .map(|d| {
                        d.as_int()
                            .ok_or_else(|| EncodeError("expected an Int".into()))
                    })
                    .collect::<Result<_, _>>()?;
                let (x, y) = (&a[0], &a[1]);
                match op {
                    BuiltinOp::Lt => x.lt(y).into(),
                    BuiltinOp::Le => x.le(y).into(),
                    BuiltinOp::Gt => x.gt(y).into(),
                    BuiltinOp::Ge => x.ge(y).into(),
                    BuiltinOp::Add => k.saturate(x + y).into(),
                    BuiltinOp::Mul => k.saturate(x * y).into(),
                    BuiltinOp::Div => k.saturate(x.div(y)).into(),
                    BuiltinOp::Sub if matches!(k, IntKind::Nat) => {
                        // Ivy's truncated subtraction on nat.
                        x.ge(y).ite(&(x - y), &Int::from_i64(0)).into()
                    }
                    BuiltinOp::Sub => k.saturate(x - y).into(),
                    BuiltinOp::BvAnd | BuiltinOp::BvOr | BuiltinOp::BvNot => {
                        return bad().map(|d| (d, ret))
                    }
                }
            }
            SortInfo::BitVec(_) => {
                let a: Vec<BV> = args
                    .iter()
                    .map(|d| d.as_bv().ok_or_else(|| EncodeError("expected a BV".into())))
                    .collect::<Result<_, _>>()?;
                if op == BuiltinOp::BvNot {
                    a[0].bvnot().into()
                } else {
                    let (x, y) = (&a[0], &a[1]);
                    match op {
                        BuiltinOp::Lt => x.bvult(y).into(),
                        BuiltinOp::Le => x.bvule(y).into(),
                        BuiltinOp::Gt => x.bvugt(y).into(),
                        BuiltinOp::Ge => x.bvuge(y).into(),
                        BuiltinOp::Add => x.bvadd(y).into(),
                        BuiltinOp::Sub => x.bvsub(y).into(),
                        BuiltinOp::Mul => x.bvmul(y).into(),
                        BuiltinOp::Div => x.bvudiv(y).into(),
                        BuiltinOp::BvAnd => x.bvand(y).into(),
                        BuiltinOp::BvOr => x.bvor(y).into(),
                        BuiltinOp::BvNot => a[0].bvnot().into(),
                    }
                }
            }
            SortInfo::Str => {
                let a: Vec<z3::ast::String> = args
                    .iter()
                    .map(|d| {
                        d.as_string()
                            .ok_or_else(|| EncodeError("expected a String".into()))
                    })
                    .collect::<Result<_, _>>()?;
                let (x, y) = (&a[0], &a[1]);
                match op {
                    BuiltinOp::Lt => x.str_lt(y).into(),
                    BuiltinOp::Le => x.str_le(y).into(),
                    BuiltinOp::Gt => x.str_gt(y).into(),
                    BuiltinOp::Ge => x.str_ge(y).into(),
                    BuiltinOp::Add => z3::ast::String::concat(&[x.clone(), y.clone()]).into(),
                    _ => return bad().map(|d| (d, ret)),
                }
            }
            _ => return bad().map(|d| (d, ret)),
        };
        Ok((r, ret))
    }
}

/// A bit-vector numeral of width `w`, taken modulo `2^w`.
pub(crate) fn bv_numeral(n: i128, w: u32) -> Result<BV, EncodeError> {
    let text = if w < 127 {
        n.rem_euclid(1i128 << w).to_string()
    } else if n >= 0 {
        n.to_string()
    } else {
        // 2^w + n, computed in decimal via u128 when it fits.
        let m = (n.unsigned_abs()).to_string();
        return BV::from_str(w, &m)
            .map(|b| b.bvneg())
            .ok_or_else(|| EncodeError(format!("bad bit-vector numeral {n}")));
    };
    BV::from_str(w, &text).ok_or_else(|| EncodeError(format!("bad bit-vector numeral {n}")))
}

pub(crate) fn sort_name(sig: &Signature, s: SortId) -> String {
    if s.index() < sig.num_sorts() {
        sig.sort_name(s).to_string()
    } else {
        format!("<sort {}>", s.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bv_numerals_wrap() {
        let v = |n: i128, w: u32| bv_numeral(n, w).ok().and_then(|b| b.as_u64());
        assert_eq!(v(256, 8), Some(0));
        assert_eq!(v(-1, 8), Some(255));
        assert_eq!(v(300, 8), Some(44));
        assert_eq!(v(-1, 64), Some(u64::MAX));
        // wide: -1 is all ones
        let b = bv_numeral(-1, 128).ok().map(|b| b.simplify());
        let ones = BV::from_str(128, &u128::MAX.to_string());
        assert!(b.is_some() && ones.is_some());
        assert_eq!(b, ones);
    }
}
