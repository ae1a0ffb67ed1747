// Smoke test in a real VS Code: the extension activates on a Rust workspace,
// contributes its commands, and the server reports T0001 on the fixture.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as vscode from "vscode";

const EXTENSION_ID = "triplet.triplet";

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("Triplet extension", () => {
  it("activates and registers its commands", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, "extension is installed");
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ["triplet.checkTarget", "triplet.pickTargets", "triplet.restartServer"]) {
      assert.ok(commands.includes(id), `command ${id}`);
    }
  });

  it("shows T0001 for std in a no_std crate", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the fixture workspace is open");
    const uri = vscode.Uri.file(path.join(folder.uri.fsPath, "src", "lib.rs"));
    await vscode.window.showTextDocument(uri);
    const diagnostic = await waitFor(
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source === "triplet" && String(typeof d.code === "object" ? d.code.value : d.code) === "T0001"),
      30_000,
    );
    assert.match(diagnostic.message, /std/);
  });
});
