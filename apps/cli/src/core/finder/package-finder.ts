// The candidates of a project for the target: every source merged, files the target cannot use
// dropped, versions newest first, each version's files best first.
import {
  canonicalizeName,
  canonicalizeVersion,
  parseSdistFilename,
  parseWheelFilename,
  SpecifierSet,
  type NormalizedName,
  type Version,
} from "@wheelhouse/packaging";
import type { Candidate, DistFile, ResolverProvider, TargetEnvironment } from "../types.ts";
import type { IndexClient } from "../index/index-client.ts";

/**
 * pip's FormatControl: project names (any spelling) or `:all:`. `:none:` is the option parser's
 * business (it empties the set).
 */
export interface FormatControl {
  noBinary: readonly string[];
  onlyBinary: readonly string[];
}

export interface PackageFinderOptions {
  index: IndexClient;
  /** `--index-url` then each `--extra-index-url`; empty with `--no-index`. */
  indexUrls: readonly string[];
  /** `--find-links` locations (directories, pages, files). */
  findLinks?: readonly string[];
  target: Pick<TargetEnvironment, "tags" | "pythonFullVersion">;
  formatControl?: FormatControl;
  /** `--pre`. */
  pre?: boolean;
  /** Per-project pre-release permission on top of `--pre` (e.g. a constraint naming a pre-release). */
  allowPrereleases?: (name: NormalizedName) => boolean;
  /** `--ignore-requires-python`. */
  ignoreRequiresPython?: boolean;
}

/** One usable file with what ordering needs. */
interface Ranked {
  file: DistFile;
  version: Version;
  /** Index of the best supported tag (wheels), Infinity for sdists. */
  priority: number;
  build: [number, string] | null;
}

export class PackageFinder implements Pick<ResolverProvider, "candidates"> {
  readonly #options: PackageFinderOptions;
  readonly #tagPriority: Map<string, number>;
  readonly #pythonVersion: string;
  readonly #candidates = new Map<NormalizedName, Promise<Candidate[]>>();

  constructor(options: PackageFinderOptions) {
    this.#options = options;
    this.#tagPriority = new Map();
    options.target.tags.forEach((tag, i) => {
      if (!this.#tagPriority.has(tag)) this.#tagPriority.set(tag, i);
    });
    this.#pythonVersion = options.target.pythonFullVersion;
  }

  /**
   * Versions of `name` the target can install, newest first. Yanked ones are included and
   * marked; pre-releases are included (the resolver applies PEP 440's rule with
   * `allowPrereleases`). Each source is read once per run, however often this is asked.
   */
  candidates(name: NormalizedName): Promise<Candidate[]> {
    const key = canonicalizeName(name);
    let pending = this.#candidates.get(key);
    if (!pending) {
      pending = this.#find(key);
      this.#candidates.set(key, pending);
    }
    return pending;
  }

  /** Whether pre-releases of `name` are acceptable without a specifier asking (`--pre` or the hook). */
  allowPrereleases(name: NormalizedName): boolean {
    return this.#options.pre === true || (this.#options.allowPrereleases?.(canonicalizeName(name)) ?? false);
  }

  /** Which formats `name` may be installed from (pip's FormatControl.get_allowed_formats). */
  allowedFormats(name: NormalizedName): Set<"binary" | "source"> {
    return allowedFormats(this.#options.formatControl, name);
  }

  async #find(name: NormalizedName): Promise<Candidate[]> {
    const { index, indexUrls, findLinks = [] } = this.#options;
    const sources = await Promise.all([...indexUrls.map((url) => index.projectPage(url, name)), ...findLinks.map((location) => index.findLinks(location))]);
    const formats = this.allowedFormats(name);
    const seen = new Set<string>();
    const byVersion = new Map<string, Ranked[]>();
    for (const file of sources.flat()) {
      if (seen.has(file.url)) continue;
      const ranked = this.#rank(file, name, formats);
      if (!ranked) continue;
      seen.add(file.url);
      // PEP 440: 1.0 and 1.0.0 are one version.
      const key = canonicalizeVersion(ranked.version);
      const list = byVersion.get(key);
      if (list) list.push(ranked);
      else byVersion.set(key, [ranked]);
    }
    const candidates: Candidate[] = [...byVersion.values()].map((ranked) => {
      ranked.sort(compareRanked);
      const files = ranked.map((r) => r.file);
      return { name, version: ranked[0]!.version, files, yanked: files.every((f) => f.yanked !== false) };
    });
    return candidates.sort((a, b) => b.version.compare(a.version));
  }

  /** null when the file is not for this project or not for this target. */
  #rank(file: DistFile, name: NormalizedName, formats: Set<"binary" | "source">): Ranked | null {
    let ranked: Ranked;
    if (file.kind === "wheel") {
      if (!formats.has("binary")) return null;
      let parsed;
      try {
        parsed = parseWheelFilename(file.filename);
      } catch {
        return null;
      }
      if (parsed.name !== name) return null;
      // PEP 425: usable when any of its tags is supported; better when that tag is preferred.
      let priority = Infinity;
      for (const tag of parsed.tags) priority = Math.min(priority, this.#tagPriority.get(tag.toString()) ?? Infinity);
      if (priority === Infinity) return null;
      ranked = { file, version: parsed.version, priority, build: parsed.build };
    } else {
      if (!formats.has("source")) return null;
      let parsed;
      try {
        parsed = parseSdistFilename(sdistSpelling(file.filename), { project: name });
      } catch {
        return null;
      }
      if (parsed.name !== name) return null;
      ranked = { file, version: parsed.version, priority: Infinity, build: null };
    }
    if (!this.#options.ignoreRequiresPython && !requiresPythonAllows(file.requiresPython, this.#pythonVersion)) return null;
    return ranked;
  }
}

/** pip's get_allowed_formats: a name beats `:all:`, only-binary beats no-binary. */
export function allowedFormats(control: FormatControl | undefined, name: string): Set<"binary" | "source"> {
  const result = new Set<"binary" | "source">(["binary", "source"]);
  if (!control) return result;
  const canonical = canonicalizeName(name);
  const has = (list: readonly string[], value: string): boolean => list.some((n) => (n === ":all:" ? value === ":all:" : canonicalizeName(n) === value));
  if (has(control.onlyBinary, canonical)) result.delete("source");
  else if (has(control.noBinary, canonical)) result.delete("binary");
  else if (has(control.onlyBinary, ":all:")) result.delete("source");
  else if (has(control.noBinary, ":all:")) result.delete("binary");
  return result;
}

/**
 * Whether the target interpreter satisfies a file's Requires-Python. pip ignores an invalid
 * value (the file stays), and compares the full version with pre-releases allowed.
 */
export function requiresPythonAllows(requiresPython: string | null, pythonVersion: string): boolean {
  if (!requiresPython) return true;
  let set: SpecifierSet;
  try {
    set = new SpecifierSet(requiresPython);
  } catch {
    return true;
  }
  return set.contains(pythonVersion, { prereleases: true });
}

function sdistSpelling(filename: string): string {
  // Old archive spellings parse as their .tar.gz equivalent.
  if (/\.tgz$/i.test(filename)) return `${filename.slice(0, -4)}.tar.gz`;
  if (/\.tar$/i.test(filename)) return `${filename}.gz`;
  return filename;
}

function compareRanked(a: Ranked, b: Ranked): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  // pip: a higher build tag wins among wheels of the same tag.
  const ab = a.build ?? [-1, ""];
  const bb = b.build ?? [-1, ""];
  if (ab[0] !== bb[0]) return bb[0] - ab[0];
  return ab[1] < bb[1] ? 1 : ab[1] > bb[1] ? -1 : 0;
}
