//! ivyc-logic: the first-order logic core shared by sema, smt, fragment and
//! vc — sorts, signatures, terms, guarded commands, systems, models, the
//! solver contract, and weakest liberal preconditions / passive form.

pub mod answer;
pub mod brute;
pub mod cmd;
pub mod enabled;
pub mod eval;
pub mod horn;
pub mod model;
pub mod passive;
pub mod pretty;
pub mod signature;
pub mod sort;
pub mod system;
pub mod temporal;
pub mod term;
pub mod wp;

pub use answer::{Answer, IncrementalSolver, Reason, Solver};
pub use cmd::{AssertInfo, AssertKind, Cmd, LoopVariant};
pub use eval::{EvalError, Evaluator};
pub use horn::{HornAnswer, HornClause, HornProblem, HornSolver};
pub use model::{Interp, Model, Value};
pub use passive::{passify, AssertMode, PNode, Passive, Versions};
pub use signature::{Role, Signature, SymId, SymbolDecl};
pub use sort::{Bound, SortDecl, SortId, SortKind};
pub use system::{Action, ProofGoal, Property, System};
pub use temporal::{
    BinderName, FairCycleProof, L2sBuiltin, Tactic, Temporal, TemporalKind, TemporalOp,
    TemporalProperty, WhenKind,
};
pub use term::{BuiltinOp, Lambda, SortError, Term, TermKind, Var};
