//! Hover on a finding: its rule's page; on a flagged run-time API first the per-target
//! support, failure mode, std source and alternative.

use crate::analysis::context::Behaviour;
use crate::analysis::finding::{ApiFacts, Finding};
use crate::analysis::rules::{doc_url, rule_page};
use crate::lsp::line_index::{LineIndex, PositionEncoding};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

pub fn hover(
    findings: &[Finding],
    index: &LineIndex,
    position: Position,
    encoding: PositionEncoding,
) -> Option<Hover> {
    let under_cursor = |finding: &&Finding| {
        let range = index.range(&finding.range, encoding);
        range.start <= position && position <= range.end
    };
    // A run-time API finding first (its per-target facts), else any finding: its rule's page.
    let finding = findings
        .iter()
        .filter(under_cursor)
        .find(|finding| finding.api.is_some())
        .or_else(|| findings.iter().find(under_cursor))?;
    let mut value = match &finding.api {
        Some(facts) => render(finding, facts) + "\n---\n\n",
        None => String::new(),
    };
    value.push_str(&rule_page(finding.code.rule()));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(index.range(&finding.range, encoding)),
    })
}

fn render(finding: &Finding, facts: &ApiFacts) -> String {
    // Anything but `ok` is listed with its failure mode (`absent` included).
    let (working, failing): (Vec<_>, Vec<_>) = facts
        .per_target
        .iter()
        .partition(|fact| fact.behaviour == Behaviour::Ok);
    let rule = format!("{} {}", finding.code.as_str(), finding.code.name());
    let rule = match doc_url(finding.code, None) {
        Some(url) => format!("[{rule}]({url})"),
        None => rule,
    };
    let mut out = format!("**`{}`** · {rule}\n\n", facts.api);
    if working.is_empty() {
        out.push_str("Works on: none of the selected targets\n\n");
    } else {
        let names: Vec<_> = working
            .iter()
            .map(|fact| format!("`{}`", fact.target))
            .collect();
        out.push_str(&format!("Works on: {}\n\n", names.join(", ")));
    }
    if !failing.is_empty() {
        out.push_str("Fails on:\n\n");
        for fact in failing {
            out.push_str(&format!("- `{}`: **{}**", fact.target, fact.behaviour));
            if !fact.message.is_empty() {
                out.push_str(&format!(" — `{}`", fact.message.replace('`', "'")));
            }
            if !fact.source.is_empty() {
                out.push_str(&format!(" (std: `{}`)", fact.source));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if let Some(alternative) = &facts.alternative {
        out.push_str(&format!("Alternative: {alternative}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::finding::{ApiTargetFact, RuleCode, Severity};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn instant_finding(text: &str) -> Finding {
        let start = text.find("std::time").unwrap();
        let fact =
            |target: &str, behaviour: Behaviour, message: &str, source: &str| ApiTargetFact {
                target: target.into(),
                behaviour,
                message: message.into(),
                source: source.into(),
            };
        Finding {
            code: RuleCode::T0002,
            severity: Severity::Warning,
            message: "`std::time::Instant::now` panics on wasm32-unknown-unknown".into(),
            package: "web".into(),
            targets: vec!["wasm32-unknown-unknown".into()],
            file: PathBuf::from("/w/src/lib.rs"),
            range: start..start + "std::time::Instant::now".len(),
            fixes: vec![],
            api: Some(ApiFacts {
                api: "std::time::Instant::now".into(),
                per_target: vec![
                    fact("x86_64-unknown-linux-gnu", Behaviour::Ok, "", ""),
                    fact(
                        "wasm32-unknown-unknown",
                        Behaviour::Panic,
                        "time not implemented on this platform",
                        "library/std/src/sys/pal/unsupported/time.rs",
                    ),
                ],
                alternative: Some("the `web-time` crate".into()),
            }),
        }
    }

    #[test]
    fn hover_lists_working_and_failing_targets_with_source_and_alternative() {
        let text = "fn f() { let _ = 日本::x; std::time::Instant::now(); }";
        let index = LineIndex::new(Arc::from(text));
        let finding = instant_finding(text);
        let inside = index.position(finding.range.start + 3, PositionEncoding::Utf16);
        let hover = hover(&[finding], &index, inside, PositionEncoding::Utf16).unwrap();
        let HoverContents::Markup(markup) = hover.contents else {
            panic!("expected markdown");
        };
        assert!(markup
            .value
            .contains("Works on: `x86_64-unknown-linux-gnu`"));
        assert!(markup.value.contains("`wasm32-unknown-unknown`: **panic**"));
        assert!(markup
            .value
            .contains("time not implemented on this platform"));
        assert!(markup
            .value
            .contains("library/std/src/sys/pal/unsupported/time.rs"));
        assert!(markup.value.contains("web-time"));
    }

    #[test]
    fn no_hover_outside_flagged_ranges() {
        let text = "fn f() { std::time::Instant::now(); }";
        let index = LineIndex::new(Arc::from(text));
        let finding = instant_finding(text);
        assert!(hover(
            &[finding],
            &index,
            Position::new(0, 0),
            PositionEncoding::Utf16
        )
        .is_none());
    }
}
