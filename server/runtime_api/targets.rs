//! The targets the shipped table covers and their cfg sets, recorded as data
//! (`RUSTC_BOOTSTRAP=1 /usr/bin/rustc --print cfg --target T`) so generation is reproducible.
//! `RUSTC_BOOTSTRAP=1` because std is compiled seeing unstable cfgs such as
//! `target_feature="atomics"` on wasm32-wasip1-threads, which stable rustc hides.

use crate::analysis::cfg::CfgSet;
use anyhow::{bail, Context, Result};
use std::process::Command;

macro_rules! pinned {
    ($($target:literal),* $(,)?) => {
        &[$(($target, include_str!(concat!("../../data/runtime-api/cfg/", $target, ".cfg")))),*]
    };
}

/// (target, recorded `--print cfg` output), in table order.
pub const PINNED_TARGETS: &[(&str, &str)] = pinned![
    "wasm32-unknown-unknown",
    "wasm32v1-none",
    "wasm32-wasip1",
    "wasm32-wasip1-threads",
    "wasm32-wasip2",
    "wasm32-unknown-emscripten",
    "thumbv7em-none-eabihf",
    "x86_64-unknown-linux-gnu",
];

/// The recorded cfg set of a pinned target.
pub fn pinned_cfg(target: &str) -> Option<CfgSet> {
    PINNED_TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, output)| CfgSet::from_rustc_print_cfg(output))
}

pub fn pinned_cfg_sets() -> Vec<(String, CfgSet)> {
    PINNED_TARGETS
        .iter()
        .map(|(name, output)| (name.to_string(), CfgSet::from_rustc_print_cfg(output)))
        .collect()
}

/// Bare-metal targets (`target_os = "none"`: thumbv7em-none-eabihf, wasm32v1-none) ship
/// no std, so every std API is absent there.
pub fn has_std(cfg: &CfgSet) -> bool {
    cfg.value_of("target_os") != Some("none")
}

/// Asks `rustc` for a target's cfg set, the way the shipped sets were recorded.
pub fn query_rustc_cfg(rustc: &str, target: &str) -> Result<CfgSet> {
    let mut command = Command::new(rustc);
    command
        .args(["--print", "cfg", "--target", target])
        .env("RUSTC_BOOTSTRAP", "1");
    if let Ok(here) = std::env::current_dir() {
        command.envs(crate::targets::rustup_guard::pinned_toolchain(&here));
    }
    let output = command
        .output()
        .with_context(|| format!("running `{rustc} --print cfg --target {target}`"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "`{rustc} --print cfg --target {target}` failed: {}",
            stderr.trim()
        );
    }
    Ok(CfgSet::from_rustc_print_cfg(&String::from_utf8_lossy(
        &output.stdout,
    )))
}
