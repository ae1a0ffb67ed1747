//! The hand-kept data the derivation starts from: which public API reaches which `sys`
//! function (`data/runtime-api/mapping.toml`), where older std releases keep those
//! functions (`data/runtime-api/layouts.toml`), and reviewed overrides for failures that
//! happen below std (`data/runtime-api/overrides.toml`).

use super::Behaviour;
use crate::analysis::cfg::CfgExpr;
use anyhow::{bail, Context, Result};

const MAPPING_TOML: &str = include_str!("../../data/runtime-api/mapping.toml");
const OVERRIDES_TOML: &str = include_str!("../../data/runtime-api/overrides.toml");
const LAYOUTS_TOML: &str = include_str!("../../data/runtime-api/layouts.toml");

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

/// An older place of a backend: where std kept what it now has at `now`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OlderPlace {
    /// A current path relative to `sys`; ending in `::`, a prefix of such paths.
    pub now: String,
    /// The older path (relative to `sys`, or `crate::…`); for a prefix rule, the prefix
    /// that replaces `now`.
    pub then: String,
    /// The releases whose rust-src the rule was checked against.
    pub seen_in: String,
    /// Where the older std keeps it (for reviewers).
    pub note: String,
}

impl OlderPlace {
    /// The older path for `sys`, when this rule is about it.
    pub fn apply(&self, sys: &str) -> Option<String> {
        if self.now.ends_with("::") {
            sys.strip_prefix(self.now.as_str())
                .map(|rest| format!("{}{rest}", self.then))
        } else {
            (sys == self.now).then(|| self.then.clone())
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutsFile {
    older: Vec<OlderPlace>,
}

/// The embedded older places, in the order they are tried.
pub fn older_places() -> Result<Vec<OlderPlace>> {
    parse_older_places(LAYOUTS_TOML)
}

pub fn parse_older_places(text: &str) -> Result<Vec<OlderPlace>> {
    let file: LayoutsFile =
        toml::from_str(text).context("parsing data/runtime-api/layouts.toml")?;
    for rule in &file.older {
        if rule.now.ends_with("::") != rule.then.ends_with("::") {
            bail!(
                "data/runtime-api/layouts.toml: `{}` → `{}`: a prefix maps to a prefix",
                rule.now,
                rule.then
            );
        }
    }
    Ok(file.older)
}

/// Where to look for `sys` in any std layout: its current path, then each older place.
pub fn places_to_try(sys: &str, older: &[OlderPlace]) -> Vec<String> {
    let mut places = vec![sys.to_string()];
    for candidate in older.iter().filter_map(|rule| rule.apply(sys)) {
        if !places.contains(&candidate) {
            places.push(candidate);
        }
    }
    places
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

    /// A rule about a path the mapping no longer names would be dead data.
    #[test]
    fn every_older_place_is_about_a_mapped_function() {
        let mappings = mappings().unwrap();
        for rule in older_places().unwrap() {
            assert!(
                mappings.iter().any(|m| rule.apply(&m.sys).is_some()),
                "layouts.toml: no mapped `sys` path matches `{}`",
                rule.now
            );
        }
    }

    #[test]
    fn older_places_follow_the_current_path() {
        let older = older_places().unwrap();
        assert_eq!(
            places_to_try("fs::imp::readdir", &older),
            ["fs::imp::readdir", "fs::readdir"]
        );
        assert_eq!(
            places_to_try("thread::sleep", &older),
            ["thread::sleep", "thread::Thread::sleep"]
        );
        assert_eq!(
            places_to_try("net::TcpStream::connect", &older),
            [
                "net::TcpStream::connect",
                "crate::sys_common::net::TcpStream::connect"
            ]
        );
        // An exact rule does not match a longer path; a path nothing moved stays alone.
        assert_eq!(
            places_to_try("thread::sleep_until", &older),
            ["thread::sleep_until"]
        );
        assert_eq!(
            places_to_try("time::Instant::now", &older),
            ["time::Instant::now"]
        );
        let mixed = "[[older]]\nnow = \"a::\"\nthen = \"b\"\nseen_in = \"\"\nnote = \"\"\n";
        assert!(parse_older_places(mixed).is_err());
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
