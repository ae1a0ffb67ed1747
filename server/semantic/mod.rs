//! The crates T0008 resolves paths in, read from disk: std, core and alloc from the
//! toolchain's rust-src, and the package's dependencies from their sources (as cargo
//! resolved them). Module files are read lazily, once, and kept for the session.

pub mod summaries;

use crate::analysis::items::{CrateTree, SourceProvider};
use crate::analysis::rules::unavailable_on_target::ExternalCrate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use summaries::Summaries;

/// Reads regular files only (a FIFO or a device in a dependency folder must not block).
pub struct DiskProvider;

impl SourceProvider for DiskProvider {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        let metadata = std::fs::metadata(path).ok()?;
        if !metadata.is_file() {
            return None;
        }
        std::fs::read_to_string(path).ok().map(Arc::from)
    }
}

/// A crate read from disk, with what earlier runs kept of its modules, and where to keep
/// what this one reads (`None`: no cache to keep it in).
pub struct DiskCrate {
    pub krate: ExternalCrate,
    pub summaries: Option<Summaries>,
}

fn disk_crate(name: &str, root: PathBuf, features: Vec<String>, build_script: bool) -> DiskCrate {
    let (summaries, kept) = match Summaries::open(&root) {
        Some((summaries, kept)) => (Some(summaries), kept),
        None => (None, Default::default()),
    };
    let provider: Arc<dyn SourceProvider> = Arc::new(DiskProvider);
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
