import * as assert from "node:assert/strict";
import { checkableTargets } from "../../src/diagnosticTargets";

describe("checkableTargets (Check for <target> on a diagnostic)", () => {
  it("reads the targets of a compiler diagnostic from its source label", () => {
    assert.deepEqual(checkableTargets({ source: "triplet(x86_64-unknown-linux-gnu)", code: "E0308" }), [
      "x86_64-unknown-linux-gnu",
    ]);
    assert.deepEqual(checkableTargets({ source: "triplet(a-b-c, d-e-f)" }), ["a-b-c", "d-e-f"]);
  });

  it("reads a finding's targets from its data", () => {
    const data = { code: "T0002", targets: ["wasm32-unknown-unknown", 7] };
    assert.deepEqual(checkableTargets({ source: "triplet", code: "T0002", data }), ["wasm32-unknown-unknown"]);
  });

  it("offers nothing for targets that cannot be checked as they are, or for other sources", () => {
    const data = { targets: ["thumbv7em-none-eabihf"] };
    assert.deepEqual(checkableTargets({ source: "triplet", code: "T0006", data }), []);
    assert.deepEqual(checkableTargets({ source: "triplet", code: "T0007", data }), []);
    assert.deepEqual(checkableTargets({ source: "rustc", code: "E0308", data }), []);
    assert.deepEqual(checkableTargets({ source: "triplet", code: "T0001", data: "nonsense" }), []);
  });
});
