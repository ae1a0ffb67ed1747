//! rustup's proxies (`rustc`, `cargo` in `~/.cargo/bin`) run the toolchain that the nearest
//! `rust-toolchain[.toml]` above their working folder names. A channel there (`1.80`,
//! `nightly`) is the user's pin and is honoured. A `path` names a folder of executables,
//! which in a cloned repository is workspace code; where such a file applies, the processes
//! analysis starts run rustup's default toolchain instead (`RUSTUP_TOOLCHAIN` outranks the
//! file; `pinned_toolchain` gives the variable, the callers set it on what they spawn).

use std::path::Path;

/// `RUSTUP_TOOLCHAIN` for a process that runs in `dir`, when the toolchain file that
/// applies there names a toolchain by path (and the environment does not choose already).
pub fn pinned_toolchain(dir: &Path) -> Option<(&'static str, String)> {
    let chosen = std::env::var_os("RUSTUP_TOOLCHAIN").is_some_and(|value| !value.is_empty());
    if chosen || !toolchain_file_names_a_path(dir) {
        return None;
    }
    let toolchain = default_toolchain().unwrap_or_else(|| "stable".to_string());
    Some(("RUSTUP_TOOLCHAIN", toolchain))
}

/// Whether the toolchain file rustup would read for `dir` (the nearest one; `rust-toolchain`
/// before `rust-toolchain.toml` in one folder, as rustup does) has a `path`.
fn toolchain_file_names_a_path(dir: &Path) -> bool {
    let Some((_, text)) = super::rustc_cache::nearest_toolchain_file(dir) else {
        return false;
    };
    match text.parse::<toml::Table>() {
        Ok(table) => table
            .get("toolchain")
            .and_then(toml::Value::as_table)
            .is_some_and(|toolchain| toolchain.contains_key("path")),
        // The legacy one-line form names a channel or a linked toolchain, never a path.
        Err(_) => false,
    }
}

/// `default_toolchain` of rustup's settings.
fn default_toolchain() -> Option<String> {
    let home = super::rustc_cache::rustup_home()?;
    let settings = std::fs::read_to_string(home.join("settings.toml")).ok()?;
    let table = settings.parse::<toml::Table>().ok()?;
    Some(table.get("default_toolchain")?.as_str()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn only_a_toolchain_path_in_the_nearest_file_counts() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let outer = dir.path();
        let inner = outer.join("member");
        assert!(std::fs::create_dir_all(&inner).is_ok());
        let write = |path: PathBuf, text: &str| assert!(std::fs::write(path, text).is_ok());
        write(
            outer.join("rust-toolchain.toml"),
            "[toolchain]\npath = \"./evil\"\n",
        );
        assert!(toolchain_file_names_a_path(&inner));
        // A nearer file with a channel is the one rustup reads.
        write(
            inner.join("rust-toolchain.toml"),
            "[toolchain]\nchannel = \"1.80\"\n",
        );
        assert!(!toolchain_file_names_a_path(&inner));
        // The legacy file wins within a folder: a plain channel name.
        write(inner.join("rust-toolchain"), "nightly\n");
        write(
            inner.join("rust-toolchain.toml"),
            "[toolchain]\npath = \"./evil\"\n",
        );
        assert!(!toolchain_file_names_a_path(&inner));
    }
}
