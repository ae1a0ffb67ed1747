//! What a crate's own file refers to, for T0008: every `use` leaf, every path in code and
//! every method call, with its `#[cfg]` gate and the inline module it sits in. A separate
//! walk from `syntax::extract`, which keeps only std paths to stay fast on every keystroke.

use super::selection::{arm_gates, selection_arms};
use crate::analysis::syntax::extract::{
    gate_with, path_has_leading_colons, path_segments, statement_slot, to_range, OwnCfgs,
};
use crate::analysis::syntax::Gate;
use ra_ap_syntax::ast::{self, HasName};
use ra_ap_syntax::{AstNode, AstToken, Edition, SourceFile, SyntaxKind, SyntaxNode, WalkEvent};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefKind {
    /// A leaf of a `use` item; `binds` is the name it brings into scope.
    Use { binds: Option<String>, glob: bool },
    /// A path in an expression, type or pattern. `value`: one segment in an expression.
    /// `local`: one segment that a binding or generic parameter around it may name.
    /// `rooted`: written with a leading `::`.
    Path {
        value: bool,
        local: bool,
        rooted: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub segments: Vec<String>,
    pub segment_ranges: Vec<Range<usize>>,
    pub kind: RefKind,
    pub gate: Gate,
    /// Names of the inline modules around it, outermost first.
    pub inline_modules: Vec<String>,
    /// For a `use` inside a function body: the block it is scoped to.
    pub block: Option<Range<usize>>,
    /// Where `#[cfg(…)]` can gate the whole statement or `use` item holding it.
    pub slot: Option<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodCall {
    pub name: String,
    pub range: Range<usize>,
    pub gate: Gate,
    pub inline_modules: Vec<String>,
    pub slot: Option<(usize, String)>,
}

/// A `compile_error!` call the compiler expands wherever its gate holds (an item, a
/// statement, or an arm of `cfg_if!`/`cfg_select!`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The literal's text, or the call's tokens when it is not one plain literal.
    pub message: String,
    /// The whole call, `compile_error!(…)`.
    pub range: Range<usize>,
    /// Its own `#[cfg]`s, the items' around it and the selection arms' it sits in.
    pub gate: Gate,
}

/// An item declared in a block (`fn helper() {}` inside a function body), with its gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockItem {
    pub name: String,
    /// The block it is visible in (all of it, not only after the declaration).
    pub block: Range<usize>,
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternCrateRef {
    pub name: String,
    /// The name it binds (the alias of `as alias`).
    pub binds: String,
    pub range: Range<usize>,
    pub gate: Gate,
    pub slot: Option<(usize, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReferences {
    pub references: Vec<Reference>,
    pub method_calls: Vec<MethodCall>,
    pub compile_errors: Vec<CompileError>,
    /// `extern crate name [as alias];` items: the crate's name, its range, the item's gate
    /// and where `#[cfg(…)]` would go before the item.
    pub extern_crates: Vec<ExternCrateRef>,
    /// Items declared inside a function body: they shadow the module's names in their block.
    pub block_items: Vec<BlockItem>,
    /// Indices of the `use` leaves among `references`: a file names thousands of paths and
    /// imports tens, and scope questions ask only about the imports.
    use_indices: Vec<usize>,
}

impl FileReferences {
    pub fn parse(text: &str) -> FileReferences {
        let file = SourceFile::parse(text, Edition::Edition2021).tree();
        FileReferences::from_tree(&file, text)
    }

    pub fn from_tree(file: &SourceFile, text: &str) -> FileReferences {
        let mut out = FileReferences::default();
        let mut cache = OwnCfgs::new();
        let mut locals = LocalNames::new();
        // One walk with its context on a stack (no ancestor walk per path): inside how many
        // nodes whose paths are not references (`use`, `pub(in …)`, attributes, macro
        // input), and the inline modules around.
        let mut skipped = 0usize;
        let mut modules: Vec<String> = Vec::new();
        let is_inline_module = |node: &SyntaxNode| {
            node.kind() == SyntaxKind::MODULE
                && node.children().any(|c| c.kind() == SyntaxKind::ITEM_LIST)
        };
        for event in file.syntax().preorder() {
            let node = match event {
                WalkEvent::Enter(node) => node,
                WalkEvent::Leave(node) => {
                    match node.kind() {
                        SyntaxKind::USE
                        | SyntaxKind::VISIBILITY
                        | SyntaxKind::ATTR
                        | SyntaxKind::TOKEN_TREE => skipped -= 1,
                        _ if is_inline_module(&node) => {
                            modules.pop();
                        }
                        _ => {}
                    }
                    continue;
                }
            };
            if skipped == 0
                && node
                    .parent()
                    .is_some_and(|p| p.kind() == SyntaxKind::STMT_LIST)
            {
                if let Some(name) = block_item_name(&node) {
                    if let Some(block) = node.parent() {
                        out.block_items.push(BlockItem {
                            name,
                            block: to_range(block.text_range()),
                            gate: gate_with(&node, &mut cache),
                        });
                    }
                }
            }
            match node.kind() {
                SyntaxKind::USE => {
                    if skipped == 0 {
                        if let Some(item) = ast::Use::cast(node.clone()) {
                            collect_use(&item, text, &modules, &mut cache, &mut out);
                        }
                    }
                    skipped += 1;
                }
                SyntaxKind::VISIBILITY | SyntaxKind::ATTR | SyntaxKind::TOKEN_TREE => skipped += 1,
                SyntaxKind::MODULE if is_inline_module(&node) => {
                    let name = ast::Module::cast(node.clone())
                        .and_then(|m| m.name())
                        .map(|n| n.text().to_string())
                        .unwrap_or_default();
                    modules.push(name);
                }
                SyntaxKind::PATH if skipped == 0 => {
                    if let Some(path) = ast::Path::cast(node.clone()) {
                        collect_path(&path, text, &modules, &mut cache, &mut locals, &mut out);
                    }
                }
                SyntaxKind::MACRO_CALL if skipped == 0 => {
                    if let Some(call) = ast::MacroCall::cast(node.clone()) {
                        let gate = gate_with(&node, &mut cache);
                        collect_compile_errors(&call, 0, gate, &mut out.compile_errors);
                    }
                }
                SyntaxKind::EXTERN_CRATE if skipped == 0 => {
                    let item = ast::ExternCrate::cast(node.clone());
                    let alias = (item.as_ref())
                        .and_then(|e| e.rename())
                        .and_then(|r| r.name())
                        .map(|n| n.text().to_string());
                    if let Some(name) = item.and_then(|e| e.name_ref()) {
                        out.extern_crates.push(ExternCrateRef {
                            binds: alias.unwrap_or_else(|| name.text().to_string()),
                            name: name.text().to_string(),
                            range: to_range(name.syntax().text_range()),
                            gate: gate_with(&node, &mut cache),
                            slot: item_slot(&node, text),
                        });
                    }
                }
                SyntaxKind::METHOD_CALL_EXPR if skipped == 0 => {
                    let Some(call) = ast::MethodCallExpr::cast(node.clone()) else {
                        continue;
                    };
                    let Some(name) = call.name_ref() else {
                        continue;
                    };
                    out.method_calls.push(MethodCall {
                        name: name.text().to_string(),
                        range: to_range(name.syntax().text_range()),
                        gate: gate_with(&node, &mut cache),
                        inline_modules: modules.clone(),
                        slot: statement_slot(&node, text),
                    });
                }
                _ => {}
            }
        }
        out.use_indices = (out.references.iter().enumerate())
            .filter(|(_, r)| matches!(r.kind, RefKind::Use { .. }))
            .map(|(index, _)| index)
            .collect();
        out
    }

    /// The `use` leaves, with their indices in `references`.
    pub fn uses(&self) -> impl Iterator<Item = (usize, &Reference)> {
        (self.use_indices.iter()).filter_map(|&index| Some((index, self.references.get(index)?)))
    }
}

/// The name a block-level item declares (not `use`: its leaves are references).
fn block_item_name(node: &SyntaxNode) -> Option<String> {
    let name = match ast::Item::cast(node.clone())? {
        ast::Item::Fn(it) => it.name(),
        ast::Item::Struct(it) => it.name(),
        ast::Item::Enum(it) => it.name(),
        ast::Item::Union(it) => it.name(),
        ast::Item::Const(it) => it.name(),
        ast::Item::Static(it) => it.name(),
        ast::Item::TypeAlias(it) => it.name(),
        ast::Item::Trait(it) => it.name(),
        ast::Item::Module(it) => it.name(),
        ast::Item::MacroRules(it) => it.name(),
        _ => None,
    };
    name.map(|n| n.text().to_string())
}

/// `compile_error!(…)` itself, or the ones in the arms of a selection macro (nested too),
/// each arm's gate added. `offset`: where the text `call` was parsed from starts in the file.
fn collect_compile_errors(
    call: &ast::MacroCall,
    offset: usize,
    gate: Gate,
    out: &mut Vec<CompileError>,
) {
    let Some(name) = call
        .path()
        .and_then(|p| p.segment())
        .and_then(|s| s.name_ref())
        .map(|n| n.text().to_string())
    else {
        return;
    };
    let Some(tree) = call.token_tree() else {
        return;
    };
    if name == "compile_error" {
        // From the path to the closing delimiter: no attributes, no `;`.
        let start = call
            .path()
            .map_or(call.syntax().text_range(), |p| p.syntax().text_range());
        let range = to_range(start.cover(tree.syntax().text_range()));
        out.push(CompileError {
            message: compile_error_text(&tree),
            range: range.start + offset..range.end + offset,
            gate,
        });
        return;
    }
    let tree_text = tree.syntax().text().to_string();
    let Some(arms) = selection_arms(&name, &tree_text) else {
        return;
    };
    let tree_start = offset + usize::from(tree.syntax().text_range().start());
    for (arm, arm_gate) in arms.iter().zip(arm_gates(&arms)) {
        let parsed = SourceFile::parse(&arm.body, Edition::Edition2021).tree();
        let mut cache = OwnCfgs::new();
        for inner in parsed
            .syntax()
            .descendants()
            .filter_map(ast::MacroCall::cast)
        {
            let mut inner_gate = gate.clone();
            inner_gate.0.extend(arm_gate.iter().cloned());
            inner_gate.0.extend(gate_with(inner.syntax(), &mut cache).0);
            collect_compile_errors(&inner, tree_start + arm.body_offset, inner_gate, out);
        }
    }
}

/// What rustc prints for `compile_error!("text")`: the literal's value; anything else
/// (`concat!(…)`) as written.
fn compile_error_text(tree: &ast::TokenTree) -> String {
    let tokens: Vec<_> = tree
        .syntax()
        .children_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| !token.kind().is_trivia())
        .filter(|token| {
            !matches!(
                token.kind(),
                SyntaxKind::L_PAREN
                    | SyntaxKind::R_PAREN
                    | SyntaxKind::L_BRACK
                    | SyntaxKind::R_BRACK
                    | SyntaxKind::L_CURLY
                    | SyntaxKind::R_CURLY
                    | SyntaxKind::COMMA
            )
        })
        .collect();
    if let [token] = tokens.as_slice() {
        if let Some(value) =
            ast::String::cast(token.clone()).and_then(|s| s.value().ok().map(|v| v.to_string()))
        {
            return value;
        }
    }
    let text = tree.syntax().text().to_string();
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or(&text);
    inner.trim().to_string()
}

fn collect_use(
    item: &ast::Use,
    text: &str,
    modules: &[String],
    cache: &mut OwnCfgs,
    out: &mut FileReferences,
) {
    let Some(tree) = item.use_tree() else { return };
    let node = item.syntax();
    let gate = gate_with(node, cache);
    let block = node
        .ancestors()
        .find(|a| a.kind() == SyntaxKind::STMT_LIST)
        .map(|list| to_range(list.text_range()));
    let single_leaf = tree.use_tree_list().is_none();
    let slot = single_leaf.then(|| item_slot(node, text)).flatten();
    let mut leaves = Vec::new();
    flatten(&tree, &[], &[], &mut leaves);
    for (segments, segment_ranges, binds, glob) in leaves {
        out.references.push(Reference {
            segments,
            segment_ranges,
            kind: RefKind::Use { binds, glob },
            gate: gate.clone(),
            inline_modules: modules.to_vec(),
            block: block.clone(),
            slot: slot.clone(),
        });
    }
}

/// One leaf of a `use` tree: its path and segment ranges, the name it binds, whether a glob.
pub type Leaf = (Vec<String>, Vec<Range<usize>>, Option<String>, bool);

/// The leaves of a `use` tree (groups, renames, globs, `self`).
pub fn flatten(
    tree: &ast::UseTree,
    prefix: &[String],
    ranges: &[Range<usize>],
    out: &mut Vec<Leaf>,
) {
    let mut path = prefix.to_vec();
    let mut path_ranges = ranges.to_vec();
    if let Some(own) = tree.path() {
        let Some((segments, segment_ranges)) = path_segments(&own) else {
            return;
        };
        path.extend(segments);
        path_ranges.extend(segment_ranges);
    }
    if let Some(list) = tree.use_tree_list() {
        for child in list.use_trees() {
            flatten(&child, &path, &path_ranges, out);
        }
        return;
    }
    let glob = tree.star_token().is_some();
    if path.last().map(String::as_str) == Some("self") {
        path.pop();
        path_ranges.pop();
    }
    let binds = if glob {
        None
    } else {
        match tree.rename() {
            Some(rename) if rename.underscore_token().is_some() => None,
            Some(rename) => rename.name().map(|n| n.text().to_string()),
            None => path.last().cloned(),
        }
    };
    if !path.is_empty() {
        out.push((path, path_ranges, binds, glob));
    }
}

fn collect_path(
    path: &ast::Path,
    text: &str,
    modules: &[String],
    cache: &mut OwnCfgs,
    locals: &mut LocalNames,
    out: &mut FileReferences,
) {
    let node = path.syntax();
    // Only whole paths: a qualifier is part of the path around it.
    if node.parent().is_some_and(|p| p.kind() == SyntaxKind::PATH) {
        return;
    }
    let Some((mut segments, mut segment_ranges)) = path_segments(path) else {
        return;
    };
    // A macro's own name is not modelled (`#[macro_export]` puts it at the crate root,
    // whatever its module): only the modules before it are judged (`log::error!` checks
    // `log`).
    if node
        .parent()
        .is_some_and(|p| p.kind() == SyntaxKind::MACRO_CALL)
    {
        segments.pop();
        segment_ranges.pop();
        if segments.is_empty() {
            return;
        }
    }
    let (value, local) = match segments.as_slice() {
        [name] => (
            node.parent()
                .is_some_and(|p| p.kind() == SyntaxKind::PATH_EXPR),
            bound_locally(node, name, locals),
        ),
        _ => (false, false),
    };
    out.references.push(Reference {
        segments,
        segment_ranges,
        kind: RefKind::Path {
            value,
            local,
            rooted: path_has_leading_colons(path),
        },
        gate: gate_with(node, cache),
        inline_modules: modules.to_vec(),
        block: None,
        slot: statement_slot(node, text),
    });
}

/// The names each function, closure, impl or type binds locally (its patterns' bindings and
/// generic parameters), computed once per owner.
type LocalNames = HashMap<SyntaxNode, HashSet<String>>;

/// Whether a pattern binding or a generic parameter of an enclosing function, closure,
/// impl or type declares `name` (a local shadows a module-level item of that name).
fn bound_locally(node: &SyntaxNode, name: &str, locals: &mut LocalNames) -> bool {
    node.ancestors()
        .filter(|a| {
            matches!(
                a.kind(),
                SyntaxKind::FN
                    | SyntaxKind::CLOSURE_EXPR
                    | SyntaxKind::IMPL
                    | SyntaxKind::STRUCT
                    | SyntaxKind::ENUM
                    | SyntaxKind::TRAIT
                    | SyntaxKind::TYPE_ALIAS
            )
        })
        .any(|owner| {
            locals
                .entry(owner.clone())
                .or_insert_with(|| names_bound_by(&owner))
                .contains(name)
        })
}

fn names_bound_by(owner: &SyntaxNode) -> HashSet<String> {
    let generic = |node: &SyntaxNode| {
        node.children()
            .filter(|c| c.kind() == SyntaxKind::GENERIC_PARAM_LIST)
            .flat_map(|list| list.children())
            .filter_map(|param| param.children().find_map(ast::Name::cast))
            .map(|n| n.text().to_string())
            .collect::<Vec<_>>()
    };
    let mut names: HashSet<String> = generic(owner).into_iter().collect();
    // Bindings only matter inside bodies: functions and closures.
    if matches!(owner.kind(), SyntaxKind::FN | SyntaxKind::CLOSURE_EXPR) {
        names.extend(
            owner
                .descendants()
                .filter_map(ast::IdentPat::cast)
                .filter_map(|p| p.name())
                .map(|n| n.text().to_string()),
        );
    }
    names
}

/// Before a `use` item alone on its line(s): (offset, indentation).
fn item_slot(node: &SyntaxNode, text: &str) -> Option<(usize, String)> {
    let start = usize::from(node.text_range().start());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    indent
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then(|| (start, indent.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_paths_and_method_calls_with_gates_and_modules() {
        let text = r#"use std::os::unix::process::CommandExt;
mod inner {
    #[cfg(unix)]
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    fn f(m: std::fs::Metadata) -> u32 { m.uid() }
}
fn g() {
    #[cfg(unix)]
    crate::unix_only();
}
"#;
        let refs = FileReferences::parse(text);
        let uses: Vec<_> = refs
            .references
            .iter()
            .filter(|r| matches!(r.kind, RefKind::Use { .. }))
            .map(|r| {
                (
                    r.segments.join("::"),
                    r.gate.0.len(),
                    r.inline_modules.len(),
                    r.slot.is_some(),
                )
            })
            .collect();
        assert_eq!(
            uses,
            vec![
                ("std::os::unix::process::CommandExt".to_string(), 0, 0, true),
                ("std::os::unix::fs::MetadataExt".to_string(), 1, 1, false),
                ("std::os::unix::fs::PermissionsExt".to_string(), 1, 1, false),
            ]
        );
        let paths: Vec<_> = refs
            .references
            .iter()
            .filter(|r| matches!(r.kind, RefKind::Path { .. }))
            .map(|r| r.segments.join("::"))
            .collect();
        assert!(paths.contains(&"std::fs::Metadata".to_string()));
        assert!(paths.contains(&"crate::unix_only".to_string()));
        let unix_only = refs
            .references
            .iter()
            .find(|r| r.segments.last().map(String::as_str) == Some("unix_only"));
        assert_eq!(unix_only.map(|r| r.gate.0.len()), Some(1));
        assert_eq!(refs.method_calls.len(), 1);
        assert_eq!(refs.method_calls[0].name, "uid");
        assert_eq!(
            refs.method_calls[0].inline_modules,
            vec!["inner".to_string()]
        );
    }
}
