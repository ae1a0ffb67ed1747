//! Command-line front end: `triplet check | targets | lsp | api-table | build`.

pub mod api_table;
pub mod build;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit status for usage errors and workspaces that cannot be loaded (like cargo's).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "triplet",
    version,
    about = "Target-aware checks for Rust workspaces"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the run-time API table (std APIs that compile but fail at run time per target).
    ApiTable(api_table::ApiTableArgs),
    /// Run the real toolchain (`cargo check`/`cargo build`) for each selected target.
    Build(build::BuildArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::ApiTable(args) => api_table::run(args),
        Command::Build(args) => build::run(args),
    }
}
