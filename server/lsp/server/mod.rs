//! The protocol loop: it owns the open documents and the latest results, routes every
//! message, and never waits for analysis (the `worker` thread owns the engines).
//!
//! `dispatch` routes each method to its handler (the table is `route_request` and
//! `route_notification` below); `waiting` parks requests that arrive before the model
//! they need. The handlers extend `Server`: `lifecycle` (initialize, capabilities,
//! watching), `settings` (configuration and folders), `changes` (buffers, disk changes,
//! scheduled checks), `publish` (results → diagnostics), `requests` (code actions, hover,
//! commands), `build_commands` (per-target checks and builds the editor asks for) and
//! `build_events` (what those runs report → progress, status, diagnostics).

mod build_commands;
mod build_events;
mod changes;
mod dispatch;
mod lifecycle;
mod publish;
mod requests;
mod settings;
mod waiting;

use super::config::Config;
use super::documents::Documents;
use super::ext::TargetsRequest;
use super::from_proto;
use super::line_index::PositionEncoding;
use super::schedule::{ChangeQueue, PendingChecks};
use super::transport::Transport;
use super::watch::FileWatcher;
use super::worker::{self, FileReport, JobSender, LoadFailure, Outcome};
use crossbeam_channel::{never, select, unbounded, Receiver};
use dispatch::{error, NotificationDispatcher, RequestDispatcher};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self, Notification as _};
use lsp_types::request::{self, Request as _};
use lsp_types::{CancelParams, Diagnostic, LogMessageParams, MessageType, ShowMessageParams};
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};
use waiting::{load_wait, Need, Needed, WaitingRequests};

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
    /// Client requests waiting for the model they need, and how long one may wait.
    waiting: WaitingRequests,
    load_wait: Duration,
    /// Open documents not analysed since they were opened.
    awaiting_first_report: HashSet<PathBuf>,
    /// The newest `Sync` job sent to the analysis thread, and the newest it finished.
    sync_requested: u64,
    sync_done: u64,
    /// Per-target checks and builds: runs, their diagnostics, progress.
    builds: build_commands::BuildState,
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
            waiting: WaitingRequests::default(),
            load_wait: load_wait(),
            awaiting_first_report: HashSet::new(),
            sync_requested: 0,
            sync_done: 0,
            builds: build_commands::BuildState::default(),
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
            self.retry_waiting();
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
            Message::Request(request) => {
                let wait_until = Instant::now() + self.load_wait;
                self.answer_request(request, wait_until);
            }
            Message::Notification(notification) => {
                if notification.method == notification::Exit::METHOD {
                    return Some(self.exit_code());
                }
                if self.phase == Phase::Uninitialized {
                    return None; // notifications before initialize are dropped (spec)
                }
                let method = notification.method.clone();
                self.guarded(&method, |server| server.route_notification(notification));
            }
            Message::Response(response) => {
                self.guarded("client response", |server| server.on_response(response))
            }
        }
        None
    }

    /// Answers `request` now, or later (parked until `wait_until` at the latest, or
    /// answered by the analysis thread). A panicking handler answers an internal error.
    fn answer_request(&mut self, request: Request, wait_until: Instant) {
        let id = request.id.clone();
        let routed = catch_unwind(AssertUnwindSafe(|| self.route_request(request, wait_until)));
        let response = match routed {
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

    fn route_request(&mut self, request: Request, wait_until: Instant) -> Option<Response> {
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
            (Phase::Running, _) => RequestDispatcher::new(self, request, wait_until)
                .on_without_params::<request::Shutdown>(Server::shutdown)
                .on_model::<request::CodeActionRequest>(Server::code_action)
                .on_model::<request::HoverRequest>(Server::hover)
                .on_model::<request::ExecuteCommand>(Server::execute_command)
                .on_worker::<TargetsRequest>(Server::targets)
                .finish(),
        }
    }

    fn route_notification(&mut self, notification: Notification) {
        NotificationDispatcher::new(self, notification)
            .on::<notification::DidOpenTextDocument>(Server::did_open)
            .on::<notification::DidChangeTextDocument>(Server::did_change)
            .on::<notification::DidSaveTextDocument>(Server::did_save)
            .on::<notification::DidCloseTextDocument>(Server::did_close)
            .on::<notification::DidChangeConfiguration>(Server::did_change_configuration)
            .on::<notification::DidChangeWatchedFiles>(Server::did_change_watched_files)
            .on::<notification::DidChangeWorkspaceFolders>(Server::did_change_workspace_folders)
            .on::<notification::Cancel>(Server::cancel_request)
            .on::<notification::WorkDoneProgressCancel>(Server::progress_cancelled)
            .on_signal::<notification::Initialized>(Server::initialized)
            .finish();
    }

    /// Whether the model `params` need is there (see `waiting`).
    fn model_ready(&self, params: &impl Need) -> bool {
        match params.needs() {
            Needed::Nothing => true,
            Needed::Workspaces => self.sync_done >= self.sync_requested,
            Needed::Document(uri) => from_proto::uri_to_path(uri)
                .is_none_or(|path| !self.awaiting_first_report.contains(&path)),
        }
    }

    /// Waiting requests whose model has come, or whose wait is over, are answered.
    fn retry_waiting(&mut self) {
        for (request, wait_until) in self.waiting.take_all() {
            self.answer_request(request, wait_until);
        }
    }

    /// `$/cancelRequest`: a request still waiting (for the model or the analysis thread)
    /// is answered `RequestCancelled` now; one already answered is left alone.
    fn cancel_request(&mut self, params: CancelParams) {
        let id = from_proto::request_id(params.id);
        if self.waiting.cancel(&id) || self.worker_requests.remove(&id) {
            let response = error(id, ErrorCode::RequestCanceled, "cancelled".into());
            self.transport.send(response.into());
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
        self.notify::<notification::ShowMessage>(ShowMessageParams {
            typ: MessageType::WARNING,
            message,
        });
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}
