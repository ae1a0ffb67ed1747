//! What a rustc answered, kept on disk so that a fresh `triplet check` asks it nothing.
//!
//! Answers are keyed by a fingerprint of everything that decides them without running
//! rustc: the binary (path, size, mtime) and, when that binary is rustup's proxy, what the
//! proxy would pick (`RUSTUP_TOOLCHAIN`, `settings.toml`, the nearest `rust-toolchain`
//! file, and each installed toolchain's own rustc). A `rustup update`, a new default or a
//! new toolchain file changes the fingerprint, and rustc is asked again.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// What `rustc -vV` and `rustc --print sysroot --print target-list` said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RustcAnswers {
    /// `rustc -vV` first line, e.g. "rustc 1.95.0 (59807616e 2026-04-14)".
    pub version: String,
    pub host: String,
    pub sysroot: Option<PathBuf>,
    /// Empty when rustc could not list its targets (every triple then counts as known).
    pub known_targets: Vec<String>,
}

/// `$XDG_CACHE_HOME/triplet`, else `~/.cache/triplet`.
pub fn cache_root() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("triplet"))
}

/// Everything that decides what `rustc` (an absolute path) answers, read without running
/// it; `None` when the binary cannot be inspected (then nothing is cached).
pub fn fingerprint(rustc: &Path) -> Option<String> {
    let mut key = String::new();
    let _ = writeln!(key, "rustc {}", file_stamp(rustc)?);
    if is_rustup_proxy(rustc) {
        rustup_choice(&mut key);
    }
    Some(key)
}

/// Whether `rustc` is rustup's proxy (a `rustup` binary beside it).
pub fn is_rustup_proxy(rustc: &Path) -> bool {
    rustc.parent().is_some_and(|bin| {
        bin.join(format!("rustup{}", std::env::consts::EXE_SUFFIX))
            .is_file()
    })
}

/// What rustup's proxy bases its choice of toolchain on, and the toolchains it can pick.
fn rustup_choice(key: &mut String) {
    let home = rustup_home();
    let toolchain_env = std::env::var("RUSTUP_TOOLCHAIN").unwrap_or_default();
    let _ = writeln!(key, "RUSTUP_TOOLCHAIN {toolchain_env}");
    let Some(home) = home else {
        return;
    };
    let _ = writeln!(key, "RUSTUP_HOME {}", home.display());
    let settings = std::fs::read_to_string(home.join("settings.toml")).unwrap_or_default();
    let _ = writeln!(key, "settings {:016x}", stable_hash(settings.as_bytes()));
    if let Ok(cwd) = std::env::current_dir() {
        // Directory overrides in settings.toml apply to the directory rustc runs in and
        // everything below it; so does the nearest toolchain file.
        if let Some(dir) = applying_override(&settings, &cwd) {
            let _ = writeln!(key, "override {dir}");
        }
        if let Some((file, text)) = nearest_toolchain_file(&cwd) {
            let _ = writeln!(
                key,
                "toolchain-file {} {:016x}",
                file.display(),
                stable_hash(text.as_bytes())
            );
        }
    }
    let Ok(entries) = std::fs::read_dir(home.join("toolchains")) else {
        return;
    };
    let mut toolchains: Vec<String> = entries
        .flatten()
        .map(|entry| {
            let rustc = entry.path().join("bin").join("rustc");
            let stamp = file_stamp(&rustc).unwrap_or_else(|| "-".into());
            format!("toolchain {} {stamp}", entry.file_name().to_string_lossy())
        })
        .collect();
    toolchains.sort();
    for line in toolchains {
        let _ = writeln!(key, "{line}");
    }
}

/// `$RUSTUP_HOME`, else `~/.rustup`.
pub(crate) fn rustup_home() -> Option<PathBuf> {
    std::env::var_os("RUSTUP_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".rustup")))
}

/// The longest `[overrides]` directory of rustup's settings that holds `cwd`.
fn applying_override(settings: &str, cwd: &Path) -> Option<String> {
    let table = settings.parse::<toml::Table>().ok()?;
    let overrides = table.get("overrides")?.as_table()?;
    overrides
        .iter()
        .filter(|(dir, _)| cwd.starts_with(dir.as_str()))
        .max_by_key(|(dir, _)| dir.len())
        .map(|(dir, toolchain)| format!("{dir} {toolchain}"))
}

/// `rust-toolchain.toml` or `rust-toolchain` in `dir` or its nearest ancestor with one.
pub(crate) fn nearest_toolchain_file(dir: &Path) -> Option<(PathBuf, String)> {
    dir.ancestors().find_map(|dir| {
        ["rust-toolchain", "rust-toolchain.toml"]
            .iter()
            .map(|name| dir.join(name))
            .find_map(|file| Some((file.clone(), std::fs::read_to_string(&file).ok()?)))
    })
}

/// Canonical path, size and modification time: a replaced binary reads differently.
pub(crate) fn file_stamp(path: &Path) -> Option<String> {
    let canonical = std::fs::canonicalize(path).ok()?;
    let metadata = std::fs::metadata(&canonical).ok()?;
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    Some(format!(
        "{} {} {modified}",
        canonical.display(),
        metadata.len()
    ))
}

/// FNV-1a: file names must not change between Rust releases (std's hasher may).
pub(crate) fn stable_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn answers_file(fingerprint: &str) -> Option<PathBuf> {
    let name = format!("rustc-{:016x}.json", stable_hash(fingerprint.as_bytes()));
    Some(cache_root()?.join("toolchains").join(name))
}

/// The answers recorded for exactly this fingerprint.
pub fn read_answers(fingerprint: &str) -> Option<RustcAnswers> {
    super::keyed_file::read(&answers_file(fingerprint)?, fingerprint)
}

/// Records the answers.
pub fn write_answers(fingerprint: &str, answers: &RustcAnswers) {
    if let Some(path) = answers_file(fingerprint) {
        super::keyed_file::write(&path, fingerprint, answers);
    }
}

/// Writes a sibling temporary file and renames it over `path`: a concurrent reader sees
/// the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.{nanos}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    if std::fs::write(&temporary, bytes).is_err() || std::fs::rename(&temporary, path).is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply_to_the_directory_and_below() {
        let settings = "[overrides]\n\"/w\" = \"nightly\"\n\"/w/deep\" = \"1.80\"\n";
        assert_eq!(
            applying_override(settings, Path::new("/w/deep/x")),
            Some("/w/deep \"1.80\"".to_string())
        );
        assert_eq!(
            applying_override(settings, Path::new("/w/x")),
            Some("/w \"nightly\"".to_string())
        );
        assert_eq!(applying_override(settings, Path::new("/other")), None);
    }

    #[test]
    fn a_replaced_binary_changes_the_fingerprint() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let rustc = dir.path().join("rustc");
        assert!(std::fs::write(&rustc, b"one").is_ok());
        let before = fingerprint(&rustc);
        assert!(before.is_some());
        assert_eq!(fingerprint(&rustc), before);
        assert!(std::fs::write(&rustc, b"other").is_ok());
        assert_ne!(fingerprint(&rustc), before);
        assert_eq!(fingerprint(&dir.path().join("missing")), None);
    }

    #[test]
    fn the_stable_hash_is_fnv1a() {
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
