//! The crates T0008 resolves paths in, read from disk: std, core and alloc from the
//! toolchain's rust-src, and the package's dependencies from their sources (as cargo
//! resolved them). Module files are read lazily, once, and kept for the session.

pub mod summaries;

use crate::analysis::items::{CrateTree, SourceProvider};
use crate::analysis::rules::unavailable_on_target::ExternalCrate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use summaries::Summaries;

/// Reads regular files only (a FIFO or a device in a dependency folder must not block), and
/// notes each file's stamp as it was just before the read: a summary kept on disk carries
/// the stamp of the text it was made from, so a file edited during a run is read again by
/// the next one (a stamp taken when saving could be the edited file's).
#[derive(Default)]
pub struct DiskProvider {
    stamps: Mutex<HashMap<PathBuf, String>>,
}

impl DiskProvider {
    /// The stamp `path` had when it was read, if it was.
    pub fn stamp_when_read(&self, path: &Path) -> Option<String> {
        let stamps = match self.stamps.lock() {
            Ok(stamps) => stamps,
            Err(poisoned) => poisoned.into_inner(),
        };
        stamps.get(path).cloned()
    }
}

impl SourceProvider for DiskProvider {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() {
            return None;
        }
        let stamp = crate::targets::rustc_cache::file_stamp(path);
        let text = std::fs::read_to_string(path).ok().map(Arc::from)?;
        if let Some(stamp) = stamp {
            if let Ok(mut stamps) = self.stamps.lock() {
                stamps.insert(path.to_path_buf(), stamp);
            }
        }
        Some(text)
    }
}

/// A crate read from disk, with what earlier runs kept of its modules, and where to keep
/// what this one reads (`None`: no cache to keep it in).
pub struct DiskCrate {
    pub krate: ExternalCrate,
    pub summaries: Option<Summaries>,
}

fn disk_crate(name: &str, root: PathBuf, features: Vec<String>, build_script: bool) -> DiskCrate {
    let disk = Arc::new(DiskProvider::default());
    let (summaries, kept) = match Summaries::open(&root, disk.clone()) {
        Some((summaries, kept)) => (Some(summaries), kept),
        None => (None, Default::default()),
    };
    let provider: Arc<dyn SourceProvider> = disk;
    DiskCrate {
        krate: ExternalCrate {
            tree: Arc::new(
                CrateTree::with_modules(name, root, features, provider, kept)
                    .with_build_script(build_script),
            ),
            only_on: None,
            in_extern_prelude: name != "alloc",
        },
        summaries,
    }
}

/// std, core and alloc from a rust-src `library/` folder (`None` when it is not one).
pub fn sysroot_crates(library: &Path) -> Option<Vec<DiskCrate>> {
    let mut crates = Vec::new();
    for name in ["std", "core", "alloc"] {
        let root = library.join(name).join("src").join("lib.rs");
        if !root.is_file() {
            return None;
        }
        // std's build script sets nothing its users' gates test: its cfgs are known
        // (`Toolchain::std_cfg`).
        crates.push(disk_crate(name, root, Vec::new(), false));
    }
    Some(crates)
}

/// A dependency's library crate, named as code names it (`-` becomes `_`);
/// `build_script`: it has one, so cfgs it may set are unknown in it.
pub fn dependency_crate(
    lib_name: &str,
    root: PathBuf,
    features: Vec<String>,
    build_script: bool,
) -> DiskCrate {
    disk_crate(&lib_name.replace('-', "_"), root, features, build_script)
}
