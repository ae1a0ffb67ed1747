//! Every `Fix` of a finding → a `quickfix` code action with an exact `WorkspaceEdit`.

use super::diagnostic::to_diagnostic;
use crate::analysis::finding::{Finding, Fix};
use crate::lsp::line_index::{LineIndex, PositionEncoding};
use lsp_types::{
    CodeAction, CodeActionKind, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Range, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A file's text as the analysis saw it: the version (when open) and its line index.
#[derive(Debug, Clone)]
pub struct AnalyzedText {
    pub version: Option<i32>,
    pub index: LineIndex,
}

/// What the edit builder needs to know about files and the client.
pub struct EditContext<'a> {
    pub texts: &'a HashMap<PathBuf, AnalyzedText>,
    pub encoding: PositionEncoding,
    /// The client takes versioned `documentChanges` (else plain `changes`).
    pub document_changes: bool,
    /// The URI to name a file by (the client's own spelling for open files).
    pub uri_for: &'a dyn Fn(&Path) -> Option<Uri>,
}

/// Code actions for the findings of one file whose range touches `requested`.
pub fn code_actions(
    findings: &[Finding],
    file_index: &LineIndex,
    requested: Range,
    context: &EditContext,
) -> Vec<CodeAction> {
    let mut actions = Vec::new();
    for finding in findings {
        let range = file_index.range(&finding.range, context.encoding);
        if range.end < requested.start || requested.end < range.start {
            continue;
        }
        let diagnostic = to_diagnostic(finding, file_index, context.encoding);
        for fix in &finding.fixes {
            let Some(edit) = workspace_edit(fix, context) else {
                continue;
            };
            actions.push(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: fix.preferred.then_some(true),
                ..CodeAction::default()
            });
        }
    }
    actions
}

/// `None` when a file the fix edits has no known text (an edit must never be a guess).
// lsp-types keys `changes` by `Uri`, whose parsed form has interior caching; it is never
// mutated while in the map.
#[allow(clippy::mutable_key_type)]
pub fn workspace_edit(fix: &Fix, context: &EditContext) -> Option<WorkspaceEdit> {
    let mut per_file: BTreeMap<&Path, Vec<TextEdit>> = BTreeMap::new();
    for edit in &fix.edits {
        let text = context.texts.get(&edit.file)?;
        per_file.entry(&edit.file).or_default().push(TextEdit {
            range: text.index.range(&edit.range, context.encoding),
            new_text: edit.new_text.clone(),
        });
    }
    for edits in per_file.values_mut() {
        edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    }
    if context.document_changes {
        let mut document_edits = Vec::new();
        for (path, edits) in per_file {
            document_edits.push(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: (context.uri_for)(path)?,
                    version: context.texts.get(path)?.version,
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            });
        }
        Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(document_edits)),
            ..WorkspaceEdit::default()
        })
    } else {
        let mut changes = HashMap::new();
        for (path, edits) in per_file {
            changes.insert((context.uri_for)(path)?, edits);
        }
        Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::finding::TextEdit as ByteEdit;
    use crate::lsp::to_proto::diagnostic::tests::no_std_finding;
    use crate::lsp::to_proto::path_to_uri;
    use lsp_types::Position;
    use std::sync::Arc;

    const TEXT: &str = "#![no_std]\n// ünïcödé 😀\nuse std::vec::Vec;\n";

    fn texts(version: Option<i32>) -> HashMap<PathBuf, AnalyzedText> {
        let mut texts = HashMap::new();
        texts.insert(
            PathBuf::from("/w/src/lib.rs"),
            AnalyzedText {
                version,
                index: LineIndex::new(Arc::from(TEXT)),
            },
        );
        texts
    }

    fn finding_with_two_edits() -> Finding {
        let mut finding = no_std_finding(TEXT);
        finding.fixes[0].edits.push(ByteEdit {
            file: finding.file.clone(),
            range: 11..11,
            new_text: "extern crate alloc;\n".into(),
        });
        finding
    }

    fn everything() -> Range {
        Range::new(Position::new(0, 0), Position::new(99, 0))
    }

    #[test]
    fn versioned_document_changes_with_sorted_exact_edits() {
        let texts = texts(Some(4));
        let context = EditContext {
            texts: &texts,
            encoding: PositionEncoding::Utf16,
            document_changes: true,
            uri_for: &path_to_uri,
        };
        let finding = finding_with_two_edits();
        let index = &texts[&finding.file].index;
        let actions = code_actions(&[finding], index, everything(), &context);
        assert_eq!(actions.len(), 1);
        let action = &actions[0];
        assert_eq!(action.kind, Some(CodeActionKind::QUICKFIX));
        assert_eq!(action.is_preferred, Some(true));
        assert_eq!(action.diagnostics.as_ref().unwrap().len(), 1);
        let Some(DocumentChanges::Edits(edits)) = &action.edit.as_ref().unwrap().document_changes
        else {
            panic!("expected document edits");
        };
        assert_eq!(edits[0].text_document.version, Some(4));
        let ranges: Vec<_> = edits[0]
            .edits
            .iter()
            .map(|edit| match edit {
                OneOf::Left(edit) => edit.range,
                OneOf::Right(edit) => edit.text_edit.range,
            })
            .collect();
        assert_eq!(
            ranges,
            vec![
                Range::new(Position::new(1, 0), Position::new(1, 0)),
                Range::new(Position::new(2, 4), Position::new(2, 7)),
            ]
        );
    }

    #[test]
    #[allow(clippy::mutable_key_type)] // see workspace_edit
    fn plain_changes_when_document_changes_are_unsupported() {
        let texts = texts(None);
        let context = EditContext {
            texts: &texts,
            encoding: PositionEncoding::Utf8,
            document_changes: false,
            uri_for: &path_to_uri,
        };
        let finding = no_std_finding(TEXT);
        let index = &texts[&finding.file].index;
        let actions = code_actions(&[finding], index, everything(), &context);
        let changes = actions[0].edit.as_ref().unwrap().changes.as_ref().unwrap();
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn findings_outside_the_requested_range_and_unknown_files_give_nothing() {
        let texts = texts(Some(1));
        let context = EditContext {
            texts: &texts,
            encoding: PositionEncoding::Utf16,
            document_changes: true,
            uri_for: &path_to_uri,
        };
        let finding = no_std_finding(TEXT);
        let index = &texts[&finding.file].index;
        let line_zero = Range::new(Position::new(0, 0), Position::new(0, 3));
        assert!(
            code_actions(std::slice::from_ref(&finding), index, line_zero, &context).is_empty()
        );
        let mut elsewhere = finding;
        elsewhere.fixes[0].edits[0].file = PathBuf::from("/w/unknown.rs");
        assert!(code_actions(&[elsewhere], index, everything(), &context).is_empty());
    }
}
