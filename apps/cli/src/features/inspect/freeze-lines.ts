/**
 * pip freeze's lines for an environment: `name==version`, `name @ url` for PEP 610 direct URL
 * installs, `-e …` for editable ones (`-e git+…@commit#egg=…` when the project is in a Git checkout
 * with a remote, else `-e /path` after a comment); pip's own tools skipped unless `all`.
 */
import { canonicalizeName, tryParseVersion } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import { editableInfo } from "../../core/installer/editable-vcs.ts";
import { installedDistributions, localOnly, type InstalledDistributionDetails } from "../../core/installer/installed-distributions.ts";
import { STDLIB_PKGS } from "../../core/installer/stdlib-packages.ts";

export interface FreezeOptions {
  all?: boolean;
  local?: boolean;
  excludeEditable?: boolean;
  exclude?: string[];
}

export async function freezeLines(env: InspectedEnvironment, options: FreezeOptions = {}): Promise<string[]> {
  const skip = new Set([...STDLIB_PKGS, ...(options.exclude ?? [])].map(canonicalizeName));
  if (!options.all) for (const name of devPackages(env)) skip.add(canonicalizeName(name));
  const dists = localOnly(await installedDistributions(env), env, options.local ?? false).filter((d) => !(options.excludeEditable && d.editable));
  const kept = dists.sort((a, b) => compare(a.displayName.toLowerCase(), b.displayName.toLowerCase())).filter((d) => !skip.has(d.name));
  return (await Promise.all(kept.map(frozenRequirement))).flat();
}

/** pip's _dev_pkgs: setuptools, distribute and wheel are only hidden before Python 3.12. */
export function devPackages(env: InspectedEnvironment): string[] {
  const [major, minor] = env.info.versionInfo;
  return major === 3 && minor < 12 ? ["pip", "setuptools", "distribute", "wheel"] : ["pip"];
}

/** pip's FrozenRequirement.from_dist, as output lines (comments first). */
export async function frozenRequirement(dist: InstalledDistributionDetails): Promise<string[]> {
  if (dist.editable) {
    const { requirement, comments } = await editableInfo(dist.editableProjectLocation!, dist.displayName, nameVersion(dist));
    return [...comments, `-e ${requirement}`];
  }
  const d = dist.directUrl;
  if (d && typeof d.url === "string") {
    let req = `${dist.displayName} @ `;
    const fragments: string[] = [];
    if (d.vcs_info) req += `${d.vcs_info.vcs}+${d.url}@${d.vcs_info.commit_id}`;
    else {
      req += d.url;
      if (d.archive_info?.hash) fragments.push(d.archive_info.hash);
    }
    if (d.subdirectory) fragments.push(`subdirectory=${d.subdirectory}`);
    if (fragments.length > 0) req += `#${fragments.join("&")}`;
    return [req];
  }
  return [nameVersion(dist)];
}

/** pip's _format_as_name_version: `===` for a version that is not PEP 440. */
function nameVersion(dist: InstalledDistributionDetails): string {
  const version = tryParseVersion(dist.version);
  return version ? `${dist.displayName}==${version.toString()}` : `${dist.displayName}===${dist.version}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
