//! The Ivy language server (`ivyc lsp`): LSP 3.17 over stdio, built on
//! `lsp-server` and `lsp-types` and the library pipeline (`ivyc-pipeline`).
//! On open and change: parse, sema (includes and the embedded stdlib as
//! the CLI resolves them) and the decidable-fragment check, published as
//! diagnostics; on save: verification on a worker thread, failed
//! obligations on their invariant or assertion. Hover, go to definition,
//! references, document and workspace symbols, and code lenses on
//! invariants. See docs/lsp.md.

mod analysis;
mod convert;
mod index;
mod server;
mod symbols;
mod text;
mod verification;

pub use server::Options;
pub use verification::CODE_UNDECIDED;

use lsp_server::Connection;
use lsp_types::{
    CodeLensOptions, HoverProviderCapability, OneOf, PositionEncodingKind, SaveOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions,
};

/// What the server can do.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        ..Default::default()
    }
}

/// Serve the Language Server Protocol on stdin/stdout until the client
/// sends `exit`. Errors are protocol failures (the client went away or
/// broke the protocol).
pub fn run_stdio(mut opts: Options) -> Result<(), String> {
    let (conn, io) = Connection::stdio();
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let init: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    // `initializationOptions: { "includeDirs": [...] }` adds include dirs.
    if let Some(dirs) = init
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("includeDirs"))
        .and_then(|d| d.as_array())
    {
        opts.include_dirs
            .extend(dirs.iter().filter_map(|d| d.as_str()).map(Into::into));
    }
    let lens_refresh = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.code_lens.as_ref())
        .and_then(|c| c.refresh_support)
        .unwrap_or(false);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "ivyc", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    server::Server::new(conn, opts, lens_refresh).run()?;
    io.join().map_err(|e| e.to_string())
}
