//! Which items exist on which target: crates' module trees with the `#[cfg]` gate of every
//! declaration (std, core and alloc from rust-src, dependencies from their sources, the
//! crate itself from its buffers), and path resolution in them per target. T0008
//! (`unavailable-on-target`) is built on this.

mod prelude;
pub mod references;
pub mod selection;
pub mod source;
pub mod tree;

pub use tree::{Brings, CrateSet, CrateTree, MemoryProvider, Module, Resolution, SourceProvider};
