// The closure walk: from top-level requirements, choose releases of each named project and follow
// their Requires-Dist (markers evaluated against the target environments) until nothing new comes
// up. A mirror sync and a bundle export both run it; what differs between them is injected, the
// way uv's resolver asks a provider: where projects and their dependencies come from (a mirror
// refreshes pages upstream, a hosted index reads the database), which releases a requirement keeps,
// how many versions of a name the walk keeps (VersionRule), and what a gap is worth (the report).
import {
  canonicalizeName,
  markerMayHold,
  parseRawMetadata,
  tryParseRequirement,
  type MarkerEnvironment,
  type NormalizedName,
  type Requirement,
  type SpecifierSet,
} from "@wheelhouse/packaging";

/** One requirement to satisfy: one the selection names (`via` null) or a dependency of a chosen release. */
export interface Want {
  name: NormalizedName;
  specifier: SpecifierSet;
  extras: readonly string[];
  /** The requirement as written, when there is one (a name matched by a pattern has none). */
  requirement?: Requirement;
  /** "django 5.0.1": the release whose Requires-Dist asked for it; null at the top level. */
  via: string | null;
}

export function wantOf(requirement: Requirement, via: string | null = null): Want {
  return { name: requirement.normalizedName, specifier: requirement.specifier, extras: requirement.extras, requirement, via };
}

export interface WalkRelease {
  version: string;
  files: unknown[];
}

export interface WalkProject<R extends WalkRelease> {
  /** How the project is named in `via` ("django" in "django 5.0.1"). */
  label: string;
  releases: R[];
}

/** A release the walk keeps, with the files kept of it. */
export interface Choice<P extends WalkProject<R>, R extends WalkRelease> {
  project: P;
  release: R;
  files: R["files"];
}

/** Where the walk reads projects and dependencies; not-found is an answer (null), not an exception. */
export interface ClosureSource<P extends WalkProject<R>, R extends WalkRelease> {
  /** A project with its releases, or null when the index has none by that name. Asked once per name per walk. */
  project(name: NormalizedName): Promise<P | null>;
  /** The Requires-Dist of one release, whose `files` the walk keeps. */
  requiresDist(project: P, release: R, files: R["files"]): Promise<Requirement[]>;
}

/** A top-level requirement that decides its name's version wherever the name comes up first. */
export interface Pin {
  specifier: SpecifierSet;
  extras: readonly string[];
}

export type VersionRule =
  /**
   * A sync: every release each requirement keeps; a name is walked again for each new specifier
   * or set of extras.
   */
  | { kind: "per-requirement" }
  /**
   * A bundle: one choice per name, the first made (not a backtracking resolver); a later
   * requirement on the name only adds extras, and one the choice does not satisfy is reported as
   * a conflict. `pins` decide their names' versions even when a name first comes up as a
   * dependency. Walks one requirement at a time, so that "first" has one meaning.
   */
  | { kind: "one-per-name"; pins?: ReadonlyMap<string, Pin> };

/** What the walk found that it could not follow; each caller decides what a gap is worth (a problem, a warning, a refusal). */
export interface WalkReport<P extends WalkProject<R>, R extends WalkRelease> {
  /** The source has no project by that name. */
  missing(want: Want): void;
  /** The project has no release the want keeps. */
  unmatched(want: Want, project: P): void;
  /** A dependency on a direct URL (an index cannot serve it); not followed. */
  directUrl?(dependency: Requirement, via: string): void;
  /** one-per-name: a later requirement the first choice does not satisfy; the first choice stays. */
  conflict?(want: Want, chosen: Choice<P, R>[]): void;
  /** A want whose processing threw. Without it the walk stops and rejects with the error. */
  failed?(want: Want, err: unknown): void;
}

export interface WalkOptions<P extends WalkProject<R>, R extends WalkRelease> {
  source: ClosureSource<P, R>;
  /** The releases of a project one want keeps (the want's specifier is its pin's, when pinned). */
  choose(project: P, want: Want): { release: R; files: R["files"] }[];
  versions: VersionRule;
  report: WalkReport<P, R>;
  /** The environments markers are evaluated against; a dependency is followed when its marker may hold in one. */
  environments?: readonly MarkerEnvironment[];
  /** A want not to walk at all (a sync's blocked names). */
  skip?(want: Want): boolean;
  /** Each want's choices, as soon as they are made, before their dependencies are read. */
  onChosen?(want: Want, choices: Choice<P, R>[]): Promise<void>;
  /** How many wants are processed at once (per-requirement only). Default 8. */
  concurrency?: number;
}

interface Chosen<P extends WalkProject<R>, R extends WalkRelease> {
  choices: Choice<P, R>[];
  dependencies: Requirement[][];
  /** Extras requested of the name so far (one-per-name). */
  extras: Set<string>;
}

/** Walks the closure of `initial`; returns every choice, in the order made. */
export async function walkClosure<P extends WalkProject<R>, R extends WalkRelease>(initial: readonly Want[], opts: WalkOptions<P, R>): Promise<Choice<P, R>[]> {
  const { source, report, versions } = opts;
  const onePerName = versions.kind === "one-per-name" ? versions : null;
  const limit = onePerName ? 1 : (opts.concurrency ?? 8);

  const projects = new Map<NormalizedName, Promise<P | null>>();
  const projectOf = (name: NormalizedName): Promise<P | null> => {
    let p = projects.get(name);
    if (!p) projects.set(name, (p = source.project(name)));
    return p;
  };

  const made: Choice<P, R>[] = [];
  const byName = new Map<string, Chosen<P, R>>();
  const seen = new Set<string>();
  const worklist = [...initial];

  const follow = (chosen: Chosen<P, R>, extras: readonly string[]) => {
    for (const [i, choice] of chosen.choices.entries()) {
      const via = `${choice.project.label} ${choice.release.version}`;
      for (const dependency of chosen.dependencies[i]!) {
        if (!markerMayHold(dependency.marker, extras, opts.environments)) continue;
        if (dependency.url !== null) report.directUrl?.(dependency, via);
        else worklist.push(wantOf(dependency, via));
      }
    }
  };

  /** one-per-name: a want on a name already chosen adds its extras; false when the name is new. */
  const joinChosen = (want: Want): boolean => {
    const known = byName.get(want.name);
    if (!known) return false;
    const fresh = want.extras.filter((e) => !known.extras.has(e));
    if (!known.choices.some((c) => want.specifier.contains(c.release.version, { prereleases: true }))) report.conflict?.(want, known.choices);
    if (fresh.length > 0) {
      for (const e of fresh) known.extras.add(e);
      follow(known, [...known.extras]);
    }
    return true;
  };

  const process = async (want: Want): Promise<void> => {
    const project = await projectOf(want.name);
    if (project === null) return report.missing(want);
    const pin = onePerName?.pins?.get(want.name);
    const picked = opts.choose(project, pin ? { ...want, specifier: pin.specifier } : want);
    if (picked.length === 0) return report.unmatched(want, project);
    const choices = picked.map(({ release, files }) => ({ project, release, files }));
    made.push(...choices);
    if (opts.onChosen) await opts.onChosen(want, choices);
    const dependencies = await Promise.all(choices.map((c) => source.requiresDist(project, c.release, c.files)));
    const chosen = { choices, dependencies, extras: new Set([...want.extras, ...(pin?.extras ?? [])]) };
    if (onePerName) byName.set(want.name, chosen);
    follow(chosen, [...chosen.extras]);
  };

  const running = new Set<Promise<void>>();
  const failures: unknown[] = [];
  while ((worklist.length > 0 && failures.length === 0) || running.size > 0) {
    while (worklist.length > 0 && running.size < limit && failures.length === 0) {
      const want = worklist.shift()!;
      if (opts.skip?.(want)) continue;
      if (onePerName) {
        if (joinChosen(want)) continue;
      } else {
        const key = `${want.name}|${want.specifier.toString()}|${want.extras
          .map((e) => canonicalizeName(e))
          .sort()
          .join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const task: Promise<void> = process(want)
        .catch((err: unknown) => {
          if (report.failed) report.failed(want, err);
          else failures.push(err);
        })
        .finally(() => running.delete(task));
      running.add(task);
    }
    if (running.size > 0) await Promise.race(running);
  }
  if (failures.length > 0) throw failures[0];
  return made;
}

/**
 * The Requires-Dist of one release's core metadata texts (its files'), each requirement once;
 * when they name none, `otherwise` (e.g. the JSON API's `requires_dist`, strings only). Lines
 * that do not parse are left out.
 */
export function requiresDistIn(metadataTexts: Iterable<string>, otherwise: readonly unknown[] = []): Requirement[] {
  const lines = new Set<string>();
  for (const text of metadataTexts) for (const line of parseRawMetadata(text).raw.requiresDist ?? []) lines.add(line);
  if (lines.size === 0) for (const line of otherwise) if (typeof line === "string") lines.add(line);
  return [...lines].map((line) => tryParseRequirement(line)).filter((r): r is Requirement => r !== null);
}
