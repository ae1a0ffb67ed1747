//! `triplet build [PATH] [--target T]... [--check] [--build-std] [--format human|json]`:
//! runs the real toolchain per target and prints the compiler's diagnostics, each
//! labelled with the target triples that reported it.

use crate::build::{
    run_build, BuildMode, BuildObserver, BuildProgress, BuildReport, BuildRequest, CancelHandle,
    CompilerDiagnostic, RunResult,
};
use crate::engine::{Engine, EngineOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BuildFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Workspace directory or Cargo.toml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Target triple; repeat for several. Default: the workspace's selected targets
    /// (as `triplet targets` shows them), or the host when it cannot be loaded.
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    /// Run `cargo check` instead of building with the fitting tool.
    #[arg(long)]
    pub check: bool,
    /// For targets whose std is not installed, build it from source with a rustc that has
    /// rust-src (uses RUSTC_BOOTSTRAP=1 and -Zbuild-std).
    #[arg(long)]
    pub build_std: bool,
    /// Kill a run that takes longer than this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    #[arg(long, value_enum, default_value_t = BuildFormat::Human)]
    pub format: BuildFormat,
    /// Set by `triplet run`/`test` (after `--`); builds take none.
    #[arg(skip)]
    pub program_args: Vec<String>,
}

/// `triplet run` / `triplet test`: build for a target and run its binaries there.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Workspace directory or Cargo.toml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Target triple; repeat for several (each runs on its own). Default: the workspace's
    /// selected targets, or the host.
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    /// Kill a run that takes longer than this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    #[arg(long, value_enum, default_value_t = BuildFormat::Human)]
    pub format: BuildFormat,
    /// Arguments for the program (`triplet run . --target T -- ARGS`).
    #[arg(last = true, value_name = "ARGS")]
    pub program_args: Vec<String>,
}

/// Runs (`BuildMode::Run`) or tests (`BuildMode::Test`) on each target through its runner.
pub fn run_on_targets(args: RunArgs, mode: BuildMode) -> ExitCode {
    let build_args = BuildArgs {
        path: args.path,
        targets: args.targets,
        check: false,
        build_std: false,
        timeout: args.timeout,
        format: args.format,
        program_args: args.program_args,
    };
    run_with_mode(build_args, mode)
}

pub fn run(args: BuildArgs) -> ExitCode {
    let mode = if args.check {
        BuildMode::Check
    } else {
        BuildMode::Build
    };
    run_with_mode(args, mode)
}

fn run_with_mode(args: BuildArgs, mode: BuildMode) -> ExitCode {
    let mut request = BuildRequest::new(args.path.clone(), mode);
    request.targets = if args.targets.is_empty() {
        selected_targets(&args.path)
    } else {
        args.targets.clone()
    };
    request.build_std = args.build_std;
    request.program_args = args.program_args.clone();
    request.timeout = args.timeout.map(Duration::from_secs);
    // Cargo runs this very binary as RUSTC_WRAPPER to label messages with their target.
    request.rustc_wrapper = std::env::current_exe().ok();

    let cancel = CancelHandle::new();
    interrupt::cancel_on_ctrl_c(&cancel);
    let mut observer = TerminalProgress {
        show: args.format == BuildFormat::Human,
    };
    let report = match run_build(&request, &mut observer, &cancel) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(super::EXIT_USAGE);
        }
    };
    let printed = match args.format {
        BuildFormat::Human => print_human(&report),
        BuildFormat::Json => print_json(&report),
    };
    if printed.is_err() {
        return ExitCode::FAILURE;
    }
    if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The union of the packages' selected targets, as the live analysis uses them; empty
/// (the runner then builds for the host) when the workspace cannot be loaded here.
fn selected_targets(path: &Path) -> Vec<String> {
    match Engine::load(path, EngineOptions::default()) {
        Ok(engine) => engine.selected_targets(),
        Err(error) => {
            eprintln!("note: building for the host: the target selection is unknown ({error})");
            Vec::new()
        }
    }
}

/// Short progress lines on stderr (human format only).
struct TerminalProgress {
    show: bool,
}

impl BuildObserver for TerminalProgress {
    fn run_started(&mut self, _run: usize, planned: &RunResult) {
        if self.show {
            eprintln!("     Running {}", planned.command);
            eprintln!("             ({})", planned.tool_reason);
        }
    }

    fn progress(&mut self, progress: &BuildProgress) {
        if let (true, BuildProgress::Compiling { crate_name, .. }) = (self.show, progress) {
            eprintln!("   Compiling {crate_name}");
        }
    }
}

fn print_human(report: &BuildReport) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for run in &report.runs {
        for diagnostic in &run.diagnostics {
            write_diagnostic(&mut out, diagnostic)?;
        }
        let targets = run.targets.join(", ");
        let tool = if run.tool.is_empty() {
            "not run".to_string()
        } else {
            run.tool.clone()
        };
        let reason = run
            .reason
            .as_deref()
            .map(|reason| format!(": {reason}"))
            .unwrap_or_default();
        // The program's own lines, labelled with the target they ran on.
        for line in &run.output {
            writeln!(out, "[{targets}] {line}")?;
        }
        let runner = run
            .runner
            .as_deref()
            .map(|runner| format!(" (runner: {runner})"))
            .unwrap_or_default();
        writeln!(
            out,
            "[{targets}] {tool}{runner}: {}{reason}",
            run.status.as_str()
        )?;
        for artifact in &run.artifacts {
            let target = artifact.target.as_deref().unwrap_or("host");
            writeln!(
                out,
                "[{target}] built {} ({}): {}",
                artifact.name,
                artifact.kind.as_str(),
                artifact.path.display()
            )?;
        }
    }
    Ok(())
}

fn write_diagnostic(out: &mut impl Write, diagnostic: &CompilerDiagnostic) -> std::io::Result<()> {
    let code = diagnostic
        .code
        .as_deref()
        .map(|code| format!("[{code}]"))
        .unwrap_or_default();
    let labels = diagnostic.targets.join(", ");
    writeln!(
        out,
        "{}{code} [{labels}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.message
    )?;
    let location = match &diagnostic.range {
        Some(range) => format!(
            "{}:{}:{}",
            shown_path(&diagnostic.file),
            range.line_start,
            range.column_start
        ),
        None => shown_path(&diagnostic.file),
    };
    writeln!(out, "  --> {location}")?;
    // rustc's own rendering minus its first line (the header we just printed).
    if let Some(rendered) = &diagnostic.rendered {
        for line in rendered.trim_end().lines().skip(1) {
            if !line.trim_start().starts_with("-->") {
                writeln!(out, "{line}")?;
            }
        }
    }
    writeln!(out)
}

/// Paths relative to the current directory when below it, as rustc prints them.
fn shown_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn print_json(report: &BuildReport) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
}

/// Ctrl-C reaches only the terminal's foreground process group; cargo runs in its own
/// group, so we catch SIGINT and cancel the run, which kills cargo's group.
mod interrupt {
    use crate::build::CancelHandle;

    #[cfg(unix)]
    pub fn cancel_on_ctrl_c(cancel: &CancelHandle) {
        use std::sync::atomic::{AtomicBool, Ordering};
        static INTERRUPTED: AtomicBool = AtomicBool::new(false);

        extern "C" fn on_sigint(_signal: libc::c_int) {
            // Only an atomic store: async-signal-safe.
            INTERRUPTED.store(true, Ordering::SeqCst);
        }

        let handler: extern "C" fn(libc::c_int) = on_sigint;
        // SAFETY: installs a handler that only stores to a static atomic, which is
        // async-signal-safe; the function pointer stays valid for the whole program.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        }
        let cancel = cancel.clone();
        std::thread::spawn(move || loop {
            if INTERRUPTED.load(Ordering::SeqCst) {
                cancel.cancel();
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        });
    }

    #[cfg(not(unix))]
    pub fn cancel_on_ctrl_c(_cancel: &CancelHandle) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::RunStatus;

    #[test]
    fn failed_runs_print_their_reason() {
        let report = BuildReport {
            runs: vec![RunResult {
                targets: vec!["thumbv7em-none-eabihf".into()],
                tool: String::new(),
                tool_reason: String::new(),
                command: String::new(),
                uses_rustc_bootstrap: false,
                status: RunStatus::Failed,
                reason: Some("target thumbv7em-none-eabihf is not installed".into()),
                diagnostics: Vec::new(),
                artifacts: Vec::new(),
                runner: None,
                output: Vec::new(),
                duration_ms: 0,
                process_group: None,
            }],
        };
        assert!(!report.succeeded());
        let json = serde_json::to_value(&report).unwrap_or_default();
        assert_eq!(json["runs"][0]["status"], "failed");
    }
}
