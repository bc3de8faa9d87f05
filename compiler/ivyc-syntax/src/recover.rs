//! Driving the generated parser: error recovery (LALRPOP `!` recovery at
//! declaration and statement level, plus resynchronisation at the next
//! declaration keyword when the parser gives up), conversion of LALRPOP
//! errors into human-worded [`SyntaxError`]s, and attaching `proof`
//! declarations to the declaration they follow.

use crate::ast::{Decl, DeclKind, ProofStep, ProofStepKind};
use crate::error::SyntaxError;
use crate::grammar::FileParser;
use crate::lexer::{Lexed, SpannedTok, Tok};
use crate::support::{Ctx, LexErr};
use crate::LangVersion;
use ivyc_base::{FileId, Span};
use lalrpop_util::ParseError;

/// Give up after this many syntax errors in one file.
const MAX_ERRORS: usize = 100;

type PErr<'a> = ParseError<usize, Tok<'a>, LexErr>;

/// Parse a token stream into declarations, recovering from errors.
pub fn parse_tokens<'a>(
    file: FileId,
    src: &'a str,
    lexed: &Lexed<'a>,
    version: LangVersion,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Decl> {
    let parser = FileParser::new();
    let toks: &[SpannedTok<'a>] = &lexed.tokens;
    let mut decls = Vec::new();
    let token_ends: Vec<usize> = toks.iter().map(|t| t.2).collect();
    let mut start = 0usize;
    let mut count = 0usize;
    loop {
        let mut ctx = Ctx::new(file, &token_ends, version);
        let slice = toks.get(start..).unwrap_or(&[]);
        let result = parser.parse(&mut ctx, slice.iter().map(|&t| Ok::<_, LexErr>(t)));
        for rec in std::mem::take(&mut ctx.recovered) {
            count += 1;
            errors.push(convert(file, src, lexed, version, rec.error));
        }
        errors.append(&mut ctx.errors);
        match result {
            Ok(mut ds) => {
                decls.append(&mut ds);
                break;
            }
            Err(e) => {
                count += 1;
                let resume = resume_point(toks, start, &e);
                errors.push(convert(file, src, lexed, version, e));
                match resume {
                    Some(i) if count < MAX_ERRORS => start = i,
                    _ => break,
                }
            }
        }
    }
    errors.retain(|e| {
        !(lexed.truncated
            && matches!(
                e,
                SyntaxError::UnexpectedEof { .. } | SyntaxError::UnclosedDelimiter { .. }
            ))
    });
    suppress_cascades(toks, errors);
    decls
}

/// The identifiers of the declarations around syntax errors (from the
/// declaration keyword before each error to the next one after it): the
/// names such a declaration may have declared, which name resolution must
/// not report as undefined (that would only repeat the syntax error).
pub fn unparsed_names(toks: &[SpannedTok<'_>], errors: &[SyntaxError]) -> Vec<ivyc_base::Symbol> {
    let mut names = Vec::new();
    for e in errors {
        if e.is_warning() || matches!(e, SyntaxError::NotInVersion { .. }) {
            continue;
        }
        let pos = e.span().start as usize;
        let from = toks
            .iter()
            .rposition(|(l, t, _)| *l < pos && t.starts_decl())
            .unwrap_or(0);
        let to = toks
            .iter()
            .position(|(l, t, _)| *l > pos && t.starts_decl())
            .unwrap_or(toks.len());
        for (_, t, _) in toks.get(from..to).unwrap_or(&[]) {
            if let Tok::Ident(name) = t {
                names.push(ivyc_base::Symbol::intern(name));
            }
        }
    }
    names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    names.dedup();
    names
}

/// Keep only the first parser error of each declaration/statement: after a
/// reported error, further parser errors before the next declaration
/// keyword or `;` are follow-on noise from recovery.
fn suppress_cascades(toks: &[SpannedTok<'_>], errors: &mut Vec<SyntaxError>) {
    let is_parser_error = |e: &SyntaxError| {
        matches!(
            e,
            SyntaxError::UnexpectedToken { .. }
                | SyntaxError::UnexpectedClosingDelimiter { .. }
                | SyntaxError::UnexpectedEof { .. }
                | SyntaxError::UnclosedDelimiter { .. }
                | SyntaxError::UnclosedBeforeDecl { .. }
        )
    };
    let mut order: Vec<usize> = (0..errors.len()).collect();
    order.sort_by_key(|&i| errors.get(i).map(|e| e.span().start).unwrap_or(0));
    let mut keep = vec![true; errors.len()];
    let mut barrier: Option<u32> = None;
    for i in order {
        let Some(e) = errors.get(i) else { continue };
        if !is_parser_error(e) {
            continue;
        }
        let pos = e.span().start;
        if let Some(b) = barrier {
            if pos <= b {
                keep[i] = false;
                continue;
            }
        }
        // next resynchronisation token strictly after this error
        let next = toks
            .iter()
            .find(|(l, t, _)| *l > pos as usize && (t.starts_decl() || *t == Tok::Semi))
            .map(|(l, _, _)| u32::try_from(*l).unwrap_or(u32::MAX));
        barrier = Some(next.unwrap_or(u32::MAX));
    }
    let mut idx = 0;
    errors.retain(|_| {
        let k = keep.get(idx).copied().unwrap_or(true);
        idx += 1;
        k
    });
}

/// Where to restart after an unrecoverable error: the next token that can
/// begin a declaration, not inside brackets opened after the error.
fn resume_point(toks: &[SpannedTok<'_>], start: usize, e: &PErr<'_>) -> Option<usize> {
    let at = match e {
        ParseError::UnrecognizedToken { token, .. } | ParseError::ExtraToken { token } => token.0,
        _ => return None,
    };
    let first = start + toks.get(start..)?.iter().position(|t| t.0 >= at)?;
    let mut depth: i64 = 0;
    for (i, (_, t, _)) in toks.iter().enumerate().skip(first + 1) {
        match t {
            Tok::LParen | Tok::LBrace | Tok::LBracket => depth += 1,
            Tok::RParen | Tok::RBrace | Tok::RBracket => depth -= 1,
            t if depth <= 0 && t.starts_decl() => return Some(i),
            _ => {}
        }
    }
    None
}

/// Convert a LALRPOP error.
fn convert(
    file: FileId,
    src: &str,
    lexed: &Lexed<'_>,
    version: LangVersion,
    e: PErr<'_>,
) -> SyntaxError {
    match e {
        ParseError::UnrecognizedToken {
            token: (l, t, r),
            expected,
        } => {
            let span = Span::new(file, l, r);
            if lexed.unmatched_closers.contains(&l) {
                let delimiter = t.text().chars().next().unwrap_or(')');
                return SyntaxError::UnexpectedClosingDelimiter { span, delimiter };
            }
            // A declaration keyword inside a block that is never closed:
            // the error is the opener, not the keyword.
            // (Only an opener of the declaration the keyword interrupts: no
            // other declaration keyword in between.)
            let opener = lexed.unclosed.iter().rev().find(|(off, _)| *off < l);
            let interrupts = |off: usize| {
                !lexed
                    .tokens
                    .iter()
                    .any(|tok| tok.0 > off && tok.0 < l && tok.1.starts_decl())
            };
            if t.starts_decl() {
                if let Some(&(off, delimiter)) = opener.filter(|(off, _)| interrupts(*off)) {
                    return SyntaxError::UnclosedBeforeDecl {
                        open: Span::new(file, off, off + 1),
                        delimiter,
                        at: span,
                        keyword: t.text().to_string(),
                    };
                }
            }
            let words = humanize(&expected);
            let line_start = src
                .get(..l)
                .map(|b| b.rfind('\n').map(|i| i + 1).unwrap_or(0))
                .unwrap_or(0);
            let first_on_line = src.get(line_start..l).is_some_and(|p| p.trim().is_empty());
            let previous = lexed
                .tokens
                .iter()
                .position(|tok| tok.0 == l)
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| lexed.tokens.get(i))
                .map(|tok| tok.1);
            let help = later_keyword(previous, version)
                .or_else(|| hint(&t, &expected, first_on_line, version));
            SyntaxError::UnexpectedToken {
                span,
                found: t.describe(),
                expected: words,
                help,
            }
        }
        ParseError::ExtraToken { token: (l, t, r) } => SyntaxError::UnexpectedToken {
            span: Span::new(file, l, r),
            found: t.describe(),
            expected: vec!["end of file".to_string()],
            help: None,
        },
        ParseError::UnrecognizedEof { location, expected } => {
            let eof = Span::new(file, src.len(), src.len());
            if let Some(&(off, delimiter)) = lexed.unclosed.last() {
                SyntaxError::UnclosedDelimiter {
                    open: Span::new(file, off, off + 1),
                    delimiter,
                    eof,
                }
            } else {
                let _ = location;
                SyntaxError::UnexpectedEof {
                    span: eof,
                    expected: humanize(&expected),
                }
            }
        }
        ParseError::InvalidToken { location } => SyntaxError::UnexpectedToken {
            span: Span::new(file, location, location),
            found: "an invalid token".to_string(),
            expected: vec![],
            help: None,
        },
        ParseError::User { error } => match error {},
    }
}

const EXPR_START: &[&str] = &[
    "\"~\"",
    "\"forall\"",
    "\"exists\"",
    "\"old\"",
    "\"true\"",
    "\"false\"",
    "\"globally\"",
    "\"eventually\"",
    "\"□\"",
    "\"◇\"",
    "\"$\"",
    "\"(\"",
    "IDENT",
    "NUM",
    "STR",
    "BADSTR",
    "VAR",
];

const INFIX: &[&str] = &[
    "\"&\"", "\"|\"", "\"->\"", "\"<->\"", "\"=\"", "\"~=\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"",
    "\"*>\"", "\"+\"", "\"-\"", "\"*\"", "\"/\"", "\"if\"", "\".\"", "\":\"", "\"isa\"",
];

const STMT_START: &[&str] = &[
    "\"assume\"",
    "\"assert\"",
    "\"ensure\"",
    "\"require\"",
    "\"ensures\"",
    "\"call\"",
    "\"local\"",
    "\"while\"",
    "\"var\"",
    "\"let\"",
    "\"thunk\"",
    "\"instantiate\"",
    "\"if\"",
    "\"{\"",
];

fn is_decl_start(term: &str) -> bool {
    let inner = term.trim_matches('"');
    crate::lexer::KEYWORDS.contains(&inner)
        && matches!(
            inner,
            "relation"
                | "individual"
                | "function"
                | "axiom"
                | "conjecture"
                | "init"
                | "schema"
                | "instantiate"
                | "instance"
                | "derived"
                | "action"
                | "method"
                | "module"
                | "object"
                | "class"
                | "type"
                | "macro"
                | "interpret"
                | "mixin"
                | "execute"
                | "before"
                | "after"
                | "isolate"
                | "export"
                | "delegate"
                | "import"
                | "using"
                | "include"
                | "progress"
                | "concept"
                | "scenario"
                | "rely"
                | "mixord"
                | "extract"
                | "destructor"
                | "private"
                | "implement"
                | "property"
                | "invariant"
                | "definition"
                | "ghost"
                | "alias"
                | "trusted"
                | "var"
                | "attribute"
                | "variant"
                | "temporal"
                | "specification"
                | "implementation"
                | "around"
                | "parameter"
                | "theorem"
                | "explicit"
                | "autoinstance"
                | "constructor"
                | "finite"
        )
}

/// Turn LALRPOP terminal names into human words, grouping large families
/// ("a declaration", "an expression", "an operator", "a statement").
pub fn humanize(expected: &[String]) -> Vec<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let mut rest: Vec<&str> = expected.iter().map(|s| s.as_str()).collect();
    let mut groups: Vec<String> = Vec::new();
    let decl_count = rest.iter().filter(|t| is_decl_start(t)).count();
    if decl_count >= 8 {
        // names (`global`/`common` sections), native code and `proof [l]`
        // are declarations too
        rest.retain(|t| {
            (!is_decl_start(t) || *t == "\"var\"" && has("\"assume\""))
                && !matches!(
                    *t,
                    "NATIVE"
                        | "PROOF_L"
                        | "GLOBAL"
                        | "COMMON"
                        | "PROCESS"
                        | "UNPROVABLE"
                        | "SUBCLASS"
                        | "FIELD"
                )
        });
        groups.push("a declaration".to_string());
    }
    if has("\"assume\"") && has("\"while\"") {
        rest.retain(|t| {
            !STMT_START.contains(t)
                && !EXPR_START.contains(t)
                && !matches!(*t, "FOR" | "UNPROVABLE" | "DEBUG")
        });
        groups.push("a statement".to_string());
    } else if has("\"~\"") && has("\"forall\"") {
        rest.retain(|t| !EXPR_START.contains(t));
        groups.push("an expression".to_string());
    }
    if has("\"&\"") && has("\"->\"") && has("\"+\"") {
        rest.retain(|t| !INFIX.contains(t) && !t.starts_with("WHEN"));
        groups.push("an operator".to_string());
    }
    let mut words: Vec<String> = Vec::new();
    let mut push = |w: String| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    for g in groups {
        push(g);
    }
    for t in rest {
        let w = match t {
            "IDENT" | "NUM" | "STR" | "BADSTR" => "a name".to_string(),
            "VAR" => "a variable".to_string(),
            "NATIVE" => "native code `<<<...>>>`".to_string(),
            "PROOF_L" => "`proof`".to_string(),
            "GLOBAL" => "`global`".to_string(),
            "COMMON" => "`common`".to_string(),
            "FOR" => "`for`".to_string(),
            "PROCESS" => "`process`".to_string(),
            "UNPROVABLE" | "SUBCLASS" | "FIELD" | "DEBUG" | "WHENFIRST" | "WHENLAST"
            | "WHENNEXT" | "WHENPREV" => format!("`{}`", t.to_lowercase()),
            "error" => continue,
            q => {
                let inner = q
                    .strip_prefix('"')
                    .and_then(|x| x.strip_suffix('"'))
                    .unwrap_or(q);
                format!("`{inner}`")
            }
        };
        push(w);
    }
    const MAX: usize = 8;
    if words.len() > MAX {
        let extra = words.len() - (MAX - 1);
        words.truncate(MAX - 1);
        words.push(format!("one of {extra} other tokens"));
    }
    words
}

/// A hint for common mistakes.
/// A name just before a syntax error that a later language version
/// reserves (`require p` in Ivy 1.6) is most likely meant as that keyword.
fn later_keyword(previous: Option<Tok<'_>>, version: LangVersion) -> Option<String> {
    let Some(Tok::Ident(word)) = previous else {
        return None;
    };
    let since = LangVersion::reserved_since(word)?;
    (since > version).then(|| {
        format!("`{word}` is not a keyword in Ivy {version} (it is one from Ivy {since} on), so it is read as a name here")
    })
}

fn hint(
    found: &Tok<'_>,
    expected: &[String],
    first_on_line: bool,
    version: LangVersion,
) -> Option<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let at_decl = expected.iter().filter(|e| is_decl_start(e)).count() >= 8;
    let wants_name = has("IDENT");
    match found {
        Tok::Eq if has("\":=\"") => {
            Some("use `:=` for assignment; `=` is the equality predicate".to_string())
        }
        Tok::Ident(s)
            if !wants_name && !version.reserves(s) && LangVersion::reserved_since(s).is_some() =>
        {
            LangVersion::reserved_since(s).map(|since| {
                format!("`{s}` is not a keyword in Ivy {version} (it is one from Ivy {since} on)")
            })
        }
        t if t.starts_decl() && !at_decl && first_on_line => Some(format!(
            "`{}` starts a new declaration: the construct before it is incomplete",
            t.text()
        )),
        t if t.is_keyword() && wants_name && !has("\"~\"") => Some(format!(
            "`{}` is a reserved word in Ivy {version} and cannot be used as a name",
            t.text()
        )),
        Tok::Var(v) if wants_name && !has("VAR") => Some(format!(
            "names starting with a capital letter (`{v}`) are variables; declared names must start with a lowercase letter, a digit or `_`"
        )),
        Tok::Assign if has("\"=\"") => Some("definitions use `=`, not `:=`".to_string()),
        t if has("\";\"") && starts_stmt(t) => {
            Some("statements must be separated by `;`".to_string())
        }
        _ => None,
    }
}

fn starts_stmt(t: &Tok<'_>) -> bool {
    matches!(
        t,
        Tok::Assume
            | Tok::Assert
            | Tok::Ensure
            | Tok::Require
            | Tok::Call
            | Tok::Local
            | Tok::While
            | Tok::VarKw
            | Tok::If
            | Tok::Ident(_)
            | Tok::Var(_)
    )
}

/// Attach `proof` declarations to a directly preceding `property`,
/// `invariant`, `definition` or `theorem` without a proof (what Ivy's
/// parser does), recursively in nested declaration lists.
pub fn attach_proofs(decls: &mut Vec<Decl>) {
    let old = std::mem::take(decls);
    for mut d in old {
        recurse(&mut d);
        if let DeclKind::Proof { label, step } = &mut d.kind {
            if let Some(prev) = decls.last_mut() {
                if let Some(slot) = proof_slot(&mut prev.kind) {
                    let span = d.span;
                    let step = std::mem::replace(
                        step,
                        ProofStep {
                            kind: ProofStepKind::Error,
                            span,
                        },
                    );
                    let step = match label.take() {
                        Some(label) => ProofStep {
                            span: label.span.to(step.span),
                            kind: ProofStepKind::Proof {
                                label,
                                group: vec![step],
                            },
                        },
                        None => step,
                    };
                    *slot = Some(step);
                    prev.span = prev.span.to(span);
                    continue;
                }
            }
        }
        decls.push(d);
    }
}

fn proof_slot(k: &mut DeclKind) -> Option<&mut Option<ProofStep>> {
    match k {
        DeclKind::Property { proof, .. }
        | DeclKind::Invariant { proof, .. }
        | DeclKind::Definition { proof, .. }
        | DeclKind::Theorem { proof, .. }
            if proof.is_none() =>
        {
            Some(proof)
        }
        _ => None,
    }
}

fn recurse(d: &mut Decl) {
    match &mut d.kind {
        DeclKind::Module { body, .. }
        | DeclKind::Object { body, .. }
        | DeclKind::IsolateObject { body, .. }
        | DeclKind::ExtractObject { body, .. }
        | DeclKind::Section { body, .. } => attach_proofs(body),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn terminals_become_words() {
        assert_eq!(
            humanize(&s(&["\";\"", "IDENT", "NUM", "VAR"])),
            vec!["`;`", "a name", "a variable"]
        );
    }

    #[test]
    fn expression_starters_are_grouped() {
        let mut v: Vec<&str> = EXPR_START.to_vec();
        v.push("\"*\"");
        assert_eq!(humanize(&s(&v)), vec!["an expression", "`*`"]);
    }
}
