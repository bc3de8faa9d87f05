//! Explicit mixins: `mixin m before a` / `mixin m after a` (also spelt
//! `execute`) run the body of the action `m` before / after the action `a`
//! (as `before a {...}` would), its parameters standing for `a`'s;
//! `mixord m1 -> m2` orders two mixins of one action (`m1` runs first),
//! as ms-ivy's `get_mixin_order` does.

use crate::check::{Checker, Monitor, MonitorBody};
use crate::error::{ActionUse, SemaError};
use ivyc_base::Symbol;
use ivyc_syntax::ast::{self, DeclKind as K};

impl Checker<'_> {
    /// Resolves the pending `mixin` and `mixord` declarations.
    pub(crate) fn pass_mixins(&mut self) {
        let pending = std::mem::take(&mut self.pending_mixins);
        for (d, env) in pending {
            match &d.kind {
                K::Mixin { mixer, kind, mixee } => {
                    let (Some(mp), Some(ap)) = (
                        self.callatom_path(mixer, &env),
                        self.callatom_path(mixee, &env),
                    ) else {
                        continue;
                    };
                    let Some(m) = self.resolve_action(&mp, ActionUse::Monitor, &env) else {
                        continue;
                    };
                    // `mixin m before init`: an initialiser (ms-ivy accepts
                    // `init` as the mixee).
                    let Some(a) = self.resolve_action(&ap, ActionUse::Monitor, &env) else {
                        continue;
                    };
                    let Some(minfo) = self.actions.get(m.index()) else {
                        continue;
                    };
                    let mname = minfo.def.name;
                    let Some((body, menv, pn, rn)) = minfo.body.clone() else {
                        // A mixer without a body adds nothing.
                        continue;
                    };
                    let (np, nr) = (minfo.def.params.len(), minfo.def.returns.len());
                    let Some(ainfo) = self.actions.get(a.index()) else {
                        continue;
                    };
                    let (aname, anp, anr, adecl) = (
                        ainfo.def.name,
                        ainfo.def.params.len(),
                        ainfo.def.returns.len(),
                        ainfo.decl_span,
                    );
                    if np != anp || (nr != 0 && nr != anr) {
                        self.err(
                            SemaError::MonitorSignature {
                                action: aname,
                                expected: anp,
                                found: np,
                                span: mixer.span,
                                decl: Some(adecl),
                            },
                            &env,
                        );
                        continue;
                    }
                    let mon = Monitor {
                        body: MonitorBody::Action(body),
                        env: menv,
                        params: pn,
                        returns: rn,
                        mixer: Some(mname),
                    };
                    if let Some(info) = self.actions.get_mut(a.index()) {
                        match kind {
                            ast::MonitorKind::After => info.afters.push(mon),
                            _ => info.befores.push(mon),
                        }
                    }
                }
                K::Mixord { lhs, rhs } => {
                    let (Some(l), Some(r)) =
                        (self.callatom_path(lhs, &env), self.callatom_path(rhs, &env))
                    else {
                        continue;
                    };
                    let (Some(a), Some(b)) = (
                        self.resolve_action(&l, ActionUse::Monitor, &env),
                        self.resolve_action(&r, ActionUse::Monitor, &env),
                    ) else {
                        continue;
                    };
                    let name = |c: &Self, id: crate::program::ActionId| {
                        c.actions.get(id.index()).map(|x| x.def.name)
                    };
                    if let (Some(a), Some(b)) = (name(self, a), name(self, b)) {
                        self.mixords.push((a, b));
                    }
                }
                _ => {}
            }
        }
        if self.mixords.is_empty() {
            return;
        }
        let arcs = self.mixords.clone();
        for info in &mut self.actions {
            order_mixins(&mut info.befores, &arcs);
            order_mixins(&mut info.afters, &arcs);
        }
    }
}

/// Reorders `ms` (stably) so that for every arc `(a, b)` the mixin of
/// mixer `a` comes before that of mixer `b`.
fn order_mixins(ms: &mut Vec<Monitor<'_>>, arcs: &[(Symbol, Symbol)]) {
    let pos = |ms: &[Monitor<'_>], n: Symbol| ms.iter().position(|m| m.mixer == Some(n));
    // Bounded: each move fixes one inversion of a (finite) order; a cycle
    // of `mixord`s stops after the bound.
    for _ in 0..(ms.len() * ms.len() + 1) {
        let mut changed = false;
        for (a, b) in arcs {
            if let (Some(i), Some(j)) = (pos(ms, *a), pos(ms, *b)) {
                if i > j {
                    let m = ms.remove(i);
                    ms.insert(j, m);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Env;
    use ivyc_base::Span;
    use std::rc::Rc;

    fn mon(name: &str) -> Monitor<'static> {
        Monitor {
            body: MonitorBody::Stmts(&[], Span::default()),
            env: Rc::new(Env::default()),
            params: Vec::new(),
            returns: Vec::new(),
            mixer: Some(Symbol::intern(name)),
        }
    }

    fn names(ms: &[Monitor<'_>]) -> Vec<String> {
        ms.iter()
            .filter_map(|m| m.mixer.map(|s| s.as_str().to_string()))
            .collect()
    }

    #[test]
    fn mixord_moves_the_first_before_the_second() {
        let arc = |a: &str, b: &str| (Symbol::intern(a), Symbol::intern(b));
        let mut ms = vec![mon("a"), mon("b"), mon("c")];
        order_mixins(&mut ms, &[arc("c", "a")]);
        assert_eq!(names(&ms), ["c", "a", "b"]);
        // Already in order: unchanged (stable).
        order_mixins(&mut ms, &[arc("a", "b")]);
        assert_eq!(names(&ms), ["c", "a", "b"]);
        // A cycle terminates.
        order_mixins(&mut ms, &[arc("a", "b"), arc("b", "a")]);
        assert_eq!(ms.len(), 3);
    }
}
