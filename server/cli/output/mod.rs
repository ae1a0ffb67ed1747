//! Presenting findings: rustc-like text, a stable JSON contract, and SARIF 2.1.0.

pub mod human;
pub mod json;
pub mod sarif;

use crate::analysis::finding::{Finding, TextEdit};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// 1-based line and column (columns count Unicode scalar values), as the JSON contract says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Converts byte offsets to positions for the files findings point into.
#[derive(Default)]
pub struct Positions {
    texts: HashMap<PathBuf, String>,
}

impl Positions {
    pub fn text(&mut self, file: &Path) -> &str {
        self.texts
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                use crate::workspace::SourceProvider;
                crate::workspace::DiskSources.read(file).unwrap_or_default()
            })
            .as_str()
    }

    pub fn position(&mut self, file: &Path, offset: usize) -> Position {
        position_in(self.text(file), offset)
    }
}

/// The position of byte `offset` in `text` (clamped to the text, on a char boundary).
pub fn position_in(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// A path relative to the workspace root, `/`-separated.
pub fn relative(root: &Path, file: &Path) -> String {
    let Ok(relative) = file.strip_prefix(root) else {
        return file.display().to_string(); // outside the workspace: say where, as is
    };
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A finding's edits located by position.
pub struct PlacedEdit<'a> {
    pub edit: &'a TextEdit,
    pub start: Position,
    pub end: Position,
}

pub fn place_edits<'a>(
    finding: &'a Finding,
    fix_index: usize,
    positions: &mut Positions,
) -> Vec<PlacedEdit<'a>> {
    finding.fixes[fix_index]
        .edits
        .iter()
        .map(|edit| PlacedEdit {
            edit,
            start: positions.position(&edit.file, edit.range.start),
            end: positions.position(&edit.file, edit.range.end),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "a\n🦀é x\r\nz";
        assert_eq!(position_in(text, 0), Position { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(position_in(text, x), Position { line: 2, column: 4 });
        assert_eq!(
            position_in(text, text.len() + 10),
            Position { line: 3, column: 2 }
        );
        assert_eq!(position_in(text, 3), Position { line: 2, column: 1 }); // inside the crab
    }
}
