//! Per-target checks and builds through `triplet lsp`: commands, progress, checkStatus,
//! compiler diagnostics labelled with their target (kept beside the live ones), quick
//! fixes, cancellation without orphan processes, targets without std, check on save, and
//! one real -Zbuild-std cross check. Timeouts only stop hangs.

use crate::build_support;
use crate::support;

use build_support::host_triple;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::lsp_client::{apply_edits, edits_for, file_uri, LspClient};
use support::lsp_session::{titles, with_code, LspSession, LspSessionBuilder};

const PATIENCE: Duration = Duration::from_secs(300);

/// A session on a copy of fixture `name` whose client shows progress (it answers
/// `window/workDoneProgress/create`).
fn with_progress(name: &str) -> LspSessionBuilder {
    LspSession::fixture(name).work_done_progress()
}

/// The start of the first line (code actions there are the file's source actions).
fn first_line() -> Value {
    json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
}

fn execute(client: &mut LspClient, command: &str, arguments: Value) -> Result<Value, Value> {
    client.request(
        "workspace/executeCommand",
        json!({"command": command, "arguments": [arguments]}),
    )
}

/// `triplet.check` for `target` in the workspace of `uri`.
fn check_target(client: &mut LspClient, target: &str, uri: &str) {
    execute(
        client,
        "triplet.check",
        json!({"target": target, "uri": uri}),
    )
    .expect("check starts");
}

fn wait_status(client: &mut LspClient, target: &str, state: &str) -> Value {
    client.wait_for_notification("triplet/checkStatus", |params| {
        params["target"] == target && params["state"] == state
    })
}

/// The final status of `target`'s run (ok, failed or cancelled).
fn wait_final_status(client: &mut LspClient, target: &str) -> Value {
    client.wait_for_notification("triplet/checkStatus", |params| {
        params["target"] == target && params["state"] != "running"
    })
}

fn with_source<'a>(params: &'a Value, source: &str) -> Vec<&'a Value> {
    params["diagnostics"]
        .as_array()
        .map(|all| all.iter().filter(|d| d["source"] == source).collect())
        .unwrap_or_default()
}

/// The (line, start, end) UTF-16 columns of `needle` in `text` (ASCII fixtures).
fn span_of(text: &str, needle: &str) -> (u64, u64, u64) {
    for (line, content) in text.lines().enumerate() {
        if let Some(column) = content.find(needle) {
            return (line as u64, column as u64, (column + needle.len()) as u64);
        }
    }
    panic!("{needle:?} not in {text}");
}

#[test]
fn check_command_publishes_labelled_compiler_diagnostics_with_progress_and_fixes() {
    let host = host_triple();
    let label = format!("triplet({host})");
    let mut client = with_progress("build-errors").start();
    let broken = client.file("broken/src/lib.rs");
    let warns = client.file("warns/src/lib.rs");
    let broken_text = client.open_and_wait(&broken);

    let answer = execute(
        &mut client,
        "triplet.check",
        json!({"target": host, "uri": file_uri(&broken)}),
    );
    assert_eq!(answer, Ok(Value::Null));
    wait_status(&mut client, &host, "running");
    let begin =
        client.wait_for_notification("$/progress", |params| params["value"]["kind"] == "begin");
    assert!(
        begin["value"]["title"]
            .as_str()
            .is_some_and(|title| title.contains(&host)),
        "{begin}"
    );
    assert_eq!(begin["value"]["cancellable"], true);
    assert!(client.server_requests.iter().any(|(method, params)| method
        == "window/workDoneProgress/create"
        && params["token"] == begin["token"]));

    let failed = wait_final_status(&mut client, &host);
    assert_eq!(failed["state"], "failed", "{failed}");
    assert_eq!(failed["errors"], 1, "{failed}");
    assert_eq!(failed["warnings"], 1, "{failed}");
    let token = begin["token"].clone();
    client.wait_for_notification("$/progress", |params| {
        params["token"] == token && params["value"]["kind"] == "end"
    });

    // The type error, at rustc's own span, labelled with the host triple.
    let published = client.wait_for_diagnostics(&file_uri(&broken), |params| {
        !with_code(params, "E0308").is_empty()
    });
    let error = with_code(&published, "E0308")[0];
    assert_eq!(error["source"], label.as_str());
    assert_eq!(error["severity"], 1);
    let (line, start, end) = span_of(&broken_text, "\"forty-two\"");
    assert_eq!(
        error["range"],
        json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
    );
    assert_eq!(
        error["codeDescription"]["href"],
        "https://doc.rust-lang.org/error_codes/E0308.html"
    );
    // rustc's secondary span comes along as related information.
    let related = &error["relatedInformation"][0];
    assert_eq!(related["message"], "expected due to this");
    assert_eq!(related["location"]["uri"], file_uri(&broken).as_str());
    let (line, start, end) = span_of(&broken_text, "u32 =");
    assert_eq!(
        related["location"]["range"],
        json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end - 2}})
    );

    // A file never opened gets its build diagnostics too.
    let on_warns = client.wait_for_diagnostics(&file_uri(&warns), |params| {
        !with_code(params, "unused_variables").is_empty()
    });
    let warning = with_code(&on_warns, "unused_variables")[0].clone();
    assert_eq!(warning["source"], label.as_str());
    assert_eq!(warning["severity"], 2);

    // Its machine-applicable suggestion is a quick fix with an exact edit.
    let warns_text = open_and_wait_with_build(&mut client, &warns);
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": file_uri(&warns)}, "range": warning["range"],
                   "context": {"diagnostics": [warning], "only": ["quickfix"]}}),
        )
        .expect("code actions");
    let fix = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|action| action["edit"].is_object())
        .unwrap_or_else(|| panic!("no quick fix in {actions:#}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_ne!(fix["isPreferred"], true);
    let edits = edits_for(&fix["edit"], &file_uri(&warns));
    let fixed = apply_edits(&client.encoding, &warns_text, &edits);
    assert_eq!(fixed, warns_text.replace("let unused", "let _unused"));

    // A live re-analysis of the edited buffer keeps the build diagnostics.
    let edited = format!("{broken_text}// edited\n");
    client.change_full(&broken, 2, &edited);
    let republished =
        client.wait_for_diagnostics(&file_uri(&broken), |params| params["version"] == 2);
    assert_eq!(
        with_source(&republished, &label).len(),
        1,
        "{republished:#}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Opens a file that already has build diagnostics; its first publish must keep them.
fn open_and_wait_with_build(client: &mut LspClient, file: &Path) -> String {
    let text = client.open(file, 1);
    let published = client.wait_for_diagnostics(&file_uri(file), |params| params["version"] == 1);
    assert!(
        !with_code(&published, "unused_variables").is_empty(),
        "{published:#}"
    );
    text
}

/// Live processes whose working directory or command line points into `dir`.
fn processes_in(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let own = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|byte| byte.is_ascii_digit()) || name == own {
            continue;
        }
        let cwd = std::fs::read_link(entry.path().join("cwd")).unwrap_or_default();
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cwd.starts_with(dir) || cmdline.contains(&needle) {
            found.push(format!("{name}: {cmdline}"));
        }
    }
    found
}

/// Waits until no process works in `dir` (killed processes take a moment to be reaped).
fn assert_no_processes_in(dir: &Path) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = processes_in(dir);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "processes left behind: {left:#?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A session on the `build-slow` fixture, whose build script waits; and the marker file
/// it writes when it starts.
fn slow_build_session() -> (LspSession, PathBuf) {
    let builder = with_progress("build-slow");
    let marker = builder.temp_dir().join("marker");
    let session = builder.env("BUILD_SLOW_MARKER", &marker).start();
    (session, marker)
}

/// Waits until the slow build script has started (it writes the marker).
fn wait_for_build_script(marker: &Path) {
    let deadline = Instant::now() + PATIENCE;
    while !std::fs::read_to_string(marker).is_ok_and(|text| text.starts_with("started")) {
        assert!(Instant::now() < deadline, "the build script never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_file(marker);
}

#[test]
fn cancelling_a_run_leaves_no_process_behind() {
    let host = host_triple();
    let (mut client, marker) = slow_build_session();
    let root = client.root.clone();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open_and_wait(&lib);

    // 1. triplet.cancel, from the code action offered while the check runs
    check_target(&mut client, &host, &uri);
    wait_status(&mut client, &host, "running");
    wait_for_build_script(&marker);
    let actions = client.code_actions(&lib, first_line(), Some(json!(["source"])));
    let cancel = actions
        .iter()
        .find(|action| action["title"] == "Cancel target checks")
        .cloned()
        .unwrap_or_else(|| panic!("no cancel action in {actions:#?}"));
    assert_eq!(cancel["command"]["command"], "triplet.cancel");
    client
        .request(
            "workspace/executeCommand",
            json!({"command": "triplet.cancel", "arguments": cancel["command"]["arguments"]}),
        )
        .expect("cancel");
    let status = wait_final_status(&mut client, &host);
    assert_eq!(status["state"], "cancelled", "{status}");
    assert_no_processes_in(&root);

    // 2. the cancel button of the progress
    let earlier: Vec<Value> = client
        .server_requests
        .iter()
        .map(|(_, params)| params["token"].clone())
        .collect();
    check_target(&mut client, &host, &uri);
    let begin = client.wait_for_notification("$/progress", |params| {
        params["value"]["kind"] == "begin" && !earlier.contains(&params["token"])
    });
    wait_for_build_script(&marker);
    client.notify(
        "window/workDoneProgress/cancel",
        json!({"token": begin["token"]}),
    );
    let status = wait_final_status(&mut client, &host);
    assert_eq!(status["state"], "cancelled", "{status}");
    assert_no_processes_in(&root);

    // 3. shutdown while a run is going
    check_target(&mut client, &host, &uri);
    wait_for_build_script(&marker);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    assert_no_processes_in(&root);
}

#[test]
fn a_newer_run_for_the_same_target_supersedes_the_older() {
    let host = host_triple();
    let (mut client, marker) = slow_build_session();
    let root = client.root.clone();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open_and_wait(&lib);
    check_target(&mut client, &host, &uri);
    wait_for_build_script(&marker);
    check_target(&mut client, &host, &uri);
    // The second run's build script starts only once the first run's cargo is gone.
    wait_for_build_script(&marker);
    // The superseded run reported no final status for the target the new one owns.
    let finals: Vec<Value> = client
        .unconsumed("triplet/checkStatus")
        .into_iter()
        .filter(|params| params["state"] != "running")
        .collect();
    assert!(finals.is_empty(), "{finals:#?}");
    execute(&mut client, "triplet.cancel", json!({})).expect("cancel");
    let status = wait_final_status(&mut client, &host);
    assert_eq!(status["state"], "cancelled", "{status}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    assert_no_processes_in(&root);
}

/// A workspace whose selected target has no std installed here.
fn missing_std_workspace(target: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("firmware");
    std::fs::create_dir_all(root.join("src")).expect("mkdir");
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"firmware\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [package.metadata.triplet]\ntargets = [\"{target}\"]\n"
        ),
    )
    .expect("write manifest");
    std::fs::write(root.join("src/lib.rs"), "#![no_std]\npub fn blink() {}\n").expect("write lib");
    (dir, root)
}

#[test]
fn a_target_without_std_offers_install_and_build_std_and_fails_in_plain_words() {
    let target = "thumbv7em-none-eabihf";
    assert!(
        !triplet::build::std_installed(target),
        "this test needs {target} not to be installed"
    );
    let (_dir, root) = missing_std_workspace(target);
    let manifest = root.join("Cargo.toml");
    let uri = file_uri(&manifest);
    let mut client = LspSession::folders(&[&root]).work_done_progress().start();
    let (_, published) = client.open_until_code(&manifest, "T0006");
    let diagnostic = with_code(&published, "T0006")[0].clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .expect("code actions");
    let actions = actions.as_array().cloned().unwrap_or_default();
    let titles = titles(&actions);
    let install = format!("Install target (rustup target add {target})");
    let build_std = format!("Check {target} with -Zbuild-std (uses RUSTC_BOOTSTRAP=1)");
    assert!(titles.contains(&install.as_str()), "{titles:?}");
    if triplet::build::build_std_available().is_some() {
        assert!(titles.contains(&build_std.as_str()), "{titles:?}");
    }
    assert!(
        titles.contains(&format!("Check for {target}").as_str()),
        "{titles:?}"
    );
    let install_action = actions
        .iter()
        .find(|action| action["title"] == install.as_str())
        .cloned()
        .unwrap_or_default();
    assert_eq!(install_action["kind"], "quickfix");
    assert_eq!(
        install_action["command"]["command"],
        "triplet.installTarget"
    );
    assert_eq!(install_action["command"]["arguments"][0]["target"], target);
    assert_ne!(install_action["isPreferred"], true);

    check_target(&mut client, target, &uri);
    let status = wait_final_status(&mut client, target);
    assert_eq!(status["state"], "failed", "{status}");
    let shown = client.wait_for_notification("window/showMessage", |_| true);
    let message = shown["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("target {target} is not installed"))
            && message.contains(&format!("rustup target add {target}")),
        "{message}"
    );
    assert_eq!(shown["type"], 1);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn check_on_save_runs_only_when_enabled() {
    let host = host_triple();

    let mut client = with_progress("build-errors")
        .options(json!({"checkOnSave": true}))
        .start();
    let lib = client.file("warns/src/lib.rs");
    client.open_and_wait(&lib);
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&lib)}}),
    );
    wait_status(&mut client, &host, "running");
    let status = wait_final_status(&mut client, &host);
    assert_eq!(
        status["state"], "failed",
        "the workspace has a type error: {status}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));

    let mut client = with_progress("build-errors").start();
    let lib = client.file("warns/src/lib.rs");
    client.open_and_wait(&lib);
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": file_uri(&lib)}}),
    );
    // Well past the save debounce: a quiet period can only miss a bug, not fail a good server.
    std::thread::sleep(Duration::from_secs(2));
    assert!(client.unconsumed("triplet/checkStatus").is_empty());
    assert!(!client
        .server_requests
        .iter()
        .any(|(method, _)| method == "window/workDoneProgress/create"));
    assert!(!client.file("target").exists(), "nothing was built");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// One real cross check through -Zbuild-std, sharing its target dir with tests/it/build_std.rs.
#[test]
fn build_std_check_of_a_thumb_target_through_the_server() {
    assert!(
        triplet::build::build_std_available().is_some(),
        "this test needs a rustc with rust-src: install Debian's rustc-web and rust-web-src"
    );
    let target = "thumbv7em-none-eabihf";
    let label = format!("triplet({target})");
    let _shared = build_support::lock_shared_target_dir();
    let shared = Path::new(env!("CARGO_TARGET_TMPDIR")).join("build-nostd");
    let mut client = with_progress("build-nostd")
        .env("CARGO_TARGET_DIR", &shared)
        .start();
    let firmware = client.file("firmware/src/lib.rs");
    let helper = client.file("helper/src/lib.rs");
    client.open_and_wait(&firmware);

    execute(
        &mut client,
        "triplet.checkBuildStd",
        json!({"target": target, "uri": file_uri(&firmware)}),
    )
    .expect("check starts");
    let begin =
        client.wait_for_notification("$/progress", |params| params["value"]["kind"] == "begin");
    assert!(
        begin["value"]["title"]
            .as_str()
            .is_some_and(|title| title.contains("RUSTC_BOOTSTRAP=1") && title.contains(target)),
        "{begin}"
    );
    let status = wait_final_status(&mut client, target);
    assert_eq!(status["state"], "failed", "{status}");

    // firmware is wrong only under target_abi = "eabihf"; helper pulls std (E0463).
    let on_firmware = client.wait_for_diagnostics(&file_uri(&firmware), |params| {
        !with_code(params, "E0308").is_empty()
    });
    assert_eq!(
        with_code(&on_firmware, "E0308")[0]["source"],
        label.as_str()
    );
    let on_helper = client.wait_for_diagnostics(&file_uri(&helper), |params| {
        !with_code(params, "E0463").is_empty()
    });
    let missing_std = with_code(&on_helper, "E0463")[0];
    assert_eq!(missing_std["source"], label.as_str());
    assert_eq!(missing_std["range"]["start"]["line"], 3);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn install_target_runs_rustup_and_reports_its_failure() {
    let target = "thumbv7em-none-eabihf";
    let (dir, root) = missing_std_workspace(target);
    // A stand-in rustup that fails as an offline one would; it runs first on PATH.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let rustup = bin.join("rustup");
    std::fs::write(
        &rustup,
        "#!/bin/sh\necho \"error: could not download: $* (in $(pwd))\" >&2\nexit 1\n",
    )
    .expect("write rustup");
    let mut permissions = std::fs::metadata(&rustup).expect("metadata").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&rustup, permissions).expect("chmod");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let manifest = root.join("Cargo.toml");
    let uri = file_uri(&manifest);
    let mut client = LspSession::folders(&[&root])
        .work_done_progress()
        .env("PATH", &path)
        .start();
    client.open_and_wait(&manifest);

    // Commands that need a target say so.
    let refused = execute(&mut client, "triplet.installTarget", json!({"uri": uri}));
    assert_eq!(refused.unwrap_err()["code"], -32602);

    execute(
        &mut client,
        "triplet.installTarget",
        json!({"target": target, "uri": uri}),
    )
    .expect("install starts");
    wait_status(&mut client, target, "running");
    let begin =
        client.wait_for_notification("$/progress", |params| params["value"]["kind"] == "begin");
    assert!(
        begin["value"]["title"]
            .as_str()
            .is_some_and(|title| title.contains("rustup target add")),
        "{begin}"
    );
    let status = wait_final_status(&mut client, target);
    assert_eq!(status["state"], "failed", "{status}");
    let shown = client.wait_for_notification("window/showMessage", |_| true);
    let message = shown["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("`rustup target add {target}` failed"))
            && message.contains("could not download")
            // run in the workspace, so its rust-toolchain.toml picks the toolchain
            && message.contains(&format!("(in {})", root.display())),
        "{message}"
    );
    let token = begin["token"].clone();
    let end = client.wait_for_notification("$/progress", |params| {
        params["token"] == token && params["value"]["kind"] == "end"
    });
    assert!(
        end["value"]["message"]
            .as_str()
            .is_some_and(|text| text.contains("failed")),
        "{end}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn build_command_builds_every_selected_target_of_the_package() {
    let host = host_triple();
    let mut client = with_progress("build-errors").start();
    let root = client.root.clone();
    let lib = client.file("warns/src/lib.rs");
    client.open_and_wait(&lib);
    let actions = client.code_actions(&lib, first_line(), Some(json!(["source"])));
    let build = actions
        .iter()
        .find(|action| action["title"] == format!("Build for {host}"))
        .cloned()
        .unwrap_or_else(|| panic!("no build action in {actions:#?}"));
    assert_eq!(build["kind"], "source");
    assert_eq!(build["command"]["command"], "triplet.build");
    assert_eq!(
        titles(&actions),
        vec![
            format!("Check for {host}").as_str(),
            "Check all targets",
            format!("Build for {host}").as_str(),
        ],
        "no quick fixes when only source actions are asked for, no cancel while idle"
    );

    // No target: the package's selected targets (here the host).
    execute(&mut client, "triplet.build", json!({"uri": file_uri(&lib)})).expect("build starts");
    let begin =
        client.wait_for_notification("$/progress", |params| params["value"]["kind"] == "begin");
    assert_eq!(
        begin["value"]["title"],
        format!("Building for {host}").as_str()
    );
    let status = wait_final_status(&mut client, &host);
    assert_eq!(status["state"], "failed", "{status}");
    assert!(
        root.join("target/triplet").join(&host).is_dir()
            || root.join("target/triplet/debug").is_dir(),
        "builds go to target/triplet"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn build_results_and_live_findings_are_published_together() {
    let host = host_triple();
    let builder = with_progress("lsp-wasm");
    let lib = builder.root().join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).expect("read lib");
    std::fs::write(&lib, text.replace("{\n", "{\n    let unused = 1;\n")).expect("write lib");
    let mut client = builder.start();
    let uri = file_uri(&lib);
    client.open_until_code(&lib, "T0002");

    check_target(&mut client, &host, &uri);
    let both = client.wait_for_diagnostics(&uri, |params| {
        !with_code(params, "unused_variables").is_empty()
    });
    assert_eq!(with_code(&both, "T0002").len(), 1, "{both:#}");
    assert_eq!(with_code(&both, "T0002")[0]["source"], "triplet");
    let status = wait_final_status(&mut client, &host);
    assert_eq!(status["state"], "ok", "{status}");
    assert_eq!(status["warnings"], 1, "{status}");

    // A re-analysis keeps the build's warning; the finding is recomputed beside it.
    let edited = std::fs::read_to_string(&lib).expect("read lib") + "// edited\n";
    client.change_full(&lib, 2, &edited);
    let again = client.wait_for_diagnostics(&uri, |params| params["version"] == 2);
    assert_eq!(with_code(&again, "T0002").len(), 1, "{again:#}");
    assert_eq!(with_code(&again, "unused_variables").len(), 1, "{again:#}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_build_from_the_editor_says_where_its_artifacts_are() {
    let host = host_triple();
    let mut client = with_progress("platform-bin").start();
    let main = client.file("src/main.rs");
    client.open_and_wait(&main);
    execute(
        &mut client,
        "triplet.build",
        json!({"target": host, "uri": file_uri(&main)}),
    )
    .expect("build starts");
    let status = wait_final_status(&mut client, &host);
    assert_eq!(status["state"], "ok", "{status}");
    let binary = client
        .root
        .join("target/triplet")
        .join(&host)
        .join("debug/platform-bin");
    let expected = format!("platform-bin (executable, {host}): {}", binary.display());
    let shown = client.wait_for_notification("window/showMessage", |params| {
        params["message"]
            .as_str()
            .is_some_and(|message| message.contains(&expected))
    });
    assert_eq!(shown["type"], 3, "info: {shown}");
    assert!(binary.is_file(), "{}", binary.display());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
