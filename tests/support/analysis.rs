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

/// Knows that `std::time::Instant::now` and `std::thread::spawn` panic on wasm32 and that
/// `std::fs::read` returns an `Unsupported` error there.
pub struct FakeApis;

impl ApiKnowledge for FakeApis {
    fn verdict(&self, api: &str, target: &str) -> Option<ApiVerdict> {
        let traps = ["std::time::Instant::now", "std::thread::spawn"];
        let fails = target.starts_with("wasm32");
        if api == "std::fs::read" {
            return Some(ApiVerdict {
                behaviour: if fails {
                    Behaviour::Error
                } else {
                    Behaviour::Ok
                },
                message: "operation not supported on this platform".into(),
                source: "library/std/src/sys/pal/unsupported/fs.rs".into(),
                alternative: None,
            });
        }
        if !traps.contains(&api) {
            return None;
        }
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

// ---------------------------------------------------------------------------------------
// Annotation-based rule checks (rust-analyzer's `check_diagnostics` style): the expected
// findings are written under the line they point at,
//
//     use std::vec::Vec;
//     //  ^^^ T0001 error: use `alloc::vec::Vec`
//
// The carets mark the columns of the finding's range on the line above (the comment
// marker, `//` or `#`, counts as columns; a bare `^^^` line marks column 0 on). After the
// code and severity comes a fragment the message must contain. Annotation lines are
// removed before the text is analysed. Every finding must be annotated and every
// annotation found.
// ---------------------------------------------------------------------------------------

use std::collections::BTreeSet;
use triplet::analysis::context::{DependencyFacts, ManifestInput, ResolvedCrate, TargetOrigin};
use triplet::analysis::finding::Fix;
use triplet::analysis::manifest::TomlSpans;
use triplet::analysis::rules::target_not_installed::InstallFacts;

/// A target view from `rustc --print cfg`-style lines.
pub fn target(triple: &str, cfg: &str, has_std: bool) -> TargetView {
    TargetView {
        triple: triple.into(),
        cfg: CfgSet::from_rustc_print_cfg(cfg),
        has_std,
    }
}

pub fn host() -> TargetView {
    target(
        "x86_64-unknown-linux-gnu",
        "panic=\"unwind\"\ntarget_arch=\"x86_64\"\ntarget_family=\"unix\"\nunix\ntarget_os=\"linux\"\ntarget_env=\"gnu\"\ntarget_pointer_width=\"64\"",
        true,
    )
}

pub fn wasip1() -> TargetView {
    target(
        "wasm32-wasip1",
        "target_arch=\"wasm32\"\ntarget_family=\"wasm\"\ntarget_os=\"wasi\"\ntarget_env=\"p1\"\ntarget_pointer_width=\"32\"",
        true,
    )
}

pub fn android() -> TargetView {
    target(
        "aarch64-linux-android",
        "target_arch=\"aarch64\"\ntarget_family=\"unix\"\nunix\ntarget_os=\"android\"\ntarget_pointer_width=\"64\"",
        true,
    )
}

pub fn ios() -> TargetView {
    target(
        "aarch64-apple-ios",
        "target_arch=\"aarch64\"\ntarget_family=\"unix\"\nunix\ntarget_os=\"ios\"\ntarget_vendor=\"apple\"\ntarget_pointer_width=\"64\"",
        true,
    )
}

/// `view` with the package's enabled features in its cfg set.
pub fn with_features(mut view: TargetView, features: &[&str]) -> TargetView {
    view.cfg = view.cfg.with_features(features.iter().copied());
    view
}

#[derive(Debug, Clone, PartialEq)]
struct Expected {
    range: std::ops::Range<usize>,
    code: String,
    severity: String,
    fragment: String,
}

/// Splits an annotated fixture into the text to analyse and the expected findings.
fn parse_annotated(fixture: &str) -> (String, Vec<Expected>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut last_line_start: Option<usize> = None;
    for line in fixture.split_inclusive('\n') {
        let Some((columns, rest)) = annotation(line) else {
            last_line_start = Some(text.len());
            text.push_str(line);
            continue;
        };
        let start = last_line_start.expect("an annotation needs a line above it");
        let (head, fragment) = rest.split_once(':').unwrap_or((rest, ""));
        let mut words = head.split_whitespace();
        let (Some(code), Some(severity)) = (words.next(), words.next()) else {
            panic!("annotation needs `CODE severity: message`: {line:?}");
        };
        expected.push(Expected {
            range: start + columns.start..start + columns.end,
            code: code.to_string(),
            severity: severity.to_string(),
            fragment: fragment.trim().to_string(),
        });
    }
    (text, expected)
}

/// `Some((caret columns, text after the carets))` when `line` is an annotation.
fn annotation(line: &str) -> Option<(std::ops::Range<usize>, &str)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let marker = ["//", "#"]
        .iter()
        .find(|m| trimmed.starts_with(**m))
        .map_or(0, |m| m.len());
    let after_marker = &trimmed[marker..];
    let spaces = after_marker.len() - after_marker.trim_start_matches(' ').len();
    let carets = &after_marker[spaces..];
    let count = carets.len() - carets.trim_start_matches('^').len();
    if count == 0 || !carets[count..].starts_with(' ') {
        return None;
    }
    let start = indent + marker + spaces;
    Some((start..start + count, carets[count..].trim()))
}

/// Renders `findings` as annotations on `text`, for failure messages.
fn annotate(text: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push('\n');
        }
        let line_end = line_start + line.trim_end_matches('\n').len();
        for finding in findings
            .iter()
            .filter(|f| f.range.start >= line_start && f.range.start <= line_end)
        {
            let column = finding.range.start - line_start;
            let width = finding
                .range
                .end
                .min(line_end)
                .saturating_sub(finding.range.start)
                .max(1);
            out.push_str(&format!(
                "{}{} {} {}: {}   [targets: {}]\n",
                " ".repeat(column),
                "^".repeat(width),
                finding.code.as_str(),
                finding.severity.as_str(),
                finding.message,
                finding.targets.join(", ")
            ));
        }
        line_start += line.len();
    }
    out
}

/// Every finding matches one annotation (same range and code, same severity, message
/// containing the fragment) and every annotation one finding.
fn assert_annotations(text: &str, expected: &[Expected], findings: &[Finding]) {
    let mut unmatched: Vec<&Expected> = expected.iter().collect();
    let mut surprises = Vec::new();
    for finding in findings {
        let found = unmatched.iter().position(|e| {
            e.range == finding.range
                && e.code == finding.code.as_str()
                && e.severity == finding.severity.as_str()
                && finding.message.contains(&e.fragment)
        });
        match found {
            Some(index) => {
                unmatched.remove(index);
            }
            None => surprises.push(finding.clone()),
        }
    }
    assert!(
        unmatched.is_empty() && surprises.is_empty(),
        "findings differ from the annotations.\nmissing: {unmatched:#?}\nunexpected: {surprises:#?}\nwhat the rules found:\n{}",
        annotate(text, findings)
    );
}

/// Analyses an annotated one-file crate for `targets` and checks the annotations.
pub fn check(fixture: &str, targets: &[TargetView]) {
    let (text, expected) = parse_annotated(fixture);
    let findings = analyze_text(&text, targets);
    assert_within(&text, &findings);
    assert_annotations(&text, &expected, &findings);
}

/// The fix an editor's "fix all" would pick for a finding: the preferred one, else the first.
fn chosen_fix(finding: &Finding) -> Option<&Fix> {
    finding
        .fixes
        .iter()
        .find(|fix| fix.preferred)
        .or_else(|| finding.fixes.first())
}

/// Applies fixes one at a time, re-analysing in between (as an editor user would), until
/// no finding offers one; the result must be `after`, and `after` must check clean.
fn fix_until_clean(before: &str, after: &str, analyze: impl Fn(&str) -> Vec<Finding>) {
    let (mut text, _) = parse_annotated(before);
    for _ in 0..20 {
        let findings = analyze(&text);
        let Some(fix) = findings.iter().find_map(chosen_fix) else {
            break;
        };
        text = apply(&text, fix);
    }
    assert_eq!(text, after, "the fixed text differs");
    let left = analyze(&text);
    assert!(
        left.is_empty(),
        "the fixed text does not check clean:\n{}",
        annotate(&text, &left)
    );
}

/// `check_fix` for source rules: the fixes turn `before` into `after`, which checks clean.
pub fn check_fix(before: &str, after: &str, targets: &[TargetView]) {
    fix_until_clean(before, after, |text| analyze_text(text, targets));
}

/// A package manifest plus the facts cargo would resolve for it, for the Cargo.toml rules
/// (T0003–T0005) and the target-selection rules (T0006, T0007, for the triples in
/// `[package.metadata.triplet] targets`).
pub struct Manifest {
    pub targets: Vec<TargetView>,
    /// The package's enabled features (turn optional dependencies on).
    pub features: Vec<String>,
    /// Dependencies (package names) whose default features turn on their `std` feature.
    pub std_by_default: Vec<String>,
    /// Crates pulled in through a direct dependency: (via key, name, version, features).
    pub pulls: Vec<(String, String, String, Vec<String>)>,
    /// `--cfg` rustflags per target.
    pub rustflags: Vec<(String, Vec<String>)>,
    /// Triples rustc knows and has installed (default: the selected targets' triples).
    pub known: Option<Vec<String>>,
    pub installed: Option<Vec<String>>,
    /// Workspace members that depend on the library (default: none).
    pub dependents: Vec<String>,
    /// The library's root file (default: one exporting a symbol, a library the platform
    /// loads itself, which T0003's cases are about).
    pub lib_root: String,
}

impl Manifest {
    pub fn for_targets(targets: Vec<TargetView>) -> Manifest {
        Manifest {
            targets,
            features: Vec::new(),
            std_by_default: Vec::new(),
            pulls: Vec::new(),
            rustflags: Vec::new(),
            known: None,
            installed: None,
            dependents: Vec::new(),
            lib_root: "#[no_mangle]\npub extern \"C\" fn entry() {}\n".to_string(),
        }
    }

    /// Other workspace members build on the library.
    pub fn dependents(mut self, members: &[&str]) -> Manifest {
        self.dependents = members.iter().map(|m| m.to_string()).collect();
        self
    }

    /// The library's root file.
    pub fn lib_root(mut self, text: &str) -> Manifest {
        self.lib_root = text.to_string();
        self
    }

    pub fn features(mut self, features: &[&str]) -> Manifest {
        self.features = features.iter().map(|f| f.to_string()).collect();
        self
    }

    pub fn std_by_default(mut self, names: &[&str]) -> Manifest {
        self.std_by_default = names.iter().map(|n| n.to_string()).collect();
        self
    }

    pub fn pulls(mut self, via: &str, name: &str, version: &str, features: &[&str]) -> Manifest {
        self.pulls.push((
            via.into(),
            name.into(),
            version.into(),
            features.iter().map(|f| f.to_string()).collect(),
        ));
        self
    }

    pub fn rustflags(mut self, triple: &str, cfgs: &[&str]) -> Manifest {
        self.rustflags
            .push((triple.into(), cfgs.iter().map(|c| c.to_string()).collect()));
        self
    }

    pub fn known(mut self, known: &[&str], installed: &[&str]) -> Manifest {
        self.known = Some(known.iter().map(|t| t.to_string()).collect());
        self.installed = Some(installed.iter().map(|t| t.to_string()).collect());
        self
    }

    /// Checks the annotations of an annotated Cargo.toml.
    pub fn check(&self, fixture: &str) {
        let (text, expected) = parse_annotated(fixture);
        let findings = self.analyze(&text);
        assert_within(&text, &findings);
        assert_annotations(&text, &expected, &findings);
    }

    /// The fixes turn `before` into `after`, which checks clean.
    pub fn check_fix(&self, before: &str, after: &str) {
        fix_until_clean(before, after, |text| self.analyze(text));
    }

    pub fn analyze(&self, text: &str) -> Vec<Finding> {
        let path = Path::new("/pkg/Cargo.toml");
        let (has_lib, crate_types, dependencies, resolved) = self.facts(text);
        let mut findings = triplet::analysis::analyze_manifest(&ManifestInput {
            package: "pkg",
            path,
            text,
            has_lib,
            crate_types,
            targets: &self.targets,
            dependencies,
            resolved,
            rustflags: self.rustflags.clone(),
            dependents: Some(self.dependents.clone()),
            lib_root_text: Some(&self.lib_root),
            graph: None,
        });
        let origins: Vec<TargetOrigin> = TomlSpans::parse(text)
            .map(|spans| spans.string_array(&["package", "metadata", "triplet", "targets"]))
            .unwrap_or_default()
            .into_iter()
            .map(|(triple, range)| TargetOrigin {
                triple,
                source: "package.metadata.triplet".into(),
                location: Some((path.to_path_buf(), range)),
            })
            .collect();
        let selected: Vec<String> = self.targets.iter().map(|t| t.triple.clone()).collect();
        let known = self.known.clone().unwrap_or_else(|| selected.clone());
        let installed = self.installed.clone().unwrap_or(selected);
        findings.extend(triplet::analysis::analyze_target_selection(
            "pkg",
            &origins,
            &origins,
            &InstallFacts {
                installed: &installed,
                known: &known,
                build_std: None,
            },
        ));
        findings
    }

    /// What cargo metadata would say about the manifest `text`, from this fake registry.
    fn facts(&self, text: &str) -> (bool, Vec<String>, Vec<DependencyFacts>, Vec<ResolvedCrate>) {
        let doc: toml_edit::DocumentMut = text.parse().expect("the manifest parses");
        let lib = doc.get("lib");
        let crate_types: Vec<String> = lib
            .and_then(|lib| lib.get("crate-type"))
            .and_then(|types| types.as_array())
            .map(|types| {
                types
                    .iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let mut tables: Vec<(Option<String>, &toml_edit::Item)> = Vec::new();
        if let Some(deps) = doc.get("dependencies") {
            tables.push((None, deps));
        }
        if let Some(targets) = doc.get("target").and_then(|t| t.as_table_like()) {
            for (platform, table) in targets.iter() {
                if let Some(deps) = table.get("dependencies") {
                    tables.push((Some(platform.to_string()), deps));
                }
            }
        }
        let mut dependencies: Vec<DependencyFacts> = Vec::new();
        let mut resolved: Vec<ResolvedCrate> = Vec::new();
        for (platform, table) in tables {
            for (key, item) in table.as_table_like().into_iter().flat_map(|t| t.iter()) {
                let field = |name: &str| item.get(name).and_then(|v| v.as_value());
                let version = item
                    .as_str()
                    .or_else(|| field("version").and_then(|v| v.as_str()))
                    .unwrap_or("0")
                    .trim_start_matches(['^', '=', '~'])
                    .to_string();
                let package_name = field("package")
                    .and_then(|p| p.as_str())
                    .unwrap_or(key)
                    .to_string();
                let default_features = field("default-features")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(true);
                let optional = field("optional").and_then(|v| v.as_bool()).unwrap_or(false);
                let enabled = !optional
                    || self
                        .features
                        .iter()
                        .any(|f| f == key || *f == format!("dep:{key}"));
                let default_enables_std = self.std_by_default.contains(&package_name);
                let mut features: BTreeSet<String> = field("features")
                    .and_then(|f| f.as_array())
                    .map(|f| {
                        f.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                if default_features && default_enables_std {
                    features.insert("std".into());
                }
                // Cargo unifies one package's features across its declarations.
                match resolved.iter_mut().find(|r| r.name == package_name) {
                    Some(existing) => {
                        features.extend(existing.features.iter().cloned());
                        existing.features = features.iter().cloned().collect();
                    }
                    None if enabled => resolved.push(ResolvedCrate {
                        name: package_name.clone(),
                        version: version.clone(),
                        features: features.iter().cloned().collect(),
                        via: key.to_string(),
                    }),
                    None => {}
                }
                dependencies.push(DependencyFacts {
                    key: key.to_string(),
                    package_name,
                    version,
                    platform: platform.clone(),
                    default_features,
                    enabled,
                    default_enables_std,
                    resolved_features: features.into_iter().collect(),
                });
            }
        }
        for (via, name, version, features) in &self.pulls {
            if !dependencies.iter().any(|d| &d.key == via && d.enabled) {
                continue;
            }
            match resolved.iter_mut().find(|r| &r.name == name) {
                Some(existing) => {
                    let mut union: BTreeSet<String> = existing.features.iter().cloned().collect();
                    union.extend(features.iter().cloned());
                    existing.features = union.into_iter().collect();
                }
                None => resolved.push(ResolvedCrate {
                    name: name.clone(),
                    version: version.clone(),
                    features: features.clone(),
                    via: via.clone(),
                }),
            }
        }
        // A library package (src/lib.rs), with or without a `[lib]` table.
        (true, crate_types, dependencies, resolved)
    }
}

pub fn windows() -> TargetView {
    target(
        "x86_64-pc-windows-msvc",
        "target_arch=\"x86_64\"\ntarget_family=\"windows\"\nwindows\ntarget_os=\"windows\"\ntarget_env=\"msvc\"\ntarget_pointer_width=\"64\"\ntarget_has_atomic_load_store=\"64\"",
        true,
    )
}

/// A small std, core and libc with the shapes the real ones have (platform modules under
/// `#[cfg]`, traits with methods, a gated atomic type, a `cfg_if!` that picks a platform
/// module and a glob re-export), for T0008 without rust-src.
fn fake_externals() -> Vec<triplet::analysis::rules::unavailable_on_target::ExternalCrate> {
    use std::sync::Arc;
    use triplet::analysis::items::{CrateTree, MemoryProvider};
    use triplet::analysis::rules::unavailable_on_target::ExternalCrate;
    let files: &[(&str, &str)] = &[
        ("/std/lib.rs", "pub mod os;\npub mod process;\npub mod fs;\npub use core::sync;"),
        ("/std/process.rs", "pub struct Command;"),
        (
            "/std/os/mod.rs",
            "#[cfg(any(unix, doc))] pub mod unix;\n#[cfg(windows)] pub mod windows;\n\
             #[cfg(any(unix, target_os = \"wasi\"))] pub mod fd;",
        ),
        ("/std/os/unix/mod.rs", "pub mod process;"),
        (
            "/std/os/unix/process.rs",
            "pub trait CommandExt { fn exec(&mut self) -> u32; fn uid(&mut self, id: u32); }",
        ),
        ("/std/os/windows/mod.rs", "pub mod process;"),
        ("/std/os/windows/process.rs", "pub trait CommandExt { fn creation_flags(&mut self, f: u32); }"),
        (
            "/std/os/fd.rs",
            "pub trait AsRawFd { fn as_raw_fd(&self) -> i32; }\n\
             pub trait FromRawFd { unsafe fn from_raw_fd(fd: i32) -> Self; }",
        ),
        (
            "/std/fs.rs",
            "pub struct File;\npub struct Owned;\nimpl Owned { pub fn from_raw_fd(fd: i32) -> Owned { Owned } }",
        ),
        ("/core/lib.rs", "pub mod sync;"),
        ("/core/sync/mod.rs", "pub mod atomic;"),
        (
            "/core/sync/atomic.rs",
            "#[cfg(target_has_atomic_load_store = \"64\")]\natomic_int! { AtomicU64 }\natomic_int! { AtomicU32 }",
        ),
        ("/alloc/lib.rs", "pub mod vec;"),
        ("/alloc/vec.rs", "pub struct Vec;"),
        (
            "/libc/lib.rs",
            "cfg_if! { if #[cfg(unix)] { mod unix; pub use unix::*; } else if #[cfg(windows)] { mod windows; pub use windows::*; } else {} }\npub type c_int = i32;",
        ),
        ("/libc/unix.rs", "extern \"C\" { pub fn kill(pid: i32, sig: i32) -> i32; }\npub const SIGTERM: i32 = 15;"),
        ("/libc/windows.rs", "pub const SIGTERM: i32 = 15;"),
        // A `[target.'cfg(unix)'.dependencies]` entry: passed on the Linux host only.
        ("/nix/lib.rs", "pub fn getpid() -> i32 { 0 }"),
    ];
    let provider: Arc<MemoryProvider> = Arc::new(MemoryProvider(
        files
            .iter()
            .map(|(path, text)| (std::path::PathBuf::from(path), Arc::from(*text)))
            .collect(),
    ));
    ["std", "core", "alloc", "libc", "nix"]
        .into_iter()
        .map(|name| ExternalCrate {
            tree: Arc::new(CrateTree::new(
                name,
                std::path::PathBuf::from(format!("/{name}/lib.rs")),
                Vec::new(),
                provider.clone(),
            )),
            only_on: (name == "nix").then(|| vec!["x86_64-unknown-linux-gnu".to_string()]),
            in_extern_prelude: name != "alloc",
        })
        .collect()
}

/// T0008 over a one-file crate, against the small std, core and libc above.
pub fn analyze_items(text: &str, targets: &[TargetView]) -> Vec<Finding> {
    analyze_items_in_edition(text, targets, false)
}

/// `analyze_items` for an edition 2015 crate (`edition_2015`) or a later one.
pub fn analyze_items_in_edition(
    text: &str,
    targets: &[TargetView],
    edition_2015: bool,
) -> Vec<Finding> {
    use triplet::analysis::rules::unavailable_on_target::{check, SemanticInput};
    let syntax = FileSyntax::parse(text);
    let gate = Gate::default();
    let files = [CrateFile {
        path: Path::new("/fuzz/src/lib.rs"),
        text,
        syntax: &syntax,
        module_gate: &gate,
    }];
    let externals = fake_externals();
    let mut out = triplet::analysis::rules::FindingSet::default();
    check(
        &SemanticInput {
            package: "fuzzed",
            files: &files,
            targets,
            externals: &externals,
            build_cfgs: &[],
            prepared: &[],
            judge: &[],
            build_script: false,
            edition_2015,
        },
        &mut out,
    );
    out.into_vec()
}

/// `check` for T0008.
pub fn check_items(fixture: &str, targets: &[TargetView]) {
    let (text, expected) = parse_annotated(fixture);
    let findings = analyze_items(&text, targets);
    assert_within(&text, &findings);
    assert_annotations(&text, &expected, &findings);
}

/// `check` for T0008 in an edition 2015 crate.
pub fn check_items_2015(fixture: &str, targets: &[TargetView]) {
    let (text, expected) = parse_annotated(fixture);
    let findings = analyze_items_in_edition(&text, targets, true);
    assert_within(&text, &findings);
    assert_annotations(&text, &expected, &findings);
}

/// `check_fix` for T0008.
pub fn check_items_fix(before: &str, after: &str, targets: &[TargetView]) {
    fix_until_clean(before, after, |text| analyze_items(text, targets));
}
