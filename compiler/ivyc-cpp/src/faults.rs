//! The network channels of a test driver (`ivyc test --max-faults`): the
//! `specification` relations that model messages in flight, on which the
//! driver injects faults (drop, duplicate). In Ivy the network is
//! specification state: sending sets a relation (`before send {
//! pending(v, dst) := true }`) and the network's deliveries, exported
//! actions, are constrained by it (`before recv { require pending(v, me)
//! }`). A relation is a channel when it
//!
//! - is specification state (left out of extracted code: `spec` names it),
//!   a relation (boolean) over finite sorts only (a dense table),
//! - is set to `true` by some action (a send), and
//! - is read by a `require` written in an exported action's own body (a
//!   delivery the environment makes only when the message is pending).
//!
//! It is *consumed* when some action sets it to `false` (a delivery that
//! removes the message: the specification forbids duplicates, which are
//! then a fault); otherwise the specification already lets the network
//! deliver a message again, and duplicating it is no fault.
//!
//! The IR is walked through its serde form, so that new statement and
//! expression kinds are traversed without changes here.

use ivyc_ir::ir::{Storage, Type};
use ivyc_ir::Module;
use serde::Serialize;
use serde_json::Value;

/// A channel: index into [`Module::state`] and whether deliveries consume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub var: usize,
    pub consumed: bool,
}

/// Whether `v` (a serialised statement or expression) contains a node
/// satisfying `f`, looking into the bodies of the definitions it calls.
fn contains(v: &Value, defs: &[Value], seen: &mut Vec<usize>, f: &dyn Fn(&Value) -> bool) -> bool {
    if f(v) {
        return true;
    }
    match v {
        Value::Array(items) => items.iter().any(|i| contains(i, defs, seen, f)),
        Value::Object(map) => {
            if map.get("k").and_then(Value::as_str) == Some("Def") {
                if let Some(d) = map.get("def").and_then(Value::as_u64) {
                    let d = d as usize;
                    if !seen.contains(&d) {
                        seen.push(d);
                        if defs.get(d).is_some_and(|b| contains(b, defs, seen, f)) {
                            return true;
                        }
                    }
                }
            }
            map.values().any(|i| contains(i, defs, seen, f))
        }
        _ => false,
    }
}

fn is_state(place: Option<&Value>, var: usize) -> bool {
    place.is_some_and(|p| {
        p.get("k").and_then(Value::as_str) == Some("State")
            && p.get("var").and_then(Value::as_u64) == Some(var as u64)
    })
}

/// `var(...) := value` (a whole-table `Fill` too).
fn assigns(v: &Value, var: usize, value: bool) -> bool {
    let k = v.get("k").and_then(Value::as_str);
    matches!(k, Some("Assign") | Some("Fill"))
        && is_state(v.get("place"), var)
        && v.get("value").and_then(|x| x.get("k")).and_then(Value::as_str) == Some("Bool")
        && v.get("value").and_then(|x| x.get("value")).and_then(Value::as_bool) == Some(value)
}

/// The channels of `module` (lowered with its specification, for a test
/// driver); `spec` names its specification state (the `ghost` symbols of
/// the same program lowered for extraction).
pub fn channels(module: &Module, spec: &[String]) -> Vec<Channel> {
    let defs: Vec<Value> = module.defs.iter().map(|d| to_value(&d.body)).collect();
    let bodies: Vec<(bool, Value)> = module
        .actions
        .iter()
        .map(|f| (f.exported, to_value(&f.body)))
        .collect();
    let mut out = Vec::new();
    for (i, var) in module.state.iter().enumerate() {
        let relation = var.ret == Type::Bool
            && var.storage == Storage::Dense
            && !var.args.is_empty()
            && var
                .args
                .iter()
                .all(|a| matches!(a, Type::Id { .. } | Type::Enum { .. } | Type::Bool));
        if !relation || !spec.contains(&var.name) {
            continue;
        }
        let any = |exported_only: bool, f: &dyn Fn(&Value) -> bool| {
            bodies
                .iter()
                .filter(|(e, _)| *e || !exported_only)
                .any(|(_, b)| contains(b, &defs, &mut Vec::new(), f))
        };
        let sent = any(false, &|v| assigns(v, i, true));
        let required = any(true, &|v| {
            v.get("k").and_then(Value::as_str) == Some("Check")
                && v.get("kind").and_then(Value::as_str) == Some("Require")
                && v.get("cond").is_some_and(|c| {
                    contains(c, &defs, &mut Vec::new(), &|x| {
                        x.get("k").and_then(Value::as_str) == Some("Read")
                            && is_state(x.get("place"), i)
                    })
                })
        });
        if sent && required {
            out.push(Channel {
                var: i,
                consumed: any(false, &|v| assigns(v, i, false)),
            });
        }
    }
    out
}

fn to_value<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}
