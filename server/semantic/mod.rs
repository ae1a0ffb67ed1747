//! The crates T0008 resolves paths in, read from disk: std, core and alloc from the
//! toolchain's rust-src, and the package's dependencies from their sources (as cargo
//! resolved them). Module files are read lazily, once, and kept for the session.

use crate::analysis::items::{CrateTree, SourceProvider};
use crate::analysis::rules::unavailable_on_target::ExternalCrate;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// std, core and alloc from a rust-src `library/` folder (`None` when it is not one).
pub fn sysroot_crates(library: &Path) -> Option<Vec<ExternalCrate>> {
    let provider: Arc<dyn SourceProvider> = Arc::new(DiskProvider);
    let mut crates = Vec::new();
    for name in ["std", "core", "alloc"] {
        let root = library.join(name).join("src").join("lib.rs");
        if !root.is_file() {
            return None;
        }
        crates.push(ExternalCrate {
            tree: Arc::new(CrateTree::new(name, root, Vec::new(), provider.clone())),
            only_on: None,
            in_extern_prelude: name != "alloc",
        });
    }
    Some(crates)
}

/// A dependency's library crate, named as code names it (`-` becomes `_`).
pub fn dependency_crate(
    lib_name: &str,
    root: PathBuf,
    features: Vec<String>,
    only_on: Option<Vec<String>>,
) -> ExternalCrate {
    ExternalCrate {
        tree: Arc::new(CrateTree::new(
            &lib_name.replace('-', "_"),
            root,
            features,
            Arc::new(DiskProvider),
        )),
        only_on,
        in_extern_prelude: true,
    }
}
