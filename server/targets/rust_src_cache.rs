//! What Triplet derives from a toolchain's rust-src (the run-time API table, the sysroot
//! facts of the local-type checks), kept on disk: deriving reads and parses dozens of std's
//! files, and a warm `triplet check` should read none of them.
//!
//! An entry is keyed by everything its value depends on: the Triplet binary that derived it
//! (a new build may derive differently), the rust-src directory and the stamps of its crate
//! roots (a reinstalled rust-src reads differently), and what the caller adds (the rustc
//! version whose cfg sets the derivation evaluated). A key that does not match is a miss.

use super::keyed_file;
use super::rustc_cache::{cache_root, file_stamp, stable_hash};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// `derive()`'s value, read from the cache when an entry of `kind` was written for the
/// same key; else derived and written. `None` (a derivation that failed) is not cached.
pub fn cached<T: Serialize + DeserializeOwned>(
    kind: &str,
    library: &Path,
    extra_key: &str,
    derive: impl FnOnce() -> Option<T>,
) -> Option<T> {
    match cache_root() {
        Some(root) => cached_in(&root, kind, library, extra_key, derive),
        None => derive(),
    }
}

fn cached_in<T: Serialize + DeserializeOwned>(
    root: &Path,
    kind: &str,
    library: &Path,
    extra_key: &str,
    derive: impl FnOnce() -> Option<T>,
) -> Option<T> {
    let Some((key, file)) = entry_key(root, kind, library, extra_key) else {
        return derive();
    };
    if let Some(value) = keyed_file::read(&file, &key) {
        return Some(value);
    }
    let value = derive()?;
    keyed_file::write(&file, &key, &value);
    Some(value)
}

/// The key and the file it is kept in; `None` when the binary or rust-src cannot be
/// inspected (then nothing is cached).
fn entry_key(
    root: &Path,
    kind: &str,
    library: &Path,
    extra_key: &str,
) -> Option<(String, PathBuf)> {
    let exe = std::env::current_exe().ok()?;
    // One file per (kind, rust-src, caller's key): a new Triplet build or a reinstalled
    // rust-src replaces the entry rather than adding one.
    let mut place = String::new();
    let _ = writeln!(place, "kind {kind}");
    let _ = writeln!(place, "library {}", library.display());
    let _ = writeln!(place, "{extra_key}");
    let mut key = place.clone();
    let triplet = file_stamp(&exe)?;
    let _ = writeln!(key, "triplet {} {triplet}", env!("CARGO_PKG_VERSION"));
    for root in ["core/src/lib.rs", "alloc/src/lib.rs", "std/src/lib.rs"] {
        let _ = writeln!(key, "{root} {}", file_stamp(&library.join(root))?);
    }
    let name = format!("{kind}-{:016x}.json", stable_hash(place.as_bytes()));
    Some((key, root.join("derived").join(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake rust-src `library/` whose crate roots can be touched.
    fn library(dir: &Path) -> PathBuf {
        let library = dir.join("library");
        for root in ["core/src", "alloc/src", "std/src"] {
            assert!(std::fs::create_dir_all(library.join(root)).is_ok());
            assert!(std::fs::write(library.join(root).join("lib.rs"), "//! root\n").is_ok());
        }
        library
    }

    #[test]
    fn a_second_call_reads_what_the_first_derived_and_a_changed_key_derives_again() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let (root, library) = (dir.path().join("cache"), library(dir.path()));
        let mut derivations = 0;
        let mut derive = |value: u32| {
            derivations += 1;
            Some(value)
        };
        assert_eq!(
            cached_in(&root, "test", &library, "rustc 1", || derive(7)),
            Some(7)
        );
        assert_eq!(
            cached_in(&root, "test", &library, "rustc 1", || derive(8)),
            Some(7)
        );
        assert_eq!(
            cached_in(&root, "test", &library, "rustc 2", || derive(9)),
            Some(9)
        );
        // A reinstalled rust-src (another stamp of a crate root) is a miss.
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(std::fs::write(library.join("std/src/lib.rs"), "//! another root\n").is_ok());
        assert_eq!(
            cached_in(&root, "test", &library, "rustc 1", || derive(10)),
            Some(10)
        );
        // A failed derivation is not cached: the next call derives again.
        assert_eq!(
            cached_in::<u32>(&root, "failing", &library, "", || None),
            None
        );
        assert_eq!(
            cached_in(&root, "failing", &library, "", || derive(11)),
            Some(11)
        );
        assert_eq!(derivations, 4);
        // A reinstalled rust-src replaced its entry: one file per (kind, caller's key).
        let files = std::fs::read_dir(root.join("derived")).map_or(0, |dir| dir.count());
        assert_eq!(files, 3);
    }
}
