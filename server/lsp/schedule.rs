//! When to run what: debounced re-checks of edited files, and disk changes coalesced by
//! path and content so that one save seen by several watchers is handled once.
//! Time is passed in, so the rules are tested without sleeping.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Re-checks per file: trailing debounce, bounded so continuous typing still gets results.
#[derive(Debug)]
pub struct CheckScheduler {
    max_delay: Duration,
    pending: HashMap<PathBuf, Pending>,
    /// When each file was last edited, to tell a burst of typing from a lone edit.
    last_edit: HashMap<PathBuf, Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    first: Instant,
    due: Instant,
}

impl CheckScheduler {
    pub fn new(max_delay: Duration) -> CheckScheduler {
        CheckScheduler {
            max_delay,
            pending: HashMap::new(),
            last_edit: HashMap::new(),
        }
    }

    /// An edit after a quiet spell (nothing for `debounce`) is checked at once: the user
    /// is waiting for exactly that result, and a check costs a few milliseconds. Edits
    /// that follow each other closer than `debounce` are a burst: they wait until it pauses
    /// (bounded by `max_delay`), so fast typing does not queue a check per keystroke.
    pub fn request_edit(&mut self, path: PathBuf, now: Instant, debounce: Duration) {
        let previous = self.last_edit.insert(path.clone(), now);
        let in_burst = previous.is_some_and(|last| now.saturating_duration_since(last) < debounce);
        let delay = if in_burst { debounce } else { Duration::ZERO };
        self.request(path, now, delay);
    }

    /// Asks for a check `delay` from `now`; a pending request moves, but never past
    /// `max_delay` after it was first made.
    pub fn request(&mut self, path: PathBuf, now: Instant, delay: Duration) {
        let pending = self.pending.entry(path).or_insert(Pending {
            first: now,
            due: now + delay,
        });
        pending.due = (now + delay).min(pending.first + self.max_delay);
    }

    pub fn next_due(&self) -> Option<Instant> {
        self.pending.values().map(|pending| pending.due).min()
    }

    /// Removes and returns the paths whose time has come, sorted.
    pub fn take_due(&mut self, now: Instant) -> Vec<PathBuf> {
        let mut due: Vec<PathBuf> = self
            .pending
            .iter()
            .filter(|(_, pending)| pending.due <= now)
            .map(|(path, _)| path.clone())
            .collect();
        due.sort();
        for path in &due {
            self.pending.remove(path);
        }
        due
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
    fn edits_debounce_but_never_wait_past_the_maximum() {
        let start = Instant::now();
        let mut checks = CheckScheduler::new(500 * MS);
        let file = PathBuf::from("/w/src/lib.rs");
        checks.request(file.clone(), start, 50 * MS);
        checks.request(file.clone(), start + 40 * MS, 50 * MS);
        assert_eq!(checks.next_due(), Some(start + 90 * MS));
        assert!(checks.take_due(start + 89 * MS).is_empty());
        assert_eq!(checks.take_due(start + 90 * MS), vec![file.clone()]);
        assert_eq!(checks.next_due(), None);

        // Typing every 40 ms forever still gets a check 500 ms after the first keystroke.
        let mut at = start;
        checks.request(file.clone(), at, 50 * MS);
        for _ in 0..20 {
            at += 40 * MS;
            checks.request(file.clone(), at, 50 * MS);
        }
        assert_eq!(checks.next_due(), Some(start + 500 * MS));
    }

    #[test]
    fn a_lone_edit_runs_at_once_and_a_burst_waits_for_its_pause() {
        let start = Instant::now();
        let mut checks = CheckScheduler::new(500 * MS);
        let file = PathBuf::from("/w/src/lib.rs");
        checks.request_edit(file.clone(), start, 50 * MS);
        assert_eq!(checks.take_due(start), vec![file.clone()]);
        // The next keystroke 20 ms later is part of a burst: debounced.
        checks.request_edit(file.clone(), start + 20 * MS, 50 * MS);
        checks.request_edit(file.clone(), start + 40 * MS, 50 * MS);
        assert!(checks.take_due(start + 60 * MS).is_empty());
        assert_eq!(checks.take_due(start + 90 * MS), vec![file.clone()]);
        // After a quiet spell, at once again.
        checks.request_edit(file.clone(), start + 200 * MS, 50 * MS);
        assert_eq!(checks.take_due(start + 200 * MS), vec![file]);
    }

    #[test]
    fn an_immediate_request_overrides_a_debounced_one() {
        let start = Instant::now();
        let mut checks = CheckScheduler::new(500 * MS);
        let file = PathBuf::from("/w/src/lib.rs");
        checks.request(file.clone(), start, 50 * MS);
        checks.request(file.clone(), start, Duration::ZERO);
        assert_eq!(checks.take_due(start), vec![file]);
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
