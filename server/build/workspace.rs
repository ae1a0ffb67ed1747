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
    pub settings: PackageSettings,
}

/// What `[package.metadata.triplet]` says about building and running a member. None of
/// these name a program: only values handed to tools the user has on PATH.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageSettings {
    /// `wasm-pack-target = "nodejs"`: wasm-pack's `--target` (bundler, nodejs, web,
    /// no-modules, deno); wasm-pack's own default when absent.
    pub wasm_pack_target: Option<String>,
    /// `qemu-machine = "lm3s6965evb"`: bare-metal binaries run in `qemu-system-<arch>
    /// -machine <it>` with semihosting.
    pub qemu_machine: Option<String>,
    /// `chip = "STM32F411CEUx"`: the chip probe-rs flashes.
    pub chip: Option<String>,
}

impl PackageSettings {
    fn from_metadata(metadata: &serde_json::Value) -> PackageSettings {
        let text = |key: &str| {
            metadata
                .get("triplet")
                .and_then(|triplet| triplet.get(key))
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_string)
        };
        PackageSettings {
            wasm_pack_target: text("wasm-pack-target"),
            qemu_machine: text("qemu-machine"),
            chip: text("chip"),
        }
    }
}

/// A member that depends on wasm-bindgen: what wasm-pack builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WasmBindgenCrate {
    pub dir: PathBuf,
    /// `[package.metadata.triplet] wasm-pack-target`.
    pub js_target: Option<String>,
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
                settings: PackageSettings::from_metadata(&package.metadata),
            })
            .collect();
        Ok(WorkspaceFacts {
            workspace_root: metadata.workspace_root.into_std_path_buf(),
            manifest_path,
            target_directory: metadata.target_directory.into_std_path_buf(),
            members,
        })
    }

    /// Members that depend on wasm-bindgen (wasm-pack candidates).
    pub fn wasm_bindgen_crates(&self) -> Vec<WasmBindgenCrate> {
        self.members
            .iter()
            .filter(|member| member.depends_on_wasm_bindgen)
            .filter_map(|member| {
                Some(WasmBindgenCrate {
                    dir: member.manifest_path.parent()?.to_path_buf(),
                    js_target: member.settings.wasm_pack_target.clone(),
                })
            })
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
