/**
 * Reading the tree ahead while the target interpreter is still being inspected.
 *
 * The resolver cannot choose a file before it knows the interpreter's tags and markers, and
 * asking Python for them takes some 60 ms on a cold cache: the whole first round trips of a
 * resolution. A guess needs neither: the newest release's pure-Python wheel (`*-none-any`) is
 * what the resolver will pick for most projects, and its dependencies without markers are
 * needed whatever the interpreter. So, for the projects the request names, this reads that
 * wheel's metadata, then the pages of those dependencies and their wheels' metadata, a few levels
 * down, into the same caches the resolution reads (pages by URL, metadata by file, each fetched
 * once per run). A right guess saves the resolution its round trips; a wrong one costs a page or
 * a metadata read. Nothing is decided here, nothing is reported unless the resolution reads the
 * same page, and no new read starts once the interpreter is known.
 */
import { canonicalizeName, parseMetadata, parseWheelFilename, type NormalizedName, type Requirement, type Version } from "@wheelhouse/packaging";
import type { DistFile } from "../core/types.ts";
import type { IndexSession } from "../core/index/index-session.ts";

/** Levels of dependencies read below the named projects. */
const DEPTH = 4;

export function readAheadWhileInspecting(
  session: IndexSession,
  named: readonly Requirement[],
  inspected: Promise<unknown>,
  { followDependencies = true } = {},
): void {
  const indexUrls = session.indexUrls;
  if (indexUrls.length === 0) return;
  let stopped = false;
  const stop = () => (stopped = true);
  inspected.then(stop, stop);
  const seen = new Set<NormalizedName>();

  const visit = async (requirement: Requirement, depth: number): Promise<void> => {
    const name = requirement.normalizedName;
    if (stopped || seen.has(name) || requirement.url !== null) return;
    seen.add(name);
    const pages = await Promise.all(indexUrls.map((url) => session.index.readAhead(url, name)));
    const wheel = newestPureWheel(pages.flat(), requirement);
    if (stopped || wheel === null) return;
    const text = await session.metadata.forFile(wheel, name);
    if (text === null || !followDependencies || depth >= DEPTH) return;
    const dependencies = parseMetadata(text, { validate: false }).requiresDist ?? [];
    await Promise.all(dependencies.filter((d) => d.marker === null).map((d) => visit(d, depth + 1)));
  };
  // Failures are the resolution's to meet (and report) when it reads the same things.
  for (const requirement of named) visit(requirement, 0).catch(() => {});
}

/** The `*-none-any` wheel of the newest final release the requirement allows; null when there is none. */
function newestPureWheel(files: readonly DistFile[], requirement: Requirement): DistFile | null {
  let best: { file: DistFile; version: Version } | null = null;
  for (const file of files) {
    if (file.kind !== "wheel" || file.yanked !== false || !file.filename.endsWith("-none-any.whl")) continue;
    let parsed;
    try {
      parsed = parseWheelFilename(file.filename);
    } catch {
      continue;
    }
    if (parsed.name !== canonicalizeName(requirement.name) || parsed.version.isPrerelease) continue;
    if (!requirement.specifier.contains(parsed.version)) continue;
    if (best === null || parsed.version.compare(best.version) > 0) best = { file, version: parsed.version };
  }
  return best?.file ?? null;
}
