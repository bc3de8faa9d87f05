//! The imperative intermediate representation between a checked Ivy
//! program and generated code: [`ir`] defines it, [`lower()`] builds it from
//! an [`ivyc_sema::Program`] (refusing, with [`IrError`] diagnostics, what
//! cannot be executed), [`names`] makes identifier stems; `search` turns a
//! havoc constrained by assumptions into a search for a satisfying value;
//! `variant` recognises sema's upcasts and downcasts of variant sorts;
//! `udp` finds the networks of `include udp` whose `send` extraction
//! implements; `timer` finds the timers of `include timeout` whose
//! `handle_timeout` the extracted process fires.

pub mod error;
pub mod ir;
pub mod lower;
pub mod names;
mod search;
mod timer;
mod udp;
mod variant;

pub use error::IrError;
pub use ir::Module;
pub use lower::{lower, lower_with_invariants};
