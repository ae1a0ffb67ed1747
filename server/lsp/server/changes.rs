//! Buffer edits and disk changes → sequenced analysis jobs.

use super::Server;
use crate::lsp::from_proto::uri_to_path;
use crate::lsp::worker::Job;
use crate::lsp::workspaces::{classify, fingerprint, package_dir_of, FileKind};
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, MessageType,
};
use std::path::PathBuf;
use std::time::Instant;

impl Server<'_> {
    pub(super) fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let Some(path) = uri_to_path(&document.uri) else {
            return;
        };
        self.documents
            .open(path.clone(), document.uri, document.version, document.text);
        self.awaiting_first_report.insert(path.clone());
        if self.folders_from_files && !self.folders.iter().any(|folder| path.starts_with(folder)) {
            if let Some(package) = package_dir_of(&path) {
                self.folders.push(package);
                self.watch_folders();
                self.sync_workspaces();
            }
        }
        self.schedule_check(path);
    }

    pub(super) fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let Some(path) = uri_to_path(&params.text_document.uri) else {
            return;
        };
        let version = params.text_document.version;
        match self
            .documents
            .change(&path, version, params.content_changes, self.encoding)
        {
            Ok(()) => self.schedule_check(path),
            Err(problem) => self.log(MessageType::ERROR, problem),
        }
    }

    pub(super) fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        if let Some(path) = uri_to_path(&params.text_document.uri) {
            self.saved(&path);
            self.file_changed(path);
        }
    }

    pub(super) fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        if let Some(path) = uri_to_path(&params.text_document.uri) {
            self.documents.close(&path);
            self.awaiting_first_report.remove(&path);
            // Diagnostics fall back to the file on disk.
            self.schedule_check(path);
        }
    }

    pub(super) fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            if let Some(path) = uri_to_path(&change.uri) {
                self.file_changed(path);
            }
        }
    }

    pub(super) fn schedule_check(&mut self, path: PathBuf) {
        self.checks.request(path);
    }

    /// A change on disk, from notify, the client's watcher or a save.
    pub(super) fn file_changed(&mut self, path: PathBuf) {
        if classify(&path) != FileKind::Other {
            self.disk_changes.push(path, Instant::now());
        }
    }

    pub(super) fn next_deadline(&self) -> Option<Instant> {
        [
            (!self.checks.is_empty()).then(Instant::now),
            self.disk_changes.next_due(),
            self.next_save_check(),
            self.waiting.next_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub(super) fn run_due_work(&mut self) {
        let now = Instant::now();
        self.run_due_save_checks(now);
        let mut reload = Vec::new();
        for path in self.disk_changes.take_due(now, fingerprint) {
            match classify(&path) {
                FileKind::Manifest | FileKind::Config => reload.push(path),
                FileKind::Source if !self.documents.is_open(&path) => self.checks.request(path),
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
        let due_checks = self.checks.take_all();
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

    pub(super) fn take_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// False when the analysis thread is gone (the job is dropped).
    pub(super) fn submit(&mut self, job: Job) -> bool {
        let sent = self.jobs.send(job);
        if !sent {
            self.log(MessageType::ERROR, "the analysis thread is gone".into());
        }
        sent
    }
}
