// Entry point: wires the server, the status bar and the palette commands.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as vscode from "vscode";
import { checkableTargets } from "./diagnosticTargets";
import {
  BUILD_STD_BUTTON,
  BUILD_STD_RUSTCS,
  INSTALL_BUTTON,
  notInstalledActions,
  notInstalledMessage,
  rustSrcPath,
} from "./notInstalled";
import { type CheckArgs, type CheckStatus, ServerCommand } from "./protocol";
import { configuredServerCommand, ServerManager, whereSettingsLive } from "./server";
import { OPEN_SETTING_BUTTON, serverPathSettingsCommand, unchangedServerPathMessage } from "./serverProblems";
import { CheckStatusModel, statusText, statusTooltip } from "./status";
import { ClientCommand, statusMenu } from "./statusMenu";
import { buildTargetPickItems, isTargetSource, selectionFromPicks, singleTargetChoices } from "./targetPick";
import { withCargoSchemaAssociation } from "./tomlSchema";
import { type BuildAction, refuseBuildReason } from "./trust";

// Palette command ids are distinct from the server's triplet.check/build/cancel, which the
// language client registers itself from executeCommandProvider.
export { ClientCommand };

/** Whether a rustc the server would use for -Zbuild-std has rust-src. */
async function rustSrcAvailable(): Promise<boolean> {
  const hasRustSrc = (rustc: string) =>
    new Promise<boolean>((resolve) => {
      execFile(rustc, ["--print", "sysroot"], { timeout: 10_000 }, (error, stdout) => {
        resolve(error === null && fs.existsSync(rustSrcPath(stdout)));
      });
    });
  for (const rustc of BUILD_STD_RUSTCS) {
    if (await hasRustSrc(rustc)) return true;
  }
  return false;
}

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Triplet", { log: true });
  const traceOutput = vscode.window.createOutputChannel("Triplet Trace", { log: true });
  const model = new CheckStatusModel();
  const statusItem = vscode.window.createStatusBarItem("triplet.targets", vscode.StatusBarAlignment.Left, 10);
  statusItem.name = "Triplet targets";
  statusItem.command = ClientCommand.statusMenu;
  context.subscriptions.push(output, traceOutput, statusItem);

  const render = () => {
    statusItem.text = statusText(model);
    statusItem.tooltip = statusTooltip(model);
    statusItem.show();
  };

  const server = new ServerManager(context, output, traceOutput, {
    onCheckStatus: (status) => {
      model.update(status);
      render();
      if (model.isNotInstalled(status.target)) void offerNotInstalled(status);
    },
    onReady: () => {
      model.setServerRunning(true);
      model.clearResults();
      void refreshSelected();
    },
    onStopped: () => {
      model.setServerRunning(false);
      render();
    },
  });
  manager = server;
  context.subscriptions.push(server);

  async function refreshSelected(): Promise<void> {
    const targets = await server.targets();
    if (targets) model.setTargets(targets);
    render();
  }

  /** One message for a check of a target that is not installed, with the two ways on. */
  async function offerNotInstalled(status: CheckStatus): Promise<void> {
    const actions = notInstalledActions(await rustSrcAvailable());
    const choice = await vscode.window.showWarningMessage(notInstalledMessage(status.target), ...actions);
    const args = activeFileArgs(status.target);
    if (choice === INSTALL_BUTTON) await server.executeServerCommand(ServerCommand.installTarget, [args]);
    if (choice === BUILD_STD_BUTTON && allowed("check")) {
      await server.executeServerCommand(ServerCommand.checkBuildStd, [args]);
    }
  }

  // The server reloads its model asynchronously after a change: ask again shortly after.
  let refreshTimer: NodeJS.Timeout | undefined;
  function refreshSelectedSoon(): void {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refreshSelected(), 1000);
  }
  context.subscriptions.push({ dispose: () => clearTimeout(refreshTimer) });

  /** Build-running commands refuse in untrusted workspaces. */
  function allowed(action: BuildAction): boolean {
    const reason = refuseBuildReason(vscode.workspace.isTrusted, action);
    if (reason !== undefined) void vscode.window.showWarningMessage(reason);
    return reason === undefined;
  }

  async function askTarget(title: string): Promise<string | undefined> {
    const targets = await server.targets();
    if (!targets) {
      void vscode.window.showWarningMessage("Triplet: the server is not running.");
      return undefined;
    }
    const choices = singleTargetChoices(targets);
    if (choices.length === 0) {
      void vscode.window.showInformationMessage("Triplet: no targets selected or installed.");
      return undefined;
    }
    return vscode.window.showQuickPick(choices, { title, placeHolder: "Target triple" });
  }

  function activeFileArgs(target?: string): CheckArgs {
    // Only a file the server can place in a workspace: others get InvalidParams.
    const document = vscode.window.activeTextEditor?.document;
    const placeable =
      document !== undefined &&
      document.uri.scheme === "file" &&
      vscode.workspace.getWorkspaceFolder(document.uri) !== undefined &&
      (document.languageId === "rust" || isTargetSource(document.uri.path));
    return {
      ...(target === undefined ? {} : { target }),
      ...(placeable ? { uri: document.uri.toString() } : {}),
    };
  }

  async function pickTargets(): Promise<void> {
    const targets = await server.targets();
    if (!targets) {
      void vscode.window.showWarningMessage("Triplet: the server is not running.");
      return;
    }
    const configured = vscode.workspace.getConfiguration("triplet").get<string[]>("targets") ?? [];
    const current = configured.length > 0 ? configured : targets.selected;
    const items: vscode.QuickPickItem[] = buildTargetPickItems(targets, current).map((item) =>
      item.separator
        ? { label: item.label, kind: vscode.QuickPickItemKind.Separator }
        : { label: item.label, picked: item.picked, ...(item.description ? { description: item.description } : {}) },
    );
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      matchOnDescription: true,
      title: "Triplet: targets for this workspace (none = the workspace's own selection)",
    });
    if (picked === undefined) return;
    await vscode.workspace
      .getConfiguration("triplet")
      .update("targets", selectionFromPicks(picked), vscode.ConfigurationTarget.Workspace);
  }

  const register = (id: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register(ClientCommand.checkTarget, async (given?: unknown) => {
    if (!allowed("check")) return;
    const target = typeof given === "string" ? given : await askTarget("Triplet: check for target");
    if (target) await server.executeServerCommand(ServerCommand.check, [activeFileArgs(target)]);
  });
  register(ClientCommand.checkAll, async () => {
    if (!allowed("check")) return;
    await server.executeServerCommand(ServerCommand.check, [activeFileArgs()]);
  });
  register(ClientCommand.buildTarget, async () => {
    if (!allowed("build")) return;
    const target = await askTarget("Triplet: build for target");
    if (target) await server.executeServerCommand(ServerCommand.build, [activeFileArgs(target)]);
  });
  register(ClientCommand.cancel, () => server.executeServerCommand(ServerCommand.cancel, []));
  register(ClientCommand.restart, () => server.restart());
  register(ClientCommand.pickTargets, pickTargets);
  register(ClientCommand.showOutput, () => output.show());
  register(ClientCommand.openServerPathSetting, () =>
    vscode.commands.executeCommand(serverPathSettingsCommand(whereSettingsLive()), "triplet.server.path"),
  );
  register(ClientCommand.statusMenu, async () => {
    const entries = statusMenu(model);
    const picked = await vscode.window.showQuickPick(
      entries.map((entry) => ({ label: entry.label, ...(entry.description ? { description: entry.description } : {}), entry })),
      { title: "Triplet", placeHolder: "Check, build or pick targets" },
    );
    if (picked) await vscode.commands.executeCommand(picked.entry.command, ...picked.entry.args);
  });
  register(ClientCommand.associateCargoSchema, async () => {
    const schema = vscode.Uri.joinPath(context.extensionUri, "schemas", "cargo-metadata.schema.json");
    const config = vscode.workspace.getConfiguration("evenBetterToml.schema");
    const updated = withCargoSchemaAssociation(config.get<Record<string, unknown>>("associations"), schema.toString());
    if (updated !== undefined) await config.update("associations", updated, vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage("Triplet: Cargo.toml now uses Triplet's schema in Even Better TOML.");
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("triplet.server.path")) {
        // Restart with what this window really reads: a remote window ignores the
        // User value, so a change there may change nothing.
        const where = whereSettingsLive();
        const running = server.sameServerCommand();
        if (running !== undefined) {
          const message = unchangedServerPathMessage(running, where);
          if (message !== undefined) {
            void vscode.window.showInformationMessage(message, OPEN_SETTING_BUTTON).then((choice) => {
              if (choice) void vscode.commands.executeCommand(serverPathSettingsCommand(where), "triplet.server.path");
            });
          }
          return;
        }
        output.info(`triplet.server.path changed: restarting with ${configuredServerCommand(context.extensionPath)?.command ?? "no binary"}`);
        await server.restart();
        return;
      }
      if (event.affectsConfiguration("triplet")) {
        await server.pushSettings();
        refreshSelectedSoon();
      }
    }),
    // Target selection also lives in manifests and toolchain files.
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (isTargetSource(document.uri.path)) refreshSelectedSoon();
    }),
    // Trust lifts the checkOnSave gate: tell the server.
    vscode.workspace.onDidGrantWorkspaceTrust(() => server.pushSettings()),
    // "Check for <target>" right on a compiler diagnostic or a finding (Ctrl+.).
    vscode.languages.registerCodeActionsProvider(
      [{ scheme: "file", language: "rust" }, { scheme: "file", pattern: "**/Cargo.toml" }],
      {
        provideCodeActions: (_document, _range, context) => {
          const targets = new Set<string>();
          for (const diagnostic of context.diagnostics) {
            const code = typeof diagnostic.code === "object" ? String(diagnostic.code.value) : diagnostic.code;
            const data = (diagnostic as { data?: unknown }).data;
            for (const target of checkableTargets({ source: diagnostic.source, code: code === undefined ? undefined : String(code), data })) {
              targets.add(target);
            }
          }
          return [...targets].map((target) => {
            const action = new vscode.CodeAction(`Check for ${target}`, vscode.CodeActionKind.QuickFix);
            action.command = { title: action.title, command: ClientCommand.checkTarget, arguments: [target] };
            return action;
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  render();
  await server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
