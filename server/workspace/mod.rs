//! The workspace model: `cargo metadata`, manifests, module trees, and the text of files
//! (editor buffers first, disk otherwise).

pub mod fallback;
pub mod metadata;
pub mod modules;

use std::path::Path;

/// Where file text comes from: open editor buffers first, the disk otherwise.
pub trait SourceProvider: Sync {
    fn read(&self, path: &Path) -> Option<String>;
}

/// Reads files from disk only (the CLI).
pub struct DiskSources;

impl SourceProvider for DiskSources {
    fn read(&self, path: &Path) -> Option<String> {
        let bytes = std::fs::read(path).ok()?;
        // Non-UTF-8 files are analysed with replacement characters rather than skipped.
        Some(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        })
    }
}
