/**
 * What `wheelhouse sync` changes, decided as pip-tools' pip-sync decides it (piptools/sync.py:
 * `merge`, `diff`, `get_dists_to_ignore`), with no I/O:
 * - the requirements of every file are merged by name; lines whose markers do not hold for the
 *   target are dropped; one name pinned two different ways is an error (pip-sync's
 *   IncompatibleRequirements);
 * - an installed distribution whose version the line (and any constraint on the name) accepts is
 *   kept; a direct URL line is kept only when the distribution was installed from that URL;
 *   everything else listed is installed (a new package, an upgrade, a downgrade or a replacement);
 * - an installed distribution the files do not list is uninstalled, unless it is one of the tools
 *   pip-sync never removes, or something one of them depends on (or the caller says it is not
 *   removable: sync leaves what is installed outside the target's site-packages alone).
 * Lines not pinned to one version are accepted, as pip-sync accepts them: any version they allow
 * is kept, the newest allowed one is installed otherwise; the command warns about them.
 */
import { CliError } from "../../core/cli-error.ts";
import {
  canonicalizeName,
  compareVersions,
  evaluateMarker,
  tryParseVersion,
  type MarkerEnvironment,
  type NormalizedName,
  type Requirement,
} from "@wheelhouse/packaging";
import type { InstalledDistributionDetails } from "../../core/installer/installed-distributions.ts";
import type { RequirementLine } from "@wheelhouse/packaging";
import { pinnedVersion } from "@wheelhouse/packaging";
import { describeLine, unpinnedRequirements } from "../../pipeline/hash-checking.ts";
import { namedRequirement } from "../../pipeline/resolve-request.ts";

/**
 * pip-sync's PACKAGES_TO_IGNORE (with pip's stdlib_pkgs and the DEV_PKGS of the pips that listed
 * setuptools, distribute and wheel), normalized: never uninstalled, nor what they depend on.
 */
export const PROTECTED_PACKAGES: readonly NormalizedName[] = [
  "-markerlib",
  "pip",
  "pip-tools",
  "pip-review",
  "pkg-resources",
  "python",
  "wsgiref",
  "argparse",
  "setuptools",
  "distribute",
  "wheel",
].map(canonicalizeName);

/** What the plan needs of an installed distribution. */
export type SyncInstalled = Pick<InstalledDistributionDetails, "name" | "displayName" | "version" | "requires" | "directUrl">;

/** A requirement the files ask for, after merging. */
export interface WantedRequirement {
  name: NormalizedName;
  requirement: Requirement;
  /** The line it came from (its hashes and source go to the installer). */
  line: RequirementLine;
  /** The direct URL (`name @ url`, or a bare URL or path), or null. */
  url: string | null;
}

export class IncompatibleRequirements extends CliError {
  override name = "IncompatibleRequirements";
  constructor(
    readonly first: RequirementLine,
    readonly second: RequirementLine,
  ) {
    super(`Incompatible requirements found: ${describeLine(first)} and ${describeLine(second)}`);
  }
}

/**
 * The requirements whose markers hold for `markers`, one per name (pip-sync's `merge`); throws
 * IncompatibleRequirements for a name asked for with two different specifiers or URLs.
 */
export function mergeRequirements(lines: readonly RequirementLine[], markers: MarkerEnvironment): WantedRequirement[] {
  const byName = new Map<NormalizedName, WantedRequirement>();
  for (const line of lines) {
    const requirement = namedRequirement(line);
    if (requirement.marker && !holds(() => evaluateMarker(requirement.marker!, markers, []))) continue;
    const url = requirement.url ?? line.url ?? null;
    const wanted: WantedRequirement = { name: requirement.normalizedName, requirement, line, url };
    const existing = byName.get(wanted.name);
    if (existing) {
      const same = existing.url !== null || url !== null ? existing.url === url : existing.requirement.specifier.equals(requirement.specifier);
      if (!same) throw new IncompatibleRequirements(existing.line, line);
    }
    byName.set(wanted.name, wanted);
  }
  return [...byName.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** How a listed package gets into the environment. */
export type InstallKind = "install" | "upgrade" | "downgrade" | "replace";

export interface SyncInstall<T extends SyncInstalled = SyncInstalled> {
  kind: InstallKind;
  wanted: WantedRequirement;
  /** The version installed now (upgrade, downgrade, replace). */
  installed: T | null;
}

export interface SyncPlan<T extends SyncInstalled = SyncInstalled> {
  /** Sorted by name. */
  install: SyncInstall<T>[];
  /** Sorted by name. */
  uninstall: T[];
  /** Not listed, but not `removable` (installed elsewhere than where sync installs): left alone. */
  keptOutside: T[];
  /** Listed and already as asked. */
  satisfied: T[];
  /** Lines not pinned to a single version with `==` (or `===`), nor a direct URL. */
  unpinned: RequirementLine[];
}

/** pip-sync's `diff`: what to install and what to uninstall for `installed` to match `wanted`. */
export function planSync<T extends SyncInstalled>(
  wanted: readonly WantedRequirement[],
  installed: readonly T[],
  options: {
    markers: MarkerEnvironment;
    constraints?: readonly RequirementLine[];
    /** Whether sync may uninstall it (default: yes); the command keeps to the target's site-packages. */
    removable?: (dist: T) => boolean;
  },
): SyncPlan<T> {
  const byName = new Map(installed.map((d) => [d.name, d]));
  const constraints = constraintsByName(options.constraints ?? [], options.markers);
  const install: SyncInstall<T>[] = [];
  const satisfied: T[] = [];
  for (const w of wanted) {
    const dist = byName.get(w.name) ?? null;
    if (dist === null) install.push({ kind: "install", wanted: w, installed: null });
    else if (satisfies(dist, w, constraints.get(w.name) ?? [])) satisfied.push(dist);
    else install.push({ kind: changeKind(w, dist), wanted: w, installed: dist });
  }
  const listed = new Set(wanted.map((w) => w.name));
  const keep = protectedNames(installed, options.markers);
  const extra = installed.filter((d) => !listed.has(d.name) && !keep.has(d.name)).sort((a, b) => compareNames(a.name, b.name));
  const removable = options.removable ?? (() => true);
  return {
    install,
    uninstall: extra.filter(removable),
    keptOutside: extra.filter((d) => !removable(d)),
    satisfied,
    unpinned: unpinnedRequirements(wanted.map((w) => w.line)),
  };
}

/**
 * pip-sync's `get_dists_to_ignore`: the installed PROTECTED_PACKAGES and, transitively, the
 * installed distributions they depend on (when the installed version is the one they accept).
 */
export function protectedNames(installed: readonly SyncInstalled[], markers: MarkerEnvironment): Set<NormalizedName> {
  const byName = new Map(installed.map((d) => [d.name, d]));
  const found = new Set<NormalizedName>();
  const queue = PROTECTED_PACKAGES.filter((n) => byName.has(n));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (found.has(name)) continue;
    found.add(name);
    for (const req of byName.get(name)!.requires) {
      if (req.marker && !holds(() => evaluateMarker(req.marker!, { ...markers, extra: "" }))) continue;
      const dep = byName.get(req.normalizedName);
      if (dep && req.specifier.contains(dep.version, { prereleases: true })) queue.push(dep.name);
    }
  }
  return found;
}

function satisfies(dist: SyncInstalled, wanted: WantedRequirement, constraints: readonly Requirement[]): boolean {
  if (wanted.url !== null) return dist.directUrl !== null && sameUrl(dist.directUrl.url, wanted.url);
  // An installed pre-release is kept when the line's range holds it (pip-sync: the versions are compared, nothing else).
  return [wanted.requirement, ...constraints].every((r) => r.specifier.contains(dist.version, { prereleases: true }));
}

function changeKind(wanted: WantedRequirement, dist: SyncInstalled): InstallKind {
  const pinned = wanted.url === null ? pinnedVersion(wanted.requirement) : null;
  if (pinned === null || tryParseVersion(pinned) === null || tryParseVersion(dist.version) === null) return "replace";
  const order = compareVersions(pinned, dist.version);
  return order > 0 ? "upgrade" : order < 0 ? "downgrade" : "replace";
}

function constraintsByName(lines: readonly RequirementLine[], markers: MarkerEnvironment): Map<NormalizedName, Requirement[]> {
  const out = new Map<NormalizedName, Requirement[]>();
  for (const line of lines) {
    const r = line.requirement;
    if (!r || r.url !== null) continue;
    if (r.marker && !holds(() => evaluateMarker(r.marker!, markers, []))) continue;
    out.set(r.normalizedName, [...(out.get(r.normalizedName) ?? []), r]);
  }
  return out;
}

/** URLs compared without credentials or fragment (`#sha256=…`, `#egg=…`): what PEP 610 records. */
function sameUrl(a: string, b: string): boolean {
  return comparableUrl(a) === comparableUrl(b);
}

function comparableUrl(url: string): string {
  const bare = url.split("#")[0]!;
  try {
    const u = new URL(bare);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return bare;
  }
}

function holds(evaluate: () => boolean): boolean {
  try {
    return evaluate();
  } catch {
    return false;
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
