//! The client's `triplet` settings: from `initializationOptions`, `workspace/configuration`
//! (one answer per workspace folder) or `workspace/didChangeConfiguration`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// Serialize names the fields as the client spells them: tests/it/schemas.rs compares them
// with schemas/settings.schema.json so that a setting is never added to only one side.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Target override for this folder; empty = the workspace's own selection.
    pub targets: Vec<String>,
    /// Run the per-target builds on save (read by the build runner; off by default).
    pub check_on_save: bool,
    /// `code -> severity | "off"`, handed to the engine as is.
    pub rules: Value,
    /// Where rule pages live (a rules.md URL): diagnostics link to it when set.
    pub docs_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            targets: Vec::new(),
            check_on_save: false,
            rules: Value::Null,
            docs_url: None,
        }
    }
}

impl Settings {
    /// Reads a `triplet` settings object, or an object that holds one under `triplet`.
    /// `null` means defaults; anything malformed is an error message for the user.
    pub fn from_json(value: &Value) -> Result<Settings, String> {
        let value = match value.get("triplet") {
            Some(inner) => inner,
            None => value,
        };
        if value.is_null() {
            return Ok(Settings::default());
        }
        serde_json::from_value(value.clone()).map_err(|error| format!("triplet settings: {error}"))
    }
}

/// Settings for the whole session plus, where the client scopes them, per folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub global: Settings,
    pub folders: BTreeMap<PathBuf, Settings>,
}

impl Config {
    /// The settings of the folder that holds `root` (or that `root` holds), deepest first.
    pub fn for_workspace(&self, root: &Path) -> &Settings {
        self.folders
            .iter()
            .filter(|(folder, _)| root.starts_with(folder) || folder.starts_with(root))
            .max_by_key(|(folder, _)| folder.components().count())
            .map_or(&self.global, |(_, settings)| settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_nested_or_bare_objects_with_defaults() {
        let nested =
            Settings::from_json(&json!({"triplet": {"targets": ["wasm32-unknown-unknown"]}}));
        assert_eq!(nested.unwrap().targets, vec!["wasm32-unknown-unknown"]);
        let bare =
            Settings::from_json(&json!({"checkOnSave": false, "rules": {"T0002": "off"}})).unwrap();
        assert!(!bare.check_on_save);
        assert_eq!(bare.rules, json!({"T0002": "off"}));
        assert_eq!(
            Settings::from_json(&Value::Null).unwrap(),
            Settings::default()
        );
    }

    #[test]
    fn malformed_settings_are_an_error_not_a_panic() {
        assert!(Settings::from_json(&json!({"targets": "x86_64"})).is_err());
        assert!(Settings::from_json(&json!(42)).is_err());
    }

    #[test]
    fn folder_settings_win_for_roots_inside_or_around_the_folder() {
        let mut config = Config::default();
        let web = Settings {
            targets: vec!["wasm32-unknown-unknown".into()],
            ..Settings::default()
        };
        config.folders.insert(PathBuf::from("/w/web"), web.clone());
        assert_eq!(config.for_workspace(Path::new("/w/web")), &web);
        assert_eq!(config.for_workspace(Path::new("/w/web/inner")), &web);
        assert_eq!(config.for_workspace(Path::new("/w")), &web);
        assert_eq!(config.for_workspace(Path::new("/x")), &Settings::default());
    }
}
