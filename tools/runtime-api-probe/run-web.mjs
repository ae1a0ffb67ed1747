// Instantiates the wasm32-unknown-unknown probe (no imports) and calls each export.
import { readFile } from 'node:fs/promises';
const [,, wasmPath] = process.argv;
const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {});
for (const [name, value] of Object.entries(instance.exports)) {
  if (typeof value !== 'function' || name.startsWith('__')) continue;
  try { console.log(`${name}: returned ${value()}`); }
  catch (e) { console.log(`${name}: TRAP (${e.message})`); }
}
