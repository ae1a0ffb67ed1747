//! The toolchain is probed once: a second `triplet check` runs no rustc at all, because what
//! rustc said is cached on disk per rustc binary (by Triplet, and by cargo for `cargo
//! metadata`). Counted through a `RUSTC` shim that logs every call with the name of the
//! process that made it.
#![cfg(target_os = "linux")]

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

/// A `rustc` that appends "<caller> <args>" to `log`, then runs the real rustc.
fn rustc_shim(dir: &Path, log: &Path) -> PathBuf {
    let real = std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("rustc"))
                .find(|candidate| candidate.is_file())
        })
        .expect("a rustc on PATH");
    let shim = dir.join("rustc");
    let script = format!(
        "#!/bin/sh\necho \"$(cat /proc/$PPID/comm) $*\" >> '{}'\nexec '{}' \"$@\"\n",
        log.display(),
        real.display()
    );
    std::fs::write(&shim, script).expect("write the shim");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755))
        .expect("make the shim executable");
    shim
}

/// `triplet check` with the shim as RUSTC and a cache of its own; returns the calls
/// logged during this run.
fn check(ws: &Path, shim: &Path, cache: &Path, log: &Path) -> Vec<String> {
    let _ = std::fs::remove_file(log);
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", "--format", "json"])
        .args(["--target", "x86_64-unknown-linux-gnu"])
        .args(["--target", "thumbv7em-none-eabihf"])
        .args(["--target", "wasm32-unknown-unknown"])
        .arg(ws)
        .env("RUSTC", shim)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("run triplet check");
    assert_ne!(
        output.status.code(),
        Some(2),
        "triplet check could not run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn a_warm_check_runs_no_rustc_of_its_own() {
    let ws = Workspace::copy("no-std-lib");
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let log = scratch.path().join("calls.log");
    let cache = scratch.path().join("cache");
    let shim = rustc_shim(scratch.path(), &log);
    let by_triplet = |calls: &[String]| -> Vec<String> {
        calls
            .iter()
            .filter(|call| call.starts_with("triplet "))
            .cloned()
            .collect()
    };

    let cold = check(ws.path(), &shim, &cache, &log);
    let cold_own = by_triplet(&cold);
    // Version, host, sysroot and target list in two runs, then one cfg set per target.
    assert!(
        cold_own.iter().any(|call| call.ends_with("-vV")),
        "the cold run asks rustc: {cold:?}"
    );
    assert!(
        cold_own
            .iter()
            .any(|call| call.ends_with("--print sysroot --print target-list")),
        "{cold:?}"
    );
    // One cfg set per target, and a second one (std's, with RUSTC_BOOTSTRAP) where std is
    // read from a rust-src: the toolchain's own, or the distribution's beside /usr/bin/rustc.
    let cfg_queries = cold_own
        .iter()
        .filter(|call| call.contains("--print cfg --target"))
        .count();
    let std_sources = std::path::Path::new("/usr/lib/rustlib/src/rust/library/std/src").is_dir();
    assert_eq!(
        cfg_queries,
        if std_sources { 6 } else { 3 },
        "one cfg query per target (two with rust-src): {cold:?}"
    );

    let warm = check(ws.path(), &shim, &cache, &log);
    assert_eq!(
        by_triplet(&warm),
        Vec::<String>::new(),
        "a warm check asks rustc nothing itself"
    );
    // Nor does cargo: `cargo metadata` asks rustc for its version and target info (`rustc
    // -vV`, `rustc - --print=…`) unless its own cache of the answers, kept in Triplet's
    // cache folder, is warm.
    assert_eq!(
        warm,
        Vec::<String>::new(),
        "a warm check runs no rustc at all"
    );

    // A different rustc binary is a different toolchain: asked again.
    let rebuilt = std::fs::read_to_string(&shim).expect("read the shim") + "# rebuilt\n";
    std::fs::write(&shim, rebuilt).expect("rewrite the shim");
    let after_change = check(ws.path(), &shim, &cache, &log);
    assert!(
        by_triplet(&after_change)
            .iter()
            .any(|call| call.ends_with("-vV")),
        "a changed rustc is probed again: {after_change:?}"
    );
}
