//! `FragmentError`: why a verification condition is outside the decidable
//! fragment (a cycle of the sort graph, or an interpreted symbol over a
//! universal variable), as data, and its rendering as a diagnostic.

use crate::graph::{Cycle, EdgeOrigin, FunctionEdge, IteEdge, SkolemEdge, SortEdge, Written};
use crate::theory::{MisuseReason, TheoryMisuse};
use ivyc_base::diagnostic::{error, primary, secondary};
use ivyc_base::{Diagnostic, IntoDiagnostic, Label, Symbol};

/// The diagnostic code of a sort-graph cycle.
pub const CODE_NOT_EPR: &str = "not-epr";
/// The diagnostic code of an interpreted symbol over a universal variable.
pub const CODE_THEORY: &str = "interpreted-theory-misuse";

/// The common headline of both errors.
pub const MESSAGE: &str = "verification condition is outside the decidable fragment";

/// Why a verification condition is outside the decidable fragment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FragmentError {
    /// The sort graph has a cycle (the functions are not stratified).
    Cycle(Cycle),
    /// An interpreted symbol is applied to a universally quantified
    /// variable outside an arithmetic literal.
    InterpretedTheoryMisuse(TheoryMisuse),
    /// Ivy's stratification graph ([`crate::feu`]) has a cycle that no
    /// cycle of the sort graph explains. Never expected (every arc of the
    /// former has an edge in the latter); kept so that the verdict never
    /// depends on the explanation. `origin` is the first goal's.
    UnexplainedCycle(Option<crate::Origin>),
}

fn join(names: &[Symbol], sep: &str) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

/// `node → id`, `node × id → id`
fn signature(args: &[Symbol], ret: Symbol) -> String {
    format!("{} → {}", join(args, " × "), ret)
}

fn in_property(p: &Option<crate::Origin>, in_goal: bool) -> String {
    match (p, in_goal) {
        (Some(o), true) => format!(" in the goal ({o})"),
        (Some(o), false) => format!(" in {o}"),
        (None, true) => " in the goal".to_owned(),
        (None, false) => String::new(),
    }
}

impl FunctionEdge {
    fn description(&self) -> String {
        format!(
            "function {} : {}",
            self.name,
            signature(&self.arg_sorts, self.ret_sort)
        )
    }
}

impl IteEdge {
    /// `conditional term over X:node in invariant[ here], which ...`
    fn description(&self, here: &str) -> String {
        format!(
            "conditional term over {}:{}{}{here}, which Ivy counts as a function {} → {}",
            self.var,
            self.var_sort,
            in_property(&self.property, self.in_goal),
            self.var_sort,
            self.sort
        )
    }
}

impl SkolemEdge {
    fn skolem_sig(&self) -> String {
        signature(&self.arg_sorts, self.var_sort)
    }

    /// The label on the Skolemised quantifier.
    fn label(&self) -> String {
        let place = in_property(&self.property, self.in_goal);
        let sig = self.skolem_sig();
        match (self.written, self.in_goal) {
            (Written::Exists, _) => {
                format!("exists under forall{place} here, which becomes a function {sig}")
            }
            (Written::Forall, true) => format!(
                "forall{place} here is an exists under forall once the goal is negated, \
                 and becomes a function {sig}"
            ),
            (Written::Forall, false) => format!(
                "forall under a negation{place} here is an exists under forall, \
                 and becomes a function {sig}"
            ),
        }
    }
}

/// The label on the quantifier of a universal variable.
fn universal_label(var: Symbol, sort: Symbol, written: Written, in_goal: bool) -> String {
    match (written, in_goal) {
        (Written::Forall, _) => format!("{var}:{sort} is universally quantified here"),
        (Written::Exists, true) => format!(
            "{var}:{sort} is existentially quantified in the goal here, \
             so universally once the goal is negated"
        ),
        (Written::Exists, false) => format!(
            "{var}:{sort} is existentially quantified under a negation here, \
             so universally"
        ),
    }
}

impl SortEdge {
    /// One line of the cycle listing in the note.
    fn summary(&self) -> String {
        let how = match &self.origin {
            EdgeOrigin::Function(f) => f.description(),
            EdgeOrigin::Skolem(s) => {
                format!(
                    "Skolem function {} for `{} {}:{}` under `{} {}:{}`{}",
                    s.skolem_sig(),
                    s.written.keyword(),
                    s.var,
                    s.var_sort,
                    s.universal_written.keyword(),
                    s.universal,
                    s.universal_sort,
                    in_property(&s.property, s.in_goal)
                )
            }
            EdgeOrigin::Ite(i) => i.description(""),
        };
        format!("{} → {}: {how}", self.from_name, self.to_name)
    }

    /// Labels of this edge: a primary one on the function declaration or
    /// the Skolemised quantifier, a secondary one on the universal.
    fn labels(&self) -> Vec<Label> {
        let mut out = Vec::new();
        match &self.origin {
            EdgeOrigin::Function(f) => {
                if let Some(s) = f.decl_span {
                    out.push(primary(s, format!("{} declared here", f.description())));
                } else if let Some(s) = f.use_span {
                    let place = f
                        .used_in
                        .as_ref()
                        .map(|o| format!(" in {o}"))
                        .unwrap_or_default();
                    out.push(primary(s, format!("{} used here{place}", f.description())));
                }
            }
            EdgeOrigin::Skolem(s) => {
                let span = s
                    .quant_span
                    .or_else(|| s.property.as_ref().and_then(|p| p.span));
                if let Some(sp) = span {
                    out.push(primary(sp, s.label()));
                }
                if let Some(sp) = s.universal_span {
                    if Some(sp) != span {
                        out.push(secondary(
                            sp,
                            universal_label(
                                s.universal,
                                s.universal_sort,
                                s.universal_written,
                                s.in_goal,
                            ),
                        ));
                    }
                }
            }
            EdgeOrigin::Ite(i) => {
                let span = i.span.or_else(|| i.property.as_ref().and_then(|p| p.span));
                if let Some(sp) = span {
                    out.push(primary(sp, i.description(" here")));
                }
            }
        }
        out
    }
}

/// The remedies for a cycle, naming the first declared function of the
/// cycle if there is one.
fn cycle_help(c: &Cycle) -> String {
    let mut remedies = Vec::new();
    let function = c.edges.iter().find_map(|e| match &e.origin {
        EdgeOrigin::Function(f) => Some(f),
        EdgeOrigin::Skolem(_) | EdgeOrigin::Ite(_) => None,
    });
    if let Some(f) = function {
        let params: Vec<String> = if f.arg_sorts.len() == 1 {
            vec![format!("X:{}", f.arg_sorts[0])]
        } else {
            f.arg_sorts
                .iter()
                .enumerate()
                .map(|(i, s)| format!("X{}:{s}", i + 1))
                .collect()
        };
        remedies.push(format!(
            "make `{}` a relation (`relation {}({}, Y:{})` with an axiom that it is \
             functional)",
            f.name,
            f.name,
            params.join(", "),
            f.ret_sort
        ));
    }
    if c.edges
        .iter()
        .any(|e| matches!(e.origin, EdgeOrigin::Skolem(_)))
    {
        remedies.push(
            "move the quantifier so that the exists is not under the forall (in a goal: \
             so that the forall is not under an exists)"
                .to_owned(),
        );
    }
    if c.edges
        .iter()
        .any(|e| matches!(e.origin, EdgeOrigin::Ite(_)))
    {
        remedies.push(
            "write the conditional term over the variable as a case split on its condition \
             (`p(X if c else t)` as `(c -> p(X)) & (~c -> p(t))`)"
                .to_owned(),
        );
    }
    remedies.push(
        "split the proof into isolates so that the edges of the cycle are not visible together"
            .to_owned(),
    );
    format!("help: to break the cycle, {}", remedies.join("; or "))
}

const HELP_THEORY: &str = "instantiate the quantifier by hand, hide the arithmetic \
behind an uninterpreted function or relation with the axioms you need, or move \
the property into an isolate where the variable's sort is uninterpreted";

fn cycle_diagnostic(c: &Cycle) -> Diagnostic {
    let mut labels = Vec::new();
    for e in &c.edges {
        labels.extend(e.labels());
    }
    // A cycle of declared functions is explained by their declarations,
    // which do not say where the formulas use them: the terms of Ivy's own
    // graph that close the cycle do.
    if c.edges
        .iter()
        .all(|e| matches!(e.origin, EdgeOrigin::Function(_)))
    {
        for (span, text) in &c.ivy_terms {
            labels.push(secondary(*span, text.clone()));
        }
    }
    let steps: Vec<String> = c
        .edges
        .iter()
        .map(|e| format!("  {}", e.summary()))
        .collect();
    error(CODE_NOT_EPR, MESSAGE)
        .with_labels(labels)
        .with_notes(vec![
            format!(
                "the sorts {} form a cycle, so quantifier instantiation may \
                 generate infinitely many terms (the functions are not stratified)",
                c.path_string()
            ),
            format!("the cycle:\n{}", steps.join("\n")),
            cycle_help(c),
        ])
}

fn theory_diagnostic(m: &TheoryMisuse) -> Diagnostic {
    let place = in_property(&m.property, m.in_goal);
    let what = format!(
        "the interpreted symbol `{}` is applied to the universally quantified variable {}:{}{place}",
        m.op.as_str(),
        m.var,
        m.var_sort
    );
    let mut labels = Vec::new();
    let main = m
        .app_span
        .or_else(|| m.property.as_ref().and_then(|p| p.span));
    if let Some(s) = main {
        labels.push(primary(s, what.clone()));
    }
    if let Some(s) = m.binder_span {
        labels.push(secondary(
            s,
            universal_label(m.var, m.var_sort, m.binder_written, m.in_goal),
        ));
    }
    let why = match m.reason {
        MisuseReason::NotAComparison => format!(
            "`{}` is not a comparison; only comparisons may take a universally \
             quantified variable of an interpreted sort",
            m.op.as_str()
        ),
        MisuseReason::NotIntegerSort => format!(
            "comparisons may take a universally quantified variable only on \
             integer sorts, not on {}",
            m.var_sort
        ),
        MisuseReason::NonStrictBetweenVariables => format!(
            "a comparison between two universally quantified variables must be \
             strict after accounting for negations (`X < Y` positively, `X <= Y` \
             negated); `{}` here is not",
            m.op.as_str()
        ),
        MisuseReason::OtherSideNotGround => "the other side of the comparison depends on \
             universally quantified variables (directly or through a Skolem function) \
             without being a variable itself"
            .to_owned(),
    };
    let mut notes = Vec::new();
    if main.is_none() {
        notes.push(what);
    }
    notes.push(why);
    notes.push(
        "a universally quantified variable of an integer sort may only occur in \
         arithmetic literals `X < Y`, `X < t`, `t < X`, `X = t` (t ground)"
            .to_owned(),
    );
    notes.push(format!("help: {HELP_THEORY}"));
    error(CODE_THEORY, MESSAGE)
        .with_labels(labels)
        .with_notes(notes)
}

fn unexplained_diagnostic(origin: &Option<crate::Origin>) -> Diagnostic {
    let what = "quantifier instantiation may generate infinitely many terms here \
                (Ivy's stratification graph of the condition has a cycle)";
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    match origin.as_ref().and_then(|o| o.span.map(|s| (o, s))) {
        Some((o, s)) => labels.push(primary(s, format!("{what}, checking {o}"))),
        None => notes.push(what.to_owned()),
    }
    notes.push(
        "ivyc found no cycle of functions between sorts to show; please report \
         this program"
            .to_owned(),
    );
    error(CODE_NOT_EPR, MESSAGE)
        .with_labels(labels)
        .with_notes(notes)
}

impl IntoDiagnostic for FragmentError {
    fn code(&self) -> &'static str {
        match self {
            FragmentError::Cycle(_) | FragmentError::UnexplainedCycle(_) => CODE_NOT_EPR,
            FragmentError::InterpretedTheoryMisuse(_) => CODE_THEORY,
        }
    }

    fn into_diagnostic(&self) -> Diagnostic {
        match self {
            FragmentError::Cycle(c) => cycle_diagnostic(c),
            FragmentError::UnexplainedCycle(o) => unexplained_diagnostic(o),
            FragmentError::InterpretedTheoryMisuse(m) => theory_diagnostic(m),
        }
    }
}
