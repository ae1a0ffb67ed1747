//! The engine's side of T0008: which crates a package can name on each target (the
//! sysroot from rust-src, its dependencies from their sources), kept for the engine's life
//! so each module file is read and parsed once.

use super::file_cache::FileCache;
use crate::analysis::cfg::CfgSet;
use crate::analysis::context::{CrateFile, DependencyFacts, TargetView};
use crate::analysis::finding::{Finding, RuleCode, Severity};
use crate::analysis::items::source::ModuleSource;
use crate::analysis::items::CrateTree;
use crate::analysis::local_types::sysroot_facts::SysrootFacts;
use crate::analysis::local_types::{self, Cause, LocalInput};
use crate::analysis::rules::unavailable_on_target::{
    self, ExternalCrate, PreparedFile, SemanticInput,
};
use crate::analysis::rules::FindingSet;
use crate::analysis::syntax::Gate;
use crate::semantic::summaries::Summaries;
use crate::semantic::DiskCrate;
use crate::targets::Toolchain;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// A dependency's library as the package's code names it.
#[derive(Debug, Clone)]
pub(super) struct DependencySource {
    pub facts: DependencyFacts,
    /// The name paths use: the rename, else the library target's name.
    pub code_name: String,
    pub root: PathBuf,
    /// The dependency has a build script: cfgs it may set are unknown in its sources.
    pub build_script: bool,
}

#[derive(Default)]
pub(super) struct SemanticCrates {
    /// std, core, alloc from the toolchain's rust-src (`None`: no rust-src).
    sysroot: OnceLock<Option<Vec<Arc<CrateTree>>>>,
    dependencies: Mutex<HashMap<PathBuf, Arc<CrateTree>>>,
    /// Float methods and atomics as rust-src declares them (`None`: no rust-src).
    local_facts: OnceLock<Option<SysrootFacts>>,
    /// Per (package, crate root): each file's read and findings, kept between checks.
    crates: Mutex<HashMap<(String, PathBuf), CrateCache>>,
    /// The disk crates' trees and where their module summaries are kept.
    summaries: Mutex<Vec<(Arc<CrateTree>, Summaries)>>,
}

#[derive(Default)]
struct CrateCache {
    files: HashMap<PathBuf, CachedFile>,
    /// What the findings were computed with.
    declarations: Vec<(PathBuf, Arc<ModuleSource>, Gate)>,
    targets: Vec<TargetView>,
}

struct CachedFile {
    text: Arc<str>,
    prepared: Arc<PreparedFile>,
    findings: Vec<Finding>,
}

/// A missing atomic type is found by both T0008's index and the atomics check, at the same
/// place; the atomics check says more about it.
fn dedup_atomics(mut findings: Vec<Finding>) -> Vec<Finding> {
    let local: Vec<(RuleCode, usize, String)> = findings
        .iter()
        .filter(|f| f.message.contains("portable_atomic::"))
        .map(|f| (f.code, f.range.start, f.message.clone()))
        .collect();
    findings.retain(|f| {
        !local.iter().any(|(code, start, message)| {
            *code == f.code && *start == f.range.start && *message != f.message
        })
    });
    findings
}

impl SemanticCrates {
    fn sysroot(&self, toolchain: &Toolchain) -> Option<&[Arc<CrateTree>]> {
        self.sysroot
            .get_or_init(|| {
                let library = &toolchain.std_sources()?.library;
                let crates = crate::semantic::sysroot_crates(library)?;
                Some(crates.into_iter().map(|c| self.keep(c)).collect())
            })
            .as_deref()
    }

    fn dependency(&self, source: &DependencySource) -> Arc<CrateTree> {
        let mut known = match self.dependencies.lock() {
            Ok(known) => known,
            Err(poisoned) => poisoned.into_inner(),
        };
        known
            .entry(source.root.clone())
            .or_insert_with(|| {
                self.keep(crate::semantic::dependency_crate(
                    &source.code_name,
                    source.root.clone(),
                    source.facts.resolved_features.clone(),
                    source.build_script,
                ))
            })
            .clone()
    }

    /// The crate's tree, remembering where to keep the modules it reads.
    fn keep(&self, read: DiskCrate) -> Arc<CrateTree> {
        let tree = read.krate.tree;
        if let Some(summaries) = read.summaries {
            if let Ok(mut kept) = self.summaries.lock() {
                kept.push((tree.clone(), summaries));
            }
        }
        tree
    }

    /// Keeps on disk the module summaries read since the last call (see `semantic::
    /// summaries`): the next run (or session) reads them instead of parsing std again.
    pub(super) fn save_summaries(&self) {
        let mut kept = match self.summaries.lock() {
            Ok(kept) => kept,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (tree, summaries) in kept.iter_mut() {
            summaries.save(tree);
        }
    }

    /// T0008 for one crate of a package (`build_script`: the package has one).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn findings(
        &self,
        toolchain: &Toolchain,
        model: &super::model::PackageModel,
        files: &[CrateFile<'_>],
        targets: &[TargetView],
        parsed: &FileCache,
    ) -> Vec<Finding> {
        let package = model.name.as_str();
        let dependencies = model.dependency_sources.as_slice();
        let edition_2015 = model.edition_2015;
        let build_script = model.build_script;
        let mut externals: Vec<ExternalCrate> = Vec::new();
        if let Some(sysroot) = self.sysroot(toolchain) {
            for tree in sysroot {
                externals.push(ExternalCrate {
                    in_extern_prelude: tree.name != "alloc",
                    tree: tree.clone(),
                    only_on: None,
                });
            }
        }
        for dependency in dependencies.iter().filter(|d| d.facts.enabled) {
            let only_on = dependency.facts.platform.as_ref().map(|_| {
                targets
                    .iter()
                    .filter(|t| dependency.facts.applies_to(&t.triple, &t.cfg))
                    .map(|t| t.triple.clone())
                    .collect()
            });
            externals.push(ExternalCrate {
                tree: self.dependency(dependency),
                only_on,
                in_extern_prelude: true,
            });
        }
        // std is compiled seeing unstable cfgs; only worth asking rustc when std is there.
        let build_cfgs: Vec<Option<CfgSet>> = if self.sysroot(toolchain).is_some() {
            targets
                .iter()
                .map(|t| toolchain.std_cfg(&t.triple))
                .collect()
        } else {
            Vec::new()
        };
        let mut caches = match self.crates.lock() {
            Ok(caches) => caches,
            Err(poisoned) => poisoned.into_inner(),
        };
        let root = files
            .first()
            .map(|f| f.path.to_path_buf())
            .unwrap_or_default();
        let cache = caches.entry((package.to_string(), root)).or_default();
        // Read each file once; keep the reads (and findings) of files whose text is the same.
        let mut changed = Vec::with_capacity(files.len());
        let mut prepared = Vec::with_capacity(files.len());
        for file in files {
            match cache.files.get(file.path) {
                Some(known) if *known.text == *file.text => {
                    changed.push(false);
                    prepared.push(known.prepared.clone());
                }
                _ => {
                    changed.push(true);
                    // Read ahead, or from the tree the engine kept: no second parse.
                    let read = parsed.prepared_of(file.path, file.text).unwrap_or_else(|| {
                        Arc::new(match parsed.tree_of(file.path, file.text) {
                            Some(tree) => PreparedFile::from_tree(&tree, file.text),
                            None => PreparedFile::parse(file.text),
                        })
                    });
                    prepared.push(read);
                }
            }
        }
        // What the crate declares decides every file's verdicts: when it is unchanged (an edit
        // inside a function body), only the edited files are judged again.
        let declarations: Vec<(PathBuf, Arc<ModuleSource>, Gate)> = files
            .iter()
            .zip(&prepared)
            .map(|(f, p)| {
                (
                    f.path.to_path_buf(),
                    p.declarations.clone(),
                    f.module_gate.clone(),
                )
            })
            .collect();
        let same_shape = cache.targets == targets && cache.declarations == declarations;
        let judge: Vec<bool> = changed.iter().map(|c| *c || !same_shape).collect();
        let input = SemanticInput {
            package,
            files,
            targets,
            externals: &externals,
            build_cfgs: &build_cfgs,
            prepared: &prepared,
            judge: &judge,
            build_script,
            edition_2015,
        };
        let mut out = FindingSet::default();
        unavailable_on_target::check(&input, &mut out);
        let mut by_file: HashMap<PathBuf, Vec<Finding>> = HashMap::new();
        for finding in out.into_vec() {
            by_file
                .entry(finding.file.clone())
                .or_default()
                .push(finding);
        }
        let has_dependencies = dependencies.iter().any(|d| d.facts.enabled);
        let judged: Vec<CrateFile<'_>> = files
            .iter()
            .zip(&judge)
            .filter(|(_, judged)| **judged)
            .map(|(f, _)| *f)
            .collect();
        let root_file = files.first().copied();
        for local in self.local_type_findings(
            toolchain,
            package,
            root_file,
            &judged,
            targets,
            has_dependencies,
            parsed,
        ) {
            by_file.entry(local.file.clone()).or_default().push(local);
        }
        let mut fresh = HashMap::with_capacity(files.len());
        let mut findings = Vec::new();
        for ((file, prepared), judged) in files.iter().zip(prepared).zip(&judge) {
            let previous = cache.files.remove(file.path);
            let kept = match previous {
                Some(previous) if !*judged => previous,
                _ => CachedFile {
                    text: Arc::from(file.text),
                    prepared,
                    findings: dedup_atomics(by_file.remove(file.path).unwrap_or_default()),
                },
            };
            findings.extend(kept.findings.iter().cloned());
            fresh.insert(file.path.to_path_buf(), kept);
        }
        cache.files = fresh;
        cache.declarations = declarations;
        cache.targets = targets.to_vec();
        findings
    }

    fn local_facts(&self, toolchain: &Toolchain) -> Option<&SysrootFacts> {
        self.local_facts
            .get_or_init(|| {
                let library = &toolchain.std_sources()?.library;
                // Kept on disk: the derivation parses core's atomic and float modules.
                crate::targets::rust_src_cache::cached("sysroot-facts", library, "", || {
                    crate::sysroot_facts::derive(library).ok()
                })
            })
            .as_ref()
    }

    /// Atomics, float maths in no_std and pointer width, file by file (`local_types`).
    #[allow(clippy::too_many_arguments)]
    fn local_type_findings(
        &self,
        toolchain: &Toolchain,
        package: &str,
        root: Option<CrateFile<'_>>,
        files: &[CrateFile<'_>],
        targets: &[TargetView],
        has_dependencies: bool,
        parsed: &FileCache,
    ) -> Vec<Finding> {
        let Some(root) = root else {
            return Vec::new();
        };
        let root = &root;
        // std's unstable atomic cfgs, per target, for the atomic facts.
        let mut facts = self.local_facts(toolchain).cloned();
        if let Some(facts) = facts.as_mut() {
            for target in targets {
                if let Some(cfg) = toolchain.std_cfg(&target.triple) {
                    facts.unstable_atomic_cfg.insert(target.triple.clone(), cfg);
                }
            }
        }
        // std not linked at all: the crate is no_std there, and either the target has no std
        // or nothing else could link it (a dependency that uses std would bring its float
        // methods along).
        let no_std = |target: &TargetView| {
            root.syntax.is_no_std(&target.cfg)
                && !root.syntax.links_std(&target.cfg)
                && (!target.has_std || !has_dependencies)
        };
        let mut findings = Vec::new();
        for file in files {
            let input = LocalInput {
                targets,
                no_std: &no_std,
                module_gate: file.module_gate,
                facts: facts.as_ref(),
            };
            // Too deeply nested to parse safely: the syntax layer skipped it, and so do we.
            if file.syntax.skipped.is_some() {
                continue;
            }
            let found = match parsed.tree_of(file.path, file.text) {
                Some(tree) => local_types::check_tree(&tree, &input),
                None => local_types::check_file(file.text, &input),
            };
            for local in found {
                let code = match local.cause {
                    Cause::NoStd => RuleCode::T0001,
                    Cause::Target => RuleCode::T0008,
                };
                findings.push(Finding {
                    code,
                    severity: local.severity,
                    message: format!("{} ({})", local.message, local.help),
                    package: package.to_string(),
                    targets: local.failing,
                    file: file.path.to_path_buf(),
                    range: local.range,
                    fixes: Vec::new(),
                    api: None,
                });
            }
        }
        findings
    }

    /// Said when there is no rust-src at all (`Toolchain::std_sources`): std paths are then
    /// not checked per target (the crate's own items and dependencies still are).
    pub(super) fn missing_rust_src(
        &self,
        toolchain: &Toolchain,
        package: &str,
        manifest: &Path,
        manifest_text: &str,
        targets: &[TargetView],
    ) -> Option<Finding> {
        if self.sysroot(toolchain).is_some() {
            return None;
        }
        let range = manifest_text
            .find("[package]")
            .map_or(0..0, |start| start..start + "[package]".len());
        Some(Finding {
            code: RuleCode::T0008,
            severity: Severity::Info,
            message: "std, core and alloc paths are not checked per target: no rust-src was found \
                      (install it with `rustup component add rust-src`)"
                .to_string(),
            package: package.to_string(),
            targets: targets.iter().map(|t| t.triple.clone()).collect(),
            file: manifest.to_path_buf(),
            range,
            fixes: Vec::new(),
            api: None,
        })
    }
}
