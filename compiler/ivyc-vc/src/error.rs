//! Errors of verification found by ivyc itself: a model from the solver
//! that the independent check (`crate::check`) rejects — an internal error,
//! reported with the formula it does not satisfy and that formula's span.

use crate::obligation::ObligationKind;
use ivyc_base::diagnostic::{primary, Diagnostic, IntoDiagnostic};
use ivyc_base::{Span, Symbol};

/// What a formula given to the solver is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormulaRole {
    Axiom,
    /// A property assumed like an axiom.
    Property,
    /// An invariant assumed in the pre-state.
    Invariant,
    /// An invariant proved elsewhere, assumed in the pre-state.
    AssumedInvariant,
    /// The transition of the action (`None`: the initializer), with its
    /// requires and assumptions, in passive form.
    Transition {
        action: Option<Symbol>,
    },
    /// The goal, which the model must make false.
    Goal {
        kind: ObligationKind,
    },
    /// A side condition of a bounded search (a `--bound` cardinality
    /// axiom, or "at most one action per step").
    SearchAxiom,
    /// Step `step` of a trace (0: the initializer) running `action`.
    Step {
        step: usize,
        action: Option<Symbol>,
    },
    /// The failure of a checked property at the last step of a trace.
    Violation {
        depth: usize,
    },
}

/// One formula of a query, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaRef {
    pub role: FormulaRole,
    pub label: Option<Symbol>,
    pub span: Option<Span>,
    /// The formula as given to the solver (SSA names), pretty-printed.
    pub formula: String,
}

impl FormulaRef {
    /// `the invariant [safe] (assumed in the pre-state)`, ...
    pub fn describe(&self) -> String {
        let name = |what: &str| match self.label {
            Some(l) => format!("the {what} [{l}]"),
            None => format!("an {what}"),
        };
        match &self.role {
            FormulaRole::Axiom => name("axiom"),
            FormulaRole::Property => format!("{} (assumed)", name("property")),
            FormulaRole::Invariant => format!("{} in the pre-state", name("invariant")),
            FormulaRole::AssumedInvariant => {
                format!("{} (proved elsewhere) in the pre-state", name("invariant"))
            }
            FormulaRole::Transition { action: Some(a) } => {
                format!("the transition of action `{a}` (with its requires and assumptions)")
            }
            FormulaRole::Transition { action: None } => "the initializer".into(),
            FormulaRole::Goal { kind } => {
                let what = match kind {
                    ObligationKind::Property => "property",
                    ObligationKind::Assertion => "assertion",
                    ObligationKind::Variant => "loop variant",
                    ObligationKind::ProofGoal => "proof goal",
                    ObligationKind::DeadlockFreedom => "deadlock freedom",
                    ObligationKind::Initiation | ObligationKind::Consecution => "invariant",
                };
                let label = self.label.map(|l| format!(" [{l}]")).unwrap_or_default();
                format!("the negated goal (the {what}{label} is true in the model)")
            }
            FormulaRole::SearchAxiom => {
                "a side condition of the search (a bound or at most one action per step)".into()
            }
            FormulaRole::Step { step: 0, .. } => "step 0 (the initializer)".into(),
            FormulaRole::Step {
                step,
                action: Some(a),
            } => format!("step {step} (action `{a}`)"),
            FormulaRole::Step { step, action: None } => format!("step {step}"),
            FormulaRole::Violation { depth } => {
                format!("the violation at step {depth} (no checked property is false there)")
            }
        }
    }
}

/// What a rejected model was for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A counterexample to the obligation with this title.
    Obligation(String),
    /// A bounded-model-checking trace of this depth.
    Trace { depth: usize },
}

/// A model from the solver that does not satisfy a formula of the query
/// it answers: a bug in ivyc (encoding, decoding, minimisation or the
/// evaluator), never shown as a counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelRejected {
    pub subject: Subject,
    /// The first formula with the wrong value.
    pub formula: FormulaRef,
}

impl ModelRejected {
    /// The one-line message.
    pub fn message(&self) -> String {
        let what = match &self.subject {
            Subject::Obligation(t) => format!("the counterexample Z3 gave for {t}"),
            Subject::Trace { depth } => format!("the trace Z3 gave at depth {depth}"),
        };
        format!(
            "internal error: {what} does not satisfy {}; this is a bug in ivyc",
            self.formula.describe()
        )
    }
}

impl IntoDiagnostic for ModelRejected {
    fn code(&self) -> &'static str {
        "internal-error"
    }

    fn into_diagnostic(&self) -> Diagnostic {
        let label = match self.formula.role {
            FormulaRole::Goal { .. } | FormulaRole::Violation { .. } => {
                "the model does not make this false"
            }
            _ => "the model does not satisfy this",
        };
        Diagnostic::bug()
            .with_code(self.code())
            .with_message(self.message())
            .with_labels(
                self.formula
                    .span
                    .map(|s| primary(s, label))
                    .into_iter()
                    .collect(),
            )
            .with_notes(vec![
                format!("the formula: {}", self.formula.formula),
                "the model was not shown; please report this with the input file".into(),
            ])
    }
}
