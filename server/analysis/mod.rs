//! Pure analysis: source text and facts in, findings out. No I/O, no LSP types.

pub mod cfg;
pub mod context;
pub mod crate_verdict;
pub mod dependency_graph;
pub mod finding;
pub mod items;
pub mod local_types;
pub mod manifest;
pub mod resolve;
pub mod rules;
pub mod std_paths;
pub mod syntax;

use context::{CrateInput, ManifestInput, TargetOrigin};
use finding::Finding;
use manifest::TomlSpans;
use rules::FindingSet;

/// T0001 and T0002 over one crate's module tree.
pub fn analyze_crate(input: &CrateInput<'_>) -> Vec<Finding> {
    let mut out = FindingSet::default();
    rules::std_in_no_std::check(input, &mut out);
    rules::unsupported_api::check(input, &mut out);
    out.into_vec()
}

/// The part of `analyze_crate` about the crate as a whole, located at its root.
pub fn analyze_crate_level(input: &CrateInput<'_>) -> Vec<Finding> {
    let mut out = FindingSet::default();
    rules::std_in_no_std::check_crate_level(input, &mut out);
    out.into_vec()
}

/// The part of `analyze_crate` located in `input.files[index]`. It depends only on that
/// file, its module gate, the crate root's syntax facts and the targets, so callers can
/// cache it per file; `analyze_crate_level` plus this for every file is `analyze_crate`.
pub fn analyze_crate_file(input: &CrateInput<'_>, index: usize) -> Vec<Finding> {
    let mut out = FindingSet::default();
    rules::std_in_no_std::check_one_file(input, index, &mut out);
    rules::unsupported_api::check_one_file(input, index, &mut out);
    out.into_vec()
}

/// T0003, T0004 and T0005 over one package's manifest. A manifest that is not valid TOML
/// yields nothing here (the workspace loader reports it).
pub fn analyze_manifest(input: &ManifestInput<'_>) -> Vec<Finding> {
    let Ok(spans) = TomlSpans::parse(input.text) else {
        return Vec::new();
    };
    let mut out = FindingSet::default();
    rules::missing_crate_type::check(input, &spans, &mut out);
    rules::dependency_pulls_std::check(input, &spans, &mut out);
    rules::dependency_unsupported_on_target::check(input, &spans, &mut out);
    // T0004 (a direct dependency's default features turn std on: a warning with its one
    // fix) stays beside T0005's error on the same line, which names the crates and the chain.
    out.into_vec()
}

/// T0006 and T0007 over where a package's targets were selected.
pub fn analyze_target_selection(
    package: &str,
    named: &[TargetOrigin],
    selected: &[TargetOrigin],
    install: &rules::target_not_installed::InstallFacts<'_>,
) -> Vec<Finding> {
    let mut out = FindingSet::default();
    // Every triple any source names is validated; only the selected ones are built for.
    rules::unknown_target::check(package, named, install.known, &mut out);
    rules::target_not_installed::check(package, selected, install, &mut out);
    out.into_vec()
}
