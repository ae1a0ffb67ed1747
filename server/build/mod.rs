//! Per-target builds: runs the real toolchain (`cargo check`/`cargo build`, cargo-ndk,
//! wasm-pack, or cargo with `-Zbuild-std`) for one or several target triples and returns
//! the compiler's diagnostics labelled with the triples that reported them.
//!
//! * Builds go to `<workspace target dir>/triplet` so rust-analyzer's own checks in
//!   `target/` are not invalidated.
//! * Several targets share one cargo invocation (`--target A --target B --keep-going`)
//!   when a rustc wrapper is given: cargo's JSON does not say which triple a
//!   `compiler-message` came from (verified with cargo 1.95: only `package_id`,
//!   `manifest_path` and the cargo target), so `wrapper.rs` labels each rustc message with
//!   the `--target` rustc was given. Artifacts are attributed by their directory
//!   (`<target-dir>/<triple>/…`). Without a wrapper each target runs on its own.
//! * Every cargo runs in its own process group; cancel or timeout kills the whole group.
//! * Builds run workspace code (build scripts, proc-macros): start them only on an explicit
//!   user request.
//!
//! Entry points: [`plan`] (what would run, nothing started) and [`run_build`].

mod collect;
mod diagnostic;
mod install;
mod messages;
pub mod platform;
mod runner;
mod tool;
mod workspace;
pub mod wrapper;

pub use crate::process::CancelHandle;
pub use diagnostic::{CompilerDiagnostic, Fix, Related, Severity, SourceRange, Suggestion};
pub use install::install_target;
pub use messages::strip_ansi;
pub use runner::{plan, run_build, BuildPlan, BuildRequest, PlannedRun};
pub use tool::{choose_tool, AvailableTools, BuildMode, TargetSetup, ToolChoice, ToolKind};
// The toolchain is probed once for analysis and builds alike (`targets::toolchain`).
pub use crate::targets::toolchain::{
    build_std_available, std_installed, std_installed_in, BuildStdToolchain,
};
pub use workspace::{Member, WorkspaceFacts};

use serde::Serialize;
use std::fmt;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// The tool exited successfully (warnings possible).
    Ok,
    /// Compile errors, a tool error, or the run could not start (see `reason`).
    Failed,
    Cancelled,
    TimedOut,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Ok => "ok",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::TimedOut => "timed_out",
        }
    }
}

/// What a file a run produced is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    Executable,
    TestExecutable,
    DynamicLibrary,
    StaticLibrary,
    Rlib,
    Wasm,
    /// wasm-pack's output directory (`pkg/`: the .wasm, JS glue, package.json).
    WasmPackPkg,
}

impl ArtifactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Executable => "executable",
            ArtifactKind::TestExecutable => "test executable",
            ArtifactKind::DynamicLibrary => "dynamic library",
            ArtifactKind::StaticLibrary => "static library",
            ArtifactKind::Rlib => "rlib",
            ArtifactKind::Wasm => "wasm",
            ArtifactKind::WasmPackPkg => "wasm-pack package",
        }
    }
}

/// A file (or wasm-pack's `pkg/` directory) a run produced for a workspace member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    /// The triple it was built for; `None` when cargo built it for the host without
    /// `--target` (never the case for Triplet's runs, which always pass one).
    pub target: Option<String>,
    /// The cargo target (bin, lib…) name.
    pub name: String,
    pub kind: ArtifactKind,
    pub path: std::path::PathBuf,
}

/// The outcome of one invocation (one or several targets).
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub targets: Vec<String>,
    /// Short tool name: `cargo check`, `cargo build`, `cargo ndk build`, `wasm-pack build`,
    /// `cargo check -Zbuild-std=core,alloc (RUSTC_BOOTSTRAP=1)`. Empty if never started.
    pub tool: String,
    /// Why this tool was chosen, in words.
    pub tool_reason: String,
    /// The command line as a user could retype it.
    pub command: String,
    pub uses_rustc_bootstrap: bool,
    pub status: RunStatus,
    /// Why the run failed, was cancelled or could not start, in plain words.
    pub reason: Option<String>,
    pub diagnostics: Vec<CompilerDiagnostic>,
    /// What the run produced for the workspace's members, in the order cargo reported it.
    pub artifacts: Vec<Artifact>,
    /// `triplet run`/`triplet test`: the program binaries ran through on the target
    /// (`qemu-aarch64 -L /usr/aarch64-linux-gnu`, the workspace's runner…); `None` for the
    /// host and for builds.
    pub runner: Option<String>,
    /// `triplet run`/`triplet test`: what the program (or the test harness) printed on
    /// stdout.
    pub output: Vec<String>,
    pub duration_ms: u64,
    /// The process group id cargo ran in (for diagnostics and tests).
    pub process_group: Option<u32>,
}

/// All runs of a request, in order.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub runs: Vec<RunResult>,
}

impl BuildReport {
    /// True when every run finished ok and no error was reported.
    pub fn succeeded(&self) -> bool {
        self.runs.iter().all(|run| {
            run.status == RunStatus::Ok
                && run
                    .diagnostics
                    .iter()
                    .all(|diagnostic| diagnostic.severity != Severity::Error)
        })
    }
}

/// Progress of a run, for `$/progress` or a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildProgress {
    /// Cargo started compiling a crate (stderr `Compiling foo v1.0.0`; target unknown).
    Compiling { run: usize, crate_name: String },
    /// A unit finished (`compiler-artifact`); `target` is `None` for host units.
    Compiled {
        run: usize,
        crate_name: String,
        target: Option<String>,
        units_done: usize,
    },
}

/// Receives events while builds run, on the thread that called [`run_build`].
/// Diagnostics arrive per target as the compiler emits them; the final [`RunResult`]
/// holds them collapsed over targets.
pub trait BuildObserver {
    fn run_started(&mut self, _run: usize, _planned: &RunResult) {}
    fn progress(&mut self, _progress: &BuildProgress) {}
    fn diagnostic(&mut self, _run: usize, _diagnostic: &CompilerDiagnostic) {}
    fn run_finished(&mut self, _run: usize, _result: &RunResult) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl BuildObserver for NoObserver {}

/// Why no run could be planned at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    CargoNotFound,
    Toolchain(String),
    Workspace(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::CargoNotFound => write!(f, "cargo not found on PATH"),
            BuildError::Toolchain(reason) | BuildError::Workspace(reason) => write!(f, "{reason}"),
        }
    }
}

impl std::error::Error for BuildError {}
