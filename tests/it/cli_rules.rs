//! Every rule end to end: `triplet check` run as a process on fixture workspaces, with
//! the facts cargo and rustc really give (resolved features, installed targets) and fixes
//! that must leave a crate cargo compiles; plus `triplet explain`. Each rule's cases (fires,
//! stays quiet under the right `#[cfg]`/features, fix re-checks clean) live next to it in
//! the in-process `rules` tests (tests/it/rules/).

use crate::support;

use support::*;

fn lines_of(json: &serde_json::Value, code: &str) -> Vec<u64> {
    let mut lines: Vec<u64> = with_code(json, code)
        .iter()
        .filter_map(|f| f["line"].as_u64())
        .collect();
    lines.sort();
    lines
}

#[test]
fn t0001_flags_std_paths_in_a_no_std_crate_and_not_gated_code() {
    let ws = Workspace::copy("no-std-lib");
    let (status, json) = check_json(ws.path(), &[]);
    assert_eq!(status, 1, "errors fail the run: {json:#}");
    let found = with_code(&json, "T0001");
    let files_lines: Vec<(String, u64)> = found
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // use std::vec::Vec; use std::{fmt, string::String}; std::cmp::max; ::std::mem::swap
    assert_eq!(
        files_lines,
        vec![
            ("src/lib.rs".to_string(), 7),
            ("src/lib.rs".to_string(), 8),
            ("src/lib.rs".to_string(), 21),
            ("src/util.rs".to_string(), 2),
        ],
        "{json:#}"
    );
    // `std` is the flagged span, with exact columns.
    assert_eq!(found[0]["column"], 5);
    assert_eq!(found[0]["end_column"], 8);
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("alloc::vec::Vec"));
}

#[test]
fn t0001_fixes_apply_and_the_crate_compiles_with_the_host_compiler() {
    let ws = Workspace::copy("no-std-lib");
    let (before, _) = cargo_check(ws.path());
    assert!(!before, "the fixture must fail to compile before the fix");
    // Apply one fix at a time, re-checking in between, as an editor user would.
    for _ in 0..10 {
        let (_, json) = check_json(ws.path(), &[]);
        let Some(finding) = with_code(&json, "T0001").into_iter().next() else {
            break;
        };
        apply_fix(ws.path(), &preferred_fix(&finding));
    }
    let (status, json) = check_json(ws.path(), &[]);
    assert!(findings(&json).is_empty(), "{json:#}");
    assert_eq!(status, 0);
    let lib = ws.read("src/lib.rs");
    assert!(lib.contains("use alloc::vec::Vec;"), "{lib}");
    assert!(
        lib.contains("use core::{fmt, string::String as Text};") || lib.contains("alloc::{fmt"),
        "{lib}"
    );
    assert_eq!(lib.matches("extern crate alloc;").count(), 1, "{lib}");
    assert!(ws.read("src/util.rs").contains("::core::mem::swap"));
    let (compiles, stderr) = cargo_check(ws.path());
    assert!(compiles, "fixed crate must compile:\n{stderr}\n{lib}");
}

#[test]
fn t0001_reports_a_std_crate_for_a_bare_metal_target_once_at_the_root() {
    let ws = Workspace::copy("std-lib-for-none");
    let (_, json) = check_json(ws.path(), &[]);
    let found = with_code(&json, "T0001");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["line"], 1);
    assert_eq!(targets_of(&found[0]), vec!["thumbv7em-none-eabihf"]);
    let fix = preferred_fix(&found[0]);
    assert_eq!(fix["edits"][0]["new_text"], "#![no_std]\n");
}

#[test]
fn t0001_follows_cfg_attr_no_std_and_features() {
    let ws = Workspace::copy("feature-gated-no-std");
    let (status, json) = check_json(ws.path(), &[]);
    let found = with_code(&json, "T0001");
    assert_eq!(found.len(), 1, "{json:#}");
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("--no-default-features"));
    assert_eq!(status, 1);
    let (status, json) = check_json(ws.path(), &["--no-default-features"]);
    assert!(with_code(&json, "T0001").is_empty(), "{json:#}");
    assert_eq!(status, 0);
}

#[test]
fn t0002_flags_run_time_failures_per_target_and_respects_cfg() {
    let ws = Workspace::copy("wasm-runtime");
    let (status, json) = check_json(ws.path(), &[]);
    assert_eq!(status, 0, "T0002 is a warning");
    let found = with_code(&json, "T0002");
    let apis: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(lines_of(&json, "T0002"), vec![5, 10], "{json:#}");
    assert!(
        apis[0].contains("std::time::Instant::now") && apis[0].contains("panics"),
        "{apis:?}"
    );
    assert!(apis[1].contains("std::thread::spawn"), "{apis:?}");
    for finding in &found {
        assert_eq!(targets_of(finding), vec!["wasm32-unknown-unknown"]);
    }
    // --deny warnings makes them fail the run.
    let (status, _) = check_json(ws.path(), &["--deny", "warnings"]);
    assert_eq!(status, 1);
    // The host alone has no run-time traps.
    let (_, json) = check_json(ws.path(), &["--target", "x86_64-unknown-linux-gnu"]);
    assert!(with_code(&json, "T0002").is_empty(), "{json:#}");
}

#[test]
fn t0002_gate_fix_applies_and_rechecks_clean() {
    let ws = Workspace::copy("wasm-runtime");
    let (_, json) = check_json(ws.path(), &[]);
    let spawn = with_code(&json, "T0002")
        .into_iter()
        .find(|f| f["line"] == 10)
        .expect("spawn finding");
    apply_fix(ws.path(), &preferred_fix(&spawn));
    let lib = ws.read("src/lib.rs");
    assert!(
        lib.contains("    #[cfg(not(target_arch = \"wasm32\"))]\n    thread::spawn"),
        "{lib}"
    );
    let (_, json) = check_json(ws.path(), &[]);
    assert_eq!(lines_of(&json, "T0002"), vec![5], "{json:#}");
    let (compiles, stderr) = cargo_check(ws.path());
    assert!(compiles, "{stderr}");
}

#[test]
fn t0003_adds_the_crate_types_keeping_rlib() {
    let ws = Workspace::copy("crate-type");
    let (status, json) = check_json(ws.path(), &[]);
    assert_eq!(status, 1);
    let found = with_code(&json, "T0003");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(
        found[0]["line"], 1,
        "points at [package] when there is no [lib]"
    );
    let mut targets = targets_of(&found[0]);
    targets.sort();
    assert_eq!(targets, vec!["aarch64-apple-ios", "aarch64-linux-android"]);
    apply_fix(ws.path(), &preferred_fix(&found[0]));
    let manifest = ws.read("Cargo.toml");
    assert!(
        manifest.contains("crate-type = [\"rlib\", \"cdylib\", \"staticlib\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("# the crate the apps link"),
        "comments survive: {manifest}"
    );
    let (_, json) = check_json(ws.path(), &[]);
    assert!(with_code(&json, "T0003").is_empty(), "{json:#}");
    // Idempotent: no fix is offered again, and the manifest still parses for cargo.
    let (compiles, stderr) = cargo_check(ws.path());
    assert!(compiles, "{stderr}");
}

/// A library that another member builds on is not what the platform loads: with cargo's real
/// graph, the member that depends on it is what gets packaged, so the library gets no T0003.
#[test]
fn t0003_is_quiet_for_a_library_another_member_builds_on() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n\n\
         [workspace.metadata.triplet]\ntargets = [\"aarch64-linux-android\"]\n",
    );
    let package = |name: &str, deps: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}")
    };
    write("core/Cargo.toml", &package("core-lib", ""));
    write(
        "core/src/lib.rs",
        "#[no_mangle]\npub extern \"C\" fn add(a: i32, b: i32) -> i32 { a + b }\n",
    );
    write(
        "app/Cargo.toml",
        &package("app", "core-lib = { path = \"../core\" }\n"),
    );
    write(
        "app/src/lib.rs",
        "#[no_mangle]\npub extern \"C\" fn run() -> i32 { core_lib::add(1, 2) }\n",
    );
    let (_, json) = check_json(dir.path(), &[]);
    let found = with_code(&json, "T0003");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["package"], "app", "{json:#}");
}

#[test]
fn t0004_flags_default_std_dependencies_only_where_they_build() {
    let ws = Workspace::copy("deps");
    let (_, json) = check_json(ws.path(), &[]);
    let found = with_code(&json, "T0004");
    assert_eq!(
        found.len(),
        1,
        "optional and hosted-only dependencies stay quiet: {json:#}"
    );
    assert_eq!(found[0]["line"], 12);
    apply_fix(ws.path(), &preferred_fix(&found[0]));
    let manifest = ws.read("Cargo.toml");
    assert!(
        manifest.contains(
            "stdful = { path = \"vendor/stdful\", version = \"1.0\" , default-features = false }"
        ) || manifest.contains(
            "stdful = { path = \"vendor/stdful\", version = \"1.0\", default-features = false }"
        ),
        "{manifest}"
    );
    assert!(manifest.contains("# Pulls std in through its default features."));
    let (_, json) = check_json(ws.path(), &[]);
    assert!(with_code(&json, "T0004").is_empty(), "{json:#}");
    // The optional dependency counts once a feature turns it on.
    let (_, json) = check_json(ws.path(), &["--features", "logging"]);
    let found = with_code(&json, "T0004");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["line"], 14);
}

#[test]
fn t0005_getrandom_needs_its_wasm_backend_and_the_fix_resolves() {
    let ws = Workspace::copy("getrandom");
    let (status, json) = check_json(ws.path(), &[]);
    assert_eq!(status, 1);
    let found = with_code(&json, "T0005");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(
        found[0]["line"], 8,
        "points at the dependency that pulls getrandom in"
    );
    let message = found[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`js`") && message.contains("rand-like"),
        "{message}"
    );
    apply_fix(ws.path(), &preferred_fix(&found[0]));
    let manifest = ws.read("Cargo.toml");
    assert!(
        manifest.contains("[target.'cfg(all(target_arch = \"wasm32\", target_os = \"unknown\"))'.dependencies]")
            || manifest.contains("[target.\"cfg(all(target_arch = \\\"wasm32\\\", target_os = \\\"unknown\\\"))\".dependencies]"),
        "{manifest}"
    );
    let (_, json) = check_json(ws.path(), &[]);
    assert!(with_code(&json, "T0005").is_empty(), "{json:#}");
    // Host builds never needed it.
    let ws = Workspace::copy("getrandom");
    let (_, json) = check_json(ws.path(), &["--target", "x86_64-unknown-linux-gnu"]);
    assert!(with_code(&json, "T0005").is_empty());
}

#[test]
fn t0006_and_t0007_point_at_the_written_triple() {
    let ws = Workspace::copy("target-typo");
    let (_, json) = check_json(ws.path(), &[]);
    let typo = with_code(&json, "T0007");
    assert_eq!(typo.len(), 1, "{json:#}");
    assert_eq!(
        (typo[0]["line"].as_u64(), typo[0]["column"].as_u64()),
        (Some(8), Some(13))
    );
    assert!(typo[0]["message"]
        .as_str()
        .unwrap()
        .contains("wasm32-unknown-unknown"));
    apply_fix(ws.path(), &preferred_fix(&typo[0]));
    assert!(ws
        .read("Cargo.toml")
        .contains("targets = [\"wasm32-unknown-unknown\", \"x86_64-unknown-linux-gnu\"]"));
    let (_, json) = check_json(ws.path(), &[]);
    assert!(with_code(&json, "T0007").is_empty());
    // The host's std is installed; wasm32's is not on this toolchain unless added.
    let installed = std::process::Command::new("rustc")
        .args([
            "--print",
            "target-libdir",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .is_some_and(|dir| std::fs::read_dir(dir.trim()).is_ok_and(|mut d| d.next().is_some()));
    let not_installed = with_code(&json, "T0006");
    if installed {
        assert!(not_installed.is_empty());
    } else {
        assert_eq!(not_installed.len(), 1, "{json:#}");
        assert_eq!(
            targets_of(&not_installed[0]),
            vec!["wasm32-unknown-unknown"]
        );
        assert_eq!(not_installed[0]["severity"], "info");
    }
}

/// T0006 speaks of the targets a package is checked and built for: a triple only a weaker
/// source names (docs.rs metadata, when `package.metadata.triplet` chooses) is validated
/// (T0007) but not reported as "not installed". Its text names the one rust-src Triplet
/// reads std from, the same one T0008 uses, and the two never disagree about it.
#[test]
fn t0006_speaks_only_of_selected_targets_and_of_one_rust_src() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |targets: &str| {
        format!(
            "[package]\nname = \"picky\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [package.metadata.triplet]\ntargets = [{targets}]\n\n\
             [package.metadata.docs.rs]\ntargets = [\"riscv32imac-unknown-none-elf\"]\n"
        )
    };
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "#![no_std]\n").unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        manifest("\"x86_64-unknown-linux-gnu\""),
    )
    .unwrap();
    let (_, json) = check_json(dir.path(), &[]);
    assert!(with_code(&json, "T0006").is_empty(), "{json:#}");
    // Selected, it is reported (riscv32imac's core is not installed on this toolchain).
    std::fs::write(
        dir.path().join("Cargo.toml"),
        manifest("\"riscv32imac-unknown-none-elf\""),
    )
    .unwrap();
    let (_, json) = check_json(dir.path(), &[]);
    let not_installed = with_code(&json, "T0006");
    assert_eq!(not_installed.len(), 1, "{json:#}");
    let message = not_installed[0]["message"].as_str().unwrap_or_default();
    let offers_build_std = message.contains("-Zbuild-std");
    let says_no_rust_src = json["findings"]
        .as_array()
        .is_some_and(|all| all.iter().any(is_rust_src_note));
    assert_ne!(
        offers_build_std, says_no_rust_src,
        "one truth about rust-src: {json:#}"
    );
    if offers_build_std {
        assert!(message.contains("rust-src"), "{message}");
    }
}

/// `extern crate std;` in a module's own file binds `std` there (wasi's generated module
/// declares it beside `impl std::error::Error`): with the feature on, the module's `std::`
/// paths compile; with it off, an ungated one is T0001's.
#[test]
fn t0001_honours_extern_crate_std_in_a_module_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"errs\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [features]\ndefault = [\"std\"]\nstd = []\n",
    );
    write("src/lib.rs", "#![no_std]\nmod errors;\n");
    write(
        "src/errors.rs",
        "#[cfg(feature = \"std\")]\nextern crate std;\n\
         pub fn describe() -> std::string::String { todo!() }\n",
    );
    let (_, json) = check_json(dir.path(), &[]);
    assert!(with_code(&json, "T0001").is_empty(), "{json:#}");
    let (_, json) = check_json(dir.path(), &["--no-default-features"]);
    assert_eq!(with_code(&json, "T0001").len(), 1, "{json:#}");
}

#[test]
fn explain_prints_a_rules_page_by_code_or_by_name() {
    let here = std::env::temp_dir();
    let by_code = triplet(&["explain", "T0005"], &here);
    assert!(by_code.status.success(), "{by_code:?}");
    let page = String::from_utf8_lossy(&by_code.stdout).to_string();
    assert!(
        page.starts_with("# T0005 dependency-unsupported-on-target\n"),
        "{page}"
    );
    for section in ["**Fires**", "**Does not fire**", "**Fix**", "**Example**"] {
        assert!(page.contains(section), "{section} missing:\n{page}");
    }
    let by_name = triplet(&["explain", "dependency-unsupported-on-target"], &here);
    assert_eq!(by_name.stdout, by_code.stdout);
    let lower = triplet(&["explain", "t0005"], &here);
    assert_eq!(lower.stdout, by_code.stdout);
}

#[test]
fn explain_rejects_an_unknown_rule_listing_the_rules() {
    let output = triplet(&["explain", "T0999"], &std::env::temp_dir());
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown rule `T0999`"), "{stderr}");
    for rule in ["T0001 std-in-no-std", "T0007 unknown-target"] {
        assert!(stderr.contains(rule), "{rule} not listed:\n{stderr}");
    }
}

#[test]
fn findings_link_to_no_placeholder_and_point_at_explain() {
    let ws = Workspace::copy("no-std-lib");
    let (_, json) = check_json(ws.path(), &[]);
    let found = with_code(&json, "T0001");
    // Triplet's Cargo.toml declares no repository: there is no page to link to.
    assert_eq!(found[0]["doc"], serde_json::Value::Null, "{json:#}");
    let human = triplet(&["check", "."], ws.path());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("= help: run `triplet explain T0001`"),
        "{text}"
    );
    let sarif = triplet(&["check", ".", "--format", "sarif"], ws.path());
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    assert!(driver.get("informationUri").is_none(), "{driver:#}");
    let rule = &driver["rules"][0];
    assert!(rule.get("helpUri").is_none(), "{rule:#}");
    assert!(rule["help"]["markdown"]
        .as_str()
        .is_some_and(|page| page.starts_with("# T0001 std-in-no-std")));
}
