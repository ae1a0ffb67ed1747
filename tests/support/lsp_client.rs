//! A small LSP client for integration tests: spawns `triplet lsp`, frames JSON-RPC over its
//! pipes, matches responses to requests, answers the server's own requests, and waits for
//! notifications. Timeouts exist only so a broken server fails a test instead of hanging it.

#![allow(dead_code)] // each test binary uses a different part of it

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Long enough for a cold `cargo metadata` on a busy machine; only guards against hangs.
pub const PATIENCE: Duration = Duration::from_secs(120);

pub struct LspClient {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications and server requests not consumed yet, in arrival order.
    backlog: VecDeque<Value>,
    next_id: i64,
    stderr: Arc<Mutex<String>>,
    /// Answer to `workspace/configuration`, per item: the `triplet` settings object…
    pub settings: Value,
    /// …or, for an item scoped to one of these folder URIs, its own.
    pub folder_settings: Vec<(String, Value)>,
    /// Every request the server sent us (method, params).
    pub server_requests: Vec<(String, Value)>,
    /// "utf-16" or "utf-8": how this session counts columns.
    pub encoding: String,
}

impl LspClient {
    pub fn spawn() -> LspClient {
        LspClient::spawn_with_env(&[])
    }

    /// `triplet lsp` with extra environment variables (a fake `CARGO`, a short timeout…).
    pub fn spawn_with_env(env: &[(&str, &std::ffi::OsStr)]) -> LspClient {
        LspClient::spawn_command(Command::new(env!("CARGO_BIN_EXE_triplet")), env)
    }

    /// `triplet lsp` started in `dir` (as an editor starts it in the folder it opened).
    pub fn spawn_in(dir: &Path, env: &[(&str, &std::ffi::OsStr)]) -> LspClient {
        let mut command = Command::new(env!("CARGO_BIN_EXE_triplet"));
        command.current_dir(dir);
        LspClient::spawn_command(command, env)
    }

    fn spawn_command(mut command: Command, env: &[(&str, &std::ffi::OsStr)]) -> LspClient {
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn triplet lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stderr_pipe = child.stderr.take().expect("stderr");
        let (sender, incoming) = channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        thread::spawn(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if let Ok(mut all) = sink.lock() {
                    all.push_str(&line);
                }
                line.clear();
            }
        });
        LspClient {
            stdin: child.stdin.take(),
            child,
            incoming,
            backlog: VecDeque::new(),
            next_id: 0,
            stderr,
            settings: json!({}),
            folder_settings: Vec::new(),
            server_requests: Vec::new(),
            encoding: "utf-16".into(),
        }
    }

    /// `initialize` + `initialized` for these folders; returns the initialize result.
    pub fn initialize(&mut self, folders: &[&Path], capabilities: Value, options: Value) -> Value {
        let workspace_folders: Vec<Value> = folders
            .iter()
            .map(|folder| json!({"uri": file_uri(folder), "name": folder.file_name().unwrap().to_string_lossy()}))
            .collect();
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": folders.first().map(|folder| file_uri(folder)),
                    "capabilities": capabilities,
                    "workspaceFolders": workspace_folders,
                    "initializationOptions": options,
                }),
            )
            .expect("initialize succeeds");
        if let Some(encoding) = result["capabilities"]["positionEncoding"].as_str() {
            self.encoding = encoding.to_string();
        }
        self.notify("initialized", json!({}));
        result
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(&message.to_string());
    }

    pub fn send_raw(&mut self, body: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
        stdin.flush().expect("flush");
    }

    /// Writes raw bytes (malformed frames, invalid UTF-8) to the server's stdin.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write");
        stdin.flush().expect("flush");
    }

    /// The server's process id (to look for its children).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response_to(id)
    }

    /// Sends a request without waiting; returns its id (for `response_to`).
    pub fn send_request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = json!(self.next_id);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Whether the response with this id has arrived (without waiting for it).
    pub fn has_response(&mut self, id: &Value) -> bool {
        self.pump(Duration::ZERO);
        self.backlog
            .iter()
            .any(|message| message.get("method").is_none() && message["id"] == *id)
    }

    /// Waits for the response with this id (notifications meanwhile go to the backlog).
    pub fn response_to(&mut self, id: Value) -> Result<Value, Value> {
        let message = self.wait_for(&format!("response {id}"), |message| {
            message.get("method").is_none() && message["id"] == id
        });
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message["result"].clone()),
        }
    }

    pub fn wait_for_notification(
        &mut self,
        method: &str,
        mut accept: impl FnMut(&Value) -> bool,
    ) -> Value {
        let message = self.wait_for(method, |message| {
            message["method"] == method && message.get("id").is_none() && accept(&message["params"])
        });
        message["params"].clone()
    }

    /// The next `publishDiagnostics` for `uri` that satisfies `accept`.
    pub fn wait_for_diagnostics(
        &mut self,
        uri: &str,
        mut accept: impl FnMut(&Value) -> bool,
    ) -> Value {
        self.wait_for_notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == uri && accept(params)
        })
    }

    /// The notifications of `method` received but not consumed yet, in arrival order.
    pub fn unconsumed(&mut self, method: &str) -> Vec<Value> {
        self.pump(Duration::ZERO);
        self.backlog
            .iter()
            .filter(|message| message["method"] == method && message.get("id").is_none())
            .map(|message| message["params"].clone())
            .collect()
    }

    /// Drops everything received so far that nobody asked for.
    pub fn forget_backlog(&mut self) {
        self.pump(Duration::ZERO);
        self.backlog.clear();
    }

    fn wait_for(&mut self, what: &str, mut matches: impl FnMut(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&mut matches) {
            return self.backlog.remove(index).expect("index is valid");
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    if self.answer_server_request(&message) {
                        continue;
                    }
                    if matches(&message) {
                        return message;
                    }
                    self.backlog.push_back(message);
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no {what} within {PATIENCE:?}; unconsumed: {:#?}\nserver stderr:\n{}",
                    self.backlog,
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "server closed stdout while waiting for {what}\nserver stderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// Moves what has arrived into the backlog (answering server requests), for `wait`.
    fn pump(&mut self, wait: Duration) {
        while let Ok(message) = self.incoming.recv_timeout(wait) {
            if !self.answer_server_request(&message) {
                self.backlog.push_back(message);
            }
        }
    }

    fn answer_server_request(&mut self, message: &Value) -> bool {
        let (Some(method), Some(id)) = (message["method"].as_str(), message.get("id")) else {
            return false;
        };
        self.server_requests
            .push((method.to_string(), message["params"].clone()));
        let result = match method {
            "workspace/configuration" => {
                let items = message["params"]["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let answers = items
                    .iter()
                    .map(|item| {
                        self.folder_settings
                            .iter()
                            .find(|(uri, _)| item["scopeUri"] == *uri)
                            .map_or_else(|| self.settings.clone(), |(_, settings)| settings.clone())
                    })
                    .collect();
                Value::Array(answers)
            }
            _ => Value::Null,
        };
        let response = json!({"jsonrpc": "2.0", "id": id.clone(), "result": result});
        self.send(&response);
        true
    }

    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .map(|text| text.clone())
            .unwrap_or_default()
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Ok(Value::Null));
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit status if the server exits within `limit`, else `None`.
    pub fn wait_exit_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit\n{}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    // ----- documents -----

    pub fn open(&mut self, path: &Path, version: i64) -> String {
        let text = fs::read_to_string(path).expect("read fixture file");
        let language = if path.extension().is_some_and(|ext| ext == "rs") {
            "rust"
        } else {
            "toml"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": file_uri(path), "languageId": language, "version": version, "text": text}}),
        );
        text
    }

    pub fn change_full(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file_uri(path), "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// An incremental edit; the range is in this session's encoding.
    pub fn change_range(&mut self, path: &Path, version: i64, range: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file_uri(path), "version": version},
                   "contentChanges": [{"range": range, "text": text}]}),
        );
    }

    /// Column of byte `offset` in `line_text`, counted in this session's encoding.
    pub fn column(&self, line_text: &str, byte_offset: usize) -> u64 {
        column_in(&self.encoding, line_text, byte_offset)
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("--- triplet lsp stderr ---\n{}", self.stderr());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    // Anything on stdout that is not a JSON-RPC frame fails the test right here.
    Some(serde_json::from_slice(&body).expect("server wrote a non-JSON frame to stdout"))
}

pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_str().expect("utf-8 path").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

pub fn column_in(encoding: &str, line_text: &str, byte_offset: usize) -> u64 {
    let prefix = &line_text[..byte_offset];
    let units = if encoding == "utf-8" {
        prefix.len()
    } else {
        prefix.encode_utf16().count()
    };
    units as u64
}

/// Byte offset of an LSP position (independent of the server's own LineIndex).
pub fn offset_of(encoding: &str, text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let mut start = 0;
    for _ in 0..line {
        start += text[start..].find('\n').expect("line exists") + 1;
    }
    let mut units = 0;
    for (index, ch) in text[start..].char_indices() {
        if units >= character || ch == '\n' || ch == '\r' {
            return start + index;
        }
        units += if encoding == "utf-8" {
            ch.len_utf8()
        } else {
            ch.len_utf16()
        };
    }
    text.len()
}

/// Applies one file's LSP text edits (all relative to the original text).
pub fn apply_edits(encoding: &str, text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            let start = offset_of(encoding, text, &edit["range"]["start"]);
            let end = offset_of(encoding, text, &edit["range"]["end"]);
            (
                start,
                end,
                edit["newText"].as_str().expect("newText").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse((span.0, span.1)));
    let mut out = text.to_string();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// The edits a `WorkspaceEdit` makes to `uri` (documentChanges or changes).
pub fn edits_for(edit: &Value, uri: &str) -> Vec<Value> {
    if let Some(changes) = edit["documentChanges"].as_array() {
        return changes
            .iter()
            .filter(|change| change["textDocument"]["uri"] == uri)
            .flat_map(|change| change["edits"].as_array().cloned().unwrap_or_default())
            .collect();
    }
    edit["changes"][uri].as_array().cloned().unwrap_or_default()
}

/// Copies `tests/fixtures/<name>` into a fresh temporary directory.
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = fixture_into(name, dir.path());
    (dir, root)
}

/// Copies `tests/fixtures/<name>` to `<parent>/<name>`.
pub fn fixture_into(name: &str, parent: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let root = parent.join(name);
    copy_dir(&source, &root);
    root
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create fixture dir");
    for entry in fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Client capabilities: `utf8` offers UTF-8 positions; `pull` answers workspace/configuration.
pub fn capabilities(utf8: bool, pull: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "workspace": {
            "configuration": pull,
            "workspaceEdit": {"documentChanges": true},
            "didChangeWatchedFiles": {"dynamicRegistration": false},
        },
        "textDocument": {"publishDiagnostics": {"versionSupport": true}},
    })
}
