//! `rustup target add <triple>`: installs a target's prebuilt standard library.

use crate::targets::toolchain::find_on_path;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `rustup target add triple` in `workspace` (so its rust-toolchain.toml picks the
/// toolchain that gets the target); `Ok` with a summary, `Err` in plain words.
pub fn install_target(triple: &str, workspace: &Path) -> Result<String, String> {
    let rustup = find_on_path("rustup").ok_or_else(|| {
        format!("rustup not found on PATH: install the standard library for {triple} with your Rust distribution")
    })?;
    let output = Command::new(&rustup)
        .args(["target", "add", triple])
        .current_dir(workspace)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run `rustup target add {triple}`: {error}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if output.status.success() {
        Ok(format!("installed the standard library for {triple}"))
    } else {
        Err(format!(
            "`rustup target add {triple}` failed ({}): {stderr}",
            output.status
        ))
    }
}
