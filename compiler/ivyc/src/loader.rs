//! Reading source files from disk into the source map, and the disk
//! `SourceLoader` for `include`: next to the including file, then each
//! `-I` directory, then the embedded standard library. Bytes that are not
//! UTF-8 are replaced (U+FFFD) so the lexer can point at them.

use crate::stdlib;
use ivyc_base::{FileId, SourceMap};
use ivyc_sema::{LoadError, SourceLoader};
use ivyc_syntax::LangVersion;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file name that means standard input.
pub const STDIN: &str = "-";

/// Read `path` into `sources` (`-`: standard input, named `<stdin>`, its
/// includes looked up from the current directory), returning its id, or a
/// message on failure.
pub fn load(sources: &mut SourceMap, path: &Path) -> Result<FileId, String> {
    if path == Path::new(STDIN) {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(sources.add("<stdin>".to_string(), text_of(bytes)));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(sources.add(path.display().to_string(), text_of(bytes)))
}

/// The text of `bytes`, with what is not UTF-8 replaced.
fn text_of(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// Resolves `include NAME` on disk, then in the embedded standard library.
pub struct DiskLoader {
    include_dirs: Vec<PathBuf>,
    /// Files already loaded, by canonical path (or `<stdlib>/[VERSION/]NAME.ivy`).
    loaded: HashMap<String, FileId>,
}

impl DiskLoader {
    pub fn new(include_dirs: &[PathBuf]) -> Self {
        DiskLoader {
            include_dirs: include_dirs.to_vec(),
            loaded: HashMap::new(),
        }
    }

    fn candidates(&self, name: &str, from: FileId, sources: &SourceMap) -> Vec<PathBuf> {
        let file = format!("{name}.ivy");
        let mut out = Vec::new();
        let including = Path::new(sources.name(from));
        match including.parent() {
            Some(dir) if sources.name(from) != "<stdin>" => out.push(dir.join(&file)),
            _ => out.push(PathBuf::from(&file)),
        }
        out.extend(self.include_dirs.iter().map(|d| d.join(&file)));
        out
    }
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
            if !path.is_file() {
                continue;
            }
            let key = path
                .canonicalize()
                .unwrap_or_else(|_| path.clone())
                .display()
                .to_string();
            if let Some(id) = self.loaded.get(&key) {
                return Ok(*id);
            }
            return match load(sources, &path) {
                Ok(id) => {
                    self.loaded.insert(key, id);
                    Ok(id)
                }
                Err(_) => Err(LoadError::NotFound),
            };
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
