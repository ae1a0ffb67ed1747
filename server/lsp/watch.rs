//! Disk changes under the workspace folders, via notify (debounced, batched by path).
//!
//! A folder is watched on its own (non-recursively) and each top-level directory in it
//! recursively, except build output and VCS data: `target/` alone can hold tens of
//! thousands of directories, each an inotify watch, and floods events during builds.

use crossbeam_channel::{unbounded, Receiver};
use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, Debouncer};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Editors save in bursts (write, rename, chmod): one event per path per window.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// Top-level directories never watched.
const UNWATCHED: [&str; 3] = ["target", ".git", "node_modules"];

pub struct FileWatcher {
    debouncer: Debouncer<RecommendedWatcher>,
    /// Per folder, every path watched for it.
    watched: BTreeMap<PathBuf, Vec<PathBuf>>,
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
            watched: BTreeMap::new(),
        };
        Ok((watcher, receiver))
    }

    /// Watches exactly `folders`; returns what could not be watched, and why.
    pub fn set_folders(&mut self, folders: &[PathBuf]) -> Vec<(PathBuf, String)> {
        let gone: Vec<PathBuf> = self
            .watched
            .keys()
            .filter(|folder| !folders.contains(folder))
            .cloned()
            .collect();
        for folder in gone {
            for path in self.watched.remove(&folder).unwrap_or_default() {
                let _ = self.debouncer.watcher().unwatch(&path);
            }
        }
        let mut failures = Vec::new();
        for folder in folders {
            if self.watched.contains_key(folder) {
                continue;
            }
            let mut paths = Vec::new();
            match self
                .debouncer
                .watcher()
                .watch(folder, RecursiveMode::NonRecursive)
            {
                Ok(()) => paths.push(folder.clone()),
                Err(error) => failures.push((folder.clone(), error.to_string())),
            }
            for subdir in watched_subdirs(folder) {
                match self
                    .debouncer
                    .watcher()
                    .watch(&subdir, RecursiveMode::Recursive)
                {
                    Ok(()) => paths.push(subdir),
                    Err(error) => failures.push((subdir, error.to_string())),
                }
            }
            self.watched.insert(folder.clone(), paths);
        }
        failures
    }

    /// A directory created directly in a folder is watched from now on.
    pub fn notice(&mut self, path: &Path) {
        let Some(parent) = path.parent() else {
            return;
        };
        let Some(paths) = self.watched.get_mut(parent) else {
            return;
        };
        if paths.iter().any(|watched| watched == path) || !is_watched_dir(path) {
            return;
        }
        if self
            .debouncer
            .watcher()
            .watch(path, RecursiveMode::Recursive)
            .is_ok()
        {
            paths.push(path.to_path_buf());
        }
    }
}

fn watched_subdirs(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_watched_dir(path))
        .collect();
    dirs.sort();
    dirs
}

fn is_watched_dir(path: &Path) -> bool {
    let excluded = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| UNWATCHED.contains(&name));
    !excluded && path.is_dir()
}
