// Entry point: wires the server, the status bar and the palette commands.
import * as vscode from "vscode";
import { type CheckArgs, ServerCommand } from "./protocol";
import { ServerManager } from "./server";
import { CheckStatusModel, statusText, statusTooltip } from "./status";
import { buildTargetPickItems, isTargetSource, selectionFromPicks, singleTargetChoices } from "./targetPick";
import { withCargoSchemaAssociation } from "./tomlSchema";
import { type BuildAction, refuseBuildReason } from "./trust";

/** Palette command ids. Distinct from the server's triplet.check/build/cancel,
 * which the language client registers itself from executeCommandProvider. */
export const ClientCommand = {
  checkTarget: "triplet.checkTarget",
  checkAll: "triplet.checkAllTargets",
  buildTarget: "triplet.buildTarget",
  cancel: "triplet.cancelChecks",
  restart: "triplet.restartServer",
  pickTargets: "triplet.pickTargets",
  showOutput: "triplet.showOutput",
  associateCargoSchema: "triplet.associateCargoSchema",
} as const;

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Triplet", { log: true });
  const traceOutput = vscode.window.createOutputChannel("Triplet Trace", { log: true });
  const model = new CheckStatusModel();
  const statusItem = vscode.window.createStatusBarItem("triplet.targets", vscode.StatusBarAlignment.Left, 10);
  statusItem.name = "Triplet targets";
  statusItem.command = ClientCommand.pickTargets;
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
    },
    onReady: () => {
      model.clearResults();
      void refreshSelected();
    },
    onStopped: () => {
      statusItem.text = "$(target) Triplet: stopped";
    },
  });
  manager = server;
  context.subscriptions.push(server);

  async function refreshSelected(): Promise<void> {
    const targets = await server.targets();
    if (targets) model.setSelected(targets.selected);
    render();
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

  const register = (id: string, run: () => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));

  register(ClientCommand.checkTarget, async () => {
    if (!allowed("check")) return;
    const target = await askTarget("Triplet: check for target");
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
  );

  render();
  await server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
