//! The Ivy standard library shipped inside the binary (`stdlib/`), so
//! `include order` works wherever ivyc is installed, and the choice of
//! library by language version (`stdlib::get`), as ms-ivy picks
//! `include/<version>/`.
//!
//! Layout (see `stdlib/README.md`): `stdlib/*.ivy` is the 1.7 library;
//! `stdlib/1.8/*.ivy` are the 1.8 files that differ in meaning from 1.7
//! (every other 1.8 file is the 1.7 one); `stdlib/1.6/*.ivy` is the whole
//! library of 1.6 and earlier (five files, no fallback: ms-ivy has no other
//! library for those versions).

/// A language version `(major, minor)`, as in `#lang ivy1.7`.
pub type Version = (u32, u32);

/// `(file name, source)` of the 1.7 library, also the base of 1.8.
pub const FILES: &[(&str, &str)] = &[
    ("arith", include_str!("../../../stdlib/arith.ivy")),
    (
        "collections",
        include_str!("../../../stdlib/collections.ivy"),
    ),
    (
        "collections_impl",
        include_str!("../../../stdlib/collections_impl.ivy"),
    ),
    ("deduction", include_str!("../../../stdlib/deduction.ivy")),
    (
        "deserializer",
        include_str!("../../../stdlib/deserializer.ivy"),
    ),
    ("hash", include_str!("../../../stdlib/hash.ivy")),
    ("io", include_str!("../../../stdlib/io.ivy")),
    ("ip", include_str!("../../../stdlib/ip.ivy")),
    ("ip_packet", include_str!("../../../stdlib/ip_packet.ivy")),
    ("ip_raw", include_str!("../../../stdlib/ip_raw.ivy")),
    ("ip_wrapper", include_str!("../../../stdlib/ip_wrapper.ivy")),
    (
        "mc_schemata",
        include_str!("../../../stdlib/mc_schemata.ivy"),
    ),
    ("order", include_str!("../../../stdlib/order.ivy")),
    (
        "packet_wrapper",
        include_str!("../../../stdlib/packet_wrapper.ivy"),
    ),
    ("pcap", include_str!("../../../stdlib/pcap.ivy")),
    ("serdes", include_str!("../../../stdlib/serdes.ivy")),
    ("string", include_str!("../../../stdlib/string.ivy")),
    ("sys", include_str!("../../../stdlib/sys.ivy")),
    ("tcp", include_str!("../../../stdlib/tcp.ivy")),
    ("tcp_host", include_str!("../../../stdlib/tcp_host.ivy")),
    ("tcp_impl", include_str!("../../../stdlib/tcp_impl.ivy")),
    ("tcp_serdes", include_str!("../../../stdlib/tcp_serdes.ivy")),
    ("timeout", include_str!("../../../stdlib/timeout.ivy")),
    ("tls", include_str!("../../../stdlib/tls.ivy")),
    ("tls_gnutls", include_str!("../../../stdlib/tls_gnutls.ivy")),
    ("tls_impl", include_str!("../../../stdlib/tls_impl.ivy")),
    ("tls_msg", include_str!("../../../stdlib/tls_msg.ivy")),
    (
        "tls_picotls",
        include_str!("../../../stdlib/tls_picotls.ivy"),
    ),
    ("udp", include_str!("../../../stdlib/udp.ivy")),
    ("udp_impl", include_str!("../../../stdlib/udp_impl.ivy")),
];

/// The 1.8 files that differ from (or are missing in) the 1.7 library.
pub const FILES_1_8: &[(&str, &str)] = &[
    (
        "collections",
        include_str!("../../../stdlib/1.8/collections.ivy"),
    ),
    ("ip", include_str!("../../../stdlib/1.8/ip.ivy")),
    (
        "mc_schemata",
        include_str!("../../../stdlib/1.8/mc_schemata.ivy"),
    ),
    ("numbers", include_str!("../../../stdlib/1.8/numbers.ivy")),
    ("order", include_str!("../../../stdlib/1.8/order.ivy")),
    ("tcp_host", include_str!("../../../stdlib/1.8/tcp_host.ivy")),
    (
        "tcp_serdes",
        include_str!("../../../stdlib/1.8/tcp_serdes.ivy"),
    ),
    ("timeout", include_str!("../../../stdlib/1.8/timeout.ivy")),
];

/// The whole library of Ivy 1.6 and earlier.
pub const FILES_1_6: &[(&str, &str)] = &[
    (
        "collections",
        include_str!("../../../stdlib/1.6/collections.ivy"),
    ),
    ("order", include_str!("../../../stdlib/1.6/order.ivy")),
    ("tcp", include_str!("../../../stdlib/1.6/tcp.ivy")),
    ("timeout", include_str!("../../../stdlib/1.6/timeout.ivy")),
    ("udp", include_str!("../../../stdlib/1.6/udp.ivy")),
];

fn find(set: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    set.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// The library file `name` for language `version`, with the name it is
/// shown under in diagnostics (`<stdlib>/NAME.ivy` for the 1.7 library,
/// `<stdlib>/1.6/NAME.ivy` and `<stdlib>/1.8/NAME.ivy` for the others).
/// As in ms-ivy, a version takes the smallest library at or above it:
/// up to 1.6 the 1.6 library, 1.7 its own, 1.8 (and later) the 1.8 one.
pub fn get(name: &str, version: Version) -> Option<(String, &'static str)> {
    if version <= (1, 6) {
        return find(FILES_1_6, name).map(|s| (format!("<stdlib>/1.6/{name}.ivy"), s));
    }
    if version >= (1, 8) {
        if let Some(s) = find(FILES_1_8, name) {
            return Some((format!("<stdlib>/1.8/{name}.ivy"), s));
        }
    }
    find(FILES, name).map(|s| (format!("<stdlib>/{name}.ivy"), s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str, version: Version) -> Option<&'static str> {
        get(name, version).map(|(_, s)| s)
    }

    #[test]
    fn versions_pick_their_library() {
        // 1.6 and earlier: only the five 1.6 files.
        assert_eq!(text("order", (1, 6)), Some(FILES_1_6[1].1));
        assert_eq!(text("order", (1, 3)), Some(FILES_1_6[1].1));
        assert_eq!(text("mc_schemata", (1, 6)), None);
        // 1.7: the base library (ms-ivy's 1.7 `network` does not parse).
        assert_eq!(text("order", (1, 7)), find(FILES, "order"));
        assert_eq!(text("network", (1, 7)), None);
        // 1.8: its own files, else the 1.7 ones.
        assert_eq!(text("order", (1, 8)), find(FILES_1_8, "order"));
        assert_ne!(text("order", (1, 8)), text("order", (1, 7)));
        assert_eq!(text("deduction", (1, 8)), find(FILES, "deduction"));
        assert_eq!(text("nonexistent", (1, 8)), None);
    }

    #[test]
    fn display_names_say_the_library() {
        let name = |n, v| get(n, v).map(|(p, _)| p);
        assert_eq!(name("udp", (1, 7)).as_deref(), Some("<stdlib>/udp.ivy"));
        assert_eq!(name("udp", (1, 6)).as_deref(), Some("<stdlib>/1.6/udp.ivy"));
        assert_eq!(name("ip", (1, 8)).as_deref(), Some("<stdlib>/1.8/ip.ivy"));
        assert_eq!(name("udp", (1, 8)).as_deref(), Some("<stdlib>/udp.ivy"));
    }

    #[test]
    fn every_file_starts_with_a_bare_lang_line() {
        // The includer's version applies (ms-ivy refuses an included file
        // whose `#lang` version differs from the main file's).
        for (n, s) in FILES.iter().chain(FILES_1_8).chain(FILES_1_6) {
            assert!(s.starts_with("#lang ivy\n"), "{n}");
        }
    }
}
