// Status-bar model: selected targets and the last check state of each. Pure (no vscode).
import type { CheckStatus, TargetsResponse } from "./protocol";

export class CheckStatusModel {
  private selected: string[] = [];
  private installed: Set<string> | undefined;
  private readonly last = new Map<string, CheckStatus>();
  private unknown = new Set<string>();
  private serverRunning = true;

  /**
   * The targets in play from `triplet/targets`. A misspelt triple (not in rustc's list)
   * is a T0007 finding, not a target to check, so it is left out when the list is known.
   */
  setTargets(targets: TargetsResponse): void {
    const known = new Set(targets.known);
    const real = known.size === 0 ? targets.selected : targets.selected.filter((t) => known.has(t));
    this.selected = [...new Set(real)];
    this.unknown = new Set(targets.selected.filter((t) => !real.includes(t)));
    for (const triple of this.unknown) this.last.delete(triple);
    this.installed = targets.installed.length === 0 ? undefined : new Set(targets.installed);
  }

  setSelected(targets: readonly string[]): void {
    this.selected = [...new Set(targets)];
  }

  /** A check's state; a check of a misspelt triple ("unknown target") is no target's. */
  update(status: CheckStatus): void {
    if (this.unknown.has(status.target)) return;
    this.last.set(status.target, status);
  }

  /** Forget check results (e.g. after a server restart). */
  clearResults(): void {
    this.last.clear();
  }

  setServerRunning(running: boolean): void {
    this.serverRunning = running;
  }

  get running(): boolean {
    return this.serverRunning;
  }

  /** Selected targets first, then targets that reported a check without being selected. */
  targets(): string[] {
    const extra = [...this.last.keys()].filter((t) => !this.selected.includes(t)).sort();
    return [...this.selected, ...extra];
  }

  statusOf(target: string): CheckStatus | undefined {
    return this.last.get(target);
  }

  /** A failed check that found no compiler error, for a target whose std is missing. */
  isNotInstalled(target: string): boolean {
    const status = this.last.get(target);
    if (status === undefined || status.state !== "failed" || status.errors > 0) return false;
    const installedKnown = this.installed !== undefined && !this.installed.has(target);
    return installedKnown || /not installed|rustup target add|can't find crate for `(std|core)`/i.test(status.message ?? "");
  }

  get anyRunning(): boolean {
    return [...this.last.values()].some((s) => s.state === "running");
  }
}

/** Short per-state mark: ✓, ✗ with the error count, a spinner while running. */
export function stateMark(status: CheckStatus | undefined): string {
  if (status === undefined) return "";
  switch (status.state) {
    case "running":
      return "$(sync~spin)";
    case "ok":
      return status.warnings > 0 ? `✓ ${status.warnings}⚠` : "✓";
    case "failed":
      return `✗ ${status.errors}`;
    case "cancelled":
      return "⊘";
  }
}

/**
 * A triple's first component (wasm32, thumbv7em), or the whole triple when two
 * selected targets share that component.
 */
export function shortNames(targets: readonly string[]): Map<string, string> {
  const heads = targets.map((t) => t.split("-")[0] ?? t);
  const names = new Map<string, string>();
  targets.forEach((target, i) => {
    const head = heads[i] ?? target;
    const clash = heads.filter((h) => h === head).length > 1;
    names.set(target, clash ? target : head);
  });
  return names;
}

/**
 * Compact status-bar text that fits any number of targets: the count, a spinner while a
 * check runs, then ✗ failed targets, ↓ targets not installed, ✓ when all checked passed.
 * E.g. "$(target) Triplet 8 ✗1". The detail is in the tooltip.
 */
export function statusText(model: CheckStatusModel): string {
  if (!model.running) return "$(warning) Triplet: not running";
  const targets = model.targets();
  if (targets.length === 0) return "$(target) Triplet: host";
  const parts = [`$(target) Triplet ${targets.length}`];
  if (model.anyRunning) parts.push("$(sync~spin)");
  const notInstalled = targets.filter((t) => model.isNotInstalled(t)).length;
  const failed = targets.filter((t) => model.statusOf(t)?.state === "failed").length - notInstalled;
  if (failed > 0) parts.push(`✗${failed}`);
  if (notInstalled > 0) parts.push(`↓${notInstalled}`);
  const allPassed = targets.every((t) => model.statusOf(t)?.state === "ok");
  if (allPassed) parts.push("✓");
  return parts.join(" ");
}

/** One target's last result in words. */
export function describeTarget(model: CheckStatusModel, target: string): string {
  const s = model.statusOf(target);
  if (s === undefined) return "not checked yet";
  switch (s.state) {
    case "running":
      return "checking…";
    case "ok":
      return `ok, ${s.warnings} warning(s)`;
    case "failed":
      if (model.isNotInstalled(target)) return "not installed (its standard library is missing)";
      return `failed, ${s.errors} error(s), ${s.warnings} warning(s)`;
    case "cancelled":
      return "cancelled";
  }
}

/** Tooltip: one line per target with its full triple and last result. */
export function statusTooltip(model: CheckStatusModel): string {
  if (!model.running) {
    return "Triplet: the server is not running. Click for the server log, restart and settings.";
  }
  const targets = model.targets();
  if (targets.length === 0) return "Triplet: no targets selected beyond the host. Click to pick targets or check.";
  const lines = targets.map((t) => `${t}: ${describeTarget(model, t)}`);
  return ["Triplet targets", ...lines, "", "Click to check, build or pick targets."].join("\n");
}
