#!/usr/bin/env python3
"""Precision sweep: `triplet check` over real crates.io crates, each on the targets it says it
supports, listing every error-severity finding (on a crate that builds there, each is a false
error). A crate's targets are its `[package.metadata.docs.rs] targets`, else the five docs.rs
builds by default. Crates come from cargo's registry cache (the newest version of each name);
each is copied to a scratch folder first, since cargo writes a Cargo.lock.

usage: tools/precision_sweep.py [--triplet BIN] [--rustc RUSTC] [--limit N] [NAME ...]
Prints one line per crate (`name version: N errors on T…`), the findings, and a total.
"""
import argparse, json, os, pathlib, re, shutil, subprocess, sys, tempfile, tomllib

DOCS_RS_DEFAULT = [
    "x86_64-unknown-linux-gnu", "x86_64-apple-darwin", "x86_64-pc-windows-msvc",
    "i686-unknown-linux-gnu", "i686-pc-windows-msvc",
]


def newest_crates(registry: pathlib.Path):
    by_name = {}
    for folder in registry.glob("*/*"):
        match = re.match(r"^(.*)-(\d+\.\d+\.\d+.*)$", folder.name)
        if not match or not (folder / "Cargo.toml").is_file():
            continue
        name, version = match.groups()
        key = tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+-]", version)[:3])
        if name not in by_name or key > by_name[name][0]:
            by_name[name] = (key, version, folder)
    return {name: (version, folder) for name, (_, version, folder) in sorted(by_name.items())}


def targets_of(manifest: dict) -> list:
    docs = manifest.get("package", {}).get("metadata", {}).get("docs", {}).get("rs", {})
    return docs.get("targets") or ([docs["default-target"]] if "default-target" in docs else DOCS_RS_DEFAULT)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--triplet", default=str(pathlib.Path(__file__).resolve().parents[1] / "target/release/triplet"))
    parser.add_argument("--rustc", default=None)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    cargo_home = pathlib.Path(os.environ.get("CARGO_HOME", pathlib.Path.home() / ".cargo"))
    crates = newest_crates(cargo_home / "registry" / "src")
    names = args.names or list(crates)
    if args.limit:
        names = names[: args.limit]
    env = dict(os.environ)
    if args.rustc:
        env["RUSTC"] = args.rustc
    total_errors, checked, failed_loads = 0, 0, []
    for name in names:
        if name not in crates:
            print(f"{name}: not in the registry cache", file=sys.stderr)
            continue
        version, folder = crates[name]
        with tempfile.TemporaryDirectory() as scratch:
            copy = pathlib.Path(scratch) / folder.name
            shutil.copytree(folder, copy, symlinks=True)
            try:
                manifest = tomllib.loads((copy / "Cargo.toml").read_text())
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            targets = targets_of(manifest)
            command = [args.triplet, "check", str(copy), "--format", "json"]
            for target in targets:
                command += ["--target", target]
            run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
            if run.returncode == 2:
                failed_loads.append(f"{name} {version}: {run.stderr.strip().splitlines()[:1]}")
                continue
            checked += 1
            try:
                findings = json.loads(run.stdout)["findings"]
            except (json.JSONDecodeError, KeyError):
                failed_loads.append(f"{name} {version}: unreadable output")
                continue
            errors = [f for f in findings if f["severity"] == "error"]
            total_errors += len(errors)
            mark = "" if not errors else f": {len(errors)} errors"
            print(f"{name} {version} on {len(targets)} targets{mark}", flush=True)
            for f in errors:
                print(f"    {f['code']} {f['file']}:{f['line']} [{', '.join(f['targets'])}] {f['message'][:160]}")
    print(f"\n{checked} crates checked, {total_errors} error findings; {len(failed_loads)} not loaded")
    for line in failed_loads:
        print(f"  not loaded: {line}")


if __name__ == "__main__":
    main()
