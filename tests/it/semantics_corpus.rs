//! T0008 against the real compiler. Each fixture under `tests/fixtures/semantics/` is a
//! crate whose code fails on some of its targets; for every target the test runs
//! `cargo check -Zbuild-std` with Debian's rustc (which ships rust-src) and asserts that
//! Triplet's findings are exactly the compiler's error lines, target by target (recall and
//! precision both 100%), and that applying every fix Triplet offers removes the errors it
//! was offered for and adds none. Cold, checking std for five targets takes a few minutes;
//! the target dir is kept between runs.

use crate::support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{apply_fix, targets_of, Workspace};

const RUSTC: &str = "/usr/bin/rustc";

/// (file, line, target)
type Located = BTreeSet<(String, u64, String)>;

fn require_rust_src() {
    assert!(
        Path::new(RUSTC).is_file() && Path::new("/usr/lib/rustlib/src/rust/library/std").is_dir(),
        "this test needs Debian's rustc-web and rust-web-src (/usr/bin/rustc with rust-src); \
         `bash .ci/run` installs them"
    );
}

fn corpus_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("semantics-corpus")
}

/// The compiler's error lines for one target.
fn compiler_errors(dir: &Path, target: &str, build_std: &str) -> Located {
    let output = Command::new("cargo")
        .args([
            "check",
            "--message-format=json",
            "--keep-going",
            "--target",
            target,
        ])
        .arg(format!("-Zbuild-std={build_std}"))
        .current_dir(dir)
        .env("RUSTC", RUSTC)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", corpus_target_dir())
        .env_remove("RUSTC_WRAPPER")
        .output()
        .expect("run cargo check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let errors: Located = support::compiler_error_spans(&stdout)
        .into_iter()
        .filter_map(|spans| spans.into_iter().next())
        .map(|(file, line)| (file, line, target.to_string()))
        .collect();
    let finished = stdout
        .lines()
        .any(|l| l.contains("\"reason\":\"build-finished\""));
    assert!(
        finished,
        "cargo check for {target} did not run to the end:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    errors
}

fn triplet_report(dir: &Path, extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .args(extra)
        .current_dir(dir)
        .env("RUSTC", RUSTC)
        .output()
        .expect("run triplet");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "triplet printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn semantic_findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["code"] == "T0008" && f["severity"] == "error")
        .collect()
}

fn located(findings: &[Value]) -> Located {
    let mut set = Located::new();
    for finding in findings {
        for target in targets_of(finding) {
            set.insert((
                finding["file"].as_str().unwrap_or_default().to_string(),
                finding["line"].as_u64().unwrap_or_default(),
                target,
            ));
        }
    }
    set
}

fn describe(set: &Located) -> String {
    set.iter()
        .map(|(file, line, target)| format!("  {file}:{line} on {target}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_corpus_crate(fixture: &str, targets: &[&str], build_std: &str) {
    require_rust_src();
    let workspace = Workspace::copy(&format!("semantics/{fixture}"));
    let (findings, compiler) = agree_with_rustc(workspace.path(), fixture, targets, build_std, &[]);
    check_fixes(
        workspace.path(),
        fixture,
        targets,
        build_std,
        &findings,
        &compiler,
    );
}

/// Triplet's T0008 findings equal rustc's error lines, target by target; returns both.
fn agree_with_rustc(
    dir: &Path,
    fixture: &str,
    targets: &[&str],
    build_std: &str,
    triplet_args: &[&str],
) -> (Vec<Value>, Located) {
    let report = triplet_report(dir, triplet_args);
    let findings = semantic_findings(&report);
    let ours = located(&findings);
    let mut compiler = Located::new();
    for target in targets {
        compiler.extend(compiler_errors(dir, target, build_std));
    }
    assert!(
        !compiler.is_empty(),
        "the {fixture} corpus must fail somewhere"
    );
    let missed: Located = compiler.difference(&ours).cloned().collect();
    let extra: Located = ours.difference(&compiler).cloned().collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{fixture}: Triplet and rustc disagree.\nreported by rustc, not by Triplet:\n{}\n\
         reported by Triplet, not by rustc:\n{}\nTriplet's findings:\n{}",
        describe(&missed),
        describe(&extra),
        serde_json::to_string_pretty(&findings).unwrap_or_default()
    );
    (findings, compiler)
}

/// Every offered fix removes what it was offered for and breaks nothing else.
fn check_fixes(
    dir: &Path,
    fixture: &str,
    targets: &[&str],
    build_std: &str,
    findings: &[Value],
    compiler: &Located,
) {
    let fixed: Vec<&Value> = findings
        .iter()
        .filter(|f| f["fixes"].as_array().is_some_and(|fixes| !fixes.is_empty()))
        .collect();
    assert!(!fixed.is_empty(), "{fixture}: no finding offers a fix");
    let mut fixed_locations = Located::new();
    // Every offered fix at once; the same edit offered by several findings (`extern crate
    // alloc;`) is made once, as an editor applying them one by one would end up with.
    let mut edits: Vec<Value> = Vec::new();
    for finding in &fixed {
        fixed_locations.extend(located(&[(*finding).clone()]));
        for edit in finding["fixes"][0]["edits"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        }
    }
    apply_fix(dir, &serde_json::json!({ "edits": edits }));
    let mut after = Located::new();
    for target in targets {
        after.extend(compiler_errors(dir, target, build_std));
    }
    // Fixes insert lines: compare by target and count, then by the unfixed remainder.
    let expected_left = compiler.len() - fixed_locations.len();
    assert_eq!(
        after.len(),
        expected_left,
        "{fixture}: after applying {} fixes rustc reports:\n{}\n(before:\n{})",
        fixed.len(),
        describe(&after),
        describe(compiler)
    );
}

#[test]
fn platform_modules_of_std() {
    check_corpus_crate(
        "platform-modules",
        &[
            "x86_64-unknown-linux-gnu",
            "x86_64-pc-windows-msvc",
            "aarch64-linux-android",
            "wasm32-wasip1",
        ],
        "std,panic_abort",
    );
}

#[test]
fn the_crates_own_cfg_items() {
    check_corpus_crate(
        "own-cfg-items",
        &[
            "x86_64-unknown-linux-gnu",
            "x86_64-pc-windows-msvc",
            "wasm32-unknown-unknown",
        ],
        "std,panic_abort",
    );
}

#[test]
fn dependency_apis_gated_by_cfg() {
    check_corpus_crate(
        "dependency-apis",
        &[
            "x86_64-unknown-linux-gnu",
            "x86_64-pc-windows-msvc",
            "wasm32-unknown-unknown",
        ],
        "std,panic_abort",
    );
}

#[test]
fn alloc_without_its_declaration_and_missing_atomics() {
    check_corpus_crate(
        "alloc-decl",
        &[
            "x86_64-unknown-linux-gnu",
            "thumbv7em-none-eabihf",
            "thumbv6m-none-eabi",
        ],
        "core,alloc",
    );
}

/// Errors rustc gives on some targets only that are not a missing path: `compile_error!`
/// under a cfg (and in `cfg_if!` arms).
#[test]
fn compiler_gates() {
    check_corpus_crate(
        "compiler-gates",
        &[
            "x86_64-unknown-linux-gnu",
            "x86_64-pc-windows-msvc",
            "wasm32-unknown-unknown",
        ],
        "std,panic_abort",
    );
}

/// A glob of a platform module (`use std::os::unix::prelude::*;`) and platform traits'
/// associated functions through a type (`OsStr::from_bytes`, `std::fs::File::from_raw_fd`).
#[test]
fn globs_and_trait_functions() {
    check_corpus_crate(
        "globs-and-trait-functions",
        &["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"],
        "std,panic_abort",
    );
}

/// `extern crate libc;` where libc is a `[target.'cfg(unix)'.dependencies]` entry: E0463 on
/// Windows (and nothing for the paths through it there, as rustc).
#[test]
fn extern_crate_of_a_target_dependency() {
    check_corpus_crate(
        "target-dependencies",
        &["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"],
        "std,panic_abort",
    );
}

/// A module alias at the crate root (`use core::sync::atomic;` then `crate::atomic::…`),
/// and one name imported under exclusive cfgs: only the active import is judged.
#[test]
fn module_aliases_and_exclusive_imports() {
    check_corpus_crate(
        "module-aliases",
        &["x86_64-unknown-linux-gnu", "thumbv7em-none-eabihf"],
        "core,alloc",
    );
}

/// Inside function bodies: a block-level item under `#[cfg]`, one that shadows a gated
/// module item, `#[cfg]` on `let`s and blocks.
#[test]
fn inside_function_bodies() {
    check_corpus_crate(
        "function-bodies",
        &["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"],
        "std,panic_abort",
    );
}

/// Edition 2015: imports and `::a::b` paths start at the crate root in every module.
#[test]
fn edition_2015_paths() {
    check_corpus_crate(
        "edition-2015",
        &["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"],
        "std,panic_abort",
    );
}

/// A crate from crates.io, not written with the rule in mind: kqueue-sys 1.1.1 names its
/// BSD/macOS types through `pub use self::darwin::*` under `#[cfg]`, so it does not build
/// for Linux or Windows. rustc's errors there and Triplet's must be the same lines.
#[test]
fn a_crates_io_crate_agrees_with_rustc() {
    require_rust_src();
    let dir = registry_crate("kqueue-sys", "1.1.1");
    // Triplet also sees macOS, where the crate builds (rustc is asked only where it fails:
    // building std for a third target would cost CI minutes).
    let selected = [
        "--target",
        "x86_64-unknown-linux-gnu",
        "--target",
        "x86_64-pc-windows-msvc",
        "--target",
        "aarch64-apple-darwin",
    ];
    let (findings, _) = agree_with_rustc(
        dir.path(),
        "kqueue-sys 1.1.1",
        &["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"],
        "std,panic_abort",
        &selected,
    );
    assert!(findings.iter().all(|f| f["message"]
        .as_str()
        .is_some_and(|m| m.contains("it exists on aarch64-apple-darwin"))));
}

/// A private copy of a crates.io package's sources (cargo downloads it), as its own
/// workspace.
fn registry_crate(name: &str, version: &str) -> tempfile::TempDir {
    let probe = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(probe.path().join("src")).expect("src");
    std::fs::write(probe.path().join("src/lib.rs"), "").expect("lib.rs");
    std::fs::write(
        probe.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\n{name} = \"={version}\"\n\n[workspace]\n"
        ),
    )
    .expect("Cargo.toml");
    let output = Command::new("cargo")
        .args(["metadata", "--format-version", "1"])
        .current_dir(probe.path())
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata could not fetch {name} {version}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata JSON");
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == name))
        .and_then(|p| p["manifest_path"].as_str())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{name} is not in the metadata"));
    let copy = tempfile::tempdir().expect("temp dir");
    support::copy_dir(manifest.parent().expect("crate dir"), copy.path());
    let cargo_toml = copy.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&cargo_toml).expect("read Cargo.toml");
    std::fs::write(&cargo_toml, format!("{text}\n[workspace]\n")).expect("write Cargo.toml");
    copy
}
