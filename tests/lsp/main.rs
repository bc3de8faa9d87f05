//! The language server through a real client: spawns `ivyc lsp` and
//! speaks JSON-RPC to it over stdio as an editor does (initialize, open,
//! change with an error and back, hover, definition and references across
//! an include, document symbols, save with verification, code lenses, a
//! change during verification, shutdown and exit). Every message of the
//! session is kept in a transcript (absolute paths replaced by `$DATA`),
//! asserted on, and snapshotted.

#[path = "../common/mod.rs"]
mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// How long to wait for one expected message (verification included).
const WAIT: Duration = Duration::from_secs(120);

struct Client {
    child: Child,
    stdin: ChildStdin,
    from_server: Receiver<Value>,
    next_id: i64,
    /// Every message, in order: `-> method` for the client's, the JSON
    /// (normalised) for the server's.
    transcript: Vec<String>,
    data_dir: String,
}

/// Reads `Content-Length` framed messages until the stream ends.
fn read_messages(stdout: impl Read + Send + 'static) -> Receiver<Value> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse::<usize>().ok();
                }
            }
            let Some(n) = length else { return };
            let mut body = vec![0; n];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            match serde_json::from_slice(&body) {
                Ok(v) => {
                    if tx.send(v).is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    });
    rx
}

impl Client {
    fn start() -> Client {
        Client::start_with(common::ivyc_command())
    }

    /// A server with the verification cache in `dir` (docs/cache.md).
    fn start_with_cache(dir: &std::path::Path) -> Client {
        let mut cmd = common::ivyc_command();
        cmd.env_remove("IVYC_NO_CACHE").env("IVYC_CACHE_DIR", dir);
        Client::start_with(cmd)
    }

    fn start_with(mut cmd: std::process::Command) -> Client {
        let mut child = cmd
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start ivyc lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let data_dir = common::repo_root()
            .join("tests/lsp/data")
            .display()
            .to_string();
        Client {
            child,
            stdin,
            from_server: read_messages(stdout),
            next_id: 0,
            transcript: Vec::new(),
            data_dir,
        }
    }

    fn uri(&self, file: &str) -> String {
        format!("file://{}/{file}", self.data_dir)
    }

    fn text(&self, file: &str) -> String {
        std::fs::read_to_string(format!("{}/{file}", self.data_dir)).expect("data file")
    }

    fn write(&mut self, msg: Value) {
        let body = msg.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.stdin
            .write_all(framed.as_bytes())
            .and_then(|_| self.stdin.flush())
            .expect("write to the server");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.transcript.push(format!("-> {method}"));
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result (other messages that come
    /// first go to the transcript).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.transcript.push(format!("-> {method} (id {id})"));
        self.write(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let m = self.until(|m| m["id"] == json!(id));
        assert!(m.get("error").is_none(), "{method} failed: {m}");
        m["result"].clone()
    }

    /// Waits for the first message satisfying `pred`.
    fn until(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .from_server
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no message; so far:\n{}", self.transcript.join("\n")));
            let m = self.normalise(m);
            self.transcript
                .push(serde_json::to_string_pretty(&m).unwrap_or_default());
            if pred(&m) {
                return m;
            }
        }
    }

    /// The next diagnostics published for `file`.
    fn diagnostics(&mut self, file: &str) -> Vec<Value> {
        let uri = format!("file://$DATA/{file}");
        let m = self.until(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn normalise(&self, m: Value) -> Value {
        let text = m.to_string().replace(&self.data_dir, "$DATA");
        serde_json::from_str(&text).unwrap_or(m)
    }

    /// The `initialize` request and `initialized` notification; returns the
    /// server's capabilities answer.
    fn initialize(&mut self) -> Value {
        let init = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        init
    }

    /// Opens the data file `file` (version 1) and returns its text and URI.
    fn open(&mut self, file: &str) -> (String, String) {
        let text = self.text(file);
        let uri = self.uri(file);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "ivy", "version": 1, "text": text}}),
        );
        (text, uri)
    }

    /// `shutdown` then `exit`: the server must exit with status 0; returns
    /// the whole transcript.
    fn shut_down(mut self) -> Vec<String> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("ivyc lsp exits");
        assert_eq!(status.code(), Some(0));
        self.transcript
    }

    fn position(&self, file: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": self.uri(file)}, "position": {"line": line, "character": character}})
    }
}

/// The 0-based line and column of the first `needle` in `text` (ASCII).
fn find(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).expect("needle in text");
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line as u32, col as u32)
}

fn code(d: &Value) -> &str {
    d["code"].as_str().unwrap_or("")
}

#[test]
fn an_editor_session() {
    let mut c = Client::start();
    let init = c.initialize();
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");

    // Open a correct file: no diagnostic.
    let (ring, ring_uri) = c.open("ring.ivy");
    assert_eq!(c.diagnostics("ring.ivy"), Vec::<Value>::new());

    // A typo: the error, at the name, with the suggestion.
    let broken = ring.replace("token(m) := true", "tokn(m) := true");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ring_uri, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let d = c.diagnostics("ring.ivy");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(code(&d[0]), "undefined-name");
    assert_eq!(d[0]["severity"], 1);
    let (line, col) = find(&broken, "tokn(m)");
    assert_eq!(
        d[0]["range"]["start"],
        json!({"line": line, "character": col})
    );
    assert_eq!(
        d[0]["range"]["end"],
        json!({"line": line, "character": col + 4})
    );

    // Fixed again: the diagnostics are cleared.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ring_uri, "version": 3}, "contentChanges": [{"text": ring}]}),
    );
    assert_eq!(c.diagnostics("ring.ivy"), Vec::<Value>::new());

    // Hover and definition of `token`, declared in the included file.
    let (line, col) = find(&ring, "token(n) := false");
    let hover = c.request("textDocument/hover", c.position("ring.ivy", line, col + 1));
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(value.contains("relation token(node)"), "{value}");
    assert!(value.contains("ring_types.ivy"), "{value}");
    // A logical variable: its sort.
    let (vline, vcol) = find(&ring, "token(Y)");
    let hover = c.request(
        "textDocument/hover",
        c.position("ring.ivy", vline, vcol + 6),
    );
    assert_eq!(hover["contents"]["value"], "```ivy\nY : node\n```");
    // A symbol heading an application in action code: the application's
    // sort, then the declaration.
    let (rline, rcol) = find(&ring, "require token(n)");
    let hover = c.request(
        "textDocument/hover",
        c.position("ring.ivy", rline, rcol + 9),
    );
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.starts_with("```ivy\ntoken(n) : bool\n```") && value.contains("relation token(node)"),
        "{value}"
    );
    // An operator inside an invariant: the smallest term around it, then
    // the invariant.
    let (iline, icol) = find(&ring, "token(X) & token(Y)");
    let hover = c.request(
        "textDocument/hover",
        c.position("ring.ivy", iline, icol + 9),
    );
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.starts_with("```ivy\ntoken(X) & token(Y) : bool\n```") && value.contains("[one]"),
        "{value}"
    );
    let def = c.request(
        "textDocument/definition",
        c.position("ring.ivy", line, col + 1),
    );
    assert!(
        def["uri"]
            .as_str()
            .unwrap_or("")
            .ends_with("/ring_types.ivy"),
        "{def}"
    );
    let types = c.text("ring_types.ivy");
    let (dline, dcol) = find(&types, "token(N:node)");
    assert_eq!(
        def["range"]["start"],
        json!({"line": dline, "character": dcol})
    );
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": ring_uri}, "position": {"line": line, "character": col},
               "context": {"includeDeclaration": true}}),
    );
    // The declaration, and six uses in ring.ivy.
    assert_eq!(refs.as_array().map(Vec::len), Some(7), "{refs}");

    // Workspace symbols: the declarations of the open documents.
    let found = c.request("workspace/symbol", json!({"query": "tok"}));
    let names: Vec<&str> = found
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, vec!["token"]);

    // The outline.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": ring_uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, vec!["pass", "[one]"]);

    // Save: verified, nothing to report; the invariant's lens says so.
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": ring_uri}}),
    );
    assert_eq!(c.diagnostics("ring.ivy"), Vec::<Value>::new());
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": ring_uri}}),
    );
    assert_eq!(lenses[0]["command"]["title"], "✓ 2/2 obligations");

    // A non-inductive invariant: an error on its line once saved.
    let (lock, lock_uri) = c.open("lock.ivy");
    assert_eq!(c.diagnostics("lock.ivy"), Vec::<Value>::new());
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": lock_uri}}),
    );
    let d = c.diagnostics("lock.ivy");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(code(&d[0]), "check-failed");
    assert_eq!(d[0]["severity"], 1);
    let (inv_line, _) = find(&lock, "invariant [mutex]");
    assert_eq!(d[0]["range"]["start"]["line"], inv_line);
    let message = d[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("not preserved by action `acquire`"),
        "{message}"
    );
    assert!(
        message.contains("counterexample: acquire(c = "),
        "{message}"
    );
    let lenses = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": lock_uri}}),
    );
    assert_eq!(lenses[0]["command"]["title"], "✗ fails in acquire");
    let (l, col) = find(&lock, "invariant [mutex]");
    let hover = c.request("textDocument/hover", c.position("lock.ivy", l, col + 12));
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.contains("✗ consecution of [mutex] in acquire"),
        "{value}"
    );
    assert!(
        value.contains("✓ consecution of [mutex] in release"),
        "{value}"
    );

    // Edited while verifying: the stale result is dropped, not published.
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": lock_uri}}),
    );
    let edited = format!("{lock}# edited\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": lock_uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let before = c.transcript.len();
    c.until(|m| {
        m["method"] == "window/logMessage"
            && m["params"]["message"]
                .as_str()
                .is_some_and(|s| s.contains("version 1 is dropped"))
    });
    let stale_published = c.transcript[before..]
        .iter()
        .any(|m| m.contains("check-failed"));
    assert!(!stale_published, "{}", c.transcript[before..].join("\n"));

    // An edit of an open include re-checks the documents that include it.
    let (_, types_uri) = c.open("ring_types.ivy");
    assert_eq!(c.diagnostics("ring_types.ivy"), Vec::<Value>::new());
    // (ring.ivy now reads the buffer: checked again, still clean.)
    assert_eq!(c.diagnostics("ring.ivy"), Vec::<Value>::new());
    let renamed = types.replace("relation token", "relation holds_token");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": types_uri, "version": 2}, "contentChanges": [{"text": renamed}]}),
    );
    let d = c.diagnostics("ring.ivy");
    assert!(d.iter().any(|d| code(d) == "undefined-name"), "{d:?}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": types_uri, "version": 3}, "contentChanges": [{"text": types}]}),
    );
    assert_eq!(c.diagnostics("ring.ivy"), Vec::<Value>::new());

    let transcript = c.shut_down();
    insta::assert_snapshot!(transcript.join("\n"));
}

/// Saving again takes the proofs from the verification cache shared with
/// the command line; an edited action's obligations are solved again.
#[test]
fn saving_again_uses_the_cache() {
    let cache = tempfile::tempdir().expect("temp dir");
    let mut c = Client::start_with_cache(cache.path());
    c.initialize();
    c.open("ring.ivy");
    let totals = |c: &mut Client| {
        let m = c.until(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|t| t.contains(" obligations: "))
        });
        m["params"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let save = |c: &mut Client| {
        c.notify(
            "textDocument/didSave",
            json!({"textDocument": {"uri": c.uri("ring.ivy")}}),
        )
    };
    save(&mut c);
    let first = totals(&mut c);
    assert!(
        first.ends_with("2 obligations: 2 proved, 0 failed, 0 undecided"),
        "{first}"
    );
    save(&mut c);
    let second = totals(&mut c);
    assert!(
        second.ends_with("2 obligations: 2 proved (2 from cache), 0 failed, 0 undecided"),
        "{second}"
    );
    // The command line finds the same proofs.
    let out = common::ivyc_command()
        .env_remove("IVYC_NO_CACHE")
        .env("IVYC_CACHE_DIR", cache.path())
        .args(["verify", "tests/lsp/data/ring.ivy"])
        .output()
        .expect("run ivyc");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(2 from cache)"), "{text}");
    c.shut_down();
}

/// Go to definition and references reach into the embedded standard
/// library through a read-only copy of the library file on disk.
#[test]
fn definitions_in_the_standard_library_open_as_files() {
    let cache = tempfile::tempdir().expect("temp dir");
    let mut c = Client::start_with_cache(cache.path());
    c.initialize();
    let (text, uri) = c.open("counter_seq.ivy");
    assert_eq!(c.diagnostics("counter_seq.ivy"), Vec::<Value>::new());
    let (line, col) = find(&text, "pos.next(count)");
    let def = c.request(
        "textDocument/definition",
        c.position("counter_seq.ivy", line, col + 5),
    );
    let target = def["uri"].as_str().unwrap_or("");
    let prefix = format!("file://{}/stdlib/", cache.path().display());
    assert!(
        target.starts_with(&prefix) && target.ends_with("/order.ivy"),
        "{def}"
    );
    let path = std::path::PathBuf::from(target.trim_start_matches("file://"));
    let library = std::fs::read_to_string(&path).expect("the library copy exists");
    let meta = std::fs::metadata(&path).expect("metadata");
    assert!(meta.permissions().readonly(), "the copy is read-only");
    let at = def["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
    let declared = library.lines().nth(at).unwrap_or("");
    assert!(declared.contains("action next"), "{declared}");
    // References include the library's own uses, in the same copy.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": col + 5},
               "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().cloned().unwrap_or_default();
    assert!(refs.iter().any(|r| r["uri"] == def["uri"]), "{refs:?}");
    assert!(
        refs.iter().any(|r| r["uri"]
            .as_str()
            .unwrap_or("")
            .ends_with("/counter_seq.ivy")),
        "{refs:?}"
    );
    c.shut_down();
}
