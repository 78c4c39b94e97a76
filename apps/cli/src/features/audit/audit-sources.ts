/**
 * What `wheelhouse audit` audits: the distributions installed in the target environment (as
 * `wheelhouse list` sees them), or the pins of `-r` requirements files — which must be pinned
 * (`name==version`, with or without `--hash`), as `wheelhouse lock` and pip-compile write them.
 * Pins are audited whatever their markers say (a lock file may serve several platforms).
 */
import { CliError } from "../../core/cli-error.ts";
import { canonicalizeName, tryParseVersion, type NormalizedName } from "@wheelhouse/packaging";
import type { InspectedEnvironment } from "../../core/environment/inspect-python.ts";
import { displayVersion } from "../../core/installer/dependencies.ts";
import { installedDistributions, type InstalledDistributionDetails } from "../../core/installer/installed-distributions.ts";
import { STDLIB_PKGS } from "../../core/installer/stdlib-packages.ts";
import { parseRequirementsFile } from "../../core/requirements/requirements-files.ts";
import type { RequirementLine, RequirementsFileOptions } from "@wheelhouse/packaging";
import { pinnedVersion } from "@wheelhouse/packaging";

/** Never listed, never audited. */
const STDLIB = new Set<string>(STDLIB_PKGS);

/** Where a pin is written: the file (as named on the command line or by a nested `-r`) and its first line. */
export interface PinLocation {
  file: string;
  line: number;
  /** The requirement carries `--hash` options. */
  hashed: boolean;
}

/** One package at one version to ask about. */
export interface AuditedDependency {
  name: NormalizedName;
  /** The name as installed or written. */
  displayName: string;
  /** The version as installed or pinned. */
  version: string;
  /** Environment source: the installed distribution. */
  installed?: InstalledDistributionDetails;
  /** `-r` source: every line that pins it at this version. */
  pins?: PinLocation[];
}

/** What could not be audited, and why (pip-audit's skipped dependencies). */
export interface SkippedDependency {
  name: string;
  reason: string;
}

export interface AuditSource {
  dependencies: AuditedDependency[];
  skipped: SkippedDependency[];
}

/** A `-r` file has a requirement that is not pinned to one version. */
export class UnpinnedRequirements extends CliError {
  override name = "UnpinnedRequirements";
  constructor(readonly lines: readonly RequirementLine[]) {
    const shown = lines.map((l) => `'${l.text}'`);
    super(
      `audit -r needs pinned requirements (name==version); ${shown.join(", ")} ${lines.length === 1 ? "is" : "are"} not pinned — run \`wheelhouse lock\` first`,
    );
  }
}

/** The installed distributions, sorted by name; one whose version is not PEP 440 is skipped. */
export async function environmentSource(env: InspectedEnvironment): Promise<AuditSource> {
  const dependencies: AuditedDependency[] = [];
  const skipped: SkippedDependency[] = [];
  for (const dist of await installedDistributions(env)) {
    if (STDLIB.has(dist.name)) continue;
    if (tryParseVersion(dist.version) === null) {
      skipped.push({ name: dist.displayName, reason: `its version ${dist.version} is not a valid (PEP 440) version` });
      continue;
    }
    dependencies.push({ name: dist.name, displayName: dist.displayName, version: displayVersion(dist.version), installed: dist });
  }
  return { dependencies, skipped };
}

export interface RequirementsSourceOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Reads an http(s) requirements file. */
  fetch?: (url: string) => Promise<string>;
}

export interface RequirementsSource extends AuditSource {
  /** What the files' option lines set (`-i`, `--extra-index-url`, `--trusted-host`, …), merged. */
  options: Pick<RequirementsFileOptions, "indexUrl" | "extraIndexUrls" | "trustedHosts">;
}

/**
 * The pins of the files, in file order, one entry per (name, version); throws UnpinnedRequirements
 * naming every requirement that is not `==`/`===` one version, and InvalidRequirements for a bad file.
 * Editables and direct references (`name @ url`) name no version on the index: they are skipped.
 */
export async function requirementsSource(files: readonly string[], options: RequirementsSourceOptions): Promise<RequirementsSource> {
  const byKey = new Map<string, AuditedDependency>();
  const skipped: SkippedDependency[] = [];
  const unpinned: RequirementLine[] = [];
  const merged: RequirementsSource["options"] = { extraIndexUrls: [], trustedHosts: [] };
  for (const file of files) {
    const parsed = await parseRequirementsFile(file, { env: options.env, cwd: options.cwd, ...(options.fetch ? { fetch: options.fetch } : {}) });
    if (parsed.options.indexUrl !== undefined) merged.indexUrl = parsed.options.indexUrl;
    merged.extraIndexUrls.push(...parsed.options.extraIndexUrls);
    merged.trustedHosts.push(...parsed.options.trustedHosts);
    for (const line of parsed.requirements) {
      const pin = auditedPin(line);
      if (pin.kind === "skip") {
        skipped.push({ name: line.requirement?.name ?? line.text, reason: pin.reason });
        continue;
      }
      if (pin.kind === "unpinned") {
        unpinned.push(line);
        continue;
      }
      const requirement = line.requirement!;
      const name = canonicalizeName(requirement.name);
      const key = `${name}\0${tryParseVersion(pin.version)?.toString() ?? pin.version}`;
      const location = pinLocation(line);
      const known = byKey.get(key);
      if (known) {
        if (location) known.pins!.push(location);
        continue;
      }
      byKey.set(key, { name, displayName: requirement.name, version: pin.version, pins: location ? [location] : [] });
    }
  }
  if (unpinned.length > 0) throw new UnpinnedRequirements(unpinned);
  return { dependencies: [...byKey.values()], skipped, options: merged };
}

type Pin = { kind: "pinned"; version: string } | { kind: "unpinned" } | { kind: "skip"; reason: string };

/** What audit makes of a line: a pin (pip's is_pinned), not pinned, or skipped (no index version, or one that is not PEP 440). */
function auditedPin(line: RequirementLine): Pin {
  if (line.editable) return { kind: "skip", reason: "an editable requirement has no version to audit" };
  if (!line.requirement || line.requirement.url || line.url) return { kind: "skip", reason: "a direct reference (URL or path) has no index version to audit" };
  const version = pinnedVersion(line.requirement);
  if (version === null) return { kind: "unpinned" };
  if (tryParseVersion(version) === null) return { kind: "skip", reason: `its version ${version} is not a valid (PEP 440) version` };
  return { kind: "pinned", version };
}

/** `requirements.txt:3` → { file, line }; null for a URL file (its pins cannot be rewritten). */
function pinLocation(line: RequirementLine): PinLocation | null {
  const m = /^(.*):(\d+)$/.exec(line.source);
  if (!m || /^(https?|file):/i.test(m[1]!)) return null;
  return { file: m[1]!, line: Number(m[2]), hashed: Object.keys(line.hashes).length > 0 };
}
