//! A builder for LSP integration tests: one expression copies a fixture (or names a
//! folder), chooses the client's capabilities, settings and environment, spawns
//! `triplet lsp` and initializes it. The session derefs to its `LspClient`.
//!
//! ```ignore
//! let mut session = LspSession::fixture("lsp-wasm").utf8().pull_configuration().start();
//! let lib = session.file("src/lib.rs");
//! let text = session.open_and_wait(&lib);
//! ```

#![allow(dead_code)] // each test binary uses a different part of it

use super::lsp_client::{capabilities, file_uri, fixture, LspClient};
use serde_json::{json, Value};
use std::ffi::{OsStr, OsString};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

/// The server's variable for how long requests wait for the workspace model.
pub const LOAD_WAIT_ENV: &str = "TRIPLET_LSP_LOAD_WAIT_SECS";

pub struct LspSessionBuilder {
    /// The temporary directory the fixture was copied into (kept alive by the session).
    temp: Option<tempfile::TempDir>,
    folders: Vec<PathBuf>,
    utf8: bool,
    pull_configuration: bool,
    work_done_progress: bool,
    watched_files_registration: bool,
    options: Value,
    settings: Value,
    folder_settings: Vec<(String, Value)>,
    env: Vec<(String, OsString)>,
}

pub struct LspSession {
    client: LspClient,
    /// The first workspace folder (the fixture's copy), if any.
    pub root: PathBuf,
    temp: Option<tempfile::TempDir>,
}

impl LspSession {
    /// A private copy of `tests/fixtures/<name>`, served as the one workspace folder.
    pub fn fixture(name: &str) -> LspSessionBuilder {
        let (temp, root) = fixture(name);
        LspSessionBuilder {
            temp: Some(temp),
            ..LspSessionBuilder::folders(&[&root])
        }
    }

    /// An empty temporary folder (no Cargo workspace): the protocol alone.
    pub fn empty_folder() -> LspSessionBuilder {
        let temp = tempfile::tempdir().expect("tempdir");
        let root = temp.path().to_path_buf();
        LspSessionBuilder {
            temp: Some(temp),
            ..LspSessionBuilder::folders(&[&root])
        }
    }

    /// These folders, as they are (the caller owns them).
    pub fn folders(folders: &[&Path]) -> LspSessionBuilder {
        LspSessionBuilder::folders(folders)
    }

    /// A path inside the first folder.
    pub fn file(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Opens `path` as version 1 and waits for its first diagnostics (the workspace is
    /// loaded and the file analysed); returns its text.
    pub fn open_and_wait(&mut self, path: &Path) -> String {
        let text = self.client.open(path, 1);
        self.client
            .wait_for_diagnostics(&file_uri(path), |params| params["version"] == 1);
        text
    }

    /// Opens `path` as version 1 and waits until its diagnostics include one with `code`;
    /// returns its text and that `publishDiagnostics`.
    pub fn open_until_code(&mut self, path: &Path, code: &str) -> (String, Value) {
        let text = self.client.open(path, 1);
        let published = self.client.wait_for_diagnostics(&file_uri(path), |params| {
            params["version"] == 1 && has_code(params, code)
        });
        (text, published)
    }

    /// `textDocument/codeAction` over `range`; `only` limits the kinds.
    pub fn code_actions(&mut self, path: &Path, range: Value, only: Option<Value>) -> Vec<Value> {
        let mut context = json!({"diagnostics": []});
        if let Some(only) = only {
            context["only"] = only;
        }
        let actions = self
            .client
            .request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": file_uri(path)}, "range": range, "context": context}),
            )
            .expect("code actions");
        actions.as_array().cloned().unwrap_or_default()
    }

    /// `shutdown` then `exit`; returns the exit status (the fixture copy goes after).
    pub fn shutdown_and_exit(self) -> ExitStatus {
        let LspSession { client, temp, .. } = self;
        let status = client.shutdown_and_exit();
        drop(temp);
        status
    }
}

impl LspSessionBuilder {
    fn folders(folders: &[&Path]) -> LspSessionBuilder {
        LspSessionBuilder {
            temp: None,
            folders: folders.iter().map(|folder| folder.to_path_buf()).collect(),
            utf8: false,
            pull_configuration: false,
            work_done_progress: false,
            watched_files_registration: false,
            options: Value::Null,
            settings: json!({}),
            folder_settings: Vec::new(),
            env: Vec::new(),
        }
    }

    /// The temporary directory that holds the fixture copy (for files beside it).
    pub fn temp_dir(&self) -> &Path {
        self.temp
            .as_ref()
            .map(|temp| temp.path())
            .expect("a fixture session")
    }

    /// The first folder.
    pub fn root(&self) -> &Path {
        self.folders
            .first()
            .map(PathBuf::as_path)
            .expect("a folder")
    }

    /// Offer UTF-8 positions (the server then counts columns in bytes).
    pub fn utf8(mut self, utf8: bool) -> Self {
        self.utf8 = utf8;
        self
    }

    /// Answer `workspace/configuration` with `settings` (see `LspClient::settings`).
    pub fn pull_configuration(mut self, settings: Value) -> Self {
        self.pull_configuration = true;
        self.settings = settings;
        self
    }

    /// With `pull_configuration`: the settings of one folder.
    pub fn folder_settings(mut self, folder: &Path, settings: Value) -> Self {
        self.folder_settings.push((file_uri(folder), settings));
        self
    }

    /// Show progress (answer `window/workDoneProgress/create`).
    pub fn work_done_progress(mut self) -> Self {
        self.work_done_progress = true;
        self
    }

    /// Let the server register for `workspace/didChangeWatchedFiles`.
    pub fn watched_files_registration(mut self) -> Self {
        self.watched_files_registration = true;
        self
    }

    /// `initializationOptions`.
    pub fn options(mut self, options: Value) -> Self {
        self.options = options;
        self
    }

    /// An environment variable for the server process.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((key.to_string(), value.as_ref().to_os_string()));
        self
    }

    /// Spawns the server and initializes it.
    pub fn start(self) -> LspSession {
        let env: Vec<(&str, &OsStr)> = self
            .env
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_os_str()))
            .collect();
        let mut client = LspClient::spawn_with_env(&env);
        client.settings = self.settings;
        client.folder_settings = self.folder_settings;
        let mut caps = capabilities(self.utf8, self.pull_configuration);
        if self.work_done_progress {
            caps["window"] = json!({"workDoneProgress": true});
        }
        if self.watched_files_registration {
            caps["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] = json!(true);
        }
        let folders: Vec<&Path> = self.folders.iter().map(PathBuf::as_path).collect();
        client.initialize(&folders, caps, self.options);
        LspSession {
            client,
            root: self.folders.first().cloned().unwrap_or_default(),
            temp: self.temp,
        }
    }
}

impl Deref for LspSession {
    type Target = LspClient;

    fn deref(&self) -> &LspClient {
        &self.client
    }
}

impl DerefMut for LspSession {
    fn deref_mut(&mut self) -> &mut LspClient {
        &mut self.client
    }
}

/// The diagnostics of a `publishDiagnostics` whose `code` is `code`.
pub fn with_code<'a>(params: &'a Value, code: &str) -> Vec<&'a Value> {
    params["diagnostics"]
        .as_array()
        .map(|all| all.iter().filter(|d| d["code"] == code).collect())
        .unwrap_or_default()
}

pub fn has_code(params: &Value, code: &str) -> bool {
    !with_code(params, code).is_empty()
}

/// The titles of code actions, in order.
pub fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .filter_map(|action| action["title"].as_str())
        .collect()
}
