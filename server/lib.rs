//! Triplet: a target-aware language server and CLI for Rust.
//!
//! Data flows one way (see DESIGN.md): `workspace` and `targets` gather facts,
//! `analysis` (pure) turns text + facts into findings with fixes, and the front ends
//! (`cli`, `lsp`) convert and present them. `build` runs the real toolchain per target.

pub mod analysis;
pub mod build;
pub mod cli;
pub mod engine;
pub mod lsp;
pub mod runtime_api;
pub mod sysroot_facts;
pub mod targets;
pub mod workspace;
