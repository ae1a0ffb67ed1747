//! Which Cargo workspaces live under the editor's folders, and which one a file belongs to.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// How deep below a folder to look for Cargo.toml files (monorepos nest a few levels).
const MAX_DEPTH: usize = 6;

/// Directories that never hold a workspace of interest (build output, VCS, JS deps).
const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];

/// The root directory of every Cargo workspace found in (or around) `folders`, sorted.
pub fn discover_roots(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for folder in folders {
        let mut manifests = Vec::new();
        collect_manifests(folder, 0, &mut manifests);
        if manifests.is_empty() {
            // The folder may be a member crate's directory inside a workspace.
            if let Some(root) = enclosing_workspace_root(folder) {
                roots.push(root);
            }
        }
        for manifest in manifests {
            if let Some(dir) = manifest.parent() {
                roots.push(enclosing_workspace_root(dir).unwrap_or_else(|| dir.to_path_buf()));
            }
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

fn collect_manifests(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let manifest = dir.join("Cargo.toml");
    if manifest.is_file() {
        out.push(manifest);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref())
        })
        .map(|entry| entry.path())
        .collect();
    subdirs.sort();
    for subdir in subdirs {
        collect_manifests(&subdir, depth + 1, out);
    }
}

/// The nearest directory at or above `dir` whose Cargo.toml declares `[workspace]`.
fn enclosing_workspace_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|ancestor| declares_workspace(&ancestor.join("Cargo.toml")))
        .map(Path::to_path_buf)
}

/// Line-based on purpose: a manifest with a syntax error still names its workspace.
fn declares_workspace(manifest: &Path) -> bool {
    let Some(text) = crate::workspace::read_source_file(manifest) else {
        return false;
    };
    text.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("[workspace]") || line.starts_with("[workspace.")
    })
}

/// The nearest directory above `file` that holds a Cargo.toml (a package or workspace).
pub fn package_dir_of(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// The deepest root that holds `path`.
pub fn root_for<'a>(
    roots: impl IntoIterator<Item = &'a PathBuf>,
    path: &Path,
) -> Option<&'a PathBuf> {
    roots
        .into_iter()
        .filter(|root| path.starts_with(root))
        .max_by_key(|root| root.components().count())
}

/// A content hash (None: the file is gone), to tell a real change from a repeated event.
pub fn fingerprint(path: &Path) -> Option<u64> {
    crate::workspace::read_regular_file(path).map(|bytes| fingerprint_bytes(&bytes))
}

pub fn fingerprint_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// What a changed file on disk means for the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Cargo.toml / Cargo.lock: reload the workspace that holds it.
    Manifest,
    /// `.cargo/config*.toml`, `rust-toolchain*`: reload every workspace at or below it.
    Config,
    /// A Rust source file: re-check it unless the editor has it open.
    Source,
    Other,
}

pub fn classify(path: &Path) -> FileKind {
    if path
        .components()
        .any(|part| matches!(part.as_os_str().to_str(), Some("target" | ".git")))
    {
        return FileKind::Other;
    }
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    let in_cargo_dir = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == ".cargo");
    match name {
        "Cargo.toml" | "Cargo.lock" => FileKind::Manifest,
        "rust-toolchain" | "rust-toolchain.toml" => FileKind::Config,
        "config" | "config.toml" if in_cargo_dir => FileKind::Config,
        _ if name.ends_with(".rs") => FileKind::Source,
        _ => FileKind::Other,
    }
}

/// The directory whose workspaces a config file governs (`.cargo/config.toml` → its parent).
pub fn config_scope(path: &Path) -> Option<&Path> {
    let dir = path.parent()?;
    if dir.file_name().is_some_and(|name| name == ".cargo") {
        dir.parent()
    } else {
        Some(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn finds_workspaces_and_standalone_packages_but_not_members_twice() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            &root.join("ws/Cargo.toml"),
            "[workspace]\nmembers = [\"a\"]\n",
        );
        write(&root.join("ws/a/Cargo.toml"), "[package]\nname = \"a\"\n");
        write(&root.join("solo/Cargo.toml"), "[package\nname = broken");
        write(&root.join("ws/target/debug/x/Cargo.toml"), "[package]\n");
        let roots = discover_roots(&[root.to_path_buf()]);
        assert_eq!(roots, vec![root.join("solo"), root.join("ws")]);
        // A folder opened on a member crate maps to its workspace.
        assert_eq!(discover_roots(&[root.join("ws/a")]), vec![root.join("ws")]);
    }

    #[test]
    fn a_file_belongs_to_the_nearest_package_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("pkg/Cargo.toml"), "[package]\n");
        write(&root.join("pkg/src/deep/mod.rs"), "");
        assert_eq!(
            package_dir_of(&root.join("pkg/src/deep/mod.rs")),
            Some(root.join("pkg"))
        );
        assert_eq!(
            package_dir_of(&root.join("pkg/Cargo.toml")),
            Some(root.join("pkg"))
        );
        assert_eq!(package_dir_of(&root.join("loose.rs")), None);
    }

    #[test]
    fn classifies_watched_files() {
        assert_eq!(classify(Path::new("/w/Cargo.toml")), FileKind::Manifest);
        assert_eq!(classify(Path::new("/w/Cargo.lock")), FileKind::Manifest);
        assert_eq!(
            classify(Path::new("/w/.cargo/config.toml")),
            FileKind::Config
        );
        assert_eq!(classify(Path::new("/w/.cargo/config")), FileKind::Config);
        assert_eq!(
            classify(Path::new("/w/rust-toolchain.toml")),
            FileKind::Config
        );
        assert_eq!(classify(Path::new("/w/src/lib.rs")), FileKind::Source);
        assert_eq!(
            classify(Path::new("/w/target/debug/build/x.rs")),
            FileKind::Other
        );
        assert_eq!(classify(Path::new("/w/config.toml")), FileKind::Other);
        assert_eq!(
            config_scope(Path::new("/w/.cargo/config.toml")),
            Some(Path::new("/w"))
        );
    }

    #[test]
    fn deepest_root_wins() {
        let roots = vec![PathBuf::from("/w"), PathBuf::from("/w/inner")];
        assert_eq!(
            root_for(&roots, Path::new("/w/inner/src/lib.rs")),
            Some(&roots[1])
        );
        assert_eq!(
            root_for(&roots, Path::new("/w/src/lib.rs")),
            Some(&roots[0])
        );
        assert_eq!(root_for(&roots, Path::new("/x/lib.rs")), None);
    }
}
