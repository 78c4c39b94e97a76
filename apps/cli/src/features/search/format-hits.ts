/**
 * Search hits as `pip search` printed them: `name (version)` in a column as wide as the widest
 * plus four, ` - summary` (wrapped to the terminal, when there is one), and for what the target
 * has installed, `  INSTALLED: x` (with `(latest)`, or a `  LATEST:    y` line).
 */
import { canonicalizeName, tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";
import type { SearchHit } from "./search-client.ts";

export interface FormatOptions {
  /** Installed versions by normalized name. */
  installed?: ReadonlyMap<NormalizedName, string>;
  /** Columns of the terminal; summaries are not wrapped without one. */
  terminalWidth?: number;
}

export function formatHits(hits: readonly SearchHit[], options: FormatOptions = {}): string[] {
  if (hits.length === 0) return [];
  const latestOf = (hit: SearchHit) => hit.version ?? "-";
  const nameWidth = Math.max(...hits.map((hit) => hit.name.length + latestOf(hit).length)) + 4;
  const lines: string[] = [];
  for (const hit of hits) {
    const latest = latestOf(hit);
    let summary = hit.summary.replace(/\s+/g, " ").trim();
    const summaryWidth = options.terminalWidth === undefined ? 0 : options.terminalWidth - nameWidth - 5;
    if (summaryWidth > 10) summary = wrap(summary, summaryWidth).join(`\n${" ".repeat(nameWidth + 3)}`);
    lines.push(`${`${hit.name} (${latest})`.padEnd(nameWidth)} - ${summary}`);
    const installed = options.installed?.get(canonicalizeName(hit.name));
    if (installed === undefined) continue;
    const latestVersion = hit.version === null ? null : tryParseVersion(hit.version);
    const installedVersion = tryParseVersion(installed);
    if (latestVersion && installedVersion?.equals(latestVersion)) {
      lines.push(`  INSTALLED: ${installed} (latest)`);
      continue;
    }
    lines.push(`  INSTALLED: ${installed}`);
    if (hit.version === null) continue;
    lines.push(
      latestVersion?.isPrerelease ? `  LATEST:    ${hit.version} (pre-release; install with \`wheelhouse install --pre\`)` : `  LATEST:    ${hit.version}`,
    );
  }
  return lines;
}

/** Python's textwrap.wrap for plain words: lines of at most `width`, a longer word on its own line. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ").filter((w) => w !== "")) {
    if (line === "") line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== "") lines.push(line);
  return lines.length > 0 ? lines : [""];
}
