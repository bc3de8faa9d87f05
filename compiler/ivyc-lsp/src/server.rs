//! The server's state and main loop: open documents, their analyses and
//! last verification, requests answered from them, and the worker thread
//! that verifies on save. Only JSON-RPC goes to stdout (through
//! `lsp-server`); nothing here prints.

use crate::analysis::{self, Analysis, Input};
use crate::convert::Files;
use crate::index::{self, Index, Kind};
use crate::text::LineIndex;
use crate::verification::{self, Job, ObStatus, ObligationResult, Report};
use crossbeam_channel::{select, Receiver, Sender};
use ivyc_vc::ObligationKind;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeLensRequest, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Request as _,
    WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeLens, Command, Diagnostic, Hover, HoverContents, Location, MarkupContent, MarkupKind,
    Position, PublishDiagnosticsParams, Range, SymbolInformation, Url,
};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Settings of the server (command line and `initializationOptions`).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Where `include NAME` looks after the including file's directory.
    pub include_dirs: Vec<PathBuf>,
}

/// The last verification of a document.
struct Verified {
    version: i32,
    diagnostics: Vec<(Url, Diagnostic)>,
    obligations: Vec<ObligationResult>,
}

struct Doc {
    version: i32,
    text: String,
    analysis: Analysis,
    /// Declarations, when the analysis produced a program.
    index: Option<Index>,
    verified: Option<Verified>,
    /// Documents we published diagnostics to for this one (includes too).
    published_to: HashSet<Url>,
}

pub struct Server {
    conn: Connection,
    opts: Options,
    docs: HashMap<Url, Doc>,
    reports_tx: Sender<Report>,
    reports_rx: Receiver<Report>,
    /// The document being verified, if any (one verification at a time),
    /// and the flag that cancels it.
    running: Option<(Url, Arc<AtomicBool>)>,
    /// Documents saved while another verification ran.
    pending: Vec<Url>,
    /// The client can refresh code lenses on request.
    lens_refresh: bool,
    next_request: i32,
}

/// What to do after a message.
enum Flow {
    Continue,
    Exit,
}

impl Server {
    pub fn new(conn: Connection, opts: Options, lens_refresh: bool) -> Self {
        let (reports_tx, reports_rx) = crossbeam_channel::unbounded();
        Server {
            conn,
            opts,
            docs: HashMap::new(),
            reports_tx,
            reports_rx,
            running: None,
            pending: Vec::new(),
            lens_refresh,
            next_request: 0,
        }
    }

    /// Serve until `exit` (or the client goes away).
    pub fn run(mut self) -> Result<(), String> {
        loop {
            let receiver = self.conn.receiver.clone();
            let reports = self.reports_rx.clone();
            select! {
                recv(receiver) -> msg => {
                    let Ok(msg) = msg else { return Ok(()) };
                    if let Flow::Exit = self.message(msg)? {
                        return Ok(());
                    }
                }
                recv(reports) -> report => {
                    if let Ok(report) = report {
                        self.report(report);
                    }
                }
            }
        }
    }

    fn send(&self, msg: Message) {
        // The client is gone when this fails; the loop ends on its own.
        let _ = self.conn.sender.send(msg);
    }

    fn message(&mut self, msg: Message) -> Result<Flow, String> {
        match msg {
            Message::Request(req) => {
                if self.conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(Flow::Exit);
                }
                let id = req.id.clone();
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(req)));
                let response = match result {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "internal error: this is a bug in ivyc".into(),
                    ),
                };
                self.send(Message::Response(response));
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Ok(Flow::Exit);
                }
                let _ =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notification(n)));
            }
            Message::Response(_) => {}
        }
        Ok(Flow::Continue)
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    let d = p.text_document;
                    self.update(d.uri, d.version, d.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                {
                    // Full synchronisation: the last change is the text.
                    if let Some(c) = p.content_changes.into_iter().last() {
                        let uri = p.text_document.uri;
                        self.update(uri, p.text_document.version, c.text);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri;
                    if let Some(text) = p.text {
                        let version = self.docs.get(&uri).map(|d| d.version).unwrap_or(0);
                        self.update(uri.clone(), version, text);
                    }
                    self.verify(uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri;
                    if let Some(doc) = self.docs.remove(&uri) {
                        for target in doc.published_to {
                            self.publish_to(target, Vec::new(), None);
                        }
                    }
                    self.pending.retain(|u| *u != uri);
                }
            }
            _ => {}
        }
    }

    /// The name a document has in the source map: its path (so includes
    /// are found next to it), else its URI.
    fn input(&self, uri: &Url, text: &str) -> Input {
        let name = uri
            .to_file_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| uri.to_string());
        let overlay = self
            .docs
            .iter()
            .filter(|(u, _)| *u != uri)
            .filter_map(|(u, d)| Some((u.to_file_path().ok()?, d.text.clone())))
            .collect();
        Input {
            name,
            text: text.to_string(),
            overlay,
            include_dirs: self.opts.include_dirs.clone(),
        }
    }

    /// A new version of a document: cancel its running verification,
    /// analyse it and publish.
    fn update(&mut self, uri: Url, version: i32, text: String) {
        if let Some((running, cancel)) = &self.running {
            let changed = self.docs.get(&uri).is_none_or(|d| d.version != version);
            if *running == uri && changed {
                cancel.store(true, Ordering::Relaxed);
            }
        }
        let input = self.input(&uri, &text);
        let analysis = analysis::analyse(&input);
        let index = analysis
            .program
            .as_ref()
            .map(|p| Index::build(p, &analysis.sources));
        let (verified, published_to) = match self.docs.remove(&uri) {
            Some(d) => (d.verified, d.published_to),
            None => (None, HashSet::new()),
        };
        self.docs.insert(
            uri.clone(),
            Doc {
                version,
                text,
                analysis,
                index,
                verified,
                published_to,
            },
        );
        self.publish(&uri);
        self.reanalyse_includers(&uri);
    }

    /// Analyse again the open documents that include `changed` (directly
    /// or not), so their diagnostics follow the edit.
    fn reanalyse_includers(&mut self, changed: &Url) {
        let Ok(path) = changed.to_file_path() else {
            return;
        };
        let name = path.display().to_string();
        let includers: Vec<Url> = self
            .docs
            .iter()
            .filter(|(u, _)| *u != changed)
            .filter(|(_, d)| {
                let s = &d.analysis.sources;
                (0..s.len()).any(|f| {
                    let f = ivyc_base::FileId(f as u32);
                    f != d.analysis.root && s.name(f) == name
                })
            })
            .map(|(u, _)| u.clone())
            .collect();
        for uri in includers {
            let Some(doc) = self.docs.get(&uri) else {
                continue;
            };
            let input = self.input(&uri, &doc.text);
            let analysis = analysis::analyse(&input);
            let index = analysis
                .program
                .as_ref()
                .map(|p| Index::build(p, &analysis.sources));
            if let Some(doc) = self.docs.get_mut(&uri) {
                doc.analysis = analysis;
                doc.index = index;
                // Its verification was of the old include.
                doc.verified = None;
            }
            self.publish(&uri);
        }
    }

    /// Publish the analysis diagnostics of a document, and those of its
    /// last verification when it was of this version.
    fn publish(&mut self, uri: &Url) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let files = Files::new(&doc.analysis.sources, doc.analysis.root, uri);
        let mut by_uri: HashMap<Url, Vec<Diagnostic>> = HashMap::new();
        by_uri.insert(uri.clone(), Vec::new());
        let mut all: Vec<(Url, Diagnostic)> = doc
            .analysis
            .diagnostics
            .iter()
            .map(|d| crate::convert::diagnostic(&files, d))
            .collect();
        if let Some(v) = doc.verified.as_ref().filter(|v| v.version == doc.version) {
            all.extend(v.diagnostics.iter().cloned());
        }
        for (u, d) in all {
            let list = by_uri.entry(u).or_default();
            if !list.contains(&d) {
                list.push(d);
            }
        }
        let version = doc.version;
        let previous = doc.published_to.clone();
        let now: HashSet<Url> = by_uri.keys().cloned().collect();
        for (u, diags) in by_uri {
            let v = (u == *uri).then_some(version);
            self.publish_to(u, diags, v);
        }
        for stale in previous.difference(&now) {
            self.publish_to(stale.clone(), Vec::new(), None);
        }
        if let Some(doc) = self.docs.get_mut(uri) {
            doc.published_to = now;
        }
    }

    fn publish_to(&self, uri: Url, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }

    /// Verify a saved document on the worker (after the running one).
    fn verify(&mut self, uri: Url) {
        if self.running.is_some() {
            if !self.pending.contains(&uri) {
                self.pending.push(uri);
            }
            return;
        }
        let Some(doc) = self.docs.get(&uri) else {
            return;
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            uri: uri.clone(),
            version: doc.version,
            input: self.input(&uri, &doc.text),
            cancel: cancel.clone(),
        };
        self.running = Some((uri, cancel));
        let tx = self.reports_tx.clone();
        std::thread::spawn(move || {
            let report =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| verification::run(&job)))
                    .unwrap_or_else(|_| Report {
                        uri: job.uri.clone(),
                        version: job.version,
                        diagnostics: Vec::new(),
                        obligations: Vec::new(),
                        summary: "internal error: this is a bug in ivyc".into(),
                    });
            let _ = tx.send(report);
        });
    }

    /// A verification ended: keep it if the document has not changed since.
    fn report(&mut self, report: Report) {
        self.running = None;
        let uri = report.uri.clone();
        let current = self
            .docs
            .get(&uri)
            .is_some_and(|d| d.version == report.version);
        if current {
            if let Some(doc) = self.docs.get_mut(&uri) {
                doc.verified = Some(Verified {
                    version: report.version,
                    diagnostics: report.diagnostics,
                    obligations: report.obligations,
                });
            }
            self.publish(&uri);
            self.log(&format!("{}: {}", uri, report.summary));
            if self.lens_refresh {
                self.next_request += 1;
                let id = RequestId::from(format!("ivyc-lens-{}", self.next_request));
                self.send(Message::Request(Request::new(
                    id,
                    "workspace/codeLens/refresh".into(),
                    serde_json::Value::Null,
                )));
            }
        } else {
            self.log(&format!(
                "{uri}: the verification of version {} is dropped: the document changed",
                report.version
            ));
        }
        if !self.pending.is_empty() {
            let next = self.pending.remove(0);
            self.verify(next);
        }
    }

    fn log(&self, message: &str) {
        self.send(Message::Notification(Notification::new(
            "window/logMessage".into(),
            lsp_types::LogMessageParams {
                typ: lsp_types::MessageType::INFO,
                message: message.to_string(),
            },
        )));
    }

    fn request(&mut self, req: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        fn params<T: serde::de::DeserializeOwned>(
            v: serde_json::Value,
        ) -> Result<T, (ErrorCode, String)> {
            serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
        }
        let json = |v: Result<serde_json::Value, serde_json::Error>| {
            v.map_err(|e| (ErrorCode::InternalError, e.to_string()))
        };
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req.params)?;
                let tp = p.text_document_position_params;
                json(serde_json::to_value(
                    self.hover(&tp.text_document.uri, tp.position),
                ))
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req.params)?;
                let tp = p.text_document_position_params;
                json(serde_json::to_value(
                    self.definition(&tp.text_document.uri, tp.position),
                ))
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req.params)?;
                let tp = p.text_document_position;
                json(serde_json::to_value(self.references(
                    &tp.text_document.uri,
                    tp.position,
                    p.context.include_declaration,
                )))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req.params)?;
                let symbols = self
                    .docs
                    .get(&p.text_document.uri)
                    .map(|d| crate::symbols::document_symbols(&d.text));
                json(serde_json::to_value(
                    symbols.map(lsp_types::DocumentSymbolResponse::Nested),
                ))
            }
            CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = params(req.params)?;
                json(serde_json::to_value(self.lenses(&p.text_document.uri)))
            }
            WorkspaceSymbolRequest::METHOD => {
                let p: lsp_types::WorkspaceSymbolParams = params(req.params)?;
                json(serde_json::to_value(self.workspace_symbols(&p.query)))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unsupported request {}", req.method),
            )),
        }
    }

    /// The declaration named at a position: the document, its index, the
    /// declaration, and the range of the name.
    fn resolve(&self, uri: &Url, pos: Position) -> Option<(&Doc, &index::Decl, Range)> {
        let doc = self.docs.get(uri)?;
        let index = doc.index.as_ref()?;
        let lines = LineIndex::new(&doc.text);
        let offset = lines.offset(pos);
        let root = doc.analysis.root;
        let (word, span) = index::name_at(root, &doc.text, offset)?;
        let decl = index.resolve(&word, root, offset)?;
        Some((
            doc,
            decl,
            lines.range(span.start as usize, span.end as usize),
        ))
    }

    fn hover(&self, uri: &Url, pos: Position) -> Option<Hover> {
        let doc = self.docs.get(uri)?;
        let index = doc.index.as_ref()?;
        let files = Files::new(&doc.analysis.sources, doc.analysis.root, uri);
        let offset = LineIndex::new(&doc.text).offset(pos);
        let root = doc.analysis.root;
        // The smallest term of the checked program under the cursor.
        let term = doc
            .analysis
            .program
            .as_ref()
            .and_then(|p| index::term_at(p, root, offset));
        let markdown = |value: String, range: Option<Range>| Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range,
        };
        let (decl, range, term_first) = match self.resolve(uri, pos) {
            // A symbol: its declaration, and the sort of the application
            // it heads (`f(x) : t`) when it heads one.
            Some((_, d, r)) => {
                let lines = LineIndex::new(&doc.text);
                let heads = |t: &index::TermInfo| {
                    lines.offset(r.start) == t.span.start as usize && t.text.contains('(')
                };
                (d, Some(r), term.filter(heads))
            }
            // A logical variable: its sort, from the checked formulas.
            None if on_variable(&doc.text, offset) => {
                return Some(markdown(term?.markdown(), None));
            }
            None => {
                // Inside an invariant: the term under the cursor, then the
                // invariant; elsewhere in code: the term alone.
                match index.enclosing(root, offset, Kind::Invariant) {
                    Some(d) => (d, None, term),
                    None => return term.map(|t| markdown(t.markdown(), None)),
                }
            }
        };
        let mut value = match &term_first {
            Some(t) => format!("{}\n\n", t.markdown()),
            None => String::new(),
        };
        value.push_str(&format!("```ivy\n{}\n```", decl.detail));
        if decl.span.file != root {
            value.push_str(&format!("\n\ndeclared in `{}`", files.place(decl.span)));
        }
        if decl.kind == Kind::Invariant {
            value.push_str("\n\n");
            value.push_str(&obligations_text(doc, files.location(decl.span)));
        }
        Some(markdown(value, range))
    }

    fn definition(&self, uri: &Url, pos: Position) -> Option<lsp_types::GotoDefinitionResponse> {
        let (doc, decl, _) = self.resolve(uri, pos)?;
        let files = Files::new(&doc.analysis.sources, doc.analysis.root, uri);
        Some(lsp_types::GotoDefinitionResponse::Scalar(
            files.link_location(decl.span)?,
        ))
    }

    fn references(&self, uri: &Url, pos: Position, with_decl: bool) -> Option<Vec<Location>> {
        let (doc, decl, _) = self.resolve(uri, pos)?;
        let index = doc.index.as_ref()?;
        let files = Files::new(&doc.analysis.sources, doc.analysis.root, uri);
        let spans = index.references(decl, &doc.analysis.sources);
        Some(
            spans
                .into_iter()
                .filter(|s| {
                    with_decl
                        || !(s.file == decl.span.file
                            && decl.span.start <= s.start
                            && s.end <= decl.span.end)
                })
                .filter_map(|s| files.link_location(s))
                .collect(),
        )
    }

    /// `✓ 12/12 obligations` / `✗ fails in receive` on each invariant of
    /// the last verification, when it is of the current version.
    fn lenses(&self, uri: &Url) -> Vec<CodeLens> {
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        let Some(v) = doc.verified.as_ref().filter(|v| v.version == doc.version) else {
            return Vec::new();
        };
        let mut groups: Vec<(Location, Vec<&ObligationResult>)> = Vec::new();
        for o in &v.obligations {
            if !matches!(
                o.kind,
                ObligationKind::Initiation | ObligationKind::Consecution
            ) {
                continue;
            }
            let Some(l) = o.property.as_ref().filter(|l| l.uri == *uri) else {
                continue;
            };
            match groups.iter_mut().find(|(g, _)| g == l) {
                Some((_, list)) => list.push(o),
                None => groups.push((l.clone(), vec![o])),
            }
        }
        groups
            .into_iter()
            .map(|(l, obs)| CodeLens {
                range: l.range,
                command: Some(Command {
                    title: lens_title(&obs),
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            })
            .collect()
    }

    #[allow(deprecated)] // `SymbolInformation::deprecated` must be written out.
    fn workspace_symbols(&self, query: &str) -> Vec<SymbolInformation> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (uri, doc) in &self.docs {
            let Some(index) = &doc.index else { continue };
            let files = Files::new(&doc.analysis.sources, doc.analysis.root, uri);
            for d in &index.decls {
                if d.name.is_empty() || !d.name.contains(query) {
                    continue;
                }
                let Some(location) = files.location(d.span) else {
                    continue;
                };
                if !seen.insert((d.name.clone(), location.uri.clone(), location.range.start)) {
                    continue;
                }
                out.push(SymbolInformation {
                    name: d.name.clone(),
                    kind: symbol_kind(d.kind),
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: None,
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// Whether `offset` is on a capitalised name (a logical variable).
fn on_variable(text: &str, offset: usize) -> bool {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = text
        .get(..offset)
        .unwrap_or("")
        .rfind(|c: char| !is_name(c))
        .map(|i| i + 1)
        .unwrap_or(0);
    let word_ok = text.get(start..).and_then(|w| w.chars().next());
    word_ok.is_some_and(|c| c.is_ascii_uppercase())
        && text
            .get(start..offset)
            .is_some_and(|w| w.chars().all(is_name))
}

fn symbol_kind(k: Kind) -> lsp_types::SymbolKind {
    use lsp_types::SymbolKind as S;
    match k {
        Kind::Sort => S::STRUCT,
        Kind::Relation => S::PROPERTY,
        Kind::Function => S::FUNCTION,
        Kind::Individual => S::VARIABLE,
        Kind::EnumCtor => S::ENUM_MEMBER,
        Kind::Action => S::METHOD,
        Kind::Invariant | Kind::Property | Kind::Axiom => S::BOOLEAN,
        Kind::Isolate => S::NAMESPACE,
    }
}

fn lens_title(obs: &[&ObligationResult]) -> String {
    let failed: Vec<String> = obs
        .iter()
        .filter(|o| o.status == ObStatus::Failed || o.status == ObStatus::InternalError)
        .map(|o| o.action.clone().unwrap_or_else(|| "init".into()))
        .collect();
    let proved = obs.iter().filter(|o| o.status == ObStatus::Proved).count();
    if !failed.is_empty() {
        let mut f = failed;
        f.dedup();
        format!("✗ fails in {}", f.join(", "))
    } else if proved == obs.len() {
        format!("✓ {proved}/{} obligations", obs.len())
    } else {
        format!(
            "? {} of {} obligations undecided",
            obs.len() - proved,
            obs.len()
        )
    }
}

/// The obligations an invariant takes part in, with their status.
fn obligations_text(doc: &Doc, at: Option<Location>) -> String {
    let Some(v) = doc.verified.as_ref().filter(|v| v.version == doc.version) else {
        return "not verified in this version (save to verify)".into();
    };
    let obs: Vec<&ObligationResult> = v
        .obligations
        .iter()
        .filter(|o| at.is_some() && o.property == at)
        .collect();
    if obs.is_empty() {
        return "no obligation of the last verification".into();
    }
    let mut s = String::from("obligations:\n");
    for o in obs {
        let mark = match o.status {
            ObStatus::Proved => "✓",
            ObStatus::Failed => "✗",
            ObStatus::Undecided => "?",
            ObStatus::InternalError => "!",
        };
        s.push_str(&format!("- {mark} {}", o.title));
        if let Some(d) = o.detail.as_ref().filter(|_| o.status != ObStatus::Proved) {
            s.push_str(&format!(" — {d}"));
        }
        s.push('\n');
    }
    s
}
