import * as assert from "node:assert/strict";
import { readSettings, resolveServerCommand, serverSettings, type ServerLookup, tripletSection } from "../../src/settings";

function getter(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

describe("readSettings", () => {
  it("uses defaults when nothing is set", () => {
    assert.deepEqual(readSettings(getter({})), { targets: [], checkOnSave: false, rules: {}, serverPath: undefined });
  });

  it("keeps valid values and drops bad ones", () => {
    const settings = readSettings(
      getter({
        targets: ["wasm32-unknown-unknown", " thumbv7em-none-eabihf ", "", 7, "wasm32-unknown-unknown"],
        checkOnSave: "yes",
        rules: { T0002: "off", T0001: "loud", "unknown-target": "error" },
        "server.path": "  ",
      }),
    );
    assert.deepEqual(settings.targets, ["wasm32-unknown-unknown", "thumbv7em-none-eabihf"]);
    assert.equal(settings.checkOnSave, false);
    assert.deepEqual(settings.rules, { T0002: "off", "unknown-target": "error" });
    assert.equal(settings.serverPath, undefined);
  });
});

describe("serverSettings (initializationOptions / workspace/configuration)", () => {
  const settings = readSettings(
    getter({ targets: ["wasm32-unknown-unknown"], checkOnSave: true, rules: { T0003: "warning" }, "server.path": "/bin/triplet" }),
  );

  it("sends only the server's keys in a trusted workspace", () => {
    assert.deepEqual(serverSettings(settings, true), {
      targets: ["wasm32-unknown-unknown"],
      checkOnSave: true,
      rules: { T0003: "warning" },
    });
  });

  it("sends docsUrl only when it is set", () => {
    const linked = readSettings(getter({ docsUrl: " https://example.org/rules.md " }));
    assert.equal(serverSettings(linked, false).docsUrl, "https://example.org/rules.md");
    assert.equal("docsUrl" in serverSettings(readSettings(getter({ docsUrl: "" })), true), false);
  });

  it("forces checkOnSave off in an untrusted workspace", () => {
    assert.equal(serverSettings(settings, false).checkOnSave, false);
    assert.deepEqual(serverSettings(settings, false).targets, ["wasm32-unknown-unknown"]);
  });
});

describe("resolveServerCommand", () => {
  const base: ServerLookup = {
    platform: "linux",
    pathEnv: "/usr/local/bin:/home/me/.cargo/bin",
    homeDir: "/home/me",
    extensionDir: "/ext",
    isExecutableFile: () => false,
  };

  it("prefers the setting, expanding ~", () => {
    const line = resolveServerCommand("~/bin/triplet", { ...base, isExecutableFile: () => true });
    assert.deepEqual(line, { command: "/home/me/bin/triplet", args: ["lsp"], source: "setting" });
  });

  it("falls back to PATH", () => {
    const line = resolveServerCommand(undefined, { ...base, isExecutableFile: (p) => p === "/home/me/.cargo/bin/triplet" });
    assert.deepEqual(line, { command: "/home/me/.cargo/bin/triplet", args: ["lsp"], source: "path" });
  });

  it("falls back to the bundled binary", () => {
    const line = resolveServerCommand(undefined, { ...base, isExecutableFile: (p) => p === "/ext/server/triplet" });
    assert.equal(line?.source, "bundled");
    assert.equal(line?.command, "/ext/server/triplet");
  });

  it("picks the binary a platform .vsix bundles (npm run package:<target>) when nothing else is set", () => {
    const linux = resolveServerCommand(undefined, { ...base, pathEnv: "/usr/bin", isExecutableFile: (p) => p === "/ext/server/triplet" });
    assert.deepEqual(linux, { command: "/ext/server/triplet", args: ["lsp"], source: "bundled" });
    const windows = resolveServerCommand(undefined, {
      ...base,
      platform: "win32",
      pathEnv: "C:\\tools",
      extensionDir: "C:\\ext",
      isExecutableFile: (p) => p === "C:\\ext\\server\\triplet.exe",
    });
    assert.deepEqual(windows, { command: "C:\\ext\\server\\triplet.exe", args: ["lsp"], source: "bundled" });
  });

  it("uses triplet.exe and ; on Windows", () => {
    const line = resolveServerCommand(undefined, {
      ...base,
      platform: "win32",
      pathEnv: "C:\\tools;C:\\cargo\\bin",
      extensionDir: "C:\\ext",
      isExecutableFile: (p) => p === "C:\\cargo\\bin\\triplet.exe",
    });
    assert.equal(line?.command, "C:\\cargo\\bin\\triplet.exe");
  });

  it("returns undefined when nothing is found", () => {
    assert.equal(resolveServerCommand(undefined, base), undefined);
  });
});

describe("tripletSection (workspace/configuration items)", () => {
  const settings = { targets: ["wasm32-unknown-unknown"], checkOnSave: false, rules: {} };

  it("answers the whole object and single keys", () => {
    assert.deepEqual(tripletSection(settings, "triplet"), settings);
    assert.deepEqual(tripletSection(settings, "triplet.targets"), ["wasm32-unknown-unknown"]);
    assert.equal(tripletSection(settings, "triplet.checkOnSave"), false);
    assert.equal(tripletSection(settings, "triplet.nothing"), null);
  });

  it("leaves other sections alone", () => {
    assert.equal(tripletSection(settings, "rust-analyzer"), undefined);
    assert.equal(tripletSection(settings, undefined), undefined);
    assert.equal(tripletSection(settings, "tripletx"), undefined);
  });
});
