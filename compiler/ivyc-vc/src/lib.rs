//! ivyc-vc: verification obligations (initiation, consecution, assertions)
//! generated from a `System`, what Ivy's fragment check sees of it
//! (`fragment_view`), their discharge on worker threads against a
//! `Solver`, counterexamples decoded from models, and the independent check
//! of every model before it becomes a counterexample.

pub mod check;
pub mod counterexample;
pub mod discharge;
pub mod error;
pub mod fragment_view;
pub mod obligation;
pub mod restart;

pub use check::{
    check_formulas, check_model, Corrupting, CorruptingSession, ModelCheck, Unchecked,
};
pub use counterexample::{rigid_tables, state_table, universes, Counterexample, SymbolTable};
pub use discharge::{discharge, discharge_all, discharge_all_timed, Outcome};
pub use error::{FormulaRef, FormulaRole, ModelRejected, Subject};
pub use fragment_view::{fragment_view, FragmentView, ViewSource};
pub use ivyc_logic::answer::{Answer, Reason, Solver};
pub use obligation::{
    deadlock_obligation, obligations, HypSource, Obligation, ObligationKind, QuerySize,
};
pub use restart::{check_with_restarts, RestartPolicy};
