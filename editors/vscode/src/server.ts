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
  MessageType,
  RevealOutputChannelOn,
  type ServerOptions,
  ShowMessageNotification,
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
import {
  badServerPathMessage,
  clientExplainsServerMessage,
  missingBinaryMessage,
  OPEN_SETTING_BUTTON,
  serverPathSettingsCommand,
  startFailedMessage,
  type WhereSettingsLive,
} from "./serverProblems";
import {
  readSettings,
  resolveServerCommand,
  type ServerCommandLine,
  serverSettings,
  type ServerSettings,
  tripletSection,
} from "./settings";

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

/** Where `triplet.server.path` is read from in this window (Remote settings override User ones). */
export function whereSettingsLive(): WhereSettingsLive {
  return { remoteName: vscode.env.remoteName };
}

/** Offers to open the setting the window really reads the server path from. */
export function showServerPathError(message: string): void {
  const where = whereSettingsLive();
  void vscode.window.showErrorMessage(message, OPEN_SETTING_BUTTON, "Show Log").then((choice) => {
    if (choice === OPEN_SETTING_BUTTON) {
      void vscode.commands.executeCommand(serverPathSettingsCommand(where), "triplet.server.path");
    } else if (choice === "Show Log") {
      void vscode.commands.executeCommand("triplet.showOutput");
    }
  });
}

/** The server command line the current settings give (undefined: no binary found). */
export function configuredServerCommand(extensionDir: string): ServerCommandLine | undefined {
  const config = vscode.workspace.getConfiguration("triplet");
  const settings = readSettings((key) => config.get(key));
  return resolveServerCommand(settings.serverPath, {
    platform: process.platform,
    pathEnv: process.env.PATH,
    homeDir: os.homedir(),
    extensionDir,
    isExecutableFile,
  });
}

/** The language client, minus its forced toast when the server cannot be spawned: the
 * manager reports that failure once, with a way to the setting. */
class TripletLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification: boolean | "force" = true): void {
    const startFailure = message.includes("couldn't create connection to server");
    super.error(message, data, startFailure ? false : showNotification);
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
  /** What the last start ran (or tried to). */
  private commandLine: ServerCommandLine | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly traceOutput: vscode.LogOutputChannel,
    private readonly events: ServerEvents,
  ) {}

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** The running server's binary when the current settings would start that same one. */
  sameServerCommand(): string | undefined {
    const next = configuredServerCommand(this.context.extensionPath);
    const same = this.running && next !== undefined && next.command === this.commandLine?.command;
    return same ? next.command : undefined;
  }

  async start(): Promise<void> {
    const commandLine = configuredServerCommand(this.context.extensionPath);
    this.commandLine = commandLine;
    if (commandLine === undefined) {
      this.fail(missingBinaryMessage(whereSettingsLive()));
      return;
    }
    // A configured path that is not there: one message, instead of a spawn error and the
    // client's own "couldn't create connection" toast.
    const isPath = commandLine.command.includes("/") || commandLine.command.includes("\\");
    if (commandLine.source === "setting" && isPath && !isExecutableFile(commandLine.command)) {
      this.fail(badServerPathMessage(commandLine.command, whereSettingsLive()));
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

    const client = new TripletLanguageClient("triplet", "Triplet", serverOptions, clientOptions);
    this.client = client;
    this.stopping = false;
    client.onNotification(CheckStatusNotification, (raw: unknown) => {
      const statuses = parseCheckStatuses(raw);
      for (const status of statuses) this.events.onCheckStatus(status);
      if (statuses.length === 0) this.output.warn(`Ignoring malformed ${CheckStatusNotification}: ${JSON.stringify(raw)}`);
    });
    // As the client would show them, except what the extension says better itself.
    client.onNotification(ShowMessageNotification.type, ({ type, message }) => {
      if (clientExplainsServerMessage(message)) {
        this.output.info(message);
        return;
      }
      if (type === MessageType.Error) void vscode.window.showErrorMessage(message);
      else if (type === MessageType.Warning) void vscode.window.showWarningMessage(message);
      else void vscode.window.showInformationMessage(message);
    });
    try {
      await client.start();
      this.backoff.started();
      this.events.onReady();
    } catch (err) {
      this.fail(startFailedMessage(commandLine.command, err));
    }
  }

  private fail(message: string): void {
    this.output.error(message);
    showServerPathError(message);
    this.events.onStopped();
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
