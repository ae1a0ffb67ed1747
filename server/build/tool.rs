//! Which program builds a target (cargo, cargo-ndk, wasm-pack, cargo with -Zbuild-std),
//! why, and the exact command line.

pub use super::platform::AvailableTools;
use super::platform::{base_triple, glibc_suffix, is_zig_target, Setting};
use super::workspace::WasmBindgenCrate;
use crate::targets::toolchain::BuildStdToolchain;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `cargo check` (fast, no codegen), a real build with the fitting tool, or a build whose
/// binaries then run on the target through a runner (`cargo run` / `cargo test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildMode {
    Check,
    Build,
    Run,
    Test,
}

/// The program that runs for a group of targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolKind {
    Cargo,
    /// `cargo ndk -t <triple> build`: sets up the Android NDK linker and sysroot.
    CargoNdk,
    /// `cargo-zigbuild zigbuild --target <triple>`: links cross desktop targets with zig
    /// (and takes a glibc version suffix: `aarch64-unknown-linux-gnu.2.17`).
    CargoZigbuild(PathBuf),
    /// `wasm-pack build --dev <crate>`: builds the crate and runs wasm-bindgen. Under
    /// `triplet run` it builds for node (`--target nodejs`) and node loads the package.
    WasmPack {
        crate_dir: PathBuf,
        /// `[package.metadata.triplet] wasm-pack-target`.
        js_target: Option<String>,
    },
    /// `RUSTC=<rustc with rust-src> RUSTC_BOOTSTRAP=1 cargo … -Zbuild-std=…`.
    CargoBuildStd(BuildStdToolchain),
}

impl ToolKind {
    /// Short name of what a build with this tool runs.
    pub fn label(&self) -> &'static str {
        match self {
            ToolKind::Cargo => "cargo build",
            ToolKind::CargoNdk => "cargo ndk build",
            ToolKind::CargoZigbuild(_) => "cargo zigbuild",
            ToolKind::WasmPack { .. } => "wasm-pack build",
            ToolKind::CargoBuildStd(_) => "cargo build -Zbuild-std",
        }
    }
}

/// A tool and the reason it was picked, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolChoice {
    pub kind: ToolKind,
    pub reason: String,
}

/// What the tool choice knows about a target besides its triple.
#[derive(Debug, Clone, Default)]
pub struct TargetSetup<'a> {
    pub host: &'a str,
    /// `target.<triple>.linker` from the environment or a cargo config.
    pub linker: Option<Setting>,
    /// Workspace members that depend on wasm-bindgen.
    pub wasm_bindgen_crates: &'a [WasmBindgenCrate],
}

/// Picks the tool for a `Build` or `Check` of `triple` whose std is installed.
pub fn choose_tool(
    mode: BuildMode,
    triple: &str,
    setup: &TargetSetup,
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
    let base = base_triple(triple);
    // cargo-ndk builds; running goes through cargo's runner. wasm-pack also runs: node
    // loads the package it built (a cdylib has no `main`; its start function runs).
    let runs = matches!(mode, BuildMode::Run | BuildMode::Test);
    if triple.contains("android") && !runs {
        return match &available.cargo_ndk {
            Some(_) => vec![ToolChoice {
                kind: ToolKind::CargoNdk,
                reason: "Android target and cargo-ndk is on PATH (it sets up the NDK linker)"
                    .into(),
            }],
            None => plain(
                "Android target but cargo-ndk is not on PATH (`cargo install cargo-ndk`): plain \
                 cargo needs the NDK linker configured in .cargo/config.toml"
                    .into(),
            ),
        };
    }
    let wasm_pack_mode = matches!(mode, BuildMode::Build | BuildMode::Run);
    if base == "wasm32-unknown-unknown" && !setup.wasm_bindgen_crates.is_empty() && wasm_pack_mode {
        return match &available.wasm_pack {
            Some(_) => setup
                .wasm_bindgen_crates
                .iter()
                .map(|krate| ToolChoice {
                    kind: ToolKind::WasmPack {
                        crate_dir: krate.dir.clone(),
                        js_target: krate.js_target.clone(),
                    },
                    reason: if runs {
                        format!(
                            "wasm32 crate {} depends on wasm-bindgen: wasm-pack builds it for \
                             node (--target nodejs) and node loads it, running its \
                             #[wasm_bindgen(start)] function",
                            krate.dir.display()
                        )
                    } else {
                        format!(
                            "wasm32 crate {} depends on wasm-bindgen and wasm-pack is on PATH",
                            krate.dir.display()
                        )
                    },
                })
                .collect(),
            None => plain(
                "wasm32 crate depends on wasm-bindgen but wasm-pack is not on PATH \
                 (`cargo install wasm-pack`): plain cargo builds the .wasm without JS bindings"
                    .into(),
            ),
        };
    }
    let suffixed = glibc_suffix(triple).is_some();
    if let (Some(linker), false) = (&setup.linker, suffixed) {
        return plain(format!(
            "a linker is configured for {base} ({} = {}): plain cargo links with it",
            linker.source, linker.value
        ));
    }
    if base == setup.host && !suffixed {
        return plain("the host target: the system's C toolchain links it".into());
    }
    if is_zig_target(triple) {
        return match &available.cargo_zigbuild {
            Some(zigbuild) => vec![ToolChoice {
                kind: ToolKind::CargoZigbuild(zigbuild.clone()),
                reason: match glibc_suffix(triple) {
                    Some(glibc) => format!(
                        "cross target {base} against glibc {glibc}: cargo-zigbuild links with zig"
                    ),
                    None => format!(
                        "cross target {base} with no linker configured: cargo-zigbuild (on \
                         PATH) links with zig"
                    ),
                },
            }],
            None => plain(format!(
                "cross target {base} but no linker is configured and cargo-zigbuild is not on \
                 PATH: the host's cc cannot link it (`pip install ziglang cargo-zigbuild`, or \
                 set target.{base}.linker)"
            )),
        };
    }
    if base.contains("-apple-ios") {
        return plain(format!(
            "plain `cargo build --target {triple}`: iOS links with Xcode's clang (macOS only)"
        ));
    }
    if base.contains("-wasi") {
        return plain(format!(
            "plain `cargo build --target {triple}`: WASI links with rust-lld and wasi-libc"
        ));
    }
    if base.starts_with("wasm") || base.contains("-none") {
        return plain(format!(
            "plain `cargo build --target {triple}`: links with rust-lld, no C toolchain needed"
        ));
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

/// wasm-pack's `--target` and the crate's output directory: the configured target into
/// `pkg/` for builds; for `triplet run`, node's (`nodejs`) into `pkg/` when that is the
/// configured one, else into `pkg-node/` so the configured build's `pkg/` is left alone.
pub fn wasm_pack_output(js_target: Option<&str>, mode: BuildMode) -> (Option<&str>, &'static str) {
    match (mode, js_target) {
        (BuildMode::Run, Some("nodejs")) => (Some("nodejs"), "pkg"),
        (BuildMode::Run, _) => (Some("nodejs"), "pkg-node"),
        (_, js_target) => (js_target, "pkg"),
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
    /// `triplet run … -- ARGS`: what the program (or the test harness) gets.
    pub program_args: &'a [String],
}

const MESSAGE_FORMAT: &str = "--message-format=json-diagnostic-rendered-ansi";

/// The command for `targets` (several only for `Cargo` and `CargoBuildStd`).
pub fn invocation(kind: &ToolKind, targets: &[String], context: &InvocationContext) -> Invocation {
    let subcommand = match context.mode {
        BuildMode::Check => "check",
        BuildMode::Build => "build",
        BuildMode::Run => "run",
        BuildMode::Test => "test",
    };
    let common = |args: &mut Vec<OsString>| {
        args.push(MESSAGE_FORMAT.into());
        // Without it cargo stops at the first failing unit and the other targets say nothing
        // (`cargo test` spells it `--no-fail-fast`).
        args.push(if context.mode == BuildMode::Test {
            "--no-fail-fast".into()
        } else {
            "--keep-going".into()
        });
        args.push("--manifest-path".into());
        args.push(context.manifest_path.into());
        args.push("--target-dir".into());
        args.push(context.target_dir.into());
        // cargo hands what follows `--` to the program (through the runner).
        if matches!(context.mode, BuildMode::Run | BuildMode::Test)
            && !context.program_args.is_empty()
        {
            args.push("--".into());
            args.extend(context.program_args.iter().map(OsString::from));
        }
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
        ToolKind::CargoZigbuild(zigbuild) => {
            // `cargo zigbuild` is `cargo-zigbuild zigbuild`: run it directly.
            let zig_subcommand = match context.mode {
                BuildMode::Check => "check",
                BuildMode::Build => "zigbuild",
                BuildMode::Run => "run",
                BuildMode::Test => "test",
            };
            let mut args = vec![OsString::from(zig_subcommand)];
            target_flags(&mut args);
            common(&mut args);
            Invocation {
                program: zigbuild.clone(),
                args,
                env: Vec::new(),
                label: match context.mode {
                    BuildMode::Build => "cargo zigbuild".to_string(),
                    _ => format!("cargo zigbuild {zig_subcommand}"),
                },
                uses_rustc_bootstrap: false,
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
        ToolKind::WasmPack {
            crate_dir,
            js_target,
        } => {
            // wasm-pack prints human diagnostics; extra arguments after the path go to cargo.
            let mut args: Vec<OsString> = vec!["build".into(), "--dev".into()];
            let (js_target, out_dir) = wasm_pack_output(js_target.as_deref(), context.mode);
            if let Some(js_target) = js_target {
                args.push("--target".into());
                args.push(js_target.into());
            }
            if out_dir != "pkg" {
                args.push("--out-dir".into());
                args.push(out_dir.into());
            }
            args.push(crate_dir.clone().into_os_string());
            args.push("--target-dir".into());
            args.push(context.target_dir.into());
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
            cargo_zigbuild: Some("/bin/cargo-zigbuild".into()),
        }
    }

    fn setup<'a>(crates: &'a [WasmBindgenCrate]) -> TargetSetup<'a> {
        TargetSetup {
            host: "x86_64-unknown-linux-gnu",
            linker: None,
            wasm_bindgen_crates: crates,
        }
    }

    #[test]
    fn cross_desktop_targets_use_zigbuild_unless_a_linker_is_configured() {
        for triple in [
            "aarch64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu.2.17",
            "x86_64-pc-windows-gnu",
            "aarch64-apple-darwin",
        ] {
            let choice = choose_tool(BuildMode::Build, triple, &setup(&[]), &with_tools());
            assert!(
                matches!(choice[0].kind, ToolKind::CargoZigbuild(_)),
                "{triple}: {choice:?}"
            );
        }
        let host = choose_tool(
            BuildMode::Build,
            "x86_64-unknown-linux-gnu",
            &setup(&[]),
            &with_tools(),
        );
        assert_eq!(host[0].kind, ToolKind::Cargo);
        let mut configured = setup(&[]);
        configured.linker = Some(Setting {
            value: "aarch64-linux-gnu-gcc".into(),
            source: "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER".into(),
        });
        let linked = choose_tool(
            BuildMode::Build,
            "aarch64-unknown-linux-gnu",
            &configured,
            &with_tools(),
        );
        assert_eq!(linked[0].kind, ToolKind::Cargo);
        assert!(linked[0].reason.contains("aarch64-linux-gnu-gcc"));
        let without = choose_tool(
            BuildMode::Build,
            "aarch64-unknown-linux-gnu",
            &setup(&[]),
            &AvailableTools::default(),
        );
        assert!(without[0]
            .reason
            .contains("pip install ziglang cargo-zigbuild"));
        for triple in [
            "wasm32-wasip1",
            "thumbv7em-none-eabihf",
            "aarch64-apple-ios",
        ] {
            let choice = choose_tool(BuildMode::Build, triple, &setup(&[]), &with_tools());
            assert_eq!(choice[0].kind, ToolKind::Cargo, "{triple}");
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
            &setup(&[]),
            &with_tools(),
        );
        assert_eq!(choice[0].kind, ToolKind::Cargo);
    }

    #[test]
    fn android_build_uses_cargo_ndk_when_present() {
        let choice = choose_tool(
            BuildMode::Build,
            "aarch64-linux-android",
            &setup(&[]),
            &with_tools(),
        );
        assert_eq!(choice[0].kind, ToolKind::CargoNdk);
        let without = choose_tool(
            BuildMode::Build,
            "aarch64-linux-android",
            &setup(&[]),
            &AvailableTools::default(),
        );
        assert_eq!(without[0].kind, ToolKind::Cargo);
        assert!(without[0].reason.contains("cargo-ndk is not on PATH"));
    }

    #[test]
    fn wasm_bindgen_crates_use_wasm_pack() {
        let crates = vec![WasmBindgenCrate {
            dir: "/w/web".into(),
            js_target: Some("web".into()),
        }];
        let choice = choose_tool(
            BuildMode::Build,
            "wasm32-unknown-unknown",
            &setup(&crates),
            &with_tools(),
        );
        assert_eq!(
            choice[0].kind,
            ToolKind::WasmPack {
                crate_dir: "/w/web".into(),
                js_target: Some("web".into()),
            }
        );
        // `triplet run` builds for node, beside the configured build's pkg/.
        let context = InvocationContext {
            cargo: Path::new("cargo"),
            manifest_path: Path::new("/w/Cargo.toml"),
            target_dir: Path::new("/w/target/triplet"),
            mode: BuildMode::Run,
            program_args: &[],
        };
        let line = invocation(&choice[0].kind, &[], &context).display();
        assert!(
            line.starts_with("wasm-pack build --dev --target nodejs --out-dir pkg-node /w/web"),
            "{line}"
        );
        // Tests stay with cargo (no wasm-pack test runner here).
        let test = choose_tool(
            BuildMode::Test,
            "wasm32-unknown-unknown",
            &setup(&crates),
            &with_tools(),
        );
        assert_eq!(test[0].kind, ToolKind::Cargo);
        let no_bindgen = choose_tool(
            BuildMode::Build,
            "wasm32-unknown-unknown",
            &setup(&[]),
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
            program_args: &[],
        };
        let targets = vec!["thumbv7em-none-eabihf".to_string()];
        let invocation = invocation(&ToolKind::CargoBuildStd(toolchain), &targets, &context);
        let line = invocation.display();
        assert!(line.starts_with("RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 cargo check"));
        assert!(line.contains("-Zbuild-std=core,alloc"));
        assert!(invocation.uses_rustc_bootstrap);
    }
}
