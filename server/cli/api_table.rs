//! `triplet api-table`: print the run-time API table, derived from rust-src when there is
//! one (an explicit `--rust-src`, else the toolchain's) or the shipped table otherwise.

use crate::analysis::cfg::CfgSet;
use crate::runtime_api::targets::{pinned_cfg, query_rustc_cfg, PINNED_TARGETS};
use crate::runtime_api::{ApiRow, ApiTable, Behaviour};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ApiTableArgs {
    /// Target triple to show (repeatable). Default: the shipped table's targets.
    #[arg(long = "target", value_name = "TRIPLE")]
    pub targets: Vec<String>,
    /// rust-src to derive from: its root (containing `library/`) or the `library` dir.
    /// Default: the toolchain's `$(rustc --print sysroot)/lib/rustlib/src/rust`, else the
    /// shipped table.
    #[arg(long, value_name = "PATH")]
    pub rust_src: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: TableFormat,
}

pub fn run(args: ApiTableArgs) -> ExitCode {
    match table_for(&args) {
        Ok(table) => {
            print!("{}", render(&table, args.format));
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("triplet api-table: {message}");
            ExitCode::from(super::EXIT_USAGE)
        }
    }
}

fn rustc() -> String {
    std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string())
}

fn table_for(args: &ApiTableArgs) -> Result<ApiTable, String> {
    if let Some(path) = &args.rust_src {
        let library = library_dir(path).ok_or_else(|| {
            format!(
                "{} is not a rust-src tree (expected library/std/src/sys/mod.rs under it)",
                path.display()
            )
        })?;
        let release = crate::runtime_api::derive::rust_src_version(&library)
            .map(|version| format!(" (std {version})"))
            .unwrap_or_default();
        eprintln!(
            "triplet api-table: deriving from {}{release}",
            library.display()
        );
        let targets = target_cfgs(&args.targets)?;
        return ApiTable::derive(&library, &targets).map_err(|error| format!("{error:#}"));
    }
    let Some(library) = toolchain_library() else {
        eprintln!(
            "triplet api-table: no rust-src in the toolchain; using the shipped table{}",
            std_release(ApiTable::shipped())
        );
        return shipped_subset(&args.targets);
    };
    let targets = target_cfgs(&args.targets)?;
    match ApiTable::derive(&library, &targets) {
        Ok(table) => {
            eprintln!(
                "triplet api-table: derived from the toolchain's rust-src at {}{}",
                library.display(),
                std_release(&table)
            );
            Ok(table)
        }
        // A std whose layout the mapping does not fit (much older or newer): say so, and
        // still answer from the shipped table.
        Err(error) => {
            eprintln!(
                "triplet api-table: {}",
                crate::runtime_api::derive::fallback_note(&library, &error)
            );
            shipped_subset(&args.targets)
        }
    }
}

/// Accepts the rust-src root or its `library` directory.
fn library_dir(path: &Path) -> Option<PathBuf> {
    [path.join("library"), path.to_path_buf()]
        .into_iter()
        .find(|candidate| candidate.join("std/src/sys/mod.rs").is_file())
}

fn toolchain_library() -> Option<PathBuf> {
    let output = Command::new(rustc())
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    library_dir(&Path::new(&sysroot).join("lib/rustlib/src/rust"))
}

fn target_cfgs(targets: &[String]) -> Result<Vec<(String, CfgSet)>, String> {
    if targets.is_empty() {
        return Ok(crate::runtime_api::targets::pinned_cfg_sets());
    }
    targets
        .iter()
        .map(|target| {
            let cfg = match pinned_cfg(target) {
                Some(cfg) => cfg,
                None => query_rustc_cfg(&rustc(), target)
                    .map_err(|error| format!("unknown target `{target}`: {error:#}"))?,
            };
            Ok((target.clone(), cfg))
        })
        .collect()
}

/// " (std 1.96.0)" when the table knows its rust-src release.
fn std_release(table: &ApiTable) -> String {
    table
        .rust_src()
        .map(|version| format!(" (std {version})"))
        .unwrap_or_default()
}

fn shipped_subset(targets: &[String]) -> Result<ApiTable, String> {
    let shipped = ApiTable::shipped();
    if targets.is_empty() {
        return Ok(shipped.clone());
    }
    if let Some(unknown) = targets.iter().find(|target| !shipped.knows_target(target)) {
        let known: Vec<&str> = PINNED_TARGETS.iter().map(|(name, _)| *name).collect();
        return Err(format!(
            "target `{unknown}` is not in the shipped table (it has: {}); pass --rust-src to derive it",
            known.join(", ")
        ));
    }
    let rows = targets
        .iter()
        .flat_map(|target| {
            shipped
                .rows()
                .iter()
                .filter(move |row| &row.target == target)
                .cloned()
        })
        .collect();
    Ok(ApiTable::from_rows(rows).with_rust_src(shipped.rust_src().map(str::to_string)))
}

fn render(table: &ApiTable, format: TableFormat) -> String {
    match format {
        TableFormat::Json => table.to_json(),
        TableFormat::Human => render_human(table.rows()),
    }
}

fn render_human(rows: &[ApiRow]) -> String {
    let width = rows.iter().map(|row| row.api.len()).max().unwrap_or(0);
    let mut out = String::new();
    let mut current_target: Option<&str> = None;
    for row in rows {
        if current_target != Some(row.target.as_str()) {
            if current_target.is_some() {
                out.push('\n');
            }
            out.push_str(&format!("{}\n", row.target));
            current_target = Some(row.target.as_str());
        }
        let mut line = format!("  {:<width$}  {:<6}", row.api, row.behaviour.as_str());
        if !row.message.is_empty() {
            line.push_str(&format!("  {}", row.message));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if row.behaviour != Behaviour::Ok {
            out.push_str(&format!("  {:<width$}          at {}\n", "", row.source));
        }
    }
    out
}
