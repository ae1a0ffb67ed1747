import * as assert from "node:assert/strict";
import { buildTargetPickItems, isTargetSource, selectionFromPicks, singleTargetChoices } from "../../src/targetPick";

const targets = {
  selected: ["thumbv7em-none-eabihf"],
  installed: ["x86_64-unknown-linux-gnu", "thumbv7em-none-eabihf", "wasm32-unknown-unknown"],
  known: ["aarch64-linux-android", "thumbv7em-none-eabihf", "wasm32-unknown-unknown", "x86_64-unknown-linux-gnu"],
};

describe("target QuickPick model", () => {
  it("groups selected, installed and known triples without duplicates", () => {
    const items = buildTargetPickItems(targets, ["thumbv7em-none-eabihf", "wasm32-unknonw-unknown"]);
    assert.deepEqual(
      items.map((i) => (i.separator ? `# ${i.label}` : `${i.picked ? "[x]" : "[ ]"} ${i.label} ${i.description ?? ""}`.trim())),
      [
        "# Selected",
        "[x] thumbv7em-none-eabihf installed",
        "[x] wasm32-unknonw-unknown unknown to rustc",
        "# Installed",
        "[ ] wasm32-unknown-unknown installed",
        "[ ] x86_64-unknown-linux-gnu installed",
        "# Known to rustc",
        "[ ] aarch64-linux-android",
      ],
    );
  });

  it("omits empty groups", () => {
    const items = buildTargetPickItems({ selected: [], installed: [], known: ["a-b"] }, []);
    assert.deepEqual(items.map((i) => i.label), ["Known to rustc", "a-b"]);
  });

  it("writes a sorted, de-duplicated selection", () => {
    assert.deepEqual(selectionFromPicks([{ label: "wasm32-unknown-unknown" }, { label: "a-b" }, { label: "a-b" }]), [
      "a-b",
      "wasm32-unknown-unknown",
    ]);
    assert.deepEqual(selectionFromPicks([]), []);
  });

  it("offers selected then installed targets for a single check or build", () => {
    assert.deepEqual(singleTargetChoices(targets), [
      "thumbv7em-none-eabihf",
      "wasm32-unknown-unknown",
      "x86_64-unknown-linux-gnu",
    ]);
  });

  it("does not offer a misspelt triple to check or build", () => {
    const typo = { ...targets, selected: ["armv7-linux-androideab", "thumbv7em-none-eabihf"] };
    assert.deepEqual(singleTargetChoices(typo), [
      "thumbv7em-none-eabihf",
      "wasm32-unknown-unknown",
      "x86_64-unknown-linux-gnu",
    ]);
  });
});

describe("isTargetSource", () => {
  it("knows the files that select targets", () => {
    for (const path of ["/w/Cargo.toml", "/w/crates/a/Cargo.toml", "/w/rust-toolchain.toml", "/w/rust-toolchain", "/w/.cargo/config.toml", "/w/.cargo/config"]) {
      assert.ok(isTargetSource(path), path);
    }
    for (const path of ["/w/src/lib.rs", "/w/Cargo.lock", "/w/NotCargo.toml", "/w/config.toml"]) {
      assert.ok(!isTargetSource(path), path);
    }
  });
});
