//! When `cargo metadata` fails because one member's manifest is broken, the rest of the
//! workspace is still worth checking. This reads the workspace from the manifests alone:
//! members (with `*` globs), crate roots by cargo's conventions, and features. Dependencies
//! are left out (no resolver), so dependency rules wait for a loadable workspace.

use super::metadata::{LoadError, ManifestPosition};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A member read from its manifest only.
#[derive(Debug, Clone)]
pub struct ManifestOnlyPackage {
    pub name: String,
    pub manifest_path: PathBuf,
    pub has_lib: bool,
    pub crate_roots: Vec<PathBuf>,
    pub features: BTreeMap<String, Vec<String>>,
    /// A build script by cargo's conventions (`build = "…"`, else a `build.rs` beside the
    /// manifest, unless `build = false`): it may set cfgs.
    pub has_build_script: bool,
}

/// The healthy members and the problems with the others.
pub fn read_members(root_manifest: &Path) -> (Vec<ManifestOnlyPackage>, Vec<LoadError>) {
    let mut packages = Vec::new();
    let mut problems = Vec::new();
    let Some(root_dir) = root_manifest.parent() else {
        return (packages, problems);
    };
    let root = match read_toml(root_manifest) {
        Ok(table) => table,
        Err(problem) => return (packages, vec![problem]),
    };
    let mut manifests = Vec::new();
    if root.contains_key("package") {
        manifests.push(root_manifest.to_path_buf());
    }
    let members = root
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .cloned()
        .unwrap_or_default();
    // `exclude` wins over `members` (cargo's rule: a member under an excluded path is out).
    let excluded: Vec<PathBuf> = root
        .get("workspace")
        .and_then(|w| w.get("exclude"))
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
        .filter_map(|e| e.as_str())
        .map(|e| root_dir.join(e))
        .collect();
    for member in members.iter().filter_map(|m| m.as_str()) {
        for dir in expand_member(root_dir, member) {
            if excluded.iter().any(|out| dir.starts_with(out)) {
                continue;
            }
            let manifest = dir.join("Cargo.toml");
            if manifest.is_file() && !manifests.contains(&manifest) {
                manifests.push(manifest);
            }
        }
    }
    for manifest in manifests {
        match read_toml(&manifest).and_then(|table| package_from(&manifest, &table)) {
            Ok(package) => packages.push(package),
            Err(problem) => problems.push(problem),
        }
    }
    (packages, problems)
}

fn read_toml(path: &Path) -> Result<toml::Table, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        message: format!("cannot read {}: {e}", path.display()),
        manifest: Some(path.to_path_buf()),
        position: None,
    })?;
    text.parse::<toml::Table>().map_err(|e| LoadError {
        message: format!(
            "failed to parse manifest at `{}`: {}",
            path.display(),
            e.message()
        ),
        manifest: Some(path.to_path_buf()),
        position: e
            .span()
            .and_then(|span| ManifestPosition::of_offset(&text, span.start)),
    })
}

/// `crates/*` style members: one `*` in the last component is all cargo users write.
fn expand_member(root: &Path, member: &str) -> Vec<PathBuf> {
    let Some((prefix, suffix)) = member.split_once('*') else {
        return vec![root.join(member)];
    };
    // `crates/*`: the folder `crates`, any name; `crates/app-*`: names starting `app-`.
    let (parent, name_prefix) = match prefix.rsplit_once('/') {
        Some((folder, name)) => (root.join(folder), name.to_string()),
        None => (root.to_path_buf(), prefix.to_string()),
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(&name_prefix) && name.ends_with(suffix) && e.path().is_dir()
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

fn package_from(manifest: &Path, table: &toml::Table) -> Result<ManifestOnlyPackage, LoadError> {
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let name = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| LoadError {
            message: format!("{}: `[package]` has no `name`", manifest.display()),
            manifest: Some(manifest.to_path_buf()),
            position: None,
        })?
        .to_string();
    let lib_path = table
        .get("lib")
        .and_then(|l| l.get("path"))
        .and_then(|p| p.as_str())
        .map(|p| dir.join(p))
        .or_else(|| Some(dir.join("src/lib.rs")).filter(|p| p.is_file()));
    let mut crate_roots: Vec<PathBuf> = lib_path.iter().cloned().collect();
    let main = dir.join("src/main.rs");
    if main.is_file() {
        crate_roots.push(main);
    }
    let features = table
        .get("features")
        .and_then(|f| f.as_table())
        .map(|f| {
            f.iter()
                .map(|(k, v)| {
                    let items = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|i| i.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    (k.clone(), items)
                })
                .collect()
        })
        .unwrap_or_default();
    let has_build_script = match table.get("package").and_then(|p| p.get("build")) {
        Some(toml::Value::Boolean(build)) => *build,
        Some(toml::Value::String(_)) => true,
        _ => dir.join("build.rs").is_file(),
    };
    Ok(ManifestOnlyPackage {
        has_build_script,
        name,
        manifest_path: manifest.to_path_buf(),
        has_lib: lib_path.is_some(),
        crate_roots,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_members_are_not_read() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            if let Some(parent) = path.parent() {
                assert!(std::fs::create_dir_all(parent).is_ok());
            }
            assert!(std::fs::write(path, text).is_ok());
        };
        write(
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/old\"]\n",
        );
        for name in ["new", "old"] {
            write(
                &format!("crates/{name}/Cargo.toml"),
                &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n"),
            );
            write(&format!("crates/{name}/src/lib.rs"), "");
        }
        let (members, problems) = read_members(&root.join("Cargo.toml"));
        assert!(problems.is_empty());
        let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["new"]);
    }
}
