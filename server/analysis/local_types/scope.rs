//! Names in scope at a point of the file: `use` leaves in the enclosing blocks and module,
//! resolved just far enough to tell whether a path names something in std/core, and
//! whether a trait could be in scope.

use ra_ap_syntax::ast::HasGenericArgs;
use ra_ap_syntax::{ast, AstNode, SyntaxKind, SyntaxNode};
use std::ops::Range;

/// One leaf of a `use` tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseLeaf {
    pub path: Vec<String>,
    /// The name bound (`None` for globs and `as _`).
    pub binds: Option<String>,
    pub glob: bool,
    /// The `use` item, for its `#[cfg]`s.
    pub item: SyntaxNode,
    /// The leaf's last path segment, where rustc reports an unresolved import.
    pub range: Range<usize>,
}

/// Every leaf of one `use` item.
pub fn use_leaves(item: &ast::Use) -> Vec<UseLeaf> {
    let mut out = Vec::new();
    if let Some(tree) = item.use_tree() {
        collect(&tree, &[], item.syntax(), &mut out);
    }
    out
}

fn collect(tree: &ast::UseTree, prefix: &[String], item: &SyntaxNode, out: &mut Vec<UseLeaf>) {
    let mut path = prefix.to_vec();
    let mut range = None;
    if let Some(own) = tree.path() {
        let Some(segments) = segments_of(&own) else {
            return;
        };
        path.extend(segments);
        range = own
            .segment()
            .map(|segment| crate_range(segment.syntax().text_range()));
    }
    if let Some(list) = tree.use_tree_list() {
        for child in list.use_trees() {
            collect(&child, &path, item, out);
        }
        return;
    }
    let glob = tree.star_token().is_some();
    if path.last().map(String::as_str) == Some("self") {
        path.pop();
    }
    let binds = match tree.rename() {
        Some(rename) if rename.underscore_token().is_some() => None,
        Some(rename) => ast::HasName::name(&rename).map(|n| n.text().to_string()),
        None if glob => None,
        None => path.last().cloned(),
    };
    if path.is_empty() {
        return;
    }
    out.push(UseLeaf {
        path,
        binds,
        glob,
        item: item.clone(),
        range: range.unwrap_or_else(|| crate_range(tree.syntax().text_range())),
    });
}

fn crate_range(range: ra_ap_syntax::TextRange) -> Range<usize> {
    usize::from(range.start())..usize::from(range.end())
}

/// The segments of a plain path (`a::b::c`); `None` for `<T as Trait>::f` and generics.
pub fn segments_of(path: &ast::Path) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    let mut current = Some(path.clone());
    while let Some(p) = current {
        let segment = p.segment()?;
        if segment.generic_arg_list().is_some() {
            return None;
        }
        segments.push(segment.name_ref()?.text().to_string());
        current = p.qualifier();
    }
    segments.reverse();
    Some(segments)
}

/// The blocks and the module whose names are visible at `node`, innermost first.
pub fn scopes_at(node: &SyntaxNode) -> Vec<SyntaxNode> {
    let mut scopes = Vec::new();
    for ancestor in node.ancestors() {
        match ancestor.kind() {
            SyntaxKind::STMT_LIST => scopes.push(ancestor),
            SyntaxKind::ITEM_LIST
                if ancestor
                    .parent()
                    .is_some_and(|p| p.kind() == SyntaxKind::MODULE) =>
            {
                scopes.push(ancestor);
                break;
            }
            SyntaxKind::SOURCE_FILE => {
                scopes.push(ancestor);
                break;
            }
            _ => {}
        }
    }
    scopes
}

/// The `use` leaves written directly in one scope.
pub fn leaves_in(scope: &SyntaxNode) -> Vec<UseLeaf> {
    scope
        .children()
        .filter_map(ast::Use::cast)
        .flat_map(|item| use_leaves(&item))
        .collect()
}

/// Whether a scope defines an item (type, fn, static, module…) named `name`.
fn defines(scope: &SyntaxNode, name: &str) -> bool {
    scope.children().any(|child| {
        ast::Item::cast(child.clone()).is_some_and(|item| {
            !matches!(item, ast::Item::Use(_) | ast::Item::Impl(_))
                && ast::AnyHasName::cast(child)
                    .and_then(|named| ast::HasName::name(&named))
                    .is_some_and(|n| n.text() == name)
        })
    })
}

/// A path resolved into std/core: the canonical path, and the `use` item it went through.
#[derive(Debug, Clone)]
pub struct StdPath {
    /// Starts with `std` or `core`.
    pub canonical: Vec<String>,
    pub via: Option<UseLeaf>,
}

/// Resolves `segments`, written at `at`, to a std/core path. `None` when it names
/// something else or when the file does not say (two imports of one name, a local item).
pub fn resolve_std(segments: &[String], at: &SyntaxNode) -> Option<StdPath> {
    resolve_with_depth(segments, at, 0)
}

fn resolve_with_depth(segments: &[String], at: &SyntaxNode, depth: usize) -> Option<StdPath> {
    let first = segments.first()?;
    if depth > 4 || matches!(first.as_str(), "crate" | "self" | "super" | "Self") {
        return None;
    }
    for scope in scopes_at(at) {
        let leaves = leaves_in(&scope);
        let mut named = leaves
            .iter()
            .filter(|leaf| leaf.binds.as_deref() == Some(first.as_str()));
        if let Some(leaf) = named.next() {
            if named.next().is_some() {
                return None; // bound twice (under different cfgs): ask the target-aware index
            }
            let mut expanded = leaf.path.clone();
            expanded.extend(segments[1..].iter().cloned());
            let mut resolved = resolve_with_depth(&expanded, &leaf.item, depth + 1)?;
            resolved.via = Some(leaf.clone());
            return Some(resolved);
        }
        if defines(&scope, first) {
            return None;
        }
    }
    if matches!(first.as_str(), "std" | "core") {
        return Some(StdPath {
            canonical: segments.to_vec(),
            via: None,
        });
    }
    None
}

/// Names a glob import from std/core could supply at `at`: the glob's module path.
pub fn std_globs_at(at: &SyntaxNode) -> Vec<(Vec<String>, UseLeaf)> {
    let mut out = Vec::new();
    for scope in scopes_at(at) {
        for leaf in leaves_in(&scope).into_iter().filter(|l| l.glob) {
            if let Some(resolved) = resolve_std(&leaf.path, &leaf.item) {
                out.push((resolved.canonical, leaf));
            }
        }
    }
    out
}

/// Whether a local name `name` is defined in any scope at `at` (it shadows globs).
pub fn defined_locally(name: &str, at: &SyntaxNode) -> bool {
    scopes_at(at).iter().any(|scope| defines(scope, name))
}

/// Whether a trait from outside std could be in scope at `at`: a glob or `as _` import
/// from anywhere but std/core/alloc, or a capitalised name imported from there (types
/// and traits look alike by name, so a type counts too).
pub fn foreign_trait_may_be_in_scope(at: &SyntaxNode) -> bool {
    scopes_at(at).iter().any(|scope| {
        leaves_in(scope).iter().any(|leaf| {
            let from_std = leaf
                .path
                .first()
                .is_some_and(|first| matches!(first.as_str(), "std" | "core" | "alloc"));
            if from_std {
                return false;
            }
            match &leaf.binds {
                None => true,
                Some(name) => name.starts_with(|c: char| c.is_uppercase()),
            }
        })
    })
}

/// Whether a trait declared in a scope visible at `at` (its module or enclosing blocks)
/// has a method `method`: in scope there, it may provide it.
pub fn trait_in_scope_declares(at: &SyntaxNode, method: &str) -> bool {
    scopes_at(at).iter().any(|scope| {
        scope
            .children()
            .filter_map(ast::Trait::cast)
            .filter_map(|t| t.assoc_item_list())
            .flat_map(|list| list.assoc_items())
            .any(|item| match item {
                ast::AssocItem::Fn(function) => {
                    ast::HasName::name(&function).is_some_and(|n| n.text() == method)
                }
                _ => false,
            })
    })
}
