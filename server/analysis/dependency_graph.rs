//! What `cargo check -p M --target T` builds: the dependency graph of one workspace member
//! for one target, with its features, as Cargo's resolver 2 activates them. Pure: the
//! engine hands in the packages `cargo metadata` lists (with which package each dependency
//! resolved to), this walks them.
//!
//! Per member, never unified over the workspace: a member is not blamed for a feature
//! only another member turns on. Normal dependencies follow the target's cfg; build
//! dependencies and proc-macros are built for the host, with their own features (resolver
//! 2 keeps host and target features apart). Every reached crate keeps the way it was
//! reached (its parent and the feature edge that activated it), so a finding can say
//! `reqwest → hyper-util → tokio (feature "net") → mio`.

use super::cfg::{CfgExpr, CfgSet};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

pub type PackageIndex = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    Normal,
    Build,
}

/// A dependency as a package's manifest declares it, with what it resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GraphDependency {
    /// The key in `[dependencies]`: the rename when there is one (what features name).
    pub key: String,
    /// The package's name (`package = "…"` or the key).
    pub package_name: String,
    pub kind: DependencyKind,
    /// `[target.<platform>]`: a triple or `cfg(…)`.
    pub platform: Option<String>,
    pub optional: bool,
    pub default_features: bool,
    pub features: Vec<String>,
    /// The package the resolver chose (`None`: not in the resolve, so unknown).
    pub resolved: Option<PackageIndex>,
}

/// A package of the graph: its features table and dependencies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GraphPackage {
    pub name: String,
    pub version: String,
    pub features: BTreeMap<String, Vec<String>>,
    pub dependencies: Vec<GraphDependency>,
    pub proc_macro: bool,
    /// The library's root file (`None`: no library target).
    pub lib_root: Option<PathBuf>,
    /// The build script, when the package has one.
    pub build_script: Option<PathBuf>,
    /// A workspace member (its sources are the user's; Triplet's other rules judge them).
    pub workspace_member: bool,
}

/// Every package `cargo metadata` listed, indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageGraph {
    pub packages: Vec<GraphPackage>,
}

/// The features the command line selects for the member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RootFeatures {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
}

/// A platform a unit is built for: the target, or the host for build scripts' dependencies
/// and proc-macros.
#[derive(Debug, Clone, Copy)]
pub struct Platform<'a> {
    pub triple: &'a str,
    pub cfg: &'a CfgSet,
}

impl Platform<'_> {
    /// Whether a `[target.<platform>]` table applies (an unparsable one: no, as cargo errs).
    pub fn matches(&self, platform: Option<&str>) -> bool {
        match platform {
            None => true,
            Some(platform) => match platform
                .trim()
                .strip_prefix("cfg(")
                .and_then(|p| p.strip_suffix(')'))
            {
                Some(predicate) => CfgExpr::parse(predicate).is_ok_and(|e| e.eval(self.cfg)),
                None => platform.trim() == self.triple,
            },
        }
    }
}

/// Why a feature of a unit is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureCause {
    /// The command line (the member's own features).
    Selected,
    /// Asked for by the declaration of the dependency in `unit`'s manifest (its `features`
    /// list, or `default` unless `default-features = false`).
    Declaration { unit: usize },
    /// Listed under another feature: `feature` of `unit` (the same unit or its dependent).
    Feature { unit: usize, feature: String },
}

/// One crate built: a package for the target or for the host.
#[derive(Debug, Clone)]
pub struct Unit {
    /// `None` for the member itself.
    pub package: Option<PackageIndex>,
    pub for_host: bool,
    pub features: BTreeMap<String, FeatureCause>,
    /// The unit that first reached this one, through which dependency key, and the feature
    /// of the parent that turned that (optional) dependency on.
    pub parent: Option<(usize, String, Option<String>)>,
}

/// The member's build for one target: unit 0 is the member.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub units: Vec<Unit>,
}

#[derive(Debug)]
enum Request {
    Feature(String),
    /// Turn on an optional dependency (by key).
    Dependency(String),
    /// `key/feature` (`weak`: `key?/feature`, only when the dependency is on anyway).
    DependencyFeature {
        key: String,
        feature: String,
        weak: bool,
    },
}

struct State<'g> {
    graph: &'g PackageGraph,
    root: &'g GraphPackage,
    target: Platform<'g>,
    host: Platform<'g>,
    units: Vec<Unit>,
    index: HashMap<(PackageIndex, bool), usize>,
    /// Per unit: optional dependency keys turned on.
    active: Vec<BTreeSet<String>>,
    /// Per unit: features asked of a dependency key (`key/feature`), with their cause.
    asked: Vec<Vec<(String, String, FeatureCause, bool)>>,
    /// Per unit: (dependency key, child unit) edges made.
    children: Vec<Vec<(String, usize)>>,
    queue: VecDeque<(usize, Request, FeatureCause)>,
}

/// Resolves `root` (the member, possibly as its unsaved manifest declares it) for `target`.
pub fn resolve(
    graph: &PackageGraph,
    root: &GraphPackage,
    selection: &RootFeatures,
    target: Platform<'_>,
    host: Platform<'_>,
) -> Resolution {
    let mut state = State {
        graph,
        root,
        target,
        host,
        units: Vec::new(),
        index: HashMap::new(),
        active: Vec::new(),
        asked: Vec::new(),
        children: Vec::new(),
        queue: VecDeque::new(),
    };
    state.new_unit(None, false, None);
    if selection.all_features {
        for feature in root.features.keys() {
            state.push(0, Request::Feature(feature.clone()), FeatureCause::Selected);
        }
        for dependency in root.dependencies.iter().filter(|d| d.optional) {
            let request = Request::Dependency(dependency.key.clone());
            state.push(0, request, FeatureCause::Selected);
        }
    }
    if !selection.no_default_features {
        state.push(
            0,
            Request::Feature("default".into()),
            FeatureCause::Selected,
        );
    }
    for feature in selection
        .features
        .iter()
        .flat_map(|f| f.split([',', ' ']))
        .filter(|f| !f.is_empty())
    {
        state.push(0, parse_feature_value(feature), FeatureCause::Selected);
    }
    state.run();
    Resolution { units: state.units }
}

/// `dep:x`, `x/y`, `x?/y` or a plain feature name.
fn parse_feature_value(value: &str) -> Request {
    if let Some(dependency) = value.strip_prefix("dep:") {
        return Request::Dependency(dependency.to_string());
    }
    match value.split_once('/') {
        Some((key, feature)) => match key.strip_suffix('?') {
            Some(key) => Request::DependencyFeature {
                key: key.to_string(),
                feature: feature.to_string(),
                weak: true,
            },
            None => Request::DependencyFeature {
                key: key.to_string(),
                feature: feature.to_string(),
                weak: false,
            },
        },
        None => Request::Feature(value.to_string()),
    }
}

impl<'g> State<'g> {
    fn package(&self, unit: usize) -> &'g GraphPackage {
        match self.units[unit].package {
            Some(index) => self.graph.packages.get(index).unwrap_or(self.root),
            None => self.root,
        }
    }

    fn push(&mut self, unit: usize, request: Request, cause: FeatureCause) {
        self.queue.push_back((unit, request, cause));
    }

    fn new_unit(
        &mut self,
        package: Option<PackageIndex>,
        for_host: bool,
        parent: Option<(usize, String, Option<String>)>,
    ) -> usize {
        let unit = self.units.len();
        self.units.push(Unit {
            package,
            for_host,
            features: BTreeMap::new(),
            parent,
        });
        self.active.push(BTreeSet::new());
        self.asked.push(Vec::new());
        self.children.push(Vec::new());
        if let Some(package) = package {
            self.index.insert((package, for_host), unit);
        }
        // Non-optional dependencies are always built.
        let dependencies = &self.package(unit).dependencies;
        for dependency in dependencies.iter().filter(|d| !d.optional) {
            self.connect(unit, dependency, None);
        }
        unit
    }

    fn run(&mut self) {
        while let Some((unit, request, cause)) = self.queue.pop_front() {
            match request {
                Request::Feature(feature) => self.enable_feature(unit, feature, cause),
                Request::Dependency(key) => self.enable_dependency(unit, &key, &cause),
                Request::DependencyFeature { key, feature, weak } => {
                    self.ask_dependency_feature(unit, key, feature, weak, cause)
                }
            }
        }
    }

    fn enable_feature(&mut self, unit: usize, feature: String, cause: FeatureCause) {
        if self.units[unit].features.contains_key(&feature) {
            return;
        }
        let package = self.package(unit);
        match package.features.get(&feature) {
            Some(values) => {
                self.units[unit].features.insert(feature.clone(), cause);
                for value in values {
                    let because = FeatureCause::Feature {
                        unit,
                        feature: feature.clone(),
                    };
                    self.push(unit, parse_feature_value(value), because);
                }
            }
            // An optional dependency used as a feature (implicit features).
            None if package
                .dependencies
                .iter()
                .any(|d| d.optional && d.key == feature) =>
            {
                self.units[unit].features.insert(feature.clone(), cause);
                let because = FeatureCause::Feature {
                    unit,
                    feature: feature.clone(),
                };
                self.push(unit, Request::Dependency(feature), because);
            }
            // `default` of a package without one; a feature cargo would reject.
            None => {}
        }
    }

    fn enable_dependency(&mut self, unit: usize, key: &str, cause: &FeatureCause) {
        if !self.active[unit].insert(key.to_string()) {
            return;
        }
        let by_feature = match cause {
            FeatureCause::Feature { feature, .. } => Some(feature.clone()),
            _ => None,
        };
        let package = self.package(unit);
        for dependency in package
            .dependencies
            .iter()
            .filter(|d| d.optional && d.key == key)
        {
            self.connect(unit, dependency, by_feature.clone());
        }
    }

    fn ask_dependency_feature(
        &mut self,
        unit: usize,
        key: String,
        feature: String,
        weak: bool,
        cause: FeatureCause,
    ) {
        let package = self.package(unit);
        let optional = package
            .dependencies
            .iter()
            .any(|d| d.optional && d.key == key);
        if !weak && optional {
            // `dep/feat` turns the dependency on, and its implicit feature with it, but only
            // where the dependency is built (as cargo: tokio's `windows-sys/…` on wasm32).
            let built_here = package.dependencies.iter().any(|d| {
                d.optional
                    && d.key == key
                    && self.platform_of(unit, d).matches(d.platform.as_deref())
            });
            let implicit_feature = package.features.contains_key(&key)
                || !package
                    .features
                    .values()
                    .flatten()
                    .any(|v| v == &format!("dep:{key}"));
            if built_here && implicit_feature {
                self.push(unit, Request::Feature(key.clone()), cause.clone());
            }
            self.push(unit, Request::Dependency(key.clone()), cause.clone());
        }
        self.asked[unit].push((key.clone(), feature.clone(), cause.clone(), weak));
        let children: Vec<usize> = self.children[unit]
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, child)| *child)
            .collect();
        for child in children {
            self.push(child, Request::Feature(feature.clone()), cause.clone());
        }
    }

    /// Where `dependency` of `unit` is built: the host for build dependencies and anything
    /// under a host unit, else the target.
    fn platform_of(&self, unit: usize, dependency: &GraphDependency) -> Platform<'g> {
        if self.units[unit].for_host || dependency.kind == DependencyKind::Build {
            self.host
        } else {
            self.target
        }
    }

    fn connect(&mut self, unit: usize, dependency: &GraphDependency, by_feature: Option<String>) {
        let Some(resolved) = dependency.resolved else {
            return;
        };
        let parent_for_host = self.units[unit].for_host;
        let on_host = parent_for_host || dependency.kind == DependencyKind::Build;
        let platform = if on_host { self.host } else { self.target };
        if !platform.matches(dependency.platform.as_deref()) {
            return;
        }
        let proc_macro = self
            .graph
            .packages
            .get(resolved)
            .is_some_and(|p| p.proc_macro);
        let for_host = on_host || proc_macro;
        let child = match self.index.get(&(resolved, for_host)) {
            Some(&child) => child,
            None => self.new_unit(
                Some(resolved),
                for_host,
                Some((unit, dependency.key.clone(), by_feature)),
            ),
        };
        if self.children[unit].contains(&(dependency.key.clone(), child)) {
            return;
        }
        self.children[unit].push((dependency.key.clone(), child));
        let declared = FeatureCause::Declaration { unit };
        if dependency.default_features {
            self.push(child, Request::Feature("default".into()), declared.clone());
        }
        for feature in &dependency.features {
            self.push(child, Request::Feature(feature.clone()), declared.clone());
        }
        // Features asked before this edge existed (`key/feature` seen first).
        let asked: Vec<(String, FeatureCause)> = self.asked[unit]
            .iter()
            .filter(|(key, _, _, weak)| {
                *key == dependency.key
                    && (!weak || !dependency.optional || self.active[unit].contains(key))
            })
            .map(|(_, feature, cause, _)| (feature.clone(), cause.clone()))
            .collect();
        for (feature, cause) in asked {
            self.push(child, Request::Feature(feature), cause);
        }
    }
}

impl Resolution {
    /// The units built for the target (not the member, not host-only ones).
    pub fn target_units(&self) -> impl Iterator<Item = (usize, &Unit)> {
        self.units
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, unit)| !unit.for_host)
    }

    /// The path from the member to `unit`: each step's unit index, key and enabling
    /// feature of its parent. The first step is the member's direct dependency.
    pub fn path_to(&self, unit: usize) -> Vec<(usize, String, Option<String>)> {
        let mut path = Vec::new();
        let mut at = unit;
        // A parent always has a smaller index: the walk ends.
        while let Some((parent, key, feature)) = self.units.get(at).and_then(|u| u.parent.clone()) {
            path.push((at, key, feature));
            if parent >= at {
                break;
            }
            at = parent;
        }
        path.reverse();
        path
    }

    /// The member's direct dependency key that brings `unit` in.
    pub fn direct_key(&self, unit: usize) -> Option<String> {
        self.path_to(unit).first().map(|(_, key, _)| key.clone())
    }

    /// The enabled features of `unit`, sorted.
    pub fn features_of(&self, unit: usize) -> Vec<String> {
        self.units
            .get(unit)
            .map(|u| u.features.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// How `feature` of `unit` came to be on, from the unit back to the member: each
    /// (unit, feature) step; a step with `None` is a dependency declaration.
    pub fn feature_trail(&self, unit: usize, feature: &str) -> Vec<(usize, Option<String>)> {
        let mut trail = vec![(unit, Some(feature.to_string()))];
        let mut at = (unit, feature.to_string());
        for _ in 0..64 {
            let Some(cause) = self.units.get(at.0).and_then(|u| u.features.get(&at.1)) else {
                break;
            };
            match cause {
                FeatureCause::Selected => break,
                FeatureCause::Declaration { unit } => {
                    trail.push((*unit, None));
                    break;
                }
                FeatureCause::Feature { unit, feature } => {
                    trail.push((*unit, Some(feature.clone())));
                    at = (*unit, feature.clone());
                }
            }
        }
        trail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(key: &str, resolved: usize) -> GraphDependency {
        GraphDependency {
            key: key.into(),
            package_name: key.into(),
            kind: DependencyKind::Normal,
            platform: None,
            optional: false,
            default_features: true,
            features: Vec::new(),
            resolved: Some(resolved),
        }
    }

    fn package(
        name: &str,
        features: &[(&str, &[&str])],
        deps: Vec<GraphDependency>,
    ) -> GraphPackage {
        GraphPackage {
            name: name.into(),
            version: "1.0.0".into(),
            features: features
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
            dependencies: deps,
            ..GraphPackage::default()
        }
    }

    fn cfg(text: &str) -> CfgSet {
        CfgSet::from_rustc_print_cfg(text)
    }

    #[test]
    fn features_follow_defaults_optional_deps_weak_and_platforms() {
        // 0 json (default = std; std = serde/std, memchr?/std; optional memchr)
        // 1 serde (std), 2 memchr (std), 3 winapi (windows only)
        let mut memchr = dep("memchr", 2);
        memchr.optional = true;
        let mut serde = dep("serde", 1);
        serde.default_features = false;
        let mut winapi = dep("winapi", 3);
        winapi.platform = Some("cfg(windows)".into());
        let graph = PackageGraph {
            packages: vec![
                package(
                    "json",
                    &[
                        ("default", &["std"]),
                        ("std", &["serde/std", "memchr?/std"]),
                        ("fast", &["dep:memchr"]),
                    ],
                    vec![serde, memchr, winapi],
                ),
                package("serde", &[("std", &[])], vec![]),
                package("memchr", &[("std", &[])], vec![]),
                package("winapi", &[], vec![]),
            ],
        };
        let root = package("app", &[], vec![dep("json", 0)]);
        let linux = cfg("unix\ntarget_os=\"linux\"");
        let target = Platform {
            triple: "x86_64-unknown-linux-gnu",
            cfg: &linux,
        };
        let resolution = resolve(&graph, &root, &RootFeatures::default(), target, target);
        let names: Vec<_> = resolution
            .target_units()
            .map(|(_, u)| graph.packages[u.package.unwrap_or(0)].name.as_str())
            .collect();
        assert_eq!(
            names,
            ["json", "serde"],
            "memchr is optional and off; winapi is windows-only"
        );
        let serde_unit = resolution
            .target_units()
            .find(|(_, u)| u.package == Some(1));
        let serde_unit = serde_unit.map(|(i, _)| i).unwrap_or(0);
        assert_eq!(resolution.features_of(serde_unit), ["std"]);
        let trail = resolution.feature_trail(serde_unit, "std");
        assert_eq!(
            trail.len(),
            4,
            "serde/std <- json std <- json default <- declaration: {trail:?}"
        );

        let mut fast = root.clone();
        fast.dependencies[0].features = vec!["fast".into()];
        let resolution = resolve(&graph, &fast, &RootFeatures::default(), target, target);
        let memchr = resolution
            .target_units()
            .find(|(_, u)| u.package == Some(2));
        let memchr = memchr.map(|(i, _)| i).unwrap_or(0);
        assert_eq!(
            resolution.features_of(memchr),
            ["std"],
            "the weak feature applies once on"
        );
        let path = resolution.path_to(memchr);
        assert_eq!(path.len(), 2);
        assert_eq!(
            path[1].2.as_deref(),
            Some("fast"),
            "json's `fast` brought memchr"
        );
    }

    #[test]
    fn build_dependencies_are_resolved_for_the_host_with_their_own_features() {
        let mut build = dep("cc", 1);
        build.kind = DependencyKind::Build;
        build.features = vec!["parallel".into()];
        build.default_features = false;
        let mut normal = dep("cc", 1);
        normal.default_features = false;
        let graph = PackageGraph {
            packages: vec![
                package("lib", &[], vec![build]),
                package("cc", &[("parallel", &[]), ("default", &[])], vec![]),
            ],
        };
        let root = package("app", &[], vec![dep("lib", 0), normal]);
        let set = cfg("unix");
        let platform = Platform {
            triple: "t",
            cfg: &set,
        };
        let resolution = resolve(&graph, &root, &RootFeatures::default(), platform, platform);
        let target_cc = resolution
            .target_units()
            .find(|(_, u)| u.package == Some(1));
        assert!(target_cc.is_some_and(|(i, _)| resolution.features_of(i).is_empty()));
        let host_cc = resolution
            .units
            .iter()
            .position(|u| u.package == Some(1) && u.for_host);
        assert!(host_cc.is_some_and(|i| resolution.features_of(i) == ["parallel"]));
    }
}
