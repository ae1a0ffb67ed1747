//! `triplet build` as a process: compiler errors and warnings on the host target, and a
//! target whose std is not installed.

use crate::build_support;

use build_support::*;

#[test]
fn host_check_reports_error_position_and_machine_applicable_fix() {
    let workspace = copy_fixture("build-errors");
    let host = host_triple();
    let (code, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("build-errors"),
        &["--check"],
    );
    assert_eq!(code, 1, "an error diagnostic means exit 1:\n{output}");
    let run = &report["runs"][0];
    assert_eq!(run["targets"], serde_json::json!([host]), "{output}");
    assert_eq!(run["tool"], "cargo check");
    assert_eq!(run["status"], "failed");

    let diagnostics = all_diagnostics(&report);
    let type_error = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "E0308")
        .unwrap_or_else(|| panic!("no E0308 in\n{output}"));
    assert_eq!(targets_of(type_error), vec![host.clone()]);
    assert_eq!(type_error["severity"], "error");
    let broken_lib = workspace
        .path()
        .join("broken/src/lib.rs")
        .canonicalize()
        .expect("path");
    assert_eq!(type_error["file"], broken_lib.to_string_lossy().as_ref());
    // `    let text: u32 = "forty-two";` — the string literal, columns 21..32.
    let range = &type_error["range"];
    assert_eq!(
        (range["line_start"].as_u64(), range["column_start"].as_u64()),
        (Some(2), Some(21))
    );
    assert_eq!(
        (range["line_end"].as_u64(), range["column_end"].as_u64()),
        (Some(2), Some(32))
    );
    let source = std::fs::read_to_string(&broken_lib).expect("fixture source");
    let start = range["byte_start"].as_u64().expect("byte_start") as usize;
    let end = range["byte_end"].as_u64().expect("byte_end") as usize;
    assert_eq!(&source[start..end], "\"forty-two\"");
    let rendered = type_error["rendered"].as_str().unwrap_or_default();
    assert!(
        rendered.starts_with("error[E0308]: mismatched types"),
        "{rendered}"
    );
    assert!(
        !rendered.contains('\u{1b}'),
        "ANSI escapes must be stripped"
    );

    let unused = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "unused_variables")
        .unwrap_or_else(|| panic!("no unused_variables warning in\n{output}"));
    assert_eq!(unused["severity"], "warning");
    assert_eq!(targets_of(unused), vec![host.clone()]);
    let fix = &unused["fixes"][0];
    let edit = &fix["edits"][0];
    assert_eq!(edit["replacement"], "_unused");
    let warns_lib = workspace.path().join("warns/src/lib.rs");
    let warns_source = std::fs::read_to_string(&warns_lib).expect("fixture source");
    let start = edit["range"]["byte_start"].as_u64().expect("byte_start") as usize;
    let end = edit["range"]["byte_end"].as_u64().expect("byte_end") as usize;
    assert_eq!(&warns_source[start..end], "unused");
}

#[test]
fn human_output_labels_each_diagnostic_with_its_target() {
    let workspace = copy_fixture("build-errors");
    let host = host_triple();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["build", "--check"])
        .arg(workspace.path())
        .env("CARGO_TARGET_DIR", shared_target_dir("build-errors-human"))
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains(&format!("error[E0308] [{host}]: mismatched types")),
        "{stdout}"
    );
    assert!(stdout.contains("src/lib.rs:2:21"), "{stdout}");
}

#[test]
fn target_without_installed_std_is_reported_before_running() {
    let triple = "thumbv7em-none-eabihf";
    if triplet::build::std_installed(triple) {
        eprintln!("skipped: {triple} is installed for the default toolchain");
        return;
    }
    let workspace = copy_fixture("build-errors");
    let (code, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("build-errors-missing-std"),
        &["--check", "--target", triple],
    );
    assert_eq!(code, 1, "{output}");
    let run = &report["runs"][0];
    assert_eq!(run["status"], "failed");
    assert_eq!(
        run["process_group"],
        serde_json::Value::Null,
        "nothing was started"
    );
    let reason = run["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("target {triple} is not installed")),
        "{reason}"
    );
    assert!(
        reason.contains(&format!("rustup target add {triple}")),
        "{reason}"
    );
    assert!(reason.contains("-Zbuild-std"), "{reason}");
}

#[test]
fn a_missing_workspace_is_a_usage_error() {
    let empty = tempfile::tempdir().expect("temporary directory");
    let (code, _, output) = triplet_build_json(empty.path(), empty.path(), &["--check"]);
    assert_eq!(code, 2, "{output}");
    assert!(output.contains("no Cargo.toml"), "{output}");
}

#[test]
fn without_target_the_workspace_selection_is_built() {
    let triple = "thumbv7em-none-eabihf";
    let host = host_triple();
    let workspace = copy_fixture("build-errors");
    let manifest = workspace.path().join("warns/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let selection = format!("\n[package.metadata.triplet]\ntargets = [\"{triple}\", \"{host}\"]\n");
    std::fs::write(&manifest, text + &selection).expect("write manifest");
    let (_, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("build-errors-selection"),
        &["--check"],
    );
    let mut built: Vec<String> = report["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(targets_of_run)
        .collect();
    built.sort();
    let mut expected = vec![triple.to_string(), host];
    expected.sort();
    assert_eq!(built, expected, "{output}");
}

fn targets_of_run(run: &serde_json::Value) -> Vec<String> {
    run["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|target| target.as_str().map(str::to_string))
        .collect()
}
