// The Ivy extension: starts `ivyc lsp` (the ivyc language server, see
// docs/lsp.md) for `.ivy` files and stops it with the editor.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("ivyc");
  const command = config.get("path", "ivyc");
  const includeDirs = config.get("includeDirs", []);
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  const serverOptions = { run, debug: run };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "ivy" }],
    initializationOptions: { includeDirs },
  };
  client = new LanguageClient("ivyc", "Ivy (ivyc)", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("ivyc") && client) {
        client.restart();
      }
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
