//! T0007 `unknown-target`: a selected triple that rustc does not know, reported where it
//! is written, with the nearest known triple as the fix.

use super::{FindingSet, ReportedIn, Rule};
use crate::analysis::context::TargetOrigin;
use crate::analysis::finding::{Fix, RuleCode, Severity, TextEdit};

pub const RULE: Rule = Rule {
    code: RuleCode::T0007,
    name: "unknown-target",
    default_severity: Severity::Error,
    reported_in: ReportedIn::TargetSelection,
    short: "a triple rustc does not know.",
    summary: "a triple rustc does not know. Fix: the nearest known triple",
    source_file: file!(),
    docs: r#"
**Fires** where a triple that `rustc --print target-list` does not know is written
(`[package.metadata.triplet]`, `[workspace.metadata.triplet]`, `.cargo/config.toml`
`build.target`, `rust-toolchain.toml`, docs.rs metadata).

**Does not fire** for custom target `.json` files, or when rustc's target list could not be
read (Triplet says nothing rather than guess).

**Fix**: the nearest known triple (edit distance), when one is close.

**Example**

```toml
[package.metadata.triplet]
targets = ["wasm32-unknown-unknwon"] # error: did you mean `wasm32-unknown-unknown`?
```
"#,
};

pub fn check(package: &str, origins: &[TargetOrigin], known: &[String], out: &mut FindingSet) {
    if known.is_empty() {
        return; // rustc could not tell; say nothing rather than guess
    }
    for origin in origins {
        if origin.triple.ends_with(".json") || known.iter().any(|k| k == &origin.triple) {
            continue;
        }
        let Some((file, range)) = &origin.location else {
            continue;
        };
        let nearest = nearest_target(&origin.triple, known);
        out.add(
            RuleCode::T0007,
            package,
            file,
            range.clone(),
            &origin.triple,
            |_| match &nearest {
                Some(nearest) => format!(
                    "`{}` is not a target rustc knows (from {}); did you mean `{nearest}`?",
                    origin.triple, origin.source
                ),
                None => format!(
                    "`{}` is not a target rustc knows (from {})",
                    origin.triple, origin.source
                ),
            },
            || {
                nearest
                    .iter()
                    .map(|nearest| Fix {
                        title: format!("Replace with `{nearest}`"),
                        edits: vec![TextEdit {
                            file: file.clone(),
                            range: range.clone(),
                            new_text: nearest.clone(),
                        }],
                        preferred: true,
                    })
                    .collect()
            },
        );
    }
}

/// The known triple with the smallest edit distance, if it is close enough to be a typo.
pub fn nearest_target(triple: &str, known: &[String]) -> Option<String> {
    let (best, distance) = known
        .iter()
        .map(|candidate| (candidate, edit_distance(triple, candidate)))
        .min_by_key(|(candidate, distance)| (*distance, candidate.len()))?;
    (distance <= triple.len().div_ceil(3).max(2)).then(|| best.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_triple() {
        let known: Vec<String> = [
            "thumbv7em-none-eabihf",
            "thumbv7em-none-eabi",
            "wasm32-unknown-unknown",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            nearest_target("thumbv7em-none-eabhf", &known).as_deref(),
            Some("thumbv7em-none-eabihf")
        );
        assert_eq!(
            nearest_target("wasm32-unknow-unknown", &known).as_deref(),
            Some("wasm32-unknown-unknown")
        );
        assert_eq!(nearest_target("completely-different-thing-x", &known), None);
    }
}
