//! The rule catalogue. Each rule lives in its own file; see docs/rules.md.

pub mod crate_type;
pub mod dependency_std;
pub mod dependency_traps;
pub mod std_in_no_std;
pub mod target_not_installed;
pub mod unavailable_on_target;
pub mod unknown_target;
pub mod unsupported_api;

use super::finding::{Finding, Fix, RuleCode};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Findings keyed by (file, range, code): a location reported for several targets becomes
/// one finding that lists them all.
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

    /// Adds a finding that was built whole (all its targets known).
    pub fn push(&mut self, finding: Finding) {
        let key = (
            finding.file.clone(),
            finding.range.start,
            finding.range.end,
            finding.code,
        );
        self.findings.insert(key, finding);
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.findings.into_values().collect()
    }
}

/// "wasm32-unknown-unknown" or "wasm32-wasip1 and wasm32-wasip2" or "a, b and c".
pub fn format_targets(targets: &[String]) -> String {
    match targets {
        [] => "no target".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
