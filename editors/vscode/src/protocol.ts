// The server's protocol contract, as far as this client relies on it.
// Pure: no vscode import, so unit tests run under plain node.

/** Commands the server advertises through executeCommandProvider. */
export const ServerCommand = {
  check: "triplet.check",
  build: "triplet.build",
  cancel: "triplet.cancel",
  /** `rustup target add`, then a check (T0006's quick-fix). */
  installTarget: "triplet.installTarget",
  /** A check with -Zbuild-std, for a target whose std is missing but rust-src is there. */
  checkBuildStd: "triplet.checkBuildStd",
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
  /** Why a run failed without compiler errors (e.g. the target is not installed). */
  message?: string;
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

/**
 * Validates an untrusted `triplet/checkStatus` payload into one status per target
 * (empty when malformed). Besides the contract's `{ target, state }`, it accepts the
 * shape `{ targets: [...], state: "started" | "finished" | ... }` that the server
 * branch used while the contract settled.
 */
export function parseCheckStatuses(raw: unknown): CheckStatus[] {
  if (typeof raw !== "object" || raw === null) return [];
  const r = raw as Record<string, unknown>;
  const state = normalizeState(r.state, countOrZero(r.errors));
  if (state === undefined) return [];
  const targets = typeof r.target === "string" ? [r.target] : stringList(r.targets);
  return targets
    .filter((target) => target !== "")
    .map((target) => ({
      target,
      state,
      errors: countOrZero(r.errors),
      warnings: countOrZero(r.warnings),
      ...(typeof r.message === "string" && r.message !== "" ? { message: r.message } : {}),
    }));
}

const STATE_ALIASES: Record<string, CheckState> = { started: "running", finished: "ok" };

function normalizeState(raw: unknown, errors: number): CheckState | undefined {
  if (typeof raw !== "string") return undefined;
  if (CHECK_STATES.includes(raw)) return raw as CheckState;
  const alias = STATE_ALIASES[raw];
  // A finished check with errors failed, whatever the state word says.
  return alias === "ok" && errors > 0 ? "failed" : alias;
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
