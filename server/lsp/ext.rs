//! Triplet's own protocol extensions (the VS Code and Neovim clients speak these).

use lsp_types::Uri;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetsResult {
    pub selected: Vec<String>,
    pub installed: Vec<String>,
    pub known: Vec<String>,
}

/// `triplet/targets`: the targets in play. Without a `uri`, the union over all workspaces;
/// with one, the workspace that owns that file.
pub enum TargetsRequest {}

impl lsp_types::request::Request for TargetsRequest {
    type Params = Option<TargetsParams>;
    type Result = TargetsResult;
    const METHOD: &'static str = "triplet/targets";
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TargetsParams {
    pub uri: Option<Uri>,
}

/// `triplet/checkStatus` (server → client): progress of the real per-target builds
/// (sent by the build runner).
pub enum CheckStatusNotification {}

impl lsp_types::notification::Notification for CheckStatusNotification {
    type Params = CheckStatusParams;
    const METHOD: &'static str = "triplet/checkStatus";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CheckState {
    Started,
    Finished,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckStatusParams {
    pub state: CheckState,
    /// The Cargo workspace root the check runs in.
    pub workspace: Uri,
    /// The targets this check covers.
    pub targets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub errors: u32,
    #[serde(default)]
    pub warnings: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn check_status_wire_format() {
        let params = CheckStatusParams {
            state: CheckState::Finished,
            workspace: "file:///w".parse().unwrap(),
            targets: vec!["wasm32-unknown-unknown".into()],
            message: None,
            errors: 2,
            warnings: 0,
        };
        assert_eq!(
            serde_json::to_value(&params).unwrap(),
            json!({"state": "finished", "workspace": "file:///w",
                   "targets": ["wasm32-unknown-unknown"], "errors": 2, "warnings": 0})
        );
    }

    #[test]
    fn targets_params_accept_null_and_empty_objects() {
        let null: Option<TargetsParams> = serde_json::from_value(json!(null)).unwrap();
        assert_eq!(null, None);
        let empty: Option<TargetsParams> = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, Some(TargetsParams::default()));
    }
}
