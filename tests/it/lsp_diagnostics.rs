//! `triplet lsp` against fixture workspaces: diagnostics from buffers, exact columns,
//! quick-fixes, hover, configuration and on-disk manifest changes.

use crate::support;

use serde_json::{json, Value};
use std::fs;
use std::process::Command;
use support::lsp_client::{apply_edits, edits_for, file_uri, fixture, fixture_into};
use support::lsp_session::{has_code, with_code, LspSession};

fn buffer_edits_republish_with_exact_columns(utf8: bool) {
    let mut client = LspSession::fixture("lsp-no-std").utf8(utf8).start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    let (text, first) = client.open_until_code(&lib, "T0001");
    let diagnostic = with_code(&first, "T0001")[0].clone();
    let use_line = text.lines().nth(2).unwrap();
    let std_at = use_line.find("std").unwrap();
    assert_eq!(
        diagnostic["range"]["start"],
        json!({"line": 2, "character": std_at})
    );
    assert_eq!(
        diagnostic["range"]["end"],
        json!({"line": 2, "character": std_at + 3})
    );
    assert_eq!(diagnostic["source"], "triplet");
    assert_eq!(diagnostic["severity"], 1);
    // No placeholder link: the package declares no repository and no docsUrl is set.
    assert!(diagnostic.get("codeDescription").is_none(), "{diagnostic}");
    assert!(!diagnostic["data"]["targets"].as_array().unwrap().is_empty());
    let target = diagnostic["data"]["targets"][0].as_str().unwrap();
    assert!(diagnostic["message"].as_str().unwrap().contains(target));

    // Not saved: the new line exists only in the editor's buffer.
    let new_line = "/* é😀漢 */ pub type Text = std::string::String;";
    let insert_at =
        json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}});
    client.change_range(&lib, 2, insert_at, &format!("{new_line}\n"));
    let second = client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
    let on_new_line: Vec<_> = with_code(&second, "T0001")
        .into_iter()
        .filter(|d| d["range"]["start"]["line"] == 3)
        .collect();
    assert_eq!(on_new_line.len(), 1, "{second:#}");
    let std_byte = new_line.find("std").unwrap();
    let expected = client.column(new_line, std_byte);
    let expected_end = client.column(new_line, std_byte + 3);
    // é is 2 bytes / 1 unit, 😀 4 bytes / 2 units, 漢 3 bytes / 1 unit.
    assert_eq!(expected, if utf8 { 32 } else { 27 });
    assert_eq!(on_new_line[0]["range"]["start"]["character"], expected);
    assert_eq!(on_new_line[0]["range"]["end"]["character"], expected_end);
    // The original finding moved down one line with the buffer.
    assert!(with_code(&second, "T0001")
        .iter()
        .any(|d| d["range"]["start"]["line"] == 2));
    assert_eq!(
        fs::read_to_string(&lib).unwrap(),
        text,
        "the file on disk is untouched"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn buffer_edits_republish_with_exact_utf16_columns() {
    buffer_edits_republish_with_exact_columns(false);
}

#[test]
fn buffer_edits_republish_with_exact_utf8_columns() {
    buffer_edits_republish_with_exact_columns(true);
}

#[test]
fn quick_fix_makes_the_file_clean_and_compilable() {
    let mut client = LspSession::fixture("lsp-no-std").start();
    let root = client.root.clone();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    let (text, published) = client.open_until_code(&lib, "T0001");
    let diagnostic = with_code(&published, "T0001")[0].clone();

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .unwrap();
    let actions = actions.as_array().unwrap();
    let only_refactors = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [], "only": ["refactor"]}}),
        )
        .unwrap();
    assert_eq!(only_refactors, json!([]));
    let fix = actions
        .iter()
        .find(|action| action["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no preferred fix in {actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"][0]["code"], "T0001");
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );

    let fixed = apply_edits(&client.encoding, &text, &edits_for(&fix["edit"], &uri));
    assert!(fixed.contains("use alloc::vec::Vec;"), "{fixed}");
    assert!(fixed.contains("extern crate alloc;"), "{fixed}");
    client.change_full(&lib, 2, &fixed);
    let clean = client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
    assert!(!has_code(&clean, "T0001"), "{clean:#}");

    // The host compiler agrees: the fixed no_std library builds.
    fs::write(&lib, &fixed).unwrap();
    let out = root.join("out");
    let rustc = Command::new("rustc")
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "lib",
            "--emit",
            "metadata",
            "--out-dir",
        ])
        .arg(&out)
        .arg(&lib)
        .output()
        .unwrap();
    assert!(
        rustc.status.success(),
        "{}",
        String::from_utf8_lossy(&rustc.stderr)
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn hover_explains_the_runtime_failure() {
    let mut client = LspSession::fixture("lsp-wasm").start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    let (_, published) = client.open_until_code(&lib, "T0002");
    let diagnostic = with_code(&published, "T0002")[0].clone();
    assert_eq!(
        diagnostic["data"]["targets"],
        json!(["wasm32-unknown-unknown"])
    );

    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": diagnostic["range"]["start"]}),
        )
        .unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.contains("Instant::now"), "{markdown}");
    assert!(markdown.contains("wasm32-unknown-unknown"), "{markdown}");
    assert!(
        markdown.contains("# T0002 unsupported-api") && markdown.contains("**Fix**"),
        "the rule's page follows: {markdown}"
    );
    assert_eq!(hover["range"], diagnostic["range"]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn pushed_configuration_change_republishes() {
    let mut client = LspSession::fixture("lsp-wasm")
        .options(json!({"checkOnSave": false}))
        .start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open_until_code(&lib, "T0002");

    let host_only = json!({"settings": {"triplet": {"targets": ["x86_64-unknown-linux-gnu"]}}});
    client.notify("workspace/didChangeConfiguration", host_only);
    client.wait_for_diagnostics(&uri, |p| !has_code(p, "T0002"));

    let back = json!({"settings": {"triplet": {"targets": []}}});
    client.notify("workspace/didChangeConfiguration", back);
    client.wait_for_diagnostics(&uri, |p| has_code(p, "T0002"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn pulled_configuration_applies_rules() {
    let mut client = LspSession::fixture("lsp-wasm")
        .pull_configuration(json!({}))
        .start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open_until_code(&lib, "T0002");

    client.settings = json!({"rules": {"T0002": "off"}});
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    client.wait_for_diagnostics(&uri, |p| !has_code(p, "T0002"));
    assert!(client
        .server_requests
        .iter()
        .any(|(method, params)| method == "workspace/configuration"
            && params["items"][0]["section"] == "triplet"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn manifest_changes_on_disk_reload_and_publish_on_the_manifest() {
    let mut client = LspSession::fixture("lsp-wasm").start();
    let lib = client.file("src/lib.rs");
    let manifest = client.file("Cargo.toml");
    let uri = file_uri(&lib);
    client.open_until_code(&lib, "T0002");

    // Saved by some other program: the watcher reloads the workspace.
    let original = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        original.replace("wasm32-unknown-unknown", "wasm32-unknown-unknwn"),
    )
    .unwrap();
    // The misspelt triple is reported on Cargo.toml, which is not open.
    let on_manifest = client.wait_for_diagnostics(&file_uri(&manifest), |p| has_code(p, "T0007"));
    assert_eq!(on_manifest["version"], Value::Null);

    fs::write(
        &manifest,
        original.replace("wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"),
    )
    .unwrap();
    client.wait_for_diagnostics(&uri, |p| !has_code(p, "T0002"));
    client.wait_for_diagnostics(&file_uri(&manifest), |p| !has_code(p, "T0007"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn broken_manifest_is_a_diagnostic_and_the_last_model_keeps_serving() {
    // The wasm32 selection lives in Cargo.toml: only the last good model still knows it.
    let mut client = LspSession::fixture("lsp-wasm").start();
    let lib = client.file("src/lib.rs");
    let manifest = client.file("Cargo.toml");
    let uri = file_uri(&lib);
    let (text, _) = client.open_until_code(&lib, "T0002");

    let original = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, "[package]\nname = \"lsp-wasm\"\nversion = \n").unwrap();
    let broken = client.wait_for_diagnostics(&file_uri(&manifest), |p| has_code(p, "load-error"));
    let load_error = with_code(&broken, "load-error")[0];
    assert_eq!(load_error["severity"], 1);
    assert_eq!(load_error["range"]["start"]["line"], 2, "{load_error:#}");
    assert_eq!(
        broken["diagnostics"].as_array().unwrap().len(),
        1,
        "{broken:#}"
    );

    // The buffer is still analysed against the last good model (wasm32 selected).
    let more = text.replace(
        "start.elapsed()",
        "std::time::Instant::now().elapsed(); start.elapsed()",
    );
    client.change_full(&lib, 2, &more);
    let served = client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
    assert_eq!(with_code(&served, "T0002").len(), 2, "{served:#}");

    fs::write(&manifest, original).unwrap();
    client.wait_for_diagnostics(&file_uri(&manifest), |p| !has_code(p, "load-error"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn several_workspaces_are_served_side_by_side() {
    let (_no_std_dir, no_std) = fixture("lsp-no-std");
    let (_wasm_dir, wasm) = fixture("lsp-wasm");
    let mut client = LspSession::folders(&[&no_std, &wasm]).start();
    client.open(&no_std.join("src/lib.rs"), 1);
    client.open(&wasm.join("src/lib.rs"), 1);
    client.wait_for_diagnostics(&file_uri(&no_std.join("src/lib.rs")), |p| {
        has_code(p, "T0001")
    });
    client.wait_for_diagnostics(&file_uri(&wasm.join("src/lib.rs")), |p| {
        has_code(p, "T0002")
    });
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"]
        .as_array()
        .unwrap()
        .contains(&json!("wasm32-unknown-unknown")));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn closing_a_buffer_falls_back_to_the_file_on_disk() {
    let mut client = LspSession::fixture("lsp-no-std").start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open_until_code(&lib, "T0001");
    client.change_full(&lib, 2, "#![no_std]\npub fn clean() {}\n");
    client.wait_for_diagnostics(&uri, |p| p["version"] == 2 && !has_code(p, "T0001"));
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let from_disk = client.wait_for_diagnostics(&uri, |p| has_code(p, "T0001"));
    assert_eq!(from_disk["version"], Value::Null);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn rapid_edits_never_publish_an_older_version_after_a_newer_one() {
    let mut client = LspSession::fixture("lsp-no-std").start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    let text = client.open(&lib, 1);
    client.wait_for_diagnostics(&uri, |p| p["version"] == 1);
    let last = 30;
    for version in 2..=last {
        let edited =
            format!("{text}// edit {version}\npub type T{version} = std::string::String;\n");
        client.change_full(&lib, version, &edited);
    }
    let final_publish = client.wait_for_diagnostics(&uri, |p| p["version"] == last);
    // One T0001 from the fixture plus the one the last edit added.
    assert_eq!(
        with_code(&final_publish, "T0001").len(),
        2,
        "{final_publish:#}"
    );
    let versions: Vec<i64> = client
        .unconsumed("textDocument/publishDiagnostics")
        .iter()
        .filter(|p| p["uri"] == uri.as_str())
        .map(|p| p["version"].as_i64().unwrap_or(-1))
        .chain([last])
        .collect();
    let mut sorted = versions.clone();
    sorted.sort();
    assert_eq!(versions, sorted, "published out of order");
    assert!(versions.iter().all(|v| *v > 0 && *v <= last));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn manifest_buffer_edits_get_diagnostics_and_toml_quick_fixes() {
    let mut client = LspSession::fixture("lsp-wasm").utf8(true).start();
    let manifest = client.file("Cargo.toml");
    let uri = file_uri(&manifest);
    let text = client.open(&manifest, 1);
    let typo = text.replace("wasm32-unknown-unknown", "wasm32-unknown-unknwn");
    client.change_full(&manifest, 2, &typo);
    let published =
        client.wait_for_diagnostics(&uri, |p| p["version"] == 2 && has_code(p, "T0007"));
    let diagnostic = with_code(&published, "T0007")[0].clone();
    let line = typo
        .lines()
        .nth(diagnostic["range"]["start"]["line"].as_u64().unwrap() as usize);
    assert!(line.unwrap().contains("wasm32-unknown-unknwn"));

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .unwrap();
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|action| {
            action["title"]
                .as_str()
                .unwrap_or("")
                .contains("wasm32-unknown-unknown")
        })
        .unwrap_or_else(|| panic!("no did-you-mean fix in {actions:#}"))
        .clone();
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        2
    );
    let fixed = apply_edits(&client.encoding, &typo, &edits_for(&fix["edit"], &uri));
    assert_eq!(fixed, text);
    client.change_full(&manifest, 3, &fixed);
    client.wait_for_diagnostics(&uri, |p| p["version"] == 3 && !has_code(p, "T0007"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn settings_apply_per_workspace_folder() {
    let (_a_dir, first) = fixture("lsp-wasm");
    let (_b_dir, second) = fixture("lsp-wasm");
    let mut client = LspSession::folders(&[&first, &second])
        .pull_configuration(json!({}))
        .folder_settings(&second, json!({"targets": ["x86_64-unknown-linux-gnu"]}))
        .start();
    client.open(&first.join("src/lib.rs"), 1);
    client.open(&second.join("src/lib.rs"), 1);
    client.wait_for_diagnostics(&file_uri(&first.join("src/lib.rs")), |p| {
        has_code(p, "T0002")
    });
    client.wait_for_diagnostics(&file_uri(&second.join("src/lib.rs")), |p| {
        p["version"] == 1 && !has_code(p, "T0002")
    });
    let scoped = client
        .server_requests
        .iter()
        .filter(|(method, _)| method == "workspace/configuration")
        .any(|(_, params)| params["items"][2]["scopeUri"] == file_uri(&second).as_str());
    assert!(scoped, "{:#?}", client.server_requests);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn client_watcher_registration_and_folder_changes() {
    let (_wasm_dir, wasm) = fixture("lsp-wasm");
    let mut client = LspSession::fixture("lsp-no-std")
        .watched_files_registration()
        .start();
    let lib = client.file("src/lib.rs");
    client.open_until_code(&lib, "T0001");
    let registration = client
        .server_requests
        .iter()
        .find(|(method, _)| method == "client/registerCapability")
        .map(|(_, params)| params.clone())
        .expect("the server registers for watched files");
    let registered = &registration["registrations"][0];
    assert_eq!(registered["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registered["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|watcher| watcher["globPattern"].as_str())
        .collect();
    assert!(
        globs.contains(&"**/Cargo.toml") && globs.contains(&"**/*.rs"),
        "{globs:?}"
    );

    // A new module: declared in the (unsaved) buffer of lib.rs, its file created on disk
    // and reported by the client's watcher. Its findings are published though it is closed.
    let other = client.file("src/other.rs");
    fs::write(&other, "pub use std::string::String;\n").unwrap();
    let text = fs::read_to_string(&lib).unwrap();
    client.change_full(&lib, 2, &format!("{text}pub mod other;\n"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&other), "type": 1}]}),
    );
    let published = client.wait_for_diagnostics(&file_uri(&other), |p| has_code(p, "T0001"));
    assert_eq!(published["version"], Value::Null);

    // Making the crate std again (unsaved) clears the closed module's findings too.
    let with_std = format!("{text}pub mod other;\n").replace("#![no_std]\n", "");
    client.change_full(&lib, 3, &with_std);
    client.wait_for_diagnostics(&file_uri(&other), |p| !has_code(p, "T0001"));

    // A folder added later gets its own engine.
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": file_uri(&wasm), "name": "wasm"}], "removed": []}}),
    );
    client.open(&wasm.join("src/lib.rs"), 1);
    client.wait_for_diagnostics(&file_uri(&wasm.join("src/lib.rs")), |p| {
        has_code(p, "T0002")
    });
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_session_without_folders_serves_the_package_of_an_opened_file() {
    let (_dir, root) = fixture("lsp-no-std");
    let lib = root.join("src/lib.rs");
    let mut client = LspSession::folders(&[]).start();
    client.open_until_code(&lib, "T0001");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn one_folder_with_two_cargo_workspaces_gets_an_engine_each() {
    let dir = tempfile::tempdir().unwrap();
    let no_std = fixture_into("lsp-no-std", dir.path());
    let wasm = fixture_into("lsp-wasm", dir.path());
    let mut client = LspSession::folders(&[dir.path()]).start();
    client.open(&no_std.join("src/lib.rs"), 1);
    client.open(&wasm.join("src/lib.rs"), 1);
    client.wait_for_diagnostics(&file_uri(&no_std.join("src/lib.rs")), |p| {
        has_code(p, "T0001")
    });
    client.wait_for_diagnostics(&file_uri(&wasm.join("src/lib.rs")), |p| {
        has_code(p, "T0002")
    });
    // Each workspace answers for its own files.
    let wasm_targets = client
        .request(
            "triplet/targets",
            json!({"uri": file_uri(&wasm.join("src/lib.rs"))}),
        )
        .unwrap();
    assert!(wasm_targets["selected"]
        .as_array()
        .unwrap()
        .contains(&json!("wasm32-unknown-unknown")));
    let no_std_targets = client
        .request(
            "triplet/targets",
            json!({"uri": file_uri(&no_std.join("src/lib.rs"))}),
        )
        .unwrap();
    assert!(!no_std_targets["selected"]
        .as_array()
        .unwrap()
        .contains(&json!("wasm32-unknown-unknown")));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn crlf_buffers_get_exact_positions() {
    let (_dir, root) = fixture("lsp-no-std");
    let lib = root.join("src/lib.rs");
    let uri = file_uri(&lib);
    for utf8 in [false, true] {
        let mut client = LspSession::folders(&[&root]).utf8(utf8).start();
        let text = client.open(&lib, 1);
        let crlf = text.replace('\n', "\r\n");
        client.change_full(&lib, 2, &crlf);
        let published = client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
        let diagnostic = with_code(&published, "T0001")[0];
        let use_line = crlf.split("\r\n").nth(2).unwrap();
        let std_at = use_line.find("std").unwrap();
        let column = client.column(use_line, std_at);
        assert_eq!(
            diagnostic["range"],
            json!({"start": {"line": 2, "character": column},
                   "end": {"line": 2, "character": column + 3}})
        );
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn initialization_options_select_targets_from_the_start() {
    let options = json!({"targets": ["x86_64-unknown-linux-gnu"], "checkOnSave": false});
    let mut client = LspSession::fixture("lsp-wasm").options(options).start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open(&lib, 1);
    let published = client.wait_for_diagnostics(&uri, |p| p["version"] == 1);
    assert!(!has_code(&published, "T0002"), "{published:#}");
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert_eq!(targets["selected"], json!(["x86_64-unknown-linux-gnu"]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn unavailable_on_target_in_an_unsaved_buffer_and_its_fix() {
    let mut client = LspSession::fixture("semantics/own-cfg-items").start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    let (text, _) = client.open_until_code(&lib, "T0008");

    // A new call to the crate's `#[cfg(unix)]` function, typed and not saved.
    let edited = format!("{text}\npub fn typed_now() {{\n    unix_only();\n}}\n");
    client.change_full(&lib, 2, &edited);
    let new_line = edited.lines().count() as u64 - 2;
    // Version 2 is published twice: the first tier at once (the touched crate's semantic
    // findings as they were), then with the semantic checks of the new text.
    let first_tier = client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
    assert!(
        !with_code(&first_tier, "T0008")
            .iter()
            .any(|d| d["range"]["start"]["line"] == new_line),
        "{first_tier:#}"
    );
    let published = client.wait_for_diagnostics(&uri, |p| {
        p["version"] == 2
            && with_code(p, "T0008")
                .iter()
                .any(|d| d["range"]["start"]["line"] == new_line)
    });
    let diagnostic = with_code(&published, "T0008")
        .into_iter()
        .find(|d| d["range"]["start"]["line"] == new_line)
        .cloned()
        .unwrap_or_else(|| panic!("no T0008 on line {new_line}: {published:#}"));
    let message = diagnostic["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("x86_64-pc-windows-msvc")
            && message.contains("exists on x86_64-unknown-linux-gnu"),
        "{message}"
    );
    assert_eq!(diagnostic["source"], "triplet");

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .unwrap();
    let fix = actions
        .as_array()
        .and_then(|actions| {
            actions.iter().find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("#[cfg(unix)]"))
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("no #[cfg(unix)] fix in {actions:#}"));
    let fixed = apply_edits(&client.encoding, &edited, &edits_for(&fix["edit"], &uri));
    assert!(
        fixed.contains("    #[cfg(unix)]\n    unix_only();"),
        "{fixed}"
    );
    client.change_full(&lib, 3, &fixed);
    client.wait_for_diagnostics(&uri, |p| {
        p["version"] == 3
            && !with_code(p, "T0008")
                .iter()
                .any(|d| d["range"]["start"]["line"].as_u64() >= Some(new_line))
    });
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn diagnostics_link_to_the_rule_page_under_the_docs_url_setting() {
    let mut client = LspSession::fixture("lsp-no-std")
        .options(json!({"docsUrl": "https://docs.example.org/triplet/rules.md"}))
        .start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open(&lib, 1);
    let published = client.wait_for_diagnostics(&uri, |p| has_code(p, "T0001"));
    let diagnostic = with_code(&published, "T0001")[0];
    assert_eq!(
        diagnostic["codeDescription"]["href"],
        "https://docs.example.org/triplet/rules.md#t0001-std-in-no-std"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_dependency_feature_edited_in_the_buffer_shows_and_clears_t0005_and_its_fix_applies() {
    let mut client = LspSession::fixture("dependency-corpus").utf8(true).start();
    let manifest = client.file("tokio-net-wasm/Cargo.toml");
    let uri = file_uri(&manifest);
    let (text, _) = client.open_until_code(&manifest, "T0005");
    // Unsaved: tokio without `net` builds for wasm32 (no mio in the graph).
    let without_net = text.replace("features = [\"net\"]", "features = [\"rt\"]");
    assert_ne!(without_net, text);
    client.change_full(&manifest, 2, &without_net);
    client.wait_for_diagnostics(&uri, |p| p["version"] == 2 && !has_code(p, "T0005"));
    client.change_full(&manifest, 3, &text);
    let published =
        client.wait_for_diagnostics(&uri, |p| p["version"] == 3 && has_code(p, "T0005"));
    let diagnostic = with_code(&published, "T0005")[0].clone();
    assert!(
        diagnostic["message"]
            .as_str()
            .is_some_and(|m| m.contains("tokio (feature \"net\") → mio")),
        "{diagnostic:#}"
    );
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"],
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .unwrap_or_default();
    let fix = actions
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("Remove feature `net`"))
        })
        .unwrap_or_else(|| panic!("no feature fix in {actions:#}"))
        .clone();
    let fixed = apply_edits(&client.encoding, &text, &edits_for(&fix["edit"], &uri));
    client.change_full(&manifest, 4, &fixed);
    client.wait_for_diagnostics(&uri, |p| p["version"] == 4 && !has_code(p, "T0005"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
