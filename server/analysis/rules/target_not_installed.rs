//! T0006 `target-not-installed`: a selected target whose standard library (or `core`) is
//! not in the toolchain's sysroot, so `cargo check --target` would fail with E0463.

use super::{FindingSet, ReportedIn, Rule};
use crate::analysis::context::TargetOrigin;
use crate::analysis::finding::{RuleCode, Severity};

pub const RULE: Rule = Rule {
    code: RuleCode::T0006,
    name: "target-not-installed",
    default_severity: Severity::Info,
    reported_in: ReportedIn::TargetSelection,
    short: "the target's standard library is not installed.",
    summary: "a selected target whose std is not in the sysroot",
    source_file: file!(),
    docs: r#"
**Fires** (as info) at the line that selects a target whose `core`/std is not in the
toolchain's sysroot: builds for it would fail with E0463. Live analysis still covers the
target. The message names `rustup target add T` and, when rust-src is present, a
`-Zbuild-std` check.

**Does not fire** for installed targets, for triples rustc does not know (T0007 covers
those), or for targets selected on the command line (there is no line to point at).

**Fix**: none in the file; run `rustup target add <triple>`.

**Example**

```toml
[package.metadata.triplet]
targets = ["wasm32-unknown-unknown"] # info: `rustup target add wasm32-unknown-unknown`
```
"#,
};

pub struct InstallFacts<'a> {
    pub installed: &'a [String],
    pub known: &'a [String],
    /// The rust-src a `-Zbuild-std` check would use (e.g. "rustc 1.96.0 (…)'s rust-src"),
    /// when there is one.
    pub build_std: Option<String>,
}

pub fn check(
    package: &str,
    origins: &[TargetOrigin],
    facts: &InstallFacts<'_>,
    out: &mut FindingSet,
) {
    for origin in origins {
        let unknown = !facts.known.is_empty() && !facts.known.iter().any(|k| k == &origin.triple);
        if unknown || facts.installed.iter().any(|t| t == &origin.triple) {
            continue;
        }
        let Some((file, range)) = &origin.location else {
            continue;
        };
        let build_std = facts.build_std.as_deref();
        out.add(
            RuleCode::T0006,
            package,
            file,
            range.clone(),
            &origin.triple,
            |_| {
                let mut message = format!(
                    "the standard library for `{}` is not installed, so builds for it fail: run `rustup target add {}`",
                    origin.triple, origin.triple
                );
                if let Some(sources) = build_std {
                    message.push_str(&format!(", or check it with -Zbuild-std ({sources})"));
                }
                message.push_str(". Live analysis still covers it.");
                message
            },
            Vec::new,
        );
    }
}
