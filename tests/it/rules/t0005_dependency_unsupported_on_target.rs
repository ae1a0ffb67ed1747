//! T0005 `dependency-unsupported-on-target`: getrandom's wasm backend (version-aware) and
//! tokio's features on wasm32.

use crate::support::analysis::*;

const RAND: &str = r#"[package]
name = "web"
version = "0.1.0"

[dependencies]
rand = "0.8"
"#;

#[test]
fn getrandom_fires_on_the_dependency_that_pulls_it_in() {
    Manifest::for_targets(vec![wasm32(), host()])
        .pulls("rand", "getrandom", "0.2.15", &[])
        .check(
            r#"[package]
name = "web"
version = "0.1.0"

[dependencies]
rand = "0.8"
^^^^ T0005 error: getrandom 0.2.15 (pulled in by `rand`) does not build for wasm32-unknown-unknown without its `js` feature
"#,
        );
}

#[test]
fn getrandom_knows_what_each_version_needs() {
    let direct = |version: &str| {
        format!("[dependencies]\ngetrandom = \"{version}\"\n^^^^^^^^^ T0005 error: ")
    };
    Manifest::for_targets(vec![wasm32()])
        .check(&(direct("0.1.16") + "without its `wasm-bindgen` feature\n"));
    Manifest::for_targets(vec![wasm32()])
        .check(&(direct("0.3.4") + "without its `wasm_js` feature\n"));
    // 0.3.0–0.3.3 also need the backend cfg in the target's rustflags.
    Manifest::for_targets(vec![wasm32()]).check(
        "[dependencies]\ngetrandom = { version = \"0.3.1\", features = [\"wasm_js\"] }\n^^^^^^^^^ T0005 error: without `--cfg getrandom_backend=\"wasm_js\"` in the target's rustflags\n",
    );
    Manifest::for_targets(vec![wasm32()])
        .rustflags("wasm32-unknown-unknown", &["getrandom_backend=\"wasm_js\""])
        .check("[dependencies]\ngetrandom = { version = \"0.3.1\", features = [\"wasm_js\"] }\n");
}

#[test]
fn getrandom_is_quiet_with_its_backend_and_off_wasm32_unknown() {
    Manifest::for_targets(vec![wasm32()])
        .pulls("rand", "getrandom", "0.2.15", &["js"])
        .check(RAND);
    Manifest::for_targets(vec![host(), wasip1()])
        .pulls("rand", "getrandom", "0.2.15", &[])
        .check(RAND);
}

#[test]
fn getrandom_fix_adds_a_wasm32_only_dependency_with_the_feature() {
    Manifest::for_targets(vec![wasm32()])
        .pulls("rand", "getrandom", "0.2.15", &[])
        .check_fix(
            RAND,
            r#"[package]
name = "web"
version = "0.1.0"

[dependencies]
rand = "0.8"

[target.'cfg(all(target_arch = "wasm32", target_os = "unknown"))'.dependencies]
getrandom = { version = "0.2", features = ["js"] }
"#,
        );
}

#[test]
fn getrandom_fix_enables_the_feature_on_a_direct_dependency() {
    Manifest::for_targets(vec![wasm32()]).check_fix(
        "[dependencies]\ngetrandom = \"0.2.15\" # entropy\n",
        "[dependencies]\ngetrandom = { version = \"0.2.15\", features = [\"js\"] } # entropy\n",
    );
}

const TOKIO: &str = r#"[package]
name = "server"
version = "0.1.0"

[dependencies]
tokio = { version = "1", features = ["rt-multi-thread", "net", "macros"] }
"#;

#[test]
fn tokio_fires_for_features_that_do_not_exist_on_wasm32() {
    Manifest::for_targets(vec![wasm32(), host()]).check(
        r#"[package]
name = "server"
version = "0.1.0"

[dependencies]
tokio = { version = "1", features = ["rt-multi-thread", "net", "macros"] }
^^^^^ T0005 error: tokio's `net`, `rt-multi-thread` feature(s) do not build for wasm32-unknown-unknown
"#,
    );
    // WASI has `net`; `rt-multi-thread` is still missing there.
    Manifest::for_targets(vec![wasip1()]).check(
        r#"[dependencies]
tokio = { version = "1", features = ["rt-multi-thread", "net", "macros"] }
^^^^^ T0005 error: tokio's `rt-multi-thread` feature(s) do not build for wasm32-wasip1
"#,
    );
}

#[test]
fn tokio_is_quiet_with_wasm_features_and_off_wasm32() {
    Manifest::for_targets(vec![wasm32(), wasip1()]).check(
        "[dependencies]\ntokio = { version = \"1\", features = [\"sync\", \"macros\", \"io-util\", \"rt\", \"time\"] }\n",
    );
    Manifest::for_targets(vec![host(), thumbv7em()]).check(TOKIO);
}

#[test]
fn tokio_through_another_dependency_points_at_that_dependency() {
    Manifest::for_targets(vec![wasm32()])
        .pulls("axum", "tokio", "1.40.0", &["net"])
        .check(
            r#"[dependencies]
axum = "0.7"
^^^^ T0005 error: tokio's `net` feature(s) do not build for wasm32-unknown-unknown
"#,
        );
}
