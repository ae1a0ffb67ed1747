//! The run-time API table behind T0002 (`unsupported-api`): which std APIs compile for a
//! target but fail (or do nothing) when called there. Derived from std's own `sys` sources
//! (see `derive`), with a generated copy shipped for toolchains without rust-src.
//! docs/runtime-api.md explains the derivation and how to regenerate the shipped table.

pub mod classify;
pub mod derive;
pub mod mapping;
pub mod modules;
pub mod select;
pub mod targets;

use crate::analysis::cfg::CfgSet;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

/// What an API does on a target: plain data the analysis matches on (it lives there).
pub use crate::analysis::context::Behaviour;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ApiRow {
    /// Canonical public path, e.g. "std::time::Instant::now".
    pub api: String,
    pub target: String,
    pub behaviour: Behaviour,
    pub message: String,
    /// Where the behaviour was read, e.g. "library/std/src/sys/time/unsupported.rs:12".
    pub source: String,
    pub alternative: Option<String>,
}

/// The shipped table's JSON shape (also what `triplet api-table --format json` prints).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TableFile {
    /// The release of the rust-src the rows were derived from (`src/version`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_src: Option<String>,
    pub rows: Vec<ApiRow>,
}

const SHIPPED_JSON: &str = include_str!("../../data/runtime-api/table.json");

#[derive(Debug, Clone, Default)]
pub struct ApiTable {
    rows: Vec<ApiRow>,
    by_api_and_target: HashMap<(String, String), usize>,
    targets: BTreeSet<String>,
    rust_src: Option<String>,
}

impl ApiTable {
    pub fn from_rows(rows: Vec<ApiRow>) -> ApiTable {
        let by_api_and_target = rows
            .iter()
            .enumerate()
            .map(|(index, row)| ((row.api.clone(), row.target.clone()), index))
            .collect();
        let targets = rows.iter().map(|row| row.target.clone()).collect();
        ApiTable {
            rows,
            by_api_and_target,
            targets,
            rust_src: None,
        }
    }

    /// Records the release of the rust-src the rows come from.
    pub fn with_rust_src(mut self, version: Option<String>) -> ApiTable {
        self.rust_src = version;
        self
    }

    /// The release of the rust-src the rows were derived from (`"1.96.0"`), when known.
    pub fn rust_src(&self) -> Option<&str> {
        self.rust_src.as_deref()
    }

    /// The table generated from the pinned rust-src and embedded in the binary.
    pub fn shipped() -> &'static ApiTable {
        static SHIPPED: OnceLock<ApiTable> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            // The embedded file is checked by tests; an unreadable one means an empty table.
            let file = serde_json::from_str::<TableFile>(SHIPPED_JSON).unwrap_or(TableFile {
                rust_src: None,
                rows: Vec::new(),
            });
            ApiTable::from_rows(file.rows).with_rust_src(file.rust_src)
        })
    }

    /// Derives the table from a rust-src `library/` directory for the given targets.
    /// Cfg sets should be what std is compiled with: `RUSTC_BOOTSTRAP=1 rustc --print cfg`
    /// (`targets::query_rustc_cfg`, or `targets::pinned_cfg` for the shipped targets);
    /// stable rustc hides unstable cfgs such as `target_feature = "atomics"`.
    pub fn derive(
        rust_src_library: &Path,
        targets: &[(String, CfgSet)],
    ) -> anyhow::Result<ApiTable> {
        let rows = derive::derive_rows(rust_src_library, targets)?;
        Ok(ApiTable::from_rows(rows).with_rust_src(derive::rust_src_version(rust_src_library)))
    }

    pub fn get(&self, api: &str, target: &str) -> Option<&ApiRow> {
        self.by_api_and_target
            .get(&(api.to_string(), target.to_string()))
            .and_then(|index| self.rows.get(*index))
    }

    pub fn rows(&self) -> &[ApiRow] {
        &self.rows
    }

    pub fn knows_target(&self, target: &str) -> bool {
        self.targets.contains(target)
    }

    /// Distinct canonical API paths, in first-seen order.
    pub fn apis(&self) -> impl Iterator<Item = &str> {
        let mut seen = BTreeSet::new();
        self.rows
            .iter()
            .map(|row| row.api.as_str())
            .filter(move |api| seen.insert(*api))
    }

    /// The targets the table covers, sorted.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.targets.iter().map(String::as_str)
    }

    /// The JSON document `{"rows": [...]}`, pretty-printed with a trailing newline.
    pub fn to_json(&self) -> String {
        let file = TableFile {
            rust_src: self.rust_src.clone(),
            rows: self.rows.clone(),
        };
        let mut text =
            serde_json::to_string_pretty(&file).unwrap_or_else(|_| "{\"rows\":[]}".to_string());
        text.push('\n');
        text
    }
}

/// The table answers the one question the analysis asks of it.
impl crate::analysis::context::ApiKnowledge for ApiTable {
    fn verdict(&self, api: &str, target: &str) -> Option<crate::analysis::context::ApiVerdict> {
        let row = self.get(api, target)?;
        Some(crate::analysis::context::ApiVerdict {
            behaviour: row.behaviour,
            message: row.message.clone(),
            source: row.source.clone(),
            alternative: row.alternative.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_indexes_rows() {
        let row = |api: &str, target: &str| ApiRow {
            api: api.into(),
            target: target.into(),
            behaviour: Behaviour::Ok,
            message: String::new(),
            source: String::new(),
            alternative: None,
        };
        let table = ApiTable::from_rows(vec![
            row("std::a", "t1"),
            row("std::b", "t1"),
            row("std::a", "t2"),
        ]);
        assert_eq!(table.apis().collect::<Vec<_>>(), ["std::a", "std::b"]);
        assert!(table.knows_target("t2") && !table.knows_target("t3"));
        assert_eq!(
            table.get("std::a", "t2").map(|row| row.target.as_str()),
            Some("t2")
        );
        assert!(table.get("std::b", "t2").is_none());
        let reparsed: TableFile = serde_json::from_str(&table.to_json()).unwrap();
        assert_eq!(reparsed.rows.len(), 3);
    }
}
