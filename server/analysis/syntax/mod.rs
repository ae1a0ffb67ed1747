//! One parse per file: the facts the rules need, as plain data, each with the `#[cfg]`
//! gate that switches it on, so a file is parsed once and evaluated for every target.
//!
//! The parser (rust-analyzer's) is error tolerant: a syntax error in one item leaves the
//! rest of the file's facts intact.

mod exports;
pub(crate) mod extract;
mod incremental;
mod nesting;
mod scan;

pub use exports::exports_symbols;
pub use incremental::IncrementalParse;
pub use nesting::nesting_score;

use super::cfg::{CfgExpr, CfgSet};
use ra_ap_syntax::{Edition, Parse, SourceFile};
use std::ops::Range;

/// The conjunction of the `#[cfg]` predicates around a piece of code.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Gate(pub Vec<CfgExpr>);

impl Gate {
    pub fn is_on(&self, cfg: &CfgSet) -> bool {
        self.0.iter().all(|expr| expr.eval(cfg))
    }

    /// The gate on `cfg`, `None` when unknown (see `CfgExpr::eval_open`: `open` says the
    /// crate has a build script, which may set cfgs).
    pub fn state(&self, cfg: &CfgSet, open: bool) -> Option<bool> {
        let mut unknown = false;
        for expr in &self.0 {
            match expr.eval_open(cfg, open) {
                Some(false) => return Some(false),
                None => unknown = true,
                Some(true) => {}
            }
        }
        (!unknown).then_some(true)
    }

    /// Whether the code is compiled on `cfg` for sure (unknown counts as not: silent).
    pub fn surely_on(&self, cfg: &CfgSet, open: bool) -> bool {
        self.state(cfg, open) == Some(true)
    }
}

pub type ScopeId = usize;

/// A scope where `use` items bind names: a module (file or inline) or a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub parent: Option<ScopeId>,
    /// Names do not flow into a module from its parent module.
    pub is_module: bool,
}

/// One leaf of a `use` tree: `use std::time::{Instant as I, self}` gives two entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseEntry {
    pub path: Vec<String>,
    /// The name bound in scope (`None` for globs and `as _`).
    pub binds: Option<String>,
    pub glob: bool,
    pub scope: ScopeId,
    pub gate: Gate,
    /// Byte ranges of each path segment, for rewriting the crate name.
    pub segment_ranges: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternCrate {
    pub name: String,
    pub alias: Option<String>,
    pub gate: Gate,
    pub range: Range<usize>,
    pub scope: ScopeId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A path in an expression, type or pattern.
    Value,
    /// The path of a macro call (`println!`).
    Macro,
}

/// A path written in code (outside `use` items) whose first segment may name std.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    pub segments: Vec<String>,
    pub segment_ranges: Vec<Range<usize>>,
    pub range: Range<usize>,
    pub leading_colons: bool,
    pub kind: PathKind,
    pub scope: ScopeId,
    pub gate: Gate,
    /// Where a `#[cfg(…)]` could gate the expression statement holding this path:
    /// (byte offset of the statement start, its indentation).
    pub statement: Option<(usize, String)>,
}

/// `mod name;` (out of line), with the inline modules it is nested in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModDecl {
    pub name: String,
    pub path_attr: Option<String>,
    pub inline_parents: Vec<String>,
    pub gate: Gate,
}

/// A crate-level (inner) attribute that matters for targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrateAttr {
    /// `#![no_std]`, or `#![cfg_attr(pred, no_std)]` (gate holds pred).
    NoStd { gate: Gate, range: Range<usize> },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSyntax {
    pub scopes: Vec<Scope>,
    pub uses: Vec<UseEntry>,
    pub extern_crates: Vec<ExternCrate>,
    pub paths: Vec<PathRef>,
    pub mods: Vec<ModDecl>,
    pub crate_attrs: Vec<CrateAttr>,
    /// Inner `#![cfg(…)]` of the file: the whole module is off when false.
    pub file_gate: Gate,
    /// Byte offset after the last inner attribute (where `extern crate alloc;` goes).
    pub after_inner_attrs: usize,
    /// Why the file was not analysed at all (nesting too deep to parse safely).
    pub skipped: Option<String>,
}

/// Deeper than hand-written code nests (see `nesting_score`), shallow enough that
/// rust-analyzer's recursive-descent parser stays inside an 8 MiB stack even in debug
/// builds (where one nested block costs about 4 KiB of it), and that dropping the tree
/// stays inside the 2 MiB stack of rust-analyzer's own drop thread.
pub const MAX_NESTING_SCORE: usize = 512;

/// Macros that std defines and core/alloc do not export under the same name.
pub const STD_ONLY_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "dbg",
    "format",
    "vec",
    "thread_local",
];

impl FileSyntax {
    pub fn parse(text: &str) -> FileSyntax {
        FileSyntax::parse_with_tree(text).0
    }

    /// `parse`, and the parse the facts were read from (`None` when the file is too deeply
    /// nested to parse), for callers that read more from the same tree.
    pub fn parse_with_tree(text: &str) -> (FileSyntax, Option<Parse<SourceFile>>) {
        if let Some(skipped) = FileSyntax::too_deep(text) {
            return (skipped, None);
        }
        let parse = SourceFile::parse(text, Edition::Edition2021);
        (FileSyntax::from_tree(&parse.tree(), text), Some(parse))
    }

    /// Whether this crate root is `#![no_std]` under `cfg` (directly or through
    /// `cfg_attr`). A fact of the root, not of one rule: T0001, T0002 and the engine's
    /// per-target semantics all ask it.
    pub fn is_no_std(&self, cfg: &CfgSet) -> bool {
        self.crate_attrs.iter().any(|attr| match attr {
            CrateAttr::NoStd { gate, .. } => gate.is_on(cfg),
        })
    }

    /// Whether this crate root links std anyway under `cfg` (`extern crate std [as …];`).
    pub fn links_std(&self, cfg: &CfgSet) -> bool {
        self.extern_crates
            .iter()
            .any(|krate| krate.name == "std" && krate.gate.is_on(cfg))
    }

    /// A file nested deeper than `MAX_NESTING_SCORE` is not parsed: a stack overflow
    /// cannot be caught, it would abort the whole server.
    fn too_deep(text: &str) -> Option<FileSyntax> {
        let score = nesting_score(text);
        (score > MAX_NESTING_SCORE).then(|| FileSyntax {
            skipped: Some(format!(
                "not analysed: brackets and operators nest about {score} levels deep, \
                 more than the {MAX_NESTING_SCORE} Triplet parses safely"
            )),
            ..FileSyntax::default()
        })
    }
}

/// How many syntax errors rust-analyzer reports for `text` (parser and validation errors).
/// Not part of `FileSyntax::parse`: validation walks the whole tree again, and nothing on
/// the live path needs the count.
pub fn syntax_error_count(text: &str) -> usize {
    SourceFile::parse(text, Edition::Edition2021).errors().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_use_trees_with_renames_groups_and_self() {
        let syntax =
            FileSyntax::parse("use std::{io::{self, Read}, time::Instant as I, thread::*};");
        let entries: Vec<_> = syntax
            .uses
            .iter()
            .map(|u| (u.path.join("::"), u.binds.clone(), u.glob))
            .collect();
        assert_eq!(
            entries,
            vec![
                ("std::io".to_string(), Some("io".to_string()), false),
                ("std::io::Read".to_string(), Some("Read".to_string()), false),
                (
                    "std::time::Instant".to_string(),
                    Some("I".to_string()),
                    false
                ),
                ("std::thread".to_string(), None, true),
            ]
        );
    }

    #[test]
    fn records_gates_and_survives_syntax_errors() {
        let text = "fn broken( { \n#[cfg(not(target_arch = \"wasm32\"))]\nfn f() { std::thread::spawn(|| ()); }\nfn g() { std::fs::read(\"x\"); }";
        let syntax = FileSyntax::parse(text);
        assert!(syntax_error_count(text) > 0);
        let spawn = syntax
            .paths
            .iter()
            .find(|p| p.segments.last().map(String::as_str) == Some("spawn"));
        let read = syntax
            .paths
            .iter()
            .find(|p| p.segments.last().map(String::as_str) == Some("read"));
        assert_eq!(spawn.map(|p| p.gate.0.len()), Some(1));
        assert_eq!(read.map(|p| p.gate.0.len()), Some(0));
    }

    #[test]
    fn finds_no_std_forms_and_mods() {
        let text = "#![cfg_attr(not(feature = \"std\"), no_std)]\n#[path = \"x/y.rs\"]\nmod y;\nmod inline { mod nested; }\n";
        let syntax = FileSyntax::parse(text);
        assert!(
            matches!(&syntax.crate_attrs[..], [CrateAttr::NoStd { gate, .. }] if gate.0.len() == 1)
        );
        assert_eq!(syntax.mods[0].path_attr.as_deref(), Some("x/y.rs"));
        assert_eq!(syntax.mods[1].inline_parents, vec!["inline".to_string()]);
    }
}
