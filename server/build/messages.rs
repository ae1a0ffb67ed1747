//! Cargo's `--message-format=json*` lines (stdout) and its human stderr, turned into events.
//!
//! Child output can be anything: lines that are not the JSON we expect are skipped.

use super::diagnostic::{CompilerDiagnostic, Fix, Related, Severity, SourceRange, Suggestion};
use super::platform::base_triple;
use super::ArtifactKind;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What one line of cargo output means to a run.
#[derive(Debug, Clone, PartialEq)]
pub enum CargoEvent {
    /// A compiler message, already labelled with its target(s).
    Diagnostic(Box<CompilerDiagnostic>),
    /// A unit finished compiling (`compiler-artifact`); `target` is `None` for host units.
    Artifact {
        crate_name: String,
        target: Option<String>,
        /// The package's manifest (only workspace members' artifacts are reported).
        manifest_path: Option<PathBuf>,
        /// What the unit produced that a user runs or ships (no `.rmeta`, `.d`, build
        /// scripts), each with its kind.
        files: Vec<(ArtifactKind, PathBuf)>,
    },
    /// `Compiling foo v1.0.0` / `Checking foo v1.0.0` on stderr.
    Started {
        crate_name: String,
    },
    BuildFinished {
        success: bool,
    },
}

/// What a run knows to attribute and resolve messages.
#[derive(Debug, Clone)]
pub struct MessageContext {
    /// Relative span paths are relative to the workspace root (cargo runs rustc there).
    pub workspace_root: PathBuf,
    /// `--target-dir`: artifacts of triple T live under `<target_dir>/T/`.
    pub target_dir: PathBuf,
    /// Targets of this cargo invocation, used for untagged (host/shared) messages.
    pub run_targets: Vec<String>,
}

#[derive(Deserialize)]
struct CargoLine {
    reason: String,
    #[serde(default)]
    package_id: String,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    message: Option<RustcDiagnostic>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    profile: Option<CargoProfile>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct CargoTarget {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: Vec<String>,
}

#[derive(Deserialize, Default)]
struct CargoProfile {
    #[serde(default)]
    test: bool,
}

#[derive(Deserialize)]
struct RustcDiagnostic {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: Option<RustcCode>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    spans: Vec<RustcSpan>,
    #[serde(default)]
    children: Vec<RustcDiagnostic>,
    #[serde(default)]
    rendered: Option<String>,
    /// Added by our rustc wrapper (`wrapper::TARGET_TAG_FIELD`): rustc's `--target`.
    #[serde(default, rename = "triplet_target")]
    tagged_target: Option<String>,
}

#[derive(Deserialize)]
struct RustcCode {
    code: String,
}

#[derive(Deserialize)]
struct RustcSpan {
    file_name: String,
    byte_start: u32,
    byte_end: u32,
    line_start: u32,
    line_end: u32,
    column_start: u32,
    column_end: u32,
    #[serde(default)]
    is_primary: bool,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    suggested_replacement: Option<String>,
    #[serde(default)]
    suggestion_applicability: Option<String>,
    #[serde(default)]
    expansion: Option<Box<RustcExpansion>>,
}

#[derive(Deserialize)]
struct RustcExpansion {
    span: RustcSpan,
}

/// Parses one stdout line of cargo; `None` for anything that is not a known JSON message.
pub fn parse_stdout_line(line: &str, context: &MessageContext) -> Option<CargoEvent> {
    let line = line.trim();
    if !line.starts_with('{') {
        return None;
    }
    let parsed: CargoLine = serde_json::from_str(line).ok()?;
    match parsed.reason.as_str() {
        "compiler-message" => {
            let message = parsed.message?;
            let manifest = parsed
                .manifest_path
                .unwrap_or_else(|| context.workspace_root.join("Cargo.toml"));
            convert_diagnostic(message, &parsed.package_id, &manifest, context)
                .map(|diagnostic| CargoEvent::Diagnostic(Box::new(diagnostic)))
        }
        "compiler-artifact" => {
            let is_test = parsed.profile.is_some_and(|profile| profile.test);
            let build_script = parsed
                .target
                .as_ref()
                .is_some_and(|target| target.kind.iter().any(|kind| kind == "custom-build"));
            let files = if build_script {
                Vec::new()
            } else {
                artifact_files(&parsed.filenames, parsed.executable.as_deref(), is_test)
            };
            Some(CargoEvent::Artifact {
                target: triple_of_artifacts(&parsed.filenames, context),
                crate_name: parsed.target.map(|target| target.name).unwrap_or_default(),
                manifest_path: parsed.manifest_path,
                files,
            })
        }
        "build-finished" => Some(CargoEvent::BuildFinished {
            success: parsed.success.unwrap_or(false),
        }),
        _ => None,
    }
}

/// What a `compiler-artifact` produced for the user: its executable (cargo's `executable`,
/// a `.wasm` for wasm32 binaries), else libraries by extension. `.rmeta` (check), `.d`
/// and debug-info side files are not artifacts anyone runs or ships.
fn artifact_files(
    filenames: &[PathBuf],
    executable: Option<&Path>,
    is_test: bool,
) -> Vec<(ArtifactKind, PathBuf)> {
    if let Some(executable) = executable {
        let kind = if is_test {
            ArtifactKind::TestExecutable
        } else if executable.extension().is_some_and(|ext| ext == "wasm") {
            ArtifactKind::Wasm
        } else {
            ArtifactKind::Executable
        };
        return vec![(kind, executable.to_path_buf())];
    }
    filenames
        .iter()
        .filter_map(|file| {
            let extension = file.extension()?.to_str()?;
            let kind = match extension {
                "so" | "dylib" | "dll" => ArtifactKind::DynamicLibrary,
                "a" | "lib" => ArtifactKind::StaticLibrary,
                "wasm" => ArtifactKind::Wasm,
                "rlib" => ArtifactKind::Rlib,
                _ => return None,
            };
            Some((kind, file.clone()))
        })
        .collect()
}

/// Artifacts of a unit built for triple T live in `<target-dir>/T/...`; host units
/// (build scripts, proc-macros) live in `<target-dir>/debug/...` and get `None`.
fn triple_of_artifacts(filenames: &[PathBuf], context: &MessageContext) -> Option<String> {
    filenames.iter().find_map(|file| {
        let relative = file.strip_prefix(&context.target_dir).ok()?;
        let first = relative.components().next()?.as_os_str().to_str()?;
        context
            .run_targets
            .iter()
            .find(|target| base_triple(target) == first)
            .cloned()
    })
}

/// The run's name for the triple rustc got: `aarch64-unknown-linux-gnu.2.17` when the
/// user asked for a glibc version (cargo-zigbuild hands rustc the plain triple).
fn run_target_for(rustc_target: &str, context: &MessageContext) -> String {
    context
        .run_targets
        .iter()
        .find(|target| target.as_str() == rustc_target)
        .or_else(|| {
            context
                .run_targets
                .iter()
                .find(|target| base_triple(target) == rustc_target)
        })
        .cloned()
        .unwrap_or_else(|| rustc_target.to_string())
}

/// `   Compiling foo v0.1.0 (/path)` → `foo`.
pub fn parse_started_line(line: &str) -> Option<CargoEvent> {
    let mut words = line.split_whitespace();
    let verb = words.next()?;
    if !matches!(verb, "Compiling" | "Checking" | "Documenting") {
        return None;
    }
    let crate_name = words.next()?.to_string();
    let version = words.next()?;
    version
        .starts_with('v')
        .then_some(CargoEvent::Started { crate_name })
}

fn convert_diagnostic(
    message: RustcDiagnostic,
    package_id: &str,
    manifest: &Path,
    context: &MessageContext,
) -> Option<CompilerDiagnostic> {
    let severity = severity_of(&message.level)?;
    if message.spans.is_empty() && is_summary_line(&message.message) {
        return None;
    }
    let targets = match &message.tagged_target {
        Some(target) => vec![run_target_for(target, context)],
        // Untagged: a host unit (build script, proc-macro) shared by every target of the run.
        None => context.run_targets.clone(),
    };
    let primary = message
        .spans
        .iter()
        .find(|span| span.is_primary)
        .map(|span| user_visible_span(span, context));
    let (file, range, label) = match primary {
        Some(span) => (
            absolute(&span.file_name, context),
            Some(range_of(span)),
            span.label.clone().filter(|label| !label.is_empty()),
        ),
        None => (manifest.to_path_buf(), None, None),
    };

    let mut related = Vec::new();
    for span in message.spans.iter().filter(|span| !span.is_primary) {
        if let Some(label) = span.label.as_ref().filter(|label| !label.is_empty()) {
            related.push(related_of(span, label.clone(), context));
        }
    }
    let mut notes = Vec::new();
    let mut fixes = Vec::new();
    for child in &message.children {
        let child_level = severity_of(&child.level).map_or("note", Severity::as_str);
        let primary_child_span = child
            .spans
            .iter()
            .find(|span| span.is_primary)
            .or(child.spans.first());
        match primary_child_span {
            Some(span) => related.push(related_of(span, child.message.clone(), context)),
            None => notes.push(format!("{child_level}: {}", child.message)),
        }
        if let Some(fix) = machine_applicable_fix(child, context) {
            fixes.push(fix);
        }
    }
    if let Some(fix) = machine_applicable_fix(&message, context) {
        fixes.push(fix);
    }

    Some(CompilerDiagnostic {
        targets,
        package_id: package_id.to_string(),
        file,
        range,
        label,
        severity,
        code: message.code.map(|code| code.code),
        message: message.message,
        rendered: message.rendered.map(|text| strip_ansi(&text)),
        related,
        notes,
        fixes,
    })
}

fn severity_of(level: &str) -> Option<Severity> {
    match level {
        "error" | "error: internal compiler error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        "help" => Some(Severity::Help),
        // "failure-note" ("Some errors have detailed explanations") and unknown levels.
        _ => None,
    }
}

/// rustc's own tallies ("aborting due to 2 previous errors", "1 warning emitted").
fn is_summary_line(message: &str) -> bool {
    message.starts_with("aborting due to")
        || message.ends_with("warning emitted")
        || message.ends_with("warnings emitted")
}

/// A span inside a macro defined outside the user's files (`<std macros>`, a sysroot path
/// that is not on disk) is shown at the macro's call site instead.
fn user_visible_span<'a>(span: &'a RustcSpan, context: &MessageContext) -> &'a RustcSpan {
    let mut current = span;
    while let Some(expansion) = &current.expansion {
        if absolute(&current.file_name, context).is_file() {
            break;
        }
        current = &expansion.span;
    }
    current
}

fn machine_applicable_fix(message: &RustcDiagnostic, context: &MessageContext) -> Option<Fix> {
    let edits: Vec<Suggestion> = message
        .spans
        .iter()
        .filter(|span| span.suggestion_applicability.as_deref() == Some("MachineApplicable"))
        .filter_map(|span| {
            Some(Suggestion {
                file: absolute(&span.file_name, context),
                range: range_of(span),
                replacement: span.suggested_replacement.clone()?,
            })
        })
        .collect();
    (!edits.is_empty()).then(|| Fix {
        message: message.message.clone(),
        edits,
    })
}

fn related_of(span: &RustcSpan, message: String, context: &MessageContext) -> Related {
    Related {
        file: absolute(&span.file_name, context),
        range: range_of(span),
        message,
    }
}

fn range_of(span: &RustcSpan) -> SourceRange {
    SourceRange {
        line_start: span.line_start,
        column_start: span.column_start,
        line_end: span.line_end,
        column_end: span.column_end,
        byte_start: span.byte_start,
        byte_end: span.byte_end,
    }
}

fn absolute(file_name: &str, context: &MessageContext) -> PathBuf {
    let path = Path::new(file_name);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        context.workspace_root.join(path)
    }
}

/// Removes ANSI escape sequences (CSI `ESC [ ... final` and two-byte `ESC x`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        // Otherwise a two-byte escape: the next char is dropped with the ESC.
        if chars.next() == Some('[') {
            // Parameters and intermediates, then one final byte in '@'..='~'.
            for next in chars.by_ref() {
                if ('@'..='~').contains(&next) {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(targets: &[&str]) -> MessageContext {
        MessageContext {
            workspace_root: PathBuf::from("/w"),
            target_dir: PathBuf::from("/w/target/triplet"),
            run_targets: targets.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn strips_ansi_colours() {
        assert_eq!(
            strip_ansi("\u{1b}[0m\u{1b}[1m\u{1b}[38;5;9merror\u{1b}[0m: x"),
            "error: x"
        );
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let ctx = context(&["a"]);
        assert_eq!(parse_stdout_line("{not json", &ctx), None);
        assert_eq!(parse_stdout_line("plain text", &ctx), None);
        assert_eq!(
            parse_stdout_line(r#"{"reason":"compiler-message"}"#, &ctx),
            None
        );
    }

    #[test]
    fn tagged_message_with_fix() {
        let line = r#"{"reason":"compiler-message","package_id":"p","manifest_path":"/w/Cargo.toml","target":{"name":"p"},"message":{"triplet_target":"thumbv7em-none-eabihf","rendered":"\u001b[33mwarning\u001b[0m: unused","message":"unused variable: `x`","code":{"code":"unused_variables","explanation":null},"level":"warning","spans":[{"file_name":"src/lib.rs","byte_start":10,"byte_end":11,"line_start":2,"line_end":2,"column_start":9,"column_end":10,"is_primary":true,"label":null,"suggested_replacement":null,"suggestion_applicability":null,"expansion":null}],"children":[{"message":"`#[warn(unused_variables)]` on by default","code":null,"level":"note","spans":[],"children":[],"rendered":null},{"message":"if this is intentional, prefix it with an underscore","code":null,"level":"help","spans":[{"file_name":"src/lib.rs","byte_start":10,"byte_end":11,"line_start":2,"line_end":2,"column_start":9,"column_end":10,"is_primary":true,"label":null,"suggested_replacement":"_x","suggestion_applicability":"MachineApplicable","expansion":null}],"children":[],"rendered":null}]}}"#;
        let Some(CargoEvent::Diagnostic(diagnostic)) =
            parse_stdout_line(line, &context(&["thumbv7em-none-eabihf", "b"]))
        else {
            panic!("expected a diagnostic");
        };
        assert_eq!(diagnostic.targets, vec!["thumbv7em-none-eabihf"]);
        assert_eq!(diagnostic.file, PathBuf::from("/w/src/lib.rs"));
        assert_eq!(diagnostic.code.as_deref(), Some("unused_variables"));
        assert_eq!(diagnostic.rendered.as_deref(), Some("warning: unused"));
        assert_eq!(
            diagnostic.notes,
            vec!["note: `#[warn(unused_variables)]` on by default"]
        );
        assert_eq!(diagnostic.fixes.len(), 1);
        assert_eq!(diagnostic.fixes[0].edits[0].replacement, "_x");
        assert_eq!(diagnostic.fixes[0].edits[0].range.byte_start, 10);
    }

    #[test]
    fn spanless_message_uses_manifest_and_untagged_uses_run_targets() {
        let line = r#"{"reason":"compiler-message","package_id":"p","manifest_path":"/w/p/Cargo.toml","message":{"message":"can't find crate for `std`","code":{"code":"E0463"},"level":"error","spans":[],"children":[]}}"#;
        let Some(CargoEvent::Diagnostic(diagnostic)) =
            parse_stdout_line(line, &context(&["a", "b"]))
        else {
            panic!("expected a diagnostic");
        };
        assert_eq!(diagnostic.file, PathBuf::from("/w/p/Cargo.toml"));
        assert_eq!(diagnostic.range, None);
        assert_eq!(diagnostic.targets, vec!["a", "b"]);
    }

    #[test]
    fn summaries_and_failure_notes_are_dropped() {
        let ctx = context(&["a"]);
        let summary = r#"{"reason":"compiler-message","package_id":"p","message":{"message":"aborting due to 2 previous errors","level":"error","spans":[],"children":[]}}"#;
        let failure_note = r#"{"reason":"compiler-message","package_id":"p","message":{"message":"For more information about an error, try `rustc --explain E0308`.","level":"failure-note","spans":[],"children":[]}}"#;
        assert_eq!(parse_stdout_line(summary, &ctx), None);
        assert_eq!(parse_stdout_line(failure_note, &ctx), None);
    }

    #[test]
    fn artifacts_are_attributed_by_directory() {
        let ctx = context(&["thumbv6m-none-eabi"]);
        let line = r#"{"reason":"compiler-artifact","package_id":"core","target":{"name":"core"},"filenames":["/w/target/triplet/thumbv6m-none-eabi/debug/deps/libcore-1.rmeta"]}"#;
        assert_eq!(
            parse_stdout_line(line, &ctx),
            Some(CargoEvent::Artifact {
                crate_name: "core".into(),
                target: Some("thumbv6m-none-eabi".into()),
                manifest_path: None,
                files: Vec::new(),
            })
        );
        let host = r#"{"reason":"compiler-artifact","package_id":"b","target":{"name":"build-script-build"},"filenames":["/w/target/triplet/debug/build/b-1/build-script-build"]}"#;
        assert!(matches!(
            parse_stdout_line(host, &ctx),
            Some(CargoEvent::Artifact { target: None, .. })
        ));
    }

    #[test]
    fn artifacts_name_executables_and_libraries_but_not_metadata() {
        let ctx = context(&["wasm32-unknown-unknown"]);
        let bin = r#"{"reason":"compiler-artifact","package_id":"p","manifest_path":"/w/Cargo.toml","target":{"name":"app","kind":["bin"]},"profile":{"test":false},"filenames":["/w/target/triplet/wasm32-unknown-unknown/debug/app.wasm"],"executable":"/w/target/triplet/wasm32-unknown-unknown/debug/app.wasm"}"#;
        let Some(CargoEvent::Artifact { files, .. }) = parse_stdout_line(bin, &ctx) else {
            panic!("expected an artifact");
        };
        assert_eq!(
            files,
            vec![(
                ArtifactKind::Wasm,
                PathBuf::from("/w/target/triplet/wasm32-unknown-unknown/debug/app.wasm")
            )]
        );
        let lib = r#"{"reason":"compiler-artifact","package_id":"p","target":{"name":"l","kind":["cdylib","staticlib","lib"]},"filenames":["/t/libl.so","/t/libl.a","/t/libl.rlib","/t/libl.rmeta"],"executable":null}"#;
        let Some(CargoEvent::Artifact { files, .. }) = parse_stdout_line(lib, &ctx) else {
            panic!("expected an artifact");
        };
        let kinds: Vec<ArtifactKind> = files.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(
            kinds,
            vec![
                ArtifactKind::DynamicLibrary,
                ArtifactKind::StaticLibrary,
                ArtifactKind::Rlib
            ]
        );
    }

    #[test]
    fn started_lines() {
        assert_eq!(
            parse_started_line("   Compiling foo v0.1.0 (/x)"),
            Some(CargoEvent::Started {
                crate_name: "foo".into()
            })
        );
        assert_eq!(parse_started_line("warning: build failed"), None);
    }
}
