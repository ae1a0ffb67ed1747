//! The Neovim plugin end to end: headless nvim runs editors/neovim/test/e2e.lua
//! against the built `triplet lsp` on a copy of tests/fixtures/editor-nostd, applies
//! the T0001 quick-fix and writes the file. `TRIPLET_NVIM` picks another nvim binary
//! (the plugin supports 0.7.2 and current releases).

use crate::support;

use support::copy_dir;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn nvim() -> PathBuf {
    std::env::var_os("TRIPLET_NVIM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("nvim"))
}

fn nvim_available() -> bool {
    Command::new(nvim())
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a test script of editors/neovim/test with `server` as the language server on a
/// fresh copy of the fixture; returns (success, log, the fixture's src/lib.rs after).
fn run_script(script: &str, server: &Path) -> (bool, String, String) {
    run_script_on("editor-nostd", script, server, &[])
}

/// `run_script` on another fixture, with extra environment for the script.
fn run_script_on(
    fixture_name: &str,
    script: &str,
    server: &Path,
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let workspace = tempfile::tempdir().expect("temp dir");
    let fixture = workspace.path().join(fixture_name);
    copy_dir(
        &repo_root().join("tests/fixtures").join(fixture_name),
        &fixture,
    );
    let script = repo_root().join("editors/neovim/test").join(script);

    let mut child = Command::new(nvim())
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("TRIPLET_BIN", server)
        .env("TRIPLET_FIXTURE", &fixture)
        .env("TRIPLET_E2E_TIMEOUT_MS", "60000")
        .envs(env.iter().copied())
        .current_dir(&fixture)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn nvim");

    // nvim must never hang the test suite.
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().expect("poll nvim").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().expect("nvim output");
    let text = std::fs::read_to_string(fixture.join("src/lib.rs")).unwrap_or_default();
    let log = format!(
        "status: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), log, text)
}

fn require_nvim() -> bool {
    if nvim_available() {
        return true;
    }
    // CI installs nvim (.ci/run); only a developer machine without it may skip.
    assert!(std::env::var_os("CI").is_none(), "nvim is required in CI");
    eprintln!("SKIPPED: nvim is not installed");
    false
}

#[test]
fn neovim_applies_the_t0001_quick_fix() {
    if !require_nvim() {
        return;
    }
    let (ok, log, text) = run_script("e2e.lua", Path::new(env!("CARGO_BIN_EXE_triplet")));
    assert!(ok, "the Neovim end-to-end script failed\n{log}");
    assert!(
        text.contains("use alloc::vec::Vec;"),
        "file after the fix:\n{text}"
    );
    assert!(
        text.contains("extern crate alloc;"),
        "file after the fix:\n{text}"
    );
}

/// A per-target finding (T0008: a `#[cfg(unix)]` function called from code also built
/// for Windows) and its `#[cfg]` fix, in the real editor.
#[test]
fn neovim_applies_the_t0008_cfg_fix() {
    if !require_nvim() {
        return;
    }
    let (ok, log, text) = run_script_on(
        "editor-targets",
        "e2e.lua",
        Path::new(env!("CARGO_BIN_EXE_triplet")),
        &[
            ("TRIPLET_E2E_CODE", "T0008"),
            (
                "TRIPLET_E2E_EXPECT",
                "    #[cfg(unix)]\n    flush_page_cache();",
            ),
        ],
    );
    assert!(ok, "the Neovim end-to-end script failed\n{log}");
    assert!(
        text.contains("    #[cfg(unix)]\n    flush_page_cache();"),
        "file after the fix:\n{text}"
    );
}

/// The plugin and the script against a stand-in server that speaks the protocol
/// contract (editors/neovim/test/mock_server.py): proves the client side alone.
#[test]
fn neovim_plugin_against_the_contract_mock() {
    if !require_nvim() {
        return;
    }
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is required in CI"
        );
        eprintln!("SKIPPED: python3 is not installed");
        return;
    }
    let mock = repo_root().join("editors/neovim/test/mock_server.py");
    let (ok, log, text) = run_script("e2e.lua", &mock);
    assert!(
        ok,
        "the Neovim end-to-end script failed against the mock\n{log}"
    );
    assert!(
        text.contains("use alloc::vec::Vec;") && text.contains("extern crate alloc;"),
        "file after the fix:\n{text}"
    );
    let (ok, log, _) = run_script("commands.lua", &mock);
    assert!(
        ok,
        "the Neovim user commands failed against the mock\n{log}"
    );
}

/// The plugin's pure parts (settings encoding, checkStatus shapes, root detection).
#[test]
fn neovim_plugin_unit() {
    if !require_nvim() {
        return;
    }
    let (ok, log, _) = run_script(
        "unit.lua",
        &repo_root().join("editors/neovim/test/mock_server.py"),
    );
    assert!(ok, "the Neovim unit script failed\n{log}");
}
