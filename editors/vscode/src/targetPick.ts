// QuickPick model for choosing targets. Pure (no vscode): the extension maps these
// items onto vscode.QuickPickItem (kind = separator for the group headers).
import type { TargetsResponse } from "./protocol";

export interface TargetPickItem {
  label: string;
  description?: string;
  picked: boolean;
  /** A group header, not a choice. */
  separator: boolean;
}

/**
 * Groups: the current selection (including triples the server does not know, so
 * they can be removed), installed triples, then the rest of rustc's target list.
 */
export function buildTargetPickItems(targets: TargetsResponse, current: readonly string[]): TargetPickItem[] {
  const selected = new Set(current);
  const installed = new Set(targets.installed);
  const known = new Set(targets.known);
  const items: TargetPickItem[] = [];
  const seen = new Set<string>();

  const group = (title: string, triples: Iterable<string>, describe: (t: string) => string | undefined) => {
    const fresh = [...new Set(triples)].filter((t) => !seen.has(t)).sort();
    if (fresh.length === 0) return;
    items.push({ label: title, picked: false, separator: true });
    for (const triple of fresh) {
      seen.add(triple);
      const description = describe(triple);
      items.push({
        label: triple,
        ...(description === undefined ? {} : { description }),
        picked: selected.has(triple),
        separator: false,
      });
    }
  };

  group("Selected", current, (t) =>
    installed.has(t) ? "installed" : known.has(t) || known.size === 0 ? "not installed" : "unknown to rustc",
  );
  group("Installed", targets.installed, () => "installed");
  group("Known to rustc", targets.known, () => undefined);
  return items;
}

/** The triples to write to `triplet.targets`, in a stable order. */
export function selectionFromPicks(picked: readonly { label: string }[]): string[] {
  return [...new Set(picked.map((p) => p.label))].sort();
}

/**
 * Choices for "check/build for target": selected first, then installed. A selected triple
 * rustc does not know is a T0007 finding, not a choice.
 */
export function singleTargetChoices(targets: TargetsResponse): string[] {
  const known = new Set(targets.known);
  const selected = known.size === 0 ? targets.selected : targets.selected.filter((t) => known.has(t));
  const ordered = [...selected, ...[...targets.installed].sort()];
  return [...new Set(ordered)];
}

/** Files whose contents select targets: a save may change the selection. */
export function isTargetSource(path: string): boolean {
  return /(^|\/)(Cargo\.toml|rust-toolchain(\.toml)?|\.cargo\/config(\.toml)?)$/.test(path);
}
