//! T0005 `dependency-unsupported-on-target`: crates in the member's resolved graph that
//! cannot build for a target: every reached dependency judged by its own sources (a
//! `compile_error!` whose gate holds, std on a target without one), plus the hand-written
//! getrandom check for what the sources cannot say.

mod generic;

pub use generic::root_from_manifest;

use super::{format_targets, FindingSet, ReportedIn, Rule};
use crate::analysis::context::{ManifestInput, ResolvedCrate, TargetView};
use crate::analysis::finding::{Fix, RuleCode, Severity, TextEdit};
use crate::analysis::manifest::{edit_toml, TomlSpans};

pub const RULE: Rule = Rule {
    code: RuleCode::T0005,
    name: "dependency-unsupported-on-target",
    default_severity: Severity::Error,
    reported_in: ReportedIn::Manifest,
    short: "a dependency in the target's graph cannot build there (compile_error!, std, getrandom, mio, ...).",
    summary: "every crate `cargo check -p M --target T` builds, judged by its sources: a `compile_error!` whose cfg holds, std on a target without one; with the chain. Fix: the feature edge that brings it",
    source_file: file!(),
    docs: r#"
**Fires** (error) on the member's direct dependency that brings in a crate that cannot
build for a target. The graph is the one `cargo check -p <member> --target <T>` builds
(resolver 2, per member, never unified over the workspace): normal dependencies whose
`[target.<cfg>]` table holds on T, build dependencies and proc-macros for the host,
features through `default`, `dep/feat`, `dep?/feat`, `dep:name` and implicit optional-dep
features. Each reached crate is judged with its enabled features:

- a `compile_error!` in its crate root or the root's module files (inside `cfg_if!` arms
  too) whose `#[cfg]` holds on T: the crate's own text is reported (getrandom, mio, tokio,
  serde_json without `std`/`alloc`);
- on a target without std, a crate that links std (no `#![no_std]` that holds under its
  features, or an `extern crate std;` that does): the feature that turned std on is named
  with the trail of feature edges back to the member's Cargo.toml.

The message names each failing crate with the chain from the direct dependency
(`tokio (feature "net") → mio`). getrandom on `wasm32-unknown-unknown` keeps its
version-aware check (0.1 `wasm-bindgen`, 0.2 `js`, 0.3.0–0.3.3 `wasm_js` plus
`--cfg getrandom_backend="wasm_js"` in the target's rustflags, later `wasm_js`) where the
sources alone do not tell.

**Does not fire** for a dependency cargo does not build for T (a `[target]` table that does
not hold, an optional dependency nothing turns on, a feature only another member enables),
when a gate names a cfg a build script of that crate may set (unknown is silent), for what
only compiling finds (type errors, a build script that refuses, C sources), for
workspace members (their own rules read them), or on the host's build dependencies.

**Fix**, when one is known to clear every failure the dependency brings on every target
(the graph is resolved and judged again with the change): remove the feature of the direct
dependency that brings the crate in; `default-features = false` when a default feature
does (with `alloc` kept when the crate needs std or alloc); for getrandom, enable its
backend feature (through a wasm32-only dependency on getrandom when it is indirect).

**Example**

```toml
[dependencies]
tokio = { version = "1", default-features = false, features = ["net"] }
# error on wasm32-unknown-unknown: `tokio 1.54.1` (its compile_error! "Only features
# sync,macros,io-util,rt,time are supported on wasm.") and `mio 1.2.5` (tokio (feature
# "net") → mio: "This wasm target is unsupported by mio ...")
```

becomes

```toml
[dependencies]
tokio = { version = "1", default-features = false, features = [] }
```
"#,
};

const WASM_UNKNOWN_CFG: &str = r#"cfg(all(target_arch = "wasm32", target_os = "unknown"))"#;

fn is_wasm_unknown(target: &TargetView) -> bool {
    target.cfg.value_of("target_arch") == Some("wasm32")
        && target.cfg.value_of("target_os") == Some("unknown")
}

fn version_triple(version: &str) -> (u64, u64, u64) {
    let mut parts = version
        .split(['.', '-', '+'])
        .map(|part| part.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// What getrandom needs on wasm32-unknown-unknown: (feature, needs the rustflags cfg).
fn getrandom_requirement(version: &str) -> (&'static str, bool) {
    match version_triple(version) {
        (0, 1, _) => ("wasm-bindgen", false),
        (0, 2, _) => ("js", false),
        (0, 3, patch) if patch < 4 => ("wasm_js", true),
        _ => ("wasm_js", false),
    }
}

pub fn check(input: &ManifestInput<'_>, spans: &TomlSpans, out: &mut FindingSet) {
    // Every reached dependency, judged per member and target; getrandom's fix (turn its
    // backend feature on) is better than switching features off, so it is offered there.
    let mut generic_said: Vec<(String, String, String)> = Vec::new();
    if let Some(graph) = &input.graph {
        let getrandom_fix = |name: &str, version: &str, triple: &str| {
            let target = input.targets.iter().find(|t| t.triple == triple)?;
            if name != "getrandom" || !is_wasm_unknown(target) {
                return None;
            }
            let (feature, _) = getrandom_requirement(version);
            getrandom_fix(input, version, feature)
        };
        let (findings, said) = generic::check(input, graph, spans, &getrandom_fix);
        generic_said = said;
        for finding in findings {
            out.combine(finding);
        }
    }
    for target in input.targets {
        // What this member builds for this target; the workspace's unified list only
        // when there is no graph (a crate not in the target's graph is never blamed).
        let reached = match &input.graph {
            Some(graph) => generic::reached_crates(input, graph, target),
            None => input.resolved.clone(),
        };
        for krate in &reached {
            let said = generic_said.iter().any(|(via, triple, name)| {
                *via == krate.via && *triple == target.triple && *name == krate.name
            });
            match krate.name.as_str() {
                // Kept for what the sources cannot say (0.3.0–0.3.3's rustflags cfg, a
                // backend chosen by a build script), with the workspace's unified features.
                "getrandom" if is_wasm_unknown(target) && !said => {
                    check_getrandom(input, spans, target, krate, out);
                }
                // The generic judgement reads tokio's (and mio's) own compile_error!s.
                "tokio"
                    if input.graph.is_none()
                        && target.cfg.value_of("target_arch") == Some("wasm32") =>
                {
                    check_tokio(input, spans, target, krate, out)
                }
                _ => {}
            }
        }
    }
}

fn via_range(
    input: &ManifestInput<'_>,
    spans: &TomlSpans,
    via: &str,
) -> Option<std::ops::Range<usize>> {
    let dependency = input.dependencies.iter().find(|d| d.key == via)?;
    spans.dependency_range(&dependency.key, dependency.platform.as_deref())
}

fn check_getrandom(
    input: &ManifestInput<'_>,
    spans: &TomlSpans,
    target: &TargetView,
    krate: &ResolvedCrate,
    out: &mut FindingSet,
) {
    let (feature, needs_cfg) = getrandom_requirement(&krate.version);
    let has_feature = krate.features.iter().any(|f| f == feature);
    let has_cfg = !needs_cfg
        || input.rustflags.iter().any(|(triple, flags)| {
            triple == &target.triple
                && flags
                    .iter()
                    .any(|f| f.replace(' ', "") == "getrandom_backend=\"wasm_js\"")
        });
    if has_feature && has_cfg {
        return;
    }
    let Some(range) = via_range(input, spans, &krate.via) else {
        return;
    };
    let mut needs = Vec::new();
    if !has_feature {
        needs.push(format!("its `{feature}` feature"));
    }
    if !has_cfg {
        needs.push(
            "`--cfg getrandom_backend=\"wasm_js\"` in the target's rustflags (.cargo/config.toml)"
                .to_string(),
        );
    }
    let version = krate.version.clone();
    let via = krate.via.clone();
    out.add(
        RuleCode::T0005,
        input.package,
        input.path,
        range,
        &target.triple,
        |targets| {
            let through = if via == "getrandom" {
                String::new()
            } else {
                format!(" (pulled in by `{via}`)")
            };
            format!(
                "getrandom {version}{through} does not build for {} without {}",
                format_targets(targets),
                needs.join(" and ")
            )
        },
        || {
            (!has_feature)
                .then(|| getrandom_fix(input, &version, feature))
                .flatten()
                .into_iter()
                .collect()
        },
    );
}

/// Enables the backend feature: on the direct dependency when there is one, else through a
/// wasm32-only dependency on getrandom itself (features are unified across the graph).
fn getrandom_fix(input: &ManifestInput<'_>, version: &str, feature: &str) -> Option<Fix> {
    let (major, minor, _) = version_triple(version);
    let requirement = format!("{major}.{minor}");
    let direct = input
        .dependencies
        .iter()
        .find(|d| d.package_name == "getrandom" && d.version == version);
    let (range, new_text) = edit_toml(input.text, |doc| {
        if let Some(direct) = direct {
            let table = match &direct.platform {
                None => doc.get_mut("dependencies"),
                Some(_) => None,
            };
            if let Some(entry) = table.and_then(|t| t.get_mut(&direct.key)) {
                add_feature(entry, feature);
                return;
            }
        }
        let key = if input.dependencies.iter().any(|d| d.key == "getrandom") {
            format!("getrandom_{major}_{minor}")
        } else {
            "getrandom".to_string()
        };
        let targets = doc.entry("target").or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        });
        let Some(targets) = targets.as_table_like_mut() else {
            return;
        };
        let platform = targets.entry(WASM_UNKNOWN_CFG).or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        });
        let Some(platform) = platform.as_table_like_mut() else {
            return;
        };
        let dependencies = platform
            .entry("dependencies")
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        let Some(dependencies) = dependencies.as_table_like_mut() else {
            return;
        };
        let mut inline = toml_edit::InlineTable::new();
        if key != "getrandom" {
            inline.insert("package", "getrandom".into());
        }
        inline.insert("version", requirement.as_str().into());
        let features: toml_edit::Array = [feature].into_iter().collect();
        inline.insert("features", toml_edit::Value::Array(features));
        dependencies.insert(&key, toml_edit::value(inline));
    })?;
    Some(Fix {
        title: format!(
            "Enable getrandom {requirement}'s `{feature}` feature for wasm32-unknown-unknown"
        ),
        edits: vec![TextEdit {
            file: input.path.to_path_buf(),
            range,
            new_text,
        }],
        preferred: true,
    })
}

fn add_feature(entry: &mut toml_edit::Item, feature: &str) {
    crate::analysis::manifest::version_string_to_inline(entry);
    let Some(table) = entry.as_table_like_mut() else {
        return;
    };
    let features = table
        .entry("features")
        .or_insert_with(|| toml_edit::value(toml_edit::Array::new()));
    if let Some(array) = features.as_array_mut() {
        if !array.iter().any(|v| v.as_str() == Some(feature)) {
            array.push(feature);
        }
    }
}

/// tokio compiles on wasm32 only with `sync`, `macros`, `io-util`, `rt` and `time`.
fn check_tokio(
    input: &ManifestInput<'_>,
    spans: &TomlSpans,
    target: &TargetView,
    krate: &ResolvedCrate,
    out: &mut FindingSet,
) {
    let wasi = target.cfg.value_of("target_os") == Some("wasi");
    let unsupported: Vec<&str> = krate
        .features
        .iter()
        .map(String::as_str)
        .filter(|f| {
            if wasi {
                matches!(*f, "rt-multi-thread" | "process" | "signal")
            } else {
                matches!(*f, "rt-multi-thread" | "net" | "fs" | "process" | "signal")
            }
        })
        .collect();
    if unsupported.is_empty() {
        return;
    }
    let Some(range) = via_range(input, spans, &krate.via) else {
        return;
    };
    let list = unsupported
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.add(
        RuleCode::T0005,
        input.package,
        input.path,
        range,
        &target.triple,
        |targets| {
            format!(
                "tokio's {list} feature(s) do not build for {}; on wasm32 use `rt` with wasm-bindgen-futures, and gate the rest with a target-specific dependency",
                format_targets(targets)
            )
        },
        Vec::new,
    );
}
