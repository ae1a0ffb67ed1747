//! What the analysis reports: findings with byte ranges, and fixes as exact text edits.

use serde::Serialize;
use std::ops::Range;
use std::path::PathBuf;

/// Stable rule codes. The code, the kebab-case name and the doc anchor never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RuleCode {
    T0001,
    T0002,
    T0003,
    T0004,
    T0005,
    T0006,
    T0007,
    T0008,
}

impl RuleCode {
    pub const ALL: [RuleCode; 8] = [
        RuleCode::T0001,
        RuleCode::T0002,
        RuleCode::T0003,
        RuleCode::T0004,
        RuleCode::T0005,
        RuleCode::T0006,
        RuleCode::T0007,
        RuleCode::T0008,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::T0001 => "T0001",
            RuleCode::T0002 => "T0002",
            RuleCode::T0003 => "T0003",
            RuleCode::T0004 => "T0004",
            RuleCode::T0005 => "T0005",
            RuleCode::T0006 => "T0006",
            RuleCode::T0007 => "T0007",
            RuleCode::T0008 => "T0008",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RuleCode::T0001 => "std-in-no-std",
            RuleCode::T0002 => "unsupported-api",
            RuleCode::T0003 => "missing-crate-type",
            RuleCode::T0004 => "dependency-pulls-std",
            RuleCode::T0005 => "dependency-unsupported-on-target",
            RuleCode::T0006 => "target-not-installed",
            RuleCode::T0007 => "unknown-target",
            RuleCode::T0008 => "unavailable-on-target",
        }
    }

    pub fn default_severity(self) -> Severity {
        match self {
            RuleCode::T0001
            | RuleCode::T0003
            | RuleCode::T0005
            | RuleCode::T0007
            | RuleCode::T0008 => Severity::Error,
            RuleCode::T0002 | RuleCode::T0004 => Severity::Warning,
            RuleCode::T0006 => Severity::Info,
        }
    }

    /// Accepts the code ("T0002", any case) or the name ("unsupported-api").
    pub fn parse(text: &str) -> Option<RuleCode> {
        RuleCode::ALL
            .into_iter()
            .find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
    }

    /// The rule's documentation page (one table, one anchor per rule).
    pub fn doc_url(self) -> String {
        format!(
            "https://github.com/triplet-rs/triplet/blob/main/docs/rules.md#{}-{}",
            self.as_str().to_ascii_lowercase(),
            self.name()
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" | "hint" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Replace `range` (bytes) of `file` with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    pub file: PathBuf,
    pub range: Range<usize>,
    pub new_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    /// The fix an editor may apply with "fix all"/auto-fix.
    pub preferred: bool,
}

/// Extra facts an editor shows on hover for a run-time API finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiFacts {
    pub api: String,
    /// (target, behaviour, message, std source) for every selected target.
    pub per_target: Vec<ApiTargetFact>,
    pub alternative: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTargetFact {
    pub target: String,
    pub behaviour: super::context::Behaviour,
    pub message: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: RuleCode,
    pub severity: Severity,
    pub message: String,
    pub package: String,
    /// Every target this finding concerns (one finding per location and code).
    pub targets: Vec<String>,
    pub file: PathBuf,
    pub range: Range<usize>,
    pub fixes: Vec<Fix>,
    pub api: Option<ApiFacts>,
}
