//! T0008 `unavailable-on-target`: a path or method that names an item which exists on some
//! selected targets and not on others — `std::os::unix` on Windows, `AtomicU64` on
//! thumbv7em, the crate's own `#[cfg(unix)]` function called from code built for wasm32,
//! `libc::kill` on wasm32 — and `alloc::…` without `extern crate alloc;`.
//!
//! Every verdict comes from the module trees in `analysis::items`: std, core and alloc as
//! rust-src declares them, dependencies from their sources, the crate from its buffers, each
//! declaration with its `#[cfg]` gate evaluated on the target. Where the index cannot tell
//! (a macro may define the name, a file is missing), nothing is reported.

use super::{format_targets, FindingSet, ReportedIn, Rule};
use crate::analysis::cfg::{CfgAtom, CfgExpr, CfgSet};
use crate::analysis::context::{CrateFile, TargetView};
use crate::analysis::finding::{Finding, Fix, RuleCode, Severity, TextEdit};
use crate::analysis::items::references::{FileReferences, MethodCall, RefKind, Reference};
use crate::analysis::items::source::{gate_expr, ItemKind, ModuleSource};
use crate::analysis::items::{Brings, CrateSet, CrateTree, MemoryProvider, Module, Resolution};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

pub const RULE: Rule = Rule {
    code: RuleCode::T0008,
    name: "unavailable-on-target",
    default_severity: Severity::Error,
    reported_in: ReportedIn::Source,
    short: "Paths and methods that name an item missing on a target (std::os::unix on Windows, AtomicU64 on thumbv7em, a #[cfg(unix)] fn called on wasm32, libc::kill on wasm32).",
    summary: "an item that exists on some selected targets and not others: `std::os::unix` on Windows, `AtomicU64` on thumbv7em, the crate's own `#[cfg(unix)]` items, `libc::kill` on wasm32, `alloc::` without `extern crate alloc;`. Fix: `#[cfg(...)]` where the item is defined, or `extern crate alloc;`",
    source_file: file!(),
    docs: r#"
**Fires** where a `use`, a path in code or a method call names an item that exists on some
selected targets and not on others, the error `cargo check --target T` gives (E0432, E0433,
E0425, E0599), for every target at once:

- std's platform modules: `std::os::unix::…` on Windows or wasm32, `std::os::linux::…` on
  Android, `std::os::windows::…` elsewhere, `std::os::fd` on Windows, and calls of the
  methods their traits provide (`.exec()`, `.st_ino()`, `.encode_wide()`) where the trait's
  import is missing;
- the crate's own items under `#[cfg]`: a function, module, constant or type defined under
  `#[cfg(unix)]`, `#[cfg(target_os = "linux")]` or a feature, used from code compiled where it
  does not exist (through `crate::`, `self::`, `super::`, a module path or its bare name);
- core's atomic types by target: `AtomicU64` where `target_has_atomic_load_store = "64"` is
  false (thumbv7em, thumbv6m, 32-bit MIPS/PowerPC);
- dependencies' APIs under `#[cfg]`: `libc::kill`, `libc::sysconf` on Windows and
  wasm32-unknown-unknown;
- `alloc::…` in a crate without `extern crate alloc;`, and under `extern crate core as std;`
  a `std::…` path that core does not have;
- `compile_error!` under a cfg (also in `cfg_if!` arms) on the targets where its gate holds,
  with its own text;
- `extern crate x;` of a dependency cargo passes only on some targets (a
  `[target.'cfg(…)'.dependencies]` entry), E0463 where it is not;
- a glob import of a platform module (`use std::os::unix::prelude::*;` on Windows), and
  platform traits' associated functions through a type (`OsStr::from_bytes`,
  `std::fs::File::from_raw_fd`) where the trait does not exist;
- block-level items under `#[cfg]` called where they are not compiled; in edition 2015
  crates, imports and `::a::b` paths read from the crate root.

Every verdict is derived from the sources, not from a list: std, core and alloc from the
toolchain's rust-src (evaluated with the cfg set std is compiled with, `RUSTC_BOOTSTRAP=1
rustc --print cfg`), dependencies from their sources as cargo resolved them (their enabled
features, target-specific dependencies per target), the crate from its buffers. Each
declaration keeps its `#[cfg]` gate, `cfg_if!`/`cfg_select!` arms become gates, globs and
re-exports are followed per target. The message names the targets where the code fails and
those where it works.

**Does not fire** where the code is gated off for the failing targets, where the name is a
local binding or a generic parameter, where the crate is `no_std` and the path names `std`
(T0001), where a macro might define the name (an unexpanded item-level macro whose tokens
name it; macros with a fixed body such as libc's `prelude!()` are read), where a glob import
in scope might bring the trait, or where the index cannot tell (a module file is missing, a
glob cannot be followed), or where the gate is a cfg a build script may set
(`cargo:rustc-cfg=…`: in a crate with a build script, a cfg rustc and cargo do not set
themselves is unknown, never false). A name missing on every selected target that no declaration
mentions is left to rustc. Without rust-src, std paths are not checked and one info finding
says so (`rustup component add rust-src`); the crate's own items and dependencies still are.

**Fix**: `#[cfg(<predicate>)]` on the statement or on the `use` item (when nothing else names
what it imports), where the predicate is the gate the item is declared under (`doc` and
`test` folded away) when that separates the failing targets from the working ones, else the
simplest cfg atom all working targets share and no failing target has. `alloc::…` gets
`extern crate alloc;` at the crate root. The message names `portable-atomic` for atomics.

**Example**

```rust
#[cfg(unix)]
fn flush_page_cache() {}

pub fn shutdown() {
    flush_page_cache(); // error on x86_64-pc-windows-msvc; it exists on x86_64-unknown-linux-gnu
}
```

becomes

```rust
pub fn shutdown() {
    #[cfg(unix)]
    flush_page_cache();
}
```
"#,
};

/// A crate the analysed crate can name: the sysroot's and its dependencies.
pub struct ExternalCrate {
    pub tree: Arc<CrateTree>,
    /// The triples it is a dependency on (`None`: every target).
    pub only_on: Option<Vec<String>>,
    /// Nameable without `extern crate` (everything but `alloc`, and `std` in a no_std crate).
    pub in_extern_prelude: bool,
}

pub struct SemanticInput<'a> {
    pub package: &'a str,
    /// The module tree; the first file is the crate root.
    pub files: &'a [CrateFile<'a>],
    pub targets: &'a [TargetView],
    pub externals: &'a [ExternalCrate],
    /// Per target (same order), the cfg set std and dependencies are compiled with: the
    /// target's, plus the unstable cfgs std tests (`RUSTC_BOOTSTRAP=1 rustc --print cfg`).
    /// `None`: the target's own set without features.
    pub build_cfgs: &'a [Option<CfgSet>],
    /// Each file read once (same order as `files`), so a caller can keep the reads of
    /// unchanged files between checks; empty: read here.
    pub prepared: &'a [Arc<PreparedFile>],
    /// Which files' uses, paths and calls to judge (same order as `files`; empty: all). The
    /// others still count for what the crate declares.
    pub judge: &'a [bool],
    /// The crate has a build script: a cfg it may set is unknown here, so code under such a
    /// gate is not judged and an item under one is not missing.
    pub build_script: bool,
    /// Edition 2015: `use` paths and `::a` paths in code start at the crate root.
    pub edition_2015: bool,
}

/// One file of the crate as T0008 reads it: what it declares and what it refers to.
#[derive(Debug, PartialEq)]
pub struct PreparedFile {
    pub declarations: Arc<ModuleSource>,
    pub references: FileReferences,
}

impl PreparedFile {
    /// One parse for both. A file nested too deeply to parse safely (see
    /// `syntax::MAX_NESTING_SCORE`) declares and refers to nothing.
    pub fn parse(text: &str) -> PreparedFile {
        if crate::analysis::syntax::nesting_score(text) > crate::analysis::syntax::MAX_NESTING_SCORE
        {
            return PreparedFile {
                declarations: Arc::new(ModuleSource {
                    unreadable: true,
                    ..ModuleSource::default()
                }),
                references: FileReferences::default(),
            };
        }
        let tree = ra_ap_syntax::SourceFile::parse(text, ra_ap_syntax::Edition::Edition2021).tree();
        PreparedFile::from_tree(&tree, text)
    }

    /// From a tree the caller already has (the engine keeps the trees of edited files).
    pub fn from_tree(tree: &ra_ap_syntax::SourceFile, text: &str) -> PreparedFile {
        PreparedFile {
            declarations: Arc::new(ModuleSource::from_tree(tree)),
            references: FileReferences::from_tree(tree, text),
        }
    }
}

/// The own crate's name inside a `CrateSet`: no path can spell it.
const OWN: &str = "<crate>";

/// Ordered by what a target's verdict says for sure, least first: where two references
/// meet at one place (`same_place`), the surer one counts.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// Unknown, or the code is not compiled for this target.
    Silent,
    /// Nothing declares the name here; a failure only where the path resolves on another
    /// target (a glob gated by cfg brings it there), else the prelude may supply it.
    FailsIfWorksElsewhere,
    Fails,
    Works,
}

/// What one reference or call gives on each target.
struct Outcome {
    verdicts: Vec<Verdict>,
    /// Where the failing name is declared (its gates), for the fix.
    declared_under: Vec<CfgExpr>,
    /// The segment the failure points at, and its name.
    range: std::ops::Range<usize>,
    what: String,
    needs_extern_alloc: bool,
    /// `std::string::String` under `extern crate core as std;`: the first segment's range,
    /// to become `alloc` (alloc has the path, core does not).
    alloc_instead: Option<std::ops::Range<usize>>,
    slot: Option<(usize, String)>,
    file: usize,
}

pub fn check(input: &SemanticInput<'_>, out: &mut FindingSet) {
    let Some(root) = input.files.first() else {
        return;
    };
    let prepared: Vec<Arc<PreparedFile>> = if input.prepared.len() == input.files.len() {
        input.prepared.to_vec()
    } else {
        input
            .files
            .iter()
            .map(|file| Arc::new(PreparedFile::parse(file.text)))
            .collect()
    };
    let judged = |index: usize| input.judge.get(index).copied().unwrap_or(true);
    let own = own_tree(input, &prepared);
    let parsed: Vec<&FileReferences> = prepared.iter().map(|p| &p.references).collect();
    // The first segments of every path in code, per file.
    let names_used: Vec<std::collections::HashSet<&str>> = parsed
        .iter()
        .map(|refs| {
            refs.references
                .iter()
                .filter(|r| matches!(r.kind, RefKind::Path { .. }))
                .filter_map(|r| r.segments.first().map(String::as_str))
                .collect()
        })
        .collect();
    let worlds: Vec<World<'_>> = input
        .targets
        .iter()
        .enumerate()
        .map(|(index, target)| {
            let build_cfg = input.build_cfgs.get(index).cloned().flatten();
            World::new(input, &own, target, build_cfg)
        })
        .collect();
    let modules: Vec<HashMap<PathBuf, Module>> = worlds
        .iter()
        .map(|world| world.set.modules_by_file(0))
        .collect();
    // Each (target, file) to judge: the file compiled for the target, and its module there.
    let active = |target_index: usize, file_index: usize| -> Option<&Module> {
        let file = input.files.get(file_index)?;
        let target = input.targets.get(target_index)?;
        let module = modules.get(target_index)?.get(file.path)?;
        let open = input.build_script;
        let compiled = file.module_gate.surely_on(&target.cfg, open)
            && file.syntax.file_gate.surely_on(&target.cfg, open);
        (compiled && judged(file_index)).then_some(module)
    };
    // rustc stops before resolving paths in code where a `compile_error!` fires: only
    // imports (resolved while expanding) and type checking are still reported there.
    let mut expansion_stops = compile_errors(input, &parsed, &active, out);
    // A crate that cannot be loaded stops rustc before type checking too: method calls
    // are not reported there either.
    let crate_missing = extern_crates_not_selected(input, &parsed, &active, out);
    for (stops, missing) in expansion_stops.iter_mut().zip(&crate_missing) {
        *stops |= *missing;
    }
    // Where each active reference sits, per target: (target, file, reference) → module.
    // Ordered: the findings are built from it, and must not depend on a hash seed.
    let mut outcomes: BTreeMap<(usize, usize, usize), Judged> = BTreeMap::new();
    // The members of each imported trait on the targets where it exists.
    let mut trait_imports: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for (target_index, (target, world)) in input.targets.iter().zip(&worlds).enumerate() {
        for file_index in 0..input.files.len() {
            let Some(module) = active(target_index, file_index) else {
                continue;
            };
            // Consecutive references mostly sit in the same inline module: find it once.
            let mut inline: Option<(&[String], Option<Module>)> = None;
            for (ref_index, reference) in parsed[file_index].references.iter().enumerate() {
                if !reference.gate.surely_on(&target.cfg, input.build_script) {
                    continue;
                }
                let in_code = matches!(reference.kind, RefKind::Path { .. });
                if in_code && expansion_stops.get(target_index).copied().unwrap_or(false) {
                    continue;
                }
                let names = reference.inline_modules.as_slice();
                let from = match &inline {
                    Some((known, from)) if *known == names => from.clone(),
                    _ => {
                        let from = world.set.inline_module(module, names);
                        inline = Some((names, from.clone()));
                        from
                    }
                };
                let Some(from) = from else {
                    continue;
                };
                if let RefKind::Use { .. } = reference.kind {
                    if let Resolution::Item(ItemKind::Trait { members }) =
                        world.set.resolve_use(&from, &reference.segments)
                    {
                        trait_imports.insert((file_index, ref_index), members);
                    }
                }
                if let Some((verdict, mut outcome)) =
                    world.judge_reference(&from, reference, parsed[file_index], file_index)
                {
                    // Gating an import is exact only when nothing else names what it binds.
                    if let RefKind::Use {
                        binds: Some(name), ..
                    } = &reference.kind
                    {
                        if names_used[file_index].contains(name.as_str()) {
                            outcome.slot = None;
                        }
                    }
                    let key = (file_index, 0, ref_index);
                    record(&mut outcomes, key, outcome, (target_index, verdict), input);
                }
            }
        }
    }
    for (target_index, (target, world)) in input.targets.iter().zip(&worlds).enumerate() {
        if crate_missing.get(target_index).copied().unwrap_or(false) {
            continue;
        }
        for (file_index, refs) in parsed.iter().copied().enumerate() {
            let Some(module) = active(target_index, file_index) else {
                continue;
            };
            for (call_index, call) in refs.method_calls.iter().enumerate() {
                if !call.gate.surely_on(&target.cfg, input.build_script) {
                    continue;
                }
                let Some(from) = world.set.inline_module(module, &call.inline_modules) else {
                    continue;
                };
                let providers = TraitProviders {
                    refs,
                    file: file_index,
                    members: &trait_imports,
                };
                if let Some((verdict, outcome)) = world.judge_call(&from, call, &providers, false) {
                    let key = (file_index, 1, call_index);
                    record(&mut outcomes, key, outcome, (target_index, verdict), input);
                }
            }
            // `OsStr::from_bytes(b)`, `std::fs::File::from_raw_fd(fd)`: a type's associated
            // function that only an imported trait provides, judged as a method call is.
            for (ref_index, reference) in refs.references.iter().enumerate() {
                let Some(call) = associated_call(reference, &target.cfg) else {
                    continue;
                };
                let Some(from) = world.set.inline_module(module, &call.inline_modules) else {
                    continue;
                };
                let owner = &reference.segments[..reference.segments.len() - 1];
                let is_type = matches!(
                    world.set.resolve_in_code(&from, owner, false),
                    Resolution::Item(ItemKind::Other | ItemKind::Enum { .. })
                );
                // Only a type whose declaration shows no inherent function of that name
                // (`Box::from_raw` is `Box`'s own, whatever `ExitStatusExt` says).
                let own_fn = world.set.has_inherent_fn(&from, owner, &call.name);
                if !is_type || own_fn != Some(false) {
                    continue;
                }
                let providers = TraitProviders {
                    refs,
                    file: file_index,
                    members: &trait_imports,
                };
                if let Some((verdict, mut outcome)) =
                    world.judge_call(&from, &call, &providers, true)
                {
                    if let Some(rest) = outcome.what.strip_prefix("method ") {
                        outcome.what = format!("associated function {rest}");
                    }
                    let key = (file_index, 2, ref_index);
                    record(&mut outcomes, key, outcome, (target_index, verdict), input);
                }
            }
        }
    }
    // The leaves of one `use` tree fail at the segment they share (`use rustix::fs::{a, b}`
    // on Windows): one finding per place, from every leaf's verdicts, whatever their order.
    let mut by_place: BTreeMap<(usize, usize, usize), Outcome> = BTreeMap::new();
    for judged in outcomes.into_values() {
        let Some(mut failure) = judged.failure else {
            continue;
        };
        failure.verdicts = judged.verdicts;
        let place = (failure.file, failure.range.start, failure.range.end);
        match by_place.entry(place) {
            Entry::Vacant(slot) => {
                slot.insert(failure);
            }
            Entry::Occupied(mut slot) => same_place(slot.get_mut(), failure),
        }
    }
    for outcome in by_place.into_values() {
        if let Some(finding) = finding_for(input, root, &outcome) {
            out.push(finding);
        }
    }
}

/// `compile_error!` under a gate: an error on each target where the file is compiled and
/// the gate holds, with the macro's own text. A gate naming a cfg rustc does not set by
/// itself (a build script's, `--cfg`) could hold anywhere: silent. Returns, per target,
/// whether a call may fire there (known or not).
fn compile_errors<'m>(
    input: &SemanticInput<'_>,
    parsed: &[&FileReferences],
    active: &dyn Fn(usize, usize) -> Option<&'m Module>,
    out: &mut FindingSet,
) -> Vec<bool> {
    let mut stops = vec![false; input.targets.len()];
    for (file_index, refs) in parsed.iter().enumerate() {
        let Some(file) = input.files.get(file_index) else {
            continue;
        };
        for call in &refs.compile_errors {
            let known = call.gate.0.iter().all(well_known);
            let mut failing = Vec::new();
            for (target_index, target) in input.targets.iter().enumerate() {
                // Not judged (unchanged): still stops expansion where it fires.
                let compiled = input
                    .files
                    .get(file_index)
                    .is_some_and(|f| f.is_on(&target.cfg));
                if !known {
                    stops[target_index] |= compiled;
                    continue;
                }
                if compiled && call.gate.is_on(&target.cfg) {
                    stops[target_index] = true;
                    if active(target_index, file_index).is_some() {
                        failing.push(target.triple.clone());
                    }
                }
            }
            if failing.is_empty() {
                continue;
            }
            out.push(Finding {
                code: RuleCode::T0008,
                severity: RuleCode::T0008.default_severity(),
                message: format!(
                    "`compile_error!` on {}: {}",
                    format_targets(&failing),
                    call.message
                ),
                package: input.package.to_string(),
                targets: failing,
                file: file.path.to_path_buf(),
                range: call.range.clone(),
                fixes: Vec::new(),
                api: None,
            });
        }
    }
    stops
}

/// `extern crate x;` of a dependency cargo passes only on some targets (a `[target.'cfg(…)'
/// .dependencies]` entry): E0463 where it is not passed. A crate the index does not know
/// (`proc_macro`, `test`, a disabled optional dependency) is left alone.
/// Returns, per target, whether such an item fails there.
fn extern_crates_not_selected<'m>(
    input: &SemanticInput<'_>,
    parsed: &[&FileReferences],
    active: &dyn Fn(usize, usize) -> Option<&'m Module>,
    out: &mut FindingSet,
) -> Vec<bool> {
    let mut missing = vec![false; input.targets.len()];
    let passed_on = |name: &str, triple: &str| -> Option<bool> {
        let mut entries = input
            .externals
            .iter()
            .filter(|e| e.tree.name == name)
            .peekable();
        entries.peek()?;
        Some(entries.any(|e| {
            e.only_on
                .as_ref()
                .is_none_or(|on| on.iter().any(|t| t == triple))
        }))
    };
    // Gating the item is the whole fix only when no path names the crate.
    let named = |name: &str| {
        parsed.iter().any(|refs| {
            (refs.references.iter()).any(|r| r.segments.first().is_some_and(|s| s == name))
        })
    };
    for (file_index, refs) in parsed.iter().enumerate() {
        let Some(file) = input.files.get(file_index) else {
            continue;
        };
        for item in &refs.extern_crates {
            let mut failing = Vec::new();
            let mut working = Vec::new();
            for (target_index, target) in input.targets.iter().enumerate() {
                let compiled = input
                    .files
                    .get(file_index)
                    .is_some_and(|f| f.is_on(&target.cfg));
                if compiled && item.gate.is_on(&target.cfg) {
                    if let Some(false) = passed_on(&item.name, &target.triple) {
                        missing[target_index] = true;
                    }
                }
                if active(target_index, file_index).is_none() || !item.gate.is_on(&target.cfg) {
                    continue;
                }
                match passed_on(&item.name, &target.triple) {
                    Some(false) => failing.push(target),
                    Some(true) => working.push(target),
                    None => {}
                }
            }
            if failing.is_empty() {
                continue;
            }
            let failing_names: Vec<String> = failing.iter().map(|t| t.triple.clone()).collect();
            let working_names: Vec<String> = working.iter().map(|t| t.triple.clone()).collect();
            let where_it_is = if working.is_empty() {
                String::new()
            } else {
                format!("; it is one on {}", format_targets(&working_names))
            };
            let failing_cfgs: Vec<&CfgSet> = failing.iter().map(|t| &t.cfg).collect();
            let working_cfgs: Vec<&CfgSet> = working.iter().map(|t| &t.cfg).collect();
            let predicate = fix_predicate(&[], &failing_cfgs, &working_cfgs);
            let fixes = match (predicate, &item.slot) {
                (Some(predicate), Some((offset, indent))) if !named(&item.binds) => {
                    vec![cfg_gate_fix(
                        "Declare it only where cargo passes it",
                        &predicate,
                        file.path,
                        *offset,
                        indent,
                    )]
                }
                _ => Vec::new(),
            };
            out.push(Finding {
                code: RuleCode::T0008,
                severity: RuleCode::T0008.default_severity(),
                message: format!(
                    "can't find crate `{}`: it is not a dependency on {} (declared under a `[target.…]` table){where_it_is}",
                    item.name,
                    format_targets(&failing_names)
                ),
                package: input.package.to_string(),
                targets: failing_names,
                file: file.path.to_path_buf(),
                range: item.range.clone(),
                fixes,
                api: None,
            });
        }
    }
    missing
}

/// Whether every cfg `expr` tests is one rustc or cargo sets from the target and the
/// features alone, so a target's cfg set decides it.
fn well_known(expr: &CfgExpr) -> bool {
    const NAMES: [&str; 9] = [
        "unix",
        "windows",
        "test",
        "doc",
        "doctest",
        "miri",
        "debug_assertions",
        "proc_macro",
        "overflow_checks",
    ];
    match expr {
        CfgExpr::Atom(CfgAtom::Name(name)) => NAMES.contains(&name.as_str()),
        CfgExpr::Atom(CfgAtom::KeyValue(key, _)) => {
            key == "feature" || key == "panic" || key.starts_with("target_")
        }
        CfgExpr::All(items) | CfgExpr::Any(items) => items.iter().all(well_known),
        CfgExpr::Not(inner) => well_known(inner),
        CfgExpr::Literal(_) => true,
    }
}

/// A path in code `Type::name` (two segments or more) compiled here, as the call of `name`.
fn associated_call(reference: &Reference, cfg: &CfgSet) -> Option<MethodCall> {
    if !matches!(reference.kind, RefKind::Path { .. }) || reference.segments.len() < 2 {
        return None;
    }
    if !reference.gate.is_on(cfg) {
        return None;
    }
    Some(MethodCall {
        name: reference.segments.last()?.clone(),
        range: reference.segment_ranges.last()?.clone(),
        gate: reference.gate.clone(),
        inline_modules: reference.inline_modules.clone(),
        slot: reference.slot.clone(),
    })
}

/// The trait imports of one file, with the members each has where it exists.
struct TraitProviders<'a> {
    refs: &'a FileReferences,
    file: usize,
    members: &'a HashMap<(usize, usize), Vec<String>>,
}

/// One reference or call: its verdict on each target, and what fails where it fails.
struct Judged {
    verdicts: Vec<Verdict>,
    /// From the failing targets' outcomes (a reference that works everywhere needs none).
    failure: Option<Outcome>,
}

/// Folds `other` into `kept`, two references failing at the same place: a target where
/// either says the name is there works (a leaf unknown further down says nothing about the
/// shared segment), a fix gates the `use` only when neither leaf's name is used elsewhere.
fn same_place(kept: &mut Outcome, other: Outcome) {
    for (verdict, theirs) in kept.verdicts.iter_mut().zip(other.verdicts) {
        *verdict = (*verdict).max(theirs);
    }
    for expr in other.declared_under {
        if !kept.declared_under.contains(&expr) {
            kept.declared_under.push(expr);
        }
    }
    kept.needs_extern_alloc |= other.needs_extern_alloc;
    kept.alloc_instead = kept.alloc_instead.take().or(other.alloc_instead);
    if kept.slot != other.slot {
        kept.slot = None;
    }
}

fn record(
    outcomes: &mut BTreeMap<(usize, usize, usize), Judged>,
    key: (usize, usize, usize),
    outcome: Outcome,
    (target_index, verdict): (usize, Verdict),
    input: &SemanticInput<'_>,
) {
    let entry = outcomes.entry(key).or_insert_with(|| Judged {
        verdicts: vec![Verdict::Silent; input.targets.len()],
        failure: None,
    });
    if let Some(slot) = entry.verdicts.get_mut(target_index) {
        *slot = verdict;
    }
    if !matches!(verdict, Verdict::Fails | Verdict::FailsIfWorksElsewhere) {
        return;
    }
    let Some(failure) = entry.failure.as_mut() else {
        entry.failure = Some(outcome);
        return;
    };
    failure.range = outcome.range;
    failure.what = outcome.what;
    failure.needs_extern_alloc |= outcome.needs_extern_alloc;
    failure.alloc_instead = outcome.alloc_instead.or(failure.alloc_instead.take());
    for expr in outcome.declared_under {
        if !failure.declared_under.contains(&expr) {
            failure.declared_under.push(expr);
        }
    }
}

fn own_tree(input: &SemanticInput<'_>, prepared: &[Arc<PreparedFile>]) -> CrateTree {
    let root = input
        .files
        .first()
        .map(|f| f.path.to_path_buf())
        .unwrap_or_default();
    let features = input
        .targets
        .first()
        .map(|t| t.cfg.features())
        .unwrap_or_default();
    let read = input
        .files
        .iter()
        .zip(prepared)
        .map(|(file, prepared)| (file.path.to_path_buf(), prepared.declarations.clone()))
        .collect();
    // Every module file of the crate is among `files`: nothing else is read.
    let nothing_else = Arc::new(MemoryProvider(HashMap::new()));
    CrateTree::with_modules(OWN, root, features, nothing_else, read)
        .with_build_script(input.build_script)
}

/// The crates visible from the analysed crate on one target.
struct World<'a> {
    set: CrateSet<'a>,
    /// `alloc` can be named without `extern crate alloc;` only when this holds.
    alloc_linked: bool,
    std_available: bool,
}

impl<'a> World<'a> {
    fn new(
        input: &'a SemanticInput<'a>,
        own: &'a CrateTree,
        target: &TargetView,
        build_cfg: Option<CfgSet>,
    ) -> World<'a> {
        let root_source = own.root_source();
        let target_cfg = build_cfg.unwrap_or_else(|| target.cfg.without_features());
        let open = input.build_script;
        // Under a gate a build script decides, std may be missing and alloc may be linked:
        // each is taken the way that reports nothing.
        let extern_on = |name: &str, surely: bool| {
            root_source.as_ref().is_some_and(|root| {
                root.extern_crates.iter().any(|(_, krate, gate)| {
                    krate == name
                        && match gate.state(&target.cfg, open) {
                            Some(on) => on,
                            None => !surely,
                        }
                })
            })
        };
        let no_std = root_source.as_ref().is_some_and(|root| {
            (root.no_std.iter()).any(|gate| gate.state(&target.cfg, open) != Some(false))
        });
        let std_available = target.has_std && (!no_std || extern_on("std", true));
        let alloc_linked = extern_on("alloc", false);
        let mut crates = vec![own];
        let mut hidden = Vec::new();
        for external in input.externals {
            if external
                .only_on
                .as_ref()
                .is_some_and(|triples| !triples.contains(&target.triple))
            {
                continue;
            }
            let name = external.tree.name.as_str();
            if name == "std" && !std_available {
                continue;
            }
            if !external.in_extern_prelude && !extern_on(name, false) {
                hidden.push(name.to_string());
            }
            crates.push(external.tree.as_ref());
        }
        let mut set = CrateSet::new(crates, &target_cfg);
        set.set_own_cfg(0, &target.cfg);
        set.hide_from_extern_prelude(hidden);
        set.set_root_relative_imports(0, input.edition_2015);
        World {
            set,
            alloc_linked,
            std_available,
        }
    }

    fn judge_reference(
        &self,
        from: &Module,
        reference: &Reference,
        refs: &FileReferences,
        file: usize,
    ) -> Option<(Verdict, Outcome)> {
        let first = reference.segments.first()?;
        let shape = |range: std::ops::Range<usize>, what: String| Outcome {
            verdicts: Vec::new(),
            declared_under: Vec::new(),
            range,
            what,
            needs_extern_alloc: false,
            alloc_instead: None,
            slot: reference.slot.clone(),
            file,
        };
        // `alloc::…` with nothing binding `alloc`: the crate is not linked.
        if first == "alloc" && !self.alloc_linked && !self.set.binds_in_scope(from, "alloc") {
            let mut outcome = shape(
                reference.segment_ranges.first()?.clone(),
                "`alloc`".to_string(),
            );
            outcome.needs_extern_alloc = true;
            return Some((Verdict::Fails, outcome));
        }
        if first == "std" && !self.std_available && !self.set.binds_in_scope(from, "std") {
            return None; // T0001's finding
        }
        // A name a block around declares (an item, a `use`) is the block's where that
        // declaration is compiled; where it is not, the module's name is what rustc finds.
        if let RefKind::Path { .. } = reference.kind {
            let at = reference.segment_ranges.first()?.start;
            let cfg = self.set.own_cfg();
            let item_here = refs.block_items.iter().any(|item| {
                item.name == *first && item.block.contains(&at) && item.gate.is_on(cfg)
            });
            if item_here {
                return (reference.segments.len() == 1).then(|| {
                    let range = reference
                        .segment_ranges
                        .first()
                        .cloned()
                        .unwrap_or_default();
                    (Verdict::Works, shape(range, String::new()))
                });
            }
            let use_here = refs.uses().any(|(_, r)| {
                let in_block = r.block.as_ref().is_some_and(|block| block.contains(&at));
                in_block
                    && r.gate.is_on(cfg)
                    && match &r.kind {
                        RefKind::Use { glob: true, .. } => self.glob_may_bring(from, r, first),
                        RefKind::Use { binds, .. } => binds.as_deref() == Some(first.as_str()),
                        RefKind::Path { .. } => false,
                    }
            });
            if use_here {
                return None;
            }
        }
        // Edition 2015: imports, and `::a` in code, start at the crate root.
        let from = &match reference.kind {
            RefKind::Use { .. } => self.set.import_base(from, &reference.segments),
            RefKind::Path { rooted: true, .. } => self.set.import_base(from, &reference.segments),
            RefKind::Path { .. } => from.clone(),
        };
        let resolution = match reference.kind {
            RefKind::Path { local: true, .. } => return None,
            RefKind::Path { value, .. } => {
                self.set.resolve_in_code(from, &reference.segments, value)
            }
            RefKind::Use { .. } => self.set.resolve(from, &reference.segments),
        };
        match resolution {
            Resolution::Module(_) | Resolution::Item(_) => Some((
                Verdict::Works,
                shape(reference.segment_ranges.first()?.clone(), String::new()),
            )),
            Resolution::Unknown => None,
            Resolution::Undeclared => {
                let range = reference.segment_ranges.first()?.clone();
                Some((
                    Verdict::FailsIfWorksElsewhere,
                    shape(range, format!("`{first}`")),
                ))
            }
            Resolution::Absent { at } => {
                let range = reference.segment_ranges.get(at)?.clone();
                let missing = &reference.segments[at];
                let parent_path = &reference.segments[..at];
                let declared_under = self.set.declaration_gates(from, parent_path, missing);
                let what = if at == 0 {
                    format!("`{missing}`")
                } else {
                    format!("`{}`", reference.segments[..=at].join("::"))
                };
                let mut outcome = shape(range, what);
                outcome.declared_under = declared_under;
                // `extern crate core as std;` and a path only alloc has.
                if at > 0 && self.set.names_core(from, first) {
                    let mut in_alloc = vec!["alloc".to_string()];
                    in_alloc.extend(reference.segments[1..].iter().cloned());
                    if self.set.resolves_from_crate_root("alloc", &in_alloc[1..]) {
                        outcome.alloc_instead = reference.segment_ranges.first().cloned();
                        outcome.needs_extern_alloc = !self.alloc_linked;
                        outcome.what = format!(
                            "`{}` (`{first}` is core here, and core has no `{}`)",
                            reference.segments.join("::"),
                            reference.segments[1..=at].join("::")
                        );
                    }
                }
                // A use leaf's binding is what later code names: gate the use item.
                if let RefKind::Use { .. } = reference.kind {
                    outcome.slot = reference.slot.clone();
                }
                Some((Verdict::Fails, outcome))
            }
        }
    }

    /// Whether the glob import `glob` (in a block of `from`) may bring `name` here: not when
    /// what it names is missing here or is a module without it.
    fn glob_may_bring(&self, from: &Module, glob: &Reference, name: &str) -> bool {
        match self.set.resolve_use(from, &glob.segments) {
            Resolution::Module(base) => {
                !matches!(self.set.lookup(&base, name, 0), Resolution::Absent { .. })
            }
            Resolution::Absent { .. } => false,
            Resolution::Item(ItemKind::Enum { variants }) => variants.iter().any(|v| v == name),
            _ => true,
        }
    }

    /// `.name()` where the only traits in scope that provide `name` are missing here.
    fn judge_call(
        &self,
        from: &Module,
        call: &MethodCall,
        providers: &TraitProviders<'_>,
        call_through_type: bool,
    ) -> Option<(Verdict, Outcome)> {
        let mut candidates = Vec::new();
        // Globs in scope: what the ones compiled here bring, and the ones missing here.
        let mut brought = Brings::No;
        let mut missing_globs = Vec::new();
        for (index, import) in providers.refs.uses() {
            let RefKind::Use { glob, .. } = import.kind else {
                continue;
            };
            let in_scope = import.inline_modules == call.inline_modules
                && import
                    .block
                    .as_ref()
                    .is_none_or(|block| block.contains(&call.range.start));
            if !in_scope {
                continue;
            }
            // A glob under a gate a build script may set may bring any trait.
            if glob && self.set.maybe_on(0, &import.gate) && !self.set.surely_on(0, &import.gate) {
                brought = brought.max(Brings::Maybe);
            } else if glob && self.set.surely_on(0, &import.gate) {
                let brings = match self.set.resolve_use(from, &import.segments) {
                    Resolution::Module(base) => {
                        self.set
                            .glob_brings_member(from.krate_index(), &base, &call.name, 0)
                    }
                    Resolution::Absent { .. } => {
                        missing_globs.push(import);
                        Brings::No
                    }
                    Resolution::Item(ItemKind::Enum { .. }) => Brings::No,
                    _ => Brings::Maybe,
                };
                brought = brought.max(brings);
            }
            let provides = providers
                .members
                .get(&(providers.file, index))
                .is_some_and(|members| members.contains(&call.name));
            if provides {
                candidates.push(import);
            }
        }
        let mut outcome = Outcome {
            verdicts: Vec::new(),
            declared_under: Vec::new(),
            range: call.range.clone(),
            what: format!("method `{}`", call.name),
            needs_extern_alloc: false,
            alloc_instead: None,
            slot: call.slot.clone(),
            file: providers.file,
        };
        for import in &candidates {
            if !self.set.surely_on(0, &import.gate) {
                continue;
            }
            match self.set.resolve_use(from, &import.segments) {
                Resolution::Item(ItemKind::Trait { members }) if members.contains(&call.name) => {
                    return Some((Verdict::Works, outcome));
                }
                Resolution::Absent { .. } => {}
                _ => return None,
            }
        }
        match brought {
            Brings::Yes => return Some((Verdict::Works, outcome)),
            Brings::Maybe => return None,
            Brings::No => {}
        }
        if let Some(first) = candidates.first() {
            outcome.what = format!(
                "method `{}` (from trait `{}`)",
                call.name,
                first.segments.join("::")
            );
            return Some((Verdict::Fails, outcome));
        }
        // No import names a trait with it: a failure only where a glob that is missing
        // here brings one on another target, and only for `Type::name` (a method's
        // receiver is unknown: `"text".as_bytes()` is `str`'s, not `OsStrExt`'s).
        if !call_through_type {
            return None;
        }
        let glob = missing_globs.first()?;
        outcome.what = format!(
            "method `{}` (from a trait `use {}::*` brings)",
            call.name,
            glob.segments.join("::")
        );
        Some((Verdict::FailsIfWorksElsewhere, outcome))
    }
}

fn finding_for(
    input: &SemanticInput<'_>,
    root: &CrateFile<'_>,
    outcome: &Outcome,
) -> Option<Finding> {
    let working: Vec<&TargetView> = select(input, outcome, Verdict::Works);
    let failing: Vec<&TargetView> = input
        .targets
        .iter()
        .zip(&outcome.verdicts)
        .filter(|(_, verdict)| match verdict {
            Verdict::Fails => true,
            Verdict::FailsIfWorksElsewhere => !working.is_empty(),
            _ => false,
        })
        .map(|(target, _)| target)
        .collect();
    if failing.is_empty() {
        return None;
    }
    let file = input.files.get(outcome.file)?;
    let failing_names: Vec<String> = failing.iter().map(|t| t.triple.clone()).collect();
    let working_names: Vec<String> = working.iter().map(|t| t.triple.clone()).collect();
    let (message, fixes) = if let Some(first) = &outcome.alloc_instead {
        let mut edits = vec![TextEdit {
            file: file.path.to_path_buf(),
            range: first.clone(),
            new_text: "alloc".to_string(),
        }];
        if outcome.needs_extern_alloc {
            edits.push(super::std_in_no_std::extern_alloc_edit(root));
        }
        let message = format!(
            "{} does not exist on {}; alloc has it",
            outcome.what,
            format_targets(&failing_names)
        );
        let fix = Fix {
            title: "Name it through `alloc`".to_string(),
            edits,
            preferred: true,
        };
        (message, vec![fix])
    } else if outcome.needs_extern_alloc {
        let message = format!(
            "`alloc` is not linked: a crate must declare `extern crate alloc;` before naming it (fails on {})",
            format_targets(&failing_names)
        );
        let fix = Fix {
            title: "Add `extern crate alloc;` to the crate root".to_string(),
            edits: vec![super::std_in_no_std::extern_alloc_edit(root)],
            preferred: true,
        };
        (message, vec![fix])
    } else {
        // A name missing on every selected target and declared nowhere else is not a
        // target question: rustc and rust-analyzer report it already.
        if working.is_empty() && outcome.declared_under.is_empty() {
            return None;
        }
        missing_item(
            file,
            outcome,
            &failing,
            &working,
            &failing_names,
            &working_names,
        )
    };
    Some(Finding {
        code: RuleCode::T0008,
        severity: RuleCode::T0008.default_severity(),
        message,
        package: input.package.to_string(),
        targets: failing_names,
        file: file.path.to_path_buf(),
        range: outcome.range.clone(),
        fixes,
        api: None,
    })
}

/// An item missing where it is not declared: the message says where it exists, and the
/// fix gates the statement or import with the cfg that separates failing from working.
fn missing_item(
    file: &CrateFile<'_>,
    outcome: &Outcome,
    failing: &[&TargetView],
    working: &[&TargetView],
    failing_names: &[String],
    working_names: &[String],
) -> (String, Vec<Fix>) {
    let failing_cfgs: Vec<&CfgSet> = failing.iter().map(|t| &t.cfg).collect();
    let working_cfgs: Vec<&CfgSet> = working.iter().map(|t| &t.cfg).collect();
    let predicate = fix_predicate(&outcome.declared_under, &failing_cfgs, &working_cfgs);
    let where_it_works = if working.is_empty() {
        match &predicate {
            Some(p) => format!("; it exists only where `{p}` holds"),
            None => String::new(),
        }
    } else {
        format!("; it exists on {}", format_targets(working_names))
    };
    let message = format!(
        "{} does not exist on {}{where_it_works}{}",
        outcome.what,
        format_targets(failing_names),
        portable_alternative(&outcome.what)
            .map(|hint| format!(" ({hint})"))
            .unwrap_or_default(),
    );
    let fixes = match (&predicate, &outcome.slot, working.is_empty()) {
        (Some(predicate), Some((offset, indent)), false) => vec![cfg_gate_fix(
            "Compile this only where it exists",
            predicate,
            file.path,
            *offset,
            indent,
        )],
        _ => Vec::new(),
    };
    (message, fixes)
}

/// `#[cfg(predicate)]` inserted at `offset` (the start of the item or statement), keeping
/// its indentation for what follows.
fn cfg_gate_fix(
    title: &str,
    predicate: &str,
    file: &std::path::Path,
    offset: usize,
    indent: &str,
) -> Fix {
    Fix {
        title: format!("{title}: #[cfg({predicate})]"),
        edits: vec![TextEdit {
            file: file.to_path_buf(),
            range: offset..offset,
            new_text: format!("#[cfg({predicate})]\n{indent}"),
        }],
        preferred: false,
    }
}

fn select<'a>(
    input: &'a SemanticInput<'_>,
    outcome: &Outcome,
    wanted: Verdict,
) -> Vec<&'a TargetView> {
    input
        .targets
        .iter()
        .zip(&outcome.verdicts)
        .filter(|(_, v)| **v == wanted)
        .map(|(t, _)| t)
        .collect()
}

/// The predicate for `#[cfg(…)]`: where the item is declared, when that separates the
/// failing targets from the working ones; else the simplest cfg atom (or `any` of atoms)
/// of the working targets that no failing target has.
fn fix_predicate(declared: &[CfgExpr], failing: &[&CfgSet], working: &[&CfgSet]) -> Option<String> {
    let separates = |expr: &CfgExpr| {
        working.iter().all(|cfg| expr.eval(cfg)) && failing.iter().all(|cfg| !expr.eval(cfg))
    };
    let declared: Vec<CfgExpr> = declared
        .iter()
        .filter(|e| !matches!(e, CfgExpr::Literal(false)))
        .cloned()
        .collect();
    let from_declaration = match declared.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(CfgExpr::Any(many.to_vec())),
    };
    if let Some(expr) = from_declaration {
        if !matches!(expr, CfgExpr::Literal(_)) && separates(&expr) {
            return Some(expr.to_string());
        }
    }
    let first = working.first()?;
    let mut atoms: Vec<&CfgAtom> = first
        .atoms()
        .filter(|atom| working.iter().all(|cfg| cfg.contains(atom)))
        .filter(|atom| failing.iter().all(|cfg| !cfg.contains(atom)))
        .collect();
    atoms.sort_by_key(|atom| atom_preference(atom));
    atoms
        .first()
        .map(|atom| CfgExpr::Atom((*atom).clone()).to_string())
}

/// Plain family names first, then the keys people gate on most.
fn atom_preference(atom: &CfgAtom) -> usize {
    const KEYS: [&str; 8] = [
        "target_family",
        "target_os",
        "target_has_atomic",
        "target_pointer_width",
        "target_arch",
        "target_env",
        "target_vendor",
        "feature",
    ];
    match atom {
        CfgAtom::Name(_) => 0,
        CfgAtom::KeyValue(key, _) => 1 + KEYS.iter().position(|k| k == key).unwrap_or(KEYS.len()),
    }
}

/// Where the ecosystem has a portable replacement for a whole family of items.
fn portable_alternative(what: &str) -> Option<&'static str> {
    const ALTERNATIVES: [(&str, &str); 2] = [
        (
            "sync::atomic::",
            "`portable-atomic` provides every atomic type on every target; `critical-section` guards plain data",
        ),
        ("os::unix::", "gate it, or use a portable crate such as `rustix` or `nix` behind `#[cfg(unix)]`"),
    ];
    ALTERNATIVES
        .iter()
        .find(|(needle, _)| what.contains(needle))
        .map(|(_, hint)| *hint)
}

/// A gate as a predicate with `doc`/`test` folded away (never set for a user's build).
pub fn declaration_predicate(gate: &crate::analysis::syntax::Gate) -> Option<CfgExpr> {
    gate_expr(gate).map(|expr| expr.assuming_off(&["doc", "test", "miri"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::FileSyntax;
    use std::path::Path;

    fn target(triple: &str, cfg: &str) -> TargetView {
        TargetView {
            triple: triple.to_string(),
            cfg: CfgSet::from_rustc_print_cfg(cfg),
            has_std: true,
        }
    }

    /// Over every split of four targets into failing and working ones and every pair of
    /// declaration gates, the message never claims the item exists where it fails: a
    /// predicate it names (`exists only where P`) is false on every failing target, the
    /// targets it says the item exists on are working ones, and a fix's `#[cfg(P)]` holds on
    /// every working target and no failing one.
    #[test]
    fn a_message_never_contradicts_itself() {
        let targets = [
            target(
                "linux",
                "unix\ntarget_os=\"linux\"\nfeature=\"x\"\ntarget_has_atomic=\"64\"",
            ),
            target(
                "windows",
                "windows\ntarget_os=\"windows\"\ntarget_has_atomic=\"64\"",
            ),
            target("wasm", "target_arch=\"wasm32\"\nfeature=\"x\""),
            target("thumb", "target_os=\"none\""),
        ];
        let gates: Vec<CfgExpr> = [
            "unix",
            "windows",
            "not(unix)",
            "any(unix, windows)",
            "target_os = \"linux\"",
            "feature = \"x\"",
            "all(unix, feature = \"x\")",
            "target_has_atomic = \"64\"",
            "any(doc, unix)",
            "true",
            "false",
        ]
        .iter()
        .filter_map(|text| CfgExpr::parse(text).ok())
        .collect();
        let syntax = FileSyntax::parse("");
        let gate = crate::analysis::syntax::Gate::default();
        let file = CrateFile {
            path: Path::new("/lib.rs"),
            text: "",
            syntax: &syntax,
            module_gate: &gate,
        };
        let mut declared_sets: Vec<Vec<CfgExpr>> = vec![Vec::new()];
        for a in &gates {
            declared_sets.push(vec![a.clone()]);
            for b in &gates {
                declared_sets.push(vec![a.clone(), b.clone()]);
            }
        }
        let mut checked = 0;
        // Each target failing (1), working (2) or neither (0).
        for split in 0..3usize.pow(targets.len() as u32) {
            let role = |index: usize| (split / 3usize.pow(index as u32)) % 3;
            let failing: Vec<&TargetView> = (0..targets.len())
                .filter(|&i| role(i) == 1)
                .map(|i| &targets[i])
                .collect();
            let working: Vec<&TargetView> = (0..targets.len())
                .filter(|&i| role(i) == 2)
                .map(|i| &targets[i])
                .collect();
            if failing.is_empty() {
                continue;
            }
            let failing_names: Vec<String> = failing.iter().map(|t| t.triple.clone()).collect();
            let working_names: Vec<String> = working.iter().map(|t| t.triple.clone()).collect();
            for declared in &declared_sets {
                let outcome = Outcome {
                    verdicts: Vec::new(),
                    declared_under: declared
                        .iter()
                        .map(|e| e.assuming_off(&["doc", "test", "miri"]))
                        .collect(),
                    range: 0..1,
                    what: "`item`".to_string(),
                    needs_extern_alloc: false,
                    alloc_instead: None,
                    slot: Some((0, String::new())),
                    file: 0,
                };
                let (message, fixes) = missing_item(
                    &file,
                    &outcome,
                    &failing,
                    &working,
                    &failing_names,
                    &working_names,
                );
                if let Some(rest) = message.split("exists only where `").nth(1) {
                    let predicate = rest.split('`').next().unwrap_or_default();
                    let parsed = CfgExpr::parse(predicate);
                    assert!(parsed.is_ok(), "{message}");
                    if let Ok(parsed) = parsed {
                        for target in &failing {
                            assert!(
                                !parsed.eval(&target.cfg),
                                "{message}: holds on {}",
                                target.triple
                            );
                        }
                    }
                }
                if let Some(rest) = message.split("; it exists on ").nth(1) {
                    for target in &failing {
                        assert!(!rest.contains(&target.triple), "{message}");
                    }
                }
                for fix in &fixes {
                    let text = &fix.edits[0].new_text;
                    let predicate = text
                        .strip_prefix("#[cfg(")
                        .and_then(|t| t.split(")]\n").next())
                        .unwrap_or_default();
                    let parsed = CfgExpr::parse(predicate);
                    assert!(parsed.is_ok(), "{text}");
                    if let Ok(parsed) = parsed {
                        assert!(
                            working.iter().all(|t| parsed.eval(&t.cfg)),
                            "{message}: {text}"
                        );
                        assert!(
                            failing.iter().all(|t| !parsed.eval(&t.cfg)),
                            "{message}: {text}"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 1000);
    }
}
