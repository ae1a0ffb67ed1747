// Which targets a diagnostic concerns, so it can offer "Check for <target>". Pure.

export interface DiagnosticLike {
  source?: string | undefined;
  code?: string | undefined;
  /** The LSP diagnostic's `data` (Triplet findings carry `targets`). */
  data?: unknown;
}

/** Codes whose targets cannot be checked as they are: not installed (T0006), unknown (T0007). */
const UNCHECKABLE = new Set(["T0006", "T0007"]);

/**
 * The targets of a compiler diagnostic (`triplet(<target>, …)`) or of a Triplet finding
 * (`data.targets`); empty for other sources and for T0006 / T0007, whose own quick-fixes
 * (install, -Zbuild-std) come from the server.
 */
export function checkableTargets(diagnostic: DiagnosticLike): string[] {
  const source = diagnostic.source ?? "";
  const labelled = /^triplet\((.+)\)$/.exec(source);
  if (labelled?.[1] !== undefined) return unique(labelled[1].split(",").map((t) => t.trim()));
  if (source !== "triplet" || (diagnostic.code !== undefined && UNCHECKABLE.has(diagnostic.code))) return [];
  const data = diagnostic.data;
  if (typeof data !== "object" || data === null) return [];
  const targets = (data as Record<string, unknown>).targets;
  return Array.isArray(targets) ? unique(targets.filter((t): t is string => typeof t === "string")) : [];
}

function unique(targets: string[]): string[] {
  return [...new Set(targets.filter((t) => t !== ""))];
}
