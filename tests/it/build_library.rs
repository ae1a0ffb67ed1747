//! The library API the LSP uses: observer events while a run is in progress.

use crate::build_support;

use build_support::*;
use triplet::build::{
    run_build, BuildMode, BuildObserver, BuildProgress, BuildRequest, CancelHandle,
    CompilerDiagnostic, RunResult, RunStatus,
};

#[derive(Default)]
struct Recorder {
    events: Vec<String>,
    progress: Vec<BuildProgress>,
    diagnostics: Vec<CompilerDiagnostic>,
}

impl BuildObserver for Recorder {
    fn run_started(&mut self, run: usize, planned: &RunResult) {
        self.events.push(format!("started {run} {}", planned.tool));
    }
    fn progress(&mut self, progress: &BuildProgress) {
        self.progress.push(progress.clone());
    }
    fn diagnostic(&mut self, _run: usize, diagnostic: &CompilerDiagnostic) {
        self.events.push("diagnostic".into());
        self.diagnostics.push(diagnostic.clone());
    }
    fn run_finished(&mut self, run: usize, result: &RunResult) {
        self.events
            .push(format!("finished {run} {}", result.status.as_str()));
    }
}

#[test]
fn observer_sees_start_progress_diagnostics_and_finish() {
    let workspace = copy_fixture("build-errors");
    let host = host_triple();
    let mut request = BuildRequest::new(workspace.path(), BuildMode::Check);
    request.target_dir = Some(shared_target_dir("build-errors-library"));
    request.rustc_wrapper = Some(env!("CARGO_BIN_EXE_triplet").into());
    let mut recorder = Recorder::default();
    let report = run_build(&request, &mut recorder, &CancelHandle::new()).expect("plan the build");

    assert_eq!(report.runs.len(), 1);
    assert_eq!(report.runs[0].status, RunStatus::Failed);
    assert!(!report.succeeded());
    assert_eq!(
        recorder.events.first().map(String::as_str),
        Some("started 0 cargo check")
    );
    assert_eq!(
        recorder.events.last().map(String::as_str),
        Some("finished 0 failed")
    );
    assert!(recorder
        .diagnostics
        .iter()
        .all(|diagnostic| diagnostic.targets == vec![host.clone()]));

    let compiling: Vec<&str> = recorder
        .progress
        .iter()
        .filter_map(|event| match event {
            BuildProgress::Compiling { crate_name, .. } => Some(crate_name.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        compiling.contains(&"broken") && compiling.contains(&"warns"),
        "{compiling:?}"
    );
    // `warns` checks fine, so cargo reports its artifact, found under <target-dir>/<host>/.
    assert!(
        recorder.progress.iter().any(|event| matches!(
            event,
            BuildProgress::Compiled { crate_name, target: Some(target), .. }
                if crate_name == "warns" && target == &host
        )),
        "{:?}",
        recorder.progress
    );
}

#[test]
fn without_a_wrapper_each_target_gets_its_own_invocation() {
    if triplet::build::build_std_available().is_none() {
        panic!("this test needs a rustc with rust-src (Debian's rustc-web + rust-web-src)");
    }
    let workspace = copy_fixture("build-errors");
    let mut request = BuildRequest::new(workspace.path(), BuildMode::Check);
    request.targets = vec!["thumbv7em-none-eabihf".into(), "thumbv6m-none-eabi".into()];
    request.build_std = true;
    // Planning only: nothing is started.
    let apart = triplet::build::plan(&request).expect("plan");
    let shapes: Vec<(usize, bool)> = apart
        .runs
        .iter()
        .map(|run| (run.targets.len(), run.choice.is_some()))
        .collect();
    assert_eq!(shapes, vec![(1, true), (1, true)]);

    request.rustc_wrapper = Some(env!("CARGO_BIN_EXE_triplet").into());
    let together = triplet::build::plan(&request).expect("plan");
    assert_eq!(together.runs.len(), 1);
    assert_eq!(together.runs[0].targets.len(), 2);
}
