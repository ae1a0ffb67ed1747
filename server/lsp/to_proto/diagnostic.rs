//! Findings (byte ranges) → LSP diagnostics (positions in the negotiated encoding).

use crate::analysis::finding::{Finding, Severity};
use crate::analysis::rules::doc_url;
use crate::lsp::line_index::{LineIndex, PositionEncoding};
use lsp_types::{CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Uri};
use serde_json::json;
use std::ops::Range;

const SOURCE: &str = "triplet";

/// The `code` of a diagnostic for a workspace that failed to load (not a rule).
const LOAD_ERROR_CODE: &str = "load-error";

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
}
