//! Benchmark: N targets in one cargo invocation vs N sequential invocations, warm.
//!
//! `cargo bench --bench build_targets` (add `-- --rounds 5` for more rounds). Uses
//! -Zbuild-std targets (their std is not installed here) with a rustc that has rust-src
//! (Debian's /usr/bin/rustc + RUSTC_BOOTSTRAP=1). Prints a table; no thresholds.

use std::path::Path;
use std::time::{Duration, Instant};
use triplet::build::{
    build_std_available, run_build, BuildMode, BuildRequest, CancelHandle, NoObserver, RunStatus,
};

const TARGETS: [&str; 4] = [
    "thumbv7em-none-eabihf",
    "thumbv6m-none-eabi",
    "riscv32imac-unknown-none-elf",
    "wasm32v1-none",
];

fn main() {
    let rounds = std::env::args()
        .skip_while(|arg| arg != "--rounds")
        .nth(1)
        .and_then(|value| value.parse().ok())
        .unwrap_or(3usize);
    let Some(toolchain) = build_std_available() else {
        println!("skipped: no rustc with rust-src for -Zbuild-std");
        return;
    };
    let Ok(workspace) = tempfile::tempdir() else {
        println!("skipped: no temporary directory");
        return;
    };
    if let Err(error) = write_crate(workspace.path(), 0) {
        println!("skipped: cannot write the bench crate: {error}");
        return;
    }
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-build-targets");
    println!(
        "rustc for build-std: {} ({})",
        toolchain.rustc.display(),
        toolchain.version
    );
    println!("target dir: {}", target_dir.display());

    // Warm-up: core/alloc/compiler_builtins for every target, once.
    let warm_up = Instant::now();
    if let Err(reason) = check(workspace.path(), &target_dir, &TARGETS) {
        println!("warm-up failed: {reason}");
        return;
    }
    println!(
        "warm-up (cold std for 4 targets): {:.1} s\n",
        warm_up.elapsed().as_secs_f64()
    );

    println!("| N | one invocation (s) | N sequential invocations (s) | sequential / one |");
    println!("|---|---|---|---|");
    let mut edit = 1;
    for count in [1usize, 2, 4] {
        let targets = &TARGETS[..count];
        let mut together = Vec::new();
        let mut apart = Vec::new();
        for _ in 0..rounds {
            // An edit makes every target recheck the crate (std stays warm).
            edit += 1;
            let _ = write_crate(workspace.path(), edit);
            match timed(|| check(workspace.path(), &target_dir, targets)) {
                Ok(elapsed) => together.push(elapsed),
                Err(reason) => return println!("run failed: {reason}"),
            }
            edit += 1;
            let _ = write_crate(workspace.path(), edit);
            let sequential = timed(|| {
                targets
                    .iter()
                    .try_for_each(|target| check(workspace.path(), &target_dir, &[target]))
            });
            match sequential {
                Ok(elapsed) => apart.push(elapsed),
                Err(reason) => return println!("run failed: {reason}"),
            }
        }
        let (one, many) = (median(&mut together), median(&mut apart));
        println!(
            "| {count} | {:.2} | {:.2} | {:.2} |",
            one.as_secs_f64(),
            many.as_secs_f64(),
            many.as_secs_f64() / one.as_secs_f64().max(f64::EPSILON)
        );
    }
    println!("\nmedian of {rounds} rounds; each round edits the crate so every target rechecks it");
}

fn check(workspace: &Path, target_dir: &Path, targets: &[&str]) -> Result<(), String> {
    let mut request = BuildRequest::new(workspace, BuildMode::Check);
    request.targets = targets.iter().map(|target| target.to_string()).collect();
    request.build_std = true;
    request.target_dir = Some(target_dir.to_path_buf());
    request.rustc_wrapper = Some(env!("CARGO_BIN_EXE_triplet").into());
    let report = run_build(&request, &mut NoObserver, &CancelHandle::new())
        .map_err(|error| error.to_string())?;
    match report.runs.iter().find(|run| run.status != RunStatus::Ok) {
        Some(run) => Err(run.reason.clone().unwrap_or_else(|| "failed".into())),
        None if report.runs.len() == 1 => Ok(()),
        None => Err(format!(
            "expected one invocation, got {}",
            report.runs.len()
        )),
    }
}

fn timed(work: impl FnOnce() -> Result<(), String>) -> Result<Duration, String> {
    let started = Instant::now();
    work()?;
    Ok(started.elapsed())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// A no_std crate with enough code for the check to take measurable time.
fn write_crate(dir: &Path, edit: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"bench-firmware\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    let mut source = format!("#![no_std]\n// edit {edit}\n");
    for index in 0..200 {
        source.push_str(&format!(
            "pub struct Reg{index} {{ pub value: u32 }}\n\
             impl Reg{index} {{\n\
                 pub fn set(&mut self, bits: u32) -> u32 {{ self.value = self.value.wrapping_add(bits) ^ {index}; self.value }}\n\
                 pub fn fold<I: Iterator<Item = u32>>(items: I) -> u32 {{ items.fold({index}, |acc, item| acc.rotate_left(3) ^ item) }}\n\
             }}\n"
        ));
    }
    std::fs::write(dir.join("src/lib.rs"), source)
}
