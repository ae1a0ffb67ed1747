//! The rust-src trees the runtime_api tests derive from: the one installed at
//! /usr/lib/rustlib/src/rust (whatever Debian version the machine has), and Debian's
//! rust-web-src 1.85 (the oldest std tested, with the older `sys/pal` layout), which the tests
//! download with apt and unpack under target/ themselves.
//!
//! A tree that cannot be had fails the test in CI (`CI` set) and skips it elsewhere, with
//! the reason printed either way.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub const INSTALLED_RUST_SRC: &str = "/usr/lib/rustlib/src/rust";
pub const INSTALLED_RUSTC: &str = "/usr/bin/rustc";

/// Debian bookworm's rust-web-src for Rust 1.85 (bookworm main).
pub const DEBIAN_1_85: &str = "1.85.0+dfsg3-1~deb12u3";

/// `None` after saying why, outside CI; a failure in CI, where .ci/run provides everything.
pub fn unavailable<T>(reason: &str) -> Option<T> {
    assert!(
        std::env::var_os("CI").is_none(),
        "{reason} (CI must provide it: see .ci/run)"
    );
    eprintln!("skipping: {reason}");
    None
}

/// The `library/` of the installed rust-src.
pub fn installed_library() -> Option<PathBuf> {
    let library = Path::new(INSTALLED_RUST_SRC).join("library");
    if library.join("std/src/sys/mod.rs").is_file() {
        Some(library)
    } else {
        unavailable(&format!(
            "{INSTALLED_RUST_SRC} is missing (apt-get install rust-web-src)"
        ))
    }
}

/// The installed rustc, to ask for cfg sets.
pub fn installed_rustc() -> Option<&'static str> {
    if Path::new(INSTALLED_RUSTC).is_file() {
        Some(INSTALLED_RUSTC)
    } else {
        unavailable(&format!(
            "{INSTALLED_RUSTC} is missing (apt-get install rustc-web)"
        ))
    }
}

/// The release `rustc` reports (`rustc 1.96.0 (…)` → `1.96.0`).
pub fn rustc_release(rustc: &str) -> Option<String> {
    let output = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.split_whitespace().nth(1).map(str::to_string)
}

/// The root (containing `library/`) of Debian's rust-web-src 1.85, unpacked under
/// target/tmp the first time a test asks for it.
pub fn debian_1_85_root() -> Option<PathBuf> {
    static UNPACKED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match UNPACKED.get_or_init(|| unpack_debian_rust_src(DEBIAN_1_85)) {
        Ok(root) => Some(root.clone()),
        Err(reason) => unavailable(reason),
    }
}

fn unpack_debian_rust_src(version: &str) -> Result<PathBuf, String> {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("rust-web-src-{version}"));
    let root = base.join("usr/lib/rustlib/src/rust");
    let done = base.join(".unpacked");
    if done.is_file() {
        return Ok(root);
    }
    // Start clean: an earlier run may have stopped half-way.
    if base.exists() {
        std::fs::remove_dir_all(&base)
            .map_err(|error| format!("removing {}: {error}", base.display()))?;
    }
    let download = base.with_extension("download");
    if download.exists() {
        std::fs::remove_dir_all(&download)
            .map_err(|error| format!("removing {}: {error}", download.display()))?;
    }
    std::fs::create_dir_all(&download)
        .map_err(|error| format!("creating {}: {error}", download.display()))?;
    let package = format!("rust-web-src={version}");
    // The package lists may predate the version (or be absent): refresh them once.
    if run(Command::new("apt-get")
        .args(["download", &package])
        .current_dir(&download))
    .is_err()
    {
        run(Command::new("apt-get").args(["update", "-qq"]))?;
        run(Command::new("apt-get")
            .args(["download", &package])
            .current_dir(&download))?;
    }
    let deb = std::fs::read_dir(&download)
        .map_err(|error| format!("listing {}: {error}", download.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .ok_or_else(|| format!("`apt-get download {package}` left no .deb"))?;
    run(Command::new("dpkg").arg("-x").arg(&deb).arg(&base))?;
    if !root.join("library/std/src/sys/mod.rs").is_file() {
        return Err(format!(
            "{} has no library/std/src/sys/mod.rs after unpacking {}",
            root.display(),
            deb.display()
        ));
    }
    std::fs::remove_dir_all(&download)
        .map_err(|error| format!("removing {}: {error}", download.display()))?;
    std::fs::write(&done, version).map_err(|error| format!("{}: {error}", done.display()))?;
    Ok(root)
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|error| format!("cannot run {shown}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{shown} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
