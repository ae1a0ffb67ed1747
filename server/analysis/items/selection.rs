//! `cfg_if! { if #[cfg(p)] { … } else { … } }` and `cfg_select! { p => { … } _ => { … } }`
//! at item level, read as gated alternatives: arm `i` holds when its predicate holds and no
//! earlier one does. std and libc select whole platform modules this way, so an index that
//! treated these calls as opaque would know nothing about them.

use crate::analysis::cfg::CfgExpr;

/// One arm: its own predicate (`None` for the fallback) and its body, without the braces.
#[derive(Debug, Clone)]
pub struct Arm {
    pub predicate: Option<CfgExpr>,
    pub body: String,
    /// Offset of `body` within the text the arms were read from.
    pub body_offset: usize,
}

/// The gate of each arm as a conjunction: its predicate and the negation of every earlier one.
pub fn arm_gates(arms: &[Arm]) -> Vec<Vec<CfgExpr>> {
    let mut earlier: Vec<CfgExpr> = Vec::new();
    let mut gates = Vec::new();
    for arm in arms {
        let mut gate: Vec<CfgExpr> = earlier
            .iter()
            .map(|p| CfgExpr::Not(Box::new(p.clone())))
            .collect();
        if let Some(predicate) = &arm.predicate {
            gate.push(predicate.clone());
            earlier.push(predicate.clone());
        }
        gates.push(gate);
    }
    gates
}

/// Arms of a selection macro whose token tree (with its outer delimiters) is `tree`, or
/// `None` when `macro_name` is not a selection macro or the call does not parse as one.
pub fn selection_arms(macro_name: &str, tree: &str) -> Option<Vec<Arm>> {
    let inner_start = 1;
    let inner = tree.get(inner_start..tree.len().checked_sub(1)?)?;
    let mut scanner = Scanner {
        text: inner,
        pos: 0,
        base: inner_start,
    };
    match macro_name {
        "cfg_if" => scanner.cfg_if(),
        "cfg_select" => scanner.cfg_select(),
        _ => None,
    }
}

struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    base: usize,
}

impl Scanner<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_trivia(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            let skipped = rest.len() - trimmed.len();
            let comment = if trimmed.starts_with("//") {
                trimmed.find('\n').unwrap_or(trimmed.len())
            } else if trimmed.starts_with("/*") {
                trimmed.find("*/").map_or(trimmed.len(), |end| end + 2)
            } else {
                0
            };
            self.pos += skipped + comment;
            if comment == 0 {
                return;
            }
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_trivia();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn eat_keyword(&mut self, word: &str) -> bool {
        self.skip_trivia();
        let rest = self.rest();
        let follows_ident = rest[word.len().min(rest.len())..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if rest.starts_with(word) && !follows_ident {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// From an opening delimiter at `pos`, the offset just past its matching close.
    fn balanced_end(&self, open: char, close: char) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut index = self.pos;
        while index < bytes.len() {
            let ch = bytes[index] as char;
            match ch {
                '"' => index = skip_string(bytes, index)?,
                '\'' => index = skip_char_or_lifetime(bytes, index),
                '/' if bytes.get(index + 1) == Some(&b'/') => {
                    index += self.text[index..].find('\n').unwrap_or(bytes.len() - index);
                }
                '/' if bytes.get(index + 1) == Some(&b'*') => {
                    index += self.text[index..]
                        .find("*/")
                        .map_or(bytes.len() - index, |e| e + 2);
                }
                c if c == open => {
                    depth += 1;
                    index += 1;
                }
                c if c == close => {
                    depth = depth.checked_sub(1)?;
                    index += 1;
                    if depth == 0 {
                        return Some(index);
                    }
                }
                _ => index += 1,
            }
        }
        None
    }

    fn braced_body(&mut self) -> Option<(String, usize)> {
        self.skip_trivia();
        if !self.rest().starts_with('{') {
            return None;
        }
        let end = self.balanced_end('{', '}')?;
        let body = self.text[self.pos + 1..end - 1].to_string();
        let offset = self.base + self.pos + 1;
        self.pos = end;
        Some((body, offset))
    }

    /// `#[cfg(pred)]` → pred.
    fn cfg_attribute(&mut self) -> Option<CfgExpr> {
        if !self.eat("#") {
            return None;
        }
        self.skip_trivia();
        let end = self.balanced_end('[', ']')?;
        let inner = self.text[self.pos + 1..end - 1].trim();
        self.pos = end;
        let predicate = inner
            .strip_prefix("cfg")?
            .trim_start()
            .strip_prefix('(')?
            .strip_suffix(')')?;
        CfgExpr::parse(predicate).ok()
    }

    fn cfg_if(&mut self) -> Option<Vec<Arm>> {
        let mut arms = Vec::new();
        if !self.eat_keyword("if") {
            return None;
        }
        loop {
            let predicate = self.cfg_attribute()?;
            let (body, body_offset) = self.braced_body()?;
            arms.push(Arm {
                predicate: Some(predicate),
                body,
                body_offset,
            });
            if !self.eat_keyword("else") {
                break;
            }
            if self.eat_keyword("if") {
                continue;
            }
            let (body, body_offset) = self.braced_body()?;
            arms.push(Arm {
                predicate: None,
                body,
                body_offset,
            });
            break;
        }
        self.skip_trivia();
        self.rest().is_empty().then_some(arms)
    }

    fn cfg_select(&mut self) -> Option<Vec<Arm>> {
        let mut arms = Vec::new();
        loop {
            self.skip_trivia();
            if self.rest().is_empty() {
                break;
            }
            let predicate = if self.eat_keyword("_") {
                None
            } else {
                let arrow = find_top_level(self.rest(), "=>")?;
                let text = self.rest()[..arrow].trim().to_string();
                self.pos += arrow;
                Some(CfgExpr::parse(&text).ok()?)
            };
            if !self.eat("=>") {
                return None;
            }
            let (body, body_offset) = self.braced_body()?;
            arms.push(Arm {
                predicate,
                body,
                body_offset,
            });
            self.eat(",");
        }
        Some(arms)
    }
}

fn find_top_level(text: &str, needle: &str) -> Option<usize> {
    let mut depth = 0i32;
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'"' => {
                index = skip_string(bytes, index)?;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            _ if depth == 0 && text[index..].starts_with(needle) => return Some(index),
            _ => {}
        }
        index += 1;
    }
    None
}

fn skip_string(bytes: &[u8], start: usize) -> Option<usize> {
    let mut index = start + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return Some(index + 1),
            _ => index += 1,
        }
    }
    None
}

/// `'a'` and `'\n'` are characters; `'a` is a lifetime and is skipped as one quote.
fn skip_char_or_lifetime(bytes: &[u8], start: usize) -> usize {
    if bytes.get(start + 1) == Some(&b'\\') {
        let mut index = start + 2;
        while index < bytes.len() && bytes[index] != b'\'' {
            index += 1;
        }
        return index + 1;
    }
    // One (possibly multi-byte) character followed by a quote.
    let mut index = start + 1;
    let mut seen = 0;
    while index < bytes.len() && seen < 5 {
        if bytes[index] == b'\'' {
            return if seen > 0 { index + 1 } else { start + 1 };
        }
        if !(bytes[index] as char).is_ascii() || seen == 0 {
            index += 1;
            seen += 1;
        } else {
            break;
        }
    }
    start + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfg_if_arms_with_else_if_and_else() {
        let tree = "{ if #[cfg(unix)] { mod unix; } else if #[cfg(windows)] { mod windows; } \
                    else { // nothing\n } }";
        let arms = selection_arms("cfg_if", tree).unwrap_or_default();
        assert_eq!(arms.len(), 3);
        assert!(arms[0].body.contains("mod unix;"));
        assert_eq!(&tree[arms[1].body_offset..][..13], " mod windows;");
        let gates = arm_gates(&arms);
        assert_eq!(gates[1].len(), 2);
        assert_eq!(gates[2].len(), 2);
    }

    #[test]
    fn cfg_select_arms() {
        let tree = "{\n unix => { pub use unix::*; }\n all(target_os = \"wasi\", not(x)) => { mod w; }\n _ => { mod other; } }";
        let arms = selection_arms("cfg_select", tree).unwrap_or_default();
        assert_eq!(arms.len(), 3);
        assert!(arms[2].predicate.is_none());
        assert!(arms[1].body.contains("mod w;"));
    }

    #[test]
    fn lifetimes_and_chars_do_not_confuse_braces() {
        let tree = "{ if #[cfg(unix)] { fn f<'a>(x: &'a str) -> char { '}' } } }";
        let arms = selection_arms("cfg_if", tree).unwrap_or_default();
        assert_eq!(arms.len(), 1);
        assert!(arms[0].body.contains("'}'"));
    }
}
