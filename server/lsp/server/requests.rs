//! Requests answered from the stored reports: code actions, hover, commands; and
//! `triplet/targets`, which the analysis thread answers.

use super::dispatch::ResponseFailure;
use super::Server;
use crate::analysis::finding::RuleCode;
use crate::lsp::build_runs::OrderKind;
use crate::lsp::ext::TargetsParams;
use crate::lsp::from_proto::uri_to_path;
use crate::lsp::to_proto::{code_actions, hover, to_diagnostic, EditContext};
use crate::lsp::worker::{FileReport, Job};
use lsp_server::RequestId;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    ExecuteCommandParams, Hover, HoverParams, Range, Uri,
};
use serde_json::Value;
use std::path::Path;

impl Server<'_> {
    pub(super) fn code_action(
        &mut self,
        params: CodeActionParams,
    ) -> Result<Option<CodeActionResponse>, ResponseFailure> {
        let wants = |kind: &CodeActionKind| {
            params.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|asked| {
                    let asked = asked.as_str();
                    // "source" asks for "source" and "source.*" (the kinds are hierarchical).
                    asked.is_empty()
                        || kind.as_str() == asked
                        || kind.as_str().starts_with(&format!("{asked}."))
                })
            })
        };
        let Some(path) = uri_to_path(&params.text_document.uri) else {
            return Ok(None);
        };
        let uri = params.text_document.uri.clone();
        let mut actions = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            actions.extend(self.finding_actions(&path, &uri, params.range));
            let uri_for = |path: &Path| self.uri_for(path);
            actions.extend(self.builds.diagnostics.fixes(&path, params.range, &uri_for));
        }
        if wants(&CodeActionKind::SOURCE) {
            actions.extend(self.target_actions(&path, &uri));
        }
        Ok(Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        ))
    }

    /// Fixes of the live findings under `range`, and the commands of a T0006 finding.
    /// None while the stored results are older than the buffer.
    fn finding_actions(&self, path: &Path, uri: &Uri, range: Range) -> Vec<CodeAction> {
        let Some(report) = self.fresh_report(path) else {
            return Vec::new();
        };
        let Some(file) = report.texts.get(path) else {
            return Vec::new();
        };
        let file_index = &file.index;
        let uri_for = |path: &Path| self.uri_for(path);
        let context = EditContext {
            texts: &report.texts,
            encoding: self.encoding,
            document_changes: self.client.document_changes,
            uri_for: &uri_for,
        };
        let mut actions = code_actions(&report.findings, file_index, range, &context);
        for finding in &report.findings {
            if finding.code != RuleCode::T0006 {
                continue;
            }
            let found = file_index.range(&finding.range, self.encoding);
            if found.end < range.start || range.end < found.start {
                continue;
            }
            let diagnostic = to_diagnostic(finding, file_index, self.encoding);
            for target in &finding.targets {
                actions.extend(self.missing_target_actions(target, uri, diagnostic.clone()));
            }
        }
        actions
    }

    pub(super) fn hover(&mut self, params: HoverParams) -> Result<Option<Hover>, ResponseFailure> {
        let position = params.text_document_position_params;
        let found = uri_to_path(&position.text_document.uri).and_then(|path| {
            let report = self.fresh_report(&path)?;
            let index = &report.texts.get(&path)?.index;
            hover(&report.findings, index, position.position, self.encoding)
        });
        Ok(found)
    }

    /// The stored report for `path` if it still describes the open buffer.
    pub(super) fn fresh_report(&self, path: &Path) -> Option<&FileReport> {
        let report = self.reports.get(path)?;
        match self.documents.get(path) {
            Some(document) if report.version != Some(document.version) => None,
            _ => Some(report),
        }
    }

    pub(super) fn execute_command(
        &mut self,
        params: ExecuteCommandParams,
    ) -> Result<Option<Value>, ResponseFailure> {
        let arguments = params.arguments;
        match params.command.as_str() {
            "triplet.check" => self.order_command(OrderKind::Check, arguments),
            "triplet.build" => self.order_command(OrderKind::Build, arguments),
            "triplet.checkBuildStd" => self.order_command(OrderKind::CheckBuildStd, arguments),
            "triplet.installTarget" => self.order_command(OrderKind::InstallTarget, arguments),
            "triplet.cancel" => self.cancel_command(arguments),
            command => Err(ResponseFailure::invalid_params(format!(
                "unknown command {command}"
            ))),
        }
    }

    /// `triplet/targets`: handed to the analysis thread, which owns the engines.
    pub(super) fn targets(
        &mut self,
        id: RequestId,
        params: Option<TargetsParams>,
    ) -> Result<(), ResponseFailure> {
        let path = params
            .and_then(|params| params.uri)
            .and_then(|uri| uri_to_path(&uri));
        self.worker_requests.insert(id.clone());
        if self.submit(Job::Targets {
            id: id.clone(),
            path,
        }) {
            return Ok(());
        }
        self.worker_requests.remove(&id);
        Err(ResponseFailure::internal(
            "the analysis thread is gone".into(),
        ))
    }
}
