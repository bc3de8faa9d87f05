//! `textDocument/documentSymbol`: the outline of one document from its
//! syntax tree (so it is there even while the text has errors): types,
//! relations, functions, individuals, actions, invariants and other
//! formulas, isolates, objects and modules with their members.

use crate::text::LineIndex;
use ivyc_base::Span;
use ivyc_syntax::ast::{Decl, DeclKind, DefnLhs, Ident, LabeledFmla, TypedHead, TypedName};
use lsp_types::{DocumentSymbol, SymbolKind};

/// The outline of `text`.
pub fn document_symbols(text: &str) -> Vec<DocumentSymbol> {
    let (ast, _) = ivyc_syntax::parse(ivyc_base::FileId(0), text);
    let lines = LineIndex::new(text);
    outline(&ast.decls, &lines, text)
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
fn symbol(
    lines: &LineIndex,
    name: String,
    detail: &str,
    kind: SymbolKind,
    whole: Span,
    at: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let range = lines.range(whole.start as usize, whole.end as usize);
    let mut selection_range = lines.range(at.start as usize, at.end as usize);
    // The selection must lie inside the range.
    if selection_range.start < range.start || selection_range.end > range.end {
        selection_range = range;
    }
    DocumentSymbol {
        name: if name.is_empty() { "_".into() } else { name },
        detail: Some(detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: (!children.is_empty()).then_some(children),
    }
}

fn lhs_name(lhs: &DefnLhs) -> (String, Span) {
    match lhs {
        DefnLhs::Name { name, span, .. } => (
            name.to_dotted(),
            name.last().map(|i| i.span).unwrap_or(*span),
        ),
        DefnLhs::Infix { op, .. } => (format!("{:?}", op.op), op.span),
    }
}

fn typed_name(t: &TypedName) -> (String, Span) {
    match &t.head {
        TypedHead::Name { name, .. } => (name.name.to_string(), name.span),
        TypedHead::Infix { op, .. } => (format!("{:?}", op.op), op.span),
    }
}

/// `invariant [l]` or the formula's first words.
fn formula_name(f: &LabeledFmla, text: &str) -> (String, Span) {
    match &f.label {
        Some(l) => (format!("[{}]", l.name), l.span),
        None => {
            let s = text
                .get(f.span.start as usize..f.span.end as usize)
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let short: String = s.chars().take(40).collect();
            let name = if short.len() < s.len() {
                format!("{short}…")
            } else {
                short
            };
            (name, f.span)
        }
    }
}

fn ident(i: &Ident) -> (String, Span) {
    (i.name.to_string(), i.span)
}

fn outline(decls: &[Decl], lines: &LineIndex, text: &str) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for d in decls {
        let mut one = |(name, at): (String, Span), detail: &str, kind, children| {
            out.push(symbol(lines, name, detail, kind, d.span, at, children))
        };
        match &d.kind {
            DeclKind::Type { name, sort, .. } => {
                let kind = match sort {
                    Some(ivyc_syntax::ast::Sort::Enum(_)) => SymbolKind::ENUM,
                    _ => SymbolKind::STRUCT,
                };
                one(ident(name), "type", kind, Vec::new())
            }
            DeclKind::Variant { name, .. } => {
                one(ident(name), "variant", SymbolKind::STRUCT, Vec::new())
            }
            DeclKind::Relation(ds) => {
                for s in ds {
                    one(
                        lhs_name(&s.lhs.lhs),
                        "relation",
                        SymbolKind::PROPERTY,
                        Vec::new(),
                    )
                }
            }
            DeclKind::Function(ds) => {
                for s in ds {
                    one(
                        lhs_name(&s.lhs.lhs),
                        "function",
                        SymbolKind::FUNCTION,
                        Vec::new(),
                    )
                }
            }
            DeclKind::Individual(ts) | DeclKind::Var(ts) => {
                for t in ts {
                    one(
                        typed_name(t),
                        "individual",
                        SymbolKind::VARIABLE,
                        Vec::new(),
                    )
                }
            }
            DeclKind::Destructor(ts) | DeclKind::Field(ts) => {
                for t in ts {
                    one(typed_name(t), "destructor", SymbolKind::FIELD, Vec::new())
                }
            }
            DeclKind::Constructor(ts) => {
                for t in ts {
                    one(
                        typed_name(t),
                        "constructor",
                        SymbolKind::CONSTRUCTOR,
                        Vec::new(),
                    )
                }
            }
            DeclKind::Parameter { name, .. } => one(
                typed_name(name),
                "parameter",
                SymbolKind::CONSTANT,
                Vec::new(),
            ),
            DeclKind::Derived(ds) => {
                for s in ds {
                    one(
                        lhs_name(&s.lhs.lhs),
                        "derived",
                        SymbolKind::FUNCTION,
                        Vec::new(),
                    )
                }
            }
            DeclKind::Definition { defn, .. } => one(
                lhs_name(&defn.lhs.lhs),
                "definition",
                SymbolKind::FUNCTION,
                Vec::new(),
            ),
            DeclKind::Axiom { prop, .. } => {
                let name = match &prop.label {
                    Some(l) => (format!("[{}]", l.name), l.span),
                    None => ("axiom".to_string(), prop.span),
                };
                one(name, "axiom", SymbolKind::BOOLEAN, Vec::new())
            }
            DeclKind::Property { fmla, .. } => one(
                formula_name(fmla, text),
                "property",
                SymbolKind::BOOLEAN,
                Vec::new(),
            ),
            DeclKind::Conjecture(f) | DeclKind::Invariant { fmla: f, .. } => one(
                formula_name(f, text),
                "invariant",
                SymbolKind::BOOLEAN,
                Vec::new(),
            ),
            DeclKind::Action { name, .. } => {
                one(ident(name), "action", SymbolKind::METHOD, Vec::new())
            }
            DeclKind::Isolate { name, .. } => {
                one(ident(name), "isolate", SymbolKind::NAMESPACE, Vec::new())
            }
            DeclKind::IsolateObject { name, body, .. } => one(
                ident(name),
                "isolate",
                SymbolKind::NAMESPACE,
                outline(body, lines, text),
            ),
            DeclKind::Object { name, body, .. } | DeclKind::Subclass { name, body, .. } => one(
                ident(name),
                "object",
                SymbolKind::OBJECT,
                outline(body, lines, text),
            ),
            DeclKind::Module { name, body, .. } => one(
                ident(name),
                "module",
                SymbolKind::MODULE,
                outline(body, lines, text),
            ),
            DeclKind::Instantiate(is) => {
                for i in is {
                    let Some(n) = &i.name else { continue };
                    let at = n.name.last().map(|l| l.span).unwrap_or(n.span);
                    let detail = format!("instance of {}", i.module.name.to_dotted());
                    one(
                        (n.name.to_dotted(), at),
                        &detail,
                        SymbolKind::OBJECT,
                        Vec::new(),
                    )
                }
            }
            DeclKind::Section { body, .. } => out.extend(outline(body, lines, text)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_nests_objects() {
        let text = "#lang ivy1.7\ntype t\nobject o = {\n  relation r(X:t)\n  action a(x:t) = { r(x) := true }\n}\ninvariant [inv] ~o.r(X)\n";
        let s = document_symbols(text);
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["t", "o", "[inv]"]);
        let kids: Vec<&str> = s[1]
            .children
            .iter()
            .flatten()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(kids, vec!["r", "a"]);
    }
}
