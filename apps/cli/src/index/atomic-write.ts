// Cache writes that a concurrent reader (or a second process) never sees half done, and the
// reads of those small files.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes `text` to a sibling temporary file and renames it over `path`. Errors are swallowed: a cache may miss. */
export async function writeCacheFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, path);
  } catch {
    await rm(temp, { force: true }).catch(() => {});
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
