#!/usr/bin/env bash
# Builds the wasm32-unknown-unknown probe with the pinned toolchain and runs its exports
# under Node (no JS glue: panics trap, output goes nowhere). Needs /usr/bin/rustc,
# rust-web-src, lld-22 (for rust-lld), node >= 20.
set -euo pipefail
cd "$(dirname "$0")/web"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 cargo build -q -Zbuild-std=std,panic_abort --target wasm32-unknown-unknown
node ../run-web.mjs "$CARGO_TARGET_DIR/wasm32-unknown-unknown/debug/runtime_api_probe_web.wasm"
