//! Signatures: `SymId` handles, symbol declarations with their roles, and the
//! `Signature` table of sorts and symbols (with fresh-name generation).

use crate::sort::{SortDecl, SortId, SortKind};
use ivyc_base::{Span, Symbol};
use std::collections::HashMap;

/// Index of a symbol in a [`Signature`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymId(pub u32);

impl SymId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a symbol is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Mutable state: relation, function or individual that actions may update.
    State,
    /// Immutable: axiomatised functions/relations, parameters, constants,
    /// theory-like symbols (e.g. `<` on an uninterpreted sort).
    Rigid,
    /// A constructor of an enumerated sort (0-ary, returns the enum sort).
    EnumCtor,
    /// Action parameters, locals and return values (0-ary).
    Local,
}

/// A declared symbol. A relation is a symbol returning `SortId::BOOL`; an
/// individual (constant) has no arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SymbolDecl {
    /// Full dotted name, e.g. `proto.leader`. Fresh copies are `name#k`.
    pub name: Symbol,
    pub args: Vec<SortId>,
    pub ret: SortId,
    pub role: Role,
    pub span: Option<Span>,
}

impl SymbolDecl {
    pub fn new(name: Symbol, args: Vec<SortId>, ret: SortId, role: Role) -> Self {
        SymbolDecl {
            name,
            args,
            ret,
            role,
            span: None,
        }
    }

    pub fn with_span(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn arity(&self) -> usize {
        self.args.len()
    }

    pub fn is_relation(&self) -> bool {
        self.ret == SortId::BOOL
    }
}

/// The vocabulary of a verification problem: sorts and symbols, addressed by
/// ids. Sort 0 is `bool`. Symbol names need not be unique (a polymorphic
/// operator such as `<` may be declared once per sort); `fresh_symbol` always
/// produces a name not used yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    sorts: Vec<SortDecl>,
    symbols: Vec<SymbolDecl>,
    sort_names: HashMap<Symbol, SortId>,
    symbol_names: HashMap<Symbol, Vec<SymId>>,
}

impl Default for Signature {
    fn default() -> Self {
        Signature::new()
    }
}

fn id_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Signature {
    /// A signature containing only `bool`.
    pub fn new() -> Self {
        let mut sig = Signature {
            sorts: Vec::new(),
            symbols: Vec::new(),
            sort_names: HashMap::new(),
            symbol_names: HashMap::new(),
        };
        sig.add_sort(SortDecl {
            name: Symbol::intern("bool"),
            kind: SortKind::Bool,
            span: None,
        });
        sig
    }

    // ---- sorts ----

    /// Adds a sort. If a sort of that name exists, its id is returned and the
    /// table is unchanged (sema reports redeclarations itself).
    pub fn add_sort(&mut self, decl: SortDecl) -> SortId {
        if let Some(&id) = self.sort_names.get(&decl.name) {
            return id;
        }
        let id = SortId(id_u32(self.sorts.len()));
        self.sort_names.insert(decl.name, id);
        self.sorts.push(decl);
        id
    }

    /// Adds an uninterpreted sort.
    pub fn add_uninterpreted_sort(&mut self, name: &str) -> SortId {
        self.add_sort(SortDecl {
            name: Symbol::intern(name),
            kind: SortKind::Uninterpreted,
            span: None,
        })
    }

    /// Adds an enumerated sort and one `EnumCtor` symbol per constructor
    /// (named `ctor` exactly as given).
    pub fn add_enum_sort(
        &mut self,
        name: Symbol,
        ctors: &[Symbol],
        span: Option<Span>,
    ) -> (SortId, Vec<SymId>) {
        let sort = self.add_sort(SortDecl {
            name,
            kind: SortKind::Enum(ctors.to_vec()),
            span,
        });
        let ids = ctors
            .iter()
            .map(|&c| {
                self.add_symbol(SymbolDecl::new(c, vec![], sort, Role::EnumCtor).with_span(span))
            })
            .collect();
        (sort, ids)
    }

    /// The declaration of a sort. Panics on an id from another signature.
    pub fn sort(&self, id: SortId) -> &SortDecl {
        &self.sorts[id.index()]
    }

    pub fn sort_name(&self, id: SortId) -> &'static str {
        self.sort(id).name.as_str()
    }

    pub fn sort_kind(&self, id: SortId) -> &SortKind {
        &self.sort(id).kind
    }

    /// Changes what a sort means (e.g. drops its interpretation in a unit
    /// that cannot see it). Terms built for the old kind (numerals,
    /// builtins) must be rewritten by the caller.
    pub fn set_sort_kind(&mut self, id: SortId, kind: SortKind) {
        if let Some(d) = self.sorts.get_mut(id.index()) {
            d.kind = kind;
        }
    }

    pub fn lookup_sort(&self, name: &str) -> Option<SortId> {
        self.sort_names.get(&Symbol::intern(name)).copied()
    }

    pub fn sorts(&self) -> impl Iterator<Item = (SortId, &SortDecl)> {
        self.sorts
            .iter()
            .enumerate()
            .map(|(i, d)| (SortId(id_u32(i)), d))
    }

    pub fn num_sorts(&self) -> usize {
        self.sorts.len()
    }

    /// For a constructor symbol of an enum sort: its index among the ctors.
    pub fn enum_ctor_index(&self, sym: SymId) -> Option<usize> {
        let d = self.symbol(sym);
        if d.role != Role::EnumCtor {
            return None;
        }
        match self.sort_kind(d.ret) {
            SortKind::Enum(cs) => cs.iter().position(|&c| c == d.name),
            _ => None,
        }
    }

    /// The constructor symbol of enum sort `sort` with index `i`.
    pub fn enum_ctor(&self, sort: SortId, i: usize) -> Option<SymId> {
        let SortKind::Enum(cs) = self.sort_kind(sort) else {
            return None;
        };
        let name = *cs.get(i)?;
        self.symbols_named(name)
            .iter()
            .copied()
            .find(|&s| self.symbol(s).role == Role::EnumCtor && self.symbol(s).ret == sort)
    }

    // ---- symbols ----

    /// Adds a symbol (duplicates names are allowed, see the type docs).
    pub fn add_symbol(&mut self, decl: SymbolDecl) -> SymId {
        let id = SymId(id_u32(self.symbols.len()));
        self.symbol_names.entry(decl.name).or_default().push(id);
        self.symbols.push(decl);
        id
    }

    /// Adds a symbol whose name is derived from `base` and unused so far:
    /// `base#1`, `base#2`, ... (a `#k` suffix already on `base` is replaced).
    pub fn fresh_symbol(
        &mut self,
        base: Symbol,
        args: Vec<SortId>,
        ret: SortId,
        role: Role,
    ) -> SymId {
        let name = self.fresh_name(base);
        self.add_symbol(SymbolDecl::new(name, args, ret, role))
    }

    /// A copy of `sym` (same sorts and span) under a fresh name and the
    /// given role.
    pub fn fresh_copy(&mut self, sym: SymId, role: Role) -> SymId {
        let d = self.symbol(sym).clone();
        let name = self.fresh_name(d.name);
        self.add_symbol(SymbolDecl {
            name,
            args: d.args,
            ret: d.ret,
            role,
            span: d.span,
        })
    }

    /// A symbol name derived from `base` that no symbol uses yet.
    pub fn fresh_name(&self, base: Symbol) -> Symbol {
        let root = strip_fresh_suffix(base.as_str());
        let mut k = 1usize;
        loop {
            let cand = Symbol::intern(&format!("{root}#{k}"));
            if !self.symbol_names.contains_key(&cand) {
                return cand;
            }
            k += 1;
        }
    }

    /// Changes the role of a symbol (e.g. a placeholder that a later stage
    /// turns into state).
    pub fn set_role(&mut self, id: SymId, role: Role) {
        if let Some(d) = self.symbols.get_mut(id.index()) {
            d.role = role;
        }
    }

    /// The declaration of a symbol. Panics on an id from another signature.
    pub fn symbol(&self, id: SymId) -> &SymbolDecl {
        &self.symbols[id.index()]
    }

    pub fn symbol_name(&self, id: SymId) -> &'static str {
        self.symbol(id).name.as_str()
    }

    /// The first symbol declared with this name.
    pub fn lookup_symbol(&self, name: &str) -> Option<SymId> {
        self.symbols_named(Symbol::intern(name)).first().copied()
    }

    /// All symbols declared with this name, in declaration order.
    pub fn symbols_named(&self, name: Symbol) -> &[SymId] {
        self.symbol_names
            .get(&name)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn symbols(&self) -> impl Iterator<Item = (SymId, &SymbolDecl)> {
        self.symbols
            .iter()
            .enumerate()
            .map(|(i, d)| (SymId(id_u32(i)), d))
    }

    pub fn num_symbols(&self) -> usize {
        self.symbols.len()
    }

    /// Ids of all symbols with the given role, in declaration order.
    pub fn symbols_with_role(&self, role: Role) -> Vec<SymId> {
        self.symbols()
            .filter(|(_, d)| d.role == role)
            .map(|(i, _)| i)
            .collect()
    }

    /// Ids of all `State` symbols, in declaration order.
    pub fn state_symbols(&self) -> Vec<SymId> {
        self.symbols_with_role(Role::State)
    }
}

/// How a symbol is shown to the user: an action's parameter or local by
/// its own name, whatever its version (`a.n` and `a.n#1` are `n`); for
/// the SSA versions (`name#k`) of other symbols, the value an `old`
/// expression refers to as `old x` (`old.x#1`), any other version of a
/// state symbol as `x'`; anything else by its name.
pub fn display_name(sig: &Signature, id: SymId) -> String {
    let d = sig.symbol(id);
    let name = d.name.as_str();
    let base = strip_fresh_suffix(name);
    let versioned = base.len() != name.len();
    if let (true, Some(rest)) = (versioned, base.strip_prefix("old.")) {
        format!("old {rest}")
    } else if d.role == Role::Local {
        base.rsplit('.').next().unwrap_or(base).to_string()
    } else if versioned {
        format!("{base}'")
    } else {
        name.to_string()
    }
}

/// `r#12` -> `r`; other names unchanged.
pub fn strip_fresh_suffix(name: &str) -> &str {
    match name.rfind('#') {
        Some(i) if i > 0 && name[i + 1..].chars().all(|c| c.is_ascii_digit()) => &name[..i],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_names_are_unique() {
        let mut sig = Signature::new();
        let node = sig.add_uninterpreted_sort("node");
        let r = sig.add_symbol(SymbolDecl::new(
            Symbol::intern("r"),
            vec![node],
            SortId::BOOL,
            Role::State,
        ));
        let r1 = sig.fresh_copy(r, Role::State);
        let r2 = sig.fresh_copy(r1, Role::State);
        assert_eq!(sig.symbol_name(r1), "r#1");
        assert_eq!(sig.symbol_name(r2), "r#2");
        assert_eq!(sig.lookup_symbol("r"), Some(r));
        assert_eq!(sig.sort_name(SortId::BOOL), "bool");
    }

    #[test]
    fn enum_ctors() {
        let mut sig = Signature::new();
        let (c, ids) = sig.add_enum_sort(
            Symbol::intern("color"),
            &[Symbol::intern("red"), Symbol::intern("green")],
            None,
        );
        assert_eq!(sig.enum_ctor_index(ids[1]), Some(1));
        assert_eq!(sig.enum_ctor(c, 0), Some(ids[0]));
    }
}
