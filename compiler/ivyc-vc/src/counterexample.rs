//! Counterexamples of failed obligations: universes, action arguments and
//! return values, pre- and post-state tables of every state symbol (defined
//! symbols evaluated from their definitions in each state), rigid symbols,
//! and the conjuncts of the property that are false.

use crate::check::ModelCheck;
use crate::obligation::{Obligation, ObligationKind};
use ivyc_base::Symbol;
use ivyc_logic::model::{cartesian, Env};
use ivyc_logic::model::{EvalError, Model, Value};
use ivyc_logic::{Lambda, Role, Signature, SortId, SortKind, SymId, Term, TermKind, Var};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The interpretation of one symbol, as a table over the model's finite
/// domains (explicit entries only for infinite argument sorts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolTable {
    /// The symbol of the *system* signature this table is about (e.g. the
    /// state relation `leader`, even if the values come from `leader#2`).
    pub sym: SymId,
    pub rows: Vec<(Vec<Value>, Value)>,
}

/// A decoded counterexample to an obligation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counterexample {
    /// Elements of each uninterpreted sort that occurs.
    pub universes: Vec<(SortId, Vec<Value>)>,
    pub action: Option<Symbol>,
    /// Action parameters and their values.
    pub args: Vec<(SymId, Option<Value>)>,
    /// Return values at the end of the action.
    pub returns: Vec<(SymId, Option<Value>)>,
    /// Rigid (immutable) symbols.
    pub rigid: Vec<SymbolTable>,
    /// State before the action (empty for initiation / init assertions).
    pub pre: Vec<SymbolTable>,
    /// State after the action / initializer, or at the failing assertion.
    pub post: Vec<SymbolTable>,
    /// Conjuncts of the property (split at top-level `&`, also under a
    /// leading `forall`) that evaluate to false in the post-state, with
    /// their index; formulas are over the system vocabulary.
    pub failed_conjuncts: Vec<(usize, Term)>,
    /// Values of the leading universal variables of the first failed
    /// conjunct that falsify it (Ivy's `@X = ...` lines).
    pub witness: Vec<(Var, Value)>,
    /// The raw model over the obligation's signature.
    pub model: Model,
    /// What the independent check of the model found (see `crate::check`).
    pub check: ModelCheck,
}

/// Splits `p` into conjuncts, distributing a leading `forall` over `&`.
pub fn split_conjuncts(p: &Term) -> Vec<Term> {
    match &p.kind {
        TermKind::And(xs) => xs.iter().flat_map(split_conjuncts).collect(),
        TermKind::Forall(vs, b) if matches!(b.kind, TermKind::And(_)) => split_conjuncts(b)
            .into_iter()
            .map(|c| {
                let fv = c.free_vars();
                let used: Vec<_> = vs.iter().copied().filter(|v| fv.contains(v)).collect();
                Term::forall(used, c)
            })
            .collect(),
        _ => vec![p.clone()],
    }
}

/// The elements of each uninterpreted sort of `sig` that occurs in `model`.
pub fn universes(sig: &Signature, model: &Model) -> Vec<(SortId, Vec<Value>)> {
    model
        .universes
        .keys()
        .filter(|&&s| matches!(sig.sort_kind(s), SortKind::Uninterpreted))
        .map(|&s| (s, model.domain(sig, s).unwrap_or_default()))
        .collect()
}

/// The tables of the rigid symbols of `vocabulary` that `model` (a model
/// over `sig`, which extends `vocabulary`) interprets, and of the rigid
/// defined symbols (their definitions evaluated).
pub fn rigid_tables(
    vocabulary: &Signature,
    sig: &Signature,
    model: &Model,
    definitions: &BTreeMap<SymId, Lambda>,
) -> Vec<SymbolTable> {
    vocabulary
        .symbols()
        .filter(|(id, d)| {
            d.role == Role::Rigid
                && (model.interps.contains_key(id) || definitions.contains_key(id))
        })
        .map(|(id, _)| state_table(sig, model, definitions, id, &HashMap::new()))
        .collect()
}

/// The table of symbol `sym` in the state whose symbols are renamed by
/// `state` (system symbol -> the version holding its value there; absent:
/// the symbol itself). A defined symbol's table is its definition
/// evaluated in that state: the solver never sees defined symbols (they
/// are expanded), so the model's own entry for one means nothing.
pub fn state_table(
    sig: &Signature,
    model: &Model,
    definitions: &BTreeMap<SymId, Lambda>,
    sym: SymId,
    state: &HashMap<SymId, SymId>,
) -> SymbolTable {
    let rows = match definitions.get(&sym) {
        Some(def) => {
            let body = def.body.rename_symbols(state);
            model.definition_table(sig, &Lambda::new(def.params.clone(), body))
        }
        None => model.table(sig, state.get(&sym).copied().unwrap_or(sym)),
    };
    SymbolTable { sym, rows }
}

impl Counterexample {
    /// Decodes a model of `hypotheses ∧ ¬goal` of `ob`; `check` is what
    /// the independent check of the model found.
    pub fn from_model(ob: &Obligation, model: Model, check: ModelCheck) -> Counterexample {
        let sig = &ob.sig;
        let defs = &*ob.definitions;
        let universes = universes(sig, &model);
        let value0 = |s: SymId| model.lookup(s, &[]).cloned();
        let args = ob.params.iter().map(|&p| (p, value0(p))).collect();
        let returns = ob.returns.iter().map(|&(r, v)| (r, value0(v))).collect();
        let rigid = rigid_tables(sig, sig, &model, defs);
        let pre = if ob.has_pre {
            ob.post
                .iter()
                .map(|&(s, _)| state_table(sig, &model, defs, s, &HashMap::new()))
                .collect()
        } else {
            vec![]
        };
        // A variant's formula compares the measure with the rank local at
        // the failing point; locals are not tracked to that point, so
        // evaluating it here would show the wrong values.
        // Deadlock freedom's goal is one disjunction ("some action is
        // enabled"), false as a whole: no conjunct to point at.
        let conjuncts = if matches!(
            ob.kind,
            ObligationKind::Variant | ObligationKind::DeadlockFreedom
        ) {
            vec![]
        } else {
            split_conjuncts(&ob.property)
        };
        let failing = |map: &[(SymId, SymId)]| -> Vec<(usize, Term)> {
            let ren: HashMap<SymId, SymId> = map.iter().copied().collect();
            conjuncts
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    matches!(eval_closed(&model, sig, &c.rename_symbols(&ren)), Ok(false))
                })
                .map(|(i, c)| (i, c.clone()))
                .collect()
        };
        // The state map under which the property is false (first such point).
        let mut post_map = &ob.post;
        let mut failed_conjuncts = failing(&ob.post);
        if failed_conjuncts.is_empty() {
            for other in &ob.other_posts {
                let f = failing(other);
                if !f.is_empty() {
                    post_map = other;
                    failed_conjuncts = f;
                    break;
                }
            }
        }
        let witness = failed_conjuncts
            .first()
            .map(|(_, c)| {
                let ren: HashMap<SymId, SymId> = post_map.iter().copied().collect();
                find_witness(&model, sig, &c.rename_symbols(&ren))
            })
            .unwrap_or_default();
        let post_ren: HashMap<SymId, SymId> = post_map.iter().copied().collect();
        let post: Vec<SymbolTable> = post_map
            .iter()
            .map(|&(s, _)| state_table(sig, &model, defs, s, &post_ren))
            .collect();
        // A property is about one arbitrary state: shown as `state:`.
        let (pre, post) = if matches!(
            ob.kind,
            ObligationKind::Property | ObligationKind::ProofGoal | ObligationKind::DeadlockFreedom
        ) {
            (post, vec![])
        } else {
            (pre, post)
        };
        Counterexample {
            universes,
            action: ob.action,
            args,
            returns,
            rigid,
            pre,
            post,
            failed_conjuncts,
            witness,
            model,
            check,
        }
    }

    /// Readable multi-line rendering (Ivy-like `r(node0) = true` lines);
    /// `sig` is the obligation's signature.
    pub fn pretty(&self, sig: &Signature) -> String {
        let mut s = String::new();
        for (sort, elems) in &self.universes {
            let names: Vec<String> = elems.iter().map(|e| e.name(sig)).collect();
            let _ = writeln!(s, "{} = {{{}}}", sig.sort_name(*sort), names.join(", "));
        }
        if let Some(a) = self.action {
            let args: Vec<String> = self
                .args
                .iter()
                .map(|(p, v)| format!("{} = {}", sig.symbol_name(*p), opt_name(sig, v)))
                .collect();
            let _ = writeln!(s, "action {a}({})", args.join(", "));
        }
        let tables = |s: &mut String, title: &str, ts: &[SymbolTable]| {
            if ts.is_empty() {
                return;
            }
            let _ = writeln!(s, "{title}:");
            for t in ts {
                for (args, v) in &t.rows {
                    let _ = write!(s, "    {}", sig.symbol_name(t.sym));
                    if !args.is_empty() {
                        let a: Vec<String> = args.iter().map(|x| x.name(sig)).collect();
                        let _ = write!(s, "({})", a.join(", "));
                    }
                    let _ = writeln!(s, " = {}", v.name(sig));
                }
            }
        };
        tables(&mut s, "rigid", &self.rigid);
        tables(&mut s, "pre-state", &self.pre);
        tables(&mut s, "post-state", &self.post);
        for (r, v) in &self.returns {
            let _ = writeln!(s, "return {} = {}", sig.symbol_name(*r), opt_name(sig, v));
        }
        for (v, x) in &self.witness {
            let _ = writeln!(s, "@{} = {}", v.name, x.name(sig));
        }
        for (i, c) in &self.failed_conjuncts {
            let _ = writeln!(s, "false: #{i} {}", c.pretty(sig));
        }
        s
    }
}

fn opt_name(sig: &Signature, v: &Option<Value>) -> String {
    v.as_ref()
        .map(|v| v.name(sig))
        .unwrap_or_else(|| "?".to_string())
}

fn eval_closed(model: &Model, sig: &Signature, t: &Term) -> Result<bool, EvalError> {
    model.eval_bool(sig, t)
}

/// For `forall X1..Xn. body` false in the model: values of `X1..Xn` making
/// `body` false (empty if not found or not a universal formula).
fn find_witness(model: &Model, sig: &Signature, t: &Term) -> Vec<(Var, Value)> {
    let TermKind::Forall(vs, body) = &t.kind else {
        return vec![];
    };
    let Some(doms) = vs
        .iter()
        .map(|v| model.domain(sig, v.sort))
        .collect::<Option<Vec<_>>>()
    else {
        return vec![];
    };
    for tuple in cartesian(&doms) {
        let mut env: Env = vs.iter().copied().zip(tuple.iter().cloned()).collect();
        if matches!(model.eval_in(sig, body, &mut env), Ok(Value::Bool(false))) {
            return vs.iter().copied().zip(tuple).collect();
        }
    }
    vec![]
}
