//! The protocol loop: it owns the open documents and the latest results, routes every
//! message, and never waits for analysis (the `worker` thread owns the engines).
//!
//! `lifecycle` (initialize, capabilities, watching), `settings` (configuration and
//! folders), `changes` (buffers, disk changes, debounced checks), `publish` (results →
//! diagnostics), `requests` (code actions, hover, commands) and `builds` (per-target
//! checks and builds) extend `Server`.

mod build_events;
mod builds;
mod changes;
mod lifecycle;
mod publish;
mod requests;
mod settings;

use super::code_actions::{code_actions, EditContext};
use super::config::{Config, Settings};
use super::convert::{path_to_uri, uri_to_path};
use super::diagnostics::{load_error_diagnostic, to_diagnostic, to_published_diagnostic};
use super::documents::Documents;
use super::ext::{TargetsParams, TargetsRequest};
use super::hover::hover;
use super::line_index::{LineIndex, PositionEncoding};
use super::schedule::{ChangeQueue, PendingChecks};
use super::transport::Transport;
use super::watch::FileWatcher;
use super::worker::{self, FileReport, Job, JobSender, LoadFailure, Outcome};
use super::workspaces::{classify, fingerprint, package_dir_of, root_for, FileKind};
use crossbeam_channel::{never, select, unbounded, Receiver};
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
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The main thread's usual size: enough for the deepest file the parser accepts.
const ANALYSIS_STACK_BYTES: usize = 8 * 1024 * 1024;
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
    work_done_progress: bool,
}

/// Requests we sent to the client, awaiting its answer.
enum Pending {
    Configuration { folders: Vec<PathBuf> },
    Registration,
    Progress { id: u64 }, // window/workDoneProgress/create for the build order `id`
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
    jobs: JobSender,
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
    checks: PendingChecks,
    disk_changes: ChangeQueue,
    next_request_id: i32,
    pending_requests: HashMap<RequestId, Pending>,
    /// Client requests the worker answers later.
    worker_requests: HashSet<RequestId>,
    /// Per-target checks and builds: runs, their diagnostics, progress.
    builds: builds::BuildState,
}

pub fn run() -> u8 {
    let transport = match Transport::stdio() {
        Ok(transport) => transport,
        Err(error) => {
            eprintln!("triplet lsp: cannot start the stdio transport: {error}");
            return 1;
        }
    };
    let (jobs, job_receiver) = worker::job_queue();
    let (outcome_sender, outcomes) = unbounded();
    let worker = thread::Builder::new()
        .name("triplet-analysis".into())
        // The parser recurses per nesting level; files nested up to the limit
        // (`MAX_NESTING_SCORE`) need more than the 2 MiB default in debug builds.
        .stack_size(ANALYSIS_STACK_BYTES)
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
    fn new(transport: &'a Transport, jobs: JobSender, outcomes: Receiver<Outcome>) -> Self {
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
            checks: PendingChecks::default(),
            disk_changes: ChangeQueue::new(FILE_EVENT_WINDOW),
            next_request_id: 0,
            pending_requests: HashMap::new(),
            worker_requests: HashSet::new(),
            builds: builds::BuildState::default(),
        }
    }

    /// Runs until `exit` (or EOF); returns the process exit code. Running builds are
    /// cancelled and their process groups killed before it returns.
    fn main_loop(mut self) -> u8 {
        let code = self.serve();
        self.stop_builds();
        code
    }

    fn serve(&mut self) -> u8 {
        let incoming = self.transport.incoming.clone();
        let build_events = self.builds.runs.receiver.clone();
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
                recv(build_events) -> event => {
                    if let Ok(event) = event {
                        self.guarded("build event", |server| server.on_build_event(event));
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
                self.builds.runs.cancel_all();
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
                        self.saved(&path);
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
                        self.schedule_check(path);
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
                    self.did_change_workspace_folders(params);
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
            notification::WorkDoneProgressCancel::METHOD => {
                if let Some(params) = self.notification_params(notification) {
                    self.progress_cancelled(params);
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
            (Pending::Progress { id }, result) => self.progress_created(id, result.is_ok()),
        }
    }

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
