//! The module tree of a crate, followed from its root through `mod x;` declarations
//! (`#[path]`, nested inline modules, `#[cfg]`-gated modules), not a glob of files.

use crate::analysis::syntax::{FileSyntax, Gate};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file of the module tree and the `#[cfg]`s on the way to it.
#[derive(Debug, Clone)]
pub struct ModuleFile {
    pub path: PathBuf,
    pub gate: Gate,
    pub text: Arc<str>,
    pub syntax: Arc<FileSyntax>,
}

/// Reads and parses one file; `None` when it cannot be read.
pub type LoadFile<'a> = dyn FnMut(&Path) -> Option<(Arc<str>, Arc<FileSyntax>)> + 'a;

/// Deep enough for any real crate; stops runaway `#[path]` cycles.
const MAX_DEPTH: usize = 64;

/// Walks the module tree from `root`. `load` returns a file's text and parsed facts, or
/// `None` when the file cannot be read (then that module is skipped).
pub fn module_tree(root: &Path, load: &mut LoadFile<'_>) -> Vec<ModuleFile> {
    module_tree_probed(root, load, &mut HashSet::new())
}

/// Like `module_tree`, and adds to `probed` every path the walk read or looked for: only a
/// change to one of those can change the tree.
pub fn module_tree_probed(
    root: &Path,
    load: &mut LoadFile<'_>,
    probed: &mut HashSet<PathBuf>,
) -> Vec<ModuleFile> {
    let mut walk = Walk {
        load,
        seen: HashSet::new(),
        probed,
        files: Vec::new(),
    };
    visit(root, Gate::default(), true, 0, &mut walk);
    walk.files
}

struct Walk<'l, 'a, 'p> {
    load: &'l mut LoadFile<'a>,
    seen: HashSet<PathBuf>,
    probed: &'p mut HashSet<PathBuf>,
    files: Vec<ModuleFile>,
}

fn visit(path: &Path, gate: Gate, owns_directory: bool, depth: usize, walk: &mut Walk<'_, '_, '_>) {
    if depth > MAX_DEPTH || !walk.seen.insert(path.to_path_buf()) {
        return;
    }
    walk.probed.insert(path.to_path_buf());
    let Some((text, syntax)) = (walk.load)(path) else {
        return;
    };
    // `lib.rs`, `main.rs` and `mod.rs` own their directory; `foo.rs` owns `foo/`.
    let directory = match (owns_directory, path.parent(), path.file_stem()) {
        (true, Some(parent), _) => parent.to_path_buf(),
        (false, Some(parent), Some(stem)) => parent.join(stem),
        _ => return,
    };
    let file_directory = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let declarations = syntax.mods.clone();
    walk.files.push(ModuleFile {
        path: path.to_path_buf(),
        gate: gate.clone(),
        text,
        syntax,
    });
    for declaration in declarations {
        let mut child_gate = gate.clone();
        child_gate.0.extend(declaration.gate.0.iter().cloned());
        let base = declaration
            .inline_parents
            .iter()
            .fold(directory.clone(), |dir, parent| dir.join(parent));
        if let Some(explicit) = &declaration.path_attr {
            // `#[path]` is relative to the current file's directory (or, inside an inline
            // module, to that module's directory).
            let relative_to = if declaration.inline_parents.is_empty() {
                &file_directory
            } else {
                &base
            };
            let child = relative_to.join(explicit);
            let owns = child.file_name().is_some_and(|n| n == "mod.rs");
            visit(&child, child_gate, owns, depth + 1, walk);
            continue;
        }
        let flat = base.join(format!("{}.rs", declaration.name));
        let nested = base.join(&declaration.name).join("mod.rs");
        // Creating or removing either candidate can change the tree.
        walk.probed.insert(flat.clone());
        walk.probed.insert(nested.clone());
        if flat.is_file() || !nested.is_file() {
            visit(&flat, child_gate, false, depth + 1, walk);
        } else {
            visit(&nested, child_gate, true, depth + 1, walk);
        }
    }
}
