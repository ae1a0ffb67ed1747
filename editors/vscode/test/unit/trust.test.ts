import * as assert from "node:assert/strict";
import { refuseBuildReason } from "../../src/trust";

describe("workspace trust gating", () => {
  it("lets builds run in a trusted workspace", () => {
    assert.equal(refuseBuildReason(true, "check"), undefined);
    assert.equal(refuseBuildReason(true, "build"), undefined);
  });

  it("refuses checks and builds in an untrusted workspace, saying why", () => {
    assert.match(refuseBuildReason(false, "check") ?? "", /cannot check.*untrusted/);
    assert.match(refuseBuildReason(false, "build") ?? "", /cannot build.*untrusted/);
  });
});
