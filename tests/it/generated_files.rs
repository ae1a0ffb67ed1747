//! Files generated from the rule declarations (`server/analysis/rules/*.rs`, `ALL_RULES`):
//! docs/rules.md, the README's rules table and the rule parts of both JSON schemas. Each
//! test fails with a diff when its file is stale; `TRIPLET_BLESS=1 cargo test --test it
//! generated_files::` rewrites them (then `npm run gen:settings` in editors/vscode).

use std::path::PathBuf;
use triplet::analysis::rules::{Rule, ALL_RULES};

const BLESS: &str = "TRIPLET_BLESS=1 cargo test --locked --test it generated_files::";

fn repo_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Compares `relative` with `expected`; rewrites it under TRIPLET_BLESS=1, else fails with
/// the first differing lines and the command that regenerates it.
fn check_or_bless(relative: &str, expected: &str) {
    let path = repo_path(relative);
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual == expected {
        return;
    }
    if std::env::var_os("TRIPLET_BLESS").is_some() {
        std::fs::write(&path, expected).expect("write the generated file");
        return;
    }
    let diff: Vec<String> = actual
        .lines()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(expected.lines().map(Some).chain(std::iter::repeat(None)))
        .take_while(|pair| *pair != (None, None))
        .enumerate()
        .filter(|(_, (old, new))| old != new)
        .take(8)
        .map(|(index, (old, new))| {
            format!(
                "line {}:\n  - {}\n  + {}",
                index + 1,
                old.unwrap_or("<none>"),
                new.unwrap_or("<none>")
            )
        })
        .collect();
    panic!(
        "{relative} is stale (generated from the rule declarations in server/analysis/rules/).\n\
         Regenerate it with:\n    {BLESS}\n\n{}",
        diff.join("\n")
    );
}

/// `code`-formatted path relative to docs/.
fn link(path: &str, from_docs: bool) -> String {
    let prefix = if from_docs { "../" } else { "" };
    format!("[`{path}`]({prefix}{path})")
}

fn test_module(rule: &Rule) -> String {
    format!(
        "tests/it/rules/{}_{}.rs",
        rule.code.as_str().to_ascii_lowercase(),
        rule.name.replace('-', "_")
    )
}

fn rules_md() -> String {
    let mut out = String::from(
        "# Triplet rules\n\n\
         <!-- Generated from the rule declarations in server/analysis/rules/ by\n     \
         `TRIPLET_BLESS=1 cargo test --test it generated_files::`: edit the rules, not this file. -->\n\n\
         Every finding has a stable code, a name, a default severity and the targets it concerns.\n\
         Severities can be changed or rules turned off with `--rule CODE=LEVEL` on the CLI, the\n\
         `triplet.rules` setting in an editor, or `rules = { T0002 = \"off\" }` under\n\
         `[package.metadata.triplet]` / `[workspace.metadata.triplet]` (strongest first).\n\
         `triplet explain CODE` (or the rule's name) prints a rule's page; editors show it on hover.\n\n\
         Each rule is one file in `server/analysis/rules/` that declares its code, name, severity\n\
         and this page; how to add one is written at the top of `server/analysis/rules/mod.rs`.\n\n\
         | code | name | default | where | rule | tests |\n\
         |---|---|---|---|---|---|\n",
    );
    for rule in ALL_RULES {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            rule.code.as_str(),
            rule.name,
            rule.default_severity.as_str(),
            rule.reported_in.describe(),
            link(rule.source_file, true),
            link(&test_module(rule), true),
        ));
    }
    out.push_str(
        "\nCode gated off for a target (`#[cfg(...)]`, `#[cfg_attr(..., no_std)]`, `mod` declarations\n\
         under `#[cfg]`, features) is never reported for that target. `cfg!()` in expressions gates\n\
         nothing (the code is still compiled), so it does not hide findings.\n",
    );
    for rule in ALL_RULES {
        out.push_str(&format!(
            "\n## {} {}\n\n{}\n",
            rule.code.as_str(),
            rule.name,
            rule.docs.trim()
        ));
    }
    out
}

const README_START: &str = "<!-- rules table: generated from server/analysis/rules/ -->\n";
const README_END: &str = "<!-- end of rules table -->\n";

fn readme() -> String {
    let readme = std::fs::read_to_string(repo_path("README.md")).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(README_START), readme.find(README_END)) else {
        panic!("README.md lacks the rules table markers `{README_START}` … `{README_END}`");
    };
    let mut table = String::from("| code | name | severity | what |\n|---|---|---|---|\n");
    for rule in ALL_RULES {
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            rule.code.as_str(),
            rule.name,
            rule.default_severity.as_str(),
            rule.summary
        ));
    }
    format!(
        "{}{README_START}{table}{}",
        &readme[..start],
        &readme[end..]
    )
}

/// Replaces the body of `$defs.rules.properties` in a schema's text with one line per
/// code and per name, keeping the rest of the file as written.
fn schema_with_rules(relative: &str, entry: impl Fn(&str, &Rule, bool) -> String) -> String {
    let text = std::fs::read_to_string(repo_path(relative)).expect("schema");
    let defs = text.find("\"$defs\"").expect("$defs");
    let rules = defs + text[defs..].find("\"rules\": {").expect("$defs.rules");
    let open = rules
        + text[rules..]
            .find("\"properties\": {")
            .expect("rules.properties")
        + "\"properties\": {".len();
    let close = open + closing_brace(&text[open..]);
    let line_start = text[..close]
        .rfind('\n')
        .expect("closing brace on its own line");
    let indent = &text[line_start + 1..close];
    let mut lines = Vec::new();
    for rule in ALL_RULES {
        lines.push(format!(
            "{indent}  {}",
            entry(rule.code.as_str(), rule, true)
        ));
    }
    for rule in ALL_RULES {
        lines.push(format!("{indent}  {}", entry(rule.name, rule, false)));
    }
    let generated = format!("\n{}\n{indent}", lines.join(",\n"));
    let out = format!("{}{generated}{}", &text[..open], &text[close..]);
    serde_json::from_str::<serde_json::Value>(&out).expect("the generated schema is JSON");
    out
}

/// The offset of the `}` that closes an object whose `{` precedes `text`.
fn closing_brace(text: &str) -> usize {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (index, c) in text.char_indices() {
        match (in_string, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '{') => depth += 1,
            (false, '}') if depth == 0 => return index,
            (false, '}') => depth -= 1,
            _ => {}
        }
    }
    panic!("unbalanced braces in schema");
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    check_or_bless("docs/rules.md", &rules_md());
}

#[test]
fn readme_rules_table_is_generated_from_the_rules() {
    check_or_bless("README.md", &readme());
}

#[test]
fn settings_schema_rules_are_generated_from_the_rules() {
    let schema = schema_with_rules("schemas/settings.schema.json", |key, rule, by_code| {
        let description = if by_code {
            format!("{}: {}", rule.name, rule.short)
        } else {
            format!("{}.", rule.code.as_str())
        };
        format!(
            "{}: {{ \"$ref\": \"#/$defs/severity\", \"description\": {} }}",
            json_string(key),
            json_string(&description)
        )
    });
    check_or_bless("schemas/settings.schema.json", &schema);
}

#[test]
fn cargo_metadata_schema_rules_are_generated_from_the_rules() {
    let schema = schema_with_rules("schemas/cargo-metadata.schema.json", |key, _, _| {
        format!("{}: {{ \"$ref\": \"#/$defs/severity\" }}", json_string(key))
    });
    check_or_bless("schemas/cargo-metadata.schema.json", &schema);
}

#[test]
fn every_rule_has_its_test_module() {
    let main =
        std::fs::read_to_string(repo_path("tests/it/rules/mod.rs")).expect("tests/it/rules/mod.rs");
    for rule in ALL_RULES {
        let path = test_module(rule);
        assert!(
            repo_path(&path).is_file(),
            "{} has no test module: add {path}",
            rule.code.as_str()
        );
        let module = path
            .trim_start_matches("tests/it/rules/")
            .trim_end_matches(".rs");
        assert!(
            main.contains(&format!("mod {module};")),
            "tests/it/rules/mod.rs lacks `mod {module};`"
        );
    }
}

#[test]
fn vscode_settings_list_every_rule() {
    // package.json is generated from the settings schema by `npm run gen:settings`
    // (checked by the extension's own tests); here only that it knows every rule.
    let text = std::fs::read_to_string(repo_path("editors/vscode/package.json"))
        .expect("editors/vscode/package.json");
    let package: serde_json::Value = serde_json::from_str(&text).expect("package.json is JSON");
    let rules =
        &package["contributes"]["configuration"]["properties"]["triplet.rules"]["properties"];
    for rule in ALL_RULES {
        assert!(
            rules.get(rule.code.as_str()).is_some() && rules.get(rule.name).is_some(),
            "editors/vscode/package.json lacks {} {}: run `npm run gen:settings` in editors/vscode",
            rule.code.as_str(),
            rule.name
        );
    }
}
