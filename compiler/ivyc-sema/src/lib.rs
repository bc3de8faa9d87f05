//! ivyc-sema: semantic analysis of Ivy (1.3 to 1.8, with each language
//! version's meaning: `version.rs`) — includes (through a
//! [`SourceLoader`]), names, module/object flattening, monitors, sort
//! checking — producing the checked, flattened [`Program`].

mod autoinst;
mod check;
mod class;
mod decls;
pub mod dump;
mod elab;
pub mod error;
pub mod extract_unit;
mod fields;
mod for_loop;
mod interp;
pub mod lower;
mod macros;
mod mixin;
mod named;
pub mod native;
pub mod program;
mod proof;
mod stmt;
mod temporal;
mod temporal_auto;
pub mod treatment;
mod uninterpret;
mod variant;
pub mod version;
mod witness;

pub use error::SemaError;
pub use program::{
    parse_bmc_method, ActionDef, ActionId, AssertKind, Block, Definition, Destructor, IsolateDef,
    Origin, Program, Section, StateChoice, Stmt, StmtKind,
};

use ivyc_base::{FileId, SourceMap, Span, Symbol};
use ivyc_syntax::{ast, LangVersion};
use std::collections::HashMap;
use std::rc::Rc;

/// Why an include could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotFound,
}

/// Finds and reads included files. Resolution order (next to the including
/// file, `-I` directories, the standard library) is the implementor's job.
pub trait SourceLoader {
    /// Loads `name` (as written after `include`, without `.ivy`) included
    /// from `from`, adds it to `sources` and returns its id. Loading the same
    /// file twice should return the same id. `version` is the program's
    /// language version (the root file's), so a standard library can be
    /// chosen by version as ms-ivy does (`include/1.6/`, `1.7/`, `1.8/`).
    fn load(
        &mut self,
        name: &str,
        from: FileId,
        version: LangVersion,
        sources: &mut SourceMap,
    ) -> Result<FileId, LoadError>;
}

/// An in-memory loader (name -> text), for tests and embedding.
#[derive(Default)]
pub struct MemoryLoader {
    pub files: HashMap<String, String>,
    loaded: HashMap<String, FileId>,
}

impl MemoryLoader {
    pub fn new() -> Self {
        MemoryLoader::default()
    }

    pub fn with(mut self, name: &str, text: &str) -> Self {
        self.files.insert(name.to_string(), text.to_string());
        self
    }
}

impl SourceLoader for MemoryLoader {
    fn load(
        &mut self,
        name: &str,
        _from: FileId,
        _version: LangVersion,
        sources: &mut SourceMap,
    ) -> Result<FileId, LoadError> {
        if let Some(id) = self.loaded.get(name) {
            return Ok(*id);
        }
        let text = self.files.get(name).ok_or(LoadError::NotFound)?;
        let id = sources.add(format!("{name}.ivy"), text.clone());
        self.loaded.insert(name.to_string(), id);
        Ok(id)
    }
}

struct Loading<'l> {
    sources: &'l mut SourceMap,
    loader: &'l mut dyn SourceLoader,
    files: HashMap<FileId, ast::File>,
    includes: HashMap<Span, FileId>,
    errors: Vec<SemaError>,
    stack: Vec<(FileId, Symbol)>,
    /// The root file, which the loader did not load itself.
    root: FileId,
    /// The program's language version (the root file's) and its text as
    /// written on the root's `#lang` line (`1.7` when it names none).
    version: LangVersion,
    version_text: Symbol,
}

impl Loading<'_> {
    /// The loader may hand back the root file under a fresh id (it was
    /// added to the source map by the caller, not through the loader);
    /// such a file is the root itself.
    fn same_as_root(&self, fid: FileId) -> bool {
        if fid == self.root {
            return true;
        }
        let (a, b) = (self.sources.name(fid), self.sources.name(self.root));
        if a == b {
            return true;
        }
        match (std::fs::canonicalize(a).ok(), std::fs::canonicalize(b).ok()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    fn parse(&mut self, id: FileId, name: Symbol, include: Option<Span>) {
        let text = self.sources.source(id).to_string();
        let (file, errs) = ivyc_syntax::parse_in(id, &text, self.version);
        self.errors.extend(errs.into_iter().map(SemaError::Syntax));
        match include {
            // The root file decides the program's version.
            None => {
                self.version = file.version;
                if let Some(v) = file.lang.as_ref().and_then(|l| l.version) {
                    self.version_text = v;
                }
            }
            // ms-ivy refuses an included file whose `#lang` names another
            // version (comparing the texts); `#lang ivy` names none.
            Some(span) => {
                if let Some((lang, v)) = file.lang.as_ref().and_then(|l| Some((l.span, l.version?)))
                {
                    if v != self.version_text {
                        self.errors.push(SemaError::IncludeLangMismatch {
                            name,
                            span,
                            lang,
                            found: v,
                            expected: self.version_text,
                        });
                    }
                }
            }
        }
        self.stack.push((id, name));
        let mut incs = Vec::new();
        for d in &file.decls {
            if let ast::DeclKind::Include(i) = &d.kind {
                incs.push(i.clone());
            }
        }
        self.files.insert(id, file);
        for inc in incs {
            if !is_module_name(inc.as_str()) {
                self.errors.push(SemaError::IncludePath {
                    name: inc.name,
                    span: inc.span,
                });
                continue;
            }
            match self
                .loader
                .load(inc.as_str(), id, self.version, self.sources)
            {
                Err(LoadError::NotFound) => self.errors.push(SemaError::IncludeNotFound {
                    name: inc.name,
                    span: inc.span,
                }),
                Ok(fid) => {
                    let fid = if self.same_as_root(fid) {
                        self.root
                    } else {
                        fid
                    };
                    if self.stack.iter().any(|(f, _)| *f == fid) {
                        let mut chain: Vec<Symbol> = self.stack.iter().map(|(_, n)| *n).collect();
                        chain.push(inc.name);
                        self.errors.push(SemaError::IncludeCycle {
                            name: inc.name,
                            span: inc.span,
                            chain,
                        });
                        continue;
                    }
                    self.includes.insert(inc.span, fid);
                    if !self.files.contains_key(&fid) {
                        self.parse(fid, inc.name, Some(inc.span));
                    }
                }
            }
        }
        self.stack.pop();
    }
}

/// Sort key of an error: its primary position (the sort is stable, so
/// errors at one position keep the order they were found in).
fn source_order(e: &SemaError) -> Option<(FileId, u32)> {
    let span = match e {
        SemaError::Syntax(s) => Some(s.span()),
        e => e.span(),
    };
    span.map(|s| (s.file, s.start))
}

/// Parses `root` and every file it includes, then checks the whole program.
/// Returns the program (`None` only when errors make it unusable, e.g. an
/// unresolved include or a syntax error) and all errors found.
pub fn check(
    root: FileId,
    sources: &mut SourceMap,
    loader: &mut dyn SourceLoader,
) -> (Option<Program>, Vec<SemaError>) {
    let root_name = Symbol::intern(sources.name(root));
    let mut l = Loading {
        sources,
        loader,
        files: HashMap::new(),
        includes: HashMap::new(),
        errors: Vec::new(),
        stack: Vec::new(),
        root,
        version: LangVersion::DEFAULT,
        version_text: Symbol::intern(&LangVersion::DEFAULT.to_string()),
    };
    l.parse(root, root_name, None);
    let Loading {
        files,
        includes,
        errors: load_errors,
        ..
    } = l;
    let Some(rootfile) = files.get(&root) else {
        return (None, load_errors);
    };
    let mut ck = check::Checker::new(&includes, &files);
    ck.version = rootfile.version;
    ck.included.insert(root);
    ck.flatten(&rootfile.decls, Rc::new(check::Env::default()));
    ck.run_passes();
    let (prog, errs) = ck.finish();
    let fatal = load_errors
        .iter()
        .any(|e| !matches!(e, SemaError::Syntax(s) if s.is_warning()));
    // Each group in source order (file, then position); errors found while
    // loading (syntax, includes) come first, as the others may follow from them.
    let mut all = load_errors;
    all.sort_by_key(source_order);
    let mut errs = errs;
    errs.sort_by_key(source_order);
    all.extend(errs);
    if fatal {
        (None, all)
    } else {
        (Some(prog), all)
    }
}

/// Whether `include NAME` names a module (a file in a search directory)
/// rather than a path: no separators, no `..`, no leading `.`, no quotes.
fn is_module_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '"', '\0'])
        && !name.contains("..")
}
