//! Facts about the installed toolchain: host triple, sysroot, which targets' standard
//! library is installed, and a rustc with rust-src for `-Zbuild-std`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The rustc cargo will use (`$RUSTC` or `rustc` on PATH) and what it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    pub rustc: PathBuf,
    pub sysroot: PathBuf,
    pub host: String,
    /// `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub version: String,
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

impl Toolchain {
    /// The toolchain cargo would use here. Fails in plain words when rustc cannot run.
    pub fn detect() -> Result<Toolchain, String> {
        let rustc = std::env::var_os("RUSTC")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .or_else(|| find_on_path("rustc"))
            .ok_or_else(|| "rustc not found on PATH (install Rust with rustup)".to_string())?;
        Toolchain::for_rustc(&rustc)
    }

    pub fn for_rustc(rustc: &Path) -> Result<Toolchain, String> {
        let verbose = run_text(rustc, &["-vV"])?;
        let host = verbose
            .lines()
            .find_map(|line| line.strip_prefix("host: "))
            .map(|host| host.trim().to_string())
            .ok_or_else(|| format!("`{} -vV` printed no host line", rustc.display()))?;
        let version = verbose
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let sysroot = PathBuf::from(run_text(rustc, &["--print", "sysroot"])?.trim());
        Ok(Toolchain {
            rustc: rustc.to_path_buf(),
            sysroot,
            host,
            version,
        })
    }

    /// Whether `<sysroot>/lib/rustlib/<triple>/lib` holds a prebuilt `libcore-*.rlib`
    /// (every target has core; targets with std also have `libstd-*.rlib` beside it).
    pub fn std_installed(&self, triple: &str) -> bool {
        std_installed_in(&self.sysroot, triple)
    }

    /// Whether rustc knows `triple` (`rustc --print target-list`); a custom target
    /// specification (`*.json`) counts as known. Unknown when rustc cannot be asked.
    pub fn knows_target(&self, triple: &str) -> bool {
        if triple.ends_with(".json") {
            return true;
        }
        match run_text(&self.rustc, &["--print", "target-list"]) {
            Ok(list) => list.lines().any(|known| known.trim() == triple),
            Err(_) => true,
        }
    }

    /// The rust-src of this toolchain, if present.
    fn library_sources(&self) -> Option<PathBuf> {
        let library = self.sysroot.join("lib/rustlib/src/rust/library");
        library.join("core").is_dir().then_some(library)
    }
}

/// Whether `triple`'s standard library is installed for the default toolchain.
pub fn std_installed(triple: &str) -> bool {
    Toolchain::detect().is_ok_and(|toolchain| toolchain.std_installed(triple))
}

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

/// Where `-Zbuild-std` can get std's sources: the default toolchain's rust-src, else the
/// distribution's `/usr/bin/rustc` with `/usr/lib/rustlib/src/rust/library` (Debian's
/// rustc-web + rust-web-src).
pub fn build_std_available() -> Option<BuildStdToolchain> {
    let mut candidates = Vec::new();
    if let Ok(default) = Toolchain::detect() {
        candidates.push(default);
    }
    let system_rustc = Path::new("/usr/bin/rustc");
    if system_rustc.is_file() {
        if let Ok(system) = Toolchain::for_rustc(system_rustc) {
            candidates.push(system);
        }
    }
    candidates.into_iter().find_map(|toolchain| {
        let library = toolchain.library_sources()?;
        Some(BuildStdToolchain {
            rustc: toolchain.rustc,
            library,
            version: toolchain.version,
        })
    })
}

/// No-std targets (`thumbv7em-none-eabihf`, `wasm32v1-none`, `riscv32imac-unknown-none-elf`)
/// build `core,alloc`; the others need `std,panic_abort`.
pub fn target_has_std(triple: &str) -> bool {
    crate::targets::facts::has_std(triple, "")
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

fn run_text(program: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run `{}`: {error}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "`{} {}` failed: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_std_targets() {
        assert!(!target_has_std("thumbv7em-none-eabihf"));
        assert!(!target_has_std("wasm32v1-none"));
        assert!(!target_has_std("riscv32imac-unknown-none-elf"));
        assert!(target_has_std("wasm32-unknown-unknown"));
        assert!(target_has_std("x86_64-unknown-linux-gnu"));
    }

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
}
