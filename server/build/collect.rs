//! Turns a run's output lines into collapsed diagnostics and progress events.

use super::diagnostic::{CompilerDiagnostic, DiagnosticSet, Severity};
use super::messages::{parse_started_line, parse_stdout_line, CargoEvent, MessageContext};
use super::workspace::WorkspaceFacts;
use super::{BuildObserver, BuildProgress, NoObserver};
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
    /// A cargo `error:` block being read from stderr.
    pending_cargo_error: Option<Vec<String>>,
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
        }
    }

    pub(super) fn accept(&mut self, line: OutputLine, observer: &mut dyn BuildObserver) {
        match line {
            OutputLine::Stdout(text) => match parse_stdout_line(&text, self.context) {
                Some(CargoEvent::Diagnostic(diagnostic)) => self.add(*diagnostic, observer),
                Some(CargoEvent::Artifact { crate_name, target }) => {
                    self.units_done += 1;
                    observer.progress(&BuildProgress::Compiled {
                        run: self.run,
                        crate_name,
                        target,
                        units_done: self.units_done,
                    });
                }
                Some(CargoEvent::Started { .. } | CargoEvent::BuildFinished { .. }) | None => {}
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
        let continues_block =
            text.starts_with(' ') || text.starts_with("Caused by:") || text.is_empty();
        if let Some(block) = &mut self.pending_cargo_error {
            if continues_block {
                block.push(text);
                return;
            }
            self.flush_cargo_error(observer);
        }
        if text.starts_with("error:") || text.starts_with("error[") {
            self.pending_cargo_error = Some(vec![text]);
        } else if let Some(CargoEvent::Started { crate_name }) = parse_started_line(&text) {
            observer.progress(&BuildProgress::Compiling {
                run: self.run,
                crate_name,
            });
        }
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
        let message = first
            .trim_start_matches("error")
            .trim_start_matches(|c: char| c != ':')
            .trim_start_matches(':')
            .trim()
            .to_string();
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
            notes: Vec::new(),
            fixes: Vec::new(),
        };
        observer.diagnostic(self.run, &diagnostic);
        self.diagnostics.insert(diagnostic);
    }

    pub(super) fn finish(mut self, run_targets: &[String]) -> Vec<CompilerDiagnostic> {
        let mut sink = NoObserver;
        self.flush_cargo_error(&mut sink);
        self.diagnostics.into_sorted(run_targets)
    }
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
    fn backticked_word() {
        assert_eq!(
            backticked("could not compile `nostd` (lib) due to 2 previous errors"),
            Some("nostd")
        );
        assert_eq!(backticked("no quotes"), None);
    }
}
