//! The run-time API table against the pinned rust-src (Debian `rust-web-src`, rustc 1.96 at
//! /usr/lib/rustlib/src/rust; CI installs it): known facts, drift of the shipped table and
//! of the recorded cfg sets, and the `triplet api-table` CLI as a process.

use std::path::{Path, PathBuf};
use std::process::Command;
use triplet::runtime_api::targets::{pinned_cfg_sets, PINNED_TARGETS};
use triplet::runtime_api::{ApiTable, Behaviour, TableFile};

const PINNED_RUST_SRC: &str = "/usr/lib/rustlib/src/rust";
const PINNED_RUSTC: &str = "/usr/bin/rustc";

fn pinned_library() -> Option<PathBuf> {
    let library = Path::new(PINNED_RUST_SRC).join("library");
    if library.join("std/src/sys/mod.rs").is_file() {
        Some(library)
    } else {
        eprintln!("skipping: {PINNED_RUST_SRC} is missing (apt-get install rust-web-src)");
        None
    }
}

fn derived() -> Option<ApiTable> {
    let library = pinned_library()?;
    Some(
        ApiTable::derive(&library, &pinned_cfg_sets())
            .expect("derivation from the pinned rust-src"),
    )
}

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn behaviour(table: &ApiTable, api: &str, target: &str) -> Behaviour {
    table
        .get(api, target)
        .unwrap_or_else(|| panic!("no row for {api} on {target}"))
        .behaviour
}

#[test]
fn derived_table_states_known_facts() {
    let Some(table) = derived() else { return };
    let unknown = "wasm32-unknown-unknown";
    assert_eq!(
        behaviour(&table, "std::time::Instant::now", unknown),
        Behaviour::Panic
    );
    let instant = table.get("std::time::Instant::now", unknown).unwrap();
    assert_eq!(instant.message, "time not implemented on this platform");
    assert!(
        instant
            .source
            .starts_with("library/std/src/sys/time/unsupported.rs:"),
        "{}",
        instant.source
    );
    assert!(instant
        .alternative
        .as_deref()
        .unwrap_or("")
        .contains("web-time"));
    assert_eq!(
        behaviour(&table, "std::fs::read", unknown),
        Behaviour::Error
    );
    assert_eq!(
        behaviour(&table, "std::thread::spawn", unknown),
        Behaviour::Panic
    );
    assert_eq!(
        behaviour(&table, "std::thread::Builder::spawn", unknown),
        Behaviour::Error
    );
    assert_eq!(behaviour(&table, "std::println", unknown), Behaviour::Noop);
    assert_eq!(behaviour(&table, "std::env::var", unknown), Behaviour::Noop);
    assert_eq!(
        behaviour(&table, "std::net::TcpStream::connect", unknown),
        Behaviour::Error
    );

    // The public layer's handling of the backend's answer (mapping.toml flags).
    let exists = table.get("std::path::Path::exists", unknown).unwrap();
    assert_eq!(exists.behaviour, Behaviour::Noop);
    assert!(
        exists.message.starts_with("always returns false"),
        "{}",
        exists.message
    );
    assert_eq!(
        behaviour(&table, "std::process::abort", unknown),
        Behaviour::Ok
    );
    assert_eq!(
        behaviour(&table, "std::process::exit", unknown),
        Behaviour::Panic
    );
    let set_var = table.get("std::env::set_var", unknown).unwrap();
    assert_eq!(set_var.behaviour, Behaviour::Panic);
    assert!(
        set_var
            .message
            .starts_with("failed to set environment variable"),
        "{}",
        set_var.message
    );
    assert_eq!(
        behaviour(&table, "std::collections::HashMap::new", unknown),
        Behaviour::Ok
    );

    let emscripten = "wasm32-unknown-emscripten";
    assert_eq!(
        behaviour(&table, "std::thread::spawn", emscripten),
        Behaviour::Panic
    );
    assert_eq!(
        behaviour(&table, "std::process::Command::spawn", emscripten),
        Behaviour::Error
    );
    assert_eq!(
        behaviour(&table, "std::sync::Condvar::wait", emscripten),
        Behaviour::Noop
    );
    assert_eq!(
        behaviour(&table, "std::fs::read", emscripten),
        Behaviour::Ok
    );

    let wasip1 = "wasm32-wasip1";
    assert_eq!(behaviour(&table, "std::fs::read", wasip1), Behaviour::Ok);
    assert_eq!(
        behaviour(&table, "std::time::Instant::now", wasip1),
        Behaviour::Ok
    );
    assert_eq!(
        behaviour(&table, "std::thread::spawn", wasip1),
        Behaviour::Panic
    );
    assert_eq!(
        behaviour(&table, "std::thread::Builder::spawn", wasip1),
        Behaviour::Error
    );
    assert_eq!(
        behaviour(&table, "std::net::TcpStream::connect", wasip1),
        Behaviour::Error
    );
    assert_eq!(
        behaviour(&table, "std::process::Command::spawn", wasip1),
        Behaviour::Error
    );

    assert_eq!(
        behaviour(&table, "std::thread::spawn", "wasm32-wasip1-threads"),
        Behaviour::Ok
    );
    assert_eq!(
        behaviour(&table, "std::net::TcpStream::connect", "wasm32-wasip2"),
        Behaviour::Ok
    );
    assert_eq!(
        behaviour(&table, "std::net::TcpListener::bind", "wasm32-wasip2"),
        Behaviour::Ok
    );
}

#[test]
fn control_and_bare_metal_targets() {
    let Some(table) = derived() else { return };
    let rows = table.rows();
    let linux: Vec<_> = rows
        .iter()
        .filter(|row| row.target == "x86_64-unknown-linux-gnu")
        .collect();
    assert!(!linux.is_empty());
    for row in linux {
        assert_eq!(
            row.behaviour,
            Behaviour::Ok,
            "{} on linux: {}",
            row.api,
            row.message
        );
        assert!(
            row.source.starts_with("library/std/src/sys/"),
            "{}",
            row.source
        );
    }
    for target in ["wasm32v1-none", "thumbv7em-none-eabihf"] {
        assert!(rows
            .iter()
            .filter(|row| row.target == target)
            .all(|row| row.behaviour == Behaviour::Absent));
    }
}

#[test]
fn overrides_never_leave_wasi_threads_ok() {
    let Some(table) = derived() else { return };
    for target in ["wasm32-wasip1", "wasm32-wasip2"] {
        for api in [
            "std::thread::spawn",
            "std::thread::Builder::spawn",
            "std::thread::scope",
        ] {
            let row = table.get(api, target).unwrap();
            assert_ne!(row.behaviour, Behaviour::Ok, "{api} on {target}");
            assert!(row.message.contains("reviewed override"), "{}", row.message);
            assert!(
                row.source
                    .starts_with("library/std/src/sys/thread/unix.rs:"),
                "{}",
                row.source
            );
        }
    }
}

#[test]
fn every_row_is_complete() {
    let Some(table) = derived() else { return };
    let apis: Vec<&str> = table.apis().collect();
    assert_eq!(table.rows().len(), apis.len() * PINNED_TARGETS.len());
    for (target, _) in PINNED_TARGETS {
        assert!(table.knows_target(target));
    }
    for row in table.rows() {
        // `library/…/file.rs:LINE`, except where there is no std at all.
        let located = row.source.starts_with("library/std/src/")
            && row
                .source
                .rsplit_once(".rs:")
                .is_some_and(|(_, line)| line.parse::<usize>().is_ok());
        assert!(located || row.behaviour == Behaviour::Absent, "{row:?}");
        if row.behaviour != Behaviour::Ok {
            assert!(!row.message.is_empty(), "{row:?}");
            assert!(row.alternative.is_some(), "{row:?}");
        }
    }
}

/// Regenerate with `TRIPLET_BLESS=1 cargo test --test runtime_api`.
#[test]
fn shipped_table_matches_the_pinned_rust_src() {
    let Some(table) = derived() else { return };
    let path = repo_file("data/runtime-api/table.json");
    let fresh = table.to_json();
    if std::env::var_os("TRIPLET_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "data/runtime-api/table.json is stale against {PINNED_RUST_SRC}.\n\
         Regenerate: TRIPLET_BLESS=1 cargo test --test runtime_api\n\
         (or: triplet api-table --format json --rust-src {PINNED_RUST_SRC} > data/runtime-api/table.json)"
    );
    // The embedded copy is the committed file.
    assert_eq!(ApiTable::shipped().rows().len(), table.rows().len());
}

/// Regenerate with `TRIPLET_BLESS=1 cargo test --test runtime_api`.
#[test]
fn recorded_cfg_sets_match_the_pinned_rustc() {
    if !Path::new(PINNED_RUSTC).is_file() {
        eprintln!("skipping: {PINNED_RUSTC} is missing");
        return;
    }
    for (target, recorded) in PINNED_TARGETS {
        let output = Command::new(PINNED_RUSTC)
            .args(["--print", "cfg", "--target", target])
            .env("RUSTC_BOOTSTRAP", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{PINNED_RUSTC} --print cfg --target {target}"
        );
        let fresh = String::from_utf8(output.stdout).unwrap();
        let path = repo_file(&format!("data/runtime-api/cfg/{target}.cfg"));
        if std::env::var_os("TRIPLET_BLESS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        assert!(
            *recorded == fresh,
            "{} differs from `RUSTC_BOOTSTRAP=1 {PINNED_RUSTC} --print cfg --target {target}`; \
             regenerate: TRIPLET_BLESS=1 cargo test --test runtime_api",
            path.display()
        );
    }
}

#[test]
fn shipped_table_is_embedded_and_indexed() {
    let shipped = ApiTable::shipped();
    assert!(!shipped.rows().is_empty());
    assert!(shipped.knows_target("wasm32-unknown-unknown"));
    assert!(!shipped.knows_target("riscv64gc-unknown-linux-gnu"));
    let row = shipped
        .get("std::time::Instant::now", "wasm32-unknown-unknown")
        .unwrap();
    assert_eq!(row.behaviour, Behaviour::Panic);
    assert!(shipped
        .get("std::time::Instant::now", "no-such-target")
        .is_none());
    let apis: Vec<&str> = shipped.apis().collect();
    let mut distinct = apis.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(apis.len(), distinct.len());
    assert!(apis.contains(&"std::collections::HashMap::new"));
}

// ---- CLI ----------------------------------------------------------------------------

fn triplet(args: &[&str], rustc: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_triplet"));
    command.arg("api-table").args(args);
    if let Some(rustc) = rustc {
        command.env("RUSTC", rustc);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn cli_derives_json_from_rust_src() {
    if pinned_library().is_none() {
        return;
    }
    let (code, stdout, stderr) = triplet(
        &[
            "--rust-src",
            PINNED_RUST_SRC,
            "--target",
            "wasm32-unknown-unknown",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("deriving from"), "{stderr}");
    let file: TableFile = serde_json::from_str(&stdout).unwrap();
    assert!(file
        .rows
        .iter()
        .all(|row| row.target == "wasm32-unknown-unknown"));
    let instant = file
        .rows
        .iter()
        .find(|row| row.api == "std::time::Instant::now")
        .unwrap();
    assert_eq!(instant.behaviour, Behaviour::Panic);
    let raw: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(raw["rows"][0]["behaviour"], "panic");
}

#[test]
fn cli_falls_back_to_the_shipped_table_without_rust_src() {
    // A `rustc` that cannot answer means no toolchain rust-src.
    let (code, stdout, stderr) =
        triplet(&["--target", "wasm32-wasip1"], Some("/nonexistent/rustc"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("shipped table"), "{stderr}");
    assert!(stdout.starts_with("wasm32-wasip1\n"), "{stdout}");
    assert!(stdout.contains("std::thread::spawn"));
    assert!(!stdout.contains("wasm32-unknown-unknown"));
}

#[test]
fn cli_rejects_bad_input_with_usage_errors() {
    let (code, _, stderr) = triplet(&["--rust-src", "/nonexistent/rust-src"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a rust-src tree"), "{stderr}");

    let (code, _, stderr) = triplet(
        &["--target", "riscv64gc-unknown-linux-gnu"],
        Some("/nonexistent/rustc"),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("not in the shipped table"), "{stderr}");

    let (code, _, _) = triplet(&["--format", "yaml"], None);
    assert_eq!(code, 2);

    if pinned_library().is_some() && Path::new(PINNED_RUSTC).is_file() {
        let (code, _, stderr) = triplet(
            &["--rust-src", PINNED_RUST_SRC, "--target", "not-a-target"],
            Some(PINNED_RUSTC),
        );
        assert_eq!(code, 2);
        assert!(stderr.contains("unknown target `not-a-target`"), "{stderr}");
    }
}

/// A `rustc` whose `--print sysroot` names `sysroot` and that forwards everything else.
#[cfg(unix)]
fn fake_rustc(dir: &Path, sysroot: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("rustc");
    let text = format!(
        "#!/bin/sh\nif [ \"$1\" = --print ] && [ \"$2\" = sysroot ]; then echo '{}'; exit 0; fi\nexec {PINNED_RUSTC} \"$@\"\n",
        sysroot.display()
    );
    std::fs::write(&script, text).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[cfg(unix)]
#[test]
fn cli_derives_from_the_toolchain_rust_src_or_falls_back() {
    if pinned_library().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let with_src = dir.path().join("with-src");
    std::fs::create_dir_all(with_src.join("lib/rustlib/src")).unwrap();
    std::os::unix::fs::symlink(PINNED_RUST_SRC, with_src.join("lib/rustlib/src/rust")).unwrap();
    let rustc = fake_rustc(&with_src, &with_src);
    let (code, stdout, stderr) = triplet(&["--target", "wasm32-wasip2"], rustc.to_str());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("derived from the toolchain's rust-src"),
        "{stderr}"
    );
    assert!(stdout.contains("std::net::TcpStream::connect"));

    // A rust-src whose std layout the mapping does not fit: the shipped table answers.
    let odd = dir.path().join("odd");
    let sys = odd.join("lib/rustlib/src/rust/library/std/src/sys");
    std::fs::create_dir_all(&sys).unwrap();
    std::fs::write(sys.join("mod.rs"), "mod something_else;\n").unwrap();
    let rustc = fake_rustc(&odd, &odd);
    let (code, stdout, stderr) = triplet(&["--target", "wasm32-wasip2"], rustc.to_str());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("using the shipped table"), "{stderr}");
    assert!(stdout.starts_with("wasm32-wasip2\n"));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The table follows the source: a std whose stub gains a real implementation gets `ok`.
#[test]
fn derivation_follows_changes_in_std() {
    let Some(library) = pinned_library() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sys = dir.path().join("std/src/sys");
    copy_tree(&library.join("std/src/sys"), &sys);
    let stub = sys.join("time/unsupported.rs");
    let text = std::fs::read_to_string(&stub).unwrap();
    let patched = text.replacen(
        "pub fn now() -> Instant {\n        panic!(\"time not implemented on this platform\")",
        "pub fn now() -> Instant {\n        Instant(Duration::ZERO)",
        1,
    );
    assert_ne!(
        text, patched,
        "the pinned stub changed shape; update this test"
    );
    std::fs::write(&stub, patched).unwrap();

    let target = "wasm32-unknown-unknown";
    let cfg = triplet::runtime_api::targets::pinned_cfg(target).unwrap();
    let table = ApiTable::derive(dir.path(), &[(target.to_string(), cfg)]).unwrap();
    assert_eq!(
        behaviour(&table, "std::time::Instant::now", target),
        Behaviour::Ok
    );
    assert_eq!(
        behaviour(&table, "std::time::SystemTime::now", target),
        Behaviour::Panic
    );
    assert_eq!(behaviour(&table, "std::fs::read", target), Behaviour::Error);
}

/// Beyond the pinned targets: std's other backends resolve too (no derivation errors), and
/// the big desktop targets are all `ok`.
#[test]
fn derivation_covers_other_std_targets() {
    let Some(library) = pinned_library() else {
        return;
    };
    if !Path::new(PINNED_RUSTC).is_file() {
        return;
    }
    let targets: Vec<_> = [
        "x86_64-pc-windows-msvc",
        "aarch64-apple-darwin",
        "aarch64-linux-android",
        "x86_64-fortanix-unknown-sgx",
        "x86_64-unknown-uefi",
        "aarch64-unknown-hermit",
        "riscv32imc-esp-espidf",
    ]
    .iter()
    .map(|target| {
        let cfg = triplet::runtime_api::targets::query_rustc_cfg(PINNED_RUSTC, target).unwrap();
        (target.to_string(), cfg)
    })
    .collect();
    let table = ApiTable::derive(&library, &targets).unwrap();
    for desktop in [
        "x86_64-pc-windows-msvc",
        "aarch64-apple-darwin",
        "aarch64-linux-android",
    ] {
        for row in table.rows().iter().filter(|row| row.target == desktop) {
            assert_eq!(
                row.behaviour,
                Behaviour::Ok,
                "{} on {desktop}: {}",
                row.api,
                row.message
            );
        }
    }
    assert_eq!(
        behaviour(&table, "std::fs::read", "x86_64-fortanix-unknown-sgx"),
        Behaviour::Error
    );
}
