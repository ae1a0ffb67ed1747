//! A small, honest local type inference: the type of an expression when the file states
//! it plainly (a literal's suffix, a `let` or parameter annotation, a `static`/`const`
//! item, a struct field read through `self`, `Type::new(..)`, a cast, arithmetic on two
//! values of one float type). Everything else is unknown (`None`), and unknown is never
//! reported.

use super::scope::{defined_locally, resolve_std, scopes_at, segments_of, std_globs_at, UseLeaf};
use super::sysroot_facts::{FloatTy, SysrootFacts};
use ra_ap_syntax::ast::{self, ArithOp, BinaryOp, HasName, UnaryOp};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode};

/// An atomic type of `core::sync::atomic`, and the `use` item naming it (for its cfg).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtomicRef {
    pub name: String,
    pub via: Option<UseLeaf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalTy {
    Float(FloatTy),
    Atomic(AtomicRef),
}

const MAX_DEPTH: usize = 8;

pub struct Inference<'a> {
    pub facts: &'a SysrootFacts,
}

impl Inference<'_> {
    /// The atomic type a path (in a type or before `::new`) names, if it is one.
    pub fn atomic_path(&self, segments: &[String], at: &SyntaxNode) -> Option<AtomicRef> {
        if let Some(resolved) = resolve_std(segments, at) {
            return match resolved.canonical.as_slice() {
                [krate, sync, atomic, name]
                    if matches!(krate.as_str(), "std" | "core")
                        && sync == "sync"
                        && atomic == "atomic"
                        && self.facts.atomic_type(name).is_some() =>
                {
                    Some(AtomicRef {
                        name: name.clone(),
                        via: resolved.via,
                    })
                }
                _ => None,
            };
        }
        // A single name from `use core::sync::atomic::*;`, unless something local or a
        // named import could be it.
        let [name] = segments else { return None };
        if self.facts.atomic_type(name).is_none()
            || defined_locally(name, at)
            || bound_by_name(name, at)
        {
            return None;
        }
        let mut globs = std_globs_at(at).into_iter().filter(|(module, _)| {
            module.len() == 3 && module[1] == "sync" && module[2] == "atomic"
        });
        let (_, leaf) = globs.next()?;
        Some(AtomicRef {
            name: name.clone(),
            via: Some(leaf),
        })
    }

    pub fn type_of_type(&self, ty: &ast::Type) -> Option<LocalTy> {
        match ty {
            ast::Type::RefType(reference) => self.type_of_type(&reference.ty()?),
            ast::Type::ParenType(inner) => self.type_of_type(&inner.ty()?),
            ast::Type::PathType(path_type) => {
                let segments = segments_of(&path_type.path()?)?;
                if let [single] = segments.as_slice() {
                    if let Some(float) = FloatTy::from_name(single) {
                        return Some(LocalTy::Float(float));
                    }
                }
                self.atomic_path(&segments, path_type.syntax())
                    .map(LocalTy::Atomic)
            }
            _ => None,
        }
    }

    pub fn type_of(&self, expr: &ast::Expr) -> Option<LocalTy> {
        self.expr_type(expr, 0)
    }

    fn expr_type(&self, expr: &ast::Expr, depth: usize) -> Option<LocalTy> {
        if depth > MAX_DEPTH {
            return None;
        }
        match expr {
            ast::Expr::Literal(literal) => float_literal(literal).map(LocalTy::Float),
            ast::Expr::ParenExpr(inner) => self.expr_type(&inner.expr()?, depth + 1),
            ast::Expr::RefExpr(inner) => self.expr_type(&inner.expr()?, depth + 1),
            ast::Expr::CastExpr(cast) => match self.type_of_type(&cast.ty()?)? {
                float @ LocalTy::Float(_) => Some(float),
                LocalTy::Atomic(_) => None,
            },
            ast::Expr::PrefixExpr(prefix) if prefix.op_kind() == Some(UnaryOp::Neg) => {
                match self.expr_type(&prefix.expr()?, depth + 1)? {
                    float @ LocalTy::Float(_) => Some(float),
                    LocalTy::Atomic(_) => None,
                }
            }
            ast::Expr::BinExpr(bin) => self.arithmetic_type(bin, depth),
            ast::Expr::PathExpr(path_expr) => {
                let segments = segments_of(&path_expr.path()?)?;
                let [name] = segments.as_slice() else {
                    return None;
                };
                self.binding_type(name, path_expr.syntax(), depth)
            }
            ast::Expr::FieldExpr(field) => self.self_field_type(field),
            ast::Expr::CallExpr(call) => {
                let ast::Expr::PathExpr(callee) = call.expr()? else {
                    return None;
                };
                let segments = segments_of(&callee.path()?)?;
                let (last, prefix) = segments.split_last()?;
                if last != "new" || prefix.is_empty() {
                    return None;
                }
                self.atomic_path(prefix, callee.syntax())
                    .map(LocalTy::Atomic)
            }
            _ => None,
        }
    }

    /// `a + b` on floats: both sides the same float type, or one side an unsuffixed float
    /// literal (which takes the other side's type).
    fn arithmetic_type(&self, bin: &ast::BinExpr, depth: usize) -> Option<LocalTy> {
        let Some(BinaryOp::ArithOp(
            ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::Div | ArithOp::Rem,
        )) = bin.op_kind()
        else {
            return None;
        };
        let (lhs, rhs) = (bin.lhs()?, bin.rhs()?);
        let left = self.expr_type(&lhs, depth + 1);
        let right = self.expr_type(&rhs, depth + 1);
        match (left, right) {
            (Some(LocalTy::Float(a)), Some(LocalTy::Float(b))) if a == b => Some(LocalTy::Float(a)),
            (Some(LocalTy::Float(a)), None) if is_unsuffixed_float(&rhs) => Some(LocalTy::Float(a)),
            (None, Some(LocalTy::Float(b))) if is_unsuffixed_float(&lhs) => Some(LocalTy::Float(b)),
            _ => None,
        }
    }

    /// The declared type of the local, parameter, `static` or `const` that `name` at `at`
    /// refers to.
    fn binding_type(&self, name: &str, at: &SyntaxNode, depth: usize) -> Option<LocalTy> {
        let mut child = at.clone();
        let mut in_locals = true;
        for ancestor in at.ancestors().skip(1) {
            if in_locals {
                match ancestor.kind() {
                    SyntaxKind::STMT_LIST => {
                        let before: Vec<SyntaxNode> = ancestor
                            .children()
                            .take_while(|stmt| *stmt != child)
                            .collect();
                        for stmt in before.iter().rev() {
                            let Some(let_stmt) = ast::LetStmt::cast(stmt.clone()) else {
                                continue;
                            };
                            let Some(pat) = let_stmt.pat() else { continue };
                            if !binds(pat.syntax(), name) {
                                continue;
                            }
                            if !is_plain_ident(&pat, name) {
                                return None;
                            }
                            if let Some(ty) = let_stmt.ty() {
                                return self.type_of_type(&ty);
                            }
                            return self.expr_type(&let_stmt.initializer()?, depth + 1);
                        }
                    }
                    SyntaxKind::CLOSURE_EXPR
                    | SyntaxKind::MATCH_ARM
                    | SyntaxKind::FOR_EXPR
                    | SyntaxKind::IF_EXPR
                    | SyntaxKind::WHILE_EXPR => {
                        // Closure parameters, arm patterns, `for` and `if let` bindings
                        // are not followed: a name bound there is unknown.
                        let shadowed = ancestor
                            .children()
                            .filter(|site| {
                                *site != child
                                    && !matches!(
                                        site.kind(),
                                        SyntaxKind::BLOCK_EXPR | SyntaxKind::IF_EXPR
                                    )
                            })
                            .any(|site| binds(&site, name));
                        if shadowed {
                            return None;
                        }
                    }
                    SyntaxKind::FN => {
                        in_locals = false;
                        let function = ast::Fn::cast(ancestor.clone())?;
                        for param in function.param_list()?.params() {
                            let Some(pat) = param.pat() else { continue };
                            if !binds(pat.syntax(), name) {
                                continue;
                            }
                            if !is_plain_ident(&pat, name) {
                                return None;
                            }
                            return self.type_of_type(&param.ty()?);
                        }
                    }
                    _ => {}
                }
            }
            child = ancestor;
        }
        // Items: `static`/`const` in the enclosing blocks and module.
        for scope in scopes_at(at) {
            for item in scope.children() {
                let ty = if let Some(item) = ast::Static::cast(item.clone()) {
                    (item.name()?.text() == name).then(|| item.ty())
                } else if let Some(item) = ast::Const::cast(item) {
                    (item.name().is_some_and(|n| n.text() == name)).then(|| item.ty())
                } else {
                    None
                };
                if let Some(ty) = ty {
                    return self.type_of_type(&ty?);
                }
            }
        }
        None
    }

    /// `self.field` inside an `impl` of a struct declared beside the impl.
    fn self_field_type(&self, field: &ast::FieldExpr) -> Option<LocalTy> {
        let ast::Expr::PathExpr(receiver) = field.expr()? else {
            return None;
        };
        if receiver.syntax().text() != "self" {
            return None;
        }
        let field_name = field.name_ref()?.text().to_string();
        let block = field.syntax().ancestors().find_map(ast::Impl::cast)?;
        let ast::Type::PathType(self_ty) = block.self_ty()? else {
            return None;
        };
        let struct_name = self_ty.path()?.segment()?.name_ref()?.text().to_string();
        let siblings = block.syntax().parent()?;
        let strukt = siblings
            .children()
            .filter_map(ast::Struct::cast)
            .find(|s| s.name().is_some_and(|n| n.text() == struct_name))?;
        let ast::FieldList::RecordFieldList(fields) = strukt.field_list()? else {
            return None;
        };
        let declared = fields
            .fields()
            .find(|f| f.name().is_some_and(|n| n.text() == field_name))?;
        self.type_of_type(&declared.ty()?)
    }
}

fn bound_by_name(name: &str, at: &SyntaxNode) -> bool {
    scopes_at(at).iter().any(|scope| {
        super::scope::leaves_in(scope)
            .iter()
            .any(|leaf| leaf.binds.as_deref() == Some(name))
    })
}

/// `2.0f32`, `2f64`, `1e3_f32`.
pub fn float_literal(literal: &ast::Literal) -> Option<FloatTy> {
    match literal.kind() {
        ast::LiteralKind::FloatNumber(number) => FloatTy::from_name(number.suffix()?),
        ast::LiteralKind::IntNumber(number) => FloatTy::from_name(number.suffix()?),
        _ => None,
    }
}

fn is_unsuffixed_float(expr: &ast::Expr) -> bool {
    let ast::Expr::Literal(literal) = expr else {
        return false;
    };
    matches!(literal.kind(), ast::LiteralKind::FloatNumber(number) if number.suffix().is_none())
}

/// Whether a pattern (or any node holding patterns) binds `name`.
fn binds(node: &SyntaxNode, name: &str) -> bool {
    node.descendants_with_tokens()
        .filter_map(|element| element.into_node())
        .filter_map(ast::IdentPat::cast)
        .any(|ident| ident.name().is_some_and(|n| n.text() == name))
}

/// `x` or `mut x` (not `ref x`, not `x @ …`).
fn is_plain_ident(pat: &ast::Pat, name: &str) -> bool {
    match pat {
        ast::Pat::IdentPat(ident) => {
            ident.name().is_some_and(|n| n.text() == name)
                && ident.pat().is_none()
                && ident.ref_token().is_none()
        }
        _ => false,
    }
}
