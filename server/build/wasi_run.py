"""Runs a WASI (wasm32-wasip1) module with Python's `wasmtime` package, as `wasmtime run`
would: argv is the module path and the arguments after it, stdin/stdout/stderr are
inherited, no directories or environment are shared. The exit code is the module's.

Triplet uses it as cargo's `target.<T>.runner` when no wasmtime CLI is on PATH
(`pip install wasmtime` installs only the library).
"""

import sys

import wasmtime


def main(argv):
    if len(argv) < 2:
        print("usage: wasi-run.py MODULE.wasm [ARGS...]", file=sys.stderr)
        return 2
    path = argv[1]
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, path)
    config = wasmtime.WasiConfig()
    config.argv = [path] + argv[2:]
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)
    except wasmtime.ExitTrap as exit:
        return exit.code
    except wasmtime.Trap as trap:
        # A panic under panic=abort ends in `unreachable`: say so, exit like a signal.
        lines = [line.strip() for line in str(trap).splitlines() if line.strip()]
        print(f"wasi-run: {path} trapped: {lines[-1] if lines else trap}", file=sys.stderr)
        return 134
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
