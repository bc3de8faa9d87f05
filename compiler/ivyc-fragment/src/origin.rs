//! Where the formulas of a verification condition come from: the `Origin` of
//! each hypothesis and of the goal, filled in by the verification driver and
//! carried into every edge and error so diagnostics can name the property.

use ivyc_base::{Span, Symbol};
use std::fmt;

/// What kind of source construct a formula comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OriginKind {
    /// `axiom [l] ...`
    Axiom,
    /// `invariant [l] ...` / `conjecture [l] ...`
    Invariant,
    /// `property [l] ...` / `theorem [l] ...`
    Property,
    /// A definition that is used as an axiom (not expanded as a macro).
    Definition,
    /// `assume ...` inside an action.
    Assumption,
    /// `require ...` (an action precondition assumed by the action).
    Requirement,
    /// `assert ...` / `ensure ...` inside an action.
    Assertion,
    /// The transition relation (the updates) of an action.
    Transition,
    /// The initializer (`after init`).
    Init,
    /// Anything else.
    Other,
}

impl OriginKind {
    fn noun(self) -> &'static str {
        match self {
            OriginKind::Axiom => "axiom",
            OriginKind::Invariant => "invariant",
            OriginKind::Property => "property",
            OriginKind::Definition => "definition",
            OriginKind::Assumption => "assumption",
            OriginKind::Requirement => "requirement",
            OriginKind::Assertion => "assertion",
            OriginKind::Transition => "transition relation",
            OriginKind::Init => "initializer",
            OriginKind::Other => "formula",
        }
    }
}

/// The origin of one formula of the verification condition, e.g. the
/// invariant `[i3]`, or the assumption in action `a`. Rendered (by
/// `Display`) as `invariant [i3]`, `assumption in action a`,
/// `transition relation of action a`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub kind: OriginKind,
    /// The property label, e.g. `i3`.
    pub label: Option<Symbol>,
    /// The action the formula belongs to, if any.
    pub action: Option<Symbol>,
    /// The span of the whole property / statement. Used for a label when
    /// the offending term itself carries no span.
    pub span: Option<Span>,
}

impl Origin {
    pub fn new(kind: OriginKind) -> Origin {
        Origin {
            kind,
            label: None,
            action: None,
            span: None,
        }
    }

    pub fn with_label(mut self, label: &str) -> Origin {
        self.label = Some(Symbol::intern(label));
        self
    }

    pub fn with_action(mut self, action: &str) -> Origin {
        self.action = Some(Symbol::intern(action));
        self
    }

    pub fn with_span(mut self, span: Option<Span>) -> Origin {
        self.span = span;
        self
    }

    /// `invariant [i3]`
    pub fn invariant(label: &str) -> Origin {
        Origin::new(OriginKind::Invariant).with_label(label)
    }

    /// `axiom` (optionally labelled with [`Origin::with_label`]).
    pub fn axiom() -> Origin {
        Origin::new(OriginKind::Axiom)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.noun())?;
        if let Some(l) = self.label {
            write!(f, " [{l}]")?;
        }
        if let Some(a) = self.action {
            let prep = match self.kind {
                OriginKind::Transition => "of",
                _ => "in",
            };
            write!(f, " {prep} action {a}")?;
        }
        Ok(())
    }
}

/// The origins of the formulas of one query `hyps ⇒ goal`: `hyps[i]` is the
/// origin of the `i`-th hypothesis. Missing entries (a shorter vector, or
/// `None`) simply leave the corresponding formula unnamed in diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins {
    pub hyps: Vec<Option<Origin>>,
    pub goal: Option<Origin>,
}

impl Origins {
    /// No origin information at all.
    pub fn none() -> Origins {
        Origins::default()
    }

    /// Origins with the given goal origin and no hypothesis origins.
    pub fn with_goal(goal: Origin) -> Origins {
        Origins {
            hyps: Vec::new(),
            goal: Some(goal),
        }
    }

    /// Appends the origin of the next hypothesis (builder style).
    pub fn hyp(mut self, origin: Origin) -> Origins {
        self.hyps.push(Some(origin));
        self
    }

    /// The origin of hypothesis `i`, if known.
    pub fn of_hyp(&self, i: usize) -> Option<&Origin> {
        self.hyps.get(i).and_then(|o| o.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        assert_eq!(Origin::invariant("i3").to_string(), "invariant [i3]");
        assert_eq!(
            Origin::new(OriginKind::Assumption)
                .with_action("a")
                .to_string(),
            "assumption in action a"
        );
        assert_eq!(
            Origin::new(OriginKind::Transition)
                .with_action("send")
                .to_string(),
            "transition relation of action send"
        );
        assert_eq!(Origin::axiom().to_string(), "axiom");
    }
}
