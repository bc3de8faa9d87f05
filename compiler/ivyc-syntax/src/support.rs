//! Helpers for the grammar actions: the parse context, the flat expression
//! item list and its operator-precedence resolution (replicating the yacc
//! precedence tables of Ivy 1.7 and of 1.6 and older exactly), and depth
//! accounting that keeps every tree shallower than [`crate::MAX_NESTING`].

use crate::ast::*;
use crate::error::SyntaxError;
use crate::lexer::Tok;
use crate::LangVersion;
use ivyc_base::{FileId, Span, Symbol};
use lalrpop_util::ErrorRecovery;

/// The (never produced) lexer error type of the generated parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexErr {}

/// State shared by all grammar actions of one parse.
pub struct Ctx<'input> {
    pub file: FileId,
    /// Errors the parser recovered from with the `!` token.
    pub recovered: Vec<ErrorRecovery<usize, Tok<'input>, LexErr>>,
    /// Errors found by the actions themselves.
    pub errors: Vec<SyntaxError>,
    /// Only one nesting-too-deep error per parse.
    pub reported_depth: bool,
    /// End offsets of all tokens, ascending: a span's end is snapped back to
    /// the last token it covers (LALRPOP's `@R` after an empty production is
    /// the start of the lookahead, which would drag whitespace, comments and
    /// the next line into the span).
    pub token_ends: &'input [usize],
    /// The language version (its precedence table resolves expressions).
    pub version: LangVersion,
}

impl<'input> Ctx<'input> {
    pub fn new(file: FileId, token_ends: &'input [usize], version: LangVersion) -> Self {
        Ctx {
            file,
            recovered: Vec::new(),
            errors: Vec::new(),
            reported_depth: false,
            token_ends,
            version,
        }
    }

    pub fn sp(&self, l: usize, r: usize) -> Span {
        // The last token ending at or before `r`, if it ends after `l`.
        let i = self.token_ends.partition_point(|&e| e <= r);
        let r = match i.checked_sub(1).and_then(|i| self.token_ends.get(i)) {
            Some(&e) if e > l => e,
            _ => r,
        };
        Span::new(self.file, l, r)
    }

    pub fn ident(&self, text: &str, l: usize, r: usize) -> Ident {
        Ident::new(text, self.sp(l, r))
    }

    fn too_deep(&mut self, span: Span) {
        if !self.reported_depth {
            self.reported_depth = true;
            self.errors.push(SyntaxError::NestingTooDeep {
                span,
                limit: crate::MAX_NESTING,
            });
        }
    }

    /// Returns `e`, or an `Error` expression (with a diagnostic) if `e` is
    /// nested deeper than the limit.
    pub fn check_expr(&mut self, e: Expr) -> Expr {
        if expr_depth(&e, crate::MAX_NESTING + 1) > crate::MAX_NESTING {
            let span = e.span;
            self.too_deep(span);
            Expr {
                kind: ExprKind::Error,
                span,
            }
        } else {
            e
        }
    }

    /// Returns `s`, or an `Error` statement if it is nested too deeply.
    pub fn check_stmt(&mut self, s: Stmt) -> Stmt {
        if stmt_depth(&s, crate::MAX_NESTING + 1) > crate::MAX_NESTING {
            let span = s.span;
            self.too_deep(span);
            Stmt {
                kind: StmtKind::Error,
                span,
            }
        } else {
            s
        }
    }
}

/// Depth of an expression tree, exploring at most `cap` levels
/// (iterative, so it uses no stack however deep the tree is).
pub fn expr_depth(e: &Expr, cap: usize) -> usize {
    let mut max = 0;
    let mut work: Vec<(&Expr, usize)> = vec![(e, 1)];
    while let Some((e, d)) = work.pop() {
        max = max.max(d);
        if d >= cap {
            continue;
        }
        match &e.kind {
            ExprKind::App { args, .. } => {
                for a in args.iter().flatten() {
                    work.push((a, d + 1));
                }
            }
            ExprKind::Dot { base, args, .. } => {
                work.push((base, d + 1));
                for a in args.iter().flatten() {
                    work.push((a, d + 1));
                }
            }
            ExprKind::Old(x)
            | ExprKind::Unary { expr: x, .. }
            | ExprKind::Annot { expr: x, .. }
            | ExprKind::Isa { expr: x, .. }
            | ExprKind::Paren(x)
            | ExprKind::Quant { body: x, .. } => work.push((x, d + 1)),
            ExprKind::Binary { lhs, rhs, .. } => {
                work.push((lhs, d + 1));
                work.push((rhs, d + 1));
            }
            ExprKind::Ite {
                then_, cond, else_, ..
            } => {
                work.push((then_, d + 1));
                work.push((cond, d + 1));
                work.push((else_, d + 1));
            }
            ExprKind::NamedBinder { body, applied, .. } => {
                work.push((body, d + 1));
                for a in applied.iter().flatten() {
                    work.push((a, d + 1));
                }
            }
            ExprKind::Var(_)
            | ExprKind::Num(_)
            | ExprKind::Str(_)
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Error => {}
        }
    }
    max
}

/// Statement nesting depth (statements only), exploring at most `cap` levels.
pub fn stmt_depth(s: &Stmt, cap: usize) -> usize {
    if cap == 0 {
        return 0;
    }
    let c = cap - 1;
    let block = |b: &Block| b.stmts.iter().map(|s| stmt_depth(s, c)).max().unwrap_or(0);
    1 + match &s.kind {
        StmtKind::If { then_, else_, .. } => {
            block(then_).max(else_.as_ref().map(|e| stmt_depth(e, c)).unwrap_or(0))
        }
        StmtKind::IfStar { then_, else_ } => block(then_).max(stmt_depth(else_, c)),
        StmtKind::While { body, .. }
        | StmtKind::For { body, .. }
        | StmtKind::Local { body, .. }
        | StmtKind::Thunk { body, .. }
        | StmtKind::Let { body, .. } => block(body),
        StmtKind::Block(b) => block(b),
        _ => 0,
    }
}

/// A prefix operator in a flat expression.
#[derive(Debug)]
pub enum Prefix {
    Not,
    Globally,
    Eventually,
    /// `forall X,Y. ` / `forall (X:t) `
    Quant {
        quant: Quantifier,
        binders: Vec<Binder>,
        parens: bool,
    },
    /// `$name .` / `$name $`
    Named(Ident),
}

/// A postfix operator in a flat expression.
#[derive(Debug)]
pub enum Postfix {
    /// `. name` / `. name(args)`
    Dot(Ident, Option<Vec<Expr>>),
    /// `: sort`
    Annot(Path),
    /// `isa sort`
    Isa(Path),
}

/// One element of a flat expression, resolved by [`resolve`].
#[derive(Debug)]
pub enum Item {
    Operand(Expr),
    Prefix(Prefix, Span),
    Postfix(Postfix, Span),
    Infix(BinOp, Span),
    /// `if cond else` in `a if cond else b`.
    IfElse(Expr, Span),
}

/// Yacc precedence levels of Ivy 1.7 (higher binds tighter).
mod prec {
    /// Tokens without a yacc precedence (`isa`, the 1.8 `when...`
    /// operators): every rule with a precedence reduces before them, so
    /// they apply to everything on their left and take everything on their
    /// right (yacc shifts when neither side has a precedence).
    pub const LOOSE: u8 = 1;
    pub const SEMI: u8 = 1;
    pub const GLOBALLY: u8 = 2;
    pub const ARROW: u8 = 3;
    pub const OR: u8 = 4;
    pub const AND: u8 = 5;
    pub const TILDA: u8 = 6;
    pub const EQ: u8 = 7;
    pub const TILDAEQ: u8 = 8;
    pub const IF: u8 = 9;
    pub const ELSE: u8 = 10;
    pub const COLON: u8 = 11;
    pub const PLUS: u8 = 12;
    pub const TIMES: u8 = 13;
    /// Postfix `.` and `isa` always shift.
    pub const MAX: u8 = 100;
}

/// The precedence levels of Ivy 1.3 to 1.6 (`ivy_parser.py`'s second
/// table). `->` and `<->` have no precedence there: yacc then always
/// shifts them, so they are the loosest infix operators and associate to
/// the right, and a prefix operator with a precedence (`~`, `globally`)
/// does not extend over them. `+`, `-`, `*`, `/` each have a level of
/// their own (`a + b - c` is `a + (b - c)`, `a * b / c` is `a * (b / c)`).
/// The ternary `a if c else b` takes a term on its left in those versions
/// (terms and formulas were distinct), which gives it the same place as
/// in 1.7: between the comparisons and the arithmetic.
mod legacy {
    pub const ARROW: u8 = 2;
    pub const GLOBALLY: u8 = 3;
    pub const PLUS: u8 = 12;
    pub const MINUS: u8 = 13;
    pub const TIMES: u8 = 14;
    pub const DIV: u8 = 15;
}

/// Precedence of an infix operator in Ivy 1.7 (all Ivy 1.7 infix
/// operators are left-associative).
pub fn binop_prec(op: BinOp) -> u8 {
    match op {
        BinOp::Implies | BinOp::Iff => prec::ARROW,
        BinOp::Or => prec::OR,
        BinOp::And => prec::AND,
        BinOp::Eq | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Pto => prec::EQ,
        BinOp::Neq => prec::TILDAEQ,
        BinOp::Add | BinOp::Sub => prec::PLUS,
        BinOp::Mul | BinOp::Div => prec::TIMES,
        BinOp::When(_) => prec::LOOSE,
    }
}

/// Precedence of an infix operator in `version`, and the precedence to
/// parse its right operand with (one less for a right-associative one).
fn binop_prec_in(op: BinOp, version: LangVersion) -> (u8, u8) {
    // The loose operators (`when`) are right-associative: their right
    // operand is parsed with the lowest precedence.
    let own = |p: u8| (p, if p == prec::LOOSE { 0 } else { p });
    if !version.pre_1_7() {
        return own(binop_prec(op));
    }
    match op {
        BinOp::Implies | BinOp::Iff => (legacy::ARROW, legacy::ARROW - 1),
        BinOp::Add => (legacy::PLUS, legacy::PLUS),
        BinOp::Sub => (legacy::MINUS, legacy::MINUS),
        BinOp::Mul => (legacy::TIMES, legacy::TIMES),
        BinOp::Div => (legacy::DIV, legacy::DIV),
        op => own(binop_prec(op)),
    }
}

fn prefix_prec(p: &Prefix, version: LangVersion) -> u8 {
    match p {
        Prefix::Not => prec::TILDA,
        Prefix::Globally | Prefix::Eventually if version.pre_1_7() => legacy::GLOBALLY,
        Prefix::Globally | Prefix::Eventually => prec::GLOBALLY,
        // `forall X. e` has %prec SEMI; `forall (X) e` has no precedence
        // (yacc shifts), which is the same as the lowest level here.
        Prefix::Quant { .. } | Prefix::Named(_) => prec::SEMI,
    }
}

struct Resolver<'a, 'c> {
    items: std::vec::IntoIter<Item>,
    peeked: Option<Item>,
    ctx: &'a mut Ctx<'c>,
    depth: usize,
    fallback: Span,
}

impl Resolver<'_, '_> {
    fn peek(&mut self) -> Option<&Item> {
        if self.peeked.is_none() {
            self.peeked = self.items.next();
        }
        self.peeked.as_ref()
    }

    fn next(&mut self) -> Option<Item> {
        match self.peeked.take() {
            Some(i) => Some(i),
            None => self.items.next(),
        }
    }

    fn error(&self, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }

    /// Parse an operand and everything that binds tighter than `rule`
    /// (the precedence of the rule whose right operand we are parsing).
    fn parse(&mut self, rule: u8) -> Expr {
        self.depth += 1;
        if self.depth > crate::MAX_NESTING {
            // Drain the rest: the whole expression becomes an error.
            let span = self.fallback;
            self.ctx.too_deep(span);
            for _ in self.items.by_ref() {}
            self.peeked = None;
            self.depth -= 1;
            return self.error(span);
        }
        let mut lhs = match self.next() {
            Some(Item::Operand(e)) => e,
            Some(Item::Prefix(p, span)) => {
                let body = self.parse(prefix_prec(&p, self.ctx.version));
                let span = span.to(body.span);
                let kind = match p {
                    Prefix::Not => ExprKind::Unary {
                        op: UnOp::Not,
                        expr: Box::new(body),
                    },
                    Prefix::Globally => ExprKind::Unary {
                        op: UnOp::Globally,
                        expr: Box::new(body),
                    },
                    Prefix::Eventually => ExprKind::Unary {
                        op: UnOp::Eventually,
                        expr: Box::new(body),
                    },
                    Prefix::Quant {
                        quant,
                        binders,
                        parens,
                    } => ExprKind::Quant {
                        quant,
                        binders,
                        parens,
                        body: Box::new(body),
                    },
                    Prefix::Named(name) => ExprKind::NamedBinder {
                        name,
                        binders: Vec::new(),
                        body: Box::new(body),
                        applied: None,
                    },
                };
                Expr { kind, span }
            }
            // The grammar guarantees an operand here; be defensive anyway.
            Some(Item::Postfix(_, span))
            | Some(Item::Infix(_, span))
            | Some(Item::IfElse(_, span)) => self.error(span),
            None => self.error(self.fallback),
        };
        loop {
            let (q, shift) = match self.peek() {
                None => break,
                Some(Item::Infix(op, _)) => {
                    let (q, _) = binop_prec_in(*op, self.ctx.version);
                    (q, q > rule)
                }
                Some(Item::IfElse(..)) => (prec::IF, prec::IF > rule),
                Some(Item::Postfix(Postfix::Annot(_), _)) => (prec::COLON, prec::COLON > rule),
                Some(Item::Postfix(Postfix::Isa(_), _)) => (prec::LOOSE, prec::LOOSE > rule),
                Some(Item::Postfix(_, _)) => (prec::MAX, true),
                Some(Item::Operand(_)) | Some(Item::Prefix(..)) => break,
            };
            if !shift {
                break;
            }
            let _ = q;
            match self.next() {
                Some(Item::Infix(op, _)) => {
                    let (_, right) = binop_prec_in(op, self.ctx.version);
                    let rhs = self.parse(right);
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr {
                        kind: ExprKind::Binary {
                            op,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                        span,
                    };
                }
                Some(Item::IfElse(cond, _)) => {
                    let else_ = self.parse(prec::ELSE);
                    let span = lhs.span.to(else_.span);
                    lhs = Expr {
                        kind: ExprKind::Ite {
                            then_: Box::new(lhs),
                            cond: Box::new(cond),
                            else_: Box::new(else_),
                        },
                        span,
                    };
                }
                Some(Item::Postfix(p, span)) => {
                    let span = lhs.span.to(span);
                    lhs = apply_postfix(lhs, p, span);
                }
                _ => break,
            }
            lhs = self.ctx.check_expr(lhs);
        }
        self.depth -= 1;
        self.ctx.check_expr(lhs)
    }
}

/// Apply a postfix operator to an operand.
pub fn apply_postfix(lhs: Expr, p: Postfix, span: Span) -> Expr {
    let kind = match p {
        Postfix::Dot(member, args) => match lhs.kind {
            // `a.b` / `a.b(x)` where `a` is an unapplied name: extend the path.
            ExprKind::App {
                mut func,
                args: None,
            } => {
                func.segments.push(member);
                func.span = span;
                ExprKind::App { func, args }
            }
            kind => ExprKind::Dot {
                base: Box::new(Expr {
                    kind,
                    span: lhs.span,
                }),
                member,
                args,
            },
        },
        Postfix::Annot(sort) => ExprKind::Annot {
            expr: Box::new(lhs),
            sort,
        },
        Postfix::Isa(sort) => ExprKind::Isa {
            expr: Box::new(lhs),
            sort,
        },
    };
    Expr { kind, span }
}

/// Resolve a flat item list (as produced by the grammar: prefix* operand
/// postfix* (infix prefix* operand postfix*)*) into a tree using Ivy's
/// precedences.
pub fn resolve(ctx: &mut Ctx<'_>, items: Vec<Item>, span: Span) -> Expr {
    if items.len() == 1 {
        if let Some(Item::Operand(_)) = items.first() {
            if let Some(Item::Operand(e)) = items.into_iter().next() {
                return e;
            }
            return Expr {
                kind: ExprKind::Error,
                span,
            };
        }
    }
    let mut r = Resolver {
        items: items.into_iter(),
        peeked: None,
        ctx,
        depth: 0,
        fallback: span,
    };
    let e = r.parse(0);
    // Anything left over (cannot happen with the grammar) is dropped.
    e
}

/// Build the text of a subscripted name `base[sub]`.
pub fn subscripted(base: &Ident, sub: &str, span: Span) -> Ident {
    Ident::new(&format!("{}[{}]", base.as_str(), sub), span)
}

/// An expression for a bare name token (numeral / string / name).
pub fn name_expr(id: Ident, args: Option<Vec<Expr>>, span: Span) -> Expr {
    let text = id.as_str();
    let kind = match (&args, text.as_bytes().first()) {
        (None, Some(b'0'..=b'9')) if !text.contains('[') => ExprKind::Num(id.name),
        (None, Some(b'"')) if !text.contains('[') => {
            let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
            ExprKind::Str(Symbol::intern(inner))
        }
        _ => ExprKind::App {
            func: Path::single(id),
            args,
        },
    };
    Expr { kind, span }
}

/// Statements: build an `if` with depth checking.
pub fn mk_stmt(ctx: &mut Ctx<'_>, kind: StmtKind, span: Span) -> Stmt {
    ctx.check_stmt(Stmt { kind, span })
}

/// Check that a schema body ends with a conclusion.
pub fn check_schema(ctx: &mut Ctx<'_>, body: &SchemaBody) {
    let ok = matches!(
        body.items.last().map(|i| &i.kind),
        Some(SchemaItemKind::Property { .. }) | Some(SchemaItemKind::Definition(_))
    );
    if !ok {
        ctx.errors
            .push(SyntaxError::SchemaMissingConclusion { span: body.span });
    }
}
