//! Command-line front end: `triplet check | targets | lsp | api-table | build | explain`.

pub mod api_table;
pub mod build;
pub mod check;
pub mod explain;
pub mod output;
pub mod targets;

use crate::analysis::finding::RuleCode;
use crate::engine::{Engine, EngineOptions, RuleConfig};
use crate::workspace::metadata::FeatureSelection;
use clap::{Parser, Subcommand};
use std::path::Path;
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
    /// Check a workspace for every selected target (exit 1 when an error is found).
    Check(check::CheckArgs),
    /// Show each package's targets, where they were selected, and their facts.
    Targets(targets::TargetsArgs),
    /// Print the run-time API table (std APIs that compile but fail at run time per target).
    ApiTable(api_table::ApiTableArgs),
    /// Run the real toolchain (`cargo check`/`cargo build`) for each selected target.
    Build(build::BuildArgs),
    /// Build for each target and run the binary there (qemu-user, wasmtime, or the
    /// workspace's `target.<T>.runner`).
    Run(build::RunArgs),
    /// Build and run the tests for each target through the same runners as `run`.
    Test(build::RunArgs),
    /// Print a rule's documentation: `triplet explain T0001` or `triplet explain std-in-no-std`.
    Explain(explain::ExplainArgs),
    /// Serve the Language Server Protocol on stdin/stdout (logs go to stderr).
    Lsp,
}

/// Cargo's feature flags, applied to every workspace member.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FeatureArgs {
    /// Space- or comma-separated features to enable.
    #[arg(long = "features", short = 'F', value_name = "FEATURES")]
    pub features: Vec<String>,
    #[arg(long)]
    pub all_features: bool,
    #[arg(long)]
    pub no_default_features: bool,
}

impl FeatureArgs {
    pub fn selection(&self) -> FeatureSelection {
        FeatureSelection {
            features: self.features.clone(),
            all_features: self.all_features,
            no_default_features: self.no_default_features,
        }
    }
}

/// Loads the engine for a CLI command, or prints why not and returns exit status 2.
pub fn load_engine(
    path: &Path,
    targets: &[String],
    features: &FeatureArgs,
    rules: &[String],
) -> Result<Engine, ExitCode> {
    let usage = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_USAGE)
    };
    let mut rule_config = RuleConfig::default();
    for rule in rules {
        let Some((code, level)) = rule.split_once('=') else {
            return Err(usage(format!(
                "`--rule {rule}`: expected CODE=LEVEL, e.g. T0002=off"
            )));
        };
        let Some(code) = RuleCode::parse(code) else {
            return Err(usage(format!("`--rule {rule}`: unknown rule `{code}`")));
        };
        rule_config
            .set(code, level)
            .map_err(|e| usage(format!("`--rule {rule}`: {e}")))?;
    }
    let options = EngineOptions {
        targets: targets.to_vec(),
        targets_source: "--target".to_string(),
        rules: rule_config,
        features: features.selection(),
        partial_on_broken_member: true,
    };
    let engine = Engine::load(path, options).map_err(|e| {
        let at = e
            .manifest
            .as_ref()
            .map(|m| format!(" ({})", m.display()))
            .unwrap_or_default();
        usage(format!(
            "cannot load the workspace at {}{at}: {e}",
            path.display()
        ))
    })?;
    let known = engine.known_targets();
    for target in targets {
        if !known.is_empty() && !known.contains(target) && !target.ends_with(".json") {
            let hint = crate::analysis::rules::nearest_target(target, &known)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(usage(format!(
                "unknown target `{target}`{hint} (see `rustc --print target-list`)"
            )));
        }
    }
    Ok(engine)
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
        Command::Check(args) => check::run(args),
        Command::Targets(args) => targets::run(args),
        Command::ApiTable(args) => api_table::run(args),
        Command::Build(args) => build::run(args),
        Command::Run(args) => build::run_on_targets(args, crate::build::BuildMode::Run),
        Command::Test(args) => build::run_on_targets(args, crate::build::BuildMode::Test),
        Command::Explain(args) => explain::run(args),
        Command::Lsp => crate::lsp::run(),
    }
}
