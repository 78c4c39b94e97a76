/**
 * pip check: the installed set's missing requirements and installed versions outside a
 * requirement's specifier, in pip's words (`wheelhouse check`, and sync's closing check).
 */
import { canonicalizeName, tryParseVersion } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../environment/inspect-python.ts";
import { activeDependencies, displayVersion } from "./dependencies.ts";
import { installedDistributions } from "./installed-distributions.ts";

export async function checkInstalled(env: InspectedEnvironment): Promise<{ lines: string[]; broken: boolean }> {
  const dists = await installedDistributions(env);
  const byName = new Map(dists.map((d) => [d.name as string, d]));
  const missingLines: string[] = [];
  const conflictLines: string[] = [];
  for (const dist of dists) {
    const version = displayVersion(dist.version);
    const missing: string[] = [];
    const conflicting: { key: string; line: string }[] = [];
    for (const req of activeDependencies(dist, env.markers)) {
      const name = canonicalizeName(req.name);
      const installed = byName.get(name);
      if (!installed) {
        missing.push(name);
        continue;
      }
      const installedVersion = tryParseVersion(installed.version);
      const ok = installedVersion ? req.specifier.contains(installedVersion, { prereleases: true }) : req.specifier.length === 0;
      if (!ok) {
        conflicting.push({
          key: `${name} ${req.toString()}`,
          line: `${dist.name} ${version} has requirement ${req.toString()}, but you have ${name} ${displayVersion(installed.version)}.`,
        });
      }
    }
    for (const name of [...new Set(missing)].sort()) missingLines.push(`${dist.name} ${version} requires ${name}, which is not installed.`);
    for (const c of conflicting.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) conflictLines.push(c.line);
  }
  const lines = [...missingLines, ...conflictLines];
  if (lines.length === 0) return { lines: ["No broken requirements found."], broken: false };
  return { lines, broken: true };
}
