// Which releases and files go into a bundle. Two ways to say it:
// - projects: `name` (every version) or `name<specifiers>` (the matching versions, pre-releases
//   included), no dependencies followed;
// - a requirements text: each line resolved to one release (a pin `name==1.0` exactly, otherwise
//   the newest matching non-yanked version), then Requires-Dist followed transitively, each
//   dependency getting the newest matching version. Not a backtracking resolver: the first
//   version chosen for a name stays. Markers are evaluated against a spread of common target
//   environments, and a dependency is kept when its marker holds for any of them (a bundle
//   crosses an air gap: better a wheel too many than one missing).
// - on a mirror index, a sync selection (the index's own `syncSelection`, or one given): the
//   mirror's walk (`selectMirrorFiles`) works out the closure, exactly as a sync of the mirror would.
// Mirror indexes resolve a requirements text with that walk too (it refreshes pages upstream). A
// hosted index runs the same walker (`walkClosure`) over its own rows, one version per name.
import {
  InvalidRequirement,
  compareVersions,
  markerMayHold,
  parseRequirement,
  parseRequirementsText,
  tryParseVersion,
  type Requirement,
  type RequirementsTextProblem,
  type SpecifierSet,
} from "@wheelhouse/packaging";
import type { Db, File, Project, Release } from "@wheelhouse/db";
import {
  InvalidSyncSelection,
  parseSyncSelection,
  requiresDistIn,
  selectMirrorFiles,
  walkClosure,
  wantOf,
  type SyncSelection,
  type SyncSelectionInput,
  type Want,
} from "@wheelhouse/mirror";
import { BundleError } from "./bundle-error.ts";
import type { BundleDeps, IndexRow } from "./bundle-deps.ts";

export interface SelectedRelease {
  project: Project;
  release: Release;
  /** The files of the release to bundle (all of them, unless the mirror's walk chose some). */
  files: File[];
}

export interface BundleSelection {
  /** Names, optionally with specifiers: `django`, `django>=4.2,<5`. */
  projects?: readonly string[];
  /** A pip requirements file's text. */
  requirementsText?: string;
  /**
   * Mirror indexes only: `true` for the index's own configured `syncSelection`, or a sync
   * selection object (same schema). Picks what a sync of the mirror would keep warm.
   */
  syncSelection?: true | SyncSelectionInput;
}

type LoadedProject = Project & { releases: (Release & { files: File[] })[] };

/** Chooses the releases to bundle; throws BundleError("bad-selection") naming what cannot be found. */
export async function selectBundleFiles(deps: BundleDeps, index: IndexRow, selection: BundleSelection): Promise<SelectedRelease[]> {
  const given = [(selection.projects?.length ?? 0) > 0, selection.requirementsText !== undefined, selection.syncSelection !== undefined].filter(Boolean).length;
  if (given !== 1) throw new BundleError("Give exactly one of projects, a requirements text or a sync selection to bundle.", "bad-selection");
  if (selection.syncSelection !== undefined) {
    const syncSelection = mirrorSyncSelection(index, selection.syncSelection);
    return selectWithMirrorWalk(deps, index, syncSelection, "sync selection");
  }
  if (selection.requirementsText === undefined) return selectProjects(deps.db, index, selection.projects!);
  const requirements = bundleRequirements(selection.requirementsText);
  if (requirements.length === 0) throw new BundleError("The requirements text names no requirement.", "bad-selection");
  // `latest: 1`: each requirement (and dependency) gets its newest matching version, as below.
  if (index.kind === "mirror") return selectWithMirrorWalk(deps, index, { requirements: selection.requirementsText, latest: 1 }, "requirements");
  return resolveRequirements(deps, index, requirements);
}

/** The sync selection to export from a mirror index: its own (`true`) or the one given, validated. */
function mirrorSyncSelection(index: IndexRow, given: true | SyncSelectionInput): SyncSelection {
  if (index.kind !== "mirror") {
    throw new BundleError(`Index '${index.name}' is a ${index.kind} index; a sync selection can only be exported from a mirror index.`, "wrong-index-kind");
  }
  const value: unknown = given === true ? index.syncSelection : given;
  if (given === true && (value === null || value === undefined)) {
    throw new BundleError(
      `Mirror index '${index.name}' has no sync selection; set one (syncSelection) or give projects or a requirements text.`,
      "bad-selection",
    );
  }
  try {
    return parseSyncSelection(value);
  } catch (err) {
    if (err instanceof InvalidSyncSelection) {
      throw new BundleError(
        `${given === true ? `The sync selection of index '${index.name}' is invalid` : "Invalid sync selection"}: ${err.message}.`,
        "bad-selection",
      );
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// projects

async function selectProjects(db: Db, index: IndexRow, specs: readonly string[]): Promise<SelectedRelease[]> {
  const selected: SelectedRelease[] = [];
  const seen = new Set<number>();
  for (const spec of specs) {
    const requirement = parseSpec(spec);
    const project = await loadProject(db, index, requirement.normalizedName);
    if (!project) throw new BundleError(`Index '${index.name}' has no project '${requirement.name}'.`, "bad-selection");
    const releases = project.releases.filter(
      (r) => r.files.length > 0 && (requirement.specifier.length === 0 || requirement.specifier.contains(r.version, { prereleases: true })),
    );
    if (releases.length === 0) {
      throw new BundleError(`No release of '${project.displayName}' in index '${index.name}' matches '${spec}'.`, "bad-selection");
    }
    for (const release of releases) {
      if (seen.has(release.id)) continue;
      seen.add(release.id);
      selected.push({ project, release, files: release.files });
    }
  }
  return selected;
}

function parseSpec(spec: string): Requirement {
  let requirement: Requirement;
  try {
    requirement = parseRequirement(spec);
  } catch (err) {
    if (err instanceof InvalidRequirement) throw new BundleError(`Invalid project '${spec}': ${err.message}.`, "bad-selection");
    throw err;
  }
  if (requirement.url !== null || requirement.marker !== null || requirement.extras.length > 0) {
    throw new BundleError(`Invalid project '${spec}': give a name with optional version specifiers only (no extras, URL or marker).`, "bad-selection");
  }
  return requirement;
}

// ---------------------------------------------------------------------------------------------
// requirements text

/** pip options that may appear in a requirements file and do not change what is bundled. */
const IGNORED_OPTIONS = new Set([
  "--index-url",
  "--extra-index-url",
  "--find-links",
  "--trusted-host",
  "--pre",
  "--prefer-binary",
  "--only-binary",
  "--no-binary",
  "--no-index",
]);
const UNSUPPORTED_OPTIONS = new Set(["--requirement", "--constraint", "--editable"]);

/**
 * The requirements of a pip requirements text, read by @wheelhouse/packaging (comments, blank
 * lines, line continuations and `--hash` options understood), with the bundle's rule for what it
 * cannot follow: index options are ignored; nested files, editables, other options and direct
 * URLs refuse the export. Throws BundleError naming the first such line.
 */
export function bundleRequirements(text: string): Requirement[] {
  const parsed = parseRequirementsText(text);
  for (const problem of parsed.problems) {
    const refusal = refusalOf(problem);
    if (refusal !== null) throw new BundleError(`requirements line ${problem.line}: ${refusal}`, "bad-selection");
  }
  return parsed.requirements.map((line) => line.requirement);
}

/** Why a line refuses the export, or null when the bundle ignores it. */
function refusalOf(problem: RequirementsTextProblem): string | null {
  switch (problem.kind) {
    case "option":
      if (UNSUPPORTED_OPTIONS.has(problem.option)) return `'${problem.written}' is not supported in a bundle's requirements; list the requirements themselves.`;
      return IGNORED_OPTIONS.has(problem.option) ? null : `unknown option '${problem.written}'.`;
    case "unknown-option":
      return problem.onRequirement ? `unsupported option '${problem.option}'.` : `unknown option '${problem.option}'.`;
    case "requirement-option":
      return `unsupported option '${problem.written}'.`;
    case "direct-url":
      return `a direct URL requirement ('${problem.text}') cannot be bundled from an index.`;
    case "invalid":
      return `${problem.detail}.`;
  }
}

type HostedProject = { label: string; releases: LoadedProject["releases"]; row: LoadedProject };
type HostedRelease = LoadedProject["releases"][number];

/**
 * The closure of a requirements text in a hosted index: the mirror's walk (walkClosure) over the
 * index's own rows, one version per name (the newest a requirement admits, the first chosen
 * staying), markers against the common target environments.
 */
async function resolveRequirements(deps: BundleDeps, index: IndexRow, requirements: readonly Requirement[]): Promise<SelectedRelease[]> {
  // A top-level pin decides a name's version even when it comes up first as a dependency.
  const pins = new Map(requirements.map((r) => [r.normalizedName as string, r]));
  const asked = (want: Want) => {
    const requirement = want.requirement!.toString();
    return want.via === null ? `'${requirement}'` : `'${requirement}' (required by ${want.via})`;
  };
  const choices = await walkClosure<HostedProject, HostedRelease>(
    requirements.filter((r) => markerMayHold(r.marker, [])).map((r) => wantOf(r)),
    {
      source: {
        project: async (name) => {
          const row = await loadProject(deps.db, index, name);
          return row && { label: row.displayName, releases: row.releases, row };
        },
        requiresDist: async (_project, release) => requiresDistOf(release),
      },
      choose: (project, want) => {
        const release = pickRelease(project.releases, want.specifier);
        return release ? [{ release, files: release.files }] : [];
      },
      versions: { kind: "one-per-name", pins },
      report: {
        missing: (want) => {
          // A dependency only some platforms need may well be missing from a private index.
          if (want.via !== null && want.requirement!.marker !== null) {
            deps.log.warn({ requirement: want.requirement!.toString(), from: want.via }, "bundle: conditional dependency not in the index, skipped");
            return;
          }
          throw new BundleError(`Index '${index.name}' has no project for ${asked(want)}.`, "bad-selection");
        },
        unmatched: (want, project) => {
          throw new BundleError(`No release of '${project.label}' in index '${index.name}' satisfies ${asked(want)}.`, "bad-selection");
        },
        directUrl: (dependency, via) => deps.log.warn({ requirement: dependency.toString(), from: via }, "bundle: skipping a direct URL dependency"),
        conflict: (want, [chosen]) =>
          deps.log.warn(
            { requirement: want.requirement!.toString(), from: want.via, chosen: chosen!.release.version },
            "bundle: dependency conflict, keeping the version chosen first",
          ),
      },
    },
  );
  return choices.map(({ project, release, files }) => ({ project: project.row, release, files }));
}

/** The newest release with files that the specifier admits; yanked ones only for an exact pin (PEP 592). */
export function pickRelease<R extends { version: string; yanked: boolean; files: unknown[] }>(releases: readonly R[], specifier: SpecifierSet): R | null {
  const clauses = [...specifier];
  const pinned = clauses.length === 1 && (clauses[0]!.operator === "===" || (clauses[0]!.operator === "==" && !clauses[0]!.version.endsWith(".*")));
  const candidates = releases.filter((r) => r.files.length > 0 && (pinned || !r.yanked));
  const admitted = new Set(specifier.filter(candidates.map((r) => r.version)));
  let best: R | null = null;
  for (const release of candidates) {
    if (!admitted.has(release.version) || tryParseVersion(release.version) === null) continue;
    if (!best || compareVersions(release.version, best.version) > 0) best = release;
  }
  return best;
}

/** Requires-Dist of a release: from its files' core metadata, else from the release's `info` (JSON API `requires_dist`). */
function requiresDistOf(release: Release & { files: File[] }): Requirement[] {
  const fromInfo = (release.info as { requires_dist?: unknown } | null)?.requires_dist;
  return requiresDistIn(
    release.files.flatMap((f) => (f.coreMetadata ? [f.coreMetadata] : [])),
    Array.isArray(fromInfo) ? fromInfo : [],
  );
}

async function loadProject(db: Db, index: IndexRow, name: string): Promise<LoadedProject | null> {
  return db.project.findUnique({
    where: { indexId_name: { indexId: index.id, name } },
    include: { releases: { include: { files: { orderBy: { filename: "asc" } } } } },
  });
}

// ---------------------------------------------------------------------------------------------
// mirror indexes: the mirror's walk, the one a sync runs

/**
 * The files `selectMirrorFiles` picks (it refreshes the projects' pages upstream), grouped by
 * release. Any problem it reports refuses the export: a bundle crosses an air gap, so a closure
 * with a hole in it is worse than none.
 */
async function selectWithMirrorWalk(
  deps: BundleDeps,
  index: IndexRow,
  selection: SyncSelection | SyncSelectionInput,
  what: string,
): Promise<SelectedRelease[]> {
  if (!deps.mirror) throw new Error(`exporting from mirror index '${index.name}' needs the mirror`);
  const result = await selectMirrorFiles({ db: deps.db, log: deps.log, mirror: deps.mirror }, index, selection);
  if (result.problems.length > 0) {
    const more = result.problems.length > 5 ? ` (and ${result.problems.length - 5} more)` : "";
    throw new BundleError(`The ${what} cannot be resolved against index '${index.name}': ${result.problems.slice(0, 5).join("; ")}${more}.`, "bad-selection");
  }
  if (result.files.length === 0) throw new BundleError(`The ${what} selects no file of index '${index.name}'.`, "bad-selection");
  const files = await deps.db.file.findMany({
    where: { id: { in: result.files.map((f) => f.id) }, indexId: index.id },
    include: { release: true, project: true },
    orderBy: { filename: "asc" },
  });
  const byRelease = new Map<number, SelectedRelease>();
  for (const { release, project, ...file } of files) {
    let entry = byRelease.get(release.id);
    if (!entry) byRelease.set(release.id, (entry = { project, release, files: [] }));
    entry.files.push(file);
  }
  return [...byRelease.values()];
}
