//! Atomics by target: an atomic type the target does not have at all (reported where it
//! is named: the import, or a qualified path), and read-modify-write methods on targets
//! with atomic loads and stores only. Gates come from core's source (`SysrootFacts`).

use super::gate::{all_known, GateCache};
use super::receiver::{AtomicRef, Inference, LocalTy};
use super::scope::{resolve_std, segments_of, trait_in_scope_declares, use_leaves};
use super::sysroot_facts::{AtomicTypeFacts, SysrootFacts};
use super::{split_targets, works_on, Cause, Class, LocalFinding, Nodes};
use crate::analysis::cfg::{CfgAtom, CfgExpr, CfgSet};
use crate::analysis::context::TargetView;
use crate::analysis::finding::Severity;
use ra_ap_syntax::{ast, AstNode, SyntaxKind, SyntaxNode, TextRange};
use std::collections::HashSet;
use std::ops::Range;

pub fn check(
    nodes: &Nodes,
    targets: &[&TargetView],
    facts: &SysrootFacts,
    gates: &mut GateCache,
    out: &mut Vec<LocalFinding>,
) {
    let cfgs: Vec<CfgSet> = targets.iter().map(|t| atomic_cfg(t, facts)).collect();
    let inference = Inference { facts };
    let gated_methods: HashSet<&str> = facts
        .atomic_types
        .iter()
        .flat_map(|ty| ty.methods.iter())
        .filter(|(_, gate)| !gate.is_empty())
        .map(|(name, _)| name.as_str())
        .collect();
    let mut checker = Checker {
        targets,
        cfgs: &cfgs,
        facts,
        gates,
        out,
    };
    for node in nodes.iter().cloned() {
        if let Some(item) = ast::Use::cast(node.clone()) {
            checker.imports(&item);
        } else if let Some(path) = ast::Path::cast(node.clone()) {
            checker.qualified_path(&path, &inference);
        } else if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
            let (Some(receiver), Some(method)) = (call.receiver(), call.name_ref()) else {
                continue;
            };
            // Inference only for a method some atomic type gates (cheap check first).
            if !gated_methods.contains(method.text()) {
                continue;
            }
            if let Some(LocalTy::Atomic(atomic)) = inference.type_of(&receiver) {
                checker.method(
                    &atomic,
                    method.text().as_ref(),
                    call.syntax(),
                    range(method.syntax().text_range()),
                );
            }
        } else if let Some(call) = ast::CallExpr::cast(node) {
            // `AtomicU32::fetch_add(&a, 1, order)`
            let Some(ast::Expr::PathExpr(callee)) = call.expr() else {
                continue;
            };
            let Some(path) = callee.path() else { continue };
            let names_atomic = path
                .qualifier()
                .is_some_and(|qualifier| names_an_atomic_type(&qualifier, facts));
            if !names_atomic {
                continue;
            }
            let (Some(segments), Some(method)) = (segments_of(&path), path.segment()) else {
                continue;
            };
            let Some((name, prefix)) = segments.split_last() else {
                continue;
            };
            if prefix.is_empty() {
                continue;
            }
            if let Some(atomic) = inference.atomic_path(prefix, callee.syntax()) {
                checker.method(
                    &atomic,
                    name,
                    call.syntax(),
                    range(method.syntax().text_range()),
                );
            }
        }
    }
}

/// The target's cfg set with the unstable atomic atoms rustc printed for it, if any.
fn atomic_cfg(target: &TargetView, facts: &SysrootFacts) -> CfgSet {
    let mut cfg = target.cfg.clone();
    if let Some(extra) = facts.unstable_atomic_cfg.get(&target.triple) {
        for atom in extra.atoms() {
            cfg.insert(atom.clone());
        }
    }
    cfg
}

struct Checker<'a, 'o> {
    targets: &'a [&'a TargetView],
    cfgs: &'a [CfgSet],
    facts: &'a SysrootFacts,
    gates: &'a mut GateCache,
    out: &'o mut Vec<LocalFinding>,
}

impl Checker<'_, '_> {
    /// Per target: is the code at `node` (and the import it goes through) compiled there,
    /// and then what `verdict` says with that target's atomic cfg.
    fn split(
        &mut self,
        node: &SyntaxNode,
        via: Option<&SyntaxNode>,
        verdict: impl Fn(&CfgSet) -> Option<bool>,
    ) -> (Vec<String>, Vec<String>) {
        let mut on = Vec::new();
        for target in self.targets {
            let code_on = self.gates.is_on(node, target)
                && via.is_none_or(|item| self.gates.is_on(item, target));
            on.push(code_on);
        }
        let mut index = 0;
        split_targets(self.targets, |_| {
            let result = if on[index] {
                verdict(&self.cfgs[index]).map(|works| !works)
            } else {
                None
            };
            index += 1;
            result
        })
    }

    /// `use core::sync::atomic::{AtomicU64, …}`: a type the target lacks fails here.
    fn imports(&mut self, item: &ast::Use) {
        for leaf in use_leaves(item) {
            // Only a leaf naming an atomic type can be one (resolving costs a scope walk).
            let names_atomic = leaf
                .path
                .last()
                .is_some_and(|name| self.facts.atomic_type(name).is_some());
            if leaf.glob || !names_atomic {
                continue;
            }
            let Some(resolved) = resolve_std(&leaf.path, &leaf.item) else {
                continue;
            };
            let facts = self.facts;
            let Some(ty) = atomic_facts(facts, &resolved.canonical) else {
                continue;
            };
            let path = resolved.canonical.join("::");
            self.missing_type(ty, &path, item.syntax(), None, leaf.range.clone());
        }
    }

    /// `core::sync::atomic::AtomicU64::new(0)` or `atomic::AtomicU64` through a module
    /// import or a glob: rustc reports the type's segment.
    fn qualified_path(&mut self, path: &ast::Path, inference: &Inference<'_>) {
        // Most paths name no atomic type: rule them out before anything allocates.
        if !names_an_atomic_type(path, self.facts) {
            return;
        }
        let outermost = path
            .syntax()
            .parent()
            .is_none_or(|p| p.kind() != SyntaxKind::PATH);
        let in_use_or_attr = path
            .syntax()
            .ancestors()
            .any(|a| matches!(a.kind(), SyntaxKind::USE | SyntaxKind::ATTR));
        if !outermost || in_use_or_attr {
            return;
        }
        let Some(segments) = segments_of(path) else {
            return;
        };
        let ranges = segment_ranges(path);
        for (index, name) in segments.iter().enumerate() {
            if self.facts.atomic_type(name).is_none() {
                continue;
            }
            let Some(atomic) = inference.atomic_path(&segments[..=index], path.syntax()) else {
                return;
            };
            // A named import of the type itself is reported at the import.
            let through_named_import = atomic
                .via
                .as_ref()
                .is_some_and(|leaf| !leaf.glob && leaf.binds.as_deref() == Some(name.as_str()));
            let facts = self.facts;
            let (Some(ty), Some(range)) = (facts.atomic_type(name), ranges.get(index)) else {
                return;
            };
            if !through_named_import {
                let via = atomic.via.as_ref().map(|leaf| leaf.item.clone());
                let shown = format!("core::sync::atomic::{name}");
                self.missing_type(ty, &shown, path.syntax(), via.as_ref(), range.clone());
            }
            return;
        }
    }

    fn missing_type(
        &mut self,
        ty: &AtomicTypeFacts,
        path: &str,
        node: &SyntaxNode,
        via: Option<&SyntaxNode>,
        range: Range<usize>,
    ) {
        let exists = ty.exists.clone();
        let (failing, working) = self.split(node, via, |cfg| all_known(&exists, cfg));
        if failing.is_empty() {
            return;
        }
        let name = &ty.name;
        self.out.push(LocalFinding {
            class: Class::Atomics,
            cause: Cause::Target,
            severity: Severity::Error,
            range,
            message: format!(
                "`{path}` does not exist on {}: the target has no atomics of this width ({} is false there){}",
                failing.join(", "),
                show_all(&ty.exists),
                works_on(&working)
            ),
            help: format!(
                "use `portable_atomic::{name}` (every target; its `critical-section` feature on chips without atomics), \
                 or gate the code with #[cfg({})]",
                cas_gate_hint(ty)
            ),
            failing,
            working,
        });
    }

    /// A method call on an atomic: fails where the method's gate (core's `$cfg_cas`) is
    /// false while the type exists.
    fn method(&mut self, atomic: &AtomicRef, method: &str, node: &SyntaxNode, range: Range<usize>) {
        let Some(ty) = self.facts.atomic_type(&atomic.name) else {
            return;
        };
        let Some(gate) = ty.methods.get(method) else {
            return; // not a method core defines for the type (a trait's, a typo): unknown
        };
        // An extension trait in scope (one declared here, say) may provide the method.
        if gate.is_empty() || trait_in_scope_declares(node, method) {
            return;
        }
        let exists = ty.exists.clone();
        let gate = gate.clone();
        let via = atomic.via.as_ref().map(|leaf| leaf.item.clone());
        let (failing, working) = self.split(node, via.as_ref(), |cfg| {
            // Where the type itself is missing, its import or path is the error.
            match all_known(&exists, cfg)? {
                true => all_known(&gate, cfg),
                false => None,
            }
        });
        if failing.is_empty() {
            return;
        }
        let name = &atomic.name;
        self.out.push(LocalFinding {
            class: Class::Atomics,
            cause: Cause::Target,
            severity: Severity::Error,
            range,
            message: format!(
                "`{name}::{method}` does not exist on {}: the target has atomic loads and stores only, no read-modify-write ({} is false there){}",
                failing.join(", "),
                show_all(&gate),
                works_on(&working)
            ),
            help: format!(
                "use `portable_atomic::{name}` (same API; enable its `critical-section` feature on single-core chips), \
                 a `critical_section::Mutex` around a plain value, or gate the code with #[cfg({})]",
                show_all(&gate)
            ),
            failing,
            working,
        });
    }
}

/// The facts of a canonical `core::sync::atomic::X` path.
fn atomic_facts<'f>(facts: &'f SysrootFacts, canonical: &[String]) -> Option<&'f AtomicTypeFacts> {
    match canonical {
        [krate, sync, atomic, name]
            if matches!(krate.as_str(), "std" | "core") && sync == "sync" && atomic == "atomic" =>
        {
            facts.atomic_type(name)
        }
        _ => None,
    }
}

/// `target_has_atomic = "64"` for a type whose existence gate names width 64.
fn cas_gate_hint(ty: &AtomicTypeFacts) -> String {
    let width = ty.exists.iter().find_map(|expr| match expr {
        CfgExpr::Atom(CfgAtom::KeyValue(_, width)) => Some(width.clone()),
        _ => None,
    });
    match width {
        Some(width) => format!("target_has_atomic = \"{width}\""),
        None => show_all(&ty.exists),
    }
}

pub(super) fn show_all(gate: &[CfgExpr]) -> String {
    match gate {
        [single] => show(single),
        many => format!(
            "all({})",
            many.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn show(expr: &CfgExpr) -> String {
    let list = |items: &[CfgExpr]| items.iter().map(show).collect::<Vec<_>>().join(", ");
    match expr {
        CfgExpr::Atom(CfgAtom::Name(name)) => name.clone(),
        CfgExpr::Atom(CfgAtom::KeyValue(key, value)) => format!("{key} = \"{value}\""),
        CfgExpr::All(items) => format!("all({})", list(items)),
        CfgExpr::Any(items) => format!("any({})", list(items)),
        CfgExpr::Not(inner) => format!("not({})", show(inner)),
        CfgExpr::Literal(value) => value.to_string(),
    }
}

/// Whether any segment of `path` is the name of an atomic type (no allocation).
fn names_an_atomic_type(path: &ast::Path, facts: &SysrootFacts) -> bool {
    let mut current = Some(path.clone());
    while let Some(p) = current {
        let named = p
            .segment()
            .and_then(|segment| segment.name_ref())
            .is_some_and(|name| facts.atomic_type(name.text()).is_some());
        if named {
            return true;
        }
        current = p.qualifier();
    }
    false
}

fn segment_ranges(path: &ast::Path) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut current = Some(path.clone());
    while let Some(p) = current {
        if let Some(segment) = p.segment() {
            ranges.push(range(segment.syntax().text_range()));
        }
        current = p.qualifier();
    }
    ranges.reverse();
    ranges
}

fn range(range: TextRange) -> Range<usize> {
    usize::from(range.start())..usize::from(range.end())
}
