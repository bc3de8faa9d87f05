//! Native code `<<< ... >>>` for extraction: the placement of a top-level
//! block (as ms-ivy reads it, the first line of the quote: `header`,
//! `impl`, `member`, `init`; a quote on one line or with a blank first line
//! is `member`) and the backquoted Ivy names (`` `x` ``) resolved in the
//! scope of the quote (the action's parameters, returns and locals, then
//! the names visible from the enclosing object). Verification ignores the
//! text; a name that does not resolve is kept unresolved and reported by
//! extraction (`ivyc-ir`), which is the only user of the references.

use crate::check::{Checker, Entity, Env};
use crate::program::ActionId;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{SortId, SymId};
use ivyc_syntax::ast;

/// Quoted C++ text with its backquoted references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeCode {
    /// The text around the references: `text.len() == refs.len() + 1`,
    /// `text[i]` comes before `refs[i]`.
    pub text: Vec<String>,
    pub refs: Vec<NativeRef>,
    /// The whole quote.
    pub span: Span,
}

/// One backquoted name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeRef {
    /// As written, without the backquotes and surrounding blanks.
    pub name: String,
    /// The name inside the quote.
    pub span: Span,
    pub target: NativeTarget,
}

/// What a backquoted name denotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NativeTarget {
    /// A symbol: state, parameter, definition, enum constructor, or a
    /// parameter/return/local of the enclosing action.
    Sym(SymId),
    Sort(SortId),
    Action(ActionId),
    /// No Ivy name of this spelling is visible here.
    Unknown,
    /// A form extraction does not handle (`this`, arguments, ms-ivy's
    /// `%`/`"` prefixes, an unterminated backquote): what it is.
    Unsupported(&'static str),
}

/// A top-level native block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeBlock {
    /// The placement word (`header`, `impl`, `member`, `init`, or whatever
    /// the first line says; extraction refuses other words).
    pub placement: String,
    /// The placement word, or the whole quote when it has none.
    pub placement_span: Span,
    pub code: NativeCode,
    /// Declared inside a parameterised object (extraction refuses it).
    pub parameterised: bool,
}

/// ms-ivy's reading of a top-level quote: the first line (trimmed) is the
/// placement when the quote has several lines, `member` when it is blank
/// or the quote has one line. Returns the placement and the byte offset of
/// the code in `text`.
pub fn placement(text: &str) -> (String, usize) {
    match text.split_once('\n') {
        Some((first, _)) => {
            let tag = first.trim();
            let tag = if tag.is_empty() { "member" } else { tag };
            (tag.to_owned(), first.len() + 1)
        }
        None => ("member".to_owned(), 0),
    }
}

impl Checker<'_> {
    /// A top-level `<<< ... >>>` declared in `env`.
    pub(crate) fn native_block(&mut self, q: &ast::NativeQuote, env: &Env) -> NativeBlock {
        let (placement, at) = placement(&q.text);
        let first = q.text.get(..at).unwrap_or("");
        let lead = first.len() - first.trim_start().len();
        let word = first.trim();
        let placement_span = if word.is_empty() {
            q.span
        } else {
            let start = q.span.start as usize + 3 + lead;
            Span::new(q.span.file, start, start + word.len())
        };
        NativeBlock {
            placement,
            placement_span,
            code: self.native_code(q, at, &[], env),
            parameterised: !env.obj_params.is_empty(),
        }
    }

    /// The code of `q` from byte `from` of its text, with its backquoted
    /// names resolved against `locals` (innermost last) then `env`.
    pub(crate) fn native_code(
        &mut self,
        q: &ast::NativeQuote,
        from: usize,
        locals: &[(Symbol, SymId)],
        env: &Env,
    ) -> NativeCode {
        // The text starts after `<<<`.
        let base = q.span.start as usize + 3;
        let at = |off: usize| base + off;
        let code = q.text.get(from..).unwrap_or("");
        let mut text = Vec::new();
        let mut refs = Vec::new();
        let mut rest = code;
        let mut off = from;
        loop {
            let Some(open) = rest.find('`') else {
                text.push(rest.to_owned());
                break;
            };
            let before = rest.get(..open).unwrap_or("");
            let after = rest.get(open + 1..).unwrap_or("");
            let Some(close) = after.find('`') else {
                text.push(before.to_owned());
                refs.push(NativeRef {
                    name: String::new(),
                    span: ivyc_base::Span::new(q.span.file, at(off + open), at(off + open + 1)),
                    target: NativeTarget::Unsupported("an unterminated backquote"),
                });
                text.push(after.to_owned());
                break;
            };
            let raw = after.get(..close).unwrap_or("");
            let lead = raw.len() - raw.trim_start().len();
            let name = raw.trim();
            let start = at(off + open + 1 + lead);
            let span = ivyc_base::Span::new(q.span.file, start, start + name.len());
            let target = if before.ends_with('%') || before.ends_with('"') {
                NativeTarget::Unsupported("ms-ivy's `%` and `\"` backquote forms")
            } else {
                self.native_target(name, locals, env)
            };
            text.push(before.to_owned());
            refs.push(NativeRef {
                name: name.to_owned(),
                span,
                target,
            });
            let used = open + 1 + close + 1;
            rest = rest.get(used..).unwrap_or("");
            off += used;
        }
        NativeCode {
            text,
            refs,
            span: q.span,
        }
    }

    fn native_target(&self, name: &str, locals: &[(Symbol, SymId)], env: &Env) -> NativeTarget {
        if name == "this" {
            return NativeTarget::Unsupported("`this`");
        }
        if name.contains(['(', '[', ' ', '\t', '\n']) {
            return NativeTarget::Unsupported("a reference with arguments");
        }
        if let Some((_, s)) = locals.iter().rev().find(|(n, _)| n.as_str() == name) {
            return NativeTarget::Sym(*s);
        }
        if name == "bool" {
            return NativeTarget::Sort(SortId::BOOL);
        }
        let segs: Vec<&str> = name.split('.').collect();
        if segs.iter().any(|s| s.is_empty()) {
            return NativeTarget::Unknown;
        }
        match self.resolve_full(&segs, env) {
            Some((_, Entity::Sort(s))) => NativeTarget::Sort(s),
            Some((_, Entity::Sym(s))) => NativeTarget::Sym(s),
            Some((_, Entity::Action(a))) => NativeTarget::Action(a),
            _ => NativeTarget::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::placement;

    #[test]
    fn placement_is_the_first_line() {
        assert_eq!(placement(" header\n#include <x>\n"), ("header".into(), 8));
        assert_eq!(placement("\n int x;\n"), ("member".into(), 1));
        assert_eq!(placement(" int x; "), ("member".into(), 0));
        assert_eq!(placement("impl  \ncode"), ("impl".into(), 7));
    }
}
