#!/usr/bin/env bash
# Packages the VS Code extension (editors/vscode) with the standard tooling
# (`npm install`, then `@vscode/vsce package`), in a temporary copy of the
# folder so that no node_modules lands in the repository, and checks the
# package: a .vsix (a zip) holding the manifest, the client, the grammar
# and the language client library.
#
#   scripts/package-vscode.sh [OUT_DIR]
#
# Writes ivyc-ivy-VERSION.vsix into OUT_DIR (default: target/vscode).
# Needs node and npm (not part of scripts/test.sh: a fresh Debian machine
# has neither); the result of the last run is in docs/lsp.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/vscode}"
for tool in node npm npx unzip; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "scripts/package-vscode.sh: needs $tool (apt-get install -y nodejs npm unzip)" >&2
        exit 2
    fi
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r editors/vscode/. "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund &&
    npx --yes @vscode/vsce package --allow-missing-repository >/dev/null)
vsix="$(ls "$work"/*.vsix)"
listing="$(unzip -l "$vsix")"
for f in extension/package.json extension/extension.js \
    extension/syntaxes/ivy.tmLanguage.json \
    extension/node_modules/vscode-languageclient/package.json; do
    if ! grep -q " $f\$" <<<"$listing"; then
        echo "scripts/package-vscode.sh: $f missing from $(basename "$vsix")" >&2
        exit 1
    fi
done
mkdir -p "$out"
cp "$vsix" "$out/"
echo "packaged: $out/$(basename "$vsix") ($(wc -c <"$vsix") bytes)"
