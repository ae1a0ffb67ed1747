//! The Cargo workspace as `cargo metadata` describes it: members, their crate roots,
//! features, dependencies and the resolved graph.

use crate::process::{OutputLine, ProcessGroup};
use cargo_metadata::{DependencyKind, Metadata, Package, PackageId};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

/// Overrides how long `cargo metadata` may run, in seconds (tests use a hanging fake
/// `cargo`; users on a slow network may need more).
pub const METADATA_TIMEOUT_ENV: &str = "TRIPLET_METADATA_TIMEOUT_SECS";
const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(120);

/// The `cargo metadata` time limit: `TRIPLET_METADATA_TIMEOUT_SECS`, else 120 s.
pub fn metadata_timeout() -> Duration {
    std::env::var(METADATA_TIMEOUT_ENV)
        .ok()
        .and_then(|secs| secs.trim().parse::<u64>().ok())
        .filter(|&secs| secs > 0)
        .map_or(DEFAULT_METADATA_TIMEOUT, Duration::from_secs)
}

/// Why the workspace could not be loaded, said plainly.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub message: String,
    /// The manifest at fault, when cargo names one.
    pub manifest: Option<PathBuf>,
    /// Where in that manifest the error is, when cargo or the TOML parser says.
    pub position: Option<ManifestPosition>,
}

impl LoadError {
    /// An error that names no manifest.
    pub fn general(message: impl Into<String>) -> LoadError {
        LoadError {
            message: message.into(),
            manifest: None,
            position: None,
        }
    }
}

/// A position in a manifest as cargo and the TOML parser report it: 1-based line and
/// column, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestPosition {
    pub line: usize,
    pub column: usize,
}

impl ManifestPosition {
    /// The position in an error message: "TOML parse error at line L, column C", or
    /// cargo's "--> path:L:C" pointer.
    pub fn in_message(message: &str) -> Option<ManifestPosition> {
        let number = |text: &str| -> Option<usize> {
            let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        };
        if let Some(at) = message.find("at line ") {
            let (line, rest) = message[at + "at line ".len()..].split_once(", column ")?;
            return Some(ManifestPosition {
                line: line.trim().parse().ok()?,
                column: number(rest)?,
            });
        }
        let arrow = message
            .lines()
            .find_map(|line| line.trim_start().strip_prefix("--> "))?;
        let mut parts = arrow.trim_end().rsplitn(3, ':');
        let column = number(parts.next()?)?;
        let line = number(parts.next()?)?;
        Some(ManifestPosition { line, column })
    }

    /// The position of byte `offset` of `text`.
    pub fn of_offset(text: &str, offset: usize) -> Option<ManifestPosition> {
        let before = text.get(..offset)?;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Some(ManifestPosition {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        })
    }

    /// As a byte range of `text`: from the column to the end of its line (what an editor
    /// underlines); `None` when the line is not in the text.
    pub fn line_range(self, text: &str) -> Option<std::ops::Range<usize>> {
        if self.line == 0 || self.line > text.split('\n').count() {
            return None;
        }
        let line_start = text
            .split_inclusive('\n')
            .take(self.line - 1)
            .map(str::len)
            .sum::<usize>();
        let line_text = text.get(line_start..)?.split('\n').next()?;
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let start = line_text
            .char_indices()
            .nth(self.column.saturating_sub(1))
            .map_or(line_text.len(), |(index, _)| index);
        Some(line_start + start..line_start + line_text.len())
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

/// A folder of Triplet's cache for cargo's `.rustc_info.json` (created, so cargo uses it),
/// one per rustc: cargo keeps the answers of one rustc per file.
fn rustc_info_dir(rustc: &Path) -> Option<PathBuf> {
    use crate::targets::rustc_cache::{cache_root, stable_hash};
    let name = format!("{:016x}", stable_hash(rustc.as_os_str().as_encoded_bytes()));
    let dir = cache_root()?.join("cargo-metadata").join(name);
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// Where `cargo metadata` runs: a folder of Triplet's cache, else the home folder, else the
/// file system's root; folders whose configs are the user's own, never the workspace's.
fn neutral_folder(rustc_info: Option<&Path>) -> PathBuf {
    rustc_info
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .filter(|folder| folder.is_dir())
        // Cargo names files relative to its working folder as the system reports it.
        .and_then(|folder| std::fs::canonicalize(folder).ok())
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// `path` with its `.` and `..` folded away, without asking the file system (`base` joined
/// with cargo's `../../ws/Cargo.toml`).
fn fold_dots(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut folded = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !folded.pop() {
                    folded.push(component);
                }
            }
            other => folded.push(other),
        }
    }
    folded
}

/// Runs `cargo metadata` for the workspace holding `manifest`, with a time limit.
/// The feature flags are passed on so the resolved graph matches the user's build.
pub fn load_metadata(
    manifest: &Path,
    features: &FeatureSelection,
    rustc: &Path,
    timeout: Duration,
) -> Result<Metadata, LoadError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = &std::path::absolute(manifest).unwrap_or_else(|_| manifest.to_path_buf());
    let base = manifest.parent().unwrap_or(Path::new("."));
    // Analysis never runs workspace code, and cargo would run what the configs of the
    // folder it runs in name (`cargo_config`): it runs in a folder of Triplet's own, and the
    // workspace's configs reach it only as the keys that decide the graph.
    let rustc_info = rustc_info_dir(rustc);
    let neutral = neutral_folder(rustc_info.as_deref());
    let mut command = Command::new(&cargo);
    for setting in super::cargo_config::resolution_config_args(
        base,
        super::cargo_config::cargo_home().as_deref(),
    ) {
        command.arg("--config").arg(setting);
    }
    command
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(manifest)
        .current_dir(&neutral);
    // rustc is the toolchain Triplet probed (the user's `RUSTC`, else the one on PATH), not
    // one a config names; cargo itself is the one the workspace's toolchain file pins (its
    // channel; rustup's default where it names a path), as if it ran in the workspace.
    command.env("RUSTC", rustc);
    command.envs(crate::targets::rustup_guard::toolchain_of(base));
    // Cargo keeps rustc's answers in `<target-dir>/.rustc_info.json`, and only when that
    // folder exists; a workspace never built has none. Triplet's cache folder holds them
    // instead (what metadata says of the target directory is not used by analysis).
    if let Some(dir) = &rustc_info {
        command.env("CARGO_TARGET_DIR", dir);
    }
    if features.all_features {
        command.arg("--all-features");
    }
    if features.no_default_features {
        command.arg("--no-default-features");
    }
    if !features.features.is_empty() {
        command.arg("--features").arg(features.features.join(","));
    }
    // Its own process group, tracked: a timeout or the server's exit ends cargo and
    // everything it started (a hung registry fetch, a `cargo` wrapper script's children).
    let (mut group, lines) = ProcessGroup::spawn(command).map_err(|e| {
        LoadError::general(format!(
            "cannot run `cargo metadata` ({}): {e}; is cargo on PATH?",
            cargo.to_string_lossy()
        ))
    })?;
    let timed_out = || {
        LoadError {
        message: format!(
            "`cargo metadata` did not finish within {} s (set {METADATA_TIMEOUT_ENV} to wait longer)",
            timeout.as_secs()
        ),
        manifest: Some(manifest.to_path_buf()),
        position: None,
    }
    };
    let deadline = Instant::now() + timeout;
    let mut stdout = String::new();
    let mut stderr = String::new();
    loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(OutputLine::Stdout(line)) => {
                stdout.push_str(&line);
                stdout.push('\n');
            }
            Ok(OutputLine::Stderr(line)) => {
                stderr.push_str(&line);
                stderr.push('\n');
            }
            Err(RecvTimeoutError::Timeout) => {
                group.kill_group();
                let _ = group.wait();
                return Err(timed_out());
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Both pipes are closed; the leader may still linger (it closed them itself).
    let status = loop {
        match group.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                group.kill_group();
                let _ = group.wait();
                return Err(timed_out());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                return Err(LoadError::general(format!(
                    "waiting for `cargo metadata` failed: {e}"
                )))
            }
        }
    };
    if !status.success() {
        let message = cargo_error_summary(&stderr);
        return Err(LoadError {
            position: ManifestPosition::in_message(&message),
            message,
            manifest: failing_manifest(&stderr, &neutral).or_else(|| Some(manifest.to_path_buf())),
        });
    }
    serde_json::from_str(&stdout)
        .map_err(|e| LoadError::general(format!("cannot read `cargo metadata` output: {e}")))
}

/// Cargo's error without its "Caused by" noise folded away.
fn cargo_error_summary(stderr: &str) -> String {
    let text = stderr.trim();
    let text = text.strip_prefix("error: ").unwrap_or(text);
    if text.is_empty() {
        "`cargo metadata` failed".to_string()
    } else {
        text.to_string()
    }
}

/// The manifest cargo blames: a `--> path:line:col` pointer (relative to where cargo ran,
/// `base`; absolute for a manifest outside it),
/// "workspace member `dir`", or "manifest at `path`".
fn failing_manifest(stderr: &str, base: &Path) -> Option<PathBuf> {
    let pointer = stderr.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("--> ")?;
        let mut parts = rest.rsplitn(3, ':');
        let (_column, _line, path) = (parts.next()?, parts.next()?, parts.next()?);
        Some(fold_dots(&base.join(path)))
    });
    let between = |marker: &str| {
        let start = stderr.find(marker)? + marker.len();
        let end = stderr[start..].find('`')? + start;
        Some(PathBuf::from(&stderr[start..end]))
    };
    pointer
        .or_else(|| between("workspace member `").map(|dir| dir.join("Cargo.toml")))
        .or_else(|| between("manifest at `"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_positions_are_read_from_toml_and_cargo_messages() {
        let toml = "failed to parse manifest\n\nCaused by:\n  TOML parse error at line 2, column 8\n  |\n2 | näme =";
        let at = |line, column| Some(ManifestPosition { line, column });
        assert_eq!(ManifestPosition::in_message(toml), at(2, 8));
        let arrow = "string values must be quoted\n --> ws/Cargo.toml:2:8\n  |\n2 | näme = \n";
        assert_eq!(ManifestPosition::in_message(arrow), at(2, 8));
        assert_eq!(ManifestPosition::in_message("no position here"), None);
        let text = "[package]\nnäme = \n";
        assert_eq!(ManifestPosition::of_offset(text, 10 + 8), at(2, 8));
        assert_eq!(ManifestPosition::of_offset(text, 0), at(1, 1));
    }

    #[test]
    fn positions_become_the_rest_of_their_line() {
        let text = "[package]\nnäme = \n";
        let at = |line, column| ManifestPosition { line, column };
        assert_eq!(at(2, 8).line_range(text), Some(10 + 8..10 + 8));
        assert_eq!(at(2, 1).line_range(text), Some(10..10 + 8));
        assert_eq!(at(9, 1).line_range(text), None);
        assert_eq!(at(0, 1).line_range(text), None);
    }

    #[test]
    fn finds_the_blamed_manifest_in_cargo_errors() {
        let new_style = "error: invalid basic string\n --> bad/Cargo.toml:4:16\n  |\nerror: failed to load manifest for workspace member `/w/bad`";
        assert_eq!(
            failing_manifest(new_style, Path::new("/w")),
            Some(PathBuf::from("/w/bad/Cargo.toml"))
        );
        let outside = "error: invalid basic string\n --> ../../w/bad/Cargo.toml:4:16\n";
        assert_eq!(
            failing_manifest(outside, Path::new("/cache/triplet")),
            Some(PathBuf::from("/w/bad/Cargo.toml")),
            "cargo runs outside the workspace: its relative path is folded"
        );
        let old_style = "error: failed to parse manifest at `/w/x/Cargo.toml`";
        assert_eq!(
            failing_manifest(old_style, Path::new("/w")),
            Some(PathBuf::from("/w/x/Cargo.toml"))
        );
    }
}

/// Which features of a package are on, as cargo's flags select them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureSelection {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
}

/// The features and optional dependencies a selection turns on for `package`.
pub fn enabled_features(
    package: &Package,
    selection: &FeatureSelection,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let optional: Vec<String> = package
        .dependencies
        .iter()
        .filter(|d| d.optional)
        .map(dep_key)
        .collect();
    enabled_features_in(&package.features, &optional, selection)
}

/// The feature closure over a `[features]` table (`optional` = optional dependency keys).
pub fn enabled_features_in(
    table: &std::collections::BTreeMap<String, Vec<String>>,
    optional: &[String],
    selection: &FeatureSelection,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut features = BTreeSet::new();
    let mut optional_deps = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    if selection.all_features {
        queue.extend(table.keys().cloned());
        optional_deps.extend(optional.iter().cloned());
    }
    if !selection.no_default_features && table.contains_key("default") {
        queue.push_back("default".to_string());
    }
    queue.extend(
        selection
            .features
            .iter()
            .flat_map(|f| f.split([',', ' ']).map(String::from))
            .filter(|f| !f.is_empty()),
    );
    while let Some(item) = queue.pop_front() {
        if let Some(dep) = item.strip_prefix("dep:") {
            optional_deps.insert(dep.to_string());
            continue;
        }
        if let Some((dep, _)) = item.split_once('/') {
            // "dep/feature" enables the dependency; "dep?/feature" only if already on.
            if !dep.ends_with('?') {
                optional_deps.insert(dep.to_string());
                if table.contains_key(dep) {
                    queue.push_back(dep.to_string());
                }
            }
            continue;
        }
        if !features.insert(item.clone()) {
            continue;
        }
        match table.get(&item) {
            Some(children) => queue.extend(children.iter().cloned()),
            // An optional dependency used as an implicit feature.
            None => {
                optional_deps.insert(item);
            }
        }
    }
    (features, optional_deps)
}

/// The key a dependency has in Cargo.toml.
pub fn dep_key(dep: &cargo_metadata::Dependency) -> String {
    dep.rename.clone().unwrap_or_else(|| dep.name.clone())
}

/// Whether `default` of `package` turns on its `std` feature (directly or transitively).
pub fn default_enables_std(package: &Package) -> bool {
    let selection = FeatureSelection::default();
    let (features, _) = enabled_features(package, &selection);
    features.contains("std")
}

/// The package each normal dependency of `package` resolved to, by dependency key.
pub fn resolved_direct_deps<'m>(
    metadata: &'m Metadata,
    package: &Package,
) -> HashMap<String, &'m Package> {
    let mut out = HashMap::new();
    let Some(resolve) = &metadata.resolve else {
        return out;
    };
    let Some(node) = resolve.nodes.iter().find(|n| n.id == package.id) else {
        return out;
    };
    for dep in &node.deps {
        let Some(target) = metadata.packages.iter().find(|p| p.id == dep.pkg) else {
            continue;
        };
        let normal = dep
            .dep_kinds
            .iter()
            .any(|k| k.kind == DependencyKind::Normal);
        if !normal {
            continue;
        }
        // The node names the dependency by its extern-crate name; map back to the key.
        if let Some(declared) = package.dependencies.iter().find(|d| {
            d.kind == DependencyKind::Normal
                && dep_key(d).replace('-', "_") == dep.name
                && d.name == target.name.as_str()
        }) {
            out.insert(dep_key(declared), target);
        }
    }
    out
}

/// Every crate reachable through normal dependencies, with the direct dependency that
/// first reaches it.
pub fn reachable_crates<'m>(
    metadata: &'m Metadata,
    package: &Package,
) -> Vec<(&'m Package, Vec<String>, String)> {
    let Some(resolve) = &metadata.resolve else {
        return Vec::new();
    };
    let node_of = |id: &PackageId| resolve.nodes.iter().find(|n| &n.id == id);
    let mut seen: BTreeSet<&PackageId> = BTreeSet::new();
    let mut queue: VecDeque<(&PackageId, String)> = VecDeque::new();
    // By key: which direct dependency is said to reach a crate first must not depend on a
    // hash seed.
    let mut direct: Vec<(String, &Package)> = resolved_direct_deps(metadata, package)
        .into_iter()
        .collect();
    direct.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, dep) in direct {
        queue.push_back((&dep.id, key));
    }
    let mut out = Vec::new();
    while let Some((id, via)) = queue.pop_front() {
        if !seen.insert(id) {
            continue;
        }
        let Some(node) = node_of(id) else { continue };
        let Some(pkg) = metadata.packages.iter().find(|p| &p.id == id) else {
            continue;
        };
        out.push((
            pkg,
            node.features.iter().map(|f| f.to_string()).collect(),
            via.clone(),
        ));
        for dep in &node.deps {
            if dep
                .dep_kinds
                .iter()
                .any(|k| k.kind == DependencyKind::Normal)
            {
                queue.push_back((&dep.pkg, via.clone()));
            }
        }
    }
    out
}

/// Every package `cargo metadata` listed as the plain data T0005's graph walks, with each
/// dependency resolved to the package the resolve graph chose for it (dev-dependencies
/// left out: `cargo check` does not build them). Also: each package id's index.
pub fn package_graph(
    metadata: &Metadata,
) -> (
    crate::analysis::dependency_graph::PackageGraph,
    HashMap<PackageId, usize>,
) {
    use crate::analysis::dependency_graph::{
        DependencyKind as Kind, GraphDependency, GraphPackage, PackageGraph,
    };
    use cargo_metadata::TargetKind as K;
    let index_of: HashMap<PackageId, usize> = metadata
        .packages
        .iter()
        .enumerate()
        .map(|(index, package)| (package.id.clone(), index))
        .collect();
    let nodes: HashMap<&PackageId, &cargo_metadata::Node> = metadata
        .resolve
        .iter()
        .flat_map(|resolve| resolve.nodes.iter())
        .map(|node| (&node.id, node))
        .collect();
    let by_id: HashMap<&PackageId, &Package> =
        metadata.packages.iter().map(|p| (&p.id, p)).collect();
    let members: BTreeSet<&PackageId> = metadata.workspace_members.iter().collect();
    let packages = metadata
        .packages
        .iter()
        .map(|package| {
            let node = nodes.get(&package.id);
            let dependencies = package
                .dependencies
                .iter()
                .filter_map(|dep| {
                    let kind = match dep.kind {
                        DependencyKind::Normal => Kind::Normal,
                        DependencyKind::Build => Kind::Build,
                        _ => return None,
                    };
                    let platform = dep.target.as_ref().map(|p| p.to_string());
                    let extern_name = dep_key(dep).replace('-', "_");
                    // The resolve node's entry for this declaration: same package name,
                    // kind and platform (its `name` is the extern name, renames included).
                    let resolved = node.and_then(|node| {
                        node.deps
                            .iter()
                            .filter(|entry| {
                                by_id
                                    .get(&entry.pkg)
                                    .is_some_and(|p| p.name.as_str() == dep.name)
                                    && entry.dep_kinds.iter().any(|k| {
                                        k.kind == dep.kind
                                            && k.target.as_ref().map(|t| t.to_string()) == platform
                                    })
                            })
                            .min_by_key(|entry| entry.name != extern_name)
                            .and_then(|entry| index_of.get(&entry.pkg).copied())
                    });
                    Some(GraphDependency {
                        key: dep_key(dep),
                        package_name: dep.name.clone(),
                        kind,
                        platform,
                        optional: dep.optional,
                        default_features: dep.uses_default_features,
                        features: dep.features.clone(),
                        resolved,
                    })
                })
                .collect();
            let target_of = |wanted: &dyn Fn(&K) -> bool| {
                package
                    .targets
                    .iter()
                    .find(|t| t.kind.iter().any(wanted))
                    .map(|t| t.src_path.clone().into_std_path_buf())
            };
            GraphPackage {
                name: package.name.to_string(),
                version: package.version.to_string(),
                features: package
                    .features
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                dependencies,
                proc_macro: package
                    .targets
                    .iter()
                    .any(|t| t.kind.contains(&K::ProcMacro)),
                lib_root: target_of(&|k| {
                    matches!(
                        k,
                        K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib | K::ProcMacro
                    )
                }),
                build_script: target_of(&|k| matches!(k, K::CustomBuild)),
                workspace_member: members.contains(&package.id),
            }
        })
        .collect();
    (PackageGraph { packages }, index_of)
}
