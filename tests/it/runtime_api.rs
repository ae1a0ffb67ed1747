//! The run-time API table, whatever Debian rust-src the machine has: the shipped table's
//! own facts; facts every std from 1.85 on states, derived from the installed rust-src and
//! from Debian's 1.85 (the older `sys/pal` layout, downloaded by the test); drift of the
//! shipped table and of the recorded cfg sets, checked only against the release they were
//! made from; and `triplet api-table` / `triplet check` as processes.

mod rust_src;

use rust_src::{
    debian_1_85_root, installed_library, installed_rustc, rustc_release, INSTALLED_RUSTC,
    INSTALLED_RUST_SRC,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use triplet::runtime_api::targets::{pinned_cfg, pinned_cfg_sets, query_rustc_cfg, PINNED_TARGETS};
use triplet::runtime_api::{ApiTable, Behaviour, TableFile};

fn derive_pinned(library: &Path) -> ApiTable {
    ApiTable::derive(library, &pinned_cfg_sets())
        .unwrap_or_else(|error| panic!("deriving from {}: {error:#}", library.display()))
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

fn shipped_release() -> &'static str {
    ApiTable::shipped()
        .rust_src()
        .expect("data/runtime-api/table.json records its rust_src")
}

/// What std says on the pinned targets in every release from 1.85 (the MSRV) on.
fn assert_facts_every_std_states(table: &ApiTable) {
    let unknown = "wasm32-unknown-unknown";
    for (api, expected) in [
        ("std::time::Instant::now", Behaviour::Panic),
        ("std::time::SystemTime::now", Behaviour::Panic),
        ("std::thread::spawn", Behaviour::Panic),
        ("std::thread::Builder::spawn", Behaviour::Error),
        ("std::thread::sleep", Behaviour::Panic),
        ("std::fs::read", Behaviour::Error),
        ("std::net::TcpStream::connect", Behaviour::Error),
        ("std::process::Command::spawn", Behaviour::Error),
        ("std::process::id", Behaviour::Panic),
        ("std::process::exit", Behaviour::Panic),
        ("std::process::abort", Behaviour::Ok),
        ("std::println", Behaviour::Noop),
        ("std::env::var", Behaviour::Noop),
        ("std::env::args", Behaviour::Noop),
        ("std::collections::HashMap::new", Behaviour::Ok),
    ] {
        assert_eq!(
            behaviour(table, api, unknown),
            expected,
            "{api} on {unknown}"
        );
    }
    let instant = table.get("std::time::Instant::now", unknown).unwrap();
    assert_eq!(instant.message, "time not implemented on this platform");
    assert!(instant
        .alternative
        .as_deref()
        .unwrap_or("")
        .contains("web-time"));
    // The public layer's handling of the backend's answer (mapping.toml flags).
    let exists = table.get("std::path::Path::exists", unknown).unwrap();
    assert_eq!(exists.behaviour, Behaviour::Noop);
    assert!(
        exists.message.starts_with("always returns false"),
        "{}",
        exists.message
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

    let wasip1 = "wasm32-wasip1";
    assert_eq!(behaviour(table, "std::fs::read", wasip1), Behaviour::Ok);
    assert_eq!(
        behaviour(table, "std::time::Instant::now", wasip1),
        Behaviour::Ok
    );
    assert_eq!(
        behaviour(table, "std::net::TcpStream::connect", wasip1),
        Behaviour::Error
    );
    assert_eq!(
        behaviour(table, "std::process::Command::spawn", wasip1),
        Behaviour::Error
    );
    // Without threads, spawning fails (in std's WASI code before 1.8x, in wasi-libc after:
    // a reviewed override), and thread::spawn's `.expect` makes it a panic.
    for target in ["wasm32-wasip1", "wasm32-wasip2"] {
        assert_eq!(
            behaviour(table, "std::thread::spawn", target),
            Behaviour::Panic
        );
        assert_eq!(
            behaviour(table, "std::thread::Builder::spawn", target),
            Behaviour::Error
        );
        assert_ne!(
            behaviour(table, "std::thread::scope", target),
            Behaviour::Ok
        );
    }
    assert_eq!(
        behaviour(table, "std::thread::spawn", "wasm32-wasip1-threads"),
        Behaviour::Ok
    );
    for api in [
        "std::net::TcpStream::connect",
        "std::net::TcpListener::bind",
    ] {
        assert_eq!(
            behaviour(table, api, "wasm32-wasip2"),
            Behaviour::Ok,
            "{api}"
        );
    }

    let emscripten = "wasm32-unknown-emscripten";
    assert_eq!(behaviour(table, "std::fs::read", emscripten), Behaviour::Ok);
    assert_eq!(
        behaviour(table, "std::thread::spawn", emscripten),
        Behaviour::Panic
    );
    assert_eq!(
        behaviour(table, "std::process::Command::spawn", emscripten),
        Behaviour::Error
    );
    assert_eq!(
        behaviour(table, "std::sync::Condvar::wait", emscripten),
        Behaviour::Noop
    );

    for row in table
        .rows()
        .iter()
        .filter(|row| row.target == "x86_64-unknown-linux-gnu")
    {
        assert_eq!(
            row.behaviour,
            Behaviour::Ok,
            "{} on linux: {}",
            row.api,
            row.message
        );
    }
    for target in ["wasm32v1-none", "thumbv7em-none-eabihf"] {
        assert!(table
            .rows()
            .iter()
            .filter(|row| row.target == target)
            .all(|row| row.behaviour == Behaviour::Absent));
    }
}

/// One row per (API, target); every row says where it was read, and that place is the
/// definition of a function in the rust-src it was derived from.
fn assert_complete_and_located(table: &ApiTable, library: &Path) {
    let apis: Vec<&str> = table.apis().collect();
    assert_eq!(table.rows().len(), apis.len() * PINNED_TARGETS.len());
    for (target, _) in PINNED_TARGETS {
        assert!(table.knows_target(target));
    }
    for row in table.rows() {
        if row.behaviour != Behaviour::Ok {
            assert!(!row.message.is_empty(), "{row:?}");
            assert!(row.alternative.is_some(), "{row:?}");
        }
        if row.behaviour == Behaviour::Absent {
            continue;
        }
        let (file, line) = row
            .source
            .strip_prefix("library/")
            .and_then(|located| located.rsplit_once(':'))
            .and_then(|(file, line)| Some((file, line.parse::<usize>().ok()?)))
            .unwrap_or_else(|| panic!("not `library/…:LINE`: {row:?}"));
        let text = std::fs::read_to_string(library.join(file))
            .unwrap_or_else(|error| panic!("{row:?}: {error}"));
        let at = text.lines().nth(line - 1).unwrap_or("");
        assert!(
            at.contains("fn "),
            "{} is `{at}`, not a function",
            row.source
        );
    }
}

// ---- the shipped table ------------------------------------------------------------

/// The facts of the release the shipped table records (checked without any rust-src).
#[test]
fn shipped_table_states_its_release() {
    let shipped = ApiTable::shipped();
    assert!(shipped_release().starts_with("1."), "{}", shipped_release());
    assert_facts_every_std_states(shipped);
    let unknown = "wasm32-unknown-unknown";
    let instant = shipped.get("std::time::Instant::now", unknown).unwrap();
    assert!(
        instant
            .source
            .starts_with("library/std/src/sys/time/unsupported.rs:"),
        "{}",
        instant.source
    );
    // wasi-libc, not std, refuses threads in 1.96: a reviewed override on std's unix code.
    for target in ["wasm32-wasip1", "wasm32-wasip2"] {
        let row = shipped.get("std::thread::spawn", target).unwrap();
        assert!(row.message.contains("reviewed override"), "{}", row.message);
        assert!(
            row.source
                .starts_with("library/std/src/sys/thread/unix.rs:"),
            "{}",
            row.source
        );
    }
    assert_eq!(
        behaviour(shipped, "std::fs::canonicalize", "wasm32-wasip1"),
        Behaviour::Ok
    );
}

#[test]
fn shipped_table_is_embedded_and_indexed() {
    let shipped = ApiTable::shipped();
    assert!(!shipped.rows().is_empty());
    assert!(shipped.knows_target("wasm32-unknown-unknown"));
    assert!(!shipped.knows_target("riscv64gc-unknown-linux-gnu"));
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

// ---- the installed rust-src, whichever release ----------------------------------------

#[test]
fn installed_rust_src_derives_what_every_std_states() {
    let Some(library) = installed_library() else {
        return;
    };
    let table = derive_pinned(&library);
    assert!(
        table.rust_src().is_some(),
        "Debian's rust-src has src/version"
    );
    assert_facts_every_std_states(&table);
    assert_complete_and_located(&table, &library);
}

/// Regenerate with `TRIPLET_BLESS=1 cargo test --test it runtime_api::` (with the rust-src of
/// the release to ship installed).
#[test]
fn shipped_table_matches_the_rust_src_of_its_release() {
    let Some(library) = installed_library() else {
        return;
    };
    let table = derive_pinned(&library);
    let path = repo_file("data/runtime-api/table.json");
    let fresh = table.to_json();
    if std::env::var_os("TRIPLET_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let installed = table.rust_src().unwrap_or("unknown");
    if installed != shipped_release() {
        eprintln!(
            "not comparing: the shipped table is from rust-src {}, {INSTALLED_RUST_SRC} is {installed} \
             (installed_rust_src_derives_what_every_std_states checks it)",
            shipped_release()
        );
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "data/runtime-api/table.json is stale against {INSTALLED_RUST_SRC} ({installed}).\n\
         Regenerate: TRIPLET_BLESS=1 cargo test --test it runtime_api::\n\
         (or: triplet api-table --format json --rust-src {INSTALLED_RUST_SRC} > data/runtime-api/table.json)"
    );
    // The embedded copy is the committed file.
    assert_eq!(ApiTable::shipped().rows().len(), table.rows().len());
}

/// The cfg sets are recorded from the rustc of the shipped table's release.
/// Regenerate with `TRIPLET_BLESS=1 cargo test --test it runtime_api::`.
#[test]
fn recorded_cfg_sets_match_rustc_of_their_release() {
    let Some(rustc) = installed_rustc() else {
        return;
    };
    let bless = std::env::var_os("TRIPLET_BLESS").is_some();
    let release = rustc_release(rustc).unwrap_or_default();
    if release != shipped_release() && !bless {
        eprintln!(
            "not comparing: the cfg sets are from rustc {}, {rustc} is {release}",
            shipped_release()
        );
        return;
    }
    for (target, recorded) in PINNED_TARGETS {
        let output = Command::new(rustc)
            .args(["--print", "cfg", "--target", target])
            .env("RUSTC_BOOTSTRAP", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{rustc} --print cfg --target {target}"
        );
        let fresh = String::from_utf8(output.stdout).unwrap();
        let path = repo_file(&format!("data/runtime-api/cfg/{target}.cfg"));
        if bless {
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        assert!(
            *recorded == fresh,
            "{} differs from `RUSTC_BOOTSTRAP=1 {rustc} --print cfg --target {target}`; \
             regenerate: TRIPLET_BLESS=1 cargo test --test it runtime_api::",
            path.display()
        );
    }
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
    let Some(library) = installed_library() else {
        return;
    };
    let target = "wasm32-unknown-unknown";
    let cfg = pinned_cfg(target).unwrap();
    let before = ApiTable::derive(&library, &[(target.to_string(), cfg.clone())]).unwrap();
    let stub = before.get("std::time::Instant::now", target).unwrap();
    let stub_file = stub
        .source
        .strip_prefix("library/")
        .and_then(|located| located.rsplit_once(':'))
        .map(|(file, _)| file.to_string())
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    for part in ["std/src/sys", "std/src/sys_common"] {
        if library.join(part).is_dir() {
            copy_tree(&library.join(part), &dir.path().join(part));
        }
    }
    std::fs::copy(
        library.join("std/src/lib.rs"),
        dir.path().join("std/src/lib.rs"),
    )
    .unwrap();
    let stub_path = dir.path().join(&stub_file);
    let text = std::fs::read_to_string(&stub_path).unwrap();
    let patched = text.replacen(
        "pub fn now() -> Instant {\n        panic!(\"time not implemented on this platform\")",
        "pub fn now() -> Instant {\n        Instant(Duration::ZERO)",
        1,
    );
    assert_ne!(text, patched, "{stub_file} changed shape; update this test");
    std::fs::write(&stub_path, patched).unwrap();

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

/// Beyond the pinned targets: std's other backends resolve too (no derivation errors) in
/// every layout, and the big desktop targets are all `ok`.
#[test]
fn derivation_covers_other_std_targets() {
    let (Some(installed), Some(rustc)) = (installed_library(), installed_rustc()) else {
        return;
    };
    let Some(old) = debian_1_85_root() else {
        return;
    };
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
    .map(|target| (target.to_string(), query_rustc_cfg(rustc, target).unwrap()))
    .collect();
    for library in [installed, old.join("library")] {
        let table = ApiTable::derive(&library, &targets)
            .unwrap_or_else(|error| panic!("{}: {error:#}", library.display()));
        for desktop in [
            "x86_64-pc-windows-msvc",
            "aarch64-apple-darwin",
            "aarch64-linux-android",
        ] {
            for row in table.rows().iter().filter(|row| row.target == desktop) {
                assert_eq!(
                    row.behaviour,
                    Behaviour::Ok,
                    "{} on {desktop} ({}): {}",
                    row.api,
                    library.display(),
                    row.message
                );
            }
        }
        assert_eq!(
            behaviour(&table, "std::fs::read", "x86_64-fortanix-unknown-sgx"),
            Behaviour::Error
        );
    }
}

// ---- std 1.85: backends under sys/pal, sockets in sys_common --------------------------

#[test]
fn std_1_85_derives_every_shipped_target() {
    let Some(root) = debian_1_85_root() else {
        return;
    };
    let library = root.join("library");
    let table = derive_pinned(&library);
    assert_eq!(table.rust_src(), Some("1.85.0"));
    assert_facts_every_std_states(&table);
    assert_complete_and_located(&table, &library);

    // Read where 1.85 keeps them.
    let unknown = "wasm32-unknown-unknown";
    let source = |api: &str, target: &str| table.get(api, target).unwrap().source.clone();
    assert!(source("std::time::Instant::now", unknown)
        .starts_with("library/std/src/sys/pal/unsupported/time.rs:"));
    let sleep = table.get("std::thread::sleep", unknown).unwrap();
    assert_eq!(sleep.message, "can't sleep");
    assert!(sleep
        .source
        .starts_with("library/std/src/sys/pal/unsupported/thread.rs:"));
    assert!(
        source("std::env::var", unknown).starts_with("library/std/src/sys/pal/unsupported/os.rs:")
    );
    assert!(source("std::net::TcpStream::connect", "wasm32-wasip2")
        .starts_with("library/std/src/sys_common/net.rs:"));
    // 1.85's own WASI thread code refuses without atomics (no override needed).
    let spawn = table.get("std::thread::spawn", "wasm32-wasip1").unwrap();
    assert!(
        !spawn.message.contains("reviewed override"),
        "{}",
        spawn.message
    );
    assert!(spawn
        .source
        .starts_with("library/std/src/sys/pal/wasi/thread.rs:"));
    // What changed since: 1.85's WASI canonicalize was a stub.
    assert_eq!(
        behaviour(&table, "std::fs::canonicalize", "wasm32-wasip1"),
        Behaviour::Error
    );
}

// ---- CLI ------------------------------------------------------------------------------

fn triplet(args: &[&str], rustc: Option<&Path>) -> (i32, String, String) {
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
    if installed_library().is_none() {
        return;
    }
    let (code, stdout, stderr) = triplet(
        &[
            "--rust-src",
            INSTALLED_RUST_SRC,
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
    assert!(file.rust_src.is_some());
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

/// The command from the bug report: a 1.85 rust-src derives (it used to exit 2 on
/// "cannot find `std::sys::thread::sleep`").
#[test]
fn cli_derives_from_a_1_85_rust_src() {
    let Some(root) = debian_1_85_root() else {
        return;
    };
    let root = root.to_string_lossy().into_owned();
    let (code, stdout, stderr) = triplet(
        &["--rust-src", &root, "--target", "wasm32-unknown-unknown"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("(std 1.85.0)"), "{stderr}");
    let sleep = stdout
        .lines()
        .find(|line| line.trim_start().starts_with("std::thread::sleep "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        sleep.contains("panic") && sleep.contains("can't sleep"),
        "{sleep}"
    );
}

#[test]
fn cli_falls_back_to_the_shipped_table_without_rust_src() {
    // A `rustc` that cannot answer means no toolchain rust-src.
    let (code, stdout, stderr) = triplet(
        &["--target", "wasm32-wasip1"],
        Some(Path::new("/nonexistent/rustc")),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("shipped table (std {})", shipped_release())),
        "{stderr}"
    );
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
        Some(Path::new("/nonexistent/rustc")),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("not in the shipped table"), "{stderr}");

    let (code, _, _) = triplet(&["--format", "yaml"], None);
    assert_eq!(code, 2);

    let (Some(_), Some(rustc)) = (installed_library(), installed_rustc()) else {
        return;
    };
    let (code, _, stderr) = triplet(
        &["--rust-src", INSTALLED_RUST_SRC, "--target", "not-a-target"],
        Some(Path::new(rustc)),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown target `not-a-target`"), "{stderr}");
}

/// A toolchain whose sysroot is `sysroot`: a `rustc` that names it for `--print sysroot`
/// and forwards everything else to the installed rustc.
#[cfg(unix)]
fn toolchain_with_rust_src(dir: &Path, rust_src: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let sysroot = dir.join("sysroot");
    std::fs::create_dir_all(sysroot.join("lib/rustlib/src")).unwrap();
    std::os::unix::fs::symlink(rust_src, sysroot.join("lib/rustlib/src/rust")).unwrap();
    let script = dir.join("rustc");
    let text = format!(
        "#!/bin/sh\nif [ \"$1\" = --print ] && [ \"$2\" = sysroot ]; then echo '{}'; exit 0; fi\nexec {INSTALLED_RUSTC} \"$@\"\n",
        sysroot.display()
    );
    std::fs::write(&script, text).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// A rust-src whose std has a layout the derivation does not know.
fn unknown_layout(dir: &Path) -> PathBuf {
    let root = dir.join("odd-rust-src");
    let sys = root.join("library/std/src/sys");
    std::fs::create_dir_all(&sys).unwrap();
    std::fs::write(sys.join("mod.rs"), "mod something_else;\n").unwrap();
    root
}

#[cfg(unix)]
#[test]
fn cli_derives_from_the_toolchain_rust_src_or_says_why_not() {
    if installed_library().is_none() || installed_rustc().is_none() {
        return;
    }
    let Some(old) = debian_1_85_root() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let rustc = toolchain_with_rust_src(&dir.path().join("1.85"), &old);
    let (code, stdout, stderr) = triplet(&["--target", "wasm32-wasip2"], Some(&rustc));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("derived from the toolchain's rust-src") && stderr.contains("(std 1.85.0)"),
        "{stderr}"
    );
    assert!(stdout.contains("std::net::TcpStream::connect"));

    // A std layout the derivation does not know: one line says why, the shipped table answers.
    let odd = unknown_layout(dir.path());
    let rustc = toolchain_with_rust_src(&dir.path().join("odd"), &odd);
    let (code, stdout, stderr) = triplet(&["--target", "wasm32-wasip2"], Some(&rustc));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("cannot derive the run-time API table")
            && lines[0].contains("cannot find `std::sys::")
            && lines[0].ends_with(&format!(
                "using the shipped table (std {})",
                shipped_release()
            )),
        "{stderr}"
    );
    assert!(stdout.starts_with("wasm32-wasip2\n"));
}

// ---- triplet check --------------------------------------------------------------------

/// A crate for wasm32-wasip1 that canonicalizes a path: a stub in std 1.85's WASI code,
/// real code in 1.96's.
fn canonicalizing_crate(dir: &Path) -> PathBuf {
    let root = dir.join("crate");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"canon\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [package.metadata.triplet]\ntargets = [\"wasm32-wasip1\"]\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/lib.rs"),
        "pub fn absolute(path: &str) -> std::io::Result<std::path::PathBuf> {\n    std::fs::canonicalize(path)\n}\n",
    )
    .unwrap();
    root
}

/// `triplet check` with `RUSTC` set: (T0002 messages, stderr).
fn check_with(root: &Path, rustc: &Path) -> (Vec<String>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_triplet"))
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .env("RUSTC", rustc)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|error| panic!("no JSON ({error}): {stdout}\n{stderr}"));
    let messages = json["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .filter(|finding| finding["code"] == "T0002")
                .filter_map(|finding| finding["message"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (messages, stderr)
}

/// A user whose toolchain has std 1.85 is told what 1.85 does; one whose std the
/// derivation cannot read gets the shipped table and one line saying why.
#[cfg(unix)]
#[test]
fn check_uses_the_toolchain_std_or_says_why_not() {
    if installed_rustc().is_none() {
        return;
    }
    let Some(old) = debian_1_85_root() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = canonicalizing_crate(dir.path());

    let rustc = toolchain_with_rust_src(&dir.path().join("1.85"), &old);
    let (messages, stderr) = check_with(&root, &rustc);
    assert!(
        messages
            .iter()
            .any(|message| message.contains("std::fs::canonicalize")),
        "{messages:?}\n{stderr}"
    );
    assert!(!stderr.contains("cannot derive"), "{stderr}");

    let odd = unknown_layout(dir.path());
    let rustc = toolchain_with_rust_src(&dir.path().join("odd"), &odd);
    let (messages, stderr) = check_with(&root, &rustc);
    // The shipped table's std (1.96) canonicalizes on WASI.
    assert!(messages.is_empty(), "{messages:?}");
    let why: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("cannot derive the run-time API table"))
        .collect();
    assert_eq!(why.len(), 1, "{stderr}");
    assert!(why[0].contains("using the shipped table"), "{stderr}");
}
