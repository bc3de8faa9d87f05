//! The JSON trace format of `ivyc bmc --trace-out` and `ivyc replay`
//! (documented in docs/bmc.md): serde types and the conversion from a
//! decoded `ivyc_bmc::Trace`.

use crate::render::{bmc_property_name, violation_kind_word};
use ivyc_base::SourceMap;
use ivyc_bmc::Trace;
use ivyc_logic::{Signature, Value};
use ivyc_vc::SymbolTable;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the trace format; changes whenever a field changes meaning.
pub const TRACE_VERSION: u32 = 1;

/// A whole trace file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TraceFile {
    pub version: u32,
    pub file: String,
    pub isolate: Option<String>,
    pub depth: usize,
    /// Elements of each uninterpreted sort, `node0`, `node1`, ...
    pub universes: BTreeMap<String, Vec<String>>,
    /// Every symbol after the initializer, immutable ones included.
    pub initial: BTreeMap<String, Entry>,
    pub steps: Vec<StepEntry>,
    /// For a deadlock (`ivyc bmc --deadlock`) the `violation` has kind
    /// `deadlock` and the last state (the last step's, or `initial`) has
    /// no enabled exported action.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deadlock: bool,
    /// For a lasso (`ivyc bmc --liveness`): the loop starts at the state
    /// after this step (0: `initial`), and the last step returns to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_start: Option<usize>,
    pub violation: ViolationEntry,
}

/// The value of a symbol: a value for an individual, rows otherwise.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum Entry {
    Value(String),
    Rows(Vec<Row>),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Row {
    pub args: Vec<String>,
    pub value: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct StepEntry {
    pub action: String,
    /// Parameter (last name component) to value.
    pub args: BTreeMap<String, String>,
    /// Every mutable symbol after the step.
    pub state: BTreeMap<String, Entry>,
    /// Network faults injected after the step's action (`ivyc test
    /// --max-faults`), in order; `state` is the state after them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultEntry>,
}

/// A fault of `ivyc test --max-faults`, applied after its step's action:
/// the message `symbol(args)` (a tuple of a specification relation of
/// messages in flight) set to `false` (`drop`) or back to `true` after the
/// step's delivery consumed it (`duplicate`); or node `args[0]` of sort
/// `symbol` restarted (`crash`): the entries of `reset` set back to their
/// values after the initializer.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct FaultEntry {
    /// `drop`, `duplicate` or `crash`.
    pub kind: String,
    pub symbol: String,
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reset: Vec<ResetEntry>,
}

/// An entry a crash sets back: `symbol(args) := value`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ResetEntry {
    pub symbol: String,
    pub args: Vec<String>,
    pub value: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ViolationEntry {
    /// `[label]` or the source text of the property.
    pub label: String,
    /// `invariant`, `assert`, `ensure`, `require at call site`, `loop invariant`, `require`.
    pub kind: String,
    /// `file:line:col` of the property.
    pub span: Option<String>,
    /// The step at which it fails (0: the initializer).
    pub step: usize,
    /// The action running when an assertion fails.
    pub action: Option<String>,
}

fn entry(sig: &Signature, t: &SymbolTable) -> Entry {
    let name = |v: &Value| v.name(sig);
    if sig.symbol(t.sym).args.is_empty() {
        return Entry::Value(t.rows.first().map(|(_, v)| name(v)).unwrap_or_default());
    }
    Entry::Rows(
        t.rows
            .iter()
            .map(|(a, v)| Row {
                args: a.iter().map(name).collect(),
                value: name(v),
            })
            .collect(),
    )
}

fn state(sig: &Signature, tables: &[&SymbolTable]) -> BTreeMap<String, Entry> {
    tables
        .iter()
        .filter(|t| !t.rows.is_empty())
        .map(|t| (sig.symbol_name(t.sym).to_owned(), entry(sig, t)))
        .collect()
}

/// `file:line:col` of a span.
pub fn span_text(sources: &SourceMap, span: ivyc_base::Span) -> String {
    let (line, col) = sources.line_col(span.file, span.start as usize);
    format!("{}:{line}:{col}", sources.name(span.file))
}

impl TraceFile {
    pub fn from_trace(
        sources: &SourceMap,
        file: &str,
        isolate: Option<String>,
        t: &Trace,
    ) -> TraceFile {
        let sig = &t.sig;
        let universes = t
            .universes
            .iter()
            .map(|(s, e)| {
                (
                    sig.sort_name(*s).to_owned(),
                    e.iter().map(|v| v.name(sig)).collect(),
                )
            })
            .collect();
        let initial: Vec<&SymbolTable> = t.rigid.iter().chain(&t.initial).collect();
        let steps = t
            .steps
            .iter()
            .map(|s| StepEntry {
                action: s.action.to_string(),
                args: s
                    .args
                    .iter()
                    .map(|(p, v)| {
                        let n = sig.symbol_name(*p);
                        (
                            n.rsplit('.').next().unwrap_or(n).to_owned(),
                            v.as_ref().map(|v| v.name(sig)).unwrap_or_default(),
                        )
                    })
                    .collect(),
                state: state(sig, &s.state.iter().collect::<Vec<_>>()),
                faults: Vec::new(),
            })
            .collect();
        let v = t.violation.as_ref();
        let violation = if let Some((label, span)) = t.lasso {
            ViolationEntry {
                label: crate::render::lasso_property_name(sources, label, span),
                kind: "temporal property".into(),
                span: span.map(|s| span_text(sources, s)),
                step: t.depth,
                action: None,
            }
        } else if t.deadlock {
            ViolationEntry {
                label: "deadlock".into(),
                kind: "deadlock".into(),
                span: None,
                step: t.depth,
                action: None,
            }
        } else {
            ViolationEntry {
                label: bmc_property_name(sources, t),
                kind: v
                    .map(|v| violation_kind_word(v.kind).to_owned())
                    .unwrap_or_else(|| "unknown".into()),
                span: v.and_then(|v| v.span).map(|s| span_text(sources, s)),
                step: v.map(|v| v.step).unwrap_or(t.depth),
                action: v.and_then(|v| v.action).map(|a| a.to_string()),
            }
        };
        TraceFile {
            version: TRACE_VERSION,
            file: file.to_owned(),
            isolate,
            depth: t.depth,
            universes,
            initial: state(sig, &initial),
            steps,
            deadlock: t.deadlock,
            loop_start: t.loop_start,
            violation,
        }
    }
}
