import * as assert from "node:assert/strict";
import {
  badServerPathMessage,
  clientExplainsServerMessage,
  missingBinaryMessage,
  serverPathSettingsCommand,
  startFailedMessage,
} from "../../src/serverProblems";

const local = { remoteName: undefined, userValue: undefined };
const remote = { remoteName: "ssh-remote", userValue: "/home/me/bin/triplet" };

describe("server problems", () => {
  it("sends a remote window's user to the Remote settings", () => {
    assert.equal(serverPathSettingsCommand(local), "workbench.action.openSettings");
    assert.equal(serverPathSettingsCommand(remote), "workbench.action.openRemoteSettings");
    const message = missingBinaryMessage(remote);
    assert.match(message, /Remote \[ssh-remote\] settings/);
    assert.match(message, /User setting `\/home\/me\/bin\/triplet` does not apply to a remote window/);
    assert.doesNotMatch(missingBinaryMessage(local), /Remote/);
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
