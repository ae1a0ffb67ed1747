//! What the analysis thread reports back to the protocol loop.

use crate::analysis::finding::Finding;
use crate::lsp::build_runs::PackageSelection;
use crate::lsp::documents::Overlay;
use crate::lsp::ext::TargetsResult;
use crate::lsp::line_index::LineIndex;
use crate::lsp::to_proto::AnalyzedText;
use lsp_server::RequestId;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

/// Findings located in one file, with the texts they (and their fixes) refer to.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    /// The buffer version analysed (None: the file on disk).
    pub version: Option<i32>,
    pub root: Option<PathBuf>,
    pub findings: Vec<Finding>,
    /// The file itself and every file a fix edits, as the analysis read them.
    pub texts: HashMap<PathBuf, AnalyzedText>,
}

#[derive(Debug, Clone)]
pub struct LoadFailure {
    pub manifest: PathBuf,
    pub range: Option<Range<usize>>,
    pub message: String,
    pub index: LineIndex,
}

pub enum Outcome {
    /// `whole_workspace`: the reports cover every file of `root` with findings.
    Checked {
        seq: u64,
        whole_workspace: Option<PathBuf>,
        reports: Vec<FileReport>,
        /// The buffers the check saw (versions for files it cleared).
        overlay: Overlay,
    },
    Loaded {
        root: PathBuf,
        /// Fingerprints of the manifest files as loaded (and of Cargo.lock as `cargo
        /// metadata` left it): events that merely repeat them are not changes.
        stamps: Vec<(PathBuf, Option<u64>)>,
        /// Each package's selected targets (what editor checks and builds run for).
        packages: Vec<PackageSelection>,
    },
    LoadFailed {
        root: PathBuf,
        failure: LoadFailure,
    },
    Dropped {
        root: PathBuf,
    },
    /// The `Sync` job `seq` is done: every workspace in the folders has loaded (or failed
    /// to) and been checked once. Sent after that job's `Loaded`/`Checked` outcomes.
    Synced {
        seq: u64,
    },
    Targets {
        id: RequestId,
        result: TargetsResult,
    },
    Log {
        error: bool,
        message: String,
    },
}
