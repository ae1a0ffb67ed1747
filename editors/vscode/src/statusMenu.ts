// What a click on the status-bar item offers. Pure (no vscode): the extension maps the
// entries onto a QuickPick and runs the chosen command.
import { type CheckStatusModel, describeTarget } from "./status";

export interface MenuEntry {
  label: string;
  description?: string;
  /** A palette command id of this extension. */
  command: string;
  args: unknown[];
}

/** Palette command ids (package.json), shared by the menu and extension.ts. */
export const ClientCommand = {
  checkTarget: "triplet.checkTarget",
  checkAll: "triplet.checkAllTargets",
  buildTarget: "triplet.buildTarget",
  cancel: "triplet.cancelChecks",
  restart: "triplet.restartServer",
  pickTargets: "triplet.pickTargets",
  showOutput: "triplet.showOutput",
  openServerPathSetting: "triplet.openServerPathSetting",
  statusMenu: "triplet.statusMenu",
  associateCargoSchema: "triplet.associateCargoSchema",
} as const;

/**
 * Check / build / pick in one step from the status item: one "Check <target>" entry per
 * target with its last result, then the general commands. A stopped server offers the
 * way back instead.
 */
export function statusMenu(model: CheckStatusModel): MenuEntry[] {
  if (!model.running) {
    return [
      { label: "$(debug-restart) Restart Server", command: ClientCommand.restart, args: [] },
      { label: "$(settings-gear) Set the Server Path…", command: ClientCommand.openServerPathSetting, args: [] },
      { label: "$(output) Show Server Log", command: ClientCommand.showOutput, args: [] },
    ];
  }
  const perTarget: MenuEntry[] = model.targets().map((target) => ({
    label: `$(check) Check ${target}`,
    description: describeTarget(model, target),
    command: ClientCommand.checkTarget,
    args: [target],
  }));
  const general: MenuEntry[] = [
    { label: "$(check) Check for Target…", command: ClientCommand.checkTarget, args: [] },
    ...(model.targets().length > 1
      ? [{ label: "$(check-all) Check All Targets", command: ClientCommand.checkAll, args: [] }]
      : []),
    { label: "$(package) Build for Target…", command: ClientCommand.buildTarget, args: [] },
    { label: "$(list-selection) Pick Targets…", command: ClientCommand.pickTargets, args: [] },
    ...(model.anyRunning ? [{ label: "$(stop) Cancel Checks", command: ClientCommand.cancel, args: [] }] : []),
  ];
  return [...perTarget, ...general];
}
