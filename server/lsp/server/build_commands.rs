//! Per-target checks and builds in the editor: commands, code actions and on-save checks
//! start orders (`build_events` turns what the runs report into progress and diagnostics).

use super::build_events::{Progress, ProgressState};
use super::dispatch::ResponseFailure;
use super::{Pending, Server};
use crate::lsp::build_runs::{overlaps, BuildOrder, BuildRuns, OrderKind, PackageSelection};
use crate::lsp::ext::{CheckArgs, CheckState};
use crate::lsp::from_proto::uri_to_path;
use crate::lsp::to_proto::{path_to_uri, BuildDiagnostics};
use crate::lsp::workspaces::root_for;
use lsp_types::{
    request, CodeAction, CodeActionKind, Command, Diagnostic, MessageType, ProgressToken, Uri,
    WorkDoneProgressCreateParams,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use std::thread;
use std::time::{Duration, Instant};

/// Saves in a row within this window start one check.
const SAVE_DEBOUNCE: Duration = Duration::from_millis(300);
/// At exit, how long the build threads get to kill their process groups.
const STOP_PATIENCE: Duration = Duration::from_secs(10);

pub const COMMANDS: [&str; 5] = [
    "triplet.check",
    "triplet.build",
    "triplet.cancel",
    "triplet.installTarget",
    "triplet.checkBuildStd",
];

/// Everything the protocol loop knows about builds.
#[derive(Default)]
pub(super) struct BuildState {
    pub(super) runs: BuildRuns,
    pub(super) diagnostics: BuildDiagnostics,
    /// Per Cargo workspace root, each package's selected targets (from the last load).
    workspaces: BTreeMap<PathBuf, Vec<PackageSelection>>,
    /// On-save checks waiting for their debounce: (workspace, file saved) → due.
    save_checks: BTreeMap<PathBuf, (PathBuf, Instant)>,
    pub(super) progress: HashMap<u64, Progress>,
    /// Targets of an order that a newer order took over: their final status is not sent.
    pub(super) superseded: HashMap<u64, Vec<String>>,
}

impl Server<'_> {
    /// Looks for a rustc with rust-src on a thread, off the protocol loop (it may run
    /// rustc); the toolchain keeps the answer for analysis and code actions alike.
    pub(super) fn probe_build_std(&mut self) {
        let _ = thread::Builder::new()
            .name("triplet-build-std-probe".into())
            .spawn(crate::build::build_std_available);
    }

    pub(super) fn workspace_loaded(&mut self, root: &Path, packages: Vec<PackageSelection>) {
        self.builds.workspaces.insert(root.to_path_buf(), packages);
    }

    pub(super) fn workspace_dropped(&mut self, root: &Path) {
        self.builds.workspaces.remove(root);
        for id in self.builds.runs.running_in(Some(&root.to_path_buf())) {
            self.builds.runs.cancel(id);
        }
        for file in self.builds.diagnostics.drop_workspace(root) {
            self.publish(&file);
        }
    }

    /// `triplet.check`, `triplet.build`, `triplet.checkBuildStd`, `triplet.installTarget`.
    pub(super) fn order_command(
        &mut self,
        kind: OrderKind,
        arguments: Vec<Value>,
    ) -> Result<Option<Value>, ResponseFailure> {
        let args = command_args(arguments)?;
        let needs_target = matches!(kind, OrderKind::CheckBuildStd | OrderKind::InstallTarget);
        if needs_target && args.target.is_none() {
            return Err(invalid("this command needs a `target`".into()));
        }
        let orders = self.orders_for(kind, &args)?;
        for order in orders {
            self.start_order(order).map_err(ResponseFailure::internal)?;
        }
        Ok(None)
    }

    /// `triplet.cancel`: the runs of the workspace of `uri` (all without one), only those
    /// for `target` when given.
    pub(super) fn cancel_command(
        &mut self,
        arguments: Vec<Value>,
    ) -> Result<Option<Value>, ResponseFailure> {
        let args = command_args(arguments)?;
        let root = args
            .uri
            .as_ref()
            .and_then(uri_to_path)
            .and_then(|path| self.workspace_of(&path));
        for id in self.builds.runs.running_in(root.as_ref()) {
            let wanted = match (&args.target, self.builds.runs.order(id)) {
                (Some(target), Some(order)) => order.targets.contains(target),
                _ => true,
            };
            if wanted {
                self.builds.runs.cancel(id);
            }
        }
        Ok(None)
    }

    fn orders_for(
        &self,
        kind: OrderKind,
        args: &CheckArgs,
    ) -> Result<Vec<BuildOrder>, ResponseFailure> {
        let order = |workspace: &PathBuf, targets: Vec<String>| BuildOrder {
            workspace: workspace.clone(),
            targets,
            kind,
        };
        if let Some(uri) = &args.uri {
            let path = uri_to_path(uri)
                .ok_or_else(|| invalid(format!("not a file URI: {}", uri.as_str())))?;
            let root = self
                .workspace_of(&path)
                .ok_or_else(|| invalid(format!("no Cargo workspace holds {}", path.display())))?;
            let targets = match &args.target {
                Some(target) => vec![target.clone()],
                None => self.targets_for(&root, &path),
            };
            if targets.is_empty() {
                return Err(invalid(format!(
                    "no targets selected for {}",
                    path.display()
                )));
            }
            return Ok(vec![order(&root, targets)]);
        }
        let orders: Vec<BuildOrder> = self
            .builds
            .workspaces
            .keys()
            .map(|root| {
                let targets = match &args.target {
                    Some(target) => vec![target.clone()],
                    None => self.targets_for(root, root),
                };
                order(root, targets)
            })
            .filter(|order| !order.targets.is_empty())
            .collect();
        if orders.is_empty() {
            return Err(invalid("no Cargo workspace is loaded yet".into()));
        }
        Ok(orders)
    }

    /// The deepest loaded Cargo workspace that holds `path`.
    fn workspace_of(&self, path: &Path) -> Option<PathBuf> {
        root_for(self.builds.workspaces.keys(), path).cloned()
    }

    /// The selected targets of the package that holds `path`; for a file of no package
    /// (the virtual manifest), those of every package of the workspace.
    fn targets_for(&self, root: &Path, path: &Path) -> Vec<String> {
        let Some(packages) = self.builds.workspaces.get(root) else {
            return Vec::new();
        };
        let owner = packages
            .iter()
            .filter(|package| {
                package
                    .manifest
                    .parent()
                    .is_some_and(|dir| path.starts_with(dir) && path != root)
            })
            .max_by_key(|package| package.manifest.components().count());
        let mut targets = Vec::new();
        let chosen: Vec<&PackageSelection> = match owner {
            Some(package) => vec![package],
            None => packages.iter().collect(),
        };
        for package in chosen {
            for target in &package.targets {
                if !targets.contains(target) {
                    targets.push(target.clone());
                }
            }
        }
        targets
    }

    /// Starts `order`, first cancelling older runs of the same targets in its workspace.
    fn start_order(&mut self, order: BuildOrder) -> Result<(), String> {
        for id in self.builds.runs.running_in(Some(&order.workspace)) {
            let Some(older) = self.builds.runs.order(id) else {
                continue;
            };
            if overlaps(&older.targets, &order.targets) {
                let taken: Vec<String> = older
                    .targets
                    .iter()
                    .filter(|target| order.targets.contains(target))
                    .cloned()
                    .collect();
                self.builds.superseded.entry(id).or_default().extend(taken);
                self.builds.runs.cancel(id);
            }
        }
        let title = order.kind.title(&order.targets);
        let workspace = path_to_uri(&order.workspace);
        let targets = order.targets.clone();
        let id = self.builds.runs.start(order)?;
        for target in targets {
            self.send_status(target, CheckState::Running, (0, 0), &workspace, None);
        }
        if self.client.work_done_progress {
            let token = format!("triplet-build-{id}");
            self.builds.progress.insert(
                id,
                Progress {
                    token: token.clone(),
                    title,
                    state: ProgressState::Creating,
                    latest: None,
                    errors: 0,
                    warnings: 0,
                    failure: None,
                    ended: false,
                },
            );
            let params = WorkDoneProgressCreateParams {
                token: ProgressToken::String(token),
            };
            self.send_request::<request::WorkDoneProgressCreate>(params, Pending::Progress { id });
        }
        Ok(())
    }

    /// `didSave`: with `triplet.checkOnSave`, check the saved file's package, debounced.
    pub(super) fn saved(&mut self, path: &Path) {
        if !is_rust_or_manifest(path) {
            return;
        }
        let Some(root) = self.workspace_of(path) else {
            return;
        };
        if !self.config.for_workspace(&root).check_on_save {
            return;
        }
        let due = Instant::now() + SAVE_DEBOUNCE;
        self.builds
            .save_checks
            .insert(root, (path.to_path_buf(), due));
    }

    pub(super) fn next_save_check(&self) -> Option<Instant> {
        self.builds.save_checks.values().map(|(_, due)| *due).min()
    }

    pub(super) fn run_due_save_checks(&mut self, now: Instant) {
        let due: Vec<(PathBuf, PathBuf)> = self
            .builds
            .save_checks
            .iter()
            .filter(|(_, (_, due))| *due <= now)
            .map(|(root, (path, _))| (root.clone(), path.clone()))
            .collect();
        for (root, path) in due {
            self.builds.save_checks.remove(&root);
            let targets = self.targets_for(&root, &path);
            if targets.is_empty() {
                continue;
            }
            let order = BuildOrder {
                workspace: root,
                targets,
                kind: OrderKind::Check,
            };
            if let Err(problem) = self.start_order(order) {
                self.log(MessageType::ERROR, problem);
            }
        }
    }

    /// Shutdown or exit: no run outlives the session.
    pub(super) fn stop_builds(&mut self) {
        self.builds.runs.stop_all(STOP_PATIENCE);
    }

    /// Source actions for a Rust file or Cargo.toml of a loaded workspace: check or build
    /// per selected target, check all, cancel while something runs.
    pub(super) fn target_actions(&self, path: &Path, uri: &Uri) -> Vec<CodeAction> {
        let Some(root) = self
            .workspace_of(path)
            .filter(|_| is_rust_or_manifest(path))
        else {
            return Vec::new();
        };
        let targets = self.targets_for(&root, path);
        let argument = |target: Option<&String>| match target {
            Some(target) => json!({"target": target, "uri": uri}),
            None => json!({"uri": uri}),
        };
        let mut actions = Vec::new();
        for target in &targets {
            let title = format!("Check for {target}");
            actions.push(command_action(
                title,
                "triplet.check",
                argument(Some(target)),
            ));
        }
        if !targets.is_empty() {
            let title = "Check all targets".to_string();
            actions.push(command_action(title, "triplet.check", argument(None)));
        }
        for target in &targets {
            let title = format!("Build for {target}");
            actions.push(command_action(
                title,
                "triplet.build",
                argument(Some(target)),
            ));
        }
        if !self.builds.runs.running_in(Some(&root)).is_empty() {
            let title = "Cancel target checks".to_string();
            actions.push(command_action(title, "triplet.cancel", argument(None)));
        }
        actions
    }

    /// For a T0006 finding (target not installed): install it, or check it with build-std.
    pub(super) fn missing_target_actions(
        &self,
        target: &str,
        uri: &Uri,
        diagnostic: Diagnostic,
    ) -> Vec<CodeAction> {
        let argument = json!({"target": target, "uri": uri});
        let mut actions = vec![CodeAction {
            diagnostics: Some(vec![diagnostic.clone()]),
            kind: Some(CodeActionKind::QUICKFIX),
            ..command_action(
                format!("Install target (rustup target add {target})"),
                "triplet.installTarget",
                argument.clone(),
            )
        }];
        // Normally the probe from `initialized` has answered; if not, ask now (once).
        if crate::build::build_std_available().is_some() {
            actions.push(CodeAction {
                diagnostics: Some(vec![diagnostic]),
                kind: Some(CodeActionKind::QUICKFIX),
                ..command_action(
                    format!("Check {target} with -Zbuild-std (uses RUSTC_BOOTSTRAP=1)"),
                    "triplet.checkBuildStd",
                    argument,
                )
            });
        }
        actions
    }
}

fn command_action(title: String, command: &str, argument: Value) -> CodeAction {
    CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::SOURCE),
        command: Some(Command {
            title,
            command: command.to_string(),
            arguments: Some(vec![argument]),
        }),
        ..CodeAction::default()
    }
}

/// `[{target?, uri?}]`, `[]` or `[null]`.
fn command_args(arguments: Vec<Value>) -> Result<CheckArgs, ResponseFailure> {
    match arguments.into_iter().next() {
        None | Some(Value::Null) => Ok(CheckArgs::default()),
        Some(value) => serde_json::from_value(value)
            .map_err(|problem| invalid(format!("expected {{target?, uri?}}: {problem}"))),
    }
}

fn invalid(message: String) -> ResponseFailure {
    ResponseFailure::invalid_params(message)
}

/// Files whose package a check or build concerns.
fn is_rust_or_manifest(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "rs")
        || path.file_name().is_some_and(|name| name == "Cargo.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_server::ErrorCode;

    #[test]
    fn command_arguments_may_be_missing_null_or_an_object() {
        assert_eq!(command_args(vec![]).ok(), Some(CheckArgs::default()));
        assert_eq!(
            command_args(vec![Value::Null]).ok(),
            Some(CheckArgs::default())
        );
        let args = command_args(vec![json!({"target": "wasm32-unknown-unknown"})]).ok();
        assert_eq!(
            args.and_then(|args| args.target).as_deref(),
            Some("wasm32-unknown-unknown")
        );
        let refused = command_args(vec![json!("wasm32-unknown-unknown")]).err();
        assert!(
            refused.is_some_and(|failure| failure.code as i32 == ErrorCode::InvalidParams as i32)
        );
    }
}
