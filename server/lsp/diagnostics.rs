//! Findings (byte ranges) → LSP diagnostics (positions in the negotiated encoding).

use super::line_index::{LineIndex, PositionEncoding};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::rules::doc_url;
use lsp_types::{CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Uri};
use serde_json::json;
use std::ops::Range;

pub const SOURCE: &str = "triplet";

/// The `code` of a diagnostic for a workspace that failed to load (not a rule).
pub const LOAD_ERROR_CODE: &str = "load-error";

pub fn to_diagnostic(
    finding: &Finding,
    index: &LineIndex,
    encoding: PositionEncoding,
) -> Diagnostic {
    let fixes: Vec<_> = finding
        .fixes
        .iter()
        .enumerate()
        .map(|(index, fix)| json!({"index": index, "title": fix.title, "preferred": fix.preferred}))
        .collect();
    Diagnostic {
        range: index.range(&finding.range, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.as_str().to_string())),
        code_description: doc_url(finding.code, None)
            .and_then(|url| url.parse::<Uri>().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        related_information: None,
        tags: None,
        data: Some(json!({
            "code": finding.code.as_str(),
            "name": finding.code.name(),
            "package": finding.package,
            "targets": finding.targets,
            "fixes": fixes,
        })),
    }
}

/// `to_diagnostic` for publishing: links the rule's page under `docs_base` (the
/// `triplet.docsUrl` setting) when one is set.
pub fn to_published_diagnostic(
    finding: &Finding,
    index: &LineIndex,
    encoding: PositionEncoding,
    docs_base: Option<&str>,
) -> Diagnostic {
    let mut diagnostic = to_diagnostic(finding, index, encoding);
    if let Some(href) = doc_url(finding.code, docs_base).and_then(|url| url.parse::<Uri>().ok()) {
        diagnostic.code_description = Some(CodeDescription { href });
    }
    diagnostic
}

/// A workspace whose manifest cannot be loaded: an error on the manifest itself.
pub fn load_error_diagnostic(
    message: &str,
    range: Option<&Range<usize>>,
    index: &LineIndex,
    encoding: PositionEncoding,
) -> Diagnostic {
    let range = range.cloned().unwrap_or(0..0);
    Diagnostic {
        range: index.range(&range, encoding),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(LOAD_ERROR_CODE.to_string())),
        source: Some(SOURCE.to_string()),
        message: format!("{message}\n(triplet keeps using the last workspace model that loaded)"),
        ..Diagnostic::default()
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Where a manifest error points ("TOML parse error at line L, column C", or
/// "--> path:L:C"), as a byte range from that column to the end of its line.
pub fn toml_error_range(message: &str, text: &str) -> Option<Range<usize>> {
    let (line, column) = line_and_column(message)?;
    if line == 0 || line > text.split('\n').count() {
        return None;
    }
    let line_start = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum::<usize>();
    let line_text = text.get(line_start..)?.split('\n').next()?;
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    let start = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(index, _)| index);
    Some(line_start + start..line_start + line_text.len())
}

fn line_and_column(message: &str) -> Option<(usize, usize)> {
    let number = |text: &str| -> Option<usize> {
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    if let Some(at) = message.find("at line ") {
        let (line, rest) = message[at + "at line ".len()..].split_once(", column ")?;
        return Some((line.trim().parse().ok()?, number(rest)?));
    }
    let arrow = message
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("--> "))?;
    let mut parts = arrow.trim_end().rsplitn(3, ':');
    let column = number(parts.next()?)?;
    let line = number(parts.next()?)?;
    Some((line, column))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::finding::{Fix, RuleCode, TextEdit};
    use lsp_types::Position;
    use std::path::PathBuf;
    use std::sync::Arc;

    pub fn no_std_finding(text: &str) -> Finding {
        let start = text.find("std::vec::Vec").unwrap_or(0);
        let file = PathBuf::from("/w/src/lib.rs");
        Finding {
            code: RuleCode::T0001,
            severity: Severity::Error,
            message: "`std` in a #![no_std] crate (thumbv7em-none-eabihf)".into(),
            package: "firmware".into(),
            targets: vec!["thumbv7em-none-eabihf".into()],
            file: file.clone(),
            range: start..start + "std::vec::Vec".len(),
            fixes: vec![Fix {
                title: "Use `alloc::vec::Vec`".into(),
                edits: vec![TextEdit {
                    file,
                    range: start..start + 3,
                    new_text: "alloc".into(),
                }],
                preferred: true,
            }],
            api: None,
        }
    }

    #[test]
    fn diagnostic_carries_code_link_source_targets_and_exact_range() {
        let text = "// ☃ 😀\nuse std::vec::Vec;\n";
        let finding = no_std_finding(text);
        let index = LineIndex::new(Arc::from(text));
        let utf16 = to_diagnostic(&finding, &index, PositionEncoding::Utf16);
        assert_eq!(utf16.range.start, Position::new(1, 4));
        assert_eq!(utf16.range.end, Position::new(1, 17));
        assert_eq!(utf16.code, Some(NumberOrString::String("T0001".into())));
        assert_eq!(utf16.source.as_deref(), Some("triplet"));
        // A link only where one leads somewhere (`doc_url`).
        assert_eq!(
            utf16.code_description.map(|d| d.href.as_str().to_string()),
            doc_url(finding.code, None)
        );
        let data = utf16.data.unwrap();
        assert_eq!(data["targets"], json!(["thumbv7em-none-eabihf"]));
        assert_eq!(data["fixes"][0]["preferred"], json!(true));
        assert_eq!(utf16.severity, Some(DiagnosticSeverity::ERROR));
    }

    #[test]
    fn load_error_without_range_sits_at_the_start() {
        let index = LineIndex::new(Arc::from("[package\n"));
        let diagnostic = load_error_diagnostic("bad", None, &index, PositionEncoding::Utf8);
        assert_eq!(diagnostic.range.start, Position::new(0, 0));
        assert!(diagnostic.message.starts_with("bad"));
    }

    #[test]
    fn toml_error_positions_become_byte_ranges() {
        let text = "[package]\nnäme = \n";
        let message = "failed to parse manifest\n\nCaused by:\n  TOML parse error at line 2, column 8\n  |\n2 | näme =";
        assert_eq!(toml_error_range(message, text), Some(10 + 8..10 + 8));
        let message = "TOML parse error at line 2, column 1";
        assert_eq!(toml_error_range(message, text), Some(10..10 + 8));
        assert_eq!(toml_error_range("no position here", text), None);
        let arrow = "string values must be quoted\n --> ws/Cargo.toml:2:8\n  |\n2 | näme = \n";
        assert_eq!(toml_error_range(arrow, text), Some(18..18));
        assert_eq!(toml_error_range("at line 9, column 1", text), None);
    }
}
