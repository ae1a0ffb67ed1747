//! `triplet lsp`: the Language Server Protocol front end (LSP 3.17 over stdio).
//!
//! Protocol only: it converts (byte offsets ⇄ positions, findings ⇄ diagnostics and code
//! actions), routes and publishes. The engine (`crate::engine`) does all analysis, on a
//! worker thread, so the protocol loop never blocks. See docs/lsp.md.

mod build_runs;
pub mod config;
pub mod documents;
pub mod ext;
mod from_proto;
pub mod line_index;
pub mod schedule;
mod server;
mod to_proto;
pub mod transport;
pub mod watch;
mod worker;
pub mod workspaces;

use std::process::ExitCode;

/// Serves LSP on stdin/stdout until `exit`: 0 after `shutdown`, 1 otherwise (spec).
pub fn run() -> ExitCode {
    let code = server::run();
    // The analysis thread may be inside `cargo metadata` (or a build) right now: end
    // those process groups rather than leave them orphaned.
    crate::process::kill_all_groups();
    ExitCode::from(code)
}
