/**
 * What `wheelhouse download` fetches: the archive each requirement selects for the target (the
 * resolver's picks, dependencies included, or with `--no-deps` the named requirements alone),
 * checked against the index's and the requirement's hashes, fetched in parallel through the
 * download cache with pip's log lines. Saving them is the command's (save-archive.ts).
 */
import { stat } from "node:fs/promises";
import { canonicalizeName, parseDistributionFilename, type NormalizedName, type RequirementLine } from "@wheelhouse/packaging";
import { filenameFromUrl } from "@wheelhouse/simple-index/upstream-page";
import { CliError } from "../core/cli-error.ts";
import type { CommandContext } from "../core/config/cli-options.ts";
import { limiter } from "../core/concurrency/limit.ts";
import type { InspectedEnvironment } from "../core/environment/inspect-python.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import type { PackageFinder } from "../core/finder/package-finder.ts";
import { HashMismatch, type HashMismatchItem } from "../core/hashes/hash-mismatch.ts";
import { toDistFile } from "../core/index/index-client.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import { allowedCandidates } from "../core/resolver/allowed-candidates.ts";
import type { Candidate, DistFile } from "../core/types.ts";
import { formatSize } from "../ui/format-size.ts";
import { progressFor } from "../ui/progress.ts";
import type { CommandTarget } from "./command-session.ts";
import { fileForHashes } from "./hash-checking.ts";
import { resolveRequirements } from "./resolve-requirements.ts";

/** Downloads run at most this many at a time. */
const CONCURRENCY = 8;

export interface DownloadResolveRequest {
  requirements: RequirementLine[];
  constraints: RequirementLine[];
  finder: PackageFinder;
  session: IndexSession;
  target: CommandTarget;
}

/** Every candidate to download (dependencies included), in order. */
export type DownloadResolver = (request: DownloadResolveRequest) => Promise<Candidate[]>;

/** One archive to fetch, and why. */
export interface DownloadItem {
  label: string;
  name: string;
  file: DistFile;
  hashes: Record<string, string[]>;
  /** Print pip's "Collecting …" before its download line (the resolver's picks; select() prints its own). */
  announce?: boolean;
}

/** A requirement download cannot serve: printed as one `ERROR:` message. */
export class DownloadError extends CliError {}

/**
 * The archives to download: the resolver's picks (`resolver`, or the real one unless --no-deps),
 * else the best file of each named requirement.
 */
export async function chooseArchives(ctx: CommandContext, request: DownloadResolveRequest, resolver?: DownloadResolver): Promise<DownloadItem[]> {
  const resolveDeps = resolver ?? (ctx.options.noDeps ? undefined : (r: DownloadResolveRequest) => resolveForDownload(ctx, r));
  if (!resolveDeps) return select(ctx, request.requirements, request.finder, request.target);
  return fromResolution(await resolveDeps(request), [...request.requirements, ...request.constraints]);
}

/** Without a resolver: the best candidate of each named requirement, the file of each URL one. */
async function select(ctx: CommandContext, lines: RequirementLine[], finder: PackageFinder, target: CommandTarget): Promise<DownloadItem[]> {
  if (!ctx.options.noDeps)
    ctx.stderr.write(
      "WARNING: Dependencies are not resolved by this version of wheelhouse download; only the named requirements are downloaded (as with --no-deps).\n",
    );
  const items: DownloadItem[] = [];
  for (const line of lines) {
    const requirement = line.requirement;
    if (requirement?.marker && !requirement.marker.evaluate(target.markers)) {
      ctx.stdout.write(`Ignoring ${requirement.name}: markers '${requirement.marker}' don't match your environment\n`);
      continue;
    }
    ctx.stdout.write(`Collecting ${line.text}\n`);
    const url = requirement?.url ?? line.url;
    if (url) {
      const file = toDistFile({ filename: filenameFromUrl(url.split("#")[0]!), url: url.split("#")[0]! }, line.source);
      if (!file) throw new DownloadError(`${line.text} does not name a wheel or an sdist; building from a directory is not supported by download yet`);
      items.push({ label: line.text, name: nameOf(file.filename, requirement?.name), file, hashes: line.hashes });
      continue;
    }
    if (!requirement) throw new DownloadError(`Cannot download ${line.text}`);
    const name: NormalizedName = canonicalizeName(requirement.name);
    const all = await finder.candidates(name);
    const allowed = allowedCandidates(all, requirement.specifier, { prereleases: finder.allowPrereleases(name), preferVersion: null });
    const chosen = allowed[0];
    if (!chosen?.files[0]) {
      const versions = [...new Set(all.map((c) => c.version.toString()))].reverse();
      throw new DownloadError(
        `Could not find a version that satisfies the requirement ${requirement} (from versions: ${versions.length > 0 ? versions.join(", ") : "none"})\n` +
          `ERROR: No matching distribution found for ${requirement}`,
      );
    }
    const file = chosen.files[0];
    if (chosen.yanked) {
      const reason = file.yanked === false ? "" : file.yanked;
      ctx.stderr.write(
        `WARNING: The candidate selected for download or install is a yanked version: ` +
          `'${requirement.name}' candidate (version ${chosen.version} at ${file.url})\n` +
          `Reason for being yanked: ${reason || "<none given>"}\n`,
      );
    }
    items.push({ label: `${requirement.name}==${chosen.version}`, name: requirement.name, file, hashes: line.hashes });
  }
  return items;
}

function fromResolution(candidates: Candidate[], lines: RequirementLine[]): DownloadItem[] {
  const hashesByName = new Map<string, Record<string, string[]>>();
  for (const line of lines) if (line.requirement && Object.keys(line.hashes).length > 0) hashesByName.set(canonicalizeName(line.requirement.name), line.hashes);
  return candidates.flatMap((c) => {
    const hashes = hashesByName.get(c.name) ?? {};
    const file = fileForHashes(c, hashes);
    return file ? [{ label: `${c.name}==${c.version}`, name: c.name, file, hashes, announce: true }] : [];
  });
}

/** Every candidate the requirements need, dependencies included, for the target's markers. */
async function resolveForDownload(ctx: CommandContext, request: DownloadResolveRequest): Promise<Candidate[]> {
  const { target } = request;
  const { result } = await resolveRequirements({
    session: request.session,
    finder: request.finder,
    markers: target.markers,
    // findTarget inspected the interpreter already; sdists are built with it.
    env: async () =>
      "info" in target ? (target as InspectedEnvironment) : targetEnvironment({ ...ctx.options, target: null, prefix: null, user: false }, ctx.env),
    requirements: request.requirements,
    constraints: request.constraints,
    noDeps: ctx.options.noDeps,
    buildIsolation: !ctx.options.noBuildIsolation,
    reporter: {
      info: (line) => void ctx.stdout.write(`${line}\n`),
      warning: (line) => void ctx.stderr.write(`WARNING: ${line}\n`),
    },
  });
  return [...result.pins.values()].map((pin) => pin.candidate);
}

/** Fetches every item (CONCURRENCY at a time), reporting as pip does; hash mismatches gathered into one error. */
export async function fetchArchives(ctx: CommandContext, session: IndexSession, items: DownloadItem[]): Promise<string[]> {
  const limit = limiter(CONCURRENCY);
  // On a terminal, the active downloads are drawn below the log lines (a pipe gets the lines alone).
  const progress = progressFor(ctx.stdout, ctx.options.quiet);
  const log = (line: string): void => void (progress ? progress.log(line) : ctx.stdout.write(`${line}\n`));
  const results = items.map((item) =>
    limit(async () => {
      const cached = (await session.downloader.cachedPath(item.file, item.hashes)) !== null;
      try {
        const path = await session.downloader.fetch(item.file, {
          expectedHashes: item.hashes,
          requirement: item.label,
          ...(progress ? { onProgress: (p) => progress.download(p) } : {}),
        });
        return { path, cached };
      } finally {
        progress?.downloaded(item.file.filename);
      }
    }),
  );
  try {
    return await reportFetched(log, items, results);
  } finally {
    progress?.clear();
  }
}

async function reportFetched(log: (line: string) => void, items: DownloadItem[], results: Promise<{ path: string; cached: boolean }>[]): Promise<string[]> {
  const paths: string[] = [];
  const mismatches: HashMismatchItem[] = [];
  let failure: unknown = null;
  for (const [i, item] of items.entries()) {
    try {
      const { path, cached } = await results[i]!;
      if (item.announce) log(`Collecting ${item.label}`);
      log(`  ${cached ? "Using cached" : "Downloading"} ${item.file.filename} (${formatSize((await stat(path)).size)})`);
      paths.push(path);
    } catch (e) {
      if (e instanceof HashMismatch) mismatches.push(...e.items);
      else failure ??= e;
    }
  }
  if (failure) throw failure;
  if (mismatches.length > 0) throw new HashMismatch(mismatches);
  return paths;
}

function nameOf(filename: string, fallback: string | undefined): string {
  try {
    return parseDistributionFilename(filename).name;
  } catch {
    return fallback ?? filename;
  }
}
