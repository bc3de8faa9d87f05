//! Interned identifiers: a `Symbol` is a `Copy` key into one process-wide
//! thread-safe interner, so names compare in O(1) and print as text.

use lasso::{Spur, ThreadedRodeo};
use std::fmt;
use std::sync::OnceLock;

fn interner() -> &'static ThreadedRodeo {
    static INTERNER: OnceLock<ThreadedRodeo> = OnceLock::new();
    INTERNER.get_or_init(ThreadedRodeo::new)
}

/// An interned string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(Spur);

impl Symbol {
    pub fn intern(s: &str) -> Symbol {
        Symbol(interner().get_or_intern(s))
    }

    pub fn as_str(self) -> &'static str {
        interner().resolve(&self.0)
    }
}

impl From<&str> for Symbol {
    fn from(s: &str) -> Self {
        Symbol::intern(s)
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let a = Symbol::intern("node");
        let b = Symbol::intern("node");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "node");
        assert_ne!(a, Symbol::intern("nod"));
    }
}
