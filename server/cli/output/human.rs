//! Human output in the style of rustc's diagnostics, naming the targets of each finding.

use super::{relative, Positions};
use crate::analysis::finding::Finding;
use crate::analysis::rules::doc_url;
use std::fmt::Write;
use std::path::Path;

pub fn render(root: &Path, findings: &[Finding], positions: &mut Positions) -> String {
    let mut out = String::new();
    for finding in findings {
        let start = positions.position(&finding.file, finding.range.start);
        let end = positions.position(&finding.file, finding.range.end);
        let line_text = positions
            .text(&finding.file)
            .lines()
            .nth(start.line - 1)
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string();
        let gutter = " ".repeat(start.line.to_string().len());
        let width = if end.line == start.line {
            end.column.saturating_sub(start.column).max(1)
        } else {
            1
        };
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            finding.severity.as_str(),
            finding.code.as_str(),
            finding.message
        );
        let _ = writeln!(
            out,
            "{gutter}--> {}:{}:{}",
            relative(root, &finding.file),
            start.line,
            start.column
        );
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{} | {line_text}", start.line);
        let _ = writeln!(
            out,
            "{gutter} | {}{}",
            " ".repeat(start.column - 1),
            "^".repeat(width)
        );
        let _ = writeln!(out, "{gutter} = targets: {}", finding.targets.join(", "));
        for fix in &finding.fixes {
            let _ = writeln!(out, "{gutter} = fix: {}", fix.title);
        }
        let help = doc_url(finding.code, None)
            .unwrap_or_else(|| format!("run `triplet explain {}`", finding.code.as_str()));
        let _ = writeln!(out, "{gutter} = help: {help}");
        out.push('\n');
    }
    out
}
