//! Build threads' events → `$/progress` (created, begun, reported, ended, cancelled by
//! the user), `triplet/checkStatus` per target, build diagnostics, and plain-words errors.

use super::Server;
use crate::build::{RunResult, RunStatus, Severity};
use crate::lsp::build_runs::BuildEvent;
use crate::lsp::ext::{CheckState, CheckStatusNotification, CheckStatusParams};
use crate::lsp::from_proto;
use crate::lsp::to_proto::path_to_uri;
use lsp_types::{
    notification, MessageType, ProgressParams, ProgressParamsValue, ProgressToken,
    ShowMessageParams, Uri, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCancelParams,
    WorkDoneProgressEnd, WorkDoneProgressReport,
};

/// One order's progress as the client sees it.
pub(super) struct Progress {
    pub(super) token: String,
    pub(super) title: String,
    pub(super) state: ProgressState,
    pub(super) latest: Option<String>,
    pub(super) errors: u32,
    pub(super) warnings: u32,
    /// Why a run could not do its job (the end message instead of the tally).
    pub(super) failure: Option<String>,
    pub(super) ended: bool,
}

#[derive(PartialEq, Eq)]
pub(super) enum ProgressState {
    /// `window/workDoneProgress/create` sent, no answer yet.
    Creating,
    Active,
    /// The client refused the token: no progress for this order.
    Off,
}

/// Errors and warnings `target` reported in `result`.
fn counts_for(result: &RunResult, target: &String) -> (u32, u32) {
    let count = |severity: Severity| {
        let matching = result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .filter(|diagnostic| diagnostic.targets.contains(target))
            // cargo's "could not compile `x`" repeats an error already counted
            .filter(|diagnostic| !diagnostic.package_id.is_empty())
            .count();
        u32::try_from(matching).unwrap_or(u32::MAX)
    };
    (count(Severity::Error), count(Severity::Warning))
}

impl Progress {
    fn summary(&self) -> String {
        match &self.failure {
            Some(failure) => failure.clone(),
            None => format!("{} error(s), {} warning(s)", self.errors, self.warnings),
        }
    }
}
impl Server<'_> {
    /// The client answered `window/workDoneProgress/create`.
    pub(super) fn progress_created(&mut self, id: u64, accepted: bool) {
        let Some(progress) = self.builds.progress.get_mut(&id) else {
            return;
        };
        if !accepted {
            progress.state = ProgressState::Off;
            if progress.ended {
                self.builds.progress.remove(&id);
            }
            return;
        }
        progress.state = ProgressState::Active;
        let token = progress.token.clone();
        let ended = progress.ended;
        let summary = progress.summary();
        let begin = WorkDoneProgressBegin {
            title: progress.title.clone(),
            cancellable: Some(true),
            message: progress.latest.take(),
            percentage: None,
        };
        self.send_progress(&token, WorkDoneProgress::Begin(begin));
        if ended {
            // The run finished before the client answered: close what we opened.
            self.end_progress(id, Some(summary));
        }
    }

    /// `window/workDoneProgress/cancel`: the user pressed cancel on a build's progress.
    pub(super) fn progress_cancelled(&mut self, params: WorkDoneProgressCancelParams) {
        let token = from_proto::progress_token(params.token);
        let id = self
            .builds
            .progress
            .iter()
            .find(|(_, progress)| progress.token == token)
            .map(|(id, _)| *id);
        if let Some(id) = id {
            self.builds.runs.cancel(id);
        }
    }

    pub(super) fn on_build_event(&mut self, event: BuildEvent) {
        match event {
            BuildEvent::Progress { id, message } => self.report_progress(id, message),
            BuildEvent::RunFinished { id, result } => self.run_finished(id, &result),
            BuildEvent::Failed { id, message } => {
                if let Some(order) = self.builds.runs.order(id).cloned() {
                    let workspace = path_to_uri(&order.workspace);
                    for target in self.reported_targets(id, &order.targets) {
                        let message = Some(message.clone());
                        self.send_status(target, CheckState::Failed, (0, 0), &workspace, message);
                    }
                }
                self.show_error(format!("Triplet: {message}"));
                if let Some(progress) = self.builds.progress.get_mut(&id) {
                    progress.failure = Some(message);
                }
            }
            BuildEvent::Installed { id, message } => {
                self.log(MessageType::INFO, message.clone());
                self.report_progress(id, message);
                // T0006 goes away once the live analysis sees the new sysroot.
                if let Some(order) = self.builds.runs.order(id) {
                    let manifest = order.workspace.join("Cargo.toml");
                    self.schedule_check(manifest);
                }
            }
            BuildEvent::Done { id } => {
                let summary = self.builds.progress.get(&id).map(Progress::summary);
                self.end_progress(id, summary);
                self.builds.runs.finish(id);
                self.builds.superseded.remove(&id);
            }
        }
    }

    fn run_finished(&mut self, id: u64, result: &RunResult) {
        let Some(order) = self.builds.runs.order(id).cloned() else {
            return;
        };
        // A cancelled run saw only part of the build: the previous results stay.
        if result.status != RunStatus::Cancelled {
            let touched = self.builds.diagnostics.replace(
                &order.workspace,
                &result.targets,
                &result.diagnostics,
                self.encoding,
            );
            for file in touched {
                self.publish(&file);
            }
        }
        let state = match result.status {
            RunStatus::Ok => CheckState::Ok,
            RunStatus::Failed | RunStatus::TimedOut => CheckState::Failed,
            RunStatus::Cancelled => CheckState::Cancelled,
        };
        let workspace = path_to_uri(&order.workspace);
        for target in self.reported_targets(id, &result.targets) {
            let counts = counts_for(result, &target);
            if let Some(progress) = self.builds.progress.get_mut(&id) {
                progress.errors += counts.0;
                progress.warnings += counts.1;
            }
            self.send_status(target, state, counts, &workspace, result.reason.clone());
        }
        // Where the build put its output: the editor shows no terminal.
        if !result.artifacts.is_empty() {
            let built: Vec<String> = result
                .artifacts
                .iter()
                .map(|artifact| {
                    format!(
                        "{} ({}, {}): {}",
                        artifact.name,
                        artifact.kind.as_str(),
                        artifact.target.as_deref().unwrap_or("host"),
                        artifact.path.display()
                    )
                })
                .collect();
            let message = format!("Triplet: built {}", built.join("; "));
            self.log(MessageType::INFO, message.clone());
            self.notify::<notification::ShowMessage>(ShowMessageParams {
                typ: MessageType::INFO,
                message,
            });
        }
        let compiler_errors = result
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error);
        // Compiler errors speak for themselves; a run that could not do its job says why.
        if state == CheckState::Failed && !compiler_errors {
            if let Some(reason) = &result.reason {
                let targets = result.targets.join(", ");
                self.show_error(format!("Triplet: {targets}: {reason}"));
                if let Some(progress) = self.builds.progress.get_mut(&id) {
                    progress.failure = Some(reason.clone());
                }
            }
        }
    }

    /// `targets` minus those a newer order reports on.
    fn reported_targets(&self, id: u64, targets: &[String]) -> Vec<String> {
        let taken = self.builds.superseded.get(&id);
        targets
            .iter()
            .filter(|target| !taken.is_some_and(|taken| taken.contains(target)))
            .cloned()
            .collect()
    }

    fn report_progress(&mut self, id: u64, message: String) {
        let Some(progress) = self.builds.progress.get_mut(&id) else {
            return;
        };
        match progress.state {
            ProgressState::Active => {
                let token = progress.token.clone();
                let report = WorkDoneProgressReport {
                    cancellable: Some(true),
                    message: Some(message),
                    percentage: None,
                };
                self.send_progress(&token, WorkDoneProgress::Report(report));
            }
            ProgressState::Creating => progress.latest = Some(message),
            ProgressState::Off => {}
        }
    }

    fn end_progress(&mut self, id: u64, message: Option<String>) {
        let Some(progress) = self.builds.progress.get_mut(&id) else {
            return;
        };
        progress.ended = true;
        if progress.state == ProgressState::Creating {
            return; // begin and end follow the client's answer
        }
        let token = progress.token.clone();
        let active = progress.state == ProgressState::Active;
        self.builds.progress.remove(&id);
        if active {
            self.send_progress(
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd { message }),
            );
        }
    }

    fn send_progress(&self, token: &str, value: WorkDoneProgress) {
        self.notify::<notification::Progress>(ProgressParams {
            token: ProgressToken::String(token.to_string()),
            value: ProgressParamsValue::WorkDone(value),
        });
    }

    pub(super) fn send_status(
        &self,
        target: String,
        state: CheckState,
        (errors, warnings): (u32, u32),
        workspace: &Option<Uri>,
        message: Option<String>,
    ) {
        self.notify::<CheckStatusNotification>(CheckStatusParams {
            target,
            state,
            errors,
            warnings,
            workspace: workspace.clone(),
            message,
        });
    }

    pub(super) fn show_error(&self, message: String) {
        self.log(MessageType::ERROR, message.clone());
        self.notify::<notification::ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::CompilerDiagnostic;
    use std::path::PathBuf;

    #[test]
    fn counts_are_per_target_and_skip_cargos_repeats() {
        let diagnostic = |targets: &[&str], severity, package: &str| CompilerDiagnostic {
            targets: targets.iter().map(|target| target.to_string()).collect(),
            package_id: package.into(),
            file: PathBuf::from("/w/src/lib.rs"),
            range: None,
            label: None,
            severity,
            code: None,
            message: "m".into(),
            rendered: None,
            related: Vec::new(),
            notes: Vec::new(),
            fixes: Vec::new(),
        };
        let result = RunResult {
            targets: vec!["a".into(), "b".into()],
            tool: "cargo check".into(),
            tool_reason: String::new(),
            command: String::new(),
            uses_rustc_bootstrap: false,
            status: RunStatus::Failed,
            reason: None,
            diagnostics: vec![
                diagnostic(&["a", "b"], Severity::Error, "pkg"),
                diagnostic(&["a"], Severity::Warning, "pkg"),
                // cargo's "could not compile `pkg`" line: no package id, not counted again
                diagnostic(&["a", "b"], Severity::Error, ""),
            ],
            artifacts: Vec::new(),
            runner: None,
            output: Vec::new(),
            duration_ms: 0,
            process_group: None,
        };
        assert_eq!(counts_for(&result, &"a".to_string()), (1, 1));
        assert_eq!(counts_for(&result, &"b".to_string()), (1, 0));
    }
}
