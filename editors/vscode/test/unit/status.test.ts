import * as assert from "node:assert/strict";
import { CheckStatusModel, shortNames, stateMark, statusText, statusTooltip } from "../../src/status";

describe("status bar", () => {
  it("shows the host when nothing is selected", () => {
    assert.equal(statusText(new CheckStatusModel()), "$(target) Triplet: host");
  });

  it("shows each target with its last check", () => {
    const model = new CheckStatusModel();
    model.setSelected(["thumbv7em-none-eabihf", "wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"]);
    model.update({ target: "thumbv7em-none-eabihf", state: "ok", errors: 0, warnings: 0 });
    model.update({ target: "wasm32-unknown-unknown", state: "failed", errors: 3, warnings: 1 });
    assert.equal(statusText(model), "$(target) thumbv7em ✓  wasm32 ✗ 3  x86_64");
    model.update({ target: "x86_64-unknown-linux-gnu", state: "running", errors: 0, warnings: 0 });
    assert.equal(statusText(model), "$(target) thumbv7em ✓  wasm32 ✗ 3  x86_64 $(sync~spin)");
    assert.equal(model.anyRunning, true);
  });

  it("keeps targets that reported without being selected", () => {
    const model = new CheckStatusModel();
    model.setSelected(["wasm32-unknown-unknown"]);
    model.update({ target: "aarch64-linux-android", state: "cancelled", errors: 0, warnings: 0 });
    assert.deepEqual(model.targets(), ["wasm32-unknown-unknown", "aarch64-linux-android"]);
    assert.equal(statusText(model), "$(target) wasm32  aarch64 ⊘");
  });

  it("uses whole triples when short names clash", () => {
    const names = shortNames(["wasm32-unknown-unknown", "wasm32-wasip1", "thumbv6m-none-eabi"]);
    assert.equal(names.get("wasm32-unknown-unknown"), "wasm32-unknown-unknown");
    assert.equal(names.get("wasm32-wasip1"), "wasm32-wasip1");
    assert.equal(names.get("thumbv6m-none-eabi"), "thumbv6m");
  });

  it("marks warnings on success and nothing before a check", () => {
    assert.equal(stateMark(undefined), "");
    assert.equal(stateMark({ target: "t-u", state: "ok", errors: 0, warnings: 2 }), "✓ 2⚠");
  });

  it("explains every target in the tooltip", () => {
    const model = new CheckStatusModel();
    model.setSelected(["wasm32-unknown-unknown", "thumbv7em-none-eabihf"]);
    model.update({ target: "wasm32-unknown-unknown", state: "failed", errors: 2, warnings: 0 });
    const tooltip = statusTooltip(model);
    assert.match(tooltip, /wasm32-unknown-unknown: failed, 2 error\(s\)/);
    assert.match(tooltip, /thumbv7em-none-eabihf: not checked yet/);
  });

  it("forgets results after a restart", () => {
    const model = new CheckStatusModel();
    model.update({ target: "wasm32-unknown-unknown", state: "ok", errors: 0, warnings: 0 });
    model.clearResults();
    assert.deepEqual(model.targets(), []);
  });
});
