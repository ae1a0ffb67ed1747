//! `triplet targets [PATH]`: what each package is checked for, where that came from, and
//! what Triplet knows of each target.

use super::{load_engine, FeatureArgs};
use crate::build::platform::{build_needs, Need};
use crate::build::{choose_tool, AvailableTools, BuildMode, TargetSetup};
use crate::targets::toolchain::Toolchain;
use crate::workspace::DiskSources;
use serde::Serialize;
use serde_json::json;
use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TargetsArgs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub features: FeatureArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: TargetsArgs) -> ExitCode {
    let engine = match load_engine(&args.path, &args.targets, &args.features, &[]) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let packages = engine.package_targets(&DiskSources);
    let toolchain = engine.toolchain();
    let available = AvailableTools::from_path();
    let readiness = |triple: &str, installed: bool| {
        build_readiness(
            engine.workspace_root(),
            triple,
            installed,
            toolchain,
            &available,
        )
    };
    if args.json {
        let value = json!({
            "toolchain": { "rustc": toolchain.version, "host": toolchain.host },
            "packages": packages.iter().map(|p| json!({
                "package": p.package,
                "manifest": p.manifest_path.display().to_string(),
                "features": p.enabled_features,
                "targets": p.targets.iter().map(|t| json!({
                    "triple": t.origin.triple,
                    "source": t.origin.source,
                    "known": t.facts.known,
                    "has_std": t.facts.has_std,
                    "installed": t.facts.installed,
                    "arch": t.facts.arch,
                    "os": t.facts.os,
                    "env": t.facts.env,
                    "cfg": t.facts.cfg.atoms().map(|a| a.to_string()).collect::<Vec<_>>(),
                    "build": readiness(&t.facts.triple, t.facts.installed),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        println!("{value}");
        return ExitCode::SUCCESS;
    }
    println!("toolchain: {} (host {})", toolchain.version, toolchain.host);
    for package in packages {
        println!(
            "\n{} ({})",
            package.package,
            package.manifest_path.display()
        );
        if !package.enabled_features.is_empty() {
            println!("  features: {}", package.enabled_features.join(", "));
        }
        for target in package.targets {
            let facts = &target.facts;
            let std = if !facts.known {
                "unknown to rustc"
            } else if facts.has_std {
                "std"
            } else {
                "no std (core/alloc only)"
            };
            let installed = if facts.installed {
                "installed"
            } else {
                "not installed"
            };
            println!(
                "  {:<32} from {:<34} {std}, {installed}",
                facts.triple, target.origin.source
            );
            let key: Vec<String> = [
                "target_arch",
                "target_os",
                "target_env",
                "target_family",
                "panic",
            ]
            .iter()
            .filter_map(|k| facts.cfg.value_of(k).map(|v| format!("{k}={v}")))
            .collect();
            if !key.is_empty() {
                println!("  {:<32}      cfg: {}", "", key.join(" "));
            }
            let build = readiness(&facts.triple, facts.installed);
            println!("  {:<32}      build: {} ({})", "", build.tool, build.reason);
            if build.needs.is_empty() {
                println!("  {:<32}      ready to build", "");
            }
            for need in &build.needs {
                println!("  {:<32}      needs {}: `{}`", "", need.what, need.install);
            }
        }
    }
    ExitCode::SUCCESS
}

/// What `triplet build --target T` would run, and what this machine lacks for it.
#[derive(Debug, Serialize)]
struct BuildReadiness {
    tool: String,
    reason: String,
    needs: Vec<Need>,
}

fn build_readiness(
    workspace_root: &Path,
    triple: &str,
    installed: bool,
    toolchain: &Toolchain,
    available: &AvailableTools,
) -> BuildReadiness {
    let mut needs = Vec::new();
    if !installed {
        needs.push(Need {
            what: format!("the standard library for {triple}"),
            install: format!("rustup target add {triple}"),
        });
    }
    // Which members depend on wasm-bindgen is the build's business (cargo metadata); here
    // a wasm32 target is described as plain cargo.
    let setup = TargetSetup {
        host: &toolchain.host,
        linker: crate::build::platform::target_setting(workspace_root, triple, "linker"),
        wasm_bindgen_crates: &[],
    };
    let choice = choose_tool(BuildMode::Build, triple, &setup, available);
    let (tool, reason) = choice
        .first()
        .map(|choice| (choice.kind.label().to_string(), choice.reason.clone()))
        .unwrap_or_default();
    needs.extend(build_needs(
        workspace_root,
        triple,
        &toolchain.host,
        toolchain.sysroot.as_deref(),
        available,
    ));
    BuildReadiness {
        tool,
        reason,
        needs,
    }
}
