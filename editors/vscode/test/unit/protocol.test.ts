import * as assert from "node:assert/strict";
import { parseCheckStatuses, parseTargetsResponse } from "../../src/protocol";

describe("protocol payloads", () => {
  it("accepts a well-formed checkStatus", () => {
    assert.deepEqual(parseCheckStatuses({ target: "wasm32-unknown-unknown", state: "failed", errors: 2, warnings: 0 }), [
      { target: "wasm32-unknown-unknown", state: "failed", errors: 2, warnings: 0 },
    ]);
  });

  it("rejects malformed checkStatus and defaults bad counts", () => {
    assert.deepEqual(parseCheckStatuses(null), []);
    assert.deepEqual(parseCheckStatuses({ target: "x-y", state: "exploded" }), []);
    assert.deepEqual(parseCheckStatuses({ state: "ok" }), []);
    assert.deepEqual(parseCheckStatuses({ target: "x-y", state: "ok", errors: -1 }), [
      { target: "x-y", state: "ok", errors: 0, warnings: 0 },
    ]);
  });

  it("accepts the multi-target shape with started/finished states", () => {
    assert.deepEqual(parseCheckStatuses({ targets: ["a-b", "c-d"], state: "started", workspace: "file:///w" }), [
      { target: "a-b", state: "running", errors: 0, warnings: 0 },
      { target: "c-d", state: "running", errors: 0, warnings: 0 },
    ]);
    assert.deepEqual(parseCheckStatuses({ targets: ["a-b"], state: "finished", errors: 0, warnings: 1 }), [
      { target: "a-b", state: "ok", errors: 0, warnings: 1 },
    ]);
    assert.deepEqual(parseCheckStatuses({ targets: ["a-b"], state: "finished", errors: 4 }), [
      { target: "a-b", state: "failed", errors: 4, warnings: 0 },
    ]);
  });

  it("tolerates partial targets responses", () => {
    assert.deepEqual(parseTargetsResponse({ selected: ["a-b", 3] }), { selected: ["a-b"], installed: [], known: [] });
    assert.deepEqual(parseTargetsResponse(undefined), { selected: [], installed: [], known: [] });
  });
});
