//! A package's context: its selected targets, its rule switches and its manifest and
//! target-selection findings (T0003–T0007), recomputed only when the files they come from
//! read differently.

use super::model::PackageModel;
use super::rule_config::RuleConfig;
use super::{CheckState, Engine, SourceProvider};
use crate::analysis::cfg::CfgSet;
use crate::analysis::context::{GraphInput, ManifestInput, TargetView};
use crate::analysis::dependency_graph::RootFeatures;
use crate::analysis::finding::Finding;
use crate::analysis::rules::target_not_installed::InstallFacts;
use crate::targets::selection::{self, Selection, SelectionInputs};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// A package's selection and what follows from it, valid while its inputs hash the same.
pub(super) struct PackageContext {
    /// Hash of the package manifest, workspace manifest, cargo config and rust-toolchain.
    inputs: u64,
    pub(super) targets: Vec<TargetView>,
    pub(super) rules: RuleConfig,
    /// Manifest (T0003–T0005) and target selection (T0006, T0007) findings.
    pub(super) findings: Vec<Finding>,
}

impl Engine {
    pub(super) fn selection_for(
        &self,
        package: &PackageModel,
        sources: &dyn SourceProvider,
    ) -> Selection {
        let manifest_text = sources.read(&package.manifest_path).unwrap_or_default();
        let root_text = if self.root_manifest != package.manifest_path {
            sources.read(&self.root_manifest)
        } else {
            Some(manifest_text.clone())
        };
        let config_path = self.cargo_config.as_ref();
        let config_text = config_path.and_then(|p| sources.read(p));
        let toolchain_path = self.rust_toolchain.as_ref();
        let toolchain_text = toolchain_path.and_then(|p| sources.read(p));
        let source = if self.options.targets_source.is_empty() {
            "--target"
        } else {
            &self.options.targets_source
        };
        selection::select(&SelectionInputs {
            explicit: &self.options.targets,
            explicit_source: source,
            package_manifest: (&package.manifest_path, &manifest_text),
            workspace_manifest: root_text
                .as_deref()
                .map(|t| (self.root_manifest.as_path(), t)),
            cargo_config: config_path
                .map(PathBuf::as_path)
                .zip(config_text.as_deref()),
            rust_toolchain: toolchain_path
                .map(PathBuf::as_path)
                .zip(toolchain_text.as_deref()),
            host: &self.toolchain.host,
        })
    }

    /// The package's targets, rules and manifest findings, recomputed only when one of the
    /// files they come from reads differently (cheap: a handful of small files). When the
    /// caller names what changed and none of those files is among it, they are not even
    /// read: an edit in one package costs nothing in the others.
    pub(super) fn package_context<'s>(
        &self,
        index: usize,
        package: &PackageModel,
        changed: Option<&HashSet<PathBuf>>,
        sources: &dyn SourceProvider,
        state: &'s mut CheckState,
    ) -> &'s PackageContext {
        let inputs = [
            Some(&package.manifest_path),
            Some(&self.root_manifest),
            self.cargo_config.as_ref(),
            self.rust_toolchain.as_ref(),
            // T0003 reads whether the library's root exports symbols.
            package.lib_root.as_ref(),
        ];
        let untouched = changed
            .is_some_and(|changed| !inputs.iter().flatten().any(|path| changed.contains(*path)));
        if untouched && state.packages.contains_key(&index) {
            return &state.packages[&index];
        }
        let mut hasher = DefaultHasher::new();
        for path in inputs {
            path.and_then(|p| sources.read(p)).hash(&mut hasher);
        }
        let inputs = hasher.finish();
        let fresh = state
            .packages
            .get(&index)
            .is_some_and(|context| context.inputs == inputs);
        if !fresh {
            let context = self.compute_package_context(package, inputs, sources);
            state.packages.insert(index, context);
        }
        &state.packages[&index]
    }

    fn compute_package_context(
        &self,
        package: &PackageModel,
        inputs: u64,
        sources: &dyn SourceProvider,
    ) -> PackageContext {
        let selection = self.selection_for(package, sources);
        let features: Vec<&str> = package
            .enabled_features
            .iter()
            .map(String::as_str)
            .collect();
        let targets: Vec<TargetView> = selection
            .selected
            .iter()
            .filter_map(|origin| {
                let facts = self.target_facts(&origin.triple);
                if !facts.known || facts.cfg == CfgSet::default() {
                    return None; // unknown triples are reported (T0007), not analysed
                }
                Some(TargetView {
                    cfg: facts.cfg.with_features(features.iter().copied()),
                    has_std: facts.has_std,
                    triple: facts.triple,
                })
            })
            .collect();
        let mut findings = Vec::new();
        let lib_root_text = package
            .lib_root
            .as_ref()
            .and_then(|root| sources.read(root));
        if let Some(text) = sources.read(&package.manifest_path) {
            let config_text = self.cargo_config.as_ref().and_then(|p| sources.read(p));
            let rustflags = targets
                .iter()
                .map(|t| {
                    let cfgs = config_text
                        .as_deref()
                        .map(|c| selection::config_cfgs(c, &t.triple))
                        .unwrap_or_default();
                    (t.triple.clone(), cfgs)
                })
                .collect();
            // Said once per workspace, on its first package.
            let first = self.packages.first().map(|p| &p.manifest_path);
            if first == Some(&package.manifest_path) {
                findings.extend(self.semantic.missing_rust_src(
                    &self.toolchain,
                    &package.name,
                    &package.manifest_path,
                    &text,
                    &targets,
                ));
            }
            let host = self.target_facts(&self.toolchain.host);
            let host = TargetView {
                cfg: host.cfg,
                has_std: host.has_std,
                triple: host.triple,
            };
            let selection = RootFeatures {
                features: self.options.features.features.clone(),
                all_features: self.options.features.all_features,
                no_default_features: self.options.features.no_default_features,
            };
            let member = self
                .graph
                .as_deref()
                .zip(package.graph_index)
                .and_then(|(graph, index)| Some((graph, graph.packages.get(index)?)));
            let graph = member.map(|(graph, member)| GraphInput {
                graph,
                member,
                selection: &selection,
                host: &host,
                verdicts: &self.verdicts,
            });
            findings.extend(crate::analysis::analyze_manifest(&ManifestInput {
                package: &package.name,
                path: &package.manifest_path,
                text: &text,
                has_lib: package.has_lib,
                crate_types: written_crate_types(&text),
                targets: &targets,
                dependencies: package.dependencies.clone(),
                resolved: package.resolved.clone(),
                rustflags,
                dependents: package.dependents.clone(),
                lib_root_text: lib_root_text.as_deref(),
                graph,
            }));
        }
        let installed = self.installed_targets();
        let any_missing = selection
            .selected
            .iter()
            .any(|origin| !installed.contains(&origin.triple));
        // The same rust-src the per-target std paths are read from (`std_sources`).
        let build_std = any_missing
            .then(|| self.toolchain.std_sources())
            .flatten()
            .map(|sources| format!("{}'s rust-src", sources.version));
        findings.extend(crate::analysis::analyze_target_selection(
            &package.name,
            &selection.all_named,
            &selection.selected,
            &InstallFacts {
                installed: &installed,
                known: self.toolchain.known_targets(),
                build_std,
            },
        ));
        PackageContext {
            inputs,
            rules: self.rule_config_for(package, sources),
            targets,
            findings,
        }
    }
}

/// `[lib] crate-type` as the (possibly unsaved) manifest text says.
fn written_crate_types(manifest: &str) -> Vec<String> {
    let Ok(value) = manifest.parse::<toml::Table>() else {
        return Vec::new();
    };
    let lib = value.get("lib");
    let types = lib.and_then(|l| l.get("crate-type").or_else(|| l.get("crate_type")));
    types
        .and_then(|t| t.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}
