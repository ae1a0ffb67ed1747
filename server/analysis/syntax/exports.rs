//! Whether a file exports symbols by name (`#[no_mangle]`, `#[export_name = …]`, also inside
//! `unsafe(…)`): the mark of a library that a platform's loader or linker uses itself
//! (JNI, a C header, Swift), rather than one other crates build on. Tokens, not text: a
//! comment or a string that mentions `no_mangle` does not count.

use ra_ap_parser::{Edition, LexedStr, SyntaxKind};

pub fn exports_symbols(text: &str) -> bool {
    let lexed = LexedStr::new(Edition::Edition2021, text);
    (0..lexed.len()).any(|index| {
        lexed.kind(index) == SyntaxKind::IDENT
            && matches!(lexed.text(index), "no_mangle" | "export_name")
    })
}

#[cfg(test)]
mod tests {
    use super::exports_symbols;

    #[test]
    fn only_attribute_tokens_count() {
        assert!(exports_symbols("#[no_mangle]\npub extern \"C\" fn f() {}"));
        assert!(exports_symbols(
            "#[unsafe(no_mangle)]\npub extern \"C\" fn f() {}"
        ));
        assert!(exports_symbols("#[export_name = \"g\"]\npub fn f() {}"));
        assert!(!exports_symbols(
            "// #[no_mangle]\n/* no_mangle */ pub fn f() {}"
        ));
        assert!(!exports_symbols("const S: &str = \"#[no_mangle]\";"));
        assert!(!exports_symbols("pub extern \"C\" fn callback() {}"));
    }
}
