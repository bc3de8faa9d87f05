//! ivyc-vc: verification obligations (initiation, consecution, assertions)
//! generated from a `System`, their discharge on worker threads against a
//! `Solver`, and counterexamples decoded from models.

pub mod counterexample;
pub mod discharge;
pub mod obligation;
pub mod restart;

pub use counterexample::{rigid_tables, universes, Counterexample, SymbolTable};
pub use discharge::{discharge, discharge_all, discharge_all_timed, Outcome};
pub use ivyc_logic::answer::{Answer, Reason, Solver};
pub use obligation::{obligations, HypSource, Obligation, ObligationKind, QuerySize};
pub use restart::{check_with_restarts, RestartPolicy};
