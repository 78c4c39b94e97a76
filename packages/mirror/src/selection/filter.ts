// Pure filters: which versions of a project, and which files of a version, a selection keeps.
import { parseWheelFilename, SpecifierSet, tryParseVersion, type Version } from "@wheelhouse/packaging";
import { isWheelCompatible, type Target } from "./compatibility.ts";
import type { SyncSelection } from "./sync-selection.ts";

export interface CandidateFile {
  filename: string;
  packageType: string;
  /** null: the upstream page did not say (PEP 503 HTML). */
  size: bigint | number | null;
  requiresPython: string | null;
  yanked: boolean;
}

export interface CandidateRelease<F extends CandidateFile> {
  version: string;
  yanked: boolean;
  files: F[];
}

export type FileFilter = Pick<SyncSelection, "pythons" | "maxFileSize" | "sdists">;

/** Whether one file is kept: size limit, sdists on/off, wheel tags against the targets, Requires-Python. */
export function fileMatches(file: CandidateFile, selection: FileFilter, targets: readonly Target[]): boolean {
  // An unknown size (a PEP 503 page without sizes) cannot be held against the limit: kept.
  if (selection.maxFileSize !== undefined && file.size !== null && Number(file.size) > selection.maxFileSize) return false;
  if (file.filename.endsWith(".whl")) {
    let tags: ReturnType<typeof parseWheelFilename>["tags"];
    try {
      tags = parseWheelFilename(file.filename).tags;
    } catch {
      return false;
    }
    if (!isWheelCompatible(tags, targets)) return false;
  } else if (file.packageType === "sdist" || /\.(tar\.gz|zip)$/.test(file.filename)) {
    if (selection.sdists === false) return false;
  } else {
    return false; // eggs, bdist_wininst, …: nothing a modern installer takes
  }
  return requiresPythonAllows(file.requiresPython, selection.pythons);
}

/** Requires-Python against the target Pythons; an unreadable specifier does not exclude. */
export function requiresPythonAllows(requiresPython: string | null, pythons: readonly string[] | undefined): boolean {
  if (!requiresPython || !pythons?.length) return true;
  let spec: SpecifierSet;
  try {
    spec = new SpecifierSet(requiresPython);
  } catch {
    return true;
  }
  return pythons.some((py) => spec.contains(`${py}.0`, { prereleases: true }) || spec.contains(`${py}.99`, { prereleases: true }));
}

/** PEP 592: a yanked release is still installable when pinned exactly. */
function pinsExactly(specifier: SpecifierSet): boolean {
  return specifier.specifiers.some((s) => s.operator === "===" || (s.operator === "==" && !s.version.endsWith(".*")));
}

export interface SelectedRelease<F extends CandidateFile> {
  version: string;
  parsed: Version;
  files: F[];
}

/**
 * The versions of one project a requirement keeps: in the specifier (pre-releases only when the
 * selection or the specifier asks, PEP 440), not yanked unless pinned, with at least one kept
 * file; then the newest `latest` of them for each target. Newest first.
 */
export function selectReleases<F extends CandidateFile>(
  releases: readonly CandidateRelease<F>[],
  specifier: SpecifierSet,
  selection: FileFilter & Pick<SyncSelection, "prereleases" | "latest">,
  targets: readonly Target[],
): SelectedRelease<F>[] {
  const pinned = pinsExactly(specifier);
  const out: SelectedRelease<F>[] = [];
  for (const release of releases) {
    const parsed = tryParseVersion(release.version);
    if (!parsed) continue;
    if (!specifier.contains(parsed, selection.prereleases ? { prereleases: true } : {})) continue;
    if (release.yanked && !pinned) continue;
    const files = release.files.filter((f) => (!f.yanked || pinned) && fileMatches(f, selection, targets));
    if (files.length > 0) out.push({ version: release.version, parsed, files });
  }
  out.sort((a, b) => b.parsed.compare(a.parsed));
  if (selection.latest === undefined) return out;
  // Newest N for each target: a target the newest release has no file for gets older ones.
  const keep = new Set<SelectedRelease<F>>();
  for (const target of targets) {
    out
      .filter((r) => r.files.some((f) => fileMatches(f, selection, [target])))
      .slice(0, selection.latest)
      .forEach((r) => {
        keep.add(r);
      });
  }
  return out.filter((r) => keep.has(r));
}
