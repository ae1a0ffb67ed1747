//! Whether a dependency can build for a target, from what its sources say without running
//! anything: a crate that links std on a target without one, or a `compile_error!` whose
//! `#[cfg]` gate holds there. Everything else (build scripts that may refuse, C sources,
//! errors only type checking finds) is unknown, and unknown is silent.

use super::cfg::{CfgAtom, CfgExpr, CfgSet};
use super::items::source::ModuleSource;
use super::syntax::Gate;
use std::path::PathBuf;

/// What Triplet read of a crate: its root module and the root's file modules.
#[derive(Debug, Clone, Default)]
pub struct CrateSources {
    pub root_path: PathBuf,
    pub root: ModuleSource,
    /// The root's `mod x;` files that could be read: (file, the `mod`'s gate, its source).
    pub modules: Vec<(PathBuf, Gate, ModuleSource)>,
    /// The build script's text: `None` without one, `Some(None)` when unreadable.
    pub build_script: Option<Option<String>>,
}

/// Why a crate cannot build for a target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Failure {
    /// It links std (no `#![no_std]` under its features, or `extern crate std;`) and the
    /// target has none. `std_feature`: the enabled feature that turns std on, when its
    /// no_std condition or `extern crate std` names one.
    NeedsStd {
        root: PathBuf,
        std_feature: Option<String>,
    },
    /// A `compile_error!` whose gate holds: its own text.
    CompileError { file: PathBuf, message: String },
}

/// The target as a dependency is compiled for it.
#[derive(Debug, Clone, Copy)]
pub struct TargetFacts<'a> {
    /// The target's cfg set (without the member's features).
    pub cfg: &'a CfgSet,
    pub has_std: bool,
    /// `--cfg` values the workspace's config passes in rustflags (`name` or `key="value"`).
    pub rustflags_cfgs: &'a [String],
}

/// cfg names and keys rustc itself decides (or that are off in a normal `cargo check`):
/// a gate made only of these is evaluated; anything else may come from a build script or
/// rustflags.
const RUSTC_KEYS: &[&str] = &[
    "feature",
    "unix",
    "windows",
    "test",
    "doc",
    "docsrs",
    "doctest",
    "miri",
    "debug_assertions",
    "panic",
    "overflow_checks",
    "ub_checks",
    "fmt_debug",
    "relocation_model",
    "sanitize",
    "contract_checks",
    "rustfmt",
    "clippy",
];

/// `Some(failure)` when the crate cannot build for the target with these features; `None`
/// when it can or when Triplet cannot tell.
pub fn judge(
    sources: &CrateSources,
    features: &[String],
    target: TargetFacts<'_>,
) -> Option<Failure> {
    let cfg = crate_cfg(target.cfg, features, target.rustflags_cfgs);
    let eval = |gate: &Gate| gate_value(gate, &cfg, target, sources);
    // A compile_error! that holds is what rustc prints first (and is the crate's own word).
    let mut errors = Vec::new();
    compile_errors_in(
        &sources.root_path,
        &sources.root,
        &Gate::default(),
        &mut errors,
    );
    for (path, module_gate, module) in &sources.modules {
        compile_errors_in(path, module, module_gate, &mut errors);
    }
    for (file, module_gate, gate, message) in errors {
        if eval(&module_gate) == Some(true) && eval(gate) == Some(true) {
            return Some(Failure::CompileError {
                file: file.clone(),
                message: message.trim().to_string(),
            });
        }
    }
    if target.has_std {
        return None;
    }
    let no_std = sources.root.no_std.iter().map(&eval).fold(Some(false), or3);
    let extern_std = sources
        .root
        .extern_crates
        .iter()
        .filter(|(_, krate, _)| krate == "std")
        .map(|(_, _, gate)| eval(gate))
        .fold(Some(false), or3);
    let links_std = match (no_std, extern_std) {
        (_, Some(true)) | (Some(false), _) => Some(true),
        (Some(true), Some(false)) => Some(false),
        _ => None,
    };
    if links_std != Some(true) {
        return None;
    }
    // The feature that decides: one named by the no_std condition or `extern crate std`.
    let gates = sources.root.no_std.iter().chain(
        sources
            .root
            .extern_crates
            .iter()
            .filter(|(_, krate, _)| krate == "std")
            .map(|(_, _, gate)| gate),
    );
    let std_feature = gates
        .flat_map(|gate| gate.0.iter())
        .flat_map(features_named)
        .find(|feature| features.contains(feature));
    Some(Failure::NeedsStd {
        root: sources.root_path.clone(),
        std_feature,
    })
}

/// A module's `compile_error!`s with the gate of the modules around them, inline modules
/// included (uuid's `mod imp { compile_error!(…) }`).
fn compile_errors_in<'s>(
    file: &'s PathBuf,
    module: &'s ModuleSource,
    outer: &Gate,
    out: &mut Vec<(&'s PathBuf, Gate, &'s Gate, &'s String)>,
) {
    for (gate, message) in &module.compile_errors {
        out.push((file, outer.clone(), gate, message));
    }
    for declaration in &module.mods {
        if let Some(inline) = &declaration.inline {
            let mut gate = outer.clone();
            gate.0.extend(declaration.gate.0.iter().cloned());
            compile_errors_in(file, inline, &gate, out);
        }
    }
}

fn or3(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// The target's cfg with the crate's own features and the config's rustflags cfgs.
fn crate_cfg(target: &CfgSet, features: &[String], rustflags_cfgs: &[String]) -> CfgSet {
    let mut cfg = CfgSet::default();
    for atom in target.atoms() {
        if !matches!(atom, CfgAtom::KeyValue(key, _) if key == "feature") {
            cfg.insert(atom.clone());
        }
    }
    let flags = CfgSet::from_rustc_print_cfg(&rustflags_cfgs.join("\n"));
    for atom in flags.atoms() {
        cfg.insert(atom.clone());
    }
    cfg.with_features(features.iter().map(String::as_str))
}

/// Three-valued `all`: false wins over unknown, unknown over true.
fn and_all(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut value = Some(true);
    for item in values {
        value = match (value, item) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
    }
    value
}

/// A gate's value, or `None` when it names a cfg only a build script could decide.
fn gate_value(
    gate: &Gate,
    cfg: &CfgSet,
    target: TargetFacts<'_>,
    sources: &CrateSources,
) -> Option<bool> {
    and_all(
        gate.0
            .iter()
            .map(|expr| expr_value(expr, cfg, target, sources)),
    )
}

fn expr_value(
    expr: &CfgExpr,
    cfg: &CfgSet,
    target: TargetFacts<'_>,
    sources: &CrateSources,
) -> Option<bool> {
    match expr {
        CfgExpr::Literal(value) => Some(*value),
        CfgExpr::Not(inner) => expr_value(inner, cfg, target, sources).map(|v| !v),
        CfgExpr::All(items) => {
            let values = items
                .iter()
                .map(|item| expr_value(item, cfg, target, sources));
            and_all(values)
        }
        CfgExpr::Any(items) => {
            let values = items
                .iter()
                .map(|item| expr_value(item, cfg, target, sources));
            let mut value = Some(false);
            for item in values {
                value = or3(value, item);
            }
            value
        }
        CfgExpr::Atom(atom) => {
            if cfg.contains(atom) {
                return Some(true);
            }
            let name = match atom {
                CfgAtom::Name(name) => name,
                CfgAtom::KeyValue(key, _) => key,
            };
            let rustc_decides = name.starts_with("target_")
                || RUSTC_KEYS.contains(&name.as_str())
                || target.cfg.atoms().any(|known| match known {
                    CfgAtom::Name(known) | CfgAtom::KeyValue(known, _) => known == name,
                });
            if rustc_decides {
                return Some(false);
            }
            // A build script that names the cfg may set it (`cargo:rustc-cfg=…`).
            match &sources.build_script {
                None => Some(false),
                Some(Some(script)) if !script.contains(name.as_str()) => Some(false),
                Some(_) => None,
            }
        }
    }
}

fn features_named(expr: &CfgExpr) -> Vec<String> {
    match expr {
        CfgExpr::Atom(CfgAtom::KeyValue(key, value)) if key == "feature" => vec![value.clone()],
        CfgExpr::Atom(_) | CfgExpr::Literal(_) => Vec::new(),
        CfgExpr::Not(inner) => features_named(inner),
        CfgExpr::All(items) | CfgExpr::Any(items) => {
            items.iter().flat_map(features_named).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str, build_script: Option<Option<String>>) -> CrateSources {
        CrateSources {
            root_path: PathBuf::from("/r/lib.rs"),
            root: ModuleSource::parse(text),
            modules: Vec::new(),
            build_script,
        }
    }

    fn target(text: &str, has_std: bool) -> CfgSet {
        let _ = has_std;
        CfgSet::from_rustc_print_cfg(text)
    }

    #[test]
    fn std_is_needed_unless_no_std_holds_and_no_extern_std() {
        let thumb = target(
            "target_arch=\"arm\"\ntarget_os=\"none\"\npanic=\"abort\"",
            false,
        );
        let facts = TargetFacts {
            cfg: &thumb,
            has_std: false,
            rustflags_cfgs: &[],
        };
        let serde = sources("#![cfg_attr(not(feature = \"std\"), no_std)]\n", None);
        assert_eq!(judge(&serde, &[], facts), None);
        assert_eq!(
            judge(&serde, &["std".into()], facts),
            Some(Failure::NeedsStd {
                root: "/r/lib.rs".into(),
                std_feature: Some("std".into())
            })
        );
        let json = sources(
            "#![no_std]\n#[cfg(feature = \"std\")]\nextern crate std;\n",
            None,
        );
        assert_eq!(judge(&json, &["alloc".into()], facts), None);
        assert!(judge(&json, &["std".into()], facts).is_some());
        let plain = sources("pub fn f() {}\n", None);
        assert!(judge(&plain, &[], facts).is_some());
        let host = target("unix\ntarget_os=\"linux\"", true);
        let on_host = TargetFacts {
            cfg: &host,
            has_std: true,
            rustflags_cfgs: &[],
        };
        assert_eq!(judge(&plain, &[], on_host), None);
    }

    #[test]
    fn compile_errors_count_when_their_gate_holds_and_is_decidable() {
        let wasm = target(
            "target_arch=\"wasm32\"\ntarget_os=\"unknown\"\ntarget_family=\"wasm\"",
            true,
        );
        let facts = TargetFacts {
            cfg: &wasm,
            has_std: true,
            rustflags_cfgs: &[],
        };
        let text = r#"#![no_std]
cfg_if::cfg_if! {
    if #[cfg(feature = "js")] { mod js; }
    else if #[cfg(all(target_arch = "wasm32", target_os = "unknown"))] {
        compile_error!("the wasm*-unknown-unknown targets are not supported by \
                        default");
    }
}
"#;
        let getrandom = sources(text, None);
        let failure = judge(&getrandom, &[], facts);
        assert!(
            matches!(&failure, Some(Failure::CompileError { message, .. }) if message == "the wasm*-unknown-unknown targets are not supported by default"),
            "{failure:?}"
        );
        assert_eq!(judge(&getrandom, &["js".into()], facts), None);
        // A cfg a build script may set is unknown: silent.
        let scripted = sources(
            "#[cfg(all(not(has_backend), target_os = \"unknown\"))]\ncompile_error!(\"no\");\n",
            Some(Some("println!(\"cargo:rustc-cfg=has_backend\")".into())),
        );
        assert_eq!(judge(&scripted, &[], facts), None);
        let unscripted = sources(
            "#[cfg(all(not(has_backend), target_os = \"unknown\"))]\ncompile_error!(\"no\");\n",
            None,
        );
        assert!(judge(&unscripted, &[], facts).is_some());
        // Unless the config's rustflags set it.
        let flags = ["has_backend".to_string()];
        let configured = TargetFacts {
            rustflags_cfgs: &flags,
            ..facts
        };
        assert_eq!(judge(&unscripted, &[], configured), None);
    }
}
