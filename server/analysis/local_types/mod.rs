//! Compile errors that depend on the target and need a value's type: atomics a target
//! lacks, float maths that only std has, integer constants that do not fit a narrow
//! `usize`. A small local type inference (`receiver`) answers "what type is this
//! receiver" where the file says so plainly; anything else is unknown and never reported.
//!
//! Pure: one file's text, the crate's targets and the derived `SysrootFacts` in, findings
//! out. Code that a `#[cfg]` switches off for a target is never reported for it.

mod atomics;
mod float_math;
mod gate;
mod pointer_width;
mod receiver;
mod scope;
pub mod sysroot_facts;

use crate::analysis::context::TargetView;
use crate::analysis::finding::Severity;
use crate::analysis::syntax::Gate;
use ra_ap_syntax::{AstNode, Edition, SourceFile, SyntaxKind, SyntaxNode};
use std::ops::Range;
use sysroot_facts::SysrootFacts;

/// Which of the classes a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// An atomic type or read-modify-write method the target lacks.
    Atomics,
    /// A float method std defines and core does not, in a crate that is no_std there.
    FloatMath,
    /// An integer constant that does not fit (or silently wraps in) a narrow `usize`/`isize`.
    PointerWidth,
}

/// Why the code fails where it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// The crate is `no_std` on the failing targets (std's part of the API is missing).
    NoStd,
    /// The failing targets themselves lack it (atomics, pointer width).
    Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFinding {
    pub class: Class,
    pub cause: Cause,
    pub severity: Severity,
    /// Byte range of the use: the method name, the import leaf, the literal.
    pub range: Range<usize>,
    pub message: String,
    /// Targets where the code is compiled and fails.
    pub failing: Vec<String>,
    /// Targets where the code is compiled and works.
    pub working: Vec<String>,
    /// What to do instead (crates to use, a cfg to add); no exact edit exists for these.
    pub help: String,
}

/// The crate-level facts one file is checked with.
pub struct LocalInput<'a> {
    pub targets: &'a [TargetView],
    /// Whether the crate is `no_std` on a target (std is not linked at all there).
    pub no_std: &'a dyn Fn(&TargetView) -> bool,
    /// `#[cfg]`s on the `mod` declarations leading to this file.
    pub module_gate: &'a Gate,
    /// Without rust-src only the pointer-width check runs.
    pub facts: Option<&'a SysrootFacts>,
}

/// All three checks over one file.
pub fn check_file(text: &str, input: &LocalInput<'_>) -> Vec<LocalFinding> {
    let file = SourceFile::parse(text, Edition::Edition2021).tree();
    check_tree(&file, input)
}

/// `check_file` for an already parsed file.
pub fn check_tree(file: &SourceFile, input: &LocalInput<'_>) -> Vec<LocalFinding> {
    let targets: Vec<&TargetView> = input
        .targets
        .iter()
        .filter(|target| input.module_gate.is_on(&target.cfg))
        .collect();
    let mut findings = Vec::new();
    if targets.is_empty() {
        return findings;
    }
    let mut gates = gate::GateCache::default();
    let nodes = Nodes::of(file);
    if let Some(facts) = input.facts {
        atomics::check(&nodes, &targets, facts, &mut gates, &mut findings);
        float_math::check(
            &nodes,
            &targets,
            input.no_std,
            facts,
            &mut gates,
            &mut findings,
        );
    }
    pointer_width::check(&nodes, &targets, &mut gates, &mut findings);
    findings.sort_by_key(|f| (f.range.start, f.class));
    findings
}

/// The nodes any of the checks looks at, in source order: one walk of the tree for all
/// three (a walk costs more than the checks on what it finds).
pub(crate) struct Nodes(Vec<SyntaxNode>);

impl Nodes {
    fn of(file: &SourceFile) -> Nodes {
        use SyntaxKind as K;
        let wanted = |kind: SyntaxKind| {
            matches!(
                kind,
                K::EXTERN_CRATE
                    | K::USE
                    | K::PATH
                    | K::METHOD_CALL_EXPR
                    | K::CALL_EXPR
                    | K::LITERAL
                    | K::CONST
                    | K::STATIC
                    | K::LET_STMT
                    | K::CAST_EXPR
            )
        };
        Nodes(
            file.syntax()
                .descendants()
                .filter(|n| wanted(n.kind()))
                .collect(),
        )
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &SyntaxNode> {
        self.0.iter()
    }
}

/// Splits targets into (failing, working) by a per-target verdict; `None` (unknown, or
/// the code is off there) puts a target in neither list.
fn split_targets(
    targets: &[&TargetView],
    mut verdict: impl FnMut(&TargetView) -> Option<bool>,
) -> (Vec<String>, Vec<String>) {
    let mut failing = Vec::new();
    let mut working = Vec::new();
    for target in targets {
        match verdict(target) {
            Some(true) => failing.push(target.triple.clone()),
            Some(false) => working.push(target.triple.clone()),
            None => {}
        }
    }
    (failing, working)
}

/// " (works on a, b)" or "" when no target works.
fn works_on(working: &[String]) -> String {
    if working.is_empty() {
        String::new()
    } else {
        format!("; works on {}", working.join(", "))
    }
}

#[cfg(test)]
mod tests;
