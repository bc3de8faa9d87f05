//! Constrained Horn clauses decided by Z3's Spacer engine (IC3/PDR
//! generalised to SMT): `Z3Horn` implements `ivyc_logic::HornSolver`. Each
//! clause is encoded as `forall vars. body ∧ constraint ⇒ head` over the
//! clause's own 0-ary symbols, asserted into a solver for the `HORN` logic;
//! `sat` means safe (the model's interpretation of the predicate is an
//! inductive invariant, decoded back into a term when it uses only what
//! we can read), `unsat` means a query clause is reachable.

use crate::encode::Encoder;
use crate::session::classify_unknown;
use ivyc_logic::{
    HornAnswer, HornProblem, HornSolver, Reason, Role, Signature, SortId, SortKind, SymId, Term,
    Var,
};
use std::collections::{BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use z3::ast::{Ast, Bool, Dynamic, Int, BV};
use z3::{FuncDecl, Params, SatResult, Sort};

/// Spacer through Z3's `HORN` logic. Like every Z3 object it lives in the
/// calling thread's context: one per thread.
#[derive(Debug, Default)]
pub struct Z3Horn {}

impl Z3Horn {
    pub fn new() -> Z3Horn {
        Z3Horn {}
    }
}

impl HornSolver for Z3Horn {
    fn solve(&mut self, sig: &Signature, problem: &HornProblem, timeout_ms: u64) -> HornAnswer {
        let run = catch_unwind(AssertUnwindSafe(|| {
            crate::with_fresh_context(|| solve_in_context(sig, problem, timeout_ms))
        }));
        match run {
            Ok(a) => a,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                HornAnswer::Unknown(Reason::Error(format!("Z3 failure: {msg}")))
            }
        }
    }
}

/// The clause variables: 0-ary symbols other than enumeration constructors.
fn clause_vars(sig: &Signature, terms: &[&Term]) -> Vec<SymId> {
    let mut set = BTreeSet::new();
    for t in terms {
        for s in t.symbols() {
            let d = sig.symbol(s);
            if d.args.is_empty() && d.role != Role::EnumCtor {
                set.insert(s);
            }
        }
    }
    set.into_iter().collect()
}

fn solve_in_context(sig: &Signature, problem: &HornProblem, timeout_ms: u64) -> HornAnswer {
    let mut enc = Encoder::new();
    let sorts: Result<Vec<Sort>, _> = problem
        .pred_sorts
        .iter()
        .map(|&s| enc.z3_sort(sig, s))
        .collect();
    let sorts = match sorts {
        Ok(s) => s,
        Err(e) => return HornAnswer::Unknown(Reason::Error(e.to_string())),
    };
    let sort_refs: Vec<&Sort> = sorts.iter().collect();
    let inv = FuncDecl::new("Inv", &sort_refs, &Sort::bool());
    let Some(solver) = z3::Solver::new_for_logic("HORN") else {
        return HornAnswer::Unknown(Reason::Error("Z3 has no HORN solver".into()));
    };
    let apply = |enc: &mut Encoder, args: &[Term]| -> Result<Bool, String> {
        let vals: Result<Vec<Dynamic>, _> = args.iter().map(|a| enc.encode_term(sig, a)).collect();
        let vals = vals.map_err(|e| e.to_string())?;
        let refs: Vec<&dyn Ast> = vals.iter().map(|v| v as &dyn Ast).collect();
        inv.apply(&refs)
            .as_bool()
            .ok_or_else(|| "predicate application is not boolean".to_string())
    };
    for c in &problem.clauses {
        let mut terms: Vec<&Term> = vec![&c.constraint];
        terms.extend(c.body.iter().flatten());
        terms.extend(c.head.iter().flatten());
        let vars = clause_vars(sig, &terms);
        let encoded = (|| -> Result<Bool, String> {
            let mut body = vec![enc
                .encode_formula(sig, &c.constraint)
                .map_err(|e| e.to_string())?];
            body.extend(enc.axioms_for(sig, &vars).map_err(|e| e.to_string())?);
            if let Some(args) = &c.body {
                body.push(apply(&mut enc, args)?);
            }
            let head = match &c.head {
                Some(args) => apply(&mut enc, args)?,
                None => Bool::from_bool(false),
            };
            let consts: Result<Vec<Dynamic>, _> = vars
                .iter()
                .map(|&v| enc.encode_term(sig, &Term::constant(v)))
                .collect();
            let consts = consts.map_err(|e| e.to_string())?;
            let bounds: Vec<&dyn Ast> = consts.iter().map(|v| v as &dyn Ast).collect();
            let rule = Bool::and(&body).implies(&head);
            Ok(z3::ast::forall_const(&bounds, &[], &rule))
        })();
        match encoded {
            Ok(rule) => solver.assert(&rule),
            Err(e) => return HornAnswer::Unknown(Reason::Error(e)),
        }
    }
    let mut p = Params::new();
    let t = if timeout_ms == 0 {
        u32::MAX
    } else {
        u32::try_from(timeout_ms).unwrap_or(u32::MAX)
    };
    p.set_u32("timeout", t);
    solver.set_params(&p);
    match solver.check() {
        SatResult::Sat => {
            let invariant = solver
                .get_model()
                .and_then(|m| decode_invariant(sig, &mut enc, &m, &inv, &problem.pred_sorts));
            HornAnswer::Safe {
                invariant,
                detail: "spacer".into(),
            }
        }
        SatResult::Unsat => HornAnswer::Unsafe {
            detail: "spacer".into(),
        },
        SatResult::Unknown => {
            let r = solver.get_reason_unknown().unwrap_or_default();
            HornAnswer::Unknown(classify_unknown(&r))
        }
    }
}

/// The predicate's interpretation applied to fresh constants `A0, A1, ...`
/// and read back as a term over variables of those names.
fn decode_invariant(
    sig: &Signature,
    enc: &mut Encoder,
    model: &z3::Model,
    inv: &FuncDecl,
    sorts: &[SortId],
) -> Option<Term> {
    let mut names = HashMap::new();
    let mut consts = Vec::new();
    for (i, &s) in sorts.iter().enumerate() {
        let name = format!("ivyc!arg{i}");
        let c = Dynamic::new_const(name.as_str(), &enc.z3_sort(sig, s).ok()?);
        names.insert(name, Var::new(&format!("A{i}"), s));
        consts.push(c);
    }
    let refs: Vec<&dyn Ast> = consts.iter().map(|v| v as &dyn Ast).collect();
    let applied = inv.apply(&refs);
    let body = model.eval(&applied, false)?;
    let mut ctors = HashMap::new();
    for (id, d) in sig.symbols() {
        if d.role == Role::EnumCtor {
            ctors.insert(d.name.as_str().to_string(), id);
        }
    }
    Reader {
        sig,
        names: &names,
        ctors: &ctors,
    }
    .term(&body, None)
}

/// Reads a Z3 formula over the argument constants back into a term; `None`
/// for anything outside booleans, equality, integer order and sums,
/// enumeration constants and numerals.
struct Reader<'a> {
    sig: &'a Signature,
    names: &'a HashMap<String, Var>,
    ctors: &'a HashMap<String, SymId>,
}

impl Reader<'_> {
    /// The sort of a subterm if it is known without context.
    fn sort_of(&self, a: &Dynamic) -> Option<SortId> {
        if a.is_app() && a.num_children() == 0 {
            let name = a.decl().name();
            if let Some(v) = self.names.get(&name) {
                return Some(v.sort);
            }
            if let Some(&c) = self.ctors.get(&name) {
                return Some(self.sig.symbol(c).ret);
            }
        }
        if a.sort_kind() == z3::SortKind::Bool {
            return Some(SortId::BOOL);
        }
        a.children().iter().find_map(|c| {
            if a.sort_kind() == c.sort_kind() {
                self.sort_of(c)
            } else {
                None
            }
        })
    }

    fn term(&self, a: &Dynamic, want: Option<SortId>) -> Option<Term> {
        if !a.is_app() {
            return None;
        }
        let kids = a.children();
        let name = a.decl().name();
        let num = |want: Option<SortId>| -> Option<Term> {
            let s = want?;
            let v: i128 = match self.sig.sort_kind(s) {
                SortKind::BitVec(_) => i128::from(a.as_bv().and_then(|b: BV| b.as_u64())?),
                _ => i128::from(a.as_int().and_then(|i: Int| i.as_i64())?),
            };
            Some(Term::num(v, s))
        };
        if kids.is_empty() {
            if let Some(v) = self.names.get(&name) {
                return Some(Term::var(*v));
            }
            if let Some(&c) = self.ctors.get(&name) {
                return Some(Term::constant(c));
            }
            return match name.as_str() {
                "true" => Some(Term::tru()),
                "false" => Some(Term::fls()),
                _ => num(want),
            };
        }
        let all = |want: Option<SortId>| -> Option<Vec<Term>> {
            kids.iter().map(|k| self.term(k, want)).collect()
        };
        let pair_sort = || kids.iter().find_map(|k| self.sort_of(k));
        use ivyc_logic::BuiltinOp as B;
        match name.as_str() {
            "and" => Some(Term::and(all(Some(SortId::BOOL))?)),
            "or" => Some(Term::or(all(Some(SortId::BOOL))?)),
            "not" => Some(Term::not(self.term(kids.first()?, Some(SortId::BOOL))?)),
            "=>" => {
                let v = all(Some(SortId::BOOL))?;
                Some(Term::implies(v.first()?.clone(), v.get(1)?.clone()))
            }
            "=" if kids.len() == 2 => {
                let s = pair_sort();
                let v = all(s)?;
                if s == Some(SortId::BOOL) {
                    Some(Term::iff(v[0].clone(), v[1].clone()))
                } else {
                    Some(Term::eq(v[0].clone(), v[1].clone()))
                }
            }
            "ite" if kids.len() == 3 => {
                let c = self.term(&kids[0], Some(SortId::BOOL))?;
                let s = want.or_else(|| kids[1..].iter().find_map(|k| self.sort_of(k)));
                Some(Term::ite(
                    c,
                    self.term(&kids[1], s)?,
                    self.term(&kids[2], s)?,
                ))
            }
            "<=" | ">=" | "<" | ">" | "bvule" | "bvuge" | "bvult" | "bvugt" => {
                let op = match name.as_str() {
                    "<=" | "bvule" => B::Le,
                    ">=" | "bvuge" => B::Ge,
                    "<" | "bvult" => B::Lt,
                    _ => B::Gt,
                };
                let v = all(pair_sort())?;
                Some(Term::builtin(op, v))
            }
            "+" | "*" | "-" if want.is_some() || pair_sort().is_some() => {
                // Only over sorts without clamping (a sum in an invariant
                // over a range sort would mean Z3's unbounded arithmetic).
                let s = want.or_else(pair_sort)?;
                if !matches!(self.sig.sort_kind(s), SortKind::Int) {
                    return None;
                }
                let op = match name.as_str() {
                    "+" => B::Add,
                    "*" => B::Mul,
                    _ => B::Sub,
                };
                Some(Term::builtin(op, all(Some(s))?))
            }
            _ => None,
        }
    }
}
