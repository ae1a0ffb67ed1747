//! T0001 `std-in-no-std`: `std` named in a crate that is `#![no_std]` for a target, or a
//! crate that needs std built for a target that has none.
//!
//! The compiler is the judge: in a `#![no_std]` crate a `std::` path fails to resolve unless
//! `extern crate std;` is in effect, and `extern crate std` fails on a target without std.

use super::{format_targets, FindingSet, ReportedIn, Rule};
use crate::analysis::context::{CrateFile, CrateInput, TargetView};
use crate::analysis::finding::{Fix, RuleCode, Severity, TextEdit};
use crate::analysis::resolve::Resolver;
use crate::analysis::std_paths::{Home, StdPaths};
use crate::analysis::syntax::{CrateAttr, PathKind, STD_ONLY_MACROS};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

pub const RULE: Rule = Rule {
    code: RuleCode::T0001,
    name: "std-in-no-std",
    default_severity: Severity::Error,
    reported_in: ReportedIn::Source,
    short: "std paths in a crate that is #![no_std] for a target.",
    summary: "`std` named in a crate that is `#![no_std]` for a target; a std crate built for a target without std (once, at the root). Fix: `core::`/`alloc::` rewrite (+ `extern crate alloc;`)",
    source_file: file!(),
    docs: r#"
**Fires** when a crate is `#![no_std]` for a target (directly, or through
`#![cfg_attr(pred, no_std)]` whose predicate holds for that target and the enabled
features) and names `std`: `use std::…`, a `std::…` path, `::std::…`, an
`extern crate std` on a target that has no std, or std-only macros (`println!`, `vec!`,
`format!`…) without an import.

It also fires **once, at the crate root**, when a crate that is not `no_std` for a target is
built for a target without a standard library (`thumbv7em-none-eabihf`, `wasm32v1-none`…),
instead of once per `std` path. When the crate has `#![cfg_attr(not(feature = "std"), no_std)]`
and a default feature turns `std` on, the message says so (`--no-default-features`).

**Does not fire** where the compiler would accept the code: `extern crate std;` in effect
(e.g. `#[cfg(feature = "std")] extern crate std;` with the feature on) makes `std::` paths
legal on targets that have std. Code gated off for the target (`#[cfg(test)]`,
`#[cfg(feature = "std")]` with the feature off, `mod` declarations under `#[cfg]`) is never
reported for it; `cfg!()` in an expression gates nothing.

**Fix**: rewrite `std` to `core` or `alloc` where the item lives there (from
`data/std-paths.toml`, read off std's own `lib.rs`), adding `extern crate alloc;` after the
crate's inner attributes when needed. A `use std::{…}` group is rewritten only when one
crate fits every member (`core`, or `alloc`, which re-exports `fmt`, `str`, `slice`,
`borrow`). Items that exist only in std (`HashMap`, `Mutex`, `thread`, `fs`…) get no rewrite;
the message names the usual no_std crate (hashbrown, spin, critical-section, embassy…).

**Example**

```rust
#![no_std]
use std::vec::Vec; // error: `std::vec::Vec` is not available … use `alloc::vec::Vec`
```

becomes

```rust
#![no_std]
extern crate alloc;
use alloc::vec::Vec;
```
"#,
};

/// How the crate stands with respect to std on one target.
struct CrateStd {
    no_std: bool,
    /// `extern crate std;` in effect (makes `std::` legal where the target has std).
    extern_std: Vec<Range<usize>>,
    extern_alloc: bool,
    aliases: Vec<(String, String)>,
}

fn crate_std(root: &CrateFile<'_>, target: &TargetView) -> CrateStd {
    let no_std = root.syntax.is_no_std(&target.cfg);
    let active_externs = root.syntax.extern_crates.iter().filter(|krate| {
        krate.gate.is_on(&target.cfg)
            && root
                .syntax
                .scopes
                .get(krate.scope)
                .is_some_and(|s| s.parent.is_none())
    });
    let mut state = CrateStd {
        no_std,
        extern_std: Vec::new(),
        extern_alloc: false,
        aliases: Vec::new(),
    };
    for krate in active_externs {
        match (krate.name.as_str(), krate.alias.as_deref()) {
            ("std", None) => state.extern_std.push(krate.range.clone()),
            ("alloc", None) => state.extern_alloc = true,
            (name, Some(alias)) => {
                if name == "std" {
                    state.extern_std.push(krate.range.clone());
                }
                state.aliases.push((alias.to_string(), name.to_string()));
            }
            _ => {}
        }
    }
    state
}

/// An `extern crate std;` (or `as std`) at the top level of `file`, in effect on `target`.
fn binds_std_at_file_level(file: &CrateFile<'_>, target: &TargetView) -> bool {
    file.syntax.extern_crates.iter().any(|krate| {
        krate.name == "std"
            && krate.alias.as_deref().is_none_or(|alias| alias == "std")
            && krate.gate.is_on(&target.cfg)
            && file
                .syntax
                .scopes
                .get(krate.scope)
                .is_some_and(|scope| scope.parent.is_none())
    })
}

pub fn check(input: &CrateInput<'_>, out: &mut FindingSet) {
    check_crate_level(input, out);
    for index in 0..input.files.len() {
        check_one_file(input, index, out);
    }
}

/// The findings about the crate as a whole, located at its root: a std crate built for a
/// target without std, and `extern crate std` there.
pub fn check_crate_level(input: &CrateInput<'_>, out: &mut FindingSet) {
    let Some(root) = input.files.first() else {
        return;
    };
    for target in input.targets {
        let state = crate_std(root, target);
        if !target.has_std && !state.no_std {
            crate_needs_std(input, root, target, out);
            continue;
        }
        if state.no_std && !target.has_std {
            for range in &state.extern_std {
                out.add(
                    RuleCode::T0001,
                    input.package,
                    root.path,
                    range.clone(),
                    &target.triple,
                    |targets| {
                        format!(
                            "`extern crate std` cannot be built for {}: the target has no standard library",
                            format_targets(targets)
                        )
                    },
                    Vec::new,
                );
            }
        }
    }
}

/// The `std` paths of `input.files[index]`. They depend only on that file, the crate
/// root's attributes and the targets, which lets the engine cache them per file.
pub fn check_one_file(input: &CrateInput<'_>, index: usize, out: &mut FindingSet) {
    let (Some(root), Some(file)) = (input.files.first(), input.files.get(index)) else {
        return;
    };
    let table = StdPaths::embedded();
    for target in input.targets {
        let state = crate_std(root, target);
        if !state.no_std || (target.has_std && !state.extern_std.is_empty()) {
            // A std crate (crate-level finding), or `extern crate std;` makes `std::`
            // paths legal on this target.
            continue;
        }
        // `extern crate std;` in this module's own file binds `std` here (wasi's
        // `#[cfg(feature = "std")] extern crate std;` beside its `impl std::error::Error`).
        if target.has_std && index > 0 && binds_std_at_file_level(file, target) {
            continue;
        }
        if file.is_on(&target.cfg) {
            let context = FileContext {
                input,
                root,
                file,
                target,
                state: &state,
                table,
            };
            check_file(&context, out);
        }
    }
}

/// What checking one file of the crate for one target needs.
struct FileContext<'a> {
    input: &'a CrateInput<'a>,
    root: &'a CrateFile<'a>,
    file: &'a CrateFile<'a>,
    target: &'a TargetView,
    state: &'a CrateStd,
    table: &'a StdPaths,
}

fn check_file(context: &FileContext<'_>, out: &mut FindingSet) {
    let FileContext {
        file,
        target,
        state,
        table,
        ..
    } = *context;
    let resolver = Resolver::new(file.syntax, &target.cfg, &state.aliases);
    let mut imported_macros = BTreeSet::new();
    // Entries of one `use std::{…}` group share the `std` segment: collect them first so
    // the rewrite fits every entry of the group.
    let mut groups: BTreeMap<(usize, usize), Vec<Vec<String>>> = BTreeMap::new();
    for entry in &file.syntax.uses {
        // Any import of the name shadows std's macro (`use crate::alloc::vec;` too).
        if let Some(bound) = &entry.binds {
            imported_macros.insert(bound.clone());
        }
        let Some(resolved) = resolver.resolve_use(entry) else {
            continue;
        };
        if resolved.krate() != "std" || !resolved.direct {
            continue;
        }
        let Some(std_range) = entry.segment_ranges.first() else {
            continue;
        };
        groups
            .entry((std_range.start, std_range.end))
            .or_default()
            .push(resolved.canonical);
    }
    for ((start, end), members) in groups {
        let target_crate = group_crate(table, &members);
        for canonical in &members {
            report_std_path(context, canonical, start..end, target_crate, out);
        }
    }
    for path in &file.syntax.paths {
        if !path.gate.is_on(&target.cfg) {
            continue;
        }
        if let Some(resolved) = resolver.resolve_path(path) {
            if resolved.krate() == "std" && resolved.direct {
                let Some(std_range) = path.segment_ranges.first().cloned() else {
                    continue;
                };
                let target_crate = group_crate(table, std::slice::from_ref(&resolved.canonical));
                report_std_path(context, &resolved.canonical, std_range, target_crate, out);
            }
            continue;
        }
        // `println!` and friends without an import: std's prelude macros.
        let [name] = path.segments.as_slice() else {
            continue;
        };
        if path.kind == PathKind::Macro
            && STD_ONLY_MACROS.contains(&name.as_str())
            && !imported_macros.contains(name)
        {
            let canonical = vec!["std".to_string(), name.clone()];
            let insert_at = path.range.start..path.range.start;
            let target_crate = group_crate(table, std::slice::from_ref(&canonical));
            report_std_path(context, &canonical, insert_at, target_crate, out);
        }
    }
}

/// Reports one `std` path. `std_range` is the `std` segment to rewrite, or an empty range
/// before a bare macro name where the crate name is to be inserted.
fn report_std_path(
    context: &FileContext<'_>,
    canonical: &[String],
    std_range: Range<usize>,
    new_crate: Option<&'static str>,
    out: &mut FindingSet,
) {
    let FileContext {
        input,
        root,
        file,
        target,
        state,
        table,
    } = *context;
    let rest = &canonical[1..];
    let placement = table.placement(rest);
    let written = canonical.join("::");
    let bare_macro = std_range.is_empty();
    let location = if bare_macro {
        std_range.start..std_range.start + rest.join("::").len() + 1
    } else {
        std_range.clone()
    };
    let alternative = placement.and_then(|p| p.alternative.clone());
    let fixes = || {
        let Some(new_crate) = new_crate else {
            return Vec::new();
        };
        let replacement = if bare_macro {
            format!("{new_crate}::")
        } else {
            new_crate.to_string()
        };
        let mut edits = vec![TextEdit {
            file: file.path.to_path_buf(),
            range: std_range.clone(),
            new_text: replacement,
        }];
        if new_crate == "alloc" && !state.extern_alloc {
            edits.push(extern_alloc_edit(root));
        }
        vec![Fix {
            title: format!("Use `{new_crate}::{}`", rest.join("::")),
            edits,
            preferred: true,
        }]
    };
    out.add(
        RuleCode::T0001,
        input.package,
        file.path,
        location,
        &target.triple,
        |targets| {
            let own_home = match placement.map(|p| p.home) {
                Some(Home::Core) => Some("core"),
                Some(Home::Alloc) => Some("alloc"),
                _ => None,
            };
            let advice = match (new_crate.or(own_home), &alternative) {
                (Some(krate), _) => format!("use `{krate}::{}`", rest.join("::")),
                (None, Some(alternative)) => {
                    format!("it exists only in std; on no_std use {alternative}")
                }
                (None, None) => "it may exist in `core` or `alloc`".to_string(),
            };
            format!(
                "`{written}` is not available: this crate is `#![no_std]` on {}; {advice}",
                format_targets(targets)
            )
        },
        fixes,
    );
}

/// Modules that `alloc` re-exports from `core` under the same path.
const ALLOC_REEXPORTS_CORE: &[&str] = &["fmt", "slice", "str", "borrow"];

/// The crate that can replace `std` for every path of a `use` group: `core` when all live
/// there, else `alloc` when it has them all, else none (the user splits the import).
fn group_crate(table: &StdPaths, members: &[Vec<String>]) -> Option<&'static str> {
    let homes: Vec<(Option<Home>, Option<&String>)> = members
        .iter()
        .map(|canonical| {
            (
                table.placement(&canonical[1..]).map(|p| p.home),
                canonical.get(1),
            )
        })
        .collect();
    if homes.iter().all(|(home, _)| *home == Some(Home::Core)) {
        return Some("core");
    }
    let in_alloc = |(home, module): &(Option<Home>, Option<&String>)| match home {
        Some(Home::Alloc) => true,
        Some(Home::Core) => module.is_some_and(|m| ALLOC_REEXPORTS_CORE.contains(&m.as_str())),
        _ => false,
    };
    homes.iter().all(in_alloc).then_some("alloc")
}

/// `extern crate alloc;` on its own line after the crate's inner attributes.
pub(crate) fn extern_alloc_edit(root: &CrateFile<'_>) -> TextEdit {
    let at = root.syntax.after_inner_attrs;
    let new_text = if at == 0 {
        "extern crate alloc;\n".to_string()
    } else {
        "\nextern crate alloc;".to_string()
    };
    TextEdit {
        file: root.path.to_path_buf(),
        range: at..at,
        new_text,
    }
}

/// One error at the crate root for a std crate built for a target without std.
fn crate_needs_std(
    input: &CrateInput<'_>,
    root: &CrateFile<'_>,
    target: &TargetView,
    out: &mut FindingSet,
) {
    let conditional = root.syntax.crate_attrs.iter().find_map(|attr| match attr {
        CrateAttr::NoStd { gate, range } if !gate.0.is_empty() => Some(range.clone()),
        _ => None,
    });
    let first_line_end = root.text.find('\n').unwrap_or(root.text.len());
    let range = conditional
        .clone()
        .unwrap_or(0..first_line_end.min(root.text.len()));
    let has_condition = conditional.is_some();
    let fixes = || {
        if has_condition {
            return Vec::new();
        }
        vec![Fix {
            title: "Make the crate `#![no_std]`".to_string(),
            edits: vec![TextEdit {
                file: root.path.to_path_buf(),
                range: 0..0,
                new_text: "#![no_std]\n".to_string(),
            }],
            preferred: false,
        }]
    };
    out.add(
        RuleCode::T0001,
        input.package,
        root.path,
        range,
        &target.triple,
        |targets| {
            if has_condition {
                format!(
                    "crate `{}` links std on {}, which has no standard library: the `no_std` condition is false for the enabled features (try `--no-default-features`)",
                    input.package,
                    format_targets(targets)
                )
            } else {
                format!(
                    "crate `{}` is not `#![no_std]`, but {} has no standard library",
                    input.package,
                    format_targets(targets)
                )
            }
        },
        fixes,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<Vec<String>> {
        list.iter()
            .map(|p| p.split("::").map(String::from).collect())
            .collect()
    }

    #[test]
    fn use_groups_get_one_crate_that_fits_every_member() {
        let table = StdPaths::embedded();
        assert_eq!(
            group_crate(table, &paths(&["std::fmt", "std::cmp::Ordering"])),
            Some("core")
        );
        assert_eq!(
            group_crate(table, &paths(&["std::fmt", "std::string::String"])),
            Some("alloc")
        );
        assert_eq!(
            group_crate(table, &paths(&["std::cmp::Ordering", "std::vec::Vec"])),
            None
        );
        assert_eq!(
            group_crate(table, &paths(&["std::collections::HashMap"])),
            None
        );
    }
}
