//! The three checks on small sources, with hand-written facts shaped like core's.

use super::sysroot_facts::{AtomicTypeFacts, FloatTy, SysrootFacts};
use super::{check_file, Cause, Class, LocalFinding, LocalInput};
use crate::analysis::cfg::{CfgExpr, CfgSet};
use crate::analysis::context::TargetView;
use crate::analysis::finding::Severity;
use crate::analysis::syntax::Gate;
use std::collections::BTreeMap;

const V6M: &str = "thumbv6m-none-eabi";
const V7EM: &str = "thumbv7em-none-eabihf";
const X86: &str = "x86_64-unknown-linux-gnu";
const MSP: &str = "msp430-none-elf";

fn target(triple: &str, print_cfg: &str) -> TargetView {
    TargetView {
        triple: triple.to_string(),
        cfg: CfgSet::from_rustc_print_cfg(print_cfg),
        has_std: !triple.contains("-none"),
    }
}

fn atomics(widths: &[&str]) -> String {
    widths
        .iter()
        .map(|w| format!("target_has_atomic=\"{w}\"\n"))
        .collect()
}

fn targets() -> Vec<TargetView> {
    vec![
        target(V6M, "target_os=\"none\"\ntarget_pointer_width=\"32\"\n"),
        target(
            V7EM,
            &format!(
                "target_os=\"none\"\ntarget_pointer_width=\"32\"\n{}",
                atomics(&["8", "16", "32", "ptr"])
            ),
        ),
        target(
            X86,
            &format!(
                "unix\ntarget_os=\"linux\"\ntarget_pointer_width=\"64\"\n{}",
                atomics(&["8", "16", "32", "64", "ptr"])
            ),
        ),
    ]
}

fn gate(text: &str) -> Vec<CfgExpr> {
    vec![CfgExpr::parse(text).expect("cfg")]
}

fn atomic_type(name: &str, width: &str) -> AtomicTypeFacts {
    let cas = gate(&format!("target_has_atomic = \"{width}\""));
    AtomicTypeFacts {
        name: name.to_string(),
        exists: gate(&format!("target_has_atomic_load_store = \"{width}\"")),
        methods: BTreeMap::from([
            ("new".to_string(), Vec::new()),
            ("load".to_string(), Vec::new()),
            ("store".to_string(), Vec::new()),
            ("fetch_add".to_string(), cas.clone()),
            ("swap".to_string(), cas.clone()),
            ("compare_exchange".to_string(), cas),
        ]),
    }
}

/// With the unstable load/store atoms rustc prints under RUSTC_BOOTSTRAP=1.
fn facts() -> SysrootFacts {
    let mut facts = facts_without_unstable_cfg();
    let load_store = |widths: &[&str]| {
        CfgSet::from_rustc_print_cfg(
            &widths
                .iter()
                .map(|w| format!("target_has_atomic_load_store=\"{w}\"\n"))
                .collect::<String>(),
        )
    };
    facts
        .unstable_atomic_cfg
        .insert(V6M.into(), load_store(&["8", "16", "32", "ptr"]));
    facts
        .unstable_atomic_cfg
        .insert(V7EM.into(), load_store(&["8", "16", "32", "ptr"]));
    facts
        .unstable_atomic_cfg
        .insert(X86.into(), load_store(&["8", "16", "32", "64", "ptr"]));
    facts
}

fn facts_without_unstable_cfg() -> SysrootFacts {
    let float_methods = ["sqrt", "powf", "sin", "round"]
        .into_iter()
        .map(String::from)
        .collect();
    SysrootFacts {
        std_only_float_methods: BTreeMap::from([
            (FloatTy::F32, float_methods),
            (FloatTy::F64, ["sqrt".to_string()].into()),
        ]),
        atomic_types: vec![
            atomic_type("AtomicBool", "8"),
            atomic_type("AtomicU32", "32"),
            atomic_type("AtomicU64", "64"),
        ],
        unstable_atomic_cfg: BTreeMap::new(),
    }
}

fn run_with(text: &str, targets: &[TargetView], facts: &SysrootFacts) -> Vec<LocalFinding> {
    // no_std where the crate says so; the test crates say it for `target_os = "none"`.
    let no_std = |t: &TargetView| t.cfg.value_of("target_os") == Some("none");
    let module_gate = Gate::default();
    let input = LocalInput {
        targets,
        no_std: &no_std,
        module_gate: &module_gate,
        facts: Some(facts),
    };
    check_file(text, &input)
}

fn run(text: &str) -> Vec<LocalFinding> {
    run_with(text, &targets(), &facts())
}

fn at<'a>(text: &str, findings: &'a [LocalFinding], needle: &str) -> &'a LocalFinding {
    let start = text.find(needle).expect("needle in text");
    findings
        .iter()
        .find(|f| f.range.start == start)
        .unwrap_or_else(|| panic!("no finding at `{needle}`: {findings:#?}"))
}

const ATOMIC_PRELUDE: &str = "use core::sync::atomic::{AtomicU32, AtomicBool, Ordering};\n\
                              static COUNTER: AtomicU32 = AtomicU32::new(0);\n";

#[test]
fn rmw_on_a_load_store_only_target_names_failing_and_working_targets() {
    let text = format!("{ATOMIC_PRELUDE}fn bump() -> u32 {{ COUNTER.fetch_add(1, Ordering::Relaxed) }}\nfn read() -> u32 {{ COUNTER.load(Ordering::Relaxed) }}\n");
    let found = run(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let bump = at(&text, &found, "fetch_add");
    assert_eq!((bump.class, bump.cause), (Class::Atomics, Cause::Target));
    assert_eq!(bump.failing, vec![V6M]);
    assert_eq!(bump.working, vec![V7EM, X86]);
    assert!(bump.help.contains("portable_atomic") && bump.help.contains("critical"));
    assert!(
        bump.message.contains("target_has_atomic = \"32\""),
        "{}",
        bump.message
    );
}

#[test]
fn receivers_from_params_fields_locals_and_path_calls() {
    let text = format!(
        "{ATOMIC_PRELUDE}\
         fn param(flag: &AtomicBool) {{ flag.swap(true, Ordering::AcqRel); }}\n\
         struct Stats {{ hits: AtomicU32 }}\n\
         impl Stats {{ fn hit(&self) {{ self.hits.fetch_add(1, Ordering::Relaxed); }} }}\n\
         fn local() {{ let a = AtomicU32::new(1); a.compare_exchange(1, 2, Ordering::AcqRel, Ordering::Relaxed).ok(); }}\n\
         fn path(a: &AtomicU32) {{ AtomicU32::fetch_add(a, 1, Ordering::Relaxed); }}\n"
    );
    let found = run(&text);
    for needle in [
        "swap",
        "fetch_add(1, Ordering::Relaxed); }",
        "compare_exchange",
        "fetch_add(a",
    ] {
        assert_eq!(at(&text, &found, needle).failing, vec![V6M], "{needle}");
    }
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn code_gated_by_target_has_atomic_is_not_reported() {
    let text = format!(
        "{ATOMIC_PRELUDE}#[cfg(target_has_atomic = \"32\")]\nfn bump() {{ COUNTER.fetch_add(1, Ordering::Relaxed); }}\n\
         fn inner() {{ #[cfg(target_has_atomic = \"32\")] COUNTER.swap(1, Ordering::Relaxed); }}\n\
         #[cfg(target_has_atomic = \"64\")]\nuse core::sync::atomic::AtomicU64;\n"
    );
    assert_eq!(run(&text), vec![]);
}

#[test]
fn a_missing_type_is_reported_at_its_import_and_qualified_paths() {
    let text = "use core::sync::atomic::AtomicU64;\nfn f() { let w = AtomicU64::new(0); w.fetch_add(1, core::sync::atomic::Ordering::Relaxed); }\n\
                fn g() -> u64 { core::sync::atomic::AtomicU64::new(1).into_inner() }\n";
    let found = run(text);
    assert_eq!(found.len(), 2, "{found:#?}");
    let import = at(text, &found, "AtomicU64;");
    assert_eq!(import.failing, vec![V6M, V7EM]);
    assert_eq!(import.working, vec![X86]);
    let qualified = at(text, &found, "AtomicU64::new(1)");
    assert_eq!(qualified.failing, vec![V6M, V7EM]);
}

#[test]
fn unknown_receivers_and_foreign_atomics_are_silent() {
    let text = "use portable_atomic::{AtomicU32, Ordering};\nstatic C: AtomicU32 = AtomicU32::new(0);\n\
                fn f() { C.fetch_add(1, Ordering::Relaxed); }\n\
                fn g(s: &S) { s.counter().fetch_add(1, core::sync::atomic::Ordering::Relaxed); }\n\
                fn h(v: Vec<core::sync::atomic::AtomicU32>) { v[0].fetch_add(1, core::sync::atomic::Ordering::Relaxed); }\n\
                fn k() { let c = |a: &core::sync::atomic::AtomicU32| a.swap(1, core::sync::atomic::Ordering::Relaxed); }\n\
                mod ext { use core::sync::atomic::{AtomicU32, Ordering};\n\
                trait Rmw { fn fetch_add(&self, v: u32, o: Ordering) -> u32; }\n\
                fn m(a: &AtomicU32) { a.fetch_add(1, Ordering::Relaxed); } }\n";
    assert_eq!(run(text), vec![]);
}

#[test]
fn without_load_store_facts_a_types_existence_is_unknown_not_missing() {
    let text = "use core::sync::atomic::AtomicU64;\n";
    let found = run_with(text, &targets(), &facts_without_unstable_cfg());
    assert_eq!(
        found,
        vec![],
        "thumb targets print no target_has_atomic_load_store"
    );
}

#[test]
fn float_maths_in_no_std_fires_for_every_receiver_form() {
    let text = "#![no_std]\nfn a(x: f32) -> f32 { x.sqrt() }\nfn b() -> f32 { 2.0f32.sin() }\n\
                fn c(v: f32) -> f32 { let r: f32 = v * 2.0; r.round() }\nfn d(x: f64) -> f64 { f64::sqrt(x) }\n\
                fn e(x: f32, y: f32) -> f32 { (x * x + y * y).sqrt() }\nfn f(x: f32) -> f32 { x.abs() }\n\
                fn g() -> f32 { let base = 2.0_f32; base.powf(3.0) }\n";
    let found = run(text);
    for needle in [
        "sqrt() }\nfn b",
        "sin",
        "round",
        "sqrt(x)",
        "sqrt() }\nfn f",
        "powf",
    ] {
        let finding = at(text, &found, needle);
        assert_eq!(
            (finding.class, finding.cause),
            (Class::FloatMath, Cause::NoStd)
        );
        assert_eq!(finding.failing, vec![V6M, V7EM], "{needle}");
        assert_eq!(finding.working, vec![X86]);
        assert!(finding.help.contains("libm") && finding.help.contains("num-traits"));
    }
    assert_eq!(found.len(), 6, "abs is in core: {found:#?}");
}

#[test]
fn float_maths_is_silent_with_a_trait_in_scope_or_std_linked() {
    for text in [
        "use num_traits::Float;\nfn a(x: f32) -> f32 { x.sqrt() }\n",
        "use micromath::F32Ext as _;\nfn a(x: f32) -> f32 { x.sqrt() }\n",
        "use libm_ext::*;\nfn a(x: f32) -> f32 { f32::sqrt(x) }\n",
        "trait Roots { fn sqrt(self) -> Self; }\nfn a(x: f32) -> f32 { x.sqrt() }\n",
        "extern crate std;\nfn a(x: f32) -> f32 { x.sqrt() }\n",
        "#[cfg(not(target_os = \"none\"))]\nfn a(x: f32) -> f32 { x.sqrt() }\n",
        "fn a(x: f32) -> f32 { let x = other(x); x.sqrt() }\n",
        "fn a(v: &[f32]) -> f32 { v.iter().map(|x| x.sqrt()).sum() }\n",
        "fn a(o: Option<f32>) -> f32 { match o { Some(x) => x.sqrt(), None => 0.0 } }\n",
    ] {
        assert_eq!(run(text), vec![], "{text}");
    }
}

#[test]
fn a_literal_that_does_not_fit_a_narrow_usize_is_an_error_there() {
    let targets = vec![
        targets().remove(0),
        targets().remove(2),
        target(MSP, "target_os=\"none\"\ntarget_pointer_width=\"16\"\n"),
    ];
    let text = "const BIG: usize = 5_000_000_000;\nconst MID: usize = 70_000;\nfn f() -> isize { let n: isize = -40_000; n }\n\
                #[cfg(target_pointer_width = \"64\")]\nconst GATED: usize = 5_000_000_000;\nconst OK: usize = 4_000_000_000;\n";
    let found = run_with(text, &targets, &facts());
    let big = at(text, &found, "5_000_000_000;\nconst MID");
    assert_eq!(big.severity, Severity::Error);
    assert_eq!(big.failing, vec![V6M, MSP]);
    assert_eq!(big.working, vec![X86]);
    assert!(big.message.contains("overflowing_literals"));
    let mid = at(text, &found, "70_000");
    assert_eq!(mid.failing, vec![MSP]);
    assert_eq!(at(text, &found, "-40_000").failing, vec![MSP]);
    let oks = found
        .iter()
        .filter(|f| f.failing.contains(&V6M.to_string()))
        .count();
    assert_eq!(oks, 1, "only BIG fails at 32 bits: {found:#?}");
    assert_eq!(at(text, &found, "4_000_000_000").failing, vec![MSP]);
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn constants_that_overflow_or_wrap_at_32_bits() {
    let text = "const PRODUCT: usize = 4 * 1024 * 1024 * 1024;\nconst WRAPS: usize = 8 << 30;\n\
                fn f() -> usize { let x: usize = 1 << 40; x }\nconst FINE: usize = 1 << 20;\n\
                const EVERYWHERE: usize = 1 << 70;\n";
    let found = run(text);
    let product = at(text, &found, "4 * 1024");
    assert_eq!(product.severity, Severity::Error);
    assert_eq!(product.failing, vec![V6M, V7EM]);
    assert!(product.message.contains("E0080"));
    let wraps = at(text, &found, "8 << 30");
    assert_eq!(wraps.severity, Severity::Warning);
    assert!(wraps.message.contains("is 0"), "{}", wraps.message);
    assert!(wraps.message.contains("8589934592"), "{}", wraps.message);
    let shift = at(text, &found, "1 << 40");
    assert_eq!(shift.severity, Severity::Warning);
    assert_eq!(
        found.len(),
        3,
        "an overflow on every target is not target-specific: {found:#?}"
    );
}

#[test]
fn without_facts_only_pointer_width_runs() {
    let text = "#![no_std]\nfn a(x: f32) -> f32 { x.sqrt() }\nconst BIG: usize = 5_000_000_000;\n";
    let no_std = |_: &TargetView| true;
    let module_gate = Gate::default();
    let targets = targets();
    let input = LocalInput {
        targets: &targets,
        no_std: &no_std,
        module_gate: &module_gate,
        facts: None,
    };
    let found = check_file(text, &input);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].class, Class::PointerWidth);
}

#[test]
fn a_module_gated_off_for_a_target_is_not_checked_there() {
    let text = "const BIG: usize = 5_000_000_000;\n";
    let no_std = |_: &TargetView| false;
    let module_gate = Gate(vec![
        CfgExpr::parse("not(target_os = \"none\")").expect("cfg")
    ]);
    let targets = targets();
    let input = LocalInput {
        targets: &targets,
        no_std: &no_std,
        module_gate: &module_gate,
        facts: None,
    };
    assert_eq!(check_file(text, &input), vec![]);
}

#[test]
fn allowed_lints_are_not_errors_and_associated_consts_are_linted() {
    let text = "#[allow(overflowing_literals)]\nconst BIG: usize = 5_000_000_000;\n\
                struct S;\n#[allow(arithmetic_overflow)]\nimpl S { const LAZY: usize = 4 * 1024 * 1024 * 1024; }\n";
    assert_eq!(run(text), vec![]);
    let text = "struct S;\nimpl S { const LAZY: usize = 4 * 1024 * 1024 * 1024; }\n";
    let found = run(text);
    let lazy = at(text, &found, "4 * 1024");
    assert_eq!(lazy.severity, Severity::Error);
    assert!(
        lazy.message.contains("arithmetic_overflow"),
        "{}",
        lazy.message
    );
}
