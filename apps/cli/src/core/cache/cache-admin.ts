// Inspecting and cleaning the cache directory (`wheelhouse cache …`), for the layout in cache-layout.ts.
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { fnmatchSource } from "@wheelhouse/packaging";

export interface CacheArea {
  location: string;
  files: number;
  bytes: number;
}

export interface CacheInfo {
  pages: CacheArea;
  metadata: CacheArea;
  /** Downloaded wheels and sdists. */
  files: CacheArea & { wheels: number; sdists: number };
}

export interface CachedDistribution {
  filename: string;
  path: string;
  bytes: number;
}

/** Every regular file under `dir` (none when it does not exist). */
async function walk(dir: string): Promise<{ path: string; name: string; bytes: number }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: { path: string; name: string; bytes: number }[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push({ path, name: entry.name, bytes: (await stat(path).catch(() => ({ size: 0 }))).size });
  }
  return out;
}

async function area(location: string, keep: (name: string) => boolean = () => true): Promise<CacheArea> {
  const files = (await walk(location)).filter((f) => keep(f.name));
  return { location, files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

const isTemporary = (name: string): boolean => name.endsWith(".tmp");

/** Sizes and counts of each part of the cache. */
export async function cacheInfo(cacheDir: string): Promise<CacheInfo> {
  const distributions = await listCachedDistributions(cacheDir);
  return {
    pages: await area(join(cacheDir, "pages"), (n) => !isTemporary(n)),
    metadata: await area(join(cacheDir, "metadata"), (n) => !isTemporary(n)),
    files: {
      location: join(cacheDir, "files"),
      files: distributions.length,
      bytes: distributions.reduce((sum, d) => sum + d.bytes, 0),
      wheels: distributions.filter((d) => d.filename.endsWith(".whl")).length,
      sdists: distributions.filter((d) => !d.filename.endsWith(".whl")).length,
    },
  };
}

/**
 * Cached wheels and sdists, sorted by filename; with a pattern, those matching it as pip's
 * `cache list` does: a glob on the filename, to which `-*` is added when it names no version
 * (no `-`) and `*` otherwise.
 */
export async function listCachedDistributions(cacheDir: string, pattern: string | null = null): Promise<CachedDistribution[]> {
  const root = join(cacheDir, "files");
  const files = (await walk(root)).filter((f) => !f.path.startsWith(join(root, "urls")) && !isTemporary(f.name));
  const matcher = pattern === null ? null : filenameMatcher(pattern);
  return files
    .filter((f) => matcher === null || matcher(f.name))
    .map((f) => ({ filename: f.name, path: f.path, bytes: f.bytes }))
    .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : a.path < b.path ? -1 : 1));
}

/** Removes the matching distributions (and their now empty sha256 directories); returns them. */
export async function removeCachedDistributions(cacheDir: string, pattern: string): Promise<CachedDistribution[]> {
  const matches = await listCachedDistributions(cacheDir, pattern);
  for (const match of matches) await rm(join(match.path, ".."), { recursive: true, force: true });
  return matches;
}

/** Empties the whole cache directory; returns how many files were removed. */
export async function purgeCache(cacheDir: string): Promise<number> {
  const all = await walk(cacheDir);
  for (const name of ["pages", "metadata", "files", "tmp"]) await rm(join(cacheDir, name), { recursive: true, force: true });
  return all.length;
}

/** pip's cache pattern: a glob (`*`, `?`, `[…]`) matched case-insensitively against filenames. */
export function filenameMatcher(pattern: string): (filename: string) => boolean {
  const full = pattern + (pattern.includes("-") ? "*" : "-*");
  const source = fnmatchSource(full);
  const regex = new RegExp(`^${source}$`, "i");
  return (filename) => regex.test(filename);
}
