//! Turns a run's output lines into collapsed diagnostics and progress events.

use super::diagnostic::{CompilerDiagnostic, DiagnosticSet, Severity};
use super::messages::{parse_started_line, parse_stdout_line, CargoEvent, MessageContext};
use super::workspace::WorkspaceFacts;
use super::{Artifact, BuildObserver, BuildProgress, NoObserver};
use crate::process::OutputLine;

/// Turns output lines into diagnostics and progress for one run.
pub(super) struct Collector<'a> {
    run: usize,
    context: &'a MessageContext,
    workspace: &'a WorkspaceFacts,
    diagnostics: DiagnosticSet,
    units_done: usize,
    /// Targets that reported an error, per package name (to attribute "could not compile").
    errors_by_crate: Vec<(String, String)>,
    /// A cargo `error:` block (or a tool's `Error:` block) being read from stderr.
    pending_cargo_error: Option<Vec<String>>,
    /// Keep lone `note:` lines on stderr: the tool wraps cargo (cargo-ndk, wasm-pack,
    /// cargo-zigbuild) and says things cargo would not.
    keep_tool_notes: bool,
    /// Workspace members' artifacts, in cargo's order.
    artifacts: Vec<Artifact>,
    /// `Some` under `cargo run`/`cargo test`: the program's stdout (not cargo's JSON).
    program_output: Option<Vec<String>>,
    /// Cargo said `build-finished`: what follows on stdout is the program's.
    build_finished: bool,
}

impl<'a> Collector<'a> {
    pub(super) fn new(
        run: usize,
        context: &'a MessageContext,
        workspace: &'a WorkspaceFacts,
    ) -> Self {
        Collector {
            run,
            context,
            workspace,
            diagnostics: DiagnosticSet::default(),
            units_done: 0,
            errors_by_crate: Vec::new(),
            pending_cargo_error: None,
            keep_tool_notes: false,
            artifacts: Vec::new(),
            program_output: None,
            build_finished: false,
        }
    }

    pub(super) fn accept(&mut self, line: OutputLine, observer: &mut dyn BuildObserver) {
        match line {
            OutputLine::Stdout(text) => match parse_stdout_line(&text, self.context) {
                Some(CargoEvent::Diagnostic(diagnostic)) => self.add(*diagnostic, observer),
                Some(CargoEvent::Artifact {
                    crate_name,
                    target,
                    manifest_path,
                    files,
                }) => {
                    self.units_done += 1;
                    let member = manifest_path.as_ref().is_some_and(|manifest| {
                        self.workspace
                            .members
                            .iter()
                            .any(|member| &member.manifest_path == manifest)
                    });
                    if member {
                        for (kind, path) in files {
                            if !self.artifacts.iter().any(|known| known.path == path) {
                                self.artifacts.push(Artifact {
                                    target: target.clone(),
                                    name: crate_name.clone(),
                                    kind,
                                    path,
                                });
                            }
                        }
                    }
                    observer.progress(&BuildProgress::Compiled {
                        run: self.run,
                        crate_name,
                        target,
                        units_done: self.units_done,
                    });
                }
                Some(CargoEvent::BuildFinished { .. }) => self.build_finished = true,
                Some(CargoEvent::Started { .. }) => {}
                // Before `build-finished`, stdout is cargo's JSON (`build-script-executed`
                // and other lines we do not read); after it, the program's.
                None if self.build_finished => {
                    if let Some(output) = &mut self.program_output {
                        output.push(text);
                    }
                }
                None => {}
            },
            OutputLine::Stderr(text) => self.accept_stderr(text, observer),
        }
    }

    fn add(&mut self, diagnostic: CompilerDiagnostic, observer: &mut dyn BuildObserver) {
        if diagnostic.severity == Severity::Error {
            let crate_name = crate_name_of(&diagnostic.package_id);
            for target in &diagnostic.targets {
                self.errors_by_crate
                    .push((crate_name.clone(), target.clone()));
            }
        }
        observer.diagnostic(self.run, &diagnostic);
        self.diagnostics.insert(diagnostic);
    }

    fn accept_stderr(&mut self, text: String, observer: &mut dyn BuildObserver) {
        let line = ToolLine::classify(&text);
        if let Some(block) = &mut self.pending_cargo_error {
            // wasm-pack and anyhow-based tools (cargo-zigbuild) print `Error:` then
            // `Caused by:` lines; cargo-ndk and rustc add `note:`/`help:` lines.
            if matches!(line, ToolLine::Continuation | ToolLine::Note) {
                block.push(text);
                return;
            }
            self.flush_cargo_error(observer);
        }
        match line {
            ToolLine::Error => self.pending_cargo_error = Some(vec![text]),
            // A lone note of a wrapping tool (cargo-ndk: "note: set ANDROID_NDK_HOME…") is
            // all the user gets to know why the run failed: keep it.
            ToolLine::Note if self.keep_tool_notes => {
                let message = text.trim().to_string();
                self.add_tool_message(Severity::Note, message, Some(text), observer);
            }
            _ => {
                if let Some(CargoEvent::Started { crate_name }) = parse_started_line(&text) {
                    observer.progress(&BuildProgress::Compiling {
                        run: self.run,
                        crate_name,
                    });
                }
            }
        }
    }

    /// A span-less message of the tool itself, on the workspace manifest, for every target.
    fn add_tool_message(
        &mut self,
        severity: Severity,
        message: String,
        rendered: Option<String>,
        observer: &mut dyn BuildObserver,
    ) {
        let diagnostic = CompilerDiagnostic {
            targets: self.context.run_targets.clone(),
            package_id: String::new(),
            file: self.workspace.manifest_path.clone(),
            range: None,
            label: None,
            severity,
            code: None,
            message,
            rendered,
            related: Vec::new(),
            notes: Vec::new(),
            fixes: Vec::new(),
        };
        observer.diagnostic(self.run, &diagnostic);
        self.diagnostics.insert(diagnostic);
    }

    /// Cargo's own errors ("could not compile `x`", "failed to run custom build command")
    /// become span-less diagnostics on the package's manifest.
    fn flush_cargo_error(&mut self, observer: &mut dyn BuildObserver) {
        let Some(mut block) = self.pending_cargo_error.take() else {
            return;
        };
        while block.last().is_some_and(|line| line.trim().is_empty()) {
            block.pop();
        }
        let first = block.first().cloned().unwrap_or_default();
        let message = error_message(&first);
        // `Caused by:` and `note:` lines, and the indented lines under them, as notes.
        let notes: Vec<String> = block
            .iter()
            .skip(1)
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect();
        let crate_name = backticked(&message);
        let file = crate_name.map_or_else(
            || self.workspace.manifest_path.clone(),
            |name| self.workspace.manifest_of(name),
        );
        let mut failed_targets: Vec<String> = Vec::new();
        if let Some(name) = crate_name {
            let name = name.replace('-', "_");
            for (crate_with_error, target) in &self.errors_by_crate {
                if crate_with_error == &name && !failed_targets.contains(target) {
                    failed_targets.push(target.clone());
                }
            }
        }
        let targets = if failed_targets.is_empty() {
            self.context.run_targets.clone()
        } else {
            failed_targets
        };
        let diagnostic = CompilerDiagnostic {
            targets,
            package_id: String::new(),
            file,
            range: None,
            label: None,
            severity: Severity::Error,
            code: None,
            message,
            rendered: Some(block.join("\n")),
            related: Vec::new(),
            notes,
            fixes: Vec::new(),
        };
        observer.diagnostic(self.run, &diagnostic);
        self.diagnostics.insert(diagnostic);
    }

    /// Keep the program's stdout (`cargo run`, `cargo test`).
    pub(super) fn keep_program_output(&mut self) {
        self.program_output = Some(Vec::new());
    }

    /// Keep a wrapping tool's lone `note:` lines as diagnostics.
    pub(super) fn keep_tool_notes(&mut self) {
        self.keep_tool_notes = true;
    }

    /// The collapsed diagnostics, the members' artifacts and the program's output.
    pub(super) fn finish(
        mut self,
        run_targets: &[String],
    ) -> (Vec<CompilerDiagnostic>, Vec<Artifact>, Vec<String>) {
        let mut sink = NoObserver;
        self.flush_cargo_error(&mut sink);
        (
            self.diagnostics.into_sorted(run_targets),
            self.artifacts,
            self.program_output.unwrap_or_default(),
        )
    }
}

/// What a stderr line of cargo or a wrapping tool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ToolLine {
    /// `error: …` (cargo, rustc), `Error: …` (wasm-pack, anyhow), `[… ERROR …] …`
    /// (env_logger: cargo-ndk), a `Caused by:` without an error before it.
    Error,
    /// `note: …` / `help: …`.
    Note,
    /// Indented, empty, or `Caused by:`: belongs to the block above.
    Continuation,
    Other,
}

impl ToolLine {
    fn classify(text: &str) -> ToolLine {
        let error_prefix = ["error:", "error[", "Error:"]
            .iter()
            .any(|prefix| text.starts_with(prefix));
        let continuation = text.starts_with(' ')
            || text.starts_with('\t')
            || text.is_empty()
            || text.starts_with("Caused by:");
        if error_prefix || is_logged_error(text) {
            ToolLine::Error
        } else if text.starts_with("note:") || text.starts_with("help:") {
            ToolLine::Note
        } else if continuation {
            ToolLine::Continuation
        } else {
            ToolLine::Other
        }
    }
}

/// env_logger's `[2024-01-01T00:00:00Z ERROR cargo_ndk::cli] Could not find any NDK.`
fn is_logged_error(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('[') else {
        return false;
    };
    rest.split_once(']')
        .is_some_and(|(header, _)| header.split_whitespace().any(|word| word == "ERROR"))
}

/// The message of an error block's first line, without its `error:`/`Error:`/log prefix.
fn error_message(first: &str) -> String {
    if is_logged_error(first) {
        return first
            .split_once(']')
            .map_or(first, |(_, message)| message)
            .trim()
            .to_string();
    }
    first
        .trim_start_matches("error")
        .trim_start_matches("Error")
        .trim_start_matches(|c: char| c != ':')
        .trim_start_matches(':')
        .trim()
        .to_string()
}

/// `path+file:///w/foo#0.1.0` or `registry+…#foo@1.0.0` → the crate name as rustc sees it.
fn crate_name_of(package_id: &str) -> String {
    let fragment = package_id.rsplit('#').next().unwrap_or(package_id);
    let name = match fragment.split_once('@') {
        Some((name, _)) => name,
        // `…/foo#0.1.0`: the name is the last path segment.
        None => package_id
            .split('#')
            .next()
            .and_then(|url| url.rsplit('/').next())
            .unwrap_or(fragment),
    };
    name.replace('-', "_")
}

/// The first `quoted` word of a cargo message.
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let length = message[start..].find('`')?;
    Some(&message[start..start + length])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_package_ids() {
        assert_eq!(crate_name_of("path+file:///w/my-crate#0.1.0"), "my_crate");
        assert_eq!(
            crate_name_of("registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0"),
            "serde"
        );
        assert_eq!(crate_name_of("path+file:///w/dir#named@0.2.0"), "named");
    }

    #[test]
    fn tool_lines() {
        assert_eq!(
            ToolLine::classify("Error: no wasm-bindgen"),
            ToolLine::Error
        );
        assert_eq!(ToolLine::classify("Caused by: x"), ToolLine::Continuation);
        assert_eq!(
            ToolLine::classify("note: set ANDROID_NDK_HOME"),
            ToolLine::Note
        );
        assert_eq!(
            ToolLine::classify(
                "[2024-01-01T00:00:00Z ERROR cargo_ndk::cli] Could not find any NDK."
            ),
            ToolLine::Error
        );
        assert_eq!(
            error_message("[2024-01-01T00:00:00Z ERROR cargo_ndk::cli] Could not find any NDK."),
            "Could not find any NDK."
        );
        assert_eq!(
            error_message("Error: failed to run wasm-bindgen"),
            "failed to run wasm-bindgen"
        );
        assert_eq!(
            ToolLine::classify("   Compiling x v0.1.0"),
            ToolLine::Continuation
        );
    }

    #[test]
    fn backticked_word() {
        assert_eq!(
            backticked("could not compile `nostd` (lib) due to 2 previous errors"),
            Some("nostd")
        );
        assert_eq!(backticked("no quotes"), None);
    }
}
