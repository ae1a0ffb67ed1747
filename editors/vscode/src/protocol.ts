// The server's protocol contract, as far as this client relies on it.
// Pure: no vscode import, so unit tests run under plain node.

/** Commands the server advertises through executeCommandProvider. */
export const ServerCommand = {
  check: "triplet.check",
  build: "triplet.build",
  cancel: "triplet.cancel",
} as const;

/** Argument object of triplet.check / triplet.build; no target = all selected targets. */
export interface CheckArgs {
  target?: string;
  uri?: string;
}

export type CheckState = "running" | "ok" | "failed" | "cancelled";

/** Params of the server→client notification `triplet/checkStatus`. */
export interface CheckStatus {
  target: string;
  state: CheckState;
  errors: number;
  warnings: number;
}

export const CheckStatusNotification = "triplet/checkStatus";

/** Result of the client→server request `triplet/targets` (params `{}`). */
export interface TargetsResponse {
  selected: string[];
  installed: string[];
  known: string[];
}

export const TargetsRequest = "triplet/targets";

const CHECK_STATES: readonly string[] = ["running", "ok", "failed", "cancelled"];

/** Validates an untrusted notification payload; undefined when malformed. */
export function parseCheckStatus(raw: unknown): CheckStatus | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.target !== "string" || r.target === "") return undefined;
  if (typeof r.state !== "string" || !CHECK_STATES.includes(r.state)) return undefined;
  return {
    target: r.target,
    state: r.state as CheckState,
    errors: countOrZero(r.errors),
    warnings: countOrZero(r.warnings),
  };
}

/** Validates a `triplet/targets` response; missing lists become empty. */
export function parseTargetsResponse(raw: unknown): TargetsResponse {
  const r = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    selected: stringList(r.selected),
    installed: stringList(r.installed),
    known: stringList(r.known),
  };
}

function countOrZero(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
