//! ivyc-vc: verification obligations (initiation, consecution, assertions)
//! generated from a `System`, what Ivy's fragment check sees of it
//! (`fragment_view`), their discharge on worker threads against a
//! `Solver`, and counterexamples decoded from models.

pub mod counterexample;
pub mod discharge;
pub mod fragment_view;
pub mod obligation;

pub use counterexample::{rigid_tables, universes, Counterexample, SymbolTable};
pub use discharge::{discharge, discharge_all, discharge_all_timed, Outcome};
pub use fragment_view::{fragment_view, FragmentView, ViewSource};
pub use ivyc_logic::answer::{Answer, Reason, Solver};
pub use obligation::{obligations, HypSource, Obligation, ObligationKind};
