//! Atomic types and methods from `core/src/sync/atomic.rs`: each type with the cfg it
//! exists under, each method with its own gate. Integer atomics come from the
//! `atomic_int!` macro, whose read-modify-write methods carry `#[$cfg_cas]`, bound per
//! invocation to `cfg(target_has_atomic = "N")`; `AtomicBool`/`AtomicPtr` are type
//! aliases with plain `impl` blocks.

use crate::analysis::cfg::{split_top_level_commas, CfgExpr};
use crate::analysis::local_types::sysroot_facts::AtomicTypeFacts;
use ra_ap_syntax::ast::HasModuleItem;
use ra_ap_syntax::{ast, AstNode, Edition, NodeOrToken, SourceFile, SyntaxKind};
use std::collections::BTreeMap;

/// A token tree's contents: tokens and bracketed groups, trivia dropped.
enum Tt {
    Token(String),
    Group(ast::TokenTree),
}

fn children(tree: &ast::TokenTree) -> Vec<Tt> {
    let mut out = Vec::new();
    let total = tree.syntax().children_with_tokens().count();
    for (index, child) in tree.syntax().children_with_tokens().enumerate() {
        match child {
            NodeOrToken::Node(node) => {
                if let Some(group) = ast::TokenTree::cast(node) {
                    out.push(Tt::Group(group));
                }
            }
            NodeOrToken::Token(token) => {
                // The tree's own brackets are its first and last tokens.
                if index == 0 || index + 1 == total || token.kind().is_trivia() {
                    continue;
                }
                out.push(Tt::Token(token.text().to_string()));
            }
        }
    }
    out
}

/// A group's text without its brackets.
fn inner_text(group: &ast::TokenTree) -> String {
    let text = group.syntax().text().to_string();
    let mut chars = text.chars();
    chars.next();
    chars.next_back();
    chars.as_str().trim().to_string()
}

/// One method in a macro body: its name and the texts of its attributes (and of the
/// attributes of the blocks around it).
struct MethodSite {
    name: String,
    attrs: Vec<String>,
}

fn methods_in(tree: &ast::TokenTree, inherited: &[String], out: &mut Vec<MethodSite>) {
    let items = children(tree);
    let mut pending: Vec<String> = Vec::new();
    let mut index = 0;
    while index < items.len() {
        match &items[index] {
            Tt::Token(text) if text == "#" => {
                if let Some(Tt::Group(group)) = items.get(index + 1) {
                    pending.push(inner_text(group));
                    index += 1;
                }
            }
            Tt::Token(text) if text == "fn" => {
                if let Some(Tt::Token(name)) = items.get(index + 1) {
                    let mut attrs = inherited.to_vec();
                    attrs.append(&mut pending);
                    out.push(MethodSite {
                        name: name.clone(),
                        attrs,
                    });
                    index += 1;
                }
            }
            Tt::Token(text) if text == ";" => pending.clear(),
            Tt::Token(_) => {}
            Tt::Group(group) => {
                let mut scope = inherited.to_vec();
                scope.append(&mut pending);
                methods_in(group, &scope, out);
            }
        }
        index += 1;
    }
}

/// `$name:kind` metavariables of each comma-separated fragment of a macro matcher.
fn matcher_fragments(matcher: &ast::TokenTree) -> Vec<Vec<String>> {
    split_top_level_commas(&inner_text(matcher))
        .into_iter()
        .map(|fragment| {
            fragment
                .split('$')
                .skip(1)
                .filter_map(|rest| rest.split(':').next())
                .map(|name| name.trim().to_string())
                .collect()
        })
        .collect()
}

/// Metavariable → text for one invocation of a macro with `fragments` as matcher.
fn bind(fragments: &[Vec<String>], args: &str) -> BTreeMap<String, String> {
    let mut bindings = BTreeMap::new();
    for (names, value) in fragments.iter().zip(split_top_level_commas(args)) {
        match names.as_slice() {
            [single] => {
                bindings.insert(single.clone(), value.trim().to_string());
            }
            many => {
                for (name, word) in many.iter().zip(value.split_whitespace()) {
                    bindings.insert(name.clone(), word.to_string());
                }
            }
        }
    }
    bindings
}

/// The cfg predicate of an attribute text (`cfg(…)` or `$meta` bound to one), if any.
fn cfg_of(attr: &str, bindings: &BTreeMap<String, String>) -> Option<CfgExpr> {
    let attr = attr.trim();
    let text = match attr.strip_prefix('$') {
        Some(name) => bindings.get(name.trim())?.as_str(),
        None => attr,
    };
    let inner = text
        .strip_prefix("cfg")?
        .trim()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    if inner.contains('$') {
        return None; // bound by an outer macro: holds for each of its expansions
    }
    CfgExpr::parse(inner).ok()
}

fn cfgs_of_item(item: &impl ast::HasAttrs) -> Vec<CfgExpr> {
    item.attrs()
        .filter_map(|attr| {
            let meta = attr.meta()?;
            cfg_of(&meta.syntax().text().to_string(), &BTreeMap::new())
        })
        .collect()
}

/// A call of `atomic_int!`: its arguments and the cfg it sits under.
struct Invocation {
    args: String,
    gate: Vec<CfgExpr>,
}

/// Calls of `atomic_int!` written inside another macro's body, with their own `#[cfg]`s.
fn invocations_in_body(tree: &ast::TokenTree, outer: &[CfgExpr], out: &mut Vec<Invocation>) {
    let items = children(tree);
    let mut pending: Vec<CfgExpr> = Vec::new();
    let mut index = 0;
    while index < items.len() {
        match &items[index] {
            Tt::Token(text) if text == "#" => {
                if let Some(Tt::Group(group)) = items.get(index + 1) {
                    pending.extend(cfg_of(&inner_text(group), &BTreeMap::new()));
                    index += 1;
                }
            }
            Tt::Token(text) if text == "atomic_int" => {
                if let (Some(Tt::Token(bang)), Some(Tt::Group(args))) =
                    (items.get(index + 1), items.get(index + 2))
                {
                    if bang == "!" {
                        let mut gate = outer.to_vec();
                        gate.append(&mut pending);
                        out.push(Invocation {
                            args: inner_text(args),
                            gate,
                        });
                        index += 2;
                    }
                }
            }
            Tt::Group(group) => {
                invocations_in_body(group, outer, out);
                pending.clear();
            }
            Tt::Token(_) => pending.clear(),
        }
        index += 1;
    }
}

/// All atomic types `core::sync::atomic` defines, from its source text.
pub fn derive_atomic_types(text: &str) -> Vec<AtomicTypeFacts> {
    let file = SourceFile::parse(text, Edition::Edition2021).tree();
    let mut types: Vec<AtomicTypeFacts> = Vec::new();

    let rules: Vec<ast::MacroRules> = file
        .syntax()
        .descendants()
        .filter_map(ast::MacroRules::cast)
        .collect();
    let calls: Vec<ast::MacroCall> = file
        .syntax()
        .descendants()
        .filter_map(ast::MacroCall::cast)
        .collect();
    let called = |name: &str| -> Vec<ast::MacroCall> {
        calls
            .iter()
            .filter(|call| {
                call.path()
                    .map(|p| p.syntax().text().to_string())
                    .as_deref()
                    == Some(name)
            })
            .cloned()
            .collect()
    };

    // The integer atomics' macro: matcher and method body.
    let atomic_int = rules
        .iter()
        .find(|r| ast::HasName::name(*r).is_some_and(|n| n.text() == "atomic_int"));
    if let Some((matcher, body)) = atomic_int.and_then(matcher_and_body) {
        let fragments = matcher_fragments(&matcher);
        let mut methods = Vec::new();
        methods_in(&body, &[], &mut methods);

        let mut invocations: Vec<Invocation> = called("atomic_int")
            .into_iter()
            .filter_map(|call| {
                Some(Invocation {
                    args: inner_text(&call.token_tree()?),
                    gate: cfgs_of_item(&call),
                })
            })
            .collect();
        for other in &rules {
            let Some(name) = ast::HasName::name(other).map(|n| n.text().to_string()) else {
                continue;
            };
            if name == "atomic_int" {
                continue;
            }
            let Some((_, body)) = matcher_and_body(other) else {
                continue;
            };
            // The gate of the outer macro's call sites (all of them must agree to count).
            let mut outer = cfgs_of_item(other);
            if let Some(call) = called(&name).first() {
                outer.extend(cfgs_of_item(call));
            }
            invocations_in_body(&body, &outer, &mut invocations);
        }

        for invocation in invocations {
            let Some(name) = invocation
                .args
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .rfind(|word| !word.is_empty())
            else {
                continue;
            };
            let bindings = bind(&fragments, &invocation.args);
            let mut type_methods = BTreeMap::new();
            for method in &methods {
                let gate: Vec<CfgExpr> = method
                    .attrs
                    .iter()
                    .filter_map(|attr| cfg_of(attr, &bindings))
                    .collect();
                type_methods.insert(method.name.clone(), gate);
            }
            merge(
                &mut types,
                AtomicTypeFacts {
                    name: name.to_string(),
                    exists: invocation.gate,
                    methods: type_methods,
                },
            );
        }
    }

    // `pub type AtomicBool = Atomic<bool>;` with `impl AtomicBool { … }`.
    for item in file.items() {
        if let ast::Item::TypeAlias(alias) = &item {
            let Some(name) = ast::HasName::name(alias).map(|n| n.text().to_string()) else {
                continue;
            };
            if name.starts_with("Atomic") && ast::HasVisibility::visibility(alias).is_some() {
                merge(
                    &mut types,
                    AtomicTypeFacts {
                        name,
                        exists: cfgs_of_item(alias),
                        methods: BTreeMap::new(),
                    },
                );
            }
        }
    }
    for item in file.items() {
        let ast::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_().is_some() {
            continue;
        }
        let Some(self_ty) = block.self_ty().map(|t| t.syntax().text().to_string()) else {
            continue;
        };
        let name = self_ty
            .split('<')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        let Some(ty) = types.iter_mut().find(|t| t.name == name) else {
            continue;
        };
        let Some(list) = block.assoc_item_list() else {
            continue;
        };
        for assoc in list.assoc_items() {
            if let ast::AssocItem::Fn(function) = assoc {
                if let Some(method) = ast::HasName::name(&function) {
                    ty.methods
                        .insert(method.text().to_string(), cfgs_of_item(&function));
                }
            }
        }
    }
    types
}

/// The first two groups of a single-arm `macro_rules!`: `(matcher) => { body }`.
fn matcher_and_body(rules: &ast::MacroRules) -> Option<(ast::TokenTree, ast::TokenTree)> {
    let tree = rules.token_tree()?;
    let mut groups = tree
        .syntax()
        .children()
        .filter(|n| n.kind() == SyntaxKind::TOKEN_TREE)
        .filter_map(ast::TokenTree::cast);
    Some((groups.next()?, groups.next()?))
}

/// A type defined twice (per pointer width, say) exists where either definition does:
/// keep one entry, and drop its existence gate when the two disagree.
fn merge(types: &mut Vec<AtomicTypeFacts>, new: AtomicTypeFacts) {
    match types.iter_mut().find(|t| t.name == new.name) {
        Some(existing) => {
            if existing.exists != new.exists {
                existing.exists.clear();
            }
            for (method, gate) in new.methods {
                existing.methods.entry(method).or_insert(gate);
            }
        }
        None => types.push(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
#[cfg(target_has_atomic_load_store = "8")]
pub type AtomicBool = Atomic<bool>;
#[cfg(target_has_atomic_load_store = "8")]
impl AtomicBool {
    pub const fn new(v: bool) -> AtomicBool { x }
    #[cfg(target_has_atomic = "8")]
    pub fn swap(&self, val: bool, order: Ordering) -> bool { x }
}
macro_rules! atomic_int {
    ($cfg_cas:meta, $stable:meta, $int_type:ident $atomic_type:ident) => {
        #[$stable]
        impl $atomic_type {
            pub const fn new(v: $int_type) -> Self { x }
            #[inline]
            #[$cfg_cas]
            pub fn fetch_add(&self, val: $int_type, order: Ordering) -> $int_type { x }
            pub fn load(&self, order: Ordering) -> $int_type { x }
        }
    }
}
#[cfg(target_has_atomic_load_store = "64")]
atomic_int! {
    cfg(target_has_atomic = "64"),
    stable(feature = "x", since = "1.0.0"),
    u64 AtomicU64
}
#[cfg(target_has_atomic_load_store = "ptr")]
macro_rules! atomic_int_ptr_sized {
    ( $($target_pointer_width:literal $align:literal)* ) => { $(
        #[cfg(target_pointer_width = $target_pointer_width)]
        atomic_int! {
            cfg(target_has_atomic = "ptr"),
            stable(feature = "x", since = "1.0.0"),
            usize AtomicUsize
        }
    )* };
}
#[cfg(target_has_atomic_load_store = "ptr")]
atomic_int_ptr_sized! { "32" 4 "64" 8 }
"#;

    fn gate_text(gate: &[CfgExpr]) -> String {
        format!("{gate:?}")
    }

    #[test]
    fn integer_atomics_take_their_cas_gate_from_the_invocation() {
        let types = derive_atomic_types(SAMPLE);
        let u64_ty = types
            .iter()
            .find(|t| t.name == "AtomicU64")
            .expect("AtomicU64");
        assert!(gate_text(&u64_ty.exists).contains("target_has_atomic_load_store"));
        assert!(gate_text(&u64_ty.methods["fetch_add"]).contains("\"target_has_atomic\", \"64\""));
        assert!(u64_ty.methods["load"].is_empty());
        assert!(u64_ty.methods["new"].is_empty());

        let usize_ty = types
            .iter()
            .find(|t| t.name == "AtomicUsize")
            .expect("AtomicUsize");
        assert!(
            gate_text(&usize_ty.exists).contains("\"ptr\""),
            "{usize_ty:?}"
        );
        assert!(gate_text(&usize_ty.methods["fetch_add"]).contains("\"ptr\""));

        let bool_ty = types
            .iter()
            .find(|t| t.name == "AtomicBool")
            .expect("AtomicBool");
        assert!(gate_text(&bool_ty.methods["swap"]).contains("\"8\""));
        assert!(bool_ty.methods["new"].is_empty());
    }
}
