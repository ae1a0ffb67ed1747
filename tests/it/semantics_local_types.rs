//! The local-type checks (atomics by target, float maths in no_std, pointer width) against
//! the real compiler: for each fixture crate under tests/fixtures/semantics/ and each
//! target, the lines of Triplet's error findings equal the lines of rustc's errors
//! (`cargo check -Zbuild-std=core` with Debian's /usr/bin/rustc and its rust-src; the
//! host through its installed std). The facts come from that rust-src. Cold, building
//! core for three targets takes about a minute; the target dir is kept between runs.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use triplet::analysis::cfg::CfgSet;
use triplet::analysis::context::TargetView;
use triplet::analysis::finding::Severity;
use triplet::analysis::local_types::sysroot_facts::SysrootFacts;
use triplet::analysis::local_types::{check_file, LocalFinding, LocalInput};
use triplet::analysis::syntax::{CrateAttr, FileSyntax, Gate};
use triplet::targets::Toolchain;

const RUSTC: &str = "/usr/bin/rustc";
const LIBRARY: &str = "/usr/lib/rustlib/src/rust/library";
const HOST: &str = "x86_64-unknown-linux-gnu";

fn require_toolchain() {
    assert!(
        Path::new(RUSTC).is_file() && Path::new(LIBRARY).join("core/src/lib.rs").is_file(),
        "this test needs Debian's rustc with rust-src ({RUSTC}, {LIBRARY})"
    );
}

fn target_view(triple: &str) -> TargetView {
    let output = Command::new(RUSTC)
        .args(["--print", "cfg", "--target", triple])
        .output()
        .expect("rustc --print cfg");
    assert!(
        output.status.success(),
        "rustc --print cfg --target {triple}"
    );
    TargetView {
        triple: triple.to_string(),
        cfg: CfgSet::from_rustc_print_cfg(&String::from_utf8_lossy(&output.stdout)),
        has_std: !triple.contains("-none"),
    }
}

fn facts(targets: &[TargetView]) -> SysrootFacts {
    let mut facts = triplet::sysroot_facts::derive(Path::new(LIBRARY)).expect("derive facts");
    // What the engine gives the checks: the cfg set std is compiled with, per target.
    let toolchain = Toolchain::for_rustc(Path::new(RUSTC)).expect("probe rustc");
    for target in targets {
        let std_cfg = toolchain.std_cfg(&target.triple).expect("std's cfg set");
        facts
            .unstable_atomic_cfg
            .insert(target.triple.clone(), std_cfg);
    }
    facts
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/semantics")
        .join(name)
}

/// Triplet's findings for a fixture's src/lib.rs.
fn findings(
    name: &str,
    targets: &[TargetView],
    facts: &SysrootFacts,
) -> (String, Vec<LocalFinding>) {
    let text = std::fs::read_to_string(fixture(name).join("src/lib.rs")).expect("fixture source");
    let syntax = FileSyntax::parse(&text);
    let no_std = |target: &TargetView| {
        syntax.crate_attrs.iter().any(|attr| match attr {
            CrateAttr::NoStd { gate, .. } => gate.is_on(&target.cfg),
        })
    };
    let gate = Gate::default();
    let input = LocalInput {
        targets,
        no_std: &no_std,
        module_gate: &gate,
        facts: Some(facts),
    };
    let found = check_file(&text, &input);
    (text, found)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// target → lines of Triplet's findings of `severity` failing there.
fn finding_lines(
    text: &str,
    found: &[LocalFinding],
    severity: Severity,
) -> BTreeMap<String, BTreeSet<usize>> {
    let mut lines: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for finding in found.iter().filter(|f| f.severity == severity) {
        for target in &finding.failing {
            lines
                .entry(target.clone())
                .or_default()
                .insert(line_of(text, finding.range.start));
        }
    }
    lines
}

/// A private copy of the fixture crate, so cargo never writes into the source tree.
fn copy_crate(name: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("tempdir");
    let source = fixture(name);
    std::fs::copy(source.join("Cargo.toml"), copy.path().join("Cargo.toml")).expect("copy");
    std::fs::create_dir_all(copy.path().join("src")).expect("src");
    std::fs::copy(source.join("src/lib.rs"), copy.path().join("src/lib.rs")).expect("copy");
    copy
}

/// The lines of rustc's errors in src/lib.rs for one target.
fn compiler_error_lines(name: &str, triple: &str) -> BTreeSet<usize> {
    let copy = copy_crate(name);
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semantics-local-types");
    let mut command = Command::new("cargo");
    command
        .current_dir(copy.path())
        .env("RUSTC", RUSTC)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("RUSTFLAGS")
        .args(["check", "--message-format=json", "--target", triple])
        .arg("--target-dir")
        .arg(&target_dir);
    if triple != HOST {
        command.arg("-Zbuild-std=core");
    }
    let output = command.output().expect("run cargo check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: BTreeSet<usize> = support::compiler_error_spans(&stdout)
        .into_iter()
        .flatten()
        .filter(|(file, _)| file == "src/lib.rs")
        .map(|(_, line)| line as usize)
        .collect();
    let compiled = stdout.contains("\"reason\":\"compiler-artifact\"") || !lines.is_empty();
    assert!(
        compiled,
        "cargo check of {name} for {triple} did not get to the crate:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    lines
}

/// Per target, the lines of Triplet's errors equal rustc's; returns Triplet's findings.
fn assert_matches_compiler(name: &str, triples: &[&str]) -> (String, Vec<LocalFinding>) {
    require_toolchain();
    let targets: Vec<TargetView> = triples.iter().map(|t| target_view(t)).collect();
    let facts = facts(&targets);
    let (text, found) = findings(name, &targets, &facts);
    let ours = finding_lines(&text, &found, Severity::Error);
    let mut failing_somewhere = false;
    for triple in triples {
        let rustc = compiler_error_lines(name, triple);
        failing_somewhere |= !rustc.is_empty();
        if *triple == HOST {
            assert_eq!(rustc, BTreeSet::new(), "{name} compiles on the host");
        }
        let mine = ours.get(*triple).cloned().unwrap_or_default();
        assert_eq!(
            mine, rustc,
            "{name} on {triple}: Triplet's error lines (left) vs rustc's (right)\n{found:#?}"
        );
    }
    assert!(
        failing_somewhere,
        "{name}: the corpus has errors on some target"
    );
    (text, found)
}

fn finding_on_line<'a>(text: &str, found: &'a [LocalFinding], line: usize) -> &'a LocalFinding {
    found
        .iter()
        .find(|f| line_of(text, f.range.start) == line)
        .unwrap_or_else(|| panic!("no finding on line {line}: {found:#?}"))
}

#[test]
fn atomics_match_the_compiler_per_target() {
    let triples = ["thumbv6m-none-eabi", "thumbv7em-none-eabihf", HOST];
    let (text, found) = assert_matches_compiler("atomics", &triples);
    // RMW on the load/store-only target names where it fails and where it works.
    let bump = finding_on_line(&text, &found, 14);
    assert_eq!(bump.failing, vec!["thumbv6m-none-eabi"]);
    assert_eq!(bump.working, vec!["thumbv7em-none-eabihf", HOST]);
    assert!(bump.help.contains("portable_atomic") && bump.help.contains("critical"));
    let missing = finding_on_line(&text, &found, 8);
    assert_eq!(
        missing.failing,
        vec!["thumbv6m-none-eabi", "thumbv7em-none-eabihf"]
    );
    assert_eq!(missing.working, vec![HOST]);
}

#[test]
fn float_math_matches_the_compiler_per_target() {
    let triples = ["thumbv7em-none-eabihf", "thumbv6m-none-eabi", HOST];
    let (text, found) = assert_matches_compiler("float-math", &triples);
    let root = finding_on_line(&text, &found, 5);
    assert_eq!(root.working, vec![HOST]);
    assert!(root.help.contains("libm") && root.help.contains("num-traits"));
}

#[test]
fn pointer_width_literals_match_the_compiler_and_wrapping_is_a_warning() {
    let triples = ["wasm32-unknown-unknown", "thumbv6m-none-eabi", HOST];
    let (text, found) = assert_matches_compiler("pointer-width/literals", &triples);
    // rustc accepts `8 << 30` (0 on 32-bit targets): a warning only Triplet gives.
    let wraps = finding_on_line(&text, &found, 17);
    assert_eq!(wraps.severity, Severity::Warning);
    assert_eq!(
        wraps.failing,
        vec!["wasm32-unknown-unknown", "thumbv6m-none-eabi"]
    );
    assert_eq!(wraps.working, vec![HOST]);
    assert!(wraps.message.contains("is 0"), "{}", wraps.message);
    let shift = finding_on_line(&text, &found, 20);
    assert_eq!(shift.severity, Severity::Warning);
}

#[test]
fn pointer_width_constants_match_the_compiler() {
    let triples = ["wasm32-unknown-unknown", HOST];
    assert_matches_compiler("pointer-width/const-eval", &triples);
}

#[test]
fn facts_derived_from_rust_src() {
    require_toolchain();
    let facts = triplet::sysroot_facts::derive(Path::new(LIBRARY)).expect("derive facts");
    use triplet::analysis::local_types::sysroot_facts::FloatTy;
    for method in ["sqrt", "powf", "sin", "exp", "round", "floor"] {
        assert!(
            facts.is_std_only_float_method(FloatTy::F32, method),
            "{method}"
        );
        assert!(
            facts.is_std_only_float_method(FloatTy::F64, method),
            "{method}"
        );
    }
    for method in ["abs", "max", "min", "to_bits", "is_nan"] {
        assert!(
            !facts.is_std_only_float_method(FloatTy::F32, method),
            "{method} is in core"
        );
    }
    let u64_ty = facts.atomic_type("AtomicU64").expect("AtomicU64");
    for method in ["fetch_add", "swap", "compare_exchange", "fetch_update"] {
        assert_eq!(
            format!("{:?}", u64_ty.methods[method]),
            r#"[Atom(KeyValue("target_has_atomic", "64"))]"#,
            "{method}"
        );
    }
    assert!(u64_ty.methods["load"].is_empty() && u64_ty.methods["new"].is_empty());
    for name in [
        "AtomicBool",
        "AtomicUsize",
        "AtomicIsize",
        "AtomicPtr",
        "AtomicI8",
        "AtomicU128",
    ] {
        assert!(facts.atomic_type(name).is_some(), "{name}");
    }
}
