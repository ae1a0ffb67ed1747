//! Analysis results → stored reports → published diagnostics (never older over newer).

use super::Server;
use crate::lsp::line_index::LineIndex;
use crate::lsp::to_proto::{load_error_diagnostic, path_to_uri, to_published_diagnostic};
use crate::lsp::worker::{FileReport, Outcome};
use lsp_server::Response;
use lsp_types::{notification, MessageType, PublishDiagnosticsParams, Uri};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl Server<'_> {
    pub(super) fn on_outcome(&mut self, outcome: Outcome) {
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
            Outcome::Loaded {
                root,
                stamps,
                packages,
            } => {
                self.workspace_loaded(&root, packages);
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
                self.workspace_dropped(&root);
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
            Outcome::Synced { seq } => self.sync_done = self.sync_done.max(seq),
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
    pub(super) fn accept_report(&mut self, seq: u64, report: FileReport) {
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
        self.awaiting_first_report.remove(&path);
        self.reports.insert(path.clone(), report);
        self.publish(&path);
    }

    pub(super) fn publish(&mut self, path: &Path) {
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
            let docs_url = self.config.for_workspace(path).docs_url.as_deref();
            diagnostics.extend(
                report.findings.iter().map(|finding| {
                    to_published_diagnostic(finding, index, self.encoding, docs_url)
                }),
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
        // Build diagnostics live apart from the analysis results and join them here.
        let uri_for = |path: &Path| self.uri_for(path);
        diagnostics.extend(self.builds.diagnostics.for_file(path, &uri_for));
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

    pub(super) fn uri_for(&self, path: &Path) -> Option<Uri> {
        match self.documents.get(path) {
            Some(document) => Some(document.uri.clone()),
            None => path_to_uri(path),
        }
    }
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
