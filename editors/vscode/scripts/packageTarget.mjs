// Packages a platform-specific .vsix with the `triplet` server inside (under server/,
// where the extension looks for it), as rust-analyzer ships its server: installing the
// .vsix is then the whole set-up.
//
//   node scripts/packageTarget.mjs <vsce-target> [--binary <path>] [--out <file.vsix>]
//
// Without --binary it runs `cargo build --release --locked` at the repository root and
// takes target/release/triplet (the host's build: package each platform on that platform
// or pass a cross-built binary with --binary).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, "..");
const repoRoot = path.resolve(extensionDir, "..", "..");

/** vsce targets and the binary name their platform uses. */
const TARGETS = {
  "linux-x64": "triplet",
  "linux-arm64": "triplet",
  "alpine-x64": "triplet",
  "darwin-x64": "triplet",
  "darwin-arm64": "triplet",
  "win32-x64": "triplet.exe",
  "win32-arm64": "triplet.exe",
};

function option(name) {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const target = process.argv[2];
if (!target || !(target in TARGETS)) {
  console.error(`usage: packageTarget.mjs <${Object.keys(TARGETS).join("|")}> [--binary <path>] [--out <file>]`);
  process.exit(2);
}
const exe = TARGETS[target];
let binary = option("--binary");
if (binary === undefined) {
  execFileSync("cargo", ["build", "--release", "--locked", "--bin", "triplet"], { cwd: repoRoot, stdio: "inherit" });
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, "target");
  binary = path.join(targetDir, "release", exe);
}
if (!existsSync(binary)) {
  console.error(`packageTarget.mjs: no server binary at ${binary}`);
  process.exit(1);
}

const serverDir = path.join(extensionDir, "server");
const bundled = path.join(serverDir, exe);
mkdirSync(serverDir, { recursive: true });
for (const name of Object.values(TARGETS)) rmSync(path.join(serverDir, name), { force: true });
copyFileSync(binary, bundled);
chmodSync(bundled, 0o755);

const { version } = JSON.parse(readFileSync(path.join(extensionDir, "package.json"), "utf8"));
const out = path.resolve(option("--out") ?? path.join(extensionDir, `triplet-${target}-${version}.vsix`));
mkdirSync(path.dirname(out), { recursive: true });
try {
  execFileSync("npx", ["--no-install", "vsce", "package", "--no-dependencies", "--target", target, "-o", out], {
    cwd: extensionDir,
    stdio: "inherit",
  });
} finally {
  // The bundled copy is for this package only: a later plain `npm run package` stays platform-neutral.
  rmSync(bundled, { force: true });
}
console.log(`packaged ${out} with ${binary} as server/${exe}`);
