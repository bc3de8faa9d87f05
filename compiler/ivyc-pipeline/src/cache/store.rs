//! The cache on disk: one small file per proved query, named by its key,
//! under `DIR/v<FORMAT_VERSION>/<first two hex digits>/`. An entry is
//! written to a temporary file in the same directory and renamed into
//! place, so a reader sees a whole entry or none; an entry whose content
//! is not exactly what this version writes for that key (torn, edited,
//! from another format) is a miss and is overwritten by the next proof.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::key::{Key, FORMAT_VERSION};

/// The cache directory of one run.
#[derive(Clone, Debug)]
pub struct Store {
    /// `DIR/v<FORMAT_VERSION>`.
    root: PathBuf,
}

impl Store {
    /// The store in `dir` (nothing is created until an entry is written).
    pub fn new(dir: &Path) -> Store {
        Store {
            root: dir.join(format!("v{FORMAT_VERSION}")),
        }
    }

    /// `DIR/v<FORMAT_VERSION>`, where the entries are.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &Key) -> PathBuf {
        let hex = key.hex();
        self.root.join(&hex[..2]).join(&hex)
    }

    /// The exact content of the entry of a proved query.
    fn entry(key: &Key) -> String {
        format!("ivyc-cache {FORMAT_VERSION}\n{}\nproved\n", key.hex())
    }

    /// Whether the query with this key was proved before. Anything but a
    /// well-formed entry for this very key is a miss.
    pub fn is_proved(&self, key: &Key) -> bool {
        std::fs::read(self.path(key)).is_ok_and(|bytes| bytes == Self::entry(key).as_bytes())
    }

    /// Records that the query with this key was proved (Z3 said unsat).
    pub fn record_proved(&self, key: &Key) -> std::io::Result<()> {
        let path = self.path(key);
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
        tmp.write_all(Self::entry(key).as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_proof_is_found_and_nothing_else() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        let k = Key([7; 32]);
        assert!(!store.is_proved(&k));
        store.record_proved(&k).expect("write");
        assert!(store.is_proved(&k));
        assert!(!store.is_proved(&Key([8; 32])));
        // No temporary file is left behind.
        let files: Vec<_> = std::fs::read_dir(store.path(&k).parent().expect("dir"))
            .expect("read dir")
            .collect();
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn a_damaged_entry_is_a_miss_and_is_repaired() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::new(dir.path());
        let k = Key([9; 32]);
        store.record_proved(&k).expect("write");
        let path = store.path(&k);
        let whole = std::fs::read(&path).expect("read");
        for damaged in [&whole[..whole.len() - 3], b"", b"ivyc-cache 1\nproved\n"] {
            std::fs::write(&path, damaged).expect("damage");
            assert!(!store.is_proved(&k));
        }
        // The entry of another key under this key's name is a miss too.
        std::fs::write(&path, Store::entry(&Key([1; 32]))).expect("swap");
        assert!(!store.is_proved(&k));
        store.record_proved(&k).expect("rewrite");
        assert!(store.is_proved(&k));
    }
}
