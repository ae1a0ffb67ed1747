//! std's module tree as one target compiles it, entered at `std::sys`: modules are loaded
//! lazily from `library/std/src`, with `#[cfg]` / `cfg_select!` / `cfg_if!` already applied,
//! and paths such as `fs::File::open` (relative to `sys`) or `crate::sys_common::net::…`
//! are resolved through `mod`, `use … as imp`, globs and type aliases to the function
//! definition the target links.

use super::select::{
    active_items, active_items_in_text, cfg_attrs_hold, select_arm, selection_arms, ActiveItem,
};
use crate::analysis::cfg::CfgSet;
use anyhow::{Context, Result};
use ra_ap_syntax::ast::{self, HasAttrs, HasModuleItem, HasName};
use ra_ap_syntax::AstNode;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Index of a loaded module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModuleId(usize);

struct Module {
    /// The file the module's items come from (an inline module's enclosing file).
    file: PathBuf,
    text: Rc<str>,
    /// Where `mod x;` finds `x.rs` or `x/mod.rs`.
    child_dir: PathBuf,
    /// What `#[path = "…"]` on a `mod` is relative to.
    path_attribute_dir: PathBuf,
    items: Vec<ActiveItem>,
    parent: Option<ModuleId>,
}

/// A function definition found for the target.
#[derive(Debug, Clone)]
pub struct FoundFn {
    pub function: ast::Fn,
    pub file: PathBuf,
    /// 1-based line of the function's name.
    pub line: usize,
}

/// What a path names (a bare type is a dead end: the mapping always names a method).
enum Target {
    Module(ModuleId),
    Type,
    Function(FoundFn),
}

/// Deep enough for std's re-export chains; a backstop behind the cycle check.
const MAX_DEPTH: usize = 40;

pub struct ModuleTree<'a> {
    cfg: &'a CfgSet,
    modules: Vec<Module>,
    children: HashMap<(ModuleId, String), Option<ModuleId>>,
    files: HashMap<PathBuf, Rc<str>>,
    crate_root: ModuleId,
    sys_root: ModuleId,
    in_progress: HashSet<(ModuleId, Vec<String>)>,
}

impl<'a> ModuleTree<'a> {
    /// Loads std's crate root and its `sys` module for the target described by `cfg`.
    /// A `library/` holding only `std/src/sys` (a test's copy) gets a crate root that
    /// declares just `mod sys;`.
    pub fn new(library: &Path, cfg: &'a CfgSet) -> Result<ModuleTree<'a>> {
        let lib_rs = library.join("std/src/lib.rs");
        let mut tree = ModuleTree {
            cfg,
            modules: Vec::new(),
            children: HashMap::new(),
            files: HashMap::new(),
            crate_root: ModuleId(0),
            sys_root: ModuleId(0),
            in_progress: HashSet::new(),
        };
        if !lib_rs.is_file() {
            tree.files.insert(lib_rs.clone(), Rc::from("mod sys;\n"));
        }
        tree.crate_root = tree.load_file_module(&lib_rs, None)?;
        tree.sys_root = tree
            .child(tree.crate_root, "sys")?
            .with_context(|| format!("{} declares no `mod sys`", lib_rs.display()))?;
        Ok(tree)
    }

    /// Resolves a path relative to `std::sys` (e.g. `time::Instant::now`), or one from the
    /// crate root (`crate::sys_common::net::TcpStream::connect`), to a function.
    pub fn resolve_function(&mut self, path: &str) -> Result<Option<FoundFn>> {
        let segments: Vec<String> = path.split("::").map(str::to_string).collect();
        let mut visited = Vec::new();
        match self.resolve(self.sys_root, &segments, &mut visited, 0)? {
            Some(Target::Function(found)) => Ok(Some(found)),
            _ => Ok(None),
        }
    }

    fn read(&mut self, path: &Path) -> Result<Rc<str>> {
        if let Some(text) = self.files.get(path) {
            return Ok(text.clone());
        }
        let text: Rc<str> = std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?
            .into();
        self.files.insert(path.to_path_buf(), text.clone());
        Ok(text)
    }

    fn load_file_module(&mut self, file: &Path, parent: Option<ModuleId>) -> Result<ModuleId> {
        let text = self.read(file)?;
        let items = active_items_in_text(&text, 0, self.cfg)
            .with_context(|| format!("selecting items in {}", file.display()))?;
        let file_dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        // `mod.rs` and the crate root (`lib.rs`) keep their children beside them.
        let is_mod_rs = file.file_name().is_some_and(|name| name == "mod.rs") || parent.is_none();
        let child_dir = match (is_mod_rs, file.file_stem()) {
            (false, Some(stem)) => file_dir.join(stem),
            _ => file_dir.clone(),
        };
        self.modules.push(Module {
            file: file.to_path_buf(),
            text,
            child_dir,
            path_attribute_dir: file_dir,
            items,
            parent,
        });
        Ok(ModuleId(self.modules.len() - 1))
    }

    fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.0]
    }

    /// The child module `name` declared (and compiled in) in `parent`.
    fn child(&mut self, parent: ModuleId, name: &str) -> Result<Option<ModuleId>> {
        let key = (parent, name.to_string());
        if let Some(known) = self.children.get(&key) {
            return Ok(*known);
        }
        let declaration = self
            .module(parent)
            .items
            .iter()
            .find_map(|active| match &active.item {
                ast::Item::Module(module) if has_name(module, name) => {
                    Some((module.clone(), active.base))
                }
                _ => None,
            });
        let child = match declaration {
            None => None,
            Some((module, base)) => Some(self.load_declared_module(parent, &module, base, name)?),
        };
        self.children.insert(key, child);
        Ok(child)
    }

    fn load_declared_module(
        &mut self,
        parent: ModuleId,
        module: &ast::Module,
        base: usize,
        name: &str,
    ) -> Result<ModuleId> {
        let parent_module = self.module(parent);
        if let Some(list) = module.item_list() {
            let items = active_items(list.items(), base, self.cfg)?;
            let inline = Module {
                file: parent_module.file.clone(),
                text: parent_module.text.clone(),
                child_dir: parent_module.child_dir.join(name),
                path_attribute_dir: parent_module.child_dir.join(name),
                items,
                parent: Some(parent),
            };
            self.modules.push(inline);
            return Ok(ModuleId(self.modules.len() - 1));
        }
        let file = match path_attribute(module) {
            Some(relative) => normalize(&parent_module.path_attribute_dir.join(relative)),
            None => {
                let flat = parent_module.child_dir.join(format!("{name}.rs"));
                if flat.is_file() {
                    flat
                } else {
                    parent_module.child_dir.join(name).join("mod.rs")
                }
            }
        };
        self.load_file_module(&file, Some(parent))
    }

    fn resolve(
        &mut self,
        module: ModuleId,
        segments: &[String],
        visited: &mut Vec<ModuleId>,
        depth: usize,
    ) -> Result<Option<Target>> {
        // Globs can form cycles (`use super::*` under `pub use child::*`): a question
        // already being asked further up names nothing on this branch.
        let question = (module, segments.to_vec());
        if depth > MAX_DEPTH || !self.in_progress.insert(question.clone()) {
            return Ok(None);
        }
        let answer = self.resolve_in(module, segments, visited, depth);
        self.in_progress.remove(&question);
        answer
    }

    fn resolve_in(
        &mut self,
        module: ModuleId,
        segments: &[String],
        visited: &mut Vec<ModuleId>,
        depth: usize,
    ) -> Result<Option<Target>> {
        visited.push(module);
        let Some((first, rest)) = segments.split_first() else {
            return Ok(Some(Target::Module(module)));
        };
        match first.as_str() {
            "self" => return self.resolve(module, rest, visited, depth + 1),
            "super" => {
                return match self.module(module).parent {
                    Some(parent) => self.resolve(parent, rest, visited, depth + 1),
                    None => Ok(None),
                }
            }
            "crate" => return self.resolve(self.crate_root, rest, visited, depth + 1),
            _ => {}
        }
        if let Some(found) = self.resolve_local(module, first, rest, visited, depth)? {
            return Ok(Some(found));
        }
        let (named, globs) = imports(&self.module(module).items);
        for (path, binding) in named {
            if binding == *first {
                let mut full = path;
                full.extend_from_slice(rest);
                if let Some(found) = self.resolve(module, &full, visited, depth + 1)? {
                    return Ok(Some(found));
                }
            }
        }
        for glob in globs {
            if let Some(Target::Module(target)) = self.resolve(module, &glob, visited, depth + 1)? {
                if target != module {
                    if let Some(found) = self.resolve(target, segments, visited, depth + 1)? {
                        return Ok(Some(found));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Items defined in `module` itself.
    fn resolve_local(
        &mut self,
        module: ModuleId,
        first: &str,
        rest: &[String],
        visited: &mut Vec<ModuleId>,
        depth: usize,
    ) -> Result<Option<Target>> {
        let mut is_type = false;
        let mut alias: Option<Vec<String>> = None;
        let mut function: Option<FoundFn> = None;
        let mut is_module = false;
        for active in &self.module(module).items {
            match &active.item {
                ast::Item::Fn(item) if has_name(item, first) => {
                    function = Some(self.found(module, active, item));
                }
                ast::Item::Module(item) if has_name(item, first) => is_module = true,
                ast::Item::Struct(item) if has_name(item, first) => is_type = true,
                ast::Item::Enum(item) if has_name(item, first) => is_type = true,
                ast::Item::Union(item) if has_name(item, first) => is_type = true,
                ast::Item::TypeAlias(item) if has_name(item, first) => {
                    alias = item.ty().map(|ty| path_segments_of_type(&ty));
                }
                _ => {}
            }
        }
        if let (Some(found), true) = (function, rest.is_empty()) {
            return Ok(Some(Target::Function(found)));
        }
        if is_module {
            if let Some(child) = self.child(module, first)? {
                return self.resolve(child, rest, visited, depth + 1);
            }
        }
        if let Some(mut target) = alias.filter(|path| !path.is_empty()) {
            target.extend_from_slice(rest);
            return self.resolve(module, &target, visited, depth + 1);
        }
        if is_type {
            return match rest {
                [] => Ok(Some(Target::Type)),
                [method] => Ok(self
                    .find_method(module, first, method, visited)?
                    .map(Target::Function)),
                _ => Ok(None),
            };
        }
        Ok(None)
    }

    /// `impl Type { fn method }`: in the defining module, then in the modules the path went
    /// through, then in their children (std often splits a type's data and its methods).
    fn find_method(
        &mut self,
        type_module: ModuleId,
        type_name: &str,
        method: &str,
        visited: &[ModuleId],
    ) -> Result<Option<FoundFn>> {
        let mut candidates = vec![type_module];
        candidates.extend(visited.iter().rev().copied());
        for module in candidates.clone() {
            // A type's methods live within its own subsystem, never in a sibling one
            // (and loading every child of the roots would load all of std).
            if module == self.sys_root || module == self.crate_root {
                continue;
            }
            let names: Vec<String> = self
                .module(module)
                .items
                .iter()
                .filter_map(|active| match &active.item {
                    ast::Item::Module(child) => child.name().map(|name| name.text().to_string()),
                    _ => None,
                })
                .collect();
            for name in names {
                if let Some(child) = self.child(module, &name)? {
                    candidates.push(child);
                }
            }
        }
        for module in candidates {
            if let Some(found) = self.method_in(module, type_name, method)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    fn method_in(
        &self,
        module: ModuleId,
        type_name: &str,
        method: &str,
    ) -> Result<Option<FoundFn>> {
        for active in &self.module(module).items {
            let ast::Item::Impl(implementation) = &active.item else {
                continue;
            };
            let self_name = implementation
                .self_ty()
                .map(|ty| path_segments_of_type(&ty));
            if self_name
                .as_ref()
                .and_then(|path| path.last())
                .map(String::as_str)
                != Some(type_name)
            {
                continue;
            }
            let Some(list) = implementation.assoc_item_list() else {
                continue;
            };
            for (function, base) in self.active_methods(list.assoc_items(), active.base)? {
                if has_name(&function, method) {
                    return Ok(Some(self.found_at(module, base, &function)));
                }
            }
        }
        Ok(None)
    }

    /// The methods of an impl block compiled in for the target, each with the offset of the
    /// text it was parsed from: `#[cfg]` applies, and a `cfg_if!` / `cfg_select!` among the
    /// methods (std 1.85's WASI `Thread::new`) contributes its chosen arm's functions.
    fn active_methods(
        &self,
        items: impl Iterator<Item = ast::AssocItem>,
        base: usize,
    ) -> Result<Vec<(ast::Fn, usize)>> {
        let mut methods = Vec::new();
        for item in items {
            match item {
                ast::AssocItem::Fn(function) if cfg_attrs_hold(function.attrs(), self.cfg)? => {
                    methods.push((function, base));
                }
                ast::AssocItem::MacroCall(call) => {
                    if !cfg_attrs_hold(call.attrs(), self.cfg)? {
                        continue;
                    }
                    let Some(arms) = selection_arms(&call)? else {
                        continue;
                    };
                    if let Some(arm) = select_arm(&arms, self.cfg) {
                        let arm_base = base + arm.body_offset;
                        // Functions parse the same at module level as inside an impl.
                        for active in active_items_in_text(&arm.body, arm_base, self.cfg)? {
                            if let ast::Item::Fn(function) = active.item {
                                methods.push((function, active.base));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(methods)
    }

    fn found(&self, module: ModuleId, active: &ActiveItem, function: &ast::Fn) -> FoundFn {
        self.found_at(module, active.base, function)
    }

    /// `base`: the offset, within the module's file, of the text `function` was parsed from.
    fn found_at(&self, module: ModuleId, base: usize, function: &ast::Fn) -> FoundFn {
        let module = self.module(module);
        let anchor = function
            .name()
            .map(|name| name.syntax().clone())
            .unwrap_or_else(|| function.syntax().clone());
        let offset = (base + usize::from(anchor.text_range().start())).min(module.text.len());
        let line = module
            .text
            .get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1);
        FoundFn {
            function: function.clone(),
            file: module.file.clone(),
            line,
        }
    }
}

/// Drops `..` lexically so reported source paths read `sys/pal/unsupported/…`.
fn normalize(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                result.pop();
            }
            std::path::Component::CurDir => {}
            other => result.push(other),
        }
    }
    result
}

fn has_name(node: &impl HasName, name: &str) -> bool {
    node.name().is_some_and(|found| found.text() == name)
}

fn path_attribute(module: &ast::Module) -> Option<String> {
    module.attrs().find_map(|attr| {
        let text = attr.syntax().text().to_string();
        let inner = text
            .trim_start_matches('#')
            .trim()
            .strip_prefix('[')?
            .strip_suffix(']')?;
        let value = inner
            .trim()
            .strip_prefix("path")?
            .trim_start()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_string())
    })
}

/// `Foo`, `super::imp::Foo<'a>` → its path segments without generics.
fn path_segments_of_type(ty: &ast::Type) -> Vec<String> {
    let ast::Type::PathType(path_type) = ty else {
        return Vec::new();
    };
    let Some(path) = path_type.path() else {
        return Vec::new();
    };
    path.segments()
        .filter_map(|segment| {
            segment
                .syntax()
                .first_token()
                .map(|token| token.text().to_string())
        })
        .collect()
}

type NamedImport = (Vec<String>, String);

/// `use` items of a module: named imports as (path, bound name), and glob paths.
fn imports(items: &[ActiveItem]) -> (Vec<NamedImport>, Vec<Vec<String>>) {
    let mut named = Vec::new();
    let mut globs = Vec::new();
    for active in items {
        if let ast::Item::Use(item) = &active.item {
            if let Some(tree) = item.use_tree() {
                flatten_use_tree(&tree, &[], &mut named, &mut globs);
            }
        }
    }
    (named, globs)
}

fn flatten_use_tree(
    tree: &ast::UseTree,
    prefix: &[String],
    named: &mut Vec<NamedImport>,
    globs: &mut Vec<Vec<String>>,
) {
    let mut path = prefix.to_vec();
    if let Some(own) = tree.path() {
        path.extend(own.segments().filter_map(|segment| {
            segment
                .syntax()
                .first_token()
                .map(|token| token.text().to_string())
        }));
    }
    if let Some(list) = tree.use_tree_list() {
        for subtree in list.use_trees() {
            flatten_use_tree(&subtree, &path, named, globs);
        }
        return;
    }
    if tree.star_token().is_some() {
        globs.push(path);
        return;
    }
    let renamed = tree
        .rename()
        .and_then(|rename| rename.name())
        .map(|name| name.text().to_string());
    // `use foo::{self}` binds `foo`.
    if path.last().is_some_and(|last| last == "self") {
        path.pop();
    }
    if let Some(binding) = renamed.or_else(|| path.last().cloned()) {
        if binding != "_" {
            named.push((path, binding));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// A miniature `library/` with std's shapes: selection by cfg_select!, `use x as imp`,
    /// re-exports, a `#[path]` module, an inline `mod imp`, a type alias.
    fn library() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "std/src/sys/mod.rs",
            "mod pal;\npub mod time;\npub mod stdio;\npub use pal::*;\n",
        );
        write(
            root,
            "std/src/sys/pal/mod.rs",
            "cfg_select! { unix => { mod unix; pub use self::unix::*; } _ => { mod wasm; pub use self::wasm::*; } }\n",
        );
        write(
            root,
            "std/src/sys/pal/unix/mod.rs",
            "pub fn abort_internal() -> ! { libc::abort() }\n",
        );
        write(
            root,
            "std/src/sys/pal/wasm/mod.rs",
            "#[path = \"../unsupported/common.rs\"]\nmod common;\npub use common::*;\n",
        );
        write(
            root,
            "std/src/sys/pal/unsupported/common.rs",
            "pub fn abort_internal() -> ! {\n    core::intrinsics::abort()\n}\n",
        );
        write(
            root,
            "std/src/sys/time/mod.rs",
            "cfg_select! {\n    unix => { mod unix; use unix as imp; }\n    _ => { mod unsupported; use unsupported as imp; }\n}\npub use imp::{Instant};\n",
        );
        write(
            root,
            "std/src/sys/time/unix.rs",
            "pub struct Instant;\nimpl Instant {\n    pub fn now() -> Instant { Instant }\n}\n",
        );
        write(
            root,
            "std/src/sys/time/unsupported.rs",
            "pub struct Instant;\n\nimpl Instant {\n    #[cfg(unix)]\n    pub fn now() -> Instant { Instant }\n    #[cfg(not(unix))]\n    pub fn now() -> Instant {\n        panic!(\"no time\")\n    }\n}\n",
        );
        write(
            root,
            "std/src/sys/stdio/mod.rs",
            "mod unsupported;\nmod imp { pub use super::unsupported::{Stdout as Out}; }\npub use imp::Out as Stdout;\npub type Stderr = Stdout;\n",
        );
        write(
            root,
            "std/src/sys/stdio/unsupported.rs",
            "pub struct Stdout;\nimpl io::Write for Stdout {\n    fn write(&mut self, buf: &[u8]) -> io::Result<usize> { Ok(buf.len()) }\n}\n",
        );
        dir
    }

    fn resolve(library: &Path, cfg: &str, path: &str) -> Option<(String, usize)> {
        let cfg = CfgSet::from_rustc_print_cfg(cfg);
        let mut tree = ModuleTree::new(library, &cfg).unwrap();
        let found = tree.resolve_function(path).unwrap()?;
        let file = found
            .file
            .strip_prefix(library)
            .unwrap()
            .display()
            .to_string();
        Some((file, found.line))
    }

    #[test]
    fn follows_selection_aliases_and_methods() {
        let lib = library();
        assert_eq!(
            resolve(lib.path(), "unix", "time::Instant::now"),
            Some(("std/src/sys/time/unix.rs".into(), 3))
        );
        assert_eq!(
            resolve(lib.path(), "target_os=\"unknown\"", "time::Instant::now"),
            Some(("std/src/sys/time/unsupported.rs".into(), 7))
        );
    }

    #[test]
    fn follows_globs_and_path_attributes() {
        let lib = library();
        assert_eq!(
            resolve(lib.path(), "target_family=\"wasm\"", "abort_internal"),
            Some(("std/src/sys/pal/unsupported/common.rs".into(), 1))
        );
        assert_eq!(
            resolve(lib.path(), "unix", "abort_internal"),
            Some(("std/src/sys/pal/unix/mod.rs".into(), 1))
        );
    }

    #[test]
    fn follows_inline_modules_renames_and_type_aliases() {
        let lib = library();
        let expected = Some(("std/src/sys/stdio/unsupported.rs".into(), 3));
        assert_eq!(
            resolve(lib.path(), "unix", "stdio::Stderr::write"),
            expected
        );
        assert_eq!(
            resolve(lib.path(), "unix", "stdio::Stdout::write"),
            expected
        );
    }

    #[test]
    fn glob_cycles_end() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "std/src/sys/mod.rs", "mod a;\npub use a::*;\n");
        write(
            dir.path(),
            "std/src/sys/a.rs",
            "mod b;\npub use b::*;\npub use super::*;\n",
        );
        write(
            dir.path(),
            "std/src/sys/a/b.rs",
            "pub use super::*;\npub use crate::sys::*;\npub fn found() {}\n",
        );
        assert_eq!(resolve(dir.path(), "unix", "missing"), None);
        assert_eq!(
            resolve(dir.path(), "unix", "found"),
            Some(("std/src/sys/a/b.rs".into(), 3))
        );
    }

    /// std 1.85's shapes: a method chosen by `cfg_if!` inside the impl block, and a path
    /// from the crate root into `sys_common` (declared in `lib.rs`).
    #[test]
    fn follows_selection_in_impl_blocks_and_crate_paths() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "std/src/lib.rs", "mod sys;\nmod sys_common;\n");
        write(dir.path(), "std/src/sys/mod.rs", "pub mod thread;\n");
        write(
            dir.path(),
            "std/src/sys/thread.rs",
            "pub struct Thread;\nimpl Thread {\n    cfg_if::cfg_if! {\n        if #[cfg(unix)] {\n            pub fn new() {}\n        } else {\n            pub fn new() { unsupported() }\n        }\n    }\n}\n",
        );
        write(
            dir.path(),
            "std/src/sys_common/mod.rs",
            "cfg_select! { unix => { pub mod net; } _ => { pub use crate::sys::thread as net; } }\n",
        );
        write(
            dir.path(),
            "std/src/sys_common/net.rs",
            "pub struct TcpStream;\nimpl TcpStream {\n    pub fn connect() {}\n}\n",
        );
        assert_eq!(
            resolve(dir.path(), "unix", "thread::Thread::new"),
            Some(("std/src/sys/thread.rs".into(), 5))
        );
        assert_eq!(
            resolve(dir.path(), "target_os=\"unknown\"", "thread::Thread::new"),
            Some(("std/src/sys/thread.rs".into(), 7))
        );
        assert_eq!(
            resolve(
                dir.path(),
                "unix",
                "crate::sys_common::net::TcpStream::connect"
            ),
            Some(("std/src/sys_common/net.rs".into(), 3))
        );
        assert_eq!(
            resolve(
                dir.path(),
                "target_os=\"unknown\"",
                "crate::sys_common::net::Thread::new"
            ),
            Some(("std/src/sys/thread.rs".into(), 7))
        );
    }

    #[test]
    fn unknown_paths_resolve_to_nothing() {
        let lib = library();
        assert_eq!(resolve(lib.path(), "unix", "time::Instant::elapsed"), None);
        assert_eq!(resolve(lib.path(), "unix", "net::TcpStream::connect"), None);
    }
}
