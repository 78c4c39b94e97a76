// Works out which upstream files a mirror should hold for a selection: refreshes the pages of
// the named projects, keeps the matching versions and files, and follows their dependencies
// (Requires-Dist, markers evaluated for every target environment) to a closure: everything
// an install on one of the targets might need, not one resolution. The walk is walkClosure's,
// over the mirror's pages, keeping every version each requirement selects.
import type { Db, File, Index } from "@wheelhouse/db";
import {
  markerEnvironments,
  markerMayHold,
  parseRequirement,
  parseRequirementsText,
  SpecifierSet,
  type NormalizedName,
  type Requirement,
} from "@wheelhouse/packaging";
import type { Logger } from "pino";
import type { Mirror } from "../mirror.ts";
import { targetsOf, type Target } from "./compatibility.ts";
import { selectReleases } from "./filter.ts";
import { nameMatcher } from "./name-matcher.ts";
import { parseSyncSelection, type SyncSelection, type SyncSelectionInput } from "./sync-selection.ts";
import type { UpstreamListing } from "./upstream-listing.ts";
import { requiresDistIn, walkClosure, wantOf, type Want } from "./walk-closure.ts";

export type FileRow = File;

/** What the walk asks of the mirror: pages, metadata, upstream's listing (tests pass a fake). */
export type MirrorPages = Pick<Mirror, "ensureProject" | "ensureMetadata" | "upstreamListing">;

export interface SelectionDeps {
  db: Db;
  log: Logger;
  mirror: MirrorPages;
}

export interface SelectOptions {
  /** Revalidate every page upstream (conditionally) instead of trusting the TTL. A sync passes true. */
  force?: boolean;
  /** Read upstream's root index for per-project serials and skip unchanged pages. Default true. */
  useUpstreamSerials?: boolean;
  /** How many projects are refreshed at once. */
  concurrency?: number;
  /**
   * Called with each batch of newly selected files as soon as a project's versions are chosen,
   * while the dependency walk goes on (a sync queues their fetches right away).
   */
  onSelected?: (files: FileRow[]) => Promise<void>;
}

export interface MirrorSelection {
  /** Every selected file, cached or not, ordered by project and filename. */
  files: FileRow[];
  /** Normalized names of the projects with at least one selected file. */
  projects: string[];
  /** One sentence each: names not found upstream, unreadable requirements, blocked dependencies, … */
  problems: string[];
  /** Pages asked upstream, and pages skipped because upstream's serial did not change. */
  stats: { refreshed: number; unchangedBySerial: number };
}

type ReleaseRow = { id: number; version: string; yanked: boolean; files: FileRow[] };
type MirrorProject = { label: string; releases: ReleaseRow[] };

export async function selectMirrorFiles(
  deps: SelectionDeps,
  index: Index,
  selectionInput: SyncSelection | SyncSelectionInput | null,
  opts: SelectOptions = {},
): Promise<MirrorSelection> {
  const selection = parseSyncSelection(selectionInput);
  const { db, log, mirror } = deps;
  const targets: Target[] = targetsOf(selection);
  const envs = markerEnvironments(selection.pythons, selection.platforms);
  const blocked = nameMatcher(selection.block ?? []);
  const problems: string[] = [];
  const stats = { refreshed: 0, unchangedBySerial: 0 };

  // Upstream's listing: names for `patterns`, serials for skipping unchanged pages.
  let listing: UpstreamListing | null = null;
  if (selection.patterns?.length || opts.useUpstreamSerials !== false) {
    try {
      listing = await mirror.upstreamListing(index);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (selection.patterns?.length)
        problems.push(`patterns: upstream's project list is unavailable (${message}); matched only the projects the mirror knows`);
      else log.debug({ err, index: index.name }, "sync: no upstream listing; revalidating every page");
    }
  }

  const initial: Want[] = [];
  const addTop = (req: Requirement, where: string) => {
    if (req.url) {
      problems.push(`${where}: ${req.name} is a direct URL requirement; not mirrored`);
      return;
    }
    if (!markerMayHold(req.marker, [], envs)) return;
    initial.push(wantOf(req));
  };
  for (const [i, text] of (selection.allow ?? []).entries()) addTop(parseRequirement(text), `allow[${i}]`);
  if (selection.requirements) {
    // Lines that cannot be followed (options, direct URLs, unreadable ones) are problems, not fatal.
    const parsed = parseRequirementsText(selection.requirements);
    problems.push(...parsed.problems.map((problem) => problem.message));
    for (const line of parsed.requirements) addTop(line.requirement, "requirements");
  }
  if (selection.patterns?.length) {
    const matches = nameMatcher(selection.patterns);
    const known = new Set<string>(listing?.keys() ?? []);
    for (const p of await db.project.findMany({ where: { indexId: index.id }, select: { name: true } })) known.add(p.name);
    const names = [...known].filter(matches).sort();
    if (names.length === 0) problems.push(`patterns: no known project matches ${selection.patterns.join(", ")}`);
    for (const name of names) initial.push({ name: name as NormalizedName, specifier: new SpecifierSet(""), extras: [], via: null });
  }
  if (initial.length === 0 && problems.length === 0) problems.push("the selection names no projects (allow, patterns or requirements)");

  // Pages: refreshed once per project per call (the walk asks once per name), shared by every requirement on it.
  const loadProject = async (name: NormalizedName): Promise<MirrorProject | null> => {
    const serial = listing?.get(name);
    let skip = false;
    if (serial !== undefined && serial !== null && opts.useUpstreamSerials !== false) {
      const page = await db.mirrorPage.findUnique({ where: { indexId_name: { indexId: index.id, name } } });
      skip = page?.upstreamStatus === 200 && page.upstreamSerial === serial;
    }
    if (skip) stats.unchangedBySerial++;
    else {
      stats.refreshed++;
      try {
        if ((await mirror.ensureProject(index, name, { force: opts.force ?? false })) === null) return null;
      } catch (err) {
        problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const project = await db.project.findUnique({
      where: { indexId_name: { indexId: index.id, name } },
      select: { releases: { select: { id: true, version: true, yanked: true, files: true } } },
    });
    return project ? { label: name, releases: project.releases } : null;
  };

  // Dependencies of one release, from its stored core metadata or the mirror's PEP 658 copy.
  const depsOf = async (project: MirrorProject, release: ReleaseRow, chosen: FileRow[]): Promise<Requirement[]> => {
    let text = chosen.find((f) => f.coreMetadata)?.coreMetadata ?? release.files.find((f) => f.coreMetadata)?.coreMetadata ?? null;
    const candidates = [...chosen.filter((f) => f.filename.endsWith(".whl")), ...chosen.filter((f) => !f.filename.endsWith(".whl"))];
    for (const file of candidates) {
      if (text) break;
      try {
        text = await mirror.ensureMetadata(index, file.id);
      } catch (err) {
        log.debug({ err, file: file.filename }, "sync: no metadata for a file");
      }
    }
    if (!text) {
      problems.push(`${project.label} ${release.version}: its dependencies could not be read (no metadata); not followed`);
      return [];
    }
    return requiresDistIn([text]);
  };

  const files = new Map<number, FileRow>();
  const projects = new Set<string>();
  /** "lib >=2: <what went wrong> (required by app 2.0)" */
  const problem = (want: Want, what: string) =>
    problems.push(`${want.name}${want.specifier.length ? ` ${want.specifier}` : ""}: ${what}${want.via ? ` (required by ${want.via})` : ""}`);
  // Every version each requirement keeps: a sync keeps warm what any install on a target might pick.
  await walkClosure<MirrorProject, ReleaseRow>(initial, {
    source: { project: loadProject, requiresDist: depsOf },
    choose: (project, want) =>
      selectReleases(project.releases, want.specifier, selection, targets).map((kept) => ({
        release: project.releases.find((r) => r.version === kept.version)!,
        files: kept.files,
      })),
    versions: { kind: "per-requirement" },
    environments: envs,
    concurrency: opts.concurrency ?? 8,
    skip: (want) => {
      if (!blocked(want.name)) return false;
      if (want.via === null) problems.push(`${want.name}: blocked by the selection`);
      return true;
    },
    onChosen: async (want, choices) => {
      projects.add(want.name);
      const added: FileRow[] = [];
      for (const choice of choices) {
        for (const f of choice.files) {
          if (files.has(f.id)) continue;
          files.set(f.id, f);
          added.push(f);
        }
      }
      if (added.length > 0 && opts.onSelected) await opts.onSelected(added);
    },
    report: {
      missing: (want) => problem(want, "not found upstream"),
      unmatched: (want) => problem(want, "no version matches the selection's targets"),
      failed: (want, err) => problems.push(`${want.name}: ${err instanceof Error ? err.message : String(err)}`),
    },
  });

  const ordered = [...files.values()].sort((a, b) => a.projectId - b.projectId || a.filename.localeCompare(b.filename));
  return { files: ordered, projects: [...projects].sort(), problems: [...new Set(problems)], stats };
}
