//! Requests an editor sends as soon as it opens a file, while the workspace is still
//! loading: they wait for the model (the protocol loop goes on meanwhile) and get the
//! full answer, or `RequestCancelled` at once when the client cancels them.

use crate::support;

use serde_json::{json, Value};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use support::lsp_client::{file_uri, PATIENCE};
use support::lsp_session::{titles, LspSession, LOAD_WAIT_ENV};

const REQUEST_CANCELLED: i64 = -32800;

/// (line, UTF-16 column) of the first `needle` in an ASCII `text`.
fn position_of(text: &str, needle: &str) -> Value {
    let (line, content) = text
        .lines()
        .enumerate()
        .find(|(_, content)| content.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {text}"));
    let column = content.find(needle).unwrap_or_default();
    json!({"line": line, "character": column})
}

#[test]
fn code_actions_and_hover_sent_right_after_did_open_get_the_full_answer() {
    // The server waits as long as this machine needs for the load, never less.
    let mut session = LspSession::fixture("lsp-wasm")
        .env(LOAD_WAIT_ENV, PATIENCE.as_secs().to_string())
        .start();
    let lib = session.file("src/lib.rs");
    let uri = file_uri(&lib);
    let text = session.open(&lib, 1);
    let at = position_of(&text, "Instant::now");
    let range = json!({"start": at, "end": at});
    let actions = session.send_request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    let hover = session.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": at}),
    );

    let actions = session.response_to(actions).expect("code actions");
    let actions = actions.as_array().cloned().unwrap_or_default();
    let target = "wasm32-unknown-unknown";
    let check = format!("Check for {target}");
    let build = format!("Build for {target}");
    let titles = titles(&actions);
    for expected in [check.as_str(), "Check all targets", build.as_str()] {
        assert!(titles.contains(&expected), "{expected:?} not in {titles:?}");
    }

    let hover = session.response_to(hover).expect("hover");
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("Instant::now"), "{hover:#}");
    assert!(markdown.contains(target), "{hover:#}");
    assert_eq!(session.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_request_waiting_for_the_load_is_cancelled_at_once_and_the_loop_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("stuck");
    fs::create_dir_all(root.join("src")).expect("mkdir");
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"stuck\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write manifest");
    fs::write(root.join("src/lib.rs"), "pub fn f() {}\n").expect("write lib");
    // A `cargo metadata` that never answers: the load cannot finish during this test.
    let cargo = dir.path().join("cargo");
    fs::write(&cargo, "#!/bin/sh\nexec sleep 600\n").expect("write fake cargo");
    fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut session = LspSession::folders(&[&root])
        .env("CARGO", &cargo)
        // Only the cancellation can end this wait.
        .env(LOAD_WAIT_ENV, "600")
        .start();
    let lib = root.join("src/lib.rs");
    session.open(&lib, 1);
    let waiting = session.send_request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": file_uri(&lib)},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );

    // Meanwhile the loop answers a request that needs no model.
    let other = root.join("src/other.rs");
    let hover = session.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": file_uri(&other)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Ok(Value::Null));
    assert!(
        !session.has_response(&waiting),
        "answered before the load finished"
    );

    session.notify("$/cancelRequest", json!({"id": waiting}));
    let cancelled = session.response_to(waiting).expect_err("cancelled");
    assert_eq!(cancelled["code"], REQUEST_CANCELLED, "{cancelled:#}");
    assert_eq!(session.shutdown_and_exit().code(), Some(0));
}
