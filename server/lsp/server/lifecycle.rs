//! initialize / initialized / shutdown: negotiation, capabilities, file watching.

use super::build_commands::COMMANDS;
use super::dispatch::{parse, ResponseFailure};
use super::{ClientSupport, Pending, Phase, Server};
use crate::lsp::config::Settings;
use crate::lsp::from_proto::uri_to_path;
use crate::lsp::line_index::PositionEncoding;
use crate::lsp::watch::FileWatcher;
use lsp_server::{Request, Response};
use lsp_types::notification::{self, Notification as _};
use lsp_types::{
    request, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, ExecuteCommandOptions, FileSystemWatcher,
    GlobPattern, HoverProviderCapability, InitializeParams, InitializeResult, MessageType, OneOf,
    PositionEncodingKind, Registration, RegistrationParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use std::path::PathBuf;
use std::time::Instant;

impl Server<'_> {
    pub(super) fn initialize(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let params: InitializeParams = match parse(&request) {
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
            work_done_progress: capabilities
                .window
                .as_ref()
                .and_then(|window| window.work_done_progress)
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

    pub(super) fn capabilities(&self) -> ServerCapabilities {
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
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE]),
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: COMMANDS.iter().map(|command| command.to_string()).collect(),
                work_done_progress_options: Default::default(),
            }),
            ..ServerCapabilities::default()
        }
    }

    pub(super) fn initialized(&mut self) {
        self.probe_build_std();
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

    /// `shutdown`: requests still waiting are answered from what is known, runs are
    /// cancelled, and every later request is refused.
    pub(super) fn shutdown(&mut self) -> Result<(), ResponseFailure> {
        for (request, _) in self.waiting.take_all() {
            self.answer_request(request, Instant::now());
        }
        self.phase = Phase::ShuttingDown;
        self.builds.runs.cancel_all();
        Ok(())
    }

    pub(super) fn register_file_watching(&mut self) {
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

    pub(super) fn watch_folders(&mut self) {
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
