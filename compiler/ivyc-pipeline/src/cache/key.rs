//! The cache key of an obligation: a BLAKE3 hash of its query
//! (`hypotheses ∧ ¬goal` and the declarations of the sorts and symbols it
//! uses) in a canonical form, together with everything else that can
//! change Z3's answer (the solver options, the time limit and restart
//! policy, the Z3 version, ivyc's version and the cache format; not the
//! minimisation of counterexamples, which never runs on a proof).
//!
//! The canonical form does not depend on how the query was built: symbols
//! are numbered in the order they first occur in the query (not by their
//! `SymId`, which depends on allocation order), a fresh copy's `#k` suffix
//! is dropped (the number tells it apart from the other copies), and
//! names are written as strings (never interner ids). Spans are not part
//! of it, so moving an action in the file keeps the keys of its
//! obligations. Two queries with the same key are the same formula up to
//! the renaming of fresh copies, which does not change satisfiability.
//! Every list is length-prefixed and every node tagged, so the byte
//! stream determines the query.

use std::collections::HashMap;
use std::sync::Arc;

use ivyc_logic::signature::strip_fresh_suffix;
use ivyc_logic::{Role, Signature, SortId, SortKind, SymId, Term, TermKind, Var};
use ivyc_vc::{Obligation, RestartPolicy};

use ivyc_smt::Z3Options;

/// Bumped whenever the canonical form, the stored entries or the meaning
/// of a query for Z3 (the encoding in ivyc-smt) change.
pub const FORMAT_VERSION: u32 = 1;

/// The key of one obligation (32 bytes of BLAKE3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key(pub [u8; 32]);

impl Key {
    /// Lower-case hexadecimal (the entry's file name).
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What besides the query decides the solver's answer.
#[derive(Clone, Debug)]
pub struct KeyContext {
    pub z3: Z3Options,
    pub timeout_ms: u64,
    pub restarts: RestartPolicy,
    /// `ivyc_smt::z3_version()` (a parameter so that tests can vary it).
    pub z3_version: String,
}

impl KeyContext {
    /// The hasher with the context already written.
    fn seed(&self) -> blake3::Hasher {
        let mut w = Writer::default();
        w.str("ivyc verification cache");
        w.u64(u64::from(FORMAT_VERSION));
        w.str(env!("CARGO_PKG_VERSION"));
        w.str(&self.z3_version);
        w.u64(self.timeout_ms);
        w.u64(self.restarts.first_ms);
        w.u64(self.restarts.factor);
        // Not `self.z3.minimize`: minimisation only ever runs on a `sat`
        // answer, and only proofs are stored, so the command line (which
        // minimises) and the language server (which does not) share them.
        w.opt_u64(self.z3.memory_max_mb.map(u64::from));
        w.opt_u64(self.z3.random_seed.map(u64::from));
        w.opt_u64(self.z3.attempt_rlimit.map(u64::from));
        w.len(self.z3.params.len());
        for p in &self.z3.params {
            w.str(&p.name);
            w.str(&p.value);
        }
        w.h
    }
}

/// The keys of many obligations. Obligations sharing their hypotheses
/// (and signature) share the hashing of the hypotheses.
pub struct Keys {
    seed: blake3::Hasher,
    /// The state after the hypotheses, per (signature, hypotheses)
    /// allocation: both are shared by the obligations of one action.
    after_hyps: HashMap<(usize, usize), Writer>,
}

impl Keys {
    pub fn new(ctx: &KeyContext) -> Keys {
        Keys {
            seed: ctx.seed(),
            after_hyps: HashMap::new(),
        }
    }

    /// The key of one obligation.
    pub fn key(&mut self, ob: &Obligation) -> Key {
        let id = (
            Arc::as_ptr(&ob.sig) as usize,
            Arc::as_ptr(&ob.hypotheses) as *const Term as usize,
        );
        let mut w = match self.after_hyps.get(&id) {
            Some(w) => w.clone(),
            None => {
                let mut w = Writer {
                    h: self.seed.clone(),
                    ..Writer::default()
                };
                w.len(ob.hypotheses.len());
                for t in ob.hypotheses.iter() {
                    w.term(&ob.sig, t);
                }
                self.after_hyps.insert(id, w.clone());
                w
            }
        };
        w.tag(b'G');
        w.term(&ob.sig, &ob.goal);
        Key(*w.h.finalize().as_bytes())
    }
}

/// The canonical byte stream, written straight into the hasher.
#[derive(Clone, Default)]
struct Writer {
    h: blake3::Hasher,
    /// Canonical number of each symbol seen so far.
    syms: HashMap<SymId, u64>,
    /// Canonical number of each sort seen so far.
    sorts: HashMap<SortId, u64>,
}

impl Writer {
    fn tag(&mut self, t: u8) {
        self.h.update(&[t]);
    }

    fn u64(&mut self, n: u64) {
        self.h.update(&n.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    fn bool(&mut self, b: bool) {
        self.tag(u8::from(b));
    }

    fn opt_u64(&mut self, n: Option<u64>) {
        match n {
            None => self.tag(0),
            Some(n) => {
                self.tag(1);
                self.u64(n);
            }
        }
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.h.update(s.as_bytes());
    }

    /// A sort: its number if seen, else its declaration (name and kind).
    fn sort(&mut self, sig: &Signature, s: SortId) {
        if let Some(&n) = self.sorts.get(&s) {
            self.tag(b's');
            self.u64(n);
            return;
        }
        let n = self.sorts.len() as u64;
        self.sorts.insert(s, n);
        self.tag(b'S');
        if s.index() >= sig.num_sorts() {
            // Not a sort of this signature: the encoder refuses it; keep
            // the key distinct anyway.
            self.u64(u64::from(s.0));
            return;
        }
        let d = sig.sort(s);
        self.str(d.name.as_str());
        match &d.kind {
            SortKind::Bool => self.tag(0),
            SortKind::Uninterpreted => self.tag(1),
            SortKind::Enum(ctors) => {
                self.tag(2);
                self.len(ctors.len());
                for c in ctors {
                    self.str(c.as_str());
                }
            }
            SortKind::Int => self.tag(3),
            SortKind::Nat => self.tag(4),
            SortKind::Range { lo, hi } => {
                self.tag(5);
                self.h.update(&lo.to_le_bytes());
                match hi {
                    ivyc_logic::Bound::Num(hi) => {
                        self.tag(0);
                        self.h.update(&hi.to_le_bytes());
                    }
                    // A symbolic bound: the symbol (its name, sorts, role).
                    ivyc_logic::Bound::Sym(b) => {
                        self.tag(1);
                        self.sym(sig, *b);
                    }
                }
            }
            SortKind::BitVec(w) => {
                self.tag(6);
                self.u64(u64::from(*w));
            }
            SortKind::Str => self.tag(7),
        }
    }

    /// A symbol: its number if seen, else its declaration (name without
    /// the fresh-copy suffix, role, argument and result sorts).
    fn sym(&mut self, sig: &Signature, f: SymId) {
        if let Some(&n) = self.syms.get(&f) {
            self.tag(b'f');
            self.u64(n);
            return;
        }
        let n = self.syms.len() as u64;
        self.syms.insert(f, n);
        self.tag(b'F');
        if f.index() >= sig.num_symbols() {
            self.u64(u64::from(f.0));
            return;
        }
        let d = sig.symbol(f);
        self.str(strip_fresh_suffix(d.name.as_str()));
        self.tag(match d.role {
            Role::State => 0,
            Role::Rigid => 1,
            Role::EnumCtor => 2,
            Role::Local => 3,
        });
        self.len(d.args.len());
        for a in &d.args {
            self.sort(sig, *a);
        }
        self.sort(sig, d.ret);
    }

    fn var(&mut self, sig: &Signature, v: &Var) {
        self.str(v.name.as_str());
        self.sort(sig, v.sort);
    }

    fn terms(&mut self, sig: &Signature, ts: &[Term]) {
        self.len(ts.len());
        for t in ts {
            self.term(sig, t);
        }
    }

    fn term(&mut self, sig: &Signature, t: &Term) {
        match &t.kind {
            TermKind::Bool(b) => {
                self.tag(b'b');
                self.bool(*b);
            }
            TermKind::Num(n, s) => {
                self.tag(b'n');
                self.h.update(&n.to_le_bytes());
                self.sort(sig, *s);
            }
            TermKind::Str(text, s) => {
                self.tag(b'q');
                self.str(text.as_str());
                self.sort(sig, *s);
            }
            TermKind::Var(v) => {
                self.tag(b'v');
                self.var(sig, v);
            }
            TermKind::App(f, args) => {
                self.tag(b'a');
                self.sym(sig, *f);
                self.terms(sig, args);
            }
            TermKind::Eq(a, b) => {
                self.tag(b'=');
                self.term(sig, a);
                self.term(sig, b);
            }
            TermKind::Not(a) => {
                self.tag(b'~');
                self.term(sig, a);
            }
            TermKind::And(ts) => {
                self.tag(b'&');
                self.terms(sig, ts);
            }
            TermKind::Or(ts) => {
                self.tag(b'|');
                self.terms(sig, ts);
            }
            TermKind::Implies(a, b) => {
                self.tag(b'>');
                self.term(sig, a);
                self.term(sig, b);
            }
            TermKind::Iff(a, b) => {
                self.tag(b'<');
                self.term(sig, a);
                self.term(sig, b);
            }
            TermKind::Ite(c, a, b) => {
                self.tag(b'?');
                self.term(sig, c);
                self.term(sig, a);
                self.term(sig, b);
            }
            TermKind::Forall(vs, body) | TermKind::Exists(vs, body) => {
                self.tag(if matches!(t.kind, TermKind::Forall(..)) {
                    b'A'
                } else {
                    b'E'
                });
                self.len(vs.len());
                for v in vs {
                    self.var(sig, v);
                }
                self.term(sig, body);
            }
            TermKind::Builtin(op, args) => {
                self.tag(b'o');
                self.str(op.as_str());
                self.terms(sig, args);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ivyc_base::SourceMap;
    use ivyc_sema::MemoryLoader;

    const PROGRAM: &str = "#lang ivy1.7
type node
relation token(N:node)
relation held(N:node)
after init { token(N) := false; held(N) := false }
action grab(n:node) = { require ~held(n); token(n) := true }
action drop(n:node) = { token(n) := false; held(n) := false }
export grab
export drop
invariant [safe] token(N) -> ~held(N)
invariant [excl] held(N) & held(M) -> N = M
";

    fn ctx() -> KeyContext {
        KeyContext {
            z3: Z3Options::default(),
            timeout_ms: 60_000,
            restarts: RestartPolicy::default(),
            z3_version: "Z3 test".into(),
        }
    }

    /// The obligations of `text` (parsed from scratch each time).
    fn obligations(text: &str) -> Vec<Obligation> {
        let mut sources = SourceMap::new();
        let root = sources.add("t.ivy", text);
        let mut loader = MemoryLoader::new();
        let analysis = crate::front::analyse(&mut sources, root, &mut loader);
        let program = analysis.program.expect("the test program checks");
        let units = crate::front::units(&program).expect("the test program lowers");
        units
            .iter()
            .flat_map(|u| ivyc_vc::obligations(&u.system))
            .collect()
    }

    fn keys(text: &str, ctx: &KeyContext) -> Vec<(String, Key)> {
        let mut k = Keys::new(ctx);
        obligations(text)
            .iter()
            .map(|o| (o.title(), k.key(o)))
            .collect()
    }

    #[test]
    fn the_same_program_parsed_twice_has_the_same_keys() {
        let a = keys(PROGRAM, &ctx());
        // Other symbols interned and allocated first must not matter.
        let _ = obligations("#lang ivy1.7\ntype other\nrelation unrelated(X:other)\n");
        let b = keys(PROGRAM, &ctx());
        assert_eq!(a.len(), 6);
        assert_eq!(a, b);
    }

    #[test]
    fn the_keys_of_one_program_are_distinct() {
        let a = keys(PROGRAM, &ctx());
        let mut ks: Vec<Key> = a.iter().map(|(_, k)| *k).collect();
        ks.sort_by_key(|k| k.0);
        ks.dedup();
        assert_eq!(ks.len(), a.len());
    }

    #[test]
    fn renaming_a_symbol_changes_the_keys() {
        let a = keys(PROGRAM, &ctx());
        let b = keys(&PROGRAM.replace("held", "owned"), &ctx());
        assert_eq!(a.len(), b.len());
        for ((ta, ka), (_, kb)) in a.iter().zip(&b) {
            assert_ne!(ka, kb, "{ta}");
        }
    }

    #[test]
    fn the_options_are_part_of_the_key() {
        let a = keys(PROGRAM, &ctx());
        let changes: Vec<KeyContext> = vec![
            KeyContext {
                timeout_ms: 1_000,
                ..ctx()
            },
            KeyContext {
                z3_version: "Z3 other".into(),
                ..ctx()
            },
            KeyContext {
                restarts: RestartPolicy::none(),
                ..ctx()
            },
            KeyContext {
                z3: Z3Options {
                    random_seed: Some(7),
                    ..Z3Options::default()
                },
                ..ctx()
            },
            KeyContext {
                z3: Z3Options {
                    params: vec![ivyc_smt::Z3Param::new("smt.mbqi", "false")],
                    ..Z3Options::default()
                },
                ..ctx()
            },
        ];
        for c in changes {
            let b = keys(PROGRAM, &c);
            for ((t, ka), (_, kb)) in a.iter().zip(&b) {
                assert_ne!(ka, kb, "{t} under {c:?}");
            }
        }
    }

    #[test]
    fn minimisation_is_not_part_of_the_key() {
        let minimise = KeyContext {
            z3: Z3Options {
                minimize: true,
                ..Z3Options::default()
            },
            ..ctx()
        };
        assert_eq!(keys(PROGRAM, &ctx()), keys(PROGRAM, &minimise));
    }

    #[test]
    fn editing_one_action_keeps_the_keys_of_the_others() {
        let a = keys(PROGRAM, &ctx());
        // A blank line above shifts every span; `drop` gets a guard.
        let edited = PROGRAM.replace("type node\n", "type node\n\n").replace(
            "{ token(n) := false; held(n) := false }",
            "{ require held(n); token(n) := false; held(n) := false }",
        );
        let b = keys(&edited, &ctx());
        for ((t, ka), (_, kb)) in a.iter().zip(&b) {
            if t.contains(" in drop") {
                assert_ne!(ka, kb, "{t}");
            } else {
                assert_eq!(ka, kb, "{t}");
            }
        }
    }
}
