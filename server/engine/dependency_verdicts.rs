//! The engine's side of T0005's generic judgement: each dependency's crate root (and the
//! root's file modules and build script) read once through `DiskProvider`, and the verdict
//! per (crate, enabled features, target, rustflags cfgs) kept for the engine's life. The
//! verdict itself is the analysis's (`crate_verdict::judge`).

use crate::analysis::context::DependencyVerdicts;
use crate::analysis::crate_verdict::{judge, CrateSources, Failure, TargetFacts};
use crate::analysis::dependency_graph::GraphPackage;
use crate::analysis::items::source::ModuleSource;
use crate::analysis::items::SourceProvider;
use crate::semantic::DiskProvider;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

type VerdictKey = (PathBuf, Vec<String>, String, Vec<String>);

#[derive(Default)]
pub(super) struct DiskVerdicts {
    sources: Mutex<HashMap<PathBuf, Option<Arc<CrateSources>>>>,
    verdicts: Mutex<HashMap<VerdictKey, Option<Failure>>>,
}

impl DiskVerdicts {
    fn sources(&self, package: &GraphPackage) -> Option<Arc<CrateSources>> {
        let root = package.lib_root.as_ref()?;
        let mut known = match self.sources.lock() {
            Ok(known) => known,
            Err(poisoned) => poisoned.into_inner(),
        };
        known
            .entry(root.clone())
            .or_insert_with(|| read_sources(root, package.build_script.as_deref()).map(Arc::new))
            .clone()
    }
}

impl DependencyVerdicts for DiskVerdicts {
    fn verdict(
        &self,
        package: &GraphPackage,
        features: &[String],
        triple: &str,
        facts: TargetFacts<'_>,
    ) -> Option<Failure> {
        let root = package.lib_root.clone()?;
        let key = (
            root,
            features.to_vec(),
            triple.to_string(),
            facts.rustflags_cfgs.to_vec(),
        );
        if let Ok(verdicts) = self.verdicts.lock() {
            if let Some(known) = verdicts.get(&key) {
                return known.clone();
            }
        }
        let verdict = self
            .sources(package)
            .and_then(|sources| judge(&sources, features, facts));
        if let Ok(mut verdicts) = self.verdicts.lock() {
            verdicts.insert(key, verdict.clone());
        }
        verdict
    }
}

/// The crate root, the files of its `mod x;` declarations, and its build script's text.
/// `None` when the root cannot be read (unknown: silent).
fn read_sources(root: &Path, build_script: Option<&Path>) -> Option<CrateSources> {
    let provider = DiskProvider::default();
    let text = provider.read(root)?;
    let module = ModuleSource::parse(&text);
    let dir = root.parent().unwrap_or(Path::new("."));
    let mut modules = Vec::new();
    // A module whose file a `cfg_attr(…, path)` picks is not read: which file depends on
    // the target (errno's `sys`), and its fallback's compile_error! would be blamed.
    for declaration in module
        .mods
        .iter()
        .filter(|m| m.inline.is_none() && !m.path_under_cfg)
    {
        let candidates = match &declaration.path_attr {
            Some(path) => vec![dir.join(path)],
            None => vec![
                dir.join(format!("{}.rs", declaration.name)),
                dir.join(&declaration.name).join("mod.rs"),
            ],
        };
        if let Some((path, text)) = candidates
            .into_iter()
            .find_map(|path| provider.read(&path).map(|text| (path, text)))
        {
            modules.push((path, declaration.gate.clone(), ModuleSource::parse(&text)));
        }
    }
    Some(CrateSources {
        root_path: root.to_path_buf(),
        root: module,
        modules,
        build_script: build_script.map(|path| provider.read(path).map(|text| text.to_string())),
    })
}
