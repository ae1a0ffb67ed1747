//! `#[cfg]` predicates: parsing from source text and evaluation against a cfg set.
//!
//! Semantics follow rustc: a name or `key = "value"` pair is true when the set holds it,
//! `all()` is true, `any()` is false, and anything unknown is simply absent (false).
//! `eval_open` is the three-valued reading for a crate with a build script, where a name
//! rustc and cargo do not set may be set by the script: unknown, never false.

use std::collections::BTreeSet;
use std::fmt;

/// One cfg atom as `rustc --print cfg` writes it: `unix` or `target_os="linux"`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum CfgAtom {
    Name(String),
    KeyValue(String, String),
}

impl fmt::Display for CfgAtom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CfgAtom::Name(name) => write!(f, "{name}"),
            CfgAtom::KeyValue(key, value) => write!(f, "{key}=\"{value}\""),
        }
    }
}

/// The cfg facts that hold for one (target, feature selection).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CfgSet {
    atoms: BTreeSet<CfgAtom>,
}

impl CfgSet {
    /// Parses the output of `rustc --print cfg [--target T]`; unparsable lines are skipped.
    pub fn from_rustc_print_cfg(output: &str) -> CfgSet {
        let atoms = output
            .lines()
            .filter_map(|line| parse_print_cfg_line(line.trim()))
            .collect();
        CfgSet { atoms }
    }

    pub fn insert(&mut self, atom: CfgAtom) {
        self.atoms.insert(atom);
    }

    /// A copy with `feature = "…"` atoms for each enabled feature.
    pub fn with_features<'a>(&self, features: impl IntoIterator<Item = &'a str>) -> CfgSet {
        let mut set = self.clone();
        for feature in features {
            set.insert(CfgAtom::KeyValue("feature".into(), feature.to_string()));
        }
        set
    }

    pub fn contains(&self, atom: &CfgAtom) -> bool {
        self.atoms.contains(atom)
    }

    pub fn has_name(&self, name: &str) -> bool {
        self.atoms.contains(&CfgAtom::Name(name.to_string()))
    }

    /// The first value of `key` (e.g. `target_os`), if any.
    pub fn value_of(&self, key: &str) -> Option<&str> {
        self.atoms.iter().find_map(|atom| match atom {
            CfgAtom::KeyValue(k, v) if k == key => Some(v.as_str()),
            _ => None,
        })
    }

    pub fn atoms(&self) -> impl Iterator<Item = &CfgAtom> {
        self.atoms.iter()
    }
}

/// Whether rustc or cargo decide the cfg `name` themselves (so a build script cannot make
/// it true): the target's and the compiler's own names (`rustc --print check-cfg`), plus
/// cargo's `feature` and `test`. Any other name may come from a build script.
pub fn set_by_rustc_or_cargo(name: &str) -> bool {
    const NAMES: [&str; 25] = [
        "unix",
        "windows",
        "feature",
        "test",
        "debug_assertions",
        "panic",
        "overflow_checks",
        "relocation_model",
        "sanitize",
        "sanitizer_cfi_generalize_pointers",
        "sanitizer_cfi_normalize_integers",
        "fmt_debug",
        "ub_checks",
        "contract_checks",
        "doc",
        "doctest",
        "miri",
        "proc_macro",
        "clippy",
        "rustfmt",
        "emscripten_wasm_eh",
        "bootstrap",
        "target_thread_local",
        "target_feature",
        "target_has_atomic",
    ];
    // `target_os`, `target_has_atomic_load_store`, `target_has_reliable_f16`…: all rustc's.
    name.starts_with("target_") || NAMES.contains(&name)
}

fn parse_print_cfg_line(line: &str) -> Option<CfgAtom> {
    if line.is_empty() {
        return None;
    }
    match line.split_once('=') {
        Some((key, value)) => {
            let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
            Some(CfgAtom::KeyValue(key.trim().to_string(), value.to_string()))
        }
        None => Some(CfgAtom::Name(line.to_string())),
    }
}

/// A cfg predicate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CfgExpr {
    Atom(CfgAtom),
    All(Vec<CfgExpr>),
    Any(Vec<CfgExpr>),
    Not(Box<CfgExpr>),
    /// `true` / `false` literals (stable since Rust 1.88).
    Literal(bool),
}

impl CfgExpr {
    /// Parses a predicate such as `all(unix, not(feature = "std"))`.
    pub fn parse(text: &str) -> Result<CfgExpr, CfgParseError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, pos: 0 };
        let expr = parser.expr()?;
        parser.eat(&Token::Comma);
        if parser.pos != parser.tokens.len() {
            return Err(CfgParseError(format!(
                "unexpected input after predicate in `{text}`"
            )));
        }
        Ok(expr)
    }

    pub fn eval(&self, cfg: &CfgSet) -> bool {
        match self {
            CfgExpr::Atom(atom) => cfg.contains(atom),
            CfgExpr::All(items) => items.iter().all(|item| item.eval(cfg)),
            CfgExpr::Any(items) => items.iter().any(|item| item.eval(cfg)),
            CfgExpr::Not(inner) => !inner.eval(cfg),
            CfgExpr::Literal(value) => *value,
        }
    }

    /// The predicate on `cfg` for a crate whose build script may set cfgs (`open`): `None`
    /// (unknown) where the answer turns on a name rustc and cargo do not set themselves and
    /// `cfg` does not hold, since the build script may set it (`cargo:rustc-cfg=…`). Kleene
    /// logic: `all` is false if any part is false, `any` true if any part is true.
    pub fn eval_open(&self, cfg: &CfgSet, open: bool) -> Option<bool> {
        match self {
            CfgExpr::Atom(atom) if cfg.contains(atom) => Some(true),
            CfgExpr::Atom(atom) => {
                let name = match atom {
                    CfgAtom::Name(name) | CfgAtom::KeyValue(name, _) => name,
                };
                (!open || set_by_rustc_or_cargo(name)).then_some(false)
            }
            CfgExpr::All(items) => {
                let mut unknown = false;
                for item in items {
                    match item.eval_open(cfg, open) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            CfgExpr::Any(items) => {
                let mut unknown = false;
                for item in items {
                    match item.eval_open(cfg, open) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            CfgExpr::Not(inner) => inner.eval_open(cfg, open).map(|value| !value),
            CfgExpr::Literal(value) => Some(*value),
        }
    }

    /// True when the predicate mentions `feature = "…"` anywhere.
    pub fn mentions_feature(&self) -> bool {
        match self {
            CfgExpr::Atom(CfgAtom::KeyValue(key, _)) => key == "feature",
            CfgExpr::Atom(_) | CfgExpr::Literal(_) => false,
            CfgExpr::All(items) | CfgExpr::Any(items) => {
                items.iter().any(CfgExpr::mentions_feature)
            }
            CfgExpr::Not(inner) => inner.mentions_feature(),
        }
    }
}

/// `cfg_attr(predicate, attr, attr…)` split into its predicate and the attributes' texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgAttr {
    pub predicate: CfgExpr,
    pub attributes: Vec<String>,
}

impl CfgAttr {
    /// Parses the inside of `cfg_attr( … )`.
    pub fn parse(inner: &str) -> Result<CfgAttr, CfgParseError> {
        let parts = split_top_level_commas(inner);
        let (first, rest) = parts
            .split_first()
            .ok_or_else(|| CfgParseError("empty cfg_attr".into()))?;
        let predicate = CfgExpr::parse(first)?;
        let attributes = rest
            .iter()
            .map(|part| part.trim().to_string())
            .filter(|part| !part.is_empty())
            .collect();
        Ok(CfgAttr {
            predicate,
            attributes,
        })
    }
}

/// Splits on commas that are not inside parentheses, brackets or string literals.
pub fn split_top_level_commas(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (index, ch) in text.char_indices() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if !text[start..].trim().is_empty() || parts.is_empty() {
        parts.push(&text[start..]);
    }
    parts
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgParseError(pub String);

impl fmt::Display for CfgParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid cfg predicate: {}", self.0)
    }
}

impl std::error::Error for CfgParseError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str(String),
    Open,
    Close,
    Comma,
    Eq,
}

fn tokenize(text: &str) -> Result<Vec<Token>, CfgParseError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, ch)) = chars.peek() {
        match ch {
            c if c.is_whitespace() => {
                chars.next();
            }
            // Comments inside a predicate (getrandom explains its arms in them).
            '/' if text[start..].starts_with("//") => {
                while chars.next_if(|&(_, c)| c != '\n').is_some() {}
            }
            '/' if text[start..].starts_with("/*") => {
                let end = text[start + 2..]
                    .find("*/")
                    .map_or(text.len(), |e| start + 2 + e + 2);
                while chars.next_if(|&(at, _)| at < end).is_some() {}
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            ',' => {
                chars.next();
                tokens.push(Token::Comma);
            }
            '=' => {
                chars.next();
                tokens.push(Token::Eq);
            }
            '"' => {
                chars.next();
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        other => value.push(other),
                    }
                }
                if !closed {
                    return Err(CfgParseError(format!("unterminated string in `{text}`")));
                }
                tokens.push(Token::Str(value));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = start;
                while let Some(&(index, c)) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' || c == '#' {
                        end = index + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let ident = text[start..end].trim_start_matches("r#").to_string();
                tokens.push(Token::Ident(ident));
            }
            other => {
                return Err(CfgParseError(format!("unexpected `{other}` in `{text}`")));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<CfgExpr, CfgParseError> {
        let name = match self.tokens.get(self.pos) {
            Some(Token::Ident(name)) => name.clone(),
            other => {
                return Err(CfgParseError(format!(
                    "expected a cfg name, found {other:?}"
                )))
            }
        };
        self.pos += 1;
        if self.eat(&Token::Eq) {
            return match self.tokens.get(self.pos) {
                Some(Token::Str(value)) => {
                    let value = value.clone();
                    self.pos += 1;
                    Ok(CfgExpr::Atom(CfgAtom::KeyValue(name, value)))
                }
                other => Err(CfgParseError(format!(
                    "expected a string after `{name} =`, found {other:?}"
                ))),
            };
        }
        if self.eat(&Token::Open) {
            let mut items = Vec::new();
            while !self.eat(&Token::Close) {
                if self.peek().is_none() {
                    return Err(CfgParseError(format!("unclosed `{name}(`")));
                }
                items.push(self.expr()?);
                if !self.eat(&Token::Comma) && self.peek() != Some(&Token::Close) {
                    return Err(CfgParseError(format!("expected `,` or `)` in `{name}(…)`")));
                }
            }
            return match name.as_str() {
                "all" => Ok(CfgExpr::All(items)),
                "any" => Ok(CfgExpr::Any(items)),
                "not" if items.len() == 1 => Ok(CfgExpr::Not(Box::new(items.remove(0)))),
                "not" => Err(CfgParseError("`not` takes exactly one predicate".into())),
                other => Err(CfgParseError(format!("unknown cfg operator `{other}`"))),
            };
        }
        Ok(match name.as_str() {
            "true" => CfgExpr::Literal(true),
            "false" => CfgExpr::Literal(false),
            _ => CfgExpr::Atom(CfgAtom::Name(name)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wasm() -> CfgSet {
        CfgSet::from_rustc_print_cfg(
            "panic=\"abort\"\ntarget_arch=\"wasm32\"\ntarget_family=\"wasm\"\ntarget_os=\"unknown\"\n",
        )
    }

    #[test]
    fn comments_inside_predicates_are_skipped() {
        let text = "any(\n  // the old ones\n  target_os = \"linux\", /* and */ unix,\n)";
        let parsed = CfgExpr::parse(text);
        assert!(parsed.is_ok_and(|e| e.eval(&CfgSet::from_rustc_print_cfg("unix"))));
    }

    #[test]
    fn evaluates_nested_predicates() {
        let cfg = wasm().with_features(["std"]);
        let expr = CfgExpr::parse(
            r#"all(target_arch = "wasm32", not(unix), any(feature = "std", feature = "alloc"),)"#,
        )
        .unwrap();
        assert!(expr.eval(&cfg));
        assert!(!CfgExpr::parse("not(target_arch = \"wasm32\")")
            .unwrap()
            .eval(&cfg));
        assert!(CfgExpr::parse("all()").unwrap().eval(&cfg));
        assert!(!CfgExpr::parse("any()").unwrap().eval(&cfg));
        assert!(!CfgExpr::parse("getrandom_backend").unwrap().eval(&cfg));
        assert!(CfgExpr::parse("true").unwrap().eval(&cfg));
    }

    #[test]
    fn names_a_build_script_may_set_are_unknown_in_its_crate() {
        let cfg = wasm().with_features(["std"]);
        let eval = |text: &str, open| CfgExpr::parse(text).ok()?.eval_open(&cfg, open);
        // Without a build script, nothing is unknown: an absent name is false.
        assert_eq!(eval("has_thing", false), Some(false));
        assert_eq!(eval("has_thing", true), None);
        assert_eq!(eval("not(has_thing)", true), None);
        assert_eq!(eval(r#"has_kv = "yes""#, true), None);
        // rustc's and cargo's own names stay known, and decide what they can.
        assert_eq!(eval("unix", true), Some(false));
        assert_eq!(eval(r#"feature = "alloc""#, true), Some(false));
        assert_eq!(eval(r#"target_os = "unknown""#, true), Some(true));
        assert_eq!(eval("all(unix, has_thing)", true), Some(false));
        assert_eq!(eval("any(has_thing, not(unix))", true), Some(true));
        assert_eq!(eval("all(not(unix), has_thing)", true), None);
        assert_eq!(eval("any(unix, has_thing)", true), None);
    }

    #[test]
    fn rejects_malformed_predicates() {
        assert!(CfgExpr::parse("all(unix").is_err());
        assert!(CfgExpr::parse("feature = ").is_err());
        assert!(CfgExpr::parse("not(a, b)").is_err());
        assert!(CfgExpr::parse("\"x").is_err());
    }

    #[test]
    fn splits_cfg_attr() {
        let attr =
            CfgAttr::parse(r#"not(feature = "std"), no_std, allow(unused, dead_code)"#).unwrap();
        assert_eq!(attr.attributes, vec!["no_std", "allow(unused, dead_code)"]);
        assert!(attr.predicate.mentions_feature());
    }

    #[test]
    fn parses_print_cfg_output() {
        let cfg = CfgSet::from_rustc_print_cfg("unix\ntarget_os=\"linux\"\ngarbage=\n");
        assert!(cfg.has_name("unix"));
        assert_eq!(cfg.value_of("target_os"), Some("linux"));
    }
}

impl fmt::Display for CfgExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, name: &str, items: &[CfgExpr]| {
            write!(f, "{name}(")?;
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{item}")?;
            }
            write!(f, ")")
        };
        match self {
            CfgExpr::Atom(CfgAtom::Name(name)) => write!(f, "{name}"),
            CfgExpr::Atom(CfgAtom::KeyValue(key, value)) => write!(f, "{key} = \"{value}\""),
            CfgExpr::All(items) => list(f, "all", items),
            CfgExpr::Any(items) => list(f, "any", items),
            CfgExpr::Not(inner) => write!(f, "not({inner})"),
            CfgExpr::Literal(value) => write!(f, "{value}"),
        }
    }
}

impl CfgExpr {
    /// The predicate with the named atoms fixed to false (`doc`, `test`: never set when a
    /// dependency or the sysroot is compiled for a user's build), folded as far as that goes.
    pub fn assuming_off(&self, names: &[&str]) -> CfgExpr {
        match self {
            CfgExpr::Atom(CfgAtom::Name(name)) if names.contains(&name.as_str()) => {
                CfgExpr::Literal(false)
            }
            CfgExpr::Atom(_) | CfgExpr::Literal(_) => self.clone(),
            CfgExpr::Not(inner) => match inner.assuming_off(names) {
                CfgExpr::Literal(value) => CfgExpr::Literal(!value),
                other => CfgExpr::Not(Box::new(other)),
            },
            CfgExpr::All(items) => {
                let mut kept = Vec::new();
                for item in items.iter().map(|i| i.assuming_off(names)) {
                    match item {
                        CfgExpr::Literal(true) => {}
                        CfgExpr::Literal(false) => return CfgExpr::Literal(false),
                        other => kept.push(other),
                    }
                }
                match kept.len() {
                    0 => CfgExpr::Literal(true),
                    1 => kept.remove(0),
                    _ => CfgExpr::All(kept),
                }
            }
            CfgExpr::Any(items) => {
                let mut kept = Vec::new();
                for item in items.iter().map(|i| i.assuming_off(names)) {
                    match item {
                        CfgExpr::Literal(false) => {}
                        CfgExpr::Literal(true) => return CfgExpr::Literal(true),
                        other => kept.push(other),
                    }
                }
                match kept.len() {
                    0 => CfgExpr::Literal(false),
                    1 => kept.remove(0),
                    _ => CfgExpr::Any(kept),
                }
            }
        }
    }
}

#[cfg(test)]
mod display_tests {
    use super::*;

    #[test]
    fn renders_parsable_predicates_and_folds_doc_away() {
        let text = r#"all(not(target_os = "hermit"), any(unix, doc))"#;
        let expr = CfgExpr::parse(text).unwrap_or(CfgExpr::Literal(false));
        assert_eq!(expr.to_string(), text);
        assert_eq!(
            expr.assuming_off(&["doc"]).to_string(),
            r#"all(not(target_os = "hermit"), unix)"#
        );
    }
}

impl CfgSet {
    /// The set without `feature = "…"` atoms: what the target alone provides.
    pub fn without_features(&self) -> CfgSet {
        CfgSet {
            atoms: self
                .atoms
                .iter()
                .filter(|atom| !matches!(atom, CfgAtom::KeyValue(key, _) if key == "feature"))
                .cloned()
                .collect(),
        }
    }

    /// The enabled features (`feature = "…"` atoms).
    pub fn features(&self) -> Vec<String> {
        self.atoms
            .iter()
            .filter_map(|atom| match atom {
                CfgAtom::KeyValue(key, value) if key == "feature" => Some(value.clone()),
                _ => None,
            })
            .collect()
    }
}
