//! The invariants of ARCHITECTURE.md that a machine can check, read from the sources'
//! syntax (paths in code, not words in comments or strings: the analysis talks about
//! `std::fs` all the time).

use ra_ap_syntax::ast::{self, HasModuleItem};
use ra_ap_syntax::{AstNode, Edition, SourceFile};
use std::path::Path;

const SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/server");

/// Every `.rs` file under `server/<dir>`, with its path relative to `server/`.
fn sources(dir: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut pending = vec![Path::new(SERVER).join(dir)];
    while let Some(next) = pending.pop() {
        if next.is_file() {
            let text = std::fs::read_to_string(&next)
                .unwrap_or_else(|e| panic!("reading {}: {e}", next.display()));
            files.push((relative(&next), text));
            continue;
        }
        let entries =
            std::fs::read_dir(&next).unwrap_or_else(|e| panic!("listing {}: {e}", next.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() || path.extension().is_some_and(|ext| ext == "rs") {
                pending.push(path);
            }
        }
    }
    assert!(!files.is_empty(), "no sources under server/{dir}");
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(SERVER)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every path the code names, written out in full: `use a::{b::{self, c}}` gives `a`,
/// `a::b`, `a::b::self` and `a::b::c`; an expression or type path gives itself without
/// generic arguments or whitespace.
fn paths_in(text: &str) -> Vec<String> {
    let file = SourceFile::parse(text, Edition::CURRENT).tree();
    let mut paths = Vec::new();
    for node in file.syntax().descendants() {
        if let Some(tree) = ast::UseTree::cast(node.clone()) {
            let mut prefixes: Vec<String> = tree
                .syntax()
                .ancestors()
                .filter_map(ast::UseTree::cast)
                .filter_map(|tree| tree.path())
                .map(|path| normalized(path.syntax().text().to_string()))
                .collect();
            prefixes.reverse();
            paths.push(prefixes.join("::"));
        } else if let Some(path) = ast::Path::cast(node) {
            let parent = path.syntax().parent();
            let qualifier = parent.as_ref().and_then(|p| ast::Path::cast(p.clone()));
            let in_use = parent.as_ref().and_then(|p| ast::UseTree::cast(p.clone()));
            if qualifier.is_none() && in_use.is_none() {
                paths.push(normalized(path.syntax().text().to_string()));
            }
        }
    }
    // `extern crate x;` names a crate without a path.
    for item in file.items() {
        if let ast::Item::ExternCrate(krate) = item {
            if let Some(name) = krate.name_ref() {
                paths.push(name.text().to_string());
            }
        }
    }
    paths
}

fn normalized(path: String) -> String {
    let without_space: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let without_generics = without_space
        .split('<')
        .next()
        .unwrap_or_default()
        .to_string();
    without_generics
        .strip_prefix("::")
        .unwrap_or(&without_generics)
        .to_string()
}

/// `path` is `root` or lies under it (`std::fs` covers `std::fs::read`, not `std::fsx`).
fn under(path: &str, root: &str) -> bool {
    path == root || path.starts_with(&format!("{root}::"))
}

/// The places in `dir` that name one of `roots`, as "file: path".
fn naming(dir: &str, roots: &[&str]) -> Vec<String> {
    sources(dir)
        .into_iter()
        .flat_map(|(file, text)| {
            paths_in(&text)
                .into_iter()
                .filter(|path| roots.iter().any(|root| under(path, root)))
                .map(move |path| format!("{file}: {path}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_path_reader_sees_code_not_comments_or_strings() {
    let text =
        "//! std::fs in a comment\nuse std::{fs::{self, File}, io};\nuse lsp_types as lsp;\n\
                fn f() { let _ = \"std::process::Command\"; std::process::Command::new(\"x\"); \
                let _: Vec<::tokio::Runtime> = Vec::new(); }\nextern crate alloc;";
    let paths = paths_in(text);
    for expected in [
        "std::fs",
        "std::fs::self",
        "std::fs::File",
        "std::io",
        "lsp_types",
        "std::process::Command::new",
        "tokio::Runtime",
        "alloc",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} in {paths:?}"
        );
    }
    assert_eq!(
        paths.iter().filter(|p| under(p, "std::process")).count(),
        1,
        "{paths:?}"
    );
    assert!(under("std::fs::read", "std::fs") && !under("std::fsx", "std::fs"));
}

/// `analysis` is pure: text and facts in, findings out. No file system, processes,
/// network, environment or threads; no LSP, async runtime or channel types; and none of
/// the layers that do I/O.
#[test]
fn analysis_does_no_io_and_knows_no_lsp_type() {
    let forbidden = [
        "std::fs",
        "std::io",
        "std::process",
        "std::net",
        "std::env",
        "std::thread",
        "lsp_types",
        "lsp_server",
        "tokio",
        "crossbeam_channel",
        "notify_debouncer_mini",
        "cargo_metadata",
        "crate::workspace",
        "crate::targets",
        "crate::build",
        "crate::engine",
        "crate::lsp",
        "crate::cli",
        "crate::runtime_api",
    ];
    let found = naming("analysis", &forbidden);
    assert!(
        found.is_empty(),
        "analysis must stay pure:\n{}",
        found.join("\n")
    );
}

/// Only `lsp/` knows LSP: every other layer hands it plain data (byte ranges, findings).
#[test]
fn only_lsp_knows_lsp() {
    let found: Vec<String> = [
        "analysis",
        "build",
        "cli",
        "engine",
        "runtime_api",
        "targets",
        "workspace",
    ]
    .iter()
    .flat_map(|dir| naming(dir, &["lsp_types", "lsp_server"]))
    .chain(
        sources("lib.rs")
            .into_iter()
            .chain(sources("main.rs"))
            .flat_map(|(file, text)| {
                paths_in(&text)
                    .into_iter()
                    .filter(|p| under(p, "lsp_types") || under(p, "lsp_server"))
                    .map(move |p| format!("{file}: {p}"))
                    .collect::<Vec<_>>()
            }),
    )
    .collect();
    assert!(
        found.is_empty(),
        "LSP types outside lsp/:\n{}",
        found.join("\n")
    );
}

/// Processes are started in a few known places. Builds (cargo check/build, cargo-ndk,
/// wasm-pack, rustup) belong to `build/`; outside it only these ask a question and read
/// the answer. A new place fails here until it is added with its reason.
#[test]
fn nothing_but_build_spawns_cargo_for_a_build() {
    let allowed: [(&str, &str); 4] = [
        (
            "workspace/metadata.rs",
            "`cargo metadata` (through build's ProcessGroup)",
        ),
        (
            "targets/toolchain.rs",
            "the one toolchain probe: rustc -vV, --print",
        ),
        (
            "runtime_api/targets.rs",
            "api-table: RUSTC_BOOTSTRAP=1 rustc --print cfg",
        ),
        (
            "cli/api_table.rs",
            "api-table: rustc --print sysroot for rust-src",
        ),
    ];
    let spawning: Vec<String> = [
        "analysis",
        "cli",
        "engine",
        "lsp",
        "runtime_api",
        "targets",
        "workspace",
    ]
    .iter()
    .flat_map(|dir| sources(dir))
    .filter(|(file, text)| {
        paths_in(text)
            .iter()
            .any(|path| under(path, "std::process::Command") || path == "Command::new")
            && !allowed.iter().any(|(allowed, _)| file == allowed)
    })
    .map(|(file, _)| file)
    .collect();
    assert!(
        spawning.is_empty(),
        "processes started outside build/ and the known places: {spawning:?}"
    );
    for (file, reason) in allowed {
        assert!(
            Path::new(SERVER).join(file).is_file(),
            "{file} ({reason}) is gone: drop it from the list"
        );
    }
}

/// Spawning goes through `Command`; the test above only holds if nothing imports it under
/// another name.
#[test]
fn command_is_not_renamed() {
    let renamed: Vec<String> = sources("")
        .into_iter()
        .filter(|(_, text)| {
            let file = SourceFile::parse(text, Edition::CURRENT).tree();
            file.syntax()
                .descendants()
                .filter_map(ast::UseTree::cast)
                .any(|tree| {
                    tree.rename().is_some()
                        && tree
                            .path()
                            .is_some_and(|p| p.syntax().text().to_string().ends_with("Command"))
                })
        })
        .map(|(file, _)| file)
        .collect();
    assert!(renamed.is_empty(), "`use …Command as …` in {renamed:?}");
}
