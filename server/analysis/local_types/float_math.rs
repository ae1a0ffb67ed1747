//! Float maths in no_std: `f32::sqrt`, `powf`, `sin`… are defined by std's `impl f32`,
//! not core's (derived in `SysrootFacts`). Silent when a trait could provide the method.

use super::gate::GateCache;
use super::receiver::{Inference, LocalTy};
use super::scope::{
    defined_locally, foreign_trait_may_be_in_scope, segments_of, trait_in_scope_declares,
};
use super::sysroot_facts::{FloatTy, SysrootFacts};
use super::{split_targets, works_on, Cause, Class, LocalFinding, Nodes};
use crate::analysis::context::TargetView;
use crate::analysis::finding::Severity;
use ra_ap_syntax::{ast, AstNode, SyntaxNode};
use std::ops::Range;

pub fn check(
    nodes: &Nodes,
    targets: &[&TargetView],
    no_std: &dyn Fn(&TargetView) -> bool,
    facts: &SysrootFacts,
    gates: &mut GateCache,
    out: &mut Vec<LocalFinding>,
) {
    let inference = Inference { facts };
    // `extern crate std;` links std even into a no_std crate, and with it std's methods.
    let extern_std: Vec<SyntaxNode> = (nodes.iter().cloned())
        .filter_map(ast::ExternCrate::cast)
        .filter(|item| item.name_ref().is_some_and(|n| n.text() == "std"))
        .map(|item| item.syntax().clone())
        .collect();

    for node in nodes.iter() {
        let site = if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
            // Inference only for a method std alone defines (cheap check first).
            let std_only = call.name_ref().is_some_and(|name| {
                facts
                    .std_only_float_methods
                    .values()
                    .any(|methods| methods.contains(name.text()))
            });
            if !std_only {
                continue;
            }
            method_site(&call, &inference)
        } else if let Some(call) = ast::CallExpr::cast(node.clone()) {
            path_site(&call)
        } else {
            None
        };
        let Some((ty, method, range)) = site else {
            continue;
        };
        if !facts.is_std_only_float_method(ty, &method)
            || trait_in_scope_declares(node, &method)
            || foreign_trait_may_be_in_scope(node)
        {
            continue;
        }
        let (failing, working) = split_targets(targets, |target| {
            if !gates.is_on(node, target) {
                return None;
            }
            let std_linked =
                !no_std(target) || extern_std.iter().any(|item| gates.is_on(item, target));
            Some(!std_linked)
        });
        if failing.is_empty() {
            continue;
        }
        let ty_name = ty.name();
        out.push(LocalFinding {
            class: Class::FloatMath,
            cause: Cause::NoStd,
            severity: Severity::Error,
            range,
            message: format!(
                "`{ty_name}::{method}` is defined by std, not core: it does not exist where the crate is no_std ({}){}",
                failing.join(", "),
                works_on(&working)
            ),
            help: format!(
                "use the `libm` crate's function for `{method}` (f32 names end in `f`, like `libm::sqrtf`), \
                 or `num-traits` with default-features = false and its `libm` feature, then `use num_traits::Float;`"
            ),
            failing,
            working,
        });
    }
}

/// `x.sqrt()` with `x` of a known float type.
fn method_site(
    call: &ast::MethodCallExpr,
    inference: &Inference<'_>,
) -> Option<(FloatTy, String, Range<usize>)> {
    let name = call.name_ref()?;
    let LocalTy::Float(ty) = inference.type_of(&call.receiver()?)? else {
        return None;
    };
    let range = name.syntax().text_range();
    Some((
        ty,
        name.text().to_string(),
        usize::from(range.start())..usize::from(range.end()),
    ))
}

/// `f32::sqrt(x)`.
fn path_site(call: &ast::CallExpr) -> Option<(FloatTy, String, Range<usize>)> {
    let ast::Expr::PathExpr(callee) = call.expr()? else {
        return None;
    };
    let path = callee.path()?;
    // `f32::…` only: look at the qualifier's text before allocating anything.
    let qualifier = path.qualifier()?;
    let first = qualifier.segment()?.name_ref()?;
    if qualifier.qualifier().is_some() || FloatTy::from_name(first.text()).is_none() {
        return None;
    }
    let segments = segments_of(&path)?;
    let [ty, method] = segments.as_slice() else {
        return None;
    };
    let ty = FloatTy::from_name(ty)?;
    if defined_locally(ty.name(), callee.syntax()) {
        return None;
    }
    let range = path.segment()?.syntax().text_range();
    Some((
        ty,
        method.clone(),
        usize::from(range.start())..usize::from(range.end()),
    ))
}
