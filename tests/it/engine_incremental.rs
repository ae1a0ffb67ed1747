//! `Engine::check_changed` (what the LSP runs per edit, re-reading only the changed files)
//! must find exactly what a fresh engine's full `check_all` finds, whatever the edit:
//! inside a module, to the crate root's `#![no_std]`, to `mod` declarations, and files
//! created on disk for a module that was declared before.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use triplet::analysis::finding::Finding;
use triplet::engine::{Engine, EngineOptions, SourceProvider};
use triplet::workspace::DiskSources;

/// Editor buffers over the disk.
#[derive(Default)]
struct Buffers(Mutex<HashMap<PathBuf, String>>);

impl Buffers {
    fn set(&self, path: &Path, text: &str) {
        if let Ok(mut buffers) = self.0.lock() {
            buffers.insert(path.to_path_buf(), text.to_string());
        }
    }
}

impl SourceProvider for Buffers {
    fn read(&self, path: &Path) -> Option<String> {
        let buffered = self.0.lock().ok()?.get(path).cloned();
        buffered.or_else(|| DiskSources.read(path))
    }
}

fn options() -> EngineOptions {
    EngineOptions {
        targets: vec![
            "x86_64-unknown-linux-gnu".into(),
            "wasm32-unknown-unknown".into(),
            "thumbv7em-none-eabihf".into(),
        ],
        ..Default::default()
    }
}

/// A temporary one-package workspace named `name`, with an empty `src/`.
fn one_crate_workspace(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir_all(dir.path().join("src")).expect("create src");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n"),
    )
    .expect("write Cargo.toml");
    dir
}

fn fresh(root: &Path, buffers: &Buffers) -> Vec<Finding> {
    let engine = Engine::load(root, options()).expect("the test workspace loads");
    engine.check_all(buffers)
}

#[test]
fn incremental_checks_match_a_fresh_full_check() {
    let dir = one_crate_workspace("inc");
    let root = dir.path();
    let src = root.join("src");
    let lib = src.join("lib.rs");
    let net = src.join("net.rs");
    let time = src.join("time.rs");
    std::fs::write(&lib, "#![no_std]\nmod net;\n").expect("write lib.rs");
    std::fs::write(&net, "pub fn f() { let _ = std::vec::Vec::<u8>::new(); }\n")
        .expect("write net.rs");

    let buffers = Buffers::default();
    let engine = Engine::load(root, options()).expect("the test workspace loads");
    assert_eq!(engine.check_all(&buffers), fresh(root, &buffers));

    let step = |changed: &[&PathBuf], what: &str| {
        let changed: Vec<PathBuf> = changed.iter().map(|p| (*p).clone()).collect();
        let incremental = engine.check_changed(&changed, &buffers);
        assert_eq!(incremental, fresh(root, &buffers), "after: {what}");
        incremental
    };

    buffers.set(
        &net,
        "pub fn f() {}\npub fn g() { std::thread::spawn(|| ()); }\n",
    );
    let after_edit = step(&[&net], "an edit inside a module");
    assert!(after_edit.iter().any(|f| f.file == net));

    buffers.set(&lib, "mod net;\n");
    let std_crate = step(&[&lib], "#![no_std] removed from the root");
    assert!(std_crate.iter().any(|f| f.code.as_str() == "T0002"));

    buffers.set(&lib, "#![no_std]\nmod net;\nmod time;\n");
    step(&[&lib], "a module declared before its file exists");

    std::fs::write(
        &time,
        "pub fn now() { let _ = std::time::Instant::now(); }\n",
    )
    .expect("write time.rs");
    let created = step(&[&time], "the declared module's file created on disk");
    assert!(created.iter().any(|f| f.file == time));

    buffers.set(&lib, "#![no_std]\nmod net;\n");
    let dropped = step(&[&lib], "a module declaration removed");
    assert!(!dropped.iter().any(|f| f.file == time));

    // Untouched files keep their findings without being read again.
    step(&[], "nothing changed");
}

/// An edit in one member re-reads nothing of the other members (their findings are kept),
/// and an edit to another member's manifest buffer still reaches that member.
#[test]
fn edits_in_one_member_keep_the_others_and_manifest_edits_count() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    write_workspace_of_a_and_b(root);
    let member = |name: &str, lib: &str| -> (PathBuf, PathBuf) {
        let src = root.join(name).join("src");
        std::fs::create_dir_all(&src).expect("create src");
        let manifest = root.join(name).join("Cargo.toml");
        std::fs::write(&manifest, package_manifest(name, "")).expect("write a member manifest");
        std::fs::write(src.join("lib.rs"), lib).expect("write lib.rs");
        (manifest, src.join("lib.rs"))
    };
    let (_, a_lib) = member(
        "a",
        "#![no_std]\npub fn f() { let _ = std::vec::Vec::<u8>::new(); }\n",
    );
    let (b_manifest, b_lib) = member("b", "#![no_std]\npub use std::string::String;\n");

    let buffers = Buffers::default();
    let default_targets = EngineOptions::default;
    let engine = Engine::load(root, default_targets()).expect("the workspace loads");
    let fresh = |buffers: &Buffers| {
        Engine::load(root, default_targets())
            .expect("the workspace loads")
            .check_all(buffers)
    };
    let before = engine.check_all(&buffers);
    assert!(before.iter().any(|f| f.file == b_lib), "{before:?}");

    buffers.set(&a_lib, "#![no_std]\npub fn f() {}\n");
    let after_a = engine.check_changed(std::slice::from_ref(&a_lib), &buffers);
    assert_eq!(after_a, fresh(&buffers), "after an edit in a");
    assert!(!after_a.iter().any(|f| f.file == a_lib));
    let b_findings = |findings: &[Finding]| -> Vec<Finding> {
        findings
            .iter()
            .filter(|f| f.file == b_lib)
            .cloned()
            .collect()
    };
    assert_eq!(b_findings(&after_a), b_findings(&before), "b is untouched");

    // b now names its own targets: its findings name them.
    let own_targets = "[package.metadata.triplet]\ntargets = [\"wasm32-unknown-unknown\"]\n";
    buffers.set(&b_manifest, &package_manifest("b", own_targets));
    let after_manifest = engine.check_changed(std::slice::from_ref(&b_manifest), &buffers);
    assert_eq!(
        after_manifest,
        fresh(&buffers),
        "after b's manifest changed"
    );
    assert_ne!(b_findings(&after_manifest), b_findings(&before));
}

fn write_workspace_of_a_and_b(root: &Path) {
    std::fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
    )
    .expect("write the workspace manifest");
}

fn package_manifest(name: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{extra}")
}

/// A whole-workspace check given up part-way (its result no longer wanted) leaves a state
/// the next check completes correctly, at every point where it can stop.
#[test]
fn a_stopped_check_leaves_a_state_the_next_check_completes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    write_workspace_of_a_and_b(root);
    for (name, lib) in [
        (
            "a",
            "#![no_std]\nmod m;\npub fn f() { let _ = std::vec::Vec::<u8>::new(); }\n",
        ),
        ("b", "#![no_std]\npub use std::string::String;\n"),
    ] {
        let src = root.join(name).join("src");
        std::fs::create_dir_all(&src).expect("create src");
        std::fs::write(
            root.join(name).join("Cargo.toml"),
            package_manifest(name, ""),
        )
        .expect("write a member manifest");
        std::fs::write(src.join("lib.rs"), lib).expect("write lib.rs");
    }
    std::fs::write(
        root.join("a/src/m.rs"),
        "pub fn g() { std::thread::spawn(|| ()); }\n",
    )
    .expect("write m.rs");
    let buffers = Buffers::default();
    let expected = fresh(root, &buffers);
    assert!(!expected.is_empty());
    let m = root.join("a/src/m.rs");
    for stop_after in 0..8 {
        let engine = Engine::load(root, options()).expect("the workspace loads");
        let asked = std::cell::Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() > stop_after
        };
        let stopped = engine.check_all_until(&buffers, &stop);
        match stopped {
            Ok(findings) => assert_eq!(findings, expected, "completed at {stop_after}"),
            Err(_) => {
                // What the LSP runs next: an edit check, then the whole check again.
                let edit = engine.check_changed(std::slice::from_ref(&m), &buffers);
                assert_eq!(edit, expected, "edit check after stopping at {stop_after}");
                assert_eq!(engine.check_all(&buffers), expected);
            }
        }
    }
}

/// T0008 keeps each file's verdicts between checks and judges again only the edited files,
/// unless what the crate declares changed: either way, the same as a fresh check.
#[test]
fn per_target_item_checks_match_a_fresh_check_across_edits() {
    let dir = one_crate_workspace("items");
    let root = dir.path();
    let src = root.join("src");
    let lib = src.join("lib.rs");
    let calls = src.join("calls.rs");
    std::fs::write(&lib, "mod calls;\n#[cfg(unix)]\npub fn unix_only() {}\n").expect("lib.rs");
    std::fs::write(&calls, "pub fn a() {\n    crate::unix_only();\n}\n").expect("calls.rs");
    let buffers = Buffers::default();
    let engine = Engine::load(root, options()).expect("the test workspace loads");
    let t0008 = |findings: &[Finding]| {
        findings
            .iter()
            .filter(|f| f.code.as_str() == "T0008" && f.severity.as_str() == "error")
            .count()
    };
    let first = engine.check_all(&buffers);
    assert_eq!(first, fresh(root, &buffers));
    assert_eq!(t0008(&first), 1, "{first:#?}");
    let step = |changed: &[&PathBuf], what: &str| {
        let changed: Vec<PathBuf> = changed.iter().map(|p| (*p).clone()).collect();
        // As the editor does: the first tier, then everything.
        let first = engine.check_changed_first_tier(&changed, &buffers);
        let non_semantic = |all: &[Finding]| -> Vec<Finding> {
            all.iter()
                .filter(|f| f.code.as_str() != "T0008")
                .cloned()
                .collect()
        };
        let incremental = engine.check_changed(&changed, &buffers);
        assert_eq!(
            non_semantic(&first),
            non_semantic(&incremental),
            "after: {what}"
        );
        assert_eq!(incremental, fresh(root, &buffers), "after: {what}");
        incremental
    };
    // A body edit in the caller: only it is judged again.
    buffers.set(
        &calls,
        "pub fn a() {\n    crate::unix_only();\n    crate::unix_only();\n}\n",
    );
    assert_eq!(t0008(&step(&[&calls], "a second call typed")), 2);
    // The definition's gate changes in another file: every file is judged again.
    buffers.set(&lib, "mod calls;\npub fn unix_only() {}\n");
    assert_eq!(
        t0008(&step(&[&lib], "the gate removed from the definition")),
        0
    );
    buffers.set(&lib, "mod calls;\n#[cfg(windows)]\npub fn unix_only() {}\n");
    assert_eq!(t0008(&step(&[&lib], "the definition gated otherwise")), 2);
    step(&[], "nothing changed");
}

/// While `cargo metadata` runs, the engine reads the crate's files ahead from disk (parse,
/// T0008's read); an editor's buffers that say otherwise win, for the first-tier rules and
/// the per-target item checks alike, and so does disk when it changes after the load.
#[test]
fn what_was_read_ahead_from_disk_gives_way_to_the_buffers() {
    let dir = one_crate_workspace("ahead");
    let root = dir.path();
    let lib = root.join("src/lib.rs");
    let net = root.join("src/net.rs");
    std::fs::write(
        &lib,
        "#![no_std]\nmod net;\n#[cfg(unix)]\npub fn only_unix() {}\n",
    )
    .expect("write lib.rs");
    // On disk: std in a no_std crate (T0001) and a unix-only item used everywhere (T0008).
    let on_disk = "pub fn f() { let _ = std::vec::Vec::<u8>::new(); crate::only_unix(); }\n";
    std::fs::write(&net, on_disk).expect("write net.rs");
    let codes = |findings: &[Finding]| {
        let mut codes: Vec<&str> = findings
            .iter()
            .filter(|f| f.file == net)
            .map(|f| f.code.as_str())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    };

    let disk_only = Buffers::default();
    let from_disk = Engine::load(root, options()).expect("the test workspace loads");
    assert_eq!(
        codes(&from_disk.check_all(&disk_only)),
        ["T0001", "T0008"],
        "the file as it is on disk has both findings"
    );

    // An unsaved buffer without either: nothing read ahead from disk may show through.
    let buffers = Buffers::default();
    buffers.set(&net, "pub fn f() {}\n");
    let engine = Engine::load(root, options()).expect("the test workspace loads");
    let first_tier = engine.check_all_first_tier_until(&buffers, &|| false);
    assert!(codes(&first_tier.unwrap_or_default()).is_empty());
    assert!(codes(&engine.check_all(&buffers)).is_empty());

    // The other way round: a clean file on disk, the findings only in the buffer.
    std::fs::write(&net, "pub fn f() {}\n").expect("write net.rs");
    buffers.set(&net, on_disk);
    let engine = Engine::load(root, options()).expect("the test workspace loads");
    assert_eq!(codes(&engine.check_all(&buffers)), ["T0001", "T0008"]);
}
