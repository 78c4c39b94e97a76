/**
 * How `wheelhouse sync` shows a plan: pip-sync's `--dry-run` listing (uninstalls first, then
 * installs, two-space indented), each install saying what it replaces.
 */
import { redactUrl } from "../../core/auth/index.ts";
import type { SyncInstall, SyncInstalled, SyncPlan, WantedRequirement } from "./plan-sync.ts";

/** `Would uninstall:` / `Would install:` sections; nothing when the plan is empty. */
export function planLines(plan: Pick<SyncPlan, "install" | "uninstall">): string[] {
  const lines: string[] = [];
  if (plan.uninstall.length > 0) lines.push("Would uninstall:", ...plan.uninstall.map((d) => `  ${installedText(d)}`));
  if (plan.install.length > 0) lines.push("Would install:", ...plan.install.map((i) => `  ${installText(i)}`));
  return lines;
}

/** `b==2.0 (upgrade from 1.0)`, `c==1.0`, `d @ https://… (replacing 1.0)`. */
export function installText(item: SyncInstall): string {
  const what = wantedText(item.wanted);
  if (item.installed === null) return what;
  const from = item.installed.version;
  switch (item.kind) {
    case "upgrade":
      return `${what} (upgrade from ${from})`;
    case "downgrade":
      return `${what} (downgrade from ${from})`;
    default:
      return `${what} (replacing ${from})`;
  }
}

export function installedText(dist: SyncInstalled): string {
  return `${dist.displayName}==${dist.version}`;
}

/** The requirement without its marker (it holds, or the line would not be here); a URL without credentials. */
export function wantedText(wanted: WantedRequirement): string {
  const r = wanted.requirement;
  const extras = r.extras.length > 0 ? `[${r.extras.join(",")}]` : "";
  if (wanted.url !== null) return `${r.name}${extras} @ ${redactUrl(wanted.url)}`;
  return `${r.name}${extras}${r.specifier.toString()}`;
}
