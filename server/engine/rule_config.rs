//! Per-rule switches: the user's (`--rule`, `triplet.rules`) over
//! `[package.metadata.triplet.rules]` over `[workspace.metadata.triplet.rules]`.

use super::model::PackageModel;
use super::{Engine, SourceProvider};
use crate::analysis::finding::{Finding, RuleCode, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// Per-rule switches: `None` turns a rule off, `Some(severity)` overrides its severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    overrides: BTreeMap<RuleCode, Option<Severity>>,
}

impl RuleConfig {
    /// Reads `{"T0002": "off", "unsupported-api": "error"}`.
    pub fn from_json(value: &serde_json::Value) -> Result<RuleConfig, String> {
        let mut config = RuleConfig::default();
        let Some(map) = value.as_object() else {
            return if value.is_null() {
                Ok(config)
            } else {
                Err("`triplet.rules` must be an object".into())
            };
        };
        for (key, setting) in map {
            let code = RuleCode::parse(key)
                .ok_or_else(|| format!("unknown rule `{key}` in triplet.rules"))?;
            let setting = setting
                .as_str()
                .ok_or_else(|| format!("rule `{key}`: expected a string"))?;
            config
                .set(code, setting)
                .map_err(|e| format!("rule `{key}`: {e}"))?;
        }
        Ok(config)
    }

    pub fn set(&mut self, code: RuleCode, setting: &str) -> Result<(), String> {
        let value =
            match setting {
                "off" | "allow" => None,
                other => Some(Severity::parse(other).ok_or_else(|| {
                    format!("expected off, error, warning or info, not `{other}`")
                })?),
            };
        self.overrides.insert(code, value);
        Ok(())
    }

    /// Settings from a lower-priority source fill in what this one leaves open.
    fn merged_over(&self, weaker: &RuleConfig) -> RuleConfig {
        let mut overrides = weaker.overrides.clone();
        overrides.extend(self.overrides.clone());
        RuleConfig { overrides }
    }

    pub(super) fn apply(&self, mut finding: Finding) -> Option<Finding> {
        match self.overrides.get(&finding.code) {
            Some(None) => None,
            Some(Some(severity)) => {
                finding.severity = *severity;
                Some(finding)
            }
            None => Some(finding),
        }
    }
}

impl Engine {
    pub(super) fn rule_config_for(
        &self,
        package: &PackageModel,
        sources: &dyn SourceProvider,
    ) -> RuleConfig {
        let from_manifest = |path: &Path, table: &str| -> RuleConfig {
            let Some(text) = sources.read(path) else {
                return RuleConfig::default();
            };
            let Ok(value) = text.parse::<toml::Table>() else {
                return RuleConfig::default();
            };
            let rules = value
                .get(table)
                .and_then(|t| t.get("metadata"))
                .and_then(|m| m.get("triplet"))
                .and_then(|t| t.get("rules"));
            rules
                .and_then(|r| serde_json::to_value(r).ok())
                .and_then(|json| RuleConfig::from_json(&json).ok())
                .unwrap_or_default()
        };
        let workspace = from_manifest(&self.root_manifest, "workspace");
        let package_rules = from_manifest(&package.manifest_path, "package");
        self.options
            .rules
            .merged_over(&package_rules.merged_over(&workspace))
    }
}
