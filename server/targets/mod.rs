//! Targets: which triples each package is analysed for (selection) and what each one is
//! (facts from rustc and target-lexicon).

pub mod keyed_file;
pub mod rust_src_cache;
pub mod rustc_cache;
pub mod rustup_guard;
pub mod selection;
pub mod toolchain;
pub mod triple;

pub use toolchain::Toolchain;
pub use triple::TargetFacts;
