//! What the protocol loop asks of the analysis thread, and the queue that carries it.

use crate::lsp::config::Config;
use crate::lsp::documents::Overlay;
use crossbeam_channel::{Receiver, Sender};
use lsp_server::RequestId;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub enum Job {
    /// The editor's folders and settings: find the Cargo workspaces in them, load new
    /// ones, reload those whose settings changed, drop the ones that are gone.
    Sync {
        folders: Vec<PathBuf>,
        config: Config,
        overlay: Overlay,
        seq: u64,
    },
    /// Manifests or Cargo/toolchain config changed on disk: reload what they govern.
    FilesChanged {
        paths: Vec<PathBuf>,
        overlay: Overlay,
        seq: u64,
    },
    Check {
        paths: Vec<PathBuf>,
        overlay: Overlay,
        seq: u64,
    },
    Targets {
        id: RequestId,
        path: Option<PathBuf>,
    },
}

impl Job {
    /// The sequence number of a job that reads the workspace (newer ones supersede older).
    pub(super) fn seq(&self) -> Option<u64> {
        match self {
            Job::Sync { seq, .. } | Job::FilesChanged { seq, .. } | Job::Check { seq, .. } => {
                Some(*seq)
            }
            Job::Targets { .. } => None,
        }
    }
}

/// The analysis thread's queue. It remembers the newest job's sequence number, which tells
/// a long whole-workspace check in progress that newer work is waiting: the check stops
/// between two files, the newer job runs, then the check is done again from where the
/// engine's caches stand (see `Worker::finish_stopped_checks`).
pub fn job_queue() -> (JobSender, JobReceiver) {
    let (sender, receiver) = crossbeam_channel::unbounded();
    let newest = Arc::new(AtomicU64::new(0));
    (
        JobSender {
            jobs: sender,
            newest: Arc::clone(&newest),
        },
        JobReceiver {
            jobs: receiver,
            newest,
        },
    )
}

pub struct JobSender {
    jobs: Sender<Job>,
    newest: Arc<AtomicU64>,
}

impl JobSender {
    /// False when the analysis thread is gone.
    pub fn send(&self, job: Job) -> bool {
        if let Some(seq) = job.seq() {
            self.newest.fetch_max(seq, Ordering::SeqCst);
        }
        self.jobs.send(job).is_ok()
    }
}

pub struct JobReceiver {
    pub(super) jobs: Receiver<Job>,
    pub(super) newest: Arc<AtomicU64>,
}
