//! T0005 against the compiler on real crates.io dependency trees: the corpus
//! (tests/fixtures/dependency-corpus, pinned by its Cargo.lock) and what `cargo check -p M
//! --target T --keep-going -Zbuild-std` said of each member and target, recorded by
//! `tools/dependency-truth.sh` in truth.json. This test never runs the compiler.

use crate::support;

use serde_json::Value;
use std::collections::BTreeSet;
use support::*;

/// Failing crates Triplet does not name yet, each with why (misses, never false findings).
const KNOWN_MISSES: &[(&str, &str, &str, &str)] = &[(
    "errno-wasm",
    "wasm32-unknown-unknown",
    "errno 0.3.15",
    "its compile_error! is in the file a `cfg_attr(…, path)` picks; such modules are not read",
)];

/// The crates (`name version`) a T0005 message names as unable to build.
fn named_crates(message: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    // Generic: "`name version` cannot build for …"
    for part in message.split('`').collect::<Vec<_>>().windows(2) {
        if part[1].starts_with(" cannot build for") && part[0].contains(' ') {
            named.insert(part[0].to_string());
        }
    }
    // getrandom's own check: "getrandom 0.4.3 (pulled in by …) does not build for …"
    if let Some(rest) = message.strip_prefix("getrandom ") {
        if let Some(version) = rest.split([' ', ',']).next() {
            named.insert(format!("getrandom {version}"));
        }
    }
    named
}

#[test]
fn every_failing_dependency_is_named_with_its_chain_and_nothing_on_members_that_build() {
    let corpus = fixture("dependency-corpus");
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("truth.json")).expect("truth.json is checked in"),
    )
    .expect("truth.json is JSON");
    let (_, json) = check_json(&corpus, &[]);
    let t0005 = with_code(&json, "T0005");
    let mut report = Vec::new();
    let (mut expected, mut found, mut unverifiable) = (0, 0, 0);
    let mut problems = Vec::new();
    for run in truth["runs"].as_array().expect("runs") {
        let member = run["member"].as_str().unwrap_or_default();
        let target = run["target"].as_str().unwrap_or_default();
        let failing: BTreeSet<String> = run["failing"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str())
            .map(|c| c.replacen('@', " ", 1))
            .collect();
        let named: BTreeSet<String> = t0005
            .iter()
            .filter(|f| f["package"] == member && targets_of(f).iter().any(|t| t == target))
            .flat_map(|f| named_crates(f["message"].as_str().unwrap_or_default()))
            .collect();
        for krate in &failing {
            expected += 1;
            let known_miss = KNOWN_MISSES
                .iter()
                .any(|(m, t, c, _)| *m == member && *t == target && c == krate);
            match (named.contains(krate), known_miss) {
                (true, false) => found += 1,
                (false, true) => {}
                (true, true) => problems.push(format!(
                    "{member} {target}: {krate} is found now; drop it from KNOWN_MISSES"
                )),
                (false, false) => {
                    problems.push(format!("{member} {target}: {krate} fails but is not named"))
                }
            }
        }
        let extra: Vec<&String> = named.difference(&failing).collect();
        if failing.is_empty() && !extra.is_empty() {
            problems.push(format!(
                "{member} {target} builds, yet T0005 names {extra:?}"
            ));
        }
        // The compiler stops at a crate's failing dependencies, so what sits above them is
        // never compiled: named, but not verifiable by this run.
        unverifiable += extra.len();
        report.push(format!(
            "{member:16} {target:26} truth {failing:?} named {named:?}"
        ));
    }
    eprintln!("{}", report.join("\n"));
    eprintln!(
        "named {found} of {expected} failing crates ({} known misses), {unverifiable} more named above a failing crate",
        KNOWN_MISSES.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The chain names each crate from the direct dependency on, with the feature edge.
    let tokio = t0005
        .iter()
        .find(|f| f["package"] == "tokio-net-wasm")
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default();
    assert!(tokio.contains("tokio (feature \"net\") → mio"), "{tokio}");
}

#[test]
fn the_offered_fixes_leave_nothing_to_report() {
    for (member, fix_title) in [
        ("json-default", "keep its `alloc` feature"),
        ("tokio-net-wasm", "Remove feature `net`"),
        ("rand-wasm", "`js` feature"),
    ] {
        let workspace = Workspace::copy("dependency-corpus");
        let (_, json) = check_json(workspace.path(), &[]);
        let finding = with_code(&json, "T0005")
            .into_iter()
            .find(|f| f["package"] == member)
            .unwrap_or_else(|| panic!("T0005 on {member}"));
        let fix = preferred_fix(&finding);
        assert!(
            fix["title"].as_str().is_some_and(|t| t.contains(fix_title)),
            "{member}: {fix}"
        );
        apply_fix(workspace.path(), &fix);
        let (_, after) = check_json(workspace.path(), &[]);
        let left: Vec<Value> = with_code(&after, "T0005")
            .into_iter()
            .filter(|f| f["package"] == member)
            .collect();
        assert!(left.is_empty(), "{member} after the fix: {left:?}");
    }
}

/// The graph T0005 walks agrees with `cargo tree -p M --target T -e normal` (which resolves
/// like `cargo check -p M`) on every crate built for the target and its features, for
/// every member and target of the corpus. cargo tree resolves; it compiles nothing.
#[test]
fn the_graph_per_member_and_target_matches_cargo_tree() {
    use triplet::analysis::cfg::CfgSet;
    use triplet::analysis::dependency_graph::{resolve, Platform, RootFeatures};
    let corpus = fixture("dependency-corpus");
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(corpus.join("Cargo.toml"))
        .other_options(vec!["--locked".to_string()])
        .exec()
        .expect("cargo metadata on the corpus");
    let (graph, index_of) = triplet::workspace::metadata::package_graph(&metadata);
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let cfg_of = |triple: &str| {
        let out = std::process::Command::new(&rustc)
            .args(["--print", "cfg", "--target", triple])
            .output()
            .expect("rustc --print cfg");
        CfgSet::from_rustc_print_cfg(&String::from_utf8_lossy(&out.stdout))
    };
    let host = "x86_64-unknown-linux-gnu";
    let host_cfg = cfg_of(host);
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("truth.json")).expect("truth.json"),
    )
    .expect("json");
    let mut compared = 0;
    for run in truth["runs"].as_array().expect("runs") {
        let member = run["member"].as_str().unwrap_or_default();
        let target = run["target"].as_str().unwrap_or_default();
        let Some(package) = metadata.packages.iter().find(|p| p.name.as_str() == member) else {
            panic!("{member} is not in the corpus");
        };
        let root = &graph.packages[index_of[&package.id]];
        let target_cfg = cfg_of(target);
        let resolution = resolve(
            &graph,
            root,
            &RootFeatures::default(),
            Platform {
                triple: target,
                cfg: &target_cfg,
            },
            Platform {
                triple: host,
                cfg: &host_cfg,
            },
        );
        let ours: BTreeSet<String> = resolution
            .target_units()
            .filter_map(|(unit, u)| {
                let p = &graph.packages[u.package?];
                (!p.proc_macro).then(|| {
                    format!(
                        "{} v{}|{}",
                        p.name,
                        p.version,
                        resolution.features_of(unit).join(",")
                    )
                })
            })
            .collect();
        let tree = std::process::Command::new(env!("CARGO"))
            .args([
                "tree", "--locked", "-p", member, "--target", target, "-e", "normal",
            ])
            .args(["-f", "{p}|{f}", "--prefix", "depth"])
            .current_dir(&corpus)
            .output()
            .expect("cargo tree");
        // A proc-macro's subtree is built for the host: left out, as ours leaves it out.
        let mut theirs = BTreeSet::new();
        let mut host_below: Option<usize> = None;
        for line in String::from_utf8_lossy(&tree.stdout).lines().skip(1) {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            let depth: usize = line[..digits].parse().unwrap_or(0);
            let line = &line[digits..];
            if host_below.is_some_and(|d| depth > d) {
                continue;
            }
            host_below = None;
            if line.contains("(proc-macro)") {
                host_below = Some(depth);
                continue;
            }
            let line = line.replace(" (*)", "");
            theirs.insert(match line.split_once(" (") {
                // `name vX (/path)|features` for path packages.
                Some((head, rest)) => format!("{head}{}", &rest[rest.find('|').unwrap_or(0)..]),
                None => line,
            });
        }
        assert_eq!(ours, theirs, "{member} on {target}");
        compared += 1;
    }
    assert!(compared >= 20, "compared {compared} runs");
}
