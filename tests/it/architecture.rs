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

/// Every module of the crate: each folder and each `.rs` file directly under `server/`
/// except the crate roots, by name. New folders are checked by every test below without
/// being listed anywhere.
fn server_modules() -> Vec<String> {
    let entries = std::fs::read_dir(SERVER).unwrap_or_else(|e| panic!("listing {SERVER}: {e}"));
    let mut modules: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let name = path.file_name()?.to_str()?.to_string();
            if path.is_dir() {
                Some(name)
            } else {
                let stem = name.strip_suffix(".rs")?;
                (stem != "lib" && stem != "main").then(|| stem.to_string())
            }
        })
        .collect();
    modules.sort();
    assert!(modules.len() > 5, "suspiciously few modules: {modules:?}");
    modules
}

/// `sources` of a module, whether it is a folder or a single file.
fn module_sources(module: &str) -> Vec<(String, String)> {
    if Path::new(SERVER).join(module).is_dir() {
        sources(module)
    } else {
        sources(&format!("{module}.rs"))
    }
}

/// The module of the crate a path names (`crate::build::run` gives `build`).
fn crate_module(path: &str) -> Option<&str> {
    path.strip_prefix("crate::")?.split("::").next()
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
    let mut forbidden = vec![
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
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    // Every other module of the crate, including ones added later.
    forbidden.extend(
        server_modules()
            .into_iter()
            .filter(|module| module != "analysis")
            .map(|module| format!("crate::{module}")),
    );
    let forbidden: Vec<&str> = forbidden.iter().map(String::as_str).collect();
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
    let found: Vec<String> = server_modules()
        .iter()
        .filter(|module| *module != "lsp")
        .flat_map(|module| module_sources(module))
        .flat_map(|(file, text)| {
            paths_in(&text)
                .into_iter()
                .filter(|p| under(p, "lsp_types") || under(p, "lsp_server"))
                .map(move |p| format!("{file}: {p}"))
                .collect::<Vec<_>>()
        })
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
    let allowed: [(&str, &str); 5] = [
        (
            "process/mod.rs",
            "spawns, in its own process group, the command its caller built (build's cargo, workspace's cargo metadata)",
        ),
        (
            "workspace/metadata.rs",
            "`cargo metadata` (through process::ProcessGroup)",
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
    let spawning: Vec<String> = server_modules()
        .iter()
        .filter(|module| *module != "build")
        .flat_map(|module| module_sources(module))
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

/// Which modules each module may use (`crate::<module>`): data flows one way, from the
/// fact gatherers through the engine to the front ends. A module missing here fails the
/// test until it is given its line.
const LAYERS: &[(&str, &[&str])] = &[
    // Pure: text and facts in, findings out (see analysis_does_no_io_and_knows_no_lsp_type).
    ("analysis", &[]),
    // Child processes in their own process group, for `build` and `workspace` alike.
    ("process", &[]),
    ("targets", &["analysis"]),
    ("workspace", &["analysis", "targets", "process"]),
    ("runtime_api", &["analysis", "targets"]),
    ("semantic", &["analysis", "targets"]),
    ("sysroot_facts", &["analysis"]),
    // Checking never builds: no `build` here.
    (
        "engine",
        &[
            "analysis",
            "runtime_api",
            "semantic",
            "sysroot_facts",
            "targets",
            "workspace",
        ],
    ),
    ("build", &["targets", "process"]),
    (
        "lsp",
        &[
            "analysis",
            "build",
            "engine",
            "process",
            "targets",
            "workspace",
        ],
    ),
    (
        "cli",
        &[
            "analysis",
            "build",
            "engine",
            "lsp",
            "runtime_api",
            "targets",
            "workspace",
        ],
    ),
];

#[test]
fn modules_use_only_the_layers_they_are_given() {
    let modules = server_modules();
    let mut crossings = Vec::new();
    for module in &modules {
        let Some((_, allowed)) = LAYERS.iter().find(|(name, _)| name == module) else {
            panic!("server/{module} has no line in LAYERS: add it with the modules it may use");
        };
        for (file, text) in module_sources(module) {
            for path in paths_in(&text) {
                if let Some(used) = crate_module(&path) {
                    if used != module
                        && modules.iter().any(|m| m == used)
                        && !allowed.contains(&used)
                    {
                        crossings.push(format!("{file}: {path}"));
                    }
                }
            }
        }
    }
    for (name, _) in LAYERS {
        assert!(
            modules.iter().any(|m| m == name),
            "server/{name} is gone: drop its line from LAYERS"
        );
    }
    assert!(
        crossings.is_empty(),
        "modules using a layer they are not given (see LAYERS):\n{}",
        crossings.join("\n")
    );
}

/// Outside `analysis/`, the rules are used through `analysis::rules` itself (`ALL_RULES`,
/// `rule_page`, `nearest_target`, ...), not through one rule's module: a rule's file is its
/// own business. The input types a rule declares for the engine to fill are the known
/// exceptions, each with its reason.
#[test]
fn rule_modules_are_reached_only_through_the_rules_surface() {
    let known: [(&str, &str, &str); 4] = [
        (
            "engine/package_context.rs",
            "target_not_installed",
            "InstallFacts: the facts T0006 asks the engine to gather",
        ),
        (
            "engine/semantic.rs",
            "unavailable_on_target",
            "T0008's engine side, until T0008's code settles in its rule file",
        ),
        (
            "engine/file_cache.rs",
            "unavailable_on_target",
            "T0008's prepared files, kept between checks",
        ),
        (
            "semantic/mod.rs",
            "unavailable_on_target",
            "ExternalCrate: the crates T0008 resolves in, read from disk",
        ),
    ];
    let rules_dir = Path::new(SERVER).join("analysis/rules");
    let rule_modules: Vec<String> = std::fs::read_dir(&rules_dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", rules_dir.display()))
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_string();
            let stem = name.strip_suffix(".rs")?;
            (stem != "mod").then(|| stem.to_string())
        })
        .collect();
    assert!(!rule_modules.is_empty(), "no rule files found");
    let mut found = Vec::new();
    for module in server_modules().iter().filter(|m| *m != "analysis") {
        for (file, text) in module_sources(module) {
            for path in paths_in(&text) {
                let Some(rest) = path.strip_prefix("crate::analysis::rules::") else {
                    continue;
                };
                let rule = rest.split("::").next().unwrap_or_default();
                let is_rule_module = rule_modules.iter().any(|m| m == rule);
                let excused = known.iter().any(|(f, r, _)| *f == file && *r == rule);
                if is_rule_module && !excused {
                    found.push(format!("{file}: {path}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "a rule's module used from outside analysis/ (use analysis::rules' own items):\n{}",
        found.join("\n")
    );
}

/// The integration tests share one process (tests/it/main.rs): a test that changed the
/// environment or the current directory would change them under every test running beside
/// it. Children get their own (`Command::env`, `Command::current_dir`).
#[test]
fn tests_leave_the_process_environment_alone() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut pending = vec![tests];
    let mut found = Vec::new();
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                // Fixtures are workspaces Triplet checks, not tests.
                if !path.ends_with("fixtures") {
                    pending.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            for named in paths_in(&text) {
                let last = named.rsplit("::").next().unwrap_or_default();
                // Qualified only: `let set_var = …` is a variable, not the function.
                if named.contains("::")
                    && ["set_var", "remove_var", "set_current_dir"].contains(&last)
                {
                    found.push(format!("{}: {named}", path.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "tests changing process state they share:\n{}",
        found.join("\n")
    );
}
