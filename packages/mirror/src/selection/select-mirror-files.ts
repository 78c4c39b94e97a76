// Works out which upstream files a mirror should hold for a selection: refreshes the pages of
// the named projects, keeps the matching versions and files, and follows their dependencies
// (Requires-Dist, markers evaluated for every target environment) to a closure: everything
// an install on one of the targets might need, not one resolution.
import type { Db, File, Index } from "@wheelhouse/db";
import {
  canonicalizeName,
  markerEnvironments,
  markerMayHold,
  parseRawMetadata,
  parseRequirement,
  parseRequirementsText,
  SpecifierSet,
  tryParseRequirement,
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

interface Work {
  name: NormalizedName;
  specifier: SpecifierSet;
  extras: string[];
  /** "django 5.0.1" for a dependency; null for what the selection names. */
  via: string | null;
}

type ReleaseRow = { id: number; version: string; yanked: boolean; files: FileRow[] };

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

  const initial: Work[] = [];
  const addTop = (req: Requirement, where: string) => {
    if (req.url) {
      problems.push(`${where}: ${req.name} is a direct URL requirement; not mirrored`);
      return;
    }
    if (!markerMayHold(req.marker, [], envs)) return;
    initial.push({ name: req.normalizedName, specifier: req.specifier, extras: req.extras, via: null });
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

  // Pages: one refresh per project per call, shared by every requirement on it.
  const pages = new Map<NormalizedName, Promise<ReleaseRow[] | null>>();
  const loadProject = (name: NormalizedName): Promise<ReleaseRow[] | null> => {
    let p = pages.get(name);
    if (!p) {
      p = (async () => {
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
        return project?.releases ?? null;
      })();
      pages.set(name, p);
    }
    return p;
  };

  // Dependencies of one release, from its stored core metadata or the mirror's PEP 658 copy.
  const depsOf = async (name: string, release: ReleaseRow, chosen: FileRow[]): Promise<Requirement[]> => {
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
      problems.push(`${name} ${release.version}: its dependencies could not be read (no metadata); not followed`);
      return [];
    }
    const raw = parseRawMetadata(text).raw;
    return (raw.requiresDist ?? []).map((r) => tryParseRequirement(r)).filter((r): r is Requirement => r !== null);
  };

  const files = new Map<number, FileRow>();
  const projects = new Set<string>();
  const seen = new Set<string>();
  const worklist = [...initial];
  const running = new Set<Promise<void>>();
  const limit = opts.concurrency ?? 8;

  const process = async (work: Work): Promise<void> => {
    const releases = await loadProject(work.name);
    const what = `${work.name}${work.specifier.length ? ` ${work.specifier}` : ""}`;
    const via = work.via ? ` (required by ${work.via})` : "";
    if (releases === null) {
      problems.push(`${what}: not found upstream${via}`);
      return;
    }
    const chosen = selectReleases(releases, work.specifier, selection, targets);
    if (chosen.length === 0) {
      problems.push(`${what}: no version matches the selection's targets${via}`);
      return;
    }
    projects.add(work.name);
    const added: FileRow[] = [];
    for (const release of chosen) {
      for (const f of release.files) {
        if (files.has(f.id)) continue;
        files.set(f.id, f);
        added.push(f);
      }
    }
    if (added.length > 0 && opts.onSelected) await opts.onSelected(added);
    const depLists = await Promise.all(chosen.map((release) => depsOf(work.name, releases.find((r) => r.version === release.version)!, release.files)));
    for (const [i, release] of chosen.entries()) {
      for (const dep of depLists[i]!) {
        if (dep.url) continue;
        if (!markerMayHold(dep.marker, work.extras, envs)) continue;
        worklist.push({ name: dep.normalizedName, specifier: dep.specifier, extras: dep.extras, via: `${work.name} ${release.version}` });
      }
    }
  };

  while (worklist.length > 0 || running.size > 0) {
    while (worklist.length > 0 && running.size < limit) {
      const work = worklist.shift()!;
      if (blocked(work.name)) {
        if (work.via === null) problems.push(`${work.name}: blocked by the selection`);
        continue;
      }
      const key = `${work.name}|${work.specifier.toString()}|${[...work.extras]
        .map((e) => canonicalizeName(e))
        .sort()
        .join(",")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const task: Promise<void> = process(work)
        .catch((err: unknown) => {
          problems.push(`${work.name}: ${err instanceof Error ? err.message : String(err)}`);
        })
        .finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size > 0) await Promise.race(running);
  }

  const ordered = [...files.values()].sort((a, b) => a.projectId - b.projectId || a.filename.localeCompare(b.filename));
  return { files: ordered, projects: [...projects].sort(), problems: [...new Set(problems)], stats };
}
