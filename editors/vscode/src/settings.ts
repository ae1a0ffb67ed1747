// Settings → what the server is sent and how it is started. Pure (no vscode).

export type Severity = "off" | "error" | "warning" | "info";

/** The `triplet` settings object the server understands. */
export interface ServerSettings {
  targets: string[];
  checkOnSave: boolean;
  rules: Record<string, Severity>;
  /** Where rule pages live (a rules.md URL); sent only when set. */
  docsUrl?: string;
}

/** Everything under `triplet.*`, including the client-only keys. */
export interface ClientSettings extends ServerSettings {
  serverPath: string | undefined;
}

const SEVERITIES: readonly string[] = ["off", "error", "warning", "info"];

/** Reads settings through a getter (vscode's WorkspaceConfiguration.get), dropping bad values. */
export function readSettings(get: (key: string) => unknown): ClientSettings {
  const targets = get("targets");
  const rules = get("rules");
  const serverPath = get("server.path");
  const docsUrl = get("docsUrl");
  return {
    targets: Array.isArray(targets)
      ? [...new Set(targets.filter((t): t is string => typeof t === "string" && t.trim() !== "").map((t) => t.trim()))]
      : [],
    checkOnSave: get("checkOnSave") === true,
    rules: readRules(rules),
    serverPath: typeof serverPath === "string" && serverPath.trim() !== "" ? serverPath.trim() : undefined,
    ...(typeof docsUrl === "string" && docsUrl.trim() !== "" ? { docsUrl: docsUrl.trim() } : {}),
  };
}

function readRules(raw: unknown): Record<string, Severity> {
  const rules: Record<string, Severity> = {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return rules;
  for (const [rule, severity] of Object.entries(raw)) {
    if (typeof severity === "string" && SEVERITIES.includes(severity)) rules[rule] = severity as Severity;
  }
  return rules;
}

/**
 * The settings object sent to the server (initializationOptions, workspace/configuration,
 * didChangeConfiguration). Builds run workspace code, so an untrusted workspace never
 * gets checkOnSave.
 */
export function serverSettings(settings: ClientSettings, trusted: boolean): ServerSettings {
  return {
    targets: [...settings.targets],
    checkOnSave: trusted && settings.checkOnSave,
    rules: { ...settings.rules },
    ...(settings.docsUrl ? { docsUrl: settings.docsUrl } : {}),
  };
}

export interface ServerCommandLine {
  command: string;
  args: string[];
  /** Where the binary came from, for the log and error messages. */
  source: "setting" | "path" | "bundled";
}

export interface ServerLookup {
  platform: NodeJS.Platform;
  /** PATH as the extension host sees it. */
  pathEnv: string | undefined;
  homeDir: string;
  /** Directory of the installed extension (for `server/triplet`). */
  extensionDir: string;
  isExecutableFile: (path: string) => boolean;
}

/**
 * `triplet lsp` from, in order: the `triplet.server.path` setting, the binary on PATH,
 * the binary bundled in the .vsix under `server/`. Undefined when none exists.
 */
export function resolveServerCommand(configuredPath: string | undefined, env: ServerLookup): ServerCommandLine | undefined {
  const exe = env.platform === "win32" ? "triplet.exe" : "triplet";
  const sep = env.platform === "win32" ? "\\" : "/";
  if (configuredPath !== undefined) {
    // An explicit setting is used as given, even if missing: the spawn error then names it.
    return { command: expandHome(configuredPath, env.homeDir), args: ["lsp"], source: "setting" };
  }
  const delimiter = env.platform === "win32" ? ";" : ":";
  for (const dir of (env.pathEnv ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = joinPath(dir, exe, sep);
    if (env.isExecutableFile(candidate)) return { command: candidate, args: ["lsp"], source: "path" };
  }
  const bundled = joinPath(joinPath(env.extensionDir, "server", sep), exe, sep);
  if (env.isExecutableFile(bundled)) return { command: bundled, args: ["lsp"], source: "bundled" };
  return undefined;
}

function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/") || path.startsWith("~\\")) return home + path.slice(1);
  return path;
}

function joinPath(dir: string, name: string, sep: string): string {
  return dir.endsWith("/") || dir.endsWith("\\") ? dir + name : dir + sep + name;
}

/**
 * The answer to a workspace/configuration item for `triplet` or `triplet.<key>`;
 * undefined for sections that are not ours.
 */
export function tripletSection(settings: ServerSettings, section: string | undefined): unknown {
  if (section === "triplet") return settings;
  if (section?.startsWith("triplet.")) {
    const key = section.slice("triplet.".length) as keyof ServerSettings;
    return key in settings ? settings[key] : null;
  }
  return undefined;
}
