//! Each file's text and parse, kept between checks: a file is parsed again only when its
//! text changed, and a file edited again and again keeps its syntax tree, so the next edit
//! re-parses only the block it touched. A file parsed afresh for a full check keeps its tree
//! (and, when read ahead, its semantic read) until its crate's semantic checks are done.

use crate::analysis::rules::unavailable_on_target::PreparedFile;
use crate::analysis::syntax::{FileSyntax, IncrementalParse};
use crate::engine::SourceProvider;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Syntax trees kept for this many recently edited files: a tree costs a few times its
/// text in memory, and only the files being typed in need one.
const EDITED_TREES_KEPT: usize = 8;

#[derive(Clone)]
pub(super) struct CachedFile {
    hash: u64,
    pub text: Arc<str>,
    pub syntax: Arc<FileSyntax>,
}

#[derive(Default)]
pub(super) struct FileCache {
    files: HashMap<PathBuf, CachedFile>,
    /// Trees of files read again with a new text, with when each was last used.
    edited: HashMap<PathBuf, (u64, IncrementalParse)>,
    clock: u64,
    /// Trees of files parsed afresh while `keep_fresh_trees` is on: a full check reads a
    /// crate's files for its first-tier and semantic checks from one parse, then lets go.
    fresh: HashMap<PathBuf, FreshParse>,
    keep_fresh_trees: bool,
}

/// A fresh parse of a file's cached text.
struct FreshParse {
    /// The green tree (a `SourceFile` is bound to its thread; the read-ahead runs on another).
    tree: ra_ap_syntax::Parse<ra_ap_syntax::SourceFile>,
    /// What T0008 reads from the tree, when it was read ahead (`prepare_fresh`).
    prepared: Option<Arc<PreparedFile>>,
}

impl FileCache {
    /// The kept syntax tree of `path` (an edited file's, or a fresh one), when it is that
    /// of `text`.
    pub fn tree_of(&self, path: &Path, text: &str) -> Option<ra_ap_syntax::SourceFile> {
        if let Some((_, parser)) = self.edited.get(path) {
            return parser.tree_of(text);
        }
        self.fresh_parse(path, text).map(|fresh| fresh.tree.tree())
    }

    /// T0008's read of `path`, when it was read ahead from a fresh tree of `text`.
    pub fn prepared_of(&self, path: &Path, text: &str) -> Option<Arc<PreparedFile>> {
        self.fresh_parse(path, text)?.prepared.clone()
    }

    fn fresh_parse(&self, path: &Path, text: &str) -> Option<&FreshParse> {
        let fresh = self.fresh.get(path)?;
        let current = self.files.get(path)?;
        // A fresh parse is always that of the file's cached text; check the caller's too.
        (*current.text == *text).then_some(fresh)
    }

    /// Reads T0008's facts from `path`'s fresh tree now, to spare the semantic checks the
    /// walk (the read-ahead does this while `cargo metadata` runs).
    pub fn prepare_fresh(&mut self, path: &Path) {
        let Some(text) = self.files.get(path).map(|file| file.text.clone()) else {
            return;
        };
        if let Some(fresh) = self.fresh.get_mut(path) {
            if fresh.prepared.is_none() {
                fresh.prepared = Some(Arc::new(PreparedFile::from_tree(&fresh.tree.tree(), &text)));
            }
        }
    }

    /// Whether files parsed from now on keep their trees (until released).
    pub fn keep_fresh_trees(&mut self, keep: bool) {
        self.keep_fresh_trees = keep;
    }

    /// Lets go of the fresh trees of `paths` (a crate whose checks are done).
    pub fn release_fresh_trees_of<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        for path in paths {
            self.fresh.remove(path);
        }
    }

    pub fn release_fresh_trees(&mut self) {
        self.fresh.clear();
    }

    pub fn get(&self, path: &Path) -> Option<CachedFile> {
        self.files.get(path).cloned()
    }

    /// `path`'s text from `sources` and its parse, parsed again only when the text changed.
    pub fn load(
        &mut self,
        root: &Path,
        path: &Path,
        sources: &dyn SourceProvider,
    ) -> Option<CachedFile> {
        if !crate::workspace::is_inside(root, path) {
            // `#[path = "/etc/…"]` or a symlink out of the workspace: not ours to read.
            eprintln!(
                "triplet: not reading {}: outside the workspace {}",
                path.display(),
                root.display()
            );
            return None;
        }
        let Some(text) = sources.read(path) else {
            self.files.remove(path);
            self.edited.remove(path);
            self.fresh.remove(path);
            return None;
        };
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        let hash = hasher.finish();
        if let Some(cached) = self.files.get(path).filter(|cached| cached.hash == hash) {
            return Some(cached.clone());
        }
        // A new text: whatever fresh parse there was is of the old one.
        self.fresh.remove(path);
        let syntax = match self.files.get(path) {
            // Read before with another text: an edit, and likely not the last one.
            Some(_) => self.parse_edited(path, &text),
            None if self.keep_fresh_trees => {
                let (syntax, tree) = FileSyntax::parse_with_tree(&text);
                if let Some(tree) = tree {
                    let fresh = FreshParse {
                        tree,
                        prepared: None,
                    };
                    self.fresh.insert(path.to_path_buf(), fresh);
                }
                syntax
            }
            None => FileSyntax::parse(&text),
        };
        if let Some(reason) = &syntax.skipped {
            eprintln!("triplet: {}: {reason}", path.display());
        }
        let loaded = CachedFile {
            hash,
            syntax: Arc::new(syntax),
            text: Arc::from(text),
        };
        self.files.insert(path.to_path_buf(), loaded.clone());
        Some(loaded)
    }

    fn parse_edited(&mut self, path: &Path, text: &str) -> FileSyntax {
        self.clock += 1;
        if !self.edited.contains_key(path) && self.edited.len() >= EDITED_TREES_KEPT {
            let oldest = self
                .edited
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(path, _)| path.clone());
            if let Some(oldest) = oldest {
                self.edited.remove(&oldest);
            }
        }
        let (used, parser) = self
            .edited
            .entry(path.to_path_buf())
            .or_insert_with(|| (0, IncrementalParse::new()));
        *used = self.clock;
        parser.parse(text)
    }
}
