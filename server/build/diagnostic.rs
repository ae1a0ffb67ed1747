//! Typed compiler diagnostics, labelled with the target triples that reported them.

use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// How bad a compiler message is (rustc's `level`, with `failure-note` dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
    Help,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
            Severity::Help => "help",
        }
    }
}

/// A span as rustc reports it: 1-based lines, 1-based *character* columns (end exclusive),
/// and 0-based byte offsets into the file (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct SourceRange {
    pub line_start: u32,
    pub column_start: u32,
    pub line_end: u32,
    pub column_end: u32,
    pub byte_start: u32,
    pub byte_end: u32,
}

/// A secondary location: a labelled span of the message or a note/help child with a span.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Related {
    pub file: PathBuf,
    pub range: SourceRange,
    pub message: String,
}

/// One text replacement of a machine-applicable suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Suggestion {
    pub file: PathBuf,
    pub range: SourceRange,
    pub replacement: String,
}

/// A machine-applicable fix: all its edits must be applied together.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    /// rustc's help text, e.g. "if this is intentional, prefix it with an underscore".
    pub message: String,
    pub edits: Vec<Suggestion>,
}

/// One compiler message, collapsed over the targets that reported it identically.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CompilerDiagnostic {
    /// Target triples that produced this exact message, in request order.
    pub targets: Vec<String>,
    /// Cargo's package id of the crate being compiled (empty for cargo's own errors).
    pub package_id: String,
    /// Absolute path of the file; the package manifest when the message has no span.
    pub file: PathBuf,
    /// `None` for workspace-level messages without a span.
    pub range: Option<SourceRange>,
    /// Label of the primary span (`expected `u32`, found `&str``).
    pub label: Option<String>,
    pub severity: Severity,
    /// rustc or clippy code (`E0308`, `unused_variables`, `clippy::needless_return`).
    pub code: Option<String>,
    pub message: String,
    /// rustc's rendered text with ANSI escapes removed.
    pub rendered: Option<String>,
    pub related: Vec<Related>,
    /// Children without a span, as `note: ...` / `help: ...` lines.
    pub notes: Vec<String>,
    /// Only suggestions rustc marks `MachineApplicable`.
    pub fixes: Vec<Fix>,
}

impl CompilerDiagnostic {
    /// The diagnostic without its targets: two targets said "the same thing" when these match.
    fn identity(&self) -> CompilerDiagnostic {
        CompilerDiagnostic {
            targets: Vec::new(),
            ..self.clone()
        }
    }
}

/// Collects diagnostics, merging identical messages from different targets into one.
#[derive(Debug, Default)]
pub struct DiagnosticSet {
    diagnostics: Vec<CompilerDiagnostic>,
    index: HashMap<CompilerDiagnostic, usize>,
}

impl DiagnosticSet {
    pub fn insert(&mut self, diagnostic: CompilerDiagnostic) {
        let identity = diagnostic.identity();
        match self.index.get(&identity) {
            Some(&position) => {
                let existing = &mut self.diagnostics[position].targets;
                for target in diagnostic.targets {
                    if !existing.contains(&target) {
                        existing.push(target);
                    }
                }
            }
            None => {
                self.index.insert(identity, self.diagnostics.len());
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// The collapsed diagnostics, targets sorted in the order given by `target_order`.
    pub fn into_sorted(self, target_order: &[String]) -> Vec<CompilerDiagnostic> {
        let rank = |target: &String| {
            target_order
                .iter()
                .position(|known| known == target)
                .unwrap_or(usize::MAX)
        };
        let mut diagnostics = self.diagnostics;
        for diagnostic in &mut diagnostics {
            diagnostic.targets.sort_by_key(rank);
        }
        diagnostics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(target: &str, message: &str) -> CompilerDiagnostic {
        CompilerDiagnostic {
            targets: vec![target.to_string()],
            package_id: "pkg".into(),
            file: PathBuf::from("/w/src/lib.rs"),
            range: None,
            label: None,
            severity: Severity::Error,
            code: None,
            message: message.into(),
            rendered: None,
            related: Vec::new(),
            notes: Vec::new(),
            fixes: Vec::new(),
        }
    }

    #[test]
    fn identical_messages_from_two_targets_collapse() {
        let mut set = DiagnosticSet::default();
        set.insert(diagnostic("b", "same"));
        set.insert(diagnostic("a", "same"));
        set.insert(diagnostic("a", "only a"));
        let order = vec!["a".to_string(), "b".to_string()];
        let merged = set.into_sorted(&order);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].targets, vec!["a", "b"]);
        assert_eq!(merged[1].targets, vec!["a"]);
    }
}
