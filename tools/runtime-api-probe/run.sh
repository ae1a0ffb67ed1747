#!/usr/bin/env bash
# Builds the probe for wasm32-wasip1 with the pinned toolchain (std built from
# /usr/lib/rustlib/src/rust) and runs every probe under Node's node:wasi.
# Needs: /usr/bin/rustc (rustc-web), rust-web-src, lld-22 (for rust-lld), wasi-libc, node >= 20.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# Debian's wasi-libc is linked directly (rustc's self-contained crt is not in the package).
export RUSTFLAGS="-C link-self-contained=no -L /usr/lib/wasm32-wasi -C link-arg=/usr/lib/wasm32-wasi/crt1-command.o"
RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 cargo build -q -Zbuild-std=std,panic_abort --target wasm32-wasip1
wasm="$CARGO_TARGET_DIR/wasm32-wasip1/debug/runtime-api-probe.wasm"
sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT
probes=(fs_read fs_read_dir fs_metadata instant_now system_time_now thread_spawn builder_spawn
  thread_sleep available_parallelism tcp_connect tcp_bind command_spawn process_id env_var
  env_args env_set_var temp_dir current_dir current_exe home_dir hashmap_new stdout park_timeout
  condvar_wait split_paths join_paths exit)
for probe in "${probes[@]}"; do
  echo "== $probe"
  node --no-warnings run.mjs "$wasm" "$sandbox" "$probe" 2>&1 | grep -v '^note: run with\|^$' || true
done
