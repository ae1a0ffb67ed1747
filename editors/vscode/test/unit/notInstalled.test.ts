import * as assert from "node:assert/strict";
import { BUILD_STD_BUTTON, INSTALL_BUTTON, notInstalledActions, notInstalledMessage, rustSrcPath } from "../../src/notInstalled";

describe("a check of a target that is not installed", () => {
  it("says so and offers install, and -Zbuild-std only with rust-src", () => {
    assert.match(notInstalledMessage("thumbv7em-none-eabihf"), /thumbv7em-none-eabihf is not installed/);
    assert.deepEqual(notInstalledActions(true), [INSTALL_BUTTON, BUILD_STD_BUTTON]);
    assert.deepEqual(notInstalledActions(false), [INSTALL_BUTTON]);
  });

  it("looks for rust-src in the sysroot rustc prints", () => {
    assert.equal(rustSrcPath("/usr\n"), "/usr/lib/rustlib/src/rust/library/core");
  });
});
