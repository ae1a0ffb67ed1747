import * as assert from "node:assert/strict";
import { CheckStatusModel } from "../../src/status";
import { ClientCommand, statusMenu } from "../../src/statusMenu";

describe("status item menu", () => {
  it("offers a check per target, then check / build / pick, in one click", () => {
    const model = new CheckStatusModel();
    model.setTargets({
      selected: ["wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"],
      installed: ["x86_64-unknown-linux-gnu"],
      known: ["wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"],
    });
    model.update({ target: "x86_64-unknown-linux-gnu", state: "failed", errors: 1, warnings: 0 });
    const menu = statusMenu(model);
    assert.deepEqual(
      menu.map((e) => [e.label, e.command, e.args]),
      [
        ["$(check) Check wasm32-unknown-unknown", ClientCommand.checkTarget, ["wasm32-unknown-unknown"]],
        ["$(check) Check x86_64-unknown-linux-gnu", ClientCommand.checkTarget, ["x86_64-unknown-linux-gnu"]],
        ["$(check) Check for Target…", ClientCommand.checkTarget, []],
        ["$(check-all) Check All Targets", ClientCommand.checkAll, []],
        ["$(package) Build for Target…", ClientCommand.buildTarget, []],
        ["$(list-selection) Pick Targets…", ClientCommand.pickTargets, []],
      ],
    );
    assert.equal(menu[1]?.description, "failed, 1 error(s), 0 warning(s)");
  });

  it("offers cancel while a check runs", () => {
    const model = new CheckStatusModel();
    model.update({ target: "x86_64-unknown-linux-gnu", state: "running", errors: 0, warnings: 0 });
    assert.ok(statusMenu(model).some((e) => e.command === ClientCommand.cancel));
  });

  it("offers the way back when the server is not running", () => {
    const model = new CheckStatusModel();
    model.setServerRunning(false);
    assert.deepEqual(
      statusMenu(model).map((e) => e.command),
      [ClientCommand.restart, ClientCommand.openServerPathSetting, ClientCommand.showOutput],
    );
  });
});
