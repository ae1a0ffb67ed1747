//! Pointer width: an integer literal typed `usize`/`isize` that does not fit the target's
//! width (rustc's deny-by-default `overflowing_literals`), a constant that overflows there
//! (`const`/`static`: evaluation fails, E0080; `let`: a debug-build panic), and a shift
//! that silently drops bits there (`8 << 30` is 0 as a 32-bit `usize`).

use super::gate::GateCache;
use super::{split_targets, works_on, Cause, Class, LocalFinding, Nodes};
use crate::analysis::context::TargetView;
use crate::analysis::finding::Severity;
use ra_ap_syntax::ast::{self, ArithOp, BinaryOp, UnaryOp};
use ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, TextRange};
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IntTy {
    Usize,
    Isize,
}

impl IntTy {
    fn from_name(name: &str) -> Option<IntTy> {
        match name {
            "usize" => Some(IntTy::Usize),
            "isize" => Some(IntTy::Isize),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            IntTy::Usize => "usize",
            IntTy::Isize => "isize",
        }
    }

    fn min(self, bits: u32) -> i128 {
        match self {
            IntTy::Usize => 0,
            IntTy::Isize => -(1i128 << (bits - 1)),
        }
    }

    fn max(self, bits: u32) -> i128 {
        match self {
            IntTy::Usize => (1i128 << bits) - 1,
            IntTy::Isize => (1i128 << (bits - 1)) - 1,
        }
    }
}

/// Where a typed expression sits: it decides how an overflow shows up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// `const`/`static` initialiser: evaluated at compile time, overflow is an error.
    Item,
    /// Anything else: overflow panics at run time in debug builds.
    Runtime,
    /// An associated const: evaluated only when used, but rustc's deny-by-default
    /// `arithmetic_overflow` lint rejects an overflow in it anyway.
    Associated,
}

pub fn check(
    nodes: &Nodes,
    targets: &[&TargetView],
    gates: &mut GateCache,
    out: &mut Vec<LocalFinding>,
) {
    let widths: Vec<Option<u32>> = targets
        .iter()
        .map(|t| t.cfg.value_of("target_pointer_width")?.parse().ok())
        .filter(|w: &Option<u32>| w.is_none_or(|w| (8..=64).contains(&w)))
        .collect();
    if widths.len() != targets.len() {
        return;
    }
    let mut checker = Checker {
        targets,
        widths,
        gates,
        out,
        seen_literals: HashSet::new(),
    };
    for node in nodes.iter().cloned() {
        if let Some((expr, ty, context)) = typed_root(&node) {
            checker.root(&expr, ty, context);
        } else if let Some(literal) = ast::Literal::cast(node) {
            // A suffixed literal anywhere: `3_000_000_000usize`.
            let suffix = match literal.kind() {
                ast::LiteralKind::IntNumber(number) => number.suffix().and_then(IntTy::from_name),
                _ => None,
            };
            if let Some(ty) = suffix {
                checker.literal(&literal, ty, false);
            }
        }
    }
}

/// A `const`/`static`/`let` with a `usize`/`isize` type, or a cast of a literal to one:
/// the expression whose literals take that type.
fn typed_root(node: &SyntaxNode) -> Option<(ast::Expr, IntTy, Context)> {
    let int_ty = |ty: Option<ast::Type>| -> Option<IntTy> {
        let ast::Type::PathType(path) = ty? else {
            return None;
        };
        let path = path.path()?;
        if path.qualifier().is_some() {
            return None;
        }
        IntTy::from_name(path.segment()?.name_ref()?.text())
    };
    if let Some(item) = ast::Const::cast(node.clone()) {
        // An associated const is evaluated only when used, but linted always.
        let associated = node
            .parent()
            .is_some_and(|p| p.kind() == SyntaxKind::ASSOC_ITEM_LIST);
        let context = if associated {
            Context::Associated
        } else {
            Context::Item
        };
        return Some((item.body()?, int_ty(item.ty())?, context));
    }
    if let Some(item) = ast::Static::cast(node.clone()) {
        return Some((item.body()?, int_ty(item.ty())?, Context::Item));
    }
    if let Some(item) = ast::LetStmt::cast(node.clone()) {
        return Some((item.initializer()?, int_ty(item.ty())?, Context::Runtime));
    }
    if let Some(cast) = ast::CastExpr::cast(node.clone()) {
        let inner = cast.expr()?;
        let is_literal = match &inner {
            ast::Expr::Literal(_) => true,
            ast::Expr::PrefixExpr(prefix) => {
                matches!(prefix.expr(), Some(ast::Expr::Literal(_)))
                    && prefix.op_kind() == Some(UnaryOp::Neg)
            }
            _ => false,
        };
        if is_literal {
            return Some((inner, int_ty(cast.ty())?, Context::Runtime));
        }
    }
    None
}

/// What evaluating a typed expression gives at one width.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Value(i128),
    /// An operation overflows: the node that does.
    Overflow(SyntaxNode),
    /// Not a constant this evaluator knows (a name, a call, division by zero…).
    Unknown,
}

struct Checker<'a, 'o> {
    targets: &'a [&'a TargetView],
    widths: Vec<Option<u32>>,
    gates: &'a mut GateCache,
    out: &'o mut Vec<LocalFinding>,
    seen_literals: HashSet<SyntaxNode>,
}

impl Checker<'_, '_> {
    fn root(&mut self, expr: &ast::Expr, ty: IntTy, context: Context) {
        let mut literals = Vec::new();
        typed_literals(expr, ty, false, &mut literals);
        let mut any_too_big = false;
        for (literal, negated) in &literals {
            any_too_big |= self.literal(literal, ty, *negated);
        }
        if any_too_big {
            return; // rustc stops at the literal
        }
        if context != Context::Item && lint_allowed(expr.syntax(), "arithmetic_overflow") {
            return;
        }
        self.evaluate(expr, ty, context);
    }

    /// Reports a literal that does not fit `ty` on some targets; true when it does not.
    fn literal(&mut self, literal: &ast::Literal, ty: IntTy, negated: bool) -> bool {
        let ast::LiteralKind::IntNumber(number) = literal.kind() else {
            return false;
        };
        let Ok(value) = number.value() else {
            return false;
        };
        if !self.seen_literals.insert(literal.syntax().clone()) {
            return false;
        }
        if lint_allowed(literal.syntax(), "overflowing_literals") {
            return false;
        }
        let fits = |bits: u32| -> bool {
            let limit = if negated { -ty.min(bits) } else { ty.max(bits) };
            i128::try_from(value).is_ok_and(|v| v <= limit)
        };
        // The span rustc reports: the literal with its minus sign.
        let node = match literal.syntax().parent().and_then(ast::PrefixExpr::cast) {
            Some(prefix) if negated => prefix.syntax().clone(),
            _ => literal.syntax().clone(),
        };
        let (failing, working) = self.split(&node, |bits| Some(!fits(bits)));
        if failing.is_empty() || working.is_empty() {
            return !failing.is_empty();
        }
        let text = node.text().to_string();
        let narrowest = self.narrowest(&failing);
        self.out.push(LocalFinding {
            class: Class::PointerWidth,
            cause: Cause::Target,
            severity: Severity::Error,
            range: range(node.text_range()),
            message: format!(
                "`{text}` does not fit `{}` on {} ({narrowest}-bit: {}..={}); rustc rejects the literal there (overflowing_literals){}",
                ty.name(),
                failing.join(", "),
                ty.min(narrowest),
                ty.max(narrowest),
                works_on(&working)
            ),
            help: format!(
                "use `u64`/`i64` for values past the {narrowest}-bit range, or gate the code with \
                 #[cfg(target_pointer_width = \"64\")]"
            ),
            failing,
            working,
        });
        true
    }

    fn evaluate(&mut self, expr: &ast::Expr, ty: IntTy, context: Context) {
        let mut outcomes: BTreeMap<u32, (Outcome, Option<SyntaxNode>)> = BTreeMap::new();
        for bits in self.widths.iter().flatten() {
            let mut wrapped = None;
            let outcome = eval(expr, ty, *bits, &mut wrapped);
            outcomes.insert(*bits, (outcome, wrapped));
        }
        if outcomes.values().any(|(o, _)| *o == Outcome::Unknown) {
            return;
        }
        // An overflow on some widths only.
        let overflow_at = outcomes.values().find_map(|(o, _)| match o {
            Outcome::Overflow(node) => Some(node.clone()),
            _ => None,
        });
        if let Some(node) = overflow_at {
            let (failing, working) = self.split(&node, |bits| {
                Some(matches!(outcomes.get(&bits)?.0, Outcome::Overflow(_)))
            });
            if failing.is_empty() || working.is_empty() {
                return;
            }
            let narrowest = self.narrowest(&failing);
            let (severity, consequence) = match context {
                Context::Item => (
                    Severity::Error,
                    "evaluating the constant fails there (E0080)",
                ),
                Context::Associated => (
                    Severity::Error,
                    "rustc rejects it there (arithmetic_overflow)",
                ),
                Context::Runtime => (Severity::Warning, "it panics there in debug builds"),
            };
            let text = node.text().to_string();
            self.out.push(LocalFinding {
                class: Class::PointerWidth,
                cause: Cause::Target,
                severity,
                range: range(node.text_range()),
                message: format!(
                    "`{text}` overflows `{}` on {} ({narrowest}-bit); {consequence}{}",
                    ty.name(),
                    failing.join(", "),
                    works_on(&working)
                ),
                help:
                    "compute it in `u64` and convert with `usize::try_from`, or gate the code with \
                       #[cfg(target_pointer_width = \"64\")]"
                        .to_string(),
                failing,
                working,
            });
            return;
        }
        // Values that differ by width because a shift dropped bits.
        let widest = outcomes.values().next_back().map(|(o, _)| o.clone());
        let wrapped_at = outcomes.values().find_map(|(_, w)| w.clone());
        let (Some(Outcome::Value(wide_value)), Some(node)) = (widest, wrapped_at) else {
            return;
        };
        let (failing, working) = self.split(&node, |bits| {
            let (outcome, wrapped) = outcomes.get(&bits)?;
            Some(wrapped.is_some() && *outcome != Outcome::Value(wide_value))
        });
        if failing.is_empty() || working.is_empty() {
            return;
        }
        let narrowest = self.narrowest(&failing);
        let narrow_value = match outcomes.get(&narrowest) {
            Some((Outcome::Value(v), _)) => *v,
            _ => return,
        };
        let text = node.text().to_string();
        self.out.push(LocalFinding {
            class: Class::PointerWidth,
            cause: Cause::Target,
            severity: Severity::Warning,
            range: range(node.text_range()),
            message: format!(
                "`{text}` is {narrow_value} as a {narrowest}-bit `{}` on {} ({wide_value} on {}): the shift drops bits silently, rustc accepts it",
                ty.name(),
                failing.join(", "),
                working.join(", ")
            ),
            help: "compute it in `u64`, or check it with `checked_shl`/`usize::try_from`".to_string(),
            failing,
            working,
        });
    }

    /// Failing/working by width, for targets where `node` is compiled.
    fn split(
        &mut self,
        node: &SyntaxNode,
        fails_at: impl Fn(u32) -> Option<bool>,
    ) -> (Vec<String>, Vec<String>) {
        let on: Vec<bool> = self
            .targets
            .iter()
            .map(|target| self.gates.is_on(node, target))
            .collect();
        let mut index = 0;
        split_targets(self.targets, |_| {
            let verdict = match (on[index], self.widths[index]) {
                (true, Some(bits)) => fails_at(bits),
                _ => None,
            };
            index += 1;
            verdict
        })
    }

    fn narrowest(&self, failing: &[String]) -> u32 {
        self.targets
            .iter()
            .zip(&self.widths)
            .filter(|(t, _)| failing.contains(&t.triple))
            .filter_map(|(_, w)| *w)
            .min()
            .unwrap_or(32)
    }
}

/// The unsuffixed (or `ty`-suffixed) literals that take the type of a typed expression,
/// with whether a minus sign applies directly to them.
fn typed_literals(expr: &ast::Expr, ty: IntTy, negated: bool, out: &mut Vec<(ast::Literal, bool)>) {
    match expr {
        ast::Expr::Literal(literal) => {
            if let ast::LiteralKind::IntNumber(number) = literal.kind() {
                let own = number.suffix().map(IntTy::from_name);
                if own.is_none() || own == Some(Some(ty)) {
                    out.push((literal.clone(), negated));
                }
            }
        }
        ast::Expr::ParenExpr(inner) => {
            if let Some(inner) = inner.expr() {
                typed_literals(&inner, ty, false, out);
            }
        }
        ast::Expr::PrefixExpr(prefix) if prefix.op_kind() == Some(UnaryOp::Neg) => {
            if let Some(inner) = prefix.expr() {
                typed_literals(&inner, ty, true, out);
            }
        }
        ast::Expr::BinExpr(bin) => {
            let Some(BinaryOp::ArithOp(op)) = bin.op_kind() else {
                return;
            };
            if let Some(lhs) = bin.lhs() {
                typed_literals(&lhs, ty, false, out);
            }
            if !matches!(op, ArithOp::Shl | ArithOp::Shr) {
                if let Some(rhs) = bin.rhs() {
                    typed_literals(&rhs, ty, false, out);
                }
            }
        }
        _ => {}
    }
}

/// Evaluates a typed constant expression at one pointer width, as rustc's const evaluator
/// would: `+ - * / %` and shift amounts past the width overflow, `<<` keeps the low bits
/// (`wrapped` remembers the first shift that dropped any).
fn eval(expr: &ast::Expr, ty: IntTy, bits: u32, wrapped: &mut Option<SyntaxNode>) -> Outcome {
    let in_range = |v: i128| v >= ty.min(bits) && v <= ty.max(bits);
    match expr {
        ast::Expr::Literal(literal) => match literal.kind() {
            ast::LiteralKind::IntNumber(number) => match number.value() {
                Ok(v) => match i128::try_from(v) {
                    Ok(v) if in_range(v) || ty == IntTy::Isize => Outcome::Value(v),
                    _ => Outcome::Unknown,
                },
                Err(_) => Outcome::Unknown,
            },
            _ => Outcome::Unknown,
        },
        ast::Expr::ParenExpr(inner) => match inner.expr() {
            Some(inner) => eval(&inner, ty, bits, wrapped),
            None => Outcome::Unknown,
        },
        ast::Expr::PrefixExpr(prefix) if prefix.op_kind() == Some(UnaryOp::Neg) => {
            if ty == IntTy::Usize {
                return Outcome::Unknown; // an error on every target
            }
            match prefix.expr().map(|e| eval(&e, ty, bits, wrapped)) {
                Some(Outcome::Value(v)) if in_range(-v) => Outcome::Value(-v),
                Some(Outcome::Value(_)) => Outcome::Overflow(prefix.syntax().clone()),
                Some(other) => other,
                None => Outcome::Unknown,
            }
        }
        ast::Expr::BinExpr(bin) => eval_binary(bin, ty, bits, wrapped),
        _ => Outcome::Unknown,
    }
}

fn eval_binary(
    bin: &ast::BinExpr,
    ty: IntTy,
    bits: u32,
    wrapped: &mut Option<SyntaxNode>,
) -> Outcome {
    let Some(BinaryOp::ArithOp(op)) = bin.op_kind() else {
        return Outcome::Unknown;
    };
    let (Some(lhs), Some(rhs)) = (bin.lhs(), bin.rhs()) else {
        return Outcome::Unknown;
    };
    let left = match eval(&lhs, ty, bits, wrapped) {
        Outcome::Value(v) => v,
        other => return other,
    };
    let right = if matches!(op, ArithOp::Shl | ArithOp::Shr) {
        // The shift amount has its own type; only its value matters.
        match shift_amount(&rhs) {
            Some(v) => v,
            None => return Outcome::Unknown,
        }
    } else {
        match eval(&rhs, ty, bits, wrapped) {
            Outcome::Value(v) => v,
            other => return other,
        }
    };
    let overflow = || Outcome::Overflow(bin.syntax().clone());
    let checked = |v: Option<i128>| match v {
        Some(v) if v >= ty.min(bits) && v <= ty.max(bits) => Outcome::Value(v),
        Some(_) => overflow(),
        None => Outcome::Unknown,
    };
    match op {
        ArithOp::Add => checked(left.checked_add(right)),
        ArithOp::Sub => checked(left.checked_sub(right)),
        ArithOp::Mul => checked(left.checked_mul(right)),
        ArithOp::Div if right == 0 => Outcome::Unknown,
        ArithOp::Div => checked(left.checked_div(right)),
        ArithOp::Rem if right == 0 => Outcome::Unknown,
        ArithOp::Rem => checked(left.checked_rem(right)),
        ArithOp::BitAnd => Outcome::Value(left & right),
        ArithOp::BitOr => Outcome::Value(left | right),
        ArithOp::BitXor => Outcome::Value(left ^ right),
        ArithOp::Shl | ArithOp::Shr if right < 0 || right >= i128::from(bits) => overflow(),
        ArithOp::Shl => {
            let mask = (1u128 << bits) - 1;
            let low = ((left as u128) << right) & mask;
            let value = match ty {
                IntTy::Usize => low as i128,
                // Sign-extend the low `bits` bits.
                IntTy::Isize => ((low << (128 - bits)) as i128) >> (128 - bits),
            };
            let exact = left.checked_mul(1i128 << right);
            if exact != Some(value) && wrapped.is_none() {
                *wrapped = Some(bin.syntax().clone());
            }
            Outcome::Value(value)
        }
        ArithOp::Shr => Outcome::Value(left >> right),
    }
}

/// Whether an `allow`/`warn`/`expect` (or a `cfg_attr` that may hold one) on the node, an
/// enclosing item or the crate names `lint`: then rustc may not reject the code.
fn lint_allowed(node: &SyntaxNode, lint: &str) -> bool {
    node.ancestors().any(|ancestor| {
        ast::AnyHasAttrs::cast(ancestor).is_some_and(|owner| {
            ast::HasAttrs::attrs(&owner).any(|attr| {
                let text = attr.syntax().text().to_string();
                let level = attr
                    .meta()
                    .and_then(|meta| meta.path())
                    .map(|path| path.syntax().text().to_string())
                    .unwrap_or_default();
                text.contains(lint)
                    && matches!(level.as_str(), "allow" | "warn" | "expect" | "cfg_attr")
            })
        })
    })
}

fn shift_amount(expr: &ast::Expr) -> Option<i128> {
    match expr {
        ast::Expr::Literal(literal) => match literal.kind() {
            ast::LiteralKind::IntNumber(number) => i128::try_from(number.value().ok()?).ok(),
            _ => None,
        },
        ast::Expr::ParenExpr(inner) => shift_amount(&inner.expr()?),
        _ => None,
    }
}

fn range(range: TextRange) -> Range<usize> {
    usize::from(range.start())..usize::from(range.end())
}
