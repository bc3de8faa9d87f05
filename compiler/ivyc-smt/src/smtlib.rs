//! SMT-LIB text of ivyc-logic formulas, sorts and symbols for writers of
//! other formats (the VMT-LIB export): formulas are encoded exactly as the
//! solver sees them (`Encoder`) and printed by Z3; sort and symbol names are
//! the ones the encoder gives Z3, quoted with `|…|` when SMT-LIB requires it.

use crate::encode::Encoder;
use ivyc_logic::{Signature, SortId, SortKind, SymId, Term};
use std::panic::{catch_unwind, AssertUnwindSafe};
use z3::ast::Bool;

/// A symbol as SMT-LIB writes it: bare when it is a simple symbol, else
/// between bars. `None` for a name no SMT-LIB symbol can spell (it holds a
/// `|` or a `\`).
pub fn quote(name: &str) -> Option<String> {
    const EXTRA: &str = "~!@$%^&*_-+=<>.?/";
    const RESERVED: &[&str] = &[
        "_", "!", "as", "let", "exists", "forall", "match", "par", "true", "false", "and", "or",
        "not", "ite", "distinct", "=>", "xor",
    ];
    if name.contains('|') || name.contains('\\') {
        return None;
    }
    let simple = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || EXTRA.contains(c))
        && !RESERVED.contains(&name);
    Some(if simple {
        name.to_string()
    } else {
        format!("|{name}|")
    })
}

/// The name the encoder gives a symbol in Z3 (unquoted): its own, or
/// `name@id` when the signature overloads the name.
pub fn symbol_name(sig: &Signature, sym: SymId) -> String {
    let name = sig.symbol(sym).name.as_str();
    if sig.symbols_named(sig.symbol(sym).name).len() <= 1 {
        name.to_string()
    } else {
        format!("{name}@{}", sym.0)
    }
}

/// The SMT-LIB text of a sort as the encoder maps it: `Bool`, `Int` (for
/// `int`, `nat` and ranges), `(_ BitVec w)`, `String`, or the quoted name of
/// an uninterpreted or enumerated sort.
pub fn sort_text(sig: &Signature, sort: SortId) -> Result<String, String> {
    let d = sig.sort(sort);
    Ok(match &d.kind {
        SortKind::Bool => "Bool".into(),
        SortKind::Int | SortKind::Nat | SortKind::Range { .. } => "Int".into(),
        SortKind::BitVec(w) => format!("(_ BitVec {w})"),
        SortKind::Str => "String".into(),
        SortKind::Uninterpreted | SortKind::Enum(_) => quoted(d.name.as_str())?,
    })
}

/// [`quote`] or why the name cannot be written.
pub fn quoted(name: &str) -> Result<String, String> {
    quote(name).ok_or_else(|| format!("the name `{name}` cannot be written as an SMT-LIB symbol"))
}

/// The SMT-LIB text of each formula, conjoined with the bounds of the
/// listed symbols (`f(x) >= 0` for those returning `nat`, the range's
/// bounds for ranges), encoded in a fresh Z3 context as the solver would.
pub fn formulas_text(sig: &Signature, items: &[(Term, Vec<SymId>)]) -> Result<Vec<String>, String> {
    let run = AssertUnwindSafe(move || {
        crate::with_fresh_context(move || {
            let mut enc = Encoder::new();
            let mut out = Vec::new();
            for (t, syms) in items {
                let f = enc.encode_formula(sig, t).map_err(|e| e.to_string())?;
                let mut parts = enc.axioms_for(sig, syms).map_err(|e| e.to_string())?;
                let f = if parts.is_empty() {
                    f
                } else {
                    parts.insert(0, f);
                    Bool::and(&parts)
                };
                out.push(strip_weights(&f.to_string()));
            }
            Ok::<Vec<String>, String>(out)
        })
    });
    catch_unwind(run).map_err(|p| crate::session::failure_reason(&p, None).to_string())?
}

/// Decides an SMT-LIB script (declarations and assertions; no commands
/// needed) with Z3 in a fresh context: `Ok(Some(true))` sat,
/// `Ok(Some(false))` unsat, `Ok(None)` unknown; `Err` when Z3 does not
/// parse all of it. For tests and tools that read the files ivyc writes.
pub fn check_script(text: &str, timeout_ms: u64) -> Result<Option<bool>, String> {
    // Z3 stops at the first error silently: a marker asserted last shows
    // that everything before it was read.
    const MARKER: &str = "ivyc.script.parsed";
    if text.contains('\0') {
        return Err("the script contains a NUL byte".into());
    }
    let script = format!("{text}\n(declare-const {MARKER} Bool)\n(assert {MARKER})\n");
    let run = AssertUnwindSafe(move || {
        crate::with_fresh_context(move || {
            let solver = z3::Solver::new();
            if timeout_ms > 0 {
                let mut p = z3::Params::new();
                p.set_u32("timeout", u32::try_from(timeout_ms).unwrap_or(u32::MAX));
                solver.set_params(&p);
            }
            solver.from_string(script);
            let parsed = solver
                .get_assertions()
                .last()
                .is_some_and(|a| a.to_string() == MARKER);
            if !parsed {
                return Err("Z3 could not parse the script".to_string());
            }
            Ok(match solver.check() {
                z3::SatResult::Sat => Some(true),
                z3::SatResult::Unsat => Some(false),
                z3::SatResult::Unknown => None,
            })
        })
    });
    catch_unwind(run).map_err(|p| crate::session::failure_reason(&p, None).to_string())?
}

/// An SMT-LIB token: a parenthesis, or an atom (quoted symbols and string
/// literals kept whole, with the whitespace before them).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            out.push(&text[start..]);
            break;
        }
        match b[i] {
            b'(' | b')' => i += 1,
            b'|' => {
                i += 1;
                while i < b.len() && b[i] != b'|' {
                    i += 1;
                }
                i = (i + 1).min(b.len());
            }
            b'"' => {
                i += 1;
                // `""` is an escaped quote inside a string literal.
                while i < b.len() {
                    if b[i] == b'"' {
                        if b.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
            }
            _ => {
                while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'(' | b')') {
                    i += 1;
                }
            }
        }
        out.push(&text[start..i]);
    }
    out
}

/// Z3's printed formulas with the `(! body :weight N)` annotations of its
/// quantifiers removed (instantiation hints for Z3 that other tools need
/// not accept): `body` alone remains.
pub fn strip_weights(text: &str) -> String {
    let toks = tokens(text);
    // For each `(`, the index of its `)`.
    let mut close = vec![usize::MAX; toks.len()];
    let mut stack = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.trim_start() {
            "(" => stack.push(i),
            ")" => {
                if let Some(o) = stack.pop() {
                    close[o] = i;
                }
            }
            _ => {}
        }
    }
    let mut skip = vec![false; toks.len()];
    for (i, t) in toks.iter().enumerate() {
        let c = close[i];
        if t.trim_start() != "(" || c == usize::MAX || c < 4 {
            continue;
        }
        let weight = toks.get(i + 1).is_some_and(|t| t.trim_start() == "!")
            && toks[c - 2].trim_start() == ":weight"
            && toks[c - 1]
                .trim_start()
                .chars()
                .all(|ch| ch.is_ascii_digit());
        if weight {
            for k in [i, i + 1, c - 2, c - 1, c] {
                skip[k] = true;
            }
        }
    }
    // The body of a removed annotation takes the whitespace before its `(`.
    let mut lead: Vec<Option<&str>> = vec![None; toks.len()];
    let mut out = String::new();
    for (i, t) in toks.iter().enumerate() {
        let ws = &t[..t.len() - t.trim_start().len()];
        let ws = lead[i].unwrap_or(ws);
        if skip[i] {
            if t.trim_start() == "(" && close[i] != usize::MAX {
                if let Some(l) = lead.get_mut(i + 2) {
                    *l = Some(ws);
                }
            }
        } else {
            out.push_str(ws);
            out.push_str(t.trim_start());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_stripped() {
        assert_eq!(
            strip_weights("(forall ((x!0 node)) (! (=> (r x!0) (s |a b|)) :weight 0))"),
            "(forall ((x!0 node)) (=> (r x!0) (s |a b|)))"
        );
        assert_eq!(
            strip_weights("(and (! p :named a) q)"),
            "(and (! p :named a) q)"
        );
        assert_eq!(
            strip_weights("(= |x :weight 0)| \"(\")"),
            "(= |x :weight 0)| \"(\")"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a.b").as_deref(), Some("a.b"));
        assert_eq!(quote("r#1").as_deref(), Some("|r#1|"));
        assert_eq!(quote("1x").as_deref(), Some("|1x|"));
        assert_eq!(quote("and").as_deref(), Some("|and|"));
        assert_eq!(quote("a|b"), None);
    }

    #[test]
    fn scripts() {
        let ok = "(declare-fun p () Bool)\n(assert (and p (not p)))";
        assert_eq!(check_script(ok, 10_000), Ok(Some(false)));
        assert_eq!(
            check_script("(declare-fun p () Bool)(assert p)", 10_000),
            Ok(Some(true))
        );
        assert!(check_script("(assert (undeclared))", 10_000).is_err());
        assert!(check_script("(assert (and", 10_000).is_err());
    }
}
