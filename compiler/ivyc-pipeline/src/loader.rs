//! The `SourceLoader` that resolves `include NAME` as the command line and
//! the language server do: `NAME.ivy` next to the including file, then in
//! each include directory, then the embedded standard library of the
//! program's language version. Open editor buffers can shadow files on
//! disk ([`DiskLoader::with_overlay`]), so an include sees unsaved edits.
//! Bytes that are not UTF-8 are replaced (U+FFFD) so the lexer can point
//! at them.

use crate::stdlib;
use ivyc_base::{FileId, SourceMap};
use ivyc_sema::{LoadError, SourceLoader};
use ivyc_syntax::LangVersion;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Read `path` into a string, replacing bytes that are not UTF-8.
pub fn read_lossy(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Resolves `include NAME` on disk (or in an overlay of open buffers),
/// then in the embedded standard library.
pub struct DiskLoader {
    include_dirs: Vec<PathBuf>,
    /// Files already loaded, by canonical path (or `<stdlib>/[VERSION/]NAME.ivy`).
    loaded: HashMap<String, FileId>,
    /// Contents that replace the disk's, by canonical path.
    overlay: HashMap<PathBuf, String>,
}

impl DiskLoader {
    pub fn new(include_dirs: &[PathBuf]) -> Self {
        DiskLoader {
            include_dirs: include_dirs.to_vec(),
            loaded: HashMap::new(),
            overlay: HashMap::new(),
        }
    }

    /// Use these texts instead of the files at these paths (editor buffers
    /// not yet saved). A path in the overlay is found even if it does not
    /// exist on disk.
    pub fn with_overlay(mut self, overlay: HashMap<PathBuf, String>) -> Self {
        self.overlay = overlay
            .into_iter()
            .map(|(p, t)| (canonical(&p), t))
            .collect();
        self
    }

    fn candidates(&self, name: &str, from: FileId, sources: &SourceMap) -> Vec<PathBuf> {
        let file = format!("{name}.ivy");
        let mut out = Vec::new();
        let including = Path::new(sources.name(from));
        if let Some(dir) = including.parent() {
            out.push(dir.join(&file));
        }
        out.extend(self.include_dirs.iter().map(|d| d.join(&file)));
        out
    }
}

/// The canonical form of `path` if it exists, else `path` itself.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl SourceLoader for DiskLoader {
    fn load(
        &mut self,
        name: &str,
        from: FileId,
        version: LangVersion,
        sources: &mut SourceMap,
    ) -> Result<FileId, LoadError> {
        // Include names are plain module names: no paths out of the project.
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(LoadError::NotFound);
        }
        for path in self.candidates(name, from, sources) {
            let canon = canonical(&path);
            let overlaid = self.overlay.get(&canon).cloned();
            if overlaid.is_none() && !path.is_file() {
                continue;
            }
            let key = canon.display().to_string();
            if let Some(id) = self.loaded.get(&key) {
                return Ok(*id);
            }
            let text = match overlaid {
                Some(t) => t,
                None => read_lossy(&path).map_err(|_| LoadError::NotFound)?,
            };
            let id = sources.add(path.display().to_string(), text);
            self.loaded.insert(key, id);
            return Ok(id);
        }
        // The library of the program's language version, as ms-ivy picks
        // `include/1.6/`, `1.7/` or `1.8/`.
        let (key, text) = stdlib::get(name, library_version(version)).ok_or(LoadError::NotFound)?;
        if let Some(id) = self.loaded.get(&key) {
            return Ok(*id);
        }
        let id = sources.add(key.clone(), text);
        self.loaded.insert(key, id);
        Ok(id)
    }
}

/// The standard library a language version reads: 1.6 up to 1.6, 1.8 from
/// 1.8 on, else 1.7.
fn library_version(v: LangVersion) -> stdlib::Version {
    if v.at_most(1, 6) {
        (1, 6)
    } else if v.at_least(1, 8) {
        (1, 8)
    } else {
        (1, 7)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_shadows_the_disk_and_stdlib_is_found() {
        let Ok(dir) = tempfile_dir() else {
            return;
        };
        let inc = dir.join("inc.ivy");
        let _ = std::fs::write(&inc, "#lang ivy1.7\ntype on_disk\n");
        let root_path = dir.join("main.ivy");
        let mut sources = SourceMap::new();
        let root = sources.add(root_path.display().to_string(), "#lang ivy1.7\n");
        let mut overlay = HashMap::new();
        overlay.insert(inc.clone(), "#lang ivy1.7\ntype in_buffer\n".to_string());
        let mut l = DiskLoader::new(&[]).with_overlay(overlay);
        let Ok(id) = l.load("inc", root, LangVersion::DEFAULT, &mut sources) else {
            panic!("include not found");
        };
        assert!(sources.source(id).contains("in_buffer"));
        let Ok(o) = l.load("order", root, LangVersion::DEFAULT, &mut sources) else {
            panic!("stdlib not found");
        };
        assert_eq!(sources.name(o), "<stdlib>/order.ivy");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::io::Result<PathBuf> {
        let d = std::env::temp_dir().join(format!("ivyc-loader-test-{}", std::process::id()));
        std::fs::create_dir_all(&d)?;
        Ok(d)
    }
}
