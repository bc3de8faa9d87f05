//! Enabledness of exported actions, for deadlock detection (`ivyc bmc
//! --deadlock`, `ivyc verify --deadlock`; docs/liveness.md).
//!
//! An exported action is *enabled* in a state when some execution of it
//! from that state completes: for some arguments, local values and
//! nondeterministic choices, every `require`, `assume` and assertion on the
//! way holds (an execution that fails an assertion does not complete).
//! That is `¬wlp(havoc locals; body', false)` where `body'` reads every
//! assertion as an assumption; a havoc of a 0-ary symbol becomes a
//! universal quantifier of the `wlp` (so the negation quantifies the
//! arguments and choices existentially). A state is a *deadlock* when no
//! exported action is enabled: the conjunction of the `wlp`s.

use crate::cmd::Cmd;
use crate::signature::{Role, Signature, SymId};
use crate::system::{Action, System};
use crate::term::{Lambda, Term, TermKind, Var};
use ivyc_base::Symbol;
use std::collections::{HashMap, HashSet};

/// The largest deadlock formula built (term nodes): `wlp` duplicates the
/// postcondition at choices, so a long sequence of `if`s could explode.
const MAX_TERMS: usize = 200_000;

/// Why the deadlock formula of a system cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnabledError {
    /// `action` havocs `symbol` (a relation or function) and then reads it:
    /// enabledness would quantify over a function (second order).
    HavocFunction { action: String, symbol: String },
    /// The formula grows beyond [`MAX_TERMS`] term nodes.
    TooLarge { action: String },
}

impl EnabledError {
    pub fn message(&self) -> String {
        match self {
            EnabledError::HavocFunction { action, symbol } => format!(
                "action `{action}` assigns `{symbol}` a nondeterministic value (`*`) and then reads it: whether the action is enabled would quantify over a function (second order), which the deadlock check does not do"
            ),
            EnabledError::TooLarge { action } => format!(
                "the enabledness formula of action `{action}` exceeds {MAX_TERMS} term nodes (sequences of `if`s multiply it)"
            ),
        }
    }
}

/// The `Local` symbols an action mentions (parameters, returns, locals of
/// inlined callees), parameters first: havocked at the start of every
/// step so that steps do not share them.
pub fn locals_of(sig: &Signature, a: &Action) -> Vec<SymId> {
    let mut out: Vec<SymId> = a.params.iter().chain(&a.returns).copied().collect();
    let add = |s: SymId, out: &mut Vec<SymId>| {
        if sig.symbol(s).role == Role::Local && !out.contains(&s) {
            out.push(s);
        }
    };
    a.body.visit(&mut |c| match c {
        Cmd::Assume(t) | Cmd::Assert(t, _) => {
            t.symbols().into_iter().for_each(|s| add(s, &mut out))
        }
        Cmd::Assign { sym, value, .. } => {
            add(*sym, &mut out);
            value.symbols().into_iter().for_each(|s| add(s, &mut out));
        }
        Cmd::Havoc(sym) => add(*sym, &mut out),
        Cmd::Skip | Cmd::Seq(_) | Cmd::Choice(_) => {}
    });
    out
}

struct Wlp<'a> {
    sig: &'a Signature,
    action: String,
    fresh: usize,
}

impl Wlp<'_> {
    fn too_large(&self, t: &Term) -> Result<(), EnabledError> {
        if t.size() > MAX_TERMS {
            return Err(EnabledError::TooLarge {
                action: self.action.clone(),
            });
        }
        Ok(())
    }

    /// `wlp(cmd, post)` with assertions read as assumptions and havocs of
    /// 0-ary symbols as universal quantifiers.
    fn wlp(&mut self, cmd: &Cmd, post: Term) -> Result<Term, EnabledError> {
        Ok(match cmd {
            Cmd::Skip => post,
            Cmd::Assume(q) | Cmd::Assert(q, _) => Term::implies(q.clone(), post),
            Cmd::Assign { sym, params, value } => {
                if !post.mentions(*sym) {
                    return Ok(post);
                }
                let mut m = HashMap::new();
                m.insert(*sym, Lambda::new(params.clone(), value.clone()));
                let r = post.subst_symbols(&m);
                self.too_large(&r)?;
                r
            }
            Cmd::Havoc(sym) => {
                if !post.mentions(*sym) {
                    return Ok(post);
                }
                let decl = self.sig.symbol(*sym);
                if !decl.args.is_empty() {
                    return Err(EnabledError::HavocFunction {
                        action: self.action.clone(),
                        // `r#1`: the havocked copy of `r`.
                        symbol: self
                            .sig
                            .symbol_name(*sym)
                            .split('#')
                            .next()
                            .unwrap_or("")
                            .to_string(),
                    });
                }
                self.fresh += 1;
                let short = self.sig.symbol_name(*sym);
                let short = short.rsplit('.').next().unwrap_or(short);
                let short: String = short
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '_' })
                    .collect();
                // A name no variable of `post` has, bound or free: the
                // constant may occur under a user's binder (`forall W1`).
                let used = var_names(&post);
                let stem = short.to_uppercase();
                let mut name = format!("{stem}{}", self.fresh);
                while used.contains(&Symbol::intern(&name)) {
                    self.fresh += 1;
                    name = format!("{stem}{}", self.fresh);
                }
                let v = Var::new(&name, decl.ret);
                let mut m = HashMap::new();
                m.insert(*sym, Term::var(v));
                Term::forall(vec![v], post.replace_constants(&m))
            }
            Cmd::Seq(cs) => {
                let mut r = post;
                for c in cs.iter().rev() {
                    r = self.wlp(c, r)?;
                }
                r
            }
            Cmd::Choice(cs) => {
                let mut parts = Vec::with_capacity(cs.len());
                for c in cs {
                    parts.push(self.wlp(c, post.clone())?);
                }
                let r = Term::and(parts);
                self.too_large(&r)?;
                r
            }
        })
    }
}

/// The names of the variables of `t`, bound or free.
fn var_names(t: &Term) -> HashSet<Symbol> {
    let mut out = HashSet::new();
    t.visit(|x| match &x.kind {
        TermKind::Var(v) => {
            out.insert(v.name);
        }
        TermKind::Forall(vs, _) | TermKind::Exists(vs, _) => {
            out.extend(vs.iter().map(|v| v.name));
        }
        _ => {}
    });
    out
}

/// `disabled(a)`: no execution of `a` completes from the current state (a
/// closed formula over the system's state and rigid symbols).
pub fn disabled(sys: &System, a: &Action) -> Result<Term, EnabledError> {
    let mut w = Wlp {
        sig: &sys.sig,
        action: a.name.to_string(),
        fresh: 0,
    };
    let mut body: Vec<Cmd> = locals_of(&sys.sig, a).into_iter().map(Cmd::Havoc).collect();
    body.push(a.body.clone());
    w.wlp(&Cmd::Seq(body), Term::fls())
}

/// The deadlock formula: no exported action is enabled (`true` when there
/// is none: every state is a deadlock).
pub fn deadlock(sys: &System) -> Result<Term, EnabledError> {
    Ok(Term::and(per_action(sys)?.into_iter().map(|(_, t)| t)))
}

/// `disabled(a)` of every exported action, with its name.
pub fn per_action(sys: &System) -> Result<Vec<(String, Term)>, EnabledError> {
    sys.actions
        .iter()
        .filter(|a| a.exported)
        .map(|a| Ok((a.name.to_string(), disabled(sys, a)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sort::SortId;
    use ivyc_base::Symbol;

    fn action(name: &str, params: Vec<SymId>, body: Cmd) -> Action {
        Action {
            name: Symbol::intern(name),
            params,
            returns: vec![],
            body,
            span: None,
            exported: true,
            internal: false,
        }
    }

    #[test]
    fn require_on_a_parameter_is_existential() {
        // relation free(node); action take(n) = { require free(n); free(n) := false }
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let free = sig.fresh_symbol(
            Symbol::intern("free"),
            vec![node],
            SortId::BOOL,
            Role::State,
        );
        let n = sig.fresh_symbol(Symbol::intern("take.n"), vec![], node, Role::Local);
        let mut sys = System::new(sig);
        let x = Var::new("X", node);
        let body = Cmd::seq([
            Cmd::Assume(Term::app(free, vec![Term::constant(n)])),
            Cmd::assign(
                free,
                vec![x],
                Term::and([
                    Term::not(Term::eq(Term::var(x), Term::constant(n))),
                    Term::app_vars(free, &[x]),
                ]),
            ),
        ]);
        sys.actions.push(action("take", vec![n], body));
        let d = deadlock(&sys).expect("formula");
        // forall E. ~free(E)
        assert!(d.is_closed());
        assert!(!d.mentions(n));
        assert!(d.mentions(free));
        let s = d.pretty(&sys.sig).to_string();
        assert!(s.contains("forall"), "{s}");
    }

    #[test]
    fn fresh_variables_are_not_captured_by_user_binders() {
        // action a(w) = { require forall W1. r(W1) -> W1 = w }
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let w = sig.fresh_symbol(Symbol::intern("a.w"), vec![], node, Role::Local);
        let mut sys = System::new(sig);
        let w1 = Var::new("W1", node);
        let req = Term::forall(
            vec![w1],
            Term::implies(
                Term::app_vars(r, &[w1]),
                Term::eq(Term::var(w1), Term::constant(w)),
            ),
        );
        sys.actions.push(action("a", vec![w], Cmd::Assume(req)));
        let d = deadlock(&sys).expect("formula");
        let s = d.pretty(&sys.sig).to_string();
        assert!(!s.contains("W1 = W1"), "{s}");
        // The parameter's variable is not the user's `W1`.
        let TermKind::Forall(vs, _) = &d.kind else {
            panic!("expected a forall: {s}");
        };
        assert!(vs.iter().all(|v| v.name != Symbol::intern("W1")), "{s}");
    }

    #[test]
    fn without_exported_actions_every_state_is_a_deadlock() {
        let sys = System::new(Signature::new());
        assert_eq!(deadlock(&sys), Ok(Term::tru()));
    }

    #[test]
    fn havoc_of_a_relation_that_is_read_is_refused() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.fresh_symbol(Symbol::intern("r"), vec![node], SortId::BOOL, Role::State);
        let c = sig.fresh_symbol(Symbol::intern("c"), vec![], node, Role::Rigid);
        let mut sys = System::new(sig);
        let body = Cmd::seq([
            Cmd::Havoc(r),
            Cmd::Assume(Term::app(r, vec![Term::constant(c)])),
        ]);
        sys.actions.push(action("a", vec![], body));
        assert!(matches!(
            deadlock(&sys),
            Err(EnabledError::HavocFunction { .. })
        ));
    }
}
