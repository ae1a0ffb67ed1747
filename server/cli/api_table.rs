//! `triplet api-table` (in progress).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ApiTableArgs {}

pub fn run(_args: ApiTableArgs) -> ExitCode {
    eprintln!("triplet: not implemented yet");
    ExitCode::from(super::EXIT_USAGE)
}
