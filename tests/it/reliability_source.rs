//! Pathological source input never crashes the analysis: deep nesting, huge files,
//! binary garbage, line endings and BOMs. Findings stay inside the text.

use crate::support;

use support::analysis::{analyze_text, assert_within, on_stack, targets};
use triplet::analysis::syntax::{nesting_score, FileSyntax, MAX_NESTING_SCORE};

/// The LSP analysis thread's stack (and the main thread's, where the CLI analyses).
const WORKER_STACK: usize = 8 * 1024 * 1024;
const DEPTH: usize = 100_000;

fn nested(open: &str, middle: &str, close: &str) -> String {
    format!(
        "#![no_std]\nfn f() {{ let _ = {}{}{}; }}\n",
        open.repeat(DEPTH),
        middle,
        close.repeat(DEPTH)
    )
}

fn survives(text: String) {
    on_stack(WORKER_STACK, move || {
        let findings = analyze_text(&text, &targets());
        assert_within(&text, &findings);
    });
}

/// Too deep to parse safely: skipped with a reason, never a stack overflow.
fn skipped(text: String) {
    assert!(nesting_score(&text) > MAX_NESTING_SCORE);
    let reason = FileSyntax::parse(&text).skipped;
    assert!(
        reason
            .as_deref()
            .is_some_and(|r| r.contains("not analysed")),
        "{reason:?}"
    );
    survives(text);
}

fn chain(prefix: &str, repeated: &str, suffix: &str) -> String {
    format!(
        "#![no_std]\nfn f() {{ {prefix}{}{suffix}; }}\n",
        repeated.repeat(DEPTH)
    )
}

#[test]
fn deeply_nested_parentheses() {
    skipped(nested("(", "std::f32::consts::PI", ")"));
}

#[test]
fn deeply_nested_blocks() {
    skipped(nested("{", "std::f32::consts::PI", "}"));
}

#[test]
fn long_operator_chains() {
    // Each of these nests the syntax tree 100,000 deep without a single bracket.
    for text in [
        chain("let _ = ", "!", "x"),
        chain("let _ = ", "-", "x"),
        chain("let _ = ", "& ", "x"),
        chain("let _ = 1", " + 1", ""),
        chain("a", " = a", ""),
        chain("let _ = ", "|| ", "x"),
        chain("let _ = ", "|a,| ", "x"),
        chain("", "return ", "x"),
        chain("let _ = x", ".f()", ""),
        chain("let _ = x", "?", ""),
        chain("let _ = x", " as u8", ""),
        chain("let _ = std", "::a", ""),
        chain("if a {}", " else if a {}", ""),
        chain("let _: ", "A<", "u8"),
        chain("let _: ", "A<u8, ", "u8"),
        chain("let ", "&", "x = 1"),
    ] {
        skipped(text);
    }
}

#[test]
fn nesting_just_under_the_limit_is_still_analysed() {
    let depth = MAX_NESTING_SCORE - 32;
    let text = format!(
        "#![no_std]\nfn f() {}let _ = std::vec::Vec::<u8>::new();{}\n",
        "{".repeat(depth),
        "}".repeat(depth)
    );
    assert!(FileSyntax::parse(&text).skipped.is_none());
    let findings = on_stack(WORKER_STACK, move || analyze_text(&text, &targets()));
    assert!(
        findings.iter().any(|f| f.code.as_str() == "T0001"),
        "{findings:?}"
    );
}

#[test]
fn real_code_scores_far_below_the_limit() {
    // Our own sources: long match arms, builder chains, generics.
    for file in [
        "server/analysis/syntax/extract.rs",
        "server/analysis/syntax/nesting.rs",
        "server/lsp/server/mod.rs",
        "server/engine/mod.rs",
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(nesting_score(&text) < MAX_NESTING_SCORE / 4, "{file}");
    }
}

#[test]
fn deeply_nested_modules() {
    skipped(format!(
        "#![no_std]\n{}use std::vec::Vec;{}",
        "mod m { ".repeat(DEPTH),
        "}".repeat(DEPTH)
    ));
}

#[test]
fn deeply_nested_use_groups() {
    skipped(format!(
        "#![no_std]\nuse std::{}vec::Vec{};\n",
        "{a::".repeat(DEPTH),
        "}".repeat(DEPTH)
    ));
}

#[test]
fn deeply_nested_cfg_predicates() {
    skipped(format!(
        "#![no_std]\n#[cfg({}unix{})]\nuse std::vec::Vec;\n",
        "all(".repeat(DEPTH),
        ")".repeat(DEPTH)
    ));
}

#[test]
fn deeply_nested_unclosed_delimiters() {
    skipped(format!(
        "#![no_std]\nfn f() {{ {} std::vec::Vec",
        "([{".repeat(DEPTH)
    ));
}

#[test]
fn binary_garbage_with_an_rs_name() {
    // Every byte value, lossily decoded the way the loader reads non-UTF-8 files.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    survives(String::from_utf8_lossy(&bytes).into_owned());
}

#[test]
fn crlf_mixed_line_endings_and_bom() {
    let text = "\u{feff}#![no_std]\r\nuse std::vec::Vec;\rfn f() {\r\n    let _ = std::string::String::new();\n}\r\n";
    let findings = analyze_text(text, &targets());
    assert_within(text, &findings);
    assert!(findings.iter().any(|f| f.code.as_str() == "T0001"));
}

#[test]
fn a_20_mb_file() {
    let item = "pub fn f() -> Option<std::vec::Vec<u8>> { None }\r\n// é ü 字 🦀\n";
    let text = format!("#![no_std]\n{}", item.repeat(20 * 1024 * 1024 / item.len()));
    survives(text);
}
