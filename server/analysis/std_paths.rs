//! Where std's items really live (core, alloc, or std only), from `data/std-paths.toml`.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    Core,
    Alloc,
    StdOnly,
    /// Some items of the module are in core/alloc, some only in std.
    Mixed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub home: Home,
    pub alternative: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPlacement {
    Short(String),
    Long {
        #[serde(rename = "in")]
        home: String,
        alternative: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
struct RawTable {
    modules: HashMap<String, RawPlacement>,
    items: HashMap<String, RawPlacement>,
}

#[derive(Debug)]
pub struct StdPaths {
    modules: HashMap<String, Placement>,
    items: HashMap<String, Placement>,
}

const DATA: &str = include_str!("../../data/std-paths.toml");

impl StdPaths {
    /// The table shipped with Triplet (a unit test proves it parses).
    pub fn embedded() -> &'static StdPaths {
        static TABLE: OnceLock<StdPaths> = OnceLock::new();
        TABLE.get_or_init(|| {
            StdPaths::parse(DATA).unwrap_or_else(|_| StdPaths {
                modules: HashMap::new(),
                items: HashMap::new(),
            })
        })
    }

    pub fn parse(text: &str) -> Result<StdPaths, String> {
        let raw: RawTable = toml::from_str(text).map_err(|e| e.to_string())?;
        let convert =
            |map: HashMap<String, RawPlacement>| -> Result<HashMap<String, Placement>, String> {
                map.into_iter()
                    .map(|(key, value)| {
                        let (home, alternative) = match value {
                            RawPlacement::Short(home) => (home, None),
                            RawPlacement::Long { home, alternative } => (home, alternative),
                        };
                        let home = match home.as_str() {
                            "core" => Home::Core,
                            "alloc" => Home::Alloc,
                            "std" => Home::StdOnly,
                            "mixed" => Home::Mixed,
                            other => return Err(format!("`{key}`: unknown home `{other}`")),
                        };
                        Ok((key, Placement { home, alternative }))
                    })
                    .collect()
            };
        Ok(StdPaths {
            modules: convert(raw.modules)?,
            items: convert(raw.items)?,
        })
    }

    /// Where `std::<rest>` lives; `rest` excludes the leading `std`.
    /// `None` when the table does not know (then Triplet offers no rewrite).
    pub fn placement(&self, rest: &[String]) -> Option<&Placement> {
        for len in (2..=rest.len()).rev() {
            if let Some(placement) = self.items.get(&rest[..len].join("::")) {
                return Some(placement);
            }
        }
        let module = self.modules.get(rest.first()?)?;
        (module.home != Home::Mixed || rest.len() == 1).then_some(module)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Vec<String> {
        text.split("::").map(str::to_string).collect()
    }

    #[test]
    fn shipped_table_parses_and_answers() {
        let table = StdPaths::parse(DATA).unwrap();
        assert_eq!(
            table.placement(&path("vec::Vec")).unwrap().home,
            Home::Alloc
        );
        assert_eq!(
            table.placement(&path("fmt::Display")).unwrap().home,
            Home::Core
        );
        assert_eq!(
            table.placement(&path("fmt::format")).unwrap().home,
            Home::Alloc
        );
        assert_eq!(
            table
                .placement(&path("collections::BTreeMap"))
                .unwrap()
                .home,
            Home::Alloc
        );
        assert_eq!(
            table.placement(&path("collections::HashMap")).unwrap().home,
            Home::StdOnly
        );
        assert_eq!(
            table
                .placement(&path("sync::atomic::AtomicU32"))
                .unwrap()
                .home,
            Home::Core
        );
        assert!(table.placement(&path("collections::Unknown")).is_none());
        assert_eq!(
            table.placement(&path("thread::spawn")).unwrap().home,
            Home::StdOnly
        );
    }
}
