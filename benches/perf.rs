//! Triplet's performance on real crates: `cargo bench --bench perf` (README "Performance").
//!
//! 1. Fetches a fixed set of crates at pinned versions through cargo (a generated
//!    Cargo.toml + `cargo fetch`; sources are read from cargo's registry cache, nothing
//!    third-party is committed) and copies their sources into temporary workspaces of path
//!    crates (dependencies dropped, features that only name features kept).
//! 2. Drives the release binary `triplet lsp` over stdio for live latency, cold start and
//!    memory; runs `triplet check` and a cold `cargo check` for the CLI ratio; calls the
//!    engine in process for throughput and target scaling.
//! 3. Prints one table: metric, target, measured. Benchmarks measure; nothing asserts.
//!
//! Options: `-- --rounds N` (edits per latency run, default 40), `--skip-cargo-check`;
//! `TRIPLET_BIN=path` drives another build of the server (before/after comparisons; the
//! in-process rows always measure this checkout).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use triplet::engine::{Engine, EngineOptions};
use triplet::targets::Toolchain;
use triplet::workspace::DiskSources;

/// The crates measured, pinned: what `cargo fetch` brings is what is analysed.
const CRATES: &[(&str, &str, &str)] = &[
    ("tokio", "=1.54.1", r#"features = ["full"]"#),
    (
        "syn",
        "=2.0.119",
        r#"features = ["full", "visit", "visit-mut", "fold"]"#,
    ),
    ("serde", "=1.0.229", ""),
    ("regex", "=1.13.2", ""),
    ("hashbrown", "=0.16.1", ""),
];
/// Packages of the resolved graph copied into the workspace: about 220k lines.
const COPIED: &[&str] = &["tokio", "syn", "serde", "serde_core", "regex", "hashbrown"];
const FOUR_TARGETS: [&str; 4] = [
    "x86_64-unknown-linux-gnu",
    "wasm32-unknown-unknown",
    "thumbv7em-none-eabihf",
    "aarch64-linux-android",
];
const EIGHT_TARGETS: [&str; 8] = [
    "x86_64-unknown-linux-gnu",
    "wasm32-unknown-unknown",
    "thumbv7em-none-eabihf",
    "aarch64-linux-android",
    "aarch64-apple-ios",
    "x86_64-pc-windows-msvc",
    "wasm32-wasip1",
    "riscv32imac-unknown-none-elf",
];

/// The rustc the spawned servers use (`--semantic` sets a rustc with rust-src).
static SERVER_RUSTC: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

fn server_rustc() -> Option<PathBuf> {
    SERVER_RUSTC.lock().ok().and_then(|rustc| rustc.clone())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .skip_while(|arg| *arg != "--rounds")
        .nth(1)
        .and_then(|value| value.parse().ok())
        .unwrap_or(40usize);
    let skip_cargo_check = args.iter().any(|arg| arg == "--skip-cargo-check");
    // TRIPLET_BIN: another build of the server, to compare before/after a change.
    let binary = std::env::var_os("TRIPLET_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_triplet")));
    println!("server: {}", binary.display());
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("perf");
    let sources = fetch_crates(&base.join("fetch"));
    let mut table = Table::default();

    let small = make_workspace(&base.join("ws-hashbrown"), &sources, &["hashbrown"], 1);
    let big = make_workspace(&base.join("ws-200k"), &sources, COPIED, 1);
    let copies = 2000usize.div_ceil(big.files.max(1));
    let huge = make_workspace(&base.join("ws-2000-files"), &sources, COPIED, copies);
    for ws in [&small, &big, &huge] {
        println!(
            "workspace {}: {} crates, {} files, {} lines",
            ws.root.display(),
            ws.crates,
            ws.files,
            ws.lines
        );
    }
    let map_rs = |ws: &Workspace| ws.root.join("hashbrown/src/map.rs");
    for (label, ws) in [
        ("10-file", &small),
        ("200k-line", &big),
        ("2,000-file", &huge),
    ] {
        for edit in [Edit::Keystroke, Edit::Line] {
            let recheck = Stats::of(&engine_recheck(&ws.root, &map_rs(ws), edit, rounds));
            table.row(
                &format!(
                    "engine re-check of map.rs, {}, {label}, in process (p50 / p95)",
                    edit.describe()
                ),
                "—",
                format!(
                    "{} / {} ms (n={})",
                    ms(recheck.p50),
                    ms(recheck.p95),
                    recheck.n
                ),
            );
        }
    }
    if args.iter().any(|arg| arg == "--engine-only") {
        table.print();
        return;
    }
    if args.iter().any(|arg| arg == "--semantic") {
        semantic_tier(&binary, &small, rounds, &mut table);
        table.print();
        return;
    }

    // Live latency: didChange → publishDiagnostics of that version, 4 targets.
    for (label, ws) in [
        ("10-file", &small),
        ("200k-line", &big),
        ("2,000-file", &huge),
    ] {
        let keystrokes = lsp_session(&binary, &ws.root, &map_rs(ws), Edit::Keystroke, rounds);
        let run = lsp_session(&binary, &ws.root, &map_rs(ws), Edit::Line, rounds);
        for (edit, session) in [(Edit::Keystroke, &keystrokes), (Edit::Line, &run)] {
            let lone = Stats::of(&session.lone_edits);
            let burst = Stats::of(&session.bursts);

            table.row(
                &format!(
                    "live latency, lone edit ({}), {label} workspace (p50 / p95)",
                    edit.describe()
                ),
                "≤ 20 / 60 ms",
                format!("{} / {} ms (n={})", ms(lone.p50), ms(lone.p95), lone.n),
            );
            table.row(
                &format!(
                    "live latency, end of a 5-keystroke burst ({}), {label} (p50 / p95)",
                    edit.describe()
                ),
                "≤ 20 / 60 ms",
                format!("{} / {} ms (n={})", ms(burst.p50), ms(burst.p95), burst.n),
            );
        }
        if label == "200k-line" {
            let cold: Vec<Duration> = (0..3)
                .map(|_| cold_start(&binary, &ws.root))
                .chain([run.cold_start])
                .collect();
            let cold = Stats::of(&cold);
            let metadata = Stats::of(&(0..3).map(|_| cargo_metadata(&ws.root)).collect::<Vec<_>>());
            table.row(
                "cold start: initialize → first diagnostics, 200k lines (p50)",
                "≤ 2 s",
                format!(
                    "{} ms, of which `cargo metadata` {} ms (n={})",
                    ms(cold.p50),
                    ms(metadata.p50),
                    cold.n
                ),
            );
            table.row(
                "server RSS after opening 200k lines and editing (peak)",
                "≤ 150 MB",
                format!(
                    "{:.0} MB now, {:.0} MB peak",
                    run.rss_kb as f64 / 1024.0,
                    run.peak_rss_kb as f64 / 1024.0
                ),
            );
        }
    }

    // Target scaling and throughput, in process (the engine's whole-workspace pass).
    let one = engine_pass_of(&big.root, &FOUR_TARGETS[..1], true);
    let eight = engine_pass_of(&big.root, &EIGHT_TARGETS, true);
    table.row(
        "whole-workspace pass, first tier (parse + rules), 8 targets / 1 target",
        "≤ 1.5×",
        ratio(eight, one),
    );
    let four = engine_pass_of(&big.root, &FOUR_TARGETS, true);
    table.row(
        "whole-workspace pass throughput, first tier, 4 targets (in process)",
        "≥ 300k lines/s",
        format!(
            "{:.0}k lines/s ({} lines in {} ms)",
            big.lines as f64 / four.as_secs_f64() / 1000.0,
            big.lines,
            ms(four)
        ),
    );
    let one = engine_pass(&big.root, &FOUR_TARGETS[..1]);
    let eight = engine_pass(&big.root, &EIGHT_TARGETS);
    table.row(
        "whole-workspace pass with the semantic tier, 8 targets / 1 target",
        "≤ 2×",
        ratio(eight, one),
    );
    let four = engine_pass(&big.root, &FOUR_TARGETS);
    table.row(
        "whole-workspace pass throughput with the semantic tier, 4 targets (in process)",
        "—",
        format!(
            "{:.0}k lines/s ({} lines in {} ms)",
            big.lines as f64 / four.as_secs_f64() / 1000.0,
            big.lines,
            ms(four)
        ),
    );
    let cli = Stats::of(
        &(0..3)
            .map(|_| triplet_check(&binary, &big.root, &FOUR_TARGETS))
            .collect::<Vec<_>>(),
    );
    table.row(
        "`triplet check` wall time, 200k lines, 4 targets (p50)",
        "≥ 300k lines/s",
        format!(
            "{} ms = {:.0}k lines/s",
            ms(cli.p50),
            big.lines as f64 / cli.p50.as_secs_f64() / 1000.0
        ),
    );

    // One toolchain probe: a warm `triplet check` asks rustc nothing (answers on disk).
    triplet_check(&binary, &small.root, &FOUR_TARGETS); // warms the caches
    let warm = Stats::of(
        &(0..5)
            .map(|_| triplet_check(&binary, &small.root, &FOUR_TARGETS))
            .collect::<Vec<_>>(),
    );
    let metadata = Stats::of(
        &(0..3)
            .map(|_| cargo_metadata(&small.root))
            .collect::<Vec<_>>(),
    );
    let rustc_runs = rustc_runs_of_warm_check(
        &binary,
        &small.root,
        &FOUR_TARGETS,
        &base.join("rustc-shim"),
    );
    table.row(
        "`triplet check` of hashbrown, 4 targets, warm (p50)",
        "≤ 100 ms",
        format!(
            "{} ms, of which `cargo metadata` {} ms; rustc runs by triplet: {rustc_runs} (n={})",
            ms(warm.p50),
            ms(metadata.p50),
            warm.n
        ),
    );

    // `triplet check` vs a cold `cargo check` of one real crate, one target.
    for (name, spec, label) in [
        ("syn", "syn@2.0.119", "syn 2.0.119 (full)"),
        ("tokio", "tokio@1.54.1", "tokio 1.54.1 (full)"),
    ] {
        let ws = make_workspace(&base.join(format!("ws-{name}")), &sources, &[name], 1);
        let triplet = Stats::of(
            &(0..3)
                .map(|_| triplet_check(&binary, &ws.root, &FOUR_TARGETS[..1]))
                .collect::<Vec<_>>(),
        );
        let metric = format!("`triplet check` / cold `cargo check`, {label}, 1 target");
        if skip_cargo_check {
            table.row(&metric, "≤ 0.1×", "skipped".into());
            continue;
        }
        let target_dir = base.join("cargo-check-target");
        let cargo = cold_cargo_check(&base.join("fetch"), &target_dir, spec);
        table.row(
            &metric,
            "≤ 0.1×",
            format!(
                "{:.3}× ({} ms / {} ms)",
                triplet.p50.as_secs_f64() / cargo.as_secs_f64(),
                ms(triplet.p50),
                ms(cargo)
            ),
        );
    }
    table.row(
        "builds: N targets in one cargo invocation vs N runs",
        "—",
        "see `cargo bench --bench build_targets`".into(),
    );
    table.print();
}

// ---------------------------------------------------------------------------------------
// The corpus

/// Package name → its directory in cargo's registry cache.
fn fetch_crates(dir: &Path) -> BTreeMap<String, (PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir).expect("create the fetch directory");
    let dependencies: String = CRATES
        .iter()
        .map(|(name, version, extra)| {
            let extra = if extra.is_empty() {
                String::new()
            } else {
                format!(", {extra}")
            };
            format!("{name} = {{ version = \"{version}\"{extra} }}\n")
        })
        .collect();
    let manifest = format!(
        "[package]\nname = \"triplet-perf-corpus\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n{dependencies}\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write the fetch manifest");
    std::fs::write(dir.join("lib.rs"), "").expect("write the fetch lib.rs");
    let status = Command::new(cargo())
        .arg("fetch")
        .current_dir(dir)
        .status()
        .expect("run cargo fetch");
    assert!(status.success(), "cargo fetch failed");
    let output = Command::new(cargo())
        .args(["metadata", "--format-version", "1"])
        .current_dir(dir)
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "cargo metadata failed");
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata JSON");
    let mut found = BTreeMap::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default();
        if !COPIED.contains(&name) {
            continue;
        }
        // The graph may hold other versions of a pinned crate (syn 3 beside syn 2).
        let pinned = CRATES.iter().find(|(crate_name, ..)| *crate_name == name);
        if pinned.is_some_and(|(_, version, _)| {
            package["version"].as_str() != Some(version.trim_start_matches('='))
        }) {
            continue;
        }
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        let lib = package["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| {
                t["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "lib" || k == "proc-macro"))
            })
            .and_then(|t| t["src_path"].as_str())
            .map(PathBuf::from)
            .expect("a lib target");
        let dir = manifest.parent().expect("crate dir").to_path_buf();
        let lib = lib
            .strip_prefix(&dir)
            .expect("lib inside crate")
            .to_path_buf();
        found.insert(name.to_string(), (dir, lib));
    }
    for name in COPIED {
        assert!(found.contains_key(*name), "{name} not in the fetched graph");
    }
    found
}

struct Workspace {
    root: PathBuf,
    crates: usize,
    files: usize,
    lines: usize,
}

/// A workspace of path crates holding `copies` copies of each named crate's sources.
fn make_workspace(
    root: &Path,
    sources: &BTreeMap<String, (PathBuf, PathBuf)>,
    names: &[&str],
    copies: usize,
) -> Workspace {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).expect("create the workspace");
    let mut members = Vec::new();
    let (mut files, mut lines) = (0, 0);
    for copy in 0..copies {
        for name in names {
            let (dir, lib) = &sources[*name];
            let member = if copy == 0 {
                name.to_string()
            } else {
                format!("{name}-copy{copy}")
            };
            let (f, l) = copy_sources(dir, &root.join(&member));
            files += f;
            lines += l;
            let original: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
                .expect("read a registry manifest")
                .parse()
                .expect("parse a registry manifest");
            let edition = original["package"]
                .get("edition")
                .and_then(|e| e.as_str())
                .unwrap_or("2015");
            let manifest = format!(
                "[package]\nname = \"{member}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\npublish = false\n\n[lib]\npath = \"{}\"\n\n[features]\n{}",
                lib.display(),
                own_features(&original)
            );
            std::fs::write(root.join(&member).join("Cargo.toml"), manifest)
                .expect("write a member manifest");
            members.push(member);
        }
    }
    let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .expect("write the workspace manifest");
    // A lockfile up front: the first `cargo metadata` then does not write one.
    let status = Command::new(cargo())
        .args(["generate-lockfile", "--offline"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run cargo generate-lockfile");
    assert!(
        status.success(),
        "cargo generate-lockfile failed in {}",
        root.display()
    );
    Workspace {
        root: root.to_path_buf(),
        crates: names.len() * copies,
        files,
        lines,
    }
}

/// The features that only name other features (dependencies are gone).
fn own_features(manifest: &toml::Table) -> String {
    let Some(features) = manifest.get("features").and_then(|f| f.as_table()) else {
        return String::new();
    };
    let mut out = String::new();
    for (name, enables) in features {
        let kept: Vec<String> = enables
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str())
            .filter(|e| features.contains_key(*e))
            .map(|e| format!("\"{e}\""))
            .collect();
        out.push_str(&format!("\"{name}\" = [{}]\n", kept.join(", ")));
    }
    out
}

/// Copies the `.rs` files (not tests, benches, examples); returns (files, lines).
fn copy_sources(from: &Path, to: &Path) -> (usize, usize) {
    let mut counts = (0, 0);
    let Ok(entries) = std::fs::read_dir(from) else {
        return counts;
    };
    std::fs::create_dir_all(to).expect("create a source directory");
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if ["tests", "benches", "examples", "target", ".git"]
                .iter()
                .any(|skip| name == *skip)
            {
                continue;
            }
            let (f, l) = copy_sources(&path, &to.join(&name));
            counts.0 += f;
            counts.1 += l;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read(&path).expect("read a source file");
            counts.0 += 1;
            counts.1 += text.iter().filter(|b| **b == b'\n').count();
            std::fs::write(to.join(&name), text).expect("write a source file");
        }
    }
    counts
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

// ---------------------------------------------------------------------------------------
// In-process and CLI passes

/// One whole-workspace pass (parse + analysis) of a freshly loaded engine: median of 5.
/// The engines share one detected toolchain, as the server's do, so what rustc reports
/// about the targets (probed once per toolchain) is not counted as analysis.
fn engine_pass(root: &Path, targets: &[&str]) -> Duration {
    engine_pass_of(root, targets, false)
}

/// A whole-workspace pass; `first_tier`: without the semantic checks, as the editor's
/// first publish after a load.
fn engine_pass_of(root: &Path, targets: &[&str], first_tier: bool) -> Duration {
    let toolchain = Toolchain::detect().expect("a Rust toolchain");
    let options = || EngineOptions {
        targets: targets.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    };
    let load = || {
        Engine::load_with(root, options(), Arc::clone(&toolchain))
            .expect("load the bench workspace")
    };
    let pass = |engine: &Engine| {
        if first_tier {
            engine
                .check_all_first_tier_until(&DiskSources, &|| false)
                .unwrap_or_default()
        } else {
            engine.check_all(&DiskSources)
        }
    };
    std::hint::black_box(pass(&load()));
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let engine = load();
            let started = Instant::now();
            let findings = pass(&engine);
            let elapsed = started.elapsed();
            std::hint::black_box(findings);
            elapsed
        })
        .collect();
    Stats::of(&runs).p50
}

/// A buffer over the disk, as the editor's overlay is.
struct EditedSources {
    path: PathBuf,
    text: String,
}

impl triplet::engine::SourceProvider for EditedSources {
    fn read(&self, path: &Path) -> Option<String> {
        if path == self.path {
            return Some(self.text.clone());
        }
        DiskSources.read(path)
    }
}

/// The edits measured: what typing does most (a character inside a function body, which
/// re-parses that body only) and a whole line inserted between two items (which re-parses
/// the file).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Edit {
    Keystroke,
    Line,
}

impl Edit {
    fn describe(self) -> &'static str {
        match self {
            Edit::Keystroke => "keystroke in a fn body",
            Edit::Line => "line between items",
        }
    }

    /// Where the edit goes in `text`: (line, column); alternately inserted and removed.
    fn position(self, text: &str) -> (usize, usize) {
        match self {
            Edit::Keystroke => {
                let anchor = "let hash = make_hash";
                text.lines()
                    .enumerate()
                    .find_map(|(line, content)| content.find(anchor).map(|column| (line, column)))
                    .expect("map.rs hashes a key in a method body")
            }
            Edit::Line => (100, 0),
        }
    }

    fn inserted(self) -> &'static str {
        match self {
            Edit::Keystroke => "x",
            Edit::Line => "// an edit\n",
        }
    }

    fn apply(self, text: &str) -> String {
        let (line, column) = self.position(text);
        let offset: usize = text
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + column;
        let mut edited = text.to_string();
        edited.insert_str(offset, self.inserted());
        edited
    }
}

/// `Engine::check_changed` after alternately making and undoing `edit` in `file`.
fn engine_recheck(root: &Path, file: &Path, edit: Edit, rounds: usize) -> Vec<Duration> {
    let options = EngineOptions {
        targets: FOUR_TARGETS.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    };
    let engine = Engine::load(root, options).expect("load the bench workspace");
    let original = std::fs::read_to_string(file).expect("read the edited file");
    let edited = edit.apply(&original);
    let mut sources = EditedSources {
        path: file.to_path_buf(),
        text: original.clone(),
    };
    engine.check_all(&sources);
    // `--noop-recheck`: nothing changed, which measures what a re-check costs besides
    // reading the edited file.
    let noop = std::env::args().any(|arg| arg == "--noop-recheck");
    let changed = if noop {
        Vec::new()
    } else {
        vec![file.to_path_buf()]
    };
    (0..rounds)
        .map(|round| {
            sources.text = if round % 2 == 0 {
                edited.clone()
            } else {
                original.clone()
            };
            let started = Instant::now();
            std::hint::black_box(engine.check_changed(&changed, &sources));
            started.elapsed()
        })
        .collect()
}

fn triplet_check(binary: &Path, root: &Path, targets: &[&str]) -> Duration {
    run_check(check_command(binary, root, targets))
}

fn check_command(binary: &Path, root: &Path, targets: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command.arg("check").arg(root).args(["--format", "json"]);
    for target in targets {
        command.args(["--target", target]);
    }
    command
}

/// How many times a warm `triplet check` runs rustc itself (cargo metadata's own calls
/// not counted), through a `RUSTC` shim that logs each caller. Linux only (`/proc`).
fn rustc_runs_of_warm_check(binary: &Path, root: &Path, targets: &[&str], dir: &Path) -> String {
    if !cfg!(target_os = "linux") {
        return "n/a (counted on Linux)".into();
    }
    let real = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("rustc"))
            .find(|candidate| candidate.is_file())
    });
    let Some(real) = real else {
        return "n/a (no rustc on PATH)".into();
    };
    std::fs::create_dir_all(dir).expect("create the shim directory");
    let (shim, log) = (dir.join("rustc"), dir.join("calls.log"));
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\necho \"$(cat /proc/$PPID/comm) $*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    )
    .expect("write the rustc shim");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755))
            .expect("make the shim executable");
    }
    // The shim is a new rustc binary to Triplet: the first run probes it, the second is warm.
    for _ in 0..2 {
        let _ = std::fs::remove_file(&log);
        let mut command = check_command(binary, root, targets);
        command.env("RUSTC", &shim);
        run_check(command);
    }
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let own = calls
        .lines()
        .filter(|call| call.starts_with("triplet "))
        .count();
    let cargo = calls
        .lines()
        .filter(|call| call.starts_with("cargo "))
        .count();
    format!("{own} (cargo metadata's own: {cargo})")
}

/// The per-target semantic checks (T0008, local types) with std from rust-src: Debian's
/// rustc 1.96 ships it (`/usr/lib/rustlib/src`), the rustup toolchain here does not.
fn semantic_tier(binary: &Path, ws: &Workspace, rounds: usize, table: &mut Table) {
    let rustc = PathBuf::from("/usr/bin/rustc");
    if !Path::new("/usr/lib/rustlib/src/rust/library/std/src").is_dir() || !rustc.is_file() {
        table.row(
            "semantic tier",
            "—",
            "n/a (no rustc with rust-src at /usr/bin/rustc)".into(),
        );
        return;
    }
    if let Ok(mut slot) = SERVER_RUSTC.lock() {
        *slot = Some(rustc.clone());
    }
    let map_rs = ws.root.join("hashbrown/src/map.rs");
    let cold: Vec<Duration> = (0..3).map(|_| cold_start(binary, &ws.root)).collect();
    let cold = Stats::of(&cold);
    table.row(
        "semantic tier: open → first findings with std from rust-src, hashbrown, 4 targets (p50)",
        "≤ 10 s",
        format!("{} ms (n={})", ms(cold.p50), cold.n),
    );
    // The CLI with std from rust-src (what a user with rust-src installed runs in CI).
    let check_with_rust_src = || {
        let mut command = check_command(binary, &ws.root, &FOUR_TARGETS);
        command.env("RUSTC", &rustc);
        run_check(command)
    };
    check_with_rust_src(); // warms the caches
    let warm = Stats::of(&(0..5).map(|_| check_with_rust_src()).collect::<Vec<_>>());
    table.row(
        "with rust-src: `triplet check` of hashbrown, 4 targets, warm (p50)",
        "≤ 100 ms",
        format!("{} ms (n={})", ms(warm.p50), warm.n),
    );
    for edit in [Edit::Keystroke, Edit::Line] {
        let session = lsp_session(binary, &ws.root, &map_rs, edit, rounds);
        let lone = Stats::of(&session.lone_edits);
        table.row(
            &format!(
                "with rust-src: {} in map.rs → first tier published, 4 targets (p50 / p95)",
                edit.describe()
            ),
            "≤ 20 / 60 ms",
            format!("{} / {} ms (n={})", ms(lone.p50), ms(lone.p95), lone.n),
        );
        std::env::set_var("RUSTC", &rustc);
        let full = Stats::of(&engine_recheck(&ws.root, &map_rs, edit, rounds));
        std::env::remove_var("RUSTC");
        table.row(
            &format!(
                "semantic tier: {} in map.rs → all findings incl. T0008, in process (p50 / p95; the second publish adds the LSP's 2–7 ms)",
                edit.describe()
            ),
            "≤ 150 / 400 ms",
            format!("{} / {} ms (n={})", ms(full.p50), ms(full.p95), full.n),
        );
        if edit == Edit::Keystroke {
            table.row(
                "semantic tier: server RSS, hashbrown, 4 targets (now / peak)",
                "≤ 1.5 × rust-analyzer's",
                format!(
                    "{:.0} MB / {:.0} MB",
                    session.rss_kb as f64 / 1024.0,
                    session.peak_rss_kb as f64 / 1024.0
                ),
            );
        }
    }
    // 8 targets against 1, whole pass in process, with rust-src.
    std::env::set_var("RUSTC", &rustc);
    let one = engine_pass(&ws.root, &FOUR_TARGETS[..1]);
    let eight = engine_pass(&ws.root, &EIGHT_TARGETS);
    std::env::remove_var("RUSTC");
    table.row(
        "semantic tier: whole pass of hashbrown incl. T0008, 8 targets / 1 target",
        "≤ 2×",
        ratio(eight, one),
    );
    table.row(
        "rust-analyzer on the same workspace, one target (`analysis-stats`)",
        "—",
        rust_analyzer_stats(&ws.root),
    );
}

/// Time and peak RSS of `rust-analyzer analysis-stats` (Debian's rust-web-analyzer).
fn rust_analyzer_stats(root: &Path) -> String {
    let analyzer = ["/usr/bin/rust-analyzer"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file());
    let (Some(analyzer), true) = (analyzer, Path::new("/usr/bin/time").is_file()) else {
        return "n/a (apt-get install rust-web-analyzer time)".into();
    };
    let output = Command::new("/usr/bin/time")
        .args(["-f", "RA_STATS %e s %M KB"])
        .arg(analyzer)
        .args(["analysis-stats", "."])
        .current_dir(root)
        .env("RUSTC", "/usr/bin/rustc")
        .stdout(Stdio::null())
        .output();
    let Ok(output) = output else {
        return "n/a (could not run rust-analyzer)".into();
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    match stderr.lines().find_map(|l| l.strip_prefix("RA_STATS ")) {
        Some(numbers) => {
            let parts: Vec<&str> = numbers.split_whitespace().collect();
            let kb: f64 = parts.get(2).and_then(|k| k.parse().ok()).unwrap_or(0.0);
            format!(
                "{} s, peak RSS {:.0} MB",
                parts.first().unwrap_or(&"?"),
                kb / 1024.0
            )
        }
        None => "n/a (no timing from /usr/bin/time)".into(),
    }
}

fn run_check(mut command: Command) -> Duration {
    let started = Instant::now();
    let output = command.output().expect("run triplet check");
    let elapsed = started.elapsed();
    // Exit 1 = findings with errors; 2 = could not run.
    assert!(
        output.status.code() != Some(2),
        "triplet check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

fn cargo_metadata(root: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .stdout(Stdio::null())
        .status()
        .expect("run cargo metadata");
    assert!(status.success());
    started.elapsed()
}

/// `cargo check -p SPEC` from an empty target directory (dependencies included).
fn cold_cargo_check(fetch_dir: &Path, target_dir: &Path, spec: &str) -> Duration {
    let _ = std::fs::remove_dir_all(target_dir);
    let started = Instant::now();
    let status = Command::new(cargo())
        .args([
            "check",
            "-p",
            spec,
            "--target",
            FOUR_TARGETS[0],
            "--target-dir",
        ])
        .arg(target_dir)
        .current_dir(fetch_dir)
        .stderr(Stdio::null())
        .status()
        .expect("run cargo check");
    assert!(status.success(), "cargo check failed");
    started.elapsed()
}

// ---------------------------------------------------------------------------------------
// The LSP driver

struct Lsp {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    next_id: i64,
}

impl Lsp {
    fn spawn(binary: &Path) -> Lsp {
        let mut command = Command::new(binary);
        if let Some(rustc) = server_rustc() {
            command.env("RUSTC", rustc);
        }
        let mut child = command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn triplet lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let received = Instant::now();
                if let Ok(value) = serde_json::from_slice(&body) {
                    if sender.send((received, value)).is_err() {
                        return;
                    }
                }
            }
        });
        Lsp {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) -> Instant {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let sent = Instant::now();
        self.stdin
            .write_all(frame.as_bytes())
            .and_then(|()| self.stdin.flush())
            .expect("write to the server");
        sent
    }

    fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let sent =
            self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        (id, sent)
    }

    fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// The first message `wanted` accepts, with when it arrived; server requests get null.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> (Instant, Value) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok((at, message)) => {
                    if message.get("method").is_some() && message.get("id").is_some() {
                        let id = message["id"].clone();
                        self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                        continue;
                    }
                    if wanted(&message) {
                        return (at, message);
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("the server did not answer in 120 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
            }
        }
    }

    fn initialize(&mut self, root: &Path) -> Instant {
        let uri = file_uri(root);
        let (id, sent) = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "bench"}],
                "capabilities": {"general": {"positionEncodings": ["utf-8"]}},
                "initializationOptions": {"triplet": {"targets": FOUR_TARGETS}},
            }),
        );
        self.wait_for(|m| m["id"] == id);
        self.notify("initialized", json!({}));
        sent
    }

    fn rss_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn shutdown(mut self) {
        let (id, _) = self.request("shutdown", Value::Null);
        self.wait_for(|m| m["id"] == id);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn is_publish_for(message: &Value, uri: &str, version: Option<i64>) -> bool {
    message["method"] == "textDocument/publishDiagnostics"
        && message["params"]["uri"] == uri
        && version.is_none_or(|v| message["params"]["version"] == v)
}

fn cold_start(binary: &Path, root: &Path) -> Duration {
    let mut lsp = Lsp::spawn(binary);
    let sent = lsp.initialize(root);
    let (at, _) = lsp.wait_for(|m| m["method"] == "textDocument/publishDiagnostics");
    lsp.shutdown();
    at - sent
}

struct Session {
    cold_start: Duration,
    /// didChange → the first publish of that version (the first tier).
    lone_edits: Vec<Duration>,
    bursts: Vec<Duration>,
    rss_kb: u64,
    peak_rss_kb: u64,
}

/// Opens `file`, then edits it: `rounds` lone edits after a quiet spell, then bursts of
/// five keystrokes 10 ms apart; each latency is from the (last) didChange to the
/// publishDiagnostics carrying that version.
fn lsp_session(binary: &Path, root: &Path, file: &Path, kind: Edit, rounds: usize) -> Session {
    let mut lsp = Lsp::spawn(binary);
    let sent = lsp.initialize(root);
    let (first, _) = lsp.wait_for(|m| m["method"] == "textDocument/publishDiagnostics");
    let uri = file_uri(file);
    let text = std::fs::read_to_string(file).expect("read the edited file");
    let (line, column) = kind.position(&text);
    let inserted = kind.inserted();
    // The end of the inserted text, in UTF-8 columns (the session negotiates UTF-8).
    let (end_line, end_column) = match inserted.strip_suffix('\n') {
        Some(_) => (line + 1, 0),
        None => (line, column + inserted.len()),
    };
    lsp.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
    );
    lsp.wait_for(|m| is_publish_for(m, &uri, Some(1)));
    let mut version = 1;
    let mut is_inserted = false;
    let mut edit = |lsp: &mut Lsp, version: i64| {
        // Alternately insert and remove, so the text stays the same size.
        let change = if is_inserted {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": end_line, "character": end_column}}, "text": ""})
        } else {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": inserted})
        };
        is_inserted = !is_inserted;
        lsp.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        )
    };
    let mut lone_edits = Vec::new();
    for _ in 0..rounds {
        std::thread::sleep(Duration::from_millis(120));
        version += 1;
        let sent = edit(&mut lsp, version);
        // The first publish of the version: the first tier. (The semantic tier's publish
        // follows only when its findings differ; `engine_recheck` measures it in process.)
        let (at, _) = lsp.wait_for(|m| is_publish_for(m, &uri, Some(version)));
        lone_edits.push(at - sent);
    }
    let mut bursts = Vec::new();
    for _ in 0..rounds / 4 {
        std::thread::sleep(Duration::from_millis(120));
        let mut last_sent = Instant::now();
        for keystroke in 0..5 {
            if keystroke > 0 {
                std::thread::sleep(Duration::from_millis(10));
            }
            version += 1;
            last_sent = edit(&mut lsp, version);
        }
        let (at, _) = lsp.wait_for(|m| is_publish_for(m, &uri, Some(version)));
        bursts.push(at - last_sent);
    }
    let (rss_kb, peak_rss_kb) = lsp.rss_kb();
    lsp.shutdown();
    Session {
        cold_start: first - sent,
        lone_edits,
        bursts,
        rss_kb,
        peak_rss_kb,
    }
}

// ---------------------------------------------------------------------------------------
// Reporting

struct Stats {
    n: usize,
    p50: Duration,
    p95: Duration,
}

impl Stats {
    fn of(samples: &[Duration]) -> Stats {
        let mut sorted = samples.to_vec();
        sorted.sort();
        let at = |q: f64| {
            let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
            sorted.get(index).copied().unwrap_or_default()
        };
        Stats {
            n: sorted.len(),
            p50: at(0.5),
            p95: at(0.95),
        }
    }
}

/// `many / few` as a factor, with both times: "1.16× (47 ms / 40 ms)".
fn ratio(many: Duration, few: Duration) -> String {
    format!(
        "{:.2}× ({} ms / {} ms)",
        many.as_secs_f64() / few.as_secs_f64(),
        ms(many),
        ms(few)
    )
}

fn ms(duration: Duration) -> String {
    let millis = duration.as_secs_f64() * 1000.0;
    if millis < 10.0 {
        format!("{millis:.1}")
    } else {
        format!("{millis:.0}")
    }
}

#[derive(Default)]
struct Table {
    rows: Vec<(String, String, String)>,
}

impl Table {
    fn row(&mut self, metric: &str, target: &str, measured: String) {
        println!("{metric}: {measured}");
        self.rows
            .push((metric.to_string(), target.to_string(), measured));
    }

    fn print(&self) {
        println!("\n| metric | target | measured |\n|---|---|---|");
        for (metric, target, measured) in &self.rows {
            println!("| {metric} | {target} | {measured} |");
        }
    }
}
