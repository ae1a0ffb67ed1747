//! The in-process pieces of a check, with criterion: parse, resolve, cfg evaluation and the
//! rule pass, on hashbrown 0.16.1 (the crate `cargo bench --bench perf` fetches; its
//! src/map.rs is a real 4,000+ line file). `cargo bench --bench analysis`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use triplet::analysis::context::{CrateFile, CrateInput, TargetView};
use triplet::analysis::resolve::Resolver;
use triplet::analysis::syntax::FileSyntax;
use triplet::runtime_api::ApiTable;
use triplet::targets::{TargetFacts, Toolchain};
use triplet::workspace::module_tree::{module_tree, ModuleFile};

const TARGETS: [&str; 8] = [
    "x86_64-unknown-linux-gnu",
    "wasm32-unknown-unknown",
    "thumbv7em-none-eabihf",
    "aarch64-linux-android",
    "aarch64-apple-ios",
    "x86_64-pc-windows-msvc",
    "wasm32-wasip1",
    "riscv32imac-unknown-none-elf",
];

/// hashbrown's sources in cargo's registry cache.
fn hashbrown_src() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registry = cargo_home.join("registry").join("src");
    std::fs::read_dir(&registry)
        .into_iter()
        .flatten()
        .flatten()
        .map(|index| index.path().join("hashbrown-0.16.1").join("src"))
        .find(|src| src.is_dir())
        .expect("hashbrown 0.16.1 is not in cargo's registry: run `cargo bench --bench perf` first (it fetches the corpus)")
}

fn targets(toolchain: &Toolchain, count: usize) -> Vec<TargetView> {
    TARGETS[..count]
        .iter()
        .map(|triple| {
            let facts = TargetFacts::gather(toolchain, triple);
            TargetView {
                cfg: facts.cfg.with_features(["default", "raw-entry"]),
                has_std: facts.has_std,
                triple: facts.triple,
            }
        })
        .collect()
}

fn crate_files(files: &[ModuleFile]) -> Vec<CrateFile<'_>> {
    files
        .iter()
        .map(|file| CrateFile {
            path: &file.path,
            text: &file.text,
            syntax: &file.syntax,
            module_gate: &file.gate,
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let src = hashbrown_src();
    let map_rs = std::fs::read_to_string(src.join("map.rs")).expect("read map.rs");
    let toolchain = Toolchain::detect().expect("a rustc on PATH");
    let files = module_tree(&src.join("lib.rs"), &mut |path: &Path| {
        let text = std::fs::read_to_string(path).ok()?;
        let syntax = Arc::new(FileSyntax::parse(&text));
        Some((Arc::from(text), syntax))
    });
    let map_index = files
        .iter()
        .position(|file| file.path == src.join("map.rs"))
        .expect("map.rs in hashbrown's module tree");
    let apis = ApiTable::shipped();

    c.bench_function("parse map.rs (FileSyntax::parse)", |b| {
        b.iter(|| FileSyntax::parse(black_box(&map_rs)))
    });

    c.bench_function("parse map.rs, rust-analyzer's parser alone", |b| {
        b.iter(|| {
            ra_ap_syntax::SourceFile::parse(black_box(&map_rs), ra_ap_syntax::Edition::Edition2021)
        })
    });

    let map_syntax = &files[map_index].syntax;
    let one = targets(&toolchain, 1);
    c.bench_function("resolve every path of map.rs, 1 target", |b| {
        b.iter(|| {
            let resolver = Resolver::new(map_syntax, &one[0].cfg, &[]);
            map_syntax
                .paths
                .iter()
                .filter_map(|path| resolver.resolve_path(path))
                .count()
        })
    });

    let eight = targets(&toolchain, 8);
    c.bench_function("cfg: every gate of map.rs on 8 targets", |b| {
        b.iter(|| {
            let mut on = 0usize;
            for target in &eight {
                for path in &map_syntax.paths {
                    on += usize::from(path.gate.is_on(&target.cfg));
                }
            }
            on
        })
    });

    let mut group = c.benchmark_group("rule pass over hashbrown (analyze_crate, parsed)");
    for count in [1usize, 4, 8] {
        let targets = targets(&toolchain, count);
        group.bench_with_input(
            BenchmarkId::new("targets", count),
            &targets,
            |b, targets| {
                b.iter(|| {
                    triplet::analysis::analyze_crate(&CrateInput {
                        package: "hashbrown",
                        files: crate_files(&files),
                        targets,
                        apis,
                    })
                })
            },
        );
    }
    group.finish();

    let four = targets(&toolchain, 4);
    c.bench_function(
        "rule pass over map.rs alone (analyze_crate_file), 4 targets",
        |b| {
            b.iter(|| {
                let input = CrateInput {
                    package: "hashbrown",
                    files: crate_files(&files),
                    targets: &four,
                    apis,
                };
                triplet::analysis::analyze_crate_file(&input, map_index)
            })
        },
    );
}

criterion_group!(analysis, benches);
criterion_main!(analysis);
