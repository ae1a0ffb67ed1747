//! The hand-kept data the derivation starts from: which public API reaches which `sys`
//! function (`data/runtime-api/mapping.toml`), and reviewed overrides for failures that
//! happen below std (`data/runtime-api/overrides.toml`).

use super::Behaviour;
use crate::analysis::cfg::CfgExpr;
use anyhow::{bail, Context, Result};

const MAPPING_TOML: &str = include_str!("../../data/runtime-api/mapping.toml");
const OVERRIDES_TOML: &str = include_str!("../../data/runtime-api/overrides.toml");

/// One public API and the backend function it reaches.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiMapping {
    /// Canonical public path, e.g. `std::fs::read`.
    pub api: String,
    /// Path relative to `library/std/src/sys`, e.g. `fs::File::open`.
    pub sys: String,
    pub alternative: Option<String>,
    /// The public API turns a backend error into a panic with this message.
    pub error_panics: Option<String>,
    /// The public API swallows a backend error and quietly returns this instead.
    pub error_becomes_noop: Option<String>,
    /// What a silently-doing-nothing backend means for the caller.
    pub noop_means: Option<String>,
    /// The API exists to abort, so an aborting backend is working as intended.
    #[serde(default)]
    pub aborts_by_design: bool,
    /// Reviewer's note (not shown to users).
    pub note: Option<String>,
}

/// A reviewed correction for a backend that is real code but fails below std.
#[derive(Debug, Clone)]
pub struct Override {
    pub sys: String,
    pub when: CfgExpr,
    pub when_text: String,
    pub behaviour: Behaviour,
    pub message: String,
    pub reason: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    api: Vec<ApiMapping>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideFile {
    #[serde(rename = "override")]
    overrides: Vec<RawOverride>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    sys: String,
    when: String,
    behaviour: Behaviour,
    message: String,
    reason: String,
}

/// The embedded mapping, checked for duplicates.
pub fn mappings() -> Result<Vec<ApiMapping>> {
    parse_mappings(MAPPING_TOML)
}

pub fn parse_mappings(text: &str) -> Result<Vec<ApiMapping>> {
    let file: MappingFile =
        toml::from_str(text).context("parsing data/runtime-api/mapping.toml")?;
    let mut seen = std::collections::BTreeSet::new();
    for mapping in &file.api {
        if !seen.insert(mapping.api.as_str()) {
            bail!(
                "data/runtime-api/mapping.toml lists `{}` twice",
                mapping.api
            );
        }
    }
    Ok(file.api)
}

/// The embedded overrides, with their predicates parsed.
pub fn overrides() -> Result<Vec<Override>> {
    parse_overrides(OVERRIDES_TOML)
}

pub fn parse_overrides(text: &str) -> Result<Vec<Override>> {
    let file: OverrideFile =
        toml::from_str(text).context("parsing data/runtime-api/overrides.toml")?;
    file.overrides
        .into_iter()
        .map(|raw| {
            if matches!(raw.behaviour, Behaviour::Ok | Behaviour::Absent) {
                bail!(
                    "override for `{}` must say how it fails, not `{:?}`",
                    raw.sys,
                    raw.behaviour
                );
            }
            let when = CfgExpr::parse(&raw.when)
                .with_context(|| format!("override for `{}`: bad `when`", raw.sys))?;
            Ok(Override {
                sys: raw.sys,
                when,
                when_text: raw.when,
                behaviour: raw.behaviour,
                message: raw.message,
                reason: raw.reason,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let mappings = mappings().unwrap();
        assert!(mappings
            .iter()
            .any(|m| m.api == "std::time::Instant::now" && m.sys == "time::Instant::now"));
        assert!(mappings
            .iter()
            .all(|m| m.api.starts_with("std::") && m.alternative.is_some()));
        assert!(!overrides().unwrap().is_empty());
    }

    #[test]
    fn rejects_duplicates_and_ok_overrides() {
        let twice =
            "[[api]]\napi = \"std::a\"\nsys = \"a\"\n[[api]]\napi = \"std::a\"\nsys = \"b\"\n";
        assert!(parse_mappings(twice).is_err());
        let ok = "[[override]]\nsys = \"a\"\nwhen = \"unix\"\nbehaviour = \"ok\"\nmessage = \"\"\nreason = \"\"\n";
        assert!(parse_overrides(ok).is_err());
    }
}
