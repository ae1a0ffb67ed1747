// Even Better TOML association for the bundled Cargo.toml schema. Pure (no vscode).
//
// The `tomlValidation` contribution in package.json uses a path relative to this
// extension, which Even Better TOML has not always resolved (it expects absolute URIs).
// This adds the association to its `evenBetterToml.schema.associations` setting instead.

/** Even Better TOML matches association keys as regular expressions against document URIs. */
export const CARGO_TOML_PATTERN = ".*/Cargo\\.toml$";

/**
 * The associations with Cargo.toml mapped to `schemaUri`; other entries are kept.
 * Undefined when nothing would change.
 */
export function withCargoSchemaAssociation(
  existing: Readonly<Record<string, unknown>> | undefined,
  schemaUri: string,
): Record<string, unknown> | undefined {
  const current = existing ?? {};
  if (current[CARGO_TOML_PATTERN] === schemaUri) return undefined;
  return { ...current, [CARGO_TOML_PATTERN]: schemaUri };
}
