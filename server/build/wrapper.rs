//! The rustc wrapper that labels each compiler message with its target triple.
//!
//! Cargo's `compiler-message` JSON says which package and cargo target (lib, bin…) a
//! message came from, but not which `--target` triple: with `cargo check --target A
//! --target B` the same unit compiles twice and both runs' messages look alike (verified
//! with cargo 1.95: no triple in the message, and the units run concurrently, so order
//! proves nothing). Cargo does keep unknown fields of rustc's JSON when it wraps it in
//! `compiler-message`. So the runner sets `RUSTC_WRAPPER=<triplet binary>`; cargo then runs
//! `triplet <rustc> <args…>` for every unit, and this wrapper adds
//! `"triplet_target": "<the --target rustc got>"` to each JSON diagnostic on rustc's stderr.
//! Host units (build scripts, proc-macros) get no `--target` and stay untagged: they are
//! shared by every target of the invocation.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, ExitCode, Stdio};

/// Set by the runner in cargo's environment: the triplet binary is acting as rustc wrapper.
pub const WRAPPER_MODE_ENV: &str = "TRIPLET_RUSTC_WRAPPER_MODE";
/// A wrapper the user had in `RUSTC_WRAPPER` (sccache…), chained inside ours.
pub const INNER_WRAPPER_ENV: &str = "TRIPLET_INNER_RUSTC_WRAPPER";
/// The field added to rustc's JSON diagnostics.
pub const TARGET_TAG_FIELD: &str = "triplet_target";

/// Call first thing in `main`: when cargo runs us as `RUSTC_WRAPPER`, act as the wrapper
/// and return its exit code; otherwise `None`.
pub fn run_if_requested() -> Option<ExitCode> {
    std::env::var_os(WRAPPER_MODE_ENV)?;
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    Some(run_wrapped_rustc(args))
}

fn run_wrapped_rustc(args: Vec<OsString>) -> ExitCode {
    let Some((rustc, rustc_args)) = args.split_first() else {
        eprintln!("triplet (rustc wrapper): no rustc to run");
        return ExitCode::FAILURE;
    };
    let target = target_argument(rustc_args);
    let inner = std::env::var_os(INNER_WRAPPER_ENV).filter(|inner| !inner.is_empty());
    let mut command = match &inner {
        Some(inner) => {
            let mut command = Command::new(inner);
            command.arg(rustc);
            command
        }
        None => Command::new(rustc),
    };
    command.args(rustc_args).stderr(Stdio::piped());
    scrub_wrapper_env(&mut command, inner.as_ref());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("triplet (rustc wrapper): cannot run {rustc:?}: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(stderr) = child.stderr.take() {
        forward_tagged(BufReader::new(stderr), target.as_deref());
    }
    match child.wait() {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(_) => ExitCode::FAILURE,
    }
}

/// rustc's children (linkers such as cargo-zigbuild's `zig cc` shim, which runs
/// `$RUSTC_WRAPPER rustc -vV`) must not find us as `RUSTC_WRAPPER` without our mode
/// variable: they would run `triplet rustc -vV`, which is not a triplet subcommand. So
/// rustc runs with the user's own wrapper as `RUSTC_WRAPPER`, or none, and without our
/// variables.
fn scrub_wrapper_env(command: &mut Command, inner: Option<&OsString>) {
    command
        .env_remove(WRAPPER_MODE_ENV)
        .env_remove(INNER_WRAPPER_ENV);
    match inner {
        Some(inner) => command.env("RUSTC_WRAPPER", inner),
        None => command.env_remove("RUSTC_WRAPPER"),
    };
}

/// Copies rustc's stderr to ours line by line, tagging JSON diagnostics with `target`.
fn forward_tagged(reader: impl BufRead, target: Option<&str>) {
    let mut stderr = std::io::stderr().lock();
    for line in reader.split(b'\n') {
        let Ok(line) = line else { break };
        let tagged = target.and_then(|target| tag_line(&line, target));
        let written = match tagged {
            Some(text) => stderr.write_all(text.as_bytes()),
            None => stderr.write_all(&line),
        };
        if written.and_then(|()| stderr.write_all(b"\n")).is_err() {
            break;
        }
    }
    let _ = stderr.flush();
}

/// `Some(new line)` when `line` is a rustc JSON diagnostic.
fn tag_line(line: &[u8], target: &str) -> Option<String> {
    if line.first() != Some(&b'{') {
        return None;
    }
    let mut value: serde_json::Value = serde_json::from_slice(line).ok()?;
    let object = value.as_object_mut()?;
    if object.get("$message_type")?.as_str()? != "diagnostic" {
        return None;
    }
    object.insert(TARGET_TAG_FIELD.to_string(), target.into());
    serde_json::to_string(&value).ok()
}

/// The value of `--target X` / `--target=X` in rustc's arguments.
fn target_argument(args: &[OsString]) -> Option<String> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let arg = arg.to_str()?;
        if arg == "--target" {
            return iter.next()?.to_str().map(str::to_string);
        }
        if let Some(value) = arg.strip_prefix("--target=") {
            return Some(value.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::messages::{parse_stdout_line, CargoEvent, MessageContext};

    #[test]
    fn finds_target_argument() {
        let args: Vec<OsString> = ["--crate-name", "x", "--target", "wasm32v1-none"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(target_argument(&args).as_deref(), Some("wasm32v1-none"));
        let args = vec![OsString::from("--target=a-b-c")];
        assert_eq!(target_argument(&args).as_deref(), Some("a-b-c"));
        assert_eq!(target_argument(&[]), None);
    }

    #[test]
    fn tag_survives_into_parsed_message() {
        let rustc = r#"{"$message_type":"diagnostic","message":"m","code":null,"level":"error","spans":[],"children":[],"rendered":"error: m"}"#;
        assert_eq!(tag_line(b"not json", "t"), None);
        assert_eq!(tag_line(br#"{"$message_type":"artifact"}"#, "t"), None);
        let tagged = tag_line(rustc.as_bytes(), "riscv32imac-unknown-none-elf").unwrap_or_default();
        let cargo_line = format!(
            r#"{{"reason":"compiler-message","package_id":"p","manifest_path":"/w/Cargo.toml","message":{tagged}}}"#
        );
        let context = MessageContext {
            workspace_root: "/w".into(),
            target_dir: "/w/target/triplet".into(),
            run_targets: vec!["riscv32imac-unknown-none-elf".into(), "other".into()],
        };
        let Some(CargoEvent::Diagnostic(diagnostic)) = parse_stdout_line(&cargo_line, &context)
        else {
            panic!("expected a diagnostic from {cargo_line}");
        };
        assert_eq!(diagnostic.targets, vec!["riscv32imac-unknown-none-elf"]);
    }
}
