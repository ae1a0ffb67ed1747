//! `--format sarif`: SARIF 2.1.0 for code-scanning UIs. Columns are Unicode code points
//! (declared in `columnKind`), paths relative to `%SRCROOT%` (the workspace root).

use super::{place_edits, relative, Positions};
use crate::analysis::finding::{Finding, Severity};
use crate::analysis::rules::{doc_url, rule_page, ALL_RULES};
use serde_json::{json, Value};
use std::path::Path;

pub fn render(root: &Path, findings: &[Finding], positions: &mut Positions) -> Value {
    let rules: Vec<Value> = ALL_RULES
        .iter()
        .map(|rule| {
            let mut descriptor = json!({
                "id": rule.code.as_str(),
                "name": rule.name,
                "shortDescription": { "text": rule.name.replace('-', " ") },
                "fullDescription": { "text": rule.short },
                "help": { "text": rule_page(rule), "markdown": rule_page(rule) },
                "defaultConfiguration": { "level": level(rule.default_severity) },
            });
            // Only a link that leads somewhere (see `doc_url`).
            if let Some(url) = doc_url(rule.code, None) {
                descriptor["helpUri"] = json!(url);
            }
            descriptor
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(root, f, positions))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver(rules) },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": format!("file://{}/", root.display()) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn driver(rules: Vec<Value>) -> Value {
    let mut driver = json!({
        "name": "triplet",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        driver["informationUri"] = json!(repository);
    }
    driver
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(start: super::Position, end: super::Position) -> Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn result(root: &Path, finding: &Finding, positions: &mut Positions) -> Value {
    let start = positions.position(&finding.file, finding.range.start);
    let end = positions.position(&finding.file, finding.range.end);
    let fixes: Vec<Value> = (0..finding.fixes.len())
        .map(|index| {
            let changes: Vec<Value> = place_edits(finding, index, positions)
                .into_iter()
                .map(|placed| {
                    json!({
                        "artifactLocation": { "uri": relative(root, &placed.edit.file), "uriBaseId": "%SRCROOT%" },
                        "replacements": [{
                            "deletedRegion": region(placed.start, placed.end),
                            "insertedContent": { "text": placed.edit.new_text },
                        }],
                    })
                })
                .collect();
            json!({ "description": { "text": finding.fixes[index].title }, "artifactChanges": changes })
        })
        .collect();
    json!({
        "ruleId": finding.code.as_str(),
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": relative(root, &finding.file), "uriBaseId": "%SRCROOT%" },
            "region": region(start, end),
        }}],
        "properties": { "package": finding.package, "targets": finding.targets },
        "fixes": fixes,
    })
}
