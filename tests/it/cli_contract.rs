//! The CLI's promises: the JSON contract, SARIF 2.1.0, exit codes, clear errors on bad
//! input, and findings that survive syntax errors.

use crate::support;

use support::*;

#[test]
fn json_contract_has_every_documented_field() {
    let ws = Workspace::copy("no-std-lib");
    let (_, json) = check_json(ws.path(), &[]);
    let finding = &findings(&json)[0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "package",
        "targets",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "fixes",
    ] {
        assert!(finding.get(key).is_some(), "missing `{key}` in {finding:#}");
    }
    assert_eq!(finding["code"], "T0001");
    assert_eq!(finding["name"], "std-in-no-std");
    assert_eq!(finding["package"], "no-std-lib");
    let edit = &finding["fixes"][0]["edits"][0];
    for key in [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "new_text",
    ] {
        assert!(edit.get(key).is_some(), "missing `{key}` in {edit:#}");
    }
    assert!(finding["fixes"][0]["title"].is_string());
}

#[test]
fn one_finding_per_location_lists_all_its_targets() {
    let ws = Workspace::copy("no-std-lib");
    let (_, json) = check_json(
        ws.path(),
        &[
            "--target",
            "x86_64-unknown-linux-gnu",
            "--target",
            "thumbv7em-none-eabihf",
            "--target",
            "wasm32-unknown-unknown",
        ],
    );
    let found = with_code(&json, "T0001");
    assert_eq!(found.len(), 4, "{json:#}");
    let mut targets = targets_of(&found[0]);
    targets.sort();
    assert_eq!(
        targets,
        vec![
            "thumbv7em-none-eabihf",
            "wasm32-unknown-unknown",
            "x86_64-unknown-linux-gnu"
        ]
    );
}

#[test]
fn sarif_output_is_sarif_2_1_0_with_rules_results_and_fixes() {
    let ws = Workspace::copy("no-std-lib");
    let output = triplet(&["check", ".", "--format", "sarif"], ws.path());
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "triplet");
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(8)
    );
    // The first result not about the toolchain (a toolchain without rust-src adds a note).
    let result = run["results"]
        .as_array()
        .and_then(|results| results.iter().find(|r| r["ruleId"] != "T0008"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(result["ruleId"], "T0001");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/lib.rs"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert!(
        result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .is_string()
    );
}

#[test]
fn human_output_names_targets_and_points_at_the_code() {
    let ws = Workspace::copy("wasm-runtime");
    let output = triplet(&["check", "."], ws.path());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("warning[T0002]"), "{text}");
    assert!(text.contains("--> src/lib.rs:5:17"), "{text}");
    assert!(text.contains("= targets: wasm32-unknown-unknown"), "{text}");
    assert!(text.contains("let start = Instant::now();"), "{text}");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn syntax_errors_do_not_hide_findings_in_the_rest_of_the_file() {
    let ws = Workspace::copy("broken-source");
    let (status, json) = check_json(ws.path(), &[]);
    assert_eq!(status, 1);
    let lines: Vec<u64> = with_code(&json, "T0001")
        .iter()
        .filter_map(|f| f["line"].as_u64())
        .collect();
    assert_eq!(lines, vec![6, 9], "{json:#}");
    // Columns count characters, after the emoji too.
    let min = with_code(&json, "T0001")
        .into_iter()
        .find(|f| f["line"] == 9)
        .unwrap();
    assert_eq!(min["column"], 38);
}

#[test]
fn a_broken_manifest_is_a_clear_error_with_exit_status_2() {
    let ws = Workspace::copy("broken-manifest");
    let output = triplet(&["check", "."], ws.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot load the workspace"), "{stderr}");
    assert!(stderr.contains("Cargo.toml"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let ws = Workspace::copy("no-std-lib");
    let output = triplet(
        &["check", ".", "--target", "thumbv7em-none-eabhf"],
        ws.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did you mean `thumbv7em-none-eabihf`"),
        "{stderr}"
    );
    assert_eq!(
        triplet(&["check", ".", "--format", "xml"], ws.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        triplet(&["check", "/nonexistent/workspace"], ws.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        triplet(&["check", ".", "--rule", "T9999=off"], ws.path())
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn rules_can_be_turned_off_or_re_levelled() {
    let ws = Workspace::copy("no-std-lib");
    let (status, json) = check_json(ws.path(), &["--rule", "T0001=off"]);
    assert!(findings(&json).is_empty());
    assert_eq!(status, 0);
    let (status, json) = check_json(ws.path(), &["--rule", "std-in-no-std=warning"]);
    assert_eq!(with_code(&json, "T0001")[0]["severity"], "warning");
    assert_eq!(status, 0);
    // And from the manifest.
    let manifest = ws.read("Cargo.toml").replace(
        "[workspace]",
        "[package.metadata.triplet]\nrules = { T0001 = \"info\" }\n\n[workspace]",
    );
    ws.write("Cargo.toml", &manifest);
    let (_, json) = check_json(ws.path(), &[]);
    assert_eq!(with_code(&json, "T0001")[0]["severity"], "info");
}

#[test]
fn targets_command_shows_selection_sources_and_facts() {
    let ws = Workspace::copy("wasm-runtime");
    let output = triplet(&["targets", ".", "--json"], ws.path());
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let targets = json["packages"][0]["targets"].as_array().unwrap().clone();
    assert_eq!(targets[0]["triple"], "wasm32-unknown-unknown");
    assert_eq!(targets[0]["source"], "[package.metadata.triplet]");
    assert_eq!(targets[0]["has_std"], true);
    assert!(targets[0]["cfg"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "target_arch=\"wasm32\""));
    assert_eq!(targets[1]["source"], "host");
    // What a build would run and what it lacks, each lack with its install command.
    let build = &targets[0]["build"];
    assert!(
        build["tool"].is_string() && build["reason"].is_string(),
        "{build}"
    );
    for need in build["needs"].as_array().expect("needs") {
        assert!(
            need["what"].is_string() && need["install"].is_string(),
            "{need}"
        );
    }
    assert_eq!(targets[1]["build"]["tool"], "cargo build");
    let text = triplet(&["targets", "."], ws.path());
    assert!(String::from_utf8_lossy(&text.stdout).contains("wasm32-unknown-unknown"));
}

#[test]
fn the_demo_workspace_shows_every_rule() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let (status, json) = check_json(&demo, &[]);
    assert_eq!(status, 1);
    for code in [
        "T0001", "T0002", "T0003", "T0004", "T0005", "T0006", "T0007", "T0008",
    ] {
        assert!(
            !with_code(&json, code).is_empty(),
            "demo lacks {code}: {json:#}"
        );
    }
}

#[test]
fn one_broken_member_manifest_leaves_the_rest_checked() {
    let ws = Workspace::copy("partly-broken");
    let output = triplet(&["check", ".", "--format", "json"], ws.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad/Cargo.toml")
            && stderr.contains("the rest of the workspace is checked"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let found = with_code(&json, "T0001");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["file"], "good/src/lib.rs");
    assert_eq!(json["load_errors"][0]["file"], "bad/Cargo.toml");
}

/// Without rust-src, std paths cannot be checked per target: one note says so, with the
/// install command; with rust-src (Debian's rustc ships it) there is no note.
#[test]
fn a_toolchain_without_rust_src_gets_one_note() {
    let ws = Workspace::copy("no-std-lib");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .current_dir(ws.path())
        .output()
        .expect("run triplet");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let no_note = json["findings"]
        .as_array()
        .is_some_and(|all| !all.iter().any(support::is_rust_src_note));
    let rustc_sysroot = std::process::Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    // The toolchain's own rust-src, else the distribution's (Debian's rust-web-src beside
    // /usr/bin/rustc): one rust-src for every purpose.
    let system = std::path::Path::new("/usr/lib/rustlib/src/rust/library/std/src").is_dir()
        && std::path::Path::new("/usr/bin/rustc").is_file();
    let installed = system
        || std::path::Path::new(&rustc_sysroot)
            .join("lib/rustlib/src/rust/library/std/src")
            .is_dir();
    assert_eq!(no_note, installed, "{json:#}");
    if !installed {
        let notes: Vec<_> = json["findings"]
            .as_array()
            .map(|all| all.iter().filter(|f| support::is_rust_src_note(f)).count())
            .into_iter()
            .collect();
        assert_eq!(notes, vec![1], "{json:#}");
    }
    if std::path::Path::new("/usr/lib/rustlib/src/rust/library/std/src").is_dir() {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_triplet"))
            .args(["check", ".", "--format", "json"])
            .current_dir(ws.path())
            .env("RUSTC", "/usr/bin/rustc")
            .output()
            .expect("run triplet");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert!(
            !json["findings"]
                .as_array()
                .is_some_and(|all| all.iter().any(support::is_rust_src_note)),
            "{json:#}"
        );
    }
}
