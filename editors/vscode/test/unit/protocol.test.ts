import * as assert from "node:assert/strict";
import { parseCheckStatus, parseTargetsResponse } from "../../src/protocol";

describe("protocol payloads", () => {
  it("accepts a well-formed checkStatus", () => {
    assert.deepEqual(parseCheckStatus({ target: "wasm32-unknown-unknown", state: "failed", errors: 2, warnings: 0 }), {
      target: "wasm32-unknown-unknown",
      state: "failed",
      errors: 2,
      warnings: 0,
    });
  });

  it("rejects malformed checkStatus and defaults bad counts", () => {
    assert.equal(parseCheckStatus(null), undefined);
    assert.equal(parseCheckStatus({ target: "x-y", state: "exploded" }), undefined);
    assert.equal(parseCheckStatus({ state: "ok" }), undefined);
    assert.deepEqual(parseCheckStatus({ target: "x-y", state: "ok", errors: -1 }), {
      target: "x-y",
      state: "ok",
      errors: 0,
      warnings: 0,
    });
  });

  it("tolerates partial targets responses", () => {
    assert.deepEqual(parseTargetsResponse({ selected: ["a-b", 3] }), { selected: ["a-b"], installed: [], known: [] });
    assert.deepEqual(parseTargetsResponse(undefined), { selected: [], installed: [], known: [] });
  });
});
