//! Ivy's proof language at the logic level: proof goals (judgements with
//! premises — fresh symbols and facts, themselves goals — and a
//! conclusion), the context of named facts (axioms, properties,
//! theorems, schemata, definitions), and the tactics as goal
//! transformers (`apply`, `instantiate`/`assume`, witnesses, `unfold`,
//! `let`, `if`, cuts, local definitions, `defergoal`, `forget`,
//! `auto_inst` by triggers, ...).
//! Sema elaborates the proof syntax into calls of this crate; the goals
//! left at the end become `ivyc_logic::ProofGoal`s that ivyc-vc turns
//! into obligations. See docs/proofs.md.

pub mod auto_inst;
pub mod error;
pub mod goal;
pub mod matching;
pub mod tactic;

pub use error::ProofError;
pub use goal::{alpha_eq, Goal, Prem, Symbols};
pub use matching::{Binding, Subst};
pub use tactic::Context;
