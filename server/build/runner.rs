//! Plans the cargo invocations for a request and runs them one after another, streaming
//! progress and diagnostics to an observer.

use super::collect::Collector;
use super::diagnostic::Severity;
use super::messages::MessageContext;
use super::platform::{
    base_triple, fallback_runner, glibc_suffix, missing_linker_advice, target_setting,
    wasm_bindgen_install, wasm_bindgen_mismatch, Board, Runner,
};
use super::tool::{
    build_std_choice, choose_tool, invocation, wasm_pack_output, AvailableTools, BuildMode,
    Invocation, InvocationContext, TargetSetup, ToolChoice, ToolKind,
};
use super::workspace::{WasmBindgenCrate, WorkspaceFacts};
use super::wrapper::{INNER_WRAPPER_ENV, WRAPPER_MODE_ENV};
use super::{Artifact, ArtifactKind, BuildError, BuildObserver, BuildReport, RunResult, RunStatus};
use crate::process::{CancelHandle, OutputLine, ProcessGroup};
use crate::targets::toolchain::{find_on_path, BuildStdToolchain, Toolchain};
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// What to build, where and how.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// A workspace directory or a Cargo.toml.
    pub workspace: PathBuf,
    /// Target triples; empty means the host.
    pub targets: Vec<String>,
    pub mode: BuildMode,
    /// Build std from source (`-Zbuild-std`, RUSTC_BOOTSTRAP=1) for targets whose std is
    /// not installed. Only on the user's explicit request.
    pub build_std: bool,
    /// Each run is killed (status `TimedOut`) after this long.
    pub timeout: Option<Duration>,
    /// The triplet binary, used as `RUSTC_WRAPPER` to label messages with their target;
    /// without it every target gets its own cargo invocation.
    pub rustc_wrapper: Option<PathBuf>,
    /// Overrides `<workspace target dir>/triplet`.
    pub target_dir: Option<PathBuf>,
    /// Extra environment for the tool (e.g. from the client's settings).
    pub env: Vec<(String, String)>,
    /// `triplet run … -- ARGS`: arguments for the program run on the target.
    pub program_args: Vec<String>,
}

impl BuildRequest {
    pub fn new(workspace: impl Into<PathBuf>, mode: BuildMode) -> BuildRequest {
        BuildRequest {
            workspace: workspace.into(),
            targets: Vec::new(),
            mode,
            build_std: false,
            timeout: None,
            rustc_wrapper: None,
            target_dir: None,
            env: Vec::new(),
            program_args: Vec::new(),
        }
    }
}

/// One cargo (or cargo-ndk / wasm-pack) invocation to make, or a target that cannot be
/// built, with the reason.
#[derive(Debug, Clone)]
pub struct PlannedRun {
    pub targets: Vec<String>,
    pub choice: Option<ToolChoice>,
    /// Set when the run cannot start (std not installed…); it is reported as failed.
    pub blocked: Option<String>,
}

/// The runs a request turns into, and the facts they were planned from.
#[derive(Debug, Clone)]
pub struct BuildPlan {
    pub workspace: WorkspaceFacts,
    /// The host triple (binaries for it run directly).
    pub host: String,
    pub target_dir: PathBuf,
    pub cargo: PathBuf,
    pub runs: Vec<PlannedRun>,
}

/// Works out the runs without starting any: checks cargo, the workspace, the toolchain,
/// and whether each target's std is installed.
pub fn plan(request: &BuildRequest) -> Result<BuildPlan, BuildError> {
    let cargo = std::env::var_os("CARGO")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| find_on_path("cargo"))
        .ok_or(BuildError::CargoNotFound)?;
    let toolchain = Toolchain::detect().map_err(|error| BuildError::Toolchain(error.0))?;
    if toolchain.sysroot.is_none() {
        return Err(BuildError::Toolchain(format!(
            "`{} --print sysroot` failed",
            toolchain.rustc.display()
        )));
    }
    let workspace =
        WorkspaceFacts::load(&request.workspace, &cargo).map_err(BuildError::Workspace)?;
    let target_dir = request
        .target_dir
        .clone()
        .unwrap_or_else(|| workspace.target_directory.join("triplet"));
    let targets = if request.targets.is_empty() {
        vec![toolchain.host.clone()]
    } else {
        dedup(&request.targets)
    };
    let build_std = if request.build_std {
        toolchain.build_std().cloned()
    } else {
        None
    };
    let unknown: Vec<String> = targets
        .iter()
        .map(|target| (target, base_triple(target)))
        .filter(|(_, base)| !toolchain.is_installed(base) && !toolchain.knows_target(base))
        .map(|(target, _)| target)
        .cloned()
        .collect();
    let runs = group_runs(
        &targets,
        &unknown,
        request,
        &toolchain,
        build_std.as_ref(),
        &workspace.wasm_bindgen_crates(),
        &AvailableTools::from_path(),
    );
    Ok(BuildPlan {
        workspace,
        host: toolchain.host.clone(),
        target_dir,
        cargo,
        runs,
    })
}

fn dedup(targets: &[String]) -> Vec<String> {
    let mut unique: Vec<String> = Vec::new();
    for target in targets {
        if !unique.contains(target) {
            unique.push(target.clone());
        }
    }
    unique
}

/// Targets that use the same tool share one invocation when the wrapper can tell their
/// messages apart; cargo-ndk and wasm-pack runs are per target.
fn group_runs(
    targets: &[String],
    unknown: &[String],
    request: &BuildRequest,
    toolchain: &Toolchain,
    build_std: Option<&BuildStdToolchain>,
    wasm_bindgen_crates: &[WasmBindgenCrate],
    available: &AvailableTools,
) -> Vec<PlannedRun> {
    let mut runs: Vec<PlannedRun> = Vec::new();
    let shareable = request.rustc_wrapper.is_some() && !runs_binaries(request.mode);
    for target in targets {
        if unknown.contains(target) {
            runs.push(blocked(
                target,
                format!("unknown target triple `{target}` (not in `rustc --print target-list`)"),
            ));
            continue;
        }
        let choices = if toolchain.is_installed(base_triple(target)) {
            let setup = TargetSetup {
                host: &toolchain.host,
                linker: target_setting(&request.workspace, target, "linker"),
                wasm_bindgen_crates,
            };
            let choices = choose_tool(request.mode, target, &setup, available);
            // Only cargo-zigbuild understands a glibc version suffix.
            let zig = choices
                .iter()
                .all(|choice| matches!(choice.kind, ToolKind::CargoZigbuild(_)));
            if glibc_suffix(target).is_some() && !zig && request.mode != BuildMode::Check {
                runs.push(blocked(
                    target,
                    format!(
                        "{target} names a glibc version, which only cargo-zigbuild can link \
                         against: `pip install ziglang cargo-zigbuild`"
                    ),
                ));
                continue;
            }
            choices
        } else {
            match (request.build_std, build_std) {
                (true, Some(build_std)) => vec![build_std_choice(target, build_std)],
                (true, None) => {
                    runs.push(blocked(
                        target,
                        format!(
                        "target {target} is not installed and no rustc with rust-src was found \
                         for -Zbuild-std: run `rustup target add {target}` or \
                         `rustup component add rust-src`"
                    ),
                    ));
                    continue;
                }
                (false, _) => {
                    runs.push(blocked(
                        target,
                        format!(
                            "target {target} is not installed: run `rustup target add {target}`, \
                         or check with -Zbuild-std (`triplet build --check --build-std`)"
                        ),
                    ));
                    continue;
                }
            }
        };
        for choice in choices {
            let joinable = runs.iter_mut().find(|run| {
                shareable
                    && run.blocked.is_none()
                    && run.choice.as_ref().is_some_and(|existing| {
                        same_invocation(&existing.kind, &choice.kind, &run.targets[0], target)
                    })
            });
            match joinable {
                Some(run) => run.targets.push(target.clone()),
                None => runs.push(PlannedRun {
                    targets: vec![target.clone()],
                    choice: Some(choice),
                    blocked: None,
                }),
            }
        }
    }
    runs
}

fn blocked(target: &str, reason: String) -> PlannedRun {
    PlannedRun {
        targets: vec![target.to_string()],
        choice: None,
        blocked: Some(reason),
    }
}

/// Plain cargo runs share; build-std runs share when they build the same std crates.
fn same_invocation(
    existing: &ToolKind,
    new: &ToolKind,
    existing_target: &str,
    target: &str,
) -> bool {
    match (existing, new) {
        (ToolKind::Cargo, ToolKind::Cargo) => true,
        (ToolKind::CargoBuildStd(a), ToolKind::CargoBuildStd(b)) => {
            a == b
                && super::tool::build_std_crates(existing_target)
                    == super::tool::build_std_crates(target)
        }
        _ => false,
    }
}

/// Plans and runs every invocation in turn. After a cancel, the remaining runs are
/// reported as cancelled without starting.
pub fn run_build(
    request: &BuildRequest,
    observer: &mut dyn BuildObserver,
    cancel: &CancelHandle,
) -> Result<BuildReport, BuildError> {
    let plan = plan(request)?;
    let mut report = BuildReport { runs: Vec::new() };
    for (index, planned) in plan.runs.iter().enumerate() {
        let result = execute(index, planned, &plan, request, observer, cancel);
        observer.run_finished(index, &result);
        report.runs.push(result);
    }
    Ok(report)
}

fn execute(
    index: usize,
    planned: &PlannedRun,
    plan: &BuildPlan,
    request: &BuildRequest,
    observer: &mut dyn BuildObserver,
    cancel: &CancelHandle,
) -> RunResult {
    let mut result = RunResult {
        targets: planned.targets.clone(),
        tool: String::new(),
        tool_reason: String::new(),
        command: String::new(),
        uses_rustc_bootstrap: false,
        status: RunStatus::Failed,
        reason: planned.blocked.clone(),
        diagnostics: Vec::new(),
        artifacts: Vec::new(),
        runner: None,
        output: Vec::new(),
        duration_ms: 0,
        process_group: None,
    };
    let Some(choice) = &planned.choice else {
        return result;
    };
    let context = InvocationContext {
        cargo: &plan.cargo,
        manifest_path: &plan.workspace.manifest_path,
        target_dir: &plan.target_dir,
        mode: request.mode,
        program_args: &request.program_args,
    };
    let mut invocation = invocation(&choice.kind, &planned.targets, &context);
    add_wrapper(&mut invocation, request.rustc_wrapper.as_ref());
    // `triplet run` of a wasm-bindgen crate: node loads what wasm-pack built.
    let mut node = None;
    if let (ToolKind::WasmPack { .. }, BuildMode::Run) = (&choice.kind, request.mode) {
        match find_on_path("node") {
            Some(found) => node = Some(found),
            None => {
                result.tool = invocation.label.clone();
                result.tool_reason = choice.reason.clone();
                result.reason = Some(
                    "cannot run the wasm-bindgen package: node is not on PATH \
                     (`apt-get install nodejs`)"
                        .into(),
                );
                return result;
            }
        }
    } else if runs_binaries(request.mode) {
        // One target per run (cargo run takes one --target).
        let target = planned.targets.first().map_or("", String::as_str);
        let root = &plan.workspace.workspace_root;
        // `cargo run` runs the workspace's one binary: its member's board, if named.
        let board = Board {
            qemu_machine: plan
                .workspace
                .members
                .iter()
                .find_map(|member| member.settings.qemu_machine.clone()),
            chip: plan
                .workspace
                .members
                .iter()
                .find_map(|member| member.settings.chip.clone()),
        };
        match fallback_runner(root, target, &plan.host, &board) {
            Err(missing) => {
                result.tool = invocation.label.clone();
                result.tool_reason = choice.reason.clone();
                result.reason = Some(format!("cannot run {target} binaries here: {missing}"));
                return result;
            }
            Ok(Runner::Command(runner)) => {
                if runner.starts_with("probe-rs ") {
                    result.tool_reason = format!(
                        "{}; the firmware is flashed and run on the chip with `{runner}` \
                         ([package.metadata.triplet] chip, probe-rs on PATH)",
                        choice.reason
                    );
                }
                invocation
                    .env
                    .push((runner_variable(target).into(), runner.clone().into()));
                result.runner = Some(runner);
            }
            Ok(Runner::PythonWasmtime(python)) => {
                let runner = match write_wasi_runner(&plan.target_dir) {
                    Ok(script) => format!("{} {}", python.display(), script.display()),
                    Err(error) => {
                        result.tool = invocation.label.clone();
                        result.tool_reason = choice.reason.clone();
                        result.reason = Some(format!(
                            "cannot write the WASI runner script into {}: {error}",
                            plan.target_dir.display()
                        ));
                        return result;
                    }
                };
                invocation
                    .env
                    .push((runner_variable(target).into(), runner.clone().into()));
                result.runner = Some(runner);
            }
            Ok(Runner::Cargo) => {
                result.runner = target_setting(root, target, "runner")
                    .map(|setting| format!("{} ({})", setting.value, setting.source));
            }
        }
    }
    result.tool = invocation.label.clone();
    if result.tool_reason.is_empty() {
        result.tool_reason = choice.reason.clone();
    }
    if matches!(choice.kind, ToolKind::WasmPack { .. }) {
        // Say before it starts that wasm-pack will fetch or compile a wasm-bindgen CLI.
        if let Some((locked, found)) = wasm_bindgen_mismatch(&plan.workspace.workspace_root) {
            result.tool_reason.push_str(&format!(
                "; wasm-bindgen CLI {locked} (Cargo.lock's) is missing ({found}): wasm-pack \
                 downloads it first, or compiles it for minutes when offline; \
                 `{}` installs it once",
                wasm_bindgen_install(&locked)
            ));
        }
    }
    result.command = invocation.display();
    result.uses_rustc_bootstrap = invocation.uses_rustc_bootstrap;
    if cancel.is_cancelled() {
        result.status = RunStatus::Cancelled;
        result.reason = Some("cancelled before it started".into());
        return result;
    }
    observer.run_started(index, &result);

    let mut command = Command::new(&invocation.program);
    command
        .args(&invocation.args)
        .envs(request.env.iter().map(|(key, value)| (key, value)))
        .envs(invocation.env.iter().map(|(key, value)| (key, value)))
        .current_dir(&plan.workspace.workspace_root);
    let started = Instant::now();
    let (mut group, lines) = match ProcessGroup::spawn(command) {
        Ok(spawned) => spawned,
        Err(error) => {
            result.reason = Some(format!(
                "cannot start `{}`: {error}",
                invocation.program.display()
            ));
            return result;
        }
    };
    result.process_group = Some(group.id());

    let message_context = MessageContext {
        workspace_root: plan.workspace.workspace_root.clone(),
        target_dir: plan.target_dir.clone(),
        run_targets: planned.targets.clone(),
    };
    let mut collector = Collector::new(index, &message_context, &plan.workspace);
    if !matches!(choice.kind, ToolKind::Cargo | ToolKind::CargoBuildStd(_)) {
        collector.keep_tool_notes();
    }
    if runs_binaries(request.mode) {
        collector.keep_program_output();
    }
    let interrupted = pump(
        &mut group,
        &lines,
        cancel,
        request.timeout,
        started,
        |line| collector.accept(line, observer),
    );
    let exit = group.wait();
    let flashes = result
        .runner
        .as_deref()
        .is_some_and(|runner| runner.starts_with("probe-rs "));
    result.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    (result.diagnostics, result.artifacts, result.output) = collector.finish(&planned.targets);
    // "linker `rust-lld` not found" says nothing about what to install: say it.
    let mut missing_linker = None;
    for diagnostic in &mut result.diagnostics {
        if let Some(advice) = missing_linker_advice(&diagnostic.message) {
            diagnostic.notes.push(format!("triplet: {advice}"));
            missing_linker.get_or_insert(advice);
        }
    }
    // Compiler errors after collapsing over targets (cargo's own "could not compile" aside).
    let failed_tally = result
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .filter(|diagnostic| !diagnostic.package_id.is_empty())
        .count();
    match interrupted {
        Some(RunStatus::Cancelled) => {
            result.status = RunStatus::Cancelled;
            result.reason = Some("stopped on request; the whole process group was killed".into());
        }
        Some(status) => {
            result.status = status;
            result.reason = Some(format!(
                "timed out after {} s; the whole process group was killed",
                request.timeout.map_or(0, |timeout| timeout.as_secs())
            ));
        }
        None => match exit {
            Ok(status) if status.success() => {
                result.status = RunStatus::Ok;
                // wasm-pack prints no JSON: its artifact is the crate's `pkg/` directory.
                if let ToolKind::WasmPack {
                    crate_dir,
                    js_target,
                } = &choice.kind
                {
                    let (_, out_dir) = wasm_pack_output(js_target.as_deref(), request.mode);
                    let pkg = crate_dir.join(out_dir);
                    if pkg.is_dir() {
                        result.artifacts.push(Artifact {
                            target: planned.targets.first().cloned(),
                            name: crate_dir
                                .file_name()
                                .map(|name| name.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                            kind: ArtifactKind::WasmPackPkg,
                            path: pkg.clone(),
                        });
                    }
                    if let Some(node) = &node {
                        run_in_node(node, &pkg, request, cancel, started, &mut result);
                    }
                }
            }
            Ok(status) => {
                // Without compiler errors, the tool's own first error says why.
                let tool_error = result
                    .diagnostics
                    .iter()
                    .find(|diagnostic| {
                        diagnostic.severity == Severity::Error && diagnostic.package_id.is_empty()
                    })
                    .map(|diagnostic| diagnostic.message.clone());
                result.reason = Some(match (missing_linker, failed_tally, tool_error) {
                    (Some(advice), _, _) => advice,
                    // probe-rs as the runner: its own words ("No connected probes were
                    // found."), not cargo's.
                    (None, 0, Some(error)) if flashes => {
                        format!("probe-rs could not flash the firmware: {error}")
                    }
                    (None, 0, Some(error)) => format!("{} failed: {error}", invocation.label),
                    (None, 0, None) => format!("{} exited with {status}", invocation.label),
                    (None, 1, _) => "the compiler reported 1 error".to_string(),
                    (None, count, _) => format!("the compiler reported {count} errors"),
                });
            }
            Err(error) => result.reason = Some(format!("cannot wait for cargo: {error}")),
        },
    }
    result
}

/// Loads wasm-pack's nodejs package in node (which runs its `#[wasm_bindgen(start)]`),
/// keeping what it prints; a failure or an interruption fails the run.
fn run_in_node(
    node: &std::path::Path,
    pkg: &std::path::Path,
    request: &BuildRequest,
    cancel: &CancelHandle,
    started: Instant,
    result: &mut RunResult,
) {
    let main = package_main(pkg);
    result.runner = Some(format!("node {}", main.display()));
    let mut command = Command::new(node);
    command
        .arg(&main)
        .args(&request.program_args)
        .current_dir(pkg);
    let (mut group, lines) = match ProcessGroup::spawn(command) {
        Ok(spawned) => spawned,
        Err(error) => {
            result.status = RunStatus::Failed;
            result.reason = Some(format!("cannot start `{}`: {error}", node.display()));
            return;
        }
    };
    let mut stderr: Vec<String> = Vec::new();
    let interrupted = pump(
        &mut group,
        &lines,
        cancel,
        request.timeout,
        started,
        |line| match line {
            OutputLine::Stdout(line) => result.output.push(line),
            OutputLine::Stderr(line) => stderr.push(line),
        },
    );
    let exit = group.wait();
    result.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if let Some(status) = interrupted {
        result.status = status;
        result.reason = Some(match status {
            RunStatus::Cancelled => "stopped on request while node ran".to_string(),
            _ => format!(
                "timed out after {} s while node ran",
                request.timeout.map_or(0, |timeout| timeout.as_secs())
            ),
        });
        return;
    }
    match exit {
        Ok(status) if status.success() => {}
        Ok(status) => {
            // node's first `…Error: …` line says what went wrong.
            let error = stderr
                .iter()
                .find(|line| line.contains("Error"))
                .or_else(|| stderr.iter().rev().find(|line| !line.trim().is_empty()))
                .map(|line| format!(": {}", line.trim()))
                .unwrap_or_default();
            result.status = RunStatus::Failed;
            result.reason = Some(format!("node exited with {status}{error}"));
        }
        Err(error) => {
            result.status = RunStatus::Failed;
            result.reason = Some(format!("cannot wait for node: {error}"));
        }
    }
}

/// The package's entry file: package.json's `main`, else the one `.js` file wasm-pack wrote.
fn package_main(pkg: &std::path::Path) -> PathBuf {
    let from_manifest = std::fs::read_to_string(pkg.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|manifest| manifest.get("main")?.as_str().map(str::to_string))
        // A name, not a path out of the package.
        .filter(|main| !main.contains(['/', '\\']));
    if let Some(main) = from_manifest {
        return pkg.join(main);
    }
    std::fs::read_dir(pkg)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "js"))
        .unwrap_or_else(|| pkg.join("index.js"))
}

/// Writes `wasi-run.py` (Python's wasmtime as a WASI runner) into the target dir, where the
/// user can see and rerun it; rewritten only when this Triplet ships another version.
fn write_wasi_runner(target_dir: &std::path::Path) -> std::io::Result<PathBuf> {
    const SCRIPT: &str = include_str!("wasi_run.py");
    std::fs::create_dir_all(target_dir)?;
    let path = target_dir.join("wasi-run.py");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(SCRIPT) {
        std::fs::write(&path, SCRIPT)?;
    }
    Ok(path)
}

fn runs_binaries(mode: BuildMode) -> bool {
    matches!(mode, BuildMode::Run | BuildMode::Test)
}

/// `CARGO_TARGET_<TRIPLE>_RUNNER`: cargo runs the target's binaries through it.
fn runner_variable(target: &str) -> String {
    format!(
        "CARGO_TARGET_{}_RUNNER",
        base_triple(target).to_uppercase().replace(['-', '.'], "_")
    )
}

/// Points cargo at our wrapper, keeping a wrapper the user had (sccache…) inside it.
fn add_wrapper(invocation: &mut Invocation, wrapper: Option<&PathBuf>) {
    let Some(wrapper) = wrapper else { return };
    if let Some(inner) = std::env::var_os("RUSTC_WRAPPER").filter(|inner| !inner.is_empty()) {
        invocation.env.push((INNER_WRAPPER_ENV.into(), inner));
    }
    invocation
        .env
        .push(("RUSTC_WRAPPER".into(), wrapper.clone().into_os_string()));
    invocation.env.push((WRAPPER_MODE_ENV.into(), "1".into()));
}

/// Hands the group's output lines to `on_line` until both pipes close, or until the run is
/// cancelled or overruns `timeout` (then the whole group is killed and the reason returned).
fn pump(
    group: &mut ProcessGroup,
    lines: &std::sync::mpsc::Receiver<OutputLine>,
    cancel: &CancelHandle,
    timeout: Option<Duration>,
    started: Instant,
    mut on_line: impl FnMut(OutputLine),
) -> Option<RunStatus> {
    loop {
        let interrupted = if cancel.is_cancelled() {
            Some(RunStatus::Cancelled)
        } else if timeout.is_some_and(|timeout| started.elapsed() >= timeout) {
            Some(RunStatus::TimedOut)
        } else {
            None
        };
        if interrupted.is_some() {
            group.kill_group();
            return interrupted;
        }
        match lines.recv_timeout(Duration::from_millis(100)) {
            Ok(line) => on_line(line),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toolchain_without_std(host: &str) -> Toolchain {
        Toolchain::new(
            "rustc".into(),
            crate::targets::rustc_cache::RustcAnswers {
                version: "rustc 0".into(),
                host: host.into(),
                sysroot: Some("/nonexistent".into()),
                known_targets: Vec::new(),
            },
        )
    }

    #[test]
    fn missing_std_is_blocked_before_running() {
        let request = BuildRequest::new("/w", BuildMode::Check);
        let targets = vec!["thumbv7em-none-eabihf".to_string()];
        let runs = group_runs(
            &targets,
            &[],
            &request,
            &toolchain_without_std("x86_64-unknown-linux-gnu"),
            None,
            &[],
            &AvailableTools::default(),
        );
        assert_eq!(runs.len(), 1);
        let reason = runs[0].blocked.clone().unwrap_or_default();
        assert!(
            reason.contains("rustup target add thumbv7em-none-eabihf"),
            "{reason}"
        );
        assert!(reason.contains("-Zbuild-std"), "{reason}");
    }

    #[test]
    fn unknown_targets_are_blocked() {
        let request = BuildRequest::new("/w", BuildMode::Check);
        let targets = vec!["thumbv7em-none-eabihff".to_string()];
        let runs = group_runs(
            &targets,
            &targets,
            &request,
            &toolchain_without_std("x86_64-unknown-linux-gnu"),
            None,
            &[],
            &AvailableTools::default(),
        );
        let reason = runs[0].blocked.clone().unwrap_or_default();
        assert!(reason.starts_with("unknown target triple"), "{reason}");
    }

    #[test]
    fn build_std_targets_share_one_invocation_per_std_flavour() {
        let mut request = BuildRequest::new("/w", BuildMode::Check);
        request.build_std = true;
        request.rustc_wrapper = Some("/bin/triplet".into());
        let build_std = BuildStdToolchain {
            rustc: "/usr/bin/rustc".into(),
            library: "/usr/lib/rustlib/src/rust/library".into(),
            version: "rustc 1.96.0".into(),
        };
        let targets: Vec<String> = [
            "thumbv7em-none-eabihf",
            "thumbv6m-none-eabi",
            "wasm32-unknown-unknown",
        ]
        .iter()
        .map(|target| target.to_string())
        .collect();
        let runs = group_runs(
            &targets,
            &[],
            &request,
            &toolchain_without_std("x86_64-unknown-linux-gnu"),
            Some(&build_std),
            &[],
            &AvailableTools::default(),
        );
        assert_eq!(runs.len(), 2);
        assert_eq!(
            runs[0].targets,
            vec!["thumbv7em-none-eabihf", "thumbv6m-none-eabi"]
        );
        assert_eq!(runs[1].targets, vec!["wasm32-unknown-unknown"]);

        request.rustc_wrapper = None;
        let separate = group_runs(
            &targets,
            &[],
            &request,
            &toolchain_without_std("x86_64-unknown-linux-gnu"),
            Some(&build_std),
            &[],
            &AvailableTools::default(),
        );
        assert_eq!(separate.len(), 3);
    }
}
