//! Reading ahead while `cargo metadata` runs: a warm load spends most of its time waiting
//! for cargo (35 ms or more, in another process), and the first check then parses every
//! file. The manifests alone say where the members' crate roots are (cargo's conventions,
//! as for a broken member), so their module trees are read, parsed and prepared for T0008
//! meanwhile, on another thread. The check finds them in the file cache by path and text:
//! a file the read-ahead guessed wrong, or did not get to, is simply read then.

use super::file_cache::FileCache;
use crate::workspace::DiskSources;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// `TRIPLET_READ_AHEAD=0` turns the read-ahead off: the check then reads every file itself.
/// The findings are the same either way (tests/determinism.rs compares them); this is for
/// telling a read-ahead problem from another.
pub const READ_AHEAD_ENV: &str = "TRIPLET_READ_AHEAD";

/// Whether the environment leaves the read-ahead on.
pub(super) fn enabled() -> bool {
    std::env::var(READ_AHEAD_ENV).map_or(true, |value| value.trim() != "0")
}

/// Text read ahead at most: kept trees cost several times their text until the first
/// check lets go of them, and a workspace this large waits for cargo longer anyway.
const READ_AHEAD_BYTES: usize = 8 << 20;

/// The members' files under `manifest`'s directory, parsed with their trees kept, until
/// `stop` is set (cargo answered) or the budget is spent.
pub(super) fn read_ahead(manifest: &Path, stop: &AtomicBool) -> FileCache {
    let mut files = FileCache::default();
    files.keep_fresh_trees(true);
    let Some(root) = manifest.parent() else {
        return files;
    };
    let (members, _problems) = crate::workspace::fallback::read_members(manifest);
    let mut bytes = 0usize;
    for root_file in members.iter().flat_map(|member| &member.crate_roots) {
        let mut load = |path: &Path| {
            // Quietly: paths outside the directory are the check's to report, if any.
            let readable = crate::workspace::is_inside(root, path);
            if !readable || bytes > READ_AHEAD_BYTES || stop.load(Ordering::Relaxed) {
                return None;
            }
            let loaded = files.load(root, path, &DiskSources)?;
            bytes += loaded.text.len();
            files.prepare_fresh(path);
            Some((loaded.text, loaded.syntax))
        };
        crate::workspace::module_tree::module_tree(root_file, &mut load);
    }
    files
}
