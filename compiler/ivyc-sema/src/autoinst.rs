//! Automatic instances: after `autoinstance array[d][r] : array(d,r)`, a
//! name `array[idx][val]` creates (once) the top-level instance
//! `array[idx][val] : array(idx,val)` just before the first declaration
//! that mentions it, as ms-ivy's parser does; bracketed names then resolve
//! to that instance (`array[idx][val].empty`, `vector[val].domain`).
//!
//! Inside a module instance the bracket arguments are module parameters
//! or relative names: they are replaced by the full names they denote, so
//! `vector[range]` in an instance of `hash_rel(key,val)` is `vector[val]`.

use crate::check::{Checker, Env};
use ivyc_base::{Span, Symbol};
use ivyc_syntax::ast;
use std::collections::HashMap;
use std::rc::Rc;

/// One `autoinstance NAME[p1]..[pn] : module(args)` item.
pub(crate) struct AutoInst<'a> {
    prefix: String,
    params: Vec<String>,
    module: &'a ast::ModuleRef,
}

/// `a[b][c.d]` -> `("a", ["b", "c.d"])`; `None` without brackets.
fn split_brackets(name: &str) -> Option<(&str, Vec<&str>)> {
    let open = name.find('[')?;
    let prefix = name.get(..open)?;
    let mut params = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for (i, c) in name.char_indices().skip(open) {
        match c {
            '[' => {
                if depth == 0 {
                    start = i + 1;
                }
                depth += 1;
            }
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    params.push(name.get(start..i)?);
                }
            }
            _ if depth == 0 => return None,
            _ => {}
        }
    }
    (depth == 0 && !prefix.is_empty() && !params.is_empty()).then_some((prefix, params))
}

/// `a.b[c.d].e` -> `["a", "b[c.d]", "e"]` (dots inside brackets kept).
fn split_dotted(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in name.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                out.extend(name.get(start..i));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.extend(name.get(start..));
    out
}

/// The names `x[..]..[..]` in `text` (printed Ivy), skipping quoted
/// strings, native code and member names (`a.x[..]`).
fn bracketed_names(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if text.get(i..).is_some_and(|t| t.starts_with("<<<")) {
            i = text
                .get(i + 3..)
                .and_then(|t| t.find(">>>"))
                .map_or(bytes.len(), |k| i + 3 + k + 3);
            continue;
        }
        if c == b'"' {
            i = text
                .get(i + 1..)
                .and_then(|t| t.find('"'))
                .map_or(bytes.len(), |k| i + 1 + k + 1);
            continue;
        }
        let starts_name = (c.is_ascii_alphabetic() || c == b'_')
            && !i
                .checked_sub(1)
                .and_then(|k| bytes.get(k))
                .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_' || *p == b'.');
        if !starts_name {
            i += 1;
            continue;
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            i += 1;
        }
        let mut end = i;
        while bytes.get(end) == Some(&b'[') {
            let mut depth = 0usize;
            let mut j = end;
            while let Some(&b) = bytes.get(j) {
                match b {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'\n' => break,
                    _ => {}
                }
                j += 1;
            }
            if depth != 0 {
                break;
            }
            end = j + 1;
        }
        if end > i {
            out.extend(text.get(start..end));
        }
        i = end;
    }
    out
}

impl<'a> Checker<'a> {
    /// Records the items of an `autoinstance` declaration.
    pub(crate) fn record_autoinstances(&mut self, insts: &'a [ast::Instance]) {
        for inst in insts {
            let Some(name) = &inst.name else { continue };
            let [seg] = name.name.segments.as_slice() else {
                continue;
            };
            if name.args.is_some() {
                continue;
            }
            if let Some((prefix, params)) = split_brackets(seg.as_str()) {
                self.autos.push(AutoInst {
                    prefix: prefix.to_string(),
                    params: params.iter().map(|p| p.to_string()).collect(),
                    module: &inst.module,
                });
            }
        }
    }

    /// Creates the automatic instances that declaration `d` mentions.
    pub(crate) fn autoinstances_of(&mut self, d: &ast::Decl, env: &Env) {
        if self.autos.is_empty() {
            return;
        }
        let text = ivyc_syntax::pretty::decls(std::slice::from_ref(d));
        for name in bracketed_names(&text) {
            self.ensure_autoinstance(name, env, d.span);
        }
    }

    /// The automatic instance a bracketed name segment denotes in `env`,
    /// if one has been created.
    pub(crate) fn autoinstance_name(&self, seg: &str, env: &Env) -> Option<String> {
        let (concrete, _) = self.concrete_autoinstance(seg, env)?;
        self.auto_done.contains(&concrete).then_some(concrete)
    }

    /// `(full name, index of the autoinstance)` of a bracketed name, its
    /// arguments replaced by the full names they denote in `env`.
    fn concrete_autoinstance(&self, name: &str, env: &Env) -> Option<(String, usize)> {
        let (prefix, params) = split_brackets(name)?;
        let idx = self
            .autos
            .iter()
            .position(|a| a.prefix == prefix && a.params.len() == params.len())?;
        let mut full = prefix.to_string();
        for p in params {
            full.push('[');
            full.push_str(&self.actual_text(p, env));
            full.push(']');
        }
        Some((full, idx))
    }

    /// The text of a bracket argument with module parameters (and `this`)
    /// replaced by what they stand for. Other names are kept as written:
    /// sorts are not declared yet when instances are expanded.
    fn actual_text(&self, p: &str, env: &Env) -> String {
        if let Some((c, _)) = self.concrete_autoinstance(p, env) {
            return c;
        }
        let segs = split_dotted(p);
        let (Some(first), rest) = (segs.first(), segs.get(1..).unwrap_or(&[])) else {
            return p.to_string();
        };
        let mut base = if let Some((arg, aenv)) = env.subst.get(&Symbol::intern(first)) {
            match arg {
                ast::ModuleArg::Name(path) => self.actual_text(&path.to_dotted(), aenv),
                ast::ModuleArg::Op(op) => op.op.as_str().to_string(),
                ast::ModuleArg::Var(b) => b.name.as_str().to_string(),
                ast::ModuleArg::True(_) => "true".into(),
                ast::ModuleArg::False(_) => "false".into(),
            }
        } else if *first == "this" && !env.prefix.is_empty() {
            let parts: Vec<&str> = env.prefix.iter().map(|s| s.as_str()).collect();
            parts.join(".")
        } else {
            return p.to_string();
        };
        for r in rest {
            base.push('.');
            base.push_str(r);
        }
        base
    }

    fn ensure_autoinstance(&mut self, name: &str, env: &Env, span: Span) {
        let Some((prefix, params)) = split_brackets(name) else {
            return;
        };
        // Arguments that are automatic instances themselves come first.
        for p in &params {
            self.ensure_autoinstance(p, env, span);
        }
        let _ = prefix;
        let Some((concrete, idx)) = self.concrete_autoinstance(name, env) else {
            return;
        };
        if !self.auto_done.insert(concrete.clone()) {
            return;
        }
        let Some(auto) = self.autos.get(idx) else {
            return;
        };
        let Some((_, actuals)) = split_brackets(&concrete) else {
            return;
        };
        let map: HashMap<&str, &str> = auto
            .params
            .iter()
            .map(String::as_str)
            .zip(actuals.iter().copied())
            .collect();
        let module = auto.module;
        let args = module.args.as_ref().map(|args| {
            args.iter()
                .map(|a| match a {
                    ast::ModuleArg::Name(p) => match p.segments.as_slice() {
                        [s] => match map.get(s.as_str()) {
                            Some(actual) => ast::ModuleArg::Name(path(actual, p.span)),
                            None => a.clone(),
                        },
                        _ => a.clone(),
                    },
                    _ => a.clone(),
                })
                .collect()
        });
        let inst = ast::Instance {
            name: Some(ast::ModuleRef {
                name: ast::Path::single(ast::Ident::new(&concrete, span)),
                args: None,
                span,
            }),
            module: ast::ModuleRef {
                name: module.name.clone(),
                args,
                span: module.span,
            },
            span,
        };
        self.instantiate(&inst, &Rc::new(Env::default()));
    }
}

/// A path for the dotted name `name`, every segment at `span`.
fn path(name: &str, span: Span) -> ast::Path {
    ast::Path {
        segments: split_dotted(name)
            .into_iter()
            .map(|s| ast::Ident::new(s, span))
            .collect(),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_split() {
        assert_eq!(
            split_brackets("array[idx][val]"),
            Some(("array", vec!["idx", "val"]))
        );
        assert_eq!(
            split_brackets("vector[array[a][b.c]]"),
            Some(("vector", vec!["array[a][b.c]"]))
        );
        assert_eq!(split_brackets("plain"), None);
        assert_eq!(split_brackets("a[b]c"), None);
        assert_eq!(split_dotted("a.b[c.d].e"), vec!["a", "b[c.d]", "e"]);
    }

    #[test]
    fn names_found_in_text() {
        assert_eq!(
            bracketed_names("var x : vector[t]\n y := a.f[u]; \"s[t]\" <<< q[r] >>> m[n][o.p]"),
            vec!["vector[t]", "m[n][o.p]"]
        );
    }
}
