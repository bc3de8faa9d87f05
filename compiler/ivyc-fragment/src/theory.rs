//! Interpreted theories: Ivy's rule for interpreted symbols (`+`, `<`, `=`
//! on `int`/`nat`) applied to universally quantified variables, and the data
//! of a violation (`TheoryMisuse`).

use crate::graph::Written;
use crate::origin::Origin;
use ivyc_base::{Span, Symbol};
use ivyc_logic::{BuiltinOp, SortKind};

/// The interpreted symbol that is applied to a universal variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TheoryOp {
    Builtin(BuiltinOp),
    /// Equality on an interpreted sort.
    Eq,
}

impl TheoryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            TheoryOp::Builtin(op) => op.as_str(),
            TheoryOp::Eq => "=",
        }
    }

    pub fn is_comparison(self) -> bool {
        match self {
            TheoryOp::Builtin(op) => op.is_comparison(),
            TheoryOp::Eq => true,
        }
    }
}

/// Why the application is not an "arithmetic literal" in Ivy's sense.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MisuseReason {
    /// The symbol is not a comparison (`+`, `-`, `*`, `/`, ...).
    NotAComparison,
    /// A comparison on a sort that is not integer-valued (not `int`/`nat`).
    NotIntegerSort,
    /// A comparison between two universal variables that is not strict
    /// once negations are accounted for (`X <= Y` positively, `X < Y`
    /// negatively, `X = Y`, or any comparison under `<->`).
    NonStrictBetweenVariables,
    /// The other side of the comparison depends on universally quantified
    /// variables (directly or through a Skolem function) without being a
    /// variable itself.
    OtherSideNotGround,
}

/// An interpreted symbol applied to a universally quantified variable
/// outside an arithmetic literal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TheoryMisuse {
    pub op: TheoryOp,
    pub reason: MisuseReason,
    /// The universally quantified variable and its sort.
    pub var: Symbol,
    pub var_sort: Symbol,
    /// The span of the application (`X + 1`, `X <= Y`).
    pub app_span: Option<Span>,
    /// The span of the quantifier binding the variable (`None` for a free
    /// variable of a hypothesis).
    pub binder_span: Option<Span>,
    /// How the variable's quantifier is written (`Exists` if it is universal
    /// only because it is negated).
    pub binder_written: Written,
    /// The property containing the application.
    pub property: Option<Origin>,
    pub in_goal: bool,
}

/// Ivy polarity: the parity of the number of negations above a formula, or
/// unknown (`None` in ivy_logic.polar) under `<->`, `=` on formulas, an
/// `if` condition, or inside a term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TPol {
    Even,
    Odd,
    Unknown,
}

impl TPol {
    pub(crate) fn negate(self) -> TPol {
        match self {
            TPol::Even => TPol::Odd,
            TPol::Odd => TPol::Even,
            TPol::Unknown => TPol::Unknown,
        }
    }
}

/// `is_strict_inequality_symbol(op, pol)`: `<`/`>` under an even number of
/// negations, `<=`/`>=` under an odd number; never for `=` or unknown.
pub(crate) fn is_strict(op: TheoryOp, pol: TPol) -> bool {
    use BuiltinOp::*;
    matches!(
        (op, pol),
        (TheoryOp::Builtin(Lt | Gt), TPol::Even) | (TheoryOp::Builtin(Le | Ge), TPol::Odd)
    )
}

/// `has_integer_interp`: `int`, `nat` and range sorts.
pub(crate) fn is_integer_sort(kind: &SortKind) -> bool {
    kind.is_integer()
}

/// What the checker knows about one argument of an interpreted application.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArgInfo {
    /// The argument is (an `if` whose branch is) a universal variable.
    pub top_var: bool,
    /// The argument mentions universal variables or Skolem variables that
    /// depend on them (other than as the top-level variable).
    pub dependent: bool,
}

/// Ivy's `is_arithmetic_literal` for the argument at `pos` (which is a
/// universal variable): `Ok(())` or why not.
pub(crate) fn arithmetic_literal(
    op: TheoryOp,
    integer_sort: bool,
    pol: TPol,
    args: &[ArgInfo],
    pos: usize,
) -> Result<(), MisuseReason> {
    if !op.is_comparison() {
        return Err(MisuseReason::NotAComparison);
    }
    if !integer_sort {
        return Err(MisuseReason::NotIntegerSort);
    }
    let Some(other) = args.get(1 - pos.min(1)) else {
        return Err(MisuseReason::NotAComparison);
    };
    if other.top_var {
        if is_strict(op, pol) {
            return Ok(());
        }
        return Err(MisuseReason::NonStrictBetweenVariables);
    }
    if !other.dependent {
        return Ok(());
    }
    Err(MisuseReason::OtherSideNotGround)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAR: ArgInfo = ArgInfo {
        top_var: true,
        dependent: false,
    };
    const GROUND: ArgInfo = ArgInfo {
        top_var: false,
        dependent: false,
    };
    const DEP: ArgInfo = ArgInfo {
        top_var: false,
        dependent: true,
    };

    #[test]
    fn ivy_arithmetic_literals() {
        let lt = TheoryOp::Builtin(BuiltinOp::Lt);
        let le = TheoryOp::Builtin(BuiltinOp::Le);
        let add = TheoryOp::Builtin(BuiltinOp::Add);
        assert_eq!(
            arithmetic_literal(lt, true, TPol::Even, &[VAR, VAR], 0),
            Ok(())
        );
        assert_eq!(
            arithmetic_literal(lt, true, TPol::Odd, &[VAR, VAR], 0),
            Err(MisuseReason::NonStrictBetweenVariables)
        );
        assert_eq!(
            arithmetic_literal(le, true, TPol::Odd, &[VAR, VAR], 1),
            Ok(())
        );
        assert_eq!(
            arithmetic_literal(lt, true, TPol::Unknown, &[VAR, VAR], 0),
            Err(MisuseReason::NonStrictBetweenVariables)
        );
        assert_eq!(
            arithmetic_literal(TheoryOp::Eq, true, TPol::Even, &[VAR, GROUND], 0),
            Ok(())
        );
        assert_eq!(
            arithmetic_literal(TheoryOp::Eq, true, TPol::Even, &[VAR, VAR], 0),
            Err(MisuseReason::NonStrictBetweenVariables)
        );
        assert_eq!(
            arithmetic_literal(lt, true, TPol::Even, &[DEP, VAR], 1),
            Err(MisuseReason::OtherSideNotGround)
        );
        assert_eq!(
            arithmetic_literal(add, true, TPol::Even, &[VAR, GROUND], 0),
            Err(MisuseReason::NotAComparison)
        );
        assert_eq!(
            arithmetic_literal(lt, false, TPol::Even, &[VAR, GROUND], 0),
            Err(MisuseReason::NotIntegerSort)
        );
    }
}
