//! Re-parsing an edited file. Given the previous tree and the edit, rust-analyzer re-parses
//! only the token or the `{…}` block the edit falls in and shares every other subtree with
//! the previous tree, which is what keeps a keystroke in a large file cheap. The edit is
//! found by comparing the previous text with the new one, so callers only hand over texts.

use super::scan::node_at;
use super::FileSyntax;
use ra_ap_parser::{LexedStr, Reparser};
use ra_ap_syntax::{
    Edition, NodeOrToken, Parse, SourceFile, SyntaxKind, SyntaxNode, TextRange, TextSize,
};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Past this many changed bytes an edit is a rewrite: parse from scratch rather than
/// splice (rust-analyzer would rebuild the old text to fall back anyway).
const MAX_SPLICED_BYTES: usize = 16 * 1024;

/// One file's previous text and tree, kept between parses of that file.
#[derive(Default)]
pub struct IncrementalParse {
    previous: Option<(String, Parse<SourceFile>)>,
}

impl IncrementalParse {
    pub fn new() -> IncrementalParse {
        IncrementalParse::default()
    }

    /// The tree of the last text parsed, when it is `text` (for other readers of the file).
    pub fn tree_of(&self, text: &str) -> Option<SourceFile> {
        self.previous
            .as_ref()
            .filter(|(previous, _)| previous == text)
            .map(|(_, parse)| parse.tree())
    }

    /// The same facts as `FileSyntax::parse(text)`, re-parsing only what changed since the
    /// previous call.
    pub fn parse(&mut self, text: &str) -> FileSyntax {
        if let Some(skipped) = FileSyntax::too_deep(text) {
            self.previous = None;
            return skipped;
        }
        let parse = match self.previous.take() {
            Some((old_text, old_parse)) => reparse(&old_text, &old_parse, text),
            None => SourceFile::parse(text, Edition::Edition2021),
        };
        let syntax = FileSyntax::from_tree(&parse.tree(), text);
        self.previous = Some((text.to_string(), parse));
        syntax
    }
}

fn reparse(old_text: &str, old_parse: &Parse<SourceFile>, text: &str) -> Parse<SourceFile> {
    let from_scratch = || SourceFile::parse(text, Edition::Edition2021);
    let Some((delete, insert)) = single_edit(old_text, text) else {
        return from_scratch();
    };
    if usize::from(delete.len()) + insert.len() > MAX_SPLICED_BYTES {
        return from_scratch();
    }
    let Some(splice) = plan_splice(&old_parse.syntax_node(), old_text, delete, insert) else {
        return from_scratch();
    };
    // rust-analyzer's re-parser asserts on ranges; whatever it trips on, a fresh parse
    // is the answer, not a dead analysis thread.
    let spliced = catch_unwind(AssertUnwindSafe(|| {
        old_parse.reparse(delete, insert, Edition::Edition2021)
    }));
    let Ok(parse) = spliced else {
        return from_scratch();
    };
    // A cheap guard on the splice: the new tree must span exactly the new text.
    if usize::from(parse.tree_len()) != text.len() {
        return from_scratch();
    }
    // A block re-parsed on its own recovers from a syntax error inside it without
    // crossing its closing brace, where a whole-file parse may let the error swallow the
    // brace and shape everything after it differently (an attribute before `}` does).
    // Facts must not depend on the edit history: an error there means a fresh parse.
    if let Some((kind, old_range)) = splice.block {
        let new_end = usize::from(old_range.end()) + insert.len() - usize::from(delete.len());
        let new_range = TextSize::try_from(new_end)
            .ok()
            .map(|end| TextRange::new(old_range.start(), end));
        let block = new_range.and_then(|range| node_at(&parse.syntax_node(), kind, range));
        if block.is_none_or(|block| has_error(block.green())) {
            return from_scratch();
        }
    }
    parse
}

fn has_error(node: &rowan::GreenNodeData) -> bool {
    node.children().any(|child| match child {
        NodeOrToken::Node(child) => {
            SyntaxKind::from(child.kind().0) == SyntaxKind::ERROR || has_error(child)
        }
        NodeOrToken::Token(_) => false,
    })
}

/// How rust-analyzer will splice an edit: the `{…}` block it re-parses, if it gets that
/// far (`None` when the edit stays inside one token and there is no such block).
struct Splice {
    block: Option<(SyntaxKind, TextRange)>,
}

/// Whether rust-analyzer can re-parse the edit in place: inside one token that stays one
/// token of its kind, or inside a `{…}` block it knows how to re-parse whose new text is
/// still balanced. (The same checks its re-parser makes.) When it cannot, it falls back
/// to rebuilding the old text from the tree to parse it whole, which costs more than the
/// parse itself; parsing the new text directly avoids that.
fn plan_splice(
    root: &SyntaxNode,
    old_text: &str,
    delete: TextRange,
    insert: &str,
) -> Option<Splice> {
    let edited = |range: TextRange| -> Option<String> {
        let start = usize::from(range.start());
        let (cut_start, cut_end) = (usize::from(delete.start()), usize::from(delete.end()));
        let end = usize::from(range.end());
        let before = old_text.get(start..cut_start)?;
        let after = old_text.get(cut_end..end)?;
        Some(format!("{before}{insert}{after}"))
    };
    let covering = root.covering_element(delete);
    let mut in_one_token = false;
    if let NodeOrToken::Token(token) = &covering {
        let kind = token.kind();
        let in_token = matches!(
            kind,
            SyntaxKind::IDENT | SyntaxKind::STRING | SyntaxKind::BYTE_STRING | SyntaxKind::C_STRING
        ) || (matches!(kind, SyntaxKind::WHITESPACE | SyntaxKind::COMMENT)
            && !old_text
                .get(usize::from(delete.start())..usize::from(delete.end()))
                .is_some_and(|deleted| deleted.contains('\n')));
        if in_token {
            let stays_one_token = edited(token.text_range()).is_some_and(|text| {
                LexedStr::single_token(Edition::Edition2021, &text)
                    .is_some_and(|(new_kind, _)| new_kind == kind)
            });
            in_one_token = stays_one_token;
        }
    }
    let start = match covering {
        NodeOrToken::Node(node) => Some(node),
        NodeOrToken::Token(token) => token.parent(),
    };
    let block = start
        .into_iter()
        .flat_map(|node| node.ancestors())
        .find(|node| {
            let first_child = node.first_child_or_token().map(|child| child.kind());
            let parent = node.parent().map(|parent| parent.kind());
            Reparser::for_node(node.kind(), first_child, parent).is_some()
        });
    let block = block.filter(|block| {
        edited(block.text_range())
            .is_some_and(|text| is_balanced(&LexedStr::new(Edition::Edition2021, &text)))
    });
    match block {
        Some(block) => Some(Splice {
            block: Some((block.kind(), block.text_range())),
        }),
        None if in_one_token => Some(Splice { block: None }),
        None => None,
    }
}

fn is_balanced(lexed: &LexedStr<'_>) -> bool {
    let count = lexed.len();
    if count == 0
        || lexed.kind(0) != SyntaxKind::L_CURLY
        || lexed.kind(count - 1) != SyntaxKind::R_CURLY
    {
        return false;
    }
    let mut depth = 0usize;
    for index in 1..count - 1 {
        match lexed.kind(index) {
            SyntaxKind::L_CURLY => depth += 1,
            SyntaxKind::R_CURLY => match depth.checked_sub(1) {
                Some(less) => depth = less,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// The one edit turning `old` into `new`: the range of `old` replaced and the text put
/// there (everything between the common prefix and the common suffix), or `None` when the
/// texts are equal. Both ends sit on char boundaries.
fn single_edit<'n>(old: &str, new: &'n str) -> Option<(TextRange, &'n str)> {
    if old == new {
        return None;
    }
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let mut prefix = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    let longest_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old_bytes
        .iter()
        .rev()
        .zip(new_bytes.iter().rev())
        .take(longest_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(old.len() - suffix) && new.is_char_boundary(new.len() - suffix)) {
        suffix -= 1;
    }
    let start = TextSize::try_from(prefix).ok()?;
    let end = TextSize::try_from(old.len() - suffix).ok()?;
    Some((TextRange::new(start, end), &new[prefix..new.len() - suffix]))
}

trait TreeLen {
    fn tree_len(&self) -> TextSize;
}

impl TreeLen for Parse<SourceFile> {
    fn tree_len(&self) -> TextSize {
        self.syntax_node().text_range().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, (range, insert): (TextRange, &str)) -> String {
        let mut text = old.to_string();
        text.replace_range(usize::from(range.start())..usize::from(range.end()), insert);
        text
    }

    #[test]
    fn the_edit_between_two_texts_rebuilds_the_new_one() {
        for (old, new) in [
            ("fn a() {}", "fn ab() {}"),
            ("fn a() {}", "fn () {}"),
            ("aaaa", "aa"),
            ("aa", "aaaa"),
            ("", "x"),
            ("x", ""),
            ("é", "è"),
            ("aéa", "aa"),
            ("日本", "日x本"),
        ] {
            let edit = single_edit(old, new).expect("the texts differ");
            assert_eq!(apply(old, edit), new, "{old:?} → {new:?}");
        }
        assert!(single_edit("same", "same").is_none());
    }

    #[test]
    fn edits_inside_a_block_give_the_facts_of_a_fresh_parse() {
        let first = "use std::thread;\nfn f() {\n    let x = 1;\n}\n";
        let second = "use std::thread;\nfn f() {\n    let x = 1;\n    thread::spawn(|| ());\n}\n";
        let third = "use std::thread;\n#[cfg(unix)]\nfn f() {\n    thread::spawn(|| ());\n}\n";
        let mut incremental = IncrementalParse::new();
        for text in [first, second, third, first] {
            assert_eq!(incremental.parse(text), FileSyntax::parse(text), "{text}");
        }
    }
}
