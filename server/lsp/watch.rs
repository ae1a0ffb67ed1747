//! Disk changes under the workspace folders, via notify (debounced, batched by path).

use crossbeam_channel::{unbounded, Receiver};
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use std::path::PathBuf;
use std::time::Duration;

/// Editors save in bursts (write, rename, chmod): one event per path per window.
const DEBOUNCE: Duration = Duration::from_millis(100);

pub struct FileWatcher {
    debouncer: Debouncer<RecommendedWatcher>,
    watched: Vec<PathBuf>,
}

impl FileWatcher {
    /// The watcher and the channel its batches of changed paths arrive on.
    pub fn new() -> Result<(FileWatcher, Receiver<Vec<PathBuf>>), String> {
        let (sender, receiver) = unbounded();
        let debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
            if let Ok(events) = result {
                let paths = events.into_iter().map(|event| event.path).collect();
                let _ = sender.send(paths);
            }
        })
        .map_err(|error| error.to_string())?;
        let watcher = FileWatcher {
            debouncer,
            watched: Vec::new(),
        };
        Ok((watcher, receiver))
    }

    /// Watches exactly `folders` (recursively); returns the folders that could not be watched.
    pub fn set_folders(&mut self, folders: &[PathBuf]) -> Vec<(PathBuf, String)> {
        for old in std::mem::take(&mut self.watched) {
            if !folders.contains(&old) {
                let _ = self.debouncer.watcher().unwatch(&old);
            } else {
                self.watched.push(old);
            }
        }
        let mut failures = Vec::new();
        for folder in folders {
            if self.watched.contains(folder) {
                continue;
            }
            match self
                .debouncer
                .watcher()
                .watch(folder, RecursiveMode::Recursive)
            {
                Ok(()) => self.watched.push(folder.clone()),
                Err(error) => failures.push((folder.clone(), error.to_string())),
            }
        }
        failures
    }
}
