//! The JSON Schemas in `schemas/` against what uses them: the VS Code extension's
//! declared settings, example settings, and every Cargo.toml fixture/example that
//! carries `metadata.triplet`, and the server's `Settings` (every field in the settings
//! schema and back). Negative cases prove the schemas do reject.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use triplet::lsp::config::Settings;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(relative: &str) -> Value {
    let path = repo_root().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn validator(relative: &str) -> jsonschema::Validator {
    let schema = read_json(relative);
    jsonschema::meta::validate(&schema)
        .unwrap_or_else(|e| panic!("{relative} is not a valid JSON Schema: {e}"));
    jsonschema::draft202012::new(&schema)
        .unwrap_or_else(|e| panic!("{relative} does not compile: {e}"))
}

/// Every validation error, one per line, for readable assertion messages.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errs = errors(validator, instance);
    assert!(
        errs.is_empty(),
        "{what} should be valid, got:\n{}",
        errs.join("\n")
    );
}

fn assert_invalid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    assert!(
        !validator.is_valid(instance),
        "{what} should be rejected: {instance}"
    );
}

/// Rebuild the nested `triplet` settings object from package.json's flat
/// `triplet.a.b` keys and their defaults: that is what the client sends.
fn settings_from_package_json_defaults(package: &Value) -> Value {
    let properties = package["contributes"]["configuration"]["properties"]
        .as_object()
        .expect("package.json contributes.configuration.properties");
    let mut root = Map::new();
    for (key, declared) in properties {
        let path: Vec<&str> = key
            .strip_prefix("triplet.")
            .unwrap_or_else(|| panic!("setting {key} is not under triplet."))
            .split('.')
            .collect();
        let default = declared
            .get("default")
            .unwrap_or_else(|| panic!("setting {key} declares no default"))
            .clone();
        let (leaf, parents) = path.split_last().expect("non-empty key");
        let mut node = &mut root;
        for parent in parents {
            node = node
                .entry(parent.to_string())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("settings group is an object");
        }
        node.insert(leaf.to_string(), default);
    }
    Value::Object(root)
}

#[test]
fn package_json_defaults_match_settings_schema() {
    let settings = validator("schemas/settings.schema.json");
    let package = read_json("editors/vscode/package.json");
    let defaults = settings_from_package_json_defaults(&package);
    for key in ["targets", "checkOnSave", "rules", "server", "trace"] {
        assert!(
            defaults.get(key).is_some(),
            "package.json lacks triplet.{key}: {defaults}"
        );
    }
    assert_eq!(
        defaults["checkOnSave"],
        json!(false),
        "checkOnSave must default to off"
    );
    assert_valid(&settings, &defaults, "package.json defaults");
}

#[test]
fn schema_examples_and_sample_settings_are_valid() {
    let settings = validator("schemas/settings.schema.json");
    let schema = read_json("schemas/settings.schema.json");
    for example in schema["examples"]
        .as_array()
        .expect("settings schema has examples")
    {
        assert_valid(&settings, example, "settings schema example");
    }
    let samples = [
        json!({}),
        json!({ "targets": [] }),
        json!({ "targets": ["x86_64-unknown-linux-gnu", "aarch64-apple-ios-sim", "riscv32imac-unknown-none-elf"] }),
        json!({ "rules": { "T0007": "error", "unknown-target": "warning", "T0006": "info" } }),
        json!({ "server": { "path": null }, "trace": { "server": "verbose" } }),
        json!({ "docsUrl": "https://docs.example.org/triplet/rules.md" }),
        json!({ "docsUrl": null }),
    ];
    for sample in &samples {
        assert_valid(&settings, sample, "sample settings");
    }
}

#[test]
fn settings_schema_rejects_bad_values() {
    let settings = validator("schemas/settings.schema.json");
    let bad = [
        (
            json!({ "targets": "wasm32-unknown-unknown" }),
            "targets as a string",
        ),
        (
            json!({ "targets": ["Wasm32 Unknown"] }),
            "a triple with spaces and capitals",
        ),
        (
            json!({ "targets": ["wasm32"] }),
            "a single-component triple",
        ),
        (json!({ "targets": ["a-b", "a-b"] }), "duplicate targets"),
        (json!({ "checkOnSave": "yes" }), "checkOnSave as a string"),
        (
            json!({ "rules": { "T0002": "loud" } }),
            "an unknown severity",
        ),
        (
            json!({ "rules": { "T9999": "off" } }),
            "an unknown rule code",
        ),
        (
            json!({ "trace": { "server": "everything" } }),
            "an unknown trace level",
        ),
        (json!({ "checkonsave": true }), "a misspelt key"),
        (json!({ "docsUrl": 7 }), "docsUrl as a number"),
    ];
    for (instance, what) in &bad {
        assert_invalid(&settings, instance, what);
    }
}

/// Settings the schema declares for the editor extension itself (how it starts and traces
/// the server): they never reach the server, so `Settings` has no field for them.
const CLIENT_SIDE_SETTINGS: [&str; 2] = ["server", "trace"];

/// `Settings`' fields as the client spells them, from its own serde names.
fn settings_fields() -> BTreeSet<String> {
    let defaults = serde_json::to_value(Settings::default()).expect("Settings serialise");
    defaults
        .as_object()
        .expect("Settings serialise as an object")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_settings_field_is_in_the_schema_and_back() {
    let schema = read_json("schemas/settings.schema.json");
    let properties = schema["properties"]
        .as_object()
        .expect("settings schema has properties");
    for client in CLIENT_SIDE_SETTINGS {
        let description = properties
            .get(client)
            .and_then(|p| p["description"].as_str())
            .unwrap_or_else(|| panic!("settings schema lacks client-side `{client}`"));
        assert!(
            description.starts_with("Client-side"),
            "`{client}` is treated as client-side but the schema does not say so: {description}"
        );
    }
    let server_side: BTreeSet<String> = properties
        .keys()
        .filter(|key| !CLIENT_SIDE_SETTINGS.contains(&key.as_str()))
        .cloned()
        .collect();
    let fields = settings_fields();
    let missing_in_schema: Vec<_> = fields.difference(&server_side).collect();
    let missing_in_settings: Vec<_> = server_side.difference(&fields).collect();
    assert!(
        missing_in_schema.is_empty(),
        "Settings (server/lsp/config.rs) fields missing from schemas/settings.schema.json \
         (then `npm run gen:settings` in editors/vscode): {missing_in_schema:?}"
    );
    assert!(
        missing_in_settings.is_empty(),
        "schemas/settings.schema.json properties the server never reads (add a Settings \
         field in server/lsp/config.rs, or list them as client-side here): {missing_in_settings:?}"
    );
}

#[test]
fn settings_schema_examples_are_read_by_the_server() {
    let schema = read_json("schemas/settings.schema.json");
    for example in schema["examples"]
        .as_array()
        .expect("settings schema has examples")
    {
        if let Err(error) = Settings::from_json(example) {
            panic!("the server rejects a schema example {example}: {error}");
        }
    }
}

/// Cargo.toml files under the given directories (recursively), skipping build output.
fn cargo_tomls(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == "target" || n == "node_modules")
            {
                continue;
            }
            cargo_tomls(&path, found);
        } else if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            found.push(path);
        }
    }
}

/// None for manifests that are not TOML at all: fixtures of broken manifests, which
/// cargo rejects before any schema matters.
fn toml_to_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).expect("readable Cargo.toml");
    let table: toml::Table = toml::from_str(&text).ok()?;
    Some(serde_json::to_value(table).expect("TOML converts to JSON"))
}

fn has_triplet_metadata(manifest: &Value) -> bool {
    ["package", "workspace"]
        .iter()
        .any(|section| !manifest[section]["metadata"]["triplet"].is_null())
}

#[test]
fn cargo_manifests_with_triplet_metadata_are_valid() {
    let cargo = validator("schemas/cargo-metadata.schema.json");
    let mut manifests = Vec::new();
    for dir in ["tests/fixtures", "examples"] {
        cargo_tomls(&repo_root().join(dir), &mut manifests);
    }
    let mut checked = 0;
    for path in &manifests {
        let Some(manifest) = toml_to_json(path) else {
            eprintln!("not TOML, not a schema case: {}", path.display());
            continue;
        };
        if has_triplet_metadata(&manifest) {
            assert_valid(&cargo, &manifest, &path.display().to_string());
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "no Cargo.toml with metadata.triplet found under tests/fixtures or examples"
    );
}

#[test]
fn cargo_schema_allows_everything_outside_triplet_metadata() {
    let cargo = validator("schemas/cargo-metadata.schema.json");
    let manifest = json!({
        "package": { "name": "x", "version": "0.1.0", "metadata": { "docs": { "rs": { "targets": ["x"] } } } },
        "workspace": { "members": ["a"], "metadata": { "other-tool": { "anything": 1 } } },
        "dependencies": { "serde": { "version": "1", "default-features": false } },
        "lib": { "crate-type": ["cdylib", "rlib"] }
    });
    assert_valid(&cargo, &manifest, "a manifest without triplet metadata");
}

#[test]
fn cargo_schema_rejects_bad_triplet_metadata() {
    let cargo = validator("schemas/cargo-metadata.schema.json");
    let bad = [
        (
            json!({ "package": { "metadata": { "triplet": { "targets": "wasm32-unknown-unknown" } } } }),
            "targets as a string",
        ),
        (
            json!({ "workspace": { "metadata": { "triplet": { "targets": ["x86_64 linux"] } } } }),
            "a malformed triple",
        ),
        (
            json!({ "package": { "metadata": { "triplet": { "rules": { "T0002": "silent" } } } } }),
            "an unknown severity",
        ),
        (
            json!({ "package": { "metadata": { "triplet": { "target": ["wasm32-unknown-unknown"] } } } }),
            "a misspelt key",
        ),
    ];
    for (instance, what) in &bad {
        assert_invalid(&cargo, instance, what);
    }
    // The same bad value read through TOML, as a user would write it.
    let text = "[package]\nname = \"x\"\n[package.metadata.triplet]\ntargets = [\"thumbv7em-none-eabihf\", 7]\n";
    let table: toml::Table = toml::from_str(text).expect("TOML");
    let manifest = serde_json::to_value(table).expect("JSON");
    assert_invalid(&cargo, &manifest, "a non-string target read from TOML");
}

/// Ground truth for the triple pattern: every target rustc knows must be accepted.
#[test]
fn every_rustc_target_matches_the_triple_pattern() {
    let output =
        std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .args(["--print", "target-list"])
            .output()
            .expect("run rustc --print target-list");
    assert!(output.status.success(), "rustc --print target-list failed");
    let triples: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect();
    assert!(
        triples.len() > 50,
        "suspiciously short target list: {triples:?}"
    );
    let settings = validator("schemas/settings.schema.json");
    let cargo = validator("schemas/cargo-metadata.schema.json");
    for triple in &triples {
        assert_valid(&settings, &json!({ "targets": [triple] }), triple);
        let manifest = json!({ "package": { "metadata": { "triplet": { "targets": [triple] } } } });
        assert_valid(&cargo, &manifest, triple);
    }
}

/// `triplet build --format json`'s shape, from the very types the CLI serializes.
#[test]
fn build_report_schema_pins_the_json_of_triplet_build() {
    use triplet::build::{
        Artifact, ArtifactKind, BuildReport, CompilerDiagnostic, RunResult, RunStatus, Severity,
    };
    let report_schema = validator("schemas/build-report.schema.json");
    let report = BuildReport {
        runs: vec![RunResult {
            targets: vec!["aarch64-unknown-linux-gnu".into()],
            tool: "cargo zigbuild".into(),
            tool_reason: "cross target; cargo-zigbuild links with zig".into(),
            command: "cargo zigbuild --target aarch64-unknown-linux-gnu".into(),
            uses_rustc_bootstrap: false,
            status: RunStatus::Ok,
            reason: None,
            diagnostics: vec![CompilerDiagnostic {
                targets: vec!["aarch64-unknown-linux-gnu".into()],
                package_id: String::new(),
                file: "/w/Cargo.toml".into(),
                range: None,
                label: None,
                severity: Severity::Note,
                code: None,
                message: "note: from the tool".into(),
                rendered: None,
                related: Vec::new(),
                notes: Vec::new(),
                fixes: Vec::new(),
            }],
            artifacts: vec![Artifact {
                target: Some("aarch64-unknown-linux-gnu".into()),
                name: "app".into(),
                kind: ArtifactKind::Executable,
                path: "/w/target/triplet/aarch64-unknown-linux-gnu/debug/app".into(),
            }],
            runner: Some("qemu-aarch64 -L /usr/aarch64-linux-gnu".into()),
            output: vec!["hello from aarch64".into()],
            duration_ms: 12,
            process_group: Some(42),
        }],
    };
    let value = serde_json::to_value(&report).expect("serialize a report");
    assert_valid(&report_schema, &value, "a build report");
    let mut without_artifacts = value.clone();
    if let Some(run) = without_artifacts["runs"][0].as_object_mut() {
        run.remove("artifacts");
    }
    assert_invalid(
        &report_schema,
        &without_artifacts,
        "a run without artifacts",
    );
    let mut unknown_kind = value;
    unknown_kind["runs"][0]["artifacts"][0]["kind"] = json!("binary");
    assert_invalid(&report_schema, &unknown_kind, "an unknown artifact kind");
}
