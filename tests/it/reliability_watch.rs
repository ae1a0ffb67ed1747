//! Files that vanish, turn into something unreadable, or loop while the server watches
//! them: each is handled, and the server keeps serving.

use crate::support;

use serde_json::{json, Value};
use std::fs;
use std::process::Command;
use support::lsp_client::{capabilities, file_uri, fixture, LspClient};

fn has_t0001(params: &Value) -> bool {
    params["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == "T0001"))
}

fn still_serving(client: &mut LspClient) {
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"].is_array());
}

#[test]
fn a_file_deleted_then_replaced_by_a_fifo_while_open() {
    let (_dir, root) = fixture("lsp-no-std");
    let lib = root.join("src/lib.rs");
    let uri = file_uri(&lib);
    let mut client = LspClient::spawn();
    client.initialize(&[root.as_path()], capabilities(false, false), Value::Null);
    client.open(&lib, 1);
    client.wait_for_diagnostics(&uri, |p| p["version"] == 1 && has_t0001(p));

    // Deleted on disk: the buffer is still the truth while it is open.
    fs::remove_file(&lib).unwrap();
    client.change_full(&lib, 2, "#![no_std]\npub use std::rc::Rc;\n");
    let edited = client.wait_for_diagnostics(&uri, |p| p["version"] == 2);
    assert!(has_t0001(&edited), "{edited:#}");

    // Closed: diagnostics now come from the disk, where the file is gone.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    still_serving(&mut client);
    // Now a FIFO by that name: whoever opens it for reading blocks until a writer comes.
    assert!(Command::new("mkfifo").arg(&lib).status().unwrap().success());
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 1}]}),
    );
    still_serving(&mut client);
    // Reopened with text: analysed from the buffer as usual.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 4,
               "text": "#![no_std]\npub use core::cell::Cell;\n"}}),
    );
    let clean = client.wait_for_diagnostics(&uri, |p| p["version"] == 4);
    assert!(!has_t0001(&clean), "{clean:#}");
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn symlink_loops_in_the_workspace_do_not_stop_the_server() {
    let (_dir, root) = fixture("lsp-no-std");
    // Directory loops for the watcher and the workspace discovery, and a module loop.
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("src"), root.join("src/again")).unwrap();
    std::os::unix::fs::symlink(root.join("src/self.rs"), root.join("src/self.rs")).unwrap();
    let lib = root.join("src/lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str("mod again;\nmod r#self;\n");
    fs::write(&lib, &text).unwrap();
    fs::write(root.join("src/mod.rs"), "mod again;\n").unwrap();

    let uri = file_uri(&lib);
    let mut client = LspClient::spawn();
    client.initialize(&[root.as_path()], capabilities(false, false), Value::Null);
    client.open(&lib, 1);
    let published = client.wait_for_diagnostics(&uri, |p| p["version"] == 1);
    assert!(has_t0001(&published), "{published:#}");
    // A change on disk under the loop is still noticed and handled.
    fs::write(root.join("loop/src/extra.rs"), "pub fn x() {}\n").unwrap();
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
