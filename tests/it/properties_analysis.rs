//! Fuzzing the analysis with proptest (stable Rust; cargo-fuzz needs nightly): texts built
//! from Rust fragments, std paths, line endings, BOMs, multi-byte characters and garbage
//! never panic, and every finding and fix lies inside the text on char boundaries. The
//! CLI's `position_in` and the server's `LineIndex` agree and never panic.
//! Case counts are sized for CI; raise PROPTEST_CASES locally to fuzz longer.

use crate::support;

use proptest::prelude::*;
use std::sync::Arc;
use support::analysis::{analyze_text, assert_within, targets};
use triplet::cli::output::position_in;
use triplet::lsp::line_index::{LineIndex, PositionEncoding};

const FRAGMENTS: &[&str] = &[
    "#![no_std]",
    "#![cfg_attr(not(feature = \"std\"), no_std)]",
    "extern crate std;",
    "extern crate alloc;",
    "use std::vec::Vec;",
    "use std::{fmt, cmp::Ordering};",
    "use std::collections::HashMap as Map;",
    "use ::std::string::String;",
    "use std::*;",
    "use std::{self as s, io::{self, Read}};",
    "#[cfg(not(target_arch = \"wasm32\"))]",
    "#[cfg(all(unix, feature = \"x\"))]",
    "#[cfg_attr(feature = \"x\", derive(Debug))]",
    "fn f() {",
    "}",
    "mod m {",
    "let _ = std::time::Instant::now();",
    "std::thread::spawn(|| ());",
    "let v: std::vec::Vec<u8> = std::vec::Vec::new();",
    "println!(\"{}\", 1);",
    "std::println!(\"x\");",
    "let s = \"std::vec::Vec { ( [\";",
    "let c = '{';",
    "// std::fs::read",
    "/* std::fs /* nested */ */",
    "r#\"raw std::vec\"#;",
    "(",
    ")",
    "[",
    "impl<T: std::fmt::Debug> Foo for T {}",
    "é漢😀",
    "\u{feff}",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "\u{0}",
];

fn fragment_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(FRAGMENTS).prop_map(String::from),
            1 => any::<String>(),
            1 => prop::collection::vec(any::<u8>(), 0..16)
                .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        ],
        0..40,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                if i % 3 == 0 {
                    format!("{part}\n")
                } else {
                    part
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn analysis_never_panics_and_stays_in_the_text(text in fragment_text()) {
        let findings = analyze_text(&text, &targets());
        assert_within(&text, &findings);
    }

    #[test]
    fn analysis_of_arbitrary_strings_never_panics(text in any::<String>()) {
        let findings = analyze_text(&text, &targets());
        assert_within(&text, &findings);
    }

    #[test]
    fn position_conversions_agree_and_never_panic(
        text in fragment_text(),
        offset in 0usize..4096,
    ) {
        let position = position_in(&text, offset);
        prop_assert!(position.line >= 1 && position.column >= 1);
        let index = LineIndex::new(Arc::from(text.as_str()));
        let lsp = index.position(offset, PositionEncoding::Utf8);
        let back = index.offset(lsp, PositionEncoding::Utf8);
        prop_assert!(back <= text.len() && text.is_char_boundary(back));
        // Without lone `\r` (a line break for LSP, not for the CLI), both count the same
        // lines, and the CLI's column is the LSP character count in chars.
        if !text.contains('\r') {
            prop_assert_eq!(position.line - 1, lsp.line as usize);
            let utf16 = index.position(offset, PositionEncoding::Utf16);
            let clamped = back.min(text.len());
            let line_start = text[..clamped].rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(position.column - 1, text[line_start..clamped].chars().count());
            prop_assert!(utf16.character as usize >= position.column - 1);
        }
    }
}
