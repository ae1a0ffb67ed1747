// Runs a wasm32-wasip1 command module under Node's node:wasi, with a preopened dir.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env, exit } from 'node:process';
const [,, wasmPath, dir, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: ['probe', ...args], env: { PROBE_VAR: 'present' }, preopens: { '/sandbox': dir }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
let code;
try { code = wasi.start(instance); } catch (e) { console.log(`TRAP: ${e.message}`); code = 134; }
console.log(`EXIT: ${code}`);
