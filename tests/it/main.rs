//! Triplet's integration tests in one test binary: each binary links the whole library
//! and its dependencies again, so one binary for all of them saves CI that many links and
//! compiles `tests/support` once. One module per former `tests/NAME.rs`, so a test's path
//! is `NAME::test` (`cargo test --test it NAME::`). The real-editor tests are a binary of
//! their own (`tests/editors/`, reason there).
//!
//! The modules share one process: a test must not change process state (environment,
//! current directory), and tests that share a directory on disk take a lock for it
//! (`build_support::lock_shared_target_dir`).

#[path = "../support/mod.rs"]
mod support;

mod build_support;

mod architecture;
mod build_cancel;
mod build_cli;
mod build_library;
mod build_platforms;
mod build_std;
mod cli_contract;
mod cli_rules;
mod dependency_corpus;
mod determinism;
mod engine_incremental;
mod generated_files;
mod lsp_builds;
mod lsp_diagnostics;
mod lsp_first_load;
mod lsp_lifecycle;
mod properties_analysis;
mod properties_fixes;
mod properties_reparse;
mod real_crates;
mod reliability_load;
mod reliability_processes;
mod reliability_protocol;
mod reliability_safety;
mod reliability_source;
mod reliability_watch;
mod reliability_workspace;
mod rules;
mod runtime_api;
mod safety_cargo_config;
mod schemas;
mod semantics_corpus;
mod semantics_local_types;
mod toolchain_probe;
