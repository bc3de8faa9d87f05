//! Random well-sorted terms, formulas and statements over the symbols an
//! environment can see. Quantifiers that would add a forall-exists edge
//! closing a cycle in the sort graph are not generated, so random code
//! stays in the decidable fragment (cycles are made on purpose elsewhere).

use crate::rng::Rng;
use crate::sig::{Sig, SortId, SortKind, Ty};
use std::collections::BTreeSet;

/// Polarity of a position in a formula that is assumed (`Pos`), negated as
/// a goal (`Neg`), or both (conditions, definitions, invariants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pol {
    Pos,
    Neg,
    Both,
}

impl Pol {
    fn flip(self) -> Pol {
        match self {
            Pol::Pos => Pol::Neg,
            Pol::Neg => Pol::Pos,
            Pol::Both => Pol::Both,
        }
    }
}

/// A logical variable in scope.
#[derive(Clone, Debug)]
struct Var {
    name: String,
    sort: SortId,
    /// Universally quantified (may be a Skolem argument).
    universal: bool,
}

/// A callable action: name as written, parameter types, result type.
#[derive(Clone, Debug)]
pub struct Callee {
    pub name: String,
    pub params: Vec<Ty>,
    pub returns: Option<Ty>,
}

/// What random code can see and write.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// The object the code is printed in.
    pub scope: Option<String>,
    /// Readable state symbols (ids into `Sig::syms`).
    pub syms: Vec<usize>,
    /// Assignable state symbols.
    pub writable: Vec<usize>,
    /// Program variables: parameters, locals, results.
    pub consts: Vec<(String, Ty)>,
    /// Assignable program variables (locals and results).
    pub assignable: Vec<String>,
    /// Actions random code may call.
    pub callees: Vec<Callee>,
    vars: Vec<Var>,
    /// Whether new free (implicitly universal) variables may appear.
    allow_free: bool,
    /// Free variables introduced so far, in order.
    free: Vec<(String, SortId)>,
    /// Nesting depth of explicit quantifiers.
    in_quant: usize,
    /// Names used by variables of the current formula.
    var_names: BTreeSet<String>,
    /// Free variables that appear as an argument of a symbol (their sort
    /// is evident to a reader and to sort inference).
    anchored: BTreeSet<String>,
    /// Whether variables of `nat`/`int` sorts may be introduced.
    pub num_vars: bool,
    /// Inside the condition of `if some` (its witness is a variable there).
    in_witness: bool,
}

impl Env {
    pub fn new(scope: Option<String>) -> Env {
        Env {
            scope,
            ..Env::default()
        }
    }

    fn begin_formula(&mut self, allow_free: bool) {
        self.vars.clear();
        self.free.clear();
        self.var_names.clear();
        self.anchored.clear();
        self.in_quant = 0;
        self.allow_free = allow_free;
    }
}

/// The random code generator: a signature, a random stream and the rate
/// knobs.
pub struct Gen<'a> {
    pub sig: &'a mut Sig,
    pub rng: &'a mut Rng,
    /// May generate `assert` statements.
    pub asserts: bool,
    /// May generate `var`/`local`.
    pub locals: bool,
    /// May generate `if some`.
    pub if_some: bool,
    /// May generate conditional terms over variables.
    pub ite_vars: bool,
}

fn paren(s: String) -> String {
    if s.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        || (s.starts_with('(') && balanced_outer(&s))
    {
        s
    } else {
        format!("({s})")
    }
}

/// Whether `s` is one parenthesised group `( ... )` or an application
/// `f(...)` with nothing after it.
fn balanced_outer(s: &str) -> bool {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i + 1 != s.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// An application `f(...)`, a name or a numeral: needs no parentheses as
/// an operand.
fn atomic(s: &str) -> bool {
    let head: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    head.len() == s.len() || (s[head.len()..].starts_with('(') && balanced_outer(&s[head.len()..]))
}

fn operand(s: String) -> String {
    if atomic(&s) {
        s
    } else {
        paren(s)
    }
}

impl Gen<'_> {
    fn var_name(&mut self, env: &mut Env, sort: SortId) -> String {
        let initial: String = self
            .sig
            .sort_name(sort)
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .collect();
        let base = if initial.is_empty() {
            "X".to_string()
        } else {
            initial
        };
        let mut name = base.clone();
        let mut k = 1;
        while env.var_names.contains(&name) {
            name = format!("{base}{k}");
            k += 1;
        }
        env.var_names.insert(name.clone());
        name
    }

    fn var_sort_ok(&self, env: &Env, s: SortId) -> bool {
        match self.sig.kind(s) {
            Some(SortKind::Uninterpreted) | Some(SortKind::Enum(_)) => true,
            Some(SortKind::Num { .. }) => env.num_vars,
            None => false,
        }
    }

    /// Closed candidates of sort `s`: variables, program variables,
    /// individuals, enumerated values, numerals.
    fn leaves(&self, env: &Env, s: SortId) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in &env.vars {
            if v.sort == s {
                out.push(v.name.clone());
            }
        }
        for (n, _) in env.free.iter().filter(|(_, fs)| *fs == s) {
            out.push(n.clone());
        }
        for (n, t) in &env.consts {
            if *t == Ty::S(s) {
                out.push(n.clone());
            }
        }
        for &i in &env.syms {
            if let Some(sym) = self.sig.syms.get(i) {
                if sym.args.is_empty() && sym.result == Ty::S(s) {
                    out.push(sym.name_in(env.scope.as_deref()));
                }
            }
        }
        match self.sig.kind(s) {
            Some(SortKind::Enum(vals)) => out.extend(vals.iter().cloned()),
            Some(SortKind::Num { .. }) => {
                out.push("0".into());
                out.push("1".into());
                out.push("2".into());
            }
            _ => {}
        }
        out
    }

    /// A term of sort `s`, or `None` when nothing of that sort is in
    /// scope and no variable may be introduced.
    pub fn term(&mut self, env: &mut Env, s: SortId, depth: usize) -> Option<String> {
        let leaves = self.leaves(env, s);
        // prefer bound variables: quantifiers should mean something
        let bound: Vec<String> = env
            .vars
            .iter()
            .filter(|v| v.sort == s)
            .map(|v| v.name.clone())
            .collect();
        if !bound.is_empty() && self.rng.chance(50) {
            return self.rng.pick(&bound).cloned();
        }
        let funcs: Vec<usize> = env
            .syms
            .iter()
            .copied()
            .filter(|&i| {
                self.sig
                    .syms
                    .get(i)
                    .is_some_and(|f| !f.args.is_empty() && f.result == Ty::S(s))
            })
            .collect();
        let can_free = env.allow_free && env.in_quant == 0 && self.var_sort_ok(env, s);
        if depth > 0 && !funcs.is_empty() && self.rng.chance(30) {
            if let Some(&f) = self.rng.pick(&funcs) {
                if let Some(t) = self.apply(env, f, depth - 1) {
                    return Some(t);
                }
            }
        }
        let ite_ok = self.ite_vars
            || (env.vars.is_empty() && env.free.is_empty() && !env.allow_free && !env.in_witness);
        if depth > 0 && ite_ok && !self.sig.is_num(s) && self.rng.chance(4) {
            let c = self.fmla(env, 0, Pol::Both);
            if let (Some(a), Some(b)) = (self.term(env, s, depth - 1), self.term(env, s, depth - 1))
            {
                return Some(format!("({a} if {c} else {b})"));
            }
        }
        if depth > 0 && self.sig.is_num(s) && self.rng.chance(20) {
            if let Some(t) = self.term(env, s, depth - 1) {
                let op = if self.rng.chance(75) { "+" } else { "-" };
                return Some(format!("{} {op} 1", operand(t)));
            }
        }
        if can_free && (leaves.is_empty() || self.rng.chance(35)) {
            let existing: Vec<String> = env
                .free
                .iter()
                .filter(|(_, fs)| *fs == s)
                .map(|(n, _)| n.clone())
                .collect();
            if !existing.is_empty() && self.rng.chance(50) {
                return self.rng.pick(&existing).cloned();
            }
            let name = self.var_name(env, s);
            env.free.push((name.clone(), s));
            return Some(name);
        }
        if let Some(t) = self.rng.pick(&leaves) {
            return Some(t.clone());
        }
        if depth > 0 {
            if let Some(&f) = self.rng.pick(&funcs) {
                return self.apply(env, f, depth - 1);
            }
        }
        None
    }

    fn apply(&mut self, env: &mut Env, f: usize, depth: usize) -> Option<String> {
        let sym = self.sig.syms.get(f)?.clone();
        let mut args = Vec::new();
        for &a in &sym.args {
            let t = self.term(env, a, depth)?;
            if env.free.iter().any(|(n, _)| *n == t) {
                env.anchored.insert(t.clone());
            }
            args.push(t);
        }
        let name = sym.name_in(env.scope.as_deref());
        if args.is_empty() {
            Some(name)
        } else {
            Some(format!("{name}({})", args.join(", ")))
        }
    }

    /// Sorts that have some term available right now.
    fn inhabited(&mut self, env: &Env) -> Vec<SortId> {
        (0..self.sig.sorts.len())
            .filter(|&s| {
                !self.leaves(env, s).is_empty()
                    || (env.allow_free && env.in_quant == 0 && self.var_sort_ok(env, s))
            })
            .collect()
    }

    /// An atomic formula.
    pub fn atom(&mut self, env: &mut Env, depth: usize) -> String {
        for _ in 0..6 {
            let rels: Vec<usize> = env
                .syms
                .iter()
                .copied()
                .filter(|&i| self.sig.syms.get(i).is_some_and(|r| r.result == Ty::Bool))
                .collect();
            match self.rng.below(10) {
                0..=5 if !rels.is_empty() => {
                    if let Some(&r) = self.rng.pick(&rels) {
                        if let Some(a) = self.apply(env, r, depth) {
                            return a;
                        }
                    }
                }
                6..=8 => {
                    let sorts = self.inhabited(env);
                    if let Some(&s) = self.rng.pick(&sorts) {
                        let (Some(a), Some(b)) =
                            (self.term(env, s, depth), self.term(env, s, depth))
                        else {
                            continue;
                        };
                        if a == b {
                            continue;
                        }
                        // two numerals: nothing says which sort they have
                        if self.sig.is_num(s)
                            && !a.chars().any(char::is_alphabetic)
                            && !b.chars().any(char::is_alphabetic)
                        {
                            continue;
                        }
                        let op = if self.sig.is_num(s) {
                            *self
                                .rng
                                .pick(&["=", "~=", "<", "<=", ">", ">="])
                                .unwrap_or(&"=")
                        } else if self.rng.chance(80) {
                            "="
                        } else {
                            "~="
                        };
                        return format!("{a} {op} {b}");
                    }
                }
                9 => {
                    let bools: Vec<String> = env
                        .consts
                        .iter()
                        .filter(|(_, t)| *t == Ty::Bool)
                        .map(|(n, _)| n.clone())
                        .collect();
                    if let Some(b) = self.rng.pick(&bools) {
                        return b.clone();
                    }
                }
                _ => {}
            }
        }
        if self.rng.chance(50) {
            "true".into()
        } else {
            "false".into()
        }
    }

    /// A formula of nesting `depth` at polarity `pol`.
    pub fn fmla(&mut self, env: &mut Env, depth: usize, pol: Pol) -> String {
        if depth == 0 {
            return self.atom(env, 1);
        }
        match self.rng.below(12) {
            0..=3 => self.atom(env, 1),
            4 => {
                let f = self.fmla(env, depth - 1, pol.flip());
                if atomic(&f) {
                    format!("~{f}")
                } else {
                    format!("~{}", paren(f))
                }
            }
            5 | 6 => {
                let a = self.fmla(env, depth - 1, pol);
                let b = self.fmla(env, depth - 1, pol);
                format!("{} & {}", operand(a), operand(b))
            }
            7 => {
                let a = self.fmla(env, depth - 1, pol);
                let b = self.fmla(env, depth - 1, pol);
                format!("{} | {}", operand(a), operand(b))
            }
            8 | 9 => {
                if self.rng.chance(15) {
                    let a = self.fmla(env, depth - 1, Pol::Both);
                    let b = self.fmla(env, depth - 1, Pol::Both);
                    format!("{} <-> {}", operand(a), operand(b))
                } else {
                    let a = self.fmla(env, depth - 1, pol.flip());
                    let b = self.fmla(env, depth - 1, pol);
                    format!("{} -> {}", operand(a), operand(b))
                }
            }
            _ => self.quantified(env, depth, pol),
        }
    }

    fn quantified(&mut self, env: &mut Env, depth: usize, pol: Pol) -> String {
        let sorts: Vec<SortId> = (0..self.sig.sorts.len())
            .filter(|&s| self.var_sort_ok(env, s))
            .collect();
        let Some(&s) = self.rng.pick(&sorts) else {
            return self.atom(env, 1);
        };
        let is_forall = self.rng.chance(50);
        let existential = match pol {
            Pol::Both => true,
            Pol::Pos => !is_forall,
            Pol::Neg => is_forall,
        };
        let universal = match pol {
            Pol::Both => true,
            Pol::Pos => is_forall,
            Pol::Neg => !is_forall,
        };
        let mut edges = Vec::new();
        if existential {
            let mut from: BTreeSet<SortId> = env
                .vars
                .iter()
                .filter(|v| v.universal)
                .map(|v| v.sort)
                .collect();
            // free variables are universal where the formula is assumed
            from.extend(env.free.iter().map(|(_, fs)| *fs));
            for u in from {
                if self.sig.is_tracked(u) {
                    edges.push((u, s));
                }
            }
            if !self.sig.acyclic_with(&edges) {
                return self.atom(env, 1);
            }
        }
        self.sig.add_edges(&edges);
        let name = self.var_name(env, s);
        env.vars.push(Var {
            name: name.clone(),
            sort: s,
            universal,
        });
        env.in_quant += 1;
        let body = self.fmla(env, depth - 1, pol);
        env.in_quant -= 1;
        env.vars.pop();
        let q = if is_forall { "forall" } else { "exists" };
        format!("{q} {name}:{}. {body}", self.sig.sort_name(s))
    }

    /// A term with no free variables (right-hand sides in code).
    pub fn closed_term(&mut self, env: &mut Env, s: SortId, depth: usize) -> Option<String> {
        env.begin_formula(false);
        self.term(env, s, depth)
    }

    /// A closed formula (no free variables): conditions.
    pub fn closed(&mut self, env: &mut Env, depth: usize, pol: Pol) -> String {
        env.begin_formula(false);
        self.fmla(env, depth, pol)
    }

    /// A formula whose free variables are implicitly universal (invariants,
    /// `require`, `assert`).
    pub fn open(&mut self, env: &mut Env, depth: usize, pol: Pol) -> String {
        env.begin_formula(true);
        let f = self.fmla(env, depth, pol);
        self.bind_unanchored(env, f)
    }

    /// Free variables whose sort nothing in `f` determines are bound by an
    /// explicit `forall` (as a user would write to give them a sort).
    fn bind_unanchored(&self, env: &Env, f: String) -> String {
        let loose: Vec<String> = env
            .free
            .iter()
            .filter(|(n, _)| !env.anchored.contains(n))
            .map(|(n, s)| format!("{n}:{}", self.sig.sort_name(*s)))
            .collect();
        if loose.is_empty() {
            f
        } else {
            format!("forall {}. {f}", loose.join(", "))
        }
    }

    /// An invariant-shaped formula: `a & b -> c` and the like, with free
    /// variables.
    pub fn clause(&mut self, env: &mut Env) -> String {
        env.begin_formula(true);
        let n = self.rng.range(1, 3);
        let lits: Vec<String> = (0..n)
            .map(|_| {
                let a = self.atom(env, 1);
                if self.rng.chance(35) {
                    format!("~{}", operand(a))
                } else {
                    a
                }
            })
            .collect();
        let head = if self.rng.chance(25) {
            self.fmla(env, 1, Pol::Both)
        } else {
            self.atom(env, 1)
        };
        let f = match self.rng.below(4) {
            0 => format!("~({})", lits.join(" & ")),
            1 => format!(
                "{} | {}",
                lits.iter()
                    .map(|l| operand(l.clone()))
                    .collect::<Vec<_>>()
                    .join(" | "),
                operand(head)
            ),
            _ => format!(
                "{} -> {}",
                lits.iter()
                    .map(|l| operand(l.clone()))
                    .collect::<Vec<_>>()
                    .join(" & "),
                operand(head)
            ),
        };
        self.bind_unanchored(env, f)
    }

    /// A random assignment to something `env` may write.
    pub fn assignment(&mut self, env: &mut Env) -> Option<String> {
        let mut targets: Vec<Option<usize>> = env.writable.iter().map(|&i| Some(i)).collect();
        if !env.assignable.is_empty() {
            targets.push(None);
        }
        let target = *self.rng.pick(&targets)?;
        env.begin_formula(false);
        let Some(i) = target else {
            let name = self.rng.pick(&env.assignable)?.clone();
            let ty = env.consts.iter().find(|(n, _)| *n == name)?.1;
            let rhs = match ty {
                Ty::Bool => self.fmla(env, 1, Pol::Both),
                Ty::S(s) => {
                    if self.rng.chance(15) {
                        "*".into()
                    } else {
                        self.term(env, s, 1)?
                    }
                }
            };
            return Some(format!("{name} := {rhs}"));
        };
        let sym = self.sig.syms.get(i)?.clone();
        let mut args = Vec::new();
        let mut lhs_vars = Vec::new();
        for &a in &sym.args {
            let closed = if self.rng.chance(35) {
                None
            } else {
                self.term(env, a, 0)
            };
            match closed {
                Some(t) => args.push(t),
                None => {
                    if !self.var_sort_ok(env, a) {
                        return None;
                    }
                    let v = self.var_name(env, a);
                    args.push(v.clone());
                    lhs_vars.push(Var {
                        name: v,
                        sort: a,
                        universal: true,
                    });
                }
            }
        }
        let n = lhs_vars.len();
        env.vars.extend(lhs_vars);
        let rhs = match sym.result {
            Ty::Bool => match self.rng.below(10) {
                0..=2 => "true".to_string(),
                3..=5 => "false".to_string(),
                _ => self.fmla(env, 1, Pol::Both),
            },
            Ty::S(s) => {
                if n == 0 && self.rng.chance(10) {
                    "*".to_string()
                } else {
                    self.term(env, s, 1)?
                }
            }
        };
        let keep = env.vars.len() - n;
        env.vars.truncate(keep);
        let name = sym.name_in(env.scope.as_deref());
        if args.is_empty() {
            Some(format!("{name} := {rhs}"))
        } else {
            Some(format!("{name}({}) := {rhs}", args.join(", ")))
        }
    }

    /// A statement; compound ones contain up to `depth` levels of blocks.
    pub fn stmt(&mut self, env: &mut Env, depth: usize) -> Vec<String> {
        for _ in 0..8 {
            let k = self.rng.below(20);
            let s = match k {
                0..=10 => self.assignment(env).map(|a| vec![a]),
                11 | 12 if depth > 0 => Some(self.if_stmt(env, depth)),
                13 if depth > 0 && self.if_some => self.if_some_stmt(env, depth),
                14 if self.locals => self.var_stmt(env),
                15 if depth > 0 && self.locals => self.local_stmt(env, depth),
                16 if self.asserts && self.rng.chance(60) => {
                    let f = self.open(env, 1, Pol::Both);
                    let kw = if self.rng.chance(20) {
                        "ensure"
                    } else {
                        "assert"
                    };
                    Some(vec![format!("{kw} {f}")])
                }
                17 | 18 => self.call_stmt(env),
                _ => None,
            };
            if let Some(s) = s {
                return s;
            }
        }
        vec!["assume true".into()]
    }

    /// `n` statements in a row (the variables they declare stay in scope
    /// only inside the row).
    pub fn stmts(&mut self, env: &mut Env, n: usize, depth: usize) -> Vec<Vec<String>> {
        let consts = env.consts.len();
        let assignable = env.assignable.len();
        let out = (0..n).map(|_| self.stmt(env, depth)).collect();
        env.consts.truncate(consts);
        env.assignable.truncate(assignable);
        out
    }

    fn if_stmt(&mut self, env: &mut Env, depth: usize) -> Vec<String> {
        let c = self.closed(env, 1, Pol::Both);
        let n = self.rng.range(1, 2);
        let then = self.stmts(env, n, depth - 1);
        let mut out = vec![format!("if {c} {{")];
        out.extend(block_body(then));
        if self.rng.chance(50) {
            let n = self.rng.range(1, 2);
            let els = self.stmts(env, n, depth - 1);
            out.push("} else {".into());
            out.extend(block_body(els));
        }
        out.push("}".into());
        out
    }

    fn if_some_stmt(&mut self, env: &mut Env, depth: usize) -> Option<Vec<String>> {
        let sorts: Vec<SortId> = self.sig.uninterpreted();
        let s = *self.rng.pick(&sorts)?;
        env.begin_formula(false);
        let v = self.fresh_local(env, s);
        env.consts.push((v.clone(), Ty::S(s)));
        env.in_witness = true;
        let mut c = self.fmla(env, 1, Pol::Both);
        for _ in 0..6 {
            if mentions(&c, &v) {
                break;
            }
            c = self.fmla(env, 1, Pol::Both);
        }
        env.in_witness = false;
        let n = self.rng.range(1, 2);
        let then = self.stmts(env, n, depth - 1);
        env.consts.pop();
        let mut out = vec![format!("if some {v}:{}. {c} {{", self.sig.sort_name(s))];
        out.extend(block_body(then));
        if self.rng.chance(40) {
            let els = self.stmts(env, 1, depth - 1);
            out.push("} else {".into());
            out.extend(block_body(els));
        }
        out.push("}".into());
        Some(out)
    }

    /// A lowercase program variable name not used in `env` nor as a
    /// global name.
    pub fn fresh_local(&mut self, env: &Env, s: SortId) -> String {
        let initial: String = self.sig.sort_name(s).chars().take(1).collect();
        let base = if initial.is_empty() {
            "v".to_string()
        } else {
            initial
        };
        let mut k = 0;
        loop {
            let name = if k == 0 {
                base.clone()
            } else {
                format!("{base}{k}")
            };
            if !env.consts.iter().any(|(n, _)| *n == name) && !self.sig.is_used(&name) {
                return name;
            }
            k += 1;
        }
    }

    fn var_stmt(&mut self, env: &mut Env) -> Option<Vec<String>> {
        let sorts = self.inhabited_closed(env);
        let s = *self.rng.pick(&sorts)?;
        env.begin_formula(false);
        let init = self.term(env, s, 1)?;
        let v = self.fresh_local(env, s);
        env.consts.push((v.clone(), Ty::S(s)));
        env.assignable.push(v.clone());
        let sn = self.sig.sort_name(s);
        if self.rng.chance(25) {
            // declared without a value: it is havocked
            Some(vec![format!("var {v} : {sn}")])
        } else {
            Some(vec![format!("var {v} : {sn} := {init}")])
        }
    }

    fn inhabited_closed(&mut self, env: &Env) -> Vec<SortId> {
        (0..self.sig.sorts.len())
            .filter(|&s| !self.leaves(env, s).is_empty())
            .collect()
    }

    fn local_stmt(&mut self, env: &mut Env, depth: usize) -> Option<Vec<String>> {
        let sorts = self.inhabited_closed(env);
        let s = *self.rng.pick(&sorts)?;
        env.begin_formula(false);
        let init = self.term(env, s, 1)?;
        let v = self.fresh_local(env, s);
        env.consts.push((v.clone(), Ty::S(s)));
        env.assignable.push(v.clone());
        let n = self.rng.range(1, 2);
        let mut body = vec![vec![format!("{v} := {init}")]];
        body.extend(self.stmts(env, n, depth - 1));
        env.consts.pop();
        env.assignable.pop();
        let mut out = vec![format!("local {v}:{} {{", self.sig.sort_name(s))];
        out.extend(block_body(body));
        out.push("}".into());
        Some(out)
    }

    fn call_stmt(&mut self, env: &mut Env) -> Option<Vec<String>> {
        let callee = self.rng.pick(&env.callees)?.clone();
        env.begin_formula(false);
        let mut args = Vec::new();
        for p in &callee.params {
            let t = match p {
                Ty::Bool => self.fmla(env, 0, Pol::Both),
                Ty::S(s) => self.term(env, *s, 0)?,
            };
            args.push(t);
        }
        let call = if args.is_empty() {
            callee.name.clone()
        } else {
            format!("{}({})", callee.name, args.join(", "))
        };
        match callee.returns {
            Some(Ty::S(s)) if self.locals => {
                let v = self.fresh_local(env, s);
                env.consts.push((v.clone(), Ty::S(s)));
                env.assignable.push(v.clone());
                Some(vec![format!(
                    "var {v} : {} := {call}",
                    self.sig.sort_name(s)
                )])
            }
            _ => {
                if self.rng.chance(60) {
                    Some(vec![format!("call {call}")])
                } else {
                    Some(vec![call])
                }
            }
        }
    }
}

/// Whether `text` contains the identifier `name` as a whole word.
pub fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .any(|w| w == name)
}

/// The lines of a block's statements, indented, `;` between statements.
pub fn block_body(stmts: Vec<Vec<String>>) -> Vec<String> {
    let n = stmts.len();
    let mut out = Vec::new();
    for (i, s) in stmts.into_iter().enumerate() {
        let m = s.len();
        for (j, line) in s.into_iter().enumerate() {
            if j + 1 == m && i + 1 < n {
                out.push(format!("    {line};"));
            } else {
                out.push(format!("    {line}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_are_parenthesised_unless_atomic() {
        assert_eq!(operand("r(a, b)".into()), "r(a, b)");
        assert_eq!(operand("x".into()), "x");
        assert_eq!(operand("o.r(x)".into()), "o.r(x)");
        assert_eq!(operand("a = b".into()), "(a = b)");
        assert_eq!(operand("r(a) & q(b)".into()), "(r(a) & q(b))");
        assert_eq!(operand("(a) & (b)".into()), "((a) & (b))");
        assert_eq!(operand("~r(a)".into()), "(~r(a))");
    }

    #[test]
    fn blocks_separate_statements() {
        let b = block_body(vec![
            vec!["a := 1".into()],
            vec!["if c {".into(), "    b := 2".into(), "}".into()],
            vec!["d := 3".into()],
        ]);
        assert_eq!(
            b,
            vec![
                "    a := 1;",
                "    if c {",
                "        b := 2",
                "    };",
                "    d := 3"
            ]
        );
    }
}
