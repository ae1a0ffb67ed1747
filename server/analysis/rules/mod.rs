//! The rule catalogue. One rule, one file: `<rule-name>.rs` holds the rule's check and its
//! [`Rule`] declaration (code, name, default severity, where it reports, and its docs page).
//! `docs/rules.md`, the README's rules table and the rule parts of `schemas/*.json` are
//! generated from [`ALL_RULES`] (`TRIPLET_BLESS=1 cargo test --test it generated_files::`).
//!
//! Adding a rule:
//! 1. a variant in [`RuleCode`] (`analysis/finding.rs`);
//! 2. a file here named after the rule, with `pub const RULE: Rule` and its `check`;
//! 3. the `RULE` in [`ALL_RULES`] and in [`rule`], and the `check` call in `analysis/mod.rs`;
//! 4. its cases in `tests/it/rules/<code>_<name>.rs`, a `mod` in `tests/it/rules/mod.rs` (one
//!    test binary for every rule);
//! 5. `TRIPLET_BLESS=1 cargo test --test it generated_files::` (docs, README, schemas), then
//!    `npm run gen:settings` in `editors/vscode` (VS Code settings).

pub mod dependency_pulls_std;
pub mod dependency_unsupported_on_target;
pub mod missing_crate_type;
pub mod std_in_no_std;
pub mod target_not_installed;
pub mod unavailable_on_target;
pub mod unknown_target;
pub mod unsupported_api;

pub use super::finding::FindingSet;
// T0007's "did you mean", also the CLI's for `--target`, so both suggest the same triple.
use super::finding::{RuleCode, Severity};
pub use unknown_target::nearest_target;

/// Everything Triplet says about a rule outside its check: the single source for the docs
/// page, `triplet explain`, the README table, the settings schemas and SARIF's rule list.
#[derive(Debug)]
pub struct Rule {
    pub code: RuleCode,
    /// Kebab-case, stable: accepted wherever a code is (`--rule`, settings, `explain`).
    pub name: &'static str,
    pub default_severity: Severity,
    pub reported_in: ReportedIn,
    /// One sentence for settings UIs (schema descriptions).
    pub short: &'static str,
    /// One line for the README table: what it flags, then its fix.
    pub summary: &'static str,
    /// The rule's page in Markdown, without its heading: what fires, what does not, the
    /// fix, an example.
    pub docs: &'static str,
    /// The file that holds the rule (shown in docs/rules.md).
    pub source_file: &'static str,
}

/// The kind of file a rule's findings point into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportedIn {
    Source,
    Manifest,
    TargetSelection,
}

impl ReportedIn {
    pub fn describe(self) -> &'static str {
        match self {
            ReportedIn::Source => "source",
            ReportedIn::Manifest => "Cargo.toml",
            ReportedIn::TargetSelection => "where the target is selected",
        }
    }
}

/// Every rule, in code order.
pub const ALL_RULES: &[&Rule] = &[
    &std_in_no_std::RULE,
    &unsupported_api::RULE,
    &missing_crate_type::RULE,
    &dependency_pulls_std::RULE,
    &dependency_unsupported_on_target::RULE,
    &target_not_installed::RULE,
    &unknown_target::RULE,
    &unavailable_on_target::RULE,
];

/// The declaration of `code` (exhaustive: a new code does not compile until it has one).
pub fn rule(code: RuleCode) -> &'static Rule {
    match code {
        RuleCode::T0001 => &std_in_no_std::RULE,
        RuleCode::T0002 => &unsupported_api::RULE,
        RuleCode::T0003 => &missing_crate_type::RULE,
        RuleCode::T0004 => &dependency_pulls_std::RULE,
        RuleCode::T0005 => &dependency_unsupported_on_target::RULE,
        RuleCode::T0006 => &target_not_installed::RULE,
        RuleCode::T0007 => &unknown_target::RULE,
        RuleCode::T0008 => &unavailable_on_target::RULE,
    }
}

/// The rule's page as `triplet explain` prints it and hover shows it: a heading, then the
/// declared docs.
pub fn rule_page(rule: &Rule) -> String {
    format!(
        "# {} {}\n\nDefault severity: {}. Reported in: {}.\n\n{}",
        rule.code.as_str(),
        rule.name,
        rule.default_severity.as_str(),
        rule.reported_in.describe(),
        rule.docs.trim()
    ) + "\n"
}

/// The rule's docs (Markdown, without heading) for `code`.
pub fn rule_doc(code: RuleCode) -> &'static str {
    rule(code).docs
}

/// A link to the rule's page, only when there is a real place to link to: `docs_base` (the
/// `triplet.docsUrl` setting: the URL of a rules.md) or, failing that, this package's own
/// `repository` once Cargo.toml declares one. `None` otherwise: a placeholder link that
/// leads nowhere is worse than none (`triplet explain CODE` prints the page).
pub fn doc_url(code: RuleCode, docs_base: Option<&str>) -> Option<String> {
    let base = match docs_base.map(str::trim).filter(|base| !base.is_empty()) {
        Some(base) => base.trim_end_matches('/').to_string(),
        None => {
            let repository = option_env!("CARGO_PKG_REPOSITORY").unwrap_or("").trim();
            if repository.is_empty() {
                return None;
            }
            format!(
                "{}/blob/main/docs/rules.md",
                repository.trim_end_matches('/')
            )
        }
    };
    Some(format!("{base}#{}", doc_anchor(code)))
}

/// The heading anchor of the rule in docs/rules.md ("t0001-std-in-no-std").
pub fn doc_anchor(code: RuleCode) -> String {
    format!("{}-{}", code.as_str().to_ascii_lowercase(), code.name())
}

/// "wasm32-unknown-unknown" or "wasm32-wasip1 and wasm32-wasip2" or "a, b and c".
pub fn format_targets(targets: &[String]) -> String {
    match targets {
        [] => "no target".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_lists_every_code_once_in_order_with_its_own_declaration() {
        for (index, declared) in ALL_RULES.iter().enumerate() {
            assert_eq!(declared.code.as_str(), format!("T{:04}", index + 1));
            assert_eq!(rule(declared.code).name, declared.name);
            assert!(declared
                .source_file
                .ends_with(&format!("{}.rs", declared.name.replace('-', "_"))));
        }
    }

    #[test]
    fn every_page_says_what_fires_and_the_fix() {
        for rule in ALL_RULES {
            assert!(rule.docs.contains("**Fires**"), "{}", rule.name);
            assert!(rule.docs.contains("**Does not fire**"), "{}", rule.name);
            assert!(rule.docs.contains("**Example**"), "{}", rule.name);
        }
    }

    #[test]
    fn doc_urls_exist_only_with_a_real_base() {
        assert_eq!(
            doc_url(RuleCode::T0002, Some("https://example.org/rules.md/")).as_deref(),
            Some("https://example.org/rules.md#t0002-unsupported-api")
        );
        let repository = env!("CARGO_PKG_REPOSITORY");
        assert_eq!(
            doc_url(RuleCode::T0002, None).is_some(),
            !repository.is_empty()
        );
        assert_eq!(
            doc_url(RuleCode::T0002, Some(" ")),
            doc_url(RuleCode::T0002, None)
        );
    }
}
