//! The declarations of a checked program and name resolution over the
//! text, for hover, go to definition and find references. Declarations
//! come from sema (full dotted names, sorts, spans into the root file, its
//! includes or the stdlib); occurrences are the lexer's names (`a.b.c`
//! gives `a`, `a.b` and `a.b.c`), resolved as Ivy reads them: `P.w` for
//! each enclosing object `P` (innermost first), then `w`, then the unique
//! (or nearest) declaration whose name ends in `.w`. Parameters and locals
//! of actions are not indexed.

use ivyc_base::{FileId, SourceMap, Span};
use ivyc_logic::{Role, SortKind, Term};
use ivyc_sema::Program;
use ivyc_syntax::ast::{Decl as AstDecl, DeclKind as AstKind};
use ivyc_syntax::lexer::Tok;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sort,
    Relation,
    Function,
    Individual,
    EnumCtor,
    Action,
    Invariant,
    Property,
    Axiom,
    Isolate,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Sort => "type",
            Kind::Relation => "relation",
            Kind::Function => "function",
            Kind::Individual => "individual",
            Kind::EnumCtor => "enum constructor",
            Kind::Action => "action",
            Kind::Invariant => "invariant",
            Kind::Property => "property",
            Kind::Axiom => "axiom",
            Kind::Isolate => "isolate",
        }
    }
}

/// One declaration.
#[derive(Clone, Debug)]
pub struct Decl {
    /// Full dotted name (the label for invariants, properties, axioms;
    /// empty when they have none).
    pub name: String,
    pub kind: Kind,
    pub span: Span,
    /// The declaration as Ivy text, e.g. `relation proto.r(node, id)`.
    pub detail: String,
}

/// Every declaration of a program, by name.
#[derive(Default)]
pub struct Index {
    pub decls: Vec<Decl>,
    by_name: HashMap<String, Vec<usize>>,
    /// Object scopes of each file: `(start, end, full prefix)`.
    scopes: HashMap<FileId, Vec<(usize, usize, String)>>,
    /// The text of each file's module declarations: `(start, end)`.
    modules: HashMap<FileId, Vec<(usize, usize)>>,
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl Index {
    pub fn build(program: &Program, sources: &SourceMap) -> Index {
        let sig = &program.sig;
        let mut decls = Vec::new();
        for (_, s) in sig.sorts() {
            let Some(span) = s.span else { continue };
            let detail = match &s.kind {
                SortKind::Enum(cs) => {
                    let cs: Vec<&str> = cs.iter().map(|c| short(c.as_str())).collect();
                    format!("type {} = {{{}}}", s.name, cs.join(", "))
                }
                SortKind::Int => format!("type {} (interpreted as int)", s.name),
                SortKind::Nat => format!("type {} (interpreted as nat)", s.name),
                SortKind::Range { lo, hi } => {
                    format!("type {} = {{{lo}..{}}}", s.name, hi.text(sig))
                }
                SortKind::BitVec(w) => format!("type {} (interpreted as bv[{w}])", s.name),
                SortKind::Str => format!("type {} (interpreted as strlit)", s.name),
                _ => format!("type {}", s.name),
            };
            decls.push(Decl {
                name: s.name.to_string(),
                kind: Kind::Sort,
                span,
                detail,
            });
        }
        for (_, d) in sig.symbols() {
            let Some(span) = d.span else { continue };
            let name = d.name.as_str();
            if d.role == Role::Local || name.contains('#') {
                continue;
            }
            let args: Vec<&str> = d.args.iter().map(|a| sig.sort_name(*a)).collect();
            let args = if args.is_empty() {
                String::new()
            } else {
                format!("({})", args.join(", "))
            };
            let (kind, detail) = if d.role == Role::EnumCtor {
                (
                    Kind::EnumCtor,
                    format!("{name} : {} (enum constructor)", sig.sort_name(d.ret)),
                )
            } else if d.is_relation() {
                (Kind::Relation, format!("relation {name}{args}"))
            } else if d.args.is_empty() {
                (
                    Kind::Individual,
                    format!("individual {name} : {}", sig.sort_name(d.ret)),
                )
            } else {
                (
                    Kind::Function,
                    format!("function {name}{args} : {}", sig.sort_name(d.ret)),
                )
            };
            let detail = match d.role {
                Role::Rigid => format!("{detail}  (immutable)"),
                _ => detail,
            };
            decls.push(Decl {
                name: name.to_string(),
                kind,
                span,
                detail,
            });
        }
        let param = |p: &ivyc_logic::SymId| {
            let d = sig.symbol(*p);
            format!("{}: {}", short(d.name.as_str()), sig.sort_name(d.ret))
        };
        for a in &program.actions {
            let params: Vec<String> = a.params.iter().map(param).collect();
            let mut detail = format!("action {}({})", a.name, params.join(", "));
            if !a.returns.is_empty() {
                let rets: Vec<String> = a.returns.iter().map(param).collect();
                detail.push_str(&format!(" returns ({})", rets.join(", ")));
            }
            if a.exported {
                detail = format!("export {detail}");
            }
            decls.push(Decl {
                name: a.name.to_string(),
                kind: Kind::Action,
                span: a.span,
                detail,
            });
        }
        let props = [
            (&program.invariants, Kind::Invariant),
            (&program.properties, Kind::Property),
            (&program.axioms, Kind::Axiom),
        ];
        for (list, kind) in props {
            for p in list.iter() {
                let Some(span) = p.span else { continue };
                let label = p.label.map(|l| l.to_string()).unwrap_or_default();
                let head = if label.is_empty() {
                    kind.word().to_string()
                } else {
                    format!("{} [{label}]", kind.word())
                };
                decls.push(Decl {
                    name: label,
                    kind,
                    span,
                    detail: format!("{head} {}", p.formula.pretty(sig)),
                });
            }
        }
        for i in &program.isolates {
            let members: Vec<String> = i.members.iter().map(|m| m.to_string()).collect();
            let mut detail = format!("isolate {} = {}", i.name, members.join(", "));
            if !i.with.is_empty() {
                let with: Vec<String> = i.with.iter().map(|m| m.to_string()).collect();
                detail.push_str(&format!(" with {}", with.join(", ")));
            }
            decls.push(Decl {
                name: i.name.to_string(),
                kind: Kind::Isolate,
                span: i.span,
                detail,
            });
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in decls.iter().enumerate() {
            if !d.name.is_empty() {
                by_name.entry(d.name.clone()).or_default().push(i);
            }
        }
        let mut scopes = HashMap::new();
        let mut modules = HashMap::new();
        for f in 0..sources.len() {
            let file = FileId(f as u32);
            let (ast, _) = ivyc_syntax::parse_in(file, sources.source(file), program.version);
            let mut out = Vec::new();
            collect_scopes(&ast.decls, Some(""), &mut out);
            scopes.insert(file, out);
            let mut out = Vec::new();
            collect_modules(&ast.decls, &mut out);
            modules.insert(file, out);
        }
        Index {
            decls,
            by_name,
            scopes,
            modules,
        }
    }

    /// The text of the innermost module declaration around `offset`.
    fn module_at(&self, file: FileId, offset: usize) -> Option<(usize, usize)> {
        self.modules
            .get(&file)?
            .iter()
            .filter(|(a, b)| *a <= offset && offset < *b)
            .min_by_key(|(a, b)| b - a)
            .copied()
    }

    /// The enclosing object prefixes at `offset`, innermost first (`None`
    /// inside a module, whose instances' names are not known there).
    fn scope_at(&self, file: FileId, offset: usize) -> Vec<&str> {
        let mut found: Vec<(usize, &str)> = self
            .scopes
            .get(&file)
            .map(|s| {
                s.iter()
                    .filter(|(a, b, _)| *a <= offset && offset < *b)
                    .map(|(a, _, p)| (*a, p.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(a, _)| std::cmp::Reverse(*a));
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// The declaration a name written at `offset` of `file` refers to.
    /// Inside a module's text, the module's own members come first: they
    /// are the declarations whose span lies in that text (one per
    /// instance, all with the same span; the first is returned).
    pub fn resolve(&self, word: &str, file: FileId, offset: usize) -> Option<&Decl> {
        if let Some((start, end)) = self.module_at(file, offset) {
            let suffix = format!(".{word}");
            let own = self.decls.iter().find(|d| {
                d.span.file == file
                    && (start..end).contains(&(d.span.start as usize))
                    && (d.name == word || d.name.ends_with(&suffix))
            });
            if own.is_some() {
                return own;
            }
        }
        for p in self.scope_at(file, offset) {
            if p.is_empty() {
                continue;
            }
            if let Some(d) = self.by_name.get(&format!("{p}.{word}")) {
                return d.first().map(|i| &self.decls[*i]);
            }
        }
        if let Some(d) = self.by_name.get(word) {
            return d.first().map(|i| &self.decls[*i]);
        }
        let suffix = format!(".{word}");
        let candidates: Vec<&Decl> = self
            .decls
            .iter()
            .filter(|d| d.name.ends_with(&suffix))
            .collect();
        // Several: the nearest one declared before, in the same file.
        candidates
            .iter()
            .filter(|d| d.span.file == file && (d.span.start as usize) <= offset)
            .max_by_key(|d| d.span.start)
            .or_else(|| candidates.first())
            .copied()
    }

    /// The innermost declaration whose span contains `offset` (for an
    /// invariant or assertion under the cursor).
    pub fn enclosing(&self, file: FileId, offset: usize, kind: Kind) -> Option<&Decl> {
        self.decls
            .iter()
            .filter(|d| {
                d.kind == kind
                    && d.span.file == file
                    && (d.span.start as usize) <= offset
                    && offset <= d.span.end as usize
            })
            .min_by_key(|d| d.span.end - d.span.start)
    }

    /// Every occurrence of `decl`'s name that resolves to it, in the
    /// files of `sources`: `(file, start, end)` of the last segment. In a
    /// module's text, which every instance shares, an occurrence that
    /// resolves to the same declaration text (another instance's member)
    /// is one too.
    pub fn references(&self, decl: &Decl, sources: &SourceMap) -> Vec<Span> {
        let last = short(&decl.name);
        let mut out = Vec::new();
        if decl.name.is_empty() {
            return out;
        }
        for f in 0..sources.len() {
            let file = FileId(f as u32);
            for path in names(file, sources.source(file)) {
                for (k, (seg, start, end)) in path.iter().enumerate() {
                    if *seg != last {
                        continue;
                    }
                    let word = joined(&path[..=k]);
                    let Some(d) = self.resolve(&word, file, *start) else {
                        continue;
                    };
                    let same_text = d.span == decl.span && self.module_at(file, *start).is_some();
                    if d.kind == decl.kind && (d.name == decl.name || same_text) {
                        out.push(Span {
                            file,
                            start: *start as u32,
                            end: *end as u32,
                        });
                    }
                }
            }
        }
        out
    }
}

/// The smallest term of the program (invariants, properties, axioms,
/// definitions, and the statements of initializers and actions) whose span
/// contains `offset` of `file`.
pub fn term_at(program: &Program, file: FileId, offset: usize) -> Option<TermInfo> {
    let sig = &program.sig;
    let mut best: Option<(Term, Span)> = None;
    let mut code: Vec<&Term> = Vec::new();
    for block in program
        .inits
        .iter()
        .chain(program.actions.iter().map(|a| &a.body))
    {
        block.walk(true, &mut |s| {
            if s.span.file == file {
                code.extend(s.terms());
            }
        });
    }
    let formulas = program
        .invariants
        .iter()
        .chain(&program.properties)
        .chain(&program.axioms)
        .map(|p| &p.formula)
        .chain(program.definitions.iter().map(|d| &d.body))
        .chain(code);
    for f in formulas {
        f.visit(|t| {
            let Some(span) = t.span else { return };
            if span.file != file || (span.start as usize) > offset || offset > span.end as usize {
                return;
            }
            let width = span.end - span.start;
            if best.as_ref().is_some_and(|(_, b)| b.end - b.start <= width) {
                return;
            }
            best = Some((t.clone(), span));
        });
    }
    let (term, span) = best?;
    Some(TermInfo {
        sort: sig.sort_name(term.sort_of(sig)).to_string(),
        text: as_written(sig, &term),
        span,
    })
}

/// A term printed with the names the user wrote: an action's parameters
/// and locals (`pass.n` inside `sig`) by their own name (`n`).
fn as_written(sig: &ivyc_logic::Signature, t: &Term) -> String {
    let mut shown = sig.clone();
    let mut map = HashMap::new();
    for sym in t.symbols() {
        let d = sig.symbol(sym);
        if d.role != Role::Local {
            continue;
        }
        let base = ivyc_logic::signature::strip_fresh_suffix(d.name.as_str());
        let short = base.rsplit('.').next().unwrap_or(base);
        let decl = ivyc_logic::SymbolDecl::new(
            ivyc_base::Symbol::intern(short),
            d.args.clone(),
            d.ret,
            d.role,
        );
        map.insert(sym, shown.add_symbol(decl));
    }
    t.rename_symbols(&map).pretty(&shown)
}

/// A term of the program found by [`term_at`].
pub struct TermInfo {
    /// The term as ivyc prints it.
    pub text: String,
    /// The name of its sort.
    pub sort: String,
    pub span: Span,
}

impl TermInfo {
    /// Hover text: `term : sort` as Ivy code.
    pub fn markdown(&self) -> String {
        format!("```ivy\n{} : {}\n```", self.text, self.sort)
    }
}

/// `a.b` of the segments.
pub fn joined(segs: &[(&str, usize, usize)]) -> String {
    segs.iter().map(|s| s.0).collect::<Vec<_>>().join(".")
}

/// The dotted names of a text: runs of `name(.name)*` written without
/// spaces, each segment with its byte range.
pub fn names(file: FileId, text: &str) -> Vec<Vec<(&str, usize, usize)>> {
    let mut errors = Vec::new();
    let lexed = ivyc_syntax::lexer::lex(file, text, &mut errors);
    let mut out: Vec<Vec<(&str, usize, usize)>> = Vec::new();
    let mut open = false;
    let mut last_end = usize::MAX;
    let mut dot = false;
    for (start, tok, end) in &lexed.tokens {
        match tok {
            Tok::Ident(s) => {
                if open && dot && *start == last_end {
                    if let Some(p) = out.last_mut() {
                        p.push((s, *start, *end));
                    }
                } else {
                    out.push(vec![(s, *start, *end)]);
                }
                open = true;
                dot = false;
            }
            Tok::Dot if open && *start == last_end && !dot => dot = true,
            _ => {
                open = false;
                dot = false;
            }
        }
        last_end = *end;
    }
    out
}

/// The name written at `offset`: the dotted path up to the segment under
/// the cursor, e.g. `proto` on `pro|to.send`.
pub fn name_at(file: FileId, text: &str, offset: usize) -> Option<(String, Span)> {
    for path in names(file, text) {
        for (k, (_, start, end)) in path.iter().enumerate() {
            if *start <= offset && offset <= *end {
                let span = Span {
                    file,
                    start: *start as u32,
                    end: *end as u32,
                };
                return Some((joined(&path[..=k]), span));
            }
        }
    }
    None
}

/// Object scopes: `(start, end, full prefix)`; `prefix` is `None` inside
/// modules (no scope is recorded there).
fn collect_scopes(decls: &[AstDecl], prefix: Option<&str>, out: &mut Vec<(usize, usize, String)>) {
    for d in decls {
        let (name, body) = match &d.kind {
            AstKind::Object { name, body, .. }
            | AstKind::IsolateObject { name, body, .. }
            | AstKind::ExtractObject { name, body, .. }
            | AstKind::Subclass { name, body, .. } => (Some(name.name.as_str()), body),
            AstKind::Section { body, .. } => {
                collect_scopes(body, prefix, out);
                continue;
            }
            AstKind::Module { body, .. } => {
                collect_scopes(body, None, out);
                continue;
            }
            _ => continue,
        };
        let inner = match (prefix, name) {
            (Some(""), Some(n)) => Some(n.to_string()),
            (Some(p), Some(n)) => Some(format!("{p}.{n}")),
            _ => None,
        };
        if let Some(p) = &inner {
            out.push((d.span.start as usize, d.span.end as usize, p.clone()));
        }
        collect_scopes(body, inner.as_deref(), out);
    }
}

/// The `(start, end)` of every module declaration, nested ones too.
fn collect_modules(decls: &[AstDecl], out: &mut Vec<(usize, usize)>) {
    for d in decls {
        match &d.kind {
            AstKind::Module { body, .. } => {
                out.push((d.span.start as usize, d.span.end as usize));
                collect_modules(body, out);
            }
            AstKind::Object { body, .. }
            | AstKind::IsolateObject { body, .. }
            | AstKind::ExtractObject { body, .. }
            | AstKind::Subclass { body, .. }
            | AstKind::Section { body, .. } => collect_modules(body, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_split_into_segments() {
        let text = "a.b.c(x) + d . e";
        let n = names(FileId(0), text);
        let words: Vec<String> = n.iter().map(|p| joined(p)).collect();
        assert_eq!(words, vec!["a.b.c", "x", "d", "e"]);
        let Some((w, _)) = name_at(FileId(0), text, 2) else {
            panic!("no name");
        };
        assert_eq!(w, "a.b");
    }

    /// Two modules of one file with a member of the same name: a use
    /// inside one module's text is a reference of that module's member
    /// (of every instance, which share the text), never of the other's,
    /// even where the use comes before the declaration.
    #[test]
    fn references_inside_modules_stay_in_their_module() {
        let text = "#lang ivy1.7\n\
type t\n\
module counter = {\n\
    individual n : t\n\
    action next(x:t) = { n := x }\n\
    action bump(x:t) = { call next(x) }\n\
}\n\
module flag = {\n\
    relation on\n\
    action set(x:t) = { call next(x) }\n\
    action next(x:t) = { on := true }\n\
}\n\
instance a : counter\n\
instance b : counter\n\
instance f : flag\n\
action go(x:t) = { call a.next(x); call f.next(x) }\n\
export a.bump\n\
export b.bump\n\
export f.set\n\
export go\n";
        let a = crate::analysis::analyse(&crate::analysis::Input {
            name: "/nonexistent/m.ivy".into(),
            text: text.into(),
            overlay: HashMap::new(),
            include_dirs: Vec::new(),
        });
        let program = a.program.as_ref().expect("the program checks");
        let index = Index::build(program, &a.sources);
        // The 1-based lines of the references (all in the one file).
        let lines = |d: &Decl| -> Vec<usize> {
            index
                .references(d, &a.sources)
                .iter()
                .inspect(|s| assert_eq!(s.file, a.root))
                .map(|s| text[..s.start as usize].matches('\n').count() + 1)
                .collect()
        };
        let decl = |name: &str| {
            index
                .decls
                .iter()
                .find(|d| d.name == name && d.kind == Kind::Action)
                .expect("declared")
        };
        // a.next: its declaration and the use in `bump` (module text), and
        // `a.next` in `go`; not `next` of flag (lines 10, 11, 16's f.next).
        assert_eq!(lines(decl("a.next")), vec![5, 6, 16]);
        // f.next: the use before its declaration, the declaration, f.next.
        assert_eq!(lines(decl("f.next")), vec![10, 11, 16]);
        // b.next shares counter's text but is not used by name elsewhere.
        assert_eq!(lines(decl("b.next")), vec![5, 6]);
    }
}
