//! Bad protocol input never ends the session: every malformed frame or message gets the
//! spec's error response (or is ignored where the spec says so), and the next valid
//! request is answered. Complements tests/it/lsp_lifecycle.rs (unknown methods, bad params
//! for hover, invalid JSON, requests before initialize and after shutdown).

use crate::support;

use serde_json::{json, Value};
use support::lsp_client::{capabilities, file_uri, LspClient};
use support::lsp_session::LspSession;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;

fn started() -> LspSession {
    LspSession::empty_folder().start()
}

/// The server still answers a valid request.
fn still_serving(client: &mut LspClient) {
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"].is_array(), "{targets}");
}

#[test]
fn malformed_headers_get_parse_errors_and_the_stream_resynchronises() {
    let mut client = started();
    // No Content-Length at all: the body that follows cannot be delimited.
    client.send_bytes(b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\":\"2.0\"}");
    let error = client.response_to(Value::Null).unwrap_err();
    assert_eq!(error["code"], PARSE_ERROR);
    still_serving(&mut client);

    client.send_bytes(b"Content-Length: twelve\r\n\r\n");
    assert_eq!(
        client.response_to(Value::Null).unwrap_err()["code"],
        PARSE_ERROR
    );
    still_serving(&mut client);

    // A header line that is not UTF-8, then a header line without a colon.
    client.send_bytes(b"\xff\xfe\xfd\r\nno colon here\r\n\r\n");
    assert_eq!(
        client.response_to(Value::Null).unwrap_err()["code"],
        PARSE_ERROR
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn malformed_bodies_get_the_spec_errors() {
    let mut client = started();
    let body = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\xfe\"}";
    client.send_bytes(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    client.send_bytes(body);
    assert_eq!(
        client.response_to(Value::Null).unwrap_err()["code"],
        PARSE_ERROR
    );

    for invalid in [
        r#"[]"#,
        r#"42"#,
        r#"{"jsonrpc":"2.0","id":{"nested":1},"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","id":4294967296,"method":"shutdown"}"#,
        r#"{"jsonrpc":"2.0","method":7}"#,
    ] {
        client.send_raw(invalid);
        let error = client.response_to(Value::Null).unwrap_err();
        assert_eq!(error["code"], INVALID_REQUEST, "{invalid}");
    }
    // Neither shutdown attempt above was taken as a shutdown.
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn wrong_parameter_types_get_invalid_params() {
    let mut client = started();
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": 5}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///x.rs"}, "position": {"line": -1, "character": 0}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": "file:///x.rs"}, "range": "all"}),
        ),
        ("textDocument/codeAction", Value::Null),
        ("workspace/executeCommand", json!({"command": 12})),
        ("triplet/targets", json!({"uri": ["file:///x.rs"]})),
        ("triplet/targets", json!("everything")),
    ] {
        let error = client.request(method, params.clone()).unwrap_err();
        assert_eq!(error["code"], INVALID_PARAMS, "{method} {params}");
    }
    // Notifications with wrong types are logged and dropped.
    for (method, params) in [
        (
            "textDocument/didOpen",
            json!({"textDocument": {"uri": "file:///x.rs", "languageId": "rust", "version": "one", "text": ""}}),
        ),
        (
            "textDocument/didChange",
            json!({"textDocument": {"uri": "file:///x.rs", "version": 1}, "contentChanges": {"text": ""}}),
        ),
        ("textDocument/didClose", json!([])),
        ("textDocument/didSave", json!(null)),
        (
            "workspace/didChangeConfiguration",
            json!({"settings": {"triplet": {"targets": 7, "rules": []}}}),
        ),
        (
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": 1, "type": "x"}]}),
        ),
        (
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {"added": [{"uri": "not a uri"}]}}),
        ),
        ("$/cancelRequest", json!({"id": [1]})),
        ("$/setTrace", json!({"value": "verbose"})),
        ("made/up", json!({"anything": true})),
    ] {
        client.notify(method, params);
    }
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn notifications_before_initialize_are_dropped() {
    let mut client = LspClient::spawn();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///early.rs", "languageId": "rust", "version": 1, "text": "fn main() {}"}}),
    );
    client.notify("initialized", json!({}));
    let error = client.request("triplet/targets", json!({})).unwrap_err();
    assert_eq!(error["code"], SERVER_NOT_INITIALIZED);
    let dir = tempfile::tempdir().unwrap();
    client.initialize(&[dir.path()], capabilities(false, false), Value::Null);
    // The early didOpen was not kept: hover on it knows nothing.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///early.rs"}, "position": {"line": 0, "character": 3}}),
    );
    assert_eq!(hover, Ok(Value::Null));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn unknown_documents_and_responses_are_ignored() {
    let mut client = started();
    let ghost = file_uri(&client.file("ghost.rs"));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ghost, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "text": "x"}]}),
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": ghost}}),
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": ghost}}),
    );
    // A response to a request the server never sent.
    client.send(&json!({"jsonrpc": "2.0", "id": "nobody-asked", "result": {"x": 1}}));
    client.send(&json!({"jsonrpc": "2.0", "id": 12345, "error": {"code": -1, "message": "?"}}));
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": ghost},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(
        matches!(actions, Ok(Value::Null)) || actions == Ok(json!([])),
        "{actions:?}"
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn ranges_outside_the_document_are_clamped() {
    let mut client = LspSession::fixture("lsp-no-std").start();
    let lib = client.file("src/lib.rs");
    let uri = file_uri(&lib);
    client.open_and_wait(&lib);

    let far = |line: u64, character: u64| json!({"line": line, "character": character});
    // Past the last line, past the end of a line, reversed, and at u32::MAX.
    client.change_range(
        &lib,
        2,
        json!({"start": far(1000, 0), "end": far(2000, 5)}),
        "\n// tail",
    );
    client.change_range(
        &lib,
        3,
        json!({"start": far(0, 500), "end": far(0, 900)}),
        " // head",
    );
    client.change_range(&lib, 4, json!({"start": far(3, 4), "end": far(3, 0)}), "");
    client.change_range(
        &lib,
        5,
        json!({"start": far(4_294_967_295, 4_294_967_295), "end": far(4_294_967_295, 4_294_967_295)}),
        "",
    );
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": far(4_294_967_295, 4_294_967_295)}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri},
            "range": {"start": far(900, 0), "end": far(1, 0)}, "context": {"diagnostics": []}}),
        ),
    ] {
        assert!(client.request(method, params).is_ok(), "{method}");
    }
    // The buffer survived the clamped edits: the finding on line 2 is still there, and
    // a full replace is analysed from the new text.
    let clamped = client.wait_for_diagnostics(&uri, |p| p["version"] == 5);
    assert!(
        clamped["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "T0001" && d["range"]["start"]["line"] == 2),
        "{clamped:#}"
    );
    client.change_full(&lib, 6, "#![no_std]\npub use std::string::String;\n");
    let replaced = client.wait_for_diagnostics(&uri, |p| p["version"] == 6);
    assert_eq!(
        replaced["diagnostics"][0]["range"]["start"]["line"], 1,
        "{replaced:#}"
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_50_mb_message_is_answered_and_the_next_one_too() {
    let mut client = started();
    let padding = "x".repeat(50 * 1024 * 1024);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///big.rs"}, "position": {"line": 0, "character": 0}, "padding": padding}),
    );
    assert_eq!(hover, Ok(Value::Null));
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_absurd_content_length_is_refused_without_allocating_it() {
    let mut client = started();
    client.send_bytes(b"Content-Length: 4611686018427387903\r\n\r\n{}");
    let error = client.response_to(Value::Null).unwrap_err();
    assert_eq!(error["code"], PARSE_ERROR);
    assert!(error["message"].as_str().unwrap().contains("larger than"));
    // The announced body never comes: EOF ends the session cleanly (1: no shutdown).
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
}
