//! The Ivy standard library shipped inside the binary (`stdlib/*.ivy`), so
//! `include order` works wherever ivyc is installed.

/// `(module name, source)` for every embedded standard library file.
pub const FILES: &[(&str, &str)] = &[
    (
        "collections",
        include_str!("../../../stdlib/collections.ivy"),
    ),
    ("deduction", include_str!("../../../stdlib/deduction.ivy")),
    ("order", include_str!("../../../stdlib/order.ivy")),
    ("tcp", include_str!("../../../stdlib/tcp.ivy")),
    ("timeout", include_str!("../../../stdlib/timeout.ivy")),
    ("udp", include_str!("../../../stdlib/udp.ivy")),
];

pub fn get(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
