//! Per-target checks and builds requested from the editor, each on its own thread so
//! neither the protocol loop nor the analysis worker ever waits for cargo. A thread runs
//! the build runner (`crate::build`) and reports what happens as `BuildEvent`s; the
//! protocol loop turns them into progress, `triplet/checkStatus` and diagnostics.

use crate::build::{
    install_target, run_build, BuildMode, BuildObserver, BuildProgress, BuildRequest, CancelHandle,
    RunResult,
};
use crossbeam_channel::{unbounded, Receiver, Sender};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    Check,
    Build,
    /// Check with `-Zbuild-std` (RUSTC_BOOTSTRAP=1) for targets whose std is missing.
    CheckBuildStd,
    /// `rustup target add` (one target), then a check.
    InstallTarget,
}

impl OrderKind {
    /// The progress title, naming the targets.
    pub fn title(self, targets: &[String]) -> String {
        let targets = targets.join(", ");
        match self {
            OrderKind::Check => format!("Checking for {targets}"),
            OrderKind::Build => format!("Building for {targets}"),
            OrderKind::CheckBuildStd => {
                format!("Checking {targets} with -Zbuild-std (uses RUSTC_BOOTSTRAP=1)")
            }
            OrderKind::InstallTarget => format!("Installing {targets} (rustup target add)"),
        }
    }
}

/// One request: a workspace, its targets, what to run.
#[derive(Debug, Clone)]
pub struct BuildOrder {
    pub workspace: PathBuf,
    pub targets: Vec<String>,
    pub kind: OrderKind,
}

/// What a build thread reports, tagged with its order id.
#[derive(Debug)]
pub enum BuildEvent {
    Progress {
        id: u64,
        message: String,
    },
    /// One invocation ended (its targets' statuses and diagnostics, collapsed).
    RunFinished {
        id: u64,
        result: Box<RunResult>,
    },
    /// Nothing could run at all (no cargo, workspace not loadable, rustup failed…).
    Failed {
        id: u64,
        message: String,
    },
    /// `rustup target add` succeeded.
    Installed {
        id: u64,
        message: String,
    },
    /// The thread is done; nothing else comes for this id.
    Done {
        id: u64,
    },
}

struct Active {
    order: BuildOrder,
    cancel: CancelHandle,
    thread: Option<JoinHandle<()>>,
}

/// The running orders. Owned by the protocol loop.
pub struct BuildRuns {
    active: BTreeMap<u64, Active>,
    next_id: u64,
    events: Sender<BuildEvent>,
    pub receiver: Receiver<BuildEvent>,
    /// Finished threads not joined yet (joined on `Done`, or at exit).
    finished: Vec<JoinHandle<()>>,
}

impl Default for BuildRuns {
    fn default() -> BuildRuns {
        let (events, receiver) = unbounded();
        BuildRuns {
            active: BTreeMap::new(),
            next_id: 0,
            events,
            receiver,
            finished: Vec::new(),
        }
    }
}

impl BuildRuns {
    /// Starts `order` on a new thread; returns its id, or an error when no thread starts.
    pub fn start(&mut self, order: BuildOrder) -> Result<u64, String> {
        self.next_id += 1;
        let id = self.next_id;
        let cancel = CancelHandle::new();
        let events = self.events.clone();
        let thread_order = order.clone();
        let thread_cancel = cancel.clone();
        let thread = thread::Builder::new()
            .name(format!("triplet-build-{id}"))
            .spawn(move || {
                let done = events.clone();
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    execute(id, &thread_order, &thread_cancel, &events)
                }));
                if outcome.is_err() {
                    let message = "the build thread panicked".to_string();
                    let _ = done.send(BuildEvent::Failed { id, message });
                }
                let _ = done.send(BuildEvent::Done { id });
            })
            .map_err(|error| format!("cannot start a build thread: {error}"))?;
        self.active.insert(
            id,
            Active {
                order,
                cancel,
                thread: Some(thread),
            },
        );
        Ok(id)
    }

    pub fn order(&self, id: u64) -> Option<&BuildOrder> {
        self.active.get(&id).map(|active| &active.order)
    }

    /// The running orders of `workspace` (all workspaces when `None`).
    pub fn running_in(&self, workspace: Option<&PathBuf>) -> Vec<u64> {
        self.active
            .iter()
            .filter(|(_, active)| workspace.is_none_or(|root| &active.order.workspace == root))
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn cancel(&self, id: u64) {
        if let Some(active) = self.active.get(&id) {
            active.cancel.cancel();
        }
    }

    pub fn cancel_all(&self) {
        for active in self.active.values() {
            active.cancel.cancel();
        }
    }

    /// The thread of `id` has ended: forget it.
    pub fn finish(&mut self, id: u64) {
        if let Some(mut active) = self.active.remove(&id) {
            if let Some(thread) = active.thread.take() {
                self.finished.push(thread);
            }
        }
        self.finished.retain(|thread| !thread.is_finished());
    }

    /// Cancels everything and waits (bounded) for the threads, which kill their process
    /// groups and reap cargo: no cargo or rustc outlives the server.
    pub fn stop_all(&mut self, patience: Duration) {
        self.cancel_all();
        let deadline = Instant::now() + patience;
        let mut threads: Vec<JoinHandle<()>> = self
            .active
            .values_mut()
            .filter_map(|active| active.thread.take())
            .collect();
        threads.append(&mut self.finished);
        for thread in threads {
            while !thread.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// The body of a build thread.
fn execute(id: u64, order: &BuildOrder, cancel: &CancelHandle, events: &Sender<BuildEvent>) {
    let mode = match order.kind {
        OrderKind::Build => BuildMode::Build,
        OrderKind::Check | OrderKind::CheckBuildStd | OrderKind::InstallTarget => BuildMode::Check,
    };
    if order.kind == OrderKind::InstallTarget {
        for target in &order.targets {
            let message = format!("rustup target add {target}");
            let _ = events.send(BuildEvent::Progress { id, message });
            match install_target(target, &order.workspace) {
                Ok(message) => {
                    let _ = events.send(BuildEvent::Installed { id, message });
                }
                Err(message) => {
                    let _ = events.send(BuildEvent::Failed { id, message });
                    return;
                }
            }
        }
    }
    let mut request = BuildRequest::new(order.workspace.clone(), mode);
    request.targets = order.targets.clone();
    request.build_std = order.kind == OrderKind::CheckBuildStd;
    // Cargo runs this binary as RUSTC_WRAPPER to label each message with its target.
    request.rustc_wrapper = std::env::current_exe().ok();
    let mut observer = EventObserver { id, events };
    if let Err(error) = run_build(&request, &mut observer, cancel) {
        let message = error.to_string();
        let _ = events.send(BuildEvent::Failed { id, message });
    }
}

/// Forwards the runner's events to the protocol loop.
struct EventObserver<'a> {
    id: u64,
    events: &'a Sender<BuildEvent>,
}

impl BuildObserver for EventObserver<'_> {
    fn progress(&mut self, progress: &BuildProgress) {
        let message = match progress {
            BuildProgress::Compiling { crate_name, .. } => format!("compiling {crate_name}"),
            BuildProgress::Compiled {
                crate_name,
                target: Some(target),
                ..
            } => format!("{crate_name} ({target})"),
            BuildProgress::Compiled { crate_name, .. } => format!("{crate_name} (host)"),
        };
        let _ = self.events.send(BuildEvent::Progress {
            id: self.id,
            message,
        });
    }

    fn run_finished(&mut self, _run: usize, result: &RunResult) {
        let _ = self.events.send(BuildEvent::RunFinished {
            id: self.id,
            result: Box::new(result.clone()),
        });
    }
}

/// Whether two target lists share a triple.
pub fn overlaps(a: &[String], b: &[String]) -> bool {
    a.iter().any(|target| b.contains(target))
}

/// A package of a loaded workspace and its selected targets (sent by the worker on load).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSelection {
    pub manifest: PathBuf,
    pub targets: Vec<String>,
}
