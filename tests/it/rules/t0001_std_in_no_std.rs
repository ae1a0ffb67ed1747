//! T0001 `std-in-no-std`.

use crate::support::analysis::*;

#[test]
fn fires_on_std_paths_groups_absolute_paths_and_bare_macros() {
    check(
        r#"#![no_std]
use std::vec::Vec;
//  ^^^ T0001 error: `std::vec::Vec` is not available: this crate is `#![no_std]` on thumbv7em-none-eabihf; use `alloc::vec::Vec`
use std::{fmt, string::String as Text};
//  ^^^ T0001 error: use `alloc::
pub fn largest(a: u8, b: u8) -> u8 {
    std::cmp::max(a, b)
//  ^^^ T0001 error: use `core::cmp::max`
}
pub fn swap(a: &mut u8, b: &mut u8) {
    ::std::mem::swap(a, b)
//    ^^^ T0001 error: use `core::mem::swap`
}
pub fn list() -> Vec<u8> {
    vec![1]
//  ^^^^ T0001 error: `std::vec` is not available
}
pub fn map() {
    let _ = std::collections::HashMap::<u8, u8>::new();
//          ^^^ T0001 error: it exists only in std; on no_std use
}
"#,
        &[thumbv7em()],
    );
}

#[test]
fn names_every_target_it_concerns() {
    check(
        r#"#![no_std]
use std::vec::Vec;
//  ^^^ T0001 error: on thumbv7em-none-eabihf and wasm32-unknown-unknown
"#,
        &[thumbv7em(), wasm32()],
    );
}

#[test]
fn is_quiet_in_gated_code_and_where_extern_crate_std_is_in_effect() {
    check(
        r#"#![no_std]
#[cfg(feature = "std")]
extern crate std;
use std::vec::Vec;
#[cfg(test)]
mod tests {
    use std::collections::HashMap;
}
"#,
        &[with_features(wasm32(), &["std"])],
    );
    // Without the feature nothing makes `std` legal; test code stays quiet all the same.
    check(
        r#"#![no_std]
#[cfg(feature = "std")]
extern crate std;
use std::vec::Vec;
//  ^^^ T0001 error: use `alloc::vec::Vec`
#[cfg(test)]
mod tests {
    use std::collections::HashMap;
}
"#,
        &[wasm32()],
    );
}

#[test]
fn extern_crate_std_fails_on_a_target_without_std() {
    check(
        r#"#![no_std]
extern crate std;
^^^^^^^^^^^^^^^^^ T0001 error: `extern crate std` cannot be built for thumbv7em-none-eabihf
"#,
        &[thumbv7em()],
    );
}

#[test]
fn follows_cfg_attr_no_std_and_the_enabled_features() {
    let fixture = r#"#![cfg_attr(not(feature = "std"), no_std)]
use std::vec::Vec;
//  ^^^ T0001 error: use `alloc::vec::Vec`
"#;
    check(fixture, &[thumbv7em()]);
    // With `std` on (a default feature) the crate links std on a target that has none.
    check(
        r#"#![cfg_attr(not(feature = "std"), no_std)]
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ T0001 error: the `no_std` condition is false for the enabled features (try `--no-default-features`)
use std::vec::Vec;
"#,
        &[with_features(thumbv7em(), &["std"])],
    );
    // Hosted targets with `std` on: an ordinary std crate.
    check(
        r#"#![cfg_attr(not(feature = "std"), no_std)]
use std::vec::Vec;
"#,
        &[with_features(wasm32(), &["std"])],
    );
}

#[test]
fn reports_a_std_crate_for_a_bare_metal_target_once_at_the_root() {
    check(
        r#"pub fn f() -> Vec<u8> { std::vec::Vec::new() }
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ T0001 error: crate `fuzzed` is not `#![no_std]`, but thumbv7em-none-eabihf has no standard library
"#,
        &[thumbv7em(), wasm32()],
    );
}

#[test]
fn cfg_macro_in_an_expression_hides_nothing() {
    check(
        r#"#![no_std]
pub fn f() {
    if cfg!(feature = "std") {
        let _ = std::mem::size_of::<u8>();
//              ^^^ T0001 error: use `core::mem::size_of`
    }
}
"#,
        &[thumbv7em()],
    );
}

#[test]
fn fix_rewrites_to_core_and_alloc_and_adds_extern_crate_alloc_once() {
    check_fix(
        r#"#![no_std]
use std::vec::Vec;
use std::{fmt, string::String as Text};
pub fn largest(a: u8, b: u8) -> u8 {
    std::cmp::max(a, b)
}
pub fn swap(a: &mut u8, b: &mut u8) {
    ::std::mem::swap(a, b)
}
"#,
        r#"#![no_std]
extern crate alloc;
use alloc::vec::Vec;
use alloc::{fmt, string::String as Text};
pub fn largest(a: u8, b: u8) -> u8 {
    core::cmp::max(a, b)
}
pub fn swap(a: &mut u8, b: &mut u8) {
    ::core::mem::swap(a, b)
}
"#,
        &[thumbv7em()],
    );
}

#[test]
fn fix_qualifies_bare_std_macros() {
    check_fix(
        "#![no_std]\npub fn f() -> Vec<u8> {\n    vec![1]\n}\n",
        "#![no_std]\nextern crate alloc;\npub fn f() -> Vec<u8> {\n    alloc::vec![1]\n}\n",
        &[thumbv7em()],
    );
}
