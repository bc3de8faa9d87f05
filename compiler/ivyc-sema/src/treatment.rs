//! What ivyc does with every kind of AST node the parser accepts (issue 17,
//! "nothing the user wrote is silently dropped"): one function per node-kind
//! enum of `ivyc_syntax::ast`, each an exhaustive `match` without a wildcard
//! arm, so adding a variant to the AST does not compile until someone
//! classifies it here. The classification must stay true to what the
//! checker (`check.rs`, `decls.rs`, `stmt.rs`, `elab.rs`) and the lowering do;
//! `tests/sweep/main.rs` runs one snippet per tag through the real `ivyc`
//! binary and checks it (docs/testing.md, "The syntax sweep"). The tag is a
//! coarse kind: flags and sub-forms with their own treatment (`temporal
//! axiom`, `delegate m -> o`, the `when...` operators, native definitions)
//! are listed in docs/language.md.

use ivyc_syntax::ast::{
    ActionBodyTag, CondTag, DeclTag, DefnRhsTag, ExprTag, InterpretTargetTag, ProofStepTag,
    SchemaItemTag, StmtTag, TacticItemTag, UnOp,
};
use strum::IntoEnumIterator;

/// How ivyc treats one kind of node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Given meaning (ms-ivy's, or a documented deliberate difference).
    Meaning,
    /// Accepted with no effect on verification; the text says why that is
    /// sound (ivyc proves less, never more, than with the construct).
    NoEffect(&'static str),
    /// Refused with an `unsupported` diagnostic labelled at the construct.
    Unsupported,
    /// Accepted and reported with a warning of this diagnostic code.
    Warned(&'static str),
}

/// Why the `Error` placeholders need no treatment of their own.
const RECOVERED: &str =
    "a placeholder where the parser recovered from a syntax error, which is reported (exit 2)";

/// The treatment of a declaration.
pub fn decl(tag: DeclTag) -> Treatment {
    use DeclTag as D;
    use Treatment::*;
    match tag {
        D::Include
        | D::Type
        | D::Variant
        | D::Interpret
        | D::Relation
        | D::Function
        | D::Individual
        | D::Var
        | D::Destructor
        | D::Constructor
        | D::Parameter
        | D::Derived
        | D::Definition
        | D::Axiom
        | D::Property
        | D::Conjecture
        | D::Init
        | D::PrivateName
        | D::Invariant
        | D::Instantiate
        | D::Autoinstance
        | D::Module
        | D::Object
        | D::Macro
        | D::Action
        | D::Mixin
        | D::Monitor
        | D::Around
        | D::AfterInit
        | D::Isolate
        | D::IsolateObject
        | D::ExtractObject
        | D::ImportExport
        | D::Delegate
        | D::Section
        | D::Alias
        | D::Mixord
        | D::Subclass
        | D::Field => Meaning,
        D::Using => NoEffect(
            "ms-ivy 1.8.26 imports nothing usable through `using`; a use of what it would name is an error",
        ),
        D::Schema | D::Theorem | D::Proof => Meaning,
        D::ImplementType => NoEffect(
            "the sort stays abstract instead of being identified with its implementation: ivyc proves less, never more",
        ),
        D::Extract => NoEffect("an extraction unit: ms-ivy's checker ignores it too"),
        D::Attribute => NoEffect(
            "tool options (checking method, extraction, tests); ivyc's inductive check is at least as strong as any method they select",
        ),
        D::Native => NoEffect("C++ text for extraction (ms-ivy's checker ignores it; `extract` places it)"),
        D::Progress | D::Rely => NoEffect(
            "ms-ivy uses them only in generated test code; its checker resolves and sort-checks them and ignores them, as ivyc does",
        ),
        D::Concept => NoEffect(
            "a concept of ms-ivy's legacy graphical interface; its checker sort-checks it and ignores it, as ivyc does",
        ),
        D::Unprovable => NoEffect(
            "ms-ivy drops `unprovable` declarations too unless run with `unprovable=true`",
        ),
        D::Error => NoEffect(RECOVERED),
    }
}

/// The treatment of a statement.
pub fn stmt(tag: StmtTag) -> Treatment {
    use StmtTag as S;
    use Treatment::*;
    match tag {
        S::Assume
        | S::Assert
        | S::Assign
        | S::Havoc
        | S::TupleAssign
        | S::Expr
        | S::Call
        | S::If
        | S::IfStar
        | S::While
        | S::Instantiate
        | S::For
        | S::Local
        | S::Var
        | S::Block => Meaning,
        S::Thunk | S::Let => Unsupported,
        S::Unprovable => {
            NoEffect("ms-ivy drops `unprovable` assertions too unless run with `unprovable=true`")
        }
        S::Debug => {
            NoEffect("a trace message of extracted code (ms-ivy's `debug` action does nothing)")
        }
        S::Error => NoEffect(RECOVERED),
    }
}

/// The treatment of an expression. `Unary` and `Binary` have meaning for
/// their safety operators; see [`unop`] (and docs/language.md for the
/// 1.8 `when...` operators, refused as `unsupported`).
pub fn expr(tag: ExprTag) -> Treatment {
    use ExprTag as E;
    use Treatment::*;
    match tag {
        E::App
        | E::Dot
        | E::Var
        | E::Num
        | E::Str
        | E::True
        | E::False
        | E::Old
        | E::Unary
        | E::Binary
        | E::Ite
        | E::Annot
        | E::Isa
        | E::Quant
        | E::Paren => Meaning,
        E::NamedBinder => Meaning,
        E::Error => NoEffect(RECOVERED),
    }
}

/// The treatment of a prefix operator.
pub fn unop(op: UnOp) -> Treatment {
    match op {
        UnOp::Not => Treatment::Meaning,
        UnOp::Globally | UnOp::Eventually => Treatment::Meaning,
    }
}

/// The treatment of an `if`/`while` condition.
pub fn cond(tag: CondTag) -> Treatment {
    match tag {
        CondTag::Expr | CondTag::Assign | CondTag::Some => Treatment::Meaning,
    }
}

/// The treatment of a definition's right-hand side.
pub fn defn_rhs(tag: DefnRhsTag) -> Treatment {
    match tag {
        DefnRhsTag::Expr | DefnRhsTag::Some => Treatment::Meaning,
        DefnRhsTag::Native => Treatment::Unsupported,
    }
}

/// The treatment of an action or monitor body (a native body is refused by
/// `native-code` in any unit that would verify it).
pub fn action_body(tag: ActionBodyTag) -> Treatment {
    match tag {
        ActionBodyTag::Block | ActionBodyTag::Native => Treatment::Meaning,
    }
}

/// The treatment of a proof step (`proof.rs` and the `ivyc-proof` crate;
/// tactics ivyc does not run are refused there, by name, with
/// `unsupported`).
pub fn proof_step(tag: ProofStepTag) -> Treatment {
    use ProofStepTag as P;
    match tag {
        P::Apply
        | P::Witness
        | P::ShowGoals
        | P::DeferGoal
        | P::Tactic
        | P::Property
        | P::Function
        | P::Theorem
        | P::Proof
        | P::Unfold
        | P::Forget
        | P::Let
        | P::If
        | P::Group => Treatment::Meaning,
        P::Spoil => Treatment::Unsupported,
        P::Error => Treatment::NoEffect(RECOVERED),
    }
}

/// The treatment of an item of a tactic's `with` list (inside a proof).
pub fn tactic_item(tag: TacticItemTag) -> Treatment {
    match tag {
        // The invariants and definitions of the l2s tactics and of
        // `tactic invariance` (liveness; `l2s_auto*` reads its `work_*`
        // definitions); the triggers of `tactic auto_inst` (docs/proofs.md),
        // refused in the lists of the liveness tactics (docs/liveness.md).
        TacticItemTag::Invariant | TacticItemTag::Definition | TacticItemTag::Trigger => {
            Treatment::Meaning
        }
    }
}

/// The treatment of the target of `interpret`.
pub fn interpret_target(tag: InterpretTargetTag) -> Treatment {
    match tag {
        InterpretTargetTag::Oper | InterpretTargetTag::Range | InterpretTargetTag::Enum => {
            Treatment::Meaning
        }
    }
}

/// The treatment of an item of a schema body (in a `schema`, a `theorem`
/// or an axiom schema).
pub fn schema_item(tag: SchemaItemTag) -> Treatment {
    use SchemaItemTag as I;
    match tag {
        I::Function
        | I::Individual
        | I::Relation
        | I::Type
        | I::Property
        | I::Theorem
        | I::Definition
        | I::Nested => Treatment::Meaning,
    }
}

/// Every tag of every classified enum: `(enum, tag, treatment)`, the enum
/// named as in `ivyc_syntax::ast` (`DeclKind`, `StmtKind`, ...).
pub fn all() -> Vec<(&'static str, &'static str, Treatment)> {
    fn each<T: IntoEnumIterator + Copy + Into<&'static str>>(
        out: &mut Vec<(&'static str, &'static str, Treatment)>,
        name: &'static str,
        f: fn(T) -> Treatment,
    ) {
        for t in T::iter() {
            let tr = f(t);
            out.push((name, t.into(), tr));
        }
    }
    let mut out = Vec::new();
    each(&mut out, "DeclKind", decl);
    each(&mut out, "StmtKind", stmt);
    each(&mut out, "ExprKind", expr);
    each(&mut out, "UnOp", unop);
    each(&mut out, "Cond", cond);
    each(&mut out, "DefnRhs", defn_rhs);
    each(&mut out, "ActionBody", action_body);
    each(&mut out, "ProofStepKind", proof_step);
    each(&mut out, "TacticItem", tactic_item);
    each(&mut out, "InterpretTarget", interpret_target);
    each(&mut out, "SchemaItemKind", schema_item);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_is_listed_once() {
        let all = all();
        let mut seen = std::collections::HashSet::new();
        for (e, t, _) in &all {
            assert!(seen.insert((*e, *t)), "{e}::{t} listed twice");
        }
        assert!(all.len() > 100);
    }

    /// The warning codes a construct may be reported with
    /// (docs/diagnostics.md).
    const WARNING_CODES: &[&str] = &["proof-sorry", "unknown-isolate-name"];

    #[test]
    fn warnings_name_documented_codes() {
        for (e, t, tr) in all() {
            if let Treatment::Warned(code) = tr {
                assert!(WARNING_CODES.contains(&code), "{e}::{t}: {code}");
            }
            if let Treatment::NoEffect(why) = tr {
                assert!(why.len() > 20, "{e}::{t} needs a reason");
            }
        }
    }
}
