// Status-bar model: selected targets and the last check state of each. Pure (no vscode).
import type { CheckStatus } from "./protocol";

export class CheckStatusModel {
  private selected: string[] = [];
  private readonly last = new Map<string, CheckStatus>();

  setSelected(targets: readonly string[]): void {
    this.selected = [...new Set(targets)];
  }

  update(status: CheckStatus): void {
    this.last.set(status.target, status);
  }

  /** Forget check results (e.g. after a server restart). */
  clearResults(): void {
    this.last.clear();
  }

  /** Selected targets first, then targets that reported a check without being selected. */
  targets(): string[] {
    const extra = [...this.last.keys()].filter((t) => !this.selected.includes(t)).sort();
    return [...this.selected, ...extra];
  }

  statusOf(target: string): CheckStatus | undefined {
    return this.last.get(target);
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

/** Status-bar text, e.g. "$(target) thumbv7em ✓  wasm32 ✗ 3". */
export function statusText(model: CheckStatusModel): string {
  const targets = model.targets();
  if (targets.length === 0) return "$(target) Triplet: host";
  const names = shortNames(targets);
  const parts = targets.map((t) => {
    const mark = stateMark(model.statusOf(t));
    const name = names.get(t) ?? t;
    return mark === "" ? name : `${name} ${mark}`;
  });
  return `$(target) ${parts.join("  ")}`;
}

/** Tooltip: one line per target with its full triple and last result. */
export function statusTooltip(model: CheckStatusModel): string {
  const targets = model.targets();
  if (targets.length === 0) return "Triplet: no targets selected beyond the host. Click to pick targets.";
  const lines = targets.map((t) => {
    const s = model.statusOf(t);
    if (s === undefined) return `${t}: not checked yet`;
    switch (s.state) {
      case "running":
        return `${t}: checking…`;
      case "ok":
        return `${t}: ok, ${s.warnings} warning(s)`;
      case "failed":
        return `${t}: failed, ${s.errors} error(s), ${s.warnings} warning(s)`;
      case "cancelled":
        return `${t}: cancelled`;
    }
  });
  return ["Triplet targets", ...lines, "", "Click to pick targets."].join("\n");
}
