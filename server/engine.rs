//! The engine: loads a Cargo workspace once, then answers "what is wrong, for which
//! target" for the whole workspace or one file, from the current text of every file
//! (editor buffers first). Front ends (CLI, LSP) only present what it returns.

use crate::analysis::cfg::CfgSet;
use crate::analysis::context::{
    ApiKnowledge, ApiVerdict, CrateFile, CrateInput, DependencyFacts, ManifestInput, ResolvedCrate,
    TargetOrigin, TargetView,
};
use crate::analysis::finding::{Finding, RuleCode, Severity};
use crate::analysis::rules::target_not_installed::InstallFacts;
use crate::analysis::syntax::FileSyntax;
use crate::runtime_api::{ApiTable, Behaviour};
use crate::targets::selection::{self, Selection, SelectionInputs};
use crate::targets::{TargetFacts, Toolchain};
pub use crate::workspace::metadata::LoadError;
use crate::workspace::metadata::{self, FeatureSelection};
use crate::workspace::modules::{module_tree, ModuleFile};
pub use crate::workspace::SourceProvider;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Per-rule switches: `None` turns a rule off, `Some(severity)` overrides its severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    overrides: BTreeMap<RuleCode, Option<Severity>>,
}

impl RuleConfig {
    /// Reads `{"T0002": "off", "unsupported-api": "error"}`.
    pub fn from_json(value: &serde_json::Value) -> Result<RuleConfig, String> {
        let mut config = RuleConfig::default();
        let Some(map) = value.as_object() else {
            return if value.is_null() {
                Ok(config)
            } else {
                Err("`triplet.rules` must be an object".into())
            };
        };
        for (key, setting) in map {
            let code = RuleCode::parse(key)
                .ok_or_else(|| format!("unknown rule `{key}` in triplet.rules"))?;
            let setting = setting
                .as_str()
                .ok_or_else(|| format!("rule `{key}`: expected a string"))?;
            config
                .set(code, setting)
                .map_err(|e| format!("rule `{key}`: {e}"))?;
        }
        Ok(config)
    }

    pub fn set(&mut self, code: RuleCode, setting: &str) -> Result<(), String> {
        let value =
            match setting {
                "off" | "allow" => None,
                other => Some(Severity::parse(other).ok_or_else(|| {
                    format!("expected off, error, warning or info, not `{other}`")
                })?),
            };
        self.overrides.insert(code, value);
        Ok(())
    }

    /// Settings from a lower-priority source fill in what this one leaves open.
    fn merged_over(&self, weaker: &RuleConfig) -> RuleConfig {
        let mut overrides = weaker.overrides.clone();
        overrides.extend(self.overrides.clone());
        RuleConfig { overrides }
    }

    fn apply(&self, mut finding: Finding) -> Option<Finding> {
        match self.overrides.get(&finding.code) {
            Some(None) => None,
            Some(Some(severity)) => {
                finding.severity = *severity;
                Some(finding)
            }
            None => Some(finding),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// The user's explicit targets (`--target`, `triplet.targets`); empty = the workspace's.
    pub targets: Vec<String>,
    /// How to name that source in messages ("--target", "the triplet.targets setting").
    pub targets_source: String,
    pub rules: RuleConfig,
    pub features: FeatureSelection,
    /// When one member's manifest is broken, check the others from their manifests alone
    /// (the CLI). The LSP keeps its last good model instead, so it leaves this off.
    pub partial_on_broken_member: bool,
}

/// A workspace member as the engine keeps it between checks.
#[derive(Debug, Clone)]
struct PackageModel {
    name: String,
    manifest_path: PathBuf,
    has_lib: bool,
    crate_roots: Vec<PathBuf>,
    enabled_features: BTreeSet<String>,
    dependencies: Vec<DependencyFacts>,
    resolved: Vec<ResolvedCrate>,
}

/// One selected target of a package, with where it came from and what it is.
#[derive(Debug, Clone)]
pub struct SelectedTarget {
    pub origin: TargetOrigin,
    pub facts: TargetFacts,
}

/// What `triplet targets` shows for a package.
#[derive(Debug, Clone)]
pub struct PackageTargets {
    pub package: String,
    pub manifest_path: PathBuf,
    pub targets: Vec<SelectedTarget>,
    pub enabled_features: Vec<String>,
}

pub struct Engine {
    root: PathBuf,
    root_manifest: PathBuf,
    toolchain: Arc<Toolchain>,
    packages: Vec<PackageModel>,
    options: EngineOptions,
    parse_cache: Mutex<HashMap<PathBuf, CachedParse>>,
    build_std_available: bool,
    api_table: Arc<ApiTable>,
    /// Manifests that could not be read; the rest of the workspace is still checked.
    load_problems: Vec<LoadError>,
}

/// A file's text hash, text and parse.
type CachedParse = (u64, Arc<str>, Arc<FileSyntax>);

impl Engine {
    /// Loads the Cargo workspace at `root` (a directory or a Cargo.toml).
    pub fn load(root: &Path, options: EngineOptions) -> Result<Engine, LoadError> {
        let toolchain = Toolchain::detect().map_err(|e| LoadError {
            message: e.to_string(),
            manifest: None,
        })?;
        Engine::load_with(root, options, Arc::new(toolchain))
    }

    /// Like `load`, sharing an already-detected toolchain (the LSP keeps one).
    pub fn load_with(
        root: &Path,
        options: EngineOptions,
        toolchain: Arc<Toolchain>,
    ) -> Result<Engine, LoadError> {
        let root = &std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let manifest = if root.is_dir() {
            root.join("Cargo.toml")
        } else {
            root.to_path_buf()
        };
        if !manifest.is_file() {
            return Err(LoadError {
                message: format!("no Cargo.toml at {}", root.display()),
                manifest: None,
            });
        }
        let (root, packages, load_problems) = match metadata::load_metadata(
            &manifest,
            &options.features,
            metadata::metadata_timeout(),
        ) {
            Ok(metadata) => {
                let packages = metadata
                    .workspace_packages()
                    .into_iter()
                    .map(|package| package_model(&metadata, package, &options.features))
                    .collect();
                (
                    metadata.workspace_root.clone().into_std_path_buf(),
                    packages,
                    Vec::new(),
                )
            }
            Err(error) if options.partial_on_broken_member => {
                degraded_model(&manifest, error, &options.features)?
            }
            Err(error) => return Err(error),
        };
        let build_std_available = crate::build::build_std_available().is_some();
        let api_table = api_table_for(&toolchain);
        Ok(Engine {
            load_problems,
            api_table,
            root_manifest: root.join("Cargo.toml"),
            root,
            toolchain,
            packages,
            options,
            parse_cache: Mutex::new(HashMap::new()),
            build_std_available,
        })
    }

    /// Broken member manifests, when the workspace was loaded without them.
    pub fn load_problems(&self) -> &[LoadError] {
        &self.load_problems
    }

    pub fn workspace_root(&self) -> &Path {
        &self.root
    }

    pub fn toolchain(&self) -> &Toolchain {
        &self.toolchain
    }

    /// Whether `path` belongs to this workspace (its root directory holds it).
    pub fn owns(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
    }

    /// Files whose change should trigger a reload of the model.
    pub fn manifest_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .packages
            .iter()
            .map(|p| p.manifest_path.clone())
            .collect();
        files.push(self.root_manifest.clone());
        files.push(self.root.join("Cargo.lock"));
        files.extend(selection::find_cargo_config(&self.root));
        files.extend(selection::find_rust_toolchain(&self.root));
        files.sort();
        files.dedup();
        files
    }

    pub fn known_targets(&self) -> Vec<String> {
        self.toolchain.known_targets().to_vec()
    }

    pub fn installed_targets(&self) -> Vec<String> {
        self.toolchain.installed_targets()
    }

    /// The union of every package's selected targets.
    pub fn selected_targets(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .package_targets(&crate::workspace::DiskSources)
            .into_iter()
            .flat_map(|p| p.targets.into_iter().map(|t| t.origin.triple))
            .collect();
        all.sort();
        all.dedup();
        all
    }

    fn selection_for(&self, package: &PackageModel, sources: &dyn SourceProvider) -> Selection {
        let manifest_text = sources.read(&package.manifest_path).unwrap_or_default();
        let root_text = if self.root_manifest != package.manifest_path {
            sources.read(&self.root_manifest)
        } else {
            Some(manifest_text.clone())
        };
        let config_path = selection::find_cargo_config(&self.root);
        let config_text = config_path.as_ref().and_then(|p| sources.read(p));
        let toolchain_path = selection::find_rust_toolchain(&self.root);
        let toolchain_text = toolchain_path.as_ref().and_then(|p| sources.read(p));
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
            cargo_config: config_path.as_deref().zip(config_text.as_deref()),
            rust_toolchain: toolchain_path.as_deref().zip(toolchain_text.as_deref()),
            host: &self.toolchain.host,
        })
    }

    /// Each package's selected targets, where they came from and their facts.
    pub fn package_targets(&self, sources: &dyn SourceProvider) -> Vec<PackageTargets> {
        self.packages
            .iter()
            .map(|package| PackageTargets {
                package: package.name.clone(),
                manifest_path: package.manifest_path.clone(),
                targets: self
                    .selection_for(package, sources)
                    .selected
                    .into_iter()
                    .map(|origin| SelectedTarget {
                        facts: TargetFacts::gather(&self.toolchain, &origin.triple),
                        origin,
                    })
                    .collect(),
                enabled_features: package.enabled_features.iter().cloned().collect(),
            })
            .collect()
    }

    /// Every finding in the workspace.
    pub fn check_all(&self, sources: &dyn SourceProvider) -> Vec<Finding> {
        let mut merged: BTreeMap<(PathBuf, usize, usize, RuleCode), Finding> = BTreeMap::new();
        for package in &self.packages {
            let rules = self.rule_config_for(package, sources);
            for finding in self.check_package(package, sources) {
                let Some(finding) = rules.apply(finding) else {
                    continue;
                };
                let key = (
                    finding.file.clone(),
                    finding.range.start,
                    finding.range.end,
                    finding.code,
                );
                match merged.get_mut(&key) {
                    Some(existing) => {
                        for target in finding.targets {
                            if !existing.targets.contains(&target) {
                                existing.targets.push(target);
                            }
                        }
                    }
                    None => {
                        merged.insert(key, finding);
                    }
                }
            }
        }
        merged.into_values().collect()
    }

    /// The findings located in one file (a source file or a manifest/config file).
    pub fn check_file(&self, path: &Path, sources: &dyn SourceProvider) -> Vec<Finding> {
        self.check_all(sources)
            .into_iter()
            .filter(|f| f.file == path)
            .collect()
    }

    fn rule_config_for(&self, package: &PackageModel, sources: &dyn SourceProvider) -> RuleConfig {
        let from_manifest = |path: &Path, table: &str| -> RuleConfig {
            let Some(text) = sources.read(path) else {
                return RuleConfig::default();
            };
            let Ok(value) = text.parse::<toml::Table>() else {
                return RuleConfig::default();
            };
            let rules = value
                .get(table)
                .and_then(|t| t.get("metadata"))
                .and_then(|m| m.get("triplet"))
                .and_then(|t| t.get("rules"));
            rules
                .and_then(|r| serde_json::to_value(r).ok())
                .and_then(|json| RuleConfig::from_json(&json).ok())
                .unwrap_or_default()
        };
        let workspace = from_manifest(&self.root_manifest, "workspace");
        let package_rules = from_manifest(&package.manifest_path, "package");
        self.options
            .rules
            .merged_over(&package_rules.merged_over(&workspace))
    }

    fn check_package(&self, package: &PackageModel, sources: &dyn SourceProvider) -> Vec<Finding> {
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
                let facts = TargetFacts::gather(&self.toolchain, &origin.triple);
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
        let apis = TableKnowledge(&self.api_table);
        for root in &package.crate_roots {
            let files = module_tree(root, &mut |path| self.load_file(path, sources));
            let crate_files: Vec<CrateFile<'_>> = files.iter().map(as_crate_file).collect();
            findings.extend(crate::analysis::analyze_crate(&CrateInput {
                package: &package.name,
                files: crate_files,
                targets: &targets,
                apis: &apis,
            }));
        }
        if let Some(text) = sources.read(&package.manifest_path) {
            let config_text =
                selection::find_cargo_config(&self.root).and_then(|p| sources.read(&p));
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
            }));
        }
        let installed = self.toolchain.installed_targets();
        findings.extend(crate::analysis::analyze_target_selection(
            &package.name,
            &selection.all_named,
            &InstallFacts {
                installed: &installed,
                known: self.toolchain.known_targets(),
                build_std_available: self.build_std_available,
            },
        ));
        findings
    }

    /// A file's text and parse, re-parsed only when its text changed.
    fn load_file(
        &self,
        path: &Path,
        sources: &dyn SourceProvider,
    ) -> Option<(Arc<str>, Arc<FileSyntax>)> {
        if !crate::workspace::is_inside(&self.root, path) {
            // `#[path = "/etc/…"]` or a symlink out of the workspace: not ours to read.
            eprintln!(
                "triplet: not reading {}: outside the workspace {}",
                path.display(),
                self.root.display()
            );
            return None;
        }
        let text = sources.read(path)?;
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        let hash = hasher.finish();
        if let Ok(cache) = self.parse_cache.lock() {
            if let Some((cached_hash, text, syntax)) = cache.get(path) {
                if *cached_hash == hash {
                    return Some((text.clone(), syntax.clone()));
                }
            }
        }
        let syntax = Arc::new(FileSyntax::parse(&text));
        if let Some(reason) = &syntax.skipped {
            eprintln!("triplet: {}: {reason}", path.display());
        }
        let text: Arc<str> = Arc::from(text);
        if let Ok(mut cache) = self.parse_cache.lock() {
            cache.insert(path.to_path_buf(), (hash, text.clone(), syntax.clone()));
        }
        Some((text, syntax))
    }
}

fn as_crate_file(file: &ModuleFile) -> CrateFile<'_> {
    CrateFile {
        path: &file.path,
        text: &file.text,
        syntax: &file.syntax,
        module_gate: &file.gate,
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
            dependencies: Vec::new(),
            resolved: Vec::new(),
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
    let dependencies = package
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
    let has_lib = package.targets.iter().any(|t| {
        use cargo_metadata::TargetKind as K;
        t.kind
            .iter()
            .any(|k| matches!(k, K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib))
    });
    PackageModel {
        name: package.name.to_string(),
        manifest_path: package.manifest_path.clone().into_std_path_buf(),
        has_lib,
        crate_roots,
        enabled_features,
        dependencies,
        resolved,
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
    let shipped_table = ApiTable::shipped();
    let targets: Vec<(String, CfgSet)> = shipped_table
        .targets()
        .filter_map(|triple| toolchain.cfg(triple).map(|cfg| (triple.to_string(), cfg)))
        .collect();
    let table = match ApiTable::derive(&library, &targets) {
        Ok(table) => Arc::new(table),
        Err(_) => return shipped(), // a rust-src layout the mapping does not fit
    };
    if let Ok(mut cache) = DERIVED.lock() {
        *cache = Some((toolchain.version.clone(), table.clone()));
    }
    table
}

/// The run-time API table as the analysis asks it.
struct TableKnowledge<'a>(&'a ApiTable);

impl ApiKnowledge for TableKnowledge<'_> {
    fn verdict(&self, api: &str, target: &str) -> Option<ApiVerdict> {
        let row = self.0.get(api, target)?;
        let behaviour = match row.behaviour {
            Behaviour::Ok => "ok",
            Behaviour::Error => "error",
            Behaviour::Panic => "panic",
            Behaviour::Noop => "noop",
            Behaviour::Absent => "absent",
        };
        Some(ApiVerdict {
            behaviour: behaviour.to_string(),
            message: row.message.clone(),
            source: row.source.clone(),
            alternative: row.alternative.clone(),
        })
    }
}
