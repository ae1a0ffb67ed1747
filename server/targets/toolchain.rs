//! Facts about the Rust toolchain, asked of `rustc` once and cached per rustc version.

use crate::analysis::cfg::CfgSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

#[derive(Debug)]
pub struct Toolchain {
    pub rustc: PathBuf,
    /// `rustc -vV` first line, e.g. "rustc 1.95.0 (59807616e 2026-04-14)".
    pub version: String,
    pub host: String,
    pub sysroot: Option<PathBuf>,
    known_targets: Vec<String>,
    cfg_cache: Mutex<HashMap<String, Option<CfgSet>>>,
    /// Whether some toolchain here can `-Zbuild-std` (probing spawns rustc, so it is asked
    /// once per detected toolchain, not once per workspace load).
    build_std: OnceLock<bool>,
}

#[derive(Debug)]
pub struct ToolchainError(pub String);

impl std::fmt::Display for ToolchainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolchainError {}

fn run(rustc: &Path, args: &[&str]) -> Result<String, ToolchainError> {
    run_with_env(rustc, args, &[])
}

fn run_with_env(
    rustc: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<String, ToolchainError> {
    let mut command = Command::new(rustc);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().map_err(|e| {
        ToolchainError(format!(
            "cannot run `{} {}`: {e}",
            rustc.display(),
            args.join(" ")
        ))
    })?;
    if !output.status.success() {
        return Err(ToolchainError(format!(
            "`{} {}` failed: {}",
            rustc.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

impl Toolchain {
    /// The toolchain cargo would use: `$RUSTC`, else `rustc` on PATH.
    pub fn detect() -> Result<Toolchain, ToolchainError> {
        let rustc = std::env::var_os("RUSTC")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("rustc"));
        Toolchain::with_rustc(rustc)
    }

    pub fn with_rustc(rustc: PathBuf) -> Result<Toolchain, ToolchainError> {
        let verbose = run(&rustc, &["-vV"])?;
        let version = verbose
            .lines()
            .next()
            .unwrap_or("rustc (unknown version)")
            .to_string();
        let host = verbose
            .lines()
            .find_map(|line| line.strip_prefix("host: "))
            .ok_or_else(|| ToolchainError("`rustc -vV` did not name the host target".into()))?
            .trim()
            .to_string();
        let sysroot = run(&rustc, &["--print", "sysroot"])
            .ok()
            .map(|s| PathBuf::from(s.trim()));
        let known_targets = run(&rustc, &["--print", "target-list"])
            .map(|list| {
                list.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Toolchain {
            rustc,
            version,
            host,
            sysroot,
            known_targets,
            build_std: OnceLock::new(),
            cfg_cache: Mutex::new(HashMap::new()),
        })
    }

    pub fn known_targets(&self) -> &[String] {
        &self.known_targets
    }

    /// Whether a missing target's std can be built from source (`-Zbuild-std`).
    pub fn build_std_available(&self) -> bool {
        *self
            .build_std
            .get_or_init(|| crate::build::build_std_available().is_some())
    }

    pub fn is_known(&self, triple: &str) -> bool {
        self.known_targets.is_empty() || self.known_targets.iter().any(|t| t == triple)
    }

    /// `rustc --print cfg --target T`, from memory, then the on-disk cache, then rustc.
    pub fn cfg(&self, triple: &str) -> Option<CfgSet> {
        self.cfg_as(triple, false)
    }

    /// The cfg set std itself is compiled with: `RUSTC_BOOTSTRAP=1` shows the unstable cfgs
    /// (`target_has_atomic_load_store`, …) that std's `#[cfg]`s test and stable rustc hides.
    pub fn std_cfg(&self, triple: &str) -> Option<CfgSet> {
        self.cfg_as(triple, true)
    }

    fn cfg_as(&self, triple: &str, bootstrap: bool) -> Option<CfgSet> {
        let (key, file_name) = if bootstrap {
            (format!("std:{triple}"), format!("std-cfg-{triple}.txt"))
        } else {
            (triple.to_string(), format!("cfg-{triple}.txt"))
        };
        if let Ok(cache) = self.cfg_cache.lock() {
            if let Some(cached) = cache.get(&key) {
                return cached.clone();
            }
        }
        let cache_file = self.disk_cache_dir().map(|dir| dir.join(file_name));
        let text = cache_file
            .as_ref()
            .and_then(|file| std::fs::read_to_string(file).ok())
            .or_else(|| {
                let args = ["--print", "cfg", "--target", triple];
                let text = if bootstrap {
                    run_with_env(&self.rustc, &args, &[("RUSTC_BOOTSTRAP", "1")]).ok()?
                } else {
                    run(&self.rustc, &args).ok()?
                };
                if let Some(file) = &cache_file {
                    let _ = file.parent().map(std::fs::create_dir_all);
                    let _ = std::fs::write(file, &text);
                }
                Some(text)
            });
        let cfg = text.map(|text| CfgSet::from_rustc_print_cfg(&text));
        if let Ok(mut cache) = self.cfg_cache.lock() {
            cache.insert(key, cfg.clone());
        }
        cfg
    }

    /// A per-rustc-version cache directory (cfg sets never change within a version).
    fn disk_cache_dir(&self) -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
        let key: String = self
            .version
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Some(base.join("triplet").join(key))
    }

    /// Whether the target's `core` (and std, where it has one) is in the sysroot.
    pub fn is_installed(&self, triple: &str) -> bool {
        // One definition of "installed" for analysis (T0006) and builds alike.
        self.sysroot
            .as_deref()
            .is_some_and(|sysroot| crate::build::std_installed_in(sysroot, triple))
    }

    /// Targets installed in the sysroot.
    pub fn installed_targets(&self) -> Vec<String> {
        let Some(sysroot) = &self.sysroot else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(sysroot.join("lib").join("rustlib")) else {
            return Vec::new();
        };
        let mut targets: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| self.is_installed(name))
            .collect();
        targets.sort();
        targets
    }

    /// The toolchain's own rust-src `library/` directory, when installed.
    pub fn rust_src_library(&self) -> Option<PathBuf> {
        let library = self.sysroot.as_ref()?.join("lib/rustlib/src/rust/library");
        library.join("std/src").is_dir().then_some(library)
    }
}
