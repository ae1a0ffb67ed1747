//! T0008 `unavailable-on-target`, against a small std/core/libc with the real ones' shapes
//! (tests/it/semantics_corpus.rs checks the real ones against the real compiler).

use crate::support::analysis::*;

fn linux_with_atomics() -> triplet::analysis::context::TargetView {
    let mut view = host();
    view.cfg.insert(triplet::analysis::cfg::CfgAtom::KeyValue(
        "target_has_atomic_load_store".into(),
        "64".into(),
    ));
    view
}

#[test]
fn fires_on_platform_modules_their_trait_methods_and_own_cfg_items() {
    check_items(
        r#"use std::os::unix::process::CommandExt;
//           ^^^^ T0008 error: `std::os::unix` does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
use std::process::Command;
#[cfg(unix)]
fn drop_privileges() {}
pub fn run(mut command: Command) {
    command.exec();
//          ^^^^ T0008 error: method `exec` (from trait `std::os::unix::process::CommandExt`) does not exist on x86_64-pc-windows-msvc
    drop_privileges();
//  ^^^^^^^^^^^^^^^ T0008 error: `drop_privileges` does not exist on x86_64-pc-windows-msvc
    crate::drop_privileges();
//         ^^^^^^^^^^^^^^^ T0008 error: `crate::drop_privileges` does not exist
    let _ = std::os::fd::AsRawFd::as_raw_fd;
//                   ^^ T0008 error: `std::os::fd` does not exist on x86_64-pc-windows-msvc
}
"#,
        &[host(), windows()],
    );
}

#[test]
fn fires_on_dependency_apis_atomics_and_alloc_without_extern_crate() {
    check_items(
        r#"pub fn stop(pid: i32) -> i32 {
    unsafe { libc::kill(pid, libc::SIGTERM) }
//                 ^^^^ T0008 error: `libc::kill` does not exist on wasm32-unknown-unknown and x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
//                                 ^^^^^^^ T0008 error: `libc::SIGTERM` does not exist on wasm32-unknown-unknown
}
pub fn names() -> alloc::vec::Vec {
//                ^^^^^ T0008 error: `alloc` is not linked
    todo!()
}
"#,
        &[host(), wasm32(), windows()],
    );
    check_items(
        r#"#![no_std]
use core::sync::atomic::AtomicU64;
//                      ^^^^^^^^^ T0008 error: `core::sync::atomic::AtomicU64` does not exist on thumbv7em-none-eabihf; it exists on x86_64-unknown-linux-gnu (`portable-atomic`
"#,
        &[linux_with_atomics(), thumbv7em()],
    );
}

#[test]
fn is_quiet_where_gated_locally_bound_or_unknown() {
    check_items(
        r#"#[cfg(unix)]
use std::os::unix::process::CommandExt;
#[cfg(unix)]
fn drop_privileges() {}
#[cfg(unix)]
pub fn run(mut command: std::process::Command) {
    command.exec();
    drop_privileges();
}
pub fn shadowed(drop_privileges: fn()) {
    drop_privileges();
}
pub fn unknown_names() {
    let _ = Vec::<u8>::new();
    not_declared_anywhere();
    std::os::made_up::thing();
}
#[cfg(not(windows))]
pub fn pid() -> i32 {
    unsafe { libc::kill(0, 0) }
}
"#,
        &[host(), windows()],
    );
}

#[test]
fn gating_fix_applies_and_rechecks_clean() {
    check_items_fix(
        r#"#[cfg(unix)]
fn drop_privileges() {}
pub fn run() {
    drop_privileges();
}
"#,
        r#"#[cfg(unix)]
fn drop_privileges() {}
pub fn run() {
    #[cfg(unix)]
    drop_privileges();
}
"#,
        &[host(), windows()],
    );
    check_items_fix(
        "use std::os::unix::process::CommandExt;\n",
        "#[cfg(unix)]\nuse std::os::unix::process::CommandExt;\n",
        &[host(), windows()],
    );
    check_items_fix(
        "pub fn names() -> alloc::vec::Vec {\n    todo!()\n}\n",
        "extern crate alloc;\npub fn names() -> alloc::vec::Vec {\n    todo!()\n}\n",
        &[host()],
    );
}

#[test]
fn core_named_std_gets_the_alloc_path() {
    check_items(
        r#"#![no_std]
extern crate core as std;
pub fn names() -> std::vec::Vec {
//                     ^^^ T0008 error: `std::vec::Vec` (`std` is core here, and core has no `vec`) does not exist on thumbv7em-none-eabihf; alloc has it
    todo!()
}
"#,
        &[thumbv7em()],
    );
    check_items_fix(
        "#![no_std]\nextern crate core as std;\npub fn names() -> std::vec::Vec {\n    todo!()\n}\n",
        "#![no_std]\nextern crate alloc;\nextern crate core as std;\npub fn names() -> alloc::vec::Vec {\n    todo!()\n}\n",
        &[thumbv7em()],
    );
}

/// A name a cfg-gated glob brings on one target only (kqueue-sys's shape: `pub use
/// self::darwin::*` under `#[cfg(target_os = "macos")]`), named on a target without it.
#[test]
fn names_a_gated_glob_brings_elsewhere_only() {
    check_items(
        r#"mod constants {
    #[cfg(unix)]
    mod unix_flags {
        pub struct EventFlag;
    }
    #[cfg(unix)]
    pub use self::unix_flags::*;
}
pub use self::constants::*;
pub struct Event {
    pub flags: EventFlag,
//             ^^^^^^^^^ T0008 error: `EventFlag` does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
    pub data: Option<u8>,
}
"#,
        &[host(), windows()],
    );
    // Where no target has it, the name is left to rustc (it may be a typo, or the prelude's).
    check_items(
        "pub fn f(_: NotAnywhere, _: Option<u8>) {}\n",
        &[host(), windows()],
    );
}
