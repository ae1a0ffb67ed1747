import * as assert from "node:assert/strict";
import { RestartBackoff } from "../../src/backoff";

describe("restart backoff", () => {
  it("doubles up to the cap while crashes come quickly", () => {
    let now = 0;
    const backoff = new RestartBackoff({ initialMs: 1000, maxMs: 5000, stableAfterMs: 60_000 }, () => now);
    const delays = [];
    for (let i = 0; i < 5; i++) {
      backoff.started();
      now += 100;
      delays.push(backoff.crashed());
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 5000, 5000]);
  });

  it("starts over after a stable run or a manual restart", () => {
    let now = 0;
    const backoff = new RestartBackoff({ initialMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 }, () => now);
    backoff.started();
    backoff.crashed();
    backoff.started();
    assert.equal(backoff.crashed(), 2000);
    backoff.started();
    now += 61_000;
    assert.equal(backoff.crashed(), 1000);
    backoff.reset();
    assert.equal(backoff.crashCount, 0);
  });
});
