//! Cancelling a build kills cargo's whole process group: no cargo, rustc or build script
//! survives, and the run reports `Cancelled`.

use crate::build_support;

use build_support::*;
use std::time::{Duration, Instant};
use triplet::build::{run_build, BuildMode, BuildRequest, CancelHandle, NoObserver, RunStatus};

/// Processes (not zombies) whose process group is `pgid`, read from /proc.
#[cfg(target_os = "linux")]
fn live_members_of_group(pgid: u32) -> Vec<String> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp ...`; comm may contain spaces, so split after ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z" {
            members.push(head.to_string());
        }
    }
    members
}

#[cfg(target_os = "linux")]
#[test]
fn cancel_kills_the_whole_process_group() {
    let workspace = copy_fixture("build-slow");
    let marker = workspace.path().join("build-script-started");
    let mut request = BuildRequest::new(workspace.path(), BuildMode::Check);
    request.target_dir = Some(shared_target_dir("build-slow"));
    request.rustc_wrapper = Some(env!("CARGO_BIN_EXE_triplet").into());
    // The build script writes its pid there, then sleeps 60 s.
    request.env.push((
        "BUILD_SLOW_MARKER".into(),
        marker.to_string_lossy().into_owned(),
    ));

    let cancel = CancelHandle::new();
    let watcher = {
        let cancel = cancel.clone();
        let marker = marker.clone();
        std::thread::spawn(move || {
            // Safety net: never let the test hang if the build script never starts.
            let give_up = Instant::now() + Duration::from_secs(600);
            while !marker.exists() && Instant::now() < give_up {
                std::thread::sleep(Duration::from_millis(50));
            }
            let started = std::fs::read_to_string(&marker).unwrap_or_default();
            cancel.cancel();
            started
        })
    };
    let report = run_build(&request, &mut NoObserver, &cancel).expect("plan the build");
    let started = watcher.join().expect("watcher thread");

    let run = &report.runs[0];
    assert!(
        started.starts_with("started"),
        "build script never ran: {started:?}"
    );
    assert_eq!(run.status, RunStatus::Cancelled, "{run:?}");
    let pgid = run.process_group.expect("cargo was started");
    assert_eq!(live_members_of_group(pgid), Vec::<String>::new());

    let script_pid = started.trim_start_matches("started ").trim();
    let script_state =
        std::fs::read_to_string(format!("/proc/{script_pid}/stat")).unwrap_or_default();
    let script_alive = script_state
        .rsplit_once(')')
        .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'));
    assert!(!script_alive, "the build script survived: {script_state}");
    // Had the kill missed it, cargo would have waited for the 60 s sleep to finish.
    assert_ne!(
        std::fs::read_to_string(&marker).unwrap_or_default(),
        "finished"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn timeout_kills_the_whole_process_group() {
    let workspace = copy_fixture("build-slow");
    let mut request = BuildRequest::new(workspace.path(), BuildMode::Check);
    request.target_dir = Some(shared_target_dir("build-slow-timeout"));
    request.rustc_wrapper = Some(env!("CARGO_BIN_EXE_triplet").into());
    request.timeout = Some(Duration::from_secs(3));
    let report =
        run_build(&request, &mut NoObserver, &CancelHandle::new()).expect("plan the build");
    let run = &report.runs[0];
    assert_eq!(run.status, RunStatus::TimedOut, "{run:?}");
    assert!(run
        .reason
        .as_deref()
        .unwrap_or_default()
        .contains("timed out"));
    let pgid = run.process_group.expect("cargo was started");
    assert_eq!(live_members_of_group(pgid), Vec::<String>::new());
}
