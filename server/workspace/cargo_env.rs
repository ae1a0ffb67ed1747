//! The environment that keeps `cargo metadata` from running anything a workspace names.
//!
//! Analysis never runs workspace code, but cargo, to resolve the graph, runs executables
//! that a `.cargo/config.toml` of the workspace (or of any folder above it) can name: a
//! rustc wrapper (asked about the host), and a registry's credential provider (asked for a
//! token when a registry requires one). The environment outranks config files, so each of
//! those that a config sets is pinned here: the wrappers to none, the credential providers
//! to cargo's built-in `cargo:token` (a token from cargo's own files or environment; no
//! process). Global providers cannot be pinned as such (cargo joins a list from the
//! environment to the configs' lists), so each registry's own provider, which outranks
//! them, is pinned instead. Configs are read as TOML, `include`d files too, so a key
//! spelled with an escape or hidden in another file counts. The user's own config in
//! `CARGO_HOME` is left alone: what it names is the user's choice, as their environment
//! is (it is read only for the names of registries).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The built-in provider: reads a token, runs nothing.
const TOKEN_ONLY: &str = "cargo:token";

/// What the configs that apply in a folder set, of what cargo could run.
#[derive(Debug, Default, PartialEq, Eq)]
struct Named {
    wrapper: bool,
    default_registry_provider: bool,
    global_providers: bool,
    /// Registries (as named in `[registries]`) with a `credential-provider`.
    registry_providers: BTreeSet<String>,
    /// Every registry any config or the environment defines (global providers apply to
    /// each of them).
    registries: BTreeSet<String>,
}

/// The environment that pins what cargo would otherwise run for `cargo metadata` in `dir`.
pub fn pinning_environment(dir: &Path) -> Vec<(String, String)> {
    let named = named_in(dir, cargo_home().as_deref());
    let mut env = Vec::new();
    if named.wrapper {
        env.push(("RUSTC_WRAPPER".to_string(), String::new()));
        env.push(("RUSTC_WORKSPACE_WRAPPER".to_string(), String::new()));
    }
    if named.default_registry_provider || named.global_providers {
        env.push((
            "CARGO_REGISTRY_CREDENTIAL_PROVIDER".to_string(),
            TOKEN_ONLY.to_string(),
        ));
    }
    let pinned = if named.global_providers {
        &named.registries
    } else {
        &named.registry_providers
    };
    for registry in pinned {
        env.push((registry_provider_variable(registry), TOKEN_ONLY.to_string()));
    }
    env
}

/// Registries the environment defines (`CARGO_REGISTRIES_<NAME>_INDEX`), as cargo would
/// name them in a config (lower case; the environment cannot tell `-` from `_`, so both).
fn registries_in_environment() -> Vec<String> {
    std::env::vars_os()
        .filter_map(|(key, _)| {
            let key = key.into_string().ok()?;
            let name = key
                .strip_prefix("CARGO_REGISTRIES_")?
                .strip_suffix("_INDEX")?;
            Some(name.to_ascii_lowercase())
        })
        .flat_map(|name| [name.replace('_', "-"), name])
        .collect()
}

/// `CARGO_REGISTRIES_<NAME>_CREDENTIAL_PROVIDER`, as cargo spells a config key in the
/// environment (upper case, `-` as `_`).
fn registry_provider_variable(registry: &str) -> String {
    let name: String = registry
        .chars()
        .map(|c| match c {
            '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    format!("CARGO_REGISTRIES_{name}_CREDENTIAL_PROVIDER")
}

fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

/// What the configs of `dir` and its ancestors (but `cargo_home`'s) set.
fn named_in(dir: &Path, cargo_home: Option<&Path>) -> Named {
    let mut named = Named::default();
    let mut seen = BTreeSet::new();
    for folder in dir.ancestors().map(|d| d.join(".cargo")) {
        if cargo_home.is_some_and(|home| same_folder(home, &folder)) {
            continue;
        }
        for name in ["config.toml", "config"] {
            read_config(&folder.join(name), &mut named, &mut seen, 0);
        }
    }
    // The user's own registries: named, never pinned unless a workspace config asks cargo
    // to run global providers for them.
    let mut own = Named::default();
    if let Some(home) = cargo_home {
        for name in ["config.toml", "config"] {
            read_config(&home.join(name), &mut own, &mut seen, 0);
        }
    }
    named.registries.extend(own.registries);
    named.registries.extend(registries_in_environment());
    named
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Includes nest at most this deep (cargo itself rejects cycles).
const MAX_INCLUDE_DEPTH: usize = 8;

fn read_config(path: &Path, named: &mut Named, seen: &mut BTreeSet<PathBuf>, depth: usize) {
    if depth > MAX_INCLUDE_DEPTH || !seen.insert(path.to_path_buf()) || !path.exists() {
        return;
    }
    let table = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok());
    let Some(table) = table else {
        // Unreadable here: cargo may still read something into it. Assume the worst of
        // what can be pinned without names (cargo fails on a config it cannot parse).
        named.wrapper = true;
        named.default_registry_provider = true;
        named.global_providers = true;
        return;
    };
    let build = table.get("build").and_then(toml::Value::as_table);
    named.wrapper |= build.is_some_and(|build| {
        build.contains_key("rustc-wrapper") || build.contains_key("rustc-workspace-wrapper")
    });
    let registry = table.get("registry").and_then(toml::Value::as_table);
    named.default_registry_provider |=
        registry.is_some_and(|registry| registry.contains_key("credential-provider"));
    named.global_providers |=
        registry.is_some_and(|registry| registry.contains_key("global-credential-providers"));
    if let Some(registries) = table.get("registries").and_then(toml::Value::as_table) {
        for (name, registry) in registries {
            named.registries.insert(name.clone());
            let provides = registry
                .as_table()
                .is_some_and(|registry| registry.contains_key("credential-provider"));
            if provides {
                named.registry_providers.insert(name.clone());
            }
        }
    }
    // `include = "a.toml"`, `["a.toml", …]` or `[{ path = "a.toml" }, …]`, relative to
    // the including file's folder.
    let base = path.parent().unwrap_or(Path::new("."));
    let includes: Vec<&str> = match table.get("include") {
        Some(toml::Value::String(one)) => vec![one.as_str()],
        Some(toml::Value::Array(many)) => many
            .iter()
            .filter_map(|entry| match entry {
                toml::Value::String(path) => Some(path.as_str()),
                toml::Value::Table(table) => table.get("path")?.as_str(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for include in includes {
        read_config(&base.join(include), named, seen, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        if let Some(parent) = path.parent() {
            assert!(std::fs::create_dir_all(parent).is_ok());
        }
        assert!(std::fs::write(path, text).is_ok());
    }

    #[test]
    fn what_configs_name_directly_through_escapes_and_includes_counts() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let outer = dir.path();
        let inner = outer.join("ws");
        write(
            &outer.join(".cargo/config.toml"),
            "[registries.corp-index]\nindex = \"sparse+https://example.org/\"\ncredential-provider = \"x\"\n",
        );
        write(
            &inner.join(".cargo/config.toml"),
            "include = [{ path = \"more.toml\" }]\n[build]\n\"rustc-\\u0077rapper\" = \"w\"\n",
        );
        write(
            &inner.join(".cargo/more.toml"),
            "registry.global-credential-providers = [\"y\"]\n",
        );
        let named = named_in(&inner, None);
        assert!(named.wrapper, "an escaped key is the same key");
        assert!(named.global_providers, "an included file counts");
        assert!(!named.default_registry_provider);
        assert_eq!(
            named.registry_providers.iter().collect::<Vec<_>>(),
            ["corp-index"],
            "a config above the workspace counts"
        );
        assert!(named.registries.contains("corp-index"));
        assert_eq!(
            registry_provider_variable("corp-index"),
            "CARGO_REGISTRIES_CORP_INDEX_CREDENTIAL_PROVIDER"
        );
        // The user's own config (CARGO_HOME) is theirs to run things from.
        let mine = named_in(&inner, Some(&outer.join(".cargo")));
        assert!(mine.registry_providers.is_empty());
        // Nothing configured: nothing pinned.
        let bare = outer.join("elsewhere");
        assert!(std::fs::create_dir_all(&bare).is_ok());
        let none = named_in(&bare, Some(&outer.join(".cargo")));
        assert!(!none.wrapper && !none.global_providers && !none.default_registry_provider);
        assert!(none.registry_providers.is_empty());
    }
}
