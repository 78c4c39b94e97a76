// Cache writes that a concurrent reader (or a second process) never sees half done, and the
// reads of those small files.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Directories this process has made sure exist (a recursive mkdir stats every level each time). */
const knownDirs = new Set<string>();

/** Creates `dir` (and its parents) unless this process already did. */
function ensureDir(dir: string): void {
  if (knownDirs.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  knownDirs.add(dir);
}

/**
 * Writes `text` to a sibling temporary file and renames it over `path`. Errors are swallowed: a
 * cache may miss. Synchronous for the reason readCacheFile is: the write is small, and the
 * resolver waits on the metadata and pages it stores.
 */
export function writeCacheFile(path: string, text: string): void {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const dir = dirname(path);
  try {
    ensureDir(dir);
    try {
      writeFileSync(temp, text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      // The directory went away since (`cache purge`): make it again.
      knownDirs.delete(dir);
      ensureDir(dir);
      writeFileSync(temp, text);
    }
    renameSync(temp, path);
  } catch {
    // (force only forgives ENOENT: an unreadable directory would throw again here.)
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written, or it cannot be removed: either way the cache only misses.
    }
  }
}

/**
 * A small cache file's text, or null when it is missing or unreadable. Synchronous on purpose:
 * cache entries (pages, metadata, manifests) are a few KiB, and one blocking read costs tens of
 * microseconds where fs.promises.readFile takes four thread-pool round trips (open, fstat, read,
 * close) — on a warm 30-package install that was a third of the resolution's time.
 */
export function readCacheFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Whether a cache entry exists (synchronous, for the same reason as readCacheFile). */
export function cacheFileExists(path: string): boolean {
  return existsSync(path);
}
