//! Compiler diagnostics from per-target builds → LSP diagnostics and quick fixes.
//!
//! Kept apart from the live analysis results: a re-analysis never wipes them, and a new
//! run replaces only the results of its own targets (in its own workspace).

use crate::build::{CompilerDiagnostic, Severity, SourceRange};
use crate::lsp::line_index::{LineIndex, PositionEncoding};
use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Range, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A replacement in a file: (file, range, new text).
type Edit = (PathBuf, Range, String);

/// One compiler message, converted once (positions in the session's encoding).
#[derive(Debug, Clone)]
struct Stored {
    workspace: PathBuf,
    targets: Vec<String>,
    file: PathBuf,
    diagnostic: Diagnostic,
    /// (file, range, replacement) groups; each group is one quick fix.
    fixes: Vec<(String, Vec<Edit>)>,
    /// Related locations as (file, range, message); URIs are made when publishing.
    related: Vec<Edit>,
}

/// The latest build results, per workspace and target.
#[derive(Debug, Default)]
pub struct BuildDiagnostics {
    stored: Vec<Stored>,
}

impl BuildDiagnostics {
    /// Replaces what earlier runs said for `targets` in `workspace` with `diagnostics`;
    /// returns every file whose build diagnostics may have changed.
    pub fn replace(
        &mut self,
        workspace: &Path,
        targets: &[String],
        diagnostics: &[CompilerDiagnostic],
        encoding: PositionEncoding,
    ) -> BTreeSet<PathBuf> {
        let mut touched = BTreeSet::new();
        for stored in &mut self.stored {
            if stored.workspace != workspace {
                continue;
            }
            let before = stored.targets.len();
            stored.targets.retain(|target| !targets.contains(target));
            if stored.targets.len() != before {
                touched.insert(stored.file.clone());
                stored.diagnostic.source = Some(source_label(&stored.targets));
            }
        }
        self.stored.retain(|stored| !stored.targets.is_empty());
        let mut texts = TextCache::default();
        for diagnostic in diagnostics {
            let stored = convert(workspace, diagnostic, encoding, &mut texts);
            touched.insert(stored.file.clone());
            self.stored.push(stored);
        }
        touched
    }

    /// Forgets a workspace; returns the files that showed its results.
    pub fn drop_workspace(&mut self, workspace: &Path) -> BTreeSet<PathBuf> {
        let files = self
            .stored
            .iter()
            .filter(|stored| stored.workspace == workspace)
            .map(|stored| stored.file.clone())
            .collect();
        self.stored.retain(|stored| stored.workspace != workspace);
        files
    }

    /// The build diagnostics of `file`, to publish beside the live ones.
    pub fn for_file(&self, file: &Path, uri_for: &dyn Fn(&Path) -> Option<Uri>) -> Vec<Diagnostic> {
        self.stored
            .iter()
            .filter(|stored| stored.file == file)
            .map(|stored| with_related(stored, uri_for))
            .collect()
    }

    /// Quick fixes (rustc's machine-applicable suggestions) of `file` under `requested`.
    // lsp-types keys `changes` by `Uri`, whose parsed form caches internally; never mutated.
    #[allow(clippy::mutable_key_type)]
    pub fn fixes(
        &self,
        file: &Path,
        requested: Range,
        uri_for: &dyn Fn(&Path) -> Option<Uri>,
    ) -> Vec<CodeAction> {
        let mut actions = Vec::new();
        for stored in self.stored.iter().filter(|stored| stored.file == file) {
            let range = stored.diagnostic.range;
            if range.end < requested.start || requested.end < range.start {
                continue;
            }
            for (title, edits) in &stored.fixes {
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                let mut complete = true;
                for (path, range, new_text) in edits {
                    match uri_for(path) {
                        Some(uri) => changes.entry(uri).or_default().push(TextEdit {
                            range: *range,
                            new_text: new_text.clone(),
                        }),
                        None => complete = false,
                    }
                }
                if !complete || changes.is_empty() {
                    continue; // a fix is all its edits or nothing
                }
                actions.push(CodeAction {
                    title: title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![with_related(stored, uri_for)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    }),
                    ..CodeAction::default()
                });
            }
        }
        actions
    }
}

/// `triplet(a)` or, for a message several targets reported alike, `triplet(a, b)`.
pub fn source_label(targets: &[String]) -> String {
    format!("triplet({})", targets.join(", "))
}

fn with_related(stored: &Stored, uri_for: &dyn Fn(&Path) -> Option<Uri>) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = stored
        .related
        .iter()
        .filter_map(|(file, range, message)| {
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: uri_for(file)?,
                    range: *range,
                },
                message: message.clone(),
            })
        })
        .collect();
    let mut diagnostic = stored.diagnostic.clone();
    if !related.is_empty() {
        diagnostic.related_information = Some(related);
    }
    diagnostic
}

/// Files read once per conversion batch (rustc's byte offsets → the encoding's columns).
#[derive(Default)]
struct TextCache {
    indexes: HashMap<PathBuf, Option<LineIndex>>,
}

impl TextCache {
    fn range(&mut self, file: &Path, range: &SourceRange, encoding: PositionEncoding) -> Range {
        let index = self.indexes.entry(file.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read_to_string(file).ok()?;
            Some(LineIndex::new(Arc::from(text)))
        });
        match index {
            Some(index) => {
                let bytes = range.byte_start as usize..range.byte_end as usize;
                index.range(&bytes, encoding)
            }
            // The file is gone: rustc's 1-based line and character columns are close enough.
            None => Range {
                start: lsp_types::Position::new(
                    range.line_start.saturating_sub(1),
                    range.column_start.saturating_sub(1),
                ),
                end: lsp_types::Position::new(
                    range.line_end.saturating_sub(1),
                    range.column_end.saturating_sub(1),
                ),
            },
        }
    }
}

fn convert(
    workspace: &Path,
    diagnostic: &CompilerDiagnostic,
    encoding: PositionEncoding,
    texts: &mut TextCache,
) -> Stored {
    let range = diagnostic
        .range
        .as_ref()
        .map(|range| texts.range(&diagnostic.file, range, encoding))
        .unwrap_or_default();
    let mut message = diagnostic.message.clone();
    if let Some(label) = diagnostic
        .label
        .as_deref()
        .filter(|label| !label.is_empty())
    {
        message.push_str(&format!("\n{label}"));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\n{note}"));
    }
    let code_description = diagnostic
        .code
        .as_deref()
        .and_then(error_code_page)
        .and_then(|href| href.parse::<Uri>().ok())
        .map(|href| CodeDescription { href });
    let related = diagnostic
        .related
        .iter()
        .map(|related| {
            let range = texts.range(&related.file, &related.range, encoding);
            (related.file.clone(), range, related.message.clone())
        })
        .collect();
    let fixes = diagnostic
        .fixes
        .iter()
        .map(|fix| {
            let edits = fix
                .edits
                .iter()
                .map(|edit| {
                    let range = texts.range(&edit.file, &edit.range, encoding);
                    (edit.file.clone(), range, edit.replacement.clone())
                })
                .collect();
            (fix.message.clone(), edits)
        })
        .collect();
    Stored {
        workspace: workspace.to_path_buf(),
        targets: diagnostic.targets.clone(),
        file: diagnostic.file.clone(),
        diagnostic: Diagnostic {
            range,
            severity: Some(severity(diagnostic.severity)),
            code: diagnostic.code.clone().map(NumberOrString::String),
            code_description,
            source: Some(source_label(&diagnostic.targets)),
            message,
            related_information: None,
            tags: None,
            data: Some(json!({ "targets": diagnostic.targets, "package": diagnostic.package_id })),
        },
        fixes,
        related,
    }
}

/// rustc's error index page for `E0308`-style codes (lints have none we can name).
fn error_code_page(code: &str) -> Option<String> {
    let digits = code.strip_prefix('E')?;
    (digits.len() == 4 && digits.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| format!("https://doc.rust-lang.org/error_codes/{code}.html"))
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
        Severity::Help => DiagnosticSeverity::HINT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiler(targets: &[&str], message: &str) -> CompilerDiagnostic {
        CompilerDiagnostic {
            targets: targets.iter().map(|target| target.to_string()).collect(),
            package_id: "pkg".into(),
            file: PathBuf::from("/nonexistent/src/lib.rs"),
            range: Some(SourceRange {
                line_start: 2,
                column_start: 5,
                line_end: 2,
                column_end: 11,
                byte_start: 0,
                byte_end: 0,
            }),
            label: None,
            severity: Severity::Warning,
            code: Some("unused_variables".into()),
            message: message.into(),
            rendered: None,
            related: Vec::new(),
            notes: Vec::new(),
            fixes: Vec::new(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    #[test]
    fn a_new_run_replaces_only_its_own_targets() {
        let mut store = BuildDiagnostics::default();
        let workspace = Path::new("/nonexistent");
        let file = Path::new("/nonexistent/src/lib.rs");
        let uri_for = |_: &Path| "file:///nonexistent/src/lib.rs".parse::<Uri>().ok();
        let both = compiler(&["a", "b"], "shared");
        store.replace(
            workspace,
            &strings(&["a", "b"]),
            &[both],
            PositionEncoding::Utf16,
        );
        let shown = store.for_file(file, &uri_for);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].source.as_deref(), Some("triplet(a, b)"));
        assert_eq!(shown[0].range.start, lsp_types::Position::new(1, 4));

        // Target a is clean now: b's message stays, labelled b alone.
        store.replace(workspace, &strings(&["a"]), &[], PositionEncoding::Utf16);
        let shown = store.for_file(file, &uri_for);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].source.as_deref(), Some("triplet(b)"));

        // Another workspace's run leaves this one alone.
        store.replace(
            Path::new("/other"),
            &strings(&["b"]),
            &[],
            PositionEncoding::Utf16,
        );
        assert_eq!(store.for_file(file, &uri_for).len(), 1);
        store.replace(workspace, &strings(&["b"]), &[], PositionEncoding::Utf16);
        assert!(store.for_file(file, &uri_for).is_empty());
    }

    #[test]
    fn error_codes_link_to_the_error_index() {
        assert_eq!(
            error_code_page("E0308").as_deref(),
            Some("https://doc.rust-lang.org/error_codes/E0308.html")
        );
        assert_eq!(error_code_page("unused_variables"), None);
    }
}
