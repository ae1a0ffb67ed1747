//! The VS Code extension's own checks, run from the Rust suite so one test command covers
//! everything: strict type-check (lint), the esbuild bundle, and its mocha unit tests.
//! A real VS Code cannot be downloaded here; see editors/vscode/README.md.

use std::path::Path;
use std::process::Command;

fn npm(args: &[&str], dir: &Path) {
    let output = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run npm (Node 20 + npm are required): {e}"));
    assert!(
        output.status.success(),
        "npm {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn vscode_extension_lints_builds_and_passes_its_unit_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    if !dir.join("node_modules").is_dir() {
        npm(&["ci", "--no-audit", "--no-fund", "--loglevel=error"], &dir);
    }
    npm(&["run", "lint"], &dir);
    npm(&["run", "build"], &dir);
    npm(&["test"], &dir);
}
