// Runs test/e2e/suite inside a real VS Code (downloaded by @vscode/test-electron).
// Needs network access to download VS Code and a display (or xvfb): it cannot run
// on the offline CI machine, which runs the plain-node unit tests instead.
import * as path from "node:path";
import { runTests } from "@vscode/test-electron";

async function main(): Promise<void> {
  const extensionDevelopmentPath = path.resolve(__dirname, "..", "..", "..");
  const extensionTestsPath = path.resolve(__dirname, "suite", "index");
  const workspace = path.resolve(extensionDevelopmentPath, "..", "..", "tests", "fixtures", "editor-nostd");
  await runTests({
    extensionDevelopmentPath,
    extensionTestsPath,
    launchArgs: [workspace, "--disable-extensions"],
  });
}

main().catch((err: unknown) => {
  console.error("VS Code integration tests failed:", err);
  process.exit(1);
});
