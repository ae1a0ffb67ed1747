//! Same workspace, same findings (issue #24). `triplet check --format json` must print the
//! same bytes every time for the same files: with an empty cache or a warm one, with the
//! read-ahead on or off (`TRIPLET_READ_AHEAD=0`), whatever the process's hash seed. A
//! verdict that depends on iteration order or timing shows here as two different reports.
//!
//! The workspaces: `tests/fixtures/build-script-cfg` (a dependency's items behind cfgs its
//! build script sets, reached through uses, globs, re-exports and `cfg_if!`, and use trees
//! whose leaves fail at one shared segment: the case that flipped one run in two before the
//! fix) and the semantic corpus (`tests/fixtures/semantics`). 47 cold runs in all (18 of the
//! fixture: a flip in one run of four escapes them with odds under 1%), plus 8 warm ones.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's rustc with rust-src: std, core and alloc are then checked too (as in
/// tests/semantics_corpus.rs). Without it the reports are still compared.
const RUSTC: &str = "/usr/bin/rustc";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// One `triplet check --format json` run with `cache` as its cache directory.
fn report(workspace: &Path, cache: &Path, read_ahead: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_triplet"));
    command
        .args(["check", ".", "--format", "json"])
        .current_dir(workspace)
        .env("XDG_CACHE_HOME", cache)
        .env("TRIPLET_READ_AHEAD", if read_ahead { "1" } else { "0" });
    if Path::new(RUSTC).is_file() {
        command.env("RUSTC", RUSTC);
    }
    let output = command.output().expect("run triplet");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        serde_json::from_str::<serde_json::Value>(&stdout).is_ok(),
        "triplet printed no JSON for {}: {}",
        workspace.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A report from an empty cache directory.
fn cold_report(workspace: &Path, read_ahead: bool) -> String {
    let cache = tempfile::tempdir().expect("a temporary cache directory");
    report(workspace, cache.path(), read_ahead)
}

/// `runs` cold runs of `workspace`, read-ahead on and off in turn: all byte-identical.
fn assert_cold_runs_agree(workspace: &Path, runs: usize) {
    let first = cold_report(workspace, true);
    for run in 1..runs {
        let read_ahead = run % 2 == 0;
        let again = cold_report(workspace, read_ahead);
        assert!(
            again == first,
            "{}: cold run {run} (read-ahead {}) differs from the first:\n--- first\n{first}\n--- run {run}\n{again}",
            workspace.display(),
            if read_ahead { "on" } else { "off" },
        );
    }
}

#[test]
fn build_script_fixture_gives_one_report_cold() {
    assert_cold_runs_agree(&fixture("build-script-cfg"), 18);
}

#[test]
fn semantic_corpus_gives_one_report_cold() {
    for name in [
        "semantics/alloc-decl",
        "semantics/atomics",
        "semantics/dependency-apis",
        "semantics/float-math",
        "semantics/own-cfg-items",
        "semantics/platform-modules",
        "semantics/pointer-width/const-eval",
        "semantics/pointer-width/literals",
    ] {
        assert_cold_runs_agree(&fixture(name), 3);
    }
}

/// What a run keeps on disk (rustc's answers, module summaries, the API table) gives the
/// next run exactly what it would compute afresh.
#[test]
fn warm_runs_repeat_what_a_cold_run_finds() {
    for name in [
        "build-script-cfg",
        "semantics/dependency-apis",
        "semantics/platform-modules",
        "semantics/own-cfg-items",
    ] {
        let workspace = fixture(name);
        let cache = tempfile::tempdir().expect("a temporary cache directory");
        let cold = report(&workspace, cache.path(), true);
        for read_ahead in [true, false] {
            let warm = report(&workspace, cache.path(), read_ahead);
            assert!(
                warm == cold,
                "{name}: a warm run differs from the cold one:\n--- cold\n{cold}\n--- warm\n{warm}"
            );
        }
    }
}

/// The dependency's items behind `cargo:rustc-cfg=has_thing` (and `cargo::rustc-cfg=…`)
/// are unknown to Triplet: no T0008 on their uses and paths. Gates that rustc decides
/// (`all(unix, has_other)` on Windows) still give findings.
#[test]
fn build_script_cfgs_are_unknown_not_false() {
    let workspace = fixture("build-script-cfg");
    let text = cold_report(&workspace, true);
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let t0008: Vec<(u64, String, Vec<String>)> = findings
        .iter()
        .filter(|f| {
            f["code"] == "T0008"
                && f["file"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("member/src/lib.rs"))
        })
        .map(|f| {
            let targets = f["targets"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            (
                f["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
                targets,
            )
        })
        .collect();
    let source = std::fs::read_to_string(workspace.join("member/src/lib.rs")).expect("member");
    let line_of = |needle: &str| {
        source
            .lines()
            .position(|line| line.contains(needle))
            .map(|index| index as u64 + 1)
            .expect("the fixture has the line")
    };
    let silent_until = line_of("pub fn unix_only");
    let on_gated_lines: Vec<_> = t0008
        .iter()
        .filter(|(line, ..)| *line < silent_until)
        .collect();
    assert!(
        on_gated_lines.is_empty(),
        "build-script cfgs must be unknown, never false: {on_gated_lines:#?}"
    );
    let rustc_decides = ["x86_64-pc-windows-msvc", "wasm32-unknown-unknown"];
    for what in [
        "dep::sys::unix_other",
        "dep::sys::plain_unix",
        "dep::sys::unixy",
    ] {
        let found = t0008
            .iter()
            .find(|(_, message, _)| message.starts_with(&format!("`{what}`")));
        let Some((_, message, targets)) = found else {
            panic!("no T0008 for `{what}`: {t0008:#?}");
        };
        assert_eq!(targets, &rustc_decides, "{message}");
    }
    // The leaves of `use dep::sys::unixy::{hidden, known, scripted}` meet at `unixy`: one
    // finding, naming the targets where `known` shows `unixy` is there.
    let unixy = t0008
        .iter()
        .filter(|(line, ..)| *line == line_of("use dep::sys::unixy"))
        .collect::<Vec<_>>();
    assert_eq!(unixy.len(), 1, "{unixy:#?}");
    assert!(
        unixy[0]
            .1
            .contains("it exists on x86_64-unknown-linux-gnu and aarch64-apple-darwin"),
        "{}",
        unixy[0].1
    );
}
