//! Compile-time selection in std's sources: `cfg_select! { pred => { … } _ => { … } }`,
//! `cfg_if! { if #[cfg(pred)] { … } else { … } }` and `#[cfg(pred)]` on items, evaluated
//! against one target's cfg set. Predicates go through `analysis::cfg`.

use crate::analysis::cfg::{CfgExpr, CfgSet};
use anyhow::{anyhow, bail, Context, Result};
use ra_ap_syntax::ast::{self, HasAttrs, HasModuleItem};
use ra_ap_syntax::{AstNode, Edition, NodeOrToken, SourceFile, SyntaxKind, SyntaxNode};

/// One arm of a selection macro. `predicate: None` is the fallback arm (`_` / `else`).
#[derive(Debug, Clone)]
pub struct Arm {
    pub predicate: Option<CfgExpr>,
    /// The arm's contents without the surrounding braces.
    pub body: String,
    /// Offset of `body` within the text the macro call was parsed from.
    pub body_offset: usize,
}

/// The first arm whose predicate holds, as rustc picks it.
pub fn select_arm<'a>(arms: &'a [Arm], cfg: &CfgSet) -> Option<&'a Arm> {
    arms.iter().find(|arm| {
        arm.predicate
            .as_ref()
            .is_none_or(|predicate| predicate.eval(cfg))
    })
}

/// The arms of a `cfg_select!` / `cfg_if!` call, or `None` for any other macro.
pub fn selection_arms(call: &ast::MacroCall) -> Result<Option<Vec<Arm>>> {
    let Some(name) = macro_name(call) else {
        return Ok(None);
    };
    let Some(tree) = call.token_tree() else {
        return Ok(None);
    };
    match name.as_str() {
        "cfg_select" => cfg_select_arms(&tree).map(Some),
        "cfg_if" => cfg_if_arms(&tree).map(Some),
        _ => Ok(None),
    }
}

fn macro_name(call: &ast::MacroCall) -> Option<String> {
    let path = call.path()?;
    Some(path.segment()?.name_ref()?.text().to_string())
}

/// A non-trivia element of a token tree: its text (comments removed) and where it starts.
struct Element {
    text: String,
    /// The exact source text (comments kept, so offsets inside stay right).
    raw: String,
    is_brace_tree: bool,
    is_bracket_tree: bool,
    offset: usize,
}

fn elements(tree: &ast::TokenTree) -> Vec<Element> {
    let mut result = Vec::new();
    let children: Vec<_> = tree.syntax().children_with_tokens().collect();
    // Skip the tree's own opening and closing delimiters.
    let inner = children
        .get(1..children.len().saturating_sub(1))
        .unwrap_or(&[]);
    for child in inner {
        let offset = usize::from(child.text_range().start());
        match child {
            NodeOrToken::Token(token) => {
                if token.kind().is_trivia() {
                    continue;
                }
                result.push(Element {
                    text: token.text().to_string(),
                    raw: token.text().to_string(),
                    is_brace_tree: false,
                    is_bracket_tree: false,
                    offset,
                });
            }
            NodeOrToken::Node(node) => {
                let text = text_without_comments(node);
                result.push(Element {
                    is_brace_tree: text.starts_with('{'),
                    is_bracket_tree: text.starts_with('['),
                    text,
                    raw: node.text().to_string(),
                    offset,
                });
            }
        }
    }
    result
}

/// A node's text with comments dropped (they may sit inside predicates).
pub fn text_without_comments(node: &SyntaxNode) -> String {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| token.kind() != SyntaxKind::COMMENT)
        .map(|token| token.text().to_string())
        .collect()
}

fn brace_body(element: &Element) -> Arm {
    let inner = element
        .raw
        .strip_prefix('{')
        .and_then(|text| text.strip_suffix('}'))
        .unwrap_or("");
    Arm {
        predicate: None,
        body: inner.to_string(),
        body_offset: element.offset + 1,
    }
}

fn cfg_select_arms(tree: &ast::TokenTree) -> Result<Vec<Arm>> {
    let elements = elements(tree);
    let mut arms = Vec::new();
    let mut index = 0;
    while index < elements.len() {
        if elements[index].text == "," {
            index += 1;
            continue;
        }
        let start = index;
        let arrow = loop {
            match elements.get(index) {
                None => bail!("cfg_select! arm without `=>`"),
                Some(element) if element.text == "=>" => break (index, 1),
                Some(element)
                    if element.text == "="
                        && elements.get(index + 1).is_some_and(|next| next.text == ">") =>
                {
                    break (index, 2)
                }
                Some(_) => index += 1,
            }
        };
        let predicate_text: Vec<&str> = elements[start..arrow.0]
            .iter()
            .map(|element| element.text.as_str())
            .collect();
        let predicate_text = predicate_text.join(" ");
        let predicate = if predicate_text.trim() == "_" {
            None
        } else {
            Some(
                CfgExpr::parse(&predicate_text)
                    .with_context(|| format!("in cfg_select! arm `{predicate_text}`"))?,
            )
        };
        index = arrow.0 + arrow.1;
        let body = elements
            .get(index)
            .filter(|element| element.is_brace_tree)
            .ok_or_else(|| anyhow!("cfg_select! arm `{predicate_text}` has no `{{ … }}` body"))?;
        let mut arm = brace_body(body);
        arm.predicate = predicate;
        arms.push(arm);
        index += 1;
    }
    Ok(arms)
}

fn cfg_if_arms(tree: &ast::TokenTree) -> Result<Vec<Arm>> {
    let elements = elements(tree);
    let mut arms = Vec::new();
    let mut pending: Option<CfgExpr> = None;
    let mut index = 0;
    while index < elements.len() {
        let element = &elements[index];
        if element.text == "#" {
            let attribute = elements
                .get(index + 1)
                .filter(|next| next.is_bracket_tree)
                .ok_or_else(|| anyhow!("cfg_if! `#` without `[cfg(…)]`"))?;
            let inner = attribute.text.trim_start_matches('[').trim_end_matches(']');
            let predicate = cfg_predicate_of_attribute(inner)
                .ok_or_else(|| anyhow!("cfg_if! condition `{inner}` is not `cfg(…)`"))??;
            pending = Some(predicate);
            index += 2;
            continue;
        }
        if element.is_brace_tree {
            let mut arm = brace_body(element);
            arm.predicate = pending.take();
            arms.push(arm);
        }
        index += 1;
    }
    Ok(arms)
}

/// For attribute contents like `cfg(unix)`: `Some(parsed predicate)`; other attributes: `None`.
fn cfg_predicate_of_attribute(inner: &str) -> Option<Result<CfgExpr>> {
    let inner = inner.trim();
    let predicate = inner
        .strip_prefix("cfg")?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    Some(CfgExpr::parse(predicate).map_err(anyhow::Error::from))
}

/// True when every `#[cfg(…)]` among `attrs` holds for `cfg`.
pub fn cfg_attrs_hold(attrs: impl Iterator<Item = ast::Attr>, cfg: &CfgSet) -> Result<bool> {
    for attr in attrs {
        let text = text_without_comments(attr.syntax());
        let inner = text
            .trim_start_matches('#')
            .trim_start_matches('!')
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']');
        if let Some(predicate) = cfg_predicate_of_attribute(inner) {
            let predicate = predicate.with_context(|| format!("in `{text}`"))?;
            if !predicate.eval(cfg) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// An item that is compiled in for the target, with the offset of the text it was parsed
/// from (items inside a selected `cfg_select!` arm come from a re-parse of that arm).
#[derive(Debug, Clone)]
pub struct ActiveItem {
    pub item: ast::Item,
    pub base: usize,
}

impl ActiveItem {
    /// Byte offset of the item within its file.
    pub fn offset(&self) -> usize {
        self.base + usize::from(self.item.syntax().text_range().start())
    }
}

/// Parses `text` (starting at byte `base` of its file) and keeps the items compiled in.
pub fn active_items_in_text(text: &str, base: usize, cfg: &CfgSet) -> Result<Vec<ActiveItem>> {
    let file = SourceFile::parse(text, Edition::CURRENT).tree();
    active_items(file.items(), base, cfg)
}

/// Filters items by `#[cfg]` and replaces selection macros by their chosen arm's items.
pub fn active_items(
    items: impl Iterator<Item = ast::Item>,
    base: usize,
    cfg: &CfgSet,
) -> Result<Vec<ActiveItem>> {
    let mut result = Vec::new();
    for item in items {
        if !cfg_attrs_hold(item.attrs(), cfg)? {
            continue;
        }
        if let ast::Item::MacroCall(call) = &item {
            if let Some(arms) = selection_arms(call)? {
                if let Some(arm) = select_arm(&arms, cfg) {
                    result.extend(active_items_in_text(
                        &arm.body,
                        base + arm.body_offset,
                        cfg,
                    )?);
                }
                continue;
            }
        }
        result.push(ActiveItem { item, base });
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ra_ap_syntax::ast::HasName;

    fn cfg(lines: &str) -> CfgSet {
        CfgSet::from_rustc_print_cfg(lines)
    }

    fn wasm_unknown() -> CfgSet {
        cfg("target_family=\"wasm\"\ntarget_os=\"unknown\"\ntarget_arch=\"wasm32\"\n")
    }

    fn wasip1() -> CfgSet {
        cfg("target_family=\"wasm\"\ntarget_os=\"wasi\"\ntarget_env=\"p1\"\n")
    }

    fn linux() -> CfgSet {
        cfg("unix\ntarget_family=\"unix\"\ntarget_os=\"linux\"\n")
    }

    fn module_names(text: &str, cfg: &CfgSet) -> Vec<String> {
        active_items_in_text(text, 0, cfg)
            .unwrap()
            .into_iter()
            .filter_map(|active| match active.item {
                ast::Item::Module(module) => module.name().map(|name| name.text().to_string()),
                _ => None,
            })
            .collect()
    }

    const SELECT: &str = r#"
cfg_select! {
    // Tier 1
    any(target_family = "unix", target_os = "wasi") => {
        mod unix;
        use unix as imp;
    }
    all(target_family = "wasm", target_feature = "atomics") => { mod wasm; }
    _ => {
        mod unsupported; // fallback
        use unsupported as imp;
    }
}
"#;

    #[test]
    fn cfg_select_picks_first_matching_arm() {
        assert_eq!(module_names(SELECT, &linux()), ["unix"]);
        assert_eq!(module_names(SELECT, &wasip1()), ["unix"]);
        assert_eq!(module_names(SELECT, &wasm_unknown()), ["unsupported"]);
        let mut threads = wasm_unknown();
        threads.insert(crate::analysis::cfg::CfgAtom::KeyValue(
            "target_feature".into(),
            "atomics".into(),
        ));
        assert_eq!(module_names(SELECT, &threads), ["wasm"]);
    }

    #[test]
    fn selected_items_keep_their_file_offsets() {
        let items = active_items_in_text(SELECT, 0, &wasm_unknown()).unwrap();
        let offset = items[0].offset();
        assert!(
            SELECT[offset..].starts_with("mod unsupported;"),
            "{}",
            &SELECT[offset..]
        );
    }

    #[test]
    fn cfg_select_without_match_selects_nothing() {
        let text = "cfg_select! { unix => { mod unix; } }\nmod always;";
        assert_eq!(module_names(text, &wasm_unknown()), ["always"]);
    }

    #[test]
    fn cfg_if_chains() {
        let text = r#"
cfg_if::cfg_if! {
    if #[cfg(target_os = "wasi")] {
        mod wasi;
    } else if #[cfg(unix)] {
        mod unix;
    } else {
        mod other;
    }
}
"#;
        assert_eq!(module_names(text, &wasip1()), ["wasi"]);
        assert_eq!(module_names(text, &linux()), ["unix"]);
        assert_eq!(module_names(text, &wasm_unknown()), ["other"]);
    }

    #[test]
    fn cfg_attributes_filter_items_and_nest_in_arms() {
        let text = r#"
#[cfg(not(target_os = "wasi"))]
mod not_wasi;
#[cfg_attr(unix, allow(dead_code))]
mod everywhere;
cfg_select! {
    target_family = "wasm" => {
        #[cfg(target_os = "wasi")]
        mod wasi_only;
        cfg_select! { target_env = "p1" => { mod p1; } _ => { mod p2; } }
    }
}
"#;
        assert_eq!(
            module_names(text, &wasip1()),
            ["everywhere", "wasi_only", "p1"]
        );
        assert_eq!(
            module_names(text, &wasm_unknown()),
            ["not_wasi", "everywhere", "p2"]
        );
    }

    #[test]
    fn malformed_predicates_are_errors() {
        assert!(
            active_items_in_text("cfg_select! { all(unix => { mod a; } }", 0, &linux()).is_err()
        );
        assert!(active_items_in_text("#[cfg(not(a, b))] mod a;", 0, &linux()).is_err());
    }
}
