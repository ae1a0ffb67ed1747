//! Real builds for other platforms through the `triplet` binary: the rustc wrapper stays out
//! of rustc's children, artifacts are named, tool output reaches the user, the fitting
//! tool is chosen, readiness is reported, and binaries run on their target.
//!
//! Tests that need a tool (cargo-zigbuild, qemu-user…) skip with a printed reason when it
//! is missing, unless `TRIPLET_REQUIRE_TOOLS=1` (set by `.ci/run`, which installs them).

mod build_support;

use build_support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes an executable shell script.
fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod script");
    }
}

/// `CARGO_TARGET_<TRIPLE>_<KEY>`.
fn target_env(triple: &str, key: &str) -> String {
    format!(
        "CARGO_TARGET_{}_{key}",
        triple.to_uppercase().replace(['-', '.'], "_")
    )
}

#[test]
fn rustc_children_do_not_inherit_the_triplet_wrapper() {
    let workspace = copy_fixture("platform-bin");
    let host = host_triple();
    let tools = tempfile::tempdir().expect("temporary directory");
    let log = tools.path().join("linker-env.log");
    let linker = tools.path().join("fake-linker");
    // A linker that, like cargo-zigbuild's `zig cc` shim, asks `$RUSTC_WRAPPER rustc -vV`.
    script(
        &linker,
        &format!(
            "env | grep -E '^(RUSTC_WRAPPER|TRIPLET_)' > '{}'\n\
             if [ -n \"$RUSTC_WRAPPER\" ]; then \"$RUSTC_WRAPPER\" rustc -vV >/dev/null || exit 97; fi\n\
             exec cc \"$@\"",
            log.display()
        ),
    );
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace.path())
        .args(["--target", &host, "--format", "json"])
        .env(
            "CARGO_TARGET_DIR",
            shared_target_dir("platform-bin-wrapper"),
        )
        .env(target_env(&host, "LINKER"), &linker)
        .output()
        .expect("run triplet");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The build script asked `$RUSTC_WRAPPER $RUSTC -vV` and the linker ran: both worked.
    assert_eq!(output.status.code(), Some(0), "{text}");
    let seen =
        std::fs::read_to_string(&log).unwrap_or_else(|_| panic!("linker never ran:\n{text}"));
    assert!(
        !seen.contains("triplet") && !seen.contains("TRIPLET_"),
        "the linker saw Triplet's wrapper: {seen}"
    );
}

/// The report's JSON against `schemas/build-report.schema.json`.
fn assert_matches_schema(report: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/build-report.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read schema")).expect("json");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}\n{report:#}", errors.join("\n"));
}

#[test]
fn a_build_names_its_artifacts_in_json_and_human_output() {
    let workspace = copy_fixture("platform-bin");
    let host = host_triple();
    let target_dir = shared_target_dir("platform-bin-artifacts");
    let (code, report, output) =
        triplet_build_json(workspace.path(), &target_dir, &["--target", &host]);
    assert_eq!(code, 0, "{output}");
    assert_matches_schema(&report);
    let artifacts = report["runs"][0]["artifacts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        artifacts.len(),
        1,
        "only the member's binary: {artifacts:#?}"
    );
    let binary = &artifacts[0];
    assert_eq!(binary["kind"], "executable");
    assert_eq!(binary["name"], "platform-bin");
    assert_eq!(binary["target"], host.as_str());
    let path = PathBuf::from(binary["path"].as_str().unwrap_or_default());
    assert!(path.is_file(), "{}", path.display());
    let ran = Command::new(&path).output().expect("run the artifact");
    assert!(String::from_utf8_lossy(&ran.stdout).contains("platform-bin says hello"));

    let human = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .arg("build")
        .arg(workspace.path())
        .args(["--target", &host])
        .env("CARGO_TARGET_DIR", &target_dir)
        .output()
        .expect("run triplet");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains(&format!(
            "[{host}] built platform-bin (executable): {}",
            path.display()
        )),
        "{stdout}"
    );
}
