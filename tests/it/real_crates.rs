//! Ground truth on real no_std crates from crates.io: T0001 must agree with the compiler,
//! so crates that build for bare-metal targets report nothing, and a crate whose `std`
//! feature does `extern crate std` is reported at exactly that line when the feature is on.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

/// Fetches pinned crates through cargo and returns each one's source directory.
fn fetch(crates: &[(&str, &str)]) -> Vec<PathBuf> {
    let project = tempfile::tempdir().expect("temp dir");
    let deps: String = crates
        .iter()
        .map(|(name, version)| format!("{name} = \"={version}\"\n"))
        .collect();
    std::fs::write(
        project.path().join("Cargo.toml"),
        format!("[package]\nname = \"fetcher\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}\n[workspace]\n"),
    )
    .expect("write manifest");
    std::fs::create_dir_all(project.path().join("src")).expect("src dir");
    std::fs::write(project.path().join("src/lib.rs"), "").expect("lib.rs");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(project.path())
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("metadata JSON");
    crates
        .iter()
        .map(|(name, version)| {
            let package = metadata["packages"]
                .as_array()
                .and_then(|ps| {
                    ps.iter()
                        .find(|p| p["name"] == *name && p["version"] == *version)
                })
                .unwrap_or_else(|| panic!("{name} {version} not fetched"));
            let manifest = Path::new(package["manifest_path"].as_str().expect("manifest path"));
            manifest.parent().expect("crate dir").to_path_buf()
        })
        .collect()
}

/// A private copy (the registry's sources are read-only and shared).
fn private_copy(source: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    let status = Command::new("cp")
        .arg("-r")
        .arg(format!("{}/.", source.display()))
        .arg(copy.path())
        .status()
        .expect("cp");
    assert!(status.success());
    copy
}

const TARGETS: [&str; 6] = [
    "--target",
    "thumbv7em-none-eabihf",
    "--target",
    "wasm32-unknown-unknown",
    "--target",
    "x86_64-unknown-linux-gnu",
];

#[test]
fn real_no_std_crates_report_nothing() {
    for source in fetch(&[("hashbrown", "0.15.2"), ("memchr", "2.7.4")]) {
        let copy = private_copy(&source);
        let mut args = vec!["--no-default-features"];
        args.extend_from_slice(&TARGETS);
        let (status, json) = check_json(copy.path(), &args);
        assert!(findings(&json).is_empty(), "{}: {json:#}", source.display());
        assert_eq!(status, 0);
    }
}

#[test]
fn memchr_with_std_is_reported_at_its_extern_crate_std() {
    let source = fetch(&[("memchr", "2.7.4")]).remove(0);
    let copy = private_copy(&source);
    let (_, json) = check_json(copy.path(), &TARGETS);
    let found = with_code(&json, "T0001");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(targets_of(&found[0]), vec!["thumbv7em-none-eabihf"]);
    let lib = std::fs::read_to_string(copy.path().join("src/lib.rs")).expect("lib.rs");
    let line = lib
        .lines()
        .nth(found[0]["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert!(line.contains("extern crate std"), "{line}");
}
