//! The cache on disk: the keys of proved queries in pack files under
//! `DIR/v<FORMAT_VERSION>/`. A run reads every pack once, then writes the
//! keys it proved as one new pack (creating one file per proof costs about
//! a millisecond each on a journaling file system, more than solving an
//! easy obligation). A pack is written to a temporary file and renamed into
//! place, so a reader sees a whole pack or none; it ends with its key count
//! and the BLAKE3 hash of everything before, and a pack that does not
//! check (torn, edited, of another format) is ignored as a whole: its keys
//! are misses. When more than [`MAX_PACKS`] packs (or a damaged one) were
//! read, the run merges everything it read and proved into one pack and
//! deletes the packs it read; a concurrent run that still lists a deleted
//! pack only misses its keys. Entries are not synced to disk: a pack lost
//! in a crash is only misses.
//!
//! Eviction: the cache holds at most [`MAX_KEYS`] keys. A run that would
//! go beyond merges, keeping first the keys it used (its cache hits and its
//! new proofs), then the keys of the most recently written packs, up to
//! three quarters of the limit (so that the next runs do not merge again
//! at once); the rest are forgotten (misses, solved again when needed). The
//! directories of other format versions (`DIR/v<N>`, unreadable by this
//! ivyc) are deleted by a merge.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::key::{Key, FORMAT_VERSION};

/// Packs read beyond which a run merges them into one.
pub const MAX_PACKS: usize = 16;

/// Keys kept at most (65 bytes each on disk: about 16 MB).
pub const MAX_KEYS: usize = 250_000;

/// The cache directory of one run, with the keys read from it.
#[derive(Debug)]
pub struct Store {
    /// `DIR/v<FORMAT_VERSION>`.
    root: PathBuf,
    proved: HashSet<Key>,
    /// The pack files read (valid or not).
    packs: Vec<PathBuf>,
    /// The keys of each valid pack, the most recently written first.
    by_age: Vec<Vec<Key>>,
    /// Some pack read did not check.
    damaged: bool,
    /// [`MAX_KEYS`] (smaller in tests).
    max_keys: usize,
}

impl Store {
    /// The store in `dir`, with every valid pack read (a missing
    /// directory is an empty cache; nothing is created until a write).
    pub fn open(dir: &Path) -> Store {
        Store::open_with_limit(dir, MAX_KEYS)
    }

    /// [`Store::open`] keeping at most `max_keys` keys.
    pub fn open_with_limit(dir: &Path, max_keys: usize) -> Store {
        let root = dir.join(format!("v{FORMAT_VERSION}"));
        let mut store = Store {
            root,
            proved: HashSet::new(),
            packs: Vec::new(),
            by_age: Vec::new(),
            damaged: false,
            max_keys,
        };
        let Ok(entries) = std::fs::read_dir(&store.root) else {
            return store;
        };
        let mut aged = Vec::new();
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "pack") {
                match std::fs::read(&path).ok().and_then(|b| parse_pack(&b)) {
                    Some(keys) => {
                        store.proved.extend(keys.iter().copied());
                        let written = e.metadata().and_then(|m| m.modified()).ok();
                        aged.push((written, keys));
                    }
                    None => store.damaged = true,
                }
                store.packs.push(path);
            }
        }
        aged.sort_by_key(|a| std::cmp::Reverse(a.0));
        store.by_age = aged.into_iter().map(|(_, k)| k).collect();
        store
    }

    /// `DIR/v<FORMAT_VERSION>`, where the packs are.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// Whether the query with this key was proved before.
    pub fn is_proved(&self, key: &Key) -> bool {
        self.proved.contains(key)
    }

    /// Records that the queries with these keys were proved (Z3 said
    /// unsat): one new pack with those not known yet, or one pack with
    /// everything when the packs read should be merged.
    pub fn record_proved(&self, keys: &[Key]) -> std::io::Result<()> {
        self.record(keys, &[])
    }

    /// [`Store::record_proved`] for the new proofs `keys` of a run that
    /// also used the proofs `hits`: a merge keeps both first when it
    /// evicts.
    pub fn record(&self, keys: &[Key], hits: &[Key]) -> std::io::Result<()> {
        let merge = self.damaged
            || self.packs.len() > MAX_PACKS
            || self.proved.len() + keys.len() > self.max_keys;
        let mut new: Vec<Key> = if merge {
            self.kept(keys, hits)
        } else {
            keys.iter()
                .filter(|k| !self.proved.contains(k))
                .copied()
                .collect()
        };
        new.sort_by_key(|k| k.0);
        new.dedup();
        if new.is_empty() && !merge {
            return Ok(());
        }
        std::fs::create_dir_all(&self.root)?;
        let text = pack_text(&new);
        let name = format!("{}.pack", &Key(*blake3::hash(&text).as_bytes()).hex()[..32]);
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.root)?;
        tmp.write_all(&text)?;
        let target = self.root.join(&name);
        tmp.persist(&target).map_err(|e| e.error)?;
        if merge {
            for p in self.packs.iter().filter(|p| **p != target) {
                // Another run may have merged it away already.
                let _ = std::fs::remove_file(p);
            }
            self.remove_other_versions();
        }
        Ok(())
    }

    /// What a merge keeps: the new proofs and the hits, then the keys of
    /// the newest packs; when that is more than `max_keys`, three quarters
    /// of `max_keys` in all.
    fn kept(&self, keys: &[Key], hits: &[Key]) -> Vec<Key> {
        let limit = if self.proved.len() + keys.len() > self.max_keys {
            self.max_keys - self.max_keys / 4
        } else {
            usize::MAX
        };
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let packs = self.by_age.iter().flatten();
        for k in keys.iter().chain(hits).chain(packs) {
            if out.len() >= limit {
                break;
            }
            if seen.insert(*k) {
                out.push(*k);
            }
        }
        out
    }

    /// Deletes `DIR/v<N>` for every format version N but this one.
    fn remove_other_versions(&self) {
        let Some(dir) = self.root.parent() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let other = name
                .strip_prefix('v')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if other && e.path() != self.root {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// The header line of a pack.
fn header() -> String {
    format!("ivyc-cache {FORMAT_VERSION}\n")
}

/// A pack: the header, one key per line, then `end N HASH` (the number of
/// keys and the BLAKE3 hash of everything before that line).
fn pack_text(keys: &[Key]) -> Vec<u8> {
    let mut text = header();
    for k in keys {
        text.push_str(&k.hex());
        text.push('\n');
    }
    let hash = Key(*blake3::hash(text.as_bytes()).as_bytes()).hex();
    text.push_str(&format!("end {} {hash}\n", keys.len()));
    text.into_bytes()
}

/// The keys of a pack, or `None` if it does not check.
fn parse_pack(bytes: &[u8]) -> Option<Vec<Key>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
    let (body, last) = text.split_at(body_end);
    let mut end = last.strip_suffix('\n')?.split(' ');
    let (Some("end"), Some(n), Some(hash), None) = (end.next(), end.next(), end.next(), end.next())
    else {
        return None;
    };
    if hash != Key(*blake3::hash(body.as_bytes()).as_bytes()).hex() {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != header().trim_end() {
        return None;
    }
    let keys: Vec<Key> = lines.map(parse_key).collect::<Option<_>>()?;
    (keys.len() == n.parse::<usize>().ok()?).then_some(keys)
}

fn parse_key(hex: &str) -> Option<Key> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(Key(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn recorded_proofs_are_found_and_nothing_else() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path());
        assert!(!store.is_proved(&Key([7; 32])));
        store
            .record_proved(&[Key([7; 32]), Key([3; 32])])
            .expect("write");
        let store = Store::open(dir.path());
        assert!(store.is_proved(&Key([7; 32])));
        assert!(store.is_proved(&Key([3; 32])));
        assert!(!store.is_proved(&Key([8; 32])));
        // One pack, no temporary file left behind; known keys are not
        // written again.
        assert_eq!(files(store.dir()).len(), 1);
        store.record_proved(&[Key([7; 32])]).expect("write");
        assert_eq!(files(store.dir()).len(), 1);
    }

    #[test]
    fn a_damaged_pack_is_a_miss_and_is_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let k = Key([9; 32]);
        Store::open(dir.path()).record_proved(&[k]).expect("write");
        let store = Store::open(dir.path());
        let [path] = files(store.dir()).try_into().expect("one pack");
        let whole = std::fs::read(&path).expect("read");
        let mut flipped = whole.clone();
        flipped[20] ^= 1;
        let other = pack_text(&[Key([1; 32])]);
        let recount = String::from_utf8(whole.clone())
            .expect("text")
            .replace("end 1 ", "end 2 ");
        for damaged in [
            &whole[..whole.len() - 3],
            &whole[..whole.len() / 2],
            b"",
            &flipped,
            recount.as_bytes(),
            b"ivyc-cache 1\nproved\n",
        ] {
            std::fs::write(&path, damaged).expect("damage");
            assert!(!Store::open(dir.path()).is_proved(&k));
        }
        // A valid pack of other keys is not this key's proof.
        std::fs::write(&path, &other).expect("swap");
        assert!(!Store::open(dir.path()).is_proved(&k));
        // Garbage: the next proofs are written and the damaged pack goes.
        std::fs::write(&path, b"garbage").expect("damage");
        let store = Store::open(dir.path());
        store.record_proved(&[k]).expect("rewrite");
        let store = Store::open(dir.path());
        assert!(store.is_proved(&k));
        assert_eq!(files(store.dir()).len(), 1);
    }

    #[test]
    fn beyond_the_limit_the_oldest_keys_go_and_the_used_ones_stay() {
        let dir = tempfile::tempdir().expect("temp dir");
        let old = [Key([1; 32]), Key([2; 32])];
        let used = Key([3; 32]);
        Store::open(dir.path())
            .record_proved(&[old[0], old[1], used])
            .expect("write");
        // A newer pack, written a moment later.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let newer = Key([4; 32]);
        Store::open(dir.path())
            .record_proved(&[newer])
            .expect("write");
        // A stale format version beside it.
        let stale = dir.path().join("v0");
        std::fs::create_dir_all(&stale).expect("mkdir");
        // Limit 4, five keys: three kept, the new proof, the hit, then the
        // newest pack's key.
        let fresh = Key([5; 32]);
        Store::open_with_limit(dir.path(), 4)
            .record(&[fresh], &[used])
            .expect("write");
        let store = Store::open(dir.path());
        for k in [fresh, used, newer] {
            assert!(store.is_proved(&k));
        }
        for k in old {
            assert!(!store.is_proved(&k), "evicted");
        }
        assert_eq!(files(store.dir()).len(), 1, "merged");
        assert!(!stale.exists(), "other format versions are deleted");
    }

    #[test]
    fn many_packs_are_merged_into_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        for i in 0..=MAX_PACKS as u8 + 1 {
            Store::open(dir.path())
                .record_proved(&[Key([i; 32])])
                .expect("write");
        }
        let store = Store::open(dir.path());
        assert_eq!(files(store.dir()).len(), 1, "merged");
        for i in 0..=MAX_PACKS as u8 + 1 {
            assert!(store.is_proved(&Key([i; 32])));
        }
    }
}
