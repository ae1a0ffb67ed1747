//! Triplet's values → protocol values: findings → diagnostics, fixes → code actions, API
//! facts → hover, compiler messages → diagnostics, paths → `file://` URIs. Byte offsets →
//! positions live in `line_index`, beside the reverse conversion.

mod build_diagnostics;
mod code_action;
mod diagnostic;
mod hover;

pub use build_diagnostics::BuildDiagnostics;
pub use code_action::{code_actions, AnalyzedText, EditContext};
pub use diagnostic::{load_error_diagnostic, to_diagnostic, to_published_diagnostic};
pub use hover::hover;

use lsp_types::Uri;
use std::path::Path;

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let text = text.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.parse().ok()
}
