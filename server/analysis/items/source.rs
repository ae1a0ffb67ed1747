//! What one module declares, as plain data with the `#[cfg]` gate of every declaration:
//! items, child modules, `use` bindings and re-exports, and macro calls that may define
//! items. Read once per file, evaluated per target by `tree`.

use super::references::flatten;
use super::selection::{arm_gates, selection_arms};
use crate::analysis::cfg::CfgExpr;
use crate::analysis::syntax::extract::own_cfgs;
use crate::analysis::syntax::Gate;
use ra_ap_syntax::ast::{self, HasAttrs, HasModuleItem, HasName, HasVisibility};
use ra_ap_syntax::{AstNode, Edition, SourceFile, SyntaxKind};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ItemKind {
    /// A trait, with the names of its methods and associated items.
    Trait { members: Vec<String> },
    /// An enum, with its variants (what a glob import of it brings).
    Enum { variants: Vec<String> },
    /// A value only: fn, const, static (also in `extern` blocks).
    Value,
    /// Any other item: struct, union, type alias, extern type.
    Other,
    /// `macro_rules!` or `macro`.
    Macro,
}

/// Where a path's first segment is looked for, so that a declaration in the other
/// namespace (a `mod expr` for a local `expr`) does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A `use` path: any namespace.
    Any,
    /// A path of one segment in an expression: a value.
    Value,
    /// The first segment of a longer path, or a type: a module or type.
    TypePrefix,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemDecl {
    pub name: String,
    pub kind: ItemKind,
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModDecl {
    pub name: String,
    pub gate: Gate,
    /// `#[path = "…"]`, relative to the declaring file's directory.
    pub path_attr: Option<String>,
    /// The body of an inline module (`mod a { … }`).
    pub inline: Option<Box<ModuleSource>>,
    /// `#[cfg_attr(p, path = "…")]`: which file it is depends on the target.
    #[serde(default)]
    pub path_under_cfg: bool,
}

/// One leaf of a `use` item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UseDecl {
    pub path: Vec<String>,
    /// The bound name; `None` for globs and `as _`.
    pub binds: Option<String>,
    pub glob: bool,
    pub gate: Gate,
    /// Has a visibility (`pub`, `pub(crate)`…): what another crate's glob may bring. Kept
    /// summaries from before this field read as public, the answer that hides nothing.
    #[serde(default = "public_by_default")]
    pub public: bool,
}

fn public_by_default() -> bool {
    true
}

/// An item-level macro call that is not a cfg selection: it may define items, but only
/// items whose names appear among its tokens (a `macro_rules!` macro cannot invent an
/// identifier that is in neither its input nor its own body).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpaqueMacro {
    pub name: String,
    pub gate: Gate,
    pub idents: HashSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModuleSource {
    pub items: Vec<ItemDecl>,
    pub mods: Vec<ModDecl>,
    pub uses: Vec<UseDecl>,
    pub macros: Vec<OpaqueMacro>,
    /// `macro_rules! name { … }` in this module: the identifiers of each body.
    pub macro_bodies: HashMap<String, HashSet<String>>,
    /// Macros of one arm `() => { items }` with no metavariable: their items' text, so a
    /// call `name!()` can be read as those items (libc's `prelude!()` defines `mod prelude`).
    pub fixed_expansions: HashMap<String, String>,
    /// `extern crate name [as alias];` (the bound name, the crate).
    pub extern_crates: Vec<(String, String, Gate)>,
    /// `#![no_std]` / `#![cfg_attr(p, no_std)]` gates (crate roots only matter).
    pub no_std: Vec<Gate>,
    /// Not read (nested too deeply to parse safely): every lookup in it is unknown.
    pub unreadable: bool,
    /// `impl Type { fn name… }` here: (the type's last path segment, its functions), so an
    /// associated function a type has itself is not taken for a trait's.
    #[serde(default)]
    pub inherent: Vec<(String, Vec<String>)>,
    /// Item-level `compile_error!("…")` calls (in `cfg_if!` arms too): gate and text.
    #[serde(default)]
    pub compile_errors: Vec<(Gate, String)>,
}

impl ModuleSource {
    /// A file nested too deeply to parse safely declares nothing we know of (`syntax::
    /// MAX_NESTING_SCORE`: a parser stack overflow would abort the server).
    pub fn parse(text: &str) -> ModuleSource {
        if crate::analysis::syntax::nesting_score(text) > crate::analysis::syntax::MAX_NESTING_SCORE
        {
            return ModuleSource {
                unreadable: true,
                ..ModuleSource::default()
            };
        }
        ModuleSource::from_tree(&SourceFile::parse(text, Edition::Edition2021).tree())
    }

    pub fn from_tree(file: &SourceFile) -> ModuleSource {
        let mut module = ModuleSource::default();
        let file_gate = own_cfgs(&ast::AnyHasAttrs::from(file.clone()));
        for attr in file.attrs() {
            if let Some(gate) = no_std_gate(&attr) {
                module.no_std.push(gate);
            }
        }
        module.collect(file.items(), &Gate(file_gate));
        module
    }

    /// Whether anything here declares `name` where `position` looks for it (an item, a
    /// module, an import, or a macro call that names it), whatever its gate.
    pub fn declares(&self, name: &str, position: Position) -> bool {
        let item_fits = |kind: &ItemKind| match position {
            Position::Any => true,
            Position::Value => matches!(kind, ItemKind::Value | ItemKind::Other),
            Position::TypePrefix => !matches!(kind, ItemKind::Value | ItemKind::Macro),
        };
        self.items
            .iter()
            .any(|i| i.name == name && item_fits(&i.kind))
            || (position != Position::Value && self.mods.iter().any(|m| m.name == name))
            || self.uses.iter().any(|u| u.binds.as_deref() == Some(name))
            || self.macros.iter().any(|m| m.idents.contains(name))
    }

    fn collect(&mut self, items: impl Iterator<Item = ast::Item>, outer: &Gate) {
        for item in items {
            let mut gate = outer.clone();
            gate.0
                .extend(own_cfgs(&ast::AnyHasAttrs::from(item.clone())));
            self.collect_item(item, gate);
        }
    }

    fn push_item(&mut self, name: Option<ast::Name>, kind: ItemKind, gate: Gate) {
        if let Some(name) = name {
            self.items.push(ItemDecl {
                name: name.text().to_string(),
                kind,
                gate,
            });
        }
    }

    fn collect_item(&mut self, item: ast::Item, gate: Gate) {
        match item {
            ast::Item::Fn(it) => self.push_item(it.name(), ItemKind::Value, gate),
            ast::Item::Struct(it) => self.push_item(it.name(), ItemKind::Other, gate),
            ast::Item::Enum(it) => {
                let variants = it
                    .variant_list()
                    .map(|list| {
                        list.variants()
                            .filter_map(|v| v.name())
                            .map(|n| n.text().to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                self.push_item(it.name(), ItemKind::Enum { variants }, gate)
            }
            ast::Item::Union(it) => self.push_item(it.name(), ItemKind::Other, gate),
            ast::Item::Const(it) => self.push_item(it.name(), ItemKind::Value, gate),
            ast::Item::Static(it) => self.push_item(it.name(), ItemKind::Value, gate),
            ast::Item::TypeAlias(it) => self.push_item(it.name(), ItemKind::Other, gate),
            ast::Item::Trait(it) => {
                let members = it
                    .assoc_item_list()
                    .map(|list| {
                        list.assoc_items()
                            .filter_map(|assoc| match assoc {
                                ast::AssocItem::Fn(f) => f.name(),
                                ast::AssocItem::Const(c) => c.name(),
                                ast::AssocItem::TypeAlias(t) => t.name(),
                                ast::AssocItem::MacroCall(_) => None,
                            })
                            .map(|n| n.text().to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                self.push_item(it.name(), ItemKind::Trait { members }, gate)
            }
            ast::Item::MacroRules(it) => {
                if let Some(name) = it.name() {
                    let body = it
                        .token_tree()
                        .map(|tree| idents_of(tree.syntax()))
                        .unwrap_or_default();
                    self.macro_bodies.insert(name.text().to_string(), body);
                    if let Some(items) = it.token_tree().and_then(|t| fixed_expansion(&t)) {
                        self.fixed_expansions.insert(name.text().to_string(), items);
                    }
                }
                self.push_item(it.name(), ItemKind::Macro, gate)
            }
            ast::Item::MacroDef(it) => self.push_item(it.name(), ItemKind::Macro, gate),
            ast::Item::ExternBlock(block) => {
                let Some(list) = block.extern_item_list() else {
                    return;
                };
                for extern_item in list.extern_items() {
                    let mut item_gate = gate.clone();
                    item_gate.0.extend(
                        ast::AnyHasAttrs::cast(extern_item.syntax().clone())
                            .map(|owner| own_cfgs(&owner))
                            .unwrap_or_default(),
                    );
                    let (name, kind) = match extern_item {
                        ast::ExternItem::Fn(f) => (f.name(), ItemKind::Value),
                        ast::ExternItem::Static(s) => (s.name(), ItemKind::Value),
                        ast::ExternItem::TypeAlias(t) => (t.name(), ItemKind::Other),
                        ast::ExternItem::MacroCall(_) => (None, ItemKind::Other),
                    };
                    self.push_item(name, kind, item_gate);
                }
            }
            ast::Item::ExternCrate(it) => {
                let Some(name) = it.name_ref().map(|n| n.text().to_string()) else {
                    return;
                };
                let bound = it
                    .rename()
                    .and_then(|r| r.name())
                    .map(|n| n.text().to_string())
                    .unwrap_or_else(|| name.clone());
                self.extern_crates.push((bound, name, gate));
            }
            ast::Item::Module(it) => {
                let Some(name) = it.name() else { return };
                let inline = it.item_list().map(|list| {
                    let mut inner = ModuleSource::default();
                    inner.collect(list.items(), &Gate::default());
                    Box::new(inner)
                });
                self.mods.push(ModDecl {
                    name: name.text().to_string(),
                    gate,
                    path_attr: path_attribute(&it),
                    inline,
                    path_under_cfg: it.attrs().any(|attr| {
                        attr.meta().is_some_and(|meta| {
                            let text = meta.syntax().text().to_string();
                            text.starts_with("cfg_attr") && text.contains("path")
                        })
                    }),
                });
            }
            ast::Item::Use(it) => {
                if let Some(tree) = it.use_tree() {
                    self.collect_use_tree(&tree, &gate, it.visibility().is_some());
                }
            }
            ast::Item::MacroCall(call) => self.collect_macro_call(&call, gate),
            ast::Item::Impl(it) => {
                if it.trait_().is_some() {
                    return;
                }
                let Some(ast::Type::PathType(ty)) = it.self_ty() else {
                    return;
                };
                let Some(name) = (ty.path())
                    .and_then(|p| p.segment())
                    .and_then(|s| s.name_ref())
                    .map(|n| n.text().to_string())
                else {
                    return;
                };
                let fns: Vec<String> = (it.assoc_item_list().into_iter())
                    .flat_map(|list| list.assoc_items())
                    .filter_map(|assoc| match assoc {
                        ast::AssocItem::Fn(f) => f.name().map(|n| n.text().to_string()),
                        _ => None,
                    })
                    .collect();
                if !fns.is_empty() {
                    self.inherent.push((name, fns));
                }
            }
            ast::Item::AsmExpr(_) => {}
        }
    }

    fn collect_use_tree(&mut self, tree: &ast::UseTree, gate: &Gate, public: bool) {
        let mut leaves = Vec::new();
        flatten(tree, &[], &[], &mut leaves);
        for (path, _, binds, glob) in leaves {
            self.uses.push(UseDecl {
                path,
                binds,
                glob,
                gate: gate.clone(),
                public,
            });
        }
    }

    fn collect_macro_call(&mut self, call: &ast::MacroCall, gate: Gate) {
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
        let tree_text = tree.syntax().text().to_string();
        if let Some(arms) = selection_arms(&name, &tree_text) {
            for (arm, arm_gate) in arms.iter().zip(arm_gates(&arms)) {
                let parsed = SourceFile::parse(&arm.body, Edition::Edition2021).tree();
                let mut inner_gate = gate.clone();
                inner_gate.0.extend(arm_gate);
                self.collect(parsed.items(), &inner_gate);
            }
            return;
        }
        if name == "compile_error" {
            self.compile_errors
                .push((gate, string_literals(tree.syntax())));
            return;
        }
        self.macros.push(OpaqueMacro {
            name,
            gate,
            idents: idents_of(tree.syntax()),
        });
    }
}

/// The body of `{ () => { body } }` (a `;` may follow) when it uses no metavariable.
fn fixed_expansion(tree: &ast::TokenTree) -> Option<String> {
    let text = tree.syntax().text().to_string();
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?.trim();
    let rest = inner
        .strip_prefix("()")?
        .trim_start()
        .strip_prefix("=>")?
        .trim();
    let rest = rest.strip_suffix(';').unwrap_or(rest).trim();
    let body = rest.strip_prefix('{')?.strip_suffix('}')?;
    // One arm only, and nothing to substitute.
    if body.contains('$') || body.contains("() =>") {
        return None;
    }
    Some(body.to_string())
}

/// The string literals of a macro call, joined (`compile_error!(concat!("a", "b"))`).
fn string_literals(node: &ra_ap_syntax::SyntaxNode) -> String {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter_map(|token| {
            use ra_ap_syntax::ast::AstToken;
            let literal = ast::String::cast(token)?;
            literal.value().ok().map(|value| value.to_string())
        })
        .collect()
}

fn idents_of(node: &ra_ap_syntax::SyntaxNode) -> HashSet<String> {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| token.kind() == SyntaxKind::IDENT)
        .map(|token| token.text().to_string())
        .collect()
}

fn path_attribute(module: &ast::Module) -> Option<String> {
    module.attrs().find_map(|attr| {
        let text = attr.meta()?.syntax().text().to_string();
        let value = text
            .trim()
            .strip_prefix("path")?
            .trim_start()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_string())
    })
}

/// `#![no_std]` → an empty gate; `#![cfg_attr(p, no_std)]` → `p`.
fn no_std_gate(attr: &ast::Attr) -> Option<Gate> {
    let text = attr.meta()?.syntax().text().to_string();
    let text = text.trim();
    if text == "no_std" {
        return Some(Gate::default());
    }
    let inner = text
        .strip_prefix("cfg_attr")?
        .trim_start()
        .strip_prefix('(')?;
    let inner = inner.strip_suffix(')')?;
    let parsed = crate::analysis::cfg::CfgAttr::parse(inner).ok()?;
    parsed
        .attributes
        .iter()
        .any(|a| a == "no_std")
        .then(|| Gate(vec![parsed.predicate]))
}

/// A gate's predicates as one expression (`all(...)`), for messages and fixes.
pub fn gate_expr(gate: &Gate) -> Option<CfgExpr> {
    match gate.0.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(CfgExpr::All(many.to_vec())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gated_items_modules_uses_and_selections() {
        let text = r#"
#[cfg(unix)] pub mod unix;
#[cfg(windows)] #[path = "win/mod.rs"] pub mod windows;
pub mod inline { #[cfg(feature = "x")] pub fn f() {} }
pub use self::inner::{Thing as Other, *};
cfg_if! { if #[cfg(unix)] { pub fn kill() {} } else { pub fn nothing() {} } }
extern "C" { #[cfg(target_os = "linux")] pub fn sysconf(); }
pub trait MetadataExt { fn uid(&self) -> u32; fn gid(&self) -> u32; }
atomic_int! { cfg(target_has_atomic = "64"), AtomicU64 }
"#;
        let module = ModuleSource::parse(text);
        let names: Vec<_> = module.mods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["unix", "windows", "inline"]);
        assert_eq!(module.mods[1].path_attr.as_deref(), Some("win/mod.rs"));
        let inline = module.mods[2].inline.as_deref();
        assert_eq!(inline.map(|m| m.items[0].gate.0.len()), Some(1));
        assert_eq!(module.uses.len(), 2);
        assert!(module.uses[1].glob);
        let kill = module.items.iter().find(|i| i.name == "kill");
        let nothing = module.items.iter().find(|i| i.name == "nothing");
        assert_eq!(kill.map(|i| i.gate.0.len()), Some(1));
        assert!(matches!(
            nothing.map(|i| &i.gate.0[0]),
            Some(CfgExpr::Not(_))
        ));
        let sysconf = module.items.iter().find(|i| i.name == "sysconf");
        assert_eq!(sysconf.map(|i| i.gate.0.len()), Some(1));
        let ext = module.items.iter().find(|i| i.name == "MetadataExt");
        assert!(
            matches!(ext.map(|i| &i.kind), Some(ItemKind::Trait { members }) if members == &["uid", "gid"])
        );
        assert!(module.macros[0].idents.contains("AtomicU64"));
    }
}
