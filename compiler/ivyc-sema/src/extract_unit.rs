//! `extract NAME = obj1, obj2` declarations (ms-ivy's `ExtractDef`): the
//! objects that make up one extracted process. Verification ignores them
//! (as ms-ivy's checker does); `ivyc extract --cpp DIR FILE NAME` extracts
//! the unit named `NAME`. Names are resolved here, in the declaration's
//! scope; one that resolves to nothing is kept for extraction to report.

use crate::check::{Checker, Env};
use ivyc_base::{Span, Symbol};
use ivyc_syntax::ast;

/// One `extract` declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractUnit {
    /// Full dotted name.
    pub name: Symbol,
    /// The objects (full dotted names; `this` for the whole program).
    pub members: Vec<Symbol>,
    /// Names of the list that name nothing, as written, with their spans.
    pub unknown: Vec<(String, Span)>,
    /// Parameters (`extract iso(me:node) = node(me)`): a process per value,
    /// which extraction does not handle yet.
    pub parameterised: bool,
    pub span: Span,
}

impl Checker<'_> {
    /// Records `extract name(params) = targets` declared in `env`.
    pub(crate) fn extract_unit(
        &mut self,
        name: &ast::Ident,
        params: &[ast::Param],
        targets: &[ast::CallAtom],
        env: &Env,
    ) {
        let mut members = Vec::new();
        let mut unknown = Vec::new();
        for a in targets {
            let segs: Vec<&str> = a.segments.iter().map(|s| s.name.as_str()).collect();
            if segs == ["this"] && env.prefix.is_empty() {
                members.push(Symbol::intern("this"));
                continue;
            }
            match self.resolve_full(&segs, env) {
                Some((full, _)) => members.push(full),
                None => unknown.push((segs.join("."), a.span)),
            }
        }
        let full = if env.prefix.is_empty() {
            name.name
        } else {
            let mut s: Vec<&str> = env.prefix.iter().map(|p| p.as_str()).collect();
            s.push(name.as_str());
            Symbol::intern(&s.join("."))
        };
        self.extracts.push(ExtractUnit {
            name: full,
            members,
            unknown,
            parameterised: !params.is_empty() || !env.obj_params.is_empty(),
            span: name.span,
        });
    }
}
