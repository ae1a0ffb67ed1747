//! T0003 `missing-crate-type`.

use crate::support::analysis::*;

const NO_LIB: &str = r#"[package]
name = "mobile"
version = "0.1.0"
"#;

#[test]
fn fires_for_android_and_ios_without_the_crate_types_they_load() {
    Manifest::for_targets(vec![android(), ios()]).check(
        r#"[package]
^^^^^^^^^ T0003 error: aarch64-linux-android
name = "mobile"
version = "0.1.0"
"#,
    );
}

#[test]
fn fires_for_wasm32_with_wasm_bindgen_without_cdylib() {
    Manifest::for_targets(vec![wasm32()]).check(
        r#"[package]
name = "web"
version = "0.1.0"

[lib]
^^^^^ T0003 error: cdylib

[dependencies]
wasm-bindgen = "0.2"
"#,
    );
}

#[test]
fn is_quiet_for_other_targets_and_when_the_crate_types_are_there() {
    Manifest::for_targets(vec![host(), wasm32()]).check(NO_LIB);
    Manifest::for_targets(vec![android(), ios()]).check(
        r#"[package]
name = "mobile"
version = "0.1.0"

[lib]
crate-type = ["cdylib", "staticlib"]
"#,
    );
}

#[test]
fn fix_adds_what_every_target_needs_keeping_rlib() {
    Manifest::for_targets(vec![android(), ios()]).check_fix(
        NO_LIB,
        r#"[package]
name = "mobile"
version = "0.1.0"

[lib]
crate-type = ["rlib", "cdylib", "staticlib"]
"#,
    );
}

#[test]
fn fix_merges_with_the_written_crate_types_and_keeps_comments() {
    Manifest::for_targets(vec![android(), ios()]).check_fix(
        r#"[package]
name = "mobile"
version = "0.1.0"

[lib]
# what Xcode links
crate-type = ["staticlib"]
"#,
        r#"[package]
name = "mobile"
version = "0.1.0"

[lib]
# what Xcode links
crate-type = ["staticlib", "cdylib"]
"#,
    );
}

/// T0003 is about the library the platform loads: one that other workspace members build on,
/// or one with no export, binding crate or packaging crate-type (a crates.io library whose
/// docs.rs targets include Android), is built into something else and gets nothing.
#[test]
fn is_quiet_for_libraries_other_crates_build_on() {
    Manifest::for_targets(vec![android(), ios()])
        .dependents(&["app"])
        .check(NO_LIB);
    Manifest::for_targets(vec![android(), ios()])
        .lib_root("//! #[no_mangle] in a comment is no export\npub fn add(a: u8, b: u8) -> u8 { a + b }\n")
        .check(NO_LIB);
}

#[test]
fn fires_for_a_library_with_a_binding_crate_or_a_packaging_crate_type() {
    let plain = "pub fn add(a: u8, b: u8) -> u8 { a + b }\n";
    Manifest::for_targets(vec![android()])
        .lib_root(plain)
        .check(
            r#"[package]
^^^^^^^^^ T0003 error: cdylib
name = "mobile"
version = "0.1.0"

[dependencies]
jni = "0.21"
"#,
        );
    Manifest::for_targets(vec![ios()]).lib_root(plain).check(
        r#"[package]
name = "mobile"
version = "0.1.0"

[lib]
^^^^^ T0003 error: staticlib
crate-type = ["cdylib"]
"#,
    );
}
