//! The language server's child processes never outlive it, and it never hangs on them:
//! EOF on stdin (the client vanished or was killed) or `exit` while `cargo metadata` is
//! stuck ends the server within 2 s, with cargo's whole process group. A stuck or
//! missing cargo becomes a load-error diagnostic, and the server keeps serving.

use crate::support;

use serde_json::{json, Value};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::lsp_client::{capabilities, file_uri, LspClient};

const MANIFEST: &str = "[package]\nname = \"stuck\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

struct Stuck {
    dir: tempfile::TempDir,
    fake_cargo: PathBuf,
    pids: PathBuf,
}

/// A workspace and a fake `cargo` that starts a long sleep, records both pids, and waits.
fn stuck_cargo() -> Stuck {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap();
    fs::write(dir.path().join("src/lib.rs"), "#![no_std]\n").unwrap();
    let tools = dir.path().join("tools");
    fs::create_dir_all(&tools).unwrap();
    let fake_cargo = tools.join("cargo");
    let pids = tools.join("pids");
    fs::write(
        &fake_cargo,
        format!(
            "#!/bin/sh\nsleep 600 &\necho $$ $! > {}.tmp && mv {0}.tmp {0}\nwait\n",
            pids.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&fake_cargo, fs::Permissions::from_mode(0o755)).unwrap();
    Stuck {
        dir,
        fake_cargo,
        pids,
    }
}

fn wait_for_file(path: &Path) -> String {
    let give_up = Instant::now() + support::lsp_client::PATIENCE;
    while Instant::now() < give_up {
        if let Ok(text) = fs::read_to_string(path) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{} never appeared", path.display());
}

fn alive(pid: &str) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().to_string())
        })
        .is_some_and(|state| !state.starts_with('Z'))
}

/// Starts the server while cargo metadata hangs; returns it with the fake's pids.
fn serving_while_cargo_hangs(stuck: &Stuck) -> (LspClient, Vec<String>) {
    let mut client = LspClient::spawn_with_env(&[("CARGO", stuck.fake_cargo.as_os_str())]);
    client.initialize(&[stuck.dir.path()], capabilities(false, false), Value::Null);
    let pids: Vec<String> = wait_for_file(&stuck.pids)
        .split_whitespace()
        .map(String::from)
        .collect();
    assert!(pids.iter().all(|pid| alive(pid)));
    // The protocol loop answers while the analysis thread waits for cargo.
    let lib = stuck.dir.path().join("src/lib.rs");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": file_uri(&lib)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Ok(Value::Null));
    (client, pids)
}

fn assert_all_gone(pids: &[String]) {
    // The group was killed before the server exited; give the kernel a moment to reap.
    let give_up = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|pid| alive(pid)) && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(20));
    }
    for pid in pids {
        assert!(!alive(pid), "process {pid} outlived the server");
    }
}

#[test]
fn eof_while_cargo_hangs_exits_within_2_s_and_leaves_no_orphan() {
    let stuck = stuck_cargo();
    let (mut client, pids) = serving_while_cargo_hangs(&stuck);
    client.close_stdin();
    let status = client.wait_exit_within(Duration::from_secs(2));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "no exit within 2 s of EOF"
    );
    assert_all_gone(&pids);
}

#[test]
fn exit_while_cargo_hangs_ends_cargo_too() {
    let stuck = stuck_cargo();
    let (mut client, pids) = serving_while_cargo_hangs(&stuck);
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    client.notify("exit", Value::Null);
    let status = client.wait_exit_within(Duration::from_secs(2));
    assert_eq!(status.and_then(|s| s.code()), Some(0));
    assert_all_gone(&pids);
}

fn load_error(client: &mut LspClient, manifest: &Path) -> String {
    let params = client.wait_for_diagnostics(&file_uri(manifest), |p| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "load-error"))
    });
    params["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_cargo_metadata_timeout_is_a_load_error_and_the_server_goes_on() {
    let stuck = stuck_cargo();
    let mut client = LspClient::spawn_with_env(&[
        ("CARGO", stuck.fake_cargo.as_os_str()),
        ("TRIPLET_METADATA_TIMEOUT_SECS", OsStr::new("1")),
    ]);
    client.initialize(&[stuck.dir.path()], capabilities(false, false), Value::Null);
    let message = load_error(&mut client, &stuck.dir.path().join("Cargo.toml"));
    assert!(message.contains("did not finish within 1 s"), "{message}");
    let pids = fs::read_to_string(&stuck.pids).unwrap();
    let pids: Vec<String> = pids.split_whitespace().map(String::from).collect();
    assert_all_gone(&pids);
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"].is_array());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn missing_cargo_is_a_load_error_and_the_server_goes_on() {
    let stuck = stuck_cargo();
    let nowhere = stuck.dir.path().join("no-such-cargo");
    let mut client = LspClient::spawn_with_env(&[("CARGO", nowhere.as_os_str())]);
    client.initialize(&[stuck.dir.path()], capabilities(false, false), Value::Null);
    let message = load_error(&mut client, &stuck.dir.path().join("Cargo.toml"));
    assert!(message.contains("cannot run `cargo metadata`"), "{message}");
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"].is_array());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
