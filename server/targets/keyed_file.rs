//! A JSON file of Triplet's cache that holds a value and the key it was made for: read
//! back only for the same key, written whole and atomically. rustc's answers, what is
//! derived from a rust-src and the module summaries of std and dependencies are kept so.

use super::rustc_cache::write_atomically;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Deserialize)]
struct Entry<T> {
    key: String,
    value: T,
}

/// `Entry` as written, borrowing what it holds.
#[derive(Serialize)]
struct EntryRef<'a, T> {
    key: &'a str,
    value: &'a T,
}

/// The value kept in `file` for exactly `key`.
pub fn read<T: DeserializeOwned>(file: &Path, key: &str) -> Option<T> {
    let bytes = std::fs::read(file).ok()?;
    let entry: Entry<T> = serde_json::from_slice(&bytes).ok()?;
    (entry.key == key).then_some(entry.value)
}

/// Keeps `value` for `key` in `file`; a cache that cannot be written only costs the next
/// run the work again.
pub fn write<T: Serialize>(file: &Path, key: &str, value: &T) {
    let entry = EntryRef { key, value };
    if let Ok(bytes) = serde_json::to_vec(&entry) {
        write_atomically(file, &bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reads_back_for_its_key_only() {
        let Ok(dir) = tempfile::tempdir() else {
            return;
        };
        let file = dir.path().join("deep/entry.json");
        write(&file, "one", &vec![1, 2, 3]);
        assert_eq!(read::<Vec<i32>>(&file, "one"), Some(vec![1, 2, 3]));
        assert_eq!(read::<Vec<i32>>(&file, "two"), None);
        assert_eq!(
            read::<String>(&file, "one"),
            None,
            "another shape is a miss"
        );
    }
}
