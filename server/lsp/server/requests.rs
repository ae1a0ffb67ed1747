//! Requests answered from the stored reports: code actions, hover, commands.

use super::*;

impl Server<'_> {
    pub(super) fn code_action(
        &mut self,
        params: CodeActionParams,
    ) -> Option<Vec<CodeActionOrCommand>> {
        // Every action here is a quickfix: a client asking for other kinds gets none.
        if let Some(only) = &params.context.only {
            let quickfix = lsp_types::CodeActionKind::QUICKFIX;
            if !only
                .iter()
                .any(|kind| kind.as_str().is_empty() || *kind == quickfix)
            {
                return Some(Vec::new());
            }
        }
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
        // One arm per command: "triplet.check" | "triplet.build" | "triplet.cancel" land here.
        #[allow(clippy::match_single_binding)]
        match params.command.as_str() {
            command => Err(ResponseFailure {
                code: ErrorCode::InvalidParams,
                message: format!("unknown command {command}"),
            }),
        }
    }
}
