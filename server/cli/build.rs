//! `triplet build` (in progress).

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct BuildArgs {}

pub fn run(_args: BuildArgs) -> ExitCode {
    eprintln!("triplet: not implemented yet");
    ExitCode::from(super::EXIT_USAGE)
}
