//! Open editor buffers: text, version and line index, updated by incremental edits.

use super::line_index::{LineIndex, PositionEncoding};
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Document {
    /// The URI exactly as the client spelled it (replies use it verbatim).
    pub uri: Uri,
    pub version: i32,
    pub index: LineIndex,
}

impl Document {
    pub fn text(&self) -> &str {
        self.index.text()
    }
}

/// The open buffers as one analysis run sees them (cheap to clone: texts are shared).
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    files: HashMap<PathBuf, (i32, Arc<str>)>,
}

impl Overlay {
    pub fn text(&self, path: &Path) -> Option<&Arc<str>> {
        self.files.get(path).map(|(_, text)| text)
    }

    /// The version of `path` this snapshot holds, when it is open.
    pub fn version(&self, path: &Path) -> Option<i32> {
        self.files.get(path).map(|(version, _)| *version)
    }
}

#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<PathBuf, Document>,
}

impl Documents {
    pub fn open(&mut self, path: PathBuf, uri: Uri, version: i32, text: String) {
        let index = LineIndex::new(Arc::from(text));
        self.open.insert(
            path,
            Document {
                uri,
                version,
                index,
            },
        );
    }

    /// Applies the client's edits in order. Edits to a file that is not open are an error.
    pub fn change(
        &mut self,
        path: &Path,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) -> Result<(), String> {
        let document = self.open.get_mut(path).ok_or_else(|| {
            format!(
                "didChange for a document that is not open: {}",
                path.display()
            )
        })?;
        for change in changes {
            let text = match change.range {
                None => change.text,
                Some(range) => {
                    let bytes = document.index.byte_range(range, encoding);
                    let old = document.text();
                    let mut text = String::with_capacity(old.len() + change.text.len());
                    text.push_str(&old[..bytes.start]);
                    text.push_str(&change.text);
                    text.push_str(&old[bytes.end..]);
                    text
                }
            };
            document.index = LineIndex::new(Arc::from(text));
        }
        document.version = version;
        Ok(())
    }

    pub fn close(&mut self, path: &Path) -> Option<Document> {
        self.open.remove(path)
    }

    pub fn get(&self, path: &Path) -> Option<&Document> {
        self.open.get(path)
    }

    pub fn is_open(&self, path: &Path) -> bool {
        self.open.contains_key(path)
    }

    pub fn overlay(&self) -> Overlay {
        let files = self
            .open
            .iter()
            .map(|(path, document)| {
                (
                    path.clone(),
                    (document.version, document.index.shared_text()),
                )
            })
            .collect();
        Overlay { files }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn uri() -> Uri {
        "file:///w/src/lib.rs".parse().unwrap()
    }

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position::new(start.0, start.1),
                end: Position::new(end.0, end.1),
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_edits_apply_in_order_after_non_ascii_text() {
        let path = PathBuf::from("/w/src/lib.rs");
        let mut documents = Documents::default();
        documents.open(
            path.clone(),
            uri(),
            1,
            "// 😀\r\nlet a = 1;\r\n".to_string(),
        );
        documents
            .change(
                &path,
                2,
                vec![
                    edit((1, 4), (1, 5), "bee"),
                    // Column 5 in UTF-16 is after the emoji (2 units) on line 0.
                    edit((0, 5), (0, 5), "!"),
                ],
                PositionEncoding::Utf16,
            )
            .unwrap();
        let document = documents.get(&path).unwrap();
        assert_eq!(document.text(), "// 😀!\r\nlet bee = 1;\r\n");
        assert_eq!(document.version, 2);
    }

    #[test]
    fn utf8_edit_columns_count_bytes() {
        let path = PathBuf::from("/w/src/lib.rs");
        let mut documents = Documents::default();
        documents.open(path.clone(), uri(), 1, "漢x".to_string());
        documents
            .change(
                &path,
                2,
                vec![edit((0, 3), (0, 4), "y")],
                PositionEncoding::Utf8,
            )
            .unwrap();
        assert_eq!(documents.get(&path).unwrap().text(), "漢y");
    }

    #[test]
    fn full_replacement_and_overlay_versions() {
        let path = PathBuf::from("/w/src/lib.rs");
        let mut documents = Documents::default();
        documents.open(path.clone(), uri(), 1, "old".to_string());
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".to_string(),
        };
        documents
            .change(&path, 7, vec![full], PositionEncoding::Utf16)
            .unwrap();
        let overlay = documents.overlay();
        assert_eq!(overlay.version(&path), Some(7));
        assert_eq!(overlay.text(&path).map(|text| &**text), Some("new"));
        assert!(documents.close(&path).is_some());
        assert!(documents.overlay().text(&path).is_none());
    }

    #[test]
    fn changing_an_unopened_document_is_an_error() {
        let mut documents = Documents::default();
        let result = documents.change(Path::new("/nope.rs"), 1, vec![], PositionEncoding::Utf16);
        assert!(result.is_err());
    }
}
