//! The signature of a program being generated: sorts, state symbols, the
//! names in use, and the sort graph (function and forall-exists edges) that
//! keeps the program stratified unless a cycle is wanted.

use std::collections::BTreeSet;

/// A sort id (index into [`Sig::sorts`]).
pub type SortId = usize;

/// The type of a term: `bool` or a declared sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Bool,
    S(SortId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortKind {
    Uninterpreted,
    /// The enumerated values.
    Enum(Vec<String>),
    /// Interpreted as `nat` (true) or `int` (false).
    Num {
        nat: bool,
    },
}

#[derive(Clone, Debug)]
pub struct SortDef {
    pub name: String,
    pub kind: SortKind,
}

/// A state symbol (relation, function or individual).
#[derive(Clone, Debug)]
pub struct Sym {
    pub name: String,
    /// The object it is declared in, if any.
    pub object: Option<String>,
    pub args: Vec<SortId>,
    pub result: Ty,
    /// Never assigned (it appears in axioms).
    pub rigid: bool,
    /// May be read and written by random code outside its component.
    pub open: bool,
}

impl Sym {
    /// The name as written inside `scope` (an object name or top level).
    pub fn name_in(&self, scope: Option<&str>) -> String {
        match &self.object {
            Some(o) if Some(o.as_str()) != scope => format!("{o}.{}", self.name),
            _ => self.name.clone(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Sig {
    pub sorts: Vec<SortDef>,
    pub syms: Vec<Sym>,
    used: BTreeSet<String>,
    /// Sort graph edges `from -> to`.
    pub edges: BTreeSet<(SortId, SortId)>,
}

/// Words that are keywords of Ivy (ms-ivy's lexer, every version) or
/// builtin sort names, never used as generated names.
const RESERVED: &[&str] = &[
    "relation",
    "individual",
    "function",
    "axiom",
    "conjecture",
    "schema",
    "instantiate",
    "instance",
    "derived",
    "concept",
    "init",
    "action",
    "method",
    "field",
    "state",
    "assume",
    "assert",
    "set",
    "null",
    "old",
    "from",
    "update",
    "params",
    "in",
    "match",
    "ensures",
    "requires",
    "modifies",
    "true",
    "false",
    "fresh",
    "module",
    "template",
    "object",
    "class",
    "type",
    "if",
    "else",
    "local",
    "let",
    "call",
    "entry",
    "macro",
    "interpret",
    "forall",
    "exists",
    "returns",
    "mixin",
    "execute",
    "before",
    "after",
    "isolate",
    "with",
    "export",
    "delegate",
    "import",
    "using",
    "include",
    "progress",
    "rely",
    "mixord",
    "extract",
    "process",
    "destructor",
    "some",
    "maximizing",
    "minimizing",
    "private",
    "implement",
    "property",
    "while",
    "invariant",
    "struct",
    "definition",
    "ghost",
    "alias",
    "trusted",
    "this",
    "var",
    "attribute",
    "variant",
    "of",
    "scenario",
    "proof",
    "named",
    "temporal",
    "globally",
    "eventually",
    "decreases",
    "specification",
    "implementation",
    "global",
    "common",
    "ensure",
    "require",
    "around",
    "parameter",
    "apply",
    "theorem",
    "showgoals",
    "defergoal",
    "spoil",
    "explicit",
    "thunk",
    "isa",
    "autoinstance",
    "constructor",
    "finite",
    "tactic",
    "unfold",
    "forget",
    "debug",
    "for",
    "subclass",
    "whenfirst",
    "whenlast",
    "whenprev",
    "whennext",
    "unprovable",
    "trigger",
    "bool",
    "int",
    "nat",
    "strlit",
];

impl Sig {
    /// A name not used yet: `base`, else `base2`, `base3`, ...
    pub fn fresh(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut k = 2;
        while self.used.contains(&name) || RESERVED.contains(&name.as_str()) {
            name = format!("{base}{k}");
            k += 1;
        }
        self.used.insert(name.clone());
        name
    }

    /// Marks a name as used (for names chosen elsewhere).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_string());
    }

    pub fn is_used(&self, name: &str) -> bool {
        self.used.contains(name) || RESERVED.contains(&name)
    }

    pub fn add_sort(&mut self, base: &str, kind: SortKind) -> SortId {
        let name = self.fresh(base);
        if let SortKind::Enum(values) = &kind {
            for v in values {
                self.reserve(v);
            }
        }
        self.sorts.push(SortDef { name, kind });
        self.sorts.len() - 1
    }

    pub fn sort_name(&self, s: SortId) -> &str {
        self.sorts.get(s).map(|d| d.name.as_str()).unwrap_or("bool")
    }

    pub fn ty_name(&self, t: Ty) -> &str {
        match t {
            Ty::Bool => "bool",
            Ty::S(s) => self.sort_name(s),
        }
    }

    pub fn kind(&self, s: SortId) -> Option<&SortKind> {
        self.sorts.get(s).map(|d| &d.kind)
    }

    pub fn is_uninterpreted(&self, s: SortId) -> bool {
        matches!(self.kind(s), Some(SortKind::Uninterpreted))
    }

    pub fn is_num(&self, s: SortId) -> bool {
        matches!(self.kind(s), Some(SortKind::Num { .. }))
    }

    /// Sorts whose variables count for stratification (uninterpreted,
    /// `nat`, `int`).
    pub fn is_tracked(&self, s: SortId) -> bool {
        matches!(
            self.kind(s),
            Some(SortKind::Uninterpreted | SortKind::Num { .. })
        )
    }

    pub fn uninterpreted(&self) -> Vec<SortId> {
        (0..self.sorts.len())
            .filter(|&s| self.is_uninterpreted(s))
            .collect()
    }

    pub fn add_sym(&mut self, sym: Sym) -> usize {
        self.syms.push(sym);
        self.syms.len() - 1
    }

    /// Whether `to` reaches `from` in the sort graph (so `from -> to`
    /// would close a cycle).
    pub fn reaches(&self, from: SortId, to: SortId) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(s) = stack.pop() {
            if s == to {
                return true;
            }
            if seen.insert(s) {
                for &(a, b) in &self.edges {
                    if a == s {
                        stack.push(b);
                    }
                }
            }
        }
        false
    }

    /// Whether adding all of `new` keeps the graph acyclic.
    pub fn acyclic_with(&self, new: &[(SortId, SortId)]) -> bool {
        let mut g = self.clone();
        for &(a, b) in new {
            if a == b || g.reaches(b, a) {
                return false;
            }
            g.edges.insert((a, b));
        }
        true
    }

    /// Adds edges (the caller has checked them, or wants a cycle).
    pub fn add_edges(&mut self, new: &[(SortId, SortId)]) {
        for &e in new {
            self.edges.insert(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_names_avoid_keywords_and_repeats() {
        let mut s = Sig::default();
        assert_eq!(s.fresh("node"), "node");
        assert_eq!(s.fresh("node"), "node2");
        assert_eq!(s.fresh("init"), "init2");
    }

    #[test]
    fn cycles_are_detected() {
        let mut s = Sig::default();
        let a = s.add_sort("a", SortKind::Uninterpreted);
        let b = s.add_sort("b", SortKind::Uninterpreted);
        let c = s.add_sort("c", SortKind::Uninterpreted);
        assert!(s.acyclic_with(&[(a, b), (b, c)]));
        s.add_edges(&[(a, b), (b, c)]);
        assert!(!s.acyclic_with(&[(c, a)]));
        assert!(!s.acyclic_with(&[(b, b)]));
        assert!(s.acyclic_with(&[(a, c)]));
    }
}
