//! What a backend function does when called, read from its body: the shapes std's
//! stub backends use (`unsupported()`, `panic!("…")`, `Ok(buf.len())`, `match self.0 {}`).
//! Only statements that run unconditionally count; anything else is real code (`ok`).

use super::select::{cfg_attrs_hold, select_arm, selection_arms};
use super::Behaviour;
use crate::analysis::cfg::CfgSet;
use anyhow::Result;
use ra_ap_syntax::ast;
use ra_ap_syntax::{AstNode, Edition, SourceFile, SyntaxKind, SyntaxNode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub behaviour: Behaviour,
    pub message: String,
}

/// std's message for `io::ErrorKind::Unsupported` from `unsupported()`.
pub const UNSUPPORTED_MESSAGE: &str = "operation not supported on this platform";

const PANIC_MACROS: &[&str] = &[
    "panic!",
    "crate::panic!",
    "core::panic!",
    "unimplemented!",
    "crate::unimplemented!",
    "todo!",
    "rtabort!",
    "crate::rtabort!",
];

const ABORT_CALLS: &[&str] = &[
    "crate::intrinsics::abort()",
    "core::intrinsics::abort()",
    "intrinsics::abort()",
    "crate::sys::abort_internal()",
    "abort_internal()",
];

const UNSUPPORTED_CALLS: &[&str] = &[
    "unsupported()",
    "crate::sys::unsupported()",
    "crate::sys::pal::unsupported()",
    "super::unsupported()",
    "Err(unsupported_err())",
    "Err(crate::sys::unsupported_err())",
    "Err(io::Error::UNSUPPORTED_PLATFORM)",
    "Err(crate::io::Error::UNSUPPORTED_PLATFORM)",
];

/// Values a stub returns when it quietly does nothing.
const INERT_VALUES: &[&str] = &[
    "",
    "()",
    "Ok(())",
    "Ok(0)",
    "Ok(buf.len())",
    "Ok(data.len())",
    "None",
    "Ok(None)",
    "false",
    "Vec::new()",
    "Default::default()",
];

/// Bodies that only exist for an uninhabited value (`struct File(!)`): `self.0`, or an
/// empty `match` such as `match self.0 {}` / `match perm.0 {}`.
fn is_uninhabited_body(compact: &str) -> bool {
    let empty_match = compact
        .strip_prefix("match")
        .and_then(|rest| rest.strip_suffix("{}"))
        .is_some_and(|scrutinee| !scrutinee.is_empty() && !scrutinee.contains(['{', '}', '(']));
    compact == "self.0" || empty_match
}

pub fn classify(function: &ast::Fn, cfg: &CfgSet) -> Result<Classification> {
    let Some(body) = function.body() else {
        return Ok(ok());
    };
    let statements = effective_statements(&body, cfg)?;
    Ok(classify_statements(&statements))
}

fn ok() -> Classification {
    Classification {
        behaviour: Behaviour::Ok,
        message: String::new(),
    }
}

/// One unconditional statement: its text and the text with all whitespace removed.
struct Statement {
    text: String,
    compact: String,
}

impl Statement {
    fn new(text: String) -> Statement {
        let mut compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        while compact.ends_with(';') {
            compact.pop();
        }
        if let Some(value) = compact.strip_prefix("return") {
            compact = value.to_string();
        }
        Statement { text, compact }
    }
}

/// The body's top-level statements that the target compiles, with `cfg_select!` arms
/// spliced in and `#[cfg]`-disabled statements dropped.
fn effective_statements(body: &ast::BlockExpr, cfg: &CfgSet) -> Result<Vec<Statement>> {
    let mut result = Vec::new();
    let Some(list) = body.stmt_list() else {
        return Ok(result);
    };
    let nodes = list
        .statements()
        .map(|statement| statement.syntax().clone())
        .chain(list.tail_expr().map(|tail| tail.syntax().clone()));
    for node in nodes {
        let attrs = node.children().filter_map(ast::Attr::cast).chain(
            node.children()
                .flat_map(|child| child.children().filter_map(ast::Attr::cast)),
        );
        if !cfg_attrs_hold(attrs, cfg)? {
            continue;
        }
        if let Some(call) = statement_macro_call(&node) {
            if let Some(arms) = selection_arms(&call)? {
                if let Some(arm) = select_arm(&arms, cfg) {
                    result.extend(statements_of_block_text(&arm.body, cfg)?);
                }
                continue;
            }
        }
        // `unsafe { … }` or a bare `{ … }` runs its statements unconditionally.
        if let Some(block) = statement_block(&node) {
            result.extend(effective_statements(&block, cfg)?);
            continue;
        }
        result.push(Statement::new(text_without_attributes(&node)));
    }
    Ok(result)
}

/// The macro call that *is* the statement (`cfg_select! { … }`), not one nested in it.
fn statement_macro_call(node: &SyntaxNode) -> Option<ast::MacroCall> {
    if let Some(call) = ast::MacroCall::cast(node.clone()) {
        return Some(call);
    }
    let expr = match ast::ExprStmt::cast(node.clone()) {
        Some(statement) => statement.expr()?,
        None => ast::Expr::cast(node.clone())?,
    };
    match expr {
        ast::Expr::MacroExpr(macro_expr) => macro_expr.macro_call(),
        _ => None,
    }
}

/// A plain or `unsafe` block that is the whole statement (labelled, async and const
/// blocks excluded).
fn statement_block(node: &SyntaxNode) -> Option<ast::BlockExpr> {
    let expr = match ast::ExprStmt::cast(node.clone()) {
        Some(statement) => statement.expr()?,
        None => ast::Expr::cast(node.clone())?,
    };
    let ast::Expr::BlockExpr(block) = expr else {
        return None;
    };
    let plain = block.label().is_none()
        && block.async_token().is_none()
        && block.const_token().is_none()
        && block.try_block_modifier().is_none();
    plain.then_some(block)
}

/// The statement's code: comments and attributes (already evaluated) left out.
fn text_without_attributes(node: &SyntaxNode) -> String {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_token())
        .filter(|token| token.kind() != SyntaxKind::COMMENT)
        .filter(|token| {
            !token
                .parent_ancestors()
                .any(|ancestor| ancestor.kind() == SyntaxKind::ATTR)
        })
        .map(|token| token.text().to_string())
        .collect()
}

fn statements_of_block_text(text: &str, cfg: &CfgSet) -> Result<Vec<Statement>> {
    let wrapped = format!("fn selected_arm() {{\n{text}\n}}");
    let file = SourceFile::parse(&wrapped, Edition::CURRENT).tree();
    let body = file
        .syntax()
        .descendants()
        .find_map(ast::Fn::cast)
        .and_then(|function| function.body());
    match body {
        Some(body) => effective_statements(&body, cfg),
        None => Ok(Vec::new()),
    }
}

fn classify_statements(statements: &[Statement]) -> Classification {
    for statement in statements {
        if let Some(name) = PANIC_MACROS
            .iter()
            .find(|name| statement.compact.starts_with(&format!("{name}(")))
        {
            let message = first_string_literal(&statement.text)
                .unwrap_or_else(|| name.trim_end_matches('!').to_string());
            let message = if name.contains("rtabort") {
                format!("aborts: {message}")
            } else {
                message
            };
            return Classification {
                behaviour: Behaviour::Panic,
                message,
            };
        }
        if ABORT_CALLS.contains(&statement.compact.as_str()) {
            return Classification {
                behaviour: Behaviour::Panic,
                message: "aborts the program (on wasm: an `unreachable` trap)".to_string(),
            };
        }
        if UNSUPPORTED_CALLS.contains(&statement.compact.as_str()) {
            return error(UNSUPPORTED_MESSAGE.to_string());
        }
        if statement.compact.starts_with("Err(") {
            let message = first_string_literal(&statement.text)
                .unwrap_or_else(|| UNSUPPORTED_MESSAGE.to_string());
            return error(message);
        }
    }
    let Some((last, before)) = statements.split_last() else {
        return noop("does nothing (empty body)".to_string());
    };
    if is_uninhabited_body(&last.compact) {
        return error(
            "unreachable: no value of this type can exist on this target (its constructor fails)"
                .to_string(),
        );
    }
    let only_discards = before
        .iter()
        .all(|statement| statement.compact.starts_with("let_="));
    if only_discards && (is_inert(&last.compact) || last.compact.starts_with("let_=")) {
        let returned = last.text.trim().trim_end_matches(';');
        return noop(format!("does nothing (returns `{returned}`)"));
    }
    ok()
}

fn is_inert(compact: &str) -> bool {
    INERT_VALUES.contains(&compact) || is_empty_struct_literal(compact)
}

/// `Args {}` and the like.
fn is_empty_struct_literal(compact: &str) -> bool {
    compact.strip_suffix("{}").is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
    }) && compact.starts_with(|c: char| c.is_ascii_uppercase())
}

fn error(message: String) -> Classification {
    Classification {
        behaviour: Behaviour::Error,
        message,
    }
}

fn noop(message: String) -> Classification {
    Classification {
        behaviour: Behaviour::Noop,
        message,
    }
}

/// The contents of the first `"…"` literal (escapes kept as written).
fn first_string_literal(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let mut escaped = false;
    for (index, c) in text[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(text[start..start + index].to_string()),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_text(function: &str, cfg: &str) -> Classification {
        let file = SourceFile::parse(function, Edition::CURRENT).tree();
        let function = file.syntax().descendants().find_map(ast::Fn::cast).unwrap();
        classify(&function, &CfgSet::from_rustc_print_cfg(cfg)).unwrap()
    }

    fn behaviour(function: &str) -> (Behaviour, String) {
        let found = classify_text(function, "");
        (found.behaviour, found.message)
    }

    #[test]
    fn recognises_panicking_stubs() {
        assert_eq!(
            behaviour(
                "pub fn now() -> Instant { panic!(\"time not implemented on this platform\") }"
            ),
            (
                Behaviour::Panic,
                "time not implemented on this platform".into()
            )
        );
        assert_eq!(
            behaviour("fn sleep(_d: Duration) { panic!(\"can't sleep\"); }").1,
            "can't sleep"
        );
        assert_eq!(
            behaviour("fn f() { crate::unimplemented!(\"only on unix\") }").0,
            Behaviour::Panic
        );
    }

    #[test]
    fn recognises_unsupported_errors() {
        assert_eq!(
            behaviour("fn open() -> io::Result<File> { unsupported() }"),
            (Behaviour::Error, UNSUPPORTED_MESSAGE.into())
        );
        assert_eq!(
            behaviour("unsafe fn setenv() -> io::Result<()> { Err(io::const_error!(io::ErrorKind::Unsupported, \"cannot set env vars on this platform\")) }"),
            (Behaviour::Error, "cannot set env vars on this platform".into())
        );
    }

    #[test]
    fn recognises_noops_and_uninhabited_receivers() {
        assert_eq!(
            behaviour("fn getenv(_: &OsStr) -> Option<OsString> { None }").0,
            Behaviour::Noop
        );
        assert_eq!(
            behaviour("fn write(&mut self, buf: &[u8]) -> io::Result<usize> { Ok(buf.len()) }").0,
            Behaviour::Noop
        );
        assert_eq!(
            behaviour("fn args() -> Args { Args {} }").0,
            Behaviour::Noop
        );
        assert_eq!(
            behaviour("fn yield_now() { // do nothing\n }").0,
            Behaviour::Noop
        );
        assert_eq!(
            behaviour("fn connect(&self) -> io::Result<()> { self.0 }").0,
            Behaviour::Error
        );
        assert_eq!(behaviour("fn set_perm(_p: &Path, perm: FilePermissions) -> io::Result<()> { match perm.0 {} }").0, Behaviour::Error);
        assert_eq!(
            behaviour("fn f(x: u8) -> u8 { match x { _ => 1 } }").0,
            Behaviour::Ok
        );
    }

    #[test]
    fn real_code_is_ok_even_with_conditional_panics() {
        let body = "fn new() -> io::Result<Thread> { let r = libc::pthread_create(); if r != 0 { panic!(\"x\") } Ok(Thread) }";
        assert_eq!(behaviour(body).0, Behaviour::Ok);
        assert_eq!(
            behaviour("fn keys() -> (u64, u64) { let heap = Box::new(0u8); (1, 2) }").0,
            Behaviour::Ok
        );
    }

    #[test]
    fn looks_inside_unsafe_blocks() {
        assert_eq!(
            behaviour("unsafe fn f() -> io::Result<()> { unsafe { unsupported() } }").0,
            Behaviour::Error
        );
        assert_eq!(behaviour("fn f() { { panic!(\"inner\") } }").1, "inner");
        assert_eq!(
            behaviour("fn f() { async { panic!(\"later\") }; }").0,
            Behaviour::Ok
        );
    }

    #[test]
    fn selects_inline_cfg_in_bodies() {
        let exit = r#"pub fn exit(code: i32) -> ! {
            cfg_select! {
                target_os = "linux" => { unsafe { libc::exit(code) } }
                _ => { let _ = code; crate::intrinsics::abort() }
            }
        }"#;
        assert_eq!(
            classify_text(exit, "target_os=\"linux\"").behaviour,
            Behaviour::Ok
        );
        assert_eq!(
            classify_text(exit, "target_os=\"unknown\"").behaviour,
            Behaviour::Panic
        );
        let gated = "fn remove() -> io::Result<()> {\n #[cfg(unix)]\n return real();\n #[cfg(not(unix))]\n unsupported()\n}";
        assert_eq!(classify_text(gated, "unix").behaviour, Behaviour::Ok);
        assert_eq!(
            classify_text(gated, "target_os=\"unknown\"").behaviour,
            Behaviour::Error
        );
    }
}
