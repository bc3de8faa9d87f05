//! Errors of proofs: a tactic that does not apply to its goal (a schema
//! that does not match, an unknown fact or premise, a witness for a
//! variable that is not existential, ...). Each carries the span of the
//! proof step. A proof with an error is rejected (exit 2), as ms-ivy
//! rejects it.

use ivyc_base::diagnostic::{error, primary, warning, Diagnostic, IntoDiagnostic};
use ivyc_base::{Span, Symbol};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofError {
    /// `apply s`: the instance of the schema's conclusion is not the goal.
    NoMatch {
        schema: Symbol,
        goal: String,
        conclusion: String,
        span: Span,
    },
    /// A name that is neither a fact of the context nor a premise of the
    /// goal.
    UnknownFact { name: Symbol, span: Span },
    /// A proof step with no goal left to work on.
    NoGoal { span: Span },
    /// `instantiate with X = e` where `X` is not existentially quantified
    /// at the front of the conclusion.
    NotExistential { var: Symbol, span: Span },
    /// A `with` binding naming something the schema does not bind.
    NotInSchema {
        name: Symbol,
        schema: Symbol,
        span: Span,
    },
    /// `unfold with f` where `f` has no definition.
    NotADefinition { name: Symbol, span: Span },
    /// `unfold p with f` / `forget p` / `proof [p]` naming no premise or goal.
    NoPremise { name: Symbol, span: Span },
    /// `instantiate [l] s` where a premise is already named `l`.
    Clash { name: Symbol, span: Span },
    /// A symbol defined by `function f = ...` in a proof that the goal
    /// already has.
    Redefinition { name: Symbol, span: Span },
    /// A tactic ms-ivy does not have.
    UnknownTactic { name: Symbol, span: Span },
    /// A tactic on a goal it does not apply to (`vcgen` on a property:
    /// ms-ivy's `what`, e.g. "applies only to safety properties").
    TacticGoal {
        tactic: Symbol,
        what: &'static str,
        span: Span,
    },
    /// An item of a tactic's `with` list the tactic does not take
    /// (`auto_inst` takes only triggers).
    TacticArgument {
        tactic: Symbol,
        takes: &'static str,
        span: Span,
    },
    /// `tactic sorry`: the goal is admitted without proof (a warning).
    Sorry { span: Span },
    /// A renaming `<new/old>` in `unfold` that makes `new` capture a
    /// variable free at that place.
    Capture { name: Symbol, span: Span },
    /// `property ... named f(X)` whose formula is not `forall X. exists
    /// Y. ...` with every universal among the parameters (`var`: the
    /// one missing or repeated).
    BadNamed {
        name: Symbol,
        var: Option<Symbol>,
        span: Span,
    },
}

impl ProofError {
    fn code_str(&self) -> &'static str {
        use ProofError::*;
        match self {
            NoMatch { .. } => "proof-no-match",
            UnknownFact { .. } => "proof-unknown-fact",
            NoGoal { .. } => "proof-no-goal",
            NotExistential { .. } => "proof-not-existential",
            NotInSchema { .. } => "proof-not-in-schema",
            NotADefinition { .. } => "proof-not-definition",
            NoPremise { .. } => "proof-no-premise",
            Clash { .. } => "proof-clash",
            Redefinition { .. } => "proof-redefinition",
            UnknownTactic { .. } => "proof-unknown-tactic",
            TacticGoal { .. } => "proof-tactic-goal",
            TacticArgument { .. } => "proof-tactic-argument",
            Sorry { .. } => "proof-sorry",
            Capture { .. } => "proof-capture",
            BadNamed { .. } => "proof-bad-named",
        }
    }

    pub fn span(&self) -> Span {
        use ProofError::*;
        match self {
            NoMatch { span, .. }
            | UnknownFact { span, .. }
            | NoGoal { span }
            | NotExistential { span, .. }
            | NotInSchema { span, .. }
            | NotADefinition { span, .. }
            | NoPremise { span, .. }
            | Clash { span, .. }
            | Redefinition { span, .. }
            | UnknownTactic { span, .. }
            | TacticGoal { span, .. }
            | TacticArgument { span, .. }
            | Sorry { span }
            | Capture { span, .. }
            | BadNamed { span, .. } => *span,
        }
    }

    /// A warning rather than an error.
    pub fn is_warning(&self) -> bool {
        matches!(self, ProofError::Sorry { .. })
    }
}

impl IntoDiagnostic for ProofError {
    fn code(&self) -> &'static str {
        self.code_str()
    }

    fn into_diagnostic(&self) -> Diagnostic {
        use ProofError::*;
        let code = self.code();
        match self {
            NoMatch {
                schema,
                goal,
                conclusion,
                span,
            } => error(code, format!("goal does not match the schema `{schema}`"))
                .with_labels(vec![primary(*span, "this rule does not apply")])
                .with_notes(vec![
                    format!("the goal is        {goal}"),
                    format!("the rule concludes {conclusion}"),
                    "help: give the schema's symbols with `with p(X) = ...`, or rename them with `<a/b>`".into(),
                ]),
            UnknownFact { name, span } => error(
                code,
                format!("no property, theorem, schema or premise `{name}` exists here"),
            )
            .with_labels(vec![primary(*span, "unknown fact")])
            .with_notes(vec![
                "help: facts are the axioms, properties, theorems, schemata and definitions declared in the program, and the premises of the goal".into(),
            ]),
            NoGoal { span } => error(code, "no proof goal is left for this step")
                .with_labels(vec![primary(*span, "nothing to prove here")]),
            NotExistential { var, span } => error(
                code,
                format!("`{var}` is not existentially quantified in the goal's conclusion"),
            )
            .with_labels(vec![primary(*span, "no witness can be given for it")]),
            NotInSchema { name, schema, span } => error(
                code,
                format!("`{name}` is not a symbol or variable of `{schema}`"),
            )
            .with_labels(vec![primary(*span, "not in the schema")]),
            NotADefinition { name, span } => error(code, format!("`{name}` is not a definition"))
                .with_labels(vec![primary(*span, "nothing to unfold")]),
            NoPremise { name, span } => error(code, format!("the goal has no premise `{name}`"))
                .with_labels(vec![primary(*span, "unknown premise")]),
            Clash { name, span } => error(
                code,
                format!("instance name `{name}` clashes with a premise of the goal"),
            )
            .with_labels(vec![primary(*span, "already a premise")]),
            Redefinition { name, span } => error(code, format!("redefinition of `{name}`"))
                .with_labels(vec![primary(*span, "the goal already has this symbol")]),
            UnknownTactic { name, span } => error(code, format!("unknown tactic `{name}`"))
                .with_labels(vec![primary(*span, "no such tactic")])
                .with_notes(vec!["help: ms-ivy's tactics are skolemize, skolemizenp, sorry, and the liveness and model-checking tactics".into()]),
            TacticGoal { tactic, what, span } => error(code, format!("tactic `{tactic}` {what}"))
                .with_labels(vec![primary(*span, "not a goal this tactic works on")])
                .with_notes(vec![if tactic.as_str() == "vcgen" {
                    "help: `vcgen` turns the goal of a safety isolate (`proof [iso]`) into its initiation and consecution conditions, which ivyc checks for every isolate anyway; drop the step".to_string()
                } else {
                    format!("help: `{tactic}` rewrites the transition system of an isolate's or a temporal property's goal; this goal is a formula: prove it with `apply`, `instantiate` or `unfold`, or drop the step")
                }]),
            TacticArgument { tactic, takes, span } => error(
                code,
                format!("tactic `{tactic}` does not take this type of argument"),
            )
            .with_labels(vec![primary(*span, "not taken by this tactic")])
            .with_notes(vec![format!("help: `{tactic}` takes {takes}")]),
            Sorry { span } => warning(code, "goal admitted without proof (`tactic sorry`)")
                .with_labels(vec![primary(*span, "this goal is assumed, not checked")]),
            Capture { name, span } => error(
                code,
                format!("renaming to `{name}` captures a variable of the definition"),
            )
            .with_labels(vec![primary(*span, "this renaming")])
            .with_notes(vec!["help: rename the bound variable to a name the definition does not use".into()]),
            BadNamed { name, var, span } => {
                let what = match var {
                    Some(v) => format!("`{v}` must be a parameter of `{name}`"),
                    None => format!("the property named `{name}` must be `forall X. exists Y. ...` with one existential variable"),
                };
                error(code, what).with_labels(vec![primary(*span, "this name")])
            }
        }
    }
}
