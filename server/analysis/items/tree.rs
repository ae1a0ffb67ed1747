//! A crate's module tree, loaded lazily file by file, and path resolution in it for one
//! target: `mod` declarations (with `#[path]`), `use` bindings and re-exports, globs,
//! `extern crate`, other crates of the set (std re-exports core, libc names core…).
//!
//! Sources come through `SourceProvider`, so this module reads no file itself: the engine
//! gives a provider over disk (rust-src, dependencies) or over open buffers.

use super::source::{ItemKind, ModDecl, ModuleSource, Position};
use crate::analysis::cfg::{CfgExpr, CfgSet};
use crate::analysis::syntax::Gate;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub trait SourceProvider: Send + Sync {
    fn read(&self, path: &Path) -> Option<Arc<str>>;
}

/// One crate: its name in paths (`std`, `libc`, `my_crate`), its root file, the features
/// it is compiled with, and the module files read so far.
pub struct CrateTree {
    pub name: String,
    pub root: PathBuf,
    pub features: Vec<String>,
    /// The crate has a build script, which may set cfgs Triplet cannot see: a gate on a name
    /// rustc and cargo do not set is unknown in it (`CfgExpr::eval_open`).
    pub build_script: bool,
    provider: Arc<dyn SourceProvider>,
    files: Mutex<HashMap<PathBuf, Option<Arc<ModuleSource>>>>,
    /// `name!()` expansions read so far, by the file they are called in.
    expansions: Mutex<HashMap<(PathBuf, String), Arc<ModuleSource>>>,
}

impl CrateTree {
    pub fn new(
        name: &str,
        root: PathBuf,
        features: Vec<String>,
        provider: Arc<dyn SourceProvider>,
    ) -> CrateTree {
        CrateTree {
            name: name.to_string(),
            root,
            features,
            build_script: false,
            provider,
            files: Mutex::new(HashMap::new()),
            expansions: Mutex::new(HashMap::new()),
        }
    }

    /// A tree whose module files were read already (the crate's own, from its buffers).
    pub fn with_modules(
        name: &str,
        root: PathBuf,
        features: Vec<String>,
        provider: Arc<dyn SourceProvider>,
        modules: HashMap<PathBuf, Arc<ModuleSource>>,
    ) -> CrateTree {
        let tree = CrateTree::new(name, root, features, provider);
        if let Ok(mut files) = tree.files.lock() {
            files.extend(
                modules
                    .into_iter()
                    .map(|(path, source)| (path, Some(source))),
            );
        }
        tree
    }

    /// The same tree, saying whether the crate has a build script.
    pub fn with_build_script(mut self, build_script: bool) -> CrateTree {
        self.build_script = build_script;
        self
    }

    fn load(&self, path: &Path) -> Option<Arc<ModuleSource>> {
        let mut files = match self.files.lock() {
            Ok(files) => files,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(known) = files.get(path) {
            return known.clone();
        }
        let parsed = self
            .provider
            .read(path)
            .map(|text| Arc::new(ModuleSource::parse(&text)));
        files.insert(path.to_path_buf(), parsed.clone());
        parsed
    }

    /// The module files read so far, with what each declares (to keep between sessions).
    pub fn modules_read(&self) -> HashMap<PathBuf, Arc<ModuleSource>> {
        let files = match self.files.lock() {
            Ok(files) => files,
            Err(poisoned) => poisoned.into_inner(),
        };
        (files.iter())
            .filter_map(|(path, source)| Some((path.clone(), source.clone()?)))
            .collect()
    }

    /// How many module files have been read (for benchmarks and tests).
    pub fn files_loaded(&self) -> usize {
        self.files.lock().map_or(0, |files| files.len())
    }

    /// The crate root's declarations.
    pub fn root_source(&self) -> Option<Arc<ModuleSource>> {
        self.load(&self.root)
    }

    /// The `#![no_std]` gates of the crate root.
    pub fn root_no_std(&self) -> Vec<Gate> {
        self.load(&self.root)
            .map(|root| root.no_std.clone())
            .unwrap_or_default()
    }
}

/// A module: a file and the inline modules nested in it.
#[derive(Clone)]
pub struct Module {
    krate: usize,
    file: PathBuf,
    source: Arc<ModuleSource>,
    inline: Vec<usize>,
    /// Where `mod child;` files of this module live.
    dir: PathBuf,
    parent: Option<Arc<Module>>,
    /// Set when this is the expansion of `name!()` inside the module (see `fixed_expansions`).
    expansion: Option<String>,
    /// `key()`, computed once (see `keyed`).
    key: ModuleKey,
}

/// A module's identity: crate, file, inline path.
/// A module's identity: a hash of its crate, file, inline path and expansion (computed
/// without allocating: lookups ask for it thousands of times per check).
type ModuleKey = u64;

impl Module {
    fn key(&self) -> ModuleKey {
        self.key
    }

    /// The module with its key computed: hashing a path walks its components, and lookups
    /// ask for the key of the same module thousands of times per check.
    fn keyed(mut self) -> Module {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (self.krate, &self.file, &self.inline, &self.expansion).hash(&mut hasher);
        self.key = hasher.finish();
        self
    }

    pub fn source(&self) -> &ModuleSource {
        let mut current: &ModuleSource = &self.source;
        for &index in &self.inline {
            match current.mods.get(index).and_then(|m| m.inline.as_deref()) {
                Some(inner) => current = inner,
                None => break,
            }
        }
        current
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The crate it belongs to, as an index in its `CrateSet`.
    pub fn krate_index(&self) -> usize {
        self.krate
    }
}

/// Whether a glob brings something into scope, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Brings {
    No,
    Maybe,
    Yes,
}

/// What a path names on one target.
#[derive(Clone)]
pub enum Resolution {
    Module(Module),
    Item(ItemKind),
    /// Not known: an unexpanded macro may define it, a file is missing, a glob could not be
    /// followed, or the name is not one this index models (prelude, locals, generics).
    Unknown,
    /// Missing on this target: segment `at` is not in its parent module here.
    Absent {
        at: usize,
    },
    /// A first segment nothing in scope declares: missing here unless the prelude supplies
    /// it. Only a target where the same path resolves makes it a finding.
    Undeclared,
}

/// The crates a lookup may cross, with each crate's cfg on the target being checked.
pub struct CrateSet<'a> {
    crates: Vec<&'a CrateTree>,
    cfgs: Vec<CfgSet>,
    /// `lookup` answers by (module, name), for answers that did not depend on a cycle.
    memo: RefCell<HashMap<ModuleKey, HashMap<String, Resolution>>>,
    /// Lookups running now: met again, a glob cycle (`use super::*` under `pub use
    /// child::*`) answers `Unknown` instead of recursing, and taints what depends on it.
    in_progress: RefCell<HashSet<(ModuleKey, String)>>,
    tainted: Cell<bool>,
    /// Crates a path cannot start with unless `extern crate` names them (`alloc`).
    hidden: Vec<String>,
    /// Per crate: edition 2015, where `use` paths start at the crate root.
    root_relative_imports: Vec<bool>,
}

const MAX_DEPTH: usize = 24;

impl<'a> CrateSet<'a> {
    /// `target_cfg` is the target's own cfg set (without features); each crate adds its own.
    pub fn new(crates: Vec<&'a CrateTree>, target_cfg: &CfgSet) -> CrateSet<'a> {
        let cfgs = crates
            .iter()
            .map(|krate| target_cfg.with_features(krate.features.iter().map(String::as_str)))
            .collect();
        CrateSet {
            crates,
            cfgs,
            memo: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            tainted: Cell::new(false),
            hidden: Vec::new(),
            root_relative_imports: Vec::new(),
        }
    }

    /// Replaces a crate's cfg (the analysed crate: its target cfg with its own features).
    /// A declaration's gate in crate `krate` on this target: `None` when it is unknown (a cfg
    /// the crate's build script may set).
    fn gate_state(&self, krate: usize, gate: &Gate) -> Option<bool> {
        let open = self.crates.get(krate).is_some_and(|tree| tree.build_script);
        gate.state(&self.cfgs[krate], open)
    }

    /// Whether a declaration of crate `krate` surely exists on this target.
    pub fn surely_on(&self, krate: usize, gate: &Gate) -> bool {
        self.gate_state(krate, gate) == Some(true)
    }

    /// Whether a declaration of crate `krate` may exist on this target (on, or unknown).
    pub fn maybe_on(&self, krate: usize, gate: &Gate) -> bool {
        self.gate_state(krate, gate) != Some(false)
    }

    pub fn set_own_cfg(&mut self, krate: usize, cfg: &CfgSet) {
        if let Some(slot) = self.cfgs.get_mut(krate) {
            *slot = cfg.clone();
        }
    }

    /// The cfg of the first crate of the set (the analysed one).
    pub fn own_cfg(&self) -> &CfgSet {
        &self.cfgs[0]
    }

    /// Marks crate `krate` as edition 2015 (`on`): its `use` paths start at its root.
    pub fn set_root_relative_imports(&mut self, krate: usize, on: bool) {
        if self.root_relative_imports.len() <= krate {
            self.root_relative_imports.resize(krate + 1, false);
        }
        self.root_relative_imports[krate] = on;
    }

    /// Where an import's path `segments` written in `from` starts: the crate root in
    /// edition 2015 (unless it starts with `self`, `super` or `crate`), else `from`.
    pub fn import_base(&self, from: &Module, segments: &[String]) -> Module {
        let root_relative = self
            .root_relative_imports
            .get(from.krate)
            .copied()
            .unwrap_or(false);
        let explicit = matches!(
            segments.first().map(String::as_str),
            Some("self" | "super" | "crate")
        );
        if root_relative && !explicit {
            if let Some(root) = self.root(from.krate) {
                return root;
            }
        }
        from.clone()
    }

    /// `resolve` for an import's path (see `import_base`).
    pub fn resolve_use(&self, from: &Module, segments: &[String]) -> Resolution {
        self.resolve(&self.import_base(from, segments), segments)
    }

    pub fn hide_from_extern_prelude(&mut self, names: Vec<String>) {
        self.hidden = names;
    }

    /// Whether crate `krate` links std on this target (its root's `#![no_std]` is off).
    fn links_std(&self, krate: usize) -> bool {
        let (Some(tree), Some(cfg)) = (self.crates.get(krate), self.cfgs.get(krate)) else {
            return false;
        };
        !tree.root_no_std().iter().any(|gate| gate.is_on(cfg))
    }

    /// A crate a path may start with from `krate` without an `extern crate` item.
    fn prelude_crate(&self, name: &str) -> Option<usize> {
        if self.hidden.iter().any(|h| h == name) {
            return None;
        }
        self.crate_index(name)
    }

    /// Every module of crate `krate` compiled for this target, by file (inline modules are
    /// reached from their file's module with `inline_module`).
    pub fn modules_by_file(&self, krate: usize) -> HashMap<PathBuf, Module> {
        let mut found = HashMap::new();
        let Some(root) = self.root(krate) else {
            return found;
        };
        let mut queue = vec![root];
        while let Some(module) = queue.pop() {
            if found.len() > 50_000 {
                break;
            }
            let parent = Arc::new(module.clone());
            for (index, decl) in module.source().mods.iter().enumerate() {
                if self.surely_on(krate, &decl.gate) {
                    if let Some(child) = self.child(&parent, index, decl) {
                        queue.push(child);
                    }
                }
            }
            if module.inline.is_empty() {
                found.entry(module.file.clone()).or_insert(module);
            }
        }
        found
    }

    /// The inline module `names` (outermost first) inside `module`, on this target.
    pub fn inline_module(&self, module: &Module, names: &[String]) -> Option<Module> {
        let mut current = module.clone();
        for name in names {
            let krate = current.krate;
            let parent = Arc::new(current.clone());
            let (index, decl) = current.source().mods.iter().enumerate().find(|(_, d)| {
                &d.name == name && d.inline.is_some() && self.surely_on(krate, &d.gate)
            })?;
            let decl = decl.clone();
            current = self.child(&parent, index, &decl)?;
        }
        Some(current)
    }

    /// Whether something in `module` (or the crate root's `extern crate`s) binds `name` here.
    pub fn binds_in_scope(&self, module: &Module, name: &str) -> bool {
        !matches!(self.lookup(module, name, 0), Resolution::Absent { .. })
            || self.root_extern_crate(module.krate, name).is_some()
    }

    /// Whether `name`, as a path's first segment in `module`, is `core` under another name
    /// (`extern crate core as std;`).
    pub fn names_core(&self, module: &Module, name: &str) -> bool {
        if name == "core" {
            return false;
        }
        let here = module
            .source()
            .extern_crates
            .iter()
            .find(|(bound, _, gate)| bound == name && self.surely_on(module.krate, gate))
            .map(|(_, real, _)| real == "core");
        here.unwrap_or_else(|| {
            self.root_extern_crate(module.krate, name)
                .and_then(|k| self.crates.get(k))
                .is_some_and(|krate| krate.name == "core")
        })
    }

    /// Whether `segments` resolve from the root of the crate named `krate`.
    pub fn resolves_from_crate_root(&self, krate: &str, segments: &[String]) -> bool {
        let Some(root) = self.crate_index(krate).and_then(|k| self.root(k)) else {
            return false;
        };
        let mut path = vec!["self".to_string()];
        path.extend(segments.iter().cloned());
        matches!(
            self.resolve(&root, &path),
            Resolution::Module(_) | Resolution::Item(_)
        )
    }

    fn root_extern_crate(&self, krate: usize, name: &str) -> Option<usize> {
        let root = self.root(krate)?;
        root.source()
            .extern_crates
            .iter()
            .find(|(bound, _, gate)| bound == name && self.surely_on(krate, gate))
            .and_then(|(_, real, _)| self.crate_index(real))
    }

    /// The gates (as predicates, `doc`/`test` folded) of every declaration of `name` in the
    /// module `parent_path` names from `from` (or `from` itself when it is empty).
    pub fn declaration_gates(
        &self,
        from: &Module,
        parent_path: &[String],
        name: &str,
    ) -> Vec<CfgExpr> {
        let parent = if parent_path.is_empty() {
            Some(from.clone())
        } else {
            match self.resolve(from, parent_path) {
                Resolution::Module(module) => Some(module),
                _ => None,
            }
        };
        let Some(parent) = parent else {
            return Vec::new();
        };
        let source = parent.source();
        let gates = source
            .items
            .iter()
            .filter(|i| i.name == name)
            .map(|i| &i.gate)
            .chain(
                source
                    .mods
                    .iter()
                    .filter(|m| m.name == name)
                    .map(|m| &m.gate),
            )
            .chain(
                source
                    .uses
                    .iter()
                    .filter(|u| u.binds.as_deref() == Some(name))
                    .map(|u| &u.gate),
            )
            .chain(
                source
                    .macros
                    .iter()
                    .filter(|m| m.idents.contains(name))
                    .map(|m| &m.gate),
            );
        let mut exprs: Vec<CfgExpr> = Vec::new();
        for gate in gates {
            let expr = super::source::gate_expr(gate)
                .map(|e| e.assuming_off(&["doc", "test", "miri"]))
                .unwrap_or(CfgExpr::Literal(true));
            if !exprs.contains(&expr) {
                exprs.push(expr);
            }
        }
        exprs
    }

    pub fn crate_index(&self, name: &str) -> Option<usize> {
        self.crates.iter().position(|krate| krate.name == name)
    }

    pub fn root(&self, krate: usize) -> Option<Module> {
        let tree = self.crates.get(krate)?;
        let source = tree.load(&tree.root)?;
        Some(
            Module {
                krate,
                file: tree.root.clone(),
                source,
                inline: Vec::new(),
                dir: tree
                    .root
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
                parent: None,
                expansion: None,
                key: 0,
            }
            .keyed(),
        )
    }

    fn child(&self, parent: &Arc<Module>, index: usize, decl: &ModDecl) -> Option<Module> {
        if decl.inline.is_some() {
            let mut inline = parent.inline.clone();
            inline.push(index);
            return Some(
                Module {
                    krate: parent.krate,
                    file: parent.file.clone(),
                    source: parent.source.clone(),
                    inline,
                    dir: parent.dir.join(&decl.name),
                    parent: Some(parent.clone()),
                    expansion: parent.expansion.clone(),
                    key: 0,
                }
                .keyed(),
            );
        }
        let tree = self.crates.get(parent.krate)?;
        let candidates = match &decl.path_attr {
            Some(path) => vec![parent_dir_for_path_attr(parent).join(path)],
            None => vec![
                parent.dir.join(format!("{}.rs", decl.name)),
                parent.dir.join(&decl.name).join("mod.rs"),
            ],
        };
        for file in candidates {
            if let Some(source) = tree.load(&file) {
                let is_mod_rs = file.file_name().is_some_and(|n| n == "mod.rs");
                let dir = if is_mod_rs || decl.path_attr.is_some() {
                    file.parent().map(Path::to_path_buf).unwrap_or_default()
                } else {
                    parent.dir.join(&decl.name)
                };
                // A `#[path]` file that is not `mod.rs` keeps its children beside a folder
                // named after it, as rustc does.
                let dir = if decl.path_attr.is_some() && !is_mod_rs {
                    file.with_extension("")
                } else {
                    dir
                };
                return Some(
                    Module {
                        krate: parent.krate,
                        file,
                        source,
                        inline: Vec::new(),
                        dir,
                        parent: Some(parent.clone()),
                        expansion: None,
                        key: 0,
                    }
                    .keyed(),
                );
            }
        }
        None
    }

    /// Resolves `segments` as written in `from` (a `use` path or a path in code).
    pub fn resolve(&self, from: &Module, segments: &[String]) -> Resolution {
        self.resolve_at(from, segments, 0, Position::Any)
    }

    /// `resolve` for a path in code: a lone segment is a value (a local may shadow it).
    pub fn resolve_in_code(&self, from: &Module, segments: &[String], value: bool) -> Resolution {
        let position = if value && segments.len() == 1 {
            Position::Value
        } else {
            Position::TypePrefix
        };
        self.resolve_at(from, segments, 0, position)
    }

    fn resolve_at(
        &self,
        from: &Module,
        segments: &[String],
        depth: usize,
        position: Position,
    ) -> Resolution {
        if depth > MAX_DEPTH {
            // Cut short: not an answer to remember (see `lookup`).
            self.tainted.set(true);
            return Resolution::Unknown;
        }
        let Some(first) = segments.first() else {
            return Resolution::Unknown;
        };
        let mut index = 1;
        let mut current = match first.as_str() {
            "crate" => self.root(from.krate).map(Resolution::Module),
            "self" => Some(Resolution::Module(from.clone())),
            "super" => {
                let mut module = from.parent.as_deref().cloned();
                while segments.get(index).map(String::as_str) == Some("super") {
                    module = module.and_then(|m| m.parent.as_deref().cloned());
                    index += 1;
                }
                module.map(Resolution::Module)
            }
            "Self" => return Resolution::Unknown,
            name => {
                let position = if segments.len() > 1 && position != Position::Any {
                    Position::TypePrefix
                } else {
                    position
                };
                Some(self.first_segment(from, name, depth, position))
            }
        }
        .unwrap_or(Resolution::Unknown);
        while let Some(segment) = segments.get(index) {
            current = match current {
                Resolution::Module(module) => match self.lookup(&module, segment, depth) {
                    Resolution::Absent { .. } => Resolution::Absent { at: index },
                    other => other,
                },
                // Associated items, enum variants: not modelled, and the type exists.
                other => return other,
            };
            index += 1;
        }
        current
    }

    /// A path's first segment: a name in scope, else a crate of the set.
    fn first_segment(
        &self,
        from: &Module,
        name: &str,
        depth: usize,
        position: Position,
    ) -> Resolution {
        match self.lookup(from, name, depth) {
            Resolution::Absent { .. } => {
                let krate = self
                    .root_extern_crate(from.krate, name)
                    .or_else(|| self.prelude_crate(name));
                if let Some(krate) = krate {
                    return self
                        .root(krate)
                        .map_or(Resolution::Unknown, Resolution::Module);
                }
                // Nothing in scope here: a primitive type or the prelude may supply it (what
                // a gated declaration or glob brings elsewhere only shadows it there).
                if super::prelude::supplies(name, position, self.links_std(from.krate)) {
                    Resolution::Item(ItemKind::Other)
                } else if from.source().declares(name, position) {
                    // Declared here under another cfg: a real miss.
                    Resolution::Absent { at: 0 }
                } else {
                    // It may come from the prelude (or, on another target, a gated glob).
                    Resolution::Undeclared
                }
            }
            found => found,
        }
    }

    /// `name` inside `module` on this target.
    pub fn lookup(&self, module: &Module, name: &str, depth: usize) -> Resolution {
        if depth > MAX_DEPTH {
            // Cut short by depth: like a cycle, nothing computed from it is remembered, so
            // the same name asked at a shallower depth later is answered in full (else the
            // verdict would depend on the order of the questions).
            self.tainted.set(true);
            return Resolution::Unknown;
        }
        let module_key = module.key();
        let known = self
            .memo
            .borrow()
            .get(&module_key)
            .and_then(|names| names.get(name))
            .cloned();
        if let Some(known) = known {
            return known;
        }
        let key = (module_key, name.to_string());
        if self.in_progress.borrow().contains(&key) {
            // A cycle: unknown here, and nothing computed from this answer is remembered.
            self.tainted.set(true);
            return Resolution::Unknown;
        }
        self.in_progress.borrow_mut().insert(key.clone());
        let outer_taint = self.tainted.replace(false);
        let found = self.lookup_uncached(module, name, depth);
        self.in_progress.borrow_mut().remove(&key);
        let tainted = self.tainted.get();
        if !tainted {
            self.memo
                .borrow_mut()
                .entry(module_key)
                .or_default()
                .insert(key.1, found.clone());
        }
        self.tainted.set(outer_taint || tainted);
        found
    }

    fn lookup_uncached(&self, module: &Module, name: &str, depth: usize) -> Resolution {
        if module.source().unreadable {
            return Resolution::Unknown;
        }
        let krate = module.krate;
        let source = module.source();
        let parent = Arc::new(module.clone());
        // A declaration whose gate is unknown here (a build-script cfg) may exist: the name
        // is then unknown unless another declaration surely binds it.
        let mut unknown = false;
        for (index, decl) in source.mods.iter().enumerate() {
            if decl.name != name {
                continue;
            }
            match self.gate_state(krate, &decl.gate) {
                Some(true) => {
                    return self
                        .child(&parent, index, decl)
                        .map_or(Resolution::Unknown, Resolution::Module)
                }
                None => unknown = true,
                Some(false) => {}
            }
        }
        for item in source.items.iter().filter(|item| item.name == name) {
            match self.gate_state(krate, &item.gate) {
                Some(true) => return Resolution::Item(item.kind.clone()),
                None => unknown = true,
                Some(false) => {}
            }
        }
        for decl in source.uses.iter() {
            if decl.binds.as_deref() != Some(name) {
                continue;
            }
            match self.gate_state(krate, &decl.gate) {
                Some(true) => {
                    let base = self.import_base(module, &decl.path);
                    return match self.resolve_at(&base, &decl.path, depth + 1, Position::Any) {
                        // A broken import is reported where it is written, not here.
                        Resolution::Absent { .. } | Resolution::Undeclared => Resolution::Unknown,
                        found => found,
                    };
                }
                None => unknown = true,
                Some(false) => {}
            }
        }
        for (bound, extern_crate, gate) in &source.extern_crates {
            if bound != name {
                continue;
            }
            match self.gate_state(krate, gate) {
                Some(true) => {
                    return self
                        .crate_index(extern_crate)
                        .and_then(|k| self.root(k))
                        .map_or(Resolution::Unknown, Resolution::Module)
                }
                None => unknown = true,
                Some(false) => {}
            }
        }
        for decl in source.uses.iter().filter(|u| u.glob) {
            let surely = match self.gate_state(krate, &decl.gate) {
                Some(false) => continue,
                state => state == Some(true),
            };
            let base = if decl.path.first().map(String::as_str) == Some(name) {
                self.glob_base_through_crate(module, &decl.path, depth)
            } else {
                let base = self.import_base(module, &decl.path);
                self.resolve_at(&base, &decl.path, depth + 1, Position::Any)
            };
            // What a glob of unknown gate brings is unknown; what it does not bring, absent.
            let found = match base {
                Resolution::Module(base) => match self.lookup(&base, name, depth + 1) {
                    Resolution::Absent { .. } => continue,
                    Resolution::Unknown => Resolution::Unknown,
                    found => found,
                },
                Resolution::Absent { .. } => continue,
                Resolution::Item(ItemKind::Enum { variants }) => {
                    if !variants.iter().any(|v| v == name) {
                        continue;
                    }
                    Resolution::Item(ItemKind::Other)
                }
                Resolution::Item(_) | Resolution::Unknown | Resolution::Undeclared => {
                    Resolution::Unknown
                }
            };
            match found {
                Resolution::Unknown => unknown = true,
                found if surely => return found,
                _ => unknown = true,
            }
        }
        for call in source.macros.iter() {
            let surely = match self.gate_state(krate, &call.gate) {
                Some(false) => continue,
                state => state == Some(true),
            };
            if call.idents.is_empty() {
                if let Some(expanded) = self.expansion(module, &call.name) {
                    match self.lookup(&expanded, name, depth + 1) {
                        Resolution::Absent { .. } => continue,
                        found if surely => return found,
                        _ => {
                            unknown = true;
                            continue;
                        }
                    }
                }
            }
            // Named in the call's input: almost surely what it defines (`atomic_int! { …
            // AtomicU64 }`). Only ever a positive claim, so a wrong guess hides a finding
            // rather than making one up.
            if call.idents.contains(name) {
                if surely {
                    return Resolution::Item(ItemKind::Other);
                }
                unknown = true;
            }
            let in_body = source
                .macro_bodies
                .get(&call.name)
                .is_some_and(|body| body.contains(name));
            if in_body {
                unknown = true;
            }
        }
        if unknown {
            Resolution::Unknown
        } else {
            Resolution::Absent { at: 0 }
        }
    }

    /// The module `use name::…::*` names when `name` itself is being looked up in the
    /// glob's module: not through the glob (an import's path does not resolve through that
    /// import, and asking would end in a cycle that makes `name` unknown), so the crate
    /// `name` when there is one (`use std::os::unix::prelude::*;` and then `std::…`).
    fn glob_base_through_crate(
        &self,
        module: &Module,
        path: &[String],
        depth: usize,
    ) -> Resolution {
        let Some(name) = path.first() else {
            return Resolution::Unknown;
        };
        let krate = self
            .root_extern_crate(module.krate, name)
            .or_else(|| self.prelude_crate(name));
        let Some(root) = krate.and_then(|k| self.root(k)) else {
            return Resolution::Unknown;
        };
        let mut from_root = vec!["self".to_string()];
        from_root.extend(path[1..].iter().cloned());
        self.resolve_at(&root, &from_root, depth + 1, Position::Any)
    }

    /// Whether the type `segments` names (as written in `from`) has an inherent function
    /// `name` in the file that declares it (`Box::from_raw`): `None` when the declaration
    /// cannot be followed.
    pub fn has_inherent_fn(&self, from: &Module, segments: &[String], name: &str) -> Option<bool> {
        let (last, parent) = segments.split_last()?;
        let module = if parent.is_empty() {
            from.clone()
        } else {
            match self.resolve_in_code(from, parent, false) {
                Resolution::Module(module) => module,
                _ => return None,
            }
        };
        self.inherent_in(&module, last, name, 0)
    }

    fn inherent_in(&self, module: &Module, ty: &str, name: &str, depth: usize) -> Option<bool> {
        if depth > 8 {
            return None;
        }
        let cfg = &self.cfgs[module.krate];
        let source = module.source();
        if source
            .items
            .iter()
            .any(|i| i.name == ty && i.gate.is_on(cfg))
        {
            return Some(
                (source.inherent.iter()).any(|(t, fns)| t == ty && fns.iter().any(|f| f == name)),
            );
        }
        for decl in source.uses.iter().filter(|u| u.gate.is_on(cfg)) {
            let (parent, real) = match (decl.glob, decl.binds.as_deref()) {
                (false, Some(bound)) if bound == ty => {
                    let (real, parent) = decl.path.split_last()?;
                    (parent.to_vec(), real.clone())
                }
                (true, _) => (decl.path.clone(), ty.to_string()),
                _ => continue,
            };
            let base = self.import_base(module, &decl.path);
            let target = if parent.is_empty() {
                Some(base)
            } else {
                match self.resolve_at(&base, &parent, depth + 1, Position::Any) {
                    Resolution::Module(m) => Some(m),
                    _ => None,
                }
            };
            let Some(target) = target else {
                if decl.glob {
                    continue;
                }
                return None;
            };
            match self.inherent_in(&target, &real, name, depth + 1) {
                Some(found) => return Some(found),
                None if decl.glob => continue,
                None => return None,
            }
        }
        None
    }

    /// Whether a glob import of `base` brings into scope a trait that has `member` (for a
    /// method or associated function call): `Yes` for a trait with it or an import of one,
    /// `Maybe` where something is unknown (an item-level macro, an unreadable file, an
    /// import that cannot be followed), else `No`.
    pub fn glob_brings_member(
        &self,
        from_krate: usize,
        base: &Module,
        member: &str,
        depth: usize,
    ) -> Brings {
        if depth > 4 || base.source().unreadable {
            return Brings::Maybe;
        }
        let cfg = &self.cfgs[base.krate];
        let source = base.source();
        let has_member = |kind: &ItemKind| matches!(kind, ItemKind::Trait { members } if members.iter().any(|m| m == member));
        if (source.items.iter()).any(|i| i.gate.is_on(cfg) && has_member(&i.kind)) {
            return Brings::Yes;
        }
        let mut answer = if source.macros.iter().any(|m| m.gate.is_on(cfg)) {
            Brings::Maybe
        } else {
            Brings::No
        };
        // Another crate's glob brings only its public imports; the crate's own, all of them.
        let cross_crate = base.krate != from_krate;
        let imports =
            (source.uses.iter()).filter(|u| u.gate.is_on(cfg) && (u.public || !cross_crate));
        for decl in imports {
            let found = match self.resolve_at(base, &decl.path, depth + 1, Position::Any) {
                Resolution::Module(inner) if decl.glob => {
                    self.glob_brings_member(from_krate, &inner, member, depth + 1)
                }
                Resolution::Item(kind) if !decl.glob && has_member(&kind) => Brings::Yes,
                Resolution::Module(_) | Resolution::Item(_) | Resolution::Absent { .. } => {
                    Brings::No
                }
                Resolution::Unknown | Resolution::Undeclared => Brings::Maybe,
            };
            answer = answer.max(found);
            if answer == Brings::Yes {
                break;
            }
        }
        answer
    }

    /// `name!()` in `module`, read as the items of the macro's fixed body, when the crate
    /// defines `name` as such a macro (in this module, the root, or a root child module such
    /// as `#[macro_use] mod macros;`).
    fn expansion(&self, module: &Module, name: &str) -> Option<Module> {
        let tree = self.crates.get(module.krate)?;
        let text = module
            .source()
            .fixed_expansions
            .get(name)
            .cloned()
            .or_else(|| {
                let root = self.root(module.krate)?;
                let parent = Arc::new(root.clone());
                root.source()
                    .fixed_expansions
                    .get(name)
                    .cloned()
                    .or_else(|| {
                        root.source()
                            .mods
                            .iter()
                            .enumerate()
                            .find_map(|(index, decl)| {
                                let child = self.child(&parent, index, decl)?;
                                child.source().fixed_expansions.get(name).cloned()
                            })
                    })
            })?;
        let key = (module.file.clone(), name.to_string());
        let source = {
            let mut expansions = match tree.expansions.lock() {
                Ok(map) => map,
                Err(poisoned) => poisoned.into_inner(),
            };
            expansions
                .entry(key)
                .or_insert_with(|| Arc::new(ModuleSource::parse(&text)))
                .clone()
        };
        Some(
            Module {
                krate: module.krate,
                file: module.file.clone(),
                source,
                inline: Vec::new(),
                dir: module.dir.clone(),
                parent: module.parent.clone(),
                expansion: Some(name.to_string()),
                key: 0,
            }
            .keyed(),
        )
    }

    /// The members of the trait a path names, whatever the target (for method calls).
    pub fn trait_members(&self, from: &Module, segments: &[String]) -> Option<Vec<String>> {
        match self.resolve(from, segments) {
            Resolution::Item(ItemKind::Trait { members }) => Some(members),
            _ => None,
        }
    }
}

/// `#[path]` on `mod x;` in a non-mod.rs file resolves against that file's directory;
/// inside inline modules it resolves against the inline modules' folder.
fn parent_dir_for_path_attr(parent: &Module) -> PathBuf {
    if parent.inline.is_empty() {
        parent
            .file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        parent.dir.clone()
    }
}

/// A provider over a fixed set of in-memory files (open buffers, tests).
pub struct MemoryProvider(pub HashMap<PathBuf, Arc<str>>);

impl SourceProvider for MemoryProvider {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        self.0.get(path).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::cfg::CfgAtom;

    fn tree(name: &str, files: &[(&str, &str)]) -> CrateTree {
        let map = files
            .iter()
            .map(|(path, text)| (PathBuf::from(path), Arc::from(*text)))
            .collect();
        let root = PathBuf::from(files[0].0);
        CrateTree::new(name, root, Vec::new(), Arc::new(MemoryProvider(map)))
    }

    fn cfg(atoms: &[&str]) -> CfgSet {
        let mut set = CfgSet::default();
        for atom in atoms {
            match atom.split_once('=') {
                Some((k, v)) => set.insert(CfgAtom::KeyValue(k.into(), v.into())),
                None => set.insert(CfgAtom::Name(atom.to_string())),
            }
        }
        set
    }

    fn segments(path: &str) -> Vec<String> {
        path.split("::").map(str::to_string).collect()
    }

    fn verdict(set: &CrateSet<'_>, krate: &str, path: &str) -> &'static str {
        let Some(root) = set.crate_index(krate).and_then(|k| set.root(k)) else {
            return "no crate";
        };
        match set.resolve(&root, &segments(path)) {
            Resolution::Module(_) | Resolution::Item(_) => "present",
            Resolution::Unknown | Resolution::Undeclared => "unknown",
            Resolution::Absent { .. } => "absent",
        }
    }

    #[test]
    fn a_build_scripts_cfgs_are_unknown_in_its_crate_and_only_there() {
        let files: &[(&str, &str)] = &[
            (
                "/dep/lib.rs",
                "#[cfg(has_thing)] pub fn thing() {}\n\
                 #[cfg(has_thing)] pub mod m { pub fn inside() {} }\n\
                 #[cfg(not(has_thing))] pub fn fallback() {}\n\
                 #[cfg(all(unix, has_thing))] pub fn unix_thing() {}\n\
                 pub mod sys;",
            ),
            (
                "/dep/sys.rs",
                "#[cfg(has_thing)] pub use crate::m::*;\npub fn always() {}",
            ),
        ];
        let with_script = tree("dep", files).with_build_script(true);
        let without = tree("dep", files);
        let linux = cfg(&["unix"]);
        let windows = cfg(&["windows"]);
        let scripted = CrateSet::new(vec![&with_script], &linux);
        for path in [
            "dep::thing",
            "dep::m::inside",
            "dep::fallback",
            "dep::unix_thing",
        ] {
            assert_eq!(verdict(&scripted, "dep", path), "unknown", "{path}");
        }
        // A glob under such a cfg may bring a name; what it surely does not bring is absent.
        assert_eq!(verdict(&scripted, "dep", "dep::sys::inside"), "unknown");
        assert_eq!(verdict(&scripted, "dep", "dep::sys::always"), "present");
        // `all(unix, …)` is false where `unix` is, whatever the script sets.
        let scripted_windows = CrateSet::new(vec![&with_script], &windows);
        assert_eq!(
            verdict(&scripted_windows, "dep", "dep::unix_thing"),
            "absent"
        );
        // Without a build script nobody sets `has_thing`: false, as rustc has it.
        let plain = CrateSet::new(vec![&without], &linux);
        assert_eq!(verdict(&plain, "dep", "dep::thing"), "absent");
        assert_eq!(verdict(&plain, "dep", "dep::fallback"), "present");
    }

    #[test]
    fn platform_modules_follow_their_gates_through_files_and_reexports() {
        let std = tree(
            "std",
            &[
                ("/std/lib.rs", "pub mod os;\npub use core::sync;"),
                ("/std/os/mod.rs", "#[cfg(unix)] pub mod unix;\n#[cfg(windows)] #[path = \"windows/mod.rs\"] pub mod windows;"),
                ("/std/os/unix/mod.rs", "pub mod process;"),
                ("/std/os/unix/process.rs", "pub trait CommandExt { fn exec(&mut self); }"),
                ("/std/os/windows/mod.rs", "pub mod process;"),
                ("/std/os/windows/process.rs", "pub trait CommandExt { fn creation_flags(&mut self); }"),
            ],
        );
        let core = tree(
            "core",
            &[
                ("/core/lib.rs", "pub mod sync;"),
                ("/core/sync/mod.rs", "pub mod atomic;"),
                ("/core/sync/atomic.rs", "#[cfg(target_has_atomic_load_store = \"64\")]\natomic_int! { AtomicU64 }\natomic_int! { AtomicU32 }"),
            ],
        );
        let linux = cfg(&["unix", "target_has_atomic_load_store=64"]);
        let windows = cfg(&["windows", "target_has_atomic_load_store=64"]);
        let thumb = cfg(&[]);
        let on_linux = CrateSet::new(vec![&std, &core], &linux);
        let on_windows = CrateSet::new(vec![&std, &core], &windows);
        let on_thumb = CrateSet::new(vec![&std, &core], &thumb);
        let ext = "std::os::unix::process::CommandExt";
        assert_eq!(verdict(&on_linux, "std", ext), "present");
        assert_eq!(verdict(&on_windows, "std", ext), "absent");
        assert_eq!(
            verdict(&on_windows, "std", "std::os::windows::process::CommandExt"),
            "present"
        );
        // Named by a macro call that is on: taken as defined there.
        assert_eq!(
            verdict(&on_linux, "std", "std::sync::atomic::AtomicU64"),
            "present"
        );
        // Only the gated call names AtomicU64: off on thumb, so it is missing there.
        assert_eq!(
            verdict(&on_thumb, "std", "std::sync::atomic::AtomicU64"),
            "absent"
        );
        assert_eq!(
            verdict(&on_thumb, "std", "std::sync::atomic::AtomicU32"),
            "present"
        );
        // A name no declaration mentions may come from the prelude: undeclared, not absent;
        // a name the prelude has (`Vec` where std is linked) exists.
        let root = on_linux.root(0);
        assert!(root.clone().is_some_and(|root| matches!(
            on_linux.resolve(&root, &segments("Sponge")),
            Resolution::Undeclared
        )));
        assert!(root.is_some_and(|root| matches!(
            on_linux.resolve(&root, &segments("Vec")),
            Resolution::Item(_)
        )));
    }

    #[test]
    fn globs_in_selected_arms_decide_what_a_crate_exports() {
        let libc = tree(
            "libc",
            &[
                ("/libc/lib.rs", "cfg_if! { if #[cfg(unix)] { mod unix; pub use unix::*; } else if #[cfg(windows)] { mod windows; pub use windows::*; } else { } }\npub type c_int = i32;"),
                ("/libc/unix/mod.rs", "extern \"C\" { pub fn kill(pid: i32, sig: i32) -> i32; }"),
                ("/libc/windows/mod.rs", "extern \"C\" { pub fn signal(); }"),
            ],
        );
        let linux = CrateSet::new(vec![&libc], &cfg(&["unix"]));
        let wasm = CrateSet::new(vec![&libc], &cfg(&["target_arch=wasm32"]));
        let windows = CrateSet::new(vec![&libc], &cfg(&["windows"]));
        assert_eq!(verdict(&linux, "libc", "libc::kill"), "present");
        assert_eq!(verdict(&wasm, "libc", "libc::kill"), "absent");
        assert_eq!(verdict(&windows, "libc", "libc::kill"), "absent");
        assert_eq!(verdict(&wasm, "libc", "libc::c_int"), "present");
    }
}
