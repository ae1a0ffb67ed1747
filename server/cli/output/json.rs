//! `--format json`: one object, `{"findings": [...], "summary": {...}}` (see README).

use super::{place_edits, relative, Positions};
use crate::analysis::finding::Finding;
use crate::analysis::rules::doc_url;
use crate::engine::LoadError;
use serde_json::{json, Value};
use std::path::Path;

pub fn render(
    root: &Path,
    findings: &[Finding],
    problems: &[LoadError],
    positions: &mut Positions,
) -> Value {
    let items: Vec<Value> = findings
        .iter()
        .map(|f| finding_json(root, f, positions))
        .collect();
    let count = |severity: &str| {
        findings
            .iter()
            .filter(|f| f.severity.as_str() == severity)
            .count()
    };
    json!({
        "version": 1,
        "workspace_root": root.display().to_string(),
        "findings": items,
        "load_errors": problems.iter().map(|p| json!({
            "file": p.manifest.as_ref().map(|m| relative(root, m)),
            "message": p.message,
        })).collect::<Vec<_>>(),
        "summary": {
            "errors": count("error"),
            "warnings": count("warning"),
            "infos": count("info"),
        },
    })
}

fn finding_json(root: &Path, finding: &Finding, positions: &mut Positions) -> Value {
    let start = positions.position(&finding.file, finding.range.start);
    let end = positions.position(&finding.file, finding.range.end);
    let fixes: Vec<Value> = (0..finding.fixes.len())
        .map(|index| {
            let edits: Vec<Value> = place_edits(finding, index, positions)
                .into_iter()
                .map(|placed| {
                    json!({
                        "file": relative(root, &placed.edit.file),
                        "line": placed.start.line,
                        "column": placed.start.column,
                        "end_line": placed.end.line,
                        "end_column": placed.end.column,
                        "new_text": placed.edit.new_text,
                    })
                })
                .collect();
            json!({
                "title": finding.fixes[index].title,
                "preferred": finding.fixes[index].preferred,
                "edits": edits,
            })
        })
        .collect();
    json!({
        "code": finding.code.as_str(),
        "name": finding.code.name(),
        "severity": finding.severity.as_str(),
        "message": finding.message,
        "package": finding.package,
        "targets": finding.targets,
        "file": relative(root, &finding.file),
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
        "doc": doc_url(finding.code, None),
        "fixes": fixes,
    })
}
