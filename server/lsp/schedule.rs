//! When to run what: re-checks of edited files, and disk changes coalesced by path and
//! content so that one save seen by several watchers is handled once.
//! Time is passed in, so the rules are tested without sleeping.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files waiting for a re-check. There is no debounce: a check of an edited file costs a
/// few milliseconds, so every edit is sent to the analysis thread at once. Edits that
/// arrive while it is busy are coalesced there (one check of the newest buffers), and a
/// check made stale by a newer edit is cancelled (see `worker`).
#[derive(Debug, Default)]
pub struct PendingChecks {
    paths: BTreeSet<PathBuf>,
}

impl PendingChecks {
    pub fn request(&mut self, path: PathBuf) {
        self.paths.insert(path);
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Removes and returns every waiting path, sorted.
    pub fn take_all(&mut self) -> Vec<PathBuf> {
        std::mem::take(&mut self.paths).into_iter().collect()
    }
}

/// Disk changes from any number of sources (notify, the client's watcher, saves).
#[derive(Debug)]
pub struct ChangeQueue {
    window: Duration,
    pending: HashMap<PathBuf, Instant>,
    /// Content fingerprint of each file when last handled (None: it did not exist).
    handled: HashMap<PathBuf, Option<u64>>,
}

impl ChangeQueue {
    pub fn new(window: Duration) -> ChangeQueue {
        ChangeQueue {
            window,
            pending: HashMap::new(),
            handled: HashMap::new(),
        }
    }

    /// Notes a change; repeats within the window (from any source) are the same change.
    pub fn push(&mut self, path: PathBuf, now: Instant) {
        let window = self.window;
        self.pending.entry(path).or_insert(now + window);
    }

    /// Content the model already reflects (what a load read, what cargo itself wrote).
    pub fn mark_handled(&mut self, path: PathBuf, fingerprint: Option<u64>) {
        self.handled.insert(path, fingerprint);
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.pending.values().min().copied()
    }

    /// The changes whose window has closed and whose content differs from the last handled
    /// one, sorted. `fingerprint` reads a file's current content hash.
    pub fn take_due(
        &mut self,
        now: Instant,
        fingerprint: impl Fn(&Path) -> Option<u64>,
    ) -> Vec<PathBuf> {
        let mut due: Vec<PathBuf> = self
            .pending
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(path, _)| path.clone())
            .collect();
        due.sort();
        due.retain(|path| {
            self.pending.remove(path);
            let current = fingerprint(path);
            let repeat = self.handled.get(path) == Some(&current);
            self.handled.insert(path.clone(), current);
            !repeat
        });
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn requests_are_coalesced_and_taken_in_order() {
        let mut checks = PendingChecks::default();
        let lib = PathBuf::from("/w/src/lib.rs");
        let net = PathBuf::from("/w/src/net.rs");
        checks.request(net.clone());
        checks.request(lib.clone());
        checks.request(net.clone());
        assert!(!checks.is_empty());
        assert_eq!(checks.take_all(), vec![lib, net]);
        assert!(checks.is_empty());
    }

    #[test]
    fn the_same_change_from_two_watchers_is_handled_once() {
        let start = Instant::now();
        let mut changes = ChangeQueue::new(100 * MS);
        let manifest = PathBuf::from("/w/Cargo.toml");
        let content = |_: &Path| Some(7);
        changes.push(manifest.clone(), start); // notify
        changes.push(manifest.clone(), start + 30 * MS); // didChangeWatchedFiles
        assert!(changes.take_due(start + 99 * MS, content).is_empty());
        assert_eq!(
            changes.take_due(start + 100 * MS, content),
            vec![manifest.clone()]
        );
        // A late duplicate after the window: same content, nothing to do.
        changes.push(manifest.clone(), start + 300 * MS);
        assert!(changes.take_due(start + 400 * MS, content).is_empty());
        // A real change is handled again.
        changes.push(manifest.clone(), start + 500 * MS);
        assert_eq!(
            changes.take_due(start + 600 * MS, |_| Some(8)),
            vec![manifest]
        );
    }

    #[test]
    fn content_the_model_already_reflects_is_not_a_change() {
        let start = Instant::now();
        let mut changes = ChangeQueue::new(100 * MS);
        let lockfile = PathBuf::from("/w/Cargo.lock");
        changes.mark_handled(lockfile.clone(), Some(1));
        changes.push(lockfile.clone(), start);
        assert!(changes.take_due(start + 100 * MS, |_| Some(1)).is_empty());
        // Deletion is a change too.
        changes.push(lockfile.clone(), start + 200 * MS);
        assert_eq!(changes.take_due(start + 300 * MS, |_| None), vec![lockfile]);
    }
}
