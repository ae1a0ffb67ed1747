//! Requests answered from the stored reports: code actions, hover, commands.

use super::*;
use crate::lsp::builds::OrderKind;

impl Server<'_> {
    pub(super) fn code_action(
        &mut self,
        params: CodeActionParams,
    ) -> Option<Vec<CodeActionOrCommand>> {
        let wants = |kind: &lsp_types::CodeActionKind| {
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
        let path = uri_to_path(&params.text_document.uri)?;
        let uri = params.text_document.uri.clone();
        let mut actions = Vec::new();
        if wants(&lsp_types::CodeActionKind::QUICKFIX) {
            actions.extend(self.finding_actions(&path, &uri, params.range));
            let uri_for = |path: &Path| self.uri_for(path);
            actions.extend(self.builds.diagnostics.fixes(&path, params.range, &uri_for));
        }
        if wants(&lsp_types::CodeActionKind::SOURCE) {
            actions.extend(self.target_actions(&path, &uri));
        }
        Some(
            actions
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }

    /// Fixes of the live findings under `range`, and the commands of a T0006 finding.
    /// None while the stored results are older than the buffer.
    fn finding_actions(
        &self,
        path: &Path,
        uri: &Uri,
        range: lsp_types::Range,
    ) -> Vec<lsp_types::CodeAction> {
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
            if finding.code != crate::analysis::finding::RuleCode::T0006 {
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

    pub(super) fn hover(&mut self, params: HoverParams) -> Option<lsp_types::Hover> {
        let position = params.text_document_position_params;
        let path = uri_to_path(&position.text_document.uri)?;
        let report = self.fresh_report(&path)?;
        let index = &report.texts.get(&path)?.index;
        hover(&report.findings, index, position.position, self.encoding)
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
            command => Err(ResponseFailure {
                code: ErrorCode::InvalidParams,
                message: format!("unknown command {command}"),
            }),
        }
    }
}
