//! What the runner needs from `cargo metadata`: roots, target dir, members.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct WorkspaceFacts {
    pub workspace_root: PathBuf,
    /// The manifest cargo is pointed at (`--manifest-path`).
    pub manifest_path: PathBuf,
    /// Cargo's target directory (honours `CARGO_TARGET_DIR` and `build.target-dir`).
    pub target_directory: PathBuf,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub manifest_path: PathBuf,
    pub depends_on_wasm_bindgen: bool,
}

impl WorkspaceFacts {
    /// `path` is a directory holding Cargo.toml, or a Cargo.toml.
    pub fn load(path: &Path, cargo: &Path) -> Result<WorkspaceFacts, String> {
        let manifest_path = if path.is_dir() {
            path.join("Cargo.toml")
        } else {
            path.to_path_buf()
        };
        if !manifest_path.is_file() {
            return Err(format!("no Cargo.toml at {}", manifest_path.display()));
        }
        // Absolute, so reports and cargo agree whatever the current directory.
        let manifest_path = std::fs::canonicalize(&manifest_path).unwrap_or(manifest_path);
        let metadata = cargo_metadata::MetadataCommand::new()
            .cargo_path(cargo)
            .manifest_path(&manifest_path)
            .no_deps()
            .exec()
            .map_err(|error| format!("cannot read the workspace: {error}"))?;
        let members = metadata
            .workspace_packages()
            .into_iter()
            .map(|package| Member {
                name: package.name.to_string(),
                manifest_path: package.manifest_path.clone().into_std_path_buf(),
                depends_on_wasm_bindgen: package
                    .dependencies
                    .iter()
                    .any(|dependency| dependency.name == "wasm-bindgen"),
            })
            .collect();
        Ok(WorkspaceFacts {
            workspace_root: metadata.workspace_root.into_std_path_buf(),
            manifest_path,
            target_directory: metadata.target_directory.into_std_path_buf(),
            members,
        })
    }

    /// Directories of members that depend on wasm-bindgen (wasm-pack candidates).
    pub fn wasm_bindgen_crates(&self) -> Vec<PathBuf> {
        self.members
            .iter()
            .filter(|member| member.depends_on_wasm_bindgen)
            .filter_map(|member| member.manifest_path.parent().map(Path::to_path_buf))
            .collect()
    }

    /// The manifest of member `name`, else the workspace's.
    pub fn manifest_of(&self, name: &str) -> PathBuf {
        self.members
            .iter()
            .find(|member| member.name == name)
            .map(|member| member.manifest_path.clone())
            .unwrap_or_else(|| self.manifest_path.clone())
    }
}
