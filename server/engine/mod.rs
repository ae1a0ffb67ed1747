//! The engine: loads a Cargo workspace once, then answers "what is wrong, for which
//! target" for the whole workspace or one file, from the current text of every file
//! (editor buffers first). Front ends (CLI, LSP) only present what it returns.

use crate::analysis::cfg::CfgSet;
use crate::analysis::context::{
    CrateFile, CrateInput, DependencyFacts, ManifestInput, ResolvedCrate, TargetOrigin, TargetView,
};
use crate::analysis::finding::{Finding, RuleCode, Severity};
use crate::analysis::rules::target_not_installed::InstallFacts;
mod file_cache;

use crate::analysis::syntax::{CrateAttr, ExternCrate, FileSyntax, Gate};
use crate::runtime_api::ApiTable;
use crate::targets::selection::{self, Selection, SelectionInputs};
use crate::targets::{TargetFacts, Toolchain};
pub use crate::workspace::metadata::LoadError;
use crate::workspace::metadata::{self, FeatureSelection};
use crate::workspace::modules::{module_tree_probed, ModuleFile};
pub use crate::workspace::SourceProvider;
use file_cache::FileCache;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
    /// `.cargo/config.toml` and `rust-toolchain.toml` as found at load (a new one reloads).
    cargo_config: Option<PathBuf>,
    rust_toolchain: Option<PathBuf>,
    toolchain: Arc<Toolchain>,
    packages: Vec<PackageModel>,
    options: EngineOptions,
    /// Taken out of the mutex for the length of a check, so no lock is held while parsing.
    state: Mutex<CheckState>,
    /// Per triple; rustc's answers and the sysroot do not change within a model's life.
    facts: Mutex<HashMap<String, TargetFacts>>,
    installed: OnceLock<Vec<String>>,
    api_table: Arc<ApiTable>,
    /// Manifests that could not be read; the rest of the workspace is still checked.
    load_problems: Vec<LoadError>,
}

/// A check given up because its caller no longer wanted the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

/// What the engine keeps between checks, so that an edit costs what it changed.
#[derive(Default)]
struct CheckState {
    files: FileCache,
    /// Per package (index in `Engine::packages`).
    packages: HashMap<usize, PackageContext>,
    /// Per package index and crate root.
    crates: HashMap<(usize, PathBuf), CrateState>,
}

/// A package's selection and what follows from it, valid while its inputs hash the same.
struct PackageContext {
    /// Hash of the package manifest, workspace manifest, cargo config and rust-toolchain.
    inputs: u64,
    targets: Vec<TargetView>,
    rules: RuleConfig,
    /// Manifest (T0003–T0005) and target selection (T0006, T0007) findings.
    findings: Vec<Finding>,
}

/// One crate's module tree and its findings per file.
struct CrateState {
    files: Vec<ModuleFile>,
    /// Every path the module walk read or looked for.
    probed: HashSet<PathBuf>,
    /// What per-file findings were computed with; a change clears them.
    targets: Vec<TargetView>,
    root: RootFacts,
    per_file: HashMap<PathBuf, FileFindings>,
    /// The crate's findings as last computed, for checks that touch none of its files.
    findings: Vec<Finding>,
}

struct FileFindings {
    /// The text analysed (same `Arc` = same text, since parses are shared by hash).
    text: Arc<str>,
    gate: Gate,
    findings: Vec<Finding>,
}

/// The crate root's facts that the findings of the crate's other files depend on.
#[derive(Debug, Clone, PartialEq, Default)]
struct RootFacts {
    crate_attrs: Vec<CrateAttr>,
    top_level_externs: Vec<ExternCrate>,
    after_inner_attrs: usize,
}

impl RootFacts {
    fn of(root: &FileSyntax) -> RootFacts {
        let top_level = |krate: &&ExternCrate| {
            root.scopes
                .get(krate.scope)
                .is_some_and(|scope| scope.parent.is_none())
        };
        RootFacts {
            crate_attrs: root.crate_attrs.clone(),
            top_level_externs: root
                .extern_crates
                .iter()
                .filter(top_level)
                .cloned()
                .collect(),
            after_inner_attrs: root.after_inner_attrs,
        }
    }
}

impl Engine {
    /// Loads the Cargo workspace at `root` (a directory or a Cargo.toml).
    pub fn load(root: &Path, options: EngineOptions) -> Result<Engine, LoadError> {
        std::thread::scope(|scope| {
            // rustc's facts and `cargo metadata` are independent: ask both at once.
            let detecting = scope.spawn(Toolchain::detect);
            Engine::assemble(root, options, move || {
                let detected = detecting.join().map_err(|_| LoadError {
                    message: "detecting the Rust toolchain panicked".into(),
                    manifest: None,
                })?;
                detected.map(Arc::new).map_err(|e| LoadError {
                    message: e.to_string(),
                    manifest: None,
                })
            })
        })
    }

    /// Like `load`, sharing an already-detected toolchain (the LSP keeps one).
    pub fn load_with(
        root: &Path,
        options: EngineOptions,
        toolchain: Arc<Toolchain>,
    ) -> Result<Engine, LoadError> {
        Engine::assemble(root, options, move || Ok(toolchain))
    }

    fn assemble(
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
            return Err(LoadError {
                message: format!("no Cargo.toml at {}", root.display()),
                manifest: None,
            });
        }
        let loaded =
            metadata::load_metadata(&manifest, &options.features, metadata::metadata_timeout());
        let toolchain = toolchain()?;
        let (root, packages, load_problems) = match loaded {
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
            state: Mutex::new(CheckState::default()),
            facts: Mutex::new(HashMap::new()),
            installed: OnceLock::new(),
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
        files.extend(self.cargo_config.clone());
        files.extend(self.rust_toolchain.clone());
        files.sort();
        files.dedup();
        files
    }

    pub fn known_targets(&self) -> Vec<String> {
        self.toolchain.known_targets().to_vec()
    }

    /// Read from the sysroot once per model: a `rustup target add` shows after a reload.
    pub fn installed_targets(&self) -> Vec<String> {
        self.installed
            .get_or_init(|| self.toolchain.installed_targets())
            .clone()
    }

    /// A triple's facts, gathered once per model (they cost rustc runs and sysroot reads).
    fn target_facts(&self, triple: &str) -> TargetFacts {
        if let Ok(facts) = self.facts.lock() {
            if let Some(known) = facts.get(triple) {
                return known.clone();
            }
        }
        let gathered = TargetFacts::gather(&self.toolchain, triple);
        if let Ok(mut facts) = self.facts.lock() {
            facts.insert(triple.to_string(), gathered.clone());
        }
        gathered
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
                        facts: self.target_facts(&origin.triple),
                        origin,
                    })
                    .collect(),
                enabled_features: package.enabled_features.iter().cloned().collect(),
            })
            .collect()
    }

    /// Every finding in the workspace, every file read again (parses and per-file findings
    /// are still reused where a file's text hashes the same).
    pub fn check_all(&self, sources: &dyn SourceProvider) -> Vec<Finding> {
        self.check(None, sources, &|| false).unwrap_or_default()
    }

    /// `check_all`, given up between two files or crates as soon as `stop` says so (its
    /// result is no longer wanted). The work done so far is kept: the next check starts
    /// from it.
    pub fn check_all_until(
        &self,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<Finding>, Stopped> {
        self.check(None, sources, stop)
    }

    /// Every finding in the workspace, after a change to `changed` only: the caller
    /// promises that no other file changed since the last check (the LSP knows, from its
    /// buffers and its watchers). Re-walks and re-analyses only the crates that read a
    /// changed path; a package's manifests and config files are read again only when one
    /// of them is among `changed`.
    pub fn check_changed(&self, changed: &[PathBuf], sources: &dyn SourceProvider) -> Vec<Finding> {
        let changed: HashSet<PathBuf> = changed.iter().cloned().collect();
        self.check(Some(&changed), sources, &|| false)
            .unwrap_or_default()
    }

    /// The findings located in one file (a source file or a manifest/config file).
    pub fn check_file(&self, path: &Path, sources: &dyn SourceProvider) -> Vec<Finding> {
        self.check_all(sources)
            .into_iter()
            .filter(|f| f.file == path)
            .collect()
    }

    fn check(
        &self,
        changed: Option<&HashSet<PathBuf>>,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<Finding>, Stopped> {
        // Two checks at once would each start from an empty state: correct, only slower.
        let mut state = match self.state.lock() {
            Ok(mut guard) => std::mem::take(&mut *guard),
            Err(_) => CheckState::default(),
        };
        let result = self.check_with(changed, sources, stop, &mut state);
        if let Ok(mut guard) = self.state.lock() {
            *guard = state;
        }
        result
    }

    fn check_with(
        &self,
        changed: Option<&HashSet<PathBuf>>,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
        state: &mut CheckState,
    ) -> Result<Vec<Finding>, Stopped> {
        let mut merged = crate::analysis::finding::FindingSet::default();
        for (index, package) in self.packages.iter().enumerate() {
            let context = self.package_context(index, package, changed, sources, state);
            let rules = context.rules.clone();
            let targets = context.targets.clone();
            let mut findings = context.findings.clone();
            for root in &package.crate_roots {
                findings.extend(self.crate_findings(
                    index, package, root, &targets, changed, sources, stop, state,
                )?);
            }
            for finding in findings {
                let Some(finding) = rules.apply(finding) else {
                    continue;
                };
                merged.merge(finding);
            }
        }
        Ok(merged.into_vec())
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

    /// The package's targets, rules and manifest findings, recomputed only when one of the
    /// files they come from reads differently (cheap: a handful of small files). When the
    /// caller names what changed and none of those files is among it, they are not even
    /// read: an edit in one package costs nothing in the others.
    fn package_context<'s>(
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
        let installed = self.installed_targets();
        let any_missing = selection
            .all_named
            .iter()
            .any(|origin| !installed.contains(&origin.triple));
        let build_std_available = any_missing && self.toolchain.build_std_available();
        findings.extend(crate::analysis::analyze_target_selection(
            &package.name,
            &selection.all_named,
            &InstallFacts {
                installed: &installed,
                known: self.toolchain.known_targets(),
                build_std_available,
            },
        ));
        PackageContext {
            inputs,
            rules: self.rule_config_for(package, sources),
            targets,
            findings,
        }
    }

    /// T0001/T0002 for one crate: the module tree walked again only when a path it read or
    /// looked for changed, each file analysed again only when its text, its module gate,
    /// the targets or the crate root's attributes changed.
    #[allow(clippy::too_many_arguments)]
    fn crate_findings(
        &self,
        index: usize,
        package: &PackageModel,
        root: &Path,
        targets: &[TargetView],
        changed: Option<&HashSet<PathBuf>>,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
        state: &mut CheckState,
    ) -> Result<Vec<Finding>, Stopped> {
        if stop() {
            return Err(Stopped);
        }
        let key = (index, root.to_path_buf());
        let mut krate = match state.crates.remove(&key) {
            Some(mut krate) if changed.is_some() => {
                let changed = changed.into_iter().flatten();
                let touched: Vec<&PathBuf> = changed
                    .filter(|path| krate.probed.contains(*path))
                    .collect();
                if touched.is_empty() && krate.targets == targets {
                    let findings = krate.findings.clone();
                    state.crates.insert(key, krate);
                    return Ok(findings);
                }
                if !touched.is_empty()
                    && !self.update_files(&mut krate, &touched, sources, &mut state.files)
                {
                    let read_again = ReadAgain::Only(&touched);
                    self.walk(
                        &mut krate,
                        root,
                        read_again,
                        sources,
                        stop,
                        &mut state.files,
                    )?;
                }
                krate
            }
            previous => {
                let mut krate = previous.unwrap_or_else(|| CrateState {
                    files: Vec::new(),
                    probed: HashSet::new(),
                    targets: Vec::new(),
                    root: RootFacts::default(),
                    per_file: HashMap::new(),
                    findings: Vec::new(),
                });
                // Stopped half-way, the crate's state is dropped: the next check walks it
                // again (its files stay parsed in the file cache).
                self.walk(
                    &mut krate,
                    root,
                    ReadAgain::All,
                    sources,
                    stop,
                    &mut state.files,
                )?;
                krate
            }
        };
        let root_facts = krate
            .files
            .first()
            .map(|file| RootFacts::of(&file.syntax))
            .unwrap_or_default();
        if krate.targets != targets || krate.root != root_facts {
            krate.per_file.clear();
            krate.targets = targets.to_vec();
            krate.root = root_facts;
        }
        let apis: &ApiTable = &self.api_table;
        let input = CrateInput {
            package: &package.name,
            files: krate.files.iter().map(as_crate_file).collect(),
            targets,
            apis,
        };
        let mut findings = crate::analysis::analyze_crate_level(&input);
        let mut per_file = HashMap::with_capacity(krate.files.len());
        for (position, file) in krate.files.iter().enumerate() {
            let reusable = krate
                .per_file
                .remove(&file.path)
                .filter(|cached| Arc::ptr_eq(&cached.text, &file.text) && cached.gate == file.gate);
            let cached = match reusable {
                Some(cached) => cached,
                None => FileFindings {
                    text: file.text.clone(),
                    gate: file.gate.clone(),
                    findings: crate::analysis::analyze_crate_file(&input, position),
                },
            };
            findings.extend(cached.findings.iter().cloned());
            per_file.insert(file.path.clone(), cached);
        }
        drop(input);
        krate.per_file = per_file;
        krate.findings = findings.clone();
        state.crates.insert(key, krate);
        Ok(findings)
    }

    /// Re-reads the touched files of the tree in place; false when the tree itself may
    /// have changed (a `mod` declaration changed, a file appeared or went away).
    fn update_files(
        &self,
        krate: &mut CrateState,
        touched: &[&PathBuf],
        sources: &dyn SourceProvider,
        files: &mut FileCache,
    ) -> bool {
        for path in touched {
            let Some(position) = krate.files.iter().position(|file| &file.path == *path) else {
                return false; // a looked-for module file changed: walk again
            };
            let Some(loaded) = files.load(&self.root, path, sources) else {
                return false;
            };
            let file = &mut krate.files[position];
            if loaded.syntax.mods != file.syntax.mods {
                return false;
            }
            file.text = loaded.text;
            file.syntax = loaded.syntax;
        }
        true
    }

    fn walk(
        &self,
        krate: &mut CrateState,
        root: &Path,
        read_again: ReadAgain<'_>,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
        files: &mut FileCache,
    ) -> Result<(), Stopped> {
        let mut probed = HashSet::new();
        let mut stopped = false;
        let mut load = |path: &Path| {
            stopped = stopped || stop();
            if stopped {
                return None;
            }
            let cached = match &read_again {
                ReadAgain::All => None,
                ReadAgain::Only(changed) if changed.iter().any(|c| c.as_path() == path) => None,
                ReadAgain::Only(_) => files.get(path),
            };
            cached
                .or_else(|| files.load(&self.root, path, sources))
                .map(|file| (file.text, file.syntax))
        };
        let files = module_tree_probed(root, &mut load, &mut probed);
        if stopped {
            return Err(Stopped);
        }
        krate.files = files;
        krate.probed = probed;
        Ok(())
    }
}

/// Which files a module walk reads again rather than taking from the cache.
enum ReadAgain<'a> {
    All,
    Only(&'a [&'a PathBuf]),
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
