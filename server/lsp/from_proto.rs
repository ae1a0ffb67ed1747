//! Protocol values → Triplet's own: `file://` URIs → paths (lsp-types 0.97 has no such
//! conversion of its own), request ids, progress tokens. Positions → byte offsets live in
//! `line_index`, beside the reverse conversion.

use lsp_server::RequestId;
use lsp_types::{NumberOrString, ProgressToken, Uri};
use std::path::PathBuf;

/// The path a `file://` URI names; `None` for other schemes or a malformed escape.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // An authority other than empty/localhost (a UNC host) is not a local path here.
    let path = match rest.strip_prefix("localhost") {
        Some(path) => path,
        None => rest,
    };
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    // `/c:/dir` on Windows is `c:/dir`.
    let bytes = decoded.as_bytes();
    if cfg!(windows) && bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
        return Some(PathBuf::from(&decoded[1..]));
    }
    Some(PathBuf::from(decoded))
}

/// The id `$/cancelRequest` names, as `lsp_server` spells request ids.
pub fn request_id(id: NumberOrString) -> RequestId {
    match id {
        NumberOrString::Number(number) => RequestId::from(number),
        NumberOrString::String(text) => RequestId::from(text),
    }
}

/// A progress token as the text Triplet makes its tokens of.
pub fn progress_token(token: ProgressToken) -> String {
    match token {
        ProgressToken::String(token) => token,
        ProgressToken::Number(number) => number.to_string(),
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::to_proto::path_to_uri;
    use std::path::Path;

    #[test]
    fn round_trips_paths_with_spaces_and_non_ascii() {
        let path = Path::new("/tmp/my crate/src/名前 #1.rs");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/my%20crate/src/%E5%90%8D%E5%89%8D%20%231.rs"
        );
        assert_eq!(uri_to_path(&uri).unwrap(), path);
    }

    #[test]
    fn accepts_localhost_and_rejects_other_schemes() {
        let uri: Uri = "file://localhost/a/b.rs".parse().unwrap();
        assert_eq!(uri_to_path(&uri).unwrap(), Path::new("/a/b.rs"));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&untitled), None);
        let bad: Uri = "file:///a%2".parse().unwrap_or_else(|_| untitled.clone());
        assert_eq!(uri_to_path(&bad), None);
    }
}
