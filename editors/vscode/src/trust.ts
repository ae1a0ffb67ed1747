// Workspace Trust gating for anything that runs workspace code. Pure (no vscode).

export type BuildAction = "check" | "build";

export const UNTRUSTED_MESSAGE =
  "Triplet does not run cargo in an untrusted workspace: build scripts and proc macros would run its code. Trust the workspace to check or build.";

/** Undefined when the action may run; otherwise the message to show instead. */
export function refuseBuildReason(trusted: boolean, action: BuildAction): string | undefined {
  if (trusted) return undefined;
  return `Triplet: cannot ${action} here. ${UNTRUSTED_MESSAGE}`;
}
