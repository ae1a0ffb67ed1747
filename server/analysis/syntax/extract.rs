//! Facts out of a syntax tree: uses, extern crates, `mod` declarations and the paths that
//! can reach std, each with its cfg gate and scope.

use super::scan::{node_at, scan};
use super::{
    CrateAttr, ExternCrate, FileSyntax, Gate, ModDecl, PathKind, PathRef, Scope, ScopeId, UseEntry,
    STD_ONLY_MACROS,
};
use crate::analysis::cfg::{CfgAttr, CfgExpr};
use ra_ap_syntax::{ast, AstNode, SourceFile, SyntaxKind, SyntaxNode, TextRange};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

impl FileSyntax {
    /// The facts of a parsed file; `text` is the file's text (the tree's own text).
    pub(super) fn from_tree(file: &SourceFile, text: &str) -> FileSyntax {
        let mut out = FileSyntax::default();
        let mut scope_ids: HashMap<SyntaxNode, ScopeId> = HashMap::new();
        let mut own_cfgs = OwnCfgs::new();
        out.collect_crate_attrs(file);

        // Pass 1: uses, extern crates and module declarations, which decide which
        // paths in pass 2 can possibly reach std. One walk of the green tree finds both.
        let root = file.syntax();
        let green = root.green();
        let sites = scan(green);
        for item in &sites.items {
            let Some(node) = node_at(root, item.kind, item.range) else {
                continue;
            };
            match item.kind {
                SyntaxKind::USE => {
                    if let Some(tree) = ast::Use::cast(node.clone()).and_then(|u| u.use_tree()) {
                        let scope = out.scope_of(&node, &mut scope_ids);
                        let gate = gate_with(&node, &mut own_cfgs);
                        out.collect_use_tree(&tree, &[], &[], scope, &gate);
                    }
                }
                SyntaxKind::EXTERN_CRATE => out.collect_extern_crate(&node, &mut scope_ids),
                SyntaxKind::MODULE => out.collect_mod(&node),
                _ => {}
            }
        }

        let interesting: HashSet<String> = out
            .interesting_first_segments()
            .into_iter()
            .map(str::to_string)
            .collect();
        // Only a glob whose path can reach std supplies names (the resolver ignores
        // `use super::*` and friends), so only such a glob keeps unqualified paths.
        let has_std_glob = out.uses.iter().any(|u| {
            u.glob
                && u.path
                    .first()
                    .is_some_and(|first| interesting.contains(first))
        });
        let mut pending = Vec::new();
        for site in &sites.paths {
            // Most paths cannot reach std: rule them out by their first segment before
            // anything allocates (this loop sees every path of the file).
            if !has_std_glob {
                let could_matter = site.first_segment.is_some_and(|name| {
                    interesting.contains(name)
                        || (site.in_macro_call && STD_ONLY_MACROS.contains(&name))
                });
                if !could_matter {
                    continue;
                }
            }
            let Some(node) = node_at(root, SyntaxKind::PATH, site.range) else {
                continue;
            };
            let Some(path) = ast::Path::cast(node.clone()) else {
                continue;
            };
            let Some((segments, segment_ranges)) = path_segments(&path) else {
                continue;
            };
            let Some(first) = segments.first() else {
                continue;
            };
            let kind = if site.in_macro_call {
                PathKind::Macro
            } else {
                PathKind::Value
            };
            let worth_keeping = interesting.contains(first.as_str())
                || (kind == PathKind::Macro && STD_ONLY_MACROS.contains(&first.as_str()))
                || (has_std_glob && segments.len() <= 2);
            if !worth_keeping {
                continue;
            }
            let range = to_range(node.text_range());
            let scope = out.scope_of(&node, &mut scope_ids);
            pending.push(PathRef {
                leading_colons: path_has_leading_colons(&path),
                segments,
                segment_ranges,
                range,
                kind,
                scope,
                gate: gate_with(&node, &mut own_cfgs),
                statement: statement_slot(&node, text),
            });
        }
        out.paths = pending;
        out
    }

    /// First segments through which a path can reach the standard library: std, core,
    /// alloc, extern crate aliases, and names imported from those (transitively). A name
    /// imported from `crate::…` or another crate cannot resolve to std, and keeping every
    /// such path made large files slow to read.
    fn interesting_first_segments(&self) -> HashSet<&str> {
        let mut names: HashSet<&str> = ["std", "core", "alloc"].into_iter().collect();
        for krate in &self.extern_crates {
            if let Some(alias) = &krate.alias {
                names.insert(alias.as_str());
            }
        }
        loop {
            let before = names.len();
            for entry in &self.uses {
                let (Some(bound), Some(first)) = (&entry.binds, entry.path.first()) else {
                    continue;
                };
                if names.contains(first.as_str()) {
                    names.insert(bound.as_str());
                }
            }
            if names.len() == before {
                return names;
            }
        }
    }

    fn collect_crate_attrs(&mut self, file: &SourceFile) {
        for attr in file.syntax().children().filter_map(ast::Attr::cast) {
            if attr.excl_token().is_none() {
                continue;
            }
            let range = to_range(attr.syntax().text_range());
            self.after_inner_attrs = self.after_inner_attrs.max(range.end);
            let Some(meta) = MetaText::of(&attr) else {
                continue;
            };
            match (meta.name.as_str(), meta.args) {
                ("no_std", None) => self.crate_attrs.push(CrateAttr::NoStd {
                    gate: Gate::default(),
                    range,
                }),
                ("cfg_attr", Some(args)) => {
                    if let Ok(cfg_attr) = CfgAttr::parse(&args) {
                        if cfg_attr.attributes.iter().any(|a| a == "no_std") {
                            self.crate_attrs.push(CrateAttr::NoStd {
                                gate: Gate(vec![cfg_attr.predicate]),
                                range,
                            });
                        }
                    }
                }
                ("cfg", Some(args)) => {
                    if let Ok(expr) = CfgExpr::parse(&args) {
                        self.file_gate.0.push(expr);
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_use_tree(
        &mut self,
        tree: &ast::UseTree,
        prefix: &[String],
        prefix_ranges: &[Range<usize>],
        scope: ScopeId,
        gate: &Gate,
    ) {
        let mut path = prefix.to_vec();
        let mut ranges = prefix_ranges.to_vec();
        if let Some(own) = tree.path() {
            let Some((segments, segment_ranges)) = path_segments(&own) else {
                return;
            };
            path.extend(segments);
            ranges.extend(segment_ranges);
        }
        if let Some(list) = tree.use_tree_list() {
            for child in list.use_trees() {
                self.collect_use_tree(&child, &path, &ranges, scope, gate);
            }
            return;
        }
        let glob = tree.star_token().is_some();
        // `use std::io::{self}` binds `io`.
        if path.last().map(String::as_str) == Some("self") {
            path.pop();
            ranges.pop();
        }
        let binds = if glob {
            None
        } else {
            match tree.rename() {
                Some(rename) if rename.underscore_token().is_some() => None,
                Some(rename) => ast::HasName::name(&rename).map(|n| n.text().to_string()),
                None => path.last().cloned(),
            }
        };
        if path.is_empty() {
            return;
        }
        self.uses.push(UseEntry {
            path,
            binds,
            glob,
            scope,
            gate: gate.clone(),
            segment_ranges: ranges,
        });
    }

    fn collect_extern_crate(
        &mut self,
        node: &SyntaxNode,
        scope_ids: &mut HashMap<SyntaxNode, ScopeId>,
    ) {
        let Some(item) = ast::ExternCrate::cast(node.clone()) else {
            return;
        };
        let Some(name) = item.name_ref().map(|n| n.text().to_string()) else {
            return;
        };
        let alias = item
            .rename()
            .and_then(|r| ast::HasName::name(&r))
            .map(|n| n.text().to_string());
        let scope = self.scope_of(node, scope_ids);
        // Report `extern crate …;` itself, not the attributes in front of it.
        let mut range = to_range(node.text_range());
        if let Some(keyword) = item.extern_token() {
            range.start = usize::from(keyword.text_range().start());
        }
        self.extern_crates.push(ExternCrate {
            name,
            alias,
            gate: gate_of(node),
            range,
            scope,
        });
    }

    fn collect_mod(&mut self, node: &SyntaxNode) {
        let Some(module) = ast::Module::cast(node.clone()) else {
            return;
        };
        if module.item_list().is_some() {
            return;
        }
        let Some(name) = ast::HasName::name(&module).map(|n| n.text().to_string()) else {
            return;
        };
        let path_attr = ast::HasAttrs::attrs(&module).find_map(|attr| {
            let meta = MetaText::of(&attr)?;
            if meta.name != "path" {
                return None;
            }
            Some(meta.value?.trim().trim_matches('"').to_string())
        });
        let inline_parents = node
            .ancestors()
            .skip(1)
            .filter_map(ast::Module::cast)
            .filter_map(|m| ast::HasName::name(&m).map(|n| n.text().to_string()))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        self.mods.push(ModDecl {
            name,
            path_attr,
            inline_parents,
            gate: gate_of(node),
        });
    }

    /// The innermost scope holding `node`; scopes are created on first sight.
    fn scope_of(&mut self, node: &SyntaxNode, ids: &mut HashMap<SyntaxNode, ScopeId>) -> ScopeId {
        let chain: Vec<SyntaxNode> = node.ancestors().skip(1).filter(is_scope_node).collect();
        let mut parent = None;
        for scope_node in chain.iter().rev() {
            let id = match ids.get(scope_node) {
                Some(id) => *id,
                None => {
                    let id = self.scopes.len();
                    self.scopes.push(Scope {
                        parent,
                        is_module: scope_node.kind() != SyntaxKind::STMT_LIST,
                    });
                    ids.insert(scope_node.clone(), id);
                    id
                }
            };
            parent = Some(id);
        }
        parent.unwrap_or_else(|| {
            // Only reachable for the root itself; give it a module scope.
            self.scopes.push(Scope {
                parent: None,
                is_module: true,
            });
            self.scopes.len() - 1
        })
    }
}

fn is_scope_node(node: &SyntaxNode) -> bool {
    match node.kind() {
        SyntaxKind::SOURCE_FILE | SyntaxKind::STMT_LIST => true,
        SyntaxKind::ITEM_LIST => node
            .parent()
            .is_some_and(|p| p.kind() == SyntaxKind::MODULE),
        _ => false,
    }
}

/// The `#[cfg]` predicates on `node` and every enclosing item, statement or expression.
/// `cfg_attr(pred, cfg(x))` is rare and left out (it can only narrow further).
fn gate_of(node: &SyntaxNode) -> Gate {
    gate_with(node, &mut HashMap::new())
}

/// The cfg predicates of each node's own attributes, by node. Paths in one item share its
/// ancestors, and listing the attributes of a block or an impl body walks all of its
/// children, so asking each node once matters on large files.
pub(crate) type OwnCfgs = HashMap<SyntaxNode, Vec<CfgExpr>>;

/// `gate_of`, remembering each ancestor's own predicates in `cache`.
pub(crate) fn gate_with(node: &SyntaxNode, cache: &mut OwnCfgs) -> Gate {
    let mut predicates = Vec::new();
    for ancestor in node.ancestors() {
        if ancestor.kind() == SyntaxKind::SOURCE_FILE {
            break; // the file's own inner cfg is FileSyntax::file_gate
        }
        // Only attribute owners are asked (and remembered): hashing every node costs more
        // than the kind check.
        let Some(owner) = ast::AnyHasAttrs::cast(ancestor) else {
            continue;
        };
        if let Some(own) = cache.get(owner.syntax()) {
            predicates.extend(own.iter().cloned());
            continue;
        }
        let own = own_cfgs(&owner);
        predicates.extend(own.iter().cloned());
        cache.insert(owner.syntax().clone(), own);
    }
    Gate(predicates)
}

pub(crate) fn own_cfgs(owner: &ast::AnyHasAttrs) -> Vec<CfgExpr> {
    let mut predicates = Vec::new();
    for attr in ast::HasAttrs::attrs(owner) {
        // `#[test]` items exist only when compiling tests: as `#[cfg(test)]`.
        if is_test_attribute(&attr) {
            predicates.extend(CfgExpr::parse("test").ok());
            continue;
        }
        // Rendering an attribute's text costs an allocation: look at
        // the first token (`cfg`, `inline`, `cfg_attr`…) before rendering anything.
        if !starts_with_cfg(&attr) {
            continue;
        }
        let Some(meta) = MetaText::of(&attr) else {
            continue;
        };
        if meta.name != "cfg" {
            continue;
        }
        let Some(args) = meta.args else { continue };
        match CfgExpr::parse(&args) {
            Ok(expr) => predicates.push(expr),
            // An unparsable predicate is a compile error; never call the code dead.
            Err(_) => continue,
        }
    }
    predicates
}

/// `#[test]`, `#[bench]`, or a test harness's `#[tokio::test]`-style attribute: the item is
/// compiled only for tests.
pub(crate) fn is_test_attribute(attr: &ast::Attr) -> bool {
    let Some(path) = attr.meta().and_then(|meta| meta.path()) else {
        return false;
    };
    let Some(last) = path.segment().and_then(|segment| segment.name_ref()) else {
        return false;
    };
    match last.text() {
        "test" => true,
        "bench" => path.qualifier().is_none(),
        _ => false,
    }
}

/// Whether the attribute's first token is `cfg` (it may be `cfg(…)`; nothing else can).
fn starts_with_cfg(attr: &ast::Attr) -> bool {
    let Some(meta) = attr.meta() else {
        return false;
    };
    let mut token = meta.syntax().first_token();
    while let Some(t) = &token {
        if !t.kind().is_trivia() {
            break;
        }
        token = t.next_token();
    }
    token.is_some_and(|t| t.text() == "cfg")
}

/// An attribute's meta read from its text (`name`, `name(args)` or `name = value`), which
/// stays stable across parser versions that model `cfg` metas differently.
struct MetaText {
    name: String,
    args: Option<String>,
    value: Option<String>,
}

impl MetaText {
    fn of(attr: &ast::Attr) -> Option<MetaText> {
        let text = attr.meta()?.syntax().text().to_string();
        let text = text.trim();
        let name_end = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(text.len());
        let name = text[..name_end].to_string();
        let rest = text[name_end..].trim_start();
        let args = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .map(str::to_string);
        let value = rest.strip_prefix('=').map(|v| v.trim().to_string());
        Some(MetaText { name, args, value })
    }
}

pub(crate) fn to_range(range: TextRange) -> Range<usize> {
    usize::from(range.start())..usize::from(range.end())
}

/// The segments of a plain path (`a::b::c`), or `None` for `<T as Trait>::f` forms.
pub(crate) fn path_segments(path: &ast::Path) -> Option<(Vec<String>, Vec<Range<usize>>)> {
    let mut segments = Vec::new();
    let mut ranges = Vec::new();
    let mut current = Some(path.clone());
    while let Some(p) = current {
        let segment = p.segment()?;
        let name = segment.name_ref()?;
        segments.push(name.text().to_string());
        ranges.push(to_range(name.syntax().text_range()));
        current = p.qualifier();
    }
    segments.reverse();
    ranges.reverse();
    Some((segments, ranges))
}

pub(crate) fn path_has_leading_colons(path: &ast::Path) -> bool {
    let mut first = path.clone();
    while let Some(q) = first.qualifier() {
        first = q;
    }
    first.segment().and_then(|s| s.coloncolon_token()).is_some()
}

/// For a path inside an expression statement, where to put `#[cfg(…)]` before it.
pub(crate) fn statement_slot(node: &SyntaxNode, text: &str) -> Option<(usize, String)> {
    let statement = node.ancestors().find(|a| {
        matches!(
            a.kind(),
            SyntaxKind::EXPR_STMT | SyntaxKind::LET_STMT | SyntaxKind::STMT_LIST
        )
    })?;
    if statement.kind() != SyntaxKind::EXPR_STMT {
        return None;
    }
    let start = usize::from(statement.text_range().start());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some((start, indent.to_string()))
}
