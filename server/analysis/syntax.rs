//! One parse per file: the facts the rules need, as plain data, each with the `#[cfg]`
//! gate that switches it on, so a file is parsed once and evaluated for every target.
//!
//! The parser (rust-analyzer's) is error tolerant: a syntax error in one item leaves the
//! rest of the file's facts intact.

use super::cfg::{CfgAttr, CfgExpr, CfgSet};
use ra_ap_syntax::{ast, AstNode, Edition, SourceFile, SyntaxKind, SyntaxNode, TextRange};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// The conjunction of the `#[cfg]` predicates around a piece of code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate(pub Vec<CfgExpr>);

impl Gate {
    pub fn is_on(&self, cfg: &CfgSet) -> bool {
        self.0.iter().all(|expr| expr.eval(cfg))
    }
}

pub type ScopeId = usize;

/// A scope where `use` items bind names: a module (file or inline) or a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub parent: Option<ScopeId>,
    /// Names do not flow into a module from its parent module.
    pub is_module: bool,
}

/// One leaf of a `use` tree: `use std::time::{Instant as I, self}` gives two entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseEntry {
    pub path: Vec<String>,
    /// The name bound in scope (`None` for globs and `as _`).
    pub binds: Option<String>,
    pub glob: bool,
    pub scope: ScopeId,
    pub gate: Gate,
    /// Byte ranges of each path segment, for rewriting the crate name.
    pub segment_ranges: Vec<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternCrate {
    pub name: String,
    pub alias: Option<String>,
    pub gate: Gate,
    pub range: Range<usize>,
    pub scope: ScopeId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A path in an expression, type or pattern.
    Value,
    /// The path of a macro call (`println!`).
    Macro,
}

/// A path written in code (outside `use` items) whose first segment may name std.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRef {
    pub segments: Vec<String>,
    pub segment_ranges: Vec<Range<usize>>,
    pub range: Range<usize>,
    pub leading_colons: bool,
    pub kind: PathKind,
    pub scope: ScopeId,
    pub gate: Gate,
    /// Where a `#[cfg(…)]` could gate the expression statement holding this path:
    /// (byte offset of the statement start, its indentation).
    pub statement: Option<(usize, String)>,
}

/// `mod name;` (out of line), with the inline modules it is nested in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModDecl {
    pub name: String,
    pub path_attr: Option<String>,
    pub inline_parents: Vec<String>,
    pub gate: Gate,
}

/// A crate-level (inner) attribute that matters for targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrateAttr {
    /// `#![no_std]`, or `#![cfg_attr(pred, no_std)]` (gate holds pred).
    NoStd { gate: Gate, range: Range<usize> },
}

#[derive(Debug, Clone, Default)]
pub struct FileSyntax {
    pub scopes: Vec<Scope>,
    pub uses: Vec<UseEntry>,
    pub extern_crates: Vec<ExternCrate>,
    pub paths: Vec<PathRef>,
    pub mods: Vec<ModDecl>,
    pub crate_attrs: Vec<CrateAttr>,
    /// Inner `#![cfg(…)]` of the file: the whole module is off when false.
    pub file_gate: Gate,
    /// Byte offset after the last inner attribute (where `extern crate alloc;` goes).
    pub after_inner_attrs: usize,
    pub syntax_errors: usize,
    /// Why the file was not analysed at all (nesting too deep to parse safely).
    pub skipped: Option<String>,
}

/// Deeper than hand-written code nests (see `nesting_score`), shallow enough that
/// rust-analyzer's recursive-descent parser stays inside an 8 MiB stack even in debug
/// builds (where one nested block costs about 4 KiB of it), and that dropping the tree
/// stays inside the 2 MiB stack of rust-analyzer's own drop thread.
pub const MAX_NESTING_SCORE: usize = 512;

/// Macros that std defines and core/alloc do not export under the same name.
pub const STD_ONLY_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "dbg",
    "format",
    "vec",
    "thread_local",
];

impl FileSyntax {
    pub fn parse(text: &str) -> FileSyntax {
        let score = nesting_score(text);
        if score > MAX_NESTING_SCORE {
            // A stack overflow cannot be caught: it would abort the whole server.
            return FileSyntax {
                skipped: Some(format!(
                    "not analysed: brackets and operators nest about {score} levels deep, \
                     more than the {MAX_NESTING_SCORE} Triplet parses safely"
                )),
                ..FileSyntax::default()
            };
        }
        let parse = SourceFile::parse(text, Edition::Edition2021);
        let file = parse.tree();
        let mut out = FileSyntax {
            syntax_errors: parse.errors().len(),
            ..FileSyntax::default()
        };
        let mut scope_ids: HashMap<SyntaxNode, ScopeId> = HashMap::new();
        let mut own_cfgs = OwnCfgs::new();
        out.collect_crate_attrs(&file);

        // Pass 1: uses, extern crates and module declarations, which decide which
        // paths in pass 2 can possibly reach std. The path nodes are kept for pass 2 (one
        // walk of the tree instead of two).
        let mut path_nodes = Vec::new();
        for node in file.syntax().descendants() {
            match node.kind() {
                SyntaxKind::PATH => path_nodes.push(node),
                SyntaxKind::USE => {
                    if let Some(tree) = ast::Use::cast(node.clone()).and_then(|u| u.use_tree()) {
                        let scope = out.scope_of(&node, &mut scope_ids);
                        let gate = gate_with(&node, &mut own_cfgs);
                        out.collect_use_tree(&tree, &[], &[], scope, &gate);
                    }
                }
                SyntaxKind::EXTERN_CRATE => out.collect_extern_crate(&node, &mut scope_ids),
                SyntaxKind::MODULE => out.collect_mod(&node),
                _ => {}
            }
        }

        let interesting: HashSet<String> = out
            .interesting_first_segments()
            .into_iter()
            .map(str::to_string)
            .collect();
        let has_std_glob = out.uses.iter().any(|u| u.glob);
        let mut pending = Vec::new();
        for node in path_nodes {
            let Some(parent) = node.parent() else {
                continue;
            };
            if matches!(parent.kind(), SyntaxKind::PATH | SyntaxKind::USE_TREE) {
                continue;
            }
            let Some(path) = ast::Path::cast(node.clone()) else {
                continue;
            };
            // Most paths cannot reach std: rule them out by their first segment before
            // anything allocates (this loop sees every path of the file).
            if !has_std_glob {
                let macro_call = parent.kind() == SyntaxKind::MACRO_CALL;
                let could_matter = first_segment_name(&path).is_some_and(|name| {
                    let name = name.text();
                    interesting.contains(name) || (macro_call && STD_ONLY_MACROS.contains(&name))
                });
                if !could_matter {
                    continue;
                }
            }
            if node
                .ancestors()
                .any(|a| a.kind() == SyntaxKind::USE || a.kind() == SyntaxKind::ATTR)
            {
                continue;
            }
            let Some((segments, segment_ranges)) = path_segments(&path) else {
                continue;
            };
            let Some(first) = segments.first() else {
                continue;
            };
            let kind = if parent.kind() == SyntaxKind::MACRO_CALL {
                PathKind::Macro
            } else {
                PathKind::Value
            };
            let worth_keeping = interesting.contains(first.as_str())
                || (kind == PathKind::Macro && STD_ONLY_MACROS.contains(&first.as_str()))
                || (has_std_glob && segments.len() <= 2);
            if !worth_keeping {
                continue;
            }
            let range = to_range(node.text_range());
            let scope = out.scope_of(&node, &mut scope_ids);
            pending.push(PathRef {
                leading_colons: path_has_leading_colons(&path),
                segments,
                segment_ranges,
                range,
                kind,
                scope,
                gate: gate_with(&node, &mut own_cfgs),
                statement: statement_slot(&node, text),
            });
        }
        out.paths = pending;
        out
    }

    /// First segments through which a path can reach the standard library: std, core,
    /// alloc, extern crate aliases, and names imported from those (transitively). A name
    /// imported from `crate::…` or another crate cannot resolve to std, and keeping every
    /// such path made large files slow to read.
    fn interesting_first_segments(&self) -> HashSet<&str> {
        let mut names: HashSet<&str> = ["std", "core", "alloc"].into_iter().collect();
        for krate in &self.extern_crates {
            if let Some(alias) = &krate.alias {
                names.insert(alias.as_str());
            }
        }
        loop {
            let before = names.len();
            for entry in &self.uses {
                let (Some(bound), Some(first)) = (&entry.binds, entry.path.first()) else {
                    continue;
                };
                if names.contains(first.as_str()) {
                    names.insert(bound.as_str());
                }
            }
            if names.len() == before {
                return names;
            }
        }
    }

    fn collect_crate_attrs(&mut self, file: &SourceFile) {
        for attr in file.syntax().children().filter_map(ast::Attr::cast) {
            if attr.excl_token().is_none() {
                continue;
            }
            let range = to_range(attr.syntax().text_range());
            self.after_inner_attrs = self.after_inner_attrs.max(range.end);
            let Some(meta) = MetaText::of(&attr) else {
                continue;
            };
            match (meta.name.as_str(), meta.args) {
                ("no_std", None) => self.crate_attrs.push(CrateAttr::NoStd {
                    gate: Gate::default(),
                    range,
                }),
                ("cfg_attr", Some(args)) => {
                    if let Ok(cfg_attr) = CfgAttr::parse(&args) {
                        if cfg_attr.attributes.iter().any(|a| a == "no_std") {
                            self.crate_attrs.push(CrateAttr::NoStd {
                                gate: Gate(vec![cfg_attr.predicate]),
                                range,
                            });
                        }
                    }
                }
                ("cfg", Some(args)) => {
                    if let Ok(expr) = CfgExpr::parse(&args) {
                        self.file_gate.0.push(expr);
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_use_tree(
        &mut self,
        tree: &ast::UseTree,
        prefix: &[String],
        prefix_ranges: &[Range<usize>],
        scope: ScopeId,
        gate: &Gate,
    ) {
        let mut path = prefix.to_vec();
        let mut ranges = prefix_ranges.to_vec();
        if let Some(own) = tree.path() {
            let Some((segments, segment_ranges)) = path_segments(&own) else {
                return;
            };
            path.extend(segments);
            ranges.extend(segment_ranges);
        }
        if let Some(list) = tree.use_tree_list() {
            for child in list.use_trees() {
                self.collect_use_tree(&child, &path, &ranges, scope, gate);
            }
            return;
        }
        let glob = tree.star_token().is_some();
        // `use std::io::{self}` binds `io`.
        if path.last().map(String::as_str) == Some("self") {
            path.pop();
            ranges.pop();
        }
        let binds = if glob {
            None
        } else {
            match tree.rename() {
                Some(rename) if rename.underscore_token().is_some() => None,
                Some(rename) => ast::HasName::name(&rename).map(|n| n.text().to_string()),
                None => path.last().cloned(),
            }
        };
        if path.is_empty() {
            return;
        }
        self.uses.push(UseEntry {
            path,
            binds,
            glob,
            scope,
            gate: gate.clone(),
            segment_ranges: ranges,
        });
    }

    fn collect_extern_crate(
        &mut self,
        node: &SyntaxNode,
        scope_ids: &mut HashMap<SyntaxNode, ScopeId>,
    ) {
        let Some(item) = ast::ExternCrate::cast(node.clone()) else {
            return;
        };
        let Some(name) = item.name_ref().map(|n| n.text().to_string()) else {
            return;
        };
        let alias = item
            .rename()
            .and_then(|r| ast::HasName::name(&r))
            .map(|n| n.text().to_string());
        let scope = self.scope_of(node, scope_ids);
        // Report `extern crate …;` itself, not the attributes in front of it.
        let mut range = to_range(node.text_range());
        if let Some(keyword) = item.extern_token() {
            range.start = usize::from(keyword.text_range().start());
        }
        self.extern_crates.push(ExternCrate {
            name,
            alias,
            gate: gate_of(node),
            range,
            scope,
        });
    }

    fn collect_mod(&mut self, node: &SyntaxNode) {
        let Some(module) = ast::Module::cast(node.clone()) else {
            return;
        };
        if module.item_list().is_some() {
            return;
        }
        let Some(name) = ast::HasName::name(&module).map(|n| n.text().to_string()) else {
            return;
        };
        let path_attr = ast::HasAttrs::attrs(&module).find_map(|attr| {
            let meta = MetaText::of(&attr)?;
            if meta.name != "path" {
                return None;
            }
            Some(meta.value?.trim().trim_matches('"').to_string())
        });
        let inline_parents = node
            .ancestors()
            .skip(1)
            .filter_map(ast::Module::cast)
            .filter_map(|m| ast::HasName::name(&m).map(|n| n.text().to_string()))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        self.mods.push(ModDecl {
            name,
            path_attr,
            inline_parents,
            gate: gate_of(node),
        });
    }

    /// The innermost scope holding `node`; scopes are created on first sight.
    fn scope_of(&mut self, node: &SyntaxNode, ids: &mut HashMap<SyntaxNode, ScopeId>) -> ScopeId {
        let chain: Vec<SyntaxNode> = node.ancestors().skip(1).filter(is_scope_node).collect();
        let mut parent = None;
        for scope_node in chain.iter().rev() {
            let id = match ids.get(scope_node) {
                Some(id) => *id,
                None => {
                    let id = self.scopes.len();
                    self.scopes.push(Scope {
                        parent,
                        is_module: scope_node.kind() != SyntaxKind::STMT_LIST,
                    });
                    ids.insert(scope_node.clone(), id);
                    id
                }
            };
            parent = Some(id);
        }
        parent.unwrap_or_else(|| {
            // Only reachable for the root itself; give it a module scope.
            self.scopes.push(Scope {
                parent: None,
                is_module: true,
            });
            self.scopes.len() - 1
        })
    }
}

/// How deep the syntax tree of `text` can get, estimated lexically (comments, strings and
/// char literals skipped): every open bracket adds one level, and so does every operator
/// or chaining keyword of the expression it sits in, because rust-analyzer's parser
/// recurses on prefix and binary operators, closures, `return`, generics and else-if
/// chains as well as on brackets. `;`, top-level commas and the end of a block statement
/// end an expression.
pub fn nesting_score(text: &str) -> usize {
    #[derive(Clone, Copy)]
    struct Level {
        base: usize,
        score: usize,
        angles: usize,
        pipes: usize,
    }
    impl Level {
        fn reset(&mut self) {
            self.score = self.base;
            self.angles = 0;
            self.pipes = 0;
        }
    }
    let bytes = text.as_bytes();
    let mut levels = vec![Level {
        base: 0,
        score: 0,
        angles: 0,
        pipes: 0,
    }];
    let mut deepest = 0;
    let mut at = 0;
    while at < bytes.len() {
        let Some(top) = levels.last_mut() else {
            break;
        };
        match bytes[at] {
            b'(' | b'[' | b'{' => {
                let base = top.score + 1;
                deepest = deepest.max(base);
                levels.push(Level {
                    base,
                    score: base,
                    angles: 0,
                    pipes: 0,
                });
                at += 1;
            }
            closing @ (b')' | b']' | b'}') => {
                if levels.len() > 1 {
                    levels.pop();
                }
                at += 1;
                if closing == b'}' && block_ends_statement(bytes, at) {
                    if let Some(top) = levels.last_mut() {
                        top.reset();
                    }
                }
            }
            b';' => {
                top.reset();
                at += 1;
            }
            b',' => {
                // Inside `<…>` or closure parameters `|a, b|` the nesting goes on.
                if top.angles == 0 && top.pipes % 2 == 0 {
                    top.reset();
                }
                at += 1;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = memchr_from(bytes, at, b'\n');
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => at = skip_block_comment(bytes, at),
            b'"' => at = skip_string(bytes, at + 1, 0),
            b'r' if matches!(bytes.get(at + 1), Some(b'"' | b'#'))
                && (at == 0 || !is_word_byte(bytes[at - 1])) =>
            {
                let hashes = bytes[at + 1..].iter().take_while(|&&b| b == b'#').count();
                if bytes.get(at + 1 + hashes) == Some(&b'"') {
                    at = skip_string(bytes, at + 2 + hashes, hashes);
                } else {
                    at += 1;
                }
            }
            // A char literal such as '(' or '\{' (a lifetime has no closing quote).
            b'\'' => {
                let len = match bytes.get(at + 1) {
                    Some(b'\\') => 3,
                    Some(_) => 2,
                    None => 1,
                };
                at += if bytes.get(at + len) == Some(&b'\'') {
                    len + 1
                } else {
                    1
                };
            }
            byte if is_operator_byte(byte) => {
                let run = bytes[at..]
                    .iter()
                    .take_while(|&&b| is_operator_byte(b))
                    .count();
                let operators = &bytes[at..at + run];
                if operators == b"=>" {
                    // A match arm's pattern ends here; its body is a sibling, not a child.
                    top.reset();
                    at += run;
                    continue;
                }
                // `==`, `::`, `->` are one operator; `!!!!` is many.
                top.score += run.div_ceil(2);
                top.pipes += operators.iter().filter(|&&b| b == b'|').count();
                top.angles += operators.iter().filter(|&&b| b == b'<').count();
                let closing_angles = operators
                    .iter()
                    .enumerate()
                    .filter(|&(i, &b)| {
                        b == b'>' && (i == 0 || !matches!(operators[i - 1], b'-' | b'='))
                    })
                    .count();
                top.angles = top.angles.saturating_sub(closing_angles);
                deepest = deepest.max(top.score);
                at += run;
            }
            byte if is_word_byte(byte) => {
                let word_len = bytes[at..].iter().take_while(|&&b| is_word_byte(b)).count();
                if CHAINING_KEYWORDS.contains(&&bytes[at..at + word_len]) {
                    top.score += 1;
                    deepest = deepest.max(top.score);
                }
                at += word_len;
            }
            _ => at += 1,
        }
    }
    deepest
}

/// Keywords the parser recurses on (`return return x`, `else if`, `move ||`, `&mut &mut`).
const CHAINING_KEYWORDS: &[&[u8]] = &[
    b"as", b"async", b"await", b"become", b"box", b"break", b"dyn", b"else", b"fn", b"impl",
    b"move", b"mut", b"ref", b"return", b"yield",
];

fn is_operator_byte(byte: u8) -> bool {
    matches!(
        byte,
        b'!' | b'-'
            | b'+'
            | b'*'
            | b'/'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'<'
            | b'>'
            | b'='
            | b'.'
            | b'?'
            | b':'
            | b'@'
            | b'~'
            | b'$'
    )
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// After a `}`: does the block end its statement or item (rather than continue an
/// expression with `.`, `?`, `else`, `as` or a binary operator)?
fn block_ends_statement(bytes: &[u8], at: usize) -> bool {
    let mut at = at;
    // Skip whitespace and comments to the next token.
    let next = loop {
        match bytes.get(at) {
            None => return true,
            Some(b) if b.is_ascii_whitespace() => at += 1,
            Some(b'/') if bytes.get(at + 1) == Some(&b'/') => at = memchr_from(bytes, at, b'\n'),
            Some(b'/') if bytes.get(at + 1) == Some(&b'*') => at = skip_block_comment(bytes, at),
            Some(_) => break &bytes[at..],
        }
    };
    let word_len = next.iter().take_while(|&&b| is_word_byte(b)).count();
    let word = &next[..word_len];
    if word == b"else" || word == b"as" {
        return false;
    }
    !is_operator_byte(next[0])
}

fn memchr_from(bytes: &[u8], from: usize, wanted: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == wanted)
        .map_or(bytes.len(), |i| from + i)
}

fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let (mut level, mut at) = (0usize, start);
    while at < bytes.len() {
        if bytes[at] == b'/' && bytes.get(at + 1) == Some(&b'*') {
            level += 1;
            at += 2;
        } else if bytes[at] == b'*' && bytes.get(at + 1) == Some(&b'/') {
            level -= 1;
            at += 2;
            if level == 0 {
                return at;
            }
        } else {
            at += 1;
        }
    }
    at
}

/// Past the closing quote of a string whose body starts at `at` (raw with `hashes`).
fn skip_string(bytes: &[u8], mut at: usize, hashes: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if hashes == 0 => at += 2,
            b'"' => {
                let closing = bytes[at + 1..].iter().take_while(|&&b| b == b'#').count();
                at += 1;
                if closing >= hashes {
                    return at + hashes;
                }
            }
            _ => at += 1,
        }
    }
    bytes.len()
}

fn is_scope_node(node: &SyntaxNode) -> bool {
    match node.kind() {
        SyntaxKind::SOURCE_FILE | SyntaxKind::STMT_LIST => true,
        SyntaxKind::ITEM_LIST => node
            .parent()
            .is_some_and(|p| p.kind() == SyntaxKind::MODULE),
        _ => false,
    }
}

/// The `#[cfg]` predicates on `node` and every enclosing item, statement or expression.
/// `cfg_attr(pred, cfg(x))` is rare and left out (it can only narrow further).
fn gate_of(node: &SyntaxNode) -> Gate {
    gate_with(node, &mut HashMap::new())
}

/// The cfg predicates of each node's own attributes, by node. Paths in one item share its
/// ancestors, and listing the attributes of a block or an impl body walks all of its
/// children, so asking each node once matters on large files.
type OwnCfgs = HashMap<SyntaxNode, Vec<CfgExpr>>;

/// `gate_of`, remembering each ancestor's own predicates in `cache`.
fn gate_with(node: &SyntaxNode, cache: &mut OwnCfgs) -> Gate {
    let mut predicates = Vec::new();
    for ancestor in node.ancestors() {
        if ancestor.kind() == SyntaxKind::SOURCE_FILE {
            break; // the file's own inner cfg is FileSyntax::file_gate
        }
        // Only attribute owners are asked (and remembered): hashing every node costs more
        // than the kind check.
        let Some(owner) = ast::AnyHasAttrs::cast(ancestor) else {
            continue;
        };
        if let Some(own) = cache.get(owner.syntax()) {
            predicates.extend(own.iter().cloned());
            continue;
        }
        let own = own_cfgs(&owner);
        predicates.extend(own.iter().cloned());
        cache.insert(owner.syntax().clone(), own);
    }
    Gate(predicates)
}

fn own_cfgs(owner: &ast::AnyHasAttrs) -> Vec<CfgExpr> {
    let mut predicates = Vec::new();
    for attr in ast::HasAttrs::attrs(owner) {
        // Rendering an attribute's text costs an allocation: look at
        // the first token (`cfg`, `inline`, `cfg_attr`…) before rendering anything.
        if !starts_with_cfg(&attr) {
            continue;
        }
        let Some(meta) = MetaText::of(&attr) else {
            continue;
        };
        if meta.name != "cfg" {
            continue;
        }
        let Some(args) = meta.args else { continue };
        match CfgExpr::parse(&args) {
            Ok(expr) => predicates.push(expr),
            // An unparsable predicate is a compile error; never call the code dead.
            Err(_) => continue,
        }
    }
    predicates
}

/// Whether the attribute's first token is `cfg` (it may be `cfg(…)`; nothing else can).
fn starts_with_cfg(attr: &ast::Attr) -> bool {
    let Some(meta) = attr.meta() else {
        return false;
    };
    let mut token = meta.syntax().first_token();
    while let Some(t) = &token {
        if !t.kind().is_trivia() {
            break;
        }
        token = t.next_token();
    }
    token.is_some_and(|t| t.text() == "cfg")
}

/// An attribute's meta read from its text (`name`, `name(args)` or `name = value`), which
/// stays stable across parser versions that model `cfg` metas differently.
struct MetaText {
    name: String,
    args: Option<String>,
    value: Option<String>,
}

impl MetaText {
    fn of(attr: &ast::Attr) -> Option<MetaText> {
        let text = attr.meta()?.syntax().text().to_string();
        let text = text.trim();
        let name_end = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(text.len());
        let name = text[..name_end].to_string();
        let rest = text[name_end..].trim_start();
        let args = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .map(str::to_string);
        let value = rest.strip_prefix('=').map(|v| v.trim().to_string());
        Some(MetaText { name, args, value })
    }
}

fn to_range(range: TextRange) -> Range<usize> {
    usize::from(range.start())..usize::from(range.end())
}

/// The segments of a plain path (`a::b::c`), or `None` for `<T as Trait>::f` forms.
fn path_segments(path: &ast::Path) -> Option<(Vec<String>, Vec<Range<usize>>)> {
    let mut segments = Vec::new();
    let mut ranges = Vec::new();
    let mut current = Some(path.clone());
    while let Some(p) = current {
        let segment = p.segment()?;
        let name = segment.name_ref()?;
        segments.push(name.text().to_string());
        ranges.push(to_range(name.syntax().text_range()));
        current = p.qualifier();
    }
    segments.reverse();
    ranges.reverse();
    Some((segments, ranges))
}

/// A path's first segment (`std` in `std::fs::read`), found without allocating.
fn first_segment_name(path: &ast::Path) -> Option<ast::NameRef> {
    let mut first = path.clone();
    while let Some(qualifier) = first.qualifier() {
        first = qualifier;
    }
    first.segment()?.name_ref()
}

fn path_has_leading_colons(path: &ast::Path) -> bool {
    let mut first = path.clone();
    while let Some(q) = first.qualifier() {
        first = q;
    }
    first.segment().and_then(|s| s.coloncolon_token()).is_some()
}

/// For a path inside an expression statement, where to put `#[cfg(…)]` before it.
fn statement_slot(node: &SyntaxNode, text: &str) -> Option<(usize, String)> {
    let statement = node.ancestors().find(|a| {
        matches!(
            a.kind(),
            SyntaxKind::EXPR_STMT | SyntaxKind::LET_STMT | SyntaxKind::STMT_LIST
        )
    })?;
    if statement.kind() != SyntaxKind::EXPR_STMT {
        return None;
    }
    let start = usize::from(statement.text_range().start());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some((start, indent.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_use_trees_with_renames_groups_and_self() {
        let syntax =
            FileSyntax::parse("use std::{io::{self, Read}, time::Instant as I, thread::*};");
        let entries: Vec<_> = syntax
            .uses
            .iter()
            .map(|u| (u.path.join("::"), u.binds.clone(), u.glob))
            .collect();
        assert_eq!(
            entries,
            vec![
                ("std::io".to_string(), Some("io".to_string()), false),
                ("std::io::Read".to_string(), Some("Read".to_string()), false),
                (
                    "std::time::Instant".to_string(),
                    Some("I".to_string()),
                    false
                ),
                ("std::thread".to_string(), None, true),
            ]
        );
    }

    #[test]
    fn records_gates_and_survives_syntax_errors() {
        let text = "fn broken( { \n#[cfg(not(target_arch = \"wasm32\"))]\nfn f() { std::thread::spawn(|| ()); }\nfn g() { std::fs::read(\"x\"); }";
        let syntax = FileSyntax::parse(text);
        assert!(syntax.syntax_errors > 0);
        let spawn = syntax
            .paths
            .iter()
            .find(|p| p.segments.last().map(String::as_str) == Some("spawn"));
        let read = syntax
            .paths
            .iter()
            .find(|p| p.segments.last().map(String::as_str) == Some("read"));
        assert_eq!(spawn.map(|p| p.gate.0.len()), Some(1));
        assert_eq!(read.map(|p| p.gate.0.len()), Some(0));
    }

    #[test]
    fn finds_no_std_forms_and_mods() {
        let text = "#![cfg_attr(not(feature = \"std\"), no_std)]\n#[path = \"x/y.rs\"]\nmod y;\nmod inline { mod nested; }\n";
        let syntax = FileSyntax::parse(text);
        assert!(
            matches!(&syntax.crate_attrs[..], [CrateAttr::NoStd { gate, .. }] if gate.0.len() == 1)
        );
        assert_eq!(syntax.mods[0].path_attr.as_deref(), Some("x/y.rs"));
        assert_eq!(syntax.mods[1].inline_parents, vec!["inline".to_string()]);
    }
}
