//! Candidate invariants from templates: universally quantified clauses (at
//! most `max_literals` literals, at most `vars_per_sort` variables of each
//! uninterpreted sort and `max_vars` in all) over the atoms the state
//! vocabulary offers: state and rigid relations applied to variables and
//! constants, state and rigid functions equal to a variable or a constant,
//! and equalities between variables and constants; every clause reads the
//! state. Clauses equal up to a renaming of
//! variables are generated once; tautologies are not generated.

use ivyc_logic::{Role, SortId, SortKind, SymId, System, Term, Var};
use std::collections::{BTreeSet, HashSet};

/// The shape of the candidates.
#[derive(Clone, Debug)]
pub struct Templates {
    /// Literals per clause.
    pub max_literals: usize,
    /// Variables of one sort in a clause.
    pub vars_per_sort: usize,
    /// Variables in a clause.
    pub max_vars: usize,
    /// Stop after this many candidates (smallest clauses first).
    pub limit: usize,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            max_literals: 3,
            vars_per_sort: 2,
            max_vars: 3,
            limit: 20_000,
        }
    }
}

/// An argument of an atom: variable `i` of a sort, or a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Arg {
    Var(SortId, usize),
    Const(SymId),
}

/// An atom, before its variables are named.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Atom {
    /// `r(args)` of a state relation.
    Rel(SymId, Vec<Arg>),
    /// `f(args) = v` of a state function (or individual when `args` is
    /// empty).
    FunEq(SymId, Vec<Arg>, Arg),
    /// `a = b`.
    Eq(Arg, Arg),
}

impl Atom {
    fn args(&self) -> Vec<Arg> {
        match self {
            Atom::Rel(_, a) => a.clone(),
            Atom::FunEq(_, a, v) => a.iter().copied().chain([*v]).collect(),
            Atom::Eq(a, b) => vec![*a, *b],
        }
    }

    fn rename(&self, f: &impl Fn(Arg) -> Arg) -> Atom {
        match self {
            Atom::Rel(s, a) => Atom::Rel(*s, a.iter().map(|x| f(*x)).collect()),
            Atom::FunEq(s, a, v) => Atom::FunEq(*s, a.iter().map(|x| f(*x)).collect(), f(*v)),
            Atom::Eq(a, b) => {
                let (a, b) = (f(*a), f(*b));
                // Equality is symmetric: one orientation.
                if a <= b {
                    Atom::Eq(a, b)
                } else {
                    Atom::Eq(b, a)
                }
            }
        }
    }
}

/// Sorts whose elements candidates quantify over: uninterpreted sorts.
fn quantified(sys: &System, s: SortId) -> bool {
    matches!(sys.sig.sort_kind(s), SortKind::Uninterpreted)
}

/// Sorts a candidate atom may mention: uninterpreted, enumerated, bool.
fn usable(sys: &System, s: SortId) -> bool {
    matches!(
        sys.sig.sort_kind(s),
        SortKind::Uninterpreted | SortKind::Enum(_) | SortKind::Bool
    )
}

/// The arguments of sort `s`: its variables and its constants.
fn args_of(sys: &System, t: &Templates, s: SortId) -> Vec<Arg> {
    let mut out = Vec::new();
    if quantified(sys, s) {
        out.extend((0..t.vars_per_sort).map(|i| Arg::Var(s, i)));
    }
    for (id, d) in sys.sig.symbols() {
        let constant = d.args.is_empty()
            && d.ret == s
            && matches!(d.role, Role::State | Role::Rigid | Role::EnumCtor)
            && !sys.definitions.contains_key(&id);
        if constant {
            out.push(Arg::Const(id));
        }
    }
    out
}

/// Every tuple of arguments for `sorts`.
fn tuples(sys: &System, t: &Templates, sorts: &[SortId]) -> Vec<Vec<Arg>> {
    product(sorts.iter().map(|&s| args_of(sys, t, s)).collect())
}

/// Every tuple taking its `i`-th element from `options[i]`.
fn product(options: Vec<Vec<Arg>>) -> Vec<Vec<Arg>> {
    let mut acc: Vec<Vec<Arg>> = vec![Vec::new()];
    for opts in options {
        let mut next = Vec::new();
        for prefix in &acc {
            for o in &opts {
                let mut p = prefix.clone();
                p.push(*o);
                next.push(p);
            }
        }
        acc = next;
    }
    acc
}

/// The atoms of the templates (each once, up to the symmetry of `=`).
fn atoms(sys: &System, t: &Templates) -> Vec<Atom> {
    let mut out: BTreeSet<Atom> = BTreeSet::new();
    for (id, d) in sys.sig.symbols() {
        // State symbols, and rigid ones with arguments (`left(P) = F` of an
        // axiomatised function; rigid individuals are constants).
        let rigid = d.role == Role::Rigid && !d.args.is_empty();
        if !(d.role == Role::State || rigid) || sys.definitions.contains_key(&id) {
            continue;
        }
        if !d.args.iter().all(|&s| usable(sys, s)) || !usable(sys, d.ret) {
            continue;
        }
        if d.ret == SortId::BOOL {
            for a in tuples(sys, t, &d.args) {
                out.insert(Atom::Rel(id, a));
            }
        } else {
            for a in tuples(sys, t, &d.args) {
                for v in args_of(sys, t, d.ret) {
                    // `c = c` for an individual is a tautology.
                    if a.is_empty() && v == Arg::Const(id) {
                        continue;
                    }
                    out.insert(Atom::FunEq(id, a.clone(), v));
                }
            }
        }
    }
    // Equalities between the arguments of each quantified sort.
    for (s, _) in sys.sig.sorts() {
        if !quantified(sys, s) {
            continue;
        }
        let args = args_of(sys, t, s);
        for (i, a) in args.iter().enumerate() {
            for b in &args[i + 1..] {
                if matches!((a, b), (Arg::Var(..), _) | (_, Arg::Var(..))) {
                    out.insert(Atom::Eq(*a, *b).rename(&|x| x));
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Whether an atom reads the state: a state symbol, or a state individual
/// among its arguments. A clause of rigid atoms only is implied by the
/// axioms or false in every state: never a useful candidate.
fn reads_state(sys: &System, a: &Atom) -> bool {
    let state = |id: SymId| sys.sig.symbol(id).role == Role::State;
    let head = match a {
        Atom::Rel(s, _) | Atom::FunEq(s, _, _) => state(*s),
        Atom::Eq(..) => false,
    };
    head || a
        .args()
        .iter()
        .any(|x| matches!(x, Arg::Const(c) if state(*c)))
}

/// A literal: an atom index and its polarity.
type Lit = (usize, bool);

/// A clause in canonical form: its literals.
type Clause = Vec<(Atom, bool)>;

/// The variables of a clause: (sort, index) pairs.
type VarSet = BTreeSet<(SortId, usize)>;

/// The variables a clause uses, as (sort, index) pairs.
fn clause_vars(atoms: &[Atom], lits: &[Lit]) -> BTreeSet<(SortId, usize)> {
    let mut vs = BTreeSet::new();
    for &(a, _) in lits {
        for arg in atoms[a].args() {
            if let Arg::Var(s, i) = arg {
                vs.insert((s, i));
            }
        }
    }
    vs
}

/// The clause's canonical form: its literals under the renaming of
/// variables (within each sort) that gives the smallest sorted list.
fn canonical(atoms: &[Atom], lits: &[Lit], vars: &BTreeSet<(SortId, usize)>) -> Vec<(Atom, bool)> {
    let sorts: Vec<SortId> = vars
        .iter()
        .map(|(s, _)| *s)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Every combination of one permutation per sort.
    let mut perms: Vec<Vec<(SortId, Vec<usize>)>> = vec![Vec::new()];
    for s in sorts {
        let n = vars.iter().filter(|(t, _)| *t == s).count();
        let mut next = Vec::new();
        for p in &perms {
            for perm in permutations(n) {
                let mut q = p.clone();
                q.push((s, perm));
                next.push(q);
            }
        }
        perms = next;
    }
    let mut best: Option<Vec<(Atom, bool)>> = None;
    for p in perms {
        let f = |x: Arg| match x {
            Arg::Var(s, i) => p
                .iter()
                .find(|(t, _)| *t == s)
                .and_then(|(_, perm)| perm.get(i).copied())
                .map_or(x, |j| Arg::Var(s, j)),
            c => c,
        };
        let mut form: Vec<(Atom, bool)> = lits
            .iter()
            .map(|&(a, pos)| (atoms[a].rename(&f), pos))
            .collect();
        form.sort();
        if best.as_ref().is_none_or(|b| form < *b) {
            best = Some(form);
        }
    }
    best.unwrap_or_default()
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

/// The name of variable `i` of sort `s`: the sort's initial in capitals
/// and the index (`N0`, `N1` for `node`); sorts sharing an initial get
/// their full names.
fn var_name(sys: &System, s: SortId, i: usize) -> String {
    let name = sys.sig.sort_name(s);
    let base = name.rsplit('.').next().unwrap_or(name);
    let initial: String = base
        .chars()
        .find(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase().to_string())
        .unwrap_or_else(|| "X".into());
    let shared = sys.sig.sorts().any(|(t, _)| {
        t != s && quantified(sys, t) && {
            let n = sys.sig.sort_name(t);
            let b = n.rsplit('.').next().unwrap_or(n);
            b.chars()
                .find(|c| c.is_ascii_alphabetic())
                .map(|c| c.to_ascii_uppercase().to_string())
                == Some(initial.clone())
        }
    });
    let stem = if shared {
        base.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase()
    } else {
        initial
    };
    format!("{stem}{i}")
}

fn arg_term(sys: &System, a: Arg) -> Term {
    match a {
        Arg::Var(s, i) => Term::var(Var::new(&var_name(sys, s, i), s)),
        Arg::Const(c) => Term::constant(c),
    }
}

fn atom_term(sys: &System, a: &Atom) -> Term {
    match a {
        Atom::Rel(r, args) => Term::app(*r, args.iter().map(|x| arg_term(sys, *x)).collect()),
        Atom::FunEq(f, args, v) => Term::eq(
            Term::app(*f, args.iter().map(|x| arg_term(sys, *x)).collect()),
            arg_term(sys, *v),
        ),
        Atom::Eq(a, b) => Term::eq(arg_term(sys, *a), arg_term(sys, *b)),
    }
}

/// The closed formula of a canonical clause, with `extra` as one more
/// disjunct: `forall vars. l1 | l2 | ... [| extra]`.
fn clause_term(sys: &System, form: &[(Atom, bool)], vars: &VarSet, extra: Option<Term>) -> Term {
    let lits = form.iter().map(|(a, pos)| {
        let t = atom_term(sys, a);
        if *pos {
            t
        } else {
            Term::not(t)
        }
    });
    let body = Term::or(lits.chain(extra));
    let vs: Vec<Var> = vars
        .iter()
        .map(|&(s, i)| Var::new(&var_name(sys, s, i), s))
        .collect();
    if vs.is_empty() {
        body
    } else {
        Term::forall(vs, body)
    }
}

/// The literals of the templates: every atom and its negation, but a
/// negated equality (`A ~= B | φ` is `φ` with `B` replaced by `A`, a
/// smaller clause generated anyway: equalities are only positive).
fn literals(atoms: &[Atom]) -> Vec<Lit> {
    (0..atoms.len())
        .flat_map(|a| [(a, true), (a, false)])
        .filter(|&(a, pos)| pos || !matches!(atoms[a], Atom::Eq(..)))
        .collect()
}

/// The clauses of at most `max_literals` literals over `atoms` with at
/// most `max_vars` variables, smallest first, each once up to a renaming
/// of its variables, in canonical form with its variables; `visit`
/// returns false to stop.
fn canonical_clauses(
    atoms: &[Atom],
    max_literals: usize,
    max_vars: usize,
    mut visit: impl FnMut(Clause, VarSet) -> bool,
) {
    let lits = literals(atoms);
    let mut seen: HashSet<Clause> = HashSet::new();
    // Clauses as increasing index lists into `lits`, by size.
    let mut frontier: Vec<Vec<usize>> = vec![Vec::new()];
    for _size in 1..=max_literals {
        let mut next = Vec::new();
        for c in &frontier {
            let from = c.last().map_or(0, |l| l + 1);
            for j in from..lits.len() {
                // Not `p | ~p`, and no atom twice.
                if c.iter().any(|&i| lits[i].0 == lits[j].0) {
                    continue;
                }
                let mut d = c.clone();
                d.push(j);
                let ls: Vec<Lit> = d.iter().map(|&i| lits[i]).collect();
                let vars = clause_vars(atoms, &ls);
                if vars.len() > max_vars {
                    continue;
                }
                next.push(d);
                // Variables of a sort must be numbered from 0 without gaps
                // (another numbering is the same clause renamed).
                let dense = vars
                    .iter()
                    .all(|&(s, i)| i == 0 || vars.contains(&(s, i - 1)));
                if !dense {
                    continue;
                }
                let form = canonical(atoms, &ls, &vars);
                if seen.insert(form.clone()) && !visit(form, vars) {
                    return;
                }
            }
        }
        frontier = next;
    }
}

/// The candidate clauses of `sys`, smallest first, at most `t.limit`.
pub fn enumerate(sys: &System, t: &Templates) -> Vec<Term> {
    let atoms = atoms(sys, t);
    let mut out = Vec::new();
    if t.limit == 0 {
        return out;
    }
    canonical_clauses(&atoms, t.max_literals, t.max_vars, |form, vars| {
        if form.iter().any(|(a, _)| reads_state(sys, a)) {
            out.push(clause_term(sys, &form, &vars, None));
        }
        out.len() < t.limit
    });
    out
}

/// Candidates with one existential: `forall X. l1 | ... | exists Y. r(..)`
/// where the universal part is a clause of at most `t.max_literals - 1`
/// literals and `r(..)` a state relation applied to the existential `Y`
/// (of an uninterpreted sort) and to variables of the universal part or
/// constants, at least one of them a universal variable (e.g. `forall S.
/// semaphore(S) | exists C. link(C, S)`). At most `t.limit`.
pub fn enumerate_exists(sys: &System, t: &Templates) -> Vec<Term> {
    let small = Templates {
        max_literals: t.max_literals.saturating_sub(1).max(1),
        ..t.clone()
    };
    let atoms = atoms(sys, &small);
    // The universal parts (one variable is left for the existential).
    let mut bases: Vec<(Clause, VarSet)> = Vec::new();
    canonical_clauses(
        &atoms,
        small.max_literals,
        t.max_vars.saturating_sub(1),
        |form, vars| {
            if !vars.is_empty() {
                bases.push((form, vars));
            }
            true
        },
    );
    let mut out = Vec::new();
    let mut texts: HashSet<String> = HashSet::new();
    for (form, vars) in &bases {
        for (id, d) in sys.sig.symbols() {
            if d.role != Role::State || d.ret != SortId::BOOL || d.args.len() < 2 {
                continue;
            }
            if sys.definitions.contains_key(&id) || !d.args.iter().all(|&s| usable(sys, s)) {
                continue;
            }
            // The position of the existential, then the other arguments
            // from the universal variables (of the right sort) and constants.
            for (k, &ys) in d.args.iter().enumerate() {
                if !quantified(sys, ys) {
                    continue;
                }
                let y = Arg::Var(ys, t.vars_per_sort);
                let options: Vec<Vec<Arg>> = d
                    .args
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| {
                        if i == k {
                            return vec![y];
                        }
                        let own = vars
                            .iter()
                            .filter(|(vs, _)| *vs == s)
                            .map(|&(vs, vi)| Arg::Var(vs, vi));
                        let consts = args_of(sys, t, s)
                            .into_iter()
                            .filter(|a| matches!(a, Arg::Const(_)));
                        own.chain(consts).collect()
                    })
                    .collect();
                for args in product(options) {
                    let connected = args
                        .iter()
                        .any(|a| matches!(a, Arg::Var(s, i) if vars.contains(&(*s, *i))));
                    if !connected {
                        continue;
                    }
                    let ex = Term::exists(
                        vec![Var::new(&var_name(sys, ys, t.vars_per_sort), ys)],
                        atom_term(sys, &Atom::Rel(id, args)),
                    );
                    let c = clause_term(sys, form, vars, Some(ex));
                    if texts.insert(c.pretty(&sys.sig)) {
                        out.push(c);
                        if out.len() >= t.limit {
                            return out;
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_logic::{Signature, SymbolDecl};

    fn lock_system() -> System {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        sig.add_symbol(SymbolDecl::new(
            ivyc_base::Symbol::intern("holds"),
            vec![node],
            SortId::BOOL,
            Role::State,
        ));
        System::new(sig)
    }

    #[test]
    fn clauses_are_generated_once_up_to_renaming() {
        let sys = lock_system();
        let t = Templates {
            max_literals: 2,
            ..Templates::default()
        };
        let cands = enumerate(&sys, &t);
        let texts: Vec<String> = cands.iter().map(|c| c.pretty(&sys.sig)).collect();
        let unique: HashSet<&String> = texts.iter().collect();
        assert_eq!(unique.len(), texts.len(), "{texts:#?}");
        // `holds(N0)`, `~holds(N0)`, `N0 = N1` and the mutex
        // clause `~holds(N0) | ~holds(N1)` (once, whichever variable
        // comes first) are among them.
        let mutex = texts
            .iter()
            .filter(|t| t.contains("~holds(N0)") && t.contains("~holds(N1)"))
            .count();
        assert_eq!(mutex, 1, "{texts:#?}");
        assert!(texts.iter().any(|t| t.contains("N0 = N1")), "{texts:#?}");
        assert!(!texts.iter().any(|t| t.contains("~=")), "{texts:#?}");
    }

    #[test]
    fn rigid_functions_are_atoms_but_every_clause_reads_the_state() {
        let mut sig = Signature::new();
        let phil = sig.add_uninterpreted_sort("phil");
        let fork = sig.add_uninterpreted_sort("fork");
        let sym = |n: &str| ivyc_base::Symbol::intern(n);
        sig.add_symbol(SymbolDecl::new(sym("left"), vec![phil], fork, Role::Rigid));
        sig.add_symbol(SymbolDecl::new(
            sym("eating"),
            vec![phil],
            SortId::BOOL,
            Role::State,
        ));
        let sys = System::new(sig);
        let texts: Vec<String> = enumerate(&sys, &Templates::default())
            .iter()
            .map(|c| c.pretty(&sys.sig))
            .collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("left(P0) ~= F0") && t.contains("eating(P0)")),
            "{texts:#?}"
        );
        assert!(texts.iter().all(|t| t.contains("eating")), "{texts:#?}");
    }

    #[test]
    fn the_limit_keeps_the_smallest_clauses() {
        let sys = lock_system();
        let t = Templates {
            limit: 3,
            ..Templates::default()
        };
        assert_eq!(enumerate(&sys, &t).len(), 3);
    }
}
