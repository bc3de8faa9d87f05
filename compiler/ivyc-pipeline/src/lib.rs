//! The ivyc pipeline as a library (the model is rust-analyzer's `ide`
//! crate): load → check → lower → obligations → fragment → discharge, plus
//! bounded search, invariant inference and extraction, each returning data — diagnostics as
//! codespan values with spans, verdicts, counterexamples, traces, files to
//! write. Nothing here prints, touches the terminal or exits; the command
//! line (`ivyc`) and the language server render or publish these results.
//!
//! Reading files is the caller's job too: the root file comes in through
//! the [`SourceMap`](ivyc_base::SourceMap) and includes through a
//! [`SourceLoader`](ivyc_sema::SourceLoader); [`loader::DiskLoader`] is
//! the one the CLI and the language server use (disk, open buffers, then
//! the embedded [`stdlib`]).

pub mod bmc;
pub mod cache;
pub mod extract;
pub mod fragment;
pub mod front;
pub mod infer;
pub mod liveness;
pub mod loader;
pub mod status;
pub mod stdlib;
pub mod verify;
pub mod vmt;

pub use status::Status;
