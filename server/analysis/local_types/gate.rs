//! `#[cfg]` gates of code, and evaluation of core's atomic gates with unknowns.

use crate::analysis::cfg::{CfgAtom, CfgExpr, CfgSet};
use crate::analysis::context::TargetView;
use ra_ap_syntax::{ast, AstNode, SyntaxKind, SyntaxNode};
use std::collections::HashMap;

/// The cfg predicates of each attribute owner, asked once per node.
#[derive(Default)]
pub struct GateCache {
    own: HashMap<SyntaxNode, Vec<CfgExpr>>,
}

impl GateCache {
    /// Whether the code at `node` is compiled for `target`: every `#[cfg]` on it and on
    /// its enclosing items, statements and expressions (and the file's `#![cfg]`) holds.
    pub fn is_on(&mut self, node: &SyntaxNode, target: &TargetView) -> bool {
        for ancestor in node.ancestors() {
            let Some(owner) = ast::AnyHasAttrs::cast(ancestor) else {
                continue;
            };
            let own = self
                .own
                .entry(owner.syntax().clone())
                .or_insert_with(|| own_cfgs(&owner));
            if !own.iter().all(|expr| expr.eval(&target.cfg)) {
                return false;
            }
        }
        true
    }
}

/// `#[cfg(…)]` on the node itself (`#![cfg(…)]` for the file). An unparsable predicate is
/// a compile error elsewhere; it never switches code off here.
fn own_cfgs(owner: &ast::AnyHasAttrs) -> Vec<CfgExpr> {
    let is_file = owner.syntax().kind() == SyntaxKind::SOURCE_FILE;
    ast::HasAttrs::attrs(owner)
        .filter(|attr| attr.excl_token().is_some() == is_file)
        .filter_map(|attr| {
            if crate::analysis::syntax::extract::is_test_attribute(&attr) {
                return CfgExpr::parse("test").ok();
            }
            let text = attr.meta()?.syntax().text().to_string();
            let inner = text.trim().strip_prefix("cfg")?.trim_start();
            let inner = inner.strip_prefix('(')?.strip_suffix(')')?;
            CfgExpr::parse(inner).ok()
        })
        .collect()
}

/// Evaluates core's gates for a target: `Some` when known, `None` when the target's cfg
/// set does not say (rustc prints `target_has_atomic_load_store` and
/// `target_has_atomic_equal_alignment` only under `RUSTC_BOOTSTRAP=1`).
pub fn eval_known(expr: &CfgExpr, cfg: &CfgSet) -> Option<bool> {
    match expr {
        CfgExpr::Atom(atom) => eval_atom(atom, cfg),
        CfgExpr::Literal(value) => Some(*value),
        CfgExpr::Not(inner) => eval_known(inner, cfg).map(|v| !v),
        CfgExpr::All(items) => {
            let mut all = Some(true);
            for item in items {
                match eval_known(item, cfg) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        CfgExpr::Any(items) => {
            let mut any = Some(false);
            for item in items {
                match eval_known(item, cfg) {
                    Some(true) => return Some(true),
                    None => any = None,
                    Some(false) => {}
                }
            }
            any
        }
    }
}

const UNSTABLE_KEYS: [&str; 2] = [
    "target_has_atomic_load_store",
    "target_has_atomic_equal_alignment",
];

fn eval_atom(atom: &CfgAtom, cfg: &CfgSet) -> Option<bool> {
    let key = match atom {
        CfgAtom::Name(name) | CfgAtom::KeyValue(name, _) => name.as_str(),
    };
    if !UNSTABLE_KEYS.contains(&key) || cfg.contains(atom) {
        return Some(cfg.contains(atom));
    }
    let printed = cfg.atoms().any(|a| match a {
        CfgAtom::Name(name) | CfgAtom::KeyValue(name, _) => name == key,
    });
    if printed {
        return Some(false);
    }
    // A target with atomic read-modify-write of a width has its loads and stores.
    if let CfgAtom::KeyValue(_, width) = atom {
        let has_rmw = CfgAtom::KeyValue("target_has_atomic".into(), width.clone());
        if key == "target_has_atomic_load_store" && cfg.contains(&has_rmw) {
            return Some(true);
        }
    }
    None
}

/// All of a conjunction, with unknowns.
pub fn all_known(gate: &[CfgExpr], cfg: &CfgSet) -> Option<bool> {
    eval_known(&CfgExpr::All(gate.to_vec()), cfg)
}
