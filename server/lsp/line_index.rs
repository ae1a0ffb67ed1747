//! Byte offsets ⇄ LSP positions for one text, in the negotiated position encoding.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (LSP 3.17 treats all three as line breaks).
//! Out-of-range input is clamped, never a panic: a line past the end maps to the end of
//! the text, a character past the end of a line maps to the end of that line's content,
//! and an offset or character in the middle of a character rounds down to its start.

use lsp_types::Position;
use std::ops::Range;
use std::sync::Arc;

/// How `Position::character` counts: UTF-8 bytes or UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

impl PositionEncoding {
    fn units(self, ch: char) -> usize {
        match self {
            PositionEncoding::Utf8 => ch.len_utf8(),
            PositionEncoding::Utf16 => ch.len_utf16(),
        }
    }
}

/// One line: `start..content_end` is its text, `content_end..next start` its line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    start: usize,
    content_end: usize,
}

#[derive(Debug, Clone)]
pub struct LineIndex {
    text: Arc<str>,
    lines: Vec<Line>,
}

impl LineIndex {
    pub fn new(text: Arc<str>) -> LineIndex {
        let bytes = text.as_bytes();
        let mut lines = Vec::new();
        let mut start = 0;
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => {
                    lines.push(Line {
                        start,
                        content_end: at,
                    });
                    at += 1;
                    start = at;
                }
                b'\r' => {
                    lines.push(Line {
                        start,
                        content_end: at,
                    });
                    at += if bytes.get(at + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    start = at;
                }
                _ => at += 1,
            }
        }
        // The last line always exists, even when empty (text ends with a break, or is "").
        lines.push(Line {
            start,
            content_end: bytes.len(),
        });
        LineIndex { text, lines }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    pub fn position(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line_number = self
            .lines
            .partition_point(|line| line.start <= offset)
            .saturating_sub(1);
        let line = self.lines[line_number];
        // An offset inside a line break (between `\r` and `\n`) is the end of the line.
        let column_end = offset.min(line.content_end);
        let character: usize = self.text[line.start..column_end]
            .chars()
            .map(|ch| encoding.units(ch))
            .sum();
        Position {
            line: saturating_u32(line_number),
            character: saturating_u32(character),
        }
    }

    pub fn offset(&self, position: Position, encoding: PositionEncoding) -> usize {
        let Some(line) = self.lines.get(position.line as usize) else {
            return self.text.len();
        };
        let wanted = position.character as usize;
        let mut units = 0;
        for (index, ch) in self.text[line.start..line.content_end].char_indices() {
            let next = units + encoding.units(ch);
            if next > wanted {
                // `wanted` falls on this character's start or inside it: round down.
                return line.start + index;
            }
            units = next;
        }
        line.content_end
    }

    /// An LSP range for a byte range; a reversed range collapses to its start.
    pub fn range(&self, bytes: &Range<usize>, encoding: PositionEncoding) -> lsp_types::Range {
        let start = self.position(bytes.start, encoding);
        let end = self.position(bytes.end.max(bytes.start), encoding);
        lsp_types::Range { start, end }
    }

    /// A byte range for an LSP range; a reversed range collapses to its start.
    pub fn byte_range(&self, range: lsp_types::Range, encoding: PositionEncoding) -> Range<usize> {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding).max(start);
        start..end
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::PositionEncoding::{Utf16, Utf8};
    use super::*;
    use proptest::prelude::*;

    fn index(text: &str) -> LineIndex {
        LineIndex::new(Arc::from(text))
    }

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn ascii_lines() {
        let index = index("ab\ncd\n");
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.position(0, Utf16), pos(0, 0));
        assert_eq!(index.position(2, Utf16), pos(0, 2));
        assert_eq!(index.position(3, Utf16), pos(1, 0));
        assert_eq!(index.position(6, Utf16), pos(2, 0));
        assert_eq!(index.offset(pos(1, 1), Utf16), 4);
        assert_eq!(index.offset(pos(2, 0), Utf8), 6);
    }

    #[test]
    fn empty_text_has_one_line() {
        let index = index("");
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.position(0, Utf16), pos(0, 0));
        assert_eq!(index.position(10, Utf8), pos(0, 0));
        assert_eq!(index.offset(pos(0, 5), Utf16), 0);
        assert_eq!(index.offset(pos(3, 0), Utf16), 0);
    }

    #[test]
    fn emoji_counts_two_utf16_units_and_four_bytes() {
        // "let s = "😀"; x" — the emoji is 4 bytes, 2 UTF-16 units.
        let text = "let s = \"😀\"; x";
        let index = index(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(x, Utf16), pos(0, 14));
        assert_eq!(index.position(x, Utf8), pos(0, 16));
        assert_eq!(index.offset(pos(0, 14), Utf16), x);
        assert_eq!(index.offset(pos(0, 16), Utf8), x);
    }

    #[test]
    fn cjk_counts_one_utf16_unit_and_three_bytes() {
        let text = "// 漢字\nfn 名前() {}";
        let index = index(text);
        let paren = text.find('(').unwrap();
        assert_eq!(index.position(paren, Utf16), pos(1, 5));
        assert_eq!(index.position(paren, Utf8), pos(1, 9));
        assert_eq!(index.offset(pos(1, 5), Utf16), paren);
        assert_eq!(index.offset(pos(1, 9), Utf8), paren);
    }

    #[test]
    fn inside_a_character_rounds_down() {
        let text = "a😀b";
        let index = index(text);
        // UTF-16 unit 2 is the emoji's low surrogate; byte 2 is inside the emoji.
        assert_eq!(index.offset(pos(0, 2), Utf16), 1);
        assert_eq!(index.offset(pos(0, 3), Utf16), 5);
        assert_eq!(index.offset(pos(0, 3), Utf8), 1);
        assert_eq!(index.position(3, Utf16), pos(0, 1));
        assert_eq!(index.position(3, Utf8), pos(0, 1));
    }

    #[test]
    fn crlf_line_breaks_are_not_content() {
        let text = "use std;\r\nfn f() {}\r\n";
        let index = index(text);
        assert_eq!(index.line_count(), 3);
        let f = text.find("fn").unwrap();
        assert_eq!(index.position(f, Utf16), pos(1, 0));
        // Between `\r` and `\n`: the end of line 0.
        assert_eq!(index.position(9, Utf16), pos(0, 8));
        assert_eq!(index.position(8, Utf16), pos(0, 8));
        // A character past the end of a CRLF line stops before the `\r`.
        assert_eq!(index.offset(pos(0, 100), Utf16), 8);
        assert_eq!(index.offset(pos(2, 0), Utf16), text.len());
    }

    #[test]
    fn lone_carriage_return_is_a_line_break() {
        let index = index("a\rb\n\rc");
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(2, Utf16), pos(1, 0));
        assert_eq!(index.position(5, Utf16), pos(3, 0));
        assert_eq!(index.offset(pos(2, 0), Utf16), 4);
    }

    #[test]
    #[allow(clippy::reversed_empty_ranges)] // a reversed range is part of what is tested
    fn out_of_range_is_clamped() {
        let text = "ab\ncd";
        let index = index(text);
        assert_eq!(index.position(999, Utf16), pos(1, 2));
        assert_eq!(index.offset(pos(0, 999), Utf16), 2);
        assert_eq!(index.offset(pos(999, 0), Utf16), text.len());
        assert_eq!(index.offset(pos(u32::MAX, u32::MAX), Utf8), text.len());
        assert_eq!(
            index.range(&(4..1), Utf16),
            lsp_types::Range {
                start: pos(1, 1),
                end: pos(1, 1)
            }
        );
        let reversed = lsp_types::Range {
            start: pos(1, 1),
            end: pos(0, 0),
        };
        assert_eq!(index.byte_range(reversed, Utf16), 4..4);
    }

    fn tricky_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "z", " ", "\n", "\r\n", "\r", "😀", "漢", "é", "\u{200d}", "\t", "𝔸",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn positions_round_trip_at_every_char_boundary(text in tricky_text()) {
            let index = index(&text);
            for offset in 0..=text.len() {
                if !text.is_char_boundary(offset) {
                    continue;
                }
                let inside_crlf = offset > 0
                    && text.as_bytes()[offset - 1] == b'\r'
                    && text.as_bytes().get(offset) == Some(&b'\n');
                for encoding in [Utf8, Utf16] {
                    let position = index.position(offset, encoding);
                    let back = index.offset(position, encoding);
                    if inside_crlf {
                        prop_assert_eq!(back, offset - 1);
                    } else {
                        prop_assert_eq!(back, offset);
                    }
                }
            }
        }

        #[test]
        fn positions_are_monotonic(text in tricky_text()) {
            let index = index(&text);
            let mut previous = pos(0, 0);
            for offset in 0..=text.len() {
                let position = index.position(offset, Utf16);
                prop_assert!(position >= previous);
                previous = position;
            }
        }

        #[test]
        fn arbitrary_input_never_panics_and_stays_in_bounds(
            text in tricky_text(),
            offset in 0usize..200,
            line in 0u32..20,
            character in 0u32..200,
        ) {
            let index = index(&text);
            for encoding in [Utf8, Utf16] {
                let position = index.position(offset, encoding);
                prop_assert!((position.line as usize) < index.line_count());
                let back = index.offset(pos(line, character), encoding);
                prop_assert!(back <= text.len());
                prop_assert!(text.is_char_boundary(back));
            }
        }

        #[test]
        fn utf16_columns_match_a_naive_count(text in tricky_text()) {
            let index = index(&text);
            let last_line_start = text
                .rfind(['\n', '\r'])
                .map_or(0, |at| at + 1);
            let expected: usize = text[last_line_start..].encode_utf16().count();
            prop_assert_eq!(index.position(text.len(), Utf16).character as usize, expected);
        }
    }
}
