/** Small filesystem and concurrency helpers shared by install and uninstall. */
import { readdir, rmdir } from "node:fs/promises";
import path from "node:path";

/**
 * Removes the directories that became empty, deepest first, going up from each given directory
 * but never removing (or going above) one of `stopAt`.
 */
export async function pruneEmptyDirs(dirs: Iterable<string>, stopAt: Iterable<string>): Promise<string[]> {
  const stops = new Set([...stopAt].map((p) => path.resolve(p)));
  const candidates = new Set<string>();
  for (const start of dirs) {
    let dir = path.resolve(start);
    while (!stops.has(dir) && isInsideAny(dir, stops)) {
      candidates.add(dir);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const removed: string[] = [];
  for (const dir of [...candidates].sort((a, b) => b.length - a.length)) {
    try {
      if ((await readdir(dir)).length === 0) {
        await rmdir(dir);
        removed.push(dir);
      }
    } catch {
      // Gone already, or not empty: leave it.
    }
  }
  return removed;
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function isInsideAny(dir: string, roots: Set<string>): boolean {
  for (const root of roots) if (isInside(dir, root)) return true;
  return false;
}

/** Runs `fn` over `items` with at most `limit` running at once; rejects with the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) throw rejected.reason;
  return results;
}

/** `json.dumps(value, sort_keys=True)` as Python writes it (", " and ": " separators, ASCII only). */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`).join(", ")}}`;
}
