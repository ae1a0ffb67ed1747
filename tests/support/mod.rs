//! Shared helpers for CLI-level tests: copy a fixture workspace, run `triplet` as a
//! process, read its JSON, and apply the fixes it offers the way an editor would.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A private copy of a fixture workspace (tests edit files and write target dirs).
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn copy(name: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixture(name), dir.path());
        Workspace { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).expect("read fixture file")
    }

    pub fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path().join(relative), text).expect("write fixture file");
    }
}

/// Copies a fixture folder, leaving out any `target/` inside it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

pub fn triplet(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run triplet")
}

/// `triplet check --format json` plus extra args; returns (exit code, parsed JSON).
pub fn check_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let output = triplet(&args, dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "triplet printed no JSON ({e}):\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), json)
}

/// The findings, less the one note that the toolchain has no rust-src (T0008, info):
/// tests run on toolchains with and without it (`rust_src_note` returns it).
pub fn findings(json: &Value) -> Vec<Value> {
    json["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !is_rust_src_note(f))
        .collect()
}

pub fn is_rust_src_note(finding: &Value) -> bool {
    finding["code"] == "T0008"
        && finding["severity"] == "info"
        && finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("rust-src"))
}

pub fn with_code(json: &Value, code: &str) -> Vec<Value> {
    findings(json)
        .into_iter()
        .filter(|f| f["code"] == code)
        .collect()
}

pub fn targets_of(finding: &Value) -> Vec<String> {
    finding["targets"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Byte offset of a 1-based (line, column-in-chars) position.
pub fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for (index, line_text) in text.split_inclusive('\n').enumerate() {
        if index as u64 + 1 == line {
            let within: usize = line_text
                .chars()
                .take(column as usize - 1)
                .map(char::len_utf8)
                .sum();
            return offset + within;
        }
        offset += line_text.len();
    }
    text.len()
}

/// Applies every edit of `fix` (edits of one fix never overlap) to the files on disk.
pub fn apply_fix(root: &Path, fix: &Value) {
    let mut edits: Vec<&Value> = fix["edits"].as_array().expect("edits").iter().collect();
    // Apply from the end so earlier offsets stay valid.
    edits.sort_by_key(|e| {
        std::cmp::Reverse((
            e["file"].as_str().map(String::from),
            e["line"].as_u64(),
            e["column"].as_u64(),
        ))
    });
    for edit in edits {
        let path = root.join(edit["file"].as_str().expect("file"));
        let mut text = std::fs::read_to_string(&path).expect("read file to fix");
        let start = offset_of(
            &text,
            edit["line"].as_u64().unwrap(),
            edit["column"].as_u64().unwrap(),
        );
        let end = offset_of(
            &text,
            edit["end_line"].as_u64().unwrap(),
            edit["end_column"].as_u64().unwrap(),
        );
        text.replace_range(start..end, edit["new_text"].as_str().unwrap());
        std::fs::write(&path, text).expect("write fixed file");
    }
}

/// The preferred fix of a finding, else its first.
pub fn preferred_fix(finding: &Value) -> Value {
    let fixes = finding["fixes"].as_array().expect("fixes");
    fixes
        .iter()
        .find(|f| f["preferred"] == true)
        .or_else(|| fixes.first())
        .cloned()
        .unwrap_or_else(|| panic!("finding has no fix: {finding}"))
}

/// `cargo check` on the host, in an isolated target dir; returns success and stderr.
pub fn cargo_check(dir: &Path) -> (bool, String) {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("run cargo check");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A JSON-RPC client for `triplet lsp` (the tests/lsp_*.rs suites).
pub mod lsp_client;

/// A builder for LSP test sessions (fixture, capabilities, settings, environment).
pub mod lsp_session;

/// Synthetic targets and helpers for driving `triplet::analysis` directly.
pub mod analysis;

/// rustc's errors in the output of `cargo check --message-format=json`: per error, the
/// file and line of each of its primary spans (the ground truth the semantic tests compare
/// Triplet's findings with).
pub fn compiler_error_spans(stdout: &str) -> Vec<Vec<(String, u64)>> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-message" && message["message"]["level"] == "error"
        })
        .map(|message| {
            let spans = message["message"]["spans"].as_array().cloned();
            (spans.unwrap_or_default().iter())
                .filter(|span| span["is_primary"] == true)
                .map(|span| {
                    (
                        span["file_name"].as_str().unwrap_or_default().to_string(),
                        span["line_start"].as_u64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .collect()
}
