//! T0002 `unsupported-api` (with the fake API table of `support::analysis::FakeApis`:
//! `Instant::now` and `thread::spawn` panic on wasm32, `fs::read` returns `Unsupported`).

use crate::support::analysis::*;

#[test]
fn fires_on_apis_that_fail_at_run_time_through_imports_and_renames() {
    check(
        r#"use std::thread;
use std::time::Instant as Clock;
pub fn timed() {
    let _start = Clock::now();
//               ^^^^^^^^^^ T0002 warning: `std::time::Instant::now` panics at run time on wasm32-unknown-unknown ("not supported")
}
pub fn spawn_worker() {
    thread::spawn(|| {});
//  ^^^^^^^^^^^^^ T0002 warning: `std::thread::spawn` panics at run time on wasm32-unknown-unknown
}
pub fn config() -> Vec<u8> {
    std::fs::read("config.toml").unwrap_or_default()
//  ^^^^^^^^^^^^^ T0002 warning: returns an `Unsupported` error at run time on wasm32-unknown-unknown
}
"#,
        &[host(), wasm32()],
    );
}

#[test]
fn is_quiet_where_the_api_works_in_gated_code_and_in_no_std_crates() {
    let source = r#"pub fn timed() {
    let _ = std::time::Instant::now();
}
"#;
    check(source, &[host()]);
    check(
        r#"#[cfg(not(target_arch = "wasm32"))]
pub fn timed() {
    let _ = std::time::Instant::now();
}
pub fn spawn_worker() {
    #[cfg(not(target_family = "wasm"))]
    std::thread::spawn(|| {});
}
"#,
        &[host(), wasm32()],
    );
    // A no_std crate is T0001's business.
    check(
        r#"#![no_std]
pub fn timed() {
    let _ = std::time::Instant::now();
//          ^^^ T0001 error: it exists only in std
}
"#,
        &[wasm32()],
    );
}

#[test]
fn cfg_macro_in_an_expression_does_not_hide_a_call() {
    check(
        r#"pub fn f() {
    if !cfg!(target_arch = "wasm32") {
        std::thread::spawn(|| {});
//      ^^^^^^^^^^^^^^^^^^ T0002 warning: panics at run time on wasm32-unknown-unknown
    }
}
"#,
        &[host(), wasm32()],
    );
}

#[test]
fn fix_gates_the_statement_off_where_it_fails() {
    check_fix(
        r#"use std::thread;
pub fn spawn_worker() {
    thread::spawn(|| {});
}
"#,
        r#"use std::thread;
pub fn spawn_worker() {
    #[cfg(not(target_arch = "wasm32"))]
    thread::spawn(|| {});
}
"#,
        &[host(), wasm32()],
    );
}
