//! Shared by the `build_*` tests: fixture copies and running `triplet build`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A private copy of `tests/fixtures/<name>`, so builds never write into the source tree.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let copy = tempfile::tempdir().expect("temporary directory");
    copy_dir(&source, copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// A target directory that survives between test runs (warm builds), one per fixture.
pub fn shared_target_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Held by the tests that share one target directory across modules (build_std and
/// lsp_builds share `build-nostd`'s warm -Zbuild-std build). They run in one process now,
/// possibly at once, and one would wait on cargo's directory lock past its time limit.
pub fn lock_shared_target_dir() -> MutexGuard<'static, ()> {
    static SHARED: Mutex<()> = Mutex::new(());
    // A test that panicked while holding it left nothing half-done that matters here.
    SHARED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The host triple, from `rustc -vV`.
pub fn host_triple() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("host line")
        .trim()
        .to_string()
}

/// Runs `triplet build <args>` in `workspace` with `--format json`; returns the exit code
/// and the parsed report.
pub fn triplet_build_json(
    workspace: &Path,
    target_dir: &Path,
    args: &[&str],
) -> (i32, serde_json::Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace)
        .args(args)
        .args(["--format", "json"])
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        output.status.code().unwrap_or(-1),
        report,
        format!("{stdout}\n{stderr}"),
    )
}

/// Every diagnostic of every run.
pub fn all_diagnostics(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|run| run["diagnostics"].as_array().cloned().unwrap_or_default())
        .collect()
}

pub fn targets_of(diagnostic: &serde_json::Value) -> Vec<String> {
    diagnostic["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|target| target.as_str().map(str::to_string))
        .collect()
}
