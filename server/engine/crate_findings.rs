//! T0001/T0002 for one crate: its module tree, walked again only when a path it read or
//! looked for changed, and each file's findings, recomputed only when what they depend on
//! changed.

use super::file_cache::FileCache;
use super::model::PackageModel;
use super::{CheckState, Engine, SourceProvider, Stopped, Tier};
use crate::analysis::context::{CrateFile, CrateInput, TargetView};
use crate::analysis::finding::Finding;
use crate::analysis::syntax::{CrateAttr, ExternCrate, FileSyntax, Gate};
use crate::runtime_api::ApiTable;
use crate::workspace::module_tree::{module_tree_probed, ModuleFile};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One crate's module tree and its findings per file.
pub(super) struct CrateState {
    files: Vec<ModuleFile>,
    /// Every path the module walk read or looked for.
    probed: HashSet<PathBuf>,
    /// What per-file findings were computed with; a change clears them.
    targets: Vec<TargetView>,
    root: RootFacts,
    per_file: HashMap<PathBuf, FileFindings>,
    /// The crate's findings as last computed, for checks that touch none of its files.
    findings: Vec<Finding>,
    /// The semantic checks' findings as last computed, and whether files changed since.
    semantic: Vec<Finding>,
    semantic_stale: bool,
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
    /// T0001/T0002 for one crate: the module tree walked again only when a path it read or
    /// looked for changed, each file analysed again only when its text, its module gate,
    /// the targets or the crate root's attributes changed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn crate_findings(
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
        // A full check reads each file parsed now once more, for the semantic checks.
        state.files.keep_fresh_trees(state.tier == Tier::Full);
        let mut krate = match state.crates.remove(&key) {
            Some(mut krate) if changed.is_some() => {
                let changed = changed.into_iter().flatten();
                let touched: Vec<&PathBuf> = changed
                    .filter(|path| krate.probed.contains(*path))
                    .collect();
                let semantic_due = krate.semantic_stale && state.tier == Tier::Full;
                if touched.is_empty() && krate.targets == targets && !semantic_due {
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
                    semantic: Vec::new(),
                    semantic_stale: true,
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
        if state.tier == Tier::Full {
            krate.semantic = self.semantic.findings(
                &self.toolchain,
                package,
                &input.files,
                targets,
                &state.files,
            );
            krate.semantic_stale = false;
            (state.files).release_fresh_trees_of(krate.files.iter().map(|f| f.path.as_path()));
        } else {
            krate.semantic_stale = true;
        }
        findings.extend(krate.semantic.iter().cloned());
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
