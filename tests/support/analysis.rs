//! Synthetic facts for driving the pure analysis directly (no cargo, no rustc): a no_std
//! bare-metal target, a wasm32 target with std, and an API table that knows one trap.
#![allow(dead_code)]

use std::path::Path;
use triplet::analysis::cfg::CfgSet;
use triplet::analysis::context::{
    ApiKnowledge, ApiVerdict, Behaviour, CrateFile, CrateInput, TargetView,
};
use triplet::analysis::finding::Finding;
use triplet::analysis::syntax::{FileSyntax, Gate};

pub fn thumbv7em() -> TargetView {
    TargetView {
        triple: "thumbv7em-none-eabihf".into(),
        cfg: CfgSet::from_rustc_print_cfg(
            "panic=\"abort\"\ntarget_arch=\"arm\"\ntarget_os=\"none\"\ntarget_pointer_width=\"32\"\ntarget_has_atomic=\"32\"",
        ),
        has_std: false,
    }
}

pub fn wasm32() -> TargetView {
    TargetView {
        triple: "wasm32-unknown-unknown".into(),
        cfg: CfgSet::from_rustc_print_cfg(
            "panic=\"abort\"\ntarget_arch=\"wasm32\"\ntarget_family=\"wasm\"\ntarget_os=\"unknown\"\ntarget_pointer_width=\"32\"",
        ),
        has_std: true,
    }
}

pub fn targets() -> Vec<TargetView> {
    vec![thumbv7em(), wasm32()]
}

/// Knows that `std::time::Instant::now` and `std::thread::spawn` panic on wasm32.
pub struct FakeApis;

impl ApiKnowledge for FakeApis {
    fn verdict(&self, api: &str, target: &str) -> Option<ApiVerdict> {
        let traps = ["std::time::Instant::now", "std::thread::spawn"];
        if !traps.contains(&api) {
            return None;
        }
        let fails = target.starts_with("wasm32");
        Some(ApiVerdict {
            behaviour: if fails {
                Behaviour::Panic
            } else {
                Behaviour::Ok
            },
            message: "not supported".into(),
            source: "library/std/src/sys/pal/unsupported/time.rs".into(),
            alternative: None,
        })
    }
}

/// Parses `text` as a one-file crate and analyses it for `targets`.
pub fn analyze_text(text: &str, targets: &[TargetView]) -> Vec<Finding> {
    let syntax = FileSyntax::parse(text);
    let gate = Gate::default();
    let input = CrateInput {
        package: "fuzzed",
        files: vec![CrateFile {
            path: Path::new("/fuzz/src/lib.rs"),
            text,
            syntax: &syntax,
            module_gate: &gate,
        }],
        targets,
        apis: &FakeApis,
    };
    triplet::analysis::analyze_crate(&input)
}

/// Every finding range and fix edit of `findings` lies inside `text` on char boundaries.
pub fn assert_within(text: &str, findings: &[Finding]) {
    let inside = |range: &std::ops::Range<usize>| {
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end)
    };
    for finding in findings {
        assert!(inside(&finding.range), "finding out of text: {finding:?}");
        for fix in &finding.fixes {
            for edit in &fix.edits {
                assert!(inside(&edit.range), "fix edit out of text: {edit:?}");
            }
        }
    }
}

/// Applies one fix's edits (to the single file `text`), from the end backwards.
pub fn apply(text: &str, fix: &triplet::analysis::finding::Fix) -> String {
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(edit.range.clone(), &edit.new_text);
    }
    out
}

/// Runs `work` on a thread with `stack` bytes of stack: a stack overflow aborts the test
/// process, which fails the test run loudly.
pub fn on_stack<T: Send + 'static>(stack: usize, work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(work)
        .unwrap()
        .join()
        .unwrap()
}
