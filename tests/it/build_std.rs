//! A real cross-target check through -Zbuild-std (Debian's /usr/bin/rustc with rust-src,
//! RUSTC_BOOTSTRAP=1): two thumb targets in one cargo invocation plus the host, each
//! message attributed to the targets that reported it. Cold, building core twice takes
//! about a minute; the target dir is kept between test runs.

use crate::build_support;

use build_support::*;

#[test]
fn no_std_workspace_checked_for_thumb_targets_through_build_std() {
    let build_std = triplet::build::build_std_available().unwrap_or_else(|| {
        panic!(
            "this test needs a rustc with rust-src: install Debian's rustc-web and \
             rust-web-src (/usr/bin/rustc, /usr/lib/rustlib/src/rust/library)"
        )
    });
    let hard_float = "thumbv7em-none-eabihf";
    let soft_float = "thumbv6m-none-eabi";
    let host = host_triple();
    let _shared = lock_shared_target_dir();
    let workspace = copy_fixture("build-nostd");
    let (code, report, output) = triplet_build_json(
        workspace.path(),
        &shared_target_dir("build-nostd"),
        &[
            "--check",
            "--build-std",
            "--target",
            hard_float,
            "--target",
            soft_float,
            "--target",
            &host,
        ],
    );
    assert_eq!(code, 1, "{output}");

    let runs = report["runs"].as_array().cloned().unwrap_or_default();
    let thumb_run = runs
        .iter()
        .find(|run| run["targets"] == serde_json::json!([hard_float, soft_float]))
        .unwrap_or_else(|| panic!("both thumb targets share one invocation:\n{output}"));
    assert_eq!(thumb_run["uses_rustc_bootstrap"], true);
    let tool = thumb_run["tool"].as_str().unwrap_or_default();
    assert!(
        tool.contains("-Zbuild-std=core,alloc") && tool.contains("RUSTC_BOOTSTRAP=1"),
        "{tool}"
    );
    assert!(
        thumb_run["command"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("RUSTC={}", build_std.rustc.display())),
        "{output}"
    );
    assert_eq!(thumb_run["status"], "failed");

    let host_run = runs
        .iter()
        .find(|run| run["targets"] == serde_json::json!([host]))
        .unwrap_or_else(|| panic!("no host run:\n{output}"));
    assert_eq!(host_run["status"], "ok", "the host has std:\n{output}");

    let diagnostics = all_diagnostics(&report);
    // helper's default `std` feature does `extern crate std`: E0463 on both thumb targets.
    // rustc's note names the triple, so the two messages differ and stay apart.
    let missing_std: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic["code"] == "E0463")
        .collect();
    let mut blamed: Vec<String> = missing_std.iter().flat_map(|d| targets_of(d)).collect();
    blamed.sort();
    assert_eq!(blamed, vec![soft_float, hard_float], "{output}");
    let on_hard_float = missing_std
        .iter()
        .find(|diagnostic| targets_of(diagnostic) == vec![hard_float])
        .unwrap_or_else(|| panic!("no E0463 for {hard_float} in\n{output}"));
    assert!(
        on_hard_float["message"]
            .as_str()
            .unwrap_or_default()
            .contains("can't find crate for `std`"),
        "{on_hard_float}"
    );
    let note = format!("note: the `{hard_float}` target may not support the standard library");
    assert!(on_hard_float["rendered"]
        .as_str()
        .unwrap_or_default()
        .contains(&note[6..]));
    let helper_lib = workspace
        .path()
        .join("helper/src/lib.rs")
        .canonicalize()
        .expect("path");
    assert_eq!(on_hard_float["file"], helper_lib.to_string_lossy().as_ref());
    assert_eq!(on_hard_float["range"]["line_start"], 4);

    // firmware is wrong only under target_abi = "eabihf": attributed to thumbv7em alone.
    let hard_float_only = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "E0308")
        .unwrap_or_else(|| panic!("no E0308 in\n{output}"));
    assert_eq!(targets_of(hard_float_only), vec![hard_float]);

    assert!(
        diagnostics
            .iter()
            .filter(|diagnostic| diagnostic["severity"] == "error")
            .all(|diagnostic| !targets_of(diagnostic).contains(&host)),
        "no error is blamed on the host:\n{output}"
    );
}
