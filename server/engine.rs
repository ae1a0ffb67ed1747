//! TEMPORARY placeholder on the `lsp` branch: the engine facade's exact signatures with
//! no analysis behind them, so the protocol layer compiles before the real engine lands
//! on `main`. At `git merge main`, main's `engine.rs` replaces this file wholesale.

use crate::analysis::finding::{Finding, Severity};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub trait SourceProvider {
    /// Open buffer text first, disk otherwise.
    fn read(&self, path: &Path) -> Option<String>;
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureSelection;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    overrides: BTreeMap<String, Option<Severity>>,
}

impl RuleConfig {
    pub fn from_json(value: &serde_json::Value) -> Result<RuleConfig, String> {
        match value {
            serde_json::Value::Null => Ok(RuleConfig::default()),
            serde_json::Value::Object(map) => {
                let mut overrides = BTreeMap::new();
                for (code, level) in map {
                    let severity = match level.as_str() {
                        Some("off") => None,
                        Some(text) => Some(
                            Severity::parse(text)
                                .ok_or_else(|| format!("unknown severity {text:?}"))?,
                        ),
                        None => return Err(format!("rule {code}: expected a string")),
                    };
                    overrides.insert(code.clone(), severity);
                }
                Ok(RuleConfig { overrides })
            }
            _ => Err("triplet.rules must be an object".to_string()),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    pub targets: Vec<String>,
    pub rules: RuleConfig,
    pub features: FeatureSelection,
}

#[derive(Debug, Clone)]
pub struct LoadError {
    pub message: String,
    pub manifest: Option<PathBuf>,
    pub range: Option<Range<usize>>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub struct Engine {
    root: PathBuf,
}

impl Engine {
    pub fn load(root: &Path, _options: EngineOptions) -> Result<Engine, LoadError> {
        Ok(Engine {
            root: root.to_path_buf(),
        })
    }
    pub fn workspace_root(&self) -> &Path {
        &self.root
    }
    pub fn owns(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
    }
    pub fn check_file(&self, _path: &Path, _sources: &dyn SourceProvider) -> Vec<Finding> {
        Vec::new()
    }
    pub fn check_all(&self, _sources: &dyn SourceProvider) -> Vec<Finding> {
        Vec::new()
    }
    pub fn selected_targets(&self) -> Vec<String> {
        Vec::new()
    }
    pub fn installed_targets(&self) -> Vec<String> {
        Vec::new()
    }
    pub fn known_targets(&self) -> Vec<String> {
        Vec::new()
    }
}
