//! The real-editor tests (Neovim, and VS Code through code-server and Chromium), a test
//! binary apart from `tests/it`: they start whole editors with their own time limits, so
//! they run after the main suite instead of beside its tests, and `cargo test --test it`
//! is the quick run without them.

#[path = "../support/mod.rs"]
mod support;

mod editor_neovim;
mod editor_vscode;
