//! T0005 `dependency-unsupported-on-target`: crates in the resolved graph that are known
//! not to build for a target as configured: getrandom on wasm32-unknown-unknown without its
//! JavaScript backend (version-aware), tokio features that do not exist on wasm32.

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
    short: "known target traps in the dependency graph (getrandom on wasm32, ...).",
    summary: "getrandom on wasm32-unknown-unknown without its backend (version-aware), tokio features absent on wasm32. Fix: the feature",
    source_file: file!(),
    docs: r#"
**Fires** on the direct dependency that pulls in a crate known not to build for a target as
configured, judged from the resolved graph (versions and enabled features):

- getrandom on `wasm32-unknown-unknown` without its JavaScript backend, version-aware:
  0.1 needs `wasm-bindgen`; 0.2 needs `js`; 0.3.0–0.3.3 need `wasm_js` **and**
  `--cfg getrandom_backend="wasm_js"` in the target's rustflags (`.cargo/config.toml`);
  0.3.4 and later, and 0.4, need `wasm_js`.
- tokio features that do not exist on wasm32 (`rt-multi-thread`, `net`, `fs`, `process`,
  `signal`; on WASI `rt-multi-thread`, `process`, `signal`).

**Does not fire** on other targets (getrandom on WASI or the host, tokio off wasm32), when
the resolved graph already enables the backend feature (and, for 0.3.0–0.3.3, the rustflags
set the cfg), or for tokio with only `sync`, `macros`, `io-util`, `rt` and `time`.

**Fix** (getrandom): enable the feature on the direct getrandom dependency, or add a
wasm32-only dependency on getrandom with the feature (cargo unifies features across the
graph): `[target.'cfg(all(target_arch = "wasm32", target_os = "unknown"))'.dependencies]`.
tokio gets no automatic fix: move those features to a table for the other targets.

**Example**

```toml
[dependencies]
rand = "0.8" # error on wasm32-unknown-unknown: getrandom 0.2 (pulled in by `rand`) needs `js`
```

gains

```toml
[target.'cfg(all(target_arch = "wasm32", target_os = "unknown"))'.dependencies]
getrandom = { version = "0.2", features = ["js"] }
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
        for krate in &input.resolved {
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
