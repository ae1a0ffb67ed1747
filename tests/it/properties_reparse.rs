//! Incremental re-parsing gives exactly the facts of a fresh parse (proptest): real Rust
//! files (Triplet's own sources and the fixtures) get random sequences of edits, the kind
//! typing makes (characters, brackets, quotes, comment starts, whole lines, deletions),
//! and after every edit `IncrementalParse` must agree with `FileSyntax::parse`.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use triplet::analysis::syntax::{FileSyntax, IncrementalParse};

const SNIPPETS: &[&str] = &[
    "x",
    "_",
    "{",
    "}",
    "(",
    ")",
    "\"",
    "'",
    "//",
    "/*",
    "*/",
    "\n",
    ";",
    "::",
    "!",
    "#",
    "r#\"",
    "std::thread::spawn(|| ());",
    "std::time::Instant::now();",
    "println!(\"{}\", 1);",
    "use std::fs;\n",
    "use std::thread::*;\n",
    "#[cfg(target_arch = \"wasm32\")]\n",
    "#![no_std]\n",
    "extern crate std as s;\n",
    "mod m { use std::io; fn f() { io::stdin(); } }\n",
    "fn g() { let t = std::time::SystemTime::now(); }\n",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "server/analysis",
        "server/engine",
        "tests/fixtures",
        "examples",
    ] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect();
    assert!(texts.len() > 20, "the corpus is too small: {}", texts.len());
    texts
}

#[derive(Debug, Clone)]
enum Edit {
    /// Insert a snippet at a fraction of the text's length.
    Insert { at: f64, snippet: usize },
    /// Delete up to `len` bytes from a fraction of the text's length.
    Delete { at: f64, len: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, 0..SNIPPETS.len()).prop_map(|(at, snippet)| Edit::Insert { at, snippet }),
        (0.0..1.0f64, 1..40usize).prop_map(|(at, len)| Edit::Delete { at, len }),
    ]
}

fn boundary(text: &str, at: f64) -> usize {
    let mut index = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut text = text.to_string();
    match edit {
        Edit::Insert { at, snippet } => {
            let index = boundary(&text, *at);
            text.insert_str(index, SNIPPETS[*snippet]);
        }
        Edit::Delete { at, len } => {
            let start = boundary(&text, *at);
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(start..end, "");
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn reparsing_after_edits_matches_a_fresh_parse(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        thread_local! {
            static CORPUS: Vec<String> = corpus();
        }
        let original = CORPUS.with(|corpus| file.get(corpus).clone());
        let mut incremental = IncrementalParse::new();
        prop_assert_eq!(incremental.parse(&original), FileSyntax::parse(&original));
        let mut text = original;
        for (step, edit) in edits.iter().enumerate() {
            text = apply(&text, edit);
            let fresh = FileSyntax::parse(&text);
            let reparsed = incremental.parse(&text);
            if reparsed != fresh {
                let first_difference = fresh
                    .paths
                    .iter()
                    .zip(&reparsed.paths)
                    .find(|(a, b)| a != b);
                prop_assert!(
                    false,
                    "edit {step} ({edit:?}) gave other facts than a fresh parse; \
                     first differing path (fresh, re-parsed): {first_difference:?}"
                );
            }
        }
    }
}
