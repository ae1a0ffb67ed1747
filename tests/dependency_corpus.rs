//! T0005 against the compiler on real crates.io dependency trees: the corpus
//! (tests/fixtures/dependency-corpus, pinned by its Cargo.lock) and what `cargo check -p M
//! --target T --keep-going -Zbuild-std` said of each member and target, recorded by
//! `tools/dependency-truth.sh` in truth.json. This test never runs the compiler.

mod support;

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
