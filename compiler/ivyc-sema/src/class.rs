//! Classes (as ms-ivy expands them): `class c = { ... }` is `object c = {
//! type this; ... }`; `subclass d of c = { ... }` is `object d = { type
//! this; variant this of c; ... }` (see `variant.rs` for what a variant
//! means); `field f : t` in a class declares the destructor `f(SELF:this)
//! : t`; `method m(x:u) = ...` is an action `m(self:this, x:u)`, so `v.m(x)`
//! calls it on `v` (dispatching on subclasses); `constructor k(X:s, ..) :
//! t` declares a function into `t` (written without arguments, it takes
//! one argument per field of `t`). As in Ivy, a constructor means nothing
//! more for verification (its `constr` schema only serves proofs).

use crate::check::{dotted, join, Checker, Entity, Env};
use crate::error::SemaError;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{Role, SortId, SortKind};
use ivyc_syntax::ast::{self, DeclKind as K};
use std::rc::Rc;

impl<'a> Checker<'a> {
    /// The sort of a `class` / `subclass` (and, for a subclass, its
    /// variant relation to the parent).
    pub(crate) fn class_sort(&mut self, d: &'a ast::Decl, name: &ast::Ident, env: &Rc<Env>) {
        let of = match &d.kind {
            K::Object {
                kind: ast::ObjectKind::Class,
                ..
            } => None,
            K::Subclass { of, .. } => Some(of),
            _ => return,
        };
        let full = dotted(&env.prefix, name.as_str());
        let id = self.add_sort(full, SortKind::Uninterpreted, Some(name.span));
        if !self.declare(full, Entity::Sort(id), name.span, env) {
            return;
        }
        if let Some(of) = of {
            self.pending_variants.push((id, of, d.span, env.clone()));
        }
    }

    /// The sort of the object a member is declared in, if it has one
    /// (`type this`, a class).
    fn object_sort(&mut self, env: &Env) -> Option<SortId> {
        if env.prefix.is_empty() {
            return None;
        }
        match self.names.get(&join(&env.prefix)).map(|x| x.0) {
            Some(Entity::Sort(s)) => Some(s),
            _ => None,
        }
    }

    /// `field f : t, ...`: destructors of the enclosing object's sort.
    pub(crate) fn class_fields(&mut self, tns: &[ast::TypedName], span: Span, env: &Rc<Env>) {
        let Some(sort) = self.object_sort(env) else {
            self.err(
                SemaError::NoObjectSort {
                    what: "a field",
                    span,
                },
                env,
            );
            return;
        };
        for tn in tns {
            self.declare_destructor(tn, Some(sort), env);
        }
    }

    /// The parameter `self:this` of a `method` declared in an object with
    /// a sort.
    pub(crate) fn method_self(
        &mut self,
        name: &ast::Ident,
        span: Span,
        env: &Rc<Env>,
    ) -> Option<ast::Param> {
        if self.object_sort(env).is_none() {
            self.err(
                SemaError::NoObjectSort {
                    what: "a method",
                    span,
                },
                env,
            );
            return None;
        }
        let ident = |n: &str| ast::Ident {
            name: Symbol::intern(n),
            span: name.span,
        };
        Some(ast::Param {
            name: ident("self"),
            sort: ast::Path::single(ident("this")),
            caret: false,
            span: name.span,
        })
    }

    /// `constructor k(X:s, ...) : t` (the sort defaults to the enclosing
    /// object's): a function into `t`; without arguments it takes the
    /// fields of `t`, in order.
    pub(crate) fn declare_constructor(&mut self, tn: &ast::TypedName, env: &Rc<Env>) {
        let ast::TypedHead::Name { name, args } = &tn.head else {
            self.err(
                SemaError::NoObjectSort {
                    what: "an infix constructor",
                    span: tn.span,
                },
                env,
            );
            return;
        };
        let ret = match &tn.sort {
            Some(s) => self.resolve_sort(s, env),
            None => match self.object_sort(env) {
                Some(s) => Some(s),
                None => {
                    self.err(
                        SemaError::NoObjectSort {
                            what: "a constructor without a sort",
                            span: tn.span,
                        },
                        env,
                    );
                    None
                }
            },
        };
        let Some(ret) = ret else { return };
        let mut sorts = Vec::new();
        for b in args.iter().flatten() {
            match &b.sort {
                Some(s) => match self.resolve_sort(s, env) {
                    Some(x) => sorts.push(x),
                    None => return,
                },
                None => {
                    self.err(
                        SemaError::CannotInferSort {
                            name: b.name.name,
                            span: b.span,
                        },
                        env,
                    );
                    return;
                }
            }
        }
        if args.is_none() || sorts.is_empty() {
            // Ivy gives a constructor declared without arguments one per
            // field, when every field is unary.
            let fields = self.fields_of(ret);
            let unary = fields
                .iter()
                .all(|f| self.sym(*f).is_some_and(|d| d.args.len() == 1));
            if unary {
                sorts = fields
                    .iter()
                    .filter_map(|f| self.sym(*f).map(|d| d.ret))
                    .collect();
            }
        }
        self.declare_sym(name.as_str(), name.span, sorts, ret, Role::Rigid, env);
    }
}
