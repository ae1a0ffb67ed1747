//! What the engine reads during one analysis run: pinned last-good manifests first, then
//! the editor's buffers, then the disk. Every text served is remembered, so that byte
//! ranges are converted against exactly the text the engine analysed.

use super::outcomes::FileReport;
use crate::analysis::finding::Finding;
use crate::engine::SourceProvider;
use crate::lsp::documents::Overlay;
use crate::lsp::line_index::LineIndex;
use crate::lsp::to_proto::AnalyzedText;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub fn report(
    path: PathBuf,
    root: Option<PathBuf>,
    findings: Vec<Finding>,
    sources: &RecordingSources,
) -> FileReport {
    let mut files: Vec<&Path> = vec![&path];
    for finding in &findings {
        for fix in &finding.fixes {
            files.extend(fix.edits.iter().map(|edit| edit.file.as_path()));
        }
    }
    let mut texts = HashMap::new();
    for file in files {
        // A pinned (last good) text is not what the editor shows: no edits against it.
        if texts.contains_key(file) || sources.is_pinned(file) {
            continue;
        }
        if let Some(text) = sources.text(file) {
            let analyzed = AnalyzedText {
                version: sources.overlay.version(file),
                index: LineIndex::new(text),
            };
            texts.insert(file.to_path_buf(), analyzed);
        }
    }
    FileReport {
        version: sources.overlay.version(&path),
        path,
        root,
        findings,
        texts,
    }
}

pub fn unowned_report(path: &Path, overlay: &Overlay) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        version: overlay.version(path),
        root: None,
        findings: Vec::new(),
        texts: HashMap::new(),
    }
}

pub struct RecordingSources<'a> {
    pins: Option<&'a HashMap<PathBuf, Arc<str>>>,
    overlay: &'a Overlay,
    served: Mutex<HashMap<PathBuf, Option<Arc<str>>>>,
}

impl<'a> RecordingSources<'a> {
    pub fn new(
        overlay: &'a Overlay,
        pins: Option<&'a HashMap<PathBuf, Arc<str>>>,
    ) -> RecordingSources<'a> {
        RecordingSources {
            pins,
            overlay,
            served: Mutex::new(HashMap::new()),
        }
    }

    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        // A poisoned lock only means another reader panicked; the map is still whole.
        let mut served = self
            .served
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(known) = served.get(path) {
            return known.clone();
        }
        let pinned = self.pins.and_then(|pins| pins.get(path));
        let text = match pinned.or_else(|| self.overlay.text(path)) {
            Some(text) => Some(Arc::clone(text)),
            None => crate::workspace::read_source_file(path).map(Arc::from),
        };
        served.insert(path.to_path_buf(), text.clone());
        text
    }
}

impl RecordingSources<'_> {
    pub fn is_pinned(&self, path: &Path) -> bool {
        self.pins.is_some_and(|pins| pins.contains_key(path))
    }
}

impl SourceProvider for RecordingSources<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        self.text(path).map(|text| text.to_string())
    }
}
