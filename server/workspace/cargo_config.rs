//! What of a workspace's cargo configuration `cargo metadata` may see, so that analysis runs
//! none of the workspace's code.
//!
//! Cargo reads `.cargo/config.toml` (and `config`) from its working folder and every folder
//! above it, and many keys there make `cargo metadata` start a process or load a library:
//! `build.rustc`, the rustc wrappers, `[env]` (applied to the rustc cargo asks about the
//! host: `LD_PRELOAD`, `RUSTC_BOOTSTRAP`…), rustflags from `build`, `target.<triple>`,
//! `target.<cfg>` and `host` (`-Zcodegen-backend=lib.so` loads a library into that rustc),
//! `[unstable]`, and credential providers. A list of keys to neutralise would have to be
//! complete forever; a list of keys to keep does not. So cargo runs in a folder of
//! Triplet's cache, where no workspace config applies (cargo finds configs from its working
//! folder, not from `--manifest-path`), and the workspace's configs reach it only as
//! `--config KEY=VALUE` arguments holding the keys that decide how the graph resolves:
//! source replacement, registries' indexes, `[patch]`, `paths`, `[net]`, `[http]` and
//! `[resolver]`. Their relative paths are made absolute against the folder that holds the
//! `.cargo` folder, as cargo itself resolves them. The user's own config (`CARGO_HOME`)
//! still applies: cargo reads it wherever it runs, and what it names is the user's choice,
//! as their environment is.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// Includes nest at most this deep (cargo itself rejects cycles).
const MAX_INCLUDE_DEPTH: usize = 8;

/// The `--config KEY=VALUE` arguments that carry the resolution-relevant part of the configs
/// cargo would read in `dir` (but `cargo_home`'s), nearest config winning as in cargo.
pub fn resolution_config_args(dir: &Path, cargo_home: Option<&Path>) -> Vec<String> {
    let merged = resolution_config(dir, cargo_home);
    let mut args = Vec::new();
    flatten(&mut Vec::new(), &merged, &mut args);
    args
}

/// The merged resolution-relevant keys of the configs that apply in `dir`.
fn resolution_config(dir: &Path, cargo_home: Option<&Path>) -> Table {
    let mut files = Vec::new();
    for folder in dir.ancestors().map(|d| d.join(".cargo")) {
        if cargo_home.is_some_and(|home| same_folder(home, &folder)) {
            continue;
        }
        // Cargo reads `config` when both exist (and warns).
        let legacy = folder.join("config");
        let file = if legacy.is_file() {
            legacy
        } else {
            folder.join("config.toml")
        };
        if file.is_file() {
            files.push(file);
        }
    }
    // Farthest first: a nearer config outranks it.
    let mut merged = Table::new();
    let mut seen = BTreeSet::new();
    for file in files.iter().rev() {
        merge_file(file, &mut merged, &mut seen, 0);
    }
    merged
}

/// Merges `path` (its includes first: the including file outranks them) into `merged`.
fn merge_file(path: &Path, merged: &mut Table, seen: &mut BTreeSet<PathBuf>, depth: usize) {
    if depth > MAX_INCLUDE_DEPTH || !seen.insert(path.to_path_buf()) {
        return;
    }
    // A config that cannot be read or parsed here gives nothing: cargo would fail on it,
    // and the load error then comes from the manifest side or not at all.
    let Some(table) = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<Table>().ok())
    else {
        return;
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    for include in includes(&table) {
        merge_file(&folder.join(include), merged, seen, depth + 1);
    }
    // Cargo resolves a config's relative paths against the folder holding its `.cargo`.
    let root = folder.parent().unwrap_or(folder);
    merge(merged, kept_keys(&table, root));
}

/// `include = "a.toml"`, `["a.toml", …]` or `[{ path = "a.toml" }, …]`.
fn includes(table: &Table) -> Vec<&str> {
    match table.get("include") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(|entry| match entry {
                Value::String(path) => Some(path.as_str()),
                Value::Table(table) => table.get("path")?.as_str(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The keys of one config that decide how the graph resolves and make cargo run nothing,
/// with their relative paths made absolute against `root`.
fn kept_keys(config: &Table, root: &Path) -> Table {
    let mut kept = Table::new();
    for (key, value) in config {
        let value = match (key.as_str(), value) {
            ("source", Value::Table(sources)) => Value::Table(each_entry(sources, |source| {
                only(
                    source,
                    &[
                        "replace-with",
                        "registry",
                        "local-registry",
                        "directory",
                        "git",
                        "branch",
                        "tag",
                        "rev",
                    ],
                    &["local-registry", "directory"],
                    root,
                )
            })),
            // A registry's index only: no token, no credential provider.
            ("registries", Value::Table(registries)) => {
                Value::Table(each_entry(registries, |registry| {
                    only(registry, &["index", "protocol"], &[], root)
                }))
            }
            ("registry", Value::Table(registry)) => {
                Value::Table(only(registry, &["default", "index"], &[], root))
            }
            ("patch", Value::Table(registries)) => Value::Table(each_entry(registries, |crates| {
                each_entry(crates, |patch| {
                    only(
                        patch,
                        &[
                            "version", "path", "git", "branch", "tag", "rev", "package", "registry",
                        ],
                        &["path"],
                        root,
                    )
                })
            })),
            ("paths", Value::Array(paths)) => Value::Array(
                paths
                    .iter()
                    .filter_map(|path| Some(absolute(path.as_str()?, root)))
                    .collect(),
            ),
            ("net", Value::Table(net)) => Value::Table(only(
                net,
                &["retry", "git-fetch-with-cli", "offline", "ssh"],
                &[],
                root,
            )),
            ("http", Value::Table(http)) => Value::Table(only(
                http,
                &[
                    "proxy",
                    "timeout",
                    "cainfo",
                    "check-revoke",
                    "ssl-version",
                    "low-speed-limit",
                    "multiplexing",
                    "user-agent",
                ],
                &["cainfo"],
                root,
            )),
            ("resolver", Value::Table(resolver)) => {
                Value::Table(only(resolver, &["incompatible-rust-versions"], &[], root))
            }
            _ => continue,
        };
        kept.insert(key.clone(), value);
    }
    kept
}

/// `keep` applied to every table entry of `table` (entries that are not tables are dropped).
fn each_entry(table: &Table, keep: impl Fn(&Table) -> Table) -> Table {
    table
        .iter()
        .filter_map(|(name, entry)| Some((name.clone(), Value::Table(keep(entry.as_table()?)))))
        .collect()
}

/// The `allowed` keys of `table`; string values of `paths` made absolute against `root`.
fn only(table: &Table, allowed: &[&str], paths: &[&str], root: &Path) -> Table {
    table
        .iter()
        .filter(|(key, _)| allowed.contains(&key.as_str()))
        .map(|(key, value)| {
            let value = match value {
                Value::String(path) if paths.contains(&key.as_str()) => absolute(path, root),
                other => other.clone(),
            };
            (key.clone(), value)
        })
        .collect()
}

fn absolute(path: &str, root: &Path) -> Value {
    Value::String(root.join(path).to_string_lossy().into_owned())
}

/// Merges `higher` into `lower` as cargo merges configs: tables key by key, arrays
/// concatenated, any other value replaced by the higher one.
fn merge(lower: &mut Table, higher: Table) {
    for (key, value) in higher {
        match (lower.get_mut(&key), value) {
            (Some(Value::Table(low)), Value::Table(high)) => merge(low, high),
            (Some(Value::Array(low)), Value::Array(high)) => low.extend(high),
            (_, value) => {
                lower.insert(key, value);
            }
        }
    }
}

/// One `--config` argument per leaf: cargo takes `"a"."b" = value` but no inline tables.
fn flatten(prefix: &mut Vec<String>, table: &Table, args: &mut Vec<String>) {
    for (key, value) in table {
        prefix.push(quoted(key));
        match value {
            Value::Table(inner) => flatten(prefix, inner, args),
            // An array of tables cannot be given on the command line; no kept key has one.
            Value::Array(items) if items.iter().any(Value::is_table) => {}
            leaf => args.push(format!("{} = {leaf}", prefix.join("."))),
        }
        prefix.pop();
    }
}

/// A TOML key, quoted (so any name, `crates-io` or one with dots, stays one key).
fn quoted(key: &str) -> String {
    Value::String(key.to_string()).to_string()
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `CARGO_HOME`, else `~/.cargo`: the user's own config, which cargo reads wherever it runs.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
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
    fn only_resolution_keys_pass_with_paths_made_absolute() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let outer = dir.path();
        let inner = outer.join("ws");
        write(
            &outer.join(".cargo/config.toml"),
            "paths = [\"a\"]\n[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\ndirectory = \"far\"\n\
             [registries.corp]\nindex = \"sparse+https://example.org/\"\ncredential-provider = \"x\"\ntoken = \"t\"\n",
        );
        write(
            &inner.join(".cargo/config.toml"),
            "include = [{ path = \"more.toml\" }]\npaths = [\"b\"]\n[build]\nrustflags = [\"-Zcodegen-backend=x.so\"]\nrustc = \"evil\"\n\
             [env]\nLD_PRELOAD = \"x.so\"\n[target.'cfg(all())']\nrustflags = [\"x\"]\n[unstable]\nhost-config = true\n\
             [source.vendored]\ndirectory = \"vendor\"\n[patch.crates-io]\nfoo = { path = \"local/foo\" }\n\
             [net]\noffline = true\n",
        );
        write(
            &inner.join(".cargo/more.toml"),
            "[env]\nRUSTC_BOOTSTRAP = \"1\"\n[registry]\nglobal-credential-providers = [\"y\"]\ndefault = \"corp\"\n",
        );
        let config = resolution_config(&inner, None);
        let keys: Vec<&str> = config.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["net", "patch", "paths", "registries", "registry", "source"]
        );
        let path = |root: &Path, rest: &str| Value::String(root.join(rest).display().to_string());
        assert_eq!(
            config["source"]["vendored"]["directory"],
            path(&inner, "vendor"),
            "the nearer config wins, against its own root"
        );
        assert_eq!(
            config["source"]["crates-io"]["replace-with"].as_str(),
            Some("vendored")
        );
        assert_eq!(
            config["patch"]["crates-io"]["foo"]["path"],
            path(&inner, "local/foo")
        );
        assert_eq!(
            config["paths"].as_array().map(Vec::len),
            Some(2),
            "arrays concatenate"
        );
        assert_eq!(
            config["registries"]["corp"].as_table().map(|t| t.len()),
            Some(1),
            "no token, no credential provider: {config:?}"
        );
        assert_eq!(
            config["registry"]
                .as_table()
                .map(|t| t.keys().collect::<Vec<_>>()),
            Some(vec![&"default".to_string()])
        );
        let args = resolution_config_args(&inner, None);
        assert!(
            args.contains(&"\"net\".\"offline\" = true".to_string()),
            "{args:?}"
        );
        assert!(
            args.contains(&"\"source\".\"crates-io\".\"replace-with\" = \"vendored\"".to_string()),
            "{args:?}"
        );
        // The user's own config is not repeated: cargo reads it anyway.
        let none = resolution_config(&inner, Some(&outer.join(".cargo")));
        assert!(none["source"].get("crates-io").is_none());
    }
}
