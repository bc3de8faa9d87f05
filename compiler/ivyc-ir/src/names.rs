//! Identifier stems: any Ivy name (dotted, operator symbols, numerals,
//! fresh-copy suffixes) becomes `[A-Za-z0-9_]+` with no leading digit, no
//! `__` and no trailing `_`, unique within its table. Generators add a
//! prefix per kind (`s_`, `p_`, ...), which rules out keywords and reserved
//! identifiers of the target language.

use std::collections::HashSet;

/// Words for the operator characters that appear in Ivy names.
fn op_word(c: char) -> Option<&'static str> {
    Some(match c {
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '+' => "plus",
        '-' => "minus",
        '*' => "times",
        '/' => "div",
        '~' => "not",
        '&' => "and",
        '|' => "or",
        '%' => "mod",
        '^' => "caret",
        _ => return None,
    })
}

/// The stem of one name (not yet unique).
pub fn stem(name: &str) -> String {
    let mut out = String::new();
    let push_sep = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    };
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(w) = op_word(c) {
            push_sep(&mut out);
            out.push_str(w);
            out.push('_');
        } else {
            push_sep(&mut out);
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    out
}

/// Hands out unique stems.
#[derive(Default, Clone)]
pub struct Names {
    used: HashSet<String>,
}

impl Names {
    pub fn new() -> Names {
        Names::default()
    }

    /// A stem for `name` not handed out before by this table.
    pub fn fresh(&mut self, name: &str) -> String {
        let base = stem(name);
        let mut cand = base.clone();
        let mut k = 1;
        while !self.used.insert(cand.clone()) {
            k += 1;
            cand = format!("{base}_{k}");
        }
        cand
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> bool {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !s.contains("__")
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && !s.ends_with('_')
    }

    #[test]
    fn stems_are_identifiers() {
        for n in [
            "proto.leader",
            "<",
            "0",
            "a__b",
            "x#2",
            "__init",
            "f.<=",
            "é",
            "",
            "class",
            "a.b.c",
            "std::system(\"rm\")",
        ] {
            let s = stem(n);
            assert!(ok(&s), "{n:?} -> {s:?}");
        }
        assert_eq!(stem("proto.leader"), "proto_leader");
        assert_eq!(stem("<"), "lt");
        assert_eq!(stem("0"), "n0");
    }

    #[test]
    fn fresh_is_unique() {
        let mut n = Names::new();
        assert_eq!(n.fresh("a.b"), "a_b");
        assert_eq!(n.fresh("a_b"), "a_b_2");
        assert_eq!(n.fresh("a#b"), "a_b_3");
    }
}
