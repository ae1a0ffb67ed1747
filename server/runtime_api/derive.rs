//! Derivation: for each target, resolve every mapped `sys` function in the rust-src tree
//! as that target compiles it (at its current place, else where an older std keeps it),
//! classify it, apply reviewed overrides and the public API's own handling (an `.expect`
//! turns an error into a panic), and emit one row per (API, target).

use super::classify::{classify, Classification};
use super::mapping::{self, ApiMapping, OlderPlace, Override};
use super::modules::ModuleTree;
use super::targets::has_std;
use super::{ApiRow, Behaviour};
use crate::analysis::cfg::CfgSet;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

/// What one `sys` function does for one target, and where that was read.
#[derive(Debug, Clone)]
struct SysBehaviour {
    classification: Classification,
    source: String,
}

pub fn derive_rows(library: &Path, targets: &[(String, CfgSet)]) -> Result<Vec<ApiRow>> {
    if !library.join("std/src/sys/mod.rs").is_file() {
        bail!(
            "{} is not a rust-src `library` directory (no std/src/sys/mod.rs)",
            library.display()
        );
    }
    let mappings = mapping::mappings()?;
    let overrides = mapping::overrides()?;
    let older = mapping::older_places()?;
    let rules = Rules {
        overrides: &overrides,
        older: &older,
    };
    let mut rows = Vec::new();
    for (target, cfg) in targets {
        if !has_std(cfg) {
            rows.extend(mappings.iter().map(|mapping| absent_row(mapping, target)));
            continue;
        }
        let mut tree = ModuleTree::new(library, cfg)
            .with_context(|| format!("loading std::sys for {target}"))?;
        let mut by_sys: HashMap<&str, SysBehaviour> = HashMap::new();
        for mapping in &mappings {
            if !by_sys.contains_key(mapping.sys.as_str()) {
                let found = sys_behaviour(&mut tree, library, cfg, &mapping.sys, &rules)
                    .with_context(|| format!("deriving `{}` for {target}", mapping.api))?;
                by_sys.insert(mapping.sys.as_str(), found);
            }
            let found = by_sys
                .get(mapping.sys.as_str())
                .ok_or_else(|| anyhow!("internal: `{}` not derived", mapping.sys))?;
            rows.push(public_row(mapping, target, found));
        }
    }
    Ok(rows)
}

/// The hand-kept data that applies to every mapped function.
struct Rules<'a> {
    overrides: &'a [Override],
    older: &'a [OlderPlace],
}

/// The one line that says why a toolchain's rust-src was not used and what is used instead.
pub fn fallback_note(library: &Path, error: &anyhow::Error) -> String {
    let shipped = match super::ApiTable::shipped().rust_src() {
        Some(version) => format!("the shipped table (std {version})"),
        None => "the shipped table".to_string(),
    };
    format!(
        "cannot derive the run-time API table from {} ({error:#}); using {shipped}",
        library.display()
    )
}

/// The release of the rust-src around `library`: its `src/version` ("1.96.0"), which
/// Debian's rust-src packages and rust's source tarballs carry (rustup's `rust-src`
/// component does not).
pub fn rust_src_version(library: &Path) -> Option<String> {
    let text = std::fs::read_to_string(library.parent()?.join("src/version")).ok()?;
    let version = text.trim();
    let plausible = !version.is_empty()
        && version.len() < 64
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    plausible.then(|| version.to_string())
}

/// What `sys` (named by its current path) does for the target. Overrides are keyed by the
/// current path, whichever layout the function was found in.
fn sys_behaviour(
    tree: &mut ModuleTree<'_>,
    library: &Path,
    cfg: &CfgSet,
    sys: &str,
    rules: &Rules<'_>,
) -> Result<SysBehaviour> {
    let places = mapping::places_to_try(sys, rules.older);
    let mut found = None;
    for place in &places {
        if let Some(function) = tree.resolve_function(place)? {
            found = Some(function);
            break;
        }
    }
    let found = found.ok_or_else(|| not_found(sys, &places, library))?;
    let mut classification = classify(&found.function, cfg)?;
    let relative = found.file.strip_prefix(library).unwrap_or(&found.file);
    // The backend's own location stays the source, also when an override applies.
    let source = format!("library/{}:{}", relative.display(), found.line);
    if classification.behaviour == Behaviour::Ok {
        if let Some(correction) = rules
            .overrides
            .iter()
            .find(|o| o.sys == sys && o.when.eval(cfg))
        {
            classification = Classification {
                behaviour: correction.behaviour,
                message: format!(
                    "{} [reviewed override: std's code is real, the failure is below it]",
                    correction.message
                ),
            };
        }
    }
    Ok(SysBehaviour {
        classification,
        source,
    })
}

fn not_found(sys: &str, places: &[String], library: &Path) -> anyhow::Error {
    let older: Vec<String> = places
        .iter()
        .skip(1)
        .map(|place| format!("`{place}`"))
        .collect();
    let also = if older.is_empty() {
        String::new()
    } else {
        format!(" (nor at its older places {})", older.join(", "))
    };
    anyhow!(
        "cannot find `std::sys::{sys}`{also} in {}: a std layout data/runtime-api/layouts.toml does not know",
        library.display()
    )
}

fn public_row(mapping: &ApiMapping, target: &str, found: &SysBehaviour) -> ApiRow {
    let Classification {
        mut behaviour,
        mut message,
    } = found.classification.clone();
    match behaviour {
        Behaviour::Error => {
            if let Some(panic) = &mapping.error_panics {
                behaviour = Behaviour::Panic;
                message = format!("{panic}: {message}");
            } else if let Some(quietly) = &mapping.error_becomes_noop {
                behaviour = Behaviour::Noop;
                message = format!("{quietly} (the backend fails: {message})");
            }
        }
        Behaviour::Panic if mapping.aborts_by_design && message.starts_with("aborts") => {
            behaviour = Behaviour::Ok;
            message = String::new();
        }
        Behaviour::Noop => {
            if let Some(meaning) = &mapping.noop_means {
                // Derived: "does nothing (returns `None`)" → "always returns None (returns `None`)";
                // overridden: the override names the cause.
                message = match message.strip_prefix("does nothing") {
                    Some(rest) => format!("{meaning}{rest}"),
                    None => format!("{meaning}: {message}"),
                };
            }
        }
        _ => {}
    }
    ApiRow {
        api: mapping.api.clone(),
        target: target.to_string(),
        behaviour,
        message,
        source: found.source.clone(),
        alternative: alternative_for(mapping, behaviour),
    }
}

/// A portable alternative only where the API misbehaves.
fn alternative_for(mapping: &ApiMapping, behaviour: Behaviour) -> Option<String> {
    match behaviour {
        Behaviour::Ok => None,
        _ => mapping.alternative.clone(),
    }
}

fn absent_row(mapping: &ApiMapping, target: &str) -> ApiRow {
    ApiRow {
        api: mapping.api.clone(),
        target: target.to_string(),
        behaviour: Behaviour::Absent,
        message: "no std on this target (bare metal): only core and alloc exist".to_string(),
        source: "rustc --print cfg: target_os=\"none\"".to_string(),
        alternative: Some(match &mapping.alternative {
            Some(alternative) => format!("a no_std equivalent; {alternative}"),
            None => "a no_std equivalent".to_string(),
        }),
    }
}
