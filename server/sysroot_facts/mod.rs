//! Derives `SysrootFacts` from a toolchain's rust-src (`…/lib/rustlib/src/rust/library`):
//! which float methods only std has, which atomic types and methods exist under which cfg.
//! Reads files; the parsing itself is in the submodules (the cfg sets come from `Toolchain`).

mod atomics;
mod float;

use crate::analysis::local_types::sysroot_facts::SysrootFacts;
use std::fmt;
use std::path::{Path, PathBuf};

pub use atomics::derive_atomic_types;
pub use float::{derive_std_only_float_methods, inherent_methods};

/// Why the facts could not be derived (the caller reports it once, as information).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysrootFactsError(pub String);

impl fmt::Display for SysrootFactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SysrootFactsError {}

/// Reads rust-src under `library` (the directory holding `core/`, `std/`).
pub fn derive(library: &Path) -> Result<SysrootFacts, SysrootFactsError> {
    let read = |relative: &str| -> Result<String, SysrootFactsError> {
        let path = library.join(relative);
        std::fs::read_to_string(&path)
            .map_err(|error| SysrootFactsError(format!("cannot read {}: {error}", path.display())))
    };
    let first_present = |candidates: &[&str]| -> Result<String, SysrootFactsError> {
        let found = candidates.iter().find(|c| library.join(c).is_file());
        match found {
            Some(relative) => read(relative),
            None => Err(SysrootFactsError(format!(
                "rust-src at {} has none of {}",
                library.display(),
                candidates.join(", ")
            ))),
        }
    };
    let mut facts = SysrootFacts::default();
    for ty in ["f32", "f64"] {
        // std moved its float modules to std/src/num/ in 1.87; older layouts keep them at src/.
        let std_text =
            first_present(&[&format!("std/src/num/{ty}.rs"), &format!("std/src/{ty}.rs")])?;
        let core_text = first_present(&[&format!("core/src/num/{ty}.rs")])?;
        let methods = derive_std_only_float_methods(ty, &std_text, &core_text);
        if let Some(float) = crate::analysis::local_types::sysroot_facts::FloatTy::from_name(ty) {
            facts.std_only_float_methods.insert(float, methods);
        }
    }
    let atomic = read("core/src/sync/atomic.rs")?;
    facts.atomic_types = derive_atomic_types(&atomic);
    if facts.atomic_types.is_empty() {
        return Err(SysrootFactsError(
            "no atomic types found in core/src/sync/atomic.rs (unknown layout)".into(),
        ));
    }
    Ok(facts)
}

/// The `library` directory of a sysroot's rust-src, when installed.
pub fn library_in_sysroot(sysroot: &Path) -> Option<PathBuf> {
    let library = sysroot.join("lib/rustlib/src/rust/library");
    library.join("core/src/lib.rs").is_file().then_some(library)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_rust_src_is_an_error_not_empty_facts() {
        let empty = tempfile::tempdir().expect("tempdir");
        let error = derive(empty.path()).expect_err("no rust-src");
        assert!(error.0.contains("std/src/num/f32.rs"), "{error}");
    }
}
