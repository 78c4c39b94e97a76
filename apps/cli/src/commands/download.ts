/**
 * `wheelhouse download [-d DIR] REQUIREMENT... [-r FILE]` — pip's `download` command: the archive
 * each requirement selects for the target, checked against the index's and the requirement's
 * hashes, saved into DIR (default: the current directory).
 *
 * Dependencies are followed when a resolver is wired in (`deps.resolve`); without one, only the
 * named requirements are downloaded, as with `--no-deps`.
 */
import { copyFile, mkdir, stat } from "node:fs/promises";
import { join, resolve as resolvePath, sep } from "node:path";
import { canonicalizeName, parseDistributionFilename, type NormalizedName } from "@wheelhouse/packaging";
import { filenameFromUrl } from "@wheelhouse/simple-index";
import type { CommandContext } from "../cli-options.ts";
import type { Candidate, DistFile } from "../core-types.ts";
import { findTarget, openSession, type CommandTarget, type IndexCommandDeps } from "../index/command-support.ts";
import { formatSize } from "../index/cache-admin.ts";
import { HashMismatch, HttpError, NetworkError, type HashMismatchItem } from "../index/errors.ts";
import { hashFile } from "../index/hashing.ts";
import { HttpClient } from "../index/http-client.ts";
import { toDistFile } from "../index/index-client.ts";
import type { IndexOptions, IndexSession } from "../index/index-session.ts";
import type { PackageFinder } from "../index/package-finder.ts";
import { parseRequirementArgs, parseRequirementsFile, RequirementsFileError, type RequirementLine } from "../requirements/index.ts";
import { allowedCandidates } from "../resolver/allowed-candidates.ts";

/** Downloads run at most this many at a time. */
const CONCURRENCY = 8;

export interface DownloadDeps extends IndexCommandDeps {
  /** The resolver, once wired: every candidate to download (dependencies included), in order. */
  resolve?: (request: { requirements: RequirementLine[]; finder: PackageFinder; session: IndexSession; target: CommandTarget }) => Promise<Candidate[]>;
}

/** One archive to fetch, and why. */
interface Item {
  label: string;
  name: string;
  file: DistFile;
  hashes: Record<string, string[]>;
}

class DownloadError extends Error {}

export async function run(ctx: CommandContext, deps: DownloadDeps = {}): Promise<number> {
  const error = (message: string): number => {
    ctx.stderr.write(`ERROR: ${message}\n`);
    return 1;
  };
  let lines: RequirementLine[];
  let options: IndexOptions;
  try {
    ({ lines, options } = await readRequirements(ctx));
  } catch (e) {
    if (e instanceof RequirementsFileError) return error(e.message);
    throw e;
  }
  if (lines.length === 0) return error('You must give at least one requirement to download (see "wheelhouse help download")');
  const target = await (deps.target ?? (() => findTarget(ctx)))();
  const session = openSession(ctx, deps, options);
  try {
    const finder = session.finder(target);
    const items = deps.resolve ? fromResolution(await deps.resolve({ requirements: lines, finder, session, target }), lines) : await select(ctx, lines, finder, target);
    const dest = resolvePath(ctx.cwd, ctx.options.dest ?? ".");
    const paths = await fetchAll(ctx, session, items);
    await mkdir(dest, { recursive: true });
    for (const [i, item] of items.entries()) {
      const to = join(dest, item.file.filename);
      if (await sameFile(paths[i]!, to)) ctx.stdout.write(`File was already downloaded ${displayPath(to, ctx.cwd)}\n`);
      else {
        await copyFile(paths[i]!, to);
        ctx.stdout.write(`Saved ${displayPath(to, ctx.cwd)}\n`);
      }
    }
    ctx.stdout.write(`Successfully downloaded ${[...new Set(items.map((i) => i.name))].join(" ")}\n`);
    return 0;
  } catch (e) {
    if (e instanceof HashMismatch) return error(e.message);
    if (e instanceof DownloadError || e instanceof HttpError || e instanceof NetworkError) return error(e.message);
    throw e;
  } finally {
    await session.close();
  }
}

/** Command-line requirements and `-r` files, and the index options those files add. */
async function readRequirements(ctx: CommandContext): Promise<{ lines: RequirementLine[]; options: IndexOptions }> {
  const o = ctx.options;
  const options: IndexOptions = { ...o, extraIndexUrls: [...o.extraIndexUrls], findLinks: [...o.findLinks], trustedHosts: [...o.trustedHosts] };
  const lines = parseRequirementArgs(ctx.args, { cwd: ctx.cwd });
  let fetcher = null as HttpClient | null;
  for (const file of o.requirements) {
    const parsed = await parseRequirementsFile(file, {
      env: ctx.env,
      cwd: ctx.cwd,
      formatControl: { onlyBinary: options.onlyBinary, noBinary: options.noBinary },
      fetch: async (url) => (await (fetcher ??= new HttpClient({ timeout: o.timeout, retries: o.retries, cwd: ctx.cwd })).get(url)).text(),
    });
    for (const warning of parsed.warnings) ctx.stderr.write(`WARNING: ${warning}\n`);
    lines.push(...parsed.requirements);
    const f = parsed.options;
    if (f.indexUrl !== undefined) options.indexUrl = f.indexUrl;
    options.extraIndexUrls.push(...f.extraIndexUrls);
    options.findLinks.push(...f.findLinks);
    options.trustedHosts.push(...f.trustedHosts);
    if (f.noIndex) options.noIndex = true;
    if (f.pre) options.pre = true;
    options.onlyBinary = f.onlyBinary;
    options.noBinary = f.noBinary;
  }
  await fetcher?.close();
  return { lines, options };
}

/** Without a resolver: the best candidate of each named requirement, the file of each URL one. */
async function select(ctx: CommandContext, lines: RequirementLine[], finder: PackageFinder, target: CommandTarget): Promise<Item[]> {
  if (!ctx.options.noDeps) ctx.stderr.write("WARNING: Dependencies are not resolved by this version of wheelhouse download; only the named requirements are downloaded (as with --no-deps).\n");
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
        `Could not find a version that satisfies the requirement ${requirement} (from versions: ${versions.length > 0 ? versions.join(", ") : "none"})\nERROR: No matching distribution found for ${requirement}`,
      );
    }
    const file = chosen.files[0];
    if (chosen.yanked) {
      const reason = file.yanked === false ? "" : file.yanked;
      ctx.stderr.write(
        `WARNING: The candidate selected for download or install is a yanked version: '${requirement.name}' candidate (version ${chosen.version} at ${file.url})\nReason for being yanked: ${reason || "<none given>"}\n`,
      );
    }
    items.push({ label: `${requirement.name}==${chosen.version}`, name: requirement.name, file, hashes: line.hashes });
  }
  return items;
}

function fromResolution(candidates: Candidate[], lines: RequirementLine[]): Item[] {
  const hashesByName = new Map<string, Record<string, string[]>>();
  for (const line of lines) if (line.requirement) hashesByName.set(canonicalizeName(line.requirement.name), line.hashes);
  return candidates.flatMap((c) => {
    const file = c.files[0];
    return file ? [{ label: `${c.name}==${c.version}`, name: c.name, file, hashes: hashesByName.get(c.name) ?? {} }] : [];
  });
}

/** Fetches every item (CONCURRENCY at a time), reporting as pip does; hash mismatches gathered into one error. */
async function fetchAll(ctx: CommandContext, session: IndexSession, items: Item[]): Promise<string[]> {
  const limit = limiter(CONCURRENCY);
  const results = items.map((item) =>
    limit(async () => {
      const cached = (await session.downloader.cachedPath(item.file, item.hashes)) !== null;
      const path = await session.downloader.fetch(item.file, { expectedHashes: item.hashes, requirement: item.label });
      return { path, cached };
    }),
  );
  const paths: string[] = [];
  const mismatches: HashMismatchItem[] = [];
  let failure: unknown = null;
  for (const [i, item] of items.entries()) {
    try {
      const { path, cached } = await results[i]!;
      ctx.stdout.write(`  ${cached ? "Using cached" : "Downloading"} ${item.file.filename} (${formatSize((await stat(path)).size)})\n`);
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

/** Runs at most `n` of the given tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

async function sameFile(from: string, to: string): Promise<boolean> {
  const existing = await stat(to).catch(() => null);
  if (!existing?.isFile() || existing.size !== (await stat(from)).size) return false;
  const [a, b] = await Promise.all([hashFile(from, ["sha256"]), hashFile(to, ["sha256"])]);
  return a["sha256"] === b["sha256"];
}

function nameOf(filename: string, fallback: string | undefined): string {
  try {
    return parseDistributionFilename(filename).name;
  } catch {
    return fallback ?? filename;
  }
}

/** pip's display_path: relative to the working directory when inside it. */
function displayPath(path: string, cwd: string): string {
  return path.startsWith(cwd + sep) ? `.${path.slice(cwd.length)}` : path;
}
