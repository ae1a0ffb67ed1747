//! T0007 `unknown-target`.

use crate::support::analysis::*;

const KNOWN: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "wasm32-unknown-unknown",
    "thumbv7em-none-eabihf",
];

#[test]
fn fires_where_an_unknown_triple_is_written_with_the_nearest_one() {
    Manifest::for_targets(vec![host()]).known(KNOWN, KNOWN).check(
        r#"[package.metadata.triplet]
targets = ["wasm32-unknown-unknwon", "x86_64-unknown-linux-gnu"]
#           ^^^^^^^^^^^^^^^^^^^^^^ T0007 error: `wasm32-unknown-unknwon` is not a target rustc knows (from package.metadata.triplet); did you mean `wasm32-unknown-unknown`?
"#,
    );
}

#[test]
fn is_quiet_for_custom_json_targets_and_when_rustc_cannot_tell() {
    let manifest = r#"[package.metadata.triplet]
targets = ["my-board.json", "not-a-target"]
#                            ^^^^^^^^^^^^ T0007 error: is not a target rustc knows
"#;
    Manifest::for_targets(vec![host()])
        .known(KNOWN, KNOWN)
        .check(manifest);
    // rustc's target list is unknown: T0007 says nothing rather than guess (T0006 still
    // says the std is not installed).
    Manifest::for_targets(vec![host()]).known(&[], &[]).check(
        r#"[package.metadata.triplet]
targets = ["not-a-target"]
#           ^^^^^^^^^^^^ T0006 info: is not installed
"#,
    );
}

#[test]
fn fix_writes_the_nearest_known_triple() {
    Manifest::for_targets(vec![host()])
        .known(KNOWN, KNOWN)
        .check_fix(
            "[package.metadata.triplet]\ntargets = [\"wasm32-unknown-unknwon\"] # web\n",
            "[package.metadata.triplet]\ntargets = [\"wasm32-unknown-unknown\"] # web\n",
        );
}
