//! Real builds for other platforms through the `triplet` binary: the rustc wrapper stays out
//! of rustc's children, artifacts are named, tool output reaches the user, the fitting
//! tool is chosen, readiness is reported, and binaries run on their target.
//!
//! Tests that need a tool (cargo-zigbuild, qemu-user…) skip with a printed reason when it
//! is missing, unless `TRIPLET_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs them).

use crate::build_support;

use build_support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes an executable shell script.
fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod script");
    }
}

/// `CARGO_TARGET_<TRIPLE>_<KEY>`.
fn target_env(triple: &str, key: &str) -> String {
    format!(
        "CARGO_TARGET_{}_{key}",
        triple.to_uppercase().replace(['-', '.'], "_")
    )
}

#[test]
fn rustc_children_do_not_inherit_the_triplet_wrapper() {
    let workspace = copy_fixture("platform-bin");
    let host = host_triple();
    let tools = tempfile::tempdir().expect("temporary directory");
    let log = tools.path().join("linker-env.log");
    let linker = tools.path().join("fake-linker");
    // A linker that, like cargo-zigbuild's `zig cc` shim, asks `$RUSTC_WRAPPER rustc -vV`.
    script(
        &linker,
        &format!(
            "env | grep -E '^(RUSTC_WRAPPER|TRIPLET_RUSTC_WRAPPER_MODE|TRIPLET_INNER_RUSTC_WRAPPER)=' > '{}'\n\
             if [ -n \"$RUSTC_WRAPPER\" ]; then \"$RUSTC_WRAPPER\" rustc -vV >/dev/null || exit 97; fi\n\
             exec cc \"$@\"",
            log.display()
        ),
    );
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace.path())
        .args(["--target", &host, "--format", "json"])
        .env(
            "CARGO_TARGET_DIR",
            shared_target_dir("platform-bin-wrapper"),
        )
        .env(target_env(&host, "LINKER"), &linker)
        .output()
        .expect("run triplet");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The build script asked `$RUSTC_WRAPPER $RUSTC -vV` and the linker ran: both worked.
    assert_eq!(output.status.code(), Some(0), "{text}");
    let seen =
        std::fs::read_to_string(&log).unwrap_or_else(|_| panic!("linker never ran:\n{text}"));
    assert!(
        !seen.contains("triplet") && !seen.contains("TRIPLET_"),
        "the linker saw Triplet's wrapper: {seen}"
    );
}

/// The report's JSON against `schemas/build-report.schema.json`.
fn assert_matches_schema(report: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/build-report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read schema")).expect("json");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}\n{report:#}", errors.join("\n"));
}

#[test]
fn a_build_names_its_artifacts_in_json_and_human_output() {
    let workspace = copy_fixture("platform-bin");
    let host = host_triple();
    let target_dir = shared_target_dir("platform-bin-artifacts");
    let (code, report, output) =
        triplet_build_json(workspace.path(), &target_dir, &["--target", &host]);
    assert_eq!(code, 0, "{output}");
    assert_matches_schema(&report);
    let artifacts = report["runs"][0]["artifacts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        artifacts.len(),
        1,
        "only the member's binary: {artifacts:#?}"
    );
    let binary = &artifacts[0];
    assert_eq!(binary["kind"], "executable");
    assert_eq!(binary["name"], "platform-bin");
    assert_eq!(binary["target"], host.as_str());
    let path = PathBuf::from(binary["path"].as_str().unwrap_or_default());
    assert!(path.is_file(), "{}", path.display());
    let ran = Command::new(&path).output().expect("run the artifact");
    assert!(String::from_utf8_lossy(&ran.stdout).contains("platform-bin says hello"));

    let human = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace.path())
        .args(["--target", &host])
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains(&format!(
            "[{host}] built platform-bin (executable): {}",
            path.display()
        )),
        "{stdout}"
    );
}

/// A directory of fake tools, first on PATH.
struct FakeTools {
    dir: tempfile::TempDir,
}

impl FakeTools {
    fn new() -> FakeTools {
        FakeTools {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// A tool that prints `stderr_lines` on stderr and exits 1.
    fn failing(&self, name: &str, stderr_lines: &[&str]) -> &FakeTools {
        let body: Vec<String> = stderr_lines
            .iter()
            .map(|line| format!("echo '{line}' >&2"))
            .collect();
        script(
            &self.dir.path().join(name),
            &format!("{}\nexit 1", body.join("\n")),
        );
        self
    }

    fn path_env(&self) -> std::ffi::OsString {
        let mut paths = vec![self.dir.path().to_path_buf()];
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(paths).expect("PATH")
    }
}

/// `triplet build --format json` with `fakes` first on PATH.
fn build_with_fakes(
    workspace: &Path,
    fakes: &FakeTools,
    args: &[&str],
) -> (i32, serde_json::Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace)
        .args(args)
        .args(["--format", "json"])
        .env("PATH", fakes.path_env())
        .env("CARGO_TARGET_DIR", workspace.join("target"))
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    let text = format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), report, text)
}

/// Skips (prints why) when `triple`'s std is missing, unless CI requires the tools.
fn require_target(triple: &str) -> bool {
    if triplet::build::std_installed(triple) {
        return true;
    }
    let reason = format!("{triple} is not installed (rustup target add {triple})");
    assert!(
        std::env::var_os("TRIPLET_REQUIRE_TOOLS").is_none(),
        "TRIPLET_REQUIRE_TOOLS is set but {reason}"
    );
    eprintln!("skipped: {reason}");
    false
}

fn messages(report: &serde_json::Value) -> Vec<(String, String, Vec<String>)> {
    all_diagnostics(report)
        .iter()
        .map(|diagnostic| {
            let notes = diagnostic["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|note| note.as_str().map(str::to_string))
                .collect();
            (
                diagnostic["severity"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                diagnostic["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                notes,
            )
        })
        .collect()
}

#[test]
fn wasm_pack_error_and_caused_by_lines_reach_the_user() {
    let triple = "wasm32-unknown-unknown";
    if !require_target(triple) {
        return;
    }
    let workspace = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(workspace.path().join("src")).expect("src");
    std::fs::write(
        workspace.path().join("Cargo.toml"),
        "[package]\nname = \"web\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nwasm-bindgen = \"0.2\"\n",
    )
    .expect("manifest");
    std::fs::write(workspace.path().join("src/lib.rs"), "").expect("lib");
    let fakes = FakeTools::new();
    fakes.failing(
        "wasm-pack",
        &[
            "[INFO]: Checking for the Wasm target...",
            "Error: failed to execute `wasm-bindgen`",
            "Caused by: No such file or directory (os error 2)",
        ],
    );
    let (code, report, output) = build_with_fakes(workspace.path(), &fakes, &["--target", triple]);
    assert_eq!(code, 1, "{output}");
    let run = &report["runs"][0];
    assert_eq!(run["tool"], "wasm-pack build", "{output}");
    assert_eq!(
        run["reason"], "wasm-pack build failed: failed to execute `wasm-bindgen`",
        "{output}"
    );
    let found = messages(&report);
    assert!(
        found
            .iter()
            .any(|(severity, message, notes)| severity == "error"
                && message == "failed to execute `wasm-bindgen`"
                && notes == &["Caused by: No such file or directory (os error 2)".to_string()]),
        "{found:#?}"
    );
}

#[test]
fn cargo_ndk_notes_and_logged_errors_reach_the_user() {
    let triple = "aarch64-linux-android";
    if !require_target(triple) {
        return;
    }
    let workspace = copy_fixture("platform-bin");
    let fakes = FakeTools::new();
    fakes.failing(
        "cargo-ndk",
        &[
            "[2024-01-01T00:00:00Z ERROR cargo_ndk::cli] Could not find any NDK.",
            "note: Set the environment variable ANDROID_NDK_HOME to use a specific version.",
        ],
    );
    let (code, report, output) = build_with_fakes(workspace.path(), &fakes, &["--target", triple]);
    assert_eq!(code, 1, "{output}");
    assert_eq!(report["runs"][0]["tool"], "cargo ndk build", "{output}");
    let found = messages(&report);
    assert!(
        found
            .iter()
            .any(|(severity, message, notes)| severity == "error"
                && message == "Could not find any NDK."
                && notes.iter().any(|note| note.contains("ANDROID_NDK_HOME"))),
        "{found:#?}"
    );
    // The human output shows both lines.
    let human = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace.path())
        .args(["--target", triple])
        .env("PATH", fakes.path_env())
        .env("CARGO_TARGET_DIR", workspace.path().join("target"))
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(stdout.contains("Could not find any NDK."), "{stdout}");
    assert!(stdout.contains("ANDROID_NDK_HOME"), "{stdout}");
}

/// Skips (prints why) when `tool` is not on PATH, unless CI requires the tools.
fn require_tool(tool: &str, install: &str) -> bool {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(tool).is_file());
    if found {
        return true;
    }
    let reason = format!("{tool} is not on PATH ({install})");
    assert!(
        std::env::var_os("TRIPLET_REQUIRE_TOOLS").is_none(),
        "TRIPLET_REQUIRE_TOOLS is set but {reason}"
    );
    eprintln!("skipped: {reason}");
    false
}

/// The ELF `e_machine` of a file (0xB7: AArch64, 0x3E: x86-64).
fn elf_machine(path: &Path) -> Option<u16> {
    let bytes = std::fs::read(path).ok()?;
    (bytes.get(..4)? == b"\x7fELF").then(|| u16::from_le_bytes([bytes[18], bytes[19]]))
}

const AARCH64: &str = "aarch64-unknown-linux-gnu";

#[test]
fn a_cross_linux_build_uses_cargo_zigbuild_and_yields_an_aarch64_elf() {
    if !require_target(AARCH64)
        || !require_tool("cargo-zigbuild", "pip install ziglang cargo-zigbuild")
    {
        return;
    }
    let workspace = copy_fixture("platform-bin");
    let (code, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("platform-bin-zig"),
        &["--target", AARCH64],
    );
    assert_eq!(code, 0, "{output}");
    assert_matches_schema(&report);
    let run = &report["runs"][0];
    assert_eq!(run["tool"], "cargo zigbuild", "{output}");
    assert!(
        run["tool_reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("cargo-zigbuild")),
        "{output}"
    );
    let binary = PathBuf::from(run["artifacts"][0]["path"].as_str().unwrap_or_default());
    assert_eq!(run["artifacts"][0]["target"], AARCH64);
    assert_eq!(elf_machine(&binary), Some(0xB7), "{}", binary.display());

    // A glibc version suffix goes to cargo-zigbuild as is; artifacts and labels keep it.
    let suffixed = format!("{AARCH64}.2.17");
    let (code, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("platform-bin-zig"),
        &["--target", &suffixed],
    );
    assert_eq!(code, 0, "{output}");
    let run = &report["runs"][0];
    assert!(
        run["command"]
            .as_str()
            .is_some_and(|command| command.contains(&format!("--target {suffixed}"))),
        "{output}"
    );
    assert_eq!(run["artifacts"][0]["target"], suffixed.as_str(), "{output}");
}

#[test]
fn a_configured_linker_means_plain_cargo_and_zigbuild_errors_reach_the_user() {
    if !require_target(AARCH64) {
        return;
    }
    let workspace = copy_fixture("platform-bin");
    let fakes = FakeTools::new();
    fakes.failing(
        "cargo-zigbuild",
        &[
            "Error: Failed to find zig",
            "",
            "Caused by:",
            "    0: zig not found on PATH",
        ],
    );
    let (code, report, output) = build_with_fakes(workspace.path(), &fakes, &["--target", AARCH64]);
    assert_eq!(code, 1, "{output}");
    let run = &report["runs"][0];
    assert_eq!(run["tool"], "cargo zigbuild", "{output}");
    assert_eq!(run["reason"], "cargo zigbuild failed: Failed to find zig");
    let found = messages(&report);
    assert!(
        found
            .iter()
            .any(|(_, message, notes)| message == "Failed to find zig"
                && notes
                    == &[
                        "Caused by:".to_string(),
                        "0: zig not found on PATH".to_string()
                    ]),
        "{found:#?}"
    );

    // With target.<triple>.linker set, cargo links with it: no zigbuild.
    let cargo = workspace.path().join(".cargo");
    std::fs::create_dir_all(&cargo).expect("mkdir .cargo");
    std::fs::write(
        cargo.join("config.toml"),
        format!("[target.{AARCH64}]\nlinker = \"aarch64-linux-gnu-gcc\"\n"),
    )
    .expect("config");
    let (_, report, output) = build_with_fakes(workspace.path(), &fakes, &["--target", AARCH64]);
    let run = &report["runs"][0];
    assert_eq!(run["tool"], "cargo build", "{output}");
    assert!(
        run["tool_reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("aarch64-linux-gnu-gcc")),
        "{output}"
    );
}

#[test]
fn targets_says_what_a_build_needs_with_the_install_command() {
    let workspace = copy_fixture("platform-bin");
    // A PATH with cargo and rustc but no cargo-zigbuild or cargo-ndk.
    let bare = tempfile::tempdir().expect("temporary directory");
    for tool in ["cargo", "rustc"] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join(tool))
            .find(|path| path.is_file())
            .expect("cargo and rustc on PATH");
        std::os::unix::fs::symlink(&found, bare.path().join(tool)).expect("symlink");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("targets")
        .arg(workspace.path())
        .args([
            "--target",
            AARCH64,
            "--target",
            "aarch64-linux-android",
            "--json",
        ])
        .env("PATH", bare.path())
        .env_remove("ANDROID_NDK_HOME")
        .env_remove("ANDROID_NDK_ROOT")
        .env_remove(target_env(AARCH64, "LINKER"))
        .output()
        .expect("run triplet targets");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    let targets = value["packages"][0]["targets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let build_of = |triple: &str| {
        targets
            .iter()
            .find(|target| target["triple"] == triple)
            .map(|target| target["build"].clone())
            .unwrap_or_else(|| panic!("{triple} missing in {stdout}"))
    };
    let linux = build_of(AARCH64);
    assert_eq!(linux["tool"], "cargo build", "{linux}");
    assert!(
        linux["needs"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|need| need["install"] == "pip install ziglang cargo-zigbuild"),
        "{linux}"
    );
    let android = build_of("aarch64-linux-android");
    let installs: Vec<&str> = android["needs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|need| need["install"].as_str())
        .collect();
    assert!(installs.contains(&"cargo install cargo-ndk"), "{android}");
    assert!(
        installs
            .iter()
            .any(|install| install.contains("ANDROID_NDK_HOME")),
        "{android}"
    );
}

#[test]
fn a_missing_rust_lld_is_reported_with_its_install_command() {
    let triple = "wasm32-unknown-unknown";
    if !require_target(triple) {
        return;
    }
    let workspace = copy_fixture("platform-bin");
    // What a rustc without its own rust-lld (Debian's, before `apt-get install lld`) meets.
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace.path())
        .args(["--target", triple, "--format", "json"])
        .env("CARGO_TARGET_DIR", shared_target_dir("platform-bin-lld"))
        .env(target_env(triple, "LINKER"), "/nonexistent/rust-lld")
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    let reason = report["runs"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("apt-get install lld"), "{stdout}");
    assert!(
        all_diagnostics(&report)
            .iter()
            .any(|diagnostic| diagnostic["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|note| note
                    .as_str()
                    .is_some_and(|note| note.contains("apt-get install lld")))),
        "{stdout}"
    );
}

/// `triplet <run|test> --target T` in human format: exit code and stdout.
fn triplet_on_target(
    command: &str,
    workspace: &Path,
    target_dir: &str,
    triple: &str,
) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg(command)
        .arg(workspace)
        .args(["--target", triple])
        .env("CARGO_TARGET_DIR", shared_target_dir(target_dir))
        .output()
        .expect("run triplet");
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn an_aarch64_binary_runs_and_tests_under_qemu() {
    if !require_target(AARCH64)
        || !require_tool("cargo-zigbuild", "pip install ziglang cargo-zigbuild")
        || !require_tool(
            "qemu-aarch64",
            "apt-get install qemu-user libc6-arm64-cross",
        )
    {
        return;
    }
    let workspace = copy_fixture("platform-bin");
    let (code, output) = triplet_on_target("run", workspace.path(), "platform-bin-zig", AARCH64);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!("[{AARCH64}] platform-bin says hello from aarch64")),
        "{output}"
    );
    assert!(
        output.contains(&format!(
            "[{AARCH64}] cargo zigbuild run (runner: qemu-aarch64 -L /usr/aarch64-linux-gnu): ok"
        )),
        "{output}"
    );

    let (code, output) = triplet_on_target("test", workspace.path(), "platform-bin-zig", AARCH64);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!("[{AARCH64}] test tests::arch_is_known ... ok")),
        "{output}"
    );

    // The workspace's own runner wins over qemu.
    let cargo = workspace.path().join(".cargo");
    std::fs::create_dir_all(&cargo).expect("mkdir .cargo");
    let runner = workspace.path().join("my-runner");
    script(&runner, "echo \"my runner ran $1\"");
    std::fs::write(
        cargo.join("config.toml"),
        format!("[target.{AARCH64}]\nrunner = \"{}\"\n", runner.display()),
    )
    .expect("config");
    let (code, output) = triplet_on_target("run", workspace.path(), "platform-bin-zig", AARCH64);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!("[{AARCH64}] my runner ran")),
        "{output}"
    );
}

/// A PATH holding only cargo and rustc (symlinks to the real ones): no python3, wasmtime,
/// cargo-zigbuild or other tools.
fn bare_path() -> tempfile::TempDir {
    let bare = tempfile::tempdir().expect("temporary directory");
    for tool in ["cargo", "rustc"] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join(tool))
            .find(|path| path.is_file())
            .expect("cargo and rustc on PATH");
        std::os::unix::fs::symlink(&found, bare.path().join(tool)).expect("symlink");
    }
    bare
}

#[test]
fn a_wasi_run_without_a_wasm_runtime_says_what_is_missing() {
    let workspace = copy_fixture("platform-bin");
    let bare = bare_path();
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("run")
        .arg(workspace.path())
        .args(["--target", "wasm32-wasip1"])
        .env("CARGO_TARGET_DIR", shared_target_dir("platform-bin-wasi"))
        .env("PATH", bare.path())
        .env_remove(target_env("wasm32-wasip1", "RUNNER"))
        .output()
        .expect("run triplet");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    // Either the std is missing (reported first) or the runtime is.
    assert!(
        text.contains("rustup target add wasm32-wasip1") || text.contains("pip install wasmtime"),
        "{text}"
    );
}

/// Python's `wasmtime` package (what Triplet runs WASI modules with when no CLI is there).
fn python_has_wasmtime() -> bool {
    Command::new("python3")
        .args(["-c", "import wasmtime"])
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn a_wasi_binary_runs_under_wasmtime() {
    let triple = "wasm32-wasip1";
    if !require_target(triple) {
        return;
    }
    let cli = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join("wasmtime").is_file());
    if !cli && !python_has_wasmtime() {
        let reason = "neither a wasmtime CLI nor Python's wasmtime (pip install wasmtime)";
        assert!(
            std::env::var_os("TRIPLET_REQUIRE_TOOLS").is_none(),
            "TRIPLET_REQUIRE_TOOLS is set but {reason}"
        );
        eprintln!("skipped: {reason}");
        return;
    }
    let workspace = copy_fixture("platform-bin");
    let (code, output) = triplet_on_target("run", workspace.path(), "platform-bin-wasi", triple);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!("[{triple}] platform-bin says hello from wasm32")),
        "{output}"
    );
    // Arguments after `--` reach the module.
    let args = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("run")
        .arg(workspace.path())
        .args(["--target", triple, "--", "one", "two"])
        .env("CARGO_TARGET_DIR", shared_target_dir("platform-bin-wasi"))
        .output()
        .expect("run triplet");
    let args_out = String::from_utf8_lossy(&args.stdout);
    assert!(
        args_out.contains(&format!("[{triple}] platform-bin got one two")),
        "{args_out}"
    );
    let runner = if cli { "wasmtime run" } else { "wasi-run.py" };
    assert!(
        output.lines().any(
            |line| line.starts_with(&format!("[{triple}] cargo run (runner: "))
                && line.contains(runner)
                && line.ends_with("): ok")
        ),
        "{output}"
    );
}

const WASM: &str = "wasm32-unknown-unknown";

#[test]
fn a_wasm_bindgen_crate_builds_with_wasm_pack_and_runs_in_node() {
    if !require_target(WASM)
        || !require_tool("wasm-pack", "cargo install wasm-pack")
        || !require_tool(
            "wasm-bindgen",
            "cargo install wasm-bindgen-cli --version 0.2.130",
        )
        || !require_tool("node", "apt-get install nodejs")
    {
        return;
    }
    let workspace = copy_fixture("wasm-greet");
    let (code, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("wasm-greet"),
        &["--target", WASM],
    );
    assert_eq!(code, 0, "{output}");
    assert_matches_schema(&report);
    let run = &report["runs"][0];
    assert_eq!(run["tool"], "wasm-pack build", "{output}");
    assert!(
        run["command"]
            .as_str()
            .is_some_and(|command| command.contains("--target nodejs")),
        "{output}"
    );
    let pkg = &run["artifacts"][0];
    assert_eq!(pkg["kind"], "wasm_pack_pkg", "{output}");
    let pkg_dir = PathBuf::from(pkg["path"].as_str().unwrap_or_default());
    assert_eq!(pkg_dir, workspace.path().join("pkg"), "{output}");
    // What the build produced is a real node package.
    let loaded = Command::new("node")
        .arg("-e")
        .arg("console.log(require(process.argv[1]).greet())")
        .arg(pkg_dir.join("wasm_greet.js"))
        .output()
        .expect("run node");
    let printed = String::from_utf8_lossy(&loaded.stdout);
    assert!(
        printed.contains("wasm-greet says hello from wasm32"),
        "{printed}\n{}",
        String::from_utf8_lossy(&loaded.stderr)
    );

    // `triplet run`: node loads the package, which runs its start function.
    let (code, output) = triplet_on_target("run", workspace.path(), "wasm-greet", WASM);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!("[{WASM}] wasm-greet started on wasm32")),
        "{output}"
    );
    assert!(
        output.contains(&format!(
            "[{WASM}] wasm-pack build (runner: node {}): ok",
            pkg_dir.join("wasm_greet.js").display()
        )),
        "{output}"
    );
}

#[test]
fn targets_names_the_wasm_bindgen_cli_the_lock_needs() {
    let workspace = copy_fixture("wasm-greet");
    let bare = bare_path();
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("targets")
        .arg(workspace.path())
        .args(["--target", WASM, "--json"])
        .env("PATH", bare.path())
        .output()
        .expect("run triplet targets");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    let installs: Vec<String> = value["packages"][0]["targets"][0]["build"]["needs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|need| need["install"].as_str().map(str::to_string))
        .collect();
    assert!(
        installs.contains(&"cargo install wasm-bindgen-cli --version 0.2.130".to_string()),
        "{stdout}"
    );
    assert!(
        installs.contains(&"cargo install wasm-pack".to_string()),
        "{stdout}"
    );
}

const CORTEX_M3: &str = "thumbv7m-none-eabi";

#[test]
fn a_cortex_m_firmware_runs_in_qemu_with_semihosting() {
    if !require_target(CORTEX_M3)
        || !require_tool("qemu-system-arm", "apt-get install qemu-system-arm")
    {
        return;
    }
    let workspace = copy_fixture("cortex-m-semihosting");
    let (code, output) =
        triplet_on_target("run", workspace.path(), "cortex-m-semihosting", CORTEX_M3);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains(&format!(
            "[{CORTEX_M3}] cortex-m says hello from thumbv7m over semihosting"
        )),
        "{output}"
    );
    assert!(
        output.contains("qemu-system-arm -machine lm3s6965evb -nographic"),
        "{output}"
    );

    // Without a board named, Triplet says how to name one.
    let manifest = workspace.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("read manifest");
    std::fs::write(&manifest, text.replace("qemu-machine", "# qemu-machine"))
        .expect("write manifest");
    let (code, output) =
        triplet_on_target("run", workspace.path(), "cortex-m-semihosting", CORTEX_M3);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("qemu-machine = \"lm3s6965evb\""),
        "{output}"
    );
}

#[test]
fn a_chip_with_probe_rs_on_path_flashes_and_relays_no_probe_found() {
    if !require_target(CORTEX_M3) {
        return;
    }
    let workspace = copy_fixture("cortex-m-semihosting");
    let manifest = workspace.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("read manifest");
    std::fs::write(
        &manifest,
        text.replace(
            "qemu-machine = \"lm3s6965evb\"",
            "qemu-machine = \"lm3s6965evb\"\nchip = \"LM3S6965\"",
        ),
    )
    .expect("write manifest");
    // What probe-rs prints with no debug probe attached (none is, here or in CI).
    let fakes = FakeTools::new();
    fakes.failing("probe-rs", &["Error: No connected probes were found."]);
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("run")
        .arg(workspace.path())
        .args(["--target", CORTEX_M3, "--format", "json"])
        .env("PATH", fakes.path_env())
        .env(
            "CARGO_TARGET_DIR",
            shared_target_dir("cortex-m-semihosting"),
        )
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
    let run = &report["runs"][0];
    assert_eq!(run["runner"], "probe-rs run --chip LM3S6965", "{stdout}");
    assert_eq!(
        run["reason"], "probe-rs could not flash the firmware: No connected probes were found.",
        "{stdout}"
    );
    assert!(
        run["tool_reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("flashed and run on the chip")),
        "{stdout}"
    );
}
