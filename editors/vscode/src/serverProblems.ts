// What the user is told when the server cannot run, and where to fix it. Pure.

export interface WhereSettingsLive {
  /** vscode.env.remoteName: "ssh-remote", "wsl", "dev-container", … or undefined when local.
   * `triplet.server.path` is machine-overridable: there the Remote settings override User settings. */
  remoteName: string | undefined;
}

/** The command that opens the settings the window really reads `triplet.server.path` from. */
export function serverPathSettingsCommand(where: WhereSettingsLive): string {
  return where.remoteName === undefined ? "workbench.action.openSettings" : "workbench.action.openRemoteSettings";
}

export const OPEN_SETTING_BUTTON = "Open Setting";

/** Where to set the path, in words. */
function whereToSet(where: WhereSettingsLive): string {
  if (where.remoteName === undefined) return "set `triplet.server.path`";
  return `set \`triplet.server.path\` in the Remote [${where.remoteName}] settings (in a remote window they override User settings)`;
}

/**
 * A change of `triplet.server.path` that leaves this window's binary as it was: in a
 * remote window, a User-settings change under a Remote-settings value.
 */
export function unchangedServerPathMessage(command: string, where: WhereSettingsLive): string | undefined {
  if (where.remoteName === undefined) return undefined;
  return `Triplet: this remote window still uses ${command}: its Remote [${where.remoteName}] settings override User settings; set \`triplet.server.path\` there. The server keeps running.`;
}

export function missingBinaryMessage(where: WhereSettingsLive): string {
  return `Triplet: no \`triplet\` binary found. Install it (cargo install triplet) or ${whereToSet(where)}.`;
}

/** A configured path that is not an executable file: said once, before trying to start it. */
export function badServerPathMessage(path: string, where: WhereSettingsLive): string {
  return `Triplet: the server is not running: \`triplet.server.path\` is ${path}, which is not an executable file. Fix it or ${whereToSet(where)}.`;
}

/** A binary that was found but failed to start or to answer initialize. */
export function startFailedMessage(command: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `Triplet: the server is not running: ${command} failed to start (${reason}).`;
}

/**
 * Whether a window/showMessage from the server is already said better by the client:
 * a check of a target that is not installed (the client offers install / -Zbuild-std).
 */
export function clientExplainsServerMessage(message: string): boolean {
  return /target \S+ is not installed/.test(message);
}
