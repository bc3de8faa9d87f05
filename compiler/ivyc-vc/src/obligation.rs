//! Generation of proof obligations from a `System`: each property once
//! (from the axioms), initiation and consecution of every invariant, and
//! one obligation per source assertion of the initializer and of every
//! exported action, in passive (SSA) form.

use ivyc_base::{Span, Symbol};
use ivyc_logic::passive::{passify, AssertMode, Passive, Versions};
use ivyc_logic::{AssertInfo, AssertKind, Lambda, Property, Signature, SymId, System, Term};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Arc;

/// What an obligation establishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObligationKind {
    /// A `property` follows from the axioms (and the properties proved
    /// elsewhere), in any state.
    Property,
    /// The initializer establishes an invariant.
    Initiation,
    /// An exported action preserves an invariant.
    Consecution,
    /// An assertion (assert / ensure / call-site require / loop invariant)
    /// of the initializer or of an exported action cannot fail.
    Assertion,
    /// One half of a `while` loop's `decreases e` (its `assert_kind` says
    /// which): the measure is not below 0 when an iteration starts
    /// (`VariantBounded`), or the body makes it smaller
    /// (`VariantDecreases`).
    Variant,
    /// A goal left by the tactics of a proof (`System::goals`): its
    /// conclusion follows from the axioms, the properties proved
    /// elsewhere and its own premises (`Obligation::proof_title` says
    /// which goal it is).
    ProofGoal,
    /// `verify --deadlock`: in every state satisfying the axioms and the
    /// invariants some exported action is enabled
    /// (`ivyc_logic::enabled`).
    DeadlockFreedom,
}

/// One validity query: `hypotheses ⇒ goal` (the solver checks
/// `hypotheses ∧ ¬goal` for unsatisfiability), with what is needed to
/// report it and to decode a counterexample.
#[derive(Clone, Debug)]
pub struct Obligation {
    /// Position in the list returned by [`obligations`].
    pub index: usize,
    pub kind: ObligationKind,
    /// The exported action (`None` for the initializer).
    pub action: Option<Symbol>,
    pub action_span: Option<Span>,
    /// Label of the invariant (Initiation/Consecution) or assertion.
    pub property_label: Option<Symbol>,
    /// Span of the invariant or of the assertion.
    pub property_span: Option<Span>,
    /// For `Assertion` and `Variant`: the kind of the assertion.
    pub assert_kind: Option<AssertKind>,
    /// The invariant or assertion formula over the original vocabulary.
    pub property: Term,
    /// The system signature extended with the fresh SSA versions (shared
    /// by the obligations of one action).
    pub sig: Arc<Signature>,
    /// Shared by the obligations with the same hypotheses (initiation of
    /// each invariant, consecution of each invariant in one action): built
    /// once, and compared by pointer when grouping units of work.
    pub hypotheses: Arc<[Term]>,
    /// Where each hypothesis came from, aligned with `hypotheses`.
    pub hyp_sources: Arc<[HypSource]>,
    /// The label and span of each hypothesis' source (the action for the
    /// transition), aligned with `hypotheses`.
    pub hyp_origins: Arc<[(Option<Symbol>, Option<Span>)]>,
    pub goal: Term,
    /// False for initiation: the state before the initializer is arbitrary.
    pub has_pre: bool,
    /// For every `State` symbol of the system: the symbol holding its value
    /// in the post-state (end of the action / initializer, or the point of
    /// the checked assertion). Pre-state values are the original symbols.
    pub post: Vec<(SymId, SymId)>,
    /// For an assertion checked at several program points (same source
    /// span, e.g. a loop invariant on entry and after the body): the state
    /// maps of the other points. The counterexample uses the first map under
    /// which the assertion is false.
    pub other_posts: Vec<Vec<(SymId, SymId)>>,
    /// Parameters of the action (their values are the arguments).
    pub params: Vec<SymId>,
    /// Return symbols of the action with their final versions.
    pub returns: Vec<(SymId, SymId)>,
    /// The system's definitions (`System::definitions`): the values of
    /// defined symbols in a counterexample's states.
    pub definitions: Arc<BTreeMap<SymId, Lambda>>,
    /// For `ProofGoal`: what the goal is (`theorem [t] goal 2 of 3 after
    /// apply ind[nat]`).
    pub proof_title: Option<Symbol>,
}

/// The size of an obligation's query (hypotheses and goal), the inputs of
/// the cost model that `ivyc verify --timings` shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QuerySize {
    /// Quantifier nodes (`forall`/`exists` blocks, not variables).
    pub quantifiers: usize,
    /// Term nodes.
    pub terms: usize,
    /// Distinct function, relation and constant symbols.
    pub symbols: usize,
}

impl ObligationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationKind::Property => "property",
            ObligationKind::Initiation => "initiation",
            ObligationKind::Consecution => "consecution",
            ObligationKind::Assertion => "assertion",
            ObligationKind::Variant => "variant",
            ObligationKind::ProofGoal => "proof goal",
            ObligationKind::DeadlockFreedom => "deadlock freedom",
        }
    }
}

impl Obligation {
    /// The size of the query `hypotheses ∧ ¬goal`.
    pub fn size(&self) -> QuerySize {
        let mut size = QuerySize::default();
        let mut symbols = std::collections::HashSet::new();
        for t in self.hypotheses.iter().chain(std::iter::once(&self.goal)) {
            t.visit(|t| {
                size.terms += 1;
                match &t.kind {
                    ivyc_logic::TermKind::Forall(..) | ivyc_logic::TermKind::Exists(..) => {
                        size.quantifiers += 1
                    }
                    ivyc_logic::TermKind::App(f, _) => {
                        symbols.insert(*f);
                    }
                    _ => {}
                }
            });
        }
        size.symbols = symbols.len();
        size
    }

    /// A one-line description, e.g. `consecution of [safety] by elect`.
    pub fn title(&self) -> String {
        if let Some(t) = self.proof_title {
            return t.as_str().to_string();
        }
        if self.kind == ObligationKind::DeadlockFreedom {
            return "deadlock freedom: some exported action is enabled".to_string();
        }
        let mut s = String::from(self.kind.as_str());
        if let Some(k) = self.assert_kind {
            let _ = write!(s, " ({})", assert_kind_name(k));
        }
        match self.property_label {
            Some(l) => {
                let _ = write!(s, " of [{l}]");
            }
            None => {
                let _ = write!(s, " of {}", self.property.pretty(&self.sig));
            }
        }
        match self.action {
            Some(a) => {
                let _ = write!(s, " in {a}");
            }
            None => s.push_str(" in init"),
        }
        s
    }

    /// Multi-line rendering (title, hypotheses, goal, post-state map) for
    /// snapshots and `--dump` style output.
    pub fn pretty(&self) -> String {
        let mut s = format!("#{} {}\n", self.index, self.title());
        for h in self.hypotheses.iter() {
            let _ = writeln!(s, "  hyp  {}", h.pretty(&self.sig));
        }
        let _ = writeln!(s, "  goal {}", self.goal.pretty(&self.sig));
        let renamed: Vec<String> = self
            .post
            .iter()
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{}->{}", self.sig.symbol_name(*a), self.sig.symbol_name(*b)))
            .collect();
        if !renamed.is_empty() {
            let _ = writeln!(s, "  post {}", renamed.join(", "));
        }
        s
    }
}

pub(crate) fn assert_kind_name(k: AssertKind) -> &'static str {
    match k {
        AssertKind::Require => "require",
        AssertKind::Ensure => "ensure",
        AssertKind::Assert => "assert",
        AssertKind::LoopInvariant => "loop invariant",
        AssertKind::CallRequire => "call-site require",
        AssertKind::VariantBounded => "bounded",
        AssertKind::VariantDecreases => "decreases",
    }
}

fn rename(v: &Versions) -> HashMap<SymId, SymId> {
    v.iter().map(|(&a, &b)| (a, b)).collect()
}

fn post_map(state: &[SymId], v: &Versions) -> Vec<(SymId, SymId)> {
    state
        .iter()
        .map(|&s| (s, v.get(&s).copied().unwrap_or(s)))
        .collect()
}

/// The origin of a hypothesis of an obligation (for explanations such as
/// the fragment checker's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HypSource {
    /// `System::axioms[i]`.
    Axiom(usize),
    /// A property assumed as an axiom: `System::properties[i]`, then
    /// `System::lemmas[i - properties.len()]`, then `System::proved`.
    Property(usize),
    /// `System::invariants[i]`, assumed in the pre-state.
    Invariant(usize),
    /// `System::nested[i]` then `System::assumed[i - nested.len()]`, an
    /// invariant proved elsewhere.
    Assumed(usize),
    /// Premise `j` of `System::goals[i]` (a proof goal's own hypothesis).
    Premise(usize, usize),
    /// The transition relation (or path condition) of the init or action.
    Transition,
}

impl HypSource {
    /// The label and span of the formula in `sys` (for the transition: no
    /// label, `action_span`).
    pub fn origin(self, sys: &System, action_span: Option<Span>) -> (Option<Symbol>, Option<Span>) {
        let p = match self {
            HypSource::Axiom(i) => sys.axioms.get(i),
            HypSource::Property(i) => sys
                .properties
                .iter()
                .chain(&sys.lemmas)
                .chain(&sys.proved)
                .nth(i),
            HypSource::Premise(i, j) => sys.goals.get(i).and_then(|g| g.premises.get(j)),
            HypSource::Invariant(i) => sys.invariants.get(i),
            HypSource::Assumed(i) => sys.nested.iter().chain(&sys.assumed).nth(i),
            HypSource::Transition => return (None, action_span),
        };
        (p.and_then(|p| p.label), p.and_then(|p| p.span))
    }
}

/// The sources of an obligation's hypotheses: `background` (axioms and
/// properties), then the invariants of the pre-state, then the transition.
fn sources(background: Vec<HypSource>, pre: Vec<HypSource>, total: usize) -> Vec<HypSource> {
    let mut out = background;
    out.extend(pre);
    out.resize(total.max(out.len()), HypSource::Transition);
    out
}

/// Assertion groups: assertions with the same source span and kind (e.g.
/// one callee `require` inlined at two call sites... of the same call) are
/// checked together, as Ivy checks per source line. The two checks of a
/// loop variant share the span of the measure but are separate groups
/// (their formulas differ). Returns the pre-order indices of each group,
/// groups ordered by first occurrence.
fn assertion_groups(asserts: &[(&Term, &AssertInfo)], skip_require: bool) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_span: HashMap<(Span, AssertKind), usize> = HashMap::new();
    for (i, (_, info)) in asserts.iter().enumerate() {
        if skip_require && info.kind == AssertKind::Require {
            continue;
        }
        match info.span {
            Some(sp) => match by_span.get(&(sp, info.kind)) {
                Some(&g) => groups[g].push(i),
                None => {
                    by_span.insert((sp, info.kind), groups.len());
                    groups.push(vec![i]);
                }
            },
            None => groups.push(vec![i]),
        }
    }
    groups
}

/// Hypotheses shared by several obligations (see [`Obligation::hypotheses`]).
struct SharedHyps {
    hypotheses: Arc<[Term]>,
    sources: Arc<[HypSource]>,
    origins: Arc<[(Option<Symbol>, Option<Span>)]>,
}

struct Ctx<'a> {
    sys: &'a System,
    definitions: Arc<BTreeMap<SymId, Lambda>>,
    state: Vec<SymId>,
    /// The axioms, then every property (checked here or elsewhere).
    axioms: Vec<Term>,
    /// The invariants an action's pre-state may satisfy, with their
    /// sources: those checked here, then `nested`, then `assumed`, leaving
    /// out the `explicit` ones, which Ivy checks but never assumes.
    invariants: Vec<(HypSource, Term)>,
    out: Vec<Obligation>,
}

impl Ctx<'_> {
    /// The invariants assumed in the pre-state of an action: all of them,
    /// or for an internal entry (see `Action::internal`) only those checked
    /// here and those of nested isolates.
    fn pre_invariants<'s>(
        &'s self,
        a: &ivyc_logic::Action,
    ) -> impl Iterator<Item = &'s (HypSource, Term)> + 's {
        let (internal, nested) = (a.internal, self.sys.nested.len());
        self.invariants.iter().filter(move |(src, _)| match src {
            HypSource::Assumed(j) => !internal || *j < nested,
            _ => true,
        })
    }

    /// The formulas of [`Ctx::pre_invariants`].
    fn pre_formulas(&self, a: &ivyc_logic::Action) -> Vec<Term> {
        self.pre_invariants(a).map(|(_, t)| t.clone()).collect()
    }

    /// The hypotheses of obligations of `kind` in `action`, with their
    /// sources and origins, ready to be shared by every obligation that
    /// assumes exactly them.
    fn shared(
        &self,
        kind: ObligationKind,
        action: Option<&ivyc_logic::Action>,
        hypotheses: Vec<Term>,
    ) -> SharedHyps {
        let action_span = action.and_then(|a| a.span);
        let pre: Vec<HypSource> = match action {
            Some(a) if kind != ObligationKind::Initiation => {
                self.pre_invariants(a).map(|(s, _)| *s).collect()
            }
            _ if kind == ObligationKind::DeadlockFreedom => {
                self.invariants.iter().map(|(s, _)| *s).collect()
            }
            _ => vec![],
        };
        // The axioms, then the properties: for a property's own obligation
        // only the lemmas (see `obligations`), which follow the properties
        // in `HypSource::Property` numbering.
        let mut background: Vec<HypSource> =
            (0..self.sys.axioms.len()).map(HypSource::Axiom).collect();
        let (props, lemmas) = (self.sys.properties.len(), self.sys.lemmas.len());
        let proved = self.sys.proved.len();
        match kind {
            ObligationKind::Property => {
                background.extend((props..props + lemmas).map(HypSource::Property));
            }
            ObligationKind::ProofGoal => {
                background.extend((props..props + lemmas).map(HypSource::Property));
                let g = self.out.iter().filter(|o| o.kind == kind).count();
                let n = self.sys.goals.get(g).map_or(0, |g| g.premises.len());
                background.extend((0..n).map(|j| HypSource::Premise(g, j)));
            }
            _ => background.extend((0..props + lemmas + proved).map(HypSource::Property)),
        }
        let sources = sources(background, pre, hypotheses.len());
        let origins = sources
            .iter()
            .map(|s| s.origin(self.sys, action_span))
            .collect();
        SharedHyps {
            hypotheses: hypotheses.into(),
            sources: sources.into(),
            origins,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: ObligationKind,
        action: Option<(&ivyc_logic::Action, &Passive)>,
        sig: &Arc<Signature>,
        property: (&Term, Option<Symbol>, Option<Span>, Option<AssertKind>),
        hyps: &SharedHyps,
        goal: Term,
        post_versions: &Versions,
        other_versions: &[Versions],
    ) {
        let (property, property_label, property_span, assert_kind) = property;
        let (action_name, action_span, params, returns) = match action {
            Some((a, p)) => (
                Some(a.name),
                a.span,
                a.params.clone(),
                a.returns
                    .iter()
                    .map(|&r| (r, p.final_versions.get(&r).copied().unwrap_or(r)))
                    .collect(),
            ),
            None => (None, None, vec![], vec![]),
        };
        self.out.push(Obligation {
            index: self.out.len(),
            proof_title: None,
            hyp_sources: hyps.sources.clone(),
            hyp_origins: hyps.origins.clone(),
            definitions: self.definitions.clone(),
            kind,
            action: action_name,
            action_span,
            property_label,
            property_span,
            assert_kind,
            property: property.clone(),
            sig: sig.clone(),
            hypotheses: hyps.hypotheses.clone(),
            goal,
            has_pre: kind != ObligationKind::Initiation && action.is_some(),
            post: post_map(&self.state, post_versions),
            other_posts: other_versions
                .iter()
                .map(|v| post_map(&self.state, v))
                .collect(),
            params,
            returns,
        });
    }

    /// Assertion obligations of one (passified) command.
    fn assertions(
        &mut self,
        action: Option<(&ivyc_logic::Action, &Passive)>,
        sig: &Arc<Signature>,
        passive: &Passive,
        asserts: &[(&Term, &AssertInfo)],
        exported: bool,
    ) {
        for group in assertion_groups(asserts, exported) {
            let mode = |info: &AssertInfo, i: usize| {
                if group.contains(&i) {
                    AssertMode::Check
                } else {
                    let _ = info;
                    AssertMode::Assume
                }
            };
            let (path, goal, versions) = passive.body.split_failure(&mode);
            let all_versions = passive.body.check_versions(&mode);
            let mut hyps = self.axioms.clone();
            if let Some((a, _)) = action {
                hyps.extend(self.pre_formulas(a));
            }
            hyps.extend(path);
            let (formula, info) = asserts[group[0]];
            let kind = if info.kind.is_variant() {
                ObligationKind::Variant
            } else {
                ObligationKind::Assertion
            };
            let hyps = self.shared(kind, action.map(|(a, _)| a), hyps);
            self.push(
                kind,
                action,
                sig,
                (formula, info.label, info.span, Some(info.kind)),
                &hyps,
                goal,
                &versions.unwrap_or_default(),
                all_versions.get(1..).unwrap_or(&[]),
            );
        }
    }
}

/// The invariants that may be assumed in a pre-state, with their sources
/// (see `Ctx::invariants`): every one but the `explicit` ones.
fn pre_state_invariants(sys: &System) -> Vec<(HypSource, Term)> {
    let here = sys
        .invariants
        .iter()
        .enumerate()
        .map(|(i, p)| (HypSource::Invariant(i), p));
    let elsewhere = sys
        .nested
        .iter()
        .chain(&sys.assumed)
        .enumerate()
        .map(|(j, p)| (HypSource::Assumed(j), p));
    here.chain(elsewhere)
        .filter(|(_, p)| !p.explicit)
        .map(|(s, p)| (s, p.formula.clone()))
        .collect()
}

/// The deadlock-freedom obligation of a system (`verify --deadlock`):
/// the axioms, the properties and every invariant that may be assumed in
/// a pre-state imply that some exported action is enabled (the negation
/// of `ivyc_logic::enabled::deadlock`). `index` is its position in the
/// caller's list.
pub fn deadlock_obligation(
    sys: &System,
    index: usize,
) -> Result<Obligation, ivyc_logic::enabled::EnabledError> {
    let enabled = Term::not(ivyc_logic::enabled::deadlock(sys)?);
    let formulas = |ps: &mut dyn Iterator<Item = &Property>| -> Vec<Term> {
        ps.map(|p| p.formula.clone()).collect()
    };
    let mut ctx = Ctx {
        sys,
        definitions: Arc::new(sys.definitions.clone()),
        state: sys.sig.state_symbols(),
        axioms: formulas(
            &mut sys
                .axioms
                .iter()
                .chain(&sys.properties)
                .chain(&sys.lemmas)
                .chain(&sys.proved),
        ),
        invariants: pre_state_invariants(sys),
        out: Vec::new(),
    };
    let mut hyps = ctx.axioms.clone();
    hyps.extend(ctx.invariants.iter().map(|(_, t)| t.clone()));
    let hyps = ctx.shared(ObligationKind::DeadlockFreedom, None, hyps);
    let sig = Arc::new(sys.sig.clone());
    ctx.push(
        ObligationKind::DeadlockFreedom,
        None,
        &sig,
        (&enabled, None, None, None),
        &hyps,
        enabled.clone(),
        &Versions::default(),
        &[],
    );
    let mut ob = ctx.out.pop().expect("one obligation pushed");
    ob.index = index;
    Ok(ob)
}

/// All proof obligations of a system, in a deterministic order: each
/// property, initiation of each invariant, assertions of the initializer, then for
/// each exported action (in `System` order) consecution of each invariant
/// followed by its assertions.
///
/// Semantics follow Ivy 1.7: the `require`s of an exported action are
/// assumptions; when checking invariants, program assertions are neither
/// assumed nor checked; when checking one assertion, all other assertions
/// are assumed (only the earlier ones on a path matter); the pre-state of
/// an action satisfies the axioms and all invariants. A property is proved
/// once from the axioms and the properties proved elsewhere, then assumed
/// like an axiom everywhere else.
pub fn obligations(sys: &System) -> Vec<Obligation> {
    let formulas = |ps: &mut dyn Iterator<Item = &Property>| -> Vec<Term> {
        ps.map(|p| p.formula.clone()).collect()
    };
    let mut ctx = Ctx {
        sys,
        definitions: Arc::new(sys.definitions.clone()),
        state: sys.sig.state_symbols(),
        axioms: formulas(
            &mut sys
                .axioms
                .iter()
                .chain(&sys.properties)
                .chain(&sys.lemmas)
                .chain(&sys.proved),
        ),
        invariants: pre_state_invariants(sys),
        out: Vec::new(),
    };

    // ---- properties: theorems of the axioms and of the lemmas ----
    let background = formulas(&mut sys.axioms.iter().chain(&sys.lemmas));
    let base_sig = Arc::new(sys.sig.clone());
    let hyps = ctx.shared(ObligationKind::Property, None, background);
    for prop in &sys.properties {
        ctx.push(
            ObligationKind::Property,
            None,
            &base_sig,
            (&prop.formula, prop.label, prop.span, None),
            &hyps,
            prop.formula.clone(),
            &Versions::default(),
            &[],
        );
    }

    // ---- proof goals: from the axioms, the lemmas and their premises ----
    for g in &sys.goals {
        let mut hyps = formulas(&mut sys.axioms.iter().chain(&sys.lemmas));
        hyps.extend(g.premises.iter().map(|p| p.formula.clone()));
        let hyps = ctx.shared(ObligationKind::ProofGoal, None, hyps);
        ctx.push(
            ObligationKind::ProofGoal,
            None,
            &base_sig,
            (&g.conclusion, g.label, g.span, None),
            &hyps,
            g.conclusion.clone(),
            &Versions::default(),
            &[],
        );
        if let Some(o) = ctx.out.last_mut() {
            o.proof_title = Some(g.title);
        }
    }

    // ---- initializer ----
    let mut sig = sys.sig.clone();
    let init = passify(&mut sig, &sys.init);
    let ignore = |_: &AssertInfo, _: usize| AssertMode::Ignore;
    let trans = init.body.transition_conjuncts(&ignore);
    let post = rename(&init.final_versions);
    let sig = Arc::new(sig);
    let mut hyps = ctx.axioms.clone();
    hyps.extend(trans.iter().cloned());
    let hyps = ctx.shared(ObligationKind::Initiation, None, hyps);
    for inv in &sys.invariants {
        ctx.push(
            ObligationKind::Initiation,
            None,
            &sig,
            (&inv.formula, inv.label, inv.span, None),
            &hyps,
            inv.formula.rename_symbols(&post),
            &init.final_versions,
            &[],
        );
    }
    let asserts = sys.init.assertions();
    ctx.assertions(None, &sig, &init, &asserts, false);

    // ---- exported actions ----
    for action in ctx.sys.exported_actions() {
        let mut sig = sys.sig.clone();
        let p = passify(&mut sig, &action.body);
        let cons_mode = |info: &AssertInfo, _: usize| {
            if info.kind == AssertKind::Require {
                AssertMode::Assume
            } else {
                AssertMode::Ignore
            }
        };
        let trans = p.body.transition_conjuncts(&cons_mode);
        let post = rename(&p.final_versions);
        let sig = Arc::new(sig);
        let mut hyps = ctx.axioms.clone();
        hyps.extend(ctx.pre_formulas(action));
        hyps.extend(trans);
        let hyps = ctx.shared(ObligationKind::Consecution, Some(action), hyps);
        for inv in &sys.invariants {
            ctx.push(
                ObligationKind::Consecution,
                Some((action, &p)),
                &sig,
                (&inv.formula, inv.label, inv.span, None),
                &hyps,
                inv.formula.rename_symbols(&post),
                &p.final_versions,
                &[],
            );
        }
        let asserts = action.body.assertions();
        ctx.assertions(Some((action, &p)), &sig, &p, &asserts, true);
    }
    ctx.out
}
