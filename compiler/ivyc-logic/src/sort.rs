//! Sorts: `SortId` handles, the kinds of sorts (bool, uninterpreted, enums,
//! interpreted numeric/bit-vector/string sorts) and their declarations.

use crate::signature::SymId;
use ivyc_base::{Span, Symbol};

/// Index of a sort in a [`crate::Signature`]. `SortId::BOOL` is always sort 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortId(pub u32);

impl SortId {
    /// The predefined boolean sort.
    pub const BOOL: SortId = SortId(0);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a sort means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SortKind {
    /// The booleans (only `SortId::BOOL`).
    Bool,
    /// An uninterpreted (first-order) sort: `type node`.
    Uninterpreted,
    /// A finite enumeration `type color = {red, green}`: the constructor names
    /// in declaration order. Each constructor is also a 0-ary symbol of role
    /// [`crate::Role::EnumCtor`] with the same name (see
    /// [`crate::Signature::add_enum_sort`]).
    Enum(Vec<Symbol>),
    /// Mathematical integers (`interpret t -> int`).
    Int,
    /// Natural numbers (`interpret t -> nat`): integers constrained `>= 0`.
    Nat,
    /// A range of integers (`type t = {lo..hi}`, `interpret t -> {lo..hi}`,
    /// `lo <= hi`): Ivy's range sort. Values, numerals and the results of
    /// `+ - * /` are clamped into `[lo, hi]` (saturating arithmetic). The
    /// upper bound may be a symbol (`interpret t -> {0..max}`): a rigid
    /// 0-ary symbol of the range sort itself, as ms-ivy declares it, so
    /// `lo <= max` holds like for every value of the sort.
    Range { lo: i128, hi: Bound },
    /// Bit vectors of the given width (`interpret t -> bv[8]`).
    BitVec(u32),
    /// String literals (`interpret t -> strlit`).
    Str,
}

impl SortKind {
    /// Interpreted sorts carry numerals / builtin operators.
    pub fn is_interpreted(&self) -> bool {
        matches!(
            self,
            SortKind::Int
                | SortKind::Nat
                | SortKind::Range { .. }
                | SortKind::BitVec(_)
                | SortKind::Str
        )
    }

    /// Sorts whose values are integers (numerals and arithmetic apply).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            SortKind::Int | SortKind::Nat | SortKind::Range { .. } | SortKind::BitVec(_)
        )
    }

    /// Sorts whose values are mathematical integers (Z3 `Int`): int, nat and
    /// ranges.
    pub fn is_integer(&self) -> bool {
        matches!(self, SortKind::Int | SortKind::Nat | SortKind::Range { .. })
    }

    /// The bounds every value of an integer sort satisfies: `(None, None)`
    /// for int, `(Some(0), None)` for nat, both for a range; `None` for a
    /// sort whose values are not integers.
    pub fn int_bounds(&self) -> Option<(Option<i128>, Option<i128>)> {
        match self {
            SortKind::Int => Some((None, None)),
            SortKind::Nat => Some((Some(0), None)),
            SortKind::Range { lo, hi } => Some((Some(*lo), hi.num())),
            _ => None,
        }
    }

    /// `n` clamped into a range sort's bounds (Ivy's saturating range
    /// arithmetic and numerals); other sorts leave `n` unchanged. `None`
    /// for a range whose upper bound is a symbol: the caller must clamp
    /// with the bound's value ([`SortKind::clamp_with`]).
    pub fn clamp(&self, n: i128) -> Option<i128> {
        match self {
            SortKind::Range { lo, hi } => Some(n.clamp(*lo, hi.num()?.max(*lo))),
            _ => Some(n),
        }
    }

    /// `n` clamped into a range sort whose upper bound (numeral or the
    /// value of the bound symbol) is `hi`; other sorts leave `n` unchanged.
    pub fn clamp_with(&self, n: i128, hi: i128) -> i128 {
        match self {
            SortKind::Range { lo, .. } => n.clamp(*lo, hi.max(*lo)),
            _ => n,
        }
    }

    /// The symbol that is the upper bound of a range sort, if it is one.
    pub fn bound_symbol(&self) -> Option<SymId> {
        match self {
            SortKind::Range {
                hi: Bound::Sym(s), ..
            } => Some(*s),
            _ => None,
        }
    }
}

/// The upper bound of a range sort: a numeral, or a symbol (ms-ivy's
/// `interpret t -> {0..max}` declares `max : t`, an immutable parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    Num(i128),
    Sym(SymId),
}

impl Bound {
    /// The numeral, if the bound is one.
    pub fn num(self) -> Option<i128> {
        match self {
            Bound::Num(n) => Some(n),
            Bound::Sym(_) => None,
        }
    }

    /// The bound as written: the numeral or the symbol's name.
    pub fn text(self, sig: &crate::Signature) -> String {
        match self {
            Bound::Num(n) => n.to_string(),
            Bound::Sym(s) if s.index() < sig.num_symbols() => sig.symbol(s).name.to_string(),
            Bound::Sym(s) => format!("?{}", s.0),
        }
    }
}

/// A declared sort.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SortDecl {
    /// Full (dotted) name, e.g. `node` or `proto.id`.
    pub name: Symbol,
    pub kind: SortKind,
    pub span: Option<Span>,
}
