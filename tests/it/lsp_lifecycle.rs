//! `triplet lsp` lifecycle and error handling, over real pipes.

use crate::support;

use serde_json::{json, Value};
use support::lsp_client::{capabilities, LspClient};
use support::lsp_session::LspSession;

const SERVER_NOT_INITIALIZED: i64 = -32002;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const INVALID_REQUEST: i64 = -32600;
const PARSE_ERROR: i64 = -32700;

fn started() -> LspSession {
    LspSession::empty_folder().start()
}

#[test]
fn shutdown_then_exit_exits_zero() {
    let client = started();
    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn shutdown_with_an_empty_params_object_is_accepted() {
    let mut client = started();
    assert_eq!(client.request("shutdown", json!({})), Ok(Value::Null));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_one() {
    let mut client = started();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn eof_on_stdin_ends_the_server() {
    let mut client = started();
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn requests_before_initialize_are_rejected() {
    let mut client = LspClient::spawn();
    let error = client.request("textDocument/hover", json!({})).unwrap_err();
    assert_eq!(error["code"], SERVER_NOT_INITIALIZED);
    // …and initialize still works afterwards.
    let dir = tempfile::tempdir().unwrap();
    client.initialize(&[dir.path()], capabilities(false, false), Value::Null);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn requests_after_shutdown_are_invalid() {
    let mut client = started();
    assert_eq!(client.request("shutdown", Value::Null), Ok(Value::Null));
    let error = client.request("triplet/targets", json!({})).unwrap_err();
    assert_eq!(error["code"], INVALID_REQUEST);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn bad_input_gets_errors_and_the_server_goes_on() {
    let mut client = started();

    let unknown = client
        .request("textDocument/frobnicate", json!({}))
        .unwrap_err();
    assert_eq!(unknown["code"], METHOD_NOT_FOUND);

    let bad_params = client.request("textDocument/hover", json!(42)).unwrap_err();
    assert_eq!(bad_params["code"], INVALID_PARAMS);

    client.send_raw("{this is not json");
    let parse_error = client.response_to(Value::Null).unwrap_err();
    assert_eq!(parse_error["code"], PARSE_ERROR);

    client.send_raw(r#"{"jsonrpc":"2.0","id":99,"params":{}}"#);
    let invalid = client.response_to(json!(99)).unwrap_err();
    assert_eq!(invalid["code"], INVALID_REQUEST);

    // Notifications with bad params are logged, never answered, never fatal.
    client.notify("textDocument/didOpen", json!({"textDocument": 7}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere.rs", "version": 2}, "contentChanges": []}),
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.rs"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover, Ok(Value::Null));
    let command = client
        .request(
            "workspace/executeCommand",
            json!({"command": "triplet.nope", "arguments": []}),
        )
        .unwrap_err();
    assert_eq!(command["code"], INVALID_PARAMS);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn position_encoding_is_negotiated() {
    let dir = tempfile::tempdir().unwrap();
    let mut utf8 = LspClient::spawn();
    let result = utf8.initialize(&[dir.path()], capabilities(true, false), Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source"])
    );
    assert_eq!(
        result["capabilities"]["executeCommandProvider"]["commands"],
        json!([
            "triplet.check",
            "triplet.build",
            "triplet.cancel",
            "triplet.installTarget",
            "triplet.checkBuildStd"
        ])
    );
    assert_eq!(utf8.shutdown_and_exit().code(), Some(0));

    let mut utf16 = LspClient::spawn();
    let result = utf16.initialize(&[dir.path()], json!({}), Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(utf16.shutdown_and_exit().code(), Some(0));
}

#[test]
fn targets_request_answers_with_the_three_lists() {
    let mut client = started();
    let targets = client.request("triplet/targets", json!({})).unwrap();
    for key in ["selected", "installed", "known"] {
        assert!(targets[key].is_array(), "{key} missing in {targets}");
    }
    let with_null = client.request("triplet/targets", Value::Null).unwrap();
    assert!(with_null["selected"].is_array());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
