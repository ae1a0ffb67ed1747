//! The Rust toolchain, probed once: what rustc says about itself (version, host, sysroot,
//! known targets, cfg sets), which targets' std is installed, and where `-Zbuild-std` can
//! find std's sources. Analysis (T0006, T0007, cfg sets) and builds ask the same
//! `Toolchain`; its answers are cached in memory per process and on disk per rustc binary
//! (see `rustc_cache`), so a warm `triplet check` runs no rustc at all.

use super::rustc_cache::{self, RustcAnswers};
use crate::analysis::cfg::CfgSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug)]
pub struct Toolchain {
    pub rustc: PathBuf,
    /// `rustc -vV` first line, e.g. "rustc 1.95.0 (59807616e 2026-04-14)".
    pub version: String,
    pub host: String,
    pub sysroot: Option<PathBuf>,
    known_targets: Vec<String>,
    cfg_cache: Mutex<HashMap<String, Option<CfgSet>>>,
    /// A rustc with rust-src for `-Zbuild-std`: looked for once per toolchain, and shared by
    /// analysis (T0006's hint) and the editor's build commands.
    build_std: OnceLock<Option<BuildStdToolchain>>,
}

/// A rustc whose sysroot carries the standard library's sources, so cargo can build
/// core/alloc/std for targets whose prebuilt std is not installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildStdToolchain {
    pub rustc: PathBuf,
    /// `<sysroot>/lib/rustlib/src/rust/library`.
    pub library: PathBuf,
    pub version: String,
}

#[derive(Debug)]
pub struct ToolchainError(pub String);

impl std::fmt::Display for ToolchainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolchainError {}

/// The toolchains this process has probed, by fingerprint: one `Toolchain` (and one
/// build-std answer) per rustc for the life of the process.
static PROBED: Mutex<Vec<(String, Arc<Toolchain>)>> = Mutex::new(Vec::new());

impl Toolchain {
    /// The toolchain cargo would use: `$RUSTC`, else `rustc` on PATH.
    pub fn detect() -> Result<Arc<Toolchain>, ToolchainError> {
        let rustc = std::env::var_os("RUSTC")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| find_on_path("rustc"))
            .ok_or_else(|| {
                ToolchainError("rustc not found on PATH (install Rust with rustup)".into())
            })?;
        Toolchain::for_rustc(&rustc)
    }

    /// The toolchain of this rustc: from this process's memory, else the disk cache, else
    /// rustc itself (`-vV`, then `--print sysroot --print target-list`).
    pub fn for_rustc(rustc: &Path) -> Result<Arc<Toolchain>, ToolchainError> {
        let rustc = resolve(rustc);
        let Some(fingerprint) = rustc_cache::fingerprint(&rustc) else {
            return Ok(Arc::new(Toolchain::new(rustc.clone(), probe(&rustc)?)));
        };
        if let Some(known) = PROBED.lock().ok().and_then(|probed| {
            probed
                .iter()
                .find(|(key, _)| *key == fingerprint)
                .map(|(_, toolchain)| Arc::clone(toolchain))
        }) {
            return Ok(known);
        }
        let answers = match rustc_cache::read_answers(&fingerprint) {
            Some(answers) => answers,
            None => {
                let answers = probe(&rustc)?;
                rustc_cache::write_answers(&fingerprint, &answers);
                answers
            }
        };
        let toolchain = Arc::new(Toolchain::new(rustc, answers));
        if let Ok(mut probed) = PROBED.lock() {
            // A rustc that changed replaces what it was.
            probed.retain(|(_, known)| known.rustc != toolchain.rustc);
            probed.push((fingerprint, Arc::clone(&toolchain)));
        }
        Ok(toolchain)
    }

    pub fn new(rustc: PathBuf, answers: RustcAnswers) -> Toolchain {
        Toolchain {
            rustc,
            version: answers.version,
            host: answers.host,
            sysroot: answers.sysroot,
            known_targets: answers.known_targets,
            cfg_cache: Mutex::new(HashMap::new()),
            build_std: OnceLock::new(),
        }
    }

    /// The rustc binary child processes that ask about the host (`cargo metadata`) should
    /// run: the toolchain's own when `rustc` is rustup's proxy (which costs a start-up of its
    /// own per run), else `rustc` itself (a wrapper the user chose stays in place).
    pub fn rustc_binary(&self) -> PathBuf {
        let proxy = rustc_cache::is_rustup_proxy(&self.rustc);
        let own = self.sysroot.as_ref().map(|sysroot| {
            sysroot
                .join("bin")
                .join(format!("rustc{}", std::env::consts::EXE_SUFFIX))
        });
        match own {
            Some(own) if proxy && own.is_file() => own,
            _ => self.rustc.clone(),
        }
    }

    pub fn known_targets(&self) -> &[String] {
        &self.known_targets
    }

    /// Whether rustc lists the triple; every triple counts when rustc could not list them.
    pub fn is_known(&self, triple: &str) -> bool {
        self.known_targets.is_empty() || self.known_targets.iter().any(|t| t == triple)
    }

    /// `is_known`, with a custom target specification (`*.json`) counted as known.
    pub fn knows_target(&self, triple: &str) -> bool {
        triple.ends_with(".json") || self.is_known(triple)
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
                    rustc_cache::write_atomically(file, text.as_bytes());
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
        Some(rustc_cache::cache_root()?.join(key))
    }

    /// Whether the target's `core` (and std, where it has one) is in the sysroot: one
    /// definition of "installed" for analysis (T0006) and builds alike.
    pub fn is_installed(&self, triple: &str) -> bool {
        self.sysroot
            .as_deref()
            .is_some_and(|sysroot| std_installed_in(sysroot, triple))
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

    /// The one rust-src Triplet reads std, core and alloc from, for every purpose (per-target
    /// std paths, `-Zbuild-std` checks and what T0006 offers): this toolchain's own, else
    /// the distribution's (`build_std`). `None` only when there is none at all.
    pub fn std_sources(&self) -> Option<&BuildStdToolchain> {
        self.build_std()
            .filter(|sources| sources.library.join("std/src").is_dir())
    }

    /// Where `-Zbuild-std` can get std's sources: this toolchain's rust-src, else the
    /// distribution's `/usr/bin/rustc` with `/usr/lib/rustlib/src/rust/library` (Debian's
    /// rustc-web + rust-web-src).
    pub fn build_std(&self) -> Option<&BuildStdToolchain> {
        self.build_std
            .get_or_init(|| self.own_build_std().or_else(system_build_std))
            .as_ref()
    }

    /// Whether a missing target's std can be built from source (`-Zbuild-std`).
    pub fn build_std_available(&self) -> bool {
        self.build_std().is_some()
    }

    fn own_build_std(&self) -> Option<BuildStdToolchain> {
        let library = self.sysroot.as_ref()?.join("lib/rustlib/src/rust/library");
        library.join("core").is_dir().then(|| BuildStdToolchain {
            rustc: self.rustc.clone(),
            library,
            version: self.version.clone(),
        })
    }
}

fn system_build_std() -> Option<BuildStdToolchain> {
    let system_rustc = Path::new("/usr/bin/rustc");
    if !system_rustc.is_file() {
        return None;
    }
    Toolchain::for_rustc(system_rustc).ok()?.own_build_std()
}

/// A rustc with rust-src for `-Zbuild-std`, for the toolchain cargo would use here.
pub fn build_std_available() -> Option<BuildStdToolchain> {
    match Toolchain::detect() {
        Ok(toolchain) => toolchain.build_std().cloned(),
        Err(_) => system_build_std(),
    }
}

/// Whether `triple`'s standard library is installed for the default toolchain.
pub fn std_installed(triple: &str) -> bool {
    Toolchain::detect().is_ok_and(|toolchain| toolchain.is_installed(triple))
}

/// Whether `<sysroot>/lib/rustlib/<triple>/lib` holds a prebuilt `libcore-*.rlib` or
/// `libstd-*.rlib` (every target has core; targets with std also have std beside it).
pub fn std_installed_in(sysroot: &Path, triple: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(sysroot.join("lib/rustlib").join(triple).join("lib"))
    else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        (name.starts_with("libcore-") || name.starts_with("libstd-")) && name.ends_with(".rlib")
    })
}

/// The first executable called `name` on PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(metadata) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        metadata.is_file()
    }
}

/// A bare program name is looked up on PATH, as running it would (the fingerprint needs
/// the file itself).
fn resolve(rustc: &Path) -> PathBuf {
    let bare = rustc.components().count() == 1;
    bare.then(|| rustc.to_str().and_then(find_on_path))
        .flatten()
        .unwrap_or_else(|| rustc.to_path_buf())
}

/// Asks rustc itself: two runs (`-vV` ignores every other flag).
fn probe(rustc: &Path) -> Result<RustcAnswers, ToolchainError> {
    let verbose = run(rustc, &["-vV"])?;
    let version = verbose
        .lines()
        .next()
        .unwrap_or("rustc (unknown version)")
        .trim()
        .to_string();
    let host = verbose
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .ok_or_else(|| ToolchainError("`rustc -vV` did not name the host target".into()))?
        .trim()
        .to_string();
    // Printed in the order asked: the sysroot's line, then one target per line.
    let printed = run(rustc, &["--print", "sysroot", "--print", "target-list"]).ok();
    let mut lines = printed
        .iter()
        .flat_map(|text| text.lines())
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let sysroot = lines.next().map(PathBuf::from);
    let known_targets = lines.map(String::from).collect();
    Ok(RustcAnswers {
        version,
        host,
        sysroot,
        known_targets,
    })
}

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
    if let Ok(here) = std::env::current_dir() {
        command.envs(super::rustup_guard::pinned_toolchain(&here));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_detection_reads_the_sysroot_layout() {
        let Ok(sysroot) = tempfile::tempdir() else {
            return;
        };
        let lib = sysroot.path().join("lib/rustlib/thumbv6m-none-eabi/lib");
        assert!(std::fs::create_dir_all(&lib).is_ok());
        assert!(!std_installed_in(sysroot.path(), "thumbv6m-none-eabi"));
        assert!(std::fs::write(lib.join("libcore-0123.rlib"), b"").is_ok());
        assert!(std_installed_in(sysroot.path(), "thumbv6m-none-eabi"));
        assert!(!std_installed_in(
            sysroot.path(),
            "x86_64-unknown-linux-gnu"
        ));
    }

    #[test]
    fn custom_target_specifications_count_as_known() {
        let toolchain = Toolchain::new(
            "rustc".into(),
            RustcAnswers {
                version: "rustc 0".into(),
                host: "x86_64-unknown-linux-gnu".into(),
                sysroot: None,
                known_targets: vec!["x86_64-unknown-linux-gnu".into()],
            },
        );
        assert!(toolchain.knows_target("my-board.json"));
        assert!(toolchain.knows_target("x86_64-unknown-linux-gnu"));
        assert!(!toolchain.knows_target("thumbv7em-none-eabihff"));
        assert!(!toolchain.is_installed("x86_64-unknown-linux-gnu"));
    }
}
