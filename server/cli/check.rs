//! `triplet check [PATH]`: the live engine, run once over a workspace (for CI and hooks).

use super::output::{self, Positions};
use super::{load_engine, FeatureArgs, EXIT_USAGE};
use crate::analysis::finding::Severity;
use crate::workspace::DiskSources;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The workspace (a directory or a Cargo.toml); default: the current directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Check for this target triple instead of the workspace's selection (repeatable).
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    #[command(flatten)]
    pub features: FeatureArgs,
    /// `--deny warnings` makes warnings fail the run, like errors.
    #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// Turn a rule off or change its severity: `--rule T0002=off`, `--rule unsupported-api=error`.
    #[arg(long = "rule", value_name = "CODE=LEVEL")]
    pub rules: Vec<String>,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let engine = match load_engine(&args.path, &args.targets, &args.features, &args.rules) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    for problem in engine.load_problems() {
        let at = problem
            .manifest
            .as_ref()
            .map(|m| format!("{}: ", m.display()))
            .unwrap_or_default();
        eprintln!("error: {at}{problem} (the rest of the workspace is checked)");
    }
    let findings = engine.check_all(&DiskSources);
    let root = engine.workspace_root().to_path_buf();
    let mut positions = Positions::default();
    let rendered = match args.format {
        Format::Human => output::human::render(&root, &findings, &mut positions),
        Format::Json => {
            output::json::render(&root, &findings, engine.load_problems(), &mut positions)
                .to_string()
                + "\n"
        }
        Format::Sarif => output::sarif::render(&root, &findings, &mut positions).to_string() + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(rendered.as_bytes()).is_err() {
        return ExitCode::from(EXIT_USAGE);
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    if args.format == Format::Human {
        let _ = writeln!(
            stdout,
            "triplet: {errors} error(s), {warnings} warning(s), {} note(s) in {}",
            findings.len() - errors - warnings,
            root.display()
        );
    }
    let failing =
        errors > 0 || !engine.load_problems().is_empty() || (args.deny.is_some() && warnings > 0);
    ExitCode::from(u8::from(failing))
}
