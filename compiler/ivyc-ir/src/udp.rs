//! The networks of `include udp` (`stdlib/udp.ivy`): objects marked
//! `attribute ivyc_udp = true`, the instances of `udp_wrapper`. Their
//! `implement send(dst, x)` has an empty body in Ivy (ms-ivy's is native
//! code); extraction gives it a [`crate::ir::Stmt::UdpSend`] of the last two
//! parameters, and records the object's exported `handle_recv` as the
//! action delivering received datagrams ([`crate::ir::UdpNet`]). See
//! docs/extract.md, "Processes on UDP: `include udp`".

use ivyc_sema::program::{ActionDef, PartKind};
use ivyc_sema::Program;

/// The attribute marking a network object.
pub(crate) const ATTRIBUTE: &str = "ivyc_udp";

/// Full dotted names of the objects marked `attribute ATTRIBUTE = true`
/// (`ivyc_udp` here, `ivyc_timer` for `timer.rs`), each once, in
/// declaration order.
pub(crate) fn marked_objects(p: &Program, attribute: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in &p.attributes {
        let Some(obj) = a
            .name
            .as_str()
            .strip_suffix(attribute)
            .and_then(|o| o.strip_suffix('.'))
        else {
            continue;
        };
        if a.value == "true" && !out.iter().any(|o| o == obj) {
            out.push(obj.to_owned());
        }
    }
    out
}

/// The marked object whose `implement` is `a`'s implementation, if any
/// (an action declared elsewhere: not the object's own `handle_recv`).
pub(crate) fn send_object<'m>(a: &ActionDef, marked: &'m [String]) -> Option<&'m str> {
    let part = a
        .parts
        .iter()
        .find(|p| p.kind == PartKind::Implementation)?;
    let obj = part.object?;
    if a.origin.object == Some(obj) {
        return None;
    }
    marked
        .iter()
        .find(|m| m.as_str() == obj.as_str())
        .map(String::as_str)
}
