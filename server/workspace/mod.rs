//! The workspace model: `cargo metadata`, manifests, module trees, and the text of files
//! (editor buffers first, disk otherwise).

pub mod cargo_config;
pub mod fallback;
pub mod metadata;
pub mod module_tree;

use std::io::Read;
use std::path::Path;

/// Files larger than this are not read (no Rust source or manifest is that big; a
/// symlink to a huge file must not exhaust memory).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The bytes of a regular file of at most `MAX_FILE_BYTES`; `None` for anything else.
/// A FIFO would block the reader forever and `/dev/zero` never ends, so only regular
/// files (after following symlinks) are opened.
pub fn read_regular_file(path: &Path) -> Option<Vec<u8>> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        if !metadata.is_dir() {
            eprintln!(
                "triplet: not reading {}: not a regular file",
                path.display()
            );
        }
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        eprintln!(
            "triplet: not reading {}: larger than {MAX_FILE_BYTES} bytes",
            path.display()
        );
        return None;
    }
    Some(bytes)
}

/// Whether `path` lies inside `root` once `..` and symlinks are resolved. A path that
/// does not exist (an unsaved buffer) is judged by its text.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    match std::fs::canonicalize(path) {
        Ok(real) => real.starts_with(&real_root),
        Err(_) => {
            (path.starts_with(root) || path.starts_with(&real_root))
                && !path
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
        }
    }
}

/// A source file's text; non-UTF-8 files are analysed with replacement characters
/// rather than skipped (CLI and language server alike).
pub fn read_source_file(path: &Path) -> Option<String> {
    let bytes = read_regular_file(path)?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

/// Where file text comes from: open editor buffers first, the disk otherwise.
pub trait SourceProvider: Sync {
    fn read(&self, path: &Path) -> Option<String>;
}

/// Reads files from disk only (the CLI).
pub struct DiskSources;

impl SourceProvider for DiskSources {
    fn read(&self, path: &Path) -> Option<String> {
        read_source_file(path)
    }
}
