import * as assert from "node:assert/strict";
import {
  badServerPathMessage,
  clientExplainsServerMessage,
  missingBinaryMessage,
  serverPathSettingsCommand,
  startFailedMessage,
  unchangedServerPathMessage,
} from "../../src/serverProblems";

const local = { remoteName: undefined };
const remote = { remoteName: "ssh-remote" };

describe("server problems", () => {
  it("sends a remote window's user to the Remote settings", () => {
    assert.equal(serverPathSettingsCommand(local), "workbench.action.openSettings");
    assert.equal(serverPathSettingsCommand(remote), "workbench.action.openRemoteSettings");
    const message = missingBinaryMessage(remote);
    assert.match(message, /Remote \[ssh-remote\] settings/);
    assert.match(message, /in a remote window they override User settings/);
    assert.doesNotMatch(missingBinaryMessage(local), /Remote/);
  });

  it("explains a change that leaves a remote window's server as it was", () => {
    assert.equal(unchangedServerPathMessage("/usr/bin/triplet", local), undefined);
    const message = unchangedServerPathMessage("/usr/bin/triplet", remote) ?? "";
    assert.match(message, /still uses \/usr\/bin\/triplet/);
    assert.match(message, /Remote \[ssh-remote\] settings/);
    assert.match(message, /keeps running/);
  });

  it("says in one message that the server is not running and why", () => {
    const message = badServerPathMessage("/nowhere/triplet", local);
    assert.match(message, /not running/);
    assert.match(message, /\/nowhere\/triplet, which is not an executable file/);
    assert.match(startFailedMessage("/bin/triplet", new Error("spawn EACCES")), /not running: \/bin\/triplet failed to start \(spawn EACCES\)/);
  });

  it("leaves not-installed check failures to the client's own message", () => {
    assert.equal(clientExplainsServerMessage("Triplet: thumbv7em-none-eabihf: target thumbv7em-none-eabihf is not installed: run `rustup target add …`"), true);
    assert.equal(clientExplainsServerMessage("Triplet: cargo not found"), false);
  });
});
