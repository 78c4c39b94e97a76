/**
 * What `wheelhouse lock` writes, apart from reading its options: each pin of a resolution with its
 * `# via` and, with --generate-hashes, the sha256 of every file of that version on the indexes
 * (`audit --fix` hashes its rewritten pins the same way), and pip-compile's file layout.
 */
import path from "node:path";
import { canonicalizeVersion, parseDistributionFilename, type MarkerEnvironment, type NormalizedName, type Version } from "@wheelhouse/packaging";
import type { DistFile } from "../../core/types.ts";
import { hashFile } from "../../core/hashes/hashing.ts";
import type { IndexSession } from "../../core/index/index-session.ts";
import type { RequirementLine } from "@wheelhouse/packaging";
import type { IndexProvider } from "../../core/resolver/index-provider.ts";
import type { ResolveResult } from "../../core/resolver/resolve.ts";
import { limiter } from "../../core/concurrency/limit.ts";
import { namedRequirement } from "../../pipeline/resolve-request.ts";

/** One pinned line of the output. */
export interface LockedPin {
  name: NormalizedName;
  /** `name==version`, or `name @ url` for a direct reference. */
  requirement: string;
  /** sha256 digests, sorted; empty without --generate-hashes. */
  hashes: string[];
  /** `-r requirements.in` and the names of the pins that depend on it, sorted. */
  via: string[];
}

export interface LockInput {
  result: ResolveResult;
  provider: IndexProvider;
  session: IndexSession;
  requirements: readonly RequirementLine[];
  markers: MarkerEnvironment;
  generateHashes: boolean;
  findLinks: readonly string[];
  /** Directory requirement files are shown relative to. */
  base: string;
  /** What relative requirement file names are relative to. */
  cwd: string;
}

/** The pins, sorted by name, with their `# via` and (optionally) hashes. */
export async function lockedPins(input: LockInput): Promise<LockedPin[]> {
  const { result, provider, session } = input;
  const via = new Map<NormalizedName, Set<string>>();
  const add = (name: NormalizedName, who: string): void => {
    const set = via.get(name) ?? new Set<string>();
    set.add(who);
    via.set(name, set);
  };
  for (const line of input.requirements) {
    const name = namedRequirement(line).normalizedName;
    const file = /^-r (.*) \(line \d+\)$/.exec(line.comesFrom ?? "")?.[1];
    add(name, file === undefined ? "command line" : `-r ${relative(path.resolve(input.cwd, file), input.base)}`);
  }
  // Who depends on what: each pin's dependencies that hold for the target and its extras.
  for (const [parent, pin] of result.pins) {
    const extras = [...pin.extras];
    for (const requirement of await provider.dependencies(pin.candidate)) {
      if (requirement.marker !== null && !requirement.marker.evaluate(input.markers, extras.length > 0 ? ["", ...extras] : [])) continue;
      const name = requirement.normalizedName;
      if (result.pins.has(name) && name !== parent) add(name, parent);
    }
  }
  const limit = limiter(8);
  const names = [...result.pins.keys()].sort();
  return Promise.all(
    names.map((name) =>
      limit(async () => {
        const candidate = result.pins.get(name)!.candidate;
        const url = provider.directUrls.get(candidate);
        const requirement = url === undefined ? `${name}==${candidate.version}` : `${name} @ ${url.split("#")[0]}`;
        let hashes: string[] = [];
        if (input.generateHashes) {
          const files = url === undefined ? await filesOfVersion(session, input.findLinks, name, candidate.version) : candidate.files.slice(0, 1);
          hashes = [...new Set(await Promise.all((files.length > 0 ? files : candidate.files).map((f) => sha256Of(session, f))))].sort();
        }
        return { name, requirement, hashes, via: [...(via.get(name) ?? [])].sort() };
      }),
    ),
  );
}

/** Every file of `name` at `version` on the indexes and find-links, whatever platform it is for. */
export async function filesOfVersion(session: IndexSession, findLinks: readonly string[], name: NormalizedName, version: Version): Promise<DistFile[]> {
  const pages = await Promise.all([
    ...session.indexUrls.map((url) => session.index.projectPage(url, name)),
    ...findLinks.map((location) => session.index.findLinks(location)),
  ]);
  const wanted = canonicalizeVersion(version);
  const seen = new Set<string>();
  return pages.flat().filter((file) => {
    if (seen.has(file.url)) return false;
    try {
      const parsed = parseDistributionFilename(file.filename);
      if (parsed.name !== name || canonicalizeVersion(parsed.version) !== wanted) return false;
    } catch {
      return false;
    }
    seen.add(file.url);
    return true;
  });
}

/** The file's sha256: the index's, or (when it gives none) the download's. */
export async function sha256Of(session: IndexSession, file: DistFile): Promise<string> {
  const known = file.hashes.sha256;
  if (known) return known.toLowerCase();
  const local = await session.downloader.fetch(file);
  return (await hashFile(local, ["sha256"])).sha256!;
}

/** pip-compile's layout: a header, then each pin with its hashes line-continued and its `# via`. */
export function formatLockFile(pins: readonly LockedPin[], header: { python: string; command: string }): string {
  const lines = [
    "#",
    `# This file was generated by wheelhouse lock with Python ${header.python}`,
    "# by the following command:",
    "#",
    `#    ${header.command}`,
    "#",
  ];
  for (const pin of pins) {
    if (pin.hashes.length === 0) lines.push(pin.requirement);
    else {
      lines.push(`${pin.requirement} \\`);
      pin.hashes.forEach((hash, i) => {
        lines.push(`    --hash=sha256:${hash}${i < pin.hashes.length - 1 ? " \\" : ""}`);
      });
    }
    if (pin.via.length === 1) lines.push(`    # via ${pin.via[0]}`);
    else if (pin.via.length > 1) lines.push("    # via", ...pin.via.map((v) => `    #   ${v}`));
  }
  return `${lines.join("\n")}\n`;
}

/** `file` relative to `base` when it is below it, else as given. */
export function relative(file: string, base: string): string {
  const rel = path.relative(base, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}
