//! Cargo.toml as text: where things are written (byte spans) and format-keeping edits.
//!
//! Locations come from `toml_edit`'s span-preserving parse; edits are made on a
//! `DocumentMut` (which keeps comments and layout) and turned back into one minimal text
//! edit, so an editor applies exactly the changed bytes.

use std::ops::Range;
use toml_edit::{Document, DocumentMut, Item, Table};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TomlProblem {
    pub message: String,
    pub range: Range<usize>,
}

/// A parsed manifest (or any TOML file) that remembers where everything was written.
pub struct TomlSpans {
    doc: Document<String>,
}

impl TomlSpans {
    pub fn parse(text: &str) -> Result<TomlSpans, TomlProblem> {
        Document::parse(text.to_string())
            .map(|doc| TomlSpans { doc })
            .map_err(|error| TomlProblem {
                message: error.message().to_string(),
                range: error.span().unwrap_or(0..0),
            })
    }

    pub fn root(&self) -> &Table {
        self.doc.as_table()
    }

    /// The `[a.b]` header (or, for a dotted/inline table, its key) of the table at `path`.
    pub fn table_range(&self, path: &[&str]) -> Option<Range<usize>> {
        let (last, parents) = path.split_last()?;
        let parent = table_at(self.root(), parents)?;
        let (key, item) = parent.get_key_value(last)?;
        match item {
            Item::Table(table) if !table.is_dotted() && !table.is_implicit() => table.span(),
            _ => key.span(),
        }
    }

    /// The key of dependency `name` in `[dependencies]` or `[target.<platform>.dependencies]`.
    pub fn dependency_range(&self, name: &str, platform: Option<&str>) -> Option<Range<usize>> {
        let table = match platform {
            None => table_at(self.root(), &["dependencies"])?,
            Some(platform) => {
                let targets = table_at(self.root(), &["target"])?;
                let wanted = normalize(platform);
                let (_, item) = targets.iter().find(|(key, _)| normalize(key) == wanted)?;
                table_at(item.as_table_like_table()?, &["dependencies"])?
            }
        };
        table.get_key_value(name).and_then(|(key, _)| key.span())
    }

    /// The strings of an array such as `package.metadata.triplet.targets`, with the span
    /// of each string's contents (inside the quotes).
    pub fn string_array(&self, path: &[&str]) -> Vec<(String, Range<usize>)> {
        let Some((last, parents)) = path.split_last() else {
            return Vec::new();
        };
        let Some(parent) = table_like_at(self.root(), parents) else {
            return Vec::new();
        };
        let Some(item) = parent.get(last) else {
            return Vec::new();
        };
        let values: Vec<&toml_edit::Value> = match item {
            Item::Value(toml_edit::Value::Array(array)) => array.iter().collect(),
            Item::Value(value @ toml_edit::Value::String(_)) => vec![value],
            _ => return Vec::new(),
        };
        values
            .into_iter()
            .filter_map(|value| {
                let text = value.as_str()?.to_string();
                let span = value.span()?;
                let inner = if span.end - span.start >= 2 {
                    span.start + 1..span.end - 1
                } else {
                    span
                };
                Some((text, inner))
            })
            .collect()
    }
}

fn normalize(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn table_at<'t>(root: &'t Table, path: &[&str]) -> Option<&'t Table> {
    path.iter()
        .try_fold(root, |table, key| table.get(key)?.as_table_like_table())
}

fn table_like_at<'t>(root: &'t Table, path: &[&str]) -> Option<&'t dyn toml_edit::TableLike> {
    let mut current: &dyn toml_edit::TableLike = root;
    for key in path {
        current = current.get(key)?.as_table_like()?;
    }
    Some(current)
}

trait AsTableLikeTable {
    fn as_table_like_table(&self) -> Option<&Table>;
}

impl AsTableLikeTable for Item {
    fn as_table_like_table(&self) -> Option<&Table> {
        self.as_table()
    }
}

/// The entry of dependency `key` in `[dependencies]`, or in `[target.<platform>.dependencies]`
/// when the dependency is declared for a platform (the table key is matched without white
/// space: `cfg(unix)` and `cfg( unix )` are one table), ready to be edited.
pub fn dependency_entry_mut<'d>(
    doc: &'d mut DocumentMut,
    platform: Option<&str>,
    key: &str,
) -> Option<&'d mut Item> {
    let table = match platform {
        None => doc.get_mut("dependencies"),
        Some(platform) => {
            let targets = doc.get_mut("target")?.as_table_like_mut()?;
            let compact = |text: &str| {
                text.chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
            };
            let wanted = compact(platform);
            let found = targets
                .iter()
                .map(|(k, _)| k.to_string())
                .find(|k| compact(k) == wanted)?;
            targets.get_mut(&found)?.get_mut("dependencies")
        }
    };
    table?.get_mut(key)
}

/// Turns `dep = "1.0"` into `dep = { version = "1.0" }` (so keys can be added), keeping
/// the value's decor: the spacing around it and a trailing `# comment`.
pub fn version_string_to_inline(entry: &mut toml_edit::Item) {
    let toml_edit::Item::Value(toml_edit::Value::String(version)) = entry else {
        return;
    };
    let decor = version.decor().clone();
    let mut inline = toml_edit::InlineTable::new();
    inline.insert("version", version.value().as_str().into());
    let mut value = toml_edit::Value::InlineTable(inline);
    *value.decor_mut() = decor;
    *entry = toml_edit::Item::Value(value);
}

/// Applies `change` to the manifest and returns the one edit (byte range, new text) that
/// turns `text` into the result, or `None` when nothing changed or the text is not TOML.
pub fn edit_toml(
    text: &str,
    change: impl FnOnce(&mut DocumentMut),
) -> Option<(Range<usize>, String)> {
    let mut doc: DocumentMut = text.parse().ok()?;
    change(&mut doc);
    let new_text = doc.to_string();
    minimal_edit(text, &new_text)
}

/// The smallest single replacement that turns `old` into `new` (on char boundaries).
pub fn minimal_edit(old: &str, new: &str) -> Option<(Range<usize>, String)> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some((
        prefix..old.len() - suffix,
        new[prefix..new.len() - suffix].to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[package]\nname = \"x\" # the name\n\n[lib]\ncrate-type = [\"rlib\"]\n\n[dependencies]\nserde = \"1\"\n\n[target.'cfg(target_arch = \"wasm32\")'.dependencies]\ngetrandom = { version = \"0.2\" }\n\n[package.metadata.triplet]\ntargets = [\"wasm32-unknown-unknown\", \"thumbv7em-none-eabihf\"]\n";

    #[test]
    fn finds_headers_dependencies_and_array_items() {
        let spans = TomlSpans::parse(MANIFEST).unwrap();
        let range = spans.table_range(&["lib"]).unwrap();
        assert_eq!(&MANIFEST[range], "[lib]");
        let range = spans.dependency_range("serde", None).unwrap();
        assert_eq!(&MANIFEST[range], "serde");
        let range = spans
            .dependency_range("getrandom", Some("cfg(target_arch=\"wasm32\")"))
            .unwrap();
        assert_eq!(&MANIFEST[range], "getrandom");
        let items = spans.string_array(&["package", "metadata", "triplet", "targets"]);
        assert_eq!(items.len(), 2);
        assert_eq!(&MANIFEST[items[1].1.clone()], "thumbv7em-none-eabihf");
    }

    #[test]
    fn edits_keep_comments_and_are_minimal() {
        let (range, new_text) = edit_toml(MANIFEST, |doc| {
            doc["dependencies"]["serde"] = toml_edit::value("2");
        })
        .unwrap();
        let mut result = MANIFEST.to_string();
        result.replace_range(range, &new_text);
        assert!(result.contains("# the name"));
        assert!(result.contains("serde = \"2\""));
        assert_eq!(minimal_edit("aé b", "aé c"), Some((4..5, "c".to_string())));
    }

    #[test]
    fn reports_syntax_errors_with_a_range() {
        let problem = TomlSpans::parse("[package\nname = 1").err().unwrap();
        assert!(!problem.message.is_empty());
    }
}
