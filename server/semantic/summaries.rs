//! What each module file of std, core, alloc and the dependencies declares, kept on disk
//! between runs: T0008 reads dozens of them per check (hashbrown's check parses about 20 ms
//! of std), and they seldom change.
//!
//! One file per crate root under `$XDG_CACHE_HOME/triplet/summaries`. Every module carries
//! the stamp (size, modification time) of the file it was read from and is used only while
//! that file still has it, so an edited path dependency is read again; the whole file
//! counts only for the Triplet binary that wrote it (another build may read differently).

use crate::analysis::items::source::ModuleSource;
use crate::analysis::items::CrateTree;
use crate::semantic::DiskProvider;
use crate::targets::keyed_file;
use crate::targets::rustc_cache::{cache_root, file_stamp, stable_hash};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One module as kept: the key of the file is the Triplet binary that wrote it.
#[derive(Deserialize)]
struct KeptModule {
    path: PathBuf,
    stamp: String,
    source: ModuleSource,
}

/// `KeptModule` as written, borrowing the tree's summary.
#[derive(Serialize)]
struct KeptModuleRef<'a> {
    path: &'a Path,
    stamp: String,
    source: &'a ModuleSource,
}

/// Where one crate's summaries are kept, and how many module files the tree had read when
/// they were last kept.
pub struct Summaries {
    file: PathBuf,
    writer: String,
    kept: usize,
    /// The stamps of the modules read from the cache file, which this run did not read.
    kept_stamps: HashMap<PathBuf, String>,
    /// Reads the tree's files, with the stamp of each as it was read.
    disk: Arc<DiskProvider>,
}

impl Summaries {
    /// The kept summaries of the crate rooted at `root` that still match their files.
    /// `disk` is the provider the crate's tree reads its files with.
    pub fn open(
        root: &Path,
        disk: Arc<DiskProvider>,
    ) -> Option<(Summaries, HashMap<PathBuf, Arc<ModuleSource>>)> {
        Summaries::open_in(&cache_root()?, root, disk)
    }

    fn open_in(
        cache: &Path,
        root: &Path,
        disk: Arc<DiskProvider>,
    ) -> Option<(Summaries, HashMap<PathBuf, Arc<ModuleSource>>)> {
        let writer = file_stamp(&std::env::current_exe().ok()?)?;
        let name = format!(
            "{:016x}.json",
            stable_hash(root.as_os_str().as_encoded_bytes())
        );
        let file = cache.join("summaries").join(name);
        let mut kept_stamps = HashMap::new();
        let kept: HashMap<PathBuf, Arc<ModuleSource>> =
            keyed_file::read::<Vec<KeptModule>>(&file, &writer)
                .into_iter()
                .flatten()
                .filter(|module| file_stamp(&module.path).as_ref() == Some(&module.stamp))
                .map(|module| {
                    kept_stamps.insert(module.path.clone(), module.stamp);
                    (module.path, Arc::new(module.source))
                })
                .collect();
        let summaries = Summaries {
            file,
            writer,
            kept: kept.len(),
            kept_stamps,
            disk,
        };
        Some((summaries, kept))
    }

    /// Writes the tree's modules when it read more than were kept; false when there was
    /// nothing new. (A cache that cannot be written only costs the next run a parse.)
    pub fn save(&mut self, tree: &CrateTree) -> bool {
        // Counted first: most checks read nothing new, and the count costs no copy.
        let read = tree.files_loaded();
        if read <= self.kept {
            return false;
        }
        self.kept = read;
        let modules = tree.modules_read();
        // Sorted, so that the same modules make the same file.
        let mut kept: Vec<KeptModuleRef<'_>> = modules
            .iter()
            .filter_map(|(path, source)| {
                let stamp = (self.disk.stamp_when_read(path))
                    .or_else(|| self.kept_stamps.get(path).cloned())?;
                Some(KeptModuleRef {
                    stamp,
                    source: source.as_ref(),
                    path,
                })
            })
            .collect();
        kept.sort_by(|a, b| a.path.cmp(b.path));
        keyed_file::write(&self.file, &self.writer, &kept);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_read_once_are_kept_until_their_file_changes() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let (cache, root, child) = (
            dir.path().join("cache"),
            dir.path().join("lib.rs"),
            dir.path().join("child.rs"),
        );
        assert!(std::fs::write(&root, "pub mod child;\npub fn f() {}\n").is_ok());
        assert!(std::fs::write(&child, "pub struct S;\n").is_ok());
        let disk = Arc::new(DiskProvider::default());
        let tree = |kept| {
            let provider: Arc<dyn crate::analysis::items::SourceProvider> = disk.clone();
            CrateTree::with_modules("c", root.clone(), Vec::new(), provider, kept)
        };

        let Some((mut summaries, kept)) = Summaries::open_in(&cache, &root, disk.clone()) else {
            return;
        };
        assert!(kept.is_empty());
        let first = tree(kept);
        assert!(first.root_source().is_some());
        assert!(summaries.save(&first), "the root was read: written");
        assert!(!summaries.save(&first), "nothing new: not written again");

        let Some((_, kept)) = Summaries::open_in(&cache, &root, disk.clone()) else {
            return;
        };
        assert_eq!(kept.len(), 1);
        assert_eq!(
            kept.get(&root).map(|source| source.items.len()),
            first.root_source().map(|source| source.items.len())
        );

        // The root edited (another size): its summary no longer counts.
        assert!(std::fs::write(&root, "pub mod child;\npub fn f() {}\npub fn g() {}\n").is_ok());
        let Some((_, kept)) = Summaries::open_in(&cache, &root, disk.clone()) else {
            return;
        };
        assert!(kept.is_empty());
    }
}
