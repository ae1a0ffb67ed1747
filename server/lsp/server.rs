//! The protocol loop: lifecycle, routing, debouncing and publishing. It owns the open
//! documents and the latest results; the analysis thread (`worker`) owns the engines.

use super::code_actions::{code_actions, EditContext};
use super::config::{Config, Settings};
use super::convert::{path_to_uri, uri_to_path};
use super::diagnostics::{load_error_diagnostic, to_diagnostic};
use super::documents::Documents;
use super::ext::{TargetsParams, TargetsRequest};
use super::hover::hover;
use super::line_index::{LineIndex, PositionEncoding};
use super::schedule::{ChangeQueue, CheckScheduler};
use super::transport::Transport;
use super::watch::FileWatcher;
use super::worker::{self, FileReport, Job, LoadFailure, Outcome};
use super::workspaces::{classify, fingerprint, package_dir_of, FileKind};
use crossbeam_channel::{never, select, unbounded, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    ConfigurationItem, ConfigurationParams, Diagnostic, DidChangeConfigurationParams,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    ExecuteCommandParams, FileSystemWatcher, GlobPattern, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, LogMessageParams, MessageType, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Re-analysis waits this long after the last keystroke…
const EDIT_DEBOUNCE: Duration = Duration::from_millis(50);
/// …but never longer than this after the first one (continuous typing still gets results).
const EDIT_MAX_DELAY: Duration = Duration::from_millis(500);
/// The same path reported by notify and by the client within this window is one change.
const FILE_EVENT_WINDOW: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShuttingDown,
}

/// What the client can do, from `initialize`.
#[derive(Debug, Clone, Copy, Default)]
struct ClientSupport {
    document_changes: bool,
    pull_configuration: bool,
    watched_files_registration: bool,
}

/// Requests we sent to the client, awaiting its answer.
enum Pending {
    Configuration { folders: Vec<PathBuf> },
    Registration,
}

pub struct Server<'a> {
    transport: &'a Transport,
    phase: Phase,
    encoding: PositionEncoding,
    client: ClientSupport,
    documents: Documents,
    config: Config,
    folders: Vec<PathBuf>,
    /// The client named no folder (a single-file session): a file's own package
    /// becomes a folder when the file is opened.
    folders_from_files: bool,
    jobs: Sender<Job>,
    outcomes: Receiver<Outcome>,
    file_events: Receiver<Vec<PathBuf>>,
    watcher: Option<FileWatcher>,
    next_seq: u64,
    /// Per file: the newest analysis asked for or published. Older results are dropped.
    file_seq: HashMap<PathBuf, u64>,
    reports: HashMap<PathBuf, FileReport>,
    load_failures: HashMap<PathBuf, LoadFailure>,
    /// What was last published per file (version, diagnostics): identical repeats are
    /// skipped, and a file with diagnostics here needs clearing when they go.
    published: HashMap<PathBuf, (Option<i32>, Vec<Diagnostic>)>,
    checks: CheckScheduler,
    disk_changes: ChangeQueue,
    next_request_id: i32,
    pending_requests: HashMap<RequestId, Pending>,
    /// Client requests the worker answers later.
    worker_requests: HashSet<RequestId>,
}

pub fn run() -> u8 {
    let transport = match Transport::stdio() {
        Ok(transport) => transport,
        Err(error) => {
            eprintln!("triplet lsp: cannot start the stdio transport: {error}");
            return 1;
        }
    };
    let (jobs, job_receiver) = unbounded();
    let (outcome_sender, outcomes) = unbounded();
    let worker = thread::Builder::new()
        .name("triplet-analysis".into())
        .spawn(move || worker::run(job_receiver, outcome_sender));
    let code = match worker {
        Ok(_) => Server::new(&transport, jobs, outcomes).main_loop(),
        Err(error) => {
            eprintln!("triplet lsp: cannot start the analysis thread: {error}");
            1
        }
    };
    transport.finish();
    code
}

impl<'a> Server<'a> {
    fn new(transport: &'a Transport, jobs: Sender<Job>, outcomes: Receiver<Outcome>) -> Self {
        Server {
            transport,
            phase: Phase::Uninitialized,
            encoding: PositionEncoding::Utf16,
            client: ClientSupport::default(),
            documents: Documents::default(),
            config: Config::default(),
            folders: Vec::new(),
            folders_from_files: false,
            jobs,
            outcomes,
            file_events: never(),
            watcher: None,
            next_seq: 0,
            file_seq: HashMap::new(),
            reports: HashMap::new(),
            load_failures: HashMap::new(),
            published: HashMap::new(),
            checks: CheckScheduler::new(EDIT_MAX_DELAY),
            disk_changes: ChangeQueue::new(FILE_EVENT_WINDOW),
            next_request_id: 0,
            pending_requests: HashMap::new(),
            worker_requests: HashSet::new(),
        }
    }

    /// Runs until `exit` (or EOF); returns the process exit code.
    fn main_loop(mut self) -> u8 {
        let incoming = self.transport.incoming.clone();
        loop {
            let wait = self
                .next_deadline()
                .map_or(Duration::from_secs(3600), |due| {
                    due.saturating_duration_since(Instant::now())
                });
            select! {
                recv(incoming) -> message => match message {
                    Ok(message) => {
                        if let Some(code) = self.on_message(message) {
                            return code;
                        }
                    }
                    // EOF on stdin: the client is gone.
                    Err(_) => return self.exit_code(),
                },
                recv(self.outcomes) -> outcome => match outcome {
                    Ok(outcome) => self.guarded("analysis result", |server| server.on_outcome(outcome)),
                    Err(_) => {
                        self.log(MessageType::ERROR, "the analysis thread stopped".into());
                        self.outcomes = never();
                    }
                },
                recv(self.file_events) -> paths => match paths {
                    Ok(paths) => {
                        for path in paths {
                            if let Some(watcher) = self.watcher.as_mut() {
                                watcher.notice(&path);
                            }
                            self.file_changed(path);
                        }
                    }
                    Err(_) => self.file_events = never(),
                },
                default(wait) => {}
            }
            self.guarded("scheduled work", Server::run_due_work);
        }
    }

    fn exit_code(&self) -> u8 {
        if self.phase == Phase::ShuttingDown {
            0
        } else {
            1
        }
    }

    /// A panic anywhere in a handler is logged; the server goes on.
    fn guarded(&mut self, what: &str, work: impl FnOnce(&mut Self)) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| work(self))) {
            let message = panic_message(&panic);
            self.log(MessageType::ERROR, format!("{what} panicked: {message}"));
        }
    }

    // ----- messages -----

    fn on_message(&mut self, message: Message) -> Option<u8> {
        match message {
            Message::Request(request) => self.on_request(request),
            Message::Notification(notification) => {
                if notification.method == notification::Exit::METHOD {
                    return Some(self.exit_code());
                }
                if self.phase == Phase::Uninitialized {
                    return None; // notifications before initialize are dropped (spec)
                }
                let method = notification.method.clone();
                self.guarded(&method, |server| server.on_notification(notification));
            }
            Message::Response(response) => {
                self.guarded("client response", |server| server.on_response(response))
            }
        }
        None
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        let response = match catch_unwind(AssertUnwindSafe(|| self.route_request(request))) {
            Ok(response) => response,
            Err(panic) => Some(error(
                id,
                ErrorCode::InternalError,
                format!("internal error: {}", panic_message(&panic)),
            )),
        };
        if let Some(response) = response {
            self.transport.send(response.into());
        }
    }

    fn route_request(&mut self, request: Request) -> Option<Response> {
        let id = request.id.clone();
        match (self.phase, request.method.as_str()) {
            (Phase::Uninitialized, request::Initialize::METHOD) => Some(self.initialize(request)),
            (Phase::Uninitialized, _) => Some(error(
                id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized".into(),
            )),
            (Phase::ShuttingDown, _) => Some(error(
                id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            )),
            (Phase::Running, request::Initialize::METHOD) => Some(error(
                id,
                ErrorCode::InvalidRequest,
                "initialize was already received".into(),
            )),
            (Phase::Running, request::Shutdown::METHOD) => {
                self.phase = Phase::ShuttingDown;
                Some(Response::new_ok(id, Value::Null))
            }
            (Phase::Running, _) => self.dispatch_request(request),
        }
    }

    /// `None` when the answer comes later (from the analysis thread).
    fn dispatch_request(&mut self, request: Request) -> Option<Response> {
        match request.method.as_str() {
            request::CodeActionRequest::METHOD => {
                Some(respond(request, |params| Ok(self.code_action(params))))
            }
            request::HoverRequest::METHOD => {
                Some(respond(request, |params| Ok(self.hover(params))))
            }
            request::ExecuteCommand::METHOD => {
                Some(respond(request, |params| self.execute_command(params)))
            }
            TargetsRequest::METHOD => {
                let id = request.id.clone();
                match parse_params::<Option<TargetsParams>>(request) {
                    Ok(params) => {
                        let path = params
                            .and_then(|params| params.uri)
                            .and_then(|uri| uri_to_path(&uri));
                        self.worker_requests.insert(id.clone());
                        if self.submit(Job::Targets {
                            id: id.clone(),
                            path,
                        }) {
                            return None;
                        }
                        self.worker_requests.remove(&id);
                        Some(error(
                            id,
                            ErrorCode::InternalError,
                            "the analysis thread is gone".into(),
                        ))
                    }
                    Err(response) => Some(response),
                }
            }
            method => Some(error(
                request.id,
                ErrorCode::MethodNotFound,
                format!("unknown method {method}"),
            )),
        }
    }

    fn on_notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidOpenTextDocumentParams>(notification)
                {
                    self.did_open(params);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeTextDocumentParams>(notification)
                {
                    self.did_change(params);
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidSaveTextDocumentParams>(notification)
                {
                    if let Some(path) = uri_to_path(&params.text_document.uri) {
                        self.file_changed(path);
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidCloseTextDocumentParams>(notification)
                {
                    if let Some(path) = uri_to_path(&params.text_document.uri) {
                        self.documents.close(&path);
                        // Diagnostics fall back to the file on disk.
                        self.schedule_check(path, Duration::ZERO);
                    }
                }
            }
            notification::DidChangeConfiguration::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeConfigurationParams>(notification)
                {
                    self.did_change_configuration(params);
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeWatchedFilesParams>(notification)
                {
                    for change in params.changes {
                        if let Some(path) = uri_to_path(&change.uri) {
                            self.file_changed(path);
                        }
                    }
                }
            }
            notification::DidChangeWorkspaceFolders::METHOD => {
                if let Some(params) =
                    self.notification_params::<DidChangeWorkspaceFoldersParams>(notification)
                {
                    let removed: Vec<PathBuf> = params
                        .event
                        .removed
                        .iter()
                        .filter_map(|folder| uri_to_path(&folder.uri))
                        .collect();
                    self.folders.retain(|folder| !removed.contains(folder));
                    for folder in params
                        .event
                        .added
                        .iter()
                        .filter_map(|folder| uri_to_path(&folder.uri))
                    {
                        if !self.folders.contains(&folder) {
                            self.folders.push(folder);
                        }
                    }
                    self.watch_folders();
                    self.sync_workspaces();
                    if self.client.pull_configuration {
                        self.pull_configuration();
                    }
                }
            }
            notification::Cancel::METHOD => {
                if let Some(params) =
                    self.notification_params::<lsp_types::CancelParams>(notification)
                {
                    let id = match params.id {
                        lsp_types::NumberOrString::Number(number) => RequestId::from(number),
                        lsp_types::NumberOrString::String(text) => RequestId::from(text),
                    };
                    if self.worker_requests.remove(&id) {
                        let response = error(id, ErrorCode::RequestCanceled, "cancelled".into());
                        self.transport.send(response.into());
                    }
                }
            }
            notification::Initialized::METHOD => self.initialized(),
            // `$/` notifications may be ignored (spec); so may any we do not know.
            _ => {}
        }
    }

    fn notification_params<P: DeserializeOwned>(
        &mut self,
        notification: Notification,
    ) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(problem) => {
                let message = format!("bad params for {}: {problem}", notification.method);
                self.log(MessageType::ERROR, message);
                None
            }
        }
    }

    fn on_response(&mut self, response: Response) {
        let Some(pending) = self.pending_requests.remove(&response.id) else {
            return;
        };
        match (pending, response.response_result) {
            (Pending::Configuration { folders }, Ok(value)) => {
                self.apply_configuration_answer(&folders, value)
            }
            (Pending::Configuration { .. }, Err(error)) => self.log(
                MessageType::WARNING,
                format!(
                    "workspace/configuration failed: {}; keeping the current settings",
                    error.message
                ),
            ),
            (Pending::Registration, Err(error)) => self.log(
                MessageType::WARNING,
                format!("file watching registration failed: {}", error.message),
            ),
            (Pending::Registration, Ok(_)) => {}
        }
    }

    // ----- lifecycle -----

    fn initialize(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let params: InitializeParams = match parse_params(request) {
            Ok(params) => params,
            Err(response) => return response,
        };
        let capabilities = &params.capabilities;
        let offers_utf8 = capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
        self.encoding = if offers_utf8 {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        };
        let workspace = capabilities.workspace.as_ref();
        self.client = ClientSupport {
            document_changes: workspace
                .and_then(|workspace| workspace.workspace_edit.as_ref())
                .and_then(|edit| edit.document_changes)
                .unwrap_or(false),
            pull_configuration: workspace
                .and_then(|workspace| workspace.configuration)
                .unwrap_or(false),
            watched_files_registration: workspace
                .and_then(|workspace| workspace.did_change_watched_files.as_ref())
                .and_then(|watched| watched.dynamic_registration)
                .unwrap_or(false),
        };
        self.folders = initial_folders(&params);
        self.folders_from_files = self.folders.is_empty();
        if let Some(options) = &params.initialization_options {
            match Settings::from_json(options) {
                Ok(settings) => self.config.global = settings,
                Err(problem) => self.show_warning(problem),
            }
        }
        self.phase = Phase::Running;
        let result = InitializeResult {
            capabilities: self.capabilities(),
            server_info: Some(ServerInfo {
                name: "triplet".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        Response::new_ok(id, result)
    }

    fn capabilities(&self) -> ServerCapabilities {
        let encoding = match self.encoding {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        };
        ServerCapabilities {
            position_encoding: Some(encoding),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(CodeActionProviderCapability::Options(
                lsp_types::CodeActionOptions {
                    code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp_types::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            // Commands (triplet.check / build / cancel) are advertised once they exist.
            execute_command_provider: None,
            ..ServerCapabilities::default()
        }
    }

    fn initialized(&mut self) {
        if self.client.watched_files_registration {
            self.register_file_watching();
        }
        match FileWatcher::new() {
            Ok((watcher, events)) => {
                self.watcher = Some(watcher);
                self.file_events = events;
                self.watch_folders();
            }
            Err(problem) => self.log(
                MessageType::WARNING,
                format!("file watching is off: {problem}"),
            ),
        }
        // Start with initializationOptions; a pulled configuration that differs reloads.
        self.sync_workspaces();
        if self.client.pull_configuration {
            self.pull_configuration();
        }
    }

    fn register_file_watching(&mut self) {
        let globs = [
            "**/Cargo.toml",
            "**/Cargo.lock",
            "**/.cargo/config",
            "**/.cargo/config.toml",
            "**/rust-toolchain",
            "**/rust-toolchain.toml",
            "**/*.rs",
        ];
        let watchers = globs
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*glob).to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "triplet-watched-files".into(),
            method: notification::DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        let params = RegistrationParams {
            registrations: vec![registration],
        };
        self.send_request::<request::RegisterCapability>(params, Pending::Registration);
    }

    fn watch_folders(&mut self) {
        let folders = self.folders.clone();
        let failures = match self.watcher.as_mut() {
            Some(watcher) => watcher.set_folders(&folders),
            None => return,
        };
        for (folder, problem) in failures {
            self.log(
                MessageType::WARNING,
                format!("cannot watch {}: {problem}", folder.display()),
            );
        }
    }

    // ----- configuration -----

    fn pull_configuration(&mut self) {
        let folders = self.folders.clone();
        let mut items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("triplet".into()),
        }];
        items.extend(folders.iter().map(|folder| ConfigurationItem {
            scope_uri: path_to_uri(folder),
            section: Some("triplet".into()),
        }));
        self.send_request::<request::WorkspaceConfiguration>(
            ConfigurationParams { items },
            Pending::Configuration { folders },
        );
    }

    fn apply_configuration_answer(&mut self, folders: &[PathBuf], value: Value) {
        let Value::Array(answers) = value else {
            self.log(
                MessageType::WARNING,
                "workspace/configuration: expected an array".into(),
            );
            return;
        };
        let mut config = Config::default();
        for (index, answer) in answers.iter().enumerate() {
            let settings = match Settings::from_json(answer) {
                Ok(settings) => settings,
                Err(problem) => {
                    self.show_warning(problem);
                    continue;
                }
            };
            match index.checked_sub(1).and_then(|folder| folders.get(folder)) {
                None if index == 0 => config.global = settings,
                None => {}
                Some(folder) => {
                    config.folders.insert(folder.clone(), settings);
                }
            }
        }
        self.set_config(config);
    }

    fn did_change_configuration(&mut self, params: DidChangeConfigurationParams) {
        if self.client.pull_configuration {
            self.pull_configuration();
            return;
        }
        match Settings::from_json(&params.settings) {
            Ok(settings) => {
                let config = Config {
                    global: settings,
                    folders: Default::default(),
                };
                self.set_config(config);
            }
            Err(problem) => self.show_warning(problem),
        }
    }

    fn set_config(&mut self, config: Config) {
        if config != self.config {
            self.config = config;
            self.sync_workspaces();
        }
    }

    fn sync_workspaces(&mut self) {
        let job = Job::Sync {
            folders: self.folders.clone(),
            config: self.config.clone(),
            overlay: self.documents.overlay(),
            seq: self.take_seq(),
        };
        self.submit(job);
    }

    // ----- documents -----

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let Some(path) = uri_to_path(&document.uri) else {
            return;
        };
        self.documents
            .open(path.clone(), document.uri, document.version, document.text);
        if self.folders_from_files && !self.folders.iter().any(|folder| path.starts_with(folder)) {
            if let Some(package) = package_dir_of(&path) {
                self.folders.push(package);
                self.watch_folders();
                self.sync_workspaces();
            }
        }
        self.schedule_check(path, Duration::ZERO);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let Some(path) = uri_to_path(&params.text_document.uri) else {
            return;
        };
        let version = params.text_document.version;
        match self
            .documents
            .change(&path, version, params.content_changes, self.encoding)
        {
            Ok(()) => self.schedule_check(path, EDIT_DEBOUNCE),
            Err(problem) => self.log(MessageType::ERROR, problem),
        }
    }

    // ----- scheduling -----

    fn schedule_check(&mut self, path: PathBuf, delay: Duration) {
        self.checks.request(path, Instant::now(), delay);
    }

    /// A change on disk, from notify, the client's watcher or a save.
    fn file_changed(&mut self, path: PathBuf) {
        if classify(&path) != FileKind::Other {
            self.disk_changes.push(path, Instant::now());
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        [self.checks.next_due(), self.disk_changes.next_due()]
            .into_iter()
            .flatten()
            .min()
    }

    fn run_due_work(&mut self) {
        let now = Instant::now();
        let mut reload = Vec::new();
        for path in self.disk_changes.take_due(now, fingerprint) {
            match classify(&path) {
                FileKind::Manifest | FileKind::Config => reload.push(path),
                FileKind::Source if !self.documents.is_open(&path) => {
                    self.checks.request(path, now, Duration::ZERO)
                }
                FileKind::Source | FileKind::Other => {}
            }
        }
        if !reload.is_empty() {
            let job = Job::FilesChanged {
                paths: reload,
                overlay: self.documents.overlay(),
                seq: self.take_seq(),
            };
            self.submit(job);
        }
        let due_checks = self.checks.take_due(now);
        if due_checks.is_empty() {
            return;
        }
        let seq = self.take_seq();
        for path in &due_checks {
            self.file_seq.insert(path.clone(), seq);
        }
        let job = Job::Check {
            paths: due_checks,
            overlay: self.documents.overlay(),
            seq,
        };
        self.submit(job);
    }

    fn take_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// False when the analysis thread is gone (the job is dropped).
    fn submit(&mut self, job: Job) -> bool {
        let sent = self.jobs.send(job).is_ok();
        if !sent {
            self.log(MessageType::ERROR, "the analysis thread is gone".into());
        }
        sent
    }

    // ----- results -----

    fn on_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Checked {
                seq,
                whole_workspace,
                reports,
                overlay,
            } => {
                let covered: HashSet<PathBuf> =
                    reports.iter().map(|report| report.path.clone()).collect();
                for report in reports {
                    self.accept_report(seq, report);
                }
                if let Some(root) = whole_workspace {
                    // Files of this workspace that no longer have findings get cleared.
                    let cleared: Vec<PathBuf> = self
                        .reports
                        .iter()
                        .filter(|(path, stored)| {
                            stored.root.as_ref() == Some(&root) && !covered.contains(*path)
                        })
                        .map(|(path, _)| path.clone())
                        .collect();
                    for path in cleared {
                        let version = overlay.version(&path);
                        let report = empty_report(path, version, Some(root.clone()));
                        self.accept_report(seq, report);
                    }
                }
            }
            Outcome::Loaded { root, stamps } => {
                for (path, stamp) in stamps {
                    self.disk_changes.mark_handled(path, stamp);
                }
                if let Some(failure) = self.load_failures.remove(&root) {
                    self.publish(&failure.manifest);
                    self.log(MessageType::INFO, format!("{} loads again", root.display()));
                }
            }
            Outcome::LoadFailed { root, failure } => {
                self.log(
                    MessageType::WARNING,
                    format!("{} failed to load: {}", root.display(), failure.message),
                );
                let manifest = failure.manifest.clone();
                // Its old findings point into text that is gone; the load error says it all.
                self.reports.remove(&manifest);
                if let Some(old) = self.load_failures.insert(root, failure) {
                    if old.manifest != manifest {
                        self.publish(&old.manifest);
                    }
                }
                self.publish(&manifest);
            }
            Outcome::Dropped { root } => {
                let gone: Vec<PathBuf> = self
                    .reports
                    .iter()
                    .filter(|(_, stored)| stored.root.as_ref() == Some(&root))
                    .map(|(path, _)| path.clone())
                    .collect();
                for path in gone {
                    self.reports.remove(&path);
                    self.publish(&path);
                }
                if let Some(failure) = self.load_failures.remove(&root) {
                    self.publish(&failure.manifest);
                }
            }
            Outcome::Targets { id, result } => {
                if self.worker_requests.remove(&id) {
                    self.transport.send(Response::new_ok(id, result).into());
                }
            }
            Outcome::Log { error, message } => {
                let kind = if error {
                    MessageType::ERROR
                } else {
                    MessageType::INFO
                };
                self.log(kind, message);
            }
        }
    }

    /// Publishes `report` unless something newer was asked for or shown for its file.
    fn accept_report(&mut self, seq: u64, report: FileReport) {
        let path = report.path.clone();
        if self.file_seq.get(&path).is_some_and(|newest| *newest > seq) {
            return;
        }
        if let Some(document) = self.documents.get(&path) {
            // Computed from an older buffer: a newer check is already scheduled.
            if report.version != Some(document.version) {
                return;
            }
        }
        self.file_seq.insert(path.clone(), seq);
        self.reports.insert(path.clone(), report);
        self.publish(&path);
    }

    fn publish(&mut self, path: &Path) {
        let mut diagnostics = Vec::new();
        let mut version = None;
        if let Some(report) = self.reports.get(path) {
            version = report.version;
            let fallback;
            let index = match report.texts.get(path) {
                Some(text) => &text.index,
                None => {
                    fallback = LineIndex::new(Arc::from(""));
                    &fallback
                }
            };
            diagnostics.extend(
                report
                    .findings
                    .iter()
                    .map(|finding| to_diagnostic(finding, index, self.encoding)),
            );
        }
        for failure in self
            .load_failures
            .values()
            .filter(|failure| failure.manifest == path)
        {
            diagnostics.push(load_error_diagnostic(
                &failure.message,
                failure.range.as_ref(),
                &failure.index,
                self.encoding,
            ));
        }
        let last = self.published.get(path);
        if last.is_some_and(|(old_version, old)| *old_version == version && *old == diagnostics) {
            return;
        }
        if last.is_none() && diagnostics.is_empty() && !self.documents.is_open(path) {
            return; // nothing shown, nothing to show
        }
        let Some(uri) = self.uri_for(path) else {
            return;
        };
        self.published
            .insert(path.to_path_buf(), (version, diagnostics.clone()));
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.notify::<notification::PublishDiagnostics>(params);
    }

    fn uri_for(&self, path: &Path) -> Option<Uri> {
        match self.documents.get(path) {
            Some(document) => Some(document.uri.clone()),
            None => path_to_uri(path),
        }
    }

    // ----- requests -----

    fn code_action(&mut self, params: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let path = uri_to_path(&params.text_document.uri)?;
        let report = self.fresh_report(&path)?;
        let file_index = &report.texts.get(&path)?.index;
        let uri_for = |path: &Path| self.uri_for(path);
        let context = EditContext {
            texts: &report.texts,
            encoding: self.encoding,
            document_changes: self.client.document_changes,
            uri_for: &uri_for,
        };
        let actions = code_actions(&report.findings, file_index, params.range, &context);
        Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }

    fn hover(&mut self, params: HoverParams) -> Option<lsp_types::Hover> {
        let position = params.text_document_position_params;
        let path = uri_to_path(&position.text_document.uri)?;
        let report = self.fresh_report(&path)?;
        let index = &report.texts.get(&path)?.index;
        hover(&report.findings, index, position.position, self.encoding)
    }

    /// The stored report for `path` if it still describes the open buffer.
    fn fresh_report(&self, path: &Path) -> Option<&FileReport> {
        let report = self.reports.get(path)?;
        match self.documents.get(path) {
            Some(document) if report.version != Some(document.version) => None,
            _ => Some(report),
        }
    }

    fn execute_command(
        &mut self,
        params: ExecuteCommandParams,
    ) -> Result<Option<Value>, ResponseFailure> {
        // One arm per command: "triplet.check" | "triplet.build" | "triplet.cancel" land here.
        #[allow(clippy::match_single_binding)]
        match params.command.as_str() {
            command => Err(ResponseFailure {
                code: ErrorCode::InvalidParams,
                message: format!("unknown command {command}"),
            }),
        }
    }

    // ----- output -----

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let notification = Notification::new(N::METHOD.to_string(), params);
        self.transport.send(notification.into());
    }

    fn send_request<R: lsp_types::request::Request>(
        &mut self,
        params: R::Params,
        pending: Pending,
    ) {
        self.next_request_id += 1;
        let id = RequestId::from(format!("triplet-{}", self.next_request_id));
        self.pending_requests.insert(id.clone(), pending);
        let request = Request::new(id, R::METHOD.to_string(), params);
        self.transport.send(request.into());
    }

    fn log(&self, kind: MessageType, message: String) {
        eprintln!("triplet lsp: {message}");
        if self.phase != Phase::Uninitialized {
            self.notify::<notification::LogMessage>(LogMessageParams { typ: kind, message });
        }
    }

    fn show_warning(&self, message: String) {
        self.log(MessageType::WARNING, message.clone());
        self.notify::<notification::ShowMessage>(lsp_types::ShowMessageParams {
            typ: MessageType::WARNING,
            message,
        });
    }
}

// ----- helpers -----

struct ResponseFailure {
    code: ErrorCode,
    message: String,
}

fn error(id: RequestId, code: ErrorCode, message: String) -> Response {
    Response::new_err(id, code as i32, message)
}

fn parse_params<P: DeserializeOwned>(request: Request) -> Result<P, Response> {
    serde_json::from_value(request.params).map_err(|problem| {
        error(
            request.id,
            ErrorCode::InvalidParams,
            format!("invalid params for {}: {problem}", request.method),
        )
    })
}

fn respond<P: DeserializeOwned, R: Serialize>(
    request: Request,
    handler: impl FnOnce(P) -> Result<R, ResponseFailure>,
) -> Response {
    let id = request.id.clone();
    match parse_params(request) {
        Ok(params) => match handler(params) {
            Ok(result) => Response::new_ok(id, result),
            Err(failure) => error(id, failure.code, failure.message),
        },
        Err(response) => response,
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

#[allow(deprecated)] // root_uri / root_path: older clients send only these
fn initial_folders(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|folder| uri_to_path(&folder.uri))
            .collect();
    }
    if let Some(path) = params.root_uri.as_ref().and_then(uri_to_path) {
        return vec![path];
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

fn empty_report(path: PathBuf, version: Option<i32>, root: Option<PathBuf>) -> FileReport {
    FileReport {
        path,
        version,
        root,
        findings: Vec::new(),
        texts: HashMap::new(),
    }
}
