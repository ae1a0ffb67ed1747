//! The analysis thread: owns the engines (one per Cargo workspace) and runs every load and
//! check, so the protocol loop never waits on `cargo metadata` or on analysis.

mod jobs;
mod outcomes;
mod sources;

pub use jobs::{job_queue, Job, JobReceiver, JobSender};
pub use outcomes::{FileReport, LoadFailure, Outcome};

use crate::analysis::finding::Finding;
use crate::engine::{Engine, EngineOptions, LoadError, RuleConfig, Stopped};
use crate::lsp::build_runs::PackageSelection;
use crate::lsp::config::{Config, Settings};
use crate::lsp::documents::Overlay;
use crate::lsp::ext::TargetsResult;
use crate::lsp::line_index::LineIndex;
use crate::lsp::workspaces::{
    classify, config_scope, discover_roots, fingerprint, fingerprint_bytes, root_for, FileKind,
};
use crate::targets::Toolchain;
use crossbeam_channel::Sender;
use sources::{report, unowned_report, RecordingSources};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

struct Slot {
    engine: Option<Engine>,
    settings: Option<Settings>,
    /// The workspace's manifest/config texts as of the last successful load. While the
    /// workspace is broken, the engine reads these instead of the broken files, so the
    /// last good model keeps serving.
    good_manifests: HashMap<PathBuf, Arc<str>>,
    broken: bool,
    /// What the engine reads for the manifests changed without an edit to them (pinned to
    /// the last good texts, or unpinned): the next edit check re-reads them.
    manifests_served_changed: bool,
    /// Content fingerprints of the manifests, configs and Cargo.lock the last successful
    /// load saw: a change event for content already loaded (cargo metadata writing
    /// Cargo.lock, a late duplicate event) is not worth another load.
    loaded_stamps: HashMap<PathBuf, Option<u64>>,
    /// The findings per file last sent for this workspace: an edit re-sends only the files
    /// whose findings changed (and the edited ones), not every file with findings.
    sent: BTreeMap<PathBuf, Vec<Finding>>,
}

impl Slot {
    fn empty() -> Slot {
        Slot {
            engine: None,
            settings: None,
            good_manifests: HashMap::new(),
            broken: false,
            manifests_served_changed: false,
            loaded_stamps: HashMap::new(),
            sent: BTreeMap::new(),
        }
    }
}

pub fn run(jobs: JobReceiver, outcomes: Sender<Outcome>) {
    let mut worker = Worker {
        toolchain: None,
        folders: Vec::new(),
        slots: BTreeMap::new(),
        config: Config::default(),
        outcomes,
        newest: Arc::clone(&jobs.newest),
        stopped: BTreeSet::new(),
        latest: None,
    };
    while let Ok(first) = jobs.jobs.recv() {
        // Coalesce whatever queued up meanwhile: one check of the union of paths against
        // the newest buffers beats re-checking every intermediate edit, and only the
        // newest settings sync and one reload of every changed manifest are worth doing.
        let mut batch = vec![first];
        batch.extend(jobs.jobs.try_iter());
        let last_sync = batch
            .iter()
            .rposition(|job| matches!(job, Job::Sync { .. }));
        let last_files_changed = batch
            .iter()
            .rposition(|job| matches!(job, Job::FilesChanged { .. }));
        let mut changed_files = Vec::new();
        let mut check_paths = Vec::new();
        let mut newest_check = None;
        for (position, job) in batch.into_iter().enumerate() {
            if let Some(seq) = job.seq() {
                worker.note_latest(&job, seq);
            }
            match job {
                Job::Check {
                    paths,
                    overlay,
                    seq,
                } => {
                    check_paths.extend(paths);
                    newest_check = Some((overlay, seq));
                }
                Job::Sync { .. } if Some(position) != last_sync => {}
                Job::FilesChanged { paths, .. } if Some(position) != last_files_changed => {
                    changed_files.extend(paths);
                }
                Job::FilesChanged {
                    mut paths,
                    overlay,
                    seq,
                } => {
                    paths.append(&mut changed_files);
                    paths.sort();
                    paths.dedup();
                    let job = Job::FilesChanged {
                        paths,
                        overlay,
                        seq,
                    };
                    worker.guarded(|worker| worker.handle(job));
                }
                other => worker.guarded(|worker| worker.handle(other)),
            }
        }
        if let Some((overlay, seq)) = newest_check {
            check_paths.sort();
            check_paths.dedup();
            worker.guarded(|worker| worker.check_files(&check_paths, &overlay, seq));
        }
        worker.guarded(Worker::finish_stopped_checks);
    }
}

struct Worker {
    /// Detected once and shared by every engine (rustc facts are cached in it); detected
    /// again when a toolchain file changes.
    toolchain: Option<Arc<Toolchain>>,
    folders: Vec<PathBuf>,
    slots: BTreeMap<PathBuf, Slot>,
    config: Config,
    outcomes: Sender<Outcome>,
    /// The newest job's sequence number (see `job_queue`).
    newest: Arc<AtomicU64>,
    /// Workspaces whose whole-workspace check stopped for newer work, to check again.
    stopped: BTreeSet<PathBuf>,
    /// The newest buffers and sequence number a job brought.
    latest: Option<(Overlay, u64)>,
}

impl Worker {
    fn note_latest(&mut self, job: &Job, seq: u64) {
        let overlay = match job {
            Job::Sync { overlay, .. }
            | Job::FilesChanged { overlay, .. }
            | Job::Check { overlay, .. } => overlay,
            Job::Targets { .. } => return,
        };
        if self
            .latest
            .as_ref()
            .is_none_or(|(_, latest)| *latest <= seq)
        {
            self.latest = Some((overlay.clone(), seq));
        }
    }

    /// Whole-workspace checks that stopped for newer work, done again now that it is
    /// done (they stop again if more work arrived meanwhile).
    fn finish_stopped_checks(&mut self) {
        let Some((overlay, seq)) = self.latest.clone() else {
            return;
        };
        for root in std::mem::take(&mut self.stopped) {
            self.check_workspace(&root, &overlay, seq, &[], false);
        }
    }

    /// A panic in the engine is an error message, not the end of the server.
    fn guarded(&mut self, work: impl FnOnce(&mut Worker)) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| work(self))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                .unwrap_or_else(|| "unknown panic".to_string());
            self.send(Outcome::Log {
                error: true,
                message: format!("analysis panicked: {message}"),
            });
        }
    }

    fn send(&self, outcome: Outcome) {
        let _ = self.outcomes.send(outcome);
    }

    fn handle(&mut self, job: Job) {
        match job {
            Job::Sync {
                folders,
                config,
                overlay,
                seq,
            } => {
                self.folders = folders;
                self.config = config;
                self.sync_roots(&overlay, seq);
                self.send(Outcome::Synced { seq });
            }
            Job::FilesChanged {
                paths,
                overlay,
                seq,
            } => {
                if paths.iter().any(|path| classify(path) == FileKind::Config) {
                    self.toolchain = None; // rust-toolchain.toml may name another toolchain
                }
                let known: Vec<PathBuf> = self.slots.keys().cloned().collect();
                let mut affected = Vec::new();
                for path in &paths {
                    affected.extend(affected_roots(&known, path));
                }
                affected.sort();
                affected.dedup();
                // New or removed workspaces load or drop here; the others reload.
                let loaded = self.sync_roots(&overlay, seq);
                for root in affected {
                    let already_loaded = self.slots.get(&root).is_some_and(|slot| {
                        paths
                            .iter()
                            .filter(|path| affected_roots(&known, path).contains(&root))
                            .all(|path| {
                                slot.loaded_stamps
                                    .get(path)
                                    .is_some_and(|stamp| *stamp == fingerprint(path))
                            })
                    });
                    if already_loaded {
                        continue;
                    }
                    if self.slots.contains_key(&root) && !loaded.contains(&root) {
                        self.send(Outcome::Log {
                            error: false,
                            message: format!("reloading {} ({})", root.display(), describe(&paths)),
                        });
                        self.load(&root, &overlay, seq);
                    }
                }
            }
            Job::Check {
                paths,
                overlay,
                seq,
            } => self.check_files(&paths, &overlay, seq),
            Job::Targets { id, path } => {
                let result = self.targets(path.as_deref());
                self.send(Outcome::Targets { id, result });
            }
        }
    }

    /// Brings the engines in line with the workspaces found in the folders; returns the
    /// roots it (re)loaded.
    fn sync_roots(&mut self, overlay: &Overlay, seq: u64) -> Vec<PathBuf> {
        let roots = discover_roots(&self.folders);
        let gone: Vec<PathBuf> = self
            .slots
            .keys()
            .filter(|root| !roots.contains(root))
            .cloned()
            .collect();
        for root in gone {
            self.slots.remove(&root);
            self.send(Outcome::Dropped { root });
        }
        let mut loaded = Vec::new();
        for root in roots {
            let wanted = self.config.for_workspace(&root);
            let current = self
                .slots
                .get(&root)
                .and_then(|slot| slot.settings.as_ref());
            if current != Some(wanted) {
                self.load(&root, overlay, seq);
                loaded.push(root);
            }
        }
        loaded
    }

    fn load(&mut self, root: &Path, overlay: &Overlay, seq: u64) {
        let settings = self.config.for_workspace(root).clone();
        let rules = match RuleConfig::from_json(&settings.rules) {
            Ok(rules) => rules,
            Err(error) => {
                self.send(Outcome::Log {
                    error: true,
                    message: format!("triplet.rules ignored: {error}"),
                });
                RuleConfig::default()
            }
        };
        let options = EngineOptions {
            targets: settings.targets.clone(),
            targets_source: "the triplet.targets setting".into(),
            rules,
            features: Default::default(),
            partial_on_broken_member: false,
        };
        let sources = RecordingSources::new(overlay, None);
        let loaded = match self.toolchain() {
            Ok(toolchain) => Engine::load_with(root, options, toolchain),
            Err(error) => Err(error),
        };
        match loaded {
            Ok(engine) => {
                let good_manifests: HashMap<PathBuf, Arc<str>> = engine
                    .manifest_files()
                    .into_iter()
                    .filter_map(|file| sources.text(&file).map(|text| (file, text)))
                    .collect();
                let mut stamps: Vec<(PathBuf, Option<u64>)> = good_manifests
                    .iter()
                    .filter(|(file, _)| overlay.text(file).is_none())
                    .map(|(file, text)| (file.clone(), Some(fingerprint_bytes(text.as_bytes()))))
                    .collect();
                let packages = engine
                    .package_targets(&sources)
                    .into_iter()
                    .map(|package| PackageSelection {
                        manifest: package.manifest_path,
                        targets: package
                            .targets
                            .into_iter()
                            .map(|t| t.origin.triple)
                            .collect(),
                    })
                    .collect();
                let lockfile = root.join("Cargo.lock");
                let lock_stamp = fingerprint(&lockfile);
                stamps.push((lockfile, lock_stamp));
                self.slots.insert(
                    root.to_path_buf(),
                    Slot {
                        engine: Some(engine),
                        settings: Some(settings),
                        good_manifests,
                        broken: false,
                        manifests_served_changed: false,
                        loaded_stamps: stamps.iter().cloned().collect(),
                        sent: BTreeMap::new(),
                    },
                );
                self.send(Outcome::Loaded {
                    root: root.to_path_buf(),
                    stamps,
                    packages,
                });
                self.check_workspace(root, overlay, seq, &[], false);
            }
            Err(error) => {
                let manifest = error
                    .manifest
                    .clone()
                    .unwrap_or_else(|| root.join("Cargo.toml"));
                let text = sources.text(&manifest).unwrap_or_else(|| Arc::from(""));
                let message = error.to_string();
                let failure = LoadFailure {
                    manifest,
                    range: error.position.and_then(|at| at.line_range(&text)),
                    message,
                    index: LineIndex::new(text),
                };
                // The last good engine keeps serving, with the last good manifests, and
                // its published findings stay. Unknown settings make the next sync retry.
                let slot = self
                    .slots
                    .entry(root.to_path_buf())
                    .or_insert_with(Slot::empty);
                slot.settings = None;
                slot.broken = slot.engine.is_some();
                slot.manifests_served_changed = true;
                // Restoring the last good text must load again, not look already loaded.
                slot.loaded_stamps.clear();
                self.send(Outcome::LoadFailed {
                    root: root.to_path_buf(),
                    failure,
                });
            }
        }
    }

    fn toolchain(&mut self) -> Result<Arc<Toolchain>, LoadError> {
        if let Some(toolchain) = &self.toolchain {
            return Ok(Arc::clone(toolchain));
        }
        let toolchain =
            Toolchain::detect().map_err(|error| LoadError::general(error.to_string()))?;
        self.toolchain = Some(Arc::clone(&toolchain));
        Ok(toolchain)
    }

    /// Checks a workspace. `incremental`: only `also` changed since the last check (the
    /// engine re-analyses what they touch), and only files whose findings changed are
    /// reported, plus `also`. Otherwise every file is read again and every file with
    /// findings is reported, plus `also` (so that a file whose findings went away is
    /// cleared). Either way the findings are the whole workspace's: a change in one file
    /// can change the findings of others (`#![no_std]` in the crate root, a new `mod`).
    fn check_workspace(
        &mut self,
        root: &Path,
        overlay: &Overlay,
        seq: u64,
        also: &[&PathBuf],
        incremental: bool,
    ) {
        let Some(slot) = self.slots.get_mut(root) else {
            return;
        };
        let Some(engine) = slot.engine.as_ref() else {
            return;
        };
        let sources = RecordingSources::new(overlay, slot.broken.then_some(&slot.good_manifests));
        let manifests_served_changed = std::mem::take(&mut slot.manifests_served_changed);
        let outcomes = self.outcomes.clone();
        let mut sent = std::mem::take(&mut slot.sent);
        let findings = if incremental {
            let mut changed: Vec<PathBuf> = also.iter().map(|path| (*path).clone()).collect();
            if manifests_served_changed {
                changed.extend(engine.manifest_files());
            }
            // Two publishes of the same version: the first tier at once, then the findings
            // of the per-target semantic checks (T0008 and friends), which cost more.
            let first = engine.check_changed_first_tier(&changed, &sources);
            let reports = reports_for(&mut sent, root, first, also, true, &sources);
            let _ = outcomes.send(Outcome::Checked {
                seq,
                whole_workspace: None,
                reports,
                overlay: overlay.clone(),
            });
            if self.newest.load(Ordering::SeqCst) > seq {
                // Newer edits are queued: their check runs the semantic tier for both.
                drop(sources);
                slot.sent = sent;
                return;
            }
            engine.check_changed(&changed, &sources)
        } else {
            let newest = &self.newest;
            let superseded = || newest.load(Ordering::SeqCst) > seq;
            // After a load: the first tier for the whole workspace first, then everything.
            let passes = engine
                .check_all_first_tier_until(&sources, &superseded)
                .map(|first| {
                    let reports = reports_for(&mut sent, root, first, also, false, &sources);
                    let _ = outcomes.send(Outcome::Checked {
                        seq,
                        whole_workspace: Some(root.to_path_buf()),
                        reports,
                        overlay: overlay.clone(),
                    });
                })
                .and_then(|()| engine.check_all_until(&sources, &superseded));
            match passes {
                Ok(findings) => findings,
                Err(Stopped) => {
                    drop(sources);
                    slot.sent = sent;
                    slot.manifests_served_changed |= manifests_served_changed;
                    self.stopped.insert(root.to_path_buf());
                    return;
                }
            }
        };
        let reports = reports_for(&mut sent, root, findings, also, incremental, &sources);
        drop(sources);
        slot.sent = sent;
        let _ = outcomes.send(Outcome::Checked {
            seq,
            whole_workspace: (!incremental).then(|| root.to_path_buf()),
            reports,
            overlay: overlay.clone(),
        });
    }

    fn check_files(&mut self, paths: &[PathBuf], overlay: &Overlay, seq: u64) {
        let mut unowned = Vec::new();
        let mut by_root: BTreeMap<PathBuf, Vec<&PathBuf>> = BTreeMap::new();
        for path in paths {
            match self.engine_for(path) {
                Some((root, _)) => by_root.entry(root.clone()).or_default().push(path),
                None => unowned.push(unowned_report(path, overlay)),
            }
        }
        for (root, paths) in by_root {
            self.check_workspace(&root, overlay, seq, &paths, true);
        }
        if !unowned.is_empty() {
            self.send(Outcome::Checked {
                seq,
                whole_workspace: None,
                reports: unowned,
                overlay: overlay.clone(),
            });
        }
    }

    fn engine_for(&self, path: &Path) -> Option<(&PathBuf, &Engine)> {
        let owners: Vec<&PathBuf> = self
            .slots
            .iter()
            .filter(|(_, slot)| slot.engine.as_ref().is_some_and(|engine| engine.owns(path)))
            .map(|(root, _)| root)
            .collect();
        let root = root_for(owners, path)?;
        let engine = self.slots.get(root)?.engine.as_ref()?;
        Some((root, engine))
    }

    fn targets(&self, path: Option<&Path>) -> TargetsResult {
        let engines: Vec<&Engine> = match path.and_then(|path| self.engine_for(path)) {
            Some((_, engine)) => vec![engine],
            None => self
                .slots
                .values()
                .filter_map(|slot| slot.engine.as_ref())
                .collect(),
        };
        let mut result = TargetsResult::default();
        for engine in engines {
            merge(&mut result.selected, engine.selected_targets());
            merge(&mut result.installed, engine.installed_targets());
            merge(&mut result.known, engine.known_targets());
        }
        result
    }
}

/// The workspaces a changed manifest or config file governs.
fn affected_roots(roots: &[PathBuf], path: &Path) -> Vec<PathBuf> {
    let mut affected: Vec<PathBuf> = root_for(roots, path).into_iter().cloned().collect();
    if classify(path) == FileKind::Config {
        // Cargo reads `.cargo/config.toml` and rust-toolchain.toml from every ancestor.
        if let Some(scope) = config_scope(path) {
            affected.extend(roots.iter().filter(|root| root.starts_with(scope)).cloned());
        }
    }
    affected
}

fn describe(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    names.join(", ")
}

fn merge(into: &mut Vec<String>, more: Vec<String>) {
    for item in more {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// The reports a check's findings make: incrementally, the files whose findings changed
/// (plus `also`, and the files whose findings went away); otherwise every file with findings
/// plus `also`. Remembers what was sent.
fn reports_for(
    sent: &mut BTreeMap<PathBuf, Vec<Finding>>,
    root: &Path,
    findings: Vec<Finding>,
    also: &[&PathBuf],
    incremental: bool,
    sources: &RecordingSources<'_>,
) -> Vec<FileReport> {
    let mut by_file: BTreeMap<PathBuf, Vec<Finding>> = BTreeMap::new();
    for finding in findings {
        by_file
            .entry(finding.file.clone())
            .or_default()
            .push(finding);
    }
    let mut to_report: BTreeMap<PathBuf, Vec<Finding>> = BTreeMap::new();
    for path in also {
        to_report.insert((*path).clone(), Vec::new());
    }
    if incremental {
        for (path, findings) in &by_file {
            if sent.get(path) != Some(findings) || to_report.contains_key(path) {
                to_report.insert(path.clone(), findings.clone());
            }
        }
        for path in sent.keys() {
            if !by_file.contains_key(path) {
                to_report.entry(path.clone()).or_default();
            }
        }
    } else {
        to_report.extend(by_file.iter().map(|(path, f)| (path.clone(), f.clone())));
    }
    *sent = by_file;
    // A broken manifest keeps only its load error: findings against its last good text
    // would point into text that is gone.
    to_report
        .into_iter()
        .filter(|(path, _)| !sources.is_pinned(path))
        .map(|(path, findings)| report(path, Some(root.to_path_buf()), findings, sources))
        .collect()
}
