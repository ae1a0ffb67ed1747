//! Each file's text and parse, kept between checks: a file is parsed again only when its
//! text changed, and a file edited again and again keeps its syntax tree, so the next edit
//! re-parses only the block it touched.

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
    fresh: HashMap<PathBuf, ra_ap_syntax::SourceFile>,
    keep_fresh_trees: bool,
}

impl FileCache {
    /// The kept syntax tree of an edited file, when it is that of `text`.
    pub fn tree_of(&self, path: &Path, text: &str) -> Option<ra_ap_syntax::SourceFile> {
        if let Some((_, parser)) = self.edited.get(path) {
            return parser.tree_of(text);
        }
        let fresh = self.fresh.get(path)?;
        let current = self.files.get(path)?;
        // A fresh tree is always that of the file's cached text; check the caller's too.
        (*current.text == *text).then(|| fresh.clone())
    }

    /// Whether files parsed from now on keep their trees (until `release_fresh_trees`).
    pub fn keep_fresh_trees(&mut self, keep: bool) {
        self.keep_fresh_trees = keep;
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
            return None;
        };
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        let hash = hasher.finish();
        self.fresh.remove(path);
        let syntax = match self.files.get(path) {
            Some(cached) if cached.hash == hash => return Some(cached.clone()),
            // Read before with another text: an edit, and likely not the last one.
            Some(_) => self.parse_edited(path, &text),
            None if self.keep_fresh_trees => {
                let (syntax, tree) = FileSyntax::parse_with_tree(&text);
                if let Some(tree) = tree {
                    self.fresh.insert(path.to_path_buf(), tree);
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
