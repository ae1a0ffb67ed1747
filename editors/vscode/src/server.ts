// Owns the language client: start, crash restarts with backoff, settings sync.
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";
import { RestartBackoff } from "./backoff";
import {
  type CheckStatus,
  CheckStatusNotification,
  parseCheckStatuses,
  parseTargetsResponse,
  type TargetsResponse,
  TargetsRequest,
} from "./protocol";
import { readSettings, resolveServerCommand, serverSettings, type ServerSettings, tripletSection } from "./settings";

/** Rust sources and the manifests the server reads. */
const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "rust" },
  { scheme: "file", pattern: "**/Cargo.toml" },
  { scheme: "file", pattern: "**/.cargo/config.toml" },
  { scheme: "file", pattern: "**/rust-toolchain.toml" },
];

export interface ServerEvents {
  onCheckStatus(status: CheckStatus): void;
  /** The server (re)started and answered initialize. */
  onReady(): void;
  onStopped(): void;
}

function isExecutableFile(path: string): boolean {
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) return false;
    if (process.platform === "win32") return true;
    fs.accessSync(path, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `triplet` settings for a scope, with Workspace Trust applied. */
export function currentServerSettings(scope?: vscode.Uri): ServerSettings {
  const config = vscode.workspace.getConfiguration("triplet", scope);
  return serverSettings(
    readSettings((key) => config.get(key)),
    vscode.workspace.isTrusted,
  );
}

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly backoff = new RestartBackoff();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly traceOutput: vscode.LogOutputChannel,
    private readonly events: ServerEvents,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<void> {
    const config = vscode.workspace.getConfiguration("triplet");
    const settings = readSettings((key) => config.get(key));
    const commandLine = resolveServerCommand(settings.serverPath, {
      platform: process.platform,
      pathEnv: process.env.PATH,
      homeDir: os.homedir(),
      extensionDir: this.context.extensionPath,
      isExecutableFile,
    });
    if (commandLine === undefined) {
      const message =
        "Triplet: no `triplet` binary found. Install it (cargo install triplet) or set `triplet.server.path`.";
      this.output.error(message);
      void vscode.window.showErrorMessage(message, "Open Settings").then((choice) => {
        if (choice === "Open Settings") {
          void vscode.commands.executeCommand("workbench.action.openSettings", "triplet.server.path");
        }
      });
      return;
    }
    this.output.info(`Starting ${commandLine.command} ${commandLine.args.join(" ")} (from ${commandLine.source})`);

    const serverOptions: ServerOptions = { command: commandLine.command, args: commandLine.args };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      traceOutputChannel: this.traceOutput,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: () => currentServerSettings(),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => this.onClosed(),
      },
      middleware: {
        workspace: {
          // Answer workspace/configuration ourselves so trust gating applies to pulls too.
          configuration: (params, token, next) => {
            const ours = (section: string | undefined) => section === "triplet" || !!section?.startsWith("triplet.");
            if (!params.items.some((item) => ours(item.section))) return next(params, token);
            return params.items.map((item) => {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              if (ours(item.section)) return tripletSection(currentServerSettings(scope), item.section);
              // Other sections as the client would answer them by default.
              const config = vscode.workspace.getConfiguration(undefined, scope);
              return item.section ? (config.get(item.section) ?? null) : config;
            });
          },
        },
      },
    };

    const client = new LanguageClient("triplet", "Triplet", serverOptions, clientOptions);
    this.client = client;
    this.stopping = false;
    client.onNotification(CheckStatusNotification, (raw: unknown) => {
      const statuses = parseCheckStatuses(raw);
      for (const status of statuses) this.events.onCheckStatus(status);
      if (statuses.length === 0) this.output.warn(`Ignoring malformed ${CheckStatusNotification}: ${JSON.stringify(raw)}`);
    });
    try {
      await client.start();
      this.backoff.started();
      this.events.onReady();
    } catch (err) {
      this.output.error(`Triplet server failed to start: ${String(err)}`);
      void vscode.window.showErrorMessage(`Triplet server failed to start: ${String(err)}`);
    }
  }

  private onClosed(): { action: CloseAction; handled: boolean } {
    this.events.onStopped();
    if (!this.stopping) {
      const delay = this.backoff.crashed();
      this.output.warn(`Triplet server exited; restarting in ${delay / 1000}s (crash #${this.backoff.crashCount}).`);
      this.scheduleRestart(delay);
    }
    // We restart ourselves, with backoff, instead of the client's fixed policy.
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private scheduleRestart(delayMs: number): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.restart(false);
    }, delayMs);
  }

  /** Stop and start again; a manual restart also forgets past crashes. */
  async restart(manual = true): Promise<void> {
    clearTimeout(this.restartTimer);
    if (manual) this.backoff.reset();
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    this.stopping = true;
    try {
      if (client.state !== State.Stopped) await client.stop(2000);
    } catch (err) {
      this.output.warn(`Stopping the server: ${String(err)}`);
    }
    this.events.onStopped();
  }

  /** Push the (trust-gated) settings to the running server. */
  async pushSettings(): Promise<void> {
    if (!this.client || !this.running) return;
    await this.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { triplet: currentServerSettings() },
    });
  }

  async targets(): Promise<TargetsResponse | undefined> {
    if (!this.client || !this.running) return undefined;
    try {
      return parseTargetsResponse(await this.client.sendRequest(TargetsRequest, {}));
    } catch (err) {
      this.output.warn(`${TargetsRequest} failed: ${String(err)}`);
      return undefined;
    }
  }

  async executeServerCommand(command: string, args: unknown[]): Promise<void> {
    if (!this.client || !this.running) {
      void vscode.window.showWarningMessage("Triplet: the server is not running.");
      return;
    }
    await this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  dispose(): void {
    clearTimeout(this.restartTimer);
    void this.stop();
  }
}
