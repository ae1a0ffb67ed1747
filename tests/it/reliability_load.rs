//! Load through the real server: a burst of 2,000 edits to a large buffer, and a
//! `git checkout` that rewrites 10,000 files at once. Memory stays bounded, the server
//! keeps answering meanwhile, the final diagnostics describe the final text, and the
//! checkout costs one reload.

use crate::support;

use serde_json::{json, Value};
use std::fs;
use support::lsp_client::{capabilities, file_uri, fixture, offset_of, LspClient};

fn rss_kib(pid: u32, field: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|line| line.starts_with(field))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kib| kib.parse().ok())
        .unwrap()
}

fn answers(client: &mut LspClient, uri: &str) {
    let targets = client.request("triplet/targets", json!({})).unwrap();
    assert!(targets["selected"].is_array());
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover.is_ok());
}

#[test]
fn two_thousand_edits_keep_memory_bounded_and_end_with_the_final_texts_diagnostics() {
    let (_dir, root) = fixture("lsp-no-std");
    let lib = root.join("src/lib.rs");
    // A large file: the fixture plus 5,000 functions (about 300 KB).
    let mut text = fs::read_to_string(&lib).unwrap();
    for i in 0..5_000 {
        text.push_str(&format!(
            "pub fn f{i}(x: u32) -> u32 {{ x.wrapping_mul({i}) }}\n"
        ));
    }
    fs::write(&lib, &text).unwrap();
    let uri = file_uri(&lib);
    let mut client = LspClient::spawn();
    client.initialize(&[root.as_path()], capabilities(false, false), Value::Null);
    client.open(&lib, 1);
    client.wait_for_diagnostics(&uri, |p| p["version"] == 1);
    let baseline = rss_kib(client.pid(), "VmRSS:");

    let mut expected = text.clone();
    for version in 2..=2_001i64 {
        // Insert a line after line 2; every 100th one names std (a new T0001).
        let line = if version % 100 == 0 {
            format!("pub type T{version} = std::string::String;\n")
        } else {
            format!("// edit {version}\n")
        };
        let at = json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}});
        client.change_range(&lib, version, at, &line);
        let offset = offset_of("utf-16", &expected, &json!({"line": 3, "character": 0}));
        expected.insert_str(offset, &line);
        if version % 250 == 0 {
            answers(&mut client, &uri);
        }
    }
    let last = client.wait_for_diagnostics(&uri, |p| p["version"] == 2_001);
    let diagnostics = last["diagnostics"].as_array().unwrap();
    let std_count = diagnostics
        .iter()
        .filter(|d| d["code"] == "T0001")
        .inspect(|d| {
            let start = offset_of("utf-16", &expected, &d["range"]["start"]);
            let end = offset_of("utf-16", &expected, &d["range"]["end"]);
            assert_eq!(&expected[start..end], "std", "{d}");
        })
        .count();
    // The fixture's own `use std::vec::Vec` plus one per 100 edits.
    assert_eq!(std_count, 1 + 20, "{last:#}");
    answers(&mut client, &uri);

    let peak = rss_kib(client.pid(), "VmHWM:");
    // Bounded: the burst never queues thousands of copies of a 300 KB buffer.
    assert!(
        peak < baseline + 512 * 1024,
        "peak RSS {peak} KiB after a baseline of {baseline} KiB"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_checkout_of_10_000_files_is_one_reload_and_the_server_keeps_serving() {
    let (_dir, root) = fixture("lsp-no-std");
    let lib = root.join("src/lib.rs");
    let uri = file_uri(&lib);
    let mut client = LspClient::spawn();
    client.initialize(&[root.as_path()], capabilities(false, false), Value::Null);
    client.wait_for_diagnostics(&uri, |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    client.forget_backlog();

    // The checkout: the manifest, 10,000 files the crate does not use, then lib.rs.
    let manifest = root.join("Cargo.toml");
    let mut manifest_text = fs::read_to_string(&manifest).unwrap();
    manifest_text.push_str("# checked out\n");
    fs::write(&manifest, manifest_text).unwrap();
    let generated = root.join("src/generated");
    fs::create_dir_all(&generated).unwrap();
    for i in 0..10_000 {
        fs::write(
            generated.join(format!("g{i}.rs")),
            format!("pub fn g{i}() {{}}\n"),
        )
        .unwrap();
    }
    fs::write(&lib, "#![no_std]\n\npub use std::string::String;\n").unwrap();

    client.wait_for_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("reloading"))
    });
    let after = client.wait_for_diagnostics(&uri, |p| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["range"]["start"]["line"] == 2))
    });
    assert_eq!(
        after["diagnostics"].as_array().unwrap().len(),
        1,
        "{after:#}"
    );
    // The worker handles jobs in order: once this is answered, the checkout is digested.
    answers(&mut client, &uri);
    let reloads: Vec<Value> = client
        .unconsumed("window/logMessage")
        .into_iter()
        .filter(|p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.contains("reloading"))
        })
        .collect();
    assert!(reloads.is_empty(), "more than one reload: {reloads:#?}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
