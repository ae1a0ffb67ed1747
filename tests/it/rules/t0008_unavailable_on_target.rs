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

/// `compile_error!` under a cfg is the compiler's error on the targets where its gate holds
/// (directly or through a `cfg_if!` arm); a gate on a cfg only a build script sets is silent.
#[test]
fn compile_error_fires_where_its_gate_holds() {
    check_items(
        r#"#[cfg(not(any(unix, windows)))]
    compile_error!("unsupported platform");
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ T0008 error: `compile_error!` on wasm32-unknown-unknown: unsupported platform
cfg_if::cfg_if! {
    if #[cfg(unix)] {
        pub fn f() {}
    } else if #[cfg(target_arch = "wasm32")] {
        compile_error!("no wasm");
//      ^^^^^^^^^^^^^^^^^^^^^^^^^ T0008 error: `compile_error!` on wasm32-unknown-unknown: no wasm
    } else {
        compile_error!(concat!("no ", "windows"));
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ T0008 error: `compile_error!` on x86_64-pc-windows-msvc: concat!("no ", "windows")
    }
}
#[cfg(all(windows, feature = "never-enabled"))]
compile_error!("off everywhere");
#[cfg(not(has_atomics))]
compile_error!("a build script's cfg: unknown");
macro_rules! refuse { () => { compile_error!("in a macro body: not expanded here"); } }
"#,
        &[host(), wasm32(), windows()],
    );
}

/// Where a `compile_error!` fires, rustc stops before resolving paths in code: imports
/// and method calls are still reported there, `flush()` is not.
#[test]
fn compile_error_hides_unresolved_paths_in_code_on_its_targets() {
    check_items(
        r#"#[cfg(target_arch = "wasm32")]
    compile_error!("no wasm");
//  ^^^^^^^^^^^^^^^^^^^^^^^^^ T0008 error: `compile_error!` on wasm32-unknown-unknown: no wasm
use std::os::unix::process::CommandExt;
//           ^^^^ T0008 error: `std::os::unix` does not exist on wasm32-unknown-unknown and x86_64-pc-windows-msvc
#[cfg(unix)]
fn flush() {}
pub fn done(mut command: std::process::Command) {
    flush();
//  ^^^^^ T0008 error: `flush` does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
    command.exec();
//          ^^^^ T0008 error: method `exec` (from trait `std::os::unix::process::CommandExt`) does not exist on wasm32-unknown-unknown and x86_64-pc-windows-msvc
}
"#,
        &[host(), wasm32(), windows()],
    );
    // A gate on a build script's cfg may hold anywhere: paths in code are not judged.
    check_items(
        "#[cfg(not(has_std))]\ncompile_error!(\"x\");\n#[cfg(unix)]\nfn flush() {}\npub fn done() {\n    flush();\n}\n",
        &[host(), windows()],
    );
}

/// A glob of a module missing on a target is the error there, and does not make the
/// crate it names (`std`) unknown for the rest of the module.
#[test]
fn globs_of_missing_modules_fail_and_silence_nothing_else() {
    check_items(
        r#"use std::os::unix::process::*;
//           ^^^^ T0008 error: `std::os::unix` does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
pub fn run(mut command: std::process::Command) {
    // Only the missing glob provides it: the receiver could have an `exec` of its own.
    command.exec();
    let _ = std::os::fd::AsRawFd::as_raw_fd;
//                   ^^ T0008 error: `std::os::fd` does not exist on x86_64-pc-windows-msvc
    command.not_from_any_trait();
}
"#,
        &[host(), windows()],
    );
    // A glob that cannot bring a trait with the method does not silence the call.
    check_items(
        r#"use std::os::unix::process::CommandExt;
//           ^^^^ T0008 error: `std::os::unix` does not exist on x86_64-pc-windows-msvc
use std::process::*;
pub fn run(mut command: Command) {
    command.exec();
//          ^^^^ T0008 error: method `exec` (from trait `std::os::unix::process::CommandExt`) does not exist on x86_64-pc-windows-msvc
}
pub fn block() {
    use std::process::*;
    not_in_process();
}
"#,
        &[host(), windows()],
    );
}

/// A type's associated function that only an imported platform trait provides
/// (`File::from_raw_fd`), through the type's name or its full path: E0599 where the trait
/// does not exist; nothing where no import provides it or the owner is not a type.
#[test]
fn associated_functions_of_platform_traits_through_a_type_path() {
    check_items(
        r#"use std::fs::File;
use std::os::fd::FromRawFd;
//           ^^ T0008 error: `std::os::fd` does not exist on x86_64-pc-windows-msvc
pub unsafe fn open(fd: i32) -> (File, File) {
    (File::from_raw_fd(fd), std::fs::File::from_raw_fd(fd))
//         ^^^^^^^^^^^ T0008 error: associated function `from_raw_fd` (from trait `std::os::fd::FromRawFd`) does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
//                                         ^^^^^^^^^^^ T0008 error: associated function `from_raw_fd` (from trait `std::os::fd::FromRawFd`) does not exist on x86_64-pc-windows-msvc
}
"#,
        &[host(), windows()],
    );
    check_items(
        r#"use std::fs::File;
#[cfg(unix)]
use std::os::fd::FromRawFd;
#[cfg(unix)]
pub unsafe fn open(fd: i32) -> File {
    File::from_raw_fd(fd)
}
// A function of the type's own, named like the trait's.
pub fn own(fd: i32) -> std::fs::Owned {
    std::fs::Owned::from_raw_fd(fd)
}
pub fn other() -> Option<File> {
    File::open()
}
"#,
        &[host(), windows()],
    );
}

/// `extern crate` of a dependency cargo passes only on some targets (`nix` here is a
/// `[target.'cfg(unix)'.dependencies]` entry): E0463 elsewhere; gated, or a crate the
/// index does not know, nothing.
#[test]
fn extern_crate_of_a_target_specific_dependency() {
    check_items(
        r#"extern crate nix;
//           ^^^ T0008 error: can't find crate `nix`: it is not a dependency on wasm32-unknown-unknown and x86_64-pc-windows-msvc (declared under a `[target.…]` table); it is one on x86_64-unknown-linux-gnu
#[cfg(unix)]
extern crate nix as unix_only;
extern crate proc_macro;
extern crate libc;
"#,
        &[host(), wasm32(), windows()],
    );
    // A path names it: gating the item alone would not build, no fix. Where the crate
    // cannot be loaded rustc reports no path in code and no method call (`flush()`).
    check_items(
        r#"extern crate nix;
//           ^^^ T0008 error: can't find crate `nix`
#[cfg(unix)]
fn flush() {}
pub fn f() -> i32 {
    flush();
    nix::getpid()
}
"#,
        &[host(), windows()],
    );
    check_items_fix(
        "extern crate nix;\n",
        "#[cfg(unix)]\nextern crate nix;\n",
        &[host(), windows()],
    );
}

/// A module alias at the root (`use core::sync::atomic;`) is followed from other modules
/// (`crate::atomic::AtomicU64`), and of one name imported under exclusive cfgs only the
/// active import is judged.
#[test]
fn module_aliases_and_imports_under_exclusive_cfgs() {
    check_items(
        r#"#![no_std]
use core::sync::atomic;
mod counters {
    use crate::atomic::AtomicU64;
//                     ^^^^^^^^^ T0008 error: `crate::atomic::AtomicU64` does not exist on thumbv7em-none-eabihf; it exists on x86_64-unknown-linux-gnu
    use super::atomic::AtomicU32;
    pub fn read(_: &AtomicU32) {}
}
#[cfg(feature = "portable")]
use portable_atomic::AtomicU64 as Wide;
#[cfg(not(feature = "portable"))]
use core::sync::atomic::AtomicU64 as Wide;
//                      ^^^^^^^^^ T0008 error: `core::sync::atomic::AtomicU64` does not exist on thumbv7em-none-eabihf
pub fn wide(_: &Wide) {}
#[cfg(target_has_atomic = "64")]
use core::sync::atomic::AtomicU64 as Counter;
#[cfg(not(target_has_atomic = "64"))]
use core::sync::atomic::AtomicU32 as Counter;
pub fn counter(_: &Counter) {}
"#,
        &[linux_with_atomics(), thumbv7em()],
    );
}

/// Inside function bodies: a block-level item shadows the module's name where it is
/// compiled and fails where its `#[cfg]` leaves nothing; `#[cfg]` on statements and `let`s
/// gates the paths in them.
#[test]
fn items_uses_and_statements_inside_function_bodies() {
    check_items(
        r#"#[cfg(unix)]
fn helper() {}
pub fn shadowed() {
    fn helper() {}
    helper();
}
pub fn block_only() {
    #[cfg(unix)]
    fn local_helper() {}
    local_helper();
//  ^^^^^^^^^^^^ T0008 error: `local_helper` does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
    #[cfg(unix)]
    local_helper();
    #[cfg(unix)]
    let _x = helper();
    {
        use std::process::Command as helper;
        let _ = helper;
    }
}
"#,
        &[host(), windows()],
    );
    check_items_fix(
        "pub fn f() {\n    #[cfg(unix)]\n    fn local_helper() {}\n    local_helper();\n}\n",
        "pub fn f() {\n    #[cfg(unix)]\n    fn local_helper() {}\n    #[cfg(unix)]\n    local_helper();\n}\n",
        &[host(), windows()],
    );
}

/// Edition 2015: `use a::b` and `::a::b` start at the crate root in every module.
#[test]
fn edition_2015_paths_start_at_the_crate_root() {
    let fixture = r#"mod platform {
    #[cfg(unix)]
    pub fn flush() {}
}
mod user {
    use platform::flush;
//                ^^^^^ T0008 error: `platform::flush` does not exist on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
    use std::os::unix::process::CommandExt;
//               ^^^^ T0008 error: `std::os::unix` does not exist on x86_64-pc-windows-msvc
    pub fn f() {
        ::platform::flush();
//                  ^^^^^ T0008 error: `platform::flush` does not exist on x86_64-pc-windows-msvc
    }
}
"#;
    check_items_2015(fixture, &[host(), windows()]);
    // Read as a later edition, `platform` is not in scope in `user`: rustc's error
    // everywhere, nothing per target.
    check_items(
        "mod platform {\n    #[cfg(unix)]\n    pub fn flush() {}\n}\nmod user {\n    use platform::flush;\n}\n",
        &[host(), windows()],
    );
}

/// Found by the precision sweep (docs/semantics.md): a declaration under a cfg that is off
/// leaves the name to the prelude or the primitive type, and `#[test]` items are compiled
/// only for tests. None of these is an error on any target.
#[test]
fn prelude_and_primitive_names_and_test_items_are_never_missing() {
    check_items(
        r#"#[cfg(windows)]
struct String;
#[cfg(windows)]
type usize = u32;
pub fn name(width: usize) -> String {
    let _ = usize::MAX;
    let _ = width;
    todo!()
}
#[cfg(test)]
fn only_for_tests() {}
#[test]
fn uses_the_helper() {
    only_for_tests();
}
"#,
        &[host(), windows()],
    );
}
