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
//! A *crash* (and restart) of a node sets the node's state back to its
//! values after the initializer, as a process restarted without stable
//! storage: the node sort is the type of the first parameter of the
//! deliveries (the exported actions requiring a channel, `recv(me, ...)`:
//! the endpoint a message is delivered to, as `--me` names a process), and
//! the node's state is every entry `f(n, ...)` of the state that is not
//! specification state and whose first argument is of that sort. Messages
//! in flight stay in flight; the state of other nodes, and state not
//! indexed by a node, is unchanged. No crash is offered when a delivery
//! does not start with such a parameter, no state is indexed by it, or
//! some of it is over an unbounded sort (a hash table the driver cannot
//! enumerate).
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

/// Crash and restart of a node: its sort (index into [`Module::sorts`])
/// and the state variables holding the nodes' state (indices into
/// [`Module::state`], first argument of the sort).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Crash {
    pub sort: usize,
    pub vars: Vec<usize>,
}

/// The faults a test driver can inject: on the channels, and crashes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Faults {
    pub channels: Vec<Channel>,
    pub crash: Option<Crash>,
    /// Why no crash is offered (when `crash` is `None` and there are
    /// channels).
    pub no_crash: Option<String>,
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
        && v.get("value")
            .and_then(|x| x.get("k"))
            .and_then(Value::as_str)
            == Some("Bool")
        && v.get("value")
            .and_then(|x| x.get("value"))
            .and_then(Value::as_bool)
            == Some(value)
}

/// The faults of `module` (lowered with its specification, for a test
/// driver); `spec` names its specification state.
pub fn faults(module: &Module, spec: &[String]) -> Faults {
    let channels = channels(module, spec);
    let (crash, no_crash) = if channels.is_empty() {
        (None, None)
    } else {
        match crash(module, spec, &channels) {
            Ok(c) => (Some(c), None),
            Err(why) => (None, Some(why)),
        }
    };
    Faults {
        channels,
        crash,
        no_crash,
    }
}

/// Whether a serialised statement is a `require` reading state `var`.
fn requires(v: &Value, var: usize, defs: &[Value]) -> bool {
    v.get("k").and_then(Value::as_str) == Some("Check")
        && v.get("kind").and_then(Value::as_str) == Some("Require")
        && v.get("cond").is_some_and(|c| {
            contains(c, defs, &mut Vec::new(), &|x| {
                x.get("k").and_then(Value::as_str) == Some("Read") && is_state(x.get("place"), var)
            })
        })
}

fn crash(module: &Module, spec: &[String], channels: &[Channel]) -> Result<Crash, String> {
    let defs: Vec<Value> = module.defs.iter().map(|d| to_value(&d.body)).collect();
    let delivery = module.actions.iter().find(|f| {
        let body = to_value(&f.body);
        f.exported
            && channels.iter().any(|c| {
                contains(&body, &defs, &mut Vec::new(), &|v| {
                    requires(v, c.var, &defs)
                })
            })
    });
    let Some(f) = delivery else {
        return Err("no delivery action".to_owned());
    };
    let first = f.params.first().and_then(|p| f.locals.get(*p));
    let Some(Type::Id { sort }) = first.map(|l| &l.ty) else {
        return Err(format!(
            "the delivery `{}` does not start with a parameter of an uninterpreted sort (the receiving node)",
            f.name
        ));
    };
    let sort = *sort;
    let mut vars = Vec::new();
    for (i, v) in module.state.iter().enumerate() {
        if spec.contains(&v.name) || v.args.first() != Some(&Type::Id { sort }) {
            continue;
        }
        if v.storage != Storage::Dense
            || !v
                .args
                .iter()
                .all(|a| matches!(a, Type::Id { .. } | Type::Enum { .. } | Type::Bool))
        {
            return Err(format!(
                "the node state `{}` is over an unbounded sort",
                v.name
            ));
        }
        vars.push(i);
    }
    if vars.is_empty() {
        return Err("no state is indexed by the receiving node".to_owned());
    }
    Ok(Crash { sort, vars })
}

/// The channels of `module` (lowered with its specification, for a test
/// driver); `spec` names its specification state.
fn channels(module: &Module, spec: &[String]) -> Vec<Channel> {
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
        let required = any(true, &|v| requires(v, i, &defs));
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

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_ir::ir::{CheckKind, Expr, Func, Local, Place, Stmt, Var};

    fn var(name: &str) -> Var {
        Var {
            name: name.into(),
            ident: name.replace('.', "_"),
            args: vec![Type::Id { sort: 0 }],
            ret: Type::Bool,
            storage: Storage::Dense,
        }
    }

    fn me() -> Local {
        Local {
            name: "me".into(),
            ident: "me".into(),
            ty: Type::Id { sort: 0 },
            args: Vec::new(),
            storage: Storage::Scalar,
            bound: false,
        }
    }

    fn set(var: usize, value: bool) -> Stmt {
        Stmt::Assign {
            place: Place::State { var },
            loops: Vec::new(),
            args: vec![Expr::Read {
                place: Place::Local { local: 0 },
                args: Vec::new(),
            }],
            fields: Vec::new(),
            value: Expr::Bool { value },
        }
    }

    fn action(name: &str, exported: bool, body: Vec<Stmt>) -> Func {
        Func {
            name: name.into(),
            ident: name.replace('.', "_"),
            exported,
            params: vec![0],
            returns: Vec::new(),
            locals: vec![me()],
            body,
        }
    }

    /// `net.pending` (specification) is set by `net.send` and required and
    /// consumed by the exported `proto.recv(me)`; `proto.has` is the node
    /// state a crash resets.
    fn token_ring(consume: bool) -> Module {
        let require = Stmt::Check {
            kind: CheckKind::Require,
            cond: Expr::Read {
                place: Place::State { var: 0 },
                args: vec![Expr::Read {
                    place: Place::Local { local: 0 },
                    args: Vec::new(),
                }],
            },
            message: "m.ivy:1:1".into(),
        };
        let mut recv = vec![require];
        if consume {
            recv.push(set(0, false));
        }
        recv.push(set(1, true));
        Module {
            name: "m".into(),
            ident: "m".into(),
            state: vec![var("net.pending"), var("proto.has")],
            actions: vec![
                action("net.send", false, vec![set(0, true)]),
                action("proto.recv", true, recv),
            ],
            ..Module::default()
        }
    }

    #[test]
    fn a_specification_relation_sent_and_required_is_a_channel() {
        let f = faults(&token_ring(true), &["net.pending".to_owned()]);
        assert_eq!(
            f.channels,
            vec![Channel {
                var: 0,
                consumed: true
            }]
        );
        assert_eq!(
            f.crash,
            Some(Crash {
                sort: 0,
                vars: vec![1]
            })
        );
        let f = faults(&token_ring(false), &["net.pending".to_owned()]);
        assert!(!f.channels[0].consumed);
    }

    #[test]
    fn protocol_state_is_no_channel() {
        // The same relation outside a `specification` section.
        let f = faults(&token_ring(true), &[]);
        assert_eq!(f, Faults::default());
    }
}
