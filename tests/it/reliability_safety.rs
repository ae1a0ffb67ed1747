//! Safety promises, through the real binary: analysis reads nothing outside the
//! workspace, and the language server never writes files or starts builds on its own
//! (edits go through the client; builds need an explicit request or opted-in on-save).
//! That analysis never runs build scripts or workspace-named executables:
//! tests/it/reliability_workspace.rs `analysis_never_runs_workspace_code`.

use crate::support;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::lsp_client::{capabilities, file_uri, fixture, LspClient};

#[test]
fn module_paths_leading_outside_the_workspace_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.rs");
    fs::write(&secret, "pub use std::vec::Vec; // outside\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"fenced\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, root.join("src/linked.rs")).unwrap();
    fs::write(
        root.join("src/lib.rs"),
        format!(
            "#![no_std]\n#[path = {:?}]\nmod absolute;\nmod linked;\npub use std::rc::Rc;\n",
            secret
        ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !support::is_rust_src_note(f))
        .filter_map(|f| f["file"].as_str().map(String::from))
        .collect();
    assert_eq!(files, ["src/lib.rs"], "{json:#}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("outside the workspace"), "{stderr}");
}

/// Every file under `root` with its content.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

#[test]
fn the_server_never_writes_files_or_builds_on_its_own() {
    let (_dir, root) = fixture("lsp-no-std");
    let lib = root.join("src/lib.rs");
    let uri = file_uri(&lib);
    // Cargo.lock is cargo's to write (`cargo metadata` creates it); take it as given.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["generate-lockfile", "--offline"])
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let before = snapshot(&root);

    let mut client = LspClient::spawn();
    client.initialize(&[root.as_path()], capabilities(true, false), Value::Null);
    client.open(&lib, 1);
    let published = client.wait_for_diagnostics(&uri, |p| p["version"] == 1);
    let diagnostic = published["diagnostics"][0].clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .unwrap();
    assert!(
        actions.as_array().is_some_and(|a| !a.is_empty()),
        "{actions:#}"
    );
    // The fix is offered as an edit for the client to apply, never applied by us; and a
    // save does not build (checkOnSave is off by default).
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    client.change_full(&lib, 2, "#![no_std]\npub use std::rc::Rc;\n");
    client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"].is_array());
    assert!(client
        .server_requests
        .iter()
        .all(|(method, _)| method != "workspace/applyEdit"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));

    assert_eq!(snapshot(&root), before, "the server changed files on disk");
    assert!(
        !root.join("target").exists(),
        "a build ran without being asked for"
    );
}
