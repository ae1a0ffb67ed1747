//! Target selection per package, strongest source first:
//! 1. the user's explicit choice (`--target`, the `triplet.targets` setting);
//! 2. `[package.metadata.triplet] targets`;
//! 3. `[workspace.metadata.triplet] targets`;
//! 4. `.cargo/config.toml` `build.target`;
//! 5. `rust-toolchain.toml` `targets`;
//! 6. `[package.metadata.docs.rs] targets`.
//!
//! The host is added unless the user chose explicitly.
//! The strongest source that names any target wins; every source's triples are still
//! validated, so a typo in a weaker one is reported too.

use crate::analysis::context::TargetOrigin;
use crate::analysis::manifest::TomlSpans;
use std::path::{Path, PathBuf};

/// A source of targets and the triples it names (with where each is written).
#[derive(Debug, Clone)]
pub struct SourceTargets {
    pub origins: Vec<TargetOrigin>,
}

#[derive(Debug, Clone)]
pub struct Selection {
    /// The triples selected, in order, without duplicates.
    pub selected: Vec<TargetOrigin>,
    /// Every triple named by any source (for validation).
    pub all_named: Vec<TargetOrigin>,
}

/// Reads the triples at `path` of a TOML file.
fn from_toml(file: &Path, text: &str, path: &[&str], source: &str) -> Vec<TargetOrigin> {
    let Ok(spans) = TomlSpans::parse(text) else {
        return Vec::new();
    };
    spans
        .string_array(path)
        .into_iter()
        .map(|(triple, range)| TargetOrigin {
            triple,
            source: source.to_string(),
            location: Some((file.to_path_buf(), range)),
        })
        .collect()
}

/// Files consulted for selection, with their text (read by the caller, so editors'
/// unsaved buffers count).
pub struct SelectionInputs<'a> {
    pub explicit: &'a [String],
    pub explicit_source: &'a str,
    pub package_manifest: (&'a Path, &'a str),
    pub workspace_manifest: Option<(&'a Path, &'a str)>,
    pub cargo_config: Option<(&'a Path, &'a str)>,
    pub rust_toolchain: Option<(&'a Path, &'a str)>,
    pub host: &'a str,
}

pub fn select(inputs: &SelectionInputs<'_>) -> Selection {
    let (manifest_path, manifest_text) = inputs.package_manifest;
    let explicit: Vec<TargetOrigin> = inputs
        .explicit
        .iter()
        .map(|triple| TargetOrigin {
            triple: triple.clone(),
            source: inputs.explicit_source.to_string(),
            location: None,
        })
        .collect();
    let mut sources = vec![
        explicit,
        from_toml(
            manifest_path,
            manifest_text,
            &["package", "metadata", "triplet", "targets"],
            "[package.metadata.triplet]",
        ),
    ];
    if let Some((path, text)) = inputs.workspace_manifest {
        sources.push(from_toml(
            path,
            text,
            &["workspace", "metadata", "triplet", "targets"],
            "[workspace.metadata.triplet]",
        ));
    }
    if let Some((path, text)) = inputs.cargo_config {
        sources.push(from_toml(
            path,
            text,
            &["build", "target"],
            ".cargo/config.toml build.target",
        ));
    }
    if let Some((path, text)) = inputs.rust_toolchain {
        sources.push(from_toml(
            path,
            text,
            &["toolchain", "targets"],
            "rust-toolchain.toml",
        ));
    }
    sources.push(from_toml(
        manifest_path,
        manifest_text,
        &["package", "metadata", "docs", "rs", "targets"],
        "[package.metadata.docs.rs]",
    ));
    let all_named: Vec<TargetOrigin> = sources.iter().flatten().cloned().collect();
    let strongest = sources
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let explicit_given = !inputs.explicit.is_empty();
    let mut selected: Vec<TargetOrigin> = Vec::new();
    for origin in strongest {
        if !selected.iter().any(|o| o.triple == origin.triple) {
            selected.push(origin);
        }
    }
    if !explicit_given && !selected.iter().any(|o| o.triple == inputs.host) {
        selected.push(TargetOrigin {
            triple: inputs.host.to_string(),
            source: "host".to_string(),
            location: None,
        });
    }
    Selection {
        selected,
        all_named,
    }
}

/// The `.cargo/config.toml` cargo would read for this workspace (nearest first).
pub fn find_cargo_config(workspace_root: &Path) -> Option<PathBuf> {
    workspace_root.ancestors().find_map(|dir| {
        ["config.toml", "config"]
            .iter()
            .map(|name| dir.join(".cargo").join(name))
            .find(|path| path.is_file())
    })
}

/// `rust-toolchain.toml` (or `rust-toolchain` in TOML form) for this workspace.
pub fn find_rust_toolchain(workspace_root: &Path) -> Option<PathBuf> {
    workspace_root.ancestors().find_map(|dir| {
        ["rust-toolchain.toml", "rust-toolchain"]
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
    })
}

/// `--cfg` values from `.cargo/config.toml` rustflags for a target (`[build]` and
/// `[target.<triple>]`), e.g. `getrandom_backend="wasm_js"`.
pub fn config_cfgs(config_text: &str, triple: &str) -> Vec<String> {
    let Ok(value) = config_text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let flags_at = |table: Option<&toml::Value>| -> Vec<String> {
        match table.and_then(|t| t.get("rustflags")) {
            Some(toml::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Some(toml::Value::String(text)) => text.split_whitespace().map(String::from).collect(),
            _ => Vec::new(),
        }
    };
    let mut flags = flags_at(value.get("build"));
    flags.extend(flags_at(value.get("target").and_then(|t| t.get(triple))));
    let mut cfgs = Vec::new();
    let mut iter = flags.iter();
    while let Some(flag) = iter.next() {
        if flag == "--cfg" {
            if let Some(next) = iter.next() {
                cfgs.push(next.clone());
            }
        } else if let Some(rest) = flag.strip_prefix("--cfg=") {
            cfgs.push(rest.to_string());
        }
    }
    cfgs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strongest_source_wins_and_host_is_added() {
        let manifest = "[package]\nname = \"x\"\n[package.metadata.triplet]\ntargets = [\"thumbv7em-none-eabihf\"]\n[package.metadata.docs.rs]\ntargets = [\"wasm32-unknown-unknown\"]\n";
        let selection = select(&SelectionInputs {
            explicit: &[],
            explicit_source: "--target",
            package_manifest: (Path::new("Cargo.toml"), manifest),
            workspace_manifest: None,
            cargo_config: Some((
                Path::new(".cargo/config.toml"),
                "[build]\ntarget = \"aarch64-linux-android\"\n",
            )),
            rust_toolchain: None,
            host: "x86_64-unknown-linux-gnu",
        });
        let selected: Vec<_> = selection
            .selected
            .iter()
            .map(|o| o.triple.as_str())
            .collect();
        assert_eq!(
            selected,
            vec!["thumbv7em-none-eabihf", "x86_64-unknown-linux-gnu"]
        );
        assert_eq!(selection.all_named.len(), 3);
    }

    #[test]
    fn reads_cfgs_from_rustflags() {
        let config = "[target.wasm32-unknown-unknown]\nrustflags = ['--cfg', 'getrandom_backend=\"wasm_js\"']\n";
        assert_eq!(
            config_cfgs(config, "wasm32-unknown-unknown"),
            vec!["getrandom_backend=\"wasm_js\""]
        );
    }
}
