//! What a platform needs to be built and run: the triple cargo sees (without a glibc
//! version suffix), the linker and runner a workspace configured, which runner Triplet
//! falls back to, and what is missing on this machine, with the command that installs it.
//!
//! Only files and PATH are looked at: nothing is run (readiness is shown by `triplet
//! targets`, which must not start programs).

use crate::targets::toolchain::find_on_path;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `aarch64-unknown-linux-gnu.2.17` → `aarch64-unknown-linux-gnu` (cargo-zigbuild's glibc
/// version suffix); other triples unchanged.
pub fn base_triple(triple: &str) -> &str {
    match glibc_suffix(triple) {
        Some(suffix) => &triple[..triple.len() - suffix.len() - 1],
        None => triple,
    }
}

/// The `2.17` of `…-linux-gnu*.2.17`.
pub fn glibc_suffix(triple: &str) -> Option<&str> {
    let gnu = triple.find("-linux-gnu")?;
    let dot = gnu + triple[gnu..].find('.')?;
    let suffix = &triple[dot + 1..];
    (!suffix.is_empty() && suffix.split('.').all(|part| part.parse::<u32>().is_ok()))
        .then_some(suffix)
}

/// Desktop targets cargo-zigbuild links for with zig as a cross C toolchain.
pub fn is_zig_target(triple: &str) -> bool {
    let triple = base_triple(triple);
    triple.contains("-linux-gnu")
        || triple.contains("-linux-musl")
        || triple.ends_with("-windows-gnu")
        || triple.ends_with("-apple-darwin")
}

/// A `target.<triple>.<key>` setting and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub value: String,
    pub source: String,
}

/// `target.<triple>.<key>` (`linker`, `runner`) as cargo would see it: the
/// `CARGO_TARGET_<TRIPLE>_<KEY>` variable, else the nearest cargo config that sets it
/// (the workspace's ancestors, then `$CARGO_HOME/config.toml`). `target.'cfg(…)'` tables
/// are not evaluated.
pub fn target_setting(workspace_root: &Path, triple: &str, key: &str) -> Option<Setting> {
    let triple = base_triple(triple);
    let variable = format!(
        "CARGO_TARGET_{}_{}",
        triple.to_uppercase().replace(['-', '.'], "_"),
        key.to_uppercase()
    );
    if let Some(value) = std::env::var(&variable)
        .ok()
        .filter(|value| !value.is_empty())
    {
        return Some(Setting {
            value,
            source: variable,
        });
    }
    config_files(workspace_root).into_iter().find_map(|path| {
        let text = std::fs::read_to_string(&path).ok()?;
        let table: toml::Table = text.parse().ok()?;
        let value = table.get("target")?.get(triple)?.get(key)?;
        let value = match value {
            toml::Value::String(text) => text.clone(),
            // `runner = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]`
            toml::Value::Array(words) => words
                .iter()
                .filter_map(|word| word.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            _ => return None,
        };
        Some(Setting {
            value,
            source: format!("{} target.{triple}.{key}", path.display()),
        })
    })
}

fn config_files(workspace_root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = workspace_root
        .ancestors()
        .flat_map(|dir| {
            ["config.toml", "config"]
                .iter()
                .map(move |name| dir.join(".cargo").join(name))
        })
        .filter(|path| path.is_file())
        .collect();
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    if let Some(home) = cargo_home {
        for name in ["config.toml", "config"] {
            let path = home.join(name);
            if path.is_file() && !files.contains(&path) {
                files.push(path);
            }
        }
    }
    files
}

/// Something a build or run for a target needs and this machine lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    pub what: String,
    /// The exact command (or step) that provides it.
    pub install: String,
}

/// External tools found on PATH (injectable for tests).
#[derive(Debug, Clone, Default)]
pub struct AvailableTools {
    pub cargo_ndk: Option<PathBuf>,
    pub wasm_pack: Option<PathBuf>,
    pub cargo_zigbuild: Option<PathBuf>,
}

impl AvailableTools {
    pub fn from_path() -> AvailableTools {
        AvailableTools {
            cargo_ndk: find_on_path("cargo-ndk"),
            wasm_pack: find_on_path("wasm-pack"),
            cargo_zigbuild: find_on_path("cargo-zigbuild"),
        }
    }
}

const ZIG_INSTALL: &str = "pip install ziglang cargo-zigbuild";

/// zig on PATH, or the `ziglang` Python package cargo-zigbuild runs as `python3 -m ziglang`
/// (looked for next to the python3 on PATH, without running it).
fn zig_available() -> bool {
    if find_on_path("zig").is_some() {
        return true;
    }
    let mut prefixes: Vec<PathBuf> = vec!["/usr/local".into(), "/usr".into()];
    if let Some(home) = std::env::var_os("HOME") {
        prefixes.push(PathBuf::from(home).join(".local"));
    }
    if let Some(python) = find_on_path("python3") {
        let resolved = std::fs::canonicalize(&python).unwrap_or(python);
        if let Some(prefix) = resolved.parent().and_then(Path::parent) {
            prefixes.push(prefix.to_path_buf());
        }
    }
    // pyenv shims: the real interpreters live under $PYENV_ROOT/versions/*.
    if let Some(root) = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pyenv")))
    {
        if let Ok(versions) = std::fs::read_dir(root.join("versions")) {
            prefixes.extend(versions.flatten().map(|entry| entry.path()));
        }
    }
    prefixes.iter().any(|prefix| {
        let Ok(libs) = std::fs::read_dir(prefix.join("lib")) else {
            return false;
        };
        libs.flatten()
            .filter(|entry| entry.file_name().to_string_lossy().starts_with("python3"))
            .any(|entry| {
                ["site-packages", "dist-packages"]
                    .iter()
                    .any(|dir| entry.path().join(dir).join("ziglang").is_dir())
            })
    })
}

/// rust-lld for wasm32 and bare-metal targets: rustup's toolchains ship it in the sysroot;
/// Debian's rustc uses the `lld` package.
pub fn rust_lld_available(sysroot: Option<&Path>, host: &str) -> bool {
    let shipped = sysroot.is_some_and(|sysroot| {
        sysroot
            .join("lib/rustlib")
            .join(host)
            .join("bin/rust-lld")
            .is_file()
    });
    shipped
        || ["rust-lld", "ld.lld", "lld"]
            .iter()
            .any(|name| find_on_path(name).is_some())
}

pub const LLD_INSTALL: &str = "apt-get install lld";

/// WASI's libc: shipped "self-contained" by rustup's wasm32-wasi* std; Debian's comes from
/// the `wasi-libc` package.
fn wasi_libc_available(sysroot: Option<&Path>, triple: &str) -> bool {
    let self_contained = sysroot.is_some_and(|sysroot| {
        sysroot
            .join("lib/rustlib")
            .join(triple)
            .join("lib/self-contained")
            .is_dir()
    });
    self_contained
        || [
            "/usr/lib/wasm32-wasi",
            "/usr/lib/wasm32-wasip1",
            "/usr/share/wasi-sysroot",
        ]
        .iter()
        .any(|dir| Path::new(dir).is_dir())
}

/// What a build for `triple` needs that this machine lacks (the std aside: the runner
/// reports that before starting anything).
pub fn build_needs(
    workspace_root: &Path,
    triple: &str,
    host: &str,
    sysroot: Option<&Path>,
    available: &AvailableTools,
) -> Vec<Need> {
    let base = base_triple(triple);
    let mut needs = Vec::new();
    let linker = target_setting(workspace_root, triple, "linker");
    if base.contains("android") {
        if available.cargo_ndk.is_none() && linker.is_none() {
            needs.push(Need {
                what: "cargo-ndk (sets up the NDK's linker)".into(),
                install: "cargo install cargo-ndk".into(),
            });
        }
        let ndk = ["ANDROID_NDK_HOME", "ANDROID_NDK_ROOT"]
            .iter()
            .filter_map(std::env::var_os)
            .any(|dir| Path::new(&dir).is_dir());
        if !ndk {
            needs.push(Need {
                what: "the Android NDK, with ANDROID_NDK_HOME naming it".into(),
                install: "sdkmanager \"ndk;27.2.12479018\" && export ANDROID_NDK_HOME=$ANDROID_HOME/ndk/27.2.12479018".into(),
            });
        }
    } else if (base != host || glibc_suffix(triple).is_some())
        && is_zig_target(triple)
        && linker.is_none()
    {
        if available.cargo_zigbuild.is_none() {
            needs.push(Need {
                what: format!("a linker for {base}: cargo-zigbuild (or target.{base}.linker)"),
                install: ZIG_INSTALL.into(),
            });
        }
        if !zig_available() {
            needs.push(Need {
                what: "zig (cargo-zigbuild's C toolchain)".into(),
                install: ZIG_INSTALL.into(),
            });
        }
        if base.ends_with("-apple-darwin") && std::env::var_os("SDKROOT").is_none() {
            needs.push(Need {
                what: "the macOS SDK (SDKROOT) for crates that link Apple frameworks".into(),
                install: "copy a MacOSX.sdk from Xcode and export SDKROOT=/path/to/MacOSX.sdk"
                    .into(),
            });
        }
    } else if base.contains("-apple-ios") {
        needs.push(Need {
            what: "Xcode's iOS SDK (iOS links only on macOS)".into(),
            install: "xcode-select --install (on macOS)".into(),
        });
    } else if base.ends_with("-windows-msvc") && base != host && linker.is_none() {
        needs.push(Need {
            what: format!("an MSVC linker for {base}"),
            install: "cargo install cargo-xwin".into(),
        });
    }
    let uses_rust_lld =
        base.starts_with("wasm32") || base.starts_with("wasm64") || base.contains("-none");
    if uses_rust_lld && linker.is_none() && !rust_lld_available(sysroot, host) {
        needs.push(Need {
            what: "rust-lld (links wasm32 and bare-metal targets)".into(),
            install: LLD_INSTALL.into(),
        });
    }
    if base == "wasm32-unknown-unknown" {
        needs.extend(wasm_bindgen_needs(workspace_root, available));
    }
    if base.contains("-wasi") && !wasi_libc_available(sysroot, base) {
        needs.push(Need {
            what: "wasi-libc (WASI's C library)".into(),
            install: "apt-get install wasi-libc".into(),
        });
    }
    needs
}

/// The wasm-bindgen version the workspace's Cargo.lock pins, if it uses wasm-bindgen.
pub fn locked_wasm_bindgen(workspace_root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(workspace_root.join("Cargo.lock")).ok()?;
    let lock: toml::Table = text.parse().ok()?;
    lock.get("package")?
        .as_array()?
        .iter()
        .find(|package| package.get("name").and_then(toml::Value::as_str) == Some("wasm-bindgen"))?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

/// The wasm-bindgen CLI on PATH and its version when `cargo install` recorded it
/// (`$CARGO_HOME/.crates.toml`); the version is `None` for one installed otherwise.
pub fn wasm_bindgen_cli() -> Option<(PathBuf, Option<String>)> {
    let found = find_on_path("wasm-bindgen")?;
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    let in_cargo_bin = found.parent() == Some(cargo_home.join("bin").as_path());
    let version = in_cargo_bin
        .then(|| std::fs::read_to_string(cargo_home.join(".crates.toml")).ok())
        .flatten()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|record| {
            // `"wasm-bindgen-cli 0.2.100 (registry+…)" = ["wasm-bindgen", …]`
            record
                .get("v1")?
                .as_table()?
                .iter()
                .find_map(|(key, bins)| {
                    let mut words = key.split_whitespace();
                    let installs_it = bins
                        .as_array()?
                        .iter()
                        .any(|bin| bin.as_str() == Some("wasm-bindgen"));
                    (words.next() == Some("wasm-bindgen-cli") && installs_it)
                        .then(|| words.next().map(str::to_string))
                        .flatten()
                })
        });
    Some((found, version))
}

/// The `cargo install` that provides the wasm-bindgen CLI matching the lock.
pub fn wasm_bindgen_install(version: &str) -> String {
    format!("cargo install wasm-bindgen-cli --version {version}")
}

/// wasm-pack runs the wasm-bindgen CLI of exactly the lock's version: one on PATH, else it
/// downloads one, else (offline) compiles one with `cargo install` for minutes. `None`
/// when the CLI on PATH matches (or its version is not known without running it).
pub fn wasm_bindgen_mismatch(workspace_root: &Path) -> Option<(String, String)> {
    let locked = locked_wasm_bindgen(workspace_root)?;
    let found = match wasm_bindgen_cli() {
        None => "none on PATH".to_string(),
        Some((_, Some(version))) if version != locked => format!("{version} on PATH"),
        Some(_) => return None,
    };
    Some((locked, found))
}

fn wasm_bindgen_needs(workspace_root: &Path, available: &AvailableTools) -> Vec<Need> {
    if locked_wasm_bindgen(workspace_root).is_none() {
        return Vec::new();
    }
    let mut needs = Vec::new();
    if available.wasm_pack.is_none() {
        needs.push(Need {
            what: "wasm-pack (builds wasm-bindgen crates and their JS glue)".into(),
            install: "cargo install wasm-pack".into(),
        });
    }
    if let Some((locked, found)) = wasm_bindgen_mismatch(workspace_root) {
        needs.push(Need {
            what: format!(
                "the wasm-bindgen CLI {locked}, the version Cargo.lock pins ({found}; without \
                 it wasm-pack downloads one, or compiles it for minutes when offline)"
            ),
            install: wasm_bindgen_install(&locked),
        });
    }
    needs
}

/// How `triplet run`/`triplet test` runs the binaries built for a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runner {
    /// The host, or a workspace that configured `target.<T>.runner`: cargo knows already.
    Cargo,
    /// A command cargo runs each binary through (`CARGO_TARGET_<T>_RUNNER`): qemu-user,
    /// `wasmtime run`.
    Command(String),
    /// `<python> wasi-run.py`: Python's `wasmtime` library runs a WASI module (pip's
    /// `wasmtime` has no CLI). The script ships inside Triplet (`wasi_run.py`) and is
    /// written next to the build when used.
    PythonWasmtime(PathBuf),
}

pub const WASMTIME_INSTALL: &str = "pip install wasmtime";

/// How binaries built for `triple` run on this machine: cargo's `target.<T>.runner` when
/// the workspace sets one, nothing for the host, qemu-user for foreign Linux binaries,
/// wasmtime (its CLI, else Python's library) for WASI. `Err` says what is missing and how
/// to get it.
pub fn fallback_runner(
    workspace_root: &Path,
    triple: &str,
    host: &str,
    board: &Board,
) -> Result<Runner, String> {
    let base = base_triple(triple);
    if target_setting(workspace_root, triple, "runner").is_some() || base == host {
        return Ok(Runner::Cargo);
    }
    if base.contains("-linux-") {
        let arch = base.split('-').next().unwrap_or_default();
        let (qemu, sysroot, package) = match arch {
            "aarch64" => (
                "qemu-aarch64",
                "/usr/aarch64-linux-gnu",
                "libc6-arm64-cross",
            ),
            "riscv64gc" => (
                "qemu-riscv64",
                "/usr/riscv64-linux-gnu",
                "libc6-riscv64-cross",
            ),
            arm if arm.starts_with("armv7") || arm.starts_with("thumbv7") => {
                ("qemu-arm", "/usr/arm-linux-gnueabihf", "libc6-armhf-cross")
            }
            "powerpc64le" => (
                "qemu-ppc64le",
                "/usr/powerpc64le-linux-gnu",
                "libc6-ppc64el-cross",
            ),
            "s390x" => ("qemu-s390x", "/usr/s390x-linux-gnu", "libc6-s390x-cross"),
            _ => {
                return Err(format!(
                    "no runner known for {triple}: set target.{base}.runner"
                ))
            }
        };
        if find_on_path(qemu).is_none() {
            return Err(format!(
                "{qemu} is not installed: `apt-get install qemu-user {package}`"
            ));
        }
        // musl binaries are static; glibc ones need the target's loader and libc.
        if base.contains("-gnu") && !Path::new(sysroot).is_dir() {
            return Err(format!(
                "{sysroot} (the target's libc) is missing: `apt-get install {package}`"
            ));
        }
        return Ok(Runner::Command(if base.contains("-gnu") {
            format!("{qemu} -L {sysroot}")
        } else {
            qemu.to_string()
        }));
    }
    if base.contains("-wasi") {
        if find_on_path("wasmtime").is_some() {
            return Ok(Runner::Command("wasmtime run".into()));
        }
        return match python_with_package("wasmtime") {
            Some(python) => Ok(Runner::PythonWasmtime(python)),
            None => Err(format!(
                "no WebAssembly runtime: neither a wasmtime CLI on PATH nor a python3 with the \
                 `wasmtime` package (Triplet runs the module with it): `{WASMTIME_INSTALL}`"
            )),
        };
    }
    if base.contains("-none") {
        // Real hardware when the user named a chip and has probe-rs; else QEMU's board.
        if let (Some(chip), Some(_)) = (board.chip.as_deref(), find_on_path("probe-rs")) {
            if !is_plain_name(chip) {
                return Err(format!("chip `{chip}` is not a probe-rs chip name"));
            }
            return Ok(Runner::Command(format!("probe-rs run --chip {chip}")));
        }
        return match board.qemu_machine.as_deref() {
            Some(machine) => qemu_system_runner(base, machine),
            None => Err(format!(
                "no runner known for {triple}: name the board QEMU emulates \
                 (`[package.metadata.triplet] qemu-machine = \"lm3s6965evb\"`), or the chip \
                 to flash with probe-rs (`chip = \"STM32F411CEUx\"`, with probe-rs on PATH), \
                 or set target.{base}.runner in .cargo/config.toml"
            )),
        };
    }
    Err(format!(
        "no runner known for {triple}: set target.{base}.runner in .cargo/config.toml"
    ))
}

/// What a bare-metal member says about where its firmware runs
/// (`[package.metadata.triplet]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Board {
    /// `qemu-machine`: the board QEMU emulates.
    pub qemu_machine: Option<String>,
    /// `chip`: the chip probe-rs flashes.
    pub chip: Option<String>,
}

/// A value from Cargo.toml becomes one argument of a whitespace-split runner: only a
/// name's characters, so it cannot add arguments or programs.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Firmware never exits on its own unless it asks the host to (semihosting's SYS_EXIT),
/// so QEMU runs under `timeout`: a loop ends the run with exit status 124.
pub const QEMU_TIME_LIMIT_SECS: u32 = 60;

/// `qemu-system-<arch> -machine <board> -nographic -semihosting-config
/// enable=on,target=native -kernel` (cargo appends the ELF): the firmware's semihosting
/// output is QEMU's stdout, its SYS_EXIT QEMU's exit code.
fn qemu_system_runner(base: &str, machine: &str) -> Result<Runner, String> {
    let (qemu, package) = if base.starts_with("thumb") || base.starts_with("arm") {
        ("qemu-system-arm", "qemu-system-arm")
    } else if base.starts_with("riscv32") {
        ("qemu-system-riscv32", "qemu-system-misc")
    } else if base.starts_with("riscv64") {
        ("qemu-system-riscv64", "qemu-system-misc")
    } else {
        return Err(format!(
            "no QEMU system emulator known for {base}: set target.{base}.runner"
        ));
    };
    if !is_plain_name(machine) {
        return Err(format!(
            "qemu-machine `{machine}` is not a QEMU machine name"
        ));
    }
    if find_on_path(qemu).is_none() {
        return Err(format!(
            "{qemu} is not installed: `apt-get install {package}`"
        ));
    }
    let limit = if find_on_path("timeout").is_some() {
        format!("timeout {QEMU_TIME_LIMIT_SECS} ")
    } else {
        String::new()
    };
    Ok(Runner::Command(format!(
        "{limit}{qemu} -machine {machine} -nographic -semihosting-config \
         enable=on,target=native -kernel"
    )))
}

/// The Python interpreter that has `package` installed, found by files alone: the python3
/// on PATH (a virtualenv's, or pyenv's shim standing for its versions) and the prefixes it
/// reads packages from. `None` without a python3 on PATH.
pub fn python_with_package(package: &str) -> Option<PathBuf> {
    let python = find_on_path("python3")?;
    // (prefix whose lib/python3*/ is searched, interpreter that sees it)
    let mut candidates: Vec<(PathBuf, PathBuf)> = Vec::new();
    // A virtualenv's bin/python3 is a symlink out of it: its own prefix first.
    if let Some(prefix) = python.parent().and_then(Path::parent) {
        candidates.push((prefix.to_path_buf(), python.clone()));
    }
    let resolved = std::fs::canonicalize(&python).unwrap_or_else(|_| python.clone());
    let shim_root = resolved
        .parent()
        .filter(|dir| dir.file_name().is_some_and(|name| name == "shims"))
        .and_then(Path::parent);
    if let Some(root) = shim_root {
        // pyenv: each version is a prefix with its own interpreter.
        if let Ok(versions) = std::fs::read_dir(root.join("versions")) {
            for version in versions.flatten() {
                let interpreter = version.path().join("bin/python3");
                if interpreter.is_file() {
                    candidates.push((version.path(), interpreter));
                }
            }
        }
    } else {
        if let Some(prefix) = resolved.parent().and_then(Path::parent) {
            candidates.push((prefix.to_path_buf(), python.clone()));
        }
        // Debian's python3 also reads /usr/local; `pip install --user` goes to ~/.local.
        candidates.push(("/usr/local".into(), python.clone()));
        if let Some(home) = std::env::var_os("HOME") {
            candidates.push((PathBuf::from(home).join(".local"), python.clone()));
        }
    }
    candidates
        .into_iter()
        .find(|(prefix, _)| {
            let Ok(libs) = std::fs::read_dir(prefix.join("lib")) else {
                return false;
            };
            libs.flatten()
                .filter(|entry| entry.file_name().to_string_lossy().starts_with("python3"))
                .any(|entry| {
                    ["site-packages", "dist-packages"]
                        .iter()
                        .any(|dir| entry.path().join(dir).join(package).is_dir())
                })
        })
        .map(|(_, interpreter)| interpreter)
}

/// rustc's "linker `X` not found" in plain words, with the command that provides one.
pub fn missing_linker_advice(message: &str) -> Option<String> {
    let rest = message.strip_prefix("linker `")?;
    let (linker, tail) = rest.split_once('`')?;
    if !tail.trim_start().starts_with("not found") {
        return None;
    }
    let name = Path::new(linker)
        .file_name()
        .map_or(linker.to_string(), |name| {
            name.to_string_lossy().into_owned()
        });
    Some(match name.as_str() {
        "rust-lld" => format!(
            "rust-lld, the linker for wasm32 and bare-metal targets, is missing (your rustc does \
             not ship it): `{LLD_INSTALL}`"
        ),
        "cc" | "gcc" | "clang" => {
            format!("no C toolchain to link with (`{linker}`): `apt-get install gcc`")
        }
        _ => format!(
            "the configured linker `{linker}` is not installed: install it, or remove \
             target.<triple>.linker and `{ZIG_INSTALL}` so Triplet builds with cargo-zigbuild"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_suffixes() {
        assert_eq!(
            base_triple("aarch64-unknown-linux-gnu.2.17"),
            "aarch64-unknown-linux-gnu"
        );
        assert_eq!(glibc_suffix("aarch64-unknown-linux-gnu.2.17"), Some("2.17"));
        assert_eq!(
            base_triple("armv7-unknown-linux-gnueabihf.2.28"),
            "armv7-unknown-linux-gnueabihf"
        );
        assert_eq!(
            base_triple("thumbv7em-none-eabihf"),
            "thumbv7em-none-eabihf"
        );
        assert_eq!(glibc_suffix("aarch64-unknown-linux-gnu"), None);
        assert_eq!(glibc_suffix("x.json"), None);
    }

    #[test]
    fn missing_linkers_in_plain_words() {
        let advice = missing_linker_advice("linker `rust-lld` not found").unwrap_or_default();
        assert!(advice.contains("apt-get install lld"), "{advice}");
        assert!(missing_linker_advice("linker `cc` not found")
            .is_some_and(|advice| advice.contains("gcc")));
        assert_eq!(missing_linker_advice("linking with `cc` failed"), None);
    }

    #[test]
    fn zig_targets() {
        assert!(is_zig_target("aarch64-unknown-linux-gnu.2.17"));
        assert!(is_zig_target("x86_64-pc-windows-gnu"));
        assert!(is_zig_target("aarch64-apple-darwin"));
        assert!(!is_zig_target("aarch64-linux-android"));
        assert!(!is_zig_target("wasm32-wasip1"));
    }

    #[test]
    fn configured_linker_from_a_config_file() {
        let dir = tempfile_dir();
        let cargo = dir.join(".cargo");
        let _ = std::fs::create_dir_all(&cargo);
        let _ = std::fs::write(
            cargo.join("config.toml"),
            "[target.riscv64gc-unknown-linux-gnu]\nlinker = \"riscv64-linux-gnu-gcc\"\nrunner = [\"qemu-riscv64\", \"-L\", \"/usr/riscv64-linux-gnu\"]\n",
        );
        let linker = target_setting(&dir, "riscv64gc-unknown-linux-gnu", "linker");
        assert_eq!(
            linker.map(|setting| setting.value).as_deref(),
            Some("riscv64-linux-gnu-gcc")
        );
        let runner = target_setting(&dir, "riscv64gc-unknown-linux-gnu", "runner");
        assert_eq!(
            runner.map(|setting| setting.value).as_deref(),
            Some("qemu-riscv64 -L /usr/riscv64-linux-gnu")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("triplet-platform-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    }
}
