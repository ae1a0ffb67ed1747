//! What Triplet knows about one target triple.

use super::Toolchain;
use crate::analysis::cfg::CfgSet;
use std::str::FromStr;

#[derive(Debug, Clone)]
pub struct TargetFacts {
    pub triple: String,
    /// Whether rustc knows the triple (`rustc --print target-list`).
    pub known: bool,
    pub cfg: CfgSet,
    pub has_std: bool,
    pub installed: bool,
    /// target-lexicon's reading: architecture, OS and environment.
    pub arch: String,
    pub os: String,
    pub env: String,
}

impl TargetFacts {
    pub fn gather(toolchain: &Toolchain, triple: &str) -> TargetFacts {
        let parsed = target_lexicon::Triple::from_str(triple).ok();
        let cfg = toolchain.cfg(triple).unwrap_or_default();
        let os = cfg
            .value_of("target_os")
            .map(str::to_string)
            .or_else(|| parsed.as_ref().map(|t| t.operating_system.to_string()))
            .unwrap_or_default();
        let has_std = has_std(triple, &os);
        TargetFacts {
            triple: triple.to_string(),
            known: toolchain.is_known(triple),
            has_std,
            installed: toolchain.is_installed(triple),
            arch: parsed
                .as_ref()
                .map(|t| t.architecture.to_string())
                .unwrap_or_default(),
            env: parsed
                .as_ref()
                .map(|t| t.environment.to_string())
                .unwrap_or_default(),
            os,
            cfg,
        }
    }
}

/// Bare-metal targets (`*-none-*`, `target_os = "none"`) ship `core` and `alloc` only.
pub fn has_std(triple: &str, target_os: &str) -> bool {
    !(target_os == "none" || triple.split('-').any(|part| part == "none"))
}

#[cfg(test)]
mod tests {
    use super::has_std;

    #[test]
    fn bare_metal_targets_have_no_std() {
        assert!(!has_std("thumbv7em-none-eabihf", "none"));
        assert!(!has_std("wasm32v1-none", "none"));
        assert!(!has_std("riscv32imac-unknown-none-elf", "none"));
        assert!(has_std("wasm32-unknown-unknown", "unknown"));
        assert!(has_std("x86_64-unknown-linux-gnu", "linux"));
    }
}
