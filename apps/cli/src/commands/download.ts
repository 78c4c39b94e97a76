/**
 * `wheelhouse download [-d DIR] REQUIREMENT... [-r FILE]` — pip's `download` command: the archive
 * each requirement selects for the target, checked against the index's and the requirement's
 * hashes, saved into DIR (default: the current directory).
 *
 * Dependencies are followed by the resolver (resolution/, or `deps.resolve` in tests); with
 * `--no-deps`, only the named requirements are downloaded.
 */
import { CliError } from "../core/cli-error.ts";
import { mkdir, stat } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { canonicalizeName, parseDistributionFilename, type NormalizedName } from "@wheelhouse/packaging";
import { filenameFromUrl } from "@wheelhouse/simple-index";
import type { CommandContext } from "../core/config/cli-options.ts";
import type { Candidate, DistFile } from "../core/types.ts";
import type { InspectedEnvironment } from "../core/environment/inspect-python.ts";
import { targetEnvironment } from "../core/environment/target-environment.ts";
import { findTarget, openSession, type CommandTarget, type IndexCommandDeps } from "../pipeline/command-session.ts";
import { formatSize } from "../core/cache/cache-admin.ts";
import { HashMismatch, type HashMismatchItem } from "../core/hashes/hash-mismatch.ts";
import { HttpError, NetworkError } from "../core/net/errors.ts";
import { toDistFile } from "../core/index/index-client.ts";
import type { IndexSession } from "../core/index/index-session.ts";
import type { PackageFinder } from "../core/finder/package-finder.ts";
import { InvalidRequirements } from "../core/requirements/requirements-files.ts";
import type { RequirementLine } from "@wheelhouse/packaging";
import { allowedCandidates } from "../core/resolver/allowed-candidates.ts";
import { reportFailure } from "../ui/failure-message.ts";
import { fileForHashes } from "../pipeline/hash-checking.ts";
import { limiter } from "../core/concurrency/limit.ts";
import { readRequirements, type ReadRequirements } from "../pipeline/read-requirements.ts";
import { saveArchive, savedLine } from "../pipeline/save-archive.ts";
import { progressFor } from "../ui/progress.ts";
import { resolveRequirements } from "../pipeline/resolve-requirements.ts";

/** Downloads run at most this many at a time. */
const CONCURRENCY = 8;

export interface DownloadDeps extends IndexCommandDeps {
  /** Replaces the resolver (tests): every candidate to download (dependencies included), in order. */
  resolve?: (request: DownloadResolveRequest) => Promise<Candidate[]>;
}

export interface DownloadResolveRequest {
  requirements: RequirementLine[];
  constraints: RequirementLine[];
  finder: PackageFinder;
  session: IndexSession;
  target: CommandTarget;
}

/** One archive to fetch, and why. */
interface Item {
  label: string;
  name: string;
  file: DistFile;
  hashes: Record<string, string[]>;
  /** Print pip's "Collecting …" before its download line (the resolver's picks; select() prints its own). */
  announce?: boolean;
}

class DownloadError extends CliError {}

export async function run(ctx: CommandContext, deps: DownloadDeps = {}): Promise<number> {
  const error = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  let read: ReadRequirements;
  try {
    read = await readRequirements(ctx);
  } catch (e) {
    if (e instanceof InvalidRequirements) return error(e.message);
    throw e;
  }
  const { requirements: lines, constraints, options } = read;
  if (lines.length === 0) return error('You must give at least one requirement to download (see "wheelhouse help download")');
  const target = await (deps.target ?? (() => findTarget(ctx)))();
  const session = openSession(ctx, deps, options);
  try {
    const finder = session.finder(target);
    const resolveDeps = deps.resolve ?? (ctx.options.noDeps ? undefined : (request: DownloadResolveRequest) => resolveForDownload(ctx, request));
    const items = resolveDeps
      ? fromResolution(await resolveDeps({ requirements: lines, constraints, finder, session, target }), [...lines, ...constraints])
      : await select(ctx, lines, finder, target);
    const dest = resolvePath(ctx.cwd, ctx.options.dest ?? ".");
    const paths = await fetchAll(ctx, session, items);
    await mkdir(dest, { recursive: true });
    for (const [i, item] of items.entries()) ctx.stdout.write(`${savedLine(await saveArchive(paths[i]!, dest, item.file.filename), ctx.cwd)}\n`);
    ctx.stdout.write(`Successfully downloaded ${[...new Set(items.map((i) => i.name))].join(" ")}\n`);
    return 0;
  } catch (e) {
    if (e instanceof HashMismatch) return error(e.message);
    if (e instanceof DownloadError || e instanceof HttpError || e instanceof NetworkError) return error(e.message);
    return reportFailure(e, ctx.stderr);
  } finally {
    await session.close();
  }
}

/** Without a resolver: the best candidate of each named requirement, the file of each URL one. */
async function select(ctx: CommandContext, lines: RequirementLine[], finder: PackageFinder, target: CommandTarget): Promise<Item[]> {
  if (!ctx.options.noDeps)
    ctx.stderr.write(
      "WARNING: Dependencies are not resolved by this version of wheelhouse download; only the named requirements are downloaded (as with --no-deps).\n",
    );
  const items: Item[] = [];
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

function fromResolution(candidates: Candidate[], lines: RequirementLine[]): Item[] {
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
async function fetchAll(ctx: CommandContext, session: IndexSession, items: Item[]): Promise<string[]> {
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

async function reportFetched(log: (line: string) => void, items: Item[], results: Promise<{ path: string; cached: boolean }>[]): Promise<string[]> {
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
