//! T0004 `dependency-pulls-std`: a dependency whose default features turn on its `std`
//! feature, in a build for a target without a standard library.

use super::{format_targets, FindingSet, ReportedIn, Rule};
use crate::analysis::context::{DependencyFacts, ManifestInput};
use crate::analysis::finding::{Fix, RuleCode, Severity, TextEdit};
use crate::analysis::manifest::{edit_toml, TomlSpans};

pub const RULE: Rule = Rule {
    code: RuleCode::T0004,
    name: "dependency-pulls-std",
    default_severity: Severity::Warning,
    reported_in: ReportedIn::Manifest,
    short: "a dependency's enabled features bring std into a no_std build.",
    summary: "a dependency whose default features enable `std`, built for a target without std. Fix: `default-features = false`",
    source_file: file!(),
    docs: r#"
**Fires** on a dependency's line when the dependency is built for a target without std
(its `[target.<cfg>.dependencies]` table applies, it is not an optional dependency that the
enabled features leave off) and keeps default features whose closure turns on its `std`
feature (serde, rand and most crates with a `std` feature).

**Does not fire** on targets with std, for a dependency under a `[target.<cfg>]` table that
does not apply to the target, for an optional dependency no enabled feature turns on, or
once `default-features = false` is set.

**Fix**: `default-features = false`, keeping the dependency's other keys (a plain version
string becomes `{ version = "…", default-features = false }`).

**Example**

```toml
[dependencies]
serde = "1" # warning on thumbv7em-none-eabihf: turns on its `std` feature
```

becomes

```toml
[dependencies]
serde = { version = "1", default-features = false }
```
"#,
};

pub fn check(input: &ManifestInput<'_>, spans: &TomlSpans, out: &mut FindingSet) {
    for dependency in &input.dependencies {
        if !dependency.enabled || !dependency.default_features || !dependency.default_enables_std {
            continue;
        }
        let Some(range) = spans.dependency_range(&dependency.key, dependency.platform.as_deref())
        else {
            continue;
        };
        for target in input.targets.iter().filter(|t| !t.has_std) {
            if !dependency.applies_to(&target.triple, &target.cfg) {
                continue;
            }
            out.add(
                RuleCode::T0004,
                input.package,
                input.path,
                range.clone(),
                &target.triple,
                |targets| {
                    format!(
                        "dependency `{}` turns on its `std` feature through its default features, which cannot build for {} (no standard library); set `default-features = false`",
                        dependency.key,
                        format_targets(targets)
                    )
                },
                || disable_default_features(input, dependency).into_iter().collect(),
            );
        }
    }
}

/// `default-features = false` on the dependency, keeping its other keys.
fn disable_default_features(
    input: &ManifestInput<'_>,
    dependency: &DependencyFacts,
) -> Option<Fix> {
    let (range, new_text) = edit_toml(input.text, |doc| {
        let entry = crate::analysis::manifest::dependency_entry_mut(
            doc,
            dependency.platform.as_deref(),
            &dependency.key,
        );
        let Some(entry) = entry else {
            return;
        };
        crate::analysis::manifest::version_string_to_inline(entry);
        if let Some(table) = entry.as_table_like_mut() {
            table.remove("default_features");
            table.insert("default-features", toml_edit::value(false));
        }
    })?;
    Some(Fix {
        title: format!("Set `default-features = false` on `{}`", dependency.key),
        edits: vec![TextEdit {
            file: input.path.to_path_buf(),
            range,
            new_text,
        }],
        preferred: true,
    })
}
