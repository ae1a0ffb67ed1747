//! Analysis runs no workspace code, whatever the workspace's `.cargo/config.toml` says: each
//! knob a config has over the processes analysis starts (`cargo metadata` and the rustc it
//! asks about the host) is tried with a marker library or program, through `triplet check`
//! and through `triplet lsp` (initialize, didOpen), each with an empty Triplet cache. The
//! marker must never run, and the workspace must still load. Knobs tested elsewhere:
//! tests/reliability_workspace.rs (`build.rustc`, wrappers, credential providers,
//! `rust-toolchain.toml` paths, build scripts).

use crate::support;

use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::lsp_client::{capabilities, file_uri, LspClient};

const LIB: &str = "#![no_std]\nuse std::vec::Vec;\n";

/// A shared library that appends a line to `marker` when loaded, and a program that does the
/// same when run.
struct Markers {
    _dir: tempfile::TempDir,
    library: PathBuf,
    program: PathBuf,
    marker: PathBuf,
}

impl Markers {
    fn build() -> Markers {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("RAN");
        let source = dir.path().join("marker.c");
        fs::write(
            &source,
            format!(
                "#include <stdio.h>\n__attribute__((constructor)) static void ran(void) {{\n  \
                 FILE *f = fopen({:?}, \"a\");\n  if (f) {{ fputs(\"loaded\\n\", f); fclose(f); }}\n}}\n",
                marker.display().to_string()
            ),
        )
        .unwrap();
        let library = dir.path().join("marker.so");
        let compiled = Command::new("cc")
            .args(["-shared", "-fPIC", "-o"])
            .arg(&library)
            .arg(&source)
            .status()
            .expect("a C compiler (cc) builds the marker library");
        assert!(compiled.success(), "cc could not build the marker library");
        let program = dir.path().join("marker-program");
        fs::write(
            &program,
            format!(
                "#!/bin/sh\necho ran >> {:?}\nexit 1\n",
                marker.display().to_string()
            ),
        )
        .unwrap();
        fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).unwrap();
        Markers {
            _dir: dir,
            library,
            program,
            marker,
        }
    }

    fn ran(&self) -> bool {
        self.marker.exists()
    }

    fn reset(&self) {
        let _ = fs::remove_file(&self.marker);
    }
}

fn host() -> String {
    let output = Command::new("rustc").arg("-vV").output().unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .unwrap()
        .trim()
        .to_string()
}

/// One way a config could get code run: its files (path relative to a folder holding the
/// workspace in `ws/`, text with `{lib}`, `{program}` and `{host}` to fill in) and the
/// environment the user runs Triplet with.
struct Knob {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    env: &'static [(&'static str, &'static str)],
}

const CODEGEN_BACKEND: &str = "rustflags = [\"-Zcodegen-backend={lib}\"]";

fn knobs() -> Vec<Knob> {
    vec![
        Knob {
            name: "[env] LD_PRELOAD, relative to the config",
            files: &[(
                "ws/.cargo/config.toml",
                "[env]\nLD_PRELOAD = { value = \"marker.so\", relative = true }\n",
            )],
            env: &[],
        },
        Knob {
            name: "[env] LD_PRELOAD, forced over the user's environment",
            files: &[(
                "ws/.cargo/config.toml",
                "[env]\nLD_PRELOAD = { value = \"{lib}\", force = true }\n",
            )],
            env: &[("LD_PRELOAD", "")],
        },
        Knob {
            name: "[env] in an included file",
            files: &[
                ("ws/.cargo/config.toml", "include = [\"env.toml\"]\n"),
                ("ws/.cargo/env.toml", "[env]\nLD_PRELOAD = \"{lib}\"\n"),
            ],
            env: &[],
        },
        Knob {
            name: "[env] in a config above the workspace",
            files: &[(".cargo/config.toml", "[env]\nLD_PRELOAD = \"{lib}\"\n")],
            env: &[],
        },
        Knob {
            name: "[env] in the legacy `config` file",
            files: &[("ws/.cargo/config", "[env]\nLD_PRELOAD = \"{lib}\"\n")],
            env: &[],
        },
        Knob {
            name: "build.rustflags with RUSTC_BOOTSTRAP from [env]",
            files: &[(
                "ws/.cargo/config.toml",
                "[build]\n{codegen}\n[env]\nRUSTC_BOOTSTRAP = \"1\"\n",
            )],
            env: &[],
        },
        Knob {
            name: "target.<host>.rustflags",
            files: &[(
                "ws/.cargo/config.toml",
                "[target.{host}]\n{codegen}\n[env]\nRUSTC_BOOTSTRAP = \"1\"\n",
            )],
            env: &[],
        },
        Knob {
            name: "target.<cfg>.rustflags",
            files: &[(
                "ws/.cargo/config.toml",
                "[target.'cfg(all())']\n{codegen}\n[env]\nRUSTC_BOOTSTRAP = \"1\"\n",
            )],
            env: &[],
        },
        Knob {
            name: "host.rustflags under [unstable] host-config, for a user whose cargo takes it",
            files: &[(
                "ws/.cargo/config.toml",
                "[unstable]\nhost-config = true\ntarget-applies-to-host = false\n\
                 [host]\n{codegen}\n[env]\nRUSTC_BOOTSTRAP = \"1\"\n",
            )],
            env: &[("RUSTC_BOOTSTRAP", "1")],
        },
        Knob {
            name: "build.rustc-workspace-wrapper",
            files: &[(
                "ws/.cargo/config.toml",
                "[build]\nrustc-workspace-wrapper = \"{program}\"\n",
            )],
            env: &[],
        },
        Knob {
            name: "target.<host>.linker and runner",
            files: &[(
                "ws/.cargo/config.toml",
                "[target.{host}]\nlinker = \"{program}\"\nrunner = \"{program}\"\n",
            )],
            env: &[],
        },
        Knob {
            name: "[alias] shadowing metadata",
            files: &[(
                "ws/.cargo/config.toml",
                "[alias]\nmetadata = [\"--config\", \"build.rustc='{program}'\", \"metadata\"]\n",
            )],
            env: &[],
        },
    ]
}

/// A folder holding the workspace `ws/` (a no_std crate using `std`: one T0001 error) and
/// the knob's files.
fn workspace_with(knob: &Knob, markers: &Markers, host: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"knob\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    fs::write(root.join("src/lib.rs"), LIB).unwrap();
    fs::copy(&markers.library, root.join(".cargo-marker.so")).unwrap();
    for (path, text) in knob.files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = text
            .replace("{codegen}", CODEGEN_BACKEND)
            .replace("{lib}", &markers.library.display().to_string())
            .replace("{program}", &markers.program.display().to_string())
            .replace("{host}", host);
        fs::write(&path, text).unwrap();
        // A relative `marker.so` is the config root's: put one there.
        let config_root = path.parent().unwrap().parent().unwrap();
        fs::copy(&markers.library, config_root.join("marker.so")).unwrap();
    }
    (dir, root)
}

/// `triplet check` with an empty cache: the marker must not run, and T0001 is still found.
fn check(knob: &Knob, root: &Path, markers: &Markers) -> Option<String> {
    let cache = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .env("XDG_CACHE_HOME", cache.path())
        .envs(knob.env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if markers.ran() {
        return Some(format!("`triplet check` ran workspace code: {stderr}"));
    }
    // The workspace still loads, and its T0001 error is found.
    (output.status.code() != Some(1)).then(|| {
        format!(
            "`triplet check` exited {:?}: {stderr}",
            output.status.code()
        )
    })
}

/// `triplet lsp` started in the workspace with an empty cache, initialize and didOpen: the
/// marker must not run, and the T0001 error is published.
fn serve(knob: &Knob, root: &Path, markers: &Markers) -> Option<String> {
    let cache = tempfile::tempdir().unwrap();
    let mut env: Vec<(&str, &std::ffi::OsStr)> = vec![("XDG_CACHE_HOME", cache.path().as_os_str())];
    env.extend(knob.env.iter().map(|(k, v)| (*k, std::ffi::OsStr::new(*v))));
    let mut client = LspClient::spawn_in(root, &env);
    client.initialize(&[root], capabilities(true, false), Value::Null);
    let lib = root.join("src/lib.rs");
    client.open(&lib, 1);
    let uri = file_uri(&lib);
    // The lib's T0001, or a load error: whichever comes first.
    let published = client.wait_for_notification("textDocument/publishDiagnostics", |params| {
        let diagnostics = params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let load_error = diagnostics.iter().any(|d| d["code"] == "load-error");
        load_error || (params["uri"] == uri.as_str() && !diagnostics.is_empty())
    });
    let stderr = client.stderr();
    client.shutdown_and_exit();
    if markers.ran() {
        return Some(format!("`triplet lsp` ran workspace code: {stderr}"));
    }
    let t0001 = published["uri"] == uri && published["diagnostics"][0]["code"] == "T0001";
    (!t0001).then(|| format!("`triplet lsp` published {published}"))
}

#[test]
fn no_cargo_config_knob_runs_workspace_code_during_analysis() {
    let markers = Markers::build();
    let host = host();
    let mut failures = Vec::new();
    for knob in knobs() {
        let (_dir, root) = workspace_with(&knob, &markers, &host);
        markers.reset();
        failures.extend(check(&knob, &root, &markers).map(|why| format!("{}: {why}", knob.name)));
        markers.reset();
        failures.extend(serve(&knob, &root, &markers).map(|why| format!("{}: {why}", knob.name)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The keys that decide how the graph resolves still reach cargo: a `[patch]` to a path
/// relative to the config (and `net.offline`) gives the dependency whose `#[cfg(unix)]`
/// item the member uses, so T0008 finds its use on wasm32 from the patched sources.
#[test]
fn the_configs_resolution_keys_still_apply() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"patched\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntriplet-patch-probe = \"1\"\n\n\
         [package.metadata.triplet]\ntargets = [\"x86_64-unknown-linux-gnu\", \"wasm32-unknown-unknown\"]\n",
    );
    write(
        "src/lib.rs",
        "pub fn f() -> u32 { triplet_patch_probe::only_on_unix() }\n",
    );
    write(
        "local/probe/Cargo.toml",
        "[package]\nname = \"triplet-patch-probe\"\nversion = \"1.0.0\"\nedition = \"2021\"\n",
    );
    write(
        "local/probe/src/lib.rs",
        "#[cfg(unix)]\npub fn only_on_unix() -> u32 { 1 }\n",
    );
    write(
        ".cargo/config.toml",
        "[patch.crates-io]\ntriplet-patch-probe = { path = \"local/probe\" }\n[net]\noffline = true\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let t0008: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["code"] == "T0008" && finding["severity"] == "error")
        .collect();
    assert_eq!(t0008.len(), 1, "{stdout}");
    assert!(
        t0008[0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("only_on_unix")),
        "{stdout}"
    );
}
