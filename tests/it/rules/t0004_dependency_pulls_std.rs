//! T0004 `dependency-pulls-std`.

use crate::support::analysis::*;

const MANIFEST: &str = r#"[package]
name = "firmware"
version = "0.1.0"

[dependencies]
serde = "1"
"#;

#[test]
fn fires_on_a_dependency_whose_defaults_turn_on_std_for_a_target_without_std() {
    Manifest::for_targets(vec![thumbv7em(), host()])
        .std_by_default(&["serde"])
        .check(
            r#"[package]
name = "firmware"
version = "0.1.0"

[dependencies]
serde = "1"
^^^^^ T0004 warning: dependency `serde` turns on its `std` feature through its default features, which cannot build for thumbv7em-none-eabihf
"#,
        );
}

#[test]
fn is_quiet_for_hosted_targets_other_platforms_optional_deps_and_no_defaults() {
    Manifest::for_targets(vec![host(), wasm32()])
        .std_by_default(&["serde"])
        .check(MANIFEST);
    Manifest::for_targets(vec![thumbv7em()])
        .std_by_default(&["serde", "log"])
        .check(
            r#"[package]
name = "firmware"
version = "0.1.0"

[dependencies]
serde = { version = "1", default-features = false }
log = { version = "0.4", optional = true }

[target.'cfg(unix)'.dependencies]
serde_json = "1"
"#,
        );
}

#[test]
fn an_optional_dependency_counts_once_a_feature_turns_it_on() {
    Manifest::for_targets(vec![thumbv7em()])
        .std_by_default(&["log"])
        .features(&["log"])
        .check(
            r#"[package]
name = "firmware"
version = "0.1.0"

[dependencies]
log = { version = "0.4", optional = true }
^^^ T0004 warning: dependency `log`
"#,
        );
}

#[test]
fn fix_turns_default_features_off_keeping_the_other_keys() {
    let manifest = Manifest::for_targets(vec![thumbv7em()]).std_by_default(&["serde", "rand"]);
    manifest.check_fix(
        MANIFEST,
        r#"[package]
name = "firmware"
version = "0.1.0"

[dependencies]
serde = { version = "1", default-features = false }
"#,
    );
    manifest.check_fix(
        "[dependencies]\nrand = { version = \"0.8\", features = [\"small_rng\"] } # rng\n",
        // toml_edit keeps the space that closed the table before the new key.
        "[dependencies]\nrand = { version = \"0.8\", features = [\"small_rng\"] , default-features = false } # rng\n",
    );
}
