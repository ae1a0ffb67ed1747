// Bundles the extension into dist/extension.js (vscode is provided by the host).
import { build } from "esbuild";

const production = process.argv.includes("--production");

await build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["vscode"],
  sourcemap: !production,
  minify: production,
  logLevel: "info",
});

// The .vsix carries its own copy of the schemas (tomlValidation points at it).
import { cpSync, mkdirSync } from "node:fs";
mkdirSync("schemas", { recursive: true });
for (const name of ["settings.schema.json", "cargo-metadata.schema.json"]) {
  cpSync(`../../schemas/${name}`, `schemas/${name}`);
}
