// Writes package.json contributes.configuration from schemas/settings.schema.json.
// `--check` only compares and exits 1 when package.json is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { settingsContribution } from "../src/settingsContribution";

const extensionDir = path.resolve(__dirname, "..", "..");
const schemaPath = path.resolve(extensionDir, "..", "..", "schemas", "settings.schema.json");
const packagePath = path.join(extensionDir, "package.json");

const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
const pkg = JSON.parse(fs.readFileSync(packagePath, "utf8"));
const generated = settingsContribution(schema);

if (process.argv.includes("--check")) {
  const same = JSON.stringify(pkg.contributes?.configuration) === JSON.stringify(generated);
  if (!same) {
    console.error("package.json contributes.configuration is stale: run `npm run gen:settings`.");
    process.exit(1);
  }
} else {
  pkg.contributes = { ...pkg.contributes, configuration: generated };
  fs.writeFileSync(packagePath, JSON.stringify(pkg, null, 2) + "\n");
  console.log(`Wrote ${Object.keys(generated.properties).length} settings to package.json`);
}
