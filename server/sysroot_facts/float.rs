//! Float methods: the inherent `impl f32`/`impl f64` blocks of std minus those of core.

use ra_ap_syntax::ast::HasModuleItem;
use ra_ap_syntax::{ast, AstNode, Edition, SourceFile};
use std::collections::BTreeSet;

/// The public methods of the top-level `impl <ty> { … }` blocks in a library source file.
pub fn inherent_methods(ty: &str, text: &str) -> BTreeSet<String> {
    let file = SourceFile::parse(text, Edition::Edition2021).tree();
    let mut methods = BTreeSet::new();
    for item in file.items() {
        let ast::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_().is_some()
            || block.self_ty().map(|t| t.syntax().text().to_string()) != Some(ty.to_string())
        {
            continue;
        }
        let Some(items) = block.assoc_item_list() else {
            continue;
        };
        for assoc in items.assoc_items() {
            let ast::AssocItem::Fn(function) = assoc else {
                continue;
            };
            if ast::HasVisibility::visibility(&function).is_none() {
                continue;
            }
            if let Some(name) = ast::HasName::name(&function) {
                methods.insert(name.text().to_string());
            }
        }
    }
    methods
}

/// Methods std's `impl <ty>` adds that core's `impl <ty>` lacks: absent under `no_std`.
pub fn derive_std_only_float_methods(
    ty: &str,
    std_text: &str,
    core_text: &str,
) -> BTreeSet<String> {
    let in_core = inherent_methods(ty, core_text);
    inherent_methods(ty, std_text)
        .into_iter()
        .filter(|method| !in_core.contains(method))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_only_is_std_minus_core() {
        let std_text = "impl f32 { pub fn sqrt(self) -> f32 { x } pub fn abs(self) -> f32 { x } fn private(self) {} }\n\
                        mod inner { impl f32 { pub fn nested(self) {} } }";
        let core_text = "impl f32 { pub const fn abs(self) -> f32 { x } }\npub mod math { pub fn sqrt(x: f32) -> f32 { x } }";
        let only: Vec<_> = derive_std_only_float_methods("f32", std_text, core_text)
            .into_iter()
            .collect();
        assert_eq!(only, vec!["sqrt".to_string()]);
    }
}
