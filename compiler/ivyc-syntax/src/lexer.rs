//! The Ivy lexer: a `logos` token definition (the Ivy 1.7 keywords, `#`
//! comments, numerals, names, quoted names, `<<<native>>>` quotes) and
//! [`lex_version`], which turns a source text into a token vector with
//! byte spans for one language version (words the version does not
//! reserve become names, see [`crate::LangVersion::reserves`]), reporting
//! bad bytes, unterminated quotes and too-deep bracket nesting as
//! [`SyntaxError`]s instead of failing.

use crate::error::SyntaxError;
use crate::LangVersion;
use ivyc_base::{FileId, Span};
use logos::Logos;

/// Extend a `<<<` token to the closing `>>>` (or to the end of the input
/// if there is none; [`lex`] reports that).
fn native_quote<'a>(lex: &mut logos::Lexer<'a, Tok<'a>>) -> &'a str {
    let rest = lex.remainder();
    match rest.find(">>>") {
        Some(i) => lex.bump(i + 3),
        None => lex.bump(rest.len()),
    }
    lex.slice()
}

/// One Ivy token. Names carry their source text.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip(r"#[^\n]*", allow_greedy = true))]
pub enum Tok<'a> {
    // ----- punctuation -----
    #[token(",")]
    Comma,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("+")]
    Plus,
    #[token("*")]
    Times,
    #[token("/")]
    Div,
    #[token("~")]
    Tilde,
    #[token("&")]
    And,
    #[token("|")]
    Or,
    #[token("=")]
    Eq,
    #[token("~=")]
    TildeEq,
    #[token(";")]
    Semi,
    #[token(":=")]
    Assign,
    #[token(".")]
    Dot,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("->")]
    Arrow,
    #[token("<->")]
    Iff,
    #[token(":")]
    Colon,
    #[token("<=")]
    Le,
    #[token("<")]
    Lt,
    #[token(">=")]
    Ge,
    #[token(">")]
    Gt,
    #[token("-")]
    Minus,
    #[token("..")]
    Dots,
    #[token("...")]
    DotDotDot,
    #[token("*>")]
    Pto,
    #[token("$")]
    Dollar,
    #[token("^")]
    Caret,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("\u{25A1}")]
    GloballySym,
    #[token("\u{25C7}")]
    EventuallySym,

    // ----- names -----
    /// A lowercase/underscore-initial name.
    #[regex(r"[_a-z][_a-zA-Z0-9]*", priority = 2)]
    Ident(&'a str),
    /// A name starting with a digit (numeral).
    #[regex(r"[0-9][_a-zA-Z0-9]*")]
    Num(&'a str),
    /// A quoted name `"..."` (no newlines inside), with its quotes.
    #[regex(r#""[^"\n]*""#)]
    Str(&'a str),
    /// A quote with no closing `"` before the end of the line.
    #[regex(r#""[^"\n]*"#)]
    UnterminatedStr(&'a str),
    /// A capitalised variable, possibly with `[...]` suffixes.
    #[regex(r"[A-Z][_a-zA-Z0-9]*(\[[a-zA-Z_0-9]*\])*")]
    Var(&'a str),
    /// `<<< ... >>>` with its delimiters (or an unterminated one, see [`lex`]).
    #[token("<<<", native_quote)]
    Native(&'a str),

    // ----- keywords (Ivy 1.7) -----
    #[token("relation")]
    Relation,
    #[token("individual")]
    Individual,
    #[token("function")]
    Function,
    #[token("axiom")]
    Axiom,
    #[token("conjecture")]
    Conjecture,
    #[token("schema")]
    Schema,
    #[token("instantiate")]
    Instantiate,
    #[token("instance")]
    Instance,
    #[token("derived")]
    Derived,
    #[token("concept")]
    Concept,
    #[token("init")]
    Init,
    #[token("action")]
    Action,
    #[token("method")]
    Method,
    #[token("assume")]
    Assume,
    #[token("assert")]
    Assert,
    #[token("old")]
    Old,
    #[token("from")]
    From,
    #[token("update")]
    Update,
    #[token("params")]
    Params,
    #[token("in")]
    In,
    #[token("ensures")]
    Ensures,
    #[token("requires")]
    Requires,
    #[token("modifies")]
    Modifies,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("fresh")]
    Fresh,
    #[token("module")]
    Module,
    #[token("object")]
    Object,
    #[token("class")]
    Class,
    #[token("type")]
    Type,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("local")]
    Local,
    #[token("let")]
    Let,
    #[token("call")]
    Call,
    #[token("entry")]
    Entry,
    #[token("macro")]
    Macro,
    #[token("interpret")]
    Interpret,
    #[token("forall")]
    Forall,
    #[token("exists")]
    Exists,
    #[token("returns")]
    Returns,
    #[token("mixin")]
    Mixin,
    #[token("execute")]
    Execute,
    #[token("before")]
    Before,
    #[token("after")]
    After,
    #[token("isolate")]
    Isolate,
    #[token("with")]
    With,
    #[token("export")]
    Export,
    #[token("delegate")]
    Delegate,
    #[token("import")]
    Import,
    #[token("using")]
    Using,
    #[token("include")]
    Include,
    #[token("progress")]
    Progress,
    #[token("rely")]
    Rely,
    #[token("mixord")]
    Mixord,
    #[token("extract")]
    Extract,
    #[token("destructor")]
    Destructor,
    #[token("some")]
    Some,
    #[token("maximizing")]
    Maximizing,
    #[token("minimizing")]
    Minimizing,
    #[token("private")]
    Private,
    #[token("implement")]
    Implement,
    #[token("property")]
    Property,
    #[token("while")]
    While,
    #[token("invariant")]
    Invariant,
    #[token("struct")]
    Struct,
    #[token("definition")]
    Definition,
    #[token("ghost")]
    Ghost,
    #[token("alias")]
    Alias,
    #[token("trusted")]
    Trusted,
    #[token("this")]
    This,
    #[token("var")]
    VarKw,
    #[token("attribute")]
    Attribute,
    #[token("variant")]
    Variant,
    #[token("of")]
    Of,
    #[token("scenario")]
    Scenario,
    #[token("proof")]
    Proof,
    #[token("named")]
    Named,
    #[token("temporal")]
    Temporal,
    #[token("globally")]
    Globally,
    #[token("eventually")]
    Eventually,
    #[token("decreases")]
    Decreases,
    #[token("specification")]
    Specification,
    #[token("implementation")]
    Implementation,
    #[token("ensure")]
    Ensure,
    #[token("require")]
    Require,
    #[token("around")]
    Around,
    #[token("parameter")]
    Parameter,
    #[token("apply")]
    Apply,
    #[token("theorem")]
    Theorem,
    #[token("showgoals")]
    Showgoals,
    #[token("defergoal")]
    Defergoal,
    #[token("spoil")]
    Spoil,
    #[token("explicit")]
    Explicit,
    #[token("thunk")]
    Thunk,
    #[token("isa")]
    Isa,
    #[token("autoinstance")]
    Autoinstance,
    #[token("constructor")]
    Constructor,
    #[token("finite")]
    Finite,
    #[token("tactic")]
    Tactic,
    #[token("unfold")]
    Unfold,
    #[token("forget")]
    Forget,
    /// `proof` immediately followed by `[` (produced by [`lex`], not by
    /// logos), so the grammar can tell `proof [label] ...` declarations
    /// from the proof of the preceding property with one token of lookahead.
    ProofLabel,
    /// `global` immediately followed by `{` (a section; `global` is not
    /// reserved in Ivy 1.7, so this is contextual, produced by [`lex`]).
    GlobalSection,
    /// `common` immediately followed by `{` (contextual, like `global`).
    CommonSection,
    /// `for` (a keyword only under `#lang ivy1.8`; produced by [`lex_version`]).
    For,
    /// `process`, a synonym of `extract` (only under `#lang ivy1.8`).
    Process,
    /// Keywords of Ivy 1.8 only (produced by [`lex_version`]):
    /// `unprovable`, `subclass`, `field`, `debug`, and the temporal
    /// `whenfirst`, `whenlast`, `whennext`, `whenprev`, and `trigger`
    /// (in a tactic's `with` list).
    Unprovable,
    Trigger,
    Subclass,
    Field,
    Debug,
    WhenFirst,
    WhenLast,
    WhenNext,
    WhenPrev,
}

/// All Ivy 1.7 reserved words, in alphabetical order.
pub const KEYWORDS: &[&str] = &[
    "action",
    "after",
    "alias",
    "apply",
    "around",
    "assert",
    "assume",
    "attribute",
    "autoinstance",
    "axiom",
    "before",
    "call",
    "class",
    "concept",
    "conjecture",
    "constructor",
    "decreases",
    "defergoal",
    "definition",
    "delegate",
    "derived",
    "destructor",
    "else",
    "ensure",
    "ensures",
    "entry",
    "eventually",
    "execute",
    "exists",
    "explicit",
    "export",
    "extract",
    "false",
    "finite",
    "forall",
    "forget",
    "fresh",
    "from",
    "function",
    "ghost",
    "globally",
    "if",
    "implement",
    "implementation",
    "import",
    "in",
    "include",
    "individual",
    "init",
    "instance",
    "instantiate",
    "interpret",
    "invariant",
    "isa",
    "isolate",
    "let",
    "local",
    "macro",
    "maximizing",
    "method",
    "minimizing",
    "mixin",
    "mixord",
    "modifies",
    "module",
    "named",
    "object",
    "of",
    "old",
    "parameter",
    "params",
    "private",
    "progress",
    "proof",
    "property",
    "relation",
    "rely",
    "require",
    "requires",
    "returns",
    "scenario",
    "schema",
    "showgoals",
    "some",
    "specification",
    "spoil",
    "struct",
    "tactic",
    "temporal",
    "theorem",
    "this",
    "thunk",
    "true",
    "trusted",
    "type",
    "unfold",
    "update",
    "using",
    "var",
    "variant",
    "while",
    "with",
];

impl Tok<'_> {
    /// True for reserved words.
    pub fn is_keyword(&self) -> bool {
        !matches!(
            self,
            Tok::Ident(_)
                | Tok::Num(_)
                | Tok::Str(_)
                | Tok::UnterminatedStr(_)
                | Tok::Var(_)
                | Tok::Native(_)
        ) && KEYWORDS.contains(&self.text())
    }

    /// The fixed text of the token, or its source text for names.
    pub fn text(&self) -> &str {
        use Tok::*;
        match self {
            Comma => ",",
            LParen => "(",
            RParen => ")",
            Plus => "+",
            Times => "*",
            Div => "/",
            Tilde => "~",
            And => "&",
            Or => "|",
            Eq => "=",
            TildeEq => "~=",
            Semi => ";",
            Assign => ":=",
            Dot => ".",
            LBrace => "{",
            RBrace => "}",
            Arrow => "->",
            Iff => "<->",
            Colon => ":",
            Le => "<=",
            Lt => "<",
            Ge => ">=",
            Gt => ">",
            Minus => "-",
            Dots => "..",
            DotDotDot => "...",
            Pto => "*>",
            Dollar => "$",
            Caret => "^",
            LBracket => "[",
            RBracket => "]",
            GloballySym => "\u{25A1}",
            EventuallySym => "\u{25C7}",
            Ident(s) | Num(s) | Str(s) | UnterminatedStr(s) | Var(s) | Native(s) => s,
            Relation => "relation",
            Individual => "individual",
            Function => "function",
            Axiom => "axiom",
            Conjecture => "conjecture",
            Schema => "schema",
            Instantiate => "instantiate",
            Instance => "instance",
            Derived => "derived",
            Concept => "concept",
            Init => "init",
            Action => "action",
            Method => "method",
            Assume => "assume",
            Assert => "assert",
            Old => "old",
            From => "from",
            Update => "update",
            Params => "params",
            In => "in",
            Ensures => "ensures",
            Requires => "requires",
            Modifies => "modifies",
            True => "true",
            False => "false",
            Fresh => "fresh",
            Module => "module",
            Object => "object",
            Class => "class",
            Type => "type",
            If => "if",
            Else => "else",
            Local => "local",
            Let => "let",
            Call => "call",
            Entry => "entry",
            Macro => "macro",
            Interpret => "interpret",
            Forall => "forall",
            Exists => "exists",
            Returns => "returns",
            Mixin => "mixin",
            Execute => "execute",
            Before => "before",
            After => "after",
            Isolate => "isolate",
            With => "with",
            Export => "export",
            Delegate => "delegate",
            Import => "import",
            Using => "using",
            Include => "include",
            Progress => "progress",
            Rely => "rely",
            Mixord => "mixord",
            Extract => "extract",
            Destructor => "destructor",
            Some => "some",
            Maximizing => "maximizing",
            Minimizing => "minimizing",
            Private => "private",
            Implement => "implement",
            Property => "property",
            While => "while",
            Invariant => "invariant",
            Struct => "struct",
            Definition => "definition",
            Ghost => "ghost",
            Alias => "alias",
            Trusted => "trusted",
            This => "this",
            VarKw => "var",
            Attribute => "attribute",
            Variant => "variant",
            Of => "of",
            Scenario => "scenario",
            Proof => "proof",
            Named => "named",
            Temporal => "temporal",
            Globally => "globally",
            Eventually => "eventually",
            Decreases => "decreases",
            Specification => "specification",
            Implementation => "implementation",
            Ensure => "ensure",
            Require => "require",
            Around => "around",
            Parameter => "parameter",
            Apply => "apply",
            Theorem => "theorem",
            Showgoals => "showgoals",
            Defergoal => "defergoal",
            Spoil => "spoil",
            Explicit => "explicit",
            Thunk => "thunk",
            Isa => "isa",
            Autoinstance => "autoinstance",
            Constructor => "constructor",
            Finite => "finite",
            Tactic => "tactic",
            Unfold => "unfold",
            Forget => "forget",
            ProofLabel => "proof",
            GlobalSection => "global",
            CommonSection => "common",
            For => "for",
            Process => "process",
            Unprovable => "unprovable",
            Trigger => "trigger",
            Subclass => "subclass",
            Field => "field",
            Debug => "debug",
            WhenFirst => "whenfirst",
            WhenLast => "whenlast",
            WhenNext => "whennext",
            WhenPrev => "whenprev",
        }
    }

    /// A human description of the token for diagnostics, e.g.
    /// ``keyword `relation` ``, ``identifier `foo` ``, `` `:=` ``.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{}`", clip(s)),
            Tok::Var(s) => format!("variable `{}`", clip(s)),
            Tok::Num(s) => format!("number `{}`", clip(s)),
            Tok::Str(s) | Tok::UnterminatedStr(s) => format!("string {}", clip(s)),
            Tok::Native(_) => "native code `<<<...>>>`".to_string(),
            t if t.is_keyword() => format!("keyword `{}`", t.text()),
            t => format!("`{}`", t.text()),
        }
    }

    /// True for the tokens that may begin a declaration (used to
    /// resynchronise after a syntax error).
    pub fn starts_decl(&self) -> bool {
        use Tok::*;
        matches!(
            self,
            Relation
                | Individual
                | Function
                | Axiom
                | Conjecture
                | Init
                | Schema
                | Instantiate
                | Instance
                | Derived
                | Action
                | Method
                | Module
                | Object
                | Class
                | Type
                | Macro
                | Interpret
                | Mixin
                | Execute
                | Before
                | After
                | Isolate
                | Export
                | Delegate
                | Import
                | Using
                | Include
                | Progress
                | Concept
                | Scenario
                | Rely
                | Mixord
                | Extract
                | Destructor
                | Private
                | Implement
                | Property
                | Invariant
                | Definition
                | Ghost
                | Alias
                | Trusted
                | VarKw
                | Attribute
                | Variant
                | Proof
                | Temporal
                | Specification
                | Implementation
                | Around
                | Parameter
                | Theorem
                | Explicit
                | Autoinstance
                | Constructor
                | Finite
                | ProofLabel
                | GlobalSection
                | CommonSection
                | Process
                | Unprovable
                | Trigger
                | Subclass
                | Field
                | Native(_)
        )
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(37).collect();
        t.push_str("...");
        t
    } else {
        s.to_string()
    }
}

/// A token with its byte range.
pub type SpannedTok<'a> = (usize, Tok<'a>, usize);

/// The result of lexing: tokens, and the still-open delimiters at the end
/// (innermost last) when the token stream was cut or the file ended.
#[derive(Debug, Default)]
pub struct Lexed<'a> {
    pub tokens: Vec<SpannedTok<'a>>,
    /// Opening delimiters (`(`, `{`, `[`) never closed: (offset, char).
    pub unclosed: Vec<(usize, char)>,
    /// True if lexing stopped early because of too-deep nesting.
    pub truncated: bool,
    /// Offsets of closing delimiters that match no opener.
    pub unmatched_closers: Vec<usize>,
}

/// Lex a whole file. Never fails: problems are pushed onto `errors` and the
/// offending bytes are skipped (unterminated quotes become tokens so parsing
/// can go on). Nesting of `( { [` deeper than [`crate::MAX_NESTING`]
/// stops the token stream at that point.
pub fn lex<'a>(file: FileId, src: &'a str, errors: &mut Vec<SyntaxError>) -> Lexed<'a> {
    lex_version(file, src, LangVersion::DEFAULT, errors)
}

/// Like [`lex`], for language version `version`: its reserved words are
/// keywords and the others names (so `require` is a name in 1.6, and `for`
/// and `process` are keywords from 1.8 on; `global`/`common` sections are
/// recognised in every version).
pub fn lex_version<'a>(
    file: FileId,
    src: &'a str,
    version: LangVersion,
    errors: &mut Vec<SyntaxError>,
) -> Lexed<'a> {
    let mut out = Lexed::default();
    let mut lexer = Tok::lexer(src);
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut bad_run: Option<(usize, usize)> = None;
    let flush_bad = |bad: &mut Option<(usize, usize)>, errors: &mut Vec<SyntaxError>| {
        if let Some((s, e)) = bad.take() {
            let ch = src.get(s..).and_then(|t| t.chars().next()).unwrap_or('?');
            errors.push(SyntaxError::InvalidCharacter {
                span: Span::new(file, s, e),
                ch,
            });
        }
    };
    while let Some(res) = lexer.next() {
        let range = lexer.span();
        let tok = match res {
            Ok(t) => t,
            Err(()) => {
                // merge adjacent bad bytes into one diagnostic
                match &mut bad_run {
                    Some((_, e)) if *e == range.start => *e = range.end,
                    _ => {
                        flush_bad(&mut bad_run, errors);
                        bad_run = Some((range.start, range.end));
                    }
                }
                continue;
            }
        };
        flush_bad(&mut bad_run, errors);
        let span = Span::new(file, range.start, range.end);
        match tok {
            Tok::UnterminatedStr(s) => {
                errors.push(SyntaxError::UnterminatedString { span });
                let _ = s;
            }
            Tok::Native(s) if !(s.len() >= 6 && s.ends_with(">>>")) => {
                errors.push(SyntaxError::UnterminatedNative {
                    span: Span::new(file, range.start, range.start + 3),
                });
            }
            Tok::LParen | Tok::LBrace | Tok::LBracket => {
                if stack.len() >= crate::MAX_NESTING {
                    errors.push(SyntaxError::NestingTooDeep {
                        span,
                        limit: crate::MAX_NESTING,
                    });
                    out.truncated = true;
                    out.unclosed = stack;
                    mark_contextual(src, &mut out.tokens, version);
                    return out;
                }
                let c = match tok {
                    Tok::LParen => '(',
                    Tok::LBrace => '{',
                    _ => '[',
                };
                stack.push((range.start, c));
            }
            Tok::RParen | Tok::RBrace | Tok::RBracket => {
                let want = match tok {
                    Tok::RParen => '(',
                    Tok::RBrace => '{',
                    _ => '[',
                };
                // pop to the matching opener if there is one; otherwise
                // leave the stack alone and let the parser complain
                match stack.iter().rposition(|&(_, c)| c == want) {
                    Some(pos) => stack.truncate(pos),
                    None => out.unmatched_closers.push(range.start),
                }
            }
            _ => {}
        }
        out.tokens.push((range.start, tok, range.end));
    }
    flush_bad(&mut bad_run, errors);
    out.unclosed = stack;
    mark_contextual(src, &mut out.tokens, version);
    if version.pre_1_7() {
        insert_legacy_apply(&mut out.tokens);
    }
    out
}

/// Ivy 1.6 and older write `proof NAME [with ...]` for what 1.7 writes
/// `proof apply NAME [with ...]`: an [`Tok::Apply`] of no width is put
/// before the name, so the 1.7 rule reads both.
fn insert_legacy_apply(tokens: &mut Vec<SpannedTok<'_>>) {
    let mut i = 0;
    while i < tokens.len() {
        // `proof NAME` and `proof [label] NAME`
        let name_at = match tokens.get(i).map(|t| t.1) {
            Some(Tok::Proof) => Some(i + 1),
            Some(Tok::ProofLabel) => {
                let closes = tokens.get(i + 3).map(|t| t.1) == Some(Tok::RBracket);
                closes.then_some(i + 4)
            }
            _ => None,
        };
        if let Some(&(start, Tok::Ident(_), _)) = name_at.and_then(|n| tokens.get(n)) {
            if let Some(n) = name_at {
                tokens.insert(n, (start, Tok::Apply, start));
                i = n;
            }
        }
        i += 1;
    }
}

/// Version and context: keywords the version does not reserve become
/// names; then `proof` followed by `[` becomes [`Tok::ProofLabel`],
/// `global {` / `common {` become section keywords.
fn mark_contextual<'a>(src: &'a str, tokens: &mut [SpannedTok<'a>], version: LangVersion) {
    let v18 = version.reserves("for");
    for t in tokens.iter_mut() {
        if t.1.is_keyword() && !version.reserves(t.1.text()) {
            if let Some(text) = src.get(t.0..t.2) {
                t.1 = Tok::Ident(text);
            }
        }
    }
    for i in 0..tokens.len() {
        let next_is = |t: Tok<'_>| tokens.get(i + 1).map(|x| x.1) == Some(t);
        let new = match tokens[i].1 {
            Tok::Proof if next_is(Tok::LBracket) => Tok::ProofLabel,
            Tok::Ident("global") if next_is(Tok::LBrace) => Tok::GlobalSection,
            Tok::Ident("common") if next_is(Tok::LBrace) => Tok::CommonSection,
            Tok::Ident("for") if v18 => Tok::For,
            Tok::Ident("process") if v18 => Tok::Process,
            Tok::Ident("unprovable") if v18 => Tok::Unprovable,
            Tok::Ident("trigger") if v18 => Tok::Trigger,
            Tok::Ident("subclass") if v18 => Tok::Subclass,
            Tok::Ident("field") if v18 => Tok::Field,
            Tok::Ident("debug") if v18 => Tok::Debug,
            Tok::Ident("whenfirst") if v18 => Tok::WhenFirst,
            Tok::Ident("whenlast") if v18 => Tok::WhenLast,
            Tok::Ident("whennext") if v18 => Tok::WhenNext,
            Tok::Ident("whenprev") if v18 => Tok::WhenPrev,
            t => t,
        };
        tokens[i].1 = new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok<'_>> {
        let mut errs = Vec::new();
        lex(FileId(0), src, &mut errs)
            .tokens
            .into_iter()
            .map(|(_, t, _)| t)
            .collect()
    }

    #[test]
    fn keywords_and_names() {
        assert_eq!(
            kinds("relation r(X:t) # comment\n global"),
            vec![
                Tok::Relation,
                Tok::Ident("r"),
                Tok::LParen,
                Tok::Var("X"),
                Tok::Colon,
                Tok::Ident("t"),
                Tok::RParen,
                Tok::Ident("global"),
            ]
        );
    }

    #[test]
    fn operators_longest_match() {
        assert_eq!(
            kinds("<-> <= < -> ~= := .. ... . *> <<<a>>>"),
            vec![
                Tok::Iff,
                Tok::Le,
                Tok::Lt,
                Tok::Arrow,
                Tok::TildeEq,
                Tok::Assign,
                Tok::Dots,
                Tok::DotDotDot,
                Tok::Dot,
                Tok::Pto,
                Tok::Native("<<<a>>>"),
            ]
        );
    }

    #[test]
    fn numbers_strings_vars() {
        assert_eq!(
            kinds("0..5 \"hi there\" X[a] 0xff _x"),
            vec![
                Tok::Num("0"),
                Tok::Dots,
                Tok::Num("5"),
                Tok::Str("\"hi there\""),
                Tok::Var("X[a]"),
                Tok::Num("0xff"),
                Tok::Ident("_x"),
            ]
        );
    }

    #[test]
    fn bad_bytes_are_reported_once_per_run() {
        let mut errs = Vec::new();
        let l = lex(FileId(0), "a @@@ b ` c", &mut errs);
        assert_eq!(l.tokens.len(), 3);
        assert_eq!(errs.len(), 2);
    }

    #[test]
    fn unterminated_things() {
        let mut errs = Vec::new();
        lex(FileId(0), "x := \"abc\ny <<< foo", &mut errs);
        let codes: Vec<_> = errs.iter().map(|e| e.code_str()).collect();
        assert_eq!(codes, vec!["unterminated-string", "unterminated-native"]);
    }

    fn kinds_in(version: &str, src: &'static str) -> Vec<Tok<'static>> {
        let mut errs = Vec::new();
        let v = LangVersion::parse(version).unwrap_or_default();
        lex_version(FileId(0), src, v, &mut errs)
            .tokens
            .into_iter()
            .map(|(_, t, _)| t)
            .collect()
    }

    #[test]
    fn every_keyword_is_reserved_in_1_7() {
        for k in KEYWORDS {
            assert!(LangVersion::V1_7.reserves(k), "{k}");
        }
    }

    #[test]
    fn words_a_version_does_not_reserve_are_names() {
        assert_eq!(
            kinds_in("1.6", "require ensure init"),
            vec![Tok::Ident("require"), Tok::Ident("ensure"), Tok::Init]
        );
        assert_eq!(
            kinds_in("1.7", "require ensure"),
            vec![Tok::Require, Tok::Ensure]
        );
        assert_eq!(
            kinds_in("1.4", "function object some"),
            vec![
                Tok::Ident("function"),
                Tok::Ident("object"),
                Tok::Ident("some")
            ]
        );
        assert_eq!(
            kinds_in("1.8", "requires ensures for process"),
            vec![
                Tok::Ident("requires"),
                Tok::Ident("ensures"),
                Tok::For,
                Tok::Process
            ]
        );
        assert_eq!(
            kinds_in("1.7", "requires for"),
            vec![Tok::Requires, Tok::Ident("for")]
        );
    }

    #[test]
    fn a_1_6_proof_name_reads_as_apply() {
        assert_eq!(
            kinds_in("1.6", "proof foo"),
            vec![Tok::Proof, Tok::Apply, Tok::Ident("foo")]
        );
        assert_eq!(
            kinds_in("1.7", "proof foo"),
            vec![Tok::Proof, Tok::Ident("foo")]
        );
        assert_eq!(
            kinds_in("1.6", "proof [l] foo"),
            vec![
                Tok::ProofLabel,
                Tok::LBracket,
                Tok::Ident("l"),
                Tok::RBracket,
                Tok::Apply,
                Tok::Ident("foo")
            ]
        );
    }

    #[test]
    fn deep_nesting_truncates() {
        let src = "(".repeat(10_000);
        let mut errs = Vec::new();
        let l = lex(FileId(0), &src, &mut errs);
        assert!(l.truncated);
        assert_eq!(l.tokens.len(), crate::MAX_NESTING);
        assert_eq!(errs.len(), 1);
    }
}
