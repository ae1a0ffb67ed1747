//! Which program builds a target (cargo, cargo-ndk, wasm-pack, cargo with -Zbuild-std),
//! why, and the exact command line.

use crate::targets::toolchain::{find_on_path, BuildStdToolchain};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `cargo check` (fast, no codegen) or a real build with the fitting tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildMode {
    Check,
    Build,
}

/// The program that runs for a group of targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolKind {
    Cargo,
    /// `cargo ndk -t <triple> build`: sets up the Android NDK linker and sysroot.
    CargoNdk,
    /// `wasm-pack build --dev <crate>`: builds the crate and runs wasm-bindgen.
    WasmPack {
        crate_dir: PathBuf,
    },
    /// `RUSTC=<rustc with rust-src> RUSTC_BOOTSTRAP=1 cargo … -Zbuild-std=…`.
    CargoBuildStd(BuildStdToolchain),
}

/// A tool and the reason it was picked, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolChoice {
    pub kind: ToolKind,
    pub reason: String,
}

/// External build tools found on PATH (injectable for tests).
#[derive(Debug, Clone, Default)]
pub struct AvailableTools {
    pub cargo_ndk: Option<PathBuf>,
    pub wasm_pack: Option<PathBuf>,
}

impl AvailableTools {
    pub fn from_path() -> AvailableTools {
        AvailableTools {
            cargo_ndk: find_on_path("cargo-ndk"),
            wasm_pack: find_on_path("wasm-pack"),
        }
    }
}

/// Picks the tool for a `Build` or `Check` of `triple` whose std is installed.
/// `wasm_bindgen_crates`: directories of workspace members that depend on wasm-bindgen.
pub fn choose_tool(
    mode: BuildMode,
    triple: &str,
    wasm_bindgen_crates: &[PathBuf],
    available: &AvailableTools,
) -> Vec<ToolChoice> {
    let plain = |reason: String| {
        vec![ToolChoice {
            kind: ToolKind::Cargo,
            reason,
        }]
    };
    if mode == BuildMode::Check {
        return plain("`cargo check` reports the compiler's diagnostics for every target".into());
    }
    if triple.contains("android") {
        return match &available.cargo_ndk {
            Some(_) => vec![ToolChoice {
                kind: ToolKind::CargoNdk,
                reason: "Android target and cargo-ndk is on PATH (it sets up the NDK linker)"
                    .into(),
            }],
            None => plain(
                "Android target but cargo-ndk is not on PATH: plain cargo needs the NDK linker \
                 configured in .cargo/config.toml"
                    .into(),
            ),
        };
    }
    if triple.starts_with("wasm32") && !wasm_bindgen_crates.is_empty() {
        return match &available.wasm_pack {
            Some(_) => wasm_bindgen_crates
                .iter()
                .map(|crate_dir| ToolChoice {
                    kind: ToolKind::WasmPack {
                        crate_dir: crate_dir.clone(),
                    },
                    reason: format!(
                        "wasm32 crate {} depends on wasm-bindgen and wasm-pack is on PATH",
                        crate_dir.display()
                    ),
                })
                .collect(),
            None => plain(
                "wasm32 crate depends on wasm-bindgen but wasm-pack is not on PATH: plain cargo \
                 builds the .wasm without JS bindings"
                    .into(),
            ),
        };
    }
    plain(format!("plain `cargo build --target {triple}`"))
}

/// The build-std choice for a target whose prebuilt std is missing.
pub fn build_std_choice(triple: &str, toolchain: &BuildStdToolchain) -> ToolChoice {
    ToolChoice {
        kind: ToolKind::CargoBuildStd(toolchain.clone()),
        reason: format!(
            "{triple}'s standard library is not installed; building {} from {} with {} \
             (RUSTC_BOOTSTRAP=1, your explicit --build-std choice)",
            build_std_crates(triple),
            toolchain.library.display(),
            toolchain.version
        ),
    }
}

/// The crates `-Zbuild-std` compiles for `triple`: no-std targets (`thumbv7em-none-eabihf`,
/// `wasm32v1-none`, `riscv32imac-unknown-none-elf`) build `core,alloc`; the others need
/// `std,panic_abort`.
pub fn build_std_crates(triple: &str) -> &'static str {
    if crate::targets::triple::has_std(triple, "") {
        "std,panic_abort"
    } else {
        "core,alloc"
    }
}

/// A fully specified command: program, arguments, extra environment.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    /// Short name for reports: `cargo check`, `cargo ndk`, `wasm-pack build`…
    pub label: String,
    pub uses_rustc_bootstrap: bool,
}

impl Invocation {
    /// The command line as a user could type it (environment first).
    pub fn display(&self) -> String {
        let mut words: Vec<String> = self
            .env
            .iter()
            .filter(|(key, _)| key != "TRIPLET_RUSTC_WRAPPER_MODE")
            .map(|(key, value)| format!("{}={}", key.to_string_lossy(), value.to_string_lossy()))
            .collect();
        words.push(self.program.display().to_string());
        words.extend(
            self.args
                .iter()
                .map(|arg| arg.to_string_lossy().into_owned()),
        );
        words.join(" ")
    }
}

/// What every invocation needs to know about the workspace.
#[derive(Debug, Clone)]
pub struct InvocationContext<'a> {
    pub cargo: &'a Path,
    pub manifest_path: &'a Path,
    pub target_dir: &'a Path,
    pub mode: BuildMode,
}

const MESSAGE_FORMAT: &str = "--message-format=json-diagnostic-rendered-ansi";

/// The command for `targets` (several only for `Cargo` and `CargoBuildStd`).
pub fn invocation(kind: &ToolKind, targets: &[String], context: &InvocationContext) -> Invocation {
    let subcommand = match context.mode {
        BuildMode::Check => "check",
        BuildMode::Build => "build",
    };
    let common = |args: &mut Vec<OsString>| {
        args.push(MESSAGE_FORMAT.into());
        // Without it cargo stops at the first failing unit and the other targets say nothing.
        args.push("--keep-going".into());
        args.push("--manifest-path".into());
        args.push(context.manifest_path.into());
        args.push("--target-dir".into());
        args.push(context.target_dir.into());
    };
    let target_flags = |args: &mut Vec<OsString>| {
        for target in targets {
            args.push("--target".into());
            args.push(target.into());
        }
    };
    match kind {
        ToolKind::Cargo => {
            let mut args = vec![OsString::from(subcommand)];
            target_flags(&mut args);
            common(&mut args);
            Invocation {
                program: context.cargo.to_path_buf(),
                args,
                env: Vec::new(),
                label: format!("cargo {subcommand}"),
                uses_rustc_bootstrap: false,
            }
        }
        ToolKind::CargoBuildStd(toolchain) => {
            let crates = targets
                .first()
                .map_or("core,alloc", |target| build_std_crates(target));
            let mut args = vec![OsString::from(subcommand)];
            target_flags(&mut args);
            args.push(format!("-Zbuild-std={crates}").into());
            common(&mut args);
            Invocation {
                program: context.cargo.to_path_buf(),
                args,
                env: vec![
                    ("RUSTC".into(), toolchain.rustc.clone().into_os_string()),
                    ("RUSTC_BOOTSTRAP".into(), "1".into()),
                ],
                label: format!("cargo {subcommand} -Zbuild-std={crates} (RUSTC_BOOTSTRAP=1)"),
                uses_rustc_bootstrap: true,
            }
        }
        ToolKind::CargoNdk => {
            let mut args = vec![OsString::from("ndk")];
            for target in targets {
                args.push("-t".into());
                args.push(target.into());
            }
            args.push("build".into());
            common(&mut args);
            Invocation {
                program: context.cargo.to_path_buf(),
                args,
                env: Vec::new(),
                label: "cargo ndk build".into(),
                uses_rustc_bootstrap: false,
            }
        }
        ToolKind::WasmPack { crate_dir } => {
            // wasm-pack prints human diagnostics; extra arguments after the path go to cargo.
            let args = vec![
                "build".into(),
                "--dev".into(),
                crate_dir.clone().into_os_string(),
                "--target-dir".into(),
                context.target_dir.into(),
            ];
            Invocation {
                program: PathBuf::from("wasm-pack"),
                args,
                env: Vec::new(),
                label: "wasm-pack build".into(),
                uses_rustc_bootstrap: false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_tools() -> AvailableTools {
        AvailableTools {
            cargo_ndk: Some("/bin/cargo-ndk".into()),
            wasm_pack: Some("/bin/wasm-pack".into()),
        }
    }

    #[test]
    fn build_std_builds_core_and_alloc_for_no_std_targets() {
        assert_eq!(build_std_crates("thumbv7em-none-eabihf"), "core,alloc");
        assert_eq!(build_std_crates("wasm32v1-none"), "core,alloc");
        assert_eq!(
            build_std_crates("riscv32imac-unknown-none-elf"),
            "core,alloc"
        );
        assert_eq!(
            build_std_crates("wasm32-unknown-unknown"),
            "std,panic_abort"
        );
        assert_eq!(
            build_std_crates("x86_64-unknown-linux-gnu"),
            "std,panic_abort"
        );
    }

    #[test]
    fn check_always_uses_cargo() {
        let choice = choose_tool(
            BuildMode::Check,
            "aarch64-linux-android",
            &[],
            &with_tools(),
        );
        assert_eq!(choice[0].kind, ToolKind::Cargo);
    }

    #[test]
    fn android_build_uses_cargo_ndk_when_present() {
        let choice = choose_tool(
            BuildMode::Build,
            "aarch64-linux-android",
            &[],
            &with_tools(),
        );
        assert_eq!(choice[0].kind, ToolKind::CargoNdk);
        let without = choose_tool(
            BuildMode::Build,
            "aarch64-linux-android",
            &[],
            &AvailableTools::default(),
        );
        assert_eq!(without[0].kind, ToolKind::Cargo);
        assert!(without[0].reason.contains("cargo-ndk is not on PATH"));
    }

    #[test]
    fn wasm_bindgen_crates_use_wasm_pack() {
        let crates = vec![PathBuf::from("/w/web")];
        let choice = choose_tool(
            BuildMode::Build,
            "wasm32-unknown-unknown",
            &crates,
            &with_tools(),
        );
        assert_eq!(
            choice[0].kind,
            ToolKind::WasmPack {
                crate_dir: "/w/web".into()
            }
        );
        let no_bindgen = choose_tool(
            BuildMode::Build,
            "wasm32-unknown-unknown",
            &[],
            &with_tools(),
        );
        assert_eq!(no_bindgen[0].kind, ToolKind::Cargo);
    }

    #[test]
    fn build_std_command_is_labelled() {
        let toolchain = BuildStdToolchain {
            rustc: "/usr/bin/rustc".into(),
            library: "/usr/lib/rustlib/src/rust/library".into(),
            version: "rustc 1.96.0".into(),
        };
        let context = InvocationContext {
            cargo: Path::new("cargo"),
            manifest_path: Path::new("/w/Cargo.toml"),
            target_dir: Path::new("/w/target/triplet"),
            mode: BuildMode::Check,
        };
        let targets = vec!["thumbv7em-none-eabihf".to_string()];
        let invocation = invocation(&ToolKind::CargoBuildStd(toolchain), &targets, &context);
        let line = invocation.display();
        assert!(line.starts_with("RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 cargo check"));
        assert!(line.contains("-Zbuild-std=core,alloc"));
        assert!(invocation.uses_rustc_bootstrap);
    }
}
