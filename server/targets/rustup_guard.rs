//! rustup's proxies (`rustc`, `cargo` in `~/.cargo/bin`) run the toolchain that the nearest
//! `rust-toolchain[.toml]` above their working folder names. A channel there (`1.80`,
//! `nightly`) is the user's pin and is honoured. A `path` names a folder of executables,
//! which in a cloned repository is workspace code; where such a file applies, the processes
//! analysis starts run rustup's default toolchain instead (`RUSTUP_TOOLCHAIN` outranks the
//! file; the functions here give the variable, the callers set it on what they spawn).

use std::path::Path;

/// What the toolchain file that applies in a folder asks rustup for.
#[derive(Debug, PartialEq, Eq)]
enum FileChoice {
    /// No file, or one that names no toolchain (only components or targets).
    Nothing,
    /// A channel or toolchain name: the user's pin.
    Channel(String),
    /// A folder of executables (or a name that reads as one): never followed.
    Path,
}

/// `RUSTUP_TOOLCHAIN` for a process that runs in `dir`, when the toolchain file that
/// applies there names a toolchain by path (and the environment does not choose already).
pub fn pinned_toolchain(dir: &Path) -> Option<(&'static str, String)> {
    if environment_chooses() || file_choice(dir) != FileChoice::Path {
        return None;
    }
    Some(("RUSTUP_TOOLCHAIN", default_toolchain()))
}

/// `RUSTUP_TOOLCHAIN` for a process that runs outside `dir` (where no toolchain file of the
/// workspace applies) but must use the toolchain the workspace pins: its channel, or
/// rustup's default where the file names a path.
pub fn toolchain_of(dir: &Path) -> Option<(&'static str, String)> {
    if environment_chooses() {
        return None;
    }
    match file_choice(dir) {
        FileChoice::Nothing => None,
        FileChoice::Channel(channel) => Some(("RUSTUP_TOOLCHAIN", channel)),
        FileChoice::Path => Some(("RUSTUP_TOOLCHAIN", default_toolchain())),
    }
}

fn environment_chooses() -> bool {
    std::env::var_os("RUSTUP_TOOLCHAIN").is_some_and(|value| !value.is_empty())
}

/// What the toolchain file rustup would read for `dir` names (the nearest one;
/// `rust-toolchain` before `rust-toolchain.toml` in one folder, as rustup does).
fn file_choice(dir: &Path) -> FileChoice {
    let Some((_, text)) = super::rustc_cache::nearest_toolchain_file(dir) else {
        return FileChoice::Nothing;
    };
    let channel = match text.parse::<toml::Table>() {
        Ok(table) => {
            let Some(toolchain) = table.get("toolchain").and_then(toml::Value::as_table) else {
                return FileChoice::Nothing;
            };
            if toolchain.contains_key("path") {
                return FileChoice::Path;
            }
            match toolchain.get("channel").and_then(toml::Value::as_str) {
                Some(channel) => channel.trim().to_string(),
                None => return FileChoice::Nothing,
            }
        }
        // The legacy one-line form: a toolchain name.
        Err(_) => text.trim().to_string(),
    };
    // rustup takes a name with a path separator for a folder: treated as a path.
    if channel.is_empty() {
        FileChoice::Nothing
    } else if channel.contains(['/', '\\']) || channel.starts_with('.') {
        FileChoice::Path
    } else {
        FileChoice::Channel(channel)
    }
}

/// `default_toolchain` of rustup's settings, else `stable`.
fn default_toolchain() -> String {
    let from_settings = || -> Option<String> {
        let home = super::rustc_cache::rustup_home()?;
        let settings = std::fs::read_to_string(home.join("settings.toml")).ok()?;
        let table = settings.parse::<toml::Table>().ok()?;
        Some(table.get("default_toolchain")?.as_str()?.to_string())
    };
    from_settings().unwrap_or_else(|| "stable".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_nearest_file_decides_and_a_path_is_never_followed() {
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
        assert_eq!(file_choice(&inner), FileChoice::Path);
        // A nearer file with a channel is the one rustup reads.
        write(
            inner.join("rust-toolchain.toml"),
            "[toolchain]\nchannel = \"1.80\"\n",
        );
        assert_eq!(file_choice(&inner), FileChoice::Channel("1.80".into()));
        // The legacy file wins within a folder: a plain channel name.
        write(inner.join("rust-toolchain"), "nightly\n");
        write(
            inner.join("rust-toolchain.toml"),
            "[toolchain]\npath = \"./evil\"\n",
        );
        assert_eq!(file_choice(&inner), FileChoice::Channel("nightly".into()));
        // A legacy name that reads as a folder is one.
        write(inner.join("rust-toolchain"), "./evil-toolchain\n");
        assert_eq!(file_choice(&inner), FileChoice::Path);
        // Components only: no choice.
        assert!(std::fs::remove_file(inner.join("rust-toolchain")).is_ok());
        write(
            inner.join("rust-toolchain.toml"),
            "[toolchain]\ncomponents = [\"rust-src\"]\n",
        );
        assert_eq!(file_choice(&inner), FileChoice::Nothing);
    }
}
