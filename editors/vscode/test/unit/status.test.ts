import * as assert from "node:assert/strict";
import { CheckStatusModel, describeTarget, shortNames, stateMark, statusText, statusTooltip } from "../../src/status";

const EIGHT = [
  "aarch64-apple-ios",
  "aarch64-linux-android",
  "armv7-linux-androideabi",
  "riscv32imc-unknown-none-elf",
  "thumbv6m-none-eabi",
  "thumbv7em-none-eabihf",
  "wasm32-unknown-unknown",
  "x86_64-unknown-linux-gnu",
];

function model(selected: string[], installed: string[] = selected, known: string[] = [...selected, ...installed]) {
  const m = new CheckStatusModel();
  m.setTargets({ selected, installed, known });
  return m;
}

describe("status bar", () => {
  it("shows the host when nothing is selected", () => {
    assert.equal(statusText(new CheckStatusModel()), "$(target) Triplet: host");
  });

  it("stays compact with many targets: the count and the failures", () => {
    const m = model(EIGHT);
    assert.equal(statusText(m), "$(target) Triplet 8");
    m.update({ target: "wasm32-unknown-unknown", state: "failed", errors: 3, warnings: 1 });
    m.update({ target: "thumbv7em-none-eabihf", state: "ok", errors: 0, warnings: 0 });
    assert.equal(statusText(m), "$(target) Triplet 8 ✗1");
    m.update({ target: "x86_64-unknown-linux-gnu", state: "running", errors: 0, warnings: 0 });
    assert.equal(statusText(m), "$(target) Triplet 8 $(sync~spin) ✗1");
    assert.equal(m.anyRunning, true);
    // Short enough for any window (icons render as one glyph): the detail is in the tooltip.
    assert.ok(statusText(m).replace(/\$\([^)]*\)/g, "□").length <= 16, statusText(m));
    const tooltip = statusTooltip(m);
    for (const target of EIGHT) assert.match(tooltip, new RegExp(`${target}: `));
    assert.match(tooltip, /wasm32-unknown-unknown: failed, 3 error\(s\), 1 warning\(s\)/);
    assert.match(tooltip, /x86_64-unknown-linux-gnu: checking…/);
  });

  it("marks success when every target passed", () => {
    const m = model(["wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"]);
    m.update({ target: "wasm32-unknown-unknown", state: "ok", errors: 0, warnings: 0 });
    assert.equal(statusText(m), "$(target) Triplet 2");
    m.update({ target: "x86_64-unknown-linux-gnu", state: "ok", errors: 0, warnings: 2 });
    assert.equal(statusText(m), "$(target) Triplet 2 ✓");
  });

  it("shows a target that is not installed as such, not as failed with 0 errors", () => {
    const m = model(["thumbv7em-none-eabihf", "x86_64-unknown-linux-gnu"], ["x86_64-unknown-linux-gnu"]);
    m.update({
      target: "thumbv7em-none-eabihf",
      state: "failed",
      errors: 0,
      warnings: 0,
      message: "target thumbv7em-none-eabihf is not installed: run `rustup target add thumbv7em-none-eabihf`",
    });
    assert.equal(m.isNotInstalled("thumbv7em-none-eabihf"), true);
    assert.equal(statusText(m), "$(target) Triplet 2 ↓1");
    assert.equal(describeTarget(m, "thumbv7em-none-eabihf"), "not installed (its standard library is missing)");
    assert.doesNotMatch(statusTooltip(m), /0 error/);
  });

  it("keeps an installed target's failure a failure", () => {
    const m = model(["x86_64-unknown-linux-gnu"]);
    m.update({ target: "x86_64-unknown-linux-gnu", state: "failed", errors: 1, warnings: 0 });
    assert.equal(m.isNotInstalled("x86_64-unknown-linux-gnu"), false);
    assert.equal(statusText(m), "$(target) Triplet 1 ✗1");
  });

  it("does not count a misspelt triple as a target (it is a T0007 finding)", () => {
    const m = new CheckStatusModel();
    m.setTargets({
      selected: ["armv7-linux-androideab", "wasm32-unknown-unknown"],
      installed: ["x86_64-unknown-linux-gnu"],
      known: ["armv7-linux-androideabi", "wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"],
    });
    assert.deepEqual(m.targets(), ["wasm32-unknown-unknown"]);
    assert.equal(statusText(m), "$(target) Triplet 1");
    assert.doesNotMatch(statusTooltip(m), /androideab:/);
    // Check All reports on it too: that is the T0007 finding's business, not a target's.
    m.update({ target: "armv7-linux-androideab", state: "failed", errors: 0, warnings: 0 });
    assert.deepEqual(m.targets(), ["wasm32-unknown-unknown"]);
  });

  it("says when the server is not running", () => {
    const m = model(EIGHT);
    m.setServerRunning(false);
    assert.equal(statusText(m), "$(warning) Triplet: not running");
    assert.match(statusTooltip(m), /not running/);
    m.setServerRunning(true);
    assert.equal(statusText(m), "$(target) Triplet 8");
  });

  it("keeps targets that reported without being selected", () => {
    const m = model(["wasm32-unknown-unknown"]);
    m.update({ target: "aarch64-linux-android", state: "cancelled", errors: 0, warnings: 0 });
    assert.deepEqual(m.targets(), ["wasm32-unknown-unknown", "aarch64-linux-android"]);
    assert.equal(statusText(m), "$(target) Triplet 2");
    assert.match(statusTooltip(m), /aarch64-linux-android: cancelled/);
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
    const m = model(["wasm32-unknown-unknown", "thumbv7em-none-eabihf"]);
    m.update({ target: "wasm32-unknown-unknown", state: "failed", errors: 2, warnings: 0 });
    const tooltip = statusTooltip(m);
    assert.match(tooltip, /wasm32-unknown-unknown: failed, 2 error\(s\)/);
    assert.match(tooltip, /thumbv7em-none-eabihf: not checked yet/);
  });

  it("forgets results after a restart", () => {
    const m = new CheckStatusModel();
    m.update({ target: "wasm32-unknown-unknown", state: "ok", errors: 0, warnings: 0 });
    m.clearResults();
    assert.deepEqual(m.targets(), []);
  });
});
