/**
 * Which version fixes a vulnerable package, from its advisories' fixed versions alone (pip-audit's
 * rule): each advisory is fixed by its smallest fixed version above the installed one, and the
 * package by the greatest of those — the nearest version that fixes every advisory at once. An
 * advisory with no fixed version above the installed one leaves the package unfixable.
 */
import { compareVersions, tryParseVersion, type Version } from "@wheelhouse/packaging";
import type { Advisory } from "./advisory-client.ts";

export type FixVersion = { kind: "fix"; version: string } | { kind: "none"; advisories: string[] };

/** Fixed versions above `installed`, smallest first, deduplicated (versions that do not parse are left out). */
export function fixedVersionsAbove(installed: Version, fixedIn: readonly string[]): Version[] {
  const seen = new Set<string>();
  const out: Version[] = [];
  for (const text of fixedIn) {
    const version = tryParseVersion(text);
    if (version === null || compareVersions(version, installed) <= 0) continue;
    const key = version.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(version);
  }
  return out.sort(compareVersions);
}

/** The nearest version fixing every advisory of a package at `installed`. */
export function nearestFix(installed: string, advisories: readonly Advisory[]): FixVersion {
  const current = tryParseVersion(installed);
  if (current === null) return { kind: "none", advisories: advisories.map((a) => a.id) };
  let needed: Version | null = null;
  const unfixed: string[] = [];
  for (const advisory of advisories) {
    const smallest = fixedVersionsAbove(current, advisory.fixedIn)[0];
    if (smallest === undefined) unfixed.push(advisory.id);
    else if (needed === null || compareVersions(smallest, needed) > 0) needed = smallest;
  }
  if (unfixed.length > 0 || needed === null) return { kind: "none", advisories: unfixed };
  return { kind: "fix", version: needed.toString() };
}

/**
 * Every fixed version at or above the nearest fix, smallest first: what `--fix` may try when the
 * nearest one is not offered (advisories list fixes per release line, so a later one fixes too).
 */
export function fixCandidates(installed: string, advisories: readonly Advisory[]): string[] {
  const nearest = nearestFix(installed, advisories);
  const current = tryParseVersion(installed);
  if (nearest.kind === "none" || current === null) return [];
  const all = fixedVersionsAbove(
    current,
    advisories.flatMap((a) => a.fixedIn),
  );
  return all.filter((v) => compareVersions(v, nearest.version) >= 0).map((v) => v.toString());
}
