//! The workspace model the engine checks against: its members from `cargo metadata` (or
//! from the manifests alone when one member is broken), the toolchain, and the run-time
//! API table for that toolchain.

use super::{CheckState, Engine, EngineOptions, LoadError};
use crate::analysis::cfg::CfgSet;
use crate::analysis::context::{DependencyFacts, ResolvedCrate};
use crate::runtime_api::{ApiTable, TableFile};
use crate::targets::selection;
use crate::targets::Toolchain;
use crate::workspace::metadata::{self, FeatureSelection};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A workspace member as the engine keeps it between checks.
#[derive(Debug, Clone)]
pub(super) struct PackageModel {
    pub(super) name: String,
    pub(super) manifest_path: PathBuf,
    pub(super) has_lib: bool,
    pub(super) crate_roots: Vec<PathBuf>,
    /// It has a build script, which may set cfgs (they are unknown in its crates).
    pub(super) build_script: bool,
    pub(super) enabled_features: BTreeSet<String>,
    pub(super) dependencies: Vec<DependencyFacts>,
    pub(super) resolved: Vec<ResolvedCrate>,
    /// Where each dependency's library sources are (for T0008).
    pub(super) dependency_sources: Vec<super::semantic::DependencySource>,
    /// Workspace members that build on this package's library (normal or build
    /// dependencies); `None` when unknown (cargo metadata failed).
    pub(super) dependents: Option<Vec<String>>,
    /// The library target's root file.
    pub(super) lib_root: Option<PathBuf>,
    /// Edition 2015: `use` paths are relative to the crate root (T0008).
    pub(super) edition_2015: bool,
    /// The member's index in the engine's package graph (`None`: no metadata).
    pub(super) graph_index: Option<usize>,
}

impl Engine {
    pub(super) fn assemble(
        root: &Path,
        options: EngineOptions,
        toolchain: impl FnOnce() -> Result<Arc<Toolchain>, LoadError>,
    ) -> Result<Engine, LoadError> {
        let root = &std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let manifest = if root.is_dir() {
            root.join("Cargo.toml")
        } else {
            root.to_path_buf()
        };
        if !manifest.is_file() {
            return Err(LoadError::general(format!(
                "no Cargo.toml at {}",
                root.display()
            )));
        }
        // The toolchain first (a warm one is read from disk at once), so cargo can be told
        // its rustc binary rather than rustup's proxy.
        let toolchain = toolchain()?;
        let cargo_answered = AtomicBool::new(false);
        let (loaded, read_ahead) = std::thread::scope(|scope| {
            let reading = super::read_ahead::enabled()
                .then(|| scope.spawn(|| super::read_ahead::read_ahead(&manifest, &cargo_answered)));
            let loaded = metadata::load_metadata(
                &manifest,
                &options.features,
                &toolchain.rustc_binary(),
                metadata::metadata_timeout(),
            );
            cargo_answered.store(true, Ordering::Relaxed);
            // A read-ahead that panicked read nothing the check needs.
            let read = reading.map(|reading| reading.join().unwrap_or_default());
            (loaded, read.unwrap_or_default())
        });
        let (root, packages, load_problems, graph) = match loaded {
            Ok(metadata) => {
                let (graph, index_of) = metadata::package_graph(&metadata);
                let packages = metadata
                    .workspace_packages()
                    .into_iter()
                    .map(|package| {
                        let mut model = package_model(&metadata, package, &options.features);
                        model.graph_index = index_of.get(&package.id).copied();
                        model
                    })
                    .collect();
                (
                    metadata.workspace_root.clone().into_std_path_buf(),
                    packages,
                    Vec::new(),
                    Some(Arc::new(graph)),
                )
            }
            Err(error) if options.partial_on_broken_member => {
                let (root, packages, problems) =
                    degraded_model(&manifest, error, &options.features)?;
                (root, packages, problems, None)
            }
            Err(error) => return Err(error),
        };
        let api_table = api_table_for(&toolchain);
        Ok(Engine {
            load_problems,
            api_table,
            root_manifest: root.join("Cargo.toml"),
            cargo_config: selection::find_cargo_config(&root),
            rust_toolchain: selection::find_rust_toolchain(&root),
            root,
            toolchain,
            packages,
            options,
            state: Mutex::new(CheckState {
                files: read_ahead,
                ..CheckState::default()
            }),
            facts: Mutex::new(HashMap::new()),
            installed: OnceLock::new(),
            semantic: super::semantic::SemanticCrates::default(),
            graph,
            verdicts: Default::default(),
        })
    }
}

/// When `cargo metadata` fails on one member, the others are read from their manifests
/// (without dependency facts); the failure is kept as a load problem. When nothing is
/// readable, the original error stands.
type DegradedModel = (PathBuf, Vec<PackageModel>, Vec<LoadError>);

fn degraded_model(
    manifest: &Path,
    error: LoadError,
    features: &FeatureSelection,
) -> Result<DegradedModel, LoadError> {
    let (members, mut problems) = crate::workspace::fallback::read_members(manifest);
    let healthy: Vec<PackageModel> = members
        .into_iter()
        .filter(|member| Some(&member.manifest_path) != error.manifest.as_ref())
        .map(|member| PackageModel {
            enabled_features: metadata::enabled_features_in(&member.features, &[], features).0,
            name: member.name,
            manifest_path: member.manifest_path,
            has_lib: member.has_lib,
            crate_roots: member.crate_roots,
            build_script: member.has_build_script,
            dependencies: Vec::new(),
            resolved: Vec::new(),
            dependency_sources: Vec::new(),
            // Unknown without cargo: T0003 then stays silent for this member's library.
            dependents: None,
            lib_root: None,
            // Not known without cargo metadata: the later editions' reading judges less.
            edition_2015: false,
            graph_index: None,
        })
        .collect();
    if healthy.is_empty() {
        return Err(error);
    }
    if !problems.iter().any(|p| p.manifest == error.manifest) {
        problems.insert(0, error);
    }
    let root = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((root, healthy, problems))
}

fn package_model(
    metadata: &cargo_metadata::Metadata,
    package: &cargo_metadata::Package,
    selection: &FeatureSelection,
) -> PackageModel {
    let (enabled_features, enabled_optional) = metadata::enabled_features(package, selection);
    let resolved_deps = metadata::resolved_direct_deps(metadata, package);
    let resolve_node = |id: &cargo_metadata::PackageId| {
        metadata
            .resolve
            .as_ref()
            .and_then(|r| r.nodes.iter().find(|n| &n.id == id))
            .map(|n| n.features.iter().map(|f| f.to_string()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let dependencies: Vec<DependencyFacts> = package
        .dependencies
        .iter()
        .filter(|d| d.kind == cargo_metadata::DependencyKind::Normal)
        .map(|dep| {
            let key = metadata::dep_key(dep);
            let target = resolved_deps.get(&key);
            DependencyFacts {
                enabled: !dep.optional || enabled_optional.contains(&key),
                package_name: dep.name.clone(),
                version: target.map(|t| t.version.to_string()).unwrap_or_default(),
                platform: dep.target.as_ref().map(|p| p.to_string()),
                default_features: dep.uses_default_features,
                default_enables_std: target.is_some_and(|t| metadata::default_enables_std(t)),
                resolved_features: target.map(|t| resolve_node(&t.id)).unwrap_or_default(),
                key,
            }
        })
        .collect();
    let dependency_sources = dependency_sources(package, &resolved_deps, &dependencies);
    let resolved = metadata::reachable_crates(metadata, package)
        .into_iter()
        .map(|(pkg, features, via)| ResolvedCrate {
            name: pkg.name.to_string(),
            version: pkg.version.to_string(),
            features,
            via,
        })
        .collect();
    let is_root_kind = |kind: &cargo_metadata::TargetKind| {
        use cargo_metadata::TargetKind as K;
        matches!(
            kind,
            K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib | K::Bin | K::ProcMacro
        )
    };
    let crate_roots = package
        .targets
        .iter()
        .filter(|t| t.kind.iter().any(is_root_kind))
        .map(|t| t.src_path.clone().into_std_path_buf())
        .collect();
    let lib_target = package.targets.iter().find(|t| {
        use cargo_metadata::TargetKind as K;
        t.kind
            .iter()
            .any(|k| matches!(k, K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib))
    });
    let dependents = metadata
        .workspace_packages()
        .into_iter()
        .filter(|other| other.id != package.id)
        .filter(|other| {
            other.dependencies.iter().any(|dep| {
                dep.name == package.name.as_str()
                    && dep.path.is_some()
                    && dep.kind != cargo_metadata::DependencyKind::Development
            })
        })
        .map(|other| other.name.to_string())
        .collect();
    PackageModel {
        name: package.name.to_string(),
        manifest_path: package.manifest_path.clone().into_std_path_buf(),
        has_lib: lib_target.is_some(),
        crate_roots,
        build_script: has_build_script(package),
        enabled_features,
        dependencies,
        resolved,
        dependency_sources,
        dependents: Some(dependents),
        lib_root: lib_target.map(|t| t.src_path.clone().into_std_path_buf()),
        edition_2015: package.edition == cargo_metadata::Edition::E2015,
        graph_index: None,
    }
}

/// The run-time API table for this toolchain: derived from its own rust-src when installed
/// (std's behaviour changes between releases), cached per rustc version; else the table
/// shipped with Triplet.
fn api_table_for(toolchain: &Toolchain) -> Arc<ApiTable> {
    static DERIVED: Mutex<Option<(String, Arc<ApiTable>)>> = Mutex::new(None);
    let shipped = || Arc::new(ApiTable::shipped().clone());
    let Some(library) = toolchain.rust_src_library() else {
        return shipped();
    };
    if let Ok(cache) = DERIVED.lock() {
        if let Some((version, table)) = cache.as_ref() {
            if *version == toolchain.version {
                return table.clone();
            }
        }
    }
    // Derived once per toolchain and Triplet build, kept on disk: a derivation reads
    // dozens of std's files. A layout the derivation does not know is kept as its note.
    let derived = crate::targets::rust_src_cache::cached(
        "api-table",
        &library,
        &format!("rustc {}", toolchain.version),
        || Some(derive_api_table(toolchain, &library)),
    );
    let table = match derived {
        Some(Ok(file)) => Arc::new(ApiTable::from_rows(file.rows).with_rust_src(file.rust_src)),
        Some(Err(note)) => {
            eprintln!("triplet: {note}");
            shipped()
        }
        None => shipped(),
    };
    if let Ok(mut cache) = DERIVED.lock() {
        *cache = Some((toolchain.version.clone(), table.clone()));
    }
    table
}

/// The API table derived from `library` for the shipped table's targets, or the note
/// saying why the shipped table stands in.
fn derive_api_table(toolchain: &Toolchain, library: &Path) -> Result<TableFile, String> {
    let targets: Vec<(String, CfgSet)> = ApiTable::shipped()
        .targets()
        .filter_map(|triple| toolchain.cfg(triple).map(|cfg| (triple.to_string(), cfg)))
        .collect();
    match ApiTable::derive(library, &targets) {
        Ok(table) => Ok(TableFile {
            rust_src: table.rust_src().map(str::to_string),
            rows: table.rows().to_vec(),
        }),
        Err(error) => Err(crate::runtime_api::derive::fallback_note(library, &error)),
    }
}

/// Whether cargo sees a build script in `package` (a `custom-build` target).
fn has_build_script(package: &cargo_metadata::Package) -> bool {
    (package.targets.iter()).any(|t| t.kind.contains(&cargo_metadata::TargetKind::CustomBuild))
}

/// Each direct dependency's library root, named as the package's code names it.
fn dependency_sources(
    package: &cargo_metadata::Package,
    resolved_deps: &HashMap<String, &cargo_metadata::Package>,
    facts: &[DependencyFacts],
) -> Vec<super::semantic::DependencySource> {
    use cargo_metadata::TargetKind as K;
    package
        .dependencies
        .iter()
        .filter(|d| d.kind == cargo_metadata::DependencyKind::Normal)
        .filter_map(|dep| {
            let key = metadata::dep_key(dep);
            let target = resolved_deps.get(&key)?;
            let lib = target
                .targets
                .iter()
                .find(|t| t.kind.iter().any(|k| matches!(k, K::Lib | K::RLib)))?;
            let facts = facts.iter().find(|f| f.key == key)?.clone();
            Some(super::semantic::DependencySource {
                code_name: dep
                    .rename
                    .clone()
                    .unwrap_or_else(|| lib.name.clone())
                    .replace('-', "_"),
                root: lib.src_path.clone().into_std_path_buf(),
                build_script: has_build_script(target),
                facts,
            })
        })
        .collect()
}
