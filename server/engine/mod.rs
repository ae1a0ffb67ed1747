//! The engine: loads a Cargo workspace once, then answers "what is wrong, for which
//! target" for the whole workspace or one file, from the current text of every file
//! (editor buffers first). Front ends (CLI, LSP) only present what it returns.
//!
//! By concern: `model` builds the workspace model (from `cargo metadata`, or from the
//! manifests alone when a member is broken); `rule_config` reads the per-rule switches;
//! `package_context` works out a package's targets and manifest findings; `crate_findings`
//! walks a crate's module tree and analyses its files; `file_cache` shares parses. This
//! file holds the public surface and the check that ties them together.

mod crate_findings;
mod dependency_verdicts;
mod file_cache;
mod model;
mod package_context;
mod read_ahead;
mod rule_config;
mod semantic;

use crate::analysis::context::TargetOrigin;
use crate::analysis::finding::Finding;
use crate::runtime_api::ApiTable;
use crate::targets::{TargetFacts, Toolchain};
use crate::workspace::metadata::FeatureSelection;
pub use crate::workspace::metadata::LoadError;
pub use crate::workspace::SourceProvider;
use crate_findings::CrateState;
use file_cache::FileCache;
use model::PackageModel;
use package_context::PackageContext;
pub use rule_config::RuleConfig;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

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
    /// The sysroot's and dependencies' module trees, read lazily (T0008).
    semantic: semantic::SemanticCrates,
    /// Manifests that could not be read; the rest of the workspace is still checked.
    load_problems: Vec<LoadError>,
    /// Every package `cargo metadata` listed, for T0005's graph per member and target.
    graph: Option<Arc<crate::analysis::dependency_graph::PackageGraph>>,
    /// Dependency verdicts per (crate, features, target), kept for the engine's life.
    verdicts: dependency_verdicts::DiskVerdicts,
}

/// A check given up because its caller no longer wanted the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

/// What the engine keeps between checks, so that an edit costs what it changed.
#[derive(Default)]
struct CheckState {
    /// What this check computes (set for each check).
    tier: Tier,
    files: FileCache,
    /// Per package (index in `Engine::packages`).
    packages: HashMap<usize, PackageContext>,
    /// Per package index and crate root.
    crates: HashMap<(usize, PathBuf), CrateState>,
}

/// What a check computes. The per-target semantic checks (T0008, local types) cost more
/// than the rules that read one file's facts; an editor publishes the first tier at once and
/// the full findings after, for the same version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Tier {
    /// Everything.
    #[default]
    Full,
    /// Everything but the semantic checks of the crates an edit touched, which keep their
    /// previous findings until a full check.
    First,
}

impl Engine {
    /// Loads the Cargo workspace at `root` (a directory or a Cargo.toml).
    pub fn load(root: &Path, options: EngineOptions) -> Result<Engine, LoadError> {
        // Detected before `cargo metadata` runs (cargo is told its rustc); a warm probe is
        // read from disk.
        Engine::assemble(root, options, || {
            Toolchain::detect().map_err(|e| LoadError::general(e.to_string()))
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
        self.check(None, sources, &|| false, Tier::Full)
            .unwrap_or_default()
    }

    /// `check_all`, given up between two files or crates as soon as `stop` says so (its
    /// result is no longer wanted). The work done so far is kept: the next check starts
    /// from it.
    pub fn check_all_until(
        &self,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<Finding>, Stopped> {
        self.check(None, sources, stop, Tier::Full)
    }

    /// `check_all_until` without the semantic checks (crates keep their previous semantic
    /// findings, none after a load): what an editor publishes first after a load.
    pub fn check_all_first_tier_until(
        &self,
        sources: &dyn SourceProvider,
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<Finding>, Stopped> {
        self.check(None, sources, stop, Tier::First)
    }

    /// Every finding in the workspace, after a change to `changed` only: the caller
    /// promises that no other file changed since the last check (the LSP knows, from its
    /// buffers and its watchers). Re-walks and re-analyses only the crates that read a
    /// changed path; a package's manifests and config files are read again only when one
    /// of them is among `changed`.
    pub fn check_changed(&self, changed: &[PathBuf], sources: &dyn SourceProvider) -> Vec<Finding> {
        let changed: HashSet<PathBuf> = changed.iter().cloned().collect();
        self.check(Some(&changed), sources, &|| false, Tier::Full)
            .unwrap_or_default()
    }

    /// `check_changed` without the semantic checks of the touched crates, which keep their
    /// previous findings: what an editor publishes at once, before `check_changed`'s.
    pub fn check_changed_first_tier(
        &self,
        changed: &[PathBuf],
        sources: &dyn SourceProvider,
    ) -> Vec<Finding> {
        let changed: HashSet<PathBuf> = changed.iter().cloned().collect();
        self.check(Some(&changed), sources, &|| false, Tier::First)
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
        tier: Tier,
    ) -> Result<Vec<Finding>, Stopped> {
        // Two checks at once would each start from an empty state: correct, only slower.
        let mut state = match self.state.lock() {
            Ok(mut guard) => std::mem::take(&mut *guard),
            Err(_) => CheckState::default(),
        };
        state.tier = tier;
        let result = self.check_with(changed, sources, stop, &mut state);
        // Trees a full check's crates did not get to (stopped, or read ahead for files no
        // crate has) are let go; a first-tier check leaves them to the full one after it.
        if tier == Tier::Full {
            state.files.release_fresh_trees();
            self.semantic.save_summaries();
        }
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
}
