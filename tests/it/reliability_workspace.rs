//! Workspace faults and safety, through the real `triplet` binary: a missing or hanging
//! cargo, files that cannot be read the usual way, symlink loops, and workspaces that try
//! to make analysis run their code. Broken manifests: tests/it/cli_contract.rs
//! (`a_broken_manifest_is_a_clear_error_with_exit_status_2`) and tests/it/lsp_diagnostics.rs
//! (`broken_manifest_is_a_diagnostic_and_the_last_model_keeps_serving`).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const MANIFEST: &str =
    "[package]\nname = \"faulty\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n";

/// A one-crate `#![no_std]` workspace whose lib.rs is `lib`.
fn workspace(lib: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("src")).unwrap();
    fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap();
    fs::write(dir.path().join("src/lib.rs"), lib).unwrap();
    dir
}

fn script(path: &Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn check(dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_triplet"));
    command
        .args(["check", ".", "--format", "json"])
        .current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn alive(pid: &str) -> bool {
    fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().to_string())
        })
        .is_some_and(|state| !state.starts_with('Z'))
}

#[test]
fn missing_cargo_and_rustc_on_path_is_a_clear_error() {
    let dir = workspace("#![no_std]\nuse std::vec::Vec;\n");
    let empty_bin = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", "."])
        .current_dir(dir.path())
        .env("PATH", empty_bin.path())
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .output()
        .unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("rustc") || text.contains("cargo"), "{text}");
    assert!(!text.contains("panicked"), "{text}");
}

#[test]
fn failing_cargo_metadata_is_reported_with_cargos_message() {
    let dir = workspace("#![no_std]\n");
    let fake = dir.path().join("fake-cargo");
    script(&fake, "echo 'error: the registry is on fire' >&2\nexit 101");
    let output = check(dir.path(), &[("CARGO", fake.to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the registry is on fire"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn hanging_cargo_metadata_times_out_and_leaves_no_process_behind() {
    let dir = workspace("#![no_std]\n");
    let fake = dir.path().join("fake-cargo");
    let pids = dir.path().join("pids");
    // A child that keeps running (and holds the output pipes) after cargo is killed,
    // like a stuck registry fetch.
    script(
        &fake,
        &format!("sleep 600 &\necho $$ $! > {}\nwait", pids.display()),
    );
    let output = check(
        dir.path(),
        &[
            ("CARGO", fake.to_str().unwrap()),
            ("TRIPLET_METADATA_TIMEOUT_SECS", "1"),
        ],
    );
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("did not finish within 1 s"), "{text}");
    let pids = fs::read_to_string(pids).unwrap();
    for pid in pids.split_whitespace() {
        assert!(!alive(pid), "process {pid} outlived the timeout");
    }
}

#[test]
fn analysis_never_runs_workspace_code() {
    let dir = workspace("#![no_std]\nuse std::vec::Vec;\n");
    let root = dir.path();
    let marker = |name: &str| root.join(name);
    fs::write(
        root.join("build.rs"),
        format!(
            "fn main() {{ std::fs::write({:?}, \"ran\").unwrap(); }}\n",
            marker("BUILD_SCRIPT_RAN")
        ),
    )
    .unwrap();
    // Executables a workspace could name in its own files.
    script(
        &root.join("evil-wrapper"),
        &format!("touch {}\nexec \"$@\"", marker("WRAPPER_RAN").display()),
    );
    script(
        &root.join("evil-rustc"),
        &format!("touch {}\nexec rustc \"$@\"", marker("RUSTC_RAN").display()),
    );
    script(
        &root.join("evil-cargo"),
        &format!("touch {}\nexec cargo \"$@\"", marker("CARGO_RAN").display()),
    );
    fs::create_dir_all(root.join(".cargo")).unwrap();
    fs::write(
        root.join(".cargo/config.toml"),
        format!(
            "[build]\nrustc-wrapper = {:?}\nrustc-workspace-wrapper = {:?}\nrustc = {:?}\n\n[env]\nCARGO = {:?}\nRUSTC = {:?}\n",
            root.join("evil-wrapper"),
            root.join("evil-wrapper"),
            root.join("evil-rustc"),
            root.join("evil-cargo"),
            root.join("evil-rustc"),
        ),
    )
    .unwrap();
    fs::write(
        root.join("Cargo.toml"),
        format!(
            "{MANIFEST}\n[package.metadata.triplet]\ntargets = [\"thumbv7em-none-eabihf\"]\ncargo = {:?}\nrustc = {:?}\n",
            root.join("evil-cargo"),
            root.join("evil-rustc")
        ),
    )
    .unwrap();

    for args in [&["check", "."][..], &["targets", "."][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            output.status.code().is_some(),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    for name in ["BUILD_SCRIPT_RAN", "WRAPPER_RAN", "RUSTC_RAN", "CARGO_RAN"] {
        assert!(
            !marker(name).exists(),
            "analysis ran workspace code: {name}"
        );
    }
}

/// A wrapper named where a text search would not see it runs as surely as one named
/// plainly: in a file the config includes (`include`, stable in cargo), or under a key
/// spelled with a TOML escape.
#[test]
fn a_wrapper_named_indirectly_never_runs_either() {
    let configs = [
        (
            "include = [\"more.toml\"]\n",
            "[build]\nrustc-wrapper = {wrapper:?}\n",
        ),
        ("[build]\n\"rustc-\\u0077rapper\" = {wrapper:?}\n", ""),
    ];
    for (config, more) in configs {
        let dir = workspace("pub fn f() {}\n");
        let root = dir.path();
        let ran = root.join("WRAPPER_RAN");
        let wrapper = root.join("evil-wrapper");
        script(&wrapper, &format!("touch {}\nexec \"$@\"", ran.display()));
        let fill = |text: &str| text.replace("{wrapper:?}", &format!("{wrapper:?}"));
        fs::create_dir_all(root.join(".cargo")).unwrap();
        fs::write(root.join(".cargo/config.toml"), fill(config)).unwrap();
        fs::write(root.join(".cargo/more.toml"), fill(more)).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
            .args(["check", "."])
            .current_dir(root)
            .output()
            .unwrap();
        assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(!ran.exists(), "analysis ran the wrapper of: {config}");
    }
}

/// A sparse registry on localhost that requires authentication: its `config.json` (the
/// first thing cargo fetches) says so, which makes cargo ask a credential provider.
fn registry_requiring_auth() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = format!("{{\"dl\":\"{url}/dl\",\"api\":\"{url}\",\"auth-required\":true}}");
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{config}",
                config.len()
            );
        }
    });
    format!("sparse+{url}/")
}

/// A registry's credential provider is an executable a config names too: cargo runs it
/// for `cargo metadata` when the registry requires a token. Named for the registry, or
/// for every registry in a file the config includes, it never runs from analysis.
#[test]
fn a_registrys_credential_provider_never_runs() {
    let index = registry_requiring_auth();
    let configs = [
        (
            format!(
                "[registries.corp]\nindex = {index:?}\ncredential-provider = [{{provider:?}}]\n"
            ),
            String::new(),
        ),
        (
            format!("include = [\"more.toml\"]\n[registries.corp]\nindex = {index:?}\n"),
            "[registry]\nglobal-credential-providers = [{provider:?}]\n".to_string(),
        ),
    ];
    for (config, more) in configs {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src")).unwrap();
        fs::write(root.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        fs::write(
            root.join("Cargo.toml"),
            format!("{MANIFEST}corp-dep = {{ version = \"1\", registry = \"corp\" }}\n"),
        )
        .unwrap();
        let ran = root.join("PROVIDER_RAN");
        let provider = root.join("evil-provider");
        script(
            &provider,
            &format!("touch {}\necho '{{\"v\":[1]}}'", ran.display()),
        );
        let fill = |text: &str| {
            text.replace(
                "{provider:?}",
                &format!("{:?}", provider.display().to_string()),
            )
        };
        fs::create_dir_all(root.join(".cargo")).unwrap();
        fs::write(root.join(".cargo/config.toml"), fill(&config)).unwrap();
        fs::write(root.join(".cargo/more.toml"), fill(&more)).unwrap();
        let output = check(root, &[]);
        assert!(
            !ran.exists(),
            "analysis ran the credential provider of: {config}"
        );
        // The registry wants a token Triplet does not have: a load error, said clearly.
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains("corp"), "{}", stderr(&output));
    }
}

/// A `rust-toolchain.toml` whose `path` names a folder of the workspace would make rustup's
/// proxies run that folder's `cargo` and `rustc`: analysis runs rustup's default toolchain
/// there instead. (Meaningful where `cargo` and `rustc` on PATH are rustup's proxies, as on
/// CI; elsewhere no proxy reads the file.)
#[test]
fn a_toolchain_path_in_the_workspace_never_runs() {
    let dir = workspace("#![no_std]\nuse std::vec::Vec;\n");
    let root = dir.path();
    let bin = root.join("evil-toolchain/bin");
    fs::create_dir_all(&bin).unwrap();
    for tool in ["cargo", "rustc"] {
        let ran = root.join(format!("{tool}_RAN"));
        script(&bin.join(tool), &format!("touch {}\nexit 1", ran.display()));
    }
    fs::write(
        root.join("rust-toolchain.toml"),
        format!(
            "[toolchain]\npath = {:?}\n",
            root.join("evil-toolchain").display().to_string()
        ),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    // Run in the workspace (as an editor starts the server), with no cached rustc answers,
    // and without the RUSTUP_TOOLCHAIN that `cargo test` inherits from rustup's proxy (an
    // editor's environment has none, and it outranks the file).
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .env("XDG_CACHE_HOME", cache.path())
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .unwrap();
    for tool in ["cargo", "rustc"] {
        assert!(
            !root.join(format!("{tool}_RAN")).exists(),
            "analysis ran the workspace's {tool}: {}",
            stderr(&output)
        );
    }
    assert_eq!(
        output.status.code(),
        Some(1),
        "T0001 found: {}",
        stderr(&output)
    );
}

#[test]
fn files_that_cannot_be_read_normally_are_skipped() {
    let dir = workspace(
        "#![no_std]\nmod pipe;\nmod endless;\nmod folder;\nmod latin1;\npub use std::vec::Vec;\n",
    );
    let src = dir.path().join("src");
    // A FIFO blocks whoever opens it; /dev/zero never ends; a directory is not a file.
    let status = Command::new("mkfifo")
        .arg(src.join("pipe.rs"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", src.join("endless.rs")).unwrap();
    fs::create_dir_all(src.join("folder.rs")).unwrap();
    // Not UTF-8: analysed with replacement characters.
    fs::write(
        src.join("latin1.rs"),
        b"// caf\xe9\npub use std::string::String;\n",
    )
    .unwrap();
    let output = check(dir.path(), &[]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(files.contains(&"src/lib.rs"), "{json:#}");
    assert!(files.contains(&"src/latin1.rs"), "{json:#}");
    assert!(
        stderr(&output).contains("not a regular file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn symlink_loops_in_the_module_tree_end() {
    let dir = workspace("#![no_std]\nmod a;\npub use std::vec::Vec;\n");
    let src = dir.path().join("src");
    // src/a -> src: `mod a;` finds src/a/mod.rs = src/mod.rs, which declares `mod a;`…
    std::os::unix::fs::symlink(&src, src.join("a")).unwrap();
    fs::write(src.join("mod.rs"), "mod a;\npub use std::string::String;\n").unwrap();
    // …and a file that is a symlink to itself.
    std::os::unix::fs::symlink(src.join("self.rs"), src.join("self.rs")).unwrap();
    fs::write(
        src.join("lib.rs"),
        "#![no_std]\nmod a;\nmod r#self;\npub use std::vec::Vec;\n",
    )
    .unwrap();
    let output = check(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"));
}
