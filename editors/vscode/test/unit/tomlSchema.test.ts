import * as assert from "node:assert/strict";
import { CARGO_TOML_PATTERN, withCargoSchemaAssociation } from "../../src/tomlSchema";

describe("Even Better TOML association", () => {
  const uri = "file:///ext/schemas/cargo-metadata.schema.json";

  it("adds Cargo.toml and keeps other associations", () => {
    assert.deepEqual(withCargoSchemaAssociation({ "foo\\.toml$": "file:///foo.json" }, uri), {
      "foo\\.toml$": "file:///foo.json",
      [CARGO_TOML_PATTERN]: uri,
    });
  });

  it("changes nothing when already associated", () => {
    assert.equal(withCargoSchemaAssociation({ [CARGO_TOML_PATTERN]: uri }, uri), undefined);
  });

  it("matches Cargo.toml URIs and nothing else", () => {
    const re = new RegExp(CARGO_TOML_PATTERN);
    assert.ok(re.test("file:///home/me/app/Cargo.toml"));
    assert.ok(!re.test("file:///home/me/app/Cargo.lock"));
    assert.ok(!re.test("file:///home/me/app/NotCargo.toml.bak"));
  });
});
