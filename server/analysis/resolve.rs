//! Name resolution, just enough to know which crate a path names: `use` trees (groups,
//! renames, globs, `self`), imported modules and types, `extern crate … as …`.

use super::cfg::CfgSet;
use super::syntax::{FileSyntax, PathRef, ScopeId, UseEntry};

/// The crates that make up the standard library.
pub const STD_CRATES: [&str; 3] = ["std", "core", "alloc"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Certainty {
    /// Through the path itself or a named import.
    Exact,
    /// Only through a glob import; trust it only for names a table knows.
    ViaGlob,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The full path, starting with the real crate name (`std`, `core` or `alloc`).
    pub canonical: Vec<String>,
    /// True when the path's own first segment names the crate (`std::…`), rather than a
    /// name that a `use` brought in.
    pub direct: bool,
    pub certainty: Certainty,
}

impl Resolved {
    pub fn krate(&self) -> &str {
        self.canonical.first().map(String::as_str).unwrap_or("")
    }

    pub fn joined(&self) -> String {
        self.canonical.join("::")
    }
}

/// Resolves names in one file for one cfg set (uses and extern crates may be gated).
pub struct Resolver<'a> {
    file: &'a FileSyntax,
    cfg: &'a CfgSet,
    /// `extern crate core as std;` in the crate root: the alias and the real crate.
    crate_aliases: &'a [(String, String)],
}

impl<'a> Resolver<'a> {
    pub fn new(
        file: &'a FileSyntax,
        cfg: &'a CfgSet,
        crate_aliases: &'a [(String, String)],
    ) -> Self {
        Resolver {
            file,
            cfg,
            crate_aliases,
        }
    }

    /// The real crate a first segment names, if it is part of the standard library.
    fn std_crate_named(&self, first: &str, scope: ScopeId) -> Option<String> {
        let local_alias = self.file.extern_crates.iter().find(|krate| {
            krate.alias.as_deref() == Some(first)
                && self.in_scope_chain(krate.scope, scope)
                && krate.gate.is_on(self.cfg)
        });
        if let Some(krate) = local_alias {
            return STD_CRATES
                .contains(&krate.name.as_str())
                .then(|| krate.name.clone());
        }
        if let Some((_, real)) = self.crate_aliases.iter().find(|(alias, _)| alias == first) {
            return STD_CRATES.contains(&real.as_str()).then(|| real.clone());
        }
        STD_CRATES.contains(&first).then(|| first.to_string())
    }

    fn in_scope_chain(&self, candidate: ScopeId, from: ScopeId) -> bool {
        self.scope_chain(from).any(|scope| scope == candidate)
    }

    /// `from` and its enclosing scopes up to and including the nearest module.
    fn scope_chain(&self, from: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        let mut next = Some(from);
        std::iter::from_fn(move || {
            let current = next?;
            let scope = self.file.scopes.get(current)?;
            next = if scope.is_module { None } else { scope.parent };
            Some(current)
        })
    }

    /// The std path a use entry imports, if it is rooted in the standard library.
    pub fn resolve_use(&self, entry: &UseEntry) -> Option<Resolved> {
        if !entry.gate.is_on(self.cfg) {
            return None;
        }
        self.expand(&entry.path, entry.scope, 0, Some(entry))
            .map(|(canonical, direct)| Resolved {
                canonical,
                direct,
                certainty: Certainty::Exact,
            })
    }

    /// The std path a path in code refers to, if any.
    pub fn resolve_path(&self, path: &PathRef) -> Option<Resolved> {
        if let Some((canonical, direct)) = self.expand(&path.segments, path.scope, 0, None) {
            return Some(Resolved {
                canonical,
                direct,
                certainty: Certainty::Exact,
            });
        }
        if path.leading_colons {
            return None;
        }
        // A glob import (`use std::thread::*;`) may supply the first segment.
        for scope in self.scope_chain(path.scope) {
            for entry in self.file.uses.iter().filter(|u| u.glob && u.scope == scope) {
                let Some(base) = self.resolve_use(entry) else {
                    continue;
                };
                let mut canonical = base.canonical;
                canonical.extend(path.segments.iter().cloned());
                return Some(Resolved {
                    canonical,
                    direct: false,
                    certainty: Certainty::ViaGlob,
                });
            }
        }
        None
    }

    /// Expands `segments` until it starts with a std crate; `exclude` keeps a use entry from
    /// resolving through itself.
    fn expand(
        &self,
        segments: &[String],
        scope: ScopeId,
        depth: usize,
        exclude: Option<&UseEntry>,
    ) -> Option<(Vec<String>, bool)> {
        let first = segments.first()?;
        if depth > 4 || matches!(first.as_str(), "crate" | "self" | "super" | "Self") {
            return None;
        }
        // A name imported in scope shadows the extern prelude.
        for scope_id in self.scope_chain(scope) {
            let binding = self.file.uses.iter().find(|entry| {
                entry.scope == scope_id
                    && entry.binds.as_deref() == Some(first.as_str())
                    && exclude != Some(*entry)
                    && entry.gate.is_on(self.cfg)
            });
            if let Some(entry) = binding {
                let mut expanded = entry.path.clone();
                expanded.extend(segments[1..].iter().cloned());
                return self
                    .expand(&expanded, entry.scope, depth + 1, Some(entry))
                    .map(|(canonical, _)| (canonical, false));
            }
        }
        let krate = self.std_crate_named(first, scope)?;
        let mut canonical = vec![krate];
        canonical.extend(segments[1..].iter().cloned());
        Some((canonical, depth == 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_all(text: &str) -> Vec<String> {
        let file = FileSyntax::parse(text);
        let cfg = CfgSet::default();
        let resolver = Resolver::new(&file, &cfg, &[]);
        file.paths
            .iter()
            .filter_map(|p| resolver.resolve_path(p))
            .map(|r| r.joined())
            .collect()
    }

    #[test]
    fn resolves_through_imported_modules_types_and_renames() {
        let text = "use std::thread; use std::time::Instant as Clock; use std::{fs::{self}};\n\
                    fn f() { thread::spawn(|| ()); Clock::now(); fs::read(\"x\"); ::std::env::var(\"A\"); }";
        assert_eq!(
            resolve_all(text),
            vec![
                "std::thread::spawn",
                "std::time::Instant::now",
                "std::fs::read",
                "std::env::var"
            ]
        );
    }

    #[test]
    fn inline_modules_do_not_inherit_imports_but_blocks_do() {
        let text = "use std::thread;\nmod inner { fn f() { thread::spawn(|| ()); } }\n\
                    fn g() { { thread::sleep(d); } }";
        assert_eq!(resolve_all(text), vec!["std::thread::sleep"]);
    }

    #[test]
    fn gated_imports_do_not_resolve_when_off() {
        let text = "#[cfg(feature = \"x\")] use std::thread;\nfn f() { thread::spawn(|| ()); }";
        assert!(resolve_all(text).is_empty());
    }

    #[test]
    fn extern_crate_alias_maps_to_the_real_crate() {
        let text = "extern crate core as std;\nfn f() { std::mem::swap(a, b); }";
        assert_eq!(resolve_all(text), vec!["core::mem::swap"]);
    }

    #[test]
    fn globs_are_marked() {
        let file = FileSyntax::parse("use std::thread::*;\nfn f() { spawn(|| ()); }");
        let cfg = CfgSet::default();
        let resolver = Resolver::new(&file, &cfg, &[]);
        let resolved: Vec<_> = file
            .paths
            .iter()
            .filter_map(|p| resolver.resolve_path(p))
            .collect();
        assert_eq!(resolved[0].joined(), "std::thread::spawn");
        assert_eq!(resolved[0].certainty, Certainty::ViaGlob);
    }
}
