//! What the language version (`#lang ivyN.N` of the root file) changes in
//! the meaning of a program, asked by the checker and the lowering through
//! [`Semantics`], and the checker's handling of the declarations only Ivy
//! 1.6 and older have (`init`, `private NAME`, one monitor per action and
//! scope). Syntax differences are `ivyc_syntax::version`'s. Every fact is
//! ms-ivy 1.8.26's (file and rule named on each item); docs/language.md
//! lists them per version.

use crate::check::{dotted, Checker, Env};
use crate::error::{BoolContext, SemaError};
use crate::program::{Block, Stmt, StmtKind};
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Property, SymId};
use ivyc_syntax::ast::{self, DeclKind as K};
use ivyc_syntax::LangVersion;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The semantic rules of one language version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Semantics {
    pub version: LangVersion,
}

impl Semantics {
    pub fn new(version: LangVersion) -> Semantics {
        Semantics { version }
    }

    /// `ensures` (1.6 and older) is checked wherever its code is present,
    /// also where other assertions are assumed (`ivy_actions.py`:
    /// `EnsuresAction.assert_to_assume` keeps it an assertion before 1.7).
    pub fn ensures_always_checked(self) -> bool {
        self.version.pre_1_7()
    }

    /// Actions may not assign symbols that axioms constrain (from 1.7:
    /// `ivy_compiler.py`, "immutable symbol assigned", checked only when
    /// `version_le("1.7", v)`). Before, they may, and the axioms then
    /// constrain every state, the post-state of an action included.
    pub fn axiom_symbols_immutable(self) -> bool {
        !self.version.pre_1_7()
    }

    /// `<=`, `>` and `>=` on an uninterpreted sort are derived from `<`
    /// (from 1.6: `ivy_utils.py` sets `ivy_use_polymorphic_macros` for
    /// versions after 1.5, and `ivy_logic.py` expands them with `<`).
    /// Before, each is a relation of its own.
    pub fn derived_orders(self) -> bool {
        !self.version.at_most(1, 5)
    }

    /// The isolate rules of Ivy 1.7: a unit `this` verifies what no
    /// isolate does (`ivy_compiler.py`: "from version 1.7, there is always
    /// one global isolate"), an isolate checks the invariants of its
    /// members and assumes those of its `with` objects (object invariants,
    /// `create_conj_actions`), and objects with an isolate of their own are
    /// not verified inside another (`vstartswith_eq_some` with
    /// `vprivates`). Before 1.7 (`ivy_isolate.py`, the `version_le(.., "1.6")`
    /// branches): only the declared isolates are checked, each checks every
    /// conjecture it keeps (declared at top level without a label, or in an
    /// object it names or is given `with`), and nested isolates are verified
    /// inside their enclosing one as well.
    pub fn isolates_1_7(self) -> bool {
        !self.version.pre_1_7()
    }

    /// Monitors of one action written in one scope must be one `before` and
    /// one `after` (1.6 and older: `ivy_parser.py`'s `make_mixin_name`
    /// names the monitor `a[before]` without the counter 1.7 adds, so a
    /// second one is "redefining a[before]"; the same holds for `after init`).
    pub fn one_monitor_per_scope(self) -> bool {
        self.version.pre_1_7()
    }
}

/// Whether the object or label `name` belongs to an isolate naming the
/// objects `roots`, by Ivy 1.6's rule (`ivy_isolate.py`,
/// `startswith_eq_some`): `name` or an ancestor is one of `roots`, walking
/// up no further than an object declared `private`; a name at the top
/// level belongs only to an isolate naming `this`.
pub fn legacy_within(name: Symbol, roots: &[Symbol], privates: &[Symbol]) -> bool {
    let mut cur = name.as_str().to_string();
    loop {
        if roots.iter().any(|r| r.as_str() == cur) {
            return true;
        }
        if privates.iter().any(|p| p.as_str() == cur) {
            return false;
        }
        match cur.rfind('.') {
            Some(i) => cur.truncate(i),
            None => return roots.iter().any(|r| r.as_str() == "this"),
        }
    }
}

impl Checker<'_> {
    pub(crate) fn semantics(&self) -> Semantics {
        Semantics::new(self.version)
    }

    /// The declarations only some versions have: `init` conditions,
    /// `private NAME`, and the 1.6 rule of one monitor per action, kind and
    /// scope. Called for every declaration after the symbols are declared.
    pub(crate) fn pass_version(&mut self, d: &ast::Decl, env: &Rc<Env>) {
        match &d.kind {
            K::Init(f) => {
                if let Some(t) = self.closed(&f.fmla, BoolContext::InitCondition, env) {
                    let label = f.label.as_ref().map(|l| dotted(&env.prefix, l.as_str()));
                    let p = Property {
                        label,
                        formula: t,
                        span: Some(f.span),
                        explicit: false,
                    };
                    self.legacy.init_conds.push((p, env.origin()));
                }
            }
            K::PrivateName(c) => {
                if let Some(path) = self.callatom_path(c, env) {
                    let name = dotted(&env.prefix, &path.to_dotted());
                    self.legacy.privates.push(name);
                }
            }
            K::Monitor { kind, action, .. } if self.semantics().one_monitor_per_scope() => {
                let kind = match kind {
                    ast::MonitorKind::Before => "before",
                    ast::MonitorKind::After => "after",
                    ast::MonitorKind::Implement => return,
                };
                let target = action.to_dotted().replace('.', "_");
                self.monitor_name(&target, kind, action.span, env);
            }
            K::AfterInit { .. } if self.semantics().one_monitor_per_scope() => {
                self.monitor_name("init", "after", d.span, env);
            }
            _ => {}
        }
    }

    /// Record the 1.6 name `scope.target[kind]` of a monitor; a second
    /// monitor with the same name is an error, as in ms-ivy.
    fn monitor_name(&mut self, target: &str, kind: &str, span: Span, env: &Rc<Env>) {
        let name = dotted(&env.prefix, &format!("{target}[{kind}]"));
        match self.legacy.monitor_names.get(&name) {
            Some(&previous) => self.err(
                SemaError::DuplicateMonitor {
                    name,
                    span,
                    previous,
                    version: self.version,
                },
                env,
            ),
            None => {
                self.legacy.monitor_names.insert(name, span);
            }
        }
    }
}

/// The symbols mentioned in axioms that some action or `after init` block
/// assigns (possible before Ivy 1.7).
pub(crate) fn assigned_axiom_syms(ck: &Checker<'_>) -> HashSet<SymId> {
    let mut out = HashSet::new();
    let mut note = |s: &Stmt| match &s.kind {
        StmtKind::Assign { sym, .. } | StmtKind::Havoc { sym, .. } => {
            out.insert(*sym);
        }
        StmtKind::Call { results, .. } => out.extend(results.iter().copied()),
        _ => {}
    };
    for a in &ck.actions {
        Block::walk_stmts(&a.def.body.stmts, true, &mut note);
    }
    for b in &ck.inits {
        Block::walk_stmts(&b.stmts, true, &mut note);
    }
    out.retain(|s| ck.axiom_syms.contains_key(s));
    out
}

/// The checker's state for the version-specific declarations.
#[derive(Default)]
pub(crate) struct VersionState {
    pub init_conds: Vec<(Property, crate::program::Origin)>,
    pub privates: Vec<Symbol>,
    pub monitor_names: HashMap<Symbol, Span>,
    /// Symbols that axioms constrain and actions assign (allowed before 1.7).
    pub assigned_axiom_syms: HashSet<SymId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_scope_rule() {
        let s = Symbol::intern;
        let roots = [s("a"), s("b.c")];
        assert!(legacy_within(s("a"), &roots, &[]));
        assert!(legacy_within(s("a.x.y"), &roots, &[]));
        assert!(legacy_within(s("b.c.z"), &roots, &[]));
        assert!(!legacy_within(s("b"), &roots, &[]));
        assert!(!legacy_within(s("top"), &roots, &[]));
        assert!(legacy_within(s("top"), &[s("this")], &[]));
        // a private object is not part of its parent's isolate
        assert!(!legacy_within(s("a.p.q"), &roots, &[s("a.p")]));
        assert!(legacy_within(s("a.p.q"), &[s("a.p")], &[s("a.p")]));
    }

    #[test]
    fn rules_by_version() {
        let v = |t: &str| Semantics::new(LangVersion::parse(t).unwrap_or_default());
        assert!(v("1.6").ensures_always_checked() && !v("1.7").ensures_always_checked());
        assert!(!v("1.5").axiom_symbols_immutable());
        assert!(v("1.8").axiom_symbols_immutable());
        assert!(!v("1.5").derived_orders() && v("1.6").derived_orders());
        assert!(!v("1.6").isolates_1_7() && v("1.7").isolates_1_7());
        assert!(v("1.3").one_monitor_per_scope() && !v("1.8").one_monitor_per_scope());
    }
}
