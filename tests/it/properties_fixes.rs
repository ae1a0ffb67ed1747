//! Fixes never lose text (proptest over generated inputs): applying any offered fix
//! changes only its ranges, keeps a file that parsed parseable (no new syntax errors;
//! manifests still parse as TOML and keep every comment), and the finding it fixes does
//! not come back. Source fixes: T0001 over generated `#![no_std]` crates; manifest
//! fixes: T0003/T0004/T0005 through `analyze_manifest`, T0007 through
//! `analyze_target_selection`, with facts derived from the manifest text the way cargo
//! would resolve them.

use crate::support;

use proptest::prelude::*;
use std::collections::BTreeSet;
use support::analysis::{analyze_text, apply, assert_within, thumbv7em, wasm32, Manifest};
use triplet::analysis::cfg::CfgSet;
use triplet::analysis::context::TargetView;
use triplet::analysis::finding::{Finding, Fix};
use triplet::analysis::syntax::syntax_error_count;

// ---------- T0001 over generated no_std crates ----------

const USES: &[&str] = &[
    "use std::vec::Vec;",
    "use std::string::String as Text;",
    "use std::{fmt, cmp::Ordering};",
    "use std::{fmt::Debug, vec::Vec as V};",
    "use std::collections::BTreeMap;",
    "use std::collections::HashMap;",
    "use ::std::rc::Rc;",
    "use std::{self as s};",
    "use std::sync::{Arc, atomic::AtomicU8};",
    "use std::boxed::Box as B;",
];
const GATES: &[&str] = &[
    "",
    "#[cfg(feature = \"x\")]\n",
    "#[cfg(not(target_os = \"none\"))]\n",
    "#[cfg(target_arch = \"arm\")]\n",
];
const BODY: &[&str] = &[
    "let _ = std::mem::size_of::<u8>();",
    "let _v: std::vec::Vec<u8> = std::vec::Vec::new();",
    "let _ = std::cmp::max(1, 2);",
    "let _ = ::std::option::Option::Some(1u8);",
    "let _ = std::string::String::new();",
    "let _ = std::f32::consts::PI;",
    "let _ = std::collections::HashSet::<u8>::new();",
];

fn no_std_crate() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec(
            (prop::sample::select(GATES), prop::sample::select(USES)),
            0..5,
        ),
        prop::collection::vec(prop::sample::select(BODY), 0..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(alloc, uses, body, crlf, module)| {
            let mut text = String::from("#![no_std]\n// keep this comment\n");
            if alloc {
                text.push_str("extern crate alloc;\n");
            }
            for (gate, item) in uses {
                text.push_str(gate);
                text.push_str(item);
                text.push('\n');
            }
            let body: String = body.iter().map(|line| format!("    {line}\n")).collect();
            if module {
                text.push_str(&format!(
                    "mod inner {{\n    pub fn g() {{\n{body}    }}\n}}\n"
                ));
            } else {
                text.push_str(&format!("pub fn f() {{\n{body}}}\n"));
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

fn count_like(findings: &[Finding], like: &Finding) -> usize {
    findings
        .iter()
        .filter(|f| f.code == like.code && f.message == like.message)
        .count()
}

/// Edits of one fix must not overlap (they are applied together).
fn assert_disjoint(fix: &Fix) {
    let mut ranges: Vec<_> = fix.edits.iter().map(|e| e.range.clone()).collect();
    ranges.sort_by_key(|r| r.start);
    for pair in ranges.windows(2) {
        assert!(pair[0].end <= pair[1].start, "overlapping edits in {fix:?}");
    }
}

/// The text outside the edited ranges is unchanged, in order.
fn assert_only_ranges_changed(before: &str, after: &str, fix: &Fix) {
    let mut ranges: Vec<_> = fix.edits.iter().collect();
    ranges.sort_by_key(|e| e.range.start);
    let mut cursor_before = 0;
    let mut cursor_after = 0;
    for edit in ranges {
        let kept = &before[cursor_before..edit.range.start];
        assert_eq!(&after[cursor_after..cursor_after + kept.len()], kept);
        cursor_after += kept.len() + edit.new_text.len();
        cursor_before = edit.range.end;
    }
    assert_eq!(&after[cursor_after..], &before[cursor_before..]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn t0001_fixes_never_lose_text(text in no_std_crate()) {
        let targets = vec![thumbv7em(), wasm32()];
        let findings = analyze_text(&text, &targets);
        assert_within(&text, &findings);
        let errors_before = syntax_error_count(&text);
        for finding in findings.iter().filter(|f| f.code.as_str() == "T0001") {
            for fix in &finding.fixes {
                assert_disjoint(fix);
                let fixed = apply(&text, fix);
                assert_only_ranges_changed(&text, &fixed, fix);
                prop_assert!(fixed.contains("// keep this comment"));
                prop_assert!(
                    syntax_error_count(&fixed) <= errors_before,
                    "fix {:?} broke the syntax:\n{}", fix.title, fixed
                );
                let again = analyze_text(&fixed, &targets);
                prop_assert!(
                    count_like(&again, finding) < count_like(&findings, finding),
                    "fix {:?} did not fix {:?}:\n{}", fix.title, finding.message, fixed
                );
            }
        }
    }
}

// ---------- manifest fixes ----------

fn target(triple: &str, cfg: &str, has_std: bool) -> TargetView {
    TargetView {
        triple: triple.into(),
        cfg: CfgSet::from_rustc_print_cfg(cfg),
        has_std,
    }
}

fn manifest_targets() -> Vec<TargetView> {
    vec![
        thumbv7em(),
        wasm32(),
        target(
            "aarch64-linux-android",
            "target_arch=\"aarch64\"\ntarget_os=\"android\"\nunix",
            true,
        ),
        target(
            "aarch64-apple-ios",
            "target_arch=\"aarch64\"\ntarget_os=\"ios\"\nunix",
            true,
        ),
    ]
}

/// How a dependency is written.
#[derive(Debug, Clone, Copy)]
enum Form {
    Plain,
    Inline,
    Table,
    WasmTarget,
}

fn dependency_line(name: &str, version: &str, form: Form) -> (String, Option<String>) {
    match form {
        Form::Plain => (format!("{name} = \"{version}\" # pinned\n"), None),
        Form::Inline => (
            format!("{name} = {{ version = \"{version}\", features = [] }} # inline\n"),
            None,
        ),
        Form::Table => (
            String::new(),
            Some(format!(
                "\n# the {name} table\n[dependencies.{name}]\nversion = \"{version}\" # v\n"
            )),
        ),
        // Collected into one target table by `manifest()`.
        Form::WasmTarget => (
            String::new(),
            Some(format!("WASM:{name} = \"{version}\"\n")),
        ),
    }
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        Just(Form::Plain),
        Just(Form::Inline),
        Just(Form::Table),
        Just(Form::WasmTarget)
    ]
}

fn manifest() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["", "[lib]\n", "[lib]\ncrate-type = [\"rlib\"] # keep\n", "[lib]\n# types\ncrate-type = [\"staticlib\", \"rlib\"]\n"][..]),
        prop::option::of(form()),
        prop::option::of(form()),
        prop::option::of((form(), prop::sample::select(&["0.2.15", "0.3.1", "0.3.4"][..]))),
        prop::option::of(form()),
        any::<bool>(),
    )
        .prop_map(|(lib, serde, rand, getrandom, bindgen, crlf)| {
            let mut head = String::from("# Top comment\n[package]\nname = \"gen\" # the name\nversion = \"0.1.0\"\nedition = \"2021\"\n\n");
            head.push_str(lib);
            let mut deps = String::from("\n[dependencies]\n# deps comment\n");
            let mut tails = String::new();
            let mut wasm = String::new();
            let wanted = [
                ("serde", "1", serde),
                ("rand", "0.8", rand),
                ("getrandom", getrandom.map_or("0.2", |g| g.1), getrandom.map(|g| g.0)),
                ("wasm-bindgen", "0.2", bindgen),
            ];
            for (name, version, form) in wanted {
                if let Some(form) = form {
                    let (line, tail) = dependency_line(name, version, form);
                    deps.push_str(&line);
                    match tail {
                        Some(line) if line.starts_with("WASM:") => wasm.push_str(&line[5..]),
                        Some(table) => tails.push_str(&table),
                        None => {}
                    }
                }
            }
            if !wasm.is_empty() {
                tails.push_str(&format!(
                    "\n[target.'cfg(target_arch = \"wasm32\")'.dependencies]\n# for the web\n{wasm}"
                ));
            }
            let mut text = format!("{head}{deps}{tails}\n[package.metadata.triplet]\ntargets = [\"thumbv7em-none-eabihf\", \"wasm32-unknown-unknwon\"] # typo on purpose\n");
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            text
        })
}

/// Manifest findings with the facts the shared fake cargo (`support::analysis::Manifest`)
/// resolves from the text: serde and rand turn on `std` by default, and the two triples
/// rustc knows are installed (the typo'd third one is T0007's).
fn manifest_findings(text: &str, targets: &[TargetView]) -> Vec<Finding> {
    let known = ["thumbv7em-none-eabihf", "wasm32-unknown-unknown"];
    Manifest::for_targets(targets.to_vec())
        .std_by_default(&["serde", "rand"])
        .known(&known, &known)
        .analyze(text)
}

fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.find('#').map(|at| line[at..].trim_end().to_string()))
        .filter(|comment| comment.starts_with("# "))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn manifest_fixes_keep_toml_and_comments(text in manifest()) {
        let targets = manifest_targets();
        let findings = manifest_findings(&text, &targets);
        assert_within(&text, &findings);
        for finding in &findings {
            for fix in &finding.fixes {
                assert_disjoint(fix);
                let fixed = apply(&text, fix);
                assert_only_ranges_changed(&text, &fixed, fix);
                prop_assert!(
                    fixed.parse::<toml_edit::DocumentMut>().is_ok(),
                    "fix {:?} broke the TOML:\n{}", fix.title, fixed
                );
                for comment in comments(&text) {
                    prop_assert!(fixed.contains(&comment), "fix {:?} lost {comment:?}:\n{fixed}", fix.title);
                }
                let again = manifest_findings(&fixed, &targets);
                prop_assert!(
                    count_like(&again, finding) < count_like(&findings, finding),
                    "fix {:?} did not fix {:?}:\n{}", fix.title, finding.message, fixed
                );
            }
        }
    }
}

// ---------- the generators are not vacuous, and the bugs they found stay fixed ----------

#[test]
fn generated_crates_do_get_t0001_fixes() {
    let text =
        "#![no_std]\nuse std::vec::Vec;\npub fn f() {\n    let _ = std::cmp::max(1, 2);\n}\n";
    let findings = analyze_text(text, &[thumbv7em()]);
    let fixes: usize = findings
        .iter()
        .filter(|f| f.code.as_str() == "T0001")
        .map(|f| f.fixes.len())
        .sum();
    assert!(fixes >= 2, "{findings:#?}");
}

#[test]
fn manifest_fixes_keep_trailing_comments() {
    // Found by `manifest_fixes_keep_toml_and_comments`: rewriting `dep = "1"` into an
    // inline table, and replacing `crate-type`, dropped the `# comment` after the value.
    let text = "[package]\nname = \"gen\"\nversion = \"0.1.0\"\n\n[lib]\ncrate-type = [\"rlib\"] # keep\n\n[dependencies]\nserde = \"1\" # pinned\ngetrandom = \"0.2.15\" # also pinned\nwasm-bindgen = \"0.2\"\n\n[package.metadata.triplet]\ntargets = [\"wasm32-unknown-unknwon\"]\n";
    let findings = manifest_findings(text, &manifest_targets());
    let codes: BTreeSet<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    for code in ["T0003", "T0004", "T0005", "T0007"] {
        assert!(codes.contains(code), "{code} missing: {findings:#?}");
    }
    for finding in &findings {
        for fix in &finding.fixes {
            let fixed = apply(text, fix);
            for comment in ["# keep", "# pinned", "# also pinned"] {
                assert!(
                    fixed.contains(comment),
                    "{} lost {comment}:\n{fixed}",
                    fix.title
                );
            }
        }
    }
}
