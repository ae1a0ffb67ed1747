//! The VS Code extension, from the Rust suite so one test command covers everything:
//! - its own checks: strict type-check (lint), the esbuild bundle, its mocha unit tests;
//! - a real VS Code (code-server 4.100.3 = VS Code 1.100.3 in Debian's Chromium, driven by
//!   puppeteer-core) with the extension installed from its .vsix and the `triplet` cargo
//!   built for this test: diagnostics for an unsaved buffer, a quick-fix, the target
//!   picker, a per-target check, then a bad and a repaired server path, a check of a
//!   target that is not installed and a User-settings server path in a remote window
//!   (editors/vscode/README.md lists the steps). editors/vscode/test/real/ has the
//!   scripts; code-server is installed once under target/vscode-e2e/ and reused; a failed
//!   run leaves screenshots in target/vscode-e2e/run/artifacts/;
//! - `npm run package:linux-x64`'s script: the platform .vsix carries the server.

use crate::support;

use support::copy_dir;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn extension_dir() -> PathBuf {
    repo_root().join("editors/vscode")
}

fn run(program: &str, args: &[&str], dir: &Path) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (Node 20 + npm are required): {e}"));
    assert!(
        output.status.success(),
        "{program} {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Held by tests that write into editors/vscode (dist/, server/): they run in parallel.
static EXTENSION_DIR: Mutex<()> = Mutex::new(());

fn lock_extension_dir() -> std::sync::MutexGuard<'static, ()> {
    EXTENSION_DIR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `npm ci` once, before any test reads node_modules.
fn ensure_node_modules() {
    let _guard = lock_extension_dir();
    let dir = extension_dir();
    if !dir.join("node_modules/.bin/vsce").exists() {
        run(
            "npm",
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
            &dir,
        );
    }
}

#[test]
fn vscode_extension_lints_builds_and_passes_its_unit_tests() {
    ensure_node_modules();
    let _guard = lock_extension_dir();
    let dir = extension_dir();
    run("npm", &["run", "lint"], &dir);
    run("npm", &["run", "build"], &dir);
    run("npm", &["test"], &dir);
}

/// `npm run package:linux-x64`'s script with the binary cargo built for this test (the npm
/// script itself builds `--release` first): the .vsix carries it, executable, where the
/// extension looks for it (`server/triplet`), and says it is for linux-x64.
#[test]
fn linux_x64_vsix_bundles_the_server() {
    let inspect = "import json, sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        entries = {i.filename: [i.file_size, i.external_attr >> 16] for i in z.infolist()}\n\
        print(json.dumps({'entries': entries, 'manifest': z.read('extension.vsixmanifest').decode()}))";
    if Command::new("python3").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is required in CI"
        );
        eprintln!("SKIPPED: python3 is not installed");
        return;
    }
    ensure_node_modules();
    let binary = Path::new(env!("CARGO_BIN_EXE_triplet"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vsix-linux-x64");
    let _ = std::fs::remove_dir_all(&out_dir);
    let vsix = out_dir.join("triplet-linux-x64.vsix");
    {
        let _guard = lock_extension_dir();
        run(
            "node",
            &[
                "scripts/packageTarget.mjs",
                "linux-x64",
                "--binary",
                path_str(binary),
                "--out",
                path_str(&vsix),
            ],
            &extension_dir(),
        );
        assert!(
            !extension_dir().join("server/triplet").exists(),
            "the bundled copy is removed after packaging"
        );
    }
    let listing = Command::new("python3")
        .args(["-c", inspect, path_str(&vsix)])
        .output()
        .expect("run python3");
    assert!(listing.status.success(), "{listing:?}");
    let listing: serde_json::Value =
        serde_json::from_slice(&listing.stdout).expect("python3 prints JSON");
    let server = &listing["entries"]["extension/server/triplet"];
    let size = std::fs::metadata(binary).expect("the test's binary").len();
    assert_eq!(server[0].as_u64(), Some(size), "{listing}");
    let mode = server[1].as_u64().unwrap_or(0);
    assert!(mode & 0o111 != 0, "server/triplet is executable: {mode:o}");
    assert!(
        listing["entries"]["extension/dist/extension.js"].is_array(),
        "{listing}"
    );
    let manifest = listing["manifest"].as_str().unwrap_or_default();
    assert!(
        manifest.contains("TargetPlatform=\"linux-x64\""),
        "{manifest}"
    );
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What the real-VS Code run needs from the system (.ci/run installs it).
fn missing_prerequisites() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !chromium().exists() {
        missing.push("chromium");
    }
    let rg = Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status();
    if !rg.is_ok_and(|s| s.success()) {
        missing.push("ripgrep");
    }
    if !Path::new("/usr/include/gssapi/gssapi.h").exists() {
        missing.push("libkrb5-dev");
    }
    missing
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a file in a directory")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// Settings of a user who turned off what gets in a scripted user's way; the server path
/// goes into the Machine settings, where code-server (a remote window) reads it.
fn write_settings(user_data: &Path, server: &Path) {
    let user = serde_json::json!({
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "extensions.autoUpdate": false,
        "extensions.autoCheckUpdates": false,
        "extensions.ignoreRecommendations": true,
        "telemetry.telemetryLevel": "off",
        "editor.quickSuggestions": { "other": false, "comments": false, "strings": false },
        "editor.suggestOnTriggerCharacters": false,
        "editor.acceptSuggestionOnEnter": "off",
        "editor.autoClosingBrackets": "never",
        "editor.autoIndent": "none",
        "editor.minimap.enabled": false,
        "git.enabled": false,
    });
    let machine = serde_json::json!({ "triplet.server.path": server });
    write(&user_data.join("User/settings.json"), &user.to_string());
    write(
        &user_data.join("Machine/settings.json"),
        &machine.to_string(),
    );
}

#[test]
fn real_vscode_end_to_end() {
    let missing = missing_prerequisites();
    if !missing.is_empty() {
        // CI installs them (.ci/run); only a developer machine without them may skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "the real-VS Code test needs {missing:?} in CI"
        );
        eprintln!("SKIPPED: the real-VS Code test needs {missing:?}");
        return;
    }
    ensure_node_modules();
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target dir")
        .to_path_buf();
    let work = target_dir.join("vscode-e2e");
    let scripts = extension_dir().join("test/real");
    let install = scripts.join("install.sh");
    run("bash", &[path_str(&install), path_str(&work)], &repo_root());

    let run_dir = work.join("run");
    let _ = std::fs::remove_dir_all(&run_dir);
    let user_data = run_dir.join("user-data");
    let extensions = run_dir.join("extensions");
    let workspace = run_dir.join("workspace");
    let artifacts = run_dir.join("artifacts");
    copy_dir(
        &repo_root().join("tests/fixtures/editor-vscode"),
        &workspace,
    );
    std::fs::create_dir_all(&artifacts).expect("create artifacts dir");
    write_settings(&user_data, Path::new(env!("CARGO_BIN_EXE_triplet")));
    run(
        "bash",
        &[
            path_str(&scripts.join("install-extension.sh")),
            path_str(&repo_root()),
            path_str(&work),
            path_str(&extensions),
            path_str(&user_data),
        ],
        &repo_root(),
    );

    let (ok, log) = drive(
        &scripts.join("drive.mjs"),
        &[
            ("CODE_SERVER_DIR", work.join("code-server")),
            ("E2E_USER_DATA", user_data),
            ("E2E_EXTENSIONS", extensions),
            ("E2E_WORKSPACE", workspace.clone()),
            ("E2E_ARTIFACTS", artifacts.clone()),
            ("CHROMIUM", chromium()),
            ("E2E_SERVER", PathBuf::from(env!("CARGO_BIN_EXE_triplet"))),
        ],
    );
    assert!(
        ok,
        "the real-VS Code run failed; screenshots and window state in {}\n{log}",
        artifacts.display()
    );
    assert!(log.contains("all steps passed"), "{log}");
    let lib = std::fs::read_to_string(workspace.join("src/lib.rs")).unwrap_or_default();
    assert!(
        lib.contains("use alloc::vec::Vec;") && lib.contains("extern crate alloc;"),
        "the fixed buffer was saved before the check:\n{lib}"
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("paths under the repository are UTF-8")
}

/// Runs drive.mjs in its own process group, killed as a whole if it overruns.
fn drive(script: &Path, env: &[(&str, PathBuf)]) -> (bool, String) {
    use std::os::unix::process::CommandExt;
    let log_path = env
        .iter()
        .find(|(name, _)| *name == "E2E_ARTIFACTS")
        .map(|(_, dir)| dir.join("drive.log"))
        .expect("E2E_ARTIFACTS is set");
    let log_file = std::fs::File::create(&log_path).expect("create drive.log");
    let mut command = Command::new("node");
    // Step 7 needs a selected target whose std is not installed: wasm32-unknown-unknown is
    // not in Debian's rustc (which .ci/run installs), whatever rustup has (CI adds wasm32
    // there for the platform builds). The server then probes that rustc.
    let debian_rustc = Path::new("/usr/bin/rustc");
    if debian_rustc.is_file() && !Path::new("/usr/lib/rustlib/wasm32-unknown-unknown").exists() {
        command.env("RUSTC", debian_rustc);
    }
    command
        .arg(script)
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("clone log handle"))
        .stderr(log_file)
        .process_group(0);
    let mut child = command.spawn().expect("spawn node");
    let deadline = Instant::now() + Duration::from_secs(170);
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll node") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let ok = status.is_some_and(|s| s.success());
    (ok, format!("status: {status:?}\n{log}"))
}
