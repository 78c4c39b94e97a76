/**
 * The files named on the command line, as twine finds them (twine/commands/__init__.py
 * _find_dists): an existing path is taken as it is; anything else is a glob pattern (`dist/*`
 * quoted, or left unexpanded by a shell that found nothing), which must match something.
 * Signatures (`.asc`) are left out; wheels go first, the rest keeps its order, as twine's
 * `_group_wheel_files_first` does.
 */
import { CliError } from "../../core/cli-error.ts";
import { readdir, stat } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { fnmatchSource } from "@wheelhouse/packaging";

export class DistributionNotFound extends CliError {
  override name = "DistributionNotFound";
}

/** The paths to upload, as given or as matched (matches relative to `cwd` stay relative). */
export async function findDists(args: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  for (const arg of args) {
    if (await exists(resolve(cwd, arg))) {
      found.push(arg);
      continue;
    }
    const matches = hasMagic(arg) ? await glob(arg, cwd) : [];
    if (matches.length === 0) throw new DistributionNotFound(`Cannot find file (or expand pattern): '${arg}'`);
    found.push(...matches);
  }
  const uploads = found.filter((f) => !f.endsWith(".asc"));
  // Array.prototype.sort is stable: wheels first, each group in the order given.
  return uploads.sort((a, b) => Number(!a.endsWith(".whl")) - Number(!b.endsWith(".whl")));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Python's glob.glob without `recursive`: `*`, `?` and `[…]` within one path segment; names
 * starting with `.` only match a pattern that starts with `.`. Matches are sorted.
 */
export async function glob(pattern: string, cwd: string): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split(/[\\/]+/);
  // "/a/b" splits into ["", "a", "b"]: start at the root.
  let candidates: string[] = absolute ? [sep] : [""];
  if (absolute) segments.shift();
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const base of candidates) {
      if (segment === "") {
        // A trailing separator: the directory itself.
        next.push(base);
        continue;
      }
      if (!hasMagic(segment)) {
        const path = base === "" ? segment : join(base, segment);
        if (last ? await exists(resolve(cwd, path)) : await isDirectory(resolve(cwd, path))) next.push(path);
        continue;
      }
      const matcher = segmentRegExp(segment);
      const names = await readdir(resolve(cwd, base === "" ? "." : base)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (name.startsWith(".") && !segment.startsWith(".")) continue;
        if (!matcher.test(name)) continue;
        const path = base === "" ? name : join(base, name);
        if (last || (await isDirectory(resolve(cwd, path)))) next.push(path);
      }
    }
    candidates = next;
  }
  return candidates;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** fnmatch.translate for one segment. */
function segmentRegExp(segment: string): RegExp {
  return new RegExp(`^${fnmatchSource(segment)}$`, "s");
}
