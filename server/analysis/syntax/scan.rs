//! One walk over a file's green tree (rowan's immutable, allocation-free layer) that finds
//! where the uses, extern crates, `mod` declarations and paths are. Walking the red tree
//! instead allocates a node per step; on a large file that walk cost more than parsing
//! the block an edit touched. Red nodes are built afterwards, only for what was found.

use ra_ap_syntax::{NodeOrToken, SyntaxKind, SyntaxNode, TextRange, TextSize};
use rowan::GreenNodeData;

/// A `use`, `extern crate` or `mod` item.
pub struct ItemSite {
    pub kind: SyntaxKind,
    pub range: TextRange,
}

/// The outermost `PATH` of a path written in code (not in a `use` or an attribute).
pub struct PathSite<'t> {
    pub range: TextRange,
    /// The path names a macro (`println!`).
    pub in_macro_call: bool,
    /// The first segment's text (`std` in `std::fs::read`); `None` for `<T as Trait>::f`.
    pub first_segment: Option<&'t str>,
}

#[derive(Default)]
pub struct Sites<'t> {
    pub items: Vec<ItemSite>,
    pub paths: Vec<PathSite<'t>>,
}

pub fn scan(root: &GreenNodeData) -> Sites<'_> {
    let mut sites = Sites::default();
    // (node, its start, its parent's kind); an explicit stack: deep code must not
    // deepen ours.
    let mut stack: Vec<(&GreenNodeData, TextSize, SyntaxKind)> =
        vec![(root, TextSize::from(0), SyntaxKind::SOURCE_FILE)];
    while let Some((node, start, parent)) = stack.pop() {
        let kind = kind_of(node);
        let range = TextRange::at(start, node.text_len());
        match kind {
            SyntaxKind::USE => {
                // A use tree is read as a whole; the paths in it are not code paths.
                sites.items.push(ItemSite { kind, range });
                continue;
            }
            // Paths in attributes (`#[serde::…]`, `#[path = …]`) are not code paths.
            SyntaxKind::ATTR => continue,
            SyntaxKind::EXTERN_CRATE | SyntaxKind::MODULE => {
                sites.items.push(ItemSite { kind, range })
            }
            SyntaxKind::PATH if !matches!(parent, SyntaxKind::PATH | SyntaxKind::USE_TREE) => {
                sites.paths.push(PathSite {
                    range,
                    in_macro_call: parent == SyntaxKind::MACRO_CALL,
                    first_segment: first_segment(node),
                });
            }
            _ => {}
        }
        // Children reversed on the stack, so that sites come out in source order.
        let first_child = stack.len();
        let mut offset = start;
        for child in node.children() {
            if let NodeOrToken::Node(child) = child {
                stack.push((child, offset, kind));
            }
            offset += child.text_len();
        }
        stack[first_child..].reverse();
    }
    sites
}

/// The red node of `kind` spanning exactly `range` in the tree of `root`.
pub fn node_at(root: &SyntaxNode, kind: SyntaxKind, range: TextRange) -> Option<SyntaxNode> {
    let deepest = root.covering_element(range);
    let start = match deepest {
        NodeOrToken::Node(node) => Some(node),
        NodeOrToken::Token(token) => token.parent(),
    };
    start?
        .ancestors()
        .take_while(|node| node.text_range() == range)
        .find(|node| node.kind() == kind)
}

/// The text of a path's first segment, read off the green nodes: PATH → (qualifier PATH)*
/// → PATH_SEGMENT → NAME_REF → its token.
fn first_segment(path: &GreenNodeData) -> Option<&str> {
    let mut innermost = path;
    while let Some(qualifier) = child_node(innermost, SyntaxKind::PATH) {
        innermost = qualifier;
    }
    let segment = child_node(innermost, SyntaxKind::PATH_SEGMENT)?;
    let name_ref = child_node(segment, SyntaxKind::NAME_REF)?;
    name_ref.children().find_map(|child| match child {
        NodeOrToken::Token(token) => Some(token.text()),
        NodeOrToken::Node(_) => None,
    })
}

fn child_node(node: &GreenNodeData, kind: SyntaxKind) -> Option<&GreenNodeData> {
    node.children().find_map(|child| match child {
        NodeOrToken::Node(child) if kind_of(child) == kind => Some(child),
        _ => None,
    })
}

fn kind_of(node: &GreenNodeData) -> SyntaxKind {
    SyntaxKind::from(node.kind().0)
}
