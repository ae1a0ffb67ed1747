//! The facts a crate is analysed with: its files (parsed once) and its targets.

use super::cfg::CfgSet;
use super::syntax::{FileSyntax, Gate};
use std::ops::Range;
use std::path::Path;

/// One selected target as the analysis sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetView {
    pub triple: String,
    /// The target's cfg set plus the package's enabled features.
    pub cfg: CfgSet,
    /// Whether the target has a standard library at all (`*-none-*` targets do not).
    pub has_std: bool,
}

/// A file of the crate's module tree.
#[derive(Debug, Clone, Copy)]
pub struct CrateFile<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub syntax: &'a FileSyntax,
    /// `#[cfg]`s on the `mod` declarations that lead to this file.
    pub module_gate: &'a Gate,
}

impl CrateFile<'_> {
    pub fn is_on(&self, cfg: &CfgSet) -> bool {
        self.module_gate.is_on(cfg) && self.syntax.file_gate.is_on(cfg)
    }
}

/// What a run-time API does on a target, as std's sources say (the API table's column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Behaviour {
    Ok,
    /// Returns an `Unsupported` error.
    Error,
    Panic,
    /// Silently does nothing.
    Noop,
    /// Not there at all on this target (a compile error, not a run-time one).
    Absent,
}

impl Behaviour {
    /// The word used in JSON and in human output.
    pub fn as_str(self) -> &'static str {
        match self {
            Behaviour::Ok => "ok",
            Behaviour::Error => "error",
            Behaviour::Panic => "panic",
            Behaviour::Noop => "noop",
            Behaviour::Absent => "absent",
        }
    }

    /// Compiles, then fails or does nothing when called: what T0002 reports.
    pub fn fails_at_run_time(self) -> bool {
        match self {
            Behaviour::Error | Behaviour::Panic | Behaviour::Noop => true,
            Behaviour::Ok | Behaviour::Absent => false,
        }
    }
}

impl std::fmt::Display for Behaviour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a run-time API does on a target, as the API table says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVerdict {
    pub behaviour: Behaviour,
    pub message: String,
    pub source: String,
    pub alternative: Option<String>,
}

impl ApiVerdict {
    pub fn fails(&self) -> bool {
        self.behaviour.fails_at_run_time()
    }
}

/// The run-time API table, seen through the one question the analysis asks.
pub trait ApiKnowledge {
    /// `None` when the table does not list this API or this target.
    fn verdict(&self, api: &str, target: &str) -> Option<ApiVerdict>;
}

pub struct CrateInput<'a> {
    pub package: &'a str,
    /// The module tree; the first file is the crate root.
    pub files: Vec<CrateFile<'a>>,
    pub targets: &'a [TargetView],
    pub apis: &'a dyn ApiKnowledge,
}

/// A dependency as the package's manifest declares it, with what the resolver knows.
#[derive(Debug, Clone, Default)]
pub struct DependencyFacts {
    /// The key written in Cargo.toml (the rename when there is one).
    pub key: String,
    pub package_name: String,
    /// Resolved version (empty when unresolved).
    pub version: String,
    /// `target.<platform>.dependencies`: a triple or `cfg(…)`.
    pub platform: Option<String>,
    pub default_features: bool,
    /// Not optional, or switched on by the package's enabled features.
    pub enabled: bool,
    /// The dependency's `default` feature set turns on its `std` feature.
    pub default_enables_std: bool,
    /// Features resolved for the dependency package.
    pub resolved_features: Vec<String>,
}

impl DependencyFacts {
    /// Whether the dependency is built for a target with this cfg set.
    pub fn applies_to(&self, triple: &str, cfg: &CfgSet) -> bool {
        match &self.platform {
            None => true,
            Some(platform) => match platform
                .strip_prefix("cfg(")
                .and_then(|p| p.strip_suffix(')'))
            {
                Some(predicate) => super::cfg::CfgExpr::parse(predicate).is_ok_and(|e| e.eval(cfg)),
                None => platform == triple,
            },
        }
    }
}

/// A crate somewhere in the package's resolved dependency graph.
#[derive(Debug, Clone)]
pub struct ResolvedCrate {
    pub name: String,
    pub version: String,
    pub features: Vec<String>,
    /// The key of the direct dependency that pulls it in (itself when direct).
    pub via: String,
}

/// Where a target was selected, for findings about the target itself (T0006, T0007).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetOrigin {
    pub triple: String,
    /// Human description: "package.metadata.triplet", "--target", ".cargo/config.toml build.target"…
    pub source: String,
    /// The file and the span of the triple's text (inside quotes), when written in a file.
    pub location: Option<(std::path::PathBuf, Range<usize>)>,
}

pub struct ManifestInput<'a> {
    pub package: &'a str,
    pub path: &'a Path,
    pub text: &'a str,
    pub has_lib: bool,
    /// `[lib] crate-type` as written (empty when absent).
    pub crate_types: Vec<String>,
    pub targets: &'a [TargetView],
    pub dependencies: Vec<DependencyFacts>,
    pub resolved: Vec<ResolvedCrate>,
    /// `--cfg` values passed through rustflags for a target (from .cargo/config.toml).
    pub rustflags: Vec<(String, Vec<String>)>,
    /// Workspace members that build on this library (as a normal or build dependency);
    /// `None` when that is not known.
    pub dependents: Option<Vec<String>>,
    /// The library's root file as the editor or the disk has it (`None`: no library, or
    /// unreadable).
    pub lib_root_text: Option<&'a str>,
    /// The resolved package graph, for T0005's judgement of every reached dependency
    /// (`None`: `cargo metadata` failed).
    pub graph: Option<GraphInput<'a>>,
}

/// The package graph and what is known of each package, for one member.
#[derive(Clone, Copy)]
pub struct GraphInput<'a> {
    pub graph: &'a super::dependency_graph::PackageGraph,
    /// The member as `cargo metadata` read it (its unsaved manifest may differ).
    pub member: &'a super::dependency_graph::GraphPackage,
    pub selection: &'a super::dependency_graph::RootFeatures,
    /// The host, for build dependencies and proc-macros.
    pub host: &'a TargetView,
    pub verdicts: &'a dyn DependencyVerdicts,
}

/// Whether a package builds for a target with these features, as its sources say
/// (`crate_verdict::judge` over sources the caller reads and caches).
pub trait DependencyVerdicts {
    fn verdict(
        &self,
        package: &super::dependency_graph::GraphPackage,
        features: &[String],
        triple: &str,
        facts: super::crate_verdict::TargetFacts<'_>,
    ) -> Option<super::crate_verdict::Failure>;
}

#[cfg(test)]
mod tests {
    use super::Behaviour;

    #[test]
    fn behaviour_words_match_serde() {
        for behaviour in [
            Behaviour::Ok,
            Behaviour::Error,
            Behaviour::Panic,
            Behaviour::Noop,
            Behaviour::Absent,
        ] {
            let json = serde_json::to_string(&behaviour).ok();
            assert_eq!(json, Some(format!("\"{behaviour}\"")));
            let back: Option<Behaviour> = serde_json::from_str(&format!("\"{behaviour}\"")).ok();
            assert_eq!(back, Some(behaviour));
        }
    }
}
