//! What the analysis reports: findings with byte ranges, and fixes as exact text edits.

use super::rules::{self, Rule};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Stable rule codes. The code, the kebab-case name and the doc anchor never change; each
/// code has one declaration in `analysis/rules/` ([`RuleCode::rule`]).
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

    /// The rule's declaration (its file in `analysis/rules/`).
    pub fn rule(self) -> &'static Rule {
        rules::rule(self)
    }

    pub fn name(self) -> &'static str {
        self.rule().name
    }

    pub fn default_severity(self) -> Severity {
        self.rule().default_severity
    }

    /// Accepts the code ("T0002", any case) or the name ("unsupported-api").
    pub fn parse(text: &str) -> Option<RuleCode> {
        rules::ALL_RULES
            .iter()
            .map(|rule| rule.code)
            .find(|code| code.as_str().eq_ignore_ascii_case(text) || code.name() == text)
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

/// Findings keyed by (file, range, code): a location reported for several targets becomes
/// one finding that lists them all. The one place findings are merged: the rules fill it
/// per target, the engine merges the findings of every package and crate into one.
#[derive(Default)]
pub struct FindingSet {
    findings: BTreeMap<(PathBuf, usize, usize, RuleCode), Finding>,
}

impl FindingSet {
    /// Adds `target` to the finding at this location, creating it if needed. The message is
    /// re-rendered from the full target list; fixes are computed once.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        code: RuleCode,
        package: &str,
        file: &Path,
        range: Range<usize>,
        target: &str,
        message: impl FnOnce(&[String]) -> String,
        fixes: impl FnOnce() -> Vec<Fix>,
    ) {
        let key = (file.to_path_buf(), range.start, range.end, code);
        let finding = self.findings.entry(key).or_insert_with(|| Finding {
            code,
            severity: code.default_severity(),
            message: String::new(),
            package: package.to_string(),
            targets: Vec::new(),
            file: file.to_path_buf(),
            range,
            fixes: fixes(),
            api: None,
        });
        if !finding.targets.iter().any(|t| t == target) {
            finding.targets.push(target.to_string());
        }
        finding.message = message(&finding.targets);
    }

    /// Adds a finding that was built whole (all its targets known), replacing any at its
    /// location.
    pub fn push(&mut self, finding: Finding) {
        self.findings.insert(Self::key(&finding), finding);
    }

    /// Adds a finding; one already at its location keeps its message and fixes and gains
    /// the new finding's targets.
    pub fn merge(&mut self, finding: Finding) {
        match self.findings.get_mut(&Self::key(&finding)) {
            Some(existing) => {
                for target in finding.targets {
                    if !existing.targets.contains(&target) {
                        existing.targets.push(target);
                    }
                }
            }
            None => self.push(finding),
        }
    }

    /// Adds a finding; one already at its location (another check of the same rule) gains
    /// its message, targets and fixes.
    pub fn combine(&mut self, finding: Finding) {
        match self.findings.get_mut(&Self::key(&finding)) {
            Some(existing) => {
                existing.message = format!("{}; {}", existing.message, finding.message);
                for target in finding.targets {
                    if !existing.targets.contains(&target) {
                        existing.targets.push(target);
                    }
                }
                existing.fixes.extend(finding.fixes);
            }
            None => self.push(finding),
        }
    }

    fn key(finding: &Finding) -> (PathBuf, usize, usize, RuleCode) {
        (
            finding.file.clone(),
            finding.range.start,
            finding.range.end,
            finding.code,
        )
    }

    /// The findings, ordered by file, range and code.
    pub fn into_vec(self) -> Vec<Finding> {
        self.findings.into_values().collect()
    }
}
