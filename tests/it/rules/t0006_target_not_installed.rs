//! T0006 `target-not-installed`.

use crate::support::analysis::*;

#[test]
fn fires_as_info_where_a_target_without_its_std_is_selected() {
    Manifest::for_targets(vec![host(), wasm32()])
        .known(
            &["x86_64-unknown-linux-gnu", "wasm32-unknown-unknown"],
            &["x86_64-unknown-linux-gnu"],
        )
        .check(
            r#"[package]
name = "web"
version = "0.1.0"

[package.metadata.triplet]
targets = ["x86_64-unknown-linux-gnu", "wasm32-unknown-unknown"]
#                                       ^^^^^^^^^^^^^^^^^^^^^^ T0006 info: rustup target add wasm32-unknown-unknown
"#,
        );
}

#[test]
fn is_quiet_for_installed_and_unknown_targets() {
    let manifest = r#"[package.metadata.triplet]
targets = ["x86_64-unknown-linux-gnu"]
"#;
    Manifest::for_targets(vec![host()])
        .known(&["x86_64-unknown-linux-gnu"], &["x86_64-unknown-linux-gnu"])
        .check(manifest);
    // An unknown triple is T0007's, not "not installed".
    Manifest::for_targets(vec![host()])
        .known(&["x86_64-unknown-linux-gnu"], &["x86_64-unknown-linux-gnu"])
        .check(
            r#"[package.metadata.triplet]
targets = ["wasm32-unknown-unknwon"]
#           ^^^^^^^^^^^^^^^^^^^^^^ T0007 error: is not a target rustc knows
"#,
        );
}
