import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { inlineRefs, settingsContribution } from "../../src/settingsContribution";

// out/test/unit → the extension dir, then the repository root.
const extensionDir = path.resolve(__dirname, "..", "..", "..");
const readJson = (p: string) => JSON.parse(fs.readFileSync(p, "utf8"));
const schema = readJson(path.resolve(extensionDir, "..", "..", "schemas", "settings.schema.json"));
const pkg = readJson(path.join(extensionDir, "package.json"));

describe("settings declared in package.json", () => {
  it("agree with schemas/settings.schema.json", () => {
    assert.deepEqual(pkg.contributes.configuration, settingsContribution(schema));
  });

  it("are the contract's six settings with the contract's defaults", () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [
      "triplet.checkOnSave",
      "triplet.docsUrl",
      "triplet.rules",
      "triplet.server.path",
      "triplet.targets",
      "triplet.trace.server",
    ]);
    assert.equal(props["triplet.checkOnSave"].default, false);
    assert.deepEqual(props["triplet.targets"].default, []);
    assert.deepEqual(props["triplet.trace.server"].enum, ["off", "messages", "verbose"]);
  });

  it("restrict in untrusted workspaces exactly the settings that run code", () => {
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces, {
      supported: "limited",
      description: pkg.capabilities.untrustedWorkspaces.description,
      restrictedConfigurations: ["triplet.server.path", "triplet.checkOnSave"],
    });
  });

  it("register the Cargo.toml schema with Even Better TOML", () => {
    assert.deepEqual(pkg.contributes.tomlValidation, [
      { fileMatch: "Cargo.toml", url: "./schemas/cargo-metadata.schema.json" },
    ]);
  });

  it("contribute every palette command", () => {
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of ["triplet.checkTarget", "triplet.checkAllTargets", "triplet.buildTarget", "triplet.cancelChecks", "triplet.restartServer", "triplet.pickTargets"]) {
      assert.ok(ids.includes(id), `missing command ${id}`);
    }
    // The server's own commands are registered by the language client; declaring them would clash.
    for (const serverId of ["triplet.check", "triplet.build", "triplet.cancel"]) assert.ok(!ids.includes(serverId));
  });
});

describe("inlineRefs", () => {
  it("resolves nested local refs and lets sibling keywords win", () => {
    const root = { $defs: { a: { type: "string", description: "A" }, b: { $ref: "#/$defs/a" } } };
    assert.deepEqual(inlineRefs({ $ref: "#/$defs/b", description: "mine" }, root), { type: "string", description: "mine" });
  });

  it("refuses remote refs", () => {
    assert.throws(() => inlineRefs({ $ref: "https://example.invalid/x.json" }, {}), /only local/);
  });
});
