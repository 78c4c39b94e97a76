/** Small filesystem helpers shared by install and uninstall. */
import { lstat, readdir, rmdir } from "node:fs/promises";
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

// Where names differ only in case or normalization may be the same file.
const FOLD_NAMES = process.platform === "darwin" || process.platform === "win32";
const fold = (name: string): string => (FOLD_NAMES ? name.normalize("NFC").toLowerCase() : name);

/**
 * Answers "does this path exist?" for many paths with few system calls: each directory is read
 * once, and nothing is asked about what lies under a directory that does not exist (in a fresh
 * environment, one listing of site-packages answers for every file of every wheel).
 */
export class PathProbe {
  readonly #listings = new Map<string, Promise<Set<string> | null>>();
  readonly #dirs = new Map<string, Promise<boolean>>();
  readonly #roots: string[];

  /** `roots`: directories known to exist; paths under them are answered from listings. */
  constructor(roots: Iterable<string> = []) {
    this.#roots = [...new Set([...roots].map((r) => path.resolve(r)))];
    for (const root of this.#roots) this.#dirs.set(root, Promise.resolve(true));
  }

  /** Records a listing already read (null: the directory does not exist); what is under it is answered from listings. */
  seed(dir: string, names: readonly string[] | null): void {
    const resolved = path.resolve(dir);
    this.#listings.set(resolved, Promise.resolve(names && new Set(names.map(fold))));
    this.#dirs.set(resolved, Promise.resolve(names !== null));
    if (names !== null && !this.#roots.includes(resolved)) this.#roots.push(resolved);
  }

  /** Whether anything (file, directory, symlink) is at `p`. */
  async exists(p: string): Promise<boolean> {
    const resolved = path.resolve(p);
    const parent = path.dirname(resolved);
    if (parent === resolved) return true;
    if (!(await this.dirExists(parent))) return false;
    const names = await this.#listing(parent);
    return names?.has(fold(path.basename(resolved))) ?? false;
  }

  /** Whether `dir` exists (as anything a listing shows; reading it tells a file from a directory). */
  dirExists(dir: string): Promise<boolean> {
    const resolved = path.resolve(dir);
    let known = this.#dirs.get(resolved);
    if (!known) {
      const parent = path.dirname(resolved);
      known =
        parent !== resolved && this.#roots.some((root) => isInside(resolved, root))
          ? this.exists(resolved)
          : lstat(resolved).then(
              () => true,
              () => false,
            );
      this.#dirs.set(resolved, known);
    }
    return known;
  }

  /** Of the given directories and their ancestors, those that do not exist, shallowest first. */
  async missingDirs(dirs: Iterable<string>): Promise<string[]> {
    const missing = new Set<string>();
    const visit = async (dir: string): Promise<void> => {
      if (missing.has(dir) || (await this.dirExists(dir))) return;
      missing.add(dir);
      const parent = path.dirname(dir);
      if (parent !== dir) await visit(parent);
    };
    await Promise.all([...new Set([...dirs].map((d) => path.resolve(d)))].map(visit));
    return [...missing].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  }

  #listing(dir: string): Promise<Set<string> | null> {
    let listing = this.#listings.get(dir);
    if (!listing) {
      listing = readdir(dir).then(
        (names) => new Set(names.map(fold)),
        () => null,
      );
      this.#listings.set(dir, listing);
    }
    return listing;
  }
}
