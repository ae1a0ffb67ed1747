//! T0005 for every reached dependency: the member's graph for each target (`dependency_
//! graph`), each crate judged by what its sources say (`crate_verdict`), reported on the
//! member's direct dependency that brings it in, with the chain and a fix when one clears
//! every failure that dependency brings.

use crate::analysis::context::{GraphInput, ManifestInput, TargetView};
use crate::analysis::crate_verdict::{Failure, TargetFacts};
use crate::analysis::dependency_graph::{
    resolve, DependencyKind, GraphDependency, GraphPackage, PackageGraph, Platform, Resolution,
};
use crate::analysis::finding::{Finding, Fix, RuleCode, Severity, TextEdit};
use crate::analysis::manifest::{edit_toml, TomlSpans};
use std::collections::{BTreeMap, BTreeSet};

/// One crate that cannot build, as found on one target.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Blamed {
    /// `name version`.
    krate: String,
    chain: String,
    reason: String,
}

/// The direct dependency a failure is reported on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct DirectKey {
    key: String,
    platform: Option<String>,
}

/// What a crate's own knowledge offers as a fix: `better_fix(name, version, triple)`.
pub(super) type BetterFix<'a> = dyn Fn(&str, &str, &str) -> Option<Fix> + 'a;

/// Findings for every target, and (direct key, triple, crate name) of each crate named.
pub(super) fn check(
    input: &ManifestInput<'_>,
    graph: &GraphInput<'_>,
    spans: &TomlSpans,
    better_fix: &BetterFix<'_>,
) -> (Vec<Finding>, Vec<(String, String, String)>) {
    let mut said = Vec::new();
    let mut better: BTreeMap<DirectKey, Fix> = BTreeMap::new();
    let root = root_from_manifest(input.text, graph.member).unwrap_or_else(|| graph.member.clone());
    // Per direct dependency: per target, what fails; and the fix that clears it all.
    let mut blamed: BTreeMap<DirectKey, Vec<(String, Vec<Blamed>)>> = BTreeMap::new();
    let mut fixes: BTreeMap<DirectKey, Vec<(String, Candidate)>> = BTreeMap::new();
    for target in input.targets {
        let flags = rustflags_for(input, &target.triple);
        let (resolution, failures) = failures_on(graph, &root, target, &flags);
        let mut by_direct: BTreeMap<DirectKey, Vec<Blamed>> = BTreeMap::new();
        for (unit, failure) in failures {
            let Some(direct) = resolution.direct_key(unit) else {
                continue;
            };
            let Some(package) = package_of(graph.graph, &resolution, unit) else {
                continue;
            };
            let Some(declaration) = root.dependencies.iter().find(|d| {
                d.key == direct
                    && d.kind == DependencyKind::Normal
                    && Platform {
                        triple: &target.triple,
                        cfg: &target.cfg,
                    }
                    .matches(d.platform.as_deref())
            }) else {
                continue;
            };
            let key = DirectKey {
                key: direct.clone(),
                platform: declaration.platform.clone(),
            };
            said.push((direct, target.triple.clone(), package.name.clone()));
            if let Some(fix) = better_fix(&package.name, &package.version, &target.triple) {
                better.insert(key.clone(), fix);
            }
            by_direct.entry(key).or_default().push(Blamed {
                krate: format!("{} {}", package.name, package.version),
                chain: chain(graph.graph, &resolution, unit),
                reason: reason(
                    graph.graph,
                    &resolution,
                    unit,
                    package,
                    &failure,
                    input.package,
                ),
            });
        }
        for (key, found) in by_direct {
            let candidate = fix_for(graph, &root, target, &flags, &key);
            fixes
                .entry(key.clone())
                .or_default()
                .push((target.triple.clone(), candidate));
            blamed
                .entry(key)
                .or_default()
                .push((target.triple.clone(), found));
        }
    }
    let mut findings = Vec::new();
    for (key, per_target) in blamed {
        let Some(range) = spans.dependency_range(&key.key, key.platform.as_deref()) else {
            continue;
        };
        let targets: Vec<String> = per_target.iter().map(|(t, _)| t.clone()).collect();
        // The same crate failing the same way on several targets is said once.
        let mut said: Vec<(Blamed, Vec<String>)> = Vec::new();
        for (triple, found) in &per_target {
            for blame in found {
                match said.iter_mut().find(|(b, _)| b == blame) {
                    Some((_, on)) => on.push(triple.clone()),
                    None => said.push((blame.clone(), vec![triple.clone()])),
                }
            }
        }
        let parts: Vec<String> = said
            .iter()
            .map(|(blame, on)| {
                format!(
                    "`{}` cannot build for {} ({}): {}",
                    blame.krate,
                    super::format_targets(on),
                    blame.chain,
                    blame.reason
                )
            })
            .collect();
        // One fix only when every target agrees on it.
        let candidates = fixes.get(&key).cloned().unwrap_or_default();
        let agreed = candidates
            .first()
            .and_then(|(_, c)| c.clone())
            .filter(|first| candidates.iter().all(|(_, c)| c.as_ref() == Some(first)));
        let fix = better
            .remove(&key)
            .or_else(|| agreed.and_then(|candidate| fix_edit(input, &key, &candidate)));
        let hint = match &fix {
            Some(fix) => format!("; fix: {}", fix.title),
            None => String::new(),
        };
        findings.push(Finding {
            code: RuleCode::T0005,
            severity: Severity::Error,
            message: format!(
                "dependency `{}` brings in crates that cannot build for {}: {}{hint}",
                key.key,
                super::format_targets(&targets),
                parts.join("; ")
            ),
            package: input.package.to_string(),
            targets,
            file: input.path.to_path_buf(),
            range,
            fixes: fix.into_iter().collect(),
            api: None,
        });
    }
    (findings, said)
}

/// The crates the member builds for `target` (its graph, not the workspace's), each with
/// the member's direct dependency that brings it and its features there.
pub(super) fn reached_crates(
    input: &ManifestInput<'_>,
    graph: &GraphInput<'_>,
    target: &TargetView,
) -> Vec<crate::analysis::context::ResolvedCrate> {
    let root = root_from_manifest(input.text, graph.member).unwrap_or_else(|| graph.member.clone());
    let resolution = resolve(
        graph.graph,
        &root,
        graph.selection,
        Platform {
            triple: &target.triple,
            cfg: &target.cfg,
        },
        Platform {
            triple: &graph.host.triple,
            cfg: &graph.host.cfg,
        },
    );
    resolution
        .target_units()
        .filter_map(|(unit, _)| {
            let package = package_of(graph.graph, &resolution, unit)?;
            Some(crate::analysis::context::ResolvedCrate {
                name: package.name.clone(),
                version: package.version.clone(),
                features: resolution.features_of(unit),
                via: resolution.direct_key(unit)?,
            })
        })
        .collect()
}

fn rustflags_for(input: &ManifestInput<'_>, triple: &str) -> Vec<String> {
    input
        .rustflags
        .iter()
        .filter(|(t, _)| t == triple)
        .flat_map(|(_, flags)| flags.iter().cloned())
        .collect()
}

fn package_of<'g>(
    graph: &'g PackageGraph,
    resolution: &Resolution,
    unit: usize,
) -> Option<&'g GraphPackage> {
    graph.packages.get(resolution.units.get(unit)?.package?)
}

/// The member's build on `target` and the target units that cannot build.
fn failures_on(
    graph: &GraphInput<'_>,
    root: &GraphPackage,
    target: &TargetView,
    flags: &[String],
) -> (Resolution, Vec<(usize, Failure)>) {
    let resolution = resolve(
        graph.graph,
        root,
        graph.selection,
        Platform {
            triple: &target.triple,
            cfg: &target.cfg,
        },
        Platform {
            triple: &graph.host.triple,
            cfg: &graph.host.cfg,
        },
    );
    let facts = TargetFacts {
        cfg: &target.cfg,
        has_std: target.has_std,
        rustflags_cfgs: flags,
    };
    let failures = resolution
        .target_units()
        .filter_map(|(unit, _)| {
            let package = package_of(graph.graph, &resolution, unit)?;
            // The user's own crates are judged by the rules that read their code.
            if package.workspace_member || package.proc_macro {
                return None;
            }
            let features = resolution.features_of(unit);
            let failure = graph
                .verdicts
                .verdict(package, &features, &target.triple, facts)?;
            Some((unit, failure))
        })
        .collect();
    (resolution, failures)
}

/// `tokio (feature "net") → mio`: each crate from the direct dependency on, with the
/// feature of a crate that turned the next (optional) one on.
fn chain(graph: &PackageGraph, resolution: &Resolution, unit: usize) -> String {
    let path = resolution.path_to(unit);
    let mut text = String::new();
    for (index, (step, _, _)) in path.iter().enumerate() {
        let name = package_of(graph, resolution, *step).map_or("?", |p| p.name.as_str());
        if index > 0 {
            text.push_str(" → ");
        }
        text.push_str(name);
        if let Some((_, _, Some(feature))) = path.get(index + 1) {
            text.push_str(&format!(" (feature \"{feature}\")"));
        }
    }
    text
}

fn reason(
    graph: &PackageGraph,
    resolution: &Resolution,
    unit: usize,
    package: &GraphPackage,
    failure: &Failure,
    member: &str,
) -> String {
    match failure {
        Failure::CompileError { file, message } => format!(
            "its `compile_error!` in {} says \"{message}\"",
            short_path(package, file)
        ),
        Failure::NeedsStd { root, std_feature } => {
            let cause = match std_feature {
                Some(feature) => {
                    let trail = resolution.feature_trail(unit, feature);
                    let steps: Vec<String> = trail
                        .iter()
                        .map(|(step, feature)| {
                            let name = if *step == 0 {
                                member.to_string()
                            } else {
                                package_of(graph, resolution, *step)
                                    .map_or("?".to_string(), |p| p.name.clone())
                            };
                            match feature {
                                Some(feature) => format!("{name}/{feature}"),
                                None => format!("{name}'s Cargo.toml"),
                            }
                        })
                        .collect();
                    format!(
                        "its `{feature}` feature is on ({}), and ",
                        steps.join(" ← ")
                    )
                }
                None => String::new(),
            };
            format!(
                "{cause}{} has no `#![no_std]` that holds, so it needs std, which the target does not have",
                short_path(package, root)
            )
        }
    }
}

/// A crate's file as `name/src/lib.rs`.
fn short_path(package: &GraphPackage, file: &std::path::Path) -> String {
    let dir = package
        .lib_root
        .as_ref()
        .and_then(|root| root.parent())
        .and_then(|src| src.parent());
    match dir.and_then(|dir| file.strip_prefix(dir).ok()) {
        Some(relative) => format!("{}/{}", package.name, relative.display()),
        None => file.display().to_string(),
    }
}

/// A change to the member's declaration of its direct dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    RemoveFeature(String),
    NoDefaultFeatures,
    NoDefaultFeaturesWith(String),
}

type Candidate = Option<Change>;

/// The first change to the direct dependency after which nothing it brings in fails on
/// `target` (the graph resolved and judged again).
fn fix_for(
    graph: &GraphInput<'_>,
    root: &GraphPackage,
    target: &TargetView,
    flags: &[String],
    key: &DirectKey,
) -> Candidate {
    let declaration = root.dependencies.iter().find(|d| {
        d.key == key.key && d.platform == key.platform && d.kind == DependencyKind::Normal
    })?;
    let mut changes: Vec<Change> = declaration
        .features
        .iter()
        .map(|f| Change::RemoveFeature(f.clone()))
        .collect();
    if declaration.default_features {
        changes.push(Change::NoDefaultFeatures);
        let has_alloc = declaration
            .resolved
            .and_then(|i| graph.graph.packages.get(i))
            .is_some_and(|p| p.features.contains_key("alloc"));
        if has_alloc && !declaration.features.iter().any(|f| f == "alloc") {
            changes.push(Change::NoDefaultFeaturesWith("alloc".into()));
        }
    }
    changes.into_iter().find(|change| {
        let mut changed = root.clone();
        for dependency in changed.dependencies.iter_mut().filter(|d| {
            d.key == key.key && d.platform == key.platform && d.kind == DependencyKind::Normal
        }) {
            apply(dependency, change);
        }
        let (resolution, failures) = failures_on(graph, &changed, target, flags);
        !failures
            .iter()
            .any(|(unit, _)| resolution.direct_key(*unit).as_deref() == Some(key.key.as_str()))
    })
}

fn apply(dependency: &mut GraphDependency, change: &Change) {
    match change {
        Change::RemoveFeature(feature) => dependency.features.retain(|f| f != feature),
        Change::NoDefaultFeatures => dependency.default_features = false,
        Change::NoDefaultFeaturesWith(feature) => {
            dependency.default_features = false;
            dependency.features.push(feature.clone());
        }
    }
}

fn fix_edit(input: &ManifestInput<'_>, key: &DirectKey, change: &Change) -> Option<Fix> {
    let (range, new_text) = edit_toml(input.text, |doc| {
        let entry =
            crate::analysis::manifest::dependency_entry_mut(doc, key.platform.as_deref(), &key.key);
        let Some(entry) = entry else {
            return;
        };
        crate::analysis::manifest::version_string_to_inline(entry);
        let Some(table) = entry.as_table_like_mut() else {
            return;
        };
        match change {
            Change::RemoveFeature(feature) => {
                if let Some(array) = table.get_mut("features").and_then(|f| f.as_array_mut()) {
                    array.retain(|v| v.as_str() != Some(feature));
                }
            }
            Change::NoDefaultFeatures | Change::NoDefaultFeaturesWith(_) => {
                table.remove("default_features");
                table.insert("default-features", toml_edit::value(false));
            }
        }
        if let Change::NoDefaultFeaturesWith(feature) = change {
            let features = table
                .entry("features")
                .or_insert_with(|| toml_edit::value(toml_edit::Array::new()));
            if let Some(array) = features.as_array_mut() {
                array.push(feature.as_str());
            }
        }
    })?;
    let title = match change {
        Change::RemoveFeature(feature) => format!("Remove feature `{feature}` from `{}`", key.key),
        Change::NoDefaultFeatures => format!("Set `default-features = false` on `{}`", key.key),
        Change::NoDefaultFeaturesWith(feature) => format!(
            "Set `default-features = false` on `{}` and keep its `{feature}` feature",
            key.key
        ),
    };
    Some(Fix {
        title,
        edits: vec![TextEdit {
            file: input.path.to_path_buf(),
            range,
            new_text,
        }],
        preferred: true,
    })
}

/// The member as its (possibly unsaved) manifest declares it: its dependency declarations
/// and features, each dependency resolved to the package `cargo metadata` chose for the
/// same declaration in `base` (a dependency metadata did not resolve stays unresolved).
pub fn root_from_manifest(text: &str, base: &GraphPackage) -> Option<GraphPackage> {
    let manifest: toml::Table = text.parse().ok()?;
    let mut root = GraphPackage {
        features: BTreeMap::new(),
        dependencies: Vec::new(),
        ..base.clone()
    };
    if let Some(features) = manifest.get("features").and_then(|f| f.as_table()) {
        for (name, values) in features {
            let values = values
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            root.features.insert(name.clone(), values);
        }
    }
    let mut tables: Vec<(Option<String>, DependencyKind, &toml::Table)> = Vec::new();
    let kinds = [
        ("dependencies", DependencyKind::Normal),
        ("build-dependencies", DependencyKind::Build),
        ("build_dependencies", DependencyKind::Build),
    ];
    for (name, kind) in kinds {
        if let Some(table) = manifest.get(name).and_then(|t| t.as_table()) {
            tables.push((None, kind, table));
        }
    }
    if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
        for (platform, body) in targets {
            for (name, kind) in kinds {
                if let Some(table) = body.get(name).and_then(|t| t.as_table()) {
                    tables.push((Some(platform.clone()), kind, table));
                }
            }
        }
    }
    let normalize = |p: &Option<String>| p.as_ref().map(|p| p.replace(' ', ""));
    for (platform, kind, table) in tables {
        for (key, value) in table {
            let detail = value.as_table();
            let field = |name: &str| detail.and_then(|d| d.get(name));
            let inherited = field("workspace").and_then(|w| w.as_bool()) == Some(true);
            let same_key = base.dependencies.iter().find(|d| {
                d.key == *key && d.kind == kind && normalize(&d.platform) == normalize(&platform)
            });
            let package_name = field("package")
                .and_then(|p| p.as_str())
                .map(String::from)
                .or_else(|| {
                    inherited
                        .then(|| same_key.map(|d| d.package_name.clone()))
                        .flatten()
                })
                .unwrap_or_else(|| key.clone());
            let resolved = base
                .dependencies
                .iter()
                .filter(|d| d.package_name == package_name)
                .min_by_key(|d| {
                    (
                        d.kind != kind,
                        normalize(&d.platform) != normalize(&platform),
                        d.key != *key,
                    )
                })
                .and_then(|d| d.resolved);
            let mut features: Vec<String> = field("features")
                .and_then(|f| f.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let mut default_features = field("default-features")
                .or_else(|| field("default_features"))
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if inherited {
                // The workspace's declaration, as metadata read it, plus what is added here.
                if let Some(base) = same_key {
                    features.extend(base.features.iter().cloned());
                    default_features = base.default_features;
                }
            }
            root.dependencies.push(GraphDependency {
                key: key.clone(),
                package_name,
                kind,
                platform: platform.clone(),
                optional: field("optional").and_then(|o| o.as_bool()).unwrap_or(false),
                default_features,
                features: features
                    .into_iter()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                resolved,
            });
        }
    }
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unsaved_manifest_keeps_metadata_resolution_and_its_own_features() {
        let base = GraphPackage {
            name: "app".into(),
            dependencies: vec![GraphDependency {
                key: "tokio".into(),
                package_name: "tokio".into(),
                kind: DependencyKind::Normal,
                platform: None,
                optional: false,
                default_features: true,
                features: vec!["net".into()],
                resolved: Some(7),
            }],
            ..GraphPackage::default()
        };
        let text = "[package]\nname = \"app\"\n[dependencies]\ntokio = { version = \"1\", default-features = false, features = [\"rt\"] }\nother = \"1\"\n";
        let root = root_from_manifest(text, &base);
        let deps = root.map(|r| r.dependencies).unwrap_or_default();
        assert_eq!(deps.len(), 2);
        assert_eq!(deps[1].key, "tokio");
        assert_eq!(deps[1].resolved, Some(7));
        assert_eq!(deps[1].features, ["rt"]);
        assert!(!deps[1].default_features);
        assert_eq!(deps[0].resolved, None, "not in the resolve: unknown");
    }
}
