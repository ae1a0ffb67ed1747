// Workspace Trust gating for anything that runs workspace code. Pure (no vscode).

export type BuildAction = "check" | "build";

export const UNTRUSTED_MESSAGE =
  "Triplet runs no build in an untrusted workspace: `cargo check` and `cargo build` run its build scripts and proc macros. Analysis goes on (it runs `cargo metadata` and rustc's queries, which run none of the workspace's code). Trust the workspace to check or build.";

/** Undefined when the action may run; otherwise the message to show instead. */
export function refuseBuildReason(trusted: boolean, action: BuildAction): string | undefined {
  if (trusted) return undefined;
  return `Triplet: cannot ${action} here. ${UNTRUSTED_MESSAGE}`;
}
