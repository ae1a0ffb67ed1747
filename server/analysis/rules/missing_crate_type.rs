//! T0003 `missing-crate-type`: the library cannot be packaged for a target because `[lib]
//! crate-type` lacks what the platform's tooling loads: `cdylib` for Android (cargo-ndk /
//! JNI), `staticlib` for iOS (Xcode), `cdylib` for wasm32 + wasm-bindgen (wasm-pack). Only
//! for the library the platform loads itself: one that exports symbols or uses a binding
//! crate, and that no other workspace member builds on.

use super::{format_targets, FindingSet, ReportedIn, Rule};
use crate::analysis::context::{ManifestInput, TargetView};
use crate::analysis::finding::{Finding, Fix, RuleCode, Severity, TextEdit};
use crate::analysis::manifest::{edit_toml, TomlSpans};
use crate::analysis::syntax::exports_symbols;

/// Crates through which a platform loads a Rust library itself (bindings, entry points).
const BINDING_CRATES: &[&str] = &[
    "jni",
    "uniffi",
    "wasm-bindgen",
    "android-activity",
    "ndk-glue",
    "swift-bridge",
    "flutter_rust_bridge",
    "safer-ffi",
    "robusta_jni",
    "interoptopus",
    "diplomat-runtime",
];

/// Whether the platform loads this library itself, rather than other crates building on it.
fn loaded_by_the_platform(input: &ManifestInput<'_>) -> bool {
    // Other crates build on it (or that is not known): the one they go into is packaged.
    if input
        .dependents
        .as_ref()
        .is_none_or(|dependents| !dependents.is_empty())
    {
        return false;
    }
    let declares_packaging = input
        .crate_types
        .iter()
        .any(|kind| kind == "cdylib" || kind == "staticlib");
    let uses_bindings = input
        .dependencies
        .iter()
        .any(|d| d.enabled && BINDING_CRATES.contains(&d.package_name.as_str()));
    declares_packaging || uses_bindings || input.lib_root_text.is_some_and(exports_symbols)
}

pub const RULE: Rule = Rule {
    code: RuleCode::T0003,
    name: "missing-crate-type",
    default_severity: Severity::Error,
    reported_in: ReportedIn::Manifest,
    short: "[lib] crate-type lacks cdylib/staticlib the target's packaging needs.",
    summary: "Android without `cdylib`, iOS without `staticlib`, wasm32 + wasm-bindgen without `cdylib`. Fix: merged `crate-type` keeping `rlib`",
    source_file: file!(),
    docs: r#"
**Fires** on `[lib]` (or `[package]` when there is no `[lib]`) when the library is selected
for Android without `cdylib` (cargo-ndk / JNI load a shared object), iOS without
`staticlib` (Xcode links a static library), or wasm32 with a `wasm-bindgen` dependency
without `cdylib` (wasm-pack's own error).

Only for the library the platform loads itself: one whose root file exports a symbol
(`#[no_mangle]`, `#[export_name]`), that depends on a binding crate (`jni`, `uniffi`,
`wasm-bindgen`, `android-activity`, `ndk-glue`, `swift-bridge`, `flutter_rust_bridge`,
`safer-ffi`, `robusta_jni`, `interoptopus`, `diplomat-runtime`), or whose `crate-type`
already names `cdylib` or `staticlib`.

**Does not fire** for other targets, for wasm32 without `wasm-bindgen`, when `crate-type`
already lists what every selected target needs, for a library another workspace member
depends on (other crates build on it; the one they are built into is packaged), or for a
library with none of the marks above (a crates.io library whose docs.rs targets include
Android or iOS is built into an app, never loaded alone). Exports outside the root file are
not looked for: such a library is not reported (a miss, never a false error).

**Fix**: `crate-type` keeps what is written (or `rlib`, the default a list would otherwise
drop) and adds what every selected target needs: Android + iOS together give
`["rlib", "cdylib", "staticlib"]`. `[lib]` is created when missing. Comments and layout
are kept (toml_edit); applying it twice changes nothing.

**Example**

```toml
[package] # error for aarch64-linux-android and aarch64-apple-ios
name = "mobile"

[package.metadata.triplet]
targets = ["aarch64-linux-android", "aarch64-apple-ios"]
```

gains

```toml
[lib]
crate-type = ["rlib", "cdylib", "staticlib"]
```
"#,
};

/// The crate type a target needs, and why.
fn required_crate_type(
    input: &ManifestInput<'_>,
    target: &TargetView,
) -> Option<(&'static str, &'static str)> {
    match target.cfg.value_of("target_os") {
        Some("android") => {
            return Some((
                "cdylib",
                "Android loads Rust libraries as shared objects (cargo-ndk, JNI)",
            ))
        }
        Some("ios") => {
            return Some((
                "staticlib",
                "Xcode links Rust libraries for iOS as static libraries",
            ))
        }
        _ => {}
    }
    let uses_wasm_bindgen = input.dependencies.iter().any(|d| {
        d.package_name == "wasm-bindgen" && d.enabled && d.applies_to(&target.triple, &target.cfg)
    });
    (target.cfg.value_of("target_arch") == Some("wasm32") && uses_wasm_bindgen).then_some((
        "cdylib",
        "wasm-pack needs a cdylib to produce a .wasm module for wasm-bindgen",
    ))
}

pub fn check(input: &ManifestInput<'_>, spans: &TomlSpans, out: &mut FindingSet) {
    if !input.has_lib || !loaded_by_the_platform(input) {
        return;
    }
    let mut missing: Vec<(&str, &str, &str)> = Vec::new();
    for target in input.targets {
        if let Some((crate_type, why)) = required_crate_type(input, target) {
            if !input.crate_types.iter().any(|t| t == crate_type) {
                missing.push((target.triple.as_str(), crate_type, why));
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    let range = spans
        .table_range(&["lib"])
        .or_else(|| spans.table_range(&["package"]))
        .unwrap_or(0..0);
    // Keep what is there (or the default `rlib`), add what every target needs.
    let mut wanted: Vec<String> = if input.crate_types.is_empty() {
        vec!["rlib".to_string()]
    } else {
        input.crate_types.clone()
    };
    for (_, crate_type, _) in &missing {
        if !wanted.iter().any(|t| t == crate_type) {
            wanted.push(crate_type.to_string());
        }
    }
    let fix = edit_toml(input.text, |doc| {
        let lib = doc
            .entry("lib")
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        let Some(table) = lib.as_table_like_mut() else {
            return;
        };
        // Extend the array the user wrote (its layout and comments stay), else add one.
        match table
            .get_mut("crate-type")
            .and_then(toml_edit::Item::as_array_mut)
        {
            Some(existing) => {
                for kind in &wanted {
                    if !existing.iter().any(|v| v.as_str() == Some(kind.as_str())) {
                        existing.push(kind.as_str());
                    }
                }
            }
            None => {
                let array: toml_edit::Array = wanted.iter().map(String::as_str).collect();
                table.insert("crate-type", toml_edit::value(array));
            }
        }
    })
    .map(|(range, new_text)| Fix {
        title: format!("Set `[lib] crate-type = [{}]`", quoted_list(&wanted)),
        edits: vec![TextEdit {
            file: input.path.to_path_buf(),
            range,
            new_text,
        }],
        preferred: true,
    });
    let mut parts: Vec<String> = Vec::new();
    for crate_type in ["cdylib", "staticlib"] {
        let needing: Vec<String> = missing
            .iter()
            .filter(|(_, t, _)| *t == crate_type)
            .map(|(triple, _, _)| triple.to_string())
            .collect();
        if let Some((_, _, why)) = missing.iter().find(|(_, t, _)| *t == crate_type) {
            parts.push(format!(
                "`{crate_type}`, needed for {} ({why})",
                format_targets(&needing)
            ));
        }
    }
    out.push(Finding {
        code: RuleCode::T0003,
        severity: RuleCode::T0003.default_severity(),
        message: format!("`[lib] crate-type` lacks {}", parts.join(", and ")),
        package: input.package.to_string(),
        targets: missing
            .iter()
            .map(|(triple, _, _)| triple.to_string())
            .collect(),
        file: input.path.to_path_buf(),
        range,
        fixes: fix.into_iter().collect(),
        api: None,
    });
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
