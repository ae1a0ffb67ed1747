// Generates package.json's contributes.configuration from schemas/settings.schema.json,
// so the settings VS Code shows cannot drift from the schema. Pure (no vscode).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** VS Code-only attributes the schema does not carry. */
const SCOPES: Record<string, string> = {
  "triplet.targets": "resource",
  "triplet.checkOnSave": "resource",
  "triplet.rules": "resource",
  "triplet.docsUrl": "resource",
  "triplet.server.path": "machine-overridable",
  "triplet.trace.server": "window",
};

const SCHEMA_ONLY_KEYWORDS = new Set(["$schema", "$id", "$defs", "examples", "x-settings-group"]);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Inlines local `#/$defs/...` references; VS Code settings do not resolve $ref. */
export function inlineRefs(node: Json, root: JsonObject): Json {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, root));
  if (!isObject(node)) return node;
  let merged: JsonObject = { ...node };
  const ref = node["$ref"];
  if (typeof ref === "string") {
    const target = resolvePointer(root, ref);
    delete merged["$ref"];
    // Keywords beside $ref (a description, a default) win over the referenced ones.
    merged = { ...(inlineRefs(target, root) as JsonObject), ...merged };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(merged)) {
    if (SCHEMA_ONLY_KEYWORDS.has(key)) continue;
    out[key] = inlineRefs(value, root);
  }
  return out;
}

function resolvePointer(root: JsonObject, ref: string): Json {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`);
  let node: Json = root;
  for (const part of ref.slice(2).split("/")) {
    if (!isObject(node) || !(part in node)) throw new Error(`unresolved $ref ${ref}`);
    node = node[part] ?? null;
  }
  return node;
}

/** Flat `triplet.a.b` settings; objects marked x-settings-group become key prefixes. */
export function settingsContribution(schema: JsonObject): { title: string; properties: JsonObject } {
  const properties: JsonObject = {};
  const walk = (prefix: string, node: JsonObject) => {
    const props = node["properties"];
    if (!isObject(props)) return;
    for (const [name, child] of Object.entries(props)) {
      if (!isObject(child)) continue;
      const key = `${prefix}.${name}`;
      if (child["x-settings-group"] === true) {
        walk(key, child);
        continue;
      }
      const inlined = inlineRefs(child, schema) as JsonObject;
      const scope = SCOPES[key];
      properties[key] = scope === undefined ? inlined : { ...inlined, scope };
    }
  };
  walk("triplet", schema);
  return { title: "Triplet", properties };
}
