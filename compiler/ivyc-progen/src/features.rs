//! The shapes the generator may use, each one switchable off (`--exclude`),
//! so that a differential run can leave out a shape whose disagreements are
//! already known.

/// Which constructs the generator may put in a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Features {
    /// Components wrapped in `object NAME = { ... }`.
    pub objects: bool,
    /// `isolate iso = obj` for some objects.
    pub isolates: bool,
    /// A sort interpreted as `nat` or `int`, with counters.
    pub arith: bool,
    /// Enumerated sorts.
    pub enums: bool,
    /// Functions between uninterpreted sorts (stratified).
    pub functions: bool,
    /// The quorum/consensus component (a forall-exists axiom and invariant).
    pub quorum: bool,
    /// Helper actions called from exported ones, and calls across components.
    pub calls: bool,
    /// `var` and `local` declarations.
    pub locals: bool,
    /// `assert` statements.
    pub asserts: bool,
    /// `if some x:s. φ { ... }`.
    pub if_some: bool,
    /// Occasionally a deliberately non-stratified program.
    pub non_stratified: bool,
    /// Random extra state, actions, statements and invariants.
    pub noise: bool,
    /// Occasionally `#lang ivy1.8` instead of `#lang ivy1.7`.
    pub lang18: bool,
    /// Conditional terms `(a if c else b)` over quantified variables (when
    /// off, conditional terms are only generated where no variable is in
    /// scope).
    pub ite_vars: bool,
    /// `before`/`after` monitors of actions.
    pub monitors: bool,
    /// Defined relations (`relation r(X:t) = φ`, `definition`).
    pub definitions: bool,
    /// Components written as a `module` with `instance`s.
    pub modules: bool,
    /// `while` loops with invariants.
    pub loops: bool,
    /// The component over a total order given by axioms (and a `property`).
    pub order: bool,
    /// Off by default (`--include drivers`): some exported actions of a
    /// component in an object are not exported but called from a private
    /// implementation object `impl` inside it (the environment, from Ivy
    /// 1.7). Its choices come from a random stream of their own, so the
    /// programs of a seed without it are unchanged.
    pub drivers: bool,
}

/// The names accepted by [`Features::set`], in the order of the fields.
pub const NAMES: &[&str] = &[
    "objects",
    "isolates",
    "arith",
    "enums",
    "functions",
    "quorum",
    "calls",
    "locals",
    "asserts",
    "if-some",
    "non-stratified",
    "noise",
    "lang18",
    "ite-vars",
    "monitors",
    "definitions",
    "modules",
    "loops",
    "order",
    "drivers",
];

impl Default for Features {
    fn default() -> Self {
        Features {
            objects: true,
            isolates: true,
            arith: true,
            enums: true,
            functions: true,
            quorum: true,
            calls: true,
            locals: true,
            asserts: true,
            if_some: true,
            non_stratified: true,
            noise: true,
            lang18: true,
            ite_vars: true,
            monitors: true,
            definitions: true,
            modules: true,
            loops: true,
            order: true,
            drivers: false,
        }
    }
}

impl Features {
    /// Switches the feature `name` (one of [`NAMES`]) on or off.
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), String> {
        let slot = match name {
            "objects" => &mut self.objects,
            "isolates" => &mut self.isolates,
            "arith" => &mut self.arith,
            "enums" => &mut self.enums,
            "functions" => &mut self.functions,
            "quorum" => &mut self.quorum,
            "calls" => &mut self.calls,
            "locals" => &mut self.locals,
            "asserts" => &mut self.asserts,
            "if-some" => &mut self.if_some,
            "non-stratified" => &mut self.non_stratified,
            "noise" => &mut self.noise,
            "lang18" => &mut self.lang18,
            "ite-vars" => &mut self.ite_vars,
            "monitors" => &mut self.monitors,
            "definitions" => &mut self.definitions,
            "modules" => &mut self.modules,
            "loops" => &mut self.loops,
            "order" => &mut self.order,
            "drivers" => &mut self.drivers,
            _ => {
                return Err(format!(
                    "unknown feature `{name}`; the features are: {}",
                    NAMES.join(", ")
                ))
            }
        };
        *slot = on;
        Ok(())
    }

    /// The features with every name of a comma-separated list switched off.
    pub fn excluding(list: &str) -> Result<Features, String> {
        let mut f = Features::default();
        f.switch(list, false)?;
        Ok(f)
    }

    /// Switches every name of a comma-separated list on or off.
    pub fn switch(&mut self, list: &str, on: bool) -> Result<(), String> {
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            self.set(name, on)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_switches_a_field() {
        for name in NAMES {
            let mut off = Features::default();
            off.set(name, false).expect("known name");
            let mut on = Features::default();
            on.set(name, true).expect("known name");
            assert_ne!(off, on, "{name} switches nothing");
        }
        assert!(!Features::default().drivers, "drivers is opt-in");
        assert!(Features::excluding("bogus").is_err());
        let f = Features::excluding("arith, isolates").expect("two names");
        assert!(!f.arith && !f.isolates && f.objects);
    }
}
