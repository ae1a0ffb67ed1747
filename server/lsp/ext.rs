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

/// `triplet/checkStatus` (server → client): one target's real check/build, as it starts
/// and ends (sent by the build runner). The VS Code and Neovim clients read this shape.
pub enum CheckStatusNotification {}

impl lsp_types::notification::Notification for CheckStatusNotification {
    type Params = CheckStatusParams;
    const METHOD: &'static str = "triplet/checkStatus";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CheckState {
    Running,
    Ok,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckStatusParams {
    pub target: String,
    pub state: CheckState,
    #[serde(default)]
    pub errors: u32,
    #[serde(default)]
    pub warnings: u32,
    /// The Cargo workspace root the check runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Uri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Arguments of the `triplet.check` / `triplet.build` / `triplet.cancel` /
/// `triplet.installTarget` / `triplet.checkBuildStd` commands: no target = every selected
/// target of the package of `uri`; `uri` picks the package and workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckArgs {
    pub target: Option<String>,
    pub uri: Option<Uri>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn check_status_wire_format() {
        let params = CheckStatusParams {
            target: "wasm32-unknown-unknown".into(),
            state: CheckState::Failed,
            errors: 2,
            warnings: 0,
            workspace: None,
            message: None,
        };
        assert_eq!(
            serde_json::to_value(&params).unwrap(),
            json!({"target": "wasm32-unknown-unknown", "state": "failed", "errors": 2, "warnings": 0})
        );
        let running: CheckStatusParams =
            serde_json::from_value(json!({"target": "x", "state": "running"})).unwrap();
        assert_eq!(running.state, CheckState::Running);
        let args: CheckArgs = serde_json::from_value(json!({"target": "x"})).unwrap();
        assert_eq!(args.target.as_deref(), Some("x"));
    }

    #[test]
    fn targets_params_accept_null_and_empty_objects() {
        let null: Option<TargetsParams> = serde_json::from_value(json!(null)).unwrap();
        assert_eq!(null, None);
        let empty: Option<TargetsParams> = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, Some(TargetsParams::default()));
    }
}
