//! Triplet: a target-aware language server and CLI for Rust.
//!
//! Data flows one way: `workspace` and `targets` gather facts, `analysis` (pure) turns
//! text + facts into findings with fixes, and the front ends (`cli`, `lsp`) convert and
//! present them. `build` runs the real toolchain per target. ARCHITECTURE.md at the
//! repository root has the code map and the invariants.

pub mod analysis;
pub mod build;
pub mod cli;
pub mod engine;
pub mod lsp;
pub mod process;
pub mod runtime_api;
pub mod semantic;
pub mod sysroot_facts;
pub mod targets;
pub mod workspace;
